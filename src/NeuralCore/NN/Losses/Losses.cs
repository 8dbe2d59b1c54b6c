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

/// <summary>
/// Kullback–Leibler divergence of the target distribution from log-probabilities <c>input</c> (torch.nn.KLDivLoss).
/// <paramref name="batchMean"/> is PyTorch's <c>reduction="batchmean"</c>: the sum divided by the batch size, the
/// divergence's mathematical definition (Mean averages over every element instead).
/// </summary>
public sealed class KlDivLoss(Reduction reduction = Reduction.Mean, bool logTarget = false, bool batchMean = false) : Loss(reduction)
{
    public override Tensor Forward(Tensor input, Tensor target)
    {
        if (!batchMean) return Functional.KlDiv(input, target, Reduction, logTarget);
        using var sum = Functional.KlDiv(input, target, Reduction.Sum, logTarget);
        return input.Dimensions == 0 ? sum.Clone() : sum / input.Size(0);
    }
}

/// <summary>Negative log-likelihood of Poisson counts (torch.nn.PoissonNLLLoss): input is the log-rate when <c>logInput</c>.</summary>
public sealed class PoissonNllLoss(bool logInput = true, bool full = false, double eps = 1e-8, Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    public override Tensor Forward(Tensor input, Tensor target) => Functional.PoissonNllLoss(input, target, logInput, full, eps, Reduction);
}

/// <summary>
/// Negative log-likelihood of the target under N(input, var) (torch.nn.GaussianNLLLoss): var has input's shape, or
/// holds one variance per sample (one dimension short, or a last dimension of 1).
/// </summary>
public sealed class GaussianNllLoss(bool full = false, double eps = 1e-6, Reduction reduction = Reduction.Mean)
{
    public Reduction Reduction { get; } = reduction;

    public Tensor Forward(Tensor input, Tensor target, Tensor var) => Functional.GaussianNllLoss(input, target, var, full, eps, Reduction);
}

/// <summary>max(0, −y · (x1 − x2) + margin) for y = ±1 (torch.nn.MarginRankingLoss).</summary>
public sealed class MarginRankingLoss(double margin = 0, Reduction reduction = Reduction.Mean)
{
    public Reduction Reduction { get; } = reduction;

    public Tensor Forward(Tensor input1, Tensor input2, Tensor target) => Functional.MarginRankingLoss(input1, input2, target, margin, Reduction);
}

/// <summary>x where y = 1, max(0, margin − x) where y = −1 (torch.nn.HingeEmbeddingLoss).</summary>
public sealed class HingeEmbeddingLoss(double margin = 1.0, Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    public override Tensor Forward(Tensor input, Tensor target) => Functional.HingeEmbeddingLoss(input, target, margin, Reduction);
}

/// <summary>Multi-label hinge loss; each target row lists the classes, ended by −1 (torch.nn.MultiLabelMarginLoss).</summary>
public sealed class MultiLabelMarginLoss(Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    public override Tensor Forward(Tensor input, Tensor target) => Functional.MultilabelMarginLoss(input, target, Reduction);
}

/// <summary>Per-class logistic losses against 0/1 targets, averaged over the classes (torch.nn.MultiLabelSoftMarginLoss).</summary>
public sealed class MultiLabelSoftMarginLoss(Tensor? weight = null, Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    public override Tensor Forward(Tensor input, Tensor target) => Functional.MultilabelSoftMarginLoss(input, target, weight, Reduction);
}

/// <summary>log(1 + exp(−y · x)) for y = ±1 (torch.nn.SoftMarginLoss).</summary>
public sealed class SoftMarginLoss(Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    public override Tensor Forward(Tensor input, Tensor target) => Functional.SoftMarginLoss(input, target, Reduction);
}

/// <summary>Multi-class hinge loss at class indices, p = 1 or 2 (torch.nn.MultiMarginLoss).</summary>
public sealed class MultiMarginLoss(long p = 1, double margin = 1.0, Tensor? weight = null, Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    public override Tensor Forward(Tensor input, Tensor target) => Functional.MultiMarginLoss(input, target, p, margin, weight, Reduction);
}

/// <summary>1 − cos(x1, x2) where y = 1, max(0, cos(x1, x2) − margin) where y = −1 (torch.nn.CosineEmbeddingLoss).</summary>
public sealed class CosineEmbeddingLoss(double margin = 0, Reduction reduction = Reduction.Mean)
{
    public Reduction Reduction { get; } = reduction;

    public Tensor Forward(Tensor input1, Tensor input2, Tensor target) => Functional.CosineEmbeddingLoss(input1, input2, target, margin, Reduction);
}

/// <summary>max(d(a, p) − d(a, n) + margin, 0) with the p-norm distance (torch.nn.TripletMarginLoss).</summary>
public sealed class TripletMarginLoss(double margin = 1.0, double p = 2, double eps = 1e-6, bool swap = false, Reduction reduction = Reduction.Mean)
{
    public Reduction Reduction { get; } = reduction;

    public Tensor Forward(Tensor anchor, Tensor positive, Tensor negative) =>
        Functional.TripletMarginLoss(anchor, positive, negative, margin, p, eps, swap, Reduction);
}

/// <summary>
/// max(d(a, p) − d(a, n) + margin, 0) with any distance (torch.nn.TripletMarginWithDistanceLoss); the default distance is
/// <see cref="Functional.PairwiseDistance"/>. <c>swap</c> uses the smaller of d(a, n) and d(p, n).
/// </summary>
public sealed class TripletMarginWithDistanceLoss(Func<Tensor, Tensor, Tensor>? distanceFunction = null, double margin = 1.0, bool swap = false,
    Reduction reduction = Reduction.Mean)
{
    public Reduction Reduction { get; } = reduction;

    public Tensor Forward(Tensor anchor, Tensor positive, Tensor negative)
    {
        if (margin <= 0) throw new ArgumentOutOfRangeException(nameof(margin), margin, "TripletMarginWithDistanceLoss: margin must be greater than 0");
        var distance = distanceFunction ?? ((x, y) => Functional.PairwiseDistance(x, y));
        using var scope = TensorScope.Begin();
        var positiveDistance = distance(anchor, positive);
        var negativeDistance = distance(anchor, negative);
        if (swap) negativeDistance = negativeDistance.Minimum(distance(positive, negative));
        var loss = (positiveDistance - negativeDistance + margin).Clamp(min: 0);
        return scope.Keep(Reduction switch
        {
            Reduction.Mean => loss.Mean(),
            Reduction.Sum => loss.Sum(),
            _ => loss,
        });
    }
}

/// <summary>
/// Connectionist temporal classification (torch.nn.CTCLoss): log-probabilities (T, N, C), targets (N, S) or
/// concatenated, Int64 input and target lengths (N); Mean divides each sample's loss by its target length first.
/// </summary>
public sealed class CtcLoss(long blank = 0, Reduction reduction = Reduction.Mean, bool zeroInfinity = false)
{
    public Reduction Reduction { get; } = reduction;

    public Tensor Forward(Tensor logProbs, Tensor targets, Tensor inputLengths, Tensor targetLengths) =>
        Functional.CtcLoss(logProbs, targets, inputLengths, targetLengths, blank, Reduction, zeroInfinity);
}
