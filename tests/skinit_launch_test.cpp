// The AMD info entry in the setup_data chain, SKL's measurements, the end-to-end PCR 17/18
// prediction of an AMD launch and the skl consumer profile
// (include/dlh/skinit/{setup_data,measure}.hpp, include/slrt/consumers.hpp; spec/skinit.md §7-§8).
#include <catch2/catch.hpp>

#include "support/vectors.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "dlh/skinit/measure.hpp"
#include "dlh/skinit/place.hpp"
#include "dlh/skinit/setup_data.hpp"
#include "slrt/builder.hpp"
#include "slrt/consumers.hpp"

using namespace dlh;
using namespace dlh::skinit;
using slrt::byte_view;
using slrt::hash_alg;
using slrt::mutable_byte_view;
using namespace slrt_test;

namespace {

const vector_dir skinit_vectors("skinit");

std::vector<std::string> quirk_names(const setup_quirk_log& log) {
    std::vector<std::string> out;
    for (u32 i = 0; i < log.count; ++i) out.push_back(name(log.hits[i].id));
    return out;
}

// ---------------------------------------------------------------------------------------------
// Compile time: splice then find in a small memory image.

struct small_ram {
    u8 bytes[0x400]{};
};
constexpr u64 ram_base = 0x90000;

constexpr small_ram make_ram() {
    small_ram r;
    // One ordinary node at +0x300 (type 1, 8 bytes), the head of the chain.
    slrt::store_le(mutable_byte_view(r.bytes), 0x250, 8, ram_base + 0x300);
    slrt::store_le(mutable_byte_view(r.bytes), 0x308, 4, 1);
    slrt::store_le(mutable_byte_view(r.bytes), 0x30c, 4, 8);
    // An amd_info entry at +0x380.
    mutable_byte_view e = mutable_byte_view(r.bytes).subview(0x380, 56);
    slrt::store_le(e, 0, 4, 5);
    slrt::store_le(e, 4, 4, 56);
    slrt::store_le(e, 16, 4, 10);
    slrt::store_le(e, 20, 4, 32);
    slrt::store_le(e, 32, 8, 0x7fff2000);
    return r;
}

static_assert([] {
    small_ram r = make_ram();
    const ram_image ram(ram_base, r.bytes);
    const auto s = splice_amd_info(ram, ram_base, ram_base + 0x380);
    if (!s || s->node != ram_base + 0x388 || s->previous_head != ram_base + 0x300) return false;
    const auto f = find_amd_info(ram, ram_base);
    return f && f->location.node_index == 0 && f->nodes == 2 && f->location.info.slrt_base == 0x7fff2000 &&
           f->location.info.next == ram_base + 0x300 && f->quirks.empty();
}());
static_assert([] {
    small_ram r = make_ram();
    const ram_image ram(ram_base, r.bytes);
    (void)splice_amd_info(ram, ram_base, ram_base + 0x380);
    const auto again = splice_amd_info(ram, ram_base, ram_base + 0x380);
    return again.err().code == errc::duplicate_entry;  // SKL-50
}());
static_assert([] {
    small_ram r = make_ram();
    slrt::store_le(mutable_byte_view(r.bytes), 0x300, 8, ram_base + 0x300);  // the node links to itself
    const ram_image ram(ram_base, r.bytes);
    return find_amd_info(ram, ram_base).err().code == errc::chain_too_long &&
           splice_amd_info(ram, ram_base, ram_base + 0x380).err().code == errc::chain_too_long;
}());

// ---------------------------------------------------------------------------------------------

struct ram_file {
    bytes_t bytes;
    u64 base = 0;
};

}  // namespace

TEST_CASE("skinit: setup_data vectors", "[skinit][setup_data][vectors]") {
    const nlohmann::json m = skinit_vectors.json("manifest.json");
    int valid = 0, bad = 0;
    for (const auto& v : m["valid"]) {
        if (v["parser"] != "setup_data") continue;
        INFO(v["file"].get<std::string>());
        bytes_t ram = skinit_vectors.bytes(v["file"]);
        const nlohmann::json doc = skinit_vectors.json(v["json"]);
        const slrt::memory_image mem(doc["base"].get<u64>(), view(ram));
        const auto mode = doc["mode"] == "strict" ? slrt::mode::strict : slrt::mode::permissive;
        const auto f = find_amd_info(mem, doc["boot_params"].get<u64>(), mode);
        REQUIRE(f);
        const amd_info_location& l = f->location;
        CHECK(l.entry == doc["entry"].get<u64>());
        CHECK(l.node == doc["node"].get<u64>());
        CHECK(l.entry_size == doc["entry_size"].get<u32>());
        CHECK(l.node_index == doc["node_index"].get<u32>());
        CHECK(f->nodes == doc["nodes"].get<u32>());
        CHECK(l.info.next == doc["next"].get<u64>());
        CHECK(l.info.type == doc["type"].get<u32>());
        CHECK(l.info.len == doc["len"].get<u32>());
        CHECK(l.info.slrt_size == doc["slrt_size"].get<u64>());
        CHECK(l.info.slrt_base == doc["slrt_base"].get<u64>());
        CHECK(l.info.boot_params_base == doc["boot_params_base"].get<u64>());
        CHECK(l.info.psp_version == doc["psp_version"].get<u16>());
        CHECK(quirk_names(f->quirks) == doc["quirks"].get<std::vector<std::string>>());
        // A strict walk of a chain with quirks fails; a permissive walk of a clean one names none.
        if (!doc["quirks"].empty()) CHECK_FALSE(find_amd_info(mem, doc["boot_params"].get<u64>()));
        ++valid;
    }
    for (const auto& v : m["malformed"]) {
        if (v["parser"] != "setup_data") continue;
        INFO(v["file"].get<std::string>());
        bytes_t ram = skinit_vectors.bytes(v["file"]);
        const slrt::memory_image mem(v["base"].get<u64>(), view(ram));
        const auto mode = v["mode"] == "strict" ? slrt::mode::strict : slrt::mode::permissive;
        const slrt::error e = find_amd_info(mem, v["boot_params"].get<u64>(), mode).err();
        CHECK(slrt::name(e.code) == v["errc"].get<std::string>());
        CHECK(e.rule == v["rule"].get<std::string>());
        CHECK(e.offset == v["offset"].get<u32>());
        CHECK(e.entry_index == (v["entry_index"].is_null() ? slrt::no_entry : v["entry_index"].get<u32>()));
        ++bad;
    }
    CHECK(valid == 2);
    CHECK(bad == 5);
}

TEST_CASE("skinit: splicing the AMD info entry into setup_data", "[skinit][setup_data]") {
    const u64 base = 0x100000;
    bytes_t ram(0x4000, 0);
    const ram_image mem(base, mutable_byte_view(ram.data(), ram.size()));
    auto put = [&](u64 at, u32 width, u64 value) { slrt::store_le(mutable_byte_view(ram.data(), ram.size()), at - base, width, value); };
    // Two existing nodes: +0x1000 (type 1) -> +0x1100 (type 2 DTB) -> end.
    put(base + 0x250, 8, base + 0x1000);
    put(base + 0x1000, 8, base + 0x1100);
    put(base + 0x1008, 4, 1);
    put(base + 0x1100 + 8, 4, 2);
    // An SLRT (v10, AMD) at +0x2000 with an amd_info entry, built by the slrt builder.
    slrt::builder b(mutable_byte_view(ram.data() + 0x2000, 0x1000), slrt::layout::v10);
    REQUIRE(b.init(slrt::architecture::amd_skinit, 0x1000));
    slrt::amd_info info;
    info.type = slrt::setup_secure_launch;
    info.len = 32;
    info.slrt_base = base + 0x2000;
    info.slrt_size = 0x1000;
    info.boot_params_base = base;
    info.psp_version = 3;
    const auto ref = b.add(info);
    REQUIRE(ref);
    const u64 entry = base + 0x2000 + ref->offset;

    const bytes_t untouched = ram;
    CHECK(splice_amd_info(mem, base, entry + 4).err().rule == std::string("SKL-48"));  // not an entry header
    CHECK(splice_amd_info(mem, base + 0x4000, entry).err().rule == std::string("SKL-40"));  // boot_params outside
    CHECK(splice_amd_info(mem, ~u64{0} - 0x100, entry).err().code == errc::address_wrap);
    CHECK(ram == untouched);

    const auto s = splice_amd_info(mem, base, entry);
    REQUIRE(s);
    CHECK(s->node == entry + 8);
    CHECK(s->previous_head == base + 0x1000);
    CHECK(slrt::load_le(view(ram), 0x250, 8) == entry + 8);
    CHECK(slrt::load_le(view(ram), entry - base + 8, 8) == base + 0x1000);
    // The table is still a valid strict table (only next changed), and the entry is found again.
    CHECK(slrt::parse(byte_view(ram.data() + 0x2000, 0x1000), {slrt::layout::v10, slrt::mode::strict}));
    const auto f = find_amd_info(mem, base);
    REQUIRE(f);
    CHECK(f->location.entry == entry);
    CHECK(f->location.node_index == 0);
    CHECK(f->nodes == 3);
    CHECK(f->location.info.psp_version == 3);
    CHECK(f->location.info.next == base + 0x1000);

    // A second splice of the same entry would make a cycle: refused, nothing written.
    const bytes_t spliced = ram;
    CHECK(splice_amd_info(mem, base, entry).err().rule == std::string("SKL-50"));
    CHECK(ram == spliced);

    // Entry contents: type, len (strict vs permissive), size.
    ram = untouched;
    put(entry + 16, 4, 1);
    CHECK(splice_amd_info(mem, base, entry).err().rule == std::string("SKL-49"));
    put(entry + 16, 4, 10);
    put(entry + 20, 4, 56);
    CHECK(splice_amd_info(mem, base, entry).err().rule == std::string("SKL-46"));
    CHECK(ram == [&] {
        bytes_t x = untouched;
        slrt::store_le(mutable_byte_view(x.data(), x.size()), entry - base + 20, 4, 56);
        return x;
    }());
    REQUIRE(splice_amd_info(mem, base, entry, slrt::mode::permissive));
    const auto lax = find_amd_info(mem, base, slrt::mode::permissive);
    REQUIRE(lax);
    CHECK(quirk_names(lax->quirks) == std::vector<std::string>{"amd_info_len_whole_entry"});
    CHECK(find_amd_info(mem, base).err().rule == std::string("SKL-46"));

    // The 48-byte entry of the TrenchBoot GRUB tree: permissive only.
    ram = untouched;
    put(entry + 4, 4, 48);
    put(entry + 20, 4, 24);
    CHECK(splice_amd_info(mem, base, entry).err().rule == std::string("SKL-48"));
    REQUIRE(splice_amd_info(mem, base, entry, slrt::mode::permissive));
    CHECK(find_amd_info(mem, base).err().rule == std::string("SKL-45"));
    const auto short48 = find_amd_info(mem, base, slrt::mode::permissive);
    REQUIRE(short48);
    CHECK(short48->location.entry_size == 48);
    CHECK(short48->location.info.psp_version == 0);
    CHECK(quirk_names(short48->quirks) == std::vector<std::string>{"amd_info_short_48"});

    // A chain of 256 nodes is the limit; 257 is refused.
    bytes_t big(0x10000 + 257 * 16, 0);
    const ram_image long_chain(base, mutable_byte_view(big.data(), big.size()));
    auto link = [&](u32 nodes) {
        std::fill(big.begin(), big.end(), 0);
        slrt::store_le(mutable_byte_view(big.data(), big.size()), 0x250, 8, base + 0x1000);
        for (u32 i = 0; i < nodes; ++i)
            slrt::store_le(mutable_byte_view(big.data(), big.size()), 0x1000 + 16 * i, 8,
                           i + 1 < nodes ? base + 0x1000 + 16 * (i + 1) : 0);
    };
    link(256);
    CHECK(find_amd_info(long_chain, base).err().rule == std::string("SKL-47"));
    CHECK(find_amd_info(long_chain, base).err().value == 256);
    link(257);
    CHECK(find_amd_info(long_chain, base).err().rule == std::string("SKL-41"));
}

namespace {

// The golden placed SLB (spec/vectors/skinit/valid/placed-gen2.*) as memory: SLB and DLME.
struct golden_launch {
    nlohmann::json doc;
    bytes_t slb, dlme;
    slrt::memory_regions<4> mem;
    slrt::table table;
};

void load(golden_launch& g) {
    g.doc = skinit_vectors.json("valid/placed-gen2.json");
    g.slb = skinit_vectors.bytes("valid/placed-gen2.bin");
    g.dlme = skinit_vectors.bytes(g.doc["dlme"]);
    REQUIRE(g.mem.add(g.doc["slb_base"].get<u64>(), view(g.slb)));
    REQUIRE(g.mem.add(g.doc["dlme_base"].get<u64>(), view(g.dlme)));
    const u32 at = g.doc["slrt_offset"].get<u32>();
    const auto t = slrt::parse(byte_view(g.slb.data() + at, g.slb.size() - at), {slrt::layout::v10, slrt::mode::strict});
    REQUIRE(t);
    g.table = *t;
}

const hash_alg all_banks[] = {hash_alg::sha1, hash_alg::sha256, hash_alg::sha384, hash_alg::sha512};

}  // namespace

TEST_CASE("skinit: SKINIT and SKL measurements predict PCR 17 (golden)", "[skinit][measure]") {
    golden_launch g;
    load(g);
    for (const auto& [family_name, family] : {std::pair{"tpm20", tpm_family::tpm20}, std::pair{"tpm12", tpm_family::tpm12}}) {
        INFO(family_name);
        amd_launch_options o;
        o.family = family;
        o.dlme = false;
        slrt::pcr_bank_set out;
        REQUIRE(predict_amd_launch(g.table, g.mem, all_banks, 4, o, out));
        for (hash_alg a : all_banks) {
            INFO(slrt::name(a));
            const slrt::pcr_bank* b = out.find(a);
            REQUIRE(b);
            CHECK(hex(b->pcrs[17]) == g.doc["pcr17_after_skl"][family_name][slrt::name(a)].get<std::string>());
            CHECK(hex(b->pcrs[18]) == g.doc["pcr18_after_skl"][slrt::name(a)].get<std::string>());
            CHECK(b->extends[17] == (skl_extends(family, a) ? 3u : 1u));
        }
    }
    // The order and the labels of the measurements.
    std::vector<std::string> seen;
    REQUIRE(for_each_amd_measurement(g.table, g.mem, all_banks, 2, amd_launch_options{tpm_family::tpm20, false, {}},
                                     [&](const amd_measurement& m) -> slrt::status {
                                         seen.push_back(std::string(name(m.by)) + ":" +
                                                        std::string(m.step->label.bytes, m.step->label.length()));
                                         if (m.by == measurer::skinit)
                                             CHECK(hex(m.digests[1]) ==
                                                   g.doc["skinit_measurement"]["sha256"].get<std::string>());
                                         return slrt::success;
                                     }));
    CHECK(seen == std::vector<std::string>{"skinit:SKINIT", "skl:DLME entry offset", "skl:DLME"});
    // The entry offset step hashes the 4 bytes of dlme_entry (a copy of table bytes).
    slrt::plan<2> p;
    REQUIRE(skl_plan(g.table, p));
    REQUIRE(p.count == 2);
    CHECK(p.steps[0].source == slrt::step_source::table_copy);
    CHECK(p.steps[0].size == 4);
    CHECK(slrt::load_le(g.table.bytes(), static_cast<std::size_t>(p.steps[0].addr), 4) == g.doc["dlme_entry"].get<u64>());
    CHECK(p.steps[1].addr == g.doc["dlme_base"].get<u64>());
    CHECK(p.steps[1].size == g.dlme.size());
}

TEST_CASE("skinit: end-to-end PCR 17/18 with the DLME's policy (Linux rules)", "[skinit][measure]") {
    const bytes_t skl = skinit_vectors.bytes("valid/gen2-skl.bin");
    const bytes_t dlme = skinit_vectors.bytes("valid/dlme.bin");
    const u64 slb_base = 0x7fff0000, dlme_base = 0x1000000, bp = 0x90000;
    bytes_t boot_params(0x1000), cmdline(0x80);
    for (std::size_t i = 0; i < boot_params.size(); ++i) boot_params[i] = static_cast<u8>(i * 3);
    for (std::size_t i = 0; i < cmdline.size(); ++i) cmdline[i] = static_cast<u8>('a' + i % 26);

    bytes_t table(0x1000);
    slrt::builder b(mutable_byte_view(table.data(), table.size()), slrt::layout::v10);
    REQUIRE(b.init(slrt::architecture::amd_skinit, 0xe000));
    slrt::dl_info dl;
    dl.dce_base = slb_base;
    dl.dce_size = skl.size();
    dl.dlme_base = dlme_base;
    dl.dlme_size = dlme.size();
    dl.dlme_entry = 0x264;
    dl.bl_context = {slrt::bootloader::grub, bp};
    REQUIRE(b.add(dl));
    REQUIRE(b.add(slrt::log_info{slrt::log_format::tpm20, 0x8000, 0x2000000}));
    const slrt::policy_entry entries[] = {
        {18, slrt::entity_type::slrt, slrt::policy_flag_implicit_size, 0, slb_base + 0x2000, "Measured SLR Table"},
        {18, slrt::entity_type::boot_params, 0, 0x1000, bp, "Measured boot parameters"},
        {18, slrt::entity_type::cmdline, 0, 0x80, 0x95000, "Measured Kernel command line"},
    };
    REQUIRE(b.add_policy(entries, 3));
    slrt::amd_info info;
    info.type = slrt::setup_secure_launch;
    info.len = 32;
    info.slrt_base = slb_base + 0x2000;
    info.slrt_size = 0xe000;
    info.boot_params_base = bp;
    const auto amd_ref = b.add(info);
    REQUIRE(amd_ref);
    table.resize(b.size());

    bytes_t slb(slb_size, 0);
    std::copy(skl.begin(), skl.end(), slb.begin());
    place_options po;
    po.have_slb_base = true;
    po.slb_base = slb_base;
    const auto placed = place_slrt(mutable_byte_view(slb.data(), slb.size()), view(table), po);
    REQUIRE(placed);
    const auto t = slrt::parse(byte_view(slb.data() + 0x2000, 0xe000), {slrt::layout::v10, slrt::mode::strict});
    REQUIRE(t);
    slrt::memory_regions<4> mem;
    REQUIRE(mem.add(slb_base, view(slb)));
    REQUIRE(mem.add(dlme_base, view(dlme)));
    REQUIRE(mem.add(bp, view(boot_params)));
    REQUIRE(mem.add(0x95000, view(cmdline)));

    const hash_alg banks[] = {hash_alg::sha1, hash_alg::sha256, hash_alg::sha384};
    slrt::pcr_bank_set out;
    REQUIRE(predict_amd_launch(*t, mem, banks, 3, amd_launch_options{}, out));

    // Independently: the same chain of extends written out with the hash functions.
    for (hash_alg a : banks) {
        INFO(slrt::name(a));
        auto H = [&](byte_view d) { return slrt::hash(a, d); };
        auto E = [&](const slrt::digest& pcr, const slrt::digest& m) { return slrt::extend_pcr(pcr, m); };
        const slrt::digest zero = slrt::pcr_start_value(a, 17, slrt::pcr_start::drtm);
        slrt::digest p17 = E(zero, H(byte_view(slb.data(), 0xc40)));
        if (skl_extends(tpm_family::tpm20, a)) {
            const u8 entry_le[4] = {0x64, 0x02, 0, 0};
            p17 = E(E(p17, H(entry_le)), H(view(dlme)));
        }
        bytes_t amd_copy(t->bytes().data() + amd_ref->offset, t->bytes().data() + amd_ref->offset + 56);
        std::fill(amd_copy.begin() + 8, amd_copy.begin() + 16, u8{0});   // next
        std::fill(amd_copy.begin() + 32, amd_copy.begin() + 48, u8{0});  // slrt_base, boot_params_base
        slrt::digest p18 = E(zero, H(view(amd_copy)));
        p18 = E(p18, H(view(boot_params)));
        p18 = E(p18, H(view(cmdline)));
        CHECK(hex(out.find(a)->pcrs[17]) == hex(p17));
        CHECK(hex(out.find(a)->pcrs[18]) == hex(p18));
        CHECK(out.find(a)->extends[18] == 3);
    }
    // sm3_256 cannot be computed: its bank keeps the start values and says so.
    const hash_alg with_sm3[] = {hash_alg::sha256, hash_alg::sm3_256};
    REQUIRE(predict_amd_launch(*t, mem, with_sm3, 2, amd_launch_options{}, out));
    CHECK_FALSE(out.find(hash_alg::sm3_256)->computable);
    CHECK(out.find(hash_alg::sm3_256)->extends[18] == 3);
    CHECK(out.find(hash_alg::sm3_256)->extends[17] == 1);  // SKINIT only: SKL does not extend sm3
}

TEST_CASE("skinit: measurement failures name their rule", "[skinit][measure]") {
    golden_launch g;
    load(g);
    slrt::pcr_bank_set out;
    const hash_alg twice[] = {hash_alg::sha1, hash_alg::sha1};
    CHECK(predict_amd_launch(g.table, g.mem, twice, 2, amd_launch_options{}, out).err().rule == std::string("SKL-52"));
    CHECK(predict_amd_launch(g.table, g.mem, all_banks, 0, amd_launch_options{}, out).err().rule ==
          std::string("SKL-52"));
    // The DLME rules need a policy, which this table lacks.
    CHECK(predict_amd_launch(g.table, g.mem, all_banks, 2, amd_launch_options{}, out).err().code ==
          errc::missing_entry);
    // The SLB is not in memory.
    slrt::memory_regions<2> dlme_only;
    REQUIRE(dlme_only.add(g.doc["dlme_base"].get<u64>(), view(g.dlme)));
    CHECK(skinit_step(g.table, dlme_only).err().rule == std::string("SKL-51"));
    // The DLME is not in memory: measure_step's POL-1.
    slrt::memory_regions<2> slb_only;
    REQUIRE(slb_only.add(g.doc["slb_base"].get<u64>(), view(g.slb)));
    CHECK(predict_amd_launch(g.table, slb_only, all_banks, 1, amd_launch_options{tpm_family::tpm20, false, {}}, out)
              .err()
              .code == errc::memory_unmapped);

    // Tables SKL refuses: skl_plan returns the first finding of check_skl_dl_info.
    auto table_with = [](auto&& edit, slrt::layout l = slrt::layout::v10) {
        bytes_t t(1024);
        slrt::builder b(mutable_byte_view(t.data(), t.size()), l);
        REQUIRE(b.init(slrt::architecture::amd_skinit, 1024));
        slrt::dl_info dl;
        dl.dce_base = 0x7fff0000;
        dl.dlme_base = 0x1000000;
        dl.dlme_size = 0x1000;
        dl.bl_context.bootloader = slrt::bootloader::grub;
        edit(dl);
        REQUIRE(b.add(dl));
        t.resize(b.size());
        return t;
    };
    auto plan_rule = [](const bytes_t& bytes, slrt::layout l = slrt::layout::v10) {
        const auto t = slrt::parse(view(bytes), {l, slrt::mode::strict});
        REQUIRE(t);
        slrt::plan<2> p;
        const slrt::status s = skl_plan(*t, p);
        return s ? std::string("ok") : std::string(s.err().rule);
    };
    CHECK(plan_rule(table_with([](slrt::dl_info&) {})) == "ok");
    CHECK(plan_rule(table_with([](slrt::dl_info& d) { d.dlme_base = 0xfffff000; })) == "SKL-4");
    CHECK(plan_rule(table_with([](slrt::dl_info& d) { d.bl_context.bootloader = slrt::bootloader::invalid; })) ==
          "SKL-5");
    CHECK(plan_rule(table_with([](slrt::dl_info&) {}, slrt::layout::v16), slrt::layout::v16) == "SKL-1");
    {
        bytes_t t(1024);
        slrt::builder b(mutable_byte_view(t.data(), t.size()), slrt::layout::v10);
        REQUIRE(b.init(slrt::architecture::amd_skinit, 1024));
        t.resize(b.size());
        CHECK(plan_rule(t) == "SLRT-X1");
    }
    // skinit_step checks dce_base like an SLB base and the header it finds there.
    {
        const bytes_t misplaced = table_with([](slrt::dl_info& d) { d.dce_base = 0x7fff8000; });
        const auto t = slrt::parse(view(misplaced), {slrt::layout::v10, slrt::mode::strict});
        REQUIRE(t);
        CHECK(skinit_step(*t, g.mem).err().rule == std::string("SKINIT-6"));
    }
    bytes_t broken_slb = g.slb;
    broken_slb[0] = 0x40;
    broken_slb[1] = 0x0c;  // entry point = length
    slrt::memory_regions<2> m2;
    REQUIRE(m2.add(g.doc["slb_base"].get<u64>(), view(broken_slb)));
    CHECK(skinit_step(g.table, m2).err().rule == std::string("SKINIT-5"));
}

TEST_CASE("skinit: the skl consumer profile's log, TPM family and stack rules", "[skinit][consumer]") {
    golden_launch g;
    load(g);
    slrt::consumer_context ctx;
    CHECK(slrt::check_skl(g.table, ctx).ok());
    // The log is at 0x2000000 with 0x8000 bytes.
    ctx.have_slb = true;
    ctx.slb_size = slb_size;
    ctx.slb_base = 0x2008000;  // the SLB starts right where the log ends: SKL refuses touching
    auto rules = [&] {
        const slrt::findings f = slrt::check_skl(g.table, ctx);
        std::vector<std::string> r;
        for (u32 i = 0; i < f.count; ++i) r.push_back(f.items[i].rule);
        return r;
    };
    CHECK(rules() == std::vector<std::string>{"SKL-7"});
    ctx.slb_base = 0x2010000;
    CHECK(rules().empty());
    ctx.slb_base = 0x1ff0000;  // the SLB ends right where the log starts
    CHECK(rules() == std::vector<std::string>{"SKL-7"});
    ctx.slb_base = 0x1fe0000;
    CHECK(rules().empty());
    ctx.slb_base = ~u64{0} - 0x100;  // an SLB extent that would wrap is clamped, not wrapped
    CHECK(rules().empty());
    ctx.have_slb = false;

    ctx.tpm_family = 2;
    CHECK(rules().empty());
    ctx.tpm_family = 1;
    CHECK(rules() == std::vector<std::string>{"SKL-8"});
    ctx.tpm_family = 0;

    ctx.have_bootloader_data_offset = true;
    ctx.bootloader_data_offset = 0x2000;
    CHECK(rules().empty());
    ctx.bootloader_data_offset = static_cast<u32>(0x10000 - 0x280 - g.table.header().size);
    CHECK(rules().empty());
    ++ctx.bootloader_data_offset;
    CHECK(rules() == std::vector<std::string>{"SKL-10"});

    // SKL-9: the smallest log per TPM family.
    CHECK(slrt::skl_min_log_size(1) == 169);
    CHECK(slrt::skl_min_log_size(2) == 233);
    CHECK(slrt::skl_min_log_size(0) == 0);
    bytes_t t(1024);
    slrt::builder b(mutable_byte_view(t.data(), t.size()), slrt::layout::v10);
    REQUIRE(b.init(slrt::architecture::amd_skinit, 1024));
    slrt::dl_info dl;
    dl.dlme_base = 0x1000000;
    dl.dlme_size = 0x1000;
    dl.bl_context.bootloader = slrt::bootloader::grub;
    REQUIRE(b.add(dl));
    REQUIRE(b.add(slrt::log_info{slrt::log_format::tpm20, 232, 0x2000000}));
    const auto small = slrt::parse(b.bytes(), {slrt::layout::v10, slrt::mode::strict});
    REQUIRE(small);
    slrt::consumer_context tpm2;
    tpm2.tpm_family = 2;
    const slrt::findings f = slrt::check_skl(*small, tpm2);
    REQUIRE(f.count == 1);
    CHECK(f.items[0].rule == std::string("SKL-9"));
    CHECK(f.items[0].value == 232);
    CHECK(f.items[0].limit == 233);
}
