// SPDX-License-Identifier: MIT
// Every Arm DRTM rule in one table: its id, the errc it produces, what the firmware returns
// when DRTM_DYNAMIC_LAUNCH meets it (for the checks firmware performs), and its source
// (skinit-arm-tcg.md §B; DEN0113 rule ids as [ACS] cites them). spec/arm-drtm.md has the same
// list in words. The tools print `launch_status` beside an error so that a failing launch's
// x0 can be matched with the rule that explains it.
#pragma once

#include "dlh/arm/base.hpp"
#include "dlh/arm/status.hpp"

namespace dlh::arm {

struct rule_info {
    const char* id;
    errc code;
    bool firmware_check;  // DYNAMIC_LAUNCH refuses with `launch_status`
    drtm_status launch_status;
    const char* source;
    const char* text;
};

namespace rules_detail {
inline constexpr drtm_status ip = drtm_status::invalid_parameters;
}

inline constexpr rule_info rule_table[] = {
    // DRTM_PARAMETERS (parameters.hpp)
    {"ARM-1", errc::truncated_header, false, rules_detail::ip, "B.4", "fewer than 88 bytes of DRTM_PARAMETERS"},
    {"ARM-2", errc::unsupported_version, true, drtm_status::not_supported, "B.4 [TFA]", "revision outside 1..2"},
    {"ARM-3", errc::reserved_nonzero, false, rules_detail::ip, "B.4 [ACS]", "reserved u16 at 0x02 not zero"},
    {"ARM-4", errc::reserved_nonzero, false, rules_detail::ip, "B.5", "launch features bits [31:8] set"},
    {"ARM-5", errc::out_of_bounds, true, rules_detail::ip, "B.4 [TFA]", "dlme_image_start not below dlme_region_size"},
    {"ARM-6", errc::out_of_bounds, true, rules_detail::ip, "B.4 [TFA]", "dlme_data_offset not below dlme_region_size"},
    {"ARM-7", errc::misaligned, true, rules_detail::ip, "B.4 [TFA]", "dlme_region_address not 4 KiB aligned"},
    {"ARM-8", errc::address_wrap, true, rules_detail::ip, "B.4 [TFA]", "the DLME region wraps"},
    {"ARM-9", errc::value_out_of_range, true, rules_detail::ip, "B.4 [TFA]", "dlme_image_size is 0"},
    {"ARM-10", errc::overlap, true, rules_detail::ip, "B.4 [TFA]", "the DLME image reaches into the DLME data"},
    {"ARM-11", errc::misaligned, true, rules_detail::ip, "B.4 [TFA]", "dlme_image_start not 4 KiB aligned"},
    {"ARM-12", errc::out_of_bounds, true, rules_detail::ip, "B.4 [TFA]", "the entry point is outside the image"},
    {"ARM-13", errc::misaligned, true, rules_detail::ip, "B.4 [TFA]", "the entry point is not 4-byte aligned"},
    {"ARM-14", errc::misaligned, true, rules_detail::ip, "B.4 [TFA]", "dlme_data_offset not 4 KiB aligned"},
    {"ARM-15", errc::size_too_small, true, rules_detail::ip, "B.4 B.3 [TFA]",
     "the DLME data region is below the minimum of DRTM_FEATURES 0x02"},
    {"ARM-16", errc::value_out_of_range, true, rules_detail::ip, "B.4 [TFA]", "an empty normal-world DCE region"},
    {"ARM-17", errc::address_wrap, true, rules_detail::ip, "B.4 [TFA]", "the normal-world DCE region wraps"},
    {"ARM-18", errc::overlap, true, rules_detail::ip, "B.4 [TFA]", "the normal-world DCE region overlaps the DLME region"},
    {"ARM-19", errc::value_out_of_range, false, rules_detail::ip, "B.5", "PCR schema 2 or 3 (reserved)"},
    {"ARM-20", errc::value_out_of_range, false, rules_detail::ip, "B.5", "DMA protection type 2..7 (reserved)"},
    {"ARM-21", errc::launch_requirement, true, rules_detail::ip, "B.5 [TFA]",
     "DLME Authorities schema without DLME image authentication"},
    {"ARM-22", errc::launch_requirement, true, rules_detail::ip, "B.5 [TFA]",
     "the hashing type does not fit TPM feature bit 32"},
    {"ARM-23", errc::launch_requirement, true, rules_detail::ip, "B.3 [ACS] R44065",
     "the PCR schema is not supported by the platform"},
    {"ARM-24", errc::launch_requirement, true, rules_detail::ip, "B.5 [TFA] [ACS] R44065",
     "the DMA protection type is not supported by the platform"},
    {"ARM-25", errc::launch_requirement, true, rules_detail::ip, "B.5 [TFA]",
     "DLME image authentication requested but not supported"},
    {"ARM-26", errc::value_out_of_range, true, drtm_status::mem_protect_invalid, "B.4 [TFA]",
     "a protection table with complete DMA protection"},
    {"ARM-27", errc::misaligned, true, rules_detail::ip, "B.4 [TFA]", "DRTM_PARAMETERS not 4 KiB aligned"},
    {"ARM-28", errc::buffer_too_small, false, rules_detail::ip, "builder", "buffer below 88 bytes"},
    // DLME data header (dlme_data.hpp)
    {"ARM-30", errc::truncated_header, false, rules_detail::ip, "B.7", "fewer than 64 bytes of DLME data header"},
    {"ARM-31", errc::unsupported_version, false, rules_detail::ip, "B.7", "DLME data version not 1"},
    {"ARM-32", errc::size_too_small, false, rules_detail::ip, "B.7", "this_hdr_size below 64"},
    {"ARM-33", errc::reserved_nonzero, false, rules_detail::ip, "B.7", "reserved u32 not zero"},
    {"ARM-34", errc::address_wrap, false, rules_detail::ip, "B.7", "the header and region sizes overflow"},
    {"ARM-35", errc::out_of_bounds, false, rules_detail::ip, "B.7 R314090", "the regions run past dlme_data_size"},
    {"ARM-36", errc::entry_size_mismatch, false, rules_detail::ip, "B.7 [TFA]",
     "dlme_data_size larger than the header and regions"},
    {"ARM-37", errc::size_exceeds_buffer, false, rules_detail::ip, "B.7 R314050",
     "the DLME data runs past the bytes given or the DLME region"},
    {"ARM-38", errc::not_found, false, rules_detail::ip, "B.7 R314060",
     "no protected regions, address map or event log"},
    {"ARM-39", errc::duplicate_entry, false, rules_detail::ip, "B.7 R314150",
     "both a TCB hash table and an ACPI table region"},
    // Memory region tables (memory_regions.hpp)
    {"ARM-40", errc::truncated_header, false, rules_detail::ip, "B.7", "a region table shorter than 8 bytes"},
    {"ARM-41", errc::unsupported_version, false, rules_detail::ip, "B.7 R314100 R314110", "table revision not 1"},
    {"ARM-42", errc::reserved_nonzero, false, rules_detail::ip, "B.7", "table reserved u16 not zero"},
    {"ARM-43", errc::not_found, false, rules_detail::ip, "B.7 R314100 R314110", "num_regions is 0"},
    {"ARM-44", errc::count_mismatch, false, rules_detail::ip, "B.7", "table size not 8 + 16 * num_regions"},
    {"ARM-45", errc::misaligned, false, rules_detail::ip, "B.7 R313010", "a region address not 4 KiB aligned"},
    {"ARM-46", errc::reserved_nonzero, false, rules_detail::ip, "B.7", "size_type bits [63:57] set"},
    {"ARM-47", errc::value_out_of_range, false, rules_detail::ip, "B.7", "region type 5..7"},
    {"ARM-48", errc::address_wrap, false, rules_detail::ip, "B.7", "a region wraps"},
    {"ARM-49", errc::value_out_of_range, false, rules_detail::ip, "B.7 R314120", "regions not in ascending order"},
    {"ARM-50", errc::overlap, false, rules_detail::ip, "B.7 R313020", "a region overlaps the one before it"},
    {"ARM-51", errc::value_out_of_range, false, rules_detail::ip, "B.7 R45160 [TFA]",
     "complete protection without the single complete region"},
    {"ARM-52", errc::buffer_too_small, false, rules_detail::ip, "builder", "an encoder's buffer is too small"},
    {"ARM-53", errc::bad_argument, false, rules_detail::ip, "builder", "TCB hash encoder input inconsistent"},
    // TCB hash table (tcb_hashes.hpp)
    {"ARM-55", errc::truncated_header, false, rules_detail::ip, "B.7", "a TCB hash table shorter than 8 bytes"},
    {"ARM-56", errc::unsupported_version, false, rules_detail::ip, "B.7 R314130", "TCB hash table revision not 1"},
    {"ARM-57", errc::not_found, false, rules_detail::ip, "B.7 R314130", "num_hashes is 0"},
    {"ARM-58", errc::unknown_algorithm, false, rules_detail::ip, "B.7 C.6", "hash_algo unknown"},
    {"ARM-59", errc::reserved_nonzero, false, rules_detail::ip, "B.7", "TCB hash table reserved u16 not zero"},
    {"ARM-60", errc::count_mismatch, false, rules_detail::ip, "B.7", "table size not 8 + n * (4 + digest)"},
    {"ARM-61", errc::value_out_of_range, false, rules_detail::ip, "B.3 R315040",
     "more hashes than DRTM_FEATURES 0x05 allows"},
    // ACPI table region (acpi_region.hpp)
    {"ARM-65", errc::truncated_header, false, rules_detail::ip, "B.7", "ACPI region shorter than 36 bytes"},
    {"ARM-66", errc::bad_magic, false, rules_detail::ip, "B.7 R314140", "ACPI region does not start with an XSDT"},
    {"ARM-67", errc::out_of_bounds, false, rules_detail::ip, "B.7 ACPI 5.2.8", "XSDT length below 36 or past the region"},
    {"ARM-68", errc::count_mismatch, false, rules_detail::ip, "ACPI 5.2.8", "XSDT with a partial entry"},
    {"ARM-69", errc::value_out_of_range, false, rules_detail::ip, "ACPI 5.2.6", "an ACPI checksum does not sum to 0"},
    {"ARM-70", errc::out_of_bounds, false, rules_detail::ip, "B.7 R314140", "an XSDT entry points outside the region"},
    {"ARM-71", errc::out_of_bounds, false, rules_detail::ip, "B.7 R314140", "a table runs past the region"},
    {"ARM-72", errc::not_found, false, rules_detail::ip, "B.7 [ACS] 105/117", "a table the DLME needs is missing"},
    // Event order (event_order.hpp)
    {"ARM-80", errc::not_found, false, rules_detail::ip, "B.8 R48020 R48030", "PCR 17 does not start with DCE"},
    {"ARM-81", errc::not_found, false, rules_detail::ip, "B.8 R48020 R48030", "PCR_SCHEMA does not follow DCE"},
    {"ARM-82", errc::not_found, false, rules_detail::ip, "B.8 [ACS]", "SECURE_INT_DISABLE missing"},
    {"ARM-83", errc::not_found, false, rules_detail::ip, "B.8 R48020 R48030", "PCR 17 SEPARATOR missing or misplaced"},
    {"ARM-84", errc::trailing_bytes, false, rules_detail::ip, "B.8 R48020 R48030", "PCR 17 event after SEPARATOR"},
    {"ARM-85", errc::not_found, false, rules_detail::ip, "B.8 R48020 R48030", "PCR 18 does not start with PCR_SCHEMA"},
    {"ARM-86", errc::not_found, false, rules_detail::ip, "B.8 R48020", "DLME missing or misplaced"},
    {"ARM-87", errc::not_found, false, rules_detail::ip, "B.8 R48030", "DLME_PUBKEY missing or misplaced"},
    {"ARM-88", errc::not_found, false, rules_detail::ip, "B.8 R48020 R48030", "DLME_ENTRY_POINT missing or misplaced"},
    {"ARM-89", errc::not_found, false, rules_detail::ip, "B.8 R48020 R48030", "DEBUG_CONFIG missing or misplaced"},
    {"ARM-90", errc::not_found, false, rules_detail::ip, "B.8 R48020 R48030", "NONSECURE_CONFIG missing or misplaced"},
    {"ARM-91", errc::not_found, false, rules_detail::ip, "B.8 R48020 R48030", "PCR 18 SEPARATOR missing or misplaced"},
    {"ARM-92", errc::trailing_bytes, false, rules_detail::ip, "B.8 R48020 R48030", "PCR 18 event after SEPARATOR"},
    // Error code, measurements
    {"ARM-95", errc::value_out_of_range, false, rules_detail::ip, "B.9", "error code field out of range"},
    {"ARM-96", errc::bad_argument, false, rules_detail::ip, "B.8", "measurement input inconsistent"},
};

constexpr const rule_info* find_rule(const char* id) {
    for (const rule_info& r : rule_table)
        if (same_name(r.id, id)) return &r;
    return nullptr;
}

// The status DRTM_DYNAMIC_LAUNCH returns for a failed firmware check; nullptr when the error's
// rule is not one firmware applies at launch.
constexpr const drtm_status* launch_status(const error& e) {
    const rule_info* r = find_rule(e.rule);
    return r && r->firmware_check ? &r->launch_status : nullptr;
}

}  // namespace dlh::arm
