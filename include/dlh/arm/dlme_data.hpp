// SPDX-License-Identifier: MIT
// The DLME data: what the DCE leaves for the DLME at dlme_region_address + dlme_data_offset
// (x0 + x1 at DLME entry): a 64-byte header, then its regions back to back in header order
// (skinit-arm-tcg.md §B.7; [TFA] struct dlme_data_header_v1 and drtm_dl_prepare_dlme_data,
// [ACS] DRTM_DLME_DATA_HDR and dl005.c).
//
//   header (this_hdr_size) | protected regions | address map | DRTM event log |
//   TCB hash table | ACPI table region | implementation-defined region
//
// parse_dlme_data() checks the header, then every region with its own parser:
// memory_regions.hpp (ARM-40..51), the TCG event log (policy/eventlog.hpp, rules LOG-n),
// tcb_hashes.hpp (ARM-55..61), acpi_region.hpp (ARM-65..72). Every error offset is a byte
// offset in the DLME data. The result views the caller's bytes: copy them out of memory another
// party can still write before parsing (the DLME copies its data into memory it owns).
//
// Rules of the header (DEN0113 rule ids as [ACS] dl005.c cites them):
//   ARM-30 truncated_header     fewer than 64 bytes
//   ARM-31 unsupported_version  version is not 1
//   ARM-32 size_too_small       this_hdr_size is below 64
//   ARM-33 reserved_nonzero     the reserved u32 at 0x04 is not zero
//   ARM-34 address_wrap         this_hdr_size plus the region sizes does not fit in 64 bits
//   ARM-35 out_of_bounds        the regions run past dlme_data_size (R314090)
//   ARM-36 entry_size_mismatch  dlme_data_size is larger than the header and regions
//   ARM-37 size_exceeds_buffer  dlme_data_size is past the bytes given, or past the DLME region
//                               (R314050; needs the DRTM_PARAMETERS)
//   ARM-38 not_found            the protected regions, the address map or the event log is empty
//                               (R314060)
//   ARM-39 duplicate_entry      both a TCB hash table and an ACPI table region (R314150)
//   ARM-52 buffer_too_small     build_dlme_data: the buffer cannot hold the data
#pragma once

#include <cstddef>

#include "dlh/arm/acpi_region.hpp"
#include "dlh/arm/base.hpp"
#include "dlh/arm/features.hpp"
#include "dlh/arm/memory_regions.hpp"
#include "dlh/arm/parameters.hpp"
#include "dlh/arm/tcb_hashes.hpp"
#include "policy/eventlog.hpp"

namespace dlh::arm {

namespace wire {

// DLME data header, version 1.
struct dlme_data_header {
    slrt::le_u16 version;                             // 0x00 1
    slrt::le_u16 this_hdr_size;                       // 0x02 64
    slrt::le_u32 reserved;                            // 0x04 0
    slrt::le_u64 dlme_data_size;                      // 0x08 header + every region used
    slrt::le_u64 protected_regions_size;              // 0x10
    slrt::le_u64 address_map_size;                    // 0x18
    slrt::le_u64 drtm_event_log_size;                 // 0x20 the log's bytes (no tail)
    slrt::le_u64 tcb_hash_table_size;                 // 0x28
    slrt::le_u64 acpi_table_region_size;              // 0x30
    slrt::le_u64 implementation_defined_region_size;  // 0x38
};
static_assert(sizeof(dlme_data_header) == 64 && alignof(dlme_data_header) == 1);
static_assert(offsetof(dlme_data_header, version) == 0x00);
static_assert(offsetof(dlme_data_header, this_hdr_size) == 0x02);
static_assert(offsetof(dlme_data_header, reserved) == 0x04);
static_assert(offsetof(dlme_data_header, dlme_data_size) == 0x08);
static_assert(offsetof(dlme_data_header, protected_regions_size) == 0x10);
static_assert(offsetof(dlme_data_header, address_map_size) == 0x18);
static_assert(offsetof(dlme_data_header, drtm_event_log_size) == 0x20);
static_assert(offsetof(dlme_data_header, tcb_hash_table_size) == 0x28);
static_assert(offsetof(dlme_data_header, acpi_table_region_size) == 0x30);
static_assert(offsetof(dlme_data_header, implementation_defined_region_size) == 0x38);

}  // namespace wire

inline constexpr u32 dlme_data_header_size = sizeof(wire::dlme_data_header);  // 64
inline constexpr u16 dlme_data_version = 1;

// The regions, in the order they follow the header.
enum class dlme_region : u8 {
    protected_regions = 0,
    address_map = 1,
    event_log = 2,
    tcb_hash_table = 3,
    acpi_tables = 4,
    implementation_defined = 5,
};
inline constexpr u32 dlme_region_count = 6;

constexpr const char* name(dlme_region r) {
    switch (r) {
        case dlme_region::protected_regions: return "protected_regions";
        case dlme_region::address_map: return "address_map";
        case dlme_region::event_log: return "event_log";
        case dlme_region::tcb_hash_table: return "tcb_hash_table";
        case dlme_region::acpi_tables: return "acpi_tables";
        case dlme_region::implementation_defined: return "implementation_defined";
    }
    return nullptr;
}

// The header's size field of each region and its offset in the header.
inline constexpr const char* dlme_region_size_field[dlme_region_count] = {
    "dlme_data.protected_regions_size", "dlme_data.address_map_size",      "dlme_data.drtm_event_log_size",
    "dlme_data.tcb_hash_table_size",    "dlme_data.acpi_table_region_size", "dlme_data.implementation_defined_region_size",
};
inline constexpr u32 dlme_region_size_offset[dlme_region_count] = {0x10, 0x18, 0x20, 0x28, 0x30, 0x38};

struct dlme_data_header {
    u16 version = dlme_data_version;
    u16 this_hdr_size = dlme_data_header_size;
    u32 reserved = 0;
    u64 dlme_data_size = 0;
    u64 region_size[dlme_region_count]{};  // in dlme_region order

    constexpr u64 size_of(dlme_region r) const { return region_size[static_cast<u8>(r)]; }
    friend constexpr bool operator==(const dlme_data_header&, const dlme_data_header&) = default;
};

constexpr dlme_data_header decode_dlme_data_header(byte_view b) {  // precondition: 64 bytes
    dlme_data_header h;
    h.version = static_cast<u16>(load_le(b, 0, 2));
    h.this_hdr_size = static_cast<u16>(load_le(b, 2, 2));
    h.reserved = static_cast<u32>(load_le(b, 4, 4));
    h.dlme_data_size = load_le(b, 8, 8);
    for (u32 i = 0; i < dlme_region_count; ++i) h.region_size[i] = load_le(b, dlme_region_size_offset[i], 8);
    return h;
}

constexpr void encode_dlme_data_header(const dlme_data_header& h, mutable_byte_view out) {  // precondition: 64 bytes
    store_le(out, 0, 2, h.version);
    store_le(out, 2, 2, h.this_hdr_size);
    store_le(out, 4, 4, h.reserved);
    store_le(out, 8, 8, h.dlme_data_size);
    for (u32 i = 0; i < dlme_region_count; ++i) store_le(out, dlme_region_size_offset[i], 8, h.region_size[i]);
}

struct dlme_data_options {
    const drtm_parameters* params = nullptr;      // ARM-37 capacity, ARM-51 complete protection, ACPI base
    const platform_features* platform = nullptr;  // ARM-61 (TCB hash maximum)
    bool require_dlme_tables = false;             // ARM-72 (needs params for the ACPI base)
    slrt::mode log_mode = slrt::mode::strict;     // how the event log is parsed
};

// Checked DLME data: the header, where each region lies, and each region parsed.
struct dlme_data {
    dlme_data_header header{};
    u64 region_offset[dlme_region_count]{};  // in the DLME data
    byte_view bytes{};                       // the dlme_data_size bytes

    memory_region_table protected_regions{};
    memory_region_table address_map{};
    slrt::event_log event_log{};
    bool has_tcb_hash_table = false;
    tcb_hash_table tcb_hashes{};
    bool has_acpi_tables = false;
    acpi_region acpi_tables{};

    constexpr u64 offset_of(dlme_region r) const { return region_offset[static_cast<u8>(r)]; }
    constexpr u64 size_of(dlme_region r) const { return header.size_of(r); }
    constexpr byte_view region(dlme_region r) const {
        return bytes.subview(static_cast<std::size_t>(offset_of(r)), static_cast<std::size_t>(size_of(r)));
    }
};

namespace dlme_detail {

constexpr error rebase(error e, u64 by) {
    const u64 at = u64{e.offset} + by;
    e.offset = at > 0xffffffffu ? 0xffffffffu : static_cast<u32>(at);
    return e;
}

// Region offsets from the header sizes; false when a sum does not fit (the failing region in
// `bad`).
constexpr bool layout(const dlme_data_header& h, u64 (&offsets)[dlme_region_count], u64& end, u32& bad) {
    u64 at = h.this_hdr_size;
    for (u32 i = 0; i < dlme_region_count; ++i) {
        offsets[i] = at;
        if (h.region_size[i] > ~u64{0} - at) {
            bad = i;
            return false;
        }
        at += h.region_size[i];
    }
    end = at;
    return true;
}

}  // namespace dlme_detail

constexpr result<dlme_data> parse_dlme_data(byte_view bytes, const dlme_data_options& options = {}) {
    using dlme_detail::rebase;
    const u64 size = bytes.size();
    if (size < dlme_data_header_size)
        return arm_error(errc::truncated_header, 0, no_entry, "dlme_data", "ARM-30",
                         "the DLME data header needs 64 bytes", size, dlme_data_header_size);
    dlme_data d;
    d.header = decode_dlme_data_header(bytes);
    const dlme_data_header& h = d.header;
    if (h.version != dlme_data_version)
        return arm_error(errc::unsupported_version, 0, no_entry, "dlme_data.version", "ARM-31",
                         "the DLME data header has version 1", h.version, dlme_data_version);
    if (h.this_hdr_size < dlme_data_header_size)
        return arm_error(errc::size_too_small, 2, no_entry, "dlme_data.this_hdr_size", "ARM-32",
                         "this_hdr_size must cover the 64-byte header", h.this_hdr_size, dlme_data_header_size);
    if (h.reserved != 0)
        return arm_error(errc::reserved_nonzero, 4, no_entry, "dlme_data.reserved", "ARM-33",
                         "the reserved field must be zero", h.reserved, 0);
    u64 end = 0;
    u32 bad = 0;
    if (!dlme_detail::layout(h, d.region_offset, end, bad))
        return arm_error(errc::address_wrap, dlme_region_size_offset[bad], no_entry, dlme_region_size_field[bad],
                         "ARM-34", "the header and region sizes add up past 2^64 - 1", h.region_size[bad],
                         ~u64{0} - d.region_offset[bad]);
    if (end > h.dlme_data_size)
        return arm_error(errc::out_of_bounds, 8, no_entry, "dlme_data.dlme_data_size", "ARM-35",
                         "the header and its regions run past dlme_data_size", end, h.dlme_data_size);
    if (end < h.dlme_data_size)
        return arm_error(errc::entry_size_mismatch, 8, no_entry, "dlme_data.dlme_data_size", "ARM-36",
                         "dlme_data_size must be the header plus the regions used", h.dlme_data_size, end);
    if (h.dlme_data_size > size)
        return arm_error(errc::size_exceeds_buffer, 8, no_entry, "dlme_data.dlme_data_size", "ARM-37",
                         "dlme_data_size runs past the bytes given", h.dlme_data_size, size);
    if (options.params && h.dlme_data_size > options.params->dlme_data_capacity())
        return arm_error(errc::size_exceeds_buffer, 8, no_entry, "dlme_data.dlme_data_size", "ARM-37",
                         "the DLME data runs past the end of the DLME region", h.dlme_data_size,
                         options.params->dlme_data_capacity());
    constexpr dlme_region required[] = {dlme_region::protected_regions, dlme_region::address_map,
                                        dlme_region::event_log};
    for (dlme_region r : required)
        if (h.size_of(r) == 0)
            return arm_error(errc::not_found, dlme_region_size_offset[static_cast<u8>(r)], no_entry,
                             dlme_region_size_field[static_cast<u8>(r)], "ARM-38",
                             "the protected regions, the address map and the event log must be present", 0, 1);
    d.has_tcb_hash_table = h.size_of(dlme_region::tcb_hash_table) != 0;
    d.has_acpi_tables = h.size_of(dlme_region::acpi_tables) != 0;
    if (d.has_tcb_hash_table && d.has_acpi_tables)
        return arm_error(errc::duplicate_entry, 0x30, no_entry, "dlme_data.acpi_table_region_size", "ARM-39",
                         "the DLME data carries a TCB hash table or an ACPI table region, not both",
                         h.size_of(dlme_region::acpi_tables), 0);
    d.bytes = bytes.subview(0, static_cast<std::size_t>(h.dlme_data_size));

    const bool complete = options.params && options.params->features().dma() == dma_protection::complete;
    {
        const result<memory_region_table> t = parse_memory_region_table(
            d.region(dlme_region::protected_regions), region_table_kind::protected_regions, complete);
        if (!t) return rebase(t.err(), d.offset_of(dlme_region::protected_regions));
        d.protected_regions = *t;
    }
    {
        const result<memory_region_table> t =
            parse_memory_region_table(d.region(dlme_region::address_map), region_table_kind::address_map);
        if (!t) return rebase(t.err(), d.offset_of(dlme_region::address_map));
        d.address_map = *t;
    }
    {
        const result<slrt::event_log> log = slrt::parse_event_log(
            d.region(dlme_region::event_log), {slrt::event_log_format::tcg, options.log_mode});
        if (!log) return rebase(log.err(), d.offset_of(dlme_region::event_log));
        d.event_log = *log;
    }
    if (d.has_tcb_hash_table) {
        const u32 max = options.platform && options.platform->has_tcb_hashes ? options.platform->max_tcb_hashes : 0;
        const result<tcb_hash_table> t = parse_tcb_hash_table(d.region(dlme_region::tcb_hash_table), max);
        if (!t) return rebase(t.err(), d.offset_of(dlme_region::tcb_hash_table));
        d.tcb_hashes = *t;
    }
    if (d.has_acpi_tables) {
        acpi_region_options ao;
        if (options.params) {
            ao.has_base = true;
            ao.base = options.params->dlme_data_address() + d.offset_of(dlme_region::acpi_tables);
            ao.require_dlme_tables = options.require_dlme_tables;
        }
        const result<acpi_region> a = parse_acpi_region(d.region(dlme_region::acpi_tables), ao);
        if (!a) return rebase(a.err(), d.offset_of(dlme_region::acpi_tables));
        d.acpi_tables = *a;
    }
    return d;
}

// ---------------------------------------------------------------------------------------------
// Building

// The regions' bytes, already encoded (encode_memory_region_table, log_writer,
// encode_tcb_hash_table, an XSDT and its tables). Empty views are absent regions.
struct dlme_data_parts {
    byte_view region[dlme_region_count]{};  // in dlme_region order

    constexpr byte_view& operator[](dlme_region r) { return region[static_cast<u8>(r)]; }
    constexpr const byte_view& operator[](dlme_region r) const { return region[static_cast<u8>(r)]; }
};

constexpr u64 dlme_data_size(const dlme_data_parts& parts) {
    u64 n = dlme_data_header_size;
    for (const byte_view& r : parts.region) n += r.size();
    return n;
}

// Writes the header (version 1, this_hdr_size 64) and the regions to the start of `out` and
// returns the size. Every part is checked first as parse_dlme_data() would check it (errors at
// the offset the part would have); on failure `out` is unchanged.
constexpr result<u64> build_dlme_data(const dlme_data_parts& parts, mutable_byte_view out,
                                      const dlme_data_options& options = {}) {
    dlme_data_header h;
    for (u32 i = 0; i < dlme_region_count; ++i) h.region_size[i] = parts.region[i].size();
    u64 offsets[dlme_region_count]{};
    u64 end = 0;
    u32 bad = 0;
    if (!dlme_detail::layout(h, offsets, end, bad))
        return arm_error(errc::address_wrap, dlme_region_size_offset[bad], no_entry, dlme_region_size_field[bad],
                         "ARM-34", "the header and region sizes add up past 2^64 - 1", h.region_size[bad], 0);
    h.dlme_data_size = end;
    if (end > out.size())
        return arm_error(errc::buffer_too_small, 0, no_entry, "dlme_data", "ARM-52",
                         "the buffer cannot hold the DLME data", out.size(), end);
    // Check the whole image the way the parser will, on a view assembled without writing:
    // every part is parsed alone, with the checks that need only that part.
    const bool complete = options.params && options.params->features().dma() == dma_protection::complete;
    constexpr dlme_region required[] = {dlme_region::protected_regions, dlme_region::address_map,
                                        dlme_region::event_log};
    for (dlme_region r : required)
        if (parts[r].empty())
            return arm_error(errc::not_found, dlme_region_size_offset[static_cast<u8>(r)], no_entry,
                             dlme_region_size_field[static_cast<u8>(r)], "ARM-38",
                             "the protected regions, the address map and the event log must be present", 0, 1);
    if (!parts[dlme_region::tcb_hash_table].empty() && !parts[dlme_region::acpi_tables].empty())
        return arm_error(errc::duplicate_entry, 0x30, no_entry, "dlme_data.acpi_table_region_size", "ARM-39",
                         "the DLME data carries a TCB hash table or an ACPI table region, not both",
                         parts[dlme_region::acpi_tables].size(), 0);
    if (options.params && end > options.params->dlme_data_capacity())
        return arm_error(errc::size_exceeds_buffer, 8, no_entry, "dlme_data.dlme_data_size", "ARM-37",
                         "the DLME data runs past the end of the DLME region", end,
                         options.params->dlme_data_capacity());
    using dlme_detail::rebase;
    constexpr u8 pr = static_cast<u8>(dlme_region::protected_regions), am = static_cast<u8>(dlme_region::address_map),
                 el = static_cast<u8>(dlme_region::event_log), tc = static_cast<u8>(dlme_region::tcb_hash_table),
                 ac = static_cast<u8>(dlme_region::acpi_tables);
    if (const auto t = parse_memory_region_table(parts.region[pr], region_table_kind::protected_regions, complete); !t)
        return rebase(t.err(), offsets[pr]);
    if (const auto t = parse_memory_region_table(parts.region[am], region_table_kind::address_map); !t)
        return rebase(t.err(), offsets[am]);
    if (const auto l = slrt::parse_event_log(parts.region[el], {slrt::event_log_format::tcg, options.log_mode}); !l)
        return rebase(l.err(), offsets[el]);
    if (!parts.region[tc].empty()) {
        const u32 max = options.platform && options.platform->has_tcb_hashes ? options.platform->max_tcb_hashes : 0;
        if (const auto t = parse_tcb_hash_table(parts.region[tc], max); !t) return rebase(t.err(), offsets[tc]);
    }
    if (!parts.region[ac].empty()) {
        acpi_region_options ao;
        if (options.params) {
            ao.has_base = true;
            ao.base = options.params->dlme_data_address() + offsets[ac];
            ao.require_dlme_tables = options.require_dlme_tables;
        }
        if (const auto a = parse_acpi_region(parts.region[ac], ao); !a) return rebase(a.err(), offsets[ac]);
    }
    encode_dlme_data_header(h, out);
    for (u32 i = 0; i < dlme_region_count; ++i) slrt::copy(out, static_cast<std::size_t>(offsets[i]), parts.region[i]);
    return end;
}

}  // namespace dlh::arm
