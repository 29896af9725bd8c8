// SPDX-License-Identifier: MIT
// The launch simulator (dlh::sim): simulated Intel TXT and AMD machines that satisfy
// dlh::platform, with GETSEC[SENTER] checked and carried out by a simulated SINIT and SKINIT by a
// simulated processor, for host tests of the launch preambles. spec/dlh.md "Simulator".
#pragma once

#include "dlh/sim/amd_platform.hpp"
#include "dlh/sim/machine.hpp"
#include "dlh/sim/scenario.hpp"
#include "dlh/sim/txt_platform.hpp"
