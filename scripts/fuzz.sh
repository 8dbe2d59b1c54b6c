#!/usr/bin/env bash
# Coverage-guided fuzzing of one file reader with AFL++ and SharpFuzz, for a chosen time (not part of CI):
#   bash scripts/fuzz.sh safetensors|checkpoint|torchscript SECONDS
# Publishes tools/Fuzz, instruments NeuralCore.dll, seeds AFL++ with the interop fixtures and the regression corpus,
# runs afl-fuzz for SECONDS and prints its statistics. Findings land in artifacts/fuzz/<reader>/findings; copy each crash
# into tests/NeuralCore.Tests/Fixtures/fuzz-corpus/<reader>/ so that the suite replays it.
set -euo pipefail
cd "$(dirname "$0")/.."
reader="${1:?reader: safetensors, checkpoint or torchscript}"
seconds="${2:-1800}"
case "$reader" in
  safetensors) seed=python.safetensors ;;
  checkpoint) seed=small_state.pt ;;
  torchscript) seed=scripted_calculator.pt ;;
  *) echo "fuzz: unknown reader $reader" >&2; exit 2 ;;
esac

if ! command -v afl-fuzz >/dev/null; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get install -y -qq afl++ >/dev/null
fi
dotnet tool restore >/dev/null

work="artifacts/fuzz/$reader"
rm -rf "$work"
mkdir -p "$work/seeds"
dotnet publish tools/Fuzz -c Release -o "$work/bin" >/dev/null
dotnet sharpfuzz "$work/bin/NeuralCore.dll"
cp "tests/NeuralCore.Tests/Fixtures/interop/$seed" "$work/seeds/"
if [ -d "tests/NeuralCore.Tests/Fixtures/fuzz-corpus/$reader" ]; then
  cp tests/NeuralCore.Tests/Fixtures/fuzz-corpus/"$reader"/* "$work/seeds/" 2>/dev/null || true
fi

# AFL++ wants a core pattern it can see crashes through and a performance governor; neither is ours to change here.
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1
export NEURALCORE_NATIVE="$PWD/$work/bin/libneuralcore.so" OMP_NUM_THREADS=1
afl-fuzz -V "$seconds" -i "$work/seeds" -o "$work/findings" -t 10000 -m none -- dotnet "$work/bin/Fuzz.dll" "$reader" > "$work/afl.log" 2>&1 || {
  tail -30 "$work/afl.log" >&2; exit 1; }

stats="$work/findings/default/fuzzer_stats"
field() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$stats"; }
echo "fuzz $reader: $(field run_time) s, $(field execs_done) executions ($(field execs_per_sec)/s), corpus $(field corpus_count), crashes $(field saved_crashes), hangs $(field saved_hangs)"
ls "$work/findings/default/crashes" "$work/findings/default/hangs" 2>/dev/null | grep -v README || true
