#!/usr/bin/env bash
# Runs the benchmark cases in NeuralCore, PyTorch (Debian's python3-torch) and C++ libtorch, built against the same
# libtorch, one after the other on this machine, and prints a table with both ratios.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/artifacts/bench"
mkdir -p "$out"
cmake -S "$root/bench/cpp" -B "$out/cpp" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$out/cpp" -j2 >/dev/null
dotnet build -c Release "$root/bench/NeuralCore.Benchmarks" -v quiet -nologo >/dev/null

dotnet "$root/bench/NeuralCore.Benchmarks/bin/Release/net10.0/NeuralCore.Benchmarks.dll" --compare > "$out/neuralcore.jsonl"
# The same with glibc's default malloc settings, as PyTorch and the C++ program run.
NEURALCORE_TUNE_MALLOC=0 dotnet "$root/bench/NeuralCore.Benchmarks/bin/Release/net10.0/NeuralCore.Benchmarks.dll" --compare > "$out/neuralcore-untuned.jsonl"
/usr/bin/python3 "$root/bench/reference/steps.py" > "$out/pytorch.jsonl"
"$out/cpp/steps" > "$out/cpp.jsonl"

/usr/bin/python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
rows = {}
for framework in ("neuralcore", "neuralcore-untuned", "pytorch", "cpp"):
    for line in open(f"{out}/{framework}.jsonl"):
        entry = json.loads(line)
        rows.setdefault(entry["case"], {})[framework] = entry["microseconds"]
print("| case | NeuralCore µs | PyTorch µs | C++ µs | NeuralCore / PyTorch | NeuralCore / C++ | same, glibc malloc defaults: / PyTorch | / C++ |")
print("|---|---|---|---|---|---|---|---|")
for case, r in rows.items():
    n, u, p, c = r["neuralcore"], r["neuralcore-untuned"], r["pytorch"], r["cpp"]
    print(f"| {case} | {n:.1f} | {p:.1f} | {c:.1f} | {n / p:.3f} | {n / c:.3f} | {u / p:.3f} | {u / c:.3f} |")
PY
