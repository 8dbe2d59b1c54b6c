using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NeuralCore.Interop;

namespace NeuralCore;

public partial class Tensor
{
    // The factories themselves are generated (Tensor.Ops.g.cs); these are PyTorch's shape-only spellings of them.

    /// <summary>A tensor of the given shape, filled with zeros. Default dtype Float32, device CPU.</summary>
    public static Tensor Zeros(params ReadOnlySpan<long> shape) => Zeros(shape, null);

    /// <summary>A tensor of the given shape, filled with ones.</summary>
    public static Tensor Ones(params ReadOnlySpan<long> shape) => Ones(shape, null);

    /// <summary>A tensor of the given shape with uninitialised values.</summary>
    public static Tensor Empty(params ReadOnlySpan<long> shape) => Empty(shape, null);

    /// <summary>Samples of U(0, 1) in the given shape.</summary>
    public static Tensor Rand(params ReadOnlySpan<long> shape) => Rand(shape, null);

    /// <summary>Samples of N(0, 1) in the given shape.</summary>
    public static Tensor Randn(params ReadOnlySpan<long> shape) => Randn(shape, null);

    /// <summary>Random integers uniform in [<paramref name="low"/>, <paramref name="high"/>); dtype Int64.</summary>
    public static Tensor RandInt(long low, long high, params ReadOnlySpan<long> shape) => RandInt(low, high, shape, null);

    /// <summary>0, 1, …, <paramref name="end"/> - 1. Int64 for integer arguments, Float32 otherwise.</summary>
    public static Tensor Arange(Scalar end, DType? dtype = null, Device? device = null) => Arange(0, end, 1, dtype, device);

    /// <summary>Values from <paramref name="start"/> up to (excluding) <paramref name="end"/> in steps of <paramref name="step"/>.</summary>
    public static Tensor Arange(Scalar start, Scalar end, Scalar step, DType? dtype = null, Device? device = null) =>
        LibTorch.TensorArange(start, end, step, dtype ?? (start.IsIntegral && end.IsIntegral && step.IsIntegral ? null : DType.Float32), device);

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
        if (typeof(T) == typeof(System.Numerics.Complex))
        {
            if (NumberOfElements != 1) LibTorch.TensorItem(this);  // throws libtorch's message
            return Unsafe.BitCast<System.Numerics.Complex, T>(ToArray<System.Numerics.Complex>()[0]);
        }
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
