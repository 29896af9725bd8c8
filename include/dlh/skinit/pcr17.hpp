// SPDX-License-Identifier: MIT
// PCR 17 right after SKINIT, per bank (skinit-arm-tcg.md A.4, C.8; spec/skinit.md §4).
//
// SKINIT sends the measured bytes of the SLB to the TPM with the locality-4 hash sequence
// (_TPM_Hash_Start / _Hash_Data / _Hash_End). A TPM 2.0 then resets PCR 17..22 to zero and, in
// every allocated bank, sets
//
//   PCR17 = H(0^digest_size || H(SLB[0, length)))
//
// which is an extend of the reset value. PCR 18..22 stay zero until software extends them.
// Nothing here reads the TPM: the values are what a verifier should expect.
#pragma once

#include "dlh/skinit/slb.hpp"
#include "policy/digest.hpp"
#include "policy/replay.hpp"

namespace dlh::skinit {

using slrt::digest;
using slrt::hash_alg;

inline constexpr u32 drtm_code_pcr = 17;  // SKINIT's measurement; SKL's own measurements

// H(SLB[0, length)) for one bank: the digest SKINIT hands the TPM (and SKL logs as "SKINIT").
constexpr result<digest> skinit_measurement(const slb& s, hash_alg alg) {
    if (!slrt::hasher::is_supported(alg))
        return error{errc::unknown_algorithm, 0, no_entry, "bank", "SKINIT-20",
                     "slrt cannot compute this bank's hash", static_cast<u16>(alg), 0};
    return slrt::hash(alg, s.measured);
}

// PCR 17 after SKINIT in one bank (rule SKINIT-20 for a bank slrt cannot compute).
constexpr result<digest> predict_pcr17(const slb& s, hash_alg alg) {
    const result<digest> m = skinit_measurement(s, alg);
    if (!m) return m.err();
    return slrt::extend_pcr(slrt::pcr_start_value(alg, drtm_code_pcr, slrt::pcr_start::drtm), *m);
}

// The same for `n` banks at once, reading the measured bytes once (policy/digest.hpp hash_banks).
// `out[i]` belongs to `algs[i]`. Every bank must be computable (SKINIT-20); `out` is written only
// when all are.
constexpr status predict_pcr17(const slb& s, const hash_alg* algs, u32 n, digest* out) {
    for (u32 i = 0; i < n; ++i)
        if (!slrt::hasher::is_supported(algs[i]))
            return error{errc::unknown_algorithm, 0, i, "bank", "SKINIT-20", "slrt cannot compute this bank's hash",
                         static_cast<u16>(algs[i]), 0};
    slrt::hash_banks(algs, n, s.measured, out);
    for (u32 i = 0; i < n; ++i)
        out[i] = slrt::extend_pcr(slrt::pcr_start_value(algs[i], drtm_code_pcr, slrt::pcr_start::drtm), out[i]);
    return success;
}

// Parses the image first (rules SKINIT-1..5), then predicts one bank.
constexpr result<digest> predict_pcr17(byte_view image, hash_alg alg) {
    const result<slb> s = parse_slb(image);
    if (!s) return s.err();
    return predict_pcr17(*s, alg);
}

}  // namespace dlh::skinit
