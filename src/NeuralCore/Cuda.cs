using NeuralCore.Interop;

namespace NeuralCore;

/// <summary>
/// CUDA as the linked libtorch sees it (torch.cuda). On a libtorch without CUDA, or with no device visible:
/// <see cref="IsAvailable"/> is false, <see cref="DeviceCount"/> 0, the memory statistics 0, <see cref="EmptyCache"/> and
/// <see cref="ManualSeedAll"/> do nothing, and the device queries throw a <see cref="TorchException"/> whose message starts
/// "CUDA is not available: " and gives the reason. <c>device</c> -1 means the current device.
/// </summary>
public static class Cuda
{
    /// <summary>True when the linked libtorch has CUDA and a device is visible.</summary>
    public static bool IsAvailable => LibTorch.RuntimeCudaIsAvailable();

    /// <summary>Number of visible CUDA devices; 0 on a CPU-only libtorch.</summary>
    public static int DeviceCount => LibTorch.RuntimeCudaDeviceCount();

    /// <summary>True when NeuralCore's native library was built against a libtorch with CUDA.</summary>
    public static bool IsBuilt => LibTorch.CudaIsBuilt();

    /// <summary>Why CUDA cannot be used (no CUDA in the libtorch, no driver, no device); null when it can.</summary>
    public static string? UnavailableReason => LibTorch.CudaUnavailableReason();

    /// <summary>Name, memory, compute capability and multiprocessors of a device (torch.cuda.get_device_properties).</summary>
    /// <exception cref="TorchException">CUDA is not available, or no such device.</exception>
    public static CudaDeviceProperties GetDeviceProperties(int device = -1)
    {
        var (name, memory, major, minor, processors) = LibTorch.CudaDeviceProperties(device);
        var index = device >= 0 ? device : CurrentDevice;
        return new CudaDeviceProperties(index, name, memory, major, minor, processors);
    }

    /// <summary>The device's name, e.g. "NVIDIA H100 80GB HBM3" (torch.cuda.get_device_name).</summary>
    public static string GetDeviceName(int device = -1) => GetDeviceProperties(device).Name;

    /// <summary>The device's compute capability (torch.cuda.get_device_capability).</summary>
    public static (int Major, int Minor) GetDeviceCapability(int device = -1)
    {
        var properties = GetDeviceProperties(device);
        return (properties.Major, properties.Minor);
    }

    /// <summary>The device that <c>Device.Cuda()</c> without an index means on this thread.</summary>
    public static int CurrentDevice => LibTorch.CudaCurrentDevice();

    /// <summary>Makes <paramref name="device"/> the current device of this thread (torch.cuda.set_device).</summary>
    public static void SetDevice(int device)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(device);
        LibTorch.CudaSetDevice(device);
    }

    /// <summary>Waits until every kernel queued on the device has finished (torch.cuda.synchronize).</summary>
    public static void Synchronize(int device = -1) => LibTorch.CudaSynchronize(device);

    /// <summary>Seeds every CUDA device's generator; nothing without CUDA (torch.cuda.manual_seed_all).</summary>
    public static void ManualSeedAll(ulong seed) => LibTorch.CudaManualSeedAll(seed);

    /// <summary>libtorch's caching allocator on the device: bytes in tensors and bytes held from the driver, now and at peak.</summary>
    public static CudaMemoryStats MemoryStats(int device = -1) => LibTorch.CudaMemoryStats(device);

    /// <summary>Bytes held by tensors on the device (torch.cuda.memory_allocated).</summary>
    public static long MemoryAllocated(int device = -1) => MemoryStats(device).Allocated;

    /// <summary>Bytes the caching allocator holds from the driver (torch.cuda.memory_reserved).</summary>
    public static long MemoryReserved(int device = -1) => MemoryStats(device).Reserved;

    /// <summary>Peak of <see cref="MemoryAllocated"/> since start or the last <see cref="ResetPeakMemoryStats"/>.</summary>
    public static long MaxMemoryAllocated(int device = -1) => MemoryStats(device).PeakAllocated;

    /// <summary>Peak of <see cref="MemoryReserved"/> since start or the last <see cref="ResetPeakMemoryStats"/>.</summary>
    public static long MaxMemoryReserved(int device = -1) => MemoryStats(device).PeakReserved;

    /// <summary>Starts the peaks afresh from the current values (torch.cuda.reset_peak_memory_stats).</summary>
    public static void ResetPeakMemoryStats(int device = -1) => LibTorch.CudaResetPeakMemoryStats(device);

    /// <summary>Returns cached blocks no tensor uses to the driver, for other processes (torch.cuda.empty_cache).</summary>
    public static void EmptyCache() => LibTorch.CudaEmptyCache();
}

/// <summary>What <see cref="Cuda.GetDeviceProperties"/> reports of one device.</summary>
public sealed record CudaDeviceProperties(int Index, string Name, long TotalMemory, int Major, int Minor, int MultiProcessorCount);

/// <summary>libtorch's CUDA caching allocator on one device, in bytes.</summary>
public readonly record struct CudaMemoryStats(long Allocated, long Reserved, long PeakAllocated, long PeakReserved);
