using System.Runtime.InteropServices;
using NeuralCore.Interop.Handles;

namespace NeuralCore.Interop;

// nc_tensor.h: lifetime, creation, data exchange, conversion, reductions, shape and indexing.
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

    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_clone")] internal static partial NativeStatus TensorClone(TensorHandle tensor, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_contiguous")] internal static partial NativeStatus TensorContiguous(TensorHandle tensor, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_alias")] internal static partial NativeStatus TensorAlias(TensorHandle tensor, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_copy_inplace")] internal static partial NativeStatus TensorCopyInPlace(TensorHandle destination, TensorHandle source);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_fill_inplace")] internal static partial NativeStatus TensorFillInPlace(TensorHandle tensor, NativeScalar value);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_zero_inplace")] internal static partial NativeStatus TensorZeroInPlace(TensorHandle tensor);

    // ---- operators that do not fit the elementwise pattern ----
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_rsub_scalar")] internal static partial NativeStatus TensorReverseSubScalar(NativeScalar left, TensorHandle right, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_rdiv_scalar")] internal static partial NativeStatus TensorReverseDivScalar(NativeScalar left, TensorHandle right, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_rpow_scalar")] internal static partial NativeStatus TensorReversePowScalar(NativeScalar left, TensorHandle right, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_clamp")] internal static partial NativeStatus TensorClamp(TensorHandle tensor, int hasMin, NativeScalar min, int hasMax, NativeScalar max, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_clamp_inplace")] internal static partial NativeStatus TensorClampInPlace(TensorHandle tensor, int hasMin, NativeScalar min, int hasMax, NativeScalar max);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_where")] internal static partial NativeStatus TensorWhere(TensorHandle condition, TensorHandle left, TensorHandle right, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_masked_fill")] internal static partial NativeStatus TensorMaskedFill(TensorHandle tensor, TensorHandle mask, NativeScalar value, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_masked_fill_inplace")] internal static partial NativeStatus TensorMaskedFillInPlace(TensorHandle tensor, TensorHandle mask, NativeScalar value);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_masked_select")] internal static partial NativeStatus TensorMaskedSelect(TensorHandle tensor, TensorHandle mask, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_gather")] internal static partial NativeStatus TensorGather(TensorHandle tensor, long dim, TensorHandle index, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_scatter")] internal static partial NativeStatus TensorScatter(TensorHandle tensor, long dim, TensorHandle index, TensorHandle source, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_index_select")] internal static partial NativeStatus TensorIndexSelect(TensorHandle tensor, long dim, TensorHandle index, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_allclose")] internal static partial NativeStatus TensorAllClose(TensorHandle left, TensorHandle right, double relativeTolerance, double absoluteTolerance, int equalNan, out int result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_equal")] internal static partial NativeStatus TensorEqual(TensorHandle left, TensorHandle right, out int result);

    // ---- reductions ----
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_sum")] internal static partial NativeStatus TensorSum(TensorHandle tensor, long* dims, int dimCount, int keepDim, int dtype, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_mean")] internal static partial NativeStatus TensorMean(TensorHandle tensor, long* dims, int dimCount, int keepDim, int dtype, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_prod")] internal static partial NativeStatus TensorProd(TensorHandle tensor, int hasDim, long dim, int keepDim, int dtype, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_std")] internal static partial NativeStatus TensorStd(TensorHandle tensor, long* dims, int dimCount, long correction, int keepDim, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_var")] internal static partial NativeStatus TensorVar(TensorHandle tensor, long* dims, int dimCount, long correction, int keepDim, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_max_all")] internal static partial NativeStatus TensorMaxAll(TensorHandle tensor, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_min_all")] internal static partial NativeStatus TensorMinAll(TensorHandle tensor, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_max_dim")] internal static partial NativeStatus TensorMaxDim(TensorHandle tensor, long dim, int keepDim, out TensorHandle values, out TensorHandle indices);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_min_dim")] internal static partial NativeStatus TensorMinDim(TensorHandle tensor, long dim, int keepDim, out TensorHandle values, out TensorHandle indices);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_argmax")] internal static partial NativeStatus TensorArgMax(TensorHandle tensor, int hasDim, long dim, int keepDim, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_argmin")] internal static partial NativeStatus TensorArgMin(TensorHandle tensor, int hasDim, long dim, int keepDim, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_all")] internal static partial NativeStatus TensorAll(TensorHandle tensor, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_any")] internal static partial NativeStatus TensorAny(TensorHandle tensor, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_norm")] internal static partial NativeStatus TensorNorm(TensorHandle tensor, double p, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_logsumexp")] internal static partial NativeStatus TensorLogSumExp(TensorHandle tensor, long* dims, int dimCount, int keepDim, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_cumsum")] internal static partial NativeStatus TensorCumSum(TensorHandle tensor, long dim, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_softmax")] internal static partial NativeStatus TensorSoftmax(TensorHandle tensor, long dim, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_log_softmax")] internal static partial NativeStatus TensorLogSoftmax(TensorHandle tensor, long dim, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_topk")] internal static partial NativeStatus TensorTopK(TensorHandle tensor, long k, long dim, int largest, int sorted, out TensorHandle values, out TensorHandle indices);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_sort")] internal static partial NativeStatus TensorSort(TensorHandle tensor, long dim, int descending, out TensorHandle values, out TensorHandle indices);

    // ---- shape ----
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_view")] internal static partial NativeStatus TensorView(TensorHandle tensor, long* shape, int dimensions, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_reshape")] internal static partial NativeStatus TensorReshape(TensorHandle tensor, long* shape, int dimensions, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_expand")] internal static partial NativeStatus TensorExpand(TensorHandle tensor, long* shape, int dimensions, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_repeat")] internal static partial NativeStatus TensorRepeat(TensorHandle tensor, long* repeats, int dimensions, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_permute")] internal static partial NativeStatus TensorPermute(TensorHandle tensor, long* dims, int dimensions, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_flip")] internal static partial NativeStatus TensorFlip(TensorHandle tensor, long* dims, int dimensions, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_transpose")] internal static partial NativeStatus TensorTranspose(TensorHandle tensor, long dim0, long dim1, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_squeeze")] internal static partial NativeStatus TensorSqueeze(TensorHandle tensor, int hasDim, long dim, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_unsqueeze")] internal static partial NativeStatus TensorUnsqueeze(TensorHandle tensor, long dim, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_flatten")] internal static partial NativeStatus TensorFlatten(TensorHandle tensor, long startDim, long endDim, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_as_strided")] internal static partial NativeStatus TensorAsStrided(TensorHandle tensor, long* sizes, long* strides, int dimensions, long storageOffset, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_narrow")] internal static partial NativeStatus TensorNarrow(TensorHandle tensor, long dim, long start, long length, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_select")] internal static partial NativeStatus TensorSelect(TensorHandle tensor, long dim, long index, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_cat")] internal static partial NativeStatus TensorCat(IntPtr* tensors, int count, long dim, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_stack")] internal static partial NativeStatus TensorStack(IntPtr* tensors, int count, long dim, out TensorHandle result);

    // ---- indexing ----
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_index")] internal static partial NativeStatus TensorIndex(TensorHandle tensor, NativeIndex* indices, int count, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_index_put_inplace")] internal static partial NativeStatus TensorIndexPutInPlace(TensorHandle tensor, NativeIndex* indices, int count, TensorHandle value);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_index_tensor")] internal static partial NativeStatus TensorIndexTensor(TensorHandle tensor, TensorHandle index, out TensorHandle result);
}
