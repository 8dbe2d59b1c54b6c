using NeuralCore.Interop;

namespace NeuralCore;

public unsafe partial class Tensor
{
    private Tensor Apply(UnaryFunction function) => Result(function(Handle, out var result), result);

    private Tensor Apply(BinaryFunction function, Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Result(function(Handle, other.Handle, out var result), result);
    }

    private Tensor Apply(ScalarFunction function, Scalar other) => Result(function(Handle, other.ToNative(), out var result), result);

    private Tensor ApplyInPlace(InPlaceFunction function)
    {
        function(Handle).ThrowIfFailed();
        return this;
    }

    private Tensor ApplyInPlace(BinaryInPlaceFunction function, Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        function(Handle, other.Handle).ThrowIfFailed();
        return this;
    }

    private Tensor ApplyInPlace(ScalarInPlaceFunction function, Scalar other)
    {
        function(Handle, other.ToNative()).ThrowIfFailed();
        return this;
    }

    public static Tensor operator +(Tensor left, Tensor right) => left.Add(right);
    public static Tensor operator +(Tensor left, Scalar right) => left.Add(right);
    public static Tensor operator +(Scalar left, Tensor right) => right.Add(left);
    public static Tensor operator -(Tensor left, Tensor right) => left.Sub(right);
    public static Tensor operator -(Tensor left, Scalar right) => left.Sub(right);
    public static Tensor operator -(Scalar left, Tensor right) =>
        Result(NativeMethods.TensorReverseSubScalar(left.ToNative(), right.Handle, out var result), result);
    public static Tensor operator *(Tensor left, Tensor right) => left.Mul(right);
    public static Tensor operator *(Tensor left, Scalar right) => left.Mul(right);
    public static Tensor operator *(Scalar left, Tensor right) => right.Mul(left);
    public static Tensor operator /(Tensor left, Tensor right) => left.Div(right);
    public static Tensor operator /(Tensor left, Scalar right) => left.Div(right);
    public static Tensor operator /(Scalar left, Tensor right) =>
        Result(NativeMethods.TensorReverseDivScalar(left.ToNative(), right.Handle, out var result), result);
    public static Tensor operator %(Tensor left, Tensor right) => left.Remainder(right);
    public static Tensor operator %(Tensor left, Scalar right) => left.Remainder(right);
    public static Tensor operator -(Tensor tensor) => tensor.Neg();

    public static Tensor operator <(Tensor left, Tensor right) => left.Lt(right);
    public static Tensor operator <(Tensor left, Scalar right) => left.Lt(right);
    public static Tensor operator >(Tensor left, Tensor right) => left.Gt(right);
    public static Tensor operator >(Tensor left, Scalar right) => left.Gt(right);
    public static Tensor operator <=(Tensor left, Tensor right) => left.Le(right);
    public static Tensor operator <=(Tensor left, Scalar right) => left.Le(right);
    public static Tensor operator >=(Tensor left, Tensor right) => left.Ge(right);
    public static Tensor operator >=(Tensor left, Scalar right) => left.Ge(right);

    public static Tensor operator &(Tensor left, Tensor right) => left.BitwiseAnd(right);
    public static Tensor operator |(Tensor left, Tensor right) => left.BitwiseOr(right);
    public static Tensor operator ^(Tensor left, Tensor right) => left.BitwiseXor(right);
    public static Tensor operator ~(Tensor tensor) => tensor.BitwiseNot();

    /// <summary><paramref name="value"/> to the power of each element of <paramref name="exponent"/>.</summary>
    public static Tensor Pow(Scalar value, Tensor exponent) =>
        Result(NativeMethods.TensorReversePowScalar(value.ToNative(), exponent.Handle, out var result), result);

    /// <summary>Limits values to [<paramref name="min"/>, <paramref name="max"/>]; a null bound does not apply.</summary>
    public Tensor Clamp(Scalar? min = null, Scalar? max = null)
    {
        CheckBounds(min, max);
        return Result(NativeMethods.TensorClamp(Handle, min.HasValue ? 1 : 0, (min ?? 0).ToNative(), max.HasValue ? 1 : 0,
            (max ?? 0).ToNative(), out var result), result);
    }

    /// <summary>In place: <see cref="Clamp"/>. Returns this tensor.</summary>
    public Tensor ClampInPlace(Scalar? min = null, Scalar? max = null)
    {
        CheckBounds(min, max);
        NativeMethods.TensorClampInPlace(Handle, min.HasValue ? 1 : 0, (min ?? 0).ToNative(), max.HasValue ? 1 : 0, (max ?? 0).ToNative())
            .ThrowIfFailed();
        return this;
    }

    private static void CheckBounds(Scalar? min, Scalar? max)
    {
        if (min is null && max is null) throw new ArgumentException("Clamp needs at least one of min and max");
    }

    /// <summary>Elements of <paramref name="whenTrue"/> where <paramref name="condition"/> holds, else of <paramref name="whenFalse"/>.</summary>
    public static Tensor Where(Tensor condition, Tensor whenTrue, Tensor whenFalse)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(whenTrue);
        ArgumentNullException.ThrowIfNull(whenFalse);
        return Result(NativeMethods.TensorWhere(condition.Handle, whenTrue.Handle, whenFalse.Handle, out var result), result);
    }

    /// <summary>A copy with <paramref name="value"/> where <paramref name="mask"/> (Bool, broadcastable) is true.</summary>
    public Tensor MaskedFill(Tensor mask, Scalar value)
    {
        ArgumentNullException.ThrowIfNull(mask);
        return Result(NativeMethods.TensorMaskedFill(Handle, mask.Handle, value.ToNative(), out var result), result);
    }

    /// <summary>In place: <see cref="MaskedFill"/>. Returns this tensor.</summary>
    public Tensor MaskedFillInPlace(Tensor mask, Scalar value)
    {
        ArgumentNullException.ThrowIfNull(mask);
        NativeMethods.TensorMaskedFillInPlace(Handle, mask.Handle, value.ToNative()).ThrowIfFailed();
        return this;
    }

    /// <summary>The elements where <paramref name="mask"/> is true, as a 1-D tensor.</summary>
    public Tensor MaskedSelect(Tensor mask) => Apply(NativeMethods.TensorMaskedSelect, mask);

    /// <summary>Values along <paramref name="dim"/> at the positions in <paramref name="index"/> (Int64, same rank).</summary>
    public Tensor Gather(long dim, Tensor index)
    {
        ArgumentNullException.ThrowIfNull(index);
        return Result(NativeMethods.TensorGather(Handle, dim, index.Handle, out var result), result);
    }

    /// <summary>A copy with <paramref name="source"/>'s values written along <paramref name="dim"/> at <paramref name="index"/>.</summary>
    public Tensor Scatter(long dim, Tensor index, Tensor source)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(source);
        return Result(NativeMethods.TensorScatter(Handle, dim, index.Handle, source.Handle, out var result), result);
    }

    /// <summary>The slices along <paramref name="dim"/> whose positions are in the 1-D Int64 <paramref name="index"/>.</summary>
    public Tensor IndexSelect(long dim, Tensor index)
    {
        ArgumentNullException.ThrowIfNull(index);
        return Result(NativeMethods.TensorIndexSelect(Handle, dim, index.Handle, out var result), result);
    }

    /// <summary>True when every element is within <c>atol + rtol * |other|</c> of <paramref name="other"/>.</summary>
    public bool AllClose(Tensor other, double relativeTolerance = 1e-5, double absoluteTolerance = 1e-8, bool equalNan = false)
    {
        ArgumentNullException.ThrowIfNull(other);
        NativeMethods.TensorAllClose(Handle, other.Handle, relativeTolerance, absoluteTolerance, equalNan ? 1 : 0, out var result).ThrowIfFailed();
        return result != 0;
    }

    /// <summary>True when both tensors have the same shape and elements (torch.equal).</summary>
    public bool Equal(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        NativeMethods.TensorEqual(Handle, other.Handle, out var result).ThrowIfFailed();
        return result != 0;
    }
}
