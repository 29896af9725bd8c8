// SPDX-License-Identifier: MIT
// MLE page tables (Intel TXT SDG 315168-013 2.2.4.1, App. I class 0x10): the IA-32 PAE tables
// through which SINIT finds and measures the MLE. A builder that lays them out in caller memory,
// a walker that repeats SINIT's checks over physical memory, and the MLE measurement SINIT will
// take, predicted from the tables or from a flat MLE binary. spec/txt/mle.md, rules TXT-T<n>.
//
// Layout: OsSinitData.MLE PageTableBase is the physical address of a page directory pointer
// table (4 entries), whose entries point at page directories (512 entries), whose entries point
// at page tables (512 entries), whose entries point at the 4 KiB MLE pages. Entries are u64; the
// builder writes `physical address | Present` at every level, like tboot and TrenchBoot GRUB
// (PAE PDPTE bits 1-2 are reserved, so no R/W there).
#pragma once

#include <cstddef>
#include <type_traits>

#include "dlh/range.hpp"
#include "dlh/txt/mle_header.hpp"
#include "policy/digest.hpp"
#include "policy/memory.hpp"

namespace dlh::txt {

using slrt::digest;
using slrt::hash_alg;

inline constexpr u64 mle_page_size = 0x1000;
inline constexpr u32 mle_pae_entries = 512;  // per page directory and page table
inline constexpr u32 mle_pdpt_entries = 4;
// The largest MLE the builder and the walker accept: 1 GiB, what one page directory maps
// (TrenchBoot GRUB GRUB_TXT_MLE_MAX_SIZE). SINIT's own limit is not documented.
inline constexpr u64 mle_max_size = u64{1} << 30;
// Entries the walker reads at most: the PDPT, one page directory and 512 page tables, which is
// what a 1 GiB MLE mapped from linear address 0 needs.
inline constexpr u32 mle_walk_max_entries = mle_pdpt_entries + mle_pae_entries + mle_pae_entries * mle_pae_entries;

namespace mle_pte {
inline constexpr u64 present = 1;
inline constexpr u64 page_size = u64{1} << 7;        // PDE.PS: a 2 MiB page
inline constexpr u64 address = 0x000ffffffffff000;   // bits 51:12
// PAE PDPTE bits that must be 0: 2:1, 8:5 and 63:52 (Intel SDM Vol. 3 4.4.1, Table 4-8).
inline constexpr u64 pdpte_reserved = 0xfff0000000000000 | 0x1e6;
}  // namespace mle_pte

// ---------------------------------------------------------------------------
// Sizing

// The tables for an MLE of `mle_size` bytes whose first page has linear address
// `first_valid_page`: one PDPT, one page directory per 1 GiB the linear range touches, one page
// table per 2 MiB it touches. Counts are 0 when the request is invalid (size 0 or over 1 GiB,
// linear address not page aligned, or the range passes 4 GiB).
struct mle_ptab_size {
    u32 pd_count = 0;
    u32 pt_count = 0;
    constexpr bool valid() const { return pd_count != 0; }
    constexpr u32 pages() const { return valid() ? 1 + pd_count + pt_count : 0; }
    constexpr u64 bytes() const { return u64{pages()} << 12; }
    friend constexpr bool operator==(const mle_ptab_size&, const mle_ptab_size&) = default;
};

constexpr mle_ptab_size mle_page_table_size(u64 mle_size, u32 first_valid_page = 0) {
    if (mle_size == 0 || mle_size > mle_max_size || (first_valid_page & 0xfffu) != 0) return {};
    const u64 first = first_valid_page >> 12;
    const u64 pages = (mle_size + 0xfff) >> 12;
    const u64 last = first + pages - 1;
    if (last >= (u64{1} << 20)) return {};
    return mle_ptab_size{static_cast<u32>((last >> 18) - (first >> 18) + 1),
                         static_cast<u32>((last >> 9) - (first >> 9) + 1)};
}

// TrenchBoot GRUB's reservation for the same MLE (grub_txt_get_mle_ptab_size, linear address 0):
// ((size/4K + 2)/512 + 1) page tables + ((size/2M + 2)/512 + 1) directories + 1 PDPT, in bytes,
// before GRUB rounds it up to 2 MiB. Never smaller than mle_page_table_size(size).bytes().
constexpr u64 grub_mle_page_table_bytes(u64 mle_size) {
    return (((mle_size >> 12) + 2) / 512 + 1 + ((mle_size >> 21) + 2) / 512 + 1 + 1) << 12;
}

// ---------------------------------------------------------------------------
// Building

struct mle_ptab_request {
    u64 table_phys = 0;        // where the tables will live (4 KiB aligned)
    u64 mle_phys = 0;          // physical base of the MLE (contiguous, 4 KiB aligned)
    u64 mle_size = 0;          // bytes (OsSinitData.MleSize)
    u32 first_valid_page = 0;  // linear address of the first MLE page (the header's FirstValidPage)
};

struct mle_ptab_layout {
    u64 pdpt = 0;      // = table_phys: OsSinitData.MLE PageTableBase
    u64 first_pd = 0;  // page directories follow the PDPT
    u64 first_pt = 0;  // page tables follow the page directories
    mle_ptab_size size{};
    u32 mle_pages = 0;
    constexpr u64 table_bytes() const { return size.bytes(); }
    friend constexpr bool operator==(const mle_ptab_layout&, const mle_ptab_layout&) = default;
};

namespace mle_detail {
constexpr error tmake(errc code, u32 offset, u32 entry, const char* field, const char* rule, const char* message,
                      u64 value, u64 limit) {
    return error{code, offset, entry, field, rule, message, value, limit};
}
}  // namespace mle_detail

// Checks a request and computes where each table goes (TXT-T1..T5). The tables are one block:
// PDPT, then the page directories, then the page tables, so PDPT < PDs < PTs; the MLE must lie
// above the block, which gives PTs < MLE pages (SDG 2.2.4.1).
constexpr result<mle_ptab_layout> plan_mle_page_tables(const mle_ptab_request& r) {
    using mle_detail::tmake;
    if (r.mle_size == 0 || r.mle_size > mle_max_size)
        return tmake(errc::value_out_of_range, 0, no_entry, "mle_ptab.mle_size", "TXT-T1",
                     "the MLE size is 0 or above the 1 GiB the page tables map", r.mle_size, mle_max_size);
    if ((r.table_phys & 0xfff) != 0)
        return tmake(errc::misaligned, 0, no_entry, "mle_ptab.table_phys", "TXT-T2",
                     "the page tables start on a 4 KiB page", r.table_phys, mle_page_size);
    if ((r.mle_phys & 0xfff) != 0)
        return tmake(errc::misaligned, 0, no_entry, "mle_ptab.mle_phys", "TXT-T2",
                     "the MLE starts on a 4 KiB page", r.mle_phys, mle_page_size);
    if ((r.first_valid_page & 0xfffu) != 0)
        return tmake(errc::misaligned, 0, no_entry, "mle_ptab.first_valid_page", "TXT-T2",
                     "FirstValidPage is a 4 KiB page", r.first_valid_page, mle_page_size);
    const mle_ptab_size size = mle_page_table_size(r.mle_size, r.first_valid_page);
    if (!size.valid())
        return tmake(errc::address_wrap, 0, no_entry, "mle_ptab.first_valid_page", "TXT-T3",
                     "FirstValidPage + MLE size passes the 4 GiB linear address space", r.first_valid_page,
                     (u64{1} << 32) - r.mle_size);
    const range tables{r.table_phys, size.bytes()};
    const u64 mle_bytes = (r.mle_size + 0xfff) & ~u64{0xfff};
    const range mle{r.mle_phys, mle_bytes};
    if (!tables.valid() || !tables.below(four_gib))
        return tmake(errc::out_of_bounds, 0, no_entry, "mle_ptab.table_phys", "TXT-T4",
                     "the page tables lie below 4 GiB", r.table_phys, four_gib - size.bytes());
    if (!mle.valid() || !mle.below(four_gib))
        return tmake(errc::out_of_bounds, 0, no_entry, "mle_ptab.mle_phys", "TXT-T4", "the MLE lies below 4 GiB",
                     r.mle_phys, four_gib - mle_bytes);
    if (tables.end() > r.mle_phys)
        return tmake(errc::overlap, 0, no_entry, "mle_ptab.table_phys", "TXT-T5",
                     "the page tables must lie entirely below the MLE pages (SINIT error 0x10/4)", tables.end(),
                     r.mle_phys);
    mle_ptab_layout l;
    l.pdpt = r.table_phys;
    l.first_pd = r.table_phys + mle_page_size;
    l.first_pt = l.first_pd + (u64{size.pd_count} << 12);
    l.size = size;
    l.mle_pages = static_cast<u32>(mle_bytes >> 12);
    return l;
}

// Where to put the tables for an MLE at `mle_phys`: the highest address aligned to `alignment`
// (a power of two, at least 4 KiB; GRUB uses 2 MiB) whose block ends at or below the MLE.
constexpr result<u64> mle_page_tables_below(u64 mle_phys, u64 mle_size, u32 first_valid_page, u64 alignment) {
    using mle_detail::tmake;
    if (alignment < mle_page_size || (alignment & (alignment - 1)) != 0)
        return tmake(errc::bad_argument, 0, no_entry, "mle_ptab.alignment", "TXT-T8",
                     "the table alignment is a power of two of at least 4 KiB", alignment, mle_page_size);
    const mle_ptab_size size = mle_page_table_size(mle_size, first_valid_page);
    if (!size.valid())
        return tmake(errc::value_out_of_range, 0, no_entry, "mle_ptab.mle_size", "TXT-T1",
                     "the MLE size is 0 or above 1 GiB, or its linear range is invalid", mle_size, mle_max_size);
    if (mle_phys < size.bytes())
        return tmake(errc::out_of_bounds, 0, no_entry, "mle_ptab.mle_phys", "TXT-T4",
                     "there is no room for the page tables below the MLE", mle_phys, size.bytes());
    return (mle_phys - size.bytes()) & ~(alignment - 1);
}

// Writes the tables into `tables` (which will live at r.table_phys): all of the block is
// zeroed, then the entries mapping the MLE pages in order are written (TXT-T1..T6). On failure
// `tables` is unchanged.
constexpr result<mle_ptab_layout> build_mle_page_tables(mutable_byte_view tables, const mle_ptab_request& r) {
    const auto plan = plan_mle_page_tables(r);
    if (!plan) return plan;
    const mle_ptab_layout& l = *plan;
    if (tables.size() < l.table_bytes())
        return mle_detail::tmake(errc::buffer_too_small, 0, no_entry, "mle_ptab", "TXT-T6",
                                 "the buffer is smaller than the page tables", tables.size(), l.table_bytes());
    const std::size_t bytes = static_cast<std::size_t>(l.table_bytes());
    slrt::fill(tables, 0, bytes, 0);
    const u32 first = r.first_valid_page >> 12;
    const u32 first_pd = first >> 18, first_pt = first >> 9;
    for (u32 i = 0; i < l.size.pd_count; ++i)  // PDPT entries
        store_le(tables, 8 * ((first_pd + i) & 3u), 8, (l.first_pd + (u64{i} << 12)) | mle_pte::present);
    for (u32 i = 0; i < l.size.pt_count; ++i) {  // directory entries
        const u32 pt = first_pt + i;
        const std::size_t pd_page = 1 + ((pt >> 9) - first_pd);
        store_le(tables, (pd_page << 12) + 8 * (pt & 511u), 8, (l.first_pt + (u64{i} << 12)) | mle_pte::present);
    }
    for (u32 p = 0; p < l.mle_pages; ++p) {  // page-table entries
        const u32 linear_page = first + p;
        const std::size_t pt_page = 1 + l.size.pd_count + ((linear_page >> 9) - first_pt);
        store_le(tables, (pt_page << 12) + 8 * (linear_page & 511u), 8,
                 (r.mle_phys + (u64{p} << 12)) | mle_pte::present);
    }
    return l;
}

// ---------------------------------------------------------------------------
// Walking, as SINIT does

struct mle_walk_params {
    u64 pdpt = 0;              // OsSinitData.MLE PageTableBase
    u64 mle_size = 0;          // OsSinitData.MleSize
    u32 first_valid_page = 0;  // MLE header FirstValidPage
};

struct mle_walk {
    u32 page_count = 0;        // ceil(MleSize / 4 KiB)
    u32 first_valid_page = 0;  // linear address of the first present page (= params)
    u64 first_page = 0;        // physical address of the first MLE page
    u64 last_page = 0;         // physical address of the last MLE page
    bool contiguous = true;    // every MLE page directly follows the previous one
    u32 pd_count = 0;          // present PDPT entries
    u32 pt_count = 0;          // page tables visited
    u64 table_high = 0;        // highest table page (PDPT, PD or PT)
    u32 entries_read = 0;
    friend constexpr bool operator==(const mle_walk&, const mle_walk&) = default;
};

// Where a failed walk stopped (for diagnostics): the table being read, its level (0 PDPT,
// 1 page directory, 2 page table) and the linear address the entry maps.
struct mle_walk_stop {
    u64 table = 0;
    u8 level = 0;
    u32 linear = 0;
};

namespace mle_detail {
// An error at an entry. Offsets of walker errors are physical addresses of the entry at fault
// (tables lie below 4 GiB, which is checked before an entry is read); entry_index is the entry's
// index within its table.
constexpr error walk_error(errc code, u64 entry_phys, u32 index, const char* field, const char* rule,
                           const char* message, u64 value, u64 limit) {
    return error{code, static_cast<u32>(entry_phys & 0xffffffffu), index, field, rule, message, value, limit};
}

template <slrt::memory M>
constexpr result<u64> read_entry(const M& mem, u64 at, u32 index, const char* field) {
    u8 b[8]{};
    const status s = mem.read(at, mutable_byte_view(b, 8));
    if (!s)
        return walk_error(errc::memory_unmapped, at, index, field, "TXT-T9",
                          "a page-table entry is outside the memory that can be read", at, 8);
    return load_le(byte_view(b), 0, 8);
}

struct no_visit {
    constexpr status operator()(u32, u32, u64) const { return success; }
};
}  // namespace mle_detail

// Walks the tables from `p.pdpt` the way SINIT does and checks every rule of SDG 2.2.4.1
// (TXT-T1, T2, T4, T7..T18): 4 KiB pages only, MLE pages at strictly increasing physical
// addresses in linear order, PDPT < page directories < page tables < MLE pages, no not-present
// entry once the MLE has begun until MleSize is mapped (leading not-present entries are
// allowed), everything below 4 GiB, and the first present page at linear FirstValidPage.
//
// `on_page(index, linear, phys)` is called for each MLE page in linear order; an error it
// returns ends the walk. The walk reads each entry once, PDPT first (breadth-first at the top,
// then in linear order), stops as soon as MleSize is mapped, and reads at most
// mle_walk_max_entries entries (TXT-T18).
template <slrt::memory M, class OnPage>
    requires std::is_invocable_r_v<status, OnPage&, u32, u32, u64>
constexpr result<mle_walk> walk_mle_page_tables(const M& mem, const mle_walk_params& p, OnPage&& on_page,
                                                mle_walk_stop* stop = nullptr) {
    using mle_detail::walk_error;
    using mle_detail::tmake;
    if (p.mle_size == 0 || p.mle_size > mle_max_size)
        return tmake(errc::value_out_of_range, 0, no_entry, "os_sinit_data.mle_size", "TXT-T7",
                     "MleSize is 0 or above 1 GiB (SINIT error 0x10/5 for an invalid size)", p.mle_size,
                     mle_max_size);
    if ((p.pdpt & 0xfff) != 0)
        return tmake(errc::misaligned, 0, no_entry, "os_sinit_data.mle_ptab", "TXT-T2",
                     "the page directory pointer table is a 4 KiB page", p.pdpt, mle_page_size);
    if (p.pdpt >= four_gib)
        return tmake(errc::out_of_bounds, 0, no_entry, "os_sinit_data.mle_ptab", "TXT-T4",
                     "the page directory pointer table lies below 4 GiB", p.pdpt, four_gib);
    mle_walk w;
    const u32 target = static_cast<u32>((p.mle_size + 0xfff) >> 12);
    auto where = [&](u64 table, u8 level, u64 linear) {
        if (stop) *stop = mle_walk_stop{table, level, static_cast<u32>(linear & 0xffffffffu)};
    };
    auto budget = [&](u64 at, u32 index) -> status {
        if (w.entries_read >= mle_walk_max_entries)
            return walk_error(errc::chain_too_long, at, index, "mle_ptab", "TXT-T18",
                              "the walk needs more than the PDPT, one page directory and 512 page tables",
                              w.entries_read, mle_walk_max_entries);
        ++w.entries_read;
        return success;
    };
    // Level 0: all four PDPT entries first (breadth-first), so the highest page directory is
    // known before any page table is compared with it.
    u64 pd[mle_pdpt_entries]{};
    u64 max_pd = 0;
    w.table_high = p.pdpt;
    for (u32 i = 0; i < mle_pdpt_entries; ++i) {
        const u64 at = p.pdpt + 8 * i;
        where(p.pdpt, 0, u64{i} << 30);
        if (const status b = budget(at, i); !b) return b.err();
        const auto e = mle_detail::read_entry(mem, at, i, "mle_ptab.pdpte");
        if (!e) return e.err();
        if ((*e & mle_pte::present) == 0) continue;
        if ((*e & mle_pte::pdpte_reserved) != 0)
            return walk_error(errc::reserved_nonzero, at, i, "mle_ptab.pdpte", "TXT-T10",
                              "a present PDPT entry has reserved bits set (2:1, 8:5, 63:52)", *e,
                              *e & ~mle_pte::pdpte_reserved);
        const u64 phys = *e & mle_pte::address;
        if (phys >= four_gib)
            return walk_error(errc::out_of_bounds, at, i, "mle_ptab.pdpte", "TXT-T4",
                              "a page directory lies above 4 GiB", phys, four_gib);
        if (phys <= p.pdpt)
            return walk_error(errc::page_table_invalid, at, i, "mle_ptab.pdpte", "TXT-T12",
                              "a page directory lies below the PDPT (PDPT < PDs < PTs < MLE pages; SINIT 0x10/4)",
                              phys, p.pdpt);
        pd[i] = phys;
        ++w.pd_count;
        if (phys > max_pd) max_pd = phys;
    }
    if (max_pd > w.table_high) w.table_high = max_pd;
    bool started = false;
    u64 max_pt = 0, prev_page = 0;
    u32 pages = 0;
    for (u32 i = 0; i < mle_pdpt_entries; ++i) {
        const u64 pd_linear = u64{i} << 30;
        if (pd[i] == 0) {
            if (started) {
                where(p.pdpt, 0, pd_linear);
                return walk_error(errc::page_table_invalid, p.pdpt + 8 * i, i, "mle_ptab.pdpte", "TXT-T14",
                                  "a not-present PDPT entry inside the MLE (no holes once the MLE has begun)",
                                  pd_linear, pages);
            }
            continue;
        }
        for (u32 j = 0; j < mle_pae_entries; ++j) {
            const u64 at = pd[i] + 8 * j;
            const u64 pt_linear = pd_linear | (u64{j} << 21);
            where(pd[i], 1, pt_linear);
            if (const status b = budget(at, j); !b) return b.err();
            const auto e = mle_detail::read_entry(mem, at, j, "mle_ptab.pde");
            if (!e) return e.err();
            if ((*e & mle_pte::present) == 0) {
                if (started)
                    return walk_error(errc::page_table_invalid, at, j, "mle_ptab.pde", "TXT-T14",
                                      "a not-present page-directory entry inside the MLE (no holes)", pt_linear,
                                      pages);
                continue;
            }
            if ((*e & mle_pte::page_size) != 0)
                return walk_error(errc::page_table_invalid, at, j, "mle_ptab.pde", "TXT-T11",
                                  "a page-directory entry maps a 2 MiB page: only 4 KiB pages (SINIT 0x10/3)", *e,
                                  mle_pte::page_size);
            const u64 pt = *e & mle_pte::address;
            if (pt >= four_gib)
                return walk_error(errc::out_of_bounds, at, j, "mle_ptab.pde", "TXT-T4",
                                  "a page table lies above 4 GiB", pt, four_gib);
            if (pt <= max_pd)
                return walk_error(errc::page_table_invalid, at, j, "mle_ptab.pde", "TXT-T12",
                                  "a page table lies below a page directory (PDPT < PDs < PTs < MLE pages; "
                                  "SINIT 0x10/4)",
                                  pt, max_pd);
            if (started && pt >= w.first_page)
                return walk_error(errc::page_table_invalid, at, j, "mle_ptab.pde", "TXT-T12",
                                  "a page table lies above the first MLE page (PTs < MLE pages; SINIT 0x10/4)", pt,
                                  w.first_page);
            ++w.pt_count;
            if (pt > max_pt) max_pt = pt;
            if (pt > w.table_high) w.table_high = pt;
            for (u32 k = 0; k < mle_pae_entries; ++k) {
                const u64 pte_at = pt + 8 * k;
                const u64 linear = pt_linear | (u64{k} << 12);
                where(pt, 2, linear);
                if (const status b = budget(pte_at, k); !b) return b.err();
                const auto pe = mle_detail::read_entry(mem, pte_at, k, "mle_ptab.pte");
                if (!pe) return pe.err();
                if ((*pe & mle_pte::present) == 0) {
                    if (started)
                        return walk_error(errc::page_table_invalid, pte_at, k, "mle_ptab.pte", "TXT-T14",
                                          "a not-present page-table entry inside the MLE (no holes)", linear, pages);
                    continue;
                }
                const u64 page = *pe & mle_pte::address;
                if (page >= four_gib)
                    return walk_error(errc::out_of_bounds, pte_at, k, "mle_ptab.pte", "TXT-T4",
                                      "an MLE page lies above 4 GiB", page, four_gib);
                if (!started) {
                    if (linear != p.first_valid_page)
                        return walk_error(errc::page_table_invalid, pte_at, k, "mle_ptab.pte", "TXT-T15",
                                          "the first present page is not at linear FirstValidPage (SINIT 0xF/4)",
                                          linear, p.first_valid_page);
                    if (page <= max_pt)
                        return walk_error(errc::page_table_invalid, pte_at, k, "mle_ptab.pte", "TXT-T12",
                                          "the first MLE page lies below a page table (PTs < MLE pages; SINIT "
                                          "0x10/4)",
                                          page, max_pt);
                    started = true;
                    w.first_page = page;
                    w.first_valid_page = static_cast<u32>(linear);
                } else {
                    if (page <= prev_page)
                        return walk_error(errc::page_table_invalid, pte_at, k, "mle_ptab.pte", "TXT-T13",
                                          "MLE pages are not at strictly increasing physical addresses (SINIT "
                                          "0x10/2)",
                                          page, prev_page);
                    if (page != prev_page + mle_page_size) w.contiguous = false;
                }
                const status v = on_page(pages, static_cast<u32>(linear), page);
                if (!v) return v.err();
                prev_page = page;
                w.last_page = page;
                if (++pages == target) {
                    w.page_count = pages;
                    return w;
                }
            }
        }
    }
    where(p.pdpt, 0, 0);
    if (!started)
        return tmake(errc::not_found, static_cast<u32>(p.pdpt), no_entry, "mle_ptab", "TXT-T17",
                     "the page tables map no present page", 0, target);
    return tmake(errc::count_mismatch, static_cast<u32>(p.pdpt), no_entry, "os_sinit_data.mle_size", "TXT-T16",
                 "the page tables end (at 4 GiB linear) before MleSize is mapped (SINIT 0x10/5)", pages, target);
}

template <slrt::memory M>
constexpr result<mle_walk> walk_mle_page_tables(const M& mem, const mle_walk_params& p,
                                                mle_walk_stop* stop = nullptr) {
    return walk_mle_page_tables(mem, p, mle_detail::no_visit{}, stop);
}

// ---------------------------------------------------------------------------
// The MLE measurement

inline constexpr u32 mle_max_banks = 4;

namespace mle_detail {
constexpr status check_algs(const hash_alg* algs, u32 n) {
    if (n > mle_max_banks)
        return tmake(errc::bad_argument, 0, no_entry, "hash_alg", "TXT-T20",
                     "at most four algorithms are hashed in one pass", n, mle_max_banks);
    for (u32 i = 0; i < n; ++i)
        if (!slrt::hasher::is_supported(algs[i]))
            return tmake(errc::unknown_algorithm, 0, i, "hash_alg", "TXT-T19",
                         "the algorithm is not one of sha1, sha256, sha384, sha512", static_cast<u16>(algs[i]), 0);
    return success;
}

struct hasher_bank {
    slrt::hasher h[mle_max_banks];
    u32 n;
    constexpr hasher_bank(const hash_alg* algs, u32 count)
        : h{slrt::hasher(count > 0 ? algs[0] : hash_alg::sha1), slrt::hasher(count > 1 ? algs[1] : hash_alg::sha1),
            slrt::hasher(count > 2 ? algs[2] : hash_alg::sha1), slrt::hasher(count > 3 ? algs[3] : hash_alg::sha1)},
          n(count) {}
    constexpr void update(byte_view b) {
        for (u32 i = 0; i < n; ++i) h[i].update(b);
    }
    constexpr void finish(digest* out) {
        for (u32 i = 0; i < n; ++i) out[i] = h[i].finish();
    }
};
}  // namespace mle_detail

// The measurement SINIT takes (SDG 2.2.4.1, "Measurement"): OsSinitData.MleSize bytes read in
// linear-address order from FirstValidPage through the page tables, hashed with each of
// `algs[0..n)` (n <= 4) into `out[0..n)`. Walks with every rule of walk_mle_page_tables() and
// reads the MLE through `mem` (TXT-T9 when a page cannot be read).
//
// UNVERIFIED: that SINIT hashes exactly MleSize bytes from FirstValidPage is what the SDG's
// wording and its error codes ("invalid MLE (hashed) size", 0x10/5) imply, not something Intel
// documents byte for byte. Launchers set MleSize = MleEnd - MleStart and map MleStart at
// FirstValidPage, so for them this equals measure_mle_flat() of the MLE binary.
template <slrt::memory M>
constexpr result<mle_walk> predict_mle_measurement(const M& mem, const mle_walk_params& p, const hash_alg* algs,
                                                   u32 n, digest* out, mle_walk_stop* stop = nullptr) {
    if (const status a = mle_detail::check_algs(algs, n); !a) return a.err();
    mle_detail::hasher_bank bank(algs, n);
    u64 remaining = p.mle_size;
    auto visit = [&](u32, u32, u64 page) -> status {
        u8 chunk[256]{};
        const u64 take = remaining < mle_page_size ? remaining : mle_page_size;
        for (u64 done = 0; done < take; done += sizeof chunk) {
            const std::size_t len = static_cast<std::size_t>(take - done < sizeof chunk ? take - done : sizeof chunk);
            const status s = mem.read(page + done, mutable_byte_view(chunk, len));
            if (!s)
                return mle_detail::tmake(errc::memory_unmapped, static_cast<u32>(page & 0xffffffffu), no_entry,
                                         "mle_page", "TXT-T9", "an MLE page is outside the memory that can be read",
                                         page + done, len);
            bank.update(byte_view(chunk, len));
        }
        remaining -= take;
        return success;
    };
    const auto w = walk_mle_page_tables(mem, p, visit, stop);
    if (!w) return w;
    bank.finish(out);
    return w;
}

// What measurement tools compute (tboot's lcp_mlehash and the like): the bytes
// [MleStart, MleEnd) of the flat MLE binary (TXT-T19, T21, T22).
constexpr result<digest> measure_mle_flat(byte_view mle_binary, const mle_header& h, hash_alg alg) {
    using mle_detail::tmake;
    if (!h.has_extent())
        return tmake(errc::field_not_in_layout, mle_header_offset::version, no_entry, "mle_header.version", "TXT-T22",
                     "an MLE header before version 1.1 has no MleStart/MleEnd to measure", h.version,
                     mle_header_v1_1);
    if (h.mle_end < h.mle_start || h.mle_end > mle_binary.size())
        return tmake(errc::out_of_bounds, mle_header_offset::mle_end, no_entry, "mle_header.mle_end", "TXT-T21",
                     "[MleStart, MleEnd) is not a range inside the MLE binary", h.mle_end, mle_binary.size());
    if (!slrt::hasher::is_supported(alg))
        return tmake(errc::unknown_algorithm, 0, no_entry, "hash_alg", "TXT-T19",
                     "the algorithm is not one of sha1, sha256, sha384, sha512", static_cast<u16>(alg), 0);
    return slrt::hash(alg, mle_binary.subview(h.mle_start, h.mle_end - h.mle_start));
}

}  // namespace dlh::txt
