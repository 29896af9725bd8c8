// SPDX-License-Identifier: MIT
// Layout profiles: where each field of each entry sits in one layout era.
//
// The SLRT revision stayed 1 while its layout changed five times (spec/slrt.md
// §3), so a layout is a named profile. A profile is pure data: the offset and
// width of every field, taken with offsetof from the overlays in wire.hpp. One
// codec (codec.hpp) reads and writes every era through these tables; a field a
// profile lacks has width 0.
#pragma once

#include <cstddef>

#include "slrt/bytes.hpp"
#include "slrt/wire.hpp"

namespace slrt {

enum class layout : u8 {
    v6,   // Linux v6–v8, spec 0.5, GRUB grub-sl-fc-38: u16 entry header
    v9,   // Linux v9, GRUB grub-sl-2.12-v9: u16 header, fields realigned
    v10,  // Linux v10–v11, spec 0.6 draft, GRUB grub-sl-2.12-v10/v11, 3mdeb GRUB, SKL
    v12,  // Linux v12–v15: 560-byte Intel info with boot_params_addr
    v16,  // Linux v16 (current): 88-byte DL info with dlme_header_offset, dlme_config_table
};
inline constexpr layout all_layouts[] = {layout::v6, layout::v9, layout::v10, layout::v12, layout::v16};
inline constexpr layout default_layout = layout::v16;

// Where a field sits inside its entry (or list element). width 0: not in this layout.
struct field_pos {
    u16 offset = 0;
    u8 width = 0;
    constexpr bool present() const { return width != 0; }
};

#define SLRT_FIELD(W, member) ::slrt::field_pos{static_cast<::slrt::u16>(offsetof(W, member)), sizeof(W::member)}

struct dl_info_layout {
    u16 size;
    field_pos dce_size, dce_base, dlme_size, dlme_base, dlme_entry, dlme_header_offset, dlme_config_table;
    field_pos bootloader, context, dl_launch;
    field_pos reserved[2];
    const char* dl_launch_name;  // "dl_launch" in v16, "dl_handler" before
};
struct log_info_layout {
    u16 size;
    field_pos format, log_size, addr;
    field_pos reserved;
};
// A list entry (policy, UEFI config): a header, then nr_entries fixed-size elements.
struct list_layout {
    u16 header_size;
    field_pos revision, nr_entries;
    field_pos reserved;
};
struct policy_entry_layout {
    u16 size;
    field_pos pcr, entity_type, flags, entity_size, entity, evt_info;
    field_pos reserved;
};
struct uefi_cfg_entry_layout {
    u16 size;
    field_pos pcr, cfg_size, cfg, evt_info;
    field_pos reserved;
};
struct intel_info_layout {
    u16 size;
    field_pos boot_params_addr, txt_heap, saved_misc_enable_msr;
    u16 saved_bsp_mtrrs;  // offset of the 528-byte mtrr_state, same shape in every era
    field_pos reserved;
};
struct amd_info_layout {
    u16 size;  // header only (no fields) in v6 and v9
    field_pos next, type, len, slrt_size, slrt_base, boot_params_base, psp_version;
    field_pos reserved;
};

// Everything the codec needs to know about one layout era.
struct layout_desc {
    layout id;
    const char* name;
    const char* era;
    u8 entry_header_size;  // tag and size each take half of it
    dl_info_layout dl_info;
    log_info_layout log_info;
    list_layout policy;
    policy_entry_layout policy_entry;
    intel_info_layout intel_info;
    amd_info_layout amd_info;
    u16 placeholder_size;  // arm_info, uefi_info: a bare header
    list_layout uefi_config;
    uefi_cfg_entry_layout uefi_cfg_entry;

    constexpr u32 end_size() const { return entry_header_size; }
    constexpr u32 min_table_size() const { return 16u + entry_header_size; }
};

namespace detail {

template <class Dl, class Bl>
constexpr dl_info_layout dl_info_common(u16 size) {
    dl_info_layout l{};
    l.size = size;
    l.dce_size = SLRT_FIELD(Dl, dce_size);
    l.dce_base = SLRT_FIELD(Dl, dce_base);
    l.dlme_entry = SLRT_FIELD(Dl, dlme_entry);
    const u16 bl = static_cast<u16>(offsetof(Dl, bl_context));
    l.bootloader = {static_cast<u16>(bl + offsetof(Bl, bootloader)), 2};
    l.context = {static_cast<u16>(bl + offsetof(Bl, context)), 8};
    l.reserved[0] = {static_cast<u16>(bl + offsetof(Bl, reserved)), sizeof(Bl::reserved)};
    l.dl_launch_name = "dl_handler";
    return l;
}

constexpr policy_entry_layout policy_entry_v9() {
    using W = wire::policy_entry_v9;
    return {sizeof(W), SLRT_FIELD(W, pcr), SLRT_FIELD(W, entity_type), SLRT_FIELD(W, flags),
            SLRT_FIELD(W, size), SLRT_FIELD(W, entity), SLRT_FIELD(W, evt_info), SLRT_FIELD(W, reserved)};
}
constexpr uefi_cfg_entry_layout uefi_cfg_entry_v9() {
    using W = wire::uefi_cfg_entry_v9;
    return {sizeof(W), SLRT_FIELD(W, pcr), SLRT_FIELD(W, size), SLRT_FIELD(W, cfg), SLRT_FIELD(W, evt_info),
            SLRT_FIELD(W, reserved)};
}
template <class Ll>
constexpr list_layout list_v10() {
    return {sizeof(Ll), SLRT_FIELD(Ll, revision), SLRT_FIELD(Ll, nr_entries), SLRT_FIELD(Ll, reserved)};
}
template <class Ll>
constexpr list_layout list_v6() {
    return {sizeof(Ll), SLRT_FIELD(Ll, revision), SLRT_FIELD(Ll, nr_entries), {}};
}
constexpr amd_info_layout amd_info_v10() {
    using W = wire::v10::amd_info;
    return {sizeof(W),
            SLRT_FIELD(W, next),
            SLRT_FIELD(W, type),
            SLRT_FIELD(W, len),
            SLRT_FIELD(W, slrt_size),
            SLRT_FIELD(W, slrt_base),
            SLRT_FIELD(W, boot_params_base),
            SLRT_FIELD(W, psp_version),
            SLRT_FIELD(W, reserved)};
}
constexpr log_info_layout log_info_v10() {
    using W = wire::v10::log_info;
    return {sizeof(W), SLRT_FIELD(W, format), SLRT_FIELD(W, size), SLRT_FIELD(W, addr), SLRT_FIELD(W, reserved)};
}

constexpr layout_desc make_v16() {
    namespace w = wire::v16;
    layout_desc d{};
    d.id = layout::v16;
    d.name = "v16";
    d.era = "Linux Secure Launch v16";
    d.entry_header_size = sizeof(w::entry_hdr);
    d.dl_info = dl_info_common<w::dl_info, w::bl_context>(sizeof(w::dl_info));
    d.dl_info.dlme_size = SLRT_FIELD(w::dl_info, dlme_size);
    d.dl_info.dlme_base = SLRT_FIELD(w::dl_info, dlme_base);
    d.dl_info.dlme_header_offset = SLRT_FIELD(w::dl_info, dlme_header_offset);
    d.dl_info.dlme_config_table = SLRT_FIELD(w::dl_info, dlme_config_table);
    d.dl_info.dl_launch = SLRT_FIELD(w::dl_info, dl_launch);
    d.dl_info.dl_launch_name = "dl_launch";
    d.log_info = log_info_v10();
    d.policy = list_v10<w::policy>();
    d.policy_entry = policy_entry_v9();
    d.intel_info = {sizeof(w::intel_info), SLRT_FIELD(w::intel_info, boot_params_addr),
                    SLRT_FIELD(w::intel_info, txt_heap), SLRT_FIELD(w::intel_info, saved_misc_enable_msr),
                    static_cast<u16>(offsetof(w::intel_info, saved_bsp_mtrrs)), {}};
    d.amd_info = amd_info_v10();
    d.placeholder_size = sizeof(w::arm_info);
    d.uefi_config = list_v10<w::uefi_config>();
    d.uefi_cfg_entry = uefi_cfg_entry_v9();
    return d;
}

constexpr layout_desc make_v12() {
    using Dl = wire::v12::dl_info;
    layout_desc d = make_v16();
    d.id = layout::v12;
    d.name = "v12";
    d.era = "Linux Secure Launch v12-v15";
    d.dl_info = dl_info_common<Dl, wire::v12::bl_context>(sizeof(Dl));
    d.dl_info.dlme_size = SLRT_FIELD(Dl, dlme_size);
    d.dl_info.dlme_base = SLRT_FIELD(Dl, dlme_base);
    d.dl_info.dl_launch = SLRT_FIELD(Dl, dl_handler);
    return d;
}

constexpr layout_desc make_v10() {
    layout_desc d = make_v12();
    using I = wire::v10::intel_info;
    d.id = layout::v10;
    d.name = "v10";
    d.era = "Linux Secure Launch v10-v11, GRUB grub-sl-2.12-v11, spec 0.6 draft";
    d.intel_info = {sizeof(I), {}, SLRT_FIELD(I, txt_heap), SLRT_FIELD(I, saved_misc_enable_msr),
                    static_cast<u16>(offsetof(I, saved_bsp_mtrrs)), {}};
    return d;
}

constexpr layout_desc make_v9() {
    namespace w = wire::v9;
    layout_desc d{};
    d.id = layout::v9;
    d.name = "v9";
    d.era = "Linux Secure Launch v9, GRUB grub-sl-2.12-v9";
    d.entry_header_size = sizeof(w::entry_hdr);
    d.dl_info = dl_info_common<w::dl_info, w::bl_context>(sizeof(w::dl_info));
    d.dl_info.dlme_size = SLRT_FIELD(w::dl_info, dlme_size);
    d.dl_info.dlme_base = SLRT_FIELD(w::dl_info, dlme_base);
    d.dl_info.dl_launch = SLRT_FIELD(w::dl_info, dl_handler);
    d.log_info = {sizeof(w::log_info), SLRT_FIELD(w::log_info, format), SLRT_FIELD(w::log_info, size),
                  SLRT_FIELD(w::log_info, addr), SLRT_FIELD(w::log_info, reserved)};
    d.policy = list_v6<w::policy>();
    d.policy_entry = policy_entry_v9();
    d.intel_info = {sizeof(w::intel_info), {}, SLRT_FIELD(w::intel_info, txt_heap),
                    SLRT_FIELD(w::intel_info, saved_misc_enable_msr),
                    static_cast<u16>(offsetof(w::intel_info, saved_bsp_mtrrs)),
                    SLRT_FIELD(w::intel_info, reserved)};
    d.amd_info = {sizeof(w::amd_info), {}, {}, {}, {}, {}, {}, {}, {}};
    d.placeholder_size = sizeof(w::arm_info);
    d.uefi_config = list_v6<w::uefi_config>();
    d.uefi_cfg_entry = uefi_cfg_entry_v9();
    return d;
}

constexpr layout_desc make_v6() {
    namespace w = wire::v6;
    layout_desc d = make_v9();
    d.id = layout::v6;
    d.name = "v6";
    d.era = "Linux Secure Launch v6-v8, spec 0.5, GRUB grub-sl-fc-38";
    d.dl_info = dl_info_common<w::dl_info, w::bl_context>(sizeof(w::dl_info));
    d.dl_info.dl_launch = SLRT_FIELD(w::dl_info, dl_handler);
    d.log_info = {sizeof(w::log_info), SLRT_FIELD(w::log_info, format), SLRT_FIELD(w::log_info, size),
                  SLRT_FIELD(w::log_info, addr), SLRT_FIELD(w::log_info, reserved)};
    d.policy_entry = {sizeof(w::policy_entry),       SLRT_FIELD(w::policy_entry, pcr),
                      SLRT_FIELD(w::policy_entry, entity_type), SLRT_FIELD(w::policy_entry, flags),
                      SLRT_FIELD(w::policy_entry, size),        SLRT_FIELD(w::policy_entry, entity),
                      SLRT_FIELD(w::policy_entry, evt_info),    SLRT_FIELD(w::policy_entry, reserved)};
    d.intel_info = {sizeof(w::intel_info), {}, {}, SLRT_FIELD(w::intel_info, saved_misc_enable_msr),
                    static_cast<u16>(offsetof(w::intel_info, saved_bsp_mtrrs)), {}};
    d.uefi_cfg_entry = {sizeof(w::uefi_cfg_entry), SLRT_FIELD(w::uefi_cfg_entry, pcr),
                        SLRT_FIELD(w::uefi_cfg_entry, size), SLRT_FIELD(w::uefi_cfg_entry, cfg),
                        SLRT_FIELD(w::uefi_cfg_entry, evt_info), SLRT_FIELD(w::uefi_cfg_entry, reserved)};
    return d;
}

inline constexpr layout_desc layouts[] = {make_v6(), make_v9(), make_v10(), make_v12(), make_v16()};

}  // namespace detail

constexpr const layout_desc& describe(layout l) { return detail::layouts[static_cast<u8>(l)]; }
constexpr const char* name(layout l) { return describe(l).name; }

// Parses "v6", "v9", "v10", "v12", "v16" and the era aliases "v7", "v8", "v11", "v13", "v14", "v15".
constexpr bool layout_from_name(const char* s, layout& out) {
    if (!s || (s[0] != 'v' && s[0] != 'V')) return false;
    unsigned n = 0;
    int digits = 0;
    for (const char* p = s + 1; *p; ++p, ++digits) {
        if (*p < '0' || *p > '9' || digits > 2) return false;
        n = n * 10 + static_cast<unsigned>(*p - '0');
    }
    if (digits == 0) return false;
    if (n >= 6 && n <= 8) out = layout::v6;
    else if (n == 9) out = layout::v9;
    else if (n == 10 || n == 11) out = layout::v10;
    else if (n >= 12 && n <= 15) out = layout::v12;
    else if (n == 16) out = layout::v16;
    else return false;
    return true;
}

// The profile tables agree with the facts of spec/slrt.md §3 (sizes per era).
static_assert(describe(layout::v16).dl_info.size == 88 && describe(layout::v12).dl_info.size == 72);
static_assert(describe(layout::v10).dl_info.size == 72 && describe(layout::v9).dl_info.size == 64);
static_assert(describe(layout::v6).dl_info.size == 44);
static_assert(describe(layout::v16).intel_info.size == 560 && describe(layout::v12).intel_info.size == 560);
static_assert(describe(layout::v10).intel_info.size == 552 && describe(layout::v9).intel_info.size == 552);
static_assert(describe(layout::v6).intel_info.size == 540);
static_assert(describe(layout::v6).log_info.size == 20 && describe(layout::v9).log_info.size == 24);
static_assert(describe(layout::v16).policy.header_size == 16 && describe(layout::v9).policy.header_size == 8);
static_assert(describe(layout::v6).policy_entry.entity.offset == 8 && describe(layout::v9).policy_entry.entity.offset == 16);
static_assert(describe(layout::v12).dl_info.dl_launch.offset == 64 && describe(layout::v16).dl_info.dl_launch.offset == 80);
static_assert(describe(layout::v12).dl_info.context.offset == 56 && describe(layout::v16).dl_info.context.offset == 72);
static_assert(describe(layout::v6).dl_info.context.offset == 8 && describe(layout::v6).dl_info.dce_size.width == 4);
static_assert(describe(layout::v16).amd_info.size == 56 && describe(layout::v9).amd_info.size == 4);

}  // namespace slrt
