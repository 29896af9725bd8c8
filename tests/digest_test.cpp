// Digests (include/policy/digest.hpp): NIST vectors, boundary lengths and random splits against
// OpenSSL, accelerated against portable code, several banks in one pass, constant evaluation,
// and `slrt-tool digest`.
#include <catch2/catch.hpp>

#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "policy/digest.hpp"

namespace {

using slrt::byte_view;
using slrt::digest;
using slrt::hash_alg;
using slrt::u32;
using slrt::u8;

constexpr hash_alg computed[] = {hash_alg::sha1, hash_alg::sha256, hash_alg::sha384, hash_alg::sha512};

std::string to_hex(const digest& d) {
    static const char* digits = "0123456789abcdef";
    std::string s;
    for (u32 i = 0; i < d.size(); ++i) {
        s += digits[d.bytes[i] >> 4];
        s += digits[d.bytes[i] & 15];
    }
    return s;
}

byte_view view(const std::string& s) { return {reinterpret_cast<const u8*>(s.data()), s.size()}; }
byte_view view(const std::vector<u8>& v) { return {v.data(), v.size()}; }

const EVP_MD* evp(hash_alg a) {
    switch (a) {
        case hash_alg::sha1: return EVP_sha1();
        case hash_alg::sha256: return EVP_sha256();
        case hash_alg::sha384: return EVP_sha384();
        case hash_alg::sha512: return EVP_sha512();
        default: return nullptr;
    }
}

std::string openssl_hex(hash_alg a, byte_view data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    REQUIRE(EVP_Digest(data.data(), data.size(), out, &size, evp(a), nullptr) == 1);
    digest d{};
    d.alg = a;
    REQUIRE(size == d.size());
    for (unsigned i = 0; i < size; ++i) d.bytes[i] = out[i];
    return to_hex(d);
}

std::vector<u8> random_bytes(std::mt19937& rng, std::size_t n) {
    std::vector<u8> v(n);
    for (auto& b : v) b = static_cast<u8>(rng());
    return v;
}

// Restores the default (extensions allowed in a hosted build) when a test ends.
struct extensions_guard {
    ~extensions_guard() { slrt::set_sha_extensions(true); }
};

// The paths a test runs: portable, and the accelerated one when this CPU has it.
std::vector<bool> paths() {
    const slrt::sha_cpu_features f = slrt::sha_cpu_supports();
    if (f.sha_ni || f.ssse3_bmi2) return {false, true};
    return {false};
}

// ---------------------------------------------------------------------------------------------
// Compile time: the same code runs in constant evaluation (FIPS 180-4 example "abc").
constexpr u8 abc[] = {'a', 'b', 'c'};

constexpr bool has_bytes(const digest& d, const char* hex) {
    auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
    for (u32 i = 0; i < d.size(); ++i)
        if (d.bytes[i] != nibble(hex[2 * i]) * 16 + nibble(hex[2 * i + 1])) return false;
    return hex[2 * d.size()] == '\0';
}

static_assert(has_bytes(slrt::hash(hash_alg::sha1, abc), "a9993e364706816aba3e25717850c26c9cd0d89d"));
static_assert(has_bytes(slrt::hash(hash_alg::sha256, abc),
                        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
static_assert(has_bytes(slrt::hash(hash_alg::sha384, abc),
                        "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
                        "8086072ba1e7cc2358baeca134c825a7"));
static_assert(has_bytes(slrt::hash(hash_alg::sha512, abc),
                        "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                        "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"));
static_assert(has_bytes(slrt::hash(hash_alg::sha256, {}),
                        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));

// The 448-bit message, fed in pieces that straddle the block buffer, through the classes.
constexpr bool incremental_448() {
    constexpr char text[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    u8 m[56]{};
    for (int i = 0; i < 56; ++i) m[i] = static_cast<u8>(text[i]);
    slrt::sha256 h;
    h.update(byte_view(m, 5));
    h.update(byte_view(m + 5, 0));
    h.update(byte_view(m + 5, 51));
    digest d{};
    d.alg = hash_alg::sha256;
    h.finish(d.bytes);
    slrt::sha1 h1;
    for (int i = 0; i < 56; ++i) h1.update(byte_view(m + i, 1));
    digest d1{};
    d1.alg = hash_alg::sha1;
    h1.finish(d1.bytes);
    return has_bytes(d, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1") &&
           has_bytes(d1, "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
}
static_assert(incremental_448());

// Several banks at compile time.
constexpr bool banks_at_compile_time() {
    const hash_alg algs[] = {hash_alg::sha512, hash_alg::sha1, hash_alg::sm3_256};
    digest out[3]{};
    slrt::hash_banks(algs, 3, abc, out);
    return out[0] == slrt::hash(hash_alg::sha512, abc) && out[1] == slrt::hash(hash_alg::sha1, abc) &&
           out[2].alg == hash_alg::sm3_256 && slrt::all_zero(out[2].view());
}
static_assert(banks_at_compile_time());

static_assert(slrt::digest_size(hash_alg::sha1) == 20 && slrt::digest_size(hash_alg::sha256) == 32 &&
              slrt::digest_size(hash_alg::sha384) == 48 && slrt::digest_size(hash_alg::sha512) == 64 &&
              slrt::digest_size(hash_alg::sm3_256) == 32 && slrt::digest_size(static_cast<hash_alg>(0x0010)) == 0);
static_assert(slrt::sha1::size == 20 && slrt::sha256::size == 32 && slrt::sha384::size == 48 &&
              slrt::sha512::size == 64);

}  // namespace

// ---------------------------------------------------------------------------------------------

TEST_CASE("digest: ids, sizes and names", "[digest]") {
    for (hash_alg a : slrt::all_hash_algs) {
        INFO(slrt::name(a));
        hash_alg back{};
        CHECK(slrt::hash_alg_from_name(slrt::name(a), back));
        CHECK(back == a);
        CHECK(slrt::digest_size(a) <= slrt::max_digest_size);
    }
    CHECK(static_cast<unsigned>(hash_alg::sha1) == 0x0004);
    CHECK(static_cast<unsigned>(hash_alg::sha256) == 0x000b);
    CHECK(static_cast<unsigned>(hash_alg::sha384) == 0x000c);
    CHECK(static_cast<unsigned>(hash_alg::sha512) == 0x000d);
    CHECK(static_cast<unsigned>(hash_alg::sm3_256) == 0x0012);
    CHECK(slrt::name(static_cast<hash_alg>(0x0010)) == nullptr);

    hash_alg out = hash_alg::sha1;
    for (const char* bad : {"", "sha", "SHA256", "sha2566", "sha-256", "sm3"}) {
        INFO(bad);
        CHECK_FALSE(slrt::hash_alg_from_name(bad, out));
    }
    CHECK_FALSE(slrt::hash_alg_from_name(nullptr, out));
    CHECK(out == hash_alg::sha1);  // untouched on failure

    for (hash_alg a : computed) CHECK(slrt::hasher(a).supported());
    CHECK_FALSE(slrt::hasher(hash_alg::sm3_256).supported());
    CHECK_FALSE(slrt::hasher(static_cast<hash_alg>(0x0010)).supported());

    // An unsupported algorithm gives all-zero bytes of its size, never a wrong "real" digest.
    const digest sm3 = slrt::hash(hash_alg::sm3_256, view(std::string("abc")));
    CHECK(sm3.alg == hash_alg::sm3_256);
    CHECK(sm3.size() == 32);
    CHECK(slrt::all_zero(byte_view(sm3.bytes, slrt::max_digest_size)));
}

TEST_CASE("digest: NIST vectors (FIPS 180-4 examples)", "[digest]") {
    extensions_guard guard;
    const std::string m448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    const std::string m896 =
        "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrst"
        "nopqrstu";
    REQUIRE(m448.size() * 8 == 448);
    REQUIRE(m896.size() * 8 == 896);
    const std::string million(1000000, 'a');
    struct vector {
        hash_alg alg;
        const std::string* message;
        const char* expected;
    };
    const std::string empty, abc_text = "abc";
    const vector vectors[] = {
        {hash_alg::sha1, &empty, "da39a3ee5e6b4b0d3255bfef95601890afd80709"},
        {hash_alg::sha1, &abc_text, "a9993e364706816aba3e25717850c26c9cd0d89d"},
        {hash_alg::sha1, &m448, "84983e441c3bd26ebaae4aa1f95129e5e54670f1"},
        {hash_alg::sha1, &m896, "a49b2446a02c645bf419f995b67091253a04a259"},
        {hash_alg::sha1, &million, "34aa973cd4c4daa4f61eeb2bdbad27316534016f"},
        {hash_alg::sha256, &empty, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {hash_alg::sha256, &abc_text, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {hash_alg::sha256, &m448, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
        {hash_alg::sha256, &m896, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
        {hash_alg::sha256, &million, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
        {hash_alg::sha384, &empty,
         "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b"},
        {hash_alg::sha384, &abc_text,
         "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"},
        {hash_alg::sha384, &m448,
         "3391fdddfc8dc7393707a65b1b4709397cf8b1d162af05abfe8f450de5f36bc6b0455a8520bc4e6f5fe95b1fe3c8452b"},
        {hash_alg::sha384, &m896,
         "09330c33f71147e83d192fc782cd1b4753111b173b3b05d22fa08086e3b0f712fcc7c71a557e2db966c3e9fa91746039"},
        {hash_alg::sha384, &million,
         "9d0e1809716474cb086e834e310a4a1ced149e9c00f248527972cec5704c2a5b07b8b3dc38ecc4ebae97ddd87f3d8985"},
        {hash_alg::sha512, &empty,
         "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
         "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"},
        {hash_alg::sha512, &abc_text,
         "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
         "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"},
        {hash_alg::sha512, &m448,
         "204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c335"
         "96fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445"},
        {hash_alg::sha512, &m896,
         "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
         "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909"},
        {hash_alg::sha512, &million,
         "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973eb"
         "de0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b"},
    };
    for (bool accelerated : paths()) {
        slrt::set_sha_extensions(accelerated);
        for (const vector& v : vectors) {
            INFO(slrt::name(v.alg) << " of " << v.message->size() << " bytes, accelerated " << accelerated);
            CHECK(to_hex(slrt::hash(v.alg, view(*v.message))) == v.expected);
            // The million a's as FIPS 180-4 examples describe them: in pieces.
            slrt::hasher h(v.alg);
            for (std::size_t at = 0; at < v.message->size(); at += 1000)
                h.update(view(*v.message).subview(at, 1000));
            CHECK(to_hex(h.finish()) == v.expected);
        }
    }
}

TEST_CASE("digest: lengths around the block and padding boundaries match OpenSSL", "[digest]") {
    extensions_guard guard;
    std::mt19937 rng(0x5a5a);
    const std::vector<u8> data = random_bytes(rng, 4096);
    const std::size_t lengths[] = {0,   1,   55,  56,  57,  63,  64,  65,  111, 112, 113, 119, 120,
                                   127, 128, 129, 191, 192, 255, 256, 257, 1023, 1024, 4095, 4096};
    for (bool accelerated : paths()) {
        slrt::set_sha_extensions(accelerated);
        for (hash_alg a : computed)
            for (std::size_t n : lengths) {
                INFO(slrt::name(a) << " of " << n << " bytes, accelerated " << accelerated);
                const byte_view part = view(data).subview(0, n);
                CHECK(to_hex(slrt::hash(a, part)) == openssl_hex(a, part));
            }
    }
}

TEST_CASE("digest: random messages in random pieces match OpenSSL", "[digest]") {
    extensions_guard guard;
    std::mt19937 rng(20240607);
    for (bool accelerated : paths()) {
        slrt::set_sha_extensions(accelerated);
        for (int round = 0; round < 200; ++round) {
            const std::size_t n = round < 150 ? rng() % 600 : rng() % 70000;
            const std::vector<u8> data = random_bytes(rng, n);
            for (hash_alg a : computed) {
                slrt::hasher h(a);
                std::size_t at = 0;
                while (at < n) {
                    // Mostly small pieces (buffer edges), sometimes large ones (whole blocks).
                    const std::size_t piece = rng() % 4 == 0 ? rng() % 5000 : rng() % 130;
                    h.update(view(data).subview(at, piece));
                    at += piece;
                }
                INFO(slrt::name(a) << " of " << n << " bytes, round " << round << ", accelerated " << accelerated);
                CHECK(to_hex(h.finish()) == openssl_hex(a, view(data)));
            }
        }
    }
}

// The compact block functions (the -Os build's, SLRT_SHA_COMPACT) against the unrolled ones.
template <class Word, std::size_t Words, std::size_t Block>
struct block_pair {
    void (*compact)(Word*, const u8*, std::size_t);
    void (*unrolled)(Word*, const u8*, std::size_t);
    const Word* iv;
};

template <class Word, std::size_t Words, std::size_t Block>
constexpr bool compact_matches_unrolled(const block_pair<Word, Words, Block>& f, const u8* data, std::size_t blocks) {
    Word a[Words]{}, b[Words]{};
    for (std::size_t i = 0; i < Words; ++i) a[i] = b[i] = f.iv[i];
    f.compact(a, data, blocks);
    f.unrolled(b, data, blocks);
    for (std::size_t i = 0; i < Words; ++i)
        if (a[i] != b[i]) return false;
    return true;
}

constexpr block_pair<u32, 5, 64> sha1_blocks{slrt::detail::sha1_blocks_compact, slrt::detail::sha1_blocks_portable,
                                             slrt::detail::sha1_iv};
constexpr block_pair<u32, 8, 64> sha256_blocks{slrt::detail::sha256_blocks_compact,
                                               slrt::detail::sha256_blocks_portable, slrt::detail::sha256_iv};
constexpr block_pair<slrt::u64, 8, 128> sha512_blocks{slrt::detail::sha512_blocks_compact,
                                                slrt::detail::sha512_blocks_portable, slrt::detail::sha512_iv};

constexpr bool compact_at_compile_time() {
    u8 data[256]{};
    for (unsigned i = 0; i < 256; ++i) data[i] = static_cast<u8>(i * 37 + 11);
    return compact_matches_unrolled(sha1_blocks, data, 4) && compact_matches_unrolled(sha256_blocks, data, 4) &&
           compact_matches_unrolled(sha512_blocks, data, 2);
}
static_assert(compact_at_compile_time());

TEST_CASE("digest: the compact block functions equal the unrolled ones", "[digest]") {
    std::mt19937 rng(11);
    for (int round = 0; round < 300; ++round) {
        const std::size_t blocks = 1 + rng() % 8;
        const std::vector<u8> data = random_bytes(rng, blocks * 128);
        INFO(blocks << " blocks, round " << round);
        CHECK(compact_matches_unrolled(sha1_blocks, data.data(), blocks * 2));
        CHECK(compact_matches_unrolled(sha256_blocks, data.data(), blocks * 2));
        CHECK(compact_matches_unrolled(sha512_blocks, data.data(), blocks));
    }
    // A flipped bit anywhere in a block changes the compact result the way it changes the unrolled one.
    std::vector<u8> data = random_bytes(rng, 128);
    slrt::u32 before[8] = {}, after[8] = {};
    for (int i = 0; i < 8; ++i) before[i] = after[i] = slrt::detail::sha256_iv[i];
    slrt::detail::sha256_blocks_compact(before, data.data(), 1);
    data[63] ^= 1;
    slrt::detail::sha256_blocks_compact(after, data.data(), 1);
    CHECK_FALSE(std::equal(before, before + 8, after));
}

TEST_CASE("digest: accelerated and portable paths agree", "[digest]") {
    extensions_guard guard;
    const slrt::sha_cpu_features f = slrt::sha_cpu_supports();
    if (!f.sha_ni) WARN("this CPU has no SHA extensions: SHA-1/SHA-256 SHA-NI comparison skipped");
    if (!f.ssse3_bmi2) WARN("this CPU lacks SSSE3 or BMI2: SHA-384/SHA-512 SIMD comparison skipped");
    if (!f.sha_ni && !f.ssse3_bmi2) return;

    std::mt19937 rng(7);
    for (int round = 0; round < 100; ++round) {
        const std::size_t n = round == 0 ? 1 << 20 : rng() % 20000;
        const std::vector<u8> data = random_bytes(rng, n);
        for (hash_alg a : computed) {
            const bool accelerated = (a == hash_alg::sha1 || a == hash_alg::sha256) ? f.sha_ni : f.ssse3_bmi2;
            if (!accelerated) continue;
            slrt::set_sha_extensions(false);
            const digest portable = slrt::hash(a, view(data));
            slrt::set_sha_extensions(true);
            const digest fast = slrt::hash(a, view(data));
            INFO(slrt::name(a) << " of " << n << " bytes");
            CHECK(fast == portable);
        }
    }
    // The switch works both ways and is what the block functions consult.
    slrt::set_sha_extensions(false);
    CHECK_FALSE(slrt::sha_extensions_allowed());
    slrt::set_sha_extensions(true);
    CHECK(slrt::sha_extensions_allowed());
}

TEST_CASE("digest: hash_banks equals one hash per bank", "[digest]") {
    std::mt19937 rng(99);
    // Around the 16 KiB chunk: empty, below, at, just past, several chunks and a tail.
    for (std::size_t n : {std::size_t{0}, std::size_t{100}, std::size_t{16384}, std::size_t{16385},
                          std::size_t{3 * 16384 + 77}, std::size_t{1 << 20}}) {
        const std::vector<u8> data = random_bytes(rng, n);
        // Seven banks: more than one group of five, with a duplicate and an unsupported one.
        const hash_alg algs[] = {hash_alg::sha256, hash_alg::sha1,   hash_alg::sm3_256, hash_alg::sha384,
                                 hash_alg::sha512, hash_alg::sha256, hash_alg::sha1};
        digest out[7];
        slrt::hash_banks(algs, 7, view(data), out);
        for (int i = 0; i < 7; ++i) {
            INFO("bank " << i << " (" << slrt::name(algs[i]) << ") over " << n << " bytes");
            CHECK(out[i] == slrt::hash(algs[i], view(data)));
            if (algs[i] != hash_alg::sm3_256) CHECK(to_hex(out[i]) == openssl_hex(algs[i], view(data)));
        }
    }
    digest untouched{};
    untouched.bytes[0] = 0x77;
    slrt::hash_banks(nullptr, 0, {}, &untouched);  // no banks: nothing written
    CHECK(untouched.bytes[0] == 0x77);
}

// ---------------------------------------------------------------------------------------------
#ifdef SLRT_TOOL

#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

namespace {

struct tool_run {
    int status;
    std::string out, err;
};

std::string read_all(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

tool_run run_tool(const std::string& args, const std::string& stdin_file = "") {
    const std::filesystem::path dir =
        std::filesystem::temp_directory_path() / ("slrt-digest-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::filesystem::path out = dir / "stdout", err = dir / "stderr";
    std::string cmd = std::string(SLRT_TOOL) + " " + args + " >" + out.string() + " 2>" + err.string();
    if (!stdin_file.empty()) cmd += " <" + stdin_file;
    const int raw = std::system(cmd.c_str());
    return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, read_all(out), read_all(err)};
}

}  // namespace

TEST_CASE("digest: slrt-tool digest prints what OpenSSL computes", "[digest][tool]") {
    const std::string a = std::string(SLRT_SOURCE_DIR) + "/spec/vectors/valid/kernel-helpers-v16-txt.bin";
    const std::string b = std::string(SLRT_SOURCE_DIR) + "/examples/linux-txt.json";
    const std::string bytes_a = read_all(a), bytes_b = read_all(b);
    REQUIRE_FALSE(bytes_a.empty());
    REQUIRE_FALSE(bytes_b.empty());
    for (hash_alg alg : computed) {
        INFO(slrt::name(alg));
        const tool_run r = run_tool(std::string("digest --alg ") + slrt::name(alg) + " " + a + " " + b);
        INFO(r.err);
        REQUIRE(r.status == 0);
        CHECK(r.out == openssl_hex(alg, view(bytes_a)) + "  " + a + "\n" + openssl_hex(alg, view(bytes_b)) + "  " + b +
                           "\n");
    }
    // "-" is stdin.
    const tool_run in = run_tool("digest --alg sha256 -", a);
    CHECK(in.status == 0);
    CHECK(in.out == openssl_hex(hash_alg::sha256, view(bytes_a)) + "  -\n");
    // An unreadable file: reported, the others still printed, exit 2 (like sha256sum).
    const tool_run missing = run_tool("digest --alg sha1 /nonexistent/slrt-digest " + a);
    CHECK(missing.status == 2);
    CHECK(missing.out == openssl_hex(hash_alg::sha1, view(bytes_a)) + "  " + a + "\n");
    CHECK(missing.err.find("/nonexistent/slrt-digest") != std::string::npos);
    // Unknown or unsupported algorithm: usage error, nothing printed.
    for (const char* bad : {"md5", "sm3_256"}) {
        const tool_run r = run_tool(std::string("digest --alg ") + bad + " " + a);
        INFO(bad);
        CHECK(r.status == 2);
        CHECK(r.out.empty());
    }
}

#endif  // SLRT_TOOL
