// SPDX-License-Identifier: MIT
// The JSON form of an SLRT for hosted tools (slrt-tool, fuzz_json): the canonical
// decode of a validated table, and the encoder from that form back to bytes.
//
// Not freestanding: it uses the standard library and nlohmann/json. Field names,
// positions and widths all come from slrt::visit (codec.hpp), so this file lists
// no field of any entry by hand. The schema is that of the design notes:
//
//   {"schema": 1, "layout": "v16", "revision": 1, "architecture": "intel_txt",
//    "max_size": 4096, "entries": [{"tag": "dl_info", ...}, ...]}
//
// entries are in table order without END; dotted visit names ("dl_info.bl_context.context")
// become nested objects; a leaf visit reports more than once ("...mtrr_pair.mtrr_physbase")
// becomes an array of objects. Enums are names (numbers when unknown), flags arrays of
// names (unknown bits as numbers), evt_info a string or "evt_info_raw" hex, unknown tags
// {"tag": N, "raw": "hex"}, and bytes of an oversized fixed entry "extra": "hex".
//
// encode() accepts that form plus numbers for enums, "0x..." strings for integers and a
// number for flags. Every problem of the document (missing or unknown key, wrong type,
// value too wide for the field in this layout, a field this layout lacks) is reported
// with the JSON pointer of the value at fault; encode() never throws on bad input.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "slrt/slrt.hpp"

namespace slrt::json {

inline constexpr int schema_version = 1;

// Why encode() refused a document.
struct error_info {
    std::string path;     // JSON pointer of the value at fault ("" for the whole document)
    std::string message;  // what is wrong with it
    slrt::error library;  // the library's error when the builder refused (code ok otherwise)
};

// "/entries/2/entries/0/pcr: value 24 ..." (the pointer of the document root is "/").
inline std::string to_string(const error_info& e) {
    return (e.path.empty() ? std::string("/") : e.path) + ": " + e.message;
}

// One line for a library error, exactly what format_error prints on a bare-metal console.
inline std::string to_string(const slrt::error& e) {
    char line[320];
    format_error(e, line, sizeof line);
    return line;
}

// Policy flag bits with names (spec §2.7).
struct flag_name {
    const char* name;
    u16 bit;
};
inline constexpr flag_name policy_flag_names[] = {
    {"measured", policy_flag_measured},
    {"implicit_size", policy_flag_implicit_size},
};

namespace detail {

inline std::string to_hex(byte_view bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string s;
    s.reserve(bytes.size() * 2);
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        s.push_back(digits[bytes[i] >> 4]);
        s.push_back(digits[bytes[i] & 0xf]);
    }
    return s;
}

inline int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

inline bool from_hex(std::string_view s, std::vector<u8>& out) {
    if (s.size() % 2 != 0) return false;
    out.clear();
    out.reserve(s.size() / 2);
    for (std::size_t i = 0; i < s.size(); i += 2) {
        const int hi = hex_digit(s[i]), lo = hex_digit(s[i + 1]);
        if (hi < 0 || lo < 0) return false;
        out.push_back(static_cast<u8>(hi << 4 | lo));
    }
    return true;
}

// "dl_info.bl_context.context" -> "bl_context.context" (the visit names carry the entry kind).
inline std::string_view relative(const char* name) {
    const std::string_view n(name);
    const std::size_t dot = n.find('.');
    return dot == std::string_view::npos ? n : n.substr(dot + 1);
}

inline std::vector<std::string> split(std::string_view dotted) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (;;) {
        const std::size_t dot = dotted.find('.', start);
        parts.emplace_back(dotted.substr(start, dot == std::string_view::npos ? dotted.npos : dot - start));
        if (dot == std::string_view::npos) return parts;
        start = dot + 1;
    }
}

inline std::string pointer_token(std::string_view key) {
    std::string s;
    for (char c : key) {
        if (c == '~') s += "~0";
        else if (c == '/') s += "~1";
        else s.push_back(c);
    }
    return s;
}
inline std::string child(const std::string& path, std::string_view key) { return path + "/" + pointer_token(key); }
inline std::string child(const std::string& path, std::size_t index) { return path + "/" + std::to_string(index); }

// The JSON shape of one entry kind in one layout, derived from visit: the leaves (dotted,
// relative to the entry), the objects that contain them, and which of those are arrays
// (a leaf visit reports more than once).
struct shape {
    std::set<std::string> leaves;
    std::set<std::string> objects;
    std::set<std::string> arrays;
    std::map<std::string, std::size_t> repeats;  // leaf -> how many times visit reports it

    void add(std::string_view rel) {
        const std::string leaf(rel);
        if (++repeats[leaf] > 1) {
            const std::size_t dot = leaf.rfind('.');
            if (dot != std::string::npos) arrays.insert(leaf.substr(0, dot));
        }
        leaves.insert(leaf);
        for (std::size_t dot = leaf.find('.'); dot != std::string::npos; dot = leaf.find('.', dot + 1))
            objects.insert(leaf.substr(0, dot));
    }
    bool is_array(const std::string& dotted) const { return arrays.count(dotted) != 0; }
};

// Fields of T in layout d; a field counts only if it lies inside the first `limit` bytes
// (a short permissive amd_info lacks its last fields).
template <class T>
shape shape_of(const layout_desc& d, std::size_t limit) {
    shape s;
    T probe{};
    visit(d, probe, [&](const char* name, field_pos p, auto&) {
        if (p.present() && std::size_t{p.offset} + p.width <= limit) s.add(relative(name));
    });
    return s;
}

// Fields of T in layout d, computed once per layout.
template <class T>
const shape& shape_of(const layout_desc& d) {
    static const std::vector<shape> shapes = [] {
        std::vector<shape> v;
        for (layout l : all_layouts) v.push_back(shape_of<T>(describe(l), ~std::size_t{0}));
        return v;
    }();
    return shapes[static_cast<std::size_t>(d.id)];
}

// Fields of T in any layout: a key that is here but not in shape_of(d) is "not in this layout".
template <class T>
const shape& shape_of_any() {
    static const shape any = [] {
        shape s;
        for (layout l : all_layouts) {
            T probe{};
            visit(describe(l), probe, [&](const char* name, field_pos p, auto&) {
                if (p.present()) s.add(relative(name));
            });
        }
        return s;
    }();
    return any;
}

template <class E>
inline constexpr bool is_named_enum =
    std::is_same_v<E, architecture> || std::is_same_v<E, bootloader> || std::is_same_v<E, log_format> ||
    std::is_same_v<E, entity_type> || std::is_same_v<E, tag>;

// A named enum value -> its name, or its number when it has none.
template <class Json, class E>
Json enum_to_json(E value) {
    if (const char* n = name(value)) return Json(n);
    return Json(to_u64(value));
}

// The name -> value direction; names are looked up through slrt::name() so no value is
// listed twice. Every named value of every enum is below 0x100 or is 0xffff.
template <class E>
bool enum_from_name(std::string_view text, E& out) {
    using U = std::underlying_type_t<E>;
    auto try_value = [&](u32 v) {
        const char* n = name(static_cast<E>(static_cast<U>(v)));
        if (n && text == n) {
            out = static_cast<E>(static_cast<U>(v));
            return true;
        }
        return false;
    };
    for (u32 v = 0; v < 0x100; ++v)
        if (try_value(v)) return true;
    return try_value(0xffff);
}

inline bool flag_from_name(std::string_view text, u64& bit) {
    for (const flag_name& f : policy_flag_names)
        if (text == f.name) {
            bit = f.bit;
            return true;
        }
    return false;
}

inline bool is_hex_string(std::string_view s) { return s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'); }

template <class Json>
Json flags_to_json(u64 flags) {
    Json a = Json::array();
    for (const flag_name& f : policy_flag_names)
        if (flags & f.bit) {
            a.push_back(f.name);
            flags &= ~u64{f.bit};
        }
    for (u64 bit = 1; flags != 0; bit <<= 1)
        if (flags & bit) {
            a.push_back(bit);
            flags &= ~bit;
        }
    return a;
}

inline bool printable(const evt_label& label, u32 length) {
    for (u32 i = 0; i < length; ++i)
        if (label.bytes[i] < 0x20 || label.bytes[i] > 0x7e) return false;
    return true;
}

template <class Json>
void label_to_json(const evt_label& label, Json& out) {
    const u32 n = label.length();
    if (n < evt_info_length && printable(label, n)) {
        out["evt_info"] = std::string(label.bytes, n);
        return;
    }
    u8 raw[evt_info_length];
    for (u32 i = 0; i < evt_info_length; ++i) raw[i] = static_cast<u8>(label.bytes[i]);
    out["evt_info_raw"] = to_hex(byte_view(raw, evt_info_length));
}

// Writes the fields of `value` into `out`, nesting the dotted names of visit.
template <class Json, class T>
void fields_to_json(const layout_desc& d, const T& value, std::size_t limit, Json& out) {
    const shape& s = shape_of<T>(d);
    std::map<std::string, std::size_t> seen;
    visit(d, value, [&](const char* name, field_pos p, const auto& member) {
        using M = std::remove_cv_t<std::remove_reference_t<decltype(member)>>;
        if (!p.present() || std::size_t{p.offset} + p.width > limit) return;
        const std::string rel(relative(name));
        const std::size_t occurrence = seen[rel]++;
        const std::vector<std::string> parts = split(rel);
        Json* at = &out;
        std::string dotted;
        for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
            dotted += (i ? "." : "") + parts[i];
            at = &(*at)[parts[i]];
            if (s.is_array(dotted)) {
                if (!at->is_array()) *at = Json::array();
                while (at->size() <= occurrence) at->push_back(Json::object());
                at = &(*at)[occurrence];
            }
        }
        Json& leaf = (*at)[parts.back()];
        if constexpr (std::is_enum_v<M>) {
            if constexpr (is_named_enum<M>) leaf = enum_to_json<Json>(member);
            else leaf = to_u64(member);
        } else if (parts.back() == "flags") {
            leaf = flags_to_json<Json>(to_u64(member));
        } else {
            leaf = to_u64(member);
        }
    });
}

// Canonical length of mtrr_pair: max(mtrr_vcnt capped at 32, 1 + index of the last nonzero pair).
inline std::size_t mtrr_pairs_shown(const mtrr_state& s) {
    std::size_t keep = static_cast<std::size_t>(std::min<u64>(s.mtrr_vcnt, max_variable_mtrrs));
    for (std::size_t i = 0; i < max_variable_mtrrs; ++i)
        if (s.mtrr_pair[i].mtrr_physbase != 0 || s.mtrr_pair[i].mtrr_physmask != 0) keep = std::max(keep, i + 1);
    return keep;
}

template <class Json>
void trim_mtrr_pairs(const intel_info& v, Json& entry) {
    auto m = entry.find("saved_bsp_mtrrs");
    if (m == entry.end()) return;
    auto pairs = m->find("mtrr_pair");
    if (pairs == m->end() || !pairs->is_array()) return;
    const std::size_t keep = mtrr_pairs_shown(v.saved_bsp_mtrrs);
    while (pairs->size() > keep) pairs->erase(pairs->size() - 1);
}

template <class T, class Json>
Json fixed_to_json(const table& t, const entry_ref& e, u16 layout_size) {
    Json j;
    j["tag"] = name(static_cast<tag>(e.tag));
    const byte_view bytes = t.entry_bytes(e);
    const T value = t.decode_fixed<T>(bytes);
    fields_to_json(t.desc(), value, bytes.size(), j);
    if constexpr (std::is_same_v<T, intel_info>) trim_mtrr_pairs(value, j);
    if (e.size > layout_size) j["extra"] = to_hex(bytes.subview(layout_size));
    return j;
}

template <class Element, class Json>
Json list_to_json(const table& t, const entry_ref& e) {
    Json j;
    j["tag"] = name(static_cast<tag>(e.tag));
    const list_view<Element> list = t.list_at<Element>(e);
    j["revision"] = list.revision();
    Json items = Json::array();
    const u32 element_size = std::is_same_v<Element, policy_entry> ? t.desc().policy_entry.size
                                                                   : t.desc().uefi_cfg_entry.size;
    for (u32 i = 0; i < list.size(); ++i) {
        const Element v = list[i];
        Json item = Json::object();
        fields_to_json(t.desc(), v, element_size, item);
        label_to_json(v.evt_info, item);
        items.push_back(std::move(item));
    }
    j["entries"] = std::move(items);
    return j;
}

template <class Json>
Json entry_to_json(const table& t, const entry_ref& e) {
    const layout_desc& d = t.desc();
    switch (e.tag) {
        case static_cast<u16>(tag::dl_info): return fixed_to_json<dl_info, Json>(t, e, d.dl_info.size);
        case static_cast<u16>(tag::log_info): return fixed_to_json<log_info, Json>(t, e, d.log_info.size);
        case static_cast<u16>(tag::intel_info): return fixed_to_json<intel_info, Json>(t, e, d.intel_info.size);
        case static_cast<u16>(tag::amd_info): return fixed_to_json<amd_info, Json>(t, e, d.amd_info.size);
        case static_cast<u16>(tag::policy): return list_to_json<policy_entry, Json>(t, e);
        case static_cast<u16>(tag::uefi_config): return list_to_json<uefi_cfg_entry, Json>(t, e);
        case static_cast<u16>(tag::arm_info):
        case static_cast<u16>(tag::uefi_info): {
            Json j;
            j["tag"] = name(static_cast<tag>(e.tag));
            if (e.size > d.placeholder_size) j["extra"] = to_hex(t.entry_bytes(e).subview(d.placeholder_size));
            return j;
        }
        default: {
            Json j;
            j["tag"] = e.tag;
            j["raw"] = to_hex(t.payload(e));
            return j;
        }
    }
}

}  // namespace detail

// The canonical JSON of a validated table (design notes, "Canonical JSON from decode").
inline nlohmann::ordered_json to_json(const table& t) {
    using Json = nlohmann::ordered_json;
    Json j;
    j["schema"] = schema_version;
    j["layout"] = name(t.layout());
    j["revision"] = t.header().revision;
    j["architecture"] = detail::enum_to_json<Json>(t.header().architecture);
    j["max_size"] = t.header().max_size;
    Json entries = Json::array();
    for (const entry_ref& e : t) entries.push_back(detail::entry_to_json<Json>(t, e));
    j["entries"] = std::move(entries);
    return j;
}

namespace detail {

// Reads a JSON document into native values, stopping at the first problem.
template <class Json>
class reader {
public:
    explicit reader(error_info& err) : err_(err) {}

    bool failed() const { return failed_; }

    bool fail(const std::string& path, std::string message) {
        if (!failed_) {
            err_.path = path;
            err_.message = std::move(message);
            failed_ = true;
        }
        return false;
    }

    static std::string hex(u64 v) {
        static constexpr char digits[] = "0123456789abcdef";
        std::string s;
        do {
            s.insert(s.begin(), digits[v & 0xf]);
            v >>= 4;
        } while (v);
        return "0x" + s;
    }

    // A number, or a string "0x..." (hex), no larger than `max`.
    bool integer(const Json& v, const std::string& path, u64 max, u64& out) {
        if (v.is_number_unsigned()) {
            out = v.template get<u64>();
        } else if (v.is_number_integer()) {  // signed storage (a document built in C++)
            const std::int64_t n = v.template get<std::int64_t>();
            if (n < 0) return fail(path, "must not be negative");
            out = static_cast<u64>(n);
        } else if (v.is_number_float()) {
            return fail(path, "must be an integer no larger than 2^64-1 (got a fraction, exponent or larger number)");
        } else if (v.is_string()) {
            const std::string& s = v.template get_ref<const std::string&>();
            if (s.size() < 3 || !is_hex_string(s)) return fail(path, "a string integer must be hexadecimal \"0x...\"");
            u64 value = 0;
            for (std::size_t i = 2; i < s.size(); ++i) {
                const int d = hex_digit(s[i]);
                if (d < 0) return fail(path, "\"" + s.substr(0, 40) + "\" is not a hexadecimal number");
                if (value > (~u64{0} >> 4)) return fail(path, "hexadecimal number larger than 2^64-1");
                value = value << 4 | static_cast<u64>(d);
            }
            out = value;
        } else {
            return fail(path, "must be an integer (a number or a \"0x...\" string)");
        }
        if (out > max) return fail(path, "value " + hex(out) + " does not fit the field (max " + hex(max) + ")");
        return true;
    }

    // A name (see slrt::name) or an integer no larger than `max`.
    template <class E>
    bool enumeration(const Json& v, const std::string& path, u64 max, E& out) {
        if (v.is_string()) {
            const std::string& s = v.template get_ref<const std::string&>();
            if (enum_from_name(s, out)) {
                if (to_u64(out) > max)
                    return fail(path, "value " + hex(to_u64(out)) + " does not fit the field (max " + hex(max) + ")");
                return true;
            }
            if (!is_hex_string(s)) return fail(path, "unknown name \"" + s.substr(0, 40) + "\"");
        }
        u64 n = 0;
        if (!integer(v, path, max, n)) return false;
        out = static_cast<E>(static_cast<std::underlying_type_t<E>>(n));
        return true;
    }

    // An integer, or an array of flag names and integers (OR-ed together).
    bool flags(const Json& v, const std::string& path, u64 max, u64& out) {
        if (!v.is_array()) return integer(v, path, max, out);
        out = 0;
        for (std::size_t i = 0; i < v.size(); ++i) {
            const Json& f = v[i];
            const std::string at = child(path, i);
            u64 bits = 0;
            if (f.is_string() && flag_from_name(f.template get_ref<const std::string&>(), bits)) {
                out |= bits;
                continue;
            }
            if (f.is_string() && !is_hex_string(f.template get_ref<const std::string&>()))
                return fail(at, "unknown flag \"" + f.template get_ref<const std::string&>().substr(0, 40) + "\"");
            if (!integer(f, at, max, bits)) return false;
            out |= bits;
        }
        if (out > max) return fail(path, "flags " + hex(out) + " do not fit the field (max " + hex(max) + ")");
        return true;
    }

    bool hex_bytes(const Json& v, const std::string& path, std::vector<u8>& out) {
        if (!v.is_string()) return fail(path, "must be a string of hexadecimal byte pairs");
        if (!from_hex(v.template get_ref<const std::string&>(), out))
            return fail(path, "must be an even number of hexadecimal digits");
        return true;
    }

    bool object(const Json& v, const std::string& path) {
        if (!v.is_object()) return fail(path, "must be an object");
        return true;
    }

    // Every key of `obj` must be a field of this kind in this layout (or one of `extra_keys`).
    // A key of the kind that only other layouts have is reported as such.
    bool keys(const Json& obj, const std::string& path, const shape& here, const shape& any,
              std::initializer_list<std::string_view> extra_keys, const std::string& dotted = "",
              const char* layout_name = "") {
        for (auto it = obj.begin(); it != obj.end(); ++it) {
            const std::string& key = it.key();
            const std::string full = dotted.empty() ? key : dotted + "." + key;
            const std::string at = child(path, key);
            if (dotted.empty() && std::find(extra_keys.begin(), extra_keys.end(), key) != extra_keys.end()) continue;
            if (here.leaves.count(full)) continue;
            if (here.objects.count(full)) {
                if (here.is_array(full)) {
                    if (!it->is_array()) return fail(at, "must be an array");
                    const std::size_t most = max_elements(here, full);
                    if (it->size() > most)
                        return fail(at, "at most " + std::to_string(most) + " elements");
                    for (std::size_t i = 0; i < it->size(); ++i) {
                        if (!object((*it)[i], child(at, i))) return false;
                        if (!keys((*it)[i], child(at, i), here, any, {}, full, layout_name)) return false;
                    }
                } else {
                    if (!object(*it, at)) return false;
                    if (!keys(*it, at, here, any, {}, full, layout_name)) return false;
                }
                continue;
            }
            if (any.leaves.count(full) || any.objects.count(full))
                return fail(at, "field \"" + full + "\" is not in layout " + layout_name);
            return fail(at, "unknown key \"" + key.substr(0, 60) + "\"");
        }
        return true;
    }

    static std::size_t max_elements(const shape& s, const std::string& array) {
        std::size_t most = 0;
        for (const auto& [leaf, n] : s.repeats)
            if (leaf.size() > array.size() && leaf.compare(0, array.size(), array) == 0 && leaf[array.size()] == '.')
                most = std::max(most, n);
        return most;
    }

    // Reads every field of T the layout has from `obj` (keys already checked by keys()).
    // Elements of an array beyond its JSON length read as zero; every other field is required.
    template <class T>
    bool fields(const layout_desc& d, const Json& obj, const std::string& path, const shape& s, T& value) {
        std::map<std::string, std::size_t> seen;
        visit(d, value, [&](const char* name, field_pos p, auto& member) {
            using M = std::remove_cv_t<std::remove_reference_t<decltype(member)>>;
            if (failed_ || !p.present()) return;
            const std::string rel(relative(name));
            const std::size_t occurrence = seen[rel]++;
            const std::vector<std::string> parts = split(rel);
            const Json* at = &obj;
            std::string at_path = path, dotted;
            for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
                dotted += (i ? "." : "") + parts[i];
                auto it = at->find(parts[i]);
                at_path = child(at_path, parts[i]);
                if (it == at->end()) {
                    fail(at_path, "missing key \"" + parts[i] + "\"");
                    return;
                }
                at = &*it;
                if (s.is_array(dotted)) {
                    if (occurrence >= at->size()) {
                        member = M{};  // elements past the end of the array are zero
                        return;
                    }
                    at = &(*at)[occurrence];
                    at_path = child(at_path, occurrence);
                }
            }
            auto it = at->find(parts.back());
            at_path = child(at_path, parts.back());
            if (it == at->end()) {
                fail(at_path, "missing key \"" + parts.back() + "\"");
                return;
            }
            const u64 max = max_for_width(p.width);
            if constexpr (std::is_enum_v<M>) {
                M v{};
                if (enumeration(*it, at_path, max, v)) member = v;
            } else {
                u64 v = 0;
                const bool ok = parts.back() == "flags" ? flags(*it, at_path, max, v) : integer(*it, at_path, max, v);
                if (ok) member = static_cast<M>(v);
            }
        });
        return !failed_;
    }

    // "evt_info": text of at most 31 bytes without NUL, or "evt_info_raw": 32 bytes in hex.
    bool label(const Json& obj, const std::string& path, evt_label& out) {
        const auto text = obj.find("evt_info");
        const auto raw = obj.find("evt_info_raw");
        if (text != obj.end() && raw != obj.end())
            return fail(child(path, "evt_info_raw"), "give either \"evt_info\" or \"evt_info_raw\", not both");
        out = evt_label{};
        if (text != obj.end()) {
            const std::string at = child(path, "evt_info");
            if (!text->is_string()) return fail(at, "must be a string");
            const std::string& s = text->template get_ref<const std::string&>();
            if (s.size() >= evt_info_length)
                return fail(at, "at most 31 bytes (the 32-byte field keeps a NUL); use evt_info_raw for 32");
            if (s.find('\0') != std::string::npos) return fail(at, "must not contain NUL; use evt_info_raw");
            for (std::size_t i = 0; i < s.size(); ++i) out.bytes[i] = s[i];
            return true;
        }
        if (raw != obj.end()) {
            const std::string at = child(path, "evt_info_raw");
            std::vector<u8> bytes;
            if (!hex_bytes(*raw, at, bytes)) return false;
            if (bytes.size() != evt_info_length) return fail(at, "must be exactly 32 bytes (64 hex digits)");
            for (u32 i = 0; i < evt_info_length; ++i) out.bytes[i] = static_cast<char>(bytes[i]);
            return true;
        }
        return fail(child(path, "evt_info"), "missing key \"evt_info\" (or \"evt_info_raw\")");
    }

private:
    error_info& err_;
    bool failed_ = false;
};

// One entry of the document, read and sized before anything is built.
struct planned_entry {
    enum class kind : u8 { fixed, placeholder, policy, uefi_config, raw } what = kind::raw;
    u32 tag_value = 0;
    std::unique_ptr<std::variant<dl_info, log_info, intel_info, amd_info>> fixed;  // kind::fixed only
    u16 revision = 1;
    std::vector<policy_entry> policy;
    std::vector<uefi_cfg_entry> config;
    std::vector<u8> extra;  // raw payload (unknown tags) or bytes after a fixed entry
    u64 size = 0;           // the whole entry, header included
};

template <class T, class Json>
bool read_fixed(reader<Json>& r, const layout_desc& d, const Json& e, const std::string& path, u16 size,
                planned_entry& out) {
    const shape& here = shape_of<T>(d);
    const shape& any = shape_of_any<T>();
    if (!r.keys(e, path, here, any, {"tag", "extra"}, "", d.name)) return false;
    T value{};
    if (!r.fields(d, e, path, here, value)) return false;
    out.what = planned_entry::kind::fixed;
    out.fixed = std::make_unique<std::variant<dl_info, log_info, intel_info, amd_info>>(value);
    out.size = size;
    return true;
}

template <class Element, class Json>
bool read_list(reader<Json>& r, const layout_desc& d, const Json& e, const std::string& path,
               std::vector<Element>& out, u16& revision, u64& size) {
    constexpr bool is_policy = std::is_same_v<Element, policy_entry>;
    const list_layout& l = is_policy ? d.policy : d.uefi_config;
    const u32 element_size = is_policy ? d.policy_entry.size : d.uefi_cfg_entry.size;
    for (auto it = e.begin(); it != e.end(); ++it)
        if (it.key() != "tag" && it.key() != "revision" && it.key() != "entries")
            return r.fail(child(path, it.key()), "unknown key \"" + it.key().substr(0, 60) + "\"");
    const auto rev = e.find("revision");
    if (rev == e.end()) return r.fail(child(path, "revision"), "missing key \"revision\"");
    u64 rv = 0;
    if (!r.integer(*rev, child(path, "revision"), max_for_width(l.revision.width), rv)) return false;
    revision = static_cast<u16>(rv);
    const auto items = e.find("entries");
    const std::string items_path = child(path, "entries");
    if (items == e.end()) return r.fail(items_path, "missing key \"entries\"");
    if (!items->is_array()) return r.fail(items_path, "must be an array");
    const u64 most = max_for_width(l.nr_entries.width);
    if (items->size() > most) return r.fail(items_path, "at most " + std::to_string(most) + " elements (nr_entries)");
    const shape& here = shape_of<Element>(d);
    const shape& any = shape_of_any<Element>();
    out.clear();
    out.reserve(items->size());
    for (std::size_t i = 0; i < items->size(); ++i) {
        const Json& item = (*items)[i];
        const std::string at = child(items_path, i);
        if (!r.object(item, at)) return false;
        if (!r.keys(item, at, here, any, {"evt_info", "evt_info_raw"}, "", d.name)) return false;
        Element v{};
        if (!r.fields(d, item, at, here, v)) return false;
        if (!r.label(item, at, v.evt_info)) return false;
        out.push_back(v);
    }
    size = l.header_size + u64{element_size} * out.size();
    return true;
}

template <class Json>
bool read_entry(reader<Json>& r, const layout_desc& d, const Json& e, const std::string& path, planned_entry& out) {
    if (!r.object(e, path)) return false;
    const auto t = e.find("tag");
    const std::string tag_path = child(path, "tag");
    if (t == e.end()) return r.fail(tag_path, "missing key \"tag\"");
    const u64 widest = max_for_width(d.entry_header_size / 2u);
    u64 value = 0;
    tag known = tag::invalid;
    if (t->is_string() && enum_from_name(t->template get_ref<const std::string&>(), known)) value = to_u64(known);
    else if (t->is_string() && !is_hex_string(t->template get_ref<const std::string&>()))
        return r.fail(tag_path, "unknown tag name \"" + t->template get_ref<const std::string&>().substr(0, 40) + "\"");
    else if (!r.integer(*t, tag_path, widest, value)) return false;
    if (value == to_u64(tag::invalid)) return r.fail(tag_path, "tag 0 is never valid");
    if (value == to_u64(tag::end)) return r.fail(tag_path, "END is implicit: do not list it");
    out.tag_value = static_cast<u32>(value);
    const u32 hdr = d.entry_header_size;
    switch (static_cast<tag>(value <= 0xffff ? value : 0)) {
        case tag::dl_info:
            if (!read_fixed<dl_info>(r, d, e, path, d.dl_info.size, out)) return false;
            break;
        case tag::log_info:
            if (!read_fixed<log_info>(r, d, e, path, d.log_info.size, out)) return false;
            break;
        case tag::intel_info:
            if (!read_fixed<intel_info>(r, d, e, path, d.intel_info.size, out)) return false;
            break;
        case tag::amd_info:
            if (!read_fixed<amd_info>(r, d, e, path, d.amd_info.size, out)) return false;
            break;
        case tag::arm_info:
        case tag::uefi_info:
            out.what = planned_entry::kind::placeholder;
            for (auto it = e.begin(); it != e.end(); ++it)
                if (it.key() != "tag" && it.key() != "extra")
                    return r.fail(child(path, it.key()), "unknown key \"" + it.key().substr(0, 60) + "\"");
            out.size = d.placeholder_size;
            break;
        case tag::policy:
            out.what = planned_entry::kind::policy;
            return read_list(r, d, e, path, out.policy, out.revision, out.size);
        case tag::uefi_config:
            out.what = planned_entry::kind::uefi_config;
            return read_list(r, d, e, path, out.config, out.revision, out.size);
        default: {
            out.what = planned_entry::kind::raw;
            for (auto it = e.begin(); it != e.end(); ++it)
                if (it.key() != "tag" && it.key() != "raw")
                    return r.fail(child(path, it.key()), "unknown key \"" + it.key().substr(0, 60) + "\"");
            const auto raw = e.find("raw");
            if (raw == e.end()) return r.fail(child(path, "raw"), "missing key \"raw\" (payload of an unknown tag)");
            if (!r.hex_bytes(*raw, child(path, "raw"), out.extra)) return false;
            out.size = hdr + u64{out.extra.size()};
            return true;
        }
    }
    if (const auto x = e.find("extra"); x != e.end()) {
        if (!r.hex_bytes(*x, child(path, "extra"), out.extra)) return false;
        out.size += out.extra.size();
    }
    return true;
}

// Adds one planned entry through the builder.
inline result<entry_ref> add_entry(builder& b, const layout_desc& d, const planned_entry& p) {
    using kind = planned_entry::kind;
    switch (p.what) {
        case kind::raw: return b.add_raw(p.tag_value, byte_view(p.extra.data(), p.extra.size()));
        case kind::placeholder:
            if (p.extra.empty()) return b.add_placeholder(static_cast<tag>(p.tag_value));
            return b.add_raw(p.tag_value, byte_view(p.extra.data(), p.extra.size()));
        case kind::policy:
            return b.add_policy(p.policy.data(), static_cast<u16>(p.policy.size()), p.revision);
        case kind::uefi_config:
            return b.add_uefi_config(p.config.data(), static_cast<u16>(p.config.size()), p.revision);
        case kind::fixed: break;
    }
    auto fixed = [&](const auto& value, u16 size) -> result<entry_ref> {
        if (p.extra.empty()) return b.add(value);
        // Oversized entry (permissive tables): the fixed image, then the extra bytes.
        std::vector<u8> image(size, 0);
        if (const status s = encode(d, value, mutable_byte_view(image.data(), image.size())); !s) return s.err();
        image.erase(image.begin(), image.begin() + d.entry_header_size);
        image.insert(image.end(), p.extra.begin(), p.extra.end());
        return b.add_raw(p.tag_value, byte_view(image.data(), image.size()));
    };
    if (const auto* v = std::get_if<dl_info>(p.fixed.get())) return fixed(*v, d.dl_info.size);
    if (const auto* v = std::get_if<log_info>(p.fixed.get())) return fixed(*v, d.log_info.size);
    if (const auto* v = std::get_if<intel_info>(p.fixed.get())) return fixed(*v, d.intel_info.size);
    return fixed(std::get<amd_info>(*p.fixed), d.amd_info.size);
}

template <class Json>
bool encode_document(const Json& doc, std::vector<u8>& out, error_info& err) {
    reader<Json> r(err);
    err = {};
    if (!r.object(doc, "")) return false;
    static constexpr std::string_view top_keys[] = {"schema", "layout", "revision", "architecture", "max_size",
                                                    "entries"};
    for (auto it = doc.begin(); it != doc.end(); ++it)
        if (std::find(std::begin(top_keys), std::end(top_keys), it.key()) == std::end(top_keys))
            return r.fail(child("", it.key()), "unknown key \"" + it.key().substr(0, 60) + "\"");
    auto need = [&](const char* key) -> const Json* {
        const auto it = doc.find(key);
        if (it == doc.end()) {
            r.fail(child("", key), std::string("missing key \"") + key + "\"");
            return nullptr;
        }
        return &*it;
    };

    u64 n = 0;
    const Json* schema = need("schema");
    if (!schema || !r.integer(*schema, "/schema", ~u64{0}, n)) return false;
    if (n != schema_version) return r.fail("/schema", "schema must be 1");

    layout l = default_layout;
    if (const auto it = doc.find("layout"); it != doc.end()) {
        if (!it->is_string()) return r.fail("/layout", "must be a layout name (\"v6\", \"v9\", \"v10\", \"v12\", \"v16\")");
        if (!layout_from_name(it->template get_ref<const std::string&>().c_str(), l))
            return r.fail("/layout", "unknown layout \"" + it->template get_ref<const std::string&>().substr(0, 40) +
                                         "\" (v6, v9, v10, v12, v16)");
    }
    const layout_desc& d = describe(l);

    const Json* revision = need("revision");
    if (!revision || !r.integer(*revision, "/revision", 0xffff, n)) return false;
    if (n != table_revision) return r.fail("/revision", "the table revision is always 1");

    architecture arch{};
    const Json* a = need("architecture");
    if (!a || !r.enumeration(*a, "/architecture", 0xffff, arch)) return false;
    if (!is_known(arch)) return r.fail("/architecture", "must be intel_txt (1) or amd_skinit (2)");

    u64 max_size = 0;
    const Json* m = need("max_size");
    if (!m || !r.integer(*m, "/max_size", 0xffffffffu, max_size)) return false;

    const Json* entries = need("entries");
    if (!entries) return false;
    if (!entries->is_array()) return r.fail("/entries", "must be an array");

    // Read and size every entry first, so the buffer is only as large as the table can get.
    std::vector<planned_entry> plan;
    u64 bound = d.min_table_size();
    for (std::size_t i = 0; i < entries->size(); ++i) {
        plan.emplace_back();
        if (!read_entry(r, d, (*entries)[i], child("/entries", i), plan[i])) return false;
        bound += plan[i].size;  // checked after every entry, so it cannot wrap
        if (bound > 0xffffffffu) return r.fail(child("/entries", i), "the table would exceed 4 GiB");
    }

    // max_size is honoured: the builder refuses anything beyond it. The buffer is only as
    // large as the table can get (the builder may target a max_size beyond its buffer).
    // max_size 0 (coreboot style, permissive only) builds against the bound and is written
    // into the header afterwards.
    const u64 capacity = (max_size != 0 && max_size < bound) ? max_size : bound;
    std::vector<u8> buffer(static_cast<std::size_t>(capacity), 0);
    builder b(mutable_byte_view(buffer.data(), buffer.size()), l);
    if (const status s = b.init(arch, static_cast<u32>(max_size != 0 ? max_size : bound)); !s) {
        err.library = s.err();
        return r.fail("/max_size", "max_size " + std::to_string(max_size) + " cannot hold the table: " +
                                       to_string(s.err()));
    }
    for (std::size_t i = 0; i < plan.size(); ++i) {
        const result<entry_ref> added = add_entry(b, d, plan[i]);
        if (!added) {
            err.library = added.err();
            const bool full = added.err().code == errc::table_full;
            return r.fail(full ? std::string("/max_size") : child("/entries", i),
                          (full ? "max_size " + std::to_string(max_size) + " is too small at entry " +
                                      std::to_string(i) + ": "
                                : std::string()) +
                              to_string(added.err()));
        }
    }
    out.assign(buffer.begin(), buffer.begin() + b.size());
    if (max_size == 0) store_le(mutable_byte_view(out.data(), out.size()), 12, 4, 0);
    return true;
}

}  // namespace detail

// The layout a document names ("layout", v16 when absent or not a layout name).
template <class Json>
slrt::layout document_layout(const Json& doc) {
    layout l = default_layout;
    if (!doc.is_object()) return l;
    const auto it = doc.find("layout");
    if (it != doc.end() && it->is_string() && layout_from_name(it->template get_ref<const std::string&>().c_str(), l))
        return l;
    return default_layout;
}

// Encodes a JSON document (design notes, "JSON schema") in its layout (v16 when absent).
// On success `out` holds exactly `size` bytes (the header says the document's max_size);
// on failure `out` is untouched and `err` names the JSON pointer at fault. Never throws
// for any document (std::bad_alloc aside).
inline bool encode(const nlohmann::json& doc, std::vector<u8>& out, error_info& err) {
    return detail::encode_document(doc, out, err);
}
inline bool encode(const nlohmann::ordered_json& doc, std::vector<u8>& out, error_info& err) {
    return detail::encode_document(doc, out, err);
}

}  // namespace slrt::json
