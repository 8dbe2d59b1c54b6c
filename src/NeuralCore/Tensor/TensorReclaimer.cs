using System.Collections.Concurrent;

namespace NeuralCore;

/// <summary>
/// Releases the native reference of a tensor that was never disposed. A tensor holds one while it owns its reference.
/// Reclaimers are recycled: a disposed tensor returns its own, and a finalized one re-registers itself and returns to
/// a shared pool, so creating a tensor costs no finalizer registration (which would otherwise be the largest part of a
/// small op's managed cost).
/// </summary>
/// <remarks>
/// A finalized reclaimer of a small tensor does not free it on the finalizer thread: it queues the pointer, and the
/// next tensors created, on whatever thread, free what is queued. glibc's malloc locks the allocating thread's arena
/// for every free from another thread, so a collection's burst of frees on the finalizer thread contended with the
/// training loop (a naive one-thread MLP step took 1.9 × its disposed form; 1.15 × with the queue). What no thread
/// drains between two full collections the finalizer thread frees itself, and large tensors it frees at once.
/// </remarks>
internal sealed class TensorReclaimer
{
    private const int ThreadPoolCapacity = 256;
    private const int SharedPoolCapacity = 4096;
    private const long QueuedBytesLimit = 64 * 1024;
    private const int DrainBatch = 4096;

    private static readonly ConcurrentQueue<IntPtr> Released = new();
    private static int drains;
    private static int drainsAtLastCollection = -1;

    [ThreadStatic] private static TensorReclaimer[]? threadPool;
    [ThreadStatic] private static int threadCount;
    private static readonly Stack<TensorReclaimer> SharedPool = new();
    private static volatile int sharedCount;

    /// <summary>The native tensor this frees if its tensor is collected undisposed; zero while pooled.</summary>
    internal IntPtr Pointer;

    /// <summary>What the tensor reported to the GC with <see cref="GC.AddMemoryPressure"/>.</summary>
    internal long ReportedBytes;

    private TensorReclaimer() { }

    internal static TensorReclaimer Rent(IntPtr pointer)
    {
        if (!Released.IsEmpty) DrainReleased();
        var pool = threadPool;
        TensorReclaimer reclaimer;
        if (pool is not null && threadCount > 0)
        {
            reclaimer = pool[--threadCount];
            pool[threadCount] = null!;
        }
        else reclaimer = sharedCount > 0 ? TakeShared() ?? new TensorReclaimer() : new TensorReclaimer();
        reclaimer.Pointer = pointer;
        return reclaimer;
    }

    /// <summary>Ends ownership after the tensor freed its reference itself.</summary>
    internal void Return()
    {
        Pointer = IntPtr.Zero;
        ReportedBytes = 0;
        var pool = threadPool ??= new TensorReclaimer[ThreadPoolCapacity];
        if (threadCount < pool.Length) pool[threadCount++] = this;
        else GC.SuppressFinalize(this);
    }

    private static void DrainReleased()
    {
        for (var i = 0; i < DrainBatch && Released.TryDequeue(out var pointer); i++) Interop.LibTorch.TensorFree(pointer);
        Interlocked.Increment(ref drains);
    }

    /// <summary>Once per full collection, on the finalizer thread: frees what no thread drained since the previous one.</summary>
    private static void ReleaseUndrained()
    {
        var now = Volatile.Read(ref drains);
        if (now == drainsAtLastCollection)
            while (Released.TryDequeue(out var pointer)) Interop.LibTorch.TensorFree(pointer);
        drainsAtLastCollection = now;
    }

    /// <summary>
    /// Finalized at every collection that finds it unreachable: once it has aged into the oldest generation (as the
    /// recycled reclaimers have), that is every full collection, for as long as the process runs.
    /// </summary>
    private sealed class CollectionSentinel
    {
        ~CollectionSentinel()
        {
            ReleaseUndrained();
            if (!Environment.HasShutdownStarted) GC.ReRegisterForFinalize(this);
        }
    }

    static TensorReclaimer() => _ = new CollectionSentinel();

    private static TensorReclaimer? TakeShared()
    {
        lock (SharedPool)
        {
            if (!SharedPool.TryPop(out var reclaimer)) return null;
            sharedCount = SharedPool.Count;
            return reclaimer;
        }
    }

    ~TensorReclaimer()
    {
        if (Pointer != IntPtr.Zero)
        {
            if (ReportedBytes < QueuedBytesLimit) Released.Enqueue(Pointer);
            else Interop.LibTorch.TensorFree(Pointer);
            if (ReportedBytes > 0) GC.RemoveMemoryPressure(ReportedBytes);
            Pointer = IntPtr.Zero;
            ReportedBytes = 0;
        }
        if (sharedCount >= SharedPoolCapacity) return;
        lock (SharedPool)
        {
            if (SharedPool.Count >= SharedPoolCapacity) return;
            GC.ReRegisterForFinalize(this);
            SharedPool.Push(this);
            sharedCount = SharedPool.Count;
        }
    }
}
