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
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_dist_all_reduce")] internal static partial NativeStatus DistAllReduce(ProcessGroupHandle group, IntPtr tensor, int op);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_dist_broadcast")] internal static partial NativeStatus DistBroadcast(ProcessGroupHandle group, IntPtr tensor, int root);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_dist_all_gather")] internal static partial NativeStatus DistAllGather(ProcessGroupHandle group, IntPtr input, IntPtr* outputs);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_dist_reduce_scatter")] internal static partial NativeStatus DistReduceScatter(ProcessGroupHandle group, IntPtr* inputs, IntPtr output, int op);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_dist_reducer_create", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial NativeStatus DistReducerCreate(ProcessGroupHandle group, IntPtr* parameters, int count, string names, long bucketBytes, int findUnused, out DistributedReducerHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_dist_reducer_set_sync")] internal static partial NativeStatus DistReducerSetSync(DistributedReducerHandle reducer, int enabled);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_dist_reducer_free")] internal static partial void DistReducerFree(IntPtr reducer);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_dist_all_reduce_autograd")] internal static partial NativeStatus DistAllReduceAutograd(ProcessGroupHandle group, IntPtr input, int op, out IntPtr result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_dist_barrier")] internal static partial NativeStatus DistBarrier(ProcessGroupHandle group);
}

// The checked forms of nc_distributed.h for the facade.
internal static unsafe partial class LibTorch
{
    internal static string DistAvailableBackends() => NativeText.Read(&NativeMethods.DistAvailableBackends);

    internal static ProcessGroupHandle DistInit(string backend, string masterAddress, int masterPort, int rank, int worldSize, long timeoutMilliseconds,
        string? glooInterface, string? glooAddress)
    {
        var status = NativeMethods.DistInit(backend, masterAddress, masterPort, rank, worldSize, timeoutMilliseconds, glooInterface, glooAddress, out var handle);
        if (status != NativeStatus.Ok) handle.Dispose();
        status.ThrowIfFailed();
        return handle;
    }

    internal static void DistAllReduce(ProcessGroupHandle group, Tensor tensor, int op)
    {
        using var borrow = new TensorBorrow(tensor);
        NativeMethods.DistAllReduce(group, borrow.Pointer, op).ThrowIfFailed();
    }

    internal static void DistBroadcast(ProcessGroupHandle group, Tensor tensor, int root)
    {
        using var borrow = new TensorBorrow(tensor);
        NativeMethods.DistBroadcast(group, borrow.Pointer, root).ThrowIfFailed();
    }

    internal static Tensor[] DistAllGather(ProcessGroupHandle group, Tensor input, int worldSize)
    {
        using var borrow = new TensorBorrow(input);
        var outputs = new IntPtr[worldSize];
        fixed (IntPtr* pointers = outputs)
            NativeMethods.DistAllGather(group, borrow.Pointer, pointers).ThrowIfFailed();
        return outputs.Select(pointer => Created.Tensor(pointer)).ToArray();
    }

    internal static void DistReduceScatter(ProcessGroupHandle group, IReadOnlyList<Tensor> inputs, Tensor output, int op)
    {
        using var borrowed = BorrowedTensors.Of(inputs.ToArray());
        using var outputBorrow = new TensorBorrow(output);
        fixed (IntPtr* pointers = borrowed.Pointers)
            NativeMethods.DistReduceScatter(group, pointers, outputBorrow.Pointer, op).ThrowIfFailed();
    }

    internal static void DistBarrier(ProcessGroupHandle group) => NativeMethods.DistBarrier(group).ThrowIfFailed();

    internal static Tensor DistAllReduceAutograd(ProcessGroupHandle group, Tensor input, int op)
    {
        using var borrow = new TensorBorrow(input);
        return Created.Tensor(NativeMethods.DistAllReduceAutograd(group, borrow.Pointer, op, out var result), result);
    }

    /// <summary>DDP's gradient reducer over <paramref name="parameters"/> (named for its error messages).</summary>
    internal static DistributedReducerHandle DistReducerCreate(ProcessGroupHandle group, IReadOnlyList<Tensor> parameters, IEnumerable<string> names,
        long bucketBytes, bool findUnused)
    {
        using var borrowed = BorrowedTensors.Of(parameters.ToArray());
        DistributedReducerHandle reducer;
        fixed (IntPtr* pointers = borrowed.Pointers)
        {
            var status = NativeMethods.DistReducerCreate(group, pointers, parameters.Count, string.Join('\n', names), bucketBytes, findUnused ? 1 : 0, out reducer);
            if (status != NativeStatus.Ok) reducer.Dispose();
            status.ThrowIfFailed();
        }
        return reducer;
    }

    internal static void DistReducerSetSync(DistributedReducerHandle reducer, bool enabled) =>
        NativeMethods.DistReducerSetSync(reducer, enabled ? 1 : 0).ThrowIfFailed();
}
