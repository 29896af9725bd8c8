// SPDX-License-Identifier: MIT
// eventlog-tool: parse, replay, verify and write DRTM event logs (include/policy/eventlog.hpp).
//
//   eventlog-tool parse  LOG [--format F] [--permissive]
//   eventlog-tool replay LOG [--format F] [--permissive] [--pre-launch]
//   eventlog-tool verify LOG --pcrs PCRS.json [--format F] [--permissive] [--pre-launch]
//   eventlog-tool write  PLAN.json [-o LOG]
//   eventlog-tool check-order LOG --profile arm [--schema S] [--sequence Q]
//                 [--require-secure-int-disable] [--format F] [--permissive] [--json]
//
// F is tcg, txt12 or txt-tpm2; without --format it is detected from the log's signature.
// check-order checks the order of a DRTM's events; the one profile is arm, the Arm DRTM PCR 17/18
// sequences (include/dlh/arm/event_order.hpp, rules ARM-80..92): S is the launch's PCR schema,
// default (the default) or dlme_authorities; Q is den0113 (the compliance suite's sequence, the
// default) or tfa (TF-A's measurement list, without DEBUG_CONFIG and NONSECURE_CONFIG).
// "-" is stdin for inputs and stdout for -o. Exit status: 0 ok; 1 the log is invalid (a framing
// error, or a strict-mode rule), verify found a PCR that differs, write refused an event, or
// check-order found the events out of order; 2 usage error, unreadable input or output, bad JSON.
// Outputs are written whole or not at all (a regular file is written as OUT.tmp and renamed; a
// device such as /dev/null in place).
//
// JSON forms:
//   parse   {"format","mode","header":{...},"banks":[{"alg","digest_size"}],
//            "events":[{"index","offset","size","pcr","type","type_name","digests":[{"alg","digest"}],
//                       "data","text"?}],"events_end","tail_size","quirks":[{"quirk","offset","event"}]}
//   replay  {"sha256": {"0": "hex", ..., "23": "hex"}, ...}   (banks slrt cannot compute are left out)
//   PCRS    the replay form; any subset of banks and PCRs; hex may start with 0x, any case.
//   check-order --json  {"file", "profile", "schema", "sequence", "valid", "pcr17_events"?,
//                        "pcr18_events"?, "error"?: {"rule", "errc", "offset", "event"?, "found",
//                        "expected", "message", "text"}}
//   PLAN    {"format": "tcg" | "txt12" | "txt-tpm2", "banks": ["sha1", "sha256"],
//            "size": optional total bytes (a zero tail, or the TXT ContainerSize),
//            "events": [{"pcr": 17, "type": "0x502" | 1282 | "SL_EVTYPE_SECURE_LAUNCH",
//                        "data": "text, or hex when it starts with 0x",
//                        "measure": optional bytes to hash instead of data (same encoding),
//                        "digests": optional {"sha256": "hex", ...}}]}
//            Digests are H(measure or data) in every bank when absent (the capped 0x01 digest for a
//            bank slrt cannot compute, zero digests for EV_NO_ACTION). txt12 logs are SHA-1 only;
//            txt-tpm2 logs have exactly one bank. "type" defaults to SL_EVTYPE_SECURE_LAUNCH.
//
// A thin tool: every rule lives in the headers.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "dlh/arm/event_order.hpp"
#include "policy/eventlog.hpp"
#include "tool_io.hpp"

namespace {

using slrt::u16;
using slrt::u32;
using slrt::u64;
using slrt::u8;
using json = nlohmann::ordered_json;

using namespace slrt::tool;

bool write_text(const std::string& text) { return write_output("-", text.data(), text.size()); }

// ---------------------------------------------------------------------------
// Text forms

bool from_hex(std::string text, std::vector<u8>& out) {
    if (text.rfind("0x", 0) == 0 || text.rfind("0X", 0) == 0) text = text.substr(2);
    if (text.size() % 2) return false;
    out.clear();
    for (std::size_t i = 0; i < text.size(); i += 2) {
        auto nibble = [](char c) -> int {
            if (c >= '0' && c <= '9') return c - '0';
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            if (c >= 'a' && c <= 'f') return c - 'a' + 10;
            return -1;
        };
        const int hi = nibble(text[i]), lo = nibble(text[i + 1]);
        if (hi < 0 || lo < 0) return false;
        out.push_back(static_cast<u8>(hi << 4 | lo));
    }
    return true;
}

std::string alg_text(slrt::hash_alg a) {
    const char* n = slrt::name(a);
    return n ? std::string(n) : fmt::format("{:#06x}", static_cast<u16>(a));
}

std::string digest_hex(const slrt::digest& d, u32 size) { return hex_string(slrt::byte_view(d.bytes, size)); }

std::string type_text(u32 type) { return fmt::format("{:#x}", type); }

// Event data as text when it is printable ASCII (labels), with one trailing NUL allowed.
std::optional<std::string> printable(slrt::byte_view data) {
    std::size_t n = data.size();
    if (n && data[n - 1] == 0) --n;
    if (n == 0) return std::nullopt;
    for (std::size_t i = 0; i < n; ++i)
        if (data[i] < 0x20 || data[i] > 0x7e) return std::nullopt;
    return std::string(reinterpret_cast<const char*>(data.data()), n);
}

// ---------------------------------------------------------------------------
// Logs

struct log_options {
    std::string input;
    std::string output = "-";
    std::string format;
    std::string pcrs;
    bool permissive = false;
    bool pre_launch = false;
    // check-order
    std::string profile, schema = "default", sequence = "den0113";
    bool require_secure_int_disable = false;
    bool json = false;
};

// Parses the log; prints the error (and a hint) and returns nothing when it is invalid.
std::optional<slrt::event_log> open_log(const log_options& o, const std::vector<u8>& bytes, int& status) {
    const slrt::byte_view view(bytes.data(), bytes.size());
    slrt::event_log_format f{};
    if (!o.format.empty()) {
        if (!slrt::event_log_format_from_name(o.format.c_str(), f)) {
            complain("unknown format \"{}\" (tcg, txt12, txt-tpm2)", o.format);
            status = exit_usage;
            return std::nullopt;
        }
    } else if (!slrt::detect_event_log_format(view, f)) {
        complain("{}: no known log signature (Spec ID Event03, TXT Event Container, FRMT ID EVENT00); use --format",
                 display_name(o.input));
        status = exit_invalid;
        return std::nullopt;
    }
    const slrt::mode m = o.permissive ? slrt::mode::permissive : slrt::mode::strict;
    const slrt::result<slrt::event_log> log = slrt::parse_event_log(view, {f, m});
    if (log) return *log;
    complain("{}: invalid {} log ({}): {}", display_name(o.input), slrt::name(f), o.permissive ? "permissive" : "strict",
             error_line(log.err()));
    if (!o.permissive && slrt::parse_event_log(view, {f, slrt::mode::permissive}))
        complain("{}: hint: it parses with --permissive", display_name(o.input));
    status = exit_invalid;
    return std::nullopt;
}

void note_quirks(const slrt::event_log& log) {
    const slrt::log_quirk_log& q = log.quirks();
    for (u32 i = 0; i < q.count; ++i) {
        const slrt::log_quirk_hit& h = q.hits[i];
        std::string where = fmt::format("byte {:#x}", h.offset);
        if (h.entry_index != slrt::no_entry) where += fmt::format(" (event {})", h.entry_index);
        fmt::print(stderr, "eventlog-tool: note: quirk {} at {}: {}\n", slrt::name(h.id), where,
                   slrt::log_quirk_table[static_cast<u8>(h.id)].description);
    }
    if (q.dropped) fmt::print(stderr, "eventlog-tool: note: ... and {} more quirks\n", q.dropped);
}

json event_json(const slrt::event_log& log, const slrt::event& e) {
    json j;
    j["index"] = e.index;
    j["offset"] = e.offset;
    j["size"] = e.size;
    j["pcr"] = e.pcr;
    j["type"] = type_text(e.type);
    if (const char* n = slrt::event_type_name(e.type)) j["type_name"] = n;
    json digests = json::array();
    for (u32 i = 0; i < e.digest_count; ++i) {
        const slrt::log_bank* b = log.find_bank(e.digests[i].alg);
        digests.push_back({{"alg", alg_text(e.digests[i].alg)},
                           {"digest", digest_hex(e.digests[i], b ? b->digest_size : e.digests[i].size())}});
    }
    j["digests"] = digests;
    j["data"] = hex_string(e.data);
    if (const auto t = printable(e.data)) j["text"] = *t;
    return j;
}

json log_json(const slrt::event_log& log) {
    json j;
    j["format"] = slrt::name(log.format());
    j["mode"] = log.mode() == slrt::mode::strict ? "strict" : "permissive";
    json header;
    switch (log.format()) {
        case slrt::event_log_format::tcg: {
            const slrt::spec_id_event& s = log.spec_id();
            header["signature"] = "Spec ID Event03";
            header["platform_class"] = s.platform_class;
            header["spec_version"] = fmt::format("{}.{}", s.spec_version_major, s.spec_version_minor);
            header["spec_errata"] = s.spec_errata;
            header["uintn_size"] = s.uintn_size;
            header["vendor_info"] = hex_string(s.vendor_info);
            break;
        }
        case slrt::event_log_format::txt12: {
            const slrt::txt_container_info& c = log.container();
            header["signature"] = "TXT Event Container";
            header["container_version"] = fmt::format("{}.{}", c.container_ver_major, c.container_ver_minor);
            header["pcr_event_version"] = fmt::format("{}.{}", c.pcr_event_ver_major, c.pcr_event_ver_minor);
            header["container_size"] = c.container_size;
            header["pcr_events_offset"] = c.pcr_events_offset;
            header["next_event_offset"] = c.next_event_offset;
            break;
        }
        case slrt::event_log_format::txt_tpm2:
            header["signature"] = "FRMT ID EVENT00";
            header["digest_alg_id"] = slrt::txt_digest_alg_id(log.bank(0).alg);
            break;
    }
    j["header"] = header;
    json banks = json::array();
    for (u32 i = 0; i < log.bank_count(); ++i)
        banks.push_back({{"alg", alg_text(log.bank(i).alg)}, {"digest_size", log.bank(i).digest_size}});
    j["banks"] = banks;
    json events = json::array();
    for (const slrt::event e : log) events.push_back(event_json(log, e));
    j["events"] = events;
    j["events_end"] = log.events_end();
    j["tail_size"] = log.tail_size();
    json quirks = json::array();
    for (u32 i = 0; i < log.quirks().count; ++i) {
        const slrt::log_quirk_hit& h = log.quirks().hits[i];
        json q = {{"quirk", slrt::name(h.id)}, {"offset", h.offset}};
        if (h.entry_index != slrt::no_entry) q["event"] = h.entry_index;
        quirks.push_back(q);
    }
    j["quirks"] = quirks;
    return j;
}

json pcrs_json(const slrt::pcr_bank_set& set) {
    json j = json::object();
    for (u32 i = 0; i < set.count; ++i) {
        const slrt::pcr_bank& b = set.banks[i];
        if (!b.computable) continue;
        json bank = json::object();
        for (u32 p = 0; p < slrt::pcr_count; ++p) bank[std::to_string(p)] = digest_hex(b.pcrs[p], b.digest_size);
        j[alg_text(b.alg)] = bank;
    }
    return j;
}

int run_parse(const log_options& o) {
    std::vector<u8> bytes;
    if (!read_input(o.input, bytes)) return exit_usage;
    int status = exit_ok;
    const std::optional<slrt::event_log> log = open_log(o, bytes, status);
    if (!log) return status;
    note_quirks(*log);
    return write_text(log_json(*log).dump(2) + "\n") ? exit_ok : exit_usage;
}

bool replay_log(const slrt::event_log& log, const log_options& o, slrt::pcr_bank_set& out) {
    const slrt::status s =
        slrt::replay(log, out, {o.pre_launch ? slrt::pcr_start::pre_launch : slrt::pcr_start::drtm});
    if (!s) complain("{}: replay failed: {}", display_name(o.input), error_line(s.err()));
    for (u32 i = 0; i < out.count; ++i)
        if (!out.banks[i].computable)
            fmt::print(stderr, "eventlog-tool: note: bank {} cannot be computed by slrt; left out\n",
                       alg_text(out.banks[i].alg));
    return static_cast<bool>(s);
}

int run_replay(const log_options& o) {
    std::vector<u8> bytes;
    if (!read_input(o.input, bytes)) return exit_usage;
    int status = exit_ok;
    const std::optional<slrt::event_log> log = open_log(o, bytes, status);
    if (!log) return status;
    note_quirks(*log);
    slrt::pcr_bank_set pcrs;
    if (!replay_log(*log, o, pcrs)) return exit_invalid;
    return write_text(pcrs_json(pcrs).dump(2) + "\n") ? exit_ok : exit_usage;
}

// PCRS.json -> expected values (valid bits mark the PCRs it lists). Names the JSON path on error.
bool read_expected(const std::string& path, slrt::pcr_bank_set& out) {
    std::vector<u8> text;
    if (!read_input(path, text)) return false;
    json doc;
    try {
        doc = json::parse(text.begin(), text.end());
    } catch (const json::exception& e) {
        complain("{}: bad JSON: {}", display_name(path), e.what());
        return false;
    }
    if (!doc.is_object()) {
        complain("{}: /: an object of banks is expected", display_name(path));
        return false;
    }
    for (const auto& [bank_name, pcrs] : doc.items()) {
        slrt::hash_alg a{};
        if (!slrt::hash_alg_from_name(bank_name.c_str(), a)) {
            complain("{}: /{}: unknown bank (sha1, sha256, sha384, sha512, sm3_256)", display_name(path), bank_name);
            return false;
        }
        if (!pcrs.is_object()) {
            complain("{}: /{}: an object of PCR values is expected", display_name(path), bank_name);
            return false;
        }
        const slrt::result<slrt::pcr_bank*> b = out.add(a, slrt::digest_size(a), slrt::pcr_start::drtm);
        if (!b) {
            complain("{}: /{}: {}", display_name(path), bank_name, error_line(b.err()));
            return false;
        }
        (*b)->valid = 0;
        for (const auto& [key, value] : pcrs.items()) {
            std::size_t used = 0;
            unsigned long pcr = 24;
            try {
                pcr = std::stoul(key, &used, 10);
            } catch (const std::exception&) {
                used = 0;
            }
            std::vector<u8> bytes;
            if (used != key.size() || pcr >= slrt::pcr_count) {
                complain("{}: /{}/{}: a PCR number 0..23 is expected", display_name(path), bank_name, key);
                return false;
            }
            if (!value.is_string() || !from_hex(value.get<std::string>(), bytes) || bytes.size() != slrt::digest_size(a)) {
                complain("{}: /{}/{}: {} hex digits are expected", display_name(path), bank_name, key,
                         2 * slrt::digest_size(a));
                return false;
            }
            slrt::digest& d = (*b)->pcrs[pcr];
            d = slrt::digest{};
            d.alg = a;
            std::copy(bytes.begin(), bytes.end(), d.bytes);
            (*b)->valid |= 1u << pcr;
        }
    }
    return true;
}

int run_verify(const log_options& o) {
    std::vector<u8> bytes;
    if (!read_input(o.input, bytes)) return exit_usage;
    slrt::pcr_bank_set expected;
    if (!read_expected(o.pcrs, expected)) return exit_usage;
    int status = exit_ok;
    const std::optional<slrt::event_log> log = open_log(o, bytes, status);
    if (!log) return status;
    note_quirks(*log);
    slrt::pcr_bank_set replayed;
    if (!replay_log(*log, o, replayed)) return exit_invalid;
    const slrt::pcr_difference d = slrt::first_difference(replayed, expected);
    const std::string log_name = display_name(o.input);
    if (!d.found) {
        u32 values = 0;
        for (u32 i = 0; i < expected.count; ++i)
            for (u32 p = 0; p < slrt::pcr_count; ++p) values += expected.banks[i].has(p) ? 1 : 0;
        fmt::print("{}: ok: {} PCR value{} in {} bank{} match the log's replay\n", log_name, values,
                   values == 1 ? "" : "s", expected.count, expected.count == 1 ? "" : "s");
        return exit_ok;
    }
    const std::string bank = alg_text(d.alg);
    if (d.bank_missing) {
        fmt::print(stderr, "{}: PCR {} ({}): the log has no {} bank, so it cannot account for this value\n", log_name,
                   d.pcr, bank, bank);
        return exit_invalid;
    }
    if (d.not_computable) {
        fmt::print(stderr, "{}: PCR {} ({}): slrt cannot compute the {} bank\n", log_name, d.pcr, bank, bank);
        return exit_invalid;
    }
    const slrt::pcr_bank* got = replayed.find(d.alg);
    const slrt::pcr_bank* want = expected.find(d.alg);
    fmt::print(stderr, "{}: PCR {} ({}) differs: the log replays to {}, {} has {}\n", log_name, d.pcr, bank,
               digest_hex(got->pcrs[d.pcr], got->digest_size), display_name(o.pcrs),
               digest_hex(want->pcrs[d.pcr], want->digest_size));
    u32 fed = 0;
    for (const slrt::event e : *log) {
        if (!slrt::replays(e) || e.pcr != d.pcr || !e.find(d.alg)) continue;
        const char* type_name = slrt::event_type_name(e.type);
        const auto label = printable(e.data);
        fmt::print(stderr, "  event {} at byte {:#x}: type {}{}{}, digest {}{}\n", e.index, e.offset, type_text(e.type),
                   type_name ? " " : "", type_name ? type_name : "", digest_hex(*e.find(d.alg), got->digest_size),
                   label ? fmt::format(", \"{}\"", *label) : std::string());
        ++fed;
    }
    if (fed == 0) fmt::print(stderr, "  no event of the log extends PCR {} in {}\n", d.pcr, bank);
    return exit_invalid;
}

// ---------------------------------------------------------------------------
// check-order

int run_check_order(const log_options& o) {
    if (o.profile != "arm") {
        complain("unknown --profile \"{}\" (arm)", o.profile);
        return exit_usage;
    }
    dlh::arm::order_options order;
    if (!dlh::arm::pcr_schema_from_name(o.schema.c_str(), order.schema)) {
        complain("unknown --schema \"{}\" (default, dlme_authorities)", o.schema);
        return exit_usage;
    }
    if (!dlh::arm::order_profile_from_name(o.sequence.c_str(), order.profile)) {
        complain("unknown --sequence \"{}\" (den0113, tfa)", o.sequence);
        return exit_usage;
    }
    order.require_secure_int_disable = o.require_secure_int_disable;
    std::vector<u8> bytes;
    if (!read_input(o.input, bytes)) return exit_usage;
    int status = exit_ok;
    const std::optional<slrt::event_log> log = open_log(o, bytes, status);
    if (!log) return status;
    note_quirks(*log);
    const slrt::result<dlh::arm::order_report> r = dlh::arm::check_event_order(*log, order);
    json j;
    j["file"] = o.input;
    j["profile"] = o.profile;
    j["schema"] = dlh::arm::name(order.schema);
    j["sequence"] = dlh::arm::name(order.profile);
    j["valid"] = static_cast<bool>(r);
    if (r) {
        j["pcr17_events"] = r->pcr17_events;
        j["pcr18_events"] = r->pcr18_events;
        if (o.json) return write_text(j.dump(2) + "\n") ? exit_ok : exit_usage;
        fmt::print("{}: ok: Arm DRTM event order ({} schema, {} sequence): {} PCR 17 and {} PCR 18 events\n",
                   display_name(o.input), j["schema"].get<std::string>(), j["sequence"].get<std::string>(),
                   r->pcr17_events, r->pcr18_events);
        return exit_ok;
    }
    const slrt::error& e = r.err();
    complain("{}: {}", display_name(o.input), error_line(e));
    if (o.json) {
        json err;
        err["rule"] = e.rule;
        err["errc"] = slrt::name(e.code);
        err["offset"] = e.offset;
        if (e.entry_index != slrt::no_entry) err["event"] = e.entry_index;
        err["found"] = type_text(static_cast<u32>(e.value));
        err["expected"] = type_text(static_cast<u32>(e.limit));
        err["message"] = e.message;
        err["text"] = error_line(e);
        j["error"] = err;
        if (!write_text(j.dump(2) + "\n")) return exit_usage;
    }
    return exit_invalid;
}

// ---------------------------------------------------------------------------
// write

struct plan_error {
    std::string path;
    std::string message;
};

// "0x..." is hex; anything else is the string's bytes.
bool plan_bytes(const json& v, const std::string& path, std::vector<u8>& out, plan_error& err) {
    if (!v.is_string()) {
        err = {path, "a string is expected (text, or hex starting with 0x)"};
        return false;
    }
    const std::string s = v.get<std::string>();
    if (s.rfind("0x", 0) == 0) {
        if (!from_hex(s, out)) {
            err = {path, "bad hex"};
            return false;
        }
        return true;
    }
    out.assign(s.begin(), s.end());
    return true;
}

bool plan_type(const json& v, const std::string& path, u32& out, plan_error& err) {
    if (v.is_number_unsigned() && v.get<u64>() <= 0xffffffffu) {
        out = v.get<u32>();
        return true;
    }
    if (v.is_string()) {
        const std::string s = v.get<std::string>();
        if (slrt::event_type_from_name(s.c_str(), out)) return true;
        try {
            std::size_t used = 0;
            const unsigned long long n = std::stoull(s, &used, 0);
            if (used == s.size() && n <= 0xffffffffu) {
                out = static_cast<u32>(n);
                return true;
            }
        } catch (const std::exception&) {
        }
    }
    err = {path, "an event type is expected: a number, \"0x502\" or a name such as \"SL_EVTYPE_SECURE_LAUNCH\""};
    return false;
}

int run_write(const log_options& o) {
    std::vector<u8> text;
    if (!read_input(o.input, text)) return exit_usage;
    json plan;
    try {
        plan = json::parse(text.begin(), text.end());
    } catch (const json::exception& e) {
        complain("{}: bad JSON: {}", display_name(o.input), e.what());
        return exit_usage;
    }
    const std::string name = display_name(o.input);
    auto bad = [&](const plan_error& e) {
        complain("{}: {}: {}", name, e.path.empty() ? "/" : e.path, e.message);
        return exit_usage;
    };
    if (!plan.is_object()) return bad({"", "an object is expected"});
    for (const auto& [key, value] : plan.items())
        if (key != "format" && key != "banks" && key != "events" && key != "size")
            return bad({"/" + key, "unknown key (format, banks, size, events)"});

    slrt::event_log_format f = slrt::event_log_format::tcg;
    if (plan.contains("format") &&
        (!plan["format"].is_string() ||
         !slrt::event_log_format_from_name(plan["format"].get<std::string>().c_str(), f)))
        return bad({"/format", "tcg, txt12 or txt-tpm2"});
    std::vector<slrt::hash_alg> banks;
    if (plan.contains("banks")) {
        if (!plan["banks"].is_array()) return bad({"/banks", "an array of bank names is expected"});
        for (std::size_t i = 0; i < plan["banks"].size(); ++i) {
            const json& b = plan["banks"][i];
            slrt::hash_alg a{};
            if (!b.is_string() || !slrt::hash_alg_from_name(b.get<std::string>().c_str(), a))
                return bad({fmt::format("/banks/{}", i), "sha1, sha256, sha384, sha512 or sm3_256"});
            banks.push_back(a);
        }
    } else {
        banks = {f == slrt::event_log_format::txt12 ? slrt::hash_alg::sha1 : slrt::hash_alg::sha256};
    }
    if (f == slrt::event_log_format::txt12 && (banks.size() != 1 || banks[0] != slrt::hash_alg::sha1))
        return bad({"/banks", "a txt12 log has the one bank sha1"});
    if (f == slrt::event_log_format::txt_tpm2 && banks.size() != 1)
        return bad({"/banks", "a txt-tpm2 log has exactly one bank"});
    u64 size = 0;
    if (plan.contains("size")) {
        if (!plan["size"].is_number_unsigned() || plan["size"].get<u64>() > 0xffffffffu)
            return bad({"/size", "a byte count below 4 GiB is expected"});
        size = plan["size"].get<u64>();
    }
    if (!plan.contains("events") || !plan["events"].is_array()) return bad({"/events", "an array is expected"});

    // Decode every event first, so that the buffer can be sized exactly.
    struct planned {
        u32 pcr;
        u32 type;
        std::vector<u8> data;
        std::vector<u8> measure;
        bool has_measure;
        std::vector<slrt::digest> digests;
    };
    std::vector<planned> events;
    u64 need = 4096;  // the largest header
    for (std::size_t i = 0; i < plan["events"].size(); ++i) {
        const json& e = plan["events"][i];
        const std::string at = fmt::format("/events/{}", i);
        if (!e.is_object()) return bad({at, "an object is expected"});
        for (const auto& [key, value] : e.items())
            if (key != "pcr" && key != "type" && key != "data" && key != "measure" && key != "digests")
                return bad({at + "/" + key, "unknown key (pcr, type, data, measure, digests)"});
        planned p{0, slrt::sl_evtype_secure_launch, {}, {}, false, {}};
        if (!e.contains("pcr") || !e["pcr"].is_number_unsigned() || e["pcr"].get<u64>() > 0xffffffffu)
            return bad({at + "/pcr", "a PCR index is expected"});
        p.pcr = e["pcr"].get<u32>();
        plan_error err;
        if (e.contains("type") && !plan_type(e["type"], at + "/type", p.type, err)) return bad(err);
        if (e.contains("data") && !plan_bytes(e["data"], at + "/data", p.data, err)) return bad(err);
        if (e.contains("measure")) {
            if (!plan_bytes(e["measure"], at + "/measure", p.measure, err)) return bad(err);
            p.has_measure = true;
        }
        if (e.contains("digests")) {
            if (!e["digests"].is_object()) return bad({at + "/digests", "an object {\"bank\": \"hex\"} is expected"});
            for (const auto& [bank_name, value] : e["digests"].items()) {
                slrt::hash_alg a{};
                std::vector<u8> bytes;
                if (!slrt::hash_alg_from_name(bank_name.c_str(), a))
                    return bad({at + "/digests/" + bank_name, "unknown bank"});
                if (!value.is_string() || !from_hex(value.get<std::string>(), bytes) ||
                    bytes.size() != slrt::digest_size(a))
                    return bad({at + "/digests/" + bank_name, fmt::format("{} hex digits", 2 * slrt::digest_size(a))});
                slrt::digest d{};
                d.alg = a;
                std::copy(bytes.begin(), bytes.end(), d.bytes);
                p.digests.push_back(d);
            }
        }
        need += 16 + 66 * slrt::max_log_banks + p.data.size();
        events.push_back(std::move(p));
    }
    if (size > need) need = size;

    std::vector<u8> buffer(static_cast<std::size_t>(need), 0);
    slrt::log_writer w(slrt::mutable_byte_view(buffer.data(), buffer.size()));
    slrt::status s = slrt::success;
    switch (f) {
        case slrt::event_log_format::tcg: s = w.init_tcg(banks.data(), static_cast<u32>(banks.size())); break;
        case slrt::event_log_format::txt12: {
            u64 container = slrt::txt_container_header_size;
            for (const planned& p : events) container += 32 + p.data.size();
            if (size) {
                if (size < container) return bad({"/size", fmt::format("the events need {} bytes", container)});
                container = size;
            }
            if (container > 0xffffffffu) return bad({"/size", "the container would reach 4 GiB"});
            s = w.init_txt12(static_cast<u32>(container));
            break;
        }
        case slrt::event_log_format::txt_tpm2: s = w.init_txt_tpm2(banks[0]); break;
    }
    if (!s) {
        complain("{}: cannot start the log: {}", name, error_line(s.err()));
        return exit_invalid;
    }
    for (std::size_t i = 0; i < events.size(); ++i) {
        const planned& p = events[i];
        const slrt::byte_view data(p.data.data(), p.data.size());
        slrt::result<u32> r = 0u;
        if (!p.digests.empty()) {
            r = w.append(p.pcr, p.type, p.digests.data(), static_cast<u32>(p.digests.size()), data);
        } else {
            const std::vector<u8>& m = p.has_measure ? p.measure : p.data;
            r = w.append_measurement(p.pcr, p.type, slrt::byte_view(m.data(), m.size()), data);
        }
        if (!r) {
            complain("{}: /events/{}: {}", name, i, error_line(r.err()));
            return exit_invalid;
        }
    }
    std::size_t out_size = w.bytes().size();
    if (f != slrt::event_log_format::txt12 && size) {
        if (size < out_size) return bad({"/size", fmt::format("the log needs {} bytes", out_size)});
        out_size = static_cast<std::size_t>(size);  // the zero tail
    }
    // Check what was written, as any reader will.
    const slrt::result<slrt::event_log> check =
        slrt::parse_event_log(slrt::byte_view(buffer.data(), out_size), {f, slrt::mode::strict});
    if (!check) {
        complain("{}: internal error: the written log does not parse: {}", name, error_line(check.err()));
        return exit_invalid;
    }
    return write_output(o.output, buffer.data(), out_size) ? exit_ok : exit_usage;
}

int run(int argc, char** argv) {
    CLI::App app{"eventlog-tool: parse, replay, verify and write DRTM event logs (TCG crypto-agile, TXT 1.2 "
                 "container, TXT original TPM 2.0 format).\n"
                 "Exit status: 0 ok, 1 invalid log or PCR mismatch, 2 usage error, unreadable input or bad JSON."};
    app.require_subcommand(1);
    log_options o;
    const std::string format_help = "log format: tcg, txt12, txt-tpm2 (default: detected)";

    CLI::App* parse = app.add_subcommand("parse", "the log's header and events as JSON");
    parse->add_option("log", o.input, "event log (- for stdin)")->required();
    parse->add_option("--format", o.format, format_help);
    parse->add_flag("--permissive", o.permissive, "accept documented quirks (named on stderr)");

    CLI::App* replay = app.add_subcommand("replay", "the PCR values the log predicts, per bank, as JSON");
    replay->add_option("log", o.input, "event log (- for stdin)")->required();
    replay->add_option("--format", o.format, format_help);
    replay->add_flag("--permissive", o.permissive, "accept documented quirks");
    replay->add_flag("--pre-launch", o.pre_launch, "start PCR 17..22 at all ones instead of zero");

    CLI::App* verify = app.add_subcommand("verify", "compare the replay with PCR values (the replay's JSON form)");
    verify->add_option("log", o.input, "event log (- for stdin)")->required();
    verify->add_option("--pcrs", o.pcrs, "PCRS.json: {\"sha256\": {\"17\": \"hex\", ...}, ...}")->required();
    verify->add_option("--format", o.format, format_help);
    verify->add_flag("--permissive", o.permissive, "accept documented quirks");
    verify->add_flag("--pre-launch", o.pre_launch, "start PCR 17..22 at all ones instead of zero");

    CLI::App* write = app.add_subcommand("write", "write a log from a JSON plan");
    write->add_option("plan", o.input, "PLAN.json (- for stdin)")->required();
    write->add_option("-o,--output", o.output, "output file (- for stdout, the default)");

    CLI::App* check_order = app.add_subcommand("check-order", "check the order of a DRTM's events (profile arm: "
                                                              "Arm DRTM PCR 17/18, rules ARM-80..92)");
    check_order->add_option("log", o.input, "event log (- for stdin)")->required();
    check_order->add_option("--profile", o.profile, "the DRTM whose order rules apply: arm")->required();
    check_order->add_option("--schema", o.schema, "the launch's PCR schema: default (the default) or dlme_authorities");
    check_order->add_option("--sequence", o.sequence,
                            "den0113 (the compliance suite's sequence, the default) or tfa (TF-A's list, without "
                            "DEBUG_CONFIG and NONSECURE_CONFIG)");
    check_order->add_flag("--require-secure-int-disable", o.require_secure_int_disable,
                          "SECURE_INT_DISABLE must precede the PCR 17 SEPARATOR");
    check_order->add_option("--format", o.format, format_help);
    check_order->add_flag("--permissive", o.permissive, "accept documented quirks");
    check_order->add_flag("--json", o.json, "one JSON object on stdout");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? exit_ok : exit_usage;
    }
    if (*check_order) return run_check_order(o);
    if (*parse) return run_parse(o);
    if (*replay) return run_replay(o);
    if (*verify) return run_verify(o);
    return run_write(o);
}

}  // namespace

int main(int argc, char** argv) {
    slrt::tool::program_name = "eventlog-tool";
    try {
        return run(argc, argv);
    } catch (const nlohmann::json::exception& e) {
        complain("bad JSON: {}", e.what());
    } catch (const std::exception& e) {
        complain("{}", e.what());
    } catch (...) {
        complain("unexpected error");
    }
    return exit_usage;
}
