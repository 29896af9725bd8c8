// SPDX-License-Identifier: MIT
// DMA protection around a TXT launch: the VT-d protected memory regions (PMRs) that a launcher
// asks SINIT to program through OsSinitData (vtd_pmr_lo_base/size @32/@40, vtd_pmr_hi_base/size
// @48/@56), planned from the memory map and checked against what must be protected; and the DMA
// protected range (DPR) that covers the TXT heap and the SINIT region.
//
// Sources: Intel TXT Software Development Guide 315168-013 (SDG) 1.11.1 (DPR), 1.11.2 (PMRs),
// Table C-4 (OsSinitData); tboot e820.c get_ram_ranges and txt.c set_vtd_pmrs (the tboot plan);
// TrenchBoot GRUB txt.c (2 MiB rounding, low PMR from address 0); Linux Secure Launch
// sl_main.c sl_check_pmr_coverage and slaunch.c slaunch_verify_pmrs (the Linux rules).
// spec/txt/dma.md describes every rule TXT-D<n> and every choice made here.
//
// Everything is a pure constexpr function over values: the caller reads the memory map, the
// OsSinitData fields and TXT.DPR, and passes them in.
#pragma once

#include <cstddef>

#include "dlh/base.hpp"
#include "dlh/range.hpp"
#include "dlh/txt/registers.hpp"
#include "slrt/consumers.hpp"
#include "slrt/error.hpp"

namespace dlh::txt {

// PMR bases are 2 MiB aligned and sizes 2 MiB granular (SDG 1.11.2; GRUB GRUB_TXT_PMR_ALIGN,
// tboot's ~0x1FFFFF masks).
inline constexpr u64 pmr_granularity = u64{1} << 21;
// The planner holds at most this many RAM ranges and this many reserved ranges.
inline constexpr std::size_t pmr_max_map_ranges = 128;
// No physical address reaches 2^52 (the architectural MAXPHYADDR limit); memory-map ranges
// ending above it are refused, so rounding up to 2 MiB never overflows.
inline constexpr u64 pmr_physical_limit = u64{1} << 52;

// Offsets of the four PMR fields in OsSinitData (SDG Table C-4, all versions): the byte offset
// every PMR finding reports.
namespace pmr_field_offset {
inline constexpr u32 lo_base = 32;
inline constexpr u32 lo_size = 40;
inline constexpr u32 hi_base = 48;
inline constexpr u32 hi_size = 56;
}  // namespace pmr_field_offset

// A read-only list the caller owns: a C array or a pointer and a count.
template <class T>
class dma_list {
public:
    constexpr dma_list() = default;
    constexpr dma_list(const T* items, std::size_t count) : items_(items), count_(count) {}
    template <std::size_t N>
    constexpr dma_list(const T (&items)[N]) : items_(items), count_(N) {}

    constexpr const T* begin() const { return items_; }
    constexpr const T* end() const { return items_ + count_; }
    constexpr std::size_t size() const { return count_; }
    constexpr const T& operator[](std::size_t i) const { return items_[i]; }

private:
    const T* items_ = nullptr;
    std::size_t count_ = 0;
};

// A region that must be DMA protected: the MLE, the MLE page tables, the SLRT, the event log,
// the boot parameters, the LCP PO data... `name` (a static string) names it in findings.
// Linux checks some regions with allow_hi = false (the boot parameters page, the regions its
// early stub checks): those must lie below 4 GiB, inside the low PMR.
struct dma_region {
    const char* name = "";
    range region{};
    bool below_4gib_only = false;
};

// ---------------------------------------------------------------------------------------------
// Planning

// The two policies seen in the wild.
enum class pmr_policy : u8 {
    // TrenchBoot GRUB, shaped to what Linux Secure Launch checks after the launch: low PMR
    // [0, highest RAM below 4 GiB rounded down to 2 MiB); high PMR, when RAM exists above 4 GiB,
    // [4 GiB, end of RAM rounded UP to 2 MiB). GRUB rounds the high end down; rounding up is the
    // choice here because Linux resets (SL_ERROR_HI_PMR_SIZE) when the end of RAM lies above the
    // high PMR, and the bytes between the end of RAM and the next 2 MiB boundary are not RAM.
    linux_compatible,
    // tboot set_vtd_pmrs: low PMR from the lowest RAM to the highest RAM below 4 GiB that comes
    // before the first reserved region ending above 1 MiB (firmware keeps legacy USB buffers in
    // such regions, and protecting them can hang SMM); high PMR from the lowest to the highest RAM
    // above 4 GiB. Bases and sizes are rounded down; a RAM range straddling 4 GiB is refused.
    tboot,
};

constexpr const char* name(pmr_policy p) {
    switch (p) {
        case pmr_policy::linux_compatible: return "linux";
        case pmr_policy::tboot: return "tboot";
    }
    return "linux";
}

struct pmr_plan {
    pmr_policy policy = pmr_policy::linux_compatible;
    range lo{};       // OsSinitData.vtd_pmr_lo_base / vtd_pmr_lo_size
    range hi{};       // OsSinitData.vtd_pmr_hi_base / vtd_pmr_hi_size; empty when there is no high RAM
    u64 ram_end = 0;  // one past the highest RAM byte (what Linux calls the end of RAM)
    // RAM that neither PMR covers, ascending and disjoint: the launcher must mark it reserved in
    // the memory map it hands to the MLE (tboot reserve_dma_protected_delta_mem), or the kernel
    // could place DMA-reachable data there before it enables remapping.
    range unprotected[pmr_max_map_ranges + 2]{};
    std::size_t unprotected_count = 0;

    constexpr const range* begin() const { return unprotected; }
    constexpr const range* end() const { return unprotected + unprotected_count; }
};

namespace dma_detail {

constexpr u64 round_down(u64 v) { return v & ~(pmr_granularity - 1); }
// Precondition: v <= pmr_physical_limit.
constexpr u64 round_up(u64 v) { return (v + (pmr_granularity - 1)) & ~(pmr_granularity - 1); }

struct range_set {
    range items[pmr_max_map_ranges + 2]{};
    std::size_t count = 0;

    // Insert keeping the items sorted by base (stable for equal bases).
    constexpr void insert(const range& r) {
        std::size_t i = count++;
        while (i > 0 && items[i - 1].base > r.base) {
            items[i] = items[i - 1];
            --i;
        }
        items[i] = r;
    }
};

// Sorted input with overlapping or touching ranges merged, then split at 4 GiB.
constexpr range_set normalize(const range_set& in) {
    range_set merged;
    for (std::size_t i = 0; i < in.count; ++i) {
        const range& r = in.items[i];
        if (merged.count > 0) {
            range& last = merged.items[merged.count - 1];
            if (r.base <= last.end()) {
                if (r.end() > last.end()) last.size = r.end() - last.base;
                continue;
            }
        }
        merged.items[merged.count++] = r;
    }
    range_set out;
    for (std::size_t i = 0; i < merged.count; ++i) {
        const range& r = merged.items[i];
        if (r.base < four_gib && r.end() > four_gib) {
            out.items[out.count++] = range{r.base, four_gib - r.base};
            out.items[out.count++] = range{four_gib, r.end() - four_gib};
        } else {
            out.items[out.count++] = r;
        }
    }
    return out;
}

// The first byte of `r` (valid, non-empty) that none of the valid ranges a, b, c contains, or
// r.end() when they cover all of it.
constexpr u64 first_uncovered(const range& r, const range& a, const range& b, const range& c) {
    const range* cover[3] = {&a, &b, &c};
    u64 pos = r.base;
    while (pos < r.end()) {
        bool advanced = false;
        for (const range* p : cover) {
            if (p->valid() && !p->empty() && p->contains(pos)) {
                pos = p->end();
                advanced = true;
            }
        }
        if (!advanced) return pos;
    }
    return r.end();
}

// Why the byte at `at` is outside the PMRs, as a message and the PMR bound it was compared with.
struct uncovered_reason {
    const char* message;
    u64 limit;
};
constexpr uncovered_reason explain_uncovered(u64 at, const range& lo, const range& hi) {
    if (at < four_gib) {
        if (lo.empty()) return {"region lies below 4 GiB but the low PMR is empty (vtd_pmr_lo_size 0)", 0};
        if (at < lo.base) return {"region starts below the low PMR (vtd_pmr_lo_base too high)", lo.base};
        return {"region runs past the end of the low PMR (vtd_pmr_lo_base + vtd_pmr_lo_size too small)",
                lo.valid() ? lo.end() : ~u64{0}};
    }
    if (hi.empty()) return {"region lies above 4 GiB but the high PMR is empty (vtd_pmr_hi_size 0)", 0};
    if (at < hi.base) return {"region lies below the high PMR (vtd_pmr_hi_base too high)", hi.base};
    return {"region runs past the end of the high PMR (vtd_pmr_hi_base + vtd_pmr_hi_size too small)",
            hi.valid() ? hi.end() : ~u64{0}};
}

constexpr slrt::error make_error(slrt::errc code, u32 offset, u32 index, const char* field, const char* rule,
                                 const char* message, u64 value, u64 limit) {
    return slrt::error{code, offset, index, field, rule, message, value, limit};
}

// TXT-D6 / TXT-D5 for one required region against lo, hi and (optionally) a DPR range.
constexpr slrt::error check_region_covered(const dma_region& d, u32 index, const range& lo, const range& hi,
                                           const range& dpr) {
    if (!d.region.valid())
        return make_error(slrt::errc::address_wrap, 0, index, d.name, "TXT-D6",
                          "region base + size does not fit in 64 bits", d.region.base, d.region.size);
    if (d.region.empty()) return {};
    const u64 at = first_uncovered(d.region, lo, hi, dpr);
    if (at == d.region.end()) return {};
    const uncovered_reason why = explain_uncovered(at, lo, hi);
    return make_error(slrt::errc::out_of_bounds, 0, index, d.name, "TXT-D5", why.message, at, why.limit);
}

// Subtract `cut` from every piece of `pieces` (at most 3 pieces in, 3 out).
constexpr void subtract(range (&pieces)[3], std::size_t& n, const range& cut) {
    if (cut.empty()) return;
    range out[3]{};
    std::size_t m = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const range& p = pieces[i];
        if (!p.overlaps(cut)) {
            if (m < 3) out[m++] = p;
            continue;
        }
        if (p.base < cut.base && m < 3) out[m++] = range{p.base, cut.base - p.base};
        if (p.end() > cut.end() && m < 3) out[m++] = range{cut.end(), p.end() - cut.end()};
    }
    for (std::size_t i = 0; i < m; ++i) pieces[i] = out[i];
    n = m;
}

}  // namespace dma_detail

// Plans the two PMRs for `ram` (the RAM ranges of the memory map: any order, overlaps allowed,
// empty ranges ignored) so that every region in `required` is covered, and lists the RAM left
// outside them. `reserved` (the non-RAM ranges of the map) is used by the tboot policy only;
// without it the tboot plan cannot see reserved regions and its low PMR reaches the highest RAM
// below 4 GiB. Errors: TXT-D15..D19 (the map), TXT-D6/TXT-D5 (a required region; entry_index
// is its index in `required`, field its name). After planning, check_pmrs(plan.lo, plan.hi,
// required, linux_pmr_profile(plan.ram_end)) applies the kernel's own tests.
constexpr slrt::result<pmr_plan> plan_pmrs(dma_list<range> ram, dma_list<dma_region> required,
                                          pmr_policy policy = pmr_policy::linux_compatible,
                                          dma_list<range> reserved = {}) {
    using dma_detail::make_error;
    using dma_detail::round_down;
    constexpr u64 one_mib = u64{1} << 20;

    if (ram.size() > pmr_max_map_ranges)
        return make_error(errc::out_of_bounds, 0, slrt::no_entry, "ram", "TXT-D15",
                          "more RAM ranges than the PMR planner holds", ram.size(), pmr_max_map_ranges);
    if (reserved.size() > pmr_max_map_ranges)
        return make_error(errc::out_of_bounds, 0, slrt::no_entry, "reserved", "TXT-D15",
                          "more reserved ranges than the PMR planner holds", reserved.size(), pmr_max_map_ranges);

    dma_detail::range_set rams;
    dma_detail::range_set rsvs;
    for (std::size_t i = 0; i < ram.size(); ++i) {
        const range& r = ram[i];
        if (!r.valid() || r.end() > pmr_physical_limit)
            return make_error(errc::address_wrap, 0, static_cast<u32>(i), "ram", "TXT-D16",
                              "RAM range wraps or ends above the 52-bit physical address space", r.base, r.size);
        if (policy == pmr_policy::tboot && r.base < four_gib && r.end() > four_gib)
            return make_error(errc::out_of_bounds, 0, static_cast<u32>(i), "ram", "TXT-D19",
                              "tboot plan: a RAM range straddles 4 GiB (tboot refuses such maps)", r.base,
                              four_gib);
        if (!r.empty()) rams.insert(r);
    }
    for (std::size_t i = 0; i < reserved.size(); ++i) {
        const range& r = reserved[i];
        if (!r.valid() || r.end() > pmr_physical_limit)
            return make_error(errc::address_wrap, 0, static_cast<u32>(i), "reserved", "TXT-D16",
                              "reserved range wraps or ends above the 52-bit physical address space", r.base,
                              r.size);
        if (!r.empty()) rsvs.insert(r);
    }
    for (std::size_t i = 0; i < ram.size(); ++i)
        for (std::size_t j = 0; j < reserved.size(); ++j)
            if (ram[i].overlaps(reserved[j]))
                return make_error(errc::overlap, 0, static_cast<u32>(i), "ram", "TXT-D17",
                                  "a RAM range overlaps a reserved range of the memory map", ram[i].base,
                                  reserved[j].base);

    const dma_detail::range_set map = dma_detail::normalize(rams);
    pmr_plan plan;
    plan.policy = policy;
    for (std::size_t i = 0; i < map.count; ++i)
        if (map.items[i].end() > plan.ram_end) plan.ram_end = map.items[i].end();

    if (policy == pmr_policy::linux_compatible) {
        u64 lo_end = 0;
        bool low_ram = false;
        for (std::size_t i = 0; i < map.count; ++i) {
            const range& r = map.items[i];
            if (r.base >= four_gib) continue;
            low_ram = true;
            if (r.end() > lo_end) lo_end = r.end();  // normalize() split at 4 GiB: r.end() <= 4 GiB
        }
        if (!low_ram)
            return make_error(errc::not_found, 0, slrt::no_entry, "ram", "TXT-D18",
                              "no RAM below 4 GiB: the low PMR (and the MLE) need some", 0, four_gib);
        plan.lo = range{0, round_down(lo_end)};
        if (plan.ram_end > four_gib) plan.hi = range{four_gib, dma_detail::round_up(plan.ram_end) - four_gib};
    } else {
        // The first reserved region ending above 1 MiB after the lowest RAM stops the low PMR.
        u64 cut = ~u64{0};
        if (map.count > 0)
            for (std::size_t i = 0; i < rsvs.count; ++i) {
                const range& r = rsvs.items[i];
                if (r.end() > one_mib && r.base >= map.items[0].base && r.base < cut) cut = r.base;
            }
        u64 min_lo = ~u64{0}, max_lo = 0, min_hi = ~u64{0}, max_hi = 0;
        for (std::size_t i = 0; i < map.count; ++i) {
            const range& r = map.items[i];
            if (r.base < four_gib) {
                if (r.base >= cut) continue;  // tboot discards it (and reserves it in the map)
                if (r.base < min_lo) min_lo = r.base;
                if (r.end() > max_lo) max_lo = r.end();
            } else {
                if (r.base < min_hi) min_hi = r.base;
                if (r.end() > max_hi) max_hi = r.end();
            }
        }
        if (min_lo >= max_lo)
            return make_error(errc::not_found, 0, slrt::no_entry, "ram", "TXT-D18",
                              "no RAM below 4 GiB before the first reserved region above 1 MiB", 0, cut);
        plan.lo.base = round_down(min_lo);
        plan.lo.size = round_down(max_lo - plan.lo.base);
        if (min_hi < max_hi) {
            plan.hi.base = round_down(min_hi);
            plan.hi.size = round_down(max_hi - plan.hi.base);
        }
    }

    // RAM outside both PMRs, ascending.
    for (std::size_t i = 0; i < map.count; ++i) {
        range pieces[3] = {map.items[i], {}, {}};
        std::size_t n = 1;
        dma_detail::subtract(pieces, n, plan.lo);
        dma_detail::subtract(pieces, n, plan.hi);
        // At most one piece per merged RAM range: the low PMR starts at or below the lowest RAM
        // and the high PMR at 4 GiB or below the lowest high RAM, so neither splits a range.
        for (std::size_t k = 0; k < n && plan.unprotected_count < pmr_max_map_ranges + 2; ++k) {
            std::size_t at = plan.unprotected_count++;
            while (at > 0 && plan.unprotected[at - 1].base > pieces[k].base) {
                plan.unprotected[at] = plan.unprotected[at - 1];
                --at;
            }
            plan.unprotected[at] = pieces[k];
        }
    }

    for (std::size_t i = 0; i < required.size(); ++i) {
        const slrt::error e =
            dma_detail::check_region_covered(required[i], static_cast<u32>(i), plan.lo, plan.hi, range{});
        if (e) return e;
    }
    return plan;
}

// ---------------------------------------------------------------------------------------------
// Checking PMR values

enum class pmr_rules : u8 {
    // SDG 1.11.2: alignment, the low PMR below 4 GiB, every required region inside the low PMR,
    // the high PMR or the DPR.
    sdg,
    // What the Linux Secure Launch kernel tests after the launch, as written (sl_main.c
    // sl_check_pmr_coverage, sl_stub.S, slaunch.c slaunch_verify_pmrs), plus the SDG alignment
    // rules SINIT enforces. A region passes only if the kernel would not reset.
    linux_secure_launch,
};

struct pmr_profile {
    pmr_rules rules = pmr_rules::sdg;
    u64 ram_end = 0;  // one past the highest RAM byte; 0 = unknown (TXT-D9/D10 not evaluated)
    range dpr{};      // sdg rules: a region inside the DPR needs no PMR (SDG 1.11.1)
};

constexpr pmr_profile sdg_pmr_profile(const range& dpr = {}) { return pmr_profile{pmr_rules::sdg, 0, dpr}; }
constexpr pmr_profile linux_pmr_profile(u64 ram_end = 0) {
    return pmr_profile{pmr_rules::linux_secure_launch, ram_end, {}};
}

// Everything wrong with the PMR values `lo` and `hi` (as in OsSinitData) for the regions in
// `required`: every rule is evaluated and every failure listed (the kernel stops at its first).
// Offsets are those of the OsSinitData fields (32, 40, 48, 56); region findings carry the
// region's index in `required` and its name, so a finding says which region a PMR value fails.
//
// The Linux final test: sl_check_pmr_coverage ends with `if (end >= vtd_pmr_lo_size) reset`.
// It relies on the low PMR starting at 0, rejects a region that ends exactly at the end of the
// low PMR (off by one) and, as written, also rejects every region above 4 GiB even when the high
// PMR covers it and even though the same function accepted it a few lines earlier. The Linux
// rules here reproduce that behaviour (TXT-D14, with a message that says which case it is),
// because what a launcher needs to know is whether the kernel will reset. Use the sdg rules to
// ask whether a region is actually protected.
constexpr slrt::findings check_pmrs(const range& lo, const range& hi, dma_list<dma_region> required,
                                    const pmr_profile& profile = {}) {
    using dma_detail::make_error;
    namespace off = pmr_field_offset;
    slrt::findings out;
    constexpr u64 g = pmr_granularity - 1;

    struct pmr_fields {
        const range& r;
        u32 base_offset, size_offset;
        const char* base_name;
        const char* size_name;
    };
    const pmr_fields both[2] = {
        {lo, off::lo_base, off::lo_size, "os_sinit_data.vtd_pmr_lo_base", "os_sinit_data.vtd_pmr_lo_size"},
        {hi, off::hi_base, off::hi_size, "os_sinit_data.vtd_pmr_hi_base", "os_sinit_data.vtd_pmr_hi_size"},
    };
    for (const pmr_fields& p : both) {
        if ((p.r.base & g) != 0)
            out.add(make_error(errc::misaligned, p.base_offset, slrt::no_entry, p.base_name, "TXT-D1",
                               "PMR base is not 2 MiB aligned", p.r.base, pmr_granularity));
        if ((p.r.size & g) != 0)
            out.add(make_error(errc::misaligned, p.size_offset, slrt::no_entry, p.size_name, "TXT-D2",
                               "PMR size is not a multiple of 2 MiB", p.r.size, pmr_granularity));
        if (!p.r.valid())
            out.add(make_error(errc::address_wrap, p.size_offset, slrt::no_entry, p.size_name, "TXT-D3",
                               "PMR base + size does not fit in 64 bits", p.r.base, p.r.size));
    }
    if (lo.valid() && !lo.empty() && !lo.below(four_gib))
        out.add(make_error(errc::out_of_bounds, off::lo_size, slrt::no_entry, "os_sinit_data.vtd_pmr_lo_size",
                           "TXT-D4", "the low PMR must end at or below 4 GiB", lo.end(), four_gib));

    if (profile.rules == pmr_rules::sdg) {
        for (std::size_t i = 0; i < required.size(); ++i) {
            const slrt::error e =
                dma_detail::check_region_covered(required[i], static_cast<u32>(i), lo, hi, profile.dpr);
            if (e) out.add(e);
        }
        return out;
    }

    // Linux: early stub, then the late stub's PMR tests.
    if (lo.base != 0)
        out.add(make_error(errc::launch_requirement, off::lo_base, slrt::no_entry, "os_sinit_data.vtd_pmr_lo_base",
                           "TXT-D7", "Linux requires the low PMR to start at 0 (SL_ERROR_LO_PMR_BASE)", lo.base, 0));
    const u64 hi_end = hi.valid() ? hi.end() : ~u64{0};
    if (hi.base != 0 && hi.base != four_gib)
        out.add(make_error(errc::launch_requirement, off::hi_base, slrt::no_entry, "os_sinit_data.vtd_pmr_hi_base",
                           "TXT-D8", "Linux requires a high PMR to start at exactly 4 GiB (SL_ERROR_HI_PMR_BASE)",
                           hi.base, four_gib));
    else if (hi.base != 0 && profile.ram_end > hi_end)
        out.add(make_error(errc::launch_requirement, off::hi_size, slrt::no_entry, "os_sinit_data.vtd_pmr_hi_size",
                           "TXT-D9", "the end of RAM lies above the high PMR (SL_ERROR_HI_PMR_SIZE)",
                           profile.ram_end, hi_end));
    if (hi.base == 0 && profile.ram_end > four_gib)
        out.add(make_error(errc::out_of_bounds, off::hi_base, slrt::no_entry, "os_sinit_data.vtd_pmr_hi_base",
                           "TXT-D10",
                           "RAM extends above 4 GiB but the high PMR base is 0: Linux skips its high PMR test "
                           "and that RAM is open to DMA",
                           profile.ram_end, four_gib));

    // sl_check_pmr_coverage for each region, in the kernel's order of tests.
    for (std::size_t i = 0; i < required.size(); ++i) {
        const dma_region& d = required[i];
        const u32 index = static_cast<u32>(i);
        if (!d.region.valid()) {
            out.add(make_error(errc::address_wrap, 0, index, d.name, "TXT-D6",
                               "region base + size does not fit in 64 bits", d.region.base, d.region.size));
            continue;
        }
        const u64 base = d.region.base;
        const u64 end = d.region.end();
        if (end >= four_gib && base < four_gib)
            out.add(make_error(errc::launch_requirement, 0, index, d.name, "TXT-D11",
                               end == four_gib
                                   ? "Linux's straddle test (end >= 4 GiB) also rejects a region ending exactly at "
                                     "4 GiB (SL_ERROR_REGION_STRADDLE_4GB)"
                                   : "region straddles 4 GiB (SL_ERROR_REGION_STRADDLE_4GB)",
                               end, four_gib));
        if (end > four_gib && base >= four_gib) {
            if (d.below_4gib_only)
                out.add(make_error(errc::launch_requirement, 0, index, d.name, "TXT-D12",
                                   "Linux requires this region below 4 GiB (SL_ERROR_REGION_ABOVE_4GB)", base,
                                   four_gib));
            else if (end >= hi_end)
                out.add(make_error(errc::launch_requirement, 0, index, d.name, "TXT-D13",
                                   end == hi_end ? "Linux's test (end >= high PMR end) rejects a region ending exactly "
                                                   "at the end of the high PMR (SL_ERROR_BUFFER_BEYOND_PMR)"
                                                 : "region runs past the end of the high PMR "
                                                   "(SL_ERROR_BUFFER_BEYOND_PMR)",
                                   end, hi_end));
        }
        if (end >= lo.size)
            out.add(make_error(errc::launch_requirement, 0, index, d.name, "TXT-D14",
                               base >= four_gib ? "Linux's final test (end >= vtd_pmr_lo_size) rejects every region "
                                                  "above 4 GiB, even inside the high PMR (SL_ERROR_BUFFER_BEYOND_PMR)"
                               : end == lo.size ? "Linux's final test (end >= vtd_pmr_lo_size) rejects a region "
                                                  "ending exactly at the end of the low PMR "
                                                  "(SL_ERROR_BUFFER_BEYOND_PMR)"
                                                : "region runs past the end of the low PMR (vtd_pmr_lo_size) "
                                                  "(SL_ERROR_BUFFER_BEYOND_PMR)",
                               end, lo.size));
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// DPR (SDG 1.11.1, B.1.15). dpr_reg and decode_dpr (registers.hpp) decode the register: the
// protected range is [TOP - SIZE MiB, TOP) with TOP = value & 0xFFF00000, SIZE = bits 11:4.
// check_dpr applies, to values, the conditions check_registers applies to a register snapshot
// (TXT-R15..R19), so that a launcher can ask before it has a snapshot, plus the MLE rule.

// The DPR range of a TXT.DPR value; empty when SIZE is 0 or larger than TOP.
constexpr range dpr_protected_range(u64 dpr_raw) { return dpr_reg{dpr_raw}.protected_range(); }

// Findings for TXT.DPR = `dpr_raw`, the TXT heap and SINIT region (from TXT.HEAP.BASE/SIZE and
// TXT.SINIT.BASE/SIZE) and, optionally, the MLE: the MLE may live in the DPR but must not overlap
// the heap or the SINIT region. Offsets are the TXT.DPR register offset (0x330).
constexpr slrt::findings check_dpr(u64 dpr_raw, const range& heap, const range& sinit, const range& mle = {}) {
    using dma_detail::make_error;
    slrt::findings out;
    const dpr_reg d{dpr_raw};
    const u32 at = config_reg::dpr;
    bool usable = true;
    if (d.size_mib() == 0) {
        out.add(make_error(errc::not_found, at, slrt::no_entry, "TXT.DPR.SIZE", "TXT-D20",
                           "DPR size is 0: no DMA protected range covers the heap and the SINIT region", 0, 1));
        usable = false;
    } else if (d.size_bytes() > d.top()) {
        out.add(make_error(errc::address_wrap, at, slrt::no_entry, "TXT.DPR.SIZE", "TXT-D21",
                           "DPR size is larger than its top address: the range would start below 0",
                           d.size_bytes(), d.top()));
        usable = false;
    }
    if (!d.locked())
        out.add(make_error(errc::launch_requirement, at, slrt::no_entry, "TXT.DPR.LOCK", "TXT-D22",
                           "TXT.DPR is not locked: its range can still be changed", d.raw, 1));
    if (usable) {
        const range p = d.protected_range();
        if (!heap.empty() && !p.contains(heap))
            out.add(make_error(errc::out_of_bounds, at, slrt::no_entry, "TXT.HEAP", "TXT-D23",
                               "the TXT heap is not inside the DPR range", heap.base, p.base));
        if (!sinit.empty() && !p.contains(sinit))
            out.add(make_error(errc::out_of_bounds, at, slrt::no_entry, "TXT.SINIT", "TXT-D24",
                               "the SINIT region is not inside the DPR range", sinit.base, p.base));
    }
    if (!mle.empty()) {
        if (mle.overlaps(heap))
            out.add(make_error(errc::overlap, at, slrt::no_entry, "mle", "TXT-D25",
                               "the MLE overlaps the TXT heap", mle.base, heap.base));
        if (mle.overlaps(sinit))
            out.add(make_error(errc::overlap, at, slrt::no_entry, "mle", "TXT-D25",
                               "the MLE overlaps the SINIT region", mle.base, sinit.base));
    }
    return out;
}

}  // namespace dlh::txt
