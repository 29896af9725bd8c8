// SPDX-License-Identifier: MIT
// The C header include/slrt/slr_table.h against the C++ library.
//
// tests/c_header_test.c is compiled as C and exports the sizes, offsets and
// constants a C compiler sees; here they are compared one by one, in the order
// documented in that file, with the wire overlays of wire.hpp / dlme.hpp and
// the constants of constants.hpp. A third case reads a table written by
// slrt::builder through the C structs (compiled here as C++).
#include <catch2/catch.hpp>

#include <bit>
#include <cstddef>
#include <cstring>

#include "slrt/slr_table.h"
#include "slrt/slrt.hpp"

extern "C" const unsigned long slr_c_offsets[];
extern "C" const unsigned long slr_c_offsets_count;
extern "C" const unsigned long slr_c_constants[];
extern "C" const unsigned long slr_c_constants_count;

namespace {

namespace w = slrt::wire;
namespace w16 = slrt::wire::v16;

struct expected {
    const char* what;
    unsigned long value;
};

#define SLRT_SIZE(W) expected{#W, static_cast<unsigned long>(sizeof(W))}
#define SLRT_OFF(W, field) expected{#W "." #field, static_cast<unsigned long>(offsetof(W, field))}

// Same order as slr_c_offsets[] in tests/c_header_test.c.
const expected offsets[] = {
    SLRT_SIZE(w::table_header),
    SLRT_OFF(w::table_header, magic),
    SLRT_OFF(w::table_header, revision),
    SLRT_OFF(w::table_header, architecture),
    SLRT_OFF(w::table_header, size),
    SLRT_OFF(w::table_header, max_size),

    SLRT_SIZE(w16::entry_hdr),
    SLRT_OFF(w16::entry_hdr, tag),
    SLRT_OFF(w16::entry_hdr, size),

    SLRT_SIZE(w16::bl_context),
    SLRT_OFF(w16::bl_context, bootloader),
    SLRT_OFF(w16::bl_context, reserved),
    SLRT_OFF(w16::bl_context, context),

    SLRT_SIZE(w16::dl_info),
    SLRT_OFF(w16::dl_info, hdr),
    SLRT_OFF(w16::dl_info, dce_size),
    SLRT_OFF(w16::dl_info, dce_base),
    SLRT_OFF(w16::dl_info, dlme_size),
    SLRT_OFF(w16::dl_info, dlme_base),
    SLRT_OFF(w16::dl_info, dlme_entry),
    SLRT_OFF(w16::dl_info, dlme_header_offset),
    SLRT_OFF(w16::dl_info, dlme_config_table),
    SLRT_OFF(w16::dl_info, bl_context),
    SLRT_OFF(w16::dl_info, dl_launch),

    SLRT_SIZE(w16::log_info),
    SLRT_OFF(w16::log_info, hdr),
    SLRT_OFF(w16::log_info, format),
    SLRT_OFF(w16::log_info, reserved),
    SLRT_OFF(w16::log_info, size),
    SLRT_OFF(w16::log_info, addr),

    SLRT_SIZE(w16::policy_entry),
    SLRT_OFF(w16::policy_entry, pcr),
    SLRT_OFF(w16::policy_entry, entity_type),
    SLRT_OFF(w16::policy_entry, flags),
    SLRT_OFF(w16::policy_entry, reserved),
    SLRT_OFF(w16::policy_entry, size),
    SLRT_OFF(w16::policy_entry, entity),
    SLRT_OFF(w16::policy_entry, evt_info),

    SLRT_SIZE(w16::policy),
    SLRT_OFF(w16::policy, hdr),
    SLRT_OFF(w16::policy, reserved),
    SLRT_OFF(w16::policy, revision),
    SLRT_OFF(w16::policy, nr_entries),

    SLRT_SIZE(w::mtrr_pair),
    SLRT_OFF(w::mtrr_pair, mtrr_physbase),
    SLRT_OFF(w::mtrr_pair, mtrr_physmask),

    SLRT_SIZE(w::mtrr_state),
    SLRT_OFF(w::mtrr_state, default_mem_type),
    SLRT_OFF(w::mtrr_state, mtrr_vcnt),
    SLRT_OFF(w::mtrr_state, mtrr_pair),

    SLRT_SIZE(w16::intel_info),
    SLRT_OFF(w16::intel_info, hdr),
    SLRT_OFF(w16::intel_info, boot_params_addr),
    SLRT_OFF(w16::intel_info, txt_heap),
    SLRT_OFF(w16::intel_info, saved_misc_enable_msr),
    SLRT_OFF(w16::intel_info, saved_bsp_mtrrs),

    SLRT_SIZE(w16::amd_info),
    SLRT_OFF(w16::amd_info, hdr),
    SLRT_OFF(w16::amd_info, next),
    SLRT_OFF(w16::amd_info, type),
    SLRT_OFF(w16::amd_info, len),
    SLRT_OFF(w16::amd_info, slrt_size),
    SLRT_OFF(w16::amd_info, slrt_base),
    SLRT_OFF(w16::amd_info, boot_params_base),
    SLRT_OFF(w16::amd_info, psp_version),
    SLRT_OFF(w16::amd_info, reserved),

    SLRT_SIZE(w16::arm_info),
    SLRT_SIZE(w16::uefi_info),

    SLRT_SIZE(w16::uefi_cfg_entry),
    SLRT_OFF(w16::uefi_cfg_entry, pcr),
    SLRT_OFF(w16::uefi_cfg_entry, reserved),
    SLRT_OFF(w16::uefi_cfg_entry, size),
    SLRT_OFF(w16::uefi_cfg_entry, cfg),
    SLRT_OFF(w16::uefi_cfg_entry, evt_info),

    SLRT_SIZE(w16::uefi_config),
    SLRT_OFF(w16::uefi_config, hdr),
    SLRT_OFF(w16::uefi_config, reserved),
    SLRT_OFF(w16::uefi_config, revision),
    SLRT_OFF(w16::uefi_config, nr_entries),

    SLRT_SIZE(w::setup_dlme),
    SLRT_OFF(w::setup_dlme, dlme_base),
    SLRT_OFF(w::setup_dlme, dlme_header_offset),
    SLRT_OFF(w::setup_dlme, dlme_table),

    // The C header spells the UUID as four words, wire.hpp as an array of four.
    SLRT_SIZE(w::dlme_header),
    expected{"dlme_header.uuid[0]", static_cast<unsigned long>(offsetof(w::dlme_header, uuid) + 0)},
    expected{"dlme_header.uuid[1]", static_cast<unsigned long>(offsetof(w::dlme_header, uuid) + 4)},
    expected{"dlme_header.uuid[2]", static_cast<unsigned long>(offsetof(w::dlme_header, uuid) + 8)},
    expected{"dlme_header.uuid[3]", static_cast<unsigned long>(offsetof(w::dlme_header, uuid) + 12)},
    SLRT_OFF(w::dlme_header, header_len),
    SLRT_OFF(w::dlme_header, version),
    SLRT_OFF(w::dlme_header, entry_point),
    SLRT_OFF(w::dlme_header, first_valid_page),
    SLRT_OFF(w::dlme_header, start),
    SLRT_OFF(w::dlme_header, end),
    SLRT_OFF(w::dlme_header, capabilities),
    SLRT_OFF(w::dlme_header, cmdline_start),
    SLRT_OFF(w::dlme_header, cmdline_end),
};

template <class T>
constexpr unsigned long num(T value) {
    return static_cast<unsigned long>(slrt::to_u64(value));
}

// Same order as slr_c_constants[] in tests/c_header_test.c.
const expected constants[] = {
    {"table_magic", num(slrt::table_magic)},
    {"table_revision", num(slrt::table_revision)},
    {"policy_revision", num(slrt::policy_revision)},
    {"uefi_config_revision", num(slrt::uefi_config_revision)},
    {"architecture::intel_txt", num(slrt::architecture::intel_txt)},
    {"architecture::amd_skinit", num(slrt::architecture::amd_skinit)},
    {"bootloader::invalid", num(slrt::bootloader::invalid)},
    {"bootloader::grub", num(slrt::bootloader::grub)},
    {"log_format::tpm12", num(slrt::log_format::tpm12)},
    {"log_format::tpm20", num(slrt::log_format::tpm20)},
    {"tag::invalid", num(slrt::tag::invalid)},
    {"tag::dl_info", num(slrt::tag::dl_info)},
    {"tag::log_info", num(slrt::tag::log_info)},
    {"tag::policy (ENTRY_POLICY)", num(slrt::tag::policy)},
    {"tag::policy (DRTM_POLICY)", num(slrt::tag::policy)},
    {"tag::intel_info", num(slrt::tag::intel_info)},
    {"tag::amd_info", num(slrt::tag::amd_info)},
    {"tag::arm_info", num(slrt::tag::arm_info)},
    {"tag::uefi_info", num(slrt::tag::uefi_info)},
    {"tag::uefi_config", num(slrt::tag::uefi_config)},
    {"tag::end", num(slrt::tag::end)},
    {"entity_type::unspecified", num(slrt::entity_type::unspecified)},
    {"entity_type::slrt", num(slrt::entity_type::slrt)},
    {"entity_type::boot_params", num(slrt::entity_type::boot_params)},
    {"entity_type::boot_params (LINUX_BOOT_PARAMS)", num(slrt::entity_type::boot_params)},
    {"entity_type::setup_data", num(slrt::entity_type::setup_data)},
    {"entity_type::setup_data (LINUX_SETUP_DATA)", num(slrt::entity_type::setup_data)},
    {"entity_type::cmdline", num(slrt::entity_type::cmdline)},
    {"entity_type::uefi_memmap", num(slrt::entity_type::uefi_memmap)},
    {"entity_type::ramdisk", num(slrt::entity_type::ramdisk)},
    {"entity_type::multiboot2_info", num(slrt::entity_type::multiboot2_info)},
    {"entity_type::multiboot2_module", num(slrt::entity_type::multiboot2_module)},
    {"entity_type::txt_os2mle", num(slrt::entity_type::txt_os2mle)},
    {"entity_type::unused", num(slrt::entity_type::unused)},
    {"policy_flag_measured", num(slrt::policy_flag_measured)},
    {"policy_flag_implicit_size", num(slrt::policy_flag_implicit_size)},
    {"evt_info_length", num(slrt::evt_info_length)},
    {"max_variable_mtrrs", num(slrt::max_variable_mtrrs)},
    {"setup_secure_launch", num(slrt::setup_secure_launch)},
    {"dlme_header_uuid[0]", num(slrt::dlme_header_uuid[0])},
    {"dlme_header_uuid[1]", num(slrt::dlme_header_uuid[1])},
    {"dlme_header_uuid[2]", num(slrt::dlme_header_uuid[2])},
    {"dlme_header_uuid[3]", num(slrt::dlme_header_uuid[3])},
};

// The C header compiled as C++ agrees with the overlays too (checked at compile time).
static_assert(sizeof(slr_table) == sizeof(w::table_header));
static_assert(sizeof(slr_entry_hdr) == sizeof(w16::entry_hdr));
static_assert(sizeof(slr_entry_dl_info) == sizeof(w16::dl_info));
static_assert(sizeof(slr_entry_log_info) == sizeof(w16::log_info));
static_assert(sizeof(slr_entry_policy) == sizeof(w16::policy));
static_assert(sizeof(slr_policy_entry) == sizeof(w16::policy_entry));
static_assert(sizeof(slr_entry_intel_info) == sizeof(w16::intel_info));
static_assert(sizeof(slr_entry_amd_info) == sizeof(w16::amd_info));
static_assert(sizeof(slr_entry_uefi_config) == sizeof(w16::uefi_config));
static_assert(sizeof(slr_uefi_cfg_entry) == sizeof(w16::uefi_cfg_entry));
static_assert(sizeof(slr_setup_dlme) == sizeof(w::setup_dlme));
static_assert(sizeof(slr_dlme_header) == sizeof(w::dlme_header));
static_assert(alignof(slr_entry_intel_info) == 1, "packed: safe to overlay at any address");

template <class T>
T read_at(const slrt::u8* bytes, slrt::u32 offset) {
    T value;
    std::memcpy(&value, bytes + offset, sizeof value);
    return value;
}

}  // namespace

TEST_CASE("c interop: sizes and offsets seen by a C compiler match the wire overlays", "[c][interop]") {
    constexpr unsigned long count = sizeof(offsets) / sizeof(offsets[0]);
    REQUIRE(slr_c_offsets_count == count);
    for (unsigned long i = 0; i < count; ++i) {
        INFO("item " << i << ": " << offsets[i].what);
        CHECK(slr_c_offsets[i] == offsets[i].value);
    }
}

TEST_CASE("c interop: constants of slr_table.h match constants.hpp and dlme.hpp", "[c][interop]") {
    constexpr unsigned long count = sizeof(constants) / sizeof(constants[0]);
    REQUIRE(slr_c_constants_count == count);
    for (unsigned long i = 0; i < count; ++i) {
        INFO("item " << i << ": " << constants[i].what);
        CHECK(slr_c_constants[i] == constants[i].value);
    }
}

TEST_CASE("c interop: a table written by slrt::builder reads back through the C structs", "[c][interop]") {
    // The C structs hold native integers; the table is little-endian.
    if constexpr (std::endian::native != std::endian::little) return;

    slrt::u8 buffer[4096] = {};
    slrt::builder b(buffer, slrt::layout::v16);
    REQUIRE(b.init(slrt::architecture::intel_txt, sizeof buffer));

    slrt::dl_info dl;
    dl.dce_size = 0x38000;
    dl.dce_base = 0x7b400000;
    dl.dlme_size = 0x1240000;
    dl.dlme_base = 0x2000000;
    dl.dlme_entry = 0x5a40;
    dl.dlme_header_offset = 0xb0c0;
    dl.dlme_config_table = 0x7a1f0000;
    dl.bl_context = {slrt::bootloader::grub, 0x7e5c3000};
    dl.dl_launch = 0x7e582040;
    const auto dl_ref = b.add(dl);
    REQUIRE(dl_ref);

    const auto log_ref = b.add(slrt::log_info{slrt::log_format::tpm20, 0x8000, 0x7a1e8000});
    REQUIRE(log_ref);

    const slrt::policy_entry items[] = {
        {18, slrt::entity_type::slrt, slrt::policy_flag_implicit_size, 0, 0x7a1f1000, "Measured SLR Table"},
        {17, slrt::entity_type::ramdisk, 0, 0x1000000, 0x70000000, "Measured Kernel initrd"},
    };
    const auto policy_ref = b.add_policy(items, 2);
    REQUIRE(policy_ref);

    slrt::intel_info intel;
    intel.boot_params_addr = 0x7a1f0000;
    intel.txt_heap = 0xfed20000;
    intel.saved_misc_enable_msr = 0x850089;
    intel.saved_bsp_mtrrs.default_mem_type = 0xc06;
    intel.saved_bsp_mtrrs.mtrr_vcnt = 1;
    intel.saved_bsp_mtrrs.mtrr_pair[0] = {0x80000000, 0x7f80000800};
    const auto intel_ref = b.add(intel);
    REQUIRE(intel_ref);

    const slrt::u8* t = buffer;
    const auto header = read_at<slr_table>(t, 0);
    CHECK(header.magic == SLR_TABLE_MAGIC);
    CHECK(header.revision == SLR_TABLE_REVISION);
    CHECK(header.architecture == SLR_INTEL_TXT);
    CHECK(header.size == b.size());
    CHECK(header.max_size == sizeof buffer);

    const auto c_dl = read_at<slr_entry_dl_info>(t, dl_ref->offset);
    CHECK(c_dl.hdr.tag == SLR_ENTRY_DL_INFO);
    CHECK(c_dl.hdr.size == sizeof(slr_entry_dl_info));
    CHECK(c_dl.dce_size == dl.dce_size);
    CHECK(c_dl.dce_base == dl.dce_base);
    CHECK(c_dl.dlme_size == dl.dlme_size);
    CHECK(c_dl.dlme_base == dl.dlme_base);
    CHECK(c_dl.dlme_entry == dl.dlme_entry);
    CHECK(c_dl.dlme_header_offset == dl.dlme_header_offset);
    CHECK(c_dl.dlme_config_table == dl.dlme_config_table);
    CHECK(c_dl.bl_context.bootloader == SLR_BOOTLOADER_GRUB);
    CHECK(c_dl.bl_context.context == dl.bl_context.context);
    CHECK(c_dl.dl_launch == dl.dl_launch);

    const auto c_log = read_at<slr_entry_log_info>(t, log_ref->offset);
    CHECK(c_log.hdr.tag == SLR_ENTRY_LOG_INFO);
    CHECK(c_log.format == SLR_DRTM_TPM20_LOG);
    CHECK(c_log.size == 0x8000);
    CHECK(c_log.addr == 0x7a1e8000);

    const auto c_policy = read_at<slr_entry_policy>(t, policy_ref->offset);
    CHECK(c_policy.hdr.tag == SLR_ENTRY_ENTRY_POLICY);
    CHECK(c_policy.revision == SLR_POLICY_REVISION);
    REQUIRE(c_policy.nr_entries == 2);
    CHECK(c_policy.hdr.size == sizeof(slr_entry_policy) + 2 * sizeof(slr_policy_entry));
    const auto first = read_at<slr_policy_entry>(t, policy_ref->offset + slrt::u32{sizeof(slr_entry_policy)});
    CHECK(first.pcr == 18);
    CHECK(first.entity_type == SLR_ET_SLRT);
    CHECK(first.flags == SLR_POLICY_IMPLICIT_SIZE);
    CHECK(first.entity == 0x7a1f1000);
    CHECK(std::strcmp(first.evt_info, "Measured SLR Table") == 0);
    const auto second = read_at<slr_policy_entry>(
        t, policy_ref->offset + slrt::u32{sizeof(slr_entry_policy) + sizeof(slr_policy_entry)});
    CHECK(second.entity_type == SLR_ET_RAMDISK);
    CHECK(second.size == 0x1000000);
    CHECK(std::strcmp(second.evt_info, "Measured Kernel initrd") == 0);

    const auto c_intel = read_at<slr_entry_intel_info>(t, intel_ref->offset);
    CHECK(c_intel.hdr.tag == SLR_ENTRY_INTEL_INFO);
    CHECK(c_intel.boot_params_addr == intel.boot_params_addr);
    CHECK(c_intel.txt_heap == intel.txt_heap);
    CHECK(c_intel.saved_misc_enable_msr == intel.saved_misc_enable_msr);
    CHECK(c_intel.saved_bsp_mtrrs.default_mem_type == 0xc06);
    CHECK(c_intel.saved_bsp_mtrrs.mtrr_vcnt == 1);
    CHECK(c_intel.saved_bsp_mtrrs.mtrr_pair[0].mtrr_physmask == 0x7f80000800);
    CHECK(c_intel.saved_bsp_mtrrs.mtrr_pair[1].mtrr_physbase == 0);

    // END is the bare header right after the last entry.
    const auto end = read_at<slr_entry_hdr>(t, header.size - slrt::u32{sizeof(slr_entry_hdr)});
    CHECK(end.tag == SLR_ENTRY_END);
    CHECK(end.size == sizeof(slr_entry_hdr));
    CHECK(intel_ref->offset + intel_ref->size == header.size - sizeof(slr_entry_hdr));
}
