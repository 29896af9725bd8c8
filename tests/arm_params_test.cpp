// Arm DRTM launch interface: SMC ids, return codes, DRTM_FEATURES words (both readings of the
// PCR-schema bit), launch features, DRTM_PARAMETERS (codec, every launch check, builder,
// planner), the error-code encoding and the rule table. Golden vectors from
// spec/vectors/arm/gen_arm.py (kind "params").
#include <catch2/catch.hpp>

#include "support/arm_vectors.hpp"

#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dlh/arm/arm.hpp"

using namespace dlh;
using namespace dlh::arm;
using namespace slrt_test;

namespace {

// A valid parameters file against the decode the generator wrote beside it.
void check_params_json(const drtm_parameters& p, const nlohmann::json& j) {
    CHECK(j["revision"] == p.revision);
    CHECK(j["reserved"] == p.reserved);
    const launch_features f = p.features();
    CHECK(j["launch_features"]["raw"] == f.raw);
    CHECK(j["launch_features"]["hashing_type"] == name(f.hashing()));
    CHECK(j["launch_features"]["pcr_schema"] == name(f.schema()));
    CHECK(j["launch_features"]["dma_protection_type"] == name(f.dma()));
    CHECK(j["launch_features"]["dlme_image_authentication"] == f.dlme_image_auth());
    CHECK(j["launch_features"]["secure_interrupts_disable"] == f.secure_int_disable());
    CHECK(j["dlme_region_address"] == p.dlme_region_address);
    CHECK(j["dlme_region_size"] == p.dlme_region_size);
    CHECK(j["dlme_image_start"] == p.dlme_image_start);
    CHECK(j["dlme_entry_point_offset"] == p.dlme_entry_point_offset);
    CHECK(j["dlme_image_size"] == p.dlme_image_size);
    CHECK(j["dlme_data_offset"] == p.dlme_data_offset);
    CHECK(j["nw_dce_region_address"] == p.nw_dce_region_address);
    CHECK(j["nw_dce_region_size"] == p.nw_dce_region_size);
    CHECK(j["protection_table_address"] == p.protection_table_address);
    CHECK(j["protection_table_size"] == p.protection_table_size);
    CHECK(j["dlme_entry_point"] == p.dlme_entry_point());
    CHECK(j["dlme_data_address"] == p.dlme_data_address());
}

// TF-A's FVP launch (spec/vectors/arm valid/params-tfa-fvp).
constexpr drtm_parameters tfa_params() {
    drtm_parameters p;
    p.revision = 1;
    p.dlme_region_address = 0x80000000;
    p.dlme_region_size = 0x15000;
    p.dlme_entry_point_offset = 0x1000;
    p.dlme_image_size = 0x2345;
    p.dlme_data_offset = 0x3000;
    return p;
}

constexpr errc code_of(const drtm_parameters& p, const parameter_check_options& o = {}) {
    const status s = check_parameters(p, o);
    return s ? errc::ok : s.err().code;
}

constexpr drtm_parameters with(drtm_parameters p, u64 drtm_parameters::*field, u64 value) {
    p.*field = value;
    return p;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Compile time: the codecs and checks run in constant evaluation.

// Round trip of the 88 bytes, revision 1 and 2.
static_assert([] {
    for (u16 rev : {u16{1}, u16{2}}) {
        drtm_parameters p = tfa_params();
        p.revision = rev;
        p.launch_features = make_launch_features(hashing_type::tpm, pcr_schema::dlme_authorities,
                                                 dma_protection::complete, true, true)
                                .raw;
        p.nw_dce_region_address = 0x1000;
        p.nw_dce_region_size = 0x2000;
        u8 buf[88]{};
        if (!build_parameters(p, mutable_byte_view(buf))) return false;
        const result<drtm_parameters> back = parse_parameters(byte_view(buf));
        if (!back || !(*back == p)) return false;
    }
    return true;
}());
static_assert(parse_parameters(byte_view{}).err().code == errc::truncated_header);
static_assert(code_of(with(tfa_params(), &drtm_parameters::dlme_region_address, 0x80000800)) == errc::misaligned);
static_assert(code_of(with(tfa_params(), &drtm_parameters::dlme_image_size, 0x3001)) == errc::overlap);
static_assert(code_of(with(tfa_params(), &drtm_parameters::dlme_entry_point_offset, 0x1002)) == errc::misaligned);
static_assert(code_of(with(tfa_params(), &drtm_parameters::protection_table_size, 8)) == errc::value_out_of_range);
static_assert([] {
    const platform_features small = tfa_fvp_features(0x13);
    const platform_features fits = tfa_fvp_features(0x12);
    return code_of(tfa_params(), {&small}) == errc::size_too_small &&
           code_of(tfa_params(), {&fits, feature_match::supported}) == errc::ok;
}());
static_assert(decode_error_code(encode_error_code(error_phase::dlme, error_id::vendor, 0x1234).value().raw).data() ==
              0x1234);
static_assert(encode_error_code(8, 0, 0).err().code == errc::value_out_of_range);
static_assert(status_of(0xfffffffffffffff5u).code == drtm_status::already_closed);
static_assert(status_of(1).what == x0_status::kind::positive);
static_assert(status_of(0xffffffffffffff00u).what == x0_status::kind::unknown_negative);

// ---------------------------------------------------------------------------------------------

TEST_CASE("arm: SMC function ids and DRTM_VERSION", "[arm]") {
    CHECK(static_cast<u32>(function::dynamic_launch) == 0xC4000114u);
    CHECK(std::string(name(function::enable_secure_interrupts)) == "DRTM_ENABLE_SECURE_INTERRUPTS");
    CHECK(find_function(reserved_function_id) == nullptr);
    CHECK(in_drtm_range(reserved_function_id));
    for (const function_info& f : function_table) {
        CHECK(in_drtm_range(static_cast<u32>(f.id)));
        function back{};
        REQUIRE(function_from_name(f.name, back));
        CHECK(back == f.id);
    }
    CHECK_FALSE(in_drtm_range(0xC4000130u));  // past 0x12f
    CHECK_FALSE(in_drtm_range(0xC4010110u));  // bits [23:16] must be zero
    const drtm_version v = decode_version(0xffffffff00010000u);  // only w0 counts
    CHECK(v.supported());
    CHECK(v.major() == 1);
    CHECK(v.minor() == 0);
    CHECK(make_version(1, 4).raw == 0x00010004u);
    CHECK_FALSE(decode_version(x0_of(drtm_status::not_supported)).supported());
    char text[512];
    format_register(version_info, 0x00010004u, text, sizeof text);
    CHECK(std::string(text) == "DRTM_VERSION (0x000) = 0x00010004\n  [15:0] MINOR = 0x4\n  [30:16] MAJOR = 0x1\n"
                               "  [31] NOT_SUPPORTED = 0  (1 = DRTM not implemented (w0 = -1))\n");
}

TEST_CASE("arm: return codes decode from x0 as signed values", "[arm]") {
    for (drtm_status s : all_drtm_statuses) {
        const x0_status d = status_of(x0_of(s));
        CHECK(d.what == x0_status::kind::named);
        CHECK(d.code == s);
        CHECK(name(s) != nullptr);
        CHECK(d.is_error() == (s != drtm_status::success));
    }
    CHECK(std::string(name(drtm_status::tpm_error)) == "TPM_ERROR");
    CHECK(status_of(x0_of(drtm_status::invalid_parameters)).value == -2);
    CHECK(signed_x0(0x8000000000000000u) == INT64_MIN);
    CHECK(signed_x0(0x7fffffffffffffffu) == INT64_MAX);
}

TEST_CASE("arm: DRTM_FEATURES queries and feature words", "[arm]") {
    CHECK(feature_query(feature_id::tpm) == 0x8000000000000001u);
    CHECK(function_query(function::set_tcb_hash) == 0xC4000118u);
    CHECK(decode_query(feature_query(feature_id::dlme_image_authentication)) == features_query{true, 0, 6});
    CHECK(decode_query(0xC4000116u) == features_query{false, 0xC4000116u, 0});
    CHECK(feature_implemented(1));
    CHECK_FALSE(feature_implemented(x0_of(drtm_status::not_supported)));
    CHECK_FALSE(feature_implemented(0));
    CHECK(function_implemented(0));

    // TF-A's FVP answer: SHA-256, no TPM hashing, default schema.
    const tpm_features t{0x20000000bu};
    CHECK(t.firmware_hash_alg() == 0x000b);
    CHECK_FALSE(t.tpm_based_hashing());
    CHECK(t.pcr_schema_bitmap() == 1);
    for (pcr_schema_reading r : {pcr_schema_reading::den0113_v1_4b, pcr_schema_reading::arm_acs}) {
        CHECK(t.supports(pcr_schema::default_schema, r));
        CHECK_FALSE(t.supports(pcr_schema::dlme_authorities, r));
        CHECK(source(r) != nullptr);
    }
    // The two readings of DLME Authorities support: bit 34 (DEN0113 v1.4B) and bit 37 (ACS 0x10).
    const tpm_features b34{t.raw | u64{1} << 34}, b37{t.raw | u64{1} << 37};
    CHECK(b34.supports(pcr_schema::dlme_authorities, pcr_schema_reading::den0113_v1_4b));
    CHECK_FALSE(b34.supports(pcr_schema::dlme_authorities, pcr_schema_reading::arm_acs));
    CHECK(b37.supports(pcr_schema::dlme_authorities, pcr_schema_reading::arm_acs));
    CHECK_FALSE(b37.supports(pcr_schema::dlme_authorities, pcr_schema_reading::den0113_v1_4b));
    char text[1024];
    format_register(tpm_features_info(pcr_schema_reading::den0113_v1_4b), b37.raw, text, sizeof text);
    CHECK(std::string(text).find("[63:37] reserved = 0x1  <- reserved bits set") != std::string::npos);
    format_register(tpm_features_info(pcr_schema_reading::arm_acs), b37.raw, text, sizeof text);
    CHECK(std::string(text).find("[37] PCR_SCHEMA_DLME_AUTHORITIES = 1") != std::string::npos);
    pcr_schema_reading r{};
    CHECK(pcr_schema_reading_from_name("arm_acs", r));
    CHECK(r == pcr_schema_reading::arm_acs);
    CHECK_FALSE(pcr_schema_reading_from_name("acs", r));

    const minimum_memory m{0x0000000400000011u};
    CHECK(m.dlme_data_pages() == 0x11);
    CHECK(m.nw_dce_pages() == 4);
    CHECK(m.dlme_data_bytes() == 0x11000);
    CHECK(minimum_memory{0xffffffffu}.dlme_data_bytes() == 0xffffffff000u);  // no 32-bit overflow

    const dma_protection_features d{0x0403};
    CHECK(d.supports(dma_protection::complete));
    CHECK(d.supports(dma_protection::region_based));
    CHECK(d.max_regions() == 4);
    CHECK_FALSE(dma_protection_features{1}.supports(dma_protection::region_based));

    platform_features p;
    p.set(feature_id::tcb_hashes, 1, 0xff05);
    CHECK(p.has_tcb_hashes);
    CHECK(p.max_tcb_hashes == 5);
    p.set(feature_id::dlme_image_authentication, x0_of(drtm_status::not_supported), 1);
    CHECK_FALSE(p.has_dlme_image_auth);
    for (feature_id f : all_feature_ids) CHECK(name(f) != nullptr);
    CHECK(feature_info(feature_id::boot_pe_id).reserved_mask() == ~mpidr_affinity_mask);
}

TEST_CASE("arm: launch features word", "[arm]") {
    const launch_features f{0xcb};
    CHECK(f.hashing() == hashing_type::tpm);
    CHECK(f.schema() == pcr_schema::dlme_authorities);
    CHECK(f.dma() == dma_protection::region_based);
    CHECK(f.dlme_image_auth());
    CHECK(f.secure_int_disable());
    CHECK(f.reserved_bits_set() == 0);
    CHECK(launch_features{0x100}.reserved_bits_set() == 0x100);
    CHECK(launch_features{0x6}.pcr_schema_value() == 3);
    CHECK(launch_features{0x38}.dma_protection_value() == 7);
    pcr_schema s{};
    CHECK(pcr_schema_from_name("dlme_authorities", s));
    CHECK(s == pcr_schema::dlme_authorities);
    char text[1024];
    format_register(launch_features_info, 0x1c1, text, sizeof text);
    CHECK(std::string(text) ==
          "DRTM launch features (0x004) = 0x000001c1\n"
          "  [0] HASHING_TYPE = 1  (0 = DCE hashing, 1 = TPM-based hashing)\n"
          "  [2:1] PCR_SCHEMA = 0x0  (0 default, 1 DLME authorities)\n"
          "  [5:3] DMA_PROTECTION_TYPE = 0x0  (0 complete, 1 region-based)\n"
          "  [6] DLME_IMAGE_AUTHENTICATION = 1  (1 = authenticate the DLME image)\n"
          "  [7] SECURE_INTERRUPTS_DISABLE = 1  (1 = secure interrupts off until DRTM_ENABLE_SECURE_INTERRUPTS "
          "(v1.4B))\n"
          "  [31:8] reserved = 0x1  <- reserved bits set\n");
}

TEST_CASE("arm: DRTM_PARAMETERS bytes match the layout written out by hand", "[arm]") {
    drtm_parameters p = tfa_params();
    p.launch_features = 0x08;
    p.nw_dce_region_address = 0x1122334455667000u;
    p.nw_dce_region_size = 0x1000;
    p.protection_table_address = 0xa0b0c0d0e0f01000u;
    p.protection_table_size = 0x28;
    p.revision = 2;
    u8 buf[96];
    for (u8& b : buf) b = 0xee;
    encode_parameters(p, mutable_byte_view(buf));
    const u8 expect[88] = {
        0x02, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00,                          // revision, reserved, features
        0x00, 0x00, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00,                          // 0x08 region address
        0x00, 0x50, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,                          // 0x10 region size
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                          // 0x18 image start
        0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                          // 0x20 entry offset
        0x45, 0x23, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                          // 0x28 image size
        0x00, 0x30, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                          // 0x30 data offset
        0x00, 0x70, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11,                          // 0x38 nw DCE address
        0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                          // 0x40 nw DCE size
        0x00, 0x10, 0xf0, 0xe0, 0xd0, 0xc0, 0xb0, 0xa0,                          // 0x48 protection table
        0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                          // 0x50 its size
    };
    CHECK(slrt::equal(byte_view(buf, 88), byte_view(expect)));
    for (u32 i = 88; i < 96; ++i) CHECK(buf[i] == 0xee);
    CHECK(*decode_parameters(byte_view(expect)) == p);
    CHECK(p.dlme_entry_point() == 0x80001000u);
    CHECK(p.data() == dlh::range{0x80003000u, 0x12000});
    CHECK(p.image() == dlh::range{0x80000000u, 0x2345});
}

TEST_CASE("arm: DRTM_PARAMETERS checks at their boundaries", "[arm]") {
    const drtm_parameters ok = tfa_params();
    REQUIRE(check_parameters(ok));
    auto rule = [](const drtm_parameters& p, const parameter_check_options& o = {}) {
        const status s = check_parameters(p, o);
        return s ? std::string("ok") : std::string(s.err().rule);
    };
    drtm_parameters p = ok;
    // Revision: 1 and 2 accepted.
    p.revision = 2;
    CHECK(rule(p) == "ok");
    p.revision = 0;
    CHECK(rule(p) == "ARM-2");
    p.revision = 0xffff;
    CHECK(rule(p) == "ARM-2");
    // The region may end on the last byte of the address space, not one past it.
    p = ok;
    p.dlme_region_address = 0u - u64{0x16000};
    p.dlme_region_size = 0x15fff;  // last byte: 2^64 - 1
    CHECK(rule(p) == "ok");
    p.dlme_region_size = 0x16000;  // one past: 2^64
    CHECK(rule(p) == "ARM-8");
    // Image start and data offset strictly below the region size.
    p = ok;
    p.dlme_data_offset = p.dlme_region_size;
    CHECK(rule(p) == "ARM-6");
    p = ok;
    p.dlme_region_size = 0;
    CHECK(rule(p) == "ARM-5");
    // The image may end exactly where the data begins.
    p = ok;
    p.dlme_image_size = 0x3000;
    CHECK(rule(p) == "ok");
    p.dlme_image_size = ~u64{0};  // would wrap image_start + image_size
    CHECK(rule(p) == "ARM-10");
    p.dlme_image_size = 1;
    p.dlme_entry_point_offset = 0;
    CHECK(rule(p) == "ok");
    p.dlme_entry_point_offset = 1;
    CHECK(rule(p) == "ARM-12");
    // Data at the very end of the region: one page left.
    p = ok;
    p.dlme_data_offset = 0x14000;
    CHECK(rule(p) == "ok");
    // Minimum data size: 0x12000 bytes of room.
    platform_features pf = tfa_fvp_features(0x12);
    CHECK(rule(ok, {&pf}) == "ok");
    pf = tfa_fvp_features(0x13);
    CHECK(rule(ok, {&pf}) == "ARM-15");
    pf.has_minimum_memory = false;  // not reported: not checked
    CHECK(rule(ok, {&pf}) == "ok");
    // Normal-world DCE: adjacent on both sides is fine, one byte of overlap is not.
    p = ok;
    p.nw_dce_region_address = 0x7ffff000;
    p.nw_dce_region_size = 0x1000;
    CHECK(rule(p) == "ok");
    p.nw_dce_region_address = 0x80015000;
    CHECK(rule(p) == "ok");
    p.nw_dce_region_address = 0x80014fff;
    CHECK(rule(p) == "ARM-18");
    p.nw_dce_region_address = 0;  // none: size not looked at
    p.nw_dce_region_size = ~u64{0};
    CHECK(rule(p) == "ok");
    p.nw_dce_region_address = 1;
    CHECK(rule(p) == "ARM-17");
}

TEST_CASE("arm: launch features against the platform, TF-A equality and DEN0113 subset", "[arm]") {
    drtm_parameters p = tfa_params();
    platform_features pf = tfa_fvp_features();
    auto rule = [&](feature_match m) {
        const status s = check_parameters(p, {&pf, m});
        return s ? std::string("ok") : std::string(s.err().rule);
    };
    CHECK(rule(feature_match::tfa) == "ok");
    // TPM hashing advertised, DCE hashing requested: TF-A's equality refuses, the subset rule accepts.
    pf.tpm.raw |= u64{1} << 32;
    CHECK(rule(feature_match::tfa) == "ARM-22");
    CHECK(rule(feature_match::supported) == "ok");
    p.launch_features = static_cast<u32>(launch_field::hashing_type.with(0, 1));
    CHECK(rule(feature_match::tfa) == "ok");
    pf = tfa_fvp_features();
    CHECK(rule(feature_match::supported) == "ARM-22");
    // Both DMA types advertised.
    p = tfa_params();
    pf.dma.raw = 3;
    CHECK(rule(feature_match::tfa) == "ARM-24");
    CHECK(rule(feature_match::supported) == "ok");
    // DLME Authorities: needs bit 6, the schema bit (per the reading) and image authentication.
    pf = tfa_fvp_features();
    p.launch_features = make_launch_features(hashing_type::dce, pcr_schema::dlme_authorities, dma_protection::complete)
                            .raw;
    CHECK(rule(feature_match::tfa) == "ARM-21");
    p.launch_features |= static_cast<u32>(launch_field::dlme_image_auth.mask());
    CHECK(rule(feature_match::tfa) == "ARM-23");
    pf.tpm.raw |= u64{1} << 34;
    CHECK(rule(feature_match::tfa) == "ARM-25");
    pf.set(feature_id::dlme_image_authentication, 1, 1);
    CHECK(rule(feature_match::tfa) == "ok");
    pf.reading = pcr_schema_reading::arm_acs;
    CHECK(rule(feature_match::tfa) == "ARM-23");
    pf.tpm.raw |= u64{1} << 37;
    CHECK(rule(feature_match::tfa) == "ok");
    // Without a platform only the platform-free checks run.
    p.launch_features |= static_cast<u32>(launch_field::hashing_type.mask());
    CHECK(check_parameters(p));
}

TEST_CASE("arm: the builder checks first and leaves the buffer alone on failure", "[arm]") {
    u8 buf[88];
    for (u8& b : buf) b = 0x5a;
    drtm_parameters p = tfa_params();
    p.reserved = 1;
    status s = build_parameters(p, mutable_byte_view(buf));
    REQUIRE_FALSE(s);
    CHECK(s.err().rule == std::string("ARM-3"));
    for (u8 b : buf) CHECK(b == 0x5a);
    p.reserved = 0;
    s = build_parameters(p, mutable_byte_view(buf, 87));
    REQUIRE_FALSE(s);
    CHECK(s.err().code == errc::buffer_too_small);
    CHECK(s.err().rule == std::string("ARM-28"));
    for (u8 b : buf) CHECK(b == 0x5a);
    REQUIRE(build_parameters(p, mutable_byte_view(buf)));
    CHECK(*parse_parameters(byte_view(buf)) == p);

    CHECK(check_parameters_address(0x80000000));
    const status a = check_parameters_address(0x80000010);
    REQUIRE_FALSE(a);
    CHECK(a.err().rule == std::string("ARM-27"));
    CHECK(*launch_status(a.err()) == drtm_status::invalid_parameters);
}

TEST_CASE("arm: planning a DLME region", "[arm]") {
    dlme_region_request r;
    r.region_address = 0x80000000;
    r.image_size = 0x2345;
    r.entry_point_offset = 0x1000;
    r.dlme_data_size = 0x11000;
    const platform_features pf = tfa_fvp_features();
    const result<drtm_parameters> p = plan_parameters(r, {&pf});
    REQUIRE(p);
    CHECK(p->dlme_image_start == 0);
    CHECK(p->dlme_data_offset == 0x3000);
    CHECK(p->dlme_region_size == 0x14000);
    CHECK(p->revision == 1);
    r.dlme_data_size = 0x10000;  // below the platform's minimum
    CHECK(plan_parameters(r, {&pf}).err().rule == std::string("ARM-15"));
    r.dlme_data_size = 0;
    CHECK(plan_parameters(r).err().rule == std::string("ARM-6"));
    r.dlme_data_size = ~u64{0};
    CHECK(plan_parameters(r).err().code == errc::address_wrap);
    r.dlme_data_size = 0x1000;
    r.region_address = 0x80000001;
    CHECK(plan_parameters(r).err().rule == std::string("ARM-7"));
}

TEST_CASE("arm: error codes for DRTM_SET_ERROR and DRTM_GET_ERROR", "[arm]") {
    const drtm_error_code e = encode_error_code(error_phase::dce, error_id::tpm, 0x1f).value();
    CHECK(e.raw == (0x1fu << 11 | 5u << 3 | 3u));
    CHECK(e.phase() == error_phase::dce);
    CHECK(e.id() == error_id::tpm);
    CHECK(e.data() == 0x1f);
    CHECK(std::string(name(e.phase())) == "dce");
    // Every value decodes; undefined phases and ids keep their numbers.
    const drtm_error_code odd = decode_error_code(0x0e);  // phase 6, id 1
    CHECK_FALSE(odd.phase_known());
    CHECK_FALSE(odd.id_known());
    CHECK(odd.phase_value() == 6);
    CHECK(odd.id_value() == 1);
    CHECK(encode_error_code(7, 0xff, max_error_data));
    const auto too_big = encode_error_code(0, 0, max_error_data + 1);
    REQUIRE_FALSE(too_big);
    CHECK(too_big.err().rule == std::string("ARM-95"));
    char text[512];
    format_register(error_code_info, e.raw, text, sizeof text);
    CHECK(std::string(text).find("[63:11] DATA = 0x1f") != std::string::npos);
}

TEST_CASE("arm: every rule of the table is unique and maps to its errc", "[arm]") {
    for (const rule_info& r : rule_table) {
        CHECK(find_rule(r.id) == &r);
        CHECK(r.source != nullptr);
    }
    CHECK(find_rule("ARM-29") == nullptr);
    CHECK(find_rule("ARM-2")->launch_status == drtm_status::not_supported);
    CHECK(find_rule("ARM-26")->launch_status == drtm_status::mem_protect_invalid);
    CHECK_FALSE(find_rule("ARM-3")->firmware_check);
}

TEST_CASE("arm: DRTM_PARAMETERS golden vectors", "[arm][vectors]") {
    const nlohmann::json manifest = arm_vectors.json("manifest.json");
    u32 valid = 0, malformed = 0;
    for (const nlohmann::json& v : manifest["vectors"]) {
        if (v["kind"] != "params") continue;
        const std::string file = v["file"];
        INFO(file);
        const bytes_t b = arm_vectors.bytes(file);
        parameter_check_options o;
        platform_features pf;
        const nlohmann::json& opts = v["options"];
        if (opts.contains("platform")) {
            pf = platform_from(opts["platform"]);
            o.platform = &pf;
        }
        if (opts.contains("match")) REQUIRE(feature_match_from_name(opts["match"].get<std::string>().c_str(), o.match));
        const result<drtm_parameters> p = parse_parameters(view(b), o);
        if (v["expect"] == "ok") {
            REQUIRE(p);
            check_params_json(*p, arm_vectors.json(v["json"]));
            // Round trip: the builder writes the same 88 bytes.
            u8 again[88]{};
            REQUIRE(build_parameters(*p, mutable_byte_view(again), o));
            CHECK(slrt::equal(byte_view(again), view(b).subview(0, 88)));
            ++valid;
        } else {
            REQUIRE_FALSE(p);
            const slrt::error& e = p.err();
            CHECK(slrt::name(e.code) == v["errc"].get<std::string>());
            CHECK(e.rule == v["rule"].get<std::string>());
            CHECK(e.offset == v["offset"].get<u32>());
            CHECK(e.entry_index == no_entry);
            REQUIRE(find_rule(e.rule) != nullptr);
            CHECK(find_rule(e.rule)->code == e.code);
            char line[320];
            CHECK(slrt::format_error(e, line, sizeof line) > 0);
            ++malformed;
        }
    }
    CHECK(valid >= 8);
    CHECK(malformed >= 30);
}
