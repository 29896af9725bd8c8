// A bare-metal use of the digest code, as a DLME would embed it: measure a buffer into
// several banks, with the accelerated paths enabled by the embedder (SSE is on in this
// environment). The object must need nothing but mem* from outside.
#include "policy/digest.hpp"

using namespace slrt;

extern "C" int dlme_measure(const unsigned char* image, unsigned long length, unsigned char* out, int use_simd) {
    set_sha_extensions(use_simd != 0);
    const hash_alg banks[] = {hash_alg::sha1, hash_alg::sha256, hash_alg::sha384, hash_alg::sha512};
    digest d[4];
    hash_banks(banks, 4, byte_view(image, length), d);
    u32 at = 0;
    for (const digest& x : d)
        for (u32 i = 0; i < x.size(); ++i) out[at++] = x.bytes[i];
    hasher h(hash_alg::sha256);
    h.update(byte_view(image, length));
    const digest again = h.finish();
    return again == d[1] ? static_cast<int>(at) : -1;
}

// Compile-time proof that the same code runs in constant evaluation.
constexpr u8 abc[] = {'a', 'b', 'c'};
static_assert(hash(hash_alg::sha256, abc).bytes[0] == 0xba && hash(hash_alg::sha1, abc).bytes[0] == 0xa9);
