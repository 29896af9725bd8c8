// SPDX-License-Identifier: MIT
// GETSEC and SMX: the leaves, the register convention of SENTER and ENTERACCS,
// GETSEC[CAPABILITIES] and GETSEC[PARAMETERS] decoding, the processor and chipset conditions a
// launcher checks before GETSEC[SENTER] (as pure functions of CPUID, MSR, CR and TXT register
// values), the MLE JOIN structure, and the documented state at MLE entry.
//
// Sources: Intel SDM Vol. 2D chapter 6 (GETSEC leaves, Tables 6-7/6-8/6-12), SDM Vol. 3/4
// (CR0, CR4, IA32_FEATURE_CONTROL, IA32_APIC_BASE, machine-check MSRs); Intel TXT Software
// Development Guide 315168-013 (SDG) 2.2.3-2.2.5, 2.3 and "Table E-2" (entry state); tboot
// smx.h/txt.c, TrenchBoot GRUB txt.h/txt.c, coreboot txt code (the strictness variants).
// spec/txt/getsec.md lists every rule TXT-G<n> and every choice made where sources differ.
#pragma once

#include <cstddef>

#include "dlh/base.hpp"
#include "dlh/bits.hpp"
#include "dlh/range.hpp"
#include "dlh/txt/registers.hpp"
#include "slrt/bytes.hpp"
#include "slrt/error.hpp"

namespace dlh::txt {

// ---------------------------------------------------------------------------------------------
// Check reports: one record per check performed, shared with dlh/txt/acm_match.hpp. A failing or
// warning record carries the slrt::error that says why; a skipped record says what was missing.

enum class check_outcome : u8 { pass, fail, warning, skipped };

constexpr const char* name(check_outcome o) {
    switch (o) {
        case check_outcome::pass: return "pass";
        case check_outcome::fail: return "fail";
        case check_outcome::warning: return "warning";
        case check_outcome::skipped: return "skipped";
    }
    return "unknown";
}

struct check_record {
    const char* rule = "";   // "TXT-G10"
    const char* check = "";  // what was checked, e.g. "TXT.ESTS.TXT_RESET.STS clear"
    check_outcome outcome = check_outcome::skipped;
    const char* note = "";   // why it passed or was skipped
    u32 index = no_entry;    // a matching list entry, when one decided the check
    error failure{};         // set for fail and warning
};

inline constexpr u32 max_check_records = 40;

struct check_report {
    check_record records[max_check_records]{};
    u32 count = 0;
    u32 failures = 0;
    u32 warnings = 0;
    u32 passes = 0;
    u32 skips = 0;

    constexpr bool ok() const { return failures == 0; }
    constexpr const check_record* begin() const { return records; }
    constexpr const check_record* end() const { return records + count; }
    // The first failing record's error (errc::ok when there is none).
    constexpr error first_failure() const {
        for (u32 i = 0; i < count; ++i)
            if (records[i].outcome == check_outcome::fail) return records[i].failure;
        return error{};
    }
    // The record of `rule`, or nullptr.
    constexpr const check_record* find(const char* rule) const {
        for (u32 i = 0; i < count; ++i) {
            const char* a = records[i].rule;
            const char* b = rule;
            while (*a && *a == *b) ++a, ++b;
            if (*a == *b) return &records[i];
        }
        return nullptr;
    }

    constexpr void pass(const char* rule, const char* check, const char* note, u32 index = no_entry) {
        add({rule, check, check_outcome::pass, note, index, error{}});
    }
    constexpr void skip(const char* rule, const char* check, const char* note) {
        add({rule, check, check_outcome::skipped, note, no_entry, error{}});
    }
    constexpr void fail(const char* rule, const char* check, const error& e) {
        add({rule, check, check_outcome::fail, "", no_entry, e});
    }
    constexpr void warn(const char* rule, const char* check, const error& e) {
        add({rule, check, check_outcome::warning, "", no_entry, e});
    }
    // A status from one of the check functions: pass with `note`, or fail with its error.
    constexpr void record(const char* rule, const char* check, const status& s, const char* note = "") {
        if (s) pass(rule, check, note);
        else fail(rule, check, s.err());
    }

private:
    constexpr void add(const check_record& r) {
        if (count == max_check_records) return;
        records[count++] = r;
        switch (r.outcome) {
            case check_outcome::pass: ++passes; break;
            case check_outcome::fail: ++failures; break;
            case check_outcome::warning: ++warnings; break;
            case check_outcome::skipped: ++skips; break;
        }
    }
};

// One line per record: "fail     TXT-G10 TXT.ESTS.TXT_RESET.STS clear: <formatted error>".
constexpr std::size_t format_check_record(const check_record& r, char* out, std::size_t capacity) {
    text_sink sink(out, capacity);
    const char* o = name(r.outcome);
    std::size_t n = 0;
    for (; o[n]; ++n) sink.put(o[n]);
    for (; n < 8; ++n) sink.put(' ');
    sink.put(' ');
    sink.text(r.rule);
    sink.put(' ');
    sink.text(r.check);
    if (r.outcome == check_outcome::fail || r.outcome == check_outcome::warning) {
        sink.text(": ");
        char line[320]{};
        slrt::format_error(r.failure, line, sizeof line);
        sink.text(line);
    } else if (r.note && *r.note) {
        sink.text(": ");
        sink.text(r.note);
        if (r.index != no_entry) {
            sink.text(" (entry ");
            sink.dec(r.index);
            sink.put(')');
        }
    }
    return sink.size();
}

// ---------------------------------------------------------------------------------------------
// Leaves (GETSEC is 0F 37; the leaf goes in EAX). SDM Vol. 2D 6.2.

enum class getsec_leaf : u32 {
    capabilities = 0,  // EBX = index; any CPL
    enteraccs = 2,     // EBX = ACM base, ECX = size; BSP only
    exitac = 3,        // EBX = near jump target, EDX = 0; used by ACMs
    senter = 4,        // EBX = SINIT base, ECX = SINIT size, EDX = 0
    sexit = 5,         // BSP only
    parameters = 6,    // EBX = index
    smctrl = 7,        // EBX = 0: unmask SMI
    wakeup = 8,        // ILP only, after SENTER
};

constexpr const char* name(getsec_leaf l) {
    switch (l) {
        case getsec_leaf::capabilities: return "CAPABILITIES";
        case getsec_leaf::enteraccs: return "ENTERACCS";
        case getsec_leaf::exitac: return "EXITAC";
        case getsec_leaf::senter: return "SENTER";
        case getsec_leaf::sexit: return "SEXIT";
        case getsec_leaf::parameters: return "PARAMETERS";
        case getsec_leaf::smctrl: return "SMCTRL";
        case getsec_leaf::wakeup: return "WAKEUP";
    }
    return "unknown";
}

// The general registers a GETSEC leaf takes (and, for CAPABILITIES/PARAMETERS, returns).
struct getsec_registers {
    u32 eax = 0, ebx = 0, ecx = 0, edx = 0, esi = 0, edi = 0;
    friend constexpr bool operator==(const getsec_registers&, const getsec_registers&) = default;
};

// GETSEC[SENTER] / GETSEC[ENTERACCS] inputs for a module copied to [base, base + size):
// EBX = base, ECX = size in bytes, EDX = 0 (no SENTER parameters). Rules:
//   TXT-G20 out_of_bounds  the module does not lie below 4 GiB (or its size does not fit ECX)
//   TXT-G21 misaligned     base not 4 KiB aligned
//   TXT-G22 misaligned     size 0 or not a multiple of 64
namespace getsec_detail {
constexpr result<getsec_registers> module_registers(getsec_leaf leaf, u64 base, u64 size, u32 esi) {
    if (!range{base, size}.valid() || !range{base, size}.below(four_gib) || size > 0xFFFFFFFFu)
        return error{errc::out_of_bounds, 0, no_entry, "acm.base", "TXT-G20",
                     "the module must lie below 4 GiB (EBX and ECX are 32-bit)", base, four_gib};
    if ((base & 0xFFFu) != 0)
        return error{errc::misaligned, 0, no_entry, "acm.base", "TXT-G21", "the module base must be 4 KiB aligned",
                     base, 0x1000};
    if (size == 0 || (size & 63u) != 0)
        return error{errc::misaligned, 0, no_entry, "acm.size", "TXT-G22",
                     "the module size must be a non-zero multiple of 64 bytes", size, 64};
    getsec_registers r;
    r.eax = static_cast<u32>(leaf);
    r.ebx = static_cast<u32>(base);
    r.ecx = static_cast<u32>(size);
    r.edx = 0;
    r.esi = esi;
    return r;
}
}  // namespace getsec_detail

constexpr result<getsec_registers> senter_registers(u64 sinit_base, u64 sinit_size) {
    return getsec_detail::module_registers(getsec_leaf::senter, sinit_base, sinit_size, 0);
}

// ESI is passed to the ACM (coreboot's BIOS ACM function number, 0xF0 for tboot's RACM).
constexpr result<getsec_registers> enteraccs_registers(u64 acm_base, u64 acm_size, u32 esi = 0) {
    return getsec_detail::module_registers(getsec_leaf::enteraccs, acm_base, acm_size, esi);
}

// ---------------------------------------------------------------------------------------------
// GETSEC[CAPABILITIES] with EBX = 0 (SDM Vol. 2D GETSEC[CAPABILITIES], Table 6-3).

namespace getsec_caps_field {
inline constexpr bit_field chipset_present{"CHIPSET_PRESENT", 0, 1, false, "TXT-capable chipset present"};
inline constexpr bit_field enteraccs{"ENTERACCS", 2, 1, false, ""};
inline constexpr bit_field exitac{"EXITAC", 3, 1, false, ""};
inline constexpr bit_field senter{"SENTER", 4, 1, false, ""};
inline constexpr bit_field sexit{"SEXIT", 5, 1, false, ""};
inline constexpr bit_field parameters{"PARAMETERS", 6, 1, false, ""};
inline constexpr bit_field smctrl{"SMCTRL", 7, 1, false, ""};
inline constexpr bit_field wakeup{"WAKEUP", 8, 1, false, ""};
inline constexpr bit_field extended_leafs{"EXTENDED_LEAFS", 31, 1, false, "more capabilities at EBX = index + 1"};
}  // namespace getsec_caps_field
inline constexpr bit_field getsec_caps_fields[] = {
    getsec_caps_field::chipset_present, reserved_bits(1, 1),          getsec_caps_field::enteraccs,
    getsec_caps_field::exitac,          getsec_caps_field::senter,    getsec_caps_field::sexit,
    getsec_caps_field::parameters,      getsec_caps_field::smctrl,    getsec_caps_field::wakeup,
    reserved_bits(9, 22),               getsec_caps_field::extended_leafs,
};
inline constexpr register_info getsec_caps_info{"GETSEC[CAPABILITIES]", 0, 32, getsec_caps_fields,
                                                "SDM Vol. 2D GETSEC[CAPABILITIES]"};

struct getsec_capabilities {
    u32 raw = 0;
    constexpr bool chipset_present() const { return getsec_caps_field::chipset_present.test(raw); }
    constexpr bool enteraccs() const { return getsec_caps_field::enteraccs.test(raw); }
    constexpr bool exitac() const { return getsec_caps_field::exitac.test(raw); }
    constexpr bool senter() const { return getsec_caps_field::senter.test(raw); }
    constexpr bool sexit() const { return getsec_caps_field::sexit.test(raw); }
    constexpr bool parameters() const { return getsec_caps_field::parameters.test(raw); }
    constexpr bool smctrl() const { return getsec_caps_field::smctrl.test(raw); }
    constexpr bool wakeup() const { return getsec_caps_field::wakeup.test(raw); }
    constexpr bool extended_leafs() const { return getsec_caps_field::extended_leafs.test(raw); }
    constexpr bool has_leaf(getsec_leaf l) const {
        return static_cast<u32>(l) != 1 && static_cast<u32>(l) < 31 && ((raw >> static_cast<u32>(l)) & 1u) != 0;
    }
    friend constexpr bool operator==(const getsec_capabilities&, const getsec_capabilities&) = default;
};

// Leaf sets launchers require (bit n = leaf n).
inline constexpr u32 getsec_leaves_tboot = 0x1F0;     // SENTER, SEXIT, PARAMETERS, SMCTRL, WAKEUP
inline constexpr u32 getsec_leaves_grub = 0x050;      // SENTER, PARAMETERS
inline constexpr u32 getsec_leaves_coreboot = 0x07C;  // ENTERACCS, EXITAC, SENTER, SEXIT, PARAMETERS

// ---------------------------------------------------------------------------------------------
// GETSEC[PARAMETERS] (SDM Vol. 2D Tables 6-7/6-8). Index 0, 1, ... each return a triple; the type
// is EAX[4:0]; type 0 ends the list. tboot and GRUB stop at an unknown type (6..31) too.
//   TXT-G23 missing_end     the sequence given ends before a NULL (type 0) or unknown type
//   TXT-G24 chain_too_long  no end within 64 indices (a query that never ends)

struct getsec_parameter_triple {
    u32 eax = 0, ebx = 0, ecx = 0;
    constexpr u32 type() const { return eax & 0x1Fu; }
    friend constexpr bool operator==(const getsec_parameter_triple&, const getsec_parameter_triple&) = default;
};

namespace getsec_param_type {
inline constexpr u32 null = 0;
inline constexpr u32 acm_versions = 1;     // EBX version mask, ECX version (one pair per index)
inline constexpr u32 max_ac_size = 2;      // EAX[31:5]·32 bytes = EAX & ~0x1F
inline constexpr u32 memory_types = 3;     // EAX[31:8] memory types allowed in AC mode
inline constexpr u32 senter_controls = 4;  // EAX[14:8] SENTER disable controls available
inline constexpr u32 txt_extensions = 5;   // EAX[5] processor S-CRTM, EAX[6] machine-check handling
}  // namespace getsec_param_type

namespace acm_memory_type_field {
inline constexpr bit_field uc{"UC", 8, 1, false, "uncacheable"};
inline constexpr bit_field wc{"WC", 9, 1, false, "write combining"};
inline constexpr bit_field wt{"WT", 12, 1, false, "write through"};
inline constexpr bit_field wp{"WP", 13, 1, false, "write protect"};
inline constexpr bit_field wb{"WB", 14, 1, false, "write back"};
}  // namespace acm_memory_type_field
inline constexpr bit_field acm_memory_type_fields[] = {
    bit_field{"TYPE", 0, 5, false, "3"}, reserved_bits(5, 3), acm_memory_type_field::uc,
    acm_memory_type_field::wc,           reserved_bits(10, 2), acm_memory_type_field::wt,
    acm_memory_type_field::wp,           acm_memory_type_field::wb, reserved_bits(15, 17),
};
inline constexpr register_info acm_memory_types_info{"GETSEC[PARAMETERS] type 3 EAX", 3, 32, acm_memory_type_fields,
                                                     "SDM Vol. 2D Table 6-8"};

namespace senter_controls_field {
inline constexpr bit_field controls{"SENTER_CONTROLS", 8, 7, false, "SENTER disable controls available"};
}  // namespace senter_controls_field
inline constexpr bit_field senter_controls_fields[] = {bit_field{"TYPE", 0, 5, false, "4"}, reserved_bits(5, 3),
                                                       senter_controls_field::controls, reserved_bits(15, 17)};
inline constexpr register_info senter_controls_info{"GETSEC[PARAMETERS] type 4 EAX", 4, 32, senter_controls_fields,
                                                    "SDM Vol. 2D Table 6-8"};

namespace txt_extensions_field {
inline constexpr bit_field proc_based_scrtm{"PROC_BASED_SCRTM", 5, 1, false, "processor-based S-CRTM"};
inline constexpr bit_field machine_check_handling{"MACHINE_CHECK_HANDLING", 6, 1, false,
                                                  "machine-check banks may hold valid errors at SENTER"};
}  // namespace txt_extensions_field
inline constexpr bit_field txt_extensions_fields[] = {bit_field{"TYPE", 0, 5, false, "5"},
                                                      txt_extensions_field::proc_based_scrtm,
                                                      txt_extensions_field::machine_check_handling,
                                                      reserved_bits(7, 25)};
inline constexpr register_info txt_extensions_info{"GETSEC[PARAMETERS] type 5 EAX", 5, 32, txt_extensions_fields,
                                                   "SDM Vol. 2D Table 6-8"};

struct acm_version_pair {
    u32 mask = 0;
    u32 version = 0;
    friend constexpr bool operator==(const acm_version_pair&, const acm_version_pair&) = default;
};

inline constexpr u32 max_getsec_parameter_indices = 64;
inline constexpr u32 max_getsec_acm_versions = 16;  // tboot MAX_SUPPORTED_ACM_VERSIONS

// The defaults (tboot and GRUB) stand for whatever the processor does not report.
inline constexpr u32 getsec_default_max_ac_size = 0x8000;
inline constexpr u32 getsec_default_memory_types = 0x100;  // UC only
inline constexpr acm_version_pair getsec_default_acm_version{0xFFFFFFFFu, 0};

struct getsec_parameters {
    u32 version_count = 1;
    acm_version_pair versions[max_getsec_acm_versions]{getsec_default_acm_version};
    bool versions_reported = false;
    u32 versions_dropped = 0;  // type 1 entries beyond 16 (kept by nobody, counted here)
    u32 max_ac_size = getsec_default_max_ac_size;  // bytes
    bool max_ac_size_reported = false;
    u32 memory_types = getsec_default_memory_types;  // acm_memory_type_field bits
    bool memory_types_reported = false;
    u32 senter_controls = 0;  // EAX[14:8], shifted down
    bool senter_controls_reported = false;
    u32 txt_extensions = 0;  // EAX & ~0x1F of type 5
    bool txt_extensions_reported = false;
    u32 indices = 0;       // indices read, the terminating one included
    u32 stop_type = 0;     // 0: ended with NULL; else the unknown type that ended the walk

    constexpr bool proc_based_scrtm() const { return txt_extensions_field::proc_based_scrtm.test(txt_extensions); }
    constexpr bool preserve_machine_checks() const {
        return txt_extensions_field::machine_check_handling.test(txt_extensions);
    }
    constexpr bool memory_type_allowed(const bit_field& type) const { return type.test(memory_types); }
    friend constexpr bool operator==(const getsec_parameters&, const getsec_parameters&) = default;
};

namespace getsec_detail {

// Applies one triple; false when it ends the walk.
constexpr bool apply_parameter(getsec_parameters& p, const getsec_parameter_triple& t) {
    ++p.indices;
    switch (t.type()) {
        case getsec_param_type::null: return false;
        case getsec_param_type::acm_versions:
            if (!p.versions_reported) {
                p.versions_reported = true;
                p.version_count = 0;
            }
            if (p.version_count == max_getsec_acm_versions) ++p.versions_dropped;
            else p.versions[p.version_count++] = acm_version_pair{t.ebx, t.ecx};
            return true;
        case getsec_param_type::max_ac_size:
            p.max_ac_size = t.eax & ~u32{0x1F};
            p.max_ac_size_reported = true;
            return true;
        case getsec_param_type::memory_types:
            p.memory_types = t.eax & ~u32{0x1F};
            p.memory_types_reported = true;
            return true;
        case getsec_param_type::senter_controls:
            p.senter_controls = static_cast<u32>(senter_controls_field::controls.get(t.eax));
            p.senter_controls_reported = true;
            return true;
        case getsec_param_type::txt_extensions:
            p.txt_extensions = t.eax & ~u32{0x1F};
            p.txt_extensions_reported = true;
            return true;
    }
    p.stop_type = t.type();
    return false;
}

}  // namespace getsec_detail

// Decodes the triples of indices 0..count-1 as read from the processor (or a model).
constexpr result<getsec_parameters> decode_getsec_parameters(const getsec_parameter_triple* seq, u32 count) {
    getsec_parameters p;
    for (u32 i = 0; i < count && i < max_getsec_parameter_indices; ++i)
        if (!getsec_detail::apply_parameter(p, seq[i])) return p;
    if (count > max_getsec_parameter_indices)
        return error{errc::chain_too_long, 0, max_getsec_parameter_indices, "getsec_parameters", "TXT-G24",
                     "GETSEC[PARAMETERS] reported no end within 64 indices", count, max_getsec_parameter_indices};
    return error{errc::missing_end, 0, count, "getsec_parameters", "TXT-G23",
                 "the GETSEC[PARAMETERS] sequence ends before a NULL (type 0) entry", count, count + u64{1}};
}

// Same, asking `query(index)` (returning a getsec_parameter_triple) for one index at a time:
// the form a launcher uses with the real instruction. At most 64 queries.
template <class Query>
constexpr result<getsec_parameters> read_getsec_parameters(Query&& query) {
    getsec_parameters p;
    for (u32 i = 0; i < max_getsec_parameter_indices; ++i)
        if (!getsec_detail::apply_parameter(p, query(i))) return p;
    return error{errc::chain_too_long, 0, max_getsec_parameter_indices, "getsec_parameters", "TXT-G24",
                 "GETSEC[PARAMETERS] reported no end within 64 indices", max_getsec_parameter_indices,
                 max_getsec_parameter_indices};
}

// The triples a processor with these parameters would report (what was reported, NULL last),
// for simulators. Returns the number written, or 0 when `capacity` is too small.
constexpr u32 encode_getsec_parameters(const getsec_parameters& p, getsec_parameter_triple* out, u32 capacity) {
    u32 n = 0;
    auto put = [&](getsec_parameter_triple t) {
        if (n < capacity) out[n] = t;
        ++n;
    };
    if (p.versions_reported)
        for (u32 i = 0; i < p.version_count && i < max_getsec_acm_versions; ++i)
            put({getsec_param_type::acm_versions, p.versions[i].mask, p.versions[i].version});
    if (p.max_ac_size_reported) put({getsec_param_type::max_ac_size | (p.max_ac_size & ~u32{0x1F}), 0, 0});
    if (p.memory_types_reported) put({getsec_param_type::memory_types | (p.memory_types & ~u32{0x1F}), 0, 0});
    if (p.senter_controls_reported)
        put({getsec_param_type::senter_controls | ((p.senter_controls & 0x7Fu) << 8), 0, 0});
    if (p.txt_extensions_reported) put({getsec_param_type::txt_extensions | (p.txt_extensions & ~u32{0x1F}), 0, 0});
    put({getsec_param_type::null, 0, 0});
    return n <= capacity ? n : 0;
}

// ---------------------------------------------------------------------------------------------
// Processor registers the checks read (SDM Vol. 3A 2.5, Vol. 4 MSR tables).

namespace cpuid1_ecx_field {
inline constexpr bit_field vmx{"VMX", 5, 1, false, "virtual machine extensions"};
inline constexpr bit_field smx{"SMX", 6, 1, false, "safer mode extensions (GETSEC)"};
}  // namespace cpuid1_ecx_field
inline constexpr bit_field cpuid1_ecx_fields[] = {bit_field{"OTHER", 0, 5, false, "other feature flags"},
                                                  cpuid1_ecx_field::vmx, cpuid1_ecx_field::smx,
                                                  bit_field{"OTHER", 7, 25, false, "other feature flags"}};
inline constexpr register_info cpuid1_ecx_info{"CPUID.1:ECX", 1, 32, cpuid1_ecx_fields, "SDM Vol. 2A CPUID"};

namespace cr0_field {
inline constexpr bit_field pe{"PE", 0, 1, false, "protected mode"};
inline constexpr bit_field mp{"MP", 1, 1, false, ""};
inline constexpr bit_field em{"EM", 2, 1, false, ""};
inline constexpr bit_field ts{"TS", 3, 1, false, ""};
inline constexpr bit_field et{"ET", 4, 1, false, ""};
inline constexpr bit_field ne{"NE", 5, 1, false, "native FPU error reporting"};
inline constexpr bit_field wp{"WP", 16, 1, false, "write protect"};
inline constexpr bit_field am{"AM", 18, 1, false, "alignment mask"};
inline constexpr bit_field nw{"NW", 29, 1, false, "not write-through"};
inline constexpr bit_field cd{"CD", 30, 1, false, "cache disable"};
inline constexpr bit_field pg{"PG", 31, 1, false, "paging"};
}  // namespace cr0_field
inline constexpr bit_field cr0_fields[] = {
    cr0_field::pe, cr0_field::mp,         cr0_field::em, cr0_field::ts,         cr0_field::et,
    cr0_field::ne, reserved_bits(6, 10),  cr0_field::wp, reserved_bits(17, 1),  cr0_field::am,
    reserved_bits(19, 10),                cr0_field::nw, cr0_field::cd,         cr0_field::pg,
    reserved_bits(32, 32),
};
inline constexpr register_info cr0_info{"CR0", 0, 64, cr0_fields, "SDM Vol. 3A 2.5"};

namespace cr4_field {
inline constexpr bit_field mce{"MCE", 6, 1, false, "machine-check enable"};
inline constexpr bit_field pge{"PGE", 7, 1, false, "global pages"};
inline constexpr bit_field vmxe{"VMXE", 13, 1, false, "VMX enable"};
inline constexpr bit_field smxe{"SMXE", 14, 1, false, "SMX enable: GETSEC raises #UD while clear"};
}  // namespace cr4_field
inline constexpr bit_field cr4_fields[] = {
    bit_field{"VME", 0, 1, false, ""},      bit_field{"PVI", 1, 1, false, ""},
    bit_field{"TSD", 2, 1, false, ""},      bit_field{"DE", 3, 1, false, ""},
    bit_field{"PSE", 4, 1, false, ""},      bit_field{"PAE", 5, 1, false, ""},
    cr4_field::mce,                         cr4_field::pge,
    bit_field{"PCE", 8, 1, false, ""},      bit_field{"OSFXSR", 9, 1, false, ""},
    bit_field{"OSXMMEXCPT", 10, 1, false, ""}, bit_field{"UMIP", 11, 1, false, ""},
    bit_field{"LA57", 12, 1, false, ""},    cr4_field::vmxe,
    cr4_field::smxe,                        reserved_bits(15, 1),
    bit_field{"FSGSBASE", 16, 1, false, ""}, bit_field{"PCIDE", 17, 1, false, ""},
    bit_field{"OSXSAVE", 18, 1, false, ""}, bit_field{"KL", 19, 1, false, ""},
    bit_field{"SMEP", 20, 1, false, ""},    bit_field{"SMAP", 21, 1, false, ""},
    bit_field{"PKE", 22, 1, false, ""},     bit_field{"CET", 23, 1, false, ""},
    bit_field{"PKS", 24, 1, false, ""},     bit_field{"OTHER", 25, 39, false, "newer or reserved bits"},
};
inline constexpr register_info cr4_info{"CR4", 4, 64, cr4_fields, "SDM Vol. 3A 2.5"};

inline constexpr u32 msr_ia32_platform_id = 0x17;
inline constexpr u32 msr_ia32_apic_base = 0x1B;
inline constexpr u32 msr_ia32_feature_control = 0x3A;
inline constexpr u32 msr_ia32_mcg_cap = 0x179;
inline constexpr u32 msr_ia32_mcg_status = 0x17A;
inline constexpr u32 msr_ia32_misc_enable = 0x1A0;
constexpr u32 msr_ia32_mc_status(u32 bank) { return 0x401 + 4 * bank; }

// IA32_FEATURE_CONTROL (MSR 0x3A; SDM Vol. 4 Table 2-2, Vol. 2D 6.2.1).
namespace feature_control_field {
inline constexpr bit_field lock{"LOCK", 0, 1, false, "locked; GETSEC[SENTER] raises #GP while clear"};
inline constexpr bit_field vmx_in_smx{"VMX_IN_SMX", 1, 1, false, "VMXON allowed in SMX operation"};
inline constexpr bit_field vmx_outside_smx{"VMX_OUTSIDE_SMX", 2, 1, false, "VMXON allowed outside SMX operation"};
inline constexpr bit_field senter_local{"SENTER_LOCAL_ENABLES", 8, 7, false, "SENTER local function enables"};
inline constexpr bit_field senter_global{"SENTER_GLOBAL_ENABLE", 15, 1, false, "GETSEC[SENTER] enabled"};
inline constexpr bit_field sgx_launch_control{"SGX_LAUNCH_CONTROL", 17, 1, false, ""};
inline constexpr bit_field sgx_global{"SGX_GLOBAL_ENABLE", 18, 1, false, ""};
inline constexpr bit_field lmce{"LMCE_ON", 20, 1, false, "local machine checks"};
}  // namespace feature_control_field
inline constexpr bit_field feature_control_fields[] = {
    feature_control_field::lock,         feature_control_field::vmx_in_smx,
    feature_control_field::vmx_outside_smx, reserved_bits(3, 5),
    feature_control_field::senter_local, feature_control_field::senter_global,
    reserved_bits(16, 1),                feature_control_field::sgx_launch_control,
    feature_control_field::sgx_global,   reserved_bits(19, 1),
    feature_control_field::lmce,         reserved_bits(21, 43),
};
inline constexpr register_info feature_control_info{"IA32_FEATURE_CONTROL", msr_ia32_feature_control, 64,
                                                    feature_control_fields, "SDM Vol. 4 Table 2-2"};

// IA32_APIC_BASE (MSR 0x1B).
namespace apic_base_field {
inline constexpr bit_field bsp{"BSP", 8, 1, false, "bootstrap processor"};
inline constexpr bit_field extd{"EXTD", 10, 1, false, "x2APIC mode"};
inline constexpr bit_field enable{"EN", 11, 1, false, "APIC enabled"};
inline constexpr bit_field base{"APIC_BASE", 12, 40, false, "page frame of the local APIC"};
}  // namespace apic_base_field
inline constexpr bit_field apic_base_fields[] = {reserved_bits(0, 8),    apic_base_field::bsp,
                                                 reserved_bits(9, 1),    apic_base_field::extd,
                                                 apic_base_field::enable, apic_base_field::base,
                                                 reserved_bits(52, 12)};
inline constexpr register_info apic_base_info{"IA32_APIC_BASE", msr_ia32_apic_base, 64, apic_base_fields,
                                              "SDM Vol. 4 Table 2-2"};

// Machine-check MSRs (SDM Vol. 3B 16.3).
namespace mcg_cap_field {
inline constexpr bit_field count{"COUNT", 0, 8, false, "machine-check banks"};
}  // namespace mcg_cap_field
inline constexpr bit_field mcg_cap_fields[] = {mcg_cap_field::count,
                                               bit_field{"OTHER", 8, 56, false, "other capability bits"}};
inline constexpr register_info mcg_cap_info{"IA32_MCG_CAP", msr_ia32_mcg_cap, 64, mcg_cap_fields, "SDM Vol. 3B 16.3.1"};

namespace mcg_status_field {
inline constexpr bit_field ripv{"RIPV", 0, 1, false, ""};
inline constexpr bit_field eipv{"EIPV", 1, 1, false, ""};
inline constexpr bit_field mcip{"MCIP", 2, 1, false, "machine check in progress"};
inline constexpr bit_field lmce_s{"LMCE_S", 3, 1, false, ""};
}  // namespace mcg_status_field
inline constexpr bit_field mcg_status_fields[] = {mcg_status_field::ripv, mcg_status_field::eipv,
                                                  mcg_status_field::mcip, mcg_status_field::lmce_s,
                                                  reserved_bits(4, 60)};
inline constexpr register_info mcg_status_info{"IA32_MCG_STATUS", msr_ia32_mcg_status, 64, mcg_status_fields,
                                               "SDM Vol. 3B 16.3.1"};

namespace mci_status_field {
inline constexpr bit_field pcc{"PCC", 57, 1, false, "processor context corrupt"};
inline constexpr bit_field addrv{"ADDRV", 58, 1, false, ""};
inline constexpr bit_field miscv{"MISCV", 59, 1, false, ""};
inline constexpr bit_field en{"EN", 60, 1, false, ""};
inline constexpr bit_field uc{"UC", 61, 1, false, "uncorrected error"};
inline constexpr bit_field over{"OVER", 62, 1, false, ""};
inline constexpr bit_field val{"VAL", 63, 1, false, "the bank holds a valid error"};
}  // namespace mci_status_field
inline constexpr bit_field mci_status_fields[] = {
    bit_field{"OTHER", 0, 57, false, "error codes and model-specific bits"},
    mci_status_field::pcc, mci_status_field::addrv, mci_status_field::miscv, mci_status_field::en,
    mci_status_field::uc,  mci_status_field::over,  mci_status_field::val,
};
inline constexpr register_info mci_status_info{"IA32_MCi_STATUS", 0x401, 64, mci_status_fields, "SDM Vol. 3B 16.3.2"};

// ---------------------------------------------------------------------------------------------
// The checks. Each returns success or errc::launch_requirement with its rule:
//   TXT-G1  CPUID.1:ECX.SMX (bit 6) clear: no GETSEC
//   TXT-G2  CPUID.1:ECX.VMX (bit 5) clear (only for launchers that need VMX)
//   TXT-G3  CR4.SMXE (bit 14) clear: GETSEC raises #UD
//   TXT-G4  IA32_FEATURE_CONTROL.LOCK clear
//   TXT-G5  IA32_FEATURE_CONTROL.SENTER_GLOBAL_ENABLE (bit 15) clear
//   TXT-G6  IA32_FEATURE_CONTROL SENTER local enables (bits 14:8) not all set (tboot policy:
//           none of bits 15:8 set)
//   TXT-G7  IA32_FEATURE_CONTROL VMX in/outside SMX clear (coreboot policy only)
//   TXT-G8  GETSEC[CAPABILITIES] bit 0 clear: no TXT chipset
//   TXT-G9  GETSEC[CAPABILITIES] lacks a required leaf
//   TXT-G10 TXT.ESTS.TXT_RESET.STS set: SENTER fails until a power cycle
//   TXT-G11 IA32_MCG_STATUS.MCIP set
//   TXT-G12 an IA32_MCi_STATUS has VAL set (unless PARAMETERS type 5 bit 6 is set)
//   TXT-G13 fewer IA32_MCi_STATUS values than IA32_MCG_CAP.COUNT banks (errc::bad_argument)
//   TXT-G14 IA32_APIC_BASE.BSP clear: the launching processor is not the BSP
//   TXT-G15 CR0.PE clear
//   TXT-G16 CR0.CD set
//   TXT-G17 CR0.NW set
//   TXT-G18 CR0.NE clear
//   TXT-G19 TXT.STS.SENTER.DONE set: a measured launch is already active

// How strictly IA32_FEATURE_CONTROL is judged. The SDM's #GP conditions for GETSEC[SENTER]
// with EDX = 0 are LOCK = 0 or SENTER_GLOBAL_ENABLE = 0; launchers in the wild differ.
enum class feature_control_policy : u8 {
    strict,       // LOCK, SENTER_GLOBAL_ENABLE and all local enables (the default: SDM + GRUB)
    sdm_minimum,  // LOCK and SENTER_GLOBAL_ENABLE
    tboot,        // LOCK and any of bits 15:8
    grub,         // bits 15:8 all set (LOCK not checked)
    coreboot,     // LOCK, bits 15:8 all set, VMX in and outside SMX
};

constexpr const char* name(feature_control_policy p) {
    switch (p) {
        case feature_control_policy::strict: return "strict";
        case feature_control_policy::sdm_minimum: return "sdm-minimum";
        case feature_control_policy::tboot: return "tboot";
        case feature_control_policy::grub: return "grub";
        case feature_control_policy::coreboot: return "coreboot";
    }
    return "unknown";
}

namespace getsec_detail {
constexpr error launch(u32 offset, const char* field, const char* rule, const char* message, u64 value, u64 limit) {
    return error{errc::launch_requirement, offset, no_entry, field, rule, message, value, limit};
}
}  // namespace getsec_detail

constexpr status check_smx_supported(u32 cpuid1_ecx) {
    if (!cpuid1_ecx_field::smx.test(cpuid1_ecx))
        return getsec_detail::launch(1, "CPUID.1:ECX.SMX", "TXT-G1", "the processor does not support SMX (GETSEC)",
                                     cpuid1_ecx, cpuid1_ecx_field::smx.mask());
    return success;
}

constexpr status check_vmx_supported(u32 cpuid1_ecx) {
    if (!cpuid1_ecx_field::vmx.test(cpuid1_ecx))
        return getsec_detail::launch(1, "CPUID.1:ECX.VMX", "TXT-G2", "the processor does not support VMX",
                                     cpuid1_ecx, cpuid1_ecx_field::vmx.mask());
    return success;
}

constexpr status check_cr4_smxe(u64 cr4) {
    if (!cr4_field::smxe.test(cr4))
        return getsec_detail::launch(4, "CR4.SMXE", "TXT-G3", "CR4.SMXE must be set before GETSEC (else #UD)", cr4,
                                     cr4_field::smxe.mask());
    return success;
}

constexpr status check_feature_control(u64 msr, feature_control_policy policy = feature_control_policy::strict) {
    namespace f = feature_control_field;
    constexpr u32 at = msr_ia32_feature_control;
    const bool need_lock = policy != feature_control_policy::grub;
    if (need_lock && !f::lock.test(msr))
        return getsec_detail::launch(at, "IA32_FEATURE_CONTROL.LOCK", "TXT-G4",
                                     "IA32_FEATURE_CONTROL is not locked (GETSEC[SENTER] raises #GP)", msr,
                                     f::lock.mask());
    if (policy == feature_control_policy::tboot) {
        if ((msr & 0xFF00u) == 0)
            return getsec_detail::launch(at, "IA32_FEATURE_CONTROL.SENTER", "TXT-G6",
                                         "no SENTER enable bit (15:8) is set", msr, 0xFF00u);
        return success;
    }
    if (!f::senter_global.test(msr))
        return getsec_detail::launch(at, "IA32_FEATURE_CONTROL.SENTER_GLOBAL_ENABLE", "TXT-G5",
                                     "GETSEC[SENTER] is disabled (bit 15 clear)", msr, f::senter_global.mask());
    if (policy != feature_control_policy::sdm_minimum && (msr & f::senter_local.mask()) != f::senter_local.mask())
        return getsec_detail::launch(at, "IA32_FEATURE_CONTROL.SENTER_LOCAL_ENABLES", "TXT-G6",
                                     "not every SENTER local function enable (bits 14:8) is set", msr,
                                     f::senter_local.mask());
    if (policy == feature_control_policy::coreboot && !(f::vmx_in_smx.test(msr) && f::vmx_outside_smx.test(msr)))
        return getsec_detail::launch(at, "IA32_FEATURE_CONTROL.VMX", "TXT-G7",
                                     "VMX is not enabled both inside and outside SMX", msr,
                                     f::vmx_in_smx.mask() | f::vmx_outside_smx.mask());
    return success;
}

constexpr status check_getsec_capabilities(u32 eax, u32 required_leaves = getsec_leaves_tboot) {
    const getsec_capabilities c{eax};
    if (!c.chipset_present())
        return getsec_detail::launch(0, "GETSEC[CAPABILITIES].CHIPSET_PRESENT", "TXT-G8",
                                     "no TXT-capable chipset is present", eax, 1);
    const u32 need = required_leaves & ~u32{3};
    if ((eax & need) != need)
        return getsec_detail::launch(0, "GETSEC[CAPABILITIES]", "TXT-G9",
                                     "a GETSEC leaf the launcher needs is not available (limit: the leaves needed)",
                                     eax, need);
    return success;
}

constexpr status check_txt_reset(u64 ests) {
    if (ests_reg{ests}.txt_reset())
        return getsec_detail::launch(config_reg::ests, "TXT.ESTS.TXT_RESET.STS", "TXT-G10",
                                     "TXT_RESET.STS is set: SENTER fails until the platform is power cycled", ests, 0);
    return success;
}

// `mci_status` holds IA32_MCi_STATUS for banks 0.. (`mci_count` of them); IA32_MCG_CAP.COUNT
// says how many there must be. With PARAMETERS type 5 bit 6 (machine-check handling) set, valid
// errors may stay in the banks.
constexpr status check_machine_checks(u64 mcg_status, u64 mcg_cap, const u64* mci_status, u32 mci_count,
                                      const getsec_parameters& params = {}) {
    if (mcg_status_field::mcip.test(mcg_status))
        return getsec_detail::launch(msr_ia32_mcg_status, "IA32_MCG_STATUS.MCIP", "TXT-G11",
                                     "a machine check is in progress", mcg_status, 0);
    if (params.preserve_machine_checks()) return success;
    const u32 banks = static_cast<u32>(mcg_cap_field::count.get(mcg_cap));
    if (mci_count < banks || (banks != 0 && mci_status == nullptr))
        return error{errc::bad_argument, msr_ia32_mcg_cap, no_entry, "IA32_MCi_STATUS", "TXT-G13",
                     "fewer IA32_MCi_STATUS values than IA32_MCG_CAP.COUNT banks", mci_count, banks};
    for (u32 i = 0; i < banks; ++i)
        if (mci_status_field::val.test(mci_status[i]))
            return error{errc::launch_requirement, msr_ia32_mc_status(i), i, "IA32_MCi_STATUS.VAL", "TXT-G12",
                         "a machine-check bank holds a valid error (log and clear it before SENTER)", mci_status[i], 0};
    return success;
}

constexpr status check_bsp(u64 apic_base) {
    if (!apic_base_field::bsp.test(apic_base))
        return getsec_detail::launch(msr_ia32_apic_base, "IA32_APIC_BASE.BSP", "TXT-G14",
                                     "GETSEC[SENTER] must run on the bootstrap processor", apic_base,
                                     apic_base_field::bsp.mask());
    return success;
}

constexpr status check_cr0(u64 cr0) {
    if (!cr0_field::pe.test(cr0))
        return getsec_detail::launch(0, "CR0.PE", "TXT-G15", "protected mode is off", cr0, cr0_field::pe.mask());
    if (cr0_field::cd.test(cr0))
        return getsec_detail::launch(0, "CR0.CD", "TXT-G16", "caching is disabled (CR0.CD set)", cr0, 0);
    if (cr0_field::nw.test(cr0))
        return getsec_detail::launch(0, "CR0.NW", "TXT-G17", "CR0.NW is set", cr0, 0);
    if (!cr0_field::ne.test(cr0))
        return getsec_detail::launch(0, "CR0.NE", "TXT-G18", "CR0.NE is clear", cr0, cr0_field::ne.mask());
    return success;
}

constexpr status check_not_launched(u64 sts) {
    if (sts_reg{sts}.senter_done())
        return getsec_detail::launch(config_reg::sts, "TXT.STS.SENTER.DONE.STS", "TXT-G19",
                                     "a measured launch is already active (SENTER.DONE set)", sts, 0);
    return success;
}

// All of the above at once, for the values a caller read on the launching processor; an
// absent value skips its checks.
struct smx_state {
    bool has_cpuid1_ecx = false;
    u32 cpuid1_ecx = 0;
    bool has_cr0 = false;
    u64 cr0 = 0;
    bool has_cr4 = false;
    u64 cr4 = 0;
    bool has_feature_control = false;
    u64 feature_control = 0;
    bool has_getsec_capabilities = false;
    u32 getsec_capabilities = 0;
    bool has_ests = false;
    u64 ests = 0;
    bool has_sts = false;
    u64 sts = 0;
    bool has_apic_base = false;
    u64 apic_base = 0;
    bool has_machine_checks = false;
    u64 mcg_status = 0;
    u64 mcg_cap = 0;
    const u64* mci_status = nullptr;
    u32 mci_count = 0;
    bool has_parameters = false;
    getsec_parameters parameters{};
};

struct smx_check_options {
    feature_control_policy policy = feature_control_policy::strict;
    u32 required_leaves = getsec_leaves_tboot;
    bool require_vmx = false;
};

constexpr check_report check_pre_senter(const smx_state& s, const smx_check_options& o = {}) {
    check_report r;
    constexpr const char* absent = "value not given";
    if (s.has_cpuid1_ecx) {
        r.record("TXT-G1", "CPUID.1:ECX.SMX set", check_smx_supported(s.cpuid1_ecx));
        if (o.require_vmx) r.record("TXT-G2", "CPUID.1:ECX.VMX set", check_vmx_supported(s.cpuid1_ecx));
        else r.skip("TXT-G2", "CPUID.1:ECX.VMX set", "the launcher does not need VMX");
    } else {
        r.skip("TXT-G1", "CPUID.1:ECX.SMX set", absent);
        r.skip("TXT-G2", "CPUID.1:ECX.VMX set", absent);
    }
    if (s.has_cr4) r.record("TXT-G3", "CR4.SMXE set", check_cr4_smxe(s.cr4));
    else r.skip("TXT-G3", "CR4.SMXE set", absent);
    if (s.has_feature_control) {
        const status st = check_feature_control(s.feature_control, o.policy);
        r.record(st ? "TXT-G4" : st.err().rule, "IA32_FEATURE_CONTROL enables SENTER", st, name(o.policy));
    } else {
        r.skip("TXT-G4", "IA32_FEATURE_CONTROL enables SENTER", absent);
    }
    if (s.has_getsec_capabilities) {
        const status st = check_getsec_capabilities(s.getsec_capabilities, o.required_leaves);
        r.record(st ? "TXT-G8" : st.err().rule, "GETSEC[CAPABILITIES] chipset and leaves", st);
    } else {
        r.skip("TXT-G8", "GETSEC[CAPABILITIES] chipset and leaves", absent);
    }
    if (s.has_ests) r.record("TXT-G10", "TXT.ESTS.TXT_RESET.STS clear", check_txt_reset(s.ests));
    else r.skip("TXT-G10", "TXT.ESTS.TXT_RESET.STS clear", absent);
    if (s.has_machine_checks) {
        const getsec_parameters p = s.has_parameters ? s.parameters : getsec_parameters{};
        const status st = check_machine_checks(s.mcg_status, s.mcg_cap, s.mci_status, s.mci_count, p);
        r.record(st ? "TXT-G11" : st.err().rule, "no machine check pending", st,
                 p.preserve_machine_checks() ? "MCIP clear; banks not checked (PARAMETERS type 5 bit 6)" : "");
    } else {
        r.skip("TXT-G11", "no machine check pending", absent);
    }
    if (s.has_apic_base) r.record("TXT-G14", "IA32_APIC_BASE.BSP set", check_bsp(s.apic_base));
    else r.skip("TXT-G14", "IA32_APIC_BASE.BSP set", absent);
    if (s.has_cr0) {
        const status st = check_cr0(s.cr0);
        r.record(st ? "TXT-G15" : st.err().rule, "CR0: PE and NE set, CD and NW clear", st);
    } else {
        r.skip("TXT-G15", "CR0: PE and NE set, CD and NW clear", absent);
    }
    if (s.has_sts) r.record("TXT-G19", "TXT.STS.SENTER.DONE clear", check_not_launched(s.sts));
    else r.skip("TXT-G19", "TXT.STS.SENTER.DONE clear", absent);
    return r;
}

// ---------------------------------------------------------------------------------------------
// MLE JOIN (SDM Vol. 2D Table 6-12; SDG 2.3): where a responding processor starts after
// GETSEC[WAKEUP]. Its physical address goes in TXT.MLE.JOIN. Rules:
//   TXT-G25 out_of_bounds        the structure does not lie below 4 GiB
//   TXT-G26 misaligned           the 16 bytes cross a 4 KiB page boundary
//   TXT-G27 misaligned           the GDT [base, base + limit] is not on a single page
//   TXT-G28 out_of_bounds        the GDT does not lie below 4 GiB
//   TXT-G29 value_out_of_range   the selector is 0, has TI or RPL bits set, or its two
//                                descriptors (CS and CS + 8) pass the GDT limit; GDT limit above
//                                0xFFFF (SDM GETSEC[WAKEUP] pseudo-code; UNVERIFIED, not in the
//                                fact sheet)
//   TXT-G30 truncated_header     fewer than 16 bytes to decode
//   TXT-G31 buffer_too_small     fewer than 16 bytes to encode into

namespace wire {
struct mle_join {
    slrt::le_u32 gdt_limit;    // @0
    slrt::le_u32 gdt_base;     // @4  physical
    slrt::le_u32 seg_sel;      // @8  CS; DS/SS/ES = CS + 8
    slrt::le_u32 entry_point;  // @12 physical EIP, paging off
};
static_assert(sizeof(mle_join) == 16 && alignof(mle_join) == 1);
static_assert(offsetof(mle_join, gdt_limit) == 0 && offsetof(mle_join, gdt_base) == 4);
static_assert(offsetof(mle_join, seg_sel) == 8 && offsetof(mle_join, entry_point) == 12);
}  // namespace wire

inline constexpr std::size_t mle_join_size = sizeof(wire::mle_join);

struct mle_join {
    u32 gdt_limit = 0;
    u32 gdt_base = 0;
    u32 seg_sel = 0;
    u32 entry_point = 0;
    friend constexpr bool operator==(const mle_join&, const mle_join&) = default;
};

constexpr result<mle_join> decode_mle_join(byte_view b) {
    if (b.size() < mle_join_size)
        return error{errc::truncated_header, 0, no_entry, "mle_join", "TXT-G30", "an MLE JOIN structure has 16 bytes",
                     b.size(), mle_join_size};
    return mle_join{static_cast<u32>(load_le(b, 0, 4)), static_cast<u32>(load_le(b, 4, 4)),
                    static_cast<u32>(load_le(b, 8, 4)), static_cast<u32>(load_le(b, 12, 4))};
}

constexpr status encode_mle_join(const mle_join& j, mutable_byte_view out) {
    if (out.size() < mle_join_size)
        return error{errc::buffer_too_small, 0, no_entry, "mle_join", "TXT-G31", "an MLE JOIN structure needs 16 bytes",
                     out.size(), mle_join_size};
    store_le(out, 0, 4, j.gdt_limit);
    store_le(out, 4, 4, j.gdt_base);
    store_le(out, 8, 4, j.seg_sel);
    store_le(out, 12, 4, j.entry_point);
    return success;
}

// `address` is the physical address the structure is written at (TXT.MLE.JOIN).
constexpr status check_mle_join(u64 address, const mle_join& j) {
    if (!range{address, mle_join_size}.valid() || !range{address, mle_join_size}.below(four_gib))
        return error{errc::out_of_bounds, 0, no_entry, "TXT.MLE.JOIN", "TXT-G25",
                     "the MLE JOIN structure must lie below 4 GiB", address, four_gib};
    if ((address >> 12) != ((address + mle_join_size - 1) >> 12))
        return error{errc::misaligned, 0, no_entry, "TXT.MLE.JOIN", "TXT-G26",
                     "the MLE JOIN structure must not cross a 4 KiB page boundary", address, 0x1000};
    const u64 gdt_last = u64{j.gdt_base} + j.gdt_limit;
    if (gdt_last >= four_gib)
        return error{errc::out_of_bounds, 0, no_entry, "mle_join.gdt_limit", "TXT-G28",
                     "the GDT must lie below 4 GiB", gdt_last, four_gib - 1};
    if (j.gdt_limit > 0xFFFFu)
        return error{errc::value_out_of_range, 0, no_entry, "mle_join.gdt_limit", "TXT-G29",
                     "a GDT limit has 16 bits", j.gdt_limit, 0xFFFF};
    if ((j.gdt_base >> 12) != (gdt_last >> 12))
        return error{errc::misaligned, 4, no_entry, "mle_join.gdt_base", "TXT-G27",
                     "the MLE's GDT must be on a single 4 KiB page", j.gdt_base, gdt_last};
    if (j.seg_sel < 8 || (j.seg_sel & 7u) != 0 || u64{j.seg_sel} + 15 > j.gdt_limit)
        return error{errc::value_out_of_range, 8, no_entry, "mle_join.seg_sel", "TXT-G29",
                     "the selector must be a non-null GDT selector with RPL 0 whose CS and CS + 8 descriptors lie "
                     "within the GDT limit",
                     j.seg_sel, j.gdt_limit};
    return success;
}

// ---------------------------------------------------------------------------------------------
// State at MLE entry (SDG App. F "Table E-2"; SDM GETSEC[SENTER]/[WAKEUP]). What the ILP finds at
// the MLE entry point and an RLP at the JOIN entry point.

namespace mle_entry {
inline constexpr u64 ilp_cr4 = 0x00004000;  // SMXE only (MCE cleared: re-enable machine checks)
inline constexpr u64 rlp_cr4 = 0x00004000;
inline constexpr u64 ilp_cr0_cleared = cr0_field::pg.mask() | cr0_field::am.mask() | cr0_field::wp.mask();
inline constexpr u64 rlp_cr0_cleared =
    cr0_field::pg.mask() | cr0_field::cd.mask() | cr0_field::nw.mask() | cr0_field::am.mask() | cr0_field::wp.mask();
inline constexpr u64 rlp_cr0_set = cr0_field::pe.mask() | cr0_field::ne.mask();
inline constexpr u64 dr7 = 0x400;
inline constexpr u64 apic_base_address = 0xFEE00000;  // IA32_APIC_BASE bits 35:12 = 0xFEE00
inline constexpr u16 code_segment_ar = 0x9B;          // flat: base 0, limit 0xFFFFF, G = 1, D = 1
inline constexpr u16 data_segment_ar = 0x93;
inline constexpr u32 flat_limit = 0xFFFFF;
inline constexpr u32 launch_errorcode = 0xC0000001;   // TXT.ERRORCODE after a successful SENTER

// IA32_MISC_ENABLE: the ILP keeps orig & 0xFFF37CEA with bit 3 (automatic thermal control) set;
// an RLP keeps orig & 0xFEE324A8. Bit 18 (MONITOR/MWAIT) is set on both when OsSinitData
// requested the MONITOR wake-up (capabilities bit 1). Restore the saved value after waking RLPs.
inline constexpr u64 ilp_misc_enable_keep = 0xFFF37CEA;
inline constexpr u64 rlp_misc_enable_keep = 0xFEE324A8;
inline constexpr u64 misc_enable_tm = u64{1} << 3;
inline constexpr u64 misc_enable_monitor = u64{1} << 18;

constexpr u64 ilp_misc_enable(u64 original, bool monitor_wake) {
    return (original & ilp_misc_enable_keep) | misc_enable_tm | (monitor_wake ? misc_enable_monitor : 0);
}
constexpr u64 rlp_misc_enable(u64 original, bool monitor_wake) {
    return (original & rlp_misc_enable_keep) | (monitor_wake ? misc_enable_monitor : 0);
}
constexpr u64 ilp_cr0(u64 before_senter) { return before_senter & ~ilp_cr0_cleared; }
constexpr u64 rlp_cr0(u64 before) { return (before & ~rlp_cr0_cleared) | rlp_cr0_set; }
}  // namespace mle_entry

}  // namespace dlh::txt
