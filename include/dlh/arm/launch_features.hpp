// SPDX-License-Identifier: MIT
// The launch features word of DRTM_PARAMETERS (offset 0x04; skinit-arm-tcg.md §B.5; [TFA]
// drtm_svc.h DRTM_LAUNCH_FEAT_*, [JG], [ACS] tests 108/109), and the names of the values its
// fields take: hashing type, PCR schema, DMA protection type.
#pragma once

#include "dlh/arm/base.hpp"

namespace dlh::arm {

// Who computes the measurements: the DCE in firmware, or the TPM (hash sequence).
enum class hashing_type : u8 { dce = 0, tpm = 1 };

// Which PCR usage the launch asks for. 2 and 3 are reserved.
enum class pcr_schema : u8 { default_schema = 0, dlme_authorities = 1 };

// How DMA is kept out of the launch: all memory, or the regions of a protection table.
// 2..7 are reserved.
enum class dma_protection : u8 { complete = 0, region_based = 1 };

constexpr const char* name(hashing_type t) {
    switch (t) {
        case hashing_type::dce: return "dce";
        case hashing_type::tpm: return "tpm";
    }
    return nullptr;
}
constexpr const char* name(pcr_schema s) {
    switch (s) {
        case pcr_schema::default_schema: return "default";
        case pcr_schema::dlme_authorities: return "dlme_authorities";
    }
    return nullptr;
}
constexpr const char* name(dma_protection d) {
    switch (d) {
        case dma_protection::complete: return "complete";
        case dma_protection::region_based: return "region_based";
    }
    return nullptr;
}

constexpr bool pcr_schema_from_name(const char* text, pcr_schema& out) {
    constexpr pcr_schema all[] = {pcr_schema::default_schema, pcr_schema::dlme_authorities};
    for (pcr_schema s : all)
        if (same_name(text, name(s))) {
            out = s;
            return true;
        }
    return false;
}

namespace launch_field {
inline constexpr bit_field hashing_type{"HASHING_TYPE", 0, 1, false, "0 = DCE hashing, 1 = TPM-based hashing"};
inline constexpr bit_field pcr_schema{"PCR_SCHEMA", 1, 2, false, "0 default, 1 DLME authorities"};
inline constexpr bit_field dma_protection{"DMA_PROTECTION_TYPE", 3, 3, false, "0 complete, 1 region-based"};
inline constexpr bit_field dlme_image_auth{"DLME_IMAGE_AUTHENTICATION", 6, 1, false, "1 = authenticate the DLME image"};
inline constexpr bit_field secure_int_disable{"SECURE_INTERRUPTS_DISABLE", 7, 1, false,
                                              "1 = secure interrupts off until DRTM_ENABLE_SECURE_INTERRUPTS (v1.4B)"};
}  // namespace launch_field

inline constexpr bit_field launch_features_fields[] = {
    launch_field::hashing_type,    launch_field::pcr_schema,         launch_field::dma_protection,
    launch_field::dlme_image_auth, launch_field::secure_int_disable, reserved_bits(8, 24),
};
inline constexpr register_info launch_features_info{"DRTM launch features", 0x04, 32, launch_features_fields,
                                                    "skinit-arm-tcg.md B.5"};

struct launch_features {
    u32 raw = 0;

    constexpr arm::hashing_type hashing() const {
        return static_cast<arm::hashing_type>(launch_field::hashing_type.get(raw));
    }
    // The raw 2-bit field; schema() is meaningful when it is 0 or 1.
    constexpr u8 pcr_schema_value() const { return static_cast<u8>(launch_field::pcr_schema.get(raw)); }
    constexpr arm::pcr_schema schema() const { return static_cast<arm::pcr_schema>(pcr_schema_value()); }
    constexpr u8 dma_protection_value() const { return static_cast<u8>(launch_field::dma_protection.get(raw)); }
    constexpr arm::dma_protection dma() const { return static_cast<arm::dma_protection>(dma_protection_value()); }
    constexpr bool dlme_image_auth() const { return launch_field::dlme_image_auth.test(raw); }
    constexpr bool secure_int_disable() const { return launch_field::secure_int_disable.test(raw); }
    constexpr u32 reserved_bits_set() const { return raw & static_cast<u32>(launch_features_info.reserved_mask()); }

    constexpr launch_features with(const bit_field& f, u64 value) const {
        return launch_features{static_cast<u32>(f.with(raw, value))};
    }
    friend constexpr bool operator==(const launch_features&, const launch_features&) = default;
};

constexpr launch_features make_launch_features(hashing_type h, pcr_schema s, dma_protection d, bool image_auth = false,
                                               bool secure_int_disable = false) {
    return launch_features{}
        .with(launch_field::hashing_type, static_cast<u8>(h))
        .with(launch_field::pcr_schema, static_cast<u8>(s))
        .with(launch_field::dma_protection, static_cast<u8>(d))
        .with(launch_field::dlme_image_auth, image_auth ? 1 : 0)
        .with(launch_field::secure_int_disable, secure_int_disable ? 1 : 0);
}

static_assert(launch_features_info.reserved_mask() == 0xffffff00u);
static_assert(make_launch_features(hashing_type::tpm, pcr_schema::dlme_authorities, dma_protection::region_based, true,
                                   true)
                  .raw == 0xcbu);

}  // namespace dlh::arm
