// SPDX-License-Identifier: MIT
// What every Arm DRTM header shares: the slrt vocabulary it uses, the 4 KiB DRTM page, and
// the error constructor. Arm DRTM is DEN0113 "DRTM Architecture for Arm"; the sources cited
// in these headers are tagged as in skinit-arm-tcg.md §0 ([TFA] TF-A's DRTM service, [ACS]
// the Arm system architecture compliance suite, [JG] the arm64 DRTM series quoting DEN0113
// v1.4B). spec/arm-drtm.md describes every structure and rule.
#pragma once

#include <cstddef>

#include "dlh/base.hpp"
#include "dlh/bits.hpp"
#include "dlh/range.hpp"
#include "slrt/bytes.hpp"
#include "slrt/error.hpp"

namespace dlh::arm {

// The DRTM page: DRTM_PARAMETERS, the DLME region, the DLME image and the DLME data start on
// 4 KiB boundaries, and region descriptors count 4 KiB pages (skinit-arm-tcg.md §B.4, §B.7).
inline constexpr u64 page_size = 0x1000;
inline constexpr u64 page_mask = page_size - 1;
inline constexpr u32 page_shift = 12;

constexpr bool page_aligned(u64 value) { return (value & page_mask) == 0; }

// One failure of an Arm DRTM rule. `offset` is a byte offset within the bytes the parser was
// given (for checks of values that came from no bytes, the offset the field has on the wire).
constexpr error arm_error(errc code, u64 offset, u32 entry, const char* field, const char* rule,
                          const char* message, u64 value, u64 limit) {
    return error{code, offset > 0xffffffffu ? 0xffffffffu : static_cast<u32>(offset), entry, field, rule, message,
                 value, limit};
}

// Exact, case-sensitive comparison of NUL-terminated names (tools map names to enums).
constexpr bool same_name(const char* a, const char* b) {
    if (!a || !b) return false;
    std::size_t i = 0;
    while (a[i] != '\0' && a[i] == b[i]) ++i;
    return a[i] == b[i];
}

}  // namespace dlh::arm
