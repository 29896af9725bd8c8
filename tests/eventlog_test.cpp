// Event logs: every format written and parsed back, the bytes against layouts written out by
// hand from the specifications, replay against an independent computation (OpenSSL EVP),
// malformed logs with the exact error or quirk, the writer's full-buffer behaviour, and a
// cross-check of replay with tpm2_eventlog (tpm2-tools).
#include <catch2/catch.hpp>

#include "support/hex.hpp"
#include "support/tpm2_eventlog_yaml.hpp"

#include <openssl/evp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "policy/eventlog.hpp"

using namespace slrt;

namespace {

using bytes_t = std::vector<u8>;

bytes_t text(const std::string& s) { return bytes_t(s.begin(), s.end()); }
byte_view view(const bytes_t& b) { return byte_view(b.data(), b.size()); }
mutable_byte_view mview(bytes_t& b) { return mutable_byte_view(b.data(), b.size()); }

using slrt_test::hex;

// The independent hash: OpenSSL.
const EVP_MD* evp_md(hash_alg a) {
    switch (a) {
        case hash_alg::sha1: return EVP_sha1();
        case hash_alg::sha256: return EVP_sha256();
        case hash_alg::sha384: return EVP_sha384();
        case hash_alg::sha512: return EVP_sha512();
        default: return nullptr;
    }
}

bytes_t evp(hash_alg a, const bytes_t& in) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    REQUIRE(EVP_Digest(in.data(), in.size(), out, &n, evp_md(a), nullptr) == 1);
    return bytes_t(out, out + n);
}

// One event a test writes: the digests are H(measured) in every bank.
struct planned {
    u32 pcr;
    u32 type;
    std::string measured;
    std::string data;
};

const std::vector<planned> sample_events = {
    {17, txt_evtype_hash_start, "the DRTM hash-start data", "HASH_START"},
    {17, sl_evtype_secure_launch, "kernel image bytes", "Linux kernel"},
    {18, sl_evtype_secure_launch, "slrt vendor info", "Measured SLR Table"},
    {17, ev_no_action, "", "StartupMarker"},
    {18, sl_evtype_secure_launch, "command line", "Kernel command line"},
    {17, sl_evtype_secure_launch, std::string(5000, 'x'), "initrd"},
    {19, sl_evtype_secure_launch, "", ""},
};

// Writes `events` into a fresh log of the given format; returns the log's bytes.
bytes_t write_log(event_log_format f, const std::vector<hash_alg>& banks, const std::vector<planned>& events,
                  std::size_t buffer_size = 1 << 16) {
    bytes_t buffer(buffer_size, 0xcc);
    log_writer w(mview(buffer));
    status s = success;
    switch (f) {
        case event_log_format::tcg: s = w.init_tcg(banks.data(), static_cast<u32>(banks.size())); break;
        case event_log_format::txt12: s = w.init_txt12(); break;
        case event_log_format::txt_tpm2: s = w.init_txt_tpm2(banks.at(0)); break;
    }
    REQUIRE(s);
    for (const planned& p : events) {
        const bytes_t m = text(p.measured), d = text(p.data);
        REQUIRE(w.append_measurement(p.pcr, p.type, view(m), view(d)));
    }
    const byte_view out = w.bytes();
    return bytes_t(out.begin(), out.end());
}

// The replay an independent reader computes: OpenSSL, zero start, EV_NO_ACTION skipped.
std::map<hash_alg, std::vector<bytes_t>> reference_replay(const std::vector<hash_alg>& banks,
                                                           const std::vector<planned>& events, bool pre_launch = false) {
    std::map<hash_alg, std::vector<bytes_t>> pcrs;
    for (hash_alg a : banks) {
        const std::size_t n = digest_size(a);
        std::vector<bytes_t>& v = pcrs[a];
        for (u32 p = 0; p < 24; ++p) v.push_back(bytes_t(n, pre_launch && p >= 17 && p <= 22 ? 0xff : 0x00));
        for (const planned& e : events) {
            if (e.type == ev_no_action) continue;
            bytes_t in = v[e.pcr];
            const bytes_t m = evp(a, text(e.measured));
            in.insert(in.end(), m.begin(), m.end());
            v[e.pcr] = evp(a, in);
        }
    }
    return pcrs;
}

void check_events_match(const event_log& log, const std::vector<hash_alg>& banks, const std::vector<planned>& events) {
    REQUIRE(log.event_count() == events.size());
    u32 i = 0;
    u32 next = log.events_offset();
    for (const event& e : log) {
        INFO("event " << i);
        const planned& p = events[i];
        CHECK(e.index == i);
        CHECK(e.offset == next);
        next = e.offset + e.size;
        CHECK(e.pcr == p.pcr);
        CHECK(e.type == p.type);
        CHECK(std::string(e.data.begin(), e.data.end()) == p.data);
        CHECK(e.digest_count == banks.size());
        for (hash_alg a : banks) {
            const digest* d = e.find(a);
            REQUIRE(d != nullptr);
            if (p.type == ev_no_action)
                CHECK(all_zero(d->view()));
            else
                CHECK(hex(*d) == hex(evp(a, text(p.measured)).data(), digest_size(a)));
        }
        ++i;
    }
    CHECK(i == events.size());
    CHECK(next == log.events_end());
}

// Patching helpers for malformed logs.
void put32(bytes_t& b, std::size_t at, u32 v) { store_le(mview(b), at, 4, v); }
void put16(bytes_t& b, std::size_t at, u16 v) { store_le(mview(b), at, 2, v); }

result<event_log> parse(const bytes_t& b, event_log_format f = event_log_format::tcg, mode m = mode::strict) {
    return parse_event_log(view(b), {f, m});
}

// The TCG log of sample_events in sha1 + sha256: header 32 + 0x25 = 69 bytes, first event at 69.
constexpr u32 tcg2_first_event = 32 + 0x1d + 8;

}  // namespace

// ---------------------------------------------------------------------------------------------
// Round trips

TEST_CASE("eventlog: TCG logs write and parse back to the same events", "[eventlog]") {
    const std::vector<std::vector<hash_alg>> bank_sets = {
        {hash_alg::sha256},
        {hash_alg::sha1, hash_alg::sha256},
        {hash_alg::sha256, hash_alg::sha1},
        {hash_alg::sha1, hash_alg::sha256, hash_alg::sha384, hash_alg::sha512},
    };
    for (const auto& banks : bank_sets) {
        INFO("banks " << banks.size() << " first " << static_cast<int>(banks[0]));
        const bytes_t log_bytes = write_log(event_log_format::tcg, banks, sample_events);
        const result<event_log> log = parse(log_bytes);
        REQUIRE(log);
        CHECK(log->quirks().empty());
        CHECK(log->tail_size() == 0);
        REQUIRE(log->bank_count() == banks.size());
        for (std::size_t i = 0; i < banks.size(); ++i) {
            CHECK(log->bank(static_cast<u32>(i)).alg == banks[i]);
            CHECK(log->bank(static_cast<u32>(i)).digest_size == digest_size(banks[i]));
        }
        CHECK(log->events_offset() == 32 + 0x1d + 4 * banks.size());
        check_events_match(*log, banks, sample_events);

        // Re-writing the parsed events gives the same bytes.
        bytes_t again(log_bytes.size(), 0);
        log_writer w(mview(again));
        REQUIRE(w.init_tcg(log->spec_id()));
        for (const event& e : *log) REQUIRE(w.append(e));
        CHECK(bytes_t(w.bytes().begin(), w.bytes().end()) == log_bytes);
    }
}

TEST_CASE("eventlog: TCG header and event bytes follow the Spec ID Event03 and TCG_PCR_EVENT2 layouts", "[eventlog]") {
    const bytes_t log = write_log(event_log_format::tcg, {hash_alg::sha1, hash_alg::sha256},
                                  {{17, sl_evtype_secure_launch, "abc", "DLME"}});
    // TCG_PCR_EVENT {PCR 0, EV_NO_ACTION, 20 zero bytes, EventSize 0x25} + TCG_EfiSpecIDEvent.
    bytes_t want = {0, 0, 0, 0, 3, 0, 0, 0};
    want.insert(want.end(), 20, 0);
    const bytes_t tail = {0x25, 0, 0, 0, 'S', 'p', 'e', 'c', ' ', 'I', 'D', ' ', 'E', 'v', 'e', 'n', 't', '0', '3', 0,
                          0, 0, 0, 0,  // platformClass
                          0, 2, 0, 2,  // specVersionMinor, Major, errata, uintnSize
                          2, 0, 0, 0,  // numberOfAlgorithms
                          0x04, 0, 20, 0, 0x0b, 0, 32, 0,  // {SHA1, 20}, {SHA256, 32}
                          0};          // vendorInfoSize
    want.insert(want.end(), tail.begin(), tail.end());
    // TCG_PCR_EVENT2: PCR 17, 0x502, count 2, {0x0004, SHA1("abc")}, {0x000b, SHA256("abc")}, 4, "DLME".
    const bytes_t ev = {17, 0, 0, 0, 0x02, 0x05, 0, 0, 2, 0, 0, 0, 0x04, 0};
    want.insert(want.end(), ev.begin(), ev.end());
    const bytes_t s1 = evp(hash_alg::sha1, text("abc")), s256 = evp(hash_alg::sha256, text("abc"));
    want.insert(want.end(), s1.begin(), s1.end());
    want.push_back(0x0b);
    want.push_back(0);
    want.insert(want.end(), s256.begin(), s256.end());
    const bytes_t data = {4, 0, 0, 0, 'D', 'L', 'M', 'E'};
    want.insert(want.end(), data.begin(), data.end());
    CHECK(hex(log.data(), log.size()) == hex(want.data(), want.size()));
    CHECK(want.size() == tcg2_first_event + 12 + 22 + 34 + 4 + 4);
}

TEST_CASE("eventlog: TXT 1.2 container writes, parses and replays", "[eventlog]") {
    const std::vector<hash_alg> banks = {hash_alg::sha1};
    bytes_t buffer(4096, 0xcc);
    log_writer w(mview(buffer));
    REQUIRE(w.init_txt12(2048));
    CHECK(w.capacity() == 2048);
    // The header as the launcher leaves it: both offsets 48 (txt.md §8.1).
    bytes_t header = text(std::string("TXT Event Container") + '\0');
    header.insert(header.end(), 12, 0);
    const bytes_t rest = {1, 0, 1, 0, 0x00, 0x08, 0, 0, 48, 0, 0, 0, 48, 0, 0, 0};
    header.insert(header.end(), rest.begin(), rest.end());
    CHECK(hex(buffer.data(), 48) == hex(header.data(), 48));
    CHECK(buffer[2047] == 0);     // the container is zero-filled
    CHECK(buffer[2048] == 0xcc);  // and nothing past it is touched

    for (const planned& p : sample_events) {
        const bytes_t m = text(p.measured), d = text(p.data);
        REQUIRE(w.append_measurement(p.pcr, p.type, view(m), view(d)));
    }
    const bytes_t log_bytes(w.bytes().begin(), w.bytes().end());
    REQUIRE(log_bytes.size() == 2048);
    u32 expected_next = 48;
    for (const planned& p : sample_events) expected_next += 32 + static_cast<u32>(p.data.size());
    CHECK(load_le(view(log_bytes), 44, 4) == expected_next);

    const result<event_log> log = parse(log_bytes, event_log_format::txt12);
    REQUIRE(log);
    CHECK(log->container().container_size == 2048);
    CHECK(log->events_end() == expected_next);
    check_events_match(*log, banks, sample_events);

    pcr_bank_set pcrs;
    REQUIRE(replay(*log, pcrs));
    const auto ref = reference_replay(banks, sample_events);
    REQUIRE(pcrs.count == 1);
    for (u32 p = 0; p < 24; ++p) CHECK(hex(pcrs.banks[0].pcrs[p]) == hex(ref.at(hash_alg::sha1)[p].data(), 20));

    // Round trip from the parsed container.
    bytes_t again(2048, 0);
    log_writer w2(mview(again));
    REQUIRE(w2.init_txt12(log->container()));
    for (const event& e : *log) REQUIRE(w2.append(e));
    CHECK(again == log_bytes);
}

TEST_CASE("eventlog: TXT original TPM 2.0 format, one log per algorithm", "[eventlog]") {
    for (hash_alg a : {hash_alg::sha1, hash_alg::sha256, hash_alg::sha384, hash_alg::sha512}) {
        INFO("alg " << name(a));
        const bytes_t log_bytes = write_log(event_log_format::txt_tpm2, {a}, sample_events);
        // First record: TCG_PCR_EVENT {0, 3, zeros, 28} + "FRMT ID EVENT00\0", 1, DigestAlgID, DigestSize.
        bytes_t want = {0, 0, 0, 0, 3, 0, 0, 0};
        want.insert(want.end(), 20, 0);
        const bytes_t descr = {28, 0, 0, 0, 'F', 'R', 'M', 'T', ' ', 'I', 'D', ' ', 'E', 'V', 'E', 'N', 'T', '0', '0', 0,
                               1, 0, 0, 0, static_cast<u8>(txt_digest_alg_id(a)), 0, 0, 0,
                               static_cast<u8>(digest_size(a)), 0, 0, 0};
        want.insert(want.end(), descr.begin(), descr.end());
        REQUIRE(log_bytes.size() > 60);
        CHECK(hex(log_bytes.data(), 60) == hex(want.data(), 60));

        event_log_format detected{};
        REQUIRE(detect_event_log_format(view(log_bytes), detected));
        CHECK(detected == event_log_format::txt_tpm2);
        const result<event_log> log = parse(log_bytes, event_log_format::txt_tpm2);
        REQUIRE(log);
        check_events_match(*log, {a}, sample_events);

        bytes_t again(log_bytes.size(), 0);
        log_writer w(mview(again));
        REQUIRE(w.init_txt_tpm2(a));
        for (const event& e : *log) REQUIRE(w.append(e));
        CHECK(again == log_bytes);
    }
}

TEST_CASE("eventlog: original-format logs of one launch replay into one bank set", "[eventlog]") {
    pcr_bank_set pcrs;
    for (hash_alg a : {hash_alg::sha1, hash_alg::sha256}) {
        const bytes_t b = write_log(event_log_format::txt_tpm2, {a}, sample_events);
        const result<event_log> log = parse(b, event_log_format::txt_tpm2);
        REQUIRE(log);
        REQUIRE(replay(*log, pcrs));
    }
    REQUIRE(pcrs.count == 2);
    const auto ref = reference_replay({hash_alg::sha1, hash_alg::sha256}, sample_events);
    for (const pcr_bank& b : pcrs.banks) {
        if (b.digest_size == 0) continue;
        for (u32 p = 0; p < 24; ++p) CHECK(hex(b.pcrs[p]) == hex(ref.at(b.alg)[p].data(), b.digest_size));
    }
}

TEST_CASE("eventlog: detection by signature", "[eventlog]") {
    event_log_format f{};
    CHECK(detect_event_log_format(view(write_log(event_log_format::tcg, {hash_alg::sha256}, {})), f));
    CHECK(f == event_log_format::tcg);
    CHECK(detect_event_log_format(view(write_log(event_log_format::txt12, {hash_alg::sha1}, {}, 100)), f));
    CHECK(f == event_log_format::txt12);
    const bytes_t junk(100, 0);
    CHECK_FALSE(detect_event_log_format(view(junk), f));
    CHECK_FALSE(detect_event_log_format(byte_view(), f));
    CHECK(event_log_format_from_name("txt-tpm2", f));
    CHECK(f == event_log_format::txt_tpm2);
    CHECK_FALSE(event_log_format_from_name("txt", f));
}

// ---------------------------------------------------------------------------------------------
// Replay

TEST_CASE("eventlog: replay equals an independent OpenSSL computation in every bank", "[eventlog][replay]") {
    const std::vector<hash_alg> banks = {hash_alg::sha1, hash_alg::sha256, hash_alg::sha384, hash_alg::sha512};
    const bytes_t b = write_log(event_log_format::tcg, banks, sample_events);
    const result<event_log> log = parse(b);
    REQUIRE(log);
    for (const bool pre : {false, true}) {
        INFO("pre_launch " << pre);
        pcr_bank_set pcrs;
        REQUIRE(replay(*log, pcrs, {pre ? pcr_start::pre_launch : pcr_start::drtm}));
        const auto ref = reference_replay(banks, sample_events, pre);
        REQUIRE(pcrs.count == banks.size());
        for (u32 i = 0; i < pcrs.count; ++i) {
            const pcr_bank& bank = pcrs.banks[i];
            CHECK(bank.alg == banks[i]);
            CHECK(bank.computable);
            for (u32 p = 0; p < 24; ++p) {
                INFO("PCR " << p);
                CHECK(hex(bank.pcrs[p]) == hex(ref.at(bank.alg)[p].data(), bank.digest_size));
            }
            CHECK(bank.extends[17] == 3);  // HASH_START, kernel, initrd; EV_NO_ACTION is not extended
            CHECK(bank.extends[18] == 2);
            CHECK(bank.extends[19] == 1);
            CHECK(bank.extends[0] == 0);
        }
        const pcr_difference none = first_difference(pcrs, pcrs);
        CHECK_FALSE(none.found);
    }
}

TEST_CASE("eventlog: the swtpm known answer: PCR17 = H(0 || H(data)) after the hash sequence", "[eventlog][replay]") {
    // skinit-arm-tcg.md §D.1: swtpm_ioctl -h 1234 gives these (VERIFIED-RUN there).
    const bytes_t b = write_log(event_log_format::tcg, {hash_alg::sha1, hash_alg::sha256},
                                {{17, txt_evtype_hash_start, "1234", ""}});
    const result<event_log> log = parse(b);
    REQUIRE(log);
    pcr_bank_set pcrs;
    REQUIRE(replay(*log, pcrs));
    CHECK(hex(pcrs.find(hash_alg::sha256)->pcrs[17]) ==
          "fca5d649bfb0c922fd330f79b20043289dafd60d01a4c4373cf28adb56c9b454");
    CHECK(hex(pcrs.find(hash_alg::sha1)->pcrs[17]) == "97e976e4f22cd6d24afd212085ad7a86647f2ae5");
}

TEST_CASE("eventlog: StartupLocality sets PCR 0's start value; missing digests leave a bank alone", "[eventlog][replay]") {
    const std::vector<hash_alg> banks = {hash_alg::sha1, hash_alg::sha256};
    bytes_t buffer(4096, 0);
    log_writer w(mview(buffer));
    REQUIRE(w.init_tcg(banks.data(), 2));
    bytes_t sl = text("StartupLocality");
    sl.push_back(0);
    sl.push_back(3);
    REQUIRE(w.append_measurement(0, ev_no_action, {}, view(sl)));
    const bytes_t m = text("pcr0 measurement");
    REQUIRE(w.append_measurement(0, ev_post_code, view(m), {}));
    const bytes_t written(w.bytes().begin(), w.bytes().end());
    const result<event_log> log = parse(written);
    REQUIRE(log);
    pcr_bank_set pcrs;
    REQUIRE(replay(*log, pcrs));
    for (hash_alg a : banks) {
        bytes_t start(digest_size(a), 0);
        start.back() = 3;
        const bytes_t h = evp(a, text("pcr0 measurement"));
        start.insert(start.end(), h.begin(), h.end());
        CHECK(hex(pcrs.find(a)->pcrs[0]) == hex(evp(a, start).data(), digest_size(a)));
    }

    // A permissive log whose event carries only the SHA-256 digest: SHA-1 PCR 17 stays zero.
    bytes_t two = write_log(event_log_format::tcg, banks, {{17, sl_evtype_secure_launch, "x", "y"}});
    // Remove the SHA-1 TPMT_HA (22 bytes at first event + 12) and set count 1.
    two.erase(two.begin() + tcg2_first_event + 12, two.begin() + tcg2_first_event + 12 + 22);
    put32(two, tcg2_first_event + 8, 1);
    const result<event_log> strict = parse(two);
    REQUIRE_FALSE(strict);
    CHECK(strict.err().rule == std::string("LOG-9"));
    CHECK(strict.err().code == errc::count_mismatch);
    CHECK(strict.err().entry_index == 0);
    const result<event_log> lax = parse(two, event_log_format::tcg, mode::permissive);
    REQUIRE(lax);
    CHECK(lax->quirks().has(log_quirk::missing_bank_digest));
    pcr_bank_set p2;
    REQUIRE(replay(*lax, p2));
    CHECK(all_zero(p2.find(hash_alg::sha1)->pcrs[17].view()));
    CHECK(p2.find(hash_alg::sha1)->extends[17] == 0);
    CHECK(p2.find(hash_alg::sha256)->extends[17] == 1);
}

TEST_CASE("eventlog: kernel capped digest and first_difference", "[eventlog][replay]") {
    const digest c = capped_digest(hash_alg::sha384);
    CHECK(c.size() == 48);
    CHECK(c.bytes[0] == 1);
    CHECK(all_zero(byte_view(c.bytes + 1, 63)));

    // A bank slrt cannot compute gets the capped digest from the writer.
    const std::vector<hash_alg> banks = {hash_alg::sha256, hash_alg::sm3_256};
    const bytes_t b = write_log(event_log_format::tcg, banks, {{17, sl_evtype_secure_launch, "m", "l"}});
    const result<event_log> log = parse(b);
    REQUIRE(log);
    const event e = *log->begin();
    CHECK(*e.find(hash_alg::sm3_256) == capped_digest(hash_alg::sm3_256));
    pcr_bank_set pcrs;
    REQUIRE(replay(*log, pcrs));
    CHECK_FALSE(pcrs.find(hash_alg::sm3_256)->computable);

    pcr_bank_set expected;
    REQUIRE(expected.add(hash_alg::sha256, 32, pcr_start::drtm));
    pcr_bank& want = expected.banks[0];
    want.valid = (1u << 17) | (1u << 18);
    want.pcrs[17] = pcrs.find(hash_alg::sha256)->pcrs[17];
    CHECK_FALSE(first_difference(pcrs, expected).found);
    want.pcrs[18].bytes[0] = 1;
    pcr_difference d = first_difference(pcrs, expected);
    CHECK(d.found);
    CHECK(d.pcr == 18);
    CHECK(d.alg == hash_alg::sha256);
    REQUIRE(expected.add(hash_alg::sha1, 20, pcr_start::drtm));
    want.pcrs[18].bytes[0] = 0;
    d = first_difference(pcrs, expected);
    CHECK(d.found);
    CHECK(d.bank_missing);
    CHECK(d.alg == hash_alg::sha1);
}

// ---------------------------------------------------------------------------------------------
// Malformed logs

TEST_CASE("eventlog: truncated TCG headers", "[eventlog][malformed]") {
    const bytes_t good = write_log(event_log_format::tcg, {hash_alg::sha1, hash_alg::sha256}, sample_events);
    for (std::size_t cut : {std::size_t{0}, std::size_t{10}, std::size_t{31}}) {
        const result<event_log> r = parse(bytes_t(good.begin(), good.begin() + static_cast<long>(cut)));
        REQUIRE_FALSE(r);
        CHECK(r.err().code == errc::truncated_header);
        CHECK(r.err().rule == std::string("LOG-1"));
        CHECK(r.err().entry_index == no_entry);
    }
    const result<event_log> r = parse(bytes_t(good.begin(), good.begin() + 50));
    REQUIRE_FALSE(r);
    CHECK(r.err().rule == std::string("LOG-1"));
    CHECK(r.err().offset == 28);  // EventSize
}

TEST_CASE("eventlog: malformed TCG headers name the field", "[eventlog][malformed]") {
    const bytes_t good = write_log(event_log_format::tcg, {hash_alg::sha1, hash_alg::sha256}, sample_events);
    struct bad {
        const char* what;
        std::size_t at;
        u32 width;
        u32 value;
        const char* rule;
        errc code;
        u32 offset;
    };
    const bad cases[] = {
        {"PCR 1", 0, 4, 1, "LOG-2", errc::bad_magic, 0},
        {"type EV_POST_CODE", 4, 4, 1, "LOG-2", errc::bad_magic, 4},
        {"digest byte", 12, 1, 7, "LOG-2", errc::bad_magic, 12},
        {"signature", 32 + 14, 1, '2', "LOG-3", errc::bad_magic, 32},
        {"no algorithms", 32 + 0x18, 4, 0, "LOG-4", errc::value_out_of_range, 32 + 0x18},
        {"nine algorithms", 32 + 0x18, 4, 9, "LOG-4", errc::value_out_of_range, 32 + 0x18},
        {"SHA-1 size 32", 32 + 0x1c + 2, 2, 32, "LOG-5", errc::digest_size_mismatch, 32 + 0x1c + 2},
        {"SHA-1 twice", 32 + 0x1c + 4, 4, 0x00140004, "LOG-17", errc::duplicate_entry, 32 + 0x1c + 4},
        {"vendorInfoSize 1", 32 + 0x1c + 8, 1, 1, "LOG-7", errc::entry_size_mismatch, 32 + 0x1c + 8},
        {"EventSize 20", 28, 4, 20, "LOG-7", errc::entry_size_mismatch, 28},
    };
    for (const bad& c : cases) {
        INFO(c.what);
        bytes_t b = good;
        store_le(mview(b), c.at, c.width, c.value);
        const result<event_log> r = parse(b);
        REQUIRE_FALSE(r);
        CHECK(r.err().rule == std::string(c.rule));
        CHECK(r.err().code == c.code);
        CHECK(r.err().offset == c.offset);
        CHECK(r.err().entry_index == no_entry);
        // Header problems are framing: permissive mode refuses them too.
        CHECK_FALSE(parse(b, event_log_format::tcg, mode::permissive));
    }
}

TEST_CASE("eventlog: an unknown algorithm in the Spec ID table", "[eventlog][malformed]") {
    // SHA3-256 (0x0027, 32 bytes) in place of SHA-256: not known to slrt.
    bytes_t b = write_log(event_log_format::tcg, {hash_alg::sha1, hash_alg::sha256}, sample_events);
    put16(b, 32 + 0x1c + 4, 0x0027);
    // ... and in every event (second TPMT_HA).
    u32 at = tcg2_first_event;
    for (const planned& p : sample_events) {
        put16(b, at + 12 + 22, 0x0027);
        at += 12 + 22 + 34 + 4 + static_cast<u32>(p.data.size());
    }
    const result<event_log> strict = parse(b);
    REQUIRE_FALSE(strict);
    CHECK(strict.err().rule == std::string("LOG-6"));
    CHECK(strict.err().code == errc::unknown_algorithm);
    CHECK(strict.err().value == 0x27);
    const result<event_log> lax = parse(b, event_log_format::tcg, mode::permissive);
    REQUIRE(lax);
    CHECK(lax->quirks().has(log_quirk::unknown_algorithm));
    CHECK(lax->event_count() == sample_events.size());
    pcr_bank_set pcrs;
    REQUIRE(replay(*lax, pcrs));
    REQUIRE(pcrs.count == 2);
    CHECK(pcrs.banks[0].computable);
    CHECK_FALSE(pcrs.banks[1].computable);
    CHECK(pcrs.banks[1].digest_size == 32);
    CHECK(pcrs.banks[1].extends[17] == 3);
    // The digests of the unknown bank are carried byte for byte.
    const event e = *lax->begin();
    CHECK(hex(e.find(static_cast<hash_alg>(0x27))->bytes, 32) ==
          hex(evp(hash_alg::sha256, text(sample_events[0].measured)).data(), 32));
}

TEST_CASE("eventlog: malformed TCG events stop the parse with the event index", "[eventlog][malformed]") {
    const bytes_t good = write_log(event_log_format::tcg, {hash_alg::sha1, hash_alg::sha256}, sample_events);
    const u32 e0 = tcg2_first_event;
    const u32 e1 = e0 + 12 + 22 + 34 + 4 + static_cast<u32>(sample_events[0].data.size());
    SECTION("count > numberOfAlgorithms") {
        bytes_t b = good;
        put32(b, e1 + 8, 3);
        for (mode m : {mode::strict, mode::permissive}) {
            const result<event_log> r = parse(b, event_log_format::tcg, m);
            REQUIRE_FALSE(r);
            CHECK(r.err().rule == std::string("LOG-9"));
            CHECK(r.err().code == errc::count_mismatch);
            CHECK(r.err().entry_index == 1);
            CHECK(r.err().offset == e1 + 8);
            CHECK(r.err().value == 3);
            CHECK(r.err().limit == 2);
        }
    }
    SECTION("digest algorithm not in the header") {
        bytes_t b = good;
        put16(b, e1 + 12, 0x000c);  // SHA-384
        const result<event_log> r = parse(b, event_log_format::tcg, mode::permissive);
        REQUIRE_FALSE(r);
        CHECK(r.err().rule == std::string("LOG-10"));
        CHECK(r.err().code == errc::unknown_algorithm);
        CHECK(r.err().entry_index == 1);
        CHECK(r.err().offset == e1 + 12);
    }
    SECTION("one algorithm twice") {
        bytes_t b = good;
        put16(b, e1 + 12 + 22, 0x0004);  // second digest claims SHA-1 again (34 bytes no longer line up)
        const result<event_log> r = parse(b, event_log_format::tcg, mode::permissive);
        REQUIRE_FALSE(r);
        CHECK(r.err().rule == std::string("LOG-11"));
        CHECK(r.err().code == errc::duplicate_entry);
    }
    SECTION("EventSize past the end") {
        bytes_t b = good;
        const u32 size_at = e1 + 12 + 22 + 34;
        put32(b, size_at, 0x10000);
        const result<event_log> r = parse(b, event_log_format::tcg, mode::permissive);
        REQUIRE_FALSE(r);
        CHECK(r.err().rule == std::string("LOG-12"));
        CHECK(r.err().code == errc::entry_exceeds_table);
        CHECK(r.err().offset == size_at);
        CHECK(r.err().entry_index == 1);
    }
    SECTION("log cut inside the last event") {
        const bytes_t b(good.begin(), good.end() - 3);
        const result<event_log> r = parse(b);
        REQUIRE_FALSE(r);
        CHECK(r.err().rule == std::string("LOG-12"));
        CHECK(r.err().entry_index == sample_events.size() - 1);
    }
    SECTION("log cut inside an event header") {
        bytes_t b(good.begin(), good.begin() + e1 + 5);
        const result<event_log> r = parse(b);
        REQUIRE_FALSE(r);
        CHECK(r.err().rule == std::string("LOG-8"));
        CHECK(r.err().code == errc::entry_header_truncated);
        CHECK(r.err().offset == e1);
    }
}

TEST_CASE("eventlog: PCR 30 is an error when strict, a quirk when permissive", "[eventlog][malformed]") {
    bytes_t b = write_log(event_log_format::tcg, {hash_alg::sha1, hash_alg::sha256}, sample_events);
    const u32 e1 = tcg2_first_event + 12 + 22 + 34 + 4 + static_cast<u32>(sample_events[0].data.size());
    put32(b, e1, 30);
    const result<event_log> strict = parse(b);
    REQUIRE_FALSE(strict);
    CHECK(strict.err().rule == std::string("LOG-13"));
    CHECK(strict.err().code == errc::pcr_out_of_range);
    CHECK(strict.err().entry_index == 1);
    CHECK(strict.err().offset == e1);
    CHECK(strict.err().value == 30);
    char line[200];
    format_error(strict.err(), line, sizeof line);
    CHECK(std::string(line).find("LOG-13 pcr_out_of_range at byte") == 0);

    const result<event_log> lax = parse(b, event_log_format::tcg, mode::permissive);
    REQUIRE(lax);
    REQUIRE(lax->quirks().count == 1);
    CHECK(lax->quirks().hits[0].id == log_quirk::pcr_out_of_range);
    CHECK(lax->quirks().hits[0].entry_index == 1);
    CHECK(lax->quirks().hits[0].offset == e1);
    CHECK(lax->event_count() == sample_events.size());
    // Replay skips the event: PCR 17 holds the other two extends.
    std::vector<planned> without = sample_events;
    without.erase(without.begin() + 1);
    pcr_bank_set pcrs;
    REQUIRE(replay(*lax, pcrs));
    const auto ref = reference_replay({hash_alg::sha1, hash_alg::sha256}, without);
    CHECK(hex(pcrs.find(hash_alg::sha256)->pcrs[17]) == hex(ref.at(hash_alg::sha256)[17].data(), 32));

    // TXT_EVTYPE_PCRMAPPING is logged with PCR 0xFF in strict logs and never extended.
    bytes_t m = write_log(event_log_format::tcg, {hash_alg::sha256}, {{17, txt_evtype_pcrmapping, "", "\x01"}});
    put32(m, 32 + 0x1d + 4, 0xff);
    REQUIRE(parse(m));
}

TEST_CASE("eventlog: a zero tail ends the log; nonzero bytes after an end record are garbage", "[eventlog][malformed]") {
    const bytes_t good = write_log(event_log_format::tcg, {hash_alg::sha1, hash_alg::sha256}, sample_events);
    for (std::size_t tail : {std::size_t{1}, std::size_t{3}, std::size_t{16}, std::size_t{4096}}) {
        bytes_t b = good;
        b.insert(b.end(), tail, 0);
        const result<event_log> r = parse(b);  // strict accepts the securityfs shape
        REQUIRE(r);
        CHECK(r->quirks().empty());
        CHECK(r->event_count() == sample_events.size());
        CHECK(r->tail_size() == tail);
        CHECK(r->events_end() == good.size());
    }
    bytes_t b = good;
    b.insert(b.end(), 64, 0);
    b.back() = 0x5a;
    const result<event_log> strict = parse(b);
    REQUIRE_FALSE(strict);
    CHECK(strict.err().rule == std::string("LOG-14"));
    CHECK(strict.err().code == errc::trailing_bytes);
    CHECK(strict.err().offset == good.size());
    CHECK(strict.err().entry_index == sample_events.size());
    const result<event_log> lax = parse(b, event_log_format::tcg, mode::permissive);
    REQUIRE(lax);
    CHECK(lax->quirks().has(log_quirk::trailing_garbage));
    CHECK(lax->event_count() == sample_events.size());
    CHECK(lax->tail_size() == 64);

    // A short nonzero tail is a truncated record, in every mode.
    b = good;
    b.push_back(1);
    CHECK(parse(b, event_log_format::tcg, mode::permissive).err().rule == std::string("LOG-8"));
}

TEST_CASE("eventlog: EV_NO_ACTION with a digest, extra Spec ID bytes", "[eventlog][malformed]") {
    bytes_t b = write_log(event_log_format::tcg, {hash_alg::sha256}, {{17, ev_no_action, "", "marker"}});
    b[32 + 0x1d + 4 + 12 + 2] = 0x99;  // the digest's first byte
    const result<event_log> strict = parse(b);
    REQUIRE_FALSE(strict);
    CHECK(strict.err().rule == std::string("LOG-15"));
    const result<event_log> lax = parse(b, event_log_format::tcg, mode::permissive);
    REQUIRE(lax);
    CHECK(lax->quirks().has(log_quirk::no_action_digest_nonzero));
    pcr_bank_set pcrs;
    REQUIRE(replay(*lax, pcrs));
    CHECK(pcrs.banks[0].extends[17] == 0);

    // EventSize larger than the Spec ID event: one padding byte before the first event.
    bytes_t h = write_log(event_log_format::tcg, {hash_alg::sha256}, {});
    h.push_back(0);
    put32(h, 28, static_cast<u32>(load_le(view(h), 28, 4) + 1));
    CHECK(parse(h).err().rule == std::string("LOG-7"));
    const result<event_log> hl = parse(h, event_log_format::tcg, mode::permissive);
    REQUIRE(hl);
    CHECK(hl->quirks().has(log_quirk::header_trailing_bytes));
    CHECK(hl->events_offset() == h.size());
}

TEST_CASE("eventlog: malformed TXT containers", "[eventlog][malformed]") {
    bytes_t buffer(1024, 0);
    log_writer w(mview(buffer));
    REQUIRE(w.init_txt12(512));
    const bytes_t m = text("x"), d = text("label");
    REQUIRE(w.append_measurement(17, sl_evtype_secure_launch, view(m), view(d)));
    const bytes_t good(w.bytes().begin(), w.bytes().end());
    REQUIRE(parse(good, event_log_format::txt12));
    const u32 next = 48 + 32 + 5;

    auto expect = [](const bytes_t& b, const char* rule, errc code, bool permissive_too) {
        const result<event_log> r = parse(b, event_log_format::txt12);
        REQUIRE_FALSE(r);
        CHECK(r.err().rule == std::string(rule));
        CHECK(r.err().code == code);
        CHECK(static_cast<bool>(parse(b, event_log_format::txt12, mode::permissive)) == !permissive_too);
    };
    expect(bytes_t(good.begin(), good.begin() + 47), "LOG-20", errc::truncated_header, true);
    bytes_t b = good;
    b[0] = 't';
    expect(b, "LOG-21", errc::bad_magic, true);
    b = good;
    b[32] = 2;
    expect(b, "LOG-22", errc::bad_revision, true);
    b = good;
    b[25] = 1;
    expect(b, "LOG-23", errc::reserved_nonzero, false);
    expect(bytes_t(good.begin(), good.begin() + 200), "LOG-24", errc::size_exceeds_buffer, false);
    b = good;
    put32(b, 40, 40);
    expect(b, "LOG-25", errc::size_too_small, true);
    b = good;
    put32(b, 44, 47);
    expect(b, "LOG-26", errc::value_out_of_range, true);
    b = good;
    put32(b, 44, 513);
    expect(b, "LOG-26", errc::value_out_of_range, true);
    b = good;
    put32(b, 44, next - 1);  // NextEventOffset cuts the event
    expect(b, "LOG-12", errc::entry_exceeds_table, true);
    b = good;
    put32(b, 44, next + 10);  // 10 bytes that are no record
    expect(b, "LOG-8", errc::entry_header_truncated, true);
    b = bytes_t(good.begin(), good.begin() + 60);  // ContainerSize 512 and the events past 60 bytes
    expect(b, "LOG-24", errc::size_exceeds_buffer, true);
    CHECK(parse(b, event_log_format::txt12, mode::permissive).err().rule == std::string("LOG-27"));

    // PCREventsOffset beyond 48: the gap is skipped (permissive).
    b = good;
    b.insert(b.begin() + 48, 8, 0xee);
    put32(b, 40, 56);
    put32(b, 44, next + 8);
    put32(b, 36, 520);
    expect(b, "LOG-25", errc::value_out_of_range, false);
    const result<event_log> lax = parse(b, event_log_format::txt12, mode::permissive);
    REQUIRE(lax);
    CHECK(lax->quirks().has(log_quirk::events_offset_not_48));
    CHECK(lax->event_count() == 1);
}

TEST_CASE("eventlog: malformed original-format TPM 2.0 logs", "[eventlog][malformed]") {
    const bytes_t good = write_log(event_log_format::txt_tpm2, {hash_alg::sha256}, sample_events);
    struct bad {
        std::size_t at;
        u32 value;
        const char* rule;
        errc code;
    };
    const bad cases[] = {
        {28, 27, "LOG-32", errc::entry_size_mismatch},  {32, 'f', "LOG-31", errc::bad_magic},
        {48, 2, "LOG-33", errc::bad_revision},          {52, 6, "LOG-34", errc::unknown_algorithm},
        {52, 1, "LOG-35", errc::digest_size_mismatch},  {56, 20, "LOG-35", errc::digest_size_mismatch},
        {4, 4, "LOG-31", errc::bad_magic},
    };
    for (const bad& c : cases) {
        INFO(c.rule << " at " << c.at);
        bytes_t b = good;
        if (c.at == 32)
            b[32] = static_cast<u8>(c.value);
        else
            put32(b, c.at, c.value);
        const result<event_log> r = parse(b, event_log_format::txt_tpm2, mode::permissive);
        REQUIRE_FALSE(r);
        CHECK(r.err().rule == std::string(c.rule));
        CHECK(r.err().code == c.code);
    }
    CHECK(parse(bytes_t(good.begin(), good.begin() + 20), event_log_format::txt_tpm2).err().rule ==
          std::string("LOG-30"));
    // A zero record, then more: trailing garbage.
    bytes_t b = good;
    b.insert(b.end(), 12 + 32, 0);
    b.push_back(1);
    CHECK(parse(b, event_log_format::txt_tpm2).err().rule == std::string("LOG-14"));
    REQUIRE(parse(b, event_log_format::txt_tpm2, mode::permissive));

    // The descriptor in the TXT heap names the log inside its buffer.
    bytes_t heap(24, 0);
    txt_log_descriptor d;
    d.alg = hash_alg::sha256;
    d.physical_address = 0x7f000000;
    d.allocated_event_container_size = static_cast<u32>(good.size());
    d.next_record_offset = static_cast<u32>(good.size());
    encode_heap_event_log_descr(mview(heap), d);
    const txt_log_descriptor back = decode_heap_event_log_descr(view(heap));
    CHECK(back.alg == hash_alg::sha256);
    CHECK(back.physical_address == 0x7f000000);
    CHECK(load_le(view(heap), 12, 4) == good.size());
    const result<byte_view> region = txt_log_bytes(back, view(good));
    REQUIRE(region);
    CHECK(region->size() == good.size());
    d.next_record_offset = static_cast<u32>(good.size() + 1);
    CHECK(txt_log_bytes(d, view(good)).err().rule == std::string("LOG-36"));
}

// ---------------------------------------------------------------------------------------------
// The writer

TEST_CASE("eventlog: a full buffer refuses the record and keeps its bytes", "[eventlog][writer]") {
    const std::vector<hash_alg> banks = {hash_alg::sha1, hash_alg::sha256};
    const bytes_t m = text("measured"), label = text("label");
    for (event_log_format f : {event_log_format::tcg, event_log_format::txt12, event_log_format::txt_tpm2}) {
        INFO(name(f));
        bytes_t buffer(300, 0xcc);
        log_writer w(mview(buffer));
        REQUIRE((f == event_log_format::tcg      ? w.init_tcg(banks.data(), 2)
                 : f == event_log_format::txt12 ? w.init_txt12()
                                                : w.init_txt_tpm2(hash_alg::sha256)));
        u32 appended = 0;
        for (;;) {
            const bytes_t before = buffer;
            const u32 size_before = w.size();
            const result<u32> r = w.append_measurement(17, sl_evtype_secure_launch, view(m), view(label));
            if (r) {
                ++appended;
                continue;
            }
            CHECK(r.err().code == errc::table_full);
            CHECK(r.err().rule == std::string("LOG-40"));
            CHECK(r.err().entry_index == appended);
            CHECK(buffer == before);
            CHECK(w.size() == size_before);
            break;
        }
        CHECK(appended > 0);
        const bytes_t written(w.bytes().begin(), w.bytes().end());
        const result<event_log> log = parse(written, f);
        REQUIRE(log);
        CHECK(log->event_count() == appended);
    }
    // init into a buffer too small for the header leaves it alone as well.
    bytes_t tiny(40, 0xcc);
    log_writer w(mview(tiny));
    const result<u32> before_init = w.append_measurement(17, 0x502, view(m), view(label));
    CHECK(before_init.err().rule == std::string("LOG-42"));
    CHECK(w.init_tcg(banks.data(), 2).err().rule == std::string("LOG-40"));
    CHECK(w.init_txt12().err().rule == std::string("LOG-42"));
    CHECK(w.init_txt_tpm2(hash_alg::sha1).err().rule == std::string("LOG-40"));
    CHECK(tiny == bytes_t(40, 0xcc));
}

TEST_CASE("eventlog: the writer refuses what a strict parse would", "[eventlog][writer]") {
    bytes_t buffer(4096, 0);
    log_writer w(mview(buffer));
    const hash_alg unknown = static_cast<hash_alg>(0x27);
    CHECK(w.init_tcg(&unknown, 1).err().rule == std::string("LOG-41"));
    const hash_alg twice[] = {hash_alg::sha256, hash_alg::sha256};
    CHECK(w.init_tcg(twice, 2).err().rule == std::string("LOG-42"));
    CHECK(w.init_tcg(twice, 0).err().rule == std::string("LOG-42"));
    const bytes_t vendor(256, 1);
    tcg_header_options o;
    o.vendor_info = view(vendor);
    CHECK(w.init_tcg(twice, 1, o).err().rule == std::string("LOG-42"));
    CHECK(w.init_txt_tpm2(unknown).err().rule == std::string("LOG-41"));

    const hash_alg banks[] = {hash_alg::sha1, hash_alg::sha256};
    REQUIRE(w.init_tcg(banks, 2));
    digest d[3] = {hash(hash_alg::sha1, {}), hash(hash_alg::sha256, {}), hash(hash_alg::sha384, {})};
    CHECK(w.append(17, 0x502, d, 1, {}).err().rule == std::string("LOG-43"));
    CHECK(w.append(17, 0x502, d + 1, 2, {}).err().code == errc::unknown_algorithm);
    digest same[2] = {d[1], d[1]};
    CHECK(w.append(17, 0x502, same, 2, {}).err().code == errc::duplicate_entry);
    CHECK(w.append(24, 0x502, d, 2, {}).err().rule == std::string("LOG-44"));
    CHECK(w.append(17, ev_no_action, d, 2, {}).err().rule == std::string("LOG-45"));
    REQUIRE(w.append(17, 0x502, d, 2, {}));
    REQUIRE(w.append(0xff, txt_evtype_pcrmapping, d, 2, {}));  // TXT's PCR-mapping event, PCR 0xFF
    CHECK(w.event_count() == 2);
    REQUIRE(parse(bytes_t(w.bytes().begin(), w.bytes().end())));

    bytes_t b2(4096, 0);
    log_writer w2(mview(b2));
    REQUIRE(w2.init_txt_tpm2(hash_alg::sha256));
    const digest zero{hash_alg::sha256, {}};
    CHECK(w2.append(0, 0, &zero, 1, {}).err().rule == std::string("LOG-47"));
    CHECK(w2.append(0, 0, d, 1, {}).err().rule == std::string("LOG-43"));  // no SHA-256 digest in the list
}

TEST_CASE("eventlog: attach continues a parsed log in place", "[eventlog][writer]") {
    const std::vector<hash_alg> banks = {hash_alg::sha1, hash_alg::sha256};
    const std::vector<planned> first(sample_events.begin(), sample_events.begin() + 3);
    const std::vector<planned> second(sample_events.begin() + 3, sample_events.end());
    for (event_log_format f : {event_log_format::tcg, event_log_format::txt12}) {
        INFO(name(f));
        const std::vector<hash_alg> b = f == event_log_format::tcg ? banks : std::vector<hash_alg>{hash_alg::sha1};
        bytes_t buffer = write_log(f, b, first, 16384);
        buffer.resize(16384, 0);  // the zero tail a securityfs read shows
        const result<event_log> log = parse_event_log(view(buffer), {f, mode::strict});
        REQUIRE(log);
        log_writer w(mview(buffer));
        REQUIRE(w.attach(*log));
        for (const planned& p : second) {
            const bytes_t m = text(p.measured), d = text(p.data);
            REQUIRE(w.append_measurement(p.pcr, p.type, view(m), view(d)));
        }
        const result<event_log> all = parse_event_log(view(buffer), {f, mode::strict});
        REQUIRE(all);
        check_events_match(*all, b, sample_events);
        CHECK(bytes_t(w.bytes().begin(), w.bytes().end()) == write_log(f, b, sample_events, 16384));
    }
}

// ---------------------------------------------------------------------------------------------
// Compile time

namespace {
constexpr bool compile_time_round_trip() {
    u8 buffer[512] = {};
    log_writer w(mutable_byte_view(buffer, sizeof buffer));
    const hash_alg banks[] = {hash_alg::sha256};
    if (!w.init_tcg(banks, 1)) return false;
    const u8 measured[] = {'a', 'b', 'c'};
    const u8 label[] = {'x'};
    if (!w.append_measurement(17, sl_evtype_secure_launch, byte_view(measured), byte_view(label))) return false;
    const result<event_log> log = parse_event_log(byte_view(buffer, sizeof buffer));
    if (!log || log->event_count() != 1 || log->tail_size() != sizeof buffer - w.size()) return false;
    pcr_bank_set pcrs;
    if (!replay(*log, pcrs)) return false;
    // SHA256(0^32 || SHA256("abc")) first byte, computed with OpenSSL: see the runtime check below.
    return pcrs.banks[0].extends[17] == 1 && pcrs.banks[0].pcrs[17].bytes[0] != 0;
}
static_assert(event_type_name(sl_evtype_secure_launch) != nullptr);
static_assert(event_type_name(0x4ff)[0] == 'T');
static_assert(!extends_pcr(ev_no_action) && extends_pcr(0x502));
}  // namespace

TEST_CASE("eventlog: write, parse and replay in constant evaluation", "[eventlog]") {
    STATIC_REQUIRE(compile_time_round_trip());
    u32 t = 0;
    CHECK(event_type_from_name("SL_EVTYPE_SECURE_LAUNCH", t));
    CHECK(t == 0x502);
    CHECK(std::string(event_type_name(ev_no_action)) == "EV_NO_ACTION");
    CHECK(event_type_name(0x12345) == nullptr);
    CHECK(std::string(name(log_quirk::trailing_garbage)) == "trailing_garbage");
}

// ---------------------------------------------------------------------------------------------
// tpm2_eventlog cross-check

namespace {

using slrt::test::tpm2_eventlog_pcrs;

std::string run(const std::string& command) {
    std::string out;
    FILE* p = popen(command.c_str(), "r");
    if (!p) return out;
    char chunk[4096];
    std::size_t n;
    while ((n = std::fread(chunk, 1, sizeof chunk, p)) > 0) out.append(chunk, n);
    pclose(p);
    return out;
}

// Writes `b` to a temporary file and returns tpm2_eventlog's pcrs section for it.
std::map<std::string, std::map<u32, std::string>> tpm2_eventlog_on(const char* tool, const bytes_t& b,
                                                                   std::string& yaml) {
    char path[] = "/tmp/slrt-eventlog-XXXXXX";
    const int fd = mkstemp(path);
    REQUIRE(fd >= 0);
    REQUIRE(write(fd, b.data(), b.size()) == static_cast<ssize_t>(b.size()));
    close(fd);
    yaml = run(std::string(tool) + " " + path + " 2>&1");
    std::remove(path);
    return tpm2_eventlog_pcrs(yaml);
}

}  // namespace

// tpm2-tools 5.4 (Debian 12) extends EV_NO_ACTION events with their zero digests, unlike the
// TCG rule and later tpm2-tools (skinit-arm-tcg.md §C.8, §C.10). A log without EV_NO_ACTION
// events must agree exactly; with them, the test accepts either our value or the one 5.4
// computes (every EV_NO_ACTION extended), and says which it saw.
TEST_CASE("eventlog: replay agrees with tpm2_eventlog's pcrs section", "[eventlog][tpm2_eventlog]") {
    const char* tool = "/usr/bin/tpm2_eventlog";
    if (access(tool, X_OK) != 0) {
        WARN("tpm2_eventlog is not installed (tpm2-tools): cross-check skipped");
        return;
    }
    const std::vector<std::vector<hash_alg>> bank_sets = {
        {hash_alg::sha256},
        {hash_alg::sha1, hash_alg::sha256},
        {hash_alg::sha1, hash_alg::sha256, hash_alg::sha384, hash_alg::sha512},
    };
    const std::vector<planned> no_markers = [] {
        std::vector<planned> v;
        for (const planned& p : sample_events)
            if (p.type != ev_no_action) v.push_back(p);
        return v;
    }();
    bool saw_54_behaviour = false;
    for (const std::vector<planned>* events : {&no_markers, &sample_events}) {
        for (const auto& banks : bank_sets) {
            INFO("banks " << banks.size() << ", " << events->size() << " events");
            const bytes_t b = write_log(event_log_format::tcg, banks, *events);
            std::string yaml;
            const auto theirs = tpm2_eventlog_on(tool, b, yaml);
            INFO(yaml);
            const result<event_log> log = parse(b);
            REQUIRE(log);
            pcr_bank_set ours;
            REQUIRE(replay(*log, ours));
            // What 5.4 computes: every event extended, EV_NO_ACTION included.
            pcr_bank_set extended_all;
            for (hash_alg a : banks) REQUIRE(extended_all.add(a, digest_size(a), pcr_start::drtm));
            for (const event e : *log)
                for (u32 i = 0; i < e.digest_count; ++i) {
                    pcr_bank* bank = extended_all.find(e.digests[i].alg);
                    bank->pcrs[e.pcr] = extend_pcr(bank->pcrs[e.pcr], e.digests[i]);
                }
            REQUIRE(theirs.size() == banks.size());
            u32 compared = 0;
            for (const auto& [bank_name, pcrs] : theirs) {
                hash_alg a{};
                REQUIRE(hash_alg_from_name(bank_name.c_str(), a));
                const pcr_bank* mine = ours.find(a);
                REQUIRE(mine != nullptr);
                for (const auto& [pcr, value] : pcrs) {
                    INFO(bank_name << " PCR " << pcr);
                    REQUIRE(pcr < 24);
                    const std::string expected = hex(mine->pcrs[pcr]);
                    if (events == &no_markers || value == expected) {
                        CHECK(value == expected);
                    } else {
                        CHECK(value == hex(extended_all.find(a)->pcrs[pcr]));
                        saw_54_behaviour = true;
                    }
                    ++compared;
                }
                CHECK(pcrs.size() == 3);  // the PCRs that received events: 17, 18, 19
            }
            CHECK(compared == 3 * banks.size());
        }
    }
    if (saw_54_behaviour)
        WARN("tpm2_eventlog extends EV_NO_ACTION events (tpm2-tools 5.4 behaviour); slrt does not, per TCG");
}

// ---------------------------------------------------------------------------------------------
// eventlog-tool: exit codes, the JSON forms, whole-or-nothing outputs

#ifdef SLRT_EVENTLOG_TOOL
namespace {

struct tool_run {
    int status;
    std::string out;
    std::string err;
};

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

struct scratch_dir {
    std::string path;
    scratch_dir() {
        char tmpl[] = "/tmp/slrt-evtool-XXXXXX";
        REQUIRE(mkdtemp(tmpl) != nullptr);
        path = tmpl;
    }
    ~scratch_dir() { (void)std::system(("rm -rf " + path).c_str()); }
    std::string operator/(const std::string& name) const { return path + "/" + name; }
};

tool_run eventlog_tool(const scratch_dir& dir, const std::string& args) {
    const std::string out = dir / "stdout", err = dir / "stderr";
    const int raw = std::system((std::string(SLRT_EVENTLOG_TOOL) + " " + args + " >" + out + " 2>" + err).c_str());
    return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, slurp(out), slurp(err)};
}

void put_file(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

}  // namespace

TEST_CASE("eventlog: eventlog-tool writes, parses, replays and verifies", "[eventlog][tool]") {
    scratch_dir dir;
    put_file(dir / "plan.json", R"({"format": "tcg", "banks": ["sha1", "sha256"], "size": 2048, "events": [
        {"pcr": 17, "type": "TXT_EVTYPE_HASH_START", "data": "DRTM hash start", "measure": "1234"},
        {"pcr": 17, "type": "0x502", "data": "Linux kernel", "measure": "0x00112233"},
        {"pcr": 18, "data": "Measured SLR Table"},
        {"pcr": 17, "type": 3, "data": "marker"}]})");
    tool_run r = eventlog_tool(dir, "write " + dir / "plan.json" + " -o " + dir / "log.bin");
    INFO(r.err);
    REQUIRE(r.status == 0);
    const std::string log = slurp(dir / "log.bin");
    REQUIRE(log.size() == 2048);  // the zero tail "size" asked for

    // The same log through the library: the tool is a thin layer.
    const bytes_t b(log.begin(), log.end());
    const result<event_log> parsed = parse(b);
    REQUIRE(parsed);
    CHECK(parsed->event_count() == 4);
    CHECK(parsed->tail_size() > 0);
    pcr_bank_set pcrs;
    REQUIRE(replay(*parsed, pcrs));
    CHECK(hex(pcrs.find(hash_alg::sha256)->pcrs[17]).size() == 64);

    r = eventlog_tool(dir, "parse " + dir / "log.bin");
    REQUIRE(r.status == 0);
    CHECK(r.out.find("\"type_name\": \"SL_EVTYPE_SECURE_LAUNCH\"") != std::string::npos);
    CHECK(r.out.find("\"text\": \"Measured SLR Table\"") != std::string::npos);

    r = eventlog_tool(dir, "replay " + dir / "log.bin");
    REQUIRE(r.status == 0);
    CHECK(r.out.find("\"17\": \"" + hex(pcrs.find(hash_alg::sha256)->pcrs[17]) + "\"") != std::string::npos);
    put_file(dir / "pcrs.json", r.out);
    r = eventlog_tool(dir, "verify " + dir / "log.bin" + " --pcrs " + dir / "pcrs.json");
    CHECK(r.status == 0);
    CHECK(r.out.find("ok: 48 PCR values in 2 banks") != std::string::npos);

    // A PCR that differs: exit 1, naming the PCR and the events that extended it.
    put_file(dir / "other.json", "{\"sha256\": {\"18\": \"0x" + std::string(64, 'A') + "\"}}");
    r = eventlog_tool(dir, "verify " + dir / "log.bin" + " --pcrs " + dir / "other.json");
    CHECK(r.status == 1);
    CHECK(r.err.find("PCR 18 (sha256) differs") != std::string::npos);
    CHECK(r.err.find("\"Measured SLR Table\"") != std::string::npos);
    CHECK(r.err.find("Linux kernel") == std::string::npos);  // a PCR 17 event
    put_file(dir / "bad.json", "{\"sha256\": {\"24\": \"00\"}}");
    CHECK(eventlog_tool(dir, "verify " + dir / "log.bin" + " --pcrs " + dir / "bad.json").status == 2);
}

TEST_CASE("eventlog: eventlog-tool exit codes and whole-or-nothing output", "[eventlog][tool]") {
    scratch_dir dir;
    put_file(dir / "out.bin", "previous contents");
    put_file(dir / "pcr30.json", R"({"events": [{"pcr": 17, "data": "a"}, {"pcr": 30, "data": "b"}]})");
    tool_run r = eventlog_tool(dir, "write " + dir / "pcr30.json" + " -o " + dir / "out.bin");
    CHECK(r.status == 1);
    CHECK(r.err.find("/events/1: LOG-44") != std::string::npos);
    CHECK(slurp(dir / "out.bin") == "previous contents");
    CHECK(access((dir / "out.bin.tmp").c_str(), F_OK) != 0);

    put_file(dir / "bad.json", R"({"events": [{"pcr": "seventeen"}]})");
    r = eventlog_tool(dir, "write " + dir / "bad.json" + " -o " + dir / "out.bin");
    CHECK(r.status == 2);
    CHECK(r.err.find("/events/0/pcr") != std::string::npos);
    put_file(dir / "broken.json", "{");
    CHECK(eventlog_tool(dir, "write " + dir / "broken.json").status == 2);
    CHECK(eventlog_tool(dir, "parse " + dir / "missing.bin").status == 2);
    CHECK(eventlog_tool(dir, "frobnicate").status == 2);

    // A device is written in place, never renamed over.
    put_file(dir / "ok.json", R"({"format": "txt12", "events": [{"pcr": 18, "data": "x"}]})");
    r = eventlog_tool(dir, "write " + dir / "ok.json" + " -o /dev/null");
    CHECK(r.status == 0);
    struct stat st {};
    REQUIRE(stat("/dev/null", &st) == 0);
    CHECK(S_ISCHR(st.st_mode));

    // Framing errors exit 1 in both modes; PCR 30 only without --permissive.
    bytes_t log = write_log(event_log_format::tcg, {hash_alg::sha256}, sample_events);
    put_file(dir / "cut.bin", std::string(log.begin(), log.end() - 5));
    CHECK(eventlog_tool(dir, "parse " + dir / "cut.bin").status == 1);
    CHECK(eventlog_tool(dir, "parse --permissive " + dir / "cut.bin").status == 1);
    put32(log, 32 + 0x1d + 4, 30);
    put_file(dir / "pcr30.bin", std::string(log.begin(), log.end()));
    r = eventlog_tool(dir, "parse " + dir / "pcr30.bin");
    CHECK(r.status == 1);
    CHECK(r.err.find("LOG-13") != std::string::npos);
    CHECK(r.err.find("hint: it parses with --permissive") != std::string::npos);
    r = eventlog_tool(dir, "parse --permissive " + dir / "pcr30.bin");
    CHECK(r.status == 0);
    CHECK(r.err.find("quirk pcr_out_of_range") != std::string::npos);
    CHECK(r.out.find("\"quirk\": \"pcr_out_of_range\"") != std::string::npos);
}
#endif  // SLRT_EVENTLOG_TOOL
