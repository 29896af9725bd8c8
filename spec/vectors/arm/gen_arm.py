#!/usr/bin/env python3
"""Golden vectors for Arm DRTM (DEN0113): DRTM_PARAMETERS, DLME data, DRTM event logs.

Written from the fact sheet (skinit-arm-tcg.md sections B and C) and spec/arm-drtm.md, not
from the C++ sources. Run from the repository root:

    python3 spec/vectors/arm/gen_arm.py

It rewrites spec/vectors/arm/{valid,eventlog,malformed}/ and spec/vectors/arm/manifest.json.
Standard library only; the output is deterministic.

Pieces:
  * encoders: DRTM_PARAMETERS (88 bytes), memory region descriptor tables, TCB hash tables,
    ACPI tables (XSDT + tables with checksums), TCG crypto-agile logs with TF-A's measurement
    list, the DLME data (header + regions in header order);
  * a reference checker for each structure (rule ids ARM-n in the order spec/arm-drtm.md
    gives), and a PCR 17/18 order checker after the Arm compliance suite's dl013/dl015;
  * the catalogue. Every valid vector is checked (no error, decode == the JSON written beside
    it); every malformed vector must fail with exactly the errc, rule, offset and entry index
    the manifest declares, or the script stops.
"""

import hashlib
import json
import os
import shutil
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
U64 = (1 << 64) - 1
PAGE = 0x1000

# ---------------------------------------------------------------------------
# Facts: event types (B.8), TPM_ALG_IDs (C.6), event log constants (C.1-C.5)
# ---------------------------------------------------------------------------

EV = {
    "PCR_SCHEMA": 0x9001, "DCE": 0x9002, "DCE_PUBKEY": 0x9003, "DLME": 0x9004,
    "DLME_ENTRY_POINT": 0x9005, "DEBUG_CONFIG": 0x9006, "NONSECURE_CONFIG": 0x9007,
    "DCE_SECONDARY": 0x9008, "TZFW": 0x9009, "SEPARATOR": 0x900A, "DLME_PUBKEY": 0x900B,
    "DLME_SVN": 0x900C, "NO_ACTION": 0x900D, "SECURE_INT_DISABLE": 0x900E,
}
EV_NO_ACTION = 3
ALG_SIZES = {0x0004: 20, 0x000B: 32, 0x000C: 48, 0x000D: 64, 0x0012: 32, 0x0027: 32, 0x0028: 48, 0x0029: 64}
SHA256 = 0x000B
ALG_NAMES = {0x0004: "sha1", 0x000B: "sha256", 0x000C: "sha384", 0x000D: "sha512"}
SEPARATOR = b"ARM_DRTM"
SEPARATOR_DATA = b"ARM_DRTM\0"

# ---------------------------------------------------------------------------
# DRTM_PARAMETERS (B.4) and launch features (B.5)
# ---------------------------------------------------------------------------

PARAM_FIELDS = [
    ("revision", "H", 0x00), ("reserved", "H", 0x02), ("launch_features", "I", 0x04),
    ("dlme_region_address", "Q", 0x08), ("dlme_region_size", "Q", 0x10),
    ("dlme_image_start", "Q", 0x18), ("dlme_entry_point_offset", "Q", 0x20),
    ("dlme_image_size", "Q", 0x28), ("dlme_data_offset", "Q", 0x30),
    ("nw_dce_region_address", "Q", 0x38), ("nw_dce_region_size", "Q", 0x40),
    ("protection_table_address", "Q", 0x48), ("protection_table_size", "Q", 0x50),
]
OFF = {name: off for name, _, off in PARAM_FIELDS}
PARAM_FMT = "<" + "".join(f for _, f, _ in PARAM_FIELDS)
assert struct.calcsize(PARAM_FMT) == 88


def lf(hashing=0, schema=0, dma=0, auth=0, sid=0, extra=0):
    return hashing | schema << 1 | dma << 3 | auth << 6 | sid << 7 | extra


def params(**kw):
    p = {name: 0 for name, _, _ in PARAM_FIELDS}
    p["revision"] = 1
    p.update(kw)
    return p


def pack_params(p):
    return struct.pack(PARAM_FMT, *[p[name] for name, _, _ in PARAM_FIELDS])


def unpack_params(b):
    return dict(zip([n for n, _, _ in PARAM_FIELDS], struct.unpack_from(PARAM_FMT, b, 0)))


def params_json(p):
    f = p["launch_features"]
    schema = (f >> 1) & 3
    dma = (f >> 3) & 7
    j = {
        "revision": p["revision"], "reserved": p["reserved"],
        "launch_features": {
            "raw": f,
            "hashing_type": "tpm" if f & 1 else "dce",
            "pcr_schema": {0: "default", 1: "dlme_authorities"}.get(schema, schema),
            "dma_protection_type": {0: "complete", 1: "region_based"}.get(dma, dma),
            "dlme_image_authentication": bool(f >> 6 & 1),
            "secure_interrupts_disable": bool(f >> 7 & 1),
        },
    }
    for name, _, _ in PARAM_FIELDS[3:]:
        j[name] = p[name]
    j["dlme_entry_point"] = (p["dlme_region_address"] + p["dlme_image_start"] + p["dlme_entry_point_offset"]) & U64
    j["dlme_data_address"] = (p["dlme_region_address"] + p["dlme_data_offset"]) & U64
    return j


# Platform DRTM_FEATURES answers (B.3), as the manifest carries them.
TFA_FVP = {"reading": "den0113_v1_4b", "tpm": 0x0B | 1 << 33, "minimum_memory": 0x11,
           "dma_protection": 0x1, "boot_pe_id": 0, "tcb_hashes": 0}


def schema_supported(platform, schema):
    tpm = platform["tpm"]
    if schema == 0:
        return bool(tpm >> 33 & 1)
    if platform.get("reading", "den0113_v1_4b") == "arm_acs":
        return bool(tpm >> 37 & 1)   # ACS: 0x10 on x1 >> 33
    return bool(tpm >> 34 & 1)       # DEN0113 v1.4B: bitmap bit 1


class Fail(Exception):
    def __init__(self, errc, rule, offset, entry=None):
        super().__init__(f"{rule} {errc} at {offset:#x} entry {entry}")
        self.errc, self.rule, self.offset, self.entry = errc, rule, offset, entry


def check_params(b, platform=None, match="tfa"):
    """Reference check of DRTM_PARAMETERS; raises Fail. Rule order of spec/arm-drtm.md."""
    if len(b) < 88:
        raise Fail("truncated_header", "ARM-1", 0)
    p = unpack_params(b)
    f = p["launch_features"]
    if not 1 <= p["revision"] <= 2:
        raise Fail("unsupported_version", "ARM-2", OFF["revision"])
    if p["reserved"]:
        raise Fail("reserved_nonzero", "ARM-3", OFF["reserved"])
    if f & 0xFFFFFF00:
        raise Fail("reserved_nonzero", "ARM-4", OFF["launch_features"])
    ra, rs = p["dlme_region_address"], p["dlme_region_size"]
    ist, isz, ep, do = p["dlme_image_start"], p["dlme_image_size"], p["dlme_entry_point_offset"], p["dlme_data_offset"]
    if ist >= rs:
        raise Fail("out_of_bounds", "ARM-5", OFF["dlme_image_start"])
    if do >= rs:
        raise Fail("out_of_bounds", "ARM-6", OFF["dlme_data_offset"])
    if ra % PAGE:
        raise Fail("misaligned", "ARM-7", OFF["dlme_region_address"])
    if ra + rs > U64:
        raise Fail("address_wrap", "ARM-8", OFF["dlme_region_size"])
    if isz == 0:
        raise Fail("value_out_of_range", "ARM-9", OFF["dlme_image_size"])
    if do < ist:
        raise Fail("overlap", "ARM-10", OFF["dlme_data_offset"])
    if ist + isz > do:
        raise Fail("overlap", "ARM-10", OFF["dlme_image_size"])
    if ist % PAGE:
        raise Fail("misaligned", "ARM-11", OFF["dlme_image_start"])
    if ep >= isz:
        raise Fail("out_of_bounds", "ARM-12", OFF["dlme_entry_point_offset"])
    if ep % 4:
        raise Fail("misaligned", "ARM-13", OFF["dlme_entry_point_offset"])
    if do % PAGE:
        raise Fail("misaligned", "ARM-14", OFF["dlme_data_offset"])
    if platform and "minimum_memory" in platform:
        if rs - do < (platform["minimum_memory"] & 0xFFFFFFFF) * PAGE:
            raise Fail("size_too_small", "ARM-15", OFF["dlme_region_size"])
    na, ns = p["nw_dce_region_address"], p["nw_dce_region_size"]
    if na:
        if ns == 0:
            raise Fail("value_out_of_range", "ARM-16", OFF["nw_dce_region_size"])
        if na + ns > U64:
            raise Fail("address_wrap", "ARM-17", OFF["nw_dce_region_size"])
        if na < ra + rs and ra < na + ns:
            raise Fail("overlap", "ARM-18", OFF["nw_dce_region_address"])
    schema, dma, auth, tpm_hash = (f >> 1) & 3, (f >> 3) & 7, f >> 6 & 1, f & 1
    if schema > 1:
        raise Fail("value_out_of_range", "ARM-19", OFF["launch_features"])
    if dma > 1:
        raise Fail("value_out_of_range", "ARM-20", OFF["launch_features"])
    if schema == 1 and not auth:
        raise Fail("launch_requirement", "ARM-21", OFF["launch_features"])
    if platform:
        if "tpm" in platform:
            supported = platform["tpm"] >> 32 & 1
            ok = (tpm_hash == supported) if match == "tfa" else (not tpm_hash or supported)
            if not ok:
                raise Fail("launch_requirement", "ARM-22", OFF["launch_features"])
            if not schema_supported(platform, schema):
                raise Fail("launch_requirement", "ARM-23", OFF["launch_features"])
        if "dma_protection" in platform:
            types = platform["dma_protection"] & 0xFF
            ok = (types == 1 << dma) if match == "tfa" else bool(types >> dma & 1)
            if not ok:
                raise Fail("launch_requirement", "ARM-24", OFF["launch_features"])
        if auth and not platform.get("dlme_image_authentication", 0) & 1:
            raise Fail("launch_requirement", "ARM-25", OFF["launch_features"])
    if dma == 0:
        if p["protection_table_address"]:
            raise Fail("value_out_of_range", "ARM-26", OFF["protection_table_address"])
        if p["protection_table_size"]:
            raise Fail("value_out_of_range", "ARM-26", OFF["protection_table_size"])


# ---------------------------------------------------------------------------
# Memory region descriptor tables (B.7)
# ---------------------------------------------------------------------------

TYPES = ["normal", "normal_cacheable", "device", "non_volatile", "reserved"]
CACHE = ["non_cacheable", "write_combine", "write_through", "write_back"]
COMPLETE_SIZE_TYPE = 0x003FFFFFFFFFFFFF


def size_type(pages, rtype, cache=0, reserved=0):
    return pages | rtype << 52 | cache << 55 | reserved << 57


def region_table(regions, revision=1, reserved=0, count=None):
    b = struct.pack("<HHI", revision, reserved, len(regions) if count is None else count)
    for addr, st in regions:
        b += struct.pack("<QQ", addr, st)
    return b


def check_region_table(b, kind, complete=False):
    if len(b) < 8:
        raise Fail("truncated_header", "ARM-40", 0)
    rev, res, n = struct.unpack_from("<HHI", b, 0)
    if rev != 1:
        raise Fail("unsupported_version", "ARM-41", 0)
    if res:
        raise Fail("reserved_nonzero", "ARM-42", 2)
    if n == 0:
        raise Fail("not_found", "ARM-43", 4)
    if len(b) != 8 + 16 * n:
        raise Fail("count_mismatch", "ARM-44", 4)
    prev = None
    for i in range(n):
        at = 8 + 16 * i
        addr, st = struct.unpack_from("<QQ", b, at)
        pages, rtype = st & ((1 << 52) - 1), st >> 52 & 7
        if addr % PAGE:
            raise Fail("misaligned", "ARM-45", at, i)
        if st >> 57:
            raise Fail("reserved_nonzero", "ARM-46", at + 8, i)
        if rtype > 4:
            raise Fail("value_out_of_range", "ARM-47", at + 8, i)
        size = pages * PAGE
        if addr + size > U64:
            raise Fail("address_wrap", "ARM-48", at + 8, i)
        if prev is not None:
            if addr < prev[0]:
                raise Fail("value_out_of_range", "ARM-49", at, i)
            if size and prev[1] and addr < prev[0] + prev[1]:
                raise Fail("overlap", "ARM-50", at, i)
        prev = (addr, size)
    if complete and kind == "protected_regions":
        addr0, st0 = struct.unpack_from("<QQ", b, 8)
        if n != 1:
            raise Fail("value_out_of_range", "ARM-51", 4)
        if addr0 != 0:
            raise Fail("value_out_of_range", "ARM-51", 8, 0)
        if st0 != COMPLETE_SIZE_TYPE:
            raise Fail("value_out_of_range", "ARM-51", 16, 0)


def region_table_json(b):
    rev, _, n = struct.unpack_from("<HHI", b, 0)
    out = []
    for i in range(n):
        addr, st = struct.unpack_from("<QQ", b, 8 + 16 * i)
        out.append({"address": addr, "size_type": st, "pages": st & ((1 << 52) - 1),
                    "type": TYPES[st >> 52 & 7], "cacheability": CACHE[st >> 55 & 3]})
    return {"revision": rev, "regions": out}


# ---------------------------------------------------------------------------
# TCB hash table (B.7)
# ---------------------------------------------------------------------------

def tcb_table(alg, hashes, revision=1, reserved=0, count=None):
    b = struct.pack("<HHHH", revision, len(hashes) if count is None else count, alg, reserved)
    for hid, dig in hashes:
        b += struct.pack("<I", hid) + dig
    return b


def check_tcb(b, max_hashes=0):
    if len(b) < 8:
        raise Fail("truncated_header", "ARM-55", 0)
    rev, n, alg, res = struct.unpack_from("<HHHH", b, 0)
    if rev != 1:
        raise Fail("unsupported_version", "ARM-56", 0)
    if n == 0:
        raise Fail("not_found", "ARM-57", 2)
    if alg not in ALG_SIZES:
        raise Fail("unknown_algorithm", "ARM-58", 4)
    if res:
        raise Fail("reserved_nonzero", "ARM-59", 6)
    if len(b) != 8 + n * (4 + ALG_SIZES[alg]):
        raise Fail("count_mismatch", "ARM-60", 2)
    if max_hashes and n > max_hashes:
        raise Fail("value_out_of_range", "ARM-61", 2)


def tcb_json(b):
    rev, n, alg, _ = struct.unpack_from("<HHHH", b, 0)
    d = ALG_SIZES[alg]
    hashes = []
    for i in range(n):
        at = 8 + i * (4 + d)
        hashes.append({"hash_id": struct.unpack_from("<I", b, at)[0], "digest": b[at + 4:at + 4 + d].hex()})
    return {"revision": rev, "hash_algo": alg, "hashes": hashes}


# ---------------------------------------------------------------------------
# ACPI table region: XSDT + tables (ACPI 6.x 5.2.6 header, 5.2.8 XSDT)
# ---------------------------------------------------------------------------

def acpi_table(sig, body=b"", length=None, fix_checksum=True, revision=1):
    n = 36 + len(body) if length is None else length
    h = bytearray(sig.encode() + struct.pack("<IBB", n, revision, 0) + b"SLRTAR" + b"SLRTVECT" +
                  struct.pack("<III", 1, 0x54524C53, 1))
    t = bytearray(h + body)
    if fix_checksum:
        t[9] = (-sum(t)) & 0xFF
    return bytes(t)


def acpi_region(base, tables, xsdt_sig="XSDT", entries=None, xsdt_length=None, fix=True):
    """XSDT at 0 followed by `tables`; entries point at them (base = the region's address)."""
    n = len(tables) if entries is None else len(entries)
    xlen = 36 + 8 * n
    offs, at = [], xlen
    for t in tables:
        offs.append(at)
        at += len(t)
    addrs = [base + o for o in offs] if entries is None else entries
    body = b"".join(struct.pack("<Q", a) for a in addrs)
    x = acpi_table(xsdt_sig, body, length=xsdt_length, fix_checksum=fix)
    return x + b"".join(tables)


def checksum_ok(b):
    return sum(b) & 0xFF == 0


REQUIRED = ["APIC", "MCFG", "GTDT", "IORT", "TPM2"]


def check_acpi(b, base=None, require=False):
    if len(b) < 36:
        raise Fail("truncated_header", "ARM-65", 0)
    if b[0:4] != b"XSDT":
        raise Fail("bad_magic", "ARM-66", 0)
    n = struct.unpack_from("<I", b, 4)[0]
    if n < 36 or n > len(b):
        raise Fail("out_of_bounds", "ARM-67", 4)
    if (n - 36) % 8:
        raise Fail("count_mismatch", "ARM-68", 4)
    if not checksum_ok(b[:n]):
        raise Fail("value_out_of_range", "ARM-69", 9)
    if base is None:
        return
    found = set()
    for i in range((n - 36) // 8):
        at = 36 + 8 * i
        a = struct.unpack_from("<Q", b, at)[0]
        if a < base or a - base > len(b) or len(b) - (a - base) < 36:
            raise Fail("out_of_bounds", "ARM-70", at, i)
        o = a - base
        ln = struct.unpack_from("<I", b, o + 4)[0]
        if ln < 36 or ln > len(b) - o:
            raise Fail("out_of_bounds", "ARM-71", o + 4, i)
        if not checksum_ok(b[o:o + ln]):
            raise Fail("value_out_of_range", "ARM-69", o + 9, i)
        found.add(b[o:o + 4].decode("latin-1"))
    if require:
        for s in REQUIRED:
            if s not in found:
                raise Fail("not_found", "ARM-72", 0)


def acpi_json(b):
    n = struct.unpack_from("<I", b, 4)[0]
    return {"xsdt_length": n, "entries": [struct.unpack_from("<Q", b, 36 + 8 * i)[0] for i in range((n - 36) // 8)]}


# ---------------------------------------------------------------------------
# TCG crypto-agile event log (C.1-C.5), one SHA-256 bank
# ---------------------------------------------------------------------------

def h256(b):
    return hashlib.sha256(b).digest()


class Log:
    """A TCG log as TF-A writes it: Spec ID Event03 (platformClass 0, version 2.0, errata 2,
    uintnSize 2), one SHA-256 bank."""

    def __init__(self, startup_locality=False):
        spec = (b"Spec ID Event03\0" + struct.pack("<IBBBBI", 0, 0, 2, 2, 2, 1) +
                struct.pack("<HH", SHA256, 32) + b"\0")
        self.bytes = struct.pack("<II", 0, EV_NO_ACTION) + bytes(20) + struct.pack("<I", len(spec)) + spec
        self.events = []   # (pcr, type, offset, index, digest, data)
        if startup_locality:
            self.add(0, EV_NO_ACTION, digest=bytes(32), data=b"StartupLocality\0" + b"\0")

    def add(self, pcr, etype, measured=b"", data=b"", digest=None):
        d = h256(measured) if digest is None else digest
        rec = struct.pack("<III", pcr, etype, 1) + struct.pack("<H", SHA256) + d + struct.pack("<I", len(data)) + data
        self.events.append((pcr, etype, len(self.bytes), len(self.events), d, data))
        self.bytes += rec
        return self

    def arm(self, pcr, name, measured=b"", data=b""):
        return self.add(pcr, EV[name], measured, data)

    def pcrs(self):
        v = {17: bytes(32), 18: bytes(32)}
        for pcr, etype, _, _, d, _ in self.events:
            if etype != EV_NO_ACTION and pcr in v:
                v[pcr] = h256(v[pcr] + d)
        return {str(k): x.hex() for k, x in v.items()}

    def json(self):
        return {"format": "tcg", "banks": ["sha256"],
                "events": [{"pcr": p, "type": t, "offset": o, "digests": {"sha256": d.hex()}, "data": data.hex()}
                           for p, t, o, _, d, data in self.events],
                "events_end": len(self.bytes),
                "pcrs": {"sha256": self.pcrs()}}


def check_log_header(b):
    """The parts of a TCG header a malformed vector breaks (policy/eventlog.hpp rule LOG-3)."""
    if b[32:48] != b"Spec ID Event03\0":
        raise Fail("bad_magic", "LOG-3", 32)


def tfa_log(p, image, startup_locality=False):
    """TF-A's measurement list (B.8) for the launch `p`."""
    schema = bytes([(p["launch_features"] >> 1) & 3])
    sep = (SEPARATOR, SEPARATOR_DATA)
    log = Log(startup_locality)
    log.arm(17, "DCE", b"\0").arm(17, "PCR_SCHEMA", schema).arm(17, "SEPARATOR", *sep)
    log.arm(18, "PCR_SCHEMA", schema).arm(18, "DCE_PUBKEY", b"\0").arm(18, "DLME", image)
    log.arm(18, "DLME_ENTRY_POINT", struct.pack("<Q", p["dlme_entry_point_offset"])).arm(18, "SEPARATOR", *sep)
    return log


def check_order(log, schema="default", profile="den0113", require_sid=False):
    """PCR 17/18 order after ACS dl013/dl015 (spec/arm-drtm.md ARM-80..92)."""
    end = len(log.bytes)

    def seq(pcr):
        return [(t, o, i) for p, t, o, i, _, _ in log.events if p == pcr]

    def walk(events, rules):
        k = 0

        def cur():
            return events[k] if k < len(events) else (0, end, None)

        for kind, name, rule in rules:
            if kind == "one":
                if cur()[0] != EV[name]:
                    raise Fail("not_found", rule, cur()[1], cur()[2])
                k += 1
            elif kind == "opt":
                if cur()[0] == EV[name]:
                    k += 1
            elif kind == "many":
                while cur()[0] == EV[name]:
                    k += 1
        return k, cur()

    r17 = [("one", "DCE", "ARM-80"), ("one", "PCR_SCHEMA", "ARM-81"), ("many", "TZFW", None),
           ("many", "DCE_SECONDARY", None),
           ("one" if require_sid else "opt", "SECURE_INT_DISABLE", "ARM-82"), ("one", "SEPARATOR", "ARM-83")]
    e17 = seq(17)
    k, c = walk(e17, r17)
    if k != len(e17):
        raise Fail("trailing_bytes", "ARM-84", c[1], c[2])
    r18 = [("one", "PCR_SCHEMA", "ARM-85"), ("many", "DCE_PUBKEY", None)]
    if schema == "default":
        r18 += [("one", "DLME", "ARM-86")]
    else:
        r18 += [("one", "DLME_PUBKEY", "ARM-87"), ("opt", "DLME_SVN", None)]
    r18 += [("one", "DLME_ENTRY_POINT", "ARM-88")]
    if profile == "den0113":
        r18 += [("one", "DEBUG_CONFIG", "ARM-89"), ("one", "NONSECURE_CONFIG", "ARM-90")]
    r18 += [("one", "SEPARATOR", "ARM-91")]
    e18 = seq(18)
    k, c = walk(e18, r18)
    if k != len(e18):
        raise Fail("trailing_bytes", "ARM-92", c[1], c[2])


# ---------------------------------------------------------------------------
# DLME data (B.7)
# ---------------------------------------------------------------------------

REGIONS = ["protected_regions", "address_map", "event_log", "tcb_hash_table", "acpi_tables",
           "implementation_defined"]
SIZE_FIELDS = ["protected_regions_size", "address_map_size", "drtm_event_log_size", "tcb_hash_table_size",
               "acpi_table_region_size", "implementation_defined_region_size"]
SIZE_OFF = [0x10, 0x18, 0x20, 0x28, 0x30, 0x38]


def dlme_data(parts, version=1, hdr_size=64, reserved=0, data_size=None, sizes=None, pad_header=b""):
    """Header + regions; `sizes` overrides the header's size fields, `data_size` dlme_data_size."""
    body = b"".join(parts.get(r, b"") for r in REGIONS)
    s = [len(parts.get(r, b"")) for r in REGIONS] if sizes is None else sizes
    total = hdr_size + sum(s) if data_size is None else data_size
    h = struct.pack("<HHIQ", version, hdr_size, reserved, total & U64) + struct.pack("<6Q", *[x & U64 for x in s])
    return h + pad_header + body


def check_dlme(b, prm=None, platform=None, require=False):
    if len(b) < 64:
        raise Fail("truncated_header", "ARM-30", 0)
    version, hdr, res, total = struct.unpack_from("<HHIQ", b, 0)
    sizes = list(struct.unpack_from("<6Q", b, 16))
    if version != 1:
        raise Fail("unsupported_version", "ARM-31", 0)
    if hdr < 64:
        raise Fail("size_too_small", "ARM-32", 2)
    if res:
        raise Fail("reserved_nonzero", "ARM-33", 4)
    offs, at = [], hdr
    for i, s in enumerate(sizes):
        offs.append(at)
        if at + s > U64:
            raise Fail("address_wrap", "ARM-34", SIZE_OFF[i])
        at += s
    if at > total:
        raise Fail("out_of_bounds", "ARM-35", 8)
    if at < total:
        raise Fail("entry_size_mismatch", "ARM-36", 8)
    if total > len(b):
        raise Fail("size_exceeds_buffer", "ARM-37", 8)
    if prm and total > prm["dlme_region_size"] - prm["dlme_data_offset"]:
        raise Fail("size_exceeds_buffer", "ARM-37", 8)
    for i in (0, 1, 2):
        if sizes[i] == 0:
            raise Fail("not_found", "ARM-38", SIZE_OFF[i])
    if sizes[3] and sizes[4]:
        raise Fail("duplicate_entry", "ARM-39", 0x30)

    def part(i):
        return b[offs[i]:offs[i] + sizes[i]]

    def within(i, fn, *a):
        try:
            fn(part(i), *a)
        except Fail as f:
            raise Fail(f.errc, f.rule, offs[i] + f.offset, f.entry)

    complete = prm is not None and (prm["launch_features"] >> 3) & 7 == 0
    within(0, check_region_table, "protected_regions", complete)
    within(1, check_region_table, "address_map")
    within(2, check_log_header)
    if sizes[3]:
        within(3, check_tcb, (platform or {}).get("tcb_hashes", 0) & 0xFF)
    if sizes[4]:
        base = None if prm is None else prm["dlme_region_address"] + prm["dlme_data_offset"] + offs[4]
        within(4, check_acpi, base, require and prm is not None)


def parse_log_json(b):
    """Events of a TCG log with one SHA-256 bank (valid vectors only)."""
    at = 32 + struct.unpack_from("<I", b, 28)[0]
    events = []
    while at < len(b):
        pcr, t, n = struct.unpack_from("<III", b, at)
        d = b[at + 14:at + 46]
        size = struct.unpack_from("<I", b, at + 46)[0]
        events.append({"pcr": pcr, "type": t, "offset": at, "digests": {"sha256": d.hex()},
                       "data": b[at + 50:at + 50 + size].hex()})
        at += 50 + size
    return {"format": "tcg", "banks": ["sha256"], "events": events, "events_end": at}


def dlme_json(b):
    version, hdr, res, total = struct.unpack_from("<HHIQ", b, 0)
    sizes = list(struct.unpack_from("<6Q", b, 16))
    j = {"header": {"version": version, "this_hdr_size": hdr, "reserved": res, "dlme_data_size": total}}
    for name, s in zip(SIZE_FIELDS, sizes):
        j["header"][name] = s
    offs, at = {}, hdr
    for r, s in zip(REGIONS, sizes):
        offs[r] = {"offset": at, "size": s}
        at += s
    j["regions"] = offs

    def part(r):
        return b[offs[r]["offset"]:offs[r]["offset"] + offs[r]["size"]]

    j["protected_regions"] = region_table_json(part("protected_regions"))
    j["address_map"] = region_table_json(part("address_map"))
    j["event_log"] = parse_log_json(part("event_log"))
    j["tcb_hash_table"] = tcb_json(part("tcb_hash_table")) if sizes[3] else None
    j["acpi_tables"] = acpi_json(part("acpi_tables")) if sizes[4] else None
    return j


# ---------------------------------------------------------------------------
# The catalogue
# ---------------------------------------------------------------------------

IMAGE_SIZE = 0x2345
IMAGE = bytes((i * 7 + 3) & 0xFF for i in range(IMAGE_SIZE))   # the DLME image of every launch here
REGION = 0x80000000

P_TFA = params(revision=1, launch_features=lf(), dlme_region_address=REGION, dlme_region_size=0x15000,
               dlme_image_start=0, dlme_entry_point_offset=0x1000, dlme_image_size=IMAGE_SIZE,
               dlme_data_offset=0x3000)
P_ACS = params(revision=2, launch_features=lf(), dlme_region_address=0x880000000, dlme_region_size=0x40000,
               dlme_image_start=0x1000, dlme_entry_point_offset=0x40, dlme_image_size=0x10000,
               dlme_data_offset=0x20000)
P_REGION = params(revision=2, launch_features=lf(dma=1), dlme_region_address=REGION, dlme_region_size=0x15000,
                  dlme_image_start=0, dlme_entry_point_offset=0x1000, dlme_image_size=IMAGE_SIZE,
                  dlme_data_offset=0x3000, protection_table_address=0x90000000, protection_table_size=0x28)
P_NWDCE = params(revision=1, launch_features=lf(), dlme_region_address=REGION, dlme_region_size=0x15000,
                 dlme_image_start=0, dlme_entry_point_offset=0x1000, dlme_image_size=IMAGE_SIZE,
                 dlme_data_offset=0x3000, nw_dce_region_address=0x7FFF0000, nw_dce_region_size=0x10000)
P_AUTH = params(revision=2, launch_features=lf(schema=1, auth=1, sid=1), dlme_region_address=REGION,
                dlme_region_size=0x15000, dlme_entry_point_offset=0x1000, dlme_image_size=IMAGE_SIZE,
                dlme_data_offset=0x3000)
P_TOP = params(revision=2, launch_features=lf(hashing=1), dlme_region_address=U64 + 1 - 0x3000,
               dlme_region_size=0x2FFF, dlme_image_start=0, dlme_entry_point_offset=0xFFC, dlme_image_size=0x1000,
               dlme_data_offset=0x2000)

AUTH_PLATFORM_DEN = {"reading": "den0113_v1_4b", "tpm": 0x0B | 1 << 33 | 1 << 34, "dma_protection": 1,
                     "dlme_image_authentication": 1}
AUTH_PLATFORM_ACS = {"reading": "arm_acs", "tpm": 0x0B | 1 << 33 | 1 << 34, "dma_protection": 1,
                     "dlme_image_authentication": 1}
AUTH_PLATFORM_ACS_BIT37 = {"reading": "arm_acs", "tpm": 0x0B | 1 << 33 | 1 << 37, "dma_protection": 1,
                           "dlme_image_authentication": 1}

ADDRESS_MAP = [
    (0x00000000, size_type(0x4000, 2)),
    (0x2F000000, size_type(0x1000, 2)),
    (0x80000000, size_type(0x7F000, 0)),
    (0x880000000, size_type(0x80000, 1, 3)),
]


def data_address(p, offset=0):
    return p["dlme_region_address"] + p["dlme_data_offset"] + offset


def main():
    for sub in ("valid", "eventlog", "malformed"):
        shutil.rmtree(os.path.join(HERE, sub), ignore_errors=True)
        os.makedirs(os.path.join(HERE, sub))
    manifest = []

    def write(rel, data):
        with open(os.path.join(HERE, rel), "wb") as f:
            f.write(data)

    def write_json(rel, obj):
        with open(os.path.join(HERE, rel), "w") as f:
            json.dump(obj, f, indent=2)
            f.write("\n")

    # -- valid DRTM_PARAMETERS ------------------------------------------------
    valid_params = [
        ("params-tfa-fvp", P_TFA, {"platform": TFA_FVP, "match": "tfa"},
         "TF-A FVP launch: revision 1, DCE hashing, default schema, complete DMA protection"),
        ("params-acs-rev2", P_ACS, {"match": "supported"},
         "revision 2 as ACS writes it, image at 0x1000, entry at 0x40"),
        ("params-region-based", P_REGION,
         {"platform": {"reading": "den0113_v1_4b", "tpm": 0x0B | 1 << 33, "dma_protection": 0x3},
          "match": "supported"}, "region-based DMA protection with a protection table"),
        ("params-nw-dce", P_NWDCE, {"platform": TFA_FVP, "match": "tfa"},
         "a normal-world DCE region just below the DLME region"),
        ("params-authorities-den0113", P_AUTH, {"platform": AUTH_PLATFORM_DEN, "match": "tfa"},
         "DLME Authorities schema; the platform's bit 34 read as DEN0113 v1.4B"),
        ("params-authorities-acs", P_AUTH, {"platform": AUTH_PLATFORM_ACS_BIT37, "match": "tfa"},
         "DLME Authorities schema; the platform's bit 37 read as the ACS constant 0x10"),
        ("params-top-of-memory", P_TOP, {}, "the DLME region ends at 2^64 - 1 - 0x1000 + 0xfff"),
    ]
    for name, p, opts, note in valid_params:
        b = pack_params(p)
        check_params(b, opts.get("platform"), opts.get("match", "tfa"))
        assert unpack_params(b) == p
        write(f"valid/{name}.bin", b)
        write_json(f"valid/{name}.json", params_json(p))
        manifest.append({"file": f"valid/{name}.bin", "kind": "params", "expect": "ok",
                         "json": f"valid/{name}.json", "options": opts, "note": note})

    # A DRTM_PARAMETERS page: the 88 bytes then zeros to 4 KiB (trailing bytes are not read).
    page = pack_params(P_TFA) + bytes(PAGE - 88)
    check_params(page, TFA_FVP)
    write("valid/params-tfa-fvp-page.bin", page)
    manifest.append({"file": "valid/params-tfa-fvp-page.bin", "kind": "params", "expect": "ok",
                     "json": "valid/params-tfa-fvp.json", "options": {"platform": TFA_FVP, "match": "tfa"},
                     "note": "the parameters page as the DCE preamble leaves it"})

    write("valid/dlme-image.bin", IMAGE)

    # -- event logs -----------------------------------------------------------
    sep = (SEPARATOR, SEPARATOR_DATA)
    logs = {}
    logs["tfa-default"] = (tfa_log(P_TFA, IMAGE), "TF-A's measurement list for params-tfa-fvp and dlme-image.bin")
    logs["tfa-startup-locality"] = (tfa_log(P_TFA, IMAGE, True), "the same with TF-A's pre-2025 StartupLocality event")
    full = Log()
    full.arm(17, "DCE", b"\0").arm(17, "PCR_SCHEMA", b"\0").arm(17, "TZFW", b"bl31").arm(17, "TZFW", b"bl32")
    full.arm(17, "DCE_SECONDARY", b"dce2").arm(17, "SEPARATOR", *sep)
    full.arm(18, "PCR_SCHEMA", b"\0").arm(18, "DCE_PUBKEY", b"key0").arm(18, "DCE_PUBKEY", b"key1")
    full.arm(18, "DLME", IMAGE).arm(18, "DLME_ENTRY_POINT", struct.pack("<Q", 0x1000))
    full.arm(18, "DEBUG_CONFIG", bytes(8)).arm(18, "NONSECURE_CONFIG", bytes(8)).arm(18, "SEPARATOR", *sep)
    logs["den0113-default"] = (full, "every default-schema event in the DEN0113 order")
    auth = Log()
    auth.arm(17, "DCE", b"\0").arm(17, "PCR_SCHEMA", b"\1").arm(17, "SECURE_INT_DISABLE", b"\1")
    auth.arm(17, "SEPARATOR", *sep)
    auth.arm(18, "PCR_SCHEMA", b"\1").arm(18, "DLME_PUBKEY", b"dlme-signer").arm(18, "DLME_SVN", struct.pack("<I", 7))
    auth.arm(18, "DLME_ENTRY_POINT", struct.pack("<Q", 0x1000)).arm(18, "DEBUG_CONFIG", bytes(8))
    auth.arm(18, "NONSECURE_CONFIG", bytes(8)).arm(18, "SEPARATOR", *sep)
    logs["den0113-authorities"] = (auth, "the DLME Authorities schema, secure interrupts disabled")
    order_ok = {
        "tfa-default": [{"schema": "default", "profile": "tfa"}],
        "tfa-startup-locality": [{"schema": "default", "profile": "tfa"}],
        "den0113-default": [{"schema": "default", "profile": "den0113"}, {"schema": "default", "profile": "tfa",
                                                                           "expect_fail": "ARM-91"}],
        "den0113-authorities": [{"schema": "dlme_authorities", "profile": "den0113",
                                 "require_secure_int_disable": True}],
    }
    for name, (log, note) in logs.items():
        write(f"eventlog/{name}.log", log.bytes)
        write_json(f"eventlog/{name}.json", log.json())
        for opts in order_ok[name]:
            o = {k: v for k, v in opts.items() if k != "expect_fail"}
            entry = {"file": f"eventlog/{name}.log", "kind": "event_order", "json": f"eventlog/{name}.json",
                     "options": o, "note": note}
            try:
                check_order(log, o["schema"], o["profile"], o.get("require_secure_int_disable", False))
                assert "expect_fail" not in opts
                entry["expect"] = "ok"
            except Fail as f:
                assert f.rule == opts.get("expect_fail"), f
                entry.update({"expect": "error", "errc": f.errc, "rule": f.rule, "offset": f.offset,
                              "entry_index": f.entry})
            manifest.append(entry)

    # -- valid DLME data --------------------------------------------------------
    prot_complete = region_table([(0, COMPLETE_SIZE_TYPE)])
    amap = region_table(ADDRESS_MAP)
    log_tfa = logs["tfa-default"][0].bytes
    dd = {}
    dd["dlme-data-tfa"] = ({"protected_regions": prot_complete, "address_map": amap, "event_log": log_tfa},
                           "valid/params-tfa-fvp.bin", P_TFA, "as TF-A builds it: complete protection, the address "
                           "map, the log, no TCB hashes, no ACPI")
    tcb = tcb_table(SHA256, [(1, h256(b"MADT")), (2, h256(b"GTDT")), (3, h256(b"IORT"))])
    dd["dlme-data-tcb"] = ({"protected_regions": prot_complete, "address_map": amap, "event_log": log_tfa,
                            "tcb_hash_table": tcb, "implementation_defined": b"impdef-region-16"},
                           "valid/params-tfa-fvp.bin", P_TFA, "a TCB hash table and a 16-byte implementation region")
    parts = {"protected_regions": prot_complete, "address_map": amap, "event_log": log_tfa}
    acpi_off = 64 + sum(len(v) for v in parts.values())
    tables = [acpi_table(s, bytes(range(8))) for s in REQUIRED]
    parts["acpi_tables"] = acpi_region(data_address(P_TFA, acpi_off), tables)
    dd["dlme-data-acpi"] = (parts, "valid/params-tfa-fvp.bin", P_TFA,
                            "an ACPI table region: XSDT, MADT, MCFG, GTDT, IORT, TPM2 in the region")
    prot_region = region_table([(REGION, size_type(0x15, 0)), (0x90000000, size_type(1, 0))])
    dd["dlme-data-region-based"] = ({"protected_regions": prot_region, "address_map": amap,
                                     "event_log": logs["den0113-default"][0].bytes},
                                    "valid/params-region-based.bin", P_REGION,
                                    "region-based protection: the DLME region and the protection table's page")
    for name, (parts, pfile, prm, note) in dd.items():
        b = dlme_data(parts)
        check_dlme(b, prm, TFA_FVP, True)
        j = dlme_json(b)
        write(f"valid/{name}.bin", b)
        write_json(f"valid/{name}.json", j)
        manifest.append({"file": f"valid/{name}.bin", "kind": "dlme_data", "expect": "ok",
                         "json": f"valid/{name}.json",
                         "options": {"params": pfile, "platform": TFA_FVP, "require_dlme_tables": True},
                         "note": note})
    # A longer header (this_hdr_size 72): the regions start after it.
    b = dlme_data(dd["dlme-data-tfa"][0], hdr_size=72, pad_header=bytes(8))
    check_dlme(b, P_TFA, TFA_FVP, True)
    write("valid/dlme-data-header-72.bin", b)
    write_json("valid/dlme-data-header-72.json", dlme_json(b))
    manifest.append({"file": "valid/dlme-data-header-72.bin", "kind": "dlme_data", "expect": "ok",
                     "json": "valid/dlme-data-header-72.json",
                     "options": {"params": "valid/params-tfa-fvp.bin", "platform": TFA_FVP},
                     "note": "this_hdr_size 72: eight header bytes a later version may define, skipped"})
    # Without the parameters (no capacity, no ACPI base) and padded to a page boundary.
    b = dlme_data(dd["dlme-data-tfa"][0])
    padded = b + bytes(-len(b) % PAGE)
    check_dlme(padded)
    write("valid/dlme-data-tfa-page.bin", padded)
    manifest.append({"file": "valid/dlme-data-tfa-page.bin", "kind": "dlme_data", "expect": "ok",
                     "json": "valid/dlme-data-tfa.json", "options": {},
                     "note": "dlme-data-tfa followed by zeros to a page boundary; parsed without the parameters"})

    # -- malformed --------------------------------------------------------------
    bad = []  # (name, kind, bytes, options, note)

    def bp(name, p, note, opts=None, cut=None):
        b = pack_params(p)
        bad.append((name, "params", b[:cut] if cut is not None else b, opts or {}, note))

    def mod(p, **kw):
        q = dict(p)
        q.update(kw)
        return q

    bp("params-truncated", P_TFA, "87 bytes", cut=87)
    bp("params-revision-0", mod(P_TFA, revision=0), "revision 0")
    bp("params-revision-3", mod(P_TFA, revision=3), "revision 3")
    bp("params-reserved", mod(P_TFA, reserved=1), "reserved u16 set")
    bp("params-features-reserved", mod(P_TFA, launch_features=lf(extra=0x100)), "launch features bit 8")
    bp("params-image-start-outside", mod(P_TFA, dlme_image_start=0x15000), "image start = region size")
    bp("params-data-outside", mod(P_TFA, dlme_data_offset=0x16000), "data offset past the region")
    bp("params-region-wrap", mod(P_TFA, dlme_region_address=U64 + 1 - 0x10000, dlme_region_size=0x15000),
       "region passes 2^64")
    bp("params-region-misaligned", mod(P_TFA, dlme_region_address=REGION + 0x800), "region at +0x800")
    bp("params-image-empty", mod(P_TFA, dlme_image_size=0), "image size 0")
    bp("params-image-into-data", mod(P_TFA, dlme_image_size=0x3001), "image one byte into the data")
    bp("params-data-before-image", mod(P_TFA, dlme_image_start=0x4000, dlme_data_offset=0x2000),
       "data before the image")
    bp("params-image-misaligned", mod(P_TFA, dlme_image_start=0x200, dlme_image_size=0x2000), "image at 0x200")
    bp("params-entry-outside", mod(P_TFA, dlme_entry_point_offset=IMAGE_SIZE), "entry = image size")
    bp("params-entry-misaligned", mod(P_TFA, dlme_entry_point_offset=0x1002), "entry at 0x1002")
    bp("params-data-misaligned", mod(P_TFA, dlme_data_offset=0x3800), "data at 0x3800")
    bp("params-data-too-small", mod(P_TFA, dlme_region_size=0x13000), "68 KiB needed, 64 KiB given",
       {"platform": TFA_FVP, "match": "tfa"})
    bp("params-nwdce-empty", mod(P_TFA, nw_dce_region_address=0x70000000), "nw DCE of size 0")
    bp("params-nwdce-wrap", mod(P_TFA, nw_dce_region_address=U64 + 1 - 0x1000, nw_dce_region_size=0x2000),
       "nw DCE passes 2^64")
    bp("params-nwdce-overlap", mod(P_TFA, nw_dce_region_address=0x7FFFF000, nw_dce_region_size=0x2000),
       "nw DCE overlaps the DLME region by a page")
    bp("params-nwdce-above-4g", mod(P_TFA, dlme_region_address=0x180000000, nw_dce_region_address=0x180001000,
                                    nw_dce_region_size=0x1000),
       "nw DCE inside the DLME region above 4 GiB (TF-A's 32-bit check misses it)")
    bp("params-schema-reserved", mod(P_TFA, launch_features=lf(schema=2)), "PCR schema 2")
    bp("params-dma-reserved", mod(P_TFA, launch_features=lf(dma=2)), "DMA protection type 2")
    bp("params-authorities-no-auth", mod(P_TFA, launch_features=lf(schema=1)), "schema 1 without bit 6")
    bp("params-tpm-hashing", mod(P_TFA, launch_features=lf(hashing=1)), "TPM hashing on a platform without it",
       {"platform": TFA_FVP, "match": "tfa"})
    bp("params-tfa-match-dce-hashing", P_TFA, "DCE hashing on a TPM-hashing platform: TF-A's equality refuses it",
       {"platform": dict(TFA_FVP, tpm=0x0B | 1 << 32 | 1 << 33), "match": "tfa"})
    bp("params-authorities-acs-reading", P_AUTH, "bit 34 set, but the ACS reading looks at bit 37",
       {"platform": AUTH_PLATFORM_ACS, "match": "tfa"})
    bp("params-authorities-unsupported", P_AUTH, "schema 1 on TF-A's FVP (default schema only)",
       {"platform": dict(TFA_FVP, dlme_image_authentication=1), "match": "tfa"})
    bp("params-region-based-unsupported", P_REGION, "region-based protection on a complete-only platform",
       {"platform": TFA_FVP, "match": "supported"})
    bp("params-tfa-match-dma", mod(P_TFA, launch_features=lf(dma=0)),
       "complete protection on a platform with both types: TF-A's equality refuses it",
       {"platform": dict(TFA_FVP, dma_protection=0x3), "match": "tfa"})
    bp("params-auth-unsupported", mod(P_TFA, launch_features=lf(auth=1)), "image authentication on TF-A's FVP",
       {"platform": TFA_FVP, "match": "tfa"})
    bp("params-complete-with-table", mod(P_TFA, protection_table_address=0x90000000, protection_table_size=0x28),
       "a protection table with complete protection")
    bp("params-complete-table-size", mod(P_TFA, protection_table_size=0x28),
       "a protection table size with complete protection")

    base_parts = dd["dlme-data-tfa"][0]
    PO = {"params": "valid/params-tfa-fvp.bin", "platform": TFA_FVP}

    def bd(name, b, note, opts=None):
        bad.append((name, "dlme_data", b, {} if opts is None else opts, note))

    def with_parts(**kw):
        q = dict(base_parts)
        q.update(kw)
        return q

    good = dlme_data(base_parts)
    sizes0 = [len(base_parts.get(r, b"")) for r in REGIONS]
    bd("dlme-truncated-header", good[:63], "63 bytes")
    bd("dlme-version-2", dlme_data(base_parts, version=2), "version 2")
    bd("dlme-hdr-size-32", dlme_data(base_parts, hdr_size=32), "this_hdr_size 32")
    bd("dlme-reserved", dlme_data(base_parts, reserved=1), "reserved u32 set")
    bd("dlme-size-wrap", dlme_data(base_parts, sizes=sizes0[:3] + [U64 - 100] + sizes0[4:]),
       "tcb_hash_table_size near 2^64")
    bd("dlme-size-short", dlme_data(base_parts, data_size=len(good) - 1), "dlme_data_size one byte short")
    bd("dlme-size-long", dlme_data(base_parts, data_size=len(good) + 8) + bytes(8), "dlme_data_size 8 bytes long")
    bd("dlme-file-truncated", good[:-1], "the last byte missing")
    bd("dlme-past-region", good, "a DLME region with only 0x100 bytes of data room",
       {"params": "valid/params-small-data-region.bin"})
    bd("dlme-no-address-map", dlme_data(with_parts(address_map=b"")), "address map size 0")
    bd("dlme-tcb-and-acpi",
       dlme_data(with_parts(tcb_hash_table=tcb, acpi_tables=acpi_region(0, []))), "both TCB hashes and ACPI")
    bd("dlme-prot-truncated", dlme_data(with_parts(protected_regions=prot_complete[:4])), "a 4-byte table")
    bd("dlme-prot-revision", dlme_data(with_parts(protected_regions=region_table([(0, COMPLETE_SIZE_TYPE)], 2))),
       "table revision 2")
    bd("dlme-prot-reserved", dlme_data(with_parts(protected_regions=region_table([(0, COMPLETE_SIZE_TYPE)],
                                                                                    reserved=1))),
       "table reserved set")
    bd("dlme-prot-empty", dlme_data(with_parts(protected_regions=region_table([]))), "num_regions 0")
    bd("dlme-prot-count", dlme_data(with_parts(protected_regions=region_table([(0, COMPLETE_SIZE_TYPE)], count=2))),
       "num_regions 2 with one region")
    bd("dlme-map-misaligned", dlme_data(with_parts(address_map=region_table(
        ADDRESS_MAP[:2] + [(0x80000800, size_type(0x10, 0))]))), "address map region at +0x800")
    bd("dlme-map-reserved-bits", dlme_data(with_parts(address_map=region_table(
        [(0x80000000, size_type(0x10, 0, 0, 1))]))), "size_type bit 57")
    bd("dlme-map-type-5", dlme_data(with_parts(address_map=region_table([(0x80000000, size_type(0x10, 5))]))),
       "region type 5")
    bd("dlme-map-wrap", dlme_data(with_parts(address_map=region_table(
        [(0xFFFFFFFFFFFF0000, size_type(0x11, 0))]))), "a region past 2^64")
    bd("dlme-map-unsorted", dlme_data(with_parts(address_map=region_table(
        [ADDRESS_MAP[2], ADDRESS_MAP[0]]))), "descending addresses")
    bd("dlme-map-overlap", dlme_data(with_parts(address_map=region_table(
        [(0x80000000, size_type(0x10, 0)), (0x8000F000, size_type(0x10, 0))]))), "overlapping regions")
    bd("dlme-complete-two-regions", dlme_data(with_parts(protected_regions=region_table(
        [(0, size_type(0x80000, 3)), (0x80000000, size_type(0x10, 3))]))),
       "complete protection described by two regions", PO)
    bd("dlme-complete-wrong-size", dlme_data(with_parts(protected_regions=region_table(
        [(0, size_type(0x100000, 3))]))), "complete protection of 4 GiB only", PO)
    broken_log = bytearray(log_tfa)
    broken_log[32] = ord("X")
    bd("dlme-log-signature", dlme_data(with_parts(event_log=bytes(broken_log))), "event log signature broken")
    bd("dlme-tcb-truncated", dlme_data(with_parts(tcb_hash_table=tcb[:6])), "a 6-byte TCB hash table")
    bd("dlme-tcb-revision", dlme_data(with_parts(tcb_hash_table=tcb_table(SHA256, [(1, bytes(32))], revision=0))),
       "TCB revision 0")
    bd("dlme-tcb-empty", dlme_data(with_parts(tcb_hash_table=tcb_table(SHA256, []))), "num_hashes 0")
    bd("dlme-tcb-alg", dlme_data(with_parts(tcb_hash_table=tcb_table(0x0010, [(1, b"")]))), "hash_algo TPM_ALG_NULL")
    bd("dlme-tcb-reserved", dlme_data(with_parts(tcb_hash_table=tcb_table(SHA256, [(1, bytes(32))], reserved=9))),
       "TCB reserved set")
    bd("dlme-tcb-count", dlme_data(with_parts(tcb_hash_table=tcb_table(SHA256, [(1, bytes(32))], count=2))),
       "num_hashes 2 with one hash")
    bd("dlme-tcb-too-many", dlme_data(with_parts(tcb_hash_table=tcb)), "3 hashes, the platform allows 2",
       {"platform": dict(TFA_FVP, tcb_hashes=2)})
    acpi_base = data_address(P_TFA, acpi_off)
    bd("dlme-acpi-short", dlme_data(with_parts(acpi_tables=b"XSDT" + bytes(20))), "24 bytes of ACPI region")
    bd("dlme-acpi-rsdt", dlme_data(with_parts(acpi_tables=acpi_region(acpi_base, tables, xsdt_sig="RSDT"))),
       "the region starts with an RSDT")
    bd("dlme-acpi-length", dlme_data(with_parts(acpi_tables=acpi_region(acpi_base, [], xsdt_length=0x1000))),
       "XSDT length past the region")
    bd("dlme-acpi-partial", dlme_data(with_parts(acpi_tables=acpi_region(acpi_base, [], xsdt_length=40) + bytes(4))),
       "XSDT length 40")
    bd("dlme-acpi-checksum", dlme_data(with_parts(acpi_tables=acpi_region(acpi_base, tables, fix=False))),
       "XSDT checksum wrong")
    bd("dlme-acpi-entry-outside",
       dlme_data(with_parts(acpi_tables=acpi_region(acpi_base, tables[:1], entries=[0x1000]))),
       "an XSDT entry at 0x1000", PO)
    bd("dlme-acpi-table-length",
       dlme_data(with_parts(acpi_tables=acpi_region(acpi_base, [acpi_table("APIC", length=0x400)]))),
       "a table longer than the region", PO)
    bd("dlme-acpi-table-checksum",
       dlme_data(with_parts(acpi_tables=acpi_region(acpi_base, [acpi_table("APIC", fix_checksum=False) + b"\1"]))),
       "a table whose checksum is off", PO)
    bd("dlme-acpi-missing-iort",
       dlme_data(with_parts(acpi_tables=acpi_region(acpi_base, [t for t in tables if t[:4] != b"IORT"]))),
       "no IORT", dict(PO, require_dlme_tables=True))

    small = mod(P_TFA, dlme_region_size=0x3100)
    check_params(pack_params(small))
    write("valid/params-small-data-region.bin", pack_params(small))
    write_json("valid/params-small-data-region.json", params_json(small))
    manifest.append({"file": "valid/params-small-data-region.bin", "kind": "params", "expect": "ok",
                     "json": "valid/params-small-data-region.json", "options": {},
                     "note": "0x100 bytes of DLME data room (valid without the platform's minimum)"})

    # Event order
    def bo(name, log, note, opts):
        bad.append((name, "event_order", log.bytes, opts, note))
        bad[-1] = bad[-1] + (log,)

    def log_of(steps):
        lg = Log()
        for pcr, n in steps:
            lg.arm(pcr, n, n.encode(), SEPARATOR_DATA if n == "SEPARATOR" else b"")
        return lg

    T17 = [(17, "DCE"), (17, "PCR_SCHEMA"), (17, "SEPARATOR")]
    T18 = [(18, "PCR_SCHEMA"), (18, "DCE_PUBKEY"), (18, "DLME"), (18, "DLME_ENTRY_POINT"), (18, "SEPARATOR")]
    D = {"schema": "default", "profile": "tfa"}
    bo("order-no-dce", log_of(T17[1:] + T18), "PCR 17 starts with PCR_SCHEMA", D)
    bo("order-no-schema17", log_of([T17[0], T17[2]] + T18), "DCE then SEPARATOR", D)
    bo("order-no-secure-int", log_of(T17 + T18), "SECURE_INT_DISABLE required",
       dict(D, require_secure_int_disable=True))
    bo("order-tzfw-after-secondary", log_of(T17[:2] + [(17, "DCE_SECONDARY"), (17, "TZFW")] + T17[2:] + T18),
       "TZFW after DCE_SECONDARY", D)
    bo("order-no-separator17", log_of(T17[:2] + T18), "PCR 17 without SEPARATOR", D)
    bo("order-extra17", log_of(T17 + [(17, "TZFW")] + T18), "a TZFW after the PCR 17 SEPARATOR", D)
    bo("order-dlme-first", log_of(T17 + [T18[2], T18[0]] + T18[3:]), "PCR 18 starts with DLME", D)
    bo("order-no-dlme", log_of(T17 + T18[:2] + T18[3:]), "PCR 18 without DLME", D)
    bo("order-authorities-as-default", logs["den0113-authorities"][0], "an authorities log checked as default",
       {"schema": "default", "profile": "den0113"})
    bo("order-default-as-authorities", logs["den0113-default"][0], "a default log checked as authorities",
       {"schema": "dlme_authorities", "profile": "den0113"})
    bo("order-no-entry-point", log_of(T17 + T18[:3] + T18[4:]), "PCR 18 without DLME_ENTRY_POINT", D)
    bo("order-tfa-as-den0113", logs["tfa-default"][0], "TF-A's list lacks DEBUG_CONFIG",
       {"schema": "default", "profile": "den0113"})
    bo("order-no-nonsecure-config", log_of(T17 + T18[:4] + [(18, "DEBUG_CONFIG")] + T18[4:]),
       "DEBUG_CONFIG without NONSECURE_CONFIG", {"schema": "default", "profile": "den0113"})
    bo("order-no-separator18", log_of(T17 + T18[:4]), "PCR 18 without SEPARATOR", D)
    bo("order-extra18", log_of(T17 + T18 + [(18, "DLME")]), "a DLME after the PCR 18 SEPARATOR", D)
    bo("order-interleaved", log_of([T17[0], T18[0], T17[1], T18[1], T18[2], T18[3], T17[2], T18[4]]),
       "PCR 17 and 18 interleaved (order is per PCR): valid", D)

    params_by_file = {"valid/params-tfa-fvp.bin": P_TFA, "valid/params-region-based.bin": P_REGION,
                      "valid/params-small-data-region.bin": small}
    for item in bad:
        name, kind, b, opts, note = item[:5]
        ext = "log" if kind == "event_order" else "bin"
        rel = f"{'eventlog' if name == 'order-interleaved' else 'malformed'}/{name}.{ext}"
        try:
            if kind == "params":
                check_params(b, opts.get("platform"), opts.get("match", "tfa"))
            elif kind == "dlme_data":
                check_dlme(b, params_by_file.get(opts.get("params")), opts.get("platform"),
                           opts.get("require_dlme_tables", False))
            else:
                check_order(item[5], opts["schema"], opts["profile"], opts.get("require_secure_int_disable", False))
            if name != "order-interleaved":
                sys.exit(f"{rel}: expected an error, the reference checker accepts it")
            write(rel, b)
            manifest.append({"file": rel, "kind": kind, "expect": "ok", "options": opts, "note": note})
            continue
        except Fail as f:
            write(rel, b)
            manifest.append({"file": rel, "kind": kind, "expect": "error", "errc": f.errc, "rule": f.rule,
                             "offset": f.offset, "entry_index": f.entry, "options": opts, "note": note})

    # Self-checks: the malformed set covers the rules it should.
    rules = {m["rule"] for m in manifest if m["expect"] == "error"}
    wanted = {f"ARM-{n}" for n in list(range(1, 27)) + list(range(30, 52)) + list(range(55, 62)) +
              list(range(65, 73)) + list(range(80, 93))}
    missing = sorted(wanted - rules, key=lambda r: int(r[4:]))
    if missing:
        sys.exit(f"rules without a malformed vector: {missing}")
    errors = sum(1 for m in manifest if m["expect"] == "error")
    write_json("manifest.json", {"description": "Arm DRTM golden vectors; see gen_arm.py and spec/arm-drtm.md",
                                 "vectors": manifest})
    print(f"{len(manifest)} vectors ({errors} malformed) written to {HERE}")


if __name__ == "__main__":
    main()
