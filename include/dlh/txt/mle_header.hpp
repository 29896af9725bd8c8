// SPDX-License-Identifier: MIT
// The MLE header: how a Measured Launch Environment tells the launcher and the SINIT ACM where
// it starts, where it ends and what it supports (Intel TXT Software Development Guide 315168-013
// 2.1, Table 2-1), in every version: 1.0, 1.1, 2.0 and 2.1/2.2/2.3. Also the launcher <-> SINIT
// compatibility check (SDG 2.2.3, listing 4), the choice of OsSinitData.Capabilities (SDG
// 2.2.5.2), and finding the header in a kernel image: a Linux bzImage through its boot-protocol
// setup header and kernel_info, or any other MLE by scanning for the header UUID.
// spec/txt/mle.md describes the layouts and the rules (TXT-M<n>).
//
// The v2.1+ layout is byte for byte slrt::wire::dlme_header (slrt/dlme.hpp, the "standard DLME
// header" of the Secure Launch v16 interface). That codec only checks the UUID and header_len;
// this one knows every version, validates the values and converts to and from it.
#pragma once

#include <cstddef>

#include "dlh/base.hpp"
#include "dlh/bits.hpp"
#include "dlh/txt/capabilities.hpp"
#include "slrt/bytes.hpp"
#include "slrt/dlme.hpp"
#include "slrt/error.hpp"

namespace dlh::txt {

// ---------------------------------------------------------------------------
// Constants

// The MLE header UUID {9082AC5A-74A7476F-A2555C0F-42B651CB}, stored as four little-endian u32
// words (SDG Table 2-1). The same value is slrt::dlme_header_uuid.
inline constexpr u8 mle_header_uuid[16] = {0x5a, 0xac, 0x82, 0x90, 0x6f, 0x47, 0xa7, 0x74,
                                           0x0f, 0x5c, 0x55, 0xa2, 0xcb, 0x51, 0xb6, 0x42};

// Versions (major << 16 | minor). The fields each one defines (SDG Table 2-1; the per-field
// version gating follows Intel's EDK2 Smx.h; 2.2 and 2.3 keep the 2.1 layout).
inline constexpr u32 mle_header_v1_0 = 0x00010000;  // UUID .. EntryPoint
inline constexpr u32 mle_header_v1_1 = 0x00010001;  // + FirstValidPage, MleStart, MleEnd
inline constexpr u32 mle_header_v2_0 = 0x00020000;  // + Capabilities
inline constexpr u32 mle_header_v2_1 = 0x00020001;  // + CmdlineStart, CmdlineEnd (SDG-013 "current")
inline constexpr u32 mle_header_v2_2 = 0x00020002;  // Linux Secure Launch
inline constexpr u32 mle_header_v2_3 = 0x00020003;  // tboot 2026: TPR support (SINIT with MinMleHeaderVer 2.3 is TPR-only)

inline constexpr u32 mle_header_v1_0_size = 28;
inline constexpr u32 mle_header_v1_1_size = 40;
inline constexpr u32 mle_header_v2_0_size = 44;
inline constexpr u32 mle_header_v2_1_size = 52;
inline constexpr u32 mle_header_max_size = mle_header_v2_1_size;

// Bytes of the fields `version` defines; 0 for a version this library does not know.
constexpr u32 mle_header_defined_size(u32 version) {
    switch (version) {
        case mle_header_v1_0: return mle_header_v1_0_size;
        case mle_header_v1_1: return mle_header_v1_1_size;
        case mle_header_v2_0: return mle_header_v2_0_size;
        case mle_header_v2_1:
        case mle_header_v2_2:
        case mle_header_v2_3: return mle_header_v2_1_size;
        default: return 0;
    }
}
constexpr bool known_mle_header_version(u32 version) { return mle_header_defined_size(version) != 0; }

// Offsets of the fields (SDG Table 2-1).
namespace mle_header_offset {
inline constexpr u32 uuid = 0;
inline constexpr u32 header_len = 16;
inline constexpr u32 version = 20;
inline constexpr u32 entry_point = 24;
inline constexpr u32 first_valid_page = 28;  // 1.1
inline constexpr u32 mle_start = 32;         // 1.1
inline constexpr u32 mle_end = 36;           // 1.1
inline constexpr u32 caps = 40;              // 2.0: Capabilities
inline constexpr u32 cmdline_start = 44;     // 2.1
inline constexpr u32 cmdline_end = 48;       // 2.1
}  // namespace mle_header_offset

namespace wire {

// Version 1.0, 28 bytes (SDG Table 2-1).
struct mle_header_v1_0 {
    le_u32 uuid[4];     // @0  mle_header_uuid
    le_u32 header_len;  // @16 bytes of the header
    le_u32 version;     // @20 0x00010000
    le_u32 entry_point; // @24 linear address where the ILP starts after SENTER
};
static_assert(sizeof(mle_header_v1_0) == 28 && alignof(mle_header_v1_0) == 1);
static_assert(offsetof(mle_header_v1_0, header_len) == 16 && offsetof(mle_header_v1_0, version) == 20);
static_assert(offsetof(mle_header_v1_0, entry_point) == 24);

// Version 1.1, 40 bytes: the MLE's extent.
struct mle_header_v1_1 {
    le_u32 uuid[4];           // @0
    le_u32 header_len;        // @16
    le_u32 version;           // @20 0x00010001
    le_u32 entry_point;       // @24
    le_u32 first_valid_page;  // @28 1.1: linear address of the first MLE page
    le_u32 mle_start;         // @32 1.1: offset in the MLE binary of the first MLE byte
    le_u32 mle_end;           // @36 1.1: offset of the last MLE byte + 1
};
static_assert(sizeof(mle_header_v1_1) == 40 && alignof(mle_header_v1_1) == 1);
static_assert(offsetof(mle_header_v1_1, entry_point) == 24 && offsetof(mle_header_v1_1, first_valid_page) == 28);
static_assert(offsetof(mle_header_v1_1, mle_start) == 32 && offsetof(mle_header_v1_1, mle_end) == 36);

// Version 2.0, 44 bytes: the capabilities word (SDG Table 2-2, dlh/txt/capabilities.hpp).
struct mle_header_v2_0 {
    le_u32 uuid[4];           // @0
    le_u32 header_len;        // @16
    le_u32 version;           // @20 0x00020000
    le_u32 entry_point;       // @24
    le_u32 first_valid_page;  // @28
    le_u32 mle_start;         // @32
    le_u32 mle_end;           // @36
    le_u32 capabilities;      // @40 2.0
};
static_assert(sizeof(mle_header_v2_0) == 44 && alignof(mle_header_v2_0) == 1);
static_assert(offsetof(mle_header_v2_0, first_valid_page) == 28 && offsetof(mle_header_v2_0, mle_end) == 36);
static_assert(offsetof(mle_header_v2_0, capabilities) == 40);

// Version 2.1 (also 2.2 and 2.3), 52 bytes: the command line that is part of the MLE identity.
// Same bytes as slrt::wire::dlme_header.
struct mle_header_v2_1 {
    le_u32 uuid[4];           // @0
    le_u32 header_len;        // @16 0x34
    le_u32 version;           // @20 0x00020001 / 0x00020002 / 0x00020003
    le_u32 entry_point;       // @24
    le_u32 first_valid_page;  // @28
    le_u32 mle_start;         // @32
    le_u32 mle_end;           // @36
    le_u32 capabilities;      // @40
    le_u32 cmdline_start;     // @44 2.1: linear address of the command line (0: not measured)
    le_u32 cmdline_end;       // @48 2.1
};
static_assert(sizeof(mle_header_v2_1) == 52 && alignof(mle_header_v2_1) == 1);
static_assert(offsetof(mle_header_v2_1, uuid) == 0 && offsetof(mle_header_v2_1, header_len) == 16);
static_assert(offsetof(mle_header_v2_1, version) == 20 && offsetof(mle_header_v2_1, entry_point) == 24);
static_assert(offsetof(mle_header_v2_1, first_valid_page) == 28 && offsetof(mle_header_v2_1, mle_start) == 32);
static_assert(offsetof(mle_header_v2_1, mle_end) == 36 && offsetof(mle_header_v2_1, capabilities) == 40);
static_assert(offsetof(mle_header_v2_1, cmdline_start) == 44 && offsetof(mle_header_v2_1, cmdline_end) == 48);
static_assert(sizeof(mle_header_v2_1) == sizeof(slrt::wire::dlme_header));

// Linux kernel_info (Documentation/arch/x86/boot.rst "The kernel_info"; protocol 2.15+), with
// the Secure Launch field at 0x10 (TrenchBoot/Linux arch/x86/boot/compressed/kernel_info.S).
struct linux_kernel_info {
    le_u32 header;             // @0x00 "LToP" (0x506f544c)
    le_u32 size;               // @0x04 bytes of the fixed part, header included
    le_u32 size_total;         // @0x08 bytes including the variable-length data
    le_u32 setup_type_max;     // @0x0c highest setup_data type the kernel accepts
    le_u32 mle_header_offset;  // @0x10 Secure Launch: MLE header offset from startup_32; 0 = not capable
};
static_assert(sizeof(linux_kernel_info) == 20 && alignof(linux_kernel_info) == 1);
static_assert(offsetof(linux_kernel_info, size) == 4 && offsetof(linux_kernel_info, size_total) == 8);
static_assert(offsetof(linux_kernel_info, setup_type_max) == 12);
static_assert(offsetof(linux_kernel_info, mle_header_offset) == 16);

}  // namespace wire

namespace mle_detail {
constexpr bool uuid_matches_words() {
    for (u32 i = 0; i < 4; ++i) {
        u32 w = 0;
        for (u32 b = 4; b-- > 0;) w = (w << 8) | mle_header_uuid[4 * i + b];
        if (w != slrt::dlme_header_uuid[i]) return false;
    }
    return true;
}
static_assert(uuid_matches_words(), "the MLE header UUID is the DLME header UUID");
}  // namespace mle_detail

// ---------------------------------------------------------------------------
// The native value

// One MLE header. Fields a version does not define are 0 (decode) and must stay 0 (build).
struct mle_header {
    u32 header_len = 0;        // @16
    u32 version = 0;           // @20
    u32 entry_point = 0;       // @24 linear (in the MLE page tables)
    u32 first_valid_page = 0;  // @28 1.1+: linear address of the first MLE page
    u32 mle_start = 0;         // @32 1.1+: offset in the MLE binary
    u32 mle_end = 0;           // @36 1.1+: offset in the MLE binary, exclusive
    capabilities caps{};       // @40 2.0+
    u32 cmdline_start = 0;     // @44 2.1+
    u32 cmdline_end = 0;       // @48 2.1+

    constexpr u32 major() const { return version >> 16; }
    constexpr u32 minor() const { return version & 0xffffu; }
    constexpr u32 defined_size() const { return mle_header_defined_size(version); }
    constexpr bool has_extent() const { return known_mle_header_version(version) && version >= mle_header_v1_1; }
    constexpr bool has_capabilities() const { return known_mle_header_version(version) && version >= mle_header_v2_0; }
    constexpr bool has_cmdline() const { return known_mle_header_version(version) && version >= mle_header_v2_1; }
    // MleEnd - MleStart (0 when the extent is missing or inverted).
    constexpr u32 mle_size() const { return has_extent() && mle_end >= mle_start ? mle_end - mle_start : 0; }

    friend constexpr bool operator==(const mle_header&, const mle_header&) = default;
};

namespace mle_detail {
constexpr error make(errc code, u32 offset, const char* field, const char* rule, const char* message, u64 value,
                     u64 limit) {
    return error{code, offset, no_entry, field, rule, message, value, limit};
}
// The error moved by `base` bytes (an error inside a header found at `base` in a file).
constexpr error shifted(error e, u64 base) {
    const u64 at = u64{e.offset} + base;
    e.offset = at > 0xffffffffu ? 0xffffffffu : static_cast<u32>(at);
    return e;
}
constexpr u32 u32_at(byte_view b, std::size_t at) { return static_cast<u32>(load_le(b, at, 4)); }
}  // namespace mle_detail

// ---------------------------------------------------------------------------
// Decode, validate, parse, build

// Framing and decoding only (TXT-M1..M5): enough bytes, the UUID, a known version, a HeaderLen
// that covers the version's fields and lies inside `bytes`. Bytes past the version's fields
// (up to HeaderLen) are not read. The values are not judged: see validate_mle_header().
constexpr result<mle_header> decode_mle_header(byte_view bytes) {
    using namespace mle_header_offset;
    using mle_detail::make;
    using mle_detail::u32_at;
    if (bytes.size() < 24)
        return make(errc::truncated_header, 0, "mle_header", "TXT-M1",
                    "an MLE header needs at least its UUID, HeaderLen and Version (24 bytes)", bytes.size(), 24);
    for (u32 i = 0; i < 16; ++i)
        if (bytes[i] != mle_header_uuid[i])
            return make(errc::bad_uuid, i & ~3u, "mle_header.uuid", "TXT-M2",
                        "the MLE header UUID is not 9082AC5A-74A7476F-A2555C0F-42B651CB", u32_at(bytes, i & ~3u),
                        slrt::dlme_header_uuid[i >> 2]);
    mle_header h;
    h.header_len = u32_at(bytes, header_len);
    h.version = u32_at(bytes, mle_header_offset::version);
    const u32 size = mle_header_defined_size(h.version);
    if (size == 0)
        return make(errc::unsupported_version, mle_header_offset::version, "mle_header.version", "TXT-M3",
                    "unknown MLE header version (known: 1.0, 1.1, 2.0, 2.1, 2.2, 2.3)", h.version,
                    mle_header_v2_3);
    if (bytes.size() < size)
        return make(errc::truncated_header, 0, "mle_header", "TXT-M1",
                    "the bytes end before the fields this MLE header version defines", bytes.size(), size);
    if (h.header_len < size)
        return make(errc::entry_size_too_small, header_len, "mle_header.header_len", "TXT-M4",
                    "HeaderLen does not cover the fields this MLE header version defines", h.header_len, size);
    if (h.header_len > bytes.size())
        return make(errc::out_of_bounds, header_len, "mle_header.header_len", "TXT-M5",
                    "HeaderLen runs past the end of the image", h.header_len, bytes.size());
    h.entry_point = u32_at(bytes, entry_point);
    if (h.version >= mle_header_v1_1) {
        h.first_valid_page = u32_at(bytes, first_valid_page);
        h.mle_start = u32_at(bytes, mle_start);
        h.mle_end = u32_at(bytes, mle_end);
    }
    if (h.version >= mle_header_v2_0) h.caps = capabilities{u32_at(bytes, caps)};
    if (h.version >= mle_header_v2_1) {
        h.cmdline_start = u32_at(bytes, cmdline_start);
        h.cmdline_end = u32_at(bytes, cmdline_end);
    }
    return h;
}

// The values (TXT-M3, M4 again for native values, then M6..M12). Offsets are within the header.
//
// EntryPoint and FirstValidPage are linear addresses in the MLE page tables, where
// FirstValidPage maps the MLE byte at MleStart; MleStart/MleEnd are offsets in the MLE binary.
// So the MLE occupies the linear range [FirstValidPage, FirstValidPage + MleEnd - MleStart) and
// the entry point must lie inside it (tboot's header has MleStart = 0x4000 and an EntryPoint
// counted from the MLE's first page, so EntryPoint is not compared with [MleStart, MleEnd)).
constexpr status validate_mle_header(const mle_header& h) {
    using namespace mle_header_offset;
    using mle_detail::make;
    const u32 size = mle_header_defined_size(h.version);
    if (size == 0)
        return make(errc::unsupported_version, mle_header_offset::version, "mle_header.version", "TXT-M3",
                    "unknown MLE header version (known: 1.0, 1.1, 2.0, 2.1, 2.2, 2.3)", h.version,
                    mle_header_v2_3);
    if (h.header_len < size)
        return make(errc::entry_size_too_small, header_len, "mle_header.header_len", "TXT-M4",
                    "HeaderLen does not cover the fields this MLE header version defines", h.header_len, size);
    if (h.has_extent()) {
        if (h.mle_end < h.mle_start)
            return make(errc::value_out_of_range, mle_end, "mle_header.mle_end", "TXT-M6",
                        "MleEnd is below MleStart", h.mle_end, h.mle_start);
        if ((h.first_valid_page & 0xfffu) != 0)
            return make(errc::misaligned, first_valid_page, "mle_header.first_valid_page", "TXT-M7",
                        "FirstValidPage is the linear address of a 4 KiB page", h.first_valid_page, 0x1000);
        const u64 linear_end = u64{h.first_valid_page} + (h.mle_end - h.mle_start);
        if (linear_end > u64{1} << 32)
            return make(errc::address_wrap, first_valid_page, "mle_header.first_valid_page", "TXT-M8",
                        "FirstValidPage + (MleEnd - MleStart) passes the 4 GiB linear address space",
                        h.first_valid_page, (u64{1} << 32) - (h.mle_end - h.mle_start));
        if (h.entry_point < h.first_valid_page || u64{h.entry_point} >= linear_end)
            return make(errc::out_of_bounds, entry_point, "mle_header.entry_point", "TXT-M9",
                        "EntryPoint is outside the MLE's linear range [FirstValidPage, +MleEnd-MleStart) "
                        "(SINIT error class 0xF major 6)",
                        h.entry_point, linear_end);
    }
    if (h.has_capabilities()) {
        if (h.caps.reserved_bits_set() != 0)
            return make(errc::reserved_nonzero, caps, "mle_header.capabilities", "TXT-M10",
                        "reserved capability bits are set (bits 13:11, 31:15)", h.caps.raw,
                        h.caps.raw & ~h.caps.reserved_bits_set());
        if (!h.caps.rlp_wake_getsec() && !h.caps.rlp_wake_monitor())
            return make(errc::launch_requirement, caps, "mle_header.capabilities", "TXT-M11",
                        "the MLE supports no RLP wake-up method (bit 0 GETSEC or bit 1 MONITOR) "
                        "(SINIT error class 0xF major 7)",
                        h.caps.raw, 3);
    }
    if (h.has_cmdline() && h.cmdline_end < h.cmdline_start)
        return make(errc::value_out_of_range, cmdline_end, "mle_header.cmdline_end", "TXT-M12",
                    "CmdlineEnd is below CmdlineStart", h.cmdline_end, h.cmdline_start);
    return success;
}

// decode_mle_header() then validate_mle_header().
constexpr result<mle_header> parse_mle_header(byte_view bytes) {
    const auto h = decode_mle_header(bytes);
    if (!h) return h;
    const status v = validate_mle_header(*h);
    if (!v) return v.err();
    return h;
}

// Writes `h` (validated first; TXT-M3..M12, M13, M14): the UUID, the fields its version defines,
// and zeros up to HeaderLen. Returns the bytes written (HeaderLen). On failure `out` is unchanged.
constexpr result<u32> build_mle_header(const mle_header& h, mutable_byte_view out) {
    using namespace mle_header_offset;
    using mle_detail::make;
    const status v = validate_mle_header(h);
    if (!v) return v.err();
    if (!h.has_extent() && (h.first_valid_page | h.mle_start | h.mle_end) != 0)
        return make(errc::field_not_in_layout, h.first_valid_page ? first_valid_page : h.mle_start ? mle_start : mle_end,
                    "mle_header.first_valid_page", "TXT-M13",
                    "FirstValidPage, MleStart and MleEnd exist from version 1.1", h.version, mle_header_v1_1);
    if (!h.has_capabilities() && h.caps.raw != 0)
        return make(errc::field_not_in_layout, caps, "mle_header.capabilities", "TXT-M13",
                    "Capabilities exist from version 2.0", h.version, mle_header_v2_0);
    if (!h.has_cmdline() && (h.cmdline_start | h.cmdline_end) != 0)
        return make(errc::field_not_in_layout, h.cmdline_start ? cmdline_start : cmdline_end,
                    "mle_header.cmdline_start", "TXT-M13", "CmdlineStart and CmdlineEnd exist from version 2.1",
                    h.version, mle_header_v2_1);
    if (out.size() < h.header_len)
        return make(errc::buffer_too_small, 0, "mle_header", "TXT-M14", "the buffer is smaller than HeaderLen",
                    out.size(), h.header_len);
    slrt::fill(out, 0, h.header_len, 0);
    slrt::copy(out, 0, byte_view(mle_header_uuid));
    store_le(out, header_len, 4, h.header_len);
    store_le(out, mle_header_offset::version, 4, h.version);
    store_le(out, entry_point, 4, h.entry_point);
    if (h.has_extent()) {
        store_le(out, first_valid_page, 4, h.first_valid_page);
        store_le(out, mle_start, 4, h.mle_start);
        store_le(out, mle_end, 4, h.mle_end);
    }
    if (h.has_capabilities()) store_le(out, caps, 4, h.caps.raw);
    if (h.has_cmdline()) {
        store_le(out, cmdline_start, 4, h.cmdline_start);
        store_le(out, cmdline_end, 4, h.cmdline_end);
    }
    return h.header_len;
}

// The v16 "standard DLME header" (slrt/dlme.hpp) is the 2.1+ layout: a header of version 2.1 or
// later converts both ways without loss. Older versions have no such form.
constexpr result<slrt::dlme_header> to_dlme_header(const mle_header& h) {
    if (!h.has_cmdline())
        return mle_detail::make(errc::field_not_in_layout, mle_header_offset::version, "mle_header.version", "TXT-M13",
                                "only MLE headers of version 2.1 and later have the DLME header layout", h.version,
                                mle_header_v2_1);
    return slrt::dlme_header{h.header_len, h.version,  h.entry_point,   h.first_valid_page, h.mle_start,
                             h.mle_end,    h.caps.raw, h.cmdline_start, h.cmdline_end};
}
constexpr mle_header from_dlme_header(const slrt::dlme_header& d) {
    return mle_header{d.header_len, d.version, d.entry_point, d.first_valid_page, d.start,
                      d.end,        capabilities{d.capabilities}, d.cmdline_start, d.cmdline_end};
}

// ---------------------------------------------------------------------------
// Launcher <-> SINIT compatibility (SDG 2.2.3 listing 4; tboot acmod.c verify_acmod)

// What the SINIT's Chipset ACM Information Table says about MLEs (SDG Table A-3).
struct sinit_mle_support {
    u32 min_mle_header_version = 0;  // AcmInfoTable.MinMleHeaderVer
    capabilities caps{};             // AcmInfoTable.Capabilities
    friend constexpr bool operator==(const sinit_mle_support&, const sinit_mle_support&) = default;
};

// `linux_secure_launch`: the MLE's entry code finds its page tables through ECX, so the
// ECX_PGTBL capability (bit 2) is required of both the MLE header and the SINIT.
enum class mle_profile : u8 { generic = 0, linux_secure_launch = 1 };

constexpr const char* name(mle_profile p) { return p == mle_profile::linux_secure_launch ? "linux" : "generic"; }

// The capabilities SINIT takes the MLE to have. A header older than 2.0 has no capabilities
// word; it is taken to support GETSEC[WAKEUP] only (the wake-up method that predates the
// capabilities word; UNVERIFIED, see spec/txt/mle.md).
constexpr capabilities effective_mle_capabilities(const mle_header& h) {
    return h.has_capabilities() ? h.caps : capabilities{}.with(caps_field::rlp_wake_getsec, 1);
}

// TXT-M15..M18. Offsets are within the MLE header (20 Version, 40 Capabilities).
constexpr status check_mle_sinit_compatibility(const mle_header& h, const sinit_mle_support& sinit,
                                               mle_profile profile = mle_profile::generic) {
    using mle_detail::make;
    const capabilities mle = effective_mle_capabilities(h);
    if (h.version < sinit.min_mle_header_version)
        return make(errc::unsupported_version, mle_header_offset::version, "mle_header.version", "TXT-M15",
                    "the SINIT requires a newer MLE header (AcmInfoTable.MinMleHeaderVer)", h.version,
                    sinit.min_mle_header_version);
    if (sinit.min_mle_header_version >= mle_header_v2_3 && !mle.tpr())
        return make(errc::launch_requirement, mle_header_offset::caps, "mle_header.capabilities", "TXT-M18",
                    "a SINIT with MinMleHeaderVer 2.3 protects DMA only with TPRs: the MLE must set TPR (bit 14)",
                    mle.raw, sinit.min_mle_header_version);
    const u32 wake = 3u;
    if ((mle.raw & sinit.caps.raw & wake) == 0)
        return make(errc::launch_requirement, mle_header_offset::caps, "mle_header.capabilities", "TXT-M16",
                    "the MLE and the SINIT share no RLP wake-up method (GETSEC or MONITOR)", mle.raw,
                    sinit.caps.raw);
    if (profile == mle_profile::linux_secure_launch && (!mle.ecx_pgtbl() || !sinit.caps.ecx_pgtbl()))
        return make(errc::launch_requirement, mle_header_offset::caps, "mle_header.capabilities", "TXT-M17",
                    "Linux Secure Launch needs ECX to hold the MLE page-table base: both the MLE header and "
                    "the SINIT must have ECX_PGTBL (bit 2)",
                    mle.ecx_pgtbl() ? sinit.caps.raw : mle.raw, caps_field::ecx_pgtbl.mask());
    return success;
}

// ---------------------------------------------------------------------------
// OsSinitData.Capabilities (SDG 2.2.5.2 and Table C-4)

// Whose rules pick the bits:
//   sdg    exactly one wake-up method that the MLE and SINIT share (MONITOR first); ECX_PGTBL
//          when both support it; TPM 1.2: details/authorities PCR usage when the SINIT has it
//          (it wins over legacy, SDG Table 2-2), else legacy; TPM 2.0: bits 5:4 = 0 (SDG C-4);
//          TCG_EVENT_LOG when a TCG-format log is used; nothing else.
//   tboot  the MLE header's own bits without wake/DA/TCG, then MONITOR else GETSEC (by the
//          SINIT's word), ECX_PGTBL always 0, TPM 1.2: DA only when `prefer_da` (tboot's
//          pcr_map=da) or when the SINIT lacks legacy usage, TPM 2.0: bits 5:4 = 0, TCG_EVENT_LOG
//          when a TCG log is used (tboot heap.c init_os_sinit_data).
//   grub   TrenchBoot GRUB 2.12: bits 5:4 = 11b (CONFLICT with SDG C-4, see spec), MONITOR else
//          GETSEC, ECX_PGTBL when the SINIT has it, TCG_EVENT_LOG required, TPM 2.0 only
//          (GRUB txt.c init_txt_heap).
enum class os_sinit_caps_policy : u8 { sdg = 0, tboot = 1, grub = 2 };

constexpr const char* name(os_sinit_caps_policy p) {
    return p == os_sinit_caps_policy::tboot ? "tboot" : p == os_sinit_caps_policy::grub ? "grub" : "sdg";
}

struct os_sinit_caps_request {
    capabilities mle{};    // effective_mle_capabilities(header)
    capabilities sinit{};  // AcmInfoTable.Capabilities
    bool tpm2 = true;      // TPM 2.0 (false: TPM 1.2)
    bool tcg_event_log = true;  // TPM 2.0: the log is in the TCG format (heap element 8)
    bool prefer_da = false;     // tboot policy, TPM 1.2: pcr_map=da
    mle_profile profile = mle_profile::generic;
    os_sinit_caps_policy policy = os_sinit_caps_policy::sdg;
};

struct os_sinit_caps_choice {
    capabilities caps{};  // OsSinitData.Capabilities (@80)
    u32 flags = 0;        // OsSinitData.Flags (@4, version 7): 1 = PCR extend policy "maximum performance"
    friend constexpr bool operator==(const os_sinit_caps_choice&, const os_sinit_caps_choice&) = default;
};

// TXT-M16, M17, M19..M21 (offset 0: the choice has no input bytes).
constexpr result<os_sinit_caps_choice> select_os_sinit_capabilities(const os_sinit_caps_request& r) {
    using mle_detail::make;
    namespace f = caps_field;
    const char* field = "os_sinit_data.capabilities";
    os_sinit_caps_choice out;
    capabilities c{};
    if (r.policy == os_sinit_caps_policy::grub && !r.tpm2)
        return make(errc::launch_requirement, 0, field, "TXT-M21", "the GRUB policy launches with TPM 2.0 only", 0,
                    0);
    if (r.policy == os_sinit_caps_policy::tboot)
        c.raw = r.mle.raw & ~static_cast<u32>(f::rlp_wake_getsec.mask() | f::rlp_wake_monitor.mask() |
                                              f::pcr_map_da.mask() | f::tcg_event_log.mask());
    // One RLP wake-up method, MONITOR first. sdg also requires it of the MLE; tboot and GRUB look
    // at the SINIT's word only (their own MLE headers support both).
    const u32 offered = r.policy == os_sinit_caps_policy::sdg ? (r.mle.raw & r.sinit.raw) : r.sinit.raw;
    if (offered & f::rlp_wake_monitor.mask())
        c = c.with(f::rlp_wake_monitor, 1);
    else if (offered & f::rlp_wake_getsec.mask())
        c = c.with(f::rlp_wake_getsec, 1);
    else
        return make(errc::launch_requirement, 0, field, "TXT-M16",
                    "no RLP wake-up method is supported by both the MLE and the SINIT", r.mle.raw, r.sinit.raw);
    // ECX_PGTBL
    const bool ecx = r.policy == os_sinit_caps_policy::tboot ? false
                     : r.policy == os_sinit_caps_policy::grub ? r.sinit.ecx_pgtbl()
                                                              : (r.sinit.ecx_pgtbl() && r.mle.ecx_pgtbl());
    c = c.with(f::ecx_pgtbl, ecx ? 1u : 0u);
    if (r.profile == mle_profile::linux_secure_launch && !c.ecx_pgtbl())
        return make(errc::launch_requirement, 0, field, "TXT-M17",
                    "Linux Secure Launch needs ECX_PGTBL (bit 2) in OsSinitData.Capabilities", c.raw,
                    f::ecx_pgtbl.mask());
    // PCR usage
    if (r.policy == os_sinit_caps_policy::grub) {
        c = c.with(f::pcr_map_no_legacy, 1).with(f::pcr_map_da, 1);
    } else if (r.tpm2) {
        c = c.with(f::pcr_map_no_legacy, 0).with(f::pcr_map_da, 0);
    } else {
        const bool sinit_legacy = !r.sinit.pcr_map_no_legacy(), sinit_da = r.sinit.pcr_map_da();
        const bool want_da = r.policy == os_sinit_caps_policy::sdg ? sinit_da : (sinit_da && r.prefer_da);
        if (want_da)
            c = c.with(f::pcr_map_no_legacy, 1).with(f::pcr_map_da, 1);
        else if (sinit_legacy)
            c = c.with(f::pcr_map_no_legacy, 0).with(f::pcr_map_da, 0);
        else if (sinit_da)
            c = c.with(f::pcr_map_no_legacy, 1).with(f::pcr_map_da, 1);
        else
            return make(errc::launch_requirement, 0, field, "TXT-M19",
                        "TPM 1.2: the SINIT supports neither legacy nor details/authorities PCR usage",
                        r.sinit.raw, f::pcr_map_da.mask());
    }
    // TPM 2.0 event log format
    const bool tcg = r.tpm2 && (r.policy == os_sinit_caps_policy::grub || r.tcg_event_log);
    if (tcg && !r.sinit.tcg_event_log())
        return make(errc::launch_requirement, 0, field, "TXT-M20",
                    "a TCG-format TPM 2.0 event log is used but the SINIT lacks TCG_EVENT_LOG (bit 9)", r.sinit.raw,
                    f::tcg_event_log.mask());
    c = c.with(f::tcg_event_log, tcg ? 1u : 0u);
    out.caps = c;
    out.flags = r.tpm2 ? 1u : 0u;
    return out;
}

// ---------------------------------------------------------------------------
// Finding the header in a kernel image

// The Linux/x86 boot protocol setup header (Documentation/arch/x86/boot.rst, "The Real-Mode
// Kernel Header"), offsets from the start of the bzImage file.
namespace linux_setup {
inline constexpr u32 setup_sects = 0x1f1;         // u8, ALL: setup sectors; 0 means 4
inline constexpr u32 boot_flag = 0x1fe;           // u16, ALL: 0xAA55
inline constexpr u32 header = 0x202;              // u32, 2.00+: "HdrS" (0x53726448)
inline constexpr u32 version = 0x206;             // u16, 2.00+: protocol major << 8 | minor
inline constexpr u32 kernel_info_offset = 0x268;  // u32, 2.15+: kernel_info, from the protected-mode start
inline constexpr u32 end = 0x26c;                 // first byte after kernel_info_offset
inline constexpr u32 header_magic = 0x53726448;   // "HdrS"
inline constexpr u32 kernel_info_magic = 0x506f544c;  // "LToP"
inline constexpr u16 kernel_info_protocol = 0x020f;   // 2.15
inline constexpr u32 kernel_info_min_size = sizeof(wire::linux_kernel_info);  // 20, with mle_header_offset
}  // namespace linux_setup

enum class mle_image_kind : u8 { raw = 0, bzimage = 1 };

constexpr const char* name(mle_image_kind k) { return k == mle_image_kind::bzimage ? "bzimage" : "raw"; }

// How to look: `automatic` reads a file with the "HdrS" setup-header signature as a bzImage and
// scans anything else; `bzimage` and `raw` force one way.
enum class mle_search : u8 { automatic = 0, bzimage = 1, raw = 2 };

struct bzimage_setup {
    u8 setup_sects = 0;          // as stored (0 means 4)
    u16 boot_protocol = 0;       // 0x020f = 2.15
    u32 pm_offset = 0;           // (setup sectors + 1) * 512: where startup_32 / the MLE binary starts
    u32 kernel_info_offset = 0;  // the setup header field (relative to pm_offset)
    friend constexpr bool operator==(const bzimage_setup&, const bzimage_setup&) = default;
};

struct linux_kernel_info {
    u32 file_offset = 0;  // where kernel_info is in the file
    u32 size = 0, size_total = 0, setup_type_max = 0, mle_header_offset = 0;
    friend constexpr bool operator==(const linux_kernel_info&, const linux_kernel_info&) = default;
};

// Where the header is. File offsets are u32: images of 4 GiB or more are refused (TXT-M35).
struct mle_location {
    mle_image_kind kind = mle_image_kind::raw;
    u32 mle_offset = 0;     // file offset of the MLE binary (MleStart/MleEnd count from here)
    u32 header_offset = 0;  // file offset of the MLE header
    bzimage_setup setup{};  // bzImage only
    linux_kernel_info kernel_info{};  // bzImage only
    mle_header header{};

    constexpr u32 header_offset_in_mle() const { return header_offset - mle_offset; }
    friend constexpr bool operator==(const mle_location&, const mle_location&) = default;
};

inline constexpr std::size_t mle_no_uuid = ~std::size_t{0};

// The first offset in [from, to) at which the 16 UUID bytes start (and fit before `to`), or
// mle_no_uuid.
constexpr std::size_t find_mle_uuid(byte_view bytes, std::size_t from, std::size_t to) {
    if (to > bytes.size()) to = bytes.size();
    if (to < 16 || from > to - 16) return mle_no_uuid;
    for (std::size_t i = from; i <= to - 16; ++i) {
        if (bytes[i] != mle_header_uuid[0]) continue;
        std::size_t k = 1;
        while (k < 16 && bytes[i + k] == mle_header_uuid[k]) ++k;
        if (k == 16) return i;
    }
    return mle_no_uuid;
}

// The file carries the boot-protocol "HdrS" signature at 0x202.
constexpr bool is_bzimage(byte_view file) {
    return file.size() >= linux_setup::header + 4 && load_le(file, linux_setup::header, 4) == linux_setup::header_magic;
}

namespace mle_detail {
constexpr result<mle_location> locate_in_bzimage(byte_view file) {
    using namespace linux_setup;
    if (!is_bzimage(file))
        return make(errc::bad_magic, file.size() >= header + 4 ? header : 0, "linux_setup.header", "TXT-M36",
                    "not a bzImage: no \"HdrS\" boot-protocol signature at 0x202",
                    file.size() >= header + 4 ? load_le(file, header, 4) : 0, header_magic);
    if (file.size() < end)
        return make(errc::truncated_header, 0, "linux_setup", "TXT-M22",
                    "the file ends before the setup header's kernel_info_offset (0x26c bytes)", file.size(), end);
    mle_location loc;
    loc.kind = mle_image_kind::bzimage;
    loc.setup.setup_sects = file[setup_sects];
    loc.setup.boot_protocol = static_cast<u16>(load_le(file, linux_setup::version, 2));
    if (loc.setup.boot_protocol < kernel_info_protocol)
        return make(errc::unsupported_version, linux_setup::version, "linux_setup.version", "TXT-M23",
                    "boot protocol before 2.15 has no kernel_info, so no MLE header offset",
                    loc.setup.boot_protocol, kernel_info_protocol);
    const u32 sects = loc.setup.setup_sects == 0 ? 4u : loc.setup.setup_sects;
    loc.setup.pm_offset = (sects + 1) * 512;
    if (loc.setup.pm_offset >= file.size())
        return make(errc::out_of_bounds, setup_sects, "linux_setup.setup_sects", "TXT-M24",
                    "the protected-mode kernel starts past the end of the file", loc.setup.pm_offset, file.size());
    loc.mle_offset = loc.setup.pm_offset;
    loc.setup.kernel_info_offset = u32_at(file, linux_setup::kernel_info_offset);
    const u64 ki = u64{loc.setup.pm_offset} + loc.setup.kernel_info_offset;
    if (ki > file.size() || file.size() - ki < kernel_info_min_size)
        return make(errc::out_of_bounds, linux_setup::kernel_info_offset, "linux_setup.kernel_info_offset",
                    "TXT-M25", "kernel_info (20 bytes with mle_header_offset) is not inside the file", ki,
                    file.size());
    const u32 k = static_cast<u32>(ki);
    loc.kernel_info.file_offset = k;
    if (u32_at(file, k) != kernel_info_magic)
        return make(errc::bad_magic, k, "kernel_info.header", "TXT-M26", "kernel_info does not start with \"LToP\"",
                    u32_at(file, k), kernel_info_magic);
    loc.kernel_info.size = u32_at(file, k + 4);
    loc.kernel_info.size_total = u32_at(file, k + 8);
    loc.kernel_info.setup_type_max = u32_at(file, k + 12);
    loc.kernel_info.mle_header_offset = u32_at(file, k + 16);
    if (loc.kernel_info.size < kernel_info_min_size)
        return make(errc::not_found, k + 4, "kernel_info.size", "TXT-M27",
                    "kernel_info has no mle_header_offset field: not a Secure Launch kernel", loc.kernel_info.size,
                    kernel_info_min_size);
    if (loc.kernel_info.size_total < loc.kernel_info.size)
        return make(errc::entry_size_mismatch, k + 8, "kernel_info.size_total", "TXT-M28",
                    "kernel_info.size_total is smaller than kernel_info.size", loc.kernel_info.size_total,
                    loc.kernel_info.size);
    if (loc.kernel_info.mle_header_offset == 0)
        return make(errc::not_found, k + 16, "kernel_info.mle_header_offset", "TXT-M29",
                    "mle_header_offset is 0: the kernel is built without Secure Launch", 0, 1);
    const u64 at = u64{loc.setup.pm_offset} + loc.kernel_info.mle_header_offset;
    if (at >= file.size())
        return make(errc::out_of_bounds, k + 16, "kernel_info.mle_header_offset", "TXT-M30",
                    "mle_header_offset points past the end of the file", at, file.size());
    loc.header_offset = static_cast<u32>(at);
    const auto h = decode_mle_header(file.subview(loc.header_offset));
    if (!h) return shifted(h.err(), loc.header_offset);
    loc.header = *h;
    return loc;
}

constexpr result<mle_location> locate_by_scan(byte_view file) {
    const std::size_t at = find_mle_uuid(file, 0, file.size());
    if (at == mle_no_uuid)
        return make(errc::not_found, 0, "mle_header.uuid", "TXT-M31", "no MLE header UUID anywhere in the file", 0, 0);
    mle_location loc;
    loc.kind = mle_image_kind::raw;
    loc.header_offset = static_cast<u32>(at);
    const auto h = decode_mle_header(file.subview(at));
    if (!h) return shifted(h.err(), at);
    loc.header = *h;
    return loc;
}
}  // namespace mle_detail

// Finds and decodes the header (TXT-M22..M31 and the decode rules M1..M5 at file offsets).
// Its values are not judged: see check_mle_location(), or find_mle_header() for both.
//
// bzImage: the MLE binary is the protected-mode kernel at (setup_sects + 1) * 512 (setup_sects
// 0 means 4); kernel_info is at that start + kernel_info_offset (setup header 0x268, protocol
// 2.15+); its mle_header_offset (0x10) counts from the same start (startup_32), as do EntryPoint
// and MleEnd of the Linux header (kernel_info.S and vmlinux.lds.S of the Secure Launch series,
// v12+; TrenchBoot GRUB efi slaunch code).
// Otherwise: the first occurrence of the UUID at any byte offset; the file is the MLE binary.
constexpr result<mle_location> locate_mle_header(byte_view file, mle_search how = mle_search::automatic) {
    if (file.size() > 0xffffffffu)
        return mle_detail::make(errc::out_of_bounds, 0, "mle_image", "TXT-M35",
                                "images of 4 GiB or more are not MLE images (32-bit offsets)", file.size(),
                                0xffffffffu);
    if (how == mle_search::bzimage || (how == mle_search::automatic && is_bzimage(file)))
        return mle_detail::locate_in_bzimage(file);
    return mle_detail::locate_by_scan(file);
}

// The rules that need the image (TXT-M32..M34), after validate_mle_header() (M3..M12, at file
// offsets): the MLE [MleStart, MleEnd) lies inside the MLE binary, the header lies inside the
// MLE (it is measured with it, SDG 2.1), and the UUID occurs nowhere else in the MLE (SDG 2.1;
// for a 1.0 header, which has no extent, nowhere else in the MLE binary).
constexpr status check_mle_location(byte_view file, const mle_location& loc) {
    using mle_detail::make;
    const mle_header& h = loc.header;
    const status v = validate_mle_header(h);
    if (!v) return mle_detail::shifted(v.err(), loc.header_offset);
    if (loc.mle_offset > file.size() || loc.header_offset < loc.mle_offset || loc.header_offset > file.size())
        return make(errc::bad_argument, 0, "mle_location", "TXT-M37", "the location does not belong to this file",
                    loc.header_offset, file.size());
    const byte_view binary = file.subview(loc.mle_offset);
    const u32 hdr = loc.header_offset_in_mle();
    std::size_t scan_from = 0, scan_to = binary.size();
    if (h.has_extent()) {
        if (h.mle_end > binary.size())
            return make(errc::out_of_bounds, loc.header_offset + mle_header_offset::mle_end, "mle_header.mle_end",
                        "TXT-M32", "MleEnd is past the end of the MLE binary", h.mle_end, binary.size());
        const u32 span = h.mle_end - h.mle_start;
        if (hdr < h.mle_start || hdr - h.mle_start > span || h.header_len > span - (hdr - h.mle_start))
            return make(errc::out_of_bounds, loc.header_offset, "mle_header", "TXT-M33",
                        "the MLE header is not inside [MleStart, MleEnd), so it would not be measured", hdr,
                        h.mle_end);
        scan_from = h.mle_start;
        scan_to = h.mle_end;
    }
    std::size_t at = find_mle_uuid(binary, scan_from, scan_to);
    while (at != mle_no_uuid && at == hdr) at = find_mle_uuid(binary, at + 1, scan_to);
    if (at != mle_no_uuid)
        return make(errc::duplicate_entry, static_cast<u32>(loc.mle_offset + at), "mle_header.uuid", "TXT-M34",
                    "the MLE header UUID occurs a second time in the MLE (SDG 2.1: only in the header)",
                    loc.mle_offset + at, loc.header_offset);
    return success;
}

// locate_mle_header() then check_mle_location().
constexpr result<mle_location> find_mle_header(byte_view file, mle_search how = mle_search::automatic) {
    const auto loc = locate_mle_header(file, how);
    if (!loc) return loc;
    const status s = check_mle_location(file, *loc);
    if (!s) return s.err();
    return loc;
}

// The MLE binary (MleStart/MleEnd count from its first byte) of a located header.
constexpr byte_view mle_binary(byte_view file, const mle_location& loc) { return file.subview(loc.mle_offset); }

// ---------------------------------------------------------------------------
// Printing (freestanding, for the tools and a bare-metal console)

// "2.2": the version as major.minor.
constexpr void print_mle_header_version(text_sink& sink, u32 version) {
    sink.dec(version >> 16);
    sink.put('.');
    sink.dec(version & 0xffffu);
}

// The header, one field per line (fields its version lacks are left out), then the
// capabilities word field by field.
constexpr std::size_t format_mle_header(const mle_header& h, char* out, std::size_t capacity) {
    text_sink sink(out, capacity);
    auto line = [&](const char* label, u64 v) {
        sink.text("  ");
        sink.text(label);
        sink.hex(v, 8);
        sink.put('\n');
    };
    sink.text("MLE header version ");
    print_mle_header_version(sink, h.version);
    sink.text(" (");
    sink.hex(h.version, 8);
    sink.text("), HeaderLen ");
    sink.dec(h.header_len);
    sink.put('\n');
    line("EntryPoint       ", h.entry_point);
    if (h.has_extent()) {
        line("FirstValidPage   ", h.first_valid_page);
        line("MleStart         ", h.mle_start);
        line("MleEnd           ", h.mle_end);
    }
    if (h.has_cmdline()) {
        line("CmdlineStart     ", h.cmdline_start);
        line("CmdlineEnd       ", h.cmdline_end);
    }
    if (h.has_capabilities()) {
        sink.text("  ");
        char caps[1024]{};
        format_register(capabilities_info, h.caps.raw, caps, sizeof caps);
        for (std::size_t i = 0; caps[i] != '\0'; ++i) {
            sink.put(caps[i]);
            if (caps[i] == '\n' && caps[i + 1] != '\0') sink.text("  ");
        }
    }
    return sink.size();
}

}  // namespace dlh::txt
