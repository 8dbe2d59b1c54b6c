"""The MNIST family's IDX files (plain or .gz) as uint8 tensors, for the reference scripts beside this one."""
import gzip

import numpy as np
import torch


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        content = f.read()
    dims = content[3]
    shape = [int.from_bytes(content[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return torch.from_numpy(np.frombuffer(content, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape).copy())
