// GETSEC and SMX (dlh/txt/getsec.hpp): leaves, the SENTER/ENTERACCS register convention,
// GETSEC[CAPABILITIES], GETSEC[PARAMETERS] decoding and its defaults, every check TXT-G1..G19
// with its errc, rule and offset, the feature-control policies, the combined pre-SENTER report,
// the MLE JOIN structure (TXT-G25..G31) and the documented MLE entry state.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "dlh/txt/getsec.hpp"

using namespace dlh;
using namespace dlh::txt;
using slrt::errc;

namespace {

constexpr bool same(const char* a, const char* b) {
    while (*a && *a == *b) ++a, ++b;
    return *a == *b;
}

constexpr bool is(const status& s, errc code, const char* rule, u32 offset) {
    return !s && s.err().code == code && same(s.err().rule, rule) && s.err().offset == offset;
}

template <class T>
constexpr bool is(const result<T>& s, errc code, const char* rule) {
    return !s && s.err().code == code && same(s.err().rule, rule);
}

constexpr errc launch = errc::launch_requirement;

// Register convention.
static_assert(senter_registers(0x77E00000, 0x40000).value() == getsec_registers{4, 0x77E00000, 0x40000, 0, 0, 0});
static_assert(enteraccs_registers(0xFF000000, 0x8000, 0xF0).value() ==
              getsec_registers{2, 0xFF000000, 0x8000, 0, 0xF0, 0});
static_assert(senter_registers(0xFFFF0000, 0x10000));  // ends exactly at 4 GiB
static_assert(is(senter_registers(0xFFFF0000, 0x10040), errc::out_of_bounds, "TXT-G20"));
static_assert(is(senter_registers(~u64{0} - 0xFFF, 0x1000), errc::out_of_bounds, "TXT-G20"));
static_assert(is(senter_registers(0, four_gib), errc::out_of_bounds, "TXT-G20"));  // ECX cannot hold 4 GiB
static_assert(senter_registers(0, four_gib - 64));
static_assert(is(senter_registers(0x77E00800, 0x40000), errc::misaligned, "TXT-G21"));
static_assert(is(senter_registers(0x77E00000, 0), errc::misaligned, "TXT-G22"));
static_assert(is(senter_registers(0x77E00000, 0x40001), errc::misaligned, "TXT-G22"));

// PARAMETERS.
constexpr getsec_parameter_triple k_params[] = {
    {0x00000001, 0xFFFFFFFF, 0x00000000},  // versions
    {0x00000001, 0x0000FFFF, 0x00000003},
    {0x00040002, 0, 0},                    // max AC size 0x40000
    {0x00004103, 0, 0},                    // memory types WB | UC
    {0x00007F04, 0, 0},                    // SENTER controls
    {0x00000065, 0, 0},                    // S-CRTM and machine-check handling
    {0x00000000, 0, 0},                    // end
    {0x00000002, 0, 0},                    // never read
};
constexpr getsec_parameters decoded() { return decode_getsec_parameters(k_params, 8).value(); }
static_assert(decoded().version_count == 2 && decoded().versions[1] == acm_version_pair{0xFFFF, 3});
static_assert(decoded().max_ac_size == 0x40000);  // EAX & ~0x1F (tboot), not GRUB's old EAX & ~0x1F * 32
static_assert(decoded().memory_types == 0x4100 && decoded().memory_type_allowed(acm_memory_type_field::wb));
static_assert(!decoded().memory_type_allowed(acm_memory_type_field::wt));
static_assert(decoded().senter_controls == 0x7F);
static_assert(decoded().proc_based_scrtm() && decoded().preserve_machine_checks());
static_assert(decoded().indices == 7 && decoded().stop_type == 0);

constexpr getsec_parameter_triple k_null[] = {{0, 0, 0}};
constexpr getsec_parameters defaults_after_null() {
    getsec_parameters p;
    p.indices = 1;
    return p;
}
static_assert(decode_getsec_parameters(k_null, 1).value() == defaults_after_null());
static_assert(getsec_parameters{}.max_ac_size == 0x8000 && getsec_parameters{}.memory_types == 0x100);
static_assert(getsec_parameters{}.version_count == 1 && getsec_parameters{}.versions[0] == acm_version_pair{0xFFFFFFFF, 0});
static_assert(is(decode_getsec_parameters(k_params, 0), errc::missing_end, "TXT-G23"));
static_assert(is(decode_getsec_parameters(k_params, 6), errc::missing_end, "TXT-G23"));

constexpr bool encode_round_trip() {
    getsec_parameter_triple out[16]{};
    const u32 n = encode_getsec_parameters(decoded(), out, 16);
    if (n != 7) return false;
    for (u32 i = 0; i < n; ++i)
        if (!(out[i] == k_params[i])) return false;
    return decode_getsec_parameters(out, n).value() == decoded() && encode_getsec_parameters(decoded(), out, 6) == 0;
}
static_assert(encode_round_trip());

// Checks.
static_assert(check_smx_supported(0x40));
static_assert(is(check_smx_supported(0xFFFFFFBF), launch, "TXT-G1", 1));
static_assert(check_vmx_supported(0x20));
static_assert(is(check_vmx_supported(0x40), launch, "TXT-G2", 1));
static_assert(check_cr4_smxe(0x4000));
static_assert(is(check_cr4_smxe(0x3FFF), launch, "TXT-G3", 4));
static_assert(check_feature_control(0xFF01));
static_assert(is(check_feature_control(0xFF00), launch, "TXT-G4", 0x3A));
static_assert(is(check_feature_control(0x7F01), launch, "TXT-G5", 0x3A));
static_assert(is(check_feature_control(0xBF01), launch, "TXT-G6", 0x3A));
static_assert(check_getsec_capabilities(0x1F1));
static_assert(is(check_getsec_capabilities(0x1F0), launch, "TXT-G8", 0));
static_assert(is(check_getsec_capabilities(0x0F1), launch, "TXT-G9", 0));
static_assert(check_txt_reset(0));
static_assert(is(check_txt_reset(1), launch, "TXT-G10", 8));
static_assert(check_bsp(0xFEE00900));
static_assert(is(check_bsp(0xFEE00800), launch, "TXT-G14", 0x1B));
static_assert(check_cr0(0x80000031));
static_assert(is(check_cr0(0x20), launch, "TXT-G15", 0));
static_assert(is(check_cr0(0x40000021), launch, "TXT-G16", 0));
static_assert(is(check_cr0(0x20000021), launch, "TXT-G17", 0));
static_assert(is(check_cr0(0x00000001), launch, "TXT-G18", 0));
static_assert(check_not_launched(0x10002));
static_assert(is(check_not_launched(0x10003), launch, "TXT-G19", 0));

// MLE JOIN.
static_assert(check_mle_join(0x8F000, mle_join{0x1F, 0x8E000, 0x08, 0x100000}));
static_assert(check_mle_join(0xFFFFFFF0, mle_join{0x17, 0x8E000, 0x08, 0x100000}));
static_assert(is(check_mle_join(0xFFFFFFF8, mle_join{0x1F, 0x8E000, 0x08, 0}), errc::out_of_bounds, "TXT-G25", 0));
static_assert(is(check_mle_join(0x8FFF8, mle_join{0x1F, 0x8E000, 0x08, 0}), errc::misaligned, "TXT-G26", 0));

constexpr bool join_round_trip() {
    u8 buf[16]{};
    const mle_join j{0x1F, 0x8E000, 0x10, 0x12345678};
    if (!encode_mle_join(j, mutable_byte_view(buf))) return false;
    return decode_mle_join(byte_view(buf)).value() == j && buf[0] == 0x1F && buf[5] == 0xE0 && buf[8] == 0x10 &&
           buf[15] == 0x12;
}
static_assert(join_round_trip());

// Entry state.
static_assert(mle_entry::ilp_misc_enable(0, false) == 0x8);
static_assert(mle_entry::ilp_misc_enable(~u64{0}, false) == 0xFFF37CEA);
static_assert(mle_entry::ilp_misc_enable(~u64{0}, true) == 0xFFF77CEA);
static_assert(mle_entry::rlp_misc_enable(~u64{0}, false) == 0xFEE324A8);
static_assert(mle_entry::rlp_misc_enable(0, true) == 0x40000);
static_assert(mle_entry::ilp_cr0(0xE0050033) == 0x60000033);
static_assert(mle_entry::rlp_cr0(0xE0050010) == 0x00000031);
static_assert(mle_entry::ilp_cr4 == cr4_field::smxe.mask());

std::string text(const check_record& r) {
    char line[640];
    format_check_record(r, line, sizeof line);
    return line;
}

std::string reg(const register_info& info, u64 raw) {
    char out[2048];
    format_register(info, raw, out, sizeof out);
    return out;
}

// The fields of `info` cover every bit of its width exactly once, in ascending order.
bool fields_tile(const register_info& info) {
    u64 covered = 0;
    u32 next = 0;
    for (const bit_field& f : info) {
        if (f.width == 0 || f.lsb != next || (covered & f.mask()) != 0) return false;
        covered |= f.mask();
        next = static_cast<u32>(f.lsb + f.width);
    }
    return next == info.bits;
}

}  // namespace

TEST_CASE("GETSEC leaves and register descriptions") {
    CHECK(static_cast<u32>(getsec_leaf::capabilities) == 0);
    CHECK(static_cast<u32>(getsec_leaf::enteraccs) == 2);
    CHECK(static_cast<u32>(getsec_leaf::exitac) == 3);
    CHECK(static_cast<u32>(getsec_leaf::senter) == 4);
    CHECK(static_cast<u32>(getsec_leaf::sexit) == 5);
    CHECK(static_cast<u32>(getsec_leaf::parameters) == 6);
    CHECK(static_cast<u32>(getsec_leaf::smctrl) == 7);
    CHECK(static_cast<u32>(getsec_leaf::wakeup) == 8);
    CHECK(std::string(name(getsec_leaf::wakeup)) == "WAKEUP");
    CHECK(std::string(name(static_cast<getsec_leaf>(1))) == "unknown");
    const register_info* infos[] = {&getsec_caps_info,      &acm_memory_types_info, &senter_controls_info,
                                    &txt_extensions_info,   &cpuid1_ecx_info,       &cr0_info,
                                    &cr4_info,              &feature_control_info,  &apic_base_info,
                                    &mcg_cap_info,          &mcg_status_info,       &mci_status_info};
    for (const register_info* i : infos) {
        INFO(i->name);
        CHECK(fields_tile(*i));
    }
    const std::string fc = reg(feature_control_info, 0xFF05);
    CHECK(fc.find("IA32_FEATURE_CONTROL (0x03a) = 0x000000000000ff05") != std::string::npos);
    CHECK(fc.find("[14:8] SENTER_LOCAL_ENABLES = 0x7f") != std::string::npos);
    CHECK(fc.find("[15] SENTER_GLOBAL_ENABLE = 1") != std::string::npos);
    CHECK(reg(getsec_caps_info, 0x800001F1).find("[31] EXTENDED_LEAFS = 1") != std::string::npos);

    const getsec_capabilities c{0x1FD};
    CHECK(c.chipset_present());
    CHECK(c.enteraccs());
    CHECK(c.exitac());
    CHECK(c.senter());
    CHECK(c.sexit());
    CHECK(c.parameters());
    CHECK(c.smctrl());
    CHECK(c.wakeup());
    CHECK_FALSE(c.extended_leafs());
    CHECK(c.has_leaf(getsec_leaf::wakeup));
    CHECK_FALSE(getsec_capabilities{0x2}.has_leaf(static_cast<getsec_leaf>(1)));
    CHECK(getsec_leaves_coreboot == 0x7C);
    CHECK(check_getsec_capabilities(0x7D, getsec_leaves_coreboot));
    CHECK(check_getsec_capabilities(0x51, getsec_leaves_grub));
    CHECK_FALSE(check_getsec_capabilities(0x41, getsec_leaves_grub));
    CHECK(check_getsec_capabilities(0x1, 0x3));  // bits 0 and 1 are not leaves to require
}

TEST_CASE("GETSEC PARAMETERS: sequences, defaults, bounds") {
    // Unknown types end the walk (tboot, GRUB).
    const getsec_parameter_triple unknown[] = {{0x00010002, 0, 0}, {0x00000007, 0, 0}, {0x00000002, 0, 0}};
    const result<getsec_parameters> u = decode_getsec_parameters(unknown, 3);
    REQUIRE(u);
    CHECK(u->stop_type == 7);
    CHECK(u->indices == 2);
    CHECK(u->max_ac_size == 0x10000);
    CHECK(u->max_ac_size_reported);
    CHECK_FALSE(u->memory_types_reported);
    CHECK(u->memory_types == getsec_default_memory_types);
    CHECK_FALSE(u->versions_reported);
    CHECK(u->version_count == 1);

    // More than 16 version entries: the rest are counted, not kept.
    std::vector<getsec_parameter_triple> many;
    for (u32 i = 0; i < 20; ++i) many.push_back({1, i, i});
    many.push_back({0, 0, 0});
    const result<getsec_parameters> m = decode_getsec_parameters(many.data(), static_cast<u32>(many.size()));
    REQUIRE(m);
    CHECK(m->version_count == 16);
    CHECK(m->versions_dropped == 4);
    CHECK(m->versions[15] == acm_version_pair{15, 15});

    // The low five bits of the size are the type, not part of the size.
    const getsec_parameter_triple odd[] = {{0x000400E2, 0, 0}, {0, 0, 0}};
    CHECK(decode_getsec_parameters(odd, 2)->max_ac_size == 0x400E0);

    // An endless sequence: 64 entries without NULL, and a query that never ends.
    std::vector<getsec_parameter_triple> endless(100, getsec_parameter_triple{3, 0, 0});
    const result<getsec_parameters> e = decode_getsec_parameters(endless.data(), 100);
    REQUIRE_FALSE(e);
    CHECK(e.err().code == errc::chain_too_long);
    CHECK(std::string(e.err().rule) == "TXT-G24");
    const result<getsec_parameters> e64 = decode_getsec_parameters(endless.data(), 64);
    CHECK(e64.err().rule == std::string("TXT-G23"));
    u32 asked = 0;
    const result<getsec_parameters> q = read_getsec_parameters([&](u32 index) {
        asked = index + 1;
        return getsec_parameter_triple{1, index, 0};
    });
    REQUIRE_FALSE(q);
    CHECK(q.err().code == errc::chain_too_long);
    CHECK(asked == 64);
    const result<getsec_parameters> q2 =
        read_getsec_parameters([](u32 index) { return index < 2 ? getsec_parameter_triple{5 | 0x40, 0, 0} : getsec_parameter_triple{}; });
    REQUIRE(q2);
    CHECK(q2->preserve_machine_checks());
    CHECK_FALSE(q2->proc_based_scrtm());
    CHECK(q2->indices == 3);
}

TEST_CASE("Feature control policies") {
    struct row {
        u64 msr;
        feature_control_policy policy;
        const char* rule;  // "" = passes
    };
    const row rows[] = {
        {0xFF01, feature_control_policy::strict, ""},
        {0xFF00, feature_control_policy::strict, "TXT-G4"},
        {0x8001, feature_control_policy::strict, "TXT-G6"},
        {0x8001, feature_control_policy::sdm_minimum, ""},
        {0x7F01, feature_control_policy::sdm_minimum, "TXT-G5"},
        {0x8000, feature_control_policy::sdm_minimum, "TXT-G4"},
        {0x0101, feature_control_policy::tboot, ""},
        {0x0001, feature_control_policy::tboot, "TXT-G6"},
        {0x0100, feature_control_policy::tboot, "TXT-G4"},
        {0xFF00, feature_control_policy::grub, ""},
        {0xFE00, feature_control_policy::grub, "TXT-G6"},
        {0x7F00, feature_control_policy::grub, "TXT-G5"},
        {0xFF07, feature_control_policy::coreboot, ""},
        {0xFF03, feature_control_policy::coreboot, "TXT-G7"},
        {0xFF05, feature_control_policy::coreboot, "TXT-G7"},
        {0xFF06, feature_control_policy::coreboot, "TXT-G4"},
    };
    for (const row& r : rows) {
        INFO(std::hex << r.msr << " " << name(r.policy));
        const status s = check_feature_control(r.msr, r.policy);
        if (*r.rule == '\0') {
            CHECK(s);
        } else {
            REQUIRE_FALSE(s);
            CHECK(s.err().code == errc::launch_requirement);
            CHECK(std::string(s.err().rule) == r.rule);
            CHECK(s.err().offset == 0x3A);
            CHECK(s.err().value == r.msr);
        }
    }
}

TEST_CASE("Machine-check preconditions") {
    const u64 banks[] = {0, 0x8000000000000000, 0};
    const u64 clean[] = {0, 0, 0};
    CHECK(check_machine_checks(0, 3, clean, 3));
    CHECK(check_machine_checks(0, 0, nullptr, 0));
    const status mcip = check_machine_checks(0x4, 3, clean, 3);
    CHECK(mcip.err().rule == std::string("TXT-G11"));
    CHECK(mcip.err().offset == 0x17A);
    const status val = check_machine_checks(0, 3, banks, 3);
    REQUIRE_FALSE(val);
    CHECK(val.err().code == errc::launch_requirement);
    CHECK(std::string(val.err().rule) == "TXT-G12");
    CHECK(val.err().offset == 0x405);
    CHECK(val.err().entry_index == 1);
    // Only the banks MCG_CAP counts are read.
    CHECK(check_machine_checks(0, 1, banks, 3));
    // Too few values given.
    const status few = check_machine_checks(0, 4, banks, 3);
    CHECK(few.err().code == errc::bad_argument);
    CHECK(std::string(few.err().rule) == "TXT-G13");
    CHECK(check_machine_checks(0, 1, nullptr, 1).err().rule == std::string("TXT-G13"));
    // PARAMETERS type 5 bit 6: the banks may hold errors; MCIP still fails.
    getsec_parameters p;
    p.txt_extensions = 0x40;
    p.txt_extensions_reported = true;
    CHECK(check_machine_checks(0, 3, banks, 3, p));
    CHECK(check_machine_checks(0, 9, nullptr, 0, p));
    CHECK(check_machine_checks(0x4, 3, banks, 3, p).err().rule == std::string("TXT-G11"));
    CHECK(msr_ia32_mc_status(0) == 0x401);
    CHECK(msr_ia32_mc_status(10) == 0x429);
}

TEST_CASE("The combined pre-SENTER report") {
    const u64 banks[] = {0, 0};
    smx_state s;
    s.has_cpuid1_ecx = true;
    s.cpuid1_ecx = 0x7FFAFBFF;
    s.has_cr0 = true;
    s.cr0 = 0x80000031;
    s.has_cr4 = true;
    s.cr4 = 0x4020;
    s.has_feature_control = true;
    s.feature_control = 0xFF05;
    s.has_getsec_capabilities = true;
    s.getsec_capabilities = 0x1FD;
    s.has_ests = true;
    s.ests = 0;
    s.has_sts = true;
    s.sts = 0x2;
    s.has_apic_base = true;
    s.apic_base = 0xFEE00900;
    s.has_machine_checks = true;
    s.mcg_cap = 2;
    s.mci_status = banks;
    s.mci_count = 2;
    const check_report ok = check_pre_senter(s);
    CHECK(ok.ok());
    CHECK(ok.count == 10);
    CHECK(ok.skips == 1);  // VMX not needed
    CHECK(ok.find("TXT-G2")->outcome == check_outcome::skipped);
    CHECK(text(*ok.find("TXT-G4")) == "pass     TXT-G4 IA32_FEATURE_CONTROL enables SENTER: strict");

    smx_check_options o;
    o.require_vmx = true;
    s.feature_control = 0xFF07;
    o.policy = feature_control_policy::coreboot;
    CHECK(check_pre_senter(s, o).ok());

    smx_state bad = s;
    bad.cpuid1_ecx = 0;
    bad.cr4 = 0;
    bad.feature_control = 0x8001;
    bad.getsec_capabilities = 0x1F0;
    bad.ests = 1;
    bad.sts = 0x1;
    bad.apic_base = 0;
    bad.cr0 = 0x60000031;
    bad.mcg_status = 4;
    const check_report r = check_pre_senter(bad, o);
    CHECK(r.failures == 10);
    CHECK(r.first_failure().rule == std::string("TXT-G1"));
    const char* rules[] = {"TXT-G1", "TXT-G2", "TXT-G3", "TXT-G6", "TXT-G8", "TXT-G10", "TXT-G11", "TXT-G14", "TXT-G16",
                           "TXT-G19"};
    for (const char* rule : rules) {
        INFO(rule);
        REQUIRE(r.find(rule) != nullptr);
        CHECK(r.find(rule)->outcome == check_outcome::fail);
        CHECK(r.find(rule)->failure.code == errc::launch_requirement);
    }
    CHECK(text(*r.find("TXT-G10")).rfind("fail     TXT-G10 TXT.ESTS.TXT_RESET.STS clear: TXT-G10 launch_requirement at "
                                         "byte 0x8: TXT.ESTS.TXT_RESET.STS = 0x1",
                                         0) == 0);

    const check_report none = check_pre_senter(smx_state{});
    CHECK(none.ok());
    CHECK(none.skips == none.count);
    CHECK(none.count == 10);
    CHECK(text(none.records[0]) == "skipped  TXT-G1 CPUID.1:ECX.SMX set: value not given");
}

TEST_CASE("MLE JOIN") {
    u8 buf[17];
    for (u8& b : buf) b = 0xEE;
    const mle_join j{0x27, 0x00091000, 0x08, 0x00100040};
    REQUIRE(encode_mle_join(j, mutable_byte_view(buf, 16)));
    const u8 golden[] = {0x27, 0, 0, 0, 0x00, 0x10, 0x09, 0, 0x08, 0, 0, 0, 0x40, 0x00, 0x10, 0};
    for (int i = 0; i < 16; ++i) CHECK(buf[i] == golden[i]);
    CHECK(buf[16] == 0xEE);
    CHECK(*decode_mle_join(byte_view(buf, 16)) == j);
    CHECK(*decode_mle_join(byte_view(buf, 17)) == j);
    const result<mle_join> short_ = decode_mle_join(byte_view(buf, 15));
    CHECK(short_.err().code == errc::truncated_header);
    CHECK(std::string(short_.err().rule) == "TXT-G30");
    u8 small[15];
    for (u8& b : small) b = 0x5A;
    const status enc = encode_mle_join(j, mutable_byte_view(small, 15));
    CHECK(enc.err().code == errc::buffer_too_small);
    CHECK(std::string(enc.err().rule) == "TXT-G31");
    for (u8 b : small) CHECK(b == 0x5A);

    CHECK(check_mle_join(0x8F000, j));
    CHECK(check_mle_join(0x8FFF0, j));  // the last 16 bytes of a page
    auto fails = [](u64 at, const mle_join& m, errc code, const char* rule, u32 offset) {
        const status s = check_mle_join(at, m);
        REQUIRE_FALSE(s);
        CHECK(s.err().code == code);
        CHECK(std::string(s.err().rule) == rule);
        CHECK(s.err().offset == offset);
    };
    fails(0x100000000, j, errc::out_of_bounds, "TXT-G25", 0);
    fails(0x8FFF1, j, errc::misaligned, "TXT-G26", 0);
    fails(0x8F000, mle_join{0x27, 0x91FE0, 0x08, 0}, errc::misaligned, "TXT-G27", 4);
    CHECK(check_mle_join(0x8F000, mle_join{0x1F, 0x91FE0, 0x08, 0}));  // ends on the page's last byte
    fails(0x8F000, mle_join{0x27, 0xFFFFFFF0, 0x08, 0}, errc::out_of_bounds, "TXT-G28", 0);
    fails(0x8F000, mle_join{0x10000, 0x90000, 0x08, 0}, errc::value_out_of_range, "TXT-G29", 0);
    fails(0x8F000, mle_join{0x27, 0x91000, 0x00, 0}, errc::value_out_of_range, "TXT-G29", 8);
    fails(0x8F000, mle_join{0x27, 0x91000, 0x0B, 0}, errc::value_out_of_range, "TXT-G29", 8);
    fails(0x8F000, mle_join{0x27, 0x91000, 0x20, 0}, errc::value_out_of_range, "TXT-G29", 8);
    CHECK(check_mle_join(0x8F000, mle_join{0x27, 0x91000, 0x18, 0}));  // 0x18 + 15 == limit
}

TEST_CASE("Check report bookkeeping") {
    check_report r;
    for (u32 i = 0; i < max_check_records + 5; ++i) r.pass("TXT-G1", "x", "");
    CHECK(r.count == max_check_records);
    CHECK(r.passes == max_check_records);
    CHECK(r.ok());
    CHECK(r.find("TXT-G2") == nullptr);
    CHECK(r.find("TXT-G") == nullptr);
    CHECK(std::string(name(check_outcome::warning)) == "warning");
}
