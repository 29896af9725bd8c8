// Policy evaluation: the plan a DLME follows, per consumer rules, over hostile memory.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <openssl/evp.h>

#include "policy/measure.hpp"
#include "policy/plan.hpp"
#include "slrt/slrt.hpp"

using namespace slrt;

namespace {

// A Linux launch: table in its own page, and a 64 KiB memory image at 0x100000 holding
// boot params, a command line and a three-node setup_data chain (one SETUP_INDIRECT).
struct linux_launch {
    static constexpr u64 base = 0x100000;
    static constexpr u64 boot_params = base, cmdline = base + 0x1000, sd0 = base + 0x2000, sd1 = base + 0x2100,
                         sd2 = base + 0x2200, indirect_target = base + 0x3000;
    std::vector<u8> ram = std::vector<u8>(0x10000, 0);
    std::vector<u8> slrt = std::vector<u8>(4096, 0);
    u32 slrt_size = 0;

    void node(u64 at, u64 next, u32 type, u32 len) {
        auto m = mutable_byte_view(ram.data(), ram.size());
        store_le(m, at - base, 8, next);
        store_le(m, at - base + 8, 4, type);
        store_le(m, at - base + 12, 4, len);
    }

    explicit linux_launch(layout l = layout::v16, bool with_uefi = true) {
        node(sd0, sd1, 1 /* SETUP_E820_EXT */, 40);
        node(sd1, sd2, setup_indirect, 24);
        auto m = mutable_byte_view(ram.data(), ram.size());
        store_le(m, sd1 - base + 16, 4, 7);              // indirect payload: type
        store_le(m, sd1 - base + 24, 8, 0x200);          // len
        store_le(m, sd1 - base + 32, 8, indirect_target);  // addr
        node(sd2, 0, 5, 8);

        builder b(mutable_byte_view(slrt.data(), slrt.size()), l);
        REQUIRE(b.init(architecture::intel_txt, 4096));
        const policy_entry p[] = {
            {18, entity_type::slrt, policy_flag_implicit_size, 0, 0x7a000000, "Measured SLR Table"},
            {18, entity_type::boot_params, 0, 0x1000, boot_params, "Measured boot parameters"},
            {18, entity_type::setup_data, policy_flag_implicit_size, 0, sd0, "Measured Kernel setup_data"},
            {18, entity_type::cmdline, 0, 0x80, cmdline, "Measured Kernel command line"},
            {18, entity_type::txt_os2mle, 0, 0x60, 0x8ff00088, "Measured TXT OS-MLE data"},
            {0, entity_type::unused, 0, 0, 0, ""},
        };
        REQUIRE(b.add_policy(p, 6));
        intel_info i;
        i.boot_params_addr = boot_params;
        i.txt_heap = 0x8ff00000;
        REQUIRE(b.add(i));
        if (with_uefi) {
            const uefi_cfg_entry c[] = {{18, 0x20, base + 0x4000, "Measured UEFI variable"}};
            REQUIRE(b.add_uefi_config(c, 1));
        }
        slrt_size = b.size();
    }
    table parsed(layout l = layout::v16) const {
        const result<table> t = parse(byte_view(slrt.data(), slrt_size), {l, mode::strict});
        REQUIRE(t);
        return *t;
    }
    memory_image memory() const { return {base, byte_view(ram.data(), ram.size())}; }
};

std::string label(const plan_step& s) { return {s.label.bytes, s.label.length()}; }

}  // namespace

TEST_CASE("plan: Linux v16 order, setup_data walk with SETUP_INDIRECT, SLRT as zeroed intel_info", "[plan]") {
    const linux_launch l(layout::v16, false);
    const table t = l.parsed();
    plan<32> p;
    REQUIRE(make_plan(t, l.memory(), measure_rules::linux_v16, p));
    REQUIRE(p.count == 7);  // SLRT, boot params, 4 setup_data events, cmdline

    CHECK(p.steps[0].source == step_source::table_copy);
    CHECK(p.steps[0].addr == 16 + 16 + 6 * 56);  // the intel_info entry, after the header and policy
    CHECK(p.steps[0].size == 560);
    CHECK(p.steps[0].zero[0].offset == 8);   // boot_params_addr
    CHECK(p.steps[0].zero[1].offset == 16);  // txt_heap
    CHECK(label(p.steps[0]) == "Measured SLR Table");

    CHECK((p.steps[1].addr == linux_launch::boot_params && p.steps[1].size == 0x1000));
    // setup_data: node 0 payload; node 1 indirect target then its own payload; node 2 payload.
    CHECK((p.steps[2].addr == linux_launch::sd0 + 16 && p.steps[2].size == 40 && p.steps[2].node == 0));
    CHECK((p.steps[3].addr == linux_launch::indirect_target && p.steps[3].size == 0x200 && p.steps[3].node == 1));
    CHECK((p.steps[4].addr == linux_launch::sd1 + 16 && p.steps[4].size == 24));
    CHECK((p.steps[5].addr == linux_launch::sd2 + 16 && p.steps[5].size == 8 && p.steps[5].node == 2));
    for (u32 i = 2; i <= 5; ++i) CHECK(label(p.steps[i]) == "Measured Kernel setup_data");
    CHECK((p.steps[6].addr == linux_launch::cmdline && p.steps[6].size == 0x80));
    for (const plan_step& s : p) CHECK(s.event_type == 0x502);
    // OS-MLE and UNUSED produce nothing.
}

TEST_CASE("plan: UEFI config entries follow the policy", "[plan]") {
    const linux_launch l;
    plan<32> p;
    REQUIRE(make_plan(l.parsed(), l.memory(), measure_rules::linux_v16, p));
    // The test above counted 7 policy steps; the UEFI config adds one.
    REQUIRE(p.count == 8);
    CHECK(p.steps[7].from_uefi_config);
    CHECK((p.steps[7].addr == linux_launch::base + 0x4000 && p.steps[7].size == 0x20));
    CHECK(label(p.steps[7]) == "Measured UEFI variable");
}

TEST_CASE("plan: hostile setup_data chains end with a typed error", "[plan]") {
    linux_launch l;
    plan<64> p;
    l.node(linux_launch::sd2, linux_launch::sd0, 5, 8);  // cycle back to the head
    const status cyc = make_plan(l.parsed(), l.memory(), measure_rules::linux_v16, p);
    CHECK(cyc.err().code == errc::buffer_too_small);  // 64 steps fill before 256 nodes
    plan<1024> big;
    CHECK(make_plan(l.parsed(), l.memory(), measure_rules::linux_v16, big).err().code == errc::chain_too_long);

    linux_launch out_of_range;
    out_of_range.node(linux_launch::sd0, 0xfffffffffffffff8ull, 1, 40);  // next points nowhere
    const status r = make_plan(out_of_range.parsed(), out_of_range.memory(), measure_rules::linux_v16, p);
    CHECK(r.err().code == errc::memory_unmapped);
    CHECK(std::string(r.err().rule) == "POL-1");
    CHECK(r.err().value == 0xfffffffffffffff8ull);

    linux_launch short_indirect;
    short_indirect.node(linux_launch::sd1, linux_launch::sd2, setup_indirect, 8);
    CHECK(make_plan(short_indirect.parsed(), short_indirect.memory(), measure_rules::linux_v16, p).err().code ==
          errc::entry_size_too_small);
}

TEST_CASE("plan: an SLRT entity needs the vendor info entry", "[plan]") {
    std::vector<u8> buf(1024);
    builder b(mutable_byte_view(buf.data(), buf.size()), layout::v16);
    REQUIRE(b.init(architecture::intel_txt, 1024));
    const policy_entry e{18, entity_type::slrt, policy_flag_implicit_size, 0, 0x1000, "Measured SLR Table"};
    REQUIRE(b.add_policy(&e, 1));
    const result<table> t = parse(b.bytes());
    REQUIRE(t);
    plan<4> p;
    const status r = make_plan(*t, memory_image{}, measure_rules::linux_v16, p);
    CHECK(r.err().code == errc::missing_entry);
    CHECK(std::string(r.err().rule) == "POL-3");
}

TEST_CASE("plan: Xen rules measure ranges as given and the vendor entry as is", "[plan]") {
    const linux_launch l(layout::v12, false);
    plan<32> p;
    REQUIRE(make_plan(l.parsed(layout::v12), l.memory(), measure_rules::xen, p));
    REQUIRE(p.count == 4);  // SLRT, boot params, setup_data as a plain (empty) range, cmdline
    CHECK(p.steps[0].zero[0].width == 0);
    CHECK((p.steps[2].addr == linux_launch::sd0 && p.steps[2].size == 0));
}

TEST_CASE("plan: policy findings", "[plan]") {
    std::vector<u8> buf(1024);
    builder b(mutable_byte_view(buf.data(), buf.size()), layout::v16);
    REQUIRE(b.init(architecture::intel_txt, 1024));
    const policy_entry p[] = {
        {18, entity_type::cmdline, policy_flag_implicit_size, 0x10, 0x1000, "cmdline"},  // POL-11
        {12, entity_type::ramdisk, 0, 0x10, 0x2000, "initrd"},                          // POL-10
        {18, entity_type::cmdline, policy_flag_implicit_size, 0x10, 0x1000, "again"},   // POL-11, POL-13
        {17, entity_type::unspecified, policy_flag_measured, 0x10, 0x3000, "done"},     // POL-12
    };
    REQUIRE(b.add_policy(p, 4));
    const result<table> t = parse(b.bytes());
    REQUIRE(t);
    const findings f = check_policy(*t, memory_image{}, measure_rules::linux_v16);
    std::vector<std::string> rules;
    for (u32 i = 0; i < f.count; ++i) rules.push_back(f.items[i].rule + std::string("@") + std::to_string(f.items[i].entry_index));
    CHECK(rules == std::vector<std::string>{"POL-11@0", "POL-10@1", "POL-11@2", "POL-13@2", "POL-12@3"});
}

TEST_CASE("memory backends refuse what they do not hold", "[plan]") {
    const u8 a[16] = {1, 2, 3, 4};
    memory_regions<2> m;
    REQUIRE(m.add(0x1000, a));
    REQUIRE(m.add(0x1010, a));
    u8 out[8] = {};
    CHECK(m.read(0x1000, out));
    CHECK(out[2] == 3);
    CHECK(m.read(0x100c, out).err().code == errc::memory_unmapped);  // spans two regions
    CHECK(m.read(0xfff, out).err().code == errc::memory_unmapped);
    CHECK(m.add(0x2000, a).err().code == errc::bad_argument);  // full
    memory_regions<1> w;
    CHECK(w.add(0xfffffffffffffff8ull, a).err().code == errc::address_wrap);
    const memory_image img(0xfffffffffffffff0ull, a);
    CHECK(img.read(0xfffffffffffffff8ull, out));
    CHECK(img.read(0xfffffffffffffff9ull, out).err().code == errc::memory_unmapped);
}

namespace {

std::vector<u8> openssl(const EVP_MD* md, byte_view bytes) {
    std::vector<u8> out(EVP_MAX_MD_SIZE);
    unsigned n = 0;
    REQUIRE(EVP_Digest(bytes.data(), bytes.size(), out.data(), &n, md, nullptr) == 1);
    out.resize(n);
    return out;
}

}  // namespace

TEST_CASE("measure: every step hashed into every bank, as OpenSSL hashes the same bytes", "[plan][measure]") {
    linux_launch l;
    for (std::size_t i = 0; i < l.ram.size(); ++i) l.ram[i] = static_cast<u8>(i * 7 + (i >> 8));
    // The pattern overwrote the chain: write the nodes again.
    l.node(linux_launch::sd0, linux_launch::sd1, 1, 40);
    l.node(linux_launch::sd1, linux_launch::sd2, setup_indirect, 24);
    auto m = mutable_byte_view(l.ram.data(), l.ram.size());
    store_le(m, linux_launch::sd1 - linux_launch::base + 24, 8, 0x200);
    store_le(m, linux_launch::sd1 - linux_launch::base + 32, 8, linux_launch::indirect_target);
    l.node(linux_launch::sd2, 0, 5, 8);

    const table t = l.parsed();
    plan<32> p;
    REQUIRE(make_plan(t, l.memory(), measure_rules::linux_v16, p));
    const hash_alg banks[] = {hash_alg::sha1, hash_alg::sha256, hash_alg::sha384, hash_alg::sha512, hash_alg::sm3_256};
    for (const plan_step& s : p) {
        std::vector<u8> bytes;
        if (s.source == step_source::table_copy) {
            bytes.assign(t.bytes().data() + s.addr, t.bytes().data() + s.addr + s.size);
            for (const zero_range& z : s.zero) std::fill_n(bytes.begin() + z.offset, z.width, 0);
        } else {
            bytes.assign(l.ram.begin() + static_cast<long>(s.addr - linux_launch::base),
                         l.ram.begin() + static_cast<long>(s.addr - linux_launch::base + s.size));
        }
        digest d[5];
        REQUIRE(measure_step(t, l.memory(), s, banks, 5, d));
        const byte_view b(bytes.data(), bytes.size());
        CHECK(std::vector<u8>(d[0].bytes, d[0].bytes + 20) == openssl(EVP_sha1(), b));
        CHECK(std::vector<u8>(d[1].bytes, d[1].bytes + 32) == openssl(EVP_sha256(), b));
        CHECK(std::vector<u8>(d[2].bytes, d[2].bytes + 48) == openssl(EVP_sha384(), b));
        CHECK(std::vector<u8>(d[3].bytes, d[3].bytes + 64) == openssl(EVP_sha512(), b));
        CHECK(d[4] == capped_digest(hash_alg::sm3_256));
    }
    // The zeroed copy really differs from the table bytes: the pointers were nonzero.
    CHECK(p.steps[0].source == step_source::table_copy);

    plan_step bad = p.steps[1];
    bad.size = 0x100000;  // runs past the image
    digest d[1];
    CHECK(measure_step(t, l.memory(), bad, banks, 1, d).err().code == errc::memory_unmapped);
}
