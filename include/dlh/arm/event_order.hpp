// SPDX-License-Identifier: MIT
// The order of the Arm DRTM events in PCR 17 and PCR 18 (skinit-arm-tcg.md §B.8; [ACS] tests
// dl013 "default PCR schema event ordering", R48020, and dl015 "DLME Authorities event
// ordering", R48030).
//
// Like the compliance suite, the check takes the events of PCR 17 and of PCR 18 in log order
// (every event type counts, EV_NO_ACTION included; other PCRs are ignored) and matches each
// sequence against its pattern ([X] optional, X... zero or more):
//
//   PCR 17                 DCE, PCR_SCHEMA, [TZFW...], [DCE_SECONDARY...], [SECURE_INT_DISABLE],
//                          SEPARATOR, nothing after
//   PCR 18, default        PCR_SCHEMA, [DCE_PUBKEY...], DLME, DLME_ENTRY_POINT, DEBUG_CONFIG,
//                          NONSECURE_CONFIG, SEPARATOR, nothing after
//   PCR 18, authorities    PCR_SCHEMA, [DCE_PUBKEY...], DLME_PUBKEY, [DLME_SVN], DLME_ENTRY_POINT,
//                          DEBUG_CONFIG, NONSECURE_CONFIG, SEPARATOR, nothing after
//
// The PCR schema is the caller's explicit choice (launch features [2:1] of the launch that wrote
// the log), never inferred from the log. Two profiles:
//   order_profile::den0113  the sequences above, as ACS checks them
//   order_profile::tfa      TF-A's measurement list, which leaves out DEBUG_CONFIG and
//                           NONSECURE_CONFIG (not yet measured there); everything else as above
// `require_secure_int_disable` makes SECURE_INT_DISABLE mandatory in PCR 17 (ACS marks it
// optional until DRTM_ENABLE_SECURE_INTERRUPTS is common; a launch with launch feature bit 7).
//
// Rules (error.offset: the offending event's offset in the log, or events_end() when the
// sequence ended early; entry_index: the event's index in the log, no_entry when missing;
// value: the type found (0 when none), limit: the type expected):
//   ARM-80 not_found       PCR 17 does not start with DCE
//   ARM-81 not_found       PCR_SCHEMA does not follow DCE in PCR 17
//   ARM-82 not_found       SECURE_INT_DISABLE missing in PCR 17 (when required)
//   ARM-83 not_found       SEPARATOR missing or out of order in PCR 17
//   ARM-84 trailing_bytes  a PCR 17 event after its SEPARATOR
//   ARM-85 not_found       PCR 18 does not start with PCR_SCHEMA
//   ARM-86 not_found       DLME missing or out of order in PCR 18 (default schema)
//   ARM-87 not_found       DLME_PUBKEY missing or out of order in PCR 18 (authorities schema)
//   ARM-88 not_found       DLME_ENTRY_POINT missing or out of order in PCR 18
//   ARM-89 not_found       DEBUG_CONFIG missing or out of order in PCR 18 (den0113)
//   ARM-90 not_found       NONSECURE_CONFIG missing or out of order in PCR 18 (den0113)
//   ARM-91 not_found       SEPARATOR missing or out of order in PCR 18
//   ARM-92 trailing_bytes  a PCR 18 event after its SEPARATOR
#pragma once

#include "dlh/arm/base.hpp"
#include "dlh/arm/launch_features.hpp"
#include "policy/event_types.hpp"
#include "policy/eventlog.hpp"

namespace dlh::arm {

// The Arm DRTM event types (base 0x9000), as policy/event_types.hpp names them.
enum class event_type : u32 {
    pcr_schema = slrt::arm_drtm_evtype_pcr_schema,                  // 0x9001
    dce = slrt::arm_drtm_evtype_dce,                                // 0x9002
    dce_pubkey = slrt::arm_drtm_evtype_dce_pubkey,                  // 0x9003
    dlme = slrt::arm_drtm_evtype_dlme,                              // 0x9004
    dlme_entry_point = slrt::arm_drtm_evtype_dlme_entry_point,      // 0x9005
    debug_config = slrt::arm_drtm_evtype_debug_config,              // 0x9006
    nonsecure_config = slrt::arm_drtm_evtype_nonsecure_config,      // 0x9007
    dce_secondary = slrt::arm_drtm_evtype_dce_secondary,            // 0x9008
    tzfw = slrt::arm_drtm_evtype_tzfw,                              // 0x9009
    separator = slrt::arm_drtm_evtype_separator,                    // 0x900a
    dlme_pubkey = slrt::arm_drtm_evtype_dlme_pubkey,                // 0x900b
    dlme_svn = slrt::arm_drtm_evtype_dlme_svn,                      // 0x900c
    no_action = slrt::arm_drtm_evtype_no_action,                    // 0x900d (TF-A: defined, not logged)
    secure_int_disable = slrt::arm_drtm_evtype_secure_int_disable,  // 0x900e ([ACS])
};

constexpr bool is_arm_drtm_event(u32 type) { return type >= 0x9001 && type <= 0x900e; }

enum class order_profile : u8 { den0113, tfa };

constexpr const char* name(order_profile p) {
    switch (p) {
        case order_profile::den0113: return "den0113";
        case order_profile::tfa: return "tfa";
    }
    return nullptr;
}
constexpr bool order_profile_from_name(const char* text, order_profile& out) {
    constexpr order_profile all[] = {order_profile::den0113, order_profile::tfa};
    for (order_profile p : all)
        if (same_name(text, name(p))) {
            out = p;
            return true;
        }
    return false;
}

struct order_options {
    pcr_schema schema = pcr_schema::default_schema;
    order_profile profile = order_profile::den0113;
    bool require_secure_int_disable = false;
};

// What the check saw.
struct order_report {
    u32 pcr17_events = 0;
    u32 pcr18_events = 0;
    u32 tzfw = 0, dce_secondary = 0, dce_pubkey = 0;
    bool secure_int_disable = false;
    bool dlme_svn = false;
};

namespace order_detail {

// The events of one PCR, walked in log order.
class pcr_cursor {
public:
    constexpr pcr_cursor(const slrt::event_log& log, u32 pcr) : it_(log.begin()), end_(log.end()), pcr_(pcr),
                                                                 log_end_(log.events_end()) {
        skip();
    }
    constexpr bool done() const { return it_ == end_; }
    constexpr u32 type() const { return done() ? 0 : it_->type; }
    constexpr bool is(event_type t) const { return !done() && it_->type == static_cast<u32>(t); }
    constexpr void next() {
        ++it_;
        ++consumed_;
        skip();
    }
    constexpr u32 offset() const { return done() ? log_end_ : it_->offset; }
    constexpr u32 index() const { return done() ? no_entry : it_->index; }
    constexpr u32 consumed() const { return consumed_; }

private:
    constexpr void skip() {
        while (it_ != end_ && it_->pcr != pcr_) ++it_;
    }
    slrt::event_log::iterator it_;
    slrt::event_log::iterator end_;
    u32 pcr_;
    u32 log_end_;
    u32 consumed_ = 0;
};

constexpr error missing(const pcr_cursor& c, const char* field, const char* rule, const char* message,
                        event_type expected) {
    return arm_error(errc::not_found, c.offset(), c.index(), field, rule, message, c.type(),
                     static_cast<u32>(expected));
}

// Requires the next event to be `t`.
constexpr bool expect(pcr_cursor& c, event_type t) {
    if (!c.is(t)) return false;
    c.next();
    return true;
}

constexpr u32 skip_all(pcr_cursor& c, event_type t) {
    u32 n = 0;
    while (c.is(t)) {
        c.next();
        ++n;
    }
    return n;
}

}  // namespace order_detail

constexpr result<order_report> check_event_order(const slrt::event_log& log, const order_options& o = {}) {
    using order_detail::missing;
    using order_detail::pcr_cursor;
    order_report report;

    pcr_cursor c17(log, 17);
    if (!order_detail::expect(c17, event_type::dce))
        return missing(c17, "pcr17", "ARM-80", "PCR 17 starts with the DCE event", event_type::dce);
    if (!order_detail::expect(c17, event_type::pcr_schema))
        return missing(c17, "pcr17", "ARM-81", "PCR_SCHEMA follows DCE in PCR 17", event_type::pcr_schema);
    report.tzfw = order_detail::skip_all(c17, event_type::tzfw);
    report.dce_secondary = order_detail::skip_all(c17, event_type::dce_secondary);
    report.secure_int_disable = order_detail::expect(c17, event_type::secure_int_disable);
    if (o.require_secure_int_disable && !report.secure_int_disable)
        return missing(c17, "pcr17", "ARM-82",
                       "SECURE_INT_DISABLE precedes the PCR 17 SEPARATOR when secure interrupts were disabled",
                       event_type::secure_int_disable);
    if (!order_detail::expect(c17, event_type::separator))
        return missing(c17, "pcr17", "ARM-83",
                       "PCR 17 ends with SEPARATOR after DCE, PCR_SCHEMA, TZFW..., DCE_SECONDARY..., "
                       "SECURE_INT_DISABLE",
                       event_type::separator);
    if (!c17.done())
        return arm_error(errc::trailing_bytes, c17.offset(), c17.index(), "pcr17", "ARM-84",
                         "no PCR 17 event follows its SEPARATOR", c17.type(), 0);
    report.pcr17_events = c17.consumed();

    pcr_cursor c18(log, 18);
    if (!order_detail::expect(c18, event_type::pcr_schema))
        return missing(c18, "pcr18", "ARM-85", "PCR 18 starts with PCR_SCHEMA", event_type::pcr_schema);
    report.dce_pubkey = order_detail::skip_all(c18, event_type::dce_pubkey);
    if (o.schema == pcr_schema::default_schema) {
        if (!order_detail::expect(c18, event_type::dlme))
            return missing(c18, "pcr18", "ARM-86", "DLME follows PCR_SCHEMA and DCE_PUBKEY... (default schema)",
                           event_type::dlme);
    } else {
        if (!order_detail::expect(c18, event_type::dlme_pubkey))
            return missing(c18, "pcr18", "ARM-87",
                           "DLME_PUBKEY follows PCR_SCHEMA and DCE_PUBKEY... (DLME Authorities schema)",
                           event_type::dlme_pubkey);
        report.dlme_svn = order_detail::expect(c18, event_type::dlme_svn);
    }
    if (!order_detail::expect(c18, event_type::dlme_entry_point))
        return missing(c18, "pcr18", "ARM-88", "DLME_ENTRY_POINT follows the DLME (or DLME_PUBKEY, DLME_SVN) event",
                       event_type::dlme_entry_point);
    if (o.profile == order_profile::den0113) {
        if (!order_detail::expect(c18, event_type::debug_config))
            return missing(c18, "pcr18", "ARM-89", "DEBUG_CONFIG follows DLME_ENTRY_POINT", event_type::debug_config);
        if (!order_detail::expect(c18, event_type::nonsecure_config))
            return missing(c18, "pcr18", "ARM-90", "NONSECURE_CONFIG follows DEBUG_CONFIG",
                           event_type::nonsecure_config);
    }
    if (!order_detail::expect(c18, event_type::separator))
        return missing(c18, "pcr18", "ARM-91",
                       o.profile == order_profile::den0113 ? "PCR 18 ends with SEPARATOR after NONSECURE_CONFIG"
                                                           : "PCR 18 ends with SEPARATOR after DLME_ENTRY_POINT (TF-A)",
                       event_type::separator);
    if (!c18.done())
        return arm_error(errc::trailing_bytes, c18.offset(), c18.index(), "pcr18", "ARM-92",
                         "no PCR 18 event follows its SEPARATOR", c18.type(), 0);
    report.pcr18_events = c18.consumed();
    return report;
}

}  // namespace dlh::arm
