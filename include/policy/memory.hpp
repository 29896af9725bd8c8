// SPDX-License-Identifier: MIT
// Physical memory as policy evaluation sees it: a concept and three backends.
//
// Every address and size in an SLRT policy is untrusted. A memory backend reads
// exactly the bytes asked for or fails with a typed error; it never returns a
// partial read. Policy evaluation only ever reads through this interface.
#pragma once

#include <concepts>
#include <cstddef>

#include "slrt/bytes.hpp"
#include "slrt/error.hpp"

namespace slrt {

// read(addr, out): fill all of `out` with the bytes at physical [addr, addr + out.size()).
template <class M>
concept memory = requires(const M& m, u64 addr, mutable_byte_view out) {
    { m.read(addr, out) } -> std::same_as<status>;
};

namespace detail {
constexpr error unmapped(u64 addr, u64 size) {
    return error{errc::memory_unmapped, 0, no_entry, "memory", "POL-1",
                 "the range is not inside the memory the measurement may read", addr, size};
}
}  // namespace detail

// One block of bytes that sits at a physical address (a memory dump, a file placed at an address).
class memory_image {
public:
    constexpr memory_image() = default;
    constexpr memory_image(u64 base, byte_view bytes) : base_(base), bytes_(bytes) {}

    constexpr u64 base() const { return base_; }
    constexpr byte_view bytes() const { return bytes_; }
    constexpr bool contains(u64 addr, u64 size) const {
        return addr >= base_ && addr - base_ <= bytes_.size() && size <= bytes_.size() - (addr - base_);
    }
    constexpr status read(u64 addr, mutable_byte_view out) const {
        if (!contains(addr, out.size())) return detail::unmapped(addr, out.size());
        copy(out, 0, bytes_.subview(static_cast<std::size_t>(addr - base_), out.size()));
        return success;
    }

private:
    u64 base_ = 0;
    byte_view bytes_{};
};

// Several images at their addresses (files placed in memory). A read must lie
// inside one region: a range spanning two adjacent regions is refused, as a
// measured object is one contiguous allocation.
template <std::size_t Capacity = 32>
class memory_regions {
public:
    constexpr status add(u64 base, byte_view bytes) {
        if (count_ == Capacity)
            return error{errc::bad_argument, 0, no_entry, "memory_regions", "POL-1", "too many regions",
                         count_, Capacity};
        if (bytes.size() > ~u64{0} - base)
            return error{errc::address_wrap, 0, no_entry, "memory_regions", "POL-1",
                         "region base + size wraps past 2^64", base, bytes.size()};
        regions_[count_++] = memory_image(base, bytes);
        return success;
    }
    constexpr std::size_t size() const { return count_; }
    constexpr const memory_image& operator[](std::size_t i) const { return regions_[i]; }
    constexpr status read(u64 addr, mutable_byte_view out) const {
        for (std::size_t i = 0; i < count_; ++i)
            if (regions_[i].contains(addr, out.size())) return regions_[i].read(addr, out);
        return detail::unmapped(addr, out.size());
    }

private:
    memory_image regions_[Capacity]{};
    std::size_t count_ = 0;
};

// Bare metal with physical memory identity-mapped (a DLME before paging, a
// loader in flat protected mode). Reads are confined to [low, high) so that a
// hostile address cannot reach MMIO or the launch environment's own memory.
class identity_mapped_memory {
public:
    constexpr identity_mapped_memory(u64 low, u64 high) : low_(low), high_(high) {}
    status read(u64 addr, mutable_byte_view out) const {
        if (addr < low_ || addr > high_ || out.size() > high_ - addr || addr > static_cast<u64>(~std::uintptr_t{0}))
            return detail::unmapped(addr, out.size());
        const volatile u8* p = reinterpret_cast<const volatile u8*>(static_cast<std::uintptr_t>(addr));
        for (std::size_t i = 0; i < out.size(); ++i) out[i] = p[i];
        return success;
    }

private:
    u64 low_, high_;
};

static_assert(memory<memory_image> && memory<memory_regions<>> && memory<identity_mapped_memory>);

}  // namespace slrt
