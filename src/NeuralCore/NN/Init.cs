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

    /// <summary>He initialisation for a leaky ReLU of slope <paramref name="a"/>, fan-in mode (PyTorch's layer default uses a = √5).</summary>
    public static Tensor KaimingUniform(Tensor tensor, double a = 0)
    {
        var gain = Math.Sqrt(2.0 / (1 + Math.Pow(a, 2)));
        var std = gain / Math.Sqrt(FanIn(tensor));
        var bound = Math.Sqrt(3.0) * std;
        return Uniform(tensor, -bound, bound);
    }

    /// <summary>Glorot initialisation: U(-b, b) with b = gain · √(6 / (fan_in + fan_out)).</summary>
    public static Tensor XavierUniform(Tensor tensor, double gain = 1)
    {
        var (fanIn, fanOut) = Fans(tensor);
        var bound = gain * Math.Sqrt(6.0 / (fanIn + fanOut));
        return Uniform(tensor, -bound, bound);
    }

    /// <summary>Fills with zeros.</summary>
    public static Tensor Zeros(Tensor tensor)
    {
        using (Autograd.NoGrad()) tensor.ZeroInPlace();
        return tensor;
    }

    /// <summary>Fills with ones.</summary>
    public static Tensor Ones(Tensor tensor)
    {
        using (Autograd.NoGrad()) tensor.FillInPlace(1);
        return tensor;
    }

    internal static long FanIn(Tensor tensor) => Fans(tensor).FanIn;

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
