using System.Runtime.InteropServices;
using NeuralCore.Interop.Handles;

namespace NeuralCore.Interop;

// nc_cuda.h
internal static unsafe partial class NativeMethods
{
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_cuda_is_built")] internal static partial int CudaIsBuilt();
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_cuda_unavailable_reason")] internal static partial int CudaUnavailableReason(byte* buffer, int capacity);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_cuda_device_properties")]
    internal static partial NativeStatus CudaDeviceProperties(int device, byte* name, int nameCapacity, out long totalMemory, out int major, out int minor, out int multiprocessors);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_cuda_current_device")] internal static partial NativeStatus CudaCurrentDevice(out int device);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_cuda_set_device")] internal static partial NativeStatus CudaSetDevice(int device);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_cuda_synchronize")] internal static partial NativeStatus CudaSynchronize(int device);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_cuda_manual_seed_all")] internal static partial NativeStatus CudaManualSeedAll(ulong seed);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_cuda_memory_stats")]
    internal static partial NativeStatus CudaMemoryStats(int device, out long allocated, out long reserved, out long peakAllocated, out long peakReserved);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_cuda_reset_peak_memory_stats")] internal static partial NativeStatus CudaResetPeakMemoryStats(int device);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_cuda_empty_cache")] internal static partial NativeStatus CudaEmptyCache();
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_pin_memory")] internal static partial NativeStatus TensorPinMemory(IntPtr tensor, out IntPtr result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_is_pinned")] internal static partial NativeStatus TensorIsPinned(IntPtr tensor, out int pinned);
}

// The checked forms of nc_cuda.h for the facade.
internal static unsafe partial class LibTorch
{
    internal static bool CudaIsBuilt() => NativeMethods.CudaIsBuilt() != 0;

    internal static string? CudaUnavailableReason() =>
        NativeText.Read(&NativeMethods.CudaUnavailableReason) is { Length: > 0 } reason ? reason : null;

    internal static (string Name, long TotalMemory, int Major, int Minor, int MultiProcessors) CudaDeviceProperties(int device)
    {
        var name = stackalloc byte[256];
        NativeMethods.CudaDeviceProperties(device, name, 256, out var memory, out var major, out var minor, out var processors).ThrowIfFailed();
        return (Marshal.PtrToStringUTF8((IntPtr)name) ?? "", memory, major, minor, processors);
    }

    internal static int CudaCurrentDevice()
    {
        NativeMethods.CudaCurrentDevice(out var device).ThrowIfFailed();
        return device;
    }

    internal static void CudaSetDevice(int device) => NativeMethods.CudaSetDevice(device).ThrowIfFailed();

    internal static void CudaSynchronize(int device) => NativeMethods.CudaSynchronize(device).ThrowIfFailed();

    internal static void CudaManualSeedAll(ulong seed) => NativeMethods.CudaManualSeedAll(seed).ThrowIfFailed();

    internal static CudaMemoryStats CudaMemoryStats(int device)
    {
        NativeMethods.CudaMemoryStats(device, out var allocated, out var reserved, out var peakAllocated, out var peakReserved).ThrowIfFailed();
        return new CudaMemoryStats(allocated, reserved, peakAllocated, peakReserved);
    }

    internal static void CudaResetPeakMemoryStats(int device) => NativeMethods.CudaResetPeakMemoryStats(device).ThrowIfFailed();

    internal static void CudaEmptyCache() => NativeMethods.CudaEmptyCache().ThrowIfFailed();

    internal static Tensor TensorPinMemory(Tensor tensor)
    {
        using var borrow = new TensorBorrow(tensor);
        return Created.Tensor(NativeMethods.TensorPinMemory(borrow.Pointer, out var result), result);
    }

    internal static bool TensorIsPinned(Tensor tensor)
    {
        using var borrow = new TensorBorrow(tensor);
        NativeMethods.TensorIsPinned(borrow.Pointer, out var pinned).ThrowIfFailed();
        return pinned != 0;
    }
}
