#!/usr/bin/env python3
"""Golden TXT heap images for include/dlh/txt/heap*.hpp.

Written from the TXT fact sheet (txt.md section 2, 7.1, 8 and 9) and spec/txt/heap.md, not from
the C++ sources. Run from the repository root:

    python3 spec/vectors/txt/gen_heap.py

It rewrites spec/vectors/txt/heap/{valid,permissive,malformed}/ and
spec/vectors/txt/heap/manifest.json. Standard library only; the output is deterministic.

Three pieces:
  * table and element encoders (struct.pack with the fact sheet's offsets) and a heap assembler;
  * a reference decoder (bytes -> the JSON form written beside every valid image) that reads
    fields at literal offsets; every valid and permissive image is decoded again and compared
    with the model it was built from before anything is written;
  * the catalogue. A malformed image is the golden Linux heap (or an older one) with exactly one
    defect; its manifest entry names the error code, the rule and the byte offset (within the
    heap image) of the field at fault.
"""

import copy
import json
import os
import shutil
import struct
import sys

OUT = os.path.join("spec", "vectors", "txt", "heap")

# ---------------------------------------------------------------------------
# Encoders


def pad8(n):
    return (n + 7) & ~7


def element(etype, payload):
    return struct.pack("<II", etype, 8 + len(payload)) + payload


END = struct.pack("<II", 0, 8)


def el_bios_spec_ver(major, minor, rev):
    return element(1, struct.pack("<HHH", major, minor, rev))


def el_acm(addrs, num=None):
    n = len(addrs) if num is None else num
    return element(2, struct.pack("<I", n) + b"".join(struct.pack("<Q", a) for a in addrs))


def el_custom(uuid_fields, data):
    d1, d2, d3, d4, d5 = uuid_fields
    return element(4, struct.pack("<IHHH", d1, d2, d3, d4) + bytes(d5) + data)


def el_tpm_log_ptr(addr):
    return element(5, struct.pack("<Q", addr))


def descr(alg, addr, alloc, first=0, nxt=0, reserved=0):
    return struct.pack("<HHQIII", alg, reserved, addr, alloc, first, nxt)


def el_log2(descrs):
    return element(7, struct.pack("<I", len(descrs)) + b"".join(descrs))


def el_log2_1(addr, alloc, first=0, nxt=0):
    return element(8, struct.pack("<QIII", addr, alloc, first, nxt))


def el_tpr(ranges):
    return element(13, struct.pack("<I", len(ranges)) + b"".join(struct.pack("<QQ", b, s) for b, s in ranges))


def acpi_table(sig, body, length=None):
    total = 36 + len(body)
    hdr = sig + struct.pack("<IBB", total if length is None else length, 1, 0) + b"SLRT  " + b"SLRTHEAP" + \
        struct.pack("<I", 1) + b"SLRT" + struct.pack("<I", 1)
    data = bytearray(hdr + body)
    data[9] = (-sum(data)) & 0xFF  # checksum
    return bytes(data)


MADT = acpi_table(b"APIC", struct.pack("<II", 0xFEE00000, 1))
DMAR = acpi_table(b"DMAR", struct.pack("<BB", 38, 1) + bytes(10) +
                  struct.pack("<HHBBHQ", 0, 16, 1, 0, 0, 0xFED90000))


def table(body, size=None):
    """A heap table: u64 size (counting itself), then the body, zero padded to the size."""
    content = 8 + len(body)
    if size is None:
        size = pad8(content)
    data = body + bytes(max(0, size - content))
    return struct.pack("<Q", size) + data[: max(0, size - 8)]


def bios_data(m):
    v = m["version"]
    body = struct.pack("<IIQQI", v, m["bios_sinit_size"], m["lcp_pd_base"], m["lcp_pd_size"], m["num_logical_procs"])
    if v >= 3:
        body += struct.pack("<I", m["sinit_flags"])
    if v >= 4:
        body += struct.pack("<I", m["mle_flags"])
        if m["elements"] is not None:
            body += b"".join(m["elements"]) + (END if m.get("end", True) else b"")
    return table(body + m.get("tail", b""), m.get("size"))


def os_mle_data(m):
    body = struct.pack("<II", m["version"], m["reserved"])
    if m["layout"] == "linux_boot_params":
        body += struct.pack("<Q", m["boot_params_addr"])
    body += struct.pack("<QQII", m["slrt"], m["txt_info"], m["ap_wake_block"], m["ap_wake_block_size"])
    body += bytes(m["mle_scratch"])
    return table(body, m.get("size"))


def os_sinit_data(m):
    v = m["version"]
    body = struct.pack("<IIQQQQQQQQQI", v, m["flags"], m["mle_ptab"], m["mle_size"], m["mle_hdr_base"],
                       m["vtd_pmr_lo_base"], m["vtd_pmr_lo_size"], m["vtd_pmr_hi_base"], m["vtd_pmr_hi_size"],
                       m["lcp_po_base"], m["lcp_po_size"], m["capabilities"])
    if v >= 5:
        body += struct.pack("<Q", m["efi_rsdt_ptr"])
    if v >= 6:
        body += b"".join(m["elements"]) + (END if m.get("end", True) else b"")
    return table(body + m.get("tail", b""), m.get("size"))


def sinit_mle_data(m):
    """Fixed fields, elements (v9), then the MDR table and the DMAR copy (offsets from the size field)."""
    v = m["version"]
    fixed = 144 if v < 8 else 148
    elements = b""
    if v >= 9:
        elements = b"".join(m["elements"]) + END
    pos = 8 + fixed + len(elements)
    mdr_bytes = b"".join(struct.pack("<QQB", a, l, t) + bytes(r) for a, l, t, r in
                         ((x[0], x[1], x[2], x[3] if len(x) > 3 else bytes(7)) for x in m["mdrs"]))
    mdr_off = m.get("mdr_offset", pos if m["mdrs"] else 0)
    dmar = m["dmar"]
    dmar_off = m.get("dmar_offset", (mdr_off + len(mdr_bytes) if m["mdrs"] else pos) if dmar else 0)
    num = m.get("num_mdrs", len(m["mdrs"]))
    dmar_size = m.get("dmar_size", len(dmar))
    body = struct.pack("<I", v) + bytes(m["bios_acm_id"]) + struct.pack("<IQ", m["edx_senter_flags"], m["mseg_valid"])
    body += bytes(m["sinit_hash"]) + bytes(m["mle_hash"]) + bytes(m["stm_hash"]) + bytes(m["lcp_policy_hash"])
    body += struct.pack("<IIIIIII", m["lcp_policy_control"], m["rlp_wakeup_addr"], m["reserved"], num, mdr_off,
                        dmar_size, dmar_off)
    if v >= 8:
        body += struct.pack("<I", m["processor_scrtm_status"])
    body += elements
    end = max(8 + len(body), mdr_off + len(mdr_bytes) if m["mdrs"] else 0, dmar_off + len(dmar) if dmar else 0)
    size = m.get("size", pad8(end))
    buf = bytearray(struct.pack("<Q", size) + body + bytes(max(0, max(size, end) - 8 - len(body))))
    if m["mdrs"]:
        buf[mdr_off:mdr_off + len(mdr_bytes)] = mdr_bytes
    if dmar:
        buf[dmar_off:dmar_off + len(dmar)] = dmar
    return bytes(buf[:size])


def assemble(h):
    """The heap image and the offset of each table's size field."""
    parts = [bios_data(h["bios"])]
    stage = h["stage"]
    if stage == "bios":
        parts += [table(b""), table(b""), table(b"")]
    else:
        parts.append(os_mle_data(h["os_mle"]) if "os_mle_raw" not in h else h["os_mle_raw"])
        parts.append(os_sinit_data(h["os_sinit"]))
        if stage == "post_launch":
            parts.append(sinit_mle_data(h["sinit_mle"]))
    offsets, pos = [], 0
    for p in parts:
        offsets.append(pos)
        pos += len(p)
    return b"".join(parts) + h.get("free", b""), offsets


# ---------------------------------------------------------------------------
# The golden Linux launch (Linux Secure Launch, TPM 2.0, TCG log)

HEAP_BASE = 0x7A000000
MLE_BASE = 0x01000000
MLE_SIZE = 0x00C00000
SLRT = 0x00A00000
TXT_INFO = 0x00A00178
AP_WAKE = 0x00900000
AP_WAKE_SIZE = 0x14000
EVENT_LOG = 0x00A10000
EVENT_LOG_SIZE = 0x10000
SHA1, SHA256 = 0x0004, 0x000B


def golden():
    return {
        "stage": "post_launch",
        "bios": {"version": 6, "bios_sinit_size": 0, "lcp_pd_base": 0, "lcp_pd_size": 0, "num_logical_procs": 8,
                 "sinit_flags": 0, "mle_flags": 0x3,
                 "elements": [el_bios_spec_ver(2, 1, 0), el_acm([0xFFE40000, 0x77A00000])]},
        "os_mle": {"layout": "linux_v1", "version": 1, "reserved": 0, "boot_params_addr": 0, "slrt": SLRT,
                   "txt_info": TXT_INFO, "ap_wake_block": AP_WAKE, "ap_wake_block_size": AP_WAKE_SIZE,
                   "mle_scratch": bytes(64)},
        "os_sinit": {"version": 7, "flags": 1, "mle_ptab": MLE_BASE - 0x3000, "mle_size": MLE_SIZE,
                     "mle_hdr_base": 0x2000, "vtd_pmr_lo_base": 0, "vtd_pmr_lo_size": 0x80000000,
                     "vtd_pmr_hi_base": 0x100000000, "vtd_pmr_hi_size": 0x80000000, "lcp_po_base": 0,
                     "lcp_po_size": 0, "capabilities": 0x206, "efi_rsdt_ptr": 0x7F7FE014,
                     "elements": [el_log2_1(EVENT_LOG, EVENT_LOG_SIZE)]},
        "sinit_mle": {"version": 9, "bios_acm_id": bytes(20), "edx_senter_flags": 0, "mseg_valid": 0,
                      "sinit_hash": bytes(20), "mle_hash": bytes(20), "stm_hash": bytes(20),
                      "lcp_policy_hash": bytes(20), "lcp_policy_control": 0, "rlp_wakeup_addr": 0x7A1F0000,
                      "reserved": 0, "processor_scrtm_status": 0, "elements": [element(6, MADT)],
                      "mdrs": [(0, 0x9F000, 0), (0x100000, 0x7FF00000, 0), (0xE0000000, 0x10000000, 3)],
                      "dmar": DMAR},
    }


def tpm12_heap(bios_version, sinit_version, smle_version):
    """An older TPM 1.2 style heap: GETSEC wake-up, details/authorities PCRs."""
    h = golden()
    b = h["bios"]
    b["version"] = bios_version
    b["mle_flags"] = {2: 0, 3: 0, 4: 0, 5: 1}.get(bios_version, 0x3)
    b["sinit_flags"] = 0 if bios_version < 3 else 0
    b["lcp_pd_base"], b["lcp_pd_size"] = 0x7B000000, 0x2000
    b["bios_sinit_size"] = 0x40000
    b["elements"] = [el_bios_spec_ver(2, 0, 0)] if bios_version >= 4 else None
    s = h["os_sinit"]
    s["version"] = sinit_version
    s["flags"] = 0
    s["capabilities"] = 0x25  # GETSEC wake-up, ECX page table, details/authorities PCRs
    s["efi_rsdt_ptr"] = 0x7F7FE000 if sinit_version >= 5 else 0
    s["elements"] = [el_tpm_log_ptr(0x00A20000)] if sinit_version >= 6 else []
    m = h["sinit_mle"]
    m["version"] = smle_version
    m["bios_acm_id"] = bytes(range(1, 21))
    m["edx_senter_flags"] = 0
    m["sinit_hash"] = bytes([0x11] * 20)
    m["mle_hash"] = bytes([0x22] * 20)
    m["lcp_policy_hash"] = bytes([0x33] * 20)
    m["lcp_policy_control"] = 0x2
    m["rlp_wakeup_addr"] = 0
    m["processor_scrtm_status"] = 1 if smle_version >= 8 else 0
    m["elements"] = []
    return h


# ---------------------------------------------------------------------------
# Reference decoder: bytes -> JSON form (literal offsets from the fact sheet)


def u(fmt, b, off):
    return struct.unpack_from("<" + fmt, b, off)[0]


ELEMENT_NAMES = {0: "END", 1: "BIOS_SPEC_VER", 2: "ACM", 3: "STM", 4: "CUSTOM", 5: "TPM_EVENT_LOG_PTR", 6: "MADT",
                 7: "EVENT_LOG_POINTER2", 8: "EVENT_LOG_POINTER2_1", 9: "MCFG", 13: "TPR_REQ"}


def decode_elements(heap, start, end):
    """Elements from `start` (heap offset) to END; returns (list, offset after END)."""
    out, pos = [], start
    while True:
        assert pos + 8 <= end, "element header outside the table"
        etype, size = u("I", heap, pos), u("I", heap, pos + 4)
        assert 8 <= size <= end - pos, "bad element size"
        if etype == 0:
            assert size == 8
            return out, pos + 8
        data = heap[pos + 8: pos + size]
        e = {"type": etype, "name": ELEMENT_NAMES.get(etype, "unknown"), "offset": pos, "size": size}
        if etype == 1:
            e.update(major=u("H", data, 0), minor=u("H", data, 2), revision=u("H", data, 4))
        elif etype == 2:
            n = u("I", data, 0)
            e.update(num_acms=n, acm_addrs=[u("Q", data, 4 + 8 * i) for i in range(n)])
        elif etype == 4:
            e.update(uuid="%08x-%04x-%04x-%04x-%s" % (u("I", data, 0), u("H", data, 4), u("H", data, 6),
                                                      u("H", data, 8), data[10:16].hex()), data=data[16:].hex())
        elif etype == 5:
            e.update(event_log_phys_addr=u("Q", data, 0))
        elif etype == 7:
            n = u("I", data, 0)
            e.update(count=n, descriptors=[{
                "hash_alg_id": u("H", data, 4 + 24 * i), "reserved": u("H", data, 6 + 24 * i),
                "physical_address": u("Q", data, 8 + 24 * i),
                "allocated_event_container_size": u("I", data, 16 + 24 * i),
                "first_record_offset": u("I", data, 20 + 24 * i), "next_record_offset": u("I", data, 24 + 24 * i)}
                for i in range(n)])
        elif etype == 8:
            e.update(physical_address=u("Q", data, 0), allocated_event_container_size=u("I", data, 8),
                     first_record_offset=u("I", data, 12), next_record_offset=u("I", data, 16))
        elif etype == 13:
            n = u("I", data, 0)
            e.update(tpr_cnt=n, ranges=[{"base": u("Q", data, 4 + 16 * i), "size": u("Q", data, 12 + 16 * i)}
                                        for i in range(n)])
        else:
            e.update(data=data.hex())
        out.append(e)
        pos += size


def decode(heap, stage, os_mle="by_size"):
    count = {"bios": 1, "pre_launch": 3, "post_launch": 4}[stage]
    names = ["bios_data", "os_mle_data", "os_sinit_data", "sinit_mle_data"]
    tables, pos = [], 0
    for i in range(count):
        size = u("Q", heap, pos)
        assert 8 <= size <= len(heap) - pos
        tables.append({"name": names[i], "offset": pos, "size": size})
        pos += size
    out = {"stage": stage, "tables": tables}

    t = tables[0]["offset"]
    size = tables[0]["size"]
    v = u("I", heap, t + 8)
    b = {"version": v, "bios_sinit_size": u("I", heap, t + 12), "lcp_pd_base": u("Q", heap, t + 16),
         "lcp_pd_size": u("Q", heap, t + 24), "num_logical_procs": u("I", heap, t + 32),
         "sinit_flags": u("I", heap, t + 36) if v >= 3 else 0, "mle_flags": u("I", heap, t + 40) if v >= 4 else 0,
         "ext_data_elements": []}
    content = t + 8 + (28 if v == 2 else 32 if v == 3 else 36)
    if v >= 4 and size > 44:
        b["ext_data_elements"], content = decode_elements(heap, t + 44, t + size)
    b["padding"] = t + size - content
    out["bios_data"] = b
    if stage == "bios":
        return out

    t, size = tables[1]["offset"], tables[1]["size"]
    layout = {"by_size": {104: "linux_v1", 112: "linux_boot_params"}.get(size), "linux_v1": "linux_v1",
              "linux_boot_params": "linux_boot_params", "opaque": None}[os_mle]
    if layout is None:
        out["os_mle_status"] = "opaque"
    else:
        out["os_mle_status"] = "by_size" if os_mle == "by_size" else "selected"
        s = 8 if layout == "linux_boot_params" else 0
        m = {"layout": layout, "version": u("I", heap, t + 8), "reserved": u("I", heap, t + 12)}
        if s:
            m["boot_params_addr"] = u("Q", heap, t + 16)
        m.update(slrt=u("Q", heap, t + 16 + s), txt_info=u("Q", heap, t + 24 + s),
                 ap_wake_block=u("I", heap, t + 32 + s), ap_wake_block_size=u("I", heap, t + 36 + s),
                 mle_scratch=heap[t + 40 + s: t + 104 + s].hex())
        out["os_mle_data"] = m

    t, size = tables[2]["offset"], tables[2]["size"]
    v = u("I", heap, t + 8)
    names64 = ["mle_ptab", "mle_size", "mle_hdr_base", "vtd_pmr_lo_base", "vtd_pmr_lo_size", "vtd_pmr_hi_base",
               "vtd_pmr_hi_size", "lcp_po_base", "lcp_po_size"]
    s = {"version": v, "flags": u("I", heap, t + 12)}
    for i, n in enumerate(names64):
        s[n] = u("Q", heap, t + 16 + 8 * i)
    s["capabilities"] = u("I", heap, t + 88)
    s["efi_rsdt_ptr"] = u("Q", heap, t + 92) if v >= 5 else 0
    s["ext_data_elements"] = []
    content = t + 8 + (84 if v == 4 else 92)
    if v >= 6:
        s["ext_data_elements"], content = decode_elements(heap, t + 100, t + size)
    s["padding"] = t + size - content
    out["os_sinit_data"] = s
    if stage == "pre_launch":
        return out

    t, size = tables[3]["offset"], tables[3]["size"]
    v = u("I", heap, t + 8)
    d = {"version": v, "bios_acm_id": heap[t + 12: t + 32].hex(), "edx_senter_flags": u("I", heap, t + 32),
         "mseg_valid": u("Q", heap, t + 36), "sinit_hash": heap[t + 44: t + 64].hex(),
         "mle_hash": heap[t + 64: t + 84].hex(), "stm_hash": heap[t + 84: t + 104].hex(),
         "lcp_policy_hash": heap[t + 104: t + 124].hex(), "lcp_policy_control": u("I", heap, t + 124),
         "rlp_wakeup_addr": u("I", heap, t + 128), "reserved": u("I", heap, t + 132),
         "num_of_sinit_mdrs": u("I", heap, t + 136), "sinit_mdrs_table_offset": u("I", heap, t + 140),
         "sinit_vtd_dmar_table_size": u("I", heap, t + 144), "sinit_vtd_dmar_table_offset": u("I", heap, t + 148),
         "processor_scrtm_status": u("I", heap, t + 152) if v >= 8 else 0, "ext_data_elements": []}
    if v >= 9:
        d["ext_data_elements"], _ = decode_elements(heap, t + 156, t + size)
    mo = t + d["sinit_mdrs_table_offset"]  # offsets count from the size field
    d["mdrs"] = [{"address": u("Q", heap, mo + 24 * i), "length": u("Q", heap, mo + 24 * i + 8),
                  "type": heap[mo + 24 * i + 16]} for i in range(d["num_of_sinit_mdrs"])]
    do = t + d["sinit_vtd_dmar_table_offset"]
    d["dmar"] = heap[do: do + d["sinit_vtd_dmar_table_size"]].hex()
    out["sinit_mle_data"] = d
    return out


# ---------------------------------------------------------------------------
# Catalogue

VALID, PERMISSIVE, MALFORMED = [], [], []


def add_valid(name, h, description, os_mle="by_size", extra=None):
    heap, _ = assemble(h)
    VALID.append({"name": name, "heap": heap, "stage": h["stage"], "os_mle": os_mle, "description": description,
                  "extra": extra or {}})


def add_permissive(name, h, description, quirks, errc, rule, offset, os_mle="by_size"):
    heap, _ = assemble(h)
    PERMISSIVE.append({"name": name, "heap": heap, "stage": h["stage"], "os_mle": os_mle,
                       "description": description, "quirks": quirks,
                       "strict": {"errc": errc, "rule": rule, "offset": offset}})


def add_malformed(name, heap, errc, rule, offset, description, stage="post_launch", os_mle="by_size", mode="strict",
                  heap_size=0, tpm="unknown", profile="heap", linux=None):
    MALFORMED.append({"name": name, "heap": heap, "errc": errc, "rule": rule, "offset": offset,
                      "description": description, "stage": stage, "os_mle": os_mle, "mode": mode,
                      "heap_size": heap_size, "tpm": tpm, "profile": profile, "linux": linux})


def patch(heap, off, fmt, value):
    b = bytearray(heap)
    struct.pack_into("<" + fmt, b, off, value)
    return bytes(b)


def catalogue():
    g = golden()
    gheap, (b0, m0, s0, d0) = assemble(g)

    # --- valid, strict
    add_valid("linux-launch", g,
              "Linux Secure Launch, TPM 2.0: BiosData v6 (BIOS_SPEC_VER, ACM), OsMleData Linux v1, OsSinitData v7 "
              "with EVENT_LOG_POINTER2_1, SinitMleData v9 (MADT element, 3 MDRs, DMAR copy)",
              extra={"heap_base": HEAP_BASE, "linux": True})
    add_valid("bios2-sinit4-mle6", tpm12_heap(2, 4, 6), "TPM 1.2: BiosData v2, OsSinitData v4, SinitMleData v6")
    add_valid("bios3-sinit5-mle7", tpm12_heap(3, 5, 7), "TPM 1.2: BiosData v3, OsSinitData v5, SinitMleData v7")
    add_valid("bios4-sinit6-mle8", tpm12_heap(4, 6, 8),
              "TPM 1.2: BiosData v4 (BIOS_SPEC_VER), OsSinitData v6 (TPM_EVENT_LOG_PTR), SinitMleData v8")
    h = tpm12_heap(5, 6, 8)
    h["bios"]["elements"] = [el_bios_spec_ver(2, 0, 1), el_acm([0xFFF00000]), element(3, b"STM!" + bytes(12))]
    h["os_sinit"]["elements"] = [el_custom((0x12345678, 0x9ABC, 0xDEF0, 0x1122, b"\x33\x44\x55\x66\x77\x88"),
                                           b"vendor"), el_tpm_log_ptr(0x00A20000)]
    add_valid("bios5-sinit6-custom", h, "TPM 1.2: BiosData v5 (ACM, STM), OsSinitData v6 (CUSTOM, TPM_EVENT_LOG_PTR)")
    h = golden()
    h["os_sinit"]["capabilities"] = 0x006  # original TXT log format: bit 9 clear
    h["os_sinit"]["elements"] = [el_log2([descr(SHA1, 0x00A30000, 0x2000), descr(SHA256, 0x00A40000, 0x4000)])]
    h["sinit_mle"]["elements"] = []
    add_valid("sinit7-log2", h, "TPM 2.0 original TXT log: EVENT_LOG_POINTER2 with SHA-1 and SHA-256 logs; "
                                "SinitMleData v9 with only END")
    h = golden()
    h["os_sinit"]["elements"] = [el_tpr([(0, 0x80000000), (0x100000000, 0x80000000)]),
                                 el_log2_1(EVENT_LOG, EVENT_LOG_SIZE)]
    add_valid("sinit7-tpr", h, "TPM 2.0 with a TPR_REQ element (two ranges) before EVENT_LOG_POINTER2_1")
    h = golden()
    h["os_mle"].update(layout="linux_boot_params", boot_params_addr=0x0008A000)
    add_valid("grub-v11-os-mle", h, "OsMleData in the 104-byte layout with boot_params_addr (GRUB 2.12 v11), "
                                   "recognised by its size")
    h = golden()
    h["stage"] = "bios"
    add_valid("bios-only", h, "what the BIOS leaves: BiosData v6 and three empty (size 8) tables", )
    h = golden()
    h["stage"] = "pre_launch"
    add_valid("pre-launch", h, "before SENTER: BiosData, OsMleData and OsSinitData only")
    h = golden()
    h["free"] = bytes(4096 - 688)
    add_valid("linux-launch-4k", h, "the golden heap followed by free heap space up to 4 KiB")

    # --- permissive
    h = tpm12_heap(2, 4, 5)
    add_permissive("sinit-mle-v5", h, "SinitMleData version 5 (tboot requires 6)", ["old_version"],
                   "unsupported_version", "TXT-H43", assemble(h)[1][3] + 8)
    h = golden()
    h["os_sinit"]["capabilities"] = 0x236  # GRUB: bits 5:4 = 11b
    add_permissive("grub-tpm2-caps", h, "GRUB's TPM 2.0 OsSinitData: capabilities bits 5:4 = 11b",
                   ["grub_pcr_mapping"], "value_out_of_range", "TXT-H41", s0 + 88)
    h = tpm12_heap(6, 6, 8)
    h["os_sinit"]["size"] = 124
    h["os_sinit"]["flags"] = 1
    hb, offs = assemble(h)
    add_permissive("tpm12-natural-size", h, "TPM 1.2 OsSinitData as tboot and GRUB size it (124 bytes, not a "
                   "multiple of 8) with GRUB's Flags = 1 in version 6", ["size_not_multiple_of_8", "reserved_bits"],
                   "misaligned", "TXT-H18", offs[2])
    h = golden()
    h["stage"] = "bios"
    h["bios"]["elements"] = [el_bios_spec_ver(2, 1, 0), el_acm([0xFFE40000])]
    h["bios"]["size"] = 86
    add_permissive("coreboot-bios", h, "coreboot's BiosData (86 bytes, not a multiple of 8), empty tables after",
                   ["size_not_multiple_of_8"], "misaligned", "TXT-H18", 0)

    # --- malformed (each one defect)
    def mal(name, heap, errc, rule, offset, description, **kw):
        add_malformed(name, heap, errc, rule, offset, description, **kw)

    mal("truncated-size-field", gheap[:4], "truncated_header", "TXT-H1", 0, "4 bytes: no room for BiosDataSize")
    mal("bios-size-zero", patch(gheap, 0, "Q", 0), "entry_size_too_small", "TXT-H2", 0, "BiosDataSize is 0")
    mal("bios-size-4", patch(gheap, 0, "Q", 4), "entry_size_too_small", "TXT-H3", 0, "BiosDataSize is 4")
    mal("sinit-size-past-end", patch(gheap, s0, "Q", len(gheap)), "entry_exceeds_table", "TXT-H4", s0,
        "OsSinitDataSize runs past the end of the heap")
    mal("bios-version-1", patch(gheap, 8, "I", 1), "unsupported_version", "TXT-H6", 8, "BiosData version 1")
    h = golden()
    h["bios"]["version"] = 3
    h["bios"]["size"] = 36
    h["bios"]["elements"] = None
    mal("bios-v3-short", assemble(h)[0], "truncated_header", "TXT-H7", 0,
        "BiosData version 3 with 28 bytes of data (needs 32)")
    mal("os-mle-size-mismatch", assemble(dict(golden(), os_mle=dict(golden()["os_mle"], layout="linux_boot_params")))[0],
        "entry_size_mismatch", "TXT-H8", m0, "OsMleData is 104 bytes but the Linux v1 layout (96) was named",
        os_mle="linux_v1")
    mal("sinit-version-3", patch(gheap, s0 + 8, "I", 3), "unsupported_version", "TXT-H10", s0 + 8,
        "OsSinitData version 3")
    mal("sinit-version-8", patch(gheap, s0 + 8, "I", 8), "unsupported_version", "TXT-H10", s0 + 8,
        "OsSinitData version 8")
    mal("sinit-mle-version-4", patch(gheap, d0 + 8, "I", 4), "unsupported_version", "TXT-H12", d0 + 8,
        "SinitMleData version 4")
    mal("mdr-table-outside", patch(gheap, d0 + 140, "I", 352 - 48), "out_of_bounds", "TXT-H14", d0 + 140,
        "3 MDRs at SinitMdrTableOffset 304 end past SinitMleDataSize 352")
    mal("dmar-outside", patch(gheap, d0 + 144, "I", 72), "out_of_bounds", "TXT-H15", d0 + 148,
        "a 72-byte DMAR copy at offset 288 ends past SinitMleDataSize 352")
    bios_el = b0 + 44  # first BiosData element
    mal("element-size-zero", patch(gheap, bios_el + 4, "I", 0), "entry_size_too_small", "TXT-X3", bios_el + 4,
        "BIOS_SPEC_VER with Size 0")
    mal("element-past-table", patch(gheap, bios_el + 14 + 4, "I", 200), "entry_exceeds_table", "TXT-X4",
        bios_el + 14 + 4, "the ACM element's Size runs past BiosData")
    h = golden()
    h["os_sinit"]["end"] = False
    h["os_sinit"]["size"] = 128
    mal("sinit-missing-end", assemble(h)[0], "missing_end", "TXT-X1", s0 + 128,
        "OsSinitData's element list stops without END")
    h = golden()
    h["os_sinit"]["end"] = False
    h["os_sinit"]["tail"] = struct.pack("<II", 0, 16) + bytes(8)
    mal("end-size-16", assemble(h)[0], "entry_size_mismatch", "TXT-X5", s0 + 128 + 4, "an END element of Size 16")
    h = golden()
    h["bios"]["elements"][0] = element(1, struct.pack("<HHH", 2, 1, 0) + bytes(2))
    mal("bios-spec-ver-size-16", assemble(h)[0], "entry_size_mismatch", "TXT-X6", bios_el + 4,
        "BIOS_SPEC_VER with Size 16")
    h = golden()
    h["bios"]["elements"][1] = el_acm([0xFFE40000, 0x77A00000], num=3)
    mal("acm-count-mismatch", assemble(h)[0], "count_mismatch", "TXT-X8", bios_el + 14 + 4,
        "ACM element: NumAcms 3 but room for 2 addresses")
    h = golden()
    h["os_sinit"]["elements"] = [element(4, bytes(12)), el_log2_1(EVENT_LOG, EVENT_LOG_SIZE)]
    mal("custom-too-small", assemble(h)[0], "entry_size_too_small", "TXT-X9", s0 + 100 + 4,
        "a CUSTOM element of Size 20 (no room for its UUID)")
    h = golden()
    h["os_sinit"]["elements"] = [element(8, struct.pack("<QIII", EVENT_LOG, EVENT_LOG_SIZE, 0, 0) + bytes(4))]
    mal("log2-1-size-32", assemble(h)[0], "entry_size_mismatch", "TXT-X13", s0 + 100 + 4,
        "EVENT_LOG_POINTER2_1 of Size 32 (a 64-bit padded structure)")
    h = golden()
    h["bios"]["elements"][1] = el_acm([0xFFE40000, 0x100000000])
    mal("acm-address-above-4g", assemble(h)[0], "out_of_bounds", "TXT-X18", bios_el + 14 + 20,
        "the second ACM address is 4 GiB")
    mal("num-logical-procs-0", patch(gheap, b0 + 8 + 24, "I", 0), "value_out_of_range", "TXT-H19", b0 + 32,
        "NumLogProcs 0")
    mal("heap-size-too-small", gheap, "size_exceeds_buffer", "TXT-H16", d0,
        "the tables need 688 bytes, TXT.HEAP.SIZE says 600", heap_size=600)
    mal("table-larger-than-heap", gheap, "size_exceeds_buffer", "TXT-H17", d0,
        "SinitMleDataSize (352) is larger than TXT.HEAP.SIZE (300)", heap_size=300)
    h = golden()
    h["bios"]["size"] = 100
    mal("bios-size-not-8-multiple", assemble(h)[0], "misaligned", "TXT-H18", 0, "BiosDataSize 100 (strict)")
    mal("pmr-lo-misaligned", patch(gheap, s0 + 8 + 40, "Q", 0x80001000), "misaligned", "TXT-H28", s0 + 48,
        "low PMR size not 2 MiB aligned")
    mal("pmr-lo-above-4g", patch(gheap, s0 + 8 + 40, "Q", 0x100200000), "out_of_bounds", "TXT-H30", s0 + 48,
        "the low PMR reaches above 4 GiB")
    h = golden()
    h["os_sinit"]["elements"] = [element(11, bytes(8)), el_log2_1(EVENT_LOG, EVENT_LOG_SIZE)]
    mal("sinit-unknown-element", assemble(h)[0], "invalid_tag", "TXT-X27", s0 + 100,
        "an element of type 11 in OsSinitData (SINIT rejects it)")
    h = golden()
    h["os_sinit"]["elements"] = [el_custom((1, 2, 3, 4, bytes(6)), b"")]
    mal("tpm2-no-log-element", assemble(h)[0], "not_found", "TXT-H38", s0 + 100,
        "OsSinitData v7 (TPM 2.0) without an event log pointer element")
    mal("tpm2-caps-11-strict", patch(gheap, s0 + 88, "I", 0x236), "value_out_of_range", "TXT-H41", s0 + 88,
        "TPM 2.0 capabilities bits 5:4 = 11b in strict mode")
    mal("caps-bit9-clear", patch(gheap, s0 + 88, "I", 0x006), "value_out_of_range", "TXT-H42", s0 + 88,
        "EVENT_LOG_POINTER2_1 (TCG format) but capabilities bit 9 clear")
    mal("caps-reserved", patch(gheap, s0 + 88, "I", 0x206 | 0x10000), "reserved_nonzero", "TXT-H26", s0 + 88,
        "a reserved capability bit (16) requested")
    mal("mdr-overlaps-elements", patch(gheap, d0 + 140, "I", 200), "overlap", "TXT-H45", d0 + 140,
        "the MDR table starts inside the element list")
    mal("mdr-wraps", patch(gheap, d0 + 216 + 24 + 8, "Q", 0xFFFFFFFFFFFFFFFF), "address_wrap", "TXT-H46",
        d0 + 216 + 24 + 8, "the second MDR (at 1 MiB) has a length that wraps the address space")
    h = golden()
    h["os_sinit"]["elements"] = [el_log2_1(EVENT_LOG, EVENT_LOG_SIZE), el_log2_1(EVENT_LOG, EVENT_LOG_SIZE)]
    mal("duplicate-log-element", assemble(h)[0], "duplicate_entry", "TXT-X28", s0 + 128,
        "two EVENT_LOG_POINTER2_1 elements")
    h = golden()
    h["os_sinit"]["tail"] = b"\x01"
    mal("sinit-trailing-bytes", assemble(h)[0], "trailing_bytes", "TXT-H24", s0 + 136,
        "a non-zero byte after OsSinitData's END")
    mal("mle-ptab-zero", patch(gheap, s0 + 16, "Q", 0), "out_of_bounds", "TXT-H34", s0 + 16,
        "MLE PageTableBase 0")
    h = golden()
    h["os_sinit"]["capabilities"] = 0x006
    h["os_sinit"]["elements"] = [el_log2([descr(SHA256, 0x00A40000, 0x800)])]
    mal("log2-container-small", assemble(h)[0], "value_out_of_range", "TXT-X21", s0 + 100 + 12 + 12,
        "an EVENT_LOG_POINTER2 log of 2 KiB (SINIT needs 4 KiB)")
    h = golden()
    h["sinit_mle"]["elements"] = [element(6, acpi_table(b"APIX", struct.pack("<II", 0xFEE00000, 1)))]
    mal("madt-signature", assemble(h)[0], "bad_uuid", "TXT-X29", d0 + 156 + 8, "the MADT copy's signature is APIX")
    mal("rlp-wakeup-zero", patch(gheap, d0 + 128, "I", 0), "value_out_of_range", "TXT-H50", d0 + 128,
        "MONITOR wake-up requested, RlpWakeupAddr 0")
    mal("os-mle-version-2", patch(gheap, m0 + 8, "I", 2), "unsupported_version", "TXT-H22", m0 + 8,
        "OsMleData struct version 2")
    mal("slrt-zero", patch(gheap, m0 + 16, "Q", 0), "not_found", "TXT-H51", m0 + 16, "OsMleData.slrt 0")

    # --- the Linux post-launch profile (inputs in the manifest)
    linux = {"mle_base": MLE_BASE, "boot_params_addr": 0x0008A000, "ap_wake_code_size": 0x3000,
             "event_log_base": EVENT_LOG, "event_log_size": EVENT_LOG_SIZE, "heap_base": HEAP_BASE,
             "heap_size": 0x100000, "end_of_ram": 0x180000000, "kernel_end": 0x02000000, "tpm20": True}
    mal("linux-lo-pmr-base", patch(gheap, s0 + 8 + 32, "Q", 0x200000), "value_out_of_range", "TXT-H60", s0 + 40,
        "low PMR base 2 MiB: Linux needs 0", profile="linux", linux=linux)
    mal("linux-wake-overlaps-mle", patch(gheap, m0 + 8 + 24, "I", MLE_BASE + 0x1000), "overlap", "TXT-H63", m0 + 32,
        "the AP wake block lies inside the MLE", profile="linux", linux=linux)
    mal("linux-hi-pmr-base", patch(patch(gheap, s0 + 8 + 48, "Q", 0x180000000), s0 + 8 + 56, "Q", 0x80000000),
        "value_out_of_range", "TXT-H74", s0 + 56, "high PMR at 6 GiB: Linux needs 4 GiB", profile="linux", linux=linux)
    big = acpi_table(b"DMAR", struct.pack("<BB", 38, 1) + bytes(4104 - 38))
    h = golden()
    h["sinit_mle"]["dmar"] = big
    mal("linux-dmar-too-big", assemble(h)[0], "value_out_of_range", "TXT-H78", d0 + 144,
        "a 4104-byte DMAR copy (Linux maps one page)", profile="linux", linux=linux)
    mal("linux-wake-too-small", patch(gheap, m0 + 8 + 28, "I", 0x1000), "value_out_of_range", "TXT-H65", m0 + 36,
        "a 4 KiB AP wake block for 12 KiB of wake code", profile="linux", linux=linux)
    return gheap


# ---------------------------------------------------------------------------
# Self-checks and output


def model_check(entry):
    """The decoded image matches literal expectations for the fields every vector sets."""
    j = decode(entry["heap"], entry["stage"], entry["os_mle"])
    assert j["bios_data"]["num_logical_procs"] == 8
    if entry["stage"] != "bios":
        assert j["os_sinit_data"]["mle_size"] == MLE_SIZE
    if entry["stage"] == "post_launch":
        d = j["sinit_mle_data"]
        assert len(d["mdrs"]) == 3 and d["mdrs"][2]["type"] == 3
        assert bytes.fromhex(d["dmar"])[:4] == b"DMAR"
    return j


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def main():
    if not os.path.isdir(os.path.join("spec", "vectors")):
        sys.exit("run from the repository root")
    gheap = catalogue()
    assert len(gheap) == 688, len(gheap)
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    for d in ("valid", "permissive", "malformed"):
        os.makedirs(os.path.join(OUT, d))
    manifest = {"valid": [], "permissive": [], "malformed": []}
    for v in VALID:
        j = model_check(v)
        f = "valid/%s.bin" % v["name"]
        write(os.path.join(OUT, f), v["heap"])
        with open(os.path.join(OUT, "valid/%s.json" % v["name"]), "w") as out:
            json.dump(j, out, indent=1, sort_keys=False)
            out.write("\n")
        e = {"file": f, "json": "valid/%s.json" % v["name"], "stage": v["stage"], "os_mle": v["os_mle"],
             "size": len(v["heap"]), "description": v["description"]}
        e.update(v["extra"])
        manifest["valid"].append(e)
    for v in PERMISSIVE:
        j = decode(v["heap"], v["stage"], v["os_mle"])
        f = "permissive/%s.bin" % v["name"]
        write(os.path.join(OUT, f), v["heap"])
        with open(os.path.join(OUT, "permissive/%s.json" % v["name"]), "w") as out:
            json.dump(j, out, indent=1)
            out.write("\n")
        manifest["permissive"].append({"file": f, "json": "permissive/%s.json" % v["name"], "stage": v["stage"],
                                       "os_mle": v["os_mle"], "quirks": v["quirks"],
                                       "strict_errc": v["strict"]["errc"], "strict_rule": v["strict"]["rule"],
                                       "strict_offset": v["strict"]["offset"], "description": v["description"]})
    for v in MALFORMED:
        f = "malformed/%s.bin" % v["name"]
        write(os.path.join(OUT, f), v["heap"])
        assert v["offset"] <= len(v["heap"]), v["name"]
        e = {"file": f, "errc": v["errc"], "rule": v["rule"], "offset": v["offset"], "mode": v["mode"],
             "stage": v["stage"], "os_mle": v["os_mle"], "heap_size": v["heap_size"], "tpm": v["tpm"],
             "profile": v["profile"], "description": v["description"]}
        if v["linux"]:
            e["linux"] = v["linux"]
        manifest["malformed"].append(e)
    assert len(manifest["malformed"]) >= 25
    names = [v["name"] for v in VALID + PERMISSIVE + MALFORMED]
    assert len(names) == len(set(names))
    with open(os.path.join(OUT, "manifest.json"), "w") as out:
        json.dump(manifest, out, indent=1)
        out.write("\n")
    print("wrote %d valid, %d permissive, %d malformed heaps to %s" %
          (len(VALID), len(PERMISSIVE), len(MALFORMED), OUT))


if __name__ == "__main__":
    main()
