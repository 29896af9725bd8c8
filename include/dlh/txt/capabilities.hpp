// SPDX-License-Identifier: MIT
// TXT capabilities: one 32-bit encoding shared by the MLE header (Capabilities @40), the SINIT's
// Chipset ACM Information Table (Capabilities @32) and OsSinitData (Capabilities @80).
// Intel TXT Software Development Guide (SDG) 315168-013 Table 2-2; bits 10 and 14 are newer
// than that revision (tboot mle.h, TrenchBoot GRUB txt.h). spec/txt/README.md §Capabilities.
#pragma once

#include "dlh/bits.hpp"

namespace dlh::txt {

namespace caps_field {
inline constexpr bit_field rlp_wake_getsec{"RLP_WAKE_GETSEC", 0, 1, false, "RLP wake-up by GETSEC[WAKEUP]"};
inline constexpr bit_field rlp_wake_monitor{"RLP_WAKE_MONITOR", 1, 1, false, "RLP wake-up through the MONITOR address"};
inline constexpr bit_field ecx_pgtbl{"ECX_PGTBL", 2, 1, false, "ECX holds the MLE page-table base at entry"};
inline constexpr bit_field stm{"STM", 3, 1, false, "STM supported"};
inline constexpr bit_field pcr_map_no_legacy{"PCR_MAP_NO_LEGACY", 4, 1, false,
                                             "TPM 1.2: 1 = legacy PCR usage NOT supported (negative logic)"};
inline constexpr bit_field pcr_map_da{"PCR_MAP_DA", 5, 1, false, "TPM 1.2: details/authorities PCR usage"};
inline constexpr bit_field platform_type{"PLATFORM_TYPE", 6, 2, false, "0 legacy, 1 client, 2 server"};
inline constexpr bit_field maxphyaddr{"MAXPHYADDR", 8, 1, false, "MTRR masks use the CPU's physical width"};
inline constexpr bit_field tcg_event_log{"TCG_EVENT_LOG", 9, 1, false, "TPM 2.0 log in the TCG format"};
inline constexpr bit_field cbnt{"CBNT", 10, 1, false, "CBnT supported"};
inline constexpr bit_field tpr{"TPR", 14, 1, false, "TXT protected ranges supported"};
}  // namespace caps_field

inline constexpr bit_field capabilities_fields[] = {
    caps_field::rlp_wake_getsec, caps_field::rlp_wake_monitor, caps_field::ecx_pgtbl,
    caps_field::stm,             caps_field::pcr_map_no_legacy, caps_field::pcr_map_da,
    caps_field::platform_type,   caps_field::maxphyaddr,       caps_field::tcg_event_log,
    caps_field::cbnt,            reserved_bits(11, 3),         caps_field::tpr,
    reserved_bits(15, 17),
};
inline constexpr register_info capabilities_info{"TXT capabilities", 0, 32, capabilities_fields, "SDG Table 2-2"};

// Platform type of capabilities bits 7:6 and of BiosData.MleFlags bits 2:1.
enum class platform_type : u8 { legacy = 0, client = 1, server = 2, reserved = 3 };

// A capabilities word with typed accessors.
struct capabilities {
    u32 raw = 0;

    constexpr bool rlp_wake_getsec() const { return caps_field::rlp_wake_getsec.test(raw); }
    constexpr bool rlp_wake_monitor() const { return caps_field::rlp_wake_monitor.test(raw); }
    constexpr bool ecx_pgtbl() const { return caps_field::ecx_pgtbl.test(raw); }
    constexpr bool stm() const { return caps_field::stm.test(raw); }
    constexpr bool pcr_map_no_legacy() const { return caps_field::pcr_map_no_legacy.test(raw); }
    constexpr bool pcr_map_da() const { return caps_field::pcr_map_da.test(raw); }
    constexpr txt::platform_type platform() const {
        return static_cast<txt::platform_type>(caps_field::platform_type.get(raw));
    }
    constexpr bool maxphyaddr() const { return caps_field::maxphyaddr.test(raw); }
    constexpr bool tcg_event_log() const { return caps_field::tcg_event_log.test(raw); }
    constexpr bool cbnt() const { return caps_field::cbnt.test(raw); }
    constexpr bool tpr() const { return caps_field::tpr.test(raw); }
    constexpr u32 reserved_bits_set() const { return raw & static_cast<u32>(capabilities_info.reserved_mask()); }

    constexpr capabilities with(const bit_field& f, u64 value) const {
        return capabilities{static_cast<u32>(f.with(raw, value))};
    }
    friend constexpr bool operator==(const capabilities&, const capabilities&) = default;
};

// The values Linux Secure Launch puts in its MLE header (TrenchBoot sl_stub.S, 2026): GETSEC and
// MONITOR wake-up, ECX page-table pointer, details/authorities PCRs, TCG log format.
inline constexpr capabilities linux_mle_capabilities{0x227};

}  // namespace dlh::txt
