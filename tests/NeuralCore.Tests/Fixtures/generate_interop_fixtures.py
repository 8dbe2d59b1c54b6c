#!/usr/bin/python3
"""Files made by PyTorch for the interop tests (Debian's python3-torch): state dicts saved with torch.save, a
TorchScript module made with torch.jit.script and one with torch.jit.trace, a safetensors file written to the
format's specification, and the outputs PyTorch computes with them (interop_golden.json).
Run with /usr/bin/python3 from this folder; the tests read only the files it writes.
"""
import json
import os
import struct
import sys
from typing import List, Tuple

import torch
import torch.nn as nn

# The examples' models: beside this script in the test output, or in bench/reference in the repository.
sys.path[:0] = [os.path.dirname(os.path.abspath(__file__)), os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "bench", "reference")]
from fashion_mnist import Cnn, Rnn  # noqa: E402  the examples' models
from golden_pack import pack  # noqa: E402

here = os.path.dirname(os.path.abspath(__file__))
interop = os.path.join(here, "interop")
os.makedirs(interop, exist_ok=True)


class Calculator(nn.Module):
    """Methods with the argument and result kinds ScriptModule.Invoke supports."""

    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(3, 2)

    def forward(self, x):
        return self.linear(x).relu()

    @torch.jit.export
    def pair(self, x: torch.Tensor, y: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        return x + y, x * y

    @torch.jit.export
    def scale_all(self, xs: List[torch.Tensor], factor: float) -> List[torch.Tensor]:
        return [x * factor for x in xs]

    @torch.jit.export
    def count(self, n: int, flag: bool) -> int:
        return n * 2 if flag else n

    @torch.jit.export
    def describe(self, name: str) -> str:
        return "hello " + name


golden = {}
torch.manual_seed(1)
cnn = Cnn().eval()
rnn = Rnn(28, 128, 2, 10).eval()
images = torch.randn(4, 1, 28, 28, generator=torch.Generator().manual_seed(2))
golden["images"] = pack(images)
with torch.no_grad():
    golden["cnn_output"] = pack(cnn(images))
    golden["rnn_output"] = pack(rnn(images.view(-1, 28, 28)))
torch.save(cnn.state_dict(), os.path.join(interop, "python_cnn_state.pt"))
torch.save(rnn.state_dict(), os.path.join(interop, "python_rnn_state.pt"))

torch.jit.script(rnn).save(os.path.join(interop, "scripted_rnn.pt"))
torch.jit.trace(cnn, images).save(os.path.join(interop, "traced_cnn.pt"))

calculator = torch.jit.script(Calculator().eval())
calculator.save(os.path.join(interop, "scripted_calculator.pt"))
x = torch.tensor([[1.0, -2.0, 3.0]])
y = torch.tensor([[0.5, 0.5, 2.0]])
golden["calculator_x"] = pack(x)
golden["calculator_y"] = pack(y)
with torch.no_grad():
    golden["calculator_forward"] = pack(calculator(x))
    golden["calculator_sum"], golden["calculator_product"] = (pack(t) for t in calculator.pair(x, y))
golden["calculator_parameters"] = [name for name, _ in calculator.named_parameters()]
# A small torch.save checkpoint (with a shared storage and a view): the seed of the checkpoint reader's fuzzing.
small = {"linear.weight": calculator.linear.weight.detach().clone(), "linear.bias": calculator.linear.bias.detach().clone()}
small["linear.weight_t"] = small["linear.weight"].t()
torch.save(small, os.path.join(interop, "small_state.pt"))

# safetensors, written as the specification describes: u64 header length, JSON header, data.
tensors = {
    "weights.f32": torch.tensor([[1.5, -2.0], [0.25, 8.0]]),
    "weights.f64": torch.tensor([1e-300, -3.5], dtype=torch.float64),
    "ids.i64": torch.tensor([1, -2, 3], dtype=torch.int64),
    "mask.bool": torch.tensor([True, False]),
    "half.f16": torch.tensor([0.5, -1.25], dtype=torch.float16),
    "bytes.u8": torch.tensor([0, 255], dtype=torch.uint8),
}
codes = {torch.float32: "F32", torch.float64: "F64", torch.int64: "I64", torch.bool: "BOOL", torch.float16: "F16", torch.uint8: "U8"}
header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
for name, tensor in tensors.items():
    blob = tensor.contiguous().numpy().tobytes()
    header[name] = {"dtype": codes[tensor.dtype], "shape": list(tensor.shape), "data_offsets": [offset, offset + len(blob)]}
    offset += len(blob)
    blobs.append(blob)
encoded = json.dumps(header).encode()
encoded += b" " * ((8 - len(encoded) % 8) % 8)
with open(os.path.join(interop, "python.safetensors"), "wb") as f:
    f.write(struct.pack("<Q", len(encoded)))
    f.write(encoded)
    for blob in blobs:
        f.write(blob)
golden["safetensors"] = {name: pack(t) for name, t in tensors.items()}

with open(os.path.join(here, "interop_golden.json"), "w") as f:
    json.dump(golden, f)
print("wrote", sorted(os.listdir(interop)))
