using NeuralCore.Interop;

namespace NeuralCore;

public unsafe partial class Tensor
{
    private unsafe Tensor Reshaped(ShapeFunction function, ReadOnlySpan<long> shape)
    {
        fixed (long* values = shape)
            return Result(function(Handle, values, shape.Length, out var result), result);
    }

    /// <summary>The same data seen with another shape, without copying; one size may be -1. Fails for incompatible strides (use <see cref="Reshape"/>).</summary>
    public Tensor View(params ReadOnlySpan<long> shape) => Reshaped(NativeMethods.TensorView, shape);

    /// <summary>The data with another shape: a view when possible, else a copy. One size may be -1.</summary>
    public Tensor Reshape(params ReadOnlySpan<long> shape) => Reshaped(NativeMethods.TensorReshape, shape);

    /// <summary>A view with size-1 dimensions broadcast to <paramref name="shape"/> (-1 keeps a size).</summary>
    public Tensor Expand(params ReadOnlySpan<long> shape) => Reshaped(NativeMethods.TensorExpand, shape);

    /// <summary>The tensor tiled <paramref name="repeats"/> times along each dimension (a copy).</summary>
    public Tensor Repeat(params ReadOnlySpan<long> repeats) => Reshaped(NativeMethods.TensorRepeat, repeats);

    /// <summary>A view with the dimensions reordered.</summary>
    public Tensor Permute(params ReadOnlySpan<long> dims) => Reshaped(NativeMethods.TensorPermute, dims);

    /// <summary>A copy with the order of elements reversed along <paramref name="dims"/>.</summary>
    public Tensor Flip(params ReadOnlySpan<long> dims) => Reshaped(NativeMethods.TensorFlip, dims);

    /// <summary>A view with two dimensions swapped.</summary>
    public Tensor Transpose(long dim0, long dim1) => Result(NativeMethods.TensorTranspose(Handle, dim0, dim1, out var result), result);

    /// <summary>The transpose of a matrix (dimensions reversed, as torch's <c>.T</c>).</summary>
    public Tensor T
    {
        get
        {
            var dimensions = Dimensions;
            if (dimensions < 2) return Alias();
            if (dimensions == 2) return Transpose(0, 1);
            Span<long> reversed = stackalloc long[dimensions];
            for (var i = 0; i < dimensions; i++) reversed[i] = dimensions - 1 - i;
            return Permute(reversed);
        }
    }

    /// <summary>Removes every dimension of size 1.</summary>
    public Tensor Squeeze() => Result(NativeMethods.TensorSqueeze(Handle, 0, 0, out var result), result);

    /// <summary>Removes <paramref name="dim"/> if its size is 1.</summary>
    public Tensor Squeeze(long dim) => Result(NativeMethods.TensorSqueeze(Handle, 1, dim, out var result), result);

    /// <summary>Inserts a dimension of size 1 at <paramref name="dim"/>.</summary>
    public Tensor Unsqueeze(long dim) => Result(NativeMethods.TensorUnsqueeze(Handle, dim, out var result), result);

    /// <summary>Merges dimensions <paramref name="startDim"/> to <paramref name="endDim"/> into one.</summary>
    public Tensor Flatten(long startDim = 0, long endDim = -1) =>
        Result(NativeMethods.TensorFlatten(Handle, startDim, endDim, out var result), result);

    /// <summary>This tensor if its layout is already dense row-major, else a dense copy.</summary>
    public Tensor Contiguous() => Apply(NativeMethods.TensorContiguous);

    /// <summary>A view of <paramref name="length"/> entries along <paramref name="dim"/> starting at <paramref name="start"/>.</summary>
    public Tensor Narrow(long dim, long start, long length) =>
        Result(NativeMethods.TensorNarrow(Handle, dim, start, length, out var result), result);

    /// <summary>A view with explicit sizes and strides (in elements), starting <paramref name="storageOffset"/> elements into the storage.</summary>
    public Tensor AsStrided(ReadOnlySpan<long> sizes, ReadOnlySpan<long> strides, long storageOffset = 0)
    {
        if (sizes.Length != strides.Length) throw new ArgumentException($"{sizes.Length} sizes but {strides.Length} strides", nameof(strides));
        fixed (long* sizePointer = sizes, stridePointer = strides)
            return Result(NativeMethods.TensorAsStrided(Handle, sizePointer, stridePointer, sizes.Length, storageOffset, out var result), result);
    }

    /// <summary>The slice at <paramref name="index"/> along <paramref name="dim"/>, which is removed.</summary>
    public Tensor Select(long dim, long index) => Result(NativeMethods.TensorSelect(Handle, dim, index, out var result), result);

    /// <summary>Views splitting <paramref name="dim"/> into <paramref name="chunks"/> nearly equal parts (the last may be smaller).</summary>
    public Tensor[] Chunk(int chunks, long dim = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunks, 1);
        var size = Size(DimensionIndex(dim));
        var step = (size + chunks - 1) / chunks;
        return Split(Math.Max(step, 1), dim);
    }

    private int DimensionIndex(long dim) =>
        dim is >= int.MinValue and <= int.MaxValue ? (int)dim : throw new ArgumentOutOfRangeException(nameof(dim), dim, $"the tensor has {Dimensions} dimensions");

    /// <summary>Views of <paramref name="splitSize"/> entries each along <paramref name="dim"/> (the last may be smaller).</summary>
    public Tensor[] Split(long splitSize, long dim = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(splitSize, 1);
        var size = Size(DimensionIndex(dim));
        var count = Math.Max(1, (size + splitSize - 1) / splitSize);
        var parts = new Tensor[count];
        for (long i = 0; i < count; i++)
            parts[i] = Narrow(dim, i * splitSize, Math.Min(splitSize, size - i * splitSize));
        return parts;
    }

    /// <summary>Views of the given sizes along <paramref name="dim"/>; the sizes must add up to the dimension's size.</summary>
    public Tensor[] Split(long[] sizes, long dim = 0)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        var total = Size(DimensionIndex(dim));
        if (sizes.Any(s => s < 0) || sizes.Sum() != total)
            throw new ArgumentException($"split sizes [{string.Join(", ", sizes)}] do not add up to {total}, the size of dimension {dim}", nameof(sizes));
        var parts = new Tensor[sizes.Length];
        long start = 0;
        for (var i = 0; i < sizes.Length; i++)
        {
            parts[i] = Narrow(dim, start, sizes[i]);
            start += sizes[i];
        }
        return parts;
    }

    private unsafe delegate NativeStatus ListFunction(IntPtr* tensors, int count, long dim, out Interop.Handles.TensorHandle result);

    private static unsafe Tensor Join(ListFunction function, ReadOnlySpan<Tensor> tensors, long dim)
    {
        var handles = new Interop.Handles.TensorHandle?[tensors.Length];
        for (var i = 0; i < tensors.Length; i++)
            handles[i] = (tensors[i] ?? throw new ArgumentNullException(nameof(tensors), $"tensor {i} is null")).Handle;
        using var borrowed = new BorrowedHandles(handles);
        fixed (IntPtr* pointers = borrowed.Pointers)
            return Result(function(pointers, tensors.Length, dim, out var result), result);
    }

    /// <summary>Joins tensors along an existing dimension.</summary>
    public static Tensor Cat(ReadOnlySpan<Tensor> tensors, long dim = 0) => Join(NativeMethods.TensorCat, tensors, dim);

    /// <summary>Joins tensors of equal shape along a new dimension.</summary>
    public static Tensor Stack(ReadOnlySpan<Tensor> tensors, long dim = 0) => Join(NativeMethods.TensorStack, tensors, dim);
}
