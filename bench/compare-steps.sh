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

for model in cnn rnn; do
  dotnet build -c Release "$root/examples/${model^}" -v quiet -nologo >/dev/null
  dotnet "$root/examples/${model^}/bin/Release/net10.0/${model^}.dll" --epochs 1 --seed 0 --output "$out/epoch-$model" >/dev/null
  /usr/bin/python3 "$root/bench/reference/fashion_mnist.py" --model "$model" --epochs 1 --seed 0 --threads 2 > "$out/epoch-pytorch-$model.jsonl"
done

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
    # A "_naive" case (no scope, nothing disposed) is NeuralCore's alone; the peers run the same step as the plain case.
    peers = rows[case.removesuffix("_naive")]
    n, u, p, c = r["neuralcore"], r["neuralcore-untuned"], peers["pytorch"], peers["cpp"]
    print(f"| {case} | {n:.1f} | {p:.1f} | {c:.1f} | {n / p:.3f} | {n / c:.3f} | {u / p:.3f} | {u / c:.3f} |")
for model in ("cnn", "rnn"):
    ours = json.load(open(f"{out}/epoch-{model}/{model}-results.json"))[-1]
    theirs = [json.loads(line) for line in open(f"{out}/epoch-pytorch-{model}.jsonl")][-1]
    n, p = ours["epoch_seconds"] * 1e6, theirs["epoch_seconds"] * 1e6
    print(f"| fashion_mnist_{model}_epoch (test accuracy {ours['test_accuracy']:.2%} vs {theirs['test_accuracy']:.2%}) "
          f"| {n:.0f} | {p:.0f} | — | {n / p:.3f} | — | — | — |")
PY
