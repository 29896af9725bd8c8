// Size probe: the SKINIT preamble on the x86 platform (every step, localities through a loader hook).
#include "dlh/skinit/preamble.hpp"
#include "dlh/x86/platform.hpp"
extern "C" int probe_skinit_preamble(const dlh::skinit::launch_options* o, dlh::skinit::skinit_preamble_report* out) {
    dlh::x86::platform p;
    dlh::no_tpm_localities l;
    return dlh::skinit::run_skinit_preamble(p, l, *o, *out) ? 0 : 1;
}
