// SPDX-License-Identifier: MIT
// Ready-made simulated machines for tests: what firmware would have left (CPUID, MSRs, MTRRs,
// TXT registers, BiosData, a SINIT in the SINIT region; or the SVM state of an AMD part), and
// for the TXT machine the launcher's side as well (MLE image and header, MLE page tables,
// OsMleData and OsSinitData, the ACM's MTRRs, TPM localities closed, APs parked) so that a test
// can break one thing and see which TXT.ERRORCODE the simulated SINIT leaves. The launcher side
// here is deliberately simple (one RAM region, fixed addresses); dlh/txt/preamble.hpp is the
// real one.
#pragma once

#include "dlh/sim/amd_platform.hpp"
#include "dlh/sim/txt_platform.hpp"

namespace dlh::sim {

// Where things are on the ready-made TXT machine. RAM (MDR type 0) is one region; the SINIT
// region and the heap are a reserved region inside the DPR.
struct txt_layout {
    u64 ram_base = 0x01000000;
    u64 ram_size = 0x00800000;          // 8 MiB at 16 MiB
    u64 mle_ptab = 0x01000000;          // PDPT, page directory, page table
    u64 mle_base = 0x01100000;
    u64 event_log = 0x01400000;
    u32 event_log_size = 0x10000;
    u64 ap_wake_block = 0x01420000;
    u32 ap_wake_block_size = 0x14000;
    u64 slrt = 0x01500000;              // where a test puts its SLRT (OsMleData.slrt)
    u64 txt_base = 0x7FC00000;          // reserved: SINIT region + heap
    u64 txt_size = 0x00200000;
    u64 sinit_base = 0x7FC00000;
    u64 sinit_size = 0x00040000;
    u64 heap_base = 0x7FD00000;
    u64 heap_size = 0x000E0000;
    u64 dpr = 0x80000041;               // TOP 0x80000000, 4 MiB, locked: [0x7FC00000, 0x80000000)
    u64 pmr_lo_size = 0x02000000;       // [0, 32 MiB)
};

// The SINIT this machine matches (chipset DIDVID, processor FMS, TPM 2.0 with SHA-1/SHA-256).
inline constexpr u32 sim_fms = 0x000906EA;
inline constexpr txt::acm_chipset_id sim_chipsets[1] = {{0, 0x8086, 0x00A0, 1, 0, 0}};
inline constexpr txt::acm_processor_id sim_processors[1] = {{sim_fms, 0x0FFF3FFF, 0, 0}};
inline constexpr u16 sim_tpm_algs[2] = {txt::tpm_alg::sha1, txt::tpm_alg::sha256};

constexpr txt::acm_build sim_sinit_build() {
    txt::acm_build b;
    b.header.module_type = txt::acm_module_type_chipset;
    b.header.module_vendor = txt::acm_vendor_intel;
    b.header.chipset_id = 0x00A0;
    b.header.date = 0x20240101;
    b.header.txt_svn = 1;
    b.header.gdt_limit = 0x1F;
    b.header.seg_sel = 0x08;
    b.header.rsa_pub_exp = 0x10001;
    b.info.chipset_acm_type = static_cast<u8>(txt::acm_type::sinit);
    b.info.version = 6;
    b.info.os_sinit_data_ver = 7;
    b.info.min_mle_header_ver = txt::mle_header_v2_0;
    b.info.capabilities = txt::capabilities{0x227};  // GETSEC + MONITOR wake, ECX_PGTBL, DA, TCG log
    b.info.acm_version = 1;
    b.chipsets = sim_chipsets;
    b.chipset_count = 1;
    b.processors = sim_processors;
    b.processor_count = 1;
    b.tpm_capabilities = 0x0B;  // max agility + max performance, dTPM 2.0
    b.tpm_algorithms = sim_tpm_algs;
    b.tpm_algorithm_count = 2;
    return b;
}

// The machine as firmware leaves it: CPUID (SMX, VMX, FMS, 39-bit physical addresses), MSRs
// (feature control locked with SENTER enabled, BSP, 10 variable MTRRs with WB default, 4 clean
// machine-check banks), CR0 = PE | ET | NE, CR4 = 0, `aps` application processors never started
// (wait-for-SIPI), TXT registers for `l`.
inline status install_txt_firmware(txt_platform& p, const txt_layout& l, u32 aps = 3) {
    const cpu_registers leaf1{sim_fms, 0, (1u << 6) | (1u << 5), 0};
    if (status s = p.cpu.set_cpuid(0, 0, {0xD, 0x756e6547, 0x6c65746e, 0x49656e69}); !s) return s;
    if (status s = p.cpu.set_cpuid(1, 0, leaf1); !s) return s;
    if (status s = p.cpu.set_cpuid(0x80000000, 0, {0x80000008, 0, 0, 0}); !s) return s;
    if (status s = p.cpu.set_cpuid(0x80000008, 0, {39, 0, 0, 0}); !s) return s;
    struct init_msr {
        u32 index;
        u64 value;
        bool read_only;
    };
    const init_msr msrs[] = {
        {txt::msr_ia32_platform_id, 0, true},
        {txt::msr_ia32_apic_base, 0xFEE00900, false},  // BSP, enabled
        {txt::msr_ia32_feature_control, 0xFF07, false},
        {txt::mtrr_msr::cap, 0x50A, true},  // VCNT 10, FIX, WC
        {txt::msr_ia32_mcg_cap, 4, true},
        {txt::msr_ia32_mcg_status, 0, false},
        {txt::msr_ia32_misc_enable, 0x850089, false},
        {txt::mtrr_msr::def_type, 0xC06, false},  // E, FE, WB
        {0x1D9, 0, false},                          // IA32_DEBUGCTL
        {0xC0000080, 0, false},                     // IA32_EFER
    };
    for (const init_msr& m : msrs)
        if (status s = p.cpu.define_msr(m.index, m.value, m.read_only); !s) return s;
    for (u32 i = 0; i < 4; ++i)
        if (status s = p.cpu.define_msr(txt::msr_ia32_mc_status(i), 0); !s) return s;
    for (u32 i = 0; i < 10; ++i) {
        if (status s = p.cpu.define_msr(txt::mtrr_msr::physbase(i), 0); !s) return s;
        if (status s = p.cpu.define_msr(txt::mtrr_msr::physmask(i), 0); !s) return s;
    }
    // Firmware's MTRRs: WB by default, the top 2 GiB below 4 GiB (MMIO) uncached.
    p.cpu.force_msr(txt::mtrr_msr::physbase(0), 0x80000000);
    p.cpu.force_msr(txt::mtrr_msr::physmask(0), 0x7F80000800);
    p.cpu.cr0 = 0x31;  // PE, ET, NE
    p.cpu.cr4 = 0;
    p.aps.count = aps;
    p.aps.set_all(ap_state::wait_for_sipi);
    p.apply_config();
    p.regs.sinit_base = l.sinit_base;
    p.regs.sinit_size = l.sinit_size;
    p.regs.heap_base = l.heap_base;
    p.regs.heap_size = l.heap_size;
    p.regs.dpr = l.dpr;
    return success;
}

// Adds the memory (`ram` for l.ram_size bytes at l.ram_base, `txt_memory` for the reserved
// region), installs the firmware state, the SINIT (returned: its size) and BiosData v6.
inline result<u32> install_txt_machine(txt_platform& p, const txt_layout& l, mutable_byte_view ram,
                                       mutable_byte_view txt_memory, u32 aps = 3) {
    if (ram.size() < l.ram_size || txt_memory.size() < l.txt_size)
        return error{errc::buffer_too_small, 0, no_entry, "memory", "SIM-6", "the buffers are smaller than the layout",
                     ram.size(), l.ram_size};
    if (status s = p.memory.add(l.ram_base, ram.subview(0, static_cast<std::size_t>(l.ram_size))); !s) return s.err();
    if (status s = p.memory.add(l.txt_base, txt_memory.subview(0, static_cast<std::size_t>(l.txt_size)),
                                region_kind::reserved);
        !s)
        return s.err();
    if (status s = install_txt_firmware(p, l, aps); !s) return s.err();
    const result<u32> size = txt::build_acm(sim_sinit_build(), p.memory.window(l.sinit_base, l.sinit_size));
    if (!size) return size;
    txt::heap_contents c;
    c.stage = txt::heap_stage::bios;
    c.bios.version = 6;
    c.bios.num_logical_procs = aps + 1;
    const auto h = txt::build_heap(c, p.memory.window(l.heap_base, l.heap_size));
    if (!h) return h.err();
    return size;
}

// An MLE image of `size` bytes (a pattern) with a version 2.2 header at `header_offset`:
// FirstValidPage 0, MleStart 0, MleEnd `size`, EntryPoint `entry`, capabilities 0x227.
inline status make_mle_image(mutable_byte_view out, u32 header_offset, u32 entry) {
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<u8>((i * 131) ^ (i >> 9));
    txt::mle_header h;
    h.header_len = txt::mle_header_v2_1_size;
    h.version = txt::mle_header_v2_2;
    h.entry_point = entry;
    h.first_valid_page = 0;
    h.mle_start = 0;
    h.mle_end = static_cast<u32>(out.size());
    h.caps = txt::linux_mle_capabilities;
    const result<u32> r = txt::build_mle_header(h, out.subview(header_offset, out.size() - header_offset));
    if (!r) return r.err();
    return success;
}

// What the simple launcher below writes.
struct txt_launch_request {
    u32 mle_size = 0x8000;
    u32 mle_header_offset = 0x40;
    u32 mle_entry = 0x400;
    u64 slrt = 0;      // OsMleData.slrt (0: l.slrt)
    u64 txt_info = 0;  // OsMleData.txt_info (0: slrt + 0x100)
    txt::capabilities caps{0x206};  // MONITOR wake, ECX_PGTBL, TCG log
    u32 os_sinit_flags = 1;          // maximum performance
    bool event_log = true;           // EVENT_LOG_POINTER2_1 to l.event_log
    u32 extra_element = 0;           // a further element of this type (4 zero bytes), 0: none
};

// What it saved and set up.
struct txt_launch_state {
    txt::mtrr_settings saved_mtrrs{};
    u64 saved_misc_enable = 0;
    u32 sinit_size = 0;
    u64 os_mle_data = 0;  // physical address of the OsMleData table (its size field)
    txt::mle_ptab_layout ptab{};
};

// The launcher's part, simply: MLE image and page tables, OsMleData and OsSinitData after
// BiosData, MTRRs for the ACM (originals saved), localities closed, APs parked, CR4.SMXE.
inline result<txt_launch_state> prepare_txt_launch(txt_platform& p, const txt_layout& l, u32 sinit_size,
                                                   const txt_launch_request& rq = {}) {
    txt_launch_state st;
    st.sinit_size = sinit_size;
    const mutable_byte_view mle = p.memory.window(l.mle_base, rq.mle_size);
    if (mle.size() != rq.mle_size)
        return error{errc::out_of_bounds, 0, no_entry, "mle", "SIM-6", "the MLE does not fit in RAM", l.mle_base,
                     rq.mle_size};
    if (status s = make_mle_image(mle, rq.mle_header_offset, rq.mle_entry); !s) return s.err();
    const txt::mle_ptab_request pr{l.mle_ptab, l.mle_base, rq.mle_size, 0};
    const auto ptab = txt::build_mle_page_tables(p.memory.window(l.mle_ptab, 0x3000), pr);
    if (!ptab) return ptab.err();
    st.ptab = *ptab;

    txt::os_mle_data mle_data;
    mle_data.slrt = rq.slrt ? rq.slrt : l.slrt;
    mle_data.txt_info = rq.txt_info ? rq.txt_info : mle_data.slrt + 0x100;
    mle_data.ap_wake_block = static_cast<u32>(l.ap_wake_block);
    mle_data.ap_wake_block_size = l.ap_wake_block_size;
    u8 elements[64]{};
    txt::element_writer ew(mutable_byte_view(elements, sizeof elements));
    if (status s = ew.init(); !s) return s.err();
    if (rq.event_log)
        if (status s = ew.add_event_log_pointer2_1({l.event_log, l.event_log_size, 0, 0}); !s) return s.err();
    if (rq.extra_element != 0) {
        const u8 payload[4]{};
        if (status s = ew.add_raw(rq.extra_element, byte_view(payload, 4)); !s) return s.err();
    }
    txt::os_sinit_data os;
    os.version = 7;
    os.flags = rq.os_sinit_flags;
    os.mle_ptab = l.mle_ptab;
    os.mle_size = rq.mle_size;
    os.mle_hdr_base = rq.mle_header_offset;  // linear: FirstValidPage 0 maps the MLE's first byte
    os.vtd_pmr_lo_base = 0;
    os.vtd_pmr_lo_size = l.pmr_lo_size;
    os.caps = rq.caps;
    os.ext_data_elements = ew.list();
    const auto tables = txt::write_launcher_tables(p.memory.window(l.heap_base, l.heap_size), mle_data, os);
    if (!tables) return tables.err();
    st.os_mle_data = l.heap_base + tables->offset[1];

    // MTRRs: save, then WB over the SINIT and UC elsewhere (dlh/txt/mtrr.hpp).
    const msr_snapshot msrs{&p.cpu};
    st.saved_mtrrs = txt::read_mtrr_settings(msrs);
    st.saved_misc_enable = p.cpu.msr(txt::msr_ia32_misc_enable);
    const auto plan = txt::plan_acm_mtrrs(l.sinit_base, sinit_size, p.cpu.msr(txt::mtrr_msr::cap));
    if (!plan) return plan.err();
    for (const txt::mtrr_write& w : txt::mtrr_load_writes(plan->settings)) p.cpu.write_msr(w.msr, w.value);

    p.tis.set_active(no_locality);
    (void)p.park_aps(ap_method::apic_init);
    p.cpu.cr4 |= txt::cr4_field::smxe.mask();
    (void)p.disable_interrupts();
    return st;
}

// ---------------------------------------------------------------------------------------------
// AMD

// CPUID (SVM, SKINIT), EFER, VM_CR, the BSP, MTRRs as firmware leaves them; `aps` APs running
// (the SKINIT launcher must INIT them); `ram` at `ram_base`.
inline status install_amd_machine(amd_platform& p, u64 ram_base, mutable_byte_view ram, u32 aps = 3) {
    if (status s = p.memory.add(ram_base, ram); !s) return s;
    if (status s = p.cpu.set_cpuid(0, 0, {0xD, 0x68747541, 0x444d4163, 0x69746e65}); !s) return s;
    if (status s = p.cpu.set_cpuid(1, 0, {0x00A20F12, 0, 0, 0}); !s) return s;
    if (status s = p.cpu.set_cpuid(0x80000001, 0, {0, 0, (1u << 2) | (1u << 12), 0}); !s) return s;
    if (status s = p.cpu.set_cpuid(0x80000008, 0, {48, 0, 0, 0}); !s) return s;
    if (status s = p.cpu.define_msr(0x1B, 0xFEE00900); !s) return s;
    if (status s = p.cpu.define_msr(skinit::msr_efer, 0); !s) return s;
    if (status s = p.cpu.define_msr(skinit::msr_vm_cr, 0); !s) return s;
    if (status s = p.cpu.define_msr(txt::mtrr_msr::cap, 0x508, true); !s) return s;
    if (status s = p.cpu.define_msr(txt::mtrr_msr::def_type, 0xC06); !s) return s;
    for (u32 i = 0; i < 8; ++i) {
        if (status s = p.cpu.define_msr(txt::mtrr_msr::physbase(i), 0); !s) return s;
        if (status s = p.cpu.define_msr(txt::mtrr_msr::physmask(i), 0); !s) return s;
    }
    p.cpu.cr0 = 0x31;
    p.aps.count = aps;
    p.aps.set_all(ap_state::running);
    return success;
}

}  // namespace dlh::sim
