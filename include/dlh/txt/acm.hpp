// SPDX-License-Identifier: MIT
// SINIT Authenticated Code Modules (ACMs): the module header, the Chipset ACM Information Table,
// the chipset / processor / TPM lists it points to, a bounded parser that applies the checks a
// launcher makes before GETSEC[SENTER], and a builder that writes synthetic modules for
// simulators and tests.
//
// Sources: Intel TXT Software Development Guide 315168-013 (SDG) Appendix A (Tables A-1..A-9),
// section 2.2.3 and its listing 3; tboot acmod.h/acmod.c (padding tolerance, info table
// version 9 chained lists); EDK2 IntelSiliconPkg Acm.h and UEFITool intel_acm.ksy (the 3072-bit
// header). spec/txt/acm.md lists every rule TXT-A<n> and every choice made where sources differ.
//
// The module layout:
//
//   0                       header (128 common bytes, then the key, exponent and signature)
//   HeaderLen·4             scratch area, ScratchSize·4 bytes
//   (HeaderLen+ScratchSize)·4   user area: the Chipset ACM Information Table first
//   ...                     chipset / processor / TPM lists (offsets from the module base), code
//   Size·4                  end of the module
//
// The information table is always located with (HeaderLen + ScratchSize)·4 (SDG listing 3), never
// with a header version's fixed size. Nothing here checks the signature: key and signature
// bytes are opaque data.
#pragma once

#include <cstddef>

#include "dlh/base.hpp"
#include "dlh/bits.hpp"
#include "dlh/range.hpp"
#include "dlh/txt/capabilities.hpp"
#include "slrt/bytes.hpp"
#include "slrt/error.hpp"

namespace dlh::txt {

// ---------------------------------------------------------------------------------------------
// Wire layouts (packed, little-endian; C interoperability only — decoding goes byte by byte)

namespace wire {

// SDG Table A-1: the first 128 bytes, common to header versions 0.0 and 3.0.
struct acm_header_common {
    le_u16 module_type;        // @0   2 = chipset ACM
    le_u16 module_subtype;     // @2   0 = SENTER/ENTERACCS module, 1 = executable at reset
    le_u32 header_len;         // @4   dwords
    le_u32 header_version;     // @8   major[31:16] minor[15:0]
    le_u16 chipset_id;         // @12  module release id
    le_u16 flags;              // @14  bit14 pre-production, bit15 debug signed
    le_u32 module_vendor;      // @16  0x8086
    le_u32 date;               // @20  BCD 0xYYYYMMDD
    le_u32 size;               // @24  dwords, whole module
    le_u16 txt_svn;            // @28
    le_u16 se_svn;             // @30
    le_u32 code_control;       // @32
    le_u32 error_entry_point;  // @36
    le_u32 gdt_limit;          // @40
    le_u32 gdt_base;           // @44  offset from the module base
    le_u32 seg_sel;            // @48  CS; DS/SS/ES = SegSel + 8
    le_u32 entry_point;        // @52  offset from the module base
    u8 reserved2[64];          // @56
    le_u32 key_size;           // @120 dwords
    le_u32 scratch_size;       // @124 dwords
};
static_assert(sizeof(acm_header_common) == 128 && alignof(acm_header_common) == 1);
static_assert(offsetof(acm_header_common, module_type) == 0 && offsetof(acm_header_common, module_subtype) == 2);
static_assert(offsetof(acm_header_common, header_len) == 4 && offsetof(acm_header_common, header_version) == 8);
static_assert(offsetof(acm_header_common, chipset_id) == 12 && offsetof(acm_header_common, flags) == 14);
static_assert(offsetof(acm_header_common, module_vendor) == 16 && offsetof(acm_header_common, date) == 20);
static_assert(offsetof(acm_header_common, size) == 24 && offsetof(acm_header_common, txt_svn) == 28);
static_assert(offsetof(acm_header_common, se_svn) == 30 && offsetof(acm_header_common, code_control) == 32);
static_assert(offsetof(acm_header_common, error_entry_point) == 36 && offsetof(acm_header_common, gdt_limit) == 40);
static_assert(offsetof(acm_header_common, gdt_base) == 44 && offsetof(acm_header_common, seg_sel) == 48);
static_assert(offsetof(acm_header_common, entry_point) == 52 && offsetof(acm_header_common, reserved2) == 56);
static_assert(offsetof(acm_header_common, key_size) == 120 && offsetof(acm_header_common, scratch_size) == 124);

// Header version 0.0 (SDG Table A-1): 2048-bit RSA, HeaderLen 161 dwords, KeySize 64 dwords.
struct acm_header_v0_0 {
    acm_header_common common;  // @0
    u8 rsa_pub_key[256];       // @128
    le_u32 rsa_pub_exp;        // @384
    u8 rsa_sig[256];           // @388 PKCS#1 v1.5; the header ends at 644
};
static_assert(sizeof(acm_header_v0_0) == 644 && alignof(acm_header_v0_0) == 1);
static_assert(offsetof(acm_header_v0_0, rsa_pub_key) == 128 && offsetof(acm_header_v0_0, rsa_pub_exp) == 384);
static_assert(offsetof(acm_header_v0_0, rsa_sig) == 388);

// Header version 3.0 (EDK2 ACM_HEADER_3, UEFITool intel_acm.ksy; newer than SDG-013): 3072-bit
// RSA, no exponent field, HeaderLen 224 dwords, KeySize 96 dwords.
struct acm_header_v3_0 {
    acm_header_common common;  // @0
    u8 rsa_pub_key[384];       // @128
    u8 rsa_sig[384];           // @512; the header ends at 896
};
static_assert(sizeof(acm_header_v3_0) == 896 && alignof(acm_header_v3_0) == 1);
static_assert(offsetof(acm_header_v3_0, rsa_pub_key) == 128 && offsetof(acm_header_v3_0, rsa_sig) == 512);

// Chipset ACM Information Table (SDG Table A-3). Fields are gated by Version.
struct acm_info_table {
    u8 uuid[16];                 // @0   acm_info_uuid
    u8 chipset_acm_type;         // @16  0 BIOS, 1 SINIT, 8/9 revocation ACMs
    u8 version;                  // @17  3..9 here
    le_u16 length;               // @18  bytes of this table
    le_u32 chipset_id_list;      // @20  offset from the module base
    le_u32 os_sinit_data_ver;    // @24  highest OsSinitData version supported
    le_u32 min_mle_header_ver;   // @28
    le_u32 capabilities;         // @32  v>=3, SDG Table 2-2
    u8 acm_version;              // @36  v>=3
    u8 acm_revision[3];          // @37  v>=6 (reserved before)
    le_u32 processor_id_list;    // @40  v>=4
    le_u32 tpm_info_list;        // @44  v>=5
};
static_assert(sizeof(acm_info_table) == 48 && alignof(acm_info_table) == 1);
static_assert(offsetof(acm_info_table, uuid) == 0 && offsetof(acm_info_table, chipset_acm_type) == 16);
static_assert(offsetof(acm_info_table, version) == 17 && offsetof(acm_info_table, length) == 18);
static_assert(offsetof(acm_info_table, chipset_id_list) == 20 && offsetof(acm_info_table, os_sinit_data_ver) == 24);
static_assert(offsetof(acm_info_table, min_mle_header_ver) == 28 && offsetof(acm_info_table, capabilities) == 32);
static_assert(offsetof(acm_info_table, acm_version) == 36 && offsetof(acm_info_table, acm_revision) == 37);
static_assert(offsetof(acm_info_table, processor_id_list) == 40 && offsetof(acm_info_table, tpm_info_list) == 44);

// Chipset ID list: u32 Count, then Count of these (SDG Tables ). SDG-013 calls bytes
// 10..15 reserved; tboot names them register_mask (used by CS2L lists) and extended_id.
struct acm_chipset_id {
    le_u32 flags;          // @0  bit0 RevisionIdMask
    le_u16 vendor_id;      // @4
    le_u16 device_id;      // @6
    le_u16 revision_id;    // @8
    le_u16 register_mask;  // @10 CS2L only
    le_u32 extended_id;    // @12
};
static_assert(sizeof(acm_chipset_id) == 16 && alignof(acm_chipset_id) == 1);
static_assert(offsetof(acm_chipset_id, vendor_id) == 4 && offsetof(acm_chipset_id, device_id) == 6);
static_assert(offsetof(acm_chipset_id, revision_id) == 8 && offsetof(acm_chipset_id, register_mask) == 10);
static_assert(offsetof(acm_chipset_id, extended_id) == 12);

// Processor ID list: u32 Count, then Count of these (SDG Tables; info table v>=4).
struct acm_processor_id {
    le_u32 fms;            // @0  CPUID.1:EAX value
    le_u32 fms_mask;       // @4
    le_u64 platform_id;    // @8  IA32_PLATFORM_ID value
    le_u64 platform_mask;  // @16
};
static_assert(sizeof(acm_processor_id) == 24 && alignof(acm_processor_id) == 1);
static_assert(offsetof(acm_processor_id, fms_mask) == 4 && offsetof(acm_processor_id, platform_id) == 8);
static_assert(offsetof(acm_processor_id, platform_mask) == 16);

// The Count that heads the chipset and processor lists.
struct acm_id_list_head {
    le_u32 count;  // @0
};
static_assert(sizeof(acm_id_list_head) == 4 && alignof(acm_id_list_head) == 1);

// TPM info list (SDG Tables; info table v>=5): then Count u16 TPM_ALG_ID values.
struct acm_tpm_info_list {
    le_u32 capabilities;  // @0  bits 1:0 extend policy, 5:2 family, 6 NV index set
    le_u16 count;         // @4
};
static_assert(sizeof(acm_tpm_info_list) == 6 && alignof(acm_tpm_info_list) == 1);
static_assert(offsetof(acm_tpm_info_list, count) == 4);

// Info table version 9: the lists follow the table as a chain of these headers, each followed
// by its payload (tboot acmod.h list_header_t; not in SDG-013 — UNVERIFIED).
struct acm_list_header {
    le_u32 id;    // @0  acm_list_id
    le_u32 size;  // @4  bytes from this header to the next one
    le_u32 rev;   // @8
};
static_assert(sizeof(acm_list_header) == 12 && alignof(acm_list_header) == 1);
static_assert(offsetof(acm_list_header, size) == 4 && offsetof(acm_list_header, rev) == 8);

}  // namespace wire

// ---------------------------------------------------------------------------------------------
// Constants

inline constexpr u16 acm_module_type_chipset = 2;   // SDG Table A-1
inline constexpr u16 acm_subtype_reset = 1;         // executable at reset: not for SENTER
inline constexpr u32 acm_vendor_intel = 0x8086;
inline constexpr u32 acm_header_version_0_0 = 0x00000000;
inline constexpr u32 acm_header_version_3_0 = 0x00030000;  // EDK2 ACM_HEADER_VERSION_3

inline constexpr std::size_t acm_header_common_size = sizeof(wire::acm_header_common);  // 128
inline constexpr std::size_t acm_info_table_head_size = 20;  // UUID, type, version, length
inline constexpr std::size_t acm_size_alignment = 64;        // Size·4 is a multiple of 64

// tboot accepts a file (or BiosSinitSize) this much longer than Size·4 (tboot acmod.h
// ACM_SIZE_MIN_PADDING / ACM_SIZE_MAX_PADDING). Any other difference is an error (TXT-A5).
inline constexpr u32 acm_padding_min = 0x10000;
inline constexpr u32 acm_padding_max = 0x40000;

// The Chipset ACM Information Table UUID (SDG Table A-3) as stored: u32 0x7FC03AAA,
// u16 0x46A7, u16 0x18DB, u16 0xAC2E, bytes 69 8F 8D 41 7F 5A.
inline constexpr u8 acm_info_uuid[16] = {0xAA, 0x3A, 0xC0, 0x7F, 0xA7, 0x46, 0xDB, 0x18,
                                         0x2E, 0xAC, 0x69, 0x8F, 0x8D, 0x41, 0x7F, 0x5A};

// Information table versions this parser knows, and the bytes each version defines.
inline constexpr u8 acm_info_version_min = 3;
inline constexpr u8 acm_info_version_max = 9;
inline constexpr u8 acm_info_version_chained = 9;  // lists follow the table as a chain
constexpr u32 acm_info_table_size(u8 version) { return version >= 5 ? 48u : version == 4 ? 44u : 40u; }

// The OsSinitData version below which a SINIT is not usable (SDG C-4; tboot MIN_OS_SINIT_DATA_VER).
inline constexpr u32 acm_min_os_sinit_data_ver = 4;

enum class acm_type : u8 { bios = 0, sinit = 1, bios_revocation = 8, sinit_revocation = 9 };

constexpr const char* name(acm_type t) {
    switch (t) {
        case acm_type::bios: return "BIOS";
        case acm_type::sinit: return "SINIT";
        case acm_type::bios_revocation: return "BIOS revocation";
        case acm_type::sinit_revocation: return "SINIT revocation";
    }
    return "unknown";
}

// Chained list ids of info table version 9 (tboot acmod.h; ASCII read as a little-endian u32:
// "LCPU" → 'CPUL').
namespace acm_list_id {
inline constexpr u32 cs1l = 0x4353314C;  // chipset list, matched as the v3..8 list
inline constexpr u32 cs2l = 0x4353324C;  // chipset list matched with register_mask
inline constexpr u32 cpul = 0x4350554C;  // processor list
inline constexpr u32 tpml = 0x54504D4C;  // TPM info list
inline constexpr u32 verl = 0x5645524C;  // version list (payload not described anywhere we know)
inline constexpr u32 term = 0x4E554C4C;  // end of the chain
}  // namespace acm_list_id

constexpr const char* acm_list_name(u32 id) {
    switch (id) {
        case acm_list_id::cs1l: return "CS1L";
        case acm_list_id::cs2l: return "CS2L";
        case acm_list_id::cpul: return "CPUL";
        case acm_list_id::tpml: return "TPML";
        case acm_list_id::verl: return "VERL";
        case acm_list_id::term: return "TERM";
    }
    return "unknown";
}

// ACM header Flags (SDG Table A-2).
namespace acm_flags_field {
inline constexpr bit_field pre_production{"PRE_PRODUCTION", 14, 1, false, "pre-production module"};
inline constexpr bit_field debug_signed{"DEBUG_SIGNED", 15, 1, false, "signed with the debug key"};
}  // namespace acm_flags_field
inline constexpr bit_field acm_flags_fields[] = {reserved_bits(0, 14), acm_flags_field::pre_production,
                                                 acm_flags_field::debug_signed};
inline constexpr register_info acm_flags_info{"ACM.Flags", 14, 16, acm_flags_fields, "SDG Table A-2"};

// Chipset ID Flags (SDG Table A-5).
namespace acm_chipset_flags_field {
inline constexpr bit_field revision_id_mask{"REVISION_ID_MASK", 0, 1, false,
                                            "1 = RevisionID is a mask of matching revisions"};
}  // namespace acm_chipset_flags_field
inline constexpr bit_field acm_chipset_flags_fields[] = {acm_chipset_flags_field::revision_id_mask,
                                                         reserved_bits(1, 31)};
inline constexpr register_info acm_chipset_flags_info{"ACM chipset ID Flags", 0, 32, acm_chipset_flags_fields,
                                                      "SDG Table A-5"};

// TPM capabilities of the TPM info list (SDG Table A-9). The family field is a bit set:
// 0001 discrete TPM 1.2, 0010 discrete TPM 2.0, 1000 firmware (CRB) TPM 2.0.
namespace tpm_caps_field {
inline constexpr bit_field ext_policy{"EXT_POLICY", 0, 2, false,
                                      "PCR extend policy: 1 max agility, 2 max performance, 3 both, 0 illegal"};
inline constexpr bit_field family{"TPM_FAMILY", 2, 4, false, "bit set: 1 dTPM 1.2, 2 dTPM 2.0, 8 firmware TPM 2.0"};
inline constexpr bit_field nv_index_set{"NV_INDEX_SET", 6, 1, false, "1 = TCG NV index set, 0 = initial set"};
}  // namespace tpm_caps_field
inline constexpr bit_field tpm_caps_fields[] = {tpm_caps_field::ext_policy, tpm_caps_field::family,
                                                tpm_caps_field::nv_index_set, reserved_bits(7, 25)};
inline constexpr register_info tpm_caps_info{"ACM TPM capabilities", 0, 32, tpm_caps_fields, "SDG Table A-9"};

inline constexpr u32 tpm_family_dtpm12 = 0x1;  // values of the 4-bit family field
inline constexpr u32 tpm_family_dtpm20 = 0x2;
inline constexpr u32 tpm_family_ftpm20 = 0x8;

enum class tpm_ext_policy : u8 { illegal = 0, max_agility = 1, max_performance = 2, both = 3 };

// TPM 2.0 algorithm ids that appear in TPM info lists (TCG Algorithm Registry).
namespace tpm_alg {
inline constexpr u16 sha1 = 0x0004;
inline constexpr u16 sha256 = 0x000B;
inline constexpr u16 sha384 = 0x000C;
inline constexpr u16 sha512 = 0x000D;
inline constexpr u16 sm3_256 = 0x0012;
}  // namespace tpm_alg

constexpr const char* tpm_alg_name(u16 id) {
    switch (id) {
        case tpm_alg::sha1: return "SHA1";
        case tpm_alg::sha256: return "SHA256";
        case tpm_alg::sha384: return "SHA384";
        case tpm_alg::sha512: return "SHA512";
        case tpm_alg::sm3_256: return "SM3_256";
    }
    return "unknown";
}

// ---------------------------------------------------------------------------------------------
// Header layouts: where the key, exponent and signature sit. The layout comes from
// HeaderVersion; KeySize must agree with it.

enum class acm_header_layout : u8 {
    v0_0 = 0,  // 2048-bit RSA, SDG Table A-1
    v3_0 = 1,  // 3072-bit RSA (header versions 3.0 and, UNVERIFIED, later 4.x/5.x)
};

constexpr const char* name(acm_header_layout l) { return l == acm_header_layout::v0_0 ? "0.0" : "3.0"; }

struct acm_layout_info {
    u32 key_size = 0;        // dwords
    u32 fixed_size = 0;      // bytes through the signature
    u32 pub_key_offset = 0;
    u32 pub_key_size = 0;
    u32 pub_exp_offset = 0;  // 0: no exponent field
    u32 sig_offset = 0;
    u32 sig_size = 0;
    u32 header_len = 0;      // the usual HeaderLen (dwords)
    u32 scratch_size = 0;    // the usual ScratchSize (dwords)
    u32 header_version = 0;  // what the builder writes by default
};

constexpr acm_layout_info layout_info(acm_header_layout l) {
    if (l == acm_header_layout::v0_0) return {64, 644, 128, 256, 384, 388, 256, 161, 143, acm_header_version_0_0};
    return {96, 896, 128, 384, 0, 512, 384, 224, 208, acm_header_version_3_0};
}

// The layout of a HeaderVersion: 0.0 exactly, or major 3..5 with the 3072-bit layout (coreboot's
// CBnT code notes the signature stays at 512 through 5.4; only 3.0 is confirmed by EDK2).
constexpr bool acm_layout_for_version(u32 header_version, acm_header_layout& out) {
    if (header_version == acm_header_version_0_0) {
        out = acm_header_layout::v0_0;
        return true;
    }
    const u32 major = header_version >> 16;
    if (major >= 3 && major <= 5) {
        out = acm_header_layout::v3_0;
        return true;
    }
    return false;
}

// ---------------------------------------------------------------------------------------------
// Native values

struct acm_header {
    u16 module_type = 0;
    u16 module_subtype = 0;
    u32 header_len = 0;  // dwords
    u32 header_version = 0;
    u16 chipset_id = 0;
    u16 flags = 0;
    u32 module_vendor = 0;
    u32 date = 0;  // BCD 0xYYYYMMDD
    u32 size = 0;  // dwords
    u16 txt_svn = 0;
    u16 se_svn = 0;
    u32 code_control = 0;
    u32 error_entry_point = 0;
    u32 gdt_limit = 0;
    u32 gdt_base = 0;
    u32 seg_sel = 0;
    u32 entry_point = 0;
    u8 reserved2[64]{};
    u32 key_size = 0;      // dwords
    u32 scratch_size = 0;  // dwords
    u32 rsa_pub_exp = 0;   // layout 0.0 only (0 for 3.0)

    constexpr bool pre_production() const { return acm_flags_field::pre_production.test(flags); }
    constexpr bool debug_signed() const { return acm_flags_field::debug_signed.test(flags); }
    constexpr u64 size_bytes() const { return u64{size} * 4; }
    constexpr u32 header_version_major() const { return header_version >> 16; }
    constexpr u32 header_version_minor() const { return header_version & 0xFFFFu; }
    friend constexpr bool operator==(const acm_header&, const acm_header&) = default;
};

struct acm_info_table {
    u8 uuid[16]{};
    u8 chipset_acm_type = 0;
    u8 version = 0;
    u16 length = 0;
    u32 chipset_id_list = 0;
    u32 os_sinit_data_ver = 0;
    u32 min_mle_header_ver = 0;
    txt::capabilities capabilities{};  // v>=3
    u8 acm_version = 0;                // v>=3
    u8 acm_revision[3]{};              // v>=6 (0 when the version lacks it)
    u32 processor_id_list = 0;         // v>=4 (0 when absent)
    u32 tpm_info_list = 0;             // v>=5 (0 when absent)

    constexpr acm_type type() const { return static_cast<acm_type>(chipset_acm_type); }
    constexpr bool is_sinit() const { return chipset_acm_type == static_cast<u8>(acm_type::sinit); }
    constexpr bool chained_lists() const { return version >= acm_info_version_chained; }
    friend constexpr bool operator==(const acm_info_table&, const acm_info_table&) = default;
};

struct acm_chipset_id {
    u32 flags = 0;
    u16 vendor_id = 0;
    u16 device_id = 0;
    u16 revision_id = 0;
    u16 register_mask = 0;  // reserved outside CS2L lists
    u32 extended_id = 0;

    constexpr bool revision_id_is_mask() const { return acm_chipset_flags_field::revision_id_mask.test(flags); }
    friend constexpr bool operator==(const acm_chipset_id&, const acm_chipset_id&) = default;
};

struct acm_processor_id {
    u32 fms = 0;
    u32 fms_mask = 0;
    u64 platform_id = 0;
    u64 platform_mask = 0;
    friend constexpr bool operator==(const acm_processor_id&, const acm_processor_id&) = default;
};

// A chipset or processor list found in the module: where its Count field is and its count.
struct acm_id_list {
    bool present = false;
    u32 offset = 0;  // of the Count field, from the module base
    u32 count = 0;
    friend constexpr bool operator==(const acm_id_list&, const acm_id_list&) = default;
};

// The TPM info list found in the module.
struct acm_tpm_info {
    bool present = false;
    u32 offset = 0;  // of the Capabilities field
    u32 capabilities = 0;
    u16 count = 0;   // algorithm ids following at offset + 6

    constexpr tpm_ext_policy ext_policy() const {
        return static_cast<tpm_ext_policy>(tpm_caps_field::ext_policy.get(capabilities));
    }
    constexpr u32 family() const { return static_cast<u32>(tpm_caps_field::family.get(capabilities)); }
    constexpr bool nv_index_set() const { return tpm_caps_field::nv_index_set.test(capabilities); }
    friend constexpr bool operator==(const acm_tpm_info&, const acm_tpm_info&) = default;
};

// One list of an info table version 9 chain (TERM excluded).
struct acm_chain_list {
    u32 id = 0;
    u32 size = 0;    // header included
    u32 rev = 0;
    u32 offset = 0;  // of the 12-byte header, from the module base

    constexpr u32 payload_offset() const { return offset + static_cast<u32>(sizeof(wire::acm_list_header)); }
    constexpr u32 payload_size() const { return size - static_cast<u32>(sizeof(wire::acm_list_header)); }
    friend constexpr bool operator==(const acm_chain_list&, const acm_chain_list&) = default;
};

inline constexpr u32 max_acm_chain_lists = 32;  // lists before TERM (TXT-A33)

struct acm_parse_options {
    // Reject anything but a SINIT (ChipsetACMType 1) and apply the SINIT-only rules TXT-A18/A19.
    bool require_sinit = true;
    // Accept tboot's padding tolerance (TXT-A5): a file 0x10000..0x40000 bytes longer than Size·4.
    bool allow_padding = true;
};

namespace acm_detail {

constexpr acm_chipset_id decode_chipset_id(byte_view b, std::size_t at) {
    acm_chipset_id c;
    c.flags = static_cast<u32>(load_le(b, at + 0, 4));
    c.vendor_id = static_cast<u16>(load_le(b, at + 4, 2));
    c.device_id = static_cast<u16>(load_le(b, at + 6, 2));
    c.revision_id = static_cast<u16>(load_le(b, at + 8, 2));
    c.register_mask = static_cast<u16>(load_le(b, at + 10, 2));
    c.extended_id = static_cast<u32>(load_le(b, at + 12, 4));
    return c;
}

constexpr acm_processor_id decode_processor_id(byte_view b, std::size_t at) {
    acm_processor_id p;
    p.fms = static_cast<u32>(load_le(b, at + 0, 4));
    p.fms_mask = static_cast<u32>(load_le(b, at + 4, 4));
    p.platform_id = load_le(b, at + 8, 8);
    p.platform_mask = load_le(b, at + 16, 8);
    return p;
}

}  // namespace acm_detail

// A parsed module. `module` views the caller's bytes [0, Size·4); every list was bounds-checked
// against it by parse_acm, so the element accessors below stay inside it. An index at or past
// the list's count returns a zero value.
struct parsed_acm {
    byte_view module{};
    acm_header_layout layout = acm_header_layout::v0_0;
    acm_header header{};
    u32 padding = 0;      // file bytes after Size·4 (tolerated by TXT-A5)
    u32 info_offset = 0;  // (HeaderLen + ScratchSize)·4
    acm_info_table info{};
    acm_id_list chipsets{};    // v3..8: ChipsetIDList; v9: CS1L
    acm_id_list chipsets2{};   // v9: CS2L
    acm_id_list processors{};  // v4..8: ProcessorIDList; v9: CPUL
    acm_tpm_info tpm{};        // v5..8: TPMInfoList; v9: TPML
    u32 chain_count = 0;       // v9: the lists before TERM, in order
    acm_chain_list chain[max_acm_chain_lists]{};
    u32 term_offset = 0;       // v9: the TERM header and its size/rev fields as found
    u32 term_size = 0;
    u32 term_rev = 0;

    constexpr u32 module_size() const { return static_cast<u32>(module.size()); }
    constexpr acm_chipset_id chipset(u32 i) const {
        return i < chipsets.count ? acm_detail::decode_chipset_id(module, chipsets.offset + 4 + std::size_t{16} * i)
                                  : acm_chipset_id{};
    }
    constexpr acm_chipset_id chipset2(u32 i) const {
        return i < chipsets2.count
                   ? acm_detail::decode_chipset_id(module, chipsets2.offset + 4 + std::size_t{16} * i)
                   : acm_chipset_id{};
    }
    constexpr acm_processor_id processor(u32 i) const {
        return i < processors.count
                   ? acm_detail::decode_processor_id(module, processors.offset + 4 + std::size_t{24} * i)
                   : acm_processor_id{};
    }
    constexpr u16 tpm_algorithm(u32 i) const {
        return i < tpm.count ? static_cast<u16>(load_le(module, tpm.offset + 6 + std::size_t{2} * i, 2)) : u16{0};
    }
    constexpr byte_view chain_payload(u32 i) const {
        return i < chain_count ? module.subview(chain[i].payload_offset(), chain[i].payload_size()) : byte_view{};
    }
    constexpr byte_view rsa_public_key() const {
        const acm_layout_info l = layout_info(layout);
        return module.subview(l.pub_key_offset, l.pub_key_size);
    }
    constexpr byte_view rsa_signature() const {
        const acm_layout_info l = layout_info(layout);
        return module.subview(l.sig_offset, l.sig_size);
    }
    constexpr byte_view scratch() const {
        return module.subview(std::size_t{header.header_len} * 4, std::size_t{header.scratch_size} * 4);
    }
};

// ---------------------------------------------------------------------------------------------
// parse_acm: steps 1-3 and 8 of SDG 2.2.3 / listing 3 as tboot applies them, every bound
// overflow-checked. Rules (spec/txt/acm.md):
//   TXT-A1  truncated_header      file shorter than the 128-byte common header
//   TXT-A2  value_out_of_range    Size·4 does not fit in 32 bits
//   TXT-A3  misaligned            Size·4 is 0 or not a multiple of 64
//   TXT-A4  size_exceeds_buffer   file shorter than Size·4
//   TXT-A5  trailing_bytes        file longer than Size·4, outside the padding tolerance
//   TXT-A6  bad_magic             ModuleType is not 2 (chipset ACM)
//   TXT-A7  bad_magic             ModuleVendor is not 0x8086
//   TXT-A8  unsupported_version   HeaderVersion is neither 0.0 nor major 3..5
//   TXT-A9  entry_size_mismatch   KeySize does not match the header layout (64 / 96 dwords)
//   TXT-A10 entry_size_too_small  HeaderLen·4 shorter than the layout's header (644 / 896)
//   TXT-A11 address_wrap          (HeaderLen + ScratchSize)·4 does not fit in 32 bits
//   TXT-A12 out_of_bounds         the info table's first 20 bytes are not inside Size·4
//   TXT-A13 bad_uuid              info table UUID
//   TXT-A14 unsupported_version   info table Version outside 3..9
//   TXT-A15 entry_size_too_small  info table Length below the bytes its Version defines
//   TXT-A16 out_of_bounds         info table (Length bytes) not inside Size·4
//   TXT-A17 invalid_tag           ChipsetACMType is not SINIT (when a SINIT is required)
//   TXT-A18 invalid_tag           ModuleSubType 1 (executable at reset) for a SINIT
//   TXT-A19 unsupported_version   OsSinitDataVer below 4 for a SINIT
//   TXT-A20 out_of_bounds         EntryPoint not below Size·4
//   TXT-A21 value_out_of_range    SegSel is 0
//   TXT-A22 misaligned            SegSel has TI or RPL bits set (SegSel & 7)
//   TXT-A23 out_of_bounds         SegSel + 8 above GDTLimit
//   TXT-A24 out_of_bounds         GDT [GDTBasePtr, GDTBasePtr + GDTLimit] not inside Size·4
//   TXT-A25 out_of_bounds         v3..8: a list's head not inside [end of info table, Size·4)
//   TXT-A26 count_mismatch        v3..8: a list's entries run past Size·4
//   TXT-A27 overlap               v3..8: two lists overlap
//   TXT-A28 entry_header_truncated v9: a 12-byte list header (or TERM) not inside Size·4
//   TXT-A29 entry_size_too_small  v9: a list Size below 12
//   TXT-A30 entry_exceeds_table   v9: a list runs past Size·4
//   TXT-A31 count_mismatch        v9: a CS1L/CS2L/CPUL/TPML payload too small for its count
//   TXT-A32 duplicate_entry       v9: CS1L, CS2L, CPUL or TPML twice
//   TXT-A33 chain_too_long        v9: more than 32 lists before TERM

namespace acm_detail {

constexpr error fail(errc code, u64 offset, const char* field, const char* rule, const char* message, u64 value,
                     u64 limit, u32 entry = no_entry) {
    return error{code, static_cast<u32>(offset), entry, field, rule, message, value, limit};
}

constexpr acm_header decode_header_common(byte_view b) {
    acm_header h;
    h.module_type = static_cast<u16>(load_le(b, 0, 2));
    h.module_subtype = static_cast<u16>(load_le(b, 2, 2));
    h.header_len = static_cast<u32>(load_le(b, 4, 4));
    h.header_version = static_cast<u32>(load_le(b, 8, 4));
    h.chipset_id = static_cast<u16>(load_le(b, 12, 2));
    h.flags = static_cast<u16>(load_le(b, 14, 2));
    h.module_vendor = static_cast<u32>(load_le(b, 16, 4));
    h.date = static_cast<u32>(load_le(b, 20, 4));
    h.size = static_cast<u32>(load_le(b, 24, 4));
    h.txt_svn = static_cast<u16>(load_le(b, 28, 2));
    h.se_svn = static_cast<u16>(load_le(b, 30, 2));
    h.code_control = static_cast<u32>(load_le(b, 32, 4));
    h.error_entry_point = static_cast<u32>(load_le(b, 36, 4));
    h.gdt_limit = static_cast<u32>(load_le(b, 40, 4));
    h.gdt_base = static_cast<u32>(load_le(b, 44, 4));
    h.seg_sel = static_cast<u32>(load_le(b, 48, 4));
    h.entry_point = static_cast<u32>(load_le(b, 52, 4));
    for (std::size_t i = 0; i < 64; ++i) h.reserved2[i] = b[56 + i];
    h.key_size = static_cast<u32>(load_le(b, 120, 4));
    h.scratch_size = static_cast<u32>(load_le(b, 124, 4));
    return h;
}

// Decodes the fields `version` defines; the rest stay 0. Precondition: the table's
// acm_info_table_size(version) bytes lie inside `b` at `at`.
constexpr acm_info_table decode_info(byte_view b, std::size_t at) {
    acm_info_table t;
    for (std::size_t i = 0; i < 16; ++i) t.uuid[i] = b[at + i];
    t.chipset_acm_type = b[at + 16];
    t.version = b[at + 17];
    t.length = static_cast<u16>(load_le(b, at + 18, 2));
    t.chipset_id_list = static_cast<u32>(load_le(b, at + 20, 4));
    t.os_sinit_data_ver = static_cast<u32>(load_le(b, at + 24, 4));
    t.min_mle_header_ver = static_cast<u32>(load_le(b, at + 28, 4));
    t.capabilities = txt::capabilities{static_cast<u32>(load_le(b, at + 32, 4))};
    t.acm_version = b[at + 36];
    if (t.version >= 6)
        for (std::size_t i = 0; i < 3; ++i) t.acm_revision[i] = b[at + 37 + i];
    if (t.version >= 4) t.processor_id_list = static_cast<u32>(load_le(b, at + 40, 4));
    if (t.version >= 5) t.tpm_info_list = static_cast<u32>(load_le(b, at + 44, 4));
    return t;
}

// A v3..8 list head at `offset` (as read from the info table field at `field_offset`):
// [offset, offset + head) inside [info_end, module_size), then count·entry more bytes.
struct list_region {
    u64 offset = 0;
    u64 size = 0;
};

constexpr status check_list_head(u64 offset, u64 head, u64 info_end, u64 module_size, u64 field_offset,
                                 const char* field) {
    if (offset < info_end || offset > module_size || head > module_size - offset)
        return fail(errc::out_of_bounds, field_offset, field, "TXT-A25",
                    "the list must start after the information table and its head must lie inside the module",
                    offset, module_size);
    return success;
}

constexpr status check_list_entries(u64 offset, u64 head, u64 count, u64 entry, u64 module_size, const char* field) {
    // A module is at most 4 GiB - 4 bytes (TXT-A2): 32-bit division, no i386 helper call.
    const u64 room = static_cast<u32>(module_size - offset - head) / static_cast<u32>(entry);
    if (count > room)
        return fail(errc::count_mismatch, offset, field, "TXT-A26",
                    "the list's Count needs more entries than fit between the list and the end of the module", count,
                    room);
    return success;
}

constexpr bool same_uuid(const u8 (&a)[16], const u8 (&b)[16]) {
    for (std::size_t i = 0; i < 16; ++i)
        if (a[i] != b[i]) return false;
    return true;
}

// The chained lists of info table version 9, from `start` up to TERM.
constexpr status parse_chain(parsed_acm& a, u64 start) {
    const byte_view m = a.module;
    const u64 msize = m.size();
    u64 at = start;
    constexpr u64 hdr = sizeof(wire::acm_list_header);
    for (u32 index = 0;; ++index) {
        if (hdr > msize - at)
            return fail(errc::entry_header_truncated, at, "acm_list.header", "TXT-A28",
                        "a 12-byte list header (or the TERM header) does not fit before the end of the module", at,
                        msize, index);
        const u32 id = static_cast<u32>(load_le(m, static_cast<std::size_t>(at), 4));
        const u32 size = static_cast<u32>(load_le(m, static_cast<std::size_t>(at + 4), 4));
        const u32 rev = static_cast<u32>(load_le(m, static_cast<std::size_t>(at + 8), 4));
        if (id == acm_list_id::term) {
            a.term_offset = static_cast<u32>(at);
            a.term_size = size;
            a.term_rev = rev;
            return success;
        }
        if (index >= max_acm_chain_lists)
            return fail(errc::chain_too_long, at, "acm_list", "TXT-A33",
                        "more lists before TERM than the parser keeps (32)", index + u64{1}, max_acm_chain_lists, index);
        if (size < hdr)
            return fail(errc::entry_size_too_small, at + 4, "acm_list.size", "TXT-A29",
                        "a list's Size must cover its 12-byte header", size, hdr, index);
        if (size > msize - at)
            return fail(errc::entry_exceeds_table, at + 4, "acm_list.size", "TXT-A30",
                        "the list runs past the end of the module", size, msize - at, index);
        const acm_chain_list item{id, size, rev, static_cast<u32>(at)};
        const u64 payload = size - hdr;
        const u64 p = at + hdr;
        if (id == acm_list_id::cs1l || id == acm_list_id::cs2l || id == acm_list_id::cpul) {
            acm_id_list& list = id == acm_list_id::cs1l ? a.chipsets : id == acm_list_id::cs2l ? a.chipsets2 : a.processors;
            if (list.present)
                return fail(errc::duplicate_entry, at, "acm_list.id", "TXT-A32",
                            "the chain holds this list id a second time", id, 0, index);
            const u64 entry = id == acm_list_id::cpul ? 24 : 16;
            if (payload < 4)
                return fail(errc::count_mismatch, at + 4, "acm_list.size", "TXT-A31",
                            "the list payload is too small for its Count field", payload, 4, index);
            const u64 count = load_le(m, static_cast<std::size_t>(p), 4);
            const u64 room = static_cast<u32>(payload - 4) / static_cast<u32>(entry);  // payload < 4 GiB
            if (count > room)
                return fail(errc::count_mismatch, p, "acm_list.count", "TXT-A31",
                            "the list's Count needs more entries than its Size holds", count, room, index);
            list = acm_id_list{true, static_cast<u32>(p), static_cast<u32>(count)};
        } else if (id == acm_list_id::tpml) {
            if (a.tpm.present)
                return fail(errc::duplicate_entry, at, "acm_list.id", "TXT-A32",
                            "the chain holds this list id a second time", id, 0, index);
            if (payload < sizeof(wire::acm_tpm_info_list))
                return fail(errc::count_mismatch, at + 4, "acm_list.size", "TXT-A31",
                            "the TPML payload is too small for its Capabilities and Count fields", payload,
                            sizeof(wire::acm_tpm_info_list), index);
            const u32 caps = static_cast<u32>(load_le(m, static_cast<std::size_t>(p), 4));
            const u16 count = static_cast<u16>(load_le(m, static_cast<std::size_t>(p + 4), 2));
            const u64 room = (payload - sizeof(wire::acm_tpm_info_list)) / 2;
            if (count > room)
                return fail(errc::count_mismatch, p + 4, "acm_list.count", "TXT-A31",
                            "the TPML Count needs more algorithm ids than its Size holds", count, room, index);
            a.tpm = acm_tpm_info{true, static_cast<u32>(p), caps, count};
        }
        a.chain[a.chain_count++] = item;
        at += size;
    }
}

}  // namespace acm_detail

constexpr result<parsed_acm> parse_acm(byte_view file, const acm_parse_options& options = {}) {
    using acm_detail::fail;
    constexpr u64 common = acm_header_common_size;
    const u64 fsize = file.size();
    if (fsize < common)
        return fail(errc::truncated_header, 0, "acm_header", "TXT-A1",
                    "an ACM starts with a 128-byte header; the file is shorter", fsize, common);

    parsed_acm a;
    a.header = acm_detail::decode_header_common(file);
    acm_header& h = a.header;

    // Step 1: sizes.
    const u64 msize = h.size_bytes();
    if (msize > 0xFFFFFFFFu)
        return fail(errc::value_out_of_range, 24, "acm_header.size", "TXT-A2",
                    "Size (dwords) times 4 does not fit in 32 bits", h.size, 0x3FFFFFFFu);
    if (msize == 0 || msize % acm_size_alignment != 0)
        return fail(errc::misaligned, 24, "acm_header.size", "TXT-A3",
                    "the module size (Size * 4) must be a non-zero multiple of 64 bytes", msize, acm_size_alignment);
    if (fsize < msize)
        return fail(errc::size_exceeds_buffer, 24, "acm_header.size", "TXT-A4",
                    "the header's module size (Size * 4) is larger than the file", msize, fsize);
    if (fsize > msize) {
        const u64 extra = fsize - msize;
        if (!options.allow_padding || extra < acm_padding_min || extra > acm_padding_max)
            return fail(errc::trailing_bytes, msize, "acm_header.size", "TXT-A5",
                        "the file is longer than the module (Size * 4) by an amount outside the padding tolerance "
                        "(0x10000..0x40000)",
                        extra, options.allow_padding ? acm_padding_max : 0);
        a.padding = static_cast<u32>(extra);
    }
    a.module = file.subview(0, static_cast<std::size_t>(msize));

    // Step 2: type and vendor.
    if (h.module_type != acm_module_type_chipset)
        return fail(errc::bad_magic, 0, "acm_header.module_type", "TXT-A6",
                    "ModuleType must be 2 (chipset ACM)", h.module_type, acm_module_type_chipset);
    if (h.module_vendor != acm_vendor_intel)
        return fail(errc::bad_magic, 16, "acm_header.module_vendor", "TXT-A7",
                    "ModuleVendor must be 0x8086", h.module_vendor, acm_vendor_intel);

    // The header layout.
    if (!acm_layout_for_version(h.header_version, a.layout))
        return fail(errc::unsupported_version, 8, "acm_header.header_version", "TXT-A8",
                    "HeaderVersion is neither 0.0 nor a 3072-bit layout (major 3..5)", h.header_version,
                    acm_header_version_3_0);
    const acm_layout_info layout = layout_info(a.layout);
    if (h.key_size != layout.key_size)
        return fail(errc::entry_size_mismatch, 120, "acm_header.key_size", "TXT-A9",
                    "KeySize (dwords) does not match the header version's RSA key", h.key_size, layout.key_size);
    if (u64{h.header_len} * 4 < layout.fixed_size)
        return fail(errc::entry_size_too_small, 4, "acm_header.header_len", "TXT-A10",
                    "HeaderLen * 4 is shorter than the header version's fixed fields", u64{h.header_len} * 4,
                    layout.fixed_size);

    // Step 3: the information table, at (HeaderLen + ScratchSize)·4.
    const u64 info = (u64{h.header_len} + h.scratch_size) * 4;
    if (info > 0xFFFFFFFFu)
        return fail(errc::address_wrap, 124, "acm_header.scratch_size", "TXT-A11",
                    "(HeaderLen + ScratchSize) * 4 does not fit in 32 bits", info, 0xFFFFFFFFu);
    if (info > msize || acm_info_table_head_size > msize - info)
        return fail(errc::out_of_bounds, 124, "acm_header.scratch_size", "TXT-A12",
                    "the information table at (HeaderLen + ScratchSize) * 4 is not inside the module", info, msize);
    a.info_offset = static_cast<u32>(info);
    if (layout.pub_exp_offset != 0) h.rsa_pub_exp = static_cast<u32>(load_le(file, layout.pub_exp_offset, 4));

    const std::size_t io = a.info_offset;
    u8 uuid[16]{};
    for (std::size_t i = 0; i < 16; ++i) uuid[i] = file[io + i];
    if (!acm_detail::same_uuid(uuid, acm_info_uuid))
        return fail(errc::bad_uuid, io, "acm_info.uuid", "TXT-A13",
                    "the information table UUID is not the Chipset ACM Information Table UUID",
                    load_le(file, io, 4), 0x7FC03AAAu);
    const u8 version = file[io + 17];
    if (version < acm_info_version_min || version > acm_info_version_max)
        return fail(errc::unsupported_version, io + 17, "acm_info.version", "TXT-A14",
                    "information table Version outside the layouts known here (3..9)", version,
                    version < acm_info_version_min ? acm_info_version_min : acm_info_version_max);
    const u16 length = static_cast<u16>(load_le(file, io + 18, 2));
    if (length < acm_info_table_size(version))
        return fail(errc::entry_size_too_small, io + 18, "acm_info.length", "TXT-A15",
                    "information table Length is below the bytes its Version defines", length,
                    acm_info_table_size(version));
    if (length > msize - info)
        return fail(errc::out_of_bounds, io + 18, "acm_info.length", "TXT-A16",
                    "the information table (Length bytes) runs past the end of the module", length, msize - info);
    a.info = acm_detail::decode_info(file, io);
    const acm_info_table& t = a.info;

    if (options.require_sinit) {
        if (!t.is_sinit())
            return fail(errc::invalid_tag, io + 16, "acm_info.chipset_acm_type", "TXT-A17",
                        "ChipsetACMType is not 1 (SINIT)", t.chipset_acm_type, static_cast<u8>(acm_type::sinit));
        if (h.module_subtype == acm_subtype_reset)
            return fail(errc::invalid_tag, 2, "acm_header.module_subtype", "TXT-A18",
                        "ModuleSubType 1 (executable at reset) cannot be launched by GETSEC[SENTER]",
                        h.module_subtype, 0);
        if (t.os_sinit_data_ver < acm_min_os_sinit_data_ver)
            return fail(errc::unsupported_version, io + 24, "acm_info.os_sinit_data_ver", "TXT-A19",
                        "the SINIT supports no OsSinitData version a launcher can use (below 4)",
                        t.os_sinit_data_ver, acm_min_os_sinit_data_ver);
    }

    // Step 8 (the checks that need only the module).
    if (h.entry_point >= msize)
        return fail(errc::out_of_bounds, 52, "acm_header.entry_point", "TXT-A20",
                    "EntryPoint must be an offset inside the module", h.entry_point, msize);
    if (h.seg_sel == 0)
        return fail(errc::value_out_of_range, 48, "acm_header.seg_sel", "TXT-A21", "SegSel must not be the null selector",
                    h.seg_sel, 8);
    if ((h.seg_sel & 7u) != 0)
        return fail(errc::misaligned, 48, "acm_header.seg_sel", "TXT-A22",
                    "SegSel must select a GDT entry with RPL 0 (bits 2:0 clear)", h.seg_sel, 0);
    if (u64{h.seg_sel} + 8 > h.gdt_limit)
        return fail(errc::out_of_bounds, 48, "acm_header.seg_sel", "TXT-A23",
                    "SegSel + 8 (the data selector) is beyond GDTLimit", u64{h.seg_sel} + 8, h.gdt_limit);
    if (h.gdt_base > msize || u64{h.gdt_limit} >= msize - h.gdt_base)
        return fail(errc::out_of_bounds, 44, "acm_header.gdt_base", "TXT-A24",
                    "the GDT [GDTBasePtr, GDTBasePtr + GDTLimit] must lie inside the module",
                    u64{h.gdt_base} + h.gdt_limit, msize);

    // The lists.
    const u64 info_end = info + length;
    if (!t.chained_lists()) {
        acm_detail::list_region regions[3]{};
        const char* names[3] = {"acm_info.chipset_id_list", "acm_info.processor_id_list", "acm_info.tpm_info_list"};
        const u64 fields[3] = {io + 20, io + 40, io + 44};
        u32 nregions = 0;

        if (auto s = acm_detail::check_list_head(t.chipset_id_list, 4, info_end, msize, io + 20, names[0]); !s)
            return s.err();
        const u64 ncs = load_le(a.module, t.chipset_id_list, 4);
        if (auto s = acm_detail::check_list_entries(t.chipset_id_list, 4, ncs, 16, msize, "acm_chipset_list.count"); !s)
            return s.err();
        a.chipsets = acm_id_list{true, t.chipset_id_list, static_cast<u32>(ncs)};
        regions[nregions++] = {t.chipset_id_list, 4 + 16 * ncs};

        if (t.version >= 4) {
            if (auto s = acm_detail::check_list_head(t.processor_id_list, 4, info_end, msize, io + 40, names[1]); !s)
                return s.err();
            const u64 n = load_le(a.module, t.processor_id_list, 4);
            if (auto s = acm_detail::check_list_entries(t.processor_id_list, 4, n, 24, msize,
                                                        "acm_processor_list.count");
                !s)
                return s.err();
            a.processors = acm_id_list{true, t.processor_id_list, static_cast<u32>(n)};
            regions[nregions++] = {t.processor_id_list, 4 + 24 * n};
        }
        if (t.version >= 5) {
            if (auto s = acm_detail::check_list_head(t.tpm_info_list, 6, info_end, msize, io + 44, names[2]); !s)
                return s.err();
            const u32 caps = static_cast<u32>(load_le(a.module, t.tpm_info_list, 4));
            const u16 n = static_cast<u16>(load_le(a.module, std::size_t{t.tpm_info_list} + 4, 2));
            if (auto s = acm_detail::check_list_entries(t.tpm_info_list, 6, n, 2, msize, "acm_tpm_info_list.count"); !s)
                return s.err();
            a.tpm = acm_tpm_info{true, t.tpm_info_list, caps, n};
            regions[nregions++] = {t.tpm_info_list, 6 + u64{2} * n};
        }
        for (u32 i = 1; i < nregions; ++i)
            for (u32 j = 0; j < i; ++j) {
                const range ri{regions[i].offset, regions[i].size};
                const range rj{regions[j].offset, regions[j].size};
                if (ri.overlaps(rj))
                    return fail(errc::overlap, fields[i], names[i], "TXT-A27",
                                "two of the information table's lists overlap", regions[i].offset, regions[j].offset);
            }
    } else if (auto s = acm_detail::parse_chain(a, info_end); !s) {
        return s.err();
    }
    return a;
}

// ---------------------------------------------------------------------------------------------
// The builder: a synthetic module for simulators and tests. It writes what it is given (a
// BIOS ACM, a debug-signed module, a bad SegSel...): parse_acm decides what is valid. It checks
// only that the layout is consistent, then writes everything at once; on failure the buffer is
// unchanged.
//   TXT-A70 buffer_too_small     the buffer is smaller than the module
//   TXT-A71 bad_argument         key or signature bytes of the wrong size for the layout, or a
//                                list given that the information table version does not have
//   TXT-A72 unsupported_version  information table version outside 3..9
//   TXT-A73 value_out_of_range   a size that cannot hold what it must (HeaderLen, KeySize,
//                                Length, Size, a chained list's Size, a count)
//   TXT-A74 overlap              a list placed before the end of the information table, past
//                                the module, or over another list

// One list of a version 9 chain. CS1L, CS2L, CPUL and TPML take their payload from the
// matching arrays of acm_build; any other id takes `payload` as is.
struct acm_chain_item {
    u32 id = 0;
    u32 rev = 0;
    u32 size = 0;  // 0: the header plus the payload; larger values are zero-padded
    byte_view payload{};
};

struct acm_build {
    acm_header_layout layout = acm_header_layout::v0_0;
    // Written as given, except: header_len, key_size, scratch_size and header_version 0 take the
    // layout's values (version 0 is also the value of layout 0.0), and size 0 becomes the
    // smallest multiple of 64 bytes that holds everything. rsa_pub_exp is written for layout 0.0.
    acm_header header{};
    byte_view rsa_public_key{};  // the layout's size, or empty for zeros
    byte_view rsa_signature{};
    // Written as given, except: the UUID is always acm_info_uuid; length 0 takes the version's
    // size; v3..8 list offsets 0 place the lists one after another behind the table. Only the
    // fields the version defines are written.
    acm_info_table info{};
    const acm_chipset_id* chipsets = nullptr;  // v3..8 list, or v9 CS1L
    u32 chipset_count = 0;
    const acm_chipset_id* chipsets2 = nullptr;  // v9 CS2L
    u32 chipset2_count = 0;
    const acm_processor_id* processors = nullptr;  // v4..8 list, or v9 CPUL
    u32 processor_count = 0;
    u32 tpm_capabilities = 0;  // v5..8 list, or v9 TPML
    const u16* tpm_algorithms = nullptr;
    u32 tpm_algorithm_count = 0;
    // v9: the chain in order (TERM is appended). When null, the chain is CS1L if chipsets is
    // set, CS2L if chipsets2 is set, CPUL if processors is set, TPML if tpm_algorithms is set.
    const acm_chain_item* chain = nullptr;
    u32 chain_count = 0;
    u32 term_size = 12;
    u32 term_rev = 0;
};

namespace acm_detail {

struct build_plan {
    acm_header header{};
    acm_info_table info{};
    u64 info_offset = 0;
    u64 module_size = 0;
    u64 cs_offset = 0, proc_offset = 0, tpm_offset = 0;  // v3..8
    u32 nchain = 0;
    acm_chain_item chain[max_acm_chain_lists]{};
    u64 chain_offset[max_acm_chain_lists]{};
    u64 term_offset = 0;
};

constexpr error build_fail(errc code, const char* field, const char* rule, const char* message, u64 value, u64 limit) {
    return error{code, 0, no_entry, field, rule, message, value, limit};
}

constexpr u64 chain_payload_size(const acm_build& in, const acm_chain_item& item) {
    switch (item.id) {
        case acm_list_id::cs1l: return 4 + u64{16} * in.chipset_count;
        case acm_list_id::cs2l: return 4 + u64{16} * in.chipset2_count;
        case acm_list_id::cpul: return 4 + u64{24} * in.processor_count;
        case acm_list_id::tpml: return 6 + u64{2} * in.tpm_algorithm_count;
    }
    return item.payload.size();
}

constexpr u64 round4(u64 v) { return (v + 3) & ~u64{3}; }

constexpr result<build_plan> plan_build(const acm_build& in) {
    build_plan p;
    p.header = in.header;
    p.info = in.info;
    acm_header& h = p.header;
    acm_info_table& t = p.info;
    const acm_layout_info l = layout_info(in.layout);
    if (h.header_len == 0) h.header_len = l.header_len;
    if (h.key_size == 0) h.key_size = l.key_size;
    if (h.scratch_size == 0) h.scratch_size = l.scratch_size;
    if (h.header_version == 0) h.header_version = l.header_version;
    acm_header_layout check{};
    if (!acm_layout_for_version(h.header_version, check) || check != in.layout)
        return build_fail(errc::bad_argument, "acm_header.header_version", "TXT-A71",
                          "HeaderVersion does not select the requested header layout", h.header_version,
                          l.header_version);
    if (h.key_size != l.key_size)
        return build_fail(errc::value_out_of_range, "acm_header.key_size", "TXT-A73",
                          "KeySize does not match the layout's RSA key", h.key_size, l.key_size);
    if (u64{h.header_len} * 4 < l.fixed_size)
        return build_fail(errc::value_out_of_range, "acm_header.header_len", "TXT-A73",
                          "HeaderLen * 4 cannot hold the layout's header", h.header_len, l.fixed_size / 4);
    if (!in.rsa_public_key.empty() && in.rsa_public_key.size() != l.pub_key_size)
        return build_fail(errc::bad_argument, "acm_header.rsa_pub_key", "TXT-A71",
                          "public key bytes of the wrong size for the layout", in.rsa_public_key.size(),
                          l.pub_key_size);
    if (!in.rsa_signature.empty() && in.rsa_signature.size() != l.sig_size)
        return build_fail(errc::bad_argument, "acm_header.rsa_sig", "TXT-A71",
                          "signature bytes of the wrong size for the layout", in.rsa_signature.size(), l.sig_size);
    if (l.pub_exp_offset == 0) h.rsa_pub_exp = 0;

    if (t.version < acm_info_version_min || t.version > acm_info_version_max)
        return build_fail(errc::unsupported_version, "acm_info.version", "TXT-A72",
                          "information table version outside 3..9", t.version, acm_info_version_max);
    for (std::size_t i = 0; i < 16; ++i) t.uuid[i] = acm_info_uuid[i];
    if (t.length == 0) t.length = static_cast<u16>(acm_info_table_size(t.version));
    if (t.length < acm_info_table_size(t.version))
        return build_fail(errc::value_out_of_range, "acm_info.length", "TXT-A73",
                          "Length is below the bytes the version defines", t.length, acm_info_table_size(t.version));
    if (t.version < 6) t.acm_revision[0] = t.acm_revision[1] = t.acm_revision[2] = 0;
    if (t.version < 4) t.processor_id_list = 0;
    if (t.version < 5) t.tpm_info_list = 0;
    if (in.chipset_count > 0x0FFFFFFFu || in.chipset2_count > 0x0FFFFFFFu || in.processor_count > 0x0FFFFFFFu ||
        in.tpm_algorithm_count > 0xFFFFu)
        return build_fail(errc::value_out_of_range, "acm_build.count", "TXT-A73",
                          "a list count is larger than a module can hold", in.chipset_count, 0x0FFFFFFFu);
    if ((in.chipset_count && !in.chipsets) || (in.chipset2_count && !in.chipsets2) ||
        (in.processor_count && !in.processors) || (in.tpm_algorithm_count && !in.tpm_algorithms))
        return build_fail(errc::bad_argument, "acm_build", "TXT-A71", "a list count without its entries", 0, 0);

    p.info_offset = (u64{h.header_len} + h.scratch_size) * 4;
    u64 end = p.info_offset + t.length;
    if (!t.chained_lists()) {
        if (in.chipsets2 || in.chipset2_count || in.chain || in.chain_count ||
            (t.version < 4 && (in.processors || in.processor_count)) ||
            (t.version < 5 && (in.tpm_algorithms || in.tpm_algorithm_count || in.tpm_capabilities)))
            return build_fail(errc::bad_argument, "acm_build", "TXT-A71",
                              "a list that this information table version does not have", t.version, 0);
        struct item {
            u32* field;
            u64 size;
            u64* out;
        } items[3] = {{&t.chipset_id_list, 4 + u64{16} * in.chipset_count, &p.cs_offset},
                      {&t.processor_id_list, 4 + u64{24} * in.processor_count, &p.proc_offset},
                      {&t.tpm_info_list, 6 + u64{2} * in.tpm_algorithm_count, &p.tpm_offset}};
        const u32 nitems = t.version >= 5 ? 3 : t.version == 4 ? 2 : 1;
        u64 next = round4(end);
        for (u32 i = 0; i < nitems; ++i) {
            if (*items[i].field == 0) {
                if (next > 0xFFFFFFFFu)
                    return build_fail(errc::value_out_of_range, "acm_build", "TXT-A73",
                                      "the lists do not fit in a 32-bit module", next, 0xFFFFFFFFu);
                *items[i].field = static_cast<u32>(next);
            }
            *items[i].out = *items[i].field;
            if (*items[i].out < p.info_offset + t.length)
                return build_fail(errc::overlap, "acm_info.list", "TXT-A74",
                                  "a list placed before the end of the information table", *items[i].out,
                                  p.info_offset + t.length);
            for (u32 j = 0; j < i; ++j) {
                const range a{*items[i].out, items[i].size}, b{*items[j].out, items[j].size};
                if (a.overlaps(b))
                    return build_fail(errc::overlap, "acm_info.list", "TXT-A74", "two lists overlap", *items[i].out,
                                      *items[j].out);
            }
            const u64 e = *items[i].out + items[i].size;
            if (e > end) end = e;
            if (round4(e) > next) next = round4(e);
        }
    } else {
        if (in.chain_count > max_acm_chain_lists || (in.chain_count && !in.chain))
            return build_fail(errc::value_out_of_range, "acm_build.chain_count", "TXT-A73",
                              "more chained lists than a module parsed here may hold (32)", in.chain_count,
                              max_acm_chain_lists);
        if (in.chain) {
            for (u32 i = 0; i < in.chain_count; ++i) p.chain[i] = in.chain[i];
            p.nchain = in.chain_count;
        } else {
            if (in.chipsets) p.chain[p.nchain++] = {acm_list_id::cs1l, 0, 0, {}};
            if (in.chipsets2) p.chain[p.nchain++] = {acm_list_id::cs2l, 0, 0, {}};
            if (in.processors) p.chain[p.nchain++] = {acm_list_id::cpul, 0, 0, {}};
            if (in.tpm_algorithms) p.chain[p.nchain++] = {acm_list_id::tpml, 0, 0, {}};
        }
        u64 at = end;
        for (u32 i = 0; i < p.nchain; ++i) {
            acm_chain_item& c = p.chain[i];
            if (c.id == acm_list_id::term)
                return build_fail(errc::bad_argument, "acm_list.id", "TXT-A71",
                                  "TERM is appended by the builder, not given as a list", c.id, 0);
            for (u32 j = 0; j < i; ++j)
                if (p.chain[j].id == c.id &&
                    (c.id == acm_list_id::cs1l || c.id == acm_list_id::cs2l || c.id == acm_list_id::cpul ||
                     c.id == acm_list_id::tpml))
                    return build_fail(errc::bad_argument, "acm_list.id", "TXT-A71", "a list id given twice", c.id, 0);
            const u64 need = sizeof(wire::acm_list_header) + chain_payload_size(in, c);
            if (c.size == 0) {
                if (need > 0xFFFFFFFFu)
                    return build_fail(errc::value_out_of_range, "acm_list.size", "TXT-A73",
                                      "the list does not fit a 32-bit Size", need, 0xFFFFFFFFu);
                c.size = static_cast<u32>(need);
            }
            if (c.size < need)
                return build_fail(errc::value_out_of_range, "acm_list.size", "TXT-A73",
                                  "a list Size below its header and payload", c.size, need);
            p.chain_offset[i] = at;
            at += c.size;
        }
        p.term_offset = at;
        end = at + sizeof(wire::acm_list_header);
    }

    u64 msize = h.size_bytes();
    if (msize > 0xFFFFFFFCu)
        return build_fail(errc::value_out_of_range, "acm_header.size", "TXT-A73",
                          "Size * 4 does not fit in 32 bits", msize, 0xFFFFFFFCu);
    if (h.size == 0) {
        msize = (end + acm_size_alignment - 1) & ~u64{acm_size_alignment - 1};
        if (msize > 0xFFFFFFFCu)
            return build_fail(errc::value_out_of_range, "acm_header.size", "TXT-A73",
                              "the module does not fit a 32-bit size", msize, 0xFFFFFFFCu);
        h.size = static_cast<u32>(msize / 4);
    }
    if (msize < end || msize % acm_size_alignment != 0)
        return build_fail(errc::value_out_of_range, "acm_header.size", "TXT-A73",
                          "Size * 4 must be a multiple of 64 that holds the header, table and lists", msize, end);
    p.module_size = msize;
    return p;
}

constexpr void write_chipset_id(mutable_byte_view out, u64 at, const acm_chipset_id& c) {
    const std::size_t o = static_cast<std::size_t>(at);
    store_le(out, o + 0, 4, c.flags);
    store_le(out, o + 4, 2, c.vendor_id);
    store_le(out, o + 6, 2, c.device_id);
    store_le(out, o + 8, 2, c.revision_id);
    store_le(out, o + 10, 2, c.register_mask);
    store_le(out, o + 12, 4, c.extended_id);
}

constexpr void write_processor_id(mutable_byte_view out, u64 at, const acm_processor_id& p) {
    const std::size_t o = static_cast<std::size_t>(at);
    store_le(out, o + 0, 4, p.fms);
    store_le(out, o + 4, 4, p.fms_mask);
    store_le(out, o + 8, 8, p.platform_id);
    store_le(out, o + 16, 8, p.platform_mask);
}

constexpr void write_id_list(mutable_byte_view out, u64 at, const acm_chipset_id* ids, u32 n) {
    store_le(out, static_cast<std::size_t>(at), 4, n);
    for (u32 i = 0; i < n; ++i) write_chipset_id(out, at + 4 + u64{16} * i, ids[i]);
}

constexpr void write_processor_list(mutable_byte_view out, u64 at, const acm_processor_id* ids, u32 n) {
    store_le(out, static_cast<std::size_t>(at), 4, n);
    for (u32 i = 0; i < n; ++i) write_processor_id(out, at + 4 + u64{24} * i, ids[i]);
}

constexpr void write_tpm_list(mutable_byte_view out, u64 at, u32 caps, const u16* algs, u32 n) {
    store_le(out, static_cast<std::size_t>(at), 4, caps);
    store_le(out, static_cast<std::size_t>(at + 4), 2, n);
    for (u32 i = 0; i < n; ++i) store_le(out, static_cast<std::size_t>(at + 6 + u64{2} * i), 2, algs[i]);
}

}  // namespace acm_detail

// The module size build_acm would write (bytes), or why it cannot.
constexpr result<u32> acm_build_size(const acm_build& in) {
    const result<acm_detail::build_plan> p = acm_detail::plan_build(in);
    if (!p) return p.err();
    return static_cast<u32>(p->module_size);
}

// Writes the module into `out` (which must hold Size·4 bytes) and returns its size in bytes.
constexpr result<u32> build_acm(const acm_build& in, mutable_byte_view out) {
    const result<acm_detail::build_plan> planned = acm_detail::plan_build(in);
    if (!planned) return planned.err();
    const acm_detail::build_plan& p = *planned;
    if (out.size() < p.module_size)
        return acm_detail::build_fail(errc::buffer_too_small, "acm", "TXT-A70",
                                      "the buffer is smaller than the module", out.size(), p.module_size);
    const acm_header& h = p.header;
    const acm_info_table& t = p.info;
    const acm_layout_info l = layout_info(in.layout);
    fill(out, 0, static_cast<std::size_t>(p.module_size), 0);

    store_le(out, 0, 2, h.module_type);
    store_le(out, 2, 2, h.module_subtype);
    store_le(out, 4, 4, h.header_len);
    store_le(out, 8, 4, h.header_version);
    store_le(out, 12, 2, h.chipset_id);
    store_le(out, 14, 2, h.flags);
    store_le(out, 16, 4, h.module_vendor);
    store_le(out, 20, 4, h.date);
    store_le(out, 24, 4, h.size);
    store_le(out, 28, 2, h.txt_svn);
    store_le(out, 30, 2, h.se_svn);
    store_le(out, 32, 4, h.code_control);
    store_le(out, 36, 4, h.error_entry_point);
    store_le(out, 40, 4, h.gdt_limit);
    store_le(out, 44, 4, h.gdt_base);
    store_le(out, 48, 4, h.seg_sel);
    store_le(out, 52, 4, h.entry_point);
    for (std::size_t i = 0; i < 64; ++i) out[56 + i] = h.reserved2[i];
    store_le(out, 120, 4, h.key_size);
    store_le(out, 124, 4, h.scratch_size);
    copy(out, l.pub_key_offset, in.rsa_public_key);
    if (l.pub_exp_offset != 0) store_le(out, l.pub_exp_offset, 4, h.rsa_pub_exp);
    copy(out, l.sig_offset, in.rsa_signature);

    const std::size_t io = static_cast<std::size_t>(p.info_offset);
    for (std::size_t i = 0; i < 16; ++i) out[io + i] = t.uuid[i];
    out[io + 16] = t.chipset_acm_type;
    out[io + 17] = t.version;
    store_le(out, io + 18, 2, t.length);
    store_le(out, io + 20, 4, t.chipset_id_list);
    store_le(out, io + 24, 4, t.os_sinit_data_ver);
    store_le(out, io + 28, 4, t.min_mle_header_ver);
    store_le(out, io + 32, 4, t.capabilities.raw);
    out[io + 36] = t.acm_version;
    if (t.version >= 6)
        for (std::size_t i = 0; i < 3; ++i) out[io + 37 + i] = t.acm_revision[i];
    if (t.version >= 4) store_le(out, io + 40, 4, t.processor_id_list);
    if (t.version >= 5) store_le(out, io + 44, 4, t.tpm_info_list);

    if (!t.chained_lists()) {
        acm_detail::write_id_list(out, p.cs_offset, in.chipsets, in.chipset_count);
        if (t.version >= 4) acm_detail::write_processor_list(out, p.proc_offset, in.processors, in.processor_count);
        if (t.version >= 5)
            acm_detail::write_tpm_list(out, p.tpm_offset, in.tpm_capabilities, in.tpm_algorithms,
                                       in.tpm_algorithm_count);
    } else {
        for (u32 i = 0; i < p.nchain; ++i) {
            const acm_chain_item& c = p.chain[i];
            const u64 at = p.chain_offset[i];
            const std::size_t o = static_cast<std::size_t>(at);
            store_le(out, o, 4, c.id);
            store_le(out, o + 4, 4, c.size);
            store_le(out, o + 8, 4, c.rev);
            const u64 pl = at + sizeof(wire::acm_list_header);
            switch (c.id) {
                case acm_list_id::cs1l: acm_detail::write_id_list(out, pl, in.chipsets, in.chipset_count); break;
                case acm_list_id::cs2l: acm_detail::write_id_list(out, pl, in.chipsets2, in.chipset2_count); break;
                case acm_list_id::cpul:
                    acm_detail::write_processor_list(out, pl, in.processors, in.processor_count);
                    break;
                case acm_list_id::tpml:
                    acm_detail::write_tpm_list(out, pl, in.tpm_capabilities, in.tpm_algorithms,
                                               in.tpm_algorithm_count);
                    break;
                default: copy(out, static_cast<std::size_t>(pl), c.payload); break;
            }
        }
        const std::size_t o = static_cast<std::size_t>(p.term_offset);
        store_le(out, o, 4, acm_list_id::term);
        store_le(out, o + 4, 4, in.term_size);
        store_le(out, o + 8, 4, in.term_rev);
    }
    return static_cast<u32>(p.module_size);
}

// The inputs that rebuild `a` with build_acm (explicit list offsets and chain), so that the
// result parses back to the same header, information table and lists. The list arrays are
// caller storage of at least the parsed counts; key and signature view the parsed module.
struct acm_rebuild_storage {
    acm_chipset_id* chipsets = nullptr;
    acm_chipset_id* chipsets2 = nullptr;
    acm_processor_id* processors = nullptr;
    u16* tpm_algorithms = nullptr;
    acm_chain_item* chain = nullptr;  // max_acm_chain_lists entries
};

constexpr acm_build rebuild_input(const parsed_acm& a, const acm_rebuild_storage& s) {
    acm_build b;
    b.layout = a.layout;
    b.header = a.header;
    b.rsa_public_key = a.rsa_public_key();
    b.rsa_signature = a.rsa_signature();
    b.info = a.info;
    for (u32 i = 0; i < a.chipsets.count; ++i) s.chipsets[i] = a.chipset(i);
    for (u32 i = 0; i < a.chipsets2.count; ++i) s.chipsets2[i] = a.chipset2(i);
    for (u32 i = 0; i < a.processors.count; ++i) s.processors[i] = a.processor(i);
    for (u32 i = 0; i < a.tpm.count; ++i) s.tpm_algorithms[i] = a.tpm_algorithm(i);
    b.chipsets = s.chipsets;
    b.chipset_count = a.chipsets.count;
    b.processors = a.processors.present ? s.processors : nullptr;
    b.processor_count = a.processors.count;
    b.tpm_capabilities = a.tpm.capabilities;
    b.tpm_algorithms = a.tpm.present ? s.tpm_algorithms : nullptr;
    b.tpm_algorithm_count = a.tpm.count;
    if (a.info.chained_lists()) {
        b.chipsets = a.chipsets.present ? s.chipsets : nullptr;
        b.chipsets2 = a.chipsets2.present ? s.chipsets2 : nullptr;
        b.chipset2_count = a.chipsets2.count;
        for (u32 i = 0; i < a.chain_count; ++i) {
            const acm_chain_list& c = a.chain[i];
            s.chain[i] = acm_chain_item{c.id, c.rev, c.size, a.chain_payload(i)};
        }
        b.chain = s.chain;
        b.chain_count = a.chain_count;
        b.term_size = a.term_size;
        b.term_rev = a.term_rev;
    }
    return b;
}

}  // namespace dlh::txt
