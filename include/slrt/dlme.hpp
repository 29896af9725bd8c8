// SPDX-License-Identifier: MIT
// The v16 DLME interface: the standard DLME header and the slr_setup_dlme
// argument of dl_launch (spec/slrt.md §3.11; Linux v16 slr_table.h).
#pragma once

#include <cstddef>

#include "slrt/bytes.hpp"
#include "slrt/error.hpp"

namespace slrt {

// The DLME header UUID as four u32 words (it is the Intel TXT MLE header UUID).
inline constexpr u32 dlme_header_uuid[4] = {0x9082ac5a, 0x74a7476f, 0xa2555c0f, 0x42b651cb};

namespace wire {

// struct slr_dlme_header, 52 bytes. Every capable DLME carries one (v16).
struct dlme_header {
    le_u32 uuid[4];        // @0  dlme_header_uuid
    le_u32 header_len;     // @16
    le_u32 version;        // @20
    le_u32 entry_point;    // @24
    le_u32 first_valid_page;  // @28
    le_u32 start;          // @32
    le_u32 end;            // @36
    le_u32 capabilities;   // @40
    le_u32 cmdline_start;  // @44
    le_u32 cmdline_end;    // @48
};
static_assert(sizeof(dlme_header) == 52 && alignof(dlme_header) == 1);
static_assert(offsetof(dlme_header, header_len) == 16 && offsetof(dlme_header, version) == 20);
static_assert(offsetof(dlme_header, entry_point) == 24 && offsetof(dlme_header, first_valid_page) == 28);
static_assert(offsetof(dlme_header, start) == 32 && offsetof(dlme_header, end) == 36);
static_assert(offsetof(dlme_header, capabilities) == 40 && offsetof(dlme_header, cmdline_start) == 44);
static_assert(offsetof(dlme_header, cmdline_end) == 48);

// struct slr_setup_dlme, 24 bytes: the second argument of dl_launch (RSI).
struct setup_dlme {
    le_u64 dlme_base;           // @0  where the DLME was placed
    le_u64 dlme_header_offset;  // @8  offset of its DLME header
    le_u64 dlme_table;          // @16 DLME configuration table (boot params), 0 on the legacy path
};
static_assert(sizeof(setup_dlme) == 24 && alignof(setup_dlme) == 1);
static_assert(offsetof(setup_dlme, dlme_header_offset) == 8 && offsetof(setup_dlme, dlme_table) == 16);

}  // namespace wire

struct dlme_header {
    u32 header_len = 0, version = 0, entry_point = 0, first_valid_page = 0;
    u32 start = 0, end = 0, capabilities = 0, cmdline_start = 0, cmdline_end = 0;
    friend constexpr bool operator==(const dlme_header&, const dlme_header&) = default;
};

struct setup_dlme {
    u64 dlme_base = 0, dlme_header_offset = 0, dlme_table = 0;
    friend constexpr bool operator==(const setup_dlme&, const setup_dlme&) = default;
};

// Decodes a DLME header: the UUID must match and header_len must cover the 52 bytes.
constexpr result<dlme_header> parse_dlme_header(byte_view bytes) {
    if (bytes.size() < sizeof(wire::dlme_header))
        return error{errc::truncated_header, 0, no_entry, "dlme_header", "SLRT-M1",
                     "a DLME header needs 52 bytes", bytes.size(), sizeof(wire::dlme_header)};
    for (std::size_t i = 0; i < 4; ++i)
        if (load_le(bytes, 4 * i, 4) != dlme_header_uuid[i])
            return error{errc::bad_magic, static_cast<u32>(4 * i), no_entry, "dlme_header.uuid", "SLRT-M1",
                         "DLME header UUID does not match", load_le(bytes, 4 * i, 4), dlme_header_uuid[i]};
    dlme_header h;
    u32* fields[] = {&h.header_len, &h.version, &h.entry_point, &h.first_valid_page, &h.start,
                     &h.end, &h.capabilities, &h.cmdline_start, &h.cmdline_end};
    for (std::size_t i = 0; i < 9; ++i) *fields[i] = static_cast<u32>(load_le(bytes, 16 + 4 * i, 4));
    if (h.header_len < sizeof(wire::dlme_header))
        return error{errc::entry_size_too_small, 16, no_entry, "dlme_header.header_len", "SLRT-M1",
                     "header_len must cover the 52-byte header", h.header_len, sizeof(wire::dlme_header)};
    return h;
}

// Encodes a DLME header (the UUID is always written). Needs 52 bytes.
constexpr status encode_dlme_header(const dlme_header& h, mutable_byte_view out) {
    if (out.size() < sizeof(wire::dlme_header))
        return error{errc::buffer_too_small, 0, no_entry, "dlme_header", "SLRT-B1",
                     "a DLME header needs 52 bytes", out.size(), sizeof(wire::dlme_header)};
    for (std::size_t i = 0; i < 4; ++i) store_le(out, 4 * i, 4, dlme_header_uuid[i]);
    const u32 fields[] = {h.header_len, h.version, h.entry_point, h.first_valid_page, h.start,
                          h.end, h.capabilities, h.cmdline_start, h.cmdline_end};
    for (std::size_t i = 0; i < 9; ++i) store_le(out, 16 + 4 * i, 4, fields[i]);
    return success;
}

}  // namespace slrt
