// SPDX-License-Identifier: MIT
// TPM access on bare metal: interface detection, the FIFO (TIS) and CRB register interfaces
// over any dlh::platform, and a TPM 2.0 command transport for the policy/tpm2.hpp codec.
#pragma once

#include "dlh/tpm/common.hpp"
#include "dlh/tpm/crb.hpp"
#include "dlh/tpm/tis.hpp"
#include "dlh/tpm/transport.hpp"
