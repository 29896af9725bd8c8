// SPDX-License-Identifier: MIT
// DRTM SMC function ids and the DRTM_VERSION word (skinit-arm-tcg.md §B.1).
//
// Every DRTM function is an SMC64 fast call of the Standard Secure Service (owning entity 4),
// function numbers 0x110..0x12F; 0x112 is reserved. The function id layout is SMCCC's:
// [15:0] function number, [23:16] zero, [29:24] owning entity, [30] SMC64, [31] fast call.
#pragma once

#include "dlh/arm/base.hpp"

namespace dlh::arm {

enum class function : u32 {
    version = 0xC4000110,                   // DRTM_VERSION
    features = 0xC4000111,                  // DRTM_FEATURES (x1: query)
    unprotect_memory = 0xC4000113,          // DRTM_UNPROTECT_MEMORY
    dynamic_launch = 0xC4000114,            // DRTM_DYNAMIC_LAUNCH (x1: PA of DRTM_PARAMETERS)
    close_locality = 0xC4000115,            // DRTM_CLOSE_LOCALITY (x1: locality)
    get_error = 0xC4000116,                 // DRTM_GET_ERROR (x1 out: error code)
    set_error = 0xC4000117,                 // DRTM_SET_ERROR (x1: error code)
    set_tcb_hash = 0xC4000118,              // DRTM_SET_TCB_HASH (x1: PA of a TCB hash table)
    lock_tcb_hashes = 0xC4000119,           // DRTM_LOCK_TCB_HASHES
    enable_secure_interrupts = 0xC400011A,  // DRTM_ENABLE_SECURE_INTERRUPTS (DEN0113 v1.4B §3.11)
};

// 0xC4000112: reserved in the DRTM range ([JG]).
inline constexpr u32 reserved_function_id = 0xC4000112;

struct function_info {
    function id;
    const char* name;
    const char* note;  // what it takes and returns, and who implements it
};

inline constexpr function_info function_table[] = {
    {function::version, "DRTM_VERSION", "w0: version word, bit 31 set = NOT_SUPPORTED"},
    {function::features, "DRTM_FEATURES", "x1: function id, or bit 63 + feature id; x0 status, x1 value"},
    {function::unprotect_memory, "DRTM_UNPROTECT_MEMORY", "x0 status; DENIED when nothing is protected"},
    {function::dynamic_launch, "DRTM_DYNAMIC_LAUNCH",
     "x1: PA of DRTM_PARAMETERS; enters the DLME (x0 = region, x1 = data offset) or returns a status"},
    {function::close_locality, "DRTM_CLOSE_LOCALITY", "x1: locality; TF-A: NOT_SUPPORTED"},
    {function::get_error, "DRTM_GET_ERROR", "x0 status, x1 error code"},
    {function::set_error, "DRTM_SET_ERROR", "x1: error code; x0 status"},
    {function::set_tcb_hash, "DRTM_SET_TCB_HASH", "x1: PA of a TCB hash table; TF-A: NOT_SUPPORTED"},
    {function::lock_tcb_hashes, "DRTM_LOCK_TCB_HASHES", "x0 status; TF-A: NOT_SUPPORTED"},
    {function::enable_secure_interrupts, "DRTM_ENABLE_SECURE_INTERRUPTS",
     "SUCCESS once after a launch with launch feature bit 7, DENIED after; DEN0113 v1.4B, not in TF-A"},
};

constexpr const function_info* find_function(u32 fid) {
    for (const function_info& f : function_table)
        if (static_cast<u32>(f.id) == fid) return &f;
    return nullptr;
}

constexpr const char* name(function f) {
    const function_info* i = find_function(static_cast<u32>(f));
    return i ? i->name : nullptr;
}

constexpr bool function_from_name(const char* text, function& out) {
    for (const function_info& f : function_table)
        if (same_name(text, f.name)) {
            out = f.id;
            return true;
        }
    return false;
}

// The SMCCC function id word.
namespace fid_field {
inline constexpr bit_field number{"FUNCTION_NUMBER", 0, 16, false, "DRTM: 0x110..0x12f"};
inline constexpr bit_field owner{"OWNING_ENTITY", 24, 6, false, "4 = Standard Secure Service"};
inline constexpr bit_field smc64{"SMC64", 30, 1, false, "1 = SMC64 calling convention"};
inline constexpr bit_field fast_call{"FAST_CALL", 31, 1, false, "1 = fast call"};
}  // namespace fid_field

inline constexpr bit_field fid_fields[] = {fid_field::number, reserved_bits(16, 8), fid_field::owner,
                                           fid_field::smc64, fid_field::fast_call};
inline constexpr register_info fid_info{"SMC function id", 0, 32, fid_fields, "SMCCC; skinit-arm-tcg.md B.1"};

inline constexpr u32 drtm_first_number = 0x110;
inline constexpr u32 drtm_last_number = 0x12f;
inline constexpr u32 standard_secure_service = 4;

// Whether `fid` lies in the DRTM function range (SMC64 fast call, OEN 4, 0x110..0x12F),
// whether or not this library names it.
constexpr bool in_drtm_range(u32 fid) {
    const u64 n = fid_field::number.get(fid);
    return fid_field::fast_call.test(fid) && fid_field::smc64.test(fid) &&
           fid_field::owner.get(fid) == standard_secure_service && (fid & 0x00ff0000u) == 0 &&
           n >= drtm_first_number && n <= drtm_last_number;
}

// ---------------------------------------------------------------------------------------------
// DRTM_VERSION (w0)

namespace version_field {
inline constexpr bit_field minor{"MINOR", 0, 16};
inline constexpr bit_field major{"MAJOR", 16, 15};
inline constexpr bit_field not_supported{"NOT_SUPPORTED", 31, 1, false, "1 = DRTM not implemented (w0 = -1)"};
}  // namespace version_field

inline constexpr bit_field version_fields[] = {version_field::minor, version_field::major,
                                               version_field::not_supported};
inline constexpr register_info version_info{"DRTM_VERSION", 0, 32, version_fields, "skinit-arm-tcg.md B.1"};

struct drtm_version {
    u32 raw = 0;  // w0

    constexpr bool supported() const { return !version_field::not_supported.test(raw); }
    constexpr u16 major() const { return static_cast<u16>(version_field::major.get(raw)); }
    constexpr u16 minor() const { return static_cast<u16>(version_field::minor.get(raw)); }
    friend constexpr bool operator==(const drtm_version&, const drtm_version&) = default;
};

// The version word from x0 (only w0 counts).
constexpr drtm_version decode_version(u64 x0) { return drtm_version{static_cast<u32>(x0 & 0xffffffffu)}; }
constexpr drtm_version make_version(u16 major, u16 minor) {
    return drtm_version{static_cast<u32>(version_field::minor.with(version_field::major.with(0, major), minor))};
}

// The interface version TF-A reports (1.0); [JG] observed firmware reporting 1.4.
inline constexpr drtm_version tfa_interface_version = make_version(1, 0);

static_assert(tfa_interface_version.raw == 0x00010000);
static_assert(in_drtm_range(static_cast<u32>(function::dynamic_launch)) && in_drtm_range(reserved_function_id));
static_assert(!in_drtm_range(0x84000110u) && !in_drtm_range(0xC4000130u) && !in_drtm_range(0xC5000110u));
static_assert(!decode_version(0xffffffffu).supported());

}  // namespace dlh::arm
