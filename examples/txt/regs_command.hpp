// SPDX-License-Identifier: MIT
// txt-tool regs FILE.json [--json] [--phase auto|before|after] [--reserved]: decode a TXT register
// dump field by field, explain TXT.ERRORCODE, show the DPR range and the fusing, and report what
// check_registers (include/dlh/txt/registers.hpp) finds wrong.
//
// The dump is one JSON object. Keys name registers: "TXT.STS", "sts", "TXT_CR_STS", "TXTCR_STS"
// (any case; '.', '-' and '_' alike) or offsets "0x000". Values are JSON numbers or "0x…"
// strings; TXT.PUBLIC.KEY may also be its 32 bytes as 64 hex digits ("2d 8e …").
// Exit status: 0 no failing finding; 1 a failing finding; 2 unreadable file, malformed JSON,
// unknown register, command register or bad value (TXT-R22..R25).
//
// JSON: {"file", "phase", "phase_from_sts",
//        "registers": [{"name", "offset", "value", "hex", "source", "fields": [{"name", "bits", "lsb",
//                       "width", "value", "reserved", "meaning"}]}],
//        "errorcode": <errorcode object> | null, "biosacm_errorcode": <errorcode object> | null,
//        "dpr": {"base", "size", "end", "size_mib", "top", "locked"} | {"error": "…", "locked"} | null,
//        "fusing": {"state", "register"} | null, "public_key": "hex" | null,
//        "findings": [{"severity", "rule", "errc", "offset", "field", "message", "value", "limit", "text"}],
//        "failures"}
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "../tool_io.hpp"
#include "dlh/txt/registers.hpp"
#include "errorcode_command.hpp"

namespace txt_tool {

inline std::string error_text(const slrt::error& e) { return slrt::tool::error_line(e, 512); }

// Fills `s` from the dump's text; false (after saying why) for anything malformed.
inline bool load_register_dump(const std::string& display, const std::vector<slrt::u8>& bytes,
                               dlh::txt::register_snapshot& s) {
    nlohmann::ordered_json dump;
    try {
        dump = nlohmann::ordered_json::parse(bytes.begin(), bytes.end());
    } catch (const nlohmann::json::exception& e) {
        slrt::tool::complain("{}: not JSON: {}", display, e.what());
        return false;
    }
    if (!dump.is_object()) {
        slrt::tool::complain("{}: a register dump is a JSON object of register names to values", display);
        return false;
    }
    slrt::u32 index = 0;
    for (const auto& [key, value] : dump.items()) {
        slrt::status st = slrt::success;
        if (value.is_number_unsigned()) {
            st = dlh::txt::set_dump_value(s, index, key.data(), key.size(), value.get<slrt::u64>());
        } else if (value.is_string()) {
            const std::string& text = value.get_ref<const std::string&>();
            st = dlh::txt::set_dump_text(s, index, key.data(), key.size(), text.data(), text.size());
        } else {
            slrt::tool::complain("{}: \"{}\": the value must be a non-negative integer or a \"0x…\" string", display,
                                 key);
            return false;
        }
        if (!st) {
            slrt::tool::complain("{}: \"{}\": {}", display, key, error_text(st.err()));
            return false;
        }
        ++index;
    }
    return true;
}

inline nlohmann::ordered_json registers_json(const std::string& display, const dlh::txt::register_snapshot& s,
                                             const dlh::txt::register_report& report) {
    using json = nlohmann::ordered_json;
    namespace txt = dlh::txt;
    json j;
    j["file"] = display;
    j["phase"] = txt::name(report.phase);
    j["phase_from_sts"] = s.phase == txt::launch_phase::unknown && report.phase != txt::launch_phase::unknown;
    json regs = json::array();
    for (std::size_t i = 0; i < txt::config_register_count; ++i) {
        if (!s.present[i]) continue;
        const txt::config_register& r = txt::config_registers[i];
        json fields = json::array();
        for (const dlh::bit_field& f : *r.info) {
            const unsigned msb = f.lsb + f.width - 1u;
            fields.push_back({{"name", f.name},
                              {"bits", f.width > 1 ? fmt::format("{}:{}", msb, f.lsb) : fmt::format("{}", f.lsb)},
                              {"lsb", f.lsb},
                              {"width", f.width},
                              {"value", f.get(s.values[i])},
                              {"reserved", f.reserved},
                              {"meaning", f.meaning}});
        }
        regs.push_back({{"name", r.name},
                        {"offset", r.offset},
                        {"value", s.values[i]},
                        {"hex", fmt::format("{:#018x}", s.values[i])},
                        {"source", txt::name(r.source)},
                        {"fields", std::move(fields)}});
    }
    j["registers"] = std::move(regs);
    j["errorcode"] = s.has(txt::config_reg::errorcode)
                         ? errorcode_json(txt::decode_errorcode(s.get(txt::config_reg::errorcode)))
                         : json(nullptr);
    j["biosacm_errorcode"] =
        s.has(txt::config_reg::biosacm_errorcode)
            ? errorcode_json(txt::decode_errorcode(s.get(txt::config_reg::biosacm_errorcode) & 0xFFFFFFFFu))
            : json(nullptr);
    if (s.has(txt::config_reg::dpr)) {
        const txt::dpr_reg d{s.get(txt::config_reg::dpr)};
        const slrt::result<dlh::range> dr = txt::decode_dpr(d.raw);
        if (dr)
            j["dpr"] = {{"base", dr->base}, {"size", dr->size},     {"end", dr->end()},
                        {"size_mib", d.size_mib()}, {"top", d.top()}, {"locked", d.locked()}};
        else
            j["dpr"] = {{"error", error_text(dr.err())}, {"locked", d.locked()}};
    } else {
        j["dpr"] = nullptr;
    }
    if (s.has(txt::config_reg::ver_fsbif) || s.has(txt::config_reg::ver_qpiif)) {
        const txt::fuse_reading f = txt::chipset_fusing(s);
        j["fusing"] = {{"state", txt::name(f.state)},
                       {"register", f.state == txt::fuse_state::unknown
                                        ? json(nullptr)
                                        : json(f.offset == txt::config_reg::ver_fsbif ? "TXT.VER.FSBIF"
                                                                                       : "TXT.VER.QPIIF")}};
    } else {
        j["fusing"] = nullptr;
    }
    if (s.has_public_key()) {
        slrt::u8 key[txt::public_key_size]{};
        s.public_key(key);
        std::string hex;
        for (slrt::u8 b : key) hex += fmt::format("{:02x}", b);
        j["public_key"] = hex;
    } else {
        j["public_key"] = nullptr;
    }
    json findings = json::array();
    for (const txt::register_finding& f : report) {
        char line[768];
        txt::format_finding(f, line, sizeof line);
        findings.push_back({{"severity", txt::name(f.severity)},
                            {"rule", f.error.rule},
                            {"errc", slrt::name(f.error.code)},
                            {"offset", f.error.offset},
                            {"field", f.error.field},
                            {"message", f.error.message},
                            {"value", f.error.value},
                            {"limit", f.error.limit},
                            {"text", line}});
    }
    j["findings"] = std::move(findings);
    j["failures"] = report.failures();
    return j;
}

inline void add_regs_command(CLI::App& app, int& exit_code) {
    struct options {
        std::string file;
        std::string phase = "auto";
        bool json = false;
        bool reserved = false;
    };
    const auto o = std::make_shared<options>();
    CLI::App* cmd = app.add_subcommand(
        "regs",
        "decode a TXT register dump (JSON object: register name or \"0x…\" offset -> number or \"0x…\" string) "
        "field by field, explain TXT.ERRORCODE, show the DPR range and the fusing, and check the registers "
        "for a launch (rules TXT-R1..R21).\n"
        "Exit status: 0 no failing finding, 1 a failing finding, 2 unreadable or malformed file, unknown "
        "register or bad value.");
    cmd->add_option("file", o->file, "FILE.json (- for stdin)")->required();
    cmd->add_flag("--json", o->json, "print one JSON object");
    cmd->add_option("--phase", o->phase,
                    "check as before or after a launch (default auto: after when TXT.STS.SENTER.DONE is set)")
        ->check(CLI::IsMember({"auto", "before", "after"}));
    cmd->add_flag("--reserved", o->reserved, "also print reserved fields that read 0");
    cmd->callback([o, &exit_code] {
        namespace txt = dlh::txt;
        const std::string display = slrt::tool::display_name(o->file);
        std::vector<slrt::u8> bytes;
        if (!slrt::tool::read_input(o->file, bytes)) {
            exit_code = slrt::tool::exit_usage;
            return;
        }
        txt::register_snapshot s;
        if (!load_register_dump(display, bytes, s)) {
            exit_code = slrt::tool::exit_usage;
            return;
        }
        s.phase = o->phase == "before"  ? txt::launch_phase::before_launch
                  : o->phase == "after" ? txt::launch_phase::after_launch
                                        : txt::launch_phase::unknown;
        const txt::register_report report = txt::check_registers(s);
        if (o->json) {
            fmt::print("{}\n", registers_json(display, s, report).dump(2));
        } else {
            std::string text(txt::snapshot_text_capacity, '\0');
            text.resize(txt::format_snapshot(s, report, text.data(), text.size(), o->reserved));
            fmt::print("{}", text);
        }
        exit_code = report.has_failure() ? slrt::tool::exit_invalid : slrt::tool::exit_ok;
    });
}

}  // namespace txt_tool
