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
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_pin_memory")] internal static partial NativeStatus TensorPinMemory(TensorHandle tensor, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_is_pinned")] internal static partial NativeStatus TensorIsPinned(TensorHandle tensor, out int pinned);
}
