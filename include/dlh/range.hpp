// SPDX-License-Identifier: MIT
// Physical address ranges [base, base + size) without wrap-around: the one type the heap
// validator, the DMA planner and the page-table builder use to compare regions.
#pragma once

#include "dlh/base.hpp"
#include "slrt/bytes.hpp"

namespace dlh {

struct range {
    u64 base = 0;
    u64 size = 0;

    // False when base + size does not fit in 64 bits; every other query assumes valid().
    constexpr bool valid() const { return size <= ~u64{0} - base; }
    constexpr bool empty() const { return size == 0; }
    // One past the last byte (valid ranges only).
    constexpr u64 end() const { return base + size; }
    constexpr bool contains(u64 address) const { return address >= base && address - base < size; }
    // `inner` lies entirely within this range (an empty inner range at any point inside counts).
    constexpr bool contains(const range& inner) const {
        return inner.base >= base && inner.base - base <= size && inner.size <= size - (inner.base - base);
    }
    constexpr bool overlaps(const range& other) const {
        if (empty() || other.empty()) return false;
        return base < other.end() && other.base < end();
    }
    // The range lies below `limit` (end() <= limit), e.g. below 4 GiB.
    constexpr bool below(u64 limit) const { return base <= limit && size <= limit - base; }

    friend constexpr bool operator==(const range&, const range&) = default;
};

inline constexpr u64 four_gib = u64{1} << 32;

constexpr bool is_aligned(u64 value, u64 alignment) { return alignment == 0 || value % alignment == 0; }
constexpr u64 align_down(u64 value, u64 alignment) { return value - value % alignment; }
// value rounded up to `alignment`; false (and `out` untouched) when that does not fit in 64 bits.
constexpr bool align_up(u64 value, u64 alignment, u64& out) {
    const u64 rem = value % alignment;
    if (rem == 0) {
        out = value;
        return true;
    }
    if (alignment - rem > ~u64{0} - value) return false;
    out = value + (alignment - rem);
    return true;
}

}  // namespace dlh
