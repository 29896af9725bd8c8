// SPDX-License-Identifier: MIT
// Hashing the bytes of a plan step into every bank (spec/measurement.md §2.2).
#pragma once

#include "policy/digest.hpp"
#include "policy/event_types.hpp"
#include "policy/memory.hpp"
#include "policy/plan.hpp"
#include "slrt/table.hpp"

namespace slrt {

// Hashes the step's bytes once per bank, reading memory in chunks so every chunk
// is hashed by all banks while it is in cache. Unsupported banks get the capped digest.
template <memory M>
constexpr status measure_step(const table& t, const M& mem, const plan_step& s, const hash_alg* banks, u32 nbanks,
                              digest* out) {
    if (nbanks > max_log_banks)
        return error{errc::bad_argument, 0, s.policy_index, "banks", "POL-6", "at most 8 banks", nbanks, max_log_banks};
    auto make = [&](u32 b) { return hasher(b < nbanks ? banks[b] : hash_alg{}); };
    hasher h[max_log_banks] = {make(0), make(1), make(2), make(3), make(4), make(5), make(6), make(7)};
    auto feed = [&](byte_view bytes) {
        for (u32 b = 0; b < nbanks; ++b)
            if (h[b].supported()) h[b].update(bytes);
    };
    if (s.source == step_source::table_copy) {
        u8 copy_buf[600] = {};  // larger than every vendor info entry
        if (s.size > sizeof copy_buf || !fits(t.bytes().size(), static_cast<std::size_t>(s.addr), static_cast<std::size_t>(s.size)))
            return error{errc::bad_argument, 0, s.policy_index, "plan_step", "POL-6",
                         "a table copy must lie inside the table", s.addr, s.size};
        const u32 n = static_cast<u32>(s.size);
        copy(mutable_byte_view(copy_buf, n), 0, t.bytes().subview(static_cast<std::size_t>(s.addr), n));
        for (const zero_range& z : s.zero)
            if (z.width && fits(n, z.offset, z.width)) fill(mutable_byte_view(copy_buf, n), z.offset, z.width, 0);
        feed(byte_view(copy_buf, n));
    } else {
        if (s.size > ~u64{0} - s.addr)
            return error{errc::address_wrap, 0, s.policy_index, "policy_entry.entity", "POL-1",
                         "entity + size wraps past 2^64", s.addr, s.size};
        u8 chunk[4096] = {};
        for (u64 done = 0; done < s.size;) {
            const u64 left = s.size - done;
            const u32 n = left < sizeof chunk ? static_cast<u32>(left) : static_cast<u32>(sizeof chunk);
            if (const status r = mem.read(s.addr + done, mutable_byte_view(chunk, n)); !r) {
                error e = r.err();
                e.entry_index = s.policy_index;
                return e;
            }
            feed(byte_view(chunk, n));
            done += n;
        }
    }
    for (u32 b = 0; b < nbanks; ++b) out[b] = h[b].supported() ? h[b].finish() : capped_digest(banks[b]);
    return success;
}

}  // namespace slrt
