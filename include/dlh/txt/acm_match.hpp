// SPDX-License-Identifier: MIT
// Does a SINIT fit this platform? A pure function over a parsed ACM (dlh/txt/acm.hpp) and the
// values the caller read from the platform: TXT registers, CPUID and MSRs, BiosData, the TPM,
// the MLE header, GETSEC[PARAMETERS] and the SINIT region. It reports every check it made —
// pass, fail, warning or skipped, and why — not only the first failure. And the rule that picks
// one SINIT among several.
//
// Sources: Intel TXT Software Development Guide 315168-013 (SDG) 2.2.3 and listings 3/4, Appendix
// A; tboot acmod.c (does_acmod_match_platform, verify_acmod, copy_sinit), TrenchBoot GRUB
// acmod.c. spec/txt/acm.md §Matching lists every rule and the choices on conflicting sources:
//
// * Platform type (SDG listing 3 gates on info table version > 5; tboot on >= 5): the check
//   runs when the info table version is at least match_options::platform_type_min_info_version
//   (default 5, tboot) and BiosData is version 6 or later.
// * Fusing (tboot rejects any debug/production disagreement; GRUB only a debug-signed ACM on a
//   production part): match_options::fusing, default both directions (tboot). Under the GRUB
//   rule a production-signed ACM on a debug part is reported as a warning.
// * Info table version 9 (tboot only, UNVERIFIED): every chipset list present (CS1L, CS2L) must
//   hold a matching entry, as tboot does; a module with neither fails (tboot would pass it).
#pragma once

#include <cstddef>

#include "dlh/range.hpp"
#include "dlh/txt/acm.hpp"
#include "dlh/txt/getsec.hpp"
#include "dlh/txt/registers.hpp"

namespace dlh::txt {

// The TPM the platform has, as far as SINIT selection cares.
enum class tpm_kind : u8 {
    unknown = 0,
    tpm12 = 1,           // discrete TPM 1.2
    tpm20 = 2,           // discrete TPM 2.0
    tpm20_firmware = 3,  // firmware / CRB TPM 2.0 (PTT)
};

constexpr const char* name(tpm_kind k) {
    switch (k) {
        case tpm_kind::unknown: return "unknown";
        case tpm_kind::tpm12: return "1.2";
        case tpm_kind::tpm20: return "2.0";
        case tpm_kind::tpm20_firmware: return "2.0-firmware";
    }
    return "unknown";
}

// The family bit of the TPM info list that covers `k` (0 for unknown).
constexpr u32 tpm_family_bit(tpm_kind k) {
    switch (k) {
        case tpm_kind::tpm12: return tpm_family_dtpm12;
        case tpm_kind::tpm20: return tpm_family_dtpm20;
        case tpm_kind::tpm20_firmware: return tpm_family_ftpm20;
        case tpm_kind::unknown: break;
    }
    return 0;
}

inline constexpr u32 max_tpm_banks = 8;

// What the caller read. Every group has a presence flag; an absent group skips its checks.
struct platform_values {
    bool has_didvid = false;
    u64 didvid = 0;  // TXT.DIDVID (0x110)
    bool has_ver_fsbif = false;
    u64 ver_fsbif = 0;  // TXT.VER.FSBIF (0x100)
    bool has_ver_qpiif = false;
    u64 ver_qpiif = 0;  // TXT.VER.QPIIF (0x200), used when FSBIF reads 0 or all ones
    bool has_fms = false;
    u32 fms = 0;  // CPUID.1:EAX
    bool has_platform_id = false;
    u64 platform_id = 0;  // IA32_PLATFORM_ID (MSR 0x17), raw
    bool has_bios_data = false;
    u32 bios_data_version = 0;
    u32 mle_flags = 0;  // BiosData.MleFlags (v5+); bits 2:1 platform type (v6+)
    tpm_kind tpm = tpm_kind::unknown;
    u32 tpm_bank_count = 0;  // TPM 2.0 PCR banks (TPM_ALG_ID), for the algorithm check
    u16 tpm_banks[max_tpm_banks]{};
    bool has_mle = false;
    u32 mle_header_version = 0;  // MLE header Version, major << 16 | minor
    u32 mle_capabilities = 0;    // MLE header Capabilities
    bool has_max_ac_size = false;
    u32 max_ac_size = 0;  // GETSEC[PARAMETERS] type 2 (getsec_parameters::max_ac_size)
    bool has_sinit_region = false;
    u64 sinit_base = 0;  // TXT.SINIT.BASE
    u64 sinit_size = 0;  // TXT.SINIT.SIZE
};

enum class fusing_rule : u8 {
    both_directions = 0,           // tboot: debug-signed needs debug fused, production needs production
    debug_on_production_only = 1,  // GRUB: only a debug-signed ACM on a production part fails
};

struct match_options {
    u8 platform_type_min_info_version = 5;  // tboot 5; SDG listing 3 reads as 6 (> 5)
    fusing_rule fusing = fusing_rule::both_directions;
    bool require_ecx_pgtbl = true;  // Linux needs ECX = MLE page tables; tboot only warns
};

// Rules (spec/txt/acm.md §Matching):
//   TXT-A40 platform_mismatch    BiosData says client (server) but the SINIT is not a client (server) ACM
//   TXT-A41 platform_mismatch    debug/production: ACM Flags.DEBUG_SIGNED against the chipset fuse
//   TXT-A42 platform_mismatch    no chipset list entry (v3..8 list or CS1L) matches TXT.DIDVID
//   TXT-A43 platform_mismatch    no CS2L entry matches TXT.DIDVID (VID, DID & register_mask)
//   TXT-A44 not_found            info table version 9 with no chipset list at all
//   TXT-A45 platform_mismatch    no processor list entry matches CPUID.1:EAX and IA32_PLATFORM_ID
//   TXT-A46 platform_mismatch    the TPM info list does not include the platform's TPM family
//   TXT-A47 value_out_of_range   the TPM info list's PCR extend policy is 00 (illegal)
//   TXT-A48 platform_mismatch    no algorithm of the TPM info list is a PCR bank of the TPM 2.0
//   TXT-A49 unsupported_version  MinMleHeaderVer above the MLE header version
//   TXT-A50 platform_mismatch    MLE and SINIT share no RLP wake-up method (capabilities bits 1:0)
//   TXT-A51 platform_mismatch    SINIT cannot pass the MLE page tables in ECX (bit 2); a warning
//                                unless match_options::require_ecx_pgtbl
//   TXT-A52 out_of_bounds        Size·4 above the GETSEC[PARAMETERS] maximum AC module size
//   TXT-A53 out_of_bounds        Size·4 above TXT.SINIT.SIZE
//   TXT-A54 misaligned           TXT.SINIT.BASE not 4 KiB aligned
//   TXT-A55 out_of_bounds        [TXT.SINIT.BASE, + Size·4) not below 4 GiB
//   TXT-A60 not_found            choose_sinit: no candidate matches the platform
//   TXT-A61/A62                  set_match_value / parse_match_list (below)

namespace acm_detail {

constexpr error mismatch(errc code, u64 offset, const char* field, const char* rule, const char* message, u64 value,
                         u64 limit, u32 entry = no_entry) {
    return error{code, static_cast<u32>(offset), entry, field, rule, message, value, limit};
}

constexpr bool chipset_matches(const acm_chipset_id& c, const didvid_reg& d) {
    if (c.vendor_id != d.vendor_id() || c.device_id != d.device_id()) return false;
    return c.revision_id_is_mask() ? (c.revision_id & d.revision_id()) != 0 : c.revision_id == d.revision_id();
}

constexpr bool chipset2_matches(const acm_chipset_id& c, const didvid_reg& d) {
    return c.vendor_id == d.vendor_id() && (d.device_id() & c.register_mask) == c.device_id;
}

constexpr bool processor_matches(const acm_processor_id& p, u32 fms, u64 platform_id) {
    return (fms & p.fms_mask) == p.fms && (platform_id & p.platform_mask) == p.platform_id;
}

}  // namespace acm_detail

constexpr check_report match_acm(const parsed_acm& a, const platform_values& v, const match_options& o = {}) {
    using acm_detail::mismatch;
    check_report r;
    const acm_info_table& t = a.info;
    const u64 io = a.info_offset;
    const u64 msize = a.module.size();

    // Step 4: platform type.
    {
        constexpr const char* rule = "TXT-A40";
        constexpr const char* what = "platform type (client/server) agrees with BiosData.MleFlags";
        if (t.version < o.platform_type_min_info_version) r.skip(rule, what, "information table too old for the rule");
        else if (!v.has_bios_data) r.skip(rule, what, "BiosData not given");
        else if (v.bios_data_version < 6) r.skip(rule, what, "BiosData before version 6 has no platform type");
        else {
            const auto bios = static_cast<platform_type>((v.mle_flags >> 1) & 3u);
            const platform_type sinit = t.capabilities.platform();
            if (bios == platform_type::client && sinit != platform_type::client)
                r.fail(rule, what,
                       mismatch(errc::platform_mismatch, io + 32, "acm_info.capabilities.platform_type", rule,
                                "a client platform needs a client SINIT (capabilities bits 7:6 = 01)",
                                static_cast<u64>(sinit), static_cast<u64>(platform_type::client)));
            else if (bios == platform_type::server && sinit != platform_type::server)
                r.fail(rule, what,
                       mismatch(errc::platform_mismatch, io + 32, "acm_info.capabilities.platform_type", rule,
                                "a server platform needs a server SINIT (capabilities bits 7:6 = 10)",
                                static_cast<u64>(sinit), static_cast<u64>(platform_type::server)));
            else if (bios == platform_type::client || bios == platform_type::server)
                r.pass(rule, what, "the SINIT is built for this platform type");
            else r.pass(rule, what, "BiosData names no platform type");
        }
    }

    // Step 5: debug / production fusing.
    {
        constexpr const char* rule = "TXT-A41";
        constexpr const char* what = "debug/production signing agrees with the chipset fuse";
        if (!v.has_ver_fsbif && !v.has_ver_qpiif) r.skip(rule, what, "TXT.VER.FSBIF / TXT.VER.QPIIF not given");
        else {
            const fuse_reading f = chipset_fusing(v.has_ver_fsbif ? v.ver_fsbif : 0, v.has_ver_qpiif, v.ver_qpiif);
            const bool debug_signed = a.header.debug_signed();
            if (f.state == fuse_state::unknown)
                r.skip(rule, what, "fusing unknown: VER.FSBIF reads 0 or all ones and VER.QPIIF is absent or all ones");
            else if (f.state == fuse_state::production && debug_signed)
                r.fail(rule, what,
                       mismatch(errc::platform_mismatch, 14, "acm_header.flags.debug_signed", rule,
                                "a debug-signed ACM cannot run on a production-fused chipset", 1, 0));
            else if (f.state == fuse_state::debug && !debug_signed) {
                const error e = mismatch(errc::platform_mismatch, 14, "acm_header.flags.debug_signed", rule,
                                         "a production-signed ACM on a debug-fused chipset", 0, 1);
                if (o.fusing == fusing_rule::both_directions) r.fail(rule, what, e);
                else r.warn(rule, what, e);
            } else r.pass(rule, what, debug_signed ? "debug ACM, debug-fused chipset" : "production ACM, production-fused chipset");
        }
    }

    // Step 6: chipset lists.
    const didvid_reg d{v.didvid};
    {
        constexpr const char* rule = "TXT-A42";
        const char* what = t.chained_lists() ? "a CS1L entry matches TXT.DIDVID" : "a chipset list entry matches TXT.DIDVID";
        if (!a.chipsets.present) r.skip(rule, what, "the ACM has no CS1L list");
        else if (!v.has_didvid) r.skip(rule, what, "TXT.DIDVID not given");
        else {
            u32 hit = no_entry;
            for (u32 i = 0; i < a.chipsets.count && hit == no_entry; ++i)
                if (acm_detail::chipset_matches(a.chipset(i), d)) hit = i;
            if (hit != no_entry) r.pass(rule, what, "vendor, device and revision match", hit);
            else
                r.fail(rule, what,
                       mismatch(errc::platform_mismatch, a.chipsets.offset, "acm_chipset_list", rule,
                                "no entry matches the chipset's vendor, device and revision ids (value: DIDVID, "
                                "limit: entries)",
                                v.didvid, a.chipsets.count));
        }
    }
    if (t.chained_lists()) {
        constexpr const char* rule = "TXT-A43";
        constexpr const char* what = "a CS2L entry matches TXT.DIDVID";
        if (!a.chipsets2.present) r.skip(rule, what, "the ACM has no CS2L list");
        else if (!v.has_didvid) r.skip(rule, what, "TXT.DIDVID not given");
        else {
            u32 hit = no_entry;
            for (u32 i = 0; i < a.chipsets2.count && hit == no_entry; ++i)
                if (acm_detail::chipset2_matches(a.chipset2(i), d)) hit = i;
            if (hit != no_entry) r.pass(rule, what, "vendor and masked device id match", hit);
            else
                r.fail(rule, what,
                       mismatch(errc::platform_mismatch, a.chipsets2.offset, "acm_chipset2_list", rule,
                                "no entry matches the chipset's vendor id and masked device id (value: DIDVID, "
                                "limit: entries)",
                                v.didvid, a.chipsets2.count));
        }
        constexpr const char* rule44 = "TXT-A44";
        constexpr const char* what44 = "the ACM lists the chipsets it supports";
        if (a.chipsets.present || a.chipsets2.present) r.pass(rule44, what44, "CS1L or CS2L present");
        else
            r.fail(rule44, what44,
                   mismatch(errc::not_found, io, "acm_info.lists", rule44,
                            "information table version 9 without a CS1L or CS2L list", 0, 1));
    }

    // Step 7: processor list.
    {
        constexpr const char* rule = "TXT-A45";
        constexpr const char* what = "a processor list entry matches CPUID.1:EAX and IA32_PLATFORM_ID";
        if (!a.processors.present)
            r.skip(rule, what, t.chained_lists() ? "the ACM has no CPUL list" : "information table version 3 has no processor list");
        else if (!v.has_fms || !v.has_platform_id) r.skip(rule, what, "CPUID.1:EAX or IA32_PLATFORM_ID not given");
        else {
            u32 hit = no_entry;
            for (u32 i = 0; i < a.processors.count && hit == no_entry; ++i)
                if (acm_detail::processor_matches(a.processor(i), v.fms, v.platform_id)) hit = i;
            if (hit != no_entry) r.pass(rule, what, "family/model/stepping and platform id match", hit);
            else
                r.fail(rule, what,
                       mismatch(errc::platform_mismatch, a.processors.offset, "acm_processor_list", rule,
                                "no entry matches the processor (value: CPUID.1:EAX, limit: entries)", v.fms,
                                a.processors.count));
        }
    }

    // TPM info list.
    {
        constexpr const char* r46 = "TXT-A46";
        constexpr const char* w46 = "the SINIT supports the platform's TPM family";
        constexpr const char* r47 = "TXT-A47";
        constexpr const char* w47 = "the TPM info list names a PCR extend policy";
        constexpr const char* r48 = "TXT-A48";
        constexpr const char* w48 = "the SINIT supports a PCR bank of the TPM 2.0";
        if (!a.tpm.present) {
            const char* why = t.chained_lists() ? "the ACM has no TPML list" : "information table before version 5";
            r.skip(r46, w46, why);
            r.skip(r47, w47, why);
            r.skip(r48, w48, why);
        } else {
            const u64 caps_at = a.tpm.offset;
            if (v.tpm == tpm_kind::unknown) r.skip(r46, w46, "TPM family not given");
            else if ((a.tpm.family() & tpm_family_bit(v.tpm)) != 0) r.pass(r46, w46, name(v.tpm));
            else
                r.fail(r46, w46,
                       mismatch(errc::platform_mismatch, caps_at, "acm_tpm_info.capabilities.tpm_family", r46,
                                "the SINIT does not support this TPM family (value: family bits, limit: needed bit)",
                                a.tpm.family(), tpm_family_bit(v.tpm)));
            if (a.tpm.ext_policy() != tpm_ext_policy::illegal) r.pass(r47, w47, "extend policy bits 1:0 are not 00");
            else
                r.fail(r47, w47,
                       mismatch(errc::value_out_of_range, caps_at, "acm_tpm_info.capabilities.ext_policy", r47,
                                "the PCR extend policy 00 is illegal", 0, 1));
            if (v.tpm != tpm_kind::tpm20 && v.tpm != tpm_kind::tpm20_firmware) r.skip(r48, w48, "not a TPM 2.0");
            else if (v.tpm_bank_count == 0) r.skip(r48, w48, "TPM 2.0 PCR banks not given");
            else {
                u32 hit = no_entry;
                const u32 banks = v.tpm_bank_count < max_tpm_banks ? v.tpm_bank_count : max_tpm_banks;
                for (u32 i = 0; i < a.tpm.count && hit == no_entry; ++i)
                    for (u32 b = 0; b < banks; ++b)
                        if (a.tpm_algorithm(i) == v.tpm_banks[b]) hit = i;
                if (hit != no_entry) r.pass(r48, w48, "an algorithm of the list is a PCR bank", hit);
                else
                    r.fail(r48, w48,
                           mismatch(errc::platform_mismatch, caps_at + 6, "acm_tpm_info.alg_id", r48,
                                    "no algorithm the SINIT supports is a PCR bank of the TPM (limit: algorithms)",
                                    v.tpm_bank_count, a.tpm.count));
            }
        }
    }

    // SDG listing 4 / tboot verify_acmod: launcher and SINIT compatibility.
    {
        constexpr const char* r49 = "TXT-A49";
        constexpr const char* w49 = "the MLE header is at least MinMleHeaderVer";
        constexpr const char* r50 = "TXT-A50";
        constexpr const char* w50 = "MLE and SINIT share an RLP wake-up method";
        if (!v.has_mle) {
            r.skip(r49, w49, "MLE header not given");
            r.skip(r50, w50, "MLE header not given");
        } else {
            if (t.min_mle_header_ver <= v.mle_header_version) r.pass(r49, w49, "MLE header version is new enough");
            else
                r.fail(r49, w49,
                       mismatch(errc::unsupported_version, io + 28, "acm_info.min_mle_header_ver", r49,
                                "the SINIT needs a newer MLE header (value: MinMleHeaderVer, limit: MLE version)",
                                t.min_mle_header_ver, v.mle_header_version));
            const u32 wake = v.mle_capabilities & t.capabilities.raw & 3u;
            if (wake != 0) r.pass(r50, w50, wake & 2u ? "MONITOR wake-up available" : "GETSEC[WAKEUP] available");
            else
                r.fail(r50, w50,
                       mismatch(errc::platform_mismatch, io + 32, "acm_info.capabilities", r50,
                                "no RLP wake-up method (capabilities bits 1:0) is common to MLE and SINIT",
                                t.capabilities.raw, v.mle_capabilities));
        }
        constexpr const char* r51 = "TXT-A51";
        constexpr const char* w51 = "the SINIT passes the MLE page tables in ECX";
        if (t.capabilities.ecx_pgtbl()) r.pass(r51, w51, "capabilities bit 2 set");
        else {
            const error e = mismatch(errc::platform_mismatch, io + 32, "acm_info.capabilities.ecx_pgtbl", r51,
                                     "the SINIT does not pass the MLE page-table address in ECX",
                                     t.capabilities.raw, caps_field::ecx_pgtbl.mask());
            if (o.require_ecx_pgtbl) r.fail(r51, w51, e);
            else r.warn(r51, w51, e);
        }
    }

    // Step 8: GETSEC[PARAMETERS] maximum size.
    {
        constexpr const char* rule = "TXT-A52";
        constexpr const char* what = "the module fits the processor's AC execution area";
        if (!v.has_max_ac_size) r.skip(rule, what, "GETSEC[PARAMETERS] maximum AC size not given");
        else if (msize <= v.max_ac_size) r.pass(rule, what, "Size * 4 within GETSEC[PARAMETERS] type 2");
        else
            r.fail(rule, what,
                   mismatch(errc::out_of_bounds, 24, "acm_header.size", rule,
                            "the module is larger than the processor's maximum AC module size", msize,
                            v.max_ac_size));
    }

    // Step 9: placement in the BIOS-reserved SINIT region.
    {
        constexpr const char* r53 = "TXT-A53";
        constexpr const char* w53 = "the module fits TXT.SINIT.SIZE";
        constexpr const char* r54 = "TXT-A54";
        constexpr const char* w54 = "TXT.SINIT.BASE is 4 KiB aligned";
        constexpr const char* r55 = "TXT-A55";
        constexpr const char* w55 = "the module lies below 4 GiB at TXT.SINIT.BASE";
        if (!v.has_sinit_region) {
            r.skip(r53, w53, "TXT.SINIT.BASE / TXT.SINIT.SIZE not given");
            r.skip(r54, w54, "TXT.SINIT.BASE / TXT.SINIT.SIZE not given");
            r.skip(r55, w55, "TXT.SINIT.BASE / TXT.SINIT.SIZE not given");
        } else {
            if (msize <= v.sinit_size) r.pass(r53, w53, "Size * 4 within the region");
            else
                r.fail(r53, w53,
                       mismatch(errc::out_of_bounds, 24, "acm_header.size", r53,
                                "the module is larger than the BIOS-reserved SINIT region", msize, v.sinit_size));
            if ((v.sinit_base & 0xFFFu) == 0) r.pass(r54, w54, "aligned");
            else
                r.fail(r54, w54,
                       mismatch(errc::misaligned, 0, "TXT.SINIT.BASE", r54,
                                "the SINIT region base must be 4 KiB aligned", v.sinit_base, 0x1000));
            const range placed{v.sinit_base, msize};
            if (placed.valid() && placed.below(four_gib)) r.pass(r55, w55, "below 4 GiB");
            else
                r.fail(r55, w55,
                       mismatch(errc::out_of_bounds, 0, "TXT.SINIT.BASE", r55,
                                "the module copied to TXT.SINIT.BASE must end below 4 GiB", v.sinit_base, four_gib));
        }
    }
    return r;
}

// ---------------------------------------------------------------------------------------------
// Platform values from text: "KEY=VALUE" pairs, as the tool's --match option and the test
// vectors give them. Keys compare case-insensitively with '-' and '_' alike:
//   didvid                  TXT.DIDVID (0x110)
//   fsbif | ver-fsbif       TXT.VER.FSBIF (0x100)
//   qpiif | ver-qpiif       TXT.VER.QPIIF (0x200)
//   fms | cpuid1-eax        CPUID.1:EAX
//   platform-id             IA32_PLATFORM_ID (MSR 0x17)
//   bios-data-version       BiosData.Version
//   mle-flags               BiosData.MleFlags
//   tpm-family              1.2 | 2.0 | 2.0-firmware (also ptt, ftpm)
//   tpm-banks               TPM 2.0 PCR banks: sha1+sha256+sha384+sha512+sm3_256 (or numbers)
//   mle-version | mle-header-version   MLE header Version: a number or MAJOR.MINOR ("2.2")
//   mle-caps | mle-capabilities        MLE header Capabilities
//   max-ac-size             GETSEC[PARAMETERS] maximum AC module size (bytes)
//   sinit-base, sinit-size  TXT.SINIT.BASE, TXT.SINIT.SIZE (both needed)
// and the options:
//   fusing                  tboot | both | grub
//   platform-type-from | platform-type-min-info-version   information table version (default 5)
//   require-ecx-pgtbl       1 | 0 (yes/no, true/false)
// Numbers are decimal or 0x-prefixed hexadecimal. Rules:
//   TXT-A61 not_found     the key names nothing above
//   TXT-A62 bad_argument  the value does not suit the key (entry_index: the pair's position)

namespace acm_detail {

constexpr char key_char(char c) {
    if (c == '_') return '-';
    if (c >= 'A' && c <= 'Z') return static_cast<char>(c - 'A' + 'a');
    return c;
}

constexpr bool key_is(const char* s, std::size_t n, const char* name) {
    std::size_t i = 0;
    for (; i < n && name[i]; ++i)
        if (key_char(s[i]) != key_char(name[i])) return false;
    return i == n && name[i] == '\0';
}

constexpr bool parse_number(const char* s, std::size_t n, u64& out) {
    if (n == 0) return false;
    u64 v = 0;
    if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        if (n - 2 > 16) return false;
        for (std::size_t i = 2; i < n; ++i) {
            const char c = s[i];
            u64 d = 0;
            if (c >= '0' && c <= '9') d = static_cast<u64>(c - '0');
            else if (c >= 'a' && c <= 'f') d = static_cast<u64>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F') d = static_cast<u64>(c - 'A' + 10);
            else return false;
            v = (v << 4) | d;
        }
    } else {
        for (std::size_t i = 0; i < n; ++i) {
            const char c = s[i];
            if (c < '0' || c > '9') return false;
            const u64 d = static_cast<u64>(c - '0');
            if (v > (~u64{0} - d) / 10) return false;
            v = v * 10 + d;
        }
    }
    out = v;
    return true;
}

constexpr bool parse_u32(const char* s, std::size_t n, u32& out) {
    u64 v = 0;
    if (!parse_number(s, n, v) || v > 0xFFFFFFFFu) return false;
    out = static_cast<u32>(v);
    return true;
}

constexpr bool parse_bool(const char* s, std::size_t n, bool& out) {
    if (key_is(s, n, "1") || key_is(s, n, "yes") || key_is(s, n, "true")) out = true;
    else if (key_is(s, n, "0") || key_is(s, n, "no") || key_is(s, n, "false")) out = false;
    else return false;
    return true;
}

constexpr bool parse_bank(const char* s, std::size_t n, u16& out) {
    const u16 ids[] = {tpm_alg::sha1, tpm_alg::sha256, tpm_alg::sha384, tpm_alg::sha512, tpm_alg::sm3_256};
    const char* names[] = {"sha1", "sha256", "sha384", "sha512", "sm3-256"};
    for (std::size_t i = 0; i < 5; ++i)
        if (key_is(s, n, names[i])) {
            out = ids[i];
            return true;
        }
    if (key_is(s, n, "sm3")) {
        out = tpm_alg::sm3_256;
        return true;
    }
    u64 v = 0;
    if (!parse_number(s, n, v) || v > 0xFFFFu) return false;
    out = static_cast<u16>(v);
    return true;
}

// "2.2" → 0x00020002, or a plain number.
constexpr bool parse_mle_version(const char* s, std::size_t n, u32& out) {
    std::size_t dot = n;
    for (std::size_t i = 0; i < n; ++i)
        if (s[i] == '.') dot = i;
    if (dot == n) return parse_u32(s, n, out);
    u32 major = 0, minor = 0;
    if (!parse_u32(s, dot, major) || !parse_u32(s + dot + 1, n - dot - 1, minor) || major > 0xFFFF || minor > 0xFFFF)
        return false;
    out = (major << 16) | minor;
    return true;
}

}  // namespace acm_detail

constexpr status set_match_value(platform_values& v, match_options& o, const char* key, std::size_t key_length,
                                 const char* value, std::size_t value_length, u32 index = no_entry) {
    using acm_detail::key_is;
    const char* k = key;
    const std::size_t kn = key_length;
    const char* s = value;
    const std::size_t n = value_length;
    bool ok = true;
    u64 num = 0;
    auto number = [&](bool& has, u64& field) {
        ok = acm_detail::parse_number(s, n, num);
        if (ok) {
            has = true;
            field = num;
        }
    };
    auto number32 = [&](bool& has, u32& field) {
        ok = acm_detail::parse_u32(s, n, field);
        if (ok) has = true;
    };
    if (key_is(k, kn, "didvid")) number(v.has_didvid, v.didvid);
    else if (key_is(k, kn, "fsbif") || key_is(k, kn, "ver-fsbif")) number(v.has_ver_fsbif, v.ver_fsbif);
    else if (key_is(k, kn, "qpiif") || key_is(k, kn, "ver-qpiif")) number(v.has_ver_qpiif, v.ver_qpiif);
    else if (key_is(k, kn, "fms") || key_is(k, kn, "cpuid1-eax")) number32(v.has_fms, v.fms);
    else if (key_is(k, kn, "platform-id")) number(v.has_platform_id, v.platform_id);
    else if (key_is(k, kn, "bios-data-version")) number32(v.has_bios_data, v.bios_data_version);
    else if (key_is(k, kn, "mle-flags")) number32(v.has_bios_data, v.mle_flags);
    else if (key_is(k, kn, "tpm-family")) {
        if (key_is(s, n, "1.2")) v.tpm = tpm_kind::tpm12;
        else if (key_is(s, n, "2.0")) v.tpm = tpm_kind::tpm20;
        else if (key_is(s, n, "2.0-firmware") || key_is(s, n, "ptt") || key_is(s, n, "ftpm")) v.tpm = tpm_kind::tpm20_firmware;
        else ok = false;
    } else if (key_is(k, kn, "tpm-banks")) {
        u32 count = 0;
        u16 banks[max_tpm_banks]{};
        std::size_t start = 0;
        for (std::size_t i = 0; ok && i <= n; ++i) {
            if (i < n && s[i] != '+' && s[i] != '|') continue;
            if (i == start && n == 0) break;
            if (count == max_tpm_banks || !acm_detail::parse_bank(s + start, i - start, banks[count])) ok = false;
            else ++count;
            start = i + 1;
        }
        if (ok) {
            v.tpm_bank_count = count;
            for (u32 i = 0; i < max_tpm_banks; ++i) v.tpm_banks[i] = banks[i];
        }
    } else if (key_is(k, kn, "mle-version") || key_is(k, kn, "mle-header-version")) {
        ok = acm_detail::parse_mle_version(s, n, v.mle_header_version);
        if (ok) v.has_mle = true;
    } else if (key_is(k, kn, "mle-caps") || key_is(k, kn, "mle-capabilities")) number32(v.has_mle, v.mle_capabilities);
    else if (key_is(k, kn, "max-ac-size")) number32(v.has_max_ac_size, v.max_ac_size);
    else if (key_is(k, kn, "sinit-base")) {
        ok = acm_detail::parse_number(s, n, v.sinit_base);
        if (ok) v.has_sinit_region = true;
    } else if (key_is(k, kn, "sinit-size")) {
        ok = acm_detail::parse_number(s, n, v.sinit_size);
        if (ok) v.has_sinit_region = true;
    } else if (key_is(k, kn, "fusing")) {
        if (key_is(s, n, "tboot") || key_is(s, n, "both")) o.fusing = fusing_rule::both_directions;
        else if (key_is(s, n, "grub")) o.fusing = fusing_rule::debug_on_production_only;
        else ok = false;
    } else if (key_is(k, kn, "platform-type-from") || key_is(k, kn, "platform-type-min-info-version")) {
        u32 t = 0;
        ok = acm_detail::parse_u32(s, n, t) && t <= 0xFF;
        if (ok) o.platform_type_min_info_version = static_cast<u8>(t);
    } else if (key_is(k, kn, "require-ecx-pgtbl")) {
        ok = acm_detail::parse_bool(s, n, o.require_ecx_pgtbl);
    } else {
        return error{errc::not_found, 0, index, "match.key", "TXT-A61", "unknown --match key (see --help)", kn, 0};
    }
    if (!ok)
        return error{errc::bad_argument, 0, index, "match.value", "TXT-A62", "the value does not suit its key", n, 0};
    return success;
}

// "KEY=VALUE,KEY=VALUE,...": each pair through set_match_value (entry_index = its position).
constexpr status parse_match_list(const char* text, std::size_t length, platform_values& v, match_options& o) {
    std::size_t start = 0;
    u32 index = 0;
    for (std::size_t i = 0; i <= length; ++i) {
        if (i < length && text[i] != ',') continue;
        if (i > start) {
            std::size_t eq = start;
            while (eq < i && text[eq] != '=') ++eq;
            if (eq == i || eq == start)
                return error{errc::bad_argument, 0, index, "match.pair", "TXT-A62", "expected KEY=VALUE", i - start, 0};
            if (auto s = set_match_value(v, o, text + start, eq - start, text + eq + 1, i - eq - 1, index); !s) return s;
        }
        ++index;
        start = i + 1;
    }
    return success;
}

// ---------------------------------------------------------------------------------------------
// Choosing among several SINITs (SDG 2.2.3: use the most recent by Date; tboot/GRUB copy_sinit:
// a valid, matching BIOS-provided SINIT — BiosSinitSize != 0 — is used when its Date is not older
// than the one the launcher brought). Dates are BCD 0xYYYYMMDD and compare as numbers.

struct sinit_candidate {
    u32 date = 0;                // ACM header Date
    bool matches = false;        // parse_acm accepted it and match_acm(...).ok()
    bool bios_provided = false;  // found at TXT.SINIT.BASE with BiosData.BiosSinitSize != 0
};

// The index of the SINIT to launch: the newest matching launcher-provided one, unless a matching
// BIOS-provided one is at least as new. Ties among launcher-provided SINITs keep the first.
constexpr result<u32> choose_sinit(const sinit_candidate* candidates, u32 count) {
    u32 best = no_entry, bios = no_entry;
    for (u32 i = 0; i < count; ++i) {
        const sinit_candidate& c = candidates[i];
        if (!c.matches) continue;
        u32& slot = c.bios_provided ? bios : best;
        if (slot == no_entry || c.date > candidates[slot].date) slot = i;
    }
    if (bios != no_entry && (best == no_entry || candidates[bios].date >= candidates[best].date)) return bios;
    if (best != no_entry) return best;
    return error{errc::not_found, 0, no_entry, "sinit_candidates", "TXT-A60",
                 "no SINIT candidate matches the platform", count, 0};
}

}  // namespace dlh::txt
