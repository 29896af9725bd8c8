// SPDX-License-Identifier: MIT
// Building an SLRT into a caller-provided buffer (spec/slrt.md §4).
//
// The byte sequence equals what the Linux and GRUB helpers produce for the same
// entries: init writes the header and an END entry; each add writes the entry
// over the END, grows `size` by the entry size and writes a fresh END after it.
// After every call the buffer holds a well-formed table: END last,
// size <= max_size, no wrap-around, every entry at least a header. A call that
// fails leaves every byte of the buffer as it was.
#pragma once

#include "slrt/bytes.hpp"
#include "slrt/codec.hpp"
#include "slrt/constants.hpp"
#include "slrt/entries.hpp"
#include "slrt/error.hpp"
#include "slrt/layout.hpp"
#include "slrt/table.hpp"

namespace slrt {

class builder {
public:
    constexpr builder() = default;
    constexpr explicit builder(mutable_byte_view buffer, slrt::layout l = default_layout) : buffer_(buffer), layout_(l) {}

    // Continues a table already in `buffer` (validated strictly under layout `l`).
    // The buffer may be smaller than max_size: appends stop at whichever ends first.
    static constexpr result<builder> open(mutable_byte_view buffer, slrt::layout l = default_layout) {
        const result<table> t = parse(buffer, {l, mode::strict});
        if (!t) return t.err();
        builder b(buffer, l);
        b.size_ = t->header().size;
        b.max_size_ = t->header().max_size;
        b.entries_ = t->entry_count();
        return b;
    }

    constexpr slrt::layout layout() const { return layout_; }
    constexpr u32 size() const { return size_; }
    constexpr u32 max_size() const { return max_size_; }
    constexpr byte_view bytes() const { return byte_view(buffer_.data(), size_); }

    // slr_init_table: header, then an END entry at offset 16.
    constexpr status init(architecture arch, u32 max_size) {
        const layout_desc& d = describe(layout_);
        if (!is_known(arch))
            return error{errc::bad_argument, 6, no_entry, "slr_table.architecture", "SLRT-B4",
                         "architecture must be 1 (Intel TXT) or 2 (AMD SKINIT)", to_u64(arch), 2};
        if (max_size < d.min_table_size())
            return error{errc::table_full, 12, no_entry, "slr_table.max_size", "SLRT-B2",
                         "max_size must hold the header and the END entry", max_size, d.min_table_size()};
        if (buffer_.size() < d.min_table_size())
            return error{errc::buffer_too_small, 0, no_entry, "slr_table", "SLRT-B1",
                         "the buffer cannot hold the header and the END entry", buffer_.size(), d.min_table_size()};
        store_le(buffer_, 0, 4, table_magic);
        store_le(buffer_, 4, 2, table_revision);
        store_le(buffer_, 6, 2, to_u64(arch));
        store_le(buffer_, 12, 4, max_size);
        size_ = d.min_table_size();
        max_size_ = max_size;
        entries_ = 0;
        write_end();
        return success;
    }

private:
    // Helpers come before their callers: clang 14 cannot constant-evaluate a member
    // template that is defined later in the class.
    constexpr void write_end() {
        const layout_desc& d = describe(layout_);
        const u32 half = d.entry_header_size / 2u;
        const u32 at = size_ - d.entry_header_size;
        store_le(buffer_, at, half, static_cast<u16>(tag::end));
        store_le(buffer_, at + half, half, d.entry_header_size);
        store_le(buffer_, 8, 4, size_);
    }

    // slr_add_entry: every check first, then the writes.
    template <class Fill>
    constexpr result<entry_ref> append(u32 tag_value, u64 entry_size, Fill&& fill) {
        const layout_desc& d = describe(layout_);
        const u32 half = d.entry_header_size / 2u;
        if (size_ == 0)
            return error{errc::bad_argument, 0, no_entry, "slr_table", "SLRT-B4", "init() must come first", 0, 0};
        if (tag_value > max_for_width(half))
            return error{errc::value_out_of_range, size_, no_entry, "slr_entry_hdr.tag", "SLRT-B3",
                         "tag does not fit this layout's entry header", tag_value, max_for_width(half)};
        if (entry_size > max_for_width(half))
            return error{errc::value_out_of_range, size_, no_entry, "slr_entry_hdr.size", "SLRT-B3",
                         "entry size does not fit this layout's entry header", entry_size, max_for_width(half)};
        if (entry_size > u64{max_size_} - size_)
            return error{errc::table_full, size_, no_entry, "slr_table.size", "SLRT-B2",
                         "the entry does not fit in max_size", u64{size_} + entry_size, max_size_};
        if (entry_size > u64{buffer_.size()} - size_)
            return error{errc::buffer_too_small, size_, no_entry, "slr_table.size", "SLRT-B1",
                         "the entry does not fit in the buffer", u64{size_} + entry_size, buffer_.size()};
        const u32 at = size_ - d.entry_header_size;  // over the current END
        const u32 n = static_cast<u32>(entry_size);
        mutable_byte_view e = buffer_.subview(at, n);
        slrt::fill(e, 0, n, 0);
        store_le(e, 0, half, tag_value);
        store_le(e, half, half, n);
        fill(e);
        size_ += n;
        write_end();
        return entry_ref{tag_value, at, n, entries_++};
    }

    template <class T>
    constexpr result<entry_ref> add_fixed(tag t, u16 entry_size, const T& v) {
        const layout_desc& d = describe(layout_);
        if (const status s = encode(d, v, {}); !s) return s.err();
        return append(static_cast<u16>(t), entry_size, [&](mutable_byte_view e) { (void)encode(d, v, e); });
    }

    template <class Fill>
    constexpr result<entry_ref> add_list(tag t, const list_layout& l, u32 element_size, u16 count, u16 revision,
                                         Fill&& fill) {
        const u64 size = l.header_size + u64{count} * element_size;
        return append(static_cast<u16>(t), size, [&](mutable_byte_view e) {
            store_le(e, l.revision.offset, l.revision.width, revision);
            store_le(e, l.nr_entries.offset, l.nr_entries.width, count);
            fill(e);
        });
    }

    constexpr status check_slot(const entry_ref& ref, tag t, const list_layout& l, u16 index) const {
        const layout_desc& d = describe(layout_);
        const u32 half = d.entry_header_size / 2u;
        const bool inside = ref.offset >= table_header_size && fits(size_, ref.offset, ref.size) &&
                            ref.size >= l.header_size &&
                            load_le(buffer_, ref.offset, half) == static_cast<u16>(t) &&
                            load_le(buffer_, ref.offset + half, half) == ref.size;
        if (!inside)
            return error{errc::bad_argument, ref.offset, no_entry, name(t), "SLRT-B4",
                         "the reference is not an entry of this table with this tag", ref.offset, size_};
        const u64 nr = load_le(buffer_, ref.offset + l.nr_entries.offset, l.nr_entries.width);
        if (index >= nr)
            return error{errc::bad_argument, ref.offset + l.nr_entries.offset, no_entry, "nr_entries", "SLRT-B4",
                         "slot index beyond nr_entries", index, nr};
        return success;
    }

    constexpr void write_policy_entry(mutable_byte_view entry, u32 index, const policy_entry& v) const {
        const layout_desc& d = describe(layout_);
        mutable_byte_view slot = entry.subview(d.policy.header_size + index * d.policy_entry.size, d.policy_entry.size);
        slrt::fill(slot, 0, slot.size(), 0);
        (void)encode(d, v, slot);
        encode_label(slot, d.policy_entry.evt_info, v.evt_info);
    }
    constexpr void write_cfg_entry(mutable_byte_view entry, u32 index, const uefi_cfg_entry& v) const {
        const layout_desc& d = describe(layout_);
        mutable_byte_view slot =
            entry.subview(d.uefi_config.header_size + index * d.uefi_cfg_entry.size, d.uefi_cfg_entry.size);
        slrt::fill(slot, 0, slot.size(), 0);
        (void)encode(d, v, slot);
        encode_label(slot, d.uefi_cfg_entry.evt_info, v.evt_info);
    }

public:
    constexpr result<entry_ref> add(const dl_info& v) { return add_fixed(tag::dl_info, describe(layout_).dl_info.size, v); }
    constexpr result<entry_ref> add(const log_info& v) { return add_fixed(tag::log_info, describe(layout_).log_info.size, v); }
    constexpr result<entry_ref> add(const intel_info& v) {
        return add_fixed(tag::intel_info, describe(layout_).intel_info.size, v);
    }
    constexpr result<entry_ref> add(const amd_info& v) { return add_fixed(tag::amd_info, describe(layout_).amd_info.size, v); }

    // arm_info and uefi_info: header-only placeholders.
    constexpr result<entry_ref> add_placeholder(tag t) {
        if (t != tag::arm_info && t != tag::uefi_info)
            return error{errc::bad_argument, size_, no_entry, "slr_entry_hdr.tag", "SLRT-B4",
                         "only arm_info and uefi_info are placeholders", to_u64(t), 0};
        return append(static_cast<u16>(t), describe(layout_).placeholder_size, [](mutable_byte_view) {});
    }

    // Any tag with an opaque payload (unknown tags round-trip this way).
    constexpr result<entry_ref> add_raw(u32 tag_value, byte_view payload) {
        if (tag_value == static_cast<u16>(tag::invalid) || tag_value == static_cast<u16>(tag::end))
            return error{errc::bad_argument, size_, no_entry, "slr_entry_hdr.tag", "SLRT-B4",
                         "tags 0 and END cannot be added", tag_value, 0};
        const u64 size = u64{describe(layout_).entry_header_size} + payload.size();
        return append(tag_value, size, [&](mutable_byte_view e) { copy(e, describe(layout_).entry_header_size, payload); });
    }

    // Reserves a policy with nr_entries slots, each entity_type UNUSED and otherwise zero
    // (as Oracle GRUB leaves absent items); fill them with set_policy_entry.
    constexpr result<entry_ref> add_policy(u16 nr_entries, u16 revision = policy_revision) {
        const layout_desc& d = describe(layout_);
        return add_list(tag::policy, d.policy, d.policy_entry.size, nr_entries, revision, [&](mutable_byte_view e) {
            for (u32 i = 0; i < nr_entries; ++i)
                store_le(e, d.policy.header_size + i * d.policy_entry.size + d.policy_entry.entity_type.offset,
                         d.policy_entry.entity_type.width, to_u64(entity_type::unused));
        });
    }
    constexpr result<entry_ref> add_policy(const policy_entry* entries, u16 count, u16 revision = policy_revision) {
        const layout_desc& d = describe(layout_);
        for (u16 i = 0; i < count; ++i)
            if (const status s = encode(d, entries[i], {}); !s) return s.err();
        return add_list(tag::policy, d.policy, d.policy_entry.size, count, revision, [&](mutable_byte_view e) {
            for (u16 i = 0; i < count; ++i) write_policy_entry(e, i, entries[i]);
        });
    }
    constexpr status set_policy_entry(const entry_ref& policy, u16 index, const policy_entry& v) {
        const layout_desc& d = describe(layout_);
        if (const status s = check_slot(policy, tag::policy, d.policy, index); !s) return s;
        if (const status s = encode(d, v, {}); !s) return s.err();
        write_policy_entry(buffer_.subview(policy.offset, policy.size), index, v);
        return success;
    }

    constexpr result<entry_ref> add_uefi_config(u16 nr_entries, u16 revision = uefi_config_revision) {
        const layout_desc& d = describe(layout_);
        return add_list(tag::uefi_config, d.uefi_config, d.uefi_cfg_entry.size, nr_entries, revision,
                        [](mutable_byte_view) {});
    }
    constexpr result<entry_ref> add_uefi_config(const uefi_cfg_entry* entries, u16 count,
                                                u16 revision = uefi_config_revision) {
        const layout_desc& d = describe(layout_);
        for (u16 i = 0; i < count; ++i)
            if (const status s = encode(d, entries[i], {}); !s) return s.err();
        return add_list(tag::uefi_config, d.uefi_config, d.uefi_cfg_entry.size, count, revision,
                        [&](mutable_byte_view e) {
                            for (u16 i = 0; i < count; ++i) write_cfg_entry(e, i, entries[i]);
                        });
    }
    constexpr status set_uefi_cfg_entry(const entry_ref& config, u16 index, const uefi_cfg_entry& v) {
        const layout_desc& d = describe(layout_);
        if (const status s = check_slot(config, tag::uefi_config, d.uefi_config, index); !s) return s;
        if (const status s = encode(d, v, {}); !s) return s.err();
        write_cfg_entry(buffer_.subview(config.offset, config.size), index, v);
        return success;
    }

private:
    mutable_byte_view buffer_{};
    slrt::layout layout_ = default_layout;
    u32 size_ = 0;
    u32 max_size_ = 0;
    u32 entries_ = 0;
};

}  // namespace slrt
