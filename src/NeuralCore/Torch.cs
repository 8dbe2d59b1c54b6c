using NeuralCore.Interop;

namespace NeuralCore;

/// <summary>Process-wide libtorch settings: seeds, threads, version.</summary>
public static class Torch
{
    /// <summary>Seeds every libtorch random generator (torch.manual_seed).</summary>
    public static void ManualSeed(ulong seed) => NativeMethods.RuntimeManualSeed(seed).ThrowIfFailed();

    /// <summary>libtorch's intra-op threads. Defaults to one per core this process may use.</summary>
    public static int NumThreads
    {
        get
        {
            NativeMethods.RuntimeGetNumThreads(out var count).ThrowIfFailed();
            return count;
        }
    }

    /// <summary>Sets libtorch's intra-op threads (torch.set_num_threads).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is less than 1.</exception>
    public static void SetNumThreads(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        NativeMethods.RuntimeSetNumThreads(count).ThrowIfFailed();
    }

    /// <summary>The version of the libtorch the native library was built against.</summary>
    public static Version LibTorchVersion
    {
        get
        {
            NativeMethods.RuntimeTorchVersion(out var major, out var minor, out var patch);
            return new Version(major, minor, patch);
        }
    }
}
