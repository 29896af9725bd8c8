// SPDX-License-Identifier: MIT
// Errors as values: what failed, where, and which rule of spec/slrt.md it broke.
#pragma once

#include <cstddef>
#include <cstdint>

#include "slrt/bytes.hpp"

namespace slrt {

// Every failure slrt reports. The comment gives the rule of spec/slrt.md.
enum class errc : u16 {
    ok = 0,
    // Table header (spec §5.1)
    truncated_header,        // SLRT-H1
    bad_magic,               // SLRT-H2
    bad_revision,            // SLRT-H3
    unknown_architecture,    // SLRT-H4
    size_too_small,          // SLRT-H5
    size_exceeds_max_size,   // SLRT-H6
    size_exceeds_buffer,     // SLRT-H7
    // Entry framing (spec §5.2)
    entry_header_truncated,  // SLRT-E1
    entry_size_too_small,    // SLRT-E2
    entry_exceeds_table,     // SLRT-E3
    missing_end,             // SLRT-E4
    end_not_last,            // SLRT-E5
    invalid_tag,             // SLRT-E6
    entry_size_mismatch,     // SLRT-E7
    duplicate_entry,         // SLRT-E8
    architecture_mismatch,   // SLRT-E9
    reserved_nonzero,        // SLRT-E10, SLRT-P5, SLRT-I2
    // Entry contents (spec §5.3)
    count_mismatch,          // SLRT-P1
    bad_entry_revision,      // SLRT-P2
    pcr_out_of_range,        // SLRT-P3
    evt_info_unterminated,   // SLRT-P4
    dlme_entry_out_of_range, // SLRT-D1
    address_wrap,            // SLRT-D2, SLRT-L2
    unknown_log_format,      // SLRT-L1
    mtrr_vcnt_too_large,     // SLRT-I1
    amd_info_bad_len,        // SLRT-A1
    // Building, converting, consumer profiles (spec §4, §6, §7)
    buffer_too_small,        // SLRT-B1
    table_full,              // SLRT-B2
    value_out_of_range,      // SLRT-B3
    field_not_in_layout,     // SLRT-C1
    bad_argument,            // SLRT-B4, SLRT-C2
    missing_entry,           // SLRT-X1
    consumer_requirement,    // SLRT-X2
    // Policy evaluation (spec/measurement.md)
    memory_unmapped,         // POL-1
    chain_too_long,          // POL-2
    // Event logs and the TPM2 codec (include/policy/eventlog.hpp, tpm2.hpp)
    unknown_algorithm,       // LOG-6, LOG-10, LOG-34, LOG-41, LOG-43, TPM-11
    digest_size_mismatch,    // LOG-5, LOG-35, TPM-12
    trailing_bytes,          // LOG-14, TPM-5, TPM-14
    tpm_error,               // TPM-6: a response code other than TPM_RC_SUCCESS
    // Dynamic launch contracts (spec/txt/*.md; rules TXT-<part><n>)
    unsupported_version,     // a structure version outside the supported range
    bad_uuid,                // a UUID or signature that is not the expected one
    misaligned,              // an address or size off its required alignment
    out_of_bounds,           // an offset, count or size that leaves its container
    overlap,                 // two ranges that must be disjoint overlap
    not_found,               // a required header, element or table is absent
    platform_mismatch,       // an ACM that does not fit the platform it was matched against
    page_table_invalid,      // MLE page tables that break a rule SINIT enforces
    launch_requirement,      // a CPU, chipset or TPM precondition of the launch does not hold
};

constexpr const char* name(errc code) {
    switch (code) {
        case errc::ok: return "ok";
        case errc::truncated_header: return "truncated_header";
        case errc::bad_magic: return "bad_magic";
        case errc::bad_revision: return "bad_revision";
        case errc::unknown_architecture: return "unknown_architecture";
        case errc::size_too_small: return "size_too_small";
        case errc::size_exceeds_max_size: return "size_exceeds_max_size";
        case errc::size_exceeds_buffer: return "size_exceeds_buffer";
        case errc::entry_header_truncated: return "entry_header_truncated";
        case errc::entry_size_too_small: return "entry_size_too_small";
        case errc::entry_exceeds_table: return "entry_exceeds_table";
        case errc::missing_end: return "missing_end";
        case errc::end_not_last: return "end_not_last";
        case errc::invalid_tag: return "invalid_tag";
        case errc::entry_size_mismatch: return "entry_size_mismatch";
        case errc::duplicate_entry: return "duplicate_entry";
        case errc::architecture_mismatch: return "architecture_mismatch";
        case errc::reserved_nonzero: return "reserved_nonzero";
        case errc::count_mismatch: return "count_mismatch";
        case errc::bad_entry_revision: return "bad_entry_revision";
        case errc::pcr_out_of_range: return "pcr_out_of_range";
        case errc::evt_info_unterminated: return "evt_info_unterminated";
        case errc::dlme_entry_out_of_range: return "dlme_entry_out_of_range";
        case errc::address_wrap: return "address_wrap";
        case errc::unknown_log_format: return "unknown_log_format";
        case errc::mtrr_vcnt_too_large: return "mtrr_vcnt_too_large";
        case errc::amd_info_bad_len: return "amd_info_bad_len";
        case errc::buffer_too_small: return "buffer_too_small";
        case errc::table_full: return "table_full";
        case errc::value_out_of_range: return "value_out_of_range";
        case errc::field_not_in_layout: return "field_not_in_layout";
        case errc::bad_argument: return "bad_argument";
        case errc::missing_entry: return "missing_entry";
        case errc::consumer_requirement: return "consumer_requirement";
        case errc::memory_unmapped: return "memory_unmapped";
        case errc::chain_too_long: return "chain_too_long";
        case errc::unknown_algorithm: return "unknown_algorithm";
        case errc::digest_size_mismatch: return "digest_size_mismatch";
        case errc::trailing_bytes: return "trailing_bytes";
        case errc::tpm_error: return "tpm_error";
        case errc::unsupported_version: return "unsupported_version";
        case errc::bad_uuid: return "bad_uuid";
        case errc::misaligned: return "misaligned";
        case errc::out_of_bounds: return "out_of_bounds";
        case errc::overlap: return "overlap";
        case errc::not_found: return "not_found";
        case errc::platform_mismatch: return "platform_mismatch";
        case errc::page_table_invalid: return "page_table_invalid";
        case errc::launch_requirement: return "launch_requirement";
    }
    return "unknown";
}

inline constexpr u32 no_entry = 0xffffffffu;

// One failure. `field` and `rule` are static strings; `value` and `limit` are the
// numbers the rule compared ("policy.nr_entries" value 9, limit 7 fitting entries).
struct error {
    errc code = errc::ok;
    u32 offset = 0;              // byte offset in the table of the field or entry at fault
    u32 entry_index = no_entry;  // 0-based entry index, no_entry for header-level failures
    const char* field = "";      // e.g. "policy.nr_entries"
    const char* rule = "";       // e.g. "SLRT-P1"
    const char* message = "";    // the rule in words
    u64 value = 0;
    u64 limit = 0;

    constexpr explicit operator bool() const { return code != errc::ok; }
};

// The fixed words of one check: the error it raises, the field, the rule and the rule in words.
// Validators keep these in constants and hand one reference to the place that fails, so a
// check costs a few instructions in firmware instead of eight stores at every site.
struct check_rule {
    errc code = errc::ok;
    const char* field = "";
    const char* rule = "";
    const char* message = "";
    constexpr error at(u32 offset, u32 entry_index, u64 value, u64 limit) const {
        return {code, offset, entry_index, field, rule, message, value, limit};
    }
};
// A value or an error; [[nodiscard]] so that a failure cannot be dropped silently.
template <class T>
class [[nodiscard]] result {
public:
    constexpr result(const T& value) : value_(value) {}
    constexpr result(const error& failure) : error_(failure) {}

    constexpr bool ok() const { return error_.code == errc::ok; }
    constexpr explicit operator bool() const { return ok(); }
    constexpr const T& value() const { return value_; }
    constexpr T& value() { return value_; }
    constexpr const T& operator*() const { return value_; }
    constexpr const T* operator->() const { return &value_; }
    constexpr const error& err() const { return error_; }

private:
    T value_{};
    error error_{};
};

struct ok_t {};
using status = result<ok_t>;
inline constexpr ok_t success{};

// Appends the error as one line of text to `out` (NUL-terminated, truncated to fit):
//   "SLRT-P1 count_mismatch at byte 0x58 (entry 2): policy.nr_entries = 0x9 (limit 0x7): <message>"
// Freestanding so that a bare-metal console can print exactly what the tools print.
constexpr std::size_t format_error(const error& e, char* out, std::size_t capacity) {
    std::size_t n = 0;
    auto put = [&](char c) {
        if (n + 1 < capacity) out[n++] = c;
    };
    auto text = [&](const char* s) {
        for (; s && *s; ++s) put(*s);
    };
    auto hex = [&](u64 v) {
        text("0x");
        int digits = 1;
        for (u64 t = v >> 4; t; t >>= 4) ++digits;
        for (int i = digits - 1; i >= 0; --i) put("0123456789abcdef"[(v >> (4 * i)) & 0xf]);
    };
    auto dec = [&](u32 v) {  // u32: no 64-bit division helper on i386
        char buf[20];
        int k = 0;
        do {
            buf[k++] = static_cast<char>('0' + v % 10);
            v /= 10;
        } while (v);
        while (k) put(buf[--k]);
    };
    text(e.rule);
    put(' ');
    text(name(e.code));
    text(" at byte ");
    hex(e.offset);
    if (e.entry_index != no_entry) {
        text(" (entry ");
        dec(e.entry_index);
        put(')');
    }
    if (e.field && *e.field) {
        text(": ");
        text(e.field);
        text(" = ");
        hex(e.value);
        text(" (limit ");
        hex(e.limit);
        put(')');
    }
    if (e.message && *e.message) {
        text(": ");
        text(e.message);
    }
    if (capacity) out[n] = '\0';
    return n;
}

}  // namespace slrt
