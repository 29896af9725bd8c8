// SPDX-License-Identifier: MIT
// SHA-1 (FIPS 180-4 §6.1): constexpr, incremental, and on the x86 SHA extensions at run time
// when the processor has them (policy/sha_ni.hpp). SHA-1 is here because TPM 1.2 event logs
// and the TPM's SHA-1 PCR bank still use it, not as a recommendation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "policy/sha_common.hpp"
#include "policy/sha_ni.hpp"
#include "slrt/bytes.hpp"

namespace slrt {

namespace detail {

// Round T of §6.1.2 step 4 with the roles of a..e passed in order (the caller rotates names).
// The message word is loaded for T < 16, else scheduled on a 16-word ring (step 1):
// W[t] = ROTL1(W[t-3] ^ W[t-8] ^ W[t-14] ^ W[t-16]).
template <int T>
[[gnu::always_inline]] constexpr void sha1_step(u32 (&w)[16], const u8* p, u32 a, u32& b, u32 c, u32 d, u32& e) {
    u32& x = w[T & 15];
    if constexpr (T < 16) x = load_be32(p + 4 * T);
    else x = rotl<1>(w[(T + 13) & 15] ^ w[(T + 8) & 15] ^ w[(T + 2) & 15] ^ x);
    u32 f = 0;  // f_t of §4.1.1 (4.1)
    if constexpr (T < 20) f = d ^ (b & (c ^ d));  // Ch
    else if constexpr (T < 40 || T >= 60) f = b ^ c ^ d;  // Parity
    else f = (b & c) | (d & (b | c));  // Maj
    e += rotl<5>(a) + f + sha1_k[T / 20] + x;
    b = rotl<30>(b);
}

// Five rounds from T; afterwards every variable is back in its own role.
template <int T>
[[gnu::always_inline]] constexpr void sha1_five(u32 (&w)[16], const u8* p, u32 (&v)[5]) {
    u32 &a = v[0], &b = v[1], &c = v[2], &d = v[3], &e = v[4];
    sha1_step<T + 0>(w, p, a, b, c, d, e);
    sha1_step<T + 1>(w, p, e, a, b, c, d);
    sha1_step<T + 2>(w, p, d, e, a, b, c);
    sha1_step<T + 3>(w, p, c, d, e, a, b);
    sha1_step<T + 4>(w, p, b, c, d, e, a);
}

// §6.1.2 for n consecutive 64-byte blocks, without the SHA extensions.
SLRT_SHA_TUNE constexpr void sha1_blocks_portable(u32* state, const u8* p, std::size_t n) {
    for (; n != 0; --n, p += 64) {
        alignas(64) u32 w[16]{};  // one cache line whatever the caller's stack alignment
        u32 v[5] = {state[0], state[1], state[2], state[3], state[4]};
        sha1_five<0>(w, p, v);
        sha1_five<5>(w, p, v);
        sha1_five<10>(w, p, v);
        sha1_five<15>(w, p, v);
        sha1_five<20>(w, p, v);
        sha1_five<25>(w, p, v);
        sha1_five<30>(w, p, v);
        sha1_five<35>(w, p, v);
        sha1_five<40>(w, p, v);
        sha1_five<45>(w, p, v);
        sha1_five<50>(w, p, v);
        sha1_five<55>(w, p, v);
        sha1_five<60>(w, p, v);
        sha1_five<65>(w, p, v);
        sha1_five<70>(w, p, v);
        sha1_five<75>(w, p, v);
        for (int i = 0; i < 5; ++i) state[i] += v[i];
    }
}

// §6.1.2 for n blocks, one round per iteration (SLRT_SHA_COMPACT).
constexpr void sha1_blocks_compact(u32* state, const u8* p, std::size_t n) {
    for (; n != 0; --n, p += 64) {
        u32 w[16]{};
        u32 v[5] = {state[0], state[1], state[2], state[3], state[4]};
        for (u32 t = 0; t < 80; ++t) {
            u32& x = w[t & 15];
            if (t < 16) x = load_be32(p + 4 * t);
            else x = rotl<1>(w[(t + 13) & 15] ^ w[(t + 8) & 15] ^ w[(t + 2) & 15] ^ x);
            const u32 b = v[1], c = v[2], d = v[3];
            const u32 f = t < 20 ? d ^ (b & (c ^ d)) : (t < 40 || t >= 60) ? b ^ c ^ d : (b & c) | (d & (b | c));
            const u32 next = rotl<5>(v[0]) + f + v[4] + sha1_k[t / 20] + x;
            v[4] = d;
            v[3] = c;
            v[2] = rotl<30>(b);
            v[1] = v[0];
            v[0] = next;
        }
        for (u32 i = 0; i < 5; ++i) state[i] += v[i];
    }
}

struct sha1_traits {
    using word = u32;
    static constexpr u32 block_size = 64;
    static constexpr u32 length_size = 8;
    static constexpr u32 state_words = 5;
    static constexpr void blocks(u32* state, const u8* p, std::size_t n) {
#if SLRT_SHA_EXTENSIONS
        if (!std::is_constant_evaluated() && (sha_usable() & sha_cpu_sha_ni) != 0)
            return sha1_blocks_ni(state, p, n);
#endif
        if constexpr (SLRT_SHA_COMPACT) sha1_blocks_compact(state, p, n);
        else sha1_blocks_portable(state, p, n);
    }
};

}  // namespace detail

// SHA-1: update() with message bytes any number of times, then finish(out) once with 20 bytes
// of room.
class sha1 : public detail::md_hasher<detail::sha1_traits, 20> {
public:
    constexpr sha1() : md_hasher(detail::sha1_iv) {}
};

}  // namespace slrt
