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

}  // namespace dlh
