// SPDX-License-Identifier: MIT
// AMD SKINIT launch contracts (spec/skinit.md): preconditions, the SLB, PCR 17 after SKINIT, the
// secure-kernel-loader image and SLRT placement, the AMD info setup_data link, the launch's
// measurements, and the (experimental) AMD PSP/ASP DRTM facts.
#pragma once

#include "dlh/skinit/asp.hpp"
#include "dlh/skinit/cpu.hpp"
#include "dlh/skinit/measure.hpp"
#include "dlh/skinit/pcr17.hpp"
#include "dlh/skinit/place.hpp"
#include "dlh/skinit/setup_data.hpp"
#include "dlh/skinit/skl.hpp"
#include "dlh/skinit/slb.hpp"
