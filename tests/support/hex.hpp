// Test support: lowercase hex of bytes and digests.
#pragma once

#include <cstddef>
#include <string>

#include "policy/digest.hpp"
#include "slrt/bytes.hpp"

namespace slrt_test {

inline std::string hex(const slrt::u8* p, std::size_t n) {
    static const char* digits = "0123456789abcdef";
    std::string s;
    for (std::size_t i = 0; i < n; ++i) {
        s += digits[p[i] >> 4];
        s += digits[p[i] & 15];
    }
    return s;
}
inline std::string hex(slrt::byte_view b) { return hex(b.data(), b.size()); }
inline std::string hex(const slrt::digest& d) { return hex(d.bytes, d.size()); }

}  // namespace slrt_test
