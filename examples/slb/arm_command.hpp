// SPDX-License-Identifier: MIT
// slb-tool subcommands for Arm DRTM launch data (include/dlh/arm/):
//
//   slb-tool arm-params FILE [platform options] [--json]
//       decodes DRTM_PARAMETERS (the first 88 bytes of FILE) and applies the launch checks
//       firmware applies (ARM-2..ARM-26); with the platform's DRTM_FEATURES answers also the
//       checks against them. A failure names the rule and the status DRTM_DYNAMIC_LAUNCH returns.
//   slb-tool arm-dlme-data FILE [--params PARAMS] [platform options] [--require-acpi-tables]
//                 [--permissive-log] [--order] [--schema S] [--sequence den0113|tfa]
//                 [--require-secure-int-disable] [--json]
//       decodes the DLME data (header, protected regions, address map, event log, TCB hashes,
//       ACPI tables, implementation region) and checks every region (ARM-30..ARM-72, LOG-n).
//       --params adds the checks that need the launch (room in the DLME region, complete DMA
//       protection, the ACPI region's address); --order checks the PCR 17/18 event order of the
//       log (ARM-80..92) with the schema S (default: the --params launch's, else "default").
//
// Platform options (DRTM_FEATURES answers; each given feature is checked, others are not):
//   --tfa-fvp               TF-A's FVP answers (SHA-256, default schema, complete protection,
//                           0x11 pages of DLME data)
//   --tpm-features X, --min-memory X, --dma-protection X, --tcb-hashes X, --dlme-image-auth X
//                           the raw x1 words (decimal or 0x…)
//   --pcr-schema-reading den0113_v1_4b|arm_acs
//                           which bit of TPM features [36:33] means "DLME Authorities supported":
//                           x1 bit 34 (DEN0113 v1.4B, the default) or x1 bit 37 (ACS's 0x10)
//   --match tfa|supported   TF-A's equality checks (default) or DEN0113 R44065's subset rule
//
// Exit status: 0 ok, 1 invalid input, 2 usage or unreadable file. With --json the result (or the
// error) is one JSON object on stdout; errors are also printed on stderr.
//
// JSON (numbers are integers):
//   arm-params     {"file", "valid", "parameters": {"revision", "reserved", "launch_features":
//                   {"raw", "hashing_type", "pcr_schema", "dma_protection_type",
//                    "dlme_image_authentication", "secure_interrupts_disable"}, "dlme_region_address",
//                   "dlme_region_size", "dlme_image_start", "dlme_entry_point_offset", "dlme_image_size",
//                   "dlme_data_offset", "nw_dce_region_address", "nw_dce_region_size",
//                   "protection_table_address", "protection_table_size", "dlme_entry_point",
//                   "dlme_data_address"}, "platform"?, "error"?, "launch_status"?}
//   arm-dlme-data  {"file", "valid", "header": {...}, "regions": {"<region>": {"offset", "size"}},
//                   "protected_regions": {"revision", "regions": [{"address", "size_type", "pages",
//                   "type", "cacheability"}]}, "address_map": {...}, "event_log": {"format", "banks",
//                   "events": [{"pcr", "type", "type_name"?, "offset", "digests": {"alg": "hex"},
//                   "data"}], "events_end"}, "tcb_hash_table": {...} | null, "acpi_tables":
//                   {"xsdt_length", "entries"} | null, "order"?: {...}, "error"?}
// The shapes match the .json files beside spec/vectors/arm/valid/*.bin.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "../tool_io.hpp"
#include "dlh/arm/arm.hpp"

namespace slb_tool {

namespace arm_detail {

using json = nlohmann::ordered_json;
using slrt::u16;
using slrt::u32;
using slrt::u64;
using slrt::u8;
using namespace slrt::tool;

// What DRTM_DYNAMIC_LAUNCH returns for a failed firmware check, as "NAME (-n)".
inline std::optional<std::string> launch_status_text(const slrt::error& e) {
    const dlh::arm::drtm_status* s = dlh::arm::launch_status(e);
    if (!s) return std::nullopt;
    return fmt::format("{} ({})", dlh::arm::name(*s), static_cast<long long>(*s));
}

inline int invalid(const std::string& file, const slrt::error& e, bool as_json, json partial = json::object()) {
    complain("{}: {}", display_name(file), error_line(e));
    const auto status = launch_status_text(e);
    if (status) complain("{}: DRTM_DYNAMIC_LAUNCH returns {} for this", display_name(file), *status);
    if (as_json) {
        json j;
        j["file"] = partial.contains("file") ? partial["file"] : json(file);
        j["valid"] = false;
        for (auto& [k, v] : partial.items())
            if (k != "file" && k != "valid") j[k] = v;
        j["error"] = error_json(e);
        if (status) j["launch_status"] = *status;
        fmt::print("{}\n", j.dump(2));
    }
    return exit_invalid;
}

struct options {
    std::string input, params;
    bool json = false;
    // platform
    bool tfa_fvp = false;
    std::string tpm, memory, dma, tcb, auth;
    std::string reading = "den0113_v1_4b", match = "tfa";
    // DLME data
    bool require_acpi_tables = false, permissive_log = false;
    bool order = false, require_sid = false;
    std::string schema, sequence = "den0113";
};

inline bool number(const std::string& option, const std::string& text, u64& out) {
    try {
        std::size_t used = 0;
        const unsigned long long v = std::stoull(text, &used, 0);
        if (used == text.size() && !text.empty() && text[0] != '-') {
            out = v;
            return true;
        }
    } catch (const std::exception&) {
    }
    complain("{} \"{}\": a number is expected (decimal or 0x…)", option, text);
    return false;
}

// The platform the options describe; `given` is false when no option names one.
inline bool platform_from_options(const options& o, dlh::arm::platform_features& out, bool& given,
                                  dlh::arm::feature_match& match) {
    using namespace dlh;
    using namespace dlh::arm;
    if (!feature_match_from_name(o.match.c_str(), match)) {
        complain("unknown --match \"{}\" (tfa, supported)", o.match);
        return false;
    }
    pcr_schema_reading reading{};
    if (!pcr_schema_reading_from_name(o.reading.c_str(), reading)) {
        complain("unknown --pcr-schema-reading \"{}\" (den0113_v1_4b, arm_acs)", o.reading);
        return false;
    }
    out = o.tfa_fvp ? tfa_fvp_features() : platform_features{};
    out.reading = reading;
    given = o.tfa_fvp;
    const std::pair<const std::string*, feature_id> words[] = {
        {&o.tpm, feature_id::tpm},   {&o.memory, feature_id::minimum_memory}, {&o.dma, feature_id::dma_protection},
        {&o.tcb, feature_id::tcb_hashes}, {&o.auth, feature_id::dlme_image_authentication}};
    const char* names[] = {"--tpm-features", "--min-memory", "--dma-protection", "--tcb-hashes", "--dlme-image-auth"};
    for (std::size_t i = 0; i < 5; ++i) {
        if (words[i].first->empty()) continue;
        u64 v = 0;
        if (!number(names[i], *words[i].first, v)) return false;
        out.set(words[i].second, 1, v);
        given = true;
    }
    return true;
}

inline json platform_json(const dlh::arm::platform_features& p, dlh::arm::feature_match m) {
    json j;
    j["pcr_schema_reading"] = dlh::arm::name(p.reading);
    j["match"] = dlh::arm::name(m);
    if (p.has_tpm) j["tpm"] = p.tpm.raw;
    if (p.has_minimum_memory) j["minimum_memory"] = p.memory.raw;
    if (p.has_dma_protection) j["dma_protection"] = p.dma.raw;
    if (p.has_tcb_hashes) j["tcb_hashes"] = p.max_tcb_hashes;
    if (p.has_dlme_image_auth) j["dlme_image_authentication"] = p.dlme_image_auth ? 1 : 0;
    return j;
}

template <class E>
json name_or_number(E value, u64 raw) {
    const char* n = dlh::arm::name(value);
    return n ? json(n) : json(raw);
}

inline json parameters_json(const dlh::arm::drtm_parameters& p) {
    using namespace dlh;
    using namespace dlh::arm;
    const launch_features f = p.features();
    json j;
    j["revision"] = p.revision;
    j["reserved"] = p.reserved;
    j["launch_features"] = {
        {"raw", f.raw},
        {"hashing_type", name(f.hashing())},
        {"pcr_schema", name_or_number(f.schema(), f.pcr_schema_value())},
        {"dma_protection_type", name_or_number(f.dma(), f.dma_protection_value())},
        {"dlme_image_authentication", f.dlme_image_auth()},
        {"secure_interrupts_disable", f.secure_int_disable()},
    };
    j["dlme_region_address"] = p.dlme_region_address;
    j["dlme_region_size"] = p.dlme_region_size;
    j["dlme_image_start"] = p.dlme_image_start;
    j["dlme_entry_point_offset"] = p.dlme_entry_point_offset;
    j["dlme_image_size"] = p.dlme_image_size;
    j["dlme_data_offset"] = p.dlme_data_offset;
    j["nw_dce_region_address"] = p.nw_dce_region_address;
    j["nw_dce_region_size"] = p.nw_dce_region_size;
    j["protection_table_address"] = p.protection_table_address;
    j["protection_table_size"] = p.protection_table_size;
    j["dlme_entry_point"] = p.dlme_entry_point();
    j["dlme_data_address"] = p.dlme_data_address();
    return j;
}

inline void print_parameters(const std::string& file, const dlh::arm::drtm_parameters& p) {
    using namespace dlh;
    using namespace dlh::arm;
    const launch_features f = p.features();
    fmt::print("{}: DRTM_PARAMETERS revision {}\n", display_name(file), p.revision);
    char text[1024];
    format_register(launch_features_info, f.raw, text, sizeof text);
    fmt::print("  {}", text);
    fmt::print("  DLME region       {:#x} + {:#x}\n", p.dlme_region_address, p.dlme_region_size);
    fmt::print("  DLME image        +{:#x}, {:#x} bytes; entry +{:#x} (address {:#x})\n", p.dlme_image_start,
               p.dlme_image_size, p.dlme_entry_point_offset, p.dlme_entry_point());
    fmt::print("  DLME data         +{:#x} (address {:#x}), room {:#x} bytes\n", p.dlme_data_offset,
               p.dlme_data_address(), p.dlme_data_offset < p.dlme_region_size ? p.dlme_data_capacity() : 0);
    if (p.nw_dce_region_address)
        fmt::print("  normal-world DCE  {:#x} + {:#x}\n", p.nw_dce_region_address, p.nw_dce_region_size);
    else
        fmt::print("  normal-world DCE  none\n");
    if (p.protection_table_address || p.protection_table_size)
        fmt::print("  protection table  {:#x} + {:#x}\n", p.protection_table_address, p.protection_table_size);
    else
        fmt::print("  protection table  none\n");
}

inline int run_params(const options& o) {
    using namespace dlh;
    using namespace dlh::arm;
    platform_features pf;
    bool has_platform = false;
    feature_match match{};
    if (!platform_from_options(o, pf, has_platform, match)) return exit_usage;
    std::vector<u8> bytes;
    if (!slrt::tool::read_input(o.input, bytes)) return exit_usage;
    const slrt::byte_view in(bytes.data(), bytes.size());
    json out;
    out["file"] = o.input;
    const result<drtm_parameters> d = decode_parameters(in);
    if (!d) return invalid(o.input, d.err(), o.json, out);
    out["parameters"] = parameters_json(*d);
    if (has_platform) out["platform"] = platform_json(pf, match);
    if (!o.json) print_parameters(o.input, *d);
    const status s = check_parameters(*d, {has_platform ? &pf : nullptr, match});
    if (!s) return invalid(o.input, s.err(), o.json, out);
    if (o.json) {
        json j;
        j["file"] = o.input;
        j["valid"] = true;
        for (auto& [k, v] : out.items())
            if (k != "file") j[k] = v;
        fmt::print("{}\n", j.dump(2));
    } else {
        fmt::print("ok: every launch check passed ({})\n",
                   has_platform ? fmt::format("against the platform's DRTM_FEATURES, match {}", name(match))
                                : std::string("no platform given: the checks against DRTM_FEATURES were skipped"));
    }
    return exit_ok;
}

// ---------------------------------------------------------------------------------------------
// DLME data

inline json table_json(const dlh::arm::memory_region_table& t) {
    using namespace dlh;
    using namespace dlh::arm;
    json regions = json::array();
    for (u32 i = 0; i < t.num_regions(); ++i) {
        const memory_region r = t.region(i);
        regions.push_back({{"address", r.address},
                           {"size_type", r.size_type},
                           {"pages", r.pages()},
                           {"type", name_or_number(r.type(), r.type_value())},
                           {"cacheability", name(r.cache())}});
    }
    return {{"revision", t.revision()}, {"regions", regions}};
}

inline json log_json(const slrt::event_log& log) {
    json banks = json::array();
    for (u32 i = 0; i < log.bank_count(); ++i) {
        const char* n = slrt::name(log.bank(i).alg);
        banks.push_back(n ? json(n) : json(static_cast<u16>(log.bank(i).alg)));
    }
    json events = json::array();
    for (const slrt::event e : log) {
        json x;
        x["pcr"] = e.pcr;
        x["type"] = e.type;
        if (const char* n = slrt::event_type_name(e.type)) x["type_name"] = n;
        x["offset"] = e.offset;
        json digests = json::object();
        for (u32 i = 0; i < e.digest_count; ++i) {
            const slrt::log_bank* b = log.find_bank(e.digests[i].alg);
            const char* n = slrt::name(e.digests[i].alg);
            digests[n ? std::string(n) : fmt::format("{:#06x}", static_cast<u16>(e.digests[i].alg))] =
                hex_string(slrt::byte_view(e.digests[i].bytes, b ? b->digest_size : e.digests[i].size()));
        }
        x["digests"] = digests;
        x["data"] = hex_string(e.data);
        events.push_back(x);
    }
    return {{"format", slrt::name(log.format())}, {"banks", banks}, {"events", events}, {"events_end", log.events_end()}};
}

inline json dlme_json(const dlh::arm::dlme_data& d) {
    using namespace dlh;
    using namespace dlh::arm;
    json j;
    json h;
    h["version"] = d.header.version;
    h["this_hdr_size"] = d.header.this_hdr_size;
    h["reserved"] = d.header.reserved;
    h["dlme_data_size"] = d.header.dlme_data_size;
    const char* size_keys[] = {"protected_regions_size", "address_map_size", "drtm_event_log_size",
                               "tcb_hash_table_size", "acpi_table_region_size", "implementation_defined_region_size"};
    json regions;
    for (u32 i = 0; i < dlme_region_count; ++i) {
        const auto r = static_cast<dlme_region>(i);
        h[size_keys[i]] = d.size_of(r);
        regions[name(r)] = {{"offset", d.offset_of(r)}, {"size", d.size_of(r)}};
    }
    j["header"] = h;
    j["regions"] = regions;
    j["protected_regions"] = table_json(d.protected_regions);
    j["address_map"] = table_json(d.address_map);
    j["event_log"] = log_json(d.event_log);
    if (d.has_tcb_hash_table) {
        json hashes = json::array();
        for (u32 i = 0; i < d.tcb_hashes.num_hashes(); ++i)
            hashes.push_back({{"hash_id", d.tcb_hashes.hash(i).hash_id},
                              {"digest", hex_string(d.tcb_hashes.hash(i).digest)}});
        j["tcb_hash_table"] = {{"revision", d.tcb_hashes.revision()},
                               {"hash_algo", d.tcb_hashes.hash_algo()},
                               {"hashes", hashes}};
    } else {
        j["tcb_hash_table"] = nullptr;
    }
    if (d.has_acpi_tables) {
        json entries = json::array();
        for (u32 i = 0; i < d.acpi_tables.entry_count(); ++i) entries.push_back(d.acpi_tables.entry(i));
        j["acpi_tables"] = {{"xsdt_length", d.acpi_tables.xsdt_length()}, {"entries", entries}};
    } else {
        j["acpi_tables"] = nullptr;
    }
    return j;
}

inline std::string signature_text(u32 sig) {
    std::string s;
    for (int i = 0; i < 4; ++i) {
        const char c = static_cast<char>((sig >> (8 * i)) & 0xff);
        s += (c >= 0x20 && c <= 0x7e) ? c : '?';
    }
    return s;
}

inline void print_dlme(const std::string& file, const dlh::arm::dlme_data& d) {
    using namespace dlh;
    using namespace dlh::arm;
    fmt::print("{}: DLME data version {}, header {} bytes, {:#x} bytes in all\n", display_name(file),
               d.header.version, d.header.this_hdr_size, d.header.dlme_data_size);
    for (u32 i = 0; i < dlme_region_count; ++i) {
        const auto r = static_cast<dlme_region>(i);
        fmt::print("  {:<24} +{:#07x} {:#x} bytes{}\n", name(r), d.offset_of(r), d.size_of(r),
                   d.size_of(r) ? "" : " (absent)");
    }
    auto table = [](const char* title, const memory_region_table& t) {
        fmt::print("  {}: {} region{}\n", title, t.num_regions(), t.num_regions() == 1 ? "" : "s");
        for (u32 i = 0; i < t.num_regions() && i < 64; ++i) {
            const memory_region r = t.region(i);
            const char* c = r.type() == region_type::normal_cacheable ? name(r.cache()) : "";
            const char* type = name(r.type());
            fmt::print("    {:#018x} {:#x} pages {}{}{}\n", r.address, r.pages(),
                       type ? std::string(type) : fmt::format("type {}", r.type_value()), *c ? " " : "", c);
        }
        if (t.num_regions() > 64) fmt::print("    ... {} more\n", t.num_regions() - 64);
    };
    table("protected regions", d.protected_regions);
    table("address map", d.address_map);
    const slrt::event_log& log = d.event_log;
    fmt::print("  event log: {} event{}, {} bank{}\n", log.event_count(), log.event_count() == 1 ? "" : "s",
               log.bank_count(), log.bank_count() == 1 ? "" : "s");
    for (const slrt::event e : log) {
        const char* n = slrt::event_type_name(e.type);
        fmt::print("    PCR {:>2} {:#06x} {}\n", e.pcr, e.type, n ? n : "");
    }
    if (d.has_tcb_hash_table)
        fmt::print("  TCB hash table: {} hash{}, algorithm {:#06x}\n", d.tcb_hashes.num_hashes(),
                   d.tcb_hashes.num_hashes() == 1 ? "" : "es", d.tcb_hashes.hash_algo());
    if (d.has_acpi_tables) {
        fmt::print("  ACPI tables: XSDT with {} entr{}\n", d.acpi_tables.entry_count(),
                   d.acpi_tables.entry_count() == 1 ? "y" : "ies");
        for (u32 i = 0; i < d.acpi_tables.entry_count(); ++i) {
            const acpi_table_ref t = d.acpi_tables.table(i);
            if (d.acpi_tables.has_base())
                fmt::print("    {:#x} {} ({} bytes)\n", t.address, signature_text(t.signature), t.length);
            else
                fmt::print("    {:#x}\n", t.address);
        }
    }
}

inline int run_dlme_data(const options& o) {
    using namespace dlh;
    using namespace dlh::arm;
    platform_features pf;
    bool has_platform = false;
    feature_match match{};
    if (!platform_from_options(o, pf, has_platform, match)) return exit_usage;
    order_options order;
    if (!order_profile_from_name(o.sequence.c_str(), order.profile)) {
        complain("unknown --sequence \"{}\" (den0113, tfa)", o.sequence);
        return exit_usage;
    }
    order.require_secure_int_disable = o.require_sid;
    if (!o.schema.empty() && !pcr_schema_from_name(o.schema.c_str(), order.schema)) {
        complain("unknown --schema \"{}\" (default, dlme_authorities)", o.schema);
        return exit_usage;
    }
    std::vector<u8> bytes, param_bytes;
    if (!slrt::tool::read_input(o.input, bytes)) return exit_usage;
    dlme_data_options opts;
    drtm_parameters prm;
    if (!o.params.empty()) {
        if (!slrt::tool::read_input(o.params, param_bytes)) return exit_usage;
        const result<drtm_parameters> p =
            parse_parameters(slrt::byte_view(param_bytes.data(), param_bytes.size()), {has_platform ? &pf : nullptr, match});
        if (!p) {
            json partial;
            partial["file"] = o.input;
            partial["params_file"] = o.params;
            return invalid(o.params, p.err(), o.json, partial);
        }
        prm = *p;
        opts.params = &prm;
        if (o.schema.empty()) {
            if (prm.features().pcr_schema_value() > 1) {
                complain("{}: launch features name PCR schema {}; give --schema", display_name(o.params),
                         prm.features().pcr_schema_value());
                return exit_usage;
            }
            order.schema = prm.features().schema();
        }
    }
    if (has_platform) opts.platform = &pf;
    opts.require_dlme_tables = o.require_acpi_tables;
    opts.log_mode = o.permissive_log ? slrt::mode::permissive : slrt::mode::strict;
    if (o.require_acpi_tables && !opts.params) {
        complain("--require-acpi-tables needs --params (the ACPI region's address)");
        return exit_usage;
    }
    json out;
    out["file"] = o.input;
    const result<dlme_data> d = parse_dlme_data(slrt::byte_view(bytes.data(), bytes.size()), opts);
    if (!d) return invalid(o.input, d.err(), o.json, out);
    json j = dlme_json(*d);
    if (!o.json) print_dlme(o.input, *d);
    if (o.order) {
        const result<order_report> r = check_event_order(d->event_log, order);
        json oj = {{"schema", name(order.schema)}, {"sequence", name(order.profile)}};
        if (!r) {
            // The order check runs on the log region: rebase its offset onto the DLME data.
            slrt::error e = r.err();
            e.offset += static_cast<u32>(d->offset_of(dlme_region::event_log));
            for (auto& [k, v] : j.items()) out[k] = v;
            out["order"] = oj;
            return invalid(o.input, e, o.json, out);
        }
        oj["pcr17_events"] = r->pcr17_events;
        oj["pcr18_events"] = r->pcr18_events;
        j["order"] = oj;
        if (!o.json)
            fmt::print("  event order: ok ({} schema, {} sequence; {} PCR 17 and {} PCR 18 events)\n", name(order.schema),
                       name(order.profile), r->pcr17_events, r->pcr18_events);
    }
    if (o.json) {
        json all;
        all["file"] = o.input;
        all["valid"] = true;
        for (auto& [k, v] : j.items()) all[k] = v;
        fmt::print("{}\n", all.dump(2));
    } else {
        fmt::print("ok: the DLME data and every region passed\n");
    }
    return exit_ok;
}

inline void add_platform_options(CLI::App* c, const std::shared_ptr<options>& o) {
    c->add_flag("--tfa-fvp", o->tfa_fvp, "the platform answers DRTM_FEATURES as TF-A's FVP port does");
    c->add_option("--tpm-features", o->tpm, "DRTM_FEATURES 0x01 (TPM features) x1 word");
    c->add_option("--min-memory", o->memory, "DRTM_FEATURES 0x02 (minimum memory) x1 word");
    c->add_option("--dma-protection", o->dma, "DRTM_FEATURES 0x03 (DMA protection) x1 word");
    c->add_option("--tcb-hashes", o->tcb, "DRTM_FEATURES 0x05 (TCB hash features) x1 word");
    c->add_option("--dlme-image-auth", o->auth, "DRTM_FEATURES 0x06 (DLME image authentication) x1 word");
    c->add_option("--pcr-schema-reading", o->reading,
                  "DLME Authorities support bit: den0113_v1_4b (x1 bit 34, default) or arm_acs (x1 bit 37)");
    c->add_option("--match", o->match, "feature checks: tfa (TF-A's equality, default) or supported (subset)");
}

}  // namespace arm_detail

// Adds arm-params and arm-dlme-data to `app`; the subcommand that runs stores its exit status.
inline void add_arm_commands(CLI::App& app, int& exit_code) {
    using namespace arm_detail;
    auto o = std::make_shared<options>();

    CLI::App* params = app.add_subcommand("arm-params", "Arm DRTM: decode and check DRTM_PARAMETERS");
    params->add_option("file", o->input, "DRTM_PARAMETERS (88 bytes or its page; - for stdin)")->required();
    add_platform_options(params, o);
    params->add_flag("--json", o->json, "one JSON object on stdout");
    params->callback([o, &exit_code] { exit_code = run_params(*o); });

    CLI::App* data = app.add_subcommand("arm-dlme-data", "Arm DRTM: decode and check the DLME data and its regions");
    data->add_option("file", o->input, "DLME data (from dlme_region_address + dlme_data_offset; - for stdin)")
        ->required();
    data->add_option("--params", o->params, "the launch's DRTM_PARAMETERS: region room, DMA protection, ACPI base");
    add_platform_options(data, o);
    data->add_flag("--require-acpi-tables", o->require_acpi_tables,
                   "the ACPI region must hold MADT, MCFG, GTDT, IORT and TPM2 (needs --params)");
    data->add_flag("--permissive-log", o->permissive_log, "accept the event log's documented quirks");
    data->add_flag("--order", o->order, "check the PCR 17/18 event order of the log");
    data->add_option("--schema", o->schema, "PCR schema for --order: default or dlme_authorities "
                                            "(default: the --params launch's, else default)");
    data->add_option("--sequence", o->sequence, "order rules for --order: den0113 (ACS, default) or tfa "
                                                "(TF-A: no DEBUG_CONFIG/NONSECURE_CONFIG)");
    data->add_flag("--require-secure-int-disable", o->require_sid, "--order: SECURE_INT_DISABLE must be in PCR 17");
    data->add_flag("--json", o->json, "one JSON object on stdout");
    data->callback([o, &exit_code] { exit_code = run_dlme_data(*o); });
}

}  // namespace slb_tool
