namespace NeuralCore.NN;

/// <summary>
/// The state of batch and instance normalisation: per-channel affine weight and bias, running mean and variance and
/// the batch count, under PyTorch's state-dict keys.
/// </summary>
public abstract class NormalizationModule : Module
{
    private protected NormalizationModule(long numFeatures, double eps, double momentum, bool affine, bool trackRunningStats, DType? dtype, Device? device)
        : this(numFeatures, eps, momentum,
            affine ? new Parameter(Tensor.Ones([numFeatures], dtype, device)) : null,
            affine ? new Parameter(Tensor.Zeros([numFeatures], dtype, device)) : null,
            trackRunningStats ? Tensor.Zeros([numFeatures], dtype, device) : null,
            trackRunningStats ? Tensor.Ones([numFeatures], dtype, device) : null,
            trackRunningStats ? Tensor.Zeros([], DType.Int64, device) : null)
    {
    }

    /// <summary>Adopts existing state (the same objects, so optimizers holding the parameters stay valid).</summary>
    private protected NormalizationModule(long numFeatures, double eps, double momentum, Parameter? weight, Parameter? bias,
        Tensor? runningMean, Tensor? runningVar, Tensor? numBatchesTracked)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numFeatures, 1);
        (NumFeatures, Eps, Momentum) = (numFeatures, eps, momentum);
        (Weight, Bias, RunningMean, RunningVar, NumBatchesTracked) = (weight, bias, runningMean, runningVar, numBatchesTracked);
        RegisterParameter("weight", Weight);
        RegisterParameter("bias", Bias);
        RegisterBuffer("running_mean", RunningMean);
        RegisterBuffer("running_var", RunningVar);
        RegisterBuffer("num_batches_tracked", NumBatchesTracked);
    }

    public long NumFeatures { get; }
    public double Eps { get; }
    public double Momentum { get; }
    public Parameter? Weight { get; }
    public Parameter? Bias { get; }
    public Tensor? RunningMean { get; }
    public Tensor? RunningVar { get; }
    public Tensor? NumBatchesTracked { get; }
}

/// <summary>Shared parts of BatchNorm1d, BatchNorm2d, BatchNorm3d and SyncBatchNorm.</summary>
public abstract class BatchNormModule : NormalizationModule
{
    private readonly int[] acceptedDimensions;

    private protected BatchNormModule(long numFeatures, double eps, double momentum, bool affine, bool trackRunningStats, DType? dtype, Device? device,
        int[] acceptedDimensions)
        : base(numFeatures, eps, momentum, affine, trackRunningStats, dtype, device) => this.acceptedDimensions = acceptedDimensions;

    /// <summary>Adopts existing state (the same objects, so optimizers holding the parameters stay valid).</summary>
    private protected BatchNormModule(long numFeatures, double eps, double momentum, int[] acceptedDimensions, Parameter? weight, Parameter? bias,
        Tensor? runningMean, Tensor? runningVar, Tensor? numBatchesTracked)
        : base(numFeatures, eps, momentum, weight, bias, runningMean, runningVar, numBatchesTracked) => this.acceptedDimensions = acceptedDimensions;

    private protected void CheckDimensions(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var dimensions = input.Dimensions;
        if (!acceptedDimensions.Contains(dimensions))
            throw new ArgumentException($"{GetType().Name} expects a {string.Join(" or ", acceptedDimensions)}-D input, got {dimensions}-D " +
                $"[{string.Join(", ", input.Shape)}]", nameof(input));
    }

    public override Tensor Forward(Tensor input)
    {
        CheckDimensions(input);
        var useBatchStatistics = Training || RunningMean is null;
        if (Training && NumBatchesTracked is not null)
            using (Autograd.NoGrad()) NumBatchesTracked.AddInPlace(1);
        return Functional.BatchNorm(input, RunningMean, RunningVar, Weight, Bias, useBatchStatistics, Momentum, Eps);
    }

    protected override string ExtraRepresentation() => $"{NumFeatures}, eps={Eps}, momentum={Momentum}, affine={(Weight is not null ? "True" : "False")}";
}

/// <summary>Batch normalisation over (N, C) or (N, C, L) inputs (torch.nn.BatchNorm1d).</summary>
public sealed class BatchNorm1d(long numFeatures, double eps = 1e-5, double momentum = 0.1, bool affine = true, bool trackRunningStats = true,
    DType? dtype = null, Device? device = null)
    : BatchNormModule(numFeatures, eps, momentum, affine, trackRunningStats, dtype, device, [2, 3]);

/// <summary>Batch normalisation over (N, C, H, W) inputs (torch.nn.BatchNorm2d).</summary>
public sealed class BatchNorm2d(long numFeatures, double eps = 1e-5, double momentum = 0.1, bool affine = true, bool trackRunningStats = true,
    DType? dtype = null, Device? device = null)
    : BatchNormModule(numFeatures, eps, momentum, affine, trackRunningStats, dtype, device, [4]);

/// <summary>Batch normalisation over (N, C, D, H, W) inputs (torch.nn.BatchNorm3d).</summary>
public sealed class BatchNorm3d(long numFeatures, double eps = 1e-5, double momentum = 0.1, bool affine = true, bool trackRunningStats = true,
    DType? dtype = null, Device? device = null)
    : BatchNormModule(numFeatures, eps, momentum, affine, trackRunningStats, dtype, device, [5]);

/// <summary>Normalisation over the trailing dimensions <c>normalizedShape</c> (torch.nn.LayerNorm).</summary>
public sealed class LayerNorm : Module
{
    private readonly long[] normalizedShape;

    public LayerNorm(long[] normalizedShape, double eps = 1e-5, bool elementwiseAffine = true, DType? dtype = null, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(normalizedShape);
        (this.normalizedShape, Eps) = (normalizedShape.ToArray(), eps);
        Weight = elementwiseAffine ? new Parameter(Tensor.Ones(normalizedShape, dtype, device)) : null;
        Bias = elementwiseAffine ? new Parameter(Tensor.Zeros(normalizedShape, dtype, device)) : null;
        RegisterParameter("weight", Weight);
        RegisterParameter("bias", Bias);
    }

    public LayerNorm(long normalizedShape, double eps = 1e-5, bool elementwiseAffine = true) : this([normalizedShape], eps, elementwiseAffine) { }

    public double Eps { get; }
    public Parameter? Weight { get; }
    public Parameter? Bias { get; }

    public override Tensor Forward(Tensor input) => Functional.LayerNorm(input, normalizedShape, Weight, Bias, Eps);

    protected override string ExtraRepresentation() => $"({string.Join(", ", normalizedShape)},), eps={Eps}";
}

/// <summary>A lookup table of <c>numEmbeddings</c> vectors of size <c>embeddingDim</c> (torch.nn.Embedding). input: Int64 indices.</summary>
public sealed class Embedding : Module
{
    /// <param name="paddingIndex">A row that takes no gradient (zeroed at construction); negative counts from the end.</param>
    /// <param name="sparse">The weight's gradient is a sparse COO tensor of the rows used, for <see cref="Optim.SparseAdam"/> or <see cref="Optim.Sgd"/>.</param>
    public Embedding(long numEmbeddings, long embeddingDim, long? paddingIndex = null, bool sparse = false, DType? dtype = null, Device? device = null)
    {
        (weight, PaddingIndex) = EmbeddingTable.Create(numEmbeddings, embeddingDim, paddingIndex, dtype, device);
        Sparse = sparse;
        RegisterParameter("weight", weight);
        SupportComputedParameter("weight");
    }

    public long? PaddingIndex { get; }

    /// <summary>Whether the weight's gradient is sparse.</summary>
    public bool Sparse { get; }

    /// <summary>The table (numEmbeddings, embeddingDim). Assigning another module's parameter of that shape ties them, as in PyTorch.</summary>
    public Parameter Weight
    {
        get => weight;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            if (!value.Shape.SequenceEqual(weight.Shape))
                throw new ArgumentException($"Embedding's weight must have shape [{string.Join(", ", weight.Shape)}], got [{string.Join(", ", value.Shape)}]", nameof(value));
            weight = value;
            ReplaceParameter("weight", value);
        }
    }

    private Parameter weight;

    public override Tensor Forward(Tensor input)
    {
        using var computed = ComputedParameter("weight");
        return Functional.Embedding(input, computed ?? Weight, PaddingIndex, Sparse);
    }

    protected override string ExtraRepresentation() =>
        $"{Weight.Size(0)}, {Weight.Size(1)}" + (PaddingIndex is { } padding ? $", padding_idx={padding}" : "") + (Sparse ? ", sparse=True" : "");
}

/// <summary>
/// Normalisation over groups of channels (torch.nn.GroupNorm): the channels (dimension 1) fall into
/// <c>numGroups</c> groups, each normalised over its channels and the spatial dimensions. input: (N, C, *).
/// </summary>
public sealed class GroupNorm : Module
{
    public GroupNorm(long numGroups, long numChannels, double eps = 1e-5, bool affine = true, DType? dtype = null, Device? device = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numGroups, 1);
        if (numChannels % numGroups != 0)
            throw new ArgumentException($"num_channels ({numChannels}) must be divisible by num_groups ({numGroups})", nameof(numChannels));
        (NumGroups, NumChannels, Eps) = (numGroups, numChannels, eps);
        Weight = affine ? new Parameter(Tensor.Ones([numChannels], dtype, device)) : null;
        Bias = affine ? new Parameter(Tensor.Zeros([numChannels], dtype, device)) : null;
        RegisterParameter("weight", Weight);
        RegisterParameter("bias", Bias);
    }

    public long NumGroups { get; }
    public long NumChannels { get; }
    public double Eps { get; }
    public Parameter? Weight { get; }
    public Parameter? Bias { get; }

    public override Tensor Forward(Tensor input) => Functional.GroupNorm(input, NumGroups, Weight, Bias, Eps);

    protected override string ExtraRepresentation() => $"{NumGroups}, {NumChannels}, eps={Repr.Float(Eps)}, affine={(Weight is not null ? "True" : "False")}";
}

/// <summary>Shared parts of InstanceNorm1d, InstanceNorm2d and InstanceNorm3d.</summary>
public abstract class InstanceNormModule : NormalizationModule
{
    private readonly int batchedDimensions;

    private protected InstanceNormModule(long numFeatures, double eps, double momentum, bool affine, bool trackRunningStats, DType? dtype, Device? device,
        int batchedDimensions)
        : base(numFeatures, eps, momentum, affine, trackRunningStats, dtype, device) => this.batchedDimensions = batchedDimensions;

    /// <summary>Normalises each channel of each sample; an input without the batch dimension is treated as a batch of one.</summary>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var dimensions = input.Dimensions;
        if (dimensions != batchedDimensions && dimensions != batchedDimensions - 1)
            throw new ArgumentException($"{GetType().Name} expects a {batchedDimensions - 1}-D or {batchedDimensions}-D input, got {dimensions}-D " +
                $"[{string.Join(", ", input.Shape)}]", nameof(input));
        if (Weight is not null && input.Size(dimensions - batchedDimensions + 1) != NumFeatures)
            throw new ArgumentException($"{GetType().Name}: expected input's size at dim={dimensions - batchedDimensions + 1} to match num_features " +
                $"({NumFeatures}), but got {input.Size(dimensions - batchedDimensions + 1)}", nameof(input));
        var useInputStatistics = Training || RunningMean is null;
        if (dimensions == batchedDimensions)
            return Functional.InstanceNorm(input, RunningMean, RunningVar, Weight, Bias, useInputStatistics, Momentum, Eps);
        using var batch = input.Unsqueeze(0);
        using var output = Functional.InstanceNorm(batch, RunningMean, RunningVar, Weight, Bias, useInputStatistics, Momentum, Eps);
        return output.Squeeze(0);
    }

    protected override string ExtraRepresentation() =>
        $"{NumFeatures}, eps={Repr.Float(Eps)}, momentum={Repr.Float(Momentum)}, affine={(Weight is not null ? "True" : "False")}, " +
        $"track_running_stats={(RunningMean is not null ? "True" : "False")}";
}

/// <summary>Instance normalisation over (N, C, L) or (C, L) (torch.nn.InstanceNorm1d); affine and running statistics off by default.</summary>
public sealed class InstanceNorm1d(long numFeatures, double eps = 1e-5, double momentum = 0.1, bool affine = false, bool trackRunningStats = false,
    DType? dtype = null, Device? device = null)
    : InstanceNormModule(numFeatures, eps, momentum, affine, trackRunningStats, dtype, device, 3);

/// <summary>Instance normalisation over (N, C, H, W) or (C, H, W) (torch.nn.InstanceNorm2d); affine and running statistics off by default.</summary>
public sealed class InstanceNorm2d(long numFeatures, double eps = 1e-5, double momentum = 0.1, bool affine = false, bool trackRunningStats = false,
    DType? dtype = null, Device? device = null)
    : InstanceNormModule(numFeatures, eps, momentum, affine, trackRunningStats, dtype, device, 4);

/// <summary>Instance normalisation over (N, C, D, H, W) or (C, D, H, W) (torch.nn.InstanceNorm3d); affine and running statistics off by default.</summary>
public sealed class InstanceNorm3d(long numFeatures, double eps = 1e-5, double momentum = 0.1, bool affine = false, bool trackRunningStats = false,
    DType? dtype = null, Device? device = null)
    : InstanceNormModule(numFeatures, eps, momentum, affine, trackRunningStats, dtype, device, 5);

/// <summary>Local response normalisation across channels (torch.nn.LocalResponseNorm). input: (N, C, *).</summary>
public sealed class LocalResponseNorm(long size, double alpha = 1e-4, double beta = 0.75, double k = 1.0) : Module
{
    public override Tensor Forward(Tensor input) => Functional.LocalResponseNorm(input, size, alpha, beta, k);

    protected override string ExtraRepresentation() => $"{size}, alpha={Repr.Float(alpha)}, beta={Repr.Float(beta)}, k={Repr.Float(k)}";
}

/// <summary>
/// Root-mean-square normalisation over the trailing <c>normalizedShape</c> dimensions (torch.nn.RMSNorm): no centring,
/// a learned scale <c>weight</c> (ones), eps by default the dtype's machine epsilon.
/// </summary>
public sealed class RmsNorm : Module
{
    private readonly long[] normalizedShape;

    public RmsNorm(long[] normalizedShape, double? eps = null, bool elementwiseAffine = true, DType? dtype = null, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(normalizedShape);
        (this.normalizedShape, Eps) = (normalizedShape.ToArray(), eps);
        Weight = elementwiseAffine ? new Parameter(Tensor.Ones(normalizedShape, dtype, device)) : null;
        RegisterParameter("weight", Weight);
    }

    public RmsNorm(long normalizedShape, double? eps = null, bool elementwiseAffine = true) : this([normalizedShape], eps, elementwiseAffine) { }

    public double? Eps { get; }
    public Parameter? Weight { get; }

    public override Tensor Forward(Tensor input) => Functional.RmsNorm(input, normalizedShape, Weight, Eps);

    protected override string ExtraRepresentation() =>
        $"({string.Join(", ", normalizedShape)},), eps={(Eps is { } e ? Repr.Float(e) : "None")}, elementwise_affine={(Weight is not null ? "True" : "False")}";
}

/// <summary>
/// Sums, means or maxima of bags of embeddings without materialising them (torch.nn.EmbeddingBag).
/// <c>Forward(indices, offsets)</c>: 2-D indices are one bag per row; 1-D indices are split into bags at <c>offsets</c>.
/// </summary>
public sealed class EmbeddingBag : Module
{
    private readonly string mode;
    private readonly bool includeLastOffset;

    /// <param name="mode">sum, mean (default) or max.</param>
    /// <param name="includeLastOffset">The offsets end with the number of indices (the CSR layout).</param>
    /// <param name="paddingIndex">A row that never contributes to a bag and stays zero.</param>
    public EmbeddingBag(long numEmbeddings, long embeddingDim, string mode = "mean", bool includeLastOffset = false, long? paddingIndex = null,
        DType? dtype = null, Device? device = null)
    {
        if (mode is not ("sum" or "mean" or "max")) throw new ArgumentException($"mode must be sum, mean or max, got {mode}", nameof(mode));
        (this.mode, this.includeLastOffset) = (mode, includeLastOffset);
        (Weight, PaddingIndex) = EmbeddingTable.Create(numEmbeddings, embeddingDim, paddingIndex, dtype, device);
        RegisterParameter("weight", Weight);
    }

    public long? PaddingIndex { get; }
    public Parameter Weight { get; }

    /// <summary>One row per bag (B, embeddingDim).</summary>
    public Tensor Forward(Tensor input, Tensor? offsets, Tensor? perSampleWeights = null) =>
        Functional.EmbeddingBag(input, Weight, offsets, mode, perSampleWeights, includeLastOffset, PaddingIndex);

    /// <summary>2-D input: one bag per row.</summary>
    public override Tensor Forward(Tensor input) => Forward(input, null);

    protected override string ExtraRepresentation() => $"{Weight.Size(0)}, {Weight.Size(1)}, mode='{mode}'";
}

/// <summary>The weight of Embedding and EmbeddingBag as PyTorch makes it.</summary>
internal static class EmbeddingTable
{
    /// <summary>N(0, 1) rows with the padding row (negative counts from the end) zeroed; returns the padding row's index.</summary>
    public static (Parameter Weight, long? PaddingIndex) Create(long numEmbeddings, long embeddingDim, long? paddingIndex, DType? dtype, Device? device)
    {
        if (paddingIndex is { } p && (p >= numEmbeddings || p < -numEmbeddings))
            throw new ArgumentOutOfRangeException(nameof(paddingIndex), p, "must be within the number of embeddings");
        var padding = paddingIndex is { } index && index < 0 ? index + numEmbeddings : paddingIndex;
        var weight = new Parameter(Tensor.Empty([numEmbeddings, embeddingDim], dtype, device));
        Init.Normal(weight);
        if (padding is { } row)
            using (Autograd.NoGrad())
            using (var zeroed = weight[row])
                zeroed.ZeroInPlace();
        return (weight, padding);
    }
}
