// The golden vectors of spec/vectors/ (produced by an independent encoder,
// spec/vectors/gen_vectors.py): valid tables parse strictly under their layout,
// permissive ones fail strictly with the stated error and pass permissively with
// the stated quirks, and every malformed table fails with its stated error.
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "slrt/slrt.hpp"

using namespace slrt;

namespace vectors {

inline std::string dir() { return std::string(SLRT_SOURCE_DIR) + "/spec/vectors/"; }

inline std::vector<u8> read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in.good());
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline nlohmann::json manifest() {
    std::ifstream in(dir() + "manifest.json");
    REQUIRE(in.good());
    return nlohmann::json::parse(in);
}

inline layout layout_of(const nlohmann::json& v) {
    layout l{};
    REQUIRE(layout_from_name(v.at("layout").get<std::string>().c_str(), l));
    return l;
}

}  // namespace vectors

TEST_CASE("vectors: every valid table parses strictly under its layout, and detection names it", "[vectors]") {
    const nlohmann::json m = vectors::manifest();
    REQUIRE(m.at("valid").size() >= 10);
    std::set<std::string> covered;  // layout x architecture
    for (const auto& v : m.at("valid")) {
        INFO(v.at("file").get<std::string>());
        const std::vector<u8> bytes = vectors::read(vectors::dir() + v.at("file").get<std::string>());
        const layout l = vectors::layout_of(v);
        const result<table> t = parse(byte_view(bytes.data(), bytes.size()), {l, mode::strict});
        INFO((t ? "" : name(t.err().code)));
        REQUIRE(t);
        CHECK(t->quirks().empty());
        CHECK(t->header().size == v.at("size").get<u32>());
        CHECK(detect(byte_view(bytes.data(), bytes.size())).matches(l));
        covered.insert(std::string(name(l)) + "/" + name(t->header().architecture));
    }
    for (const char* l : {"v6", "v9", "v10", "v12", "v16"})
        for (const char* a : {"intel_txt", "amd_skinit"}) CHECK(covered.count(std::string(l) + "/" + a) == 1);
}

TEST_CASE("vectors: permissive-only tables fail strictly as stated and name their quirks", "[vectors]") {
    const nlohmann::json m = vectors::manifest();
    REQUIRE(m.at("permissive").size() >= 7);
    for (const auto& v : m.at("permissive")) {
        INFO(v.at("file").get<std::string>());
        const std::vector<u8> bytes = vectors::read(vectors::dir() + v.at("file").get<std::string>());
        const layout l = vectors::layout_of(v);
        const byte_view b(bytes.data(), bytes.size());
        const result<table> strict = parse(b, {l, mode::strict});
        REQUIRE_FALSE(strict);
        CHECK(std::string(name(strict.err().code)) == v.at("strict_error").get<std::string>());
        const result<table> lax = parse(b, {l, mode::permissive});
        INFO((lax ? "" : name(lax.err().code)));
        REQUIRE(lax);
        std::set<std::string> want, got;
        for (const auto& q : v.at("quirks")) want.insert(q.get<std::string>());
        for (u32 i = 0; i < quirk_count; ++i)
            if (lax->quirks().has(static_cast<quirk>(i))) got.insert(name(static_cast<quirk>(i)));
        CHECK(got == want);
    }
}

TEST_CASE("vectors: every malformed table fails with its stated error, rule and entry", "[vectors]") {
    const nlohmann::json m = vectors::manifest();
    REQUIRE(m.at("malformed").size() >= 40);
    std::set<std::string> rules;
    for (const auto& v : m.at("malformed")) {
        INFO(v.at("file").get<std::string>() << ": " << v.at("description").get<std::string>());
        const std::vector<u8> bytes = vectors::read(vectors::dir() + v.at("file").get<std::string>());
        const byte_view b(bytes.data(), bytes.size());
        const mode md = v.at("mode") == "permissive" ? mode::permissive : mode::strict;
        layout l = default_layout;
        if (v.at("layout") == "auto") {
            const detection d = detect(b);
            CHECK_FALSE((md == mode::strict ? d.strict : d.permissive));
            l = d.best;
        } else {
            l = vectors::layout_of(v);
        }
        const result<table> t = parse(b, {l, md});
        REQUIRE_FALSE(t);
        CHECK(std::string(name(t.err().code)) == v.at("error").get<std::string>());
        CHECK(std::string(t.err().rule) == v.at("rule").get<std::string>());
        if (v.at("entry_index").is_null())
            CHECK(t.err().entry_index == no_entry);
        else
            CHECK(t.err().entry_index == v.at("entry_index").get<u32>());
        CHECK(t.err().offset <= bytes.size());
        rules.insert(t.err().rule);
    }
    // Every table rule has at least one malformed vector.
    for (const char* r : {"SLRT-H1", "SLRT-H2", "SLRT-H3", "SLRT-H4", "SLRT-H5", "SLRT-H6", "SLRT-H7", "SLRT-E1",
                          "SLRT-E2", "SLRT-E3", "SLRT-E4", "SLRT-E5", "SLRT-E6", "SLRT-E7", "SLRT-E8", "SLRT-E9",
                          "SLRT-E10", "SLRT-P1", "SLRT-P2", "SLRT-P3", "SLRT-P4", "SLRT-P5", "SLRT-D1", "SLRT-D2",
                          "SLRT-L1", "SLRT-L2", "SLRT-I1", "SLRT-I2", "SLRT-A1"})
        CHECK(rules.count(r) == 1);
}
