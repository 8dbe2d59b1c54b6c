#!/usr/bin/env bash
# Compiles every shim source against Debian 13's libtorch 2.x headers (-fsyntax-only), without installing
# anything: apt downloads the package into a scratch folder with its own state, and dpkg -x unpacks it.
# A second pass compiles the CUDA and NCCL code paths against Debian 13's CUDA libtorch, CUDA 12 and NCCL headers.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
scratch="${NEURALCORE_LIBTORCH2_DIR:-$root/artifacts/libtorch2}"
suite="${NEURALCORE_LIBTORCH2_SUITE:-trixie}"
# The machine's own Debian mirror (deb822 URIs: lines or one-line deb entries), without its security archive.
mirror="$( (grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}';
  grep -hE '^deb ' /etc/apt/sources.list 2>/dev/null | awk '{print $2}') | grep -E '/debian/?$' | head -n1 || true)"
mirror="${mirror:-http://deb.debian.org/debian}"

mkdir -p "$scratch"/{state/lists/partial,cache/archives/partial,debs,root}
printf 'deb [trusted=yes] %s %s main contrib non-free\n' "$mirror" "$suite" > "$scratch/sources.list"
apt_options=(-o "Dir::Etc::SourceList=$scratch/sources.list" -o Dir::Etc::SourceParts=/dev/null
  -o "Dir::State=$scratch/state" -o "Dir::Cache=$scratch/cache" -o Debug::NoLocking=1
  -o APT::Get::List-Cleanup=0 -o APT::Sandbox::User=root -o Acquire::Languages=none)

if [ ! -f "$scratch/root/usr/include/ATen/ATen.h" ] || [ ! -f "$scratch/root/usr/include/gloo/context.h" ]; then
  echo "check-libtorch2: downloading libtorch-dev from $suite"
  apt-get "${apt_options[@]}" -qq update
  # Headers of libtorch and the third-party headers its public headers include.
  (cd "$scratch/debs" && apt-get "${apt_options[@]}" -qq download libtorch-dev libfmt-dev libgloo-dev)
  for deb in "$scratch"/debs/*.deb; do dpkg -x "$deb" "$scratch/root"; done
fi

include="$scratch/root/usr/include"
version_header="$include/torch/csrc/api/include/torch/version.h"
version="$(awk '/define TORCH_VERSION_(MAJOR|MINOR|PATCH)/ {printf "%s%s", sep, $3; sep="."}' "$version_header")"
echo "check-libtorch2: compiling the shim against libtorch $version headers"
failed=0
for source in "$root"/native/src/*.cpp; do
  if ! g++ -std=c++17 -fsyntax-only -D_GLIBCXX_USE_CXX11_ABI=1 -Wall -Wno-unused-parameter \
      -I "$root/native/include" -I "$include" -I "$include/torch/csrc/api/include" "$source"; then
    echo "check-libtorch2: FAILED $(basename "$source")"
    failed=1
  else
    echo "check-libtorch2: ok $(basename "$source")"
  fi
done

# CUDA pass: only the headers are unpacked (the CUDA toolkit package alone is 900 MB of libraries).
cuda_root="$scratch/cuda-root"
if [ ! -f "$cuda_root/usr/include/ATen/cuda/CUDAContext.h" ] || [ ! -f "$cuda_root/usr/include/nccl.h" ]; then
  echo "check-libtorch2: downloading libtorch-cuda-dev, CUDA and NCCL headers from $suite"
  mkdir -p "$scratch/cuda-debs" "$cuda_root"
  apt-get "${apt_options[@]}" -qq update
  (cd "$scratch/cuda-debs" && apt-get "${apt_options[@]}" -qq download libtorch-cuda-dev nvidia-cuda-dev libnccl-dev \
    libcub-dev libthrust-dev libcu++-dev)
  for deb in "$scratch"/cuda-debs/*.deb; do
    dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$cuda_root" --wildcards './usr/include/*'
  done
fi
cuda_include="$cuda_root/usr/include"
echo "check-libtorch2: compiling the CUDA and NCCL paths against libtorch-cuda headers"
for source in "$root"/native/src/cuda.cpp "$root"/native/src/distributed.cpp "$root"/native/src/runtime.cpp; do
  if ! g++ -std=c++17 -fsyntax-only -D_GLIBCXX_USE_CXX11_ABI=1 -DNC_WITH_CUDA -DUSE_C10D_NCCL -Wall -Wno-unused-parameter \
      -I "$root/native/include" -I "$cuda_include" -I "$cuda_include/torch/csrc/api/include" -I "$include" "$source"; then
    echo "check-libtorch2: FAILED $(basename "$source") (CUDA)"
    failed=1
  else
    echo "check-libtorch2: ok $(basename "$source") (CUDA)"
  fi
done
exit "$failed"
