"""The JSON form the fixture scripts give tensors: shape, dtype name, values (floats as float64, ints, bools)."""
import torch


def pack(t):
    t = t.detach()
    if t.dtype == torch.bool:
        data = [bool(v) for v in t.flatten().tolist()]
    elif t.is_floating_point():
        data = [float(v) for v in t.double().flatten().tolist()]
    else:
        data = [int(v) for v in t.flatten().tolist()]
    return {"shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", ""), "data": data}
