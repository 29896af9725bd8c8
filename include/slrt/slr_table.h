/* SPDX-License-Identifier: MIT */
/*
 * slr_table.h - the Secure Launch Resource Table (SLRT) for C bootloaders.
 *
 * A plain C99 description of the current (Linux Secure Launch v16) layout of
 * the SLRT, for loaders written in C: GRUB, coreboot payloads, edk2 drivers.
 * It is the C twin of slrt::wire::v16 in wire.hpp; tests/c_interop_test.cpp
 * checks that both agree byte for byte. The normative description, and the
 * older layouts (v6, v9, v10, v12), are in spec/slrt.md.
 *
 *   - Every integer is little-endian; every offset below is exact.
 *   - Structures are declared packed. In this layout every field is already
 *     naturally aligned, so packing changes no offset or size; it only makes
 *     the structures safe to overlay on memory of any alignment.
 *   - Names follow the Linux header (struct slr_*), so code can be held
 *     against it field by field.
 *   - Variable-length parts are not declared as flexible array members (C++
 *     rejects them under -Wpedantic): the elements of a policy or UEFI config
 *     entry follow its header directly, see slr_policy_entries() and
 *     slr_uefi_cfg_entries() below.
 *
 * Only freestanding headers are used (<stdint.h>, and <stddef.h> for offsetof
 * in the layout assertions), so this file builds in firmware and bootloaders.
 */
#ifndef SLRT_SLR_TABLE_H
#define SLRT_SLR_TABLE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------- */
/* Compiler support                                                          */

#if defined(__GNUC__) || defined(__clang__)
#define SLR_PACKED __attribute__((packed))
#else
/* MSVC (edk2): byte packing through #pragma pack below; the layout does not
 * depend on it because every field is naturally aligned. */
#define SLR_PACKED
#endif

/*
 * SLR_STATIC_ASSERT(condition, unique_name): a compile-time check at file
 * scope. C11 and C++11 have a keyword for it; C99 gets an array type whose
 * size turns negative (a compile error) when the condition is false.
 */
#if defined(__cplusplus) && __cplusplus >= 201103L
#define SLR_STATIC_ASSERT(cond, name) static_assert(cond, #name)
#elif defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
#define SLR_STATIC_ASSERT(cond, name) _Static_assert(cond, #name)
#else
#define SLR_STATIC_ASSERT(cond, name) typedef char slr_static_assert_##name[(cond) ? 1 : -1]
#endif

/* ------------------------------------------------------------------------- */
/* Constants (spec/slrt.md section 2)                                        */

/* 2.1 Table identification */
#define SLR_TABLE_MAGIC          0x4452544dU /* bytes 4d 54 52 44 in memory */
#define SLR_TABLE_REVISION       1
#define SLR_POLICY_REVISION      1
#define SLR_UEFI_CONFIG_REVISION 1

/* 2.2 slr_table.architecture */
#define SLR_INTEL_TXT  1
#define SLR_AMD_SKINIT 2

/* 2.3 slr_bl_context.bootloader */
#define SLR_BOOTLOADER_INVALID 0
#define SLR_BOOTLOADER_GRUB    1

/* 2.4 slr_entry_log_info.format */
#define SLR_DRTM_TPM12_LOG 1
#define SLR_DRTM_TPM20_LOG 2

/* 2.5 slr_entry_hdr.tag. The tag field is 32 bits wide: END is ff ff 00 00. */
#define SLR_ENTRY_INVALID      0x0000
#define SLR_ENTRY_DL_INFO      0x0001
#define SLR_ENTRY_LOG_INFO     0x0002
#define SLR_ENTRY_ENTRY_POLICY 0x0003 /* Linux, Oracle GRUB name */
#define SLR_ENTRY_DRTM_POLICY  0x0003 /* specification, Xen, SKL, 3mdeb GRUB name */
#define SLR_ENTRY_INTEL_INFO   0x0004
#define SLR_ENTRY_AMD_INFO     0x0005
#define SLR_ENTRY_ARM_INFO     0x0006 /* placeholder: bare header */
#define SLR_ENTRY_UEFI_INFO    0x0007 /* placeholder: bare header */
#define SLR_ENTRY_UEFI_CONFIG  0x0008
#define SLR_ENTRY_END          0xffff

/* 2.6 slr_policy_entry.entity_type */
#define SLR_ET_UNSPECIFIED       0x0000 /* a memory range */
#define SLR_ET_SLRT              0x0001 /* the SLRT itself, implicit size */
#define SLR_ET_BOOT_PARAMS       0x0002 /* Linux zero page */
#define SLR_ET_LINUX_BOOT_PARAMS SLR_ET_BOOT_PARAMS /* specification name */
#define SLR_ET_SETUP_DATA        0x0003 /* Linux setup_data list, implicit size */
#define SLR_ET_LINUX_SETUP_DATA  SLR_ET_SETUP_DATA /* specification name */
#define SLR_ET_CMDLINE           0x0004
#define SLR_ET_UEFI_MEMMAP       0x0005
#define SLR_ET_RAMDISK           0x0006
#define SLR_ET_MULTIBOOT2_INFO   0x0007 /* specification, Xen; not in Linux */
#define SLR_ET_MULTIBOOT2_MODULE 0x0008 /* specification, Xen; not in Linux */
#define SLR_ET_TXT_OS2MLE        0x0010
#define SLR_ET_UNUSED            0xffff /* skip this entry */

/* 2.7 slr_policy_entry.flags */
#define SLR_POLICY_FLAG_MEASURED 0x1 /* already measured, skip */
#define SLR_POLICY_IMPLICIT_SIZE 0x2 /* size is 0; the measurer derives it */

/* 2.8 Array lengths. Guarded: an embedder may already define them, and the
 * layout assertions below catch a different value. */
#ifndef TPM_EVENT_INFO_LENGTH
#define TPM_EVENT_INFO_LENGTH 32
#endif
#ifndef TXT_VARIABLE_MTRRS_LENGTH
#define TXT_VARIABLE_MTRRS_LENGTH 32
#endif

/* 2.9 Values that travel with the table */
#ifndef SETUP_SECURE_LAUNCH
#define SETUP_SECURE_LAUNCH 10 /* setup_data type of the AMD info entry */
#endif

/* The DLME header UUID {5aac8290-6f47-a774-0f5c-55a2cb51b642} as the four
 * 32-bit words of slr_dlme_header (the Intel TXT MLE header UUID). */
#define SLR_DLME_HEADER_UUID0 0x9082ac5aU
#define SLR_DLME_HEADER_UUID1 0x74a7476fU
#define SLR_DLME_HEADER_UUID2 0xa2555c0fU
#define SLR_DLME_HEADER_UUID3 0x42b651cbU

/* ------------------------------------------------------------------------- */
/* Structures (spec/slrt.md section 3, layout profile v16)                   */

#ifdef _MSC_VER
#pragma pack(push, 1)
#endif

/* 3.1 Table header, 16 bytes, unchanged in every layout. Entries follow at
 * offset 16, back to back; the last one is an END entry. */
struct slr_table {
	uint32_t magic;        /* @0  SLR_TABLE_MAGIC */
	uint16_t revision;     /* @4  SLR_TABLE_REVISION */
	uint16_t architecture; /* @6  SLR_INTEL_TXT or SLR_AMD_SKINIT */
	uint32_t size;         /* @8  header + entries + END, in bytes */
	uint32_t max_size;     /* @12 capacity of the buffer holding the table */
} SLR_PACKED;

/* 3.2 Entry header, 8 bytes (v10 on). size counts the header; the next entry
 * starts at (entry + size). END is a bare header: tag 0xffff, size 8. */
struct slr_entry_hdr {
	uint32_t tag;  /* @0 SLR_ENTRY_* */
	uint32_t size; /* @4 whole entry, this header included */
} SLR_PACKED;

/* 3.3 Bootloader context: a private channel from the loader to the DL
 * handler it installed, 16 bytes. */
struct slr_bl_context {
	uint16_t bootloader;  /* @0 SLR_BOOTLOADER_* */
	uint16_t reserved[3]; /* @2 zero */
	uint64_t context;     /* @8 opaque to everyone but the loader */
} SLR_PACKED;

struct slr_setup_dlme;

/* The v16 DL launch callback whose address is slr_entry_dl_info.dl_launch:
 * called with a pointer to dl_info.bl_context inside the table (RDI) and a
 * pointer to an slr_setup_dlme (RSI); it does not return. */
typedef void (*slr_dl_launch_func)(struct slr_bl_context *bl_context,
				   struct slr_setup_dlme *setup_dlme);

/* 3.4 DL info (SLR_ENTRY_DL_INFO), 88 bytes in v16. */
struct slr_entry_dl_info {
	struct slr_entry_hdr hdr;         /* @0  tag 1, size 88 */
	uint64_t dce_size;                /* @8  SINIT ACM or SKL size */
	uint64_t dce_base;                /* @16 physical base of the DCE */
	uint64_t dlme_size;               /* @24 */
	uint64_t dlme_base;               /* @32 */
	uint64_t dlme_entry;              /* @40 offset from dlme_base */
	uint64_t dlme_header_offset;      /* @48 v16: DLME header in the DLME */
	uint64_t dlme_config_table;       /* @56 v16: boot params on Linux */
	struct slr_bl_context bl_context; /* @64 */
	uint64_t dl_launch;               /* @80 address of an slr_dl_launch_func */
} SLR_PACKED;

/* 3.5 Log info (SLR_ENTRY_LOG_INFO), 24 bytes. */
struct slr_entry_log_info {
	struct slr_entry_hdr hdr; /* @0  tag 2, size 24 */
	uint16_t format;          /* @8  SLR_DRTM_TPM12_LOG or SLR_DRTM_TPM20_LOG */
	uint16_t reserved;        /* @10 zero */
	uint32_t size;            /* @12 bytes reserved for the DRTM event log */
	uint64_t addr;            /* @16 physical base of the log */
} SLR_PACKED;

/* 3.6 One measurement the DLME performs, 56 bytes. */
struct slr_policy_entry {
	uint16_t pcr;         /* @0  PCR to extend, 0..23 */
	uint16_t entity_type; /* @2  SLR_ET_* */
	uint16_t flags;       /* @4  SLR_POLICY_* */
	uint16_t reserved;    /* @6  zero */
	uint64_t size;        /* @8  bytes to measure, 0 with IMPLICIT_SIZE */
	uint64_t entity;      /* @16 physical address */
	char evt_info[TPM_EVENT_INFO_LENGTH]; /* @24 label, NUL-padded */
} SLR_PACKED;

/* 3.6 Policy (SLR_ENTRY_ENTRY_POLICY): a 16-byte header followed directly by
 * nr_entries struct slr_policy_entry; hdr.size = 16 + 56 * nr_entries. */
struct slr_entry_policy {
	struct slr_entry_hdr hdr; /* @0  tag 3 */
	uint16_t reserved[2];     /* @8  zero */
	uint16_t revision;        /* @12 SLR_POLICY_REVISION */
	uint16_t nr_entries;      /* @14 */
	/* @16 struct slr_policy_entry policy_entries[nr_entries]; */
} SLR_PACKED;

/* 3.7 One variable MTRR, 16 bytes. */
struct slr_txt_mtrr_pair {
	uint64_t mtrr_physbase; /* @0 IA32_MTRR_PHYSBASEn, MSR 0x200 + 2n */
	uint64_t mtrr_physmask; /* @8 IA32_MTRR_PHYSMASKn, MSR 0x201 + 2n */
} SLR_PACKED;

/* 3.7 MTRR state before the launch, 528 bytes. */
struct slr_txt_mtrr_state {
	uint64_t default_mem_type; /* @0  IA32_MTRR_DEF_TYPE, MSR 0x2ff */
	uint64_t mtrr_vcnt;        /* @8  valid pairs, at most 32 */
	struct slr_txt_mtrr_pair mtrr_pair[TXT_VARIABLE_MTRRS_LENGTH]; /* @16 unused: zero */
} SLR_PACKED;

/* 3.7 Intel TXT info (SLR_ENTRY_INTEL_INFO), 560 bytes (v12 on). */
struct slr_entry_intel_info {
	struct slr_entry_hdr hdr;                  /* @0  tag 4, size 560 */
	uint64_t boot_params_addr;                 /* @8  v12: Linux zero page */
	uint64_t txt_heap;                         /* @16 TXT heap base */
	uint64_t saved_misc_enable_msr;            /* @24 IA32_MISC_ENABLE, MSR 0x1a0 */
	struct slr_txt_mtrr_state saved_bsp_mtrrs; /* @32 */
} SLR_PACKED;

/* 3.8 AMD SKINIT info (SLR_ENTRY_AMD_INFO), 56 bytes. Bytes 8..23 are a
 * Linux struct setup_data header (next, type, len), so the entry can be
 * linked into the boot_params setup_data chain. */
struct slr_entry_amd_info {
	struct slr_entry_hdr hdr;  /* @0  tag 5, size 56 */
	uint64_t next;             /* @8  setup_data.next */
	uint32_t type;             /* @16 setup_data.type: SETUP_SECURE_LAUNCH */
	uint32_t len;              /* @20 setup_data.len: bytes after this field (32) */
	uint64_t slrt_size;        /* @24 */
	uint64_t slrt_base;        /* @32 */
	uint64_t boot_params_base; /* @40 */
	uint16_t psp_version;      /* @48 0 when no PSP takes part */
	uint16_t reserved[3];      /* @50 zero */
} SLR_PACKED;

/* 3.9 Placeholders: a bare 8-byte header. */
struct slr_entry_arm_info {
	struct slr_entry_hdr hdr; /* @0 tag 6, size 8 */
} SLR_PACKED;

struct slr_entry_uefi_info {
	struct slr_entry_hdr hdr; /* @0 tag 7, size 8 */
} SLR_PACKED;

/* 3.10 One UEFI configuration item to measure, 48 bytes. */
struct slr_uefi_cfg_entry {
	uint16_t pcr;      /* @0  PCR to extend, 0..23 */
	uint16_t reserved; /* @2  zero */
	uint32_t size;     /* @4  bytes to measure */
	uint64_t cfg;      /* @8  address (or value) to measure */
	char evt_info[TPM_EVENT_INFO_LENGTH]; /* @16 label, NUL-padded */
} SLR_PACKED;

/* 3.10 UEFI config (SLR_ENTRY_UEFI_CONFIG): a 16-byte header followed
 * directly by nr_entries struct slr_uefi_cfg_entry. */
struct slr_entry_uefi_config {
	struct slr_entry_hdr hdr; /* @0  tag 8 */
	uint16_t reserved[2];     /* @8  zero */
	uint16_t revision;        /* @12 SLR_UEFI_CONFIG_REVISION */
	uint16_t nr_entries;      /* @14 */
	/* @16 struct slr_uefi_cfg_entry uefi_cfg_entries[nr_entries]; */
} SLR_PACKED;

/* 3.11 v16: the second argument of dl_launch, 24 bytes. */
struct slr_setup_dlme {
	uint64_t dlme_base;          /* @0  where the DLME was placed */
	uint64_t dlme_header_offset; /* @8  offset of its slr_dlme_header */
	uint64_t dlme_table;         /* @16 DLME configuration table, 0 if none */
} SLR_PACKED;

/* 3.11 v16: the standard DLME header every capable DLME carries, 52 bytes. */
struct slr_dlme_header {
	uint32_t uuid0;            /* @0  SLR_DLME_HEADER_UUID0 */
	uint32_t uuid1;            /* @4  SLR_DLME_HEADER_UUID1 */
	uint32_t uuid2;            /* @8  SLR_DLME_HEADER_UUID2 */
	uint32_t uuid3;            /* @12 SLR_DLME_HEADER_UUID3 */
	uint32_t header_len;       /* @16 at least 52 */
	uint32_t version;          /* @20 */
	uint32_t entry_point;      /* @24 */
	uint32_t first_valid_page; /* @28 */
	uint32_t start;            /* @32 */
	uint32_t end;              /* @36 */
	uint32_t capabilities;     /* @40 */
	uint32_t cmdline_start;    /* @44 */
	uint32_t cmdline_end;      /* @48 */
} SLR_PACKED;

#ifdef _MSC_VER
#pragma pack(pop)
#endif

/*
 * The elements of a list entry start right after its header. These helpers
 * only compute the address: before reading element i the caller must check
 * that hdr.size == header size + nr_entries * element size and that i is
 * below nr_entries (rule SLRT-P1 of spec/slrt.md).
 */
#define slr_policy_entries(policy) \
	((struct slr_policy_entry *)((uint8_t *)(policy) + sizeof(struct slr_entry_policy)))
#define slr_uefi_cfg_entries(config) \
	((struct slr_uefi_cfg_entry *)((uint8_t *)(config) + sizeof(struct slr_entry_uefi_config)))

/* ------------------------------------------------------------------------- */
/* Layout assertions: every size and every offset of spec/slrt.md section 3.  */

#define SLR_ASSERT_SIZE(type, bytes) SLR_STATIC_ASSERT(sizeof(struct type) == (bytes), size_##type)
#define SLR_ASSERT_OFFSET(type, field, at) \
	SLR_STATIC_ASSERT(offsetof(struct type, field) == (at), offset_##type##_##field)

SLR_ASSERT_SIZE(slr_table, 16);
SLR_ASSERT_OFFSET(slr_table, magic, 0);
SLR_ASSERT_OFFSET(slr_table, revision, 4);
SLR_ASSERT_OFFSET(slr_table, architecture, 6);
SLR_ASSERT_OFFSET(slr_table, size, 8);
SLR_ASSERT_OFFSET(slr_table, max_size, 12);

SLR_ASSERT_SIZE(slr_entry_hdr, 8);
SLR_ASSERT_OFFSET(slr_entry_hdr, tag, 0);
SLR_ASSERT_OFFSET(slr_entry_hdr, size, 4);

SLR_ASSERT_SIZE(slr_bl_context, 16);
SLR_ASSERT_OFFSET(slr_bl_context, bootloader, 0);
SLR_ASSERT_OFFSET(slr_bl_context, reserved, 2);
SLR_ASSERT_OFFSET(slr_bl_context, context, 8);

SLR_ASSERT_SIZE(slr_entry_dl_info, 88);
SLR_ASSERT_OFFSET(slr_entry_dl_info, hdr, 0);
SLR_ASSERT_OFFSET(slr_entry_dl_info, dce_size, 8);
SLR_ASSERT_OFFSET(slr_entry_dl_info, dce_base, 16);
SLR_ASSERT_OFFSET(slr_entry_dl_info, dlme_size, 24);
SLR_ASSERT_OFFSET(slr_entry_dl_info, dlme_base, 32);
SLR_ASSERT_OFFSET(slr_entry_dl_info, dlme_entry, 40);
SLR_ASSERT_OFFSET(slr_entry_dl_info, dlme_header_offset, 48);
SLR_ASSERT_OFFSET(slr_entry_dl_info, dlme_config_table, 56);
SLR_ASSERT_OFFSET(slr_entry_dl_info, bl_context, 64);
SLR_ASSERT_OFFSET(slr_entry_dl_info, dl_launch, 80);

SLR_ASSERT_SIZE(slr_entry_log_info, 24);
SLR_ASSERT_OFFSET(slr_entry_log_info, hdr, 0);
SLR_ASSERT_OFFSET(slr_entry_log_info, format, 8);
SLR_ASSERT_OFFSET(slr_entry_log_info, reserved, 10);
SLR_ASSERT_OFFSET(slr_entry_log_info, size, 12);
SLR_ASSERT_OFFSET(slr_entry_log_info, addr, 16);

SLR_ASSERT_SIZE(slr_policy_entry, 56);
SLR_ASSERT_OFFSET(slr_policy_entry, pcr, 0);
SLR_ASSERT_OFFSET(slr_policy_entry, entity_type, 2);
SLR_ASSERT_OFFSET(slr_policy_entry, flags, 4);
SLR_ASSERT_OFFSET(slr_policy_entry, reserved, 6);
SLR_ASSERT_OFFSET(slr_policy_entry, size, 8);
SLR_ASSERT_OFFSET(slr_policy_entry, entity, 16);
SLR_ASSERT_OFFSET(slr_policy_entry, evt_info, 24);

SLR_ASSERT_SIZE(slr_entry_policy, 16);
SLR_ASSERT_OFFSET(slr_entry_policy, hdr, 0);
SLR_ASSERT_OFFSET(slr_entry_policy, reserved, 8);
SLR_ASSERT_OFFSET(slr_entry_policy, revision, 12);
SLR_ASSERT_OFFSET(slr_entry_policy, nr_entries, 14);

SLR_ASSERT_SIZE(slr_txt_mtrr_pair, 16);
SLR_ASSERT_OFFSET(slr_txt_mtrr_pair, mtrr_physbase, 0);
SLR_ASSERT_OFFSET(slr_txt_mtrr_pair, mtrr_physmask, 8);

SLR_ASSERT_SIZE(slr_txt_mtrr_state, 528);
SLR_ASSERT_OFFSET(slr_txt_mtrr_state, default_mem_type, 0);
SLR_ASSERT_OFFSET(slr_txt_mtrr_state, mtrr_vcnt, 8);
SLR_ASSERT_OFFSET(slr_txt_mtrr_state, mtrr_pair, 16);

SLR_ASSERT_SIZE(slr_entry_intel_info, 560);
SLR_ASSERT_OFFSET(slr_entry_intel_info, hdr, 0);
SLR_ASSERT_OFFSET(slr_entry_intel_info, boot_params_addr, 8);
SLR_ASSERT_OFFSET(slr_entry_intel_info, txt_heap, 16);
SLR_ASSERT_OFFSET(slr_entry_intel_info, saved_misc_enable_msr, 24);
SLR_ASSERT_OFFSET(slr_entry_intel_info, saved_bsp_mtrrs, 32);

SLR_ASSERT_SIZE(slr_entry_amd_info, 56);
SLR_ASSERT_OFFSET(slr_entry_amd_info, hdr, 0);
SLR_ASSERT_OFFSET(slr_entry_amd_info, next, 8);
SLR_ASSERT_OFFSET(slr_entry_amd_info, type, 16);
SLR_ASSERT_OFFSET(slr_entry_amd_info, len, 20);
SLR_ASSERT_OFFSET(slr_entry_amd_info, slrt_size, 24);
SLR_ASSERT_OFFSET(slr_entry_amd_info, slrt_base, 32);
SLR_ASSERT_OFFSET(slr_entry_amd_info, boot_params_base, 40);
SLR_ASSERT_OFFSET(slr_entry_amd_info, psp_version, 48);
SLR_ASSERT_OFFSET(slr_entry_amd_info, reserved, 50);

SLR_ASSERT_SIZE(slr_entry_arm_info, 8);
SLR_ASSERT_SIZE(slr_entry_uefi_info, 8);

SLR_ASSERT_SIZE(slr_uefi_cfg_entry, 48);
SLR_ASSERT_OFFSET(slr_uefi_cfg_entry, pcr, 0);
SLR_ASSERT_OFFSET(slr_uefi_cfg_entry, reserved, 2);
SLR_ASSERT_OFFSET(slr_uefi_cfg_entry, size, 4);
SLR_ASSERT_OFFSET(slr_uefi_cfg_entry, cfg, 8);
SLR_ASSERT_OFFSET(slr_uefi_cfg_entry, evt_info, 16);

SLR_ASSERT_SIZE(slr_entry_uefi_config, 16);
SLR_ASSERT_OFFSET(slr_entry_uefi_config, hdr, 0);
SLR_ASSERT_OFFSET(slr_entry_uefi_config, reserved, 8);
SLR_ASSERT_OFFSET(slr_entry_uefi_config, revision, 12);
SLR_ASSERT_OFFSET(slr_entry_uefi_config, nr_entries, 14);

SLR_ASSERT_SIZE(slr_setup_dlme, 24);
SLR_ASSERT_OFFSET(slr_setup_dlme, dlme_base, 0);
SLR_ASSERT_OFFSET(slr_setup_dlme, dlme_header_offset, 8);
SLR_ASSERT_OFFSET(slr_setup_dlme, dlme_table, 16);

SLR_ASSERT_SIZE(slr_dlme_header, 52);
SLR_ASSERT_OFFSET(slr_dlme_header, uuid0, 0);
SLR_ASSERT_OFFSET(slr_dlme_header, uuid1, 4);
SLR_ASSERT_OFFSET(slr_dlme_header, uuid2, 8);
SLR_ASSERT_OFFSET(slr_dlme_header, uuid3, 12);
SLR_ASSERT_OFFSET(slr_dlme_header, header_len, 16);
SLR_ASSERT_OFFSET(slr_dlme_header, version, 20);
SLR_ASSERT_OFFSET(slr_dlme_header, entry_point, 24);
SLR_ASSERT_OFFSET(slr_dlme_header, first_valid_page, 28);
SLR_ASSERT_OFFSET(slr_dlme_header, start, 32);
SLR_ASSERT_OFFSET(slr_dlme_header, end, 36);
SLR_ASSERT_OFFSET(slr_dlme_header, capabilities, 40);
SLR_ASSERT_OFFSET(slr_dlme_header, cmdline_start, 44);
SLR_ASSERT_OFFSET(slr_dlme_header, cmdline_end, 48);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* SLRT_SLR_TABLE_H */
