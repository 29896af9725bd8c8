// SPDX-License-Identifier: MIT
// slrt-tool: encode, decode, validate, dump, detect and convert Secure Launch Resource Tables.
//
//   slrt-tool encode   IN.json [-o OUT.bin] [--permissive]
//   slrt-tool decode   IN.bin  [--layout P] [--permissive]
//   slrt-tool validate IN.bin  [--profile linux-v16|xen|skl] [--permissive] [--layout P]
//   slrt-tool dump     IN.bin  [--layout P] [--permissive]
//   slrt-tool detect   IN.bin
//   slrt-tool convert  IN.bin  --to P [-o OUT.bin] [--layout P]
//   slrt-tool digest   --alg sha1|sha256|sha384|sha512 FILE...   (like sha256sum)
//
// "-" is stdin for inputs and stdout for -o. Without --layout the layout is detected
// (slrt::detect). Exit status: 0 ok; 1 the table is invalid (or a consumer profile has
// findings, or detect found no layout); 2 usage error, unreadable input or output, bad JSON.
// Outputs are written whole or not at all (OUT.tmp, then rename).
//
// A thin tool: every rule lives in the headers (include/slrt, examples/slrt_json.hpp).
#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "policy/digest.hpp"
#include "policy/eventlog.hpp"
#include "policy/measure.hpp"
#include "policy/plan.hpp"
#include "policy/replay.hpp"
#include "slrt/slrt.hpp"
#include "slrt_json.hpp"
#include "tool_io.hpp"

namespace {

using slrt::u16;
using slrt::u32;
using slrt::u64;
using slrt::u8;

using namespace slrt::tool;

// ---------------------------------------------------------------------------
// Tables

bool parse_layout_option(const std::string& text, std::optional<slrt::layout>& out) {
    if (text.empty()) return true;
    slrt::layout l{};
    if (!slrt::layout_from_name(text.c_str(), l)) {
        complain("unknown layout \"{}\" (v6, v9, v10, v12, v16)", text);
        return false;
    }
    out = l;
    return true;
}

std::string quirk_line(const slrt::quirk_hit& h) {
    std::string s = fmt::format("quirk {} at byte {:#x}", slrt::name(h.id), h.offset);
    if (h.entry_index != slrt::no_entry) s += fmt::format(" (entry {})", h.entry_index);
    return s + ": " + slrt::quirk_table[static_cast<u8>(h.id)].description;
}

void print_quirks(std::FILE* to, const slrt::quirk_log& q, const char* indent) {
    for (u32 i = 0; i < q.count; ++i) fmt::print(to, "{}{}\n", indent, quirk_line(q.hits[i]));
    if (q.dropped) fmt::print(to, "{}... and {} more quirks\n", indent, q.dropped);
}

// Parses `bytes` under --layout or the detected layout; prints the error and returns
// nothing when the table is invalid.
std::optional<slrt::table> open_table(const std::string& path, const std::vector<u8>& bytes,
                                      std::optional<slrt::layout> layout, slrt::mode mode) {
    const slrt::byte_view view(bytes.data(), bytes.size());
    slrt::detection detected{};
    if (!layout) detected = slrt::detect(view);
    const slrt::layout l = layout ? *layout : detected.best;
    const slrt::result<slrt::table> t = slrt::parse(view, {l, mode});
    if (t) return *t;
    complain("{}: invalid SLRT (layout {}{}, {}): {}", display_name(path), slrt::name(l),
             layout ? "" : " detected", mode == slrt::mode::strict ? "strict" : "permissive",
             slrt::json::to_string(t.err()));
    if (!layout && mode == slrt::mode::strict && detected.permissive != 0)
        complain("{}: hint: it parses with --permissive", display_name(path));
    return std::nullopt;
}

// ---------------------------------------------------------------------------
// dump: every field through slrt::visit, hex for addresses and sizes.

bool decimal_field(std::string_view rel) {
    const std::string_view leaf = rel.substr(rel.rfind('.') == std::string_view::npos ? 0 : rel.rfind('.') + 1);
    return leaf == "pcr" || leaf == "mtrr_vcnt" || leaf == "psp_version" || leaf == "type";
}

template <class E>
std::string enum_text(E value) {
    const u64 v = slrt::to_u64(value);
    if constexpr (slrt::json::detail::is_named_enum<E>) {
        if (const char* n = slrt::name(value)) return fmt::format("{:#x} ({})", v, n);
        return fmt::format("{:#x} (unknown)", v);
    } else {
        return fmt::format("{:#x}", v);
    }
}

std::string flags_text(u64 flags) {
    std::string names;
    for (const slrt::json::flag_name& f : slrt::json::policy_flag_names)
        if (flags & f.bit) {
            names += (names.empty() ? "" : "|") + std::string(f.name);
            flags &= ~u64{f.bit};
        }
    if (flags) names += (names.empty() ? "" : "|") + fmt::format("{:#x}", flags);
    return names;
}

std::string hex_preview(slrt::byte_view b) {
    constexpr std::size_t most = 64;
    std::string s = slrt::json::detail::to_hex(b.subview(0, most));
    if (b.size() > most) s += fmt::format("... ({} more bytes)", b.size() - most);
    return s;
}

std::string label_text(const slrt::evt_label& label) {
    const u32 n = label.length();
    if (n < slrt::evt_info_length && slrt::json::detail::printable(label, n))
        return fmt::format("evt_info = \"{}\"", std::string_view(label.bytes, n));
    u8 raw[slrt::evt_info_length];
    for (u32 i = 0; i < slrt::evt_info_length; ++i) raw[i] = static_cast<u8>(label.bytes[i]);
    return fmt::format("evt_info_raw = {}{}", slrt::json::detail::to_hex(slrt::byte_view(raw, slrt::evt_info_length)),
                       label.terminated() ? "" : " (no NUL)");
}

// "name = value" for every field of `value` inside the first `limit` bytes; with `base`
// (the entry's offset in the table) each line starts with the field's byte offset.
template <class T>
std::vector<std::string> field_lines(const slrt::layout_desc& d, const T& value, std::size_t limit,
                                     std::optional<u32> base = std::nullopt) {
    namespace jd = slrt::json::detail;
    std::vector<std::string> lines;
    std::map<std::string, std::size_t> seen;
    const jd::shape& shape = jd::shape_of<T>(d);
    std::size_t shown = slrt::max_variable_mtrrs;  // array elements listed (only mtrr_pair is an array)
    if constexpr (std::is_same_v<T, slrt::intel_info>) shown = jd::mtrr_pairs_shown(value.saved_bsp_mtrrs);
    slrt::visit(d, value, [&](const char* name, slrt::field_pos p, const auto& member) {
        using M = std::remove_cv_t<std::remove_reference_t<decltype(member)>>;
        if (!p.present() || std::size_t{p.offset} + p.width > limit) return;
        std::string rel(jd::relative(name));
        const std::size_t occurrence = seen[rel]++;
        const std::size_t dot = rel.rfind('.');
        if (dot != std::string::npos && shape.is_array(rel.substr(0, dot))) {
            if (occurrence >= shown) return;  // unused MTRR pairs (all zero)
            rel = fmt::format("{}[{}]{}", rel.substr(0, dot), occurrence, rel.substr(dot));
        }
        std::string text;
        if constexpr (std::is_enum_v<M>) text = enum_text(member);
        else if (rel == "flags") text = fmt::format("{:#x}", slrt::to_u64(member)) + (member ? " (" + flags_text(member) + ")" : "");
        else if (decimal_field(rel)) text = fmt::format("{}", slrt::to_u64(member));
        else text = fmt::format("{:#x}", slrt::to_u64(member));
        if (base) lines.push_back(fmt::format("@{:#06x} {} = {}", *base + p.offset, rel, text));
        else lines.push_back(fmt::format("{} = {}", rel, text));
    });
    return lines;
}

template <class T>
void dump_fixed(const slrt::table& t, const slrt::entry_ref& e, u16 layout_size) {
    const slrt::byte_view bytes = t.entry_bytes(e);
    for (const std::string& line : field_lines(t.desc(), t.decode_fixed<T>(bytes), bytes.size(), e.offset))
        fmt::print("    {}\n", line);
    if (e.size > layout_size)
        fmt::print("    extra ({} bytes) = {}\n", e.size - layout_size, hex_preview(bytes.subview(layout_size)));
}

template <class Element>
void dump_list(const slrt::table& t, const slrt::entry_ref& e) {
    const slrt::list_view<Element> list = t.list_at<Element>(e);
    fmt::print("    revision = {}\n    nr_entries = {}\n", list.revision(), list.size());
    const u32 size = std::is_same_v<Element, slrt::policy_entry> ? t.desc().policy_entry.size
                                                                 : t.desc().uefi_cfg_entry.size;
    for (u32 i = 0; i < list.size(); ++i) {
        const Element v = list[i];
        std::string line;
        for (const std::string& f : field_lines(t.desc(), v, size)) line += f + ", ";
        const u32 at = e.offset + (std::is_same_v<Element, slrt::policy_entry> ? t.desc().policy.header_size
                                                                               : t.desc().uefi_config.header_size) + i * size;
        fmt::print("    {:>2}. @{:#06x} {}{}\n", i, at, line, label_text(v.evt_info));
    }
}

void dump_table(const std::string& path, std::size_t file_size, const slrt::table& t, bool detected) {
    const slrt::table_header& h = t.header();
    fmt::print("{}: {} bytes\n", display_name(path), file_size);
    fmt::print("layout {} ({}){}, {}\n", slrt::name(t.layout()), t.desc().era, detected ? " detected" : "",
               t.mode() == slrt::mode::strict ? "strict" : "permissive");
    fmt::print("header @0x0 size 16\n");
    fmt::print("    magic = {:#x}\n    revision = {}\n    architecture = {}\n", h.magic, h.revision,
               enum_text(h.architecture));
    fmt::print("    size = {:#x} ({})\n    max_size = {:#x} ({})\n", h.size, h.size, h.max_size, h.max_size);
    const slrt::layout_desc& d = t.desc();
    u32 end_offset = slrt::table_header_size;
    for (const slrt::entry_ref& e : t) {
        const char* tag_name = slrt::name(static_cast<slrt::tag>(e.tag));
        fmt::print("entry {} @{:#x} size {}: {} (tag {:#x})\n", e.index, e.offset, e.size,
                   e.tag <= 0xffff && tag_name ? tag_name : "unknown", e.tag);
        switch (e.tag) {
            case static_cast<u16>(slrt::tag::dl_info): dump_fixed<slrt::dl_info>(t, e, d.dl_info.size); break;
            case static_cast<u16>(slrt::tag::log_info): dump_fixed<slrt::log_info>(t, e, d.log_info.size); break;
            case static_cast<u16>(slrt::tag::intel_info): dump_fixed<slrt::intel_info>(t, e, d.intel_info.size); break;
            case static_cast<u16>(slrt::tag::amd_info): dump_fixed<slrt::amd_info>(t, e, d.amd_info.size); break;
            case static_cast<u16>(slrt::tag::policy): dump_list<slrt::policy_entry>(t, e); break;
            case static_cast<u16>(slrt::tag::uefi_config): dump_list<slrt::uefi_cfg_entry>(t, e); break;
            case static_cast<u16>(slrt::tag::arm_info):
            case static_cast<u16>(slrt::tag::uefi_info):
                if (e.size > d.placeholder_size)
                    fmt::print("    extra ({} bytes) = {}\n", e.size - d.placeholder_size,
                               hex_preview(t.entry_bytes(e).subview(d.placeholder_size)));
                break;
            default:
                fmt::print("    raw ({} bytes){}{}\n", t.payload(e).size(), t.payload(e).empty() ? "" : " = ",
                           hex_preview(t.payload(e)));
                break;
        }
        end_offset = e.offset + e.size;
    }
    fmt::print("end @{:#x} size {}\n", end_offset, d.end_size());
    if (t.quirks().empty()) {
        fmt::print("quirks: none\n");
    } else {
        fmt::print("quirks:\n");
        print_quirks(stdout, t.quirks(), "    ");
    }
}

// ---------------------------------------------------------------------------
// convert: the size the converted table reaches (the buffer it needs), whatever max_size says.

u64 converted_bound(const slrt::table& t, slrt::layout to) {
    const slrt::layout_desc& d = slrt::describe(to);
    u64 total = d.min_table_size();
    for (const slrt::entry_ref& e : t) {
        switch (e.tag) {
            case static_cast<u16>(slrt::tag::dl_info): total += d.dl_info.size; break;
            case static_cast<u16>(slrt::tag::log_info): total += d.log_info.size; break;
            case static_cast<u16>(slrt::tag::intel_info): total += d.intel_info.size; break;
            case static_cast<u16>(slrt::tag::amd_info): total += d.amd_info.size; break;
            case static_cast<u16>(slrt::tag::arm_info):
            case static_cast<u16>(slrt::tag::uefi_info): total += d.placeholder_size; break;
            case static_cast<u16>(slrt::tag::policy):
                total += d.policy.header_size + u64{d.policy_entry.size} * t.list_at<slrt::policy_entry>(e).size();
                break;
            case static_cast<u16>(slrt::tag::uefi_config):
                total += d.uefi_config.header_size +
                         u64{d.uefi_cfg_entry.size} * t.list_at<slrt::uefi_cfg_entry>(e).size();
                break;
            default: total += d.entry_header_size + u64{t.payload(e).size()}; break;
        }
    }
    return total;
}

// ---------------------------------------------------------------------------
// Subcommands

struct options {
    std::string input;
    std::string output = "-";
    std::string layout;
    std::string to;
    std::string profile;
    bool permissive = false;
};

int run_encode(const options& o) {
    std::vector<u8> text;
    if (!read_input(o.input, text)) return exit_usage;
    nlohmann::json doc;
    try {
        doc = nlohmann::json::parse(text.begin(), text.end());
    } catch (const nlohmann::json::exception& e) {
        complain("{}: bad JSON: {}", display_name(o.input), e.what());  // names the byte offset
        return exit_usage;
    }
    std::vector<u8> bytes;
    slrt::json::error_info err;
    if (!slrt::json::encode(doc, bytes, err)) {
        complain("{}: bad JSON at {}", display_name(o.input), slrt::json::to_string(err));
        return exit_usage;
    }
    const slrt::layout l = slrt::json::document_layout(doc);
    const slrt::mode mode = o.permissive ? slrt::mode::permissive : slrt::mode::strict;
    const slrt::result<slrt::table> t = slrt::parse(slrt::byte_view(bytes.data(), bytes.size()), {l, mode});
    if (!t) {
        complain("{}: the encoded table is invalid (layout {}, {}): {}", display_name(o.input), slrt::name(l),
                 o.permissive ? "permissive" : "strict", slrt::json::to_string(t.err()));
        return exit_invalid;
    }
    print_quirks(stderr, t->quirks(), "slrt-tool: note: ");
    return write_output(o.output, bytes.data(), bytes.size()) ? exit_ok : exit_usage;
}

int run_decode(const options& o, std::optional<slrt::layout> layout) {
    std::vector<u8> bytes;
    if (!read_input(o.input, bytes)) return exit_usage;
    const std::optional<slrt::table> t =
        open_table(o.input, bytes, layout, o.permissive ? slrt::mode::permissive : slrt::mode::strict);
    if (!t) return exit_invalid;
    const std::string text = slrt::json::to_json(*t).dump(2, ' ', true) + "\n";
    return write_output("-", text.data(), text.size()) ? exit_ok : exit_usage;
}

int run_validate(const options& o, std::optional<slrt::layout> layout) {
    std::vector<u8> bytes;
    if (!read_input(o.input, bytes)) return exit_usage;
    const std::string name = display_name(o.input);
    if (o.profile.empty()) {
        const std::optional<slrt::table> t =
            open_table(o.input, bytes, layout, o.permissive ? slrt::mode::permissive : slrt::mode::strict);
        if (!t) return exit_invalid;
        fmt::print("{}: valid SLRT, layout {}{}, {}, {} entries, size {} of max_size {}\n", name,
                   slrt::name(t->layout()), layout ? "" : " (detected)",
                   t->mode() == slrt::mode::strict ? "strict" : "permissive", t->entry_count(), t->header().size,
                   t->header().max_size);
        print_quirks(stdout, t->quirks(), "  ");
        return exit_ok;
    }
    slrt::consumer c{};
    bool known = false;
    for (slrt::consumer k : {slrt::consumer::linux_v16, slrt::consumer::xen, slrt::consumer::skl})
        if (o.profile == slrt::name(k)) c = k, known = true;
    if (!known) {
        complain("unknown profile \"{}\" (linux-v16, xen, skl)", o.profile);
        return exit_usage;
    }
    // The consumer's own layout and a lax parse, so that every finding shows up.
    const slrt::layout l = layout ? *layout : slrt::consumer_layout(c);
    const std::optional<slrt::table> t = open_table(o.input, bytes, l, slrt::mode::permissive);
    if (!t) return exit_invalid;
    const slrt::findings f = slrt::check(c, *t);
    for (u32 i = 0; i < f.count; ++i) fmt::print(stderr, "{}: {}\n", name, slrt::json::to_string(f.items[i]));
    if (f.dropped) fmt::print(stderr, "{}: ... and {} more findings\n", name, f.dropped);
    print_quirks(stdout, t->quirks(), "  ");
    if (!f.ok()) {
        const u32 n = f.count + f.dropped;
        fmt::print(stderr, "{}: {} would refuse this table ({} finding{})\n", name, slrt::name(c), n,
                   n == 1 ? "" : "s");
        return exit_invalid;
    }
    fmt::print("{}: acceptable to {} (layout {})\n", name, slrt::name(c), slrt::name(l));
    return exit_ok;
}

int run_dump(const options& o, std::optional<slrt::layout> layout) {
    std::vector<u8> bytes;
    if (!read_input(o.input, bytes)) return exit_usage;
    const std::optional<slrt::table> t =
        open_table(o.input, bytes, layout, o.permissive ? slrt::mode::permissive : slrt::mode::strict);
    if (!t) return exit_invalid;
    dump_table(o.input, bytes.size(), *t, !layout);
    return exit_ok;
}

int run_detect(const options& o) {
    std::vector<u8> bytes;
    if (!read_input(o.input, bytes)) return exit_usage;
    const slrt::detection d = slrt::detect(slrt::byte_view(bytes.data(), bytes.size()));
    bool any = false;
    for (slrt::layout l : slrt::all_layouts) {
        if (d.matches(l)) fmt::print("{}\n", slrt::name(l));
        else if (d.matches_permissive(l)) fmt::print("{} (permissive only)\n", slrt::name(l));
        else continue;
        any = true;
    }
    if (!any) {
        complain("{}: no layout matches; closest is {}: {}", display_name(o.input), slrt::name(d.best),
                 slrt::json::to_string(d.best_error));
        return exit_invalid;
    }
    return exit_ok;
}

int run_convert(const options& o, std::optional<slrt::layout> layout, slrt::layout to) {
    std::vector<u8> bytes;
    if (!read_input(o.input, bytes)) return exit_usage;
    const std::optional<slrt::table> source = open_table(o.input, bytes, layout, slrt::mode::strict);
    if (!source) return exit_invalid;
    // The builder may target a max_size beyond its buffer: allocate what the converted
    // table can reach, not the max_size the input chose.
    const u64 bound = converted_bound(*source, to);
    std::vector<u8> out(static_cast<std::size_t>(std::min<u64>(bound, source->header().max_size)), 0);
    slrt::convert_report report;
    const slrt::result<u32> size = slrt::convert(*source, to, slrt::mutable_byte_view(out.data(), out.size()), &report);
    if (!size) {
        complain("{}: cannot convert from {} to {}: {}", display_name(o.input), slrt::name(source->layout()),
                 slrt::name(to), slrt::json::to_string(size.err()));
        return exit_invalid;
    }
    out.resize(*size);
    for (u32 i = 0; i < report.count; ++i)
        fmt::print(stderr, "slrt-tool: note: {} is not in layout {}: set to 0 in layout {}\n", report.zeroed[i],
                   slrt::name(source->layout()), slrt::name(to));
    return write_output(o.output, out.data(), out.size()) ? exit_ok : exit_usage;
}

// digest --alg A FILE...: "HEX  FILE" per file, like sha256sum. "-" (and no FILE) is stdin.
// An unreadable file is reported and skipped; the exit status is then 2.
int run_digest(const std::string& alg_name, std::vector<std::string> files) {
    slrt::hash_alg alg{};
    if (!slrt::hash_alg_from_name(alg_name.c_str(), alg) || !slrt::hasher(alg).supported()) {
        complain("unsupported digest algorithm \"{}\" (sha1, sha256, sha384, sha512)", alg_name);
        return exit_usage;
    }
    if (files.empty()) files.push_back("-");
    std::vector<u8> chunk(std::size_t{1} << 20);  // large reads: the hash, not the syscalls, sets the pace
    int status = exit_ok;
    for (const std::string& path : files) {
        std::FILE* f = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
        if (!f) {
            complain("{}: {}", path, std::strerror(errno));
            status = exit_usage;
            continue;
        }
        slrt::hasher h(alg);
        std::size_t n = 0;
        while ((n = std::fread(chunk.data(), 1, chunk.size(), f)) != 0) h.update(slrt::byte_view(chunk.data(), n));
        const bool bad = std::ferror(f) != 0;
        const int saved = errno;
        if (f != stdin) std::fclose(f);
        if (bad) {
            complain("{}: {}", display_name(path), std::strerror(saved));
            status = exit_usage;
            continue;
        }
        const slrt::digest d = h.finish();
        std::string hex;
        for (u32 i = 0; i < d.size(); ++i) hex += fmt::format("{:02x}", d.bytes[i]);
        fmt::print("{}  {}\n", hex, path);
    }
    return status;
}

// measure: the plan a consumer follows for this table, each step hashed into every bank
// from the memory images given, the expected DRTM log and the PCR values it replays to.
struct measure_options {
    std::vector<std::string> memory;  // IMAGE@ADDR
    std::vector<std::string> banks{"sha1", "sha256"};
    std::string rules = "linux-v16";
};

std::string hex_of(slrt::byte_view b) {
    std::string s;
    for (std::size_t i = 0; i < b.size(); ++i) s += fmt::format("{:02x}", b[i]);
    return s;
}

int run_measure(const options& o, std::optional<slrt::layout> layout, const measure_options& m) {
    std::vector<u8> bytes;
    if (!read_input(o.input, bytes)) return exit_usage;
    const std::optional<slrt::table> t =
        open_table(o.input, bytes, layout, o.permissive ? slrt::mode::permissive : slrt::mode::strict);
    if (!t) return exit_invalid;

    slrt::measure_rules rules{};
    if (m.rules == "linux-v16") rules = slrt::measure_rules::linux_v16;
    else if (m.rules == "xen") rules = slrt::measure_rules::xen;
    else {
        complain("unknown --rules \"{}\" (linux-v16, xen)", m.rules);
        return exit_usage;
    }
    std::vector<slrt::hash_alg> banks;
    for (const std::string& b : m.banks) {
        slrt::hash_alg a{};
        if (!slrt::hash_alg_from_name(b.c_str(), a) || banks.size() == slrt::max_log_banks) {
            complain("unknown or too many --bank \"{}\" (sha1, sha256, sha384, sha512, sm3_256; at most 8)", b);
            return exit_usage;
        }
        banks.push_back(a);
    }

    // Memory: each IMAGE placed at ADDR.
    std::vector<std::vector<u8>> images(m.memory.size());
    auto mem = std::make_unique<slrt::memory_regions<32>>();
    for (std::size_t i = 0; i < m.memory.size(); ++i) {
        const std::string& spec = m.memory[i];
        const std::size_t at = spec.rfind('@');
        std::uint64_t addr = 0;
        try {
            if (at == std::string::npos) throw std::invalid_argument(spec);
            std::size_t used = 0;
            addr = std::stoull(spec.substr(at + 1), &used, 0);
            if (used != spec.size() - at - 1) throw std::invalid_argument(spec);
        } catch (const std::exception&) {
            complain("--memory wants IMAGE@ADDR, got \"{}\"", spec);
            return exit_usage;
        }
        if (!read_input(spec.substr(0, at), images[i])) return exit_usage;
        if (const slrt::status s = mem->add(addr, slrt::byte_view(images[i].data(), images[i].size())); !s) {
            complain("--memory {}: {}", spec, slrt::json::to_string(s.err()));
            return exit_usage;
        }
    }

    auto p = std::make_unique<slrt::plan<1024>>();
    if (const slrt::status s = slrt::make_plan(*t, *mem, rules, *p); !s) {
        complain("{}: cannot plan the measurements: {}", display_name(o.input), slrt::json::to_string(s.err()));
        return exit_invalid;
    }
    const slrt::findings f = slrt::check_policy(*t, *mem, rules);
    for (u32 i = 0; i < f.count; ++i)
        complain("note: policy element {}: {}", f.items[i].entry_index, slrt::json::to_string(f.items[i]));

    // The expected log: a TCG log with the requested banks, one record per step.
    std::vector<u8> log_buf(4096 + std::size_t{p->count} * (16 + slrt::max_log_banks * 66 + 32));
    slrt::log_writer w(slrt::mutable_byte_view(log_buf.data(), log_buf.size()));
    if (const slrt::status s = w.init_tcg(banks.data(), static_cast<u32>(banks.size())); !s) {
        complain("cannot start the log: {}", slrt::json::to_string(s.err()));
        return exit_usage;
    }
    nlohmann::ordered_json out;
    out["rules"] = m.rules;
    out["banks"] = m.banks;
    out["plan"] = nlohmann::ordered_json::array();
    for (const slrt::plan_step& step : *p) {
        slrt::digest d[slrt::max_log_banks];
        if (const slrt::status s = slrt::measure_step(*t, *mem, step, banks.data(), static_cast<u32>(banks.size()), d);
            !s) {
            complain("{}: cannot measure policy element {}: {}", display_name(o.input), step.policy_index,
                     slrt::json::to_string(s.err()));
            return exit_invalid;
        }
        const slrt::byte_view label(reinterpret_cast<const u8*>(step.label.bytes), step.label.length());
        if (const slrt::result<u32> r =
                w.append(step.pcr, step.event_type, d, static_cast<u32>(banks.size()), label);
            !r) {
            complain("cannot log policy element {}: {}", step.policy_index, slrt::json::to_string(r.err()));
            return exit_invalid;
        }
        nlohmann::ordered_json j;
        j["pcr"] = step.pcr;
        j["event_type"] = fmt::format("{:#x}", step.event_type);
        j["label"] = std::string(step.label.bytes, step.label.length());
        j["source"] = step.source == slrt::step_source::memory ? "memory" : "table_copy";
        j["addr"] = step.addr;
        j["size"] = step.size;
        j[step.from_uefi_config ? "uefi_config_index" : "policy_index"] = step.policy_index;
        nlohmann::ordered_json digests;
        for (std::size_t b = 0; b < banks.size(); ++b) digests[m.banks[b]] = hex_of(d[b].view());
        j["digests"] = digests;
        out["plan"].push_back(j);
    }

    // Replay from the DRTM start (17..22 zero): the PCRs as these measurements alone leave them.
    const slrt::result<slrt::event_log> log = slrt::parse_event_log(w.bytes(), {slrt::event_log_format::tcg});
    auto pcrs = std::make_unique<slrt::pcr_bank_set>();
    if (!log || !slrt::replay(*log, *pcrs)) {
        complain("internal: the written log does not replay");
        return exit_invalid;
    }
    nlohmann::ordered_json pj;
    for (u32 b = 0; b < pcrs->count; ++b) {
        const slrt::pcr_bank& bank = pcrs->banks[b];
        nlohmann::ordered_json values;
        for (u32 pcr = 0; pcr < slrt::pcr_count; ++pcr)
            if (bank.extends[pcr]) values[std::to_string(pcr)] = hex_of(bank.pcrs[pcr].view());
        pj[slrt::name(bank.alg) ? slrt::name(bank.alg) : "unknown"] = values;
    }
    out["pcrs"] = pj;
    if (o.output != "-" && !write_output(o.output, w.bytes().data(), w.bytes().size())) return exit_usage;
    const std::string text = out.dump(2) + "\n";
    return write_output("-", text.data(), text.size()) ? exit_ok : exit_usage;
}

int run(int argc, char** argv) {
    CLI::App app{"slrt-tool: encode, decode, validate, dump, detect and convert Secure Launch Resource Tables.\n"
                 "Exit status: 0 ok, 1 invalid table, 2 usage error, unreadable input or bad JSON."};
    app.require_subcommand(1);
    options o;
    const std::string layout_help = "layout profile: v6, v9, v10, v12, v16 (default: detected)";

    CLI::App* encode = app.add_subcommand("encode", "JSON -> SLRT bytes, validated before anything is written");
    encode->add_option("input", o.input, "JSON document (- for stdin)")->required();
    encode->add_option("-o,--output", o.output, "output file (- for stdout, the default)");
    encode->add_flag("--permissive", o.permissive, "validate permissively (allow documented quirks)");

    CLI::App* decode = app.add_subcommand("decode", "SLRT bytes -> canonical JSON on stdout");
    decode->add_option("input", o.input, "SLRT image (- for stdin)")->required();
    decode->add_option("--layout", o.layout, layout_help);
    decode->add_flag("--permissive", o.permissive, "accept documented quirks");

    CLI::App* validate = app.add_subcommand("validate", "check a table, or whether a consumer would accept it");
    validate->add_option("input", o.input, "SLRT image (- for stdin)")->required();
    validate->add_option("--profile", o.profile, "consumer: linux-v16, xen, skl (parses permissively in its layout)");
    validate->add_flag("--permissive", o.permissive, "accept documented quirks");
    validate->add_option("--layout", o.layout, layout_help);

    CLI::App* dump = app.add_subcommand("dump", "human-readable listing of every entry and field");
    dump->add_option("input", o.input, "SLRT image (- for stdin)")->required();
    dump->add_option("--layout", o.layout, layout_help);
    dump->add_flag("--permissive", o.permissive, "accept documented quirks");

    CLI::App* detect = app.add_subcommand("detect", "list the layouts the bytes are consistent with");
    detect->add_option("input", o.input, "SLRT image (- for stdin)")->required();

    CLI::App* convert = app.add_subcommand("convert", "re-encode a strictly valid table in another layout");
    convert->add_option("input", o.input, "SLRT image (- for stdin)")->required();
    convert->add_option("--to", o.to, "target layout: v6, v9, v10, v12, v16")->required();
    convert->add_option("-o,--output", o.output, "output file (- for stdout, the default)");
    convert->add_option("--layout", o.layout, "source layout (default: detected)");

    std::string digest_alg;
    std::vector<std::string> digest_files;
    CLI::App* digest_cmd = app.add_subcommand("digest", "print file digests like sha256sum (HEX  FILE)");
    digest_cmd->add_option("--alg", digest_alg, "sha1, sha256, sha384 or sha512")->required();
    digest_cmd->add_option("files", digest_files, "files to hash (- or none: stdin)");

    measure_options mo;
    CLI::App* measure = app.add_subcommand("measure", "the measurement plan, expected DRTM log and PCR values");
    measure->add_option("input", o.input, "SLRT image (- for stdin)")->required();
    measure->add_option("--memory", mo.memory, "IMAGE@ADDR: a file placed at a physical address (repeatable)");
    measure->add_option("--bank", mo.banks, "hash bank (repeatable; default sha1 and sha256)");
    measure->add_option("--rules", mo.rules, "consumer rules: linux-v16 (default) or xen");
    measure->add_option("--layout", o.layout, layout_help);
    measure->add_flag("--permissive", o.permissive, "accept documented quirks");
    measure->add_option("-o,--output", o.output, "write the expected event log (TCG format) here");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? exit_ok : exit_usage;
    }
    if (*digest_cmd) return run_digest(digest_alg, digest_files);

    std::optional<slrt::layout> layout;
    if (!parse_layout_option(o.layout, layout)) return exit_usage;
    if (*measure) return run_measure(o, layout, mo);
    if (*encode) return run_encode(o);
    if (*decode) return run_decode(o, layout);
    if (*validate) return run_validate(o, layout);
    if (*dump) return run_dump(o, layout);
    if (*detect) return run_detect(o);
    std::optional<slrt::layout> to;
    if (!parse_layout_option(o.to, to) || !to) return exit_usage;
    return run_convert(o, layout, *to);
}

}  // namespace

int main(int argc, char** argv) {
    slrt::tool::program_name = "slrt-tool";
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
