#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Boots slrt-demo.elf in QEMU (TCG) with a fresh swtpm behind tpm-tis or tpm-crb and checks it.

usage: run_qemu.py SLRT_DEMO_ELF [--interface tis|crb] [--keep DIR]

Checks, in order: the serial output step by step (table built and valid, TPM found through the
expected interface, localities 0..3 requested and relinquished, locality 4 refused, PCR 17/18 all
ones before, two PCR 18 extends, the log's replay equal to the TPM in every bank, TPM_RC_LOCALITY
at locality 0, the preambles' dry runs stopping at their CPU steps or the SKIP line),
"RESULT: PASS", and QEMU's exit status 33 (isa-debug-exit value 0x10).

--interface crb (-device tpm-crb) expects what QEMU's CRB really offers (QEMU 7.2, read off the
device by the demo): TPM_CRB_INTF_ID 0x00025811, i.e. CRB with CapLocality 0 (locality 0 only);
only locality 0's register page is decoded, the pages of localities 1..4 read 0 and drop writes,
and every command reaches swtpm at locality 0. So localities 1..4 must be refused (TPM-I2, at
once: CapLocality 0), PCR 18 cannot be extended at all, and the demo extends the same two
measurements into PCR 16 (debug, any locality, starts at zero) at locality 0 instead; PCR 17 and
18 must stay all ones, and locality 0 must still be refused PCR 18.

PCR prediction, independent of the C++: the demo prints its SLRT (SLRT-HEX lines) and the
command line it measured (CMDLINE). This script walks the v16 table (16-byte header, entries
{u32 tag, u32 size}, END = tag 0xffff), takes the Intel info entry (tag 4) with boot_params_addr
(bytes 8..15) and txt_heap (16..23) zeroed, as Linux v16 measures an SLRT policy entry
(slrt.md §8), and computes, per bank, PCR18 = H(H(0xff..ff || H(intel_info copy)) || H(cmdline))
with hashlib (PCR16 the same from 0x00..00). The result must equal every
"[compare] <bank> PCR<n> tpm <hex>" value the demo read back from the TPM, and the PCR<n>-SHA256
line.

Exit status 77 (ctest SKIP_RETURN_CODE) when qemu-system-x86_64 or swtpm is not installed.
"""
import argparse
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

QEMU = "qemu-system-x86_64"
SWTPM = "swtpm"
PASS_STATUS = (0x10 << 1) | 1


def fail(msg, serial=None):
    print("FAIL:", msg)
    if serial is not None:
        print("----- serial output -----")
        print(serial)
    sys.exit(1)


def predict(slrt: bytes, cmdline: bytes, start: int):
    """The extended PCR per bank after the demo's two extends, from the table's bytes alone;
    `start` is the byte the PCR starts filled with (0xff: PCR 18 before a launch, 0: PCR 16)."""
    if len(slrt) < 16 or int.from_bytes(slrt[0:4], "little") != 0x4452544D:
        fail("SLRT-HEX does not start with the SLRT magic")
    size = int.from_bytes(slrt[8:12], "little")
    if size != len(slrt):
        fail(f"SLRT size field {size} != {len(slrt)} bytes printed")
    at, intel = 16, None
    while at + 8 <= size:
        tag = int.from_bytes(slrt[at:at + 4], "little")
        esize = int.from_bytes(slrt[at + 4:at + 8], "little")
        if esize < 8 or at + esize > size:
            fail(f"bad entry size {esize} at {at}")
        if tag == 0xFFFF:
            break
        if tag == 4:
            intel = bytearray(slrt[at:at + esize])
        at += esize
    if intel is None or len(intel) != 560:
        fail("no 560-byte Intel info entry in the table")
    intel[8:24] = bytes(16)  # boot_params_addr, txt_heap
    out = {}
    for bank, size in (("sha1", 20), ("sha256", 32), ("sha384", 48), ("sha512", 64)):
        h = lambda b: hashlib.new(bank, b).digest()
        pcr = bytes([start]) * size
        pcr = h(pcr + h(bytes(intel)))
        pcr = h(pcr + h(cmdline))
        out[bank] = pcr.hex()
    measurements = {"slrt": hashlib.sha256(bytes(intel)).hexdigest(), "cmdline": hashlib.sha256(cmdline).hexdigest()}
    return out, measurements


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("elf", help="slrt-demo.elf")
    parser.add_argument("--interface", choices=("tis", "crb"), default="tis",
                        help="the TPM's register interface: -device tpm-tis (default) or tpm-crb")
    parser.add_argument("--keep", metavar="DIR", help="work in DIR and keep it (serial.log, swtpm.log)")
    args = parser.parse_args()
    elf, keep, crb = args.elf, args.keep, args.interface == "crb"
    missing = [p for p in (QEMU, SWTPM) if shutil.which(p) is None]
    if missing:
        print("SKIP: not installed:", " ".join(missing), "(Debian: apt-get install qemu-system-x86 swtpm)")
        return 77
    if not os.path.isfile(elf):
        fail(f"{elf} does not exist")

    # The CRB run must stay well inside its ctest TIMEOUT (60 s) to clean up swtpm itself.
    qemu_timeout = 45 if crb else 120
    work = keep or tempfile.mkdtemp(prefix="slrt-qemu-")
    os.makedirs(os.path.join(work, "state"), exist_ok=True)
    sock = os.path.join(work, "swtpm.sock")
    pidfile = os.path.join(work, "swtpm.pid")
    serial_path = os.path.join(work, "serial.log")
    for p in (sock, pidfile, serial_path):
        if os.path.exists(p):
            os.unlink(p)
    swtpm_pid = None
    try:
        subprocess.run([SWTPM, "socket", "--tpm2", "--tpmstate", "dir=" + os.path.join(work, "state"),
                        "--ctrl", "type=unixio,path=" + sock, "--terminate", "--daemon",
                        "--pid", "file=" + pidfile, "--log", "file=" + os.path.join(work, "swtpm.log")],
                       check=True, timeout=30)
        for _ in range(200):
            if os.path.exists(pidfile):
                try:
                    swtpm_pid = int(open(pidfile).read().strip())
                except ValueError:
                    pass
            if swtpm_pid and os.path.exists(sock):
                break
            time.sleep(0.05)
        if not os.path.exists(sock):
            fail("swtpm did not create its control socket")
        cmd = [QEMU, "-accel", "tcg", "-m", "128", "-kernel", elf,
               "-chardev", "socket,id=chrtpm,path=" + sock, "-tpmdev", "emulator,id=tpm0,chardev=chrtpm",
               "-device", ("tpm-crb" if crb else "tpm-tis") + ",tpmdev=tpm0", "-serial", "file:" + serial_path,
               "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
               "-display", "none", "-vga", "none", "-nic", "none", "-monitor", "none", "-no-reboot"]
        try:
            status = subprocess.run(cmd, stdin=subprocess.DEVNULL, timeout=qemu_timeout).returncode
        except subprocess.TimeoutExpired:
            status = None
    finally:
        if swtpm_pid:
            try:
                os.kill(swtpm_pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    serial = open(serial_path, "rb").read().decode("utf-8", "replace").replace("\r\n", "\n") if os.path.exists(serial_path) else ""
    if status is None:
        fail(f"QEMU did not finish within {qemu_timeout} s", serial)

    lines = serial.splitlines()
    cursor = 0

    def expect(pattern, what):
        nonlocal cursor
        rx = re.compile(pattern)
        for i in range(cursor, len(lines)):
            m = rx.search(lines[i])
            if m:
                cursor = i + 1
                print("ok:", what, "|", lines[i][:110])
                return m
        fail(f"missing step: {what} (/{pattern}/ after line {cursor})", serial)

    ff = "f" * 64
    zero = "0" * 64
    expect(r"^slrt-demo: start \(i386, multiboot magic 0x2badb002", "booted by multiboot")
    expect(r"^\[slrt\] built \d+ bytes; parse: ok; check_linux_v16: 0 findings$", "SLRT built and valid")
    slrt = bytes.fromhex("".join(l.split()[2] for l in lines if l.startswith("SLRT-HEX ")))
    cmdline = expect(r"^CMDLINE (.*)$", "command line printed").group(1).encode()
    if crb:
        m = expect(r"^\[tpm\] interface CRB, TPM_INTERFACE_ID (0x[0-9a-f]{8}), DID_VID 0x[0-9a-f]{8}$",
                   "CRB interface detected")
        intf_id = int(m.group(1), 16)
        if intf_id & 0xF != 1 or intf_id >> 14 & 1 != 1 or intf_id >> 8 & 1 != 0:
            fail(f"TPM_CRB_INTF_ID {intf_id:#010x}: expected InterfaceType 1, CapCRB 1, CapLocality 0 "
                 "(QEMU's tpm-crb)", serial)
        expect(r"^\[tpm\] TPM_LOC_STATE per locality page: 0x000000[89a-f][0-9a-f]( 0x00000000){4}$",
               "only locality 0's page decoded (tpmRegValidSts there, zeros above)")
        expect(r"^\[tpm\] localities: 0 only \(CapLocality 0\)$", "locality 0 only")
    else:
        expect(r"^\[tpm\] interface FIFO, TPM_INTERFACE_ID 0x[0-9a-f]{8}, DID_VID 0x[0-9a-f]{8}$",
               "TIS interface detected")
    expect(r"^\[tpm\] close_all: ok, active locality: none$", "every locality closed")
    for l in range(1 if crb else 4):
        expect(rf"^\[tpm\] locality {l}: request ok \(active yes\), relinquish ok \(active no\)$",
               f"locality {l} requested and relinquished")
    if crb:
        for l in range(1, 5):
            expect(rf"^\[tpm\] locality {l}: not granted: TPM-I2 not_found .*CapLocality",
                   f"locality {l} refused (CapLocality 0)")
    else:
        expect(r"^\[tpm\] locality 4: not granted: TPM-I4 ", "locality 4 refused (QEMU drops its writes)")
    expect(r"^\[tpm\] TPM2_Startup\(CLEAR\): ok", "TPM2_Startup")
    locality, pcr = (0, 16) if crb else (2, 18)
    expect(r"^\[tpm\] locality 0 active \(the TPM has no locality 2\)$" if crb else r"^\[tpm\] locality 2 active$",
           f"locality {locality} active")
    banks = expect(r"^\[tpm\] active banks:((?: \w+)+)$", "active banks").group(1).split()
    if "sha256" not in banks:
        fail("no sha256 bank", serial)
    expect(rf"^\[pcr\] PCR17 sha256 before: {ff}$", "PCR 17 all ones before")
    expect(rf"^\[pcr\] PCR18 sha256 before: {ff}$", "PCR 18 all ones before")
    if crb:
        expect(rf"^\[pcr\] PCR16 sha256 before: {zero}$", "PCR 16 zero before")
    expect(r"^\[plan\] 2 measurements \(linux-v16 rules\)$", "measurement plan")
    if crb:
        expect(r"^\[plan\] PCR 18 needs locality 2\.\.4: extending PCR 16 at locality 0 instead$",
               "measurements go to PCR 16 (no locality 2)")
    predicted, measured = predict(slrt, cmdline, 0x00 if crb else 0xFF)
    expect(rf'^\[extend\] PCR{pcr} "Measured SLR Table" table copy 560 bytes, sha256 {measured["slrt"]}: ok$',
           f"PCR {pcr} extended with the SLRT measurement (digest = host hashlib)")
    expect(rf'^\[extend\] PCR{pcr} "Measured Kernel command line" memory {len(cmdline)} bytes, sha256 {measured["cmdline"]}: ok$',
           f"PCR {pcr} extended with the command line (digest = host hashlib)")
    expect(r"^\[log\] 2 events, \d+ bytes; replayed$", "event log written and replayed")
    compared = 0
    for bank in banks:
        if bank not in predicted:
            continue
        m = expect(rf"^\[compare\] {bank} PCR{pcr} tpm ([0-9a-f]+) == replay$", f"{bank}: TPM PCR {pcr} == log replay")
        if m.group(1) != predicted[bank]:
            fail(f"{bank} PCR {pcr} {m.group(1)} != host prediction {predicted[bank]}", serial)
        print(f"ok: {bank} PCR {pcr} == host prediction {predicted[bank][:16]}...")
        compared += 1
        if bank == "sha256":
            m = expect(rf"^PCR{pcr}-SHA256 ([0-9a-f]{{64}})$", f"PCR{pcr}-SHA256 line")
            if m.group(1) != predicted["sha256"]:
                fail(f"PCR{pcr}-SHA256 differs from the host prediction", serial)
    if compared == 0:
        fail("no bank compared with the prediction", serial)
    expect(r"^\[pcr\] PCR17 unchanged$", "PCR 17 unchanged")
    if crb:
        expect(r"^\[pcr\] PCR18 unchanged$", "PCR 18 unchanged (nothing may extend it at locality 0)")
    expect(r"^\[tpm\] PCR_Extend\(18\) at locality 0: TPM-6 tpm_error .*0x907", "locality 0 may not extend PCR 18")
    expect(r"^\[tpm\] close_all: ok$", "localities closed at the end")
    if any(l.startswith("[preambles] SKIP preambles") for l in lines):
        expect(r"^\[preambles\] SKIP preambles", "preambles skipped (not built in)")
    else:
        expect(r"^\[txt\] step smx: fail: DLH-T\d+ ", "TXT dry run fails at smx")
        expect(r"^\[txt\] stopped at: smx$", "TXT dry run stopped at smx")
        expect(r"^\[skinit\] step cpu: fail: DLH-S\d+ ", "SKINIT dry run fails at cpu")
        expect(r"^\[skinit\] stopped at: cpu$", "SKINIT dry run stopped at cpu")
    expect(r"^RESULT: PASS$", "RESULT: PASS")
    if status != PASS_STATUS:
        fail(f"QEMU exit status {status}, expected {PASS_STATUS} (isa-debug-exit 0x10)", serial)
    print(f"ok: QEMU exit status {status}")
    if not keep:
        shutil.rmtree(work, ignore_errors=True)
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
