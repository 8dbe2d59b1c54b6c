namespace NeuralCore;

/// <summary>Element types of tensors. The values are libtorch's <c>c10::ScalarType</c> codes.</summary>
public enum DType
{
    UInt8 = 0,
    Int8 = 1,
    Int16 = 2,
    Int32 = 3,
    Int64 = 4,
    Float16 = 5,
    Float32 = 6,
    Float64 = 7,
    /// <summary>Two Float32 values per element (real, imaginary), torch.complex64 (torch.cfloat).</summary>
    ComplexFloat32 = 9,
    /// <summary>Two Float64 values per element (real, imaginary), torch.complex128 (torch.cdouble).</summary>
    ComplexFloat64 = 10,
    Bool = 11,
    BFloat16 = 15,
}

/// <summary>Facts about <see cref="DType"/> values.</summary>
public static class DTypeExtensions
{
    /// <summary>Bytes per element.</summary>
    public static int ElementSize(this DType dtype) => dtype switch
    {
        DType.UInt8 or DType.Int8 or DType.Bool => 1,
        DType.Int16 or DType.Float16 or DType.BFloat16 => 2,
        DType.Int32 or DType.Float32 => 4,
        DType.Int64 or DType.Float64 or DType.ComplexFloat32 => 8,
        DType.ComplexFloat64 => 16,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown dtype"),
    };

    /// <summary>True for Float16, BFloat16, Float32 and Float64.</summary>
    public static bool IsFloatingPoint(this DType dtype) =>
        dtype is DType.Float16 or DType.BFloat16 or DType.Float32 or DType.Float64;

    /// <summary>True for ComplexFloat32 and ComplexFloat64.</summary>
    public static bool IsComplex(this DType dtype) => dtype is DType.ComplexFloat32 or DType.ComplexFloat64;

    /// <summary>PyTorch's name without the module: "float32", "int64", "bool", "complex64".</summary>
    public static string Name(this DType dtype) => dtype switch
    {
        DType.ComplexFloat32 => "complex64",
        DType.ComplexFloat64 => "complex128",
        _ => dtype.ToString().ToLowerInvariant(),
    };

    /// <summary>The dtype whose elements are laid out as <typeparamref name="T"/>.</summary>
    public static DType Of<T>() where T : unmanaged => typeof(T) switch
    {
        var t when t == typeof(float) => DType.Float32,
        var t when t == typeof(double) => DType.Float64,
        var t when t == typeof(Half) => DType.Float16,
        var t when t == typeof(long) => DType.Int64,
        var t when t == typeof(int) => DType.Int32,
        var t when t == typeof(short) => DType.Int16,
        var t when t == typeof(sbyte) => DType.Int8,
        var t when t == typeof(byte) => DType.UInt8,
        var t when t == typeof(bool) => DType.Bool,
        var t when t == typeof(System.Numerics.Complex) => DType.ComplexFloat64,
        var t => throw new NotSupportedException($"{t.Name} has no tensor dtype; use float, double, Half, long, int, short, sbyte, byte, bool or System.Numerics.Complex"),
    };
}
