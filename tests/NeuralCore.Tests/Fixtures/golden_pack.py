"""The JSON form the fixture scripts give tensors: shape, dtype name, values (floats as float64, ints, bools; complex as
(real, imaginary) pairs; non-finite floats as "nan", "inf", "-inf"; sparse tensors dense with "sparse": true)."""
import math

import torch


def _number(v):
    # JSON has no NaN or infinities: they travel as the strings "nan", "inf" and "-inf".
    return v if math.isfinite(v) else str(v)


def pack(t):
    if t.is_sparse:
        # A sparse COO tensor travels dense, marked; the tests make it sparse again (inputs) or densify (outputs).
        return dict(pack(t.to_dense()), sparse=True)
    t = t.detach()
    if t.is_complex():
        data = [_number(float(v)) for v in torch.view_as_real(t.resolve_conj()).double().flatten().tolist()]
        return {"shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", ""), "data": data}
    if t.dtype == torch.bool:
        data = [bool(v) for v in t.flatten().tolist()]
    elif t.is_floating_point():
        data = [_number(float(v)) for v in t.double().flatten().tolist()]
    else:
        data = [int(v) for v in t.flatten().tolist()]
    return {"shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", ""), "data": data}
