#!/usr/bin/env bash
# Runs one libFuzzer binary for a bounded time (ctest <name>_run).
# usage: run_fuzzer.sh FUZZER SECONDS SCRATCH_CORPUS ARTIFACT_PREFIX SEED_DIR...
# libFuzzer writes new inputs into the FIRST corpus directory, so that is a scratch directory
# in the build tree; the seed directories (fuzz/corpus/<name>, spec/vectors) are only read.
# Seed directories that do not exist are skipped (libFuzzer would refuse them).
set -euo pipefail
fuzzer=$1 seconds=$2 scratch=$3 artifacts=$4
shift 4
mkdir -p "$scratch" "$(dirname "${artifacts}x")" # the prefix may end in a file-name part
seeds=()
for d in "$@"; do
  if [[ -d $d ]]; then seeds+=("$d"); else echo "run_fuzzer: seed directory $d does not exist, skipped"; fi
done
set -x
exec "$fuzzer" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
  -artifact_prefix="$artifacts" "$scratch" "${seeds[@]}"
