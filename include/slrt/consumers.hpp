// SPDX-License-Identifier: MIT
// Consumer profiles: would this table be accepted by a given consumer?
// (spec/slrt.md §7). Each check lists every requirement that fails, not only
// the first, so a loader author sees the whole picture in one run.
//
// Pass a table parsed in permissive mode to see everything a lax consumer would
// also stumble over; quirks the consumer does not tolerate become findings.
#pragma once

#include "slrt/constants.hpp"
#include "slrt/entries.hpp"
#include "slrt/error.hpp"
#include "slrt/table.hpp"

namespace slrt {

enum class consumer : u8 {
    linux_v16,  // Linux Secure Launch v16 (sl_main.c, slaunch.c)
    xen,        // TrenchBoot Xen, multiboot2 path (slaunch.c, slr-table.h)
    skl,        // TrenchBoot secure-kernel-loader (AMD)
};

constexpr const char* name(consumer c) {
    switch (c) {
        case consumer::linux_v16: return "linux-v16";
        case consumer::xen: return "xen";
        case consumer::skl: return "skl";
    }
    return "";
}

// What a consumer knows beyond the table bytes; unknown values skip their checks.
struct consumer_context {
    u64 table_addr = 0;  // physical address of the SLRT (Xen compares the SLRT policy entity)
    bool have_table_addr = false;
    u64 slb_base = 0, slb_size = 0;  // AMD SLB (SKL rejects a log overlapping it)
    bool have_slb = false;
    u8 tpm_family = 0;  // 0 unknown, 1 TPM 1.2, 2 TPM 2.0 (SKL checks the log format and size against it)
    u32 bootloader_data_offset = 0;  // AMD: where the SLRT sits in the SLB (SKL's stack check)
    bool have_bootloader_data_offset = false;
};

struct findings {
    static constexpr u32 capacity = 32;
    error items[capacity]{};
    u32 count = 0;
    u32 dropped = 0;

    constexpr void add(const error& e) {
        if (count < capacity)
            items[count++] = e;
        else
            ++dropped;
    }
    constexpr void add(const char* field, const char* rule, const char* message, u64 value = 0, u64 limit = 0,
                       u32 offset = 0, u32 entry_index = no_entry) {
        add(error{errc::consumer_requirement, offset, entry_index, field, rule, message, value, limit});
    }
    constexpr bool ok() const { return count == 0 && dropped == 0; }
};

namespace detail {

constexpr void require_entry(const table& t, tag which, const char* rule, const char* message, findings& out) {
    if (!t.find(which)) out.add(error{errc::missing_entry, t.header().size, no_entry, name(which), rule, message,
                                      static_cast<u16>(which), 0});
}

// The consumer reads fields at the offsets of layout a (or b); an oversized entry
// accepted by a permissive parse means the table was written for another layout.
constexpr void require_layout(const table& t, layout a, layout b, const char* rule, findings& out) {
    if (t.layout() != a && t.layout() != b)
        out.add("layout", rule, "this consumer reads the table with another layout's offsets",
                static_cast<u8>(t.layout()), static_cast<u8>(a));
    for (u32 i = 0; i < t.quirks().count; ++i) {
        const quirk_hit& h = t.quirks().hits[i];
        if (h.id == quirk::oversized_entry)
            out.add("slr_entry_hdr.size", rule, "entry larger than this consumer's layout: it would misread it", 0,
                    0, h.offset, h.entry_index);
    }
}

constexpr void refuse_quirk(const table& t, quirk q, const char* rule, const char* message, findings& out) {
    for (u32 i = 0; i < t.quirks().count; ++i) {
        const quirk_hit& h = t.quirks().hits[i];
        if (h.id == q) out.add(name(q), rule, message, 0, 0, h.offset, h.entry_index);
    }
}

}  // namespace detail

// Linux Secure Launch v16 early and late code (facts: sl_main.c, slaunch.c).
constexpr findings check_linux_v16(const table& t, const consumer_context& = {}) {
    findings out;
    detail::require_layout(t, layout::v16, layout::v16, "LINUX-1", out);
    if (t.header().architecture != architecture::intel_txt)
        out.add("slr_table.architecture", "LINUX-2", "v16 launches only on Intel TXT (architecture 1)",
                static_cast<u16>(t.header().architecture), 1, 6);
    detail::require_entry(t, tag::log_info, "LINUX-3", "no log_info: the kernel resets with 0xc0008023", out);
    detail::require_entry(t, tag::policy, "LINUX-4", "no policy: the kernel resets with 0xc0008023", out);
    detail::require_entry(t, tag::intel_info, "LINUX-5", "no intel_info: MTRR/MSR checks and the SLRT measurement fail",
                          out);
    detail::require_entry(t, tag::dl_info, "LINUX-6", "no dl_info: the legacy path boots without a launch", out);
    detail::refuse_quirk(t, quirk::evt_info_unterminated, "LINUX-7",
                         "evt_info without NUL: the kernel's strlen reads past the label", out);
    if (const result<log_info> log = t.get<log_info>(); log) {
        constexpr u64 llong_max = 0x7fffffffffffffffull;
        if (log->size > llong_max - (log->addr > llong_max ? llong_max : log->addr))
            out.add("log_info.size", "LINUX-8", "addr + size exceeds LLONG_MAX: the kernel resets", log->size,
                    llong_max - log->addr);
        if (log->size == 0) out.add("log_info.size", "LINUX-9", "an empty event log cannot hold the DRTM events");
    }
    if (const result<policy_view> p = t.policy(); p) {
        bool slrt_entry = false;
        for (const policy_entry& e : *p) slrt_entry |= e.entity_type == entity_type::slrt;
        if (slrt_entry && !t.find(tag::intel_info))
            out.add("policy_entry.entity_type", "LINUX-10", "an SLRT policy entry needs intel_info to measure");
    }
    return out;
}

// TrenchBoot Xen on the multiboot2 path: the strictest consumer (facts §7.3).
constexpr findings check_xen(const table& t, const consumer_context& ctx = {}) {
    findings out;
    detail::require_layout(t, layout::v10, layout::v12, "XEN-1", out);
    detail::refuse_quirk(t, quirk::max_size_zero, "XEN-2", "size exceeds max_size: Xen refuses the table", out);
    const result<policy_view> p = t.policy();
    if (!p) {
        out.add(p.err());
        return out;
    }
    if (p->revision() != policy_revision)
        out.add("policy.revision", "XEN-3", "policy revision must be 1", p->revision(), policy_revision);
    if (p->size() < 2) {
        out.add("policy.nr_entries", "XEN-4", "Xen needs the MB2 info and SLRT entries first", p->size(), 2);
        return out;
    }
    const policy_entry first = (*p)[0], second = (*p)[1];
    if (first.entity_type != entity_type::multiboot2_info || first.pcr != 18)
        out.add("policy_entry.entity_type", "XEN-5", "entry 0 must measure the multiboot2 info into PCR 18",
                to_u64(first.entity_type), to_u64(entity_type::multiboot2_info));
    if (second.entity_type != entity_type::slrt || second.pcr != 18)
        out.add("policy_entry.entity_type", "XEN-6", "entry 1 must measure the SLRT into PCR 18",
                to_u64(second.entity_type), to_u64(entity_type::slrt));
    else if (ctx.have_table_addr && second.entity != ctx.table_addr)
        out.add("policy_entry.entity", "XEN-7", "the SLRT entry's entity must be the table's address", second.entity,
                ctx.table_addr);
    for (u32 i = 0; i < p->size(); ++i) {
        const policy_entry e = (*p)[i];
        if (e.flags & policy_flag_measured)
            out.add("policy_entry.flags", "XEN-8", "MEASURED must not be set before Xen measures the entry", e.flags,
                    0, 0, i);
        if (i >= 2 && (e.flags & policy_flag_implicit_size))
            out.add("policy_entry.flags", "XEN-9", "IMPLICIT_SIZE is allowed only on the first two entries", e.flags,
                    0, 0, i);
        if (i >= 2 && (e.entity_type == entity_type::multiboot2_info || e.entity_type == entity_type::slrt))
            out.add("policy_entry.entity_type", "XEN-10", "the MB2 info and the SLRT may be measured only once",
                    to_u64(e.entity_type), 0, 0, i);
    }
    return out;
}

namespace detail {

// SKL's DL_INFO checks after the layout rule: present, the DLME below 4 GiB, bootloader GRUB.
constexpr void skl_dl_info(const table& t, findings& out) {
    constexpr u64 four_gib = 0x100000000ull;
    if (const result<dl_info> dl = t.get<dl_info>(); !dl) {
        out.add(dl.err());
    } else {
        // SKL refuses dlme_base >= 4 GiB and dlme_base + dlme_size >= 4 GiB.
        if (dl->dlme_base >= four_gib || dl->dlme_size >= four_gib - dl->dlme_base)
            out.add("dl_info.dlme_base", "SKL-4", "the DLME must end below 4 GiB", dl->dlme_base, four_gib);
        if (dl->bl_context.bootloader != bootloader::grub)
            out.add("dl_info.bl_context.bootloader", "SKL-5", "SKL accepts only bootloader 1 (GRUB)",
                    to_u64(dl->bl_context.bootloader), 1);
    }
}

}  // namespace detail

// The DL_INFO acceptance of the TrenchBoot secure-kernel-loader (AMD SKINIT): what SKL checks
// before it measures the DLME and jumps to it (skinit-arm-tcg.md A.8.5 step 4; SKL main.c).
// SKL reads v10 offsets and requires hdr.size == 72 (SKL-1), a DL_INFO (SLRT-X1), a DLME
// ending below 4 GiB (SKL-4) and bootloader GRUB (SKL-5); dlme_entry < dlme_size is SLRT-D1.
constexpr findings check_skl_dl_info(const table& t) {
    findings out;
    detail::require_layout(t, layout::v10, layout::v12, "SKL-1", out);
    detail::skl_dl_info(t, out);
    return out;
}

// The smallest log_info.size SKL accepts for a TPM family: the header record, the Spec ID event
// and two event headers (SKL event_log.c event_log_init; 1 = TPM 1.2: 32 + 73 + 2 * 32,
// 2 = TPM 2.0: 32 + 57 + 2 * 72). 0 for an unknown family.
constexpr u32 skl_min_log_size(u8 tpm_family) { return tpm_family == 1 ? 169u : tpm_family == 2 ? 233u : 0u; }

// TrenchBoot secure-kernel-loader (AMD SKINIT) DL_INFO / LOG_INFO acceptance (skinit-arm-tcg.md
// A.8.4-A.8.6; slrt.md §7.3). Checks that need the context are skipped without it. A DL_INFO
// failure makes SKL reboot; a log failure (SKL-3, SKL-6..9) makes it skip its event log while it
// still extends PCR 17 (SKL main.c ignores what event_log_init returns), so the launch's log is lost.
constexpr findings check_skl(const table& t, const consumer_context& ctx = {}) {
    findings out;
    detail::require_layout(t, layout::v10, layout::v12, "SKL-1", out);
    if (t.header().architecture != architecture::amd_skinit)
        out.add("slr_table.architecture", "SKL-2", "SKL runs only after SKINIT (architecture 2)",
                static_cast<u16>(t.header().architecture), 2, 6);
    u32 logs = 0;
    for (const entry_ref& e : t) logs += e.tag == static_cast<u16>(tag::log_info);
    if (logs > 1) out.add("log_info", "SKL-3", "SKL rejects a second log_info", logs, 1);
    detail::skl_dl_info(t, out);
    if (const result<log_info> log = t.get<log_info>(); !log) {
        out.add(log.err());
    } else {
        if (log->size == 0) out.add("log_info.size", "SKL-6", "SKL needs room for its event log");
        // SKL's own comparison: the log must end strictly below the SLB or start strictly above
        // its last byte + 1; a log that merely touches the SLB is refused too.
        if (ctx.have_slb) {
            const u64 log_end = log->addr + log->size;  // no wrap: SLRT-L2
            const u64 slb_end = ctx.slb_size > ~u64{0} - ctx.slb_base ? ~u64{0} : ctx.slb_base + ctx.slb_size;
            if (!(log_end < ctx.slb_base || slb_end < log->addr))
                out.add("log_info.addr", "SKL-7", "the event log must not overlap (or touch) the SLB", log->addr,
                        ctx.slb_base);
        }
        if (ctx.tpm_family != 0 && to_u64(log->format) != ctx.tpm_family)
            out.add("log_info.format", "SKL-8", "the log format must match the TPM family (1 TPM 1.2, 2 TPM 2.0)",
                    to_u64(log->format), ctx.tpm_family);
        if (ctx.tpm_family != 0 && log->size < skl_min_log_size(ctx.tpm_family))
            out.add("log_info.size", "SKL-9", "the log is smaller than SKL's header and first events",
                    log->size, skl_min_log_size(ctx.tpm_family));
    }
    // SKL's entry code halts unless bootloader_data + slr_table.size + 0x280 bytes of stack fit
    // below the top of the SLB (SKL head.S).
    if (ctx.have_bootloader_data_offset &&
        u64{ctx.bootloader_data_offset} + t.header().size + 0x280 > 0x10000)
        out.add("slr_table.size", "SKL-10", "no 0x280 bytes of stack left between the SLRT and the top of the SLB",
                u64{ctx.bootloader_data_offset} + t.header().size + 0x280, 0x10000, 8);
    return out;
}

constexpr findings check(consumer c, const table& t, const consumer_context& ctx = {}) {
    switch (c) {
        case consumer::linux_v16: return check_linux_v16(t, ctx);
        case consumer::xen: return check_xen(t, ctx);
        case consumer::skl: return check_skl(t, ctx);
    }
    return findings{};
}

// The layout each consumer reads the table with.
constexpr layout consumer_layout(consumer c) {
    switch (c) {
        case consumer::linux_v16: return layout::v16;
        case consumer::xen: return layout::v12;
        case consumer::skl: return layout::v10;
    }
    return default_layout;
}

}  // namespace slrt
