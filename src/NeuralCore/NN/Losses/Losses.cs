namespace NeuralCore.NN;

/// <summary>A criterion: <c>Forward(input, target)</c> gives the loss (torch.nn's loss modules).</summary>
public abstract class Loss(Reduction reduction)
{
    /// <summary>How per-element losses are combined (default mean).</summary>
    public Reduction Reduction { get; } = reduction;

    /// <summary>The loss of <paramref name="input"/> against <paramref name="target"/>.</summary>
    /// <exception cref="TorchException">The shapes do not match (libtorch's message names both).</exception>
    public abstract Tensor Forward(Tensor input, Tensor target);
}

/// <summary>
/// Cross entropy of logits (N, C) against class indices (N) or class probabilities (N, C) (torch.nn.CrossEntropyLoss).
/// </summary>
/// <param name="weight">Per-class weights (C), or null.</param>
/// <param name="ignoreIndex">Targets equal to this do not contribute (class-index targets only).</param>
/// <param name="reduction">Mean (default), sum or none.</param>
/// <param name="labelSmoothing">Mixes the target with the uniform distribution by this amount, in [0, 1].</param>
public sealed class CrossEntropyLoss(Tensor? weight = null, long ignoreIndex = -100, Reduction reduction = Reduction.Mean, double labelSmoothing = 0.0)
    : Loss(reduction)
{
    public override Tensor Forward(Tensor input, Tensor target) => Functional.CrossEntropy(input, target, weight, ignoreIndex, Reduction, labelSmoothing);
}

/// <summary>Negative log-likelihood of log-probabilities (N, C) at class indices (N) (torch.nn.NLLLoss).</summary>
public sealed class NllLoss(Tensor? weight = null, long ignoreIndex = -100, Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    public override Tensor Forward(Tensor input, Tensor target) => Functional.NllLoss(input, target, weight, ignoreIndex, Reduction);
}

/// <summary>Mean squared error (torch.nn.MSELoss).</summary>
public sealed class MseLoss(Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    public override Tensor Forward(Tensor input, Tensor target) => Functional.MseLoss(input, target, Reduction);
}

/// <summary>Mean absolute error (torch.nn.L1Loss).</summary>
public sealed class L1Loss(Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    public override Tensor Forward(Tensor input, Tensor target) => Functional.L1Loss(input, target, Reduction);
}

/// <summary>Squared error below beta, absolute error above (torch.nn.SmoothL1Loss).</summary>
public sealed class SmoothL1Loss(Reduction reduction = Reduction.Mean, double beta = 1.0) : Loss(reduction)
{
    public override Tensor Forward(Tensor input, Tensor target) => Functional.SmoothL1Loss(input, target, Reduction, beta);
}

/// <summary>Squared error below delta, delta-scaled absolute error above (torch.nn.HuberLoss).</summary>
public sealed class HuberLoss(Reduction reduction = Reduction.Mean, double delta = 1.0) : Loss(reduction)
{
    public override Tensor Forward(Tensor input, Tensor target) => Functional.HuberLoss(input, target, Reduction, delta);
}

/// <summary>Binary cross entropy of probabilities (torch.nn.BCELoss).</summary>
public sealed class BceLoss(Tensor? weight = null, Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    public override Tensor Forward(Tensor input, Tensor target) => Functional.BinaryCrossEntropy(input, target, weight, Reduction);
}

/// <summary>Binary cross entropy of logits, sigmoid fused in (torch.nn.BCEWithLogitsLoss).</summary>
public sealed class BceWithLogitsLoss(Tensor? weight = null, Reduction reduction = Reduction.Mean, Tensor? positiveWeight = null) : Loss(reduction)
{
    public override Tensor Forward(Tensor input, Tensor target) =>
        Functional.BinaryCrossEntropyWithLogits(input, target, weight, positiveWeight, Reduction);
}
