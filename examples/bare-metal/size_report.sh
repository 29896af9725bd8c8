#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# .text sizes of the pieces a loader or DLME embeds, compiled alone at -Os with bare-metal flags
# for x86_64 and i386: each size/*.cpp uses one piece (a probe whose sources are missing, such as
# a preamble not yet in include/, is reported as n/a). Prints a Markdown table.
#
# usage: size_report.sh [SOURCE_DIR] [CXX]
set -euo pipefail
src=$(cd "${1:-$(dirname "$0")/../..}" && pwd)
cxx=${2:-${CXX:-g++}}
here=$src/examples/bare-metal
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

flags=(-std=c++20 -ffreestanding -fno-exceptions -fno-rtti -nostdlib -fno-stack-protector -fno-pic -fno-pie
       -mno-red-zone -fno-asynchronous-unwind-tables -Os -ffunction-sections -I "$src/include" -c)
case $("$cxx" --version 2>/dev/null | head -n1) in
  *clang*) flags+=(-mno-sse -mno-sse2 -mno-mmx -mno-avx) ;;
  *) flags+=(-mgeneral-regs-only) ;;
esac

text_size() {  # OBJECT -> bytes in .text and .text.* sections
  size -A "$1" | awk '$1 ~ /^\.text/ { s += $2 } END { print s + 0 }'
}

probes=(validator "SLRT validator (slrt::parse)" 4096
        policy_walk "policy walk (make_plan, linux-v16)" 0
        sha256 "SHA-256" 0
        tis "TIS driver (close_all, request, relinquish, transmit)" 0
        txt_preamble "TXT preamble (run_txt_preamble)" 16384
        txt_acm "… of which: SINIT parse and platform match (parse_acm, match_acm)" 0
        txt_heap_check "… of which: heap check before writing (validate_heap)" 0
        skinit_preamble "SKINIT preamble (run_skinit_preamble)" 16384)

echo "Compiler: $("$cxx" --version | head -n1); flags: ${flags[*]}"
echo
echo "| piece | x86_64 .text | i386 .text | target |"
echo "|---|---:|---:|---:|"
for ((i = 0; i < ${#probes[@]}; i += 3)); do
  probe=${probes[i]} label=${probes[i + 1]} target=${probes[i + 2]}
  row="| $label |"
  for arch in -m64 -m32; do
    if "$cxx" "$arch" "${flags[@]}" "$here/size/$probe.cpp" -o "$work/$probe$arch.o" 2>"$work/$probe$arch.log"; then
      row+=" $(text_size "$work/$probe$arch.o") |"
    else
      row+=" n/a |"
    fi
  done
  if ((target)); then row+=" ≤ $target |"; else row+=" |"; fi
  echo "$row"
done
