// SPDX-License-Identifier: MIT
// The Dynamic Launch Handler's launch contracts: Intel TXT, AMD SKINIT (with the TrenchBoot
// secure kernel loader) and Arm DRTM, over the typed registers and ranges they share; the
// platform interface, the TPM drivers and the launch preambles. The real x86 platform
// (dlh/x86/platform.hpp) and the simulator (dlh/sim/sim.hpp) are included on their own.
#pragma once

#include "dlh/arm/arm.hpp"
#include "dlh/bits.hpp"
#include "dlh/platform.hpp"
#include "dlh/range.hpp"
#include "dlh/skinit/preamble.hpp"
#include "dlh/skinit/skinit.hpp"
#include "dlh/tpm/tpm.hpp"
#include "dlh/txt/preamble.hpp"
#include "dlh/txt/txt.hpp"
