#!/usr/bin/env bash
# Trains each example with NeuralCore and with PyTorch (Debian's python3-torch, the same libtorch) on this machine,
# one after the other, with the same recipe, seeds, initial weights and data order; prints a table of test
# accuracy (held-out loss for the character Transformer) and epoch time. Usage: bench/compare-examples.sh [epochs] [seeds...]   (default: 2 epochs, seed 0)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
epochs="${1:-2}"
shift || true
seeds=("${@:-0}")
out="$root/artifacts/compare"
mkdir -p "$out"
threads="$(nproc)"
for project in Cnn Rnn CharTransformer; do dotnet build -c Release "$root/examples/$project" -v quiet -nologo >/dev/null; done

for model in cnn rnn; do
  project="$root/examples/${model^}"
  for seed in "${seeds[@]}"; do
    dotnet run -c Release --no-build --project "$project" -- --epochs "$epochs" --seed "$seed" --output "$out/neuralcore-$model-$seed" >/dev/null
    /usr/bin/python3 "$root/bench/reference/fashion_mnist.py" --model "$model" --epochs "$epochs" --seed "$seed" --threads "$threads" \
      > "$out/pytorch-$model-$seed.jsonl"
  done
done

for seed in "${seeds[@]}"; do
  dotnet run -c Release --no-build --project "$root/examples/CharTransformer" -- --epochs "$epochs" --seed "$seed" \
    --output "$out/neuralcore-char-transformer-$seed" >/dev/null
  /usr/bin/python3 "$root/bench/reference/char_transformer.py" --epochs "$epochs" --seed "$seed" --threads "$threads" \
    > "$out/pytorch-char-transformer-$seed.jsonl"
done

/usr/bin/python3 - "$out" "$epochs" "${seeds[@]}" <<'PY'
import json, sys
out, epochs, seeds = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
print(f"| model | seed | NeuralCore accuracy | PyTorch accuracy | NeuralCore s/epoch | PyTorch s/epoch | time ratio |")
print(f"|---|---|---|---|---|---|---|")
for model in ("cnn", "rnn"):
    for seed in seeds:
        ours = json.load(open(f"{out}/neuralcore-{model}-{seed}/{model}-results.json"))
        theirs = [json.loads(line) for line in open(f"{out}/pytorch-{model}-{seed}.jsonl")]
        a, b = ours[-1]["test_accuracy"], theirs[-1]["test_accuracy"]
        ta = sum(r["epoch_seconds"] for r in ours) / len(ours)
        tb = sum(r["epoch_seconds"] for r in theirs) / len(theirs)
        print(f"| {model} | {seed} | {a:.2%} | {b:.2%} | {ta:.1f} | {tb:.1f} | {ta / tb:.3f} |")
print()
print(f"| model | seed | NeuralCore held-out loss | PyTorch held-out loss | NeuralCore s/epoch | PyTorch s/epoch | time ratio |")
print(f"|---|---|---|---|---|---|---|")
for seed in seeds:
    ours = json.load(open(f"{out}/neuralcore-char-transformer-{seed}/char-transformer-results.json"))
    theirs = [json.loads(line) for line in open(f"{out}/pytorch-char-transformer-{seed}.jsonl")]
    ta = sum(r["epoch_seconds"] for r in ours) / len(ours)
    tb = sum(r["epoch_seconds"] for r in theirs) / len(theirs)
    print(f"| char-transformer | {seed} | {ours[-1]['test_loss']:.4f} | {theirs[-1]['test_loss']:.4f} | {ta:.1f} | {tb:.1f} | {ta / tb:.3f} |")
PY
