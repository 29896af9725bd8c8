#!/usr/bin/env bash
# Freestanding check: slrt's headers must build for bare metal (the DLME, a bootloader).
#
# usage: check.sh SOURCE_DIR [WORK_DIR]
#
#  1. Every header under include/ (*.hpp, and *.h as C++ too) is compiled alone, included twice
#     (include guard), with g++ -m64, g++ -m32, clang++ -m64 and clang++ -m32 and bare-metal
#     flags: no exceptions, no RTTI, no SSE/x87 state, no stack protector, no red zone.
#  2. Every C header (include/**/*.h) is compiled as C99 with gcc -m64 and -m32.
#  3. Every tests/freestanding/*.cpp is compiled the same four ways, and `nm -u` of the object may
#     name no symbol but memcpy/memset/memmove/memcmp (an embedder provides those) and the
#     linker-defined _GLOBAL_OFFSET_TABLE_ (32-bit PIC code).
#
# Prints a matrix (file x compiler/arch: ok / FAIL / UNDEF / n/a) and exits non-zero on any
# failure. Compilations run in parallel: SLRT_FREESTANDING_JOBS (default: nproc).
# Compilers: SLRT_GXX (g++), SLRT_CLANGXX (clang++), SLRT_GCC (gcc), NM (nm).
set -euo pipefail

gxx=${SLRT_GXX:-g++}
clangxx=${SLRT_CLANGXX:-clang++}
gcc_c=${SLRT_GCC:-gcc}
nm_tool=${NM:-nm}

cxx_common=(-std=c++20 -ffreestanding -fno-exceptions -fno-rtti -nostdlib -fno-stack-protector
            -mno-red-zone -Wall -Wextra -Wpedantic -Wconversion -Werror -O2 -c)
# clang 14: -mgeneral-regs-only also removes x87, which <limits>/<array>/<span> need.
gxx_extra=(-mgeneral-regs-only)
clang_extra=(-mno-sse -mno-sse2 -mno-mmx -mno-avx)
c_common=(-std=c99 -Wall -Wextra -Wpedantic -Werror -ffreestanding -c)
allowed_undefined='^(memcpy|memset|memmove|memcmp|_GLOBAL_OFFSET_TABLE_)$'

# ---------------------------------------------------------------------------------------------
# Worker: one compilation. Arguments: KIND TOOL ARCH SRC OBJ RESULT_PREFIX INCLUDE_DIR
# KIND is cxx (header TU or object, C++ flags) or c (C99). Writes RESULT_PREFIX.status/.log.
if [[ ${1-} == --one ]]; then
  kind=$2 tool=$3 arch=$4 src=$5 obj=$6 res=$7 inc=$8 check_nm=$9
  flags=()
  case $kind in
    cxx)
      flags=("${cxx_common[@]}")
      case $tool in
        *clang*) flags+=("${clang_extra[@]}") ;;
        *) flags+=("${gxx_extra[@]}") ;;
      esac ;;
    c) flags=("${c_common[@]}") ;;
  esac
  status=ok
  {
    echo "\$ $tool $arch ${flags[*]} -I $inc $src -o $obj"
    if ! "$tool" "$arch" "${flags[@]}" -I "$inc" "$src" -o "$obj" 2>&1; then
      status=FAIL
    elif [[ $check_nm == yes ]]; then
      undefined=$("$nm_tool" -u "$obj" | awk '{print $NF}' | grep -Ev "$allowed_undefined" || true)
      if [[ -n $undefined ]]; then
        status=UNDEF
        echo "undefined symbols other than mem*:"
        echo "$undefined"
      fi
    fi
  } >"$res.log" 2>&1
  echo "$status" >"$res.status"
  exit 0
fi

# ---------------------------------------------------------------------------------------------
src_dir=$(cd "${1:?usage: check.sh SOURCE_DIR [WORK_DIR]}" && pwd)
if [[ -n ${2-} ]]; then
  work=$2
  rm -rf "$work"
  mkdir -p "$work"
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
work=$(cd "$work" && pwd)
inc=$src_dir/include
jobs=${SLRT_FREESTANDING_JOBS:-$(nproc 2>/dev/null || echo 2)}
self=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")

have() { command -v "$1" >/dev/null 2>&1; }
columns=("g++ -m64" "g++ -m32" "clang++ -m64" "clang++ -m32" "c99 -m64" "c99 -m32")
column_tool=("$gxx" "$gxx" "$clangxx" "$clangxx" "$gcc_c" "$gcc_c")
column_arch=(-m64 -m32 -m64 -m32 -m64 -m32)
column_kind=(cxx cxx cxx cxx c c)
missing=()
for t in "$gxx" "$clangxx" "$gcc_c"; do have "$t" || missing+=("$t"); done
have "$nm_tool" || { echo "freestanding: $nm_tool not found" >&2; exit 1; }
if ((${#missing[@]})); then
  echo "freestanding: WARNING: not installed, its columns show n/a: ${missing[*]}" >&2
fi

mapfile -t headers < <(cd "$inc" 2>/dev/null && find . -type f \( -name '*.hpp' -o -name '*.h' \) | sed 's|^\./||' | LC_ALL=C sort)
mapfile -t sources < <(cd "$src_dir/tests/freestanding" 2>/dev/null && find . -maxdepth 1 -type f -name '*.cpp' | sed 's|^\./||' | LC_ALL=C sort)

rows=()        # display names
row_cells=()   # per row: space-separated job ids or "-" per column
joblist=$work/jobs
: >"$joblist"
n=0
add_job() { # KIND TOOL ARCH SRC OBJ CHECK_NM -> prints job id
  local id=$n
  n=$((n + 1))
  printf '%s\0' --one "$1" "$2" "$3" "$4" "$5" "$work/res/$id" "$inc" "$6" >>"$joblist"
  echo "$id"
}
mkdir -p "$work/tu" "$work/obj" "$work/res"

for h in "${headers[@]}"; do
  stem=${h//\//__}
  cells=()
  for c in "${!columns[@]}"; do
    kind=${column_kind[$c]}
    if [[ $kind == c && $h != *.h ]]; then cells+=("-"); continue; fi
    if ! have "${column_tool[$c]}"; then cells+=("n/a"); continue; fi
    ext=cpp; [[ $kind == c ]] && ext=c
    tu=$work/tu/$stem.$ext
    printf '#include <%s>\n#include <%s> /* second time: include guard */\n' "$h" "$h" >"$tu"
    id=$n; add_job "$kind" "${column_tool[$c]}" "${column_arch[$c]}" "$tu" "$work/obj/$stem.$c.o" no >/dev/null
    cells+=("#$id")
  done
  rows+=("include/$h")
  row_cells+=("${cells[*]}")
done

for s in "${sources[@]}"; do
  stem=${s%.cpp}
  cells=()
  for c in "${!columns[@]}"; do
    if [[ ${column_kind[$c]} == c ]]; then cells+=("-"); continue; fi
    if ! have "${column_tool[$c]}"; then cells+=("n/a"); continue; fi
    id=$n; add_job cxx "${column_tool[$c]}" "${column_arch[$c]}" "$src_dir/tests/freestanding/$s" \
      "$work/obj/src.$stem.$c.o" yes >/dev/null
    cells+=("#$id")
  done
  rows+=("tests/freestanding/$s (nm -u)")
  row_cells+=("${cells[*]}")
done

if ((${#rows[@]} == 0)); then
  echo "freestanding: no headers under include/ and no tests/freestanding/*.cpp: nothing to check"
  exit 0
fi
((${#sources[@]})) || echo "freestanding: no tests/freestanding/*.cpp (object/nm check skipped)"

start=$SECONDS
xargs -0 -n 9 -P "$jobs" bash "$self" <"$joblist"

# ---------------------------------------------------------------------------------------------
width=10
for r in "${rows[@]}"; do ((${#r} > width)) && width=${#r}; done
printf "%-${width}s" "file"
for col in "${columns[@]}"; do printf '  %-12s' "$col"; done
echo
failed=()
ok_count=0
for i in "${!rows[@]}"; do
  printf "%-${width}s" "${rows[$i]}"
  read -r -a cells <<<"${row_cells[$i]}"
  for cell in "${cells[@]}"; do
    if [[ $cell == \#* ]]; then
      id=${cell#\#}
      status=$(cat "$work/res/$id.status" 2>/dev/null || echo FAIL)
      if [[ $status == ok ]]; then ok_count=$((ok_count + 1)); else failed+=("$id"); fi
      cell=$status
    fi
    printf '  %-12s' "$cell"
  done
  echo
done
echo "freestanding: $ok_count compilations ok, ${#failed[@]} failed ($((SECONDS - start)) s, $jobs jobs)"

if ((${#failed[@]})); then
  for id in "${failed[@]}"; do
    echo "----- failure log #$id -----"
    head -n 60 "$work/res/$id.log" 2>/dev/null || echo "(no log)"
  done
  exit 1
fi
