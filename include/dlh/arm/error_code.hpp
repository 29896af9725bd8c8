// SPDX-License-Identifier: MIT
// The DRTM error code: what DRTM_SET_ERROR records (x1) and DRTM_GET_ERROR returns (x1) across
// a remediation boot (skinit-arm-tcg.md §B.9; [JG] after DEN0113 v1.4B Tables 7 and 8; [TFA]
// drtm_remediation.c stores the 64-bit value).
//
//   [2:0]   phase     0 none, 1 D-CRTM firmware, 2 D-CRTM coprocessor, 3 DCE, 4 normal-world
//                     DCE, 5 DLME (6, 7 undefined)
//   [10:3]  error id  0 none, 2 parameters, 3 secure exception, 4 TCB hash unlocked, 5 TPM,
//                     6 signature, 7 image format, 0xff vendor (others undefined)
//   [63:11] data      implementation defined
//
// Decoding is total: every u64 decodes, and undefined phases and ids decode to their numbers
// (name() returns nullptr for them). Encoding checks its inputs:
//   ARM-95 value_out_of_range  phase above 7, or data of 2^53 or more
#pragma once

#include "dlh/arm/base.hpp"

namespace dlh::arm {

enum class error_phase : u8 {
    none = 0,
    dcrtm_firmware = 1,
    dcrtm_coprocessor = 2,
    dce = 3,
    nw_dce = 4,
    dlme = 5,
};

enum class error_id : u8 {
    none = 0,
    parameters = 2,
    secure_exception = 3,
    tcb_hash_unlocked = 4,
    tpm = 5,
    signature = 6,
    image_format = 7,
    vendor = 0xff,
};

constexpr const char* name(error_phase p) {
    switch (p) {
        case error_phase::none: return "none";
        case error_phase::dcrtm_firmware: return "dcrtm_firmware";
        case error_phase::dcrtm_coprocessor: return "dcrtm_coprocessor";
        case error_phase::dce: return "dce";
        case error_phase::nw_dce: return "nw_dce";
        case error_phase::dlme: return "dlme";
    }
    return nullptr;
}

constexpr const char* name(error_id e) {
    switch (e) {
        case error_id::none: return "none";
        case error_id::parameters: return "parameters";
        case error_id::secure_exception: return "secure_exception";
        case error_id::tcb_hash_unlocked: return "tcb_hash_unlocked";
        case error_id::tpm: return "tpm";
        case error_id::signature: return "signature";
        case error_id::image_format: return "image_format";
        case error_id::vendor: return "vendor";
    }
    return nullptr;
}

namespace error_field {
inline constexpr bit_field phase{"PHASE", 0, 3, false, "0 none, 1 D-CRTM fw, 2 D-CRTM coproc, 3 DCE, 4 NW DCE, 5 DLME"};
inline constexpr bit_field id{"ERROR_ID", 3, 8, false,
                              "0 none, 2 parameters, 3 secure exception, 4 TCB hash unlocked, 5 TPM, 6 signature, "
                              "7 image format, 0xff vendor"};
inline constexpr bit_field data{"DATA", 11, 53, false, "implementation defined"};
}  // namespace error_field

inline constexpr bit_field error_code_fields[] = {error_field::phase, error_field::id, error_field::data};
inline constexpr register_info error_code_info{"DRTM error code", 0, 64, error_code_fields,
                                               "skinit-arm-tcg.md B.9 (DEN0113 v1.4B Tables 7, 8)"};

struct drtm_error_code {
    u64 raw = 0;

    constexpr u8 phase_value() const { return static_cast<u8>(error_field::phase.get(raw)); }
    constexpr error_phase phase() const { return static_cast<error_phase>(phase_value()); }
    constexpr u8 id_value() const { return static_cast<u8>(error_field::id.get(raw)); }
    constexpr error_id id() const { return static_cast<error_id>(id_value()); }
    constexpr u64 data() const { return error_field::data.get(raw); }
    constexpr bool phase_known() const { return name(phase()) != nullptr; }
    constexpr bool id_known() const { return name(id()) != nullptr; }
    friend constexpr bool operator==(const drtm_error_code&, const drtm_error_code&) = default;
};

constexpr drtm_error_code decode_error_code(u64 x1) { return drtm_error_code{x1}; }

inline constexpr u64 max_error_data = (u64{1} << 53) - 1;

constexpr result<drtm_error_code> encode_error_code(u8 phase, u8 id, u64 data) {
    if (phase > 7)
        return arm_error(errc::value_out_of_range, 0, no_entry, "error_code.phase", "ARM-95",
                         "the phase is 3 bits", phase, 7);
    if (data > max_error_data)
        return arm_error(errc::value_out_of_range, 0, no_entry, "error_code.data", "ARM-95",
                         "the data field is 53 bits", data, max_error_data);
    return drtm_error_code{error_field::data.with(error_field::id.with(error_field::phase.with(0, phase), id), data)};
}

constexpr result<drtm_error_code> encode_error_code(error_phase phase, error_id id, u64 data = 0) {
    return encode_error_code(static_cast<u8>(phase), static_cast<u8>(id), data);
}

static_assert(decode_error_code(0x13).phase() == error_phase::dce && decode_error_code(0x13).id() == error_id::parameters);
static_assert(decode_error_code(~u64{0}).data() == max_error_data && !decode_error_code(0x7).phase_known());

}  // namespace dlh::arm
