// SPDX-License-Identifier: MIT
// The TCG crypto-agile event log on the wire: the Spec ID Event03 header record and
// TCG_PCR_EVENT2 records (skinit-arm-tcg.md §C.1, §C.3, §C.4; txt.md §8.3). All fields are
// little-endian and packed, unlike TPM command marshalling.
//
// This header holds the byte layout and the framing codec of one record. What a whole log
// means (where it ends, which deviations a mode accepts, iteration) is policy/eventlog.hpp.
#pragma once

#include <cstddef>

#include "policy/digest.hpp"
#include "policy/event_types.hpp"
#include "slrt/bytes.hpp"
#include "slrt/error.hpp"

namespace slrt {

namespace wire {

// TCG_PCR_EVENT, the SHA-1 record (§C.1). The first record of a crypto-agile log, and every
// record of a TPM 1.2 log. Event[EventSize] follows.
struct tcg_pcr_event {
    le_u32 pcr_index;   // 0x00 PCRIndex
    le_u32 event_type;  // 0x04 EventType
    u8 digest[20];      // 0x08 Digest (SHA-1)
    le_u32 event_size;  // 0x1c EventSize
};
static_assert(sizeof(tcg_pcr_event) == 32 && alignof(tcg_pcr_event) == 1);
static_assert(offsetof(tcg_pcr_event, pcr_index) == 0x00);
static_assert(offsetof(tcg_pcr_event, event_type) == 0x04);
static_assert(offsetof(tcg_pcr_event, digest) == 0x08);
static_assert(offsetof(tcg_pcr_event, event_size) == 0x1c);

// TCG_EfiSpecIDEvent up to digestSizes (§C.3). Then {u16 algorithmId, u16 digestSize}
// [numberOfAlgorithms], u8 vendorInfoSize, u8 vendorInfo[vendorInfoSize].
struct spec_id_event_head {
    u8 signature[16];               // 0x00 "Spec ID Event03\0"
    le_u32 platform_class;          // 0x10 0 client, 1 server
    u8 spec_version_minor;          // 0x14 0
    u8 spec_version_major;          // 0x15 2
    u8 spec_errata;                 // 0x16 SKL 0, TF-A 2
    u8 uintn_size;                  // 0x17 1 = UINT32, 2 = UINT64
    le_u32 number_of_algorithms;    // 0x18 >= 1
};
static_assert(sizeof(spec_id_event_head) == 0x1c && alignof(spec_id_event_head) == 1);
static_assert(offsetof(spec_id_event_head, platform_class) == 0x10);
static_assert(offsetof(spec_id_event_head, spec_version_minor) == 0x14);
static_assert(offsetof(spec_id_event_head, spec_version_major) == 0x15);
static_assert(offsetof(spec_id_event_head, spec_errata) == 0x16);
static_assert(offsetof(spec_id_event_head, uintn_size) == 0x17);
static_assert(offsetof(spec_id_event_head, number_of_algorithms) == 0x18);

// TCG_PCR_EVENT2 up to the digests (§C.4). Then TPMT_HA[count] = {u16 hashAlg, digest},
// u32 EventSize, u8 Event[EventSize].
struct tcg_pcr_event2_head {
    le_u32 pcr_index;     // 0x00 PCRIndex
    le_u32 event_type;    // 0x04 EventType
    le_u32 digest_count;  // 0x08 Digests.count (TPML_DIGEST_VALUES)
};
static_assert(sizeof(tcg_pcr_event2_head) == 12 && alignof(tcg_pcr_event2_head) == 1);
static_assert(offsetof(tcg_pcr_event2_head, event_type) == 0x04);
static_assert(offsetof(tcg_pcr_event2_head, digest_count) == 0x08);

}  // namespace wire

inline constexpr u8 spec_id_event03_signature[16] = {'S', 'p', 'e', 'c', ' ', 'I', 'D', ' ',
                                                     'E', 'v', 'e', 'n', 't', '0', '3', 0};
inline constexpr u32 tcg_pcr_event_size = sizeof(wire::tcg_pcr_event);            // 32
inline constexpr u32 spec_id_head_size = sizeof(wire::spec_id_event_head);         // 0x1c
inline constexpr u32 tcg_pcr_event2_head_size = sizeof(wire::tcg_pcr_event2_head); // 12

// The Spec ID Event03 header, decoded (§C.3). vendor_info views the log's bytes.
struct spec_id_event {
    u32 platform_class = 0;
    u8 spec_version_minor = 0;
    u8 spec_version_major = 2;
    u8 spec_errata = 0;
    u8 uintn_size = 2;
    u32 number_of_algorithms = 0;
    log_bank digest_sizes[max_log_banks]{};  // {algorithmId, digestSize} in table order
    byte_view vendor_info{};

    // Bytes of the TCG_EfiSpecIDEvent: 0x1d + 4n + vendorInfoSize (Linux TCG_EfiSpecIdEvent_SIZE).
    constexpr u32 size() const {
        return spec_id_head_size + 4 * number_of_algorithms + 1 + static_cast<u32>(vendor_info.size());
    }
};

// Record sizes, for callers that size buffers. Digest sizes come from the bank table.
constexpr u64 tcg_header_record_size(const spec_id_event& s) { return u64{tcg_pcr_event_size} + s.size(); }
constexpr u64 tcg_event2_record_size(const log_bank* banks, u32 count, u64 data_size) {
    u64 n = tcg_pcr_event2_head_size + 4 + data_size;
    for (u32 i = 0; i < count; ++i) n += 2u + banks[i].digest_size;
    return n;
}

// Writes the header record: TCG_PCR_EVENT {PCR 0, EV_NO_ACTION, 20 zero bytes, EventSize}
// followed by the Spec ID event. Precondition: fits(out.size(), at, tcg_header_record_size(s)).
constexpr void encode_tcg_header(mutable_byte_view out, std::size_t at, const spec_id_event& s) {
    fill(out, at, tcg_pcr_event_size, 0);
    store_le(out, at + offsetof(wire::tcg_pcr_event, event_type), 4, ev_no_action);
    store_le(out, at + offsetof(wire::tcg_pcr_event, event_size), 4, s.size());
    const std::size_t h = at + tcg_pcr_event_size;
    copy(out, h, byte_view(spec_id_event03_signature));
    store_le(out, h + offsetof(wire::spec_id_event_head, platform_class), 4, s.platform_class);
    out[h + offsetof(wire::spec_id_event_head, spec_version_minor)] = s.spec_version_minor;
    out[h + offsetof(wire::spec_id_event_head, spec_version_major)] = s.spec_version_major;
    out[h + offsetof(wire::spec_id_event_head, spec_errata)] = s.spec_errata;
    out[h + offsetof(wire::spec_id_event_head, uintn_size)] = s.uintn_size;
    store_le(out, h + offsetof(wire::spec_id_event_head, number_of_algorithms), 4, s.number_of_algorithms);
    std::size_t p = h + spec_id_head_size;
    for (u32 i = 0; i < s.number_of_algorithms; ++i, p += 4) {
        store_le(out, p, 2, static_cast<u16>(s.digest_sizes[i].alg));
        store_le(out, p + 2, 2, s.digest_sizes[i].digest_size);
    }
    out[p] = static_cast<u8>(s.vendor_info.size());
    copy(out, p + 1, s.vendor_info);
}

// Writes one TCG_PCR_EVENT2. Each digest is written with the size its bank gives
// (`sizes[i]` for digests[i]). Precondition: the record fits at `at`.
constexpr void encode_tcg_event2(mutable_byte_view out, std::size_t at, u32 pcr, u32 type, const digest* digests,
                                 const u16* sizes, u32 count, byte_view data) {
    store_le(out, at + offsetof(wire::tcg_pcr_event2_head, pcr_index), 4, pcr);
    store_le(out, at + offsetof(wire::tcg_pcr_event2_head, event_type), 4, type);
    store_le(out, at + offsetof(wire::tcg_pcr_event2_head, digest_count), 4, count);
    std::size_t p = at + tcg_pcr_event2_head_size;
    for (u32 i = 0; i < count; ++i) {
        store_le(out, p, 2, static_cast<u16>(digests[i].alg));
        copy(out, p + 2, byte_view(digests[i].bytes, sizes[i]));
        p += 2u + sizes[i];
    }
    store_le(out, p, 4, data.size());
    copy(out, p + 4, data);
}

// Decodes the TCG_PCR_EVENT2 at `at` of `region` (framing only: every field inside the region,
// every digest of a bank the header lists, no bank twice). `banks` is the Spec ID table.
// Returns the record size. Rules: LOG-8, LOG-9, LOG-10, LOG-11, LOG-12 (policy/eventlog.hpp).
constexpr result<u32> decode_tcg_event2(byte_view region, u32 at, const log_bank* banks, u32 bank_count, u32 index,
                                        event& out) {
    const u32 end = static_cast<u32>(region.size());
    u32 remaining = end - at;
    if (remaining < tcg_pcr_event2_head_size)
        return error{errc::entry_header_truncated, at, index, "TCG_PCR_EVENT2", "LOG-8",
                     "PCRIndex, EventType and Digests.count need 12 bytes", tcg_pcr_event2_head_size, remaining};
    out = event{};
    out.pcr = static_cast<u32>(load_le(region, at, 4));
    out.type = static_cast<u32>(load_le(region, at + 4, 4));
    const u32 count = static_cast<u32>(load_le(region, at + 8, 4));
    if (count > bank_count)
        return error{errc::count_mismatch, at + 8, index, "TCG_PCR_EVENT2.Digests.count", "LOG-9",
                     "an event carries at most one digest per algorithm of the Spec ID event", count, bank_count};
    u32 p = at + tcg_pcr_event2_head_size;
    for (u32 i = 0; i < count; ++i) {
        remaining = end - p;
        if (remaining < 2)
            return error{errc::entry_exceeds_table, p, index, "TPMT_HA.hashAlg", "LOG-12",
                         "the digest list runs past the end of the log", 2, remaining};
        const auto alg = static_cast<hash_alg>(load_le(region, p, 2));
        u32 size = 0;
        bool listed = false;
        for (u32 b = 0; b < bank_count; ++b)
            if (banks[b].alg == alg) {
                listed = true;
                size = banks[b].digest_size;
            }
        if (!listed)
            return error{errc::unknown_algorithm, p, index, "TPMT_HA.hashAlg", "LOG-10",
                         "every digest's algorithm must be listed in the Spec ID event", static_cast<u16>(alg), 0};
        for (u32 j = 0; j < i; ++j)
            if (out.digests[j].alg == alg)
                return error{errc::duplicate_entry, p, index, "TPMT_HA.hashAlg", "LOG-11",
                             "an event carries one digest per algorithm", static_cast<u16>(alg), 0};
        if (remaining - 2 < size)
            return error{errc::entry_exceeds_table, p + 2, index, "TPMT_HA.digest", "LOG-12",
                         "the digest runs past the end of the log", size, remaining - 2};
        out.digests[i].alg = alg;
        for (u32 k = 0; k < size; ++k) out.digests[i].bytes[k] = region[p + 2 + k];
        p += 2 + size;
    }
    out.digest_count = count;
    remaining = end - p;
    if (remaining < 4)
        return error{errc::entry_exceeds_table, p, index, "TCG_PCR_EVENT2.EventSize", "LOG-12",
                     "EventSize runs past the end of the log", 4, remaining};
    const u32 size = static_cast<u32>(load_le(region, p, 4));
    if (remaining - 4 < size)
        return error{errc::entry_exceeds_table, p, index, "TCG_PCR_EVENT2.EventSize", "LOG-12",
                     "the event data runs past the end of the log", size, remaining - 4};
    out.data = region.subview(p + 4, size);
    out.offset = at;
    out.index = index;
    out.size = p + 4 + size - at;
    return out.size;
}

}  // namespace slrt
