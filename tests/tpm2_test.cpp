// The TPM2 command codec against byte vectors written out by hand from the TPM 2.0 Library
// structures (Part 2 types, Part 3 command and response layouts, big-endian), and responses
// that break each rule.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "policy/tpm2.hpp"

using namespace slrt;

namespace {

using bytes_t = std::vector<u8>;

byte_view view(const bytes_t& b) { return byte_view(b.data(), b.size()); }
mutable_byte_view mview(bytes_t& b) { return mutable_byte_view(b.data(), b.size()); }

bytes_t cat(std::initializer_list<bytes_t> parts) {
    bytes_t out;
    for (const bytes_t& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

bytes_t ramp(u8 first, std::size_t n) {
    bytes_t b(n);
    for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<u8>(first + i);
    return b;
}

digest make(hash_alg a, u8 first) {
    digest d{};
    d.alg = a;
    for (u32 i = 0; i < digest_size(a); ++i) d.bytes[i] = static_cast<u8>(first + i);
    return d;
}

template <class F>
bytes_t encode(F f, std::size_t capacity = 512) {
    bytes_t out(capacity, 0xee);
    const result<u32> n = f(mview(out));
    REQUIRE(n);
    out.resize(*n);
    return out;
}

// A response with a correct header around `body`.
bytes_t response(u16 tag, u32 rc, const bytes_t& body) {
    const u32 size = static_cast<u32>(10 + body.size());
    bytes_t out = {static_cast<u8>(tag >> 8), static_cast<u8>(tag), static_cast<u8>(size >> 24), static_cast<u8>(size >> 16),
                   static_cast<u8>(size >> 8),  static_cast<u8>(size), static_cast<u8>(rc >> 24),   static_cast<u8>(rc >> 16),
                   static_cast<u8>(rc >> 8),    static_cast<u8>(rc)};
    out.insert(out.end(), body.begin(), body.end());
    return out;
}

}  // namespace

TEST_CASE("tpm2: TPM2_Startup(CLEAR) command bytes", "[tpm2]") {
    // tag 8001, commandSize 12, TPM_CC_Startup 0x144, TPM_SU_CLEAR 0.
    const bytes_t want = {0x80, 0x01, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x00, 0x01, 0x44, 0x00, 0x00};
    CHECK(encode([](mutable_byte_view o) { return tpm2_encode_startup(o); }) == want);
    CHECK(tpm2_decode_startup(view(response(0x8001, 0, {}))));
    const status again = tpm2_decode_startup(view(response(0x8001, tpm_rc_initialize, {})));
    REQUIRE_FALSE(again);
    CHECK(again.err().code == errc::tpm_error);
    CHECK(again.err().rule == std::string("TPM-6"));
    CHECK(again.err().value == 0x100);
    CHECK(std::string(tpm2_rc_name(0x100)) == "TPM_RC_INITIALIZE");
}

TEST_CASE("tpm2: TPM2_PCR_Extend with a password session, one and two banks", "[tpm2]") {
    const digest d256 = make(hash_alg::sha256, 0x00);
    const bytes_t head = {0x80, 0x02};  // TPM_ST_SESSIONS
    const bytes_t auth = {0x00, 0x00, 0x00, 0x09,   // authorizationSize
                          0x40, 0x00, 0x00, 0x09,   // TPM_RS_PW
                          0x00, 0x00,               // nonceCaller: empty
                          0x00,                     // sessionAttributes
                          0x00, 0x00};              // hmac: empty password
    const bytes_t one = cat({head, {0x00, 0x00, 0x00, 0x41}, {0x00, 0x00, 0x01, 0x82}, {0x00, 0x00, 0x00, 0x11}, auth,
                             {0x00, 0x00, 0x00, 0x01}, {0x00, 0x0b}, ramp(0x00, 32)});
    REQUIRE(one.size() == 0x41);
    CHECK(encode([&](mutable_byte_view o) { return tpm2_encode_pcr_extend(o, 17, &d256, 1); }) == one);

    const digest two[2] = {make(hash_alg::sha1, 0xa0), make(hash_alg::sha256, 0x10)};
    const bytes_t both = cat({head, {0x00, 0x00, 0x00, 0x57}, {0x00, 0x00, 0x01, 0x82}, {0x00, 0x00, 0x00, 0x12}, auth,
                              {0x00, 0x00, 0x00, 0x02}, {0x00, 0x04}, ramp(0xa0, 20), {0x00, 0x0b}, ramp(0x10, 32)});
    REQUIRE(both.size() == 0x57);
    CHECK(encode([&](mutable_byte_view o) { return tpm2_encode_pcr_extend(o, 18, two, 2); }) == both);

    // Response: tag 8002, size 19, rc 0, parameterSize 0, nonceTPM empty, continueSession, hmac empty.
    const bytes_t ok = {0x80, 0x02, 0x00, 0x00, 0x00, 0x13, 0x00, 0x00, 0x00, 0x00,
                        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00};
    CHECK(tpm2_decode_pcr_extend(view(ok)));
    // Locality refused (skinit-arm-tcg.md §D.1): a bare 10-byte TPM_ST_NO_SESSIONS header.
    const status loc = tpm2_decode_pcr_extend(view(response(0x8001, tpm_rc_locality, {})));
    REQUIRE_FALSE(loc);
    CHECK(loc.err().rule == std::string("TPM-6"));
    CHECK(loc.err().value == 0x907);
    CHECK(std::string(tpm2_rc_name(static_cast<u32>(loc.err().value))) == "TPM_RC_LOCALITY");
    // Session area cut short.
    const bytes_t cut = response(0x8002, 0, {0, 0, 0, 0, 0, 0, 1, 0});
    const status c = tpm2_decode_pcr_extend(view(cut));
    REQUIRE_FALSE(c);
    CHECK(c.err().rule == std::string("TPM-7"));
    CHECK(c.err().code == errc::entry_exceeds_table);
    CHECK(c.err().offset == 17);
    // Success must carry TPM_ST_SESSIONS.
    CHECK(tpm2_decode_pcr_extend(view(response(0x8001, 0, {0, 0, 0, 0, 0, 0, 1, 0, 0}))).err().rule ==
          std::string("TPM-4"));
    // Response parameters where PCR_Extend has none.
    CHECK(tpm2_decode_pcr_extend(view(response(0x8002, 0, {0, 0, 0, 1, 0, 0, 0, 1, 0, 0}))).err().rule ==
          std::string("TPM-14"));
}

TEST_CASE("tpm2: PCR_Extend argument checks and a short buffer", "[tpm2]") {
    const digest d = make(hash_alg::sha256, 1);
    bytes_t out(64, 0xee);  // one byte short of the 65-byte command
    const result<u32> r = tpm2_encode_pcr_extend(mview(out), 17, &d, 1);
    REQUIRE_FALSE(r);
    CHECK(r.err().code == errc::buffer_too_small);
    CHECK(r.err().rule == std::string("TPM-1"));
    CHECK(r.err().value == 65);
    CHECK(out == bytes_t(64, 0xee));
    bytes_t big(512);
    CHECK(tpm2_encode_pcr_extend(mview(big), 24, &d, 1).err().rule == std::string("TPM-2"));
    CHECK(tpm2_encode_pcr_extend(mview(big), 17, &d, 0).err().rule == std::string("TPM-2"));
    const digest unknown{static_cast<hash_alg>(0x27), {}};
    CHECK(tpm2_encode_pcr_extend(mview(big), 17, &unknown, 1).err().rule == std::string("TPM-11"));
    bytes_t small(11, 0xee);
    CHECK(tpm2_encode_startup(mview(small)).err().rule == std::string("TPM-1"));
    CHECK(small == bytes_t(11, 0xee));
}

TEST_CASE("tpm2: TPM2_PCR_Read selection and response", "[tpm2]") {
    pcr_selection_list sel;
    REQUIRE(sel.add(hash_alg::sha256, (1u << 17) | (1u << 18)));
    // tag 8001, size 20, TPM_CC_PCR_Read, count 1, {SHA256, sizeofSelect 3, 00 00 06}.
    const bytes_t want = {0x80, 0x01, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x01, 0x7e,
                          0x00, 0x00, 0x00, 0x01, 0x00, 0x0b, 0x03, 0x00, 0x00, 0x06};
    CHECK(encode([&](mutable_byte_view o) { return tpm2_encode_pcr_read(o, sel); }) == want);
    REQUIRE(sel.add(hash_alg::sha1, 1u << 0));
    const bytes_t two = {0x80, 0x01, 0x00, 0x00, 0x00, 0x1a, 0x00, 0x00, 0x01, 0x7e, 0x00, 0x00, 0x00,
                         0x02, 0x00, 0x0b, 0x03, 0x00, 0x00, 0x06, 0x00, 0x04, 0x03, 0x01, 0x00, 0x00};
    CHECK(encode([&](mutable_byte_view o) { return tpm2_encode_pcr_read(o, sel); }) == two);

    // pcrUpdateCounter 42, selection out {SHA256: 17, 18}, two digests.
    const bytes_t body = cat({{0x00, 0x00, 0x00, 0x2a}, {0x00, 0x00, 0x00, 0x01, 0x00, 0x0b, 0x03, 0x00, 0x00, 0x06},
                              {0x00, 0x00, 0x00, 0x02}, {0x00, 0x20}, ramp(0x40, 32), {0x00, 0x20}, ramp(0x80, 32)});
    const bytes_t resp = response(0x8001, 0, body);
    const result<tpm2_pcr_read_result> r = tpm2_decode_pcr_read(view(resp));
    REQUIRE(r);
    CHECK(r->update_counter == 42);
    REQUIRE(r->digest_count == 2);
    CHECK(r->pcr[0] == 17);
    CHECK(r->pcr[1] == 18);
    REQUIRE(r->find(hash_alg::sha256, 18) != nullptr);
    CHECK(*r->find(hash_alg::sha256, 18) == make(hash_alg::sha256, 0x80));
    CHECK(r->find(hash_alg::sha1, 0) == nullptr);
    // What remains of the request after this answer: SHA-1 PCR 0.
    const pcr_selection_list rest = tpm2_selection_minus(sel, r->selection);
    REQUIRE(rest.count == 1);
    CHECK(rest.items[0].alg == hash_alg::sha1);
    CHECK(rest.items[0].pcrs == 1u);

    SECTION("digest count disagrees with the selection") {
        bytes_t b = body;
        b[17] = 1;  // TPML_DIGEST.count = 1
        const result<tpm2_pcr_read_result> e = tpm2_decode_pcr_read(view(response(0x8001, 0, b)));
        REQUIRE_FALSE(e);
        CHECK(e.err().rule == std::string("TPM-9"));
        CHECK(e.err().offset == 10 + 14);
    }
    SECTION("digest of the wrong size") {
        bytes_t b = body;
        b[19] = 0x14;  // first TPM2B_DIGEST.size = 20 for a SHA-256 PCR
        const result<tpm2_pcr_read_result> e = tpm2_decode_pcr_read(view(response(0x8001, 0, b)));
        REQUIRE_FALSE(e);
        CHECK(e.err().rule == std::string("TPM-12"));
        CHECK(e.err().code == errc::digest_size_mismatch);
    }
    SECTION("sizeofSelect above 4") {
        bytes_t b = body;
        b[10] = 5;
        CHECK(tpm2_decode_pcr_read(view(response(0x8001, 0, b))).err().rule == std::string("TPM-10"));
    }
    SECTION("more than 16 selections") {
        bytes_t b = body;
        b[7] = 17;
        CHECK(tpm2_decode_pcr_read(view(response(0x8001, 0, b))).err().rule == std::string("TPM-8"));
    }
    SECTION("response cut inside a digest") {
        bytes_t b(body.begin(), body.end() - 1);
        CHECK(tpm2_decode_pcr_read(view(response(0x8001, 0, b))).err().rule == std::string("TPM-7"));
    }
    SECTION("bytes after the last digest") {
        bytes_t b = body;
        b.push_back(0);
        CHECK(tpm2_decode_pcr_read(view(response(0x8001, 0, b))).err().rule == std::string("TPM-14"));
    }
}

TEST_CASE("tpm2: TPM2_GetCapability(TPM_CAP_PCRS) and the active banks", "[tpm2]") {
    const bytes_t want = {0x80, 0x01, 0x00, 0x00, 0x00, 0x16, 0x00, 0x00, 0x01, 0x7a, 0x00, 0x00, 0x00, 0x05,
                          0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10};
    CHECK(encode([](mutable_byte_view o) { return tpm2_encode_get_capability_pcrs(o); }) == want);

    // moreData NO, TPM_CAP_PCRS, 4 banks: SHA-1 all, SHA-256 all, SHA-384 none, SHA-512 all.
    const bytes_t body = {0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x04, 0x00, 0x04, 0x03, 0xff,
                          0xff, 0xff, 0x00, 0x0b, 0x03, 0xff, 0xff, 0xff, 0x00, 0x0c, 0x03, 0x00, 0x00,
                          0x00, 0x00, 0x0d, 0x03, 0xff, 0xff, 0xff};
    const result<tpm2_pcr_allocation> r = tpm2_decode_get_capability_pcrs(view(response(0x8001, 0, body)));
    REQUIRE(r);
    CHECK_FALSE(r->more_data);
    REQUIRE(r->banks.count == 4);
    hash_alg active[8] = {};
    REQUIRE(r->active_banks(active, 8) == 3);
    CHECK(active[0] == hash_alg::sha1);
    CHECK(active[1] == hash_alg::sha256);
    CHECK(active[2] == hash_alg::sha512);
    CHECK(r->banks.items[0].selects(23));
    CHECK_FALSE(r->banks.items[2].selects(0));

    bytes_t other = body;
    other[4] = 0x06;  // TPM_CAP_PCR_PROPERTIES
    const result<tpm2_pcr_allocation> e = tpm2_decode_get_capability_pcrs(view(response(0x8001, 0, other)));
    REQUIRE_FALSE(e);
    CHECK(e.err().rule == std::string("TPM-13"));
    CHECK(e.err().offset == 11);
    bytes_t more = body;
    more[0] = 2;
    CHECK(tpm2_decode_get_capability_pcrs(view(response(0x8001, 0, more))).err().rule == std::string("TPM-13"));
}

TEST_CASE("tpm2: response headers", "[tpm2]") {
    const bytes_t good = response(0x8001, 0, {});
    CHECK(tpm2_decode_response(view(good)));
    for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{9}}) {
        const result<tpm2_response> r = tpm2_decode_response(byte_view(good.data(), n));
        REQUIRE_FALSE(r);
        CHECK(r.err().rule == std::string("TPM-3"));
        CHECK(r.err().code == errc::truncated_header);
    }
    bytes_t b = good;
    b[0] = 0x00;
    b[1] = 0xc4;  // a TPM 1.2 TPM_TAG_RSP_COMMAND
    CHECK(tpm2_decode_response(view(b)).err().rule == std::string("TPM-4"));
    b = good;
    b[5] = 9;
    CHECK(tpm2_decode_response(view(b)).err().code == errc::size_too_small);
    b = good;
    b[5] = 11;
    const result<tpm2_response> past = tpm2_decode_response(view(b));
    CHECK(past.err().rule == std::string("TPM-5"));
    CHECK(past.err().code == errc::size_exceeds_buffer);
    b = good;
    b.push_back(0);
    CHECK(tpm2_decode_response(view(b)).err().code == errc::trailing_bytes);
    const result<tpm2_response> huge = tpm2_decode_response(view(
        bytes_t{0x80, 0x01, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0}));
    CHECK(huge.err().code == errc::size_exceeds_buffer);
}

namespace {
constexpr bool compile_time_codec() {
    u8 out[64] = {};
    const digest d{hash_alg::sha1, {}};
    const result<u32> n = tpm2_encode_pcr_extend(mutable_byte_view(out, sizeof out), 17, &d, 1);
    if (!n || *n != 10 + 4 + 4 + 9 + 4 + 22) return false;
    const u8 ok[19] = {0x80, 0x02, 0, 0, 0, 19, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0};
    return static_cast<bool>(tpm2_decode_pcr_extend(byte_view(ok))) && load_be(byte_view(out), 6, 4) == tpm_cc_pcr_extend;
}
}  // namespace

TEST_CASE("tpm2: the codec runs in constant evaluation", "[tpm2]") { STATIC_REQUIRE(compile_time_codec()); }
