#!/usr/bin/env bash
# Installs what a fresh Debian/Ubuntu machine lacks to build and test NeuralCore; does nothing where all is present.
set -euo pipefail
packages=(cmake g++ make libtorch-dev libgloo-dev libopenblas0-openmp dataset-fashion-mnist bible-kjv-text bible-kjv python3-torch python3-torchvision iproute2)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-prerequisites: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "install-prerequisites: all present (${packages[*]})"
fi

if ! command -v dotnet >/dev/null; then
  echo "install-prerequisites: the .NET 10 SDK is missing: see https://learn.microsoft.com/dotnet/core/install/linux-debian" >&2
  exit 1
fi
