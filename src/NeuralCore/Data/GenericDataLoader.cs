using System.Collections;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using NeuralCore.Interop;

namespace NeuralCore.Data;

/// <summary>
/// A stream of samples without random access (torch.utils.data.IterableDataset). With several loader workers, each
/// worker enumerates its own copy, so a dataset that should not repeat samples splits them by
/// <see cref="WorkerInfo.Current"/>, as in PyTorch.
/// </summary>
public abstract class IterableDataset<T> : IEnumerable<T>
{
    public abstract IEnumerator<T> GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>
/// Which loader worker the calling thread is (torch.utils.data.get_worker_info()): null on the thread that enumerates
/// the loader, and when it has no workers.
/// </summary>
public sealed record WorkerInfo(int Id, int NumWorkers)
{
    [ThreadStatic] private static WorkerInfo? current;

    /// <summary>The calling worker's information, or null outside a worker.</summary>
    public static WorkerInfo? Current
    {
        get => current;
        internal set => current = value;
    }
}

/// <summary>torch.utils.data.default_collate for the common sample types: samples stacked along a new first dimension.</summary>
public static class Collate
{
    /// <summary>Tensors of one shape → one tensor (batch, …).</summary>
    public static Tensor Default(IReadOnlyList<Tensor> samples) => Tensor.Stack(Checked(samples).ToArray());

    /// <summary>(input, target) tensors → (inputs, targets).</summary>
    public static (Tensor Input, Tensor Target) Default(IReadOnlyList<(Tensor Input, Tensor Target)> samples) =>
        (Tensor.Stack(Checked(samples).Select(s => s.Input).ToArray()), Tensor.Stack(samples.Select(s => s.Target).ToArray()));

    /// <summary>(input, class index) → (inputs, Int64 targets), as PyTorch collates Python ints.</summary>
    public static (Tensor Input, Tensor Target) Default(IReadOnlyList<(Tensor Input, long Target)> samples) =>
        (Tensor.Stack(Checked(samples).Select(s => s.Input).ToArray()), Tensor.FromArray(samples.Select(s => s.Target).ToArray()));

    /// <summary>Integers → an Int64 tensor.</summary>
    public static Tensor Default(IReadOnlyList<long> samples) => Tensor.FromArray(Checked(samples).ToArray());

    /// <summary>Numbers → a Float64 tensor, as PyTorch collates Python floats.</summary>
    public static Tensor Default(IReadOnlyList<double> samples) => Tensor.FromArray(Checked(samples).ToArray());

    /// <summary>Dictionaries with the same keys → one stacked tensor per key.</summary>
    public static Dictionary<string, Tensor> Default(IReadOnlyList<IReadOnlyDictionary<string, Tensor>> samples)
    {
        var first = Checked(samples)[0];
        return first.Keys.ToDictionary(key => key, key => Tensor.Stack(samples.Select(s => s.TryGetValue(key, out var value)
            ? value : throw new ArgumentException($"a sample lacks the key '{key}' that the first one has", nameof(samples))).ToArray()));
    }

    private static IReadOnlyList<T> Checked<T>(IReadOnlyList<T> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count == 0) throw new ArgumentException("a batch needs at least one sample", nameof(samples));
        return samples;
    }
}

/// <summary>
/// Batches of any sample type (torch.utils.data.DataLoader with collate_fn, sampler, batch_sampler, num_workers):
/// positions come from a sampler (sequential, or shuffled with <c>shuffle</c>) grouped into batches, or from a batch
/// sampler; <c>collateFn</c> turns each batch's samples into <typeparamref name="TBatch"/> (<see cref="Collate.Default(IReadOnlyList{Tensor})"/>
/// and its overloads for the usual cases). With <c>numWorkers</c> &gt; 0, worker threads load and collate up to
/// <c>numWorkers × prefetchFactor</c> batches ahead, and batches still arrive in sampler order; an exception in a
/// worker is rethrown, with its type and stack, when the enumeration reaches that batch. Each enumeration is an epoch.
/// A batch (tensors, tuples, lists and dictionaries of them) is disposed when the enumeration moves past it unless
/// <c>disposeBatches</c> is false.
/// </summary>
/// <example>
/// <code>
/// var loader = new DataLoader&lt;(Tensor, long), (Tensor, Tensor)&gt;(images, Collate.Default, batchSize: 64, shuffle: true, numWorkers: 4);
/// foreach (var (x, y) in loader) { ... }
/// </code>
/// </example>
public sealed class DataLoader<T, TBatch> : IEnumerable<TBatch>, IEpochOrdered, IBatchCount
{
    private readonly Dataset<T>? dataset;
    private readonly IterableDataset<T>? iterable;
    private readonly Func<IReadOnlyList<T>, TBatch> collateFn;
    private readonly BatchSampler? batchSampler;
    private readonly Action<int>? workerInitFn;

    /// <param name="dataset">The samples, by position.</param>
    /// <param name="collateFn">Makes a batch of samples, e.g. <c>Collate.Default</c>.</param>
    /// <param name="batchSize">Samples per batch (not with <paramref name="batchSampler"/>).</param>
    /// <param name="shuffle">A new permutation every epoch, seeded by <paramref name="seed"/> (not with a sampler).</param>
    /// <param name="sampler">The order of positions (not with <paramref name="shuffle"/>).</param>
    /// <param name="batchSampler">The batches of positions; replaces batchSize, shuffle, sampler and dropLast.</param>
    /// <param name="numWorkers">Worker threads that load batches ahead; 0 loads on the enumerating thread.</param>
    /// <param name="prefetchFactor">Batches each worker may have ready ahead of the one being consumed.</param>
    /// <param name="dropLast">Drop the last batch when it is smaller than <paramref name="batchSize"/>.</param>
    /// <param name="seed">Seed of the shuffle (epoch e uses seed + e); null draws one.</param>
    /// <param name="disposeBatches">Dispose each batch when the enumeration moves to the next.</param>
    /// <param name="workerInitFn">Runs on each worker thread with its id before it loads anything.</param>
    public DataLoader(Dataset<T> dataset, Func<IReadOnlyList<T>, TBatch> collateFn, int batchSize = 1, bool shuffle = false, Sampler? sampler = null,
        BatchSampler? batchSampler = null, int numWorkers = 0, int prefetchFactor = 2, bool dropLast = false, int? seed = null,
        bool disposeBatches = true, Action<int>? workerInitFn = null)
        : this(collateFn, numWorkers, prefetchFactor, disposeBatches, workerInitFn)
    {
        this.dataset = dataset ?? throw new ArgumentNullException(nameof(dataset));
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (batchSampler is not null)
        {
            if (batchSize != 1 || shuffle || sampler is not null || dropLast)
                throw new ArgumentException("batchSampler option is mutually exclusive with batchSize, shuffle, sampler, and dropLast", nameof(batchSampler));
            this.batchSampler = batchSampler;
        }
        else
        {
            if (sampler is not null && shuffle) throw new ArgumentException("sampler option is mutually exclusive with shuffle", nameof(sampler));
            sampler ??= shuffle ? new RandomSampler(dataset.Count, seed: seed) : new SequentialSampler(dataset.Count);
            this.batchSampler = new BatchSampler(sampler, batchSize, dropLast);
        }
        (BatchSize, DropLast) = (batchSampler is null ? batchSize : null, dropLast);
    }

    /// <param name="dataset">The stream of samples; each worker enumerates its own copy.</param>
    /// <param name="collateFn">Makes a batch of samples, e.g. <c>Collate.Default</c>.</param>
    /// <param name="batchSize">Samples per batch; with workers, each worker batches its own samples.</param>
    /// <param name="numWorkers">Worker threads; batches are taken from them in turn, as PyTorch does.</param>
    /// <param name="prefetchFactor">Batches each worker may have ready ahead.</param>
    /// <param name="dropLast">Drop each stream's last batch when it is smaller than <paramref name="batchSize"/>.</param>
    /// <param name="disposeBatches">Dispose each batch when the enumeration moves to the next.</param>
    /// <param name="workerInitFn">Runs on each worker thread with its id before it loads anything.</param>
    public DataLoader(IterableDataset<T> dataset, Func<IReadOnlyList<T>, TBatch> collateFn, int batchSize = 1, int numWorkers = 0,
        int prefetchFactor = 2, bool dropLast = false, bool disposeBatches = true, Action<int>? workerInitFn = null)
        : this(collateFn, numWorkers, prefetchFactor, disposeBatches, workerInitFn)
    {
        iterable = dataset ?? throw new ArgumentNullException(nameof(dataset));
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        (BatchSize, DropLast) = (batchSize, dropLast);
    }

    private DataLoader(Func<IReadOnlyList<T>, TBatch> collateFn, int numWorkers, int prefetchFactor, bool disposeBatches, Action<int>? workerInitFn)
    {
        this.collateFn = collateFn ?? throw new ArgumentNullException(nameof(collateFn));
        ArgumentOutOfRangeException.ThrowIfNegative(numWorkers);
        ArgumentOutOfRangeException.ThrowIfLessThan(prefetchFactor, 1);
        (NumWorkers, PrefetchFactor, DisposeBatches, this.workerInitFn) = (numWorkers, prefetchFactor, disposeBatches, workerInitFn);
    }

    /// <summary>The dataset by position (<c>loader.dataset</c>); null for an iterable dataset.</summary>
    public Dataset<T>? Dataset => dataset;

    /// <summary>The iterable dataset; null for a dataset by position.</summary>
    public IterableDataset<T>? IterableDataset => iterable;

    /// <summary>Samples per batch; null when a batch sampler decides.</summary>
    public int? BatchSize { get; }
    public bool DropLast { get; }
    public int NumWorkers { get; }
    public int PrefetchFactor { get; }
    public bool DisposeBatches { get; }

    /// <summary>Batches per epoch (<c>len(loader)</c>); null for an iterable dataset or a sampler of unknown size.</summary>
    public long? Count => batchSampler?.Count;

    long? IBatchCount.BatchCount => Count;

    /// <summary>
    /// The epoch whose order the next enumeration uses: its sampler's (<see cref="Sampler.Epoch"/>) when it has one;
    /// a stream or a plain sequence of positions has no epochs, and setting it changes nothing.
    /// </summary>
    public int Epoch
    {
        get => batchSampler?.Sampler is IEpochOrdered sampler ? sampler.Epoch : 0;
        set
        {
            if (batchSampler?.Sampler is IEpochOrdered sampler) sampler.Epoch = value;
        }
    }

    public IEnumerator<TBatch> GetEnumerator()
    {
        var batches = iterable is not null ? IterableBatches() : NumWorkers == 0 ? MapBatches() : WorkerMapBatches();
        return DisposeBatches ? DisposingEach(batches).GetEnumerator() : batches.GetEnumerator();
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private TBatch Load(long[] positions) => collateFn(positions.Select(p => dataset!.Get(p)).ToArray());

    private IEnumerable<TBatch> MapBatches()
    {
        foreach (var positions in batchSampler!) yield return Load(positions);
    }

    // Workers take batch numbers in order, at most numWorkers × prefetchFactor ahead of the consumer; the consumer waits
    // for each number in turn, so the order is the sampler's whatever order the workers finish in.
    private IEnumerable<TBatch> WorkerMapBatches()
    {
        var plan = batchSampler!.GetEnumerator();
        var results = new Dictionary<long, (TBatch? Batch, ExceptionDispatchInfo? Error)>();
        var gate = new object();
        long planned = 0, consumed = 0;
        var exhausted = false;
        var stopping = false;
        ExceptionDispatchInfo? failedStart = null;  // a workerInitFn that threw
        var ahead = NumWorkers * PrefetchFactor;
        var workers = Enumerable.Range(0, NumWorkers).Select(id => new Thread(() =>
        {
            WorkerInfo.Current = new WorkerInfo(id, NumWorkers);
            LibTorch.RuntimeSetThreadNumThreads(1);  // workers run side by side; each op on one core, as the prefetch worker
            try
            {
                workerInitFn?.Invoke(id);
            }
            catch (Exception error)
            {
                lock (gate)
                {
                    failedStart ??= ExceptionDispatchInfo.Capture(error);
                    Monitor.PulseAll(gate);
                }
                return;
            }
            while (true)
            {
                long number;
                long[] positions;
                lock (gate)
                {
                    while (!stopping && !exhausted && planned - consumed >= ahead) Monitor.Wait(gate);
                    if (stopping || exhausted) return;
                    if (!plan.MoveNext())
                    {
                        exhausted = true;
                        Monitor.PulseAll(gate);
                        return;
                    }
                    (number, positions) = (planned++, plan.Current);
                }
                (TBatch? Batch, ExceptionDispatchInfo? Error) result;
                try
                {
                    result = (Load(positions), null);
                }
                catch (Exception error)
                {
                    result = (default, ExceptionDispatchInfo.Capture(error));
                }
                lock (gate)
                {
                    if (stopping)
                    {
                        if (result.Error is null) DisposeBatch(result.Batch);
                        return;
                    }
                    results[number] = result;
                    Monitor.PulseAll(gate);
                }
            }
        }) { IsBackground = true, Name = $"DataLoader worker {id}" }).ToList();
        foreach (var worker in workers) worker.Start();
        try
        {
            while (true)
            {
                (TBatch? Batch, ExceptionDispatchInfo? Error) result;
                lock (gate)
                {
                    while (failedStart is null && !results.ContainsKey(consumed) && !(exhausted && consumed >= planned)) Monitor.Wait(gate);
                    failedStart?.Throw();
                    if (!results.Remove(consumed, out result)) yield break;
                    consumed++;
                    Monitor.PulseAll(gate);
                }
                result.Error?.Throw();
                yield return result.Batch!;
            }
        }
        finally
        {
            lock (gate)
            {
                stopping = true;
                Monitor.PulseAll(gate);
            }
            foreach (var worker in workers) worker.Join();
            foreach (var (_, result) in results)
                if (result.Error is null) DisposeBatch(result.Batch);
            plan.Dispose();
        }
    }

    private IEnumerable<TBatch> IterableBatches()
    {
        if (NumWorkers == 0)
        {
            foreach (var batch in Batches(iterable!)) yield return batch;
            yield break;
        }
        // Each worker batches its own copy of the stream into a bounded queue; batches are taken from the workers in
        // turn, skipping the ones that finished (PyTorch's order).
        var queues = Enumerable.Range(0, NumWorkers).Select(_ => new System.Collections.Concurrent.BlockingCollection<(TBatch? Batch, ExceptionDispatchInfo? Error)>(PrefetchFactor)).ToArray();
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, NumWorkers).Select(id => new Thread(() =>
        {
            WorkerInfo.Current = new WorkerInfo(id, NumWorkers);
            LibTorch.RuntimeSetThreadNumThreads(1);  // workers run side by side; each op on one core, as the prefetch worker
            var queue = queues[id];
            try
            {
                workerInitFn?.Invoke(id);
                foreach (var batch in Batches(iterable!))
                {
                    try
                    {
                        queue.Add((batch, null), stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        DisposeBatch(batch);
                        return;
                    }
                }
            }
            catch (Exception error) when (!stop.IsCancellationRequested)
            {
                try
                {
                    queue.Add((default, ExceptionDispatchInfo.Capture(error)), stop.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                queue.CompleteAdding();
            }
        }) { IsBackground = true, Name = $"DataLoader worker {id}" }).ToList();
        foreach (var worker in workers) worker.Start();
        try
        {
            var active = Enumerable.Range(0, NumWorkers).ToList();
            var turn = 0;
            while (active.Count > 0)
            {
                turn %= active.Count;
                if (!queues[active[turn]].TryTake(out var result, Timeout.Infinite))
                {
                    active.RemoveAt(turn);  // that worker's stream ended
                    continue;
                }
                turn++;
                result.Error?.Throw();
                yield return result.Batch!;
            }
        }
        finally
        {
            stop.Cancel();
            foreach (var worker in workers) worker.Join();
            foreach (var queue in queues)
            {
                while (queue.TryTake(out var left))
                    if (left.Error is null) DisposeBatch(left.Batch);
                queue.Dispose();
            }
        }
    }

    private IEnumerable<TBatch> Batches(IEnumerable<T> samples)
    {
        var batch = new List<T>(BatchSize!.Value);
        foreach (var sample in samples)
        {
            batch.Add(sample);
            if (batch.Count < BatchSize) continue;
            yield return collateFn(batch.ToArray());
            batch.Clear();
        }
        if (batch.Count > 0 && !DropLast) yield return collateFn(batch.ToArray());
    }

    private static IEnumerable<TBatch> DisposingEach(IEnumerable<TBatch> batches)
    {
        TBatch? previous = default;
        var hasPrevious = false;
        try
        {
            foreach (var batch in batches)
            {
                if (hasPrevious) DisposeBatch(previous);
                (previous, hasPrevious) = (batch, true);
                yield return batch;
            }
        }
        finally
        {
            if (hasPrevious) DisposeBatch(previous);
        }
    }

    // Tensors, and tuples, lists and dictionaries of them; anything else disposable is disposed as a whole.
    private static void DisposeBatch(object? batch)
    {
        switch (batch)
        {
            case null:
                return;
            case IDisposable disposable:
                disposable.Dispose();
                return;
            case ITuple tuple:
                for (var i = 0; i < tuple.Length; i++) DisposeBatch(tuple[i]);
                return;
            case IDictionary dictionary:
                foreach (var value in dictionary.Values) DisposeBatch(value);
                return;
            case IEnumerable items and not string:
                foreach (var item in items) DisposeBatch(item);
                return;
        }
    }
}
