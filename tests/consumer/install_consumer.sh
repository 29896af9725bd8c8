#!/usr/bin/env bash
# Packaging test: install slrt from SOURCE_DIR into a scratch prefix, then consume it
#   1. through find_package(slrt) (tests/consumer/find_package), and
#   2. through pkg-config (slrt.pc) with a plain compiler command line.
# usage: install_consumer.sh SOURCE_DIR WORK_DIR [CXX]
set -euo pipefail
src=$(cd "${1:?usage: install_consumer.sh SOURCE_DIR WORK_DIR [CXX]}" && pwd)
work=${2:?usage: install_consumer.sh SOURCE_DIR WORK_DIR [CXX]}
cxx=${3:-${CXX:-c++}}
generator=()
command -v ninja >/dev/null 2>&1 && generator=(-G Ninja)

rm -rf "$work"
mkdir -p "$work"
work=$(cd "$work" && pwd)
prefix=$work/prefix

set -x
# A build of slrt on its own, with only the install rules (header-only: nothing to compile).
cmake -S "$src" -B "$work/slrt-build" "${generator[@]}" -DCMAKE_CXX_COMPILER="$cxx" \
  -DSLRT_BUILD_TESTS=OFF -DSLRT_BUILD_EXAMPLES=OFF -DSLRT_BUILD_FUZZERS=OFF -DSLRT_INSTALL=ON
cmake --build "$work/slrt-build"
cmake --install "$work/slrt-build" --prefix "$prefix"
{ set +x; } 2>/dev/null

echo "installed files:"
(cd "$prefix" && find . -type f | LC_ALL=C sort)
cmakedir=$(dirname "$(find "$prefix" -name slrtConfig.cmake | head -n 1)")
pcfile=$(find "$prefix" -name slrt.pc | head -n 1)
for f in "$prefix/include/slrt/slrt.hpp" "$cmakedir/slrtConfig.cmake" "$cmakedir/slrtConfigVersion.cmake" \
         "$cmakedir/slrtTargets.cmake" "$pcfile"; do
  [[ -f $f ]] || { echo "install_consumer: missing installed file: $f" >&2; exit 1; }
done
# The installed package must not point back into the source or build tree.
if grep -rn -e "$src" -e "$work/slrt-build" "$cmakedir" "$pcfile"; then
  echo "install_consumer: installed package files name the source/build tree" >&2
  exit 1
fi

set -x
# 1. find_package(slrt)
cmake -S "$src/tests/consumer/find_package" -B "$work/find_package-build" "${generator[@]}" \
  -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
cmake --build "$work/find_package-build"
"$work/find_package-build/consumer"

# 2. pkg-config
PKG_CONFIG_PATH=$(dirname "$pcfile")
export PKG_CONFIG_PATH
test "$(pkg-config --modversion slrt)" = "$(sed -n 's/^Version: //p' "$pcfile")"
cflags=$(pkg-config --cflags slrt)
# slrt.pc locates the prefix from its own directory (${pcfiledir}/../..): compare real paths.
pc_include=$(sed -n 's/^-I//p' <<<"$(tr ' ' '\n' <<<"$cflags")" | head -n 1)
if [[ -z $pc_include || $(cd "$pc_include" 2>/dev/null && pwd -P) != $(cd "$prefix/include" && pwd -P) ]]; then
  { set +x; } 2>/dev/null
  echo "install_consumer: pkg-config --cflags gives '$cflags', expected -I$prefix/include" >&2
  exit 1
fi
# shellcheck disable=SC2086 # word splitting of the flags is intended
"$cxx" -std=c++20 $cflags "$src/tests/consumer/main.cpp" -o "$work/pkg-config-consumer"
"$work/pkg-config-consumer"
{ set +x; } 2>/dev/null
echo "install_consumer: find_package and pkg-config consumers ok"
