// SPDX-License-Identifier: MIT
// AMD PSP/ASP-assisted DRTM ("AMD DRTM"): the mailbox, its command ids and status codes, the PSP
// DRTM versions of known PCI devices, and the ACPI DRTM and ASPT tables
// (skinit-arm-tcg.md A.9; spec/skinit.md §9).
//
// EXPERIMENTAL. AMD has published no specification of this service. The mailbox facts come from
// TrenchBoot code (Linux sl-psp.c, an SKL fork's psp.c), the tables from ACPICA (DRTM: TCG D-RTM
// Architecture 1.0.0; ASPT: the Linux ASPT patch). Values and rules here may change when a
// specification appears; rules are ASP-<n>.
#pragma once

#include "dlh/base.hpp"
#include "dlh/bits.hpp"
#include "slrt/bytes.hpp"
#include "slrt/error.hpp"

namespace dlh::skinit::asp {

// ---------------------------------------------------------------------------------------------
// Locating the PSP and its mailbox (Linux sl-psp.c @36d50d6d)

inline constexpr u32 smn_index_register = 0xb8;  // PCI 00:00.0 config space: SMN address to read
inline constexpr u32 smn_data_register = 0xbc;   // ... and the data read
inline constexpr u32 psp_base_smn_address = 0x13b00000 + 0x102e0;  // IOHC0NBCFG_SMNBASE + PSP_BASE_ADDR_LO
inline constexpr u32 psp_base_mask = 0xfff00000;  // PSP MMIO base = SMN value & mask
inline constexpr u32 c2pmsg_72 = 0x10a20;  // command / status (offset from the PSP MMIO base)
inline constexpr u32 c2pmsg_93 = 0x10a74;  // parameter (e.g. size)
inline constexpr u32 c2pmsg_94 = 0x10a78;  // parameter (e.g. address low)
inline constexpr u32 c2pmsg_95 = 0x10a7c;  // parameter (e.g. address high)
inline constexpr u32 no_psp_value = 0xffffffff;  // what C2PMSG_72 reads without a PSP

namespace mailbox_field {
inline constexpr bit_field status{"STATUS", 0, 16, false, "result of the last command"};
inline constexpr bit_field command{"COMMAND", 16, 8, false, "DRTM command id"};
inline constexpr bit_field tmr_index{"TMR_INDEX", 24, 4, false, "trusted memory region index"};
inline constexpr bit_field ready{"READY", 31, 1, false, "the PSP finished the command"};
}  // namespace mailbox_field

inline constexpr bit_field mailbox_fields[] = {mailbox_field::status, mailbox_field::command, mailbox_field::tmr_index,
                                               reserved_bits(28, 3), mailbox_field::ready};
inline constexpr register_info mailbox_info{"PSP C2PMSG_72", c2pmsg_72, 32, mailbox_fields,
                                            "TrenchBoot Linux sl-psp.c (experimental)"};

enum class command : u8 {
    get_capability = 0x1,
    tmr_setup = 0x2,
    tmr_release = 0x3,
    launch = 0x4,
    get_tcg_logs = 0x7,
    tpm_locality_access = 0x8,
    get_tmr_descriptors = 0x9,
    allocate_shared_memory = 0xa,
    extend_ossl_digest = 0xb,
    get_ivrs_table_info = 0xc,
};

constexpr const char* name(command c) {
    switch (c) {
        case command::get_capability: return "GET_CAPABILITY";
        case command::tmr_setup: return "TMR_SETUP";
        case command::tmr_release: return "TMR_RELEASE";
        case command::launch: return "LAUNCH";
        case command::get_tcg_logs: return "GET_TCG_LOGS";
        case command::tpm_locality_access: return "TPM_LOCALITY_ACCESS";
        case command::get_tmr_descriptors: return "GET_TMR_DESCRIPTORS";
        case command::allocate_shared_memory: return "ALLOCATE_SHARED_MEMORY";
        case command::extend_ossl_digest: return "EXTEND_OSSL_DIGEST";
        case command::get_ivrs_table_info: return "GET_IVRS_TABLE_INFO";
    }
    return nullptr;
}

enum class status_code : u16 {
    no_error = 0x0,
    not_supported = 0x1,
    launch_error = 0x2,
    tmr_setup_failed = 0x3,
    tmr_destroy_failed = 0x4,
    get_tcg_logs_failed = 0x7,
    out_of_resources = 0x8,
    generic_error = 0x9,
    invalid_service_id = 0xa,
    memory_unaligned = 0xb,
    minimum_size = 0xc,
    get_tmr_descriptor_failed = 0xd,
    extend_ossl_digest_failed = 0xe,
    setup_not_allowed = 0xf,
    get_ivrs_table_failed = 0x10,
};

constexpr const char* name(status_code s) {
    switch (s) {
        case status_code::no_error: return "NO_ERROR";
        case status_code::not_supported: return "NOT_SUPPORTED";
        case status_code::launch_error: return "LAUNCH_ERROR";
        case status_code::tmr_setup_failed: return "TMR_SETUP_FAILED";
        case status_code::tmr_destroy_failed: return "TMR_DESTROY_FAILED";
        case status_code::get_tcg_logs_failed: return "GET_TCG_LOGS_FAILED";
        case status_code::out_of_resources: return "OUT_OF_RESOURCES";
        case status_code::generic_error: return "GENERIC_ERROR";
        case status_code::invalid_service_id: return "INVALID_SERVICE_ID";
        case status_code::memory_unaligned: return "MEMORY_UNALIGNED";
        case status_code::minimum_size: return "MINIMUM_SIZE";
        case status_code::get_tmr_descriptor_failed: return "GET_TMR_DESCRIPTOR_FAILED";
        case status_code::extend_ossl_digest_failed: return "EXTEND_OSSL_DIGEST_FAILED";
        case status_code::setup_not_allowed: return "SETUP_NOT_ALLOWED";
        case status_code::get_ivrs_table_failed: return "GET_IVRS_TABLE_FAILED";
    }
    return nullptr;
}

struct mailbox {
    u32 raw = 0;
    constexpr u16 status() const { return static_cast<u16>(mailbox_field::status.get(raw)); }
    constexpr u8 command() const { return static_cast<u8>(mailbox_field::command.get(raw)); }
    constexpr u8 tmr_index() const { return static_cast<u8>(mailbox_field::tmr_index.get(raw)); }
    constexpr bool ready() const { return mailbox_field::ready.test(raw); }
    friend constexpr bool operator==(const mailbox&, const mailbox&) = default;
};

// The C2PMSG_72 word that issues command `c` (the protocol writes cmd << 16, optionally with a
// TMR index in bits 27:24). Rules ASP-1 (unknown command), ASP-2 (index above 15).
constexpr result<u32> encode_command(u8 c, u8 tmr_index = 0) {
    if (name(static_cast<command>(c)) == nullptr)
        return error{errc::bad_argument, 0, no_entry, "c2pmsg_72.command", "ASP-1", "not a known PSP DRTM command",
                     c, 0xc};
    if (tmr_index > 0xf)
        return error{errc::value_out_of_range, 0, no_entry, "c2pmsg_72.tmr_index", "ASP-2",
                     "the TMR index has 4 bits", tmr_index, 0xf};
    return static_cast<u32>(mailbox_field::command.with(mailbox_field::tmr_index.with(0, tmr_index), c));
}

// Checks a C2PMSG_72 value read back after a command: a PSP is present (ASP-3), the command is
// done (ASP-4), and it succeeded (ASP-5; error.value is the status, error.message its meaning
// when known).
constexpr status check_response(u32 raw) {
    if (raw == no_psp_value)
        return error{errc::not_found, 0, no_entry, "c2pmsg_72", "ASP-3", "the mailbox reads all ones: no PSP", raw,
                     0};
    const mailbox m{raw};
    if (!m.ready())
        return error{errc::launch_requirement, 0, no_entry, "c2pmsg_72.ready", "ASP-4",
                     "the PSP has not finished the command (READY clear)", raw, mailbox_field::ready.mask()};
    if (m.status() != 0) {
        const char* meaning = name(static_cast<status_code>(m.status()));
        return error{errc::launch_requirement, 0, no_entry, "c2pmsg_72.status", "ASP-5",
                     meaning ? meaning : "the PSP reported an unknown error status", m.status(), 0};
    }
    return success;
}

// ---------------------------------------------------------------------------------------------
// PSP DRTM versions by PCI device (vendor 0x1022; an SKL fork's psp.c, UNVERIFIED elsewhere)

inline constexpr u16 amd_vendor_id = 0x1022;

struct psp_device {
    u16 device_id;
    u8 drtm_version;  // 0: this PSP offers no DRTM service
};
inline constexpr psp_device psp_devices[] = {
    {0x1456, 1}, {0x1486, 2}, {0x1649, 2}, {0x15df, 3}, {0x14ca, 3}, {0x1537, 0}, {0x1468, 0}, {0x15c7, 0},
};

// The PSP DRTM version of a PCI function (rule ASP-6 for an unknown device).
constexpr result<u8> psp_drtm_version(u16 vendor, u16 device) {
    if (vendor == amd_vendor_id)
        for (const psp_device& d : psp_devices)
            if (d.device_id == device) return d.drtm_version;
    return error{errc::not_found, 0, no_entry, "pci.device_id", "ASP-6", "not a PCI device with a known PSP",
                 (u64{vendor} << 16) | device, 0};
}

// What the Linux AMD RFC makes of amd_info.psp_version: 2 or 3 mean the PSP takes part in the
// launch (SL_FLAG_SKINIT_PSP).
constexpr bool psp_takes_part(u16 psp_version) { return psp_version == 2 || psp_version == 3; }

// ---------------------------------------------------------------------------------------------
// ACPI tables. Every table starts with the 36-byte ACPI header; rules ASP-10..15 apply to each.

namespace wire {

struct acpi_header {
    u8 signature[4];             // @0
    slrt::le_u32 length;         // @4  whole table, header included
    u8 revision;                 // @8
    u8 checksum;                 // @9  all `length` bytes sum to 0 mod 256
    u8 oem_id[6];                // @10
    u8 oem_table_id[8];          // @16
    slrt::le_u32 oem_revision;   // @24
    slrt::le_u32 creator_id;     // @28
    slrt::le_u32 creator_revision;  // @32
};
static_assert(sizeof(acpi_header) == 36 && alignof(acpi_header) == 1 && offsetof(acpi_header, signature) == 0);
static_assert(offsetof(acpi_header, length) == 4 && offsetof(acpi_header, revision) == 8);
static_assert(offsetof(acpi_header, checksum) == 9 && offsetof(acpi_header, oem_id) == 10);
static_assert(offsetof(acpi_header, oem_table_id) == 16 && offsetof(acpi_header, oem_revision) == 24);
static_assert(offsetof(acpi_header, creator_id) == 28 && offsetof(acpi_header, creator_revision) == 32);

// DRTM, TCG D-RTM Architecture 1.0.0 (ACPICA acpi_table_drtm, table version 1): the fixed part.
// It is followed by the validated tables list {u32 count, u64[count]}, the resources list
// {u32 count, drtm_resource[count]} and the DLME platform id {u32 length, u8[16]}.
struct acpi_drtm {
    acpi_header header;                   // @0x00
    slrt::le_u64 entry_base_address;      // @0x24
    slrt::le_u64 entry_length;            // @0x2c
    slrt::le_u32 entry_address32;         // @0x34
    slrt::le_u64 entry_address64;         // @0x38
    slrt::le_u64 exit_address;            // @0x40
    slrt::le_u64 log_area_address;        // @0x48
    slrt::le_u32 log_area_length;         // @0x50
    slrt::le_u64 arch_dependent_address;  // @0x54
    slrt::le_u32 flags;                   // @0x5c
};
static_assert(sizeof(acpi_drtm) == 0x60 && alignof(acpi_drtm) == 1 && offsetof(acpi_drtm, header) == 0);
static_assert(offsetof(acpi_drtm, entry_base_address) == 0x24 && offsetof(acpi_drtm, entry_length) == 0x2c);
static_assert(offsetof(acpi_drtm, entry_address32) == 0x34 && offsetof(acpi_drtm, entry_address64) == 0x38);
static_assert(offsetof(acpi_drtm, exit_address) == 0x40 && offsetof(acpi_drtm, log_area_address) == 0x48);
static_assert(offsetof(acpi_drtm, log_area_length) == 0x50 && offsetof(acpi_drtm, arch_dependent_address) == 0x54);
static_assert(offsetof(acpi_drtm, flags) == 0x5c);

struct drtm_resource {
    u8 size[7];            // @0 56-bit size
    u8 type;               // @7
    slrt::le_u64 address;  // @8
};
static_assert(sizeof(drtm_resource) == 16 && alignof(drtm_resource) == 1);
static_assert(offsetof(drtm_resource, size) == 0 && offsetof(drtm_resource, type) == 7 &&
              offsetof(drtm_resource, address) == 8);

struct drtm_dps_id {
    slrt::le_u32 length;  // @0 bytes of id used
    u8 id[16];            // @4
};
static_assert(sizeof(drtm_dps_id) == 20 && offsetof(drtm_dps_id, length) == 0 && offsetof(drtm_dps_id, id) == 4);

// ASPT revision 1 (ACPICA / Linux ASPT patch): header, u32 num_entries, then subtables
// {u16 type, u16 length, ...}.
struct aspt_subtable_header {
    slrt::le_u16 type;    // @0
    slrt::le_u16 length;  // @2 whole subtable
};
static_assert(sizeof(aspt_subtable_header) == 4 && alignof(aspt_subtable_header) == 1);
static_assert(offsetof(aspt_subtable_header, type) == 0 && offsetof(aspt_subtable_header, length) == 2);

struct aspt_global_regs {  // type 0
    aspt_subtable_header header;     // @0
    slrt::le_u32 reserved;           // @4
    slrt::le_u64 feature_reg_addr;   // @8
    slrt::le_u64 irq_en_reg_addr;    // @16
    slrt::le_u64 irq_st_reg_addr;    // @24
};
static_assert(sizeof(aspt_global_regs) == 32 && alignof(aspt_global_regs) == 1);
static_assert(offsetof(aspt_global_regs, header) == 0 && offsetof(aspt_global_regs, reserved) == 4);
static_assert(offsetof(aspt_global_regs, feature_reg_addr) == 8);
static_assert(offsetof(aspt_global_regs, irq_en_reg_addr) == 16 && offsetof(aspt_global_regs, irq_st_reg_addr) == 24);

struct aspt_sev_mbox_regs {  // type 1
    aspt_subtable_header header;        // @0
    u8 mbox_irq_id;                     // @4
    u8 reserved[3];                     // @5
    slrt::le_u64 cmd_resp_reg_addr;     // @8
    slrt::le_u64 cmd_buf_lo_reg_addr;   // @16
    slrt::le_u64 cmd_buf_hi_reg_addr;   // @24
};
static_assert(sizeof(aspt_sev_mbox_regs) == 32 && alignof(aspt_sev_mbox_regs) == 1);
static_assert(offsetof(aspt_sev_mbox_regs, header) == 0 && offsetof(aspt_sev_mbox_regs, mbox_irq_id) == 4 &&
              offsetof(aspt_sev_mbox_regs, reserved) == 5);
static_assert(offsetof(aspt_sev_mbox_regs, cmd_resp_reg_addr) == 8 &&
              offsetof(aspt_sev_mbox_regs, cmd_buf_lo_reg_addr) == 16 &&
              offsetof(aspt_sev_mbox_regs, cmd_buf_hi_reg_addr) == 24);

struct aspt_acpi_mbox_regs {  // type 2
    aspt_subtable_header header;     // @0
    slrt::le_u32 reserved1;          // @4
    slrt::le_u64 cmd_resp_reg_addr;  // @8
    slrt::le_u64 reserved2[2];       // @16
};
static_assert(sizeof(aspt_acpi_mbox_regs) == 32 && alignof(aspt_acpi_mbox_regs) == 1);
static_assert(offsetof(aspt_acpi_mbox_regs, header) == 0 && offsetof(aspt_acpi_mbox_regs, reserved1) == 4 &&
              offsetof(aspt_acpi_mbox_regs, cmd_resp_reg_addr) == 8);
static_assert(offsetof(aspt_acpi_mbox_regs, reserved2) == 16);

}  // namespace wire

inline constexpr u32 acpi_header_size = 36;

struct acpi_header {
    u8 signature[4]{};
    u32 length = 0;
    u8 revision = 0;
    u8 checksum = 0;
    u8 oem_id[6]{};
    u8 oem_table_id[8]{};
    u32 oem_revision = 0;
    u32 creator_id = 0;
    u32 creator_revision = 0;
    friend constexpr bool operator==(const acpi_header&, const acpi_header&) = default;
};

namespace detail {

constexpr u8 sum8(byte_view bytes) {
    u32 sum = 0;
    for (std::size_t i = 0; i < bytes.size(); ++i) sum += bytes[i];
    return static_cast<u8>(sum & 0xff);
}

// ASP-10..15: the header fits, names the table, its length fits the bytes and covers `min_length`,
// the checksum holds and the revision is `revision`.
constexpr result<acpi_header> parse_header(byte_view bytes, const char (&signature)[5], u8 revision,
                                           u32 min_length) {
    if (bytes.size() < acpi_header_size)
        return error{errc::truncated_header, 0, no_entry, "acpi.header", "ASP-10",
                     "the 36-byte ACPI header does not fit", bytes.size(), acpi_header_size};
    acpi_header h;
    for (u32 i = 0; i < 4; ++i) h.signature[i] = bytes[i];
    h.length = static_cast<u32>(load_le(bytes, 4, 4));
    h.revision = bytes[8];
    h.checksum = bytes[9];
    for (u32 i = 0; i < 6; ++i) h.oem_id[i] = bytes[10 + i];
    for (u32 i = 0; i < 8; ++i) h.oem_table_id[i] = bytes[16 + i];
    h.oem_revision = static_cast<u32>(load_le(bytes, 24, 4));
    h.creator_id = static_cast<u32>(load_le(bytes, 28, 4));
    h.creator_revision = static_cast<u32>(load_le(bytes, 32, 4));
    for (u32 i = 0; i < 4; ++i)
        if (h.signature[i] != static_cast<u8>(signature[i]))
            return error{errc::bad_magic, 0, no_entry, "acpi.signature", "ASP-11", "not the expected ACPI table signature",
                         load_le(bytes, 0, 4),
                         static_cast<u64>(static_cast<u8>(signature[0])) | (u64{static_cast<u8>(signature[1])} << 8) |
                             (u64{static_cast<u8>(signature[2])} << 16) | (u64{static_cast<u8>(signature[3])} << 24)};
    if (h.length > bytes.size())
        return error{errc::size_exceeds_buffer, 4, no_entry, "acpi.length", "ASP-12", "length runs past the bytes given",
                     h.length, bytes.size()};
    if (h.length < min_length)
        return error{errc::size_too_small, 4, no_entry, "acpi.length", "ASP-13",
                     "length is smaller than the table's fixed part", h.length, min_length};
    if (const u8 s = sum8(bytes.subview(0, h.length)); s != 0)
        return error{errc::value_out_of_range, 9, no_entry, "acpi.checksum", "ASP-14",
                     "the table's bytes must sum to 0 mod 256", s, 0};
    if (h.revision != revision)
        return error{errc::bad_revision, 8, no_entry, "acpi.revision", "ASP-15", "unsupported table revision",
                     h.revision, revision};
    return h;
}

constexpr void encode_header(const acpi_header& h, const char (&signature)[5], u32 length, mutable_byte_view out) {
    for (u32 i = 0; i < 4; ++i) out[i] = static_cast<u8>(signature[i]);
    store_le(out, 4, 4, length);
    out[8] = h.revision;
    out[9] = 0;
    for (u32 i = 0; i < 6; ++i) out[10 + i] = h.oem_id[i];
    for (u32 i = 0; i < 8; ++i) out[16 + i] = h.oem_table_id[i];
    store_le(out, 24, 4, h.oem_revision);
    store_le(out, 28, 4, h.creator_id);
    store_le(out, 32, 4, h.creator_revision);
}

constexpr void seal(mutable_byte_view out, u32 length) {
    out[9] = static_cast<u8>((0x100 - sum8(byte_view(out.data(), length))) & 0xff);
}

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// DRTM table

inline constexpr char drtm_signature[5] = "DRTM";
inline constexpr u8 drtm_revision = 1;
inline constexpr u32 drtm_fixed_size = 0x60;

namespace drtm_flag {
inline constexpr bit_field access_allowed{"ACCESS_ALLOWED", 0, 1, false, "namespace in TCB"};
inline constexpr bit_field enable_gap_code{"ENABLE_GAP_CODE", 1, 1, false, "gap code on S3 resume"};
inline constexpr bit_field incomplete_measurements{"INCOMPLETE_MEASUREMENTS", 2, 1, false, "gap code on DLME_Exit"};
inline constexpr bit_field authority_order{"AUTHORITY_ORDER", 3, 1, false, "PCR_Authorities changed"};
}  // namespace drtm_flag
inline constexpr bit_field drtm_flag_fields[] = {drtm_flag::access_allowed, drtm_flag::enable_gap_code,
                                                 drtm_flag::incomplete_measurements, drtm_flag::authority_order,
                                                 reserved_bits(4, 28)};
inline constexpr register_info drtm_flags_info{"DRTM.Flags", 0x5c, 32, drtm_flag_fields,
                                               "TCG D-RTM Architecture 1.0.0; ACPICA actbl1.h"};

struct drtm_resource {
    u64 size = 0;  // 56 bits
    u8 type = 0;
    u64 address = 0;
    friend constexpr bool operator==(const drtm_resource&, const drtm_resource&) = default;
};

// The decoded DRTM table. The lists stay in the bytes: validated_table() and resource() read
// element i of a table that parse_acpi_drtm() accepted.
struct acpi_drtm {
    acpi_header header{};
    u64 entry_base_address = 0;
    u64 entry_length = 0;
    u32 entry_address32 = 0;
    u64 entry_address64 = 0;
    u64 exit_address = 0;
    u64 log_area_address = 0;
    u32 log_area_length = 0;
    u64 arch_dependent_address = 0;
    u32 flags = 0;
    u32 validated_table_count = 0;
    u32 resource_count = 0;
    u32 dps_id_length = 0;
    u8 dps_id[16]{};
    friend constexpr bool operator==(const acpi_drtm&, const acpi_drtm&) = default;

    constexpr u32 validated_tables_offset() const { return drtm_fixed_size + 4; }
    constexpr u32 resources_offset() const { return validated_tables_offset() + 8 * validated_table_count + 4; }
    constexpr u32 dps_id_offset() const { return resources_offset() + 16 * resource_count; }
    constexpr u32 size() const { return dps_id_offset() + 20; }
};

// Element i of the validated tables list. Precondition: i < d.validated_table_count of a table
// parse_acpi_drtm accepted from `bytes`.
constexpr u64 validated_table(byte_view bytes, const acpi_drtm& d, u32 i) {
    return load_le(bytes, d.validated_tables_offset() + 8 * i, 8);
}
constexpr drtm_resource resource(byte_view bytes, const acpi_drtm& d, u32 i) {
    const u32 at = d.resources_offset() + 16 * i;
    return drtm_resource{load_le(bytes, at, 7), bytes[at + 7], load_le(bytes, at + 8, 8)};
}

// Parses a DRTM table (rules ASP-10..15, ASP-16..21).
constexpr result<acpi_drtm> parse_acpi_drtm(byte_view bytes) {
    const result<acpi_header> h = detail::parse_header(bytes, drtm_signature, drtm_revision, drtm_fixed_size);
    if (!h) return h.err();
    acpi_drtm d;
    d.header = *h;
    d.entry_base_address = load_le(bytes, 0x24, 8);
    d.entry_length = load_le(bytes, 0x2c, 8);
    d.entry_address32 = static_cast<u32>(load_le(bytes, 0x34, 4));
    d.entry_address64 = load_le(bytes, 0x38, 8);
    d.exit_address = load_le(bytes, 0x40, 8);
    d.log_area_address = load_le(bytes, 0x48, 8);
    d.log_area_length = static_cast<u32>(load_le(bytes, 0x50, 4));
    d.arch_dependent_address = load_le(bytes, 0x54, 8);
    d.flags = static_cast<u32>(load_le(bytes, 0x5c, 4));
    const u32 length = h->length;
    // Validated tables list.
    u32 at = drtm_fixed_size;
    if (length - at < 4)
        return error{errc::entry_exceeds_table, 4, no_entry, "acpi.length", "ASP-16",
                     "length ends before the validated tables count", length, at + 4};
    d.validated_table_count = static_cast<u32>(load_le(bytes, at, 4));
    if ((length - at - 4) / 8 < d.validated_table_count)
        return error{errc::entry_exceeds_table, at, no_entry, "drtm.validated_table_count", "ASP-16",
                     "the validated tables list does not fit in length", d.validated_table_count,
                     (length - at - 4) / 8};
    at += 4 + 8 * d.validated_table_count;
    // Resources list.
    if (length - at < 4)
        return error{errc::entry_exceeds_table, 4, no_entry, "acpi.length", "ASP-17",
                     "length ends before the resources count", length, at + 4};
    d.resource_count = static_cast<u32>(load_le(bytes, at, 4));
    if ((length - at - 4) / 16 < d.resource_count)
        return error{errc::entry_exceeds_table, at, no_entry, "drtm.resource_count", "ASP-17",
                     "the resources list does not fit in length", d.resource_count, (length - at - 4) / 16};
    at += 4 + 16 * d.resource_count;
    // DLME platform id.
    if (length - at < 20)
        return error{errc::entry_exceeds_table, 4, no_entry, "acpi.length", "ASP-18",
                     "length ends before the 20-byte DLME platform id", length, u64{at} + 20};
    d.dps_id_length = static_cast<u32>(load_le(bytes, at, 4));
    for (u32 i = 0; i < 16; ++i) d.dps_id[i] = bytes[at + 4 + i];
    if (d.dps_id_length > 16)
        return error{errc::value_out_of_range, at, no_entry, "drtm.dps_id.length", "ASP-19",
                     "the DLME platform id holds at most 16 bytes", d.dps_id_length, 16};
    at += 20;
    if (at != length)
        return error{errc::trailing_bytes, at, no_entry, "drtm", "ASP-20", "bytes follow the DLME platform id",
                     length - at, 0};
    if (d.log_area_length > ~u64{0} - d.log_area_address)
        return error{errc::address_wrap, 0x48, no_entry, "drtm.log_area_address", "ASP-21",
                     "log area address + length wraps past 2^64", d.log_area_address, d.log_area_length};
    if (d.entry_length > ~u64{0} - d.entry_base_address)
        return error{errc::address_wrap, 0x24, no_entry, "drtm.entry_base_address", "ASP-21",
                     "entry base + length wraps past 2^64", d.entry_base_address, d.entry_length};
    return d;
}

// Builds a DRTM table from `d` (its counts, dps id and fixed fields; header.length and
// header.checksum are computed) and the list elements. Returns the table size; on failure
// (ASP-22: buffer too small, ASP-19: dps_id_length) nothing is written.
constexpr result<u32> build_acpi_drtm(mutable_byte_view out, const acpi_drtm& d, const u64* tables,
                                      const drtm_resource* resources) {
    if (d.dps_id_length > 16)
        return error{errc::value_out_of_range, 0, no_entry, "drtm.dps_id.length", "ASP-19",
                     "the DLME platform id holds at most 16 bytes", d.dps_id_length, 16};
    const u64 size = u64{drtm_fixed_size} + 4 + 8 * u64{d.validated_table_count} + 4 + 16 * u64{d.resource_count} + 20;
    if (size > out.size() || size > 0xffffffffu)
        return error{errc::buffer_too_small, 0, no_entry, "drtm", "ASP-22", "the buffer cannot hold the table",
                     size, out.size()};
    for (u32 i = 0; i < d.resource_count; ++i)
        if (resources[i].size >> 56)
            return error{errc::value_out_of_range, 0, i, "drtm.resource.size", "ASP-22", "a resource size has 56 bits",
                         resources[i].size, (u64{1} << 56) - 1};
    const u32 n = static_cast<u32>(size);
    detail::encode_header(d.header, drtm_signature, n, out);
    store_le(out, 0x24, 8, d.entry_base_address);
    store_le(out, 0x2c, 8, d.entry_length);
    store_le(out, 0x34, 4, d.entry_address32);
    store_le(out, 0x38, 8, d.entry_address64);
    store_le(out, 0x40, 8, d.exit_address);
    store_le(out, 0x48, 8, d.log_area_address);
    store_le(out, 0x50, 4, d.log_area_length);
    store_le(out, 0x54, 8, d.arch_dependent_address);
    store_le(out, 0x5c, 4, d.flags);
    u32 at = drtm_fixed_size;
    store_le(out, at, 4, d.validated_table_count);
    at += 4;
    for (u32 i = 0; i < d.validated_table_count; ++i, at += 8) store_le(out, at, 8, tables[i]);
    store_le(out, at, 4, d.resource_count);
    at += 4;
    for (u32 i = 0; i < d.resource_count; ++i, at += 16) {
        store_le(out, at, 7, resources[i].size);
        out[at + 7] = resources[i].type;
        store_le(out, at + 8, 8, resources[i].address);
    }
    store_le(out, at, 4, d.dps_id_length);
    for (u32 i = 0; i < 16; ++i) out[at + 4 + i] = d.dps_id[i];
    detail::seal(out, n);
    return n;
}

// ---------------------------------------------------------------------------------------------
// ASPT (AMD Secure Processor Table)

inline constexpr char aspt_signature[5] = "ASPT";
inline constexpr u8 aspt_revision = 1;
inline constexpr u32 aspt_fixed_size = acpi_header_size + 4;
inline constexpr u32 aspt_subtable_size = 32;  // each of the three known subtables

enum class aspt_type : u16 { global_regs = 0, sev_mbox_regs = 1, acpi_mbox_regs = 2 };

// The decoded ASPT: the three register blocks Linux reads (present flags and addresses).
struct aspt {
    acpi_header header{};
    u32 num_entries = 0;
    bool has_global_regs = false, has_sev_mbox_regs = false, has_acpi_mbox_regs = false;
    u64 feature_reg_addr = 0, irq_en_reg_addr = 0, irq_st_reg_addr = 0;
    u8 sev_mbox_irq_id = 0;
    u64 sev_cmd_resp_reg_addr = 0, sev_cmd_buf_lo_reg_addr = 0, sev_cmd_buf_hi_reg_addr = 0;
    u64 acpi_cmd_resp_reg_addr = 0;
    u32 unknown_subtables = 0;  // subtables of other types: skipped
    friend constexpr bool operator==(const aspt&, const aspt&) = default;
};

// Parses an ASPT (rules ASP-10..15, ASP-30..38).
constexpr result<aspt> parse_aspt(byte_view bytes) {
    const result<acpi_header> h = detail::parse_header(bytes, aspt_signature, aspt_revision, aspt_fixed_size);
    if (!h) return h.err();
    aspt a;
    a.header = *h;
    a.num_entries = static_cast<u32>(load_le(bytes, acpi_header_size, 4));
    const u32 length = h->length;
    u32 at = aspt_fixed_size, count = 0;
    while (at < length) {
        if (length - at < 4)
            return error{errc::entry_header_truncated, at, count, "aspt.subtable", "ASP-30",
                         "a subtable header does not fit before the end of the table", 4, length - at};
        const u16 type = static_cast<u16>(load_le(bytes, at, 2));
        const u16 size = static_cast<u16>(load_le(bytes, at + 2, 2));
        if (size < 4)
            return error{errc::entry_size_too_small, at + 2, count, "aspt.subtable.length", "ASP-31",
                         "a subtable must cover its 4-byte header", size, 4};
        if (size > length - at)
            return error{errc::entry_exceeds_table, at + 2, count, "aspt.subtable.length", "ASP-32",
                         "the subtable runs past the end of the table", size, length - at};
        if (type <= 2) {
            if (size != aspt_subtable_size)
                return error{errc::entry_size_mismatch, at + 2, count, "aspt.subtable.length", "ASP-33",
                             "register subtables are 32 bytes", size, aspt_subtable_size};
            bool& seen = type == 0 ? a.has_global_regs : type == 1 ? a.has_sev_mbox_regs : a.has_acpi_mbox_regs;
            if (seen)
                return error{errc::duplicate_entry, at, count, "aspt.subtable.type", "ASP-34",
                             "each register subtable may appear once", type, 0};
            seen = true;
            const byte_view s = bytes.subview(at, size);
            // Reserved bytes: global @4..7; SEV mailbox @5..7; ACPI mailbox @4..7 and @16..31.
            const bool reserved_clear = type == 0   ? load_le(s, 4, 4) == 0
                                        : type == 1 ? load_le(s, 5, 3) == 0
                                                    : load_le(s, 4, 4) == 0 && slrt::all_zero(s.subview(16, 16));
            if (!reserved_clear)
                return error{errc::reserved_nonzero, at + 4, count, "aspt.subtable.reserved", "ASP-36",
                             "reserved subtable fields must be zero", type, 0};
            if (type == 0) {
                a.feature_reg_addr = load_le(s, 8, 8);
                a.irq_en_reg_addr = load_le(s, 16, 8);
                a.irq_st_reg_addr = load_le(s, 24, 8);
            } else if (type == 1) {
                a.sev_mbox_irq_id = s[4];
                a.sev_cmd_resp_reg_addr = load_le(s, 8, 8);
                a.sev_cmd_buf_lo_reg_addr = load_le(s, 16, 8);
                a.sev_cmd_buf_hi_reg_addr = load_le(s, 24, 8);
            } else {
                a.acpi_cmd_resp_reg_addr = load_le(s, 8, 8);
            }
        } else {
            ++a.unknown_subtables;
        }
        at += size;
        ++count;
    }
    if (count != a.num_entries)
        return error{errc::count_mismatch, acpi_header_size, no_entry, "aspt.num_entries", "ASP-35",
                     "num_entries must equal the subtables in the table", a.num_entries, count};
    if (!a.has_global_regs || !a.has_sev_mbox_regs || !a.has_acpi_mbox_regs)
        return error{errc::not_found, acpi_header_size, no_entry, "aspt.subtable", "ASP-37",
                     "the global, SEV mailbox and ACPI mailbox register subtables must all be present",
                     (a.has_global_regs ? 1u : 0u) | (a.has_sev_mbox_regs ? 2u : 0u) | (a.has_acpi_mbox_regs ? 4u : 0u),
                     7};
    const u64 regs[] = {a.feature_reg_addr,        a.irq_en_reg_addr,         a.irq_st_reg_addr,
                        a.sev_cmd_resp_reg_addr,   a.sev_cmd_buf_lo_reg_addr, a.sev_cmd_buf_hi_reg_addr,
                        a.acpi_cmd_resp_reg_addr};
    for (u64 r : regs)
        if (r >> 12 != regs[0] >> 12)
            return error{errc::value_out_of_range, acpi_header_size, no_entry, "aspt.register", "ASP-38",
                         "all register addresses must lie in one 4 KiB page", r, regs[0] & ~u64{0xfff}};
    return a;
}

// Builds an ASPT with the three register subtables in type order (num_entries = 3; header.length
// and checksum computed). ASP-22 when the buffer is too small (nothing written then).
constexpr result<u32> build_aspt(mutable_byte_view out, const aspt& a) {
    constexpr u32 n = aspt_fixed_size + 3 * aspt_subtable_size;
    if (out.size() < n)
        return error{errc::buffer_too_small, 0, no_entry, "aspt", "ASP-22", "the buffer cannot hold the table", n,
                     out.size()};
    slrt::fill(out, 0, n, 0);
    detail::encode_header(a.header, aspt_signature, n, out);
    store_le(out, acpi_header_size, 4, 3);
    u32 at = aspt_fixed_size;
    for (u16 type = 0; type < 3; ++type, at += aspt_subtable_size) {
        store_le(out, at, 2, type);
        store_le(out, at + 2, 2, aspt_subtable_size);
    }
    at = aspt_fixed_size;
    store_le(out, at + 8, 8, a.feature_reg_addr);
    store_le(out, at + 16, 8, a.irq_en_reg_addr);
    store_le(out, at + 24, 8, a.irq_st_reg_addr);
    at += aspt_subtable_size;
    out[at + 4] = a.sev_mbox_irq_id;
    store_le(out, at + 8, 8, a.sev_cmd_resp_reg_addr);
    store_le(out, at + 16, 8, a.sev_cmd_buf_lo_reg_addr);
    store_le(out, at + 24, 8, a.sev_cmd_buf_hi_reg_addr);
    at += aspt_subtable_size;
    store_le(out, at + 8, 8, a.acpi_cmd_resp_reg_addr);
    detail::seal(out, n);
    return n;
}

}  // namespace dlh::skinit::asp
