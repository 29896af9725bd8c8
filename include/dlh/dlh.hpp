// SPDX-License-Identifier: MIT
// The Dynamic Launch Handler's launch contracts: Intel TXT, AMD SKINIT (with the TrenchBoot
// secure kernel loader) and Arm DRTM, over the typed registers and ranges they share.
#pragma once

#include "dlh/arm/arm.hpp"
#include "dlh/bits.hpp"
#include "dlh/range.hpp"
#include "dlh/skinit/skinit.hpp"
#include "dlh/txt/txt.hpp"
