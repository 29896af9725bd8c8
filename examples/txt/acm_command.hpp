// SPDX-License-Identifier: MIT
// txt-tool acm FILE [--match KEY=VALUE,...] [--json]: decode a SINIT Authenticated Code Module
// (header, Chipset ACM Information Table, supported chipsets, processors and TPMs) and, with
// --match, report whether it fits a platform, check by check. include/dlh/txt/acm.hpp and
// acm_match.hpp do the work; this file reads, calls and prints.
//
//   exit  0 a valid SINIT (that matches, with --match); 1 not a valid SINIT, or no match;
//         2 unreadable file or a bad --match list
//
// JSON: {"file", "valid", "error": <error> | null, "layout", "module_size", "padding",
//        "header": {...}, "info_offset", "info": {...}, "chipsets": [...], "chipsets2": [...] | null,
//        "processors": [...] | null, "tpm": {...} | null, "chain": [...] | null,
//        "match": {"ok", "first_failure": <error> | null, "passes", "failures", "warnings", "skips",
//                  "checks": [{"rule", "check", "outcome", "note", "index", "error", "text"}]} | null}
// <error> = {"text", "errc", "rule", "offset", "field", "message", "value", "limit"}. When the file
// is a valid ACM but not a usable SINIT, the decoded fields are still given beside the error.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "../tool_io.hpp"
#include "dlh/txt/acm.hpp"
#include "dlh/txt/acm_match.hpp"

namespace txt_tool {

inline const char* acm_match_help =
    "match the SINIT against platform values, KEY=VALUE pairs separated by commas. Keys: "
    "didvid (TXT.DIDVID), fsbif (TXT.VER.FSBIF), qpiif (TXT.VER.QPIIF), fms (CPUID.1:EAX), "
    "platform-id (IA32_PLATFORM_ID), bios-data-version, mle-flags (BiosData.MleFlags), "
    "tpm-family (1.2 | 2.0 | 2.0-firmware), tpm-banks (sha1+sha256+...), "
    "mle-version (MLE header version, 2.2 or 0x20002), mle-caps (MLE header capabilities), "
    "max-ac-size (GETSEC[PARAMETERS]), sinit-base and sinit-size (TXT.SINIT.BASE/SIZE); options: "
    "fusing=tboot|grub, platform-type-from=N (information table version, default 5), "
    "require-ecx-pgtbl=1|0. Numbers are decimal or 0x hex. Checks without their values are skipped.";

inline std::string acm_error_text(const slrt::error& e) { return slrt::tool::error_line(e, 512); }

inline nlohmann::ordered_json acm_error_json(const slrt::error& e) {
    return {{"text", acm_error_text(e)}, {"errc", slrt::name(e.code)}, {"rule", e.rule},
            {"offset", e.offset},        {"field", e.field},           {"message", e.message},
            {"value", e.value},          {"limit", e.limit}};
}

inline std::string acm_hex(slrt::u64 v) { return fmt::format("{:#x}", v); }

// BCD 0xYYYYMMDD as YYYY-MM-DD (as hex digits, whatever they are).
inline std::string acm_date(slrt::u32 d) {
    return fmt::format("{:04x}-{:02x}-{:02x}", d >> 16, (d >> 8) & 0xFFu, d & 0xFFu);
}

inline std::string acm_version_text(slrt::u32 v) { return fmt::format("{}.{}", v >> 16, v & 0xFFFFu); }

inline std::string acm_register_text(const dlh::register_info& info, slrt::u64 raw, const char* indent) {
    char buf[2048];
    dlh::format_register(info, raw, buf, sizeof buf);
    std::string out;
    std::string s = buf;
    for (std::size_t at = 0; at < s.size();) {
        const std::size_t nl = s.find('\n', at);
        out += indent + s.substr(at, nl - at) + "\n";
        at = nl == std::string::npos ? s.size() : nl + 1;
    }
    return out;
}

inline std::string acm_tpm_families(slrt::u32 family) {
    std::string s;
    if (family & dlh::txt::tpm_family_dtpm12) s += " dTPM1.2";
    if (family & dlh::txt::tpm_family_dtpm20) s += " dTPM2.0";
    if (family & dlh::txt::tpm_family_ftpm20) s += " fTPM2.0";
    if (family & 0x4u) s += " (bit 4 unknown)";
    return s.empty() ? " none" : s;
}

inline const char* acm_ext_policy(dlh::txt::tpm_ext_policy p) {
    switch (p) {
        case dlh::txt::tpm_ext_policy::illegal: return "illegal (00)";
        case dlh::txt::tpm_ext_policy::max_agility: return "maximum agility";
        case dlh::txt::tpm_ext_policy::max_performance: return "maximum performance";
        case dlh::txt::tpm_ext_policy::both: return "both";
    }
    return "?";
}

inline nlohmann::ordered_json acm_chipset_json(const dlh::txt::acm_chipset_id& c) {
    return {{"flags", c.flags},
            {"revision_id_is_mask", c.revision_id_is_mask()},
            {"vendor_id", c.vendor_id},
            {"device_id", c.device_id},
            {"revision_id", c.revision_id},
            {"register_mask", c.register_mask},
            {"extended_id", c.extended_id}};
}

inline nlohmann::ordered_json acm_json(const std::string& display, const dlh::txt::parsed_acm& a) {
    using json = nlohmann::ordered_json;
    namespace txt = dlh::txt;
    const txt::acm_header& h = a.header;
    json j;
    j["file"] = display;
    j["layout"] = txt::name(a.layout);
    j["module_size"] = a.module_size();
    j["padding"] = a.padding;
    j["header"] = {{"module_type", h.module_type},
                   {"module_subtype", h.module_subtype},
                   {"header_len", h.header_len},
                   {"header_version", h.header_version},
                   {"header_version_text", acm_version_text(h.header_version)},
                   {"chipset_id", h.chipset_id},
                   {"flags", h.flags},
                   {"pre_production", h.pre_production()},
                   {"debug_signed", h.debug_signed()},
                   {"module_vendor", h.module_vendor},
                   {"date", h.date},
                   {"date_text", acm_date(h.date)},
                   {"size", h.size},
                   {"txt_svn", h.txt_svn},
                   {"se_svn", h.se_svn},
                   {"code_control", h.code_control},
                   {"error_entry_point", h.error_entry_point},
                   {"gdt_limit", h.gdt_limit},
                   {"gdt_base", h.gdt_base},
                   {"seg_sel", h.seg_sel},
                   {"entry_point", h.entry_point},
                   {"key_size", h.key_size},
                   {"scratch_size", h.scratch_size},
                   {"rsa_pub_exp", h.rsa_pub_exp}};
    const txt::acm_info_table& t = a.info;
    j["info_offset"] = a.info_offset;
    j["info"] = {{"chipset_acm_type", t.chipset_acm_type},
                 {"type", txt::name(t.type())},
                 {"version", t.version},
                 {"length", t.length},
                 {"chipset_id_list", t.chipset_id_list},
                 {"os_sinit_data_ver", t.os_sinit_data_ver},
                 {"min_mle_header_ver", t.min_mle_header_ver},
                 {"min_mle_header_ver_text", acm_version_text(t.min_mle_header_ver)},
                 {"capabilities", t.capabilities.raw},
                 {"acm_version", t.acm_version},
                 {"acm_revision", {t.acm_revision[0], t.acm_revision[1], t.acm_revision[2]}},
                 {"processor_id_list", t.processor_id_list},
                 {"tpm_info_list", t.tpm_info_list}};
    json cs = json::array();
    for (slrt::u32 i = 0; i < a.chipsets.count; ++i) cs.push_back(acm_chipset_json(a.chipset(i)));
    j["chipsets"] = a.chipsets.present ? cs : json(nullptr);
    json cs2 = json::array();
    for (slrt::u32 i = 0; i < a.chipsets2.count; ++i) cs2.push_back(acm_chipset_json(a.chipset2(i)));
    j["chipsets2"] = a.chipsets2.present ? cs2 : json(nullptr);
    json pr = json::array();
    for (slrt::u32 i = 0; i < a.processors.count; ++i) {
        const txt::acm_processor_id p = a.processor(i);
        pr.push_back({{"fms", p.fms}, {"fms_mask", p.fms_mask}, {"platform_id", p.platform_id},
                      {"platform_mask", p.platform_mask}});
    }
    j["processors"] = a.processors.present ? pr : json(nullptr);
    if (a.tpm.present) {
        json algs = json::array();
        for (slrt::u32 i = 0; i < a.tpm.count; ++i)
            algs.push_back({{"id", a.tpm_algorithm(i)}, {"name", txt::tpm_alg_name(a.tpm_algorithm(i))}});
        j["tpm"] = {{"capabilities", a.tpm.capabilities},
                    {"ext_policy", static_cast<unsigned>(a.tpm.ext_policy())},
                    {"family", a.tpm.family()},
                    {"nv_index_set", a.tpm.nv_index_set()},
                    {"algorithms", algs}};
    } else {
        j["tpm"] = nullptr;
    }
    if (t.chained_lists()) {
        json ch = json::array();
        for (slrt::u32 i = 0; i < a.chain_count; ++i)
            ch.push_back({{"id", a.chain[i].id},
                          {"name", txt::acm_list_name(a.chain[i].id)},
                          {"offset", a.chain[i].offset},
                          {"size", a.chain[i].size},
                          {"rev", a.chain[i].rev}});
        ch.push_back({{"id", txt::acm_list_id::term}, {"name", "TERM"}, {"offset", a.term_offset},
                      {"size", a.term_size}, {"rev", a.term_rev}});
        j["chain"] = ch;
    } else {
        j["chain"] = nullptr;
    }
    return j;
}

inline std::string acm_text(const std::string& display, const dlh::txt::parsed_acm& a) {
    namespace txt = dlh::txt;
    const txt::acm_header& h = a.header;
    const txt::acm_info_table& t = a.info;
    std::string s;
    s += fmt::format("{}: {} ACM, header {} ({}-bit key), module {} bytes{}\n", display, txt::name(t.type()),
                     acm_version_text(h.header_version), a.layout == txt::acm_header_layout::v0_0 ? 2048 : 3072,
                     a.module_size(), a.padding ? fmt::format(" + {} bytes of padding", a.padding) : "");
    s += "header:\n";
    s += fmt::format("  module type {} subtype {}, header length {} dwords, key {} dwords, scratch {} dwords\n",
                     h.module_type, h.module_subtype, h.header_len, h.key_size, h.scratch_size);
    s += fmt::format("  chipset id {:#06x}, vendor {:#06x}, date {}, TXT SVN {}, SE SVN {}\n", h.chipset_id,
                     h.module_vendor, acm_date(h.date), h.txt_svn, h.se_svn);
    s += fmt::format("  flags {:#06x}: {}{}\n", h.flags, h.debug_signed() ? "debug signed" : "production signed",
                     h.pre_production() ? ", pre-production" : "");
    s += fmt::format("  entry point {:#x}, segment selector {:#x}, GDT base {:#x} limit {:#x}, code control {:#x}, "
                     "error entry point {:#x}\n",
                     h.entry_point, h.seg_sel, h.gdt_base, h.gdt_limit, h.code_control, h.error_entry_point);
    if (a.layout == txt::acm_header_layout::v0_0) s += fmt::format("  RSA public exponent {:#x}\n", h.rsa_pub_exp);
    s += fmt::format("information table at {:#x}: version {}, length {}\n", a.info_offset, t.version, t.length);
    s += fmt::format("  type {} ({}), OsSinitData up to version {}, MLE header at least {}, ACM version {}",
                     t.chipset_acm_type, txt::name(t.type()), t.os_sinit_data_ver,
                     acm_version_text(t.min_mle_header_ver), t.acm_version);
    if (t.version >= 6)
        s += fmt::format(", revision {}.{}.{}", t.acm_revision[0], t.acm_revision[1], t.acm_revision[2]);
    s += "\n";
    s += acm_register_text(txt::capabilities_info, t.capabilities.raw, "  ");
    auto chipsets = [&](const char* title, const txt::acm_id_list& l, auto get) {
        if (!l.present) return;
        s += fmt::format("{} at {:#x} ({}):\n", title, l.offset, l.count);
        for (slrt::u32 i = 0; i < l.count; ++i) {
            const txt::acm_chipset_id c = get(i);
            s += fmt::format("  [{}] vendor {:#06x} device {:#06x} revision {:#06x}{}", i, c.vendor_id, c.device_id,
                             c.revision_id, c.revision_id_is_mask() ? " (mask)" : "");
            if (c.register_mask) s += fmt::format(" register mask {:#06x}", c.register_mask);
            if (c.extended_id) s += fmt::format(" extended id {:#x}", c.extended_id);
            s += "\n";
        }
    };
    chipsets("chipsets", a.chipsets, [&](slrt::u32 i) { return a.chipset(i); });
    chipsets("chipsets (CS2L, device id masked)", a.chipsets2, [&](slrt::u32 i) { return a.chipset2(i); });
    if (a.processors.present) {
        s += fmt::format("processors at {:#x} ({}):\n", a.processors.offset, a.processors.count);
        for (slrt::u32 i = 0; i < a.processors.count; ++i) {
            const txt::acm_processor_id p = a.processor(i);
            s += fmt::format("  [{}] CPUID.1:EAX {:#010x} mask {:#010x}, platform id {:#018x} mask {:#018x}\n", i,
                             p.fms, p.fms_mask, p.platform_id, p.platform_mask);
        }
    }
    if (a.tpm.present) {
        s += fmt::format("TPM info at {:#x}: capabilities {:#x}: extend policy {}, families{}, NV index set {}\n",
                         a.tpm.offset, a.tpm.capabilities, acm_ext_policy(a.tpm.ext_policy()),
                         acm_tpm_families(a.tpm.family()), a.tpm.nv_index_set() ? "TCG" : "initial");
        s += "  algorithms:";
        for (slrt::u32 i = 0; i < a.tpm.count; ++i)
            s += fmt::format(" {} ({:#06x})", txt::tpm_alg_name(a.tpm_algorithm(i)), a.tpm_algorithm(i));
        s += a.tpm.count ? "\n" : " none\n";
    }
    if (t.chained_lists()) {
        s += "lists (information table version 9 chain):\n";
        for (slrt::u32 i = 0; i < a.chain_count; ++i)
            s += fmt::format("  {} ({:#010x}) at {:#x}, size {}, rev {}\n", txt::acm_list_name(a.chain[i].id),
                             a.chain[i].id, a.chain[i].offset, a.chain[i].size, a.chain[i].rev);
        s += fmt::format("  TERM at {:#x}\n", a.term_offset);
    }
    return s;
}

inline void add_acm_command(CLI::App& app, int& exit_code) {
    struct options {
        std::string file;
        std::string match;
        bool json = false;
    };
    const auto o = std::make_shared<options>();
    CLI::App* cmd = app.add_subcommand(
        "acm",
        "decode a SINIT ACM: header, Chipset ACM Information Table, supported chipsets, processors and TPMs "
        "(rules TXT-A1..A33); with --match, check it against platform values (rules TXT-A40..A55) and "
        "print every check.\n"
        "Exit status: 0 a valid SINIT (that matches, with --match), 1 not a valid SINIT or no match, "
        "2 unreadable file or bad --match list.");
    cmd->add_option("file", o->file, "the ACM file (- for stdin)")->required();
    cmd->add_option("--match", o->match, acm_match_help);
    cmd->add_flag("--json", o->json, "print one JSON object");
    cmd->callback([o, &exit_code] {
        namespace txt = dlh::txt;
        using json = nlohmann::ordered_json;
        const std::string display = slrt::tool::display_name(o->file);
        std::vector<slrt::u8> bytes;
        if (!slrt::tool::read_input(o->file, bytes)) {
            exit_code = slrt::tool::exit_usage;
            return;
        }
        txt::platform_values values;
        txt::match_options match_options;
        const bool matching = !o->match.empty();
        if (matching) {
            const slrt::status s = txt::parse_match_list(o->match.data(), o->match.size(), values, match_options);
            if (!s) {
                slrt::tool::complain("--match: {}", acm_error_text(s.err()));
                exit_code = slrt::tool::exit_usage;
                return;
            }
        }
        const slrt::byte_view file(bytes.data(), bytes.size());
        const slrt::result<txt::parsed_acm> sinit = txt::parse_acm(file);
        txt::acm_parse_options any;
        any.require_sinit = false;
        const slrt::result<txt::parsed_acm> shown = sinit ? sinit : txt::parse_acm(file, any);

        json j = shown ? acm_json(display, *shown) : json{{"file", display}};
        j["valid"] = sinit.ok();
        j["error"] = sinit ? json(nullptr) : acm_error_json(sinit.err());
        std::string text = shown ? acm_text(display, *shown) : "";
        if (!sinit) text += fmt::format("{}: not a valid SINIT: {}\n", display, acm_error_text(sinit.err()));

        bool matched = true;
        j["match"] = nullptr;
        if (sinit && matching) {
            const txt::check_report r = txt::match_acm(*sinit, values, match_options);
            matched = r.ok();
            json checks = json::array();
            text += "match:\n";
            for (const txt::check_record& rec : r) {
                char line[768];
                txt::format_check_record(rec, line, sizeof line);
                text += fmt::format("  {}\n", line);
                const bool failed = rec.outcome == txt::check_outcome::fail || rec.outcome == txt::check_outcome::warning;
                checks.push_back({{"rule", rec.rule},
                                  {"check", rec.check},
                                  {"outcome", txt::name(rec.outcome)},
                                  {"note", rec.note},
                                  {"index", rec.index == slrt::no_entry ? json(nullptr) : json(rec.index)},
                                  {"error", failed ? acm_error_json(rec.failure) : json(nullptr)},
                                  {"text", line}});
            }
            text += fmt::format("{}: {} ({} passed, {} failed, {} warnings, {} skipped)\n", display,
                                matched ? "matches the platform" : "does not match the platform", r.passes,
                                r.failures, r.warnings, r.skips);
            j["match"] = {{"ok", matched},
                          {"first_failure", matched ? json(nullptr) : acm_error_json(r.first_failure())},
                          {"passes", r.passes},
                          {"failures", r.failures},
                          {"warnings", r.warnings},
                          {"skips", r.skips},
                          {"checks", checks}};
        }
        if (o->json) fmt::print("{}\n", j.dump(2));
        else fmt::print("{}", text);
        exit_code = sinit && matched ? slrt::tool::exit_ok : slrt::tool::exit_invalid;
    });
}

}  // namespace txt_tool
