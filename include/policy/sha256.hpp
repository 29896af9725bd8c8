// SPDX-License-Identifier: MIT
// SHA-256 (FIPS 180-4 §6.2): constexpr, incremental, and on the x86 SHA extensions at run time
// when the processor has them (policy/sha_ni.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "policy/sha_common.hpp"
#include "policy/sha_ni.hpp"
#include "slrt/bytes.hpp"

namespace slrt {

namespace detail {

// W[t] of §6.2.2 step 1 on a 16-word ring: loaded for t < 16, else scheduled from the ring.
[[gnu::always_inline]] constexpr u32 sha256_word(u32 (&w)[16], const u8* p, u32 t) {
    u32& x = w[t & 15];
    if (t < 16) {
        x = load_be32(p + 4 * t);
    } else {
        const u32 w15 = w[(t + 1) & 15], w2 = w[(t + 14) & 15];
        const u32 sigma0 = rotr<7>(w15) ^ rotr<18>(w15) ^ (w15 >> 3);  // σ0 (4.6)
        const u32 sigma1 = rotr<17>(w2) ^ rotr<19>(w2) ^ (w2 >> 10);  // σ1 (4.7)
        x += sigma1 + w[(t + 9) & 15] + sigma0;  // W[t-16] + ... + W[t-7]
    }
    return x;
}

// Round T with its message word.
template <int T>
[[gnu::always_inline]] constexpr void sha256_step(u32 (&w)[16], const u8* p, u32 a, u32 b, u32& d, u32 e, u32 f,
                                                  u32 g, u32& h, u32& bc) {
    sha256_round(a, b, d, e, f, g, h, sha256_k[T] + sha256_word(w, p, T), bc);
}

// Eight rounds from T; afterwards every variable is back in its own role.
template <int T>
[[gnu::always_inline]] constexpr void sha256_eight(u32 (&w)[16], const u8* p, u32 (&v)[8], u32& bc) {
    u32 &a = v[0], &b = v[1], &c = v[2], &d = v[3], &e = v[4], &f = v[5], &g = v[6], &h = v[7];
    sha256_step<T + 0>(w, p, a, b, d, e, f, g, h, bc);
    sha256_step<T + 1>(w, p, h, a, c, d, e, f, g, bc);
    sha256_step<T + 2>(w, p, g, h, b, c, d, e, f, bc);
    sha256_step<T + 3>(w, p, f, g, a, b, c, d, e, bc);
    sha256_step<T + 4>(w, p, e, f, h, a, b, c, d, bc);
    sha256_step<T + 5>(w, p, d, e, g, h, a, b, c, bc);
    sha256_step<T + 6>(w, p, c, d, f, g, h, a, b, bc);
    sha256_step<T + 7>(w, p, b, c, e, f, g, h, a, bc);
}

// §6.2.2 for n consecutive 64-byte blocks, without the SHA extensions.
SLRT_SHA_TUNE constexpr void sha256_blocks_portable(u32* state, const u8* p, std::size_t n) {
    for (; n != 0; --n, p += 64) {
        alignas(64) u32 w[16]{};  // one cache line whatever the caller's stack alignment
        u32 v[8] = {state[0], state[1], state[2], state[3], state[4], state[5], state[6], state[7]};
        u32 bc = v[1] ^ v[2];
        sha256_eight<0>(w, p, v, bc);
        sha256_eight<8>(w, p, v, bc);
        sha256_eight<16>(w, p, v, bc);
        sha256_eight<24>(w, p, v, bc);
        sha256_eight<32>(w, p, v, bc);
        sha256_eight<40>(w, p, v, bc);
        sha256_eight<48>(w, p, v, bc);
        sha256_eight<56>(w, p, v, bc);
        for (int i = 0; i < 8; ++i) state[i] += v[i];
    }
}

// §6.2.2 for n blocks, one round per iteration (SLRT_SHA_COMPACT).
constexpr void sha256_blocks_compact(u32* state, const u8* p, std::size_t n) {
    sha2_blocks_compact<u32, 64, 64, sha256_k, sha256_word, sha256_round>(state, p, n);
}

struct sha256_traits {
    using word = u32;
    static constexpr u32 block_size = 64;
    static constexpr u32 length_size = 8;
    static constexpr u32 state_words = 8;
    static constexpr void blocks(u32* state, const u8* p, std::size_t n) {
#if SLRT_SHA_EXTENSIONS
        if (!std::is_constant_evaluated() && (sha_usable() & sha_cpu_sha_ni) != 0)
            return sha256_blocks_ni(state, p, n);
#endif
        if constexpr (SLRT_SHA_COMPACT) sha256_blocks_compact(state, p, n);
        else sha256_blocks_portable(state, p, n);
    }
};

}  // namespace detail

// SHA-256: update() with message bytes any number of times, then finish(out) once with
// 32 bytes of room.
class sha256 : public detail::md_hasher<detail::sha256_traits, 32> {
public:
    constexpr sha256() : md_hasher(detail::sha256_iv) {}
};

}  // namespace slrt
