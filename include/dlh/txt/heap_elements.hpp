// SPDX-License-Identifier: MIT
// TXT heap extended data elements: the {Type, Size, Data[Size - 8]} records that end BiosData
// (v4+), OsSinitData (v6+) and SinitMleData (v9+). Intel TXT Software Development Guide
// 315168-013 (SDG) Appendix C.1; spec/txt/heap.md §Extended data elements (rules TXT-X<n>).
//
// A list is walked with element_list, zbitl style: the range-for stops at END or at the first
// framing fault, and the caller takes the fault afterwards with take_error(). A walk cannot loop
// (every accepted Size is at least the 8-byte header) and cannot leave the bytes it was given.
// The walk checks framing only; decode_<type>() checks one element's size against its type, and
// dlh/txt/heap_check.hpp checks contents and placement.
#pragma once

#include <cstddef>

#include "dlh/base.hpp"
#include "dlh/range.hpp"
#include "slrt/bytes.hpp"
#include "slrt/error.hpp"

namespace dlh::txt {

// The four heap tables, in heap order (SDG Table C-1). Shared by elements (which table a type
// belongs in) and by dlh/txt/heap.hpp.
enum class heap_table : u8 { bios_data = 0, os_mle_data = 1, os_sinit_data = 2, sinit_mle_data = 3 };

constexpr const char* name(heap_table t) {
    switch (t) {
        case heap_table::bios_data: return "bios_data";
        case heap_table::os_mle_data: return "os_mle_data";
        case heap_table::os_sinit_data: return "os_sinit_data";
        case heap_table::sinit_mle_data: return "sinit_mle_data";
    }
    return "unknown";
}

// Element types (SDG C.1, C.2, C.4, C.5). 10-12 are not assigned in SDG-013; 13 (TPR_REQ) is
// newer than SDG-013 and taken from tboot (2026).
enum class element_type : u32 {
    end = 0,                   // SDG C.1.1
    bios_spec_ver = 1,         // SDG C.2.1, BiosData
    acm = 2,                   // SDG C.2.2, BiosData
    stm = 3,                   // SDG C.2.3, BiosData, opaque
    custom = 4,                // SDG C.1.2, any table
    tpm_event_log_ptr = 5,     // SDG C.4.1, OsSinitData, TPM 1.2 container
    madt = 6,                  // SDG C.5.1, SinitMleData
    event_log_pointer2 = 7,    // SDG C.4.2, OsSinitData, TPM 2.0 original TXT log
    event_log_pointer2_1 = 8,  // SDG C.4.3, OsSinitData, TPM 2.0 TCG log
    mcfg = 9,                  // SDG C.5.2, SinitMleData
    tpr_req = 13,              // tboot heap.h (newer than SDG-013), OsSinitData
};

constexpr bool is_known_element(u32 type) {
    return type <= 9 || type == 13;
}

constexpr const char* element_name(u32 type) {
    switch (type) {
        case 0: return "END";
        case 1: return "BIOS_SPEC_VER";
        case 2: return "ACM";
        case 3: return "STM";
        case 4: return "CUSTOM";
        case 5: return "TPM_EVENT_LOG_PTR";
        case 6: return "MADT";
        case 7: return "EVENT_LOG_POINTER2";
        case 8: return "EVENT_LOG_POINTER2_1";
        case 9: return "MCFG";
        case 13: return "TPR_REQ";
        default: return "unknown";
    }
}

// Which table a type belongs in (txt.md §2.2 "Where"). CUSTOM is allowed everywhere. OsMleData
// has no element list.
constexpr bool element_allowed_in(u32 type, heap_table t) {
    if (type == 4) return t != heap_table::os_mle_data;
    switch (t) {
        case heap_table::bios_data: return type == 1 || type == 2 || type == 3;
        case heap_table::os_sinit_data: return type == 5 || type == 7 || type == 8 || type == 13;
        case heap_table::sinit_mle_data: return type == 6 || type == 9;
        case heap_table::os_mle_data: return false;
    }
    return false;
}

namespace wire {

// Element header (SDG C.1): Size counts the header.
struct element_header {
    le_u32 type;  // @0
    le_u32 size;  // @4
};
static_assert(sizeof(element_header) == 8 && alignof(element_header) == 1);
static_assert(offsetof(element_header, size) == 4);

// BIOS_SPEC_VER payload (SDG C.2.1): element Size 14.
struct bios_spec_ver {
    le_u16 major;     // @0
    le_u16 minor;     // @2
    le_u16 revision;  // @4
};
static_assert(sizeof(bios_spec_ver) == 6 && alignof(bios_spec_ver) == 1);
static_assert(offsetof(bios_spec_ver, minor) == 2 && offsetof(bios_spec_ver, revision) == 4);

// ACM payload (SDG C.2.2): NumAcms then NumAcms u64 addresses; element Size 12 + 8 * NumAcms.
struct acm_element {
    le_u32 num_acms;  // @0, followed by le_u64 acm_addrs[num_acms] @4
};
static_assert(sizeof(acm_element) == 4 && alignof(acm_element) == 1);

// A UUID as the SDG writes it (SDG C.1.2): u32, u16, u16, u16, u8[6].
struct uuid {
    le_u32 data1;  // @0
    le_u16 data2;  // @4
    le_u16 data3;  // @6
    le_u16 data4;  // @8
    u8 data5[6];   // @10
};
static_assert(sizeof(uuid) == 16 && alignof(uuid) == 1);
static_assert(offsetof(uuid, data2) == 4 && offsetof(uuid, data3) == 6 && offsetof(uuid, data4) == 8);
static_assert(offsetof(uuid, data5) == 10);

// CUSTOM payload (SDG C.1.2): the UUID, then vendor data; element Size >= 24.
struct custom_element {
    uuid id;  // @0, vendor data follows @16
};
static_assert(sizeof(custom_element) == 16 && alignof(custom_element) == 1);

// TPM_EVENT_LOG_PTR payload (SDG C.4.1): element Size 16.
struct tpm_event_log_ptr {
    le_u64 event_log_phys_addr;  // @0, a TPM 1.2 "TXT Event Container", below 4 GiB
};
static_assert(sizeof(tpm_event_log_ptr) == 8 && alignof(tpm_event_log_ptr) == 1);

// HEAP_EVENT_LOG_DESCR (SDG G.2.1, txt.md §8.2), 24 bytes, one per hash algorithm in element 7.
struct heap_event_log_descr {
    le_u16 hash_alg_id;                     // @0  TPM_ALG_ID of the bank
    le_u16 reserved;                        // @2
    le_u64 physical_address;                // @4
    le_u32 allocated_event_container_size;  // @12 SINIT requires >= 4 KiB
    le_u32 first_record_offset;             // @16
    le_u32 next_record_offset;              // @20
};
static_assert(sizeof(heap_event_log_descr) == 24 && alignof(heap_event_log_descr) == 1);
static_assert(offsetof(heap_event_log_descr, reserved) == 2);
static_assert(offsetof(heap_event_log_descr, physical_address) == 4);
static_assert(offsetof(heap_event_log_descr, allocated_event_container_size) == 12);
static_assert(offsetof(heap_event_log_descr, first_record_offset) == 16);
static_assert(offsetof(heap_event_log_descr, next_record_offset) == 20);

// EVENT_LOG_POINTER2 payload (SDG C.4.2): Count then Count descriptors; Size 12 + 24 * Count.
struct event_log_pointer2 {
    le_u32 count;  // @0, followed by heap_event_log_descr[count] @4
};
static_assert(sizeof(event_log_pointer2) == 4 && alignof(event_log_pointer2) == 1);

// EVENT_LOG_POINTER2_1 payload (SDG C.4.3): element Size 28.
struct event_log_pointer2_1 {
    le_u64 physical_address;                // @0
    le_u32 allocated_event_container_size;  // @8
    le_u32 first_record_offset;             // @12
    le_u32 next_record_offset;              // @16
};
static_assert(sizeof(event_log_pointer2_1) == 20 && alignof(event_log_pointer2_1) == 1);
static_assert(offsetof(event_log_pointer2_1, allocated_event_container_size) == 8);
static_assert(offsetof(event_log_pointer2_1, first_record_offset) == 12);
static_assert(offsetof(event_log_pointer2_1, next_record_offset) == 16);

// TPR_REQ (tboot heap.h, 2026): tpr_cnt then tpr_cnt {base, size} ranges; Size 12 + 16 * tpr_cnt.
struct tpr_range {
    le_u64 base;  // @0
    le_u64 size;  // @8
};
static_assert(sizeof(tpr_range) == 16 && alignof(tpr_range) == 1 && offsetof(tpr_range, size) == 8);
struct tpr_req {
    le_u32 tpr_cnt;  // @0, followed by tpr_range[tpr_cnt] @4
};
static_assert(sizeof(tpr_req) == 4 && alignof(tpr_req) == 1);

}  // namespace wire

inline constexpr u32 element_header_size = sizeof(wire::element_header);                      // 8
inline constexpr u32 end_element_size = element_header_size;                                  // 8
inline constexpr u32 bios_spec_ver_element_size = element_header_size + sizeof(wire::bios_spec_ver);  // 14
inline constexpr u32 acm_element_min_size = element_header_size + sizeof(wire::acm_element);          // 12
inline constexpr u32 custom_element_min_size = element_header_size + sizeof(wire::custom_element);    // 24
inline constexpr u32 tpm_event_log_ptr_element_size = element_header_size + sizeof(wire::tpm_event_log_ptr);  // 16
inline constexpr u32 event_log_pointer2_min_size = element_header_size + sizeof(wire::event_log_pointer2);    // 12
inline constexpr u32 event_log_pointer2_1_element_size = element_header_size + sizeof(wire::event_log_pointer2_1);  // 28
inline constexpr u32 tpr_req_min_size = element_header_size + sizeof(wire::tpr_req);                  // 12
inline constexpr u32 acpi_header_size = 36;  // ACPI table header: signature, length, ... (ACPI 5.2.6)
inline constexpr u32 acpi_copy_min_size = element_header_size + acpi_header_size;  // 44
inline constexpr u32 heap_event_log_descr_size = sizeof(wire::heap_event_log_descr);  // 24
inline constexpr u32 min_event_container_size = 4096;  // SDG G.2.1: SINIT needs >= 4 KiB per log

// ---------------------------------------------------------------------------
// Small value types

constexpr error heap_error(errc code, u64 offset, u32 entry, const char* field, const char* rule,
                           const char* message, u64 value, u64 limit) {
    return error{code, static_cast<u32>(offset), entry, field, rule, message, value, limit};
}

// A byte view whose equality is its contents: lets native values that point into the heap keep
// `operator== = default`.
struct blob {
    byte_view bytes{};
    constexpr std::size_t size() const { return bytes.size(); }
    friend constexpr bool operator==(const blob& a, const blob& b) { return slrt::equal(a.bytes, b.bytes); }
};

struct uuid {
    u32 data1 = 0;
    u16 data2 = 0, data3 = 0, data4 = 0;
    u8 data5[6]{};
    friend constexpr bool operator==(const uuid&, const uuid&) = default;
};

constexpr uuid decode_uuid(byte_view b, std::size_t at) {
    uuid u;
    u.data1 = static_cast<u32>(load_le(b, at, 4));
    u.data2 = static_cast<u16>(load_le(b, at + 4, 2));
    u.data3 = static_cast<u16>(load_le(b, at + 6, 2));
    u.data4 = static_cast<u16>(load_le(b, at + 8, 2));
    for (std::size_t i = 0; i < 6; ++i) u.data5[i] = b[at + 10 + i];
    return u;
}

constexpr void encode_uuid(mutable_byte_view b, std::size_t at, const uuid& u) {
    store_le(b, at, 4, u.data1);
    store_le(b, at + 4, 2, u.data2);
    store_le(b, at + 6, 2, u.data3);
    store_le(b, at + 8, 2, u.data4);
    for (std::size_t i = 0; i < 6; ++i) b[at + 10 + i] = u.data5[i];
}

// ---------------------------------------------------------------------------
// One element as the walk yields it. `offset` is where its header sits, counted like the
// element_list's base_offset (within the heap table, the table's 8-byte size field included).

struct element {
    u32 type = 0;
    u32 size = 0;
    u32 offset = 0;
    u32 index = 0;
    byte_view data{};  // the Size - 8 payload bytes

    constexpr bool known() const { return is_known_element(type); }
    constexpr const char* name() const { return element_name(type); }
};

// ---------------------------------------------------------------------------
// The walk. Rules TXT-X1..TXT-X5 (framing, SDG C.1; tboot verify_ext_data_elts).

// What a complete walk found.
struct element_walk {
    u32 used = 0;     // bytes through END
    u32 count = 0;    // elements before END
    u32 unknown = 0;  // of which of a type this library does not know
    friend constexpr bool operator==(const element_walk&, const element_walk&) = default;
};

class element_list {
public:
    constexpr element_list() = default;
    // `bytes` starts at the first element and runs to the end of the space the list may use;
    // `base_offset` is the offset of bytes[0] in the enclosing table (for error offsets).
    constexpr explicit element_list(byte_view bytes, u32 base_offset = 0)
        : bytes_(bytes.subview(0, 0xffffffffu)), base_(base_offset) {}

    class iterator {
    public:
        constexpr iterator() = default;
        constexpr const element& operator*() const { return current_; }
        constexpr const element* operator->() const { return &current_; }
        constexpr iterator& operator++() {
            advance(pos_ + current_.size, current_.index + 1);
            return *this;
        }
        friend constexpr bool operator==(const iterator& a, const iterator& b) {
            return a.done_ == b.done_ && (a.done_ || a.pos_ == b.pos_);
        }

    private:
        friend class element_list;
        constexpr void advance(u32 pos, u32 index) {
            error ignored{};
            done_ = !list_->read(pos, index, current_, ignored);
            pos_ = pos;
        }
        const element_list* list_ = nullptr;
        u32 pos_ = 0;
        bool done_ = true;
        element current_{};
    };

    // The range-for stops at END or at the first framing fault; take_error() tells which.
    constexpr iterator begin() const {
        iterator it;
        it.list_ = this;
        it.advance(0, 0);
        return it;
    }
    constexpr iterator end() const { return iterator{}; }

    // The whole walk: where END is, or the first framing fault (TXT-X1..X5). Walking does not
    // change the list, so this is the fault a range-for over the list stops at.
    constexpr result<element_walk> walk() const {
        element_walk w;
        element e{};
        error fault{};
        u32 pos = 0;
        while (read(pos, w.count, e, fault)) {
            ++w.count;
            if (!e.known()) ++w.unknown;
            pos += e.size;
        }
        if (fault.code != errc::ok) return fault;
        w.used = pos + end_element_size;
        return w;
    }
    constexpr status take_error() const {
        auto w = walk();
        if (!w) return w.err();
        return success;
    }

    constexpr byte_view bytes() const { return bytes_; }
    constexpr u32 base_offset() const { return base_; }
    constexpr bool empty() const { return bytes_.empty(); }

    // Equal when the bytes are equal (where the list sits does not matter).
    friend constexpr bool operator==(const element_list& a, const element_list& b) {
        return slrt::equal(a.bytes_, b.bytes_);
    }

private:
    // The element at `pos`: true with `out` filled, or false at END (fault.code ok) or at a
    // fault (fault filled). pos <= bytes_.size() always holds: every step is a checked Size.
    constexpr bool read(u32 pos, u32 index, element& out, error& fault) const {
        auto fail = [&](errc code, u32 field_off, const char* field, const char* rule, const char* message, u64 value,
                        u64 limit) {
            fault = heap_error(code, u64{base_} + pos + field_off, index, field, rule, message, value, limit);
            return false;
        };
        const std::size_t remaining = bytes_.size() - pos;
        if (remaining == 0)
            return fail(errc::missing_end, 0, "ext_data_element", "TXT-X1",
                        "the element list ends without an END element", 0, end_element_size);
        if (remaining < element_header_size)
            return fail(errc::entry_header_truncated, 0, "ext_data_element", "TXT-X2",
                        "fewer than 8 bytes left for an element header", remaining, element_header_size);
        const u32 type = static_cast<u32>(load_le(bytes_, pos, 4));
        const u32 size = static_cast<u32>(load_le(bytes_, pos + 4, 4));
        if (size < element_header_size)
            return fail(errc::entry_size_too_small, 4, "ext_data_element.size", "TXT-X3",
                        "an element Size must cover its 8-byte header", size, element_header_size);
        if (size > remaining)
            return fail(errc::entry_exceeds_table, 4, "ext_data_element.size", "TXT-X4",
                        "the element runs past the end of its table", size, remaining);
        if (type == static_cast<u32>(element_type::end)) {
            if (size != end_element_size)
                return fail(errc::entry_size_mismatch, 4, "ext_data_element.size", "TXT-X5",
                            "the END element has Size 8", size, end_element_size);
            return false;
        }
        out = element{type, size, base_ + pos, index, bytes_.subview(pos + element_header_size, size - element_header_size)};
        return true;
    }

    byte_view bytes_{};
    u32 base_ = 0;
};

// Walks a whole list (framing only). The list must end with END inside `bytes`.
constexpr result<element_walk> walk_elements(byte_view bytes, u32 base_offset = 0) {
    return element_list(bytes, base_offset).walk();
}

// ---------------------------------------------------------------------------
// Typed payloads. Each decode_<type> checks the element's type and its size for that type
// (TXT-X6..TXT-X16); values are checked by dlh/txt/heap_check.hpp.

struct bios_spec_ver {
    u16 major = 0, minor = 0, revision = 0;
    friend constexpr bool operator==(const bios_spec_ver&, const bios_spec_ver&) = default;
};

struct acm_list {
    u32 num_acms = 0;
    blob addrs{};  // num_acms little-endian u64 values
    constexpr u64 address(u32 i) const { return load_le(addrs.bytes, std::size_t{i} * 8, 8); }
    friend constexpr bool operator==(const acm_list&, const acm_list&) = default;
};

struct custom_element {
    uuid id{};
    blob data{};
    friend constexpr bool operator==(const custom_element&, const custom_element&) = default;
};

struct tpm_event_log_ptr {
    u64 event_log_phys_addr = 0;
    friend constexpr bool operator==(const tpm_event_log_ptr&, const tpm_event_log_ptr&) = default;
};

struct heap_event_log_descr {
    u16 hash_alg_id = 0;
    u16 reserved = 0;
    u64 physical_address = 0;
    u32 allocated_event_container_size = 0;
    u32 first_record_offset = 0;
    u32 next_record_offset = 0;
    friend constexpr bool operator==(const heap_event_log_descr&, const heap_event_log_descr&) = default;
};

constexpr heap_event_log_descr decode_heap_event_log_descr(byte_view b, std::size_t at) {
    heap_event_log_descr d;
    d.hash_alg_id = static_cast<u16>(load_le(b, at + offsetof(wire::heap_event_log_descr, hash_alg_id), 2));
    d.reserved = static_cast<u16>(load_le(b, at + offsetof(wire::heap_event_log_descr, reserved), 2));
    d.physical_address = load_le(b, at + offsetof(wire::heap_event_log_descr, physical_address), 8);
    d.allocated_event_container_size =
        static_cast<u32>(load_le(b, at + offsetof(wire::heap_event_log_descr, allocated_event_container_size), 4));
    d.first_record_offset = static_cast<u32>(load_le(b, at + offsetof(wire::heap_event_log_descr, first_record_offset), 4));
    d.next_record_offset = static_cast<u32>(load_le(b, at + offsetof(wire::heap_event_log_descr, next_record_offset), 4));
    return d;
}

constexpr void encode_heap_event_log_descr(mutable_byte_view b, std::size_t at, const heap_event_log_descr& d) {
    store_le(b, at + offsetof(wire::heap_event_log_descr, hash_alg_id), 2, d.hash_alg_id);
    store_le(b, at + offsetof(wire::heap_event_log_descr, reserved), 2, d.reserved);
    store_le(b, at + offsetof(wire::heap_event_log_descr, physical_address), 8, d.physical_address);
    store_le(b, at + offsetof(wire::heap_event_log_descr, allocated_event_container_size), 4,
             d.allocated_event_container_size);
    store_le(b, at + offsetof(wire::heap_event_log_descr, first_record_offset), 4, d.first_record_offset);
    store_le(b, at + offsetof(wire::heap_event_log_descr, next_record_offset), 4, d.next_record_offset);
}

struct event_log_pointer2 {
    u32 count = 0;
    blob descriptors{};  // count * 24 bytes
    constexpr heap_event_log_descr descriptor(u32 i) const {
        return decode_heap_event_log_descr(descriptors.bytes, std::size_t{i} * heap_event_log_descr_size);
    }
    friend constexpr bool operator==(const event_log_pointer2&, const event_log_pointer2&) = default;
};

struct event_log_pointer2_1 {
    u64 physical_address = 0;
    u32 allocated_event_container_size = 0;
    u32 first_record_offset = 0;
    u32 next_record_offset = 0;
    friend constexpr bool operator==(const event_log_pointer2_1&, const event_log_pointer2_1&) = default;
};

struct tpr_req {
    u32 tpr_cnt = 0;
    blob ranges{};  // tpr_cnt * 16 bytes
    constexpr range at(u32 i) const {
        return range{load_le(ranges.bytes, std::size_t{i} * 16, 8), load_le(ranges.bytes, std::size_t{i} * 16 + 8, 8)};
    }
    friend constexpr bool operator==(const tpr_req&, const tpr_req&) = default;
};

// MADT or MCFG copy (SDG C.5): an ACPI table, header first.
struct acpi_table_copy {
    blob table{};
    constexpr u32 signature() const { return static_cast<u32>(load_le(table.bytes, 0, 4)); }
    constexpr u32 length() const { return static_cast<u32>(load_le(table.bytes, 4, 4)); }
    friend constexpr bool operator==(const acpi_table_copy&, const acpi_table_copy&) = default;
};

// ACPI signatures as little-endian u32 ("APIC", "MCFG", "DMAR").
inline constexpr u32 acpi_signature_madt = 0x43495041;
inline constexpr u32 acpi_signature_mcfg = 0x4746434d;
inline constexpr u32 acpi_signature_dmar = 0x52414d44;

namespace detail {

constexpr error wrong_type(const element& e, u32 expected) {
    return heap_error(errc::bad_argument, e.offset, e.index, "ext_data_element.type", "TXT-X0",
                      "the element is not of the type being decoded", e.type, expected);
}
constexpr error size_error(const element& e, errc code, const char* rule, const char* message, u64 limit) {
    return heap_error(code, u64{e.offset} + 4, e.index, "ext_data_element.size", rule, message, e.size, limit);
}

}  // namespace detail

constexpr result<bios_spec_ver> decode_bios_spec_ver(const element& e) {
    if (e.type != static_cast<u32>(element_type::bios_spec_ver)) return detail::wrong_type(e, 1);
    if (e.size != bios_spec_ver_element_size)
        return detail::size_error(e, errc::entry_size_mismatch, "TXT-X6", "BIOS_SPEC_VER has Size 14",
                                  bios_spec_ver_element_size);
    return bios_spec_ver{static_cast<u16>(load_le(e.data, 0, 2)), static_cast<u16>(load_le(e.data, 2, 2)),
                         static_cast<u16>(load_le(e.data, 4, 2))};
}

constexpr result<acm_list> decode_acm(const element& e) {
    if (e.type != static_cast<u32>(element_type::acm)) return detail::wrong_type(e, 2);
    if (e.size < acm_element_min_size)
        return detail::size_error(e, errc::entry_size_too_small, "TXT-X7", "ACM needs 12 bytes for NumAcms",
                                  acm_element_min_size);
    const u32 n = static_cast<u32>(load_le(e.data, 0, 4));
    const u64 expected = u64{acm_element_min_size} + u64{n} * 8;
    if (e.size != expected)
        return detail::size_error(e, errc::count_mismatch, "TXT-X8", "ACM Size must be 12 + 8 * NumAcms", expected);
    return acm_list{n, blob{e.data.subview(4, std::size_t{n} * 8)}};
}

constexpr result<custom_element> decode_custom(const element& e) {
    if (e.type != static_cast<u32>(element_type::custom)) return detail::wrong_type(e, 4);
    if (e.size < custom_element_min_size)
        return detail::size_error(e, errc::entry_size_too_small, "TXT-X9", "CUSTOM needs 24 bytes for its UUID",
                                  custom_element_min_size);
    return custom_element{decode_uuid(e.data, 0), blob{e.data.subview(16)}};
}

constexpr result<blob> decode_stm(const element& e) {
    if (e.type != static_cast<u32>(element_type::stm)) return detail::wrong_type(e, 3);
    return blob{e.data};
}

constexpr result<tpm_event_log_ptr> decode_tpm_event_log_ptr(const element& e) {
    if (e.type != static_cast<u32>(element_type::tpm_event_log_ptr)) return detail::wrong_type(e, 5);
    if (e.size != tpm_event_log_ptr_element_size)
        return detail::size_error(e, errc::entry_size_mismatch, "TXT-X10", "TPM_EVENT_LOG_PTR has Size 16",
                                  tpm_event_log_ptr_element_size);
    return tpm_event_log_ptr{load_le(e.data, 0, 8)};
}

constexpr result<event_log_pointer2> decode_event_log_pointer2(const element& e) {
    if (e.type != static_cast<u32>(element_type::event_log_pointer2)) return detail::wrong_type(e, 7);
    if (e.size < event_log_pointer2_min_size)
        return detail::size_error(e, errc::entry_size_too_small, "TXT-X11",
                                  "EVENT_LOG_POINTER2 needs 12 bytes for Count", event_log_pointer2_min_size);
    const u32 n = static_cast<u32>(load_le(e.data, 0, 4));
    const u64 expected = u64{event_log_pointer2_min_size} + u64{n} * heap_event_log_descr_size;
    if (e.size != expected)
        return detail::size_error(e, errc::count_mismatch, "TXT-X12",
                                  "EVENT_LOG_POINTER2 Size must be 12 + 24 * Count", expected);
    return event_log_pointer2{n, blob{e.data.subview(4, std::size_t{n} * heap_event_log_descr_size)}};
}

constexpr result<event_log_pointer2_1> decode_event_log_pointer2_1(const element& e) {
    if (e.type != static_cast<u32>(element_type::event_log_pointer2_1)) return detail::wrong_type(e, 8);
    if (e.size != event_log_pointer2_1_element_size)
        return detail::size_error(e, errc::entry_size_mismatch, "TXT-X13", "EVENT_LOG_POINTER2_1 has Size 28",
                                  event_log_pointer2_1_element_size);
    return event_log_pointer2_1{load_le(e.data, 0, 8), static_cast<u32>(load_le(e.data, 8, 4)),
                                static_cast<u32>(load_le(e.data, 12, 4)), static_cast<u32>(load_le(e.data, 16, 4))};
}

constexpr result<tpr_req> decode_tpr_req(const element& e) {
    if (e.type != static_cast<u32>(element_type::tpr_req)) return detail::wrong_type(e, 13);
    if (e.size < tpr_req_min_size)
        return detail::size_error(e, errc::entry_size_too_small, "TXT-X14", "TPR_REQ needs 12 bytes for tpr_cnt",
                                  tpr_req_min_size);
    const u32 n = static_cast<u32>(load_le(e.data, 0, 4));
    const u64 expected = u64{tpr_req_min_size} + u64{n} * 16;
    if (e.size != expected)
        return detail::size_error(e, errc::count_mismatch, "TXT-X15", "TPR_REQ Size must be 12 + 16 * tpr_cnt",
                                  expected);
    return tpr_req{n, blob{e.data.subview(4, std::size_t{n} * 16)}};
}

// MADT (type 6) or MCFG (type 9).
constexpr result<acpi_table_copy> decode_acpi_copy(const element& e) {
    if (e.type != static_cast<u32>(element_type::madt) && e.type != static_cast<u32>(element_type::mcfg))
        return detail::wrong_type(e, 6);
    if (e.size < acpi_copy_min_size)
        return detail::size_error(e, errc::entry_size_too_small, "TXT-X16",
                                  "a MADT or MCFG copy needs the 36-byte ACPI header", acpi_copy_min_size);
    return acpi_table_copy{blob{e.data}};
}

// Checks the size rule of a known type (TXT-X6..TXT-X16); unknown types and END pass.
constexpr status check_element_size(const element& e) {
    switch (e.type) {
        case 1: if (auto r = decode_bios_spec_ver(e); !r) return r.err(); break;
        case 2: if (auto r = decode_acm(e); !r) return r.err(); break;
        case 4: if (auto r = decode_custom(e); !r) return r.err(); break;
        case 5: if (auto r = decode_tpm_event_log_ptr(e); !r) return r.err(); break;
        case 6:
        case 9: if (auto r = decode_acpi_copy(e); !r) return r.err(); break;
        case 7: if (auto r = decode_event_log_pointer2(e); !r) return r.err(); break;
        case 8: if (auto r = decode_event_log_pointer2_1(e); !r) return r.err(); break;
        case 13: if (auto r = decode_tpr_req(e); !r) return r.err(); break;
        default: break;
    }
    return success;
}

// ---------------------------------------------------------------------------
// Building a list into a caller buffer (rules TXT-X40, TXT-X41). After init() and after every
// successful add, the buffer holds a complete list ending with END; size() counts through END.
// A failed call leaves the buffer unchanged.

class element_writer {
public:
    constexpr explicit element_writer(mutable_byte_view out) : out_(out) {}

    // Writes the END element at the start of the buffer.
    constexpr status init() {
        if (out_.size() < end_element_size)
            return heap_error(errc::buffer_too_small, 0, no_entry, "ext_data_elements", "TXT-X40",
                              "no room for the END element", out_.size(), end_element_size);
        write_end(0);
        size_ = end_element_size;
        count_ = 0;
        return success;
    }

    constexpr u32 size() const { return size_; }
    constexpr u32 count() const { return count_; }
    constexpr byte_view bytes() const { return byte_view(out_.data(), size_); }
    constexpr element_list list(u32 base_offset = 0) const { return element_list(bytes(), base_offset); }

    constexpr status add_bios_spec_ver(const bios_spec_ver& v) {
        u8 p[6]{};
        store_le(mutable_byte_view(p), 0, 2, v.major);
        store_le(mutable_byte_view(p), 2, 2, v.minor);
        store_le(mutable_byte_view(p), 4, 2, v.revision);
        return add_raw(static_cast<u32>(element_type::bios_spec_ver), byte_view(p));
    }

    constexpr status add_acm(const u64* addrs, u32 n) {
        const u64 payload = 4 + u64{n} * 8;
        if (status s = reserve(payload); !s) return s;
        const u32 at = begin_element(static_cast<u32>(element_type::acm), payload);
        store_le(out_, at, 4, n);
        for (u32 i = 0; i < n; ++i) store_le(out_, at + 4 + std::size_t{i} * 8, 8, addrs[i]);
        return finish_element(payload);
    }

    constexpr status add_stm(byte_view data) { return add_raw(static_cast<u32>(element_type::stm), data); }

    constexpr status add_custom(const uuid& id, byte_view data) {
        const u64 payload = 16 + u64{data.size()};
        if (status s = reserve(payload); !s) return s;
        const u32 at = begin_element(static_cast<u32>(element_type::custom), payload);
        encode_uuid(out_, at, id);
        copy(out_, at + 16, data);
        return finish_element(payload);
    }

    constexpr status add_tpm_event_log_ptr(const tpm_event_log_ptr& p) {
        u8 b[8]{};
        store_le(mutable_byte_view(b), 0, 8, p.event_log_phys_addr);
        return add_raw(static_cast<u32>(element_type::tpm_event_log_ptr), byte_view(b));
    }

    constexpr status add_event_log_pointer2(const heap_event_log_descr* d, u32 n) {
        const u64 payload = 4 + u64{n} * heap_event_log_descr_size;
        if (status s = reserve(payload); !s) return s;
        const u32 at = begin_element(static_cast<u32>(element_type::event_log_pointer2), payload);
        store_le(out_, at, 4, n);
        for (u32 i = 0; i < n; ++i) encode_heap_event_log_descr(out_, at + 4 + std::size_t{i} * heap_event_log_descr_size, d[i]);
        return finish_element(payload);
    }

    constexpr status add_event_log_pointer2_1(const event_log_pointer2_1& p) {
        u8 b[20]{};
        store_le(mutable_byte_view(b), 0, 8, p.physical_address);
        store_le(mutable_byte_view(b), 8, 4, p.allocated_event_container_size);
        store_le(mutable_byte_view(b), 12, 4, p.first_record_offset);
        store_le(mutable_byte_view(b), 16, 4, p.next_record_offset);
        return add_raw(static_cast<u32>(element_type::event_log_pointer2_1), byte_view(b));
    }

    constexpr status add_tpr_req(const range* ranges, u32 n) {
        const u64 payload = 4 + u64{n} * 16;
        if (status s = reserve(payload); !s) return s;
        const u32 at = begin_element(static_cast<u32>(element_type::tpr_req), payload);
        store_le(out_, at, 4, n);
        for (u32 i = 0; i < n; ++i) {
            store_le(out_, at + 4 + std::size_t{i} * 16, 8, ranges[i].base);
            store_le(out_, at + 12 + std::size_t{i} * 16, 8, ranges[i].size);
        }
        return finish_element(payload);
    }

    constexpr status add_madt(byte_view table) { return add_raw(static_cast<u32>(element_type::madt), table); }
    constexpr status add_mcfg(byte_view table) { return add_raw(static_cast<u32>(element_type::mcfg), table); }

    // Any type but END, with the payload as given (for CUSTOM-like vendor data and unknown types).
    constexpr status add_raw(u32 type, byte_view payload) {
        if (type == static_cast<u32>(element_type::end))
            return heap_error(errc::bad_argument, size_ >= end_element_size ? size_ - end_element_size : 0, count_,
                              "ext_data_element.type", "TXT-X41",
                              "END is written by the writer itself", type, 0);
        if (status s = reserve(payload.size()); !s) return s;
        const u32 at = begin_element(type, payload.size());
        copy(out_, at, payload);
        return finish_element(payload.size());
    }

private:
    // Checks that an element with `payload` bytes plus a new END fit (TXT-X40, TXT-X41).
    constexpr status reserve(u64 payload) const {
        if (size_ < end_element_size)
            return heap_error(errc::bad_argument, 0, no_entry, "ext_data_elements", "TXT-X41",
                              "init() must run before elements are added", size_, end_element_size);
        const u64 element_size = u64{element_header_size} + payload;
        if (element_size > 0xffffffffu)
            return heap_error(errc::value_out_of_range, size_ - end_element_size, count_, "ext_data_element.size",
                              "TXT-X41", "an element larger than 4 GiB cannot be described", element_size,
                              0xffffffffu);
        const u64 needed = u64{size_} + element_size;
        if (needed > out_.size() || needed > 0xffffffffu)
            return heap_error(errc::buffer_too_small, size_ - end_element_size, count_, "ext_data_elements",
                              "TXT-X40", "no room for the element and a new END", needed, out_.size());
        return success;
    }
    // Writes the header over the current END; returns the payload offset.
    constexpr u32 begin_element(u32 type, u64 payload) {
        const u32 at = size_ - end_element_size;
        store_le(out_, at, 4, type);
        store_le(out_, at + 4, 4, element_header_size + payload);
        return at + element_header_size;
    }
    constexpr status finish_element(u64 payload) {
        size_ = static_cast<u32>(size_ + element_header_size + payload);
        write_end(size_ - end_element_size);
        ++count_;
        return success;
    }
    constexpr void write_end(u32 at) {
        store_le(out_, at, 4, 0);
        store_le(out_, at + 4, 4, end_element_size);
    }

    mutable_byte_view out_;
    u32 size_ = 0;
    u32 count_ = 0;
};

}  // namespace dlh::txt
