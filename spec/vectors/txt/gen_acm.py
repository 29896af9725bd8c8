#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Generates spec/vectors/txt/acm/: small synthetic SINIT ACM files and their expectations.

Written from the layouts in spec/txt/acm.md (SDG Appendix A, tboot's info table version 9
chain), independently of the C++ code. Standard library only; the output is deterministic.

  acm/<name>.bin, acm/<name>.json   valid modules and what they decode to
  acm/match.json                    platform values and the expected matching report
  acm/malformed/<name>.bin          broken modules
  acm/malformed/manifest.json       [{file, errc, rule, offset}] for each broken module

Usage: gen_acm.py [output directory]   (default: the acm/ directory beside this script)
"""
import json
import os
import struct
import sys

INFO_UUID = bytes([0xAA, 0x3A, 0xC0, 0x7F, 0xA7, 0x46, 0xDB, 0x18,
                   0x2E, 0xAC, 0x69, 0x8F, 0x8D, 0x41, 0x7F, 0x5A])

CS1L, CS2L, CPUL, TPML, VERL, TERM = 0x4353314C, 0x4353324C, 0x4350554C, 0x54504D4C, 0x5645524C, 0x4E554C4C

# layout: (header_version, header_len, key_size, scratch_size, key bytes, exponent?, sig bytes)
LAYOUTS = {
    "0.0": dict(header_version=0x00000000, header_len=161, key_size=64, scratch_size=143, key=256, exp=True, sig=256),
    "3.0": dict(header_version=0x00030000, header_len=224, key_size=96, scratch_size=208, key=384, exp=False, sig=384),
}


def info_size(version):
    return 48 if version >= 5 else 44 if version == 4 else 40


def align(v, a):
    return (v + a - 1) // a * a


def chipset_bytes(c):
    return struct.pack("<IHHHHI", c["flags"], c["vendor_id"], c["device_id"], c["revision_id"],
                       c.get("register_mask", 0), c.get("extended_id", 0))


def processor_bytes(p):
    return struct.pack("<IIQQ", p["fms"], p["fms_mask"], p["platform_id"], p["platform_mask"])


def id_list(entries, enc):
    return struct.pack("<I", len(entries)) + b"".join(enc(e) for e in entries)


def tpm_list(tpm):
    return struct.pack("<IH", tpm["capabilities"], len(tpm["algorithms"])) + \
        b"".join(struct.pack("<H", a) for a in tpm["algorithms"])


class Module:
    """A module image plus the description of what it holds."""

    def __init__(self, layout="0.0", info_version=6, chipsets=None, processors=None, tpm=None,
                 chain=None, caps=0x267, flags=0, date=0x20230518, min_mle=0x00020000, os_sinit=7,
                 acm_type=1, extra_lists=0):
        L = LAYOUTS[layout]
        self.layout = layout
        self.header = dict(module_type=2, module_subtype=0, header_len=L["header_len"],
                           header_version=L["header_version"], chipset_id=0x0B00, flags=flags,
                           module_vendor=0x8086, date=date, size=0, txt_svn=2, se_svn=1,
                           code_control=0, error_entry_point=0, gdt_limit=0x1F, gdt_base=0,
                           seg_sel=0x08, entry_point=0, key_size=L["key_size"],
                           scratch_size=L["scratch_size"], rsa_pub_exp=0x10001 if L["exp"] else 0)
        self.info_offset = (L["header_len"] + L["scratch_size"]) * 4
        self.info = dict(chipset_acm_type=acm_type, version=info_version, length=info_size(info_version),
                         chipset_id_list=0, os_sinit_data_ver=os_sinit, min_mle_header_ver=min_mle,
                         capabilities=caps, acm_version=1,
                         acm_revision=[1, 2, 3] if info_version >= 6 else [0, 0, 0],
                         processor_id_list=0, tpm_info_list=0)
        self.chipsets = chipsets or []
        self.chipsets2 = None
        self.processors = processors if info_version >= 4 or chain else None
        self.tpm = tpm if info_version >= 5 or chain else None
        self.chain = []
        self.term = None

        body = {}  # offset -> bytes
        end = self.info_offset + self.info["length"]
        if info_version < 9:
            at = align(end, 4)
            self.info["chipset_id_list"] = at
            body[at] = id_list(self.chipsets, chipset_bytes)
            at = align(at + len(body[at]), 4)
            if info_version >= 4:
                self.info["processor_id_list"] = at
                body[at] = id_list(self.processors, processor_bytes)
                at = align(at + len(body[at]), 4)
            if info_version >= 5:
                self.info["tpm_info_list"] = at
                body[at] = tpm_list(self.tpm)
                at = align(at + len(body[at]), 4)
            end = at
        else:
            at = end
            for item in chain:
                lid = item["id"]
                if lid == CS1L:
                    payload = id_list(self.chipsets, chipset_bytes)
                elif lid == CS2L:
                    self.chipsets2 = item["entries"]
                    payload = id_list(item["entries"], chipset_bytes)
                elif lid == CPUL:
                    payload = id_list(self.processors, processor_bytes)
                elif lid == TPML:
                    payload = tpm_list(self.tpm)
                else:
                    payload = item["payload"]
                size = 12 + len(payload)
                body[at] = struct.pack("<III", lid, size, item.get("rev", 1)) + payload
                self.chain.append(dict(id=lid, size=size, rev=item.get("rev", 1), offset=at))
                at += size
            self.term = dict(offset=at, size=12, rev=0)
            body[at] = struct.pack("<III", TERM, 12, 0)
            end = at + 12
        # A GDT (4 descriptors) and a few bytes of "code" after the lists.
        gdt = align(end, 8)
        self.header["gdt_base"] = gdt
        body[gdt] = bytes(8) + bytes.fromhex("ffff0000009bcf00") + bytes.fromhex("ffff00000093cf00") + bytes(8)
        self.header["entry_point"] = gdt + 32
        body[gdt + 32] = bytes([0xF4, 0xEB, 0xFD, 0x90])  # hlt; jmp $-1; nop
        size = align(gdt + 36, 64)
        self.header["size"] = size // 4
        self.body = body

    def image(self):
        L = LAYOUTS[self.layout]
        h = self.header
        size = h["size"] * 4
        img = bytearray(size)
        struct.pack_into("<HHIIHHIIIHHIIIIII", img, 0, h["module_type"], h["module_subtype"], h["header_len"],
                         h["header_version"], h["chipset_id"], h["flags"], h["module_vendor"], h["date"], h["size"],
                         h["txt_svn"], h["se_svn"], h["code_control"], h["error_entry_point"], h["gdt_limit"],
                         h["gdt_base"], h["seg_sel"], h["entry_point"])
        img[56:120] = bytes((0x40 + i) & 0xFF for i in range(64))  # Reserved2: caller data, kept verbatim
        struct.pack_into("<II", img, 120, h["key_size"], h["scratch_size"])
        img[128:128 + L["key"]] = bytes((i * 7 + 1) & 0xFF for i in range(L["key"]))
        at = 128 + L["key"]
        if L["exp"]:
            struct.pack_into("<I", img, at, h["rsa_pub_exp"])
            at += 4
        img[at:at + L["sig"]] = bytes((i * 13 + 5) & 0xFF for i in range(L["sig"]))
        i = self.info
        o = self.info_offset
        img[o:o + 16] = INFO_UUID
        struct.pack_into("<BBHIIII", img, o + 16, i["chipset_acm_type"], i["version"], i["length"],
                         i["chipset_id_list"], i["os_sinit_data_ver"], i["min_mle_header_ver"], i["capabilities"])
        img[o + 36] = i["acm_version"]
        if i["version"] >= 6:
            img[o + 37:o + 40] = bytes(i["acm_revision"])
        if i["version"] >= 4:
            struct.pack_into("<I", img, o + 40, i["processor_id_list"])
        if i["version"] >= 5:
            struct.pack_into("<I", img, o + 44, i["tpm_info_list"])
        for off, data in self.body.items():
            img[off:off + len(data)] = data
        return img

    def description(self, name):
        return dict(file=name + ".bin", layout=self.layout, module_size=self.header["size"] * 4,
                    header=self.header, info_offset=self.info_offset, info=self.info,
                    chipsets=self.chipsets, chipsets2=self.chipsets2, processors=self.processors,
                    tpm=self.tpm, chain=self.chain, term=self.term)


CHIPSETS = [
    dict(flags=0, vendor_id=0x8086, device_id=0xB003, revision_id=0x0001),
    dict(flags=1, vendor_id=0x8086, device_id=0xB004, revision_id=0x000F),
]
PROCESSORS = [
    dict(fms=0x000906E0, fms_mask=0x0FFF3FF0, platform_id=0, platform_mask=0),
    dict(fms=0x000A0650, fms_mask=0x0FFF3FF0, platform_id=0x0004000000000000, platform_mask=0x001C000000000000),
]
TPM = dict(capabilities=0x3 | (0xB << 2) | 0x40, algorithms=[0x0004, 0x000B, 0x000C])  # 0x6F
TPM20_ONLY = dict(capabilities=0x1 | (0x2 << 2), algorithms=[0x000B])  # 0x09: agility, dTPM 2.0

CHAIN = [
    dict(id=CS1L),
    dict(id=CS2L, entries=[dict(flags=0, vendor_id=0x8086, device_id=0xA700, revision_id=0, register_mask=0xFF00,
                                extended_id=0),
                           dict(flags=0, vendor_id=0x8086, device_id=0xB002, revision_id=0, register_mask=0xFFFE,
                                extended_id=0x12345678)]),
    dict(id=CPUL),
    dict(id=TPML),
    dict(id=VERL, payload=bytes([0x01, 0x00, 0x02, 0x00, 0x10, 0x20, 0x30, 0x40]), rev=2),
]


def valid_modules():
    return {
        "valid_v00_info3": Module(info_version=3, chipsets=CHIPSETS[:1], caps=0x07),
        "valid_v00_info4": Module(info_version=4, chipsets=CHIPSETS, processors=PROCESSORS[:1], caps=0x07),
        "valid_v00_info5": Module(info_version=5, chipsets=CHIPSETS, processors=PROCESSORS, tpm=TPM20_ONLY,
                                  caps=0x227),
        "valid_v00_info6": Module(info_version=6, chipsets=CHIPSETS, processors=PROCESSORS, tpm=TPM, caps=0x267),
        "valid_v00_info9_chained": Module(info_version=9, chipsets=CHIPSETS, processors=PROCESSORS, tpm=TPM,
                                          chain=CHAIN, caps=0x267, date=0x20250102),
        "valid_v30_info7": Module(layout="3.0", info_version=7, chipsets=CHIPSETS, processors=PROCESSORS, tpm=TPM,
                                  caps=0x263, date=0x20240301, flags=0x8000),
    }


# Platform values: a client platform with chipset 8086:B003 rev 1, a 0x906EA processor, TPM 2.0.
GOOD = dict(didvid=0x0000_0001_B003_8086, ver_fsbif=0x80000000, fms=0x000906EA, platform_id=0x0010000000000000,
            bios_data_version=6, mle_flags=0x3, tpm_family="2.0", tpm_banks=[0x000B],
            mle_header_version=0x00020002, mle_capabilities=0x227, max_ac_size=0x40000,
            sinit_base=0x77E00000, sinit_size=0x40000)


def platform(**changes):
    p = dict(GOOD)
    p.update(changes)
    return p


def match_cases():
    return [
        dict(name="info6_matches", file="valid_v00_info6.bin", platform=platform(), ok=True, first_failure=None,
             outcomes={"TXT-A40": "pass", "TXT-A41": "pass", "TXT-A42": "pass", "TXT-A45": "pass",
                       "TXT-A46": "pass", "TXT-A47": "pass", "TXT-A48": "pass", "TXT-A49": "pass",
                       "TXT-A50": "pass", "TXT-A51": "pass", "TXT-A52": "pass", "TXT-A53": "pass",
                       "TXT-A54": "pass", "TXT-A55": "pass"},
             indexes={"TXT-A42": 0, "TXT-A45": 0, "TXT-A48": 1}),
        dict(name="info6_revision_mask", file="valid_v00_info6.bin",
             platform=platform(didvid=0x0000_0004_B004_8086), ok=True, first_failure=None,
             outcomes={"TXT-A42": "pass"}, indexes={"TXT-A42": 1}),
        dict(name="info6_revision_mask_miss", file="valid_v00_info6.bin",
             platform=platform(didvid=0x0000_0010_B004_8086), ok=False,
             first_failure=dict(rule="TXT-A42", errc="platform_mismatch"), outcomes={"TXT-A42": "fail"}),
        dict(name="info6_wrong_device", file="valid_v00_info6.bin",
             platform=platform(didvid=0x0000_0001_B005_8086), ok=False,
             first_failure=dict(rule="TXT-A42", errc="platform_mismatch"), outcomes={"TXT-A42": "fail"}),
        dict(name="info6_server_platform", file="valid_v00_info6.bin", platform=platform(mle_flags=0x5), ok=False,
             first_failure=dict(rule="TXT-A40", errc="platform_mismatch"), outcomes={"TXT-A40": "fail"}),
        dict(name="info6_bios_v5_no_platform_type", file="valid_v00_info6.bin",
             platform=platform(bios_data_version=5, mle_flags=0x5), ok=True, first_failure=None,
             outcomes={"TXT-A40": "skipped"}),
        dict(name="info6_debug_fused_chipset", file="valid_v00_info6.bin",
             platform=platform(ver_fsbif=0x00000001), ok=False,
             first_failure=dict(rule="TXT-A41", errc="platform_mismatch"), outcomes={"TXT-A41": "fail"}),
        dict(name="info6_debug_fused_chipset_grub_rule", file="valid_v00_info6.bin",
             platform=platform(ver_fsbif=0x00000001), options=dict(fusing="grub"), ok=True, first_failure=None,
             outcomes={"TXT-A41": "warning"}),
        dict(name="info6_fusing_from_qpiif", file="valid_v00_info6.bin",
             platform=platform(ver_fsbif=0xFFFFFFFF, ver_qpiif=0x80000000), ok=True, first_failure=None,
             outcomes={"TXT-A41": "pass"}),
        dict(name="info6_fusing_unknown", file="valid_v00_info6.bin",
             platform=platform(ver_fsbif=0x0), ok=True, first_failure=None, outcomes={"TXT-A41": "skipped"}),
        dict(name="info6_wrong_processor", file="valid_v00_info6.bin", platform=platform(fms=0x000806EA), ok=False,
             first_failure=dict(rule="TXT-A45", errc="platform_mismatch"), outcomes={"TXT-A45": "fail"}),
        dict(name="info6_platform_id_entry", file="valid_v00_info6.bin",
             platform=platform(fms=0x000A0655, platform_id=0x0004000000000000), ok=True, first_failure=None,
             outcomes={"TXT-A45": "pass"}, indexes={"TXT-A45": 1}),
        dict(name="info6_tpm12", file="valid_v00_info6.bin", platform=platform(tpm_family="1.2", tpm_banks=[]),
             ok=True, first_failure=None, outcomes={"TXT-A46": "pass", "TXT-A48": "skipped"}),
        dict(name="info5_tpm12_unsupported", file="valid_v00_info5.bin",
             platform=platform(tpm_family="1.2", tpm_banks=[], bios_data_version=5), ok=False,
             first_failure=dict(rule="TXT-A46", errc="platform_mismatch"), outcomes={"TXT-A46": "fail"}),
        dict(name="info5_no_common_bank", file="valid_v00_info5.bin",
             platform=platform(tpm_banks=[0x0004], bios_data_version=5),
             ok=False, first_failure=dict(rule="TXT-A48", errc="platform_mismatch"), outcomes={"TXT-A48": "fail"}),
        dict(name="info6_old_mle", file="valid_v00_info6.bin", platform=platform(mle_header_version=0x00010001),
             ok=False, first_failure=dict(rule="TXT-A49", errc="unsupported_version"), outcomes={"TXT-A49": "fail"}),
        dict(name="info6_no_common_wake", file="valid_v00_info6.bin", platform=platform(mle_capabilities=0x4),
             ok=False, first_failure=dict(rule="TXT-A50", errc="platform_mismatch"), outcomes={"TXT-A50": "fail"}),
        dict(name="info6_too_big_for_region", file="valid_v00_info6.bin", platform=platform(sinit_size=0x400),
             ok=False, first_failure=dict(rule="TXT-A53", errc="out_of_bounds"), outcomes={"TXT-A53": "fail"}),
        dict(name="info6_region_misaligned", file="valid_v00_info6.bin", platform=platform(sinit_base=0x77E00100),
             ok=False, first_failure=dict(rule="TXT-A54", errc="misaligned"), outcomes={"TXT-A54": "fail"}),
        dict(name="info6_region_above_4g", file="valid_v00_info6.bin", platform=platform(sinit_base=0x100000000),
             ok=False, first_failure=dict(rule="TXT-A55", errc="out_of_bounds"), outcomes={"TXT-A55": "fail"}),
        dict(name="info6_max_ac_size", file="valid_v00_info6.bin", platform=platform(max_ac_size=0x400), ok=False,
             first_failure=dict(rule="TXT-A52", errc="out_of_bounds"), outcomes={"TXT-A52": "fail"}),
        dict(name="info3_skips_processor_and_tpm", file="valid_v00_info3.bin", platform=platform(), ok=True,
             first_failure=None,
             outcomes={"TXT-A45": "skipped", "TXT-A46": "skipped", "TXT-A40": "skipped", "TXT-A51": "pass",
                       "TXT-A50": "pass"}),
        dict(name="info3_no_common_wake", file="valid_v00_info3.bin", platform=platform(mle_capabilities=0x4),
             ok=False, first_failure=dict(rule="TXT-A50", errc="platform_mismatch"), outcomes={"TXT-A50": "fail"}),
        dict(name="info4_platform_type_rule_skipped", file="valid_v00_info4.bin",
             platform=platform(mle_flags=0x5, mle_capabilities=0x5), ok=True, first_failure=None,
             outcomes={"TXT-A40": "skipped", "TXT-A45": "pass"}),
        dict(name="info5_platform_type_legacy_caps", file="valid_v00_info5.bin", platform=platform(), ok=False,
             first_failure=dict(rule="TXT-A40", errc="platform_mismatch"), outcomes={"TXT-A40": "fail"}),
        dict(name="info5_platform_type_sdg_threshold", file="valid_v00_info5.bin", platform=platform(),
             options=dict(platform_type_min_info_version=6), ok=True, first_failure=None,
             outcomes={"TXT-A40": "skipped"}),
        dict(name="chained_matches", file="valid_v00_info9_chained.bin", platform=platform(), ok=True,
             first_failure=None,
             outcomes={"TXT-A40": "pass", "TXT-A42": "pass", "TXT-A43": "pass", "TXT-A44": "pass",
                       "TXT-A45": "pass", "TXT-A46": "pass", "TXT-A48": "pass"},
             indexes={"TXT-A42": 0, "TXT-A43": 1, "TXT-A45": 0}),
        dict(name="chained_cs2l_miss", file="valid_v00_info9_chained.bin",
             platform=platform(didvid=0x0000_000F_B004_8086), ok=False,
             first_failure=dict(rule="TXT-A43", errc="platform_mismatch"),
             outcomes={"TXT-A42": "pass", "TXT-A43": "fail"}, indexes={"TXT-A42": 1}),
        dict(name="chained_cs2l_masked_device", file="valid_v00_info9_chained.bin",
             platform=platform(didvid=0x0000_0001_A7FF_8086), ok=False,
             first_failure=dict(rule="TXT-A42", errc="platform_mismatch"),
             outcomes={"TXT-A42": "fail", "TXT-A43": "pass"}, indexes={"TXT-A43": 0}),
        dict(name="v30_no_ecx_pgtbl", file="valid_v30_info7.bin", platform=platform(ver_fsbif=0x00000001), ok=False,
             first_failure=dict(rule="TXT-A51", errc="platform_mismatch"),
             outcomes={"TXT-A41": "pass", "TXT-A51": "fail"}),
        dict(name="v30_no_ecx_pgtbl_tboot_rule", file="valid_v30_info7.bin", platform=platform(ver_fsbif=0x00000001),
             options=dict(require_ecx_pgtbl=False), ok=True, first_failure=None, outcomes={"TXT-A51": "warning"}),
        dict(name="v30_debug_acm_on_production", file="valid_v30_info7.bin", platform=platform(),
             options=dict(require_ecx_pgtbl=False), ok=False,
             first_failure=dict(rule="TXT-A41", errc="platform_mismatch"), outcomes={"TXT-A41": "fail"}),
        dict(name="nothing_given", file="valid_v00_info6.bin", platform={}, ok=True, first_failure=None,
             outcomes={"TXT-A40": "skipped", "TXT-A41": "skipped", "TXT-A42": "skipped", "TXT-A45": "skipped",
                       "TXT-A46": "skipped", "TXT-A47": "pass", "TXT-A48": "skipped", "TXT-A49": "skipped",
                       "TXT-A51": "pass", "TXT-A52": "skipped", "TXT-A53": "skipped"}),
    ]


def u32_at(img, off, value):
    struct.pack_into("<I", img, off, value)


def malformed(mods):
    """(name, image, errc, rule, offset) for each broken module."""
    out = []
    m6 = mods["valid_v00_info6"]
    base = m6.image()
    size = len(base)
    io = m6.info_offset
    cs = m6.info["chipset_id_list"]

    def patched(fn, src=base):
        img = bytearray(src)
        fn(img)
        return img

    out.append(("m01_truncated_header", bytes(base[:100]), "truncated_header", "TXT-A1", 0))
    out.append(("m02_size_overflow", patched(lambda b: u32_at(b, 24, 0x40000000)), "value_out_of_range", "TXT-A2", 24))
    out.append(("m03_size_not_multiple_of_64", patched(lambda b: u32_at(b, 24, size // 4 - 1)), "misaligned",
                "TXT-A3", 24))
    out.append(("m04_size_exceeds_file", patched(lambda b: u32_at(b, 24, size // 4 + 16)), "size_exceeds_buffer",
                "TXT-A4", 24))
    out.append(("m05_trailing_bytes", bytes(base) + bytes(64), "trailing_bytes", "TXT-A5", size))
    out.append(("m06_module_type", patched(lambda b: struct.pack_into("<H", b, 0, 1)), "bad_magic", "TXT-A6", 0))
    out.append(("m07_vendor", patched(lambda b: u32_at(b, 16, 0x1022)), "bad_magic", "TXT-A7", 16))
    out.append(("m08_header_version", patched(lambda b: u32_at(b, 8, 0x00010000)), "unsupported_version", "TXT-A8", 8))
    out.append(("m09_key_size", patched(lambda b: u32_at(b, 120, 96)), "entry_size_mismatch", "TXT-A9", 120))
    out.append(("m10_header_len", patched(lambda b: u32_at(b, 4, 100)), "entry_size_too_small", "TXT-A10", 4))
    out.append(("m11_scratch_wrap", patched(lambda b: u32_at(b, 124, 0x40000000)), "address_wrap", "TXT-A11", 124))
    out.append(("m12_info_outside", patched(lambda b: u32_at(b, 124, 0x10000)), "out_of_bounds", "TXT-A12", 124))
    out.append(("m13_uuid", patched(lambda b: b.__setitem__(io + 15, 0x5B)), "bad_uuid", "TXT-A13", io))
    out.append(("m14_info_version_2", patched(lambda b: b.__setitem__(io + 17, 2)), "unsupported_version", "TXT-A14",
                io + 17))
    out.append(("m15_info_version_10", patched(lambda b: b.__setitem__(io + 17, 10)), "unsupported_version",
                "TXT-A14", io + 17))
    out.append(("m16_info_length_short", patched(lambda b: struct.pack_into("<H", b, io + 18, 40)),
                "entry_size_too_small", "TXT-A15", io + 18))
    out.append(("m17_info_length_past_end", patched(lambda b: struct.pack_into("<H", b, io + 18, 0xFFFF)),
                "out_of_bounds", "TXT-A16", io + 18))
    out.append(("m18_bios_acm", patched(lambda b: b.__setitem__(io + 16, 0)), "invalid_tag", "TXT-A17", io + 16))
    out.append(("m19_subtype_reset", patched(lambda b: struct.pack_into("<H", b, 2, 1)), "invalid_tag", "TXT-A18", 2))
    out.append(("m20_os_sinit_data_ver", patched(lambda b: u32_at(b, io + 24, 3)), "unsupported_version", "TXT-A19",
                io + 24))
    out.append(("m21_entry_point", patched(lambda b: u32_at(b, 52, size)), "out_of_bounds", "TXT-A20", 52))
    out.append(("m22_segsel_zero", patched(lambda b: u32_at(b, 48, 0)), "value_out_of_range", "TXT-A21", 48))
    out.append(("m23_segsel_rpl", patched(lambda b: u32_at(b, 48, 0x0B)), "misaligned", "TXT-A22", 48))
    out.append(("m24_segsel_limit", patched(lambda b: u32_at(b, 48, 0x20)), "out_of_bounds", "TXT-A23", 48))
    out.append(("m25_gdt_outside", patched(lambda b: u32_at(b, 44, size - 8)), "out_of_bounds", "TXT-A24", 44))
    out.append(("m26_chipset_list_offset", patched(lambda b: u32_at(b, io + 20, size)), "out_of_bounds", "TXT-A25",
                io + 20))
    out.append(("m27_chipset_list_in_info_table", patched(lambda b: u32_at(b, io + 20, io + 8)), "out_of_bounds",
                "TXT-A25", io + 20))
    out.append(("m28_chipset_count", patched(lambda b: u32_at(b, cs, 0xFFFF)), "count_mismatch", "TXT-A26", cs))
    out.append(("m29_list_overlap", patched(lambda b: u32_at(b, io + 40, cs)), "overlap", "TXT-A27", io + 40))

    m9 = mods["valid_v00_info9_chained"]
    img9 = m9.image()
    size9 = len(img9)
    first = m9.chain[0]
    second = m9.chain[1]
    term = m9.term

    def no_term(b):
        u32_at(b, term["offset"], 0x58585858)  # "XXXX": an unknown list running to the end of the module
        u32_at(b, term["offset"] + 4, size9 - term["offset"])

    out.append(("m30_chain_without_term", patched(no_term, img9), "entry_header_truncated", "TXT-A28", size9))
    out.append(("m31_chain_size_small", patched(lambda b: u32_at(b, first["offset"] + 4, 8), img9),
                "entry_size_too_small", "TXT-A29", first["offset"] + 4))
    out.append(("m32_chain_size_past_end", patched(lambda b: u32_at(b, first["offset"] + 4, 0x100000), img9),
                "entry_exceeds_table", "TXT-A30", first["offset"] + 4))
    out.append(("m33_chain_count", patched(lambda b: u32_at(b, first["offset"] + 12, 100), img9), "count_mismatch",
                "TXT-A31", first["offset"] + 12))
    out.append(("m34_chain_duplicate", patched(lambda b: u32_at(b, second["offset"], CS1L), img9), "duplicate_entry",
                "TXT-A32", second["offset"]))

    # 33 empty VERL lists before TERM.
    long_chain = [dict(id=VERL, payload=b"")] * 33
    m_long = Module(info_version=9, chipsets=CHIPSETS, processors=PROCESSORS, tpm=TPM, chain=long_chain)
    out.append(("m35_chain_too_long", m_long.image(), "chain_too_long", "TXT-A33", m_long.chain[32]["offset"]))
    return out


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "acm")
    bad = os.path.join(outdir, "malformed")
    os.makedirs(bad, exist_ok=True)
    mods = valid_modules()
    for name, m in mods.items():
        with open(os.path.join(outdir, name + ".bin"), "wb") as f:
            f.write(m.image())
        with open(os.path.join(outdir, name + ".json"), "w") as f:
            json.dump(m.description(name), f, indent=1, sort_keys=True)
            f.write("\n")
    with open(os.path.join(outdir, "match.json"), "w") as f:
        json.dump(match_cases(), f, indent=1, sort_keys=True)
        f.write("\n")
    manifest = []
    for name, img, errc, rule, offset in malformed(mods):
        with open(os.path.join(bad, name + ".bin"), "wb") as f:
            f.write(bytes(img))
        manifest.append(dict(file=name + ".bin", errc=errc, rule=rule, offset=offset))
    with open(os.path.join(bad, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
