// SPDX-License-Identifier: MIT
// The TXT configuration registers: where the spaces are, every register with its offset, access
// and field layout, a lookup table for tools, typed register values, DPR decoding, the chipset
// fuse check, and check_registers(): what a register snapshot says is wrong for a launch.
//
// Sources: Intel TXT Software Development Guide 315168-013 (SDG) Appendix B.1 and sections 1.7,
// 1.11.1, 2.3; tboot config_regs.h (MSEG, QPIIF fallback); coreboot txt_register.h (registers
// marked UNVERIFIED below). spec/txt/registers.md lists every rule TXT-R<n> and every choice.
//
// All registers are 64 bits wide; unimplemented bits read 0 (SDG B.1). The same offsets exist in
// the private space (open only between SENTER and TXT.CMD.CLOSE-PRIVATE) and in the public space;
// only the access differs. After writing a command register, read TXT.E2STS (or any register) as
// a serializing fence.
#pragma once

#include <cstddef>

#include "dlh/base.hpp"
#include "dlh/bits.hpp"
#include "dlh/range.hpp"
#include "dlh/txt/errorcode.hpp"
#include "slrt/error.hpp"

namespace dlh::txt {

// ---------------------------------------------------------------------------------------------
// Address spaces (SDG B.1, 1.7, 2.3)

inline constexpr u32 private_space_base = 0xFED20000u;
inline constexpr u32 public_space_base = 0xFED30000u;
inline constexpr u32 config_space_size = 0x10000u;  // each space; PUB - PRIV
// The whole TXT device range the MLE must map uncached: both spaces and the TPM pages.
inline constexpr u32 device_space_base = 0xFED20000u;
inline constexpr u32 device_space_size = 0x30000u;  // through 0xFED4FFFF
// TPM locality pages: 0 public, 1 trusted OS, 2 MLE, 3 ACM only, 4 hardware only (SDG 1.7, B.3).
inline constexpr u32 tpm_locality_base = 0xFED40000u;
inline constexpr u32 tpm_locality_page_size = 0x1000u;
inline constexpr u32 tpm_locality_count = 5;
// 0xFED45000-0xFED7FFFF is reserved by Intel.
inline constexpr u32 tpm_reserved_base = 0xFED45000u;
inline constexpr u32 tpm_reserved_size = 0x3B000u;

enum class config_space : u8 { private_space, public_space };

constexpr u32 space_base(config_space s) {
    return s == config_space::private_space ? private_space_base : public_space_base;
}
// Physical address of a register; `offset` below config_space_size.
constexpr u32 register_address(config_space s, u32 offset) { return space_base(s) + (offset & 0xFFFFu); }
// Physical address of a TPM locality page; 0 for a locality above 4.
constexpr u32 tpm_locality_address(u32 locality) {
    return locality < tpm_locality_count ? tpm_locality_base + (locality << 12) : 0;
}

// ---------------------------------------------------------------------------------------------
// Register offsets (SDG B.1; the section of each is in config_registers below).

namespace config_reg {
inline constexpr u32 sts = 0x000;
inline constexpr u32 ests = 0x008;
inline constexpr u32 errorcode = 0x030;
inline constexpr u32 cmd_reset = 0x038;
inline constexpr u32 cmd_close_private = 0x048;
inline constexpr u32 spad = 0x0A0;  // UNVERIFIED (coreboot)
inline constexpr u32 ver_fsbif = 0x100;
inline constexpr u32 didvid = 0x110;
inline constexpr u32 ver_qpiif = 0x200;
inline constexpr u32 cmd_unlock_mem_config = 0x218;
inline constexpr u32 sinit_base = 0x270;
inline constexpr u32 sinit_size = 0x278;
inline constexpr u32 mle_join = 0x290;
inline constexpr u32 heap_base = 0x300;
inline constexpr u32 heap_size = 0x308;
inline constexpr u32 mseg_base = 0x310;          // tboot, GRUB, coreboot; not in SDG-013
inline constexpr u32 mseg_size = 0x318;          // same
inline constexpr u32 biosacm_errorcode = 0x328;  // UNVERIFIED (coreboot)
inline constexpr u32 dpr = 0x330;
inline constexpr u32 scratchpad = 0x378;  // UNVERIFIED (Linux Secure Launch defines it)
inline constexpr u32 cmd_open_locality1 = 0x380;
inline constexpr u32 cmd_close_locality1 = 0x388;
inline constexpr u32 cmd_open_locality2 = 0x390;
inline constexpr u32 cmd_close_locality2 = 0x398;
inline constexpr u32 public_key = 0x400;  // 256 bits: four 64-bit registers 0x400..0x418
inline constexpr u32 sts_ftif = 0x800;    // UNVERIFIED (coreboot)
inline constexpr u32 cmd_secrets = 0x8E0;
inline constexpr u32 cmd_no_secrets = 0x8E8;
inline constexpr u32 e2sts = 0x8F0;
}  // namespace config_reg

inline constexpr std::size_t public_key_size = 32;

// ---------------------------------------------------------------------------------------------
// Field layouts, datasheet order (low bit first), reserved bits marked.

// TXT.STS, SDG B.1.1.
namespace sts_field {
inline constexpr bit_field senter_done{"SENTER.DONE.STS", 0, 1, false, "every thread did SENTER-ACK"};
inline constexpr bit_field sexit_done{"SEXIT.DONE.STS", 1, 1, false, "no thread joined (set after reset)"};
inline constexpr bit_field mem_config_lock{"MEM-CONFIG-LOCK.STS", 6, 1, false, "memory configuration locked"};
inline constexpr bit_field private_open{"PRIVATE-OPEN.STS", 7, 1, false, "private space open"};
inline constexpr bit_field locality1_open{"TXT.LOCALITY1.OPEN.STS", 15, 1, false, "TPM locality 1 open"};
inline constexpr bit_field locality2_open{"TXT.LOCALITY2.OPEN.STS", 16, 1, false, "TPM locality 2 open"};
}  // namespace sts_field
inline constexpr bit_field sts_fields[] = {
    sts_field::senter_done,    sts_field::sexit_done,   reserved_bits(2, 4),
    sts_field::mem_config_lock, sts_field::private_open, reserved_bits(8, 7),
    sts_field::locality1_open, sts_field::locality2_open, reserved_bits(17, 47),
};
inline constexpr register_info sts_info{"TXT.STS", config_reg::sts, 64, sts_fields, "SDG B.1.1"};

// TXT.ESTS, SDG B.1.2. Bit 6 is named by coreboot only (UNVERIFIED); SDG-013 reserves bits 7:1.
namespace ests_field {
inline constexpr bit_field txt_reset{"TXT_RESET.STS", 0, 1, false,
                                     "SENTER/ENTERACCS fail while set; sticky until power cycle"};
inline constexpr bit_field wake_error{"WAKE_ERROR.STS", 6, 1, false, "coreboot only, UNVERIFIED"};
}  // namespace ests_field
inline constexpr bit_field ests_fields[] = {
    ests_field::txt_reset, reserved_bits(1, 5), ests_field::wake_error, reserved_bits(7, 57),
};
inline constexpr register_info ests_info{"TXT.ESTS", config_reg::ests, 64, ests_fields, "SDG B.1.2"};

// TXT.ERRORCODE, SDG B.1.3: the raw split; errorcode.hpp decodes bits 29:0.
namespace errorcode_reg_field {
inline constexpr bit_field type{"TYPE", 0, 30, false, "layout set by EXTERNAL; see the decode"};
}  // namespace errorcode_reg_field
inline constexpr bit_field errorcode_reg_fields[] = {
    errorcode_reg_field::type, errorcode_field::external, errorcode_field::valid, reserved_bits(32, 32),
};
inline constexpr register_info errorcode_reg_info{"TXT.ERRORCODE", config_reg::errorcode, 64, errorcode_reg_fields,
                                                  "SDG B.1.3"};

// TXT.VER.FSBIF (SDG B.1.6) and TXT.VER.QPIIF (SDG B.1.8): bit 31 tells the fusing.
namespace ver_field {
inline constexpr bit_field debug_fuse{"DEBUG.FUSE", 31, 1, false, "1 = production fused, 0 = debug fused"};
// coreboot reads offset 0x200 as "TXT capabilities" with these two bits (UNVERIFIED).
inline constexpr bit_field pmrc{"PMRC", 19, 1, false, "coreboot only, UNVERIFIED"};
inline constexpr bit_field dpr_capable{"DPR", 26, 1, false, "coreboot only, UNVERIFIED"};
}  // namespace ver_field
inline constexpr bit_field ver_fsbif_fields[] = {reserved_bits(0, 31), ver_field::debug_fuse, reserved_bits(32, 32)};
inline constexpr register_info ver_fsbif_info{"TXT.VER.FSBIF", config_reg::ver_fsbif, 64, ver_fsbif_fields,
                                              "SDG B.1.6"};
inline constexpr bit_field ver_qpiif_fields[] = {
    reserved_bits(0, 19),  ver_field::pmrc,       reserved_bits(20, 6), ver_field::dpr_capable,
    reserved_bits(27, 4), ver_field::debug_fuse, reserved_bits(32, 32),
};
inline constexpr register_info ver_qpiif_info{"TXT.VER.QPIIF", config_reg::ver_qpiif, 64, ver_qpiif_fields,
                                              "SDG B.1.8"};

// TXT.DIDVID, SDG B.1.7.
namespace didvid_field {
inline constexpr bit_field vid{"VID", 0, 16, false, "vendor ID, 0x8086"};
inline constexpr bit_field did{"DID", 16, 16, false, "device ID"};
inline constexpr bit_field rid{"RID", 32, 16, false, "revision ID"};
inline constexpr bit_field id_ext{"ID-EXT", 48, 16, false, "extended ID"};
}  // namespace didvid_field
inline constexpr bit_field didvid_fields[] = {didvid_field::vid, didvid_field::did, didvid_field::rid,
                                              didvid_field::id_ext};
inline constexpr register_info didvid_info{"TXT.DIDVID", config_reg::didvid, 64, didvid_fields, "SDG B.1.7"};

// The 32-bit address and size registers: bits 31:0 hold the value, 63:32 are reserved.
namespace low32_field {
inline constexpr bit_field base{"BASE", 0, 32, false, "physical address"};
inline constexpr bit_field size{"SIZE", 0, 32, false, "bytes"};
inline constexpr bit_field address{"ADDRESS", 0, 32, false, "physical address of the MLE JOIN structure"};
}  // namespace low32_field
inline constexpr bit_field base32_fields[] = {low32_field::base, reserved_bits(32, 32)};
inline constexpr bit_field size32_fields[] = {low32_field::size, reserved_bits(32, 32)};
inline constexpr bit_field join_fields[] = {low32_field::address, reserved_bits(32, 32)};
inline constexpr register_info sinit_base_info{"TXT.SINIT.BASE", config_reg::sinit_base, 64, base32_fields,
                                               "SDG B.1.10"};
inline constexpr register_info sinit_size_info{"TXT.SINIT.SIZE", config_reg::sinit_size, 64, size32_fields,
                                               "SDG B.1.11"};
inline constexpr register_info mle_join_info{"TXT.MLE.JOIN", config_reg::mle_join, 64, join_fields, "SDG B.1.12"};
inline constexpr register_info heap_base_info{"TXT.HEAP.BASE", config_reg::heap_base, 64, base32_fields,
                                              "SDG B.1.13"};
inline constexpr register_info heap_size_info{"TXT.HEAP.SIZE", config_reg::heap_size, 64, size32_fields,
                                              "SDG B.1.14"};
inline constexpr register_info mseg_base_info{"TXT.MSEG.BASE", config_reg::mseg_base, 64, base32_fields,
                                              "tboot config_regs.h (not in SDG-013)"};
inline constexpr register_info mseg_size_info{"TXT.MSEG.SIZE", config_reg::mseg_size, 64, size32_fields,
                                              "tboot config_regs.h (not in SDG-013)"};

// TXT.DPR, SDG B.1.15 and 1.11.1. Bits 3:1 are reserved here (the PCI-config copy of DPR has
// PRS and EPM there, coreboot).
namespace dpr_field {
inline constexpr bit_field lock{"LOCK", 0, 1, false, "bits 19:0 locked"};
inline constexpr bit_field size{"SIZE", 4, 8, false, "MiB protected below TOP; 0 = none"};
inline constexpr bit_field top{"TOP", 20, 12, false, "address bits 31:20 of the end of the range"};
}  // namespace dpr_field
inline constexpr bit_field dpr_fields[] = {
    dpr_field::lock, reserved_bits(1, 3), dpr_field::size, reserved_bits(12, 8), dpr_field::top, reserved_bits(32, 32),
};
inline constexpr register_info dpr_info{"TXT.DPR", config_reg::dpr, 64, dpr_fields, "SDG B.1.15"};

// TXT.PUBLIC.KEY, SDG B.1.20: the hash of the ACM signing key, 32 bytes at 0x400..0x41F, read
// as four 64-bit registers (byte i of the hash is byte i % 8 of register i / 8).
namespace public_key_field {
inline constexpr bit_field bytes{"HASH", 0, 64, false, "8 bytes of the key hash, little-endian"};
}  // namespace public_key_field
inline constexpr bit_field public_key_fields[] = {public_key_field::bytes};
inline constexpr register_info public_key_info[4] = {
    {"TXT.PUBLIC.KEY.0", config_reg::public_key + 0x00, 64, public_key_fields, "SDG B.1.20 (bytes 0-7)"},
    {"TXT.PUBLIC.KEY.1", config_reg::public_key + 0x08, 64, public_key_fields, "SDG B.1.20 (bytes 8-15)"},
    {"TXT.PUBLIC.KEY.2", config_reg::public_key + 0x10, 64, public_key_fields, "SDG B.1.20 (bytes 16-23)"},
    {"TXT.PUBLIC.KEY.3", config_reg::public_key + 0x18, 64, public_key_fields, "SDG B.1.20 (bytes 24-31)"},
};

// TXT.E2STS, SDG B.1.23. Real systems also read bit 2 (0x4) and tboot accepts bit 33; what they
// mean is UNVERIFIED, so they stay reserved here.
namespace e2sts_field {
inline constexpr bit_field secrets{"SECRETS.STS", 1, 1, false, "chipset believes secrets are in memory"};
}  // namespace e2sts_field
inline constexpr bit_field e2sts_fields[] = {reserved_bits(0, 1), e2sts_field::secrets, reserved_bits(2, 62)};
inline constexpr register_info e2sts_info{"TXT.E2STS", config_reg::e2sts, 64, e2sts_fields, "SDG B.1.23"};

// UNVERIFIED registers: coreboot (SDG 315168-016 and an Intel lab handout) and Linux name them;
// SDG-013 does not. Layouts as those sources give them.
namespace spad_field {
inline constexpr bit_field startup_success{"TXT_STARTUP_SUCCESS", 30, 1, false, "coreboot"};
inline constexpr bit_field bios_acm_error{"BIOS_ACM_ERROR", 31, 1, false,
                                          "coreboot: the error is in TXT.BIOSACM.ERRORCODE"};
inline constexpr bit_field mem_clear_power_down{"MEM_CLEAR_POWER_DOWN", 47, 1, false, "coreboot"};
inline constexpr bit_field bios_trusted{"BIOS_TRUSTED", 59, 1, false, "coreboot"};
inline constexpr bit_field txt_disabled{"TXT_DISABLED", 60, 1, false, "disabled by a FIT type 0xA record"};
inline constexpr bit_field bg_startup_error{"BG_STARTUP_ERROR", 61, 1, false, "CBnT platforms only"};
inline constexpr bit_field verification_error{"VERIFICATION_ERROR", 62, 1, false, "coreboot"};
inline constexpr bit_field ibb_measured{"IBB_MEASURED", 63, 1, false, "coreboot"};
}  // namespace spad_field
inline constexpr bit_field spad_fields[] = {
    reserved_bits(0, 30),          spad_field::startup_success, spad_field::bios_acm_error,
    reserved_bits(32, 15),         spad_field::mem_clear_power_down, reserved_bits(48, 11),
    spad_field::bios_trusted,      spad_field::txt_disabled,    spad_field::bg_startup_error,
    spad_field::verification_error, spad_field::ibb_measured,
};
inline constexpr register_info spad_info{"TXT.SPAD", config_reg::spad, 64, spad_fields,
                                         "coreboot txt_register.h (UNVERIFIED)"};

namespace biosacm_errorcode_field {
inline constexpr bit_field value{"VALUE", 0, 32, false, "coreboot decodes it like TXT.ERRORCODE"};
}  // namespace biosacm_errorcode_field
inline constexpr bit_field biosacm_errorcode_fields[] = {biosacm_errorcode_field::value, reserved_bits(32, 32)};
inline constexpr register_info biosacm_errorcode_info{"TXT.BIOSACM.ERRORCODE", config_reg::biosacm_errorcode, 64,
                                                      biosacm_errorcode_fields, "coreboot txt_register.h (UNVERIFIED)"};

namespace scratchpad_field {
inline constexpr bit_field value{"VALUE", 0, 64, false, "meaning not documented"};
}  // namespace scratchpad_field
inline constexpr bit_field scratchpad_fields[] = {scratchpad_field::value};
inline constexpr register_info scratchpad_info{"TXT.SCRATCHPAD", config_reg::scratchpad, 64, scratchpad_fields,
                                               "Linux Secure Launch txt.h (UNVERIFIED)"};

namespace sts_ftif_field {
inline constexpr bit_field tpm_location{"TPM_LOCATION", 16, 3, false, "1 LPC TPM, 5 SPI TPM, 7 PTT (coreboot)"};
}  // namespace sts_ftif_field
inline constexpr bit_field sts_ftif_fields[] = {reserved_bits(0, 16), sts_ftif_field::tpm_location,
                                                reserved_bits(19, 45)};
inline constexpr register_info sts_ftif_info{"TXT.STS_FTIF", config_reg::sts_ftif, 64, sts_ftif_fields,
                                             "coreboot txt_register.h (UNVERIFIED)"};

// ---------------------------------------------------------------------------------------------
// The register table: every register, ascending offset.

enum class reg_access : u8 { none, ro, rw, wo, unknown };
// Where the register is described: SDG-013; tboot/GRUB/coreboot agreeing (not in SDG-013); or a
// single source only (UNVERIFIED).
enum class reg_source : u8 { sdg, tools, unverified };

constexpr const char* name(reg_access a) {
    switch (a) {
        case reg_access::none: return "-";
        case reg_access::ro: return "RO";
        case reg_access::rw: return "RW";
        case reg_access::wo: return "WO";
        case reg_access::unknown: return "?";
    }
    return "?";
}

constexpr const char* name(reg_source s) {
    switch (s) {
        case reg_source::sdg: return "sdg";
        case reg_source::tools: return "tools";
        case reg_source::unverified: return "unverified";
    }
    return "unverified";
}

struct config_register {
    const char* name;   // "TXT.STS"
    const char* alias;  // another accepted name, or ""
    u32 offset;
    reg_access public_access;
    reg_access private_access;
    reg_source source;
    const register_info* info;  // field layout; nullptr for a write-only command register
    const char* note;           // what it is, in one line

    // Command registers are the write-only ones; they alone have no field layout (info is null).
    constexpr bool is_command() const { return private_access == reg_access::wo; }
};

inline constexpr config_register config_registers[] = {
    {"TXT.STS", "", config_reg::sts, reg_access::ro, reg_access::ro, reg_source::sdg, &sts_info,
     "launch status (SDG B.1.1)"},
    {"TXT.ESTS", "", config_reg::ests, reg_access::ro, reg_access::ro, reg_source::sdg, &ests_info,
     "error status; TXT_RESET.STS sticky until power cycle (SDG B.1.2)"},
    {"TXT.ERRORCODE", "", config_reg::errorcode, reg_access::ro, reg_access::rw, reg_source::sdg, &errorcode_reg_info,
     "last launch or MLE error (SDG B.1.3, App. I)"},
    {"TXT.CMD.RESET", "", config_reg::cmd_reset, reg_access::none, reg_access::wo, reg_source::sdg, nullptr,
     "write: system reset (SDG B.1.4)"},
    {"TXT.CMD.CLOSE-PRIVATE", "", config_reg::cmd_close_private, reg_access::none, reg_access::wo, reg_source::sdg,
     nullptr, "write: close the private space and locality 2; read E2STS after (SDG B.1.5)"},
    {"TXT.SPAD", "TXT.ACM.STATUS", config_reg::spad, reg_access::unknown, reg_access::unknown,
     reg_source::unverified, &spad_info, "BIOS ACM / Boot Guard status, coreboot only (UNVERIFIED)"},
    {"TXT.VER.FSBIF", "", config_reg::ver_fsbif, reg_access::ro, reg_access::ro, reg_source::sdg, &ver_fsbif_info,
     "chipset fusing; if bits 31:0 read 0 or 0xFFFFFFFF use TXT.VER.QPIIF (SDG B.1.6)"},
    {"TXT.DIDVID", "", config_reg::didvid, reg_access::ro, reg_access::ro, reg_source::sdg, &didvid_info,
     "chipset vendor, device and revision IDs (SDG B.1.7)"},
    {"TXT.VER.QPIIF", "TXT.VER.EMIF", config_reg::ver_qpiif, reg_access::ro, reg_access::ro, reg_source::sdg,
     &ver_qpiif_info, "chipset fusing on QPI/EMI platforms; coreboot reads it as TXT capabilities (SDG B.1.8)"},
    {"TXT.CMD.UNLOCK-MEM-CONFIG", "", config_reg::cmd_unlock_mem_config, reg_access::none, reg_access::wo,
     reg_source::sdg, nullptr, "write: unlock the memory configuration; read E2STS after (SDG B.1.9)"},
    {"TXT.SINIT.BASE", "", config_reg::sinit_base, reg_access::rw, reg_access::rw, reg_source::sdg,
     &sinit_base_info, "base of the BIOS-reserved SINIT region (SDG B.1.10)"},
    {"TXT.SINIT.SIZE", "", config_reg::sinit_size, reg_access::rw, reg_access::rw, reg_source::sdg,
     &sinit_size_info, "size of the SINIT region in bytes (SDG B.1.11)"},
    {"TXT.MLE.JOIN", "", config_reg::mle_join, reg_access::rw, reg_access::rw, reg_source::sdg, &mle_join_info,
     "address of the MLE JOIN structure for RLPs (SDG B.1.12)"},
    {"TXT.HEAP.BASE", "", config_reg::heap_base, reg_access::rw, reg_access::rw, reg_source::sdg, &heap_base_info,
     "base of the TXT heap (SDG B.1.13)"},
    {"TXT.HEAP.SIZE", "", config_reg::heap_size, reg_access::rw, reg_access::rw, reg_source::sdg, &heap_size_info,
     "size of the TXT heap in bytes (SDG B.1.14)"},
    {"TXT.MSEG.BASE", "", config_reg::mseg_base, reg_access::unknown, reg_access::unknown, reg_source::tools,
     &mseg_base_info, "STM MSEG base (tboot, GRUB, coreboot; not in SDG-013)"},
    {"TXT.MSEG.SIZE", "", config_reg::mseg_size, reg_access::unknown, reg_access::unknown, reg_source::tools,
     &mseg_size_info, "STM MSEG size (tboot, GRUB, coreboot; not in SDG-013)"},
    {"TXT.BIOSACM.ERRORCODE", "", config_reg::biosacm_errorcode, reg_access::unknown, reg_access::unknown,
     reg_source::unverified, &biosacm_errorcode_info, "BIOS ACM error code, coreboot only (UNVERIFIED)"},
    {"TXT.DPR", "", config_reg::dpr, reg_access::rw, reg_access::rw, reg_source::sdg, &dpr_info,
     "DMA protected range covering heap and SINIT region (SDG B.1.15)"},
    {"TXT.SCRATCHPAD", "", config_reg::scratchpad, reg_access::unknown, reg_access::unknown, reg_source::unverified,
     &scratchpad_info, "defined by Linux Secure Launch, unused (UNVERIFIED)"},
    {"TXT.CMD.OPEN.LOCALITY1", "", config_reg::cmd_open_locality1, reg_access::none, reg_access::wo,
     reg_source::sdg, nullptr, "write: open TPM locality 1; not done by SENTER (SDG B.1.16)"},
    {"TXT.CMD.CLOSE.LOCALITY1", "", config_reg::cmd_close_locality1, reg_access::none, reg_access::wo,
     reg_source::sdg, nullptr, "write: close TPM locality 1 (SDG B.1.17)"},
    {"TXT.CMD.OPEN.LOCALITY2", "", config_reg::cmd_open_locality2, reg_access::none, reg_access::wo,
     reg_source::sdg, nullptr, "write: open TPM locality 2; SENTER opens it (SDG B.1.18)"},
    {"TXT.CMD.CLOSE.LOCALITY2", "", config_reg::cmd_close_locality2, reg_access::none, reg_access::wo,
     reg_source::sdg, nullptr, "write: close TPM locality 2; SEXIT closes it too (SDG B.1.19)"},
    {"TXT.PUBLIC.KEY.0", "TXT.PUBLIC.KEY", config_reg::public_key + 0x00, reg_access::ro, reg_access::ro,
     reg_source::sdg, &public_key_info[0], "ACM signing key hash, bytes 0-7 (SDG B.1.20)"},
    {"TXT.PUBLIC.KEY.1", "", config_reg::public_key + 0x08, reg_access::ro, reg_access::ro, reg_source::sdg,
     &public_key_info[1], "ACM signing key hash, bytes 8-15 (SDG B.1.20)"},
    {"TXT.PUBLIC.KEY.2", "", config_reg::public_key + 0x10, reg_access::ro, reg_access::ro, reg_source::sdg,
     &public_key_info[2], "ACM signing key hash, bytes 16-23 (SDG B.1.20)"},
    {"TXT.PUBLIC.KEY.3", "", config_reg::public_key + 0x18, reg_access::ro, reg_access::ro, reg_source::sdg,
     &public_key_info[3], "ACM signing key hash, bytes 24-31 (SDG B.1.20)"},
    {"TXT.STS_FTIF", "", config_reg::sts_ftif, reg_access::unknown, reg_access::unknown, reg_source::unverified,
     &sts_ftif_info, "TPM interface location, coreboot only (UNVERIFIED)"},
    {"TXT.CMD.SECRETS", "", config_reg::cmd_secrets, reg_access::none, reg_access::wo, reg_source::sdg, nullptr,
     "write: secrets are in memory (sets E2STS.SECRETS.STS) (SDG B.1.21)"},
    {"TXT.CMD.NO-SECRETS", "", config_reg::cmd_no_secrets, reg_access::none, reg_access::wo, reg_source::sdg,
     nullptr, "write: no secrets in memory any more (SDG B.1.22)"},
    {"TXT.E2STS", "", config_reg::e2sts, reg_access::ro, reg_access::rw, reg_source::sdg, &e2sts_info,
     "extended status: SECRETS.STS (SDG B.1.23)"},
};

inline constexpr std::size_t config_register_count = sizeof(config_registers) / sizeof(config_registers[0]);

// Index of the register at `offset` in config_registers, or config_register_count.
constexpr std::size_t config_register_index(u32 offset) {
    for (std::size_t i = 0; i < config_register_count; ++i)
        if (config_registers[i].offset == offset) return i;
    return config_register_count;
}

constexpr const config_register* find_config_register(u32 offset) {
    const std::size_t i = config_register_index(offset);
    return i < config_register_count ? &config_registers[i] : nullptr;
}

namespace registers_detail {
// Names compare case-insensitively with '.', '-' and '_' all equal.
constexpr char name_char(char c) {
    if (c >= 'a' && c <= 'z') return static_cast<char>(c - 'a' + 'A');
    if (c == '-' || c == '_') return '.';
    return c;
}
constexpr bool has_prefix(const char* s, std::size_t n, const char* prefix) {
    std::size_t i = 0;
    for (; prefix[i]; ++i)
        if (i >= n || name_char(s[i]) != prefix[i]) return false;
    return true;
}
constexpr std::size_t length(const char* s) {
    std::size_t n = 0;
    while (s[n]) ++n;
    return n;
}
// `s` (n chars, without any "TXT." prefix) equals `table_name` minus its "TXT." prefix.
constexpr bool same_name(const char* s, std::size_t n, const char* table_name) {
    if (!*table_name) return false;
    const char* t = table_name + 4;  // every table name starts with "TXT."
    if (length(t) != n) return false;
    for (std::size_t i = 0; i < n; ++i)
        if (name_char(s[i]) != name_char(t[i])) return false;
    return true;
}
}  // namespace registers_detail

// The register called `name` (`length` chars): "TXT.STS", "sts", "TXT_CR_STS" (Linux),
// "TXTCR_STS" (tboot), "txt.ver.emif" (alias). nullptr when unknown.
// Lookups return an index (config_register_count when absent) as well as a pointer: code that
// runs in constant evaluation uses the index (g++ with -fsanitize=undefined cannot compare a
// pointer into a constexpr table with nullptr there).
constexpr std::size_t config_register_index(const char* name, std::size_t length) {
    if (!name) return config_register_count;
    if (registers_detail::has_prefix(name, length, "TXTCR.")) {
        name += 6;
        length -= 6;
    } else if (registers_detail::has_prefix(name, length, "TXT.")) {
        name += 4;
        length -= 4;
        if (registers_detail::has_prefix(name, length, "CR.")) {
            name += 3;
            length -= 3;
        }
    }
    for (std::size_t i = 0; i < config_register_count; ++i)
        if (registers_detail::same_name(name, length, config_registers[i].name) ||
            registers_detail::same_name(name, length, config_registers[i].alias))
            return i;
    return config_register_count;
}
constexpr const config_register* find_config_register(const char* name, std::size_t length) {
    const std::size_t i = config_register_index(name, length);
    return i < config_register_count ? config_registers + i : nullptr;
}
constexpr const config_register* find_config_register(const char* name) {
    return name ? find_config_register(name, registers_detail::length(name)) : nullptr;
}

// A key of a register dump: a register name (as find_config_register takes it) or an offset
// written "0x…" (a command register is returned too; the caller decides what to do with it).
constexpr std::size_t config_register_key_index(const char* key, std::size_t length) {
    if (key && length > 2 && key[0] == '0' && (key[1] == 'x' || key[1] == 'X')) {
        u64 offset = 0;
        if (!parse_unsigned(key, length, offset) || offset >= config_space_size) return config_register_count;
        return config_register_index(static_cast<u32>(offset));
    }
    return config_register_index(key, length);
}
constexpr const config_register* find_config_register_key(const char* key, std::size_t length) {
    const std::size_t i = config_register_key_index(key, length);
    return i < config_register_count ? config_registers + i : nullptr;
}

// The 32 bytes of TXT.PUBLIC.KEY from 64 hex digits in address order, as txt-stat prints them;
// an optional "0x" in front, and ' ', ':' or '-' between bytes, are accepted.
constexpr bool parse_public_key_text(const char* s, std::size_t n, u8 (&out)[public_key_size]) {
    if (!s) return false;
    std::size_t i = 0;
    if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) i = 2;
    u8 bytes[public_key_size]{};
    std::size_t digits = 0;
    for (; i < n; ++i) {
        const char c = s[i];
        u8 d = 0;
        if (c >= '0' && c <= '9') d = static_cast<u8>(c - '0');
        else if (c >= 'a' && c <= 'f') d = static_cast<u8>(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') d = static_cast<u8>(c - 'A' + 10);
        else if ((c == ' ' || c == ':' || c == '-') && digits % 2 == 0 && digits != 0) continue;
        else return false;
        if (digits == 2 * public_key_size) return false;
        bytes[digits / 2] = static_cast<u8>((bytes[digits / 2] << 4) | d);
        ++digits;
    }
    if (digits != 2 * public_key_size) return false;
    for (std::size_t k = 0; k < public_key_size; ++k) out[k] = bytes[k];
    return true;
}

// ---------------------------------------------------------------------------------------------
// Typed register values: accessors read through the field constants above.

struct sts_reg {
    u64 raw = 0;
    constexpr bool senter_done() const { return sts_field::senter_done.test(raw); }
    constexpr bool sexit_done() const { return sts_field::sexit_done.test(raw); }
    constexpr bool mem_config_lock() const { return sts_field::mem_config_lock.test(raw); }
    constexpr bool private_open() const { return sts_field::private_open.test(raw); }
    constexpr bool locality1_open() const { return sts_field::locality1_open.test(raw); }
    constexpr bool locality2_open() const { return sts_field::locality2_open.test(raw); }
    friend constexpr bool operator==(const sts_reg&, const sts_reg&) = default;
};

struct ests_reg {
    u64 raw = 0;
    constexpr bool txt_reset() const { return ests_field::txt_reset.test(raw); }
    constexpr bool wake_error() const { return ests_field::wake_error.test(raw); }
    friend constexpr bool operator==(const ests_reg&, const ests_reg&) = default;
};

struct errorcode_reg {
    u64 raw = 0;
    constexpr bool valid() const { return errorcode_field::valid.test(raw); }
    constexpr bool external() const { return errorcode_field::external.test(raw); }
    constexpr u32 type() const { return static_cast<u32>(errorcode_reg_field::type.get(raw)); }
    constexpr decoded_errorcode decode() const { return decode_errorcode(raw); }
    friend constexpr bool operator==(const errorcode_reg&, const errorcode_reg&) = default;
};

struct ver_reg {
    u64 raw = 0;
    // DEBUG.FUSE: 1 means production fused (the name is the SDG's).
    constexpr bool production_fused() const { return ver_field::debug_fuse.test(raw); }
    friend constexpr bool operator==(const ver_reg&, const ver_reg&) = default;
};

struct didvid_reg {
    u64 raw = 0;
    constexpr u16 vendor_id() const { return static_cast<u16>(didvid_field::vid.get(raw)); }
    constexpr u16 device_id() const { return static_cast<u16>(didvid_field::did.get(raw)); }
    constexpr u16 revision_id() const { return static_cast<u16>(didvid_field::rid.get(raw)); }
    constexpr u16 id_ext() const { return static_cast<u16>(didvid_field::id_ext.get(raw)); }
    friend constexpr bool operator==(const didvid_reg&, const didvid_reg&) = default;
};

inline constexpr u16 intel_vendor_id = 0x8086;

// SINIT.BASE/SIZE, HEAP.BASE/SIZE, MSEG.BASE/SIZE, MLE.JOIN: bits 31:0.
struct low32_reg {
    u64 raw = 0;
    constexpr u32 value() const { return static_cast<u32>(low32_field::base.get(raw)); }
    constexpr bool upper_bits_set() const { return (raw >> 32) != 0; }
    friend constexpr bool operator==(const low32_reg&, const low32_reg&) = default;
};

struct e2sts_reg {
    u64 raw = 0;
    constexpr bool secrets() const { return e2sts_field::secrets.test(raw); }
    friend constexpr bool operator==(const e2sts_reg&, const e2sts_reg&) = default;
};

inline constexpr u64 mib = u64{1} << 20;

// TXT.DPR: the protected range is [TOP - SIZE MiB, TOP) with TOP = value & 0xFFF00000.
struct dpr_reg {
    u64 raw = 0;
    constexpr bool locked() const { return dpr_field::lock.test(raw); }
    constexpr u32 size_mib() const { return static_cast<u32>(dpr_field::size.get(raw)); }
    constexpr u64 size_bytes() const { return u64{size_mib()} << 20; }
    constexpr u64 top() const { return dpr_field::top.get(raw) << 20; }
    // The protected range; empty when SIZE is 0 or larger than TOP (see decode_dpr).
    constexpr range protected_range() const {
        if (size_mib() == 0 || size_bytes() > top()) return range{};
        return range{top() - size_bytes(), size_bytes()};
    }
    friend constexpr bool operator==(const dpr_reg&, const dpr_reg&) = default;
};

// The DPR range, or why there is none: TXT-R15 (SIZE 0) or TXT-R16 (SIZE above TOP).
constexpr slrt::result<range> decode_dpr(u64 raw) {
    const dpr_reg d{raw};
    if (d.size_mib() == 0)
        return slrt::error{slrt::errc::not_found, config_reg::dpr, slrt::no_entry, "TXT.DPR.SIZE", "TXT-R15",
                           "DPR size is 0: no DMA-protected range covers the heap and SINIT region", 0, 1};
    if (d.size_bytes() > d.top())
        return slrt::error{slrt::errc::address_wrap, config_reg::dpr, slrt::no_entry, "TXT.DPR.SIZE", "TXT-R16",
                           "DPR size (bytes) is larger than its top address: the range would start below 0",
                           d.size_bytes(), d.top()};
    return d.protected_range();
}

// ---------------------------------------------------------------------------------------------
// Chipset fusing (SDG B.1.6, B.1.8; tboot acmod.c does_acmod_match_platform).
// Read TXT.VER.FSBIF; when its bits 31:0 read 0 or 0xFFFFFFFF the chipset has no FSB interface
// and TXT.VER.QPIIF holds the fuse bit instead. The SDG phrases this as a 4-byte read of FSBIF;
// tboot reads all 64 bits and compares the low 32, which is the same test. Neither checks
// QPIIF; here a QPIIF that reads all ones (bits 31:0) is reported as unknown rather than as
// production fused, and a missing QPIIF value as unknown.

enum class fuse_state : u8 { production, debug, unknown };

constexpr const char* name(fuse_state s) {
    switch (s) {
        case fuse_state::production: return "production";
        case fuse_state::debug: return "debug";
        case fuse_state::unknown: return "unknown";
    }
    return "unknown";
}

struct fuse_reading {
    fuse_state state = fuse_state::unknown;
    u32 offset = 0;  // the register whose bit 31 decided: 0x100 or 0x200 (0 when unknown)
    friend constexpr bool operator==(const fuse_reading&, const fuse_reading&) = default;
};

constexpr bool fsbif_usable(u64 ver_fsbif) {
    const u32 low = static_cast<u32>(ver_fsbif & 0xFFFFFFFFu);
    return low != 0 && low != 0xFFFFFFFFu;
}

constexpr fuse_reading chipset_fusing(u64 ver_fsbif, bool qpiif_present, u64 ver_qpiif) {
    if (fsbif_usable(ver_fsbif))
        return {ver_reg{ver_fsbif}.production_fused() ? fuse_state::production : fuse_state::debug,
                config_reg::ver_fsbif};
    if (!qpiif_present || static_cast<u32>(ver_qpiif & 0xFFFFFFFFu) == 0xFFFFFFFFu) return {};
    return {ver_reg{ver_qpiif}.production_fused() ? fuse_state::production : fuse_state::debug, config_reg::ver_qpiif};
}

// ---------------------------------------------------------------------------------------------
// A snapshot: the register values a caller read (from hardware, a dump file or a model), each
// with a presence flag. Command registers cannot hold a value.

enum class launch_phase : u8 {
    unknown,        // decided by check_registers from TXT.STS.SENTER.DONE
    before_launch,  // a launcher about to run GETSEC[SENTER]
    after_launch,   // the MLE, or a tool on the launched system
};

constexpr const char* name(launch_phase p) {
    switch (p) {
        case launch_phase::unknown: return "unknown";
        case launch_phase::before_launch: return "before_launch";
        case launch_phase::after_launch: return "after_launch";
    }
    return "unknown";
}

struct register_snapshot {
    u64 values[config_register_count]{};
    bool present[config_register_count]{};
    launch_phase phase = launch_phase::unknown;

    // Records `value` for the register at `offset`; false for an unknown offset or a command
    // register (nothing recorded).
    constexpr bool set(u32 offset, u64 value) {
        const std::size_t i = config_register_index(offset);
        if (i == config_register_count || config_registers[i].is_command()) return false;
        values[i] = value;
        present[i] = true;
        return true;
    }
    constexpr bool has(u32 offset) const {
        const std::size_t i = config_register_index(offset);
        return i < config_register_count && present[i];
    }
    // The value, 0 when absent.
    constexpr u64 get(u32 offset) const {
        const std::size_t i = config_register_index(offset);
        return i < config_register_count && present[i] ? values[i] : 0;
    }
    constexpr bool has_public_key() const {
        for (u32 k = 0; k < 4; ++k)
            if (!has(config_reg::public_key + 8 * k)) return false;
        return true;
    }
    // The 32 key-hash bytes in address order (zeros where a register is absent).
    constexpr void public_key(u8 (&out)[public_key_size]) const {
        for (u32 i = 0; i < public_key_size; ++i)
            out[i] = static_cast<u8>(get(config_reg::public_key + 8 * (i >> 3)) >> (8 * (i & 7)));
    }
    // Sets the four key registers from 32 bytes in address order.
    constexpr void set_public_key(const u8 (&bytes)[public_key_size]) {
        for (u32 k = 0; k < 4; ++k) {
            u64 v = 0;
            for (u32 b = 0; b < 8; ++b) v |= u64{bytes[8 * k + b]} << (8 * b);
            set(config_reg::public_key + 8 * k, v);
        }
    }
    friend constexpr bool operator==(const register_snapshot&, const register_snapshot&) = default;
};

// ---------------------------------------------------------------------------------------------
// Register dumps: a JSON object (or any list of pairs) whose keys name registers — by name as
// find_config_register takes it, or by offset "0x…" — and whose values are numbers, "0x…"
// strings, or for TXT.PUBLIC.KEY the 32 hash bytes as 64 hex digits. Each pair goes through one
// of the two setters below; `index` is the pair's position, reported as entry_index.
//   TXT-R22 not_found        the key names no register
//   TXT-R23 bad_argument     the key names a write-only command register
//   TXT-R24 bad_argument     the value is neither a number nor "0x" and 1..16 hex digits
//                            (nor 64 hex digits for TXT.PUBLIC.KEY)
//   TXT-R25 duplicate_entry  the register was already given (by another name or its offset)

namespace registers_detail {
constexpr slrt::status dump_register(const char* key, std::size_t key_length, u32 index, std::size_t& out) {
    const std::size_t i = config_register_key_index(key, key_length);
    if (i == config_register_count)
        return slrt::error{slrt::errc::not_found, 0, index, "dump key", "TXT-R22",
                           "the key is not a TXT register name or offset", 0, 0};
    if (config_registers[i].is_command())
        return slrt::error{slrt::errc::bad_argument, config_registers[i].offset, index, "dump key", "TXT-R23",
                           "the key names a write-only command register, which has no value", 0, 0};
    out = i;
    return slrt::success;
}
constexpr slrt::error dump_duplicate(u32 offset, u32 index) {
    return slrt::error{slrt::errc::duplicate_entry, offset, index, "dump key", "TXT-R25",
                       "the register is given twice (by name and offset, or two names)", 0, 0};
}
}  // namespace registers_detail

constexpr slrt::status set_dump_value(register_snapshot& s, u32 index, const char* key, std::size_t key_length,
                                      u64 value) {
    std::size_t i = 0;
    if (const slrt::status st = registers_detail::dump_register(key, key_length, index, i); !st) return st;
    const config_register& reg = config_registers[i];
    if (s.has(reg.offset)) return registers_detail::dump_duplicate(reg.offset, index);
    s.set(reg.offset, value);
    return slrt::success;
}

constexpr slrt::status set_dump_text(register_snapshot& s, u32 index, const char* key, std::size_t key_length,
                                     const char* text, std::size_t text_length) {
    std::size_t i = 0;
    if (const slrt::status st = registers_detail::dump_register(key, key_length, index, i); !st) return st;
    const config_register& reg = config_registers[i];
    const bool hex = text && text_length > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
    u64 value = 0;
    if (hex && parse_unsigned(text, text_length, value)) {
        if (s.has(reg.offset)) return registers_detail::dump_duplicate(reg.offset, index);
        s.set(reg.offset, value);
        return slrt::success;
    }
    u8 key_hash[public_key_size]{};
    if (reg.offset == config_reg::public_key && parse_public_key_text(text, text_length, key_hash)) {
        for (u32 k = 0; k < 4; ++k)
            if (s.has(config_reg::public_key + 8 * k)) return registers_detail::dump_duplicate(config_reg::public_key + 8 * k, index);
        s.set_public_key(key_hash);
        return slrt::success;
    }
    return slrt::error{slrt::errc::bad_argument, reg.offset, index, "dump value", "TXT-R24",
                       reg.offset == config_reg::public_key
                           ? "the value is not a number, \"0x\" and 1 to 16 hex digits, or 64 hex digits of key hash"
                           : "the value is not a number or \"0x\" followed by 1 to 16 hex digits",
                       0, 0};
}

constexpr fuse_reading chipset_fusing(const register_snapshot& s) {
    if (!s.has(config_reg::ver_fsbif)) {
        if (!s.has(config_reg::ver_qpiif)) return {};
        return chipset_fusing(0, true, s.get(config_reg::ver_qpiif));
    }
    return chipset_fusing(s.get(config_reg::ver_fsbif), s.has(config_reg::ver_qpiif), s.get(config_reg::ver_qpiif));
}

// ---------------------------------------------------------------------------------------------
// check_registers: what the snapshot says is wrong. Pure; every rule whose registers are present
// is evaluated once (rules_checked bit n = TXT-R<n>). Rules (spec/txt/registers.md):
//   TXT-R1  failure  launch_requirement  ESTS.TXT_RESET.STS set
//   TXT-R2  failure  launch_requirement  ERRORCODE records an error (note when VALID is clear)
//   TXT-R3  failure  launch_requirement  after launch: STS.SENTER.DONE clear
//   TXT-R4  failure  launch_requirement  after launch: STS.SEXIT.DONE set
//   TXT-R5  failure  launch_requirement  before launch: STS.SENTER.DONE set (still launched)
//   TXT-R6  warning  launch_requirement  before launch: STS.SEXIT.DONE clear
//   TXT-R7  failure  platform_mismatch   DIDVID.VID is not 0x8086
//   TXT-R8  failure  not_found           HEAP.BASE or HEAP.SIZE is 0
//   TXT-R9  failure  misaligned          HEAP.BASE not 4 KiB aligned
//   TXT-R10 failure  out_of_bounds       heap not below 4 GiB
//   TXT-R11 failure  not_found           SINIT.BASE or SINIT.SIZE is 0
//   TXT-R12 failure  misaligned          SINIT.BASE or SINIT.SIZE not a multiple of 4 KiB
//   TXT-R13 failure  out_of_bounds       SINIT region not below 4 GiB
//   TXT-R14 failure  overlap             heap and SINIT region overlap
//   TXT-R15 failure  not_found           DPR.SIZE is 0
//   TXT-R16 failure  address_wrap        DPR size larger than DPR top
//   TXT-R17 failure  launch_requirement  DPR.LOCK clear
//   TXT-R18 failure  out_of_bounds       DPR does not cover the heap
//   TXT-R19 failure  out_of_bounds       DPR does not cover the SINIT region
//   TXT-R20 warning  reserved_nonzero    bits 63:32 set in a 32-bit address/size register or DPR
//   TXT-R21 warning  platform_mismatch   chipset is debug fused

enum class finding_severity : u8 { failure, warning, note };

constexpr const char* name(finding_severity s) {
    switch (s) {
        case finding_severity::failure: return "failure";
        case finding_severity::warning: return "warning";
        case finding_severity::note: return "note";
    }
    return "failure";
}

struct register_finding {
    finding_severity severity = finding_severity::failure;
    slrt::error error{};  // offset = register offset; field = "TXT.<register>.<field>"
    friend constexpr bool operator==(const register_finding& a, const register_finding& b) {
        return a.severity == b.severity && a.error.code == b.error.code && a.error.offset == b.error.offset &&
               a.error.value == b.error.value && a.error.limit == b.error.limit &&
               detail_same(a.error.rule, b.error.rule);
    }

private:
    static constexpr bool detail_same(const char* a, const char* b) {
        if (!a || !b) return a == b;
        for (; *a && *a == *b; ++a, ++b) {
        }
        return *a == *b;
    }
};

inline constexpr std::size_t max_register_findings = 32;
inline constexpr u32 register_rule_count = 21;

struct register_report {
    register_finding findings[max_register_findings]{};
    std::size_t count = 0;
    launch_phase phase = launch_phase::unknown;  // the phase the checks used
    u32 rules_checked = 0;                       // bit n set: TXT-R<n> was evaluated

    constexpr const register_finding* begin() const { return findings; }
    constexpr const register_finding* end() const { return findings + count; }
    constexpr bool has_failure() const {
        for (const register_finding& f : *this)
            if (f.severity == finding_severity::failure) return true;
        return false;
    }
    constexpr std::size_t failures() const {
        std::size_t n = 0;
        for (const register_finding& f : *this) n += f.severity == finding_severity::failure ? 1u : 0u;
        return n;
    }
    // Index of the first finding of rule TXT-R<number>, or count.
    constexpr std::size_t find_index(u32 number) const {
        for (std::size_t i = 0; i < count; ++i) {
            const char* r = findings[i].error.rule;
            if (!r || r[0] != 'T' || r[1] != 'X' || r[2] != 'T' || r[3] != '-' || r[4] != 'R') continue;
            u32 n = 0;
            for (r += 5; *r >= '0' && *r <= '9' && n < 1000; ++r) n = n * 10 + static_cast<u32>(*r - '0');
            if (n == number) return i;
        }
        return count;
    }
    constexpr const register_finding* find(u32 number) const {
        const std::size_t i = find_index(number);
        return i < count ? findings + i : nullptr;
    }
    constexpr bool checked(u32 number) const { return number < 32 && ((rules_checked >> number) & 1u) != 0; }
};

namespace registers_detail {
inline constexpr const char* register_rule_ids[register_rule_count + 1] = {
    "",        "TXT-R1",  "TXT-R2",  "TXT-R3",  "TXT-R4",  "TXT-R5",  "TXT-R6",  "TXT-R7",
    "TXT-R8",  "TXT-R9",  "TXT-R10", "TXT-R11", "TXT-R12", "TXT-R13", "TXT-R14", "TXT-R15",
    "TXT-R16", "TXT-R17", "TXT-R18", "TXT-R19", "TXT-R20", "TXT-R21",
};

constexpr void add_finding(register_report& r, u32 rule, finding_severity sev, slrt::errc code, u32 offset,
                           const char* field, const char* message, u64 value, u64 limit) {
    if (r.count == max_register_findings) return;
    r.findings[r.count++] = register_finding{
        sev, slrt::error{code, offset, slrt::no_entry, field, register_rule_ids[rule], message, value, limit}};
}
}  // namespace registers_detail

constexpr register_report check_registers(const register_snapshot& s) {
    using registers_detail::add_finding;
    namespace cr = config_reg;
    register_report r;
    const auto mark = [&r](u32 rule) { r.rules_checked |= u32{1} << rule; };
    constexpr finding_severity failure = finding_severity::failure;
    constexpr finding_severity warning = finding_severity::warning;

    // The phase: given, or read from TXT.STS.SENTER.DONE.
    r.phase = s.phase;
    if (r.phase == launch_phase::unknown && s.has(cr::sts))
        r.phase = sts_reg{s.get(cr::sts)}.senter_done() ? launch_phase::after_launch : launch_phase::before_launch;

    if (s.has(cr::ests)) {
        mark(1);
        const ests_reg e{s.get(cr::ests)};
        if (e.txt_reset())
            add_finding(r, 1, failure, errc::launch_requirement, cr::ests, "TXT.ESTS.TXT_RESET.STS",
                        "TXT_RESET.STS is set: GETSEC[SENTER] fails until the platform is power cycled", 1, 0);
    }
    if (s.has(cr::errorcode)) {
        mark(2);
        const decoded_errorcode d = decode_errorcode(s.get(cr::errorcode));
        if (d.is_error())
            add_finding(r, 2, failure, errc::launch_requirement, cr::errorcode, "TXT.ERRORCODE",
                        "TXT.ERRORCODE records a failed launch or an MLE reset (see its decode)", d.value,
                        errorcode_sinit_success);
        else if (d.status == errorcode_status::no_error && d.value != 0)
            add_finding(r, 2, finding_severity::note, errc::launch_requirement, cr::errorcode, "TXT.ERRORCODE.VALID",
                        "TXT.ERRORCODE has bits set but VALID is clear: no report", d.value, 0);
    }
    if (s.has(cr::sts)) {
        const sts_reg st{s.get(cr::sts)};
        if (r.phase == launch_phase::after_launch) {
            mark(3);
            mark(4);
            if (!st.senter_done())
                add_finding(r, 3, failure, errc::launch_requirement, cr::sts, "TXT.STS.SENTER.DONE.STS",
                            "after a launch SENTER.DONE.STS must be set: the measured launch did not complete", 0, 1);
            if (st.sexit_done())
                add_finding(r, 4, failure, errc::launch_requirement, cr::sts, "TXT.STS.SEXIT.DONE.STS",
                            "after a launch SEXIT.DONE.STS must be clear: the environment was torn down (SEXIT)", 1,
                            0);
        } else if (r.phase == launch_phase::before_launch) {
            mark(5);
            mark(6);
            if (st.senter_done())
                add_finding(r, 5, failure, errc::launch_requirement, cr::sts, "TXT.STS.SENTER.DONE.STS",
                            "SENTER.DONE.STS is set: a measured environment is still running; GETSEC[SEXIT] first",
                            1, 0);
            if (!st.sexit_done())
                add_finding(r, 6, warning, errc::launch_requirement, cr::sts, "TXT.STS.SEXIT.DONE.STS",
                            "SEXIT.DONE.STS is clear before a launch: some thread is still joined", 0, 1);
        }
    }
    if (s.has(cr::didvid)) {
        mark(7);
        const didvid_reg id{s.get(cr::didvid)};
        if (id.vendor_id() != intel_vendor_id)
            add_finding(r, 7, failure, errc::platform_mismatch, cr::didvid, "TXT.DIDVID.VID",
                        id.raw == ~u64{0} ? "TXT.DIDVID reads all ones: the TXT register space is not decoded"
                                          : "TXT.DIDVID vendor is not Intel (0x8086): not a TXT chipset",
                        id.vendor_id(), intel_vendor_id);
    }

    // Heap and SINIT region: bits 31:0 of each register.
    const bool heap_known = s.has(cr::heap_base) && s.has(cr::heap_size);
    const bool sinit_known = s.has(cr::sinit_base) && s.has(cr::sinit_size);
    const range heap{low32_reg{s.get(cr::heap_base)}.value(), low32_reg{s.get(cr::heap_size)}.value()};
    const range sinit{low32_reg{s.get(cr::sinit_base)}.value(), low32_reg{s.get(cr::sinit_size)}.value()};
    constexpr u64 page_mask = 0xFFF;
    if (heap_known) {
        mark(8);
        mark(9);
        mark(10);
        if (heap.base == 0)
            add_finding(r, 8, failure, errc::not_found, cr::heap_base, "TXT.HEAP.BASE",
                        "TXT.HEAP.BASE is 0: the firmware reserved no TXT heap (TXT disabled?)", 0, 1);
        else if (heap.size == 0)
            add_finding(r, 8, failure, errc::not_found, cr::heap_size, "TXT.HEAP.SIZE",
                        "TXT.HEAP.SIZE is 0: the firmware reserved no TXT heap (TXT disabled?)", 0, 1);
        if ((heap.base & page_mask) != 0)
            add_finding(r, 9, failure, errc::misaligned, cr::heap_base, "TXT.HEAP.BASE",
                        "TXT.HEAP.BASE is not 4 KiB aligned", heap.base, 0x1000);
        if (!heap.below(four_gib))
            add_finding(r, 10, failure, errc::out_of_bounds, cr::heap_size, "TXT.HEAP.SIZE",
                        "the TXT heap (HEAP.BASE + HEAP.SIZE) ends above 4 GiB", heap.end(), four_gib);
    }
    if (sinit_known) {
        mark(11);
        mark(12);
        mark(13);
        if (sinit.base == 0)
            add_finding(r, 11, failure, errc::not_found, cr::sinit_base, "TXT.SINIT.BASE",
                        "TXT.SINIT.BASE is 0: the firmware reserved no SINIT region", 0, 1);
        else if (sinit.size == 0)
            add_finding(r, 11, failure, errc::not_found, cr::sinit_size, "TXT.SINIT.SIZE",
                        "TXT.SINIT.SIZE is 0: the firmware reserved no SINIT region", 0, 1);
        if ((sinit.base & page_mask) != 0)
            add_finding(r, 12, failure, errc::misaligned, cr::sinit_base, "TXT.SINIT.BASE",
                        "TXT.SINIT.BASE is not 4 KiB aligned (the ACM must start on a page)", sinit.base, 0x1000);
        else if ((sinit.size & page_mask) != 0)
            add_finding(r, 12, failure, errc::misaligned, cr::sinit_size, "TXT.SINIT.SIZE",
                        "TXT.SINIT.SIZE is not a multiple of 4 KiB", sinit.size, 0x1000);
        if (!sinit.below(four_gib))
            add_finding(r, 13, failure, errc::out_of_bounds, cr::sinit_size, "TXT.SINIT.SIZE",
                        "the SINIT region (SINIT.BASE + SINIT.SIZE) ends above 4 GiB", sinit.end(), four_gib);
    }
    if (heap_known && sinit_known) {
        mark(14);
        if (heap.overlaps(sinit))
            add_finding(r, 14, failure, errc::overlap, cr::sinit_base, "TXT.SINIT.BASE",
                        "the SINIT region overlaps the TXT heap", sinit.base, heap.base);
    }

    if (s.has(cr::dpr)) {
        const dpr_reg d{s.get(cr::dpr)};
        mark(15);
        mark(16);
        mark(17);
        const slrt::result<range> dr = decode_dpr(d.raw);
        if (!dr) {
            const slrt::error& e = dr.err();
            add_finding(r, e.code == errc::not_found ? 15u : 16u, failure, e.code, e.offset, e.field, e.message,
                        e.value, e.limit);
        }
        if (!d.locked())
            add_finding(r, 17, failure, errc::launch_requirement, cr::dpr, "TXT.DPR.LOCK",
                        "TXT.DPR is not locked: its range can still be changed", 0, 1);
        if (dr) {
            const range protect = *dr;
            if (heap_known && !heap.empty()) {
                mark(18);
                if (!protect.contains(heap))
                    add_finding(r, 18, failure, errc::out_of_bounds, cr::dpr, "TXT.DPR",
                                "the DPR range does not cover the TXT heap", heap.base, protect.base);
            }
            if (sinit_known && !sinit.empty()) {
                mark(19);
                if (!protect.contains(sinit))
                    add_finding(r, 19, failure, errc::out_of_bounds, cr::dpr, "TXT.DPR",
                                "the DPR range does not cover the SINIT region", sinit.base, protect.base);
            }
        }
    }

    // Reserved upper halves of the 32-bit registers (and of DPR).
    {
        struct upper {
            u32 offset;
            const char* field;
        };
        constexpr upper checked_upper[] = {
            {cr::sinit_base, "TXT.SINIT.BASE"}, {cr::sinit_size, "TXT.SINIT.SIZE"}, {cr::mle_join, "TXT.MLE.JOIN"},
            {cr::heap_base, "TXT.HEAP.BASE"},   {cr::heap_size, "TXT.HEAP.SIZE"},   {cr::dpr, "TXT.DPR"},
        };
        for (const upper& u : checked_upper) {
            if (!s.has(u.offset)) continue;
            mark(20);
            const u64 v = s.get(u.offset);
            if ((v >> 32) != 0)
                add_finding(r, 20, warning, errc::reserved_nonzero, u.offset, u.field,
                            "bits 63:32 are reserved but set; only bits 31:0 were used", v, 0xFFFFFFFFu);
        }
    }

    if (s.has(cr::ver_fsbif) || s.has(cr::ver_qpiif)) {
        mark(21);
        const fuse_reading f = chipset_fusing(s);
        if (f.state == fuse_state::debug)
            add_finding(r, 21, warning, errc::platform_mismatch, f.offset, "TXT.VER.DEBUG.FUSE",
                        "the chipset is debug fused: only debug-signed ACMs launch on it", 0, 1);
    }
    return r;
}

// ---------------------------------------------------------------------------------------------
// Text: one printer for the tools and a bare-metal console.

// "failure: TXT-R1 launch_requirement at byte 0x8: TXT.ESTS.TXT_RESET.STS = 0x1 (limit 0x0): ..."
constexpr std::size_t format_finding(const register_finding& f, char* out, std::size_t capacity) {
    text_sink s(out, capacity);
    s.text(name(f.severity));
    s.text(": ");
    const std::size_t n = s.size();
    if (n + 1 >= capacity) return n;
    return n + slrt::format_error(f.error, out + n, capacity - n);
}

// A buffer of this many bytes holds the whole of format_snapshot for any snapshot.
inline constexpr std::size_t snapshot_text_capacity = 32768;

// Every present register field by field (reserved fields only when non-zero, or all of them with
// `show_reserved`), the ERRORCODE decode, the DPR range, the fusing, the public key and the
// findings of `report`.
constexpr std::size_t format_snapshot(const register_snapshot& s, const register_report& report, char* out,
                                      std::size_t capacity, bool show_reserved = false) {
    std::size_t n = 0;
    // Appends with a fresh sink at the current end; every writer keeps the NUL inside capacity.
    const auto tail = [&](auto&& write) {
        if (n + 1 < capacity) n += write(out + n, capacity - n);
    };
    const auto line = [&](auto&& print) {
        tail([&](char* o, std::size_t c) {
            text_sink t(o, c);
            print(t);
            t.put('\n');
            return t.size();
        });
    };
    if (capacity) out[0] = '\0';
    line([&](text_sink& t) {
        t.text("TXT registers, checked as ");
        t.text(name(report.phase));
        if (s.phase == launch_phase::unknown && report.phase != launch_phase::unknown)
            t.text(" (from TXT.STS.SENTER.DONE)");
    });
    for (std::size_t i = 0; i < config_register_count; ++i) {
        if (!s.present[i]) continue;
        const config_register& reg = config_registers[i];
        tail([&](char* o, std::size_t c) { return format_register(*reg.info, s.values[i], o, c, show_reserved); });
        if (reg.source == reg_source::unverified) line([&](text_sink& t) { t.text("  (layout UNVERIFIED: coreboot/Linux only)"); });
        if (reg.offset == config_reg::errorcode || reg.offset == config_reg::biosacm_errorcode) {
            const decoded_errorcode d = decode_errorcode(reg.offset == config_reg::biosacm_errorcode
                                                             ? (s.values[i] & 0xFFFFFFFFu)
                                                             : s.values[i]);
            tail([&](char* o, std::size_t c) { return format_errorcode(d, o, c); });
        }
        if (reg.offset == config_reg::ver_fsbif && !fsbif_usable(s.values[i]))
            line([](text_sink& t) { t.text("  (bits 31:0 read 0 or 0xFFFFFFFF: the fuse bit is in TXT.VER.QPIIF)"); });
        if (reg.offset == config_reg::dpr) {
            const slrt::result<range> dr = decode_dpr(s.values[i]);
            line([&](text_sink& t) {
                const dpr_reg d{s.values[i]};
                if (dr) {
                    t.text("  DPR protects [");
                    t.hex(dr->base, 8);
                    t.text(", ");
                    t.hex(dr->end(), 8);
                    t.text(") = ");
                    t.dec(d.size_mib());
                    t.text(" MiB, ");
                } else {
                    t.text("  DPR protects nothing (size ");
                    t.dec(d.size_mib());
                    t.text(" MiB, top ");
                    t.hex(d.top(), 8);
                    t.text("), ");
                }
                t.text(d.locked() ? "locked" : "not locked");
            });
        }
    }
    if (s.has(config_reg::ver_fsbif) || s.has(config_reg::ver_qpiif)) {
        const fuse_reading f = chipset_fusing(s);
        line([&](text_sink& t) {
            t.text("Chipset fusing: ");
            t.text(name(f.state));
            if (f.state != fuse_state::unknown) {
                t.text(" (bit 31 of ");
                t.text(f.offset == config_reg::ver_fsbif ? "TXT.VER.FSBIF" : "TXT.VER.QPIIF");
                t.put(')');
            }
        });
    }
    if (s.has_public_key()) {
        u8 key[public_key_size]{};
        s.public_key(key);
        line([&](text_sink& t) {
            t.text("ACM signing key hash (TXT.PUBLIC.KEY): ");
            for (u8 b : key) {
                t.put("0123456789abcdef"[b >> 4]);
                t.put("0123456789abcdef"[b & 0xF]);
            }
        });
    }
    line([&](text_sink& t) {
        t.text("Findings: ");
        t.dec(static_cast<u32>(report.count));
        t.text(" (");
        t.dec(static_cast<u32>(report.failures()));
        t.text(" failing)");
    });
    for (const register_finding& f : report) {
        tail([](char* o, std::size_t c) {
            text_sink t(o, c);
            t.text("  ");
            return t.size();
        });
        tail([&](char* o, std::size_t c) { return format_finding(f, o, c); });
        line([](text_sink&) {});
    }
    return n;
}

}  // namespace dlh::txt
