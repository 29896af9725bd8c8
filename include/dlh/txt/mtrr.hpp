// SPDX-License-Identifier: MIT
// MTRRs around a TXT launch: the MSR layouts; the variable-MTRR set that makes the SINIT ACM
// write-back and everything else uncached before GETSEC[SENTER]; the saved state the SLRT
// Intel-info entry carries, with conversion to and from slrt::mtrr_state; the MSR writes that
// load a state (for the ACM) or put the saved one back; the effective memory type of an address;
// and the checks that tboot and Linux Secure Launch apply to the saved state after the launch.
//
// Sources: Intel SDM Vol. 3A "Memory Type Range Registers" (MTRRCAP, MTRRdefType, variable
// ranges, precedence of overlapping ranges, the update procedure; section 11.11 in the 2016-2022
// editions) and Vol. 4 Table 2-2; Intel TXT Software Development Guide 315168-013 (SDG) 2.2.5.1
// and listing 6, A.1.1; tboot mtrrs.c (set_mem_type, validate_mtrrs, restore_mtrrs); TrenchBoot
// GRUB txt.c (save_mtrrs, set_mtrr_mem_type); Linux Secure Launch sl_stub.S (restore) and
// sl_main.c sl_txt_validate_msrs. spec/txt/dma.md describes every rule TXT-U<n> and the choices.
//
// Hardware access is injected: read_mtrr_settings() takes any object with a
// `u64 read_msr(u32) const`; everything else is a pure constexpr function over values.
#pragma once

#include <concepts>
#include <cstddef>

#include "dlh/base.hpp"
#include "dlh/bits.hpp"
#include "dlh/range.hpp"
#include "dlh/txt/capabilities.hpp"
#include "dlh/txt/registers.hpp"
#include "slrt/constants.hpp"
#include "slrt/consumers.hpp"
#include "slrt/entries.hpp"
#include "slrt/error.hpp"

namespace dlh::txt {

// ---------------------------------------------------------------------------------------------
// MSR indices (SDM Vol. 4 Table 2-2)

namespace mtrr_msr {
inline constexpr u32 cap = 0x0FE;          // IA32_MTRRCAP (read only)
inline constexpr u32 misc_enable = 0x1A0;  // IA32_MISC_ENABLE (saved with the MTRRs, SDG 2.2.5.1)
inline constexpr u32 physbase0 = 0x200;    // IA32_MTRR_PHYSBASEn = 0x200 + 2n
inline constexpr u32 physmask0 = 0x201;    // IA32_MTRR_PHYSMASKn = 0x201 + 2n
inline constexpr u32 def_type = 0x2FF;     // IA32_MTRR_DEF_TYPE
constexpr u32 physbase(u32 n) { return physbase0 + 2 * n; }
constexpr u32 physmask(u32 n) { return physmask0 + 2 * n; }
}  // namespace mtrr_msr

// ---------------------------------------------------------------------------------------------
// Field layouts, datasheet order (SDM Vol. 3A MTRR feature identification, MTRRdefType,
// variable-range MTRRs). PHYSBASE/PHYSMASK address fields hold bits MAXPHYADDR-1:12; the bits
// from MAXPHYADDR to 51 are reserved on a given processor but are described here as part of the
// field (the tables cannot depend on MAXPHYADDR); check_saved_mtrrs reports them (TXT-U11).

namespace mtrrcap_field {
inline constexpr bit_field vcnt{"VCNT", 0, 8, false, "number of variable-range MTRR pairs"};
inline constexpr bit_field fix{"FIX", 8, 1, false, "fixed-range MTRRs supported"};
inline constexpr bit_field wc{"WC", 10, 1, false, "write-combining type supported"};
inline constexpr bit_field smrr{"SMRR", 11, 1, false, "SMM range registers supported"};
inline constexpr bit_field prmrr{"PRMRR", 12, 1, false, "processor reserved memory range registers (newer SDMs)"};
}  // namespace mtrrcap_field
inline constexpr bit_field mtrrcap_fields[] = {
    mtrrcap_field::vcnt, mtrrcap_field::fix,   reserved_bits(9, 1),  mtrrcap_field::wc,
    mtrrcap_field::smrr, mtrrcap_field::prmrr, reserved_bits(13, 51),
};
inline constexpr register_info mtrrcap_info{"IA32_MTRRCAP", mtrr_msr::cap, 64, mtrrcap_fields,
                                            "SDM Vol. 3A MTRR feature identification; Vol. 4 Table 2-2"};

namespace mtrr_def_type_field {
inline constexpr bit_field type{"TYPE", 0, 8, false, "default memory type: 0 UC, 1 WC, 4 WT, 5 WP, 6 WB"};
inline constexpr bit_field fe{"FE", 10, 1, false, "fixed-range MTRRs enabled"};
inline constexpr bit_field e{"E", 11, 1, false, "MTRRs enabled (clear: all memory UC)"};
}  // namespace mtrr_def_type_field
inline constexpr bit_field mtrr_def_type_fields[] = {
    mtrr_def_type_field::type, reserved_bits(8, 2), mtrr_def_type_field::fe, mtrr_def_type_field::e,
    reserved_bits(12, 52),
};
inline constexpr register_info mtrr_def_type_info{"IA32_MTRR_DEF_TYPE", mtrr_msr::def_type, 64, mtrr_def_type_fields,
                                                  "SDM Vol. 3A IA32_MTRR_DEF_TYPE MSR"};

namespace mtrr_physbase_field {
inline constexpr bit_field type{"TYPE", 0, 8, false, "memory type of the range"};
inline constexpr bit_field base{"PHYSBASE", 12, 40, false, "address bits MAXPHYADDR-1:12 of the range base"};
}  // namespace mtrr_physbase_field
inline constexpr bit_field mtrr_physbase_fields[] = {
    mtrr_physbase_field::type, reserved_bits(8, 4), mtrr_physbase_field::base, reserved_bits(52, 12),
};
inline constexpr register_info mtrr_physbase_info{"IA32_MTRR_PHYSBASEn", mtrr_msr::physbase0, 64, mtrr_physbase_fields,
                                                  "SDM Vol. 3A variable-range MTRRs (MSR 0x200 + 2n)"};

namespace mtrr_physmask_field {
inline constexpr bit_field valid{"V", 11, 1, false, "the pair is in use"};
inline constexpr bit_field mask{"PHYSMASK", 12, 40, false, "address bits MAXPHYADDR-1:12 compared with PHYSBASE"};
}  // namespace mtrr_physmask_field
inline constexpr bit_field mtrr_physmask_fields[] = {
    reserved_bits(0, 11), mtrr_physmask_field::valid, mtrr_physmask_field::mask, reserved_bits(52, 12),
};
inline constexpr register_info mtrr_physmask_info{"IA32_MTRR_PHYSMASKn", mtrr_msr::physmask0, 64, mtrr_physmask_fields,
                                                  "SDM Vol. 3A variable-range MTRRs (MSR 0x201 + 2n)"};

// ---------------------------------------------------------------------------------------------
// Memory types (SDM Vol. 3A table "Memory Types That Can Be Encoded in MTRRs"): 2, 3 and 7..255
// are reserved; writing one to an MTRR raises #GP.

enum class mtrr_type : u8 { uc = 0, wc = 1, wt = 4, wp = 5, wb = 6 };

constexpr bool is_mtrr_type(u64 raw) { return raw == 0 || raw == 1 || raw == 4 || raw == 5 || raw == 6; }

constexpr const char* mtrr_type_name(u64 raw) {
    switch (raw) {
        case 0: return "UC";
        case 1: return "WC";
        case 4: return "WT";
        case 5: return "WP";
        case 6: return "WB";
        default: return "reserved";
    }
}

// Physical widths the MTRR code accepts: SINIT needs at least 36 bits (its legacy mask width);
// 52 is the architectural maximum.
inline constexpr u8 mtrr_min_width = 36;
inline constexpr u8 mtrr_max_width = 52;

// Address bits 12..width-1 (the PHYSBASE/PHYSMASK address field for a physical width).
constexpr u64 mtrr_address_bits(u8 width) {
    const u64 all = width >= 64 ? ~u64{0} : (u64{1} << width) - 1;
    return all & ~u64{0xFFF};
}

// ---------------------------------------------------------------------------------------------
// Typed values

struct mtrrcap_reg {
    u64 raw = 0;
    constexpr u32 vcnt() const { return static_cast<u32>(mtrrcap_field::vcnt.get(raw)); }
    constexpr bool fix() const { return mtrrcap_field::fix.test(raw); }
    constexpr bool wc() const { return mtrrcap_field::wc.test(raw); }
    constexpr bool smrr() const { return mtrrcap_field::smrr.test(raw); }
    friend constexpr bool operator==(const mtrrcap_reg&, const mtrrcap_reg&) = default;
};

struct mtrr_def_type_reg {
    u64 raw = 0;
    constexpr u8 type() const { return static_cast<u8>(mtrr_def_type_field::type.get(raw)); }
    constexpr bool fixed_enabled() const { return mtrr_def_type_field::fe.test(raw); }
    constexpr bool enabled() const { return mtrr_def_type_field::e.test(raw); }
    friend constexpr bool operator==(const mtrr_def_type_reg&, const mtrr_def_type_reg&) = default;
};

// One variable-range pair as the MSRs hold it.
struct variable_mtrr {
    u64 physbase = 0;
    u64 physmask = 0;

    constexpr u8 type() const { return static_cast<u8>(mtrr_physbase_field::type.get(physbase)); }
    constexpr bool valid() const { return mtrr_physmask_field::valid.test(physmask); }
    // The address fields for a physical width: base bits and mask bits 12..width-1.
    constexpr u64 base_address(u8 width) const { return physbase & mtrr_address_bits(width); }
    constexpr u64 mask_address(u8 width) const { return physmask & mtrr_address_bits(width); }
    // Whether this pair (valid or not) would match `address`.
    constexpr bool matches(u64 address, u8 width) const {
        const u64 m = mask_address(width);
        return (address & m) == (physbase & m);
    }
    friend constexpr bool operator==(const variable_mtrr&, const variable_mtrr&) = default;
};

// The variable MTRR state: what is saved before the launch (into the SLRT Intel-info entry),
// what the ACM plan loads, and what is restored afterwards. Fixed-range MTRRs are not part of it
// (neither tboot, GRUB nor Linux save them; SENTER leaves them alone and the ACM plan only
// clears MTRRdefType.FE).
struct mtrr_settings {
    u64 def_type = 0;  // IA32_MTRR_DEF_TYPE
    u32 vcnt = 0;      // pairs described: IA32_MTRRCAP.VCNT, at most 32 (slr_txt_mtrr_state holds 32)
    variable_mtrr pairs[slrt::max_variable_mtrrs]{};
    friend constexpr bool operator==(const mtrr_settings&, const mtrr_settings&) = default;
};

// The saved-state record of the SLRT (slr_txt_mtrr_state, spec/slrt.md §3.7): default_mem_type,
// mtrr_vcnt and 32 (physbase, physmask) pairs; unused pairs are zero.
constexpr slrt::mtrr_state to_slrt(const mtrr_settings& s) {
    slrt::mtrr_state out;
    out.default_mem_type = s.def_type;
    out.mtrr_vcnt = s.vcnt;
    for (u32 i = 0; i < slrt::max_variable_mtrrs && i < s.vcnt; ++i)
        out.mtrr_pair[i] = slrt::mtrr_pair{s.pairs[i].physbase, s.pairs[i].physmask};
    return out;
}

// The other way: TXT-U7 when mtrr_vcnt exceeds 32, TXT-U8 when a pair at or past mtrr_vcnt is
// not zero. Offsets are those of slr_txt_mtrr_state (mtrr_vcnt @8, pair n @16 + 16n).
constexpr slrt::result<mtrr_settings> from_slrt(const slrt::mtrr_state& s) {
    if (s.mtrr_vcnt > slrt::max_variable_mtrrs)
        return slrt::error{slrt::errc::mtrr_vcnt_too_large, 8, slrt::no_entry, "mtrr_state.mtrr_vcnt", "TXT-U7",
                           "more than 32 variable MTRR pairs", s.mtrr_vcnt, slrt::max_variable_mtrrs};
    mtrr_settings out;
    out.def_type = s.default_mem_type;
    out.vcnt = static_cast<u32>(s.mtrr_vcnt);
    for (u32 i = 0; i < slrt::max_variable_mtrrs; ++i) {
        const slrt::mtrr_pair& p = s.mtrr_pair[i];
        if (i < out.vcnt) {
            out.pairs[i] = variable_mtrr{p.mtrr_physbase, p.mtrr_physmask};
        } else if (p.mtrr_physbase != 0 || p.mtrr_physmask != 0) {
            const bool base_set = p.mtrr_physbase != 0;
            return slrt::error{slrt::errc::reserved_nonzero, base_set ? 16 + 16 * i : 24 + 16 * i, i,
                               base_set ? "mtrr_state.mtrr_pair.mtrr_physbase" : "mtrr_state.mtrr_pair.mtrr_physmask",
                               "TXT-U8", "a pair at or past mtrr_vcnt must be zero",
                               base_set ? p.mtrr_physbase : p.mtrr_physmask, 0};
        }
    }
    return out;
}

// Anything that reads MSRs: the real processor, or a model in the tests.
template <class Msrs>
concept mtrr_msr_reader = requires(const Msrs& m, u32 index) {
    { m.read_msr(index) } -> std::convertible_to<u64>;
};

// Saves the variable MTRR state as GRUB and tboot do before the launch: MTRRdefType, VCNT pairs
// (clamped to 32, what the SLRT record holds).
template <mtrr_msr_reader Msrs>
constexpr mtrr_settings read_mtrr_settings(const Msrs& msrs) {
    mtrr_settings s;
    s.def_type = static_cast<u64>(msrs.read_msr(mtrr_msr::def_type));
    const u32 vcnt = mtrrcap_reg{static_cast<u64>(msrs.read_msr(mtrr_msr::cap))}.vcnt();
    s.vcnt = vcnt < slrt::max_variable_mtrrs ? vcnt : slrt::max_variable_mtrrs;
    for (u32 i = 0; i < s.vcnt; ++i)
        s.pairs[i] = variable_mtrr{static_cast<u64>(msrs.read_msr(mtrr_msr::physbase(i))),
                                   static_cast<u64>(msrs.read_msr(mtrr_msr::physmask(i)))};
    return s;
}

// ---------------------------------------------------------------------------------------------
// Effective memory type (SDM Vol. 3A "MTRR Precedences"):
//   MTRRdefType.E = 0                          -> UC everywhere
//   FE = 1 and the address below 1 MiB         -> the fixed-range MTRRs decide (not modelled)
//   no valid variable range matches            -> MTRRdefType.TYPE
//   matching ranges all of one type            -> that type
//   one of them UC                             -> UC
//   only WT and WB                             -> WT
//   any other combination                      -> undefined (processor behaviour unspecified)
// A matching range with a reserved type encoding also makes the result undefined.

enum class mtrr_type_source : u8 { disabled, fixed_range, variable, default_type, undefined };

constexpr const char* name(mtrr_type_source s) {
    switch (s) {
        case mtrr_type_source::disabled: return "disabled";
        case mtrr_type_source::fixed_range: return "fixed_range";
        case mtrr_type_source::variable: return "variable";
        case mtrr_type_source::default_type: return "default_type";
        case mtrr_type_source::undefined: return "undefined";
    }
    return "undefined";
}

struct mtrr_lookup {
    u8 type = 0;  // raw type; meaningful for disabled, variable and default_type
    mtrr_type_source source = mtrr_type_source::disabled;
    u32 matches = 0;  // bit n: valid variable MTRR n matched the address
    constexpr bool known() const {
        return source != mtrr_type_source::fixed_range && source != mtrr_type_source::undefined;
    }
    constexpr bool is(mtrr_type t) const { return known() && type == static_cast<u8>(t); }
    friend constexpr bool operator==(const mtrr_lookup&, const mtrr_lookup&) = default;
};

namespace mtrr_detail {

constexpr u32 pair_count(const mtrr_settings& s) {
    return s.vcnt < slrt::max_variable_mtrrs ? s.vcnt : slrt::max_variable_mtrrs;
}

// The variable-range part of the precedence rules (E, FE and the default type aside).
constexpr mtrr_lookup combine_variable(const mtrr_settings& s, u64 address, u8 width) {
    mtrr_lookup r;
    bool any = false, reserved = false, uc = false, wt = false, wb = false, other = false;
    u8 first = 0;
    bool mixed = false;
    for (u32 i = 0; i < pair_count(s); ++i) {
        const variable_mtrr& v = s.pairs[i];
        if (!v.valid() || !v.matches(address, width)) continue;
        r.matches |= u32{1} << i;
        const u8 t = v.type();
        if (!any) first = t;
        if (any && t != first) mixed = true;
        any = true;
        if (!is_mtrr_type(t)) reserved = true;
        else if (t == static_cast<u8>(mtrr_type::uc)) uc = true;
        else if (t == static_cast<u8>(mtrr_type::wt)) wt = true;
        else if (t == static_cast<u8>(mtrr_type::wb)) wb = true;
        else other = true;
    }
    if (!any) {
        r.source = mtrr_type_source::default_type;
        return r;
    }
    r.source = mtrr_type_source::variable;
    if (reserved) {
        r.source = mtrr_type_source::undefined;
    } else if (!mixed) {
        r.type = first;
    } else if (uc) {
        r.type = static_cast<u8>(mtrr_type::uc);
    } else if (wt && wb && !other) {
        r.type = static_cast<u8>(mtrr_type::wt);
    } else {
        r.source = mtrr_type_source::undefined;
    }
    return r;
}

// The lowest set bit of `m` as a value (0 for 0). Shifts and masks only: no 64-bit bit-scan
// helper call on i386.
constexpr u64 lowest_bit(u64 m) { return m & (~m + 1); }

// The largest power of two not above `v` (v > 0).
constexpr u64 highest_bit(u64 v) {
    u64 b = 1;
    while (v >> 1 >= b) b <<= 1;
    return b;
}

// Index of the lowest set bit of a non-zero 32-bit value.
constexpr u32 lowest_index(u32 v) {
    u32 i = 0;
    while (((v >> i) & 1u) == 0 && i < 31) ++i;
    return i;
}

// A mask (address bits only) describes one naturally aligned block within the width when its
// set bits run without a gap from its lowest set bit up to width-1 (or it is 0: everything).
constexpr bool contiguous_mask(u64 m, u8 width) {
    if (m == 0) return true;
    return m == (mtrr_address_bits(width) & ~(lowest_bit(m) - 1));
}

// The smallest address above `pos` where the lookup may change, or 0 when none below 2^64.
constexpr u64 next_boundary(const mtrr_settings& s, u64 pos, u8 width) {
    u64 best = 0;
    const auto offer = [&](u64 candidate) {
        if (candidate > pos && (best == 0 || candidate < best)) best = candidate;
    };
    const mtrr_def_type_reg d{s.def_type};
    if (!d.enabled()) return 0;
    if (d.fixed_enabled()) offer(u64{1} << 20);
    const u64 window = width >= 64 ? 0 : u64{1} << width;  // masks repeat every 2^width
    const u64 window_base = window ? pos & ~(window - 1) : 0;
    for (u32 i = 0; i < pair_count(s); ++i) {
        const variable_mtrr& v = s.pairs[i];
        if (!v.valid()) continue;
        const u64 m = v.mask_address(width);
        if (m == 0) continue;
        const u64 block = lowest_bit(m);
        if (contiguous_mask(m, width)) {
            const u64 b = window_base + v.base_address(width) - (v.base_address(width) & (block - 1));
            offer(b);
            if (b <= ~u64{0} - block) offer(b + block);
            if (window && window_base <= ~u64{0} - window) offer(window_base + window);
        } else {
            // The match depends on address bits >= the lowest mask bit only.
            const u64 next = (pos | (block - 1));
            if (next != ~u64{0}) offer(next + 1);
        }
    }
    return best;
}

}  // namespace mtrr_detail

// The memory type of `address` under `s` for a processor with `maxphyaddr` physical address
// bits (PHYSBASE/PHYSMASK bits from maxphyaddr up are ignored, as the processor does).
constexpr mtrr_lookup effective_mtrr_type(const mtrr_settings& s, u64 address, u8 maxphyaddr) {
    const mtrr_def_type_reg d{s.def_type};
    if (!d.enabled()) return mtrr_lookup{static_cast<u8>(mtrr_type::uc), mtrr_type_source::disabled, 0};
    if (d.fixed_enabled() && address < (u64{1} << 20)) return mtrr_lookup{0, mtrr_type_source::fixed_range, 0};
    mtrr_lookup r = mtrr_detail::combine_variable(s, address, maxphyaddr);
    if (r.source == mtrr_type_source::default_type) {
        r.type = d.type();
        if (!is_mtrr_type(r.type)) r.source = mtrr_type_source::undefined;
    }
    return r;
}

// Walks `r` (valid) in pieces of constant memory type: f(piece, lookup) for each, ascending,
// until f returns false. A non-contiguous mask with a small lowest bit makes the pieces small.
template <class F>
constexpr void walk_mtrr_types(const mtrr_settings& s, const range& r, u8 maxphyaddr, F&& f) {
    if (r.empty()) return;
    u64 pos = r.base;
    const u64 end = r.end();
    while (pos < end) {
        const u64 next = mtrr_detail::next_boundary(s, pos, maxphyaddr);
        const u64 stop = (next == 0 || next > end) ? end : next;
        if (!f(range{pos, stop - pos}, effective_mtrr_type(s, pos, maxphyaddr))) return;
        pos = stop;
    }
}

// ---------------------------------------------------------------------------------------------
// The MTRRs for the SINIT ACM (SDG 2.2.5.1 and listing 6, A.1.1): default type UC, fixed-range
// MTRRs off (FE = 0), every variable MTRR cleared, then write-back ranges over the ACM, each a
// naturally aligned power of two, covering [base, base + size) rounded up to 4 KiB and nothing
// else (so at most 4 KiB - 1 bytes beyond the module end are WB: an 11 KiB ACM gets 8 KiB + 4 KiB,
// never 16 or 32 KiB). The ranges are the fewest possible: at each step the largest block that
// is aligned at the current address and fits in what is left. (tboot and GRUB use one block size
// as long as it fits, then halve; they can need more MTRRs, and they fail when exactly VCNT are
// needed: they test for exhaustion after using the last one.)
//
// Masks are limited to 36 bits (bits 35:12), as SINIT checks them, unless the ACM and the MLE
// both set capabilities bit 8 (MAXPHYADDR): then they span the processor's physical width.

struct acm_mtrr_options {
    u8 maxphyaddr = mtrr_min_width;  // CPUID.80000008H:EAX[7:0]
    bool use_maxphyaddr = false;     // the ACM and the MLE both set capabilities bit 8
};

constexpr acm_mtrr_options acm_mtrr_options_for(capabilities acm, capabilities mle, u8 maxphyaddr) {
    return acm_mtrr_options{maxphyaddr, acm.maxphyaddr() && mle.maxphyaddr()};
}

struct acm_mtrr_plan {
    mtrr_settings settings{};  // the whole state to load: DEF_TYPE = E | UC; pairs [0, used) WB; the rest zero
    u32 used = 0;              // variable MTRRs covering the ACM
    range covered{};           // what is WB: [base, base + size rounded up to 4 KiB)
    u8 mask_width = mtrr_min_width;
    friend constexpr bool operator==(const acm_mtrr_plan&, const acm_mtrr_plan&) = default;
};

inline constexpr u64 mtrr_acm_def_type = u64{1} << 11;  // E = 1, FE = 0, TYPE = UC

// Errors: TXT-U1 base not 4 KiB aligned, TXT-U2 size 0, TXT-U3 beyond 4 GiB, TXT-U4 physical
// width outside 36..52, TXT-U5 VCNT above 32, TXT-U6 more MTRRs needed than VCNT.
constexpr slrt::result<acm_mtrr_plan> plan_acm_mtrrs(u64 base, u64 size, u64 mtrrcap,
                                                    const acm_mtrr_options& options = {}) {
    constexpr u64 page = 0x1000;
    if ((base & (page - 1)) != 0)
        return slrt::error{errc::misaligned, 0, slrt::no_entry, "acm.base", "TXT-U1",
                           "the ACM base must be 4 KiB aligned for variable MTRRs", base, page};
    if (size == 0)
        return slrt::error{errc::bad_argument, 0, slrt::no_entry, "acm.size", "TXT-U2",
                           "the ACM size is 0", 0, 1};
    if (base >= four_gib || size > four_gib - base)
        return slrt::error{errc::out_of_bounds, 0, slrt::no_entry, "acm.size", "TXT-U3",
                           "the ACM must lie below 4 GiB (GETSEC[SENTER] takes a 32-bit address)", base,
                           four_gib};
    if (options.maxphyaddr < mtrr_min_width || options.maxphyaddr > mtrr_max_width)
        return slrt::error{errc::bad_argument, 0, slrt::no_entry, "maxphyaddr", "TXT-U4",
                           "physical address width outside 36..52", options.maxphyaddr, mtrr_max_width};
    const u32 vcnt = mtrrcap_reg{mtrrcap}.vcnt();
    if (vcnt > slrt::max_variable_mtrrs)
        return slrt::error{errc::mtrr_vcnt_too_large, 0, slrt::no_entry, "IA32_MTRRCAP.VCNT", "TXT-U5",
                           "more than 32 variable MTRRs: the saved state could not hold them", vcnt,
                           slrt::max_variable_mtrrs};

    acm_mtrr_plan plan;
    plan.mask_width = options.use_maxphyaddr ? options.maxphyaddr : mtrr_min_width;
    const u64 end = (base + size + (page - 1)) & ~(page - 1);  // <= 4 GiB
    plan.covered = range{base, end - base};
    plan.settings.def_type = mtrr_acm_def_type;
    plan.settings.vcnt = vcnt;
    const u64 address_bits = mtrr_address_bits(plan.mask_width);

    u32 needed = 0;
    for (u64 at = base; at < end; ++needed) {
        const u64 left = end - at;
        u64 block = mtrr_detail::highest_bit(left);
        if (at != 0 && mtrr_detail::lowest_bit(at) < block) block = mtrr_detail::lowest_bit(at);
        if (needed < vcnt) {
            plan.settings.pairs[needed] = variable_mtrr{
                at | static_cast<u64>(mtrr_type::wb),
                (address_bits & ~(block - 1)) | mtrr_physmask_field::valid.mask(),
            };
        }
        at += block;
    }
    if (needed > vcnt)
        return slrt::error{errc::out_of_bounds, 0, slrt::no_entry, "IA32_MTRRCAP.VCNT", "TXT-U6",
                           "covering the ACM needs more variable MTRRs than the processor has", needed, vcnt};
    plan.used = needed;
    return plan;
}

// ---------------------------------------------------------------------------------------------
// MSR writes that load a state: MTRRs off (MTRRdefType with E and FE clear), every described
// pair PHYSBASEn then PHYSMASKn, then MTRRdefType itself (which turns them back on). The caller
// brackets them as the SDM and SDG listing 6 require, on every processor and with the same
// values: interrupts off, CR0.CD = 1 / NW = 0, WBINVD, CR4.PGE = 0 (TLB flush) before; WBINVD,
// TLB flush, CR0/CR4 restored, interrupts on after. The restore list adds IA32_MISC_ENABLE last
// (Linux's order: pairs, MTRRdefType, MISC_ENABLE).

struct mtrr_write {
    u32 msr = 0;
    u64 value = 0;
    friend constexpr bool operator==(const mtrr_write&, const mtrr_write&) = default;
};

inline constexpr std::size_t max_mtrr_writes = 2 * slrt::max_variable_mtrrs + 3;

struct mtrr_write_list {
    mtrr_write items[max_mtrr_writes]{};
    std::size_t count = 0;
    constexpr const mtrr_write* begin() const { return items; }
    constexpr const mtrr_write* end() const { return items + count; }
    constexpr void add(u32 msr, u64 value) {
        if (count < max_mtrr_writes) items[count++] = mtrr_write{msr, value};
    }
};

constexpr mtrr_write_list mtrr_load_writes(const mtrr_settings& target) {
    mtrr_write_list w;
    w.add(mtrr_msr::def_type, target.def_type & ~(mtrr_def_type_field::e.mask() | mtrr_def_type_field::fe.mask()));
    for (u32 i = 0; i < mtrr_detail::pair_count(target); ++i) {
        w.add(mtrr_msr::physbase(i), target.pairs[i].physbase);
        w.add(mtrr_msr::physmask(i), target.pairs[i].physmask);
    }
    w.add(mtrr_msr::def_type, target.def_type);
    return w;
}

constexpr mtrr_write_list mtrr_restore_writes(const mtrr_settings& saved, u64 saved_misc_enable) {
    mtrr_write_list w = mtrr_load_writes(saved);
    w.add(mtrr_msr::misc_enable, saved_misc_enable);
    return w;
}

// Applies a write list to a settings value, as the processor would (used to check plans).
constexpr mtrr_settings apply_mtrr_writes(mtrr_settings s, const mtrr_write_list& w) {
    for (const mtrr_write& x : w) {
        if (x.msr == mtrr_msr::def_type) {
            s.def_type = x.value;
        } else if (x.msr >= mtrr_msr::physbase0 && x.msr < mtrr_msr::physbase(slrt::max_variable_mtrrs)) {
            const u32 n = (x.msr - mtrr_msr::physbase0) / 2;
            if (((x.msr - mtrr_msr::physbase0) & 1u) == 0) s.pairs[n].physbase = x.value;
            else s.pairs[n].physmask = x.value;
            if (n + 1 > s.vcnt) s.vcnt = n + 1;
        }
    }
    return s;
}

// ---------------------------------------------------------------------------------------------
// Checking a saved state after the launch (tboot validate_mtrrs, made exact), and the regions
// that must come out uncached.

struct mtrr_uc_region {
    const char* name = "";
    range region{};
};

// The regions tboot requires to be UC (validate_mmio_regions): TXT private and public spaces,
// the TPM locality pages, the local APIC page, and one page at the IOAPIC and MCFG bases the
// caller found in ACPI (MADT, MCFG); a base of 0 leaves that region out.
struct txt_uc_regions {
    mtrr_uc_region items[6]{};
    std::size_t count = 0;
    constexpr const mtrr_uc_region* begin() const { return items; }
    constexpr const mtrr_uc_region* end() const { return items + count; }
};

constexpr txt_uc_regions txt_mmio_uc_regions(u64 ioapic_base, u64 mcfg_base) {
    constexpr u64 page = 0x1000;
    constexpr u64 lapic_base = 0xFEE00000;  // IA32_APIC_BASE default (SDG Table E-2 / MLE entry)
    txt_uc_regions r;
    r.items[r.count++] = {"TXT private space", range{private_space_base, config_space_size}};
    r.items[r.count++] = {"TXT public space", range{public_space_base, config_space_size}};
    r.items[r.count++] = {"TPM localities", range{tpm_locality_base, u64{tpm_locality_page_size} * tpm_locality_count}};
    r.items[r.count++] = {"local APIC", range{lapic_base, page}};
    if (ioapic_base != 0) r.items[r.count++] = {"IOAPIC", range{ioapic_base & ~(page - 1), page}};
    if (mcfg_base != 0) r.items[r.count++] = {"PCI MCFG", range{mcfg_base & ~(page - 1), page}};
    return r;
}

struct mtrr_check_inputs {
    u64 mtrrcap = 0;                    // IA32_MTRRCAP after the launch
    u8 maxphyaddr = mtrr_min_width;     // CPUID.80000008H:EAX[7:0]
    const mtrr_uc_region* uc_regions = nullptr;  // regions that must be UC
    std::size_t uc_region_count = 0;
};

// Findings for a saved state (rules TXT-U9..U14, each with the pair index as entry_index):
//   U9  vcnt above IA32_MTRRCAP.VCNT or above 32         (tboot, Linux)
//   U10 a reserved memory type in MTRRdefType or a valid pair (WRMSR would #GP on restore)
//   U11 reserved bits set: MTRRdefType bits 9:8 and 63:12, PHYSBASE bits 11:8, PHYSMASK bits
//       10:0, and address bits at or above MAXPHYADDR (WRMSR would #GP on restore)
//   U12 a valid pair whose mask is not contiguous            (tboot)
//   U13 overlapping valid pairs with a type combination the SDM leaves undefined (anything but
//       equal types, UC with anything, WT with WB), found exactly: at every boundary of the
//       contiguous ranges (a third UC range over the overlap, tboot's exception, is covered);
//       pairs with non-contiguous masks are left to U12
//   U14 a region of `uc_regions` that is not UC throughout   (tboot validate_mmio_regions)
// Unlike tboot, a state with MTRRs disabled (E = 0) is still checked for U9..U11: restoring it
// writes the pairs. With E = 0 every region is UC and no overlap matters.
constexpr slrt::findings check_saved_mtrrs(const mtrr_settings& s, const mtrr_check_inputs& in) {
    slrt::findings out;
    const u8 width = in.maxphyaddr < mtrr_min_width   ? mtrr_min_width
                     : in.maxphyaddr > mtrr_max_width ? mtrr_max_width
                                                      : in.maxphyaddr;
    const u32 cap_vcnt = mtrrcap_reg{in.mtrrcap}.vcnt();
    if (s.vcnt > cap_vcnt)
        out.add(slrt::error{errc::mtrr_vcnt_too_large, 8, slrt::no_entry, "mtrr_state.mtrr_vcnt", "TXT-U9",
                            "more saved pairs than the processor has (IA32_MTRRCAP.VCNT)", s.vcnt, cap_vcnt});
    if (s.vcnt > slrt::max_variable_mtrrs)
        out.add(slrt::error{errc::mtrr_vcnt_too_large, 8, slrt::no_entry, "mtrr_state.mtrr_vcnt", "TXT-U9",
                            "more than 32 saved pairs", s.vcnt, slrt::max_variable_mtrrs});

    const mtrr_def_type_reg d{s.def_type};
    if (!is_mtrr_type(d.type()))
        out.add(slrt::error{errc::value_out_of_range, 0, slrt::no_entry, "IA32_MTRR_DEF_TYPE.TYPE", "TXT-U10",
                            "reserved memory type encoding", d.type(), 6});
    if ((s.def_type & mtrr_def_type_info.reserved_mask()) != 0)
        out.add(slrt::error{errc::reserved_nonzero, 0, slrt::no_entry, "IA32_MTRR_DEF_TYPE", "TXT-U11",
                            "reserved bits set", s.def_type & mtrr_def_type_info.reserved_mask(), 0});

    const u32 n = mtrr_detail::pair_count(s);
    const u64 address_bits = mtrr_address_bits(width);
    const u64 base_reserved = ~(address_bits | mtrr_physbase_field::type.mask());
    const u64 mask_reserved = ~(address_bits | mtrr_physmask_field::valid.mask());
    mtrr_settings contiguous = s;  // U13 looks at valid pairs with contiguous masks and proper types
    for (u32 i = 0; i < n; ++i) {
        const variable_mtrr& v = s.pairs[i];
        const u32 at = 16 + 16 * i;
        if ((v.physbase & base_reserved) != 0)
            out.add(slrt::error{errc::reserved_nonzero, at, i, "IA32_MTRR_PHYSBASEn", "TXT-U11",
                                "reserved bits set (bits 11:8 or address bits at or above MAXPHYADDR)",
                                v.physbase & base_reserved, 0});
        if ((v.physmask & mask_reserved) != 0)
            out.add(slrt::error{errc::reserved_nonzero, at + 8, i, "IA32_MTRR_PHYSMASKn", "TXT-U11",
                                "reserved bits set (bits 10:0 or address bits at or above MAXPHYADDR)",
                                v.physmask & mask_reserved, 0});
        if (!v.valid()) continue;
        if (!is_mtrr_type(v.type())) {
            out.add(slrt::error{errc::value_out_of_range, at, i, "IA32_MTRR_PHYSBASEn.TYPE", "TXT-U10",
                                "reserved memory type encoding", v.type(), 6});
            contiguous.pairs[i].physmask &= ~mtrr_physmask_field::valid.mask();  // reported: leave out of U13
        }
        if (!mtrr_detail::contiguous_mask(v.mask_address(width), width)) {
            out.add(slrt::error{errc::value_out_of_range, at + 8, i, "IA32_MTRR_PHYSMASKn.PHYSMASK", "TXT-U12",
                                "mask does not describe one contiguous range", v.mask_address(width),
                                address_bits});
            contiguous.pairs[i].physmask &= ~mtrr_physmask_field::valid.mask();
        }
    }

    if (d.enabled()) {
        // U13: the lookup is constant between consecutive boundaries of the contiguous ranges, and
        // the pattern repeats every 2^width; probe every base and end inside [0, 2^width).
        u64 points[2 * slrt::max_variable_mtrrs + 1]{};
        u32 np = 0;
        points[np++] = 0;
        for (u32 i = 0; i < n; ++i) {
            const variable_mtrr& v = contiguous.pairs[i];
            if (!v.valid() || v.mask_address(width) == 0) continue;
            const u64 block = mtrr_detail::lowest_bit(v.mask_address(width));
            const u64 b = v.base_address(width) & ~(block - 1);
            points[np++] = b;
            if (b + block < (u64{1} << width)) points[np++] = b + block;
        }
        u32 reported[2 * slrt::max_variable_mtrrs + 1]{};
        u32 nr = 0;
        for (u32 k = 0; k < np; ++k) {
            const mtrr_lookup r = mtrr_detail::combine_variable(contiguous, points[k], width);
            if (r.source != mtrr_type_source::undefined) continue;
            bool seen = false;
            for (u32 j = 0; j < nr; ++j) seen = seen || reported[j] == r.matches;
            if (seen) continue;
            reported[nr++] = r.matches;
            const u32 first = mtrr_detail::lowest_index(r.matches);
            out.add(slrt::error{errc::overlap, 16 + 16 * first, first, "IA32_MTRR_PHYSBASEn.TYPE", "TXT-U13",
                                "overlapping variable MTRRs with a type combination the SDM leaves undefined "
                                "(value: an address in the overlap, limit: the bitmap of the MTRRs)",
                                points[k], r.matches});
        }

        for (std::size_t k = 0; k < in.uc_region_count && in.uc_regions; ++k) {
            const mtrr_uc_region& u = in.uc_regions[k];
            if (!u.region.valid() || u.region.empty()) continue;
            u64 bad_at = 0;
            mtrr_lookup bad{};
            bool found = false;
            walk_mtrr_types(s, u.region, width, [&](const range& piece, const mtrr_lookup& l) {
                if (l.is(mtrr_type::uc)) return true;
                bad_at = piece.base;
                bad = l;
                found = true;
                return false;
            });
            if (found)
                out.add(slrt::error{errc::launch_requirement, 0, static_cast<u32>(k), u.name, "TXT-U14",
                                    bad.source == mtrr_type_source::fixed_range
                                        ? "region must be UC but lies below 1 MiB where the (unsaved) fixed-range "
                                          "MTRRs decide"
                                    : bad.source == mtrr_type_source::undefined
                                        ? "region must be UC but its memory type is undefined there"
                                        : "region must be UC (value: first address that is not, limit: its type)",
                                    bad_at, bad.type});
        }
    }
    return out;
}

// The same with the regions of txt_mmio_uc_regions().
constexpr slrt::findings check_saved_mtrrs(const mtrr_settings& s, u64 mtrrcap, u8 maxphyaddr,
                                           const txt_uc_regions& regions) {
    return check_saved_mtrrs(s, mtrr_check_inputs{mtrrcap, maxphyaddr, regions.items, regions.count});
}

// ---------------------------------------------------------------------------------------------
// What the Linux Secure Launch kernel checks after restoring (sl_main.c sl_txt_validate_msrs),
// in its order; the kernel resets at the first failure, so the first finding is the error code
// it would write. `now` is what the MSRs read back.

struct mtrr_readback {
    u64 mtrrcap = 0;
    u64 def_type = 0;
    variable_mtrr pairs[slrt::max_variable_mtrrs]{};
    u64 misc_enable = 0;
};

// Reads back what check_restored_mtrrs_linux compares (pairs below min(saved vcnt, 32)).
template <mtrr_msr_reader Msrs>
constexpr mtrr_readback read_mtrr_readback(const Msrs& msrs, u64 saved_vcnt) {
    mtrr_readback r;
    r.mtrrcap = static_cast<u64>(msrs.read_msr(mtrr_msr::cap));
    r.def_type = static_cast<u64>(msrs.read_msr(mtrr_msr::def_type));
    for (u32 i = 0; i < slrt::max_variable_mtrrs && i < saved_vcnt; ++i)
        r.pairs[i] = variable_mtrr{static_cast<u64>(msrs.read_msr(mtrr_msr::physbase(i))),
                                   static_cast<u64>(msrs.read_msr(mtrr_msr::physmask(i)))};
    r.misc_enable = static_cast<u64>(msrs.read_msr(mtrr_msr::misc_enable));
    return r;
}

// Rules TXT-U15..U19, each naming the Secure Launch error code the kernel writes. Offsets are
// those of slr_txt_mtrr_state; the pair index is the entry_index.
constexpr slrt::findings check_restored_mtrrs_linux(const slrt::mtrr_state& saved, u64 saved_misc_enable,
                                                    const mtrr_readback& now) {
    slrt::findings out;
    const u32 cap_vcnt = mtrrcap_reg{now.mtrrcap}.vcnt();
    if (saved.mtrr_vcnt > cap_vcnt)
        out.add(slrt::error{errc::mtrr_vcnt_too_large, 8, slrt::no_entry, "mtrr_state.mtrr_vcnt", "TXT-U15",
                            "saved vcnt above IA32_MTRRCAP.VCNT (SL_ERROR_MTRR_INV_VCNT)", saved.mtrr_vcnt,
                            cap_vcnt});
    if (saved.mtrr_vcnt > slrt::max_variable_mtrrs)
        out.add(slrt::error{errc::mtrr_vcnt_too_large, 8, slrt::no_entry, "mtrr_state.mtrr_vcnt", "TXT-U15",
                            "saved vcnt above 32 (SL_ERROR_MTRR_INV_VCNT)", saved.mtrr_vcnt,
                            slrt::max_variable_mtrrs});
    if (saved.default_mem_type != now.def_type)
        out.add(slrt::error{errc::launch_requirement, 0, slrt::no_entry, "mtrr_state.default_mem_type", "TXT-U16",
                            "IA32_MTRR_DEF_TYPE differs from the saved value (SL_ERROR_MTRR_INV_DEF_TYPE)",
                            now.def_type, saved.default_mem_type});
    for (u32 i = 0; i < slrt::max_variable_mtrrs && i < saved.mtrr_vcnt; ++i) {
        if (saved.mtrr_pair[i].mtrr_physbase != now.pairs[i].physbase)
            out.add(slrt::error{errc::launch_requirement, 16 + 16 * i, i, "mtrr_state.mtrr_pair.mtrr_physbase",
                                "TXT-U17", "IA32_MTRR_PHYSBASEn differs from the saved value (SL_ERROR_MTRR_INV_BASE)",
                                now.pairs[i].physbase, saved.mtrr_pair[i].mtrr_physbase});
        if (saved.mtrr_pair[i].mtrr_physmask != now.pairs[i].physmask)
            out.add(slrt::error{errc::launch_requirement, 24 + 16 * i, i, "mtrr_state.mtrr_pair.mtrr_physmask",
                                "TXT-U18", "IA32_MTRR_PHYSMASKn differs from the saved value (SL_ERROR_MTRR_INV_MASK)",
                                now.pairs[i].physmask, saved.mtrr_pair[i].mtrr_physmask});
    }
    if (saved_misc_enable != now.misc_enable)
        out.add(slrt::error{errc::launch_requirement, 0, slrt::no_entry, "intel_info.saved_misc_enable_msr",
                            "TXT-U19", "IA32_MISC_ENABLE differs from the saved value (SL_ERROR_MSR_INV_MISC_EN)",
                            now.misc_enable, saved_misc_enable});
    return out;
}

}  // namespace dlh::txt
