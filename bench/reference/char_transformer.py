#!/usr/bin/python3
"""examples/CharTransformer in PyTorch, for side-by-side comparison with NeuralCore on the same machine.

The same text (the King James Bible rendered by bible-kjv's `bible` program, or --text FILE), vocabulary and
windows; the same model built in the same order after torch.manual_seed(seed), so the initial weights agree; the
same batch order (epoch e uses torch.randperm(n, generator=torch.Generator().manual_seed(seed + e))) and AdamW.
Dropout draws from the global generator in the same order, and generating text between epochs leaves that
generator as it was, so nothing here needs to sample. Prints one JSON line per epoch. Run with /usr/bin/python3:
    /usr/bin/python3 bench/reference/char_transformer.py --epochs 3
"""
import argparse
import json
import math
import os
import subprocess
import time

import torch
import torch.nn as nn


def load_text(path):
    if path:
        with open(path, encoding="utf-8") as f:
            return f.read()
    return subprocess.run(["bible", "-p", "/usr/lib", "gen1:1-rev22:21"], check=True, capture_output=True, text=True).stdout


def windows(codes, context):
    count = (len(codes) - 1) // context
    inputs = torch.stack([codes[w * context:w * context + context] for w in range(count)])
    targets = torch.stack([codes[w * context + 1:w * context + context + 1] for w in range(count)])
    return inputs, targets


class CharTransformer(nn.Module):
    def __init__(self, vocabulary, context, d_model=128, heads=4, layers=2, dropout=0.1):
        super().__init__()
        self.tokens = nn.Embedding(vocabulary, d_model)
        self.positions = nn.Embedding(context, d_model)
        self.dropout = nn.Dropout(dropout)
        self.blocks = nn.TransformerEncoder(nn.TransformerEncoderLayer(d_model, heads, 4 * d_model, dropout, "gelu", batch_first=True,
                                                                       norm_first=True), layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, vocabulary)

    def forward(self, x):
        length = x.size(1)
        mask = torch.triu(torch.full((length, length), float("-inf")), diagonal=1)
        x = self.dropout(self.tokens(x) + self.positions(torch.arange(length)))
        x = self.blocks(x, mask)
        return self.head(self.norm(x)).reshape(-1, self.head.out_features)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--context", type=int, default=128)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--text", default=None)
    parser.add_argument("--max-steps", type=int, default=None)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    text = load_text(args.text)
    vocabulary = sorted(set(text))
    index = {c: i for i, c in enumerate(vocabulary)}
    codes = torch.tensor([index[c] for c in text], dtype=torch.int64)
    cut = len(codes) * 9 // 10
    train_inputs, train_targets = windows(codes[:cut], args.context)
    test_inputs, test_targets = windows(codes[cut:], args.context)

    torch.manual_seed(args.seed)
    model = CharTransformer(len(vocabulary), args.context)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    criterion = nn.CrossEntropyLoss()
    n = train_inputs.shape[0]
    for epoch in range(args.epochs):
        model.train()
        order = torch.randperm(n, generator=torch.Generator().manual_seed(args.seed + epoch))
        start = time.perf_counter()
        total, samples = 0.0, 0
        for step, first in enumerate(range(0, n, args.batch_size)):
            if args.max_steps is not None and step >= args.max_steps:
                break
            batch = order[first:first + args.batch_size]
            inputs, targets = train_inputs.index_select(0, batch), train_targets.index_select(0, batch)
            optimizer.zero_grad()
            loss = criterion(model(inputs), targets.reshape(-1))
            loss.backward()
            optimizer.step()
            total += loss.item() * inputs.shape[0]
            samples += inputs.shape[0]
        seconds = time.perf_counter() - start
        model.eval()
        test_loss, correct, count = 0.0, 0, 0
        with torch.no_grad():
            for first in range(0, test_inputs.shape[0], args.batch_size):
                inputs, targets = test_inputs[first:first + args.batch_size], test_targets[first:first + args.batch_size].reshape(-1)
                output = model(inputs)
                test_loss += criterion(output, targets).item() * inputs.shape[0]
                correct += (output.argmax(1) == targets).sum().item()
                count += targets.numel()
        test_loss /= test_inputs.shape[0]
        print(json.dumps({"framework": "pytorch", "epoch": epoch + 1, "train_loss": total / samples, "test_loss": test_loss,
                          "perplexity": math.exp(test_loss), "test_accuracy": correct / count, "epoch_seconds": seconds,
                          "samples_per_second": samples / seconds}), flush=True)


if __name__ == "__main__":
    main()
