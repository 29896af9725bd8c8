// SPDX-License-Identifier: MIT
// A simulated Intel TXT machine (dlh::sim::txt_platform) satisfying dlh::platform: the processor
// model of machine.hpp with SMX, the TXT configuration registers (public and private space, the
// command registers), GETSEC[CAPABILITIES/PARAMETERS/SMCTRL/WAKEUP/SEXIT], and GETSEC[SENTER]
// carried out by a simulated SINIT: the checks the fact sheet says SINIT makes, each leaving the
// TXT.ERRORCODE value documented in spec/dlh.md "Simulator" (SDG Table I-4 classes and majors,
// decoded by dlh/txt/errorcode.hpp), and on success the DRTM measurement, SinitMleData, the
// launch state and a call to the host "MLE".
//
// The check -> ERRORCODE table (rule SIM-n; "P" = the processor, no ACM ran):
//   SIM-10 #UD   CR4.SMXE clear, or GETSEC[CAPABILITIES] has no chipset or no SENTER leaf
//   SIM-11 #GP   CR0.PE clear, IA32_FEATURE_CONTROL LOCK or SENTER global enable clear
//   SIM-12 #GP   not the BSP (IA32_APIC_BASE.BSP)
//   SIM-13 #GP   a launch is active (TXT.STS.SENTER.DONE)
//   SIM-14 #GP   CR0.CD/NW set or NE clear
//   SIM-15 #GP   machine check in progress or a valid MCi_STATUS bank
//   SIM-16 #GP   TXT.ESTS.TXT_RESET.STS set
//   SIM-17 #GP   EBX/ECX: base not 4 KiB aligned, size 0 / not a multiple of 64 / above the
//                GETSEC[PARAMETERS] maximum, or the module not below 4 GiB
//   SIM-18 #GP   TPM locality 0 active (SDM: TPM.ACCESS_0.activeLocality must be clear)
//   SIM-19 P 0x80000008 #BadACMFormat: the module is not in memory, or parse_acm fails
//                (P 0x80000006 #UnsupportedACM for TXT-A6/A7/A8: type, vendor, header version)
//   SIM-20 P 0x80000005 #BadACMMType: some byte of the module is not WB under the MTRRs
//   SIM-21 P 0x80000007 #AuthenticateFail: TXT.PUBLIC.KEY is set and is not SHA-256 of the
//                module's public key, or debug/production signing disagrees with the fuse (TXT-A41)
//   SIM-22 1/1   not a SINIT (TXT-A17/A18), or not loaded at TXT.SINIT.BASE within TXT.SINIT.SIZE
//   SIM-23 1/3 platform type (TXT-A40); 1/1 chipset or processor list (TXT-A42..A45);
//          4/0xE TPM family (TXT-A46/A47); 4/0x10 no common hash algorithm (TXT-A48)
//   SIM-24 1/1   an application processor not in wait-for-SIPI
//   SIM-25 4/0xD no TPM connected; 4/1 a locality other than 0 active; 4/0xF more than 3 banks
//   SIM-26 2/1 default memory type not UC (or not allowed by PARAMETERS type 3); 2/2 fixed
//          MTRRs enabled; 2/3 a valid variable MTRR that is not WB over the module alone;
//          2/7 a mask not contiguous or wider than 36 bits (without capabilities bit 8)
//   SIM-27 9/x   the heap: TXT.HEAP.BASE/SIZE, parse_heap and check_heap findings mapped by
//          rule (sinit_code_for), OsSinitData version above the ACM's (9/2), capabilities
//          requested that the ACM lacks (9/6)
//   SIM-28 0xE/1 VT-d DMA remapping enabled
//   SIM-29 0xF/x the MLE header (through MleHeaderBase in the page tables) and its
//          compatibility with the SINIT, mapped by rule
//   SIM-30 0x10/x the MLE page tables (walk_mle_page_tables), mapped by rule; 0x10/1 an MLE page
//          or table outside RAM or inside the heap, SINIT region, [640 KiB, 1 MiB) or above 4 GiB
//   SIM-31 0x10/1 the MLE or its page tables not covered by a PMR or the DPR; 9/3, 9/4, 0xE/2,
//          0xE/3 for PMR values (check_pmrs)
//   SIM-32 9/0xB the event log element points outside memory; 0x14/4 the log is too small
//   SIM-33 4/0x10 a PCR bank slrt cannot hash under the "maximum agility" extend policy;
//          4/1 (minor = response code) a TPM command failed
//   SIM-34 9/7   SinitMleData does not fit in the heap
#pragma once

#include <cstddef>

#include "dlh/sim/machine.hpp"
#include "dlh/txt/acm.hpp"
#include "dlh/txt/acm_match.hpp"
#include "dlh/txt/dma.hpp"
#include "dlh/txt/errorcode.hpp"
#include "dlh/txt/getsec.hpp"
#include "dlh/txt/heap_check.hpp"
#include "dlh/txt/mle_pagetable.hpp"
#include "dlh/txt/mtrr.hpp"
#include "dlh/txt/registers.hpp"
#include "policy/event_types.hpp"
#include "policy/eventlog.hpp"

namespace dlh::sim {

// ---------------------------------------------------------------------------------------------
// TXT.ERRORCODE values (SDG B.1.3, Tables I-1..I-3)

// An ACM-initiated code: VALID, EXTERNAL, source ACM, module type SINIT.
constexpr u32 sinit_errorcode(u32 error_class, u32 major, u32 minor = 0) {
    return 0xC0000000u | ((minor & 0xfffu) << 16) | ((major & 0x1fu) << 10) | ((error_class & 0x3fu) << 4) |
           txt::errorcode_module_sinit;
}
// A processor-initiated code: VALID, EXTERNAL = 0, the shutdown type.
constexpr u32 processor_errorcode(u32 type) { return 0x80000000u | (type & 0x7fffu); }

namespace processor_error {
inline constexpr u32 bad_acm_mtype = 5;
inline constexpr u32 unsupported_acm = 6;
inline constexpr u32 authenticate_fail = 7;
inline constexpr u32 bad_acm_format = 8;
}  // namespace processor_error

// SDG Table I-4 class and major.
struct sinit_code {
    u8 error_class = 0;
    u8 major = 0;
    friend constexpr bool operator==(const sinit_code&, const sinit_code&) = default;
};

namespace sim_detail {

constexpr bool same(const char* a, const char* b) {
    while (*a && *a == *b) ++a, ++b;
    return *a == *b;
}
constexpr bool contains(const char* s, const char* part) {
    for (; s && *s; ++s) {
        const char* a = s;
        const char* b = part;
        while (*a && *b && *a == *b) ++a, ++b;
        if (!*b) return true;
    }
    return false;
}
// "TXT-H28" -> 'H', 28.
constexpr bool rule_parts(const char* rule, char& letter, u32& number) {
    if (!rule || rule[0] != 'T' || rule[1] != 'X' || rule[2] != 'T' || rule[3] != '-' || !rule[4]) return false;
    letter = rule[4];
    number = 0;
    for (const char* p = rule + 5; *p; ++p) {
        if (*p < '0' || *p > '9') return false;
        number = number * 10 + static_cast<u32>(*p - '0');
    }
    return true;
}

}  // namespace sim_detail

// The class/major the simulated SINIT leaves for a finding of the library's checks (the choice
// for each rule is in spec/dlh.md "Simulator"). High-PMR fields select the "high" majors.
constexpr sinit_code sinit_code_for(const error& e) {
    char letter = 0;
    u32 n = 0;
    if (!sim_detail::rule_parts(e.rule, letter, n)) return {1, 1};
    const bool hi = sim_detail::contains(e.field, "_hi_");
    switch (letter) {
        case 'H':
            switch (n) {
                case 6: case 10: case 12: case 20: case 21: case 25: case 39: return {9, 2};
                case 16: return {9, 7};
                case 26: case 27: case 41: case 42: return {9, 6};
                case 28: return {9, static_cast<u8>(hi ? 4 : 3)};
                case 29: case 30: case 31: return {0xE, static_cast<u8>(hi ? 3 : 2)};
                case 32: return {0xF, 5};
                case 33: case 36: return {0x10, 1};
                case 34: case 35: return {9, 5};
                case 37: return {0xE, 2};
                case 38: case 40: return {9, 0xB};
                default: return {9, 1};
            }
        case 'X':
            if (n == 1) return {9, 0xA};
            if (n >= 19 && n <= 25) return {9, 0xB};
            if (n == 27) return {9, 8};
            return {9, 9};
        case 'M':
            switch (n) {
                case 2: return {0xF, 2};
                case 6: return {0xF, 5};
                case 7: case 8: return {0xF, 4};
                case 9: return {0xF, 6};
                case 11: case 16: case 17: return {0xF, 7};
                case 12: return {0xF, 1};
                default: return {0xF, 3};
            }
        case 'T':
            switch (n) {
                case 4: return {9, 5};
                case 11: return {0x10, 3};
                case 12: return {0x10, 4};
                case 13: return {0x10, 2};
                case 7: case 14: case 16: case 18: return {0x10, 5};
                case 15: case 17: return {0xF, 4};
                default: return {0x10, 1};
            }
        case 'D':
            switch (n) {
                case 1: case 2: return {9, static_cast<u8>(hi ? 4 : 3)};
                case 3: case 4: return {0xE, static_cast<u8>(hi ? 3 : 2)};
                default: return {0x10, 1};
            }
        case 'A':
            switch (n) {
                case 40: return {1, 3};
                case 46: case 47: return {4, 0xE};
                case 48: return {4, 0x10};
                case 49: return {0xF, 3};
                case 50: return {0xF, 7};
                default: return {1, 1};
            }
        default: return {1, 1};
    }
}

// ---------------------------------------------------------------------------------------------
// The outcome of the last GETSEC[SENTER] (or SKINIT on the AMD platform).

enum class launch_outcome : u8 {
    none = 0,
    fault,            // #UD/#GP: nothing ran, ERRORCODE unchanged
    processor_error,  // the processor refused the module: ERRORCODE = 0x8000_00xx
    acm_error,        // the simulated SINIT refused the launch: ERRORCODE = 0xC000_xxx1
    launched,         // the MLE (or secure loader) was entered
};

constexpr const char* name(launch_outcome o) {
    switch (o) {
        case launch_outcome::none: return "none";
        case launch_outcome::fault: return "fault";
        case launch_outcome::processor_error: return "processor_error";
        case launch_outcome::acm_error: return "acm_error";
        case launch_outcome::launched: return "launched";
    }
    return "none";
}

struct launch_record {
    launch_outcome outcome = launch_outcome::none;
    u32 errorcode = 0;       // TXT.ERRORCODE afterwards (0 on the AMD platform)
    const char* rule = "";   // SIM-n
    const char* check = "";  // what failed, in words
    error cause{};           // the library finding behind it (TXT-H28, TXT-T13, ...) or the SIM error
    status entry_status = success;  // what the entry callback returned
};

// ---------------------------------------------------------------------------------------------
// The TXT machine's configuration (what firmware and silicon fix).

struct txt_config {
    u32 getsec_capabilities = 0x1FD;  // chipset present, ENTERACCS, EXITAC, SENTER, SEXIT, PARAMETERS, SMCTRL, WAKEUP
    txt::getsec_parameters parameters{};  // GETSEC[PARAMETERS]; the defaults report only NULL
    u64 didvid = 0x0000000100A08086ull;   // VID 0x8086, DID 0x00A0, RID 1
    u64 ver_fsbif = 0x80000000ull;        // production fused
    u64 ver_qpiif = 0x80000000ull;
    u8 public_key[txt::public_key_size]{};  // TXT.PUBLIC.KEY; all zero: not checked
    bool dma_remapping_enabled = false;     // VT-d translation on at SENTER (SINIT 0xE/1)
    u32 processor_scrtm_status = 0;         // SinitMleData.ProcessorSCRTMStatus, TXT_EVTYPE_CPU_SCRTM_STAT
    u32 max_pcr_banks = 3;                  // more active banks: SINIT 4/0xF
};

// The register file. Offsets and fields: dlh/txt/registers.hpp.
struct txt_register_file {
    u64 sts = txt::sts_field::sexit_done.mask();
    u64 ests = 0;
    u64 errorcode = 0;
    u64 ver_fsbif = 0;
    u64 didvid = 0;
    u64 ver_qpiif = 0;
    u64 sinit_base = 0;
    u64 sinit_size = 0;
    u64 mle_join = 0;
    u64 heap_base = 0;
    u64 heap_size = 0;
    u64 mseg_base = 0;
    u64 mseg_size = 0;
    u64 dpr = 0;
    u64 public_key[4]{};
    u64 e2sts = 0;
    u64 scratchpad = 0;
    u32 resets = 0;  // TXT.CMD.RESET writes
};

// ILP state at the MLE entry point (SDG App. F "Table E-2"; txt.md §5.5).
struct mle_entry_state {
    u32 eip = 0;           // physical address of the entry point
    u32 ebx = 0;           // the entry point (physical, as Linux reads it)
    u32 ecx = 0;           // MLE page-table base when OsSinitData requested ECX_PGTBL, else 0 (undefined)
    bool ecx_valid = false;
    u32 entry_linear = 0;  // the MLE header's EntryPoint
    u64 cr0 = 0, cr4 = 0;
    u64 efer = 0, debugctl = 0, misc_enable = 0, apic_base = 0;
    u64 dr7 = txt::mle_entry::dr7;
    u16 cs_selector = 0;   // the SINIT's SegSel
    u16 cs_ar = txt::mle_entry::code_segment_ar;
    u32 cs_limit = txt::mle_entry::flat_limit;
    bool interrupts = false, smi_masked = true, nmi_blocked = true;
    u64 sinit_mle_data = 0;  // physical address of SinitMleData (its size field)
    u64 mle_ptab = 0;
    u64 event_log = 0;       // physical address of the TCG log SINIT began (0: none)
    u32 event_log_size = 0;  // bytes SINIT wrote (header and events)
    u32 bank_count = 0;      // banks SINIT extended
    hash_alg banks[8]{};
    digest mle_hash[8]{};    // the MLE measurement per bank (capped digest for a bank slrt cannot hash)
};

// The MLE as the host function it is here.
class txt_platform;
using mle_callback = entry_callback<txt_platform, mle_entry_state>;

// An MSR reader over the model without fault bookkeeping (for the MTRR helpers).
struct msr_snapshot {
    const cpu_model* cpu = nullptr;
    constexpr u64 read_msr(u32 index) const { return cpu->msr(index); }
};

class txt_platform : public machine {
public:
    txt_config config{};
    txt_register_file regs{};
    tpm_port* tpm = nullptr;
    mle_callback mle{};
    launch_record last_launch{};
    u32 senter_count = 0;
    bool smi_masked = false;
    bool nmi_blocked = false;

    txt_platform() {
        init_state = ap_state::wait_for_sipi;
        tis.decoded = 0x01;  // locality 0 only until TXT opens 1 or 2
    }

    // Copies the configuration's silicon values into the registers (call after changing config).
    void apply_config() {
        regs.didvid = config.didvid;
        regs.ver_fsbif = config.ver_fsbif;
        regs.ver_qpiif = config.ver_qpiif;
        for (u32 i = 0; i < 4; ++i)
            regs.public_key[i] = load_le(byte_view(config.public_key), std::size_t{i} * 8, 8);
        tis.port = tpm;
    }
    void connect_tpm(tpm_port* port) {
        tpm = port;
        tis.port = port;
    }

    constexpr bool launched() const { return txt::sts_field::senter_done.test(regs.sts); }
    constexpr bool private_open() const { return txt::sts_field::private_open.test(regs.sts); }

    // -- dlh::platform: park_aps with the Intel INIT semantics
    status park_aps(ap_method m) { return park_aps_to(m, ap_state::wait_for_sipi); }

    // -- MMIO
    u8 mmio_read8(u64 a) { return static_cast<u8>(mmio_read(a, 1)); }
    u32 mmio_read32(u64 a) { return static_cast<u32>(mmio_read(a, 4)); }
    u64 mmio_read64(u64 a) { return mmio_read(a, 8); }
    void mmio_write8(u64 a, u8 v) { mmio_write(a, 1, v); }
    void mmio_write32(u64 a, u32 v) { mmio_write(a, 4, v); }
    void mmio_write64(u64 a, u64 v) { mmio_write(a, 8, v); }

    u64 mmio_read(u64 address, u32 width) {
        const u64 ones = width == 8 ? ~u64{0} : (u64{1} << (8 * width)) - 1;
        if (address >= txt::private_space_base && address < u64{txt::public_space_base} + txt::config_space_size) {
            const bool priv = address < txt::public_space_base;
            if (priv && !private_open()) {
                faults.add(fault_kind::mmio, address, "TXT private space read while closed");
                return ones;
            }
            const u32 off = static_cast<u32>(address - (priv ? txt::private_space_base : txt::public_space_base));
            const u64 v = register_value(off & ~7u);
            return (v >> (8 * (off & 7u))) & ones;
        }
        u64 out = 0;
        if (common_mmio_read(address, width, out)) return out;
        faults.add(fault_kind::mmio, address, "MMIO read of an address nothing decodes");
        return ones;
    }

    void mmio_write(u64 address, u32 width, u64 value) {
        if (address >= txt::private_space_base && address < u64{txt::public_space_base} + txt::config_space_size) {
            const bool priv = address < txt::public_space_base;
            if (priv && !private_open()) {
                faults.add(fault_kind::mmio, address, "TXT private space write while closed");
                return;
            }
            const u32 off = static_cast<u32>(address - (priv ? txt::private_space_base : txt::public_space_base));
            write_register(off & ~7u, value, priv, width, 8 * (off & 7u));
            return;
        }
        if (common_mmio_write(address, width, value)) return;
        faults.add(fault_kind::mmio, address, "MMIO write to an address nothing decodes");
    }

    // -- GETSEC: the non-launching leaves
    cpu_registers getsec(u32 leaf, u32 ebx, u32, u32) {
        if (!txt::cr4_field::smxe.test(cpu.cr4)) {
            faults.add(fault_kind::invalid_opcode, leaf, "GETSEC with CR4.SMXE clear (#UD)");
            return {};
        }
        switch (static_cast<txt::getsec_leaf>(leaf)) {
            case txt::getsec_leaf::capabilities:
                return cpu_registers{ebx == 0 ? config.getsec_capabilities : 0, 0, 0, 0};
            case txt::getsec_leaf::parameters: {
                txt::getsec_parameter_triple t[txt::max_getsec_parameter_indices]{};
                const u32 n = txt::encode_getsec_parameters(config.parameters, t, txt::max_getsec_parameter_indices);
                if (ebx < n) return cpu_registers{t[ebx].eax, t[ebx].ebx, t[ebx].ecx, 0};
                return cpu_registers{};
            }
            case txt::getsec_leaf::smctrl:
                if (launched()) smi_masked = false;
                return {};
            case txt::getsec_leaf::wakeup:
                if (!launched()) {
                    faults.add(fault_kind::general_protection, leaf, "GETSEC[WAKEUP] outside a measured launch (#GP)");
                    return {};
                }
                for (u32 i = 0; i < aps.count; ++i) aps.state[i] = ap_state::running;
                return {};
            case txt::getsec_leaf::sexit:
                if (!launched()) {
                    faults.add(fault_kind::general_protection, leaf, "GETSEC[SEXIT] outside a measured launch (#GP)");
                    return {};
                }
                regs.sts = (regs.sts & ~(txt::sts_field::senter_done.mask() | txt::sts_field::locality2_open.mask())) |
                           txt::sts_field::sexit_done.mask();
                tis.decoded = static_cast<u8>(tis.decoded & ~0x04u);
                return {};
            default:
                faults.add(fault_kind::invalid_opcode, leaf, "GETSEC leaf not modelled through getsec()");
                return {};
        }
    }

    status skinit(u32) {
        faults.add(fault_kind::invalid_opcode, 0, "SKINIT on an Intel processor (#UD)");
        return error{errc::launch_requirement, 0, no_entry, "skinit", "SIM-10", "SKINIT raises #UD on this platform",
                     0, 0};
    }

    // -- GETSEC[SENTER] (EDX = 0): the processor's checks, the simulated SINIT, the MLE.
    status senter(u32 ebx, u32 ecx);

private:
    u64 register_value(u32 off) const {
        namespace r = txt::config_reg;
        switch (off) {
            case r::sts: return regs.sts;
            case r::ests: return regs.ests;
            case r::errorcode: return regs.errorcode;
            case r::ver_fsbif: return regs.ver_fsbif;
            case r::didvid: return regs.didvid;
            case r::ver_qpiif: return regs.ver_qpiif;
            case r::sinit_base: return regs.sinit_base;
            case r::sinit_size: return regs.sinit_size;
            case r::mle_join: return regs.mle_join;
            case r::heap_base: return regs.heap_base;
            case r::heap_size: return regs.heap_size;
            case r::mseg_base: return regs.mseg_base;
            case r::mseg_size: return regs.mseg_size;
            case r::dpr: return regs.dpr;
            case r::public_key: return regs.public_key[0];
            case r::public_key + 8: return regs.public_key[1];
            case r::public_key + 16: return regs.public_key[2];
            case r::public_key + 24: return regs.public_key[3];
            case r::e2sts: return regs.e2sts;
            case r::scratchpad: return regs.scratchpad;
            default: return 0;
        }
    }

    // A write of `width` bytes at bit `shift` of the 64-bit register at `off`.
    void write_register(u32 off, u64 value, bool priv, u32 width, u32 shift) {
        namespace r = txt::config_reg;
        namespace s = txt::sts_field;
        const u64 mask = (width == 8 ? ~u64{0} : width == 4 ? 0xffffffffull : 0xffull) << shift;
        auto merge = [&](u64& reg) { reg = (reg & ~mask) | ((value << shift) & mask); };
        switch (off) {
            case r::errorcode: if (priv) merge(regs.errorcode); return;
            case r::sinit_base: merge(regs.sinit_base); return;
            case r::sinit_size: merge(regs.sinit_size); return;
            case r::mle_join: merge(regs.mle_join); return;
            case r::heap_base: merge(regs.heap_base); return;
            case r::heap_size: merge(regs.heap_size); return;
            case r::mseg_base: merge(regs.mseg_base); return;
            case r::mseg_size: merge(regs.mseg_size); return;
            case r::dpr:
                if (!txt::dpr_field::lock.test(regs.dpr)) merge(regs.dpr);
                return;
            case r::scratchpad: merge(regs.scratchpad); return;
            default: break;
        }
        if (!priv) return;  // command registers live in the private space only
        switch (off) {
            case r::cmd_reset: ++regs.resets; return;
            case r::cmd_close_private:
                regs.sts &= ~(s::private_open.mask() | s::locality2_open.mask());
                tis.decoded = static_cast<u8>(tis.decoded & ~0x04u);
                return;
            case r::cmd_unlock_mem_config: regs.sts &= ~s::mem_config_lock.mask(); return;
            case r::cmd_open_locality1:
                regs.sts |= s::locality1_open.mask();
                tis.decoded = static_cast<u8>(tis.decoded | 0x02u);
                return;
            case r::cmd_close_locality1:
                regs.sts &= ~s::locality1_open.mask();
                tis.decoded = static_cast<u8>(tis.decoded & ~0x02u);
                return;
            case r::cmd_open_locality2:
                regs.sts |= s::locality2_open.mask();
                tis.decoded = static_cast<u8>(tis.decoded | 0x04u);
                return;
            case r::cmd_close_locality2:
                regs.sts &= ~s::locality2_open.mask();
                tis.decoded = static_cast<u8>(tis.decoded & ~0x04u);
                return;
            case r::cmd_secrets: regs.e2sts |= txt::e2sts_field::secrets.mask(); return;
            case r::cmd_no_secrets: regs.e2sts &= ~txt::e2sts_field::secrets.mask(); return;
            default: return;
        }
    }

    // -- outcomes
    status fault(fault_kind kind, const char* rule, const char* check, u64 value, u64 limit) {
        faults.add(kind, value, check);
        const error e{errc::launch_requirement, 0, no_entry, "getsec_senter", rule, check, value, limit};
        last_launch = launch_record{launch_outcome::fault, static_cast<u32>(regs.errorcode), rule, check, e, success};
        return e;
    }
    status refuse(launch_outcome outcome, u32 code, const char* rule, const char* check, const error& cause) {
        regs.errorcode = code;
        const error e{errc::launch_requirement, txt::config_reg::errorcode, no_entry, "TXT.ERRORCODE", rule, check,
                      code, 0};
        last_launch = launch_record{outcome, code, rule, check, cause, success};
        // A failed launch ends in a TXT reset on hardware; the model keeps the machine as it is so
        // that a test can read ERRORCODE, and counts the reset.
        ++regs.resets;
        return e;
    }
    status processor_refuse(u32 type, const char* rule, const char* check, const error& cause) {
        return refuse(launch_outcome::processor_error, processor_errorcode(type), rule, check, cause);
    }
    status sinit_refuse(sinit_code c, const char* rule, const char* check, const error& cause, u32 minor = 0) {
        return refuse(launch_outcome::acm_error, sinit_errorcode(c.error_class, c.major, minor), rule, check, cause);
    }
    static constexpr error sim_error(errc code, const char* field, const char* rule, const char* message, u64 value,
                                     u64 limit) {
        return error{code, 0, no_entry, field, rule, message, value, limit};
    }

    u8 maxphyaddr() const {
        const u32 w = cpu.cpuid(0x80000008, 0).eax & 0xffu;
        return static_cast<u8>(w >= txt::mtrr_min_width && w <= txt::mtrr_max_width ? w : txt::mtrr_min_width);
    }

    // Linear -> physical through the MLE page tables; false when unmapped.
    bool translate(u64 pdpt, u64 linear, u64& phys) const {
        if (linear >= four_gib) return false;
        const u64 pdpte = memory.load(pdpt + 8 * (linear >> 30), 8);
        if (!(pdpte & txt::mle_pte::present)) return false;
        const u64 pde = memory.load((pdpte & txt::mle_pte::address) + 8 * ((linear >> 21) & 511u), 8);
        if (!(pde & txt::mle_pte::present)) return false;
        if (pde & txt::mle_pte::page_size) {  // converted here; the walk rejects it (0x10/3)
            phys = (pde & 0x000fffffffe00000ull) | (linear & 0x1fffffu);
            return true;
        }
        const u64 pte = memory.load((pde & txt::mle_pte::address) + 8 * ((linear >> 12) & 511u), 8);
        if (!(pte & txt::mle_pte::present)) return false;
        phys = (pte & txt::mle_pte::address) | (linear & 0xfffu);
        return true;
    }
    bool read_linear(u64 pdpt, u64 linear, mutable_byte_view out) const {
        for (std::size_t done = 0; done < out.size();) {
            u64 phys = 0;
            if (!translate(pdpt, linear + done, phys)) return false;
            const std::size_t in_page = 0x1000 - static_cast<std::size_t>((linear + done) & 0xfffu);
            const std::size_t n = out.size() - done < in_page ? out.size() - done : in_page;
            if (!memory.read(phys, out.subview(done, n))) return false;
            done += n;
        }
        return true;
    }

    // A page of the MLE or its tables must be RAM below 4 GiB, outside the heap, the SINIT
    // region and [640 KiB, 1 MiB) (SDG 2.2.4.1 page placement).
    bool placement_ok(u64 page) const {
        const range p{page, 0x1000};
        if (!p.below(four_gib) || !memory.is_ram(page, 0x1000)) return false;
        if (p.overlaps(range{0xA0000, 0x60000})) return false;
        if (p.overlaps(range{regs.heap_base & 0xffffffffu, regs.heap_size & 0xffffffffu})) return false;
        if (p.overlaps(range{regs.sinit_base & 0xffffffffu, regs.sinit_size & 0xffffffffu})) return false;
        return true;
    }

    status tpm_extend(u32 pcr, const digest* d, u32 n) {
        u8 cmd[512]{};
        u8 rsp[512]{};
        const result<u32> c = slrt::tpm2_encode_pcr_extend(mutable_byte_view(cmd, sizeof cmd), pcr, d, n);
        if (!c) return c.err();
        const result<u32> r = tpm->command(3, byte_view(cmd, *c), mutable_byte_view(rsp, sizeof rsp));
        if (!r) return r.err();
        return slrt::tpm2_decode_pcr_extend(byte_view(rsp, *r));
    }
};

// ---------------------------------------------------------------------------------------------
// GETSEC[SENTER]

inline status txt_platform::senter(u32 ebx, u32 ecx) {
    namespace tx = txt;
    ++senter_count;
    last_launch = launch_record{};

    // ---- The processor (SDM GETSEC[SENTER]): #UD/#GP, nothing recorded in ERRORCODE.
    if (!tx::cr4_field::smxe.test(cpu.cr4))
        return fault(fault_kind::invalid_opcode, "SIM-10", "CR4.SMXE is clear: GETSEC raises #UD", cpu.cr4,
                     tx::cr4_field::smxe.mask());
    if ((config.getsec_capabilities & 0x11u) != 0x11u)
        return fault(fault_kind::invalid_opcode, "SIM-10", "GETSEC[CAPABILITIES] reports no chipset or no SENTER",
                     config.getsec_capabilities, 0x11);
    if (!tx::cr0_field::pe.test(cpu.cr0))
        return fault(fault_kind::general_protection, "SIM-11", "CR0.PE is clear", cpu.cr0, 1);
    if (const status s = tx::check_feature_control(cpu.msr(tx::msr_ia32_feature_control),
                                                     tx::feature_control_policy::sdm_minimum);
        !s)
        return fault(fault_kind::general_protection, "SIM-11",
                     "IA32_FEATURE_CONTROL does not lock and enable SENTER", s.err().value, s.err().limit);
    if (!tx::apic_base_field::bsp.test(cpu.msr(tx::msr_ia32_apic_base)))
        return fault(fault_kind::general_protection, "SIM-12", "GETSEC[SENTER] on a processor that is not the BSP",
                     cpu.msr(tx::msr_ia32_apic_base), tx::apic_base_field::bsp.mask());
    if (launched())
        return fault(fault_kind::general_protection, "SIM-13", "a measured launch is already active (STS.SENTER.DONE)",
                     regs.sts, 0);
    if (!tx::check_cr0(cpu.cr0))
        return fault(fault_kind::general_protection, "SIM-14", "CR0.CD or CR0.NW set, or CR0.NE clear", cpu.cr0, 0);
    {
        const u64 mcg_cap = cpu.msr(tx::msr_ia32_mcg_cap);
        const u32 banks = static_cast<u32>(tx::mcg_cap_field::count.get(mcg_cap));
        u64 mci[64]{};
        for (u32 i = 0; i < banks && i < 64; ++i) mci[i] = cpu.msr(tx::msr_ia32_mc_status(i));
        const status s = tx::check_machine_checks(cpu.msr(tx::msr_ia32_mcg_status), mcg_cap, mci,
                                                  banks < 64 ? banks : 64, config.parameters);
        if (!s)
            return fault(fault_kind::general_protection, "SIM-15", "a machine check is pending", s.err().value,
                         s.err().limit);
    }
    if (tx::ests_field::txt_reset.test(regs.ests))
        return fault(fault_kind::general_protection, "SIM-16", "TXT.ESTS.TXT_RESET.STS is set", regs.ests, 0);
    {
        const auto r = tx::senter_registers(ebx, ecx);
        if (!r)
            return fault(fault_kind::general_protection, "SIM-17", r.err().message, r.err().value, r.err().limit);
        if (ecx > config.parameters.max_ac_size)
            return fault(fault_kind::general_protection, "SIM-17",
                         "the module is larger than the GETSEC[PARAMETERS] maximum AC size", ecx,
                         config.parameters.max_ac_size);
    }
    if (tis.any_active() && tis.active() == 0)
        return fault(fault_kind::general_protection, "SIM-18", "TPM locality 0 is active (ACCESS_0.activeLocality)",
                     0, 0);

    // ---- The processor loads and authenticates the module: processor error codes.
    const range module{ebx, ecx};
    const byte_view module_bytes = memory.window(ebx, ecx);
    if (module_bytes.size() != ecx)
        return processor_refuse(processor_error::bad_acm_format, "SIM-19", "the module is not in memory",
                                sim_error(errc::memory_unmapped, "ebx", "SIM-19",
                                          "[EBX, EBX + ECX) is not inside simulated memory", ebx, ecx));
    {
        bool all_wb = true;
        const tx::mtrr_settings m = tx::read_mtrr_settings(msr_snapshot{&cpu});
        tx::walk_mtrr_types(m, module, maxphyaddr(), [&](const range&, const tx::mtrr_lookup& l) {
            if (!l.is(tx::mtrr_type::wb)) all_wb = false;
            return all_wb;
        });
        if (!all_wb)
            return processor_refuse(processor_error::bad_acm_mtype, "SIM-20", "the module is not write-back memory",
                                    sim_error(errc::launch_requirement, "mtrr", "SIM-20",
                                              "some byte of [EBX, EBX + ECX) is not WB under the MTRRs", ebx, ecx));
    }
    tx::acm_parse_options popt;
    popt.require_sinit = false;
    const result<tx::parsed_acm> acm = tx::parse_acm(module_bytes, popt);
    if (!acm) {
        const char* r = acm.err().rule;
        const bool unsupported =
            sim_detail::same(r, "TXT-A6") || sim_detail::same(r, "TXT-A7") || sim_detail::same(r, "TXT-A8");
        return processor_refuse(unsupported ? processor_error::unsupported_acm : processor_error::bad_acm_format,
                                "SIM-19", unsupported ? "the module is not a chipset ACM this processor runs"
                                                      : "the module's header is malformed",
                                acm.err());
    }
    {
        bool key_set = false;
        for (u8 b : config.public_key) key_set = key_set || b != 0;
        if (key_set) {
            const digest h = slrt::hash(hash_alg::sha256, acm->rsa_public_key());
            if (!slrt::equal(h.view(), byte_view(config.public_key)))
                return processor_refuse(processor_error::authenticate_fail, "SIM-21",
                                        "the module is not signed with the chipset's key (TXT.PUBLIC.KEY)",
                                        sim_error(errc::platform_mismatch, "txt.public_key", "SIM-21",
                                                  "SHA-256 of the module's public key differs from TXT.PUBLIC.KEY",
                                                  0, 0));
        }
    }

    // ---- The simulated SINIT.
    const tx::parsed_acm& a = *acm;
    if (!a.info.is_sinit() || a.header.module_subtype == tx::acm_subtype_reset)
        return sinit_refuse({1, 1}, "SIM-22", "the module is not a SINIT",
                            sim_error(errc::invalid_tag, "acm_info.chipset_acm_type", "TXT-A17",
                                      "GETSEC[SENTER] runs SINIT modules only", a.info.chipset_acm_type, 1));
    if ((regs.sinit_base & 0xffffffffu) != ebx || ecx > (regs.sinit_size & 0xffffffffu))
        return sinit_refuse({1, 1}, "SIM-22", "the SINIT does not run from the SINIT region",
                            sim_error(errc::out_of_bounds, "TXT.SINIT.BASE", "SIM-22",
                                      "EBX must equal TXT.SINIT.BASE and ECX fit TXT.SINIT.SIZE", ebx,
                                      regs.sinit_base));

    // Heap first (the match needs BiosData): framing only here, the checks below.
    const u64 heap_base = regs.heap_base & 0xffffffffu;
    const u64 heap_size = regs.heap_size & 0xffffffffu;
    const mutable_byte_view heap = memory.window(heap_base, heap_size);

    {
        tx::platform_values v;
        v.has_didvid = true;
        v.didvid = regs.didvid;
        v.has_ver_fsbif = true;
        v.ver_fsbif = regs.ver_fsbif;
        v.has_ver_qpiif = true;
        v.ver_qpiif = regs.ver_qpiif;
        v.has_fms = true;
        v.fms = cpu.cpuid(1, 0).eax;
        v.has_platform_id = cpu.has_msr(tx::msr_ia32_platform_id);
        v.platform_id = cpu.msr(tx::msr_ia32_platform_id);
        if (heap.size() != 0 && heap_base != 0) {
            const auto b = tx::parse_heap(heap, {tx::heap_stage::bios, tx::os_mle_select::opaque});
            if (b) {
                v.has_bios_data = true;
                v.bios_data_version = b->bios.version;
                v.mle_flags = b->bios.mle_flags;
            }
        }
        v.tpm = tpm ? tx::tpm_kind::tpm20 : tx::tpm_kind::unknown;
        if (tpm) {
            hash_alg banks[8]{};
            const u32 n = tpm->active_banks(banks, 8);
            v.tpm_bank_count = n < tx::max_tpm_banks ? n : tx::max_tpm_banks;
            for (u32 i = 0; i < v.tpm_bank_count; ++i) v.tpm_banks[i] = static_cast<u16>(banks[i]);
        }
        tx::match_options o;
        o.require_ecx_pgtbl = false;
        const tx::check_report r = tx::match_acm(a, v, o);
        for (const tx::check_record& rec : r) {
            if (rec.outcome != tx::check_outcome::fail) continue;
            if (sim_detail::same(rec.rule, "TXT-A41"))
                return processor_refuse(processor_error::authenticate_fail, "SIM-21",
                                        "debug/production signing does not match the chipset fuse", rec.failure);
            if (sim_detail::same(rec.rule, "TXT-A52") || sim_detail::same(rec.rule, "TXT-A53") ||
                sim_detail::same(rec.rule, "TXT-A54") || sim_detail::same(rec.rule, "TXT-A55") ||
                sim_detail::same(rec.rule, "TXT-A49") || sim_detail::same(rec.rule, "TXT-A50") ||
                sim_detail::same(rec.rule, "TXT-A51"))
                continue;  // checked elsewhere (SIM-17, SIM-22, SIM-29)
            return sinit_refuse(sinit_code_for(rec.failure), "SIM-23", "the SINIT does not match this platform",
                                rec.failure);
        }
    }

    if (const u32 i = aps.first_not(ap_state::wait_for_sipi); i != aps.count)
        return sinit_refuse({1, 1}, "SIM-24", "an application processor is not in wait-for-SIPI",
                            error{errc::launch_requirement, 0, i, "ap_state", "SIM-24",
                                  "every AP must be in wait-for-SIPI at SENTER", static_cast<u64>(aps.state[i]),
                                  static_cast<u64>(ap_state::wait_for_sipi)});

    // ---- TPM
    if (!tpm)
        return sinit_refuse({4, 0xD}, "SIM-25", "no TPM is connected",
                            sim_error(errc::tpm_error, "tpm", "SIM-25", "the platform has no TPM", 0, 1));
    if (tis.any_active())
        return sinit_refuse({4, 1}, "SIM-25", "a TPM locality is still active",
                            sim_error(errc::launch_requirement, "tpm.access", "SIM-25",
                                      "every TPM locality must be relinquished before SENTER", tis.active(), 0));
    hash_alg banks[8]{};
    const u32 bank_total = tpm->active_banks(banks, 8);
    if (bank_total > config.max_pcr_banks || bank_total > 8)
        return sinit_refuse({4, 0xF}, "SIM-25", "more PCR banks are active than the SINIT supports",
                            sim_error(errc::tpm_error, "tpm.banks", "SIM-25", "at most 3 active PCR banks",
                                      bank_total, config.max_pcr_banks));

    // ---- MTRRs (SDG 2.2.5.1; the rule numbers are the simulator's, see spec/dlh.md)
    {
        const tx::mtrr_settings m = tx::read_mtrr_settings(msr_snapshot{&cpu});
        const tx::mtrr_def_type_reg def{m.def_type};
        const u8 allowed = static_cast<u8>(def.type());
        const bool type_allowed = allowed == 0 ? config.parameters.memory_type_allowed(tx::acm_memory_type_field::uc)
                                               : false;
        if (def.type() != 0 || !type_allowed)
            return sinit_refuse({2, 1}, "SIM-26", "the default memory type is not UC",
                                sim_error(errc::launch_requirement, "IA32_MTRR_DEF_TYPE.TYPE", "SIM-26",
                                          "MTRR rule 1: default type UC (allowed by GETSEC[PARAMETERS] type 3)",
                                          def.type(), 0));
        if (def.fixed_enabled())
            return sinit_refuse({2, 2}, "SIM-26", "fixed-range MTRRs are enabled",
                                sim_error(errc::launch_requirement, "IA32_MTRR_DEF_TYPE.FE", "SIM-26",
                                          "MTRR rule 2: fixed-range MTRRs disabled", m.def_type, 0));
        const bool wide = a.info.capabilities.maxphyaddr();
        const u8 width = wide ? maxphyaddr() : tx::mtrr_min_width;
        u64 wb_end = 0;
        (void)align_up(u64{ebx} + ecx, 0x1000, wb_end);
        const range allowed_wb{ebx, wb_end - ebx};
        for (u32 i = 0; i < m.vcnt; ++i) {
            const tx::variable_mtrr& p = m.pairs[i];
            if (!p.valid()) continue;
            const u64 mask = p.physmask & tx::mtrr_address_bits(tx::mtrr_max_width);
            if ((mask & ~tx::mtrr_address_bits(width)) != 0 || !tx::mtrr_detail::contiguous_mask(mask, width))
                return sinit_refuse({2, 7}, "SIM-26", "an invalid MTRR mask",
                                    error{errc::launch_requirement, 0, i, "IA32_MTRR_PHYSMASK", "SIM-26",
                                          "masks are contiguous and 36 bits wide unless capabilities bit 8",
                                          p.physmask, tx::mtrr_address_bits(width)});
            const u64 size = tx::mtrr_detail::lowest_bit(mask);
            const range covered{p.base_address(width), size};
            if (p.type() != static_cast<u8>(tx::mtrr_type::wb) || !allowed_wb.contains(covered))
                return sinit_refuse({2, 3}, "SIM-26", "a variable MTRR covers memory other than the SINIT",
                                    error{errc::launch_requirement, 0, i, "IA32_MTRR_PHYSBASE", "SIM-26",
                                          "MTRR rule 3: only the SINIT (rounded up to 4 KiB) may be cached, WB",
                                          p.physbase, ebx});
        }
    }

    // ---- The heap
    if (heap_base == 0 || heap_size == 0 || heap.size() != heap_size)
        return sinit_refuse({9, 1}, "SIM-27", "the TXT heap registers do not describe memory",
                            sim_error(errc::not_found, "TXT.HEAP", "SIM-27",
                                      "TXT.HEAP.BASE/SIZE are 0 or not inside simulated memory", heap_base,
                                      heap_size));
    const auto parsed = tx::parse_heap(heap, {tx::heap_stage::pre_launch, tx::os_mle_select::opaque});
    if (!parsed) return sinit_refuse(sinit_code_for(parsed.err()), "SIM-27", "the heap tables are malformed", parsed.err());
    const tx::os_sinit_data& os = parsed->os_sinit;
    const range dpr_range = tx::dpr_protected_range(regs.dpr);
    {
        tx::heap_check_options o;
        o.mode = tx::check_mode::permissive;
        o.heap_size = heap_size;
        o.heap_base = heap_base;
        o.tpm = tx::tpm_family::tpm20;
        o.dpr = dpr_range;
        const auto c = tx::check_heap(*parsed, o);
        if (!c) return sinit_refuse(sinit_code_for(c.err()), "SIM-27", "the heap tables are invalid", c.err());
        // Permissive mode accepts what launchers in the field write; an element SINIT does not
        // know is not among those (SDG Table I-4: 9/8).
        if (c->has(tx::heap_quirk::unknown_element))
            return sinit_refuse({9, 8}, "SIM-27", "an extended element of a type the SINIT does not know",
                                sim_error(errc::invalid_tag, "os_sinit_data.ext_data_elements", "TXT-X27",
                                          "unknown or misplaced element in OsSinitData", c->unknown_elements, 0));
    }
    if (os.version > a.info.os_sinit_data_ver)
        return sinit_refuse({9, 2}, "SIM-27", "OsSinitData is newer than the SINIT supports",
                            error{errc::unsupported_version, parsed->layout.offset[2] + 8, 2, "os_sinit_data.version",
                                  "SIM-27", "OsSinitData version above AcmInfoTable.OsSinitDataVer", os.version,
                                  a.info.os_sinit_data_ver});
    {
        constexpr u32 checked = 0x207;  // wake-up methods, ECX_PGTBL, TCG log format
        const u32 extra = os.caps.raw & checked & ~a.info.capabilities.raw;
        if (extra != 0)
            return sinit_refuse({9, 6}, "SIM-27", "capabilities requested that the SINIT does not have",
                                error{errc::launch_requirement, parsed->layout.offset[2] + 8 + 80, 2,
                                      "os_sinit_data.capabilities", "SIM-27",
                                      "OsSinitData.Capabilities must be a subset of the SINIT's", os.caps.raw,
                                      a.info.capabilities.raw});
    }
    if (config.dma_remapping_enabled)
        return sinit_refuse({0xE, 1}, "SIM-28", "VT-d DMA remapping is enabled",
                            sim_error(errc::launch_requirement, "vtd", "SIM-28",
                                      "DMA remapping must be disabled before SENTER (PMRs protect the MLE)", 1, 0));

    // ---- The MLE header, found through MleHeaderBase (a linear address) in the MLE page tables
    tx::mle_header h{};
    {
        u8 bytes[tx::mle_header_max_size]{};
        if (!read_linear(os.mle_ptab, os.mle_hdr_base, mutable_byte_view(bytes, sizeof bytes)))
            return sinit_refuse({0xF, 1}, "SIM-29", "MleHeaderBase does not translate through the MLE page tables",
                                sim_error(errc::page_table_invalid, "os_sinit_data.mle_hdr_base", "SIM-29",
                                          "linear address conversion of the MLE header failed", os.mle_hdr_base,
                                          os.mle_ptab));
        const auto parsed_header = tx::parse_mle_header(byte_view(bytes, sizeof bytes));
        if (!parsed_header)
            return sinit_refuse(sinit_code_for(parsed_header.err()), "SIM-29", "the MLE header is invalid",
                                parsed_header.err());
        h = *parsed_header;
        const tx::sinit_mle_support support{a.info.min_mle_header_ver, a.info.capabilities};
        if (const status s = tx::check_mle_sinit_compatibility(h, support); !s)
            return sinit_refuse(sinit_code_for(s.err()), "SIM-29", "the MLE and the SINIT are not compatible", s.err());
        const tx::capabilities mle_caps = tx::effective_mle_capabilities(h);
        if ((os.caps.raw & mle_caps.raw & 3u) == 0)
            return sinit_refuse({0xF, 7}, "SIM-29", "the requested RLP wake-up method is not the MLE's",
                                sim_error(errc::launch_requirement, "os_sinit_data.capabilities", "SIM-29",
                                          "OsSinitData's wake-up method must be one the MLE header supports",
                                          os.caps.raw, mle_caps.raw));
        if (h.has_extent() && h.mle_size() != os.mle_size)
            return sinit_refuse({0xF, 5}, "SIM-29", "OsSinitData.MleSize differs from the MLE header",
                                sim_error(errc::count_mismatch, "os_sinit_data.mle_size", "SIM-29",
                                          "MleSize must equal MleEnd - MleStart", os.mle_size, h.mle_size()));
        const u64 fvp = h.has_extent() ? h.first_valid_page : 0;
        if (!range{fvp, os.mle_size}.contains(range{os.mle_hdr_base, h.header_len}))
            return sinit_refuse({0xF, 1}, "SIM-29", "the MLE header is not inside the MLE",
                                sim_error(errc::out_of_bounds, "os_sinit_data.mle_hdr_base", "SIM-29",
                                          "[MleHeaderBase, +HeaderLen) must lie in [FirstValidPage, +MleSize)",
                                          os.mle_hdr_base, fvp));
    }

    // ---- The MLE page tables: placement, then the walk with the measurement.
    const tx::mle_walk_params wp{os.mle_ptab, os.mle_size, h.has_extent() ? h.first_valid_page : 0};
    {
        u64 bad = 0;
        auto visit = [&](u32, u32, u64 page) -> status {
            if (!placement_ok(page)) {
                bad = page;
                return sim_error(errc::out_of_bounds, "mle_page", "SIM-30",
                                 "an MLE page is outside usable RAM or inside a forbidden range", page, 0);
            }
            return success;
        };
        const auto w = tx::walk_mle_page_tables(memory, wp, visit);
        if (!w) {
            if (bad != 0 || sim_detail::same(w.err().rule, "SIM-30"))
                return sinit_refuse({0x10, 1}, "SIM-30", "an MLE page is misplaced", w.err());
            return sinit_refuse(sinit_code_for(w.err()), "SIM-30", "the MLE page tables are invalid", w.err());
        }
        if (!placement_ok(os.mle_ptab) || !placement_ok(w->table_high))
            return sinit_refuse({0x10, 1}, "SIM-30", "the MLE page tables are misplaced",
                                sim_error(errc::out_of_bounds, "os_sinit_data.mle_ptab", "SIM-30",
                                          "the page tables must be in usable RAM outside the heap and SINIT region",
                                          os.mle_ptab, w->table_high));
        // ---- DMA protection of the MLE and its tables (SDG 1.11.2): a PMR or the DPR.
        const tx::dma_region required[2] = {
            {"mle", range{w->first_page, w->last_page + 0x1000 - w->first_page}, false},
            {"mle_page_tables", range{os.mle_ptab, w->table_high + 0x1000 - os.mle_ptab}, false},
        };
        const slrt::findings f = tx::check_pmrs(os.pmr_lo(), os.pmr_hi(), required, tx::sdg_pmr_profile(dpr_range));
        if (f.count != 0)
            return sinit_refuse(sinit_code_for(f.items[0]), "SIM-31", "the MLE is not DMA protected", f.items[0]);
    }

    // ---- Banks SINIT extends; with "maximum agility" (Flags bit 0 clear) every bank must be computable.
    u32 bank_count = bank_total;
    bool capped[8]{};
    hash_alg hashable[8]{};
    u32 hashable_count = 0;
    for (u32 i = 0; i < bank_count; ++i) {
        capped[i] = !slrt::hasher::is_supported(banks[i]);
        if (!capped[i] && hashable_count < tx::mle_max_banks) hashable[hashable_count++] = banks[i];
        else if (!capped[i]) capped[i] = true;
    }
    for (u32 i = 0; i < bank_count; ++i)
        if (capped[i] && (os.flags & 1u) == 0)
            return sinit_refuse({4, 0x10}, "SIM-33", "a PCR bank the SINIT cannot hash (maximum agility)",
                                error{errc::unknown_algorithm, 0, i, "tpm.banks", "SIM-33",
                                      "the extend policy requires every active bank", static_cast<u16>(banks[i]), 0});

    // ---- The event log SINIT begins (TPM 2.0, TCG format: element 8).
    u64 log_address = 0;
    u32 log_capacity = 0;
    u64 next_record_field = 0;
    for (const tx::element& e : os.ext_data_elements) {
        if (e.type != static_cast<u32>(tx::element_type::event_log_pointer2_1)) continue;
        const auto p = tx::decode_event_log_pointer2_1(e);
        if (!p) return sinit_refuse(sinit_code_for(p.err()), "SIM-32", "the event log element is invalid", p.err());
        log_address = p->physical_address;
        log_capacity = p->allocated_event_container_size;
        next_record_field = heap_base + parsed->layout.offset[2] + e.offset + tx::element_header_size + 16;
    }
    if (log_address != 0 && !memory.contains(log_address, log_capacity))
        return sinit_refuse({9, 0xB}, "SIM-32", "the event log is not in memory",
                            sim_error(errc::memory_unmapped, "event_log_pointer2_1.physical_address", "SIM-32",
                                      "the log buffer must lie in memory", log_address, log_capacity));

    // ---- SinitMleData (version 9, MDRs for the RAM regions), planned before anything is measured.
    u8 mdr_bytes[max_memory_regions * tx::sinit_mdr_size]{};
    u32 mdr_count = 0;
    for (u32 i = 0; i < memory.region_count(); ++i) {
        const memory_region& r = memory.region(i);
        if (r.kind != region_kind::ram) continue;
        tx::sinit_mdr m;
        m.address = r.base;
        m.length = r.bytes.size();
        m.type = static_cast<u8>(tx::mdr_type::usable);
        tx::encode_mdr(mutable_byte_view(mdr_bytes, sizeof mdr_bytes), std::size_t{mdr_count} * tx::sinit_mdr_size, m);
        ++mdr_count;
    }
    u8 end_element[tx::end_element_size]{};
    tx::element_writer ew(mutable_byte_view(end_element, sizeof end_element));
    (void)ew.init();
    tx::sinit_mle_data smd;
    smd.version = 9;
    smd.rlp_wakeup_addr = os.caps.rlp_wake_monitor()
                              ? static_cast<u32>((regs.sinit_base & 0xffffffffu) + (regs.sinit_size & 0xffffffffu) - 64)
                              : 0;
    smd.processor_scrtm_status = config.processor_scrtm_status;
    smd.ext_data_elements = ew.list();
    smd.mdrs = tx::mdr_table(byte_view(mdr_bytes, std::size_t{mdr_count} * tx::sinit_mdr_size));
    const auto plan = tx::plan_sinit_mle_data(smd);
    const u64 smd_offset = parsed->layout.offset[2] + parsed->layout.size[2];
    if (!plan || plan->size > heap_size - smd_offset)
        return sinit_refuse({9, 7}, "SIM-34", "SinitMleData does not fit in the heap",
                            plan ? sim_error(errc::buffer_too_small, "sinit_mle_data", "SIM-34",
                                             "no room for SinitMleData after OsSinitData", plan->size,
                                             heap_size - smd_offset)
                                 : plan.err());

    // ---- The measurement: the MLE through its page tables, in every computable bank.
    digest mle_digest[8]{};
    {
        digest computed[tx::mle_max_banks]{};
        const auto w = tx::predict_mle_measurement(memory, wp, hashable, hashable_count, computed);
        if (!w) return sinit_refuse(sinit_code_for(w.err()), "SIM-30", "the MLE could not be measured", w.err());
        for (u32 i = 0, k = 0; i < bank_count; ++i)
            mle_digest[i] = capped[i] ? slrt::capped_digest(banks[i]) : computed[k++];
    }

    // The log: the header event now (its size is known), the events as they are extended.
    slrt::log_writer log;
    if (log_address != 0) {
        log = slrt::log_writer(memory.window(log_address, log_capacity));
        if (const status s = log.init_tcg(banks, bank_count); !s)
            return sinit_refuse({0x14, 4}, "SIM-32", "the event log is too small", s.err());
    }

    // DRTM: HASH_START / HASH_DATA(SINIT) / HASH_END at locality 4.
    auto tpm_failed = [&](const error& e) {
        const u32 rc = static_cast<u32>(e.value) & 0xfffu;
        return sinit_refuse({4, 1}, "SIM-33", "a TPM operation failed", e, rc);
    };
    if (const status s = tpm->hash_start(); !s) return tpm_failed(s.err());
    for (std::size_t at = 0; at < module_bytes.size(); at += 4096) {
        const status s = tpm->hash_data(module_bytes.subview(at, 4096));
        if (!s) return tpm_failed(s.err());
    }
    if (const status s = tpm->hash_end(); !s) return tpm_failed(s.err());

    // The events SINIT logs and extends (TPM 2.0, details/authorities; txt.md §8.5).
    auto digests_of = [&](byte_view data, digest* out) {
        for (u32 i = 0; i < bank_count; ++i)
            out[i] = capped[i] ? slrt::capped_digest(banks[i]) : slrt::hash(banks[i], data);
    };
    auto event = [&](u32 pcr, u32 type, const digest* d, byte_view data, bool extend) -> status {
        if (log_address != 0)
            if (const auto r = log.append(pcr, type, d, bank_count, data); !r)
                return sinit_refuse({0x14, 4}, "SIM-32", "the event log is too small", r.err());
        if (!extend) return success;
        if (const status s = tpm_extend(pcr, d, bank_count); !s) return tpm_failed(s.err());
        return success;
    };
    {
        digest d[8]{};
        u8 start_data[36]{};
        const digest sha256_sinit = slrt::hash(hash_alg::sha256, module_bytes);
        copy(mutable_byte_view(start_data, 36), 0, sha256_sinit.view());  // SINIT hash, then EDX (0)
        digests_of(module_bytes, d);
        if (const status s = event(17, slrt::txt_evtype_hash_start, d, byte_view(start_data, 36), false); !s) return s;
    }
    u8 scrtm[4]{}, control[4]{}, caps[4]{};
    store_le(mutable_byte_view(scrtm, 4), 0, 4, config.processor_scrtm_status);
    store_le(mutable_byte_view(caps, 4), 0, 4, os.caps.raw);
    const u8 zero_byte[1] = {0};
    struct planned_event {
        u32 pcr;
        u32 type;
        byte_view measured;
        byte_view data;
    };
    const planned_event pcr17_events[] = {
        {17, slrt::txt_evtype_cpu_scrtm_stat, byte_view(scrtm, 4), byte_view(scrtm, 4)},
        {17, slrt::txt_evtype_lcp_control_hash, byte_view(control, 4), byte_view(control, 4)},
        {17, slrt::txt_evtype_lcp_details_hash, byte_view(zero_byte, 1), byte_view{}},
        {17, slrt::txt_evtype_stm_hash, byte_view(zero_byte, 1), byte_view{}},
        {17, slrt::txt_evtype_ossinitdata_cap_hash, byte_view(caps, 4), byte_view(caps, 4)},
    };
    for (const planned_event& pe : pcr17_events) {
        digest d[8]{};
        digests_of(pe.measured, d);
        if (const status s = event(pe.pcr, pe.type, d, pe.data, true); !s) return s;
    }
    if (const status s = event(17, slrt::txt_evtype_mle_hash, mle_digest, byte_view{}, true); !s) return s;
    const planned_event pcr18_events[] = {
        {18, slrt::txt_evtype_sinit_pubkey_hash, a.rsa_public_key(), byte_view{}},
        {18, slrt::txt_evtype_cpu_scrtm_stat, byte_view(scrtm, 4), byte_view(scrtm, 4)},
        {18, slrt::txt_evtype_ossinitdata_cap_hash, byte_view(caps, 4), byte_view(caps, 4)},
        {18, slrt::txt_evtype_lcp_control_hash, byte_view(control, 4), byte_view(control, 4)},
        {18, slrt::txt_evtype_lcp_authorities_hash, byte_view(zero_byte, 1), byte_view{}},
    };
    for (const planned_event& pe : pcr18_events) {
        digest d[8]{};
        digests_of(pe.measured, d);
        if (const status s = event(pe.pcr, pe.type, d, pe.data, true); !s) return s;
    }
    if (log_address != 0 && next_record_field != 0) (void)memory.store(next_record_field, 4, log.size());

    // SinitMleData into the heap.
    (void)tx::build_sinit_mle_data(smd, heap.subview(static_cast<std::size_t>(smd_offset),
                                                     static_cast<std::size_t>(plan->size)));

    // ---- The launch state (SDG App. F "Table E-2").
    regs.sts = (regs.sts & ~tx::sts_field::sexit_done.mask()) | tx::sts_field::senter_done.mask() |
               tx::sts_field::private_open.mask() | tx::sts_field::locality2_open.mask() |
               tx::sts_field::mem_config_lock.mask();
    regs.errorcode = tx::mle_entry::launch_errorcode;
    tis.decoded = static_cast<u8>(tis.decoded | 0x04u);
    const bool monitor = os.caps.rlp_wake_monitor();
    const u64 cr0_before = cpu.cr0;
    cpu.cr0 = tx::mle_entry::ilp_cr0(cr0_before);
    cpu.cr4 = tx::mle_entry::ilp_cr4;
    cpu.interrupts = false;
    smi_masked = true;
    nmi_blocked = true;
    if (cpu.has_msr(0xC0000080)) cpu.force_msr(0xC0000080, 0);  // IA32_EFER
    if (cpu.has_msr(0x1D9)) cpu.force_msr(0x1D9, 0);            // IA32_DEBUGCTL
    cpu.force_msr(tx::msr_ia32_misc_enable, tx::mle_entry::ilp_misc_enable(cpu.msr(tx::msr_ia32_misc_enable), monitor));
    cpu.force_msr(tx::msr_ia32_apic_base,
                  (cpu.msr(tx::msr_ia32_apic_base) & ~u64{0xFFFFFF000ull}) | tx::mle_entry::apic_base_address);

    mle_entry_state st;
    u64 entry_phys = 0;
    (void)translate(os.mle_ptab, h.entry_point, entry_phys);
    st.eip = st.ebx = static_cast<u32>(entry_phys);
    st.entry_linear = h.entry_point;
    st.ecx_valid = os.caps.ecx_pgtbl() && a.info.capabilities.ecx_pgtbl();
    st.ecx = st.ecx_valid ? static_cast<u32>(os.mle_ptab) : 0;
    st.cr0 = cpu.cr0;
    st.cr4 = cpu.cr4;
    st.efer = cpu.msr(0xC0000080);
    st.debugctl = cpu.msr(0x1D9);
    st.misc_enable = cpu.msr(tx::msr_ia32_misc_enable);
    st.apic_base = cpu.msr(tx::msr_ia32_apic_base);
    st.cs_selector = static_cast<u16>(a.header.seg_sel);
    st.sinit_mle_data = heap_base + smd_offset;
    st.mle_ptab = os.mle_ptab;
    st.event_log = log_address;
    st.event_log_size = log_address != 0 ? log.size() : 0;
    st.bank_count = bank_count;
    for (u32 i = 0; i < bank_count; ++i) {
        st.banks[i] = banks[i];
        st.mle_hash[i] = mle_digest[i];
    }
    last_launch = launch_record{launch_outcome::launched, tx::mle_entry::launch_errorcode, "", "", error{}, success};
    const status entry = mle.call(*this, st);
    last_launch.entry_status = entry;
    return entry;
}

}  // namespace dlh::sim
