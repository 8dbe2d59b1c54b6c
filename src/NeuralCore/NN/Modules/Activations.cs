namespace NeuralCore.NN;

/// <summary>max(x, 0) (torch.nn.ReLU).</summary>
public sealed class Relu : Module
{
    public override Tensor Forward(Tensor input) => input.Relu();
}

/// <summary>Leaky rectifier (torch.nn.LeakyReLU).</summary>
public sealed class LeakyRelu(double negativeSlope = 0.01) : Module
{
    public override Tensor Forward(Tensor input) => Functional.LeakyRelu(input, negativeSlope);

    protected override string ExtraRepresentation() => $"negative_slope={Repr.Float(negativeSlope)}";
}

/// <summary>Gaussian error linear unit (torch.nn.GELU).</summary>
public sealed class Gelu(bool tanhApproximation = false) : Module
{
    public override Tensor Forward(Tensor input) => Functional.Gelu(input, tanhApproximation);
}

/// <summary>x · sigmoid(x) (torch.nn.SiLU).</summary>
public sealed class Silu : Module
{
    public override Tensor Forward(Tensor input) => Functional.Silu(input);
}

/// <summary>Hyperbolic tangent (torch.nn.Tanh).</summary>
public sealed class Tanh : Module
{
    public override Tensor Forward(Tensor input) => input.Tanh();
}

/// <summary>Logistic sigmoid (torch.nn.Sigmoid).</summary>
public sealed class Sigmoid : Module
{
    public override Tensor Forward(Tensor input) => input.Sigmoid();
}

/// <summary>Softmax along a dimension (torch.nn.Softmax).</summary>
public sealed class Softmax(long dim) : Module
{
    public override Tensor Forward(Tensor input) => input.Softmax(dim);

    protected override string ExtraRepresentation() => $"dim={dim}";
}

/// <summary>Log-softmax along a dimension (torch.nn.LogSoftmax).</summary>
public sealed class LogSoftmax(long dim) : Module
{
    public override Tensor Forward(Tensor input) => input.LogSoftmax(dim);

    protected override string ExtraRepresentation() => $"dim={dim}";
}

/// <summary>x for x &gt; 0, alpha · (exp(x) − 1) otherwise (torch.nn.ELU).</summary>
public sealed class Elu(double alpha = 1.0) : Module
{
    public override Tensor Forward(Tensor input) => Functional.Elu(input, alpha);

    protected override string ExtraRepresentation() => $"alpha={Repr.Float(alpha)}";
}

/// <summary>Self-normalising ELU with PyTorch's fixed scale and alpha (torch.nn.SELU).</summary>
public sealed class Selu : Module
{
    public override Tensor Forward(Tensor input) => Functional.Selu(input);
}

/// <summary>max(0, x) + min(0, alpha · (exp(x / alpha) − 1)) (torch.nn.CELU).</summary>
public sealed class Celu(double alpha = 1.0) : Module
{
    public override Tensor Forward(Tensor input) => Functional.Celu(input, alpha);

    protected override string ExtraRepresentation() => $"alpha={Repr.Float(alpha)}";
}

/// <summary>
/// Leaky rectifier with a learned slope (torch.nn.PReLU): one slope shared by all channels, or one per channel
/// (dimension 1 of the input, whose size must then be <c>numParameters</c>). State-dict key <c>weight</c>.
/// </summary>
public sealed class PRelu : Module
{
    /// <param name="numParameters">1, or the number of input channels.</param>
    /// <param name="init">The initial slope (default 0.25).</param>
    /// <param name="dtype">Parameter dtype (default Float32).</param>
    /// <param name="device">Parameter device (default CPU).</param>
    public PRelu(long numParameters = 1, double init = 0.25, DType? dtype = null, Device? device = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numParameters, 1);
        (NumParameters, this.init) = (numParameters, init);
        Weight = new Parameter(Tensor.Empty([numParameters], dtype, device));
        RegisterParameter("weight", Weight);
        ResetParameters();
    }

    private readonly double init;

    public long NumParameters { get; }

    /// <summary>The slopes, shape (numParameters).</summary>
    public Parameter Weight { get; }

    /// <summary>PyTorch's default: every slope equal to <c>init</c>.</summary>
    public void ResetParameters()
    {
        using (Autograd.NoGrad()) Weight.FillInPlace(init);
    }

    public override Tensor Forward(Tensor input) => Functional.Prelu(input, Weight);

    protected override string ExtraRepresentation() => $"num_parameters={NumParameters}";
}

/// <summary>min(max(x, 0), 6) (torch.nn.ReLU6).</summary>
public sealed class Relu6 : Module
{
    public override Tensor Forward(Tensor input) => Functional.Relu6(input);
}

/// <summary>
/// Randomised leaky rectifier (torch.nn.RReLU): while training, each negative element's slope is drawn from
/// U(lower, upper); in evaluation the slope is (lower + upper) / 2.
/// </summary>
public sealed class RRelu(double lower = 1.0 / 8, double upper = 1.0 / 3) : Module
{
    public override Tensor Forward(Tensor input) => Functional.Rrelu(input, lower, upper, Training);

    protected override string ExtraRepresentation() => $"lower={Repr.Float(lower)}, upper={Repr.Float(upper)}";
}

/// <summary>log(1 + exp(beta · x)) / beta, linear above <c>threshold</c> (torch.nn.Softplus).</summary>
public sealed class Softplus(double beta = 1, double threshold = 20) : Module
{
    public override Tensor Forward(Tensor input) => Functional.Softplus(input, beta, threshold);

    protected override string ExtraRepresentation() => $"beta={Repr.Number(beta)}, threshold={Repr.Number(threshold)}";  // ints in PyTorch's defaults
}

/// <summary>x / (1 + |x|) (torch.nn.Softsign).</summary>
public sealed class Softsign : Module
{
    public override Tensor Forward(Tensor input) => Functional.Softsign(input);
}

/// <summary>softmax(−x) along a dimension (torch.nn.Softmin).</summary>
public sealed class Softmin(long dim) : Module
{
    public override Tensor Forward(Tensor input) => Functional.Softmin(input, dim);

    protected override string ExtraRepresentation() => $"dim={dim}";
}

/// <summary>Softmax over the channels of each location (torch.nn.Softmax2d). input: (N, C, H, W) or (C, H, W).</summary>
public sealed class Softmax2d : Module
{
    public override Tensor Forward(Tensor input)
    {
        if (input.Dimensions is not (3 or 4))
            throw new ArgumentException($"Softmax2d: expected a 3-D or 4-D input, got {input.Dimensions}-D", nameof(input));
        return input.Softmax(-3);
    }
}

/// <summary>x · tanh(softplus(x)) (torch.nn.Mish).</summary>
public sealed class Mish : Module
{
    public override Tensor Forward(Tensor input) => Functional.Mish(input);
}

/// <summary>Gated linear unit over the halves of a dimension (torch.nn.GLU). Halves that dimension's size.</summary>
public sealed class Glu(long dim = -1) : Module
{
    public override Tensor Forward(Tensor input) => Functional.Glu(input, dim);

    protected override string ExtraRepresentation() => $"dim={dim}";
}

/// <summary>x · relu6(x + 3) / 6 (torch.nn.Hardswish).</summary>
public sealed class Hardswish : Module
{
    public override Tensor Forward(Tensor input) => Functional.Hardswish(input);
}

/// <summary>relu6(x + 3) / 6 (torch.nn.Hardsigmoid).</summary>
public sealed class Hardsigmoid : Module
{
    public override Tensor Forward(Tensor input) => Functional.Hardsigmoid(input);
}

/// <summary>x clamped to [minVal, maxVal] (torch.nn.Hardtanh).</summary>
public sealed class Hardtanh(double minVal = -1, double maxVal = 1) : Module
{
    public override Tensor Forward(Tensor input) => Functional.Hardtanh(input, minVal, maxVal);

    protected override string ExtraRepresentation() => $"min_val={Repr.Float(minVal)}, max_val={Repr.Float(maxVal)}";
}

/// <summary>x where |x| &gt; lambd, 0 elsewhere (torch.nn.Hardshrink).</summary>
public sealed class Hardshrink(double lambd = 0.5) : Module
{
    public override Tensor Forward(Tensor input) => Functional.Hardshrink(input, lambd);

    protected override string ExtraRepresentation() => Repr.Float(lambd);
}

/// <summary>x − lambd · sign(x) where |x| &gt; lambd, 0 elsewhere (torch.nn.Softshrink).</summary>
public sealed class Softshrink(double lambd = 0.5) : Module
{
    public override Tensor Forward(Tensor input) => Functional.Softshrink(input, lambd);

    protected override string ExtraRepresentation() => Repr.Float(lambd);
}

/// <summary>x − tanh(x) (torch.nn.Tanhshrink).</summary>
public sealed class Tanhshrink : Module
{
    public override Tensor Forward(Tensor input) => Functional.Tanhshrink(input);
}

/// <summary>x where x &gt; threshold, value elsewhere (torch.nn.Threshold).</summary>
public sealed class Threshold(double threshold, double value) : Module
{
    public override Tensor Forward(Tensor input) => Functional.Threshold(input, threshold, value);

    protected override string ExtraRepresentation() => $"threshold={Repr.Float(threshold)}, value={Repr.Float(value)}";
}

/// <summary>log(sigmoid(x)) (torch.nn.LogSigmoid).</summary>
public sealed class LogSigmoid : Module
{
    public override Tensor Forward(Tensor input) => Functional.LogSigmoid(input);
}

/// <summary>Numbers as Python's repr writes them, for module descriptions.</summary>
internal static class Repr
{
    /// <summary>An integral value as a Python int, anything else as a float.</summary>
    public static string Number(double value) =>
        double.IsInteger(value) && Math.Abs(value) < 1e16 ? ((long)value).ToString(System.Globalization.CultureInfo.InvariantCulture) : Float(value);

    public static string Float(double value)
    {
        if (double.IsNaN(value)) return "nan";
        if (double.IsInfinity(value)) return value > 0 ? "inf" : "-inf";
        var text = value.ToString("R", System.Globalization.CultureInfo.InvariantCulture).Replace("E", "e");
        if (text.Contains('e'))
        {
            // Python pads the exponent to two digits: 1e-05.
            var at = text.IndexOf('e');
            var sign = text[at + 1] is '-' or '+' ? text[at + 1].ToString() : "+";
            var digits = text[(at + 1)..].TrimStart('-', '+');
            return text[..at] + "e" + sign + digits.PadLeft(2, '0');
        }
        return text.Contains('.') ? text : text + ".0";
    }
}
