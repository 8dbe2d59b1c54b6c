using NeuralCore.Distributed;

namespace NeuralCore.NN;

/// <summary>
/// Batch normalisation whose training statistics cover the whole batch across the ranks of a process group
/// (torch.nn.SyncBatchNorm): each rank normalises its share with the mean and variance of every rank's share, and
/// gradients flow back through the all-reduced statistics to every rank's input. In evaluation mode, or without a
/// group of more than one rank, it is plain batch normalisation with the running statistics. input: (N, C, *).
/// </summary>
/// <remarks>
/// <see cref="Convert"/> swaps it in for every BatchNorm of a model. A field that held the old module must be able to
/// hold the new one: declare such fields as <see cref="BatchNormModule"/> or <see cref="Module"/>.
/// </remarks>
public sealed class SyncBatchNorm : BatchNormModule
{
    /// <param name="processGroup">The ranks whose batches are pooled; null: <see cref="ProcessGroup.Default"/> (the group
    /// <see cref="DistributedDataParallel"/> wraps it with, when it has none).</param>
    public SyncBatchNorm(long numFeatures, double eps = 1e-5, double momentum = 0.1, bool affine = true, bool trackRunningStats = true,
        ProcessGroup? processGroup = null, DType? dtype = null, Device? device = null)
        : base(numFeatures, eps, momentum, affine, trackRunningStats, dtype, device, [2, 3, 4, 5]) =>
        ProcessGroup = processGroup;

    private SyncBatchNorm(BatchNormModule source, ProcessGroup? processGroup)
        : base(source.NumFeatures, source.Eps, source.Momentum, [2, 3, 4, 5], source.Weight, source.Bias, source.RunningMean, source.RunningVar,
            source.NumBatchesTracked) =>
        ProcessGroup = processGroup;

    /// <summary>The group whose statistics are pooled; null means <see cref="ProcessGroup.Default"/>.</summary>
    public ProcessGroup? ProcessGroup { get; set; }

    /// <summary>
    /// Replaces every BatchNorm1d, BatchNorm2d and BatchNorm3d in <paramref name="module"/>'s tree by a SyncBatchNorm that
    /// takes over its parameters and buffers (the same tensors, under the same names), as
    /// torch.nn.SyncBatchNorm.convert_sync_batchnorm. Returns the module, or the new SyncBatchNorm when
    /// <paramref name="module"/> itself is a BatchNorm. Call it before creating the optimizer or wrapping in DDP.
    /// </summary>
    /// <exception cref="InvalidOperationException">A field declared with a BatchNorm type holds one: it cannot hold a SyncBatchNorm.</exception>
    public static Module Convert(Module module, ProcessGroup? processGroup = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        if (module is BatchNormModule root and not SyncBatchNorm) return Converted(root, processGroup);
        // Check every place first, so that a field that cannot take a SyncBatchNorm leaves the model unchanged.
        var targets = module.NamedModules()
            .SelectMany(parent => parent.Module.NamedChildren()
                .Where(c => c.Module is BatchNormModule and not SyncBatchNorm)
                .Select(c => (Parent: parent.Module, Child: (BatchNormModule)c.Module)))
            .ToList();
        if (targets.Select(t => t.Parent.ReplacementProblem(t.Child, typeof(SyncBatchNorm))).FirstOrDefault(p => p is not null) is { } problem)
            throw new InvalidOperationException($"SyncBatchNorm.Convert: {problem}");
        var replacements = new Dictionary<BatchNormModule, SyncBatchNorm>(ReferenceEqualityComparer.Instance);
        foreach (var (parent, child) in targets)
        {
            if (!replacements.TryGetValue(child, out var replacement)) replacements[child] = replacement = Converted(child, processGroup);
            parent.ReplaceChild(child, replacement);
        }
        return module;
    }

    private static SyncBatchNorm Converted(BatchNormModule norm, ProcessGroup? processGroup)
    {
        var converted = new SyncBatchNorm(norm, processGroup);
        converted.Train(norm.Training);
        return converted;
    }

    public override Tensor Forward(Tensor input)
    {
        CheckDimensions(input);
        var group = ProcessGroup ?? Distributed.ProcessGroup.Default;
        if (!Training || group is null || group.WorldSize == 1) return base.Forward(input);

        // Two passes over the pooled batch (mean, then the mean squared deviation): as exact as single-process batch norm.
        var channels = input.Size(1);
        var reduced = Enumerable.Range(0, input.Dimensions).Where(d => d != 1).Select(d => (long)d).ToArray();
        var broadcastShape = Enumerable.Range(0, input.Dimensions).Select(d => d == 1 ? channels : 1L).ToArray();
        using var localSum = input.Sum(reduced);
        using var localCount = Tensor.Full([1], (double)(input.NumberOfElements / channels), input.DType, input.Device);
        using var packed = Tensor.Cat([localSum, localCount]);
        using var total = group.AllReduceDifferentiable(packed);
        using var count = total.Narrow(0, channels, 1);
        var n = count.Item<double>();
        Functional.CheckMoreThanOneValuePerChannel(input.Shape, (long)n);
        using var sum = total.Narrow(0, 0, channels);
        using var mean = sum / n;
        using var meanShaped = mean.View(broadcastShape);
        using var centered = input - meanShaped;
        using var squares = centered * centered;
        using var localSquares = squares.Sum(reduced);
        using var totalSquares = group.AllReduceDifferentiable(localSquares);
        using var variance = totalSquares / n;
        using var shifted = variance + Eps;
        using var invStd = shifted.Rsqrt();
        using var invStdShaped = invStd.View(broadcastShape);
        var normalized = centered * invStdShaped;
        if (RunningMean is not null && RunningVar is not null)
            using (Autograd.NoGrad())
            {
                using var meanUpdate = mean * Momentum;
                using var varianceUpdate = variance * (Momentum * n / (n - 1));  // the running variance is unbiased
                RunningMean.MulInPlace(1 - Momentum).AddInPlace(meanUpdate);
                RunningVar.MulInPlace(1 - Momentum).AddInPlace(varianceUpdate);
                NumBatchesTracked?.AddInPlace(1);
            }
        if (Weight is null || Bias is null) return normalized;
        using (normalized)
        using (var weight = Weight.View(broadcastShape))
        using (var bias = Bias.View(broadcastShape))
        using (var scaled = normalized * weight)
            return scaled + bias;
    }
}
