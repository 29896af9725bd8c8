// Compile-time proof: build -> parse round trips for every entry type in every
// layout, and malformed tables rejected, all inside constant evaluation (which
// also rejects any undefined behaviour in the codecs).
#include <catch2/catch.hpp>

#include "slrt/slrt.hpp"

namespace {

using namespace slrt;

// Zeroes the fields a layout does not have, so a value can round-trip through it.
template <class T>
constexpr T only_present(layout l, T value) {
    visit(describe(l), value, [](const char*, field_pos p, auto& member) {
        if (!p.present()) member = {};
    });
    return value;
}

constexpr dl_info sample_dl(layout l) {
    dl_info v;
    v.dce_size = 0x38000;
    v.dce_base = 0x9a700000;
    v.dlme_size = 0x1800000;
    v.dlme_base = 0x1000000;
    v.dlme_entry = 0x2a0;
    v.dlme_header_offset = 0x1c0;
    v.dlme_config_table = 0x8d000;
    v.bl_context = {bootloader::grub, 0x7ff3c010};
    v.dl_launch = 0x7ff51000;
    return only_present(l, v);
}

constexpr intel_info sample_intel(layout l) {
    intel_info v;
    v.boot_params_addr = 0x8d000;
    v.txt_heap = 0xa0e00000;
    v.saved_misc_enable_msr = 0x850089;
    v.saved_bsp_mtrrs.default_mem_type = 0xc00;
    v.saved_bsp_mtrrs.mtrr_vcnt = 3;
    for (u32 i = 0; i < 3; ++i) v.saved_bsp_mtrrs.mtrr_pair[i] = {0x80000000ull * i + 6, 0x7f80000800ull + i};
    return only_present(l, v);
}

constexpr amd_info sample_amd(layout l) {
    amd_info v;
    v.next = 0x8e000;
    v.type = setup_secure_launch;
    v.len = 32;
    v.slrt_size = 0x1000;
    v.slrt_base = 0x20000;
    v.boot_params_base = 0x8d000;
    v.psp_version = 2;
    return only_present(l, v);
}

constexpr policy_entry sample_policy[] = {
    {18, entity_type::slrt, policy_flag_implicit_size, 0, 0x20000, "Measured SLR Table"},
    {18, entity_type::boot_params, 0, 0x1000, 0x8d000, "Measured boot parameters"},
    {17, entity_type::ramdisk, 0, 0x2000000, 0x7c000000, "Measured Kernel initrd"},
};
constexpr uefi_cfg_entry sample_cfg[] = {
    {18, 0x40, 0x7fe00000, "Measured UEFI config"},
};

// Builds one table holding every entry type of `arch`, parses it back strictly
// and compares each decoded value with what went in.
constexpr bool round_trip(layout l, architecture arch) {
    u8 buf[2048] = {};
    builder b(buf, l);
    if (!b.init(arch, sizeof buf)) return false;
    const log_info log{log_format::tpm20, 0x8000, 0x7f000000};
    const u8 raw[] = {1, 2, 3, 4, 5, 6, 7, 8};
    if (!b.add(sample_dl(l)) || !b.add(log) || !b.add_policy(sample_policy, 3)) return false;
    if (arch == architecture::intel_txt ? !b.add(sample_intel(l)) : !b.add(sample_amd(l))) return false;
    if (!b.add_placeholder(tag::arm_info) || !b.add_placeholder(tag::uefi_info)) return false;
    if (!b.add_uefi_config(sample_cfg, 1) || !b.add_raw(0x1234, raw)) return false;

    const result<table> t = parse(b.bytes(), {l, mode::strict});
    if (!t || t->entry_count() != 8 || !t->quirks().empty()) return false;
    if (!(*t->get<dl_info>() == sample_dl(l)) || !(*t->get<log_info>() == log)) return false;
    if (arch == architecture::intel_txt ? !(*t->get<intel_info>() == sample_intel(l))
                                        : !(*t->get<amd_info>() == sample_amd(l)))
        return false;
    const result<policy_view> p = t->policy();
    if (!p || p->size() != 3) return false;
    for (u32 i = 0; i < 3; ++i)
        if (!((*p)[i] == sample_policy[i])) return false;
    const result<uefi_config_view> c = t->uefi_config();
    if (!c || c->size() != 1 || !((*c)[0] == sample_cfg[0])) return false;
    const result<entry_ref> unknown = t->find(static_cast<tag>(0x1234));
    if (!unknown || !equal(t->payload(*unknown), byte_view(raw))) return false;
    // Only the layout that built the table parses it strictly... except those that share
    // every size used here; detection must at least name the layout itself.
    return detect(b.bytes()).matches(l);
}

static_assert(round_trip(layout::v16, architecture::intel_txt));
static_assert(round_trip(layout::v16, architecture::amd_skinit));
static_assert(round_trip(layout::v12, architecture::intel_txt));
static_assert(round_trip(layout::v12, architecture::amd_skinit));
static_assert(round_trip(layout::v10, architecture::intel_txt));
static_assert(round_trip(layout::v10, architecture::amd_skinit));
static_assert(round_trip(layout::v9, architecture::intel_txt));
static_assert(round_trip(layout::v9, architecture::amd_skinit));
static_assert(round_trip(layout::v6, architecture::intel_txt));
static_assert(round_trip(layout::v6, architecture::amd_skinit));

// A small valid v16 table as bytes: header, log_info, END.
struct small_table {
    u8 bytes[16 + 24 + 8] = {};
    constexpr small_table() {
        builder b(bytes, layout::v16);
        (void)b.init(architecture::intel_txt, sizeof bytes);
        (void)b.add(log_info{log_format::tpm20, 0x8000, 0x1000000});
    }
};

template <class Mutate>
constexpr errc parse_mutated(Mutate mutate, std::size_t length = 48) {
    small_table t;
    mutate(t.bytes);
    return parse(byte_view(t.bytes, length)).err().code;
}

static_assert(parse_mutated([](u8*) {}) == errc::ok);
static_assert(parse_mutated([](u8*) {}, 15) == errc::truncated_header);
static_assert(parse_mutated([](u8* b) { b[0] = 0; }) == errc::bad_magic);
static_assert(parse_mutated([](u8* b) { b[4] = 2; }) == errc::bad_revision);
static_assert(parse_mutated([](u8* b) { b[6] = 3; }) == errc::unknown_architecture);
static_assert(parse_mutated([](u8* b) { b[8] = 23; }) == errc::size_too_small);
static_assert(parse_mutated([](u8* b) { b[12] = 40; }) == errc::size_exceeds_max_size);
static_assert(parse_mutated([](u8*) {}, 47) == errc::size_exceeds_buffer);
static_assert(parse_mutated([](u8* b) { b[20] = 0; }) == errc::entry_size_too_small);
static_assert(parse_mutated([](u8* b) { b[20] = 200; }) == errc::entry_exceeds_table);
static_assert(parse_mutated([](u8* b) { b[16] = 0; }) == errc::invalid_tag);
static_assert(parse_mutated([](u8* b) { b[24] = 9; }) == errc::unknown_log_format);
static_assert(parse_mutated([](u8* b) { b[26] = 1; }) == errc::reserved_nonzero);
static_assert(parse_mutated([](u8* b) { b[40] = 6; b[41] = 0; }) == errc::missing_end);  // END became arm_info
static_assert(parse_mutated([](u8* b) { b[40] = 2; b[41] = 0; }) == errc::duplicate_entry);
static_assert(parse_mutated([](u8* b) { b[44] = 4; }) == errc::entry_size_too_small);
static_assert(parse_mutated([](u8* b) { b[20] = 20; }) == errc::entry_size_mismatch);  // log_info too short
static_assert(parse_mutated([](u8* b) { for (int i = 32; i < 40; ++i) b[i] = 0xff; b[28] = 1; }) == errc::address_wrap);

// The builder refuses what does not fit and leaves the buffer as it was.
constexpr bool failed_add_leaves_buffer() {
    small_table t;
    u8 before[48] = {};
    for (int i = 0; i < 48; ++i) before[i] = t.bytes[i];
    result<builder> b = builder::open(t.bytes, layout::v16);
    if (!b) return false;
    if (b.value().add(log_info{}).err().code != errc::table_full) return false;
    for (int i = 0; i < 48; ++i)
        if (before[i] != t.bytes[i]) return false;
    return true;
}
static_assert(failed_add_leaves_buffer());

}  // namespace

TEST_CASE("static: compile-time round trips and rejections are compiled in", "[static]") {
    // The static_asserts above are the test; this case keeps them in a linked unit.
    REQUIRE(round_trip(layout::v16, architecture::intel_txt));
}
