using NeuralCore.Interop;
using NeuralCore.Interop.Handles;

namespace NeuralCore;

public unsafe partial class Tensor
{
    private unsafe delegate NativeStatus DimsReduction(TensorHandle tensor, long* dims, int count, int keepDim, int dtype, out TensorHandle result);

    private unsafe Tensor Reduce(DimsReduction function, ReadOnlySpan<long> dims, bool keepDim, DType? dtype)
    {
        fixed (long* values = dims)
            return Result(function(Handle, values, dims.Length, keepDim ? 1 : 0, dtype is { } t ? (int)t : -1, out var result), result);
    }

    /// <summary>Sum of all elements, a 0-D tensor; <paramref name="dtype"/> sets the accumulation and result type.</summary>
    public Tensor Sum(DType? dtype = null) => Reduce(NativeMethods.TensorSum, [], false, dtype);

    /// <summary>Sum over <paramref name="dim"/>; <paramref name="keepDim"/> keeps it with size 1.</summary>
    public Tensor Sum(long dim, bool keepDim = false, DType? dtype = null) => Reduce(NativeMethods.TensorSum, [dim], keepDim, dtype);

    /// <summary>Sum over several dimensions.</summary>
    public Tensor Sum(long[] dims, bool keepDim = false, DType? dtype = null) => Reduce(NativeMethods.TensorSum, NonEmpty(dims), keepDim, dtype);

    /// <summary>Mean of all elements (floating-point tensors).</summary>
    public Tensor Mean(DType? dtype = null) => Reduce(NativeMethods.TensorMean, [], false, dtype);

    /// <summary>Mean over <paramref name="dim"/>.</summary>
    public Tensor Mean(long dim, bool keepDim = false, DType? dtype = null) => Reduce(NativeMethods.TensorMean, [dim], keepDim, dtype);

    /// <summary>Mean over several dimensions.</summary>
    public Tensor Mean(long[] dims, bool keepDim = false, DType? dtype = null) => Reduce(NativeMethods.TensorMean, NonEmpty(dims), keepDim, dtype);

    /// <summary>Product of all elements, or over <paramref name="dim"/>.</summary>
    public Tensor Prod(long? dim = null, bool keepDim = false, DType? dtype = null) =>
        Result(NativeMethods.TensorProd(Handle, dim.HasValue ? 1 : 0, dim ?? 0, keepDim ? 1 : 0, dtype is { } t ? (int)t : -1, out var result), result);

    private unsafe delegate NativeStatus Moment(TensorHandle tensor, long* dims, int count, long correction, int keepDim, out TensorHandle result);

    private unsafe Tensor Spread(Moment function, ReadOnlySpan<long> dims, bool unbiased, bool keepDim)
    {
        fixed (long* values = dims)
            return Result(function(Handle, values, dims.Length, unbiased ? 1 : 0, keepDim ? 1 : 0, out var result), result);
    }

    /// <summary>Standard deviation of all elements; <paramref name="unbiased"/> divides by n - 1 (PyTorch's default).</summary>
    public Tensor Std(bool unbiased = true) => Spread(NativeMethods.TensorStd, [], unbiased, false);

    /// <summary>Standard deviation over <paramref name="dim"/>.</summary>
    public Tensor Std(long dim, bool unbiased = true, bool keepDim = false) => Spread(NativeMethods.TensorStd, [dim], unbiased, keepDim);

    /// <summary>Standard deviation over several dimensions.</summary>
    public Tensor Std(long[] dims, bool unbiased = true, bool keepDim = false) => Spread(NativeMethods.TensorStd, NonEmpty(dims), unbiased, keepDim);

    /// <summary>Variance of all elements; <paramref name="unbiased"/> divides by n - 1 (PyTorch's default).</summary>
    public Tensor Var(bool unbiased = true) => Spread(NativeMethods.TensorVar, [], unbiased, false);

    /// <summary>Variance over <paramref name="dim"/>.</summary>
    public Tensor Var(long dim, bool unbiased = true, bool keepDim = false) => Spread(NativeMethods.TensorVar, [dim], unbiased, keepDim);

    /// <summary>Variance over several dimensions.</summary>
    public Tensor Var(long[] dims, bool unbiased = true, bool keepDim = false) => Spread(NativeMethods.TensorVar, NonEmpty(dims), unbiased, keepDim);

    /// <summary>Largest element, a 0-D tensor.</summary>
    public Tensor Max() => Apply(NativeMethods.TensorMaxAll);

    /// <summary>Largest values along <paramref name="dim"/> and their positions.</summary>
    public (Tensor Values, Tensor Indices) Max(long dim, bool keepDim = false) => Pair(NativeMethods.TensorMaxDim, dim, keepDim);

    /// <summary>Elementwise maximum, as torch.max(a, b).</summary>
    public Tensor Max(Tensor other) => Maximum(other);

    /// <summary>Smallest element, a 0-D tensor.</summary>
    public Tensor Min() => Apply(NativeMethods.TensorMinAll);

    /// <summary>Smallest values along <paramref name="dim"/> and their positions.</summary>
    public (Tensor Values, Tensor Indices) Min(long dim, bool keepDim = false) => Pair(NativeMethods.TensorMinDim, dim, keepDim);

    /// <summary>Elementwise minimum, as torch.min(a, b).</summary>
    public Tensor Min(Tensor other) => Minimum(other);

    private (Tensor, Tensor) Pair(PairFunction function, long dim, bool keepDim) =>
        PairResult(function(Handle, dim, keepDim ? 1 : 0, out var values, out var indices), values, indices);

    /// <summary>Position of the largest element: in the flattened tensor, or along <paramref name="dim"/>.</summary>
    public Tensor ArgMax(long? dim = null, bool keepDim = false) =>
        Result(NativeMethods.TensorArgMax(Handle, dim.HasValue ? 1 : 0, dim ?? 0, keepDim ? 1 : 0, out var result), result);

    /// <summary>Position of the smallest element: in the flattened tensor, or along <paramref name="dim"/>.</summary>
    public Tensor ArgMin(long? dim = null, bool keepDim = false) =>
        Result(NativeMethods.TensorArgMin(Handle, dim.HasValue ? 1 : 0, dim ?? 0, keepDim ? 1 : 0, out var result), result);

    /// <summary>True (0-D Bool) when every element is nonzero.</summary>
    public Tensor All() => Apply(NativeMethods.TensorAll);

    /// <summary>True (0-D Bool) when some element is nonzero.</summary>
    public Tensor Any() => Apply(NativeMethods.TensorAny);

    /// <summary>The p-norm of all elements (2: Euclidean).</summary>
    public Tensor Norm(double p = 2) => Result(NativeMethods.TensorNorm(Handle, p, out var result), result);

    /// <summary>log(sum(exp(x))) over <paramref name="dim"/>, computed stably.</summary>
    public unsafe Tensor LogSumExp(long dim, bool keepDim = false)
    {
        return Result(NativeMethods.TensorLogSumExp(Handle, &dim, 1, keepDim ? 1 : 0, out var result), result);
    }

    /// <summary>Running sum along <paramref name="dim"/>.</summary>
    public Tensor CumSum(long dim) => Result(NativeMethods.TensorCumSum(Handle, dim, out var result), result);

    /// <summary>exp(x) / sum(exp(x)) along <paramref name="dim"/>.</summary>
    public Tensor Softmax(long dim) => Result(NativeMethods.TensorSoftmax(Handle, dim, out var result), result);

    /// <summary>log(softmax(x)) along <paramref name="dim"/>, computed stably.</summary>
    public Tensor LogSoftmax(long dim) => Result(NativeMethods.TensorLogSoftmax(Handle, dim, out var result), result);

    /// <summary>The <paramref name="k"/> largest (or smallest) values along <paramref name="dim"/> and their positions.</summary>
    public (Tensor Values, Tensor Indices) TopK(long k, long dim = -1, bool largest = true, bool sorted = true) =>
        PairResult(NativeMethods.TensorTopK(Handle, k, dim, largest ? 1 : 0, sorted ? 1 : 0, out var values, out var indices), values, indices);

    /// <summary>Values sorted along <paramref name="dim"/> and the positions they came from.</summary>
    public (Tensor Values, Tensor Indices) Sort(long dim = -1, bool descending = false) =>
        PairResult(NativeMethods.TensorSort(Handle, dim, descending ? 1 : 0, out var values, out var indices), values, indices);

    private static long[] NonEmpty(long[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        if (dims.Length == 0) throw new ArgumentException("give at least one dimension, or call the overload without dimensions", nameof(dims));
        return dims;
    }
}
