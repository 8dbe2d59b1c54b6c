using System.Runtime.InteropServices;
using NeuralCore.Interop.Handles;

namespace NeuralCore.Interop;

// nc_distributed.h
internal static unsafe partial class NativeMethods
{
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_dist_available_backends")] internal static partial int DistAvailableBackends(byte* buffer, int capacity);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_dist_init", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial NativeStatus DistInit(string backend, string masterAddress, int masterPort, int rank, int worldSize, long timeoutMilliseconds, out ProcessGroupHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_dist_free")] internal static partial void DistFree(IntPtr group);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_dist_all_reduce")] internal static partial NativeStatus DistAllReduce(ProcessGroupHandle group, TensorHandle tensor, int op);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_dist_broadcast")] internal static partial NativeStatus DistBroadcast(ProcessGroupHandle group, TensorHandle tensor, int root);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_dist_all_gather")] internal static partial NativeStatus DistAllGather(ProcessGroupHandle group, TensorHandle input, IntPtr* outputs);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_dist_reduce_scatter")] internal static partial NativeStatus DistReduceScatter(ProcessGroupHandle group, IntPtr* inputs, TensorHandle output, int op);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_dist_register_gradient_averaging")] internal static partial NativeStatus DistRegisterGradientAveraging(ProcessGroupHandle group, IntPtr* parameters, int count, long bucketBytes, int* hookIds);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_dist_remove_gradient_hooks")] internal static partial NativeStatus DistRemoveGradientHooks(IntPtr* parameters, int count, int* hookIds);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_dist_barrier")] internal static partial NativeStatus DistBarrier(ProcessGroupHandle group);
}
