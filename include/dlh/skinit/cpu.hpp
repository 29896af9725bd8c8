// SPDX-License-Identifier: MIT
// SKINIT preconditions as pure functions of CPUID and MSR values, and the registers they read:
// CPUID Fn8000_0001 ECX, EFER and VM_CR (AMD64 APM vol. 2 §15.27, spec/skinit.md §2).
//
// The launch code reads the values on the BSP and hands them in; nothing here touches hardware.
// check_preconditions() lists every precondition that fails, like the consumer profiles do.
#pragma once

#include "dlh/base.hpp"
#include "dlh/bits.hpp"
#include "slrt/consumers.hpp"
#include "slrt/error.hpp"

namespace dlh::skinit {

using slrt::findings;

// ---------------------------------------------------------------------------------------------
// Instruction encodings and addresses (APM §15.27.6, §15.27.8; skinit-arm-tcg.md A.1, A.5, A.7)

inline constexpr u8 skinit_opcode[3] = {0x0f, 0x01, 0xde};  // SKINIT: EAX = SLB physical address
inline constexpr u8 stgi_opcode[3] = {0x0f, 0x01, 0xdc};    // STGI: set GIF (after the launch)
inline constexpr u32 cpuid_extended_features = 0x80000001;  // CPUID leaf whose ECX holds SVM and SKINIT
inline constexpr u32 msr_efer = 0xc0000080;
inline constexpr u32 msr_vm_cr = 0xc0010114;
// Local APIC ICR low word for an INIT IPI to all processors but the sender (destination shorthand
// "all excluding self", delivery mode INIT, level assert), as GRUB and coreboot send it before
// SKINIT; the ICR low register is at 0xFEE00300 in xAPIC mode.
inline constexpr u32 icr_init_all_excluding_self = 0x000c0500;
inline constexpr u32 lapic_icr_low = 0xfee00300;

// ---------------------------------------------------------------------------------------------
// CPUID Fn8000_0001 ECX. Bits slrt does not decode are listed as "other" (not reserved: the CPU
// defines them; they do not matter for SKINIT).

namespace cpuid_field {
inline constexpr bit_field svm{"SVM", 2, 1, false, "secure virtual machine supported"};
inline constexpr bit_field skinit{"SKINIT", 12, 1, false, "SKINIT and STGI supported (#UD-free with EFER.SVME = 0)"};
}  // namespace cpuid_field

inline constexpr bit_field cpuid_80000001_ecx_fields[] = {
    bit_field{"other", 0, 2, false, "not decoded here"}, cpuid_field::svm,
    bit_field{"other", 3, 9, false, "not decoded here"}, cpuid_field::skinit,
    bit_field{"other", 13, 19, false, "not decoded here"},
};
inline constexpr register_info cpuid_80000001_ecx_info{"CPUID Fn8000_0001 ECX", cpuid_extended_features, 32,
                                                       cpuid_80000001_ecx_fields,
                                                       "APM vol.3 CPUID Fn8000_0001; Linux X86_FEATURE_SVM/SKINIT"};

struct cpuid_80000001_ecx {
    u32 raw = 0;
    constexpr bool svm() const { return cpuid_field::svm.test(raw); }
    constexpr bool skinit() const { return cpuid_field::skinit.test(raw); }
    friend constexpr bool operator==(const cpuid_80000001_ecx&, const cpuid_80000001_ecx&) = default;
};

// ---------------------------------------------------------------------------------------------
// EFER (MSR 0xC000_0080). SKINIT clears it (APM §15.27.6).

namespace efer_field {
inline constexpr bit_field sce{"SCE", 0, 1, false, "SYSCALL/SYSRET enabled"};
inline constexpr bit_field lme{"LME", 8, 1, false, "long mode enabled"};
inline constexpr bit_field lma{"LMA", 10, 1, false, "long mode active"};
inline constexpr bit_field nxe{"NXE", 11, 1, false, "no-execute enabled"};
inline constexpr bit_field svme{"SVME", 12, 1, false, "SVM enabled"};
}  // namespace efer_field

inline constexpr bit_field efer_fields[] = {
    efer_field::sce, bit_field{"other", 1, 7, false, "not decoded here"}, efer_field::lme,
    bit_field{"other", 9, 1, false, "not decoded here"}, efer_field::lma, efer_field::nxe, efer_field::svme,
    bit_field{"other", 13, 51, false, "not decoded here"},
};
inline constexpr register_info efer_info{"EFER", msr_efer, 64, efer_fields, "APM vol.2 §3.1.7, §15.27.6"};

struct efer {
    u64 raw = 0;
    constexpr bool sce() const { return efer_field::sce.test(raw); }
    constexpr bool lme() const { return efer_field::lme.test(raw); }
    constexpr bool lma() const { return efer_field::lma.test(raw); }
    constexpr bool nxe() const { return efer_field::nxe.test(raw); }
    constexpr bool svme() const { return efer_field::svme.test(raw); }
    friend constexpr bool operator==(const efer&, const efer&) = default;
};

// ---------------------------------------------------------------------------------------------
// VM_CR (MSR 0xC001_0114). SKINIT sets DPD, R_INIT and DIS_A20M (APM §15.27.6); firmware may set
// SVMDIS and lock it with LOCK.

namespace vm_cr_field {
inline constexpr bit_field dpd{"DPD", 0, 1, false, "debug port disabled"};
inline constexpr bit_field r_init{"R_INIT", 1, 1, false, "INIT redirected to #SX"};
inline constexpr bit_field dis_a20m{"DIS_A20M", 2, 1, false, "A20 masking disabled"};
inline constexpr bit_field lock{"LOCK", 3, 1, false, "SVMDIS is read-only"};
inline constexpr bit_field svmdis{"SVMDIS", 4, 1, false, "SVM disabled (EFER.SVME cannot be set)"};
}  // namespace vm_cr_field

inline constexpr bit_field vm_cr_fields[] = {
    vm_cr_field::dpd,  vm_cr_field::r_init, vm_cr_field::dis_a20m,
    vm_cr_field::lock, vm_cr_field::svmdis, bit_field{"other", 5, 59, false, "not decoded here"},
};
inline constexpr register_info vm_cr_info{"VM_CR", msr_vm_cr, 64, vm_cr_fields, "APM vol.2 §15.30.1, §15.27.6"};

struct vm_cr {
    u64 raw = 0;
    constexpr bool dpd() const { return vm_cr_field::dpd.test(raw); }
    constexpr bool r_init() const { return vm_cr_field::r_init.test(raw); }
    constexpr bool dis_a20m() const { return vm_cr_field::dis_a20m.test(raw); }
    constexpr bool lock() const { return vm_cr_field::lock.test(raw); }
    constexpr bool svmdis() const { return vm_cr_field::svmdis.test(raw); }
    friend constexpr bool operator==(const vm_cr&, const vm_cr&) = default;
};

// The bits SKINIT sets in VM_CR, and the register after the launch (APM §15.27.6; an AP woken
// by SIPI after the launch gets the same bits, §15.27.8).
inline constexpr u64 vm_cr_skinit_bits = vm_cr_field::dpd.mask() | vm_cr_field::r_init.mask() | vm_cr_field::dis_a20m.mask();
constexpr vm_cr vm_cr_after_skinit(vm_cr before) { return vm_cr{before.raw | vm_cr_skinit_bits}; }
// SKINIT clears EFER.
inline constexpr efer efer_after_skinit{0};
// How the Linux AMD RFC recognises an SKINIT launch: R_INIT still set (the secure loader leaves
// it for the kernel to clear before STGI).
constexpr bool r_init_left_by_skinit(vm_cr v) { return v.r_init(); }

// ---------------------------------------------------------------------------------------------
// Preconditions

// What the launch code read on the processor that will execute SKINIT.
struct cpu_state {
    cpuid_80000001_ecx cpuid_ecx{};
    efer efer_msr{};
    vm_cr vm_cr_msr{};
    bool bsp = false;             // IA32_APIC_BASE.BSP of this processor
    bool protected_mode = false;  // CR0.PE
    friend constexpr bool operator==(const cpu_state&, const cpu_state&) = default;
};

// Every SKINIT precondition the state fails (rules SKINIT-10..14). Not checked here: every AP
// must be in the INIT state (send icr_init_all_excluding_self and wait for delivery), CPL 0
// (UNVERIFIED: the APM volume 3 text was not available), and a hypervisor intercepting SKINIT.
constexpr findings check_preconditions(const cpu_state& s) {
    findings out;
    if (!s.cpuid_ecx.svm())
        out.add(error{errc::launch_requirement, 0, no_entry, "cpuid_80000001.ecx.svm", "SKINIT-10",
                      "the CPU does not report SVM (CPUID Fn8000_0001 ECX bit 2); loaders refuse the launch",
                      s.cpuid_ecx.raw, cpuid_field::svm.mask()});
    if (!s.cpuid_ecx.skinit() && !s.efer_msr.svme())
        out.add(error{errc::launch_requirement, 0, no_entry, "cpuid_80000001.ecx.skinit", "SKINIT-11",
                      "SKINIT raises #UD: neither the CPUID SKINIT bit (ECX bit 12) nor EFER.SVME is set",
                      s.cpuid_ecx.raw, cpuid_field::skinit.mask()});
    if (s.vm_cr_msr.svmdis())
        out.add(error{errc::launch_requirement, 0, no_entry, "vm_cr.svmdis", "SKINIT-12",
                      s.vm_cr_msr.lock() ? "VM_CR.SVMDIS is set and VM_CR.LOCK keeps it set: firmware disabled SVM"
                                         : "VM_CR.SVMDIS is set: SVM is disabled (loaders refuse the launch)",
                      s.vm_cr_msr.raw, 0});
    if (!s.bsp)
        out.add(error{errc::launch_requirement, 0, no_entry, "bsp", "SKINIT-13",
                      "SKINIT must run on the bootstrap processor", 0, 1});
    if (!s.protected_mode)
        out.add(error{errc::launch_requirement, 0, no_entry, "cr0.pe", "SKINIT-14",
                      "SKINIT raises #UD outside protected mode (CR0.PE = 0)", 0, 1});
    return out;
}

}  // namespace dlh::skinit
