namespace NeuralCore.Distributions;

/// <summary>
/// A probability distribution over tensors (torch.distributions.Distribution): batch shape × event shape, samples,
/// log densities, entropy and moments, with PyTorch's parameterisations and sampling, so a seeded draw gives PyTorch's
/// numbers. Parameters are broadcast on construction; the distribution owns those tensors until disposed.
/// </summary>
public abstract class Distribution : IDisposable
{
    private readonly List<Tensor> owned = [];

    /// <summary>The shape of independent (not necessarily identical) distributions in the batch.</summary>
    public abstract long[] BatchShape { get; }

    /// <summary>The shape of one draw of one distribution ([] for scalars).</summary>
    public virtual long[] EventShape => [];

    /// <summary>Whether <see cref="RSample"/> is differentiable with respect to the parameters.</summary>
    public virtual bool HasRSample => false;

    /// <summary>Mean of each distribution in the batch.</summary>
    public abstract Tensor Mean { get; }

    /// <summary>Variance of each distribution in the batch.</summary>
    public abstract Tensor Variance { get; }

    /// <summary>Standard deviation: √Variance.</summary>
    public Tensor Stddev
    {
        get
        {
            using var variance = Variance;
            return variance.Sqrt();
        }
    }

    /// <summary>A draw of shape sampleShape + BatchShape + EventShape, outside autograd.</summary>
    public Tensor Sample(params long[] sampleShape)
    {
        ArgumentNullException.ThrowIfNull(sampleShape);
        using (Autograd.NoGrad()) return SampleCore(sampleShape);
    }

    /// <summary>A reparameterised draw whose gradient reaches the parameters (where <see cref="HasRSample"/>).</summary>
    public Tensor RSample(params long[] sampleShape)
    {
        ArgumentNullException.ThrowIfNull(sampleShape);
        return HasRSample ? RSampleCore(sampleShape) : throw new NotSupportedException($"{GetType().Name} has no reparameterised sampling");
    }

    /// <summary>How <see cref="Sample"/> draws; by default the reparameterised draw (PyTorch's default).</summary>
    protected virtual Tensor SampleCore(long[] sampleShape) => RSampleCore(sampleShape);

    /// <summary>How <see cref="RSample"/> draws.</summary>
    protected virtual Tensor RSampleCore(long[] sampleShape) => throw new NotSupportedException($"{GetType().Name} has no reparameterised sampling");

    /// <summary>The log density (or log mass) of <paramref name="value"/> under each distribution of the batch.</summary>
    public abstract Tensor LogProb(Tensor value);

    /// <summary>The entropy of each distribution in the batch, in nats.</summary>
    public abstract Tensor Entropy();

    /// <summary>sampleShape + BatchShape + EventShape.</summary>
    protected long[] ExtendedShape(long[] sampleShape) => [.. sampleShape, .. BatchShape, .. EventShape];

    /// <summary>Records a tensor the distribution made and releases on <see cref="Dispose()"/>.</summary>
    protected Tensor Own(Tensor tensor)
    {
        TensorScope.Unregister(tensor);
        owned.Add(tensor);
        return tensor;
    }

    /// <summary>Parameters broadcast to one shape, owned by the distribution.</summary>
    protected Tensor[] Broadcast(params Tensor[] parameters)
    {
        foreach (var parameter in parameters) ArgumentNullException.ThrowIfNull(parameter);
        var shape = parameters.Select(p => p.Shape).Aggregate(BroadcastShapes);
        return parameters.Select(p => Own(p.Expand(shape))).ToArray();
    }

    /// <summary>The shape two shapes broadcast to (PyTorch's rules); throws when they do not.</summary>
    private protected static long[] BroadcastShapes(long[] a, long[] b)
    {
        var length = Math.Max(a.Length, b.Length);
        var result = new long[length];
        for (var i = 0; i < length; i++)
        {
            var x = i < length - a.Length ? 1 : a[i - (length - a.Length)];
            var y = i < length - b.Length ? 1 : b[i - (length - b.Length)];
            if (x != y && x != 1 && y != 1)
                throw new ArgumentException($"parameter shapes [{string.Join(", ", a)}] and [{string.Join(", ", b)}] do not broadcast");
            result[i] = x == 1 ? y : x;
        }
        return result;
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (!disposing) return;
        foreach (var tensor in owned) tensor.Dispose();
        owned.Clear();
    }
}
