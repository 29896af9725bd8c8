// SPDX-License-Identifier: MIT
// Byte views and little-endian codecs: the only way slrt touches table bytes.
//
// The SLRT is little-endian and packed (slrt spec §2). Everything is decoded
// byte by byte so that it works in constant evaluation, on any alignment and on
// any host byte order. No <span> or <array>: a freestanding toolchain may lack them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace slrt {

using u8 = std::uint8_t;
using u16 = std::uint16_t;
using u32 = std::uint32_t;
using u64 = std::uint64_t;

// A read-only window on bytes the caller owns. Every access below is checked
// against `size()`; subviews are clamped, never widened.
class byte_view {
public:
    constexpr byte_view() = default;
    constexpr byte_view(const u8* data, std::size_t size) : data_(data), size_(size) {}
    template <std::size_t N>
    constexpr byte_view(const u8 (&array)[N]) : data_(array), size_(N) {}

    constexpr const u8* data() const { return data_; }
    constexpr std::size_t size() const { return size_; }
    constexpr bool empty() const { return size_ == 0; }
    constexpr const u8* begin() const { return data_; }
    constexpr const u8* end() const { return data_ + size_; }

    // Precondition: index < size(). Callers check bounds as remaining space first.
    constexpr u8 operator[](std::size_t index) const { return data_[index]; }

    // The bytes [offset, offset + count) clamped to the view; empty if offset is past the end.
    constexpr byte_view subview(std::size_t offset, std::size_t count) const {
        if (offset > size_) return {};
        const std::size_t remaining = size_ - offset;
        return {data_ + offset, count < remaining ? count : remaining};
    }
    constexpr byte_view subview(std::size_t offset) const { return subview(offset, size_); }

private:
    const u8* data_ = nullptr;
    std::size_t size_ = 0;
};

// A writable window, used by builders and encoders.
class mutable_byte_view {
public:
    constexpr mutable_byte_view() = default;
    constexpr mutable_byte_view(u8* data, std::size_t size) : data_(data), size_(size) {}
    template <std::size_t N>
    constexpr mutable_byte_view(u8 (&array)[N]) : data_(array), size_(N) {}

    constexpr u8* data() const { return data_; }
    constexpr std::size_t size() const { return size_; }
    constexpr u8& operator[](std::size_t index) const { return data_[index]; }
    constexpr operator byte_view() const { return {data_, size_}; }

    constexpr mutable_byte_view subview(std::size_t offset, std::size_t count) const {
        if (offset > size_) return {};
        const std::size_t remaining = size_ - offset;
        return {data_ + offset, count < remaining ? count : remaining};
    }

private:
    u8* data_ = nullptr;
    std::size_t size_ = 0;
};

// True when [offset, offset + count) lies inside a buffer of `size` bytes,
// written as remaining space so that no sum can wrap.
constexpr bool fits(std::size_t size, std::size_t offset, std::size_t count) {
    return offset <= size && count <= size - offset;
}

// Little-endian load of `width` (1..8) bytes. Precondition: fits(bytes.size(), offset, width).
constexpr u64 load_le(byte_view bytes, std::size_t offset, std::size_t width) {
    u64 value = 0;
    for (std::size_t i = width; i-- > 0;) value = (value << 8) | bytes[offset + i];
    return value;
}

// Little-endian store of the low `width` bytes of value. Same precondition.
constexpr void store_le(mutable_byte_view bytes, std::size_t offset, std::size_t width, u64 value) {
    for (std::size_t i = 0; i < width; ++i) {
        bytes[offset + i] = static_cast<u8>(value & 0xffu);
        value >>= 8;
    }
}

constexpr void fill(mutable_byte_view bytes, std::size_t offset, std::size_t count, u8 value) {
    for (std::size_t i = 0; i < count; ++i) bytes[offset + i] = value;
}

constexpr void copy(mutable_byte_view to, std::size_t to_offset, byte_view from) {
    for (std::size_t i = 0; i < from.size(); ++i) to[to_offset + i] = from[i];
}

constexpr bool equal(byte_view a, byte_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i] != b[i]) return false;
    return true;
}

constexpr bool all_zero(byte_view bytes) {
    for (std::size_t i = 0; i < bytes.size(); ++i)
        if (bytes[i] != 0) return false;
    return true;
}

// The largest value a field of `width` bytes holds.
constexpr u64 max_for_width(std::size_t width) {
    return width >= 8 ? ~u64{0} : (u64{1} << (8 * width)) - 1;
}

// An unaligned little-endian integer for packed overlay structs (C interop).
// alignof == 1 and sizeof == sizeof(T), so overlays match the wire byte for byte.
template <class T>
struct le {
    static_assert(std::is_unsigned_v<T>);
    u8 bytes[sizeof(T)];

    constexpr T get() const {
        T value = 0;
        for (std::size_t i = sizeof(T); i-- > 0;) value = static_cast<T>((value << 8) | bytes[i]);
        return value;
    }
    constexpr void set(T value) {
        for (std::size_t i = 0; i < sizeof(T); ++i) {
            bytes[i] = static_cast<u8>(value & 0xffu);
            value = static_cast<T>(value >> 8);
        }
    }
};
using le_u16 = le<u16>;
using le_u32 = le<u32>;
using le_u64 = le<u64>;
static_assert(sizeof(le_u64) == 8 && alignof(le_u64) == 1);

}  // namespace slrt
