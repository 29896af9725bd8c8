// SPDX-License-Identifier: MIT
// Replaying an event log into the PCR values it predicts, bank by bank
// (skinit-arm-tcg.md §C.8).
//
//   PCR_new = H(PCR_old || digest)   for each event and each bank it carries a digest for.
//
// EV_NO_ACTION is never extended; an event without a digest for a bank leaves that bank
// alone; an event whose PCR index is 24 or above (permissive logs only) is skipped. Start
// values: after a dynamic launch every PCR of the DRTM set 17..22 was reset to zero by the
// locality-4 _TPM_Hash_Start/End, and the others hold what TPM2_Startup(CLEAR) left: zero
// (pcr_start::drtm). pcr_start::pre_launch starts 17..22 at all ones, as a TPM is before any
// dynamic launch. A StartupLocality EV_NO_ACTION event (skinit-arm-tcg.md §C.5) sets the last
// byte of PCR 0's start value in every bank, as tpm2_eventlog does.
#pragma once

#include "policy/digest.hpp"
#include "policy/event_types.hpp"
#include "policy/eventlog.hpp"
#include "slrt/bytes.hpp"
#include "slrt/error.hpp"

namespace slrt {

enum class pcr_start : u8 {
    drtm,        // after the launch: 17..22 zero (locality-4 reset), the others zero
    pre_launch,  // before any launch: 17..22 all ones, the others zero
};

// PCR 17..22: reset only by locality 4 (libtpms PlatformPcr.c, skinit-arm-tcg.md §C.8).
constexpr bool is_drtm_pcr(u32 pcr) { return pcr >= 17 && pcr <= 22; }

// The value a PCR of a bank holds before the log's first event.
constexpr digest pcr_start_value(hash_alg alg, u32 pcr, pcr_start start) {
    digest d{};
    d.alg = alg;
    if (start == pcr_start::pre_launch && is_drtm_pcr(pcr))
        for (u32 i = 0; i < digest_size(alg); ++i) d.bytes[i] = 0xff;
    return d;
}

// H(pcr || measurement) in pcr's bank. Precondition: hasher(pcr.alg).supported().
constexpr digest extend_pcr(const digest& pcr, const digest& measurement) {
    hasher h(pcr.alg);
    h.update(pcr.view());
    h.update(measurement.view());
    return h.finish();
}

// Whether replay extends this event (into e.pcr, in each bank it has a digest for).
constexpr bool replays(const event& e) { return extends_pcr(e.type) && e.pcr < pcr_count; }

// The 24 PCRs of one bank.
struct pcr_bank {
    hash_alg alg{};
    u32 digest_size = 0;
    bool computable = false;          // slrt implements alg; otherwise the values are start values
    digest pcrs[pcr_count]{};
    u32 extends[pcr_count]{};         // events extended into each PCR
    u32 valid = (1u << pcr_count) - 1;  // bit i: pcrs[i] holds a value (an expected set may hold a few)

    constexpr bool has(u32 pcr) const { return pcr < pcr_count && ((valid >> pcr) & 1u); }
};

// Every bank a replay computed (or a set of expected values, for comparison). Fixed size:
// usable without a heap.
struct pcr_bank_set {
    u32 count = 0;
    pcr_bank banks[max_log_banks]{};

    constexpr pcr_bank* find(hash_alg alg) {
        for (u32 i = 0; i < count; ++i)
            if (banks[i].alg == alg) return &banks[i];
        return nullptr;
    }
    constexpr const pcr_bank* find(hash_alg alg) const {
        for (u32 i = 0; i < count; ++i)
            if (banks[i].alg == alg) return &banks[i];
        return nullptr;
    }

    // The bank for `alg`, added with start values if it is not in the set yet. `size` is the
    // digest size the log uses (it matters only for algorithms slrt does not know). Rule LOG-50.
    constexpr result<pcr_bank*> add(hash_alg alg, u32 size, pcr_start start) {
        if (pcr_bank* b = find(alg)) return b;
        if (count == max_log_banks)
            return error{errc::table_full, 0, no_entry, "pcr_bank_set", "LOG-50", "at most 8 banks", count + 1u,
                         max_log_banks};
        pcr_bank& b = banks[count++];
        b = pcr_bank{};
        b.alg = alg;
        b.digest_size = size;
        b.computable = hasher(alg).supported();
        for (u32 p = 0; p < pcr_count; ++p) b.pcrs[p] = pcr_start_value(alg, p, start);
        return &b;
    }
};

struct replay_options {
    pcr_start start = pcr_start::drtm;
};

namespace log_detail {

inline constexpr u8 startup_locality_signature[16] = {'S', 't', 'a', 'r', 't', 'u', 'p', 'L',
                                                      'o', 'c', 'a', 'l', 'i', 't', 'y', 0};

// "StartupLocality\0" + u8 locality (skinit-arm-tcg.md §C.5).
constexpr bool startup_locality(const event& e, u8& locality) {
    if (e.type != ev_no_action || e.pcr != 0 || e.data.size() != 17) return false;
    if (!equal(e.data.subview(0, 16), byte_view(startup_locality_signature))) return false;
    locality = e.data[16];
    return true;
}

}  // namespace log_detail

// Replays `log` into `out`: banks of the log not yet in `out` are added with start values;
// banks already there (a previous log of the same launch, e.g. the other original-format
// TXT logs) continue from their current values. Banks slrt cannot compute are added and
// left at their start values (computable == false).
constexpr status replay(const event_log& log, pcr_bank_set& out, const replay_options& options = {}) {
    pcr_bank* bank[max_log_banks] = {};
    for (u32 i = 0; i < log.bank_count(); ++i) {
        const result<pcr_bank*> b = out.add(log.bank(i).alg, log.bank(i).digest_size, options.start);
        if (!b) return b.err();
        bank[i] = *b;
    }
    for (const event& e : log) {
        u8 locality = 0;
        if (log_detail::startup_locality(e, locality)) {
            for (u32 i = 0; i < log.bank_count(); ++i)
                if (bank[i]->extends[0] == 0 && bank[i]->digest_size != 0)
                    bank[i]->pcrs[0].bytes[bank[i]->digest_size - 1] = locality;
            continue;
        }
        if (!replays(e)) continue;
        for (u32 i = 0; i < log.bank_count(); ++i) {
            pcr_bank& b = *bank[i];
            const digest* d = e.find(b.alg);
            if (!d) continue;  // no digest for this bank: the bank is left alone
            ++b.extends[e.pcr];
            if (b.computable) b.pcrs[e.pcr] = extend_pcr(b.pcrs[e.pcr], *d);
        }
    }
    return success;
}

// The first place two sets disagree, walking `expected` bank by bank, PCR 0..23, over the
// PCRs it holds (pcr_bank::valid). A bank of `expected` that `replayed` lacks, or cannot
// compute, is a difference too (bank_missing / not_computable with pcr = the first PCR held).
struct pcr_difference {
    bool found = false;
    hash_alg alg{};
    u32 pcr = 0;
    bool bank_missing = false;
    bool not_computable = false;
};

constexpr pcr_difference first_difference(const pcr_bank_set& replayed, const pcr_bank_set& expected) {
    for (u32 i = 0; i < expected.count; ++i) {
        const pcr_bank& want = expected.banks[i];
        const pcr_bank* got = replayed.find(want.alg);
        for (u32 p = 0; p < pcr_count; ++p) {
            if (!want.has(p)) continue;
            if (!got) return {true, want.alg, p, true, false};
            if (!got->computable) return {true, want.alg, p, false, true};
            if (!(got->pcrs[p] == want.pcrs[p])) return {true, want.alg, p, false, false};
        }
    }
    return {};
}

}  // namespace slrt
