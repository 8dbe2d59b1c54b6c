using System.Runtime.InteropServices;

namespace NeuralCore.Interop;

// nc_runtime.h and nc_common.h
internal static partial class NativeMethods
{
    // IntPtr, not string: a string return would make the marshaller free the library's thread-local buffer.
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_last_error_message")] internal static partial IntPtr LastErrorMessage();
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_runtime_created_bytes_address")] internal static unsafe partial long* RuntimeCreatedBytesAddress();
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_runtime_torch_version")] internal static partial void RuntimeTorchVersion(out int major, out int minor, out int patch);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_runtime_set_num_threads")] internal static partial NativeStatus RuntimeSetNumThreads(int count);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_runtime_get_num_threads")] internal static partial NativeStatus RuntimeGetNumThreads(out int count);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_runtime_set_thread_num_threads")] internal static partial NativeStatus RuntimeSetThreadNumThreads(int count);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_runtime_manual_seed")] internal static partial NativeStatus RuntimeManualSeed(ulong seed);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_runtime_get_rng_state")] internal static partial NativeStatus RuntimeGetRngState(out IntPtr state);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_runtime_set_rng_state")] internal static partial NativeStatus RuntimeSetRngState(IntPtr state);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_runtime_cuda_is_available")] internal static partial int RuntimeCudaIsAvailable();
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_runtime_cuda_device_count")] internal static partial int RuntimeCudaDeviceCount();
}

// The checked forms of nc_runtime.h for the facade.
internal static partial class LibTorch
{
    internal static void RuntimeManualSeed(ulong seed) => NativeMethods.RuntimeManualSeed(seed).ThrowIfFailed();

    internal static Tensor RuntimeGetRngState() => Created.Tensor(NativeMethods.RuntimeGetRngState(out var state), state);

    internal static void RuntimeSetRngState(Tensor state)
    {
        ArgumentNullException.ThrowIfNull(state);
        using var borrow = new TensorBorrow(state);
        NativeMethods.RuntimeSetRngState(borrow.Pointer).ThrowIfFailed();
    }

    internal static int RuntimeGetNumThreads()
    {
        NativeMethods.RuntimeGetNumThreads(out var count).ThrowIfFailed();
        return count;
    }

    internal static void RuntimeSetNumThreads(int count) => NativeMethods.RuntimeSetNumThreads(count).ThrowIfFailed();

    /// <summary>Intra-op threads of the calling thread only (worker and replica threads).</summary>
    internal static void RuntimeSetThreadNumThreads(int count) => NativeMethods.RuntimeSetThreadNumThreads(count).ThrowIfFailed();

    internal static Version RuntimeTorchVersion()
    {
        NativeMethods.RuntimeTorchVersion(out var major, out var minor, out var patch);
        return new Version(major, minor, patch);
    }

    internal static bool RuntimeCudaIsAvailable() => NativeMethods.RuntimeCudaIsAvailable() != 0;

    internal static int RuntimeCudaDeviceCount() => NativeMethods.RuntimeCudaDeviceCount();
}
