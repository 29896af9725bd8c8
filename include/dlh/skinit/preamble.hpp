// SPDX-License-Identifier: MIT
// The AMD SKINIT launch preamble over any dlh::platform: the ordered steps before SKINIT, each
// callable on its own, each failing with an error whose rule (DLH-S<n>) names the precondition
// that does not hold, and a report of what the launch would see. A dry run performs every step
// but the SKINIT instruction.
//
// Steps and sources (spec/dlh.md "SKINIT preamble" lists every rule):
//   1 cpu         SVM and SKINIT in CPUID, VM_CR.SVMDIS, BSP, protected mode   skinit-arm-tcg.md A.1, A.7
//   2 slb         SLB base 64 KiB aligned below 4 GiB; SKL header and
//                 placement rules                                              A.2, A.8.1-A.8.4
//   3 slrt        the SLRT placed at bootloader_data_offset (place.hpp)        A.8.7, slrt.md §5
//   4 dma         SL_DEV covers the SLB; the loader's IOMMU/DEV hook protects
//                 the rest                                                     A.6
//   5 localities  every TPM locality closed (the loader's TPM driver)          A.4
//   6 aps         the other processors in INIT                                 A.1 (APM 15.27.8)
//   7 skinit      SKINIT with EAX = SLB base                                   A.1, A.3
//
// Memory: the SLB (64 KiB) and the SLRT are read into launch_options::scratch, checked and
// completed there, and the SLRT area is written back with platform::write().
#pragma once

#include <concepts>
#include <cstddef>
#include <initializer_list>

#include "dlh/base.hpp"
#include "dlh/platform.hpp"
#include "dlh/preamble.hpp"
#include "dlh/range.hpp"
#include "dlh/skinit/cpu.hpp"
#include "dlh/skinit/place.hpp"
#include "dlh/skinit/skl.hpp"
#include "dlh/skinit/slb.hpp"
#include "slrt/table.hpp"

namespace dlh::skinit {

// DMA protection beyond the SLB. SKINIT itself protects the 64 KiB SLB (SL_DEV) from the launch
// on; the DLME, the SLRT's other buffers and the IOMMU's own tables need the DEV (older
// families) or the IOMMU, which only the platform code knows how to program. `slb` is the
// protected block, so the hook can also check that the IOMMU's buffers are outside it (A.6).
using dma_hook = status (*)(void* context, const range& slb);

inline constexpr u32 msr_apic_base = 0x1B;
inline constexpr u64 apic_base_bsp = u64{1} << 8;
inline constexpr u64 cr0_pe = 1;

struct launch_options {
    u64 slb_base = 0;  // physical, where the loader copied the SKL image
    generation_choice generation = generation_choice::detect;
    // The SLRT to place at bootloader_data_offset (0: it is already there), the layout SKL reads.
    u64 slrt_address = 0;
    slrt::layout slrt_layout = slrt::layout::v10;
    dma_hook protect_dma = nullptr;
    void* dma_context = nullptr;
    ap_method aps = ap_method::apic_init;
    // Working memory: 64 KiB for the SLB plus the SLRT's size.
    mutable_byte_view scratch{};
    bool dry_run = false;  // everything but SKINIT
};

enum class preamble_step : u8 { cpu, slb, slrt, dma, localities, aps, skinit };
inline constexpr u32 preamble_step_count = 7;

inline constexpr step_info preamble_steps[preamble_step_count] = {
    {"cpu", "DLH-S1..S5"}, {"slb", "DLH-S6..S7"}, {"slrt", "DLH-S8..S9"}, {"dma", "DLH-S10"},
    {"localities", "DLH-S11"}, {"aps", "DLH-S12"}, {"skinit", "DLH-S13"},
};

constexpr const char* name(preamble_step s) { return preamble_steps[static_cast<u32>(s)].name; }

struct skinit_preamble_report : step_log<preamble_step, preamble_step_count> {
    bool dry_run = false;
    bool launched = false;  // SKINIT returned success (simulators only)
    bool interrupts_were_enabled = false;
    cpu_state cpu{};
    u64 apic_base = 0;
    skl_image skl{};
    u32 slrt_offset = 0, slrt_size = 0, slrt_max_size = 0;
    u64 slrt_address = 0;  // slb_base + bootloader_data_offset
    bool dma_hook_ran = false;
    u32 eax = 0;           // SKINIT operand: the SLB base

};

template <dlh::platform P, locality_control L = no_tpm_localities>
class skinit_preamble {
public:
    constexpr skinit_preamble(P& p, L& localities, const launch_options& o) : p_(p), loc_(localities), o_(o) {
        r_.dry_run = o.dry_run;
    }

    constexpr const skinit_preamble_report& report() const { return r_; }

    // Every step in order; stops at the first failure. Interrupts are masked before SKINIT and
    // put back when no launch happened.
    constexpr status run() {
        status s = success;
        for (u32 i = 0; i < preamble_step_count && s; ++i) s = run_step(static_cast<preamble_step>(i));
        if (!r_.launched && irq_off_) {
            if (r_.interrupts_were_enabled) p_.enable_interrupts();
            irq_off_ = false;
        }
        return s;
    }

    constexpr status run_step(preamble_step step) {
        switch (step) {
            case preamble_step::cpu: return check_cpu();
            case preamble_step::slb: return check_slb();
            case preamble_step::slrt: return place_table();
            case preamble_step::dma: return protect_dma();
            case preamble_step::localities: return close_localities();
            case preamble_step::aps: return park_aps();
            case preamble_step::skinit: return launch();
        }
        return fail(preamble_step::skinit, error{errc::bad_argument, 0, no_entry, "preamble_step", "", "unknown step", 0, 0},
                    "DLH-S16");
    }

    // Step 1 (DLH-S1..S5): check_preconditions over CPUID Fn8000_0001 ECX, EFER, VM_CR,
    // IA32_APIC_BASE.BSP and CR0.PE; the first finding fails the step.
    constexpr status check_cpu() {
        constexpr preamble_step st = preamble_step::cpu;
        cpu_state c;
        if (p_.cpuid(0x80000000u, 0).eax >= cpuid_extended_features)
            c.cpuid_ecx = cpuid_80000001_ecx{p_.cpuid(cpuid_extended_features, 0).ecx};
        c.efer_msr = efer{p_.read_msr(msr_efer)};
        c.vm_cr_msr = vm_cr{p_.read_msr(msr_vm_cr)};
        r_.apic_base = p_.read_msr(msr_apic_base);
        c.bsp = (r_.apic_base & apic_base_bsp) != 0;
        c.protected_mode = (p_.read_cr0() & cr0_pe) != 0;
        r_.cpu = c;
        const findings f = check_preconditions(c);
        if (f.count != 0) {
            const error& e = f.items[0];
            const char* rule = same(e.rule, "SKINIT-10")   ? "DLH-S1"
                               : same(e.rule, "SKINIT-11") ? "DLH-S2"
                               : same(e.rule, "SKINIT-12") ? "DLH-S3"
                               : same(e.rule, "SKINIT-13") ? "DLH-S4"
                                                           : "DLH-S5";
            return fail(st, e, rule);
        }
        return pass(st, "CPUID Fn8000_0001 ECX", c.cpuid_ecx.raw, "VM_CR", c.vm_cr_msr.raw, "EFER", c.efer_msr.raw);
    }

    // Step 2 (DLH-S6..S7): where the SLB is (SKINIT-6/7), then the SKL image there (SKINIT-1..5,
    // SKL-20..33).
    constexpr status check_slb() {
        constexpr preamble_step st = preamble_step::slb;
        if (status s = check_slb_base(o_.slb_base); !s) return fail(st, s.err(), "DLH-S6");
        if (status s = need_scratch(st, slb_size, "slb"); !s) return s;
        const mutable_byte_view slb = o_.scratch.subview(0, slb_size);
        if (status s = read(st, o_.slb_base, slb, "slb"); !s) return s;
        const result<skl_image> skl = parse_skl(byte_view(slb.data(), slb.size()), o_.generation);
        if (!skl) return fail(st, skl.err(), "DLH-S7");
        r_.skl = *skl;
        return pass(st, "entry_point", skl->header.entry_point, "length", skl->header.length,
                    "bootloader_data_offset", skl->header.bootloader_data_offset);
    }

    // Step 3 (DLH-S8..S9): the SLRT validated and placed at bootloader_data_offset (place.hpp:
    // SLRT-*, SKL-34..39), with the DL_INFO entry SKL needs; the SLRT area written back.
    constexpr status place_table() {
        constexpr preamble_step st = preamble_step::slrt;
        if (status s = need(st, preamble_step::slb); !s) return s;
        const mutable_byte_view slb = o_.scratch.subview(0, slb_size);
        const u32 at = r_.skl.header.bootloader_data_offset;
        u8 head[16]{};
        const u64 source = o_.slrt_address != 0 ? o_.slrt_address : o_.slb_base + at;
        if (status s = read(st, source, mutable_byte_view(head), "slrt"); !s) return s;
        const u32 size = static_cast<u32>(load_le(byte_view(head), 8, 4));
        if (size < sizeof head || size > slb_size)
            return fail(st,
                        error{errc::size_too_small, 8, no_entry, "slr_table.size", "SLRT-H5",
                              "the SLRT header names a size smaller than itself or larger than an SLB", size,
                              sizeof head},
                        "DLH-S8");
        if (status s = need_scratch(st, u64{slb_size} + size, "slrt"); !s) return s;
        const mutable_byte_view table = o_.scratch.subview(slb_size, size);
        if (status s = read(st, source, table, "slrt"); !s) return s;
        place_options po;
        po.generation = o_.generation;
        po.layout = o_.slrt_layout;
        po.have_slb_base = true;
        po.slb_base = o_.slb_base;
        const result<placement> placed = place_slrt(slb, byte_view(table.data(), table.size()), po);
        if (!placed) return fail(st, placed.err(), "DLH-S8");
        const result<slrt::table> t =
            slrt::parse(byte_view(table.data(), table.size()), {o_.slrt_layout, slrt::mode::strict});
        if (!t || !t->find(slrt::tag::dl_info))
            return fail(st,
                        t ? t->find(slrt::tag::dl_info).err()
                          : error{errc::missing_entry, 0, no_entry, "dl_info", "SLRT-X1", "", 0, 0},
                        "DLH-S9");
        if (status s = write(st, o_.slb_base + at, byte_view(slb.data() + at, placed->slrt_max_size), "slrt"); !s)
            return s;
        r_.slrt_offset = placed->slrt_offset;
        r_.slrt_size = placed->slrt_size;
        r_.slrt_max_size = placed->slrt_max_size;
        r_.slrt_address = o_.slb_base + at;
        return pass(st, "slrt_address", r_.slrt_address, "slr_table.size", r_.slrt_size, "slr_table.max_size",
                    r_.slrt_max_size);
    }

    // Step 4 (DLH-S10): the loader's DMA protection hook; skipped (and said so) without one.
    constexpr status protect_dma() {
        constexpr preamble_step st = preamble_step::dma;
        if (!o_.protect_dma) {
            step_record& rec = record(st, step_outcome::skipped);
            rec.note = "no DMA hook: only the 64 KiB SLB is protected (SL_DEV, by SKINIT itself)";
            return success;
        }
        const status s = o_.protect_dma(o_.dma_context, slb_range(o_.slb_base));
        if (!s) return fail(st, s.err(), "DLH-S10");
        r_.dma_hook_ran = true;
        return pass(st, "slb.base", o_.slb_base, "slb.size", slb_size);
    }

    // Step 5 (DLH-S11).
    constexpr status close_localities() {
        const status s = loc_.close_all();
        if (!s) return fail(preamble_step::localities, s.err(), "DLH-S11");
        return pass(preamble_step::localities);
    }

    // Step 6 (DLH-S12): every AP in INIT (APM 15.27.8). Interrupts are masked from here on.
    constexpr status park_aps() {
        if (!irq_off_) {
            r_.interrupts_were_enabled = p_.disable_interrupts();
            irq_off_ = true;
        }
        const status s = p_.park_aps(o_.aps);
        if (!s) return fail(preamble_step::aps, s.err(), "DLH-S12");
        return pass(preamble_step::aps, "ap_method", static_cast<u64>(o_.aps));
    }

    // Step 7 (DLH-S13): SKINIT with EAX = the SLB base.
    constexpr status launch() {
        constexpr preamble_step st = preamble_step::skinit;
        if (status s = need(st, preamble_step::cpu, preamble_step::slb, preamble_step::slrt); !s) return s;
        r_.eax = static_cast<u32>(o_.slb_base);
        if (o_.dry_run) {
            step_record& rec = record(st, step_outcome::skipped, "EAX", r_.eax);
            rec.note = "dry run: SKINIT not executed";
            return success;
        }
        const status s = p_.skinit(r_.eax);
        if (!s) return fail(st, s.err(), "DLH-S13");
        r_.launched = true;
        return pass(st, "EAX", r_.eax);
    }

private:
    static constexpr bool same(const char* a, const char* b) {
        while (*a && *a == *b) ++a, ++b;
        return *a == *b;
    }

    constexpr status read(preamble_step st, u64 address, mutable_byte_view out, const char* what) {
        const status s = p_.read(address, out);
        if (!s) return fail(st, memory_error(s.err(), address, out.size(), what), "DLH-S15");
        return success;
    }
    constexpr status write(preamble_step st, u64 address, byte_view in, const char* what) {
        const status s = p_.write(address, in);
        if (!s) return fail(st, memory_error(s.err(), address, in.size(), what), "DLH-S15");
        return success;
    }
    static constexpr error memory_error(const error& cause, u64 address, u64 size, const char* what) {
        error e = cause;
        e.field = what;
        e.value = address;
        e.limit = size;
        if (!e.message || !*e.message) e.message = "the platform could not access this physical memory";
        return e;
    }

    constexpr status need_scratch(preamble_step st, u64 bytes, const char* what) {
        if (o_.scratch.size() < bytes)
            return fail(st,
                        error{errc::buffer_too_small, 0, no_entry, what, "",
                              "launch_options.scratch is too small for this step", o_.scratch.size(), bytes},
                        "DLH-S14");
        return success;
    }

    template <class... Steps>
    constexpr status need(preamble_step st, Steps... before) {
        for (preamble_step b : {before...})
            if (r_.step(b).outcome != step_outcome::pass)
                return fail(st,
                            error{errc::bad_argument, 0, static_cast<u32>(b), name(b), "",
                                  "a step this one depends on has not passed", static_cast<u64>(b),
                                  static_cast<u64>(st)},
                            "DLH-S16");
        return success;
    }

    constexpr status fail(preamble_step st, const error& cause, const char* rule) { return r_.fail(st, cause, rule); }
    constexpr step_record& record(preamble_step st, step_outcome outcome, const char* k0 = "", u64 v0 = 0,
                                  const char* k1 = "", u64 v1 = 0, const char* k2 = "", u64 v2 = 0) {
        return r_.record(st, outcome, preamble_steps[static_cast<u32>(st)].rules, k0, v0, k1, v1, k2, v2);
    }
    constexpr status pass(preamble_step st, const char* k0 = "", u64 v0 = 0, const char* k1 = "", u64 v1 = 0,
                          const char* k2 = "", u64 v2 = 0) {
        (void)record(st, step_outcome::pass, k0, v0, k1, v1, k2, v2);
        return success;
    }

    P& p_;
    L& loc_;
    launch_options o_;
    skinit_preamble_report r_{};
    bool irq_off_ = false;
};

template <dlh::platform P, locality_control L>
constexpr status run_skinit_preamble(P& p, L& localities, const launch_options& o, skinit_preamble_report& out) {
    skinit_preamble<P, L> pre(p, localities, o);
    const status s = pre.run();
    out = pre.report();
    return s;
}

}  // namespace dlh::skinit
