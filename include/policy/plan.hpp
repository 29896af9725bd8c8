// SPDX-License-Identifier: MIT
// Policy evaluation: from a validated SLRT and the memory it points into, the
// list of measurements a DLME makes, in order (spec/measurement.md §2).
//
// The plan reproduces a consumer's rules step by step: each step names the
// PCR, the event type, the label and the bytes to hash. Addresses, sizes and
// list links come from the table and from memory, so every one is bounded:
// reads go through a `memory` backend that refuses what it does not hold, the
// setup_data walk has a node limit, and the plan has a fixed capacity.
#pragma once

#include "policy/memory.hpp"
#include "slrt/constants.hpp"
#include "slrt/consumers.hpp"
#include "slrt/entries.hpp"
#include "slrt/error.hpp"
#include "slrt/table.hpp"

namespace slrt {

// The Secure Launch event type for every policy measurement (Linux SL_EVTYPE_SECURE_LAUNCH).
inline constexpr u32 sl_event_secure_launch = 0x502;

enum class measure_rules : u8 {
    linux_v16,  // sl_main.c sl_process_extend_policy / sl_process_extend_uefi_config
    xen,        // TrenchBoot Xen multiboot2 path
};
constexpr const char* name(measure_rules r) { return r == measure_rules::linux_v16 ? "linux-v16" : "xen"; }

// Where the bytes of one measurement come from.
enum class step_source : u8 {
    memory,      // [addr, addr + size) through the memory backend
    table_copy,  // a copy of table bytes [addr, addr + size) with `zero` ranges cleared
};

// A byte range inside a table copy that is zeroed before hashing.
struct zero_range {
    u16 offset = 0;
    u8 width = 0;
};

struct plan_step {
    u16 pcr = 0;
    u32 event_type = sl_event_secure_launch;
    evt_label label{};     // the event data is label.bytes[0 .. label.length())
    step_source source = step_source::memory;
    u64 addr = 0;          // physical address, or offset in the table for table_copy
    u64 size = 0;
    zero_range zero[3]{};  // table_copy only
    u32 policy_index = 0;  // the policy (or UEFI config) element this step comes from
    bool from_uefi_config = false;
    u32 node = 0;          // setup_data: node number in the chain
};

// Fixed-capacity output of make_plan.
template <u32 Capacity>
struct plan {
    plan_step steps[Capacity]{};
    u32 count = 0;
    constexpr const plan_step* begin() const { return steps; }
    constexpr const plan_step* end() const { return steps + count; }
};

// Linux boot protocol setup_data node and SETUP_INDIRECT payload (facts §8).
inline constexpr u32 setup_data_header_size = 16;  // u64 next, u32 type, u32 len
inline constexpr u32 setup_indirect_size = 24;     // u32 type, u32 reserved, u64 len, u64 addr
inline constexpr u32 max_setup_data_nodes = 256;   // a longer (or cyclic) chain is refused

namespace detail {

template <u32 Capacity>
constexpr status push(plan<Capacity>& out, const plan_step& s) {
    if (out.count == Capacity)
        return error{errc::buffer_too_small, 0, s.policy_index, "plan", "POL-4",
                     "the policy needs more measurements than the plan can hold", out.count + 1u, Capacity};
    out.steps[out.count++] = s;
    return success;
}

// The vendor info entry, copied with its pointers zeroed: what Linux v12+ measures
// for an SLRT entity (Intel), and what the AMD RFC measures (AMD). Xen hashes it as is.
constexpr result<plan_step> slrt_entity(const table& t, measure_rules rules, plan_step s) {
    const bool intel = t.header().architecture == architecture::intel_txt;
    const result<entry_ref> info = t.find(intel ? tag::intel_info : tag::amd_info);
    if (!info)
        return error{errc::missing_entry, 0, s.policy_index, intel ? "intel_info" : "amd_info", "POL-3",
                     "an SLRT policy entry is measured as the vendor info entry, which is missing", 0, 0};
    s.source = step_source::table_copy;
    s.addr = info->offset;
    s.size = info->size;
    if (rules == measure_rules::linux_v16) {
        const layout_desc& d = t.desc();
        if (intel) {
            s.zero[0] = {d.intel_info.boot_params_addr.offset, d.intel_info.boot_params_addr.width};
            s.zero[1] = {d.intel_info.txt_heap.offset, d.intel_info.txt_heap.width};
        } else {
            s.zero[0] = {d.amd_info.next.offset, d.amd_info.next.width};
            s.zero[1] = {d.amd_info.boot_params_base.offset, d.amd_info.boot_params_base.width};
            s.zero[2] = {d.amd_info.slrt_base.offset, d.amd_info.slrt_base.width};
        }
    }
    return s;
}

// Linux v16: one event per setup_data node; for SETUP_INDIRECT the target first, then the node payload.
template <memory M, u32 Capacity>
constexpr status setup_data_chain(const M& mem, plan_step s, plan<Capacity>& out) {
    u64 node = s.addr;
    for (u32 n = 0; node != 0; ++n) {
        if (n == max_setup_data_nodes)
            return error{errc::chain_too_long, 0, s.policy_index, "setup_data.next", "POL-2",
                         "the setup_data chain is longer than the limit (or cyclic)", n, max_setup_data_nodes};
        u8 header[setup_data_header_size] = {};
        if (const status r = mem.read(node, header); !r) return r;
        const u64 next = load_le(header, 0, 8);
        const u32 type = static_cast<u32>(load_le(header, 8, 4));
        const u32 len = static_cast<u32>(load_le(header, 12, 4));
        if (node > ~u64{0} - setup_data_header_size)
            return error{errc::address_wrap, 0, s.policy_index, "setup_data", "POL-1",
                         "node address + header wraps past 2^64", node, setup_data_header_size};
        s.node = n;
        if (type == setup_indirect) {
            u8 ind[setup_indirect_size] = {};
            if (len < setup_indirect_size)
                return error{errc::entry_size_too_small, 0, s.policy_index, "setup_data.len", "POL-5",
                             "a SETUP_INDIRECT node needs a 24-byte payload", len, setup_indirect_size};
            if (const status r = mem.read(node + setup_data_header_size, ind); !r) return r;
            plan_step target = s;
            target.size = load_le(ind, 8, 8);
            target.addr = load_le(ind, 16, 8);
            if (const status r = push(out, target); !r) return r;
        }
        plan_step payload = s;
        payload.addr = node + setup_data_header_size;
        payload.size = len;
        if (const status r = push(out, payload); !r) return r;
        node = next;
    }
    return success;
}

}  // namespace detail

// Builds the measurement plan for `t` under `rules`. Memory is read only to walk
// setup_data chains; the measured bytes themselves are read by measure_step().
template <memory M, u32 Capacity>
constexpr status make_plan(const table& t, const M& mem, measure_rules rules, plan<Capacity>& out) {
    out.count = 0;
    const result<policy_view> policy = t.policy();
    if (!policy) return policy.err();
    for (u32 i = 0; i < policy->size(); ++i) {
        const policy_entry e = (*policy)[i];
        plan_step s;
        s.pcr = e.pcr;
        s.label = e.evt_info;
        s.addr = e.entity;
        s.size = e.size;
        s.policy_index = i;
        switch (e.entity_type) {
            case entity_type::unused:
            case entity_type::txt_os2mle:  // OS-MLE version 1 has nothing to measure
                continue;
            case entity_type::setup_data:
                if (rules == measure_rules::linux_v16) {
                    if (const status r = detail::setup_data_chain(mem, s, out); !r) return r;
                    continue;
                }
                break;
            case entity_type::slrt: {
                const result<plan_step> copy = detail::slrt_entity(t, rules, s);
                if (!copy) return copy.err();
                s = *copy;
                break;
            }
            default:
                break;
        }
        if (const status r = detail::push(out, s); !r) return r;
    }
    if (rules == measure_rules::linux_v16) {
        if (const result<uefi_config_view> cfg = t.uefi_config(); cfg) {
            for (u32 i = 0; i < cfg->size(); ++i) {
                const uefi_cfg_entry c = (*cfg)[i];
                plan_step s;
                s.pcr = c.pcr;
                s.label = c.evt_info;
                s.addr = c.cfg;
                s.size = c.size;
                s.policy_index = i;
                s.from_uefi_config = true;
                if (const status r = detail::push(out, s); !r) return r;
            }
        }
    }
    return success;
}

// Policy findings (spec/measurement.md §2.3): problems a verifier wants to know
// about even where a consumer measures anyway.
template <memory M>
constexpr findings check_policy(const table& t, const M&, measure_rules rules) {
    findings out;
    const result<policy_view> policy = t.policy();
    if (!policy) {
        out.add(policy.err());
        return out;
    }
    for (u32 i = 0; i < policy->size(); ++i) {
        const policy_entry e = (*policy)[i];
        if (e.entity_type == entity_type::unused) continue;
        if (e.pcr < 17 || e.pcr > 22)
            out.add("policy_entry.pcr", "POL-10", "the PCR is outside the DRTM range 17-22", e.pcr, 17, 0, i);
        const bool implicit_type = e.entity_type == entity_type::slrt || e.entity_type == entity_type::setup_data ||
                                   e.entity_type == entity_type::multiboot2_info;
        if ((e.flags & policy_flag_implicit_size) && !implicit_type)
            out.add("policy_entry.flags", "POL-11", "IMPLICIT_SIZE on an entity type whose size is not implicit",
                    e.flags, 0, 0, i);
        if (e.flags & policy_flag_measured)
            out.add("policy_entry.flags", "POL-12",
                    rules == measure_rules::xen ? "MEASURED is already set: Xen refuses the policy"
                                                : "MEASURED is set, but Linux measures the entry again",
                    e.flags, 0, 0, i);
        for (u32 j = 0; j < i; ++j) {
            const policy_entry f = (*policy)[j];
            if (f.entity_type == e.entity_type && f.entity == e.entity && f.size == e.size) {
                out.add("policy_entry.entity", "POL-13", "the same entity is measured twice", e.entity, j, 0, i);
                break;
            }
        }
    }
    return out;
}

}  // namespace slrt
