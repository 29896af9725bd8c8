// SPDX-License-Identifier: MIT
// A simulated AMD machine (dlh::sim::amd_platform) satisfying dlh::platform: the processor model
// of machine.hpp with SVM (CPUID Fn8000_0001, EFER, VM_CR), the TPM's TIS window at localities
// 0-3, and SKINIT: its preconditions, the locality-4 hash of the secure loader's measured bytes,
// the documented state (APM vol. 2 §15.27.6; skinit-arm-tcg.md §A.3) and a call to the host
// "secure loader". SKINIT has no error register: a refused SKINIT is a fault (#UD/#GP or, where
// the APM leaves the behaviour undefined, a refusal the model reports the same way).
//
// Rules (spec/dlh.md "Simulator"):
//   SIM-40 #UD/#GP  a precondition of dlh/skinit/cpu.hpp fails (SVM, SKINIT or EFER.SVME,
//                   VM_CR.SVMDIS, BSP, CR0.PE); the finding is the cause
//   SIM-41 refused  an application processor is not in the INIT state (APM §15.27.8)
//   SIM-42 refused  EAX[15:0] not zero (strict_slb_alignment; hardware silently clears them), or
//                   the 64 KiB SLB not below 4 GiB (SKINIT-6/7)
//   SIM-43 refused  the SLB is not inside simulated memory
//   SIM-44 refused  the SLB header: length below 4 or entry point outside [0, length) (SKINIT-3/5)
//   SIM-45 refused  no TPM connected, or the TPM refused the hash sequence
#pragma once

#include "dlh/sim/machine.hpp"
#include "dlh/sim/txt_platform.hpp"
#include "dlh/skinit/cpu.hpp"
#include "dlh/skinit/slb.hpp"

namespace dlh::sim {

// The state at the secure loader's entry point (APM §15.27.6).
struct sl_entry_state {
    u32 eax = 0;  // SLB base
    u32 edx = 0;  // family/model/stepping (CPUID Fn0000_0001 EAX)
    u32 esp = 0;  // SLB base + 64 KiB
    u32 eip = 0;  // SLB base + entry point
    u32 ebx = 0, ecx = 0, esi = 0, edi = 0, ebp = 0;  // cleared
    u16 cs = 0x08, ss = 0x10;
    u64 cr0 = 0, efer = 0, vm_cr = 0;
    bool gif = false;
    bool interrupts = false;
    u16 slb_length = 0;  // bytes measured
    range dev_protected{};  // the 64 KiB SL_DEV protects from DMA
};

class amd_platform;
using sl_callback = entry_callback<amd_platform, sl_entry_state>;

class amd_platform : public machine {
public:
    tpm_port* tpm = nullptr;
    sl_callback sl{};
    launch_record last_launch{};
    u32 skinit_count = 0;
    bool gif = true;
    range sl_dev{};  // DMA-protected SLB after SKINIT
    bool strict_slb_alignment = true;

    amd_platform() {
        init_state = ap_state::init;
        tis.decoded = 0x0f;  // localities 0-3 (locality 4 is the hardware's)
    }
    void connect_tpm(tpm_port* port) {
        tpm = port;
        tis.port = port;
    }

    status park_aps(ap_method m) { return park_aps_to(m, ap_state::init); }

    u8 mmio_read8(u64 a) { return static_cast<u8>(mmio_read(a, 1)); }
    u32 mmio_read32(u64 a) { return static_cast<u32>(mmio_read(a, 4)); }
    u64 mmio_read64(u64 a) { return mmio_read(a, 8); }
    void mmio_write8(u64 a, u8 v) { mmio_write(a, 1, v); }
    void mmio_write32(u64 a, u32 v) { mmio_write(a, 4, v); }
    void mmio_write64(u64 a, u64 v) { mmio_write(a, 8, v); }

    u64 mmio_read(u64 address, u32 width) {
        u64 out = 0;
        if (common_mmio_read(address, width, out)) return out;
        faults.add(fault_kind::mmio, address, "MMIO read of an address nothing decodes");
        return width == 8 ? ~u64{0} : (u64{1} << (8 * width)) - 1;
    }
    void mmio_write(u64 address, u32 width, u64 value) {
        if (common_mmio_write(address, width, value)) return;
        faults.add(fault_kind::mmio, address, "MMIO write to an address nothing decodes");
    }

    cpu_registers getsec(u32 leaf, u32, u32, u32) {
        faults.add(fault_kind::invalid_opcode, leaf, "GETSEC on an AMD processor (#UD)");
        return {};
    }
    status senter(u32, u32) {
        faults.add(fault_kind::invalid_opcode, 4, "GETSEC[SENTER] on an AMD processor (#UD)");
        return error{errc::launch_requirement, 0, no_entry, "senter", "SIM-40", "GETSEC raises #UD on this platform",
                     0, 0};
    }

    status skinit(u32 eax);

private:
    status refuse(fault_kind kind, const char* rule, const char* check, const error& cause) {
        if (kind != fault_kind::none) faults.add(kind, cause.value, check);
        last_launch = launch_record{launch_outcome::fault, 0, rule, check, cause, success};
        return error{errc::launch_requirement, 0, no_entry, "skinit", rule, check, cause.value, cause.limit};
    }
};

inline status amd_platform::skinit(u32 eax) {
    namespace sk = dlh::skinit;
    ++skinit_count;
    last_launch = launch_record{};
    sk::cpu_state s;
    s.cpuid_ecx = sk::cpuid_80000001_ecx{cpu.cpuid(sk::cpuid_extended_features, 0).ecx};
    s.efer_msr = sk::efer{cpu.msr(sk::msr_efer)};
    s.vm_cr_msr = sk::vm_cr{cpu.msr(sk::msr_vm_cr)};
    s.bsp = ((cpu.msr(0x1B) >> 8) & 1u) != 0;
    s.protected_mode = (cpu.cr0 & 1u) != 0;
    const slrt::findings f = sk::check_preconditions(s);
    if (f.count != 0) {
        bool ud = false;  // #UD when SKINIT is not available or outside protected mode, else #GP
        for (u32 i = 0; i < f.count; ++i)
            ud = ud || sim_detail::same(f.items[i].rule, "SKINIT-11") || sim_detail::same(f.items[i].rule, "SKINIT-14");
        return refuse(ud ? fault_kind::invalid_opcode : fault_kind::general_protection, "SIM-40",
                      "an SKINIT precondition fails", f.items[0]);
    }
    if (const u32 i = aps.first_not(ap_state::init); i != aps.count)
        return refuse(fault_kind::none, "SIM-41", "an application processor is not in the INIT state",
                      error{errc::launch_requirement, 0, i, "ap_state", "SIM-41",
                            "every AP must be in the INIT state before SKINIT (APM 15.27.8)",
                            static_cast<u64>(aps.state[i]), static_cast<u64>(ap_state::init)});
    if (strict_slb_alignment && (eax & (sk::slb_alignment - 1)) != 0)
        return refuse(fault_kind::none, "SIM-42", "EAX is not 64 KiB aligned",
                      error{errc::misaligned, 0, no_entry, "eax", "SIM-42",
                            "SKINIT clears EAX[15:0]: an unaligned EAX launches another SLB", eax, sk::slb_alignment});
    const u64 base = sk::slb_base_from_eax(eax);
    if (const status st = sk::check_slb_base(base); !st)
        return refuse(fault_kind::none, "SIM-42", "the SLB is misplaced", st.err());
    const byte_view block = memory.window(base, sk::slb_size);
    if (block.size() != sk::slb_size)
        return refuse(fault_kind::none, "SIM-43", "the SLB is not in memory",
                      error{errc::memory_unmapped, 0, no_entry, "slb", "SIM-43",
                            "the 64 KiB SLB must lie inside simulated memory", base, sk::slb_size});
    const result<sk::slb> slb = sk::parse_slb(block);
    if (!slb) return refuse(fault_kind::none, "SIM-44", "the SLB header is invalid", slb.err());
    if (!tpm)
        return refuse(fault_kind::none, "SIM-45", "no TPM is connected",
                      error{errc::tpm_error, 0, no_entry, "tpm", "SIM-45", "SKINIT needs a TPM to measure into", 0, 1});

    // Steps 1-8 of APM §15.27.6, in the order that matters here.
    sl_dev = sk::slb_range(base);
    status hs = tpm->hash_start();
    for (std::size_t at = 0; hs && at < slb->measured.size(); at += 4096) hs = tpm->hash_data(slb->measured.subview(at, 4096));
    if (hs) hs = tpm->hash_end();
    if (!hs) return refuse(fault_kind::none, "SIM-45", "the TPM refused the hash sequence", hs.err());

    gif = false;
    cpu.interrupts = false;
    cpu.cr0 = (cpu.cr0 & ~u64{0x80000000u}) | 1u;  // flat protected mode, paging off
    cpu.force_msr(sk::msr_efer, sk::efer_after_skinit.raw);
    cpu.force_msr(sk::msr_vm_cr, sk::vm_cr_after_skinit(sk::vm_cr{cpu.msr(sk::msr_vm_cr)}).raw);

    sl_entry_state st;
    st.eax = static_cast<u32>(base);
    st.edx = cpu.cpuid(1, 0).eax;
    st.esp = static_cast<u32>(base + sk::slb_size);
    st.eip = static_cast<u32>(base + slb->header.entry_point);
    st.cr0 = cpu.cr0;
    st.efer = cpu.msr(sk::msr_efer);
    st.vm_cr = cpu.msr(sk::msr_vm_cr);
    st.gif = gif;
    st.slb_length = slb->header.length;
    st.dev_protected = sl_dev;
    last_launch = launch_record{launch_outcome::launched, 0, "", "", error{}, success};
    const status entry = sl.call(*this, st);
    last_launch.entry_status = entry;
    return entry;
}

}  // namespace dlh::sim
