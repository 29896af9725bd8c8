// SPDX-License-Identifier: MIT
// The vocabulary every event log format shares: event types with the names the
// specifications give them, and `event`, one decoded log record.
//
// Sources (shared facts): TCG PC Client types and the EFI range from skinit-arm-tcg.md §C.7;
// Intel TXT types from txt.md §8.4 (SDG Tables E-5/E-6); TrenchBoot Secure Launch types from
// txt.md §8.4 and slrt.md §8; Arm DRTM types from skinit-arm-tcg.md §B.8.
#pragma once

#include <cstddef>

#include "policy/digest.hpp"
#include "slrt/bytes.hpp"

namespace slrt {

// TCG PC Client event types (skinit-arm-tcg.md §C.7).
inline constexpr u32 ev_preboot_cert = 0x00;
inline constexpr u32 ev_post_code = 0x01;
inline constexpr u32 ev_unused = 0x02;
inline constexpr u32 ev_no_action = 0x03;  // logged but never extended into a PCR
inline constexpr u32 ev_separator = 0x04;
inline constexpr u32 ev_action = 0x05;
inline constexpr u32 ev_event_tag = 0x06;
inline constexpr u32 ev_s_crtm_contents = 0x07;
inline constexpr u32 ev_s_crtm_version = 0x08;
inline constexpr u32 ev_cpu_microcode = 0x09;
inline constexpr u32 ev_platform_config_flags = 0x0a;
inline constexpr u32 ev_table_of_devices = 0x0b;
inline constexpr u32 ev_compact_hash = 0x0c;
inline constexpr u32 ev_ipl = 0x0d;
inline constexpr u32 ev_ipl_partition_data = 0x0e;
inline constexpr u32 ev_nonhost_code = 0x0f;
inline constexpr u32 ev_nonhost_config = 0x10;
inline constexpr u32 ev_nonhost_info = 0x11;
inline constexpr u32 ev_omit_boot_device_events = 0x12;

// EFI range (skinit-arm-tcg.md §C.7).
inline constexpr u32 ev_efi_event_base = 0x80000000u;
inline constexpr u32 ev_efi_variable_driver_config = 0x80000001u;
inline constexpr u32 ev_efi_variable_boot = 0x80000002u;
inline constexpr u32 ev_efi_boot_services_application = 0x80000003u;
inline constexpr u32 ev_efi_boot_services_driver = 0x80000004u;
inline constexpr u32 ev_efi_runtime_services_driver = 0x80000005u;
inline constexpr u32 ev_efi_gpt_event = 0x80000006u;
inline constexpr u32 ev_efi_action = 0x80000007u;
inline constexpr u32 ev_efi_platform_firmware_blob = 0x80000008u;
inline constexpr u32 ev_efi_handoff_tables = 0x80000009u;
inline constexpr u32 ev_efi_platform_firmware_blob2 = 0x8000000au;
inline constexpr u32 ev_efi_handoff_tables2 = 0x8000000bu;
inline constexpr u32 ev_efi_variable_boot2 = 0x8000000cu;
inline constexpr u32 ev_efi_hcrtm_event = 0x80000010u;
inline constexpr u32 ev_efi_variable_authority = 0x800000e0u;

// Intel TXT event types, base 0x400 (txt.md §8.4).
inline constexpr u32 txt_evtype_base = 0x400;
inline constexpr u32 txt_evtype_pcrmapping = 0x401;  // logged with PCRIndex 0xFF, never extended
inline constexpr u32 txt_evtype_hash_start = 0x402;
inline constexpr u32 txt_evtype_combined_hash = 0x403;
inline constexpr u32 txt_evtype_mle_hash = 0x404;
inline constexpr u32 txt_evtype_biosac_reg_data = 0x40a;
inline constexpr u32 txt_evtype_cpu_scrtm_stat = 0x40b;
inline constexpr u32 txt_evtype_lcp_control_hash = 0x40c;
inline constexpr u32 txt_evtype_elements_hash = 0x40d;
inline constexpr u32 txt_evtype_stm_hash = 0x40e;
inline constexpr u32 txt_evtype_ossinitdata_cap_hash = 0x40f;
inline constexpr u32 txt_evtype_sinit_pubkey_hash = 0x410;
inline constexpr u32 txt_evtype_lcp_hash = 0x411;
inline constexpr u32 txt_evtype_lcp_details_hash = 0x412;
inline constexpr u32 txt_evtype_lcp_authorities_hash = 0x413;
inline constexpr u32 txt_evtype_nv_info_hash = 0x414;
inline constexpr u32 txt_evtype_cold_boot_bios_hash = 0x415;
inline constexpr u32 txt_evtype_km_hash = 0x416;
inline constexpr u32 txt_evtype_bpm_hash = 0x417;
inline constexpr u32 txt_evtype_km_info_hash = 0x418;
inline constexpr u32 txt_evtype_bpm_info_hash = 0x419;
inline constexpr u32 txt_evtype_boot_pol_hash = 0x41a;
inline constexpr u32 txt_evtype_random_value = 0x4fe;  // Go/ISecL tables only (UNVERIFIED in the SDG)
inline constexpr u32 txt_evtype_cap_value = 0x4ff;     // digest = H(0x01): a bank SINIT cannot compute, capped

// tboot and TrenchBoot Secure Launch (TXT base + 0x100 + n; txt.md §8.4, slrt.md §8).
inline constexpr u32 tb_evtype_measurement = 0x501;
inline constexpr u32 sl_evtype_secure_launch = 0x502;  // every SKL, Linux and Xen measurement
inline constexpr u32 sl_evtype_slaunch_start = 0x503;  // Linux v6..v14 marker, PCR 17, empty data
inline constexpr u32 sl_evtype_slaunch_end = 0x504;    // Linux v6..v14 marker, PCR 17, empty data

// Arm DRTM (DEN0113), base 0x9000 (skinit-arm-tcg.md §B.8). Names of 0x9001..0x900a as TF-A's
// drtm_measurements.h spells them; 0x900b..0x900e after the fact sheet's table, same prefix.
inline constexpr u32 arm_drtm_evtype_pcr_schema = 0x9001;
inline constexpr u32 arm_drtm_evtype_dce = 0x9002;
inline constexpr u32 arm_drtm_evtype_dce_pubkey = 0x9003;
inline constexpr u32 arm_drtm_evtype_dlme = 0x9004;
inline constexpr u32 arm_drtm_evtype_dlme_entry_point = 0x9005;
inline constexpr u32 arm_drtm_evtype_debug_config = 0x9006;
inline constexpr u32 arm_drtm_evtype_nonsecure_config = 0x9007;
inline constexpr u32 arm_drtm_evtype_dce_secondary = 0x9008;
inline constexpr u32 arm_drtm_evtype_tzfw = 0x9009;
inline constexpr u32 arm_drtm_evtype_separator = 0x900a;
inline constexpr u32 arm_drtm_evtype_dlme_pubkey = 0x900b;
inline constexpr u32 arm_drtm_evtype_dlme_svn = 0x900c;
inline constexpr u32 arm_drtm_evtype_no_action = 0x900d;
inline constexpr u32 arm_drtm_evtype_secure_int_disable = 0x900e;

struct event_type_info {
    u32 value;
    const char* name;  // as the specification spells it
};

inline constexpr event_type_info event_type_table[] = {
    {ev_preboot_cert, "EV_PREBOOT_CERT"},
    {ev_post_code, "EV_POST_CODE"},
    {ev_unused, "EV_UNUSED"},
    {ev_no_action, "EV_NO_ACTION"},
    {ev_separator, "EV_SEPARATOR"},
    {ev_action, "EV_ACTION"},
    {ev_event_tag, "EV_EVENT_TAG"},
    {ev_s_crtm_contents, "EV_S_CRTM_CONTENTS"},
    {ev_s_crtm_version, "EV_S_CRTM_VERSION"},
    {ev_cpu_microcode, "EV_CPU_MICROCODE"},
    {ev_platform_config_flags, "EV_PLATFORM_CONFIG_FLAGS"},
    {ev_table_of_devices, "EV_TABLE_OF_DEVICES"},
    {ev_compact_hash, "EV_COMPACT_HASH"},
    {ev_ipl, "EV_IPL"},
    {ev_ipl_partition_data, "EV_IPL_PARTITION_DATA"},
    {ev_nonhost_code, "EV_NONHOST_CODE"},
    {ev_nonhost_config, "EV_NONHOST_CONFIG"},
    {ev_nonhost_info, "EV_NONHOST_INFO"},
    {ev_omit_boot_device_events, "EV_OMIT_BOOT_DEVICE_EVENTS"},
    {ev_efi_event_base, "EV_EFI_EVENT_BASE"},
    {ev_efi_variable_driver_config, "EV_EFI_VARIABLE_DRIVER_CONFIG"},
    {ev_efi_variable_boot, "EV_EFI_VARIABLE_BOOT"},
    {ev_efi_boot_services_application, "EV_EFI_BOOT_SERVICES_APPLICATION"},
    {ev_efi_boot_services_driver, "EV_EFI_BOOT_SERVICES_DRIVER"},
    {ev_efi_runtime_services_driver, "EV_EFI_RUNTIME_SERVICES_DRIVER"},
    {ev_efi_gpt_event, "EV_EFI_GPT_EVENT"},
    {ev_efi_action, "EV_EFI_ACTION"},
    {ev_efi_platform_firmware_blob, "EV_EFI_PLATFORM_FIRMWARE_BLOB"},
    {ev_efi_handoff_tables, "EV_EFI_HANDOFF_TABLES"},
    {ev_efi_platform_firmware_blob2, "EV_EFI_PLATFORM_FIRMWARE_BLOB2"},
    {ev_efi_handoff_tables2, "EV_EFI_HANDOFF_TABLES2"},
    {ev_efi_variable_boot2, "EV_EFI_VARIABLE_BOOT2"},
    {ev_efi_hcrtm_event, "EV_EFI_HCRTM_EVENT"},
    {ev_efi_variable_authority, "EV_EFI_VARIABLE_AUTHORITY"},
    {txt_evtype_base, "TXT_EVTYPE_BASE"},
    {txt_evtype_pcrmapping, "TXT_EVTYPE_PCRMAPPING"},
    {txt_evtype_hash_start, "TXT_EVTYPE_HASH_START"},
    {txt_evtype_combined_hash, "TXT_EVTYPE_COMBINED_HASH"},
    {txt_evtype_mle_hash, "TXT_EVTYPE_MLE_HASH"},
    {txt_evtype_biosac_reg_data, "TXT_EVTYPE_BIOSAC_REG_DATA"},
    {txt_evtype_cpu_scrtm_stat, "TXT_EVTYPE_CPU_SCRTM_STAT"},
    {txt_evtype_lcp_control_hash, "TXT_EVTYPE_LCP_CONTROL_HASH"},
    {txt_evtype_elements_hash, "TXT_EVTYPE_ELEMENTS_HASH"},
    {txt_evtype_stm_hash, "TXT_EVTYPE_STM_HASH"},
    {txt_evtype_ossinitdata_cap_hash, "TXT_EVTYPE_OSSINITDATA_CAP_HASH"},
    {txt_evtype_sinit_pubkey_hash, "TXT_EVTYPE_SINIT_PUBKEY_HASH"},
    {txt_evtype_lcp_hash, "TXT_EVTYPE_LCP_HASH"},
    {txt_evtype_lcp_details_hash, "TXT_EVTYPE_LCP_DETAILS_HASH"},
    {txt_evtype_lcp_authorities_hash, "TXT_EVTYPE_LCP_AUTHORITIES_HASH"},
    {txt_evtype_nv_info_hash, "TXT_EVTYPE_NV_INFO_HASH"},
    {txt_evtype_cold_boot_bios_hash, "TXT_EVTYPE_COLD_BOOT_BIOS_HASH"},
    {txt_evtype_km_hash, "TXT_EVTYPE_KM_HASH"},
    {txt_evtype_bpm_hash, "TXT_EVTYPE_BPM_HASH"},
    {txt_evtype_km_info_hash, "TXT_EVTYPE_KM_INFO_HASH"},
    {txt_evtype_bpm_info_hash, "TXT_EVTYPE_BPM_INFO_HASH"},
    {txt_evtype_boot_pol_hash, "TXT_EVTYPE_BOOT_POL_HASH"},
    {txt_evtype_random_value, "TXT_EVTYPE_RANDOM_VALUE"},
    {txt_evtype_cap_value, "TXT_EVTYPE_CAP_VALUE"},
    {tb_evtype_measurement, "EVTTYPE_TB_MEASUREMENT"},
    {sl_evtype_secure_launch, "SL_EVTYPE_SECURE_LAUNCH"},
    {sl_evtype_slaunch_start, "SL_EVTYPE_SLAUNCH_START"},
    {sl_evtype_slaunch_end, "SL_EVTYPE_SLAUNCH_END"},
    {arm_drtm_evtype_pcr_schema, "DRTM_EVENT_ARM_PCR_SCHEMA"},
    {arm_drtm_evtype_dce, "DRTM_EVENT_ARM_DCE"},
    {arm_drtm_evtype_dce_pubkey, "DRTM_EVENT_ARM_DCE_PUBKEY"},
    {arm_drtm_evtype_dlme, "DRTM_EVENT_ARM_DLME"},
    {arm_drtm_evtype_dlme_entry_point, "DRTM_EVENT_ARM_DLME_EP"},
    {arm_drtm_evtype_debug_config, "DRTM_EVENT_ARM_DEBUG_CONFIG"},
    {arm_drtm_evtype_nonsecure_config, "DRTM_EVENT_ARM_NONSECURE_CONFIG"},
    {arm_drtm_evtype_dce_secondary, "DRTM_EVENT_ARM_DCE_SECONDARY"},
    {arm_drtm_evtype_tzfw, "DRTM_EVENT_ARM_TZFW"},
    {arm_drtm_evtype_separator, "DRTM_EVENT_ARM_SEPARATOR"},
    {arm_drtm_evtype_dlme_pubkey, "DRTM_EVENT_ARM_DLME_PUBKEY"},
    {arm_drtm_evtype_dlme_svn, "DRTM_EVENT_ARM_DLME_SVN"},
    {arm_drtm_evtype_no_action, "DRTM_EVENT_ARM_NO_ACTION"},
    {arm_drtm_evtype_secure_int_disable, "DRTM_EVENT_ARM_SECURE_INT_DISABLE"},
};

// The specification's name of an event type; nullptr for types no table here lists.
// Unknown types are legal in every log format: parsers carry them and replay extends them.
constexpr const char* event_type_name(u32 type) {
    for (const event_type_info& t : event_type_table)
        if (t.value == type) return t.name;
    return nullptr;
}

// The inverse, for tools and plans that name types ("SL_EVTYPE_SECURE_LAUNCH").
constexpr bool event_type_from_name(const char* text, u32& out) {
    if (!text) return false;
    for (const event_type_info& t : event_type_table) {
        std::size_t i = 0;
        while (t.name[i] != '\0' && text[i] == t.name[i]) ++i;
        if (t.name[i] == '\0' && text[i] == '\0') {
            out = t.value;
            return true;
        }
    }
    return false;
}

// Whether replay extends an event of this type into its PCR: every type but EV_NO_ACTION
// (skinit-arm-tcg.md §C.8). TXT_EVTYPE_PCRMAPPING is logged with PCRIndex 0xFF, outside
// the PCR range, and is skipped for that reason, not for its type.
constexpr bool extends_pcr(u32 type) { return type != ev_no_action; }

// ---------------------------------------------------------------------------------------------
// Decoded events

inline constexpr u32 pcr_count = 24;      // PCRs 0..23 of a PC client TPM
inline constexpr u32 max_log_banks = 8;   // banks one log may list, digests one event may carry

// One bank of a log: the algorithm and the digest size the log uses for it. In a TCG log both
// come from the Spec ID event's digestSizes table (an algorithm slrt does not know keeps the
// size the table gives); TXT logs have one bank each (SHA-1, or the descriptor's algorithm).
struct log_bank {
    hash_alg alg{};
    u16 digest_size = 0;

    constexpr bool known() const { return slrt::digest_size(alg) != 0; }
};

// One record of an event log, decoded. `data` views the log's own bytes (valid while they
// are). Digests appear in the record's order; a digest of an algorithm slrt does not know
// holds the log's digest_size bytes (digest::size() is 0 for it, so compare by bytes).
struct event {
    u32 pcr = 0;                        // PCRIndex
    u32 type = 0;                       // EventType
    u32 digest_count = 0;               // digests[0 .. digest_count)
    digest digests[max_log_banks]{};
    byte_view data{};                   // Event[EventSize]
    u32 index = 0;                      // 0-based among the log's events, the header record excluded
    u32 offset = 0;                     // byte offset of the record in the log
    u32 size = 0;                       // bytes of the whole record

    // The digest for one bank, or nullptr when the record carries none for it.
    constexpr const digest* find(hash_alg alg) const {
        for (u32 i = 0; i < digest_count && i < max_log_banks; ++i)
            if (digests[i].alg == alg) return &digests[i];
        return nullptr;
    }
};

}  // namespace slrt
