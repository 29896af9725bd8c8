// SPDX-License-Identifier: MIT
// txt-tool mle FILE [--json]: find the MLE header in a kernel image, print and check it, and
// predict the MLE measurement (include/dlh/txt/mle_header.hpp and mle_pagetable.hpp do the
// work; this file reads, calls and prints).
//
//   FILE    a Linux bzImage (found through the boot-protocol setup header and kernel_info's
//           mle_header_offset) or any other MLE binary (found by scanning for the header UUID)
//   exit    0 when a header is found and passes every rule; 1 when none is found or it breaks a
//           rule; 2 when FILE cannot be read
//
// The measurement is the hash of [MleStart, MleEnd) of the MLE binary (for a bzImage, the
// protected-mode kernel), what SINIT measures when the launcher maps MleStart at FirstValidPage
// and sets OsSinitData.MleSize = MleEnd - MleStart (spec/txt/mle.md, "The MLE measurement").
//
// JSON: one object, the same keys for every file (null where a key does not apply):
//   {"file", "found", "kind", "mle_offset", "header_offset", "header_offset_in_mle",
//    "bzimage": {"setup_sects", "boot_protocol", "pm_offset", "kernel_info_offset",
//                "kernel_info": {"file_offset", "size", "size_total", "setup_type_max",
//                                "mle_header_offset"}} | null,
//    "header": {"version", "version_text", "header_len", "entry_point", "first_valid_page",
//               "mle_start", "mle_end", "capabilities", "capability_names", "cmdline_start",
//               "cmdline_end"} | null,
//    "valid", "error": {"rule", "errc", "offset", "field", "value", "limit", "message", "text"} | null,
//    "measurement": {"mle_start", "mle_end", "size", "sha1", "sha256", "sha384", "sha512"} | null}
// Numbers are integers; fields a header version lacks are null.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "../tool_io.hpp"
#include "dlh/txt/mle_header.hpp"
#include "dlh/txt/mle_pagetable.hpp"

namespace txt_tool {

namespace mle_detail {

using json = nlohmann::ordered_json;
namespace txt = dlh::txt;

inline json mle_error_json(const slrt::error& e) {
    json j;
    j["rule"] = e.rule;
    j["errc"] = slrt::name(e.code);
    j["offset"] = e.offset;
    j["field"] = e.field;
    j["value"] = e.value;
    j["limit"] = e.limit;
    j["message"] = e.message;
    j["text"] = slrt::tool::error_line(e);
    return j;
}

inline std::string version_text(slrt::u32 v) { return fmt::format("{}.{}", v >> 16, v & 0xffffu); }

inline std::vector<std::string> capability_names(txt::capabilities c) {
    std::vector<std::string> names;
    for (const dlh::bit_field& f : txt::capabilities_info) {
        const slrt::u64 v = f.get(c.raw);
        if (v == 0) continue;
        if (f.reserved)
            names.push_back(fmt::format("reserved[{}]={:#x}", f.lsb, v));
        else if (f.width == 1)
            names.emplace_back(f.name);
        else
            names.push_back(fmt::format("{}={}", f.name, v));
    }
    return names;
}

inline json header_json(const txt::mle_header& h) {
    const auto opt = [](bool present, slrt::u32 v) { return present ? json(v) : json(nullptr); };
    json j;
    j["version"] = h.version;
    j["version_text"] = version_text(h.version);
    j["header_len"] = h.header_len;
    j["entry_point"] = h.entry_point;
    j["first_valid_page"] = opt(h.has_extent(), h.first_valid_page);
    j["mle_start"] = opt(h.has_extent(), h.mle_start);
    j["mle_end"] = opt(h.has_extent(), h.mle_end);
    j["capabilities"] = opt(h.has_capabilities(), h.caps.raw);
    j["capability_names"] = h.has_capabilities() ? json(capability_names(h.caps)) : json(nullptr);
    j["cmdline_start"] = opt(h.has_cmdline(), h.cmdline_start);
    j["cmdline_end"] = opt(h.has_cmdline(), h.cmdline_end);
    return j;
}

struct mle_report {
    json j;
    std::string text;
    bool valid = false;
    slrt::error error{};  // the failure when !valid
};

inline mle_report examine_mle(const std::string& display, slrt::byte_view file) {
    mle_report r;
    json& j = r.j;
    j["file"] = display;
    const auto loc = txt::locate_mle_header(file);
    j["found"] = loc.ok();
    if (!loc) {
        for (const char* k : {"kind", "mle_offset", "header_offset", "header_offset_in_mle", "bzimage", "header"})
            j[k] = nullptr;
        j["valid"] = false;
        j["error"] = mle_error_json(loc.err());
        j["measurement"] = nullptr;
        r.error = loc.err();
        r.text = fmt::format("{}: no valid MLE header found\n  {}\n", display, slrt::tool::error_line(loc.err()));
        return r;
    }
    const txt::mle_location& l = *loc;
    j["kind"] = txt::name(l.kind);
    j["mle_offset"] = l.mle_offset;
    j["header_offset"] = l.header_offset;
    j["header_offset_in_mle"] = l.header_offset_in_mle();
    std::string& t = r.text;
    if (l.kind == txt::mle_image_kind::bzimage) {
        const auto& s = l.setup;
        const auto& k = l.kernel_info;
        j["bzimage"] = {{"setup_sects", s.setup_sects},
                        {"boot_protocol", s.boot_protocol},
                        {"pm_offset", s.pm_offset},
                        {"kernel_info_offset", s.kernel_info_offset},
                        {"kernel_info",
                         {{"file_offset", k.file_offset},
                          {"size", k.size},
                          {"size_total", k.size_total},
                          {"setup_type_max", k.setup_type_max},
                          {"mle_header_offset", k.mle_header_offset}}}};
        t += fmt::format("{}: Linux bzImage, boot protocol {}.{:02}, setup_sects {}\n", display,
                         s.boot_protocol >> 8, s.boot_protocol & 0xff, s.setup_sects);
        t += fmt::format("  MLE binary (protected-mode kernel) at file offset {:#x}\n", s.pm_offset);
        t += fmt::format("  kernel_info at file offset {:#x}: size {}, size_total {}, mle_header_offset {:#x}\n",
                         k.file_offset, k.size, k.size_total, k.mle_header_offset);
    } else {
        j["bzimage"] = nullptr;
        t += fmt::format("{}: MLE binary (no boot-protocol setup header; header found by its UUID)\n", display);
    }
    t += fmt::format("  MLE header at file offset {:#x} (offset {:#x} in the MLE binary)\n", l.header_offset,
                     l.header_offset_in_mle());
    j["header"] = header_json(l.header);
    char buf[2048];
    t += std::string(buf, txt::format_mle_header(l.header, buf, sizeof buf));

    const slrt::status check = txt::check_mle_location(file, l);
    r.valid = check.ok();
    j["valid"] = r.valid;
    j["error"] = r.valid ? json(nullptr) : mle_error_json(check.err());
    if (!r.valid) r.error = check.err();

    // The measurement, whenever [MleStart, MleEnd) is a range inside the MLE binary.
    const slrt::byte_view binary = txt::mle_binary(file, l);
    const slrt::hash_alg algs[] = {slrt::hash_alg::sha1, slrt::hash_alg::sha256, slrt::hash_alg::sha384,
                                   slrt::hash_alg::sha512};
    json m;
    for (slrt::hash_alg a : algs) {
        const auto d = txt::measure_mle_flat(binary, l.header, a);
        if (!d) {
            m = nullptr;
            break;
        }
        if (m.empty()) {
            m["mle_start"] = l.header.mle_start;
            m["mle_end"] = l.header.mle_end;
            m["size"] = l.header.mle_end - l.header.mle_start;
        }
        m[slrt::name(a)] = slrt::tool::hex_string(d->view());
    }
    j["measurement"] = m;
    if (!m.is_null()) {
        t += fmt::format("MLE measurement of [MleStart, MleEnd) = [{:#x}, {:#x}), {} bytes:\n",
                         l.header.mle_start, l.header.mle_end, l.header.mle_end - l.header.mle_start);
        for (slrt::hash_alg a : algs) t += fmt::format("  {:<7}{}\n", slrt::name(a), m[slrt::name(a)].get<std::string>());
    } else {
        t += "MLE measurement: not available (no [MleStart, MleEnd) inside the MLE binary)\n";
    }
    t += r.valid ? "MLE header: valid\n" : fmt::format("MLE header: INVALID\n  {}\n", slrt::tool::error_line(check.err()));
    return r;
}

}  // namespace mle_detail

inline void add_mle_command(CLI::App& app, int& exit_code) {
    struct options {
        std::string file;
        bool json = false;
    };
    const auto o = std::make_shared<options>();
    CLI::App* cmd = app.add_subcommand(
        "mle",
        "find the MLE header in a kernel image (a bzImage through kernel_info, else by its UUID), check it, and "
        "predict the MLE measurement (sha1, sha256, sha384, sha512 of [MleStart, MleEnd)).\n"
        "Exit status: 0 valid header, 1 no header or an invalid one, 2 unreadable file.");
    cmd->add_option("file", o->file, "the kernel image or MLE binary (- for stdin)")->required();
    cmd->add_flag("--json", o->json, "print one JSON object");
    cmd->callback([o, &exit_code] {
        std::vector<slrt::u8> bytes;
        if (!slrt::tool::read_input(o->file, bytes)) {
            exit_code = slrt::tool::exit_usage;
            return;
        }
        const std::string display = slrt::tool::display_name(o->file);
        const mle_detail::mle_report r = mle_detail::examine_mle(display, slrt::byte_view(bytes.data(), bytes.size()));
        if (o->json)
            fmt::print("{}\n", r.j.dump(2));
        else
            fmt::print("{}", r.text);
        if (!r.valid) slrt::tool::complain("mle: {}: {}", display, slrt::tool::error_line(r.error));
        exit_code = r.valid ? slrt::tool::exit_ok : slrt::tool::exit_invalid;
    });
}

}  // namespace txt_tool
