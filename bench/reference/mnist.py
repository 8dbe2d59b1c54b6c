#!/usr/bin/python3
"""pytorch/examples' mnist as examples/Mnist runs it on Fashion-MNIST, in PyTorch, for a side-by-side run.

The same Net, seed, Adadelta and StepLR; images scaled to [0, 1] and normalised with Fashion-MNIST's mean and std; the
training order NeuralCore's seeded shuffle makes (epoch e, counted from 1, permutes with torch.randperm(n,
generator=torch.Generator().manual_seed(seed + e - 1))); dropout draws from the global generator in the same order.
Prints the example's lines:
    /usr/bin/python3 bench/reference/mnist.py --epochs 1 --max-steps 200
"""
import argparse
import os
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.optim.lr_scheduler import StepLR

from idx import read_idx


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, 1)
        self.conv2 = nn.Conv2d(32, 64, 3, 1)
        self.dropout1 = nn.Dropout(0.25)
        self.dropout2 = nn.Dropout(0.5)
        self.fc1 = nn.Linear(9216, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        x = self.dropout1(F.max_pool2d(x, 2))
        x = self.dropout2(F.relu(self.fc1(torch.flatten(x, 1))))
        return F.log_softmax(self.fc2(x), dim=1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--test-batch-size", type=int, default=1000)
    parser.add_argument("--epochs", type=int, default=14)
    parser.add_argument("--lr", type=float, default=1.0)
    parser.add_argument("--gamma", type=float, default=0.7)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--log-interval", type=int, default=10)
    parser.add_argument("--max-steps", type=int, default=None)
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    mean, std = 0.2860, 0.3530

    def load(prefix):
        images = read_idx(os.path.join(args.data, f"{prefix}-images-idx3-ubyte.gz")).float().div(255).unsqueeze(1)
        return (images - mean) / std, read_idx(os.path.join(args.data, f"{prefix}-labels-idx1-ubyte.gz")).long()
    train_images, train_labels = load("train")
    test_images, test_labels = load("t10k")
    model = Net()
    optimizer = optim.Adadelta(model.parameters(), lr=args.lr)
    scheduler = StepLR(optimizer, step_size=1, gamma=args.gamma)
    n = len(train_images)
    batches = (n + args.batch_size - 1) // args.batch_size
    for epoch in range(1, args.epochs + 1):
        model.train()
        start = time.perf_counter()
        order = torch.randperm(n, generator=torch.Generator().manual_seed(args.seed + epoch - 1))
        for batch_idx in range(batches if args.max_steps is None else min(batches, args.max_steps)):
            positions = order[batch_idx * args.batch_size:(batch_idx + 1) * args.batch_size]
            data, target = train_images[positions], train_labels[positions]
            optimizer.zero_grad()
            loss = F.nll_loss(model(data), target)
            loss.backward()
            optimizer.step()
            if batch_idx % args.log_interval == 0:
                print(f"Train Epoch: {epoch} [{batch_idx * len(data)}/{n} ({100.0 * batch_idx / batches:.0f}%)]\tLoss: {loss.item():.6f}")
        train_seconds = time.perf_counter() - start
        model.eval()
        test_loss, correct = 0.0, 0
        with torch.no_grad():
            for i in range(0, len(test_images), args.test_batch_size):
                output = model(test_images[i:i + args.test_batch_size])
                target = test_labels[i:i + args.test_batch_size]
                test_loss += F.nll_loss(output, target, reduction="sum").item()
                correct += output.argmax(dim=1, keepdim=True).eq(target.view(-1, 1)).sum().item()
        test_loss /= len(test_images)
        print(f"\nTest set: Average loss: {test_loss:.4f}, Accuracy: {correct}/{len(test_images)} ({100.0 * correct / len(test_images):.0f}%)\n")
        print(f"(training {train_seconds:.1f} s)")
        scheduler.step()


if __name__ == "__main__":
    main()
