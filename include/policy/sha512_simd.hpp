// SPDX-License-Identifier: MIT
// SHA-512 block function for x86 processors with SSSE3 and BMI2, chosen at run time
// (policy/sha_x86.hpp).
//
// The rounds of FIPS 180-4 §6.4.2 step 3 form one long dependency chain on the integer
// units; the message schedule (step 1) does not depend on them. Here the schedule runs in
// SSE registers, two 64-bit words per vector, interleaved with the rounds, and leaves
// W[t] + K[t] in a 16-entry ring on the stack for the rounds to pick up; the rounds use RORX
// (BMI2), which rotates without first copying its operand. The integer units then spend their
// time on the rounds alone. Only this function is compiled for "ssse3,bmi2"; it is not
// constexpr (constant evaluation uses sha512_blocks_portable).
#pragma once

#include <cstddef>
#include <cstdint>

#include "policy/sha_common.hpp"
#include "policy/sha_x86.hpp"
#include "slrt/bytes.hpp"

#if SLRT_SHA_EXTENSIONS
namespace slrt::detail {

#define SLRT_SHA512_TARGET __attribute__((target("ssse3,bmi2")))

typedef unsigned long long sha_v2q __attribute__((vector_size(16)));
typedef char sha_v16b __attribute__((vector_size(16)));
typedef unsigned long long sha_v2q_unaligned __attribute__((vector_size(16), aligned(1), may_alias));

[[gnu::always_inline]] SLRT_SHA512_TARGET inline sha_v2q sha512_load(const void* p) {
    return *static_cast<const sha_v2q_unaligned*>(p);
}

template <int N>
[[gnu::always_inline]] SLRT_SHA512_TARGET inline sha_v2q sha512_vrotr(sha_v2q v) {
    return (v >> N) | (v << (64 - N));
}

// W[t], W[t+1] (t even, 16 <= t < 80) by (4.12), (4.13) and step 1 of §6.4.2. ring[j] holds
// W[2j], W[2j+1] modulo 16 words: ring[t/2 % 8] is W[t-16..t-15] and becomes W[t..t+1].
template <int T>
[[gnu::always_inline]] SLRT_SHA512_TARGET inline void sha512_simd_schedule(sha_v2q (&ring)[8], u64* wk) {
    constexpr int j = (T / 2) & 7;
    const sha_v2q w15 = __builtin_shufflevector(ring[j], ring[(j + 1) & 7], 1, 2);        // W[t-15], W[t-14]
    const sha_v2q w7 = __builtin_shufflevector(ring[(j + 4) & 7], ring[(j + 5) & 7], 1, 2);  // W[t-7], W[t-6]
    const sha_v2q w2 = ring[(j + 7) & 7];                                                    // W[t-2], W[t-1]
    const sha_v2q sigma0 = sha512_vrotr<1>(w15) ^ sha512_vrotr<8>(w15) ^ (w15 >> 7);
    const sha_v2q sigma1 = sha512_vrotr<19>(w2) ^ sha512_vrotr<61>(w2) ^ (w2 >> 6);
    ring[j] += sigma0 + w7 + sigma1;
    *reinterpret_cast<sha_v2q_unaligned*>(wk + (T & 15)) = ring[j] + sha512_load(sha512_k + T);
    // Keeps the schedule where it is written, between the rounds: without this Clang hoists
    // all of it to the top of the block, where its long dependency chain cannot overlap them.
    __asm__ volatile("" : "+x"(ring[j]) : "r"(wk) : "memory");
}

// Rounds T and T+1 from the ring of W + K, then the schedule of the words 16 rounds ahead
// (into the slots these two rounds have just consumed).
template <int T>
[[gnu::always_inline]] SLRT_SHA512_TARGET inline void sha512_simd_rounds(sha_v2q (&ring)[8], u64* wk, u64 (&v)[8],
                                                                         u64& bc) {
    constexpr int r = T & 7;  // after r rounds the variable v[i] plays role (i + r) % 8
    u64 &a = v[(8 - r) & 7], &b = v[(9 - r) & 7], &c = v[(10 - r) & 7], &d = v[(11 - r) & 7];
    u64 &e = v[(12 - r) & 7], &f = v[(13 - r) & 7], &g = v[(14 - r) & 7], &h = v[(15 - r) & 7];
    sha512_round(a, b, d, e, f, g, h, wk[T & 15], bc);
    sha512_round(h, a, c, d, e, f, g, wk[(T + 1) & 15], bc);
    if constexpr (T + 16 < 80) sha512_simd_schedule<T + 16>(ring, wk);
    if constexpr (T + 2 < 80) sha512_simd_rounds<T + 2>(ring, wk, v, bc);
}

SLRT_SHA512_TARGET SLRT_SHA_TUNE inline void sha512_blocks_simd(u64* state, const u8* p, std::size_t n) {
    alignas(64) u64 wk[16];  // two whole cache lines, whatever the caller's stack alignment
    for (; n != 0; --n, p += 128) {
        sha_v2q ring[8];
        for (int j = 0; j < 8; ++j) {
            const sha_v16b raw = reinterpret_cast<sha_v16b>(sha512_load(p + 16 * j));
            ring[j] = reinterpret_cast<sha_v2q>(  // big-endian words (§3.1): PSHUFB
                __builtin_shufflevector(raw, raw, 7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8));
            *reinterpret_cast<sha_v2q_unaligned*>(wk + 2 * j) = ring[j] + sha512_load(sha512_k + 2 * j);
        }
        u64 v[8] = {state[0], state[1], state[2], state[3], state[4], state[5], state[6], state[7]};
        u64 bc = v[1] ^ v[2];
        sha512_simd_rounds<0>(ring, wk, v, bc);
        for (int i = 0; i < 8; ++i) state[i] += v[i];
    }
}

#undef SLRT_SHA512_TARGET

}  // namespace slrt::detail
#endif  // SLRT_SHA_EXTENSIONS
