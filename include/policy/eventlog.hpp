// SPDX-License-Identifier: MIT
// DRTM event logs: parse, iterate and write the three formats a Secure Launch meets.
//
//   event_log_format::tcg       TCG crypto-agile log: Spec ID Event03 header record, then
//                               TCG_PCR_EVENT2 records (skinit-arm-tcg.md §C; txt.md §8.3).
//                               What Linux, SKL and TXT SINIT (caps bit 9) write for TPM 2.0.
//   event_log_format::txt12     TPM 1.2 "TXT Event Container" with SHA-1 TCG_PCR_EVENT
//                               records (txt.md §8.1).
//   event_log_format::txt_tpm2  TXT "original" TPM 2.0 format: one log per algorithm, first
//                               record a TCG_LOG_DESCRIPTOR "FRMT ID EVENT00" (txt.md §8.2).
//
// parse_event_log() walks the whole log once and returns an `event_log`: a validated view
// whose iteration cannot fail. Like slrt::table it reads the caller's bytes again while
// iterating, so those bytes must not change afterwards; copy a log out of memory another
// party can still write before parsing it.
//
// Framing errors stop the parse in every mode: without a record's size nothing after it can
// be found. Content problems (a PCR index past 23, an event without a digest for every bank,
// nonzero bytes after the end marker, ...) are errors in strict mode and named quirks in
// permissive mode; the events stay in the log and replay (policy/replay.hpp) skips what it
// cannot use. Unknown event types are legal in every mode: they are carried and replayed.
//
// End of the log. A TCG or original-format log has no count or end offset of its own: the
// buffer that holds it (the SLRT log_info region, /sys/kernel/security/slaunch/eventlog) is
// larger than the events and zero after them (skinit-arm-tcg.md §C.9). So the log ends at the
// end of the bytes or where every remaining byte is zero. This zero tail is the normal shape
// of every real log, so it is accepted in strict mode too and is not a quirk; tail_size()
// reports it. A record that starts like the end (TCG: PCRIndex, EventType and Digests.count
// all zero; original format: a record of zero bytes) but is followed by nonzero bytes is
// trailing garbage: LOG-14 in strict mode, quirk trailing_garbage in permissive mode.
// A TXT 1.2 container ends at its NextEventOffset.
//
// Rules (error.rule; error.offset is the byte at fault, error.entry_index the 0-based event,
// no_entry for the header):
//   LOG-1  truncated_header        TCG header record (32 bytes) or its Spec ID event does not fit
//   LOG-2  bad_magic               TCG first record is not PCR 0 / EV_NO_ACTION / zero SHA-1 digest
//   LOG-3  bad_magic               signature is not "Spec ID Event03"
//   LOG-4  value_out_of_range      numberOfAlgorithms is 0 or above max_log_banks (8)
//   LOG-5  digest_size_mismatch    digestSize differs from the algorithm's size (unknown: not 1..64)
//   LOG-6  unknown_algorithm       the Spec ID table lists an algorithm slrt does not know (quirk)
//   LOG-7  entry_size_mismatch     EventSize of the Spec ID event disagrees with its contents
//   LOG-8  entry_header_truncated  an event's fixed fields do not fit before the end of the log
//   LOG-9  count_mismatch          Digests.count above numberOfAlgorithms (framing), or below it (quirk)
//   LOG-10 unknown_algorithm       an event's digest algorithm is not in the Spec ID table
//   LOG-11 duplicate_entry         an event carries two digests of one algorithm
//   LOG-12 entry_exceeds_table     a digest, EventSize or the event data runs past the end
//   LOG-13 pcr_out_of_range        an extended event names PCR 24 or above (quirk)
//   LOG-14 trailing_bytes          nonzero bytes after an end-of-log record (quirk)
//   LOG-15 reserved_nonzero        an EV_NO_ACTION event with a nonzero digest (quirk)
//   LOG-16 value_out_of_range      the log is 4 GiB or larger
//   LOG-17 duplicate_entry         the Spec ID table lists one algorithm twice
//   LOG-20 truncated_header        the 48-byte TXT container header does not fit
//   LOG-21 bad_magic               signature is not "TXT Event Container"
//   LOG-22 bad_revision            ContainerVerMajor or PCREventVerMajor is not 1
//   LOG-23 reserved_nonzero        the container's reserved bytes are not zero (quirk)
//   LOG-24 size_exceeds_buffer     ContainerSize is larger than the bytes given (quirk)
//   LOG-25 size_too_small /        PCREventsOffset is below 48 (framing) or not 48 (quirk)
//          value_out_of_range
//   LOG-26 value_out_of_range      NextEventOffset outside [PCREventsOffset, ContainerSize]
//   LOG-27 size_exceeds_buffer     NextEventOffset is past the bytes given
//   LOG-30 truncated_header        the original-format header record does not fit
//   LOG-31 bad_magic               first record not PCR 0 / EV_NO_ACTION / zero digest, or no
//                                  "FRMT ID EVENT00"
//   LOG-32 entry_size_mismatch     its EventSize is not 28 (smaller: framing; larger: quirk)
//   LOG-33 bad_revision            TCG_LOG_DESCRIPTOR.Revision is not 1
//   LOG-34 unknown_algorithm       DigestAlgID is not 1..5
//   LOG-35 digest_size_mismatch    DigestSize differs from the algorithm's size
//   LOG-36 entry_exceeds_table     a HEAP_EVENT_LOG_DESCR names bytes outside its buffer
//   LOG-40 table_full              the writer's buffer (or container) has no room for the record
//   LOG-41 unknown_algorithm       a writer bank slrt does not know
//   LOG-42 bad_argument            writer misuse: no or too many banks, a bank twice, vendorInfo
//                                  above 255 bytes, container size, append before init, attach
//   LOG-43 count_mismatch /        the event's digests are not exactly one per bank of the log
//          unknown_algorithm / duplicate_entry
//   LOG-44 pcr_out_of_range        the writer refuses an extended event for PCR 24 or above
//   LOG-45 reserved_nonzero        the writer refuses an EV_NO_ACTION event with a nonzero digest
//   LOG-46 value_out_of_range      the record would make the log 4 GiB or larger
//   LOG-47 bad_argument            an original-format record of zero bytes (it reads as the end)
//   LOG-50 table_full              replay: more than max_log_banks banks in one pcr_bank_set
#pragma once

#include <cstddef>

#include "policy/digest.hpp"
#include "policy/event_types.hpp"
#include "policy/eventlog_tcg.hpp"
#include "policy/eventlog_txt.hpp"
#include "slrt/bytes.hpp"
#include "slrt/error.hpp"
#include "slrt/quirks.hpp"
#include "slrt/table.hpp"  // slrt::mode

namespace slrt {

enum class event_log_format : u8 {
    tcg,       // crypto-agile (Spec ID Event03 + TCG_PCR_EVENT2)
    txt12,     // TPM 1.2 TXT Event Container
    txt_tpm2,  // TXT original TPM 2.0 format, one algorithm
};

constexpr const char* name(event_log_format f) {
    switch (f) {
        case event_log_format::tcg: return "tcg";
        case event_log_format::txt12: return "txt12";
        case event_log_format::txt_tpm2: return "txt-tpm2";
    }
    return nullptr;
}

constexpr bool event_log_format_from_name(const char* text, event_log_format& out) {
    if (!text) return false;
    constexpr event_log_format all[] = {event_log_format::tcg, event_log_format::txt12, event_log_format::txt_tpm2};
    for (event_log_format f : all) {
        const char* n = name(f);
        std::size_t i = 0;
        while (n[i] != '\0' && text[i] == n[i]) ++i;
        if (n[i] == '\0' && text[i] == '\0') {
            out = f;
            return true;
        }
    }
    return false;
}

// The format a log's first bytes announce: a TXT container signature at 0, or the Spec ID
// Event03 / FRMT ID EVENT00 signature in the data of the first TCG_PCR_EVENT.
constexpr bool detect_event_log_format(byte_view bytes, event_log_format& out) {
    if (bytes.size() >= 20 && equal(bytes.subview(0, 20), byte_view(txt_event_container_signature))) {
        out = event_log_format::txt12;
        return true;
    }
    if (bytes.size() >= tcg_pcr_event_size + 16) {
        const byte_view sig = bytes.subview(tcg_pcr_event_size, 16);
        if (equal(sig, byte_view(spec_id_event03_signature))) {
            out = event_log_format::tcg;
            return true;
        }
        if (equal(sig, byte_view(frmt_id_event00_signature))) {
            out = event_log_format::txt_tpm2;
            return true;
        }
    }
    return false;
}

// ---------------------------------------------------------------------------------------------
// Quirks: what permissive parsing accepts, by name.

enum class log_quirk : u8 {
    trailing_garbage,          // LOG-14
    missing_bank_digest,       // LOG-9
    pcr_out_of_range,          // LOG-13
    no_action_digest_nonzero,  // LOG-15
    unknown_algorithm,         // LOG-6
    header_trailing_bytes,     // LOG-7, LOG-32
    reserved_nonzero,          // LOG-23
    container_truncated,       // LOG-24
    events_offset_not_48,      // LOG-25
};
inline constexpr u32 log_quirk_count = 9;

struct log_quirk_info {
    log_quirk id;
    const char* name;
    const char* description;
};

inline constexpr log_quirk_info log_quirk_table[log_quirk_count] = {
    {log_quirk::trailing_garbage, "trailing_garbage",
     "nonzero bytes follow an end-of-log record; the log ends at that record"},
    {log_quirk::missing_bank_digest, "missing_bank_digest",
     "an event carries fewer digests than the Spec ID event lists algorithms; replay leaves the other banks alone"},
    {log_quirk::pcr_out_of_range, "pcr_out_of_range",
     "an extended event names PCR 24 or above (tpm2_eventlog accepts it); replay skips the event"},
    {log_quirk::no_action_digest_nonzero, "no_action_digest_nonzero",
     "an EV_NO_ACTION event has a nonzero digest (Linux v14 retypes its marker events); it is not extended"},
    {log_quirk::unknown_algorithm, "unknown_algorithm",
     "the Spec ID event lists an algorithm slrt does not know; its digests are carried, its bank is not replayed"},
    {log_quirk::header_trailing_bytes, "header_trailing_bytes",
     "the header event's EventSize is larger than its fields; the extra bytes are ignored"},
    {log_quirk::reserved_nonzero, "reserved_nonzero", "the TXT container's reserved bytes are not zero"},
    {log_quirk::container_truncated, "container_truncated",
     "ContainerSize is larger than the bytes given (the events still fit)"},
    {log_quirk::events_offset_not_48, "events_offset_not_48",
     "PCREventsOffset is larger than 48; the bytes between the header and the first event are ignored"},
};

constexpr const char* name(log_quirk q) { return log_quirk_table[static_cast<u8>(q)].name; }

using log_quirk_hit = basic_quirk_hit<log_quirk>;
using log_quirk_log = basic_quirk_log<log_quirk>;

struct log_parse_options {
    event_log_format format = event_log_format::tcg;
    slrt::mode mode = mode::strict;
};

// ---------------------------------------------------------------------------------------------
// A parsed log

class event_log;
constexpr result<event_log> parse_event_log(byte_view bytes, const log_parse_options& options = {});

namespace log_detail {
struct parser;
}

class event_log {
public:
    constexpr event_log() = default;

    constexpr event_log_format format() const { return format_; }
    constexpr slrt::mode mode() const { return mode_; }
    constexpr byte_view bytes() const { return bytes_; }          // everything given to the parser
    constexpr u32 events_offset() const { return events_offset_; }  // the first event record
    constexpr u32 events_end() const { return events_end_; }        // one past the last event record
    constexpr u32 tail_size() const { return static_cast<u32>(bytes_.size()) - events_end_; }
    constexpr u32 event_count() const { return event_count_; }
    constexpr const log_quirk_log& quirks() const { return quirks_; }

    // The banks the log carries digests for: the Spec ID table (tcg), SHA-1 (txt12), the
    // descriptor's algorithm (txt_tpm2).
    constexpr u32 bank_count() const { return bank_count_; }
    constexpr const log_bank& bank(u32 i) const { return banks_[i]; }
    constexpr const log_bank* banks() const { return banks_; }
    constexpr const log_bank* find_bank(hash_alg alg) const {
        for (u32 i = 0; i < bank_count_; ++i)
            if (banks_[i].alg == alg) return &banks_[i];
        return nullptr;
    }

    constexpr const spec_id_event& spec_id() const { return spec_id_; }        // tcg only
    constexpr const txt_container_info& container() const { return container_; }  // txt12 only

    class iterator {
    public:
        constexpr iterator(const event_log* log, u32 offset, u32 index) : log_(log), index_(index) { load(offset); }
        // By value: `*log.begin()` must not dangle when the iterator is a temporary.
        constexpr event operator*() const { return current_; }
        constexpr const event* operator->() const { return &current_; }
        constexpr iterator& operator++() {
            ++index_;
            load(current_.offset + current_.size);
            return *this;
        }
        constexpr bool operator==(const iterator& o) const { return index_ == o.index_; }

    private:
        constexpr void load(u32 offset) {
            if (index_ >= log_->event_count_) return;
            // parse() proved every record; a failure here means the bytes changed since.
            if (!log_->decode(offset, index_, current_)) index_ = log_->event_count_;
        }
        const event_log* log_;
        u32 index_;
        event current_{};
    };

    // The events in log order, the header record excluded.
    constexpr iterator begin() const { return {this, events_offset_, 0}; }
    constexpr iterator end() const { return {this, events_end_, event_count_}; }

    // Decodes the record at `offset` (framing only). Used by iteration; exposed for tools
    // that hold an event's offset.
    constexpr result<u32> decode(u32 offset, u32 index, event& out) const {
        const byte_view region = bytes_.subview(0, region_end_);
        if (offset > region_end_)
            return error{errc::entry_exceeds_table, offset, index, "event", "LOG-12", "offset past the end of the log",
                         offset, region_end_};
        if (format_ == event_log_format::tcg) return decode_tcg_event2(region, offset, banks_, bank_count_, index, out);
        return decode_single_digest_event(region, offset, banks_[0], index, out);
    }

private:
    friend constexpr result<event_log> parse_event_log(byte_view, const log_parse_options&);
    friend struct log_detail::parser;

    event_log_format format_ = event_log_format::tcg;
    slrt::mode mode_ = mode::strict;
    byte_view bytes_{};
    u32 events_offset_ = 0;
    u32 events_end_ = 0;
    u32 region_end_ = 0;  // records may not extend past this (txt12: NextEventOffset)
    u32 event_count_ = 0;
    u32 bank_count_ = 0;
    log_bank banks_[max_log_banks]{};
    spec_id_event spec_id_{};
    txt_container_info container_{};
    log_quirk_log quirks_{};
};

namespace log_detail {

// True when a size does not fit in u32 (never on a 32-bit target).
template <class Size>
constexpr bool exceeds_u32(Size n) {
    if constexpr (sizeof(Size) > 4)
        return n > Size{0xffffffffu};
    else
        return false;
}

// Validation state for one parse: each deviation either passes as a quirk (permissive) or
// becomes the parse's error (strict).
struct parser {
    event_log& log;
    slrt::mode mode;
    error failure{};

    constexpr bool tolerate(log_quirk q, const error& e) {
        if (mode == mode::permissive) {
            log.quirks_.add(q, e.offset, e.entry_index);
            return true;
        }
        failure = e;
        return false;
    }

    // The first record of a TCG or original-format log: TCG_PCR_EVENT {0, EV_NO_ACTION, zeros}.
    // Returns its EventSize once the data fits. rule_size/rule_magic name the format's rules.
    constexpr result<u32> first_record(byte_view b, const char* rule_size, const char* rule_magic) {
        const u32 size = static_cast<u32>(b.size());
        if (size < tcg_pcr_event_size)
            return error{errc::truncated_header, 0, no_entry, "TCG_PCR_EVENT", rule_size,
                         "the header record needs 32 bytes", size, tcg_pcr_event_size};
        const u32 pcr = static_cast<u32>(load_le(b, 0, 4));
        const u32 type = static_cast<u32>(load_le(b, 4, 4));
        if (pcr != 0)
            return error{errc::bad_magic, 0, no_entry, "TCG_PCR_EVENT.PCRIndex", rule_magic,
                         "the header record is logged for PCR 0", pcr, 0};
        if (type != ev_no_action)
            return error{errc::bad_magic, 4, no_entry, "TCG_PCR_EVENT.EventType", rule_magic,
                         "the header record is EV_NO_ACTION (3)", type, ev_no_action};
        for (u32 i = 0; i < 20; ++i)
            if (b[8 + i] != 0)
                return error{errc::bad_magic, 8 + i, no_entry, "TCG_PCR_EVENT.Digest", rule_magic,
                             "the header record's digest is all zero", b[8 + i], 0};
        const u32 event_size = static_cast<u32>(load_le(b, 28, 4));
        if (size - tcg_pcr_event_size < event_size)
            return error{errc::truncated_header, 28, no_entry, "TCG_PCR_EVENT.EventSize", rule_size,
                         "the header event's data runs past the end of the log", event_size, size - tcg_pcr_event_size};
        return event_size;
    }

    // Spec ID Event03 (skinit-arm-tcg.md §C.3).
    constexpr status tcg_header(byte_view b) {
        const result<u32> first = first_record(b, "LOG-1", "LOG-2");
        if (!first) return first.err();
        const u32 event_size = *first;
        constexpr u32 h = tcg_pcr_event_size;
        if (event_size < 16 || !equal(b.subview(h, 16), byte_view(spec_id_event03_signature)))
            return error{errc::bad_magic, h, no_entry, "TCG_EfiSpecIDEvent.signature", "LOG-3",
                         "the header event's signature is \"Spec ID Event03\"", 0, 0};
        if (event_size < spec_id_head_size)
            return error{errc::entry_size_mismatch, 28, no_entry, "TCG_PCR_EVENT.EventSize", "LOG-7",
                         "EventSize must hold the Spec ID event up to numberOfAlgorithms", event_size, spec_id_head_size};
        spec_id_event& s = log.spec_id_;
        s.platform_class = static_cast<u32>(load_le(b, h + offsetof(wire::spec_id_event_head, platform_class), 4));
        s.spec_version_minor = b[h + offsetof(wire::spec_id_event_head, spec_version_minor)];
        s.spec_version_major = b[h + offsetof(wire::spec_id_event_head, spec_version_major)];
        s.spec_errata = b[h + offsetof(wire::spec_id_event_head, spec_errata)];
        s.uintn_size = b[h + offsetof(wire::spec_id_event_head, uintn_size)];
        const u32 n_at = h + offsetof(wire::spec_id_event_head, number_of_algorithms);
        const u32 n = static_cast<u32>(load_le(b, n_at, 4));
        if (n == 0 || n > max_log_banks)
            return error{errc::value_out_of_range, n_at, no_entry, "TCG_EfiSpecIDEvent.numberOfAlgorithms", "LOG-4",
                         "a log lists 1 to 8 algorithms", n, max_log_banks};
        const u32 fixed = spec_id_head_size + 4 * n + 1;  // up to and including vendorInfoSize
        if (event_size < fixed)
            return error{errc::entry_size_mismatch, 28, no_entry, "TCG_PCR_EVENT.EventSize", "LOG-7",
                         "EventSize must hold digestSizes[numberOfAlgorithms] and vendorInfoSize", event_size, fixed};
        s.number_of_algorithms = n;
        for (u32 i = 0; i < n; ++i) {
            const u32 at = h + spec_id_head_size + 4 * i;
            const auto alg = static_cast<hash_alg>(load_le(b, at, 2));
            const u32 size = static_cast<u32>(load_le(b, at + 2, 2));
            const u32 want = digest_size(alg);
            if (want != 0 && size != want)
                return error{errc::digest_size_mismatch, at + 2, no_entry, "TCG_EfiSpecIDEvent.digestSizes.digestSize",
                             "LOG-5", "digestSize must be the algorithm's digest size", size, want};
            if (want == 0) {
                if (size == 0 || size > max_digest_size)
                    return error{errc::digest_size_mismatch, at + 2, no_entry,
                                 "TCG_EfiSpecIDEvent.digestSizes.digestSize", "LOG-5",
                                 "an unknown algorithm's digestSize must be 1 to 64", size, max_digest_size};
                if (!tolerate(log_quirk::unknown_algorithm,
                              error{errc::unknown_algorithm, at, no_entry, "TCG_EfiSpecIDEvent.digestSizes.algorithmId",
                                    "LOG-6", "slrt does not know this algorithm, so its bank cannot be replayed",
                                    static_cast<u16>(alg), 0}))
                    return failure;
            }
            for (u32 j = 0; j < i; ++j)
                if (s.digest_sizes[j].alg == alg)
                    return error{errc::duplicate_entry, at, no_entry, "TCG_EfiSpecIDEvent.digestSizes.algorithmId",
                                 "LOG-17", "each algorithm is listed once", static_cast<u16>(alg), 0};
            s.digest_sizes[i] = {alg, static_cast<u16>(size)};
            log.banks_[i] = s.digest_sizes[i];
        }
        log.bank_count_ = n;
        const u32 vis_at = h + fixed - 1;
        const u32 vendor_info_size = b[vis_at];
        if (event_size - fixed < vendor_info_size)
            return error{errc::entry_size_mismatch, vis_at, no_entry, "TCG_EfiSpecIDEvent.vendorInfoSize", "LOG-7",
                         "vendorInfo runs past EventSize", vendor_info_size, event_size - fixed};
        s.vendor_info = b.subview(h + fixed, vendor_info_size);
        if (event_size - fixed > vendor_info_size &&
            !tolerate(log_quirk::header_trailing_bytes,
                      error{errc::entry_size_mismatch, 28, no_entry, "TCG_PCR_EVENT.EventSize", "LOG-7",
                            "EventSize must equal the Spec ID event's size", event_size, fixed + vendor_info_size}))
            return failure;
        log.events_offset_ = h + event_size;
        log.region_end_ = static_cast<u32>(b.size());
        return success;
    }

    // TXT Event Container (txt.md §8.1).
    constexpr status txt12_header(byte_view b) {
        const u32 size = static_cast<u32>(b.size());
        if (size < txt_container_header_size)
            return error{errc::truncated_header, 0, no_entry, "txt_event_container", "LOG-20",
                         "the container header needs 48 bytes", size, txt_container_header_size};
        if (!equal(b.subview(0, 20), byte_view(txt_event_container_signature)))
            return error{errc::bad_magic, 0, no_entry, "txt_event_container.Signature", "LOG-21",
                         "signature must be \"TXT Event Container\"", 0, 0};
        const txt_container_info c = decode_txt_container(b);
        log.container_ = c;
        if (c.container_ver_major != 1)
            return error{errc::bad_revision, 32, no_entry, "txt_event_container.ContainerVerMajor", "LOG-22",
                         "container version 1.x", c.container_ver_major, 1};
        if (c.pcr_event_ver_major != 1)
            return error{errc::bad_revision, 34, no_entry, "txt_event_container.PCREventVerMajor", "LOG-22",
                         "PCR event version 1.x", c.pcr_event_ver_major, 1};
        for (u32 i = 20; i < 32; ++i)
            if (b[i] != 0) {
                if (!tolerate(log_quirk::reserved_nonzero,
                              error{errc::reserved_nonzero, i, no_entry, "txt_event_container.Reserved", "LOG-23",
                                    "reserved bytes must be zero", b[i], 0}))
                    return failure;
                break;
            }
        if (c.container_size > size &&
            !tolerate(log_quirk::container_truncated,
                      error{errc::size_exceeds_buffer, 36, no_entry, "txt_event_container.ContainerSize", "LOG-24",
                            "ContainerSize runs past the bytes given", c.container_size, size}))
            return failure;
        if (c.pcr_events_offset < txt_container_header_size)
            return error{errc::size_too_small, 40, no_entry, "txt_event_container.PCREventsOffset", "LOG-25",
                         "events start after the 48-byte header", c.pcr_events_offset, txt_container_header_size};
        if (c.pcr_events_offset != txt_container_header_size &&
            !tolerate(log_quirk::events_offset_not_48,
                      error{errc::value_out_of_range, 40, no_entry, "txt_event_container.PCREventsOffset", "LOG-25",
                            "the launcher sets PCREventsOffset to 48", c.pcr_events_offset,
                            txt_container_header_size}))
            return failure;
        if (c.next_event_offset < c.pcr_events_offset)
            return error{errc::value_out_of_range, 44, no_entry, "txt_event_container.NextEventOffset", "LOG-26",
                         "NextEventOffset must not precede PCREventsOffset", c.next_event_offset, c.pcr_events_offset};
        if (c.next_event_offset > c.container_size)
            return error{errc::value_out_of_range, 44, no_entry, "txt_event_container.NextEventOffset", "LOG-26",
                         "NextEventOffset must not pass ContainerSize", c.next_event_offset, c.container_size};
        if (c.next_event_offset > size)
            return error{errc::size_exceeds_buffer, 44, no_entry, "txt_event_container.NextEventOffset", "LOG-27",
                         "the events run past the bytes given", c.next_event_offset, size};
        log.banks_[0] = {hash_alg::sha1, 20};
        log.bank_count_ = 1;
        log.events_offset_ = c.pcr_events_offset;
        log.region_end_ = c.next_event_offset;
        return success;
    }

    // Original TXT TPM 2.0 format (txt.md §8.2).
    constexpr status txt_tpm2_header(byte_view b) {
        const result<u32> first = first_record(b, "LOG-30", "LOG-31");
        if (!first) return first.err();
        const u32 event_size = *first;
        constexpr u32 d = tcg_pcr_event_size;
        if (event_size < tcg_log_descriptor_size)
            return error{errc::entry_size_mismatch, 28, no_entry, "TCG_PCR_EVENT.EventSize", "LOG-32",
                         "the TCG_LOG_DESCRIPTOR needs 28 bytes", event_size, tcg_log_descriptor_size};
        if (!equal(b.subview(d, 16), byte_view(frmt_id_event00_signature)))
            return error{errc::bad_magic, d, no_entry, "TCG_LOG_DESCRIPTOR.Signature", "LOG-31",
                         "signature must be \"FRMT ID EVENT00\"", 0, 0};
        const u32 revision = static_cast<u32>(load_le(b, d + offsetof(wire::tcg_log_descriptor, revision), 4));
        if (revision != 1)
            return error{errc::bad_revision, d + offsetof(wire::tcg_log_descriptor, revision), no_entry,
                         "TCG_LOG_DESCRIPTOR.Revision", "LOG-33", "revision must be 1", revision, 1};
        const u32 alg_at = d + offsetof(wire::tcg_log_descriptor, digest_alg_id);
        const u32 alg_id = static_cast<u32>(load_le(b, alg_at, 4));
        hash_alg alg{};
        if (!txt_digest_alg(alg_id, alg))
            return error{errc::unknown_algorithm, alg_at, no_entry, "TCG_LOG_DESCRIPTOR.DigestAlgID", "LOG-34",
                         "DigestAlgID is 1 SHA1, 2 SHA256, 3 SHA384, 4 SHA512 or 5 SM3", alg_id, 5};
        const u32 size_at = d + offsetof(wire::tcg_log_descriptor, digest_size);
        const u32 size = static_cast<u32>(load_le(b, size_at, 4));
        if (size != digest_size(alg))
            return error{errc::digest_size_mismatch, size_at, no_entry, "TCG_LOG_DESCRIPTOR.DigestSize", "LOG-35",
                         "DigestSize must be the algorithm's digest size", size, digest_size(alg)};
        if (event_size > tcg_log_descriptor_size &&
            !tolerate(log_quirk::header_trailing_bytes,
                      error{errc::entry_size_mismatch, 28, no_entry, "TCG_PCR_EVENT.EventSize", "LOG-32",
                            "EventSize of the header record must be 28", event_size, tcg_log_descriptor_size}))
            return failure;
        log.banks_[0] = {alg, static_cast<u16>(size)};
        log.bank_count_ = 1;
        log.events_offset_ = d + event_size;
        log.region_end_ = static_cast<u32>(b.size());
        return success;
    }

    // A record that reads as the end of the log (see the file comment).
    constexpr bool end_marker(byte_view rest) const {
        const u32 marker = log.format_ == event_log_format::tcg ? tcg_pcr_event2_head_size : 12u + log.banks_[0].digest_size;
        return rest.size() >= marker && all_zero(rest.subview(0, marker));
    }

    // Content rules of one decoded event.
    constexpr bool content(const event& e) {
        if (log.format_ == event_log_format::tcg && e.digest_count < log.bank_count_ &&
            !tolerate(log_quirk::missing_bank_digest,
                      error{errc::count_mismatch, e.offset + 8, e.index, "TCG_PCR_EVENT2.Digests.count", "LOG-9",
                            "every event carries a digest for each algorithm of the Spec ID event", e.digest_count,
                            log.bank_count_}))
            return false;
        if (extends_pcr(e.type) && e.type != txt_evtype_pcrmapping && e.pcr >= pcr_count &&
            !tolerate(log_quirk::pcr_out_of_range,
                      error{errc::pcr_out_of_range, e.offset, e.index, "PCRIndex", "LOG-13",
                            "an extended event's PCR index must be below 24", e.pcr, pcr_count - 1}))
            return false;
        if (e.type == ev_no_action) {
            for (u32 i = 0; i < e.digest_count; ++i)
                if (!all_zero(byte_view(e.digests[i].bytes))) {
                    if (!tolerate(log_quirk::no_action_digest_nonzero,
                                  error{errc::reserved_nonzero, e.offset + 8, e.index, "digest", "LOG-15",
                                        "an EV_NO_ACTION event's digests are all zero", static_cast<u16>(e.digests[i].alg),
                                        0}))
                        return false;
                    break;
                }
        }
        return true;
    }

    constexpr status events() {
        const byte_view region = log.bytes_.subview(0, log.region_end_);
        u32 at = log.events_offset_;
        u32 index = 0;
        event e{};
        for (;;) {
            const u32 remaining = log.region_end_ - at;
            if (remaining == 0) break;
            if (log.format_ != event_log_format::txt12) {
                const byte_view rest = region.subview(at);
                if (all_zero(rest)) break;  // the zero tail
                if (end_marker(rest)) {
                    if (!tolerate(log_quirk::trailing_garbage,
                                  error{errc::trailing_bytes, at, index, "event", "LOG-14",
                                        "nonzero bytes follow an end-of-log record", remaining, 0}))
                        return failure;
                    break;
                }
            }
            const result<u32> n = log.decode(at, index, e);
            if (!n) return n.err();
            if (!content(e)) return failure;
            at += *n;
            ++index;
        }
        log.events_end_ = at;
        log.event_count_ = index;
        return success;
    }
};

}  // namespace log_detail

// Validates `bytes` as one log of `options.format` (see the rules above) and returns the view.
constexpr result<event_log> parse_event_log(byte_view bytes, const log_parse_options& options) {
    if (log_detail::exceeds_u32(bytes.size()))
        return error{errc::value_out_of_range, 0, no_entry, "log", "LOG-16", "an event log is smaller than 4 GiB",
                     static_cast<u64>(bytes.size()), 0xffffffffu};
    event_log log;
    log.format_ = options.format;
    log.mode_ = options.mode;
    log.bytes_ = bytes;
    log_detail::parser p{log, options.mode};
    status s = success;
    switch (options.format) {
        case event_log_format::tcg: s = p.tcg_header(bytes); break;
        case event_log_format::txt12: s = p.txt12_header(bytes); break;
        case event_log_format::txt_tpm2: s = p.txt_tpm2_header(bytes); break;
    }
    if (!s) return s.err();
    if (const status e = p.events(); !e) return e.err();
    return log;
}

// ---------------------------------------------------------------------------------------------
// Writing


// Header fields of a TCG log other than its banks (skinit-arm-tcg.md §C.3).
struct tcg_header_options {
    u32 platform_class = 0;
    u8 spec_version_minor = 0;
    u8 spec_version_major = 2;
    u8 spec_errata = 0;
    u8 uintn_size = 2;         // UINT64
    byte_view vendor_info{};   // at most 255 bytes
};

// Appends records to a log in a caller's buffer. Every call either succeeds or returns an
// error and leaves the buffer exactly as it was; the buffer always holds a valid log (init
// zero-fills it, so a TCG or original-format log ends in a zero tail). The writer produces
// only strictly valid logs: parse_event_log(bytes(), {format(), mode::strict}) accepts them.
class log_writer {
public:
    constexpr log_writer() = default;
    constexpr explicit log_writer(mutable_byte_view buffer) : buffer_(buffer) {}

    // A TCG log whose Spec ID event lists `algs` in this order.
    constexpr status init_tcg(const hash_alg* algs, u32 count, const tcg_header_options& o = {}) {
        if (count == 0 || count > max_log_banks)
            return error{errc::bad_argument, 0, no_entry, "banks", "LOG-42", "a log has 1 to 8 banks", count,
                         max_log_banks};
        spec_id_event s;
        s.platform_class = o.platform_class;
        s.spec_version_minor = o.spec_version_minor;
        s.spec_version_major = o.spec_version_major;
        s.spec_errata = o.spec_errata;
        s.uintn_size = o.uintn_size;
        s.vendor_info = o.vendor_info;
        s.number_of_algorithms = count;
        for (u32 i = 0; i < count; ++i) s.digest_sizes[i] = {algs[i], static_cast<u16>(digest_size(algs[i]))};
        return init_tcg(s);
    }

    // A TCG log with this Spec ID event (for example one parse_event_log returned).
    constexpr status init_tcg(const spec_id_event& s) {
        const u32 n = s.number_of_algorithms;
        if (n == 0 || n > max_log_banks)
            return error{errc::bad_argument, 0, no_entry, "banks", "LOG-42", "a log has 1 to 8 banks", n, max_log_banks};
        for (u32 i = 0; i < n; ++i) {
            const hash_alg a = s.digest_sizes[i].alg;
            if (digest_size(a) == 0 || s.digest_sizes[i].digest_size != digest_size(a))
                return error{errc::unknown_algorithm, 0, i, "banks", "LOG-41",
                             "every bank is an algorithm slrt knows, with its digest size", static_cast<u16>(a), 0};
            for (u32 j = 0; j < i; ++j)
                if (s.digest_sizes[j].alg == a)
                    return error{errc::bad_argument, 0, i, "banks", "LOG-42", "each bank is listed once",
                                 static_cast<u16>(a), 0};
        }
        if (s.vendor_info.size() > 0xff)
            return error{errc::bad_argument, 0, no_entry, "vendor_info", "LOG-42", "vendorInfo holds at most 255 bytes",
                         s.vendor_info.size(), 0xff};
        const u64 need = tcg_header_record_size(s);
        if (const status r = room(need, buffer_.size()); !r) return r;
        fill(buffer_, 0, buffer_.size(), 0);
        encode_tcg_header(buffer_, 0, s);
        start(event_log_format::tcg, static_cast<u32>(need), static_cast<u32>(buffer_.size()));
        bank_count_ = n;
        for (u32 i = 0; i < n; ++i) banks_[i] = s.digest_sizes[i];
        return success;
    }

    // A TPM 1.2 TXT container of `container_size` bytes (0: the whole buffer), both offsets 48.
    constexpr status init_txt12(u32 container_size = 0) {
        txt_container_info c;
        c.container_size = container_size;
        return init_txt12(c);
    }

    // The same with version fields as given (pcr_events_offset and next_event_offset are
    // ignored: a new container starts empty at 48).
    constexpr status init_txt12(const txt_container_info& info) {
        const u64 size = info.container_size == 0 ? u64{buffer_.size()} : u64{info.container_size};
        if (size < txt_container_header_size || size > buffer_.size() || log_detail::exceeds_u32(size))
            return error{errc::bad_argument, 36, no_entry, "ContainerSize", "LOG-42",
                         "the container holds its 48-byte header and fits the buffer (and 4 GiB)", size,
                         static_cast<u64>(buffer_.size())};
        if (info.container_ver_major != 1 || info.pcr_event_ver_major != 1)
            return error{errc::bad_argument, 32, no_entry, "ContainerVerMajor", "LOG-42", "container and event version 1.x",
                         info.container_ver_major, 1};
        txt_container_info c = info;
        c.container_size = static_cast<u32>(size);
        c.pcr_events_offset = c.next_event_offset = txt_container_header_size;
        fill(buffer_, 0, c.container_size, 0);
        encode_txt_container(buffer_, c);
        start(event_log_format::txt12, txt_container_header_size, c.container_size);
        bank_count_ = 1;
        banks_[0] = {hash_alg::sha1, 20};
        container_ = c;
        return success;
    }

    // An original-format TPM 2.0 log for one algorithm.
    constexpr status init_txt_tpm2(hash_alg alg) {
        if (txt_digest_alg_id(alg) == 0)
            return error{errc::unknown_algorithm, 0, no_entry, "alg", "LOG-41",
                         "the original format has SHA-1, SHA-256, SHA-384, SHA-512 and SM3 logs", static_cast<u16>(alg),
                         0};
        if (const status r = room(txt_tpm2_header_record_size, buffer_.size()); !r) return r;
        fill(buffer_, 0, buffer_.size(), 0);
        encode_txt_tpm2_header(buffer_, 0, alg);
        start(event_log_format::txt_tpm2, txt_tpm2_header_record_size, static_cast<u32>(buffer_.size()));
        bank_count_ = 1;
        banks_[0] = {alg, static_cast<u16>(digest_size(alg))};
        return success;
    }

    // Continues a log that lies at the start of this writer's buffer (as the kernel appends to
    // the log SINIT or SKL began). New records go after its last event, over any tail.
    constexpr status attach(const event_log& log) {
        if (log.bytes().data() != buffer_.data() || log.bytes().size() > buffer_.size())
            return error{errc::bad_argument, 0, no_entry, "log", "LOG-42", "the log must start the writer's buffer", 0,
                         0};
        u32 limit = static_cast<u32>(buffer_.size());
        if (log.format() == event_log_format::txt12) {
            if (log.container().container_size > buffer_.size())
                return error{errc::bad_argument, 36, no_entry, "ContainerSize", "LOG-42",
                             "the container must fit the writer's buffer", log.container().container_size,
                             static_cast<u64>(buffer_.size())};
            limit = log.container().container_size;
            container_ = log.container();
        }
        start(log.format(), log.events_end(), limit);
        events_ = log.event_count();
        bank_count_ = log.bank_count();
        for (u32 i = 0; i < bank_count_; ++i) banks_[i] = log.bank(i);
        return success;
    }

    // Appends one event; returns the record's offset. For TCG logs `digests` holds exactly one
    // digest per bank, in any order (written in that order); the single-bank formats take the
    // digest of their bank from the list.
    constexpr result<u32> append(u32 pcr, u32 type, const digest* digests, u32 count, byte_view data) {
        if (!initialized_)
            return error{errc::bad_argument, 0, no_entry, "log_writer", "LOG-42", "init or attach first", 0, 0};
        const u32 index = events_;
        if (extends_pcr(type) && type != txt_evtype_pcrmapping && pcr >= pcr_count)
            return error{errc::pcr_out_of_range, size_, index, "PCRIndex", "LOG-44",
                         "an extended event's PCR index must be below 24", pcr, pcr_count - 1};
        // The digests in write order and the size each is written with.
        const digest* chosen[max_log_banks] = {};
        u16 sizes[max_log_banks] = {};
        u32 n = 0;
        if (format_ == event_log_format::tcg) {
            if (count != bank_count_)
                return error{errc::count_mismatch, size_, index, "digests", "LOG-43",
                             "an event carries one digest per bank of the log", count, bank_count_};
            for (u32 i = 0; i < count; ++i) {
                const log_bank* b = find_bank(digests[i].alg);
                if (!b)
                    return error{errc::unknown_algorithm, size_, index, "digests", "LOG-43",
                                 "a digest's algorithm is not a bank of the log", static_cast<u16>(digests[i].alg), 0};
                for (u32 j = 0; j < i; ++j)
                    if (digests[j].alg == digests[i].alg)
                        return error{errc::duplicate_entry, size_, index, "digests", "LOG-43",
                                     "one digest per bank", static_cast<u16>(digests[i].alg), 0};
                chosen[n] = &digests[i];
                sizes[n++] = b->digest_size;
            }
        } else {
            for (u32 i = 0; i < count && n == 0; ++i)
                if (digests[i].alg == banks_[0].alg) {
                    chosen[n] = &digests[i];
                    sizes[n++] = banks_[0].digest_size;
                }
            if (n == 0)
                return error{errc::count_mismatch, size_, index, "digests", "LOG-43",
                             "the event has no digest for the log's bank", count, 1};
        }
        if (type == ev_no_action)
            for (u32 i = 0; i < n; ++i)
                if (!all_zero(byte_view(chosen[i]->bytes)))
                    return error{errc::reserved_nonzero, size_, index, "digests", "LOG-45",
                                 "an EV_NO_ACTION event's digests are all zero", static_cast<u16>(chosen[i]->alg), 0};
        u64 need = format_ == event_log_format::tcg
                       ? tcg_pcr_event2_head_size + 4u + u64{data.size()}
                       : single_digest_record_size(banks_[0].digest_size, data.size());
        if (format_ == event_log_format::tcg)
            for (u32 i = 0; i < n; ++i) need += 2u + sizes[i];
        if (format_ == event_log_format::txt_tpm2 && pcr == 0 && type == 0 && data.size() == 0 &&
            all_zero(byte_view(chosen[0]->bytes)))
            return error{errc::bad_argument, size_, index, "event", "LOG-47",
                         "a record of zero bytes would read as the end of the log", 0, 0};
        if (need > 0xffffffffu - size_)
            return error{errc::value_out_of_range, size_, index, "EventSize", "LOG-46",
                         "the log would reach 4 GiB", need, 0xffffffffu - size_};
        if (const status r = room(need, limit_ - size_); !r) {
            error e = r.err();
            e.entry_index = index;
            return e;
        }
        const u32 at = size_;
        if (format_ == event_log_format::tcg) {
            digest ordered[max_log_banks] = {};
            for (u32 i = 0; i < n; ++i) ordered[i] = *chosen[i];
            encode_tcg_event2(buffer_, at, pcr, type, ordered, sizes, n, data);
        } else {
            encode_single_digest_event(buffer_, at, pcr, type, *chosen[0], sizes[0], data);
        }
        size_ = at + static_cast<u32>(need);
        ++events_;
        if (format_ == event_log_format::txt12) {
            container_.next_event_offset = size_;
            store_le(buffer_, offsetof(wire::txt_event_container, next_event_offset), 4, size_);
        }
        return at;
    }

    constexpr result<u32> append(const event& e) { return append(e.pcr, e.type, e.digests, e.digest_count, e.data); }

    // Measures `measured` into every bank of the log (the capped digest where slrt has no
    // implementation, as Linux does) and appends the event with `data` as its event data.
    // `digests_out`, when given, receives the digests in bank order (what a TPM extend needs).
    constexpr result<u32> append_measurement(u32 pcr, u32 type, byte_view measured, byte_view data,
                                             digest* digests_out = nullptr) {
        if (!initialized_)
            return error{errc::bad_argument, 0, no_entry, "log_writer", "LOG-42", "init or attach first", 0, 0};
        digest d[max_log_banks] = {};
        measure(measured, d);
        if (digests_out)
            for (u32 i = 0; i < bank_count_; ++i) digests_out[i] = d[i];
        if (type == ev_no_action)
            for (u32 i = 0; i < bank_count_; ++i) d[i] = digest{banks_[i].alg, {}};
        return append(pcr, type, d, bank_count_, data);
    }

    // Digests of `measured` in bank order, capped for banks slrt cannot compute.
    constexpr void measure(byte_view measured, digest* out) const {
        hash_alg supported[max_log_banks] = {};
        u32 where[max_log_banks] = {};
        u32 m = 0;
        for (u32 i = 0; i < bank_count_; ++i) {
            if (hasher(banks_[i].alg).supported()) {
                supported[m] = banks_[i].alg;
                where[m++] = i;
            } else {
                out[i] = capped_digest(banks_[i].alg);
            }
        }
        digest computed[max_log_banks] = {};
        hash_banks(supported, m, measured, computed);
        for (u32 k = 0; k < m; ++k) out[where[k]] = computed[k];
    }

    constexpr bool initialized() const { return initialized_; }
    constexpr event_log_format format() const { return format_; }
    constexpr u32 size() const { return size_; }        // header + events (txt12: NextEventOffset)
    constexpr u32 capacity() const { return limit_; }   // the buffer, or ContainerSize (txt12)
    constexpr u32 event_count() const { return events_; }
    constexpr u32 bank_count() const { return bank_count_; }
    constexpr const log_bank& bank(u32 i) const { return banks_[i]; }
    constexpr const log_bank* find_bank(hash_alg alg) const {
        for (u32 i = 0; i < bank_count_; ++i)
            if (banks_[i].alg == alg) return &banks_[i];
        return nullptr;
    }
    // The log's bytes: header and events. A TXT 1.2 log is its whole container (capacity()).
    constexpr byte_view bytes() const {
        return {buffer_.data(), format_ == event_log_format::txt12 ? limit_ : size_};
    }

private:
    constexpr status room(u64 need, u64 remaining) const {
        if (need > remaining)
            return error{errc::table_full, size_, no_entry, "log_writer", "LOG-40",
                         "the record does not fit in the space left", need, remaining};
        return success;
    }
    constexpr void start(event_log_format f, u32 size, u32 limit) {
        format_ = f;
        size_ = size;
        limit_ = limit;
        events_ = 0;
        initialized_ = true;
    }

    mutable_byte_view buffer_{};
    event_log_format format_ = event_log_format::tcg;
    bool initialized_ = false;
    u32 size_ = 0;
    u32 limit_ = 0;
    u32 events_ = 0;
    u32 bank_count_ = 0;
    log_bank banks_[max_log_banks]{};
    txt_container_info container_{};
};

}  // namespace slrt

// Replay (pcr_bank_set, replay()) builds on the parsed log; included here so that
// policy/eventlog.hpp is the one header a user needs. replay.hpp includes this file first.
#include "policy/replay.hpp"
