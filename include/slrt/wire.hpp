// SPDX-License-Identifier: MIT
// Packed overlay structs of every SLRT layout era, for C interoperability and as
// the single source of the field offsets the codecs use (layout.hpp takes them
// with offsetof). Each struct is checked against the offsets of spec/slrt.md §3.
//
// Overlays hold only byte arrays and le<T> fields: alignof == 1, no padding, no
// pointer-following methods. Decode through slrt::parse, not through these.
#pragma once

#include <cstddef>

#include "slrt/bytes.hpp"

namespace slrt::wire {

// §3.1 struct slr_table: 16 bytes in every era.
struct table_header {
    le_u32 magic;         // @0  table_magic
    le_u16 revision;      // @4  1
    le_u16 architecture;  // @6  1 Intel TXT, 2 AMD SKINIT
    le_u32 size;          // @8  header + entries + END
    le_u32 max_size;      // @12 capacity of the buffer the table lives in
};
static_assert(sizeof(table_header) == 16 && alignof(table_header) == 1);
static_assert(offsetof(table_header, revision) == 4 && offsetof(table_header, architecture) == 6);
static_assert(offsetof(table_header, size) == 8 && offsetof(table_header, max_size) == 12);

// §3.7 MTRR state saved for the DLME: identical in every era (528 bytes).
struct mtrr_pair {
    le_u64 mtrr_physbase;  // @0 IA32_MTRR_PHYSBASEn (MSR 0x200 + 2n)
    le_u64 mtrr_physmask;  // @8 IA32_MTRR_PHYSMASKn (MSR 0x201 + 2n)
};
static_assert(sizeof(mtrr_pair) == 16 && offsetof(mtrr_pair, mtrr_physmask) == 8);

struct mtrr_state {
    le_u64 default_mem_type;  // @0  IA32_MTRR_DEF_TYPE (MSR 0x2ff)
    le_u64 mtrr_vcnt;         // @8  valid pairs, IA32_MTRRCAP[7:0], at most 32
    wire::mtrr_pair mtrr_pair[32];  // @16 unused pairs are zero
};
static_assert(sizeof(mtrr_state) == 528);
static_assert(offsetof(mtrr_state, mtrr_vcnt) == 8 && offsetof(mtrr_state, mtrr_pair) == 16);

// §3.6 policy entry from v9 on (56 bytes).
struct policy_entry_v9 {
    le_u16 pcr;          // @0
    le_u16 entity_type;  // @2
    le_u16 flags;        // @4
    le_u16 reserved;     // @6
    le_u64 size;         // @8  bytes to measure, 0 with IMPLICIT_SIZE
    le_u64 entity;       // @16 physical address
    u8 evt_info[32];     // @24 label, NUL-padded
};
static_assert(sizeof(policy_entry_v9) == 56);
static_assert(offsetof(policy_entry_v9, entity_type) == 2 && offsetof(policy_entry_v9, flags) == 4);
static_assert(offsetof(policy_entry_v9, reserved) == 6 && offsetof(policy_entry_v9, size) == 8);
static_assert(offsetof(policy_entry_v9, entity) == 16 && offsetof(policy_entry_v9, evt_info) == 24);

// §3.10 UEFI config entry from v9 on (48 bytes).
struct uefi_cfg_entry_v9 {
    le_u16 pcr;       // @0
    le_u16 reserved;  // @2
    le_u32 size;      // @4
    le_u64 cfg;       // @8  address or value to measure
    u8 evt_info[32];  // @16
};
static_assert(sizeof(uefi_cfg_entry_v9) == 48);
static_assert(offsetof(uefi_cfg_entry_v9, reserved) == 2 && offsetof(uefi_cfg_entry_v9, size) == 4);
static_assert(offsetof(uefi_cfg_entry_v9, cfg) == 8 && offsetof(uefi_cfg_entry_v9, evt_info) == 16);

// ---------------------------------------------------------------------------
// v10 … v11: u32 entry header. Also GRUB grub-sl-2.12-v10/v11, spec 0.6 draft.
namespace v10 {

struct entry_hdr {
    le_u32 tag;   // @0
    le_u32 size;  // @4 whole entry including this header
};
static_assert(sizeof(entry_hdr) == 8 && offsetof(entry_hdr, size) == 4);

// §3.3 (v9 on): 16 bytes.
struct bl_context {
    le_u16 bootloader;   // @0
    le_u16 reserved[3];  // @2
    le_u64 context;      // @8 opaque to everyone but the loader's DL handler
};
static_assert(sizeof(bl_context) == 16 && offsetof(bl_context, reserved) == 2 && offsetof(bl_context, context) == 8);

// §3.4 DL info, 72 bytes.
struct dl_info {
    entry_hdr hdr;          // @0
    le_u64 dce_size;        // @8
    le_u64 dce_base;        // @16
    le_u64 dlme_size;       // @24
    le_u64 dlme_base;       // @32
    le_u64 dlme_entry;      // @40 offset from dlme_base
    wire::v10::bl_context bl_context;  // @48
    le_u64 dl_handler;      // @64
};
static_assert(sizeof(dl_info) == 72);
static_assert(offsetof(dl_info, dce_size) == 8 && offsetof(dl_info, dce_base) == 16);
static_assert(offsetof(dl_info, dlme_size) == 24 && offsetof(dl_info, dlme_base) == 32);
static_assert(offsetof(dl_info, dlme_entry) == 40 && offsetof(dl_info, bl_context) == 48);
static_assert(offsetof(dl_info, dl_handler) == 64);

// §3.5 log info, 24 bytes.
struct log_info {
    entry_hdr hdr;    // @0
    le_u16 format;    // @8
    le_u16 reserved;  // @10
    le_u32 size;      // @12
    le_u64 addr;      // @16
};
static_assert(sizeof(log_info) == 24);
static_assert(offsetof(log_info, format) == 8 && offsetof(log_info, reserved) == 10);
static_assert(offsetof(log_info, size) == 12 && offsetof(log_info, addr) == 16);

// §3.6 policy header, 16 bytes, followed by nr_entries policy_entry_v9.
struct policy {
    entry_hdr hdr;       // @0
    le_u16 reserved[2];  // @8
    le_u16 revision;     // @12
    le_u16 nr_entries;   // @14
};
static_assert(sizeof(policy) == 16);
static_assert(offsetof(policy, reserved) == 8 && offsetof(policy, revision) == 12 && offsetof(policy, nr_entries) == 14);
using policy_entry = policy_entry_v9;

// §3.7 Intel info without boot_params_addr, 552 bytes.
struct intel_info {
    entry_hdr hdr;               // @0
    le_u64 txt_heap;             // @8
    le_u64 saved_misc_enable_msr;  // @16
    mtrr_state saved_bsp_mtrrs;  // @24
};
static_assert(sizeof(intel_info) == 552);
static_assert(offsetof(intel_info, txt_heap) == 8 && offsetof(intel_info, saved_misc_enable_msr) == 16);
static_assert(offsetof(intel_info, saved_bsp_mtrrs) == 24);

// §3.8 AMD info (spec 0.6 draft, Xen, SKL, AMD RFC), 56 bytes. Bytes 8..23 are a
// Linux struct setup_data header so the entry can be spliced into the chain.
struct amd_info {
    entry_hdr hdr;            // @0
    le_u64 next;              // @8  setup_data.next
    le_u32 type;              // @16 setup_data.type, SETUP_SECURE_LAUNCH
    le_u32 len;               // @20 setup_data.len, payload bytes after this field
    le_u64 slrt_size;         // @24
    le_u64 slrt_base;         // @32
    le_u64 boot_params_base;  // @40
    le_u16 psp_version;       // @48 0 when no PSP takes part
    le_u16 reserved[3];       // @50
};
static_assert(sizeof(amd_info) == 56);
static_assert(offsetof(amd_info, next) == 8 && offsetof(amd_info, type) == 16 && offsetof(amd_info, len) == 20);
static_assert(offsetof(amd_info, slrt_size) == 24 && offsetof(amd_info, slrt_base) == 32);
static_assert(offsetof(amd_info, boot_params_base) == 40 && offsetof(amd_info, psp_version) == 48);
static_assert(offsetof(amd_info, reserved) == 50);

// §3.9 placeholders: a bare header.
struct arm_info {
    entry_hdr hdr;
};
struct uefi_info {
    entry_hdr hdr;
};
static_assert(sizeof(arm_info) == 8 && sizeof(uefi_info) == 8);

// §3.10 UEFI config header, 16 bytes, followed by nr_entries uefi_cfg_entry_v9.
struct uefi_config {
    entry_hdr hdr;       // @0
    le_u16 reserved[2];  // @8
    le_u16 revision;     // @12
    le_u16 nr_entries;   // @14
};
static_assert(sizeof(uefi_config) == 16);
static_assert(offsetof(uefi_config, revision) == 12 && offsetof(uefi_config, nr_entries) == 14);
using uefi_cfg_entry = uefi_cfg_entry_v9;

}  // namespace v10

// ---------------------------------------------------------------------------
// v12 … v15: Intel info gains boot_params_addr at @8 (moved out of the OS-MLE table).
namespace v12 {
using v10::amd_info, v10::arm_info, v10::bl_context, v10::dl_info, v10::entry_hdr, v10::log_info,
    v10::policy, v10::policy_entry, v10::uefi_cfg_entry, v10::uefi_config, v10::uefi_info;

struct intel_info {
    entry_hdr hdr;                 // @0
    le_u64 boot_params_addr;       // @8 Linux zero page the DLME uses
    le_u64 txt_heap;               // @16
    le_u64 saved_misc_enable_msr;  // @24
    mtrr_state saved_bsp_mtrrs;    // @32
};
static_assert(sizeof(intel_info) == 560);
static_assert(offsetof(intel_info, boot_params_addr) == 8 && offsetof(intel_info, txt_heap) == 16);
static_assert(offsetof(intel_info, saved_misc_enable_msr) == 24 && offsetof(intel_info, saved_bsp_mtrrs) == 32);

}  // namespace v12

// ---------------------------------------------------------------------------
// v16 (current): DL info gains dlme_header_offset and dlme_config_table; the
// handler becomes dl_launch(bl_context, slr_setup_dlme*).
namespace v16 {
using v12::amd_info, v12::arm_info, v12::bl_context, v12::entry_hdr, v12::intel_info, v12::log_info,
    v12::policy, v12::policy_entry, v12::uefi_cfg_entry, v12::uefi_config, v12::uefi_info;

struct dl_info {
    entry_hdr hdr;              // @0
    le_u64 dce_size;            // @8
    le_u64 dce_base;            // @16
    le_u64 dlme_size;           // @24
    le_u64 dlme_base;           // @32
    le_u64 dlme_entry;          // @40
    le_u64 dlme_header_offset;  // @48 offset of the DLME header in the DLME
    le_u64 dlme_config_table;   // @56 DLME configuration table (boot params)
    wire::v10::bl_context bl_context;      // @64
    le_u64 dl_launch;           // @80 dl_launch_func
};
static_assert(sizeof(dl_info) == 88);
static_assert(offsetof(dl_info, dce_size) == 8 && offsetof(dl_info, dce_base) == 16);
static_assert(offsetof(dl_info, dlme_size) == 24 && offsetof(dl_info, dlme_base) == 32);
static_assert(offsetof(dl_info, dlme_entry) == 40 && offsetof(dl_info, dlme_header_offset) == 48);
static_assert(offsetof(dl_info, dlme_config_table) == 56 && offsetof(dl_info, bl_context) == 64);
static_assert(offsetof(dl_info, dl_launch) == 80);

}  // namespace v16

// ---------------------------------------------------------------------------
// v9: u16 entry header; fields reordered for alignment; AMD/Arm/UEFI info
// dropped from the kernel header (kept here as bare headers, tag values kept).
namespace v9 {

struct entry_hdr {
    le_u16 tag;   // @0
    le_u16 size;  // @2
};
static_assert(sizeof(entry_hdr) == 4 && offsetof(entry_hdr, size) == 2);
using v10::bl_context;

struct dl_info {
    entry_hdr hdr;          // @0
    le_u32 dce_size;        // @4
    le_u64 dce_base;        // @8
    le_u64 dlme_size;       // @16
    le_u64 dlme_base;       // @24
    le_u64 dlme_entry;      // @32
    wire::v10::bl_context bl_context;  // @40
    le_u64 dl_handler;      // @56
};
static_assert(sizeof(dl_info) == 64);
static_assert(offsetof(dl_info, dce_size) == 4 && offsetof(dl_info, dce_base) == 8);
static_assert(offsetof(dl_info, dlme_size) == 16 && offsetof(dl_info, dlme_base) == 24);
static_assert(offsetof(dl_info, dlme_entry) == 32 && offsetof(dl_info, bl_context) == 40);
static_assert(offsetof(dl_info, dl_handler) == 56);

struct log_info {
    entry_hdr hdr;       // @0
    le_u16 format;       // @4
    le_u16 reserved[3];  // @6
    le_u32 size;         // @12
    le_u64 addr;         // @16
};
static_assert(sizeof(log_info) == 24);
static_assert(offsetof(log_info, format) == 4 && offsetof(log_info, reserved) == 6);
static_assert(offsetof(log_info, size) == 12 && offsetof(log_info, addr) == 16);

struct policy {
    entry_hdr hdr;      // @0
    le_u16 revision;    // @4
    le_u16 nr_entries;  // @6
};
static_assert(sizeof(policy) == 8 && offsetof(policy, revision) == 4 && offsetof(policy, nr_entries) == 6);
using policy_entry = policy_entry_v9;

struct intel_info {
    entry_hdr hdr;                 // @0
    le_u16 reserved[2];            // @4
    le_u64 txt_heap;               // @8
    le_u64 saved_misc_enable_msr;  // @16
    mtrr_state saved_bsp_mtrrs;    // @24
};
static_assert(sizeof(intel_info) == 552);
static_assert(offsetof(intel_info, reserved) == 4 && offsetof(intel_info, txt_heap) == 8);
static_assert(offsetof(intel_info, saved_misc_enable_msr) == 16 && offsetof(intel_info, saved_bsp_mtrrs) == 24);

struct amd_info {
    entry_hdr hdr;
};
struct arm_info {
    entry_hdr hdr;
};
struct uefi_info {
    entry_hdr hdr;
};
static_assert(sizeof(amd_info) == 4 && sizeof(arm_info) == 4 && sizeof(uefi_info) == 4);

struct uefi_config {
    entry_hdr hdr;      // @0
    le_u16 revision;    // @4
    le_u16 nr_entries;  // @6
};
static_assert(sizeof(uefi_config) == 8 && offsetof(uefi_config, revision) == 4);
static_assert(offsetof(uefi_config, nr_entries) == 6);
using uefi_cfg_entry = uefi_cfg_entry_v9;

}  // namespace v9

// ---------------------------------------------------------------------------
// v6 … v8: the first posted layout (also spec 0.5 and GRUB grub-sl-fc-38).
namespace v6 {
using v9::amd_info, v9::arm_info, v9::entry_hdr, v9::policy, v9::uefi_config, v9::uefi_info;

struct bl_context {
    le_u16 bootloader;  // @0
    le_u16 reserved;    // @2
    le_u64 context;     // @4
};
static_assert(sizeof(bl_context) == 12 && offsetof(bl_context, context) == 4);

struct dl_info {
    entry_hdr hdr;          // @0
    v6::bl_context bl_context;  // @4
    le_u64 dl_handler;      // @16
    le_u64 dce_base;        // @24
    le_u32 dce_size;        // @32
    le_u64 dlme_entry;      // @36
};
static_assert(sizeof(dl_info) == 44);
static_assert(offsetof(dl_info, bl_context) == 4 && offsetof(dl_info, dl_handler) == 16);
static_assert(offsetof(dl_info, dce_base) == 24 && offsetof(dl_info, dce_size) == 32);
static_assert(offsetof(dl_info, dlme_entry) == 36);

struct log_info {
    entry_hdr hdr;    // @0
    le_u16 format;    // @4
    le_u16 reserved;  // @6
    le_u64 addr;      // @8
    le_u32 size;      // @16
};
static_assert(sizeof(log_info) == 20);
static_assert(offsetof(log_info, format) == 4 && offsetof(log_info, addr) == 8 && offsetof(log_info, size) == 16);

struct policy_entry {
    le_u16 pcr;          // @0
    le_u16 entity_type;  // @2
    le_u16 flags;        // @4
    le_u16 reserved;     // @6
    le_u64 entity;       // @8
    le_u64 size;         // @16
    u8 evt_info[32];     // @24
};
static_assert(sizeof(policy_entry) == 56);
static_assert(offsetof(policy_entry, entity) == 8 && offsetof(policy_entry, size) == 16);
static_assert(offsetof(policy_entry, evt_info) == 24);

struct intel_info {
    entry_hdr hdr;                 // @0
    le_u64 saved_misc_enable_msr;  // @4
    mtrr_state saved_bsp_mtrrs;    // @12
};
static_assert(sizeof(intel_info) == 540);
static_assert(offsetof(intel_info, saved_misc_enable_msr) == 4 && offsetof(intel_info, saved_bsp_mtrrs) == 12);

struct uefi_cfg_entry {
    le_u16 pcr;       // @0
    le_u16 reserved;  // @2
    le_u64 cfg;       // @4
    le_u32 size;      // @12
    u8 evt_info[32];  // @16
};
static_assert(sizeof(uefi_cfg_entry) == 48);
static_assert(offsetof(uefi_cfg_entry, cfg) == 4 && offsetof(uefi_cfg_entry, size) == 12);
static_assert(offsetof(uefi_cfg_entry, evt_info) == 16);

}  // namespace v6

}  // namespace slrt::wire
