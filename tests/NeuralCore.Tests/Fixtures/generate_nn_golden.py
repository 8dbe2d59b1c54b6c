#!/usr/bin/python3
"""Golden values for the module, loss, optimizer and scheduler tests, from Debian's python3-torch.

Each module is built right after torch.manual_seed(seed), so the tests can check that NeuralCore's default
initialisation draws the same numbers; then it runs on a stored input. Run with /usr/bin/python3 from this
folder; it rewrites nn_golden.json. The tests read only the JSON.
"""
import json
import os

import torch
import torch.nn as nn
import torch.nn.functional as F
from golden_pack import pack


def inputs(seed, *shape):
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=generator)


modules = {}


def record(name, build, x, seed=0, train=True, state=None, extra=None, others=None):
    """others: further positional inputs (module(x, *others)); stored as "state" for the tests."""
    torch.manual_seed(seed)
    module = build()
    module.train(train)
    initial = {k: pack(v) for k, v in module.state_dict().items()}
    if others is not None:
        output = module(x, *others)
        state = others
    elif state is not None:
        output = module(x, state)
    else:
        output = module(x)
    outputs = output if isinstance(output, tuple) else (output,)
    flat = []
    for o in outputs:
        flat.extend(o if isinstance(o, tuple) else (o,))
    after = {k: pack(v) for k, v in module.state_dict().items()}
    modules[name] = {"seed": seed, "train": train, "input": pack(x), "initial": initial,
                     "outputs": [pack(o) for o in flat], "state_after": after}
    if state is not None:
        modules[name]["state"] = [pack(s) for s in state]
    if extra:
        modules[name].update(extra)


x2d = inputs(1, 4, 5)
x1d = inputs(2, 2, 3, 10)
x4d = inputs(3, 2, 3, 8, 8)
seq = inputs(4, 3, 6, 5)  # (batch, steps, features) for batch_first layers

record("linear", lambda: nn.Linear(5, 3), x2d)
record("linear_no_bias", lambda: nn.Linear(5, 2, bias=False), x2d)
record("conv1d", lambda: nn.Conv1d(3, 4, kernel_size=3, stride=2, padding=1), x1d)
record("conv2d", lambda: nn.Conv2d(3, 6, kernel_size=3, padding=1), x4d)
record("conv2d_groups_dilation", lambda: nn.Conv2d(3, 6, kernel_size=3, stride=2, dilation=2, groups=3), x4d)
record("conv_transpose2d", lambda: nn.ConvTranspose2d(3, 2, kernel_size=3, stride=2, padding=1, output_padding=1), x4d)
record("max_pool1d", lambda: nn.MaxPool1d(kernel_size=3, stride=2), x1d)
record("max_pool2d", lambda: nn.MaxPool2d(kernel_size=2, stride=2), x4d)
record("max_pool2d_padded_ceil", lambda: nn.MaxPool2d(kernel_size=3, stride=2, padding=1, ceil_mode=True), x4d)
record("avg_pool2d", lambda: nn.AvgPool2d(kernel_size=3, stride=2, padding=1), x4d)
record("adaptive_avg_pool2d", lambda: nn.AdaptiveAvgPool2d((3, 2)), x4d)
record("batch_norm1d_train", lambda: nn.BatchNorm1d(5), x2d)
record("batch_norm1d_eval", lambda: nn.BatchNorm1d(5), x2d, train=False)
record("batch_norm2d_train", lambda: nn.BatchNorm2d(3), x4d)
record("layer_norm", lambda: nn.LayerNorm([8, 8]), x4d)
record("dropout_eval", lambda: nn.Dropout(0.5), x2d, train=False)
record("embedding", lambda: nn.Embedding(10, 4, padding_idx=2), torch.tensor([[1, 2, 9], [0, 2, 5]]))
record("flatten", lambda: nn.Flatten(), x4d)
record("sequential", lambda: nn.Sequential(nn.Linear(5, 8), nn.ReLU(), nn.Linear(8, 2)), x2d)
record("relu", lambda: nn.ReLU(), x2d)
record("leaky_relu", lambda: nn.LeakyReLU(0.2), x2d)
record("gelu", lambda: nn.GELU(), x2d)
record("gelu_tanh", lambda: nn.GELU(approximate="tanh"), x2d)
record("silu", lambda: nn.SiLU(), x2d)
record("tanh", lambda: nn.Tanh(), x2d)
record("sigmoid", lambda: nn.Sigmoid(), x2d)
record("softmax", lambda: nn.Softmax(dim=1), x2d)
record("log_softmax", lambda: nn.LogSoftmax(dim=0), x2d)
x3d = inputs(5, 2, 3, 4) * 3  # activations with kinks and saturation: values beyond ±3 and ±6
record("elu", lambda: nn.ELU(alpha=0.7), x3d)
record("selu", lambda: nn.SELU(), x3d)
record("celu", lambda: nn.CELU(alpha=1.5), x3d)
record("prelu", lambda: nn.PReLU(), x3d)
record("prelu_per_channel", lambda: nn.PReLU(num_parameters=3, init=0.1), x3d)
record("relu6", lambda: nn.ReLU6(), x3d)
record("rrelu_eval", lambda: nn.RReLU(0.1, 0.3), x3d, train=False)
record("rrelu_train", lambda: nn.RReLU(0.1, 0.3), x3d, seed=7)
record("softplus", lambda: nn.Softplus(beta=2, threshold=4), x3d)
record("softsign", lambda: nn.Softsign(), x3d)
record("softmin", lambda: nn.Softmin(dim=2), x3d)
record("softmax2d", lambda: nn.Softmax2d(), x4d)
record("mish", lambda: nn.Mish(), x3d)
record("glu", lambda: nn.GLU(dim=2), x3d)
record("hardswish", lambda: nn.Hardswish(), x3d)
record("hardsigmoid", lambda: nn.Hardsigmoid(), x3d)
record("hardtanh", lambda: nn.Hardtanh(-2.0, 2.5), x3d)
record("hardshrink", lambda: nn.Hardshrink(1.5), x3d)
record("softshrink", lambda: nn.Softshrink(1.5), x3d)
record("tanhshrink", lambda: nn.Tanhshrink(), x3d)
record("threshold", lambda: nn.Threshold(0.5, -2.0), x3d)
record("log_sigmoid", lambda: nn.LogSigmoid(), x3d)
x5d = inputs(17, 1, 2, 4, 6, 6)
columns = inputs(18, 2, 3 * 2 * 2, 20)  # (N, C·k·k, L) for a fold to 5 × 6 with 2 × 2 blocks


class PoolUnpool(nn.Module):
    def __init__(self):
        super().__init__()
        self.pool = nn.MaxPool2d(2, return_indices=True)
        self.unpool = nn.MaxUnpool2d(2)

    def forward(self, x):
        pooled, indices = self.pool(x)
        return self.unpool(pooled, indices)


record("max_pool3d", lambda: nn.MaxPool3d(2), x5d)
record("avg_pool1d", lambda: nn.AvgPool1d(3, stride=2, padding=1), x1d)
record("avg_pool3d", lambda: nn.AvgPool3d(2, stride=1), x5d)
record("lp_pool1d", lambda: nn.LPPool1d(2, 3, stride=2), x1d)
record("lp_pool2d", lambda: nn.LPPool2d(2, 3, stride=2), x4d)
record("adaptive_avg_pool1d", lambda: nn.AdaptiveAvgPool1d(4), x1d)
record("adaptive_avg_pool3d", lambda: nn.AdaptiveAvgPool3d((2, 3, 2)), x5d)
record("adaptive_max_pool1d", lambda: nn.AdaptiveMaxPool1d(4), x1d)
record("adaptive_max_pool2d_indices", lambda: nn.AdaptiveMaxPool2d((3, 5), return_indices=True), x4d)
record("max_pool2d_unpool", lambda: PoolUnpool(), x4d)
record("unfold", lambda: nn.Unfold(3, padding=1, stride=2), x4d)
record("fold", lambda: nn.Fold(output_size=(5, 6), kernel_size=2), columns)


class RMSNorm(nn.Module):
    """PyTorch 2.4's nn.RMSNorm (python3-torch 1.13 has none), written from its documented formula."""

    def __init__(self, shape, eps=None):
        super().__init__()
        self.shape, self.eps = tuple(shape), eps
        self.weight = nn.Parameter(torch.ones(shape))

    def forward(self, x):
        eps = self.eps if self.eps is not None else torch.finfo(x.dtype).eps
        return x * torch.rsqrt(x.pow(2).mean(dim=tuple(range(-len(self.shape), 0)), keepdim=True) + eps) * self.weight


x6c = inputs(19, 2, 6, 5)
record("group_norm", lambda: nn.GroupNorm(2, 6), x6c)
record("group_norm_per_channel", lambda: nn.GroupNorm(3, 3), x4d)
record("instance_norm1d_affine", lambda: nn.InstanceNorm1d(3, affine=True), x1d)
record("instance_norm1d_unbatched", lambda: nn.InstanceNorm1d(3), x1d[0])
record("instance_norm2d_running_train", lambda: nn.InstanceNorm2d(3, track_running_stats=True), x4d)
record("instance_norm2d_running_eval", lambda: nn.InstanceNorm2d(3, track_running_stats=True), x4d, train=False)
record("instance_norm3d", lambda: nn.InstanceNorm3d(2), x5d)
record("local_response_norm", lambda: nn.LocalResponseNorm(2), x1d)
record("local_response_norm_image", lambda: nn.LocalResponseNorm(3, alpha=0.1, beta=0.5, k=2.0), x4d)
record("rms_norm", lambda: RMSNorm([8, 8]), x4d)
record("rms_norm_eps", lambda: RMSNorm([5], eps=0.01), x2d)
record("dropout1d_train", lambda: nn.Dropout1d(0.3), x1d, seed=31)
record("dropout2d_train", lambda: nn.Dropout2d(0.5), x4d, seed=32)
record("dropout3d_train", lambda: nn.Dropout3d(0.25), x5d, seed=33)
record("alpha_dropout_train", lambda: nn.AlphaDropout(0.2), x2d, seed=34)
record("feature_alpha_dropout_train", lambda: nn.FeatureAlphaDropout(0.4), x4d, seed=35)
record("alpha_dropout_eval", lambda: nn.AlphaDropout(0.2), x2d, train=False)
record("reflection_pad1d", lambda: nn.ReflectionPad1d((2, 1)), x1d)
record("reflection_pad2d", lambda: nn.ReflectionPad2d(1), x4d)
record("reflection_pad3d", lambda: nn.ReflectionPad3d((1, 0, 2, 1, 0, 1)), x5d)
record("replication_pad1d", lambda: nn.ReplicationPad1d(3), x1d)
record("replication_pad2d", lambda: nn.ReplicationPad2d((0, 2, 1, 1)), x4d)
record("replication_pad3d", lambda: nn.ReplicationPad3d((1, 0, 2, 1, 0, 1)), x5d)
record("zero_pad2d", lambda: nn.ZeroPad2d((1, 2, 0, 1)), x4d)
record("constant_pad1d", lambda: nn.ConstantPad1d(2, 3.5), x1d)
record("constant_pad2d", lambda: nn.ConstantPad2d((1, 0, 0, 2), -1.0), x4d)
record("constant_pad3d", lambda: nn.ConstantPad3d(1, -1.0), x5d)
record("upsample_bilinear", lambda: nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False), x4d)
record("upsample_nearest_size", lambda: nn.Upsample(size=(5, 7)), x4d)
record("pixel_shuffle", lambda: nn.PixelShuffle(2), inputs(20, 1, 8, 3, 3))
record("pixel_unshuffle", lambda: nn.PixelUnshuffle(2), x4d)
record("identity", lambda: nn.Identity(), x2d)
record("unflatten", lambda: nn.Unflatten(2, (2, 4)), x4d)
record("cosine_similarity", lambda: nn.CosineSimilarity(dim=1), x2d, others=(inputs(21, 4, 5),))
record("pairwise_distance", lambda: nn.PairwiseDistance(p=1.5), x2d, others=(inputs(21, 4, 5),))
record("bilinear", lambda: nn.Bilinear(5, 3, 2), x2d, others=(inputs(22, 4, 3),))
record("conv3d", lambda: nn.Conv3d(2, 3, kernel_size=3, stride=(1, 2, 1), padding=1), x5d)
record("conv_transpose1d", lambda: nn.ConvTranspose1d(3, 2, kernel_size=3, stride=2, padding=1, output_padding=1), x1d)
record("conv_transpose3d", lambda: nn.ConvTranspose3d(2, 2, kernel_size=2, stride=2), x5d)
record("lstm_cell", lambda: nn.LSTMCell(3, 4), inputs(23, 5, 3))
record("lstm_cell_unbatched_no_bias", lambda: nn.LSTMCell(3, 4, bias=False), inputs(24, 3))
record("gru_cell_state", lambda: nn.GRUCell(3, 4), inputs(23, 5, 3), others=(inputs(25, 5, 4),))
record("rnn_cell_relu_state", lambda: nn.RNNCell(3, 4, nonlinearity="relu"), inputs(23, 5, 3), others=(inputs(25, 5, 4),))
bag_indices = torch.tensor([1, 4, 4, 0, 7, 2, 9])
record("embedding_bag_mean", lambda: nn.EmbeddingBag(10, 3), bag_indices, others=(torch.tensor([0, 3, 3]),))
record("embedding_bag_sum_padding", lambda: nn.EmbeddingBag(10, 3, mode="sum", padding_idx=4), bag_indices, others=(torch.tensor([0, 2, 5]),))
record("embedding_bag_max_rows", lambda: nn.EmbeddingBag(10, 2, mode="max"), torch.tensor([[1, 4], [9, 0], [3, 3]]))
record("lstm", lambda: nn.LSTM(5, 4, num_layers=2, batch_first=True), seq)
record("lstm_bidirectional_state", lambda: nn.LSTM(5, 3, bidirectional=True), seq.transpose(0, 1).contiguous(),
       state=(inputs(5, 2, 3, 3), inputs(6, 2, 3, 3)))
record("gru", lambda: nn.GRU(5, 4, num_layers=2, batch_first=True), seq)
record("rnn_tanh", lambda: nn.RNN(5, 4, batch_first=True), seq)
record("rnn_relu_bidirectional", lambda: nn.RNN(5, 3, nonlinearity="relu", bidirectional=True, batch_first=True), seq)

logits = inputs(7, 6, 4)
labels = torch.tensor([0, 3, 1, 1, 2, 3])
probabilities = inputs(8, 6, 4).softmax(1)
class_weight = torch.tensor([1.0, 2.0, 0.5, 1.5])
regression = inputs(9, 6, 4)
target = inputs(10, 6, 4)
probs = torch.sigmoid(inputs(11, 6, 4))
binary = (inputs(12, 6, 4) > 0).float()
counts = torch.poisson(inputs(13, 6, 4).exp(), generator=torch.Generator().manual_seed(13))
variance = inputs(14, 6, 4).exp()
signs = (inputs(15, 6, 4) > 0).float() * 2 - 1
ctc_log_probs = inputs(16, 6, 2, 4).log_softmax(2)
losses = {
    "cross_entropy": F.cross_entropy(logits, labels),
    "cross_entropy_weight_ignore": F.cross_entropy(logits, torch.tensor([0, 3, -100, 1, 2, 3]), weight=class_weight),
    "cross_entropy_smoothing_sum": F.cross_entropy(logits, labels, label_smoothing=0.1, reduction="sum"),
    "cross_entropy_probabilities": F.cross_entropy(logits, probabilities),
    "cross_entropy_none": F.cross_entropy(logits, labels, reduction="none"),
    "nll": F.nll_loss(logits.log_softmax(1), labels),
    "mse": F.mse_loss(regression, target),
    "l1_sum": F.l1_loss(regression, target, reduction="sum"),
    "smooth_l1": F.smooth_l1_loss(regression, target, beta=0.5),
    "huber": F.huber_loss(regression, target, delta=0.7),
    "bce": F.binary_cross_entropy(probs, binary),
    "bce_with_logits_pos_weight": F.binary_cross_entropy_with_logits(regression, binary, pos_weight=torch.tensor([1.0, 2.0, 3.0, 0.5])),
    "kl_div_batchmean": F.kl_div(logits.log_softmax(1), probabilities, reduction="batchmean"),
    "kl_div_log_target": F.kl_div(logits.log_softmax(1), probabilities.log(), reduction="sum", log_target=True),
    "poisson_nll": F.poisson_nll_loss(regression, counts),
    "gaussian_nll": F.gaussian_nll_loss(regression, target, variance, full=True),
    "margin_ranking": F.margin_ranking_loss(regression[:, 0], target[:, 0], signs[:, 0], margin=0.2),
    "hinge_embedding": F.hinge_embedding_loss(regression, signs, margin=0.5),
    "multilabel_margin": F.multilabel_margin_loss(logits, torch.tensor([[3, 0, -1, 1], [1, -1, 0, 0], [0, 1, 2, 3],
                                                                          [2, -1, 1, 1], [1, 3, -1, 2], [3, 2, 1, -1]])),
    "multilabel_soft_margin": F.multilabel_soft_margin_loss(logits, binary, weight=class_weight),
    "soft_margin": F.soft_margin_loss(regression, signs),
    "multi_margin": F.multi_margin_loss(logits, labels, p=2, margin=0.8, weight=class_weight),
    "cosine_embedding": F.cosine_embedding_loss(regression, target, signs[:, 0], margin=-0.2),
    "triplet_margin": F.triplet_margin_loss(regression, target, probs, margin=1.5, swap=True),
    "triplet_margin_cosine_distance": F.triplet_margin_with_distance_loss(
        regression, target, probs, distance_function=lambda x, y: 1 - F.cosine_similarity(x, y), margin=0.4),
    "ctc": F.ctc_loss(ctc_log_probs, torch.tensor([[1, 2, 2], [3, 1, 0]]), torch.tensor([6, 5]), torch.tensor([3, 2])),
}
loss_inputs = {"logits": logits, "labels": labels, "probabilities": probabilities, "class_weight": class_weight,
               "regression": regression, "target": target, "probs": probs, "binary": binary, "counts": counts,
               "variance": variance, "signs": signs, "ctc_log_probs": ctc_log_probs}


def trajectory(make_optimizer, steps=10, make_scheduler=None):
    """Ten steps on the optimizer problem, the parameters after each; a scheduler, if given, steps after the optimizer."""
    weight = torch.tensor([[0.5, -1.0, 0.25], [1.5, 0.75, -0.5]], requires_grad=True)
    bias = torch.tensor([0.1, -0.2], requires_grad=True)
    optimizer = make_optimizer([weight, bias])
    scheduler = make_scheduler(optimizer) if make_scheduler else None
    data = inputs(13, 8, 3)
    goal = inputs(14, 8, 2)
    history = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = ((data @ weight.t() + bias - goal) ** 2).mean() + (weight ** 4).sum() * 0.01
        loss.backward()
        optimizer.step()
        if scheduler:
            scheduler.step()
        history.append(torch.cat([weight.detach().flatten(), bias.detach()]))
    return torch.stack(history)


class NAdam2(torch.optim.Optimizer):
    """torch.optim.NAdam as PyTorch 2.x computes it: python3-torch 1.13 multiplies mu into the next momentum product
    twice (mu_product * mu * mu_next), which PyTorch 2.0 corrected to mu_product * mu_next."""

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, momentum_decay=momentum_decay))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if not state:
                    state.update(step=0, mu_product=1.0, exp_avg=torch.zeros_like(p), exp_avg_sq=torch.zeros_like(p))
                state["step"] += 1
                step = state["step"]
                grad = p.grad.add(p, alpha=group["weight_decay"]) if group["weight_decay"] else p.grad
                mu = beta1 * (1. - 0.5 * (0.96 ** (step * group["momentum_decay"])))
                mu_next = beta1 * (1. - 0.5 * (0.96 ** ((step + 1) * group["momentum_decay"])))
                state["mu_product"] *= mu
                state["exp_avg"].mul_(beta1).add_(grad, alpha=1 - beta1)
                state["exp_avg_sq"].mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
                denom = state["exp_avg_sq"].div(1 - beta2 ** step).sqrt().add_(group["eps"])
                p.addcdiv_(grad, denom, value=-group["lr"] * (1. - mu) / (1. - state["mu_product"]))
                p.addcdiv_(state["exp_avg"], denom, value=-group["lr"] * mu_next / (1. - state["mu_product"] * mu_next))


optimizers = {
    "sgd": lambda p: torch.optim.SGD(p, lr=0.1),
    "sgd_momentum_nesterov_decay": lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01),
    "sgd_dampening": lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.8, dampening=0.3),
    "sgd_groups": lambda p: torch.optim.SGD([{"params": [p[0]]}, {"params": [p[1]], "lr": 0.5}], lr=0.05, momentum=0.5),
    "adam": lambda p: torch.optim.Adam(p, lr=0.05),
    "adam_amsgrad_decay": lambda p: torch.optim.Adam(p, lr=0.05, betas=(0.8, 0.99), weight_decay=0.1, amsgrad=True),
    "adamw": lambda p: torch.optim.AdamW(p, lr=0.05),
    "rmsprop": lambda p: torch.optim.RMSprop(p, lr=0.01),
    "rmsprop_centered_momentum": lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.9, momentum=0.5, centered=True, weight_decay=0.01),
    "adagrad": lambda p: torch.optim.Adagrad(p, lr=0.1, lr_decay=0.01, initial_accumulator_value=0.1),
    "adadelta": lambda p: torch.optim.Adadelta(p, lr=1.0, rho=0.9, weight_decay=0.01),
    "adadelta_maximize": lambda p: torch.optim.Adadelta(p, lr=0.1, maximize=True),
    "adamax": lambda p: torch.optim.Adamax(p, lr=0.05, betas=(0.8, 0.99)),
    "nadam": lambda p: NAdam2(p, lr=0.05, weight_decay=0.01),
    "radam": lambda p: torch.optim.RAdam(p, lr=0.05),
    "rprop": lambda p: torch.optim.Rprop(p, lr=0.05),
    "asgd": lambda p: torch.optim.ASGD(p, lr=0.05, lambd=0.01, alpha=0.75, t0=3, weight_decay=0.01),
}


def lbfgs_trajectory(dtype, steps=4, **options):
    """LBFGS on the optimizer problem: after each step(closure), the parameters, the loss step returned, and the
    func_evals and n_iter counts PyTorch keeps in its state."""
    weight = torch.tensor([[0.5, -1.0, 0.25], [1.5, 0.75, -0.5]], dtype=dtype, requires_grad=True)
    bias = torch.tensor([0.1, -0.2], dtype=dtype, requires_grad=True)
    optimizer = torch.optim.LBFGS([weight, bias], **options)
    data, goal = inputs(13, 8, 3).to(dtype), inputs(14, 8, 2).to(dtype)

    def closure():
        optimizer.zero_grad()
        loss = ((data @ weight.t() + bias - goal) ** 2).mean() + (weight ** 4).sum() * 0.01
        loss.backward()
        return loss
    history, losses, evals, iterations = [], [], [], []
    for _ in range(steps):
        losses.append(optimizer.step(closure).item())
        history.append(torch.cat([weight.detach().flatten(), bias.detach()]))
        evals.append(optimizer.state[weight]["func_evals"])
        iterations.append(optimizer.state[weight]["n_iter"])
    return {"dtype": str(dtype).replace("torch.", ""), "options": {k: v for k, v in options.items()},
            "parameters": pack(torch.stack(history)), "losses": losses, "func_evals": evals, "n_iter": iterations}


lbfgs = {
    "defaults_float64": lbfgs_trajectory(torch.float64),
    # In float32 the default tolerance_change (1e-9) stops on rounding noise, which differs between CPUs' vector
    # units; 1.5e-6 lies midway in the range (8e-7 to 2.5e-6) that gives the same stopping iteration.
    "float32": lbfgs_trajectory(torch.float32, tolerance_change=1.5e-6),
    "short_history": lbfgs_trajectory(torch.float64, lr=0.5, max_iter=7, history_size=2),
    "strong_wolfe": lbfgs_trajectory(torch.float64, line_search_fn="strong_wolfe"),
    "strong_wolfe_short": lbfgs_trajectory(torch.float64, steps=6, lr=0.8, max_iter=4, max_eval=6, history_size=3,
                                           line_search_fn="strong_wolfe"),
    "tolerance_stop": lbfgs_trajectory(torch.float64, tolerance_grad=1e-3, tolerance_change=1e-5),
}


def one_cycle(optimizer):
    return torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.1, total_steps=12, base_momentum=0.8, max_momentum=0.95)


scheduled_optimizers = {
    "one_cycle_adamax": pack(trajectory(lambda p: torch.optim.Adamax(p, lr=0.05), make_scheduler=one_cycle)),
    "one_cycle_nadam": pack(trajectory(lambda p: NAdam2(p, lr=0.05), make_scheduler=one_cycle)),
    "one_cycle_radam": pack(trajectory(lambda p: torch.optim.RAdam(p, lr=0.05), make_scheduler=one_cycle)),
}


def schedule(make_scheduler, steps=12, lr=0.1):
    parameter = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([parameter], lr=lr)
    scheduler = make_scheduler(optimizer)
    rates = []
    for _ in range(steps):
        optimizer.step()
        scheduler.step()
        rates.append(optimizer.param_groups[0]["lr"])
    return rates


def momentum_schedule(make_optimizer, make_scheduler, steps=12):
    """The rates and momenta (beta1 for Adam) after construction and after each step, as the optimizer holds them."""
    parameter = torch.zeros(1, requires_grad=True)
    optimizer = make_optimizer([parameter])
    scheduler = make_scheduler(optimizer)

    def momentum():
        group = optimizer.param_groups[0]
        return group["betas"][0] if "betas" in group else group["momentum"]
    rates, momenta = [optimizer.param_groups[0]["lr"]], [momentum()]
    for _ in range(steps):
        optimizer.step()
        scheduler.step()
        rates.append(optimizer.param_groups[0]["lr"])
        momenta.append(momentum())
    return {"rates": rates, "momenta": momenta}


momentum_schedules = {
    "one_cycle_sgd": momentum_schedule(lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9),
                                       lambda o: torch.optim.lr_scheduler.OneCycleLR(o, max_lr=1.0, total_steps=13)),
    "one_cycle_adam": momentum_schedule(lambda p: torch.optim.Adam(p, lr=1e-3),
                                        lambda o: torch.optim.lr_scheduler.OneCycleLR(o, max_lr=0.01, total_steps=10, pct_start=0.4,
                                                                                      base_momentum=0.8, max_momentum=0.9), steps=9),
    "cyclic_triangular2_sgd": momentum_schedule(lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9),
                                                lambda o: torch.optim.lr_scheduler.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=2,
                                                                                            step_size_down=3, mode="triangular2")),
    "cyclic_exp_range_rmsprop": momentum_schedule(lambda p: torch.optim.RMSprop(p, lr=0.1, momentum=0.5),
                                                  lambda o: torch.optim.lr_scheduler.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=3,
                                                                                              mode="exp_range", gamma=0.9, base_momentum=0.6,
                                                                                              max_momentum=0.95)),
}


def plateau(optimizer):
    return torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, factor=0.5, patience=2, cooldown=1)


metrics = [1.0, 0.9, 0.95, 0.93, 0.92, 0.91, 0.95, 0.96, 0.97, 0.85, 0.86, 0.87]


def plateau_rates():
    parameter = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([parameter], lr=0.1)
    scheduler = plateau(optimizer)
    rates = []
    for metric in metrics:
        optimizer.step()
        scheduler.step(metric)
        rates.append(optimizer.param_groups[0]["lr"])
    return rates


schedulers = {
    "step": schedule(lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5)),
    "multi_step": schedule(lambda o: torch.optim.lr_scheduler.MultiStepLR(o, milestones=[2, 5, 9], gamma=0.3)),
    "exponential": schedule(lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma=0.8)),
    "cosine": schedule(lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=10, eta_min=0.01)),
    "one_cycle": schedule(lambda o: torch.optim.lr_scheduler.OneCycleLR(o, max_lr=1.0, total_steps=13, cycle_momentum=False)),
    "plateau": plateau_rates(),
    "lambda": schedule(lambda o: torch.optim.lr_scheduler.LambdaLR(o, lr_lambda=lambda e: 0.95 ** e)),
    "multiplicative": schedule(lambda o: torch.optim.lr_scheduler.MultiplicativeLR(o, lr_lambda=lambda e: 0.9 if e % 2 else 1.05)),
    "linear": schedule(lambda o: torch.optim.lr_scheduler.LinearLR(o, start_factor=0.25, end_factor=1.0, total_iters=4)),
    "constant": schedule(lambda o: torch.optim.lr_scheduler.ConstantLR(o, factor=0.5, total_iters=3)),
    "polynomial": schedule(lambda o: torch.optim.lr_scheduler.PolynomialLR(o, total_iters=8, power=2.0)),
    "cosine_warm_restarts": schedule(lambda o: torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2, eta_min=0.001)),
    "cyclic_triangular2": schedule(lambda o: torch.optim.lr_scheduler.CyclicLR(
        o, base_lr=0.01, max_lr=0.1, step_size_up=2, step_size_down=3, mode="triangular2", cycle_momentum=False)),
    "cyclic_exp_range": schedule(lambda o: torch.optim.lr_scheduler.CyclicLR(
        o, base_lr=0.01, max_lr=0.1, step_size_up=3, mode="exp_range", gamma=0.9, cycle_momentum=False)),
    "sequential": schedule(lambda o: torch.optim.lr_scheduler.SequentialLR(
        o, [torch.optim.lr_scheduler.LinearLR(o, start_factor=0.1, total_iters=3), torch.optim.lr_scheduler.ExponentialLR(o, gamma=0.9)],
        milestones=[3])),
    "chained": schedule(lambda o: torch.optim.lr_scheduler.ChainedScheduler(
        [torch.optim.lr_scheduler.ConstantLR(o, factor=0.5, total_iters=3), torch.optim.lr_scheduler.ExponentialLR(o, gamma=0.9)])),
}

inits = {}


def init_case(name, shape, fill, seed=40):
    torch.manual_seed(seed)
    tensor = torch.empty(*shape)
    fill(tensor)
    inits[name] = {"seed": seed, "shape": list(shape), "value": pack(tensor)}


init_case("kaiming_normal_fan_out_relu", (6, 4, 3), lambda t: nn.init.kaiming_normal_(t, mode="fan_out", nonlinearity="relu"))
init_case("kaiming_uniform_leaky", (5, 7), lambda t: nn.init.kaiming_uniform_(t, a=0.2))
init_case("xavier_normal_tanh", (5, 7), lambda t: nn.init.xavier_normal_(t, gain=nn.init.calculate_gain("tanh")))
init_case("xavier_uniform_relu", (4, 3, 2), lambda t: nn.init.xavier_uniform_(t, gain=nn.init.calculate_gain("relu")))
init_case("constant", (2, 3), lambda t: nn.init.constant_(t, 0.25))
init_case("zeros", (2, 3), nn.init.zeros_)
init_case("ones", (2, 3), nn.init.ones_)
init_case("trunc_normal", (200,), nn.init.trunc_normal_)
init_case("trunc_normal_shifted", (8, 5), lambda t: nn.init.trunc_normal_(t, mean=0.5, std=2.0, a=-1.0, b=3.0))
init_case("orthogonal_wide", (3, 7), lambda t: nn.init.orthogonal_(t, gain=2.0))
init_case("orthogonal_tall_conv", (6, 2, 2), nn.init.orthogonal_)
init_case("sparse", (10, 4), lambda t: nn.init.sparse_(t, 0.3, std=0.5))
init_case("dirac_groups", (4, 2, 3, 3), lambda t: nn.init.dirac_(t, groups=2))
init_case("eye", (3, 5), nn.init.eye_)
gains = {"linear": nn.init.calculate_gain("linear"), "conv_transpose2d": nn.init.calculate_gain("conv_transpose2d"),
         "sigmoid": nn.init.calculate_gain("sigmoid"), "tanh": nn.init.calculate_gain("tanh"), "relu": nn.init.calculate_gain("relu"),
         "leaky_relu": nn.init.calculate_gain("leaky_relu"), "leaky_relu_0.2": nn.init.calculate_gain("leaky_relu", 0.2),
         "selu": nn.init.calculate_gain("selu")}

random_splits = {
    "counts": [list(s.indices) for s in torch.utils.data.random_split(range(10), [7, 3], generator=torch.Generator().manual_seed(42))],
    "fractions": [list(s.indices) for s in torch.utils.data.random_split(range(11), [0.5, 0.3, 0.2], generator=torch.Generator().manual_seed(3))],
}

distributions = {}
D = torch.distributions


def distribution_case(name, make, value, sample_seed, sample_shape, rsample=False, moments=True, entropy=True):
    d = make()
    case = {"log_prob": pack(d.log_prob(value)), "value": pack(value)}
    if entropy:
        case["entropy"] = pack(d.entropy())
    if moments:
        case.update({"mean": pack(d.mean), "variance": pack(d.variance)})
    torch.manual_seed(sample_seed)
    case["sample"] = pack(d.sample(sample_shape))
    case["sample_seed"] = sample_seed
    if rsample:
        torch.manual_seed(sample_seed + 100)
        case["rsample"] = pack(d.rsample(sample_shape).detach())
    distributions[name] = case


distribution_case("normal", lambda: D.Normal(torch.tensor([[0.5, -1.0], [2.0, 0.0]]), torch.tensor([1.5, 0.5])),
                  torch.tensor([[0.0, 1.0], [2.5, -0.5]]), 50, (3,), rsample=True)
distribution_case("uniform", lambda: D.Uniform(torch.tensor([0.0, -1.0]), torch.tensor([2.0, 3.0])), torch.tensor([1.5, -0.5]), 52, (4,),
                  rsample=True)
distribution_case("bernoulli_probs", lambda: D.Bernoulli(probs=torch.tensor([0.2, 0.7, 1.0])), torch.tensor([0.0, 1.0, 1.0]), 53, (5,))
distribution_case("bernoulli_logits", lambda: D.Bernoulli(logits=torch.tensor([-1.0, 0.5, 2.0])), torch.tensor([1.0, 0.0, 1.0]), 54, (2,))
distribution_case("categorical_probs", lambda: D.Categorical(probs=torch.tensor([[0.1, 0.2, 0.7], [1.0, 1.0, 2.0]])), torch.tensor([2, 0]),
                  55, (6,), moments=False)
distribution_case("categorical_logits", lambda: D.Categorical(logits=torch.tensor([[0.5, -1.0, 2.0]])), torch.tensor([1]), 56, (4, 2),
                  moments=False)
distribution_case("exponential", lambda: D.Exponential(torch.tensor([0.5, 2.0])), torch.tensor([1.0, 0.25]), 57, (3,), rsample=True)
distribution_case("gamma", lambda: D.Gamma(torch.tensor([2.0, 0.5]), torch.tensor([1.5, 3.0])), torch.tensor([1.2, 0.1]), 58, (3,), rsample=True)
distribution_case("dirichlet", lambda: D.Dirichlet(torch.tensor([[1.5, 2.0, 0.5], [3.0, 1.0, 1.0]])),
                  torch.tensor([[0.2, 0.5, 0.3], [0.6, 0.3, 0.1]]), 59, (2,))
distribution_case("beta", lambda: D.Beta(torch.tensor([2.0, 0.7]), torch.tensor([3.0, 1.5])), torch.tensor([0.3, 0.8]), 60, (3,))
distribution_case("poisson", lambda: D.Poisson(torch.tensor([0.5, 4.0])), torch.tensor([0.0, 3.0]), 61, (4,), entropy=False)
distribution_case("binomial_probs", lambda: D.Binomial(total_count=torch.tensor([5.0, 10.0]), probs=torch.tensor([0.3, 0.8])),
                  torch.tensor([2.0, 7.0]), 62, (3,), entropy=False)
distribution_case("binomial_logits", lambda: D.Binomial(total_count=torch.tensor(6.0), logits=torch.tensor([-0.5, 1.0])),
                  torch.tensor([1.0, 5.0]), 63, (2,), entropy=False)
distribution_case("independent_normal", lambda: D.Independent(D.Normal(torch.tensor([[0.5, -1.0, 0.0], [2.0, 0.0, 1.0]]), torch.tensor(1.5)), 1),
                  torch.tensor([[0.0, 1.0, -0.5], [2.5, -0.5, 0.0]]), 64, (2,), rsample=True)
spd = torch.tensor([[4.0, 1.0, 0.5], [1.0, 3.0, 0.25], [0.5, 0.25, 2.0]])
distribution_case("multivariate_normal", lambda: D.MultivariateNormal(torch.tensor([[0.5, -1.0, 0.0], [1.0, 2.0, -0.5]]), covariance_matrix=spd),
                  torch.tensor([[0.0, 1.0, -0.5], [2.5, -0.5, 0.0]]), 65, (2,), rsample=True)
distribution_case("multivariate_normal_scale_tril", lambda: D.MultivariateNormal(torch.tensor([1.0, -2.0]),
                  scale_tril=torch.tensor([[[1.5, 0.0], [0.5, 0.7]], [[0.8, 0.0], [-0.3, 1.1]]])), torch.tensor([0.5, -1.0]), 66, (3,), rsample=True)

# Attention and the Transformer: outputs, and the gradients of sum(output * cotangent) with respect to the first
# `grads` inputs and to every parameter. Dropout is 0 (or the module is in eval mode), so the numbers are deterministic.
attention = {}


def attention_case(name, build, ins, call, grads=1, seed=70, train=True):
    torch.manual_seed(seed)
    module = build()
    module.train(train)
    initial = {k: pack(v) for k, v in module.state_dict().items()}
    ins = [t.clone().requires_grad_(i < grads) for i, t in enumerate(ins)]
    outs = [o for o in call(module, *ins) if o is not None]
    generator = torch.Generator().manual_seed(seed + 1)
    cotangents = [torch.randn(o.shape, generator=generator) for o in outs]
    sum((o * c).sum() for o, c in zip(outs, cotangents)).backward()
    attention[name] = {"seed": seed, "train": train, "inputs": [pack(t) for t in ins], "grads": grads, "initial": initial,
                       "outputs": [pack(o) for o in outs], "cotangents": [pack(c) for c in cotangents],
                       "input_grads": [pack(t.grad) for t in ins[:grads]],
                       "parameter_grads": {k: pack(p.grad) for k, p in module.named_parameters()}}


def causal(size):
    return torch.triu(torch.full((size, size), float("-inf")), diagonal=1)


attn_bool = torch.tensor([[False, True, False, False, True, False], [False, False, True, False, False, False],
                          [True, False, False, False, False, True], [False, False, False, True, False, False]])
padding = torch.tensor([[False] * 6, [False] * 4 + [True] * 2, [False] * 5 + [True]])
attention_case("mha_self", lambda: nn.MultiheadAttention(8, 2), [inputs(71, 5, 3, 8)], lambda m, x: m(x, x, x))
attention_case("mha_cross_bool_mask_padding_per_head", lambda: nn.MultiheadAttention(8, 2),
               [inputs(72, 4, 3, 8), inputs(73, 6, 3, 8), inputs(74, 6, 3, 8), attn_bool, padding],
               lambda m, q, k, v, mask, kpm: m(q, k, v, key_padding_mask=kpm, attn_mask=mask, average_attn_weights=False), grads=3)
attention_case("mha_batch_first_kdim_vdim_float_mask_no_weights", lambda: nn.MultiheadAttention(8, 4, kdim=5, vdim=3, batch_first=True),
               [inputs(75, 2, 4, 8), inputs(76, 2, 6, 5), inputs(77, 2, 6, 3), inputs(78, 8, 4, 6)],
               lambda m, q, k, v, mask: m(q, k, v, attn_mask=mask, need_weights=False), grads=3)
attention_case("mha_bias_kv_zero_attn", lambda: nn.MultiheadAttention(8, 2, add_bias_kv=True, add_zero_attn=True),
               [inputs(79, 4, 3, 8), inputs(80, 6, 3, 8), attn_bool, padding],
               lambda m, q, kv, mask, kpm: m(q, kv, kv, key_padding_mask=kpm, attn_mask=mask), grads=2)
attention_case("mha_unbatched_no_bias_eval", lambda: nn.MultiheadAttention(6, 3, bias=False), [inputs(81, 5, 6), inputs(82, 7, 6)],
               lambda m, q, kv: m(q, kv, kv), grads=2, train=False)
attention_case("mha_padding_only_no_weights", lambda: nn.MultiheadAttention(8, 2, batch_first=True),
               [inputs(83, 3, 6, 8), padding], lambda m, x, kpm: m(x, x, x, key_padding_mask=kpm, need_weights=False))
attention_case("encoder_layer_causal", lambda: nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0),
               [inputs(84, 5, 3, 8), causal(5)], lambda m, x, mask: (m(x, src_mask=mask),))
attention_case("encoder_layer_norm_first_gelu_batch_first_padding", lambda: nn.TransformerEncoderLayer(
                   8, 2, dim_feedforward=16, dropout=0.0, activation="gelu", batch_first=True, norm_first=True),
               [inputs(85, 3, 6, 8), padding], lambda m, x, kpm: (m(x, src_key_padding_mask=kpm),))
attention_case("encoder_layer_eval", lambda: nn.TransformerEncoderLayer(8, 4, dim_feedforward=12), [inputs(86, 5, 2, 8)],
               lambda m, x: (m(x),), train=False)
attention_case("encoder_stack_norm", lambda: nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0), 2,
                                                                    norm=nn.LayerNorm(8)),
               [inputs(87, 6, 3, 8), causal(6), padding], lambda m, x, mask, kpm: (m(x, mask=mask, src_key_padding_mask=kpm),))
attention_case("decoder_layer", lambda: nn.TransformerDecoderLayer(8, 2, dim_feedforward=16, dropout=0.0),
               [inputs(88, 4, 3, 8), inputs(89, 6, 3, 8), causal(4), padding],
               lambda m, t, mem, mask, kpm: (m(t, mem, tgt_mask=mask, memory_key_padding_mask=kpm),), grads=2)
attention_case("decoder_layer_norm_first_batch_first", lambda: nn.TransformerDecoderLayer(
                   8, 2, dim_feedforward=16, dropout=0.0, batch_first=True, norm_first=True),
               [inputs(90, 3, 4, 8), inputs(91, 3, 6, 8), attn_bool, padding[:, :4]],
               lambda m, t, mem, mask, kpm: (m(t, mem, memory_mask=mask, tgt_key_padding_mask=kpm),), grads=2)
attention_case("decoder_stack_norm", lambda: nn.TransformerDecoder(nn.TransformerDecoderLayer(8, 2, dim_feedforward=16, dropout=0.0), 2,
                                                                    norm=nn.LayerNorm(8)),
               [inputs(92, 4, 3, 8), inputs(93, 6, 3, 8), causal(4)], lambda m, t, mem, mask: (m(t, mem, tgt_mask=mask),), grads=2)
attention_case("transformer", lambda: nn.Transformer(8, 2, num_encoder_layers=2, num_decoder_layers=1, dim_feedforward=16, dropout=0.0),
               [inputs(94, 6, 3, 8), inputs(95, 4, 3, 8), causal(4), padding],
               lambda m, s, t, mask, kpm: (m(s, t, tgt_mask=mask, src_key_padding_mask=kpm, memory_key_padding_mask=kpm),), grads=2)
attention_case("transformer_batch_first_norm_first_gelu_eval", lambda: nn.Transformer(
                   8, 4, num_encoder_layers=1, num_decoder_layers=2, dim_feedforward=12, activation="gelu", batch_first=True, norm_first=True),
               [inputs(96, 2, 5, 8), inputs(97, 2, 3, 8), causal(3)], lambda m, s, t, mask: (m(s, t, tgt_mask=mask),), grads=2, train=False)

# Packed sequences: five sequences of lengths 7, 3, 5, 1, 4 through a recurrent layer, packed from a padded batch
# (sorted here when enforce_sorted is false); the padded output, lengths and final states, and the gradient of
# sum(output · cotangent) + sum(states · cotangent) with respect to the padded input.
packed = {}


def packed_case(name, build, lengths, enforce_sorted, batch_first=False, initial_state=False, seed=100):
    torch.manual_seed(seed)
    module = build()
    generator = torch.Generator().manual_seed(seed + 1)
    sequences = [torch.randn(n, module.input_size, generator=generator) for n in lengths]
    padded = nn.utils.rnn.pad_sequence(sequences, batch_first=batch_first).requires_grad_()
    sequence = nn.utils.rnn.pack_padded_sequence(padded, torch.tensor(lengths), batch_first=batch_first, enforce_sorted=enforce_sorted)
    directions = 2 if module.bidirectional else 1
    shape = (module.num_layers * directions, len(lengths), module.hidden_size)
    state = None
    if initial_state:
        state = tuple(torch.randn(*shape, generator=generator) for _ in range(2 if isinstance(module, nn.LSTM) else 1))
    output, final = module(sequence, (state if len(state) == 2 else state[0]) if state else None)
    finals = final if isinstance(final, tuple) else (final,)
    output_padded, output_lengths = nn.utils.rnn.pad_packed_sequence(output, batch_first=batch_first, total_length=8)
    cotangents = [torch.randn(t.shape, generator=generator) for t in (output_padded,) + finals]
    sum((t * c).sum() for t, c in zip((output_padded,) + finals, cotangents)).backward()
    packed[name] = {"seed": seed, "lengths": lengths, "enforce_sorted": enforce_sorted, "batch_first": batch_first,
                    "initial": {k: pack(v) for k, v in module.state_dict().items()}, "input": pack(padded),
                    "state": [pack(t) for t in state] if state else [],
                    "packed": [pack(sequence.data), pack(sequence.batch_sizes)] + ([pack(sequence.sorted_indices), pack(sequence.unsorted_indices)] if sequence.sorted_indices is not None else []),
                    "outputs": [pack(output.data), pack(output_padded), pack(output_lengths)] + [pack(t) for t in finals],
                    "cotangents": [pack(c) for c in cotangents], "input_grad": pack(padded.grad)}

packed_case("lstm_unsorted", lambda: nn.LSTM(3, 4), [7, 3, 5, 1, 4], enforce_sorted=False)
packed_case("lstm_sorted_bidirectional_two_layers_state", lambda: nn.LSTM(3, 4, num_layers=2, bidirectional=True), [7, 5, 4, 3, 1],
            enforce_sorted=True, initial_state=True)
packed_case("gru_unsorted_batch_first_state", lambda: nn.GRU(3, 4, batch_first=True), [7, 3, 5, 1, 4], enforce_sorted=False,
            batch_first=True, initial_state=True)
packed_case("rnn_relu_unsorted_bidirectional", lambda: nn.RNN(3, 4, nonlinearity="relu", bidirectional=True), [7, 3, 5, 1, 4],
            enforce_sorted=False)

# Weight norm and spectral norm (torch.nn.utils' classic forms): the state after applying them right after the
# module's seeded construction (spectral norm draws u, then v), three SGD steps on sum(output · cotangent) with the
# outputs and the gradients of every parameter by name, an output in evaluation mode, and the state after removal.
reparametrizations = {}


def reparametrization_case(name, build, apply, x, seed=110):
    torch.manual_seed(seed)
    module = build()
    apply(module)
    case = {"seed": seed, "input": pack(x), "initial": {k: pack(v) for k, v in module.state_dict().items()},
            "parameters": [n for n, _ in module.named_parameters()], "outputs": [], "grads": []}
    module.eval()  # no power-iteration step for the shape
    with torch.no_grad():
        shape = module(x).shape
    module.train()
    cotangent = torch.randn(shape, generator=torch.Generator().manual_seed(seed + 1))
    optimizer = torch.optim.SGD(module.parameters(), lr=0.1)
    for _ in range(3):
        optimizer.zero_grad()
        output = module(x)
        (output * cotangent).sum().backward()
        case["outputs"].append(pack(output))
        case["grads"].append([pack(p.grad) for _, p in module.named_parameters()])
        optimizer.step()
    case["cotangent"] = pack(cotangent)
    case["state_after"] = {k: pack(v) for k, v in module.state_dict().items()}
    module.eval()
    with torch.no_grad():
        case["eval_output"] = pack(module(x))
    module.train()
    if any(n.endswith("_g") for n in case["parameters"]):
        nn.utils.remove_weight_norm(module)
    else:
        nn.utils.remove_spectral_norm(module)
    case["removed"] = {k: pack(v) for k, v in module.state_dict().items()}
    reparametrizations[name] = case


reparametrization_case("weight_norm_linear", lambda: nn.Linear(5, 3), nn.utils.weight_norm, x2d)
reparametrization_case("weight_norm_conv1d_whole", lambda: nn.Conv1d(3, 4, kernel_size=3, stride=2, padding=1),
                       lambda m: nn.utils.weight_norm(m, dim=None), x1d)
reparametrization_case("weight_norm_conv_transpose2d_dim1", lambda: nn.ConvTranspose2d(3, 2, kernel_size=3),
                       lambda m: nn.utils.weight_norm(m, dim=1), x4d)
reparametrization_case("spectral_norm_linear", lambda: nn.Linear(5, 3), nn.utils.spectral_norm, x2d)
reparametrization_case("spectral_norm_conv2d_two_iterations", lambda: nn.Conv2d(3, 6, kernel_size=3, padding=1),
                       lambda m: nn.utils.spectral_norm(m, n_power_iterations=2, eps=1e-6), x4d)
reparametrization_case("spectral_norm_conv_transpose1d", lambda: nn.ConvTranspose1d(3, 4, kernel_size=3), nn.utils.spectral_norm, x1d)

# Sparse gradients: an Embedding(10, 3, sparse=True) trained for six steps on batches of indices (repeats included,
# some rows never used), loss sum(rows · target); the table after each step.
sparse_problem = {"batches": [[1, 4, 4, 7], [0, 1, 9, 1], [4, 2, 2, 2], [7, 7, 1, 0], [3, 9, 4, 1], [1, 1, 1, 1]],
                  "target": inputs(120, 4, 3)}


def sparse_trajectory(make_optimizer, seed=121):
    torch.manual_seed(seed)
    embedding = nn.Embedding(10, 3, sparse=True)
    optimizer = make_optimizer(embedding.parameters())
    tables = []
    for batch in sparse_problem["batches"]:
        optimizer.zero_grad()
        (embedding(torch.tensor(batch)) * sparse_problem["target"]).sum().backward()
        optimizer.step()
        tables.append(pack(embedding.weight))
    return {"seed": seed, "tables": tables}


sparse_optimizers = {
    "sparse_adam": sparse_trajectory(lambda p: torch.optim.SparseAdam(list(p), lr=0.1)),
    "sparse_adam_betas_maximize": sparse_trajectory(lambda p: torch.optim.SparseAdam(list(p), lr=0.05, betas=(0.5, 0.9), eps=1e-6, maximize=True)),
    "sgd": sparse_trajectory(lambda p: torch.optim.SGD(p, lr=0.1)),
}

kl = {
    "normal": D.kl_divergence(D.Normal(torch.tensor([0.5, -1.0]), torch.tensor([1.5, 0.5])), D.Normal(torch.tensor([0.0, 0.0]), torch.tensor([1.0, 2.0]))),
    "bernoulli": D.kl_divergence(D.Bernoulli(probs=torch.tensor([0.2, 0.7])), D.Bernoulli(logits=torch.tensor([0.3, -0.4]))),
    "categorical": D.kl_divergence(D.Categorical(probs=torch.tensor([[0.1, 0.2, 0.7]])), D.Categorical(logits=torch.tensor([[0.5, -1.0, 2.0]]))),
    "exponential": D.kl_divergence(D.Exponential(torch.tensor([0.5, 2.0])), D.Exponential(torch.tensor([1.5, 1.0]))),
    "uniform": D.kl_divergence(D.Uniform(torch.tensor([0.0, -1.0]), torch.tensor([2.0, 3.0])), D.Uniform(torch.tensor([-1.0, -2.0]), torch.tensor([3.0, 3.5]))),
}

result = {
    "distributions": distributions,
    "kl": {k: pack(v) for k, v in kl.items()},
    "random_splits": random_splits,
    "inits": inits,
    "gains": gains,
    "modules": modules,
    "attention": attention,
    "packed": packed,
    "reparametrizations": reparametrizations,
    "sparse_optimizers": sparse_optimizers,
    "sparse_problem": {"batches": sparse_problem["batches"], "target": pack(sparse_problem["target"])},
    "losses": {k: pack(v) for k, v in losses.items()},
    "loss_inputs": {k: pack(v) for k, v in loss_inputs.items()},
    "optimizers": {k: pack(trajectory(v)) for k, v in optimizers.items()},
    "optimizer_problem": {"data": pack(inputs(13, 8, 3)), "goal": pack(inputs(14, 8, 2))},
    "lbfgs": lbfgs,
    "scheduled_optimizers": scheduled_optimizers,
    "schedulers": schedulers,
    "momentum_schedules": momentum_schedules,
    "plateau_metrics": metrics,
    "torch_version": torch.__version__,
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "nn_golden.json")
with open(path, "w") as f:
    json.dump(result, f)
print(f"wrote {path}: {len(modules)} modules, {len(losses)} losses, {len(optimizers)} optimizers, {len(schedulers)} schedulers")
