#!/usr/bin/env bash
# The GPU check. On a machine with a GPU, a pip torch with CUDA, CMake and no .NET: unpacks what
# scripts/prepare-gpu-check.sh put in .gpu-carry/, builds the shim against that torch, runs the whole test suite
# with CUDA as the test device (NEURALCORE_TEST_DEVICE=cuda), trains one epoch of each example on the GPU (and the
# CNN again with --amp), and prints one summary line. Logs and the summary go to $OUT (or artifacts/gpu-check).
#
#   scripts/gpu-check.sh            on the GPU machine
#   scripts/gpu-check.sh --dry-run  here: the same steps on the CPU with the machine's libtorch, short example runs
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
mode=gpu
[ "${1:-}" = "--dry-run" ] && mode=dry
out="${OUT:-$root/artifacts/gpu-check}"
work="${NEURALCORE_GPU_CHECK_WORK:-/tmp/neuralcore-gpu-check}"
configuration=Release
mkdir -p "$out"
started=$(date +%s)
say() { echo "gpu-check: $*" | tee -a "$out/steps.log"; }
elapsed() { echo $(($(date +%s) - started)); }

# 1. What travelled: the .NET runtime, the built assemblies at their repository paths, the runner, the data.
rm -rf "$work" && mkdir -p "$work"
if ! tar -xJf "$root/.gpu-carry/bundle.tar.xz" -C "$work"; then
  say "FAILED: no .gpu-carry/bundle.tar.xz (run scripts/prepare-gpu-check.sh and carry .gpu-carry)"
  exit 2
fi
cp -a "$work/tree/." "$root/"
tests_dir="$root/tests/NeuralCore.Tests/bin/$configuration/net10.0"
mkdir -p "$tests_dir/Fixtures"
cp -a "$root/tests/NeuralCore.Tests/Fixtures/." "$tests_dir/Fixtures/"
cp "$root/bench/reference/fashion_mnist.py" "$tests_dir/Fixtures/"
export DOTNET_ROOT="$work/dotnet" PATH="$work/dotnet:$PATH" DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
say "runtime $(dotnet --list-runtimes | head -n1) ($(elapsed) s)"

# 2. The shim, against the torch python3 sees (the pip torch there; the machine's libtorch in a dry run).
generator=()
command -v ninja > /dev/null && generator=(-G Ninja)
if [ "$mode" = gpu ]; then
  site="$(python3 -c 'import os, torch; print(os.path.dirname(os.path.dirname(torch.__file__)))' 2>/dev/null || true)"
  for candidate in "$site/nvidia/nccl/include" "$site/nvidia/cu13/include"; do
    [ -f "$candidate/nccl.h" ] && export NCCL_INCLUDE_DIR="$candidate" && break
  done
fi
if ! cmake -S "$root/native" -B "$work/native" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release > "$out/native.log" 2>&1 ||
   ! cmake --build "$work/native" -j "$(nproc)" >> "$out/native.log" 2>&1; then
  say "FAILED: the native build (tail of native.log follows)"
  tail -n 40 "$out/native.log"
  exit 1
fi
export NEURALCORE_NATIVE="$work/native/libneuralcore.so"
say "shim built: $(grep -E 'NeuralCore: ' "$out/native.log" | tr '\n' ' ') ($(elapsed) s)"

# 3. The test suite, through the xunit console runner (dotnet test needs the SDK).
if [ "$mode" = gpu ]; then
  export NEURALCORE_TEST_DEVICE=cuda
  device_name="$(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -n1)"
else
  export NEURALCORE_TEST_DEVICE=cpu
  device_name="cpu (dry run)"
fi
(cd "$tests_dir" && DOTNET_ROLL_FORWARD=Major timeout 420 dotnet "$work/xunit/xunit.console.dll" NeuralCore.Tests.dll \
  -nocolor -xml "$out/tests.xml") > "$out/tests.log" 2>&1
tests_rc=$?
counts="$(grep -E 'Total: [0-9]+' "$out/tests.log" | tail -n1 | sed -E 's/.*Total: ([0-9]+), Errors: ([0-9]+), Failed: ([0-9]+), Skipped: ([0-9]+).*/\1 \2 \3 \4/')"
read -r total errors failed skipped <<< "${counts:-0 1 0 0}"
passed=$((total - failed - skipped))
say "tests: $passed passed, $failed failed, $skipped skipped, $errors errors, exit $tests_rc ($(elapsed) s)"
grep -E '\[FAIL\]' "$out/tests.log" | head -n 20

# 4. One epoch of each example (a few steps in a dry run).
examples_summary=""
examples_failed=0
run_example() {
  local name="$1" label="$2"
  shift 2
  local device=cuda limit=()
  [ "$mode" = dry ] && device=cpu && limit=(--max-steps 20)
  local log="$out/$label.log"
  dotnet "$root/examples/$name/bin/$configuration/net10.0/$name.dll" --device "$device" --epochs 1 --data "$work/fashion-mnist" \
    --output "$out/$label" "${limit[@]}" "$@" > "$log" 2>&1
  local rc=$?
  local line accuracy seconds
  # Spectre wraps lines at 80 columns when output is not a terminal.
  line="$(grep -A2 -E '^epoch 1/1:' "$log" | tr '\n' ' ' | tr -s ' ')"
  accuracy="$(echo "$line" | sed -nE 's/.*test accuracy ([0-9.]+ ?%).*/\1/p')"
  seconds="$(echo "$line" | sed -nE 's/.*, ([0-9.]+) s \(.*/\1 s/p')"
  [ $rc -ne 0 ] && examples_failed=1 && tail -n 20 "$log"
  examples_summary+="; $label ${accuracy:-?} in ${seconds:-?} (exit $rc)"
}
run_example Cnn cnn
run_example Rnn rnn
run_example Cnn cnn-amp --amp
run_example CharTransformer char-transformer --text "$work/kjv.txt"
run_example CharTransformer char-transformer-amp --text "$work/kjv.txt" --amp
say "examples$examples_summary ($(elapsed) s)"

summary="gpu-check ($mode) on $device_name: tests $passed passed, $failed failed, $skipped skipped$examples_summary; $(elapsed) s in all"
echo "$summary" | tee "$out/summary.txt"
[ "$tests_rc" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$errors" -eq 0 ] && [ "$examples_failed" -eq 0 ]
