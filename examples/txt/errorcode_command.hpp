// SPDX-License-Identifier: MIT
// txt-tool errorcode VALUE [--json]: what a TXT.ERRORCODE value says, in words
// (include/dlh/txt/errorcode.hpp does the decoding; this file reads, calls and prints).
//
//   VALUE   decimal, or 0x followed by up to 16 hex digits (the 64-bit register as dumped;
//           bits 63:32 are reserved and only noted)
//   exit    0 whenever VALUE decodes — also when it reports a failed launch;
//           2 when VALUE is not a number
//
// JSON: one object, the same keys for every value (null where a key does not apply):
//   {"value", "hex", "upper_bits_set", "valid", "external", "status", "source", "documented",
//    "summary", "type", "type_name", "extended", "module_type", "module", "class", "class_name",
//    "major", "major_name", "minor", "minor_meaning", "implementation", "mle_code", "name",
//    "tpm": {"rc", "tpm2_rc", "tpm2_rc_name", "tpm12_rc", "tpm12_fatal"} | null,
//    "lcp": {"list_index", "detail"} | null,
//    "likely_cause", "what_to_check", "field_report"}
#pragma once

#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "../tool_io.hpp"
#include "dlh/txt/errorcode.hpp"
#include "policy/tpm2.hpp"

namespace txt_tool {

// The first line of the decode without its "TXT.ERRORCODE = 0x…: " prefix.
inline std::string errorcode_summary(const dlh::txt::decoded_errorcode& d) {
    char line[512];
    dlh::text_sink sink(line, sizeof line);
    dlh::txt::print_errorcode_summary(sink, d);
    const std::string s = line;
    const std::size_t colon = s.find(": ");
    return colon == std::string::npos ? s : s.substr(colon + 2);
}

inline nlohmann::ordered_json errorcode_json(const dlh::txt::decoded_errorcode& d) {
    using dlh::txt::errorcode_source;
    using json = nlohmann::ordered_json;
    const bool cpu = d.source == errorcode_source::processor;
    const bool acm = d.source == errorcode_source::acm;
    const bool mle = d.source == errorcode_source::mle;
    const auto or_null = [](bool present, json value) { return present ? value : json(nullptr); };
    json j;
    j["value"] = d.value;
    j["hex"] = fmt::format("{:#010x}", d.value);
    j["upper_bits_set"] = d.upper_bits_set;
    j["valid"] = d.valid;
    j["external"] = d.external;
    j["status"] = dlh::txt::name(d.status);
    j["source"] = dlh::txt::name(d.source);
    j["documented"] = d.documented;
    j["summary"] = errorcode_summary(d);
    j["type"] = or_null(cpu, d.type);
    j["type_name"] = or_null(cpu, d.error_name);
    j["extended"] = or_null(cpu, d.extended);
    j["module_type"] = or_null(acm, d.module_type);
    j["module"] = or_null(acm, d.module_name);
    j["class"] = or_null(acm, d.error_class);
    j["class_name"] = or_null(acm && *d.class_name, d.class_name);
    j["major"] = or_null(acm, d.major);
    j["major_name"] = or_null(acm, d.error_name);
    j["minor"] = or_null(acm || mle, d.minor);
    j["minor_meaning"] = or_null(*d.minor_meaning != 0, d.minor_meaning);
    j["implementation"] = or_null(acm || mle, d.implementation);
    j["mle_code"] = or_null(mle, d.mle_code);
    j["name"] = or_null(mle, d.error_name);
    if (d.detail == dlh::txt::errorcode_detail::tpm) {
        const char* tpm2_name = slrt::tpm2_rc_name(d.tpm2_rc());
        j["tpm"] = {{"rc", d.tpm_rc},
                    {"tpm2_rc", d.tpm2_rc()},
                    {"tpm2_rc_name", tpm2_name ? json(tpm2_name) : json(nullptr)},
                    {"tpm12_rc", d.tpm12_rc()},
                    {"tpm12_fatal", (d.tpm_rc & 0x100u) == 0}};
    } else {
        j["tpm"] = nullptr;
    }
    if (d.detail == dlh::txt::errorcode_detail::lcp)
        j["lcp"] = {{"list_index", d.lcp_list_index}, {"detail", d.lcp_minor}};
    else
        j["lcp"] = nullptr;
    j["likely_cause"] = d.likely_cause;
    j["what_to_check"] = d.what_to_check;
    j["field_report"] = or_null(*d.field_report != 0, d.field_report);
    return j;
}

// The decode as text: the library's lines, plus the TPM 2.0 name of a TPM return code.
inline std::string errorcode_text(const dlh::txt::decoded_errorcode& d) {
    char buf[dlh::txt::errorcode_text_capacity];
    const std::size_t n = dlh::txt::format_errorcode(d, buf, sizeof buf);
    std::string out(buf, n);
    if (d.detail == dlh::txt::errorcode_detail::tpm)
        if (const char* tpm2_name = slrt::tpm2_rc_name(d.tpm2_rc()))
            out += fmt::format("  TPM 2.0 name: {}\n", tpm2_name);
    return out;
}

inline void add_errorcode_command(CLI::App& app, int& exit_code) {
    struct options {
        std::string value;
        bool json = false;
    };
    const auto o = std::make_shared<options>();
    CLI::App* cmd = app.add_subcommand(
        "errorcode",
        "explain a TXT.ERRORCODE value: who reported it (processor, ACM or MLE), module, class, major, minor, "
        "likely cause and what to check.\n"
        "VALUE is decimal or 0x-prefixed hex. Exit status: 0 when VALUE decodes (also when it reports a failed "
        "launch), 2 when VALUE is not a number.");
    cmd->add_option("value", o->value, "the register value, e.g. 0xc0000c71")->required();
    cmd->add_flag("--json", o->json, "print one JSON object");
    cmd->callback([o, &exit_code] {
        slrt::u64 raw = 0;
        if (!dlh::txt::parse_unsigned(o->value.data(), o->value.size(), raw)) {
            slrt::tool::complain("errorcode: '{}' is not a number (decimal, or 0x and 1 to 16 hex digits)", o->value);
            exit_code = slrt::tool::exit_usage;
            return;
        }
        const dlh::txt::decoded_errorcode d = dlh::txt::decode_errorcode(raw);
        if (o->json)
            fmt::print("{}\n", errorcode_json(d).dump(2));
        else
            fmt::print("{}", errorcode_text(d));
        exit_code = slrt::tool::exit_ok;
    });
}

}  // namespace txt_tool
