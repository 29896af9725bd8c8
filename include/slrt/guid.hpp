// SPDX-License-Identifier: MIT
// EFI GUIDs of the Secure Launch interfaces (spec/slrt.md §2.1).
#pragma once

#include "slrt/bytes.hpp"

namespace slrt {

// An EFI_GUID: three little-endian integers then eight bytes, 16 bytes on the wire.
struct guid {
    u32 data1;
    u16 data2;
    u16 data3;
    u8 data4[8];

    // The 16-byte image as it sits in memory (EFI_GUID layout).
    constexpr void to_bytes(u8 (&out)[16]) const {
        mutable_byte_view v(out);
        store_le(v, 0, 4, data1);
        store_le(v, 4, 2, data2);
        store_le(v, 6, 2, data3);
        for (int i = 0; i < 8; ++i) out[8 + i] = data4[i];
    }
    static constexpr guid from_bytes(byte_view b) {
        guid g{static_cast<u32>(load_le(b, 0, 4)), static_cast<u16>(load_le(b, 4, 2)),
               static_cast<u16>(load_le(b, 6, 2)), {}};
        for (int i = 0; i < 8; ++i) g.data4[i] = b[8 + static_cast<std::size_t>(i)];
        return g;
    }
    friend constexpr bool operator==(const guid&, const guid&) = default;
};

// SLR_TABLE_GUID: the UEFI configuration table that carried the SLRT up to Linux v15.
inline constexpr guid slr_table_guid{0x877a9b2a, 0x0385, 0x45d1, {0xa0, 0x34, 0x9d, 0xac, 0x9c, 0x9e, 0x56, 0x5f}};

// EFI_SLAUNCH_PROTOCOL_GUID (Linux v16 slr_efi.h): installed by the loader on the kernel image handle.
inline constexpr guid efi_slaunch_protocol_guid{0x534189e0, 0x6fde, 0x413d, {0xbe, 0x91, 0xcd, 0x4e, 0x8d, 0x67, 0x2f, 0xea}};

}  // namespace slrt
