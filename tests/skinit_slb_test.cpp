// SKINIT preconditions, the SLB, PCR 17 after SKINIT, the SKL header generations and placing an
// SLRT in an SLB (include/dlh/skinit/{cpu,slb,pcr17,skl,place}.hpp; spec/skinit.md §2-§6).
#include <catch2/catch.hpp>

#include "support/vectors.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "dlh/skinit/cpu.hpp"
#include "dlh/skinit/pcr17.hpp"
#include "dlh/skinit/place.hpp"
#include "dlh/skinit/skl.hpp"
#include "dlh/skinit/slb.hpp"
#include "slrt/builder.hpp"

using namespace dlh;
using namespace dlh::skinit;
using slrt::byte_view;
using slrt::hash_alg;
using slrt::mutable_byte_view;
using namespace slrt_test;

namespace {

const vector_dir skinit_vectors("skinit");

std::string print(const register_info& info, u64 raw) {
    char buf[2048];
    format_register(info, raw, buf, sizeof buf);
    return buf;
}

// A gen2 SKL image the way the fact sheet describes one: header, entry right after it, skl_info
// inside the measured bytes, bootloader data after them.
struct demo_image {
    u8 bytes[0x200]{};
};
constexpr demo_image make_image(skl_generation generation, u16 entry_point, u32 fill_mul, u32 fill_add, u16 length,
                                u16 info, u16 bdo) {
    demo_image d;
    for (u32 i = 0; i < sizeof d.bytes; ++i) d.bytes[i] = static_cast<u8>(i * fill_mul + fill_add);
    skl_header h;
    h.generation = generation;
    h.entry_point = entry_point;
    h.length = length;
    h.skl_info_offset = info;
    h.bootloader_data_offset = bdo;
    (void)encode_skl_header(h, mutable_byte_view(d.bytes, sizeof d.bytes));
    (void)encode_skl_info(expected_skl_info(), mutable_byte_view(d.bytes + info, 20));
    return d;
}
constexpr demo_image make_gen2(u16 length = 0x180, u16 info = 0x100, u16 bdo = 0x1000) {
    return make_image(skl_generation::gen2, 0x46, 13, 7, length, info, bdo);
}
constexpr demo_image make_gen1(u16 length = 0x180, u16 info = 0x40, u16 bdo = 0x1000) {
    return make_image(skl_generation::gen1, 0x10, 29, 1, length, info, bdo);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Compile-time tests: every codec runs in constant evaluation.

// Registers: bit positions of the fact sheet (A.1, A.7).
static_assert(cpuid_field::svm.mask() == 0x4 && cpuid_field::skinit.mask() == 0x1000);
static_assert(efer_field::svme.mask() == 0x1000 && efer_field::lme.mask() == 0x100);
static_assert(vm_cr_field::svmdis.mask() == 0x10 && vm_cr_field::lock.mask() == 0x8);
static_assert(vm_cr_skinit_bits == 0x7 && vm_cr_after_skinit(vm_cr{0x18}).raw == 0x1f);
static_assert(cpuid_80000001_ecx_info.reserved_mask() == 0 && vm_cr_info.reserved_mask() == 0);
static_assert(slb_base_from_eax(0x7fff1234) == 0x7fff0000);

// Preconditions: a good state passes; each broken one names its rule.
constexpr cpu_state good_cpu{{0x1004}, {0}, {0}, true, true};
static_assert(check_preconditions(good_cpu).ok());
static_assert(check_preconditions(cpu_state{{0x0004}, {0x1000}, {0}, true, true}).ok());  // SVME set instead
static_assert(check_preconditions(cpu_state{{0x0004}, {0}, {0}, true, true}).count == 1);
static_assert(check_preconditions(cpu_state{{0}, {0}, {0x18}, false, false}).count == 5);

// SLB header round trip and the rules at their boundaries.
static_assert([] {
    u8 b[8] = {};
    (void)encode_slb_header({3, 4}, b);
    const auto s = parse_slb(b);
    return s && s->header == slb_header{3, 4} && s->measured.size() == 4 && b[0] == 3 && b[2] == 4;
}());
static_assert(parse_slb(byte_view{}).err().code == errc::truncated_header);
static_assert([] {
    u8 b[8] = {0, 0, 3, 0};
    return parse_slb(b).err().rule[7] == '3';  // SKINIT-3
}());
static_assert([] {
    u8 b[8] = {8, 0, 8, 0};
    const auto e = parse_slb(b).err();
    return e.code == errc::out_of_bounds && e.offset == 0 && e.value == 8 && e.limit == 8;  // SKINIT-5
}());
static_assert([] {
    u8 b[8] = {0, 0, 9, 0};
    const auto e = parse_slb(b).err();
    return e.code == errc::out_of_bounds && e.offset == 2;  // SKINIT-4
}());
static_assert(check_slb_base(0xffff0000) && !check_slb_base(0x100000000) && !check_slb_base(0x10001));
static_assert(check_slb_base(0x100000000).err().code == errc::out_of_bounds);
static_assert(check_slb_base(0x8000).err().code == errc::misaligned);

// Both header generations round-trip and are told apart by the UUID probe.
static_assert([] {
    constexpr demo_image g2 = make_gen2();
    const auto img = parse_skl(g2.bytes);
    return img && img->header.generation == skl_generation::gen2 && img->header.entry_point == 0x46 &&
           img->header.length == 0x180 && img->header.skl_info_offset == 0x100 &&
           img->header.bootloader_data_offset == 0x1000 && img->info == expected_skl_info() &&
           img->slrt_room() == 0xf000;
}());
static_assert([] {
    constexpr demo_image g1 = make_gen1();
    const auto img = parse_skl(g1.bytes);
    if (!img || img->header.generation != skl_generation::gen1) return false;
    u8 again[0x200] = {};
    for (u32 i = 0; i < sizeof again; ++i) again[i] = g1.bytes[i];
    (void)encode_skl_header(img->header, again);
    return slrt::equal(again, g1.bytes) && img->header.reserved_zero();
}());
static_assert([] {
    demo_image g2 = make_gen2();
    g2.bytes[4] = 0x00;  // gen1's skl_info_offset word now also points at the UUID
    g2.bytes[5] = 0x01;
    const auto e = detect_generation(g2.bytes).err();
    return e.code == errc::unsupported_version && e.offset == 4;
}());
static_assert(parse_skl(make_gen2(0x180, 0x170).bytes).err().code == errc::out_of_bounds);  // SKL-31
static_assert(parse_skl(make_gen2(0x180, 0x100, 0x17f).bytes).err().code == errc::overlap);  // SKL-32
static_assert(parse_skl(make_gen2(0x180, 0x100, 0xf001).bytes).err().code == errc::out_of_bounds);  // SKL-33
static_assert(parse_skl(make_gen2(0x180, 0x100, 0xf000).bytes));                                   // 4 KiB exactly

// PCR 17 after SKINIT for "1234" matches swtpm's known answers (skinit-arm-tcg.md D.1).
static_assert([] {
    const u8 data[] = {'1', '2', '3', '4'};
    const slb s{{0, 4}, byte_view(data), 4};
    const auto p = predict_pcr17(s, hash_alg::sha1);
    return p && p->bytes[0] == 0x97 && p->bytes[1] == 0xe9 && p->bytes[19] == 0xe5;
}());

// ---------------------------------------------------------------------------------------------

TEST_CASE("skinit: register descriptions and the precondition findings", "[skinit]") {
    const std::string vm = print(vm_cr_info, 0x18);
    CHECK(vm.find("VM_CR (0xc0010114) = 0x0000000000000018") == 0);
    CHECK(vm.find("[3] LOCK = 1") != std::string::npos);
    CHECK(vm.find("[4] SVMDIS = 1") != std::string::npos);
    CHECK(print(efer_info, 0x1d01).find("[12] SVME = 1") != std::string::npos);
    CHECK(print(cpuid_80000001_ecx_info, 0x1004).find("[12] SKINIT = 1") != std::string::npos);

    const findings all = check_preconditions(cpu_state{{0}, {0}, {0x18}, false, false});
    std::vector<std::string> rules;
    for (u32 i = 0; i < all.count; ++i) {
        rules.push_back(all.items[i].rule);
        CHECK(all.items[i].code == errc::launch_requirement);
    }
    CHECK(rules == std::vector<std::string>{"SKINIT-10", "SKINIT-11", "SKINIT-12", "SKINIT-13", "SKINIT-14"});
    CHECK(std::string(all.items[2].message).find("LOCK") != std::string::npos);
    const findings unlocked = check_preconditions(cpu_state{{0x1004}, {0}, {0x10}, true, true});
    REQUIRE(unlocked.count == 1);
    CHECK(std::string(unlocked.items[0].message).find("LOCK") == std::string::npos);
    // The SKINIT bit alone avoids #UD; SVME alone too; neither is SKINIT-11.
    CHECK(check_preconditions(cpu_state{{0x1004}, {0}, {0}, true, true}).ok());
    CHECK(check_preconditions(cpu_state{{0x0004}, {0x1000}, {0}, true, true}).ok());
    CHECK(std::string(check_preconditions(cpu_state{{0x0004}, {0}, {0}, true, true}).items[0].rule) == "SKINIT-11");
    CHECK(r_init_left_by_skinit(vm_cr_after_skinit(vm_cr{0})));
    CHECK(efer_after_skinit.raw == 0);
}

TEST_CASE("skinit: SLB rules at 0, 1 and the maximum", "[skinit]") {
    bytes_t b(slb_size, 0);
    b[0] = 0xfe;
    b[1] = 0xff;
    b[2] = 0xff;
    b[3] = 0xff;
    const auto full = parse_slb(view(b));
    REQUIRE(full);
    CHECK(full->header.length == 0xffff);
    CHECK(full->measured.size() == 0xffff);
    b.push_back(0);
    const auto too_big = parse_slb(view(b));
    CHECK(too_big.err().rule == std::string("SKINIT-2"));
    CHECK(too_big.err().offset == 0x10000);
    for (u32 n = 0; n < 4; ++n) CHECK(parse_slb(byte_view(b.data(), n)).err().rule == std::string("SKINIT-1"));
    const u8 one[] = {0, 0, 4, 0};
    CHECK(parse_slb(one));
    const u8 zero_len[] = {0, 0, 0, 0};
    CHECK(parse_slb(zero_len).err().rule == std::string("SKINIT-3"));
    CHECK(check_slb_base(0xfffe0000));
    CHECK(check_slb_base(0xffff0000));
    CHECK(check_slb_base(0).ok());
    CHECK(check_slb_base(~u64{0} & ~u64{0xffff}).err().rule == std::string("SKINIT-7"));
    CHECK(check_slb_base(1).err().rule == std::string("SKINIT-6"));
    CHECK(slb_range(0x10000).end() == 0x20000);
}

TEST_CASE("skinit: PCR 17 prediction, one bank and several", "[skinit]") {
    const bytes_t img = skinit_vectors.bytes("valid/gen2-skl.bin");
    const nlohmann::json doc = skinit_vectors.json("valid/gen2-skl.json");
    const auto s = parse_slb(view(img));
    REQUIRE(s);
    const hash_alg algs[] = {hash_alg::sha1, hash_alg::sha256, hash_alg::sha384, hash_alg::sha512};
    slrt::digest out[4];
    REQUIRE(predict_pcr17(*s, algs, 4, out));
    for (u32 i = 0; i < 4; ++i) {
        INFO(slrt::name(algs[i]));
        CHECK(hex(out[i]) == doc["pcr17"][slrt::name(algs[i])].get<std::string>());
        CHECK(hex(*skinit_measurement(*s, algs[i])) == doc["skinit_measurement"][slrt::name(algs[i])].get<std::string>());
        CHECK(hex(*predict_pcr17(view(img), algs[i])) == doc["pcr17"][slrt::name(algs[i])].get<std::string>());
    }
    const hash_alg with_sm3[] = {hash_alg::sha256, hash_alg::sm3_256};
    slrt::digest untouched[2];
    untouched[0].bytes[0] = 0x5a;
    const slrt::status refused = predict_pcr17(*s, with_sm3, 2, untouched);
    CHECK(refused.err().rule == std::string("SKINIT-20"));
    CHECK(refused.err().entry_index == 1);
    CHECK(untouched[0].bytes[0] == 0x5a);
    CHECK(predict_pcr17(*s, hash_alg::sm3_256).err().code == errc::unknown_algorithm);
}

TEST_CASE("skinit: valid vectors (SLB and SKL)", "[skinit][vectors]") {
    const nlohmann::json m = skinit_vectors.json("manifest.json");
    int checked = 0;
    for (const auto& v : m["valid"]) {
        const std::string parser = v["parser"];
        if (parser != "slb" && parser != "skl") continue;
        INFO(v["file"].get<std::string>());
        const bytes_t img = skinit_vectors.bytes(v["file"]);
        const nlohmann::json doc = skinit_vectors.json(v["json"]);
        const auto s = parse_slb(view(img));
        REQUIRE(s);
        CHECK(s->header.entry_point == doc["entry_point"].get<u32>());
        CHECK(s->header.length == doc["length"].get<u32>());
        CHECK(s->image_size == doc["image_size"].get<u32>());
        for (hash_alg a : {hash_alg::sha1, hash_alg::sha256, hash_alg::sha384, hash_alg::sha512})
            CHECK(hex(*predict_pcr17(*s, a)) == doc["pcr17"][slrt::name(a)].get<std::string>());
        if (parser == "skl") {
            const auto img_v = parse_skl(view(img));
            REQUIRE(img_v);
            const skl_header& h = img_v->header;
            CHECK(name(h.generation) == doc["generation"].get<std::string>());
            CHECK(header_size(h.generation) == doc["header_size"].get<u32>());
            CHECK(h.skl_info_offset == doc["skl_info_offset"].get<u32>());
            CHECK(h.bootloader_data_offset == doc["bootloader_data_offset"].get<u32>());
            CHECK(img_v->slrt_room() == doc["slrt_room"].get<u32>());
            CHECK(img_v->info.version == doc["version"].get<u32>());
            CHECK(h.reserved_zero() == doc["reserved_zero"].get<bool>());
            // Explicitly naming the right generation gives the same result; the header re-encodes
            // to the same bytes.
            const auto named = parse_skl(view(img), h.generation == skl_generation::gen1 ? generation_choice::gen1
                                                                                          : generation_choice::gen2);
            REQUIRE(named);
            CHECK(*named == *img_v);
            bytes_t again(img);
            REQUIRE(encode_skl_header(h, mutable_byte_view(again.data(), again.size())));
            CHECK(again == img);
        }
        ++checked;
    }
    CHECK(checked == 5);
}

TEST_CASE("skinit: malformed SLB and SKL vectors fail with the manifest's rule", "[skinit][vectors]") {
    const nlohmann::json m = skinit_vectors.json("manifest.json");
    int checked = 0;
    for (const auto& v : m["malformed"]) {
        const std::string parser = v["parser"];
        if (parser != "slb" && parser != "skl" && parser != "skl-gen1" && parser != "skl-gen2") continue;
        INFO(v["file"].get<std::string>());
        const bytes_t img = skinit_vectors.bytes(v["file"]);
        slrt::error e;
        if (parser == "slb") e = parse_slb(view(img)).err();
        else if (parser == "skl") e = parse_skl(view(img)).err();
        else e = parse_skl(view(img), parser == "skl-gen1" ? generation_choice::gen1 : generation_choice::gen2).err();
        CHECK(slrt::name(e.code) == v["errc"].get<std::string>());
        CHECK(e.rule == v["rule"].get<std::string>());
        CHECK(e.offset == v["offset"].get<u32>());
        CHECK((img.empty() || e.offset < img.size()));
        ++checked;
    }
    CHECK(checked >= 20);
}

TEST_CASE("skinit: generation detection never guesses", "[skinit]") {
    const bytes_t g1 = skinit_vectors.bytes("valid/gen1-skl.bin");
    const bytes_t g2 = skinit_vectors.bytes("valid/gen2-skl.bin");
    CHECK(*detect_generation(view(g1)) == skl_generation::gen1);
    CHECK(*detect_generation(view(g2)) == skl_generation::gen2);
    const generation_probe p1 = probe_generations(view(g1));
    CHECK((p1.gen1 && !p1.gen2));
    // Reading a gen2 image as gen1 finds no UUID at the reserved bytes' "offset".
    CHECK(parse_skl(view(g2), generation_choice::gen1).err().rule == std::string("SKL-24"));
    CHECK(parse_skl(view(g1), generation_choice::gen2).err().code != errc::ok);
    // An ambiguous image parses once the generation is named.
    bytes_t amb = skinit_vectors.bytes("malformed/skl-ambiguous.bin");
    CHECK(parse_skl(view(amb)).err().rule == std::string("SKL-22"));
    const auto named = parse_skl(view(amb), generation_choice::gen2);
    REQUIRE(named);
    CHECK(!named->header.reserved_zero());
    // Its gen1 reading takes reserved bytes 6..7 (zero) as bootloader_data_offset.
    CHECK(parse_skl(view(amb), generation_choice::gen1).err().rule == std::string("SKL-32"));
    // Shorter than 8 bytes: SKL-20 under detection.
    CHECK(detect_generation(byte_view(g1.data(), 7)).err().rule == std::string("SKL-20"));
}

namespace {

// An AMD table (v10 layout, as SKL reads it) for the placement tests.
bytes_t amd_table(u32 max_size, u64 slrt_base, u64 slrt_size, slrt::architecture arch = slrt::architecture::amd_skinit) {
    bytes_t t(max_size < 512 ? 512 : max_size, 0);
    slrt::builder b(mutable_byte_view(t.data(), t.size()), slrt::layout::v10);
    REQUIRE(b.init(arch, max_size));
    slrt::dl_info dl;
    dl.dce_base = 0x7fff0000;
    dl.dce_size = 0xc40;
    dl.dlme_base = 0x1000000;
    dl.dlme_size = 0x2345;
    dl.dlme_entry = 0x264;
    dl.bl_context = {slrt::bootloader::grub, 0x90000};
    REQUIRE(b.add(dl));
    REQUIRE(b.add(slrt::log_info{slrt::log_format::tpm20, 0x8000, 0x2000000}));
    if (arch == slrt::architecture::amd_skinit) {
        slrt::amd_info a;
        a.type = slrt::setup_secure_launch;
        a.len = 32;
        a.slrt_base = slrt_base;
        a.slrt_size = slrt_size;
        a.boot_params_base = 0x90000;
        REQUIRE(b.add(a));
    }
    t.resize(b.size());
    return t;
}

}  // namespace

TEST_CASE("skinit: place an SLRT into the golden gen2 image", "[skinit][place]") {
    const nlohmann::json doc = skinit_vectors.json("valid/placed-gen2.json");
    const bytes_t skl = skinit_vectors.bytes(doc["slb"]);
    const bytes_t slrt_bytes = skinit_vectors.bytes(doc["slrt"]);
    const bytes_t expected = skinit_vectors.bytes("valid/placed-gen2.bin");
    bytes_t slb(slb_size, 0);
    std::copy(skl.begin(), skl.end(), slb.begin());
    place_options o;
    o.have_slb_base = true;
    o.slb_base = doc["slb_base"].get<u64>();
    const auto p = place_slrt(mutable_byte_view(slb.data(), slb.size()), view(slrt_bytes), o);
    REQUIRE(p);
    CHECK(p->slrt_offset == doc["slrt_offset"].get<u32>());
    CHECK(p->slrt_size == doc["slrt_size"].get<u32>());
    CHECK(p->slrt_max_size == doc["slrt_max_size"].get<u32>());
    CHECK(p->room == doc["room"].get<u32>());
    CHECK(slb == expected);
    // The placed SLB still parses, predicts the same PCR 17 (the SLRT is not measured), and the
    // table reads back strictly from bootloader_data_offset.
    const auto again = parse_skl(view(slb));
    REQUIRE(again);
    CHECK(hex(*predict_pcr17(view(slb), hash_alg::sha256)) == doc["pcr17"]["sha256"].get<std::string>());
    CHECK(slrt::parse(byte_view(slb.data() + p->slrt_offset, p->room), {slrt::layout::v10, slrt::mode::strict}));
}

TEST_CASE("skinit: placement failures leave the buffer unchanged", "[skinit][place]") {
    const nlohmann::json m = skinit_vectors.json("manifest.json");
    int checked = 0;
    for (const auto& v : m["malformed"]) {
        if (v["parser"] != "place") continue;
        INFO(v["file"].get<std::string>());
        const bytes_t skl = skinit_vectors.bytes(v["file"]);
        const bytes_t table = skinit_vectors.bytes(v["slrt"]);
        bytes_t slb(slb_size, 0);
        std::copy(skl.begin(), skl.end(), slb.begin());
        const bytes_t before = slb;
        const auto e = place_slrt(mutable_byte_view(slb.data(), slb.size()), view(table)).err();
        CHECK(slrt::name(e.code) == v["errc"].get<std::string>());
        CHECK(e.rule == v["rule"].get<std::string>());
        CHECK(e.offset == v["offset"].get<u32>());
        CHECK(slb == before);
        ++checked;
    }
    CHECK(checked == 3);

    // Built in C++: every other placement rule.
    const bytes_t skl = skinit_vectors.bytes("valid/gen2-skl.bin");  // bdo 0x2000, room 0xe000
    bytes_t slb(slb_size, 0xee);
    std::copy(skl.begin(), skl.end(), slb.begin());
    const bytes_t before = slb;
    auto place = [&](const bytes_t& t, const place_options& o = {}, std::size_t buffer = slb_size) {
        return place_slrt(mutable_byte_view(slb.data(), buffer), view(t), o);
    };
    const bytes_t good = amd_table(0xe000, 0x7fff2000, 0xe000);
    // The SLB image itself is checked first.
    bytes_t broken(slb);
    broken[0x42] = 0xff;  // skl_info_offset past everything
    CHECK(place_slrt(mutable_byte_view(broken.data(), broken.size()), view(good)).err().rule == std::string("SKL-21"));
    // A table slrt refuses: its own error, offsets in the table.
    bytes_t bad_magic(good);
    bad_magic[0] ^= 1;
    CHECK(place(bad_magic).err().rule == std::string("SLRT-H2"));
    // A v16 table does not parse as v10 (SKL requires the 72-byte dl_info).
    {
        bytes_t v16(4096);
        slrt::builder b(mutable_byte_view(v16.data(), v16.size()), slrt::layout::v16);
        REQUIRE(b.init(slrt::architecture::amd_skinit, 4096));
        slrt::dl_info dl;
        dl.dlme_size = 0x100;
        REQUIRE(b.add(dl));
        v16.resize(b.size());
        CHECK(place(v16).err().rule == std::string("SLRT-E7"));
    }
    CHECK(place(good, {}, 0x2000 + 0xe000 - 1).err().rule == std::string("SKL-37"));
    place_options with_base;
    with_base.have_slb_base = true;
    with_base.slb_base = 0x7fff0000;
    CHECK(place(amd_table(0xe000, 0x7fff2008, 0xe000), with_base).err().rule == std::string("SKL-38"));
    CHECK(place(amd_table(0xe000, 0x7fff2000, 0xe001), with_base).err().rule == std::string("SKL-39"));
    CHECK(place(amd_table(0xe000, 0x7fff2000, 0x10), with_base).err().rule == std::string("SKL-39"));
    with_base.slb_base = 0x7fff8000;
    CHECK(place(good, with_base).err().rule == std::string("SKINIT-6"));
    CHECK(slb == before);

    // Success: the table is copied, the rest of max_size zeroed, the bytes after max_size kept.
    const auto p = place(amd_table(0x1000, 0, 0));
    REQUIRE(p);
    CHECK(std::equal(slb.begin() + 0x2000, slb.begin() + 0x2000 + p->slrt_size, amd_table(0x1000, 0, 0).begin()));
    CHECK(std::all_of(slb.begin() + 0x2000 + p->slrt_size, slb.begin() + 0x3000, [](u8 x) { return x == 0; }));
    CHECK(slb[0x3000] == 0xee);
    CHECK(std::equal(slb.begin(), slb.begin() + 0x2000, before.begin()));
}
