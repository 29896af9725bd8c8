#!/usr/bin/env python3
"""Golden test vectors for the Secure Launch Resource Table (SLRT).

Independent cross-check of the C++ library: everything here is written from the
SLRT fact sheet (layout tables per kernel version, helper semantics, producer
default policies, known quirks) and from the project's profile/error/JSON design
notes -- not from the C++ sources.

Run from the repository root:

    python3 spec/vectors/gen_vectors.py

It rewrites spec/vectors/{valid,permissive,malformed}/, spec/vectors/manifest.json
and examples/linux-txt.json.  Only the Python 3 standard library is used and the
output is fully deterministic.

The script contains three independent pieces:
  * an encoder (model dict in the JSON schema form -> bytes, struct.pack('<...')),
    plus a builder that mimics the kernel helpers slr_init_table/slr_add_entry;
  * a reference decoder/validator (bytes -> canonical JSON or error), implementing
    the rule ids H1..H7, E1..E10, P1..P5, D1, D2, L1, L2, I1, I2, A1 with the
    documented precedence, strict and permissive modes;
  * the vector catalogue.  Every vector is checked with the reference decoder
    before it is written (valid: strict decode == model; permissive: strict error
    and permissive quirks as declared; malformed: error, rule and entry index as
    declared).
"""

import json
import os
import shutil
import struct
import sys

# ---------------------------------------------------------------------------
# Constants (fact sheet section 1)
# ---------------------------------------------------------------------------

SLR_TABLE_MAGIC = 0x4452544D          # bytes 4d 54 52 44 ("MTRD")
SLR_TABLE_REVISION = 1
TAG_END = 0xFFFF
HDR_LEN = 16                          # struct slr_table

TAGS = {
    "dl_info": 1, "log_info": 2, "policy": 3, "intel_info": 4,
    "amd_info": 5, "arm_info": 6, "uefi_info": 7, "uefi_config": 8,
}
TAG_NAMES = {v: k for k, v in TAGS.items()}

ARCH = {"intel_txt": 1, "amd_skinit": 2}
BOOTLOADER = {"invalid": 0, "grub": 1}
LOG_FORMAT = {"tpm12": 1, "tpm20": 2}
ENTITY = {
    "unspecified": 0x0000, "slrt": 0x0001, "boot_params": 0x0002,
    "setup_data": 0x0003, "cmdline": 0x0004, "uefi_memmap": 0x0005,
    "ramdisk": 0x0006, "multiboot2_info": 0x0007, "multiboot2_module": 0x0008,
    "txt_os2mle": 0x0010, "unused": 0xFFFF,
}
FLAGS = [("measured", 0x1), ("implicit_size", 0x2)]

SETUP_SECURE_LAUNCH = 10
EVT_INFO_LEN = 32
MTRR_PAIRS = 32
MAX_PCR = 24

U64 = (1 << 64) - 1

# When a G-tbdev style 48-byte amd_info is decoded in permissive mode the bytes
# of psp_version/reserved do not exist.  Decision: the canonical JSON omits
# "psp_version" for such an entry (only fields actually present are printed).
SHORT48_EMITS_PSP_VERSION = False

# ---------------------------------------------------------------------------
# Layout profiles (fact sheet section 3, design notes "Profile layouts")
#
# Each fixed structure is a list of (field, struct-format) after the entry
# header.  Reserved fields are byte strings so "all zero" is easy to test.
# ---------------------------------------------------------------------------

PAIRS_FMT = "%ds" % (MTRR_PAIRS * 16)

def _dl_v16():
    return [("dce_size", "Q"), ("dce_base", "Q"), ("dlme_size", "Q"),
            ("dlme_base", "Q"), ("dlme_entry", "Q"),
            ("dlme_header_offset", "Q"), ("dlme_config_table", "Q"),
            ("bl_context.bootloader", "H"), ("bl_context.reserved", "6s"),
            ("bl_context.context", "Q"), ("dl_launch", "Q")]

def _dl_v10():
    return [("dce_size", "Q"), ("dce_base", "Q"), ("dlme_size", "Q"),
            ("dlme_base", "Q"), ("dlme_entry", "Q"),
            ("bl_context.bootloader", "H"), ("bl_context.reserved", "6s"),
            ("bl_context.context", "Q"), ("dl_handler", "Q")]

def _dl_v9():
    return [("dce_size", "I"), ("dce_base", "Q"), ("dlme_size", "Q"),
            ("dlme_base", "Q"), ("dlme_entry", "Q"),
            ("bl_context.bootloader", "H"), ("bl_context.reserved", "6s"),
            ("bl_context.context", "Q"), ("dl_handler", "Q")]

def _dl_v6():
    return [("bl_context.bootloader", "H"), ("bl_context.reserved", "2s"),
            ("bl_context.context", "Q"), ("dl_handler", "Q"),
            ("dce_base", "Q"), ("dce_size", "I"), ("dlme_entry", "Q")]

_MTRR = [("saved_bsp_mtrrs.default_mem_type", "Q"),
         ("saved_bsp_mtrrs.mtrr_vcnt", "Q"),
         ("saved_bsp_mtrrs.mtrr_pair", PAIRS_FMT)]

_AMD56 = [("next", "Q"), ("type", "I"), ("len", "I"), ("slrt_size", "Q"),
          ("slrt_base", "Q"), ("boot_params_base", "Q"),
          ("psp_version", "H"), ("reserved", "6s")]
_AMD48 = _AMD56[:6]

_PE_V9 = [("pcr", "H"), ("entity_type", "H"), ("flags", "H"),
          ("reserved", "2s"), ("size", "Q"), ("entity", "Q"),
          ("evt_info", "32s")]
_PE_V6 = [("pcr", "H"), ("entity_type", "H"), ("flags", "H"),
          ("reserved", "2s"), ("entity", "Q"), ("size", "Q"),
          ("evt_info", "32s")]
_CFG_V9 = [("pcr", "H"), ("reserved", "2s"), ("size", "I"), ("cfg", "Q"),
           ("evt_info", "32s")]
_CFG_V6 = [("pcr", "H"), ("reserved", "2s"), ("cfg", "Q"), ("size", "I"),
           ("evt_info", "32s")]
_ARRHDR_V10 = [("reserved", "4s"), ("revision", "H"), ("nr_entries", "H")]
_ARRHDR_V6 = [("revision", "H"), ("nr_entries", "H")]


class Layout:
    def __init__(self, name, hdr_fmt, fixed, arr_hdr, pol_entry, cfg_entry):
        self.name = name
        self.hdr_fmt = hdr_fmt                   # entry header (tag, size)
        self.hs = struct.calcsize("<" + hdr_fmt)
        self.fixed = fixed                       # tag name -> field list
        self.arr_hdr = arr_hdr                   # policy / uefi_config header
        self.arr_hs = self.hs + fsize(arr_hdr)
        self.pol_entry = pol_entry
        self.cfg_entry = cfg_entry

    def fixed_size(self, tag):
        return self.hs + fsize(self.fixed[tag])

    def handler_key(self):
        return "dl_launch" if self.name == "v16" else "dl_handler"


def fsize(fields):
    return struct.calcsize("<" + "".join(f for _, f in fields))


LAYOUTS = {
    "v16": Layout("v16", "II", {
        "dl_info": _dl_v16(), "log_info": [("format", "H"), ("reserved", "2s"), ("size", "I"), ("addr", "Q")],
        "intel_info": [("boot_params_addr", "Q"), ("txt_heap", "Q"), ("saved_misc_enable_msr", "Q")] + _MTRR,
        "amd_info": _AMD56, "arm_info": [], "uefi_info": []},
        _ARRHDR_V10, _PE_V9, _CFG_V9),
    "v12": Layout("v12", "II", {
        "dl_info": _dl_v10(), "log_info": [("format", "H"), ("reserved", "2s"), ("size", "I"), ("addr", "Q")],
        "intel_info": [("boot_params_addr", "Q"), ("txt_heap", "Q"), ("saved_misc_enable_msr", "Q")] + _MTRR,
        "amd_info": _AMD56, "arm_info": [], "uefi_info": []},
        _ARRHDR_V10, _PE_V9, _CFG_V9),
    "v10": Layout("v10", "II", {
        "dl_info": _dl_v10(), "log_info": [("format", "H"), ("reserved", "2s"), ("size", "I"), ("addr", "Q")],
        "intel_info": [("txt_heap", "Q"), ("saved_misc_enable_msr", "Q")] + _MTRR,
        "amd_info": _AMD56, "arm_info": [], "uefi_info": []},
        _ARRHDR_V10, _PE_V9, _CFG_V9),
    "v9": Layout("v9", "HH", {
        "dl_info": _dl_v9(), "log_info": [("format", "H"), ("reserved", "6s"), ("size", "I"), ("addr", "Q")],
        "intel_info": [("reserved", "4s"), ("txt_heap", "Q"), ("saved_misc_enable_msr", "Q")] + _MTRR,
        "amd_info": [], "arm_info": [], "uefi_info": []},
        _ARRHDR_V6, _PE_V9, _CFG_V9),
    "v6": Layout("v6", "HH", {
        "dl_info": _dl_v6(), "log_info": [("format", "H"), ("reserved", "2s"), ("addr", "Q"), ("size", "I")],
        "intel_info": [("saved_misc_enable_msr", "Q")] + _MTRR,
        "amd_info": [], "arm_info": [], "uefi_info": []},
        _ARRHDR_V6, _PE_V6, _CFG_V6),
}

# Structure sizes as stated in the fact sheet / design notes; asserted so that a
# transcription error in the tables above cannot go unnoticed.
EXPECTED_SIZES = {
    "v16": dict(hs=8, dl_info=88, log_info=24, intel_info=560, amd_info=56, arm_info=8, uefi_info=8, arr=16),
    "v12": dict(hs=8, dl_info=72, log_info=24, intel_info=560, amd_info=56, arm_info=8, uefi_info=8, arr=16),
    "v10": dict(hs=8, dl_info=72, log_info=24, intel_info=552, amd_info=56, arm_info=8, uefi_info=8, arr=16),
    "v9": dict(hs=4, dl_info=64, log_info=24, intel_info=552, amd_info=4, arm_info=4, uefi_info=4, arr=8),
    "v6": dict(hs=4, dl_info=44, log_info=20, intel_info=540, amd_info=4, arm_info=4, uefi_info=4, arr=8),
}
for _n, _exp in EXPECTED_SIZES.items():
    _L = LAYOUTS[_n]
    assert _L.hs == _exp["hs"], _n
    assert _L.arr_hs == _exp["arr"], _n
    for _t in ("dl_info", "log_info", "intel_info", "amd_info", "arm_info", "uefi_info"):
        assert _L.fixed_size(_t) == _exp[_t], (_n, _t, _L.fixed_size(_t))
    assert fsize(_L.pol_entry) == 56 and fsize(_L.cfg_entry) == 48
assert fsize(_AMD48) + 8 == 48


def field_offset(layout, tag, field):
    """Offset of a fixed-structure field from the start of its entry."""
    L = LAYOUTS[layout]
    off = L.hs
    for name, fmt in L.fixed[tag]:
        if name == field:
            return off
        off += struct.calcsize("<" + fmt)
    raise KeyError((layout, tag, field))


def arr_field_offset(layout, tag, field, index=None, sub=None):
    """Offset inside a policy/uefi_config entry: header field, or field `sub` of
    array element `index`."""
    L = LAYOUTS[layout]
    if index is None:
        off = L.hs
        for name, fmt in L.arr_hdr:
            if name == field:
                return off
            off += struct.calcsize("<" + fmt)
        raise KeyError(field)
    fields = L.pol_entry if tag == "policy" else L.cfg_entry
    off = L.arr_hs + index * fsize(fields)
    for name, fmt in fields:
        if name == sub:
            return off
        off += struct.calcsize("<" + fmt)
    raise KeyError(sub)


# ---------------------------------------------------------------------------
# Encoder: model (JSON schema form) -> entry bytes
# ---------------------------------------------------------------------------

def enum_value(table, v, what):
    if isinstance(v, int):
        return v
    if v not in table:
        raise ValueError("unknown %s %r" % (what, v))
    return table[v]


def flags_value(v):
    out = 0
    for f in v:
        if isinstance(f, int):
            out |= f
        else:
            out |= dict(FLAGS)[f]
    return out


def evt_bytes(item):
    if "evt_info_raw" in item:
        raw = bytes.fromhex(item["evt_info_raw"])
        assert len(raw) == EVT_INFO_LEN
        return raw
    s = item["evt_info"].encode("ascii")
    if len(s) > EVT_INFO_LEN - 1:
        raise ValueError("evt_info too long: %r" % item["evt_info"])
    return s + bytes(EVT_INFO_LEN - len(s))


def pack_fields(fields, values):
    fmt = "<" + "".join(f for _, f in fields)
    return struct.pack(fmt, *[values[n] for n, _ in fields])


def _fixed_values(L, tag, e, fields):
    """Flatten a model entry into {descriptor field name: packed value}."""
    vals = {}
    allowed = {"tag", "extra", "_reserved", "_size", "_tag", "_short48", "_trailer"}
    for name, fmt in fields:
        top = name.split(".")[0]
        allowed.add(top)
        if name == "psp_version" and name not in e:
            vals[name] = 0                    # absent (e.g. decoded 48-byte entry)
            continue
        if name.endswith("reserved"):
            vals[name] = e.get("_reserved", {}).get(name, bytes(struct.calcsize("<" + fmt)))
            continue
        if name.startswith("bl_context."):
            v = e["bl_context"][name.split(".")[1]]
            if name.endswith("bootloader"):
                v = enum_value(BOOTLOADER, v, "bootloader")
        elif name.startswith("saved_bsp_mtrrs."):
            m = e["saved_bsp_mtrrs"]
            sub = name.split(".")[1]
            if sub == "mtrr_pair":
                raw = b"".join(struct.pack("<QQ", p["mtrr_physbase"], p["mtrr_physmask"])
                               for p in m["mtrr_pair"])
                v = raw + bytes(MTRR_PAIRS * 16 - len(raw))
            else:
                v = m[sub]
        elif name == "format":
            v = enum_value(LOG_FORMAT, e["format"], "format")
        else:
            v = e[name]
        vals[name] = v
    for k in e:
        if k not in allowed:
            raise ValueError("field %r not in layout %s %s" % (k, L.name, tag))
    return vals


def _arr_item_bytes(L, tag, item):
    fields = L.pol_entry if tag == "policy" else L.cfg_entry
    vals = {}
    for name, fmt in fields:
        if name == "reserved":
            vals[name] = item.get("_reserved", bytes(2))
        elif name == "evt_info":
            vals[name] = evt_bytes(item)
        elif name == "entity_type":
            vals[name] = enum_value(ENTITY, item[name], "entity_type")
        elif name == "flags":
            vals[name] = flags_value(item[name])
        else:
            vals[name] = item[name]
    return pack_fields(fields, vals)


def encode_entry(layout, e):
    """Encode one model entry (with its entry header) for `layout`."""
    L = LAYOUTS[layout]
    tag = e["tag"]
    if isinstance(tag, int):
        tagv = tag
        body = bytes.fromhex(e["raw"])
    elif tag in ("policy", "uefi_config"):
        tagv = TAGS[tag]
        items = e["entries"]
        hv = {"reserved": e.get("_reserved", {}).get("reserved", bytes(4)),
              "revision": e["revision"],
              "nr_entries": e.get("_nr_entries", len(items))}
        body = pack_fields(L.arr_hdr, hv) + b"".join(_arr_item_bytes(L, tag, i) for i in items)
    else:
        tagv = TAGS[tag]
        fields = L.fixed[tag]
        if tag == "amd_info" and e.get("_short48"):
            fields = _AMD48                   # G-tbdev 48-byte amd_info
        body = pack_fields(fields, _fixed_values(L, tag, e, fields))
    body += bytes.fromhex(e.get("extra", "")) + bytes.fromhex(e.get("_trailer", ""))
    size = e.get("_size", L.hs + len(body))
    tagv = e.get("_tag", tagv)
    return struct.pack("<" + L.hdr_fmt, tagv, size) + body


def end_entry(layout, size=None):
    L = LAYOUTS[layout]
    return struct.pack("<" + L.hdr_fmt, TAG_END, L.hs if size is None else size)


# ---------------------------------------------------------------------------
# Builders
# ---------------------------------------------------------------------------

class HelperBuilder:
    """Mimics slr_init_table + slr_add_entry (v6..v16 kernel helpers)."""

    def __init__(self, layout, arch, max_size):
        self.layout = layout
        self.L = LAYOUTS[layout]
        self.max_size = max_size
        self.buf = bytearray(max_size)          # unused bytes stay zero
        struct.pack_into("<IHHII", self.buf, 0, SLR_TABLE_MAGIC, SLR_TABLE_REVISION,
                         arch, HDR_LEN + self.L.hs, max_size)
        self.buf[HDR_LEN:HDR_LEN + self.L.hs] = end_entry(layout)
        self.offsets = []

    @property
    def size(self):
        return struct.unpack_from("<I", self.buf, 8)[0]

    def add(self, entry_bytes):
        esz = struct.unpack_from("<" + self.L.hdr_fmt, entry_bytes, 0)[1]
        assert esz == len(entry_bytes)
        size = self.size
        if size + esz > self.max_size:
            raise RuntimeError("table full")
        at = size - self.L.hs                  # overwrite the current END
        self.buf[at:at + esz] = entry_bytes
        size += esz
        struct.pack_into("<I", self.buf, 8, size)
        self.buf[size - self.L.hs:size] = end_entry(self.layout)
        self.offsets.append(at)

    def table(self, full=False):
        return bytes(self.buf if full else self.buf[:self.size])


def helper_table(layout, arch, max_size, entries, full=False):
    b = HelperBuilder(layout, ARCH[arch], max_size)
    for e in entries:
        b.add(encode_entry(layout, e))
    return b.table(full)


def raw_table(layout, arch, max_size, entry_blobs, end=True, size=None,
              magic=SLR_TABLE_MAGIC, revision=SLR_TABLE_REVISION):
    """Concatenate a header and pre-encoded entries (used for defects)."""
    body = b"".join(entry_blobs) + (end_entry(layout) if end else b"")
    if size is None:
        size = HDR_LEN + len(body)
    archv = ARCH[arch] if isinstance(arch, str) else arch
    return struct.pack("<IHHII", magic, revision, archv, size, max_size) + body


def entry_offsets(layout, tbl):
    """Offsets of the entries of a well-formed table (including END)."""
    L = LAYOUTS[layout]
    size = struct.unpack_from("<I", tbl, 8)[0]
    off, out = HDR_LEN, []
    while off + L.hs <= size:
        tag, esz = struct.unpack_from("<" + L.hdr_fmt, tbl, off)
        out.append(off)
        if tag == TAG_END or esz == 0:
            break
        off += esz
    return out


# ---------------------------------------------------------------------------
# Reference decoder / validator
# ---------------------------------------------------------------------------

class SlrtError(Exception):
    def __init__(self, errc, rule, index, msg):
        super().__init__("%s (%s) entry %s: %s" % (errc, rule, index, msg))
        self.errc, self.rule, self.index, self.msg = errc, rule, index, msg


def _printable(b):
    return all(0x20 <= c <= 0x7E for c in b)


def _evt_json(raw, quirk, index):
    """Canonical evt_info form, with P4/P5 checks."""
    nul = raw.find(b"\x00")
    if nul < 0:
        quirk("P4", "evt_info_unterminated", "evt_info_unterminated", index, "no NUL in evt_info")
        return {"evt_info_raw": raw.hex()}
    if any(raw[nul:]):
        quirk("P5", "reserved_nonzero", "reserved_nonzero", index, "bytes after NUL in evt_info")
    text = raw[:nul]
    if not _printable(text):
        return {"evt_info_raw": raw.hex()}
    return {"evt_info": text.decode("ascii")}


def _name(table, v):
    for k, x in table.items():
        if x == v:
            return k
    return v


def _flags_json(v):
    out = []
    for name, bit in FLAGS:
        if v & bit:
            out.append(name)
            v &= ~bit
    b = 1
    while v:
        if v & b:
            out.append(b)
            v &= ~b
        b <<= 1
    return out


def decode(buf, layout, mode="strict"):
    """Validate and decode; returns (canonical_json, quirks) or raises SlrtError."""
    assert mode in ("strict", "permissive")
    permissive = mode == "permissive"
    L = LAYOUTS[layout]
    hs = L.hs
    quirks = []

    def fail(rule, errc, index, msg):
        raise SlrtError(errc, "SLRT-" + rule, index, msg)

    def quirk(rule, errc, qname, index, msg):
        if permissive and qname is not None:
            if qname not in quirks:
                quirks.append(qname)
        else:
            fail(rule, errc, index, msg)

    # --- header, H1..H7 in order
    if len(buf) < HDR_LEN:
        fail("H1", "truncated_header", None, "%d bytes" % len(buf))
    magic, rev, arch, size, max_size = struct.unpack_from("<IHHII", buf, 0)
    if magic != SLR_TABLE_MAGIC:
        fail("H2", "bad_magic", None, hex(magic))
    if rev != SLR_TABLE_REVISION:
        fail("H3", "bad_revision", None, str(rev))
    if arch not in ARCH.values():
        fail("H4", "unknown_architecture", None, str(arch))
    if size < HDR_LEN + hs:
        fail("H5", "size_too_small", None, str(size))
    if size > max_size:
        if max_size == 0:
            quirk("H6", "size_exceeds_max_size", "max_size_zero", None, "max_size 0")
        else:
            fail("H6", "size_exceeds_max_size", None, "%d > %d" % (size, max_size))
    if size > len(buf):
        fail("H7", "size_exceeds_buffer", None, "%d > %d" % (size, len(buf)))

    out = {"schema": 1, "layout": layout, "revision": rev,
           "architecture": _name(ARCH, arch), "max_size": max_size, "entries": []}
    seen = set()
    off, idx = HDR_LEN, 0
    while True:
        if off == size:
            fail("E4", "missing_end", None, "no END entry")
        if off + hs > size:
            fail("E1", "entry_header_truncated", idx, "at %d" % off)
        tag, esz = struct.unpack_from("<" + L.hdr_fmt, buf, off)
        if esz < hs:
            fail("E2", "entry_size_too_small", idx, "size %d" % esz)
        if off + esz > size:               # Python ints: no wrap-around
            fail("E3", "entry_exceeds_table", idx, "size %d at %d" % (esz, off))
        if tag == 0:
            fail("E6", "invalid_tag", idx, "tag 0")
        ent = buf[off:off + esz]
        if tag == TAG_END:
            if off + esz != size:
                fail("E5", "end_not_last", idx, "%d bytes follow END" % (size - off - esz))
            if esz != hs:
                quirk("E7", "entry_size_mismatch", "oversized_entry" if esz > hs else None,
                      idx, "END size %d" % esz)
            break
        out["entries"].append(_decode_entry(L, tag, ent, idx, arch, seen, permissive,
                                            quirk, fail))
        off += esz
        idx += 1
    return out, quirks


def _unpack(fields, data):
    fmt = "<" + "".join(f for _, f in fields)
    return dict(zip([n for n, _ in fields], struct.unpack_from(fmt, data, 0)))


def _decode_entry(L, tag, ent, idx, arch, seen, permissive, quirk, fail):
    hs = L.hs
    esz = len(ent)
    name = TAG_NAMES.get(tag)
    if name is None:                      # unknown tag 9..0xfffe: raw round trip
        return {"tag": tag, "raw": ent[hs:].hex()}

    # --- E7 structural size
    fields = None
    extra = b""
    if name in L.fixed:
        fields = L.fixed[name]
        want = L.fixed_size(name)
        if esz != want:
            if esz > want:
                quirk("E7", "entry_size_mismatch", "oversized_entry", idx,
                      "%s size %d > %d" % (name, esz, want))
                extra = ent[want:]
            elif name == "amd_info" and want == 56 and esz == 48:
                quirk("E7", "entry_size_mismatch", "amd_info_short_48", idx, "48-byte amd_info")
                fields = _AMD48
            else:
                fail("E7", "entry_size_mismatch", idx, "%s size %d != %d" % (name, esz, want))
    else:
        if esz < L.arr_hs:
            fail("E7", "entry_size_mismatch", idx, "%s size %d < header" % (name, esz))

    # --- E8 duplicate singleton
    if name in ("dl_info", "log_info", "policy", "intel_info", "amd_info"):
        if name in seen:
            quirk("E8", "duplicate_entry", "duplicate_singleton", idx, "second " + name)
        seen.add(name)

    # --- E9 architecture mismatch
    if (name == "intel_info" and arch != ARCH["intel_txt"]) or \
       (name == "amd_info" and arch != ARCH["amd_skinit"]):
        fail("E9", "architecture_mismatch", idx, name)

    def reserved_check(v, what):
        if any(v):
            quirk("E10", "reserved_nonzero", "reserved_nonzero", idx, what)

    # --- fixed structures
    if fields is not None:
        v = _unpack(fields, ent[hs:])
        for k in v:
            if k.endswith("reserved"):
                reserved_check(v[k], k)
        j = {"tag": name}
        if name == "dl_info":
            _content_dl(L, v, idx, fail)
            for k in ("dce_size", "dce_base", "dlme_size", "dlme_base", "dlme_entry",
                      "dlme_header_offset", "dlme_config_table"):
                if k in v:
                    j[k] = v[k]
            j["bl_context"] = {"bootloader": _name(BOOTLOADER, v["bl_context.bootloader"]),
                               "context": v["bl_context.context"]}
            hk = L.handler_key()
            j[hk] = v[hk]
        elif name == "log_info":
            if v["format"] not in LOG_FORMAT.values():
                fail("L1", "unknown_log_format", idx, str(v["format"]))
            if v["addr"] + v["size"] > U64:
                fail("L2", "address_wrap", idx, "log addr+size")
            j.update(format=_name(LOG_FORMAT, v["format"]), size=v["size"], addr=v["addr"])
        elif name == "intel_info":
            for k in ("boot_params_addr", "txt_heap", "saved_misc_enable_msr"):
                if k in v:
                    j[k] = v[k]
            vcnt = v["saved_bsp_mtrrs.mtrr_vcnt"]
            raw = v["saved_bsp_mtrrs.mtrr_pair"]
            pairs = [struct.unpack_from("<QQ", raw, 16 * i) for i in range(MTRR_PAIRS)]
            if vcnt > MTRR_PAIRS:
                fail("I1", "mtrr_vcnt_too_large", idx, str(vcnt))
            last = max([i for i, p in enumerate(pairs) if p != (0, 0)], default=-1)
            if last >= vcnt:
                quirk("I2", "reserved_nonzero", "reserved_nonzero", idx,
                      "mtrr pair %d beyond vcnt %d" % (last, vcnt))
            n = max(min(vcnt, MTRR_PAIRS), last + 1)
            j["saved_bsp_mtrrs"] = {
                "default_mem_type": v["saved_bsp_mtrrs.default_mem_type"],
                "mtrr_vcnt": vcnt,
                "mtrr_pair": [{"mtrr_physbase": b, "mtrr_physmask": m} for b, m in pairs[:n]]}
        elif name == "amd_info" and v:
            if v["len"] != esz - 24:
                if v["len"] == esz:
                    quirk("A1", "amd_info_bad_len", "amd_info_len_whole_entry", idx,
                          "len = whole entry")
                else:
                    fail("A1", "amd_info_bad_len", idx, "len %d" % v["len"])
            for k in ("next", "type", "len", "slrt_size", "slrt_base", "boot_params_base",
                      "psp_version"):
                if k in v:
                    j[k] = v[k]
            if fields is _AMD48 and SHORT48_EMITS_PSP_VERSION:
                j["psp_version"] = 0
        if extra:
            j["extra"] = extra.hex()
        return j

    # --- policy / uefi_config
    h = _unpack(L.arr_hdr, ent[hs:])
    if "reserved" in h:
        reserved_check(h["reserved"], "header reserved")
    isz = 56 if name == "policy" else 48
    if L.arr_hs + h["nr_entries"] * isz != esz:
        fail("P1", "count_mismatch", idx, "nr_entries %d, size %d" % (h["nr_entries"], esz))
    if h["revision"] != 1:
        fail("P2", "bad_entry_revision", idx, str(h["revision"]))
    items = []
    ifields = L.pol_entry if name == "policy" else L.cfg_entry
    for i in range(h["nr_entries"]):
        it = _unpack(ifields, ent[L.arr_hs + i * isz:])
        reserved_check(it["reserved"], "element %d reserved" % i)
        if it["pcr"] >= MAX_PCR:
            fail("P3", "pcr_out_of_range", idx, "pcr %d" % it["pcr"])
        ev = _evt_json(it["evt_info"], quirk, idx)
        if name == "policy":
            o = {"pcr": it["pcr"], "entity_type": _name(ENTITY, it["entity_type"]),
                 "flags": _flags_json(it["flags"]), "size": it["size"], "entity": it["entity"]}
        else:
            o = {"pcr": it["pcr"], "size": it["size"], "cfg": it["cfg"]}
        o.update(ev)
        items.append(o)
    return {"tag": name, "revision": h["revision"], "entries": items}


def _content_dl(L, v, idx, fail):
    if "dlme_size" in v and v["dlme_entry"] >= v["dlme_size"]:
        fail("D1", "dlme_entry_out_of_range", idx,
             "dlme_entry %#x >= dlme_size %#x" % (v["dlme_entry"], v["dlme_size"]))
    if "dlme_size" in v and v["dlme_base"] + v["dlme_size"] > U64:
        fail("D2", "address_wrap", idx, "dlme_base+dlme_size")
    if v["dce_base"] + v["dce_size"] > U64:
        fail("D2", "address_wrap", idx, "dce_base+dce_size")


# ---------------------------------------------------------------------------
# Model helpers
# ---------------------------------------------------------------------------

def canonical_model(layout, arch, max_size, entries):
    """JSON document for a model, entries with helper-only keys removed."""
    ents = []
    for e in entries:
        e = {k: v for k, v in e.items() if not k.startswith("_")}
        if e["tag"] in ("policy", "uefi_config"):
            e = dict(e, entries=[{k: v for k, v in i.items() if not k.startswith("_")}
                                 for i in e["entries"]])
        ents.append(e)
    return {"schema": 1, "layout": layout, "revision": 1, "architecture": arch,
            "max_size": max_size, "entries": ents}


def pe(pcr, et, flags, size, entity, evt):
    return {"pcr": pcr, "entity_type": et, "flags": flags, "size": size,
            "entity": entity, "evt_info": evt}


def pe_unused():
    return pe(0, "unused", [], 0, 0, "")


def cfg(pcr, size, addr, evt):
    return {"pcr": pcr, "size": size, "cfg": addr, "evt_info": evt}


def dl_info(layout, dce_size, dce_base, dlme_size, dlme_base, dlme_entry, context,
            handler, bootloader="grub", dlme_header_offset=0, dlme_config_table=0):
    e = {"tag": "dl_info"}
    if layout != "v6":
        e.update(dce_size=dce_size, dce_base=dce_base, dlme_size=dlme_size,
                 dlme_base=dlme_base, dlme_entry=dlme_entry)
    else:
        e.update(dce_size=dce_size, dce_base=dce_base, dlme_entry=dlme_entry)
    if layout == "v16":
        e.update(dlme_header_offset=dlme_header_offset, dlme_config_table=dlme_config_table)
    e["bl_context"] = {"bootloader": bootloader, "context": context}
    e[LAYOUTS[layout].handler_key()] = handler
    return e


def log_info(fmt, size, addr):
    return {"tag": "log_info", "format": fmt, "size": size, "addr": addr}


def policy(entries, revision=1):
    return {"tag": "policy", "revision": revision, "entries": entries}


def uefi_config(entries, revision=1):
    return {"tag": "uefi_config", "revision": revision, "entries": entries}


def mtrrs(default, vcnt, pairs):
    return {"default_mem_type": default, "mtrr_vcnt": vcnt,
            "mtrr_pair": [{"mtrr_physbase": b, "mtrr_physmask": m} for b, m in pairs]}


def intel_info(layout, txt_heap, misc, mtrr, boot_params_addr=0):
    e = {"tag": "intel_info"}
    if layout in ("v12", "v16"):
        e["boot_params_addr"] = boot_params_addr
    if layout != "v6":
        e["txt_heap"] = txt_heap
    e["saved_misc_enable_msr"] = misc
    e["saved_bsp_mtrrs"] = mtrr
    return e


def amd_info(layout, slrt_size, slrt_base, boot_params_base, psp_version=0, nxt=0,
             length=None):
    if layout in ("v6", "v9"):
        return {"tag": "amd_info"}
    return {"tag": "amd_info", "next": nxt, "type": SETUP_SECURE_LAUNCH,
            "len": 32 if length is None else length, "slrt_size": slrt_size,
            "slrt_base": slrt_base, "boot_params_base": boot_params_base,
            "psp_version": psp_version}


# A typical client-platform variable MTRR set (39-bit physical address space):
# WB 0-2G, WB 2-3G, WB 3G-3.25G, WB 4-8G, WB 8-16G, UC hole; rest unused.
MASK39 = 0x7F_FFFF_F000
def _mask(size):
    return (MASK39 & ~(size - 1)) | 0x800       # valid bit 11

TYPICAL_PAIRS = [
    (0x0000_0000 | 6, _mask(1 << 31)),
    (0x8000_0000 | 6, _mask(1 << 30)),
    (0xC000_0000 | 6, _mask(1 << 28)),
    (0x1_0000_0000 | 6, _mask(1 << 32)),
    (0x2_0000_0000 | 6, _mask(1 << 33)),
    (0xCF80_0000 | 0, _mask(1 << 23)),
]


def typical_mtrrs(vcnt=10, pairs=TYPICAL_PAIRS):
    pairs = list(pairs) + [(0, 0)] * (vcnt - len(pairs))
    return mtrrs(0xC00, vcnt, pairs)


MISC_ENABLE = 0x0000_0000_0085_0089

# ---------------------------------------------------------------------------
# Vector catalogue
# ---------------------------------------------------------------------------

VALID, PERMISSIVE, MALFORMED = [], [], []


def add_valid(name, layout, arch, max_size, entries, producer, description,
              table=None, example=False):
    model = canonical_model(layout, arch, max_size, entries)
    if table is None:
        table = helper_table(layout, arch, max_size, entries)
    VALID.append(dict(name=name, layout=layout, table=table, model=model,
                      producer=producer, description=description, example=example))
    return table


def add_perm(name, layout, arch, max_size, entries, quirks, strict_error, description,
             roundtrip, table=None, producer="synthetic"):
    model = canonical_model(layout, arch, max_size, entries)
    if table is None:
        table = raw_table(layout, arch, max_size, [encode_entry(layout, e) for e in entries])
    PERMISSIVE.append(dict(name=name, layout=layout, table=table, model=model, quirks=quirks,
                           strict_error=strict_error, description=description,
                           roundtrip=roundtrip, producer=producer))


def add_bad(name, layout, data, errc, rule, index, description, mode="strict",
            check_layout=None):
    MALFORMED.append(dict(name=name, layout=layout, table=bytes(data), error=errc,
                          rule="SLRT-" + rule, entry_index=index, description=description,
                          mode=mode, check_layout=check_layout or
                          ("v16" if layout == "auto" else layout)))


def patch(tbl, off, fmt, value):
    b = bytearray(tbl)
    struct.pack_into("<" + fmt, b, off, value)
    return bytes(b)


# ---- generic per-profile tables -------------------------------------------

def generic_entries(layout, arch):
    """A plain Linux launch: DL, LOG, POLICY, platform entry (+ UEFI config on Intel)."""
    intel = arch == "intel_txt"
    slrt = 0x7A1F_0000
    zp = 0x7A1E_F000
    dce = (0x0003_8000, 0x7AF0_0000) if intel else (0x0001_0000, 0x0100_0000)
    ents = [
        dl_info(layout, dce[0], dce[1], 0x00C4_0000, 0x0200_0000, 0x0000_5A40,
                0x7FE5_2C80, 0x7FE1_3A00),
        log_info("tpm20", 0x8000, 0x7A1E_0000),
        policy([
            pe(18, "slrt", ["implicit_size"], 0, slrt, "Measured SLR Table"),
            pe(18, "boot_params", [], 0x1000, zp, "Measured boot parameters"),
            pe(18, "cmdline", [], 0x7FF, 0x7A1E_E000, "Measured Kernel command line"),
            pe(17, "ramdisk", [], 0x02B4_19C3, 0x7C84_5000, "Measured Kernel initrd"),
        ] + ([pe(18, "txt_os2mle", [], 0x60, 0x8FF0_0088, "Measured TXT OS-MLE data")]
             if intel else [])),
    ]
    if intel:
        ents.append(intel_info(layout, 0x8FF0_0000, MISC_ENABLE, typical_mtrrs(10),
                               boot_params_addr=zp))
        ents.append(uefi_config([cfg(18, 0x24, 0x7A1E_D000, "Measured UEFI config")]))
    else:
        tsize = HDR_LEN + sum(len(encode_entry(layout, e)) for e in ents)
        L = LAYOUTS[layout]
        tsize += L.fixed_size("amd_info") + L.hs
        ents.append(amd_info(layout, tsize, slrt, zp, psp_version=0))
    return ents


def build_generic():
    for layout in ("v6", "v9", "v10", "v12", "v16"):
        for arch in ("intel_txt", "amd_skinit"):
            ents = generic_entries(layout, arch)
            short = "intel-txt" if arch == "intel_txt" else "amd-skinit"
            desc = ("%s layout, %s: DL_INFO, LOG_INFO (TPM2.0), POLICY, %s built with "
                    "init+add helpers" % (layout, arch,
                                          "INTEL_INFO, UEFI_CONFIG" if arch == "intel_txt"
                                          else "AMD_INFO"))
            if layout in ("v6", "v9") and arch == "amd_skinit":
                desc += "; amd_info is a bare header in this layout"
            add_valid("%s-%s" % (layout, short), layout, arch, 4096, ents, "generic", desc)


# ---- producer-realistic tables ---------------------------------------------

def oracle_grub_v11_txt():
    """Oracle TrenchBoot GRUB grub-sl-2.12-v11, legacy BIOS Linux boot, TXT.
    7-slot fixed policy: no setup_data and no EFI memory map on a BIOS boot, so
    slots 2 and 4 stay UNUSED."""
    layout = "v10"
    slrt = 0x7B5E_8000            # relocator page, 16 MiB..4 GiB, page aligned
    zero_page = 0x7B5E_C000
    cmdline = 0x7B5E_E000
    initrd, initrd_size = 0x7C8A_3000, 0x0347_5A2C
    heap = 0x8FF0_0000
    os_mle = heap + 0x80 + 8      # after BiosData (size 0x80) and OsMleData size word
    ents = [
        dl_info(layout, 0x0003_8000, 0x7B40_0000,       # SINIT ACM base, size x 4
                0x00C7_1000, 0x0100_0000, 0x0000_4A60,   # MLE = protected-mode kernel
                0x7FE6_B2A0,                              # &grub_slaunch_params
                0x7FE4_1C30),                             # dl_entry_trampoline
        log_info("tpm20", 0x8000, 0x7B5D_0000),         # always format 2 (quirk 4)
        policy([
            pe(18, "slrt", ["implicit_size"], 0, slrt, "Measured SLR Table"),
            pe(18, "boot_params", [], 4096, zero_page, "Measured boot parameters"),
            pe_unused(),                                   # no setup_data
            pe(18, "cmdline", [], 0x7FF, cmdline, "Measured Kernel command line"),
            pe_unused(),                                   # not an EFI boot
            pe(17, "ramdisk", [], initrd_size, initrd, "Measured Kernel initrd"),
            pe(18, "txt_os2mle", [], 96, os_mle, "Measured TXT OS-MLE data"),
        ]),
        intel_info(layout, heap, MISC_ENABLE, typical_mtrrs(10)),
    ]
    tbl = add_valid("oracle-grub-v11-txt", layout, "intel_txt", 4096, ents, "oracle-grub-v11",
                    "Oracle TrenchBoot GRUB (grub-sl-2.12-v11) legacy-BIOS Linux/TXT launch: "
                    "7-slot fixed policy with UNUSED slots 2 (no setup_data) and 4 (no EFI "
                    "memmap), log format 2, 4 KiB page, size 1080")
    assert len(tbl) == 1080
    full = helper_table(layout, "intel_txt", 4096, ents, full=True)
    add_valid("oracle-grub-v11-txt-page", layout, "intel_txt", 4096, ents, "oracle-grub-v11",
              "Same table as oracle-grub-v11-txt but the file is the whole zeroed 4 KiB page "
              "the table lives in (size 1080, buffer 4096): decoders must ignore bytes past "
              "size", table=full)
    return ents


def oracle_grub_tbdev_amd():
    """G-tbdev, AMD SKINIT: 16-slot policy, 48-byte amd_info with len = 48."""
    layout = "v10"
    slb = 0x7FF0_0000
    bl_data_off = 0x4000
    slrt = slb + bl_data_off
    max_size = 0x10000 - bl_data_off
    zero_page = 0x7B5E_C000
    amd_off = HDR_LEN + 72 + 24 + (16 + 16 * 56)
    assert amd_off == 1024
    slots = [
        pe(18, "slrt", ["implicit_size"], 0, slrt, "Measured SLR Table"),
        pe(18, "boot_params", [], 4096, zero_page, "Measured boot parameters"),
        pe(18, "setup_data", ["implicit_size"], 0, slrt + amd_off + 8,
           "Measured Kernel setup_data"),
        pe(18, "cmdline", [], 0x7FF, 0x7B5E_E000, "Measured Kernel command line"),
        pe_unused(),
        pe(17, "ramdisk", [], 0x0347_5A2C, 0x7C8A_3000, "Measured Kernel initrd"),
        pe_unused(),                                        # no OS-MLE on AMD
    ] + [pe_unused() for _ in range(9)]
    ents = [
        dl_info(layout, 0x0001_0000, slb, 0x00C7_1000, 0x0100_0000, 0x0000_4A60,
                0x7FE6_B2A0, 0x7FE4_1C30),
        log_info("tpm20", 0x8000, 0x7B5D_0000),
        policy(slots),
        {"tag": "amd_info", "next": 0, "type": SETUP_SECURE_LAUNCH, "len": 48,
         "slrt_size": max_size, "slrt_base": slrt, "boot_params_base": zero_page,
         "_short48": True},
    ]
    tbl = helper_table(layout, "amd_skinit", max_size, ents)
    assert len(tbl) == 16 + 72 + 24 + 912 + 48 + 8
    model_ents = [dict(e) for e in ents]
    if SHORT48_EMITS_PSP_VERSION:
        model_ents[3]["psp_version"] = 0
    add_perm("oracle-grub-tbdev-amd", layout, "amd_skinit", max_size, model_ents,
             ["amd_info_short_48", "amd_info_len_whole_entry"], "entry_size_mismatch",
             "TrenchBoot GRUB (G-tbdev @66aec2e2) Linux/AMD SKINIT launch: 16-slot policy, "
             "SLRT inside the SLB at bootloader_data_offset 0x4000, 48-byte amd_info "
             "(no psp_version) whose len is the whole entry (48)",
             roundtrip=False, table=tbl, producer="oracle-grub-tbdev")


def grub_3mdeb_linux_txt():
    """3mdeb GRUB (aem-qubes-4.2.3-rebase), Linux/TXT, dynamic policy."""
    layout = "v10"
    slrt = 0x7B6F_1000
    zero_page = 0x0009_0000
    heap = 0x8FF0_0000
    os_mle = heap + 0x80 + 8
    ents = [
        dl_info(layout, 0x0003_8000, 0x7B40_0000, 0x00C7_1000, 0x0100_0000, 0x0000_4A60,
                zero_page,           # context = boot params address
                0),                  # no dl_handler: GRUB performs the DLE itself
        log_info("tpm20", 0x8000, 0x7B6E_0000),
        policy([
            pe(18, "slrt", ["implicit_size"], 0, slrt, "Measured SLR Table"),
            pe(18, "txt_os2mle", [], 88, os_mle, "Measured TXT OS-MLE data"),
            pe(18, "boot_params", [], 4096, zero_page, "Measured boot parameters"),
            pe(18, "setup_data", ["implicit_size"], 0, 0x0009_8000,
               "Measured Kernel setup_data"),
            pe(18, "cmdline", [], 0x5C, 0x0009_A000, "Measured Kernel command line"),
            pe(17, "ramdisk", [], 0x0215_7E00, 0x7D1C_2000, "Measured Kernel initrd"),
        ]),
        intel_info(layout, heap, MISC_ENABLE, typical_mtrrs(8)),
    ]
    tbl = add_valid("3mdeb-grub-linux-txt", layout, "intel_txt", 4096, ents, "3mdeb-grub",
                    "3mdeb GRUB (aem-qubes-4.2.3-rebase) Linux/TXT: dynamic policy in builder "
                    "order SLRT, OS-MLE, boot params, setup_data, cmdline, initrd; context = "
                    "zero page, no dl_handler")
    assert len(tbl) == 16 + 72 + 24 + (16 + 6 * 56) + 552 + 8


def grub_3mdeb_mb2_xen_txt():
    """3mdeb GRUB Multiboot2 -> Xen on TXT, v12 layout (560-byte intel_info)."""
    layout = "v12"
    heap = 0x8FF0_0000
    os_mle = heap + 0x80 + 8
    slrt = os_mle + 88            # SLRT stored in the heap right after OS-MLE, 4-aligned
    assert slrt % 4 == 0
    mbi, mbi_size = 0x0010_9000, 0x1A58
    ents = [
        dl_info(layout, 0x0003_8000, 0x7B40_0000, 0x0062_0000, 0x0020_0000, 0x0000_D0A0,
                mbi, 0),
        log_info("tpm20", 0x8000, 0x7B6E_0000),
        policy([
            pe(18, "multiboot2_info", [], mbi_size, mbi, "Measured MB2 information"),
            pe(18, "slrt", ["implicit_size"], 0, slrt, "Measured SLR Table"),
            pe(18, "txt_os2mle", [], 88, os_mle, "Measured TXT OS-MLE data"),
            pe(17, "multiboot2_module", [], 0x00B3_41A0, 0x0100_0000, "Measured MB2 module"),
            pe(17, "multiboot2_module", [], 0x0215_7E00, 0x01B3_5000, "Measured MB2 module"),
            pe(17, "multiboot2_module", [], 0x0001_C400, 0x03C8_D000, "Measured MB2 module"),
        ]),
        intel_info(layout, heap, MISC_ENABLE, typical_mtrrs(10), boot_params_addr=0),
    ]
    tbl = add_valid("3mdeb-grub-mb2-xen-txt", layout, "intel_txt", 4096, ents, "3mdeb-grub",
                    "3mdeb GRUB Multiboot2 launch of Xen on TXT: MB2 info first, SLRT, OS-MLE, "
                    "one MB2 module entry per module (dom0 kernel, initrd, ucode); SLRT in the "
                    "TXT heap after the OS-MLE table; v12 layout as used by Xen 2026 (560-byte "
                    "intel_info, boot_params_addr 0)")
    assert len(tbl) == 16 + 72 + 24 + (16 + 6 * 56) + 560 + 8


LINUX_TXT_V16 = None


def kernel_helpers_v16_txt():
    """v16 table built through init+add in GRUB's order plus a UEFI_CONFIG entry."""
    global LINUX_TXT_V16
    layout = "v16"
    slrt = 0x7A1F_0000
    zero_page = 0x7A1E_F000
    heap = 0x8FF0_0000
    os_mle = heap + 0x80 + 8
    ents = [
        dl_info(layout, 0x0003_8000, 0x7B40_0000,
                0x0124_0000, 0x0200_0000, 0x0000_5A40,   # dlme size/base/entry offset
                0x7E5D_2C80, 0x7E59_1A40,                # context, dl_launch callback
                dlme_header_offset=0x0000_B0C0,          # MLE header inside the DLME
                dlme_config_table=zero_page),            # boot params on Linux
        log_info("tpm20", 0x8000, 0x7A1E_0000),
        policy([
            pe(18, "slrt", ["implicit_size"], 0, slrt, "Measured SLR Table"),
            pe(18, "boot_params", [], 4096, zero_page, "Measured boot parameters"),
            pe(18, "setup_data", ["implicit_size"], 0, 0x7A1E_C000,
               "Measured Kernel setup_data"),
            pe(18, "cmdline", [], 0x7FF, 0x7A1E_E000, "Measured Kernel command line"),
            pe(18, "uefi_memmap", [], 0x1C20, 0x7A1D_8000, "Measured EFI memory map"),
            pe(17, "ramdisk", [], 0x0347_5A2C, 0x7C8A_3000, "Measured Kernel initrd"),
            pe(18, "txt_os2mle", [], 96, os_mle, "Measured TXT OS-MLE data"),
        ]),
        intel_info(layout, heap, MISC_ENABLE, typical_mtrrs(10), boot_params_addr=zero_page),
        uefi_config([
            cfg(18, 0x40, 0x7A1D_6000, "Measured UEFI SecureBoot state"),
            cfg(18, 0x0C, 0x7A1D_6100, "Measured UEFI boot order"),
        ]),
    ]
    tbl = add_valid("kernel-helpers-v16-txt", layout, "intel_txt", 4096, ents,
                    "kernel-helpers",
                    "v16 Linux/TXT launch built with slr_init_table + slr_add_entry in GRUB's "
                    "order (DL_INFO, LOG_INFO, POLICY, INTEL_INFO) plus a UEFI_CONFIG entry; "
                    "same content as examples/linux-txt.json", example=True)
    assert len(tbl) == 16 + 88 + 24 + 408 + 560 + (16 + 2 * 48) + 8
    LINUX_TXT_V16 = ents


def kernel_v16_amd():
    layout = "v16"
    slb = 0x7FF0_0000
    slrt = slb + 0x4000
    max_size = 0xC000
    zero_page = 0x7A1E_F000
    pol = policy([
        pe(18, "slrt", ["implicit_size"], 0, slrt, "Measured SLR Table"),
        pe(18, "boot_params", [], 4096, zero_page, "Measured boot parameters"),
        None,
        pe(18, "cmdline", [], 0x7FF, 0x7A1E_E000, "Measured Kernel command line"),
        pe(17, "ramdisk", [], 0x0347_5A2C, 0x7C8A_3000, "Measured Kernel initrd"),
    ])
    amd_off = HDR_LEN + 88 + 24 + 16 + 5 * 56
    pol["entries"][2] = pe(18, "setup_data", ["implicit_size"], 0, slrt + amd_off + 8,
                           "Measured Kernel setup_data")
    size = amd_off + 56 + 8
    ents = [
        dl_info(layout, 0x0001_0000, slb, 0x0124_0000, 0x0200_0000, 0x0000_5A40,
                zero_page, 0,
                dlme_header_offset=0x0000_B0C0, dlme_config_table=zero_page),
        log_info("tpm20", 0x8000, 0x7A1E_0000),
        pol,
        amd_info(layout, size, slrt, zero_page, psp_version=3, nxt=0),
    ]
    tbl = add_valid("kernel-v16-amd", layout, "amd_skinit", max_size, ents, "kernel-helpers",
                    "v16 Linux/AMD SKINIT launch: SLRT in the SLB, AMD_INFO (56 bytes, "
                    "type 10, len 32 = payload) spliced into setup_data, psp_version 3")
    assert len(tbl) == size


def unknown_tag_table():
    layout = "v16"
    ents = generic_entries(layout, "intel_txt")
    ents = ents[:3] + [{"tag": 0x1234, "raw": "0011223344556677"}] + ents[3:] + \
        [{"tag": 0xFFFE, "raw": ""}, {"tag": 9, "raw": "a5" * 24}]
    add_valid("v16-unknown-tags", layout, "intel_txt", 4096, ents, "synthetic",
              "v16 table with unknown tags: 0x1234 with 8 payload bytes (between POLICY and "
              "INTEL_INFO), 0xfffe with no payload, 9 with 24 bytes; raw round trip")
    ents6 = generic_entries("v6", "intel_txt")
    ents6 = ents6[:1] + [{"tag": 0x1234, "raw": "0011223344556677"}] + ents6[1:]
    add_valid("v6-unknown-tag", "v6", "intel_txt", 4096, ents6, "synthetic",
              "v6 (u16 entry header) table with an unknown tag 0x1234 entry, 8 payload bytes")


def placeholder_tables():
    for layout in ("v16", "v6"):
        ents = generic_entries(layout, "intel_txt")[:3] + \
            [{"tag": "arm_info"}, {"tag": "uefi_info"}]
        add_valid("%s-placeholders" % layout, layout, "intel_txt", 4096, ents, "synthetic",
                  "%s table with header-only ARM_INFO and UEFI_INFO placeholder entries "
                  "(%d bytes each)" % (layout, LAYOUTS[layout].hs))


def empty_tables():
    for layout in ("v16", "v9"):
        add_valid("%s-empty" % layout, layout, "intel_txt", 4096, [], "kernel-helpers",
                  "freshly initialised table: header + END only (size %d)"
                  % (16 + LAYOUTS[layout].hs))


def edge_tables():
    layout = "v16"
    full_pairs = [((i + 1) << 32 | 6, _mask(1 << 32)) for i in range(32)]
    ents = [
        dl_info(layout, U64 - 0x7B40_0000, 0x7B40_0000, U64 - 0x0200_0000, 0x0200_0000,
                U64 - 0x0200_0001, U64, U64, bootloader=7,
                dlme_header_offset=U64, dlme_config_table=U64),
        log_info("tpm12", 0xFFFF_FFFF, U64 - 0xFFFF_FFFF),
        policy([
            pe(0, 9, ["measured", "implicit_size"], U64, U64, "x" * 31),
            pe(23, "unspecified", ["measured", 4, 0x8000], 0, 0,
               'quote " and backslash \\ ~'),
            pe(7, "multiboot2_info", [16], 1, 1, ""),
            {"pcr": 17, "entity_type": "txt_os2mle", "flags": [], "size": 2, "entity": 3,
             "evt_info_raw": "01414243" + "00" * 28},
            {"pcr": 18, "entity_type": 0xFFFE, "flags": [], "size": 2, "entity": 3,
             "evt_info_raw": "7f" + "00" * 31},
        ]),
        intel_info(layout, U64, U64, mtrrs(U64, 32, full_pairs), boot_params_addr=U64),
        uefi_config([]),
        uefi_config([cfg(23, 0xFFFF_FFFF, U64, "")]),
    ]
    add_valid("v16-edge-values", layout, "intel_txt", 8192, ents, "synthetic",
              "v16 boundary values: all-ones addresses without wrap, bootloader 7 (number in "
              "JSON), log format tpm12 with 4 GiB-1 size, reserved entity type 9, unknown flag "
              "bits, 31-char label, JSON escapes, non-printable labels (evt_info_raw), "
              "pcr 0 and 23, mtrr_vcnt 32 with all pairs set, two UEFI_CONFIG entries (one empty)")

    # mtrr canonical-length rule: vcnt 0 -> []; vcnt 4 with zero pairs inside
    ents = [
        dl_info("v6", 0x0003_8000, 0x7AF0_0000, 0, 0, 0x0100_0000, 0x7FE5_2C80, 0x7FE1_3A00,
                bootloader="invalid"),
        log_info("tpm12", 0x8000, 0x7A1E_0000),
        intel_info("v6", 0, MISC_ENABLE, mtrrs(0x806, 0, [])),
    ]
    add_valid("v6-mtrr-vcnt0", "v6", "intel_txt", 1024, ents, "synthetic",
              "v6 table: bootloader invalid (0), TPM1.2 log, no policy, intel_info with "
              "mtrr_vcnt 0 -> empty mtrr_pair list")
    ents = [
        dl_info("v9", 0x0003_8000, 0x7AF0_0000, 0x0100_0000, 0x0200_0000, 0, 0, 0),
        intel_info("v9", 0x8FF0_0000, MISC_ENABLE,
                   mtrrs(0xC00, 4, [(0, 0), (0x8000_0006, _mask(1 << 30)), (0, 0), (0, 0)])),
    ]
    add_valid("v9-mtrr-sparse", "v9", "intel_txt", 1024, ents, "synthetic",
              "v9 table: mtrr_vcnt 4 with pairs 0, 2 and 3 zero -> mtrr_pair lists 4 elements; "
              "dlme_entry 0; no log/policy")


def coreboot_payload_amd():
    """Dasharo coreboot DRTM payload: hand-built header + DL_INFO + AMD_INFO + END,
    max_size 0 (only acceptable in permissive mode)."""
    layout = "v10"
    slb = 0x0100_0000
    slrt = slb + 0x1000
    size = 16 + 72 + 56 + 8
    ents = [
        dl_info(layout, 0x0001_0000, slb, 0x0080_0000, 0x0200_0000, 0x0000_0200,
                0x0200_0000, 0),
        amd_info(layout, size, slrt, 0, psp_version=0),
    ]
    tbl = raw_table(layout, "amd_skinit", 0, [encode_entry(layout, e) for e in ents])
    assert len(tbl) == size
    add_perm("coreboot-payload-amd", layout, "amd_skinit", 0, ents, ["max_size_zero"],
             "size_exceeds_max_size",
             "Dasharo coreboot DRTM payload (AMD): header + DL_INFO + AMD_INFO + END written "
             "by hand, revision 1, architecture 2, bootloader 1 (GRUB), max_size 0; no "
             "LOG_INFO/POLICY yet", roundtrip=True, table=tbl, producer="coreboot")


def permissive_tables():
    layout = "v16"
    base = generic_entries(layout, "intel_txt")

    ents = [dict(base[0], extra="deadbeefcafef00d")] + base[1:]
    add_perm("oversized-dl-info", layout, "intel_txt", 4096, ents, ["oversized_entry"],
             "entry_size_mismatch",
             "v16 DL_INFO of 96 bytes (8 unknown trailing bytes): JSON carries \"extra\"",
             roundtrip=True)

    ents = base[:4] + [{"tag": "arm_info", "extra": "0102030405060708"}] + base[4:]
    add_perm("oversized-arm-info", layout, "intel_txt", 4096, ents, ["oversized_entry"],
             "entry_size_mismatch",
             "v16 ARM_INFO placeholder carrying 8 payload bytes (16-byte entry)", roundtrip=True)

    ents = base[:2] + [log_info("tpm12", 0x4000, 0x7A1D_0000)] + base[2:]
    add_perm("duplicate-log-info", layout, "intel_txt", 4096, ents, ["duplicate_singleton"],
             "duplicate_entry", "v16 table with two LOG_INFO entries (second at index 2)",
             roundtrip=True)

    ents = [dict(base[0])] + base[1:]
    ents[1] = dict(base[1], _reserved={"reserved": b"\x34\x12"})
    add_perm("reserved-nonzero-log", layout, "intel_txt", 4096, ents, ["reserved_nonzero"],
             "reserved_nonzero",
             "v16 LOG_INFO reserved u16 = 0x1234; reserved bytes are dropped by re-encoding",
             roundtrip=False)

    ents = list(base)
    ents[0] = dict(base[0], bl_context=base[0]["bl_context"],
                   _reserved={"bl_context.reserved": b"\x00\x00\x01\x00\x00\x00"})
    add_perm("reserved-nonzero-bl-context", layout, "intel_txt", 4096, ents,
             ["reserved_nonzero"], "reserved_nonzero",
             "v16 bl_context reserved[1] = 1; dropped by re-encoding", roundtrip=False)

    ents = list(base)
    pol = policy([dict(i) for i in base[2]["entries"]])
    pol["entries"][1]["_reserved"] = b"\xff\xff"
    ents[2] = pol
    add_perm("reserved-nonzero-policy-entry", layout, "intel_txt", 4096, ents,
             ["reserved_nonzero"], "reserved_nonzero",
             "v16 policy element 1 reserved u16 = 0xffff; dropped by re-encoding",
             roundtrip=False)

    # evt_info with garbage after the NUL (P5, quirk reserved_nonzero)
    ents = list(base)
    pol = policy([dict(i) for i in base[2]["entries"]])
    raw = b"Measured SLR Table\x00" + b"GARBAGE" + bytes(6)
    pol["entries"][0] = {k: v for k, v in pol["entries"][0].items() if k != "evt_info"}
    pol["entries"][0]["evt_info_raw"] = raw.hex()
    ents[2] = pol
    tbl = raw_table(layout, "intel_txt", 4096, [encode_entry(layout, e) for e in ents])
    mdl = [dict(e) for e in ents]
    mdl[2] = policy([dict(i) for i in base[2]["entries"]])
    add_perm("evt-info-trailing-garbage", layout, "intel_txt", 4096, mdl, ["reserved_nonzero"],
             "reserved_nonzero",
             "v16 policy element 0 evt_info \"Measured SLR Table\\0GARBAGE\": JSON keeps the "
             "text up to the NUL, the garbage is dropped by re-encoding",
             roundtrip=False, table=tbl)

    ents = list(base)
    pol = policy([dict(i) for i in base[2]["entries"]])
    del pol["entries"][3]["evt_info"]
    pol["entries"][3]["evt_info_raw"] = b"Measured Kernel initrd and more!".hex()
    assert len(bytes.fromhex(pol["entries"][3]["evt_info_raw"])) == 32
    ents[2] = pol
    add_perm("evt-info-unterminated", layout, "intel_txt", 4096, ents,
             ["evt_info_unterminated"], "evt_info_unterminated",
             "v16 policy element 3 evt_info fills all 32 bytes without NUL: JSON uses "
             "\"evt_info_raw\"", roundtrip=True)

    # mtrr pair beyond mtrr_vcnt (I2, quirk reserved_nonzero); canonical list covers it
    ents = list(base)
    ents[3] = intel_info(layout, 0x8FF0_0000, MISC_ENABLE,
                         mtrrs(0xC00, 2, TYPICAL_PAIRS[:2] + [(0, 0), TYPICAL_PAIRS[3]]),
                         boot_params_addr=0x7A1E_F000)
    add_perm("mtrr-pair-beyond-vcnt", layout, "intel_txt", 4096, ents, ["reserved_nonzero"],
             "reserved_nonzero",
             "v16 intel_info mtrr_vcnt 2 but pair 3 nonzero: mtrr_pair lists 4 elements "
             "(1 + index of last nonzero pair)", roundtrip=True)

    # AMD len = whole entry (56)
    ents = generic_entries(layout, "amd_skinit")
    ents[3] = dict(ents[3], len=56)
    add_perm("amd-info-len-whole-entry", layout, "amd_skinit", 4096, ents,
             ["amd_info_len_whole_entry"], "amd_info_bad_len",
             "v16 56-byte AMD_INFO whose len is the whole entry size (56) instead of the "
             "setup_data payload length (32)", roundtrip=True)

    # 48-byte amd_info with a correct payload len (24)
    ents = generic_entries("v10", "amd_skinit")
    a = {k: v for k, v in ents[3].items() if k != "psp_version"}
    a.update(len=24, _short48=True, slrt_size=ents[3]["slrt_size"] - 8)
    ents[3] = a
    add_perm("amd-info-short-48", "v10", "amd_skinit", 4096, ents, ["amd_info_short_48"],
             "entry_size_mismatch",
             "v10 48-byte AMD_INFO (G-tbdev layout, no psp_version/reserved) with len 24 = "
             "payload length", roundtrip=False)

    # Combination as emitted by an old producer: v6 table with duplicate LOG_INFO and
    # nonzero reserved
    ents = generic_entries("v6", "intel_txt")
    ents[1] = dict(ents[1], _reserved={"reserved": b"\x01\x00"})
    ents.insert(2, log_info("tpm20", 0x8000, 0x7A1D_0000))
    add_perm("v6-duplicate-log-reserved", "v6", "intel_txt", 4096, ents,
             ["reserved_nonzero", "duplicate_singleton"], "reserved_nonzero",
             "v6 table: first LOG_INFO has reserved = 1 (strict error on entry 1), second "
             "LOG_INFO duplicates it", roundtrip=False)


# ---- malformed --------------------------------------------------------------

def malformed_tables():
    V16 = "v16"
    g16 = generic_entries(V16, "intel_txt")
    t16 = helper_table(V16, "intel_txt", 4096, g16)
    o16 = entry_offsets(V16, t16)            # DL, LOG, POLICY, INTEL, UEFI_CFG, END
    s16 = len(t16)
    a16e = generic_entries(V16, "amd_skinit")
    a16 = helper_table(V16, "amd_skinit", 4096, a16e)
    ao16 = entry_offsets(V16, a16)           # DL, LOG, POLICY, AMD, END
    g6 = generic_entries("v6", "intel_txt")
    t6 = helper_table("v6", "intel_txt", 4096, g6)
    o6 = entry_offsets("v6", t6)
    g9 = generic_entries("v9", "intel_txt")
    t9 = helper_table("v9", "intel_txt", 4096, g9)
    o9 = entry_offsets("v9", t9)
    g10 = generic_entries("v10", "intel_txt")
    t10 = helper_table("v10", "intel_txt", 4096, g10)
    g12 = generic_entries("v12", "intel_txt")
    t12 = helper_table("v12", "intel_txt", 4096, g12)
    oracle = helper_table("v10", "intel_txt", 4096, ORACLE_ENTS)
    oo = entry_offsets("v10", oracle)

    def enc16(e):
        return encode_entry(V16, e)

    # ---- H1 truncated_header
    add_bad("h1-empty", "auto", b"", "truncated_header", "H1", None, "zero-length buffer")
    add_bad("h1-15-bytes", "auto", t16[:15], "truncated_header", "H1", None,
            "first 15 bytes of a valid table (header needs 16)")
    add_bad("h1-8-bytes", "v6", t6[:8], "truncated_header", "H1", None,
            "magic, revision, architecture only")
    # ---- H2 bad_magic
    add_bad("h2-magic-slrt", "auto", patch(t16, 0, "I", 0x534C5254), "bad_magic", "H2", None,
            "magic 0x534c5254 ('SLRT') as suggested in review, never adopted")
    add_bad("h2-magic-big-endian", "auto", b"DRTM" + t16[4:], "bad_magic", "H2", None,
            "magic stored big-endian (bytes 'DRTM' instead of 'MTRD')")
    add_bad("h2-zero-page", "auto", bytes(4096), "bad_magic", "H2", None,
            "all-zero 4 KiB page (table never initialised)")
    # ---- H3 bad_revision
    add_bad("h3-revision-0", "auto", patch(t16, 4, "H", 0), "bad_revision", "H3", None,
            "revision 0")
    add_bad("h3-revision-2", "v10", patch(oracle, 4, "H", 2), "bad_revision", "H3", None,
            "revision 2")
    add_bad("h3-revision-byteswapped", "auto", patch(t16, 4, "H", 0x0100), "bad_revision",
            "H3", None, "revision stored big-endian (0x0100)")
    # ---- H4 unknown_architecture
    add_bad("h4-arch-0", "auto", patch(t16, 6, "H", 0), "unknown_architecture", "H4", None,
            "architecture 0")
    add_bad("h4-arch-3-arm", "auto", patch(t16, 6, "H", 3), "unknown_architecture", "H4", None,
            "architecture 3 (an Arm id is not defined)")
    add_bad("h4-arch-byteswapped", "v6", patch(t6, 6, "H", 0x0100), "unknown_architecture",
            "H4", None, "architecture stored big-endian (0x0100)")
    add_bad("h4-arch-3-permissive", "v16", patch(t16, 6, "H", 3), "unknown_architecture",
            "H4", None, "architecture 3, permissive mode", mode="permissive")
    # ---- H5 size_too_small
    add_bad("h5-size-0", "v16", patch(t16, 8, "I", 0), "size_too_small", "H5", None,
            "size field 0")
    add_bad("h5-size-16-pre-v6", "v6", patch(t6, 8, "I", 16), "size_too_small", "H5", None,
            "size 16 (pre-v6 init: header only, no END)")
    add_bad("h5-size-23", "v16", patch(t16, 8, "I", 23), "size_too_small", "H5", None,
            "size 23 < 16 + 8")
    add_bad("h5-size-19-v9", "v9", patch(t9, 8, "I", 19), "size_too_small", "H5", None,
            "size 19 < 16 + 4")
    add_bad("h5-size-0-permissive", "v16", patch(t16, 8, "I", 0), "size_too_small", "H5",
            None, "size field 0, permissive mode", mode="permissive")
    # ---- H6 size_exceeds_max_size
    add_bad("h6-max-size-minus-1", "v16", patch(t16, 12, "I", s16 - 1),
            "size_exceeds_max_size", "H6", None, "max_size = size - 1")
    add_bad("h6-max-size-16", "v10", patch(oracle, 12, "I", 16), "size_exceeds_max_size",
            "H6", None, "max_size 16")
    add_bad("h6-size-ffffffff", "v16", patch(t16, 8, "I", 0xFFFFFFFF),
            "size_exceeds_max_size", "H6", None, "size 0xffffffff with max_size 4096")
    add_bad("h6-max-size-zero-strict", "v16", patch(t16, 12, "I", 0), "size_exceeds_max_size",
            "H6", None, "max_size 0 (coreboot style) in strict mode")
    add_bad("h6-max-size-100-permissive", "v16", patch(t16, 12, "I", 100),
            "size_exceeds_max_size", "H6", None,
            "max_size 100 < size; permissive only tolerates max_size 0", mode="permissive")
    # ---- H7 size_exceeds_buffer
    add_bad("h7-truncated-1", "v16", t16[:-1], "size_exceeds_buffer", "H7", None,
            "valid table with its last byte cut off")
    add_bad("h7-header-only", "v10", oracle[:16], "size_exceeds_buffer", "H7", None,
            "only the 16-byte header of a 1080-byte table given")
    add_bad("h7-size-plus-8", "v16", patch(t16, 8, "I", s16 + 8), "size_exceeds_buffer",
            "H7", None, "size field 8 larger than the buffer (max_size still 4096)")
    add_bad("h7-size-ffffffff", "v16", patch(patch(t16, 8, "I", 0xFFFFFFFF), 12, "I",
                                             0xFFFFFFFF), "size_exceeds_buffer", "H7", None,
            "size and max_size 0xffffffff")
    cb = PERMISSIVE_BY_NAME["coreboot-payload-amd"]["table"]
    add_bad("h7-max-size-zero-truncated-permissive", "v10", cb[:-8], "size_exceeds_buffer",
            "H7", None, "coreboot table (max_size 0) missing its END bytes, permissive mode",
            mode="permissive")

    # ---- E1 entry_header_truncated
    end_idx16 = len(o16) - 1
    add_bad("e1-size-minus-1", "v16", patch(t16, 8, "I", s16 - 1)[:s16 - 1],
            "entry_header_truncated", "E1", end_idx16,
            "size one byte short: END header (8 bytes) no longer fits")
    add_bad("e1-size-minus-4", "v16", patch(t16, 8, "I", s16 - 4)[:s16 - 4],
            "entry_header_truncated", "E1", end_idx16,
            "size four bytes short: END header straddles the end of the table")
    cut = o16[1] + 4
    add_bad("e1-next-header-straddles", "v16", patch(t16, 8, "I", cut)[:cut],
            "entry_header_truncated", "E1", 1,
            "size ends 4 bytes into the LOG_INFO entry header")
    s6 = len(t6)
    add_bad("e1-v6-size-minus-2", "v6", patch(t6, 8, "I", s6 - 2)[:s6 - 2],
            "entry_header_truncated", "E1", len(o6) - 1,
            "v6: size 2 bytes short, 4-byte END header does not fit")
    add_bad("e1-size-minus-1-permissive", "v16", patch(t16, 8, "I", s16 - 1)[:s16 - 1],
            "entry_header_truncated", "E1", end_idx16, "size one byte short, permissive",
            mode="permissive")
    # ---- E2 entry_size_too_small
    add_bad("e2-size-0", "v16", patch(t16, o16[1] + 4, "I", 0), "entry_size_too_small", "E2",
            1, "LOG_INFO size 0 (kernel's next-entry walk would loop forever)")
    add_bad("e2-size-1", "v16", patch(t16, o16[0] + 4, "I", 1), "entry_size_too_small", "E2",
            0, "DL_INFO size 1")
    add_bad("e2-size-7", "v16", patch(t16, o16[2] + 4, "I", 7), "entry_size_too_small", "E2",
            2, "POLICY size 7 (< 8-byte header)")
    add_bad("e2-end-size-4", "v16", patch(t16, o16[-1] + 4, "I", 4), "entry_size_too_small",
            "E2", end_idx16, "END entry with size 4 (v6-style header size in a v16 table)")
    zero_gap = raw_table(V16, "intel_txt", 4096, [enc16(g16[0]), bytes(16)] +
                         [enc16(e) for e in g16[1:]])
    add_bad("e2-zero-gap", "v16", zero_gap, "entry_size_too_small", "E2", 1,
            "16 zero bytes (tag 0, size 0) between DL_INFO and LOG_INFO: size check first")
    add_bad("e2-v6-size-3", "v6", patch(t6, o6[1] + 2, "H", 3), "entry_size_too_small", "E2",
            1, "v6 LOG_INFO size 3")
    add_bad("e2-v16-as-v9", "v9", t16, "entry_size_too_small", "E2", 0,
            "v16 table parsed with the v9 (u16) header: first entry reads tag 1, size 0")
    add_bad("e2-v6-as-v16", "v16", t6, "entry_size_too_small", "E2", 0,
            "v6 table parsed as v16: u32 size of first entry is bootloader|reserved = 1")
    add_bad("e2-size-0-permissive", "v16", patch(t16, o16[1] + 4, "I", 0),
            "entry_size_too_small", "E2", 1, "LOG_INFO size 0, permissive", mode="permissive")
    # ---- E3 entry_exceeds_table
    add_bad("e3-size-ffffffff", "v16", patch(t16, o16[0] + 4, "I", 0xFFFFFFFF),
            "entry_exceeds_table", "E3", 0, "DL_INFO size 0xffffffff")
    add_bad("e3-size-wraps-u32", "v16", patch(t16, o16[1] + 4, "I", (1 << 32) - o16[1]),
            "entry_exceeds_table", "E3", 1,
            "LOG_INFO size 2^32 - offset: offset + size wraps to 0 in 32-bit arithmetic")
    last = o16[-2]
    add_bad("e3-last-entry-past-size", "v16",
            patch(t16, last + 4, "I", s16 - last + 8), "entry_exceeds_table", "E3",
            len(o16) - 2, "last entry before END runs 8 bytes past size")
    add_bad("e3-v9-as-v16", "v16", t9, "entry_exceeds_table", "E3", 0,
            "v9 table parsed as v16: first entry reads tag 0x00400001, size = dce_size 0x38000")
    add_bad("e3-v6-size-fff0", "v6", patch(t6, o6[2] + 2, "H", 0xFFF0), "entry_exceeds_table",
            "E3", 2, "v6 POLICY size 0xfff0")
    add_bad("e3-permissive", "v16", patch(t16, o16[0] + 4, "I", 0xFFFFFFFF),
            "entry_exceeds_table", "E3", 0, "DL_INFO size 0xffffffff, permissive",
            mode="permissive")
    # ---- E4 missing_end
    add_bad("e4-end-removed", "v16", patch(t16, 8, "I", s16 - 8)[:s16 - 8], "missing_end",
            "E4", None, "END entry dropped and size reduced accordingly")
    pre6 = raw_table("v6", "intel_txt", 4096, [encode_entry("v6", e) for e in g6], end=False)
    add_bad("e4-pre-v6-no-end", "v6", pre6, "missing_end", "E4", None,
            "pre-v6 builder: entries appended at size with no END entry")
    ents = list(g16[:4])
    intel_big = dict(ents[3], extra="ffff000008000000")   # looks like an END inside
    cover = raw_table(V16, "intel_txt", 4096, [enc16(e) for e in ents[:3]] + [enc16(intel_big)],
                      end=False)
    add_bad("e4-oversized-swallows-end-permissive", "v16", cover, "missing_end", "E4", None,
            "INTEL_INFO size 568 swallows the END entry (its 8 bytes become 'extra'): accepted "
            "as oversized in permissive mode, then the walk reaches size without END",
            mode="permissive")
    # ---- E5 end_not_last
    mid = raw_table(V16, "intel_txt", 4096, [enc16(g16[0]), enc16(g16[1]), end_entry(V16)] +
                    [enc16(e) for e in g16[2:]])
    add_bad("e5-end-in-middle", "v16", mid, "end_not_last", "E5", 2,
            "END entry between LOG_INFO and POLICY, entries continue after it")
    pad = patch(t16 + bytes(8), 8, "I", s16 + 8)
    add_bad("e5-padding-after-end", "v16", pad, "end_not_last", "E5", end_idx16,
            "8 zero bytes after END counted in size")
    two = patch(t16 + end_entry(V16), 8, "I", s16 + 8)
    add_bad("e5-two-ends", "v16", two, "end_not_last", "E5", end_idx16,
            "two END entries at the end of the table")
    mid6 = raw_table("v6", "intel_txt", 4096, [encode_entry("v6", g6[0]), end_entry("v6")] +
                     [encode_entry("v6", e) for e in g6[1:]])
    add_bad("e5-v6-end-in-middle", "v6", mid6, "end_not_last", "E5", 1,
            "v6: END right after DL_INFO, entries continue after it")
    # ---- E6 invalid_tag
    add_bad("e6-dl-tag-0", "v16", patch(t16, o16[0], "I", 0), "invalid_tag", "E6", 0,
            "DL_INFO with tag 0 (size intact)")
    add_bad("e6-v6-policy-tag-0", "v6", patch(t6, o6[2], "H", 0), "invalid_tag", "E6", 2,
            "v6 POLICY with tag 0")
    tag0 = raw_table(V16, "intel_txt", 4096, [enc16(e) for e in g16[:3]] +
                     [enc16({"tag": 0x1234, "raw": "0011223344556677", "_tag": 0})] +
                     [enc16(e) for e in g16[3:]])
    add_bad("e6-opaque-tag-0", "v16", tag0, "invalid_tag", "E6", 3,
            "16-byte entry with tag 0 and 8 payload bytes")
    add_bad("e6-permissive", "v16", patch(t16, o16[1], "I", 0), "invalid_tag", "E6", 1,
            "LOG_INFO with tag 0, permissive", mode="permissive")
    # ---- E7 entry_size_mismatch
    add_bad("e7-v10-oracle-as-v16", "v16", oracle, "entry_size_mismatch", "E7", 0,
            "Oracle GRUB v10 table parsed as v16: DL_INFO is 72 bytes, v16 needs 88")
    add_bad("e7-v10-oracle-as-v12", "v12", oracle, "entry_size_mismatch", "E7", 3,
            "Oracle GRUB v10 table parsed as v12: INTEL_INFO 552 bytes, v12 needs 560 "
            "(quirk 11.1: GRUB without boot_params_addr vs kernel v12+)")
    add_bad("e7-v10-oracle-as-v12-permissive", "v12", oracle, "entry_size_mismatch", "E7", 3,
            "as e7-v10-oracle-as-v12 in permissive mode (undersized is never accepted)",
            mode="permissive")
    add_bad("e7-v12-as-v10", "v10", t12, "entry_size_mismatch", "E7", 3,
            "v12 table parsed as v10: INTEL_INFO 560 bytes, v10 wants 552 (oversized, strict)")
    add_bad("e7-v9-as-v6", "v6", t9, "entry_size_mismatch", "E7", 0,
            "v9 table parsed as v6: DL_INFO 64 bytes, v6 wants 44")
    ents = list(g16)
    ents[3] = intel_info("v10", 0x8FF0_0000, MISC_ENABLE, typical_mtrrs(10))
    mixed = raw_table(V16, "intel_txt", 4096, [enc16(ents[i]) if i != 3 else
                                                encode_entry("v10", ents[3])
                                                for i in range(len(ents))])
    add_bad("e7-552-intel-in-v16", "v16", mixed, "entry_size_mismatch", "E7", 3,
            "v16 table holding a 552-byte (v10/GRUB) INTEL_INFO")
    add_bad("e7-log-oversized-strict", "v16",
            raw_table(V16, "intel_txt", 4096, [enc16(g16[0]),
                                               enc16(dict(g16[1], extra="00" * 8))] +
                      [enc16(e) for e in g16[2:]]),
            "entry_size_mismatch", "E7", 1, "LOG_INFO of 32 bytes (8 zero extra), strict mode")
    short_log = struct.pack("<IIHHI", 2, 16, 2, 0, 0x8000)
    add_bad("e7-log-undersized", "v16",
            raw_table(V16, "intel_txt", 4096, [enc16(g16[0]), short_log] +
                      [enc16(e) for e in g16[2:]]),
            "entry_size_mismatch", "E7", 1, "LOG_INFO of 16 bytes (addr missing)")
    add_bad("e7-log-undersized-permissive", "v16",
            raw_table(V16, "intel_txt", 4096, [enc16(g16[0]), short_log] +
                      [enc16(e) for e in g16[2:]]),
            "entry_size_mismatch", "E7", 1, "LOG_INFO of 16 bytes, permissive",
            mode="permissive")
    add_bad("e7-end-size-16", "v16", patch(patch(t16 + bytes(8), 8, "I", s16 + 8),
                                           o16[-1] + 4, "I", 16),
            "entry_size_mismatch", "E7", end_idx16,
            "END entry with size 16 (8 zero bytes after its header, size grown to cover them)")
    add_bad("e7-v6-end-size-8", "v6", patch(patch(t6 + bytes(4), 8, "I", s6 + 4),
                                            o6[-1] + 2, "H", 8),
            "entry_size_mismatch", "E7", len(o6) - 1, "v6 END entry with size 8 instead of 4")
    arm = raw_table(V16, "intel_txt", 4096, [enc16(e) for e in g16] +
                    [enc16({"tag": "arm_info", "extra": "0102030405060708"})])
    add_bad("e7-arm-info-oversized-strict", "v16", arm, "entry_size_mismatch", "E7", 5,
            "ARM_INFO placeholder of 16 bytes, strict mode")
    a40 = [enc16(e) for e in a16e[:3]] + [struct.pack("<II", 5, 40) + enc16(a16e[3])[8:40]]
    add_bad("e7-amd-info-40-permissive", "v16", raw_table(V16, "amd_skinit", 4096, a40),
            "entry_size_mismatch", "E7", 3,
            "AMD_INFO of 40 bytes (neither 56 nor the tolerated 48), permissive",
            mode="permissive")
    add_bad("e7-amd-info-48-strict", "v10",
            PERMISSIVE_BY_NAME["oracle-grub-tbdev-amd"]["table"], "entry_size_mismatch",
            "E7", 3, "G-tbdev 48-byte AMD_INFO in strict mode")
    pol12 = struct.pack("<IIHH", 3, 12, 0, 0)
    add_bad("e7-policy-12", "v16",
            raw_table(V16, "intel_txt", 4096, [enc16(g16[0]), enc16(g16[1]), pol12] +
                      [enc16(e) for e in g16[3:]]),
            "entry_size_mismatch", "E7", 2, "POLICY entry of 12 bytes (< 16-byte header)")
    cfg8 = struct.pack("<II", 8, 8)
    add_bad("e7-uefi-config-8", "v16",
            raw_table(V16, "intel_txt", 4096, [enc16(e) for e in g16[:4]] + [cfg8]),
            "entry_size_mismatch", "E7", 4, "UEFI_CONFIG entry that is only an entry header")
    pol6 = struct.pack("<HHH", 3, 6, 1)
    add_bad("e7-v6-policy-6", "v6",
            raw_table("v6", "intel_txt", 4096, [encode_entry("v6", g6[0]),
                                                encode_entry("v6", g6[1]), pol6] +
                      [encode_entry("v6", e) for e in g6[3:]]),
            "entry_size_mismatch", "E7", 2, "v6 POLICY of 6 bytes (< 8-byte header)")
    # ---- E8 duplicate_entry
    add_bad("e8-dup-dl", "v16",
            raw_table(V16, "intel_txt", 4096, [enc16(g16[0])] + [enc16(e) for e in g16]),
            "duplicate_entry", "E8", 1, "two DL_INFO entries at the start")
    add_bad("e8-dup-log-oracle", "v10",
            raw_table("v10", "intel_txt", 4096, [encode_entry("v10", e) for e in ORACLE_ENTS] +
                      [encode_entry("v10", ORACLE_ENTS[1])]),
            "duplicate_entry", "E8", 4, "Oracle GRUB table with a second LOG_INFO appended")
    add_bad("e8-dup-policy-v6", "v6",
            raw_table("v6", "intel_txt", 4096, [encode_entry("v6", e) for e in
                                                g6[:3] + [g6[2]] + g6[3:]]),
            "duplicate_entry", "E8", 3, "v6 table with POLICY twice")
    add_bad("e8-dup-intel-v12", "v12",
            raw_table("v12", "intel_txt", 4096, [encode_entry("v12", e) for e in
                                                 g12 + [g12[3]]]),
            "duplicate_entry", "E8", 5, "v12 table with INTEL_INFO twice")
    add_bad("e8-dup-amd", "v16",
            raw_table(V16, "amd_skinit", 4096, [enc16(e) for e in a16e + [a16e[3]]]),
            "duplicate_entry", "E8", 4, "v16 AMD table with AMD_INFO twice")
    # ---- E9 architecture_mismatch
    add_bad("e9-intel-in-amd", "v16", patch(t16, 6, "H", 2), "architecture_mismatch", "E9", 3,
            "INTEL_INFO in a table whose architecture is amd_skinit")
    add_bad("e9-amd-in-intel", "v16", patch(a16, 6, "H", 1), "architecture_mismatch", "E9", 3,
            "AMD_INFO in a table whose architecture is intel_txt")
    add_bad("e9-v9-amd-header-in-intel", "v9",
            raw_table("v9", "intel_txt", 4096, [encode_entry("v9", e) for e in g9] +
                      [encode_entry("v9", {"tag": "amd_info"})]),
            "architecture_mismatch", "E9", 5, "v9 bare AMD_INFO header in an Intel table")
    add_bad("e9-permissive", "v16", patch(a16, 6, "H", 1), "architecture_mismatch", "E9", 3,
            "AMD_INFO in an Intel table, permissive", mode="permissive")
    # ---- E10 reserved_nonzero
    def r16(tagoff, field_off, fmt, val, idx, desc, tbl=t16, layout=V16):
        add_bad("e10-" + desc[0], layout, patch(tbl, tagoff + field_off, fmt, val),
                "reserved_nonzero", "E10", idx, desc[1])
    r16(o16[0], field_offset(V16, "dl_info", "bl_context.reserved") + 4, "H", 1, 0,
        ("bl-context", "v16 bl_context reserved[2] = 1"))
    r16(o16[1], field_offset(V16, "log_info", "reserved"), "H", 0x8000, 1,
        ("log", "v16 LOG_INFO reserved = 0x8000"))
    r16(o16[2], arr_field_offset(V16, "policy", "reserved"), "H", 1, 2,
        ("policy-header", "v16 POLICY header reserved[0] = 1"))
    r16(o16[2], arr_field_offset(V16, "policy", None, 2, "reserved"), "H", 0x0100, 2,
        ("policy-element", "v16 policy element 2 reserved = 0x0100"))
    r16(o16[4], arr_field_offset(V16, "uefi_config", "reserved") + 2, "H", 7, 4,
        ("uefi-config-header", "v16 UEFI_CONFIG header reserved[1] = 7"))
    r16(o16[4], arr_field_offset(V16, "uefi_config", None, 0, "reserved"), "H", 1, 4,
        ("uefi-cfg-element", "v16 UEFI_CONFIG element 0 reserved = 1"))
    r16(ao16[3], field_offset(V16, "amd_info", "reserved"), "H", 1, 3,
        ("amd", "v16 AMD_INFO reserved[0] = 1"), tbl=a16)
    r16(o9[3], field_offset("v9", "intel_info", "reserved"), "I", 0xFFFFFFFF, 3,
        ("v9-intel", "v9 INTEL_INFO reserved[2] = 0xffff,0xffff"), tbl=t9, layout="v9")
    r16(o9[1], field_offset("v9", "log_info", "reserved") + 2, "H", 1, 1,
        ("v9-log", "v9 LOG_INFO reserved[1] = 1"), tbl=t9, layout="v9")
    r16(o6[0], field_offset("v6", "dl_info", "bl_context.reserved"), "H", 0xFFFF, 0,
        ("v6-bl-context", "v6 bl_context reserved = 0xffff"), tbl=t6, layout="v6")
    r16(o6[1], field_offset("v6", "log_info", "reserved"), "H", 2, 1,
        ("v6-log", "v6 LOG_INFO reserved = 2"), tbl=t6, layout="v6")

    # ---- P1 count_mismatch
    pol = o16[2]
    nr_off = pol + arr_field_offset(V16, "policy", "nr_entries")
    add_bad("p1-nr-entries-ffff", "v16", patch(t16, nr_off, "H", 0xFFFF), "count_mismatch",
            "P1", 2, "POLICY nr_entries 0xffff, entry size unchanged")
    add_bad("p1-nr-entries-plus-1", "v16", patch(t16, nr_off, "H", 6), "count_mismatch",
            "P1", 2, "POLICY nr_entries 6 for 5 elements")
    add_bad("p1-nr-entries-0", "v16", patch(t16, nr_off, "H", 0), "count_mismatch", "P1", 2,
            "POLICY nr_entries 0 while 5 elements are present")
    ents = list(g16)
    ents[2] = dict(ents[2], _trailer="00" * 8)
    add_bad("p1-policy-trailing-bytes", "v16",
            raw_table(V16, "intel_txt", 4096, [enc16(e) for e in ents]),
            "count_mismatch", "P1", 2, "POLICY entry 8 bytes longer than header + 5 x 56")
    ents = list(g16)
    ents[4] = dict(ents[4], _nr_entries=2)
    add_bad("p1-uefi-config-nr-2", "v16",
            raw_table(V16, "intel_txt", 4096, [enc16(e) for e in ents]),
            "count_mismatch", "P1", 4, "UEFI_CONFIG nr_entries 2 for 1 element")
    add_bad("p1-v6-nr-entries", "v6", patch(t6, o6[2] + arr_field_offset("v6", "policy",
                                                                          "nr_entries"),
                                            "H", 4), "count_mismatch", "P1", 2,
            "v6 POLICY nr_entries 4 for 5 elements")
    add_bad("p1-permissive", "v16", patch(t16, nr_off, "H", 0xFFFF), "count_mismatch",
            "P1", 2, "POLICY nr_entries 0xffff, permissive", mode="permissive")
    # ---- P2 bad_entry_revision
    rev_off = pol + arr_field_offset(V16, "policy", "revision")
    add_bad("p2-policy-revision-0", "v16", patch(t16, rev_off, "H", 0), "bad_entry_revision",
            "P2", 2, "POLICY revision 0")
    add_bad("p2-policy-revision-2-v9", "v9",
            patch(t9, o9[2] + arr_field_offset("v9", "policy", "revision"), "H", 2),
            "bad_entry_revision", "P2", 2, "v9 POLICY revision 2")
    add_bad("p2-uefi-config-revision-0", "v16",
            patch(t16, o16[4] + arr_field_offset(V16, "uefi_config", "revision"), "H", 0),
            "bad_entry_revision", "P2", 4, "UEFI_CONFIG revision 0")
    # ---- P3 pcr_out_of_range
    add_bad("p3-pcr-24", "v16",
            patch(t16, pol + arr_field_offset(V16, "policy", None, 1, "pcr"), "H", 24),
            "pcr_out_of_range", "P3", 2, "policy element 1 pcr 24")
    add_bad("p3-pcr-ffff-oracle", "v10",
            patch(oracle, oo[2] + arr_field_offset("v10", "policy", None, 6, "pcr"), "H",
                  0xFFFF), "pcr_out_of_range", "P3", 2,
            "Oracle GRUB policy slot 6 pcr 0xffff")
    add_bad("p3-uefi-pcr-24", "v16",
            patch(t16, o16[4] + arr_field_offset(V16, "uefi_config", None, 0, "pcr"), "H", 24),
            "pcr_out_of_range", "P3", 4, "UEFI_CONFIG element 0 pcr 24")
    add_bad("p3-unused-slot-pcr-100-permissive", "v10",
            patch(oracle, oo[2] + arr_field_offset("v10", "policy", None, 2, "pcr"), "H",
                  100), "pcr_out_of_range", "P3", 2,
            "Oracle GRUB UNUSED slot 2 with pcr 100, permissive", mode="permissive")
    # ---- P4 evt_info_unterminated
    ev_off = pol + arr_field_offset(V16, "policy", None, 0, "evt_info")
    b = bytearray(t16)
    b[ev_off:ev_off + 32] = b"Measured SLR Table" + b"!" * 14
    add_bad("p4-policy-32-chars", "v16", b, "evt_info_unterminated", "P4", 2,
            "policy element 0 evt_info 32 printable bytes, no NUL")
    b = bytearray(t16)
    cev = o16[4] + arr_field_offset(V16, "uefi_config", None, 0, "evt_info")
    b[cev:cev + 32] = b"\xff" * 32
    add_bad("p4-uefi-all-ff", "v16", b, "evt_info_unterminated", "P4", 4,
            "UEFI_CONFIG element 0 evt_info all 0xff")
    b = bytearray(t6)
    e6 = o6[2] + arr_field_offset("v6", "policy", None, 4, "evt_info")
    b[e6:e6 + 32] = b"A" * 32
    add_bad("p4-v6-policy", "v6", b, "evt_info_unterminated", "P4", 2,
            "v6 policy element 4 evt_info 'A' x 32")
    # ---- P5 reserved_nonzero (after the NUL)
    b = bytearray(t16)
    b[ev_off + 31] = 0x01
    add_bad("p5-last-byte", "v16", b, "reserved_nonzero", "P5", 2,
            "policy element 0 evt_info: byte 31 nonzero after the terminating NUL")
    b = bytearray(t16)
    b[cev:cev + 32] = b"Measured UEFI config\x00stale-data\x00"
    add_bad("p5-uefi-stale", "v16", b, "reserved_nonzero", "P5", 4,
            "UEFI_CONFIG evt_info with stale text after the NUL")
    b = bytearray(oracle)
    slot2 = oo[2] + arr_field_offset("v10", "policy", None, 2, "evt_info")
    b[slot2 + 1] = 0x41
    add_bad("p5-unused-slot", "v10", b, "reserved_nonzero", "P5", 2,
            "Oracle GRUB UNUSED slot 2: empty label followed by a nonzero byte")

    # ---- D1 dlme_entry_out_of_range
    dl = o16[0]
    add_bad("d1-entry-equals-size", "v16",
            patch(t16, dl + field_offset(V16, "dl_info", "dlme_entry"), "Q", g16[0]["dlme_size"]),
            "dlme_entry_out_of_range", "D1", 0, "dlme_entry == dlme_size")
    add_bad("d1-size-0", "v16",
            patch(t16, dl + field_offset(V16, "dl_info", "dlme_size"), "Q", 0),
            "dlme_entry_out_of_range", "D1", 0, "dlme_size 0 with a nonzero entry offset")
    dl_zero = dl_info("v12", 0x0003_8000, 0x7AF0_0000, 0, 0, 0, 0x7FE5_2C80, 0x7FE1_3A00)
    add_bad("d1-all-zero-dlme", "v12",
            raw_table("v12", "intel_txt", 4096, [encode_entry("v12", dl_zero)] +
                      [encode_entry("v12", e) for e in g12[1:]]),
            "dlme_entry_out_of_range", "D1", 0,
            "v12 DL_INFO with dlme_base, dlme_size and dlme_entry all 0")
    add_bad("d1-entry-absolute-v9", "v9",
            patch(t9, o9[0] + field_offset("v9", "dl_info", "dlme_entry"), "Q",
                  g9[0]["dlme_base"] + g9[0]["dlme_entry"]),
            "dlme_entry_out_of_range", "D1", 0,
            "v9 dlme_entry holds the absolute address (base + offset) instead of an offset")
    add_bad("d1-permissive", "v16",
            patch(t16, dl + field_offset(V16, "dl_info", "dlme_size"), "Q", 0),
            "dlme_entry_out_of_range", "D1", 0, "dlme_size 0, permissive", mode="permissive")
    # ---- D2 address_wrap (dl_info)
    add_bad("d2-dlme-wrap", "v16",
            patch(t16, dl + field_offset(V16, "dl_info", "dlme_base"), "Q",
                  0xFFFF_FFFF_FFF0_0000), "address_wrap", "D2", 0,
            "dlme_base 0xfffffffffff00000 + dlme_size 0xc40000 wraps")
    add_bad("d2-dce-wrap", "v16",
            patch(t16, dl + field_offset(V16, "dl_info", "dce_base"), "Q",
                  0xFFFF_FFFF_FFFF_0000), "address_wrap", "D2", 0,
            "dce_base 0xffffffffffff0000 + dce_size 0x38000 wraps")
    add_bad("d2-v6-dce-wrap", "v6",
            patch(t6, o6[0] + field_offset("v6", "dl_info", "dce_base"), "Q",
                  0xFFFF_FFFF_FFFF_F000), "address_wrap", "D2", 0,
            "v6 dce_base 0xfffffffffffff000 + u32 dce_size 0x38000 wraps")
    # ---- L1 unknown_log_format
    fo = o16[1] + field_offset(V16, "log_info", "format")
    add_bad("l1-format-0", "v16", patch(t16, fo, "H", 0), "unknown_log_format", "L1", 1,
            "LOG_INFO format 0")
    add_bad("l1-format-3", "v10", patch(oracle, oo[1] + field_offset("v10", "log_info",
                                                                     "format"), "H", 3),
            "unknown_log_format", "L1", 1, "LOG_INFO format 3")
    add_bad("l1-v6-format-ffff", "v6", patch(t6, o6[1] + field_offset("v6", "log_info",
                                                                       "format"), "H", 0xFFFF),
            "unknown_log_format", "L1", 1, "v6 LOG_INFO format 0xffff")
    add_bad("l1-permissive", "v16", patch(t16, fo, "H", 0), "unknown_log_format", "L1", 1,
            "LOG_INFO format 0, permissive", mode="permissive")
    # ---- L2 address_wrap (log_info)
    add_bad("l2-log-wrap", "v16",
            patch(t16, o16[1] + field_offset(V16, "log_info", "addr"), "Q",
                  0xFFFF_FFFF_FFFF_C000), "address_wrap", "L2", 1,
            "log addr 0xffffffffffffc000 + size 0x8000 wraps")
    add_bad("l2-v9-log-wrap", "v9",
            patch(t9, o9[1] + field_offset("v9", "log_info", "addr"), "Q", U64),
            "address_wrap", "L2", 1, "v9 log addr 0xffffffffffffffff + size 0x8000 wraps")
    # ---- I1 mtrr_vcnt_too_large
    vc = o16[3] + field_offset(V16, "intel_info", "saved_bsp_mtrrs.mtrr_vcnt")
    add_bad("i1-vcnt-33", "v16", patch(t16, vc, "Q", 33), "mtrr_vcnt_too_large", "I1", 3,
            "mtrr_vcnt 33")
    add_bad("i1-vcnt-high-dword", "v16", patch(t16, vc, "Q", (1 << 32) | 10),
            "mtrr_vcnt_too_large", "I1", 3,
            "mtrr_vcnt 0x10000000a (low 32 bits look like 10)")
    add_bad("i1-v6-vcnt-255", "v6",
            patch(t6, o6[3] + field_offset("v6", "intel_info", "saved_bsp_mtrrs.mtrr_vcnt"),
                  "Q", 255), "mtrr_vcnt_too_large", "I1", 3, "v6 mtrr_vcnt 255 (MTRRCAP.VCNT max)")
    add_bad("i1-permissive", "v16", patch(t16, vc, "Q", 33), "mtrr_vcnt_too_large", "I1", 3,
            "mtrr_vcnt 33, permissive", mode="permissive")
    # ---- I2 reserved_nonzero (mtrr pair beyond mtrr_vcnt)
    po = o16[3] + field_offset(V16, "intel_info", "saved_bsp_mtrrs.mtrr_pair")
    add_bad("i2-pair-31", "v16", patch(t16, po + 31 * 16, "Q", 6), "reserved_nonzero", "I2", 3,
            "mtrr_pair[31].mtrr_physbase nonzero with mtrr_vcnt 10")
    add_bad("i2-vcnt-lowered", "v16", patch(t16, vc, "Q", 5), "reserved_nonzero", "I2", 3,
            "mtrr_vcnt 5 but pair 5 (the UC hole) still set")
    add_bad("i2-v6-pair-mask", "v6",
            patch(t6, o6[3] + field_offset("v6", "intel_info", "saved_bsp_mtrrs.mtrr_pair") +
                  20 * 16 + 8, "Q", 0x800), "reserved_nonzero", "I2", 3,
            "v6 mtrr_pair[20].mtrr_physmask nonzero with mtrr_vcnt 10")
    # ---- A1 amd_info_bad_len
    lo = ao16[3] + field_offset(V16, "amd_info", "len")
    add_bad("a1-len-0", "v16", patch(a16, lo, "I", 0), "amd_info_bad_len", "A1", 3,
            "AMD_INFO len 0")
    add_bad("a1-len-whole-entry-strict", "v16", patch(a16, lo, "I", 56), "amd_info_bad_len",
            "A1", 3, "AMD_INFO len 56 = whole entry (G-tbdev semantics), strict mode")
    add_bad("a1-len-48-permissive", "v16", patch(a16, lo, "I", 48), "amd_info_bad_len", "A1",
            3, "AMD_INFO (56 bytes) with len 48: neither payload nor whole entry, permissive",
            mode="permissive")
    add_bad("a1-len-40", "v10",
            patch(helper_table("v10", "amd_skinit", 4096, generic_entries("v10", "amd_skinit")),
                  entry_offsets("v10", helper_table("v10", "amd_skinit", 4096,
                                                    generic_entries("v10", "amd_skinit")))[3] +
                  field_offset("v10", "amd_info", "len"), "I", 40),
            "amd_info_bad_len", "A1", 3, "v10 AMD_INFO len 40 (payload including psp fields "
            "miscounted)")


ORACLE_ENTS = None
PERMISSIVE_BY_NAME = {}



# ---------------------------------------------------------------------------
# Second, table-free reader: literal byte offsets copied from the fact-sheet
# offset tables (section 3).  Cross-checks the field order of the layout
# descriptors above (which the sizes alone would not catch).
# ---------------------------------------------------------------------------

SPOT = {
    # tag: {layout group: [(json path, offset, fmt)]}
    "dl_info": {
        "v16": [("dce_size", 8, "Q"), ("dce_base", 16, "Q"), ("dlme_size", 24, "Q"),
                ("dlme_base", 32, "Q"), ("dlme_entry", 40, "Q"),
                ("dlme_header_offset", 48, "Q"), ("dlme_config_table", 56, "Q"),
                ("bl_context/bootloader", 64, "H"), ("bl_context/context", 72, "Q"),
                ("dl_launch", 80, "Q")],
        "v10": [("dce_size", 8, "Q"), ("dce_base", 16, "Q"), ("dlme_size", 24, "Q"),
                ("dlme_base", 32, "Q"), ("dlme_entry", 40, "Q"),
                ("bl_context/bootloader", 48, "H"), ("bl_context/context", 56, "Q"),
                ("dl_handler", 64, "Q")],
        "v9": [("dce_size", 4, "I"), ("dce_base", 8, "Q"), ("dlme_size", 16, "Q"),
               ("dlme_base", 24, "Q"), ("dlme_entry", 32, "Q"),
               ("bl_context/bootloader", 40, "H"), ("bl_context/context", 48, "Q"),
               ("dl_handler", 56, "Q")],
        "v6": [("bl_context/bootloader", 4, "H"), ("bl_context/context", 8, "Q"),
               ("dl_handler", 16, "Q"), ("dce_base", 24, "Q"), ("dce_size", 32, "I"),
               ("dlme_entry", 36, "Q")]},
    "log_info": {
        "v10": [("format", 8, "H"), ("size", 12, "I"), ("addr", 16, "Q")],
        "v9": [("format", 4, "H"), ("size", 12, "I"), ("addr", 16, "Q")],
        "v6": [("format", 4, "H"), ("addr", 8, "Q"), ("size", 16, "I")]},
    "intel_info": {
        "v12": [("boot_params_addr", 8, "Q"), ("txt_heap", 16, "Q"),
                ("saved_misc_enable_msr", 24, "Q"),
                ("saved_bsp_mtrrs/default_mem_type", 32, "Q"),
                ("saved_bsp_mtrrs/mtrr_vcnt", 40, "Q"), ("PAIRS", 48, "")],
        "v10": [("txt_heap", 8, "Q"), ("saved_misc_enable_msr", 16, "Q"),
                ("saved_bsp_mtrrs/default_mem_type", 24, "Q"),
                ("saved_bsp_mtrrs/mtrr_vcnt", 32, "Q"), ("PAIRS", 40, "")],
        "v6": [("saved_misc_enable_msr", 4, "Q"),
               ("saved_bsp_mtrrs/default_mem_type", 12, "Q"),
               ("saved_bsp_mtrrs/mtrr_vcnt", 20, "Q"), ("PAIRS", 28, "")]},
    "amd_info": {
        "v10": [("next", 8, "Q"), ("type", 16, "I"), ("len", 20, "I"),
                ("slrt_size", 24, "Q"), ("slrt_base", 32, "Q"),
                ("boot_params_base", 40, "Q"), ("psp_version", 48, "H")]},
}
SPOT_GROUP = {"v16": "v16", "v12": "v12", "v10": "v10", "v9": "v9", "v6": "v6"}
# element layouts: (offset of first element, [(key, off, fmt)])
SPOT_ARRAY = {
    ("policy", "v10"): (16, 12, 14, [("pcr", 0, "H"), ("size", 8, "Q"), ("entity", 16, "Q"),
                                     ("evt", 24, "32s")]),
    ("policy", "v9"): (8, 4, 6, [("pcr", 0, "H"), ("size", 8, "Q"), ("entity", 16, "Q"),
                                 ("evt", 24, "32s")]),
    ("policy", "v6"): (8, 4, 6, [("pcr", 0, "H"), ("entity", 8, "Q"), ("size", 16, "Q"),
                                 ("evt", 24, "32s")]),
    ("uefi_config", "v10"): (16, 12, 14, [("pcr", 0, "H"), ("size", 4, "I"), ("cfg", 8, "Q"),
                                          ("evt", 16, "32s")]),
    ("uefi_config", "v9"): (8, 4, 6, [("pcr", 0, "H"), ("size", 4, "I"), ("cfg", 8, "Q"),
                                      ("evt", 16, "32s")]),
    ("uefi_config", "v6"): (8, 4, 6, [("pcr", 0, "H"), ("cfg", 4, "Q"), ("size", 12, "I"),
                                      ("evt", 16, "32s")]),
}
_ENUMS = {"format": LOG_FORMAT, "bl_context/bootloader": BOOTLOADER}


def _pick(d, layout):
    order = {"v16": ["v16", "v12", "v10"], "v12": ["v12", "v10"], "v10": ["v10"],
             "v9": ["v9"], "v6": ["v6"]}[layout]
    for k in order:
        if k in d:
            return d[k]
    return None


def spot_check(table, doc):
    """Re-read a valid table with literal offsets and compare with its JSON."""
    layout = doc["layout"]
    u16hdr = layout in ("v6", "v9")
    off = 16
    errors = []
    for ent in doc["entries"]:
        tag, esz = struct.unpack_from("<HH" if u16hdr else "<II", table, off)
        name = ent["tag"]
        if isinstance(name, str):
            assert tag == TAGS[name], (name, tag)
        spec = _pick(SPOT.get(name, {}), layout) if isinstance(name, str) else None
        for path, fo, fmt in spec or []:
            if path == "PAIRS":
                for i, pair in enumerate(ent["saved_bsp_mtrrs"]["mtrr_pair"]):
                    b, m = struct.unpack_from("<QQ", table, off + fo + 16 * i)
                    if (b, m) != (pair["mtrr_physbase"], pair["mtrr_physmask"]):
                        errors.append("%s pair %d" % (name, i))
                continue
            if path == "psp_version" and esz == 48:
                continue                      # G-tbdev short amd_info
            val = struct.unpack_from("<" + fmt, table, off + fo)[0]
            j = ent
            for k in path.split("/"):
                j = j[k]
            if path in _ENUMS and isinstance(j, str):
                j = _ENUMS[path][j]
            if val != j:
                errors.append("%s.%s: %r != %r" % (name, path, val, j))
        arr = _pick({k[1]: v for k, v in SPOT_ARRAY.items() if k[0] == name}, layout) \
            if name in ("policy", "uefi_config") else None
        if arr:
            first, roff, noff, fields = arr
            esize = 56 if name == "policy" else 48
            if struct.unpack_from("<H", table, off + roff)[0] != ent["revision"] or \
               struct.unpack_from("<H", table, off + noff)[0] != len(ent["entries"]):
                errors.append("%s header" % name)
            for i, it in enumerate(ent["entries"]):
                for key, fo, fmt in fields:
                    val = struct.unpack_from("<" + fmt, table, off + first + i * esize + fo)[0]
                    if key == "evt":
                        if "evt_info_raw" in it:
                            ok = val == bytes.fromhex(it["evt_info_raw"])
                        else:             # text up to the first NUL
                            ok = val.split(b"\0")[0] == it["evt_info"].encode()
                    else:
                        ok = val == it[key]
                    if not ok:
                        errors.append("%s[%d].%s" % (name, i, key))
        off += esz
    return errors

# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------

def dump_json(obj):
    return json.dumps(obj, indent=2, ensure_ascii=True) + "\n"


def main():
    global ORACLE_ENTS
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.normpath(os.path.join(here, "..", ".."))

    build_generic()
    ORACLE_ENTS = oracle_grub_v11_txt()
    oracle_grub_tbdev_amd()
    grub_3mdeb_linux_txt()
    grub_3mdeb_mb2_xen_txt()
    kernel_helpers_v16_txt()
    kernel_v16_amd()
    unknown_tag_table()
    placeholder_tables()
    empty_tables()
    edge_tables()
    coreboot_payload_amd()
    permissive_tables()
    for p in PERMISSIVE:
        PERMISSIVE_BY_NAME[p["name"]] = p
    malformed_tables()

    problems = []
    manifest = {"valid": [], "permissive": [], "malformed": []}

    for v in VALID:
        try:
            got, q = decode(v["table"], v["layout"], "strict")
        except SlrtError as e:
            problems.append("valid %s: %s" % (v["name"], e))
            continue
        if got != v["model"] or q:
            problems.append("valid %s: decode differs from model\n%s\n%s" %
                            (v["name"], dump_json(got), dump_json(v["model"])))
        got_p, q = decode(v["table"], v["layout"], "permissive")
        if got_p != got or q:
            problems.append("valid %s: permissive decode differs" % v["name"])
        v["json"] = got
        for err in spot_check(v["table"], got):
            problems.append("valid %s: literal-offset check: %s" % (v["name"], err))
        # re-encoding the decoded JSON must give the same bytes (first `size` bytes of
        # the file; anything after size must be zero)
        size = struct.unpack_from("<I", v["table"], 8)[0]
        again = raw_table(v["layout"], got["architecture"], got["max_size"],
                          [encode_entry(v["layout"], e) for e in got["entries"]])
        if again != v["table"][:size] or any(v["table"][size:]):
            problems.append("valid %s: re-encode differs" % v["name"])

    for p in PERMISSIVE:
        try:
            decode(p["table"], p["layout"], "strict")
            problems.append("permissive %s: strict accepted" % p["name"])
        except SlrtError as e:
            p["strict"] = e
            if e.errc != p["strict_error"]:
                problems.append("permissive %s: strict error %s != %s" %
                                (p["name"], e.errc, p["strict_error"]))
        try:
            got, q = decode(p["table"], p["layout"], "permissive")
        except SlrtError as e:
            problems.append("permissive %s: %s" % (p["name"], e))
            continue
        if sorted(q) != sorted(p["quirks"]):
            problems.append("permissive %s: quirks %s != %s" % (p["name"], q, p["quirks"]))
        if got != p["model"]:
            problems.append("permissive %s: decode differs from model\n%s\n%s" %
                            (p["name"], dump_json(got), dump_json(p["model"])))
        p["json"] = got
        for err in spot_check(p["table"], got):
            problems.append("permissive %s: literal-offset check: %s" % (p["name"], err))
        again = raw_table(p["layout"], got["architecture"], got["max_size"],
                          [encode_entry(p["layout"], e) for e in got["entries"]])
        if (again == p["table"]) != p["roundtrip"]:
            problems.append("permissive %s: roundtrip flag %s but re-encode %s" %
                            (p["name"], p["roundtrip"], again == p["table"]))

    for m in MALFORMED:
        try:
            decode(m["table"], m["check_layout"], m["mode"])
            problems.append("malformed %s: accepted" % m["name"])
        except SlrtError as e:
            if (e.errc, e.rule, e.index) != (m["error"], m["rule"], m["entry_index"]):
                problems.append("malformed %s: got %s %s %s, declared %s %s %s" %
                                (m["name"], e.errc, e.rule, e.index, m["error"], m["rule"],
                                 m["entry_index"]))

    names = [x["name"] for x in VALID + PERMISSIVE + MALFORMED]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        problems.append("duplicate names: %s" % sorted(dup))

    if problems:
        sys.stderr.write("\n".join(problems) + "\n")
        sys.exit(1)

    for sub in ("valid", "permissive", "malformed"):
        d = os.path.join(here, sub)
        if os.path.isdir(d):
            shutil.rmtree(d)
        os.makedirs(d)

    def wr(rel, data):
        path = os.path.join(here, rel)
        with open(path, "wb") as f:
            f.write(data)

    for v in VALID:
        wr("valid/%s.bin" % v["name"], v["table"])
        wr("valid/%s.json" % v["name"], dump_json(v["json"]).encode())
        size = struct.unpack_from("<I", v["table"], 8)[0]
        manifest["valid"].append({
            "file": "valid/%s.bin" % v["name"], "json": "valid/%s.json" % v["name"],
            "layout": v["layout"], "producer": v["producer"], "description": v["description"],
            "size": size, "max_size": v["json"]["max_size"]})
        if v["example"]:
            ex = os.path.join(root, "examples", "linux-txt.json")
            os.makedirs(os.path.dirname(ex), exist_ok=True)
            with open(ex, "w") as f:
                f.write(dump_json(v["json"]))
            manifest["valid"][-1]["example"] = "examples/linux-txt.json"

    for p in PERMISSIVE:
        wr("permissive/%s.bin" % p["name"], p["table"])
        wr("permissive/%s.json" % p["name"], dump_json(p["json"]).encode())
        manifest["permissive"].append({
            "file": "permissive/%s.bin" % p["name"], "json": "permissive/%s.json" % p["name"],
            "layout": p["layout"], "quirks": p["quirks"], "strict_error": p["strict_error"],
            "strict_rule": p["strict"].rule, "strict_entry_index": p["strict"].index,
            "roundtrip": p["roundtrip"], "producer": p["producer"],
            "description": p["description"]})

    for m in MALFORMED:
        wr("malformed/%s.bin" % m["name"], m["table"])
        manifest["malformed"].append({
            "file": "malformed/%s.bin" % m["name"], "layout": m["layout"], "mode": m["mode"],
            "error": m["error"], "rule": m["rule"], "entry_index": m["entry_index"],
            "description": m["description"]})

    with open(os.path.join(here, "manifest.json"), "w") as f:
        f.write(dump_json(manifest))

    print("valid: %d, permissive: %d, malformed: %d" %
          (len(VALID), len(PERMISSIVE), len(MALFORMED)))


if __name__ == "__main__":
    main()
