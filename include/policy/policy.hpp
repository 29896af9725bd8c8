// SPDX-License-Identifier: MIT
// slrt measurement: digests, policy evaluation, DRTM event logs, replay, TPM2 commands.
//
//   digests      digest.hpp (sha1, sha256, sha384, sha512, hasher, hash_banks)
//   evaluation   memory.hpp (memory concept and backends), plan.hpp (make_plan, check_policy),
//                measure.hpp (measure_step)
//   event logs   event_types.hpp, eventlog.hpp (parse_event_log, log_writer), replay.hpp
//   TPM          tpm2.hpp (PCR_Extend, PCR_Read, GetCapability encoders and decoders)
#pragma once

#include "policy/digest.hpp"
#include "policy/event_types.hpp"
#include "policy/eventlog.hpp"
#include "policy/measure.hpp"
#include "policy/memory.hpp"
#include "policy/plan.hpp"
#include "policy/replay.hpp"
#include "policy/tpm2.hpp"
