// SPDX-License-Identifier: MIT
// Typed registers: named bit fields in datasheet order, reserved bits marked, and one field
// printer that the tools and a bare-metal console share.
//
// A register is described once, as a table of bit_field values. The typed accessors of a
// register struct read their field through the same bit_field constants, so a bit position is
// written in exactly one place:
//
//   namespace sts_field { inline constexpr bit_field senter_done{"SENTER.DONE.STS", 0, 1}; }
//   inline constexpr bit_field sts_fields[] = {sts_field::senter_done, ...};
//   inline constexpr register_info sts_info{"TXT.STS", 0x000, 64, sts_fields, "SDG B.1.1"};
//   struct sts { u64 raw; constexpr bool senter_done() const { return sts_field::senter_done.get(raw); } };
#pragma once

#include <cstddef>

#include "dlh/base.hpp"
#include "slrt/bytes.hpp"

namespace dlh {

// Bits [lsb, lsb + width) of a register. `reserved` fields are printed and checked but have no
// accessor; `meaning` is a short note for the printer ("1 = production fused").
struct bit_field {
    const char* name = "";
    u8 lsb = 0;
    u8 width = 1;
    bool reserved = false;
    const char* meaning = "";

    constexpr u64 mask() const {
        const u64 low = width >= 64 ? ~u64{0} : (u64{1} << width) - 1;
        return low << lsb;
    }
    constexpr u64 get(u64 raw) const { return (raw & mask()) >> lsb; }
    constexpr bool test(u64 raw) const { return get(raw) != 0; }
    // `raw` with this field replaced by `value` (bits of `value` beyond the width are dropped).
    constexpr u64 with(u64 raw, u64 value) const { return (raw & ~mask()) | ((value << lsb) & mask()); }
};

// A reserved range, for field tables.
constexpr bit_field reserved_bits(u8 lsb, u8 width) { return bit_field{"reserved", lsb, width, true, ""}; }

// One register (or MSR, or capability word): its name, where it lives, its width and its fields
// in ascending bit order. `offset` is the register's offset in its space, or the MSR index.
struct register_info {
    const char* name = "";
    u32 offset = 0;
    u8 bits = 64;
    const bit_field* fields = nullptr;
    std::size_t field_count = 0;
    const char* source = "";  // the datasheet section the layout comes from

    template <std::size_t N>
    constexpr register_info(const char* n, u32 off, u8 width, const bit_field (&f)[N], const char* src)
        : name(n), offset(off), bits(width), fields(f), field_count(N), source(src) {}
    constexpr register_info() = default;

    constexpr const bit_field* begin() const { return fields; }
    constexpr const bit_field* end() const { return fields + field_count; }

    // Bits marked reserved (plus any bit no field describes, within the width).
    constexpr u64 reserved_mask() const {
        u64 described = 0, reserved = 0;
        for (const bit_field& f : *this) {
            described |= f.mask();
            if (f.reserved) reserved |= f.mask();
        }
        const u64 width_mask = bits >= 64 ? ~u64{0} : (u64{1} << bits) - 1;
        return (reserved | (width_mask & ~described));
    }
};

// ---------------------------------------------------------------------------
// The printer: freestanding text into a caller buffer (NUL-terminated, truncated to fit), so a
// console without libc prints what the tools print.
//
//   TXT.STS (0x000) = 0x0000000000010003
//     [0] SENTER.DONE.STS = 1
//     [5:2] reserved = 0
//   ...
// ---------------------------------------------------------------------------

class text_sink {
public:
    constexpr text_sink(char* out, std::size_t capacity) : out_(out), capacity_(capacity) {
        if (capacity_) out_[0] = '\0';
    }
    constexpr void put(char c) {
        if (length_ + 1 < capacity_) {
            out_[length_++] = c;
            out_[length_] = '\0';
        }
    }
    constexpr void text(const char* s) {
        for (; s && *s; ++s) put(*s);
    }
    // Hex with at least `min_digits` digits, "0x" prefixed.
    constexpr void hex(u64 v, int min_digits = 1) {
        text("0x");
        int digits = 1;
        for (u64 t = v >> 4; t; t >>= 4) ++digits;
        if (digits < min_digits) digits = min_digits;
        for (int i = digits - 1; i >= 0; --i) put("0123456789abcdef"[(v >> (4 * i)) & 0xf]);
    }
    // Decimal for values below 2^32 (no 64-bit division helper on i386).
    constexpr void dec(u32 v) {
        char buf[10]{};
        int k = 0;
        do {
            buf[k++] = static_cast<char>('0' + v % 10);
            v /= 10;
        } while (v);
        while (k) put(buf[--k]);
    }
    constexpr std::size_t size() const { return length_; }

private:
    char* out_;
    std::size_t capacity_;
    std::size_t length_ = 0;
};

// "[lsb]" or "[msb:lsb]", datasheet style.
constexpr void print_bit_range(text_sink& sink, const bit_field& f) {
    sink.put('[');
    if (f.width > 1) {
        sink.dec(static_cast<u32>(f.lsb + f.width - 1));
        sink.put(':');
    }
    sink.dec(f.lsb);
    sink.put(']');
}

// One line per field. Reserved fields are printed only when `show_reserved` or when non-zero
// (a set reserved bit is worth a look); such lines end in "  <- reserved bits set".
constexpr std::size_t format_register(const register_info& info, u64 raw, char* out, std::size_t capacity,
                                      bool show_reserved = false) {
    text_sink sink(out, capacity);
    sink.text(info.name);
    sink.text(" (");
    sink.hex(info.offset, 3);
    sink.text(") = ");
    sink.hex(raw, info.bits / 4);
    sink.put('\n');
    for (const bit_field& f : info) {
        const u64 v = f.get(raw);
        if (f.reserved && !show_reserved && v == 0) continue;
        sink.text("  ");
        print_bit_range(sink, f);
        sink.put(' ');
        sink.text(f.name);
        sink.text(" = ");
        if (f.width == 1)
            sink.put(v ? '1' : '0');
        else
            sink.hex(v);
        if (f.reserved && v != 0) sink.text("  <- reserved bits set");
        else if (f.meaning && *f.meaning) {
            sink.text("  (");
            sink.text(f.meaning);
            sink.put(')');
        }
        sink.put('\n');
    }
    return sink.size();
}

}  // namespace dlh
