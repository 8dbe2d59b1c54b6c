"""A torchvision model for the vision tests: python3 vision_models.py NAME DIRECTORY.

Builds torchvision.models.NAME(num_classes=10) after torch.manual_seed(0) and prints, per state-dict key, the
shape and a summary of the initial values (sum, sum of absolute values, first values), which NeuralCore's model
built after the same seed must reproduce. Then moves every BatchNorm's statistics and affine parameters away from
their initial values, saves that state dict to DIRECTORY/state.pt, and saves an input batch (DIRECTORY/input.pt,
key "x") and the model's logits in eval mode (key "logits" in DIRECTORY/logits.pt).
"""
import json
import sys

import torch
import torchvision

name, directory = sys.argv[1], sys.argv[2]
torch.manual_seed(0)
model = getattr(torchvision.models, name)(num_classes=10)
summary = {}
for key, value in model.state_dict().items():
    flat = value.double().flatten()
    summary[key] = {"shape": list(value.shape), "sum": flat.sum().item(), "abs_sum": flat.abs().sum().item(),
                    "first": flat[:4].tolist()}

generator = torch.Generator().manual_seed(1)
with torch.no_grad():
    for module in model.modules():
        if isinstance(module, torch.nn.BatchNorm2d):
            shape = module.running_mean.shape
            module.running_mean.copy_(torch.rand(shape, generator=generator) * 0.2 - 0.1)
            module.running_var.copy_(torch.rand(shape, generator=generator) + 0.5)
            module.weight.copy_(torch.rand(shape, generator=generator) + 0.5)
            module.bias.copy_(torch.rand(shape, generator=generator) * 0.2 - 0.1)
model.eval()
x = torch.randn(2, 3, 64, 64, generator=generator)
with torch.no_grad():
    logits = model(x)
torch.save(model.state_dict(), f"{directory}/state.pt")
torch.save({"x": x}, f"{directory}/input.pt")
torch.save({"logits": logits}, f"{directory}/logits.pt")
print(json.dumps({"torchvision": torchvision.__version__, "state": summary}))
