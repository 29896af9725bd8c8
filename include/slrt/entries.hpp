// SPDX-License-Identifier: MIT
// Native values of the SLRT entries: plain aggregates, independent of layout.
//
// Each holds the union of the fields of every layout era, at the widest width
// any era gives it; codec.hpp maps them to and from the bytes of one layout.
// Field names are those of the specification (spec/slrt.md §3).
#pragma once

#include "slrt/bytes.hpp"
#include "slrt/constants.hpp"

namespace slrt {

struct table_header {
    u32 magic = table_magic;
    u16 revision = table_revision;
    slrt::architecture architecture = architecture::intel_txt;
    u32 size = 0;
    u32 max_size = 0;
    friend constexpr bool operator==(const table_header&, const table_header&) = default;
};

// §3.3 private channel from the loader to the DL handler it installed.
struct bl_context {
    slrt::bootloader bootloader = bootloader::invalid;
    u64 context = 0;
    friend constexpr bool operator==(const bl_context&, const bl_context&) = default;
};

// §3.4 tag 1: the dynamic launch, its DCE and its DLME.
struct dl_info {
    u64 dce_size = 0;            // Intel: SINIT ACM size; AMD: SLB size. u32 before v10.
    u64 dce_base = 0;
    u64 dlme_size = 0;           // v9+
    u64 dlme_base = 0;           // v9+
    u64 dlme_entry = 0;          // offset from dlme_base (an address in v6 era texts)
    u64 dlme_header_offset = 0;  // v16
    u64 dlme_config_table = 0;   // v16
    slrt::bl_context bl_context{};
    u64 dl_launch = 0;  // dl_launch_func (v16); dl_handler_func before
    friend constexpr bool operator==(const dl_info&, const dl_info&) = default;
};

// §3.5 tag 2: where the DRTM TPM event log lives.
struct log_info {
    log_format format = log_format::tpm20;
    u32 size = 0;
    u64 addr = 0;
    friend constexpr bool operator==(const log_info&, const log_info&) = default;
};

// A fixed 32-byte event label: NUL-padded, may fill all 32 bytes (spec §3.6).
struct evt_label {
    char bytes[evt_info_length] = {};

    constexpr evt_label() = default;
    // Keeps at most 31 characters so the label stays NUL-terminated (as 3mdeb GRUB does).
    constexpr evt_label(const char* text) {
        for (u32 i = 0; text && i + 1 < evt_info_length && text[i]; ++i) bytes[i] = text[i];
    }
    // Length up to the first NUL, never past the field (strnlen, not strlen).
    constexpr u32 length() const {
        u32 n = 0;
        while (n < evt_info_length && bytes[n] != '\0') ++n;
        return n;
    }
    constexpr bool terminated() const { return length() < evt_info_length; }
    friend constexpr bool operator==(const evt_label& a, const evt_label& b) {
        for (u32 i = 0; i < evt_info_length; ++i)
            if (a.bytes[i] != b.bytes[i]) return false;
        return true;
    }
};

// §3.6 one measurement the DLME performs.
struct policy_entry {
    u16 pcr = 0;
    slrt::entity_type entity_type = entity_type::unused;
    u16 flags = 0;
    u64 size = 0;
    u64 entity = 0;
    evt_label evt_info{};
    friend constexpr bool operator==(const policy_entry&, const policy_entry&) = default;
};

// §3.7
struct mtrr_pair {
    u64 mtrr_physbase = 0;
    u64 mtrr_physmask = 0;
    friend constexpr bool operator==(const mtrr_pair&, const mtrr_pair&) = default;
};
struct mtrr_state {
    u64 default_mem_type = 0;
    u64 mtrr_vcnt = 0;
    slrt::mtrr_pair mtrr_pair[max_variable_mtrrs]{};
    friend constexpr bool operator==(const mtrr_state&, const mtrr_state&) = default;
};

// §3.7 tag 4: Intel TXT state the DLME restores and checks.
struct intel_info {
    u64 boot_params_addr = 0;  // v12+
    u64 txt_heap = 0;          // v9+
    u64 saved_misc_enable_msr = 0;
    mtrr_state saved_bsp_mtrrs{};
    friend constexpr bool operator==(const intel_info&, const intel_info&) = default;
};

// §3.8 tag 5: AMD SKINIT info; bytes 8..23 double as a Linux setup_data header.
struct amd_info {
    u64 next = 0;
    u32 type = 0;  // setup_secure_launch once spliced into the setup_data chain
    u32 len = 0;
    u64 slrt_size = 0;
    u64 slrt_base = 0;
    u64 boot_params_base = 0;
    u16 psp_version = 0;
    friend constexpr bool operator==(const amd_info&, const amd_info&) = default;
};

// §3.10 one UEFI configuration item the DLME measures.
struct uefi_cfg_entry {
    u16 pcr = 0;
    u32 size = 0;
    u64 cfg = 0;
    evt_label evt_info{};
    friend constexpr bool operator==(const uefi_cfg_entry&, const uefi_cfg_entry&) = default;
};

// The header of a list entry (policy, UEFI config).
struct list_header {
    u16 revision = 1;
    u16 nr_entries = 0;
    friend constexpr bool operator==(const list_header&, const list_header&) = default;
};

}  // namespace slrt
