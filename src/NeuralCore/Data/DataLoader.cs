using System.Collections;
using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using NeuralCore.Interop;

namespace NeuralCore.Data;

/// <summary>
/// Batches of (input, target) from a dataset (torch.utils.data.DataLoader): shuffled with a seed per epoch when asked,
/// the last partial batch kept or dropped, and, for datasets whose samples come from user code, the next batch
/// prepared on a background thread while the current one trains (a <see cref="TensorDataset"/> batch is a single
/// gather, made when it is needed). A batch is disposed when the enumeration moves past it, so a training loop needs no <c>using</c> for it
/// (pass <c>disposeBatches: false</c> to keep batches). With <c>pinMemory</c> and CUDA available, batches come in page-locked
/// memory, so that <c>To(cuda, nonBlocking: true)</c> overlaps the copy with computation.
/// </summary>
public sealed class DataLoader : IEnumerable<(Tensor Input, Tensor Target)>, IEpochOrdered, IBatchCount
{
    private readonly Dataset<(Tensor Input, Tensor Target)> dataset;
    private readonly int? seed;

    /// <summary>The epoch whose order the next enumeration uses (0 at first; each enumeration adds one).</summary>
    public int Epoch { get; set; }

    /// <param name="dataset">The samples; a <see cref="TensorDataset"/> is batched with one gather per tensor.</param>
    /// <param name="batchSize">Samples per batch.</param>
    /// <param name="shuffle">A new permutation every epoch.</param>
    /// <param name="seed">Seed of the permutations (epoch e uses seed + e); null draws one.</param>
    /// <param name="dropLast">Drop the last batch when it is smaller than <paramref name="batchSize"/>.</param>
    /// <param name="prefetch">Prepare the next batch on a background thread (datasets other than <see cref="TensorDataset"/>).</param>
    /// <param name="disposeBatches">Dispose each batch when the enumeration moves to the next.</param>
    /// <param name="indices">Restricts the loader to these dataset positions (a sampler's share).</param>
    /// <param name="pinMemory">Put batches in page-locked memory when CUDA is available (ignored without CUDA, as in PyTorch).</param>
    public DataLoader(Dataset<(Tensor Input, Tensor Target)> dataset, int batchSize, bool shuffle = false, int? seed = null, bool dropLast = false,
        bool prefetch = true, bool disposeBatches = true, IReadOnlyList<long>? indices = null, bool pinMemory = false)
    {
        this.dataset = dataset ?? throw new ArgumentNullException(nameof(dataset));
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        (BatchSize, Shuffle, DropLast, Prefetch, DisposeBatches, Indices) = (batchSize, shuffle, dropLast, prefetch, disposeBatches, indices);
        PinMemory = pinMemory && Cuda.IsAvailable;
        this.seed = seed ?? Random.Shared.Next();
    }

    /// <summary>The dataset batches come from (<c>loader.dataset</c>; its <c>Count</c> is <c>len(loader.dataset)</c>).</summary>
    public Dataset<(Tensor Input, Tensor Target)> Dataset => dataset;

    public int BatchSize { get; }
    public bool Shuffle { get; }
    public bool DropLast { get; }
    public bool Prefetch { get; }
    public bool DisposeBatches { get; }
    public IReadOnlyList<long>? Indices { get; }

    /// <summary>True when batches are pinned: asked for, and CUDA is available.</summary>
    public bool PinMemory { get; }

    private long SampleCount => Indices?.Count ?? dataset.Count;

    /// <summary>Batches per epoch.</summary>
    public long Count => DropLast ? SampleCount / BatchSize : (SampleCount + BatchSize - 1) / BatchSize;

    long? IBatchCount.BatchCount => Count;

    /// <summary>
    /// The order of samples in epoch <paramref name="epochNumber"/>: when shuffling, the permutation of
    /// <c>torch.randperm(n, generator=torch.Generator().manual_seed(seed + epoch))</c>, so a PyTorch script can replay it.
    /// </summary>
    public long[] Order(int epochNumber)
    {
        var positions = Indices?.ToArray() ?? Enumerable.Range(0, checked((int)dataset.Count)).Select(i => (long)i).ToArray();
        return Shuffle ? [.. new SubsetRandomSampler(positions, seed).Indices(epochNumber)] : positions;
    }

    public IEnumerator<(Tensor Input, Tensor Target)> GetEnumerator()
    {
        var order = Order(Epoch++);
        var batches = Count;
        // A TensorDataset batch is one gather of microseconds: a helper thread costs more than it saves (measured:
        // 40% slower LSTM epochs on 2 cores, its wake-ups competing with libtorch's spinning OpenMP threads).
        return Prefetch && batches > 1 && dataset is not TensorDataset ? Prefetched(order, batches) : Sequential(order, batches);
    }

    private IEnumerator<(Tensor Input, Tensor Target)> Sequential(long[] order, long batches)
    {
        (Tensor, Tensor)? previous = null;
        try
        {
            for (long b = 0; b < batches; b++)
            {
                var batch = Load(order, b);
                if (DisposeBatches) Dispose(previous);
                previous = batch;
                yield return batch;
            }
        }
        finally
        {
            if (DisposeBatches) Dispose(previous);
        }
    }

    // One dedicated thread stays a batch ahead. It runs libtorch with a single intra-op thread: with the global
    // setting its gathers would start a second OpenMP team, whose spinning threads slow training by half on 2 cores.
    private IEnumerator<(Tensor Input, Tensor Target)> Prefetched(long[] order, long batches)
    {
        using var ready = new BlockingCollection<(Tensor, Tensor)>(boundedCapacity: 1);
        using var stop = new CancellationTokenSource();
        Exception? failure = null;
        var worker = new Thread(() =>
        {
            try
            {
                LibTorch.RuntimeSetThreadNumThreads(1);
                for (long b = 0; b < batches; b++)
                {
                    var batch = Load(order, b);
                    try
                    {
                        ready.Add(batch, stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        Dispose(batch);
                        return;
                    }
                }
            }
            catch (Exception e)
            {
                failure = e;
            }
            finally
            {
                ready.CompleteAdding();
            }
        }) { IsBackground = true, Name = "NeuralCore DataLoader" };
        worker.Start();

        (Tensor, Tensor)? previous = null;
        try
        {
            foreach (var batch in ready.GetConsumingEnumerable())
            {
                if (DisposeBatches) Dispose(previous);
                previous = batch;
                yield return batch;
            }
            if (failure is not null) ExceptionDispatchInfo.Capture(failure).Throw();
        }
        finally
        {
            stop.Cancel();
            worker.Join();
            while (ready.TryTake(out var left)) Dispose(left);
            if (DisposeBatches) Dispose(previous);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private (Tensor, Tensor) Load(long[] order, long batch)
    {
        var loaded = Gather(order, batch);
        if (!PinMemory) return loaded;
        try
        {
            return (loaded.Item1.PinMemory(), loaded.Item2.PinMemory());
        }
        finally
        {
            Dispose(loaded);
        }
    }

    private (Tensor, Tensor) Gather(long[] order, long batch)
    {
        var start = checked((int)(batch * BatchSize));
        var length = (int)Math.Min(BatchSize, order.Length - start);
        var positions = order.AsSpan(start, length);
        if (dataset is TensorDataset tensors)
        {
            using var index = Tensor.FromSpan<long>(positions);
            return tensors.GetBatch(index);
        }
        var samples = new List<(Tensor Input, Tensor Target)>(length);
        try
        {
            foreach (var position in positions) samples.Add(dataset.Get(position));
            return (Tensor.Stack(samples.Select(s => s.Input).ToArray()), Tensor.Stack(samples.Select(s => s.Target).ToArray()));
        }
        finally
        {
            foreach (var (input, target) in samples)
            {
                input.Dispose();
                target.Dispose();
            }
        }
    }

    private static void Dispose((Tensor, Tensor)? batch)
    {
        if (batch is not { } pair) return;
        pair.Item1.Dispose();
        pair.Item2.Dispose();
    }
}
