// SPDX-License-Identifier: MIT
// SHA-512 and SHA-384 (FIPS 180-4 §6.4, §6.5): constexpr and incremental. SHA-384 is SHA-512
// with other initial values (§5.3.4), its digest the first 48 bytes of the final state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "policy/sha512_simd.hpp"
#include "policy/sha_common.hpp"
#include "slrt/bytes.hpp"

namespace slrt {

namespace detail {

// W[t] of §6.4.2 step 1 on a 16-word ring: loaded for t < 16, else scheduled from the ring.
[[gnu::always_inline]] constexpr u64 sha512_word(u64 (&w)[16], const u8* p, u32 t) {
    u64& x = w[t & 15];
    if (t < 16) {
        x = load_be64(p + 8 * t);
    } else {
        const u64 w15 = w[(t + 1) & 15], w2 = w[(t + 14) & 15];
        const u64 sigma0 = rotr<1>(w15) ^ rotr<8>(w15) ^ (w15 >> 7);  // σ0 (4.12)
        const u64 sigma1 = rotr<19>(w2) ^ rotr<61>(w2) ^ (w2 >> 6);  // σ1 (4.13)
        x += sigma1 + w[(t + 9) & 15] + sigma0;
    }
    return x;
}

template <int T>
[[gnu::always_inline]] constexpr void sha512_step(u64 (&w)[16], const u8* p, u64 a, u64 b, u64& d, u64 e, u64 f,
                                                  u64 g, u64& h, u64& bc) {
    sha512_round(a, b, d, e, f, g, h, sha512_k[T] + sha512_word(w, p, T), bc);
}

template <int T>
[[gnu::always_inline]] constexpr void sha512_eight(u64 (&w)[16], const u8* p, u64 (&v)[8], u64& bc) {
    u64 &a = v[0], &b = v[1], &c = v[2], &d = v[3], &e = v[4], &f = v[5], &g = v[6], &h = v[7];
    sha512_step<T + 0>(w, p, a, b, d, e, f, g, h, bc);
    sha512_step<T + 1>(w, p, h, a, c, d, e, f, g, bc);
    sha512_step<T + 2>(w, p, g, h, b, c, d, e, f, bc);
    sha512_step<T + 3>(w, p, f, g, a, b, c, d, e, bc);
    sha512_step<T + 4>(w, p, e, f, h, a, b, c, d, bc);
    sha512_step<T + 5>(w, p, d, e, g, h, a, b, c, bc);
    sha512_step<T + 6>(w, p, c, d, f, g, h, a, b, bc);
    sha512_step<T + 7>(w, p, b, c, e, f, g, h, a, bc);
}

// §6.4.2 for n consecutive 128-byte blocks.
SLRT_SHA_TUNE constexpr void sha512_blocks_portable(u64* state, const u8* p, std::size_t n) {
    for (; n != 0; --n, p += 128) {
        alignas(64) u64 w[16]{};  // two whole cache lines
        u64 v[8] = {state[0], state[1], state[2], state[3], state[4], state[5], state[6], state[7]};
        u64 bc = v[1] ^ v[2];
        sha512_eight<0>(w, p, v, bc);
        sha512_eight<8>(w, p, v, bc);
        sha512_eight<16>(w, p, v, bc);
        sha512_eight<24>(w, p, v, bc);
        sha512_eight<32>(w, p, v, bc);
        sha512_eight<40>(w, p, v, bc);
        sha512_eight<48>(w, p, v, bc);
        sha512_eight<56>(w, p, v, bc);
        sha512_eight<64>(w, p, v, bc);
        sha512_eight<72>(w, p, v, bc);
        for (int i = 0; i < 8; ++i) state[i] += v[i];
    }
}

// §6.4.2 for n blocks, one round per iteration (SLRT_SHA_COMPACT).
constexpr void sha512_blocks_compact(u64* state, const u8* p, std::size_t n) {
    sha2_blocks_compact<u64, 80, 128, sha512_k, sha512_word, sha512_round>(state, p, n);
}

struct sha512_traits {
    using word = u64;
    static constexpr u32 block_size = 128;
    static constexpr u32 length_size = 16;
    static constexpr u32 state_words = 8;
    static constexpr void blocks(u64* state, const u8* p, std::size_t n) {
#if SLRT_SHA_COMPACT  // the vector schedule is not worth its size here
        sha512_blocks_compact(state, p, n);
#else
#if SLRT_SHA_EXTENSIONS
        if (!std::is_constant_evaluated() && (sha_usable() & sha_cpu_ssse3_bmi2) != 0)
            return sha512_blocks_simd(state, p, n);
#endif
        sha512_blocks_portable(state, p, n);
#endif
    }
};

}  // namespace detail

// SHA-512: update() any number of times, then finish(out) once with 64 bytes of room.
class sha512 : public detail::md_hasher<detail::sha512_traits, 64> {
public:
    constexpr sha512() : md_hasher(detail::sha512_iv) {}
};

// SHA-384: update() any number of times, then finish(out) once with 48 bytes of room.
class sha384 : public detail::md_hasher<detail::sha512_traits, 48> {
public:
    constexpr sha384() : md_hasher(detail::sha384_iv) {}
};

}  // namespace slrt
