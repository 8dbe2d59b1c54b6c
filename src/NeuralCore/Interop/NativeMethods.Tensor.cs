using System.Runtime.InteropServices;
using NeuralCore.Interop.Handles;

namespace NeuralCore.Interop;

// nc_tensor.h: lifetime, creation, data exchange, conversion, lists and indexing.
internal static unsafe partial class NativeMethods
{
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_free")]
    internal static partial void TensorFree(IntPtr tensor);

    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_nbytes")]
    internal static partial long TensorNumberOfBytes(IntPtr tensor);

    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_info_get")]
    internal static partial NativeStatus TensorInfo(IntPtr tensor, out NativeTensorInfo info);

    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_sizes")]
    internal static partial NativeStatus TensorSizes(IntPtr tensor, long* sizes, int capacity, out int dimensions);

    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_strides")]
    internal static partial NativeStatus TensorStrides(IntPtr tensor, long* strides, int capacity, out int dimensions);

    // ---- creation from data ----
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_from_data")]
    internal static partial NativeStatus TensorFromData(void* data, long byteCount, long* shape, int dimensions, int dtype, out IntPtr result);

    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_from_blob")]
    internal static partial NativeStatus TensorFromBlob(void* data, long* shape, int dimensions, int dtype, delegate* unmanaged<IntPtr, void> deleter, IntPtr context, out IntPtr result);

    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_copy_to_buffer")]
    internal static partial NativeStatus TensorCopyToBuffer(IntPtr tensor, int dtype, void* buffer, long byteCount);

    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_item")]
    internal static partial NativeStatus TensorItem(IntPtr tensor, out NativeScalar value);

    // ---- conversion and copies ----
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_to")]
    internal static partial NativeStatus TensorTo(IntPtr tensor, int dtype, int deviceType, int deviceIndex, int nonBlocking, int copy, out IntPtr result);

    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_alias")] internal static partial NativeStatus TensorAlias(IntPtr tensor, out IntPtr result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_copy_inplace")] internal static partial NativeStatus TensorCopyInPlace(IntPtr destination, IntPtr source);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_fill_inplace")] internal static partial NativeStatus TensorFillInPlace(IntPtr tensor, NativeScalar value);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_zero_inplace")] internal static partial NativeStatus TensorZeroInPlace(IntPtr tensor);

    // ---- lists returned by operators ----
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_list_free")] internal static partial void TensorListFree(IntPtr list);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_list_size")] internal static partial long TensorListSize(TensorListHandle list);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_list_get")] internal static partial NativeStatus TensorListGet(TensorListHandle list, long index, out IntPtr result);

    // ---- indexing ----
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_index")] internal static partial NativeStatus TensorIndex(IntPtr tensor, NativeIndex* indices, int count, out IntPtr result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_index_put_inplace")] internal static partial NativeStatus TensorIndexPutInPlace(IntPtr tensor, NativeIndex* indices, int count, IntPtr value);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_index_tensor")] internal static partial NativeStatus TensorIndexTensor(IntPtr tensor, IntPtr index, out IntPtr result);
}

// The checked forms of nc_tensor.h for the facade.
internal static unsafe partial class LibTorch
{
    internal static void TensorFree(IntPtr tensor) => NativeMethods.TensorFree(tensor);

    internal static long TensorNumberOfBytes(Tensor tensor)
    {
        using var borrow = new TensorBorrow(tensor);
        return NativeMethods.TensorNumberOfBytes(borrow.Pointer);
    }

    internal static NativeTensorInfo TensorInfo(Tensor tensor)
    {
        using var borrow = new TensorBorrow(tensor);
        NativeMethods.TensorInfo(borrow.Pointer, out var info).ThrowIfFailed();
        return info;
    }

    internal static long[] TensorSizes(Tensor tensor)
    {
        using var borrow = new TensorBorrow(tensor);
        Span<long> buffer = stackalloc long[16];
        int dimensions;
        fixed (long* sizes = buffer)
            NativeMethods.TensorSizes(borrow.Pointer, sizes, buffer.Length, out dimensions).ThrowIfFailed();
        if (dimensions <= buffer.Length) return buffer[..dimensions].ToArray();
        var shape = new long[dimensions];
        fixed (long* sizes = shape)
            NativeMethods.TensorSizes(borrow.Pointer, sizes, dimensions, out _).ThrowIfFailed();
        return shape;
    }

    internal static long[] TensorStrides(Tensor tensor, int dimensions)
    {
        using var borrow = new TensorBorrow(tensor);
        var strides = new long[dimensions];
        fixed (long* values = strides)
            NativeMethods.TensorStrides(borrow.Pointer, values, strides.Length, out _).ThrowIfFailed();
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
        using var borrow = new TensorBorrow(tensor);
        fixed (T* values = buffer)
            NativeMethods.TensorCopyToBuffer(borrow.Pointer, (int)dtype, values, (long)buffer.Length * sizeof(T)).ThrowIfFailed();
    }

    internal static Scalar TensorItem(Tensor tensor)
    {
        using var borrow = new TensorBorrow(tensor);
        NativeMethods.TensorItem(borrow.Pointer, out var native).ThrowIfFailed();
        return Scalar.FromNative(native);
    }

    /// <summary>dtype and device null keep them; returns the same storage when nothing changes, as torch's Tensor.to.</summary>
    internal static Tensor TensorTo(Tensor tensor, DType? dtype, Device? device, bool nonBlocking)
    {
        using var borrow = new TensorBorrow(tensor);
        return Created.Tensor(NativeMethods.TensorTo(borrow.Pointer, dtype is { } type ? (int)type : -1, device is { } d ? (int)d.Type : -1,
            device is { } di ? di.Index : -1, nonBlocking ? 1 : 0, 0, out var result), result);
    }

    internal static Tensor TensorAlias(Tensor tensor)
    {
        using var borrow = new TensorBorrow(tensor);
        return Created.Tensor(NativeMethods.TensorAlias(borrow.Pointer, out var result), result);
    }

    internal static void TensorCopyInPlace(Tensor destination, Tensor source)
    {
        using var destinationBorrow = new TensorBorrow(destination);
        using var sourceBorrow = new TensorBorrow(source);
        NativeMethods.TensorCopyInPlace(destinationBorrow.Pointer, sourceBorrow.Pointer).ThrowIfFailed();
    }

    internal static void TensorFillInPlace(Tensor tensor, Scalar value)
    {
        using var borrow = new TensorBorrow(tensor);
        NativeMethods.TensorFillInPlace(borrow.Pointer, value.ToNative()).ThrowIfFailed();
    }

    internal static void TensorZeroInPlace(Tensor tensor)
    {
        using var borrow = new TensorBorrow(tensor);
        NativeMethods.TensorZeroInPlace(borrow.Pointer).ThrowIfFailed();
    }

    internal static Tensor TensorIndex(Tensor tensor, ReadOnlySpan<NativeIndex> indices)
    {
        using var borrow = new TensorBorrow(tensor);
        fixed (NativeIndex* pointer = indices)
            return Created.Tensor(NativeMethods.TensorIndex(borrow.Pointer, pointer, indices.Length, out var result), result);
    }

    internal static void TensorIndexPut(Tensor tensor, ReadOnlySpan<NativeIndex> indices, Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        using var borrow = new TensorBorrow(tensor);
        using var valueBorrow = new TensorBorrow(value);
        fixed (NativeIndex* pointer = indices)
            NativeMethods.TensorIndexPutInPlace(borrow.Pointer, pointer, indices.Length, valueBorrow.Pointer).ThrowIfFailed();
    }

    internal static Tensor TensorIndexTensor(Tensor tensor, Tensor index)
    {
        ArgumentNullException.ThrowIfNull(index);
        using var borrow = new TensorBorrow(tensor);
        using var indexBorrow = new TensorBorrow(index);
        return Created.Tensor(NativeMethods.TensorIndexTensor(borrow.Pointer, indexBorrow.Pointer, out var result), result);
    }
}
