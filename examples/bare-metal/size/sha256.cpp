// Size probe: SHA-256 alone (portable code; the SHA-NI path is compiled in, disabled by default).
#include "policy/sha256.hpp"
extern "C" void probe_sha256(const unsigned char* in, unsigned long n, unsigned char* out) {
    slrt::sha256 h;
    h.update(slrt::byte_view(in, n));
    h.finish(out);
}
