// SPDX-License-Identifier: MIT
// DRTM_FEATURES: how a query is encoded in x1, how the answer reads, and the six feature
// words (skinit-arm-tcg.md §B.3; [TFA] drtm_main.c, [JG], [ACS] acs_drtm.h).
//
//   x1 bit 63 = 0  function query: x1 = a 32-bit function id; x0 = SUCCESS if implemented,
//                  NOT_SUPPORTED otherwise.
//   x1 bit 63 = 1  feature query: feature id in x1[7:0]; x0 > 0 means implemented (TF-A
//                  returns 1) and x1 holds the feature word.
//
// Two readings of the PCR-schema support bitmap (TPM features [36:33]) exist and this header
// names both; a caller picks one explicitly (pcr_schema_reading), nothing guesses:
//   den0113_v1_4b  [JG], "taken from rev 1.4b of the spec": the field is a bitmap indexed by
//                  schema number, so DLME Authorities (schema 1) is field bit 1 = x1 bit 34.
//   arm_acs        [ACS] acs_drtm.h: DRTM_TPM_FEAT_PCR_SCHEMA_DLME_AUTH_SUPP = 0x10, applied
//                  to the field (x1 >> 33). 0x10 is field bit 4 = x1 bit 37, outside the 4-bit
//                  field: ACS itself masks the field with 0xF first, so as written it never
//                  sees the bit. This reading applies 0x10 without that mask.
// Both agree on the default schema: field bit 0 = x1 bit 33 (TF-A sets only this one).
#pragma once

#include "dlh/arm/base.hpp"
#include "dlh/arm/launch_features.hpp"
#include "dlh/arm/smc.hpp"

namespace dlh::arm {

enum class feature_id : u8 {
    tpm = 0x01,                        // TPM features
    minimum_memory = 0x02,             // minimum memory requirement
    dma_protection = 0x03,             // DMA protection
    boot_pe_id = 0x04,                 // boot PE id
    tcb_hashes = 0x05,                 // TCB hash features
    dlme_image_authentication = 0x06,  // DLME image authentication
};

constexpr const char* name(feature_id f) {
    switch (f) {
        case feature_id::tpm: return "TPM_FEATURES";
        case feature_id::minimum_memory: return "MINIMUM_MEMORY_REQUIREMENT";
        case feature_id::dma_protection: return "DMA_PROTECTION";
        case feature_id::boot_pe_id: return "BOOT_PE_ID";
        case feature_id::tcb_hashes: return "TCB_HASH_FEATURES";
        case feature_id::dlme_image_authentication: return "DLME_IMAGE_AUTHENTICATION";
    }
    return nullptr;
}

inline constexpr feature_id all_feature_ids[] = {feature_id::tpm,        feature_id::minimum_memory,
                                                 feature_id::dma_protection, feature_id::boot_pe_id,
                                                 feature_id::tcb_hashes, feature_id::dlme_image_authentication};

// ---------------------------------------------------------------------------------------------
// Queries (x1 of DRTM_FEATURES)

inline constexpr u64 feature_query_bit = u64{1} << 63;

constexpr u64 function_query(function f) { return static_cast<u32>(f); }
constexpr u64 feature_query(feature_id f) { return feature_query_bit | static_cast<u8>(f); }

struct features_query {
    bool is_feature = false;
    u32 function_id = 0;  // function query: x1[31:0]
    u8 feature = 0;       // feature query: x1[7:0]
    friend constexpr bool operator==(const features_query&, const features_query&) = default;
};

constexpr features_query decode_query(u64 x1) {
    features_query q;
    q.is_feature = (x1 & feature_query_bit) != 0;
    if (q.is_feature)
        q.feature = static_cast<u8>(x1 & 0xffu);
    else
        q.function_id = static_cast<u32>(x1 & 0xffffffffu);
    return q;
}

// A feature query's answer: implemented when x0 is positive.
constexpr bool feature_implemented(u64 x0) { return x0 != 0 && x0 <= 0x7fffffffffffffffu; }
// A function query's answer: implemented when x0 is SUCCESS.
constexpr bool function_implemented(u64 x0) { return x0 == 0; }

// ---------------------------------------------------------------------------------------------
// 0x01 TPM features

enum class pcr_schema_reading : u8 {
    den0113_v1_4b,  // [JG]: bitmap by schema number, DLME Authorities = x1 bit 34
    arm_acs,        // [ACS]: mask 0x10 on x1 >> 33, DLME Authorities = x1 bit 37
};

constexpr const char* name(pcr_schema_reading r) {
    switch (r) {
        case pcr_schema_reading::den0113_v1_4b: return "den0113_v1_4b";
        case pcr_schema_reading::arm_acs: return "arm_acs";
    }
    return nullptr;
}
constexpr const char* source(pcr_schema_reading r) {
    switch (r) {
        case pcr_schema_reading::den0113_v1_4b:
            return "arm64 DRTM series quoting DEN0113 v1.4B: bitmap indexed by schema, DLME Authorities = bit 1 of "
                   "[36:33] (x1 bit 34)";
        case pcr_schema_reading::arm_acs:
            return "Arm sysarch-acs acs_drtm.h DRTM_TPM_FEAT_PCR_SCHEMA_DLME_AUTH_SUPP = 0x10 on x1 >> 33 (x1 bit 37)";
    }
    return nullptr;
}
constexpr bool pcr_schema_reading_from_name(const char* text, pcr_schema_reading& out) {
    constexpr pcr_schema_reading all[] = {pcr_schema_reading::den0113_v1_4b, pcr_schema_reading::arm_acs};
    for (pcr_schema_reading r : all)
        if (same_name(text, name(r))) {
            out = r;
            return true;
        }
    return false;
}

namespace tpm_field {
inline constexpr bit_field fw_hash_alg{"FIRMWARE_HASH_ALGORITHM", 0, 16, false, "TPM_ALG_ID: 0x0b/0x0c/0x0d"};
inline constexpr bit_field tpm_hashing{"TPM_BASED_HASHING", 32, 1, false, "1 = TPM-based hashing supported"};
inline constexpr bit_field pcr_schema_bitmap{"PCR_SCHEMA_SUPPORT", 33, 4, false, "bitmap; bit 0 = default schema"};
inline constexpr bit_field schema_default{"PCR_SCHEMA_DEFAULT", 33, 1, false, "default schema supported"};
// den0113_v1_4b reading
inline constexpr bit_field schema_authorities_den0113{"PCR_SCHEMA_DLME_AUTHORITIES", 34, 1, false,
                                                      "DEN0113 v1.4B reading: schema 1 supported"};
// arm_acs reading
inline constexpr bit_field schema_authorities_acs{"PCR_SCHEMA_DLME_AUTHORITIES", 37, 1, false,
                                                  "ACS reading (0x10 on x1 >> 33): schema 1 supported"};
}  // namespace tpm_field

inline constexpr bit_field tpm_features_fields_den0113[] = {
    tpm_field::fw_hash_alg, reserved_bits(16, 16), tpm_field::tpm_hashing, tpm_field::schema_default,
    tpm_field::schema_authorities_den0113, reserved_bits(35, 2), reserved_bits(37, 27),
};
inline constexpr bit_field tpm_features_fields_acs[] = {
    tpm_field::fw_hash_alg, reserved_bits(16, 16), tpm_field::tpm_hashing, tpm_field::schema_default,
    reserved_bits(34, 3), tpm_field::schema_authorities_acs, reserved_bits(38, 26),
};
inline constexpr register_info tpm_features_info_den0113{"DRTM_FEATURES TPM (0x01)", 0x01, 64,
                                                         tpm_features_fields_den0113,
                                                         "skinit-arm-tcg.md B.3; PCR schema per DEN0113 v1.4B [JG]"};
inline constexpr register_info tpm_features_info_acs{"DRTM_FEATURES TPM (0x01)", 0x01, 64, tpm_features_fields_acs,
                                                     "skinit-arm-tcg.md B.3; PCR schema per Arm ACS acs_drtm.h"};

constexpr const register_info& tpm_features_info(pcr_schema_reading r) {
    return r == pcr_schema_reading::arm_acs ? tpm_features_info_acs : tpm_features_info_den0113;
}

struct tpm_features {
    u64 raw = 0;

    constexpr u16 firmware_hash_alg() const { return static_cast<u16>(tpm_field::fw_hash_alg.get(raw)); }
    constexpr bool tpm_based_hashing() const { return tpm_field::tpm_hashing.test(raw); }
    constexpr u8 pcr_schema_bitmap() const { return static_cast<u8>(tpm_field::pcr_schema_bitmap.get(raw)); }
    // Whether the firmware supports `s`, read as `reading` says.
    constexpr bool supports(pcr_schema s, pcr_schema_reading reading) const {
        if (s == pcr_schema::default_schema) return tpm_field::schema_default.test(raw);
        return reading == pcr_schema_reading::arm_acs ? tpm_field::schema_authorities_acs.test(raw)
                                                      : tpm_field::schema_authorities_den0113.test(raw);
    }
    friend constexpr bool operator==(const tpm_features&, const tpm_features&) = default;
};

// ---------------------------------------------------------------------------------------------
// 0x02 Minimum memory requirement

namespace memory_field {
inline constexpr bit_field min_dlme_data{"MIN_DLME_DATA_PAGES", 0, 32, false, "minimum DLME data size, 4 KiB pages"};
inline constexpr bit_field min_nw_dce{"MIN_NW_DCE_PAGES", 32, 32, false, "minimum normal-world DCE size, 4 KiB pages"};
}  // namespace memory_field

inline constexpr bit_field minimum_memory_fields[] = {memory_field::min_dlme_data, memory_field::min_nw_dce};
inline constexpr register_info minimum_memory_info{"DRTM_FEATURES minimum memory (0x02)", 0x02, 64,
                                                   minimum_memory_fields, "skinit-arm-tcg.md B.3"};

struct minimum_memory {
    u64 raw = 0;

    constexpr u32 dlme_data_pages() const { return static_cast<u32>(memory_field::min_dlme_data.get(raw)); }
    constexpr u32 nw_dce_pages() const { return static_cast<u32>(memory_field::min_nw_dce.get(raw)); }
    constexpr u64 dlme_data_bytes() const { return u64{dlme_data_pages()} << page_shift; }
    friend constexpr bool operator==(const minimum_memory&, const minimum_memory&) = default;
};

// ---------------------------------------------------------------------------------------------
// 0x03 DMA protection

namespace dma_field {
inline constexpr bit_field complete{"COMPLETE", 0, 1, false, "complete DMA protection supported"};
inline constexpr bit_field region_based{"REGION_BASED", 1, 1, false, "region-based DMA protection supported"};
inline constexpr bit_field types{"SUPPORTED_TYPES", 0, 8};  // the bitmap as a whole
inline constexpr bit_field max_regions{"MAX_PROTECTED_REGIONS", 8, 16, false, "meaningful with region-based only"};
}  // namespace dma_field

inline constexpr bit_field dma_protection_fields[] = {dma_field::complete, dma_field::region_based,
                                                      reserved_bits(2, 6), dma_field::max_regions,
                                                      reserved_bits(24, 40)};
inline constexpr register_info dma_protection_info{"DRTM_FEATURES DMA protection (0x03)", 0x03, 64,
                                                   dma_protection_fields, "skinit-arm-tcg.md B.3"};

struct dma_protection_features {
    u64 raw = 0;

    constexpr u8 types() const { return static_cast<u8>(dma_field::types.get(raw)); }
    constexpr bool supports(dma_protection d) const {
        const u8 index = static_cast<u8>(d);
        return index < 8 && ((types() >> index) & 1u) != 0;
    }
    constexpr u16 max_regions() const { return static_cast<u16>(dma_field::max_regions.get(raw)); }
    friend constexpr bool operator==(const dma_protection_features&, const dma_protection_features&) = default;
};

// ---------------------------------------------------------------------------------------------
// 0x04 Boot PE id (MPIDR affinity, PSCI CPU_ON target format; TF-A: MPIDR & 0xFF00FFFFFF)

namespace boot_pe_field {
inline constexpr bit_field aff0{"AFF0", 0, 8};
inline constexpr bit_field aff1{"AFF1", 8, 8};
inline constexpr bit_field aff2{"AFF2", 16, 8};
inline constexpr bit_field aff3{"AFF3", 32, 8};
}  // namespace boot_pe_field

inline constexpr bit_field boot_pe_fields[] = {boot_pe_field::aff0, boot_pe_field::aff1, boot_pe_field::aff2,
                                               reserved_bits(24, 8), boot_pe_field::aff3, reserved_bits(40, 24)};
inline constexpr register_info boot_pe_info{"DRTM_FEATURES boot PE id (0x04)", 0x04, 64, boot_pe_fields,
                                            "skinit-arm-tcg.md B.3"};
inline constexpr u64 mpidr_affinity_mask = 0xff00ffffffu;

// ---------------------------------------------------------------------------------------------
// 0x05 TCB hash features, 0x06 DLME image authentication

namespace tcb_field {
inline constexpr bit_field max_hashes{"MAX_TCB_HASHES", 0, 8};
}
inline constexpr bit_field tcb_hash_fields[] = {tcb_field::max_hashes, reserved_bits(8, 56)};
inline constexpr register_info tcb_hash_info{"DRTM_FEATURES TCB hashes (0x05)", 0x05, 64, tcb_hash_fields,
                                             "skinit-arm-tcg.md B.3"};

namespace auth_field {
inline constexpr bit_field supported{"SUPPORTED", 0, 1, false, "DLME image authentication supported"};
}
inline constexpr bit_field dlme_image_auth_fields[] = {auth_field::supported, reserved_bits(1, 63)};
inline constexpr register_info dlme_image_auth_info{"DRTM_FEATURES DLME image authentication (0x06)", 0x06, 64,
                                                    dlme_image_auth_fields, "skinit-arm-tcg.md B.3"};

// The field table that describes a feature word.
constexpr const register_info& feature_info(feature_id f, pcr_schema_reading r = pcr_schema_reading::den0113_v1_4b) {
    switch (f) {
        case feature_id::tpm: return tpm_features_info(r);
        case feature_id::minimum_memory: return minimum_memory_info;
        case feature_id::dma_protection: return dma_protection_info;
        case feature_id::boot_pe_id: return boot_pe_info;
        case feature_id::tcb_hashes: return tcb_hash_info;
        case feature_id::dlme_image_authentication: return dlme_image_auth_info;
    }
    return dlme_image_auth_info;
}

// ---------------------------------------------------------------------------------------------
// What a platform reported: the answers the launch checks of parameters.hpp and dlme_data.hpp
// compare against. A feature whose query was not answered positively has `has_* = false`.

struct platform_features {
    pcr_schema_reading reading = pcr_schema_reading::den0113_v1_4b;  // how to read TPM [36:33]
    bool has_tpm = false;
    tpm_features tpm{};
    bool has_minimum_memory = false;
    minimum_memory memory{};
    bool has_dma_protection = false;
    dma_protection_features dma{};
    bool has_boot_pe_id = false;
    u64 boot_pe_id = 0;
    bool has_tcb_hashes = false;
    u8 max_tcb_hashes = 0;
    bool has_dlme_image_auth = false;
    bool dlme_image_auth = false;

    // Records the answer (x0, x1) to a feature query.
    constexpr void set(feature_id f, u64 x0, u64 x1) {
        const bool on = feature_implemented(x0);
        switch (f) {
            case feature_id::tpm:
                has_tpm = on;
                tpm = tpm_features{x1};
                break;
            case feature_id::minimum_memory:
                has_minimum_memory = on;
                memory = minimum_memory{x1};
                break;
            case feature_id::dma_protection:
                has_dma_protection = on;
                dma = dma_protection_features{x1};
                break;
            case feature_id::boot_pe_id:
                has_boot_pe_id = on;
                boot_pe_id = x1;
                break;
            case feature_id::tcb_hashes:
                has_tcb_hashes = on;
                max_tcb_hashes = static_cast<u8>(tcb_field::max_hashes.get(x1));
                break;
            case feature_id::dlme_image_authentication:
                has_dlme_image_auth = on;
                dlme_image_auth = auth_field::supported.test(x1);
                break;
        }
    }
    friend constexpr bool operator==(const platform_features&, const platform_features&) = default;
};

// What TF-A's DRTM service reports on its FVP port, as its setup code fills the words:
// SHA-256 firmware hashing, no TPM hashing, default schema only, complete DMA protection.
// `min_data_pages` is the platform's sum (header, tables, 64 KiB log reserve) in pages.
constexpr platform_features tfa_fvp_features(u32 min_data_pages = 0x11) {
    platform_features p;
    p.has_tpm = true;
    p.tpm = tpm_features{tpm_field::schema_default.with(tpm_field::fw_hash_alg.with(0, 0x000b), 1)};
    p.has_minimum_memory = true;
    p.memory = minimum_memory{memory_field::min_dlme_data.with(0, min_data_pages)};
    p.has_dma_protection = true;
    p.dma = dma_protection_features{dma_field::complete.with(0, 1)};
    p.has_boot_pe_id = true;
    p.has_tcb_hashes = true;
    return p;
}

static_assert(feature_query(feature_id::dma_protection) == 0x8000000000000003u);
static_assert(decode_query(0x8000000000000105u).feature == 5 && decode_query(0xC4000114u).function_id == 0xC4000114u);
static_assert(tpm_features{u64{1} << 34}.supports(pcr_schema::dlme_authorities, pcr_schema_reading::den0113_v1_4b));
static_assert(!tpm_features{u64{1} << 34}.supports(pcr_schema::dlme_authorities, pcr_schema_reading::arm_acs));
static_assert(tpm_features{u64{1} << 37}.supports(pcr_schema::dlme_authorities, pcr_schema_reading::arm_acs));
static_assert(tpm_features_info_den0113.reserved_mask() == (0xffffffffffffffffu & ~u64{0x7'0000'ffff} & ~(u64{1} << 33) &
                                                            ~(u64{1} << 34)) &&
              tpm_features_info_acs.reserved_mask() ==
                  (~u64{0} & ~u64{0x1'0000'ffff} & ~(u64{1} << 33) & ~(u64{1} << 37)));

}  // namespace dlh::arm
