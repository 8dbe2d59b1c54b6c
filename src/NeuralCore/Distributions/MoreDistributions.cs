using NeuralCore.Interop;

namespace NeuralCore.Distributions;

/// <summary>Gamma(concentration, rate) (torch.distributions.Gamma); reparameterised.</summary>
public sealed class Gamma : Distribution
{
    public Gamma(Tensor concentration, Tensor rate)
    {
        var parameters = Broadcast(concentration, rate);
        (Concentration, Rate) = (parameters[0], parameters[1]);
    }

    public Tensor Concentration { get; }
    public Tensor Rate { get; }

    public override long[] BatchShape => Rate.Shape;
    public override bool HasRSample => true;
    public override Tensor Mean => Concentration / Rate;

    public override Tensor Variance
    {
        get
        {
            using var scope = TensorScope.Begin();
            return scope.Keep(Concentration / Rate.Square());
        }
    }

    protected override Tensor RSampleCore(long[] sampleShape)
    {
        using var scope = TensorScope.Begin();
        var shape = ExtendedShape(sampleShape);
        var value = LibTorch.TensorStandardGamma(Concentration.Expand(shape)) / Rate.Expand(shape);
        using (Autograd.NoGrad())
        using (var raw = value.Detach())
            raw.ClampInPlace(min: Probability.Tiny(value.DType));  // as PyTorch: outside the graph
        return scope.Keep(value);
    }

    public override Tensor LogProb(Tensor value)
    {
        using var scope = TensorScope.Begin();
        return scope.Keep(Concentration.Xlogy(Rate) + (Concentration - 1).Xlogy(value) - Rate * value - Concentration.Lgamma());
    }

    public override Tensor Entropy()
    {
        using var scope = TensorScope.Begin();
        return scope.Keep(Concentration - Rate.Log() + Concentration.Lgamma() + (1.0 - Concentration) * Concentration.Digamma());
    }
}

/// <summary>
/// Dirichlet over the last dimension of <c>concentration</c> (torch.distributions.Dirichlet). Samples come from
/// libtorch's sampler; <see cref="Distribution.RSample"/> is not offered (its gradient needs PyTorch's Python-side
/// autograd function).
/// </summary>
public sealed class Dirichlet : Distribution
{
    public Dirichlet(Tensor concentration)
    {
        ArgumentNullException.ThrowIfNull(concentration);
        if (concentration.Dimensions < 1) throw new ArgumentException("concentration must have at least one dimension", nameof(concentration));
        Concentration = Own(concentration.Alias());
    }

    public Tensor Concentration { get; }

    public override long[] BatchShape => Concentration.Shape[..^1];
    public override long[] EventShape => [Concentration.Size(-1)];

    public override Tensor Mean
    {
        get
        {
            using var scope = TensorScope.Begin();
            return scope.Keep(Concentration / Concentration.Sum([-1], keepDim: true));
        }
    }

    public override Tensor Variance
    {
        get
        {
            using var scope = TensorScope.Begin();
            var total = Concentration.Sum([-1], keepDim: true);
            return scope.Keep(Concentration * (total - Concentration) / (total.Square() * (total + 1)));
        }
    }

    protected override Tensor SampleCore(long[] sampleShape)
    {
        using var scope = TensorScope.Begin();
        return scope.Keep(LibTorch.TensorSampleDirichlet(Concentration.Expand(ExtendedShape(sampleShape))));
    }

    public override Tensor LogProb(Tensor value)
    {
        using var scope = TensorScope.Begin();
        return scope.Keep((Concentration - 1.0).Xlogy(value).Sum([-1]) + Concentration.Sum([-1]).Lgamma() - Concentration.Lgamma().Sum([-1]));
    }

    public override Tensor Entropy()
    {
        using var scope = TensorScope.Begin();
        var k = Concentration.Size(-1);
        var total = Concentration.Sum([-1]);
        return scope.Keep(Concentration.Lgamma().Sum([-1]) - total.Lgamma() - (k - total) * total.Digamma() -
                          ((Concentration - 1.0) * Concentration.Digamma()).Sum([-1]));
    }
}

/// <summary>Beta(concentration1, concentration0) on [0, 1] (torch.distributions.Beta), a two-category Dirichlet.</summary>
public sealed class Beta : Distribution
{
    private readonly Dirichlet dirichlet;

    public Beta(Tensor concentration1, Tensor concentration0)
    {
        var parameters = Broadcast(concentration1, concentration0);
        (Concentration1, Concentration0) = (parameters[0], parameters[1]);
        using var stacked = Tensor.Stack([Concentration1, Concentration0], -1);
        dirichlet = new Dirichlet(stacked);
    }

    public Tensor Concentration1 { get; }
    public Tensor Concentration0 { get; }

    public override long[] BatchShape => Concentration1.Shape;

    public override Tensor Mean
    {
        get
        {
            using var scope = TensorScope.Begin();
            return scope.Keep(Concentration1 / (Concentration1 + Concentration0));
        }
    }

    public override Tensor Variance
    {
        get
        {
            using var scope = TensorScope.Begin();
            var total = Concentration1 + Concentration0;
            return scope.Keep(Concentration1 * Concentration0 / (total.Square() * (total + 1)));
        }
    }

    protected override Tensor SampleCore(long[] sampleShape)
    {
        using var scope = TensorScope.Begin();
        return scope.Keep(dirichlet.Sample(sampleShape).Select(-1, 0));
    }

    public override Tensor LogProb(Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        using var scope = TensorScope.Begin();
        return scope.Keep(dirichlet.LogProb(Tensor.Stack([value, 1.0 - value], -1)));
    }

    public override Tensor Entropy() => dirichlet.Entropy();

    protected override void Dispose(bool disposing)
    {
        if (disposing) dirichlet.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>Poisson counts with <c>rate</c> (torch.distributions.Poisson).</summary>
public sealed class Poisson : Distribution
{
    public Poisson(Tensor rate) => Rate = Broadcast(rate)[0];

    public Tensor Rate { get; }

    public override long[] BatchShape => Rate.Shape;
    public override Tensor Mean => Rate.Clone();
    public override Tensor Variance => Rate.Clone();

    protected override Tensor SampleCore(long[] sampleShape)
    {
        using var scope = TensorScope.Begin();
        return scope.Keep(Rate.Expand(ExtendedShape(sampleShape)).Poisson());
    }

    public override Tensor LogProb(Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        using var scope = TensorScope.Begin();
        return scope.Keep(value.Xlogy(Rate) - Rate - (value + 1).Lgamma());
    }

    /// <summary>PyTorch has no closed form either.</summary>
    public override Tensor Entropy() => throw new NotSupportedException("Poisson has no closed-form entropy");
}

/// <summary>Successes in <c>totalCount</c> Bernoulli trials (torch.distributions.Binomial), by probabilities or logits.</summary>
public sealed class Binomial : Distribution
{
    private Binomial(Tensor totalCount, Tensor probs, Tensor logits)
    {
        var parameters = Broadcast(totalCount, probs, logits);
        (TotalCount, Probs, Logits) = (parameters[0], parameters[1], parameters[2]);
    }

    /// <summary>From the number of trials and the success probability.</summary>
    public static Binomial FromProbs(Tensor totalCount, Tensor probs)
    {
        ArgumentNullException.ThrowIfNull(probs);
        using var scope = TensorScope.Begin();
        var clamped = Probability.Clamp(probs);
        return new Binomial(totalCount, probs, clamped.Log() - (-clamped).Log1p());
    }

    /// <summary>From the number of trials and the success log-odds.</summary>
    public static Binomial FromLogits(Tensor totalCount, Tensor logits)
    {
        ArgumentNullException.ThrowIfNull(logits);
        using var scope = TensorScope.Begin();
        return new Binomial(totalCount, logits.Sigmoid(), logits);
    }

    public Tensor TotalCount { get; }
    public Tensor Probs { get; }
    public Tensor Logits { get; }

    public override long[] BatchShape => Probs.Shape;
    public override Tensor Mean => TotalCount * Probs;

    public override Tensor Variance
    {
        get
        {
            using var scope = TensorScope.Begin();
            return scope.Keep(TotalCount * Probs * (1 - Probs));
        }
    }

    protected override Tensor SampleCore(long[] sampleShape)
    {
        using var scope = TensorScope.Begin();
        var shape = ExtendedShape(sampleShape);
        return scope.Keep(LibTorch.TensorBinomial(TotalCount.Expand(shape), Probs.Expand(shape)));
    }

    public override Tensor LogProb(Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        using var scope = TensorScope.Begin();
        var clampedByZero = (Logits.Clamp(min: 0) + Logits - Logits.Clamp(max: 0)) / 2;
        var normalizer = TotalCount * clampedByZero + TotalCount * (-Logits.Abs()).Exp().Log1p() - (TotalCount + 1).Lgamma();
        return scope.Keep(value * Logits - (value + 1).Lgamma() - (TotalCount - value + 1).Lgamma() - normalizer);
    }

    /// <summary>Not offered here (PyTorch sums over the enumerated support).</summary>
    public override Tensor Entropy() => throw new NotSupportedException("Binomial's entropy is not offered");
}

/// <summary>
/// Reinterprets the rightmost <c>reinterpretedBatchDims</c> batch dimensions of <c>baseDistribution</c> as event
/// dimensions (torch.distributions.Independent): log densities and entropies sum over them.
/// </summary>
public sealed class Independent : Distribution
{
    private readonly Distribution baseDistribution;
    private readonly int dims;

    public Independent(Distribution baseDistribution, int reinterpretedBatchDims)
    {
        this.baseDistribution = baseDistribution ?? throw new ArgumentNullException(nameof(baseDistribution));
        if (reinterpretedBatchDims < 0 || reinterpretedBatchDims > baseDistribution.BatchShape.Length)
            throw new ArgumentOutOfRangeException(nameof(reinterpretedBatchDims), reinterpretedBatchDims,
                $"must be within the base distribution's {baseDistribution.BatchShape.Length} batch dimensions");
        dims = reinterpretedBatchDims;
    }

    public override long[] BatchShape => baseDistribution.BatchShape[..^dims];
    public override long[] EventShape => [.. baseDistribution.BatchShape[^dims..], .. baseDistribution.EventShape];
    public override bool HasRSample => baseDistribution.HasRSample;
    public override Tensor Mean => baseDistribution.Mean;
    public override Tensor Variance => baseDistribution.Variance;

    protected override Tensor SampleCore(long[] sampleShape) => baseDistribution.Sample(sampleShape);

    protected override Tensor RSampleCore(long[] sampleShape) => baseDistribution.RSample(sampleShape);

    public override Tensor LogProb(Tensor value)
    {
        using var scope = TensorScope.Begin();
        return scope.Keep(SumRightmost(baseDistribution.LogProb(value)));
    }

    public override Tensor Entropy()
    {
        using var scope = TensorScope.Begin();
        return scope.Keep(SumRightmost(baseDistribution.Entropy()));
    }

    private Tensor SumRightmost(Tensor value) => dims == 0 ? value : value.Sum(Enumerable.Range(1, dims).Select(i => (long)-i).ToArray());
}

/// <summary>
/// N(loc, Σ) over vectors of the last dimension (torch.distributions.MultivariateNormal), given by the covariance
/// matrix or its lower Cholesky factor <c>scaleTril</c>; reparameterised. loc: (*, k), Σ: (*, k, k).
/// </summary>
public sealed class MultivariateNormal : Distribution
{
    private MultivariateNormal(Tensor loc, Tensor scaleTril)
    {
        ArgumentNullException.ThrowIfNull(loc);
        if (loc.Dimensions < 1) throw new ArgumentException("loc must be at least one-dimensional", nameof(loc));
        if (scaleTril.Dimensions < 2 || scaleTril.Size(-1) != scaleTril.Size(-2) || scaleTril.Size(-1) != loc.Size(-1))
            throw new ArgumentException($"the scale must be (*, {loc.Size(-1)}, {loc.Size(-1)}), got [{string.Join(", ", scaleTril.Shape)}]");
        var k = loc.Size(-1);
        var batch = BroadcastShapes(loc.Shape[..^1], scaleTril.Shape[..^2]);
        Loc = Own(loc.Expand([.. batch, k]));
        ScaleTril = Own(scaleTril.Expand([.. batch, k, k]));
    }

    /// <summary>From the covariance matrix (symmetric positive definite).</summary>
    public static MultivariateNormal FromCovariance(Tensor loc, Tensor covarianceMatrix)
    {
        ArgumentNullException.ThrowIfNull(covarianceMatrix);
        using var scale = Linalg.Cholesky(covarianceMatrix);
        return new MultivariateNormal(loc, scale);
    }

    /// <summary>From the lower-triangular Cholesky factor of the covariance.</summary>
    public static MultivariateNormal FromScaleTril(Tensor loc, Tensor scaleTril)
    {
        ArgumentNullException.ThrowIfNull(scaleTril);
        return new MultivariateNormal(loc, scaleTril);
    }

    public Tensor Loc { get; }
    public Tensor ScaleTril { get; }

    public override long[] BatchShape => Loc.Shape[..^1];
    public override long[] EventShape => [Loc.Size(-1)];
    public override bool HasRSample => true;
    public override Tensor Mean => Loc.Clone();
    public override Tensor Variance => ScaleTril.Square().Sum([-1]);

    /// <summary>Σ = L · Lᵀ.</summary>
    public Tensor CovarianceMatrix => ScaleTril.MatMul(ScaleTril.Transpose(-1, -2));

    protected override Tensor RSampleCore(long[] sampleShape)
    {
        using var scope = TensorScope.Begin();
        var epsilon = Tensor.Randn(ExtendedShape(sampleShape), Loc.DType, Loc.Device);
        return scope.Keep(Loc + ScaleTril.MatMul(epsilon.Unsqueeze(-1)).Squeeze(-1));
    }

    public override Tensor LogProb(Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        using var scope = TensorScope.Begin();
        var difference = value - Loc;
        var scale = ScaleTril.Expand([.. difference.Shape, Loc.Size(-1)]);
        var whitened = Linalg.Solve(scale, difference.Unsqueeze(-1)).Squeeze(-1);  // L⁻¹ (x − μ)
        var mahalanobis = whitened.Square().Sum([-1]);
        return scope.Keep(-0.5 * (Loc.Size(-1) * Math.Log(2 * Math.PI) + mahalanobis) - HalfLogDet());
    }

    public override Tensor Entropy()
    {
        using var scope = TensorScope.Begin();
        return scope.Keep(0.5 * Loc.Size(-1) * (1.0 + Math.Log(2 * Math.PI)) + HalfLogDet());
    }

    private Tensor HalfLogDet() => ScaleTril.Diagonal(0, -2, -1).Log().Sum([-1]);
}
