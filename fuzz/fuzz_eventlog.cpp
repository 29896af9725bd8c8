// Fuzzes the event log parsers (and the TPM2 response decoders) and checks what a parse
// promises. The first input byte chooses the format (bits 0-1: tcg, txt12, txt-tpm2, or the
// detected one) and the replay start (bit 2); the rest is the log. Both modes run on every input.
//
// Invariants: iteration terminates and visits event_count() contiguous records, each inside the
// log; permissive accepts everything strict accepts and names a quirk for everything only it
// accepts; a strictly valid log re-written event by event with log_writer gives the identical
// bytes, and those bytes parse back to identical events; replay never fails on a parsed log;
// every error names an offset inside the input and formats into a bounded line.
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "policy/eventlog.hpp"
#include "policy/tpm2.hpp"

using namespace slrt;

#define FUZZ_CHECK(cond)           \
    do {                           \
        if (!(cond)) std::abort(); \
    } while (0)

namespace {

bool same_event(const event& a, const event& b) {
    if (a.pcr != b.pcr || a.type != b.type || a.digest_count != b.digest_count || a.size != b.size ||
        a.index != b.index || a.offset != b.offset || !equal(a.data, b.data))
        return false;
    for (u32 i = 0; i < a.digest_count; ++i)
        if (!(a.digests[i] == b.digests[i])) return false;
    return true;
}

void exercise(const event_log& log, std::size_t size) {
    FUZZ_CHECK(log.events_offset() <= log.events_end());
    FUZZ_CHECK(log.events_end() <= size);
    FUZZ_CHECK(log.tail_size() == size - log.events_end());
    FUZZ_CHECK(log.bank_count() >= 1 && log.bank_count() <= max_log_banks);
    u32 count = 0, next = log.events_offset();
    for (const event e : log) {
        FUZZ_CHECK(e.index == count);
        FUZZ_CHECK(e.offset == next);                  // records are contiguous
        FUZZ_CHECK(e.size >= 12 && fits(size, e.offset, e.size));
        FUZZ_CHECK(e.data.data() >= log.bytes().data() + e.offset);
        FUZZ_CHECK(e.data.data() + e.data.size() == log.bytes().data() + e.offset + e.size);  // data ends the record
        FUZZ_CHECK(e.digest_count <= log.bank_count());
        FUZZ_CHECK(++count <= size / 12 + 1);          // iteration terminates
        next = e.offset + e.size;
    }
    FUZZ_CHECK(count == log.event_count());
    FUZZ_CHECK(next == log.events_end());
}

// Strict acceptance: the writer reproduces the bytes, and they parse to the same events.
void round_trip(const event_log& log) {
    const u32 end = log.events_end();
    const u32 capacity = log.format() == event_log_format::txt12 ? log.container().container_size : end;
    std::vector<u8> again(capacity, 0);
    log_writer w(mutable_byte_view(again.data(), again.size()));
    status s = success;
    switch (log.format()) {
        case event_log_format::tcg: s = w.init_tcg(log.spec_id()); break;
        case event_log_format::txt12: s = w.init_txt12(log.container()); break;
        case event_log_format::txt_tpm2: s = w.init_txt_tpm2(log.bank(0).alg); break;
    }
    FUZZ_CHECK(s);
    for (const event e : log) FUZZ_CHECK(w.append(e));
    FUZZ_CHECK(w.size() == end);
    FUZZ_CHECK(equal(byte_view(again.data(), end), log.bytes().subview(0, end)));

    const result<event_log> back = parse_event_log(w.bytes(), {log.format(), mode::strict});
    FUZZ_CHECK(back && back->event_count() == log.event_count());
    auto a = log.begin();
    auto b = back->begin();
    for (; a != log.end(); ++a, ++b) FUZZ_CHECK(same_event(*a, *b));
}

void check_error(const error& e, std::size_t size) {
    FUZZ_CHECK(e.code != errc::ok);
    FUZZ_CHECK(e.offset <= size);
    char line[320];
    FUZZ_CHECK(format_error(e, line, sizeof line) < sizeof line);
}

void tpm2_decoders(byte_view in) {
    if (const result<tpm2_response> r = tpm2_decode_response(in); r)
        FUZZ_CHECK(r->size == in.size() && r->body.size() == r->size - tpm2_header_size);
    else
        check_error(r.err(), in.size());
    (void)tpm2_decode_startup(in);
    (void)tpm2_decode_pcr_extend(in);
    if (const result<tpm2_pcr_read_result> r = tpm2_decode_pcr_read(in); r) {
        FUZZ_CHECK(r->digest_count <= tpm2_max_digests && r->digest_count == r->selection.total());
        for (u32 i = 0; i < r->digest_count; ++i) FUZZ_CHECK(r->selection.find(r->digests[i].alg));
    } else {
        check_error(r.err(), in.size());
    }
    if (const result<tpm2_pcr_allocation> r = tpm2_decode_get_capability_pcrs(in); r) {
        hash_alg banks[tpm2_max_selections];
        FUZZ_CHECK(r->active_banks(banks, tpm2_max_selections) <= r->banks.count);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const u8 selector = data[0];
    const byte_view input(data + 1, size - 1);
    event_log_format f = static_cast<event_log_format>(selector & 3);
    if ((selector & 3) == 3 && !detect_event_log_format(input, f)) f = event_log_format::tcg;
    const replay_options start{(selector & 4) ? pcr_start::pre_launch : pcr_start::drtm};

    const result<event_log> strict = parse_event_log(input, {f, mode::strict});
    const result<event_log> lax = parse_event_log(input, {f, mode::permissive});
    if (strict) {
        FUZZ_CHECK(lax);  // permissive accepts everything strict accepts
        FUZZ_CHECK(strict->quirks().empty());
        FUZZ_CHECK(lax->event_count() == strict->event_count());
        exercise(*strict, input.size());
        round_trip(*strict);
    } else {
        check_error(strict.err(), input.size());
    }
    if (lax) {
        exercise(*lax, input.size());
        if (!strict) FUZZ_CHECK(!lax->quirks().empty());
        pcr_bank_set pcrs;
        FUZZ_CHECK(replay(*lax, pcrs, start));
        FUZZ_CHECK(pcrs.count == lax->bank_count());
        for (u32 i = 0; i < pcrs.count; ++i)
            for (u32 p = 0; p < pcr_count; ++p) FUZZ_CHECK(pcrs.banks[i].extends[p] <= lax->event_count());
    } else {
        check_error(lax.err(), input.size());
    }
    tpm2_decoders(input);
    return 0;
}
