using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NeuralCore.Interop;

namespace NeuralCore;

public partial class Tensor
{
    /// <summary>A tensor of the given shape, filled with zeros. Default dtype Float32, device CPU.</summary>
    public static Tensor Zeros(params ReadOnlySpan<long> shape) => Zeros(shape, null);

    /// <inheritdoc cref="Zeros(ReadOnlySpan{long})"/>
    public static Tensor Zeros(ReadOnlySpan<long> shape, DType? dtype = null, Device? device = null, bool requiresGrad = false) =>
        LibTorch.TensorCreate(LibTorch.Fill.Zeros, shape, dtype, device, requiresGrad);

    /// <summary>A tensor of the given shape, filled with ones.</summary>
    public static Tensor Ones(params ReadOnlySpan<long> shape) => Ones(shape, null);

    /// <inheritdoc cref="Ones(ReadOnlySpan{long})"/>
    public static Tensor Ones(ReadOnlySpan<long> shape, DType? dtype = null, Device? device = null, bool requiresGrad = false) =>
        LibTorch.TensorCreate(LibTorch.Fill.Ones, shape, dtype, device, requiresGrad);

    /// <summary>A tensor of the given shape whose values are whatever the memory held.</summary>
    public static Tensor Empty(params ReadOnlySpan<long> shape) => Empty(shape, null);

    /// <inheritdoc cref="Empty(ReadOnlySpan{long})"/>
    public static Tensor Empty(ReadOnlySpan<long> shape, DType? dtype = null, Device? device = null, bool requiresGrad = false) =>
        LibTorch.TensorCreate(LibTorch.Fill.Empty, shape, dtype, device, requiresGrad);

    /// <summary>Uniform samples from [0, 1).</summary>
    public static Tensor Rand(params ReadOnlySpan<long> shape) => Rand(shape, null);

    /// <inheritdoc cref="Rand(ReadOnlySpan{long})"/>
    public static Tensor Rand(ReadOnlySpan<long> shape, DType? dtype = null, Device? device = null, bool requiresGrad = false) =>
        LibTorch.TensorCreate(LibTorch.Fill.Rand, shape, dtype, device, requiresGrad);

    /// <summary>Samples from the standard normal distribution.</summary>
    public static Tensor Randn(params ReadOnlySpan<long> shape) => Randn(shape, null);

    /// <inheritdoc cref="Randn(ReadOnlySpan{long})"/>
    public static Tensor Randn(ReadOnlySpan<long> shape, DType? dtype = null, Device? device = null, bool requiresGrad = false) =>
        LibTorch.TensorCreate(LibTorch.Fill.Randn, shape, dtype, device, requiresGrad);

    /// <summary>A tensor of the given shape filled with <paramref name="value"/>; the dtype follows the value's kind unless given.</summary>
    public static Tensor Full(ReadOnlySpan<long> shape, Scalar value, DType? dtype = null, Device? device = null, bool requiresGrad = false) =>
        LibTorch.TensorFull(shape, value, dtype, device, requiresGrad);

    /// <summary>Random integers uniform in [<paramref name="low"/>, <paramref name="high"/>); dtype Int64.</summary>
    public static Tensor RandInt(long low, long high, params ReadOnlySpan<long> shape) => RandInt(low, high, shape, null);

    /// <inheritdoc cref="RandInt(long, long, ReadOnlySpan{long})"/>
    public static Tensor RandInt(long low, long high, ReadOnlySpan<long> shape, DType? dtype = null, Device? device = null) =>
        LibTorch.TensorRandInt(low, high, shape, dtype, device);

    /// <summary>
    /// A random permutation of 0 … <paramref name="n"/> - 1 (Int64) from a generator seeded with <paramref name="seed"/>, the same
    /// permutation as PyTorch's <c>torch.randperm(n, generator=torch.Generator().manual_seed(seed))</c>.
    /// </summary>
    public static Tensor RandPerm(long n, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        return LibTorch.TensorRandPerm(n, seed);
    }

    /// <summary>0, 1, …, <paramref name="end"/> - 1. Int64 for integer arguments, Float32 otherwise.</summary>
    public static Tensor Arange(Scalar end, DType? dtype = null, Device? device = null) => Arange(0, end, 1, dtype, device);

    /// <summary>Values from <paramref name="start"/> up to (excluding) <paramref name="end"/> in steps of <paramref name="step"/>.</summary>
    public static Tensor Arange(Scalar start, Scalar end, Scalar step, DType? dtype = null, Device? device = null)
    {
        return LibTorch.TensorArange(start, end, step, dtype ?? (start.IsIntegral && end.IsIntegral && step.IsIntegral ? null : DType.Float32), device);
    }

    /// <summary><paramref name="steps"/> evenly spaced values from <paramref name="start"/> to <paramref name="end"/> inclusive.</summary>
    public static Tensor Linspace(double start, double end, long steps, DType? dtype = null, Device? device = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        return LibTorch.TensorLinspace(start, end, steps, dtype, device);
    }

    /// <summary>A 2-D tensor with ones on the diagonal.</summary>
    public static Tensor Eye(long rows, long? columns = null, DType? dtype = null, Device? device = null) =>
        LibTorch.TensorEye(rows, columns ?? rows, dtype, device);

    /// <summary>Zeros with this tensor's shape, dtype and device.</summary>
    public Tensor ZerosLike() => LibTorch.TensorLike(LibTorch.Fill.Zeros, this);

    /// <summary>Ones with this tensor's shape, dtype and device.</summary>
    public Tensor OnesLike() => LibTorch.TensorLike(LibTorch.Fill.Ones, this);

    /// <summary>Uniform samples with this tensor's shape, dtype and device.</summary>
    public Tensor RandLike() => LibTorch.TensorLike(LibTorch.Fill.Rand, this);

    /// <summary>Normal samples with this tensor's shape, dtype and device.</summary>
    public Tensor RandnLike() => LibTorch.TensorLike(LibTorch.Fill.Randn, this);

    /// <summary><paramref name="value"/> everywhere, with this tensor's shape, dtype and device.</summary>
    public Tensor FullLike(Scalar value) => LibTorch.TensorFullLike(this, value);

    /// <summary>
    /// Copies <paramref name="data"/> into a new CPU tensor. Without a shape the tensor is 1-D; otherwise the shape's
    /// element count must equal the array's length (one dimension may be -1).
    /// </summary>
    /// <example><c>Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3)</c></example>
    public static Tensor FromArray<T>(T[] data, params ReadOnlySpan<long> shape) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(data);
        return FromSpan<T>(data, shape);
    }

    /// <inheritdoc cref="FromArray{T}(T[], ReadOnlySpan{long})"/>
    public static Tensor FromSpan<T>(ReadOnlySpan<T> data, params ReadOnlySpan<long> shape) where T : unmanaged =>
        LibTorch.TensorFromData(data, ResolveShape(shape, data.Length), DTypeExtensions.Of<T>());

    /// <summary>Copies raw little-endian element bytes of <paramref name="dtype"/> into a new CPU tensor of <paramref name="shape"/>.</summary>
    internal static Tensor FromBytes(ReadOnlySpan<byte> bytes, DType dtype, ReadOnlySpan<long> shape) => LibTorch.TensorFromData(bytes, shape, dtype);

    /// <summary>Copies a multi-dimensional array; the tensor takes the array's shape.</summary>
    public static Tensor FromArray<T>(T[,] data) where T : unmanaged => FromMultiDimensional<T>(data);

    /// <inheritdoc cref="FromArray{T}(T[,])"/>
    public static Tensor FromArray<T>(T[,,] data) where T : unmanaged => FromMultiDimensional<T>(data);

    /// <inheritdoc cref="FromArray{T}(T[,])"/>
    public static Tensor FromArray<T>(T[,,,] data) where T : unmanaged => FromMultiDimensional<T>(data);

    private static Tensor FromMultiDimensional<T>(Array data) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(data);
        var shape = new long[data.Rank];
        for (var i = 0; i < shape.Length; i++) shape[i] = data.GetLength(i);
        var bytes = MemoryMarshal.CreateReadOnlySpan(ref MemoryMarshal.GetArrayDataReference(data), checked(data.Length * Unsafe.SizeOf<T>()));
        return FromSpan(MemoryMarshal.Cast<byte, T>(bytes), shape);
    }

    /// <summary>
    /// A tensor over <paramref name="memory"/> without copying: writes through either are seen by the other. The memory
    /// stays pinned and alive until the last tensor sharing it is released (views and results that alias it included).
    /// </summary>
    public static Tensor FromMemory<T>(Memory<T> memory, params ReadOnlySpan<long> shape) where T : unmanaged =>
        LibTorch.TensorOverMemory(memory, ResolveShape(shape, memory.Length));

    private static long[] ResolveShape(ReadOnlySpan<long> shape, long count)
    {
        if (shape.IsEmpty) return [count];
        var resolved = shape.ToArray();
        var inferred = -1;
        long known = 1;
        for (var i = 0; i < resolved.Length; i++)
        {
            if (resolved[i] == -1 && inferred < 0) inferred = i;
            else if (resolved[i] < 0) throw new ArgumentException($"invalid shape [{string.Join(", ", resolved)}]: sizes must be non-negative, with at most one -1", nameof(shape));
            else if (resolved[i] != 0 && !resolved.Contains(0) && known > long.MaxValue / resolved[i])
                throw new ArgumentException($"shape [{string.Join(", ", resolved)}] has more elements than Int64 can count", nameof(shape));
            else known *= resolved[i];
        }
        if (inferred >= 0 && known != 0 && count % known == 0) resolved[inferred] = count / known;
        else if (inferred >= 0 || known != count)
            throw new ArgumentException($"shape [{string.Join(", ", shape.ToArray())}] does not fit {count} elements", nameof(shape));
        return resolved;
    }

    /// <summary>Copies the values out, row-major, converted to <typeparamref name="T"/> (moved to the CPU first if needed).</summary>
    public T[] ToArray<T>() where T : unmanaged
    {
        var values = new T[checked((int)NumberOfElements)];
        LibTorch.TensorCopyToBuffer<T>(this, DTypeExtensions.Of<T>(), values);
        return values;
    }

    /// <summary>The value of a one-element tensor, converted to <typeparamref name="T"/>.</summary>
    /// <exception cref="TorchException">The tensor has more or fewer than one element.</exception>
    public T Item<T>() where T : unmanaged
    {
        var value = LibTorch.TensorItem(this);
        return DTypeExtensions.Of<T>() switch
        {
            DType.Float32 => Unsafe.BitCast<float, T>((float)value.ToDouble()),
            DType.Float64 => Unsafe.BitCast<double, T>(value.ToDouble()),
            DType.Float16 => Unsafe.BitCast<Half, T>((Half)value.ToDouble()),
            DType.Int64 => Unsafe.BitCast<long, T>(value.ToInt64()),
            DType.Int32 => Unsafe.BitCast<int, T>(checked((int)value.ToInt64())),
            DType.Int16 => Unsafe.BitCast<short, T>(checked((short)value.ToInt64())),
            DType.Int8 => Unsafe.BitCast<sbyte, T>(checked((sbyte)value.ToInt64())),
            DType.UInt8 => Unsafe.BitCast<byte, T>(checked((byte)value.ToInt64())),
            DType.Bool => Unsafe.BitCast<bool, T>(value.ToDouble() != 0),
            var other => throw new NotSupportedException($"Item<{typeof(T).Name}> is not supported ({other})"),
        };
    }
}
