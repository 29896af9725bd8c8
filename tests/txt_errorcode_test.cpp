// TXT.ERRORCODE decoding (dlh/txt/errorcode.hpp): the values people report, every table entry,
// the text printer, and a sweep over classes, majors and random values.
#include <catch2/catch.hpp>

#include <cstring>
#include <set>
#include <string>

#include "dlh/txt/errorcode.hpp"

using namespace dlh;
using namespace dlh::txt;

namespace {

constexpr bool same(const char* a, const char* b) {
    for (; *a && *a == *b; ++a, ++b) {
    }
    return *a == *b;
}

constexpr bool starts_with(const char* a, const char* prefix) {
    for (; *prefix; ++a, ++prefix)
        if (*a != *prefix) return false;
    return true;
}

// A software-layout value.
constexpr u32 acm_code(u32 module, u32 cls, u32 major, u32 minor = 0, u32 impl = 0) {
    return 0xC0000000u | (impl << 28) | (minor << 16) | (major << 10) | (cls << 4) | module;
}

std::string text(u64 raw) {
    char buf[errorcode_text_capacity];
    const std::size_t n = format_errorcode(raw, buf, sizeof buf);
    REQUIRE(n < sizeof buf);
    REQUIRE(std::strlen(buf) == n);
    return buf;
}

}  // namespace

// ---- Compile-time tests -------------------------------------------------------------------------

// The field table is the layout of SDG Table I-1.
static_assert(errorcode_field::module_type.mask() == 0x0000000F);
static_assert(errorcode_field::error_class.mask() == 0x000003F0);
static_assert(errorcode_field::major.mask() == 0x00007C00);
static_assert(errorcode_field::source.mask() == 0x00008000);
static_assert(errorcode_field::minor.mask() == 0x0FFF0000);
static_assert(errorcode_field::implementation.mask() == 0x30000000);
static_assert(errorcode_software_info.reserved_mask() == 0);
static_assert(errorcode_processor_info.reserved_mask() == 0x3F008000);
static_assert(acm_code(1, 9, 3) == 0xC0000C91);

// Users' values (users-and-tools.md Part 4 A).
// 0xC0000C71: SINIT, class 7, major 3 — not a stable code; a field report explains it.
static_assert([] {
    const decoded_errorcode d = decode_errorcode(0xC0000C71);
    return d.valid && d.external && d.source == errorcode_source::acm && d.status == errorcode_status::error &&
           d.module_type == 1 && same(d.module_name, "SINIT") && d.error_class == 7 && d.major == 3 &&
           d.minor == 0 && !d.documented && *d.field_report && same(d.class_name, "") &&
           same(d.likely_cause, errorcode_text::acm_specific_cause);
}());
// 0xC0033451: SINIT, class 5, major 0xD, minor 3 (that SINIT's list: invalid PMR configuration).
static_assert([] {
    const decoded_errorcode d = decode_errorcode(0xC0033451);
    return d.source == errorcode_source::acm && d.module_type == 1 && d.error_class == 5 && d.major == 0xD &&
           d.minor == 3 && !d.documented && *d.field_report && same(d.minor_meaning, "ACM-specific detail");
}());
// 0x80000007: processor, #AuthenticateFail.
static_assert([] {
    const decoded_errorcode d = decode_errorcode(0x80000007);
    return d.valid && !d.external && d.source == errorcode_source::processor && d.type == 7 &&
           same(d.error_name, "#AuthenticateFail") && d.documented && !d.reserved_bits_set;
}());
// 0xC00014A1: SINIT, class 0xA, major 5 — undocumented even for that ACM.
static_assert([] {
    const decoded_errorcode d = decode_errorcode(0xC00014A1);
    return d.module_type == 1 && d.error_class == 0xA && d.major == 5 && d.minor == 0 && !d.documented &&
           *d.field_report;
}());
// 0xC0008005: the MLE (Linux Secure Launch) found a region straddling 4 GiB.
static_assert([] {
    const decoded_errorcode d = decode_errorcode(0xC0008005);
    return d.source == errorcode_source::mle && d.mle_code == 5 && d.documented &&
           same(d.error_name, "SL_ERROR_REGION_STRADDLE_4GB") && d.status == errorcode_status::error;
}());
// 0x80000000: the processor's legacy shutdown (the "uninformative" one).
static_assert(same(decode_errorcode(0x80000000).error_name, "#LegacyShutdown"));

// Success values and "nothing".
static_assert(decode_errorcode(0).status == errorcode_status::no_error);
static_assert(decode_errorcode(0xC0000001).status == errorcode_status::success);
static_assert(same(decode_errorcode(0xC0000001).module_name, "SINIT"));
static_assert(decode_errorcode(0xC0000009).status == errorcode_status::success);
static_assert(decode_errorcode(0x40000001).status == errorcode_status::no_error);  // VALID clear
static_assert(same(decode_errorcode(0x40000001).error_name, "not valid"));
// 0xC0000000 (class 0, major 0) is not a success value in SDG-013: reported as an error.
static_assert(decode_errorcode(0xC0000000).status == errorcode_status::error);
static_assert(same(decode_errorcode(0xC0000000).module_name, "BIOS ACM"));

// Stable codes of SDG Table I-4.
static_assert([] {
    const decoded_errorcode d = decode_errorcode(acm_code(1, 9, 3));
    return d.documented && same(d.class_name, "TXT heap (heap tables and OsSinitData)") &&
           same(d.error_name, "PMR low base or size not 2 MiB aligned") &&
           starts_with(d.what_to_check, "Check OsSinitData.vtd_pmr_lo_base");
}());
static_assert(decode_errorcode(acm_code(1, 2, 4)).documented);  // MTRR rule 4
static_assert(same(decode_errorcode(acm_code(1, 2, 7)).error_name, "invalid MTRR mask"));
static_assert(!decode_errorcode(acm_code(1, 2, 8)).documented);  // known class, unknown major
static_assert(same(decode_errorcode(acm_code(1, 2, 8)).likely_cause, errorcode_text::known_class_cause));
static_assert(same(decode_errorcode(acm_code(1, 0x10, 3)).error_name, "large page"));
static_assert(same(decode_errorcode(acm_code(0, 0x0E, 1)).error_name, "DMA remapping enabled"));

// TPM sub-error: class 4 major 1, minor = TPM return code.
static_assert([] {
    const decoded_errorcode d = decode_errorcode(acm_code(1, 4, 1, 0x922));
    return d.detail == errorcode_detail::tpm && d.tpm_rc == 0x922 && d.tpm2_rc() == 0x922 &&
           d.tpm12_rc() == 0x822;  // bit 8 set: TPM 1.2 non-fatal 0x800 + 0x22
}());
static_assert(decode_errorcode(acm_code(1, 4, 1, 0x03B)).tpm12_rc() == 0x03B);  // fatal
// LCP sub-error: class 6 majors 7/8, minor = (list index << 6) + detail.
static_assert([] {
    const decoded_errorcode d = decode_errorcode(acm_code(1, 6, 8, (2u << 6) + 5));
    return d.detail == errorcode_detail::lcp && d.lcp_list_index == 2 && d.lcp_minor == 5 &&
           same(d.error_name, "platform supplier policy integrity check failed");
}());
static_assert(decode_errorcode(acm_code(1, 6, 4, 0x10)).detail == errorcode_detail::none);
static_assert(same(decode_errorcode(acm_code(1, 6, 4, 0x10)).minor_meaning, "policy element type"));

// Revocation ACM (module 9) uses tboot's classes; SINIT's class 8 is not RACM's.
static_assert(same(decode_errorcode(acm_code(9, 8, 0x13)).error_name, "already revoked"));
static_assert(same(decode_errorcode(acm_code(9, 1, 0x0A)).error_name, "TPM double AUX index"));
static_assert(!decode_errorcode(acm_code(1, 8, 0x13)).documented);
static_assert(decode_errorcode(acm_code(9, 4, 1, 0x5)).detail == errorcode_detail::tpm);
// Reserved module types decode without a table.
static_assert(same(decode_errorcode(acm_code(5, 9, 3)).module_name, "reserved module type"));
static_assert(!decode_errorcode(acm_code(5, 9, 3)).documented);

// Processor layout: extended value, reserved bits, reserved types.
static_assert([] {
    const decoded_errorcode d = decode_errorcode(0x80420010);
    return d.type == 0x10 && d.extended == 0x42 && d.documented && !d.reserved_bits_set;
}());
static_assert(decode_errorcode(0x80008005).reserved_bits_set);  // bit 15
static_assert(decode_errorcode(0x81000005).reserved_bits_set);  // bit 24
static_assert(same(decode_errorcode(0x80000003).error_name, "reserved shutdown type"));
static_assert(same(decode_errorcode(0x80000011).error_name, "reserved shutdown type"));

// MLE codes: registry, unknown code in the Secure Launch range, and outside it.
static_assert(errorcode_value(sl_error::slrt_map) == 0xC0008024);
static_assert(same(decode_errorcode(0xC0008024).error_name, "SL_ERROR_SLRT_MAP"));
static_assert(!decode_errorcode(0xC0008025).documented);
static_assert(same(decode_errorcode(0xC0008025).likely_cause, errorcode_text::mle_unknown_cause));
static_assert(same(decode_errorcode(0xC0008400).likely_cause, errorcode_text::mle_outside_cause));
static_assert(same(decode_errorcode(0xC0018005).likely_cause, errorcode_text::mle_outside_cause));

// The 64-bit register: bits 63:32 are reserved and do not change the decode.
static_assert(decode_errorcode(0x1'C000'0C91).upper_bits_set);
static_assert(decode_errorcode(0x1'C000'0C91).value == 0xC0000C91);
static_assert(decode_errorcode(0x1'C000'0C91).error_class == 9);

// Registry integrity: consecutive Secure Launch codes below 0x400 with SL_ERROR_ names; unique
// processor types; no two ACM table entries for the same (table, class, major); every ACM entry's
// class has a name.
static_assert([] {
    u16 expect = 1;
    for (const sl_error_info& e : sl_errors) {
        if (static_cast<u16>(e.code) != expect++ || !starts_with(e.name, "SL_ERROR_")) return false;
        if (static_cast<u16>(e.code) >= sl_project_range_end || !*e.cause || !*e.check) return false;
    }
    return expect == 0x25;
}());
static_assert([] {
    for (const processor_error_info& a : processor_error_types)
        for (const processor_error_info& b : processor_error_types)
            if (&a != &b && a.type == b.type) return false;
    return true;
}());
static_assert([] {
    for (const acm_error_info& a : acm_error_codes) {
        if (a.major_first > a.major_last || !*a.name || !*a.cause || !*a.check) return false;
        if (acm_class_index(a.table, a.error_class) == acm_class_count) return false;
        for (const acm_error_info& b : acm_error_codes)
            if (&a != &b && a.table == b.table && a.error_class == b.error_class &&
                !(a.major_last < b.major_first || b.major_last < a.major_first))
                return false;
    }
    return true;
}());

// Number parsing for the tools.
static_assert([] {
    u64 v = 7;
    bool ok = parse_unsigned("0xc0000c71", 10, v) && v == 0xC0000C71;
    ok = ok && parse_unsigned("3221228657", 10, v) && v == 0xC0000C71;
    ok = ok && parse_unsigned("0XFFFFFFFFFFFFFFFF", 18, v) && v == ~u64{0};
    ok = ok && parse_unsigned("18446744073709551615", 20, v) && v == ~u64{0};
    v = 7;
    ok = ok && !parse_unsigned("18446744073709551616", 20, v) && v == 7;
    ok = ok && !parse_unsigned("0x10000000000000000", 19, v) && !parse_unsigned("0x", 2, v);
    ok = ok && !parse_unsigned("", 0, v) && !parse_unsigned("-1", 2, v) && !parse_unsigned("12a", 3, v);
    ok = ok && !parse_unsigned("0xg", 3, v) && !parse_unsigned(" 1", 2, v) && v == 7;
    return ok;
}());

// The formatter runs in constant evaluation and never overruns.
static_assert([] {
    char buf[errorcode_text_capacity]{};
    const std::size_t n = format_errorcode(0xC9220441, buf, sizeof buf);
    char tiny[8]{};
    const std::size_t m = format_errorcode(0xC9220441, tiny, sizeof tiny);
    return n > 100 && n < sizeof buf && buf[n] == '\0' && m == 7 && tiny[7] == '\0';
}());

// ---- Run-time tests -----------------------------------------------------------------------------

TEST_CASE("errorcode text: a stable SINIT heap error", "[txt][errorcode]") {
    CHECK(text(0xC0000C91) ==
          "TXT.ERRORCODE = 0xc0000c91: SINIT error, class 0x09 TXT heap (heap tables and OsSinitData), "
          "major 0x03 PMR low base or size not 2 MiB aligned\n"
          "  source: ACM (VALID = 1, EXTERNAL = 1, SOURCE = 0)\n"
          "  status: error\n"
          "  module: 0x1 SINIT\n"
          "  class: 0x09 TXT heap (heap tables and OsSinitData)\n"
          "  major: 0x03 PMR low base or size not 2 MiB aligned\n"
          "  minor: 0x000\n"
          "  likely cause: The low VT-d protected memory region is not 2 MiB aligned.\n"
          "  what to check: Check OsSinitData.vtd_pmr_lo_base and vtd_pmr_lo_size: both multiples of 2 MiB.\n");
}

TEST_CASE("errorcode text: the values users reported", "[txt][errorcode]") {
    const std::string c71 = text(0xC0000C71);
    CHECK(c71.rfind("TXT.ERRORCODE = 0xc0000c71: SINIT error, class 0x07, major 0x03 ACM-specific\n", 0) == 0);
    CHECK(c71.find("  class: 0x07 (not a stable class: ACM-specific)\n") != std::string::npos);
    CHECK(c71.find("text file shipped with this SINIT") != std::string::npos);
    CHECK(c71.find("  reported: tboot-devel (2011)") != std::string::npos);
    CHECK(c71.find("  documented: no") != std::string::npos);

    const std::string r730 = text(0xC0033451);
    CHECK(r730.find("class 0x05, major 0x0d") != std::string::npos);
    CHECK(r730.find("  minor: 0x003 ACM-specific detail\n") != std::string::npos);
    CHECK(r730.find("Invalid PMR configuration") != std::string::npos);

    const std::string auth = text(0x80000007);
    CHECK(auth.rfind("TXT.ERRORCODE = 0x80000007: processor error type 0x7 #AuthenticateFail\n", 0) == 0);
    CHECK(auth.find("  source: processor (VALID = 1, EXTERNAL = 0)\n") != std::string::npos);
    CHECK(auth.find("which SINIT was picked when several were loaded") != std::string::npos);

    CHECK(text(0xC00014A1).find("Dasharo issue 579") != std::string::npos);

    const std::string sl = text(0xC0008005);
    CHECK(sl.rfind("TXT.ERRORCODE = 0xc0008005: MLE error 0x005 SL_ERROR_REGION_STRADDLE_4GB\n", 0) == 0);
    CHECK(sl.find("  code: 0x005 SL_ERROR_REGION_STRADDLE_4GB (Secure Launch registry)\n") != std::string::npos);
    CHECK(sl.find("  minor:") == std::string::npos);
}

TEST_CASE("errorcode text: success, nothing, sub-errors, reserved bits", "[txt][errorcode]") {
    CHECK(text(0).rfind("TXT.ERRORCODE = 0x00000000: no error recorded\n  source: none (VALID = 0)\n", 0) == 0);
    CHECK(text(0xC0000001).rfind("TXT.ERRORCODE = 0xc0000001: success (SINIT: success)\n", 0) == 0);
    CHECK(text(0xC0000009).find("RACM (revocation ACM): revocation completed") != std::string::npos);
    CHECK(text(0xC9220441).find("  TPM: TPM 2.0 response code 0x922; read as TPM 1.2: non-fatal 0x822\n") !=
          std::string::npos);
    CHECK(text(acm_code(1, 6, 7, (3u << 6) + 9)).find("  LCP: policy list index 3, detail 0x09\n") !=
          std::string::npos);
    CHECK(text(acm_code(1, 9, 3, 0, 2)).find("  implementation bits 29:28: 0x2\n") != std::string::npos);
    CHECK(text(0x80420010).find("  extended: 0x42 (extended value = ACM SVN)\n") != std::string::npos);
    CHECK(text(0x81000005).find("  note: reserved bits (15, 29:24) are set\n") != std::string::npos);
    CHECK(text(0xFFFF'FFFF'C000'0001).find("  note: bits 63:32 are reserved and set (0xffffffff)") !=
          std::string::npos);
}

TEST_CASE("errorcode: every class and major of every module type decodes", "[txt][errorcode]") {
    std::set<std::string> documented_names;
    std::size_t documented = 0;
    for (u32 module : {0u, 1u, 9u, 2u, 15u})
        for (u32 cls = 0; cls < 64; ++cls)
            for (u32 major = 0; major < 32; ++major)
                for (u32 minor : {0u, 1u, 0x100u, 0xFFFu}) {
                    const u32 v = acm_code(module, cls, major, minor, minor & 3);
                    const decoded_errorcode d = decode_errorcode(v);
                    REQUIRE(d.source == errorcode_source::acm);
                    REQUIRE(d.module_type == module);
                    REQUIRE(d.error_class == cls);
                    REQUIRE(d.major == major);
                    REQUIRE(d.minor == minor);
                    REQUIRE(d.likely_cause != nullptr);
                    REQUIRE(*d.likely_cause);
                    REQUIRE(*d.what_to_check);
                    REQUIRE(*d.error_name);
                    if (d.documented) {
                        ++documented;
                        documented_names.insert(d.error_name);
                    }
                    const std::string t = text(v);
                    REQUIRE(t.find("likely cause: ") != std::string::npos);
                }
    // Every ACM table entry is reachable (4 minors each, over its majors).
    std::size_t expected = 0;
    for (const acm_error_info& e : acm_error_codes) {
        const std::size_t modules = e.table == errorcode_table::sdg ? 2 : 1;
        expected += modules * 4u * static_cast<std::size_t>(e.major_last - e.major_first + 1);
    }
    CHECK(documented == expected + 2);  // plus the success values 0xC0000001 and 0xC0000009
    CHECK(documented_names.size() > 60);
}

TEST_CASE("errorcode: processor types and Secure Launch codes decode", "[txt][errorcode]") {
    for (u32 type = 0; type < 0x8000; ++type) {
        const decoded_errorcode d = decode_errorcode(0x80000000u | type);
        REQUIRE(d.source == errorcode_source::processor);
        REQUIRE(d.type == type);
        REQUIRE(d.documented == (find_processor_error(static_cast<u16>(type)) != nullptr));
        REQUIRE(d.documented == (processor_error_index(static_cast<u16>(type)) < processor_error_count));
    }
    for (const sl_error_info& e : sl_errors) {
        const decoded_errorcode d = decode_errorcode(errorcode_value(e.code));
        CHECK(d.documented);
        CHECK(std::string(d.error_name) == e.name);
        CHECK(text(errorcode_value(e.code)).find(e.name) != std::string::npos);
    }
}

TEST_CASE("errorcode: random values format within bounds at every buffer size", "[txt][errorcode]") {
    u64 state = 0x9E3779B97F4A7C15u;
    const auto next = [&state] {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        return state;
    };
    char big[errorcode_text_capacity + 16];
    for (int i = 0; i < 200000; ++i) {
        const u64 raw = (i % 7 == 0) ? next() : (next() & 0xFFFFFFFFu);
        std::memset(big, 'X', sizeof big);
        const std::size_t n = format_errorcode(raw, big, errorcode_text_capacity);
        REQUIRE(n < errorcode_text_capacity - 1);  // never truncated at the documented capacity
        REQUIRE(big[n] == '\0');
        REQUIRE(std::strlen(big) == n);
        REQUIRE(big[errorcode_text_capacity] == 'X');  // nothing past the capacity
        if (i % 1000 == 0) {
            // Truncated outputs are prefixes of the full one.
            const std::string full(big, n);
            for (std::size_t cap : {std::size_t{0}, std::size_t{1}, std::size_t{2}, std::size_t{17}, n, n + 1}) {
                char small[errorcode_text_capacity];
                std::memset(small, 'Y', sizeof small);
                const std::size_t m = format_errorcode(raw, small, cap);
                if (cap == 0) {
                    REQUIRE(m == 0);
                    REQUIRE(small[0] == 'Y');
                    continue;
                }
                REQUIRE(m == std::min(n, cap - 1));
                REQUIRE(small[m] == '\0');
                REQUIRE(full.compare(0, m, small, m) == 0);
            }
        }
    }
}
