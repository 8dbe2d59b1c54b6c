using NeuralCore.Interop;

namespace NeuralCore.NN;

/// <summary>In-place initialisers (torch.nn.init). They draw from libtorch's generator in the same order as PyTorch.</summary>
public static class Init
{
    /// <summary>Fills with samples of U(<paramref name="low"/>, <paramref name="high"/>).</summary>
    public static Tensor Uniform(Tensor tensor, double low = 0, double high = 1)
    {
        LibTorch.NnUniformInPlace(tensor, low, high);
        return tensor;
    }

    /// <summary>Fills with samples of N(<paramref name="mean"/>, <paramref name="std"/>²).</summary>
    public static Tensor Normal(Tensor tensor, double mean = 0, double std = 1)
    {
        LibTorch.NnNormalInPlace(tensor, mean, std);
        return tensor;
    }

    /// <summary>
    /// He initialisation: U(-b, b) with b = gain · √(3 / fan), the gain of <paramref name="nonlinearity"/> (with slope
    /// <paramref name="a"/> for leaky_relu), fan of <paramref name="mode"/> (fan_in or fan_out). PyTorch's layer default uses a = √5.
    /// </summary>
    public static Tensor KaimingUniform(Tensor tensor, double a = 0, string mode = "fan_in", string nonlinearity = "leaky_relu")
    {
        var std = CalculateGain(nonlinearity, a) / Math.Sqrt(Fan(tensor, mode));
        var bound = Math.Sqrt(3.0) * std;
        return Uniform(tensor, -bound, bound);
    }

    /// <summary>He initialisation: N(0, std²) with std = gain / √fan (see <see cref="KaimingUniform"/>).</summary>
    public static Tensor KaimingNormal(Tensor tensor, double a = 0, string mode = "fan_in", string nonlinearity = "leaky_relu") =>
        Normal(tensor, 0, CalculateGain(nonlinearity, a) / Math.Sqrt(Fan(tensor, mode)));

    /// <summary>Glorot initialisation: U(-a, a) with a = gain · √(6 / (fan_in + fan_out)).</summary>
    public static Tensor XavierUniform(Tensor tensor, double gain = 1)
    {
        var (fanIn, fanOut) = Fans(tensor);
        var bound = Math.Sqrt(3.0) * gain * Math.Sqrt(2.0 / (fanIn + fanOut));
        return Uniform(tensor, -bound, bound);
    }

    /// <summary>Fills with <paramref name="value"/> (torch.nn.init.constant_).</summary>
    public static Tensor Constant(Tensor tensor, double value)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        using var mode = Autograd.NoGrad();
        return tensor.FillInPlace(value);
    }

    /// <summary>Fills with zeros (torch.nn.init.zeros_).</summary>
    public static Tensor Zeros(Tensor tensor) => Constant(tensor, 0);

    /// <summary>Fills with ones (torch.nn.init.ones_).</summary>
    public static Tensor Ones(Tensor tensor) => Constant(tensor, 1);

    /// <summary>Glorot initialisation: N(0, std²) with std = gain · √(2 / (fan_in + fan_out)).</summary>
    public static Tensor XavierNormal(Tensor tensor, double gain = 1)
    {
        var (fanIn, fanOut) = Fans(tensor);
        return Normal(tensor, 0, gain * Math.Sqrt(2.0 / (fanIn + fanOut)));
    }

    /// <summary>
    /// The recommended gain for a nonlinearity (torch.nn.init.calculate_gain): linear, conv*, sigmoid 1; tanh 5/3;
    /// relu √2; leaky_relu √(2 / (1 + slope²)) with <paramref name="param"/> the slope (default 0.01); selu 3/4.
    /// </summary>
    public static double CalculateGain(string nonlinearity, double? param = null) => nonlinearity switch
    {
        "linear" or "conv1d" or "conv2d" or "conv3d" or "conv_transpose1d" or "conv_transpose2d" or "conv_transpose3d" or "sigmoid" => 1,
        "tanh" => 5.0 / 3,
        "relu" => Math.Sqrt(2.0),
        "leaky_relu" => Math.Sqrt(2.0 / (1 + Math.Pow(param ?? 0.01, 2))),
        "selu" => 3.0 / 4,
        _ => throw new ArgumentException($"Unsupported nonlinearity {nonlinearity}", nameof(nonlinearity)),
    };

    /// <summary>
    /// Samples of N(mean, std²) truncated to [a, b], drawn by inverting the normal CDF on a uniform sample as PyTorch does
    /// (torch.nn.init.trunc_normal_).
    /// </summary>
    public static Tensor TruncNormal(Tensor tensor, double mean = 0, double std = 1, double a = -2, double b = 2)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        static double Cdf(double x) => (1 + Erf(x / Math.Sqrt(2))) / 2;
        var (low, high) = (Cdf((a - mean) / std), Cdf((b - mean) / std));
        using (Autograd.NoGrad())
        {
            Uniform(tensor, 2 * low - 1, 2 * high - 1);
            tensor.ErfinvInPlace();
            tensor.MulInPlace(std * Math.Sqrt(2));
            tensor.AddInPlace(mean);
            tensor.ClampInPlace(a, b);
        }
        return tensor;
    }

    /// <summary>
    /// A (semi-)orthogonal matrix, of the tensor flattened to (size(0), rest), from the QR decomposition of a normal sample
    /// with the signs PyTorch fixes, times <paramref name="gain"/> (torch.nn.init.orthogonal_).
    /// </summary>
    public static Tensor Orthogonal(Tensor tensor, double gain = 1)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Dimensions < 2) throw new ArgumentException("Only tensors with 2 or more dimensions are supported", nameof(tensor));
        if (tensor.NumberOfElements == 0) return tensor;
        using var scope = TensorScope.Begin();
        using var mode = Autograd.NoGrad();
        var rows = tensor.Size(0);
        var columns = tensor.NumberOfElements / rows;
        var flattened = Normal(Tensor.Empty([rows, columns], tensor.DType, tensor.Device));
        if (rows < columns) flattened = flattened.T;
        var (q, r) = Linalg.Qr(flattened);
        q = q * r.Diagonal().Sign();
        if (rows < columns) q = q.T;
        tensor.ViewAs(q).CopyFrom(q);
        tensor.MulInPlace(gain);
        return tensor;
    }

    /// <summary>
    /// A 2-D tensor with a fraction <paramref name="sparsity"/> of each column zero, the rest N(0, std²)
    /// (torch.nn.init.sparse_, Martens 2010).
    /// </summary>
    public static Tensor Sparse(Tensor tensor, double sparsity, double std = 0.01)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Dimensions != 2) throw new ArgumentException("Only tensors with 2 dimensions are supported", nameof(tensor));
        var (rows, columns) = (tensor.Size(0), tensor.Size(1));
        var zeros = (long)Math.Ceiling(sparsity * rows);
        using var mode = Autograd.NoGrad();
        Normal(tensor, 0, std);
        for (var column = 0L; column < columns; column++)
        {
            using var scope = TensorScope.Begin();
            var positions = Tensor.RandPerm(rows).Narrow(0, 0, zeros);
            tensor.Select(1, column).IndexCopyInPlace(0, positions, Tensor.Zeros([zeros], tensor.DType, tensor.Device));
        }
        return tensor;
    }

    /// <summary>
    /// The identity as a convolution kernel (torch.nn.init.dirac_): a 3-, 4- or 5-D weight that passes each of the first
    /// min(out / groups, in) input channels through unchanged, per group.
    /// </summary>
    public static Tensor Dirac(Tensor tensor, long groups = 1)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var shape = tensor.Shape;
        if (shape.Length is not (3 or 4 or 5)) throw new ArgumentException("Only tensors with 3, 4, or 5 dimensions are supported", nameof(tensor));
        if (shape[0] % groups != 0) throw new ArgumentException("dim 0 must be divisible by groups", nameof(groups));
        var perGroup = shape[0] / groups;
        using var mode = Autograd.NoGrad();
        tensor.ZeroInPlace();
        using var one = Tensor.Ones([], tensor.DType, tensor.Device);
        for (var g = 0L; g < groups; g++)
            for (var d = 0L; d < Math.Min(perGroup, shape[1]); d++)
            {
                TensorIndex[] index = [g * perGroup + d, d, .. shape.Skip(2).Select(size => (TensorIndex)(size / 2))];
                tensor[index] = one;
            }
        return tensor;
    }

    /// <summary>The identity matrix in a 2-D tensor (torch.nn.init.eye_); rectangular shapes get ones on the main diagonal.</summary>
    public static Tensor Eye(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Dimensions != 2) throw new ArgumentException("Only tensors with 2 dimensions are supported", nameof(tensor));
        using var mode = Autograd.NoGrad();
        using var eye = Tensor.Eye(tensor.Size(0), tensor.Size(1), tensor.DType, tensor.Device);
        tensor.CopyFrom(eye);
        return tensor;
    }

    // math.erf, through libtorch's (std::erf) on a Float64 scalar.
    private static double Erf(double x)
    {
        using var value = Tensor.Full([], x, DType.Float64);
        using var result = value.Erf();
        return result.Item<double>();
    }

    internal static long FanIn(Tensor tensor) => Fans(tensor).FanIn;

    private static long Fan(Tensor tensor, string mode) => mode switch
    {
        "fan_in" => Fans(tensor).FanIn,
        "fan_out" => Fans(tensor).FanOut,
        _ => throw new ArgumentException($"Mode {mode} not supported, please use one of fan_in, fan_out", nameof(mode)),
    };

    // Dimension 1 is the input side, dimensions 2.. the receptive field, as torch.nn.init._calculate_fan_in_and_fan_out.
    private static (long FanIn, long FanOut) Fans(Tensor tensor)
    {
        var shape = tensor.Shape;
        if (shape.Length < 2) throw new ArgumentException("fan in and fan out need a tensor of at least 2 dimensions", nameof(tensor));
        long receptive = 1;
        for (var i = 2; i < shape.Length; i++) receptive *= shape[i];
        return (shape[1] * receptive, shape[0] * receptive);
    }
}
