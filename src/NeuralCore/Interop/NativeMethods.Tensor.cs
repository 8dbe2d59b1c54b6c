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

    // ---- creation ----
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_empty")] internal static partial NativeStatus TensorEmpty(long* shape, int dimensions, NativeOptions options, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_zeros")] internal static partial NativeStatus TensorZeros(long* shape, int dimensions, NativeOptions options, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_ones")] internal static partial NativeStatus TensorOnes(long* shape, int dimensions, NativeOptions options, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_rand")] internal static partial NativeStatus TensorRand(long* shape, int dimensions, NativeOptions options, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_randn")] internal static partial NativeStatus TensorRandn(long* shape, int dimensions, NativeOptions options, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_full")] internal static partial NativeStatus TensorFull(long* shape, int dimensions, NativeScalar value, NativeOptions options, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_randint")] internal static partial NativeStatus TensorRandInt(long low, long high, long* shape, int dimensions, NativeOptions options, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_randperm")] internal static partial NativeStatus TensorRandPerm(long n, ulong seed, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_arange")] internal static partial NativeStatus TensorArange(NativeScalar start, NativeScalar end, NativeScalar step, NativeOptions options, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_linspace")] internal static partial NativeStatus TensorLinspace(double start, double end, long steps, NativeOptions options, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_eye")] internal static partial NativeStatus TensorEye(long rows, long columns, NativeOptions options, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_zeros_like")] internal static partial NativeStatus TensorZerosLike(TensorHandle tensor, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_ones_like")] internal static partial NativeStatus TensorOnesLike(TensorHandle tensor, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_rand_like")] internal static partial NativeStatus TensorRandLike(TensorHandle tensor, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_randn_like")] internal static partial NativeStatus TensorRandnLike(TensorHandle tensor, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_full_like")] internal static partial NativeStatus TensorFullLike(TensorHandle tensor, NativeScalar value, out TensorHandle result);

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
