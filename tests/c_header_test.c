/* SPDX-License-Identifier: MIT */
/*
 * The C side of the C/C++ interoperability test: compiled as C (C99), it
 * records what a C compiler makes of include/slrt/slr_table.h, and
 * tests/c_interop_test.cpp compares every number with the C++ wire overlays
 * (slrt::wire::v16) and constants.
 *
 * slr_c_offsets[] holds, struct by struct, sizeof(struct) first and then the
 * offsetof of each field in declaration order:
 *
 *   slr_table              size; magic revision architecture size max_size
 *   slr_entry_hdr          size; tag size
 *   slr_bl_context         size; bootloader reserved context
 *   slr_entry_dl_info      size; hdr dce_size dce_base dlme_size dlme_base dlme_entry
 *                          dlme_header_offset dlme_config_table bl_context dl_launch
 *   slr_entry_log_info     size; hdr format reserved size addr
 *   slr_policy_entry       size; pcr entity_type flags reserved size entity evt_info
 *   slr_entry_policy       size; hdr reserved revision nr_entries
 *   slr_txt_mtrr_pair      size; mtrr_physbase mtrr_physmask
 *   slr_txt_mtrr_state     size; default_mem_type mtrr_vcnt mtrr_pair
 *   slr_entry_intel_info   size; hdr boot_params_addr txt_heap saved_misc_enable_msr
 *                          saved_bsp_mtrrs
 *   slr_entry_amd_info     size; hdr next type len slrt_size slrt_base boot_params_base
 *                          psp_version reserved
 *   slr_entry_arm_info     size
 *   slr_entry_uefi_info    size
 *   slr_uefi_cfg_entry     size; pcr reserved size cfg evt_info
 *   slr_entry_uefi_config  size; hdr reserved revision nr_entries
 *   slr_setup_dlme         size; dlme_base dlme_header_offset dlme_table
 *   slr_dlme_header        size; uuid0 uuid1 uuid2 uuid3 header_len version entry_point
 *                          first_valid_page start end capabilities cmdline_start
 *                          cmdline_end
 *
 * slr_c_constants[] holds the values of the constants in the order of the
 * header (section 2 of spec/slrt.md): see the comments below.
 */
#include <slrt/slr_table.h>

#include <stddef.h>

#define SLR_SIZE(type) (unsigned long)sizeof(struct type)
#define SLR_OFF(type, field) (unsigned long)offsetof(struct type, field)

const unsigned long slr_c_offsets[] = {
	SLR_SIZE(slr_table),
	SLR_OFF(slr_table, magic),
	SLR_OFF(slr_table, revision),
	SLR_OFF(slr_table, architecture),
	SLR_OFF(slr_table, size),
	SLR_OFF(slr_table, max_size),

	SLR_SIZE(slr_entry_hdr),
	SLR_OFF(slr_entry_hdr, tag),
	SLR_OFF(slr_entry_hdr, size),

	SLR_SIZE(slr_bl_context),
	SLR_OFF(slr_bl_context, bootloader),
	SLR_OFF(slr_bl_context, reserved),
	SLR_OFF(slr_bl_context, context),

	SLR_SIZE(slr_entry_dl_info),
	SLR_OFF(slr_entry_dl_info, hdr),
	SLR_OFF(slr_entry_dl_info, dce_size),
	SLR_OFF(slr_entry_dl_info, dce_base),
	SLR_OFF(slr_entry_dl_info, dlme_size),
	SLR_OFF(slr_entry_dl_info, dlme_base),
	SLR_OFF(slr_entry_dl_info, dlme_entry),
	SLR_OFF(slr_entry_dl_info, dlme_header_offset),
	SLR_OFF(slr_entry_dl_info, dlme_config_table),
	SLR_OFF(slr_entry_dl_info, bl_context),
	SLR_OFF(slr_entry_dl_info, dl_launch),

	SLR_SIZE(slr_entry_log_info),
	SLR_OFF(slr_entry_log_info, hdr),
	SLR_OFF(slr_entry_log_info, format),
	SLR_OFF(slr_entry_log_info, reserved),
	SLR_OFF(slr_entry_log_info, size),
	SLR_OFF(slr_entry_log_info, addr),

	SLR_SIZE(slr_policy_entry),
	SLR_OFF(slr_policy_entry, pcr),
	SLR_OFF(slr_policy_entry, entity_type),
	SLR_OFF(slr_policy_entry, flags),
	SLR_OFF(slr_policy_entry, reserved),
	SLR_OFF(slr_policy_entry, size),
	SLR_OFF(slr_policy_entry, entity),
	SLR_OFF(slr_policy_entry, evt_info),

	SLR_SIZE(slr_entry_policy),
	SLR_OFF(slr_entry_policy, hdr),
	SLR_OFF(slr_entry_policy, reserved),
	SLR_OFF(slr_entry_policy, revision),
	SLR_OFF(slr_entry_policy, nr_entries),

	SLR_SIZE(slr_txt_mtrr_pair),
	SLR_OFF(slr_txt_mtrr_pair, mtrr_physbase),
	SLR_OFF(slr_txt_mtrr_pair, mtrr_physmask),

	SLR_SIZE(slr_txt_mtrr_state),
	SLR_OFF(slr_txt_mtrr_state, default_mem_type),
	SLR_OFF(slr_txt_mtrr_state, mtrr_vcnt),
	SLR_OFF(slr_txt_mtrr_state, mtrr_pair),

	SLR_SIZE(slr_entry_intel_info),
	SLR_OFF(slr_entry_intel_info, hdr),
	SLR_OFF(slr_entry_intel_info, boot_params_addr),
	SLR_OFF(slr_entry_intel_info, txt_heap),
	SLR_OFF(slr_entry_intel_info, saved_misc_enable_msr),
	SLR_OFF(slr_entry_intel_info, saved_bsp_mtrrs),

	SLR_SIZE(slr_entry_amd_info),
	SLR_OFF(slr_entry_amd_info, hdr),
	SLR_OFF(slr_entry_amd_info, next),
	SLR_OFF(slr_entry_amd_info, type),
	SLR_OFF(slr_entry_amd_info, len),
	SLR_OFF(slr_entry_amd_info, slrt_size),
	SLR_OFF(slr_entry_amd_info, slrt_base),
	SLR_OFF(slr_entry_amd_info, boot_params_base),
	SLR_OFF(slr_entry_amd_info, psp_version),
	SLR_OFF(slr_entry_amd_info, reserved),

	SLR_SIZE(slr_entry_arm_info),
	SLR_SIZE(slr_entry_uefi_info),

	SLR_SIZE(slr_uefi_cfg_entry),
	SLR_OFF(slr_uefi_cfg_entry, pcr),
	SLR_OFF(slr_uefi_cfg_entry, reserved),
	SLR_OFF(slr_uefi_cfg_entry, size),
	SLR_OFF(slr_uefi_cfg_entry, cfg),
	SLR_OFF(slr_uefi_cfg_entry, evt_info),

	SLR_SIZE(slr_entry_uefi_config),
	SLR_OFF(slr_entry_uefi_config, hdr),
	SLR_OFF(slr_entry_uefi_config, reserved),
	SLR_OFF(slr_entry_uefi_config, revision),
	SLR_OFF(slr_entry_uefi_config, nr_entries),

	SLR_SIZE(slr_setup_dlme),
	SLR_OFF(slr_setup_dlme, dlme_base),
	SLR_OFF(slr_setup_dlme, dlme_header_offset),
	SLR_OFF(slr_setup_dlme, dlme_table),

	SLR_SIZE(slr_dlme_header),
	SLR_OFF(slr_dlme_header, uuid0),
	SLR_OFF(slr_dlme_header, uuid1),
	SLR_OFF(slr_dlme_header, uuid2),
	SLR_OFF(slr_dlme_header, uuid3),
	SLR_OFF(slr_dlme_header, header_len),
	SLR_OFF(slr_dlme_header, version),
	SLR_OFF(slr_dlme_header, entry_point),
	SLR_OFF(slr_dlme_header, first_valid_page),
	SLR_OFF(slr_dlme_header, start),
	SLR_OFF(slr_dlme_header, end),
	SLR_OFF(slr_dlme_header, capabilities),
	SLR_OFF(slr_dlme_header, cmdline_start),
	SLR_OFF(slr_dlme_header, cmdline_end),
};

const unsigned long slr_c_offsets_count = sizeof(slr_c_offsets) / sizeof(slr_c_offsets[0]);

const unsigned long slr_c_constants[] = {
	/* table identification */
	SLR_TABLE_MAGIC,
	SLR_TABLE_REVISION,
	SLR_POLICY_REVISION,
	SLR_UEFI_CONFIG_REVISION,
	/* architectures */
	SLR_INTEL_TXT,
	SLR_AMD_SKINIT,
	/* bootloaders */
	SLR_BOOTLOADER_INVALID,
	SLR_BOOTLOADER_GRUB,
	/* log formats */
	SLR_DRTM_TPM12_LOG,
	SLR_DRTM_TPM20_LOG,
	/* tags */
	SLR_ENTRY_INVALID,
	SLR_ENTRY_DL_INFO,
	SLR_ENTRY_LOG_INFO,
	SLR_ENTRY_ENTRY_POLICY,
	SLR_ENTRY_DRTM_POLICY,
	SLR_ENTRY_INTEL_INFO,
	SLR_ENTRY_AMD_INFO,
	SLR_ENTRY_ARM_INFO,
	SLR_ENTRY_UEFI_INFO,
	SLR_ENTRY_UEFI_CONFIG,
	SLR_ENTRY_END,
	/* entity types */
	SLR_ET_UNSPECIFIED,
	SLR_ET_SLRT,
	SLR_ET_BOOT_PARAMS,
	SLR_ET_LINUX_BOOT_PARAMS,
	SLR_ET_SETUP_DATA,
	SLR_ET_LINUX_SETUP_DATA,
	SLR_ET_CMDLINE,
	SLR_ET_UEFI_MEMMAP,
	SLR_ET_RAMDISK,
	SLR_ET_MULTIBOOT2_INFO,
	SLR_ET_MULTIBOOT2_MODULE,
	SLR_ET_TXT_OS2MLE,
	SLR_ET_UNUSED,
	/* policy flags */
	SLR_POLICY_FLAG_MEASURED,
	SLR_POLICY_IMPLICIT_SIZE,
	/* array lengths */
	TPM_EVENT_INFO_LENGTH,
	TXT_VARIABLE_MTRRS_LENGTH,
	/* values that travel with the table */
	SETUP_SECURE_LAUNCH,
	SLR_DLME_HEADER_UUID0,
	SLR_DLME_HEADER_UUID1,
	SLR_DLME_HEADER_UUID2,
	SLR_DLME_HEADER_UUID3,
};

const unsigned long slr_c_constants_count = sizeof(slr_c_constants) / sizeof(slr_c_constants[0]);
