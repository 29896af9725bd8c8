// SPDX-License-Identifier: MIT
// Validating a parsed TXT heap (spec/txt/heap.md §Checks, rules TXT-H16..TXT-H56 and
// TXT-X17..TXT-X29), and the Linux Secure Launch post-launch profile (TXT-H60..TXT-H79).
//
// check_heap is at least as strict as tboot's verify_txt_heap (BiosData version and processor
// count, every table size non-zero and within TXT.HEAP.SIZE, the sizes summed without overflow,
// OsSinitData version 4..7 with its element list, SinitMleData version >= 6), and adds what the
// SDG asks and nobody checks: sizes that are multiples of 8, MDR and DMAR regions inside
// SinitMleData and clear of its fields, element lists inside their table and ending in END, PMR
// alignment, the MLE below 4 GiB, the TPM 2.0 event log element, and the capability rules.
//
// Strict mode rejects everything the SDG forbids. Permissive mode accepts what real producers
// are known to write and names each such quirk in the report (heap_quirks below); every other
// rule applies in both modes.
#pragma once

#include "dlh/txt/heap.hpp"

namespace dlh::txt {

enum class check_mode : u8 { strict = 0, permissive = 1 };
enum class tpm_family : u8 { unknown = 0, tpm12 = 1, tpm20 = 2 };

constexpr const char* name(tpm_family f) {
    return f == tpm_family::tpm12 ? "tpm12" : f == tpm_family::tpm20 ? "tpm20" : "unknown";
}

// What permissive mode tolerates, one bit each.
namespace heap_quirk {
inline constexpr u32 size_not_multiple_of_8 = 1u << 0;  // TXT-H18: coreboot BiosData, tboot/GRUB TPM 1.2 OsSinitData
inline constexpr u32 trailing_bytes = 1u << 1;          // TXT-H24
inline constexpr u32 newer_version = 1u << 2;           // TXT-H20, TXT-H44: decoded with the newest known layout
inline constexpr u32 old_version = 1u << 3;             // TXT-H43: SinitMleData version 5
inline constexpr u32 reserved_bits = 1u << 4;           // TXT-H21, H23, H25, H48, X25 (GRUB: Flags = 1 in v6)
inline constexpr u32 empty_acm_element = 1u << 5;       // TXT-X17 (tboot only warns)
inline constexpr u32 grub_pcr_mapping = 1u << 6;        // TXT-H41: TPM 2.0 capabilities bits 5:4 = 11b (GRUB)
inline constexpr u32 unknown_element = 1u << 7;         // TXT-X27 in OsSinitData
inline constexpr u32 reserved_mdr_type = 1u << 8;       // TXT-H47
inline constexpr u32 acpi_copy = 1u << 9;               // TXT-H49, TXT-X29
}  // namespace heap_quirk

struct heap_quirk_info {
    u32 bit;
    const char* name;
    const char* rule;
    const char* description;
};

inline constexpr heap_quirk_info heap_quirks[] = {
    {heap_quirk::size_not_multiple_of_8, "size_not_multiple_of_8", "TXT-H18",
     "a table size is not a multiple of 8 (coreboot BiosData, tboot and GRUB TPM 1.2 OsSinitData)"},
    {heap_quirk::trailing_bytes, "trailing_bytes", "TXT-H24", "non-zero or 8+ bytes after the table's content"},
    {heap_quirk::newer_version, "newer_version", "TXT-H20",
     "BiosData or SinitMleData newer than this library knows; read with the newest layout"},
    {heap_quirk::old_version, "old_version", "TXT-H43", "SinitMleData version 5 (tboot requires 6)"},
    {heap_quirk::reserved_bits, "reserved_bits", "TXT-H25",
     "reserved bits or bytes set (GRUB writes OsSinitData.Flags = 1 in version 6)"},
    {heap_quirk::empty_acm_element, "empty_acm_element", "TXT-X17", "an ACM element with NumAcms 0"},
    {heap_quirk::grub_pcr_mapping, "grub_pcr_mapping", "TXT-H41",
     "TPM 2.0 OsSinitData capabilities with bits 5:4 = 11b (GRUB) instead of 00b"},
    {heap_quirk::unknown_element, "unknown_element", "TXT-X27", "an unknown or misplaced element in OsSinitData"},
    {heap_quirk::reserved_mdr_type, "reserved_mdr_type", "TXT-H47", "an MDR with a reserved type (5..255)"},
    {heap_quirk::acpi_copy, "acpi_copy", "TXT-H49", "a DMAR, MADT or MCFG copy whose ACPI header does not fit"},
};

struct heap_check_options {
    check_mode mode = check_mode::strict;
    u64 heap_size = 0;  // TXT.HEAP.SIZE; 0: the size of the heap view
    u64 heap_base = 0;  // TXT.HEAP.BASE; 0: unknown
    tpm_family tpm = tpm_family::unknown;  // unknown: inferred from OsSinitData
    u32 max_logical_procs = 1024;  // tboot's NR_CPUS
    range dpr{};  // the DMA-protected range (TXT.DPR); size 0: unknown
    range mle{};  // the MLE image in physical memory; size 0: unknown
};

struct heap_report {
    u32 quirks = 0;            // heap_quirk bits accepted in permissive mode
    u32 unknown_elements = 0;  // elements of unknown or misplaced types (all tables)
    tpm_family tpm = tpm_family::unknown;  // the family the checks assumed
    constexpr bool has(u32 quirk) const { return (quirks & quirk) != 0; }
    friend constexpr bool operator==(const heap_report&, const heap_report&) = default;
};

// The family a heap is for: the caller's, else the event log element's (5: TPM 1.2; 7 or 8:
// TPM 2.0), else version 7 means TPM 2.0 (SDG C-4) and older versions TPM 1.2.
constexpr tpm_family infer_tpm_family(const os_sinit_data& s) {
    bool tpm12_log = false, tpm20_log = false;
    for (const element& e : s.ext_data_elements) {
        if (e.type == 5) tpm12_log = true;
        if (e.type == 7 || e.type == 8) tpm20_log = true;
    }
    if (tpm20_log) return tpm_family::tpm20;
    if (tpm12_log) return tpm_family::tpm12;
    return s.version >= 7 ? tpm_family::tpm20 : tpm_family::tpm12;
}

namespace detail {

inline constexpr u64 pmr_alignment = u64{1} << 21;  // 2 MiB (SDG 1.11.2)

struct checker {
    const parsed_heap& h;
    const heap_check_options& o;
    heap_report r{};

    constexpr u32 at(heap_table t, u64 off) const { return static_cast<u32>(h.layout.table_offset(t) + off); }
    constexpr bool strict() const { return o.mode == check_mode::strict; }
    // Permissive: record the quirk and go on. Strict: the caller returns its error.
    constexpr bool tolerate(u32 quirk) {
        if (strict()) return false;
        r.quirks |= quirk;
        return true;
    }

    // --- sizes (TXT-H16..TXT-H18)
    constexpr status sizes() {
        const u64 heap_size = o.heap_size != 0 ? o.heap_size : h.layout.view_size;
        for (u32 i = 0; i < h.layout.count; ++i)
            if (h.layout.size[i] > heap_size)
                return heap_error(errc::size_exceeds_buffer, h.layout.offset[i], i, size_field_name(static_cast<heap_table>(i)),
                                  "TXT-H17", "a table is larger than TXT.HEAP.SIZE", h.layout.size[i], heap_size);
        u64 total = 0;
        for (u32 i = 0; i < h.layout.count; ++i) {
            if (h.layout.size[i] > ~u64{0} - total || total + h.layout.size[i] > heap_size)
                return heap_error(errc::size_exceeds_buffer, h.layout.offset[i], i, size_field_name(static_cast<heap_table>(i)),
                                  "TXT-H16", "the table sizes add up to more than TXT.HEAP.SIZE", total + h.layout.size[i],
                                  heap_size);
            total += h.layout.size[i];
        }
        for (u32 i = 0; i < h.layout.count; ++i)
            if ((h.layout.size[i] & 7) != 0 && !tolerate(heap_quirk::size_not_multiple_of_8))
                return heap_error(errc::misaligned, h.layout.offset[i], i, size_field_name(static_cast<heap_table>(i)),
                                  "TXT-H18", "heap table sizes are multiples of 8 (SDG Table C-1 note 1)",
                                  h.layout.size[i], 8);
        return success;
    }

    // --- padding after a table's content (TXT-H24)
    constexpr status padding(heap_table t, const blob& pad) {
        if (pad.size() == 0) return success;
        if ((pad.size() >= 8 || !slrt::all_zero(pad.bytes)) && !tolerate(heap_quirk::trailing_bytes)) {
            const u64 off = h.layout.table_size(t) - pad.size();
            return heap_error(errc::trailing_bytes, at(t, off), static_cast<u32>(t), name(t), "TXT-H24",
                              "only zero padding shorter than 8 bytes may follow the table's content", pad.size(), 7);
        }
        return success;
    }

    // --- elements (TXT-X6..TXT-X29)
    constexpr status event_log_range(heap_table t, const element& e, u64 address, u32 allocated, u32 first,
                                     u32 next, u32 descr_off) {
        if (address == 0 || allocated == 0 || !range{address, allocated}.valid())
            return heap_error(errc::out_of_bounds, at(t, u64{e.offset} + descr_off), e.index,
                              "event_log.physical_address", "TXT-X22",
                              "an event log needs a non-zero address and size that do not wrap", address, allocated);
        if (first > next || next > allocated)
            return heap_error(errc::out_of_bounds, at(t, u64{e.offset} + descr_off), e.index,
                              "event_log.next_record_offset", "TXT-X23",
                              "FirstRecordOffset <= NextRecordOffset <= AllocatedEventContainerSize", next, allocated);
        return success;
    }

    constexpr status element_contents(heap_table t, const element& e) {
        const u32 where = at(t, e.offset);
        switch (e.type) {
            case 2: {
                const acm_list a = *decode_acm(e);
                if (a.num_acms == 0 && !tolerate(heap_quirk::empty_acm_element))
                    return heap_error(errc::value_out_of_range, where + 8, e.index, "acm.num_acms", "TXT-X17",
                                      "an ACM element lists at least one ACM (SDG C.2.2)", 0, 1);
                for (u32 i = 0; i < a.num_acms; ++i) {
                    const u64 addr = a.address(i);
                    if (addr == 0 || addr >= four_gib)
                        return heap_error(errc::out_of_bounds, where + 12 + 8 * i, e.index, "acm.acm_addrs", "TXT-X18",
                                          "ACM addresses are non-zero and below 4 GiB", addr, four_gib);
                }
                break;
            }
            case 5: {
                const u64 addr = decode_tpm_event_log_ptr(e)->event_log_phys_addr;
                if (addr == 0 || !range{addr, 48}.below(four_gib))
                    return heap_error(errc::out_of_bounds, where + 8, e.index, "tpm_event_log_ptr.event_log_phys_addr",
                                      "TXT-X19", "the TPM 1.2 event container is non-zero and below 4 GiB (SDG C.4.1)",
                                      addr, four_gib);
                break;
            }
            case 7: {
                const event_log_pointer2 p = *decode_event_log_pointer2(e);
                if (p.count == 0)
                    return heap_error(errc::value_out_of_range, where + 8, e.index, "event_log_pointer2.count", "TXT-X20",
                                      "EVENT_LOG_POINTER2 describes at least one log", 0, 1);
                for (u32 i = 0; i < p.count; ++i) {
                    const heap_event_log_descr d = p.descriptor(i);
                    const u32 off = 12 + i * heap_event_log_descr_size;
                    if (d.reserved != 0 && !tolerate(heap_quirk::reserved_bits))
                        return heap_error(errc::reserved_nonzero, where + off + 2, e.index,
                                          "heap_event_log_descr.reserved", "TXT-X25", "the descriptor's reserved field is 0",
                                          d.reserved, 0);
                    if (status s = event_log_range(t, e, d.physical_address, d.allocated_event_container_size,
                                                   d.first_record_offset, d.next_record_offset, off + 4);
                        !s)
                        return s;
                    if (d.allocated_event_container_size < min_event_container_size)
                        return heap_error(errc::value_out_of_range, where + off + 12, e.index,
                                          "heap_event_log_descr.allocated_event_container_size", "TXT-X21",
                                          "SINIT needs at least 4 KiB per event log (SDG G.2.1)",
                                          d.allocated_event_container_size, min_event_container_size);
                    for (u32 j = 0; j < i; ++j)
                        if (p.descriptor(j).hash_alg_id == d.hash_alg_id)
                            return heap_error(errc::duplicate_entry, where + off, e.index,
                                              "heap_event_log_descr.hash_alg_id", "TXT-X24",
                                              "one event log per hash algorithm", d.hash_alg_id, j);
                }
                break;
            }
            case 8: {
                const event_log_pointer2_1 p = *decode_event_log_pointer2_1(e);
                if (status s = event_log_range(t, e, p.physical_address, p.allocated_event_container_size,
                                               p.first_record_offset, p.next_record_offset, 8);
                    !s)
                    return s;
                break;
            }
            case 13: {
                const tpr_req q = *decode_tpr_req(e);
                for (u32 i = 0; i < q.tpr_cnt; ++i)
                    if (!q.at(i).valid())
                        return heap_error(errc::address_wrap, where + 12 + 16 * i, e.index, "tpr_req.tpr_range",
                                          "TXT-X26", "a TPR range wraps around the address space", q.at(i).base,
                                          q.at(i).size);
                break;
            }
            case 6:
            case 9: {
                const acpi_table_copy c = *decode_acpi_copy(e);
                const u32 want = e.type == 6 ? acpi_signature_madt : acpi_signature_mcfg;
                if ((c.signature() != want || c.length() < acpi_header_size || c.length() > c.table.size()) &&
                    !tolerate(heap_quirk::acpi_copy))
                    return heap_error(errc::bad_uuid, where + 8, e.index, "acpi_copy.signature", "TXT-X29",
                                      "a MADT or MCFG copy starts with its ACPI signature and a length that fits",
                                      c.signature(), want);
                break;
            }
            default: break;
        }
        return success;
    }

    constexpr status elements(heap_table t, const element_list& list) {
        u32 seen[14]{};  // count per known type
        u32 logs = 0;
        for (const element& e : list) {
            if (status s = check_element_size(e); !s) return relocate(s.err(), h.layout.table_offset(t));
            if (!element_allowed_in(e.type, t)) {
                ++r.unknown_elements;
                if (t == heap_table::os_sinit_data && !tolerate(heap_quirk::unknown_element))
                    return heap_error(errc::invalid_tag, at(t, e.offset), e.index, "ext_data_element.type", "TXT-X27",
                                      "SINIT rejects element types it does not know in OsSinitData (error 9/8)", e.type,
                                      0);
                continue;
            }
            const bool singleton = e.type != 3 && e.type != 4;
            if (singleton && seen[e.type]++ != 0)
                return heap_error(errc::duplicate_entry, at(t, e.offset), e.index, "ext_data_element.type", "TXT-X28",
                                  "this element type appears at most once per table", e.type, 1);
            if (e.type == 5 || e.type == 7 || e.type == 8) {
                if (logs++ != 0)
                    return heap_error(errc::duplicate_entry, at(t, e.offset), e.index, "ext_data_element.type", "TXT-X28",
                                      "OsSinitData carries one event log pointer element", e.type, 1);
            }
            if (status s = element_contents(t, e); !s) return s;
        }
        return success;
    }

    // --- BiosData (SDG C.2; tboot verify_bios_data)
    constexpr status bios() {
        const bios_data& b = h.bios;
        if (b.version > 6 && !tolerate(heap_quirk::newer_version))
            return heap_error(errc::unsupported_version, at(heap_table::bios_data, 8), 0, "bios_data.version", "TXT-H20",
                              "BiosData versions up to 6 are defined", b.version, 6);
        if (b.num_logical_procs == 0 || b.num_logical_procs > o.max_logical_procs)
            return heap_error(errc::value_out_of_range, at(heap_table::bios_data, 8 + 24), 0,
                              "bios_data.num_logical_procs", "TXT-H19",
                              "NumLogProcs is between 1 and the supported processor count", b.num_logical_procs,
                              o.max_logical_procs);
        if (b.version >= 4) {
            const u32 reserved = b.version == 4 ? 0xffffffffu : b.version == 5 ? 0xfffffffeu : 0xfffffff8u;
            const bool bad_type = b.version >= 6 && mle_flags_field::platform_type.get(b.mle_flags) == 3;
            if (((b.mle_flags & reserved) != 0 || bad_type) && !tolerate(heap_quirk::reserved_bits))
                return heap_error(errc::reserved_nonzero, at(heap_table::bios_data, 8 + 32), 0, "bios_data.mle_flags",
                                  "TXT-H21", "MleFlags bits reserved for this version (or platform type 3) are set",
                                  b.mle_flags, ~reserved);
        }
        if (status s = elements(heap_table::bios_data, b.ext_data_elements); !s) return s;
        return padding(heap_table::bios_data, b.padding);
    }

    // --- OsMleData (Linux layouts)
    constexpr status os_mle() {
        if (h.os_mle_decoding != os_mle_status::by_size && h.os_mle_decoding != os_mle_status::selected) return success;
        const os_mle_data& m = h.os_mle;
        const std::size_t shift = m.layout == os_mle_layout::linux_boot_params ? 8 : 0;
        if (m.version != 1)
            return heap_error(errc::unsupported_version, at(heap_table::os_mle_data, 8), 1, "os_mle_data.version",
                              "TXT-H22", "the Linux OsMleData layouts are struct version 1", m.version, 1);
        if (m.reserved != 0 && !tolerate(heap_quirk::reserved_bits))
            return heap_error(errc::reserved_nonzero, at(heap_table::os_mle_data, 12), 1, "os_mle_data.reserved",
                              "TXT-H23", "the reserved field is 0", m.reserved, 0);
        if (m.slrt == 0 || m.txt_info == 0)
            return heap_error(errc::not_found, at(heap_table::os_mle_data, 8 + shift + (m.slrt == 0 ? 8 : 16)), 1,
                              m.slrt == 0 ? "os_mle_data.slrt" : "os_mle_data.txt_info", "TXT-H51",
                              "the MLE finds the SLRT and its Intel info entry through these addresses", 0, 1);
        if (m.ap_wake_block == 0 || m.ap_wake_block_size == 0)
            return heap_error(errc::value_out_of_range, at(heap_table::os_mle_data, 8 + shift + 24), 1,
                              "os_mle_data.ap_wake_block", "TXT-H52", "the AP wake block has an address and a size",
                              m.ap_wake_block, m.ap_wake_block_size);
        if (o.heap_base != 0 && range{m.ap_wake_block, m.ap_wake_block_size}.overlaps(range{o.heap_base, h.layout.total}))
            return heap_error(errc::overlap, at(heap_table::os_mle_data, 8 + shift + 24), 1, "os_mle_data.ap_wake_block",
                              "TXT-H53", "the AP wake block overlaps the TXT heap tables", m.ap_wake_block, o.heap_base);
        return success;
    }

    // --- OsSinitData (SDG C.4, 2.2.4.2; SINIT error class 9)
    constexpr bool dma_protected(const range& x, const os_sinit_data& s) const {
        if (s.pmr_lo().valid() && s.pmr_lo().contains(x)) return true;
        if (s.pmr_hi().valid() && s.pmr_hi().contains(x)) return true;
        if (o.dpr.size != 0 && o.dpr.valid() && o.dpr.contains(x)) return true;
        return false;
    }

    constexpr status os_sinit() {
        const os_sinit_data& s = h.os_sinit;
        const heap_table t = heap_table::os_sinit_data;
        const tpm_family fam = o.tpm != tpm_family::unknown ? o.tpm : infer_tpm_family(s);
        r.tpm = fam;

        const u32 flags_reserved = s.version >= 7 ? 0xfffffffeu : 0xffffffffu;
        if ((s.flags & flags_reserved) != 0 && !tolerate(heap_quirk::reserved_bits))
            return heap_error(errc::reserved_nonzero, at(t, 12), 2, "os_sinit_data.flags", "TXT-H25",
                              "OsSinitData.Flags bits reserved for this version are set", s.flags, ~flags_reserved);
        if (s.caps.reserved_bits_set() != 0)
            return heap_error(errc::reserved_nonzero, at(t, 88), 2, "os_sinit_data.capabilities", "TXT-H26",
                              "reserved capability bits are requested (SINIT error 9/6)", s.caps.raw,
                              s.caps.raw & ~s.caps.reserved_bits_set());
        if (s.caps.rlp_wake_getsec() == s.caps.rlp_wake_monitor())
            return heap_error(errc::value_out_of_range, at(t, 88), 2, "os_sinit_data.capabilities", "TXT-H27",
                              "exactly one RLP wake-up method (bit 0 or 1) is requested (SDG 2.2.5.2)", s.caps.raw & 3,
                              1);

        // PMRs (SDG 1.11.2; SINIT errors 9/3, 9/4)
        const u64 pmr[4] = {s.vtd_pmr_lo_base, s.vtd_pmr_lo_size, s.vtd_pmr_hi_base, s.vtd_pmr_hi_size};
        const char* pmr_name[4] = {"os_sinit_data.vtd_pmr_lo_base", "os_sinit_data.vtd_pmr_lo_size",
                                   "os_sinit_data.vtd_pmr_hi_base", "os_sinit_data.vtd_pmr_hi_size"};
        for (u32 i = 0; i < 4; ++i)
            if ((pmr[i] & (pmr_alignment - 1)) != 0)
                return heap_error(errc::misaligned, at(t, 40 + 8 * i), 2, pmr_name[i], "TXT-H28",
                                  "PMR bases and sizes are 2 MiB aligned", pmr[i], pmr_alignment);
        if (!s.pmr_lo().valid() || !s.pmr_hi().valid())
            return heap_error(errc::address_wrap, at(t, s.pmr_lo().valid() ? 56 : 40), 2,
                              s.pmr_lo().valid() ? pmr_name[2] : pmr_name[0], "TXT-H29",
                              "a PMR wraps around the address space", s.pmr_lo().valid() ? s.vtd_pmr_hi_base : s.vtd_pmr_lo_base,
                              s.pmr_lo().valid() ? s.vtd_pmr_hi_size : s.vtd_pmr_lo_size);
        if (!s.pmr_lo().below(four_gib))
            return heap_error(errc::out_of_bounds, at(t, 48), 2, pmr_name[1], "TXT-H30",
                              "the low PMR lies below 4 GiB", s.pmr_lo().end(), four_gib);
        if (s.pmr_lo().overlaps(s.pmr_hi()))
            return heap_error(errc::overlap, at(t, 56), 2, pmr_name[2], "TXT-H31", "the low and high PMRs overlap",
                              s.vtd_pmr_hi_base, s.pmr_lo().end());

        // MLE (SDG 2.2.4; SINIT error 9/5)
        if (s.mle_size == 0)
            return heap_error(errc::value_out_of_range, at(t, 24), 2, "os_sinit_data.mle_size", "TXT-H32",
                              "the MLE has a size", 0, 1);
        if ((s.mle_ptab & 0xfff) != 0)
            return heap_error(errc::misaligned, at(t, 16), 2, "os_sinit_data.mle_ptab", "TXT-H33",
                              "the MLE page directory pointer table is a 4 KiB page", s.mle_ptab, 0x1000);
        if (s.mle_ptab == 0 || !range{s.mle_ptab, 0x1000}.below(four_gib))
            return heap_error(errc::out_of_bounds, at(t, 16), 2, "os_sinit_data.mle_ptab", "TXT-H34",
                              "the MLE page tables lie below 4 GiB (and not at 0)", s.mle_ptab, four_gib);
        if (s.mle_size > four_gib || (o.mle.size != 0 && !o.mle.below(four_gib)))
            return heap_error(errc::out_of_bounds, at(t, 24), 2, "os_sinit_data.mle_size", "TXT-H35",
                              "the MLE lies below 4 GiB", o.mle.size != 0 ? o.mle.end() : s.mle_size, four_gib);
        if (o.mle.size != 0 && !dma_protected(o.mle, s))
            return heap_error(errc::out_of_bounds, at(t, 24), 2, "os_sinit_data.mle_size", "TXT-H36",
                              "the MLE lies in a PMR or the DPR (SDG 1.11.2)", o.mle.base, o.mle.size);

        // LCP PO data (SDG C-4: in DMA-protected memory)
        if (s.lcp_po_size != 0) {
            const range po = s.lcp_po();
            bool ok = s.lcp_po_base != 0 && po.valid();
            if (ok && !dma_protected(po, s)) {
                const u64 heap_size = o.heap_size != 0 ? o.heap_size : h.layout.view_size;
                const bool in_heap = o.heap_base != 0 && range{o.heap_base, heap_size}.contains(po);
                const bool decidable = o.heap_base != 0 || o.dpr.size != 0;
                ok = in_heap || !decidable;
            }
            if (!ok)
                return heap_error(errc::out_of_bounds, at(t, 72), 2, "os_sinit_data.lcp_po_base", "TXT-H37",
                                  "LCP PO data is non-zero, does not wrap, and lies in a PMR, the DPR or the heap",
                                  s.lcp_po_base, s.lcp_po_size);
        }

        // Elements, then the TPM family rules (SDG C.4, G.2)
        if (status st = elements(t, s.ext_data_elements); !st) return st;
        u32 log_type = 0, log_offset = 0, log_index = 0;
        for (const element& e : s.ext_data_elements)
            if (e.type == 5 || e.type == 7 || e.type == 8) {
                log_type = e.type;
                log_offset = e.offset;
                log_index = e.index;
            }
        if (fam == tpm_family::tpm20) {
            if (s.version != 7)
                return heap_error(errc::unsupported_version, at(t, 8), 2, "os_sinit_data.version", "TXT-H39",
                                  "TPM 2.0 needs OsSinitData version 7", s.version, 7);
            if (log_type == 0)
                return heap_error(errc::not_found, at(t, 8 + os_sinit_data_v5_size), 2, "os_sinit_data.ext_data_elements",
                                  "TXT-H38", "TPM 2.0 needs an event log pointer element (7 or 8)", 0, 8);
            if (log_type == 5)
                return heap_error(errc::invalid_tag, at(t, log_offset), log_index, "ext_data_element.type", "TXT-H40",
                                  "TPM_EVENT_LOG_PTR is the TPM 1.2 element", 5, 8);
            const u64 pcr = (s.caps.raw >> 4) & 3;
            if (pcr != 0 && !(pcr == 3 && tolerate(heap_quirk::grub_pcr_mapping)))
                return heap_error(errc::value_out_of_range, at(t, 88), 2, "os_sinit_data.capabilities", "TXT-H41",
                                  "TPM 2.0: capabilities bits 5:4 are 0 (SDG Table C-4)", s.caps.raw, 0);
            if (s.caps.tcg_event_log() != (log_type == 8))
                return heap_error(errc::value_out_of_range, at(t, 88), 2, "os_sinit_data.capabilities", "TXT-H42",
                                  "capability bit 9 names the log format of the element (1: type 8, 0: type 7)",
                                  s.caps.raw, log_type);
        } else if (log_type == 7 || log_type == 8) {
            return heap_error(errc::invalid_tag, at(t, log_offset), log_index, "ext_data_element.type", "TXT-H40",
                              "event log pointer elements 7 and 8 are for TPM 2.0", log_type, 5);
        }
        return padding(t, s.padding);
    }

    // --- SinitMleData (SDG C.5; tboot verify_sinit_mle_data)
    constexpr status sinit_mle() {
        const sinit_mle_data& s = h.sinit_mle;
        const heap_table t = heap_table::sinit_mle_data;
        if (s.version < 6 && !tolerate(heap_quirk::old_version))
            return heap_error(errc::unsupported_version, at(t, 8), 3, "sinit_mle_data.version", "TXT-H43",
                              "SinitMleData versions from 6 are supported (tboot)", s.version, 6);
        if (s.version > 9 && !tolerate(heap_quirk::newer_version))
            return heap_error(errc::unsupported_version, at(t, 8), 3, "sinit_mle_data.version", "TXT-H44",
                              "SinitMleData versions up to 9 are defined", s.version, 9);
        const u64 content = u64{table_size_field} + sinit_mle_data_fixed_size(s.version) + s.ext_data_elements.bytes().size();
        const range fixed{0, content};
        const range mdrs{s.sinit_mdrs_table_offset, s.mdrs.bytes().size()};
        const range dmar{s.sinit_vtd_dmar_table_offset, s.dmar.size()};
        if (mdrs.overlaps(fixed))
            return heap_error(errc::overlap, at(t, 8 + 132), 3, "sinit_mle_data.sinit_mdrs_table_offset", "TXT-H45",
                              "the MDR table overlaps the table's fields or element list", s.sinit_mdrs_table_offset, content);
        if (dmar.overlaps(fixed) || dmar.overlaps(mdrs))
            return heap_error(errc::overlap, at(t, 8 + 140), 3, "sinit_mle_data.sinit_vtd_dmar_table_offset", "TXT-H45",
                              "the DMAR copy overlaps the table's fields, element list or MDR table",
                              s.sinit_vtd_dmar_table_offset, content);
        for (u32 i = 0; i < s.mdrs.count(); ++i) {
            const sinit_mdr m = s.mdrs[i];
            const u32 off = at(t, u64{s.sinit_mdrs_table_offset} + u64{i} * sinit_mdr_size);
            if (!m.region().valid())
                return heap_error(errc::address_wrap, off + 8, i, "sinit_mdr.length", "TXT-H46",
                                  "an MDR wraps around the address space", m.address, m.length);
            if (m.type > 4 && !tolerate(heap_quirk::reserved_mdr_type))
                return heap_error(errc::value_out_of_range, off + 16, i, "sinit_mdr.type", "TXT-H47",
                                  "MDR types 5 to 255 are reserved", m.type, 4);
            if (!slrt::all_zero(byte_view(m.reserved)) && !tolerate(heap_quirk::reserved_bits))
                return heap_error(errc::reserved_nonzero, off + 17, i, "sinit_mdr.reserved", "TXT-H48",
                                  "the MDR's reserved bytes are 0", m.reserved[0], 0);
        }
        if (s.dmar.size() != 0) {
            const byte_view d = s.dmar.bytes;
            const bool fits_header = d.size() >= acpi_header_size;
            const u32 sig = fits_header ? static_cast<u32>(load_le(d, 0, 4)) : 0;
            const u32 len = fits_header ? static_cast<u32>(load_le(d, 4, 4)) : 0;
            if ((!fits_header || sig != acpi_signature_dmar || len < acpi_header_size || len > d.size()) &&
                !tolerate(heap_quirk::acpi_copy))
                return heap_error(errc::bad_uuid, at(t, s.sinit_vtd_dmar_table_offset), 3, "sinit_mle_data.dmar",
                                  "TXT-H49", "the DMAR copy starts with the ACPI DMAR header and its length fits",
                                  sig, acpi_signature_dmar);
        }
        return elements(t, s.ext_data_elements);
    }

    // --- across tables
    constexpr status cross() {
        if (h.os_sinit.caps.rlp_wake_monitor() && h.sinit_mle.rlp_wakeup_addr == 0)
            return heap_error(errc::value_out_of_range, at(heap_table::sinit_mle_data, 8 + 120), 3,
                              "sinit_mle_data.rlp_wakeup_addr", "TXT-H50",
                              "MONITOR wake-up was requested, so SINIT names the address to write", 0, 1);
        return success;
    }

    constexpr result<heap_report> run() {
        if (status s = sizes(); !s) return s.err();
        if (status s = bios(); !s) return s.err();
        if (h.stage == heap_stage::bios) return r;
        if (status s = os_mle(); !s) return s.err();
        if (status s = os_sinit(); !s) return s.err();
        if (h.stage == heap_stage::pre_launch) return r;
        if (status s = sinit_mle(); !s) return s.err();
        if (status s = cross(); !s) return s.err();
        return r;
    }
};

}  // namespace detail

// Validates a parsed heap. Error offsets are within the heap view that was parsed.
constexpr result<heap_report> check_heap(const parsed_heap& h, const heap_check_options& o = {}) {
    detail::checker c{h, o};
    return c.run();
}

// The SLRT and its Intel info entry, where OsMleData points into the heap image itself
// (TXT-H54..TXT-H56); nothing is checked for addresses outside the image or without a base.
inline constexpr u32 slrt_magic = 0x4452544d;
inline constexpr u16 slrt_architecture_intel = 1;
inline constexpr u32 slrt_entry_intel_info = 4;

constexpr status check_os_mle_pointers(const parsed_heap& h, byte_view heap, u64 heap_base) {
    if (heap_base == 0 || (h.os_mle_decoding != os_mle_status::by_size && h.os_mle_decoding != os_mle_status::selected))
        return success;
    const os_mle_data& m = h.os_mle;
    const std::size_t shift = m.layout == os_mle_layout::linux_boot_params ? 8 : 0;
    const u32 slrt_field = static_cast<u32>(h.layout.offset[1] + 8 + shift + 8);
    const range image{heap_base, heap.size()};
    u64 slrt_size = 0;
    bool slrt_inside = false;
    if (image.contains(range{m.slrt, 16})) {
        const std::size_t at = static_cast<std::size_t>(m.slrt - heap_base);
        const u32 magic = static_cast<u32>(load_le(heap, at, 4));
        const u16 arch = static_cast<u16>(load_le(heap, at + 6, 2));
        if (magic != slrt_magic || arch != slrt_architecture_intel)
            return heap_error(errc::bad_uuid, slrt_field, 1, "os_mle_data.slrt", "TXT-H54",
                              "the SLRT has magic 0x4452544d and architecture 1 (Intel TXT)", magic, slrt_magic);
        slrt_size = load_le(heap, at + 8, 4);
        slrt_inside = true;
    }
    if (image.contains(range{m.txt_info, 8})) {
        if (slrt_inside && !range{m.slrt, slrt_size}.contains(range{m.txt_info, 8}))
            return heap_error(errc::out_of_bounds, slrt_field + 8, 1, "os_mle_data.txt_info", "TXT-H55",
                              "txt_info points inside the SLRT", m.txt_info, m.slrt);
        const u32 tag = static_cast<u32>(load_le(heap, static_cast<std::size_t>(m.txt_info - heap_base), 4));
        if (tag != slrt_entry_intel_info)
            return heap_error(errc::invalid_tag, slrt_field + 8, 1, "os_mle_data.txt_info", "TXT-H56",
                              "txt_info points at the SLRT Intel info entry (tag 4)", tag, slrt_entry_intel_info);
    }
    return success;
}

// Parses, checks, and (with a base) follows OsMleData's pointers into the image.
constexpr result<heap_report> validate_heap(byte_view heap, const heap_parse_options& p = {},
                                            const heap_check_options& o = {}) {
    auto h = parse_heap(heap, p);
    if (!h) return h.err();
    auto r = check_heap(*h, o);
    if (!r) return r;
    if (status s = check_os_mle_pointers(*h, heap, o.heap_base); !s) return s.err();
    return r;
}

// ---------------------------------------------------------------------------
// The Linux Secure Launch post-launch profile (txt.md §9.1-9.3): the checks the kernel makes
// after SENTER, in the order it makes them, with its 32-bit arithmetic where the early stub
// uses it. Each rule names the SL_ERROR_* the kernel would report.

struct linux_launch_inputs {
    u64 mle_base = 0;           // the MLE's physical start (Linux reads PT[0] of PD[0] of PDPT[0] via ECX)
    u64 boot_params_addr = 0;   // the zero page (SLRT Intel info entry); 0: OsMleData's field in the
                                // linux_boot_params layout, else not checked
    u32 ap_wake_code_size = 0;  // bytes the kernel copies into the AP wake block; 0: not checked
    range event_log{};          // the SLRT LOG_INFO buffer; size 0: not checked
    u64 heap_base = 0;          // TXT.HEAP.BASE
    u64 heap_size = 0;          // TXT.HEAP.SIZE
    u64 end_of_ram = 0;         // end of the highest RAM range in the e820 map; 0: not checked
    u64 kernel_end = 0;         // end of the decompressed kernel below 4 GiB; 0: not checked
    bool tpm20 = false;         // the platform's TPM is a TPM 2.0
};

namespace detail {

// sl_check_buffer_mle_overlap: [b, e) entirely above or below the MLE [mb, me), or (when
// allowed) inside it; 32-bit compares.
constexpr bool linux_outside_mle(u32 b, u32 e, u32 mb, u32 me, bool may_be_inside) {
    if (b >= me && e > me) return true;
    if (e <= mb && b < mb) return true;
    return may_be_inside && b >= mb && e <= me;
}

}  // namespace detail

constexpr status check_linux_post_launch(const parsed_heap& h, const linux_launch_inputs& in) {
    if (h.stage != heap_stage::post_launch ||
        (h.os_mle_decoding != os_mle_status::by_size && h.os_mle_decoding != os_mle_status::selected))
        return heap_error(errc::bad_argument, 0, no_entry, "heap", "TXT-H59",
                          "the Linux profile needs a post-launch heap with a Linux OsMleData", 0, 0);
    const os_mle_data& m = h.os_mle;
    const os_sinit_data& s = h.os_sinit;
    const u32 mle_t = h.layout.offset[1], sinit_t = h.layout.offset[2], smle_t = h.layout.offset[3];
    const u32 shift = m.layout == os_mle_layout::linux_boot_params ? 8 : 0;

    // Early stub (sl_stub.S sl_txt_verify_os_mle_struct), 32-bit.
    if (s.vtd_pmr_lo_base != 0)
        return heap_error(errc::value_out_of_range, sinit_t + 8 + 32, 2, "os_sinit_data.vtd_pmr_lo_base", "TXT-H60",
                          "SL_ERROR_LO_PMR_BASE: Linux needs the low PMR to start at 0", s.vtd_pmr_lo_base, 0);
    const u64 mle_base32 = in.mle_base & 0xffffffffu;
    const u64 mle_end = mle_base32 + (s.mle_size & 0xffffffffu);
    if (in.mle_base > 0xffffffffu || mle_end > 0xffffffffu)
        return heap_error(errc::address_wrap, sinit_t + 8 + 16, 2, "os_sinit_data.mle_size", "TXT-H61",
                          "SL_ERROR_INTEGER_OVERFLOW: MLE start + MleSize carries past 32 bits", mle_end, 0xffffffffu);
    const u32 lo_size32 = static_cast<u32>(s.vtd_pmr_lo_size & 0xffffffffu);
    const u32 mb = static_cast<u32>(mle_base32), me = static_cast<u32>(mle_end);
    const u64 wake_end = u64{m.ap_wake_block} + m.ap_wake_block_size;
    const u32 wake_field = mle_t + 8 + shift + 24;
    if (wake_end > 0xffffffffu)
        return heap_error(errc::address_wrap, wake_field, 1, "os_mle_data.ap_wake_block", "TXT-H62",
                          "SL_ERROR_INTEGER_OVERFLOW: the buffer's end carries past 32 bits", wake_end, 0xffffffffu);
    if (!detail::linux_outside_mle(m.ap_wake_block, static_cast<u32>(wake_end), mb, me, false))
        return heap_error(errc::overlap, wake_field, 1, "os_mle_data.ap_wake_block", "TXT-H63",
                          "SL_ERROR_MLE_BUFFER_OVERLAP: the AP wake block overlaps the MLE", m.ap_wake_block, mb);
    if (wake_end > lo_size32)
        return heap_error(errc::out_of_bounds, wake_field, 1, "os_mle_data.ap_wake_block", "TXT-H64",
                          "SL_ERROR_BUFFER_BEYOND_PMR: the buffer ends beyond the low PMR", wake_end, lo_size32);
    const u64 bp = in.boot_params_addr != 0 ? in.boot_params_addr : m.boot_params_addr;
    if (bp != 0) {
        const u64 bp_end = bp + 4096;
        const u32 bp_field = m.layout == os_mle_layout::linux_boot_params ? mle_t + 16 : mle_t;
        if (bp > 0xffffffffu || bp_end > 0xffffffffu)
            return heap_error(errc::address_wrap, bp_field, 1, "boot_params_addr", "TXT-H62",
                              "SL_ERROR_INTEGER_OVERFLOW: the buffer's end carries past 32 bits", bp_end, 0xffffffffu);
        if (!detail::linux_outside_mle(static_cast<u32>(bp), static_cast<u32>(bp_end), mb, me, true))
            return heap_error(errc::overlap, bp_field, 1, "boot_params_addr", "TXT-H66",
                              "SL_ERROR_MLE_BUFFER_OVERLAP: the boot params page straddles the MLE", bp, mb);
        if (bp_end > lo_size32)
            return heap_error(errc::out_of_bounds, bp_field, 1, "boot_params_addr", "TXT-H67",
                              "SL_ERROR_BUFFER_BEYOND_PMR: the boot params page ends beyond the low PMR", bp_end, lo_size32);
    }
    if (in.ap_wake_code_size != 0 && m.ap_wake_block_size < in.ap_wake_code_size)
        return heap_error(errc::value_out_of_range, wake_field + 4, 1, "os_mle_data.ap_wake_block_size", "TXT-H65",
                          "SL_ERROR_WAKE_BLOCK_TOO_SMALL: the AP wake block cannot hold the kernel's wake code",
                          m.ap_wake_block_size, in.ap_wake_code_size);
    if (s.caps.rlp_wake_monitor() && h.sinit_mle.rlp_wakeup_addr == 0)
        return heap_error(errc::value_out_of_range, smle_t + 8 + 120, 3, "sinit_mle_data.rlp_wakeup_addr", "TXT-H79",
                          "Linux wakes the APs by writing to RlpWakeupAddr when MONITOR wake-up was requested", 0, 1);

    // sl_main (early C).
    if (m.slrt == 0)
        return heap_error(errc::not_found, mle_t + 8 + shift + 8, 1, "os_mle_data.slrt", "TXT-H68",
                          "SL_ERROR_INVALID_SLRT: OsMleData names no SLRT", 0, 1);
    if (s.version < 6)
        return heap_error(errc::unsupported_version, sinit_t + 8, 2, "os_sinit_data.version", "TXT-H69",
                          "SL_ERROR_OS_SINIT_BAD_VERSION: Linux needs OsSinitData version 6 or later", s.version, 6);
    bool has_log2_1 = false;
    for (const element& e : s.ext_data_elements)
        if (e.type == static_cast<u32>(element_type::event_log_pointer2_1)) has_log2_1 = true;
    if (in.tpm20 && !has_log2_1)
        return heap_error(errc::not_found, sinit_t + 8 + os_sinit_data_v5_size, 2, "os_sinit_data.ext_data_elements",
                          "TXT-H70", "a TPM 2.0 needs the EVENT_LOG_POINTER2_1 element: Linux logs in the TCG format",
                          0, 8);
    if (in.event_log.size != 0) {
        const u64 b = in.event_log.base, n = in.event_log.size;
        constexpr u64 llong_max = ~u64{0} >> 1;
        if (b > llong_max || n > llong_max - b)
            return heap_error(errc::address_wrap, 0, no_entry, "event_log", "TXT-H71",
                              "SL_ERROR_INTEGER_OVERFLOW: the event log's end overflows", b, n);
        const u64 e = b + n;
        const u64 mle_end64 = in.mle_base + s.mle_size;  // 64-bit here, as sl_main computes it
        const bool above = b >= mle_end64 && e > mle_end64;
        const bool below = e <= in.mle_base && b < in.mle_base;
        if (!above && !below)
            return heap_error(errc::overlap, 0, no_entry, "event_log", "TXT-H72",
                              "SL_ERROR_MLE_BUFFER_OVERLAP: the event log overlaps the MLE", b, in.mle_base);
        const bool in_heap = b > in.heap_base && e < in.heap_base + in.heap_size;
        if (!in_heap) {
            const char* why = nullptr;
            if (e >= four_gib && b < four_gib) why = "SL_ERROR_REGION_STRADDLE_4GB: the event log straddles 4 GiB";
            else if (e > four_gib && b >= four_gib && e >= s.vtd_pmr_hi_base + s.vtd_pmr_hi_size)
                why = "SL_ERROR_BUFFER_BEYOND_PMR: the event log ends beyond the high PMR";
            else if (e >= s.vtd_pmr_lo_size)
                why = "SL_ERROR_BUFFER_BEYOND_PMR: the event log ends at or beyond the low PMR's end";
            if (why)
                return heap_error(errc::out_of_bounds, 0, no_entry, "event_log", "TXT-H73", why, e, s.vtd_pmr_lo_size);
        }
    }

    // Late stub (arch/x86/kernel/slaunch.c).
    if (s.vtd_pmr_hi_base != 0) {
        if (s.vtd_pmr_hi_base != four_gib)
            return heap_error(errc::value_out_of_range, sinit_t + 8 + 48, 2, "os_sinit_data.vtd_pmr_hi_base", "TXT-H74",
                              "SL_ERROR_HI_PMR_BASE: a high PMR starts at 4 GiB", s.vtd_pmr_hi_base, four_gib);
        if (in.end_of_ram != 0 && in.end_of_ram > s.vtd_pmr_hi_base + s.vtd_pmr_hi_size)
            return heap_error(errc::out_of_bounds, sinit_t + 8 + 56, 2, "os_sinit_data.vtd_pmr_hi_size", "TXT-H75",
                              "SL_ERROR_HI_PMR_SIZE: the high PMR covers all RAM above 4 GiB", in.end_of_ram,
                              s.vtd_pmr_hi_base + s.vtd_pmr_hi_size);
    }
    if (in.kernel_end != 0 && in.kernel_end > s.vtd_pmr_lo_size)
        return heap_error(errc::out_of_bounds, sinit_t + 8 + 40, 2, "os_sinit_data.vtd_pmr_lo_size", "TXT-H76",
                          "SL_ERROR_LO_PMR_MLE: the low PMR covers the decompressed kernel", in.kernel_end,
                          s.vtd_pmr_lo_size);
    const sinit_mle_data& d = h.sinit_mle;
    if (d.sinit_vtd_dmar_table_size == 0 || d.sinit_vtd_dmar_table_offset == 0)
        return heap_error(errc::not_found, smle_t + 8 + 136, 3, "sinit_mle_data.sinit_vtd_dmar_table_size", "TXT-H77",
                          "SL_ERROR_HEAP_INVALID_DMAR: SinitMleData carries a DMAR copy", d.sinit_vtd_dmar_table_size,
                          d.sinit_vtd_dmar_table_offset);
    if (d.sinit_vtd_dmar_table_size > 4096)
        return heap_error(errc::value_out_of_range, smle_t + 8 + 136, 3, "sinit_mle_data.sinit_vtd_dmar_table_size",
                          "TXT-H78", "SL_ERROR_HEAP_DMAR_SIZE: Linux maps at most one 4 KiB page of DMAR copy",
                          d.sinit_vtd_dmar_table_size, 4096);
    return success;
}

}  // namespace dlh::txt
