using NeuralCore.Interop;
using NeuralCore.Interop.Handles;
using NeuralCore.NN;

namespace NeuralCore.Distributed;

/// <summary>
/// Data parallelism across processes (torch.nn.parallel.DistributedDataParallel) on c10d: at construction every rank
/// takes rank 0's parameters and buffers; during <c>Backward()</c> gradients are gathered into buckets of about
/// <c>bucketCapMegabytes</c> (in the order backward produces them) and each full bucket is averaged over the ranks
/// asynchronously, so communication overlaps the rest of the backward pass; when backward ends every rank holds the
/// averaged gradients and takes the same optimizer step. Each rank feeds its own share of the batch
/// (see <see cref="DistributedSampler"/>). Every parameter that requires a gradient must receive one in each backward.
/// </summary>
public sealed class DistributedDataParallel : Module
{
    private readonly ProcessGroup group;
    private readonly Parameter[] hooked;
    private readonly int[] hookIds;

    public unsafe DistributedDataParallel(Module module, ProcessGroup group, double bucketCapMegabytes = 25)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bucketCapMegabytes);
        Module = module ?? throw new ArgumentNullException(nameof(module));
        this.group = group ?? throw new ArgumentNullException(nameof(group));
        RegisterModule("module", module);
        using (Autograd.NoGrad())
        {
            foreach (var tensor in module.Parameters().Cast<Tensor>().Concat(module.NamedBuffers().Select(b => b.Buffer)))
                group.Broadcast(tensor, root: 0);
        }
        hooked = module.Parameters().Where(p => p.RequiresGrad).ToArray();
        hookIds = new int[hooked.Length];
        using var borrowed = new BorrowedHandles(hooked.Select(p => (TensorHandle?)p.Handle).ToArray());
        fixed (IntPtr* pointers = borrowed.Pointers)
        fixed (int* ids = hookIds)
            NativeMethods.DistRegisterGradientAveraging(group.Handle, pointers, hooked.Length, (long)(bucketCapMegabytes * 1024 * 1024), ids).ThrowIfFailed();
    }

    /// <summary>The wrapped module (state dict keys carry the prefix <c>module.</c>, as in PyTorch).</summary>
    public Module Module { get; }

    public override Tensor Forward(Tensor input) => Module.Forward(input);

    protected override unsafe void Dispose(bool disposing)
    {
        if (disposing && hooked.All(p => !p.IsDisposed))
        {
            using var borrowed = new BorrowedHandles(hooked.Select(p => (TensorHandle?)p.Handle).ToArray());
            fixed (IntPtr* pointers = borrowed.Pointers)
            fixed (int* ids = hookIds)
                NativeMethods.DistRemoveGradientHooks(pointers, hooked.Length, ids).ThrowIfFailed();
        }
        base.Dispose(disposing);
    }
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
