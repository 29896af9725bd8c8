// DMA protection for TXT (dlh/txt/dma.hpp): PMR planning with both policies, check_pmrs under
// the SDG and the Linux rules (every rule TXT-D1..D19 with its errc, offset and entry), the DPR
// checks (TXT-D20..D25), and randomized memory maps whose plans are checked against a
// brute-force model of "which bytes are RAM, protected, or left to reserve".
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cstring>
#include <random>
#include <vector>

#include "dlh/txt/dma.hpp"

using namespace dlh;
using namespace dlh::txt;
using slrt::errc;

namespace {

constexpr u64 gib = u64{1} << 30;

constexpr bool same(const char* a, const char* b) {
    for (; *a && *a == *b; ++a, ++b) {
    }
    return *a == *b;
}

// The first finding of `rule`, or nullptr.
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

// ---------------------------------------------------------------------------------------------
// Compile-time tests

// A common server map: RAM 0-2 GiB and 4-8 GiB.
constexpr range two_plus_four[] = {{0, 2 * gib}, {4 * gib, 4 * gib}};
constexpr auto linux_example = plan_pmrs(two_plus_four, {}, pmr_policy::linux_compatible);
static_assert(linux_example.ok());
static_assert(linux_example->lo == range{0, 2 * gib});
static_assert(linux_example->hi == range{4 * gib, 4 * gib});
static_assert(linux_example->ram_end == 8 * gib);
static_assert(linux_example->unprotected_count == 0);
static_assert(check_pmrs(linux_example->lo, linux_example->hi, {}, linux_pmr_profile(linux_example->ram_end)).ok());

// A typical BIOS map: low RAM, holes, usable RAM, ACPI/reserved below 4 GiB, RAM above.
constexpr range typical_ram[] = {
    {0, 0x9F000},                          // 0 - 636 KiB
    {0x100000, 0x7FF00000 - 0x100000},     // 1 MiB - 0x7FF00000 (not 2 MiB aligned at the top)
    {0x80200000, 0x3FE00000},              // RAM after the ACPI region, up to 3 GiB
    {0x100000000, 0x80100000},             // 4 GiB - 0x1_8010_0000 (unaligned end)
};
constexpr range typical_reserved[] = {
    {0x9F000, 0x1000},            // EBDA: ends below 1 MiB, ignored by tboot
    {0xE0000, 0x20000},           // BIOS ROM: ends at 1 MiB, ignored
    {0x7FF00000, 0x300000},       // ACPI NVS at 0x7FF00000: stops tboot's low PMR
    {0xFEC00000, 0x1400000},      // MMIO up to 4 GiB
};
constexpr dma_region mle_low[] = {{"MLE", range{0x1000000, 0x800000}, true}};

constexpr auto typical_linux = plan_pmrs(typical_ram, mle_low, pmr_policy::linux_compatible, typical_reserved);
static_assert(typical_linux.ok());
static_assert(typical_linux->lo == range{0, 3 * gib});
static_assert(typical_linux->hi == range{4 * gib, 0x80200000});  // end of RAM 0x1_8010_0000 rounded up
constexpr auto typical_tboot = plan_pmrs(typical_ram, mle_low, pmr_policy::tboot, typical_reserved);
static_assert(typical_tboot.ok());
static_assert(typical_tboot->lo == range{0, 0x7FE00000});  // stops before the ACPI NVS region, rounded down
static_assert(typical_tboot->hi == range{0x100000000, 0x80000000});
static_assert(typical_tboot->unprotected_count == 3);
static_assert(typical_tboot->unprotected[0] == range{0x7FE00000, 0x100000});       // rounding of the low end
static_assert(typical_tboot->unprotected[1] == range{0x80200000, 0x3FE00000});      // RAM after the cut
static_assert(typical_tboot->unprotected[2] == range{0x180000000, 0x100000});      // rounding of the high end

// Plan failures, exact errc.
constexpr range straddle_ram[] = {{0, 6 * gib}};
static_assert(plan_pmrs(straddle_ram, {}, pmr_policy::tboot).err().code == errc::out_of_bounds);
static_assert(same(plan_pmrs(straddle_ram, {}, pmr_policy::tboot).err().rule, "TXT-D19"));
static_assert(plan_pmrs(straddle_ram, {}, pmr_policy::linux_compatible).ok());
constexpr range wrap_ram[] = {{0, gib}, {~u64{0} - 10, 100}};
static_assert(plan_pmrs(wrap_ram, {}).err().code == errc::address_wrap);
static_assert(plan_pmrs(wrap_ram, {}).err().entry_index == 1);
constexpr range high_only[] = {{4 * gib, gib}};
static_assert(plan_pmrs(high_only, {}).err().code == errc::not_found);
constexpr dma_region far_away[] = {{"event log", range{0x7FF80000, 0x10000}, false}};
static_assert(plan_pmrs(typical_ram, far_away, pmr_policy::tboot, typical_reserved).err().code == errc::out_of_bounds);
static_assert(same(plan_pmrs(typical_ram, far_away, pmr_policy::tboot, typical_reserved).err().field, "event log"));

// check_pmrs: a good Linux pair, then single faults.
constexpr range good_lo{0, 2 * gib}, good_hi{4 * gib, 4 * gib};
constexpr dma_region boot_params[] = {{"boot params", range{0x8C000, 0x1000}, true}};
static_assert(check_pmrs(good_lo, good_hi, boot_params, linux_pmr_profile(8 * gib)).ok());
static_assert(only(check_pmrs(range{0x100000, 2 * gib}, good_hi, {}, sdg_pmr_profile()), "TXT-D1"));
static_assert(find(check_pmrs(range{0x100000, 2 * gib}, good_hi, {}, sdg_pmr_profile()), "TXT-D1")->offset == 32);
static_assert(only(check_pmrs(good_lo, range{4 * gib, mib}, {}, sdg_pmr_profile()), "TXT-D2"));
static_assert(find(check_pmrs(good_lo, range{4 * gib, mib}, {}, sdg_pmr_profile()), "TXT-D2")->offset == 56);
static_assert(only(check_pmrs(range{0, 6 * gib}, {}, {}, sdg_pmr_profile()), "TXT-D4"));
static_assert(find(check_pmrs(good_lo, good_hi, boot_params, linux_pmr_profile(9 * gib)), "TXT-D9")->code ==
              errc::launch_requirement);

// DPR: 3 MiB below 0x78000000, locked (the healthy snapshot of the registers test).
constexpr u64 healthy_dpr = 0x78000031;
static_assert(dpr_protected_range(healthy_dpr) == range{0x77D00000, 0x300000});
static_assert(check_dpr(healthy_dpr, range{0x77F00000, 0xE0000}, range{0x77E00000, 0x40000}).ok());
static_assert(only(check_dpr(healthy_dpr & ~u64{1}, range{0x77F00000, 0xE0000}, range{0x77E00000, 0x40000}),
                   "TXT-D22"));

}  // namespace

// ---------------------------------------------------------------------------------------------

TEST_CASE("linux plan: lo from 0, hi from exactly 4 GiB, ends rounded as chosen", "[txt][dma]") {
    SECTION("RAM 0-2 GiB and 4-8 GiB") {
        const auto p = plan_pmrs(two_plus_four, {}, pmr_policy::linux_compatible);
        REQUIRE(p);
        CHECK(p->lo == range{0, 2 * gib});
        CHECK(p->hi == range{4 * gib, 4 * gib});
    }
    SECTION("typical map: reserved regions below 4 GiB are inside the low PMR, unaligned ends") {
        const auto& p = typical_linux;
        REQUIRE(p);
        // Highest RAM below 4 GiB ends at 3 GiB: lo covers everything below, ACPI regions included.
        CHECK(p->lo == range{0, 3 * gib});
        // RAM ends at 0x1_8010_0000: the high end is rounded UP (Linux compares the end of RAM).
        CHECK(p->hi == range{4 * gib, 0x80200000});
        CHECK(p->unprotected_count == 0);
        CHECK(check_pmrs(p->lo, p->hi, mle_low, linux_pmr_profile(p->ram_end)).ok());
    }
    SECTION("RAM straddling 4 GiB is split, RAM starting above 4 GiB still gets hi base 4 GiB") {
        const range ram[] = {{0, 3 * gib + 5 * mib}, {3 * gib + 100 * mib, 2 * gib}, {9 * gib, gib}};
        const auto p = plan_pmrs(ram, {}, pmr_policy::linux_compatible);
        REQUIRE(p);
        CHECK(p->lo == range{0, 4 * gib});
        CHECK(p->hi == range{4 * gib, 6 * gib});
        CHECK(p->ram_end == 10 * gib);
    }
    SECTION("low RAM end not aligned: the remainder is listed for reservation") {
        const range ram[] = {{0, gib + 3 * mib + 0x1000}};
        const auto p = plan_pmrs(ram, {}, pmr_policy::linux_compatible);
        REQUIRE(p);
        CHECK(p->lo == range{0, gib + 2 * mib});
        CHECK(p->hi.empty());
        REQUIRE(p->unprotected_count == 1);
        CHECK(p->unprotected[0] == range{gib + 2 * mib, mib + 0x1000});
    }
    SECTION("unsorted, overlapping, duplicate and empty entries") {
        const range ram[] = {{5 * gib, gib}, {0, gib}, {512 * mib, gib}, {0, gib}, {7 * gib, 0}, {4 * gib, gib}};
        const auto p = plan_pmrs(ram, {}, pmr_policy::linux_compatible);
        REQUIRE(p);
        CHECK(p->lo == range{0, gib + 512 * mib});
        CHECK(p->hi == range{4 * gib, 2 * gib});
        CHECK(p->unprotected_count == 0);
    }
    SECTION("RAM only below 2 MiB: the low PMR is empty and a required region is not covered") {
        const range ram[] = {{0, mib}};
        const dma_region req[] = {{"MLE", range{0x80000, 0x1000}, false}};
        auto p = plan_pmrs(ram, {}, pmr_policy::linux_compatible);
        REQUIRE(p);
        CHECK(p->lo == range{0, 0});
        auto q = plan_pmrs(ram, req, pmr_policy::linux_compatible);
        REQUIRE_FALSE(q);
        CHECK(q.err().code == errc::out_of_bounds);
        CHECK(same(q.err().rule, "TXT-D5"));
        CHECK(same(q.err().field, "MLE"));
        CHECK(q.err().entry_index == 0);
        CHECK(q.err().value == 0x80000);
    }
}

TEST_CASE("tboot plan: rounds down and stops before the first reserved region above 1 MiB", "[txt][dma]") {
    SECTION("typical map") {
        const auto& p = typical_tboot;
        REQUIRE(p);
        CHECK(p->lo == range{0, 0x7FE00000});
        CHECK(p->hi == range{4 * gib, 0x80000000});
        CHECK(p->unprotected[1].base == 0x80200000);
        CHECK(p->unprotected[1].end() == 3 * gib);
    }
    SECTION("lowest RAM not at 0: base rounded down") {
        const range ram[] = {{3 * mib, gib}};
        const auto p = plan_pmrs(ram, {}, pmr_policy::tboot);
        REQUIRE(p);
        CHECK(p->lo == range{2 * mib, gib});
        CHECK(p->unprotected_count == 1);
        CHECK(p->unprotected[0] == range{gib + 2 * mib, mib});
    }
    SECTION("without a reserved list tboot's plan reaches the highest low RAM") {
        const auto p = plan_pmrs(typical_ram, {}, pmr_policy::tboot);
        REQUIRE(p);
        CHECK(p->lo == range{0, 3 * gib});
    }
    SECTION("a reserved region that ends at 1 MiB or lies below the lowest RAM does not stop it") {
        const range ram[] = {{2 * mib, 4 * mib}, {8 * mib, 8 * mib}};
        const range rsv[] = {{0, 2 * mib}, {6 * mib, 2 * mib}};
        const auto p = plan_pmrs(ram, {}, pmr_policy::tboot, rsv);
        REQUIRE(p);
        CHECK(p->lo == range{2 * mib, 4 * mib});
        REQUIRE(p->unprotected_count == 1);
        CHECK(p->unprotected[0] == range{8 * mib, 8 * mib});
    }
    SECTION("no high RAM: the high PMR stays 0") {
        const range ram[] = {{0, gib}};
        const auto p = plan_pmrs(ram, {}, pmr_policy::tboot);
        REQUIRE(p);
        CHECK(p->hi == range{});
    }
    SECTION("the Linux rules reject a tboot plan whose low PMR starts above 0 and high PMR above 4 GiB") {
        const range ram[] = {{3 * mib, gib}, {5 * gib, gib}};
        const auto p = plan_pmrs(ram, {}, pmr_policy::tboot);
        REQUIRE(p);
        const auto f = check_pmrs(p->lo, p->hi, {}, linux_pmr_profile(p->ram_end));
        CHECK(find(f, "TXT-D7"));
        CHECK(find(f, "TXT-D8"));
    }
}

TEST_CASE("plan_pmrs errors: every map rule with its errc and index", "[txt][dma]") {
    SECTION("TXT-D15 too many ranges") {
        std::vector<range> many(pmr_max_map_ranges + 1, range{0, mib});
        const auto p = plan_pmrs(dma_list<range>(many.data(), many.size()), {});
        REQUIRE_FALSE(p);
        CHECK(p.err().code == errc::out_of_bounds);
        CHECK(same(p.err().rule, "TXT-D15"));
        CHECK(p.err().value == pmr_max_map_ranges + 1);
        const auto q = plan_pmrs(two_plus_four, {}, pmr_policy::tboot, dma_list<range>(many.data(), many.size()));
        REQUIRE_FALSE(q);
        CHECK(same(q.err().field, "reserved"));
        std::vector<range> exactly(pmr_max_map_ranges, range{0, mib});
        CHECK(plan_pmrs(dma_list<range>(exactly.data(), exactly.size()), {}));
    }
    SECTION("TXT-D16 wrap or beyond 2^52") {
        const range beyond[] = {{0, gib}, {pmr_physical_limit - mib, 2 * mib}};
        auto p = plan_pmrs(beyond, {});
        REQUIRE_FALSE(p);
        CHECK(p.err().code == errc::address_wrap);
        CHECK(same(p.err().rule, "TXT-D16"));
        CHECK(p.err().entry_index == 1);
        const range at_limit[] = {{0, gib}, {pmr_physical_limit - 2 * mib, 2 * mib}};
        p = plan_pmrs(at_limit, {});
        REQUIRE(p);
        CHECK(p->hi.end() == pmr_physical_limit);
        const range bad_rsv[] = {{~u64{0}, 2}};
        p = plan_pmrs(two_plus_four, {}, pmr_policy::tboot, bad_rsv);
        REQUIRE_FALSE(p);
        CHECK(same(p.err().field, "reserved"));
    }
    SECTION("TXT-D17 RAM overlapping a reserved range") {
        const range rsv[] = {{gib, mib}};
        const auto p = plan_pmrs(two_plus_four, {}, pmr_policy::linux_compatible, rsv);
        REQUIRE_FALSE(p);
        CHECK(p.err().code == errc::overlap);
        CHECK(same(p.err().rule, "TXT-D17"));
        CHECK(p.err().entry_index == 0);
    }
    SECTION("TXT-D18 no low RAM") {
        const range rsv[] = {{0x100000, 0x100000}};
        const range ram[] = {{0, 0x80000}, {0x200000, gib}};
        // tboot: the reserved region after the first RAM stops the low PMR at 1 MiB; the RAM before
        // it ends below 2 MiB, so the rounded low PMR is empty, which is not an error by itself.
        auto p = plan_pmrs(ram, {}, pmr_policy::tboot, rsv);
        REQUIRE(p);
        CHECK(p->lo == range{0, 0});
        p = plan_pmrs(high_only, {}, pmr_policy::tboot);
        REQUIRE_FALSE(p);
        CHECK(same(p.err().rule, "TXT-D18"));
        const range none[] = {{0, 0}};
        p = plan_pmrs(none, {});
        REQUIRE_FALSE(p);
        CHECK(p.err().code == errc::not_found);
    }
    SECTION("TXT-D19 straddling RAM (tboot only)") {
        const range ram[] = {{0, gib}, {3 * gib, 2 * gib}};
        const auto p = plan_pmrs(ram, {}, pmr_policy::tboot);
        REQUIRE_FALSE(p);
        CHECK(p.err().entry_index == 1);
        CHECK(p.err().value == 3 * gib);
        // Two entries that touch at 4 GiB do not straddle.
        const range touch[] = {{3 * gib, gib}, {4 * gib, gib}};
        CHECK(plan_pmrs(touch, {}, pmr_policy::tboot));
    }
    SECTION("TXT-D6 a required region that wraps") {
        const dma_region req[] = {{"SLRT", range{0x1000, 0x1000}, false}, {"bad", range{~u64{0}, 2}, false}};
        const auto p = plan_pmrs(two_plus_four, req);
        REQUIRE_FALSE(p);
        CHECK(p.err().code == errc::address_wrap);
        CHECK(same(p.err().rule, "TXT-D6"));
        CHECK(p.err().entry_index == 1);
    }
}

TEST_CASE("check_pmrs: SDG rules", "[txt][dma]") {
    const dma_region regions[] = {
        {"MLE", range{0x1000000, 0x2000000}, true},
        {"event log", range{5 * gib, 0x10000}, false},
        {"LCP PO", range{0x77F10000, 0x1000}, false},
    };
    SECTION("all covered (LCP PO in the DPR)") {
        const auto f = check_pmrs(range{0, gib}, good_hi, regions, sdg_pmr_profile(range{0x77D00000, 0x300000}));
        CHECK(f.ok());
    }
    SECTION("TXT-D5 names the region and says which PMR value is wrong") {
        const auto f = check_pmrs(range{0, gib}, range{4 * gib, gib}, regions, sdg_pmr_profile());
        REQUIRE(f.count == 2);
        CHECK(same(f.items[0].rule, "TXT-D5"));
        CHECK(same(f.items[0].field, "event log"));
        CHECK(f.items[0].entry_index == 1);
        CHECK(f.items[0].value == 5 * gib);
        CHECK(f.items[0].limit == 5 * gib);
        CHECK(std::strstr(f.items[0].message, "past the end of the high PMR"));
        CHECK(same(f.items[1].field, "LCP PO"));
        CHECK(f.items[1].entry_index == 2);
        CHECK(std::strstr(f.items[1].message, "past the end of the low PMR"));
        CHECK(f.items[1].limit == gib);
    }
    SECTION("messages for each place a region can fall") {
        const dma_region r1[] = {{"a", range{0x1000, 0x1000}, false}};
        CHECK(std::strstr(check_pmrs(range{}, good_hi, r1).items[0].message, "low PMR is empty"));
        CHECK(std::strstr(check_pmrs(range{2 * mib, gib}, good_hi, r1).items[0].message, "below the low PMR"));
        const dma_region r2[] = {{"b", range{4 * gib + 0x1000, 0x1000}, false}};
        CHECK(std::strstr(check_pmrs(good_lo, range{}, r2).items[0].message, "high PMR is empty"));
        CHECK(std::strstr(check_pmrs(good_lo, range{6 * gib, gib}, r2).items[0].message, "below the high PMR"));
    }
    SECTION("a region spanning lo and hi when they touch is covered; a gap is found") {
        const dma_region across[] = {{"x", range{4 * gib - mib, 2 * mib}, false}};
        CHECK(check_pmrs(range{0, 4 * gib}, good_hi, across).ok());
        const auto f = check_pmrs(range{0, 4 * gib - 2 * mib}, good_hi, across);
        REQUIRE(f.count == 1);
        CHECK(f.items[0].value == 4 * gib - mib);
    }
    SECTION("empty regions need nothing; boundaries at 0, 1 and the maximum") {
        const dma_region r[] = {{"empty", range{9 * gib, 0}, false}, {"last byte", range{gib - 1, 1}, false}};
        CHECK(check_pmrs(range{0, gib}, {}, r).ok());
        const dma_region r2[] = {{"first byte past", range{gib, 1}, false}};
        CHECK(only(check_pmrs(range{0, gib}, {}, r2), "TXT-D5"));
    }
    SECTION("TXT-D1..D4 with their offsets") {
        auto f = check_pmrs(range{1, 3}, range{4 * gib + 1, 1}, {});
        CHECK(count_rule(f, "TXT-D1") == 2);
        CHECK(count_rule(f, "TXT-D2") == 2);
        CHECK(find(f, "TXT-D1")->offset == 32);
        CHECK(find(f, "TXT-D2")->offset == 40);
        CHECK(f.items[2].offset == 48);
        CHECK(f.items[3].offset == 56);
        CHECK(find(f, "TXT-D1")->code == errc::misaligned);
        f = check_pmrs(range{0, 2 * mib}, range{~u64{0} - (2 * mib - 1) - 2 * mib, 4 * mib}, {});
        REQUIRE(only(f, "TXT-D3"));
        CHECK(f.items[0].code == errc::address_wrap);
        CHECK(f.items[0].offset == 56);
        f = check_pmrs(range{2 * gib, 4 * gib}, {}, {});
        REQUIRE(only(f, "TXT-D4"));
        CHECK(f.items[0].code == errc::out_of_bounds);
        CHECK(f.items[0].value == 6 * gib);
        CHECK(check_pmrs(range{0, 4 * gib}, {}, {}).ok());
        CHECK(check_pmrs(range{}, range{}, {}).ok());
    }
}

TEST_CASE("check_pmrs: Linux Secure Launch rules as the kernel tests them", "[txt][dma]") {
    const auto linux_rules = linux_pmr_profile(8 * gib);
    SECTION("TXT-D7 low PMR base not 0") {
        const auto f = check_pmrs(range{2 * mib, gib}, good_hi, {}, linux_rules);
        REQUIRE(only(f, "TXT-D7"));
        CHECK(f.items[0].offset == 32);
        CHECK(f.items[0].code == errc::launch_requirement);
    }
    SECTION("TXT-D8 high base not 4 GiB; D9 then not evaluated (the kernel stops)") {
        auto f = check_pmrs(good_lo, range{6 * gib, 2 * gib}, {}, linux_pmr_profile(9 * gib));
        REQUIRE(only(f, "TXT-D8"));
        CHECK(f.items[0].offset == 48);
        CHECK(f.items[0].value == 6 * gib);
        f = check_pmrs(good_lo, range{2 * gib, 2 * gib}, {}, linux_rules);
        CHECK(only(f, "TXT-D8"));
    }
    SECTION("TXT-D9 RAM above the high PMR; equal ends pass") {
        auto f = check_pmrs(good_lo, good_hi, {}, linux_pmr_profile(8 * gib + 0x1000));
        REQUIRE(only(f, "TXT-D9"));
        CHECK(f.items[0].offset == 56);
        CHECK(f.items[0].value == 8 * gib + 0x1000);
        CHECK(f.items[0].limit == 8 * gib);
        CHECK(check_pmrs(good_lo, good_hi, {}, linux_pmr_profile(8 * gib)).ok());
        CHECK(check_pmrs(good_lo, good_hi, {}, linux_pmr_profile(0)).ok());  // unknown: not evaluated
    }
    SECTION("TXT-D10 high PMR 0 with RAM above 4 GiB (the kernel does not notice)") {
        auto f = check_pmrs(good_lo, range{}, {}, linux_rules);
        REQUIRE(only(f, "TXT-D10"));
        CHECK(f.items[0].code == errc::out_of_bounds);
        CHECK(check_pmrs(good_lo, range{}, {}, linux_pmr_profile(4 * gib)).ok());
    }
    SECTION("TXT-D11 straddling 4 GiB, including a region ending exactly at 4 GiB") {
        const dma_region r[] = {{"setup_data", range{4 * gib - 0x1000, 0x2000}, false},
                                {"ends at 4 GiB", range{4 * gib - 0x1000, 0x1000}, false}};
        const auto f = check_pmrs(range{0, 4 * gib}, good_hi, r, linux_rules);
        // Both also hit the final test, end >= lo_size (4 GiB): D11, D14 for each, in order.
        REQUIRE(f.count == 4);
        CHECK(count_rule(f, "TXT-D11") == 2);
        CHECK(count_rule(f, "TXT-D14") == 2);
        CHECK(same(f.items[0].rule, "TXT-D11"));
        CHECK(f.items[0].entry_index == 0);
        CHECK(std::strstr(f.items[0].message, "exactly at 4 GiB") == nullptr);
        CHECK(same(f.items[2].rule, "TXT-D11"));
        CHECK(f.items[2].entry_index == 1);
        CHECK(std::strstr(f.items[2].message, "exactly at 4 GiB"));
        // The SDG rules find nothing wrong with the second one.
        const dma_region r2[] = {r[1]};
        CHECK(check_pmrs(range{0, 4 * gib}, good_hi, r2, sdg_pmr_profile()).ok());
    }
    SECTION("TXT-D12 a low-only region above 4 GiB") {
        const dma_region r[] = {{"boot params", range{5 * gib, 0x1000}, true}};
        const auto f = check_pmrs(good_lo, good_hi, r, linux_rules);
        CHECK(find(f, "TXT-D12"));
        CHECK(find(f, "TXT-D12")->code == errc::launch_requirement);
        CHECK(find(f, "TXT-D13") == nullptr);
    }
    SECTION("TXT-D13 beyond the high PMR, and the off-by-one at its end") {
        const dma_region r[] = {{"event log", range{8 * gib - 0x1000, 0x2000}, false},
                                {"at the end", range{8 * gib - 0x1000, 0x1000}, false}};
        const auto f = check_pmrs(good_lo, good_hi, r, linux_rules);
        CHECK(count_rule(f, "TXT-D13") == 2);
        CHECK(find(f, "TXT-D13")->limit == 8 * gib);
    }
    SECTION("TXT-D14 the final test rejects every region above 4 GiB (documented choice: as written)") {
        const dma_region r[] = {{"event log", range{5 * gib, 0x10000}, false}};
        const auto f = check_pmrs(good_lo, good_hi, r, linux_rules);
        REQUIRE(only(f, "TXT-D14"));
        CHECK(std::strstr(f.items[0].message, "every region above 4 GiB"));
        CHECK(f.items[0].value == 5 * gib + 0x10000);
        CHECK(f.items[0].limit == 2 * gib);
        // ... while the SDG rules accept it.
        CHECK(check_pmrs(good_lo, good_hi, r, sdg_pmr_profile()).ok());
    }
    SECTION("TXT-D14 the off-by-one at the end of the low PMR, and a zero-size region") {
        const dma_region r[] = {{"AP wake block", range{2 * gib - 0x1000, 0x1000}, true}};
        auto f = check_pmrs(good_lo, good_hi, r, linux_rules);
        REQUIRE(only(f, "TXT-D14"));
        CHECK(std::strstr(f.items[0].message, "exactly at the end of the low PMR"));
        const dma_region r0[] = {{"zero", range{2 * gib, 0}, true}};
        CHECK(only(check_pmrs(good_lo, good_hi, r0, linux_rules), "TXT-D14"));
        const dma_region ok[] = {{"below", range{2 * gib - 0x2000, 0x1000}, true}};
        CHECK(check_pmrs(good_lo, good_hi, ok, linux_rules).ok());
    }
    SECTION("TXT-D6 under the Linux rules, and the findings capacity") {
        const dma_region r[] = {{"bad", range{~u64{0}, 2}, false}};
        CHECK(only(check_pmrs(good_lo, good_hi, r, linux_rules), "TXT-D6"));
        std::vector<dma_region> many(40, dma_region{"high", range{5 * gib, 1}, true});
        const auto f = check_pmrs(good_lo, good_hi, dma_list<dma_region>(many.data(), many.size()), linux_rules);
        CHECK(f.count == slrt::findings::capacity);
        CHECK(f.dropped == 2 * 40 - slrt::findings::capacity);
        CHECK_FALSE(f.ok());
    }
}

TEST_CASE("DPR decoding and check_dpr", "[txt][dma]") {
    const range heap{0x77F00000, 0xE0000}, sinit{0x77E00000, 0x40000};
    SECTION("decode: TOP from bits 31:20, SIZE MiB from bits 11:4, LOCK bit 0") {
        CHECK(dpr_protected_range(0x78000031) == range{0x77D00000, 3 * mib});
        CHECK(dpr_protected_range(0x780000F0) == range{0x78000000 - 15 * mib, 15 * mib});
        CHECK(dpr_protected_range(0x78000FF1) == range{0x78000000 - 255 * mib, 255 * mib});
        CHECK(dpr_protected_range(0x7800000F).empty());  // SIZE 0 (reserved bits 3:1 ignored)
        CHECK(dpr_protected_range(0x000FFFF1).empty());  // TOP 0 with a size: would start below 0
        CHECK(dpr_protected_range(0xFFFFFFFFFFFFFFFF) == range{0xFFF00000 - 255 * mib, 255 * mib});
    }
    SECTION("TXT-D20 size 0, TXT-D21 size above top") {
        auto f = check_dpr(0x78000001, heap, sinit);
        REQUIRE(only(f, "TXT-D20"));
        CHECK(f.items[0].code == errc::not_found);
        CHECK(f.items[0].offset == 0x330);
        f = check_dpr(0x00200041, heap, sinit);
        REQUIRE(only(f, "TXT-D21"));
        CHECK(f.items[0].code == errc::address_wrap);
        CHECK(f.items[0].value == 4 * mib);
        CHECK(f.items[0].limit == 2 * mib);
    }
    SECTION("TXT-D23 heap and TXT-D24 SINIT outside, by one byte") {
        auto f = check_dpr(healthy_dpr, range{0x77F00000, 0x100001}, sinit);
        REQUIRE(only(f, "TXT-D23"));
        CHECK(f.items[0].code == errc::out_of_bounds);
        f = check_dpr(healthy_dpr, heap, range{0x77CFF000, 0x2000});
        REQUIRE(only(f, "TXT-D24"));
        CHECK(check_dpr(healthy_dpr, range{0x77D00000, 3 * mib}, range{}).ok());
    }
    SECTION("TXT-D25 the MLE may sit in the DPR but must not overlap the heap or SINIT") {
        CHECK(check_dpr(healthy_dpr, heap, sinit, range{0x77D00000, 0x100000}).ok());
        const auto f = check_dpr(healthy_dpr, heap, sinit, range{0x77D00000, 0x200000 + 0x1000});
        REQUIRE(only(f, "TXT-D25"));
        CHECK(f.items[0].code == errc::overlap);
        CHECK(count_rule(check_dpr(healthy_dpr, heap, sinit, range{0x77E00000, 0x200000}), "TXT-D25") == 2);
    }
}

// ---------------------------------------------------------------------------------------------
// Randomized maps against a brute-force model.

namespace {

// Every address where membership in any of these ranges can change.
void add_points(std::vector<u64>& p, const range& r) {
    if (r.empty()) return;
    p.push_back(r.base);
    p.push_back(r.end());
}

bool in_any(const std::vector<range>& rs, u64 a) {
    for (const range& r : rs)
        if (!r.empty() && r.contains(a)) return true;
    return false;
}

// `r` lies inside the union of `cover` (checked at every boundary inside r).
bool covered_by(const range& r, const std::vector<range>& cover) {
    if (r.empty()) return true;
    std::vector<u64> pts{r.base};
    for (const range& c : cover) {
        if (c.empty()) continue;
        if (c.base > r.base && c.base < r.end()) pts.push_back(c.base);
        if (c.end() > r.base && c.end() < r.end()) pts.push_back(c.end());
    }
    for (u64 a : pts)
        if (!in_any(cover, a)) return false;
    return true;
}

struct random_map {
    std::vector<range> ram, reserved;
    std::vector<dma_region> required;
};

random_map make_map(std::mt19937_64& rng) {
    random_map m;
    auto pick = [&](u64 lo, u64 hi) { return std::uniform_int_distribution<u64>(lo, hi)(rng); };
    // Address units: 1 MiB, 64 KiB or 4 KiB, so that ends are often unaligned to 2 MiB.
    const u64 unit = std::array<u64, 3>{mib, 0x10000, 0x1000}[pick(0, 2)];
    const u64 top = pick(1, 16) * gib;
    // Walk upwards laying RAM and reserved pieces with holes, sometimes crossing 4 GiB.
    u64 at = pick(0, 3) == 0 ? pick(0, 64) * unit : 0;
    const std::size_t pieces = pick(1, 24);
    for (std::size_t i = 0; i < pieces && at < top; ++i) {
        const u64 len = pick(1, 2048) * unit * (pick(0, 3) == 0 ? 64 : 1);
        const u64 kind = pick(0, 9);
        if (kind < 6) m.ram.push_back(range{at, len});
        else if (kind < 9) m.reserved.push_back(range{at, len});
        at += len;
        if (pick(0, 2) == 0) at += pick(0, 256) * unit;  // a hole
    }
    if (m.ram.empty()) m.ram.push_back(range{at, pick(1, 1024) * unit});
    // Occasionally split or duplicate RAM entries (overlaps are allowed, with RAM only).
    if (pick(0, 3) == 0) {
        const range r = m.ram[pick(0, m.ram.size() - 1)];
        m.ram.push_back(range{r.base, r.size / 2 + 1});
    }
    std::shuffle(m.ram.begin(), m.ram.end(), rng);
    std::shuffle(m.reserved.begin(), m.reserved.end(), rng);
    // Required regions: mostly inside some RAM, sometimes anywhere.
    const std::size_t nreq = pick(0, 5);
    static const char* names[] = {"MLE", "page tables", "SLRT", "event log", "boot params", "LCP PO"};
    for (std::size_t i = 0; i < nreq; ++i) {
        range r;
        if (pick(0, 4) != 0) {
            const range& in = m.ram[pick(0, m.ram.size() - 1)];
            const u64 off = pick(0, in.size - 1);
            r = range{in.base + off, pick(1, in.size - off)};
        } else {
            r = range{pick(0, top), pick(0, 64) * unit};
        }
        m.required.push_back(dma_region{names[i], r, pick(0, 1) == 0});
    }
    return m;
}

void check_plan_invariants(const random_map& m, pmr_policy policy, const pmr_plan& p) {
    const u64 g = pmr_granularity - 1;
    // Alignment and placement.
    REQUIRE((p.lo.base & g) == 0);
    REQUIRE((p.lo.size & g) == 0);
    REQUIRE((p.hi.base & g) == 0);
    REQUIRE((p.hi.size & g) == 0);
    REQUIRE(p.lo.end() <= four_gib);
    REQUIRE((p.hi.empty() || p.hi.base >= four_gib));
    u64 ram_end = 0, low_end = 0;
    for (const range& r : m.ram) ram_end = std::max(ram_end, r.end());
    for (const range& r : m.ram)
        if (!r.empty() && r.base < four_gib) low_end = std::max(low_end, std::min(r.end(), four_gib));
    REQUIRE(p.ram_end == ram_end);
    if (policy == pmr_policy::linux_compatible) {
        REQUIRE(p.lo.base == 0);
        REQUIRE(p.lo.end() <= low_end);
        REQUIRE(low_end - p.lo.end() <= g);
        if (ram_end > four_gib) {
            REQUIRE(p.hi.base == four_gib);
            REQUIRE(p.hi.end() >= ram_end);
            REQUIRE(p.hi.end() - ram_end <= g);
        } else {
            REQUIRE(p.hi.empty());
        }
        // The kernel's own PMR tests pass.
        REQUIRE(check_pmrs(p.lo, p.hi, {}, linux_pmr_profile(p.ram_end)).ok());
    } else {
        // Nothing the low PMR covers lies in a reserved region ending above 1 MiB that comes
        // after the lowest RAM, and the low PMR ends at most 2 MiB - 1 short of the low RAM it
        // planned for.
        u64 first_ram = ~u64{0};
        for (const range& r : m.ram)
            if (!r.empty()) first_ram = std::min(first_ram, r.base);
        u64 cut = ~u64{0};
        for (const range& r : m.reserved)
            if (!r.empty() && r.end() > mib && r.base >= first_ram) cut = std::min(cut, r.base);
        REQUIRE(p.lo.end() <= cut);
        u64 max_lo = 0, min_lo = ~u64{0};
        for (const range& r : m.ram)
            if (!r.empty() && r.base < four_gib && r.base < cut) {
                max_lo = std::max(max_lo, r.end());
                min_lo = std::min(min_lo, r.base);
            }
        REQUIRE(p.lo.base == (min_lo & ~g));
        REQUIRE(max_lo - p.lo.end() <= g);
    }
    // Partition: at every boundary, an address is RAM and outside the PMRs exactly when it is
    // listed as unprotected; the list is sorted and disjoint.
    std::vector<range> unprot(p.begin(), p.end());
    for (std::size_t i = 1; i < unprot.size(); ++i) REQUIRE(unprot[i - 1].end() <= unprot[i].base);
    for (const range& u : unprot) REQUIRE_FALSE(u.empty());
    std::vector<u64> pts{0, four_gib};
    for (const range& r : m.ram) add_points(pts, r);
    for (const range& r : unprot) add_points(pts, r);
    add_points(pts, p.lo);
    add_points(pts, p.hi);
    const std::vector<range> pmrs{p.lo, p.hi};
    for (u64 a : pts) {
        const bool is_ram = in_any(m.ram, a);
        const bool protected_ = in_any(pmrs, a);
        REQUIRE(in_any(unprot, a) == (is_ram && !protected_));
    }
}

}  // namespace

TEST_CASE("randomized memory maps: plans keep every invariant", "[txt][dma][random]") {
    std::mt19937_64 rng(0x7D7A5EEDull);
    int plans = 0, coverage_failures = 0, map_failures = 0;
    for (int iter = 0; iter < 600; ++iter) {
        const random_map m = make_map(rng);
        for (pmr_policy policy : {pmr_policy::linux_compatible, pmr_policy::tboot}) {
            const dma_list<range> ram(m.ram.data(), m.ram.size());
            const dma_list<range> rsv(m.reserved.data(), m.reserved.size());
            const dma_list<dma_region> req(m.required.data(), m.required.size());
            const auto bare = plan_pmrs(ram, {}, policy, rsv);
            const auto full = plan_pmrs(ram, req, policy, rsv);
            if (!bare) {
                // Only the map rules can fail without required regions, and then with them too.
                ++map_failures;
                INFO(bare.err().rule);
                REQUIRE_FALSE(full);
                REQUIRE(full.err().code == bare.err().code);
                const bool tboot_straddle = policy == pmr_policy::tboot && same(bare.err().rule, "TXT-D19");
                const bool no_low = same(bare.err().rule, "TXT-D18");
                REQUIRE((tboot_straddle || no_low));
                continue;
            }
            check_plan_invariants(m, policy, *bare);
            ++plans;
            // The plan succeeds with the required regions exactly when the PMRs cover them all,
            // and then the SDG rules agree; otherwise the error names the first uncovered one.
            const std::vector<range> pmrs{bare->lo, bare->hi};
            std::size_t first_bad = m.required.size();
            for (std::size_t i = 0; i < m.required.size() && first_bad == m.required.size(); ++i)
                if (!covered_by(m.required[i].region, pmrs)) first_bad = i;
            const auto sdg = check_pmrs(bare->lo, bare->hi, req, sdg_pmr_profile());
            if (first_bad == m.required.size()) {
                REQUIRE(full);
                REQUIRE(full->lo == bare->lo);
                REQUIRE(full->hi == bare->hi);
                REQUIRE(sdg.ok());
            } else {
                ++coverage_failures;
                REQUIRE_FALSE(full);
                REQUIRE(same(full.err().rule, "TXT-D5"));
                REQUIRE(full.err().entry_index == first_bad);
                REQUIRE(same(full.err().field, m.required[first_bad].name));
                // The reported byte is inside the region and outside both PMRs.
                REQUIRE(m.required[first_bad].region.contains(full.err().value));
                REQUIRE_FALSE(in_any(pmrs, full.err().value));
                REQUIRE(find(sdg, "TXT-D5"));
                for (u32 k = 0; k < sdg.count; ++k)
                    REQUIRE_FALSE(covered_by(m.required[sdg.items[k].entry_index].region, pmrs));
            }
            // Under the Linux rules, a region the kernel accepts lies inside [0, lo size): the
            // kernel's tests are stricter than coverage.
            const auto lx = check_pmrs(bare->lo, bare->hi, req, linux_pmr_profile(bare->ram_end));
            for (std::size_t i = 0; i < m.required.size(); ++i) {
                bool flagged = false;
                for (u32 k = 0; k < lx.count; ++k) flagged = flagged || lx.items[k].entry_index == i;
                if (!flagged && policy == pmr_policy::linux_compatible)
                    REQUIRE(m.required[i].region.end() < bare->lo.size);
            }
        }
    }
    CHECK(plans > 800);
    CHECK(coverage_failures > 50);
    CHECK(map_failures > 0);
}

TEST_CASE("every TXT-D rule reports its errc and offset", "[txt][dma]") {
    struct expect {
        const char* rule;
        errc code;
        u32 offset;
    };
    const dma_region high_low_only[] = {{"boot params", range{5 * gib, 0x1000}, true}};
    const dma_region straddle[] = {{"cmdline", range{4 * gib - 0x1000, 0x2000}, false}};
    const dma_region beyond_hi[] = {{"event log", range{8 * gib - 0x1000, 0x2000}, false}};
    const slrt::findings all[] = {
        check_pmrs(range{mib, 3 * mib}, range{}, {}),                                 // D1 D2
        check_pmrs(range{0, 2 * mib}, range{~u64{0} - 4 * mib + 1, 4 * mib}, {}),     // D3
        check_pmrs(range{2 * gib, 4 * gib}, {}, {}),                                  // D4
        check_pmrs(range{2 * mib, gib}, range{6 * gib, gib}, {}, linux_pmr_profile()),  // D7 D8
        check_pmrs(good_lo, good_hi, {}, linux_pmr_profile(9 * gib)),                 // D9
        check_pmrs(good_lo, range{}, {}, linux_pmr_profile(9 * gib)),                 // D10
        check_pmrs(range{0, 4 * gib}, good_hi, straddle, linux_pmr_profile()),        // D11 D14
        check_pmrs(good_lo, good_hi, high_low_only, linux_pmr_profile()),             // D12 D14
        check_pmrs(good_lo, good_hi, beyond_hi, linux_pmr_profile()),                 // D13 D14
        check_dpr(0x78000001, range{}, range{}),                                      // D20
        check_dpr(0x00200040, range{}, range{}),                                      // D21 D22
        check_dpr(healthy_dpr, range{0x1000, 1}, range{0x2000, 1}, range{0, 0x3000}),  // D23 D24 D25
    };
    const expect want[] = {
        {"TXT-D1", errc::misaligned, 32},          {"TXT-D2", errc::misaligned, 40},
        {"TXT-D3", errc::address_wrap, 56},        {"TXT-D4", errc::out_of_bounds, 40},
        {"TXT-D7", errc::launch_requirement, 32},  {"TXT-D8", errc::launch_requirement, 48},
        {"TXT-D9", errc::launch_requirement, 56},  {"TXT-D10", errc::out_of_bounds, 48},
        {"TXT-D11", errc::launch_requirement, 0},  {"TXT-D12", errc::launch_requirement, 0},
        {"TXT-D13", errc::launch_requirement, 0},  {"TXT-D14", errc::launch_requirement, 0},
        {"TXT-D20", errc::not_found, 0x330},       {"TXT-D21", errc::address_wrap, 0x330},
        {"TXT-D22", errc::launch_requirement, 0x330}, {"TXT-D23", errc::out_of_bounds, 0x330},
        {"TXT-D24", errc::out_of_bounds, 0x330},   {"TXT-D25", errc::overlap, 0x330},
    };
    for (const expect& w : want) {
        INFO(w.rule);
        const slrt::error* e = nullptr;
        for (const slrt::findings& f : all)
            if (!e) e = find(f, w.rule);
        REQUIRE(e != nullptr);
        CHECK(e->code == w.code);
        CHECK(e->offset == w.offset);
        CHECK(e->message[0] != '\0');
        char line[256];
        CHECK(slrt::format_error(*e, line, sizeof line) > 0);
        CHECK(std::strstr(line, w.rule) == line);
    }
    // The planner's own rules (D5, D6, D15..D19) are checked in "plan_pmrs errors".
}
