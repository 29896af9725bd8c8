// MTRRs for TXT (dlh/txt/mtrr.hpp): register layouts, the SINIT MTRR planner (every rule
// TXT-U1..U6, golden values, minimality), the SLRT save record (TXT-U7/U8), load and restore
// write lists, the effective memory type against an independent model, check_saved_mtrrs
// (TXT-U9..U14) and the Linux post-launch comparison (TXT-U15..U19). Randomized tests compare
// the planner with a brute-force type check of every 4 KiB page around the ACM, and the
// overlap rule with a page-by-page search.
#include <catch2/catch.hpp>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "dlh/txt/mtrr.hpp"

using namespace dlh;
using namespace dlh::txt;
using slrt::errc;

namespace {

constexpr u64 kib = 1024;
constexpr u64 page = 0x1000;
constexpr u64 cap8 = 0x508;    // VCNT 8, FIX, WC
constexpr u64 cap10 = 0xD0A;   // VCNT 10, FIX, WC, SMRR
constexpr u8 uc = 0, wc = 1, wt = 4, wp = 5, wb = 6;

constexpr bool same(const char* a, const char* b) {
    for (; *a && *a == *b; ++a, ++b) {
    }
    return *a == *b;
}
constexpr const slrt::error* find(const slrt::findings& f, const char* rule) {
    for (u32 i = 0; i < f.count; ++i)
        if (same(f.items[i].rule, rule)) return &f.items[i];
    return nullptr;
}
constexpr u32 count_rule(const slrt::findings& f, const char* rule) {
    u32 n = 0;
    for (u32 i = 0; i < f.count; ++i) n += same(f.items[i].rule, rule) ? 1u : 0u;
    return n;
}
constexpr bool only(const slrt::findings& f, const char* rule) {
    return f.count > 0 && count_rule(f, rule) == f.count && f.dropped == 0;
}

// The fields of `info` cover every bit of its width exactly once, in ascending order.
constexpr bool fields_tile(const register_info& info) {
    u64 covered = 0;
    u32 next = 0;
    for (const bit_field& f : info) {
        if (f.width == 0 || f.lsb != next) return false;
        if ((covered & f.mask()) != 0) return false;
        covered |= f.mask();
        next = static_cast<u32>(f.lsb + f.width);
    }
    return next == info.bits;
}

// A variable MTRR over [base, base + size) (size a power of two, base aligned) for `width` bits.
constexpr variable_mtrr vmtrr(u64 base, u64 size, u8 type, u8 width = 36) {
    return variable_mtrr{base | type, (mtrr_address_bits(width) & ~(size - 1)) | 0x800};
}

// ---------------------------------------------------------------------------------------------
// Compile-time tests

static_assert(fields_tile(mtrrcap_info) && fields_tile(mtrr_def_type_info));
static_assert(fields_tile(mtrr_physbase_info) && fields_tile(mtrr_physmask_info));
static_assert(mtrr_msr::physbase(0) == 0x200 && mtrr_msr::physmask(0) == 0x201);
static_assert(mtrr_msr::physbase(9) == 0x212 && mtrr_msr::physmask(31) == 0x23F);
static_assert(mtrrcap_reg{cap10}.vcnt() == 10 && mtrrcap_reg{cap10}.fix() && mtrrcap_reg{cap10}.smrr());
static_assert(mtrr_def_type_reg{0xC06}.enabled() && mtrr_def_type_reg{0xC06}.fixed_enabled());
static_assert(mtrr_def_type_reg{0xC06}.type() == wb);
static_assert(mtrr_address_bits(36) == 0xFFFFFF000 && mtrr_address_bits(52) == 0xFFFFFFFFFF000);

// An 11 KiB ACM takes 8 KiB + 4 KiB: two MTRRs, never a 16 KiB one.
constexpr auto acm11 = plan_acm_mtrrs(0x7FE00000, 11 * kib, cap8);
static_assert(acm11.ok() && acm11->used == 2);
static_assert(acm11->settings.pairs[0] == variable_mtrr{0x7FE00006, 0xFFFFFE800});
static_assert(acm11->settings.pairs[1] == variable_mtrr{0x7FE02006, 0xFFFFFF800});
static_assert(acm11->covered == range{0x7FE00000, 12 * kib});
static_assert(acm11->settings.def_type == 0x800 && acm11->settings.vcnt == 8);
static_assert(acm11->settings.pairs[2] == variable_mtrr{});
// A 256 KiB module at a base aligned to 64 KiB only: 64K + 128K + 64K (tboot and GRUB: 4 x 64K).
static_assert(plan_acm_mtrrs(0x10010000, 256 * kib, cap8)->used == 3);
// A 256 KiB SINIT at 0x7F000000: one MTRR.
constexpr auto sinit256 = plan_acm_mtrrs(0x7F000000, 256 * kib, cap8);
static_assert(sinit256.ok() && sinit256->used == 1);
static_assert(sinit256->settings.pairs[0] == variable_mtrr{0x7F000006, 0xFFFFC0800});
// The same with caps bit 8 on both sides and a 46-bit processor.
constexpr auto wide = plan_acm_mtrrs(0x7F000000, 256 * kib, cap8,
                                     acm_mtrr_options_for(capabilities{0x100}, capabilities{0x327}, 46));
static_assert(wide->mask_width == 46 && wide->settings.pairs[0].physmask == 0x3FFFFFFC0800);
static_assert(acm_mtrr_options_for(capabilities{0x100}, capabilities{0x227}, 46).use_maxphyaddr == false);
// Planner errors.
static_assert(plan_acm_mtrrs(0x7F000800, 4096, cap8).err().code == errc::misaligned);
static_assert(plan_acm_mtrrs(0x7F000000, 0, cap8).err().code == errc::bad_argument);
static_assert(plan_acm_mtrrs(0xFFFFF000, 0x2000, cap8).err().code == errc::out_of_bounds);
static_assert(plan_acm_mtrrs(0x7F000000, 4096, cap8, acm_mtrr_options{35, false}).err().code == errc::bad_argument);
static_assert(plan_acm_mtrrs(0x7F000000, 4096, 0x21).err().code == errc::mtrr_vcnt_too_large);
static_assert(plan_acm_mtrrs(0x7F001000, 0x7FF000, 0x3).err().code == errc::out_of_bounds);

// The effective type of the planned state.
static_assert(effective_mtrr_type(acm11->settings, 0x7FE02FFF, 36).is(mtrr_type::wb));
static_assert(effective_mtrr_type(acm11->settings, 0x7FE03000, 36).is(mtrr_type::uc));
static_assert(effective_mtrr_type(acm11->settings, 0x7FE03000, 36).source == mtrr_type_source::default_type);
static_assert(effective_mtrr_type(mtrr_settings{}, 0, 36).source == mtrr_type_source::disabled);

// Save record round trip and its two rules.
constexpr mtrr_settings bios_like() {
    mtrr_settings s;
    s.def_type = 0xC00;  // E, FE, default UC
    s.vcnt = 10;
    s.pairs[0] = vmtrr(0, u64{2} << 30, wb, 39);
    s.pairs[1] = vmtrr(u64{2} << 30, u64{1} << 30, wb, 39);
    s.pairs[2] = vmtrr(0x7F800000, 0x800000, uc, 39);
    s.pairs[3] = vmtrr(u64{4} << 30, u64{4} << 30, wb, 39);
    return s;
}
static_assert(from_slrt(to_slrt(bios_like())).ok());
static_assert(*from_slrt(to_slrt(bios_like())) == bios_like());
constexpr slrt::mtrr_state too_many() {
    slrt::mtrr_state s;
    s.mtrr_vcnt = 33;
    return s;
}
static_assert(from_slrt(too_many()).err().code == errc::mtrr_vcnt_too_large);
constexpr slrt::mtrr_state stray_pair() {
    slrt::mtrr_state s = to_slrt(bios_like());
    s.mtrr_pair[12].mtrr_physmask = 0x800;
    return s;
}
static_assert(from_slrt(stray_pair()).err().code == errc::reserved_nonzero);
static_assert(from_slrt(stray_pair()).err().offset == 16 + 16 * 12 + 8);

// Restore writes put the saved state back exactly.
static_assert(apply_mtrr_writes(acm11->settings, mtrr_restore_writes(bios_like(), 0x850089)) == bios_like());
static_assert(mtrr_restore_writes(bios_like(), 1).count == 2 * 10 + 3);

// An independent model of the precedence rules for the randomized tests: a plain reading of
// the SDM list, with no shared code.
struct model_result {
    bool defined;
    u8 type;
};
model_result model_type(const mtrr_settings& s, u64 address, u8 width) {
    if (((s.def_type >> 11) & 1) == 0) return {true, uc};
    const u64 addr_mask = ((u64{1} << width) - 1) & ~u64{0xFFF};
    std::vector<u8> types;
    for (u32 i = 0; i < s.vcnt && i < 32; ++i) {
        const variable_mtrr& v = s.pairs[i];
        if (((v.physmask >> 11) & 1) == 0) continue;
        const u64 m = v.physmask & addr_mask;
        if ((address & m) == (v.physbase & m)) types.push_back(static_cast<u8>(v.physbase & 0xFF));
    }
    if (types.empty()) return {true, static_cast<u8>(s.def_type & 0xFF)};
    bool all_same = true, any_uc = false, only_wt_wb = true;
    for (u8 t : types) {
        all_same = all_same && t == types[0];
        any_uc = any_uc || t == uc;
        only_wt_wb = only_wt_wb && (t == wt || t == wb);
    }
    if (all_same) return {true, types[0]};
    if (any_uc) return {true, uc};
    if (only_wt_wb) return {true, wt};
    return {false, 0};
}

// The fewest naturally aligned power-of-two blocks that tile [a, b) (4 KiB pages), computed as
// the number of maximal aligned blocks of a binary trie: independent of the planner's greedy walk.
u32 min_blocks(u64 a, u64 b, u64 node = 0, u64 size = u64{1} << 32) {
    if (b <= node || a >= node + size) return 0;
    if (a <= node && node + size <= b) return 1;
    return min_blocks(a, b, node, size / 2) + min_blocks(a, b, node + size / 2, size / 2);
}

struct fake_msrs {
    std::vector<std::pair<u32, u64>> values;
    u64 read_msr(u32 index) const {
        for (const auto& [k, v] : values)
            if (k == index) return v;
        return 0;
    }
};

}  // namespace

// ---------------------------------------------------------------------------------------------

TEST_CASE("MTRR register descriptions print like the datasheet", "[txt][mtrr]") {
    char buf[512];
    format_register(mtrrcap_info, cap10, buf, sizeof buf);
    const std::string text(buf);
    CHECK(text.find("IA32_MTRRCAP (0x0fe)") != std::string::npos);
    CHECK(text.find("[7:0] VCNT = 0xa") != std::string::npos);
    CHECK(text.find("[11] SMRR = 1") != std::string::npos);
    format_register(mtrr_physmask_info, 0xFFFFFF800, buf, sizeof buf);
    CHECK(std::string(buf).find("[11] V = 1") != std::string::npos);
    CHECK(mtrr_def_type_info.reserved_mask() == ~u64{0xCFF});
    CHECK(mtrr_physbase_info.reserved_mask() == (u64{0xF00} | (u64{0xFFF} << 52)));
    CHECK(mtrr_type_name(wb) == std::string("WB"));
    CHECK(mtrr_type_name(7) == std::string("reserved"));
    CHECK(mtrr_type_name(2) == std::string("reserved"));
    CHECK(is_mtrr_type(5));
    CHECK_FALSE(is_mtrr_type(3));
}

TEST_CASE("plan_acm_mtrrs: golden plans and every error", "[txt][mtrr]") {
    SECTION("11 KiB at a 4 KiB-only aligned base: 4 KiB then 8 KiB") {
        const auto p = plan_acm_mtrrs(0x7FE01000, 11 * kib, cap8);
        REQUIRE(p);
        REQUIRE(p->used == 2);
        CHECK(p->settings.pairs[0] == variable_mtrr{0x7FE01006, 0xFFFFFF800});
        CHECK(p->settings.pairs[1] == variable_mtrr{0x7FE02006, 0xFFFFFE800});
    }
    SECTION("an unaligned 1 MiB + 4 KiB module: one block per power, greedy from the base") {
        // base aligned to 64 KiB, 1 MiB + 4 KiB long: 64K, 128K, 256K, 512K, 64K... up to the end.
        const auto p = plan_acm_mtrrs(0x10010000, (1 << 20) + 4 * kib, cap10);
        REQUIRE(p);
        CHECK(p->used == min_blocks(0x10010000 >> 12, (0x10010000 + (1 << 20) + 4 * kib) >> 12));
        u64 at = 0x10010000;
        for (u32 i = 0; i < p->used; ++i) {
            const variable_mtrr& v = p->settings.pairs[i];
            const u64 size = (~(v.physmask & mtrr_address_bits(36)) & 0xFFFFFFFFF) + 1;
            CHECK(v.base_address(36) == at);
            CHECK(at % size == 0);
            at += size;
        }
        CHECK(at == 0x10010000 + (1 << 20) + 4 * kib);
    }
    SECTION("exactly VCNT MTRRs is enough (tboot and GRUB fail here); one more is not") {
        // 7 pages from 0x...1000: 4K, 8K, 16K = 3 blocks.
        auto p = plan_acm_mtrrs(0x7F001000, 7 * page, 0x3);
        REQUIRE(p);
        CHECK(p->used == 3);
        p = plan_acm_mtrrs(0x7F001000, 7 * page, 0x2);
        REQUIRE_FALSE(p);
        CHECK(p.err().code == errc::out_of_bounds);
        CHECK(same(p.err().rule, "TXT-U6"));
        CHECK(p.err().value == 3);
        CHECK(p.err().limit == 2);
        p = plan_acm_mtrrs(0x7F000000, page, 0x0);
        REQUIRE_FALSE(p);
        CHECK(p.err().value == 1);
    }
    SECTION("boundaries: base 0, the last page below 4 GiB, a 4 GiB module, 1 byte") {
        auto p = plan_acm_mtrrs(0, 1, cap8);
        REQUIRE(p);
        CHECK(p->settings.pairs[0] == variable_mtrr{0x6, 0xFFFFFF800});
        p = plan_acm_mtrrs(0xFFFFF000, page, cap8);
        REQUIRE(p);
        CHECK(p->covered.end() == u64{1} << 32);
        p = plan_acm_mtrrs(0, u64{1} << 32, cap8);
        REQUIRE(p);
        CHECK(p->used == 1);
        CHECK(p->settings.pairs[0].physmask == 0xF00000800);
        p = plan_acm_mtrrs(0xFFFFF000, page + 1, cap8);
        REQUIRE_FALSE(p);
        CHECK(same(p.err().rule, "TXT-U3"));
    }
    SECTION("each error with its rule") {
        auto e = plan_acm_mtrrs(0x7F000001, page, cap8).err();
        CHECK(same(e.rule, "TXT-U1"));
        CHECK(e.value == 0x7F000001);
        e = plan_acm_mtrrs(0x7F000000, 0, cap8).err();
        CHECK(same(e.rule, "TXT-U2"));
        e = plan_acm_mtrrs(u64{1} << 32, page, cap8).err();
        CHECK(same(e.rule, "TXT-U3"));
        e = plan_acm_mtrrs(0x7F000000, page, cap8, acm_mtrr_options{53, true}).err();
        CHECK(same(e.rule, "TXT-U4"));
        CHECK(e.value == 53);
        e = plan_acm_mtrrs(0x7F000000, page, 0xFF).err();
        CHECK(same(e.rule, "TXT-U5"));
        CHECK(e.value == 255);
        CHECK(plan_acm_mtrrs(0x7F000000, page, 0x20));  // 32 is fine
    }
    SECTION("36-bit masks unless both sides set caps bit 8") {
        const auto narrow = plan_acm_mtrrs(0x7F000000, 256 * kib, cap8, acm_mtrr_options{46, false});
        CHECK(narrow->settings.pairs[0].physmask == 0xFFFFC0800);
        // With 36-bit masks the ACM aliases every 64 GiB on a wider processor (what SINIT expects).
        CHECK(effective_mtrr_type(narrow->settings, (u64{1} << 36) + 0x7F000000, 46).is(mtrr_type::wb));
        const auto full = plan_acm_mtrrs(0x7F000000, 256 * kib, cap8, acm_mtrr_options{46, true});
        CHECK(effective_mtrr_type(full->settings, (u64{1} << 36) + 0x7F000000, 46).is(mtrr_type::uc));
    }
}

TEST_CASE("load and restore write lists", "[txt][mtrr]") {
    const auto plan = plan_acm_mtrrs(0x7FE00000, 11 * kib, cap8);
    REQUIRE(plan);
    const mtrr_write_list load = mtrr_load_writes(plan->settings);
    REQUIRE(load.count == 2 + 2 * 8);
    CHECK(load.items[0] == mtrr_write{0x2FF, 0});  // MTRRs off first
    CHECK(load.items[1] == mtrr_write{0x200, 0x7FE00006});
    CHECK(load.items[2] == mtrr_write{0x201, 0xFFFFFE800});
    CHECK(load.items[6] == mtrr_write{0x205, 0});  // unused pairs cleared (V = 0)
    CHECK(load.items[17] == mtrr_write{0x2FF, 0x800});
    const mtrr_settings bios = bios_like();
    mtrr_settings bios8 = bios;
    bios8.vcnt = 8;
    CHECK(apply_mtrr_writes(bios8, load) == plan->settings);

    const mtrr_write_list restore = mtrr_restore_writes(bios, 0x4000850089);
    REQUIRE(restore.count == 1 + 20 + 2);
    CHECK(restore.items[0] == mtrr_write{0x2FF, 0});  // 0xC00 with E and FE cleared
    CHECK(restore.items[7] == mtrr_write{0x206, bios.pairs[3].physbase});
    CHECK(restore.items[8] == mtrr_write{0x207, bios.pairs[3].physmask});
    CHECK(restore.items[21] == mtrr_write{0x2FF, 0xC00});
    CHECK(restore.items[22] == mtrr_write{0x1A0, 0x4000850089});
    CHECK(apply_mtrr_writes(plan->settings, restore) == bios);
    // A state with 32 pairs: the largest list.
    mtrr_settings full = bios;
    full.vcnt = 32;
    CHECK(mtrr_restore_writes(full, 0).count == max_mtrr_writes);
}

TEST_CASE("saving through an injected MSR reader, and the SLRT record", "[txt][mtrr]") {
    fake_msrs cpu;
    cpu.values = {{0xFE, cap10}, {0x2FF, 0xC06}, {0x200, 0x80000000}, {0x201, 0x7F80000800}, {0x212, 5}};
    mtrr_settings s = read_mtrr_settings(cpu);
    CHECK(s.def_type == 0xC06);
    CHECK(s.vcnt == 10);
    CHECK(s.pairs[0] == variable_mtrr{0x80000000, 0x7F80000800});
    CHECK(s.pairs[9].physbase == 5);
    cpu.values[0].second = 40;  // more than 32: clamped as GRUB and tboot do
    CHECK(read_mtrr_settings(cpu).vcnt == 32);

    const slrt::mtrr_state rec = to_slrt(s);
    CHECK(rec.default_mem_type == 0xC06);
    CHECK(rec.mtrr_vcnt == 10);
    CHECK(rec.mtrr_pair[9].mtrr_physbase == 5);
    // Pairs past vcnt are not copied, so the record is always well formed.
    s.pairs[20].physbase = 1;
    CHECK(to_slrt(s).mtrr_pair[20] == slrt::mtrr_pair{});
    slrt::mtrr_state bad = rec;
    bad.mtrr_pair[10].mtrr_physbase = 0x1000;
    const auto r = from_slrt(bad);
    REQUIRE_FALSE(r);
    CHECK(same(r.err().rule, "TXT-U8"));
    CHECK(r.err().offset == 16 + 160);
    CHECK(r.err().entry_index == 10);
    bad = rec;
    bad.mtrr_vcnt = u64{1} << 32;  // a 64-bit count with zero low dword
    CHECK(same(from_slrt(bad).err().rule, "TXT-U7"));
    bad.mtrr_vcnt = 32;
    CHECK(from_slrt(bad));
}

TEST_CASE("check_saved_mtrrs: tboot's validation, exact", "[txt][mtrr]") {
    const txt_uc_regions mmio = txt_mmio_uc_regions(0xFEC00000, 0xE0000000);
    REQUIRE(mmio.count == 6);
    mtrr_settings s = bios_like();
    SECTION("a healthy BIOS state passes") { CHECK(check_saved_mtrrs(s, cap10, 39, mmio).ok()); }
    SECTION("TXT-U9 more pairs than the processor") {
        const auto f = check_saved_mtrrs(s, cap8, 39, mmio);
        REQUIRE(only(f, "TXT-U9"));
        CHECK(f.items[0].code == errc::mtrr_vcnt_too_large);
        CHECK(f.items[0].value == 10);
        s.vcnt = 33;
        CHECK(count_rule(check_saved_mtrrs(s, 0xFF, 39, mmio), "TXT-U9") == 1);
    }
    SECTION("TXT-U10 reserved types") {
        s.def_type = 0xC02;
        s.pairs[4] = vmtrr(0x100000000 * 16, 0x100000000, 7, 39);
        const auto f = check_saved_mtrrs(s, cap10, 39, mmio);
        CHECK(count_rule(f, "TXT-U10") == 2);
        CHECK(find(f, "TXT-U10")->value == 2);
        CHECK(f.items[1].entry_index == 4);
        CHECK(f.items[1].offset == 16 + 64);
    }
    SECTION("TXT-U11 reserved bits, including address bits at or above MAXPHYADDR") {
        s.def_type |= 0x300;
        s.pairs[0].physbase |= 0x100;
        s.pairs[1].physmask |= 0x1;
        const auto f = check_saved_mtrrs(s, cap10, 36, mmio);  // the masks were built for 39 bits
        CHECK(count_rule(f, "TXT-U11") == 1 + 1 + 4);
        CHECK(find(f, "TXT-U11")->value == 0x300);
        CHECK(find(f, "TXT-U11")->code == errc::reserved_nonzero);
        CHECK(count_rule(check_saved_mtrrs(bios_like(), cap10, 39, mmio), "TXT-U11") == 0);
    }
    SECTION("TXT-U12 a mask with a hole") {
        s.pairs[5] = variable_mtrr{0x90000000 | wb, 0x7FEFF00800};  // bit 20 clear inside the mask
        const auto f = check_saved_mtrrs(s, cap10, 39, mmio);
        REQUIRE(only(f, "TXT-U12"));
        CHECK(f.items[0].entry_index == 5);
        CHECK(f.items[0].offset == 16 + 80 + 8);
        // An invalid pair is not checked.
        s.pairs[5].physmask &= ~u64{0x800};
        CHECK(check_saved_mtrrs(s, cap10, 39, mmio).ok());
    }
    SECTION("TXT-U13 undefined overlaps; UC, WT+WB and equal types are fine") {
        s.pairs[4] = vmtrr(0x40000000, 0x100000, wc, 39);  // WC inside WB: undefined
        auto f = check_saved_mtrrs(s, cap10, 39, mmio);
        REQUIRE(only(f, "TXT-U13"));
        CHECK(f.items[0].code == errc::overlap);
        CHECK(f.items[0].value == 0x40000000);
        CHECK(f.items[0].limit == 0b10001);
        CHECK(f.items[0].entry_index == 0);
        s.pairs[4] = vmtrr(0x40000000, 0x100000, wt, 39);
        CHECK(check_saved_mtrrs(s, cap10, 39, mmio).ok());
        s.pairs[4] = vmtrr(0x40000000, 0x100000, wb, 39);
        CHECK(check_saved_mtrrs(s, cap10, 39, mmio).ok());
        // A third, UC range over the whole overlap makes it defined (tboot's exception), even
        // when the UC range is made of two halves (which tboot does not see).
        s.pairs[4] = vmtrr(0x40000000, 0x100000, wp, 39);
        s.pairs[5] = vmtrr(0x40000000, 0x80000, uc, 39);
        f = check_saved_mtrrs(s, cap10, 39, mmio);
        REQUIRE(only(f, "TXT-U13"));
        CHECK(f.items[0].value == 0x40080000);
        s.pairs[6] = vmtrr(0x40080000, 0x80000, uc, 39);
        CHECK(check_saved_mtrrs(s, cap10, 39, mmio).ok());
        // With MTRRs disabled no overlap matters.
        s.pairs[6] = variable_mtrr{};
        s.def_type = 0;
        CHECK(check_saved_mtrrs(s, cap10, 39, mmio).ok());
    }
    SECTION("TXT-U14 MMIO that is not UC") {
        mtrr_settings w = s;
        w.def_type = 0xC06;  // default WB: only explicit UC ranges are UC
        w.pairs[0] = vmtrr(0xFEC00000, 0x1000, uc, 39);
        w.pairs[1] = vmtrr(0xFED00000, 0x80000, uc, 39);  // TXT spaces and TPM
        w.pairs[2] = variable_mtrr{};
        w.pairs[3] = variable_mtrr{};
        auto f = check_saved_mtrrs(w, cap10, 39, mmio);
        REQUIRE(count_rule(f, "TXT-U14") == 2);  // LAPIC and MCFG
        CHECK(same(f.items[0].field, "local APIC"));
        CHECK(f.items[0].entry_index == 3);
        CHECK(f.items[0].value == 0xFEE00000);
        CHECK(f.items[0].limit == wb);
        CHECK(same(f.items[1].field, "PCI MCFG"));
        // Half of the TXT public space WB.
        w.pairs[2] = vmtrr(0xFEE00000, 0x1000, uc, 39);
        w.pairs[3] = vmtrr(0xE0000000, 0x1000, uc, 39);
        w.pairs[1] = vmtrr(0xFED20000, 0x10000, uc, 39);
        w.pairs[4] = vmtrr(0xFED38000, 0x8000, uc, 39);
        w.pairs[5] = vmtrr(0xFED40000, 0x40000, uc, 39);
        f = check_saved_mtrrs(w, cap10, 39, mmio);
        REQUIRE(only(f, "TXT-U14"));
        CHECK(same(f.items[0].field, "TXT public space"));
        CHECK(f.items[0].value == 0xFED30000);
        // A region below 1 MiB with fixed-range MTRRs on cannot be judged.
        const mtrr_uc_region low[] = {{"VGA", range{0xA0000, 0x20000}}};
        f = check_saved_mtrrs(bios_like(), mtrr_check_inputs{cap10, 39, low, 1});
        REQUIRE(only(f, "TXT-U14"));
        CHECK(std::strstr(f.items[0].message, "fixed-range"));
    }
    SECTION("the ACM plan itself passes at its mask width, with the MMIO regions UC") {
        const auto p = plan_acm_mtrrs(0x7FE00000, 0x3F000, cap10);
        REQUIRE(p);
        CHECK(check_saved_mtrrs(p->settings, cap10, 36, mmio).ok());
        // On a 39-bit processor its 36-bit masks repeat every 64 GiB: not one contiguous range.
        CHECK(count_rule(check_saved_mtrrs(p->settings, cap10, 39, mmio), "TXT-U12") == p->used);
        const auto w = plan_acm_mtrrs(0x7FE00000, 0x3F000, cap10, acm_mtrr_options{39, true});
        CHECK(check_saved_mtrrs(w->settings, cap10, 39, mmio).ok());
    }
}

TEST_CASE("check_restored_mtrrs_linux: the kernel's comparisons in its order", "[txt][mtrr]") {
    const mtrr_settings s = bios_like();
    const slrt::mtrr_state saved = to_slrt(s);
    mtrr_readback now;
    now.mtrrcap = cap10;
    now.def_type = s.def_type;
    for (u32 i = 0; i < 32; ++i) now.pairs[i] = s.pairs[i];
    now.misc_enable = 0x850089;
    CHECK(check_restored_mtrrs_linux(saved, 0x850089, now).ok());

    SECTION("TXT-U15 vcnt") {
        mtrr_readback n = now;
        n.mtrrcap = cap8;
        auto f = check_restored_mtrrs_linux(saved, 0x850089, n);
        REQUIRE(only(f, "TXT-U15"));
        CHECK(f.items[0].code == errc::mtrr_vcnt_too_large);
        CHECK(std::strstr(f.items[0].message, "0xc0008007") == nullptr);
        CHECK(std::strstr(f.items[0].message, "SL_ERROR_MTRR_INV_VCNT"));
        slrt::mtrr_state big = saved;
        big.mtrr_vcnt = 40;
        n.mtrrcap = 0xFF;
        f = check_restored_mtrrs_linux(big, 0x850089, n);
        CHECK(count_rule(f, "TXT-U15") == 1);
        CHECK(f.items[0].limit == 32);
    }
    SECTION("TXT-U16..U19 in order") {
        mtrr_readback n = now;
        n.def_type = 0x806;
        n.pairs[2].physbase ^= 1;
        n.pairs[3].physmask = 0;
        n.misc_enable = 0x850088;
        const auto f = check_restored_mtrrs_linux(saved, 0x850089, n);
        REQUIRE(f.count == 4);
        CHECK(same(f.items[0].rule, "TXT-U16"));
        CHECK(same(f.items[1].rule, "TXT-U17"));
        CHECK(f.items[1].entry_index == 2);
        CHECK(f.items[1].offset == 16 + 32);
        CHECK(same(f.items[2].rule, "TXT-U18"));
        CHECK(f.items[2].offset == 24 + 48);
        CHECK(same(f.items[3].rule, "TXT-U19"));
        CHECK(f.items[3].value == 0x850088);
        CHECK(f.items[3].limit == 0x850089);
        CHECK(f.items[0].code == errc::launch_requirement);
    }
    SECTION("reading back through the injected reader after a restore") {
        fake_msrs cpu;
        cpu.values.push_back({0xFE, cap10});
        for (const mtrr_write& w : mtrr_restore_writes(s, 0x850089)) {
            bool found = false;
            for (auto& kv : cpu.values)
                if (kv.first == w.msr) kv.second = w.value, found = true;
            if (!found) cpu.values.push_back({w.msr, w.value});
        }
        CHECK(check_restored_mtrrs_linux(saved, 0x850089, read_mtrr_readback(cpu, saved.mtrr_vcnt)).ok());
    }
}

// ---------------------------------------------------------------------------------------------
// Randomized

TEST_CASE("randomized ACM plans: brute-force type of every page around the module", "[txt][mtrr][random]") {
    std::mt19937_64 rng(0xACE5EEDull);
    auto pick = [&](u64 lo, u64 hi) { return std::uniform_int_distribution<u64>(lo, hi)(rng); };
    int plans = 0, too_few = 0;
    for (int iter = 0; iter < 600; ++iter) {
        // Bases with every alignment from 4 KiB up; sizes from 1 byte to 1 MiB, sometimes larger.
        const u64 align_shift = pick(12, 28);
        const u64 base = (pick(1, 0xEFFFFFFF) >> align_shift) << align_shift;
        const u64 size = pick(0, 5) == 0 ? pick(1, 64) << 20 : pick(1, 1 << 20);
        const u64 vcnt = pick(1, 20);
        const u8 maxphy = static_cast<u8>(pick(36, 46));
        const bool wide = pick(0, 1) == 1;
        const auto p = plan_acm_mtrrs(base, size, vcnt, acm_mtrr_options{maxphy, wide});
        const u64 end = (base + size + page - 1) & ~(page - 1);
        const u32 needed = min_blocks(base >> 12, end >> 12);
        if (!p) {
            ++too_few;
            REQUIRE(same(p.err().rule, "TXT-U6"));
            REQUIRE(p.err().value == needed);
            REQUIRE(needed > vcnt);
            continue;
        }
        ++plans;
        REQUIRE(p->used == needed);  // the fewest possible
        REQUIRE(p->used <= vcnt);
        REQUIRE(p->covered == range{base, end - base});
        REQUIRE(end - (base + size) < page);  // at most 4 KiB - 1 bytes WB past the end
        const u8 width = wide ? maxphy : 36;
        REQUIRE(p->mask_width == width);
        for (u32 i = 0; i < p->used; ++i) {
            const variable_mtrr& v = p->settings.pairs[i];
            REQUIRE(v.valid());
            REQUIRE(v.type() == wb);
            const u64 m = v.mask_address(width);
            const u64 block = m & (~m + 1);
            REQUIRE(m == (mtrr_address_bits(width) & ~(block - 1)));  // contiguous
            REQUIRE(v.base_address(width) % block == 0);               // naturally aligned
            REQUIRE((v.physbase & ~mtrr_address_bits(width) & ~u64{0xFF}) == 0);
            REQUIRE((v.physmask & ~mtrr_address_bits(width) & ~u64{0x800}) == 0);
        }
        for (u32 i = p->used; i < 32; ++i) REQUIRE(p->settings.pairs[i] == variable_mtrr{});
        // Every page from 64 pages before to 64 pages after: WB exactly on the module's pages.
        const u64 from = base >= 64 * page ? base - 64 * page : 0;
        u64 wrong_pages = 0;
        for (u64 a = from; a < end + 64 * page; a += page) {
            const mtrr_lookup l = effective_mtrr_type(p->settings, a, maxphy);
            const model_result m = model_type(p->settings, a, maxphy);
            const bool good = l.known() && m.defined && l.type == m.type &&
                              l.is(mtrr_type::wb) == (a >= base && a < end) &&
                              // the last byte of each page agrees with its first
                              effective_mtrr_type(p->settings, a + page - 1, maxphy).type == l.type;
            wrong_pages += good ? 0 : 1;
        }
        REQUIRE(wrong_pages == 0);
        // No overlaps among the planned ranges, nothing undefined, MMIO UC unless the ACM sits on it.
        const auto f = check_saved_mtrrs(p->settings, vcnt, width, txt_mmio_uc_regions(0xFEC00000, 0xE0000000));
        REQUIRE(count_rule(f, "TXT-U13") == 0);
        REQUIRE(count_rule(f, "TXT-U12") == 0);
        REQUIRE(count_rule(f, "TXT-U11") == 0);
        // Loading the plan over any previous state gives the plan.
        REQUIRE(apply_mtrr_writes(bios_like(), mtrr_load_writes(p->settings)).pairs[0] == p->settings.pairs[0]);
    }
    CHECK(plans > 400);
    CHECK(too_few > 10);
}

TEST_CASE("randomized MTRR states: effective type, walk pieces and the overlap rule", "[txt][mtrr][random]") {
    std::mt19937_64 rng(0x5EED1234ull);
    auto pick = [&](u64 lo, u64 hi) { return std::uniform_int_distribution<u64>(lo, hi)(rng); };
    const u8 types[] = {uc, wc, wt, wp, wb};
    constexpr u64 window = u64{16} << 20;  // all ranges inside the first 16 MiB
    int conflicts = 0, clean = 0;
    for (int iter = 0; iter < 300; ++iter) {
        mtrr_settings s;
        s.def_type = 0x800 | types[pick(0, 4)];
        s.vcnt = static_cast<u32>(pick(1, 8));
        const bool noncontiguous = pick(0, 7) == 0;
        for (u32 i = 0; i < s.vcnt; ++i) {
            if (pick(0, 5) == 0) continue;  // invalid pair
            const u64 shift = pick(12, 23);
            const u64 size = u64{1} << shift;
            const u64 base = (pick(0, window - 1) >> shift) << shift;
            // Types: mostly WB/UC/WT so that defined overlaps are common too.
            const u8 t = pick(0, 2) == 0 ? types[pick(0, 4)] : (pick(0, 1) ? wb : (pick(0, 1) ? uc : wt));
            s.pairs[i] = vmtrr(base, size, t, 36);
        }
        if (noncontiguous) {
            // A mask with a hole at bit 13..20: matches a lattice of pages.
            const u64 hole = u64{1} << pick(13, 20);
            s.pairs[0] = variable_mtrr{(pick(0, window - 1) & ~u64{0xFFF}) | wc,
                                       (mtrr_address_bits(36) & ~hole) | 0x800};
        }
        // Every page of the window against the model; remember whether any page is undefined.
        bool any_undefined = false;
        u64 mismatches = 0;
        for (u64 a = 0; a < window; a += page) {
            const mtrr_lookup l = effective_mtrr_type(s, a, 36);
            const model_result m = model_type(s, a, 36);
            if (m.defined != (l.source != mtrr_type_source::undefined) || (m.defined && l.type != m.type))
                ++mismatches;
            any_undefined = any_undefined || !m.defined;
        }
        REQUIRE(mismatches == 0);
        // The walk yields ascending, adjacent pieces of constant type (sampled inside each).
        u64 expect = 0x100000;
        int pieces = 0;
        walk_mtrr_types(s, range{0x100000, window - 0x100000}, 36, [&](const range& r, const mtrr_lookup& l) {
            REQUIRE(r.base == expect);
            REQUIRE(!r.empty());
            expect = r.end();
            ++pieces;
            for (u64 a : {r.base, r.base + (r.size / 2 & ~(page - 1)), r.end() - 1}) {
                const mtrr_lookup x = effective_mtrr_type(s, a, 36);
                REQUIRE(x.type == l.type);
                REQUIRE(x.source == l.source);
            }
            return true;
        });
        REQUIRE(expect == window);
        REQUIRE(pieces >= 1);
        // The overlap rule finds a conflict exactly when some page is undefined (when all masks
        // are contiguous; a non-contiguous one is reported by U12 and left out of U13).
        const auto f = check_saved_mtrrs(s, 8, 36, txt_uc_regions{});
        if (!noncontiguous) {
            REQUIRE((count_rule(f, "TXT-U13") > 0) == any_undefined);
            REQUIRE(count_rule(f, "TXT-U12") == 0);
            for (u32 k = 0; k < f.count; ++k) {
                // The reported address is undefined under the model.
                REQUIRE_FALSE(model_type(s, f.items[k].value, 36).defined);
            }
        } else if (s.pairs[0].valid()) {
            REQUIRE(count_rule(f, "TXT-U12") == 1);
        }
        (any_undefined ? conflicts : clean) += 1;
    }
    CHECK(conflicts > 30);
    CHECK(clean > 30);
}

TEST_CASE("every TXT-U rule reports its errc", "[txt][mtrr]") {
    struct expect {
        const char* rule;
        errc code;
    };
    const expect planner[] = {
        {"TXT-U1", errc::misaligned}, {"TXT-U2", errc::bad_argument}, {"TXT-U3", errc::out_of_bounds},
        {"TXT-U4", errc::bad_argument}, {"TXT-U5", errc::mtrr_vcnt_too_large}, {"TXT-U6", errc::out_of_bounds},
    };
    const slrt::error errors[] = {
        plan_acm_mtrrs(0x7F000010, page, cap8).err(),
        plan_acm_mtrrs(0x7F000000, 0, cap8).err(),
        plan_acm_mtrrs(0xFFFFF000, 2 * page, cap8).err(),
        plan_acm_mtrrs(0x7F000000, page, cap8, acm_mtrr_options{30, false}).err(),
        plan_acm_mtrrs(0x7F000000, page, 64).err(),
        plan_acm_mtrrs(0x7F001000, 3 * page, 1).err(),
    };
    for (std::size_t i = 0; i < 6; ++i) {
        INFO(planner[i].rule);
        CHECK(same(errors[i].rule, planner[i].rule));
        CHECK(errors[i].code == planner[i].code);
        CHECK(errors[i].entry_index == slrt::no_entry);
    }
    // Saved-state rules in one state.
    mtrr_settings s = bios_like();
    s.vcnt = 12;
    s.def_type = 0xC03;                                              // U10 (type 3), FE/E set
    s.pairs[4] = variable_mtrr{0x1000000 | wb | 0x100, 0x7FFFEFF800};  // U11 U12
    s.pairs[5] = vmtrr(0x40000000, 0x1000, wc, 39);                  // U13 (WC in WB)
    s.pairs[6] = vmtrr(0x50000000, 0x1000, 2, 39);                   // U10 (pair)
    const mtrr_uc_region lapic[] = {{"local APIC", range{0xFEE00000, 0x1000}}};
    s.pairs[7] = vmtrr(0xFEE00000, 0x1000, wb, 39);                  // U14
    const auto f = check_saved_mtrrs(s, mtrr_check_inputs{cap10, 39, lapic, 1});
    const expect checks[] = {
        {"TXT-U9", errc::mtrr_vcnt_too_large}, {"TXT-U10", errc::value_out_of_range},
        {"TXT-U11", errc::reserved_nonzero},   {"TXT-U12", errc::value_out_of_range},
        {"TXT-U13", errc::overlap},            {"TXT-U14", errc::launch_requirement},
    };
    for (const expect& w : checks) {
        INFO(w.rule);
        REQUIRE(find(f, w.rule));
        CHECK(find(f, w.rule)->code == w.code);
    }
    CHECK(find(f, "TXT-U12")->entry_index == 4);
    CHECK(find(f, "TXT-U13")->value == 0x40000000);
    CHECK(count_rule(f, "TXT-U10") == 2);
    // Linux comparison rules.
    mtrr_readback now;
    now.mtrrcap = 1;
    const slrt::mtrr_state saved = to_slrt(bios_like());
    const auto g = check_restored_mtrrs_linux(saved, 1, now);
    const expect linux_rules[] = {
        {"TXT-U15", errc::mtrr_vcnt_too_large}, {"TXT-U16", errc::launch_requirement},
        {"TXT-U17", errc::launch_requirement},  {"TXT-U18", errc::launch_requirement},
        {"TXT-U19", errc::launch_requirement},
    };
    for (const expect& w : linux_rules) {
        INFO(w.rule);
        REQUIRE(find(g, w.rule));
        CHECK(find(g, w.rule)->code == w.code);
    }
    CHECK(same(g.items[0].rule, "TXT-U15"));
    CHECK(same(g.items[g.count - 1].rule, "TXT-U19"));
    // from_slrt rules U7/U8 are checked in "saving through an injected MSR reader".
}
