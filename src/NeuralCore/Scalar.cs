using NeuralCore.Interop;

namespace NeuralCore;

/// <summary>
/// A number given to a tensor operation. It keeps its kind, as Python's numbers do:
/// an Int64 tensor plus <c>1</c> stays Int64, plus <c>1.5</c> becomes floating point.
/// </summary>
public readonly struct Scalar
{
    private const int FloatKind = NativeConstants.ScalarFloat, IntegerKind = NativeConstants.ScalarInt, BoolKind = NativeConstants.ScalarBool;
    private readonly double real;
    private readonly long integer;
    private readonly int kind;

    private Scalar(double real, long integer, int kind) => (this.real, this.integer, this.kind) = (real, integer, kind);

    public static implicit operator Scalar(double value) => new(value, 0, FloatKind);
    public static implicit operator Scalar(float value) => new(value, 0, FloatKind);
    public static implicit operator Scalar(long value) => new(0, value, IntegerKind);
    public static implicit operator Scalar(int value) => new(0, value, IntegerKind);
    public static implicit operator Scalar(bool value) => new(0, value ? 1 : 0, BoolKind);

    /// <summary>True for integers and booleans.</summary>
    public bool IsIntegral => kind != FloatKind;

    /// <summary>The value as a double.</summary>
    public double ToDouble() => kind == FloatKind ? real : integer;

    /// <summary>The value as a long (floating values truncate).</summary>
    /// <exception cref="OverflowException">A floating value is NaN, infinite or outside the range of a long.</exception>
    public long ToInt64() => kind == FloatKind ? checked((long)real) : integer;

    internal NativeScalar ToNative() => new() { Real = real, Integer = integer, Kind = kind };

    internal static Scalar FromNative(NativeScalar value) => new(value.Real, value.Integer, value.Kind);

    public override string ToString() => kind switch
    {
        FloatKind => real.ToString(System.Globalization.CultureInfo.InvariantCulture),
        BoolKind => integer != 0 ? "True" : "False",
        _ => integer.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
