// SPDX-License-Identifier: MIT
// What TF-A's DRTM service measures at DYNAMIC_LAUNCH and logs (skinit-arm-tcg.md §B.8;
// [TFA] drtm_measurements.c). Writing the same log from the DRTM_PARAMETERS and the DLME
// image predicts PCR 17 and PCR 18 after an Arm launch (replay it with policy/replay.hpp).
//
//   PCR 17  DCE               H(0x00)        the D-CRTM and the DCE are one component
//   PCR 17  PCR_SCHEMA        H(schema)      one byte: launch features [2:1]
//   PCR 17  SEPARATOR         H("ARM_DRTM")  event data "ARM_DRTM\0"
//   PCR 18  PCR_SCHEMA        H(schema)
//   PCR 18  DCE_PUBKEY        H(0x00)
//   PCR 18  DLME              H(image)       dlme_image_size bytes from the image start
//   PCR 18  DLME_ENTRY_POINT  H(u64 LE)      dlme_entry_point_offset (TF-A since f3fec61fb)
//   PCR 18  SEPARATOR         H("ARM_DRTM")  event data "ARM_DRTM\0"
// Event data is empty except for the separators. The log is TCG crypto-agile with one bank,
// the firmware hash algorithm (SHA-256 by default). TF-A's in-tree writer before 2025 also put a
// StartupLocality EV_NO_ACTION (locality 0) after the Spec ID event; the current writer's
// header is not known, so that event is an option. The Spec ID event carries specErrata 2 as
// TF-A writes it.
//
// append_tfa_measurements() appends all eight events or none.
//
// Rules:
//   ARM-96 bad_argument  the image given is not dlme_image_size bytes, or the writer holds no
//                        TCG log
//   LOG-40 table_full    the log has no room for the eight events
#pragma once

#include "dlh/arm/base.hpp"
#include "dlh/arm/event_order.hpp"
#include "dlh/arm/parameters.hpp"
#include "policy/digest.hpp"
#include "policy/eventlog.hpp"

namespace dlh::arm {

inline constexpr u8 separator_measurement[8] = {'A', 'R', 'M', '_', 'D', 'R', 'T', 'M'};
inline constexpr u8 separator_event_data[9] = {'A', 'R', 'M', '_', 'D', 'R', 'T', 'M', 0};
inline constexpr u8 startup_locality_signature[16] = {'S', 't', 'a', 'r', 't', 'u', 'p', 'L',
                                                      'o', 'c', 'a', 'l', 'i', 't', 'y', 0};

struct tfa_log_options {
    slrt::hash_alg alg = slrt::hash_alg::sha256;  // the firmware hash algorithm
    bool startup_locality_event = false;          // TF-A's pre-2025 header
};

// Starts a TCG log as TF-A does: one bank, Spec ID Event03 with specErrata 2, and optionally
// the StartupLocality event.
constexpr status init_tfa_log(slrt::log_writer& w, const tfa_log_options& o = {}) {
    slrt::tcg_header_options h;
    h.spec_errata = 2;
    if (const status s = w.init_tcg(&o.alg, 1, h); !s) return s;
    if (o.startup_locality_event) {
        u8 data[17] = {};
        for (u32 i = 0; i < 16; ++i) data[i] = startup_locality_signature[i];
        slrt::digest zero{};
        zero.alg = o.alg;
        if (const result<u32> r = w.append(0, slrt::ev_no_action, &zero, 1, byte_view(data)); !r) return r.err();
    }
    return success;
}

// Appends TF-A's eight measurements of the launch `p` (see the table above).
constexpr status append_tfa_measurements(slrt::log_writer& w, const drtm_parameters& p, byte_view image) {
    if (image.size() != p.dlme_image_size)
        return arm_error(errc::bad_argument, parameters_offset::dlme_image_size, no_entry, "image", "ARM-96",
                         "the DLME image given must be dlme_image_size bytes", image.size(), p.dlme_image_size);
    const u8 zero[1] = {0};
    const u8 schema[1] = {p.features().pcr_schema_value()};
    u8 entry[8] = {};
    store_le(mutable_byte_view(entry), 0, 8, p.dlme_entry_point_offset);
    struct step {
        u32 pcr;
        event_type type;
        byte_view measured;
        byte_view data;
    };
    const step steps[] = {
        {17, event_type::dce, byte_view(zero), {}},
        {17, event_type::pcr_schema, byte_view(schema), {}},
        {17, event_type::separator, byte_view(separator_measurement), byte_view(separator_event_data)},
        {18, event_type::pcr_schema, byte_view(schema), {}},
        {18, event_type::dce_pubkey, byte_view(zero), {}},
        {18, event_type::dlme, image, {}},
        {18, event_type::dlme_entry_point, byte_view(entry), {}},
        {18, event_type::separator, byte_view(separator_measurement), byte_view(separator_event_data)},
    };
    // Room for all eight first, so that a full buffer leaves the log as it was.
    if (!w.initialized() || w.format() != slrt::event_log_format::tcg)
        return arm_error(errc::bad_argument, 0, no_entry, "log_writer", "ARM-96",
                         "the measurements go to an initialised TCG log", 0, 0);
    u64 per_event = 16;
    for (u32 i = 0; i < w.bank_count(); ++i) per_event += 2u + w.bank(i).digest_size;
    const u64 need = 8 * per_event + 2 * sizeof separator_event_data;
    if (need > u64{w.capacity()} - w.size())
        return arm_error(errc::table_full, w.size(), no_entry, "log_writer", "LOG-40",
                         "the eight measurements do not fit in the space left", need, u64{w.capacity()} - w.size());
    for (const step& s : steps)
        if (const result<u32> r = w.append_measurement(s.pcr, static_cast<u32>(s.type), s.measured, s.data); !r)
            return r.err();
    return success;
}

}  // namespace dlh::arm
