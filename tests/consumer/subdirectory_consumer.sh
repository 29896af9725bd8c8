#!/usr/bin/env bash
# Packaging test: a project that vendors slrt with add_subdirectory() (tests/consumer/add_subdirectory).
# usage: subdirectory_consumer.sh SOURCE_DIR WORK_DIR [CXX]
set -euo pipefail
src=$(cd "${1:?usage: subdirectory_consumer.sh SOURCE_DIR WORK_DIR [CXX]}" && pwd)
work=${2:?usage: subdirectory_consumer.sh SOURCE_DIR WORK_DIR [CXX]}
cxx=${3:-${CXX:-c++}}
generator=()
command -v ninja >/dev/null 2>&1 && generator=(-G Ninja)

rm -rf "$work"
mkdir -p "$work"

set -x
cmake -S "$src/tests/consumer/add_subdirectory" -B "$work" "${generator[@]}" \
  -DCMAKE_CXX_COMPILER="$cxx" -DSLRT_DIR="$src"
cmake --build "$work"
"$work/consumer"
{ set +x; } 2>/dev/null
echo "subdirectory_consumer: ok"
