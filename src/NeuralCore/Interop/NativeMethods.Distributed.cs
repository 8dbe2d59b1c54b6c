using System.Runtime.InteropServices;
using NeuralCore.Interop.Handles;

namespace NeuralCore.Interop;

// nc_distributed.h
internal static unsafe partial class NativeMethods
{
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_dist_available_backends")] internal static partial int DistAvailableBackends(byte* buffer, int capacity);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_dist_init", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial NativeStatus DistInit(string backend, string masterAddress, int masterPort, int rank, int worldSize, long timeoutMilliseconds,
        string? glooInterface, string? glooAddress, out ProcessGroupHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_dist_free")] internal static partial void DistFree(IntPtr group);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_dist_all_reduce")] internal static partial NativeStatus DistAllReduce(ProcessGroupHandle group, TensorHandle tensor, int op);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_dist_broadcast")] internal static partial NativeStatus DistBroadcast(ProcessGroupHandle group, TensorHandle tensor, int root);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_dist_all_gather")] internal static partial NativeStatus DistAllGather(ProcessGroupHandle group, TensorHandle input, IntPtr* outputs);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_dist_reduce_scatter")] internal static partial NativeStatus DistReduceScatter(ProcessGroupHandle group, IntPtr* inputs, TensorHandle output, int op);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_dist_reducer_create", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial NativeStatus DistReducerCreate(ProcessGroupHandle group, IntPtr* parameters, int count, string names, long bucketBytes, int findUnused, out DistributedReducerHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_dist_reducer_set_sync")] internal static partial NativeStatus DistReducerSetSync(DistributedReducerHandle reducer, int enabled);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_dist_reducer_free")] internal static partial void DistReducerFree(IntPtr reducer);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_dist_all_reduce_autograd")] internal static partial NativeStatus DistAllReduceAutograd(ProcessGroupHandle group, TensorHandle input, int op, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_dist_barrier")] internal static partial NativeStatus DistBarrier(ProcessGroupHandle group);
}
