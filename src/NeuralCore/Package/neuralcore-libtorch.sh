#!/usr/bin/env bash
# Which native library an application of NeuralCore's package uses on this machine, in the order the shim's CMake
# finds libtorch: LIBTORCH, a pip torch, then the system's. Prints one line:
#   prebuilt        the packaged libneuralcore.so fits (Debian 12's libtorch 1.13 is installed, nothing else asked for)
#   source KEY      compile the shim here against the libtorch found (KEY names it, for the build folder)
# and exits 1 with what to install when this machine has no libtorch.
set -u
key() { printf '%s' "$1" | md5sum | cut -c1-12; }
libraries="/usr/lib/x86_64-linux-gnu"
prebuilt_sonames="libtorch.so.1.13 libtorch_cpu.so.1.13 libc10.so.1.13"

if [ -n "${LIBTORCH:-}" ]; then
  echo "source $(key "LIBTORCH $LIBTORCH")"
  exit 0
fi
for python in python3 python; do
  command -v "$python" >/dev/null 2>&1 || continue
  prefix="$("$python" -c 'import torch.utils; print(torch.utils.cmake_prefix_path)' 2>/dev/null)" || break
  if [ -f "$prefix/Torch/TorchConfig.cmake" ]; then
    echo "source $(key "pip $prefix")"
    exit 0
  fi
  break
done
system=1
for soname in $prebuilt_sonames; do
  [ -e "$libraries/$soname" ] || system=0
done
if [ "$system" = 1 ]; then
  if [ "${NEURALCORE_BUILD_NATIVE:-0}" = 1 ]; then echo "source $(key "system 1.13")"; else echo prebuilt; fi
  exit 0
fi
if [ -f "$libraries/cmake/Torch/TorchConfig.cmake" ] || [ -f /usr/share/cmake/Torch/TorchConfig.cmake ]; then
  echo "source $(key "system other")"
  exit 0
fi
echo "NeuralCore needs libtorch and found none. Install Debian's (apt-get install libtorch1.13; or libtorch-dev, cmake and g++ to build against it), or pip install torch, or set LIBTORCH to an unpacked libtorch folder."
exit 1
