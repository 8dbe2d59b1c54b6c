#!/usr/bin/python3
"""Live half of the interop round trip: loads files NeuralCore wrote and prints what PyTorch computes with them.

    check_neuralcore_files.py cnn STATE.pt IMAGES.pt    prints the examples' CNN output on the images, as JSON
    check_neuralcore_files.py rnn STATE.pt IMAGES.pt    the same for the RNN
    check_neuralcore_files.py safetensors FILE          prints every tensor, read per the format's specification
    check_neuralcore_files.py object FILE               torch.load(FILE, weights_only=True), described as JSON
    check_neuralcore_files.py save-object FILE          torch.save()s a checkpoint-like object and prints its description
"""
import json
import os
import struct
import sys

import torch

# The examples' models: beside this script in the test output, or in bench/reference in the repository.
sys.path[:0] = [os.path.dirname(os.path.abspath(__file__)), os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "bench", "reference")]
from fashion_mnist import Cnn, Rnn  # noqa: E402


def values(t):
    return t.detach().double().flatten().tolist()


kind = sys.argv[1]
if kind in ("cnn", "rnn"):
    model = Cnn() if kind == "cnn" else Rnn(28, 128, 2, 10)
    state = torch.load(sys.argv[2])
    model.load_state_dict(state)  # strict: names and shapes must match PyTorch's
    images = torch.load(sys.argv[3])["images"]
    with torch.no_grad():
        output = model.eval()(images if kind == "cnn" else images.view(-1, 28, 28))
    print(json.dumps({"keys": list(state.keys()), "output": values(output)}))
elif kind == "safetensors":
    dtypes = {"F32": torch.float32, "F64": torch.float64, "I64": torch.int64, "BOOL": torch.bool, "F16": torch.float16,
              "BF16": torch.bfloat16, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8}
    with open(sys.argv[2], "rb") as f:
        content = f.read()
    (length,) = struct.unpack("<Q", content[:8])
    header = json.loads(content[8:8 + length])
    data = content[8 + length:]
    result = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        tensor = torch.frombuffer(bytearray(data[begin:end]), dtype=dtypes[entry["dtype"]]).reshape(entry["shape"])
        result[name] = {"dtype": entry["dtype"], "shape": entry["shape"], "data": values(tensor)}
    print(json.dumps(result))
elif kind in ("object", "save-object"):
    from collections import OrderedDict

    def describe(value):
        """A JSON form that keeps what the .NET side must reproduce: container kinds, key types, tensor dtype and values."""
        if value is None or isinstance(value, (bool, str)):
            return value
        if isinstance(value, int):
            return {"int": value}
        if isinstance(value, float):
            return {"float": value}
        if isinstance(value, torch.Tensor):
            return {"tensor": str(value.dtype).replace("torch.", ""), "shape": list(value.shape), "values": values(value)}
        if isinstance(value, dict):
            return {"dict": [[describe(k), describe(v)] for k, v in value.items()]}
        if isinstance(value, tuple):
            return {"tuple": [describe(v) for v in value]}
        if isinstance(value, list):
            return {"list": [describe(v) for v in value]}
        raise TypeError(type(value))

    if kind == "object":
        try:
            loaded, weights_only = torch.load(sys.argv[2], weights_only=True), True
        except Exception as error:  # noqa: BLE001
            # python3-torch 1.13's weights-only unpickler lacks BINFLOAT (opcode 71), which Python's own pickler writes
            # for every float too; only that gap falls back to the full unpickler.
            if "Unsupported operand 71" not in str(error):
                raise
            loaded, weights_only = torch.load(sys.argv[2]), False
        print(json.dumps({"weights_only": weights_only, "object": describe(loaded)}))
    else:
        torch.manual_seed(0)
        base = torch.arange(6, dtype=torch.float32)
        checkpoint = {
            "epoch": 7, "lr": 0.125, "name": "κ-run", "flags": (True, False, None), 3: "int key", "big": 2 ** 40, "neg": -5,
            "model": torch.nn.Linear(3, 2).state_dict(), "history": [1.5, 2.5], "empty": {}, "ints": torch.tensor([1, -2, 3]),
            "half": torch.ones(2, dtype=torch.float16), "whole": base, "tail": base[2:].view(2, 2),
        }
        torch.save(checkpoint, sys.argv[2])
        print(json.dumps(describe(checkpoint)))
elif kind in ("optimizer-start", "optimizer-continue"):
    # optimizer-start KIND FILE: trains a Linear(4, 3) 3 steps, saves model, optimizer, data and target, goes on 3 steps.
    # optimizer-continue KIND FILE: loads such a file (written by NeuralCore) and goes on 3 steps.
    # Both print the parameters after the last step.
    optimizers = {
        "sgd": lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01),
        "adam": lambda p: torch.optim.Adam(p, lr=0.01, betas=(0.8, 0.99), weight_decay=0.01, amsgrad=True),
        "adamw": lambda p: torch.optim.AdamW(p, lr=0.01),
        "rmsprop": lambda p: torch.optim.RMSprop(p, lr=0.01, momentum=0.5, centered=True),
        "adagrad": lambda p: torch.optim.Adagrad(p, lr=0.1, lr_decay=0.01),
        "adadelta": lambda p: torch.optim.Adadelta(p, lr=1.0, rho=0.9, weight_decay=0.01),
        "adamax": lambda p: torch.optim.Adamax(p, lr=0.05, betas=(0.8, 0.99)),
        "radam": lambda p: torch.optim.RAdam(p, lr=0.01),
        "rprop": lambda p: torch.optim.Rprop(p, lr=0.05),
        "asgd": lambda p: torch.optim.ASGD(p, lr=0.05, lambd=0.01, alpha=0.75, t0=3, weight_decay=0.01),
    }
    name, path = sys.argv[2], sys.argv[3]
    torch.manual_seed(1)
    model = torch.nn.Linear(4, 3)

    def train(optimizer, data, target, steps):
        for _ in range(steps):
            optimizer.zero_grad()
            ((model(data) - target) ** 2).mean().backward()
            optimizer.step()

    if kind == "optimizer-start":
        optimizer = optimizers[name](model.parameters())
        data, target = torch.randn(8, 4), torch.randn(8, 3)
        train(optimizer, data, target, 3)
        torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "data": data, "target": target}, path)
    else:
        checkpoint = torch.load(path)
        model.load_state_dict(checkpoint["model"])
        optimizer = optimizers[name](model.parameters())
        optimizer.load_state_dict(checkpoint["optimizer"])
        data, target = checkpoint["data"], checkpoint["target"]
    train(optimizer, data, target, 3)
    print(json.dumps({"weight": values(model.weight), "bias": values(model.bias),
                      "lr": optimizer.param_groups[0]["lr"], "state_keys": sorted(optimizer.state[model.weight].keys())}))
