// Arm DRTM event logs: TF-A's measurement list written by dlh/arm/measurements.hpp against the
// log gen_arm.py wrote from the facts (byte for byte), the PCR 17/18 values it predicts, and the
// PCR 17/18 order check (ACS dl013/dl015) on the golden logs (kind "event_order").
#include <catch2/catch.hpp>

#include "support/arm_vectors.hpp"

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dlh/arm/arm.hpp"

using namespace dlh;
using namespace dlh::arm;
using namespace slrt_test;

namespace {

order_options options_from(const nlohmann::json& j) {
    order_options o;
    REQUIRE(pcr_schema_from_name(j["schema"].get<std::string>().c_str(), o.schema));
    REQUIRE(order_profile_from_name(j["profile"].get<std::string>().c_str(), o.profile));
    if (j.contains("require_secure_int_disable")) o.require_secure_int_disable = j["require_secure_int_disable"];
    return o;
}

// A log with these (pcr, type) events, digests of nothing.
struct small_log {
    u8 buf[2048]{};
    u32 size = 0;
    constexpr small_log(std::initializer_list<std::pair<u32, event_type>> events) {
        slrt::log_writer w{mutable_byte_view(buf)};
        (void)init_tfa_log(w);
        for (const auto& [pcr, type] : events)
            (void)w.append_measurement(pcr, static_cast<u32>(type), byte_view{}, byte_view{});
        size = w.size();
    }
    constexpr byte_view bytes() const { return byte_view(buf, size); }
};

constexpr const char* order_rule(const small_log& l, const order_options& o = {}) {
    const auto log = slrt::parse_event_log(l.bytes());
    if (!log) return "bad log";
    const auto r = check_event_order(*log, o);
    return r ? "ok" : r.err().rule;
}

constexpr bool same(const char* a, const char* b) { return same_name(a, b); }

using E = event_type;

}  // namespace

// The order check in constant evaluation.
static_assert(same(order_rule({{17, E::dce}, {17, E::pcr_schema}, {17, E::separator}, {18, E::pcr_schema},
                               {18, E::dlme}, {18, E::dlme_entry_point}, {18, E::separator}},
                              {pcr_schema::default_schema, order_profile::tfa}),
                   "ok"));
static_assert(same(order_rule({{17, E::dce}, {17, E::pcr_schema}, {17, E::separator}, {18, E::pcr_schema},
                               {18, E::dlme}, {18, E::dlme_entry_point}, {18, E::separator}}),
                   "ARM-89"));
static_assert(same(order_rule({{17, E::pcr_schema}}), "ARM-80"));
static_assert(same(order_rule({}), "ARM-80"));
static_assert(same(order_rule({{17, E::dce}, {17, E::pcr_schema}, {17, E::separator}, {17, E::separator}}), "ARM-84"));

TEST_CASE("arm: TF-A's measurement log matches the one written from the facts", "[arm][vectors]") {
    const bytes_t pb = arm_vectors.bytes("valid/params-tfa-fvp.bin");
    const auto p = parse_parameters(view(pb));
    REQUIRE(p);
    const bytes_t image = arm_vectors.bytes("valid/dlme-image.bin");
    REQUIRE(image.size() == p->dlme_image_size);
    for (bool startup : {false, true}) {
        const std::string name = startup ? "tfa-startup-locality" : "tfa-default";
        INFO(name);
        const bytes_t want = arm_vectors.bytes("eventlog/" + name + ".log");
        bytes_t buf(4096, 0);
        slrt::log_writer w(mutable_byte_view(buf.data(), buf.size()));
        tfa_log_options lo;
        lo.startup_locality_event = startup;
        REQUIRE(init_tfa_log(w, lo));
        REQUIRE(append_tfa_measurements(w, *p, view(image)));
        CHECK(slrt::equal(w.bytes(), view(want)));

        // The PCR 17/18 values the log predicts.
        const auto log = slrt::parse_event_log(view(want));
        REQUIRE(log);
        slrt::pcr_bank_set pcrs;
        REQUIRE(slrt::replay(*log, pcrs));
        const nlohmann::json j = arm_vectors.json("eventlog/" + name + ".json");
        const slrt::pcr_bank* bank = pcrs.find(slrt::hash_alg::sha256);
        REQUIRE(bank);
        CHECK(hex(bank->pcrs[17].view()) == j["pcrs"]["sha256"]["17"]);
        CHECK(hex(bank->pcrs[18].view()) == j["pcrs"]["sha256"]["18"]);
        REQUIRE(check_event_order(*log, {pcr_schema::default_schema, order_profile::tfa}));
    }
    // The DLME data TF-A builds carries the same log.
    const bytes_t data = arm_vectors.bytes("valid/dlme-data-tfa.bin");
    const auto d = parse_dlme_data(view(data));
    REQUIRE(d);
    CHECK(slrt::equal(d->region(dlme_region::event_log), view(arm_vectors.bytes("eventlog/tfa-default.log"))));
}

TEST_CASE("arm: measurement writer refuses without changing the log", "[arm]") {
    drtm_parameters p;
    p.dlme_image_size = 16;
    const u8 image[16] = {};
    bytes_t buf(4096, 0);
    slrt::log_writer w(mutable_byte_view(buf.data(), buf.size()));
    status s = append_tfa_measurements(w, p, byte_view(image));  // not initialised
    REQUIRE_FALSE(s);
    CHECK(s.err().rule == std::string("ARM-96"));
    REQUIRE(init_tfa_log(w));
    s = append_tfa_measurements(w, p, byte_view(image, 15));
    REQUIRE_FALSE(s);
    CHECK(s.err().rule == std::string("ARM-96"));
    // Room for seven of the eight events: nothing is appended.
    const u32 header = w.size();
    bytes_t tight(header + 7 * 50 + 9, 0);
    slrt::log_writer t(mutable_byte_view(tight.data(), tight.size()));
    REQUIRE(init_tfa_log(t));
    const bytes_t before = tight;
    s = append_tfa_measurements(t, p, byte_view(image));
    REQUIRE_FALSE(s);
    CHECK(s.err().rule == std::string("LOG-40"));
    CHECK(t.event_count() == 0);
    CHECK(tight == before);
    bytes_t exact(header + 8 * 50 + 18, 0);
    slrt::log_writer x(mutable_byte_view(exact.data(), exact.size()));
    REQUIRE(init_tfa_log(x));
    REQUIRE(append_tfa_measurements(x, p, byte_view(image)));
    CHECK(x.size() == exact.size());
}

TEST_CASE("arm: order check reports where the sequence breaks", "[arm]") {
    const small_log l({{17, E::dce}, {18, E::pcr_schema}, {17, E::pcr_schema}, {17, E::tzfw}, {17, E::separator}});
    const auto log = slrt::parse_event_log(l.bytes());
    REQUIRE(log);
    const auto r = check_event_order(*log, {pcr_schema::default_schema, order_profile::tfa});
    REQUIRE_FALSE(r);
    // PCR 17 is fine; PCR 18 stops after PCR_SCHEMA with no DLME.
    CHECK(r.err().rule == std::string("ARM-86"));
    CHECK(r.err().offset == log->events_end());
    CHECK(r.err().entry_index == no_entry);
    CHECK(r.err().value == 0);
    CHECK(r.err().limit == static_cast<u32>(E::dlme));
    const small_log ok({{17, E::dce}, {17, E::pcr_schema}, {17, E::tzfw}, {17, E::tzfw}, {17, E::dce_secondary},
                        {17, E::secure_int_disable}, {17, E::separator}, {0, E::dlme}, {18, E::pcr_schema},
                        {18, E::dce_pubkey}, {18, E::dlme_pubkey}, {18, E::dlme_entry_point}, {18, E::debug_config},
                        {18, E::nonsecure_config}, {18, E::separator}, {19, E::dlme}});
    const auto log2 = slrt::parse_event_log(ok.bytes());
    REQUIRE(log2);
    const auto report = check_event_order(*log2, {pcr_schema::dlme_authorities, order_profile::den0113, true});
    REQUIRE(report);
    CHECK(report->pcr17_events == 7);
    CHECK(report->pcr18_events == 7);
    CHECK(report->tzfw == 2);
    CHECK(report->dce_secondary == 1);
    CHECK(report->dce_pubkey == 1);
    CHECK(report->secure_int_disable);
    CHECK_FALSE(report->dlme_svn);
    CHECK(is_arm_drtm_event(0x900e));
    CHECK_FALSE(is_arm_drtm_event(0x900f));
}

TEST_CASE("arm: event order golden vectors", "[arm][vectors]") {
    const nlohmann::json manifest = arm_vectors.json("manifest.json");
    u32 valid = 0, malformed = 0;
    for (const nlohmann::json& v : manifest["vectors"]) {
        if (v["kind"] != "event_order") continue;
        const std::string file = v["file"];
        INFO(file);
        const bytes_t b = arm_vectors.bytes(file);
        const auto log = slrt::parse_event_log(view(b));
        REQUIRE(log);
        if (v.contains("json")) {
            const nlohmann::json j = arm_vectors.json(v["json"]);
            REQUIRE(j["events"].size() == log->event_count());
            u32 i = 0;
            for (const slrt::event e : *log) {
                CHECK(j["events"][i]["pcr"] == e.pcr);
                CHECK(j["events"][i]["type"] == e.type);
                CHECK(j["events"][i]["offset"] == e.offset);
                CHECK(j["events"][i]["data"] == hex(e.data));
                ++i;
            }
        }
        const result<order_report> r = check_event_order(*log, options_from(v["options"]));
        if (v["expect"] == "ok") {
            CHECK(r);
            ++valid;
        } else {
            REQUIRE_FALSE(r);
            CHECK(slrt::name(r.err().code) == v["errc"].get<std::string>());
            CHECK(r.err().rule == v["rule"].get<std::string>());
            CHECK(r.err().offset == v["offset"].get<u32>());
            if (v["entry_index"].is_null())
                CHECK(r.err().entry_index == no_entry);
            else
                CHECK(r.err().entry_index == v["entry_index"].get<u32>());
            ++malformed;
        }
    }
    CHECK(valid >= 5);
    CHECK(malformed >= 15);
}
