// SPDX-License-Identifier: MIT
// slb-tool subcommands for AMD SKINIT secure loader blocks (include/dlh/skinit/):
//
//   slb-tool inspect SLB.bin [--generation auto|gen1|gen2] [--json]
//       the SKL header generation, entry point, measured length, skl_info, bootloader data offset
//       and room for the SLRT; an SLRT already placed there is validated (and checked against the
//       skl consumer profile). Exit 1 naming the broken rule.
//   slb-tool predict SLB.bin [--bank ALG]... [--json]
//       PCR 17 right after SKINIT in each bank (default sha1, sha256, sha384, sha512), hex.
//       Works for any SLB, not only SKL images.
//   slb-tool place SLB.bin --slrt TABLE.bin -o OUT.bin [--generation G] [--slb-base ADDR]
//                [--layout v10|v12] [--json]
//       the 64 KiB SLB with the SLRT at bootloader_data_offset (OUT is written only on success).
//
// Exit status: 0 ok, 1 invalid input, 2 usage or unreadable file. With --json the result (or the
// error) is one JSON object on stdout; errors are also printed on stderr.
#pragma once

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "../tool_io.hpp"
#include "dlh/skinit/skinit.hpp"
#include "slrt/slrt.hpp"

namespace slb_tool {

namespace skinit_detail {

using json = nlohmann::ordered_json;
using namespace slrt::tool;

// Reports an invalid input: stderr always, and a JSON object when asked.
inline int invalid(const std::string& file, const slrt::error& e, bool as_json, json partial = json::object()) {
    complain("{}: {}", display_name(file), error_line(e));
    if (as_json) {
        if (!partial.contains("file")) partial["file"] = file;
        partial["error_file"] = file;
        partial["valid"] = false;
        partial["error"] = error_json(e);
        fmt::print("{}\n", partial.dump(2));
    }
    return exit_invalid;
}

inline bool generation_option(const std::string& text, dlh::skinit::generation_choice& out) {
    if (text == "auto") out = dlh::skinit::generation_choice::detect;
    else if (text == "gen1") out = dlh::skinit::generation_choice::gen1;
    else if (text == "gen2") out = dlh::skinit::generation_choice::gen2;
    else {
        complain("unknown --generation \"{}\" (auto, gen1, gen2)", text);
        return false;
    }
    return true;
}

inline std::string uuid_text(const slrt::u8* u) {
    const std::string h = hex_string(slrt::byte_view(u, 16));
    return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

struct options {
    std::string input, slrt, output, generation = "auto", layout = "v10", slb_base;
    std::vector<std::string> banks;
    bool json = false;
};

inline int run_inspect(const options& o) {
    using namespace dlh;
    using namespace dlh::skinit;
    std::vector<slrt::u8> bytes;
    if (!slrt::tool::read_input(o.input, bytes)) return exit_usage;
    generation_choice choice{};
    if (!generation_option(o.generation, choice)) return exit_usage;
    const slrt::byte_view image(bytes.data(), bytes.size());
    json out;
    out["file"] = o.input;
    const auto s = parse_slb(image);
    if (!s) return invalid(o.input, s.err(), o.json, out);
    out["entry_point"] = s->header.entry_point;
    out["length"] = s->header.length;
    out["image_size"] = s->image_size;
    const auto img = parse_skl(image, choice);
    if (!img) return invalid(o.input, img.err(), o.json, out);
    const skl_header& h = img->header;
    out["generation"] = name(h.generation);
    out["generation_detected"] = choice == generation_choice::detect;
    out["header_size"] = header_size(h.generation);
    out["skl_info_offset"] = h.skl_info_offset;
    out["skl_info"] = {{"uuid", uuid_text(img->info.uuid)}, {"version", img->info.version}};
    out["bootloader_data_offset"] = h.bootloader_data_offset;
    out["slrt_room"] = img->slrt_room();
    out["reserved_zero"] = h.reserved_zero();

    // An SLRT already at bootloader_data_offset (a placed 64 KiB SLB)?
    json slrt_j;
    const slrt::byte_view at = image.subview(h.bootloader_data_offset);
    const bool present = at.size() >= 4 && slrt::load_le(at, 0, 4) == slrt::table_magic;
    slrt_j["present"] = present;
    std::optional<slrt::error> table_error;
    slrt::findings skl_findings;
    if (present) {
        const auto t = slrt::parse(at, {slrt::layout::v10, slrt::mode::strict});
        if (!t) {
            table_error = t.err();
            slrt_j["valid"] = false;
            slrt_j["error"] = error_json(t.err());
        } else {
            slrt_j["valid"] = true;
            slrt_j["size"] = t->header().size;
            slrt_j["max_size"] = t->header().max_size;
            slrt::consumer_context ctx;
            ctx.have_bootloader_data_offset = true;
            ctx.bootloader_data_offset = h.bootloader_data_offset;
            skl_findings = slrt::check_skl(*t, ctx);
            json f = json::array();
            for (slrt::u32 i = 0; i < skl_findings.count; ++i) f.push_back(error_json(skl_findings.items[i]));
            slrt_j["skl_findings"] = f;
        }
    }
    out["slrt"] = slrt_j;
    out["valid"] = !table_error && skl_findings.ok();

    if (o.json) {
        fmt::print("{}\n", out.dump(2));
    } else {
        fmt::print("{}: SKL image, header {} ({} bytes{})\n", display_name(o.input), name(h.generation),
                   header_size(h.generation), choice == generation_choice::detect ? ", detected" : "");
        fmt::print("  entry point       0x{:04x}\n", h.entry_point);
        fmt::print("  measured length   0x{:04x} ({} bytes)\n", h.length, h.length);
        fmt::print("  image size        {} bytes\n", img->image_size);
        fmt::print("  skl_info          @0x{:04x} uuid {} version {}\n", h.skl_info_offset, uuid_text(img->info.uuid),
                   img->info.version);
        fmt::print("  bootloader data   @0x{:04x}, room for the SLRT 0x{:x} bytes\n", h.bootloader_data_offset,
                   img->slrt_room());
        if (h.generation == skl_generation::gen2)
            fmt::print("  reserved bytes    {}\n", h.reserved_zero() ? "all zero" : "not all zero (AMD-defined)");
        if (!present) fmt::print("  SLRT              none at bootloader_data_offset\n");
        else if (table_error) fmt::print("  SLRT              invalid: {}\n", error_line(*table_error));
        else
            fmt::print("  SLRT              size {} of max_size {}, {}\n", slrt_j["size"].get<slrt::u32>(),
                       slrt_j["max_size"].get<slrt::u32>(),
                       skl_findings.ok() ? "acceptable to skl" : "refused by skl");
    }
    if (table_error) {
        complain("{}: the SLRT at bootloader_data_offset: {}", display_name(o.input), error_line(*table_error));
        return exit_invalid;
    }
    for (slrt::u32 i = 0; i < skl_findings.count; ++i)
        complain("{}: skl: {}", display_name(o.input), error_line(skl_findings.items[i]));
    return skl_findings.ok() ? exit_ok : exit_invalid;
}

inline int run_predict(const options& o) {
    using namespace dlh;
    using namespace dlh::skinit;
    std::vector<slrt::hash_alg> banks;
    const std::vector<std::string> names =
        o.banks.empty() ? std::vector<std::string>{"sha1", "sha256", "sha384", "sha512"} : o.banks;
    for (const std::string& b : names) {
        slrt::hash_alg a{};
        if (!slrt::hash_alg_from_name(b.c_str(), a) || !slrt::hasher::is_supported(a)) {
            complain("unknown or uncomputable --bank \"{}\" (sha1, sha256, sha384, sha512)", b);
            return exit_usage;
        }
        banks.push_back(a);
    }
    std::vector<slrt::u8> bytes;
    if (!slrt::tool::read_input(o.input, bytes)) return exit_usage;
    json out;
    out["file"] = o.input;
    const auto s = parse_slb(slrt::byte_view(bytes.data(), bytes.size()));
    if (!s) return invalid(o.input, s.err(), o.json, out);
    out["entry_point"] = s->header.entry_point;
    out["length"] = s->header.length;
    std::vector<slrt::digest> pcr(banks.size());
    if (const slrt::status r = predict_pcr17(*s, banks.data(), static_cast<slrt::u32>(banks.size()), pcr.data()); !r)
        return invalid(o.input, r.err(), o.json, out);
    json measurement = json::object(), pcr17 = json::object();
    for (std::size_t i = 0; i < banks.size(); ++i) {
        const slrt::digest m = *skinit_measurement(*s, banks[i]);
        measurement[slrt::name(banks[i])] = hex_string(m.view());
        pcr17[slrt::name(banks[i])] = hex_string(pcr[i].view());
    }
    out["skinit_measurement"] = measurement;
    out["pcr17"] = pcr17;
    if (o.json) {
        fmt::print("{}\n", out.dump(2));
    } else {
        for (std::size_t i = 0; i < banks.size(); ++i)
            fmt::print("{:<7} {}\n", slrt::name(banks[i]), hex_string(pcr[i].view()));
    }
    return exit_ok;
}

inline int run_place(const options& o) {
    using namespace dlh;
    using namespace dlh::skinit;
    place_options po;
    if (!generation_option(o.generation, po.generation)) return exit_usage;
    if (o.layout == "v10") po.layout = slrt::layout::v10;
    else if (o.layout == "v12") po.layout = slrt::layout::v12;
    else {
        complain("unknown --layout \"{}\" (v10, v12: the layouts SKL reads)", o.layout);
        return exit_usage;
    }
    if (!o.slb_base.empty()) {
        try {
            std::size_t used = 0;
            po.slb_base = std::stoull(o.slb_base, &used, 0);
            if (used != o.slb_base.size()) throw std::invalid_argument(o.slb_base);
        } catch (const std::exception&) {
            complain("--slb-base wants a number, got \"{}\"", o.slb_base);
            return exit_usage;
        }
        po.have_slb_base = true;
    }
    std::vector<slrt::u8> skl, table;
    if (!slrt::tool::read_input(o.input, skl) || !slrt::tool::read_input(o.slrt, table)) return exit_usage;
    json out;
    out["file"] = o.input;
    out["slrt_file"] = o.slrt;
    if (skl.size() > slb_size) {
        const slrt::error e{slrt::errc::out_of_bounds, slb_size, slrt::no_entry, "slb", "SKINIT-2",
                            "an SLB image is at most 64 KiB", skl.size(), slb_size};
        return invalid(o.input, e, o.json, out);
    }
    std::vector<slrt::u8> slb(slb_size, 0);
    std::copy(skl.begin(), skl.end(), slb.begin());
    const auto p = place_slrt(slrt::mutable_byte_view(slb.data(), slb.size()),
                              slrt::byte_view(table.data(), table.size()), po);
    if (!p) {
        // Rules SLRT-* and SKL-34..36 point into the table, the others into the SLB.
        const std::string rule = p.err().rule;
        const bool in_table = rule.rfind("SLRT-", 0) == 0 || rule == "SKL-34" || rule == "SKL-35" || rule == "SKL-36";
        return invalid(in_table ? o.slrt : o.input, p.err(), o.json, out);
    }
    if (!slrt::tool::write_output(o.output, slb.data(), slb.size())) return exit_usage;
    out["output"] = o.output;
    out["generation"] = name(p->skl.header.generation);
    out["slrt_offset"] = p->slrt_offset;
    out["slrt_size"] = p->slrt_size;
    out["slrt_max_size"] = p->slrt_max_size;
    out["room"] = p->room;
    out["valid"] = true;
    if (o.json)
        fmt::print("{}\n", out.dump(2));
    else if (o.output != "-")
        fmt::print("{}: SLRT ({} bytes, max_size {}) placed at 0x{:04x} of a 64 KiB SLB ({}); wrote {}\n",
                   display_name(o.input), p->slrt_size, p->slrt_max_size, p->slrt_offset,
                   name(p->skl.header.generation), o.output);
    return exit_ok;
}

}  // namespace skinit_detail

// Adds inspect, predict and place to `app`; the subcommand that runs stores its exit status.
inline void add_skinit_commands(CLI::App& app, int& exit_code) {
    using namespace skinit_detail;
    auto o = std::make_shared<options>();

    CLI::App* inspect = app.add_subcommand("inspect", "SKL image: header generation, entry, measured length, "
                                                      "skl_info, bootloader data offset, room for the SLRT");
    inspect->add_option("slb", o->input, "SLB image (- for stdin)")->required();
    inspect->add_option("--generation", o->generation, "header generation: auto (default), gen1 or gen2");
    inspect->add_flag("--json", o->json, "one JSON object on stdout");
    inspect->callback([o, &exit_code] { exit_code = run_inspect(*o); });

    CLI::App* predict = app.add_subcommand("predict", "PCR 17 right after SKINIT for an SLB, per bank (hex)");
    predict->add_option("slb", o->input, "SLB image (- for stdin)")->required();
    predict->add_option("--bank", o->banks, "bank (repeatable; default sha1, sha256, sha384, sha512)");
    predict->add_flag("--json", o->json, "one JSON object on stdout");
    predict->callback([o, &exit_code] { exit_code = run_predict(*o); });

    CLI::App* place = app.add_subcommand("place", "write the 64 KiB SLB with an SLRT at bootloader_data_offset");
    place->add_option("slb", o->input, "SKL image (- for stdin)")->required();
    place->add_option("--slrt", o->slrt, "the SLRT to place (an AMD table)")->required();
    place->add_option("-o,--output", o->output, "the 64 KiB SLB to write (- for stdout)")->required();
    place->add_option("--generation", o->generation, "header generation: auto (default), gen1 or gen2");
    place->add_option("--slb-base", o->slb_base, "physical SLB base: checks amd_info.slrt_base/slrt_size");
    place->add_option("--layout", o->layout, "SLRT layout: v10 (default) or v12");
    place->add_flag("--json", o->json, "one JSON object on stdout");
    place->callback([o, &exit_code] { exit_code = run_place(*o); });
}

}  // namespace slb_tool
