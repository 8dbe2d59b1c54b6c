#!/usr/bin/python3
"""The benchmark cases of bench/NeuralCore.Benchmarks in PyTorch (Debian's python3-torch), with the same timing loop:
warm up, then the median of 7 repetitions of at least 0.3 s. Prints one JSON line per case.

    steps.py [--device cuda] [--amp] [--cases a,b]

--amp runs the forward under autocast (float16 with a GradScaler on CUDA, bfloat16 on the CPU), as the examples do."""
import argparse
import contextlib
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

parser = argparse.ArgumentParser()
parser.add_argument("--device", default="cpu")
parser.add_argument("--amp", action="store_true")
parser.add_argument("--cases", default="cnn_step_b64,lstm_i28_h128_s28_step_b64,lstm_i10_h256_s100_step_b64,mlp_32_64_10_step_b8,"
                    "add_10elem,transformer_d128_h4_l2_s128_step_b32")
arguments = parser.parse_args()
device = torch.device(arguments.device)
torch.set_num_threads(2)


class Cnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 32, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(32, 64, kernel_size=3, padding=1)
        self.pool = nn.MaxPool2d(kernel_size=2, stride=2)
        self.fc1 = nn.Linear(64 * 8 * 8, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = x.view(-1, 64 * 8 * 8)
        return self.fc2(F.relu(self.fc1(x)))


class LstmClassifier(nn.Module):
    def __init__(self, input_size, hidden_size):
        super().__init__()
        self.lstm = nn.LSTM(input_size, hidden_size, num_layers=2, batch_first=True)
        self.fc = nn.Linear(hidden_size, 10)

    def forward(self, x):
        output, _ = self.lstm(x)
        return self.fc(output[:, -1, :])


class TransformerLm(nn.Module):
    """A causal language model over (sequence, batch) character indices: embedding, post-norm encoder layers, read-out."""

    def __init__(self, vocabulary, d_model, heads, layers):
        super().__init__()
        self.embedding = nn.Embedding(vocabulary, d_model)
        self.encoder = nn.TransformerEncoder(nn.TransformerEncoderLayer(d_model, heads, 4 * d_model, 0.1), layers, enable_nested_tensor=False)
        self.head = nn.Linear(d_model, vocabulary)

    def forward(self, x):
        length = x.size(0)
        mask = torch.triu(torch.full((length, length), float("-inf")), diagonal=1)
        return self.head(self.encoder(self.embedding(x), mask)).reshape(-1, self.head.out_features)


def training_step(model, optimizer, inputs, labels):
    criterion = nn.CrossEntropyLoss()
    inputs, labels = inputs.to(device), labels.to(device)
    scaler = None
    if arguments.amp and device.type == "cuda":
        # torch.amp.GradScaler from 2.3 on; torch.cuda.amp's before.
        scaler = torch.amp.GradScaler("cuda") if hasattr(torch.amp, "GradScaler") else torch.cuda.amp.GradScaler()

    def step():
        with torch.autocast(device.type) if arguments.amp else contextlib.nullcontext():
            loss = criterion(model(inputs), labels)
        optimizer.zero_grad(set_to_none=True)
        if scaler is None:
            loss.backward()
            optimizer.step()
        else:
            scaler.scale(loss).backward()
            scaler.step(optimizer)
            scaler.update()
    return step


def create(name):
    torch.manual_seed(0)
    if name == "cnn_step_b64":
        model = Cnn().to(device)
        return training_step(model, torch.optim.SGD(model.parameters(), lr=0.001, momentum=0.9), torch.randn(64, 3, 32, 32), torch.randint(0, 10, (64,)))
    if name.startswith("lstm"):
        input_size, hidden, steps = (28, 128, 28) if name.startswith("lstm_i28") else (10, 256, 100)
        model = LstmClassifier(input_size, hidden).to(device)
        return training_step(model, torch.optim.Adam(model.parameters(), lr=0.001), torch.randn(64, steps, input_size), torch.randint(0, 10, (64,)))
    if name == "mlp_32_64_10_step_b8":
        model = nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Linear(64, 10)).to(device)
        return training_step(model, torch.optim.SGD(model.parameters(), lr=0.01), torch.randn(8, 32), torch.randint(0, 10, (8,)))
    if name == "transformer_d128_h4_l2_s128_step_b32":
        model = TransformerLm(96, 128, 4, 2).to(device)
        return training_step(model, torch.optim.Adam(model.parameters(), lr=0.001), torch.randint(0, 96, (128, 32)), torch.randint(0, 96, (128 * 32,)))
    if name == "add_10elem":
        a, b = torch.randn(10, device=device), torch.randn(10, device=device)
        return lambda: a + b
    raise ValueError(name)


def synchronize():
    # CUDA runs asynchronously: each timed repetition ends when the device has finished its work.
    if device.type == "cuda":
        torch.cuda.synchronize()


def median(step):
    for _ in range(5):
        step()
    synchronize()
    start, calibration = time.perf_counter(), 0
    while time.perf_counter() - start < 0.3:
        step()
        calibration += 1
    synchronize()
    results = []
    for _ in range(7):
        start = time.perf_counter()
        for _ in range(calibration):
            step()
        synchronize()
        results.append((time.perf_counter() - start) * 1e6 / calibration)
    return sorted(results)[3]


for name in arguments.cases.split(","):
    print(json.dumps({"framework": "pytorch", "case": name + "_amp" if arguments.amp else name, "device": str(device),
                      "microseconds": median(create(name))}), flush=True)
