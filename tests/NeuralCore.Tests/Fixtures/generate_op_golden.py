#!/usr/bin/python3
"""PyTorch's results for the op table's golden cases, from Debian's python3-torch (the same libtorch build).

Reads op_cases.json (written by tools/OpGen from tools/OpGen/ops.yaml) and writes op_golden.json: per case, the list
of its outputs (a tuple or list gives several; complex tensors as (real, imaginary) pairs; a bool as a 0-D Bool tensor).
Run with /usr/bin/python3 from this folder; the tests read only the JSON.
"""
import json
import os

import torch
from golden_pack import pack

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "op_cases.json")) as f:
    table = json.load(f)

inputs = {name: eval(expression, {"torch": torch}) for name, expression in table["inputs"].items()}


def outputs(value):
    if isinstance(value, (tuple, list)):
        return [o for item in value for o in outputs(item)]
    if isinstance(value, bool):
        return [pack(torch.tensor(value))]
    return [pack(value)]


results = {}
for case in table["cases"]:
    if case["seed"] is not None:
        torch.manual_seed(case["seed"])
    scope = {"torch": torch, **{name: value.clone() for name, value in inputs.items()}}
    try:
        results[case["name"]] = outputs(eval(case["expression"], scope))
    except Exception as error:
        raise SystemExit(f"{case['name']}: {case['expression']}: {error}")

document = {"inputs": {name: pack(value) for name, value in inputs.items()}, "cases": results,
            "torch_version": torch.__version__}
path = os.path.join(here, "op_golden.json")
with open(path, "w") as f:
    json.dump(document, f, indent=None, separators=(",", ":"))
    f.write("\n")
print(f"wrote {path}: {len(results)} cases")
