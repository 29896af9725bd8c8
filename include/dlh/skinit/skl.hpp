// SPDX-License-Identifier: MIT
// The TrenchBoot secure-kernel-loader (SKL) image: its two incompatible SLB header generations,
// skl_info, generation detection and the placement checks loaders apply
// (skinit-arm-tcg.md A.8.1-A.8.4; spec/skinit.md §5).
//
// Both generations start with the two SKINIT words (slb.hpp) and add two loader words:
//
//   gen1, 8 bytes (SKL head.S up to 2024, GRUB skinit.c "SLB_ENTRY/SLB_MEASURED/SLB_INFO/SLB_PARAM"):
//     @0 skl_entry_point  @2 skl_measured_size  @4 skl_info_offset  @6 bootloader_data_offset
//   gen2, 70 bytes ("AMD-defined layout": GRUB skl.c, the Linux AMD RFC, Xen, a coreboot PoC):
//     @0 skl_entry_point  @2 length  @4 reserved[62]  @0x42 skl_info_offset  @0x44 bootloader_data_offset
//
// skl_info (measured, inside the image): uuid[16] = 78 f1 26 8e 04 92 11 e9 83 2a c8 5b 76 c4 cc 02,
// then u32 version = 0.
//
// Generation detection. Nothing in the bytes names the generation, and the words at 4 and 6 of a
// gen2 image are reserved bytes, so a wrong guess reads garbage offsets. detect_generation()
// therefore never guesses: it looks for the SKL UUID at the skl_info_offset each generation would
// give (the same UUID every loader compares) and
//   - takes the generation whose offset finds it, when exactly one does;
//   - fails with SKL-21 (not_found) when neither does (not an SKL image, or skl_info outside it);
//   - fails with SKL-22 (unsupported_version) when both do: only possible when a gen2 image's
//     reserved bytes 4..5 hold an offset that also points at the UUID. The caller must then name
//     the generation (generation_choice::gen1/gen2).
// Not used for detection: the entry point (0x46 is typical for gen2, but no rule requires it) and
// zero reserved bytes (what AMD defines in them is not public: UNVERIFIED, maybe PSP DRTM data).
#pragma once

#include <initializer_list>

#include "dlh/skinit/slb.hpp"

namespace dlh::skinit {

// skl_info.uuid (SKL main.c, GRUB skinit.c/skl.c, SKL sanity_check.sh).
inline constexpr u8 skl_uuid[16] = {0x78, 0xf1, 0x26, 0x8e, 0x04, 0x92, 0x11, 0xe9,
                                    0x83, 0x2a, 0xc8, 0x5b, 0x76, 0xc4, 0xcc, 0x02};
inline constexpr u32 skl_version = 0;       // the only skl_info.version loaders accept
inline constexpr u32 skl_info_size = 20;    // uuid[16] + u32 version
inline constexpr u32 slrt_min_room = 0x1000;  // loaders reserve at least 4 KiB for the SLRT

enum class skl_generation : u8 {
    gen1 = 1,  // 8-byte header
    gen2 = 2,  // 70-byte header
};
constexpr const char* name(skl_generation g) { return g == skl_generation::gen1 ? "gen1" : "gen2"; }
constexpr u32 header_size(skl_generation g) { return g == skl_generation::gen1 ? 8u : 70u; }
// Offsets of the two loader words in each generation.
constexpr u32 skl_info_offset_at(skl_generation g) { return g == skl_generation::gen1 ? 4u : 0x42u; }
constexpr u32 bootloader_data_offset_at(skl_generation g) { return g == skl_generation::gen1 ? 6u : 0x44u; }

enum class generation_choice : u8 { detect, gen1, gen2 };

namespace wire {

// Generation 1 (SKL master 597a840, slrt branch e4f7e32; head.S sl_header).
struct skl_header_gen1 {
    slrt::le_u16 skl_entry_point;         // @0 AMD word 0
    slrt::le_u16 skl_measured_size;       // @2 AMD word 1 (_end_of_measured)
    slrt::le_u16 skl_info_offset;         // @4
    slrt::le_u16 bootloader_data_offset;  // @6 where the loader writes the SLRT
};
static_assert(sizeof(skl_header_gen1) == 8 && alignof(skl_header_gen1) == 1);
static_assert(offsetof(skl_header_gen1, skl_entry_point) == 0 && offsetof(skl_header_gen1, skl_measured_size) == 2);
static_assert(offsetof(skl_header_gen1, skl_info_offset) == 4 && offsetof(skl_header_gen1, bootloader_data_offset) == 6);

// Generation 2 (GRUB grub_sl_header, Linux AMD RFC sl_header, Xen skinit_sl_header).
struct skl_header_gen2 {
    slrt::le_u16 skl_entry_point;         // @0 AMD word 0
    slrt::le_u16 length;                  // @2 AMD word 1
    u8 reserved[62];                      // @4 AMD-defined, content not public
    slrt::le_u16 skl_info_offset;         // @0x42
    slrt::le_u16 bootloader_data_offset;  // @0x44
};
static_assert(sizeof(skl_header_gen2) == 70 && alignof(skl_header_gen2) == 1);
static_assert(offsetof(skl_header_gen2, skl_entry_point) == 0 && offsetof(skl_header_gen2, length) == 2);
static_assert(offsetof(skl_header_gen2, reserved) == 4 && offsetof(skl_header_gen2, skl_info_offset) == 0x42);
static_assert(offsetof(skl_header_gen2, bootloader_data_offset) == 0x44);

// skl_info as the SKL image carries it (SKL include/boot.h). GRUB's own copy appends
// msb_key_algo and msb_key_hash[64], which it never compares.
struct skl_info {
    u8 uuid[16];          // @0
    slrt::le_u32 version;  // @16
};
static_assert(sizeof(skl_info) == 20 && alignof(skl_info) == 1);
static_assert(offsetof(skl_info, uuid) == 0 && offsetof(skl_info, version) == 16);

}  // namespace wire

// Both generations in one native value. `length` is gen1's skl_measured_size; `reserved` is the
// gen2 reserved area (all zero for gen1).
struct skl_header {
    skl_generation generation = skl_generation::gen2;
    u16 entry_point = 0;
    u16 length = 0;
    u8 reserved[62]{};
    u16 skl_info_offset = 0;
    u16 bootloader_data_offset = 0;

    constexpr bool reserved_zero() const {
        for (u8 b : reserved)
            if (b != 0) return false;
        return true;
    }
    friend constexpr bool operator==(const skl_header&, const skl_header&) = default;
};

struct skl_info {
    u8 uuid[16]{};
    u32 version = 0;
    friend constexpr bool operator==(const skl_info&, const skl_info&) = default;
};

// A validated SKL image.
struct skl_image {
    skl_header header{};
    skl_info info{};
    u32 image_size = 0;

    // Bytes from bootloader_data_offset to the end of the SLB: the most an SLRT there may use.
    constexpr u32 slrt_room() const { return slb_size - header.bootloader_data_offset; }
    friend constexpr bool operator==(const skl_image&, const skl_image&) = default;
};

// ---------------------------------------------------------------------------------------------
// Detection

// Which generations' skl_info_offset points at the SKL UUID inside the image.
struct generation_probe {
    bool gen1 = false;
    bool gen2 = false;
};

constexpr bool uuid_at(byte_view image, u32 offset) {
    return slrt::fits(image.size(), offset, sizeof skl_uuid) &&
           slrt::equal(image.subview(offset, sizeof skl_uuid), byte_view(skl_uuid));
}

constexpr generation_probe probe_generations(byte_view image) {
    generation_probe p;
    for (skl_generation g : {skl_generation::gen1, skl_generation::gen2}) {
        if (image.size() < header_size(g)) continue;
        const bool hit = uuid_at(image, static_cast<u32>(load_le(image, skl_info_offset_at(g), 2)));
        (g == skl_generation::gen1 ? p.gen1 : p.gen2) = hit;
    }
    return p;
}

// The generation of an SKL image, found by the UUID probe (rules SKL-20..22; see the top of this file).
constexpr result<skl_generation> detect_generation(byte_view image) {
    if (image.size() < header_size(skl_generation::gen1))
        return error{errc::truncated_header, 0, no_entry, "skl_header", "SKL-20",
                     "an SKL image starts with at least the 8-byte generation-1 header", image.size(),
                     header_size(skl_generation::gen1)};
    const generation_probe p = probe_generations(image);
    if (p.gen1 && p.gen2)
        return error{errc::unsupported_version, skl_info_offset_at(skl_generation::gen1), no_entry,
                     "skl_header.skl_info_offset", "SKL-22",
                     "both header generations point at the SKL UUID: the generation must be chosen explicitly",
                     load_le(image, 4, 2), load_le(image, 0x42, 2)};
    if (p.gen1) return skl_generation::gen1;
    if (p.gen2) return skl_generation::gen2;
    return error{errc::not_found, 0, no_entry, "skl_info.uuid", "SKL-21",
                 "neither header generation's skl_info_offset points at the SKL UUID", 0, 0};
}

// ---------------------------------------------------------------------------------------------
// Decoding, validation, encoding

// Decodes the header of generation `g` (rule SKL-20 when the image is shorter than the header).
constexpr result<skl_header> decode_skl_header(byte_view image, skl_generation g) {
    if (image.size() < header_size(g))
        return error{errc::truncated_header, 0, no_entry, "skl_header", "SKL-20",
                     "the image is shorter than this generation's header", image.size(), header_size(g)};
    skl_header h;
    h.generation = g;
    h.entry_point = static_cast<u16>(load_le(image, 0, 2));
    h.length = static_cast<u16>(load_le(image, 2, 2));
    if (g == skl_generation::gen2)
        for (u32 i = 0; i < sizeof h.reserved; ++i) h.reserved[i] = image[4 + i];
    h.skl_info_offset = static_cast<u16>(load_le(image, skl_info_offset_at(g), 2));
    h.bootloader_data_offset = static_cast<u16>(load_le(image, bootloader_data_offset_at(g), 2));
    return h;
}

// The loaders' placement rules on a decoded header (rules SKL-30..33). The entry-point rule is
// SKINIT-5 (slb.hpp). GRUB requires only the 16 UUID bytes of skl_info to be measured; slrt
// requires all 20, so that the version a loader checks is measured too.
constexpr status check_skl_placement(const skl_header& h) {
    const skl_generation g = h.generation;
    if (h.length < header_size(g))
        return error{errc::value_out_of_range, 2, no_entry, "skl_header.length", "SKL-30",
                     "the measured bytes must cover the whole SKL header (its loader words included)", h.length,
                     header_size(g)};
    if (u32{h.skl_info_offset} + skl_info_size > h.length)
        return error{errc::out_of_bounds, skl_info_offset_at(g), no_entry, "skl_header.skl_info_offset", "SKL-31",
                     "skl_info (UUID and version, 20 bytes) must lie inside the measured bytes", h.skl_info_offset,
                     h.length >= skl_info_size ? h.length - skl_info_size : 0};
    if (h.bootloader_data_offset < h.length)
        return error{errc::overlap, bootloader_data_offset_at(g), no_entry, "skl_header.bootloader_data_offset",
                     "SKL-32", "the SLRT at bootloader_data_offset would be measured: it must start at or after length",
                     h.bootloader_data_offset, h.length};
    if (slb_size - h.bootloader_data_offset < slrt_min_room)
        return error{errc::out_of_bounds, bootloader_data_offset_at(g), no_entry, "skl_header.bootloader_data_offset",
                     "SKL-33", "at least 4 KiB must follow bootloader_data_offset for the SLRT",
                     h.bootloader_data_offset, slb_size - slrt_min_room};
    return success;
}

// Decodes skl_info at the header's offset and checks it (rules SKL-23..25).
constexpr result<skl_info> decode_skl_info(byte_view image, const skl_header& h) {
    const u32 at = h.skl_info_offset;
    if (!slrt::fits(image.size(), at, skl_info_size))
        return error{errc::out_of_bounds, skl_info_offset_at(h.generation), no_entry, "skl_header.skl_info_offset",
                     "SKL-23", "the 20-byte skl_info runs past the end of the image", at, image.size()};
    skl_info info;
    for (u32 i = 0; i < 16; ++i) info.uuid[i] = image[at + i];
    info.version = static_cast<u32>(load_le(image, at + 16, 4));
    if (!slrt::equal(byte_view(info.uuid), byte_view(skl_uuid)))
        return error{errc::bad_uuid, at, no_entry, "skl_info.uuid", "SKL-24", "skl_info.uuid is not the SKL UUID",
                     load_le(image, at, 8), load_le(byte_view(skl_uuid), 0, 8)};
    if (info.version != skl_version)
        return error{errc::unsupported_version, at + 16, no_entry, "skl_info.version", "SKL-25",
                     "loaders accept only skl_info.version 0", info.version, skl_version};
    return info;
}

// Parses and validates an SKL image: SKINIT-1..5, then the generation (detected or chosen,
// SKL-20..22), skl_info (SKL-23..25) and the placement rules (SKL-30..33).
constexpr result<skl_image> parse_skl(byte_view image, generation_choice choice = generation_choice::detect) {
    const result<slb> s = parse_slb(image);
    if (!s) return s.err();
    skl_generation g = choice == generation_choice::gen1 ? skl_generation::gen1 : skl_generation::gen2;
    if (choice == generation_choice::detect) {
        const result<skl_generation> d = detect_generation(image);
        if (!d) return d.err();
        g = *d;
    }
    const result<skl_header> h = decode_skl_header(image, g);
    if (!h) return h.err();
    const result<skl_info> info = decode_skl_info(image, *h);
    if (!info) return info.err();
    if (const status p = check_skl_placement(*h); !p) return p.err();
    return skl_image{*h, *info, static_cast<u32>(image.size())};
}

// Writes the header of h.generation (8 or 70 bytes).
constexpr status encode_skl_header(const skl_header& h, mutable_byte_view out) {
    const u32 n = header_size(h.generation);
    if (out.size() < n)
        return error{errc::buffer_too_small, 0, no_entry, "skl_header", "SKL-20",
                     "the buffer is shorter than this generation's header", out.size(), n};
    store_le(out, 0, 2, h.entry_point);
    store_le(out, 2, 2, h.length);
    if (h.generation == skl_generation::gen2)
        for (u32 i = 0; i < sizeof h.reserved; ++i) out[4 + i] = h.reserved[i];
    store_le(out, skl_info_offset_at(h.generation), 2, h.skl_info_offset);
    store_le(out, bootloader_data_offset_at(h.generation), 2, h.bootloader_data_offset);
    return success;
}

// Writes skl_info (20 bytes).
constexpr status encode_skl_info(const skl_info& info, mutable_byte_view out) {
    if (out.size() < skl_info_size)
        return error{errc::buffer_too_small, 0, no_entry, "skl_info", "SKL-23", "skl_info needs 20 bytes",
                     out.size(), skl_info_size};
    for (u32 i = 0; i < 16; ++i) out[i] = info.uuid[i];
    store_le(out, 16, 4, info.version);
    return success;
}

// The skl_info every loader accepts.
constexpr skl_info expected_skl_info() {
    skl_info info;
    for (u32 i = 0; i < 16; ++i) info.uuid[i] = skl_uuid[i];
    info.version = skl_version;
    return info;
}

}  // namespace dlh::skinit
