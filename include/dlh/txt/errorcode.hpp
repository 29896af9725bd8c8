// SPDX-License-Identifier: MIT
// TXT.ERRORCODE (configuration register 0x030): a total decoder for every 32-bit value, with the
// words a person needs after a failed launch — who reported it (processor, ACM or MLE), which
// module, class, major and minor, what usually causes it and what to look at.
//
// Sources: Intel TXT Software Development Guide 315168-013 (SDG) B.1.3 and Appendix I
// (Tables I-1 to I-4); tboot errorcode.h / errors.c for the revocation ACM (module type 9) and
// the treatment of 0xC0000009; Linux Secure Launch v16 slaunch.h for the MLE codes 0xC0008xxx.
// spec/txt/errorcode.md describes the layout and every choice made here.
//
// Layout (SDG Table I-1):
//   bit 31  VALID            1 = the register holds a report
//   bit 30  EXTERNAL         0 = the processor wrote it, 1 = software (an ACM or the MLE)
//   processor (EXTERNAL = 0): 14:0 shutdown type, 23:16 extended value, 15 and 29:24 reserved
//   software  (EXTERNAL = 1): 3:0 module type, 9:4 class (progress), 14:10 major,
//                             15 source (0 ACM, 1 MLE), 27:16 minor, 29:28 implementation specific
#pragma once

#include <cstddef>

#include "dlh/bits.hpp"

namespace dlh::txt {

// ---------------------------------------------------------------------------------------------
// Field tables (dlh/bits.hpp). One table per layout; the decoder reads through the same fields.

namespace errorcode_field {
inline constexpr bit_field valid{"VALID", 31, 1, false, "1 = the register holds an error report"};
inline constexpr bit_field external{"EXTERNAL", 30, 1, false, "0 = processor, 1 = software (ACM or MLE)"};
// Processor-initiated (EXTERNAL = 0), SDG Table I-2.
inline constexpr bit_field type{"TYPE", 0, 15, false, "processor shutdown type"};
inline constexpr bit_field extended{"EXTENDED", 16, 8, false, "type specific (ACM SVN for type 0x10)"};
// Software-initiated (EXTERNAL = 1), SDG Tables I-1 and I-3.
inline constexpr bit_field module_type{"MODULE_TYPE", 0, 4, false, "0 BIOS ACM, 1 SINIT (tboot: 9 RACM)"};
inline constexpr bit_field error_class{"CLASS", 4, 6, false, "progress: roughly how far the ACM got"};
inline constexpr bit_field major{"MAJOR", 10, 5, false, "error within the class"};
inline constexpr bit_field source{"SOURCE", 15, 1, false, "0 = ACM, 1 = MLE"};
inline constexpr bit_field minor{"MINOR", 16, 12, false, "detail; meaning depends on class and major"};
inline constexpr bit_field implementation{"IMPLEMENTATION", 28, 2, false, "implementation specific"};
// An MLE (SOURCE = 1) owns bits 14:0; Linux Secure Launch uses 0x001..0x3ff of them.
inline constexpr bit_field mle_code{"MLE_CODE", 0, 15, false, "defined by the MLE"};
}  // namespace errorcode_field

inline constexpr bit_field errorcode_processor_fields[] = {
    errorcode_field::type,     reserved_bits(15, 1),     errorcode_field::extended,
    reserved_bits(24, 6),      errorcode_field::external, errorcode_field::valid,
};
inline constexpr register_info errorcode_processor_info{"TXT.ERRORCODE (processor)", 0x030, 32,
                                                        errorcode_processor_fields, "SDG B.1.3, Table I-2"};

inline constexpr bit_field errorcode_software_fields[] = {
    errorcode_field::module_type, errorcode_field::error_class, errorcode_field::major,
    errorcode_field::source,      errorcode_field::minor,       errorcode_field::implementation,
    errorcode_field::external,    errorcode_field::valid,
};
inline constexpr register_info errorcode_software_info{"TXT.ERRORCODE (software)", 0x030, 32,
                                                       errorcode_software_fields, "SDG B.1.3, Tables I-1, I-3"};

// The values that mean "no failure". 0 is the reset value; SINIT writes 0xC0000001 when the
// launch succeeds (SDG listing 2 prints it as 0xC000001, a misprint); tboot also accepts
// 0xC0000009, what its revocation ACM (module type 9) leaves after a completed revocation.
inline constexpr u32 errorcode_none = 0;
inline constexpr u32 errorcode_sinit_success = 0xC0000001u;
inline constexpr u32 errorcode_racm_success = 0xC0000009u;

// Module types of the software layout (bits 3:0).
inline constexpr u8 errorcode_module_bios_acm = 0;
inline constexpr u8 errorcode_module_sinit = 1;
inline constexpr u8 errorcode_module_racm = 9;  // tboot errors.c; not in SDG-013

// ---------------------------------------------------------------------------------------------
// Linux Secure Launch MLE codes: one registry for every Secure Launch MLE (Linux, Xen).
// The value written is 0xC0008000 | code: VALID, EXTERNAL and SOURCE = MLE. Secure Launch keeps
// its codes below 0x400 (bits 14:10 zero); that range is the project's to define, so a new code
// is appended here and used unchanged by every port. Numbering as of Linux Secure Launch v16
// (earlier revisions, 2019-2022, numbered differently).

enum class sl_error : u16 {
    generic = 0x001,
    tpm_init = 0x002,
    tpm_invalid_log20 = 0x003,
    tpm_logging_failed = 0x004,
    region_straddle_4gb = 0x005,
    tpm_extend = 0x006,
    mtrr_inv_vcnt = 0x007,
    mtrr_inv_def_type = 0x008,
    mtrr_inv_base = 0x009,
    mtrr_inv_mask = 0x00a,
    msr_inv_misc_en = 0x00b,
    inv_ap_interrupt = 0x00c,
    integer_overflow = 0x00d,
    heap_walk = 0x00e,
    heap_map = 0x00f,
    region_above_4gb = 0x010,
    heap_invalid_dmar = 0x011,
    heap_dmar_size = 0x012,
    heap_dmar_map = 0x013,
    hi_pmr_base = 0x014,
    hi_pmr_size = 0x015,
    lo_pmr_base = 0x016,
    lo_pmr_mle = 0x017,
    initrd_too_big = 0x018,
    heap_zero_offset = 0x019,
    wake_block_too_small = 0x01a,
    mle_buffer_overlap = 0x01b,
    buffer_beyond_pmr = 0x01c,
    os_sinit_bad_version = 0x01d,
    eventlog_map = 0x01e,
    tpm_invalid_algs = 0x01f,
    tpm_event_count = 0x020,
    tpm_invalid_event = 0x021,
    invalid_slrt = 0x022,
    slrt_missing_entry = 0x023,
    slrt_map = 0x024,
};

inline constexpr u32 sl_errorcode_base = 0xC0008000u;
inline constexpr u16 sl_project_range_end = 0x400;  // codes 0x001..0x3ff belong to Secure Launch

// The TXT.ERRORCODE value an MLE writes for `code`.
constexpr u32 errorcode_value(sl_error code) { return sl_errorcode_base | static_cast<u16>(code); }

struct sl_error_info {
    sl_error code;
    const char* name;   // the C name shared by the ports
    const char* cause;  // what usually leads to it
    const char* check;  // what to look at
};

inline constexpr sl_error_info sl_errors[] = {
    {sl_error::generic, "SL_ERROR_GENERIC", "A catch-all failure in the Secure Launch MLE (not used by Linux v16).",
     "Read the MLE's console log for the message printed before the reset."},
    {sl_error::tpm_init, "SL_ERROR_TPM_INIT", "The MLE could not take over the TPM interface after the launch.",
     "Check that the TPM is enabled in firmware and that the kernel has TPM support built in, not as a module."},
    {sl_error::tpm_invalid_log20, "SL_ERROR_TPM_INVALID_LOG20",
     "No usable TPM 2.0 event-log descriptor was found, or it is malformed; usually the pre-launch code and the "
     "kernel disagree on the OsMleData/SLRT layout.",
     "Check that the bootloader and kernel come from matching Secure Launch versions and the event-log element "
     "in the TXT heap."},
    {sl_error::tpm_logging_failed, "SL_ERROR_TPM_LOGGING_FAILED",
     "An event could not be appended to the DRTM event log: the log buffer set up before the launch is malformed "
     "or full.",
     "Check the event-log address and size the pre-launch code placed in the heap and the SLRT log entry."},
    {sl_error::region_straddle_4gb, "SL_ERROR_REGION_STRADDLE_4GB",
     "A buffer handed to the MLE crosses the 4 GiB boundary, which the low/high PMR split cannot protect.",
     "Check where the bootloader placed the kernel, initrd, command line and SLRT buffers; keep each one below "
     "4 GiB or entirely above it."},
    {sl_error::tpm_extend, "SL_ERROR_TPM_EXTEND", "Extending a DRTM PCR failed.",
     "Check the TPM state (locality 2 access, PCR banks) and that kernel TPM support is built in."},
    {sl_error::mtrr_inv_vcnt, "SL_ERROR_MTRR_INV_VCNT",
     "The saved variable-MTRR count passed for restoring exceeds what the processor has.",
     "Check the MTRR state the pre-launch code saved in the SLRT Intel info entry (vcnt against IA32_MTRRCAP)."},
    {sl_error::mtrr_inv_def_type, "SL_ERROR_MTRR_INV_DEF_TYPE",
     "The saved IA32_MTRR_DEF_TYPE value passed for restoring is invalid.",
     "Check the default-type value saved in the SLRT Intel info entry."},
    {sl_error::mtrr_inv_base, "SL_ERROR_MTRR_INV_BASE", "A saved variable-MTRR base value is invalid.",
     "Check the saved MTRR base values (type and reserved bits) in the SLRT Intel info entry."},
    {sl_error::mtrr_inv_mask, "SL_ERROR_MTRR_INV_MASK", "A saved variable-MTRR mask value is invalid.",
     "Check the saved MTRR mask values (physical width, reserved bits) in the SLRT Intel info entry."},
    {sl_error::msr_inv_misc_en, "SL_ERROR_MSR_INV_MISC_EN", "The saved IA32_MISC_ENABLE value is invalid.",
     "Check the IA32_MISC_ENABLE value saved before SENTER."},
    {sl_error::inv_ap_interrupt, "SL_ERROR_INV_AP_INTERRUPT",
     "A parked application processor took an interrupt other than NMI.",
     "Check that interrupt sources were quiet during the launch (APs must see only the wake-up NMI)."},
    {sl_error::integer_overflow, "SL_ERROR_INTEGER_OVERFLOW", "A base plus size handed to the MLE wraps around.",
     "Check the base and size fields the pre-launch code wrote into the heap and the SLRT."},
    {sl_error::heap_walk, "SL_ERROR_HEAP_WALK", "The MLE could not map parts of the TXT heap while walking it.",
     "Check TXT.HEAP.BASE/SIZE and the table sizes in the heap; a resource shortage in early mapping is also "
     "possible."},
    {sl_error::heap_map, "SL_ERROR_HEAP_MAP", "Mapping the TXT heap failed.",
     "Check TXT.HEAP.BASE/SIZE; otherwise an early-mapping resource shortage in the kernel."},
    {sl_error::region_above_4gb, "SL_ERROR_REGION_ABOVE_4GB", "A buffer that must stay below 4 GiB lies above it.",
     "Check where the bootloader placed the MLE's early buffers (they must be in the low PMR)."},
    {sl_error::heap_invalid_dmar, "SL_ERROR_HEAP_INVALID_DMAR",
     "The copy of the ACPI DMAR table that SINIT places in the heap was not found.",
     "Check SinitMleData (DMAR copy) — a firmware or SINIT problem rather than a bootloader one."},
    {sl_error::heap_dmar_size, "SL_ERROR_HEAP_DMAR_SIZE",
     "The DMAR copy in the heap is larger than the MLE's buffer for it.", "Check the DMAR size in SinitMleData."},
    {sl_error::heap_dmar_map, "SL_ERROR_HEAP_DMAR_MAP", "Mapping the DMAR copy in the heap failed.",
     "Check the DMAR offset and size in SinitMleData; otherwise an early-mapping resource shortage."},
    {sl_error::hi_pmr_base, "SL_ERROR_HI_PMR_BASE",
     "With RAM above 4 GiB, the high PMR base is not exactly 4 GiB.",
     "Check OsSinitData.vtd_pmr_hi_base: it must be 0x100000000 when the high PMR is used."},
    {sl_error::hi_pmr_size, "SL_ERROR_HI_PMR_SIZE", "The high PMR does not reach the end of RAM above 4 GiB.",
     "Check OsSinitData.vtd_pmr_hi_size against the highest RAM address in the memory map."},
    {sl_error::lo_pmr_base, "SL_ERROR_LO_PMR_BASE", "The low PMR does not start at address 0.",
     "Check OsSinitData.vtd_pmr_lo_base: Secure Launch requires 0."},
    {sl_error::lo_pmr_mle, "SL_ERROR_LO_PMR_MLE", "The MLE image is not covered by the low PMR.",
     "Check OsSinitData.vtd_pmr_lo_size against the end of the kernel image."},
    {sl_error::initrd_too_big, "SL_ERROR_INITRD_TOO_BIG", "The initrd is larger than 4 GiB.",
     "Use a smaller initrd; Secure Launch cannot protect a larger one."},
    {sl_error::heap_zero_offset, "SL_ERROR_HEAP_ZERO_OFFSET",
     "A heap table size of zero was found while walking the TXT heap: the heap is malformed.",
     "Check the size fields of BiosData, OsMleData, OsSinitData and SinitMleData in the heap."},
    {sl_error::wake_block_too_small, "SL_ERROR_WAKE_BLOCK_TOO_SMALL",
     "The AP wake block handed over in OsMleData is too small.",
     "Check OsMleData.ap_wake_block_size set by the pre-launch code."},
    {sl_error::mle_buffer_overlap, "SL_ERROR_MLE_BUFFER_OVERLAP", "A buffer handed to the MLE overlaps the MLE image.",
     "Check the placement of the AP wake block, event log and SLRT against the kernel image."},
    {sl_error::buffer_beyond_pmr, "SL_ERROR_BUFFER_BEYOND_PMR", "A buffer handed to the MLE is not inside a PMR.",
     "Check that the event log, SLRT and other early buffers lie inside the low (or high) PMR."},
    {sl_error::os_sinit_bad_version, "SL_ERROR_OS_SINIT_BAD_VERSION",
     "OsSinitData has a version below 6, which Secure Launch does not accept.",
     "Check OsSinitData.version written by the pre-launch code (and the SINIT's supported version)."},
    {sl_error::eventlog_map, "SL_ERROR_EVENTLOG_MAP", "Mapping the TPM event log failed.",
     "Check the event-log address and size; otherwise a mapping resource shortage."},
    {sl_error::tpm_invalid_algs, "SL_ERROR_TPM_INVALID_ALGS",
     "The TPM 2.0 event log reports an unsupported number or set of hash algorithms.",
     "Check the PCR banks enabled in the TPM and the algorithms in the log's Spec ID event."},
    {sl_error::tpm_event_count, "SL_ERROR_TPM_EVENT_COUNT",
     "The number of digests in a TPM 2.0 log event does not match the log's algorithms.",
     "Check the event log written before the launch (digest count per event)."},
    {sl_error::tpm_invalid_event, "SL_ERROR_TPM_INVALID_EVENT", "A malformed event was found in the TPM event log.",
     "Check the event log contents; only trusted code should have written them (possible tampering)."},
    {sl_error::invalid_slrt, "SL_ERROR_INVALID_SLRT", "The Secure Launch Resource Table is malformed.",
     "Check the SLRT the bootloader built (slrt-tool can validate a dump of it)."},
    {sl_error::slrt_missing_entry, "SL_ERROR_SLRT_MISSING_ENTRY", "A required SLRT entry is missing.",
     "Check that the bootloader added the Intel info, log info and policy entries to the SLRT."},
    {sl_error::slrt_map, "SL_ERROR_SLRT_MAP", "Mapping the SLRT failed.",
     "Check the SLRT address handed over in OsMleData; otherwise a mapping resource shortage."},
};

inline constexpr std::size_t sl_error_count = sizeof(sl_errors) / sizeof(sl_errors[0]);

// Lookups return an index (count when absent); the pointer forms are for callers' convenience.
// (The decoder itself works with indices: g++ with -fsanitize=undefined cannot compare a pointer
// into a constexpr table with nullptr during constant evaluation.)
constexpr std::size_t sl_error_index(u16 code) {
    for (std::size_t i = 0; i < sl_error_count; ++i)
        if (static_cast<u16>(sl_errors[i].code) == code) return i;
    return sl_error_count;
}
constexpr const sl_error_info* find_sl_error(u16 code) {
    const std::size_t i = sl_error_index(code);
    return i < sl_error_count ? sl_errors + i : nullptr;
}

// ---------------------------------------------------------------------------------------------
// Processor shutdown types (SDG Table I-2; tboot errorcode.h names them the same way).

struct processor_error_info {
    u16 type;
    const char* name;
    const char* cause;
    const char* check;
};

inline constexpr processor_error_info processor_error_types[] = {
    {0x0, "#LegacyShutdown",
     "The processor shut down (for example a triple fault) without a more specific TXT reason; the ACM did not "
     "write a code, so this is typically a fault in the MLE's early code or a fault during the launch.",
     "Check the MLE entry path (own GDT, IDT and stack before anything can fault; page tables) and that NMIs and "
     "SMIs are handled as the SDG describes after SENTER."},
    {0x5, "#BadACMMType", "The ACM was not in write-back memory when GETSEC loaded it.",
     "Check the variable MTRRs set before SENTER: the whole SINIT image must be WB (each range a multiple of its "
     "size, at most 4 KiB - 1 beyond the end), default type UC, fixed MTRRs disabled."},
    {0x6, "#UnsupportedACM", "The processor does not support this ACM (module type, version or format).",
     "Check that the SINIT is meant for this processor generation (txt-tool acm MATCH)."},
    {0x7, "#AuthenticateFail",
     "The ACM's signature did not verify: a SINIT for another platform, a modified or truncated file, or base/size "
     "arguments that do not describe the module that was loaded.",
     "Check that the SINIT matches the chipset (TXT.PUBLIC.KEY, chipset and processor ID lists), that SENTER got "
     "the exact base (EBX) and byte size (ECX) of the module, and which SINIT was picked when several were "
     "loaded."},
    {0x8, "#BadACMFormat",
     "The ACM header is inconsistent or the module does not fit the processor's AC execution area.",
     "Check the ACM header (sizes, header length, scratch size, entry point) and the size passed to SENTER against "
     "GETSEC[PARAMETERS] type 2 (maximum AC size)."},
    {0x9, "#UnexpectedHITM", "A modified cache line was hit while the ACM was being loaded.",
     "Check the cache handling before SENTER: WBINVD after reprogramming the MTRRs, CR0.CD/NW settings."},
    {0xA, "#InvalidEvent",
     "An event not allowed during the launch happened: a CPU reset not caused by a TXT reset, a non-virtualized "
     "INIT after SENTER, an RLP whose IA32_SMM_MONITOR_CTL differs from the ILP's at WAKEUP, SENTER/SEXIT/WAKEUP "
     "after VMXON, or a thread leaving wait-for-SIPI while another thread of the package is in AC mode.",
     "Check the state of the other processors during the launch (wait-for-SIPI or parked), that no INIT/SIPI is "
     "sent meanwhile, that VMX is off, and that IA32_SMM_MONITOR_CTL is equal on all processors."},
    {0xB, "#BadJOINFormat", "The MLE JOIN structure given in TXT.MLE.JOIN is invalid.",
     "Check the JOIN structure: below 4 GiB, not crossing a page boundary, GDT limit/base, CS selector and entry "
     "point; the GDT must lie on one page."},
    {0xC, "#UnrecovMCError", "An unrecoverable machine check happened during the launch.",
     "Check the machine-check banks before SENTER (IA32_MCG_STATUS.MCIP, IA32_MCi_STATUS.VAL) and the hardware's "
     "health."},
    {0xD, "#VMXAbort", "A VMX abort happened while in the measured environment.",
     "Check VMX and SMI transfer monitor (STM) configuration."},
    {0xE, "#ACMCorrupt", "The ACM became corrupt (its memory changed after it was loaded).",
     "Check that nothing can write the SINIT region during the launch (DMA protection, DPR) and the memory "
     "itself."},
    {0xF, "#InvalidVIDBRatio", "An invalid voltage ID or bus ratio was requested.",
     "Check the firmware's processor power settings; a firmware update may be needed."},
    {0x10, "low SGX security level",
     "The ACM's security version is below the level SGX requires; bits 23:16 hold the ACM SVN.",
     "Use a newer SINIT (higher SVN) for this platform."},
};

inline constexpr std::size_t processor_error_count = sizeof(processor_error_types) / sizeof(processor_error_types[0]);

constexpr std::size_t processor_error_index(u16 type) {
    for (std::size_t i = 0; i < processor_error_count; ++i)
        if (processor_error_types[i].type == type) return i;
    return processor_error_count;
}
constexpr const processor_error_info* find_processor_error(u16 type) {
    const std::size_t i = processor_error_index(type);
    return i < processor_error_count ? processor_error_types + i : nullptr;
}

// ---------------------------------------------------------------------------------------------
// ACM classes and majors. Table I-4 of the SDG lists the codes that are stable across ACMs; they
// apply to module types 0 (BIOS ACM) and 1 (SINIT). Module type 9 (revocation ACM) has its own
// classes (tboot errors.c). Every other class/major pair is specific to the ACM release.

enum class errorcode_table : u8 { sdg, racm };

struct acm_class_info {
    errorcode_table table;
    u8 error_class;
    const char* name;
};

inline constexpr acm_class_info acm_error_classes[] = {
    {errorcode_table::sdg, 0x01, "ACM entry"},
    {errorcode_table::sdg, 0x02, "MTRR check"},
    {errorcode_table::sdg, 0x04, "TPM access"},
    {errorcode_table::sdg, 0x06, "Launch control policy (LCP)"},
    {errorcode_table::sdg, 0x09, "TXT heap (heap tables and OsSinitData)"},
    {errorcode_table::sdg, 0x0E, "PMR configuration"},
    {errorcode_table::sdg, 0x0F, "MLE header"},
    {errorcode_table::sdg, 0x10, "MLE page tables"},
    {errorcode_table::sdg, 0x14, "Event log"},
    {errorcode_table::racm, 0x01, "ACM entry"},
    {errorcode_table::racm, 0x04, "TPM access"},
    {errorcode_table::racm, 0x08, "Miscellaneous configuration"},
};

struct acm_error_info {
    errorcode_table table;
    u8 error_class;
    u8 major_first, major_last;  // inclusive
    const char* name;
    const char* cause;
    const char* check;
};

inline constexpr const char* errorcode_check_heap_tables =
    "Check the heap the launcher wrote (txt-tool heap): table sizes, versions and OsSinitData fields.";

inline constexpr acm_error_info acm_error_codes[] = {
    // Class 1: ACM entry.
    {errorcode_table::sdg, 0x01, 0x01, 0x01, "launch error",
     "The module was not started through GETSEC[SENTER], or reserved bits of EDX were set; the minor code holds "
     "the detail.",
     "Check that GETSEC[SENTER] was used with EDX = 0."},
    {errorcode_table::sdg, 0x01, 0x03, 0x03, "client/server mismatch",
     "A client SINIT ran on a server-fused (LT-SX) processor, or a server SINIT on a client one.",
     "Use a SINIT of the platform's type (ACM info table capabilities bits 7:6 against the platform)."},
    {errorcode_table::sdg, 0x01, 0x09, 0x09, "ACM revoked",
     "The ACM has been revoked: its security version is below what the platform accepts.",
     "Use a newer SINIT release for this platform."},
    // Class 2: MTRR check.
    {errorcode_table::sdg, 0x02, 0x01, 0x06, "MTRR rule violated (the major code is the rule number)",
     "The MTRRs set up before SENTER break one of the SINIT's MTRR rules.",
     "Check the MTRRs programmed before SENTER: SINIT image covered WB with each range a multiple of its size, "
     "default type UC, fixed MTRRs off, no overlap with other types (SDG 2.2.5.1)."},
    {errorcode_table::sdg, 0x02, 0x07, 0x07, "invalid MTRR mask",
     "A variable MTRR mask has bits beyond the width the SINIT checks.",
     "Check the MTRR masks: limited to 36 bits unless both the MLE header and the SINIT set MAXPHYADDR "
     "(capabilities bit 8)."},
    // Class 4: TPM access.
    {errorcode_table::sdg, 0x04, 0x01, 0x01, "TPM returned an error",
     "A TPM command failed; the minor code carries the TPM's return code.",
     "Check the TPM return code in the TPM line (a TPM 2.0 response code or a TPM 1.2 return code) and the "
     "TPM's NV indices, PCR banks and ownership state."},
    {errorcode_table::sdg, 0x04, 0x05, 0x05, "TPM 1.2 disabled", "The TPM 1.2 is disabled.",
     "Enable the TPM in the firmware setup."},
    {errorcode_table::sdg, 0x04, 0x06, 0x06, "TPM 1.2 deactivated", "The TPM 1.2 is deactivated.",
     "Activate the TPM in the firmware setup."},
    {errorcode_table::sdg, 0x04, 0x0D, 0x0D, "TPM 2.0 interface not supported",
     "The SINIT does not support the TPM 2.0 interface in use (FIFO or CRB).",
     "Check the TPM interface type (firmware TPM/PTT or discrete; FIFO or CRB) and use a SINIT that supports it."},
    {errorcode_table::sdg, 0x04, 0x0E, 0x0E, "TPM family not supported",
     "The SINIT does not support the TPM family present (1.2 or 2.0).",
     "Use a SINIT release with support for the platform's TPM family."},
    {errorcode_table::sdg, 0x04, 0x0F, 0x0F, "more than 3 PCR banks", "The TPM has more than three PCR banks active.",
     "Reduce the active PCR banks (TPM2_PCR_Allocate) to at most three."},
    {errorcode_table::sdg, 0x04, 0x10, 0x10, "required hash algorithm not supported",
     "A hash algorithm the SINIT or the policy requires has no active PCR bank or is not supported.",
     "Check the TPM's active PCR banks (SHA-256 at least) and the algorithms the launch control policy requests."},
    // Class 6: launch control policy.
    {errorcode_table::sdg, 0x06, 0x02, 0x02, "SINIT version below policy minimum",
     "The launch control policy requires a newer SINIT than the one launched.",
     "Use a newer SINIT or change the policy's minimum SINIT version."},
    {errorcode_table::sdg, 0x06, 0x04, 0x04, "no matching policy element",
     "No element of the launch control policy matched; the minor code is the element type.",
     "Check the LCP elements (MLE, SINIT, platform configuration) against what was launched."},
    {errorcode_table::sdg, 0x06, 0x05, 0x05, "auto-promotion failed", "The policy's auto-promotion step failed.",
     "Check the LCP policy and its NV indices."},
    {errorcode_table::sdg, 0x06, 0x06, 0x06, "failsafe boot failed", "The policy's failsafe boot step failed.",
     "Check the LCP policy and its NV indices."},
    {errorcode_table::sdg, 0x06, 0x07, 0x07, "platform owner policy integrity check failed",
     "The platform owner's policy data failed its integrity check; the minor code holds the list index and "
     "detail.",
     "Check the policy data file: the list at that index (signature or hash) against the PO NV index."},
    {errorcode_table::sdg, 0x06, 0x08, 0x08, "platform supplier policy integrity check failed",
     "The platform supplier's policy data failed its integrity check; the minor code holds the list index and "
     "detail.",
     "Check the platform supplier policy data: the list at that index against the PS NV index."},
    {errorcode_table::sdg, 0x06, 0x09, 0x09, "no NPW policy",
     "A non-production-worthy SINIT ran without a policy that allows it.",
     "Use a production SINIT or provision a policy that allows NPW modules."},
    {errorcode_table::sdg, 0x06, 0x0A, 0x0A, "platform supplier index required but missing",
     "The platform supplier policy index is required but not defined.", "Define the PS NV index in the TPM."},
    // Class 9: TXT heap.
    {errorcode_table::sdg, 0x09, 0x01, 0x01, "invalid heap table size",
     "A heap table size does not match its version, or the tables do not fit the heap.", errorcode_check_heap_tables},
    {errorcode_table::sdg, 0x09, 0x02, 0x02, "invalid heap table version",
     "A heap table version (OsSinitData in particular) is not one this SINIT supports.",
     "Check OsSinitData.version against the SINIT's supported version (ACM info table OsSinitDataVer)."},
    {errorcode_table::sdg, 0x09, 0x03, 0x03, "PMR low base or size not 2 MiB aligned",
     "The low VT-d protected memory region is not 2 MiB aligned.",
     "Check OsSinitData.vtd_pmr_lo_base and vtd_pmr_lo_size: both multiples of 2 MiB."},
    {errorcode_table::sdg, 0x09, 0x04, 0x04, "PMR high base or size not 2 MiB aligned",
     "The high VT-d protected memory region is not 2 MiB aligned.",
     "Check OsSinitData.vtd_pmr_hi_base and vtd_pmr_hi_size: both multiples of 2 MiB."},
    {errorcode_table::sdg, 0x09, 0x05, 0x05, "MLE above 4 GiB", "The MLE or its page tables lie above 4 GiB.",
     "Check OsSinitData.mle_ptab and the MLE placement: everything below 4 GiB."},
    {errorcode_table::sdg, 0x09, 0x06, 0x06, "invalid requested capabilities",
     "OsSinitData.capabilities asks for something the SINIT does not offer.",
     "Check OsSinitData.capabilities: a subset of the SINIT's capabilities with exactly one RLP wake-up method."},
    {errorcode_table::sdg, 0x09, 0x07, 0x07, "heap overfilled", "The heap tables together exceed TXT.HEAP.SIZE.",
     "Check the sum of the heap table sizes against TXT.HEAP.SIZE."},
    {errorcode_table::sdg, 0x09, 0x08, 0x08, "unsupported extended element type",
     "An extended heap element has a type this SINIT does not know.",
     "Check the extended elements in OsSinitData/BiosData (type field)."},
    {errorcode_table::sdg, 0x09, 0x09, 0x09, "invalid extended element size", "An extended heap element has a bad size.",
     "Check the size fields of the extended elements."},
    {errorcode_table::sdg, 0x09, 0x0A, 0x0A, "missing END element", "An extended element list does not end with END.",
     "Check that every extended element list ends with an END element (type 0, size 8)."},
    {errorcode_table::sdg, 0x09, 0x0B, 0x0B, "invalid event log pointer",
     "The event-log pointer element points to an invalid or unprotected log.",
     "Check the event-log pointer element: address, size, and that the log lies in DMA-protected memory."},
    {errorcode_table::sdg, 0x09, 0x0C, 0x0C, "invalid RSDT/RSDP pointer", "The ACPI RSDP/RSDT pointer is invalid.",
     "Check OsSinitData.rsdp_ptr (version 6 and later) against the firmware's RSDP."},
    // Class 0xE: PMR configuration.
    {errorcode_table::sdg, 0x0E, 0x01, 0x01, "DMA remapping enabled",
     "VT-d DMA remapping was still enabled at SENTER.", "Disable VT-d translation before SENTER (PMRs only)."},
    {errorcode_table::sdg, 0x0E, 0x02, 0x02, "invalid PMR low configuration",
     "The low PMR is invalid (for example does not cover the MLE or extends beyond 4 GiB).",
     "Check OsSinitData.vtd_pmr_lo_base/size: below 4 GiB, 2 MiB aligned, covering the MLE and its page tables."},
    {errorcode_table::sdg, 0x0E, 0x03, 0x03, "invalid PMR high configuration", "The high PMR is invalid.",
     "Check OsSinitData.vtd_pmr_hi_base/size: 2 MiB aligned, within physical memory."},
    // Class 0xF: MLE header.
    {errorcode_table::sdg, 0x0F, 0x01, 0x01, "linear address conversion error",
     "An MLE header address could not be translated through the MLE page tables.",
     "Check that the header's linear addresses (entry point, first valid page) are mapped by the MLE page tables."},
    {errorcode_table::sdg, 0x0F, 0x02, 0x02, "invalid MLE header GUID", "The MLE header UUID is wrong or not found.",
     "Check the MLE header UUID and OsSinitData.mle_hdr_base (txt-tool mle)."},
    {errorcode_table::sdg, 0x0F, 0x03, 0x03, "invalid MLE header version",
     "The MLE header version is not supported (below the SINIT's minimum).",
     "Check the MLE header version against the ACM info table MinMleHeaderVer."},
    {errorcode_table::sdg, 0x0F, 0x04, 0x04, "invalid first valid page",
     "The header's FirstValidPage does not match the first page the page tables map.",
     "Check MLE header FirstValidPage against the MLE page tables."},
    {errorcode_table::sdg, 0x0F, 0x05, 0x05, "invalid MLE size", "The MLE size is invalid.",
     "Check OsSinitData.mle_size and the header's MleStart/MleEnd."},
    {errorcode_table::sdg, 0x0F, 0x06, 0x06, "invalid entry point", "The MLE entry point is invalid.",
     "Check the header's EntryPoint: inside the MLE and mapped."},
    {errorcode_table::sdg, 0x0F, 0x07, 0x07, "incompatible RLP wake-up method",
     "The MLE and SINIT share no RLP wake-up method.",
     "Check capabilities bits 0-1 of the MLE header, the SINIT and OsSinitData."},
    // Class 0x10: MLE page tables.
    {errorcode_table::sdg, 0x10, 0x01, 0x01, "invalid page placement",
     "An MLE page or page table is misaligned or outside usable, DMA-protected memory (or in a forbidden area: "
     "TXT heap, SINIT region, DMAR tables, 640 KiB-1 MiB).",
     "Check the physical addresses in the MLE page tables against the memory map and the PMRs."},
    {errorcode_table::sdg, 0x10, 0x02, 0x02, "pages not in increasing order",
     "The MLE pages are not in strictly increasing physical order.",
     "Check that the page tables map the MLE to increasing physical addresses."},
    {errorcode_table::sdg, 0x10, 0x03, 0x03, "large page", "A 2 MiB page appears in the MLE page tables.",
     "Use 4 KiB pages only (PS bit clear in every page-directory entry)."},
    {errorcode_table::sdg, 0x10, 0x04, 0x04, "page tables out of order",
     "The page-table pages are not placed PDPT < page directories < page tables < MLE pages.",
     "Check the physical order of the page-table pages."},
    {errorcode_table::sdg, 0x10, 0x05, 0x05, "invalid hashed size", "The size of the MLE to hash is invalid.",
     "Check OsSinitData.mle_size against the pages the tables map."},
    {errorcode_table::sdg, 0x10, 0x06, 0x06, "invalid RLP entry point", "The RLP entry point is invalid.",
     "Check the RLP entry point (MLE JOIN) is inside the mapped MLE."},
    // Class 0x14: event log.
    {errorcode_table::sdg, 0x14, 0x01, 0x01, "bad event log header GUID", "The event log header signature is wrong.",
     "Check the event-log container header the launcher prepared."},
    {errorcode_table::sdg, 0x14, 0x02, 0x02, "bad event log header version",
     "The event log header version is not supported.", "Check the event-log header version fields."},
    {errorcode_table::sdg, 0x14, 0x03, 0x03, "inconsistent event log header",
     "The event log header fields contradict each other.",
     "Check container size, first-event offset and next-event offset in the log header."},
    {errorcode_table::sdg, 0x14, 0x04, 0x04, "event log too small", "The event log buffer is too small.",
     "Make the event-log buffer larger."},
    {errorcode_table::sdg, 0x14, 0x05, 0x05, "unsupported event record version",
     "The event record version is not supported.", "Check the event record version in the log header."},
    // Revocation ACM (tboot errors.c), module type 9.
    {errorcode_table::racm, 0x01, 0x01, 0x01, "launch error", "The revocation ACM was not launched correctly.",
     "Check how the revocation ACM was started (GETSEC[ENTERACCS])."},
    {errorcode_table::racm, 0x01, 0x02, 0x02, "NEM enabled", "No-eviction mode was enabled.",
     "Run the revocation ACM from the OS, not from early firmware."},
    {errorcode_table::racm, 0x01, 0x03, 0x03, "CPU LT type mismatch", "The processor's TXT type does not match.",
     "Use the revocation ACM for this platform."},
    {errorcode_table::racm, 0x01, 0x04, 0x04, "device ID mismatch", "The chipset device ID does not match.",
     "Use the revocation ACM for this chipset."},
    {errorcode_table::racm, 0x01, 0x05, 0x05, "CPU ID mismatch", "The processor ID does not match.",
     "Use the revocation ACM for this processor."},
    {errorcode_table::racm, 0x01, 0x06, 0x06, "no microcode update", "No microcode update is loaded.",
     "Update the firmware (microcode)."},
    {errorcode_table::racm, 0x01, 0x07, 0x07, "debug MCU", "A debug microcode update is loaded.",
     "Use production microcode."},
    {errorcode_table::racm, 0x01, 0x08, 0x08, "DMI link down", "The DMI link is down.", "Check the platform hardware."},
    {errorcode_table::racm, 0x01, 0x09, 0x09, "ACM revoked", "The revocation ACM itself is revoked.",
     "Use a newer revocation ACM."},
    {errorcode_table::racm, 0x01, 0x0A, 0x0A, "TPM double AUX index",
     "Two AUX indices are defined, which is not a valid TXT configuration.", "Check the TPM NV AUX indices."},
    {errorcode_table::racm, 0x04, 0x01, 0x01, "TPM returned an error", "A TPM command failed (minor = TPM return code).",
     "Check the TPM return code in the TPM line."},
    {errorcode_table::racm, 0x04, 0x02, 0x02, "TPM locality error", "The TPM locality could not be used.",
     "Check the TPM locality state."},
    {errorcode_table::racm, 0x04, 0x03, 0x03, "TPM access invalid", "TPM access was invalid.", "Check the TPM state."},
    {errorcode_table::racm, 0x04, 0x04, 0x04, "TPM NV not locked", "The TPM NV storage is not locked.",
     "Lock the TPM NV storage (firmware setting)."},
    {errorcode_table::racm, 0x04, 0x05, 0x05, "TPM disabled", "The TPM is disabled.", "Enable the TPM in firmware."},
    {errorcode_table::racm, 0x04, 0x06, 0x06, "TPM deactivated", "The TPM is deactivated.", "Activate the TPM in firmware."},
    {errorcode_table::racm, 0x04, 0x07, 0x07, "TPM NV index invalid", "The AUX index attributes are invalid.",
     "Check the TPM NV AUX index definition."},
    {errorcode_table::racm, 0x04, 0x08, 0x08, "incompatible BIOS ACM", "The BIOS ACM is incompatible.",
     "Update the firmware's BIOS ACM."},
    {errorcode_table::racm, 0x04, 0x09, 0x09, "incompatible AUX revision", "The AUX index revision is incompatible.",
     "Check the TPM NV AUX index."},
    {errorcode_table::racm, 0x04, 0x0A, 0x0A, "input buffer too short", "A TPM input buffer was too short.",
     "Report to the ACM supplier."},
    {errorcode_table::racm, 0x04, 0x0B, 0x0B, "output buffer too short", "A TPM output buffer was too short.",
     "Report to the ACM supplier."},
    {errorcode_table::racm, 0x04, 0x10, 0x10, "PO index invalid", "The platform owner index attributes are invalid.",
     "Check the TPM NV PO index definition."},
    {errorcode_table::racm, 0x04, 0x1B, 0x1B, "TPM response buffer too short",
     "The TPM driver's response buffer was too short.", "Check the TPM."},
    {errorcode_table::racm, 0x04, 0x1C, 0x1C, "invalid TPM driver input", "A TPM driver input parameter was invalid.",
     "Check the TPM."},
    {errorcode_table::racm, 0x04, 0x1D, 0x1E, "invalid TPM response", "The TPM's response was invalid.", "Check the TPM."},
    {errorcode_table::racm, 0x04, 0x1F, 0x1F, "TPM response timeout", "The TPM did not respond in time.",
     "Check the TPM."},
    {errorcode_table::racm, 0x08, 0x01, 0x01, "interrupt", "An interrupt occurred during revocation.",
     "Run the revocation with interrupts disabled."},
    {errorcode_table::racm, 0x08, 0x10, 0x10, "revocation forbidden by owner", "The platform owner forbids revocation.",
     "Check the owner's policy settings."},
    {errorcode_table::racm, 0x08, 0x11, 0x11, "tool launch", "The revocation tool was launched incorrectly.",
     "Check how the revocation was started."},
    {errorcode_table::racm, 0x08, 0x12, 0x12, "cannot reverse", "The revocation version cannot be decremented.",
     "Nothing to undo: revocation is one-way."},
    {errorcode_table::racm, 0x08, 0x13, 0x13, "already revoked", "The revocation was already done.", "Nothing to do."},
    {errorcode_table::racm, 0x08, 0x14, 0x14, "invalid return address", "The return address passed was invalid.",
     "Check the launcher's return point."},
    {errorcode_table::racm, 0x08, 0x15, 0x15, "no TPM", "No TPM is present.", "Nothing to revoke without a TPM."},
};

inline constexpr std::size_t acm_class_count = sizeof(acm_error_classes) / sizeof(acm_error_classes[0]);
inline constexpr std::size_t acm_error_count = sizeof(acm_error_codes) / sizeof(acm_error_codes[0]);

constexpr std::size_t acm_class_index(errorcode_table table, u8 error_class) {
    for (std::size_t i = 0; i < acm_class_count; ++i)
        if (acm_error_classes[i].table == table && acm_error_classes[i].error_class == error_class) return i;
    return acm_class_count;
}
constexpr std::size_t acm_error_index(errorcode_table table, u8 error_class, u8 major) {
    for (std::size_t i = 0; i < acm_error_count; ++i) {
        const acm_error_info& e = acm_error_codes[i];
        if (e.table == table && e.error_class == error_class && major >= e.major_first && major <= e.major_last)
            return i;
    }
    return acm_error_count;
}
constexpr const acm_class_info* find_acm_class(errorcode_table table, u8 error_class) {
    const std::size_t i = acm_class_index(table, error_class);
    return i < acm_class_count ? acm_error_classes + i : nullptr;
}
constexpr const acm_error_info* find_acm_error(errorcode_table table, u8 error_class, u8 major) {
    const std::size_t i = acm_error_index(table, error_class, major);
    return i < acm_error_count ? acm_error_codes + i : nullptr;
}

// ---------------------------------------------------------------------------------------------
// Values reported in the field whose meaning is not in SDG Table I-4. Each note is valid only
// for the ACM that reported it; a different SINIT may mean something else by the same value.

struct errorcode_report {
    u32 value;
    const char* note;
};

inline constexpr errorcode_report errorcode_reports[] = {
    {0xC0000C71u,
     "tboot-devel (2011): an older SINIT used class 7 major 3 for a not-present PDPE/PDE/PTE after the first "
     "valid one, i.e. a hole in the MLE page tables"},
    {0xC0033451u,
     "tboot-devel (Dell PowerEdge R730): that SINIT's error list gives \"Invalid PMR configuration\"; compare "
     "OsSinitData.vtd_pmr_lo/hi with the memory map"},
    {0xC00014A1u,
     "Dasharo issue 579 (Lenovo M920q): reported after SINIT and not described in that ACM's error list"},
};

inline constexpr std::size_t errorcode_report_count = sizeof(errorcode_reports) / sizeof(errorcode_reports[0]);

// The field note for `value`, or "".
constexpr const char* errorcode_report_note(u32 value) {
    for (std::size_t i = 0; i < errorcode_report_count; ++i)
        if (errorcode_reports[i].value == value) return errorcode_reports[i].note;
    return "";
}

// ---------------------------------------------------------------------------------------------
// The decoded value.

enum class errorcode_source : u8 {
    none,       // VALID clear: no report
    processor,  // EXTERNAL = 0
    acm,        // EXTERNAL = 1, SOURCE = 0
    mle,        // EXTERNAL = 1, SOURCE = 1
};

enum class errorcode_status : u8 {
    no_error,  // 0, or VALID clear
    success,   // 0xC0000001 (SINIT) or 0xC0000009 (revocation ACM)
    error,
};

enum class errorcode_detail : u8 {
    none,
    tpm,  // class 4 major 1: minor = TPM return code
    lcp,  // class 6 majors 7 and 8: minor = (list index << 6) + detail
};

constexpr const char* name(errorcode_source s) {
    switch (s) {
        case errorcode_source::none: return "none";
        case errorcode_source::processor: return "processor";
        case errorcode_source::acm: return "acm";
        case errorcode_source::mle: return "mle";
    }
    return "none";
}

constexpr const char* name(errorcode_status s) {
    switch (s) {
        case errorcode_status::no_error: return "no_error";
        case errorcode_status::success: return "success";
        case errorcode_status::error: return "error";
    }
    return "error";
}

struct decoded_errorcode {
    u64 raw = 0;            // as given (TXT.ERRORCODE is a 64-bit register)
    u32 value = 0;          // bits 31:0, the part with meaning
    bool upper_bits_set = false;     // bits 63:32 non-zero (reserved)
    bool reserved_bits_set = false;  // processor layout: bit 15 or bits 29:24 non-zero
    bool valid = false;
    bool external = false;
    errorcode_status status = errorcode_status::no_error;
    errorcode_source source = errorcode_source::none;
    bool documented = false;  // the code is in a table (SDG I-2/I-4, tboot RACM, Secure Launch)

    // Processor layout.
    u16 type = 0;
    u8 extended = 0;

    // Software layout.
    u8 module_type = 0;
    u8 error_class = 0;
    u8 major = 0;
    u16 minor = 0;
    u8 implementation = 0;
    u16 mle_code = 0;  // bits 14:0 when the MLE wrote it

    // Sub-errors carried in the minor code.
    errorcode_detail detail = errorcode_detail::none;
    u16 tpm_rc = 0;          // the 12-bit minor code of a TPM error
    u8 lcp_list_index = 0;   // minor bits 11:6
    u8 lcp_minor = 0;        // minor bits 5:0

    // Words (static strings, never null).
    const char* source_name = "";
    const char* module_name = "";
    const char* class_name = "";
    const char* error_name = "";     // processor type, ACM major, or Secure Launch name
    const char* minor_meaning = "";
    const char* likely_cause = "";
    const char* what_to_check = "";
    const char* field_report = "";   // errorcode_reports note, or ""

    constexpr bool is_error() const { return status == errorcode_status::error; }
    // TPM 2.0: the 12-bit response code as the SINIT stored it.
    constexpr u16 tpm2_rc() const { return tpm_rc; }
    // TPM 1.2: fatal codes keep the low byte; bit 8 (register bit 24) marks a non-fatal code
    // (TPM_NON_FATAL = 0x800 plus the low byte). SDG Table I-4.
    constexpr u16 tpm12_rc() const {
        return static_cast<u16>((tpm_rc & 0x100u) ? (0x800u | (tpm_rc & 0xffu)) : (tpm_rc & 0xffu));
    }
    friend constexpr bool operator==(const decoded_errorcode&, const decoded_errorcode&) = default;
};

namespace errorcode_text {
inline constexpr const char* acm_specific_cause =
    "This class/major pair is not one of the stable codes of SDG Table I-4; its meaning is specific to this ACM "
    "release.";
inline constexpr const char* acm_specific_check =
    "Look the value up in the error-code text file shipped with this SINIT (or BIOS ACM) package. The class "
    "roughly tracks how far the ACM got, not strictly the order of its checks.";
inline constexpr const char* known_class_cause =
    "The class is one of SDG Table I-4 but this major code is not; its meaning is specific to this ACM release.";
inline constexpr const char* reserved_module_cause =
    "The module type is neither BIOS ACM (0) nor SINIT (1) (tboot uses 9 for its revocation ACM); the code "
    "comes from an ACM this decoder has no table for.";
inline constexpr const char* reserved_module_check =
    "Look the value up in the documentation shipped with the ACM that ran.";
inline constexpr const char* mle_unknown_cause =
    "An MLE wrote this code but it is not in the Secure Launch registry (Linux v16 numbering); bits 14:0 are "
    "defined by that MLE.";
inline constexpr const char* mle_unknown_check =
    "Check which MLE ran (Linux, Xen, tboot) and its own list of reset codes; the Secure Launch registry covers "
    "0xC0008001..0xC0008024.";
inline constexpr const char* mle_outside_cause =
    "An MLE wrote this code with bits 14:10 or the minor field set: outside the range below 0x400 that Secure "
    "Launch defines.";
}  // namespace errorcode_text

// Decodes any value of TXT.ERRORCODE. Total: every input yields a description.
constexpr decoded_errorcode decode_errorcode(u64 raw) {
    namespace f = errorcode_field;
    decoded_errorcode d;
    d.raw = raw;
    d.value = static_cast<u32>(raw & 0xffffffffu);
    d.upper_bits_set = (raw >> 32) != 0;
    const u64 v = d.value;
    d.valid = f::valid.test(v);
    d.external = f::external.test(v);
    d.field_report = "";

    if (!d.valid) {
        d.status = errorcode_status::no_error;
        d.source = errorcode_source::none;
        d.source_name = "none";
        if (d.value == 0) {
            d.documented = true;
            d.error_name = "no error recorded";
            d.likely_cause = "The register holds its reset value: no launch has reported anything since power-on, "
                             "or the MLE cleared it after a successful launch.";
            d.what_to_check = "Nothing.";
        } else {
            d.error_name = "not valid";
            d.likely_cause = "VALID (bit 31) is clear, so the other bits carry no report.";
            d.what_to_check = "Nothing, unless software wrote this value by mistake.";
        }
        return d;
    }

    if (!d.external) {
        d.source = errorcode_source::processor;
        d.source_name = "processor";
        d.type = static_cast<u16>(f::type.get(v));
        d.extended = static_cast<u8>(f::extended.get(v));
        d.reserved_bits_set = (v & errorcode_processor_info.reserved_mask()) != 0;
        d.status = errorcode_status::error;
        if (const std::size_t i = processor_error_index(d.type); i < processor_error_count) {
            d.documented = true;
            d.error_name = processor_error_types[i].name;
            d.likely_cause = processor_error_types[i].cause;
            d.what_to_check = processor_error_types[i].check;
            if (d.type == 0x10) d.minor_meaning = "extended value = ACM SVN";
        } else {
            d.error_name = "reserved shutdown type";
            d.likely_cause = "SDG Table I-2 reserves this processor shutdown type; a newer processor may define it.";
            d.what_to_check = "Check the processor's documentation (newer revisions of the SDG).";
        }
        d.field_report = errorcode_report_note(d.value);
        return d;
    }

    d.module_type = static_cast<u8>(f::module_type.get(v));
    d.error_class = static_cast<u8>(f::error_class.get(v));
    d.major = static_cast<u8>(f::major.get(v));
    d.minor = static_cast<u16>(f::minor.get(v));
    d.implementation = static_cast<u8>(f::implementation.get(v));
    d.field_report = errorcode_report_note(d.value);

    if (f::source.test(v)) {
        d.source = errorcode_source::mle;
        d.source_name = "MLE";
        d.status = errorcode_status::error;
        d.mle_code = static_cast<u16>(f::mle_code.get(v));
        const bool in_sl_range = d.mle_code < sl_project_range_end && d.minor == 0 && d.implementation == 0;
        if (in_sl_range) {
            if (const std::size_t i = sl_error_index(d.mle_code); i < sl_error_count) {
                d.documented = true;
                d.error_name = sl_errors[i].name;
                d.likely_cause = sl_errors[i].cause;
                d.what_to_check = sl_errors[i].check;
                return d;
            }
            d.error_name = "MLE-defined code";
            d.likely_cause = errorcode_text::mle_unknown_cause;
        } else {
            d.error_name = "MLE-defined code";
            d.likely_cause = errorcode_text::mle_outside_cause;
        }
        d.what_to_check = errorcode_text::mle_unknown_check;
        return d;
    }

    d.source = errorcode_source::acm;
    d.source_name = "ACM";
    if (d.value == errorcode_sinit_success) {
        d.status = errorcode_status::success;
        d.documented = true;
        d.module_name = "SINIT";
        d.error_name = "success";
        d.class_name = "none";
        d.likely_cause = "SINIT completed the measured launch and handed control to the MLE.";
        d.what_to_check = "Nothing.";
        return d;
    }
    if (d.value == errorcode_racm_success) {
        d.status = errorcode_status::success;
        d.documented = true;
        d.module_name = "RACM (revocation ACM)";
        d.error_name = "revocation completed";
        d.class_name = "none";
        d.likely_cause = "The revocation ACM completed (tboot treats this value as success; not in SDG-013).";
        d.what_to_check = "Nothing.";
        return d;
    }
    d.status = errorcode_status::error;

    errorcode_table table = errorcode_table::sdg;
    switch (d.module_type) {
        case errorcode_module_bios_acm: d.module_name = "BIOS ACM"; break;
        case errorcode_module_sinit: d.module_name = "SINIT"; break;
        case errorcode_module_racm:
            d.module_name = "RACM (revocation ACM)";
            table = errorcode_table::racm;
            break;
        default:
            d.module_name = "reserved module type";
            d.error_name = "code of an unknown module";
            d.likely_cause = errorcode_text::reserved_module_cause;
            d.what_to_check = errorcode_text::reserved_module_check;
            return d;
    }

    if (d.error_class == 0 && d.major == 0) {
        d.class_name = "none";
        d.error_name = "no class or major";
        d.likely_cause = "The ACM wrote a valid report with class 0 and major 0, which SDG-013 does not define "
                         "(only 0xC0000001 is a success value); tboot reports such values as errors.";
        d.what_to_check = "Check the minor code and the text file shipped with the ACM.";
        return d;
    }

    if (const std::size_t c = acm_class_index(table, d.error_class); c < acm_class_count)
        d.class_name = acm_error_classes[c].name;
    if (const std::size_t e = acm_error_index(table, d.error_class, d.major); e < acm_error_count) {
        d.documented = true;
        d.error_name = acm_error_codes[e].name;
        d.likely_cause = acm_error_codes[e].cause;
        d.what_to_check = acm_error_codes[e].check;
    } else {
        d.error_name = "ACM-specific";
        d.likely_cause = *d.class_name ? errorcode_text::known_class_cause : errorcode_text::acm_specific_cause;
        d.what_to_check = errorcode_text::acm_specific_check;
    }

    // Sub-errors in the minor code.
    if (d.error_class == 0x04 && d.major == 0x01) {
        d.detail = errorcode_detail::tpm;
        d.tpm_rc = d.minor;
        d.minor_meaning = "TPM return code";
    } else if (table == errorcode_table::sdg && d.error_class == 0x06 && (d.major == 0x07 || d.major == 0x08)) {
        d.detail = errorcode_detail::lcp;
        d.lcp_list_index = static_cast<u8>(d.minor >> 6);
        d.lcp_minor = static_cast<u8>(d.minor & 0x3f);
        d.minor_meaning = "(policy list index << 6) + detail";
    } else if (table == errorcode_table::sdg && d.error_class == 0x06 && d.major == 0x04) {
        d.minor_meaning = "policy element type";
    } else if (table == errorcode_table::sdg && d.error_class == 0x01 && d.major == 0x01) {
        d.minor_meaning = "launch error detail (ACM-specific)";
    } else if (d.minor != 0) {
        d.minor_meaning = "ACM-specific detail";
    }
    return d;
}

// ---------------------------------------------------------------------------------------------
// A value typed by a person: decimal digits, or "0x"/"0X" followed by 1 to 16 hex digits. No
// sign, spaces or suffix; false (and `out` untouched) for anything else or a value above 2^64-1.

constexpr bool parse_unsigned(const char* s, std::size_t n, u64& out) {
    if (!s || n == 0) return false;
    u64 v = 0;
    if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        if (n - 2 > 16) return false;
        for (std::size_t i = 2; i < n; ++i) {
            const char c = s[i];
            u64 d = 0;
            if (c >= '0' && c <= '9') d = static_cast<u64>(c - '0');
            else if (c >= 'a' && c <= 'f') d = static_cast<u64>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F') d = static_cast<u64>(c - 'A' + 10);
            else return false;
            v = (v << 4) | d;
        }
        out = v;
        return true;
    }
    constexpr u64 max_div_10 = 1844674407370955161u;  // (2^64 - 1) / 10; its remainder is 5
    for (std::size_t i = 0; i < n; ++i) {
        const char c = s[i];
        if (c < '0' || c > '9') return false;
        const u64 d = static_cast<u64>(c - '0');
        if (v > max_div_10 || (v == max_div_10 && d > 5)) return false;
        v = v * 10 + d;
    }
    out = v;
    return true;
}

// ---------------------------------------------------------------------------------------------
// Text: the same lines on a bare-metal console and in txt-tool.
//
//   TXT.ERRORCODE = 0xc0002491: SINIT error, class 0x09 TXT heap (heap tables and OsSinitData), major 0x09 ...
//     source: ACM (EXTERNAL = 1, SOURCE = 0)
//     module: 0x1 SINIT
//     ...
// A buffer of errorcode_text_capacity bytes always holds the whole text.

inline constexpr std::size_t errorcode_text_capacity = 2048;

constexpr void print_errorcode_summary(text_sink& s, const decoded_errorcode& d) {
    s.text("TXT.ERRORCODE = ");
    s.hex(d.value, 8);
    s.text(": ");
    switch (d.source) {
        case errorcode_source::none: s.text(d.error_name); break;
        case errorcode_source::processor:
            s.text("processor error type ");
            s.hex(d.type);
            s.put(' ');
            s.text(d.error_name);
            break;
        case errorcode_source::mle:
            s.text("MLE error ");
            s.hex(d.mle_code, 3);
            s.put(' ');
            s.text(d.error_name);
            break;
        case errorcode_source::acm:
            if (d.status == errorcode_status::success) {
                s.text("success (");
                s.text(d.module_name);
                s.text(": ");
                s.text(d.error_name);
                s.put(')');
                break;
            }
            s.text(d.module_name);
            s.text(" error, class ");
            s.hex(d.error_class, 2);
            if (*d.class_name) {
                s.put(' ');
                s.text(d.class_name);
            }
            s.text(", major ");
            s.hex(d.major, 2);
            s.put(' ');
            s.text(d.error_name);
            break;
    }
}

constexpr std::size_t format_errorcode(const decoded_errorcode& d, char* out, std::size_t capacity) {
    text_sink s(out, capacity);
    print_errorcode_summary(s, d);
    s.put('\n');
    if (d.upper_bits_set) {
        s.text("  note: bits 63:32 are reserved and set (");
        s.hex(d.raw >> 32);
        s.text("); decoded bits 31:0\n");
    }
    s.text("  source: ");
    switch (d.source) {
        case errorcode_source::none: s.text("none (VALID = 0)\n"); break;
        case errorcode_source::processor: s.text("processor (VALID = 1, EXTERNAL = 0)\n"); break;
        case errorcode_source::acm: s.text("ACM (VALID = 1, EXTERNAL = 1, SOURCE = 0)\n"); break;
        case errorcode_source::mle: s.text("MLE (VALID = 1, EXTERNAL = 1, SOURCE = 1)\n"); break;
    }
    s.text("  status: ");
    s.text(name(d.status));
    s.put('\n');
    if (d.source == errorcode_source::processor) {
        s.text("  type: ");
        s.hex(d.type);
        s.put(' ');
        s.text(d.error_name);
        s.put('\n');
        s.text("  extended: ");
        s.hex(d.extended, 2);
        if (*d.minor_meaning) {
            s.text(" (");
            s.text(d.minor_meaning);
            s.put(')');
        }
        s.put('\n');
        if (d.reserved_bits_set) s.text("  note: reserved bits (15, 29:24) are set\n");
    } else if (d.source == errorcode_source::acm || d.source == errorcode_source::mle) {
        if (d.source == errorcode_source::mle) {
            s.text("  code: ");
            s.hex(d.mle_code, 3);
            s.put(' ');
            s.text(d.error_name);
            if (d.documented) s.text(" (Secure Launch registry)");
            s.put('\n');
        } else {
            s.text("  module: ");
            s.hex(d.module_type);
            s.put(' ');
            s.text(d.module_name);
            s.put('\n');
            s.text("  class: ");
            s.hex(d.error_class, 2);
            s.put(' ');
            s.text(*d.class_name ? d.class_name : "(not a stable class: ACM-specific)");
            s.put('\n');
            s.text("  major: ");
            s.hex(d.major, 2);
            s.put(' ');
            s.text(d.error_name);
            s.put('\n');
        }
        if (d.source == errorcode_source::acm || d.minor != 0) {
            s.text("  minor: ");
            s.hex(d.minor, 3);
            if (*d.minor_meaning) {
                s.put(' ');
                s.text(d.minor_meaning);
            }
            s.put('\n');
        }
        if (d.detail == errorcode_detail::tpm) {
            s.text("  TPM: TPM 2.0 response code ");
            s.hex(d.tpm2_rc(), 3);
            s.text("; read as TPM 1.2: ");
            s.text((d.tpm_rc & 0x100u) ? "non-fatal " : "fatal ");
            s.hex(d.tpm12_rc());
            s.put('\n');
        } else if (d.detail == errorcode_detail::lcp) {
            s.text("  LCP: policy list index ");
            s.dec(d.lcp_list_index);
            s.text(", detail ");
            s.hex(d.lcp_minor, 2);
            s.put('\n');
        }
        if (d.implementation != 0) {
            s.text("  implementation bits 29:28: ");
            s.hex(d.implementation);
            s.put('\n');
        }
    }
    if (d.source != errorcode_source::none && !d.documented && d.status == errorcode_status::error)
        s.text("  documented: no (not in SDG Tables I-2/I-4, tboot's RACM list or the Secure Launch registry)\n");
    s.text("  likely cause: ");
    s.text(d.likely_cause);
    s.put('\n');
    s.text("  what to check: ");
    s.text(d.what_to_check);
    s.put('\n');
    if (*d.field_report) {
        s.text("  reported: ");
        s.text(d.field_report);
        s.put('\n');
    }
    return s.size();
}

constexpr std::size_t format_errorcode(u64 raw, char* out, std::size_t capacity) {
    return format_errorcode(decode_errorcode(raw), out, capacity);
}

}  // namespace dlh::txt
