// SPDX-License-Identifier: MIT
// Quirks: deviations real producers emit, which permissive parsing accepts and
// names (spec/slrt.md §8). Strict parsing rejects every one of them.
#pragma once

#include "slrt/bytes.hpp"
#include "slrt/error.hpp"

namespace slrt {

enum class quirk : u8 {
    oversized_entry,           // a fixed-size entry larger than its layout size
    duplicate_singleton,       // a second dl_info/log_info/policy/intel_info/amd_info
    reserved_nonzero,          // a reserved field, unused MTRR pair or evt_info padding is nonzero
    evt_info_unterminated,     // a 32-byte label without NUL (the kernel's strlen reads past it)
    max_size_zero,             // max_size left 0 (coreboot DRTM payload, 2026)
    amd_info_len_whole_entry,  // amd_info.len = whole entry size (GRUB TrenchBoot dev tree)
    amd_info_short_48,         // 48-byte amd_info without psp_version (GRUB TrenchBoot dev tree)
    entry_revision_not_1,      // policy/UEFI config revision other than 1
};
inline constexpr u32 quirk_count = 8;

struct quirk_info {
    quirk id;
    const char* name;
    const char* description;
};

inline constexpr quirk_info quirk_table[quirk_count] = {
    {quirk::oversized_entry, "oversized_entry",
     "fixed-size entry larger than its layout's size; the extra bytes are kept but not interpreted"},
    {quirk::duplicate_singleton, "duplicate_singleton",
     "a singleton entry appears twice; consumers use the first one"},
    {quirk::reserved_nonzero, "reserved_nonzero",
     "a reserved field, an unused MTRR pair or evt_info padding after the NUL is nonzero"},
    {quirk::evt_info_unterminated, "evt_info_unterminated",
     "evt_info fills all 32 bytes without a NUL; Linux's strlen would read past the field"},
    {quirk::max_size_zero, "max_size_zero", "max_size left 0 by a producer that builds the table by hand"},
    {quirk::amd_info_len_whole_entry, "amd_info_len_whole_entry",
     "amd_info.len holds the whole entry size instead of the setup_data payload length"},
    {quirk::amd_info_short_48, "amd_info_short_48", "48-byte amd_info without psp_version and reserved"},
    {quirk::entry_revision_not_1, "entry_revision_not_1", "policy or UEFI config revision other than 1"},
};

constexpr const char* name(quirk q) { return quirk_table[static_cast<u8>(q)].name; }

// One accepted quirk and where it was: the byte offset and the entry (or event) index.
template <class Id>
struct basic_quirk_hit {
    Id id{};
    u32 offset = 0;
    u32 entry_index = no_entry;
};

// The quirks one parse accepted, in order. Keeps the first `capacity` hits and counts the
// rest, so hostile input cannot make it grow. Shared by tables and event logs.
template <class Id>
struct basic_quirk_log {
    static constexpr u32 capacity = 32;
    basic_quirk_hit<Id> hits[capacity]{};
    u32 count = 0;    // hits stored
    u32 dropped = 0;  // hits beyond capacity
    u32 seen = 0;     // bit i: quirk i occurred at least once

    constexpr void add(Id q, u32 offset, u32 entry_index) {
        seen |= 1u << static_cast<u8>(q);
        if (count < capacity)
            hits[count++] = {q, offset, entry_index};
        else
            ++dropped;
    }
    constexpr bool has(Id q) const { return (seen >> static_cast<u8>(q)) & 1u; }
    constexpr bool empty() const { return seen == 0; }
};

using quirk_hit = basic_quirk_hit<quirk>;
using quirk_log = basic_quirk_log<quirk>;

}  // namespace slrt
