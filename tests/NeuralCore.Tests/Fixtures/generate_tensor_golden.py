#!/usr/bin/python3
"""Golden values for the tensor and autograd tests, from Debian's python3-torch (the same libtorch build).

Run with /usr/bin/python3 from this folder; it rewrites tensor_golden.json. The tests read only the JSON.
"""
import json
import os

import torch
from golden_pack import pack

torch.set_printoptions(profile="default")


a = torch.tensor([[0.5, -1.25, 2.0, 3.5], [-0.75, 1.5, -2.25, 0.125], [1.0, -0.5, 0.25, -3.0]])
b = torch.tensor([[1.5, 0.25, -0.5, 2.0]])
pos = torch.tensor([[0.5, 1.25, 2.0, 3.5], [0.75, 1.5, 2.25, 0.125], [1.0, 0.5, 0.25, 3.0]])
unit = torch.tensor([-0.9, -0.5, 0.0, 0.3, 0.75, 0.99])
m1 = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
m2 = torch.tensor([[0.5, -1.0], [1.5, 2.0], [-0.25, 0.75]])
ints = torch.tensor([[7, -3, 4], [-8, 5, 9]])
batch1 = torch.arange(24, dtype=torch.float32).reshape(2, 3, 4) / 10
batch2 = torch.arange(16, dtype=torch.float32).reshape(2, 4, 2) / 7
index = torch.tensor([[0, 2, 1, 0], [1, 0, 2, 2]])

inputs = {"a": a, "b": b, "pos": pos, "unit": unit, "m1": m1, "m2": m2, "ints": ints,
          "batch1": batch1, "batch2": batch2, "index": index}

cases = {
    # elementwise, one input
    "neg": -a, "abs": a.abs(), "exp": a.exp(), "log": pos.log(), "log2": pos.log2(), "log10": pos.log10(),
    "log1p": pos.log1p(), "expm1": a.expm1(), "sqrt": pos.sqrt(), "rsqrt": pos.rsqrt(), "sin": a.sin(),
    "cos": a.cos(), "tan": unit.tan(), "asin": unit.asin(), "acos": unit.acos(), "atan": a.atan(),
    "sinh": a.sinh(), "cosh": a.cosh(), "tanh": a.tanh(), "sigmoid": a.sigmoid(), "relu": a.relu(),
    "floor": a.floor(), "ceil": a.ceil(), "round": a.round(), "trunc": a.trunc(), "frac": a.frac(),
    "sign": a.sign(), "reciprocal": pos.reciprocal(), "square": a.square(), "erf": a.erf(),
    # elementwise, two inputs, broadcasting
    "add": a + b, "sub": a - b, "mul": a * b, "div": a / b, "pow": pos.pow(b), "remainder": a.remainder(b),
    "maximum": torch.maximum(a, b), "minimum": torch.minimum(a, b), "atan2": torch.atan2(a, b),
    "add_scalar": a + 2.5, "rsub_scalar": 2.5 - a, "mul_scalar": a * -3, "div_scalar": a / 4,
    "rdiv_scalar": 2 / pos, "pow_scalar": a.pow(2), "rpow_scalar": torch.pow(2, a),
    "int_add_int": ints + 3, "int_add_float": ints + 1.5, "int_div": ints / 2, "int_remainder": ints.remainder(4),
    "eq": a == b, "lt": a < b, "ge_scalar": a >= 0.5,
    "clamp": a.clamp(-1, 1), "clamp_min": a.clamp(min=0.25),
    "where": torch.where(a > 0, a, b), "masked_fill": a.masked_fill(a < 0, 0.0),
    # reductions
    "sum": a.sum(), "sum_dim1": a.sum(1), "sum_dim0_keep": a.sum(0, keepdim=True), "mean": a.mean(),
    "mean_dims": batch1.mean([0, 2]), "prod_dim1": a.prod(1), "std": a.std(), "std_dim0": a.std(0),
    "var_biased": a.var(unbiased=False), "var_dim1": a.var(1), "max": a.max(), "min": a.min(),
    "max_dim1_values": a.max(1).values, "max_dim1_indices": a.max(1).indices, "argmax": a.argmax(),
    "argmin_dim0": a.argmin(0), "norm": a.norm(), "logsumexp_dim1": a.logsumexp(1), "cumsum_dim1": a.cumsum(1),
    "softmax_dim1": a.softmax(1), "log_softmax_dim0": a.log_softmax(0),
    "topk_values": a.topk(2, 1).values, "topk_indices": a.topk(2, 1).indices, "sort_values": a.sort(1).values,
    "sort_indices_desc": a.sort(1, descending=True).indices,
    # products
    "matmul": m1.matmul(m2), "mm": m1.mm(m2), "bmm": batch1.bmm(batch2), "matmul_batch": batch1.matmul(batch2),
    "dot": unit.dot(unit), "outer": unit[:3].outer(unit[3:]),
    # shape and indexing
    "view": a.view(2, 6), "permute": batch1.permute(2, 0, 1), "transpose": a.transpose(0, 1), "t": m1.t(),
    "flatten": batch1.flatten(1), "unsqueeze": a.unsqueeze(1), "squeeze": a.unsqueeze(0).squeeze(),
    "expand": b.expand(3, 4), "repeat": b.repeat(2, 1), "flip": a.flip(1), "cat_dim1": torch.cat([a, a * 2], 1),
    "stack_dim0": torch.stack([a, pos]), "gather": a[:2].gather(1, index), "index_select": a.index_select(1, torch.tensor([3, 0])),
    "index_last_column": a[:, -1], "index_row_slice": a[1:, 1:3], "index_step": a[:, ::2], "index_ellipsis": batch1[..., 1],
    "index_newaxis": a[None, 0], "index_mask": a[a > 0], "index_rows": a[torch.tensor([2, 0])],
    "narrow": a.narrow(1, 1, 2), "select": a.select(1, 2),
}

# gradients: analytic values checked independently in the tests too
x = a.clone().requires_grad_()
y = pos.clone().requires_grad_()
loss = (x.tanh() * y.sqrt()).sum() + (x * y).pow(2).mean()
loss.backward()
grads = {"grad_x": x.grad, "grad_y": y.grad}
x2 = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
first, = torch.autograd.grad((x2 ** 3).sum(), x2, create_graph=True)
second, = torch.autograd.grad(first.sum(), x2)
grads["third_power_first"] = first
grads["third_power_second"] = second



def seeded(draw):
    torch.manual_seed(42)
    return draw()


random = {"randn_seed42": seeded(lambda: torch.randn(2, 3)), "rand_seed42": seeded(lambda: torch.rand(4)),
          "randint_seed42": seeded(lambda: torch.randint(0, 10, (5,))),
          "randperm_generator7": torch.randperm(10, generator=torch.Generator().manual_seed(7)),
          "rng_state_seed42": seeded(torch.get_rng_state)}

formats = {
    "float_small": str(torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])),
    "float_fraction": str(a),
    "float_scientific": str(torch.tensor([1e-5, 1.0, 12345.678])),
    "float_large_integers": str(torch.tensor([1e9, 1.0])),
    "float_nonfinite": str(torch.tensor([float("nan"), 1.5, float("inf"), -float("inf")])),
    "int": str(ints),
    "bool": str(a > 0),
    "scalar": str(torch.tensor(3.5)),
    "three_d": str(batch1),
    "summarized": str(torch.arange(2000, dtype=torch.float32).reshape(40, 50)),
    "long_row": str(torch.arange(30, dtype=torch.float32) / 3),
    "complex": str(torch.tensor([1 + 0.5j, -2 + 1.5j, 0.25 - 1j])),
    "complex_matrix": str(torch.complex(torch.arange(6.).reshape(2, 3), -torch.arange(6.).reshape(2, 3) / 3)),
}

result = {
    "inputs": {k: pack(v) for k, v in inputs.items()},
    "cases": {k: pack(v) for k, v in cases.items()},
    "grads": {k: pack(v) for k, v in grads.items()},
    "random": {k: pack(v) for k, v in random.items()},
    "formats": formats,
    "torch_version": torch.__version__,
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tensor_golden.json")
with open(path, "w") as f:
    json.dump(result, f, indent=1)
print(f"wrote {path}: {len(cases)} cases")
