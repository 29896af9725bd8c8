// SPDX-License-Identifier: MIT
// The memory region descriptor table: the DLME data's protected-regions table and its address
// map (skinit-arm-tcg.md §B.7; DEN0113 §3.13 per [ACS] acs_drtm.h; [TFA] plat_drtm.h,
// drtm_svc.h, drtm_dma_prot.c, drtm_res_address_map.c; [ACS] dl005.c).
//
//   0x00 u16 revision (1)   0x02 u16 reserved   0x04 u32 num_regions
//   0x08 + 16 i: u64 region_address (4 KiB aligned), u64 size_type
//
// size_type: [51:0] number of 4 KiB pages, [54:52] region type, [56:55] cacheability (for
// type 1), [63:57] reserved. With complete DMA protection the protected-regions table is the
// one region {0, 2^52 - 1 pages, type 3} (size_type 0x003fffffffffffff).
//
// parse_memory_region_table() checks every region once and returns a view whose region(i)
// decodes from the caller's bytes again (they must not change; copy them first, as the DLME
// copies its data before it trusts it). Offsets in errors are relative to the table's bytes;
// dlme_data.hpp rebases them onto the DLME data.
//
// Rules (DEN0113 rule ids as [ACS] dl005.c cites them):
//   ARM-40 truncated_header     the 8-byte header does not fit
//   ARM-41 unsupported_version  revision is not 1 (R314100, R314110)
//   ARM-42 reserved_nonzero     the reserved u16 is not zero
//   ARM-43 not_found            num_regions is 0 (R314100, R314110)
//   ARM-44 count_mismatch       the table's size is not 8 + 16 * num_regions
//   ARM-45 misaligned           a region address is not 4 KiB aligned (R313010)
//   ARM-46 reserved_nonzero     size_type bits [63:57] are set
//   ARM-47 value_out_of_range   region type 5..7
//   ARM-48 address_wrap         address + pages * 4 KiB passes 2^64 - 1
//   ARM-49 value_out_of_range   regions not in ascending address order (R314120)
//   ARM-50 overlap              a region overlaps the one before it (R313020)
//   ARM-51 value_out_of_range   complete DMA protection, but the protected-regions table is not
//                               the single region {0, 2^52 - 1 pages, type 3} (R45160, TF-A)
//   ARM-52 buffer_too_small     the encoder's buffer is too small
#pragma once

#include <cstddef>

#include "dlh/arm/base.hpp"

namespace dlh::arm {

namespace wire {

struct memory_region_table_header {
    slrt::le_u16 revision;     // 0x00 1
    slrt::le_u16 reserved;     // 0x02 0
    slrt::le_u32 num_regions;  // 0x04
};
static_assert(sizeof(memory_region_table_header) == 8 && alignof(memory_region_table_header) == 1);
static_assert(offsetof(memory_region_table_header, revision) == 0x00);
static_assert(offsetof(memory_region_table_header, reserved) == 0x02);
static_assert(offsetof(memory_region_table_header, num_regions) == 0x04);

struct memory_region {
    slrt::le_u64 region_address;  // 0x00 4 KiB aligned
    slrt::le_u64 size_type;       // 0x08 pages, type, cacheability
};
static_assert(sizeof(memory_region) == 16 && alignof(memory_region) == 1);
static_assert(offsetof(memory_region, region_address) == 0x00);
static_assert(offsetof(memory_region, size_type) == 0x08);

}  // namespace wire

inline constexpr u32 memory_region_table_header_size = sizeof(wire::memory_region_table_header);  // 8
inline constexpr u32 memory_region_size = sizeof(wire::memory_region);                            // 16
inline constexpr u16 memory_region_table_revision = 1;

// Region types. Type 1 is "NCAR" in TF-A and "NORMAL_CACHEABLE" in ACS; 4 is a reserved-memory
// region (a type, not a reserved encoding); 5..7 are undefined.
enum class region_type : u8 { normal = 0, normal_cacheable = 1, device = 2, non_volatile = 3, reserved = 4 };
enum class cacheability : u8 { non_cacheable = 0, write_combine = 1, write_through = 2, write_back = 3 };

constexpr const char* name(region_type t) {
    switch (t) {
        case region_type::normal: return "normal";
        case region_type::normal_cacheable: return "normal_cacheable";
        case region_type::device: return "device";
        case region_type::non_volatile: return "non_volatile";
        case region_type::reserved: return "reserved";
    }
    return nullptr;
}
constexpr const char* name(cacheability c) {
    switch (c) {
        case cacheability::non_cacheable: return "non_cacheable";
        case cacheability::write_combine: return "write_combine";
        case cacheability::write_through: return "write_through";
        case cacheability::write_back: return "write_back";
    }
    return nullptr;
}

namespace size_type_field {
inline constexpr bit_field pages{"PAGES", 0, 52, false, "number of 4 KiB pages"};
inline constexpr bit_field type{"REGION_TYPE", 52, 3, false, "0 normal, 1 normal cacheable, 2 device, 3 NV, 4 reserved"};
inline constexpr bit_field cache{"CACHEABILITY", 55, 2, false, "0 NC, 1 WC, 2 WT, 3 WB (type 1)"};
}  // namespace size_type_field

inline constexpr bit_field size_type_fields[] = {size_type_field::pages, size_type_field::type, size_type_field::cache,
                                                 reserved_bits(57, 7)};
inline constexpr register_info size_type_info{"DRTM memory region size_type", 0x08, 64, size_type_fields,
                                              "skinit-arm-tcg.md B.7"};

inline constexpr u64 max_region_pages = (u64{1} << 52) - 1;
inline constexpr u64 complete_protection_size_type = 0x003fffffffffffffu;

struct memory_region {
    u64 address = 0;
    u64 size_type = 0;

    constexpr u64 pages() const { return size_type_field::pages.get(size_type); }
    constexpr u8 type_value() const { return static_cast<u8>(size_type_field::type.get(size_type)); }
    constexpr region_type type() const { return static_cast<region_type>(type_value()); }
    constexpr arm::cacheability cache() const {
        return static_cast<arm::cacheability>(size_type_field::cache.get(size_type));
    }
    constexpr u64 reserved_bits_set() const { return size_type & size_type_info.reserved_mask(); }
    // pages * 4 KiB: at most 2^64 - 4 KiB, so it always fits.
    constexpr u64 bytes() const { return pages() << page_shift; }
    constexpr range span() const { return {address, bytes()}; }

    friend constexpr bool operator==(const memory_region&, const memory_region&) = default;
};

constexpr u64 make_size_type(u64 pages, region_type t, arm::cacheability c = cacheability::non_cacheable) {
    return size_type_field::cache.with(size_type_field::type.with(size_type_field::pages.with(0, pages),
                                                                  static_cast<u8>(t)),
                                       static_cast<u8>(c));
}

// The protected-regions table entry of complete DMA protection.
inline constexpr memory_region complete_protection_region{0, complete_protection_size_type};

enum class region_table_kind : u8 { protected_regions, address_map };

constexpr const char* name(region_table_kind k) {
    return k == region_table_kind::protected_regions ? "protected_regions" : "address_map";
}

// A checked table. region(i) decodes region i from the caller's bytes.
class memory_region_table {
public:
    constexpr memory_region_table() = default;

    constexpr region_table_kind kind() const { return kind_; }
    constexpr u16 revision() const { return revision_; }
    constexpr u32 num_regions() const { return num_regions_; }
    constexpr byte_view bytes() const { return bytes_; }
    constexpr memory_region region(u32 i) const {
        const u64 at = memory_region_table_header_size + u64{i} * memory_region_size;
        if (at > bytes_.size() || memory_region_size > bytes_.size() - at) return {};
        const std::size_t p = static_cast<std::size_t>(at);
        return {load_le(bytes_, p, 8), load_le(bytes_, p + 8, 8)};
    }

private:
    friend constexpr result<memory_region_table> parse_memory_region_table(byte_view, region_table_kind, bool);
    region_table_kind kind_ = region_table_kind::protected_regions;
    u16 revision_ = 0;
    u32 num_regions_ = 0;
    byte_view bytes_{};
};

namespace regions_detail {

struct names {
    const char* table;
    const char* revision;
    const char* reserved;
    const char* num_regions;
    const char* address;
    const char* size_type;
};
inline constexpr names protected_names{"protected_regions", "protected_regions.revision",
                                       "protected_regions.reserved", "protected_regions.num_regions",
                                       "protected_regions.region_address", "protected_regions.size_type"};
inline constexpr names map_names{"address_map", "address_map.revision", "address_map.reserved",
                                 "address_map.num_regions", "address_map.region_address", "address_map.size_type"};

constexpr const names& names_of(region_table_kind k) {
    return k == region_table_kind::protected_regions ? protected_names : map_names;
}

}  // namespace regions_detail

constexpr u64 memory_region_table_size(u32 count) {
    return memory_region_table_header_size + u64{count} * memory_region_size;
}

// Checks `bytes` as one table of `kind` (all of `bytes` is the table). With
// `complete_protection`, a protected-regions table must be the single complete region (ARM-51).
constexpr result<memory_region_table> parse_memory_region_table(byte_view bytes, region_table_kind kind,
                                                                 bool complete_protection = false) {
    const regions_detail::names& n = regions_detail::names_of(kind);
    const u64 size = bytes.size();
    if (size < memory_region_table_header_size)
        return arm_error(errc::truncated_header, 0, no_entry, n.table, "ARM-40",
                         "a memory region table needs its 8-byte header", size, memory_region_table_header_size);
    memory_region_table t;
    t.kind_ = kind;
    t.bytes_ = bytes;
    t.revision_ = static_cast<u16>(load_le(bytes, 0, 2));
    const u16 reserved = static_cast<u16>(load_le(bytes, 2, 2));
    t.num_regions_ = static_cast<u32>(load_le(bytes, 4, 4));
    if (t.revision_ != memory_region_table_revision)
        return arm_error(errc::unsupported_version, 0, no_entry, n.revision, "ARM-41",
                         "a memory region table has revision 1", t.revision_, memory_region_table_revision);
    if (reserved != 0)
        return arm_error(errc::reserved_nonzero, 2, no_entry, n.reserved, "ARM-42", "the reserved field must be zero",
                         reserved, 0);
    if (t.num_regions_ == 0)
        return arm_error(errc::not_found, 4, no_entry, n.num_regions, "ARM-43",
                         "the table must describe at least one region", 0, 1);
    const u64 want = memory_region_table_size(t.num_regions_);
    if (size != want)
        return arm_error(errc::count_mismatch, 4, no_entry, n.num_regions, "ARM-44",
                         "the table's size must be 8 + 16 * num_regions", t.num_regions_,
                         (size - memory_region_table_header_size) >> 4);
    range previous{};
    for (u32 i = 0; i < t.num_regions_; ++i) {
        const u64 at = memory_region_table_header_size + u64{i} * memory_region_size;
        const memory_region r = t.region(i);
        if (!page_aligned(r.address))
            return arm_error(errc::misaligned, at, i, n.address, "ARM-45", "a region address must be 4 KiB aligned",
                             r.address, page_size);
        if (const u64 bits = r.reserved_bits_set(); bits != 0)
            return arm_error(errc::reserved_nonzero, at + 8, i, n.size_type, "ARM-46",
                             "size_type bits [63:57] are reserved", bits, 0);
        if (r.type_value() > static_cast<u8>(region_type::reserved))
            return arm_error(errc::value_out_of_range, at + 8, i, n.size_type, "ARM-47",
                             "region types 5..7 are undefined", r.type_value(), static_cast<u8>(region_type::reserved));
        const range span = r.span();
        if (!span.valid())
            return arm_error(errc::address_wrap, at + 8, i, n.size_type, "ARM-48",
                             "the region passes the end of the address space", r.pages(),
                             (~u64{0} - r.address) >> page_shift);
        if (i > 0 && r.address < previous.base)
            return arm_error(errc::value_out_of_range, at, i, n.address, "ARM-49",
                             "regions must be in ascending address order", r.address, previous.base);
        if (i > 0 && span.overlaps(previous))
            return arm_error(errc::overlap, at, i, n.address, "ARM-50", "a region overlaps the region before it",
                             r.address, previous.end());
        previous = span;
    }
    if (complete_protection && kind == region_table_kind::protected_regions &&
        (t.num_regions_ != 1 || !(t.region(0) == complete_protection_region))) {
        const bool count_wrong = t.num_regions_ != 1;
        const memory_region r0 = t.region(0);
        return arm_error(errc::value_out_of_range, count_wrong ? 4 : (r0.address != 0 ? 8 : 16), count_wrong ? no_entry : 0,
                         count_wrong ? n.num_regions : (r0.address != 0 ? n.address : n.size_type), "ARM-51",
                         "complete DMA protection is described by the one region {0, 2^52 - 1 pages, type 3}",
                         count_wrong ? t.num_regions_ : (r0.address != 0 ? r0.address : r0.size_type),
                         count_wrong ? 1 : (r0.address != 0 ? 0 : complete_protection_size_type));
    }
    return t;
}

// Writes a table of `count` regions (revision 1) at the start of `out`; unchanged on failure.
// The regions are written as given; parse_memory_region_table() judges them.
constexpr status encode_memory_region_table(const memory_region* regions, u32 count, mutable_byte_view out) {
    const u64 need = memory_region_table_size(count);
    if (need > out.size())
        return arm_error(errc::buffer_too_small, 0, no_entry, "memory_region_table", "ARM-52",
                         "the buffer cannot hold the table", out.size(), need);
    store_le(out, 0, 2, memory_region_table_revision);
    store_le(out, 2, 2, 0);
    store_le(out, 4, 4, count);
    for (u32 i = 0; i < count; ++i) {
        const std::size_t at = memory_region_table_header_size + std::size_t{i} * memory_region_size;
        store_le(out, at, 8, regions[i].address);
        store_le(out, at + 8, 8, regions[i].size_type);
    }
    return success;
}

static_assert(make_size_type(max_region_pages, region_type::non_volatile) == complete_protection_size_type);
static_assert(complete_protection_region.span().valid() && complete_protection_region.bytes() == ~u64{0} - 0xfff);

}  // namespace dlh::arm
