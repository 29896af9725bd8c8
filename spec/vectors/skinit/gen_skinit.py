#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Golden vectors for the AMD SKINIT contracts (spec/skinit.md).

Written from the fact sheet (skinit-arm-tcg.md A.2-A.9, slrt.md 3.x and 5), independently of
the C++ headers. Standard library only. Run from the repository root:

    python3 spec/vectors/skinit/gen_skinit.py

It rewrites spec/vectors/skinit/{valid,malformed}/ and manifest.json deterministically.

Layouts used (offsets in bytes, little-endian):
  SLB                 @0 u16 entry point, @2 u16 measured length; the SLB is at most 64 KiB
  SKL header gen1     @0 entry, @2 measured size, @4 skl_info_offset, @6 bootloader_data_offset
  SKL header gen2     @0 entry, @2 length, @4 reserved[62], @0x42 skl_info_offset, @0x44 bootloader_data_offset
  skl_info            uuid 78 f1 26 8e 04 92 11 e9 83 2a c8 5b 76 c4 cc 02, u32 version 0
  PCR 17 after SKINIT H(0^n || H(SLB[0:length])) in every bank
  SKL (TPM 2.0)       PCR 17 extended in SHA-1 and SHA-256 with H(u32 dlme_entry) then H(DLME bytes)
  SLRT v10            header 16; entries u32 tag, u32 size; dl_info 72, log_info 24, amd_info 56, END 8
  setup_data node     u64 next, u32 type, u32 len, data; boot_params.setup_data at zero page 0x250
  ACPI header         36 bytes; DRTM fixed part 0x60 then lists; ASPT: u32 num_entries then subtables
"""
import hashlib
import json
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
VALID = os.path.join(HERE, "valid")
MALFORMED = os.path.join(HERE, "malformed")

SKL_UUID = bytes([0x78, 0xF1, 0x26, 0x8E, 0x04, 0x92, 0x11, 0xE9, 0x83, 0x2A, 0xC8, 0x5B, 0x76, 0xC4, 0xCC, 0x02])
SLB_SIZE = 0x10000
BANKS = ["sha1", "sha256", "sha384", "sha512"]

manifest = {"valid": [], "malformed": []}


def H(alg, data):
    return hashlib.new(alg, data).digest()


def extend(alg, pcr, measurement):
    return H(alg, pcr + measurement)


def pcr17_after_skinit(alg, measured):
    return extend(alg, bytes(hashlib.new(alg).digest_size), H(alg, measured))


def u16(v):
    return struct.pack("<H", v)


def u32(v):
    return struct.pack("<I", v)


def u64(v):
    return struct.pack("<Q", v)


def filler(n, seed):
    """Deterministic bytes that stand in for code and data."""
    out = bytearray()
    counter = 0
    while len(out) < n:
        out += hashlib.sha256(b"skinit-vector" + bytes([seed]) + counter.to_bytes(4, "little")).digest()
        counter += 1
    return bytearray(out[:n])


def write(directory, name, data):
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, name), "wb") as f:
        f.write(bytes(data))


def write_json(directory, name, doc):
    with open(os.path.join(directory, name), "w") as f:
        json.dump(doc, f, indent=2, sort_keys=False)
        f.write("\n")


# ------------------------------------------------------------------------------------------------
# SKL images


def skl_image(gen, entry, length, info_offset, bdo, size, seed, version=0, uuid=SKL_UUID, reserved=None):
    img = filler(size, seed)
    if gen == 1:
        img[0:8] = u16(entry) + u16(length) + u16(info_offset) + u16(bdo)
    else:
        img[0:4] = u16(entry) + u16(length)
        img[4:0x42] = bytes(62) if reserved is None else reserved
        img[0x42:0x46] = u16(info_offset) + u16(bdo)
    if info_offset + 20 <= size:
        img[info_offset:info_offset + 20] = uuid + u32(version)
    return img


def slb_doc(img, parser):
    entry, length = struct.unpack_from("<HH", img, 0)
    measured = bytes(img[:length])
    doc = {
        "parser": parser,
        "entry_point": entry,
        "length": length,
        "image_size": len(img),
        "skinit_measurement": {a: H(a, measured).hex() for a in BANKS},
        "pcr17": {a: pcr17_after_skinit(a, measured).hex() for a in BANKS},
    }
    return doc


def skl_doc(img, gen):
    doc = slb_doc(img, "skl")
    if gen == 1:
        info, bdo = struct.unpack_from("<HH", img, 4)
        reserved = bytes(62)
    else:
        info, bdo = struct.unpack_from("<HH", img, 0x42)
        reserved = bytes(img[4:0x42])
    doc.update({
        "generation": "gen%d" % gen,
        "header_size": 8 if gen == 1 else 70,
        "skl_info_offset": info,
        "bootloader_data_offset": bdo,
        "slrt_room": SLB_SIZE - bdo,
        "uuid": bytes(img[info:info + 16]).hex(),
        "version": struct.unpack_from("<I", img, info + 16)[0],
        "reserved_zero": reserved == bytes(62),
    })
    return doc


def valid(name, data, doc, **extra):
    write(VALID, name + ".bin", data)
    write_json(VALID, name + ".json", doc)
    entry = {"file": "valid/%s.bin" % name, "json": "valid/%s.json" % name, "parser": doc["parser"]}
    entry.update(extra)
    manifest["valid"].append(entry)


def malformed(name, data, parser, errc, rule, offset, **extra):
    write(MALFORMED, name + ".bin", data)
    entry = {"file": "malformed/%s.bin" % name, "parser": parser, "errc": errc, "rule": rule, "offset": offset}
    entry.update(extra)
    manifest["malformed"].append(entry)


GEN1 = dict(gen=1, entry=0x10, length=0x0A00, info_offset=0x0900, bdo=0x1000, size=0x0A00, seed=1)
GEN2 = dict(gen=2, entry=0x46, length=0x0C40, info_offset=0x100, bdo=0x2000, size=0x0C40, seed=2)
L1, L2 = GEN1["length"], GEN2["length"]

gen1 = skl_image(**GEN1)
gen2 = skl_image(**GEN2)
valid("gen1-skl", gen1, skl_doc(gen1, 1))
valid("gen2-skl", gen2, skl_doc(gen2, 2))
# gen2 with nonzero reserved bytes (AMD-defined content): still gen2, reserved_zero false.
gen2r = skl_image(**dict(GEN2, seed=3, reserved=bytes(range(1, 63))))
valid("gen2-skl-reserved-set", gen2r, skl_doc(gen2r, 2))
# Plain SLBs at the boundaries: the smallest measured length and the largest.
slb_min = bytearray(u16(3) + u16(4) + bytes(12))
valid("slb-length-4", slb_min, slb_doc(slb_min, "slb"))
slb_max = filler(SLB_SIZE, 4)
slb_max[0:4] = u16(0xFFFE) + u16(0xFFFF)
valid("slb-length-ffff", slb_max, slb_doc(slb_max, "slb"))

# ------------------------------------------------------------------------------------------------
# An SLRT (v10 layout, AMD) placed in the gen2 image, and SKL's measurements on top of SKINIT.

SLB_BASE = 0x7FFF0000
DLME_BASE = 0x01000000
DLME_ENTRY = 0x264
BOOT_PARAMS = 0x00090000
LOG_BASE = 0x02000000
dlme = filler(0x2345, 5)


def slrt_v10(arch, room, slb_base, bdo, dlme_bytes, max_size=None, with_amd=True):
    entries = b""
    # dl_info: dce_size, dce_base, dlme_size, dlme_base, dlme_entry, bl_context{bootloader 1, context}, dl_handler
    dl = u32(1) + u32(72) + u64(len(gen2)) + u64(slb_base) + u64(len(dlme_bytes)) + u64(DLME_BASE) + u64(DLME_ENTRY)
    dl += u16(1) + bytes(6) + u64(BOOT_PARAMS) + u64(0)
    assert len(dl) == 72
    log = u32(2) + u32(24) + u16(2) + u16(0) + u32(0x8000) + u64(LOG_BASE)
    amd = u32(5) + u32(56) + u64(0) + u32(10) + u32(32) + u64(room) + u64(slb_base + bdo) + u64(BOOT_PARAMS)
    amd += u16(0) + bytes(6)
    assert len(amd) == 56
    entries = dl + log + (amd if with_amd else b"") + u32(0xFFFF) + u32(8)
    size = 16 + len(entries)
    return u32(0x4452544D) + u16(1) + u16(arch) + u32(size) + u32(room if max_size is None else max_size) + entries


bdo2 = GEN2["bdo"]
room2 = SLB_SIZE - bdo2
slrt = slrt_v10(2, room2, SLB_BASE, bdo2, dlme)
write(VALID, "placed-gen2-slrt.bin", slrt)
write(VALID, "dlme.bin", dlme)
placed = bytearray(SLB_SIZE)
placed[:len(gen2)] = gen2
placed[bdo2:bdo2 + len(slrt)] = slrt

measured = bytes(gen2[:GEN2["length"]])
after_skl = {}
for family, banks in (("tpm20", ["sha1", "sha256"]), ("tpm12", ["sha1"])):
    values = {}
    for a in BANKS:
        pcr = pcr17_after_skinit(a, measured)
        if a in banks:
            pcr = extend(a, pcr, H(a, u32(DLME_ENTRY)))
            pcr = extend(a, pcr, H(a, dlme))
        values[a] = pcr.hex()
    after_skl[family] = values
doc = slb_doc(placed, "place")
doc.update({
    "slb": "valid/gen2-skl.bin",
    "slrt": "valid/placed-gen2-slrt.bin",
    "dlme": "valid/dlme.bin",
    "slb_base": SLB_BASE,
    "dlme_base": DLME_BASE,
    "dlme_entry": DLME_ENTRY,
    "slrt_offset": bdo2,
    "slrt_size": len(slrt),
    "slrt_max_size": room2,
    "room": room2,
    "pcr17_after_skl": after_skl,
    "pcr18_after_skl": {a: bytes(hashlib.new(a).digest_size).hex() for a in BANKS},
})
valid("placed-gen2", placed, doc)

# ------------------------------------------------------------------------------------------------
# setup_data chains: a memory image starting at RAM_BASE; boot_params at RAM_BASE.

RAM_BASE = 0x00090000


def amd_entry(len_value, size=56, tag=5, type_=10, nxt=0):
    e = u32(tag) + u32(size) + u64(nxt) + u32(type_) + u32(len_value) + u64(room2) + u64(SLB_BASE + bdo2)
    e += u64(BOOT_PARAMS)
    if size == 56:
        e += u16(2) + bytes(6)
    return bytearray(e)


def node(nxt, type_, payload):
    return bytearray(u64(nxt) + u32(type_) + u32(len(payload)) + payload)


def ram_with(chain_head, pieces):
    ram = bytearray(0x3000)
    ram[0x250:0x258] = u64(chain_head)
    for at, data in pieces:
        ram[at - RAM_BASE:at - RAM_BASE + len(data)] = data
    return ram


def amd_doc(mode, entry_at, node_index, nodes, e, quirks):
    size = struct.unpack_from("<I", e, 4)[0]
    return {
        "parser": "setup_data",
        "base": RAM_BASE,
        "boot_params": RAM_BASE,
        "mode": mode,
        "entry": entry_at,
        "node": entry_at + 8,
        "entry_size": size,
        "node_index": node_index,
        "nodes": nodes,
        "next": struct.unpack_from("<Q", e, 8)[0],
        "type": struct.unpack_from("<I", e, 16)[0],
        "len": struct.unpack_from("<I", e, 20)[0],
        "slrt_size": struct.unpack_from("<Q", e, 24)[0],
        "slrt_base": struct.unpack_from("<Q", e, 32)[0],
        "boot_params_base": struct.unpack_from("<Q", e, 40)[0],
        "psp_version": struct.unpack_from("<H", e, 48)[0] if size >= 50 else 0,
        "quirks": quirks,
    }


E820 = RAM_BASE + 0x1000  # an ordinary node (type 1)
AMD = RAM_BASE + 0x2000   # the amd_info entry; its node is at AMD + 8
KHO = RAM_BASE + 0x1800   # a kexec handover node of type 10

e = amd_entry(32, nxt=0)
ram = ram_with(E820, [(E820, node(AMD + 8, 1, bytes(40))), (AMD, e)])
valid("chain-e820-amd", ram, amd_doc("strict", AMD, 1, 2, e, []))

# GRUB's len = whole entry (56) and a KHO node of type 10 first: permissive names both.
e = amd_entry(56, nxt=0)
ram = ram_with(KHO, [(KHO, node(AMD + 8, 10, bytes(24))), (AMD, e)])
valid("chain-kho-then-grub-len", ram, amd_doc("permissive", AMD, 1, 2, e,
                                              ["setup_type_collision", "amd_info_len_whole_entry"]))
malformed("chain-kho-strict", ram, "setup_data", "invalid_tag", "SKL-43", 0, base=RAM_BASE, boot_params=RAM_BASE,
          mode="strict", entry_index=0)

e = amd_entry(56, nxt=0)
ram = ram_with(AMD + 8, [(AMD, e)])
malformed("chain-grub-len-strict", ram, "setup_data", "amd_info_bad_len", "SKL-46", 0, base=RAM_BASE,
          boot_params=RAM_BASE, mode="strict", entry_index=0)

# AMD -> E820 -> E820B -> E820: the walk notices the cycle after visiting three nodes.
E820B = RAM_BASE + 0x1100
e = amd_entry(32, nxt=E820)
ram = ram_with(AMD + 8, [(AMD, e), (E820, node(E820B, 1, bytes(8))), (E820B, node(E820, 1, bytes(8)))])
malformed("chain-cycle", ram, "setup_data", "chain_too_long", "SKL-42", 0, base=RAM_BASE, boot_params=RAM_BASE,
          mode="strict", entry_index=3)

ram = ram_with(E820, [(E820, node(0, 1, bytes(8)))])
malformed("chain-no-amd-info", ram, "setup_data", "not_found", "SKL-47", 0, base=RAM_BASE, boot_params=RAM_BASE,
          mode="strict", entry_index=None)

ram = ram_with(RAM_BASE + 0x10000, [])
malformed("chain-head-unmapped", ram, "setup_data", "memory_unmapped", "SKL-40", 0, base=RAM_BASE,
          boot_params=RAM_BASE, mode="strict", entry_index=0)

# ------------------------------------------------------------------------------------------------
# SLB / SKL malformed set


def gen2_with(**kw):
    return skl_image(**dict(GEN2, **kw))


def gen1_with(**kw):
    return skl_image(**dict(GEN1, **kw))


malformed("slb-empty", b"", "slb", "truncated_header", "SKINIT-1", 0)
malformed("slb-3-bytes", u16(0) + b"\x04", "slb", "truncated_header", "SKINIT-1", 0)
big = filler(SLB_SIZE + 1, 6)
big[0:4] = u16(0x46) + u16(0x100)
malformed("slb-65537-bytes", big, "slb", "out_of_bounds", "SKINIT-2", 0x10000)
malformed("slb-length-3", u16(0) + u16(3) + bytes(12), "slb", "value_out_of_range", "SKINIT-3", 2)
malformed("slb-length-past-image", u16(0) + u16(0x21) + bytes(0x1C), "slb", "out_of_bounds", "SKINIT-4", 2)
malformed("slb-entry-equals-length", u16(0x10) + u16(0x10) + bytes(0x1C), "slb", "out_of_bounds", "SKINIT-5", 0)
malformed("skl-gen2-entry-past-measured", gen2_with(entry=L2), "skl", "out_of_bounds", "SKINIT-5", 0)
malformed("skl-5-bytes", u16(0) + u16(5) + b"\x00", "skl", "truncated_header", "SKL-20", 0)
malformed("skl-gen2-explicit-60-bytes", u16(0) + u16(60) + bytes(56), "skl-gen2", "truncated_header", "SKL-20", 0)
malformed("skl-no-uuid", gen2_with(uuid=bytes(16)), "skl", "not_found", "SKL-21", 0)
amb = gen2_with()
amb[4:6] = u16(GEN2["info_offset"])  # reserved bytes 4..5 happen to point at the UUID too
malformed("skl-ambiguous", amb, "skl", "unsupported_version", "SKL-22", 4)
far = gen2_with()
far[0x42:0x44] = u16(L2 - 0x10)
malformed("skl-gen2-info-past-image", far, "skl-gen2", "out_of_bounds", "SKL-23", 0x42)
malformed("skl-gen1-bad-uuid", gen1_with(uuid=bytes(range(16))), "skl-gen1", "bad_uuid", "SKL-24", GEN1["info_offset"])
malformed("skl-version-1", gen2_with(version=1), "skl", "unsupported_version", "SKL-25", 0x100 + 16)
malformed("skl-gen2-length-below-header", gen2_with(length=0x40, entry=0x10), "skl", "value_out_of_range",
          "SKL-30", 2)
malformed("skl-gen2-info-not-measured", gen2_with(info_offset=L2 - 0x10, size=L2 + 0x10), "skl", "out_of_bounds", "SKL-31", 0x42)
malformed("skl-gen1-info-not-measured", gen1_with(info_offset=L1 - 0x10, size=L1 + 0x10), "skl", "out_of_bounds",
          "SKL-31", 4)
malformed("skl-gen2-bdo-inside-measured", gen2_with(bdo=L2 - 0x100), "skl", "overlap", "SKL-32", 0x44)
malformed("skl-gen1-bdo-inside-measured", gen1_with(bdo=L1 - 1), "skl", "overlap", "SKL-32", 6)
malformed("skl-gen2-no-room", gen2_with(bdo=0xF001), "skl", "out_of_bounds", "SKL-33", 0x44)

# Placement failures: the gen2 image with a table that does not fit where it goes.
write(MALFORMED, "place-slrt-intel.bin", slrt_v10(1, room2, SLB_BASE, bdo2, dlme, with_amd=False))
malformed("place-gen2-intel-table", gen2, "place", "architecture_mismatch", "SKL-34", 6,
          slrt="malformed/place-slrt-intel.bin")
write(MALFORMED, "place-slrt-max-size.bin", slrt_v10(2, room2, SLB_BASE, bdo2, dlme, max_size=room2 + 1))
malformed("place-gen2-max-size", gen2, "place", "out_of_bounds", "SKL-35", 12,
          slrt="malformed/place-slrt-max-size.bin")
late = gen2_with(bdo=0xF000)
# 0xF000 + 176 + 0x280 <= 0x10000: fits; a table of 0xD81 bytes would not. Grow the table with an
# unknown-tag entry to 0xD90 bytes.
t = bytearray(slrt_v10(2, 0x1000, SLB_BASE, 0xF000, dlme))
pad = 0xD90 - len(t)
end = t[-8:]
t = t[:-8] + u32(0x1234) + u32(pad) + bytes(pad - 8) + end
t[8:12] = u32(len(t))
write(MALFORMED, "place-slrt-no-stack.bin", t)
malformed("place-gen2-no-stack", late, "place", "out_of_bounds", "SKL-36", 8, slrt="malformed/place-slrt-no-stack.bin")

# ------------------------------------------------------------------------------------------------
# ACPI DRTM and ASPT (experimental)


def acpi(sig, revision, body, length=None, checksum=None):
    n = 36 + len(body) if length is None else length
    t = bytearray(sig + u32(n) + bytes([revision, 0]) + b"SLRTVC" + b"SKINITVC" + u32(1) + b"SLRT" + u32(0x20261125))
    t += body
    if checksum is None:
        t[9] = (0x100 - (sum(t[:n]) & 0xFF)) & 0xFF if n <= len(t) else 0
    else:
        t[9] = checksum
    return t


def drtm_body(vtl, resources, dps_len, dps, log_addr=0x7F000000, log_len=0x10000, flags=0x5):
    b = u64(0xFFE00000) + u64(0x10000) + u32(0xFFE00100) + u64(0xFFE00200) + u64(0xFFE00300)
    b += u64(log_addr) + u32(log_len) + u64(0xFED40000) + u32(flags)
    assert len(b) == 0x60 - 36
    b += u32(len(vtl)) + b"".join(u64(a) for a in vtl)
    b += u32(len(resources)) + b"".join(struct.pack("<Q", s)[:7] + bytes([ty]) + u64(a) for s, ty, a in resources)
    b += u32(dps_len) + dps
    return b


VTL = [0x7FEE0000, 0x7FEE1000]
RES = [(0x100000, 0x01, 0xFED00000), (0x00FFFFFFFFFFFFFF, 0x80, 0x100000000)]
DPS = bytes(range(0xA0, 0xB0))
drtm = acpi(b"DRTM", 1, drtm_body(VTL, RES, 16, DPS))
valid("acpi-drtm", drtm, {
    "parser": "drtm",
    "length": len(drtm),
    "revision": 1,
    "entry_base_address": 0xFFE00000,
    "entry_length": 0x10000,
    "entry_address32": 0xFFE00100,
    "entry_address64": 0xFFE00200,
    "exit_address": 0xFFE00300,
    "log_area_address": 0x7F000000,
    "log_area_length": 0x10000,
    "arch_dependent_address": 0xFED40000,
    "flags": 5,
    "validated_tables": VTL,
    "resources": [{"size": s, "type": ty, "address": a} for s, ty, a in RES],
    "dps_id_length": 16,
    "dps_id": DPS.hex(),
})
malformed("drtm-truncated", drtm[:20], "drtm", "truncated_header", "ASP-10", 0)
bad = bytearray(drtm)
bad[0:4] = b"DRTN"
malformed("drtm-bad-signature", bad, "drtm", "bad_magic", "ASP-11", 0)
malformed("drtm-length-past-end", acpi(b"DRTM", 1, drtm_body(VTL, RES, 16, DPS), length=len(drtm) + 1), "drtm",
          "size_exceeds_buffer", "ASP-12", 4)
short = acpi(b"DRTM", 1, drtm_body(VTL, RES, 16, DPS), length=0x50)
malformed("drtm-length-0x50", short, "drtm", "size_too_small", "ASP-13", 4)
bad = bytearray(drtm)
bad[9] ^= 0x01
malformed("drtm-bad-checksum", bad, "drtm", "value_out_of_range", "ASP-14", 9)
malformed("drtm-revision-2", acpi(b"DRTM", 2, drtm_body(VTL, RES, 16, DPS)), "drtm", "bad_revision", "ASP-15", 8)
body = bytearray(drtm_body(VTL, RES, 16, DPS))
body[0x60 - 36:0x60 - 36 + 4] = u32(0x20000000)
malformed("drtm-vtl-count-huge", acpi(b"DRTM", 1, body), "drtm", "entry_exceeds_table", "ASP-16", 0x60)
body = bytearray(drtm_body(VTL, RES, 16, DPS))
res_at = 0x60 + 4 + 8 * len(VTL)
body[res_at - 36:res_at - 36 + 4] = u32(4)
malformed("drtm-resources-overflow", acpi(b"DRTM", 1, body), "drtm", "entry_exceeds_table", "ASP-17", res_at)
body = drtm_body(VTL, RES, 16, DPS)[:-20]
malformed("drtm-no-dps-id", acpi(b"DRTM", 1, body), "drtm", "entry_exceeds_table", "ASP-18", 4)
malformed("drtm-dps-length-17", acpi(b"DRTM", 1, drtm_body(VTL, RES, 17, DPS)), "drtm", "value_out_of_range",
          "ASP-19", res_at + 4 + 16 * len(RES))
malformed("drtm-trailing-bytes", acpi(b"DRTM", 1, drtm_body(VTL, RES, 16, DPS) + bytes(4)), "drtm",
          "trailing_bytes", "ASP-20", len(drtm))
malformed("drtm-log-wrap", acpi(b"DRTM", 1, drtm_body(VTL, RES, 16, DPS, log_addr=0xFFFFFFFFFFFF0001)), "drtm",
          "address_wrap", "ASP-21", 0x48)

PAGE = 0xFEB00000


def aspt_sub(type_, length=32, reserved=0):
    if type_ == 0:
        s = u16(0) + u16(length) + u32(reserved) + u64(PAGE + 0x10) + u64(PAGE + 0x14) + u64(PAGE + 0x18)
    elif type_ == 1:
        s = u16(1) + u16(length) + bytes([9]) + bytes([reserved, 0, 0]) + u64(PAGE + 0x570) + u64(PAGE + 0x574)
        s += u64(PAGE + 0x578)
    else:
        s = u16(2) + u16(length) + u32(reserved) + u64(PAGE + 0x580) + bytes(16)
    return s


def aspt_table(subs, num=None, length=None):
    body = u32(len(subs) if num is None else num) + b"".join(subs)
    return acpi(b"ASPT", 1, body, length=length)


aspt = aspt_table([aspt_sub(0), aspt_sub(1), aspt_sub(2)])
valid("acpi-aspt", aspt, {
    "parser": "aspt",
    "length": len(aspt),
    "num_entries": 3,
    "feature_reg_addr": PAGE + 0x10,
    "irq_en_reg_addr": PAGE + 0x14,
    "irq_st_reg_addr": PAGE + 0x18,
    "sev_mbox_irq_id": 9,
    "sev_cmd_resp_reg_addr": PAGE + 0x570,
    "sev_cmd_buf_lo_reg_addr": PAGE + 0x574,
    "sev_cmd_buf_hi_reg_addr": PAGE + 0x578,
    "acpi_cmd_resp_reg_addr": PAGE + 0x580,
    "unknown_subtables": 0,
})
# Subtables in another order plus an unknown type are accepted.
aspt2 = aspt_table([aspt_sub(2), bytes(u16(7) + u16(8) + bytes(4)), aspt_sub(0), aspt_sub(1)])
valid("acpi-aspt-unordered", aspt2, {
    "parser": "aspt",
    "length": len(aspt2),
    "num_entries": 4,
    "feature_reg_addr": PAGE + 0x10,
    "irq_en_reg_addr": PAGE + 0x14,
    "irq_st_reg_addr": PAGE + 0x18,
    "sev_mbox_irq_id": 9,
    "sev_cmd_resp_reg_addr": PAGE + 0x570,
    "sev_cmd_buf_lo_reg_addr": PAGE + 0x574,
    "sev_cmd_buf_hi_reg_addr": PAGE + 0x578,
    "acpi_cmd_resp_reg_addr": PAGE + 0x580,
    "unknown_subtables": 1,
})
malformed("aspt-subtable-header-truncated", aspt_table([aspt_sub(0), aspt_sub(1), aspt_sub(2), bytes(2)]), "aspt",
          "entry_header_truncated", "ASP-30", 40 + 96)
malformed("aspt-subtable-length-2", aspt_table([aspt_sub(0), bytes(u16(9) + u16(2))]), "aspt",
          "entry_size_too_small", "ASP-31", 40 + 32 + 2)
malformed("aspt-subtable-past-end", aspt_table([aspt_sub(0), aspt_sub(1), aspt_sub(2, length=40)]), "aspt",
          "entry_exceeds_table", "ASP-32", 40 + 64 + 2)
malformed("aspt-global-length-24", aspt_table([aspt_sub(0, length=24)[:24], aspt_sub(1), aspt_sub(2)]), "aspt",
          "entry_size_mismatch", "ASP-33", 40 + 2)
malformed("aspt-duplicate-sev", aspt_table([aspt_sub(0), aspt_sub(1), aspt_sub(1), aspt_sub(2)]), "aspt",
          "duplicate_entry", "ASP-34", 40 + 64)
malformed("aspt-num-entries-4", aspt_table([aspt_sub(0), aspt_sub(1), aspt_sub(2)], num=4), "aspt",
          "count_mismatch", "ASP-35", 36)
malformed("aspt-reserved-set", aspt_table([aspt_sub(0, reserved=1), aspt_sub(1), aspt_sub(2)]), "aspt",
          "reserved_nonzero", "ASP-36", 40 + 4)
malformed("aspt-no-acpi-mailbox", aspt_table([aspt_sub(0), aspt_sub(1)]), "aspt", "not_found", "ASP-37", 36)
far_page = bytearray(aspt_sub(2))
far_page[8:16] = u64(PAGE + 0x1000)
malformed("aspt-two-pages", aspt_table([aspt_sub(0), aspt_sub(1), bytes(far_page)]), "aspt", "value_out_of_range",
          "ASP-38", 36)

with open(os.path.join(HERE, "manifest.json"), "w") as f:
    json.dump(manifest, f, indent=2)
    f.write("\n")
print("%d valid, %d malformed" % (len(manifest["valid"]), len(manifest["malformed"])))
