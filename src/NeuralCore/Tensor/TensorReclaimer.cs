namespace NeuralCore;

/// <summary>
/// Releases the native reference of a tensor that was never disposed, from the GC's finalizer thread. A tensor holds
/// one while it owns its reference. Reclaimers are recycled: a disposed tensor returns its own, and a finalized one
/// re-registers itself and returns to a shared pool, so creating a tensor costs no finalizer registration (which
/// would otherwise be the largest part of a small op's managed cost).
/// </summary>
internal sealed class TensorReclaimer
{
    private const int ThreadPoolCapacity = 256;
    private const int SharedPoolCapacity = 4096;

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
            Interop.LibTorch.TensorFree(Pointer);
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
