// SPDX-License-Identifier: MIT
// Arm DRTM (DEN0113 "DRTM Architecture for Arm"): every header of include/dlh/arm/.
// spec/arm-drtm.md describes the structures and the rules ARM-<n>.
#pragma once

#include "dlh/arm/acpi_region.hpp"      // the DLME data's ACPI table region (XSDT)
#include "dlh/arm/base.hpp"             // shared vocabulary, the 4 KiB DRTM page
#include "dlh/arm/dlme_data.hpp"        // the DLME data header and its regions
#include "dlh/arm/error_code.hpp"       // DRTM_SET_ERROR / DRTM_GET_ERROR encoding
#include "dlh/arm/event_order.hpp"      // Arm event types, PCR 17/18 event order
#include "dlh/arm/features.hpp"         // DRTM_FEATURES queries and feature words
#include "dlh/arm/launch_features.hpp"  // the launch features word
#include "dlh/arm/measurements.hpp"     // TF-A's measurement list, as a log writer
#include "dlh/arm/memory_regions.hpp"   // protected regions and the address map
#include "dlh/arm/parameters.hpp"       // DRTM_PARAMETERS
#include "dlh/arm/rules.hpp"            // every ARM-<n> rule, with the launch status
#include "dlh/arm/smc.hpp"              // SMC function ids, DRTM_VERSION
#include "dlh/arm/status.hpp"           // return codes
#include "dlh/arm/tcb_hashes.hpp"       // TCB hash table
