#!/usr/bin/env bash
# Installs the Debian packages evacsim needs, if any is missing.
# Usage: .ci/deps.sh [fuzz]
set -euo pipefail
pkgs=(cmake make gcc pkg-config libhdf5-dev zlib1g-dev libcjson-dev libcriterion-dev
      hdf5-tools openmpi-bin libopenmpi-dev)
# `deps.sh fuzz`: also clang with libFuzzer and its OpenMP runtime.
if [ "${1:-}" = fuzz ]; then pkgs+=(clang libclang-rt-14-dev libomp-dev); fi
# evacsim report (viz/): Python with h5py, matplotlib and Pillow; chromium
# for the report test (tests/e2e/test_report.c loads the page headless)
pkgs+=(python3 python3-h5py python3-numpy python3-matplotlib python3-pil chromium)
# evacsim import dxf (viz/): ezdxf
pkgs+=(python3-ezdxf)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "evacsim: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
