// SPDX-License-Identifier: MIT
// Placing an SLRT in an SKL image at bootloader_data_offset, where SKL and the AMD Secure Launch
// kernels look for it (skinit-arm-tcg.md A.8.4, A.8.7; slrt.md §5; spec/skinit.md §6).
//
// The caller's buffer holds the SKL image (the file copied to the start of a 64 KiB block, rest
// zero). place_slrt() validates the image (SKINIT-1..5, SKL-20..33), validates the table with
// slrt's strict parser under the layout SKL reads (v10 by default), checks that the table fits
// where it goes, then copies it to bootloader_data_offset and zero-fills the rest of its
// max_size. Every check comes first: on failure the buffer is byte-identical to what it was.
//
// Error offsets: rules SLRT-* and SKL-34..36 point into the table bytes, every other rule into
// the SLB buffer.
#pragma once

#include "dlh/skinit/skl.hpp"
#include "slrt/constants.hpp"
#include "slrt/table.hpp"

namespace dlh::skinit {

// SKL's entry code refuses to run unless this much stack is left between the end of the SLRT
// and the top of the SLB (SKL head.S MAX_STACK_SIZE).
inline constexpr u32 skl_min_stack = 0x280;

struct place_options {
    generation_choice generation = generation_choice::detect;
    slrt::layout layout = slrt::layout::v10;  // the offsets SKL reads (72-byte dl_info)
    // When the SLB's physical base is known, amd_info.slrt_base/slrt_size are checked against the
    // placement (SKL-38, SKL-39) and the base itself against SKINIT-6/7.
    bool have_slb_base = false;
    u64 slb_base = 0;
};

struct placement {
    skl_image skl{};
    u32 slrt_offset = 0;    // = bootloader_data_offset
    u32 slrt_size = 0;      // slr_table.size
    u32 slrt_max_size = 0;  // slr_table.max_size: bytes reserved (and zero-filled) for the table
    u32 room = 0;           // 64 KiB - bootloader_data_offset
};

constexpr result<placement> place_slrt(mutable_byte_view slb_buffer, byte_view slrt_bytes,
                                       const place_options& options = {}) {
    const result<skl_image> skl = parse_skl(slb_buffer, options.generation);
    if (!skl) return skl.err();
    const skl_header& h = skl->header;
    const u32 at = h.bootloader_data_offset;
    const u32 room = skl->slrt_room();

    const result<slrt::table> t = slrt::parse(slrt_bytes, {options.layout, slrt::mode::strict});
    if (!t) return t.err();
    const slrt::table_header& th = t->header();
    if (th.architecture != slrt::architecture::amd_skinit)
        return error{errc::architecture_mismatch, 6, no_entry, "slr_table.architecture", "SKL-34",
                     "an SLRT in an SLB must be an AMD SKINIT table (architecture 2)",
                     static_cast<u16>(th.architecture), static_cast<u16>(slrt::architecture::amd_skinit)};
    if (th.max_size > room)
        return error{errc::out_of_bounds, 12, no_entry, "slr_table.max_size", "SKL-35",
                     "max_size lets the table grow past the end of the SLB", th.max_size, room};
    if (u64{at} + th.size + skl_min_stack > slb_size)
        return error{errc::out_of_bounds, 8, no_entry, "slr_table.size", "SKL-36",
                     "SKL needs 0x280 bytes of stack between the end of the SLRT and the top of the SLB", th.size,
                     slb_size - skl_min_stack - at};
    if (slb_buffer.size() < u64{at} + th.max_size)
        return error{errc::buffer_too_small, bootloader_data_offset_at(h.generation), no_entry, "slb", "SKL-37",
                     "the buffer ends before bootloader_data_offset + max_size", slb_buffer.size(),
                     u64{at} + th.max_size};
    if (options.have_slb_base) {
        if (const status s = check_slb_base(options.slb_base); !s) return s.err();
        if (const result<slrt::entry_ref> e = t->find(slrt::tag::amd_info); e) {
            const slrt::amd_info info = t->decode_fixed<slrt::amd_info>(t->entry_bytes(*e));
            const slrt::layout_desc& d = t->desc();
            if (info.slrt_base != options.slb_base + at)
                return error{errc::value_out_of_range, e->offset + d.amd_info.slrt_base.offset, e->index,
                             "amd_info.slrt_base", "SKL-38", "slrt_base must be the SLB base + bootloader_data_offset",
                             info.slrt_base, options.slb_base + at};
            if (info.slrt_size < th.size || info.slrt_size > room)
                return error{errc::value_out_of_range, e->offset + d.amd_info.slrt_size.offset, e->index,
                             "amd_info.slrt_size", "SKL-39",
                             "slrt_size must cover the table and stay inside the SLB", info.slrt_size, room};
        }
    }

    slrt::copy(slb_buffer, at, t->bytes());
    slrt::fill(slb_buffer, at + th.size, th.max_size - th.size, 0);
    return placement{*skl, at, th.size, th.max_size, room};
}

}  // namespace dlh::skinit
