// SPDX-License-Identifier: MIT
// The Intel TXT launch preamble over any dlh::platform: the ordered steps that bring the machine
// to the state GETSEC[SENTER] demands, each callable on its own, each failing with an error whose
// rule (DLH-T<n>) names the precondition that does not hold, and a report of what the launch
// would see. A dry run performs every step but the launch instruction.
//
// Steps and sources (spec/dlh.md "TXT preamble" lists every rule):
//   1 smx          CPUID.1:ECX.SMX, IA32_FEATURE_CONTROL, CR4.SMXE set      txt.md §5.1
//   2 getsec       GETSEC[CAPABILITIES], GETSEC[PARAMETERS]                 txt.md §5.1-5.3
//   3 registers    TXT.ESTS, TXT.STS, TXT.DIDVID, heap and SINIT regions    txt.md §1, §5.1
//   4 slrt         the SLRT and its dl_info, log_info and intel_info        slrt.md §3, §5
//   5 mle          the MLE header inside the MLE                            txt.md §3.1
//   6 sinit        choose and copy the SINIT ACM to TXT.SINIT.BASE          txt.md §4.3
//   7 page_tables  MLE page tables at the loader's place                    txt.md §3.4
//   8 pmrs         the two VT-d PMRs (Linux-compatible plan) and a hook     txt.md §7.1
//   9 heap         OsMleData (Linux v1) and OsSinitData after BiosData      txt.md §2, slrt.md §3.12
//  10 save_mtrrs   MTRRs and IA32_MISC_ENABLE into the SLRT intel_info      txt.md §5.4, slrt.md §3.7
//  11 acm_mtrrs    WB over the SINIT, UC elsewhere, with the cache sequence txt.md §5.4 (SDG listing 6)
//  12 localities   every TPM locality closed (the loader's TPM driver)      txt.md §5.4
//  13 aps          application processors to wait-for-SIPI                  txt.md §5.4
//  14 cpu_state    CR0, CR4, BSP and machine-check state                    txt.md §5.4
//  15 senter       GETSEC[SENTER] with EBX = SINIT base, ECX = size, EDX = 0 txt.md §5.2
//
// Memory: the preamble reads and writes physical memory only through the platform. It builds
// the page tables, the heap tables and reads a BIOS-provided SINIT in a scratch buffer the loader
// supplies (launch_options::scratch), then writes the results with platform::write(). No heap,
// no statics, freestanding.
#pragma once

#include <concepts>
#include <cstddef>
#include <initializer_list>

#include "dlh/base.hpp"
#include "dlh/platform.hpp"
#include "dlh/preamble.hpp"
#include "dlh/range.hpp"
#include "dlh/txt/acm.hpp"
#include "dlh/txt/acm_match.hpp"
#include "dlh/txt/dma.hpp"
#include "dlh/txt/getsec.hpp"
#include "dlh/txt/heap.hpp"
#include "dlh/txt/heap_check.hpp"
#include "dlh/txt/mle_header.hpp"
#include "dlh/txt/mle_pagetable.hpp"
#include "dlh/txt/mtrr.hpp"
#include "dlh/txt/registers.hpp"
#include "slrt/codec.hpp"
#include "slrt/table.hpp"

namespace dlh::txt {

// ---------------------------------------------------------------------------------------------
// Programs the VT-d PMRs before the launch where the platform needs it (SINIT programs them
// itself from OsSinitData; a launcher that runs with DMA remapping on must disable it and may
// program the PMRs first, SDG 2.2.4.2). Chipset-specific, so the loader supplies it.
using pmr_hook = status (*)(void* context, const range& lo, const range& hi);

// ---------------------------------------------------------------------------------------------
// Inputs

inline constexpr u32 max_sinit_candidates = 8;

struct launch_options {
    // The SLRT (architecture Intel TXT) in physical memory, and the layout it was written in.
    u64 slrt_address = 0;
    slrt::layout slrt_layout = slrt::default_layout;
    // The MLE: physical base of its first page (the one mapped at FirstValidPage), its size in
    // bytes (OsSinitData.MleSize) and the offset of its MLE header from that base.
    u64 mle_base = 0;
    u64 mle_size = 0;
    u32 mle_header_offset = 0;
    mle_profile profile = mle_profile::linux_secure_launch;
    // Where the MLE page tables go (4 KiB aligned, below the MLE); 0: right below the MLE.
    u64 page_table_base = 0;
    // Loader-supplied SINIT modules (files as loaded); a BIOS-provided SINIT at TXT.SINIT.BASE
    // (BiosData.BiosSinitSize != 0) is considered as well.
    const byte_view* sinit_modules = nullptr;
    u32 sinit_module_count = 0;
    match_options match{};
    // The TPM (SINIT matching, OsSinitData capabilities and the event-log element).
    tpm_kind tpm = tpm_kind::tpm20;
    const u16* tpm_banks = nullptr;  // TPM 2.0 PCR banks (TPM_ALG_ID); optional
    u32 tpm_bank_count = 0;
    u32 event_log_next_record = 0;  // bytes of the log already written (NextRecordOffset)
    os_sinit_caps_policy caps_policy = os_sinit_caps_policy::sdg;
    u32 max_os_sinit_data_version = 7;
    // How the finished heap is judged. BiosData is the BIOS's (coreboot writes sizes that are not
    // multiples of 8), so the default accepts the known producer quirks and names them in the
    // report (txt_preamble_report::heap_check.quirks); strict rejects them.
    check_mode heap_check_mode = check_mode::permissive;
    // The memory map's RAM ranges, for the PMR plan, and an optional PMR programming hook.
    dma_list<range> ram{};
    pmr_hook program_pmrs = nullptr;
    void* pmr_context = nullptr;
    // OsMleData (Linux v1): the AP wake block. OsSinitData: the EFI RSDP (0 on legacy boot).
    u32 ap_wake_block = 0;
    u32 ap_wake_block_size = 0;
    u64 efi_rsdt_ptr = 0;
    // Processor checks.
    feature_control_policy feature_policy = feature_control_policy::strict;
    u32 required_leaves = getsec_leaves_grub;
    ap_method aps = ap_method::apic_init;
    // Working memory (see the top of the file): at least the largest of the MLE page tables,
    // the SLRT, BiosData + OsMleData + OsSinitData and a BIOS-provided SINIT.
    mutable_byte_view scratch{};
    // Everything but GETSEC[SENTER]; afterwards the MTRRs, MISC_ENABLE and the interrupt flag
    // are put back (parked APs and the written tables stay).
    bool dry_run = false;
};

// ---------------------------------------------------------------------------------------------
// The report

enum class txt_step : u8 {
    smx, getsec, registers, slrt, mle, sinit, page_tables, pmrs, heap, save_mtrrs, acm_mtrrs, localities, aps,
    cpu_state, senter,
};
inline constexpr u32 txt_step_count = 15;

inline constexpr step_info txt_steps[txt_step_count] = {
    {"smx", "DLH-T1..T3"},         {"getsec", "DLH-T4..T5"},    {"registers", "DLH-T6..T9"},
    {"slrt", "DLH-T10..T11"},      {"mle", "DLH-T12"},          {"sinit", "DLH-T13..T14"},
    {"page_tables", "DLH-T15"},    {"pmrs", "DLH-T16..T17"},    {"heap", "DLH-T18..T20"},
    {"save_mtrrs", "DLH-T21"},     {"acm_mtrrs", "DLH-T22"},    {"localities", "DLH-T23"},
    {"aps", "DLH-T24"},            {"cpu_state", "DLH-T25"},    {"senter", "DLH-T26..T27"},
};

constexpr const char* name(txt_step s) { return txt_steps[static_cast<u32>(s)].name; }

struct txt_preamble_report : step_log<txt_step, txt_step_count> {
    bool dry_run = false;
    bool launched = false;  // GETSEC[SENTER] returned success (simulators only)
    bool restored = false;  // MTRRs, MISC_ENABLE and interrupts put back after a dry run or failure

    // smx, getsec, registers
    u32 cpuid1_eax = 0, cpuid1_ecx = 0;
    u64 feature_control = 0;
    u32 getsec_capabilities = 0;
    getsec_parameters parameters{};
    u64 sts = 0, ests = 0, errorcode = 0, didvid = 0, ver_fsbif = 0, ver_qpiif = 0, dpr = 0;
    range heap{};   // TXT.HEAP.BASE / SIZE
    range sinit{};  // TXT.SINIT.BASE / SIZE
    // slrt, mle
    u32 slrt_size = 0;
    u32 intel_info_offset = 0;  // within the SLRT
    u32 dl_info_offset = 0;
    slrt::log_info log{};
    mle_header mle{};
    u64 mle_header_linear = 0;  // OsSinitData.MLEHeaderBase
    // sinit
    u32 sinit_candidates = 0;
    u32 sinit_chosen = no_entry;  // index: loader modules first, the BIOS one last
    bool sinit_bios_provided = false;
    bool sinit_copied = false;
    u32 sinit_date = 0;
    u32 sinit_size = 0;  // bytes (ECX)
    capabilities sinit_caps{};
    u32 sinit_os_sinit_data_version = 0;
    // page tables, pmrs
    mle_ptab_layout page_tables{};
    range pmr_lo{}, pmr_hi{};
    u64 ram_end = 0;
    u32 unprotected_ram_ranges = 0;  // RAM outside both PMRs: the loader must reserve it
    // heap
    heap_layout heap_tables{};
    os_mle_data os_mle{};
    os_sinit_data os_sinit{};  // element list and padding cleared (they pointed at scratch)
    heap_report heap_check{};
    // MTRRs
    mtrr_settings saved_mtrrs{};
    u64 saved_misc_enable = 0;
    acm_mtrr_plan acm_mtrrs{};
    bool interrupts_were_enabled = false;
    // cpu state and the launch
    u64 cr0 = 0, cr4 = 0, apic_base = 0, mcg_status = 0;
    getsec_registers senter{};

};

// ---------------------------------------------------------------------------------------------
// The preamble

template <dlh::platform P, locality_control L = no_tpm_localities>
class txt_preamble {
public:
    constexpr txt_preamble(P& p, L& localities, const launch_options& o) : p_(p), loc_(localities), o_(o) {
        r_.dry_run = o.dry_run;
    }

    constexpr const txt_preamble_report& report() const { return r_; }

    // Every step in order; stops at the first failure. After a dry run (or a failure once the
    // MTRRs were changed) the MTRRs, MISC_ENABLE and the interrupt flag are put back.
    constexpr status run() {
        status s = success;
        for (u32 i = 0; i < txt_step_count && s; ++i) s = run_step(static_cast<txt_step>(i));
        if (!r_.launched) restore();
        return s;
    }

    constexpr status run_step(txt_step step) {
        switch (step) {
            case txt_step::smx: return check_smx();
            case txt_step::getsec: return read_getsec();
            case txt_step::registers: return check_registers();
            case txt_step::slrt: return read_slrt();
            case txt_step::mle: return read_mle();
            case txt_step::sinit: return place_sinit();
            case txt_step::page_tables: return build_page_tables();
            case txt_step::pmrs: return plan_dma();
            case txt_step::heap: return build_heap();
            case txt_step::save_mtrrs: return save_mtrrs();
            case txt_step::acm_mtrrs: return set_acm_mtrrs();
            case txt_step::localities: return close_localities();
            case txt_step::aps: return park_aps();
            case txt_step::cpu_state: return check_cpu_state();
            case txt_step::senter: return launch();
        }
        return fail(txt_step::senter, bad_argument("txt_step", "unknown step"), "DLH-T30");
    }

    // Step 1 (DLH-T1..T3): SMX support, IA32_FEATURE_CONTROL, then CR4.SMXE set (GETSEC needs it).
    constexpr status check_smx() {
        constexpr txt_step st = txt_step::smx;
        const cpu_registers id = p_.cpuid(1, 0);
        r_.cpuid1_eax = id.eax;
        r_.cpuid1_ecx = id.ecx;
        if (status s = check_smx_supported(id.ecx); !s) return fail(st, s.err(), "DLH-T1");
        r_.feature_control = p_.read_msr(msr_ia32_feature_control);
        if (status s = check_feature_control(r_.feature_control, o_.feature_policy); !s)
            return fail(st, s.err(), "DLH-T2");
        const u64 cr4 = p_.read_cr4();
        if (!cr4_field::smxe.test(cr4)) p_.write_cr4(cr4 | cr4_field::smxe.mask());
        if (status s = check_cr4_smxe(p_.read_cr4()); !s) return fail(st, s.err(), "DLH-T3");
        return pass(st, "CPUID.1:ECX", id.ecx, "IA32_FEATURE_CONTROL", r_.feature_control);
    }

    // Step 2 (DLH-T4..T5): the chipset and the leaves, then the PARAMETERS list.
    constexpr status read_getsec() {
        constexpr txt_step st = txt_step::getsec;
        if (status s = need(st, txt_step::smx); !s) return s;
        r_.getsec_capabilities = p_.getsec(static_cast<u32>(getsec_leaf::capabilities), 0, 0, 0).eax;
        if (status s = check_getsec_capabilities(r_.getsec_capabilities, o_.required_leaves); !s)
            return fail(st, s.err(), "DLH-T4");
        auto params = read_getsec_parameters([this](u32 index) {
            const cpu_registers g = p_.getsec(static_cast<u32>(getsec_leaf::parameters), index, 0, 0);
            return getsec_parameter_triple{g.eax, g.ebx, g.ecx};
        });
        if (!params) return fail(st, params.err(), "DLH-T5");
        r_.parameters = *params;
        return pass(st, "CAPABILITIES", r_.getsec_capabilities, "max_ac_size", params->max_ac_size);
    }

    // Step 3 (DLH-T6..T9): the public TXT register space.
    constexpr status check_registers() {
        constexpr txt_step st = txt_step::registers;
        if (status s = need(st, txt_step::smx); !s) return s;
        r_.sts = reg(config_reg::sts);
        r_.ests = reg(config_reg::ests);
        r_.errorcode = reg(config_reg::errorcode);
        r_.didvid = reg(config_reg::didvid);
        r_.ver_fsbif = reg(config_reg::ver_fsbif);
        r_.ver_qpiif = reg(config_reg::ver_qpiif);
        r_.dpr = reg(config_reg::dpr);
        if (status s = check_txt_reset(r_.ests); !s) return fail(st, s.err(), "DLH-T6");
        if (status s = check_not_launched(r_.sts); !s) return fail(st, s.err(), "DLH-T7");
        if (didvid_reg{r_.didvid}.vendor_id() != intel_vendor_id)
            return fail(st,
                        error{errc::not_found, config_reg::didvid, no_entry, "TXT.DIDVID.VID", "",
                              "the TXT public space does not answer with Intel's vendor id: no TXT chipset",
                              didvid_reg{r_.didvid}.vendor_id(), intel_vendor_id},
                        "DLH-T8");
        const u64 hb = reg(config_reg::heap_base), hs = reg(config_reg::heap_size);
        const u64 sb = reg(config_reg::sinit_base), ss = reg(config_reg::sinit_size);
        r_.heap = range{low32_reg{hb}.value(), low32_reg{hs}.value()};
        r_.sinit = range{low32_reg{sb}.value(), low32_reg{ss}.value()};
        struct region_check {
            u32 offset;
            const char* field;
            u64 raw;
        };
        const region_check regions[4] = {{config_reg::heap_base, "TXT.HEAP.BASE", hb},
                                         {config_reg::heap_size, "TXT.HEAP.SIZE", hs},
                                         {config_reg::sinit_base, "TXT.SINIT.BASE", sb},
                                         {config_reg::sinit_size, "TXT.SINIT.SIZE", ss}};
        for (const region_check& c : regions)
            if (low32_reg{c.raw}.value() == 0 || low32_reg{c.raw}.upper_bits_set())
                return fail(st,
                            error{errc::out_of_bounds, c.offset, no_entry, c.field, "",
                                  "the BIOS did not set up the TXT heap and SINIT regions (zero, or bits 63:32 set)",
                                  c.raw, 0xFFFFFFFFu},
                            "DLH-T9");
        if ((r_.heap.base & 0xFFFu) != 0 || (r_.sinit.base & 0xFFFu) != 0)
            return fail(st,
                        error{errc::misaligned, (r_.heap.base & 0xFFFu) != 0 ? config_reg::heap_base
                                                                             : config_reg::sinit_base,
                              no_entry, (r_.heap.base & 0xFFFu) != 0 ? "TXT.HEAP.BASE" : "TXT.SINIT.BASE", "",
                              "the TXT heap and SINIT regions start on 4 KiB pages",
                              (r_.heap.base & 0xFFFu) != 0 ? r_.heap.base : r_.sinit.base, 0x1000},
                        "DLH-T9");
        return pass(st, "TXT.DIDVID", r_.didvid, "TXT.HEAP.BASE", r_.heap.base, "TXT.SINIT.BASE", r_.sinit.base);
    }

    // Step 4 (DLH-T10..T11): the SLRT, validated from a copy; the entries the heap needs.
    constexpr status read_slrt() {
        constexpr txt_step st = txt_step::slrt;
        u8 head[16]{};
        if (status s = read(st, o_.slrt_address, mutable_byte_view(head), "slrt"); !s) return s;
        const u32 size = static_cast<u32>(load_le(byte_view(head), 8, 4));
        if (size < sizeof head)
            return fail(st,
                        error{errc::size_too_small, 8, no_entry, "slr_table.size", "SLRT-H5",
                              "the SLRT header names a size smaller than itself", size, sizeof head},
                        "DLH-T10");
        if (status s = need_scratch(st, size, "slrt"); !s) return s;
        const mutable_byte_view copy = o_.scratch.subview(0, size);
        if (status s = read(st, o_.slrt_address, copy, "slrt"); !s) return s;
        const result<slrt::table> t = slrt::parse(byte_view(copy.data(), copy.size()),
                                                  {o_.slrt_layout, slrt::mode::strict});
        if (!t) return fail(st, t.err(), "DLH-T10");
        if (t->header().architecture != slrt::architecture::intel_txt)
            return fail(st,
                        error{errc::architecture_mismatch, 6, no_entry, "slr_table.architecture", "SLRT-E9",
                              "a TXT launch needs an Intel TXT table (architecture 1)",
                              static_cast<u16>(t->header().architecture), 1},
                        "DLH-T10");
        const slrt::tag needed[3] = {slrt::tag::dl_info, slrt::tag::log_info, slrt::tag::intel_info};
        u32 offsets[3]{};
        for (u32 i = 0; i < 3; ++i) {
            const result<slrt::entry_ref> e = t->find(needed[i]);
            if (!e) return fail(st, e.err(), "DLH-T11");
            offsets[i] = e->offset;
        }
        r_.slrt_size = size;
        r_.dl_info_offset = offsets[0];
        r_.intel_info_offset = offsets[2];
        r_.log = *t->get<slrt::log_info>();
        return pass(st, "slr_table.size", size, "intel_info", o_.slrt_address + offsets[2], "log_info.addr",
                    r_.log.addr);
    }

    // Step 5 (DLH-T12): the MLE header at mle_base + mle_header_offset, decoded and validated.
    constexpr status read_mle() {
        constexpr txt_step st = txt_step::mle;
        const range mle{o_.mle_base, o_.mle_size};
        if (o_.mle_size == 0 || !mle.valid() || !mle.below(four_gib) || o_.mle_header_offset >= o_.mle_size)
            return fail(st,
                        error{errc::out_of_bounds, 0, no_entry, "launch_options.mle", "",
                              "the MLE must be non-empty, below 4 GiB, and hold its MLE header", o_.mle_base,
                              o_.mle_size},
                        "DLH-T12");
        u8 bytes[256]{};
        const u64 left = o_.mle_size - o_.mle_header_offset;
        const std::size_t n = left < sizeof bytes ? static_cast<std::size_t>(left) : sizeof bytes;
        if (status s = read(st, o_.mle_base + o_.mle_header_offset, mutable_byte_view(bytes, n), "mle_header"); !s)
            return s;
        const result<mle_header> h = parse_mle_header(byte_view(bytes, n));
        if (!h) return fail(st, h.err(), "DLH-T12");
        r_.mle = *h;
        r_.mle_header_linear = u64{h->first_valid_page} + o_.mle_header_offset;
        return pass(st, "mle_header.version", h->version, "mle_header.capabilities", h->caps.raw,
                    "MLEHeaderBase", r_.mle_header_linear);
    }

    // Step 6 (DLH-T13..T14): BiosData, the candidates, choose_sinit, the copy to TXT.SINIT.BASE.
    constexpr status place_sinit() {
        constexpr txt_step st = txt_step::sinit;
        if (status s = need(st, txt_step::getsec, txt_step::registers, txt_step::slrt, txt_step::mle); !s) return s;
        const result<bios_data> bios = read_bios_data(st);
        if (!bios) return bios.err();
        if (o_.sinit_module_count > max_sinit_candidates || (o_.sinit_module_count != 0 && !o_.sinit_modules))
            return fail(st, bad_argument("launch_options.sinit_modules", "at most 8 SINIT modules, given as an array"),
                        "DLH-T14");

        platform_values v;
        v.has_didvid = true;
        v.didvid = r_.didvid;
        v.has_ver_fsbif = true;
        v.ver_fsbif = r_.ver_fsbif;
        v.has_ver_qpiif = true;
        v.ver_qpiif = r_.ver_qpiif;
        v.has_fms = true;
        v.fms = r_.cpuid1_eax;
        v.has_platform_id = true;
        v.platform_id = p_.read_msr(msr_ia32_platform_id);
        v.has_bios_data = true;
        v.bios_data_version = bios->version;
        v.mle_flags = bios->mle_flags;
        v.tpm = o_.tpm;
        v.tpm_bank_count = o_.tpm_bank_count < max_tpm_banks ? o_.tpm_bank_count : max_tpm_banks;
        for (u32 i = 0; i < v.tpm_bank_count && o_.tpm_banks; ++i) v.tpm_banks[i] = o_.tpm_banks[i];
        v.has_mle = true;
        v.mle_header_version = r_.mle.version;
        v.mle_capabilities = effective_mle_capabilities(r_.mle).raw;
        v.has_max_ac_size = true;
        v.max_ac_size = r_.parameters.max_ac_size;
        v.has_sinit_region = true;
        v.sinit_base = r_.sinit.base;
        v.sinit_size = r_.sinit.size;

        // Candidates: the loader's modules, then the BIOS one (read into scratch).
        sinit_candidate cand[max_sinit_candidates + 1]{};
        byte_view module[max_sinit_candidates + 1]{};
        u32 count = 0;
        error first_mismatch{};
        auto consider = [&](byte_view file, bool bios_provided) {
            const result<parsed_acm> a = parse_acm(file);
            sinit_candidate c;
            c.bios_provided = bios_provided;
            if (!a) {
                if (!first_mismatch) first_mismatch = a.err();
            } else {
                c.date = a->header.date;
                const check_report m = match_acm(*a, v, o_.match);
                c.matches = m.ok();
                if (!c.matches && !first_mismatch) first_mismatch = m.first_failure();
                module[count] = a->module;
            }
            cand[count++] = c;
        };
        for (u32 i = 0; i < o_.sinit_module_count; ++i) consider(o_.sinit_modules[i], false);
        if (bios->bios_sinit_size != 0) {
            if (bios->bios_sinit_size > r_.sinit.size)
                return fail(st,
                            error{errc::out_of_bounds, 4, 0, "bios_data.bios_sinit_size", "TXT-A53",
                                  "BiosSinitSize is larger than TXT.SINIT.SIZE", bios->bios_sinit_size, r_.sinit.size},
                            "DLH-T13");
            if (status s = need_scratch(st, bios->bios_sinit_size, "bios_sinit"); !s) return s;
            const mutable_byte_view b = o_.scratch.subview(0, bios->bios_sinit_size);
            if (status s = read(st, r_.sinit.base, b, "bios_sinit"); !s) return s;
            consider(byte_view(b.data(), b.size()), true);
        }
        r_.sinit_candidates = count;
        const result<u32> chosen = choose_sinit(cand, count);
        if (!chosen) return fail(st, first_mismatch ? first_mismatch : chosen.err(), "DLH-T14");

        // Re-parse the chosen module for the values the later steps use.
        const parsed_acm a = *parse_acm(module[*chosen]);
        r_.sinit_chosen = *chosen;
        r_.sinit_bios_provided = cand[*chosen].bios_provided;
        r_.sinit_date = a.header.date;
        r_.sinit_size = a.module_size();
        r_.sinit_caps = a.info.capabilities;
        r_.sinit_os_sinit_data_version = a.info.os_sinit_data_ver;
        if (!r_.sinit_bios_provided) {
            if (status s = write(st, r_.sinit.base, a.module, "sinit"); !s) return s;
            r_.sinit_copied = true;
        }
        // The SLRT's dl_info names the DCE as launched (GRUB does the same).
        slrt::dl_info dl{};
        if (status s = read_entry(st, r_.dl_info_offset, dl); !s) return s;
        dl.dce_base = r_.sinit.base;
        dl.dce_size = r_.sinit_size;
        if (status s = write_entry(st, r_.dl_info_offset, dl); !s) return s;
        return pass(st, "chosen", *chosen, "date", r_.sinit_date, "size", r_.sinit_size);
    }

    // Step 7 (DLH-T15): the MLE page tables, built in scratch and written at their place.
    constexpr status build_page_tables() {
        constexpr txt_step st = txt_step::page_tables;
        if (status s = need(st, txt_step::mle); !s) return s;
        u64 at = o_.page_table_base;
        if (at == 0) {
            const result<u64> below = mle_page_tables_below(o_.mle_base, o_.mle_size, r_.mle.first_valid_page, 0x1000);
            if (!below) return fail(st, below.err(), "DLH-T15");
            at = *below;
        }
        const mle_ptab_request req{at, o_.mle_base, o_.mle_size, r_.mle.first_valid_page};
        const result<mle_ptab_layout> plan = plan_mle_page_tables(req);
        if (!plan) return fail(st, plan.err(), "DLH-T15");
        if (status s = need_scratch(st, plan->table_bytes(), "mle_page_tables"); !s) return s;
        const mutable_byte_view tables = o_.scratch.subview(0, static_cast<std::size_t>(plan->table_bytes()));
        const result<mle_ptab_layout> built = build_mle_page_tables(tables, req);
        if (!built) return fail(st, built.err(), "DLH-T15");
        if (status s = write(st, at, byte_view(tables.data(), tables.size()), "mle_page_tables"); !s) return s;
        r_.page_tables = *built;
        return pass(st, "PageTableBase", built->pdpt, "bytes", built->table_bytes(), "mle_pages", built->mle_pages);
    }

    // Step 8 (DLH-T16..T17): the PMRs cover the MLE, its page tables, the SLRT and the event log.
    constexpr status plan_dma() {
        constexpr txt_step st = txt_step::pmrs;
        if (status s = need(st, txt_step::slrt, txt_step::page_tables); !s) return s;
        const dma_region required[4] = {
            {"mle", range{o_.mle_base, o_.mle_size}, true},
            {"mle_page_tables", range{r_.page_tables.pdpt, r_.page_tables.table_bytes()}, true},
            {"slrt", range{o_.slrt_address, r_.slrt_size}, false},
            {"event_log", range{r_.log.addr, r_.log.size}, false},
        };
        const result<pmr_plan> plan = plan_pmrs(o_.ram, dma_list<dma_region>(required), pmr_policy::linux_compatible);
        if (!plan) return fail(st, plan.err(), "DLH-T16");
        r_.pmr_lo = plan->lo;
        r_.pmr_hi = plan->hi;
        r_.ram_end = plan->ram_end;
        r_.unprotected_ram_ranges = static_cast<u32>(plan->unprotected_count);
        if (o_.program_pmrs) {
            const status s = o_.program_pmrs(o_.pmr_context, plan->lo, plan->hi);
            if (!s) return fail(st, s.err(), "DLH-T17");
        }
        return pass(st, "vtd_pmr_lo_size", plan->lo.size, "vtd_pmr_hi_size", plan->hi.size, "unprotected_ram",
                    plan->unprotected_count);
    }

    // Step 9 (DLH-T18..T20): OsMleData and OsSinitData after BiosData, then the heap checked.
    constexpr status build_heap() {
        constexpr txt_step st = txt_step::heap;
        if (status s = need(st, txt_step::sinit, txt_step::page_tables, txt_step::pmrs); !s) return s;
        const bool tpm2 = o_.tpm != tpm_kind::tpm12;
        os_sinit_caps_request req;
        req.mle = effective_mle_capabilities(r_.mle);
        req.sinit = r_.sinit_caps;
        req.tpm2 = tpm2;
        req.tcg_event_log = r_.log.format == slrt::log_format::tpm20;
        req.profile = o_.profile;
        req.policy = o_.caps_policy;
        const result<os_sinit_caps_choice> caps = select_os_sinit_capabilities(req);
        if (!caps) return fail(st, caps.err(), "DLH-T18");

        u8 elements[64]{};
        element_writer w{mutable_byte_view(elements)};
        (void)w.init();
        const status logged = tpm2 ? w.add_event_log_pointer2_1(
                                         event_log_pointer2_1{r_.log.addr, r_.log.size, 0, o_.event_log_next_record})
                                   : w.add_tpm_event_log_ptr(tpm_event_log_ptr{r_.log.addr});
        if (!logged) return fail(st, logged.err(), "DLH-T19");

        os_mle_data mle;
        mle.layout = os_mle_layout::linux_v1;
        mle.version = 1;
        mle.slrt = o_.slrt_address;
        mle.txt_info = o_.slrt_address + r_.intel_info_offset;
        mle.ap_wake_block = o_.ap_wake_block;
        mle.ap_wake_block_size = o_.ap_wake_block_size;

        os_sinit_data sd;
        const u32 max_version = r_.sinit_os_sinit_data_version;
        sd.version = o_.max_os_sinit_data_version < max_version ? o_.max_os_sinit_data_version : max_version;
        sd.flags = sd.version >= 7 ? caps->flags : 0;
        sd.mle_ptab = r_.page_tables.pdpt;
        sd.mle_size = o_.mle_size;
        sd.mle_hdr_base = r_.mle_header_linear;
        sd.vtd_pmr_lo_base = r_.pmr_lo.base;
        sd.vtd_pmr_lo_size = r_.pmr_lo.size;
        sd.vtd_pmr_hi_base = r_.pmr_hi.base;
        sd.vtd_pmr_hi_size = r_.pmr_hi.size;
        sd.caps = caps->caps;
        sd.efi_rsdt_ptr = sd.version >= 5 ? o_.efi_rsdt_ptr : 0;
        if (sd.version >= 6) sd.ext_data_elements = w.list();

        const result<u64> mle_size = plan_os_mle_data(mle);
        if (!mle_size) return fail(st, mle_size.err(), "DLH-T19");
        const result<u64> sinit_size = plan_os_sinit_data(sd);
        if (!sinit_size) return fail(st, sinit_size.err(), "DLH-T19");
        u8 size_field[8]{};
        if (status s = read(st, r_.heap.base, mutable_byte_view(size_field), "heap"); !s) return s;
        const u64 bios_size = load_le(byte_view(size_field), 0, 8);
        if (bios_size < table_size_field || bios_size > r_.heap.size ||
            *mle_size + *sinit_size > r_.heap.size - bios_size)
            return fail(st,
                        error{errc::buffer_too_small, 0, 1, "TXT.HEAP.SIZE", "TXT-H93",
                              "the heap has no room for OsMleData and OsSinitData after BiosData",
                              bios_size + *mle_size + *sinit_size, r_.heap.size},
                        "DLH-T19");
        const u64 total = bios_size + *mle_size + *sinit_size;
        if (status s = need_scratch(st, total, "heap"); !s) return s;
        const mutable_byte_view heap = o_.scratch.subview(0, static_cast<std::size_t>(total));
        if (status s = read(st, r_.heap.base, heap.subview(0, static_cast<std::size_t>(bios_size)), "heap"); !s)
            return s;
        const result<heap_layout> layout = write_launcher_tables(heap, mle, sd);
        if (!layout) return fail(st, layout.err(), "DLH-T19");

        heap_check_options check;
        check.mode = o_.heap_check_mode;
        check.heap_size = r_.heap.size;
        check.heap_base = r_.heap.base;
        check.tpm = tpm2 ? tpm_family::tpm20 : tpm_family::tpm12;
        check.mle = range{o_.mle_base, o_.mle_size};
        if (const result<range> dpr = decode_dpr(r_.dpr); dpr) check.dpr = *dpr;
        const result<heap_report> checked =
            validate_heap(byte_view(heap.data(), heap.size()), {heap_stage::pre_launch, os_mle_select::linux_v1}, check);
        if (!checked) return fail(st, checked.err(), "DLH-T20");
        const std::size_t from = static_cast<std::size_t>(bios_size);
        if (status s = write(st, r_.heap.base + bios_size, byte_view(heap.data() + from, heap.size() - from), "heap");
            !s)
            return s;
        r_.heap_tables = *layout;
        r_.heap_check = *checked;
        r_.os_mle = mle;
        r_.os_sinit = sd;
        r_.os_sinit.ext_data_elements = {};
        r_.os_sinit.padding = {};
        return pass(st, "os_sinit_data.version", sd.version, "os_sinit_data.capabilities", sd.caps.raw,
                    "heap_bytes", total);
    }

    // Step 10 (DLH-T21): the MTRRs and IA32_MISC_ENABLE as they are now, into intel_info.
    constexpr status save_mtrrs() {
        constexpr txt_step st = txt_step::save_mtrrs;
        if (status s = need(st, txt_step::slrt, txt_step::registers); !s) return s;
        r_.saved_mtrrs = read_mtrr_settings(msr_reader{&p_});
        r_.saved_misc_enable = p_.read_msr(mtrr_msr::misc_enable);
        slrt::intel_info info{};
        if (status s = read_entry(st, r_.intel_info_offset, info); !s) return s;
        if (slrt::describe(o_.slrt_layout).intel_info.txt_heap.present()) info.txt_heap = r_.heap.base;
        info.saved_misc_enable_msr = r_.saved_misc_enable;
        info.saved_bsp_mtrrs = to_slrt(r_.saved_mtrrs);
        if (status s = write_entry(st, r_.intel_info_offset, info); !s) return s;
        saved_ = true;
        return pass(st, "IA32_MTRR_DEF_TYPE", r_.saved_mtrrs.def_type, "mtrr_vcnt", r_.saved_mtrrs.vcnt,
                    "IA32_MISC_ENABLE", r_.saved_misc_enable);
    }

    // Step 11 (DLH-T22): WB over the SINIT, everything else UC, loaded with the SDG listing 6
    // sequence: interrupts off, CR0.CD = 1 / NW = 0, WBINVD, CR4.PGE = 0, TLB flush, the writes
    // (MTRRdefType.E = 0 first, E = 1 last), WBINVD, TLB flush, CR0 and CR4 back. Interrupts
    // stay off until SENTER.
    constexpr status set_acm_mtrrs() {
        constexpr txt_step st = txt_step::acm_mtrrs;
        if (status s = need(st, txt_step::sinit, txt_step::save_mtrrs); !s) return s;
        const result<acm_mtrr_plan> plan = plan_acm_mtrrs(r_.sinit.base, r_.sinit_size, p_.read_msr(mtrr_msr::cap),
                                                          acm_mtrr_options_for(r_.sinit_caps,
                                                                               effective_mle_capabilities(r_.mle),
                                                                               maxphyaddr()));
        if (!plan) return fail(st, plan.err(), "DLH-T22");
        if (!irq_off_) {
            r_.interrupts_were_enabled = p_.disable_interrupts();
            irq_off_ = true;
        }
        load_mtrrs(mtrr_load_writes(plan->settings));
        mtrrs_loaded_ = true;
        r_.acm_mtrrs = *plan;
        return pass(st, "used", plan->used, "covered.base", plan->covered.base, "covered.size", plan->covered.size);
    }

    // Step 12 (DLH-T23): every TPM locality closed by the loader's TPM driver.
    constexpr status close_localities() {
        const status s = loc_.close_all();
        if (!s) return fail(txt_step::localities, s.err(), "DLH-T23");
        return pass(txt_step::localities);
    }

    // Step 13 (DLH-T24): the other processors to wait-for-SIPI (INIT through the local APIC, or
    // the loader's hook).
    constexpr status park_aps() {
        const status s = p_.park_aps(o_.aps);
        if (!s) return fail(txt_step::aps, s.err(), "DLH-T24");
        return pass(txt_step::aps, "ap_method", static_cast<u64>(o_.aps));
    }

    // Step 14 (DLH-T25): check_pre_senter over what the processor reads now.
    constexpr status check_cpu_state() {
        constexpr txt_step st = txt_step::cpu_state;
        if (status s = need(st, txt_step::getsec); !s) return s;
        smx_state v;
        v.has_cpuid1_ecx = true;
        v.cpuid1_ecx = p_.cpuid(1, 0).ecx;
        v.has_cr0 = true;
        v.cr0 = r_.cr0 = p_.read_cr0();
        v.has_cr4 = true;
        v.cr4 = r_.cr4 = p_.read_cr4();
        v.has_feature_control = true;
        v.feature_control = p_.read_msr(msr_ia32_feature_control);
        v.has_getsec_capabilities = true;
        v.getsec_capabilities = r_.getsec_capabilities;
        v.has_apic_base = true;
        v.apic_base = r_.apic_base = p_.read_msr(msr_ia32_apic_base);
        v.has_machine_checks = true;
        v.mcg_status = r_.mcg_status = p_.read_msr(msr_ia32_mcg_status);
        v.mcg_cap = p_.read_msr(msr_ia32_mcg_cap);
        u64 banks[64]{};
        const u32 count = static_cast<u32>(mcg_cap_field::count.get(v.mcg_cap));
        v.mci_count = count < 64 ? count : 64;
        for (u32 i = 0; i < v.mci_count; ++i) banks[i] = p_.read_msr(msr_ia32_mc_status(i));
        v.mci_status = banks;
        v.has_parameters = true;
        v.parameters = r_.parameters;
        const check_report c =
            check_pre_senter(v, smx_check_options{o_.feature_policy, o_.required_leaves, false});
        if (!c.ok()) return fail(st, c.first_failure(), "DLH-T25");
        return pass(st, "CR0", r_.cr0, "CR4", r_.cr4, "IA32_APIC_BASE", r_.apic_base);
    }

    // Step 15 (DLH-T26..T27): GETSEC[SENTER] with EBX = TXT.SINIT.BASE, ECX = the SINIT size,
    // EDX = 0. A dry run stops here with the registers in the report.
    constexpr status launch() {
        constexpr txt_step st = txt_step::senter;
        if (status s = need(st, txt_step::sinit); !s) return s;
        const result<getsec_registers> regs = senter_registers(r_.sinit.base, r_.sinit_size);
        if (!regs) return fail(st, regs.err(), "DLH-T26");
        r_.senter = *regs;
        if (o_.dry_run) {
            step_record& rec = pass_record(st, "EBX", regs->ebx, "ECX", regs->ecx, "EDX", regs->edx);
            rec.outcome = step_outcome::skipped;
            rec.note = "dry run: GETSEC[SENTER] not executed";
            return success;
        }
        const status s = p_.senter(regs->ebx, regs->ecx);
        if (!s) return fail(st, s.err(), "DLH-T27");
        r_.launched = true;
        return pass(st, "EBX", regs->ebx, "ECX", regs->ecx, "EDX", regs->edx);
    }

    // Puts back what the MTRR step changed (saved MTRRs and MISC_ENABLE, with the same cache
    // sequence) and the interrupt flag. run() calls it when no launch happened.
    constexpr void restore() {
        if (mtrrs_loaded_ && saved_) {
            load_mtrrs(mtrr_restore_writes(r_.saved_mtrrs, r_.saved_misc_enable));
            mtrrs_loaded_ = false;
            r_.restored = true;
        }
        if (irq_off_) {
            if (r_.interrupts_were_enabled) p_.enable_interrupts();
            irq_off_ = false;
            r_.restored = true;
        }
    }

private:
    struct msr_reader {
        P* p;
        constexpr u64 read_msr(u32 index) const { return p->read_msr(index); }
    };

    constexpr u64 reg(u32 offset) { return p_.mmio_read64(register_address(config_space::public_space, offset)); }

    constexpr u8 maxphyaddr() {
        if (p_.cpuid(0x80000000u, 0).eax < 0x80000008u) return mtrr_min_width;
        const u32 w = p_.cpuid(0x80000008u, 0).eax & 0xFFu;
        return static_cast<u8>(w < mtrr_min_width ? mtrr_min_width : w > mtrr_max_width ? mtrr_max_width : w);
    }

    constexpr void load_mtrrs(const mtrr_write_list& writes) {
        const u64 cr0 = p_.read_cr0(), cr4 = p_.read_cr4();
        p_.write_cr0((cr0 | cr0_field::cd.mask()) & ~cr0_field::nw.mask());
        p_.wbinvd();
        p_.write_cr4(cr4 & ~cr4_field::pge.mask());
        p_.flush_tlb();
        for (const mtrr_write& w : writes) p_.write_msr(w.msr, w.value);
        p_.wbinvd();
        p_.flush_tlb();
        p_.write_cr0(cr0);
        p_.write_cr4(cr4);
    }

    constexpr result<bios_data> read_bios_data(txt_step st) {
        u8 size_field[8]{};
        if (status s = read(st, r_.heap.base, mutable_byte_view(size_field), "heap"); !s) return s.err();
        const u64 size = load_le(byte_view(size_field), 0, 8);
        if (size < table_size_field || size > r_.heap.size)
            return fail(st,
                        error{errc::out_of_bounds, 0, 0, "bios_data_size", "TXT-H2",
                              "BiosDataSize must cover its own size field and stay inside TXT.HEAP.SIZE", size,
                              r_.heap.size},
                        "DLH-T13")
                .err();
        if (status s = need_scratch(st, size, "bios_data"); !s) return s.err();
        const mutable_byte_view b = o_.scratch.subview(0, static_cast<std::size_t>(size));
        if (status s = read(st, r_.heap.base, b, "heap"); !s) return s.err();
        const result<bios_data> bios = parse_bios_data(byte_view(b.data(), b.size()));
        if (!bios) return fail(st, bios.err(), "DLH-T13").err();
        return *bios;
    }

    // An SLRT entry (dl_info, intel_info) decoded from memory, then re-encoded in place: only
    // the entry's bytes are written back.
    template <class T>
    constexpr status read_entry(txt_step st, u32 offset, T& out) {
        const slrt::layout_desc& d = slrt::describe(o_.slrt_layout);
        const u16 size = slrt::layout_size<T>(d);
        u8 bytes[600]{};
        if (status s = read(st, o_.slrt_address + offset, mutable_byte_view(bytes, size), "slrt_entry"); !s) return s;
        out = slrt::decode<T>(d, byte_view(bytes, size));
        return success;
    }
    template <class T>
    constexpr status write_entry(txt_step st, u32 offset, const T& v) {
        const slrt::layout_desc& d = slrt::describe(o_.slrt_layout);
        const u16 size = slrt::layout_size<T>(d);
        u8 bytes[600]{};
        if (status s = read(st, o_.slrt_address + offset, mutable_byte_view(bytes, size), "slrt_entry"); !s) return s;
        if (status s = slrt::encode(d, v, mutable_byte_view(bytes, size)); !s) {
            error e = s.err();
            e.offset += offset;
            return fail(st, e, "DLH-T21");
        }
        return write(st, o_.slrt_address + offset, byte_view(bytes, size), "slrt_entry");
    }

    constexpr status read(txt_step st, u64 address, mutable_byte_view out, const char* what) {
        const status s = p_.read(address, out);
        if (!s) return fail(st, memory_error(s.err(), address, out.size(), what, "read"), "DLH-T29");
        return success;
    }
    constexpr status write(txt_step st, u64 address, byte_view in, const char* what) {
        const status s = p_.write(address, in);
        if (!s) return fail(st, memory_error(s.err(), address, in.size(), what, "write"), "DLH-T29");
        return success;
    }
    static constexpr error memory_error(const error& cause, u64 address, u64 size, const char* what,
                                        const char* op) {
        error e = cause;
        e.field = what;
        e.value = address;
        e.limit = size;
        if (!e.message || !*e.message)
            e.message = op[0] == 'r' ? "the platform could not read this physical memory"
                                     : "the platform could not write this physical memory";
        return e;
    }

    constexpr status need_scratch(txt_step st, u64 bytes, const char* what) {
        if (o_.scratch.size() < bytes)
            return fail(st,
                        error{errc::buffer_too_small, 0, no_entry, what, "",
                              "launch_options.scratch is too small for this step", o_.scratch.size(), bytes},
                        "DLH-T28");
        return success;
    }

    template <class... Steps>
    constexpr status need(txt_step st, Steps... before) {
        for (txt_step b : {before...})
            if (r_.step(b).outcome != step_outcome::pass)
                return fail(st,
                            error{errc::bad_argument, 0, static_cast<u32>(b), name(b), "",
                                  "a step this one depends on has not passed", static_cast<u64>(b),
                                  static_cast<u64>(st)},
                            "DLH-T30");
        return success;
    }

    static constexpr error bad_argument(const char* field, const char* message) {
        return error{errc::bad_argument, 0, no_entry, field, "", message, 0, 0};
    }

    constexpr status fail(txt_step st, const error& cause, const char* rule) { return r_.fail(st, cause, rule); }
    constexpr step_record& pass_record(txt_step st, const char* k0 = "", u64 v0 = 0, const char* k1 = "", u64 v1 = 0,
                                       const char* k2 = "", u64 v2 = 0) {
        return r_.record(st, step_outcome::pass, txt_steps[static_cast<u32>(st)].rules, k0, v0, k1, v1, k2, v2);
    }
    constexpr status pass(txt_step st, const char* k0 = "", u64 v0 = 0, const char* k1 = "", u64 v1 = 0,
                          const char* k2 = "", u64 v2 = 0) {
        (void)pass_record(st, k0, v0, k1, v1, k2, v2);
        return success;
    }

    P& p_;
    L& loc_;
    launch_options o_;
    txt_preamble_report r_{};
    bool saved_ = false;
    bool mtrrs_loaded_ = false;
    bool irq_off_ = false;
};

// The whole preamble in one call: the report (with every step's outcome) and the first error.
template <dlh::platform P, locality_control L>
constexpr status run_txt_preamble(P& p, L& localities, const launch_options& o, txt_preamble_report& out) {
    txt_preamble<P, L> pre(p, localities, o);
    const status s = pre.run();
    out = pre.report();
    return s;
}

}  // namespace dlh::txt
