// SPDX-License-Identifier: MIT
// The measurements of an AMD Secure Launch, in order, and the PCR 17/18 values they lead to
// (skinit-arm-tcg.md A.4, A.8.5, A.8.6; spec/skinit.md §8):
//
//   1. SKINIT          the CPU hashes SLB[0, length) into PCR 17 of every bank after resetting
//                      PCR 17..22 to zero. SKL logs it as event "SKINIT" (type 0x502, digest
//                      H(SLB[0, length))) but does not extend it: the TPM already did.
//   2. SKL             "DLME entry offset": the 4-byte little-endian dl_info.dlme_entry, and
//                      "DLME": dlme_size bytes at dlme_base, both into PCR 17, type 0x502,
//                      event data = the label without NUL. SKL extends only SHA-1 and SHA-256 on a
//                      TPM 2.0 and only SHA-1 on a TPM 1.2 (SKL main.c extend_pcr); other banks
//                      keep H(0 || H(SLB)).
//   3. DLME            the policy of the SLRT under Linux or Xen rules (policy/plan.hpp); PCR 17
//                      and 18, every bank.
//
// Each measurement is a policy/plan.hpp plan_step, hashed by policy/measure.hpp measure_step, so
// the SKINIT and SKL steps can be logged and extended exactly like the DLME's own. The SLB is
// read through memory at dl_info.dce_base (the loader sets dce_base to the SLB base).
#pragma once

#include "dlh/skinit/pcr17.hpp"
#include "dlh/skinit/slb.hpp"
#include "policy/digest.hpp"
#include "policy/measure.hpp"
#include "policy/memory.hpp"
#include "policy/plan.hpp"
#include "policy/replay.hpp"
#include "slrt/consumers.hpp"
#include "slrt/table.hpp"

namespace dlh::skinit {

using slrt::memory;
using slrt::pcr_bank_set;
using slrt::plan;
using slrt::plan_step;

enum class tpm_family : u8 {
    tpm12 = 1,
    tpm20 = 2,
};

// Whether SKL extends its two measurements into bank `alg` (SKL main.c: SHA-1 always, SHA-256
// on TPM 2.0 only).
constexpr bool skl_extends(tpm_family f, hash_alg alg) {
    return alg == hash_alg::sha1 || (f == tpm_family::tpm20 && alg == hash_alg::sha256);
}

inline constexpr const char* skl_label_skinit = "SKINIT";
inline constexpr const char* skl_label_dlme_entry = "DLME entry offset";
inline constexpr const char* skl_label_dlme = "DLME";
inline constexpr u32 drtm_data_pcr = 18;

// The "SKINIT" step: the measured bytes of the SLB at dl_info.dce_base, whose header is read
// through `mem` (rules SKINIT-1, -3, -5..7 on what it finds; SKL-51 when it cannot be read).
template <memory M>
constexpr result<plan_step> skinit_step(const slrt::table& t, const M& mem) {
    const result<slrt::dl_info> dl = t.get<slrt::dl_info>();
    if (!dl) return dl.err();
    if (const status s = check_slb_base(dl->dce_base); !s) return s.err();
    u8 header_bytes[slb_header_size] = {};
    if (const status s = mem.read(dl->dce_base, header_bytes); !s) {
        error e = s.err();
        e.field = "dl_info.dce_base";
        e.rule = "SKL-51";
        e.message = "the SLB header at dce_base is not in the memory given";
        return e;
    }
    const result<slb_header> h = decode_slb_header(header_bytes);
    if (!h) return h.err();
    // The image size is unknown here: the 64 KiB block bounds the measured bytes.
    if (const status s = validate_slb_header(*h, slb_size); !s) return s.err();
    plan_step s;
    s.pcr = drtm_code_pcr;
    s.event_type = slrt::sl_event_secure_launch;
    s.label = slrt::evt_label(skl_label_skinit);
    s.source = slrt::step_source::memory;
    s.addr = dl->dce_base;
    s.size = h->length;
    return s;
}

// Appends SKL's two measurements to `out` (rules of slrt::check_skl_dl_info: SKL refuses the
// table otherwise, and the first finding is returned). The entry offset is the first 4 bytes of
// dl_info.dlme_entry in the table (a u64 below 4 GiB when SKL-4 holds): a table_copy step.
template <u32 Capacity>
constexpr status skl_plan(const slrt::table& t, plan<Capacity>& out) {
    const slrt::findings f = slrt::check_skl_dl_info(t);
    if (!f.ok()) return f.items[0];
    const result<slrt::entry_ref> e = t.find(slrt::tag::dl_info);
    if (!e) return e.err();
    const slrt::dl_info dl = t.decode_fixed<slrt::dl_info>(t.entry_bytes(*e));
    plan_step entry;
    entry.pcr = drtm_code_pcr;
    entry.event_type = slrt::sl_event_secure_launch;
    entry.label = slrt::evt_label(skl_label_dlme_entry);
    entry.source = slrt::step_source::table_copy;
    entry.addr = e->offset + t.desc().dl_info.dlme_entry.offset;
    entry.size = 4;
    if (const status s = slrt::detail::push(out, entry); !s) return s;
    plan_step dlme;
    dlme.pcr = drtm_code_pcr;
    dlme.event_type = slrt::sl_event_secure_launch;
    dlme.label = slrt::evt_label(skl_label_dlme);
    dlme.source = slrt::step_source::memory;
    dlme.addr = dl.dlme_base;
    dlme.size = dl.dlme_size;
    return slrt::detail::push(out, dlme);
}

enum class measurer : u8 { skinit, skl, dlme };
constexpr const char* name(measurer m) {
    return m == measurer::skinit ? "skinit" : m == measurer::skl ? "skl" : "dlme";
}

// One measurement of the launch with its digests, one per bank given.
struct amd_measurement {
    measurer by = measurer::skinit;
    const plan_step* step = nullptr;
    const slrt::digest* digests = nullptr;
    const hash_alg* banks = nullptr;
    u32 bank_count = 0;
    tpm_family family = tpm_family::tpm20;

    // Whether this measurement changes bank i's PCR: SKINIT (done by the TPM) and the DLME touch
    // every bank, SKL only the banks it extends.
    constexpr bool extends(u32 i) const { return by != measurer::skl || skl_extends(family, banks[i]); }
};

struct amd_launch_options {
    tpm_family family = tpm_family::tpm20;
    bool dlme = true;  // include the DLME's policy measurements
    slrt::measure_rules dlme_rules = slrt::measure_rules::linux_v16;
};

// Calls visit(const amd_measurement&) -> status for every measurement of the launch, in order
// (SKINIT, SKL x2, then the DLME plan), with digests in `banks` (at most 8; SKL-52). Steps and
// digests live only during the call. Errors of the steps and of visit() are returned as they are.
template <u32 Capacity = 64, memory M, class Visit>
constexpr status for_each_amd_measurement(const slrt::table& t, const M& mem, const hash_alg* banks, u32 nbanks,
                                          const amd_launch_options& o, Visit&& visit) {
    if (nbanks == 0 || nbanks > slrt::max_log_banks)
        return error{errc::bad_argument, 0, no_entry, "banks", "SKL-52", "between 1 and 8 banks", nbanks,
                     slrt::max_log_banks};
    for (u32 i = 0; i < nbanks; ++i)
        for (u32 j = 0; j < i; ++j)
            if (banks[i] == banks[j])
                return error{errc::bad_argument, 0, i, "banks", "SKL-52", "a bank is listed twice",
                             static_cast<u16>(banks[i]), 0};
    slrt::digest d[slrt::max_log_banks] = {};
    auto run = [&](measurer by, const plan_step& s) -> status {
        if (const status m = slrt::measure_step(t, mem, s, banks, nbanks, d); !m) return m;
        return visit(amd_measurement{by, &s, d, banks, nbanks, o.family});
    };
    const result<plan_step> sk = skinit_step(t, mem);
    if (!sk) return sk.err();
    if (const status s = run(measurer::skinit, *sk); !s) return s;
    plan<2> skl;
    if (const status s = skl_plan(t, skl); !s) return s;
    for (const plan_step& s : skl)
        if (const status r = run(measurer::skl, s); !r) return r;
    if (!o.dlme) return success;
    plan<Capacity> dlme;
    if (const status s = slrt::make_plan(t, mem, o.dlme_rules, dlme); !s) return s;
    for (const plan_step& s : dlme)
        if (const status r = run(measurer::dlme, s); !r) return r;
    return success;
}

// The PCR values after the launch: every bank given starts from the DRTM reset (PCR 17..22 zero)
// and takes each measurement it is extended with. Banks slrt cannot compute keep their start
// values (computable = false), as replay() does.
template <u32 Capacity = 64, memory M>
constexpr status predict_amd_launch(const slrt::table& t, const M& mem, const hash_alg* banks, u32 nbanks,
                                    const amd_launch_options& o, pcr_bank_set& out) {
    out.count = 0;  // add() resets each bank it hands out (and GCC 12 fails on assigning a fresh set here)
    for (u32 i = 0; i < nbanks && i < slrt::max_log_banks; ++i)
        if (const result<slrt::pcr_bank*> b = out.add(banks[i], slrt::digest_size(banks[i]), slrt::pcr_start::drtm);
            !b)
            return b.err();
    return for_each_amd_measurement<Capacity>(t, mem, banks, nbanks, o, [&](const amd_measurement& m) -> status {
        for (u32 i = 0; i < m.bank_count; ++i) {
            slrt::pcr_bank* b = out.find(m.banks[i]);
            if (!b || !m.extends(i) || m.step->pcr >= slrt::pcr_count) continue;
            ++b->extends[m.step->pcr];
            if (b->computable) b->pcrs[m.step->pcr] = slrt::extend_pcr(b->pcrs[m.step->pcr], m.digests[i]);
        }
        return success;
    });
}

}  // namespace dlh::skinit
