// SPDX-License-Identifier: MIT
// Parsing and validating an SLRT from untrusted bytes (spec/slrt.md §5).
//
// parse() checks the whole table once, under one layout profile, and returns a
// `table`: a validated view whose iteration and accessors cannot fail. The
// view reads the caller's bytes again when asked for values, so those bytes
// must not change after parse(). For a DLME, whose table sits in memory an
// attacker controlled before the launch, use parse_copy(): it copies the table
// into memory the DLME owns and validates the copy.
#pragma once

#include <cstddef>
#include <type_traits>

#include "slrt/bytes.hpp"
#include "slrt/codec.hpp"
#include "slrt/constants.hpp"
#include "slrt/entries.hpp"
#include "slrt/error.hpp"
#include "slrt/layout.hpp"
#include "slrt/quirks.hpp"

namespace slrt {

enum class mode : u8 {
    strict,      // reject everything the specification forbids
    permissive,  // accept what real producers emit, naming each quirk
};

struct parse_options {
    slrt::layout layout = default_layout;
    slrt::mode mode = mode::strict;
};

// One entry of a validated table: its tag (u32 from v10 on), where it is, how big.
struct entry_ref {
    u32 tag = 0;
    u32 offset = 0;  // from the start of the table
    u32 size = 0;    // including the entry header
    u32 index = 0;   // 0-based position in table order
};

template <class T> inline constexpr tag tag_of = tag::invalid;
template <> inline constexpr tag tag_of<dl_info> = tag::dl_info;
template <> inline constexpr tag tag_of<log_info> = tag::log_info;
template <> inline constexpr tag tag_of<intel_info> = tag::intel_info;
template <> inline constexpr tag tag_of<amd_info> = tag::amd_info;

template <class T>
constexpr u16 layout_size(const layout_desc& d) {
    if constexpr (std::is_same_v<T, dl_info>) return d.dl_info.size;
    else if constexpr (std::is_same_v<T, log_info>) return d.log_info.size;
    else if constexpr (std::is_same_v<T, intel_info>) return d.intel_info.size;
    else return d.amd_info.size;
}

// The elements of a policy or UEFI config entry in a validated table.
template <class Element>
class list_view {
public:
    constexpr list_view() = default;
    constexpr list_view(const layout_desc* d, byte_view entry, list_header header, u32 header_size, u32 element_size)
        : d_(d), entry_(entry), header_(header), header_size_(header_size), element_size_(element_size) {}

    constexpr const list_header& header() const { return header_; }
    constexpr u16 revision() const { return header_.revision; }
    constexpr u32 size() const { return header_.nr_entries; }
    constexpr byte_view element_bytes(u32 i) const {
        return entry_.subview(header_size_ + i * element_size_, element_size_);
    }
    // Precondition: i < size().
    constexpr Element operator[](u32 i) const {
        if constexpr (std::is_same_v<Element, policy_entry>)
            return decode_policy_entry(*d_, element_bytes(i));
        else
            return decode_uefi_cfg_entry(*d_, element_bytes(i));
    }
    class iterator {
    public:
        constexpr iterator(const list_view* v, u32 i) : v_(v), i_(i) {}
        constexpr Element operator*() const { return (*v_)[i_]; }
        constexpr iterator& operator++() { ++i_; return *this; }
        constexpr bool operator==(const iterator& o) const { return i_ == o.i_; }
    private:
        const list_view* v_;
        u32 i_;
    };
    constexpr iterator begin() const { return {this, 0}; }
    constexpr iterator end() const { return {this, size()}; }

private:
    const layout_desc* d_ = nullptr;
    byte_view entry_{};
    list_header header_{};
    u32 header_size_ = 0;
    u32 element_size_ = 0;
};
using policy_view = list_view<policy_entry>;
using uefi_config_view = list_view<uefi_cfg_entry>;

class table;
constexpr result<table> parse(byte_view bytes, const parse_options& options = {});

// A table that passed validation. Cheap to copy: a view plus a few counters.
class table {
public:
    constexpr table() = default;

    constexpr slrt::layout layout() const { return layout_; }
    constexpr const layout_desc& desc() const { return describe(layout_); }
    constexpr slrt::mode mode() const { return mode_; }
    constexpr const table_header& header() const { return header_; }
    constexpr byte_view bytes() const { return bytes_; }  // exactly header().size bytes
    constexpr u32 entry_count() const { return entry_count_; }  // END excluded
    constexpr const quirk_log& quirks() const { return quirks_; }

    constexpr byte_view entry_bytes(const entry_ref& e) const { return bytes_.subview(e.offset, e.size); }
    constexpr byte_view payload(const entry_ref& e) const {
        return bytes_.subview(e.offset + desc().entry_header_size, e.size - desc().entry_header_size);
    }

    class iterator {
    public:
        constexpr iterator(const table* t, u32 offset, u32 index) : t_(t), ref_(t->ref_at(offset, index)) {}
        constexpr const entry_ref& operator*() const { return ref_; }
        constexpr const entry_ref* operator->() const { return &ref_; }
        constexpr iterator& operator++() {
            ref_ = t_->ref_at(ref_.offset + ref_.size, ref_.index + 1);
            return *this;
        }
        constexpr bool operator==(const iterator& o) const { return ref_.index == o.ref_.index; }
    private:
        const table* t_;
        entry_ref ref_;
    };
    // Entries in table order, END excluded. Validation proved every step.
    constexpr iterator begin() const { return {this, table_header_size, 0}; }
    constexpr iterator end() const { return {this, end_offset_, entry_count_}; }

    // The first entry with this tag (consumers use the first; strict rejects a second).
    constexpr result<entry_ref> find(tag t) const {
        for (const entry_ref& e : *this)
            if (e.tag == static_cast<u16>(t)) return e;
        return error{errc::missing_entry, header_.size, no_entry, name(t), "SLRT-X1",
                     "the table has no entry with this tag", static_cast<u16>(t), 0};
    }

    // Decoded fixed-size entries: dl_info, log_info, intel_info, amd_info.
    template <class T>
    constexpr result<T> get() const {
        const result<entry_ref> e = find(tag_of<T>);
        if (!e) return e.err();
        return decode_fixed<T>(entry_bytes(*e));
    }

    template <class Element>
    constexpr list_view<Element> list_at(const entry_ref& e) const {
        const bool is_policy = std::is_same_v<Element, policy_entry>;
        const list_layout& l = is_policy ? desc().policy : desc().uefi_config;
        const u32 element_size = is_policy ? desc().policy_entry.size : desc().uefi_cfg_entry.size;
        const byte_view b = entry_bytes(e);
        list_header h;
        visit(l, "", "", h, field_reader{b});
        return {&desc(), b, h, l.header_size, element_size};
    }

    // The first policy or UEFI config entry as a list.
    template <class Element>
    constexpr result<list_view<Element>> list(tag t) const {
        const result<entry_ref> e = find(t);
        if (!e) return e.err();
        return list_at<Element>(*e);
    }

    constexpr result<policy_view> policy() const { return list<policy_entry>(tag::policy); }
    constexpr result<uefi_config_view> uefi_config() const { return list<uefi_cfg_entry>(tag::uefi_config); }

    // Decodes a fixed-size entry from its bytes (a short permissive amd_info reads as zero-padded).
    template <class T>
    constexpr T decode_fixed(byte_view entry) const {
        const u16 want = layout_size<T>(desc());
        if (entry.size() >= want) return decode<T>(desc(), entry);
        u8 padded[600] = {};  // larger than every fixed entry of every layout
        for (std::size_t i = 0; i < entry.size(); ++i) padded[i] = entry[i];
        return decode<T>(desc(), byte_view(padded, want));
    }

private:
    friend constexpr result<table> parse(byte_view, const parse_options&);

    constexpr entry_ref ref_at(u32 offset, u32 index) const {
        if (index >= entry_count_) return {0, offset, 0, index};
        const u32 half = desc().entry_header_size / 2u;
        return {static_cast<u32>(load_le(bytes_, offset, half)), offset,
                static_cast<u32>(load_le(bytes_, offset + half, half)), index};
    }

    slrt::layout layout_ = default_layout;
    slrt::mode mode_ = mode::strict;
    table_header header_{};
    byte_view bytes_{};
    u32 entry_count_ = 0;
    u32 end_offset_ = 0;  // offset of the END entry
    quirk_log quirks_{};
};

namespace detail {

// Every check of parse() (spec/slrt.md §5) as a constant.
namespace rules {
inline constexpr check_rule h1{errc::truncated_header, "slr_table", "SLRT-H1",
                               "the 16-byte table header does not fit in the bytes given"};
inline constexpr check_rule h2{errc::bad_magic, "slr_table.magic", "SLRT-H2", "magic must be 0x4452544d"};
inline constexpr check_rule h3{errc::bad_revision, "slr_table.revision", "SLRT-H3", "revision must be 1"};
inline constexpr check_rule h4{errc::unknown_architecture, "slr_table.architecture", "SLRT-H4",
                               "architecture must be 1 (Intel TXT) or 2 (AMD SKINIT)"};
inline constexpr check_rule h5{errc::size_too_small, "slr_table.size", "SLRT-H5",
                               "size must cover the header and the END entry"};
inline constexpr check_rule h6{errc::size_exceeds_max_size, "slr_table.size", "SLRT-H6",
                               "size must not exceed max_size"};
inline constexpr check_rule h7{errc::size_exceeds_buffer, "slr_table.size", "SLRT-H7",
                               "size runs past the bytes given"};
inline constexpr check_rule e1{errc::entry_header_truncated, "slr_entry_hdr", "SLRT-E1",
                               "entry header does not fit before the end of the table"};
inline constexpr check_rule e2{errc::entry_size_too_small, "slr_entry_hdr.size", "SLRT-E2",
                               "entry size must cover its header"};
inline constexpr check_rule e3{errc::entry_exceeds_table, "slr_entry_hdr.size", "SLRT-E3",
                               "entry runs past the table size"};
inline constexpr check_rule e4{errc::missing_end, "slr_table.size", "SLRT-E4",
                               "the table must end with an END entry"};
inline constexpr check_rule e5{errc::end_not_last, "end", "SLRT-E5", "END must be the last entry; bytes follow it"};
inline constexpr check_rule e6{errc::invalid_tag, "slr_entry_hdr.tag", "SLRT-E6", "tag 0 is never valid"};
inline constexpr check_rule e7_end{errc::entry_size_mismatch, "end.hdr.size", "SLRT-E7",
                                   "the END entry is a bare header"};
inline constexpr const char* e7_words = "entry size must equal the layout's size for this tag";
inline constexpr check_rule e7_dl{errc::entry_size_mismatch, "dl_info.hdr.size", "SLRT-E7", e7_words};
inline constexpr check_rule e7_log{errc::entry_size_mismatch, "log_info.hdr.size", "SLRT-E7", e7_words};
inline constexpr check_rule e7_intel{errc::entry_size_mismatch, "intel_info.hdr.size", "SLRT-E7", e7_words};
inline constexpr check_rule e7_amd{errc::entry_size_mismatch, "amd_info.hdr.size", "SLRT-E7", e7_words};
inline constexpr check_rule e7_arm{errc::entry_size_mismatch, "arm_info.hdr.size", "SLRT-E7", e7_words};
inline constexpr check_rule e7_uefi{errc::entry_size_mismatch, "uefi_info.hdr.size", "SLRT-E7", e7_words};
inline constexpr check_rule e8{errc::duplicate_entry, "", "SLRT-E8", "this entry may appear only once"};
inline constexpr check_rule e9_intel{errc::architecture_mismatch, "intel_info", "SLRT-E9",
                                     "intel_info belongs only in an Intel TXT table"};
inline constexpr check_rule e9_amd{errc::architecture_mismatch, "amd_info", "SLRT-E9",
                                   "amd_info belongs only in an AMD SKINIT table"};
inline constexpr const char* e10_words = "reserved fields must be zero";
inline constexpr check_rule e10_bl{errc::reserved_nonzero, "dl_info.bl_context.reserved", "SLRT-E10", e10_words};
inline constexpr check_rule e10_log{errc::reserved_nonzero, "log_info.reserved", "SLRT-E10", e10_words};
inline constexpr check_rule e10_intel{errc::reserved_nonzero, "intel_info.reserved", "SLRT-E10", e10_words};
inline constexpr check_rule e10_amd{errc::reserved_nonzero, "amd_info.reserved", "SLRT-E10", e10_words};
inline constexpr const char* d2_words = "base + size wraps past 2^64";
inline constexpr check_rule d2_dce{errc::address_wrap, "dl_info.dce_base", "SLRT-D2", d2_words};
inline constexpr check_rule d2_dlme{errc::address_wrap, "dl_info.dlme_base", "SLRT-D2", d2_words};
inline constexpr check_rule d1{errc::dlme_entry_out_of_range, "dl_info.dlme_entry", "SLRT-D1",
                               "dlme_entry must be an offset inside the DLME (below dlme_size)"};
inline constexpr check_rule l1{errc::unknown_log_format, "log_info.format", "SLRT-L1",
                               "format must be 1 (TPM 1.2) or 2 (TPM 2.0)"};
inline constexpr check_rule l2{errc::address_wrap, "log_info.addr", "SLRT-L2", d2_words};
inline constexpr check_rule i1{errc::mtrr_vcnt_too_large, "intel_info.saved_bsp_mtrrs.mtrr_vcnt", "SLRT-I1",
                               "at most 32 variable MTRR pairs"};
inline constexpr check_rule i2{errc::reserved_nonzero, "intel_info.saved_bsp_mtrrs.mtrr_pair", "SLRT-I2",
                               "MTRR pairs at index mtrr_vcnt and above must be zero"};
inline constexpr check_rule a1{errc::amd_info_bad_len, "amd_info.len", "SLRT-A1",
                               "len is the setup_data payload length (entry size - 24)"};

// The checks of a policy or UEFI config entry and its elements (SLRT-E7, E10, P1..P5).
struct list_rules {
    check_rule size, nr_entries, reserved, revision, pcr, element_reserved, unterminated, padding;
};
inline constexpr list_rules policy{
    {errc::entry_size_mismatch, "policy.hdr.size", "SLRT-E7", "a list entry must hold at least its header"},
    {errc::count_mismatch, "policy.nr_entries", "SLRT-P1", "nr_entries elements must fill the entry exactly"},
    {errc::reserved_nonzero, "policy.reserved", "SLRT-E10", e10_words},
    {errc::bad_entry_revision, "policy.revision", "SLRT-P2", "revision must be 1"},
    {errc::pcr_out_of_range, "policy_entry.pcr", "SLRT-P3", "PCR index must be below 24"},
    {errc::reserved_nonzero, "policy_entry.reserved", "SLRT-E10", e10_words},
    {errc::evt_info_unterminated, "policy_entry.evt_info", "SLRT-P4", "evt_info must hold a NUL within its 32 bytes"},
    {errc::reserved_nonzero, "policy_entry.evt_info", "SLRT-P5", "evt_info bytes after the first NUL must be zero"},
};
inline constexpr list_rules uefi_config{
    {errc::entry_size_mismatch, "uefi_config.hdr.size", "SLRT-E7", "a list entry must hold at least its header"},
    {errc::count_mismatch, "uefi_config.nr_entries", "SLRT-P1", "nr_entries elements must fill the entry exactly"},
    {errc::reserved_nonzero, "uefi_config.reserved", "SLRT-E10", e10_words},
    {errc::bad_entry_revision, "uefi_config.revision", "SLRT-P2", "revision must be 1"},
    {errc::pcr_out_of_range, "uefi_cfg_entry.pcr", "SLRT-P3", "PCR index must be below 24"},
    {errc::reserved_nonzero, "uefi_cfg_entry.reserved", "SLRT-E10", e10_words},
    {errc::evt_info_unterminated, "uefi_cfg_entry.evt_info", "SLRT-P4",
     "evt_info must hold a NUL within its 32 bytes"},
    {errc::reserved_nonzero, "uefi_cfg_entry.evt_info", "SLRT-P5", "evt_info bytes after the first NUL must be zero"},
};

}  // namespace rules

// Validation state for one parse. Each check either passes, records a quirk
// (permissive), or stores the first error; later checks stop once one failed.
struct checker {
    const layout_desc& d;
    byte_view bytes;
    slrt::mode mode;
    quirk_log& quirks;
    u32 entry_index = no_entry;
    error failure{};

    constexpr bool failed() const { return failure.code != errc::ok; }

    // fail, tolerate and read stay out of line: a check site is then a call with a rule constant,
    // not the error's eight stores or a byte loop (the validator is meant for boot loaders).
    [[gnu::noinline]] constexpr bool fail(const check_rule& r, u32 offset, u64 value, u64 limit) {
        if (!failed()) failure = r.at(offset, entry_index, value, limit);
        return false;
    }
    // A deviation permissive mode tolerates: a quirk there, an error in strict mode.
    [[gnu::noinline]] constexpr bool tolerate(quirk q, const check_rule& r, u32 offset, u64 value, u64 limit) {
        if (mode == mode::permissive) {
            quirks.add(q, offset, entry_index);
            return true;
        }
        return fail(r, offset, value, limit);
    }
    [[gnu::noinline]] constexpr u64 read(u32 base, field_pos p) const {
        return load_le(bytes, base + p.offset, p.width);
    }

    constexpr void reserved_zero(u32 base, field_pos p, const check_rule& r) {
        if (!p.present()) return;
        if (const u64 v = read(base, p); v != 0) tolerate(quirk::reserved_nonzero, r, base + p.offset, v, 0);
    }

    // [base, base + size) must be representable in 64 bits.
    constexpr void no_wrap(u32 at, u64 base, u64 size, const check_rule& r) {
        if (size > ~u64{0} - base) fail(r, at, base, ~u64{0} - size);
    }

    constexpr void label(u32 at, const rules::list_rules& r) {
        u32 n = 0;
        while (n < evt_info_length && bytes[at + n] != 0) ++n;
        if (n == evt_info_length) {
            tolerate(quirk::evt_info_unterminated, r.unterminated, at, evt_info_length, evt_info_length - 1);
            return;
        }
        for (u32 i = n; i < evt_info_length; ++i)
            if (bytes[at + i] != 0) {
                tolerate(quirk::reserved_nonzero, r.padding, at + i, bytes[at + i], 0);
                return;
            }
    }

    // A fixed-size entry must be exactly its layout's size (strict) or at least it (permissive).
    constexpr bool fixed_size(u32 at, u32 size, u32 want, const check_rule& r) {
        if (size == want) return true;
        if (size > want) return tolerate(quirk::oversized_entry, r, at, size, want);
        return fail(r, at, size, want);
    }

    // Policy and UEFI config: header, then nr_entries elements filling the entry exactly.
    // The element fields both lists check, so one function serves both.
    struct element_fields {
        u16 size;
        field_pos pcr, evt_info, reserved;
    };
    constexpr void list(u32 at, u32 size, const list_layout& l, element_fields e, const rules::list_rules& r) {
        if (size < l.header_size) {
            fail(r.size, at, size, l.header_size);
            return;
        }
        const u64 nr = read(at, l.nr_entries);
        const u32 room = size - l.header_size;
        if (u64{nr} * e.size != room) {
            fail(r.nr_entries, at + l.nr_entries.offset, nr, room / e.size);
            return;
        }
        reserved_zero(at, l.reserved, r.reserved);
        if (const u64 revision = read(at, l.revision); revision != 1)
            tolerate(quirk::entry_revision_not_1, r.revision, at + l.revision.offset, revision, 1);
        for (u32 i = 0; i < nr && !failed(); ++i) {
            const u32 element = at + l.header_size + i * e.size;
            if (const u64 p = read(element, e.pcr); p > max_pcr) fail(r.pcr, element + e.pcr.offset, p, max_pcr);
            reserved_zero(element, e.reserved, r.element_reserved);
            label(element + e.evt_info.offset, r);
        }
    }

    constexpr void dl(u32 at) {
        const dl_info_layout& l = d.dl_info;
        reserved_zero(at, l.reserved[0], rules::e10_bl);
        no_wrap(at + l.dce_base.offset, read(at, l.dce_base), read(at, l.dce_size), rules::d2_dce);
        if (!l.dlme_size.present()) return;  // v6: no DLME extent to check against
        const u64 base = read(at, l.dlme_base), size = read(at, l.dlme_size), entry = read(at, l.dlme_entry);
        no_wrap(at + l.dlme_base.offset, base, size, rules::d2_dlme);
        if (entry >= size) fail(rules::d1, at + l.dlme_entry.offset, entry, size);
    }

    constexpr void log(u32 at) {
        const log_info_layout& l = d.log_info;
        const u64 format = read(at, l.format);
        if (!is_known(static_cast<log_format>(format))) fail(rules::l1, at + l.format.offset, format, 2);
        reserved_zero(at, l.reserved, rules::e10_log);
        no_wrap(at + l.addr.offset, read(at, l.addr), read(at, l.log_size), rules::l2);
    }

    constexpr void intel(u32 at) {
        reserved_zero(at, d.intel_info.reserved, rules::e10_intel);
        const u32 mtrrs = at + d.intel_info.saved_bsp_mtrrs;
        const u64 vcnt = read(mtrrs, {8, 8});
        if (vcnt > max_variable_mtrrs) {
            fail(rules::i1, mtrrs + 8, vcnt, max_variable_mtrrs);
            return;
        }
        const u32 end = mtrrs + 16 + max_variable_mtrrs * 16;
        for (u32 i = mtrrs + 16 + static_cast<u32>(vcnt) * 16; i < end; ++i)
            if (bytes[i] != 0) {
                tolerate(quirk::reserved_nonzero, rules::i2, i, bytes[i], 0);
                return;
            }
    }

    constexpr void amd(u32 at, u32 size) {
        const amd_info_layout& l = d.amd_info;
        if (!l.len.present()) return;  // header-only era
        if (size >= l.reserved.offset + l.reserved.width)  // a short 48-byte entry has none
            reserved_zero(at, l.reserved, rules::e10_amd);
        const u64 len = read(at, l.len);
        const u64 payload = size - (l.len.offset + l.len.width);  // setup_data payload follows len
        if (len == payload) return;
        if (len == size)
            tolerate(quirk::amd_info_len_whole_entry, rules::a1, at + l.len.offset, len, payload);
        else
            fail(rules::a1, at + l.len.offset, len, payload);
    }

    constexpr void entry(u32 at, u32 tag_value, u32 size, architecture arch, u32& seen) {
        if (tag_value >= 1 && tag_value <= 5) {  // singletons
            if (seen & (1u << tag_value)) {
                if (mode != mode::permissive) {
                    failure = rules::e8.at(at, entry_index, tag_value, 1);
                    failure.field = name(static_cast<tag>(tag_value));
                    return;
                }
                quirks.add(quirk::duplicate_singleton, at, entry_index);
            }
            seen |= 1u << tag_value;
        }
        switch (tag_value) {
            case static_cast<u16>(tag::dl_info):
                if (fixed_size(at, size, d.dl_info.size, rules::e7_dl)) dl(at);
                break;
            case static_cast<u16>(tag::log_info):
                if (fixed_size(at, size, d.log_info.size, rules::e7_log)) log(at);
                break;
            case static_cast<u16>(tag::policy):
                list(at, size, d.policy, {d.policy_entry.size, d.policy_entry.pcr, d.policy_entry.evt_info, d.policy_entry.reserved},
                     rules::policy);
                break;
            case static_cast<u16>(tag::uefi_config):
                list(at, size, d.uefi_config,
                     {d.uefi_cfg_entry.size, d.uefi_cfg_entry.pcr, d.uefi_cfg_entry.evt_info, d.uefi_cfg_entry.reserved},
                     rules::uefi_config);
                break;
            case static_cast<u16>(tag::intel_info):
                if (arch != architecture::intel_txt)
                    fail(rules::e9_intel, at, static_cast<u16>(arch), 1);
                else if (fixed_size(at, size, d.intel_info.size, rules::e7_intel))
                    intel(at);
                break;
            case static_cast<u16>(tag::amd_info):
                if (arch != architecture::amd_skinit) {
                    fail(rules::e9_amd, at, static_cast<u16>(arch), 2);
                } else if (size == 48 && d.amd_info.size == 56 && mode == mode::permissive) {
                    // The GRUB TrenchBoot dev tree writes a 48-byte entry without psp_version.
                    quirks.add(quirk::amd_info_short_48, at, entry_index);
                    amd(at, size);
                } else if (fixed_size(at, size, d.amd_info.size, rules::e7_amd)) {
                    amd(at, size);
                }
                break;
            case static_cast<u16>(tag::arm_info):
                fixed_size(at, size, d.placeholder_size, rules::e7_arm);
                break;
            case static_cast<u16>(tag::uefi_info):
                fixed_size(at, size, d.placeholder_size, rules::e7_uefi);
                break;
            default:
                break;  // unknown tags are carried, not interpreted (spec §5.2)
        }
    }

    // The table header (SLRT-H1..H7); on success `bytes` is cut to header.size.
    constexpr bool header(table_header& h) {
        if (bytes.size() < table_header_size) return fail(rules::h1, 0, bytes.size(), table_header_size);
        h.magic = static_cast<u32>(read(0, {0, 4}));
        h.revision = static_cast<u16>(read(0, {4, 2}));
        h.architecture = static_cast<architecture>(read(0, {6, 2}));
        h.size = static_cast<u32>(read(0, {8, 4}));
        h.max_size = static_cast<u32>(read(0, {12, 4}));
        if (h.magic != table_magic) return fail(rules::h2, 0, h.magic, table_magic);
        if (h.revision != table_revision) return fail(rules::h3, 4, h.revision, table_revision);
        if (!is_known(h.architecture)) return fail(rules::h4, 6, static_cast<u16>(h.architecture), 2);
        if (h.size < d.min_table_size()) return fail(rules::h5, 8, h.size, d.min_table_size());
        if (h.size > h.max_size) {
            if (h.max_size != 0 || mode != mode::permissive) return fail(rules::h6, 8, h.size, h.max_size);
            quirks.add(quirk::max_size_zero, 12, no_entry);
        }
        if (h.size > bytes.size()) return fail(rules::h7, 8, h.size, bytes.size());
        bytes = bytes.subview(0, h.size);
        return true;
    }

    // The entries up to END (SLRT-E1..E6 here, the rest per tag); returns END's offset.
    constexpr u32 entries(const table_header& h, u32& count) {
        const u32 hdr = d.entry_header_size, half = hdr / 2;
        u32 at = table_header_size, seen = 0;
        for (entry_index = 0;; ++entry_index) {
            const u32 remaining = h.size - at;
            if (remaining == 0) {
                entry_index = no_entry;
                fail(rules::e4, at, h.size, 0);
                break;
            }
            if (remaining < hdr) {
                fail(rules::e1, at, hdr, remaining);
                break;
            }
            const u32 tag_value = static_cast<u32>(read(at, {0, static_cast<u8>(half)}));
            const u32 size = static_cast<u32>(read(at, {static_cast<u16>(half), static_cast<u8>(half)}));
            if (size < hdr) {
                fail(rules::e2, at + half, size, hdr);
                break;
            }
            if (size > remaining) {
                fail(rules::e3, at + half, size, remaining);
                break;
            }
            if (tag_value == static_cast<u16>(tag::invalid)) {
                fail(rules::e6, at, 0, 0);
                break;
            }
            if (tag_value == static_cast<u16>(tag::end)) {
                if (size != hdr)
                    fail(rules::e7_end, at + half, size, hdr);
                else if (size != remaining)
                    fail(rules::e5, at, remaining - size, 0);
                break;
            }
            entry(at, tag_value, size, h.architecture, seen);
            if (failed()) break;
            at += size;
        }
        count = entry_index;
        return at;
    }
};

}  // namespace detail

// Validates `bytes` as an SLRT of one layout (spec/slrt.md §5, rules H*, E*, P*, D*, L*, I*, A*).
constexpr result<table> parse(byte_view bytes, const parse_options& options) {
    table t;
    t.layout_ = options.layout;
    t.mode_ = options.mode;
    detail::checker c{describe(options.layout), bytes, options.mode, t.quirks_};
    if (c.header(t.header_)) {
        t.bytes_ = c.bytes;
        t.end_offset_ = c.entries(t.header_, t.entry_count_);
    }
    if (c.failed()) return c.failure;
    return t;
}

// Copy-then-validate (spec §5.4): reads `size` from `source` once, copies that many
// bytes into `owned` and validates the copy. Nothing is read from `source` again.
// On failure `owned` may hold a partial copy but no table is returned.
constexpr result<table> parse_copy(byte_view source, mutable_byte_view owned, const parse_options& options = {}) {
    if (source.size() < table_header_size)
        return detail::rules::h1.at(0, no_entry, source.size(), table_header_size);
    const u32 size = static_cast<u32>(load_le(source, 8, 4));
    if (size > source.size())
        return detail::rules::h7.at(8, no_entry, size, source.size());
    const u32 count = size < table_header_size ? table_header_size : size;
    if (count > owned.size())
        return error{errc::buffer_too_small, 8, no_entry, "slr_table.size", "SLRT-B1",
                     "the destination cannot hold the table", count, owned.size()};
    copy(owned, 0, source.subview(0, count));
    // The copy carries the size read above even if the source changed meanwhile.
    store_le(owned, 8, 4, size);
    return parse(byte_view(owned.data(), count), options);
}

}  // namespace slrt
