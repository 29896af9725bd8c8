// SPDX-License-Identifier: MIT
// The one codec: native entry values to and from the bytes of any layout.
//
// Each entry kind lists its fields once, in `visit`: name, position in the
// layout, member. Decoding, encoding, the JSON tools and conversion all walk
// that list, so a field cannot be known to one of them and missed by another.
#pragma once

#include <cstddef>
#include <type_traits>

#include "slrt/bytes.hpp"
#include "slrt/entries.hpp"
#include "slrt/error.hpp"
#include "slrt/layout.hpp"

namespace slrt {

// f(const char* name, field_pos pos, Member& member) for every scalar field.
// V is the native type, const or not. Names are "<entry>.<field>" as in the spec.
template <class V, class F>
    requires std::is_same_v<std::remove_const_t<V>, dl_info>
constexpr void visit(const layout_desc& d, V& v, F&& f) {
    const dl_info_layout& l = d.dl_info;
    f("dl_info.dce_size", l.dce_size, v.dce_size);
    f("dl_info.dce_base", l.dce_base, v.dce_base);
    f("dl_info.dlme_size", l.dlme_size, v.dlme_size);
    f("dl_info.dlme_base", l.dlme_base, v.dlme_base);
    f("dl_info.dlme_entry", l.dlme_entry, v.dlme_entry);
    f("dl_info.dlme_header_offset", l.dlme_header_offset, v.dlme_header_offset);
    f("dl_info.dlme_config_table", l.dlme_config_table, v.dlme_config_table);
    f("dl_info.bl_context.bootloader", l.bootloader, v.bl_context.bootloader);
    f("dl_info.bl_context.context", l.context, v.bl_context.context);
    f(d.id == layout::v16 ? "dl_info.dl_launch" : "dl_info.dl_handler", l.dl_launch, v.dl_launch);
}

template <class V, class F>
    requires std::is_same_v<std::remove_const_t<V>, log_info>
constexpr void visit(const layout_desc& d, V& v, F&& f) {
    f("log_info.format", d.log_info.format, v.format);
    f("log_info.size", d.log_info.log_size, v.size);
    f("log_info.addr", d.log_info.addr, v.addr);
}

template <class V, class F>
    requires std::is_same_v<std::remove_const_t<V>, policy_entry>
constexpr void visit(const layout_desc& d, V& v, F&& f) {
    const policy_entry_layout& l = d.policy_entry;
    f("policy_entry.pcr", l.pcr, v.pcr);
    f("policy_entry.entity_type", l.entity_type, v.entity_type);
    f("policy_entry.flags", l.flags, v.flags);
    f("policy_entry.size", l.entity_size, v.size);
    f("policy_entry.entity", l.entity, v.entity);
}

template <class V, class F>
    requires std::is_same_v<std::remove_const_t<V>, uefi_cfg_entry>
constexpr void visit(const layout_desc& d, V& v, F&& f) {
    const uefi_cfg_entry_layout& l = d.uefi_cfg_entry;
    f("uefi_cfg_entry.pcr", l.pcr, v.pcr);
    f("uefi_cfg_entry.size", l.cfg_size, v.size);
    f("uefi_cfg_entry.cfg", l.cfg, v.cfg);
}

template <class V, class F>
    requires std::is_same_v<std::remove_const_t<V>, intel_info>
constexpr void visit(const layout_desc& d, V& v, F&& f) {
    const intel_info_layout& l = d.intel_info;
    f("intel_info.boot_params_addr", l.boot_params_addr, v.boot_params_addr);
    f("intel_info.txt_heap", l.txt_heap, v.txt_heap);
    f("intel_info.saved_misc_enable_msr", l.saved_misc_enable_msr, v.saved_misc_enable_msr);
    f("intel_info.saved_bsp_mtrrs.default_mem_type", field_pos{l.saved_bsp_mtrrs, 8}, v.saved_bsp_mtrrs.default_mem_type);
    f("intel_info.saved_bsp_mtrrs.mtrr_vcnt", field_pos{static_cast<u16>(l.saved_bsp_mtrrs + 8), 8},
      v.saved_bsp_mtrrs.mtrr_vcnt);
    for (u16 i = 0; i < max_variable_mtrrs; ++i) {
        const u16 at = static_cast<u16>(l.saved_bsp_mtrrs + 16 + 16 * i);
        f("intel_info.saved_bsp_mtrrs.mtrr_pair.mtrr_physbase", field_pos{at, 8},
          v.saved_bsp_mtrrs.mtrr_pair[i].mtrr_physbase);
        f("intel_info.saved_bsp_mtrrs.mtrr_pair.mtrr_physmask", field_pos{static_cast<u16>(at + 8), 8},
          v.saved_bsp_mtrrs.mtrr_pair[i].mtrr_physmask);
    }
}

template <class V, class F>
    requires std::is_same_v<std::remove_const_t<V>, amd_info>
constexpr void visit(const layout_desc& d, V& v, F&& f) {
    const amd_info_layout& l = d.amd_info;
    f("amd_info.next", l.next, v.next);
    f("amd_info.type", l.type, v.type);
    f("amd_info.len", l.len, v.len);
    f("amd_info.slrt_size", l.slrt_size, v.slrt_size);
    f("amd_info.slrt_base", l.slrt_base, v.slrt_base);
    f("amd_info.boot_params_base", l.boot_params_base, v.boot_params_base);
    f("amd_info.psp_version", l.psp_version, v.psp_version);
}

// The header of a list entry; `which` is the policy or UEFI-config list layout.
template <class V, class F>
    requires std::is_same_v<std::remove_const_t<V>, list_header>
constexpr void visit(const list_layout& which, const char* revision_name, const char* count_name, V& v, F&& f) {
    f(revision_name, which.revision, v.revision);
    f(count_name, which.nr_entries, v.nr_entries);
}

template <class T>
constexpr u64 to_u64(T value) {
    if constexpr (std::is_enum_v<T>)
        return static_cast<u64>(static_cast<std::underlying_type_t<T>>(value));
    else
        return static_cast<u64>(value);
}

// Reads every field present in the layout; absent fields keep their defaults.
// Precondition: `bytes` covers the layout's size for this kind.
struct field_reader {
    byte_view bytes;
    template <class M>
    constexpr void operator()(const char*, field_pos p, M& member) const {
        if (!p.present()) return;
        const u64 raw = load_le(bytes, p.offset, p.width);
        if constexpr (std::is_enum_v<M>)
            member = static_cast<M>(static_cast<std::underlying_type_t<M>>(raw));
        else
            member = static_cast<M>(raw);
    }
};

// Checks that every value fits its field in the layout, then (when `out` is
// non-empty) writes it. A value for a field the layout lacks must be zero
// (SLRT-C1); a value wider than its field is refused (SLRT-B3).
struct field_writer {
    mutable_byte_view out;
    error failure{};
    template <class M>
    constexpr void operator()(const char* name, field_pos p, const M& member) {
        if (failure) return;
        const u64 v = to_u64(member);
        if (!p.present()) {
            if (v != 0)
                failure = {errc::field_not_in_layout, 0, no_entry, name, "SLRT-C1",
                           "this layout has no such field, so a nonzero value would be lost", v, 0};
            return;
        }
        if (v > max_for_width(p.width)) {
            failure = {errc::value_out_of_range, p.offset, no_entry, name, "SLRT-B3",
                       "value does not fit the field's width in this layout", v, max_for_width(p.width)};
            return;
        }
        if (out.size() != 0) store_le(out, p.offset, p.width, v);
    }
};

template <class T>
constexpr T decode(const layout_desc& d, byte_view bytes) {
    T value{};
    visit(d, value, field_reader{bytes});
    return value;
}

// Writes `value` over the zero-filled bytes `out` (check only when `out` is empty).
template <class T>
constexpr status encode(const layout_desc& d, const T& value, mutable_byte_view out) {
    field_writer w{out};
    visit(d, value, w);
    if (w.failure) return w.failure;
    return success;
}

constexpr evt_label decode_label(byte_view bytes, field_pos p) {
    evt_label label;
    for (u32 i = 0; i < evt_info_length; ++i) label.bytes[i] = static_cast<char>(bytes[p.offset + i]);
    return label;
}
constexpr void encode_label(mutable_byte_view out, field_pos p, const evt_label& label) {
    for (u32 i = 0; i < evt_info_length; ++i) out[p.offset + i] = static_cast<u8>(label.bytes[i]);
}

constexpr policy_entry decode_policy_entry(const layout_desc& d, byte_view element) {
    policy_entry e = decode<policy_entry>(d, element);
    e.evt_info = decode_label(element, d.policy_entry.evt_info);
    return e;
}
constexpr uefi_cfg_entry decode_uefi_cfg_entry(const layout_desc& d, byte_view element) {
    uefi_cfg_entry e = decode<uefi_cfg_entry>(d, element);
    e.evt_info = decode_label(element, d.uefi_cfg_entry.evt_info);
    return e;
}

}  // namespace slrt
