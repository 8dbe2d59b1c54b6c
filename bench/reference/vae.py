#!/usr/bin/python3
"""pytorch/examples' vae as examples/Vae runs it, in PyTorch, for a side-by-side run on the same machine.

Fashion-MNIST from Debian's dataset-fashion-mnist, pixels in [0, 1] (ToTensor); the same model, the same initial
weights (torch.manual_seed(seed) before building it); the training order NeuralCore's seeded shuffle makes (epoch e,
counted from 0, permutes with torch.randperm(n, generator=torch.Generator().manual_seed(seed + e))); the same draws
from the global generator (the reparameterisation noise, then 64 prior samples after each epoch). Prints the
example's loss lines:
    /usr/bin/python3 bench/reference/vae.py --epochs 2
"""
import argparse
import os
import time

import torch
from torch import nn, optim
from torch.nn import functional as F

from idx import read_idx


class VAE(nn.Module):
    def __init__(self):
        super(VAE, self).__init__()
        self.fc1 = nn.Linear(784, 400)
        self.fc21 = nn.Linear(400, 20)
        self.fc22 = nn.Linear(400, 20)
        self.fc3 = nn.Linear(20, 400)
        self.fc4 = nn.Linear(400, 784)

    def encode(self, x):
        h1 = F.relu(self.fc1(x))
        return self.fc21(h1), self.fc22(h1)

    def reparameterize(self, mu, logvar):
        std = torch.exp(0.5 * logvar)
        eps = torch.randn_like(std)
        return mu + eps * std

    def decode(self, z):
        h3 = F.relu(self.fc3(z))
        return torch.sigmoid(self.fc4(h3))

    def forward(self, x):
        mu, logvar = self.encode(x.view(-1, 784))
        z = self.reparameterize(mu, logvar)
        return self.decode(z), mu, logvar


def loss_function(recon_x, x, mu, logvar):
    bce = F.binary_cross_entropy(recon_x, x.view(-1, 784), reduction="sum")
    kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return bce + kld


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--log-interval", type=int, default=10)
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    train_images = read_idx(os.path.join(args.data, "train-images-idx3-ubyte.gz")).float().div(255).unsqueeze(1)
    test_images = read_idx(os.path.join(args.data, "t10k-images-idx3-ubyte.gz")).float().div(255).unsqueeze(1)
    model = VAE()
    optimizer = optim.Adam(model.parameters(), lr=1e-3)
    n, batches = len(train_images), (len(train_images) + args.batch_size - 1) // args.batch_size
    for epoch in range(1, args.epochs + 1):
        model.train()
        train_loss, start = 0.0, time.perf_counter()
        order = torch.randperm(n, generator=torch.Generator().manual_seed(args.seed + epoch - 1))
        for batch_idx in range(batches):
            data = train_images[order[batch_idx * args.batch_size:(batch_idx + 1) * args.batch_size]]
            optimizer.zero_grad()
            recon_batch, mu, logvar = model(data)
            loss = loss_function(recon_batch, data, mu, logvar)
            loss.backward()
            train_loss += loss.item()
            optimizer.step()
            if batch_idx % args.log_interval == 0:
                print(f"Train Epoch: {epoch} [{batch_idx * len(data)}/{n} ({100.0 * batch_idx / batches:.0f}%)]\tLoss: {loss.item() / len(data):.6f}")
        print(f"====> Epoch: {epoch} Average loss: {train_loss / n:.4f} ({time.perf_counter() - start:.1f} s)")
        model.eval()
        test_loss = 0.0
        with torch.no_grad():
            for i in range(0, len(test_images), args.batch_size):
                data = test_images[i:i + args.batch_size]
                recon_batch, mu, logvar = model(data)
                test_loss += loss_function(recon_batch, data, mu, logvar).item()
        print(f"====> Test set loss: {test_loss / len(test_images):.4f}")
        with torch.no_grad():
            model.decode(torch.randn(64, 20))


if __name__ == "__main__":
    main()
