namespace NeuralCore.Distributions;

/// <summary>N(loc, scale²) (torch.distributions.Normal); reparameterised.</summary>
public sealed class Normal : Distribution
{
    public Normal(Tensor loc, Tensor scale)
    {
        var parameters = Broadcast(loc, scale);
        (Loc, Scale) = (parameters[0], parameters[1]);
    }

    public Tensor Loc { get; }
    public Tensor Scale { get; }

    public override long[] BatchShape => Loc.Shape;
    public override bool HasRSample => true;
    public override Tensor Mean => Loc.Clone();
    public override Tensor Variance => Scale.Square();

    protected override Tensor SampleCore(long[] sampleShape)
    {
        using var scope = TensorScope.Begin();
        var shape = ExtendedShape(sampleShape);
        return scope.Keep(Tensor.Normal(Loc.Expand(shape), Scale.Expand(shape)));
    }

    protected override Tensor RSampleCore(long[] sampleShape)
    {
        using var scope = TensorScope.Begin();
        var epsilon = Tensor.Randn(ExtendedShape(sampleShape), Loc.DType, Loc.Device);
        return scope.Keep(Loc + epsilon * Scale);
    }

    public override Tensor LogProb(Tensor value)
    {
        using var scope = TensorScope.Begin();
        return scope.Keep(-(value - Loc).Square() / (2 * Scale.Square()) - Scale.Log() - Math.Log(Math.Sqrt(2 * Math.PI)));
    }

    public override Tensor Entropy()
    {
        using var scope = TensorScope.Begin();
        return scope.Keep(Scale.Log() + (0.5 + 0.5 * Math.Log(2 * Math.PI)));
    }
}

/// <summary>U(low, high) (torch.distributions.Uniform); reparameterised.</summary>
public sealed class Uniform : Distribution
{
    public Uniform(Tensor low, Tensor high)
    {
        var parameters = Broadcast(low, high);
        (Low, High) = (parameters[0], parameters[1]);
    }

    public Tensor Low { get; }
    public Tensor High { get; }

    public override long[] BatchShape => Low.Shape;
    public override bool HasRSample => true;

    public override Tensor Mean
    {
        get
        {
            using var scope = TensorScope.Begin();
            return scope.Keep((High + Low) / 2);
        }
    }

    public override Tensor Variance
    {
        get
        {
            using var scope = TensorScope.Begin();
            return scope.Keep((High - Low).Pow(2) / 12);
        }
    }

    protected override Tensor RSampleCore(long[] sampleShape)
    {
        using var scope = TensorScope.Begin();
        var unit = Tensor.Rand(ExtendedShape(sampleShape), Low.DType, Low.Device);
        return scope.Keep(Low + unit * (High - Low));
    }

    public override Tensor LogProb(Tensor value)
    {
        using var scope = TensorScope.Begin();
        var inside = Low.Le(value).To(Low.DType) * value.Lt(High).To(Low.DType);
        return scope.Keep(inside.Log() - (High - Low).Log());
    }

    public override Tensor Entropy()
    {
        using var scope = TensorScope.Begin();
        return scope.Keep((High - Low).Log());
    }
}

/// <summary>
/// 1 with probability <c>probs</c>, 0 otherwise (torch.distributions.Bernoulli), given by probabilities or by logits.
/// </summary>
public sealed class Bernoulli : Distribution
{
    private Bernoulli(Tensor probs, Tensor logits) => (Probs, Logits) = (Own(probs), Own(logits));

    /// <summary>From probabilities in [0, 1].</summary>
    public static Bernoulli FromProbs(Tensor probs)
    {
        ArgumentNullException.ThrowIfNull(probs);
        using var scope = TensorScope.Begin();
        var clamped = Probability.Clamp(probs);
        var logits = clamped.Log() - (-clamped).Log1p();
        return new Bernoulli(scope.Keep(probs.Alias()), scope.Keep(logits));
    }

    /// <summary>From log-odds.</summary>
    public static Bernoulli FromLogits(Tensor logits)
    {
        ArgumentNullException.ThrowIfNull(logits);
        return new Bernoulli(logits.Sigmoid(), logits.Alias());
    }

    public Tensor Probs { get; }
    public Tensor Logits { get; }

    public override long[] BatchShape => Probs.Shape;
    public override Tensor Mean => Probs.Clone();

    public override Tensor Variance
    {
        get
        {
            using var scope = TensorScope.Begin();
            return scope.Keep(Probs * (1 - Probs));
        }
    }

    protected override Tensor SampleCore(long[] sampleShape)
    {
        using var scope = TensorScope.Begin();
        return scope.Keep(Probs.Expand(ExtendedShape(sampleShape)).Bernoulli());
    }

    public override Tensor LogProb(Tensor value)
    {
        using var scope = TensorScope.Begin();
        var shape = BroadcastShapes(Logits.Shape, value.Shape);
        return scope.Keep(-NN.Functional.BinaryCrossEntropyWithLogits(Logits.Expand(shape), value.Expand(shape), reduction: NN.Reduction.None));
    }

    public override Tensor Entropy() => NN.Functional.BinaryCrossEntropyWithLogits(Logits, Probs, reduction: NN.Reduction.None);
}

/// <summary>
/// One of K categories with probabilities <c>probs</c> over the last dimension (torch.distributions.Categorical), given
/// by (unnormalised) probabilities or by logits. Samples are Int64 category indices.
/// </summary>
public sealed class Categorical : Distribution
{
    private Categorical(Tensor probs, Tensor logits) => (Probs, Logits) = (Own(probs), Own(logits));

    /// <summary>From non-negative weights over the last dimension (normalised to sum to 1).</summary>
    public static Categorical FromProbs(Tensor probs)
    {
        ArgumentNullException.ThrowIfNull(probs);
        if (probs.Dimensions < 1) throw new ArgumentException("probs must have at least one dimension", nameof(probs));
        using var scope = TensorScope.Begin();
        var normalised = probs / probs.Sum([-1], keepDim: true);
        return new Categorical(scope.Keep(normalised), scope.Keep(Probability.Clamp(normalised).Log()));
    }

    /// <summary>From unnormalised log-probabilities over the last dimension.</summary>
    public static Categorical FromLogits(Tensor logits)
    {
        ArgumentNullException.ThrowIfNull(logits);
        if (logits.Dimensions < 1) throw new ArgumentException("logits must have at least one dimension", nameof(logits));
        using var scope = TensorScope.Begin();
        var normalised = logits - logits.LogSumExp([-1], keepDim: true);
        return new Categorical(scope.Keep(normalised.Exp()), scope.Keep(normalised));
    }

    public Tensor Probs { get; }

    /// <summary>Normalised log-probabilities.</summary>
    public Tensor Logits { get; }

    public long NumEvents => Probs.Size(-1);
    public override long[] BatchShape => Probs.Shape[..^1];

    public override Tensor Mean => Tensor.Full(BatchShape, double.NaN, Probs.DType, Probs.Device);
    public override Tensor Variance => Tensor.Full(BatchShape, double.NaN, Probs.DType, Probs.Device);

    protected override Tensor SampleCore(long[] sampleShape)
    {
        using var scope = TensorScope.Begin();
        var count = sampleShape.Aggregate(1L, (a, b) => a * b);
        var samples = Probs.Reshape(-1, NumEvents).Multinomial(count, replacement: true).T;
        return scope.Keep(samples.Reshape([.. sampleShape, .. BatchShape]));
    }

    public override Tensor LogProb(Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        using var scope = TensorScope.Begin();
        var index = value.To(DType.Int64).Unsqueeze(-1);
        var shape = BroadcastShapes(index.Shape, [.. BatchShape, 1]);
        var logits = Logits.Expand([.. shape[..^1], NumEvents]);
        return scope.Keep(logits.Gather(-1, index.Expand(shape)).Squeeze(-1));
    }

    public override Tensor Entropy()
    {
        using var scope = TensorScope.Begin();
        var minimum = Probs.DType == DType.Float64 ? double.MinValue : float.MinValue;
        var logits = Logits.Clamp(min: minimum);
        return scope.Keep(-(logits * Probs).Sum([-1]));
    }
}

/// <summary>Exponential with <c>rate</c> (torch.distributions.Exponential); reparameterised.</summary>
public sealed class Exponential : Distribution
{
    public Exponential(Tensor rate) => Rate = Broadcast(rate)[0];

    public Tensor Rate { get; }

    public override long[] BatchShape => Rate.Shape;
    public override bool HasRSample => true;
    public override Tensor Mean => Rate.Reciprocal();
    public override Tensor Variance => Rate.Pow(-2);

    protected override Tensor RSampleCore(long[] sampleShape)
    {
        using var scope = TensorScope.Begin();
        return scope.Keep(Tensor.Exponential(ExtendedShape(sampleShape), 1, Rate.DType, Rate.Device) / Rate);
    }

    public override Tensor LogProb(Tensor value)
    {
        using var scope = TensorScope.Begin();
        return scope.Keep(Rate.Log() - Rate * value);
    }

    public override Tensor Entropy()
    {
        using var scope = TensorScope.Begin();
        return scope.Keep(1 - Rate.Log());
    }
}

/// <summary>KL(p ‖ q) for the pairs torch.distributions registers among these distributions.</summary>
public static class KullbackLeibler
{
    /// <summary>The divergence of <paramref name="q"/> from <paramref name="p"/> for each distribution of the batch.</summary>
    /// <exception cref="NotSupportedException">The pair has no closed form here (as PyTorch's NotImplementedError).</exception>
    public static Tensor KlDivergence(Distribution p, Distribution q)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(q);
        using var scope = TensorScope.Begin();
        Tensor result = (p, q) switch
        {
            (Normal a, Normal b) => NormalNormal(a, b),
            (Bernoulli a, Bernoulli b) => BernoulliBernoulli(a, b),
            (Categorical a, Categorical b) => CategoricalCategorical(a, b),
            (Exponential a, Exponential b) => ExponentialExponential(a, b),
            (Uniform a, Uniform b) => UniformUniform(a, b),
            _ => throw new NotSupportedException($"no KL divergence between {p.GetType().Name} and {q.GetType().Name}"),
        };
        return scope.Keep(result);
    }

    private static Tensor NormalNormal(Normal p, Normal q)
    {
        var varianceRatio = (p.Scale / q.Scale).Square();
        var shift = ((p.Loc - q.Loc) / q.Scale).Square();
        return 0.5 * (varianceRatio + shift - 1 - varianceRatio.Log());
    }

    private static Tensor BernoulliBernoulli(Bernoulli p, Bernoulli q)
    {
        var first = p.Probs * (NN.Functional.Softplus(-q.Logits) - NN.Functional.Softplus(-p.Logits));
        first = first.MaskedFill(q.Probs.Eq(0), double.PositiveInfinity).MaskedFill(p.Probs.Eq(0), 0);
        var second = (1 - p.Probs) * (NN.Functional.Softplus(q.Logits) - NN.Functional.Softplus(p.Logits));
        second = second.MaskedFill(q.Probs.Eq(1), double.PositiveInfinity).MaskedFill(p.Probs.Eq(1), 0);
        return first + second;
    }

    private static Tensor CategoricalCategorical(Categorical p, Categorical q)
    {
        var terms = p.Probs * (p.Logits - q.Logits);
        terms = terms.MaskedFill(q.Probs.Eq(0).ExpandAs(terms), double.PositiveInfinity).MaskedFill(p.Probs.Eq(0).ExpandAs(terms), 0);
        return terms.Sum([-1]);
    }

    private static Tensor ExponentialExponential(Exponential p, Exponential q)
    {
        var ratio = q.Rate / p.Rate;
        return -ratio.Log() + ratio - 1;
    }

    private static Tensor UniformUniform(Uniform p, Uniform q)
    {
        var result = ((q.High - q.Low) / (p.High - p.Low)).Log();
        return result.MaskedFill(q.Low.Gt(p.Low).LogicalOr(q.High.Lt(p.High)), double.PositiveInfinity);
    }
}

/// <summary>PyTorch's clamp_probs: probabilities kept eps away from 0 and 1 (eps of the dtype).</summary>
internal static class Probability
{
    public static Tensor Clamp(Tensor probs)
    {
        var eps = probs.DType == DType.Float64 ? 2.220446049250313e-16 : 1.1920928955078125e-07;  // torch.finfo(dtype).eps
        return probs.Clamp(eps, 1 - eps);
    }

    /// <summary>torch.finfo(dtype).tiny: the smallest positive normal number.</summary>
    public static double Tiny(DType dtype) => dtype == DType.Float64 ? 2.2250738585072014e-308 : 1.1754943508222875e-38;
}
