// SPDX-License-Identifier: MIT
// DRTM return codes: the signed 64-bit value every DRTM SMC leaves in x0
// (skinit-arm-tcg.md §B.2: DEN0113 v1.4B Table 20 as quoted by [JG]; [TFA] drtm_main.h;
// [ACS] acs_drtm.h stops at ALREADY_CLOSED).
//
// x0 is a register, so the decoders take the raw u64 and read it as two's complement. A
// DRTM_FEATURES feature query answers with a positive x0 ("implemented"), which is not one of
// these codes; status_of() reports such values as `positive`.
#pragma once

#include <cstdint>

#include "dlh/arm/base.hpp"

namespace dlh::arm {

enum class drtm_status : std::int64_t {
    success = 0,
    not_supported = -1,
    invalid_parameters = -2,
    denied = -3,
    not_found = -4,
    internal_error = -5,
    mem_protect_invalid = -6,
    coprocessor_error = -7,
    out_of_resources = -8,
    invalid_data = -9,
    secondary_pe_not_off = -10,
    already_closed = -11,
    tpm_error = -12,  // DEN0113 v1.4B ([JG]); not in [ACS]
};

// The specification's name ("INVALID_PARAMETERS"); nullptr for a value no table defines.
constexpr const char* name(drtm_status s) {
    switch (s) {
        case drtm_status::success: return "SUCCESS";
        case drtm_status::not_supported: return "NOT_SUPPORTED";
        case drtm_status::invalid_parameters: return "INVALID_PARAMETERS";
        case drtm_status::denied: return "DENIED";
        case drtm_status::not_found: return "NOT_FOUND";
        case drtm_status::internal_error: return "INTERNAL_ERROR";
        case drtm_status::mem_protect_invalid: return "MEM_PROTECT_INVALID";
        case drtm_status::coprocessor_error: return "COPROCESSOR_ERROR";
        case drtm_status::out_of_resources: return "OUT_OF_RESOURCES";
        case drtm_status::invalid_data: return "INVALID_DATA";
        case drtm_status::secondary_pe_not_off: return "SECONDARY_PE_NOT_OFF";
        case drtm_status::already_closed: return "ALREADY_CLOSED";
        case drtm_status::tpm_error: return "TPM_ERROR";
    }
    return nullptr;
}

inline constexpr drtm_status all_drtm_statuses[] = {
    drtm_status::success,          drtm_status::not_supported,        drtm_status::invalid_parameters,
    drtm_status::denied,           drtm_status::not_found,            drtm_status::internal_error,
    drtm_status::mem_protect_invalid, drtm_status::coprocessor_error, drtm_status::out_of_resources,
    drtm_status::invalid_data,     drtm_status::secondary_pe_not_off, drtm_status::already_closed,
    drtm_status::tpm_error,
};

// x0 read as the signed value the firmware returned.
constexpr std::int64_t signed_x0(u64 x0) {
    return x0 <= 0x7fffffffffffffffu ? static_cast<std::int64_t>(x0)
                                     : -static_cast<std::int64_t>(~x0) - 1;
}
// The register value that carries `s`.
constexpr u64 x0_of(drtm_status s) { return static_cast<u64>(static_cast<std::int64_t>(s)); }

// What an x0 value is: one of the named codes, a positive value (a feature query's
// "implemented"), or a negative value no table names.
struct x0_status {
    enum class kind : u8 { named, positive, unknown_negative } what = kind::named;
    drtm_status code = drtm_status::success;  // valid when what == named
    std::int64_t value = 0;

    constexpr bool is_error() const { return value < 0; }
    friend constexpr bool operator==(const x0_status&, const x0_status&) = default;
};

constexpr x0_status status_of(u64 x0) {
    x0_status s;
    s.value = signed_x0(x0);
    if (s.value > 0) {
        s.what = x0_status::kind::positive;
        return s;
    }
    for (drtm_status c : all_drtm_statuses)
        if (static_cast<std::int64_t>(c) == s.value) {
            s.code = c;
            return s;
        }
    s.what = x0_status::kind::unknown_negative;
    return s;
}

static_assert(signed_x0(0xfffffffffffffffeu) == -2 && signed_x0(0x8000000000000000u) < 0);
static_assert(x0_of(drtm_status::tpm_error) == 0xfffffffffffffff4u);
static_assert(status_of(x0_of(drtm_status::denied)).code == drtm_status::denied);

}  // namespace dlh::arm
