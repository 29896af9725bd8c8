// SPDX-License-Identifier: MIT
// The AMD info entry in a Linux boot_params setup_data chain (skinit-arm-tcg.md A.8.7;
// slrt.md §3.8, §11; spec/skinit.md §7).
//
// Bytes 8..23 of the SLRT amd_info entry (tag 5) are a Linux `struct setup_data` header
// {u64 next, u32 type, u32 len}, so a loader links the entry into the chain that starts at
// boot_params.hdr.setup_data (zero page offset 0x250) and the kernel finds the SLRT from there:
//
//   splice:  amd_info.next = boot_params.setup_data;  boot_params.setup_data = &amd_info + 8
//   find:    walk the chain for a node of type SETUP_SECURE_LAUNCH (10); the entry starts 8 bytes
//            before the node (its SLRT entry header).
//
// Two named quirks (permissive mode accepts and records them; strict mode rejects them):
//   amd_info_len_whole_entry  len holds the whole entry size (56; 48 for the short entry), as
//                             the TrenchBoot GRUB tree writes it, instead of the payload length
//                             setup_data defines (entry size - 24). A kernel that measures setup_data
//                             by `len` then hashes 24 bytes past the entry.
//   setup_type_collision      a node of type 10 that is not an amd_info entry: upstream Linux
//                             assigns 10 to SETUP_KEXEC_KHO, so a kexec handover node looks like
//                             the AMD info to a Secure Launch kernel that walks for type 10.
// and two more the walk meets: amd_info_short_48 (the 48-byte entry without psp_version, TrenchBoot
// GRUB) and duplicate_amd_info (a second AMD info node; the first one wins).
//
// Memory is untrusted: every node address comes from memory, reads go through a `memory` backend
// (policy/memory.hpp), the walk stops after max_setup_data_nodes nodes and detects a cycle
// (Brent's algorithm) before that. Errors carry the node number in entry_index and the address in
// value; their byte offset is 0 (there is no single input view).
#pragma once

#include "policy/memory.hpp"
#include "policy/plan.hpp"
#include "slrt/constants.hpp"
#include "slrt/entries.hpp"
#include "slrt/quirks.hpp"
#include "slrt/table.hpp"

#include "dlh/skinit/slb.hpp"

namespace dlh::skinit {

using slrt::memory;

inline constexpr u32 boot_params_setup_data = 0x250;  // boot_params.hdr.setup_data (u64), boot protocol 2.09+
inline constexpr u32 setup_kexec_kho = 10;            // upstream Linux: the same value as setup_secure_launch
inline constexpr u32 amd_info_size = 56;               // current amd_info entry (slrt.md §3.8)
inline constexpr u32 amd_info_short_size = 48;         // TrenchBoot GRUB tree: no psp_version/reserved
inline constexpr u32 amd_info_node_offset = 8;         // the setup_data node starts after the entry header

enum class setup_quirk : u8 {
    amd_info_len_whole_entry,
    setup_type_collision,
    amd_info_short_48,
    duplicate_amd_info,
};
inline constexpr u32 setup_quirk_count = 4;

struct setup_quirk_info {
    setup_quirk id;
    const char* name;
    const char* description;
};
inline constexpr setup_quirk_info setup_quirk_table[setup_quirk_count] = {
    {setup_quirk::amd_info_len_whole_entry, "amd_info_len_whole_entry",
     "amd_info.len holds the whole entry size instead of the setup_data payload length (entry size - 24)"},
    {setup_quirk::setup_type_collision, "setup_type_collision",
     "a setup_data node of type 10 that is not an amd_info entry (upstream SETUP_KEXEC_KHO = 10)"},
    {setup_quirk::amd_info_short_48, "amd_info_short_48", "48-byte amd_info without psp_version and reserved"},
    {setup_quirk::duplicate_amd_info, "duplicate_amd_info", "a second amd_info node in the chain; the first one wins"},
};
constexpr const char* name(setup_quirk q) { return setup_quirk_table[static_cast<u8>(q)].name; }
using setup_quirk_log = slrt::basic_quirk_log<setup_quirk>;

// A writable memory image at a physical address: what a loader edits before the launch.
// read() makes it a policy/memory.hpp `memory`.
class ram_image {
public:
    constexpr ram_image() = default;
    constexpr ram_image(u64 base, mutable_byte_view bytes) : base_(base), bytes_(bytes) {}

    constexpr u64 base() const { return base_; }
    constexpr mutable_byte_view bytes() const { return bytes_; }
    constexpr bool contains(u64 addr, u64 size) const {
        return addr >= base_ && addr - base_ <= bytes_.size() && size <= bytes_.size() - (addr - base_);
    }
    constexpr status read(u64 addr, mutable_byte_view out) const {
        if (!contains(addr, out.size())) return slrt::detail::unmapped(addr, out.size());
        slrt::copy(out, 0, byte_view(bytes_).subview(static_cast<std::size_t>(addr - base_), out.size()));
        return success;
    }
    constexpr status write(u64 addr, byte_view in) const {
        if (!contains(addr, in.size())) return slrt::detail::unmapped(addr, in.size());
        slrt::copy(bytes_, static_cast<std::size_t>(addr - base_), in);
        return success;
    }

private:
    u64 base_ = 0;
    mutable_byte_view bytes_{};
};
static_assert(memory<ram_image>);

// Where an AMD info entry was found, and what it holds.
struct amd_info_location {
    u64 entry = 0;       // address of the SLRT entry header (node - 8)
    u64 node = 0;        // address of the setup_data node (what the chain links to)
    u32 entry_size = 0;  // slr_entry_hdr.size: 56, or 48 (quirk)
    u32 node_index = 0;  // position in the chain, 0 = the head
    slrt::amd_info info{};
    friend constexpr bool operator==(const amd_info_location&, const amd_info_location&) = default;
};

struct found_amd_info {
    amd_info_location location{};
    u32 nodes = 0;  // nodes in the whole chain
    setup_quirk_log quirks{};
};

namespace setup_detail {

constexpr error at_node(errc code, u32 index, const char* field, const char* rule, const char* message, u64 value,
                        u64 limit) {
    return error{code, 0, index, field, rule, message, value, limit};
}

// A read failure keeps the backend's errc (memory_unmapped) and takes the walk's rule and node.
constexpr error unreadable(const status& s, u32 index, const char* field) {
    error e = s.err();
    e.entry_index = index;
    e.field = field;
    e.rule = "SKL-40";
    e.message = "the bytes are not in the memory given";
    return e;
}

// Reads an amd_info candidate whose setup_data node is at `node`: the SLRT entry header 8 bytes
// before it must be tag 5 with size 56 (or 48). False when it is not an amd_info entry.
template <memory M>
constexpr result<bool> read_entry(const M& mem, u64 node, u32 index, amd_info_location& out) {
    if (node < amd_info_node_offset) return false;
    u8 hdr[8] = {};
    if (const status s = mem.read(node - amd_info_node_offset, hdr); !s) {
        if (s.err().code == errc::memory_unmapped) return false;  // nothing mapped before the node
        return s.err();
    }
    const u32 tag = static_cast<u32>(load_le(hdr, 0, 4));
    const u32 size = static_cast<u32>(load_le(hdr, 4, 4));
    if (tag != static_cast<u16>(slrt::tag::amd_info) || (size != amd_info_size && size != amd_info_short_size))
        return false;
    u8 entry[amd_info_size] = {};
    if (const status s = mem.read(node - amd_info_node_offset, mutable_byte_view(entry, size)); !s)
        return unreadable(s, index, "amd_info");
    out.entry = node - amd_info_node_offset;
    out.node = node;
    out.entry_size = size;
    out.node_index = index;
    slrt::amd_info& v = out.info;
    v.next = load_le(entry, 8, 8);
    v.type = static_cast<u32>(load_le(entry, 16, 4));
    v.len = static_cast<u32>(load_le(entry, 20, 4));
    v.slrt_size = load_le(entry, 24, 8);
    v.slrt_base = load_le(entry, 32, 8);
    v.boot_params_base = load_le(entry, 40, 8);
    v.psp_version = size >= 50 ? static_cast<u16>(load_le(entry, 48, 2)) : u16{0};
    return true;
}

// Walks the chain from `head`, calling visit(node, index, next) for each node; stops at a
// null link, at the node limit (SKL-41) or when a cycle closes (SKL-42).
template <memory M, class Visit>
constexpr result<u32> walk(const M& mem, u64 head, Visit&& visit) {
    u64 node = head, tortoise = head;
    u32 power = 1, lambda = 0, index = 0;
    while (node != 0) {
        if (index == slrt::max_setup_data_nodes)
            return at_node(errc::chain_too_long, index, "setup_data.next", "SKL-41",
                           "the setup_data chain is longer than 256 nodes", index, slrt::max_setup_data_nodes);
        u8 header[slrt::setup_data_header_size] = {};
        if (const status s = mem.read(node, header); !s) return unreadable(s, index, "setup_data");
        const u64 next = load_le(header, 0, 8);
        if (const status s = visit(node, index, header); !s) return s.err();
        ++index;
        if (power == lambda) {  // Brent: move the tortoise to the hare every power-of-two steps
            tortoise = node;
            power *= 2;
            lambda = 0;
        }
        node = next;
        ++lambda;
        if (node != 0 && node == tortoise)
            return at_node(errc::chain_too_long, index, "setup_data.next", "SKL-42", "the setup_data chain is cyclic",
                           node, 0);
    }
    return index;
}

}  // namespace setup_detail

// Finds the AMD info entry reachable from boot_params at `boot_params` (rules SKL-40..47).
// The whole chain is walked, so a cycle or an over-long chain fails even after a match.
template <memory M>
constexpr result<found_amd_info> find_amd_info(const M& mem, u64 boot_params, slrt::mode mode = slrt::mode::strict) {
    const bool permissive = mode == slrt::mode::permissive;
    if (boot_params > ~u64{0} - (boot_params_setup_data + 8))
        return setup_detail::at_node(errc::address_wrap, no_entry, "boot_params", "SKL-40",
                                     "boot_params + 0x258 wraps past 2^64", boot_params, 0);
    u8 head_bytes[8] = {};
    if (const status s = mem.read(boot_params + boot_params_setup_data, head_bytes); !s)
        return setup_detail::unreadable(s, no_entry, "boot_params.setup_data");
    found_amd_info out;
    bool found = false;
    const auto visit = [&](u64 node, u32 index, const u8* header) -> status {
        const u32 type = static_cast<u32>(load_le(byte_view(header, slrt::setup_data_header_size), 8, 4));
        if (type != slrt::setup_secure_launch) return success;
        amd_info_location here;
        const result<bool> is_entry = setup_detail::read_entry(mem, node, index, here);
        if (!is_entry) return is_entry.err();
        if (!*is_entry) {
            if (!permissive)
                return setup_detail::at_node(errc::invalid_tag, index, "setup_data.type", "SKL-43",
                                             "a type 10 node without an amd_info entry header before it "
                                             "(SETUP_KEXEC_KHO uses 10 upstream)",
                                             node, 0);
            out.quirks.add(setup_quirk::setup_type_collision, 0, index);
            return success;
        }
        if (found) {
            if (!permissive)
                return setup_detail::at_node(errc::duplicate_entry, index, "amd_info", "SKL-44",
                                             "a second amd_info node in the setup_data chain", node,
                                             out.location.node);
            out.quirks.add(setup_quirk::duplicate_amd_info, 0, index);
            return success;
        }
        if (here.entry_size == amd_info_short_size) {
            if (!permissive)
                return setup_detail::at_node(errc::entry_size_mismatch, index, "amd_info.hdr.size", "SKL-45",
                                             "amd_info is 56 bytes (48 without psp_version is a quirk)",
                                             here.entry_size, amd_info_size);
            out.quirks.add(setup_quirk::amd_info_short_48, 0, index);
        }
        const u32 payload = here.entry_size - 24;
        if (here.info.len != payload) {
            if (here.info.len != here.entry_size || !permissive)
                return setup_detail::at_node(errc::amd_info_bad_len, index, "amd_info.len", "SKL-46",
                                             "len is the setup_data payload length (entry size - 24)", here.info.len,
                                             payload);
            out.quirks.add(setup_quirk::amd_info_len_whole_entry, 0, index);
        }
        out.location = here;
        found = true;
        return success;
    };
    const result<u32> n = setup_detail::walk(mem, load_le(head_bytes, 0, 8), visit);
    if (!n) return n.err();
    out.nodes = *n;
    if (!found)
        return setup_detail::at_node(errc::not_found, no_entry, "amd_info", "SKL-47",
                                     "no amd_info entry in the setup_data chain", *n, 0);
    return out;
}

struct splice_result {
    u64 node = 0;           // the new head: entry + 8
    u64 previous_head = 0;  // what boot_params.setup_data held, now amd_info.next
};

// Links the amd_info entry at `entry` into the chain of boot_params at `boot_params`, as a loader
// does before the launch (rules SKL-40..42, SKL-48..50). The entry must be a well-formed AMD info
// entry (tag 5, size 56, type 10, len 32; with permissive mode also 48 bytes and len = entry size)
// and must not be in the chain already. Every check comes first: on failure the memory is
// unchanged.
constexpr result<splice_result> splice_amd_info(const ram_image& ram, u64 boot_params, u64 entry,
                                                slrt::mode mode = slrt::mode::strict) {
    const bool permissive = mode == slrt::mode::permissive;
    if (boot_params > ~u64{0} - (boot_params_setup_data + 8))
        return setup_detail::at_node(errc::address_wrap, no_entry, "boot_params", "SKL-40",
                                     "boot_params + 0x258 wraps past 2^64", boot_params, 0);
    const u64 field = boot_params + boot_params_setup_data;
    u8 head_bytes[8] = {};
    if (const status s = ram.read(field, head_bytes); !s)
        return setup_detail::unreadable(s, no_entry, "boot_params.setup_data");
    if (entry > ~u64{0} - amd_info_size)
        return setup_detail::at_node(errc::address_wrap, no_entry, "amd_info", "SKL-48",
                                     "the entry address wraps past 2^64", entry, 0);
    u8 e[amd_info_size] = {};
    if (const status s = ram.read(entry, mutable_byte_view(e, 8)); !s)
        return setup_detail::unreadable(s, no_entry, "amd_info");
    const u32 tag = static_cast<u32>(load_le(e, 0, 4));
    const u32 size = static_cast<u32>(load_le(e, 4, 4));
    if (tag != static_cast<u16>(slrt::tag::amd_info))
        return setup_detail::at_node(errc::invalid_tag, no_entry, "amd_info.hdr.tag", "SKL-48",
                                     "the entry to link is not an amd_info entry (tag 5)", tag, 5);
    if (size != amd_info_size && !(permissive && size == amd_info_short_size))
        return setup_detail::at_node(errc::entry_size_mismatch, no_entry, "amd_info.hdr.size", "SKL-48",
                                     "amd_info is 56 bytes (48 without psp_version is a quirk)", size, amd_info_size);
    if (const status s = ram.read(entry, mutable_byte_view(e, size)); !s)
        return setup_detail::unreadable(s, no_entry, "amd_info");
    const u32 type = static_cast<u32>(load_le(e, 16, 4));
    const u32 len = static_cast<u32>(load_le(e, 20, 4));
    if (type != slrt::setup_secure_launch)
        return setup_detail::at_node(errc::value_out_of_range, no_entry, "amd_info.type", "SKL-49",
                                     "amd_info.type must be SETUP_SECURE_LAUNCH (10) to be found", type,
                                     slrt::setup_secure_launch);
    if (len != size - 24 && !(permissive && len == size))
        return setup_detail::at_node(errc::amd_info_bad_len, no_entry, "amd_info.len", "SKL-46",
                                     "len is the setup_data payload length (entry size - 24)", len, size - 24);
    const u64 node = entry + amd_info_node_offset;
    const u64 head = load_le(head_bytes, 0, 8);
    // The chain as it is must be finite, readable, and not hold the node already.
    const auto visit = [&](u64 at, u32 index, const u8*) -> status {
        if (at == node)
            return setup_detail::at_node(errc::duplicate_entry, index, "amd_info", "SKL-50",
                                         "the entry is already linked into the chain", at, 0);
        return success;
    };
    if (const result<u32> n = setup_detail::walk(ram, head, visit); !n) return n.err();

    u8 next_bytes[8] = {};
    store_le(next_bytes, 0, 8, head);
    u8 node_bytes[8] = {};
    store_le(node_bytes, 0, 8, node);
    // Both ranges were read above, so neither write can fail.
    (void)ram.write(node, next_bytes);
    (void)ram.write(field, node_bytes);
    return splice_result{node, head};
}

}  // namespace dlh::skinit
