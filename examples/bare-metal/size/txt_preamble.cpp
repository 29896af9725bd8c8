// Size probe: the TXT preamble on the x86 platform (every step, localities through a loader hook).
#include "dlh/txt/preamble.hpp"
#include "dlh/x86/platform.hpp"
extern "C" int probe_txt_preamble(const dlh::txt::launch_options* o, dlh::txt::txt_preamble_report* out) {
    dlh::x86::platform p;
    dlh::no_tpm_localities l;
    return dlh::txt::run_txt_preamble(p, l, *o, *out) ? 0 : 1;
}
