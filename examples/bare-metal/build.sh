#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds slrt-demo.elf (multiboot v1, ELF32, i386) and the x86_64 build of the same code, and
# checks that both need nothing from outside.
#
# usage: build.sh SOURCE_DIR OUT_DIR [CXX]
#   OUT_DIR/slrt-demo.elf          the image QEMU boots (-kernel)
#   OUT_DIR/slrt-demo-x86_64.o     demo.cpp for x86_64 (-c); `nm -u` must list mem* at most
#   OUT_DIR/slrt-demo-x86_64.elf   that object linked alone (entry demo_main): no undefined symbol
# Environment: SLRT_DEMO_PREAMBLES=0 builds without the TXT/SKINIT preambles; otherwise they are
# built in when include/dlh/txt/preamble.hpp and include/dlh/skinit/preamble.hpp compile.
set -euo pipefail
src=$(cd "${1:?usage: build.sh SOURCE_DIR OUT_DIR [CXX]}" && pwd)
out=${2:?usage: build.sh SOURCE_DIR OUT_DIR [CXX]}
cxx=${3:-${CXX:-g++}}
here=$src/examples/bare-metal
mkdir -p "$out"
out=$(cd "$out" && pwd)

common=(-std=c++20 -ffreestanding -fno-exceptions -fno-rtti -nostdlib -fno-stack-protector -fno-pic -fno-pie
        -mno-red-zone -fno-asynchronous-unwind-tables -fno-unwind-tables -O2
        -Wall -Wextra -Wpedantic -Wconversion -Werror -I "$src/include" -I "$here")
link_extra=()
case $("$cxx" --version 2>/dev/null | head -n1) in
  *clang*) common+=(-mno-sse -mno-sse2 -mno-mmx -mno-avx) ;;  # clang 14: -mgeneral-regs-only drops x87
  *) common+=(-mgeneral-regs-only); link_extra+=(-no-pie) ;;
esac

defines=()
if [[ ${SLRT_DEMO_PREAMBLES:-1} != 0 && -f $src/include/dlh/txt/preamble.hpp && -f $src/include/dlh/skinit/preamble.hpp ]]; then
  probe=$out/preamble-probe.cpp
  printf '#include "dlh/txt/preamble.hpp"\n#include "dlh/skinit/preamble.hpp"\n#include "dlh/x86/platform.hpp"\n' >"$probe"
  if "$cxx" -m32 "${common[@]}" -fsyntax-only "$probe" 2>"$out/preamble-probe.log" &&
     "$cxx" -m32 "${common[@]}" -DSLRT_DEMO_PREAMBLES -fsyntax-only "$here/demo.cpp" 2>>"$out/preamble-probe.log"; then
    defines+=(-DSLRT_DEMO_PREAMBLES)
  else
    echo "build.sh: the preamble headers do not compile here; building without them (see $out/preamble-probe.log)" >&2
  fi
fi

check_undefined() {  # OBJECT: only mem* (and nothing at all once linked)
  local undefined
  undefined=$(nm -u "$1" | awk '{print $NF}' | grep -Ev '^(memcpy|memset|memmove|memcmp)$' || true)
  if [[ -n $undefined ]]; then
    echo "build.sh: $1 needs symbols from outside:" >&2
    echo "$undefined" >&2
    exit 1
  fi
}

# i386: the multiboot image.
"$cxx" -m32 "${common[@]}" "${defines[@]}" -c "$here/demo.cpp" -o "$out/demo-i386.o"
"$cxx" -m32 -c "$here/start.S" -o "$out/start-i386.o"
check_undefined "$out/demo-i386.o"
"$cxx" -m32 -nostdlib -static "${link_extra[@]}" -Wl,--build-id=none -Wl,-z,max-page-size=0x1000 -Wl,-T,"$here/linker.ld" \
  -o "$out/slrt-demo.elf" "$out/start-i386.o" "$out/demo-i386.o"
if [[ -n $(nm -u "$out/slrt-demo.elf") ]]; then
  echo "build.sh: slrt-demo.elf has undefined symbols" >&2
  nm -u "$out/slrt-demo.elf" >&2
  exit 1
fi
# The multiboot header must lie in the first 8 KiB of the file, 4-byte aligned.
python3 - "$out/slrt-demo.elf" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
if data[:4] != b"\x7fELF" or data[4] != 1:
    sys.exit("slrt-demo.elf is not ELF32")
for off in range(0, min(len(data), 8192) - 11, 4):
    magic, flags, checksum = struct.unpack_from("<III", data, off)
    if magic == 0x1BADB002 and (magic + flags + checksum) & 0xFFFFFFFF == 0:
        break
else:
    sys.exit("no multiboot header in the first 8 KiB of slrt-demo.elf")
PY

# x86_64: the same code as an object, then linked alone.
"$cxx" -m64 "${common[@]}" "${defines[@]}" -c "$here/demo.cpp" -o "$out/slrt-demo-x86_64.o"
check_undefined "$out/slrt-demo-x86_64.o"
"$cxx" -m64 -nostdlib -static "${link_extra[@]}" -Wl,--build-id=none -Wl,-e,demo_main -o "$out/slrt-demo-x86_64.elf" \
  "$out/slrt-demo-x86_64.o"
if [[ -n $(nm -u "$out/slrt-demo-x86_64.elf") ]]; then
  echo "build.sh: slrt-demo-x86_64.elf has undefined symbols" >&2
  exit 1
fi
echo "build.sh: $out/slrt-demo.elf ($(stat -c %s "$out/slrt-demo.elf") bytes), x86_64 object links alone${defines:+, with preambles}"
