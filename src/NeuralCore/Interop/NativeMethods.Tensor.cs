using System.Runtime.InteropServices;
using NeuralCore.Interop.Handles;

namespace NeuralCore.Interop;

// nc_tensor.h: lifetime, creation, data exchange, conversion, lists and indexing.
internal static unsafe partial class NativeMethods
{
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_free")]
    internal static partial void TensorFree(IntPtr tensor);

    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_nbytes")]
    internal static partial long TensorNumberOfBytes(TensorHandle tensor);

    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_info_get")]
    internal static partial NativeStatus TensorInfo(TensorHandle tensor, out NativeTensorInfo info);

    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_sizes")]
    internal static partial NativeStatus TensorSizes(TensorHandle tensor, long* sizes, int capacity, out int dimensions);

    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_strides")]
    internal static partial NativeStatus TensorStrides(TensorHandle tensor, long* strides, int capacity, out int dimensions);

    // ---- creation from data ----
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_from_data")]
    internal static partial NativeStatus TensorFromData(void* data, long byteCount, long* shape, int dimensions, int dtype, out TensorHandle result);

    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_from_blob")]
    internal static partial NativeStatus TensorFromBlob(void* data, long* shape, int dimensions, int dtype, delegate* unmanaged<IntPtr, void> deleter, IntPtr context, out TensorHandle result);

    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_copy_to_buffer")]
    internal static partial NativeStatus TensorCopyToBuffer(TensorHandle tensor, int dtype, void* buffer, long byteCount);

    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_item")]
    internal static partial NativeStatus TensorItem(TensorHandle tensor, out NativeScalar value);

    // ---- conversion and copies ----
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_to")]
    internal static partial NativeStatus TensorTo(TensorHandle tensor, int dtype, int deviceType, int deviceIndex, int nonBlocking, int copy, out TensorHandle result);

    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_alias")] internal static partial NativeStatus TensorAlias(TensorHandle tensor, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_copy_inplace")] internal static partial NativeStatus TensorCopyInPlace(TensorHandle destination, TensorHandle source);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_fill_inplace")] internal static partial NativeStatus TensorFillInPlace(TensorHandle tensor, NativeScalar value);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_zero_inplace")] internal static partial NativeStatus TensorZeroInPlace(TensorHandle tensor);

    // ---- lists returned by operators ----
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_list_free")] internal static partial void TensorListFree(IntPtr list);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_list_size")] internal static partial long TensorListSize(TensorListHandle list);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_list_get")] internal static partial NativeStatus TensorListGet(TensorListHandle list, long index, out TensorHandle result);

    // ---- indexing ----
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_index")] internal static partial NativeStatus TensorIndex(TensorHandle tensor, NativeIndex* indices, int count, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_index_put_inplace")] internal static partial NativeStatus TensorIndexPutInPlace(TensorHandle tensor, NativeIndex* indices, int count, TensorHandle value);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_index_tensor")] internal static partial NativeStatus TensorIndexTensor(TensorHandle tensor, TensorHandle index, out TensorHandle result);
}

// The checked forms of nc_tensor.h for the facade.
internal static unsafe partial class LibTorch
{
    internal static long TensorNumberOfBytes(TensorHandle tensor) => NativeMethods.TensorNumberOfBytes(tensor);

    internal static NativeTensorInfo TensorInfo(Tensor tensor)
    {
        NativeMethods.TensorInfo(tensor.Handle, out var info).ThrowIfFailed();
        return info;
    }

    internal static long[] TensorSizes(Tensor tensor)
    {
        Span<long> buffer = stackalloc long[16];
        int dimensions;
        fixed (long* sizes = buffer)
            NativeMethods.TensorSizes(tensor.Handle, sizes, buffer.Length, out dimensions).ThrowIfFailed();
        if (dimensions <= buffer.Length) return buffer[..dimensions].ToArray();
        var shape = new long[dimensions];
        fixed (long* sizes = shape)
            NativeMethods.TensorSizes(tensor.Handle, sizes, dimensions, out _).ThrowIfFailed();
        return shape;
    }

    internal static long[] TensorStrides(Tensor tensor, int dimensions)
    {
        var strides = new long[dimensions];
        fixed (long* values = strides)
            NativeMethods.TensorStrides(tensor.Handle, values, strides.Length, out _).ThrowIfFailed();
        return strides;
    }

    internal static Tensor TensorFromData<T>(ReadOnlySpan<T> data, ReadOnlySpan<long> shape, DType dtype) where T : unmanaged
    {
        fixed (T* values = data)
        fixed (long* sizes = shape)
            return Created.Tensor(NativeMethods.TensorFromData(values, (long)data.Length * sizeof(T), sizes, shape.Length, (int)dtype, out var result), result);
    }

    /// <summary>A tensor over memory the caller keeps alive; native code calls release(context) exactly once, also when this fails.</summary>
    internal static Tensor TensorFromBlob(void* data, ReadOnlySpan<long> shape, DType dtype, delegate* unmanaged<IntPtr, void> release, IntPtr context)
    {
        fixed (long* sizes = shape)
            return Created.Tensor(NativeMethods.TensorFromBlob(data, sizes, shape.Length, (int)dtype, release, context, out var result), result);
    }

    internal static void TensorCopyToBuffer<T>(Tensor tensor, DType dtype, Span<T> buffer) where T : unmanaged
    {
        fixed (T* values = buffer)
            NativeMethods.TensorCopyToBuffer(tensor.Handle, (int)dtype, values, (long)buffer.Length * sizeof(T)).ThrowIfFailed();
    }

    internal static Scalar TensorItem(Tensor tensor)
    {
        NativeMethods.TensorItem(tensor.Handle, out var native).ThrowIfFailed();
        return Scalar.FromNative(native);
    }

    /// <summary>dtype and device null keep them; returns the same storage when nothing changes, as torch's Tensor.to.</summary>
    internal static Tensor TensorTo(Tensor tensor, DType? dtype, Device? device, bool nonBlocking) =>
        Created.Tensor(NativeMethods.TensorTo(tensor.Handle, dtype is { } type ? (int)type : -1, device is { } d ? (int)d.Type : -1,
            device is { } di ? di.Index : -1, nonBlocking ? 1 : 0, 0, out var result), result);

    internal static Tensor TensorAlias(Tensor tensor) => Created.Tensor(NativeMethods.TensorAlias(tensor.Handle, out var result), result);

    internal static void TensorCopyInPlace(Tensor destination, Tensor source) =>
        NativeMethods.TensorCopyInPlace(destination.Handle, source.Handle).ThrowIfFailed();

    internal static void TensorFillInPlace(Tensor tensor, Scalar value) => NativeMethods.TensorFillInPlace(tensor.Handle, value.ToNative()).ThrowIfFailed();

    internal static void TensorZeroInPlace(Tensor tensor) => NativeMethods.TensorZeroInPlace(tensor.Handle).ThrowIfFailed();

    internal static Tensor TensorIndex(Tensor tensor, ReadOnlySpan<NativeIndex> indices)
    {
        fixed (NativeIndex* pointer = indices)
            return Created.Tensor(NativeMethods.TensorIndex(tensor.Handle, pointer, indices.Length, out var result), result);
    }

    internal static void TensorIndexPut(Tensor tensor, ReadOnlySpan<NativeIndex> indices, Tensor value)
    {
        fixed (NativeIndex* pointer = indices)
            NativeMethods.TensorIndexPutInPlace(tensor.Handle, pointer, indices.Length, value.Handle).ThrowIfFailed();
    }

    internal static Tensor TensorIndexTensor(Tensor tensor, Tensor index) =>
        Created.Tensor(NativeMethods.TensorIndexTensor(tensor.Handle, index.Handle, out var result), result);
}
