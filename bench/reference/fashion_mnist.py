#!/usr/bin/python3
"""The examples' training recipes in PyTorch, for side-by-side comparison with NeuralCore on the same machine.

Same models, same initial weights (torch.manual_seed before building the model), same data order (epoch e uses
torch.randperm(n, generator=torch.Generator().manual_seed(seed + e)), as NeuralCore's DataLoader does), same
normalisation. Prints one JSON line per epoch. Run with Debian's /usr/bin/python3:
    /usr/bin/python3 bench/reference/fashion_mnist.py --model cnn --epochs 2 --lr 0.01
"""
import argparse
import json
import os
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

from idx import read_idx

MEAN, STD = 0.2860, 0.3530


def load(directory, train):
    prefix = "train" if train else "t10k"
    def find(name):
        for candidate in (name + ".gz", name):
            if os.path.exists(os.path.join(directory, candidate)):
                return os.path.join(directory, candidate)
        raise FileNotFoundError(os.path.join(directory, name))
    images = read_idx(find(f"{prefix}-images-idx3-ubyte")).float().div(255.0).view(-1, 1, 28, 28)
    images = ((images - MEAN) / STD).contiguous()
    labels = read_idx(find(f"{prefix}-labels-idx1-ubyte")).long()
    return images, labels


class Cnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(32, 64, kernel_size=3, padding=1)
        self.pool = nn.MaxPool2d(kernel_size=2, stride=2)
        self.fc1 = nn.Linear(64 * 7 * 7, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = x.view(-1, 64 * 7 * 7)
        x = F.relu(self.fc1(x))
        return self.fc2(x)


class Rnn(nn.Module):
    def __init__(self, input_size, hidden_size, num_layers, num_classes):
        super().__init__()
        self.lstm = nn.LSTM(input_size, hidden_size, num_layers, batch_first=True)
        self.fc = nn.Linear(hidden_size, num_classes)

    def forward(self, x):
        output, _ = self.lstm(x)
        return self.fc(output[:, -1, :])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", choices=["cnn", "rnn"], required=True)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--max-steps", type=int, default=None)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    torch.manual_seed(args.seed)
    train_images, train_labels = load(args.data, True)
    test_images, test_labels = load(args.data, False)
    if args.model == "cnn":
        model = Cnn()
        optimizer = torch.optim.SGD(model.parameters(), lr=args.lr or 0.01, momentum=0.9)
        prepare = lambda x: x
    else:
        model = Rnn(28, 128, 2, 10)
        optimizer = torch.optim.Adam(model.parameters(), lr=args.lr or 0.001)
        prepare = lambda x: x.view(-1, 28, 28)
    criterion = nn.CrossEntropyLoss()

    n = train_images.shape[0]
    for epoch in range(args.epochs):
        model.train()
        order = torch.randperm(n, generator=torch.Generator().manual_seed(args.seed + epoch))
        start = time.perf_counter()
        total, samples = 0.0, 0
        for step, first in enumerate(range(0, n, args.batch_size)):
            if args.max_steps is not None and step >= args.max_steps:
                break
            index = order[first:first + args.batch_size]
            inputs, labels = train_images.index_select(0, index), train_labels.index_select(0, index)
            loss = criterion(model(prepare(inputs)), labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * inputs.shape[0]
            samples += inputs.shape[0]
        seconds = time.perf_counter() - start
        model.eval()
        correct, test_loss = 0, 0.0
        with torch.no_grad():
            for first in range(0, test_images.shape[0], 1000):
                inputs, labels = test_images[first:first + 1000], test_labels[first:first + 1000]
                output = model(prepare(inputs))
                test_loss += criterion(output, labels).item() * inputs.shape[0]
                correct += (output.argmax(1) == labels).sum().item()
        print(json.dumps({"framework": "pytorch", "model": args.model, "seed": args.seed, "epoch": epoch + 1,
                          "train_loss": total / samples, "test_loss": test_loss / test_images.shape[0],
                          "test_accuracy": correct / test_images.shape[0], "epoch_seconds": seconds,
                          "samples_per_second": samples / seconds}), flush=True)


if __name__ == "__main__":
    main()
