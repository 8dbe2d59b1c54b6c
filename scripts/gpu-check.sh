#!/usr/bin/env bash
# The GPU check. On a machine with a GPU, a pip torch with CUDA, CMake and no .NET: unpacks what
# scripts/prepare-gpu-check.sh put in .gpu-carry/, builds the shim against that torch, runs the whole test suite
# with CUDA as the test device (NEURALCORE_TEST_DEVICE=cuda), trains one epoch of each example on the GPU (and the
# CNN again with --amp), and prints one summary line. Logs and the summary go to $OUT (or artifacts/gpu-check).
#
#   scripts/gpu-check.sh            on the GPU machine
#   scripts/gpu-check.sh --dry-run  here: the same steps on the CPU with the machine's libtorch, short example runs
#
# For a rerun of part of it: NEURALCORE_GPU_CHECK_SKIP="tests timings examples" (any of them) skips those steps,
# NEURALCORE_GPU_CHECK_TESTS passes arguments to the xunit runner (e.g. "-class NeuralCore.Tests.CudaTests"), and
# NEURALCORE_GPU_CHECK_TEST_SECONDS bounds the test run (420 s unless given).
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
cp "$root/bench/reference/fashion_mnist.py" "$root/bench/reference/idx.py" "$tests_dir/Fixtures/"
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

# What the machine's memory does while the rest runs (a killed process leaves no other trace).
{ echo "cgroup memory.max $(cat /sys/fs/cgroup/memory.max 2> /dev/null || echo ?), $(nproc) processors"; } > "$out/memory.log"
( while sleep 2; do echo "$(date +%T) $(free -m | awk '/^Mem:/ {print "used " $3 " MiB, available " $7 " MiB"}'); $(ps -eo rss=,comm= --sort=-rss | head -n 3 | awk '{printf "%s %d MiB; ", $2, $1 / 1024}')"; done ) >> "$out/memory.log" 2>&1 &
memory_watch=$!
trap 'kill $memory_watch 2> /dev/null' EXIT

# 3. The test suite, through the xunit console runner (dotnet test needs the SDK).
if [ "$mode" = gpu ]; then
  export NEURALCORE_TEST_DEVICE=cuda
  device_name="$(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -n1)"
else
  export NEURALCORE_TEST_DEVICE=cpu
  device_name="cpu (dry run)"
fi
skip=" ${NEURALCORE_GPU_CHECK_SKIP:-} "
is_skipped() { [[ "$skip" == *" $1 "* ]]; }
skipped_step() { is_skipped "$1" && say "$1 skipped (NEURALCORE_GPU_CHECK_SKIP)"; }
tests_rc=0
if ! skipped_step tests; then
  # shellcheck disable=SC2086  # the runner's arguments, split as given
  (cd "$tests_dir" && DOTNET_ROLL_FORWARD=Major timeout "${NEURALCORE_GPU_CHECK_TEST_SECONDS:-420}" dotnet "$work/xunit/xunit.console.dll" \
    NeuralCore.Tests.dll ${NEURALCORE_GPU_CHECK_TESTS:-} -nocolor -verbose -xml "$work/tests.xml") > "$out/tests.log" 2>&1
  tests_rc=$?
fi
counts="$(grep -sE 'Total: [0-9]+' "$out/tests.log" | tail -n1 | sed -E 's/.*Total: ([0-9]+), Errors: ([0-9]+), Failed: ([0-9]+), Skipped: ([0-9]+).*/\1 \2 \3 \4/')"
read -r total errors failed skipped <<< "${counts:-0 1 0 0}"
is_skipped tests && read -r total errors failed skipped <<< "0 0 0 0"
passed=$((total - failed - skipped))
is_skipped tests || say "tests: $passed passed, $failed failed, $skipped skipped, $errors errors, exit $tests_rc ($(elapsed) s)"
grep -sE '\[FAIL\]' "$out/tests.log" | head -n 20

# 4. Timings beside PyTorch: the same cases and timing loop (bench/NeuralCore.Benchmarks --compare, bench/reference/steps.py),
# synchronized on CUDA; Float32, then AMP. The dry run times two small cases.
bench_dll="$root/bench/NeuralCore.Benchmarks/bin/$configuration/net10.0/NeuralCore.Benchmarks.dll"
steps="cnn_step_b64,lstm_i28_h128_s28_step_b64,lstm_i10_h256_s100_step_b64,mlp_32_64_10_step_b8,transformer_d128_h4_l2_s128_step_b32"
bench_device=cuda python=python3
[ "$mode" = dry ] && steps=mlp_32_64_10_step_b8 && bench_device=cpu && python=/usr/bin/python3
: > "$work/timings.jsonl"
timings_failed=0
skipped_step timings && steps=""
for variant in "" --amp; do
  [ -z "$steps" ] && break
  cases="$steps"
  [ -z "$variant" ] && cases="$cases,add_10elem"
  timeout 120 dotnet "$bench_dll" --compare --device "$bench_device" --cases "$cases" $variant >> "$work/timings.jsonl" 2>> "$out/timings.log" || timings_failed=1
  timeout 120 "$python" "$root/bench/reference/steps.py" --device "$bench_device" --cases "$cases" $variant >> "$work/timings.jsonl" 2>> "$out/timings.log" || timings_failed=1
done
python3 - "$work/timings.jsonl" "$device_name" "$work/timings-range.txt" > "$out/timings.md" <<'PY'
import json, sys
rows, ratios = {}, []
for line in open(sys.argv[1]):
    if line.startswith("{"):
        entry = json.loads(line)
        rows.setdefault(entry["case"], {})[entry["framework"]] = entry["microseconds"]
print(f"| case ({sys.argv[2]}) | NeuralCore µs | PyTorch µs | NeuralCore / PyTorch |")
print("|---|---|---|---|")
for case, r in rows.items():
    n, p = r.get("neuralcore"), r.get("pytorch")
    ratio = f"{n / p:.3f}" if n and p else "—"
    if n and p:
        ratios.append(n / p)
    print(f"| {case} | {n or float('nan'):.1f} | {p or float('nan'):.1f} | {ratio} |")
with open(sys.argv[3], "w") as summary:
    summary.write(f"{len(ratios)} cases, NeuralCore / PyTorch {min(ratios):.3f} to {max(ratios):.3f}" if ratios else "no ratios")
PY
cat "$out/timings.md"
[ "$timings_failed" -ne 0 ] && tail -n 20 "$out/timings.log"
timings_summary="$(cat "$work/timings-range.txt" 2>/dev/null)"
say "timings: ${timings_summary:-none}, exit $timings_failed ($(elapsed) s)"

# 5. One epoch of each example (a few steps in a dry run).
examples_summary=""
examples_failed=0
run_example() {
  local name="$1" label="$2"
  shift 2
  local device=cuda limit=()
  [ "$mode" = dry ] && device=cpu && limit=(--max-steps 20)
  local log="$work/$label.log"
  dotnet "$root/examples/$name/bin/$configuration/net10.0/$name.dll" --device "$device" --epochs 1 --data "$work/fashion-mnist" \
    --output "$work/$label" "${limit[@]}" "$@" > "$log" 2>&1
  local rc=$?
  local line accuracy seconds
  # Spectre wraps lines at 80 columns when output is not a terminal.
  line="$(grep -A2 -E '^epoch 1/1:' "$log" | tr '\n' ' ' | tr -s ' ')"
  accuracy="$(echo "$line" | sed -nE 's/.*test accuracy ([0-9.]+ ?%).*/\1/p')"
  seconds="$(echo "$line" | sed -nE 's/.*, ([0-9.]+) s \(.*/\1 s/p')"
  [ $rc -ne 0 ] && examples_failed=1 && tail -n 20 "$log"
  # What comes back from the device is limited to 8 files: the examples share one log.
  { echo "==== $label (exit $rc)"; cat "$log"; } >> "$out/examples.log"
  examples_summary+="; $label ${accuracy:-?} in ${seconds:-?} (exit $rc)"
}
if ! skipped_step examples; then
  run_example Cnn cnn
  run_example Rnn rnn
  run_example Cnn cnn-amp --amp
  run_example Rnn rnn-amp --amp
  run_example CharTransformer char-transformer --text "$work/kjv.txt"
  run_example CharTransformer char-transformer-amp --text "$work/kjv.txt" --amp
fi
say "examples$examples_summary ($(elapsed) s)"

summary="gpu-check ($mode) on $device_name: tests $passed passed, $failed failed, $skipped skipped; timings ${timings_summary:-none}$examples_summary; $(elapsed) s in all"
echo "$summary" | tee "$out/summary.txt"
[ "$tests_rc" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$errors" -eq 0 ] && [ "$examples_failed" -eq 0 ] && [ "$timings_failed" -eq 0 ]
