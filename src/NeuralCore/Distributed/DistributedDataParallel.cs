using NeuralCore.Interop;
using NeuralCore.Interop.Handles;
using NeuralCore.NN;

namespace NeuralCore.Distributed;

/// <summary>
/// Data parallelism across processes (torch.nn.parallel.DistributedDataParallel) on c10d: at construction every rank
/// takes rank 0's parameters and buffers; during <c>Backward()</c> each parameter's accumulated gradient is copied into
/// buckets of about <c>bucketCapMegabytes</c> (in the order backward produces them), and each full bucket is summed over
/// the ranks asynchronously, so communication overlaps the rest of the backward pass. When backward ends, every
/// <c>.Grad</c> is replaced by its bucket divided by the world size: all ranks hold the same bytes, take the same
/// optimizer step, and their parameters stay bitwise identical. Each rank feeds its own share of the batch
/// (see <see cref="DistributedSampler"/>).
/// </summary>
/// <example>
/// <code>
/// using var ddp = new DistributedDataParallel(model, group);
/// foreach (var micro in microBatches[..^1])
///     using (ddp.NoSync()) Loss(ddp.Forward(micro)).Backward();  // accumulates locally, no communication
/// Loss(ddp.Forward(microBatches[^1])).Backward();                 // all-reduces everything accumulated
/// optimizer.Step();
/// </code>
/// </example>
public sealed class DistributedDataParallel : Module
{
    private readonly ReducerSession session;

    /// <param name="module">The replica this rank trains; its parameters and buffers are overwritten with rank 0's.</param>
    /// <param name="group">The ranks that train together.</param>
    /// <param name="bucketCapMegabytes">Size of the gradient buckets (default 25, as PyTorch).</param>
    /// <param name="findUnusedParameters">
    /// False (default): a backward that gives some parameter no gradient fails, naming the parameters. True: such
    /// parameters contribute what their <c>.Grad</c> holds (zeros when none), so every rank still agrees; parameters no
    /// rank used keep no gradient, as in PyTorch.
    /// </param>
    /// <param name="broadcastBuffers">True (default): each forward in training mode first copies rank 0's buffers (batch
    /// norm running statistics) to every rank.</param>
    public DistributedDataParallel(Module module, ProcessGroup group, double bucketCapMegabytes = 25, bool findUnusedParameters = false,
        bool broadcastBuffers = true)
    {
        Module = module ?? throw new ArgumentNullException(nameof(module));
        session = new ReducerSession(module, group, bucketCapMegabytes, findUnusedParameters, broadcastBuffers);
        RegisterModule("module", module);
    }

    /// <summary>
    /// Wraps a two-input module (torch's <c>DistributedDataParallel(model)(a, b)</c>); everything else as the
    /// one-input form.
    /// </summary>
    public static DistributedDataParallel<T1, T2, TResult> Create<T1, T2, TResult>(Module<T1, T2, TResult> module, ProcessGroup group,
        double bucketCapMegabytes = 25, bool findUnusedParameters = false, bool broadcastBuffers = true) =>
        new(module, group, bucketCapMegabytes, findUnusedParameters, broadcastBuffers);

    /// <summary>The wrapped module (state dict keys carry the prefix <c>module.</c>, as in PyTorch).</summary>
    public Module Module { get; }

    public bool FindUnusedParameters => session.FindUnusedParameters;

    public bool BroadcastBuffers => session.BroadcastBuffers;

    /// <summary>Runs the wrapped module, after taking rank 0's buffers when training with <c>broadcastBuffers</c>.</summary>
    public override Tensor Forward(Tensor input)
    {
        session.BeforeForward(Training);
        return Module.Call(input);
    }

    /// <summary>
    /// Until the returned object is disposed, backward passes only accumulate gradients locally, with no communication
    /// (PyTorch's <c>no_sync()</c>); the first backward after it all-reduces everything accumulated. Use it for every
    /// micro-batch of a gradient-accumulation step but the last.
    /// </summary>
    public IDisposable NoSync() => session.NoSync();

    /// <summary>The ranks that train together.</summary>
    public ProcessGroup ProcessGroup => session.Group;

    protected override void Dispose(bool disposing)
    {
        if (disposing) session.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary><see cref="DistributedDataParallel"/> for a module with two inputs (<see cref="DistributedDataParallel.Create{T1, T2, TResult}"/>).</summary>
public sealed class DistributedDataParallel<T1, T2, TResult> : Module<T1, T2, TResult>
{
    private readonly ReducerSession session;

    internal DistributedDataParallel(Module<T1, T2, TResult> module, ProcessGroup group, double bucketCapMegabytes, bool findUnusedParameters,
        bool broadcastBuffers)
    {
        Module = module ?? throw new ArgumentNullException(nameof(module));
        session = new ReducerSession(module, group, bucketCapMegabytes, findUnusedParameters, broadcastBuffers);
        RegisterModule("module", module);
    }

    /// <summary>The wrapped module.</summary>
    public Module<T1, T2, TResult> Module { get; }

    public bool FindUnusedParameters => session.FindUnusedParameters;

    public bool BroadcastBuffers => session.BroadcastBuffers;

    /// <summary>Runs the wrapped module, after taking rank 0's buffers when training with <c>broadcastBuffers</c>.</summary>
    public override TResult Forward(T1 input1, T2 input2)
    {
        session.BeforeForward(Training);
        return Module.Call(input1, input2);
    }

    /// <inheritdoc cref="DistributedDataParallel.NoSync"/>
    public IDisposable NoSync() => session.NoSync();

    /// <summary>The ranks that train together.</summary>
    public ProcessGroup ProcessGroup => session.Group;

    protected override void Dispose(bool disposing)
    {
        if (disposing) session.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>
/// What both DistributedDataParallel forms share: rank 0's state taken at construction, the gradient reducer, buffer
/// broadcasts before training forwards, and no_sync.
/// </summary>
internal sealed class ReducerSession : IDisposable
{
    private readonly Module module;
    private readonly ProcessGroup group;

    public ProcessGroup Group => group;
    private readonly DistributedReducerHandle reducer;
    private bool synchronizing = true;

    public ReducerSession(Module module, ProcessGroup group, double bucketCapMegabytes, bool findUnusedParameters, bool broadcastBuffers)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bucketCapMegabytes);
        if (!double.IsFinite(bucketCapMegabytes)) throw new ArgumentOutOfRangeException(nameof(bucketCapMegabytes), bucketCapMegabytes, "must be finite");
        this.module = module;
        this.group = group ?? throw new ArgumentNullException(nameof(group));
        (FindUnusedParameters, BroadcastBuffers) = (findUnusedParameters, broadcastBuffers);
        using (Autograd.NoGrad())
        {
            foreach (var tensor in module.Parameters().Cast<Tensor>().Concat(module.NamedBuffers().Select(b => b.Buffer)))
                group.Broadcast(tensor, root: 0);
        }
        foreach (var (_, child) in module.NamedModules())
            if (child is NN.SyncBatchNorm norm) norm.ProcessGroup ??= group;
        var trained = module.NamedParameters().Where(p => p.Parameter.RequiresGrad).ToArray();
        reducer = LibTorch.DistReducerCreate(group.Handle, trained.Select(p => (Tensor)p.Parameter).ToArray(), trained.Select(p => p.Name),
            (long)(bucketCapMegabytes * 1024 * 1024), findUnusedParameters);
    }

    public bool FindUnusedParameters { get; }

    public bool BroadcastBuffers { get; }

    public void BeforeForward(bool training)
    {
        if (training && BroadcastBuffers && group.WorldSize > 1) SynchronizeBuffers();
    }

    // One broadcast per dtype: the buffers are packed into one flat tensor, then unpacked.
    private void SynchronizeBuffers()
    {
        using var noGrad = Autograd.NoGrad();
        foreach (var sameType in module.NamedBuffers().Select(b => b.Buffer).GroupBy(b => (b.DType, b.Device)))
        {
            var buffers = sameType.ToArray();
            var flats = buffers.Select(b => b.Reshape(-1)).ToArray();
            try
            {
                using var packed = Tensor.Cat(flats);
                group.Broadcast(packed, root: 0);
                long offset = 0;
                foreach (var buffer in buffers)
                {
                    using var part = packed.Narrow(0, offset, buffer.NumberOfElements);
                    using var shaped = part.View(buffer.Shape);
                    buffer.CopyFrom(shaped);
                    offset += buffer.NumberOfElements;
                }
            }
            finally
            {
                foreach (var flat in flats) flat.Dispose();
            }
        }
    }

    public IDisposable NoSync()
    {
        var previous = synchronizing;
        SetSynchronizing(false);
        return new Restore(() => SetSynchronizing(previous));
    }

    private void SetSynchronizing(bool enabled)
    {
        LibTorch.DistReducerSetSync(reducer, enabled);
        synchronizing = enabled;
    }

    private sealed class Restore(Action action) : IDisposable
    {
        private Action? pending = action;

        public void Dispose() => Interlocked.Exchange(ref pending, null)?.Invoke();
    }

    public void Dispose() => reducer.Dispose();
}

/// <summary>
/// The dataset positions of one rank (torch.utils.data.DistributedSampler): the same seeded permutation on every rank
/// (epoch e uses seed + e), padded by repetition to a multiple of the world size, then every worldSize-th position
/// starting at the rank. Pass <see cref="Indices"/> to a <c>DataLoader</c>.
/// </summary>
public sealed class DistributedSampler(long datasetSize, int rank, int worldSize, bool shuffle = true, int seed = 0)
{
    /// <summary>This rank's positions for <paramref name="epoch"/>.</summary>
    public long[] Indices(int epoch = 0)
    {
        if (worldSize < 1 || rank < 0 || rank >= worldSize) throw new ArgumentException($"rank {rank} is outside a world of {worldSize}");
        long[] order;
        if (shuffle)
        {
            using var permutation = Tensor.RandPerm(datasetSize, (ulong)(seed + epoch));
            order = permutation.ToArray<long>();
        }
        else order = Enumerable.Range(0, checked((int)datasetSize)).Select(i => (long)i).ToArray();
        var perRank = (order.Length + worldSize - 1) / worldSize;
        var padded = Enumerable.Range(0, perRank * worldSize).Select(i => order[i % order.Length]).ToArray();
        return Enumerable.Range(0, perRank).Select(i => padded[rank + i * worldSize]).ToArray();
    }
}
