using NeuralCore.Interop;

namespace NeuralCore;

/// <summary>Process-wide libtorch settings: seeds, threads, version.</summary>
public static class Torch
{
    /// <summary>Seeds every libtorch random generator (torch.manual_seed).</summary>
    public static void ManualSeed(ulong seed) => LibTorch.RuntimeManualSeed(seed);

    /// <summary>The CPU generator's state (torch.get_rng_state): a UInt8 tensor to restore later with <see cref="SetRngState"/>.</summary>
    public static Tensor GetRngState() => LibTorch.RuntimeGetRngState();

    /// <summary>Restores the CPU generator's state (torch.set_rng_state), e.g. to draw numbers without disturbing a training run.</summary>
    /// <exception cref="TorchException"><paramref name="state"/> is not a state libtorch produced.</exception>
    public static void SetRngState(Tensor state) => LibTorch.RuntimeSetRngState(state);

    /// <summary>libtorch's intra-op threads. Defaults to one per core this process may use.</summary>
    public static int NumThreads => LibTorch.RuntimeGetNumThreads();

    /// <summary>Sets libtorch's intra-op threads (torch.set_num_threads).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is less than 1.</exception>
    public static void SetNumThreads(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        LibTorch.RuntimeSetNumThreads(count);
    }

    /// <summary>The version of the libtorch the native library was built against.</summary>
    public static Version LibTorchVersion => LibTorch.RuntimeTorchVersion();
}
