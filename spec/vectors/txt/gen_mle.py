#!/usr/bin/env python3
"""Golden vectors for the Intel TXT MLE header and MLE page tables (spec/txt/mle.md).

Standard library only. Written from the TXT fact sheet (MLE header: SDG Table 2-1; page tables:
SDG 2.2.4.1) and the Linux boot protocol (Documentation/arch/x86/boot.rst: setup header at
0x1F1, "HdrS" at 0x202, version at 0x206, kernel_info_offset at 0x268 counted from the
protected-mode start; kernel_info "LToP" with mle_header_offset at 0x10). Run from anywhere:

    python3 spec/vectors/txt/gen_mle.py

It rewrites spec/vectors/txt/mle/ deterministically:
    valid/NAME.bin + valid/NAME.json   accepted inputs and what they decode to
    malformed/NAME.bin                 one defect each
    manifest.json                      {"valid": [...], "malformed": [...]}

Every malformed entry names the parser ("header", "find" or "ptab"), the errc name, the rule id
and the offset of the field at fault (a file offset, or for "ptab" the physical address of the
page-table entry at fault, or 0 when the fault is a walk parameter). "ptab" entries also carry
the walk parameters and the physical address the file is loaded at.
"""

import hashlib
import json
import os
import shutil
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "mle")

UUID = struct.pack("<4I", 0x9082AC5A, 0x74A7476F, 0xA2555C0F, 0x42B651CB)
assert UUID.hex() == "5aac82906f47a7740f5c55a2cb51b642"

V10, V11, V20, V21, V22, V23 = 0x00010000, 0x00010001, 0x00020000, 0x00020001, 0x00020002, 0x00020003
SIZE = {V10: 28, V11: 40, V20: 44, V21: 52, V22: 52, V23: 52}
ALGS = ["sha1", "sha256", "sha384", "sha512"]

valid = []
malformed = []

if os.path.isdir(OUT):
    shutil.rmtree(OUT)
os.makedirs(os.path.join(OUT, "valid"))
os.makedirs(os.path.join(OUT, "malformed"))


# ---------------------------------------------------------------------------------------------
# MLE header


def header(version, header_len=None, entry=0, fvp=0, start=0, end=0, caps=0, cl_start=0, cl_end=0):
    """Bytes of an MLE header: the fields of `version` only (Table 2-1)."""
    size = SIZE.get(version, 52)
    if header_len is None:
        header_len = size
    b = UUID + struct.pack("<3I", header_len, version, entry)
    if size >= 40:
        b += struct.pack("<3I", fvp, start, end)
    if size >= 44:
        b += struct.pack("<I", caps)
    if size >= 52:
        b += struct.pack("<2I", cl_start, cl_end)
    assert len(b) == size
    return b


def decode_header(b):
    """Reference decode by literal offsets (SDG Table 2-1)."""
    assert b[0:16] == UUID
    hl, ver, entry = struct.unpack_from("<3I", b, 16)
    d = {"header_len": hl, "version": ver, "version_text": "%d.%d" % (ver >> 16, ver & 0xFFFF),
         "entry_point": entry}
    size = SIZE[ver]
    d["size"] = size
    d["first_valid_page"], d["mle_start"], d["mle_end"] = struct.unpack_from("<3I", b, 28) if size >= 40 else (0, 0, 0)
    d["capabilities"] = struct.unpack_from("<I", b, 40)[0] if size >= 44 else 0
    d["cmdline_start"], d["cmdline_end"] = struct.unpack_from("<2I", b, 44) if size >= 52 else (0, 0)
    return d


def digests(data):
    return {a: hashlib.new(a, data).hexdigest() for a in ALGS}


def write(kind, name, data, doc=None, **manifest):
    path = os.path.join(OUT, kind, name + ".bin")
    with open(path, "wb") as f:
        f.write(data)
    entry = {"file": kind + "/" + name + ".bin"}
    if doc is not None:
        with open(os.path.join(OUT, kind, name + ".json"), "w") as f:
            json.dump(doc, f, indent=2)
            f.write("\n")
        entry["json"] = kind + "/" + name + ".json"
    entry.update(manifest)
    (valid if kind == "valid" else malformed).append(entry)


def bad(name, data, parser, errc, rule, offset, **extra):
    write("malformed", name, data, None, parser=parser, errc=errc, rule=rule, offset=offset, **extra)


# Linux Secure Launch header (LXTB kernel_info.S): 2.2, caps 0x227, FVP 0, MleStart 0.
LINUX_CAPS = 0x227
# tboot 2026: 2.3, caps 0x4627 (bits 0,1,2,5,9,10,14), MleStart 0x4000 (tables below the MLE).
TBOOT_CAPS = 0x4627

headers = [
    ("header-v1.0", header(V10, entry=0x100)),
    ("header-v1.1", header(V11, entry=0x200, fvp=0, start=0, end=0x3000)),
    ("header-v2.0", header(V20, entry=0x1010, fvp=0x1000, start=0x1000, end=0x5000, caps=0x1)),
    ("header-v2.1", header(V21, entry=0x40, start=0, end=0x8000, caps=0x23, cl_start=0x7000, cl_end=0x7200)),
    ("header-v2.2-linux", header(V22, entry=0x2a0, start=0, end=0x9e8000, caps=LINUX_CAPS)),
    ("header-v2.3-tboot", header(V23, entry=0x8, start=0x4000, end=0x5c000, caps=TBOOT_CAPS,
                                 cl_start=0x5d000, cl_end=0x5d1ff)),
    ("header-v2.1-len-64", header(V21, header_len=64, entry=0x40, start=0, end=0x8000, caps=0x2) + bytes(12)),
]
for name, b in headers:
    d = decode_header(b)
    write("valid", name, b, d, parser="header")

# Malformed headers (parse = decode + validate), offsets within the file.
v21 = dict(entry=0x40, start=0, end=0x8000, caps=0x227)
bad("header-20-bytes", header(V21, **v21)[:20], "header", "truncated_header", "TXT-M1", 0)
b = bytearray(header(V21, **v21)); b[5] ^= 0xFF
bad("header-bad-uuid", bytes(b), "header", "bad_uuid", "TXT-M2", 4)
bad("header-version-3.0", UUID + struct.pack("<3I", 52, 0x00030000, 0) + bytes(24), "header",
    "unsupported_version", "TXT-M3", 20)
bad("header-v2.1-48-bytes", header(V21, **v21)[:48], "header", "truncated_header", "TXT-M1", 0)
bad("header-len-44-v2.1", header(V21, header_len=44, **v21), "header", "entry_size_too_small", "TXT-M4", 16)
bad("header-len-past-end", header(V21, header_len=0x40, **v21), "header", "out_of_bounds", "TXT-M5", 16)
bad("header-end-below-start", header(V21, entry=0x2000, start=0x2000, end=0x1000, caps=0x227), "header",
    "value_out_of_range", "TXT-M6", 36)
bad("header-fvp-misaligned", header(V21, entry=0x1800, fvp=0x1800, start=0, end=0x8000, caps=0x227), "header",
    "misaligned", "TXT-M7", 28)
bad("header-linear-wrap", header(V21, entry=0xFFFFF000, fvp=0xFFFFF000, start=0, end=0x2000, caps=0x227),
    "header", "address_wrap", "TXT-M8", 28)
bad("header-entry-outside", header(V21, entry=0x8000, start=0, end=0x8000, caps=0x227), "header",
    "out_of_bounds", "TXT-M9", 24)
bad("header-entry-below-fvp", header(V11, entry=0xFFF, fvp=0x1000, start=0, end=0x8000), "header",
    "out_of_bounds", "TXT-M9", 24)
bad("header-reserved-caps", header(V21, entry=0x40, start=0, end=0x8000, caps=0x227 | (1 << 11)), "header",
    "reserved_nonzero", "TXT-M10", 40)
bad("header-no-wake", header(V20, entry=0x40, start=0, end=0x8000, caps=0x224), "header",
    "launch_requirement", "TXT-M11", 40)
bad("header-cmdline-inverted", header(V22, entry=0x40, start=0, end=0x8000, caps=0x227, cl_start=0x200,
                                      cl_end=0x100), "header", "value_out_of_range", "TXT-M12", 48)

# ---------------------------------------------------------------------------------------------
# Raw MLE images (no setup header: the UUID scan)


def pattern(n, seed):
    return bytes(((i * 7 + seed) ^ (i >> 8)) & 0xFF for i in range(n))


def raw_image(size, hdr_at, hdr, seed=1):
    img = bytearray(pattern(size, seed))
    img[hdr_at:hdr_at + len(hdr)] = hdr
    assert bytes(img).count(UUID) == 1 or hdr[:16] != UUID
    return img


def find_doc(img, kind, mle_offset, header_offset, extra=None):
    b = bytes(img)
    d = decode_header(b[header_offset:])
    doc = {"kind": kind, "mle_offset": mle_offset, "header_offset": header_offset,
           "header_offset_in_mle": header_offset - mle_offset, "header": d}
    if extra:
        doc.update(extra)
    binary = b[mle_offset:]
    if d["version"] >= V11:
        doc["measurement"] = digests(binary[d["mle_start"]:d["mle_end"]])
        doc["measured_bytes"] = d["mle_end"] - d["mle_start"]
    return doc


img = raw_image(0x3000, 0x40, header(V21, entry=0x100, start=0, end=0x2C00, caps=0x3))
write("valid", "raw-mle", bytes(img), find_doc(img, "raw", 0, 0x40), parser="find")
img = raw_image(0x6000, 0x1010, header(V23, entry=0x8, start=0x1000, end=0x5000, caps=TBOOT_CAPS), seed=9)
write("valid", "raw-mle-tboot-layout", bytes(img), find_doc(img, "raw", 0, 0x1010), parser="find")
img = raw_image(0x800, 0x20, header(V10, entry=0x100), seed=3)
write("valid", "raw-mle-v1.0", bytes(img), find_doc(img, "raw", 0, 0x20), parser="find")

bad("raw-no-uuid", pattern(0x400, 5), "find", "not_found", "TXT-M31", 0)
img = raw_image(0x2000, 0x40, header(V21, entry=0x100, start=0, end=0x2000, caps=0x3))
img[0x1800:0x1810] = UUID
bad("raw-duplicate-uuid", bytes(img), "find", "duplicate_entry", "TXT-M34", 0x1800)
img = bytearray(pattern(0x200, 7)) + UUID + struct.pack("<I", 52)
bad("raw-truncated-header", bytes(img), "find", "truncated_header", "TXT-M1", 0x200)
img = raw_image(0x2000, 0x40, header(V21, entry=0x100, start=0, end=0x3000, caps=0x3))
bad("raw-mle-end-past-image", bytes(img), "find", "out_of_bounds", "TXT-M32", 0x40 + 36)

# ---------------------------------------------------------------------------------------------
# bzImage (Linux boot protocol)


def bzimage(setup_sects=1, protocol=0x020F, ki_off=0x100, ki_size=20, ki_total=20, mle_hdr_off=0x140,
            pm_size=0x2000, hdr=None, ki_magic=b"LToP", truncate=None):
    sects = setup_sects if setup_sects else 4
    pm = (sects + 1) * 512
    img = bytearray(pattern(pm + pm_size, 11))
    img[0x1F1] = setup_sects
    struct.pack_into("<H", img, 0x1FE, 0xAA55)
    img[0x200:0x202] = b"\xeb\x66"
    img[0x202:0x206] = b"HdrS"
    struct.pack_into("<H", img, 0x206, protocol)
    img[0x211] = 0x01  # loadflags: LOADED_HIGH
    struct.pack_into("<I", img, 0x268, ki_off)
    ki = pm + ki_off
    if ki + 20 <= len(img):
        img[ki:ki + 4] = ki_magic
        struct.pack_into("<4I", img, ki + 4, ki_size, ki_total, 0x0B, mle_hdr_off)
    if hdr is None:
        hdr = header(V22, entry=0x800, start=0, end=pm_size - 0x100, caps=LINUX_CAPS)
    at = pm + mle_hdr_off
    if at + len(hdr) <= len(img):
        img[at:at + len(hdr)] = hdr
    if truncate is not None:
        img = img[:truncate]
    return img, pm, ki, at


def bz_doc(img, pm, ki, at):
    b = bytes(img)
    extra = {"setup_sects": b[0x1F1], "boot_protocol": struct.unpack_from("<H", b, 0x206)[0],
             "pm_offset": pm, "kernel_info_offset": struct.unpack_from("<I", b, 0x268)[0],
             "kernel_info": dict(zip(["file_offset", "size", "size_total", "setup_type_max", "mle_header_offset"],
                                     [ki] + list(struct.unpack_from("<4I", b, ki + 4))))}
    return find_doc(img, "bzimage", pm, at, extra)


img, pm, ki, at = bzimage()
write("valid", "bzimage-sl", bytes(img), bz_doc(img, pm, ki, at), parser="find")
img, pm, ki, at = bzimage(setup_sects=0, ki_off=0x200, ki_size=20, ki_total=0x30, mle_hdr_off=0x300, pm_size=0x3000)
write("valid", "bzimage-sl-setup-sects-0", bytes(img), bz_doc(img, pm, ki, at), parser="find")

img, *_ = bzimage(protocol=0x020E)
bad("bz-protocol-2.14", bytes(img), "find", "unsupported_version", "TXT-M23", 0x206)
img, *_ = bzimage(truncate=0x240)
bad("bz-truncated-setup", bytes(img), "find", "truncated_header", "TXT-M22", 0)
img, *_ = bzimage(setup_sects=40, pm_size=0x1000)
img = img[:0x1000]
bad("bz-setup-sects-past-end", bytes(img), "find", "out_of_bounds", "TXT-M24", 0x1F1)
img, *_ = bzimage(ki_off=0x1FF0)
bad("bz-kernel-info-past-end", bytes(img), "find", "out_of_bounds", "TXT-M25", 0x268)
img, pm, ki, at = bzimage(ki_magic=b"LTOP")
bad("bz-kernel-info-bad-magic", bytes(img), "find", "bad_magic", "TXT-M26", ki)
img, pm, ki, at = bzimage(ki_size=16, ki_total=16)
bad("bz-kernel-info-size-16", bytes(img), "find", "not_found", "TXT-M27", ki + 4)
img, pm, ki, at = bzimage(ki_size=20, ki_total=12)
bad("bz-kernel-info-total-small", bytes(img), "find", "entry_size_mismatch", "TXT-M28", ki + 8)
img, pm, ki, at = bzimage(mle_hdr_off=0)
bad("bz-mle-header-offset-0", bytes(img), "find", "not_found", "TXT-M29", ki + 16)
img, pm, ki, at = bzimage(mle_hdr_off=0x2000)
bad("bz-mle-header-offset-past-end", bytes(img), "find", "out_of_bounds", "TXT-M30", ki + 16)
img, pm, ki, at = bzimage(hdr=UUID + struct.pack("<3I", 52, 0x00090000, 0x800) + bytes(24))
bad("bz-header-version-9.0", bytes(img), "find", "unsupported_version", "TXT-M3", at + 20)
img, pm, ki, at = bzimage(hdr=header(V22, entry=0x800, start=0, end=0x2100, caps=LINUX_CAPS))
bad("bz-mle-end-past-image", bytes(img), "find", "out_of_bounds", "TXT-M32", at + 36)
img, pm, ki, at = bzimage(hdr=header(V22, entry=0x800, start=0x200, end=0x1F00, caps=LINUX_CAPS))
bad("bz-header-outside-mle", bytes(img), "find", "out_of_bounds", "TXT-M33", at)
img, pm, ki, at = bzimage()
img[pm + 0x1000:pm + 0x1010] = UUID
bad("bz-duplicate-uuid", bytes(img), "find", "duplicate_entry", "TXT-M34", pm + 0x1000)
img, pm, ki, at = bzimage(hdr=header(V22, entry=0x1F00, start=0, end=0x1F00, caps=LINUX_CAPS))
bad("bz-entry-past-mle-end", bytes(img), "find", "out_of_bounds", "TXT-M9", at + 24)
img, pm, ki, at = bzimage(hdr=header(V22, entry=0x800, start=0, end=0x1F00, caps=LINUX_CAPS & ~3))
bad("bz-no-wake-method", bytes(img), "find", "launch_requirement", "TXT-M11", at + 40)

# ---------------------------------------------------------------------------------------------
# MLE page tables: memory images loaded at `base`


PAGE = 0x1000
P = 1  # Present


class Mem:
    def __init__(self, base, size):
        self.base = base
        self.b = bytearray(size)

    def put64(self, addr, v):
        struct.pack_into("<Q", self.b, addr - self.base, v)

    def get64(self, addr):
        if addr < self.base or addr + 8 > self.base + len(self.b):
            raise LookupError(addr)
        return struct.unpack_from("<Q", self.b, addr - self.base)[0]

    def read(self, addr, n):
        if addr < self.base or addr + n > self.base + len(self.b):
            raise LookupError(addr)
        return bytes(self.b[addr - self.base:addr - self.base + n])

    def fill_page(self, addr, seed):
        o = addr - self.base
        self.b[o:o + PAGE] = pattern(PAGE, seed)


def build_tables(mem, table_phys, mle_phys, mle_size, fvp=0):
    """The block PDPT | PDs | PTs at table_phys mapping a contiguous MLE (facts 3.4)."""
    first = fvp >> 12
    pages = (mle_size + PAGE - 1) // PAGE
    last = first + pages - 1
    npd = (last >> 18) - (first >> 18) + 1
    npt = (last >> 9) - (first >> 9) + 1
    pd0 = table_phys + PAGE
    pt0 = pd0 + npd * PAGE
    for i in range(npd):
        mem.put64(table_phys + 8 * (((first >> 18) + i) & 3), (pd0 + i * PAGE) | P)
    for i in range(npt):
        pt = (first >> 9) + i
        mem.put64(pd0 + ((pt >> 9) - (first >> 18)) * PAGE + 8 * (pt & 511), (pt0 + i * PAGE) | P)
    for p in range(pages):
        lp = first + p
        mem.put64(pt0 + ((lp >> 9) - (first >> 9)) * PAGE + 8 * (lp & 511), (mle_phys + p * PAGE) | P)
    return (1 + npd + npt) * PAGE


def walk(mem, pdpt, mle_size, fvp):
    """SINIT's walk as the facts state it; returns the result or raises WalkError(rule, addr)."""
    addr_mask = 0x000FFFFFFFFFF000
    target = (mle_size + PAGE - 1) // PAGE
    pds = []
    for i in range(4):
        e = mem.get64(pdpt + 8 * i)
        pds.append(e & addr_mask if e & 1 else None)
    max_pd = max([p for p in pds if p is not None], default=0)
    out = {"pages": [], "pd_count": sum(p is not None for p in pds), "pt_count": 0, "entries_read": 4}
    started = False
    max_pt = 0
    for i in range(4):
        if pds[i] is None:
            assert not started
            continue
        for j in range(512):
            out["entries_read"] += 1
            e = mem.get64(pds[i] + 8 * j)
            if not e & 1:
                assert not started
                continue
            assert not e & 0x80
            pt = e & addr_mask
            assert pt > max_pd and (not started or pt < out["pages"][0])
            out["pt_count"] += 1
            max_pt = max(max_pt, pt)
            for k in range(512):
                out["entries_read"] += 1
                e = mem.get64(pt + 8 * k)
                if not e & 1:
                    assert not started
                    continue
                page = e & addr_mask
                linear = (i << 30) | (j << 21) | (k << 12)
                if not started:
                    assert linear == fvp and page > max_pt
                    started = True
                else:
                    assert page > out["pages"][-1]
                out["pages"].append(page)
                if len(out["pages"]) == target:
                    return out
    raise AssertionError("tables end early")


def measure(mem, pages, mle_size):
    data = b""
    for p in pages:
        n = min(PAGE, mle_size - len(data))
        data += mem.read(p, n)
    assert len(data) == mle_size
    return data


def ptab_vector(name, mem, pdpt, mle_size, fvp, built=None):
    w = walk(mem, pdpt, mle_size, fvp)
    pages = w["pages"]
    doc = {"base": mem.base, "pdpt": pdpt, "mle_size": mle_size, "first_valid_page": fvp,
           "page_count": len(pages), "first_page": pages[0], "last_page": pages[-1],
           "contiguous": all(b - a == PAGE for a, b in zip(pages, pages[1:])),
           "pd_count": w["pd_count"], "pt_count": w["pt_count"], "entries_read": w["entries_read"],
           "pages": pages, "measurement": digests(measure(mem, pages, mle_size))}
    if built:
        doc["built"] = built
    write("valid", name, bytes(mem.b), doc, parser="ptab")


# 1. Built like GRUB/tboot: tables just below a contiguous MLE of 3 pages (last one partial).
base = 0x00100000
mem = Mem(base, 0x6000)
tbytes = build_tables(mem, base, base + 0x3000, 0x2345)
for p in range(3):
    mem.fill_page(base + 0x3000 + p * PAGE, 20 + p)
ptab_vector("ptab-contiguous", mem, base, 0x2345, 0,
            {"table_phys": base, "mle_phys": base + 0x3000, "table_bytes": tbytes})

# 2. Scattered pages: increasing but not contiguous; the hash follows linear order.
base = 0x00200000
mem = Mem(base, 0xD000)
mem.put64(base, (base + 0x1000) | P)
mem.put64(base + 0x1000, (base + 0x2000) | P)
scattered = [base + 0x5000, base + 0x8000, base + 0x9000, base + 0xC000]
for k, page in enumerate(scattered):
    mem.put64(base + 0x2000 + 8 * k, page | P)
    mem.fill_page(page, 40 + k)
ptab_vector("ptab-scattered", mem, base, 0x3801, 0)

# 3. FirstValidPage 0x1FF000: leading not-present entries, two page tables, built.
base = 0x00400000
mem = Mem(base, 0x7000)
tbytes = build_tables(mem, base, base + 0x4000, 0x1100, fvp=0x1FF000)
assert tbytes == 0x4000
for p in range(2):
    mem.fill_page(base + 0x4000 + p * PAGE, 60 + p)
ptab_vector("ptab-fvp-two-tables", mem, base, 0x1100, 0x1FF000,
            {"table_phys": base, "mle_phys": base + 0x4000, "table_bytes": tbytes})


def ptab_bad(name, mem, pdpt, mle_size, fvp, errc, rule, offset):
    bad(name, bytes(mem.b), "ptab", errc, rule, offset, base=mem.base, pdpt=pdpt, mle_size=mle_size,
        first_valid_page=fvp)


def simple(base=0x00100000, pages=3, size=None):
    mem = Mem(base, (3 + pages) * PAGE)
    build_tables(mem, base, base + 3 * PAGE, pages * PAGE)
    return mem, base


mem, b0 = simple()
mem.put64(b0 + 0x1000, mem.get64(b0 + 0x1000) | 0x80)
ptab_bad("ptab-2mib-page", mem, b0, 0x3000, 0, "page_table_invalid", "TXT-T11", b0 + 0x1000)
mem, b0 = simple()
mem.put64(b0 + 0x2008, (b0 + 0x5000) | P)
mem.put64(b0 + 0x2010, (b0 + 0x4000) | P)
ptab_bad("ptab-decreasing", mem, b0, 0x3000, 0, "page_table_invalid", "TXT-T13", b0 + 0x2010)
mem, b0 = simple()
mem.put64(b0 + 0x2000, (b0 + 0x1000) | P)  # first MLE page = the page directory
ptab_bad("ptab-page-below-table", mem, b0, 0x3000, 0, "page_table_invalid", "TXT-T12", b0 + 0x2000)
mem = Mem(0x00100000, 0x6000)
b0 = 0x00101000  # PDPT above its page directory
mem.put64(b0, 0x00100000 | P)
ptab_bad("ptab-pd-below-pdpt", mem, b0, 0x3000, 0, "page_table_invalid", "TXT-T12", b0)
mem = Mem(0x00100000, 0x7000)
b0 = 0x00100000
mem.put64(b0, (b0 + 0x1000) | P)
mem.put64(b0 + 0x1000, (b0 + 0x2000) | P)
mem.put64(b0 + 0x1008, (b0 + 0x5000) | P)  # the second page table lies above the first MLE page
mem.put64(b0 + 0x2000 + 8 * 511, (b0 + 0x3000) | P)
mem.put64(b0 + 0x5000, (b0 + 0x6000) | P)
ptab_bad("ptab-pt-above-page", mem, b0, 0x2000, 0x1FF000, "page_table_invalid", "TXT-T12", b0 + 0x1008)
mem, b0 = simple()
mem.put64(b0 + 0x2008, 0)
ptab_bad("ptab-hole", mem, b0, 0x3000, 0, "page_table_invalid", "TXT-T14", b0 + 0x2008)
mem, b0 = simple()
ptab_bad("ptab-fvp-mismatch", mem, b0, 0x3000, 0x1000, "page_table_invalid", "TXT-T15", b0 + 0x2000)
mem, b0 = simple()
mem.put64(b0 + 0x2000, 0x100000000 | P)
ptab_bad("ptab-page-above-4g", mem, b0, 0x3000, 0, "out_of_bounds", "TXT-T4", b0 + 0x2000)
mem, b0 = simple()
mem.put64(b0, mem.get64(b0) | 0x2)
ptab_bad("ptab-pdpte-reserved", mem, b0, 0x3000, 0, "reserved_nonzero", "TXT-T10", b0)
mem, b0 = simple()
mem.put64(b0 + 0x1000, 0x00800000 | P)  # page table outside the image
ptab_bad("ptab-unmapped-table", mem, b0, 0x3000, 0, "memory_unmapped", "TXT-T9", 0x00800000)
mem, b0 = simple()
ptab_bad("ptab-pdpt-misaligned", mem, b0 + 8, 0x3000, 0, "misaligned", "TXT-T2", 0)
mem, b0 = simple()
ptab_bad("ptab-mle-size-0", mem, b0, 0, 0, "value_out_of_range", "TXT-T7", 0)
mem, b0 = simple()
ptab_bad("ptab-mle-size-over-1g", mem, b0, (1 << 30) + 1, 0, "value_out_of_range", "TXT-T7", 0)
mem, b0 = simple()
ptab_bad("ptab-too-few-pages", mem, b0, 0x4000, 0, "page_table_invalid", "TXT-T14", b0 + 0x2018)
mem = Mem(0x00100000, 0x4000)
b0 = 0x00100000
ptab_bad("ptab-nothing-present", mem, b0, 0x1000, 0, "not_found", "TXT-T17", b0)
# The last linear page, then the end of the 4 GiB linear space: too few pages.
mem = Mem(0x00100000, 0x4000)
b0 = 0x00100000
mem.put64(b0 + 24, (b0 + 0x1000) | P)
mem.put64(b0 + 0x1000 + 8 * 511, (b0 + 0x2000) | P)
mem.put64(b0 + 0x2000 + 8 * 511, (b0 + 0x3000) | P)
ptab_bad("ptab-runs-off-4g", mem, b0, 0x2000, 0xFFFFF000, "count_mismatch", "TXT-T16", b0)
# 512 present directory entries to one empty page table before the MLE: the walk budget
# (PDPT + one directory + 512 tables) runs out at the first entry of the second directory.
mem = Mem(0x00100000, 0x5000)
b0 = 0x00100000
mem.put64(b0, (b0 + 0x1000) | P)
mem.put64(b0 + 8, (b0 + 0x2000) | P)
for j in range(512):
    mem.put64(b0 + 0x1000 + 8 * j, (b0 + 0x3000) | P)
mem.put64(b0 + 0x2000, (b0 + 0x3000) | P)
ptab_bad("ptab-walk-budget", mem, b0, 0x1000, 0x40000000, "chain_too_long", "TXT-T18", b0 + 0x2000)


# ---------------------------------------------------------------------------------------------

assert len(malformed) >= 20
names = [e["file"] for e in valid + malformed]
assert len(names) == len(set(names))
with open(os.path.join(OUT, "manifest.json"), "w") as f:
    json.dump({"valid": valid, "malformed": malformed}, f, indent=2)
    f.write("\n")
print("wrote %d valid and %d malformed vectors to %s" % (len(valid), len(malformed), OUT))
