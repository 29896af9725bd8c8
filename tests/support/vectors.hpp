// Test support: the golden vectors of spec/vectors (under SLRT_SOURCE_DIR, which the test target
// defines): whole files as bytes, JSON manifests and decodes, and hex (support/hex.hpp) to
// compare digests with them. Include <catch2/catch.hpp> first.
#pragma once

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "hex.hpp"
#include "slrt/bytes.hpp"

namespace slrt_test {

using bytes_t = std::vector<slrt::u8>;

inline slrt::byte_view view(const bytes_t& b) { return slrt::byte_view(b.data(), b.size()); }

// A whole file; the test fails when it cannot be opened.
inline bytes_t read_bytes(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    REQUIRE(f.good());
    return bytes_t(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

// A JSON file; the test fails when it cannot be opened.
inline nlohmann::json read_json(const std::string& path) {
    std::ifstream f(path);
    REQUIRE(f.good());
    return nlohmann::json::parse(f);
}

// One directory of spec/vectors ("arm", "skinit", "txt/mle", ...), its files named relative to it.
struct vector_dir {
    std::string root;  // ends in '/'

    explicit vector_dir(const std::string& sub) : root(std::string(SLRT_SOURCE_DIR) + "/spec/vectors/" + sub + "/") {}

    std::string path(const std::string& rel) const { return root + rel; }
    bytes_t bytes(const std::string& rel) const { return read_bytes(path(rel)); }
    nlohmann::json json(const std::string& rel) const { return read_json(path(rel)); }
};

}  // namespace slrt_test
