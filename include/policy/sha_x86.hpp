// SPDX-License-Identifier: MIT
// Which x86 instruction-set extensions the hash code may use, decided at run time.
//
// Two accelerated block functions exist besides the portable ones:
//   - SHA-1 and SHA-256 on the SHA extensions (SHA1RNDS4, SHA256RNDS2, ...; with SSSE3 and
//     SSE4.1), policy/sha_ni.hpp;
//   - SHA-384/SHA-512 with the message schedule in SSE registers (SSSE3) and the rounds on
//     BMI2's RORX, policy/sha512_simd.hpp.
// Both touch XMM registers, which a freestanding build of slrt may not (it is compiled with
// -mgeneral-regs-only or -mno-sse). So only those functions carry a per-function target
// attribute, and they run only after CPUID reported the features and the switch allows them:
//   - constant evaluation always takes the portable path;
//   - hosted builds (__STDC_HOSTED__ == 1) allow the extensions by default;
//   - freestanding builds do not until the embedder calls set_sha_extensions(true): on bare
//     metal SSE may be off (CR4.OSFXSR clear: the instructions fault) or the XMM registers
//     may belong to someone else (a kernel saves them first), and only the embedder knows;
//   - set_sha_extensions(false) forces the portable code (tests, benchmarks);
//   - defining SLRT_NO_SHA_EXTENSIONS compiles the accelerated code out.
#pragma once

#include <cstdint>

#include "slrt/bytes.hpp"

// GCC 12 and later (__builtin_shufflevector) and Clang, on x86. GCC's __has_builtin reports
// the ia32 SHA builtins only where the target already enables them, so it is not asked.
#if !defined(SLRT_NO_SHA_EXTENSIONS) && (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__) && \
    defined(__has_builtin)
#if __has_builtin(__builtin_shufflevector) && (!defined(__clang__) || __has_builtin(__builtin_ia32_sha256rnds2))
#define SLRT_SHA_EXTENSIONS 1
#endif
#endif
#ifndef SLRT_SHA_EXTENSIONS
#define SLRT_SHA_EXTENSIONS 0
#endif

namespace slrt {

// What the processor offers the hash code (always all false without SLRT_SHA_EXTENSIONS).
struct sha_cpu_features {
    bool sha_ni = false;      // SHA + SSSE3 + SSE4.1: SHA-1 and SHA-256 on the SHA extensions
    bool ssse3_bmi2 = false;  // SSSE3 + BMI2: SHA-384 and SHA-512 with a vector message schedule
};

namespace detail {

// 1: the extensions may be used when present; 0: portable code only.
inline int sha_extensions_allowed = __STDC_HOSTED__ ? 1 : 0;
// 0: CPUID not asked yet; else probed_bit | the feature bits below.
inline int sha_cpu_bits = 0;
inline constexpr int sha_cpu_probed = 0x100, sha_cpu_sha_ni = 1, sha_cpu_ssse3_bmi2 = 2;

#if SLRT_SHA_EXTENSIONS
inline int load_flag(const int& flag) { return __atomic_load_n(&flag, __ATOMIC_RELAXED); }
inline void store_flag(int& flag, int value) { __atomic_store_n(&flag, value, __ATOMIC_RELAXED); }

struct cpuid_regs {
    u32 eax, ebx, ecx, edx;
};

// CPUID (Intel SDM Vol. 2A "CPUID"; AMD APM Vol. 3 "CPUID"). Every processor that can do a
// Secure Launch (TXT or SKINIT) has the instruction, so its presence is not probed on i386.
inline cpuid_regs cpuid(u32 leaf, u32 subleaf) {
    cpuid_regs r{};
    __asm__ volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx) : "a"(leaf), "c"(subleaf));
    return r;
}

inline int probe_sha_cpu() {
    int bits = sha_cpu_probed;
    if (cpuid(0, 0).eax < 7) return bits;  // leaf 0: EAX = highest standard leaf
    const cpuid_regs l1 = cpuid(1, 0), l7 = cpuid(7, 0);
    const bool ssse3 = (l1.ecx >> 9) & 1;   // CPUID.01H:ECX[9]  SSSE3 (PSHUFB)
    const bool sse41 = (l1.ecx >> 19) & 1;  // CPUID.01H:ECX[19] SSE4.1
    const bool bmi2 = (l7.ebx >> 8) & 1;    // CPUID.(EAX=07H,ECX=0):EBX[8]  BMI2 (RORX)
    const bool sha = (l7.ebx >> 29) & 1;    // CPUID.(EAX=07H,ECX=0):EBX[29] SHA
    if (sha && ssse3 && sse41) bits |= sha_cpu_sha_ni;
    if (ssse3 && bmi2) bits |= sha_cpu_ssse3_bmi2;
    return bits;
}

// Asks CPUID once, then remembers (a race only repeats the same answer).
inline int sha_cpu() {
    int bits = load_flag(sha_cpu_bits);
    if (bits == 0) {
        bits = probe_sha_cpu();
        store_flag(sha_cpu_bits, bits);
    }
    return bits;
}
#else
inline int load_flag(const int& flag) { return flag; }
inline void store_flag(int& flag, int value) { flag = value; }
inline int sha_cpu() { return sha_cpu_probed; }
#endif

// The feature bits the block functions may use right now: 0 if the switch is off.
inline int sha_usable() { return load_flag(sha_extensions_allowed) != 0 ? sha_cpu() : 0; }

}  // namespace detail

// What the processor offers, whether or not the switch allows it.
inline sha_cpu_features sha_cpu_supports() {
    const int bits = detail::sha_cpu();
    return {(bits & detail::sha_cpu_sha_ni) != 0, (bits & detail::sha_cpu_ssse3_bmi2) != 0};
}

// Allows (true) or forbids (false) every accelerated path for all later hashing. Default:
// allowed in hosted builds, forbidden in freestanding ones (see the top of this file).
inline void set_sha_extensions(bool allowed) { detail::store_flag(detail::sha_extensions_allowed, allowed ? 1 : 0); }

inline bool sha_extensions_allowed() { return detail::load_flag(detail::sha_extensions_allowed) != 0; }

}  // namespace slrt
