// SPDX-License-Identifier: MIT
// SHA-1 and SHA-256 block functions on the x86 SHA extensions (Intel SDM Vol. 2: SHA1RNDS4,
// SHA1NEXTE, SHA1MSG1/2, SHA256RNDS2, SHA256MSG1/2; AMD APM Vol. 4).
//
// Only these functions are compiled for "sha,sse4.1,ssse3" (a per-function target
// attribute); sha1.hpp and sha256.hpp call them when policy/sha_x86.hpp says the processor
// has the features and the switch allows them. They use compiler builtins on GCC/Clang vector
// types instead of <immintrin.h>, which a freestanding toolchain may lack.
#pragma once

#include <cstddef>
#include <cstdint>

#include "policy/sha_common.hpp"
#include "policy/sha_x86.hpp"
#include "slrt/bytes.hpp"

namespace slrt {

#if SLRT_SHA_EXTENSIONS
namespace detail {

#define SLRT_SHA_TARGET __attribute__((target("sha,sse4.1,ssse3")))

// Vector types for the builtins. Values of these types live only inside functions compiled
// with SLRT_SHA_TARGET, never in an interface, so the rest of slrt needs no vector registers.
typedef int sha_v4i __attribute__((vector_size(16)));
typedef unsigned sha_v4u __attribute__((vector_size(16)));
typedef char sha_v16c __attribute__((vector_size(16)));
typedef unsigned sha_v4u_unaligned __attribute__((vector_size(16), aligned(1), may_alias));

[[gnu::always_inline]] SLRT_SHA_TARGET inline sha_v4u sha_load(const void* p) {
    return *static_cast<const sha_v4u_unaligned*>(p);
}
[[gnu::always_inline]] SLRT_SHA_TARGET inline void sha_store(void* p, sha_v4u v) {
    *static_cast<sha_v4u_unaligned*>(p) = v;
}
// Each 32-bit lane byte-swapped: the block's big-endian words as numbers (PSHUFB).
[[gnu::always_inline]] SLRT_SHA_TARGET inline sha_v4u sha_bswap32(sha_v4u v) {
    const sha_v16c b = reinterpret_cast<sha_v16c>(v);
    return reinterpret_cast<sha_v4u>(
        __builtin_shufflevector(b, b, 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12));
}
// All 16 bytes reversed: the first word of the block ends up in lane 3, as SHA1RNDS4 wants.
[[gnu::always_inline]] SLRT_SHA_TARGET inline sha_v4u sha_bswap128(sha_v4u v) {
    const sha_v16c b = reinterpret_cast<sha_v16c>(v);
    return reinterpret_cast<sha_v4u>(
        __builtin_shufflevector(b, b, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0));
}

// ---------------------------------------------------------------------------------------------
// SHA-256. The state is kept as two vectors, lanes listed from 3 down to 0: ABEF = (A, B, E, F)
// and CDGH = (C, D, G, H), the operands SHA256RNDS2 takes. Two rounds turn (ABEF, CDGH) into
// (ABEF', ABEF): after them C, D, G, H are the old A, B, E, F.

// Four rounds: wk holds W[t..t+3] + K[t..t+3]; SHA256RNDS2 uses lanes 0 and 1.
[[gnu::always_inline]] SLRT_SHA_TARGET inline void sha256_ni_rounds4(sha_v4u& abef, sha_v4u& cdgh, sha_v4u wk) {
    cdgh = reinterpret_cast<sha_v4u>(__builtin_ia32_sha256rnds2(
        reinterpret_cast<sha_v4i>(cdgh), reinterpret_cast<sha_v4i>(abef), reinterpret_cast<sha_v4i>(wk)));
    wk = __builtin_shufflevector(wk, wk, 2, 3, 2, 3);
    abef = reinterpret_cast<sha_v4u>(__builtin_ia32_sha256rnds2(
        reinterpret_cast<sha_v4i>(abef), reinterpret_cast<sha_v4i>(cdgh), reinterpret_cast<sha_v4i>(wk)));
}

// FIPS 180-4 §6.2.2 step 1 for four words: w0..w3 hold W[t-16..t-1]; w0 becomes W[t..t+3].
//   SHA256MSG1(W[t-16..t-13], W[t-12..t-9]) = W[t-16+i] + σ0(W[t-15+i])
//   + W[t-7..t-4] (the last three words of w2 and the first of w3)
//   SHA256MSG2(that, W[t-4..t-1]) adds σ1(W[t-2+i]), using its own results for i = 2, 3.
[[gnu::always_inline]] SLRT_SHA_TARGET inline void sha256_ni_schedule(sha_v4u& w0, sha_v4u w1, sha_v4u w2,
                                                                       sha_v4u w3) {
    sha_v4u x = reinterpret_cast<sha_v4u>(
        __builtin_ia32_sha256msg1(reinterpret_cast<sha_v4i>(w0), reinterpret_cast<sha_v4i>(w1)));
    x += __builtin_shufflevector(w2, w3, 1, 2, 3, 4);
    w0 = reinterpret_cast<sha_v4u>(
        __builtin_ia32_sha256msg2(reinterpret_cast<sha_v4i>(x), reinterpret_cast<sha_v4i>(w3)));
}

SLRT_SHA_TARGET inline void sha256_blocks_ni(u32* state, const u8* p, std::size_t n) {
    const sha_v4u abcd = sha_load(state), efgh = sha_load(state + 4);  // lanes 0..3 = A..D, E..H
    sha_v4u abef = __builtin_shufflevector(abcd, efgh, 5, 4, 1, 0);
    sha_v4u cdgh = __builtin_shufflevector(abcd, efgh, 7, 6, 3, 2);
    const u32* k = sha256_k;
    for (; n != 0; --n, p += 64) {
        const sha_v4u abef_in = abef, cdgh_in = cdgh;
        sha_v4u w0 = sha_bswap32(sha_load(p)), w1 = sha_bswap32(sha_load(p + 16));
        sha_v4u w2 = sha_bswap32(sha_load(p + 32)), w3 = sha_bswap32(sha_load(p + 48));
        sha256_ni_rounds4(abef, cdgh, w0 + sha_load(k + 0));
        sha256_ni_rounds4(abef, cdgh, w1 + sha_load(k + 4));
        sha256_ni_rounds4(abef, cdgh, w2 + sha_load(k + 8));
        sha256_ni_rounds4(abef, cdgh, w3 + sha_load(k + 12));
        for (int t = 16; t < 64; t += 16) {
            sha256_ni_schedule(w0, w1, w2, w3);
            sha256_ni_rounds4(abef, cdgh, w0 + sha_load(k + t));
            sha256_ni_schedule(w1, w2, w3, w0);
            sha256_ni_rounds4(abef, cdgh, w1 + sha_load(k + t + 4));
            sha256_ni_schedule(w2, w3, w0, w1);
            sha256_ni_rounds4(abef, cdgh, w2 + sha_load(k + t + 8));
            sha256_ni_schedule(w3, w0, w1, w2);
            sha256_ni_rounds4(abef, cdgh, w3 + sha_load(k + t + 12));
        }
        abef += abef_in;
        cdgh += cdgh_in;
    }
    sha_store(state, __builtin_shufflevector(abef, cdgh, 3, 2, 7, 6));
    sha_store(state + 4, __builtin_shufflevector(abef, cdgh, 1, 0, 5, 4));
}

// ---------------------------------------------------------------------------------------------
// SHA-1. ABCD is one vector with A in lane 3; E travels in lane 3 of the round input.
// SHA1RNDS4(ABCD, E + W[t..t+3]) does four rounds with f and K of FIPS 180-4 §4.1.1 picked by
// the immediate (rounds 0-19: 0, 20-39: 1, 40-59: 2, 60-79: 3). The E of the next four rounds
// is the A of four rounds ago rotated by 30 (SHA1NEXTE adds it to the next message words).

template <int F>
[[gnu::always_inline]] SLRT_SHA_TARGET inline void sha1_ni_rounds4(sha_v4u& abcd, sha_v4u& abcd_before, sha_v4u w) {
    const sha_v4i e_w = __builtin_ia32_sha1nexte(reinterpret_cast<sha_v4i>(abcd_before), reinterpret_cast<sha_v4i>(w));
    abcd_before = abcd;
    abcd = reinterpret_cast<sha_v4u>(__builtin_ia32_sha1rnds4(reinterpret_cast<sha_v4i>(abcd), e_w, F));
}

// FIPS 180-4 §6.1.2 step 1 for four words: w0..w3 hold W[t-16..t-1]; w0 becomes W[t..t+3].
//   SHA1MSG1(W[t-16..t-13], W[t-12..t-9]) = W[t-16+i] ^ W[t-14+i]; ^ W[t-8+i];
//   SHA1MSG2(that, W[t-4..t-1]) adds W[t-3+i] and rotates left by 1.
[[gnu::always_inline]] SLRT_SHA_TARGET inline void sha1_ni_schedule(sha_v4u& w0, sha_v4u w1, sha_v4u w2, sha_v4u w3) {
    sha_v4u x = reinterpret_cast<sha_v4u>(
        __builtin_ia32_sha1msg1(reinterpret_cast<sha_v4i>(w0), reinterpret_cast<sha_v4i>(w1)));
    x ^= w2;
    w0 = reinterpret_cast<sha_v4u>(
        __builtin_ia32_sha1msg2(reinterpret_cast<sha_v4i>(x), reinterpret_cast<sha_v4i>(w3)));
}

SLRT_SHA_TARGET inline void sha1_blocks_ni(u32* state, const u8* p, std::size_t n) {
    const sha_v4u loaded = sha_load(state);
    sha_v4u abcd = __builtin_shufflevector(loaded, loaded, 3, 2, 1, 0);
    sha_v4u e = {0, 0, 0, state[4]};
    for (; n != 0; --n, p += 64) {
        const sha_v4u abcd_in = abcd, e_in = e;
        sha_v4u w0 = sha_bswap128(sha_load(p)), w1 = sha_bswap128(sha_load(p + 16));
        sha_v4u w2 = sha_bswap128(sha_load(p + 32)), w3 = sha_bswap128(sha_load(p + 48));
        // Rounds 0-3 take E straight from the state; later groups get it from SHA1NEXTE.
        sha_v4u abcd_before = abcd;
        abcd = reinterpret_cast<sha_v4u>(
            __builtin_ia32_sha1rnds4(reinterpret_cast<sha_v4i>(abcd), reinterpret_cast<sha_v4i>(e + w0), 0));
        sha1_ni_rounds4<0>(abcd, abcd_before, w1);  // rounds 4-7
        sha1_ni_rounds4<0>(abcd, abcd_before, w2);
        sha1_ni_rounds4<0>(abcd, abcd_before, w3);
        sha1_ni_schedule(w0, w1, w2, w3);
        sha1_ni_rounds4<0>(abcd, abcd_before, w0);  // rounds 16-19
        sha1_ni_schedule(w1, w2, w3, w0);
        sha1_ni_rounds4<1>(abcd, abcd_before, w1);  // rounds 20-23
        sha1_ni_schedule(w2, w3, w0, w1);
        sha1_ni_rounds4<1>(abcd, abcd_before, w2);
        sha1_ni_schedule(w3, w0, w1, w2);
        sha1_ni_rounds4<1>(abcd, abcd_before, w3);
        sha1_ni_schedule(w0, w1, w2, w3);
        sha1_ni_rounds4<1>(abcd, abcd_before, w0);
        sha1_ni_schedule(w1, w2, w3, w0);
        sha1_ni_rounds4<1>(abcd, abcd_before, w1);
        sha1_ni_schedule(w2, w3, w0, w1);
        sha1_ni_rounds4<2>(abcd, abcd_before, w2);  // rounds 40-43
        sha1_ni_schedule(w3, w0, w1, w2);
        sha1_ni_rounds4<2>(abcd, abcd_before, w3);
        sha1_ni_schedule(w0, w1, w2, w3);
        sha1_ni_rounds4<2>(abcd, abcd_before, w0);
        sha1_ni_schedule(w1, w2, w3, w0);
        sha1_ni_rounds4<2>(abcd, abcd_before, w1);
        sha1_ni_schedule(w2, w3, w0, w1);
        sha1_ni_rounds4<2>(abcd, abcd_before, w2);
        sha1_ni_schedule(w3, w0, w1, w2);
        sha1_ni_rounds4<3>(abcd, abcd_before, w3);  // rounds 60-63
        sha1_ni_schedule(w0, w1, w2, w3);
        sha1_ni_rounds4<3>(abcd, abcd_before, w0);
        sha1_ni_schedule(w1, w2, w3, w0);
        sha1_ni_rounds4<3>(abcd, abcd_before, w1);
        sha1_ni_schedule(w2, w3, w0, w1);
        sha1_ni_rounds4<3>(abcd, abcd_before, w2);
        sha1_ni_schedule(w3, w0, w1, w2);
        sha1_ni_rounds4<3>(abcd, abcd_before, w3);  // rounds 76-79
        // E after round 79 is A after round 75 rotated by 30, plus E of the block's start.
        e = reinterpret_cast<sha_v4u>(
            __builtin_ia32_sha1nexte(reinterpret_cast<sha_v4i>(abcd_before), reinterpret_cast<sha_v4i>(e_in)));
        abcd += abcd_in;
    }
    sha_store(state, __builtin_shufflevector(abcd, abcd, 3, 2, 1, 0));
    state[4] = e[3];
}

#undef SLRT_SHA_TARGET

}  // namespace detail
#endif  // SLRT_SHA_EXTENSIONS

}  // namespace slrt
