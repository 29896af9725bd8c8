// SPDX-License-Identifier: MIT
// Layout detection and conversion between layout profiles (spec/slrt.md §6).
//
// The revision field never changed, so a table does not say which layout it
// uses. detect() tries every profile and says which ones the bytes are
// consistent with; convert() re-encodes a validated table in another profile,
// refusing where a value would be lost and listing the fields it had to zero.
#pragma once

#include "slrt/builder.hpp"
#include "slrt/codec.hpp"
#include "slrt/error.hpp"
#include "slrt/layout.hpp"
#include "slrt/table.hpp"

namespace slrt {

struct detection {
    u8 strict = 0;      // bit i: parses strictly as all_layouts[i]
    u8 permissive = 0;  // bit i: parses permissively as all_layouts[i]
    slrt::layout best = default_layout;  // what to parse with when no layout is given
    error best_error{};                  // why `best` fails, when nothing parses

    constexpr bool matches(slrt::layout l) const { return (strict >> static_cast<u8>(l)) & 1u; }
    constexpr bool matches_permissive(slrt::layout l) const { return (permissive >> static_cast<u8>(l)) & 1u; }
    constexpr bool any() const { return strict != 0; }
};

// Best guess: the newest layout that parses strictly, else the newest that parses
// permissively, else the one whose strict parse got furthest into the table.
constexpr detection detect(byte_view bytes) {
    detection d;
    layout furthest = default_layout;
    error furthest_error{};
    bool any_error = false;
    for (layout l : all_layouts) {
        const u8 bit = static_cast<u8>(1u << static_cast<u8>(l));
        const result<table> s = parse(bytes, {l, mode::strict});
        if (s) {
            d.strict |= bit;
            d.permissive |= bit;
            continue;
        }
        if (parse(bytes, {l, mode::permissive})) d.permissive |= bit;
        if (!any_error || s.err().offset >= furthest_error.offset) {
            furthest = l;
            furthest_error = s.err();
            any_error = true;
        }
    }
    d.best = furthest;
    d.best_error = furthest_error;
    for (layout l : all_layouts)
        if (d.matches_permissive(l)) {
            d.best = l;
            d.best_error = {};
        }
    for (layout l : all_layouts)
        if (d.matches(l)) d.best = l;
    return d;
}

// The fields a conversion had to set to zero because the source layout lacks them.
struct convert_report {
    static constexpr u32 capacity = 16;
    const char* zeroed[capacity] = {};
    u32 count = 0;

    constexpr void add(const char* field) {
        for (u32 i = 0; i < count; ++i)
            if (zeroed[i] == field) return;
        if (count < capacity) zeroed[count++] = field;
    }
};

namespace detail {

// Lists the fields of T present in layout `to` but absent from layout `from`.
template <class T>
constexpr void note_new_fields(const layout_desc& from, const layout_desc& to, convert_report& report) {
    bool present[80] = {};
    u32 n = 0;
    T probe{};
    visit(from, probe, [&](const char*, field_pos p, auto&) { present[n++] = p.present(); });
    n = 0;
    visit(to, probe, [&](const char* name, field_pos p, auto&) {
        if (p.present() && !present[n]) report.add(name);
        ++n;
    });
}

constexpr error at_entry(error e, const entry_ref& ref) {
    e.offset = ref.offset;
    e.entry_index = ref.index;
    return e;
}

}  // namespace detail

// Re-encodes a strictly valid `source` in layout `to` into `out` and validates the result.
// Returns the new table size. Fails with field_not_in_layout / value_out_of_range where a
// value cannot be carried, and with the target's validation error where the result would
// break a rule of that layout (for example dlme_size missing when converting from v6).
constexpr result<u32> convert(const table& source, layout to, mutable_byte_view out, convert_report* report = nullptr) {
    if (source.mode() != mode::strict)
        return error{errc::bad_argument, 0, no_entry, "table", "SLRT-C2",
                     "only a strictly valid table can be converted", 0, 0};
    const layout_desc& from = source.desc();
    const layout_desc& dst = describe(to);
    builder b(out, to);
    if (const status s = b.init(source.header().architecture, source.header().max_size); !s) return s.err();
    convert_report local;
    convert_report& notes = report ? *report : local;

    for (const entry_ref& e : source) {
        const byte_view bytes = source.entry_bytes(e);
        // A fixed-size entry: decode in the source layout, encode in the target one.
        auto carry = [&]<class T>(const T*) {
            detail::note_new_fields<T>(from, dst, notes);
            return b.add(source.decode_fixed<T>(bytes));
        };
        result<entry_ref> added = error{};
        // Switch on the whole u32: a v10+ tag such as 0x00010001 is unknown, not dl_info.
        switch (e.tag) {
            case static_cast<u16>(tag::dl_info): added = carry(static_cast<const dl_info*>(nullptr)); break;
            case static_cast<u16>(tag::log_info): added = carry(static_cast<const log_info*>(nullptr)); break;
            case static_cast<u16>(tag::intel_info): added = carry(static_cast<const intel_info*>(nullptr)); break;
            case static_cast<u16>(tag::amd_info): added = carry(static_cast<const amd_info*>(nullptr)); break;
            case static_cast<u16>(tag::arm_info):
            case static_cast<u16>(tag::uefi_info):
                added = b.add_placeholder(static_cast<tag>(e.tag));
                break;
            case static_cast<u16>(tag::policy): {
                const policy_view list = source.list_at<policy_entry>(e);
                added = b.add_policy(static_cast<u16>(list.size()), list.revision());
                for (u32 i = 0; added && i < list.size(); ++i)
                    if (const status s = b.set_policy_entry(*added, static_cast<u16>(i), list[i]); !s) added = s.err();
                break;
            }
            case static_cast<u16>(tag::uefi_config): {
                const uefi_config_view list = source.list_at<uefi_cfg_entry>(e);
                added = b.add_uefi_config(static_cast<u16>(list.size()), list.revision());
                for (u32 i = 0; added && i < list.size(); ++i)
                    if (const status s = b.set_uefi_cfg_entry(*added, static_cast<u16>(i), list[i]); !s) added = s.err();
                break;
            }
            default:
                added = b.add_raw(e.tag, source.payload(e));
                break;
        }
        if (!added) return detail::at_entry(added.err(), e);
    }
    const result<table> check = parse(b.bytes(), {to, mode::strict});
    if (!check) return check.err();
    return b.size();
}

}  // namespace slrt
