// SPDX-License-Identifier: MIT
// What SHA-1, SHA-256 and SHA-512 share (FIPS 180-4 §5): big-endian words, message
// padding with the bit length, and buffering of a message that arrives in pieces.
//
// Only the block function differs between the algorithms; md_hasher<Traits> turns one into
// an incremental hasher (update any number of times, then finish once). Everything is
// constexpr: words are assembled byte by byte with shifts, which compilers fuse into one
// load plus a byte swap, so the same code is fast at run time and valid at compile time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "slrt/bytes.hpp"

namespace slrt::detail {

// ---------------------------------------------------------------------------------------------
// Constants (FIPS 180-4 §4.2 and §5.3). Each was computed from its definition, not copied:
// the first 32 or 64 bits of the fractional parts of the square roots (initial hash values)
// or cube roots (round constants) of the first prime numbers.

// SHA-1 (§4.2.1, §5.3.1).
inline constexpr u32 sha1_k[4] = {0x5a827999, 0x6ed9eba1, 0x8f1bbcdc, 0xca62c1d6};
inline constexpr u32 sha1_iv[5] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0};

// SHA-256 (§4.2.2: cube roots of the first 64 primes; §5.3.3: square roots of the first 8).
alignas(16) inline constexpr u32 sha256_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
};
inline constexpr u32 sha256_iv[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
};

// SHA-384 and SHA-512 (§4.2.3: cube roots of the first 80 primes; §5.3.5: square roots of the
// first 8 primes; §5.3.4: square roots of the 9th through 16th primes).
inline constexpr u64 sha512_k[80] = {
    0x428a2f98d728ae22, 0x7137449123ef65cd, 0xb5c0fbcfec4d3b2f, 0xe9b5dba58189dbbc,
    0x3956c25bf348b538, 0x59f111f1b605d019, 0x923f82a4af194f9b, 0xab1c5ed5da6d8118,
    0xd807aa98a3030242, 0x12835b0145706fbe, 0x243185be4ee4b28c, 0x550c7dc3d5ffb4e2,
    0x72be5d74f27b896f, 0x80deb1fe3b1696b1, 0x9bdc06a725c71235, 0xc19bf174cf692694,
    0xe49b69c19ef14ad2, 0xefbe4786384f25e3, 0x0fc19dc68b8cd5b5, 0x240ca1cc77ac9c65,
    0x2de92c6f592b0275, 0x4a7484aa6ea6e483, 0x5cb0a9dcbd41fbd4, 0x76f988da831153b5,
    0x983e5152ee66dfab, 0xa831c66d2db43210, 0xb00327c898fb213f, 0xbf597fc7beef0ee4,
    0xc6e00bf33da88fc2, 0xd5a79147930aa725, 0x06ca6351e003826f, 0x142929670a0e6e70,
    0x27b70a8546d22ffc, 0x2e1b21385c26c926, 0x4d2c6dfc5ac42aed, 0x53380d139d95b3df,
    0x650a73548baf63de, 0x766a0abb3c77b2a8, 0x81c2c92e47edaee6, 0x92722c851482353b,
    0xa2bfe8a14cf10364, 0xa81a664bbc423001, 0xc24b8b70d0f89791, 0xc76c51a30654be30,
    0xd192e819d6ef5218, 0xd69906245565a910, 0xf40e35855771202a, 0x106aa07032bbd1b8,
    0x19a4c116b8d2d0c8, 0x1e376c085141ab53, 0x2748774cdf8eeb99, 0x34b0bcb5e19b48a8,
    0x391c0cb3c5c95a63, 0x4ed8aa4ae3418acb, 0x5b9cca4f7763e373, 0x682e6ff3d6b2b8a3,
    0x748f82ee5defb2fc, 0x78a5636f43172f60, 0x84c87814a1f0ab72, 0x8cc702081a6439ec,
    0x90befffa23631e28, 0xa4506cebde82bde9, 0xbef9a3f7b2c67915, 0xc67178f2e372532b,
    0xca273eceea26619c, 0xd186b8c721c0c207, 0xeada7dd6cde0eb1e, 0xf57d4f7fee6ed178,
    0x06f067aa72176fba, 0x0a637dc5a2c898a6, 0x113f9804bef90dae, 0x1b710b35131c471b,
    0x28db77f523047d84, 0x32caab7b40c72493, 0x3c9ebe0a15c9bebc, 0x431d67c49c100d4c,
    0x4cc5d4becb3e42b6, 0x597f299cfc657e2a, 0x5fcb6fab3ad6faec, 0x6c44198c4a475817
};
inline constexpr u64 sha512_iv[8] = {
    0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1,
    0x510e527fade682d1, 0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179
};
inline constexpr u64 sha384_iv[8] = {
    0xcbbb9d5dc1059ed8, 0x629a292a367cd507, 0x9159015a3070dd17, 0x152fecd8f70e5939,
    0x67332667ffc00b31, 0x8eb44a8768581511, 0xdb0c2e0d64f98fa7, 0x47b5481dbefa4fa4
};

// Builds that optimise for size (-Os, where GCC and Clang define __OPTIMIZE_SIZE__: boot loaders,
// DLMEs) get block functions that run one round per loop iteration, about a tenth of the code of
// the unrolled ones; define SLRT_SHA_COMPACT to 0 or 1 to choose either way.
#ifndef SLRT_SHA_COMPACT
#ifdef __OPTIMIZE_SIZE__
#define SLRT_SHA_COMPACT 1
#else
#define SLRT_SHA_COMPACT 0
#endif
#endif

// GCC tuning for AMD Zen (-march=native, -mtune=znver*) keeps the round variables of the
// unrolled block functions in XMM registers instead of on the stack and runs them at 60% of
// the speed of generic tuning; the block functions therefore ask GCC for generic tuning.
#if defined(__GNUC__) && !defined(__clang__) && (defined(__x86_64__) || defined(__i386__))
#define SLRT_SHA_TUNE __attribute__((target("tune=generic")))
#else
#define SLRT_SHA_TUNE
#endif

// ROTR^n and ROTL^n of FIPS 180-4 §3.2, always inlined: std::rotr is an ordinary inline
// function, which GCC will not inline into the block functions once SLRT_SHA_TUNE gives them
// their own tuning.
template <int N, class W>
[[gnu::always_inline]] constexpr W rotr(W x) {
    static_assert(N > 0 && N < static_cast<int>(8 * sizeof(W)));
    return static_cast<W>(x >> N | x << (8 * sizeof(W) - N));
}
template <int N, class W>
[[gnu::always_inline]] constexpr W rotl(W x) {
    return rotr<static_cast<int>(8 * sizeof(W)) - N>(x);
}

// FIPS 180-4 §3.1: words are big-endian ("the most significant byte is stored in the
// left-most byte position"). In constant evaluation the word is assembled byte by byte; at run
// time on a little-endian GCC/Clang target it is one unaligned load and a byte swap (GCC fuses
// the byte form too, Clang does not always inside the unrolled rounds).
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define SLRT_SHA_LOAD_SWAP 1
typedef u32 sha_u32_unaligned __attribute__((aligned(1), may_alias));
typedef u64 sha_u64_unaligned __attribute__((aligned(1), may_alias));
#else
#define SLRT_SHA_LOAD_SWAP 0
#endif

[[gnu::always_inline]] constexpr u32 load_be32(const u8* p) {
#if SLRT_SHA_LOAD_SWAP
    if (!std::is_constant_evaluated()) return __builtin_bswap32(*reinterpret_cast<const sha_u32_unaligned*>(p));
#endif
    return static_cast<u32>(p[0]) << 24 | static_cast<u32>(p[1]) << 16 | static_cast<u32>(p[2]) << 8 |
           static_cast<u32>(p[3]);
}

[[gnu::always_inline]] constexpr u64 load_be64(const u8* p) {
#if SLRT_SHA_LOAD_SWAP
    if (!std::is_constant_evaluated()) return __builtin_bswap64(*reinterpret_cast<const sha_u64_unaligned*>(p));
#endif
    return static_cast<u64>(load_be32(p)) << 32 | load_be32(p + 4);
}

constexpr void store_be32(u8* p, u32 v) {
    for (int i = 3; i >= 0; --i, v >>= 8) p[i] = static_cast<u8>(v & 0xffu);
}

constexpr void store_be64(u8* p, u64 v) {
    for (int i = 7; i >= 0; --i, v >>= 8) p[i] = static_cast<u8>(v & 0xffu);
}

// One round of §6.2.2 step 3 with the roles of the eight working variables passed in order,
// so that the caller rotates names instead of moving values. `bc` holds b ^ c on entry and
// a ^ b on exit, which is the next round's b ^ c: Maj(a, b, c) = b ^ ((a ^ b) & (b ^ c)).
[[gnu::always_inline]] constexpr void sha256_round(u32 a, u32 b, u32& d, u32 e, u32 f, u32 g, u32& h, u32 kw,
                                                   u32& bc) {
    const u32 big_sigma1 = rotr<6>(e) ^ rotr<11>(e) ^ rotr<25>(e);  // Σ1 (4.5)
    const u32 ch = g ^ (e & (f ^ g));  // Ch (4.2)
    h += big_sigma1 + ch + kw;  // T1
    d += h;
    const u32 ab = a ^ b;
    const u32 big_sigma0 = rotr<2>(a) ^ rotr<13>(a) ^ rotr<22>(a);  // Σ0 (4.4)
    h += big_sigma0 + (b ^ (ab & bc));  // + T2 (Maj, 4.3)
    bc = ab;
}

// One round of §6.4.2 step 3 (same shape as SHA-256's, on 64-bit words with the rotations
// of (4.10)-(4.13)). `bc` holds b ^ c on entry and a ^ b on exit, the next round's b ^ c.
[[gnu::always_inline]] constexpr void sha512_round(u64 a, u64 b, u64& d, u64 e, u64 f, u64 g, u64& h, u64 kw,
                                                   u64& bc) {
    const u64 big_sigma1 = rotr<14>(e) ^ rotr<18>(e) ^ rotr<41>(e);  // Σ1 (4.11)
    const u64 ch = g ^ (e & (f ^ g));  // Ch (4.8)
    h += big_sigma1 + ch + kw;  // T1
    d += h;
    const u64 ab = a ^ b;
    const u64 big_sigma0 = rotr<28>(a) ^ rotr<34>(a) ^ rotr<39>(a);  // Σ0 (4.10)
    h += big_sigma0 + (b ^ (ab & bc));  // + T2 (Maj, 4.9)
    bc = ab;
}

// SHA-256 and SHA-512 with one round per loop iteration (SLRT_SHA_COMPACT): the rounds above
// with the roles of the working variables rotated by value instead of by name. Word(w, p, t)
// gives W[t]; after Round, h holds T1 + T2 (the next a) and d holds d + T1 (the next e).
template <class W, u32 Rounds, u32 BlockBytes, const W* K, auto Word, auto Round>
constexpr void sha2_blocks_compact(W* state, const u8* p, std::size_t n) {
    for (; n != 0; --n, p += BlockBytes) {
        W w[16]{};
        W v[8] = {state[0], state[1], state[2], state[3], state[4], state[5], state[6], state[7]};
        W bc = v[1] ^ v[2];
        for (u32 t = 0; t < Rounds; ++t) {
            Round(v[0], v[1], v[3], v[4], v[5], v[6], v[7], K[t] + Word(w, p, t), bc);
            const W next_a = v[7];
            for (u32 i = 7; i > 0; --i) v[i] = v[i - 1];
            v[0] = next_a;
        }
        for (u32 i = 0; i < 8; ++i) state[i] += v[i];
    }
}

// Traits: word (u32/u64), block_size (64/128), length_size (8/16: FIPS 180-4 §5.1.1 and
// §5.1.2 append the message length in bits as a 64- or 128-bit big-endian number),
// state_words (5 or 8), and blocks(word* state, const u8* p, size_t n) compressing n
// whole blocks. DigestSize: how many leading bytes of the final state are the digest
// (SHA-384 truncates SHA-512's state, §6.5).
template <class Traits, u32 DigestSize>
class md_hasher {
public:
    using word = typename Traits::word;
    static constexpr u32 size = DigestSize;
    static constexpr u32 block_size = Traits::block_size;
    static_assert(DigestSize <= Traits::state_words * sizeof(word));

    // Feeds more message bytes. Whole blocks are compressed straight from `in`; only a
    // partial block at either end is copied into the internal buffer.
    constexpr void update(byte_view in) {
        std::size_t n = in.size();
        if (n == 0) return;
        const u8* p = in.data();
        bytes_ += n;  // wraps only past 2^64 bytes; the padding then encodes the length mod 2^67
        if (used_ != 0) {
            const std::size_t room = block_size - used_;
            const std::size_t take = n < room ? n : room;
            for (std::size_t i = 0; i < take; ++i) buffer_[used_ + i] = p[i];
            used_ += static_cast<u32>(take);
            p += take;
            n -= take;
            if (used_ < block_size) return;
            Traits::blocks(state_, buffer_, 1);
            used_ = 0;
        }
        if (const std::size_t whole = n / block_size; whole != 0) {
            Traits::blocks(state_, p, whole);
            p += whole * block_size;
            n -= whole * block_size;
        }
        for (std::size_t i = 0; i < n; ++i) buffer_[i] = p[i];
        used_ = static_cast<u32>(n);
    }

    // Pads the message (§5.1), compresses the last block(s) and writes `size` bytes to
    // `out`. The hasher is spent afterwards: construct a new one for the next message.
    constexpr void finish(u8* out) {
        constexpr u32 length_at = block_size - Traits::length_size;
        buffer_[used_++] = 0x80;
        if (used_ > length_at) {  // no room for the length: it goes into one more block
            for (u32 i = used_; i < block_size; ++i) buffer_[i] = 0;
            Traits::blocks(state_, buffer_, 1);
            used_ = 0;
        }
        for (u32 i = used_; i < block_size - 8; ++i) buffer_[i] = 0;
        // The bit length as a (length_size * 8)-bit number; its bits above 2^67 are zero.
        if constexpr (Traits::length_size == 16) store_be64(buffer_ + block_size - 16, bytes_ >> 61);
        store_be64(buffer_ + block_size - 8, bytes_ << 3);
        Traits::blocks(state_, buffer_, 1);
        u8 full[Traits::state_words * sizeof(word)]{};
        for (u32 i = 0; i < Traits::state_words; ++i) {
            if constexpr (sizeof(word) == 4) store_be32(full + 4 * i, state_[i]);
            else store_be64(full + 8 * i, state_[i]);
        }
        for (u32 i = 0; i < size; ++i) out[i] = full[i];
        used_ = 0;
    }

protected:
    constexpr explicit md_hasher(const word (&iv)[Traits::state_words]) {
        for (u32 i = 0; i < Traits::state_words; ++i) state_[i] = iv[i];
    }

private:
    word state_[Traits::state_words]{};
    u8 buffer_[block_size]{};
    u32 used_ = 0;  // bytes waiting in buffer_, always < block_size between calls
    u64 bytes_ = 0;  // message length so far
};

}  // namespace slrt::detail
