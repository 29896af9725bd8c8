// SPDX-License-Identifier: MIT
// Every constant of the Secure Launch Resource Table, with its name in the spec.
// Values: spec/slrt.md §2 (from the TrenchBoot specification and the Linux
// Secure Launch header, identical in every layout era unless noted).
#pragma once

#include "slrt/bytes.hpp"

namespace slrt {

// §2.1 table identification
inline constexpr u32 table_magic = 0x4452544d;  // SLR_TABLE_MAGIC, bytes 4d 54 52 44
inline constexpr u16 table_revision = 1;        // SLR_TABLE_REVISION
inline constexpr u16 policy_revision = 1;       // SLR_POLICY_REVISION
inline constexpr u16 uefi_config_revision = 1;  // SLR_UEFI_CONFIG_REVISION
inline constexpr u32 table_header_size = 16;    // struct slr_table, every era

// §2.2 slr_table.architecture
enum class architecture : u16 {
    intel_txt = 1,   // SLR_INTEL_TXT
    amd_skinit = 2,  // SLR_AMD_SKINIT
};

// §2.3 slr_bl_context.bootloader
enum class bootloader : u16 {
    invalid = 0,  // SLR_BOOTLOADER_INVALID
    grub = 1,     // SLR_BOOTLOADER_GRUB
};

// §2.4 slr_entry_log_info.format
enum class log_format : u16 {
    tpm12 = 1,  // SLR_DRTM_TPM12_LOG
    tpm20 = 2,  // SLR_DRTM_TPM20_LOG
};

// §2.5 slr_entry_hdr.tag. 0 is never valid; END terminates the table.
enum class tag : u16 {
    invalid = 0x0000,      // SLR_ENTRY_INVALID
    dl_info = 0x0001,      // SLR_ENTRY_DL_INFO
    log_info = 0x0002,     // SLR_ENTRY_LOG_INFO
    policy = 0x0003,       // SLR_ENTRY_ENTRY_POLICY / SLR_ENTRY_DRTM_POLICY
    intel_info = 0x0004,   // SLR_ENTRY_INTEL_INFO
    amd_info = 0x0005,     // SLR_ENTRY_AMD_INFO
    arm_info = 0x0006,     // SLR_ENTRY_ARM_INFO (placeholder)
    uefi_info = 0x0007,    // SLR_ENTRY_UEFI_INFO (placeholder)
    uefi_config = 0x0008,  // SLR_ENTRY_UEFI_CONFIG
    end = 0xffff,          // SLR_ENTRY_END
};

// §2.6 slr_policy_entry.entity_type
enum class entity_type : u16 {
    unspecified = 0x0000,        // SLR_ET_UNSPECIFIED: a memory range
    slrt = 0x0001,               // SLR_ET_SLRT (implicit size)
    boot_params = 0x0002,        // SLR_ET_BOOT_PARAMS / SLR_ET_LINUX_BOOT_PARAMS
    setup_data = 0x0003,         // SLR_ET_SETUP_DATA / SLR_ET_LINUX_SETUP_DATA (implicit size)
    cmdline = 0x0004,            // SLR_ET_CMDLINE
    uefi_memmap = 0x0005,        // SLR_ET_UEFI_MEMMAP
    ramdisk = 0x0006,            // SLR_ET_RAMDISK
    multiboot2_info = 0x0007,    // SLR_ET_MULTIBOOT2_INFO (spec, GRUB 3mdeb, Xen)
    multiboot2_module = 0x0008,  // SLR_ET_MULTIBOOT2_MODULE
    txt_os2mle = 0x0010,         // SLR_ET_TXT_OS2MLE
    unused = 0xffff,             // SLR_ET_UNUSED: skip this entry
};

// §2.7 slr_policy_entry.flags
inline constexpr u16 policy_flag_measured = 0x1;       // SLR_POLICY_FLAG_MEASURED
inline constexpr u16 policy_flag_implicit_size = 0x2;  // SLR_POLICY_IMPLICIT_SIZE

// §2.8 array lengths
inline constexpr u32 evt_info_length = 32;     // TPM_EVENT_INFO_LENGTH
inline constexpr u32 max_variable_mtrrs = 32;  // TXT_VARIABLE_MTRRS_LENGTH
inline constexpr u32 max_pcr = 23;             // PCRs 0..23 of a PC client TPM

// §2.9 constants that travel with the table
inline constexpr u32 setup_secure_launch = 10;      // setup_data type of the AMD info (collides with SETUP_KEXEC_KHO)
inline constexpr u32 setup_indirect = 0x80000000u;  // SETUP_INDIRECT
inline constexpr u32 boot_params_slr_table_addr = 0x078;  // v16 zero-page field

// Names for the tools; nullptr when the value has no name.
constexpr const char* name(architecture a) {
    switch (a) {
        case architecture::intel_txt: return "intel_txt";
        case architecture::amd_skinit: return "amd_skinit";
    }
    return nullptr;
}
constexpr const char* name(bootloader b) {
    switch (b) {
        case bootloader::invalid: return "invalid";
        case bootloader::grub: return "grub";
    }
    return nullptr;
}
constexpr const char* name(log_format f) {
    switch (f) {
        case log_format::tpm12: return "tpm12";
        case log_format::tpm20: return "tpm20";
    }
    return nullptr;
}
constexpr const char* name(tag t) {
    switch (t) {
        case tag::invalid: return "invalid";
        case tag::dl_info: return "dl_info";
        case tag::log_info: return "log_info";
        case tag::policy: return "policy";
        case tag::intel_info: return "intel_info";
        case tag::amd_info: return "amd_info";
        case tag::arm_info: return "arm_info";
        case tag::uefi_info: return "uefi_info";
        case tag::uefi_config: return "uefi_config";
        case tag::end: return "end";
    }
    return nullptr;
}
constexpr const char* name(entity_type e) {
    switch (e) {
        case entity_type::unspecified: return "unspecified";
        case entity_type::slrt: return "slrt";
        case entity_type::boot_params: return "boot_params";
        case entity_type::setup_data: return "setup_data";
        case entity_type::cmdline: return "cmdline";
        case entity_type::uefi_memmap: return "uefi_memmap";
        case entity_type::ramdisk: return "ramdisk";
        case entity_type::multiboot2_info: return "multiboot2_info";
        case entity_type::multiboot2_module: return "multiboot2_module";
        case entity_type::txt_os2mle: return "txt_os2mle";
        case entity_type::unused: return "unused";
    }
    return nullptr;
}

constexpr bool is_known(architecture a) { return name(a) != nullptr; }
constexpr bool is_known(log_format f) { return name(f) != nullptr; }

}  // namespace slrt
