// SPDX-License-Identifier: MIT
// The TXT heap: four tables, each preceded by a u64 size that counts itself (SDG 315168-013
// Appendix C, Table C-1). BiosData (written by the BIOS), OsMleData (launcher -> MLE, here the
// Linux Secure Launch layouts), OsSinitData (launcher -> SINIT) and SinitMleData (SINIT -> MLE,
// with its memory descriptor records and the copy of the VT-d DMAR table).
// spec/txt/heap.md describes the layouts and the rules (TXT-H<n>).
//
// Parsing decodes structure only: framing, the version's fixed fields, element-list framing and
// the bounds of what SinitMleData points at. Values and cross-table rules are checked by
// dlh/txt/heap_check.hpp. Every table decoder takes the table *including* its 8-byte size field,
// so that error offsets and SinitMleData's MDR/DMAR offsets are counted from the same place.
//
// Native values point into the bytes they were parsed from (element lists, MDRs, the DMAR copy):
// parse and check a copy the caller owns, not the live heap another agent can still change.
//
// Builders write one table or a whole heap into a caller buffer; each first plans (validates and
// measures) without writing, so a failed build leaves the buffer byte-identical.
#pragma once

#include <cstddef>

#include "dlh/base.hpp"
#include "dlh/bits.hpp"
#include "dlh/txt/capabilities.hpp"
#include "dlh/txt/heap_elements.hpp"

namespace dlh::txt {

// ---------------------------------------------------------------------------
// Sizes (bytes of table data after the 8-byte size field)

inline constexpr u32 table_size_field = 8;
inline constexpr u32 bios_data_v2_size = 28;   // SDG C-2: up to NumLogProcs
inline constexpr u32 bios_data_v3_size = 32;   // + SinitFlags
inline constexpr u32 bios_data_v4_size = 36;   // + bytes 32..35 (MleFlags from v5); elements follow (v4+)
inline constexpr u32 os_mle_linux_v1_size = 96;           // Linux Secure Launch, struct version 1
inline constexpr u32 os_mle_linux_boot_params_size = 104;  // GRUB 2.12 v11 / Linux v9-v11
inline constexpr u32 os_sinit_data_v4_size = 84;  // SDG C-4: up to Capabilities
inline constexpr u32 os_sinit_data_v5_size = 92;  // + EFI RSDT/RSDP pointer; elements follow (v6+)
inline constexpr u32 sinit_mle_data_v5_size = 144;  // SDG C-5: up to SinitVtdDmarTableOffset
inline constexpr u32 sinit_mle_data_v8_size = 148;  // + ProcessorSCRTMStatus; elements follow (v9+)
inline constexpr u32 sinit_mdr_size = 24;           // SDG C-6

constexpr u32 bios_data_fixed_size(u32 version) {
    return version <= 2 ? bios_data_v2_size : version == 3 ? bios_data_v3_size : bios_data_v4_size;
}
constexpr u32 os_sinit_data_fixed_size(u32 version) {
    return version <= 4 ? os_sinit_data_v4_size : os_sinit_data_v5_size;
}
constexpr u32 sinit_mle_data_fixed_size(u32 version) {
    return version < 8 ? sinit_mle_data_v5_size : sinit_mle_data_v8_size;
}

namespace wire {

// BiosData (SDG Table C-2/C-3). Version 2 ends after num_logical_procs (28 bytes), version 3
// after sinit_flags (32); bytes 32..35 exist from version 4 and hold MleFlags from version 5;
// extended data elements follow at 36 from version 4 (tboot's layout; see spec/txt/heap.md).
struct bios_data {
    le_u32 version;            // @0  >= 2
    le_u32 bios_sinit_size;    // @4  v2
    le_u64 lcp_pd_base;        // @8  v2
    le_u64 lcp_pd_size;        // @16 v2
    le_u32 num_logical_procs;  // @24 v2
    le_u32 sinit_flags;        // @28 v3
    le_u32 mle_flags;          // @32 v5 (reserved in v4)
};
static_assert(sizeof(bios_data) == 36 && alignof(bios_data) == 1);
static_assert(offsetof(bios_data, bios_sinit_size) == 4 && offsetof(bios_data, lcp_pd_base) == 8);
static_assert(offsetof(bios_data, lcp_pd_size) == 16 && offsetof(bios_data, num_logical_procs) == 24);
static_assert(offsetof(bios_data, sinit_flags) == 28 && offsetof(bios_data, mle_flags) == 32);

// OsMleData, Linux Secure Launch struct version 1 (LX16 include/linux/slaunch.h), 96 bytes.
struct os_mle_data {
    le_u32 version;             // @0  1
    le_u32 reserved;            // @4
    le_u64 slrt;                // @8  physical address of the Secure Launch Resource Table
    le_u64 txt_info;            // @16 physical address of the SLRT Intel info entry
    le_u32 ap_wake_block;       // @24 below 4 GiB
    le_u32 ap_wake_block_size;  // @28
    u8 mle_scratch[64];         // @32
};
static_assert(sizeof(os_mle_data) == 96 && alignof(os_mle_data) == 1);
static_assert(offsetof(os_mle_data, reserved) == 4 && offsetof(os_mle_data, slrt) == 8);
static_assert(offsetof(os_mle_data, txt_info) == 16 && offsetof(os_mle_data, ap_wake_block) == 24);
static_assert(offsetof(os_mle_data, ap_wake_block_size) == 28 && offsetof(os_mle_data, mle_scratch) == 32);

// OsMleData with boot_params_addr, as GRUB 2.12 v11 and Linux v9-v11 wrote it, 104 bytes. Also
// struct version 1: only the size tells the layouts apart.
struct os_mle_data_boot_params {
    le_u32 version;             // @0  1
    le_u32 reserved;            // @4
    le_u64 boot_params_addr;    // @8  (moved into the SLRT Intel info entry later)
    le_u64 slrt;                // @16
    le_u64 txt_info;            // @24
    le_u32 ap_wake_block;       // @32
    le_u32 ap_wake_block_size;  // @36
    u8 mle_scratch[64];         // @40
};
static_assert(sizeof(os_mle_data_boot_params) == 104 && alignof(os_mle_data_boot_params) == 1);
static_assert(offsetof(os_mle_data_boot_params, boot_params_addr) == 8);
static_assert(offsetof(os_mle_data_boot_params, slrt) == 16 && offsetof(os_mle_data_boot_params, txt_info) == 24);
static_assert(offsetof(os_mle_data_boot_params, ap_wake_block) == 32);
static_assert(offsetof(os_mle_data_boot_params, ap_wake_block_size) == 36);
static_assert(offsetof(os_mle_data_boot_params, mle_scratch) == 40);

// OsSinitData (SDG Table C-4). Version 4 ends after capabilities (84 bytes); efi_rsdt_ptr from
// version 5; extended data elements at 92 from version 6.
struct os_sinit_data {
    le_u32 version;          // @0  4..7
    le_u32 flags;            // @4  v7 (reserved before)
    le_u64 mle_ptab;         // @8  physical address of the MLE PDPT
    le_u64 mle_size;         // @16
    le_u64 mle_hdr_base;     // @24 linear address of the MLE header
    le_u64 vtd_pmr_lo_base;  // @32
    le_u64 vtd_pmr_lo_size;  // @40
    le_u64 vtd_pmr_hi_base;  // @48
    le_u64 vtd_pmr_hi_size;  // @56
    le_u64 lcp_po_base;      // @64
    le_u64 lcp_po_size;      // @72
    le_u32 capabilities;     // @80 v4
    le_u64 efi_rsdt_ptr;     // @84 v5 (RSDT in v5, RSDP from v6)
};
static_assert(sizeof(os_sinit_data) == 92 && alignof(os_sinit_data) == 1);
static_assert(offsetof(os_sinit_data, flags) == 4 && offsetof(os_sinit_data, mle_ptab) == 8);
static_assert(offsetof(os_sinit_data, mle_size) == 16 && offsetof(os_sinit_data, mle_hdr_base) == 24);
static_assert(offsetof(os_sinit_data, vtd_pmr_lo_base) == 32 && offsetof(os_sinit_data, vtd_pmr_lo_size) == 40);
static_assert(offsetof(os_sinit_data, vtd_pmr_hi_base) == 48 && offsetof(os_sinit_data, vtd_pmr_hi_size) == 56);
static_assert(offsetof(os_sinit_data, lcp_po_base) == 64 && offsetof(os_sinit_data, lcp_po_size) == 72);
static_assert(offsetof(os_sinit_data, capabilities) == 80 && offsetof(os_sinit_data, efi_rsdt_ptr) == 84);

// SinitMleData (SDG Table C-5). The layout of bytes 0..143 is the same for versions 5..9;
// proc_scrtm_status from version 8; extended data elements at 148 from version 9. The fields
// from bios_acm_id to lcp_policy_control are reserved (zero) in version 9.
struct sinit_mle_data {
    le_u32 version;                     // @0
    u8 bios_acm_id[20];                 // @4
    le_u32 edx_senter_flags;            // @24
    le_u64 mseg_valid;                  // @28
    u8 sinit_hash[20];                  // @36
    u8 mle_hash[20];                    // @56
    u8 stm_hash[20];                    // @76
    u8 lcp_policy_hash[20];             // @96
    le_u32 lcp_policy_control;          // @116
    le_u32 rlp_wakeup_addr;             // @120
    le_u32 reserved;                    // @124
    le_u32 num_of_sinit_mdrs;           // @128
    le_u32 sinit_mdrs_table_offset;     // @132 counted from the table's size field
    le_u32 sinit_vtd_dmar_table_size;   // @136
    le_u32 sinit_vtd_dmar_table_offset; // @140 counted from the table's size field
    le_u32 processor_scrtm_status;      // @144 v8
};
static_assert(sizeof(sinit_mle_data) == 148 && alignof(sinit_mle_data) == 1);
static_assert(offsetof(sinit_mle_data, bios_acm_id) == 4 && offsetof(sinit_mle_data, edx_senter_flags) == 24);
static_assert(offsetof(sinit_mle_data, mseg_valid) == 28 && offsetof(sinit_mle_data, sinit_hash) == 36);
static_assert(offsetof(sinit_mle_data, mle_hash) == 56 && offsetof(sinit_mle_data, stm_hash) == 76);
static_assert(offsetof(sinit_mle_data, lcp_policy_hash) == 96);
static_assert(offsetof(sinit_mle_data, lcp_policy_control) == 116);
static_assert(offsetof(sinit_mle_data, rlp_wakeup_addr) == 120 && offsetof(sinit_mle_data, reserved) == 124);
static_assert(offsetof(sinit_mle_data, num_of_sinit_mdrs) == 128);
static_assert(offsetof(sinit_mle_data, sinit_mdrs_table_offset) == 132);
static_assert(offsetof(sinit_mle_data, sinit_vtd_dmar_table_size) == 136);
static_assert(offsetof(sinit_mle_data, sinit_vtd_dmar_table_offset) == 140);
static_assert(offsetof(sinit_mle_data, processor_scrtm_status) == 144);

// SINIT memory descriptor record (SDG Table C-6), 24 bytes.
struct sinit_mdr {
    le_u64 address;   // @0
    le_u64 length;    // @8
    u8 type;          // @16
    u8 reserved[7];   // @17
};
static_assert(sizeof(sinit_mdr) == 24 && alignof(sinit_mdr) == 1);
static_assert(offsetof(sinit_mdr, length) == 8 && offsetof(sinit_mdr, type) == 16 && offsetof(sinit_mdr, reserved) == 17);

}  // namespace wire

// ---------------------------------------------------------------------------
// Flag words, described once (dlh/bits.hpp)

// BiosData.MleFlags (SDG Table C-3): bit 0 from version 5, bits 2:1 from version 6.
namespace mle_flags_field {
inline constexpr bit_field acpi_ppi{"ACPI_PPI", 0, 1, false, "TXT/VT-x/VT-d ACPI PPI supported (v5+)"};
inline constexpr bit_field platform_type{"PLATFORM_TYPE", 1, 2, false, "0 legacy, 1 client, 2 server (v6+)"};
}  // namespace mle_flags_field
inline constexpr bit_field mle_flags_fields[] = {mle_flags_field::acpi_ppi, mle_flags_field::platform_type,
                                                 reserved_bits(3, 29)};
inline constexpr register_info mle_flags_info{"BiosData.MleFlags", 32, 32, mle_flags_fields, "SDG Table C-3"};

// OsSinitData.Flags (SDG Table C-4, version 7).
namespace os_sinit_flags_field {
inline constexpr bit_field pcr_extend_policy{"PCR_EXTEND_POLICY", 0, 1, false,
                                             "0 maximum agility, 1 maximum performance"};
}  // namespace os_sinit_flags_field
inline constexpr bit_field os_sinit_flags_fields[] = {os_sinit_flags_field::pcr_extend_policy, reserved_bits(1, 31)};
inline constexpr register_info os_sinit_flags_info{"OsSinitData.Flags", 4, 32, os_sinit_flags_fields, "SDG Table C-4"};

// SinitMleData.ProcessorSCRTMStatus (SDG Table C-5, version 8).
namespace scrtm_status_field {
inline constexpr bit_field processor_scrtm{"PROCESSOR_SCRTM", 0, 1, false, "PCR 0 is rooted in the CPU S-CRTM"};
}  // namespace scrtm_status_field
inline constexpr bit_field scrtm_status_fields[] = {scrtm_status_field::processor_scrtm, reserved_bits(1, 31)};
inline constexpr register_info scrtm_status_info{"SinitMleData.ProcessorSCRTMStatus", 144, 32, scrtm_status_fields,
                                                 "SDG Table C-5"};

// ---------------------------------------------------------------------------
// Native values

// BiosData, decoded. Fields a version does not have read as 0. `padding` is what follows the
// content (the fixed fields, or the element list through END); `size` is BiosDataSize.
struct bios_data {
    u32 version = 0;
    u32 bios_sinit_size = 0;
    u64 lcp_pd_base = 0;
    u64 lcp_pd_size = 0;
    u32 num_logical_procs = 0;
    u32 sinit_flags = 0;  // v3+
    u32 mle_flags = 0;    // bytes 32..35: v4+ (MleFlags from v5)
    element_list ext_data_elements{};  // v4+, through END; empty when the table ends at 36
    blob padding{};
    u64 size = 0;  // BiosDataSize; 0 when building: the content rounded up to 8

    constexpr txt::platform_type platform() const {
        return static_cast<txt::platform_type>(mle_flags_field::platform_type.get(mle_flags));
    }
    friend constexpr bool operator==(const bios_data&, const bios_data&) = default;
};

// The OsMleData layouts this library decodes; the format is private to the launcher and its MLE
// (SDG C.3), so the layout is named, never guessed from the contents.
enum class os_mle_layout : u8 {
    linux_v1 = 0,           // 96 bytes (current Linux Secure Launch, TrenchBoot 2026)
    linux_boot_params = 1,  // 104 bytes, with boot_params_addr (GRUB 2.12 v11, Linux v9-v11)
};

constexpr const char* name(os_mle_layout l) {
    return l == os_mle_layout::linux_v1 ? "linux_v1" : "linux_boot_params";
}
constexpr u32 os_mle_layout_size(os_mle_layout l) {
    return l == os_mle_layout::linux_v1 ? os_mle_linux_v1_size : os_mle_linux_boot_params_size;
}

struct os_mle_data {
    os_mle_layout layout = os_mle_layout::linux_v1;
    u32 version = 1;
    u32 reserved = 0;
    u64 boot_params_addr = 0;  // linux_boot_params only
    u64 slrt = 0;
    u64 txt_info = 0;
    u32 ap_wake_block = 0;
    u32 ap_wake_block_size = 0;
    u8 mle_scratch[64]{};
    u64 size = 0;  // OsMleDataSize; 0 when building: layout size + 8

    // mle_scratch as the Linux MLE uses it: the AP %ebx (MLE base), the offset of the AP long
    // jump fixup in the wake block, the offset of the AP stacks in the wake block.
    constexpr u32 scratch_word(u32 i) const {
        return static_cast<u32>(load_le(byte_view(mle_scratch), std::size_t{i} * 4, 4));
    }
    friend constexpr bool operator==(const os_mle_data&, const os_mle_data&) = default;
};

struct os_sinit_data {
    u32 version = 0;
    u32 flags = 0;  // v7; reserved (read as stored) before
    u64 mle_ptab = 0;
    u64 mle_size = 0;
    u64 mle_hdr_base = 0;
    u64 vtd_pmr_lo_base = 0;
    u64 vtd_pmr_lo_size = 0;
    u64 vtd_pmr_hi_base = 0;
    u64 vtd_pmr_hi_size = 0;
    u64 lcp_po_base = 0;
    u64 lcp_po_size = 0;
    capabilities caps{};
    u64 efi_rsdt_ptr = 0;  // v5+
    element_list ext_data_elements{};  // v6+, through END
    blob padding{};
    u64 size = 0;  // OsSinitDataSize; 0 when building: the content rounded up to 8

    constexpr range pmr_lo() const { return range{vtd_pmr_lo_base, vtd_pmr_lo_size}; }
    constexpr range pmr_hi() const { return range{vtd_pmr_hi_base, vtd_pmr_hi_size}; }
    constexpr range lcp_po() const { return range{lcp_po_base, lcp_po_size}; }
    friend constexpr bool operator==(const os_sinit_data&, const os_sinit_data&) = default;
};

// MDR memory types (SDG Table C-6).
enum class mdr_type : u8 {
    usable = 0,                // good memory; SINIT verifies the MLE and its page tables lie in it
    smram_overlayed = 1,       // deprecated
    smram_non_overlayed = 2,   // deprecated
    pcie_config = 3,           // PCIe extended configuration space
    persistent = 4,            // persistent memory (tboot: MDR_MEMTYPE_PROTECTED)
};

constexpr const char* mdr_type_name(u8 t) {
    switch (t) {
        case 0: return "usable";
        case 1: return "smram_overlayed";
        case 2: return "smram_non_overlayed";
        case 3: return "pcie_config";
        case 4: return "persistent";
        default: return "reserved";
    }
}

struct sinit_mdr {
    u64 address = 0;
    u64 length = 0;
    u8 type = 0;
    u8 reserved[7]{};
    constexpr range region() const { return range{address, length}; }
    friend constexpr bool operator==(const sinit_mdr&, const sinit_mdr&) = default;
};

constexpr sinit_mdr decode_mdr(byte_view b, std::size_t at) {
    sinit_mdr m;
    m.address = load_le(b, at, 8);
    m.length = load_le(b, at + 8, 8);
    m.type = b[at + 16];
    for (std::size_t i = 0; i < 7; ++i) m.reserved[i] = b[at + 17 + i];
    return m;
}

constexpr void encode_mdr(mutable_byte_view b, std::size_t at, const sinit_mdr& m) {
    store_le(b, at, 8, m.address);
    store_le(b, at + 8, 8, m.length);
    b[at + 16] = m.type;
    for (std::size_t i = 0; i < 7; ++i) b[at + 17 + i] = m.reserved[i];
}

// The MDR array: count() records of 24 bytes.
class mdr_table {
public:
    constexpr mdr_table() = default;
    constexpr explicit mdr_table(byte_view bytes)
        : bytes_(bytes.subview(0, (bytes.size() / sinit_mdr_size) * sinit_mdr_size)) {}

    constexpr u32 count() const { return static_cast<u32>(bytes_.size() / sinit_mdr_size); }
    constexpr bool empty() const { return bytes_.empty(); }
    constexpr byte_view bytes() const { return bytes_; }
    // Precondition: i < count().
    constexpr sinit_mdr operator[](u32 i) const { return decode_mdr(bytes_, std::size_t{i} * sinit_mdr_size); }

    class iterator {
    public:
        constexpr iterator(const mdr_table* t, u32 i) : table_(t), index_(i) {}
        constexpr sinit_mdr operator*() const { return (*table_)[index_]; }
        constexpr iterator& operator++() {
            ++index_;
            return *this;
        }
        friend constexpr bool operator==(const iterator& a, const iterator& b) { return a.index_ == b.index_; }

    private:
        const mdr_table* table_;
        u32 index_;
    };
    constexpr iterator begin() const { return iterator(this, 0); }
    constexpr iterator end() const { return iterator(this, count()); }

    friend constexpr bool operator==(const mdr_table& a, const mdr_table& b) { return slrt::equal(a.bytes_, b.bytes_); }

private:
    byte_view bytes_{};
};

struct sinit_mle_data {
    u32 version = 0;
    u8 bios_acm_id[20]{};
    u32 edx_senter_flags = 0;
    u64 mseg_valid = 0;
    u8 sinit_hash[20]{};
    u8 mle_hash[20]{};
    u8 stm_hash[20]{};
    u8 lcp_policy_hash[20]{};
    u32 lcp_policy_control = 0;
    u32 rlp_wakeup_addr = 0;
    u32 reserved = 0;
    u32 num_of_sinit_mdrs = 0;            // as stored; the builder writes mdrs.count()
    u32 sinit_mdrs_table_offset = 0;      // from the size field; building: 0 places the table
    u32 sinit_vtd_dmar_table_size = 0;    // as stored; the builder writes dmar.size()
    u32 sinit_vtd_dmar_table_offset = 0;  // from the size field; building: 0 places the copy
    u32 processor_scrtm_status = 0;       // v8+
    element_list ext_data_elements{};     // v9+, through END
    mdr_table mdrs{};
    blob dmar{};  // the VT-d DMAR copy
    u64 size = 0;  // SinitMleDataSize; 0 when building: the content rounded up to 8

    friend constexpr bool operator==(const sinit_mle_data&, const sinit_mle_data&) = default;
};

// ---------------------------------------------------------------------------
// Table decoders (rules TXT-H1..TXT-H15 and the element framing rules TXT-X1..TXT-X5).

namespace detail {

constexpr const char* size_field_name(heap_table t) {
    switch (t) {
        case heap_table::bios_data: return "bios_data_size";
        case heap_table::os_mle_data: return "os_mle_data_size";
        case heap_table::os_sinit_data: return "os_sinit_data_size";
        case heap_table::sinit_mle_data: return "sinit_mle_data_size";
    }
    return "table_size";
}

// The table's bytes (exactly its size) from a view starting at its size field.
constexpr result<byte_view> frame_table(byte_view bytes, heap_table t) {
    const u32 index = static_cast<u32>(t);
    if (bytes.size() < table_size_field)
        return heap_error(errc::truncated_header, 0, index, size_field_name(t), "TXT-H1",
                          "fewer than 8 bytes left for the table's size field", bytes.size(), table_size_field);
    const u64 size = load_le(bytes, 0, 8);
    if (size == 0)
        return heap_error(errc::entry_size_too_small, 0, index, size_field_name(t), "TXT-H2",
                          "a heap table size is never 0", size, table_size_field);
    if (size < table_size_field)
        return heap_error(errc::entry_size_too_small, 0, index, size_field_name(t), "TXT-H3",
                          "a heap table size counts its own 8-byte size field", size, table_size_field);
    if (size > bytes.size())
        return heap_error(errc::entry_exceeds_table, 0, index, size_field_name(t), "TXT-H4",
                          "the table runs past the end of the heap", size, bytes.size());
    return bytes.subview(0, static_cast<std::size_t>(size));
}

constexpr error relocate(error e, u32 base) {
    e.offset += base;
    return e;
}

constexpr void copy_bytes(u8* to, byte_view from, std::size_t at, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) to[i] = from[at + i];
}

// Walks an element list that starts at `at` in table `t` (offsets from the size field).
constexpr result<element_list> table_elements(byte_view t, u32 at) {
    const byte_view rest = t.subview(at);
    auto w = walk_elements(rest, at);
    if (!w) return w.err();
    return element_list(rest.subview(0, w->used), at);
}

}  // namespace detail

// BiosData from a view starting at BiosDataSize.
constexpr result<bios_data> parse_bios_data(byte_view table) {
    auto framed = detail::frame_table(table, heap_table::bios_data);
    if (!framed) return framed.err();
    const byte_view t = *framed;
    const std::size_t data = t.size() - table_size_field;
    if (data < 4)
        return heap_error(errc::truncated_header, 0, 0, "bios_data_size", "TXT-H7",
                          "BiosData is too short to hold its version", t.size(), table_size_field + bios_data_v2_size);
    bios_data b;
    b.size = t.size();
    b.version = static_cast<u32>(load_le(t, 8, 4));
    if (b.version < 2)
        return heap_error(errc::unsupported_version, 8, 0, "bios_data.version", "TXT-H6",
                          "BiosData versions below 2 are not supported", b.version, 2);
    const u32 fixed = bios_data_fixed_size(b.version);
    if (data < fixed)
        return heap_error(errc::truncated_header, 0, 0, "bios_data_size", "TXT-H7",
                          "BiosData is shorter than the fields of its version", t.size(), table_size_field + fixed);
    b.bios_sinit_size = static_cast<u32>(load_le(t, 8 + offsetof(wire::bios_data, bios_sinit_size), 4));
    b.lcp_pd_base = load_le(t, 8 + offsetof(wire::bios_data, lcp_pd_base), 8);
    b.lcp_pd_size = load_le(t, 8 + offsetof(wire::bios_data, lcp_pd_size), 8);
    b.num_logical_procs = static_cast<u32>(load_le(t, 8 + offsetof(wire::bios_data, num_logical_procs), 4));
    if (b.version >= 3) b.sinit_flags = static_cast<u32>(load_le(t, 8 + offsetof(wire::bios_data, sinit_flags), 4));
    if (b.version >= 4) b.mle_flags = static_cast<u32>(load_le(t, 8 + offsetof(wire::bios_data, mle_flags), 4));
    u32 content = table_size_field + fixed;
    if (b.version >= 4 && data > bios_data_v4_size) {
        auto list = detail::table_elements(t, content);
        if (!list) return list.err();
        b.ext_data_elements = *list;
        content += static_cast<u32>(list->bytes().size());
    }
    b.padding = blob{t.subview(content)};
    return b;
}

// The OsMleData layout whose size matches OsMleDataSize (the size field's value), if any.
constexpr result<os_mle_layout> detect_os_mle_layout(u64 table_size) {
    if (table_size == u64{table_size_field} + os_mle_linux_v1_size) return os_mle_layout::linux_v1;
    if (table_size == u64{table_size_field} + os_mle_linux_boot_params_size) return os_mle_layout::linux_boot_params;
    return heap_error(errc::not_found, 0, 1, "os_mle_data_size", "TXT-H9",
                      "OsMleDataSize matches no Linux OsMleData layout (104 or 112)", table_size,
                      table_size_field + os_mle_linux_v1_size);
}

// OsMleData in the named layout, from a view starting at OsMleDataSize.
constexpr result<os_mle_data> parse_os_mle_data(byte_view table, os_mle_layout layout) {
    auto framed = detail::frame_table(table, heap_table::os_mle_data);
    if (!framed) return framed.err();
    const byte_view t = *framed;
    const u32 expected = table_size_field + os_mle_layout_size(layout);
    if (t.size() != expected)
        return heap_error(errc::entry_size_mismatch, 0, 1, "os_mle_data_size", "TXT-H8",
                          "OsMleDataSize does not match the selected OsMleData layout", t.size(), expected);
    os_mle_data m;
    m.layout = layout;
    m.size = t.size();
    m.version = static_cast<u32>(load_le(t, 8, 4));
    m.reserved = static_cast<u32>(load_le(t, 12, 4));
    const std::size_t shift = layout == os_mle_layout::linux_boot_params ? 8 : 0;
    if (layout == os_mle_layout::linux_boot_params)
        m.boot_params_addr = load_le(t, 8 + offsetof(wire::os_mle_data_boot_params, boot_params_addr), 8);
    m.slrt = load_le(t, 8 + shift + offsetof(wire::os_mle_data, slrt), 8);
    m.txt_info = load_le(t, 8 + shift + offsetof(wire::os_mle_data, txt_info), 8);
    m.ap_wake_block = static_cast<u32>(load_le(t, 8 + shift + offsetof(wire::os_mle_data, ap_wake_block), 4));
    m.ap_wake_block_size = static_cast<u32>(load_le(t, 8 + shift + offsetof(wire::os_mle_data, ap_wake_block_size), 4));
    detail::copy_bytes(m.mle_scratch, t, 8 + shift + offsetof(wire::os_mle_data, mle_scratch), 64);
    return m;
}

// OsSinitData from a view starting at OsSinitDataSize.
constexpr result<os_sinit_data> parse_os_sinit_data(byte_view table) {
    auto framed = detail::frame_table(table, heap_table::os_sinit_data);
    if (!framed) return framed.err();
    const byte_view t = *framed;
    const std::size_t data = t.size() - table_size_field;
    if (data < 4)
        return heap_error(errc::truncated_header, 0, 2, "os_sinit_data_size", "TXT-H11",
                          "OsSinitData is too short to hold its version", t.size(),
                          table_size_field + os_sinit_data_v4_size);
    os_sinit_data s;
    s.size = t.size();
    s.version = static_cast<u32>(load_le(t, 8, 4));
    if (s.version < 4 || s.version > 7)
        return heap_error(errc::unsupported_version, 8, 2, "os_sinit_data.version", "TXT-H10",
                          "OsSinitData versions 4 to 7 are defined", s.version, s.version < 4 ? 4 : 7);
    const u32 fixed = os_sinit_data_fixed_size(s.version);
    if (data < fixed)
        return heap_error(errc::truncated_header, 0, 2, "os_sinit_data_size", "TXT-H11",
                          "OsSinitData is shorter than the fields of its version", t.size(), table_size_field + fixed);
    s.flags = static_cast<u32>(load_le(t, 8 + offsetof(wire::os_sinit_data, flags), 4));
    s.mle_ptab = load_le(t, 8 + offsetof(wire::os_sinit_data, mle_ptab), 8);
    s.mle_size = load_le(t, 8 + offsetof(wire::os_sinit_data, mle_size), 8);
    s.mle_hdr_base = load_le(t, 8 + offsetof(wire::os_sinit_data, mle_hdr_base), 8);
    s.vtd_pmr_lo_base = load_le(t, 8 + offsetof(wire::os_sinit_data, vtd_pmr_lo_base), 8);
    s.vtd_pmr_lo_size = load_le(t, 8 + offsetof(wire::os_sinit_data, vtd_pmr_lo_size), 8);
    s.vtd_pmr_hi_base = load_le(t, 8 + offsetof(wire::os_sinit_data, vtd_pmr_hi_base), 8);
    s.vtd_pmr_hi_size = load_le(t, 8 + offsetof(wire::os_sinit_data, vtd_pmr_hi_size), 8);
    s.lcp_po_base = load_le(t, 8 + offsetof(wire::os_sinit_data, lcp_po_base), 8);
    s.lcp_po_size = load_le(t, 8 + offsetof(wire::os_sinit_data, lcp_po_size), 8);
    s.caps = capabilities{static_cast<u32>(load_le(t, 8 + offsetof(wire::os_sinit_data, capabilities), 4))};
    if (s.version >= 5) s.efi_rsdt_ptr = load_le(t, 8 + offsetof(wire::os_sinit_data, efi_rsdt_ptr), 8);
    u32 content = table_size_field + fixed;
    if (s.version >= 6) {
        auto list = detail::table_elements(t, content);
        if (!list) return list.err();
        s.ext_data_elements = *list;
        content += static_cast<u32>(list->bytes().size());
    }
    s.padding = blob{t.subview(content)};
    return s;
}

// SinitMleData from a view starting at SinitMleDataSize. Versions above 9 are decoded with the
// version 9 layout.
constexpr result<sinit_mle_data> parse_sinit_mle_data(byte_view table) {
    auto framed = detail::frame_table(table, heap_table::sinit_mle_data);
    if (!framed) return framed.err();
    const byte_view t = *framed;
    const std::size_t data = t.size() - table_size_field;
    if (data < 4)
        return heap_error(errc::truncated_header, 0, 3, "sinit_mle_data_size", "TXT-H13",
                          "SinitMleData is too short to hold its version", t.size(),
                          table_size_field + sinit_mle_data_v5_size);
    sinit_mle_data s;
    s.size = t.size();
    s.version = static_cast<u32>(load_le(t, 8, 4));
    if (s.version < 5)
        return heap_error(errc::unsupported_version, 8, 3, "sinit_mle_data.version", "TXT-H12",
                          "SinitMleData versions below 5 are not supported", s.version, 5);
    const u32 fixed = sinit_mle_data_fixed_size(s.version);
    if (data < fixed)
        return heap_error(errc::truncated_header, 0, 3, "sinit_mle_data_size", "TXT-H13",
                          "SinitMleData is shorter than the fields of its version", t.size(), table_size_field + fixed);
    constexpr std::size_t d = table_size_field;
    detail::copy_bytes(s.bios_acm_id, t, d + offsetof(wire::sinit_mle_data, bios_acm_id), 20);
    s.edx_senter_flags = static_cast<u32>(load_le(t, d + offsetof(wire::sinit_mle_data, edx_senter_flags), 4));
    s.mseg_valid = load_le(t, d + offsetof(wire::sinit_mle_data, mseg_valid), 8);
    detail::copy_bytes(s.sinit_hash, t, d + offsetof(wire::sinit_mle_data, sinit_hash), 20);
    detail::copy_bytes(s.mle_hash, t, d + offsetof(wire::sinit_mle_data, mle_hash), 20);
    detail::copy_bytes(s.stm_hash, t, d + offsetof(wire::sinit_mle_data, stm_hash), 20);
    detail::copy_bytes(s.lcp_policy_hash, t, d + offsetof(wire::sinit_mle_data, lcp_policy_hash), 20);
    s.lcp_policy_control = static_cast<u32>(load_le(t, d + offsetof(wire::sinit_mle_data, lcp_policy_control), 4));
    s.rlp_wakeup_addr = static_cast<u32>(load_le(t, d + offsetof(wire::sinit_mle_data, rlp_wakeup_addr), 4));
    s.reserved = static_cast<u32>(load_le(t, d + offsetof(wire::sinit_mle_data, reserved), 4));
    s.num_of_sinit_mdrs = static_cast<u32>(load_le(t, d + offsetof(wire::sinit_mle_data, num_of_sinit_mdrs), 4));
    s.sinit_mdrs_table_offset =
        static_cast<u32>(load_le(t, d + offsetof(wire::sinit_mle_data, sinit_mdrs_table_offset), 4));
    s.sinit_vtd_dmar_table_size =
        static_cast<u32>(load_le(t, d + offsetof(wire::sinit_mle_data, sinit_vtd_dmar_table_size), 4));
    s.sinit_vtd_dmar_table_offset =
        static_cast<u32>(load_le(t, d + offsetof(wire::sinit_mle_data, sinit_vtd_dmar_table_offset), 4));
    if (s.version >= 8)
        s.processor_scrtm_status = static_cast<u32>(load_le(t, d + offsetof(wire::sinit_mle_data, processor_scrtm_status), 4));
    if (s.version >= 9) {
        auto list = detail::table_elements(t, table_size_field + fixed);
        if (!list) return list.err();
        s.ext_data_elements = *list;
    }
    if (s.num_of_sinit_mdrs != 0) {
        const u64 bytes = u64{s.num_of_sinit_mdrs} * sinit_mdr_size;
        if (!(s.sinit_mdrs_table_offset <= t.size() && bytes <= t.size() - s.sinit_mdrs_table_offset))
            return heap_error(errc::out_of_bounds, d + offsetof(wire::sinit_mle_data, sinit_mdrs_table_offset), 3,
                              "sinit_mle_data.sinit_mdrs_table_offset", "TXT-H14",
                              "NumberOfSinitMdrs * 24 bytes at SinitMdrTableOffset (from the size field) leave "
                              "SinitMleData",
                              s.sinit_mdrs_table_offset, t.size());
        s.mdrs = mdr_table(t.subview(s.sinit_mdrs_table_offset, static_cast<std::size_t>(bytes)));
    }
    if (s.sinit_vtd_dmar_table_size != 0) {
        if (!(s.sinit_vtd_dmar_table_offset <= t.size() &&
              s.sinit_vtd_dmar_table_size <= t.size() - s.sinit_vtd_dmar_table_offset))
            return heap_error(errc::out_of_bounds, d + offsetof(wire::sinit_mle_data, sinit_vtd_dmar_table_offset), 3,
                              "sinit_mle_data.sinit_vtd_dmar_table_offset", "TXT-H15",
                              "SinitVtdDmarTableSize bytes at SinitVtdDmarTableOffset (from the size field) leave "
                              "SinitMleData",
                              s.sinit_vtd_dmar_table_offset, t.size());
        s.dmar = blob{t.subview(s.sinit_vtd_dmar_table_offset, s.sinit_vtd_dmar_table_size)};
    }
    return s;
}

// ---------------------------------------------------------------------------
// The whole heap

// How much of the heap holds data: after the BIOS (BiosData only; the other tables may be
// empty), before SENTER (BiosData, OsMleData, OsSinitData), after the launch (all four).
enum class heap_stage : u8 { bios = 0, pre_launch = 1, post_launch = 2 };

constexpr const char* name(heap_stage s) {
    return s == heap_stage::bios ? "bios" : s == heap_stage::pre_launch ? "pre_launch" : "post_launch";
}
constexpr u32 table_count(heap_stage s) { return s == heap_stage::bios ? 1 : s == heap_stage::pre_launch ? 3 : 4; }

// Where the tables are: offset of each size field within the heap and each size.
struct heap_layout {
    u32 count = 0;  // tables framed
    u32 offset[4]{};
    u64 size[4]{};
    u64 total = 0;      // sum of the framed sizes
    u64 view_size = 0;  // bytes in the heap view that was parsed

    constexpr bool has(heap_table t) const { return static_cast<u32>(t) < count; }
    constexpr u32 table_offset(heap_table t) const { return offset[static_cast<u32>(t)]; }
    constexpr u64 table_size(heap_table t) const { return size[static_cast<u32>(t)]; }
    // The table's bytes, size field included (empty if not framed).
    constexpr byte_view table(byte_view heap, heap_table t) const {
        if (!has(t)) return {};
        return heap.subview(offset[static_cast<u32>(t)], static_cast<std::size_t>(size[static_cast<u32>(t)]));
    }
    friend constexpr bool operator==(const heap_layout&, const heap_layout&) = default;
};

// Walks the size fields of the first table_count(stage) tables (TXT-H1..TXT-H5).
constexpr result<heap_layout> parse_heap_layout(byte_view heap, heap_stage stage = heap_stage::post_launch) {
    if (heap.size() > 0xffffffffu)
        return heap_error(errc::bad_argument, 0, no_entry, "heap", "TXT-H5",
                          "a heap view is at most 4 GiB - 1 bytes (offsets are 32-bit)", heap.size(), 0xffffffffu);
    heap_layout l;
    l.view_size = heap.size();
    u32 pos = 0;
    for (u32 i = 0; i < table_count(stage); ++i) {
        auto t = detail::frame_table(heap.subview(pos), static_cast<heap_table>(i));
        if (!t) return detail::relocate(t.err(), pos);
        l.offset[i] = pos;
        l.size[i] = t->size();
        pos += static_cast<u32>(t->size());
        l.total += t->size();
        l.count = i + 1;
    }
    return l;
}

// OsMleData decoding: by its size, in a named layout, or not at all.
enum class os_mle_select : u8 { by_size = 0, linux_v1 = 1, linux_boot_params = 2, opaque = 3 };
// What parse_heap did with OsMleData.
enum class os_mle_status : u8 {
    absent = 0,    // not framed (stage bios)
    opaque = 1,    // not decoded: selected opaque, or its size matched no layout under by_size
    by_size = 2,   // decoded in the layout its size names
    selected = 3,  // decoded in the layout the caller named
};

constexpr const char* name(os_mle_status s) {
    switch (s) {
        case os_mle_status::absent: return "absent";
        case os_mle_status::opaque: return "opaque";
        case os_mle_status::by_size: return "by_size";
        case os_mle_status::selected: return "selected";
    }
    return "unknown";
}

struct heap_parse_options {
    heap_stage stage = heap_stage::post_launch;
    os_mle_select os_mle = os_mle_select::by_size;
};

struct parsed_heap {
    heap_stage stage = heap_stage::post_launch;
    heap_layout layout{};
    bios_data bios{};
    os_mle_status os_mle_decoding = os_mle_status::absent;
    os_mle_data os_mle{};
    os_sinit_data os_sinit{};  // stage pre_launch and post_launch
    sinit_mle_data sinit_mle{};  // stage post_launch
    friend constexpr bool operator==(const parsed_heap&, const parsed_heap&) = default;
};

// Frames and decodes the tables the stage says hold data. Error offsets are within `heap`.
constexpr result<parsed_heap> parse_heap(byte_view heap, const heap_parse_options& opt = {}) {
    auto layout = parse_heap_layout(heap, opt.stage);
    if (!layout) return layout.err();
    parsed_heap h;
    h.stage = opt.stage;
    h.layout = *layout;
    const u32 base[4] = {layout->offset[0], layout->offset[1], layout->offset[2], layout->offset[3]};
    auto bios = parse_bios_data(layout->table(heap, heap_table::bios_data));
    if (!bios) return detail::relocate(bios.err(), base[0]);
    h.bios = *bios;
    if (opt.stage == heap_stage::bios) return h;

    const byte_view mle_table = layout->table(heap, heap_table::os_mle_data);
    h.os_mle_decoding = os_mle_status::opaque;
    if (opt.os_mle != os_mle_select::opaque) {
        os_mle_layout l = os_mle_layout::linux_v1;
        bool decode = true;
        if (opt.os_mle == os_mle_select::by_size) {
            auto detected = detect_os_mle_layout(layout->size[1]);
            decode = detected.ok();
            if (decode) l = *detected;
        } else {
            l = opt.os_mle == os_mle_select::linux_v1 ? os_mle_layout::linux_v1 : os_mle_layout::linux_boot_params;
        }
        if (decode) {
            auto m = parse_os_mle_data(mle_table, l);
            if (!m) return detail::relocate(m.err(), base[1]);
            h.os_mle = *m;
            h.os_mle_decoding = opt.os_mle == os_mle_select::by_size ? os_mle_status::by_size : os_mle_status::selected;
        }
    }
    auto sinit = parse_os_sinit_data(layout->table(heap, heap_table::os_sinit_data));
    if (!sinit) return detail::relocate(sinit.err(), base[2]);
    h.os_sinit = *sinit;
    if (opt.stage == heap_stage::pre_launch) return h;

    auto smle = parse_sinit_mle_data(layout->table(heap, heap_table::sinit_mle_data));
    if (!smle) return detail::relocate(smle.err(), base[3]);
    h.sinit_mle = *smle;
    return h;
}

// ---------------------------------------------------------------------------
// Builders (rules TXT-H90..TXT-H93). plan_<table> validates a native value and returns the
// table size it will write; build_<table> plans, checks the buffer, then writes the table
// (size field included) at out[0]. `size` 0 in a native value means: the content rounded up
// to a multiple of 8 (SDG Table C-1 note 1), zero padded; a non-zero `size` is written as given
// (at least the content), which reproduces producers that do not pad.

namespace detail {

constexpr u64 round_up_8(u64 v) { return (v + 7) & ~u64{7}; }

constexpr error build_error(errc code, const char* field, const char* rule, const char* message, u64 value, u64 limit) {
    return heap_error(code, 0, no_entry, field, rule, message, value, limit);
}

// A list given to a builder must be complete: well framed, and ending with END at its last byte.
constexpr status check_list_for_build(const element_list& list, bool required, bool allowed, const char* field) {
    const byte_view b = list.bytes();
    if (b.empty()) {
        if (required)
            return build_error(errc::bad_argument, field, "TXT-H91", "this version needs an element list (END at least)", 0,
                               end_element_size);
        return success;
    }
    if (!allowed)
        return build_error(errc::bad_argument, field, "TXT-H91", "this version has no element list", b.size(), 0);
    auto w = walk_elements(b, 0);
    if (!w) return w.err();
    if (w->used != b.size())
        return build_error(errc::bad_argument, field, "TXT-H91", "bytes follow the END element of the list", b.size(),
                           w->used);
    return success;
}

constexpr result<u64> final_size(u64 requested, u64 content, const char* field) {
    if (requested == 0) return round_up_8(content);
    if (requested < content)
        return build_error(errc::value_out_of_range, field, "TXT-H92", "the requested table size is smaller than its content",
                           requested, content);
    if (requested > 0xffffffffu)
        return build_error(errc::value_out_of_range, field, "TXT-H92", "a table larger than 4 GiB cannot be built",
                           requested, 0xffffffffu);
    return requested;
}

constexpr status check_room(mutable_byte_view out, u64 size, const char* field) {
    if (size > out.size())
        return build_error(errc::buffer_too_small, field, "TXT-H93", "the buffer cannot hold the table", size, out.size());
    return success;
}

}  // namespace detail

constexpr result<u64> plan_bios_data(const bios_data& v) {
    if (v.version < 2)
        return detail::build_error(errc::bad_argument, "bios_data.version", "TXT-H90",
                                   "BiosData versions below 2 cannot be built", v.version, 2);
    if (status s = detail::check_list_for_build(v.ext_data_elements, false, v.version >= 4, "bios_data.ext_data_elements");
        !s)
        return s.err();
    const u64 content = u64{table_size_field} + bios_data_fixed_size(v.version) + v.ext_data_elements.bytes().size();
    // From version 4 every byte after the fixed fields belongs to the element list, so a table
    // without a list cannot be padded: it is exactly 44 bytes.
    if (v.version >= 4 && v.ext_data_elements.empty()) {
        if (v.size != 0 && v.size != content)
            return detail::build_error(errc::value_out_of_range, "bios_data.size", "TXT-H92",
                                       "BiosData v4+ without elements ends after its 36 bytes of fields", v.size, content);
        return content;
    }
    return detail::final_size(v.size, content, "bios_data.size");
}

constexpr result<u64> build_bios_data(const bios_data& v, mutable_byte_view out) {
    auto size = plan_bios_data(v);
    if (!size) return size;
    if (status s = detail::check_room(out, *size, "bios_data"); !s) return s.err();
    const std::size_t n = static_cast<std::size_t>(*size);
    fill(out, 0, n, 0);
    store_le(out, 0, 8, *size);
    store_le(out, 8, 4, v.version);
    store_le(out, 8 + offsetof(wire::bios_data, bios_sinit_size), 4, v.bios_sinit_size);
    store_le(out, 8 + offsetof(wire::bios_data, lcp_pd_base), 8, v.lcp_pd_base);
    store_le(out, 8 + offsetof(wire::bios_data, lcp_pd_size), 8, v.lcp_pd_size);
    store_le(out, 8 + offsetof(wire::bios_data, num_logical_procs), 4, v.num_logical_procs);
    if (v.version >= 3) store_le(out, 8 + offsetof(wire::bios_data, sinit_flags), 4, v.sinit_flags);
    if (v.version >= 4) store_le(out, 8 + offsetof(wire::bios_data, mle_flags), 4, v.mle_flags);
    copy(out, table_size_field + bios_data_fixed_size(v.version), v.ext_data_elements.bytes());
    return size;
}

constexpr result<u64> plan_os_mle_data(const os_mle_data& v) {
    const u64 expected = u64{table_size_field} + os_mle_layout_size(v.layout);
    if (v.size != 0 && v.size != expected)
        return detail::build_error(errc::value_out_of_range, "os_mle_data.size", "TXT-H92",
                                   "OsMleDataSize is fixed by the layout", v.size, expected);
    return expected;
}

constexpr result<u64> build_os_mle_data(const os_mle_data& v, mutable_byte_view out) {
    auto size = plan_os_mle_data(v);
    if (!size) return size;
    if (status s = detail::check_room(out, *size, "os_mle_data"); !s) return s.err();
    fill(out, 0, static_cast<std::size_t>(*size), 0);
    store_le(out, 0, 8, *size);
    store_le(out, 8, 4, v.version);
    store_le(out, 12, 4, v.reserved);
    const std::size_t shift = v.layout == os_mle_layout::linux_boot_params ? 8 : 0;
    if (v.layout == os_mle_layout::linux_boot_params) store_le(out, 16, 8, v.boot_params_addr);
    store_le(out, 8 + shift + offsetof(wire::os_mle_data, slrt), 8, v.slrt);
    store_le(out, 8 + shift + offsetof(wire::os_mle_data, txt_info), 8, v.txt_info);
    store_le(out, 8 + shift + offsetof(wire::os_mle_data, ap_wake_block), 4, v.ap_wake_block);
    store_le(out, 8 + shift + offsetof(wire::os_mle_data, ap_wake_block_size), 4, v.ap_wake_block_size);
    copy(out, 8 + shift + offsetof(wire::os_mle_data, mle_scratch), byte_view(v.mle_scratch));
    return size;
}

constexpr result<u64> plan_os_sinit_data(const os_sinit_data& v) {
    if (v.version < 4 || v.version > 7)
        return detail::build_error(errc::bad_argument, "os_sinit_data.version", "TXT-H90",
                                   "OsSinitData versions 4 to 7 can be built", v.version, v.version < 4 ? 4 : 7);
    if (status s = detail::check_list_for_build(v.ext_data_elements, v.version >= 6, v.version >= 6,
                                                "os_sinit_data.ext_data_elements");
        !s)
        return s.err();
    const u64 content = u64{table_size_field} + os_sinit_data_fixed_size(v.version) + v.ext_data_elements.bytes().size();
    return detail::final_size(v.size, content, "os_sinit_data.size");
}

constexpr result<u64> build_os_sinit_data(const os_sinit_data& v, mutable_byte_view out) {
    auto size = plan_os_sinit_data(v);
    if (!size) return size;
    if (status s = detail::check_room(out, *size, "os_sinit_data"); !s) return s.err();
    fill(out, 0, static_cast<std::size_t>(*size), 0);
    store_le(out, 0, 8, *size);
    store_le(out, 8, 4, v.version);
    store_le(out, 8 + offsetof(wire::os_sinit_data, flags), 4, v.flags);
    store_le(out, 8 + offsetof(wire::os_sinit_data, mle_ptab), 8, v.mle_ptab);
    store_le(out, 8 + offsetof(wire::os_sinit_data, mle_size), 8, v.mle_size);
    store_le(out, 8 + offsetof(wire::os_sinit_data, mle_hdr_base), 8, v.mle_hdr_base);
    store_le(out, 8 + offsetof(wire::os_sinit_data, vtd_pmr_lo_base), 8, v.vtd_pmr_lo_base);
    store_le(out, 8 + offsetof(wire::os_sinit_data, vtd_pmr_lo_size), 8, v.vtd_pmr_lo_size);
    store_le(out, 8 + offsetof(wire::os_sinit_data, vtd_pmr_hi_base), 8, v.vtd_pmr_hi_base);
    store_le(out, 8 + offsetof(wire::os_sinit_data, vtd_pmr_hi_size), 8, v.vtd_pmr_hi_size);
    store_le(out, 8 + offsetof(wire::os_sinit_data, lcp_po_base), 8, v.lcp_po_base);
    store_le(out, 8 + offsetof(wire::os_sinit_data, lcp_po_size), 8, v.lcp_po_size);
    store_le(out, 8 + offsetof(wire::os_sinit_data, capabilities), 4, v.caps.raw);
    if (v.version >= 5) store_le(out, 8 + offsetof(wire::os_sinit_data, efi_rsdt_ptr), 8, v.efi_rsdt_ptr);
    copy(out, table_size_field + os_sinit_data_fixed_size(v.version), v.ext_data_elements.bytes());
    return size;
}

// Where build_sinit_mle_data puts things: offsets from the size field.
struct sinit_mle_placement {
    u32 content_end = 0;  // end of the fixed fields and the element list
    u32 mdr_offset = 0;
    u32 dmar_offset = 0;
    u64 size = 0;
    friend constexpr bool operator==(const sinit_mle_placement&, const sinit_mle_placement&) = default;
};

// Places the MDR table and the DMAR copy: at the offsets the value names, or (offset 0) the MDR
// table right after the element list and the DMAR copy after everything else. The regions may
// not overlap each other, the fixed fields or the element list.
constexpr result<sinit_mle_placement> plan_sinit_mle_data(const sinit_mle_data& v) {
    if (v.version < 5)
        return detail::build_error(errc::bad_argument, "sinit_mle_data.version", "TXT-H90",
                                   "SinitMleData versions below 5 cannot be built", v.version, 5);
    if (status s = detail::check_list_for_build(v.ext_data_elements, v.version >= 9, v.version >= 9,
                                                "sinit_mle_data.ext_data_elements");
        !s)
        return s.err();
    sinit_mle_placement p;
    const u64 content = u64{table_size_field} + sinit_mle_data_fixed_size(v.version) + v.ext_data_elements.bytes().size();
    const u64 mdr_bytes = u64{v.mdrs.count()} * sinit_mdr_size;
    const u64 dmar_bytes = v.dmar.size();
    if (content + mdr_bytes + dmar_bytes > 0xffffffffu || v.dmar.size() > 0xffffffffu)
        return detail::build_error(errc::value_out_of_range, "sinit_mle_data", "TXT-H92",
                                   "SinitMleData larger than 4 GiB cannot be built", content + mdr_bytes + dmar_bytes,
                                   0xffffffffu);
    p.content_end = static_cast<u32>(content);
    u64 end = content;
    p.mdr_offset = v.sinit_mdrs_table_offset;
    if (mdr_bytes != 0) {
        if (p.mdr_offset == 0) p.mdr_offset = static_cast<u32>(end);
        const range r{p.mdr_offset, mdr_bytes};
        if (r.overlaps(range{0, content}))
            return detail::build_error(errc::overlap, "sinit_mle_data.sinit_mdrs_table_offset", "TXT-H91",
                                       "the MDR table overlaps the fixed fields or the element list", p.mdr_offset, content);
        if (r.end() > end) end = r.end();
    }
    p.dmar_offset = v.sinit_vtd_dmar_table_offset;
    if (dmar_bytes != 0) {
        if (p.dmar_offset == 0) p.dmar_offset = static_cast<u32>(end);
        const range r{p.dmar_offset, dmar_bytes};
        if (r.overlaps(range{0, content}) || r.overlaps(range{p.mdr_offset, mdr_bytes}))
            return detail::build_error(errc::overlap, "sinit_mle_data.sinit_vtd_dmar_table_offset", "TXT-H91",
                                       "the DMAR copy overlaps the fixed fields, the element list or the MDR table",
                                       p.dmar_offset, content);
        if (r.end() > end) end = r.end();
    }
    auto size = detail::final_size(v.size, end, "sinit_mle_data.size");
    if (!size) return size.err();
    p.size = *size;
    return p;
}

constexpr result<u64> build_sinit_mle_data(const sinit_mle_data& v, mutable_byte_view out) {
    auto p = plan_sinit_mle_data(v);
    if (!p) return p.err();
    if (status s = detail::check_room(out, p->size, "sinit_mle_data"); !s) return s.err();
    constexpr std::size_t d = table_size_field;
    fill(out, 0, static_cast<std::size_t>(p->size), 0);
    store_le(out, 0, 8, p->size);
    store_le(out, d, 4, v.version);
    copy(out, d + offsetof(wire::sinit_mle_data, bios_acm_id), byte_view(v.bios_acm_id));
    store_le(out, d + offsetof(wire::sinit_mle_data, edx_senter_flags), 4, v.edx_senter_flags);
    store_le(out, d + offsetof(wire::sinit_mle_data, mseg_valid), 8, v.mseg_valid);
    copy(out, d + offsetof(wire::sinit_mle_data, sinit_hash), byte_view(v.sinit_hash));
    copy(out, d + offsetof(wire::sinit_mle_data, mle_hash), byte_view(v.mle_hash));
    copy(out, d + offsetof(wire::sinit_mle_data, stm_hash), byte_view(v.stm_hash));
    copy(out, d + offsetof(wire::sinit_mle_data, lcp_policy_hash), byte_view(v.lcp_policy_hash));
    store_le(out, d + offsetof(wire::sinit_mle_data, lcp_policy_control), 4, v.lcp_policy_control);
    store_le(out, d + offsetof(wire::sinit_mle_data, rlp_wakeup_addr), 4, v.rlp_wakeup_addr);
    store_le(out, d + offsetof(wire::sinit_mle_data, reserved), 4, v.reserved);
    store_le(out, d + offsetof(wire::sinit_mle_data, num_of_sinit_mdrs), 4, v.mdrs.count());
    store_le(out, d + offsetof(wire::sinit_mle_data, sinit_mdrs_table_offset), 4, p->mdr_offset);
    store_le(out, d + offsetof(wire::sinit_mle_data, sinit_vtd_dmar_table_size), 4, v.dmar.size());
    store_le(out, d + offsetof(wire::sinit_mle_data, sinit_vtd_dmar_table_offset), 4, p->dmar_offset);
    if (v.version >= 8) store_le(out, d + offsetof(wire::sinit_mle_data, processor_scrtm_status), 4, v.processor_scrtm_status);
    copy(out, d + sinit_mle_data_fixed_size(v.version), v.ext_data_elements.bytes());
    if (!v.mdrs.empty()) copy(out, p->mdr_offset, v.mdrs.bytes());
    if (v.dmar.size() != 0) copy(out, p->dmar_offset, v.dmar.bytes);
    return p->size;
}

// A whole heap for simulators and tests: the tables the stage names hold the given values;
// the others are written empty (size 8), as a BIOS leaves them (coreboot does this).
struct heap_contents {
    heap_stage stage = heap_stage::post_launch;
    bios_data bios{};
    os_mle_data os_mle{};
    os_sinit_data os_sinit{};
    sinit_mle_data sinit_mle{};
};

constexpr result<heap_layout> build_heap(const heap_contents& c, mutable_byte_view out) {
    u64 sizes[4] = {table_size_field, table_size_field, table_size_field, table_size_field};
    auto b = plan_bios_data(c.bios);
    if (!b) return b.err();
    sizes[0] = *b;
    if (c.stage != heap_stage::bios) {
        auto m = plan_os_mle_data(c.os_mle);
        if (!m) return m.err();
        sizes[1] = *m;
        auto s = plan_os_sinit_data(c.os_sinit);
        if (!s) return s.err();
        sizes[2] = *s;
    }
    if (c.stage == heap_stage::post_launch) {
        auto s = plan_sinit_mle_data(c.sinit_mle);
        if (!s) return s.err();
        sizes[3] = s->size;
    }
    const u64 total = sizes[0] + sizes[1] + sizes[2] + sizes[3];  // each <= 4 GiB: no wrap
    if (total > 0xffffffffu)
        return detail::build_error(errc::value_out_of_range, "heap", "TXT-H92", "a heap larger than 4 GiB cannot be built",
                                   total, 0xffffffffu);
    if (status s = detail::check_room(out, total, "heap"); !s) return s.err();
    heap_layout l;
    l.count = 4;
    l.view_size = out.size();
    l.total = total;
    u32 pos = 0;
    for (u32 i = 0; i < 4; ++i) {
        l.offset[i] = pos;
        l.size[i] = sizes[i];
        const mutable_byte_view at = out.subview(pos, static_cast<std::size_t>(sizes[i]));
        bool written = false;
        if (i == 0) written = build_bios_data(c.bios, at).ok();
        else if (i == 1 && c.stage != heap_stage::bios) written = build_os_mle_data(c.os_mle, at).ok();
        else if (i == 2 && c.stage != heap_stage::bios) written = build_os_sinit_data(c.os_sinit, at).ok();
        else if (i == 3 && c.stage == heap_stage::post_launch) written = build_sinit_mle_data(c.sinit_mle, at).ok();
        if (!written) store_le(at, 0, 8, table_size_field);  // an empty table
        pos += static_cast<u32>(sizes[i]);
    }
    return l;
}

// The launcher's part before SENTER: OsMleData and OsSinitData written right after the BiosData
// already in `heap` (whose framing is checked first). SinitMleData is left to SINIT.
constexpr result<heap_layout> write_launcher_tables(mutable_byte_view heap, const os_mle_data& mle,
                                                    const os_sinit_data& sinit) {
    auto l = parse_heap_layout(heap, heap_stage::bios);
    if (!l) return l.err();
    auto m = plan_os_mle_data(mle);
    if (!m) return m.err();
    auto s = plan_os_sinit_data(sinit);
    if (!s) return s.err();
    const u64 room = heap.size() - l->size[0];
    if (*m > room || *s > room - *m)
        return heap_error(errc::buffer_too_small, l->size[0], 1, "heap", "TXT-H93",
                          "the heap has no room for OsMleData and OsSinitData after BiosData", *m + *s, room);
    const u32 at_mle = static_cast<u32>(l->size[0]);
    const u32 at_sinit = static_cast<u32>(at_mle + *m);
    (void)build_os_mle_data(mle, heap.subview(at_mle, static_cast<std::size_t>(*m)));
    (void)build_os_sinit_data(sinit, heap.subview(at_sinit, static_cast<std::size_t>(*s)));
    heap_layout out = *l;
    out.count = 3;
    out.offset[1] = at_mle;
    out.size[1] = *m;
    out.offset[2] = at_sinit;
    out.size[2] = *s;
    out.total = l->size[0] + *m + *s;
    return out;
}

}  // namespace dlh::txt
