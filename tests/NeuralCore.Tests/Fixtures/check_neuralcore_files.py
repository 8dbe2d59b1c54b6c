#!/usr/bin/python3
"""Live half of the interop round trip: loads files NeuralCore wrote and prints what PyTorch computes with them.

    check_neuralcore_files.py cnn STATE.pt IMAGES.pt    prints the examples' CNN output on the images, as JSON
    check_neuralcore_files.py rnn STATE.pt IMAGES.pt    the same for the RNN
    check_neuralcore_files.py safetensors FILE          prints every tensor, read per the format's specification
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
