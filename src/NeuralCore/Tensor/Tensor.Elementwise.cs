using NeuralCore.Interop;

namespace NeuralCore;

// Elementwise operators and products: each member is one native call.
public unsafe partial class Tensor
{
    /// <summary>Negation, -x.</summary>
    public Tensor Neg() => Apply(NativeMethods.TensorNeg);

    /// <summary>In place: negation, -x. Returns this tensor.</summary>
    public Tensor NegInPlace() => ApplyInPlace(NativeMethods.TensorNegInPlace);

    /// <summary>Absolute value.</summary>
    public Tensor Abs() => Apply(NativeMethods.TensorAbs);

    /// <summary>In place: absolute value. Returns this tensor.</summary>
    public Tensor AbsInPlace() => ApplyInPlace(NativeMethods.TensorAbsInPlace);

    /// <summary>e to the power of each element.</summary>
    public Tensor Exp() => Apply(NativeMethods.TensorExp);

    /// <summary>In place: e to the power of each element. Returns this tensor.</summary>
    public Tensor ExpInPlace() => ApplyInPlace(NativeMethods.TensorExpInPlace);

    /// <summary>Natural logarithm.</summary>
    public Tensor Log() => Apply(NativeMethods.TensorLog);

    /// <summary>In place: natural logarithm. Returns this tensor.</summary>
    public Tensor LogInPlace() => ApplyInPlace(NativeMethods.TensorLogInPlace);

    /// <summary>Base-2 logarithm.</summary>
    public Tensor Log2() => Apply(NativeMethods.TensorLog2);

    /// <summary>In place: base-2 logarithm. Returns this tensor.</summary>
    public Tensor Log2InPlace() => ApplyInPlace(NativeMethods.TensorLog2InPlace);

    /// <summary>Base-10 logarithm.</summary>
    public Tensor Log10() => Apply(NativeMethods.TensorLog10);

    /// <summary>In place: base-10 logarithm. Returns this tensor.</summary>
    public Tensor Log10InPlace() => ApplyInPlace(NativeMethods.TensorLog10InPlace);

    /// <summary>log(1 + x), accurate for small x.</summary>
    public Tensor Log1p() => Apply(NativeMethods.TensorLog1p);

    /// <summary>In place: log(1 + x), accurate for small x. Returns this tensor.</summary>
    public Tensor Log1pInPlace() => ApplyInPlace(NativeMethods.TensorLog1pInPlace);

    /// <summary>exp(x) - 1, accurate for small x.</summary>
    public Tensor Expm1() => Apply(NativeMethods.TensorExpm1);

    /// <summary>In place: exp(x) - 1, accurate for small x. Returns this tensor.</summary>
    public Tensor Expm1InPlace() => ApplyInPlace(NativeMethods.TensorExpm1InPlace);

    /// <summary>Square root.</summary>
    public Tensor Sqrt() => Apply(NativeMethods.TensorSqrt);

    /// <summary>In place: square root. Returns this tensor.</summary>
    public Tensor SqrtInPlace() => ApplyInPlace(NativeMethods.TensorSqrtInPlace);

    /// <summary>1 / sqrt(x).</summary>
    public Tensor Rsqrt() => Apply(NativeMethods.TensorRsqrt);

    /// <summary>In place: 1 / sqrt(x). Returns this tensor.</summary>
    public Tensor RsqrtInPlace() => ApplyInPlace(NativeMethods.TensorRsqrtInPlace);

    /// <summary>Sine.</summary>
    public Tensor Sin() => Apply(NativeMethods.TensorSin);

    /// <summary>In place: sine. Returns this tensor.</summary>
    public Tensor SinInPlace() => ApplyInPlace(NativeMethods.TensorSinInPlace);

    /// <summary>Cosine.</summary>
    public Tensor Cos() => Apply(NativeMethods.TensorCos);

    /// <summary>In place: cosine. Returns this tensor.</summary>
    public Tensor CosInPlace() => ApplyInPlace(NativeMethods.TensorCosInPlace);

    /// <summary>Tangent.</summary>
    public Tensor Tan() => Apply(NativeMethods.TensorTan);

    /// <summary>In place: tangent. Returns this tensor.</summary>
    public Tensor TanInPlace() => ApplyInPlace(NativeMethods.TensorTanInPlace);

    /// <summary>Arcsine.</summary>
    public Tensor Asin() => Apply(NativeMethods.TensorAsin);

    /// <summary>In place: arcsine. Returns this tensor.</summary>
    public Tensor AsinInPlace() => ApplyInPlace(NativeMethods.TensorAsinInPlace);

    /// <summary>Arccosine.</summary>
    public Tensor Acos() => Apply(NativeMethods.TensorAcos);

    /// <summary>In place: arccosine. Returns this tensor.</summary>
    public Tensor AcosInPlace() => ApplyInPlace(NativeMethods.TensorAcosInPlace);

    /// <summary>Arctangent.</summary>
    public Tensor Atan() => Apply(NativeMethods.TensorAtan);

    /// <summary>In place: arctangent. Returns this tensor.</summary>
    public Tensor AtanInPlace() => ApplyInPlace(NativeMethods.TensorAtanInPlace);

    /// <summary>Hyperbolic sine.</summary>
    public Tensor Sinh() => Apply(NativeMethods.TensorSinh);

    /// <summary>In place: hyperbolic sine. Returns this tensor.</summary>
    public Tensor SinhInPlace() => ApplyInPlace(NativeMethods.TensorSinhInPlace);

    /// <summary>Hyperbolic cosine.</summary>
    public Tensor Cosh() => Apply(NativeMethods.TensorCosh);

    /// <summary>In place: hyperbolic cosine. Returns this tensor.</summary>
    public Tensor CoshInPlace() => ApplyInPlace(NativeMethods.TensorCoshInPlace);

    /// <summary>Hyperbolic tangent.</summary>
    public Tensor Tanh() => Apply(NativeMethods.TensorTanh);

    /// <summary>In place: hyperbolic tangent. Returns this tensor.</summary>
    public Tensor TanhInPlace() => ApplyInPlace(NativeMethods.TensorTanhInPlace);

    /// <summary>Logistic sigmoid, 1 / (1 + exp(-x)).</summary>
    public Tensor Sigmoid() => Apply(NativeMethods.TensorSigmoid);

    /// <summary>In place: logistic sigmoid, 1 / (1 + exp(-x)). Returns this tensor.</summary>
    public Tensor SigmoidInPlace() => ApplyInPlace(NativeMethods.TensorSigmoidInPlace);

    /// <summary>max(x, 0).</summary>
    public Tensor Relu() => Apply(NativeMethods.TensorRelu);

    /// <summary>In place: max(x, 0). Returns this tensor.</summary>
    public Tensor ReluInPlace() => ApplyInPlace(NativeMethods.TensorReluInPlace);

    /// <summary>Rounds down.</summary>
    public Tensor Floor() => Apply(NativeMethods.TensorFloor);

    /// <summary>In place: rounds down. Returns this tensor.</summary>
    public Tensor FloorInPlace() => ApplyInPlace(NativeMethods.TensorFloorInPlace);

    /// <summary>Rounds up.</summary>
    public Tensor Ceil() => Apply(NativeMethods.TensorCeil);

    /// <summary>In place: rounds up. Returns this tensor.</summary>
    public Tensor CeilInPlace() => ApplyInPlace(NativeMethods.TensorCeilInPlace);

    /// <summary>Rounds half to even.</summary>
    public Tensor Round() => Apply(NativeMethods.TensorRound);

    /// <summary>In place: rounds half to even. Returns this tensor.</summary>
    public Tensor RoundInPlace() => ApplyInPlace(NativeMethods.TensorRoundInPlace);

    /// <summary>Rounds toward zero.</summary>
    public Tensor Trunc() => Apply(NativeMethods.TensorTrunc);

    /// <summary>In place: rounds toward zero. Returns this tensor.</summary>
    public Tensor TruncInPlace() => ApplyInPlace(NativeMethods.TensorTruncInPlace);

    /// <summary>Fractional part, x - trunc(x).</summary>
    public Tensor Frac() => Apply(NativeMethods.TensorFrac);

    /// <summary>In place: fractional part, x - trunc(x). Returns this tensor.</summary>
    public Tensor FracInPlace() => ApplyInPlace(NativeMethods.TensorFracInPlace);

    /// <summary>-1, 0 or 1.</summary>
    public Tensor Sign() => Apply(NativeMethods.TensorSign);

    /// <summary>In place: -1, 0 or 1. Returns this tensor.</summary>
    public Tensor SignInPlace() => ApplyInPlace(NativeMethods.TensorSignInPlace);

    /// <summary>1 / x.</summary>
    public Tensor Reciprocal() => Apply(NativeMethods.TensorReciprocal);

    /// <summary>In place: 1 / x. Returns this tensor.</summary>
    public Tensor ReciprocalInPlace() => ApplyInPlace(NativeMethods.TensorReciprocalInPlace);

    /// <summary>x * x.</summary>
    public Tensor Square() => Apply(NativeMethods.TensorSquare);

    /// <summary>In place: x * x. Returns this tensor.</summary>
    public Tensor SquareInPlace() => ApplyInPlace(NativeMethods.TensorSquareInPlace);

    /// <summary>Error function.</summary>
    public Tensor Erf() => Apply(NativeMethods.TensorErf);

    /// <summary>In place: error function. Returns this tensor.</summary>
    public Tensor ErfInPlace() => ApplyInPlace(NativeMethods.TensorErfInPlace);

    /// <summary>Boolean not (nonzero is true).</summary>
    public Tensor LogicalNot() => Apply(NativeMethods.TensorLogicalNot);

    /// <summary>In place: boolean not (nonzero is true). Returns this tensor.</summary>
    public Tensor LogicalNotInPlace() => ApplyInPlace(NativeMethods.TensorLogicalNotInPlace);

    /// <summary>Bitwise not of integers, logical not of booleans.</summary>
    public Tensor BitwiseNot() => Apply(NativeMethods.TensorBitwiseNot);

    /// <summary>In place: bitwise not of integers, logical not of booleans. Returns this tensor.</summary>
    public Tensor BitwiseNotInPlace() => ApplyInPlace(NativeMethods.TensorBitwiseNotInPlace);

    /// <summary>Sum with broadcasting.</summary>
    public Tensor Add(Tensor other) => Apply(NativeMethods.TensorAdd, other);

    /// <inheritdoc cref="Add(Tensor)"/>
    public Tensor Add(Scalar other) => Apply(NativeMethods.TensorAddScalar, other);

    /// <summary>In place: sum with broadcasting. Returns this tensor.</summary>
    public Tensor AddInPlace(Tensor other) => ApplyInPlace(NativeMethods.TensorAddInPlace, other);

    /// <inheritdoc cref="AddInPlace(Tensor)"/>
    public Tensor AddInPlace(Scalar other) => ApplyInPlace(NativeMethods.TensorAddScalarInPlace, other);

    /// <summary>Difference with broadcasting.</summary>
    public Tensor Sub(Tensor other) => Apply(NativeMethods.TensorSub, other);

    /// <inheritdoc cref="Sub(Tensor)"/>
    public Tensor Sub(Scalar other) => Apply(NativeMethods.TensorSubScalar, other);

    /// <summary>In place: difference with broadcasting. Returns this tensor.</summary>
    public Tensor SubInPlace(Tensor other) => ApplyInPlace(NativeMethods.TensorSubInPlace, other);

    /// <inheritdoc cref="SubInPlace(Tensor)"/>
    public Tensor SubInPlace(Scalar other) => ApplyInPlace(NativeMethods.TensorSubScalarInPlace, other);

    /// <summary>Elementwise product with broadcasting.</summary>
    public Tensor Mul(Tensor other) => Apply(NativeMethods.TensorMul, other);

    /// <inheritdoc cref="Mul(Tensor)"/>
    public Tensor Mul(Scalar other) => Apply(NativeMethods.TensorMulScalar, other);

    /// <summary>In place: elementwise product with broadcasting. Returns this tensor.</summary>
    public Tensor MulInPlace(Tensor other) => ApplyInPlace(NativeMethods.TensorMulInPlace, other);

    /// <inheritdoc cref="MulInPlace(Tensor)"/>
    public Tensor MulInPlace(Scalar other) => ApplyInPlace(NativeMethods.TensorMulScalarInPlace, other);

    /// <summary>True division with broadcasting (integers promote to floating point).</summary>
    public Tensor Div(Tensor other) => Apply(NativeMethods.TensorDiv, other);

    /// <inheritdoc cref="Div(Tensor)"/>
    public Tensor Div(Scalar other) => Apply(NativeMethods.TensorDivScalar, other);

    /// <summary>In place: true division with broadcasting (integers promote to floating point). Returns this tensor.</summary>
    public Tensor DivInPlace(Tensor other) => ApplyInPlace(NativeMethods.TensorDivInPlace, other);

    /// <inheritdoc cref="DivInPlace(Tensor)"/>
    public Tensor DivInPlace(Scalar other) => ApplyInPlace(NativeMethods.TensorDivScalarInPlace, other);

    /// <summary>Python-style remainder (the sign follows the divisor).</summary>
    public Tensor Remainder(Tensor other) => Apply(NativeMethods.TensorRemainder, other);

    /// <inheritdoc cref="Remainder(Tensor)"/>
    public Tensor Remainder(Scalar other) => Apply(NativeMethods.TensorRemainderScalar, other);

    /// <summary>In place: python-style remainder (the sign follows the divisor). Returns this tensor.</summary>
    public Tensor RemainderInPlace(Tensor other) => ApplyInPlace(NativeMethods.TensorRemainderInPlace, other);

    /// <inheritdoc cref="RemainderInPlace(Tensor)"/>
    public Tensor RemainderInPlace(Scalar other) => ApplyInPlace(NativeMethods.TensorRemainderScalarInPlace, other);

    /// <summary>Elementwise power.</summary>
    public Tensor Pow(Tensor other) => Apply(NativeMethods.TensorPow, other);

    /// <inheritdoc cref="Pow(Tensor)"/>
    public Tensor Pow(Scalar other) => Apply(NativeMethods.TensorPowScalar, other);

    /// <summary>In place: elementwise power. Returns this tensor.</summary>
    public Tensor PowInPlace(Tensor other) => ApplyInPlace(NativeMethods.TensorPowInPlace, other);

    /// <inheritdoc cref="PowInPlace(Tensor)"/>
    public Tensor PowInPlace(Scalar other) => ApplyInPlace(NativeMethods.TensorPowScalarInPlace, other);

    /// <summary>Elementwise <c>==</c>, a Bool tensor.</summary>
    public Tensor Eq(Tensor other) => Apply(NativeMethods.TensorEq, other);

    /// <inheritdoc cref="Eq(Tensor)"/>
    public Tensor Eq(Scalar other) => Apply(NativeMethods.TensorEqScalar, other);

    /// <summary>Elementwise <c>!=</c>, a Bool tensor.</summary>
    public Tensor Ne(Tensor other) => Apply(NativeMethods.TensorNe, other);

    /// <inheritdoc cref="Ne(Tensor)"/>
    public Tensor Ne(Scalar other) => Apply(NativeMethods.TensorNeScalar, other);

    /// <summary>Elementwise <c>&lt;</c>, a Bool tensor.</summary>
    public Tensor Lt(Tensor other) => Apply(NativeMethods.TensorLt, other);

    /// <inheritdoc cref="Lt(Tensor)"/>
    public Tensor Lt(Scalar other) => Apply(NativeMethods.TensorLtScalar, other);

    /// <summary>Elementwise <c>&lt;=</c>, a Bool tensor.</summary>
    public Tensor Le(Tensor other) => Apply(NativeMethods.TensorLe, other);

    /// <inheritdoc cref="Le(Tensor)"/>
    public Tensor Le(Scalar other) => Apply(NativeMethods.TensorLeScalar, other);

    /// <summary>Elementwise <c>&gt;</c>, a Bool tensor.</summary>
    public Tensor Gt(Tensor other) => Apply(NativeMethods.TensorGt, other);

    /// <inheritdoc cref="Gt(Tensor)"/>
    public Tensor Gt(Scalar other) => Apply(NativeMethods.TensorGtScalar, other);

    /// <summary>Elementwise <c>&gt;=</c>, a Bool tensor.</summary>
    public Tensor Ge(Tensor other) => Apply(NativeMethods.TensorGe, other);

    /// <inheritdoc cref="Ge(Tensor)"/>
    public Tensor Ge(Scalar other) => Apply(NativeMethods.TensorGeScalar, other);

    /// <summary>Bitwise and (logical and for Bool).</summary>
    public Tensor BitwiseAnd(Tensor other) => Apply(NativeMethods.TensorBitwiseAnd, other);

    /// <inheritdoc cref="BitwiseAnd(Tensor)"/>
    public Tensor BitwiseAnd(Scalar other) => Apply(NativeMethods.TensorBitwiseAndScalar, other);

    /// <summary>Bitwise or (logical or for Bool).</summary>
    public Tensor BitwiseOr(Tensor other) => Apply(NativeMethods.TensorBitwiseOr, other);

    /// <inheritdoc cref="BitwiseOr(Tensor)"/>
    public Tensor BitwiseOr(Scalar other) => Apply(NativeMethods.TensorBitwiseOrScalar, other);

    /// <summary>Bitwise xor (logical xor for Bool).</summary>
    public Tensor BitwiseXor(Tensor other) => Apply(NativeMethods.TensorBitwiseXor, other);

    /// <inheritdoc cref="BitwiseXor(Tensor)"/>
    public Tensor BitwiseXor(Scalar other) => Apply(NativeMethods.TensorBitwiseXorScalar, other);

    /// <summary>Elementwise maximum.</summary>
    public Tensor Maximum(Tensor other) => Apply(NativeMethods.TensorMaximum, other);

    /// <summary>Elementwise minimum.</summary>
    public Tensor Minimum(Tensor other) => Apply(NativeMethods.TensorMinimum, other);

    /// <summary>Elementwise atan2(this, other).</summary>
    public Tensor Atan2(Tensor other) => Apply(NativeMethods.TensorAtan2, other);

    /// <summary>Logical and (nonzero is true).</summary>
    public Tensor LogicalAnd(Tensor other) => Apply(NativeMethods.TensorLogicalAnd, other);

    /// <summary>Logical or.</summary>
    public Tensor LogicalOr(Tensor other) => Apply(NativeMethods.TensorLogicalOr, other);

    /// <summary>Logical xor.</summary>
    public Tensor LogicalXor(Tensor other) => Apply(NativeMethods.TensorLogicalXor, other);

    /// <summary>Matrix product with torch.matmul's broadcasting rules (vectors, matrices, batches).</summary>
    public Tensor MatMul(Tensor other) => Apply(NativeMethods.TensorMatMul, other);

    /// <summary>Product of two matrices.</summary>
    public Tensor Mm(Tensor other) => Apply(NativeMethods.TensorMm, other);

    /// <summary>Batched product of (b, n, m) and (b, m, p) tensors.</summary>
    public Tensor Bmm(Tensor other) => Apply(NativeMethods.TensorBmm, other);

    /// <summary>Dot product of two 1-D tensors.</summary>
    public Tensor Dot(Tensor other) => Apply(NativeMethods.TensorDot, other);

    /// <summary>Outer product of two 1-D tensors.</summary>
    public Tensor Outer(Tensor other) => Apply(NativeMethods.TensorOuter, other);
}
