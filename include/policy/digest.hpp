// SPDX-License-Identifier: MIT
// Digests for measurement: the TPM hash algorithms by id, one-shot and incremental hashing,
// and hashing one buffer for several PCR banks in a single pass over memory.
//
// Algorithm ids are TPM_ALG_ID values (TCG TPM 2.0 Library Part 2 §6.3; TCG Algorithm
// Registry). SHA-1, SHA-256, SHA-384 and SHA-512 are implemented (FIPS 180-4, this directory);
// SM3-256 is known by id, size and name, so that event logs and PCR banks that carry it can be
// parsed, but it cannot be computed: hasher(hash_alg::sm3_256).supported() is false.
//
// Everything is constexpr and freestanding. At run time SHA-1 and SHA-256 use the x86 SHA
// extensions when allowed and present (policy/sha_ni.hpp: set_sha_extensions()).
#pragma once

#include <cstddef>
#include <cstdint>

#include "policy/sha1.hpp"
#include "policy/sha256.hpp"
#include "policy/sha512.hpp"
#include "slrt/bytes.hpp"

namespace slrt {

// TPM_ALG_ID of the hash algorithms a PCR bank or an event log may use.
enum class hash_alg : u16 {
    sha1 = 0x0004,     // TPM_ALG_SHA1
    sha256 = 0x000b,   // TPM_ALG_SHA256
    sha384 = 0x000c,   // TPM_ALG_SHA384
    sha512 = 0x000d,   // TPM_ALG_SHA512
    sm3_256 = 0x0012,  // TPM_ALG_SM3_256 (known, not computed)
};

// Digest size in bytes; 0 for an id this library does not know.
constexpr u32 digest_size(hash_alg a) {
    switch (a) {
        case hash_alg::sha1: return 20;
        case hash_alg::sha256: return 32;
        case hash_alg::sha384: return 48;
        case hash_alg::sha512: return 64;
        case hash_alg::sm3_256: return 32;
    }
    return 0;
}

// The name the tools and logs use ("sha256"); nullptr for an unknown id.
constexpr const char* name(hash_alg a) {
    switch (a) {
        case hash_alg::sha1: return "sha1";
        case hash_alg::sha256: return "sha256";
        case hash_alg::sha384: return "sha384";
        case hash_alg::sha512: return "sha512";
        case hash_alg::sm3_256: return "sm3_256";
    }
    return nullptr;
}

inline constexpr hash_alg all_hash_algs[] = {hash_alg::sha1, hash_alg::sha256, hash_alg::sha384, hash_alg::sha512,
                                             hash_alg::sm3_256};

// The inverse of name(hash_alg): exact, case-sensitive. False (and `out` untouched) otherwise.
constexpr bool hash_alg_from_name(const char* text, hash_alg& out) {
    if (text == nullptr) return false;
    for (hash_alg a : all_hash_algs) {
        const char* n = name(a);
        std::size_t i = 0;
        while (n[i] != '\0' && text[i] == n[i]) ++i;
        if (n[i] == '\0' && text[i] == '\0') {
            out = a;
            return true;
        }
    }
    return false;
}

inline constexpr u32 max_digest_size = 64;

// A digest of any supported algorithm. Bytes past size() are zero.
struct digest {
    hash_alg alg{};
    u8 bytes[max_digest_size]{};

    constexpr u32 size() const { return digest_size(alg); }
    constexpr byte_view view() const { return byte_view(bytes, size()); }

    friend constexpr bool operator==(const digest& x, const digest& y) {
        if (x.alg != y.alg) return false;
        for (u32 i = 0; i < max_digest_size; ++i)
            if (x.bytes[i] != y.bytes[i]) return false;
        return true;
    }
};

// An incremental hash whose algorithm is chosen at run time. For an algorithm that is not
// supported (SM3-256, unknown ids) update() does nothing and finish() returns a digest of
// that algorithm whose bytes are all zero; callers check supported() first.
// The digest Linux logs and extends for a bank it cannot compute: 0x01, then zeros to the
// bank's size (slrt.md §8; txt.md §8.4 TXT_EVTYPE_CAP_VALUE caps a bank the same way).
constexpr digest capped_digest(hash_alg alg) {
    digest d{};
    d.alg = alg;
    d.bytes[0] = 1;
    return d;
}

class hasher {
public:
    constexpr explicit hasher(hash_alg a) : alg_(a), engine_(make(a)) {}

    constexpr hash_alg alg() const { return alg_; }
    constexpr bool supported() const { return is_supported(alg_); }
    static constexpr bool is_supported(hash_alg a) {
        return a == hash_alg::sha1 || a == hash_alg::sha256 || a == hash_alg::sha384 || a == hash_alg::sha512;
    }

    constexpr void update(byte_view in) {
        switch (alg_) {
            case hash_alg::sha1: engine_.s1.update(in); break;
            case hash_alg::sha256: engine_.s256.update(in); break;
            case hash_alg::sha384: engine_.s384.update(in); break;
            case hash_alg::sha512: engine_.s512.update(in); break;
            default: break;
        }
    }

    // The digest of everything passed to update(). The hasher is spent afterwards.
    constexpr digest finish() {
        digest d{};
        d.alg = alg_;
        switch (alg_) {
            case hash_alg::sha1: engine_.s1.finish(d.bytes); break;
            case hash_alg::sha256: engine_.s256.finish(d.bytes); break;
            case hash_alg::sha384: engine_.s384.finish(d.bytes); break;
            case hash_alg::sha512: engine_.s512.finish(d.bytes); break;
            default: break;
        }
        return d;
    }

private:
    // One engine at a time. Each constructor starts the lifetime of one member, so that this
    // also works in constant evaluation (where only the active member may be read).
    union engine {
        struct none {} unsupported;
        sha1 s1;
        sha256 s256;
        sha384 s384;
        sha512 s512;
        constexpr engine() : unsupported{} {}
        constexpr engine(const sha1& e) : s1(e) {}
        constexpr engine(const sha256& e) : s256(e) {}
        constexpr engine(const sha384& e) : s384(e) {}
        constexpr engine(const sha512& e) : s512(e) {}
    };

    static constexpr engine make(hash_alg a) {
        switch (a) {
            case hash_alg::sha1: return engine(sha1{});
            case hash_alg::sha256: return engine(sha256{});
            case hash_alg::sha384: return engine(sha384{});
            case hash_alg::sha512: return engine(sha512{});
            default: return engine();
        }
    }

    hash_alg alg_;
    engine engine_;
};

// The digest of `data` with algorithm `a` (all-zero bytes if `a` is not supported).
constexpr digest hash(hash_alg a, byte_view data) {
    hasher h(a);
    h.update(data);
    return h.finish();
}

// Digests of one buffer for several banks: out[i] = hash(algs[i], data). The buffer is read
// in chunks small enough to stay in the L1 cache while every bank hashes it, so a large
// buffer (a kernel image) crosses the memory bus once, not once per bank. Banks are taken up
// to `group` at a time to bound the stack (each hasher is a few hundred bytes); more banks
// than that cost one more pass per group.
constexpr void hash_banks(const hash_alg* algs, u32 n, byte_view data, digest* out) {
    constexpr u32 group = 5;
    constexpr std::size_t chunk = 16 * 1024;
    for (u32 first = 0; first < n; first += group) {
        const u32 count = n - first < group ? n - first : group;
        hasher h[group] = {hasher(algs[first]),
                           hasher(count > 1 ? algs[first + 1] : hash_alg{}),
                           hasher(count > 2 ? algs[first + 2] : hash_alg{}),
                           hasher(count > 3 ? algs[first + 3] : hash_alg{}),
                           hasher(count > 4 ? algs[first + 4] : hash_alg{})};
        for (std::size_t offset = 0; offset < data.size(); offset += chunk) {
            const byte_view piece = data.subview(offset, chunk);
            for (u32 i = 0; i < count; ++i) h[i].update(piece);
        }
        for (u32 i = 0; i < count; ++i) out[first + i] = h[i].finish();
    }
}

}  // namespace slrt
