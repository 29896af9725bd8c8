// SPDX-License-Identifier: MIT
// DRTM_PARAMETERS: the 88-byte structure whose physical address DRTM_DYNAMIC_LAUNCH takes in
// x1 (skinit-arm-tcg.md §B.4; [TFA] struct drtm_dl_args_v1 and drtm_dl_check_args, [JG]
// struct arm_drtm_parameters, [ACS] DRTM_PARAMETERS and test 101).
//
//   decode_parameters()   the 88 bytes into a native value (framing only: ARM-1)
//   check_parameters()    the launch checks firmware applies (ARM-2 .. ARM-26), in TF-A's order
//   parse_parameters()    both
//   build_parameters()    checks, then writes the 88 bytes (ARM-28); the buffer is unchanged on
//                         failure
//   plan_parameters()     lays out a DLME region (image at 0, data after it) for a loader
//   check_parameters_address()  the 4 KiB alignment of the structure itself (ARM-27)
//
// Rules (error.rule; error.offset is the field's offset in the 88 bytes). The DYNAMIC_LAUNCH
// status firmware returns for each is in rules.hpp.
//   ARM-1  truncated_header     fewer than 88 bytes
//   ARM-2  unsupported_version  revision outside 1..2 (TF-A answers NOT_SUPPORTED)
//   ARM-3  reserved_nonzero     the reserved u16 at 0x02 is not zero
//   ARM-4  reserved_nonzero     launch features bits [31:8] are set
//   ARM-5  out_of_bounds        dlme_image_start is not below dlme_region_size
//   ARM-6  out_of_bounds        dlme_data_offset is not below dlme_region_size
//   ARM-7  misaligned           dlme_region_address is not 4 KiB aligned
//   ARM-8  address_wrap         dlme_region_address + dlme_region_size passes 2^64 - 1
//   ARM-9  value_out_of_range   dlme_image_size is 0
//   ARM-10 overlap              the image reaches into the DLME data, which runs from
//                               dlme_data_offset to the region's end (data before the image
//                               included)
//   ARM-11 misaligned           dlme_image_start is not 4 KiB aligned
//   ARM-12 out_of_bounds        dlme_entry_point_offset is not inside the image
//   ARM-13 misaligned           the entry point is not 4-byte aligned
//   ARM-14 misaligned           dlme_data_offset is not 4 KiB aligned
//   ARM-15 size_too_small       the data region is smaller than the platform's minimum
//                               (DRTM_FEATURES 0x02 [31:0] pages)
//   ARM-16 value_out_of_range   a normal-world DCE region with a nonzero address has size 0
//   ARM-17 address_wrap         nw_dce_region_address + nw_dce_region_size passes 2^64 - 1
//   ARM-18 overlap              the normal-world DCE region overlaps the DLME region
//   ARM-19 value_out_of_range   launch features PCR schema [2:1] is 2 or 3 (reserved)
//   ARM-20 value_out_of_range   launch features DMA protection type [5:3] is 2..7 (reserved)
//   ARM-21 launch_requirement   the DLME Authorities schema without DLME image authentication
//   ARM-22 launch_requirement   the hashing type does not fit TPM feature bit 32
//   ARM-23 launch_requirement   the PCR schema is not in the platform's support bitmap
//   ARM-24 launch_requirement   the DMA protection type does not fit the platform's types
//   ARM-25 launch_requirement   DLME image authentication requested, not supported
//   ARM-26 value_out_of_range   a protection table given with complete DMA protection
//                               (MEM_PROTECT_INVALID)
//   ARM-27 misaligned           the structure's own address is not 4 KiB aligned
//   ARM-28 buffer_too_small     the builder's buffer holds fewer than 88 bytes
// ARM-15 and ARM-22..ARM-25 need the platform's DRTM_FEATURES answers; each is checked only
// when the platform reported the feature it compares against, except ARM-25: a platform that
// does not answer feature 0x06 does not authenticate DLME images.
//
// TF-A compares features for equality where the facts say "must match" (ARM-22: launch bit 0
// equals TPM feature bit 32; ARM-24: the supported-types bitmap is exactly the requested
// type's bit). feature_match::supported reads DEN0113 R44065 ("do not request what is not
// supported") instead: TPM hashing needs bit 32, the type's bit must be set.
//
// TF-A computes the normal-world DCE range in 32-bit variables (drtm_dl_check_args); this
// check works in 64 bits, so a range TF-A would misjudge above 4 GiB is judged correctly here.
#pragma once

#include <cstddef>

#include "dlh/arm/base.hpp"
#include "dlh/arm/features.hpp"
#include "dlh/arm/launch_features.hpp"

namespace dlh::arm {

namespace wire {

// DEN0113 DRTM_PARAMETERS, revisions 1 and 2 (same 88-byte layout). All fields since revision 1.
struct drtm_parameters {
    slrt::le_u16 revision;                  // 0x00 1 or 2
    slrt::le_u16 reserved;                  // 0x02 0
    slrt::le_u32 launch_features;           // 0x04 launch_features.hpp
    slrt::le_u64 dlme_region_address;       // 0x08 4 KiB aligned, normal-world memory
    slrt::le_u64 dlme_region_size;          // 0x10
    slrt::le_u64 dlme_image_start;          // 0x18 offset from the region start, 4 KiB aligned
    slrt::le_u64 dlme_entry_point_offset;   // 0x20 offset from the image start, 4-byte aligned
    slrt::le_u64 dlme_image_size;           // 0x28
    slrt::le_u64 dlme_data_offset;          // 0x30 offset from the region start, 4 KiB aligned
    slrt::le_u64 nw_dce_region_address;     // 0x38 0 = none
    slrt::le_u64 nw_dce_region_size;        // 0x40
    slrt::le_u64 protection_table_address;  // 0x48 0 with complete DMA protection
    slrt::le_u64 protection_table_size;     // 0x50 0 with complete DMA protection
};
static_assert(sizeof(drtm_parameters) == 88 && alignof(drtm_parameters) == 1);
static_assert(offsetof(drtm_parameters, revision) == 0x00);
static_assert(offsetof(drtm_parameters, reserved) == 0x02);
static_assert(offsetof(drtm_parameters, launch_features) == 0x04);
static_assert(offsetof(drtm_parameters, dlme_region_address) == 0x08);
static_assert(offsetof(drtm_parameters, dlme_region_size) == 0x10);
static_assert(offsetof(drtm_parameters, dlme_image_start) == 0x18);
static_assert(offsetof(drtm_parameters, dlme_entry_point_offset) == 0x20);
static_assert(offsetof(drtm_parameters, dlme_image_size) == 0x28);
static_assert(offsetof(drtm_parameters, dlme_data_offset) == 0x30);
static_assert(offsetof(drtm_parameters, nw_dce_region_address) == 0x38);
static_assert(offsetof(drtm_parameters, nw_dce_region_size) == 0x40);
static_assert(offsetof(drtm_parameters, protection_table_address) == 0x48);
static_assert(offsetof(drtm_parameters, protection_table_size) == 0x50);

}  // namespace wire

inline constexpr u32 parameters_size = sizeof(wire::drtm_parameters);  // 88
inline constexpr u16 parameters_min_revision = 1;  // TF-A accepts 1..2
inline constexpr u16 parameters_max_revision = 2;  // ACS and [JG] write 2

// DRTM_PARAMETERS, decoded. Offsets are relative as on the wire; the accessors give absolute
// addresses (meaningful once check_parameters() accepted the value: nothing below wraps then).
struct drtm_parameters {
    u16 revision = 1;
    u16 reserved = 0;
    u32 launch_features = 0;
    u64 dlme_region_address = 0;
    u64 dlme_region_size = 0;
    u64 dlme_image_start = 0;
    u64 dlme_entry_point_offset = 0;
    u64 dlme_image_size = 0;
    u64 dlme_data_offset = 0;
    u64 nw_dce_region_address = 0;
    u64 nw_dce_region_size = 0;
    u64 protection_table_address = 0;
    u64 protection_table_size = 0;

    constexpr arm::launch_features features() const { return arm::launch_features{launch_features}; }
    constexpr range region() const { return {dlme_region_address, dlme_region_size}; }
    constexpr range image() const { return {dlme_region_address + dlme_image_start, dlme_image_size}; }
    constexpr u64 dlme_entry_point() const {
        return dlme_region_address + dlme_image_start + dlme_entry_point_offset;
    }
    // The DLME data region: from dlme_data_offset to the end of the DLME region.
    constexpr range data() const {
        return {dlme_region_address + dlme_data_offset, dlme_region_size - dlme_data_offset};
    }
    constexpr u64 dlme_data_address() const { return dlme_region_address + dlme_data_offset; }
    constexpr u64 dlme_data_capacity() const { return dlme_region_size - dlme_data_offset; }

    friend constexpr bool operator==(const drtm_parameters&, const drtm_parameters&) = default;
};

// Field offsets, for errors and encoders.
namespace parameters_offset {
inline constexpr u32 revision = offsetof(wire::drtm_parameters, revision);
inline constexpr u32 reserved = offsetof(wire::drtm_parameters, reserved);
inline constexpr u32 launch_features = offsetof(wire::drtm_parameters, launch_features);
inline constexpr u32 dlme_region_address = offsetof(wire::drtm_parameters, dlme_region_address);
inline constexpr u32 dlme_region_size = offsetof(wire::drtm_parameters, dlme_region_size);
inline constexpr u32 dlme_image_start = offsetof(wire::drtm_parameters, dlme_image_start);
inline constexpr u32 dlme_entry_point_offset = offsetof(wire::drtm_parameters, dlme_entry_point_offset);
inline constexpr u32 dlme_image_size = offsetof(wire::drtm_parameters, dlme_image_size);
inline constexpr u32 dlme_data_offset = offsetof(wire::drtm_parameters, dlme_data_offset);
inline constexpr u32 nw_dce_region_address = offsetof(wire::drtm_parameters, nw_dce_region_address);
inline constexpr u32 nw_dce_region_size = offsetof(wire::drtm_parameters, nw_dce_region_size);
inline constexpr u32 protection_table_address = offsetof(wire::drtm_parameters, protection_table_address);
inline constexpr u32 protection_table_size = offsetof(wire::drtm_parameters, protection_table_size);
}  // namespace parameters_offset

enum class feature_match : u8 {
    tfa,        // TF-A's equality checks (skinit-arm-tcg.md B.5)
    supported,  // DEN0113 R44065: request nothing the platform does not support
};

constexpr const char* name(feature_match m) {
    switch (m) {
        case feature_match::tfa: return "tfa";
        case feature_match::supported: return "supported";
    }
    return nullptr;
}
constexpr bool feature_match_from_name(const char* text, feature_match& out) {
    constexpr feature_match all[] = {feature_match::tfa, feature_match::supported};
    for (feature_match m : all)
        if (same_name(text, name(m))) {
            out = m;
            return true;
        }
    return false;
}

struct parameter_check_options {
    const platform_features* platform = nullptr;  // DRTM_FEATURES answers; nullptr: skip ARM-15, ARM-22..25
    feature_match match = feature_match::tfa;
};

// ---------------------------------------------------------------------------------------------
// Codec

constexpr result<drtm_parameters> decode_parameters(byte_view bytes) {
    if (bytes.size() < parameters_size)
        return arm_error(errc::truncated_header, 0, no_entry, "drtm_parameters", "ARM-1",
                         "DRTM_PARAMETERS needs 88 bytes", bytes.size(), parameters_size);
    namespace o = parameters_offset;
    drtm_parameters p;
    p.revision = static_cast<u16>(load_le(bytes, o::revision, 2));
    p.reserved = static_cast<u16>(load_le(bytes, o::reserved, 2));
    p.launch_features = static_cast<u32>(load_le(bytes, o::launch_features, 4));
    p.dlme_region_address = load_le(bytes, o::dlme_region_address, 8);
    p.dlme_region_size = load_le(bytes, o::dlme_region_size, 8);
    p.dlme_image_start = load_le(bytes, o::dlme_image_start, 8);
    p.dlme_entry_point_offset = load_le(bytes, o::dlme_entry_point_offset, 8);
    p.dlme_image_size = load_le(bytes, o::dlme_image_size, 8);
    p.dlme_data_offset = load_le(bytes, o::dlme_data_offset, 8);
    p.nw_dce_region_address = load_le(bytes, o::nw_dce_region_address, 8);
    p.nw_dce_region_size = load_le(bytes, o::nw_dce_region_size, 8);
    p.protection_table_address = load_le(bytes, o::protection_table_address, 8);
    p.protection_table_size = load_le(bytes, o::protection_table_size, 8);
    return p;
}

// Writes the 88 bytes. Precondition: out.size() >= 88 (build_parameters checks it).
constexpr void encode_parameters(const drtm_parameters& p, mutable_byte_view out) {
    namespace o = parameters_offset;
    store_le(out, o::revision, 2, p.revision);
    store_le(out, o::reserved, 2, p.reserved);
    store_le(out, o::launch_features, 4, p.launch_features);
    store_le(out, o::dlme_region_address, 8, p.dlme_region_address);
    store_le(out, o::dlme_region_size, 8, p.dlme_region_size);
    store_le(out, o::dlme_image_start, 8, p.dlme_image_start);
    store_le(out, o::dlme_entry_point_offset, 8, p.dlme_entry_point_offset);
    store_le(out, o::dlme_image_size, 8, p.dlme_image_size);
    store_le(out, o::dlme_data_offset, 8, p.dlme_data_offset);
    store_le(out, o::nw_dce_region_address, 8, p.nw_dce_region_address);
    store_le(out, o::nw_dce_region_size, 8, p.nw_dce_region_size);
    store_le(out, o::protection_table_address, 8, p.protection_table_address);
    store_le(out, o::protection_table_size, 8, p.protection_table_size);
}

// ---------------------------------------------------------------------------------------------
// Checks

namespace params_detail {

constexpr error fail(errc code, u32 offset, const char* field, const char* rule, const char* message, u64 value,
                     u64 limit) {
    return arm_error(code, offset, no_entry, field, rule, message, value, limit);
}

// The layout of the DLME region (ARM-5 .. ARM-14), as drtm_dl_check_args orders its checks.
constexpr status check_region(const drtm_parameters& p) {
    namespace o = parameters_offset;
    if (p.dlme_image_start >= p.dlme_region_size)
        return fail(errc::out_of_bounds, o::dlme_image_start, "drtm_parameters.dlme_image_start", "ARM-5",
                    "the DLME image must start inside the DLME region", p.dlme_image_start, p.dlme_region_size);
    if (p.dlme_data_offset >= p.dlme_region_size)
        return fail(errc::out_of_bounds, o::dlme_data_offset, "drtm_parameters.dlme_data_offset", "ARM-6",
                    "the DLME data must start inside the DLME region", p.dlme_data_offset, p.dlme_region_size);
    if (!page_aligned(p.dlme_region_address))
        return fail(errc::misaligned, o::dlme_region_address, "drtm_parameters.dlme_region_address", "ARM-7",
                    "the DLME region must be 4 KiB aligned", p.dlme_region_address, page_size);
    if (!p.region().valid())
        return fail(errc::address_wrap, o::dlme_region_size, "drtm_parameters.dlme_region_size", "ARM-8",
                    "dlme_region_address + dlme_region_size passes the end of the address space", p.dlme_region_size,
                    ~u64{0} - p.dlme_region_address);
    if (p.dlme_image_size == 0)
        return fail(errc::value_out_of_range, o::dlme_image_size, "drtm_parameters.dlme_image_size", "ARM-9",
                    "the DLME image must not be empty", 0, 1);
    // The data runs from dlme_data_offset to the region's end, so the image must lie wholly
    // before it: image_start <= data_offset and image_size <= data_offset - image_start.
    if (p.dlme_data_offset < p.dlme_image_start)
        return fail(errc::overlap, o::dlme_data_offset, "drtm_parameters.dlme_data_offset", "ARM-10",
                    "the DLME data (which runs to the region's end) starts before the DLME image", p.dlme_data_offset,
                    p.dlme_image_start);
    if (p.dlme_image_size > p.dlme_data_offset - p.dlme_image_start)
        return fail(errc::overlap, o::dlme_image_size, "drtm_parameters.dlme_image_size", "ARM-10",
                    "the DLME image runs into the DLME data", p.dlme_image_size,
                    p.dlme_data_offset - p.dlme_image_start);
    if (!page_aligned(p.dlme_image_start))
        return fail(errc::misaligned, o::dlme_image_start, "drtm_parameters.dlme_image_start", "ARM-11",
                    "the DLME image must start 4 KiB aligned", p.dlme_image_start, page_size);
    if (p.dlme_entry_point_offset >= p.dlme_image_size)
        return fail(errc::out_of_bounds, o::dlme_entry_point_offset, "drtm_parameters.dlme_entry_point_offset",
                    "ARM-12", "the DLME entry point must lie inside the DLME image", p.dlme_entry_point_offset,
                    p.dlme_image_size);
    if ((p.dlme_entry_point_offset & 3u) != 0)
        return fail(errc::misaligned, o::dlme_entry_point_offset, "drtm_parameters.dlme_entry_point_offset",
                    "ARM-13", "the DLME entry point must be 4-byte aligned", p.dlme_entry_point_offset, 4);
    if (!page_aligned(p.dlme_data_offset))
        return fail(errc::misaligned, o::dlme_data_offset, "drtm_parameters.dlme_data_offset", "ARM-14",
                    "the DLME data must start 4 KiB aligned", p.dlme_data_offset, page_size);
    return success;
}

// The normal-world DCE region (ARM-16 .. ARM-18).
constexpr status check_nw_dce(const drtm_parameters& p) {
    namespace o = parameters_offset;
    if (p.nw_dce_region_address == 0) return success;
    const range dce{p.nw_dce_region_address, p.nw_dce_region_size};
    if (dce.empty())
        return fail(errc::value_out_of_range, o::nw_dce_region_size, "drtm_parameters.nw_dce_region_size", "ARM-16",
                    "a normal-world DCE region must not be empty", 0, 1);
    if (!dce.valid())
        return fail(errc::address_wrap, o::nw_dce_region_size, "drtm_parameters.nw_dce_region_size", "ARM-17",
                    "nw_dce_region_address + nw_dce_region_size passes the end of the address space",
                    p.nw_dce_region_size, ~u64{0} - p.nw_dce_region_address);
    if (dce.overlaps(p.region()))
        return fail(errc::overlap, o::nw_dce_region_address, "drtm_parameters.nw_dce_region_address", "ARM-18",
                    "the normal-world DCE region overlaps the DLME region", p.nw_dce_region_address,
                    p.dlme_region_address);
    return success;
}

// The launch features on their own (ARM-19 .. ARM-21) and against the platform (ARM-22 .. 25).
constexpr status check_features(const drtm_parameters& p, const parameter_check_options& o) {
    constexpr u32 at = parameters_offset::launch_features;
    const launch_features f = p.features();
    if (f.pcr_schema_value() > 1)
        return fail(errc::value_out_of_range, at, "drtm_parameters.launch_features.pcr_schema", "ARM-19",
                    "PCR schema 2 and 3 are reserved", f.pcr_schema_value(), 1);
    if (f.dma_protection_value() > 1)
        return fail(errc::value_out_of_range, at, "drtm_parameters.launch_features.dma_protection_type", "ARM-20",
                    "DMA protection types 2..7 are reserved", f.dma_protection_value(), 1);
    if (f.schema() == pcr_schema::dlme_authorities && !f.dlme_image_auth())
        return fail(errc::launch_requirement, at, "drtm_parameters.launch_features.pcr_schema", "ARM-21",
                    "the DLME Authorities schema needs DLME image authentication (bit 6)", f.pcr_schema_value(), 0);
    const platform_features* pf = o.platform;
    if (!pf) return success;
    if (pf->has_tpm) {
        const bool tpm_hashing = pf->tpm.tpm_based_hashing();
        const bool wants_tpm = f.hashing() == hashing_type::tpm;
        const bool ok = o.match == feature_match::tfa ? wants_tpm == tpm_hashing : (!wants_tpm || tpm_hashing);
        if (!ok)
            return fail(errc::launch_requirement, at, "drtm_parameters.launch_features.hashing_type", "ARM-22",
                        o.match == feature_match::tfa
                            ? "TF-A requires the hashing type to equal TPM feature bit 32 (TPM-based hashing)"
                            : "TPM-based hashing requested, but the platform does not support it",
                        wants_tpm ? 1 : 0, tpm_hashing ? 1 : 0);
        if (!pf->tpm.supports(f.schema(), pf->reading))
            return fail(errc::launch_requirement, at, "drtm_parameters.launch_features.pcr_schema", "ARM-23",
                        "the platform's PCR schema bitmap does not list the requested schema", f.pcr_schema_value(),
                        pf->tpm.pcr_schema_bitmap());
    }
    if (pf->has_dma_protection) {
        const u8 type = f.dma_protection_value();
        const u8 types = pf->dma.types();
        const bool ok = o.match == feature_match::tfa ? types == (1u << type) : pf->dma.supports(f.dma());
        if (!ok)
            return fail(errc::launch_requirement, at, "drtm_parameters.launch_features.dma_protection_type", "ARM-24",
                        o.match == feature_match::tfa
                            ? "TF-A requires the DMA protection type to be the index of its one supported type bit"
                            : "the platform does not support the requested DMA protection type",
                        type, types);
    }
    if (f.dlme_image_auth() && !(pf->has_dlme_image_auth && pf->dlme_image_auth))
        return fail(errc::launch_requirement, at, "drtm_parameters.launch_features.dlme_image_authentication",
                    "ARM-25", "DLME image authentication requested, but the platform does not support it", 1, 0);
    return success;
}

}  // namespace params_detail

// Every launch check of DRTM_PARAMETERS, in TF-A's order: version, reserved fields, the DLME
// region, the platform's minimum data size, the normal-world DCE region, the launch features,
// then the DMA protection arguments.
constexpr status check_parameters(const drtm_parameters& p, const parameter_check_options& options = {}) {
    using params_detail::fail;
    namespace o = parameters_offset;
    if (p.revision < parameters_min_revision || p.revision > parameters_max_revision)
        return fail(errc::unsupported_version, o::revision, "drtm_parameters.revision", "ARM-2",
                    "DRTM_PARAMETERS revision must be 1 or 2", p.revision, parameters_max_revision);
    if (p.reserved != 0)
        return fail(errc::reserved_nonzero, o::reserved, "drtm_parameters.reserved", "ARM-3",
                    "the reserved field must be zero", p.reserved, 0);
    if (const u32 r = p.features().reserved_bits_set(); r != 0)
        return fail(errc::reserved_nonzero, o::launch_features, "drtm_parameters.launch_features", "ARM-4",
                    "launch features bits [31:8] are reserved", r, 0);
    if (const status s = params_detail::check_region(p); !s) return s;
    if (options.platform && options.platform->has_minimum_memory) {
        const u64 need = options.platform->memory.dlme_data_bytes();
        if (p.dlme_data_capacity() < need)
            return fail(errc::size_too_small, o::dlme_region_size, "drtm_parameters.dlme_region_size", "ARM-15",
                        "the DLME data region (dlme_data_offset to the region's end) is below the platform's minimum",
                        p.dlme_data_capacity(), need);
    }
    if (const status s = params_detail::check_nw_dce(p); !s) return s;
    if (const status s = params_detail::check_features(p, options); !s) return s;
    if (p.features().dma() == dma_protection::complete) {
        if (p.protection_table_address != 0)
            return fail(errc::value_out_of_range, o::protection_table_address,
                        "drtm_parameters.protection_table_address", "ARM-26",
                        "complete DMA protection takes no protection table", p.protection_table_address, 0);
        if (p.protection_table_size != 0)
            return fail(errc::value_out_of_range, o::protection_table_size, "drtm_parameters.protection_table_size",
                        "ARM-26", "complete DMA protection takes no protection table", p.protection_table_size, 0);
    }
    return success;
}

constexpr result<drtm_parameters> parse_parameters(byte_view bytes, const parameter_check_options& options = {}) {
    const result<drtm_parameters> p = decode_parameters(bytes);
    if (!p) return p;
    if (const status s = check_parameters(*p, options); !s) return s.err();
    return p;
}

// Checks `p`, then writes its 88 bytes to the start of `out`. On failure `out` is unchanged.
constexpr status build_parameters(const drtm_parameters& p, mutable_byte_view out,
                                  const parameter_check_options& options = {}) {
    if (const status s = check_parameters(p, options); !s) return s;
    if (out.size() < parameters_size)
        return arm_error(errc::buffer_too_small, 0, no_entry, "drtm_parameters", "ARM-28",
                         "DRTM_PARAMETERS needs 88 bytes", out.size(), parameters_size);
    encode_parameters(p, out);
    return success;
}

// The address DRTM_DYNAMIC_LAUNCH receives in x1 must be 4 KiB aligned (TF-A's first check).
constexpr status check_parameters_address(u64 x1) {
    if (!page_aligned(x1))
        return arm_error(errc::misaligned, 0, no_entry, "x1", "ARM-27",
                         "DRTM_PARAMETERS must start on a 4 KiB boundary", x1, page_size);
    return success;
}

// ---------------------------------------------------------------------------------------------
// Planning a DLME region: the image at offset 0, the DLME data on the next 4 KiB boundary
// after it, the region ending on a 4 KiB boundary after `dlme_data_size` bytes of data.

struct dlme_region_request {
    u64 region_address = 0;       // 4 KiB aligned
    u64 image_size = 0;           // bytes of the DLME image (measured)
    u64 entry_point_offset = 0;   // from the image start
    u64 dlme_data_size = 0;       // room for the DLME data (at least the platform's minimum)
    launch_features features{};
    u16 revision = 1;             // 1: accepted by every TF-A that implements DRTM; 2: DEN0113 v1.4B
};

constexpr result<drtm_parameters> plan_parameters(const dlme_region_request& r,
                                                  const parameter_check_options& options = {}) {
    u64 data_offset = 0, data_size = 0;
    if (!align_up(r.image_size, page_size, data_offset) || !align_up(r.dlme_data_size, page_size, data_size) ||
        data_size > ~u64{0} - data_offset)
        return arm_error(errc::address_wrap, parameters_offset::dlme_region_size, no_entry,
                         "drtm_parameters.dlme_region_size", "ARM-8",
                         "the image and the DLME data do not fit in the address space", r.image_size, r.dlme_data_size);
    drtm_parameters p;
    p.revision = r.revision;
    p.launch_features = r.features.raw;
    p.dlme_region_address = r.region_address;
    p.dlme_region_size = data_offset + data_size;
    p.dlme_image_start = 0;
    p.dlme_entry_point_offset = r.entry_point_offset;
    p.dlme_image_size = r.image_size;
    p.dlme_data_offset = data_offset;
    if (const status s = check_parameters(p, options); !s) return s.err();
    return p;
}

}  // namespace dlh::arm
