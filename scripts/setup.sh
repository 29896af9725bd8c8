#!/usr/bin/env bash
# Installs everything slrt's build, tests, fuzzers and examples need on Debian 12.
# Run as root (or with sudo available). Used by the README commands and by .ci/run.
# Skips apt entirely when every package is already installed (SLRT_SETUP_FORCE=1 to force).
set -euo pipefail

packages=(
  cmake ninja-build g++ g++-multilib clang lld libclang-rt-14-dev
  catch2 libfmt-dev nlohmann-json3-dev libcli11-dev libbenchmark-dev libssl-dev
  qemu-system-x86 swtpm swtpm-tools tpm2-tools python3
  pkg-config
)

missing=()
for p in "${packages[@]}"; do
  if [[ $(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null) != ii* ]]; then missing+=("$p"); fi
done
if ((${#missing[@]} == 0)) && [[ ${SLRT_SETUP_FORCE:-0} != 1 ]]; then
  echo "setup: all ${#packages[@]} packages already installed"
  exit 0
fi
echo "setup: installing: ${missing[*]:-${packages[*]}}"

sudo=()
if ((EUID != 0)); then
  command -v sudo >/dev/null 2>&1 || { echo "setup: run as root (or install sudo)" >&2; exit 1; }
  sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get -q update
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q install -y --no-install-recommends "${packages[@]}"
