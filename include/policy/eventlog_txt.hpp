// SPDX-License-Identifier: MIT
// Intel TXT event logs on the wire (txt.md §8): the TPM 1.2 "TXT Event Container" with SHA-1
// records (§8.1), and the "original" TPM 2.0 format, one log per hash algorithm, whose first
// record carries a TCG_LOG_DESCRIPTOR "FRMT ID EVENT00" (§8.2). Little-endian and packed.
//
// Byte layout and the framing codec of one record only; whole-log rules are policy/eventlog.hpp.
#pragma once

#include <cstddef>

#include "policy/digest.hpp"
#include "policy/event_types.hpp"
#include "policy/eventlog_tcg.hpp"
#include "slrt/bytes.hpp"
#include "slrt/error.hpp"

namespace slrt {

namespace wire {

// TPM 1.2 event container header, 48 bytes (txt.md §8.1; SDG G.1 Table E-3). Records
// (TCG_PCR_EVENT, wire::tcg_pcr_event + data) follow from pcr_events_offset.
struct txt_event_container {
    u8 signature[20];              // 0  "TXT Event Container\0"
    u8 reserved[12];               // 20 zero
    u8 container_ver_major;        // 32 1
    u8 container_ver_minor;        // 33 0
    u8 pcr_event_ver_major;        // 34 1
    u8 pcr_event_ver_minor;        // 35 0
    le_u32 container_size;         // 36 allocated bytes, header and events included
    le_u32 pcr_events_offset;      // 40 first event, from the container start (48)
    le_u32 next_event_offset;      // 44 first free byte (48 when empty)
};
static_assert(sizeof(txt_event_container) == 48 && alignof(txt_event_container) == 1);
static_assert(offsetof(txt_event_container, reserved) == 20);
static_assert(offsetof(txt_event_container, container_ver_major) == 32);
static_assert(offsetof(txt_event_container, pcr_event_ver_minor) == 35);
static_assert(offsetof(txt_event_container, container_size) == 36);
static_assert(offsetof(txt_event_container, pcr_events_offset) == 40);
static_assert(offsetof(txt_event_container, next_event_offset) == 44);

// TCG_LOG_DESCRIPTOR, the data of the first record of an original-format TPM 2.0 log
// (txt.md §8.2; SDG G.2.2). That record is a TCG_PCR_EVENT {PCR 0, EV_NO_ACTION, 20 zero
// bytes, EventSize 28}; the records after it carry DigestSize-byte digests.
struct tcg_log_descriptor {
    u8 signature[16];       // 0  "FRMT ID EVENT00\0"
    le_u32 revision;        // 16 1
    le_u32 digest_alg_id;   // 20 1 SHA1, 2 SHA256, 3 SHA384, 4 SHA512, 5 SM3 (not TPM_ALG_ID numbering)
    le_u32 digest_size;     // 24
};
static_assert(sizeof(tcg_log_descriptor) == 28 && alignof(tcg_log_descriptor) == 1);
static_assert(offsetof(tcg_log_descriptor, revision) == 16);
static_assert(offsetof(tcg_log_descriptor, digest_alg_id) == 20);
static_assert(offsetof(tcg_log_descriptor, digest_size) == 24);

// HEAP_EVENT_LOG_DESCR: where SINIT finds one original-format log (txt.md §8.2; SDG G.2.1),
// inside the TXT heap's event log pointer element (element 7), one per algorithm.
struct heap_event_log_descr {
    le_u16 hash_alg_id;                     // 0  TPM_ALG_ID of this log's bank
    le_u16 reserved;                        // 2
    le_u64 physical_address;                // 4
    le_u32 allocated_event_container_size;  // 12 SINIT requires >= 4 KiB
    le_u32 first_record_offset;             // 16 0
    le_u32 next_record_offset;              // 20
};
static_assert(sizeof(heap_event_log_descr) == 24 && alignof(heap_event_log_descr) == 1);
static_assert(offsetof(heap_event_log_descr, physical_address) == 4);
static_assert(offsetof(heap_event_log_descr, allocated_event_container_size) == 12);
static_assert(offsetof(heap_event_log_descr, first_record_offset) == 16);
static_assert(offsetof(heap_event_log_descr, next_record_offset) == 20);

}  // namespace wire

inline constexpr u8 txt_event_container_signature[20] = {'T', 'X', 'T', ' ', 'E', 'v', 'e', 'n', 't', ' ',
                                                         'C', 'o', 'n', 't', 'a', 'i', 'n', 'e', 'r', 0};
inline constexpr u8 frmt_id_event00_signature[16] = {'F', 'R', 'M', 'T', ' ', 'I', 'D', ' ',
                                                     'E', 'V', 'E', 'N', 'T', '0', '0', 0};
inline constexpr u32 txt_container_header_size = sizeof(wire::txt_event_container);  // 48
inline constexpr u32 tcg_log_descriptor_size = sizeof(wire::tcg_log_descriptor);     // 28
inline constexpr u32 txt_tpm2_header_record_size = tcg_pcr_event_size + tcg_log_descriptor_size;  // 60

// The container header, decoded.
struct txt_container_info {
    u8 container_ver_major = 1;
    u8 container_ver_minor = 0;
    u8 pcr_event_ver_major = 1;
    u8 pcr_event_ver_minor = 0;
    u32 container_size = 0;
    u32 pcr_events_offset = txt_container_header_size;
    u32 next_event_offset = txt_container_header_size;
};

constexpr void encode_txt_container(mutable_byte_view out, const txt_container_info& c) {
    copy(out, 0, byte_view(txt_event_container_signature));
    fill(out, offsetof(wire::txt_event_container, reserved), 12, 0);
    out[offsetof(wire::txt_event_container, container_ver_major)] = c.container_ver_major;
    out[offsetof(wire::txt_event_container, container_ver_minor)] = c.container_ver_minor;
    out[offsetof(wire::txt_event_container, pcr_event_ver_major)] = c.pcr_event_ver_major;
    out[offsetof(wire::txt_event_container, pcr_event_ver_minor)] = c.pcr_event_ver_minor;
    store_le(out, offsetof(wire::txt_event_container, container_size), 4, c.container_size);
    store_le(out, offsetof(wire::txt_event_container, pcr_events_offset), 4, c.pcr_events_offset);
    store_le(out, offsetof(wire::txt_event_container, next_event_offset), 4, c.next_event_offset);
}

// Precondition: in.size() >= 48.
constexpr txt_container_info decode_txt_container(byte_view in) {
    txt_container_info c;
    c.container_ver_major = in[offsetof(wire::txt_event_container, container_ver_major)];
    c.container_ver_minor = in[offsetof(wire::txt_event_container, container_ver_minor)];
    c.pcr_event_ver_major = in[offsetof(wire::txt_event_container, pcr_event_ver_major)];
    c.pcr_event_ver_minor = in[offsetof(wire::txt_event_container, pcr_event_ver_minor)];
    c.container_size = static_cast<u32>(load_le(in, offsetof(wire::txt_event_container, container_size), 4));
    c.pcr_events_offset = static_cast<u32>(load_le(in, offsetof(wire::txt_event_container, pcr_events_offset), 4));
    c.next_event_offset = static_cast<u32>(load_le(in, offsetof(wire::txt_event_container, next_event_offset), 4));
    return c;
}

// DigestAlgID of a TCG_LOG_DESCRIPTOR (its own numbering, txt.md §8.2) <-> TPM_ALG_ID.
constexpr bool txt_digest_alg(u32 digest_alg_id, hash_alg& out) {
    switch (digest_alg_id) {
        case 1: out = hash_alg::sha1; return true;
        case 2: out = hash_alg::sha256; return true;
        case 3: out = hash_alg::sha384; return true;
        case 4: out = hash_alg::sha512; return true;
        case 5: out = hash_alg::sm3_256; return true;  // tboot's addition
        default: return false;
    }
}
constexpr u32 txt_digest_alg_id(hash_alg alg) {
    switch (alg) {
        case hash_alg::sha1: return 1;
        case hash_alg::sha256: return 2;
        case hash_alg::sha384: return 3;
        case hash_alg::sha512: return 4;
        case hash_alg::sm3_256: return 5;
    }
    return 0;
}

// Writes the first record of an original-format TPM 2.0 log: TCG_PCR_EVENT {0, EV_NO_ACTION,
// zero digest, 28} + TCG_LOG_DESCRIPTOR {"FRMT ID EVENT00", 1, DigestAlgID, DigestSize}.
// Precondition: 60 bytes fit at `at`; txt_digest_alg_id(alg) != 0.
constexpr void encode_txt_tpm2_header(mutable_byte_view out, std::size_t at, hash_alg alg) {
    fill(out, at, tcg_pcr_event_size, 0);
    store_le(out, at + offsetof(wire::tcg_pcr_event, event_type), 4, ev_no_action);
    store_le(out, at + offsetof(wire::tcg_pcr_event, event_size), 4, tcg_log_descriptor_size);
    const std::size_t d = at + tcg_pcr_event_size;
    copy(out, d, byte_view(frmt_id_event00_signature));
    store_le(out, d + offsetof(wire::tcg_log_descriptor, revision), 4, 1);
    store_le(out, d + offsetof(wire::tcg_log_descriptor, digest_alg_id), 4, txt_digest_alg_id(alg));
    store_le(out, d + offsetof(wire::tcg_log_descriptor, digest_size), 4, digest_size(alg));
}

// Where one original-format log lives (HEAP_EVENT_LOG_DESCR), decoded. The log's bytes are
// [first_record_offset, next_record_offset) of the buffer at physical_address.
struct txt_log_descriptor {
    hash_alg alg{};
    u16 reserved = 0;
    u64 physical_address = 0;
    u32 allocated_event_container_size = 0;
    u32 first_record_offset = 0;
    u32 next_record_offset = 0;
};

// Precondition: in.size() >= 24.
constexpr txt_log_descriptor decode_heap_event_log_descr(byte_view in) {
    txt_log_descriptor d;
    d.alg = static_cast<hash_alg>(load_le(in, offsetof(wire::heap_event_log_descr, hash_alg_id), 2));
    d.reserved = static_cast<u16>(load_le(in, offsetof(wire::heap_event_log_descr, reserved), 2));
    d.physical_address = load_le(in, offsetof(wire::heap_event_log_descr, physical_address), 8);
    d.allocated_event_container_size =
        static_cast<u32>(load_le(in, offsetof(wire::heap_event_log_descr, allocated_event_container_size), 4));
    d.first_record_offset = static_cast<u32>(load_le(in, offsetof(wire::heap_event_log_descr, first_record_offset), 4));
    d.next_record_offset = static_cast<u32>(load_le(in, offsetof(wire::heap_event_log_descr, next_record_offset), 4));
    return d;
}

// Precondition: out.size() >= 24.
constexpr void encode_heap_event_log_descr(mutable_byte_view out, const txt_log_descriptor& d) {
    store_le(out, offsetof(wire::heap_event_log_descr, hash_alg_id), 2, static_cast<u16>(d.alg));
    store_le(out, offsetof(wire::heap_event_log_descr, reserved), 2, d.reserved);
    store_le(out, offsetof(wire::heap_event_log_descr, physical_address), 8, d.physical_address);
    store_le(out, offsetof(wire::heap_event_log_descr, allocated_event_container_size), 4,
             d.allocated_event_container_size);
    store_le(out, offsetof(wire::heap_event_log_descr, first_record_offset), 4, d.first_record_offset);
    store_le(out, offsetof(wire::heap_event_log_descr, next_record_offset), 4, d.next_record_offset);
}

// The log bytes a descriptor names inside the buffer it points at (`buffer` starts at
// physical_address): [first_record_offset, next_record_offset), checked against the buffer
// and the allocated size. Rule LOG-36.
constexpr result<byte_view> txt_log_bytes(const txt_log_descriptor& d, byte_view buffer) {
    const u64 limit = d.allocated_event_container_size < buffer.size() ? d.allocated_event_container_size
                                                                      : u64{buffer.size()};
    if (d.first_record_offset > d.next_record_offset || d.next_record_offset > limit)
        return error{errc::entry_exceeds_table, 0, no_entry, "HEAP_EVENT_LOG_DESCR.NextRecordOffset", "LOG-36",
                     "FirstRecordOffset <= NextRecordOffset <= AllocatedEventContainerSize and the buffer",
                     d.next_record_offset, limit};
    return buffer.subview(d.first_record_offset, d.next_record_offset - d.first_record_offset);
}

// One record with a single fixed-size digest: TCG_PCR_EVENT (SHA-1, 20 bytes) in a TPM 1.2
// container, or an original-format TPM 2.0 record (DigestSize bytes of the log's algorithm).
constexpr u64 single_digest_record_size(u32 digest_bytes, u64 data_size) { return 12u + digest_bytes + data_size; }

// Precondition: the record fits at `at`.
constexpr void encode_single_digest_event(mutable_byte_view out, std::size_t at, u32 pcr, u32 type, const digest& d,
                                          u32 digest_bytes, byte_view data) {
    store_le(out, at, 4, pcr);
    store_le(out, at + 4, 4, type);
    copy(out, at + 8, byte_view(d.bytes, digest_bytes));
    store_le(out, at + 8 + digest_bytes, 4, data.size());
    copy(out, at + 12 + digest_bytes, data);
}

// Decodes the record at `at` of `region`: u32 PCRIndex, u32 EventType, digest[bank.digest_size],
// u32 EventSize, data. Returns the record size. Rules LOG-8, LOG-12.
constexpr result<u32> decode_single_digest_event(byte_view region, u32 at, log_bank bank, u32 index, event& out) {
    const u32 end = static_cast<u32>(region.size());
    const u32 remaining = end - at;
    const u32 fixed = 12u + bank.digest_size;
    if (remaining < fixed)
        return error{errc::entry_header_truncated, at, index, "TCG_PCR_EVENT", "LOG-8",
                     "PCRIndex, EventType, the digest and EventSize do not fit", fixed, remaining};
    out = event{};
    out.pcr = static_cast<u32>(load_le(region, at, 4));
    out.type = static_cast<u32>(load_le(region, at + 4, 4));
    out.digest_count = 1;
    out.digests[0].alg = bank.alg;
    for (u32 k = 0; k < bank.digest_size; ++k) out.digests[0].bytes[k] = region[at + 8 + k];
    const u32 size = static_cast<u32>(load_le(region, at + 8 + bank.digest_size, 4));
    if (remaining - fixed < size)
        return error{errc::entry_exceeds_table, at + 8 + bank.digest_size, index, "TCG_PCR_EVENT.EventSize", "LOG-12",
                     "the event data runs past the end of the log", size, remaining - fixed};
    out.data = region.subview(at + fixed, size);
    out.offset = at;
    out.index = index;
    out.size = fixed + size;
    return out.size;
}

}  // namespace slrt
