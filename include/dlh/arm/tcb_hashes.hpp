// SPDX-License-Identifier: MIT
// The TCB hash table: hashes of TCB components (ACPI tables among them) the DCE hands to the
// DLME, and the table DRTM_SET_TCB_HASH takes (skinit-arm-tcg.md §B.7; [ACS] acs_drtm.h
// DRTM_TCB_HASH_TABLE, dl005.c).
//
//   0x00 u16 revision (1)   0x02 u16 num_hashes   0x04 u16 hash_algo (TPM_ALG_ID)   0x06 u16 reserved
//   0x08 + (4 + D) i: u32 hash_id, u8 digest[D], D = the digest size of hash_algo
//
// Rules (offsets relative to the table's bytes; dlme_data.hpp rebases them):
//   ARM-55 truncated_header     the 8-byte header does not fit
//   ARM-56 unsupported_version  revision is not 1 (R314130)
//   ARM-57 not_found            num_hashes is 0 (R314130)
//   ARM-58 unknown_algorithm    hash_algo is not a TPM_ALG_ID with a known digest size
//   ARM-59 reserved_nonzero     the reserved u16 is not zero
//   ARM-60 count_mismatch       the table's size is not 8 + num_hashes * (4 + D)
//   ARM-61 value_out_of_range   more hashes than the platform's maximum (DRTM_FEATURES 0x05
//                               [7:0]; R315040)
//   ARM-52 buffer_too_small     the encoder's buffer is too small
//   ARM-53 bad_argument         encoder input: an unknown algorithm or a digest of another size
#pragma once

#include <cstddef>

#include "dlh/arm/base.hpp"

namespace dlh::arm {

namespace wire {

struct tcb_hash_table_header {
    slrt::le_u16 revision;    // 0x00 1
    slrt::le_u16 num_hashes;  // 0x02
    slrt::le_u16 hash_algo;   // 0x04 TPM_ALG_ID
    slrt::le_u16 reserved;    // 0x06 0
};
static_assert(sizeof(tcb_hash_table_header) == 8 && alignof(tcb_hash_table_header) == 1);
static_assert(offsetof(tcb_hash_table_header, revision) == 0x00);
static_assert(offsetof(tcb_hash_table_header, num_hashes) == 0x02);
static_assert(offsetof(tcb_hash_table_header, hash_algo) == 0x04);
static_assert(offsetof(tcb_hash_table_header, reserved) == 0x06);

}  // namespace wire

inline constexpr u32 tcb_hash_table_header_size = sizeof(wire::tcb_hash_table_header);  // 8
inline constexpr u16 tcb_hash_table_revision = 1;

// Digest sizes of the TPM_ALG_IDs a TCB hash table may name (skinit-arm-tcg.md §C.6); 0 for
// any other id.
constexpr u32 tpm_alg_digest_size(u16 alg) {
    switch (alg) {
        case 0x0004: return 20;  // SHA1
        case 0x000b: return 32;  // SHA256
        case 0x000c: return 48;  // SHA384
        case 0x000d: return 64;  // SHA512
        case 0x0012: return 32;  // SM3_256
        case 0x0027: return 32;  // SHA3_256
        case 0x0028: return 48;  // SHA3_384
        case 0x0029: return 64;  // SHA3_512
    }
    return 0;
}

struct tcb_hash {
    u32 hash_id = 0;
    byte_view digest{};
};

class tcb_hash_table {
public:
    constexpr tcb_hash_table() = default;

    constexpr u16 revision() const { return revision_; }
    constexpr u16 num_hashes() const { return num_hashes_; }
    constexpr u16 hash_algo() const { return hash_algo_; }
    constexpr u32 digest_size() const { return tpm_alg_digest_size(hash_algo_); }
    constexpr byte_view bytes() const { return bytes_; }
    // Hash i, viewing the caller's bytes (which must not change after the parse).
    constexpr tcb_hash hash(u32 i) const {
        const u64 stride = 4u + digest_size();
        const u64 at = tcb_hash_table_header_size + u64{i} * stride;
        if (at > bytes_.size() || stride > bytes_.size() - at) return {};
        const std::size_t p = static_cast<std::size_t>(at);
        return {static_cast<u32>(load_le(bytes_, p, 4)), bytes_.subview(p + 4, digest_size())};
    }

private:
    friend constexpr result<tcb_hash_table> parse_tcb_hash_table(byte_view, u32);
    u16 revision_ = 0;
    u16 num_hashes_ = 0;
    u16 hash_algo_ = 0;
    byte_view bytes_{};
};

constexpr u64 tcb_hash_table_size(u16 alg, u32 count) {
    return tcb_hash_table_header_size + u64{count} * (4u + tpm_alg_digest_size(alg));
}

// Checks `bytes` as one TCB hash table. `max_hashes` is the platform's limit (feature 0x05),
// 0 when unknown (ARM-61 is then not checked).
constexpr result<tcb_hash_table> parse_tcb_hash_table(byte_view bytes, u32 max_hashes = 0) {
    const u64 size = bytes.size();
    if (size < tcb_hash_table_header_size)
        return arm_error(errc::truncated_header, 0, no_entry, "tcb_hash_table", "ARM-55",
                         "a TCB hash table needs its 8-byte header", size, tcb_hash_table_header_size);
    tcb_hash_table t;
    t.bytes_ = bytes;
    t.revision_ = static_cast<u16>(load_le(bytes, 0, 2));
    t.num_hashes_ = static_cast<u16>(load_le(bytes, 2, 2));
    t.hash_algo_ = static_cast<u16>(load_le(bytes, 4, 2));
    const u16 reserved = static_cast<u16>(load_le(bytes, 6, 2));
    if (t.revision_ != tcb_hash_table_revision)
        return arm_error(errc::unsupported_version, 0, no_entry, "tcb_hash_table.revision", "ARM-56",
                         "a TCB hash table has revision 1", t.revision_, tcb_hash_table_revision);
    if (t.num_hashes_ == 0)
        return arm_error(errc::not_found, 2, no_entry, "tcb_hash_table.num_hashes", "ARM-57",
                         "a TCB hash table holds at least one hash", 0, 1);
    if (t.digest_size() == 0)
        return arm_error(errc::unknown_algorithm, 4, no_entry, "tcb_hash_table.hash_algo", "ARM-58",
                         "hash_algo must be a TPM_ALG_ID with a known digest size", t.hash_algo_, 0);
    if (reserved != 0)
        return arm_error(errc::reserved_nonzero, 6, no_entry, "tcb_hash_table.reserved", "ARM-59",
                         "the reserved field must be zero", reserved, 0);
    const u64 want = tcb_hash_table_size(t.hash_algo_, t.num_hashes_);
    if (size != want)
        return arm_error(errc::count_mismatch, 2, no_entry, "tcb_hash_table.num_hashes", "ARM-60",
                         "the table's size must be 8 + num_hashes * (4 + digest size)", size, want);
    if (max_hashes != 0 && t.num_hashes_ > max_hashes)
        return arm_error(errc::value_out_of_range, 2, no_entry, "tcb_hash_table.num_hashes", "ARM-61",
                         "more TCB hashes than the platform's maximum (DRTM_FEATURES 0x05)", t.num_hashes_,
                         max_hashes);
    return t;
}

// Writes a table (revision 1) at the start of `out`; unchanged on failure.
constexpr status encode_tcb_hash_table(u16 alg, const tcb_hash* hashes, u16 count, mutable_byte_view out) {
    const u32 d = tpm_alg_digest_size(alg);
    if (d == 0)
        return arm_error(errc::bad_argument, 4, no_entry, "tcb_hash_table.hash_algo", "ARM-53",
                         "hash_algo must be a TPM_ALG_ID with a known digest size", alg, 0);
    for (u32 i = 0; i < count; ++i)
        if (hashes[i].digest.size() != d)
            return arm_error(errc::bad_argument, 0, i, "tcb_hash_table.digest", "ARM-53",
                             "every digest has the size of hash_algo", hashes[i].digest.size(), d);
    const u64 need = tcb_hash_table_size(alg, count);
    if (need > out.size())
        return arm_error(errc::buffer_too_small, 0, no_entry, "tcb_hash_table", "ARM-52",
                         "the buffer cannot hold the table", out.size(), need);
    store_le(out, 0, 2, tcb_hash_table_revision);
    store_le(out, 2, 2, count);
    store_le(out, 4, 2, alg);
    store_le(out, 6, 2, 0);
    std::size_t at = tcb_hash_table_header_size;
    for (u32 i = 0; i < count; ++i) {
        store_le(out, at, 4, hashes[i].hash_id);
        slrt::copy(out, at + 4, hashes[i].digest);
        at += 4u + d;
    }
    return success;
}

}  // namespace dlh::arm
