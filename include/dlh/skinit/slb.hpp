// SPDX-License-Identifier: MIT
// The SKINIT secure loader block (SLB): its two header words, the measured bytes and where the
// block may sit in physical memory (AMD64 APM vol. 2 §15.27.2-15.27.3, spec/skinit.md §3).
//
//   SLB base   64 KiB-aligned, the whole 64 KiB below 4 GiB (SKINIT clears EAX[15:0])
//   @0 u16     entry point: offset of the first instruction, inside the measured bytes
//   @2 u16     length: bytes [0, length) are sent to the TPM; the header words are among them
//   [length, 64 KiB)  not measured; usable at once (stack, data); ESP = base + 64 KiB at entry
//
// The rest of the layout is software convention (skl.hpp: the secure-kernel-loader headers).
#pragma once

#include "dlh/base.hpp"
#include "dlh/range.hpp"
#include "slrt/bytes.hpp"
#include "slrt/error.hpp"

namespace dlh::skinit {

inline constexpr u32 slb_size = 0x10000;       // APM §15.27.3: the SLB is 64 KiB
inline constexpr u32 slb_alignment = 0x10000;  // ... at a 64 KiB-aligned physical address
inline constexpr u32 slb_header_size = 4;      // the two words SKINIT reads

namespace wire {

// APM §15.27.2: the two words at the start of every SLB.
struct slb_header {
    slrt::le_u16 entry_point;  // @0 offset of the secure loader's entry point
    slrt::le_u16 length;       // @2 measured length in bytes (at most 65535)
};
static_assert(sizeof(slb_header) == 4 && alignof(slb_header) == 1);
static_assert(offsetof(slb_header, entry_point) == 0 && offsetof(slb_header, length) == 2);

}  // namespace wire

struct slb_header {
    u16 entry_point = 0;
    u16 length = 0;
    friend constexpr bool operator==(const slb_header&, const slb_header&) = default;
};

// A parsed SLB image: its header and the bytes SKINIT measures (a subview of the image).
struct slb {
    slb_header header{};
    byte_view measured{};  // image[0, header.length)
    u32 image_size = 0;
};

// Reads the two words. Needs 4 bytes (rule SKINIT-1).
constexpr result<slb_header> decode_slb_header(byte_view image) {
    if (image.size() < slb_header_size)
        return error{errc::truncated_header, 0, no_entry, "slb_header", "SKINIT-1",
                     "an SLB starts with two 16-bit words (entry point, length)", image.size(), slb_header_size};
    return slb_header{static_cast<u16>(load_le(image, 0, 2)), static_cast<u16>(load_le(image, 2, 2))};
}

// The header rules against an image of `image_size` bytes (rules SKINIT-2..5).
constexpr status validate_slb_header(const slb_header& h, u64 image_size) {
    if (image_size > slb_size)
        return error{errc::out_of_bounds, slb_size, no_entry, "slb", "SKINIT-2",
                     "an SLB image is at most 64 KiB", image_size, slb_size};
    if (h.length < slb_header_size)
        return error{errc::value_out_of_range, 2, no_entry, "slb_header.length", "SKINIT-3",
                     "the measured bytes must include the two header words", h.length, slb_header_size};
    if (h.length > image_size)
        return error{errc::out_of_bounds, 2, no_entry, "slb_header.length", "SKINIT-4",
                     "the measured length runs past the end of the image", h.length, image_size};
    if (h.entry_point >= h.length)
        return error{errc::out_of_bounds, 0, no_entry, "slb_header.entry_point", "SKINIT-5",
                     "the entry point must lie inside the measured bytes", h.entry_point, h.length};
    return success;
}

// Decodes and validates an SLB image (the file a loader copies to the SLB base, or the whole
// 64 KiB block): rules SKINIT-1..5.
constexpr result<slb> parse_slb(byte_view image) {
    const result<slb_header> h = decode_slb_header(image);
    if (!h) return h.err();
    if (const status s = validate_slb_header(*h, image.size()); !s) return s.err();
    return slb{*h, image.subview(0, h->length), static_cast<u32>(image.size())};
}

// Writes the two words (4 bytes).
constexpr status encode_slb_header(const slb_header& h, mutable_byte_view out) {
    if (out.size() < slb_header_size)
        return error{errc::buffer_too_small, 0, no_entry, "slb_header", "SKINIT-1",
                     "an SLB header needs 4 bytes", out.size(), slb_header_size};
    store_le(out, 0, 2, h.entry_point);
    store_le(out, 2, 2, h.length);
    return success;
}

// ---------------------------------------------------------------------------------------------
// Placement (APM §15.27.3, §15.27.6 step 2)

// The base SKINIT uses for EAX: bits 15:0 are cleared, so an unaligned EAX silently moves the SLB.
constexpr u64 slb_base_from_eax(u32 eax) { return eax & ~u32{slb_alignment - 1}; }

// The 64 KiB the CPU protects from DMA (SL_DEV) from the launch on: the whole block, measured or not.
constexpr range slb_range(u64 base) { return range{base, slb_size}; }

// Where a loader may put the SLB: 64 KiB-aligned (SKINIT-6) and ending at or below 4 GiB (SKINIT-7).
constexpr status check_slb_base(u64 base) {
    if ((base & (slb_alignment - 1)) != 0)  // a mask, not %: no 64-bit division helper on i386
        return error{errc::misaligned, 0, no_entry, "slb_base", "SKINIT-6",
                     "the SLB must start on a 64 KiB boundary (SKINIT clears EAX[15:0])", base, slb_alignment};
    if (!slb_range(base).below(four_gib))
        return error{errc::out_of_bounds, 0, no_entry, "slb_base", "SKINIT-7",
                     "the 64 KiB SLB must lie below 4 GiB", base, four_gib - slb_size};
    return success;
}

}  // namespace dlh::skinit
