#!/usr/bin/python3
"""pytorch/examples' time_sequence_prediction (train.py with generate_sine_wave.py) with the waves' shifts drawn by
torch.randint from seed 2, as examples/TimeSequencePrediction draws them: from the same seed both start from the same
weights and print the same losses.

    time_sequence_prediction.py [--steps 15] [--smoke]
"""
import argparse
import time

import torch
import torch.nn as nn
import torch.optim as optim


class Sequence(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm1 = nn.LSTMCell(1, 51)
        self.lstm2 = nn.LSTMCell(51, 51)
        self.linear = nn.Linear(51, 1)

    def forward(self, input, future=0):
        outputs = []
        h_t = torch.zeros(input.size(0), 51, dtype=torch.double)
        c_t = torch.zeros(input.size(0), 51, dtype=torch.double)
        h_t2 = torch.zeros(input.size(0), 51, dtype=torch.double)
        c_t2 = torch.zeros(input.size(0), 51, dtype=torch.double)
        for input_t in input.split(1, dim=1):
            h_t, c_t = self.lstm1(input_t, (h_t, c_t))
            h_t2, c_t2 = self.lstm2(h_t, (h_t2, c_t2))
            output = self.linear(h_t2)
            outputs += [output]
        for _ in range(future):
            h_t, c_t = self.lstm1(output, (h_t, c_t))
            h_t2, c_t2 = self.lstm2(h_t, (h_t2, c_t2))
            output = self.linear(h_t2)
            outputs += [output]
        return torch.cat(outputs, dim=1)


parser = argparse.ArgumentParser()
parser.add_argument("--steps", type=int, default=15)
parser.add_argument("--smoke", action="store_true")
opt = parser.parse_args()
torch.set_num_threads(2)

T, N = 20, 100
L = 100 if opt.smoke else 1000
torch.manual_seed(2)
shifts = torch.randint(-4 * T, 4 * T, (N,)).view(N, 1)
data = ((torch.arange(L).view(1, L) + shifts).double() / T).sin()

torch.manual_seed(0)
input, target = data[3:, :-1], data[3:, 1:]
test_input, test_target = data[:3, :-1], data[:3, 1:]
seq = Sequence()
seq.double()
criterion = nn.MSELoss()
optimizer = optim.LBFGS(seq.parameters(), lr=0.8, max_iter=2 if opt.smoke else 20)
future = 10 if opt.smoke else 1000
for i in range(1 if opt.smoke else opt.steps):
    print("STEP: ", i)
    start = time.perf_counter()

    def closure():
        optimizer.zero_grad()
        out = seq(input)
        loss = criterion(out, target)
        print("loss:", loss.item())
        loss.backward()
        return loss
    optimizer.step(closure)
    with torch.no_grad():
        pred = seq(test_input, future=future)
        loss = criterion(pred[:, :-future], test_target)
        print(f"test loss: {loss.item()} ({time.perf_counter() - start:.1f} s)")
