// SPDX-License-Identifier: MIT
// What the TXT and SKINIT launch preambles share: the TPM locality interface they take from the
// loader, and the record each step leaves in the preamble's report.
#pragma once

#include <concepts>

#include "dlh/base.hpp"

namespace dlh {

// What a preamble needs from the loader's TPM driver: close every locality (no locality may be
// active at SENTER, SDG 2.2.5.3; the same before SKINIT). dlh::tpm drivers satisfy it; a loader
// whose TPM is handled elsewhere passes no_tpm_localities.
template <class L>
concept locality_control = requires(L& l) {
    { l.close_all() } -> std::same_as<status>;
};

struct no_tpm_localities {
    constexpr status close_all() { return success; }
};

enum class step_outcome : u8 { not_run, pass, fail, skipped };

constexpr const char* name(step_outcome o) {
    switch (o) {
        case step_outcome::not_run: return "not_run";
        case step_outcome::pass: return "pass";
        case step_outcome::fail: return "fail";
        case step_outcome::skipped: return "skipped";
    }
    return "unknown";
}

// A value a step reports ("sinit_base", 0x7f000000).
struct named_value {
    const char* name = "";
    u64 value = 0;
};

struct step_record {
    step_outcome outcome = step_outcome::not_run;
    const char* rule = "";        // the failing DLH rule, or the step's rule range
    const char* cause_rule = "";  // the rule of the check underneath (TXT-G5, SKL-32, ...)
    const char* note = "";
    error failure{};              // rule = the DLH rule; the rest from the check underneath
    named_value key[3]{};
};

// A step's name and the DLH rules it can fail with ("smx", "DLH-T1..T3").
struct step_info {
    const char* name;
    const char* rules;
};

// The records of a preamble run, one per step of the preamble's `Step` enum (0..N-1); each
// preamble's report derives from it and adds what the launch would see.
template <class Step, u32 N>
struct step_log {
    step_record steps[N]{};

    constexpr const step_record& step(Step s) const { return steps[static_cast<u32>(s)]; }
    // The first failing step's error (errc::ok when none failed).
    constexpr error first_failure() const {
        for (const step_record& r : steps)
            if (r.outcome == step_outcome::fail) return r.failure;
        return error{};
    }
    constexpr bool ok() const { return first_failure().code == errc::ok; }

    // Marks `s` failed by `cause` (a check's error), which is reported under the DLH `rule`;
    // returns that error.
    constexpr error fail(Step s, const error& cause, const char* rule) {
        step_record& rec = reset(s);
        rec.outcome = step_outcome::fail;
        rec.rule = rule;
        rec.cause_rule = cause.rule;
        rec.failure = cause;
        rec.failure.rule = rule;
        return rec.failure;
    }
    // Marks `s` passed or skipped, with up to three values worth reporting.
    constexpr step_record& record(Step s, step_outcome outcome, const char* rules, const char* k0 = "", u64 v0 = 0,
                                  const char* k1 = "", u64 v1 = 0, const char* k2 = "", u64 v2 = 0) {
        step_record& rec = reset(s);
        rec.outcome = outcome;
        rec.rule = rules;
        rec.key[0] = {k0, v0};
        rec.key[1] = {k1, v1};
        rec.key[2] = {k2, v2};
        return rec;
    }

private:
    // Field by field: assigning a fresh step_record here makes GCC 12 fail internally
    // (gimplify) when the preamble is instantiated.
    constexpr step_record& reset(Step s) {
        step_record& rec = steps[static_cast<u32>(s)];
        rec.outcome = step_outcome::not_run;
        rec.rule = rec.cause_rule = rec.note = "";
        rec.failure = error{};
        for (named_value& k : rec.key) k = named_value{};
        return rec;
    }
};

}  // namespace dlh
