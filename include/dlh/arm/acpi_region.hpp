// SPDX-License-Identifier: MIT
// The DLME data's ACPI table region: it starts with an XSDT whose entries are the physical
// addresses of the other ACPI tables, which lie in the same region (skinit-arm-tcg.md §B.7;
// DEN0113 R314140 as [ACS] dl005.c cites it; [ACS] tests 105/117 name the tables a DLME
// needs: MADT, MCFG, GTDT, IORT, TPM2). The table header is ACPI's System Description Table
// Header (ACPI 6.x §5.2.6), 36 bytes; the XSDT (§5.2.8) follows it with u64 entries.
//
// Without the region's physical address only the XSDT can be checked; with it (the DLME data
// address plus the region's offset), every entry must point at a whole table inside the
// region, and `require_dlme_tables` asks for the five tables.
//
// Rules (offsets relative to the region's bytes; dlme_data.hpp rebases them; entry_index is
// the XSDT entry):
//   ARM-65 truncated_header     the region is shorter than a 36-byte table header
//   ARM-66 bad_magic            the region does not start with an "XSDT" signature (R314140)
//   ARM-67 out_of_bounds        the XSDT length is below 36 or past the region
//   ARM-68 count_mismatch       the XSDT length leaves a partial 8-byte entry
//   ARM-69 value_out_of_range   a table's bytes do not sum to zero (its checksum)
//   ARM-70 out_of_bounds        an entry points outside the region, or its table's header does not
//                               fit in it (base address known)
//   ARM-71 out_of_bounds        a table's length is below 36 or runs past the region
//   ARM-72 not_found            one of MADT, MCFG, GTDT, IORT, TPM2 is missing (when required)
#pragma once

#include <cstddef>

#include "dlh/arm/base.hpp"

namespace dlh::arm {

namespace wire {

// ACPI System Description Table Header (ACPI 6.x §5.2.6).
struct acpi_table_header {
    u8 signature[4];               // 0x00 e.g. "XSDT"
    slrt::le_u32 length;           // 0x04 the whole table, header included
    u8 revision;                   // 0x08
    u8 checksum;                   // 0x09 all `length` bytes sum to 0
    u8 oem_id[6];                  // 0x0a
    u8 oem_table_id[8];            // 0x10
    slrt::le_u32 oem_revision;     // 0x18
    slrt::le_u32 creator_id;       // 0x1c
    slrt::le_u32 creator_revision; // 0x20
};
static_assert(sizeof(acpi_table_header) == 36 && alignof(acpi_table_header) == 1);
static_assert(offsetof(acpi_table_header, length) == 0x04);
static_assert(offsetof(acpi_table_header, revision) == 0x08);
static_assert(offsetof(acpi_table_header, checksum) == 0x09);
static_assert(offsetof(acpi_table_header, oem_id) == 0x0a);
static_assert(offsetof(acpi_table_header, oem_table_id) == 0x10);
static_assert(offsetof(acpi_table_header, oem_revision) == 0x18);
static_assert(offsetof(acpi_table_header, creator_id) == 0x1c);
static_assert(offsetof(acpi_table_header, creator_revision) == 0x20);

}  // namespace wire

inline constexpr u32 acpi_header_size = sizeof(wire::acpi_table_header);  // 36

// A 4-character signature as the u32 its bytes form (little-endian): "XSDT" -> 'X' | 'S' << 8 ...
constexpr u32 acpi_signature(const char (&s)[5]) {
    return static_cast<u32>(static_cast<u8>(s[0])) | static_cast<u32>(static_cast<u8>(s[1])) << 8 |
           static_cast<u32>(static_cast<u8>(s[2])) << 16 | static_cast<u32>(static_cast<u8>(s[3])) << 24;
}

inline constexpr u32 xsdt_signature = acpi_signature("XSDT");
// The tables a DLME needs, as tables or as TCB hashes ([ACS] tests 105/117).
inline constexpr u32 dlme_required_tables[] = {acpi_signature("APIC"), acpi_signature("MCFG"),
                                               acpi_signature("GTDT"), acpi_signature("IORT"),
                                               acpi_signature("TPM2")};

constexpr bool acpi_checksum_ok(byte_view table) {
    u32 sum = 0;
    for (std::size_t i = 0; i < table.size(); ++i) sum += table[i];
    return (sum & 0xffu) == 0;
}

struct acpi_region_options {
    bool has_base = false;  // the region's physical address is known
    u64 base = 0;
    bool require_dlme_tables = false;  // ARM-72 (needs has_base)
};

// One table the XSDT names, located in the region (base address known).
struct acpi_table_ref {
    u64 address = 0;
    u32 signature = 0;
    u32 length = 0;
    u32 offset = 0;  // in the region's bytes
};

class acpi_region {
public:
    constexpr acpi_region() = default;

    constexpr byte_view bytes() const { return bytes_; }
    constexpr u32 xsdt_length() const { return xsdt_length_; }
    constexpr u32 entry_count() const { return (xsdt_length_ - acpi_header_size) >> 3; }
    constexpr u64 entry(u32 i) const {
        const u64 at = acpi_header_size + u64{i} * 8;
        if (at > xsdt_length_ || 8 > xsdt_length_ - at) return 0;
        return load_le(bytes_, static_cast<std::size_t>(at), 8);
    }
    constexpr bool has_base() const { return has_base_; }
    constexpr u64 base() const { return base_; }
    // The table entry i points at (base address known and parse succeeded, so it is in range).
    constexpr acpi_table_ref table(u32 i) const {
        acpi_table_ref r;
        r.address = entry(i);
        if (!has_base_ || r.address < base_ || r.address - base_ > bytes_.size()) return r;
        const u64 off = r.address - base_;
        if (acpi_header_size > bytes_.size() - off) return r;
        r.offset = static_cast<u32>(off);
        r.signature = static_cast<u32>(load_le(bytes_, r.offset, 4));
        r.length = static_cast<u32>(load_le(bytes_, r.offset + 4u, 4));
        return r;
    }

private:
    friend constexpr result<acpi_region> parse_acpi_region(byte_view, const acpi_region_options&);
    byte_view bytes_{};
    u32 xsdt_length_ = 0;
    bool has_base_ = false;
    u64 base_ = 0;
};

constexpr result<acpi_region> parse_acpi_region(byte_view bytes, const acpi_region_options& options = {}) {
    const u64 size = bytes.size();
    if (size < acpi_header_size)
        return arm_error(errc::truncated_header, 0, no_entry, "acpi_tables", "ARM-65",
                         "the ACPI table region needs a 36-byte XSDT header", size, acpi_header_size);
    const u32 sig = static_cast<u32>(load_le(bytes, 0, 4));
    if (sig != xsdt_signature)
        return arm_error(errc::bad_magic, 0, no_entry, "acpi_tables.xsdt.signature", "ARM-66",
                         "the ACPI table region starts with an XSDT", sig, xsdt_signature);
    const u32 length = static_cast<u32>(load_le(bytes, 4, 4));
    if (length < acpi_header_size || length > size)
        return arm_error(errc::out_of_bounds, 4, no_entry, "acpi_tables.xsdt.length", "ARM-67",
                         "the XSDT length must cover its header and stay inside the region", length, size);
    if (((length - acpi_header_size) & 7u) != 0)
        return arm_error(errc::count_mismatch, 4, no_entry, "acpi_tables.xsdt.length", "ARM-68",
                         "the XSDT holds whole 8-byte entries", length, length - ((length - acpi_header_size) & 7u));
    if (!acpi_checksum_ok(bytes.subview(0, length)))
        return arm_error(errc::value_out_of_range, 9, no_entry, "acpi_tables.xsdt.checksum", "ARM-69",
                         "the XSDT's bytes must sum to zero", bytes[9], 0);
    acpi_region r;
    r.bytes_ = bytes;
    r.xsdt_length_ = length;
    r.has_base_ = options.has_base;
    r.base_ = options.base;
    if (!options.has_base) return r;
    bool found[5] = {};
    for (u32 i = 0; i < r.entry_count(); ++i) {
        const u32 at = acpi_header_size + i * 8;
        const u64 address = r.entry(i);
        if (address < options.base || address - options.base > size ||
            acpi_header_size > size - (address - options.base))
            return arm_error(errc::out_of_bounds, at, i, "acpi_tables.xsdt.entry", "ARM-70",
                             "an XSDT entry must point at a table inside the ACPI region", address, options.base);
        const acpi_table_ref t = r.table(i);
        if (t.length < acpi_header_size || t.length > size - t.offset)
            return arm_error(errc::out_of_bounds, t.offset + 4u, i, "acpi_tables.table.length", "ARM-71",
                             "a table must cover its header and stay inside the ACPI region", t.length,
                             size - t.offset);
        if (!acpi_checksum_ok(bytes.subview(t.offset, t.length)))
            return arm_error(errc::value_out_of_range, t.offset + 9u, i, "acpi_tables.table.checksum", "ARM-69",
                             "a table's bytes must sum to zero", bytes[t.offset + 9u], 0);
        for (u32 k = 0; k < 5; ++k)
            if (t.signature == dlme_required_tables[k]) found[k] = true;
    }
    if (options.require_dlme_tables)
        for (u32 k = 0; k < 5; ++k)
            if (!found[k])
                return arm_error(errc::not_found, 0, no_entry, "acpi_tables.xsdt", "ARM-72",
                                 "the DLME needs MADT, MCFG, GTDT, IORT and TPM2", dlme_required_tables[k], 0);
    return r;
}

static_assert(acpi_signature("XSDT") == 0x54445358u);

}  // namespace dlh::arm
