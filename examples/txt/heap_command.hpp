// SPDX-License-Identifier: MIT
// txt-tool heap FILE [--base ADDR] [--heap-size N] [--json] [--stage S] [--os-mle L] [--tpm F]
//                    [--permissive]: dump and validate a TXT heap image
// (include/dlh/txt/heap.hpp, heap_elements.hpp, heap_check.hpp; spec/txt/heap.md).
//
// FILE starts at BiosDataSize. --base is TXT.HEAP.BASE: with it, table, element, MDR and DMAR
// locations are also shown as physical addresses, and OsMleData's slrt/txt_info pointers that
// fall inside the image are followed and checked (TXT-H53..H56). --heap-size is TXT.HEAP.SIZE
// (default: the file's size). Every table that can be decoded is printed, even when another one
// cannot; the exit status is 1 when decoding or validation fails.
//
// JSON: {"file", "size", "base", "heap_size", "stage", "mode", "tables": [{"name", "offset", "size",
//        "phys"?}], "bios_data", "os_mle_status", "os_mle_data", "os_sinit_data", "sinit_mle_data"
//        (each an object of fields, or {"error": <error>}, or absent), "valid", "error": <error> | null,
//        "quirks": [names], "unknown_elements", "tpm"}
// <error>: {"rule", "errc", "offset", "entry_index", "field", "message", "value", "limit", "text"}.
// Numbers are integers; physical addresses appear under "phys" keys when --base is given.
#pragma once

#include <cerrno>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "../tool_io.hpp"
#include "dlh/txt/heap_check.hpp"

namespace txt_tool {

namespace heap_detail {

using json = nlohmann::ordered_json;
namespace txt = dlh::txt;
using slrt::u32;
using slrt::u64;
using slrt::u8;
using slrt::tool::hex_string;

inline std::string error_line(const slrt::error& e) { return slrt::tool::error_line(e, 512); }

inline json error_json(const slrt::error& e) {
    return {{"rule", e.rule},
            {"errc", slrt::name(e.code)},
            {"offset", e.offset},
            {"entry_index", e.entry_index == slrt::no_entry ? json(nullptr) : json(e.entry_index)},
            {"field", e.field},
            {"message", e.message},
            {"value", e.value},
            {"limit", e.limit},
            {"text", error_line(e)}};
}

struct context {
    bool has_base = false;
    u64 base = 0;
    // A physical address for a heap offset, when the base is known.
    json phys(u64 offset) const { return has_base ? json(base + offset) : json(nullptr); }
};

inline json element_json(const txt::element& e, u32 table_offset, const context& c) {
    json j{{"type", e.type}, {"name", e.name()}, {"offset", table_offset + e.offset}, {"size", e.size}};
    if (c.has_base) j["phys"] = c.base + table_offset + e.offset;
    const slrt::status size_ok = txt::check_element_size(e);
    if (!size_ok) {
        j["error"] = error_json(size_ok.err());
        return j;
    }
    switch (e.type) {
        case 1: {
            const auto v = *txt::decode_bios_spec_ver(e);
            j["major"] = v.major;
            j["minor"] = v.minor;
            j["revision"] = v.revision;
            break;
        }
        case 2: {
            const auto v = *txt::decode_acm(e);
            j["num_acms"] = v.num_acms;
            json a = json::array();
            for (u32 i = 0; i < v.num_acms; ++i) a.push_back(v.address(i));
            j["acm_addrs"] = std::move(a);
            break;
        }
        case 4: {
            const auto v = *txt::decode_custom(e);
            j["uuid"] = fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{}", v.id.data1, v.id.data2, v.id.data3, v.id.data4,
                                    hex_string(slrt::byte_view(v.id.data5)));
            j["data"] = hex_string(v.data.bytes);
            break;
        }
        case 5: j["event_log_phys_addr"] = txt::decode_tpm_event_log_ptr(e)->event_log_phys_addr; break;
        case 7: {
            const auto v = *txt::decode_event_log_pointer2(e);
            j["count"] = v.count;
            json a = json::array();
            for (u32 i = 0; i < v.count; ++i) {
                const auto d = v.descriptor(i);
                a.push_back({{"hash_alg_id", d.hash_alg_id},
                             {"reserved", d.reserved},
                             {"physical_address", d.physical_address},
                             {"allocated_event_container_size", d.allocated_event_container_size},
                             {"first_record_offset", d.first_record_offset},
                             {"next_record_offset", d.next_record_offset}});
            }
            j["descriptors"] = std::move(a);
            break;
        }
        case 8: {
            const auto v = *txt::decode_event_log_pointer2_1(e);
            j["physical_address"] = v.physical_address;
            j["allocated_event_container_size"] = v.allocated_event_container_size;
            j["first_record_offset"] = v.first_record_offset;
            j["next_record_offset"] = v.next_record_offset;
            break;
        }
        case 13: {
            const auto v = *txt::decode_tpr_req(e);
            j["tpr_cnt"] = v.tpr_cnt;
            json a = json::array();
            for (u32 i = 0; i < v.tpr_cnt; ++i) a.push_back({{"base", v.at(i).base}, {"size", v.at(i).size}});
            j["ranges"] = std::move(a);
            break;
        }
        case 6:
        case 9: {
            const auto v = *txt::decode_acpi_copy(e);
            std::string sig;
            for (std::size_t i = 0; i < 4; ++i) {
                const u8 ch = v.table.bytes[i];
                sig += ch >= 0x20 && ch < 0x7f ? static_cast<char>(ch) : '?';
            }
            j["signature"] = sig;
            j["length"] = v.length();
            j["data"] = hex_string(e.data);
            break;
        }
        default: j["data"] = hex_string(e.data); break;
    }
    return j;
}

inline json elements_json(const txt::element_list& list, u32 table_offset, const context& c) {
    json a = json::array();
    for (const txt::element& e : list) a.push_back(element_json(e, table_offset, c));
    return a;
}

inline json bios_json(const txt::bios_data& b, u32 at, const context& c) {
    return {{"version", b.version},
            {"bios_sinit_size", b.bios_sinit_size},
            {"lcp_pd_base", b.lcp_pd_base},
            {"lcp_pd_size", b.lcp_pd_size},
            {"num_logical_procs", b.num_logical_procs},
            {"sinit_flags", b.sinit_flags},
            {"mle_flags", b.mle_flags},
            {"ext_data_elements", elements_json(b.ext_data_elements, at, c)},
            {"padding", b.padding.size()}};
}

inline json os_mle_json(const txt::os_mle_data& m, const context& c, slrt::byte_view heap) {
    json j{{"layout", txt::name(m.layout)}, {"version", m.version}, {"reserved", m.reserved}};
    if (m.layout == txt::os_mle_layout::linux_boot_params) j["boot_params_addr"] = m.boot_params_addr;
    j["slrt"] = m.slrt;
    j["txt_info"] = m.txt_info;
    j["ap_wake_block"] = m.ap_wake_block;
    j["ap_wake_block_size"] = m.ap_wake_block_size;
    j["mle_scratch"] = hex_string(slrt::byte_view(m.mle_scratch));
    if (c.has_base) {
        const dlh::range image{c.base, heap.size()};
        j["slrt_in_image"] = image.contains(m.slrt) ? json(m.slrt - c.base) : json(nullptr);
        j["txt_info_in_image"] = image.contains(m.txt_info) ? json(m.txt_info - c.base) : json(nullptr);
    }
    return j;
}

inline json os_sinit_json(const txt::os_sinit_data& s, u32 at, const context& c) {
    return {{"version", s.version},
            {"flags", s.flags},
            {"mle_ptab", s.mle_ptab},
            {"mle_size", s.mle_size},
            {"mle_hdr_base", s.mle_hdr_base},
            {"vtd_pmr_lo_base", s.vtd_pmr_lo_base},
            {"vtd_pmr_lo_size", s.vtd_pmr_lo_size},
            {"vtd_pmr_hi_base", s.vtd_pmr_hi_base},
            {"vtd_pmr_hi_size", s.vtd_pmr_hi_size},
            {"lcp_po_base", s.lcp_po_base},
            {"lcp_po_size", s.lcp_po_size},
            {"capabilities", s.caps.raw},
            {"efi_rsdt_ptr", s.efi_rsdt_ptr},
            {"ext_data_elements", elements_json(s.ext_data_elements, at, c)},
            {"padding", s.padding.size()}};
}

inline json sinit_mle_json(const txt::sinit_mle_data& d, u32 at, const context& c) {
    json mdrs = json::array();
    for (const txt::sinit_mdr m : d.mdrs)
        mdrs.push_back({{"address", m.address},
                        {"length", m.length},
                        {"type", m.type},
                        {"type_name", txt::mdr_type_name(m.type)}});
    json j{{"version", d.version},
           {"bios_acm_id", hex_string(slrt::byte_view(d.bios_acm_id))},
           {"edx_senter_flags", d.edx_senter_flags},
           {"mseg_valid", d.mseg_valid},
           {"sinit_hash", hex_string(slrt::byte_view(d.sinit_hash))},
           {"mle_hash", hex_string(slrt::byte_view(d.mle_hash))},
           {"stm_hash", hex_string(slrt::byte_view(d.stm_hash))},
           {"lcp_policy_hash", hex_string(slrt::byte_view(d.lcp_policy_hash))},
           {"lcp_policy_control", d.lcp_policy_control},
           {"rlp_wakeup_addr", d.rlp_wakeup_addr},
           {"reserved", d.reserved},
           {"num_of_sinit_mdrs", d.num_of_sinit_mdrs},
           {"sinit_mdrs_table_offset", d.sinit_mdrs_table_offset},
           {"sinit_vtd_dmar_table_size", d.sinit_vtd_dmar_table_size},
           {"sinit_vtd_dmar_table_offset", d.sinit_vtd_dmar_table_offset},
           {"processor_scrtm_status", d.processor_scrtm_status},
           {"ext_data_elements", elements_json(d.ext_data_elements, at, c)},
           {"mdrs", std::move(mdrs)},
           {"dmar", hex_string(d.dmar.bytes)}};
    if (c.has_base) {
        j["mdrs_phys"] = d.mdrs.empty() ? json(nullptr) : json(c.base + at + d.sinit_mdrs_table_offset);
        j["dmar_phys"] = d.dmar.size() == 0 ? json(nullptr) : json(c.base + at + d.sinit_vtd_dmar_table_offset);
    }
    return j;
}

// Everything the tool found, filled table by table so that a failure in one table still shows
// the others.
struct findings {
    txt::heap_layout layout{};
    bool have_layout = false;
    slrt::error layout_error{};
    json tables = json::object();  // name -> decoded object or {"error": ...}
    std::string os_mle_status = "absent";
    bool parsed = false;
    txt::parsed_heap heap{};
    slrt::error error{};
    txt::heap_report report{};
};

inline findings examine(slrt::byte_view heap, const txt::heap_parse_options& p, const txt::heap_check_options& o,
                        const context& c) {
    findings f;
    // Frame as many tables as the stage names, else as many as frame.
    auto layout = txt::parse_heap_layout(heap, p.stage);
    if (layout) {
        f.layout = *layout;
        f.have_layout = true;
    } else {
        f.layout_error = layout.err();
        for (int s = static_cast<int>(p.stage) - 1; s >= 0 && !f.have_layout; --s) {
            auto l = txt::parse_heap_layout(heap, static_cast<txt::heap_stage>(s));
            if (l) {
                f.layout = *l;
                f.have_layout = true;
            }
        }
    }
    auto relocate = [](slrt::error e, u32 at) {
        e.offset += at;
        return e;
    };
    if (f.have_layout) {
        const u32 at0 = f.layout.offset[0];
        if (auto b = txt::parse_bios_data(f.layout.table(heap, txt::heap_table::bios_data)); b)
            f.tables["bios_data"] = bios_json(*b, at0, c);
        else
            f.tables["bios_data"] = {{"error", error_json(relocate(b.err(), at0))}};
        if (f.layout.count >= 3) {
            const u32 at1 = f.layout.offset[1], at2 = f.layout.offset[2];
            if (p.os_mle != txt::os_mle_select::opaque) {
                txt::os_mle_layout l = p.os_mle == txt::os_mle_select::linux_boot_params
                                           ? txt::os_mle_layout::linux_boot_params
                                           : txt::os_mle_layout::linux_v1;
                bool decode = true;
                if (p.os_mle == txt::os_mle_select::by_size) {
                    auto d = txt::detect_os_mle_layout(f.layout.size[1]);
                    decode = d.ok();
                    if (decode) l = *d;
                }
                f.os_mle_status = decode ? (p.os_mle == txt::os_mle_select::by_size ? "by_size" : "selected") : "opaque";
                if (decode) {
                    if (auto m = txt::parse_os_mle_data(f.layout.table(heap, txt::heap_table::os_mle_data), l); m)
                        f.tables["os_mle_data"] = os_mle_json(*m, c, heap);
                    else
                        f.tables["os_mle_data"] = {{"error", error_json(relocate(m.err(), at1))}};
                }
            } else {
                f.os_mle_status = "opaque";
            }
            if (auto s = txt::parse_os_sinit_data(f.layout.table(heap, txt::heap_table::os_sinit_data)); s)
                f.tables["os_sinit_data"] = os_sinit_json(*s, at2, c);
            else
                f.tables["os_sinit_data"] = {{"error", error_json(relocate(s.err(), at2))}};
        }
        if (f.layout.count == 4) {
            const u32 at3 = f.layout.offset[3];
            if (auto s = txt::parse_sinit_mle_data(f.layout.table(heap, txt::heap_table::sinit_mle_data)); s)
                f.tables["sinit_mle_data"] = sinit_mle_json(*s, at3, c);
            else
                f.tables["sinit_mle_data"] = {{"error", error_json(relocate(s.err(), at3))}};
        }
    }
    auto parsed = txt::parse_heap(heap, p);
    if (!parsed) {
        f.error = parsed.err();
        return f;
    }
    f.parsed = true;
    f.heap = *parsed;
    auto r = txt::check_heap(*parsed, o);
    if (!r) {
        f.error = r.err();
        return f;
    }
    f.report = *r;
    if (slrt::status s = txt::check_os_mle_pointers(*parsed, heap, c.has_base ? c.base : 0); !s) f.error = s.err();
    return f;
}

inline std::vector<std::string> quirk_names(u32 bits) {
    std::vector<std::string> out;
    for (const txt::heap_quirk_info& q : txt::heap_quirks)
        if (bits & q.bit) out.emplace_back(q.name);
    return out;
}

inline bool parse_number(const std::string& text, u64& out) {
    if (text.empty()) return false;
    char* end = nullptr;
    errno = 0;
    const unsigned long long v = std::strtoull(text.c_str(), &end, 0);
    if (errno != 0 || end == nullptr || *end != '\0' || text[0] == '-') return false;
    out = v;
    return true;
}

inline std::string where(const context& c, u64 offset) {
    return c.has_base ? fmt::format("@{:#x} (phys {:#x})", offset, c.base + offset) : fmt::format("@{:#x}", offset);
}

inline void print_register(const dlh::register_info& info, u64 raw) {
    char buf[4096];
    dlh::format_register(info, raw, buf, sizeof buf);
    std::string text(buf);
    std::string indented;
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t nl = text.find('\n', start);
        indented += "    " + text.substr(start, nl - start) + "\n";
        if (nl == std::string::npos) break;
        start = nl + 1;
    }
    fmt::print("{}", indented);
}

// Small numbers in decimal, others in hex; arrays of numbers likewise.
inline std::string number_text(const json& v) {
    if (v.is_number_unsigned()) {
        const u64 n = v.get<u64>();
        return n < 10 ? fmt::format("{}", n) : fmt::format("{:#x}", n);
    }
    if (v.is_array()) {
        std::string s = "[";
        for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + number_text(v[i]);
        return s + "]";
    }
    return v.is_string() ? v.get<std::string>() : v.dump();
}

inline void print_elements(const json& list, const context& c) {
    for (const auto& e : list) {
        fmt::print("    element {} {}{} size {}", e["type"].get<u32>(), e["name"].get<std::string>(),
                   " " + where(c, e["offset"].get<u64>()), e["size"].get<u32>());
        if (e.contains("error")) {
            fmt::print("  <- {}\n", e["error"]["text"].get<std::string>());
            continue;
        }
        fmt::print("\n");
        for (const auto& [k, v] : e.items()) {
            if (k == "type" || k == "name" || k == "offset" || k == "size" || k == "phys") continue;
            fmt::print("      {}: {}\n", k, number_text(v));
        }
    }
}

inline void print_fields(const json& t, const context& c) {
    for (const auto& [k, v] : t.items()) {
        if (k == "ext_data_elements") {
            if (!v.empty()) fmt::print("  ext_data_elements:\n");
            print_elements(v, c);
        } else if (k == "mdrs") {
            for (std::size_t i = 0; i < v.size(); ++i) {
                const u64 a = v[i]["address"], n = v[i]["length"];
                fmt::print("  mdr[{}]: {:#018x} + {:#x} {}\n", i, a, n, v[i]["type_name"].get<std::string>());
            }
        } else if (k == "dmar") {
            fmt::print("  dmar: {} bytes\n", v.get<std::string>().size() / 2);
        } else if (v.is_null()) {
            fmt::print("  {}: -\n", k);
        } else {
            fmt::print("  {}: {}\n", k, number_text(v));
        }
    }
}

}  // namespace heap_detail

inline void add_heap_command(CLI::App& app, int& exit_code) {
    struct options {
        std::string file;
        std::string base;
        std::string heap_size;
        std::string stage = "post";
        std::string os_mle = "auto";
        std::string tpm = "auto";
        bool permissive = false;
        bool json = false;
    };
    const auto o = std::make_shared<options>();
    CLI::App* cmd = app.add_subcommand(
        "heap",
        "dump and validate a TXT heap image (BiosData, OsMleData, OsSinitData, SinitMleData; rules TXT-H, TXT-X).\n"
        "Exit status: 0 valid, 1 a table does not decode or a rule fails, 2 unreadable file or bad option.");
    cmd->add_option("file", o->file, "heap image starting at BiosDataSize (- for stdin)")->required();
    cmd->add_option("--base", o->base, "TXT.HEAP.BASE: show physical addresses and follow OsMleData's pointers");
    cmd->add_option("--heap-size", o->heap_size, "TXT.HEAP.SIZE (default: the file's size)");
    cmd->add_option("--stage", o->stage, "which tables hold data: bios, pre (before SENTER), post (default)")
        ->check(CLI::IsMember({"bios", "pre", "post"}));
    cmd->add_option("--os-mle", o->os_mle,
                    "OsMleData layout: auto (by size, default), linux-v1, linux-boot-params, opaque")
        ->check(CLI::IsMember({"auto", "linux-v1", "linux-boot-params", "opaque"}));
    cmd->add_option("--tpm", o->tpm, "TPM family: auto (from OsSinitData, default), 1.2, 2.0")
        ->check(CLI::IsMember({"auto", "1.2", "2.0"}));
    cmd->add_flag("--permissive", o->permissive, "accept the documented producer quirks (and name them)");
    cmd->add_flag("--json", o->json, "print one JSON object");
    cmd->callback([o, &exit_code] {
        namespace txt = dlh::txt;
        using heap_detail::json;
        const std::string display = slrt::tool::display_name(o->file);
        heap_detail::context c;
        txt::heap_check_options check;
        if (!o->base.empty()) {
            if (!heap_detail::parse_number(o->base, c.base)) {
                slrt::tool::complain("--base: not a number: {}", o->base);
                exit_code = slrt::tool::exit_usage;
                return;
            }
            c.has_base = true;
            check.heap_base = c.base;
        }
        if (!o->heap_size.empty() && !heap_detail::parse_number(o->heap_size, check.heap_size)) {
            slrt::tool::complain("--heap-size: not a number: {}", o->heap_size);
            exit_code = slrt::tool::exit_usage;
            return;
        }
        std::vector<slrt::u8> bytes;
        if (!slrt::tool::read_input(o->file, bytes)) {
            exit_code = slrt::tool::exit_usage;
            return;
        }
        txt::heap_parse_options p;
        p.stage = o->stage == "bios" ? txt::heap_stage::bios
                  : o->stage == "pre" ? txt::heap_stage::pre_launch
                                      : txt::heap_stage::post_launch;
        p.os_mle = o->os_mle == "linux-v1"            ? txt::os_mle_select::linux_v1
                   : o->os_mle == "linux-boot-params" ? txt::os_mle_select::linux_boot_params
                   : o->os_mle == "opaque"            ? txt::os_mle_select::opaque
                                                      : txt::os_mle_select::by_size;
        check.mode = o->permissive ? txt::check_mode::permissive : txt::check_mode::strict;
        check.tpm = o->tpm == "1.2" ? txt::tpm_family::tpm12 : o->tpm == "2.0" ? txt::tpm_family::tpm20
                                                                              : txt::tpm_family::unknown;
        const slrt::byte_view heap(bytes.data(), bytes.size());
        const heap_detail::findings f = heap_detail::examine(heap, p, check, c);
        const bool valid = f.error.code == slrt::errc::ok;
        exit_code = valid ? slrt::tool::exit_ok : slrt::tool::exit_invalid;
        const slrt::u64 heap_size = check.heap_size != 0 ? check.heap_size : bytes.size();

        if (o->json) {
            json j;
            j["file"] = display;
            j["size"] = bytes.size();
            j["base"] = c.has_base ? json(c.base) : json(nullptr);
            j["heap_size"] = heap_size;
            j["stage"] = txt::name(p.stage);
            j["mode"] = o->permissive ? "permissive" : "strict";
            json tables = json::array();
            if (f.have_layout)
                for (slrt::u32 i = 0; i < f.layout.count; ++i) {
                    json t{{"name", txt::name(static_cast<txt::heap_table>(i))},
                           {"offset", f.layout.offset[i]},
                           {"size", f.layout.size[i]}};
                    if (c.has_base) t["phys"] = c.base + f.layout.offset[i];
                    tables.push_back(std::move(t));
                }
            j["tables"] = std::move(tables);
            for (const char* name : {"bios_data", "os_mle_data", "os_sinit_data", "sinit_mle_data"}) {
                if (std::string(name) == "os_mle_data" && f.layout.count >= 3) j["os_mle_status"] = f.os_mle_status;
                if (f.tables.contains(name)) j[name] = f.tables.at(name);
            }
            j["valid"] = valid;
            j["error"] = valid ? json(nullptr) : heap_detail::error_json(f.error);
            json quirks = json::array();
            for (const std::string& q : heap_detail::quirk_names(f.report.quirks)) quirks.push_back(q);
            j["quirks"] = std::move(quirks);
            j["unknown_elements"] = f.report.unknown_elements;
            j["tpm"] = txt::name(f.report.tpm);
            fmt::print("{}\n", j.dump(2, ' ', false, json::error_handler_t::replace));
            return;
        }

        fmt::print("TXT heap {}: {} bytes, TXT.HEAP.SIZE {:#x}, stage {}{}\n", display, bytes.size(), heap_size,
                   txt::name(p.stage), c.has_base ? fmt::format(", base {:#x}", c.base) : std::string());
        if (!f.have_layout) fmt::print("  no table frames: {}\n", heap_detail::error_line(f.layout_error));
        for (slrt::u32 i = 0; f.have_layout && i < f.layout.count; ++i) {
            const char* name = txt::name(static_cast<txt::heap_table>(i));
            fmt::print("\n{} {} size {:#x}\n", name, heap_detail::where(c, f.layout.offset[i]), f.layout.size[i]);
            if (i == 1) fmt::print("  decoded: {}\n", f.os_mle_status);
            if (!f.tables.contains(name)) continue;
            const json& t = f.tables.at(name);
            if (t.contains("error")) {
                fmt::print("  cannot decode: {}\n", t["error"]["text"].get<std::string>());
                continue;
            }
            heap_detail::print_fields(t, c);
            if (i == 0 && t["version"].get<slrt::u32>() >= 5)
                heap_detail::print_register(txt::mle_flags_info, t["mle_flags"].get<slrt::u64>());
            if (i == 2) {
                heap_detail::print_register(txt::capabilities_info, t["capabilities"].get<slrt::u64>());
                if (t["version"].get<slrt::u32>() >= 7)
                    heap_detail::print_register(txt::os_sinit_flags_info, t["flags"].get<slrt::u64>());
            }
        }
        fmt::print("\n");
        if (valid) {
            fmt::print("valid ({}{})", o->permissive ? "permissive" : "strict",
                       f.report.tpm != txt::tpm_family::unknown ? fmt::format(", {}", txt::name(f.report.tpm)) : "");
            for (const std::string& q : heap_detail::quirk_names(f.report.quirks)) fmt::print(" quirk:{}", q);
            if (f.report.unknown_elements) fmt::print(" unknown elements: {}", f.report.unknown_elements);
            fmt::print("\n");
        } else {
            fmt::print("INVALID: {}\n", heap_detail::error_line(f.error));
        }
    });
}

}  // namespace txt_tool
