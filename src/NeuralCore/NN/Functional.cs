using NeuralCore.Interop;

namespace NeuralCore.NN;

/// <summary>How a loss combines per-element values (PyTorch's <c>reduction</c>).</summary>
public enum Reduction
{
    None = NativeConstants.ReductionNone,
    Mean = NativeConstants.ReductionMean,
    Sum = NativeConstants.ReductionSum,
}

/// <summary>The stateless forms of layers, activations and losses (torch.nn.functional); most members are generated (Functional.g.cs).</summary>
public static partial class Functional
{
    // ---- activations ----
    /// <summary>max(x, 0).</summary>
    public static Tensor Relu(Tensor input) => input.Relu();

    /// <summary>Hyperbolic tangent.</summary>
    public static Tensor Tanh(Tensor input) => input.Tanh();

    /// <summary>Logistic sigmoid.</summary>
    public static Tensor Sigmoid(Tensor input) => input.Sigmoid();

    /// <summary>Softmax along <paramref name="dim"/>.</summary>
    public static Tensor Softmax(Tensor input, long dim) => input.Softmax(dim);

    /// <summary>Log-softmax along <paramref name="dim"/>.</summary>
    public static Tensor LogSoftmax(Tensor input, long dim) => input.LogSoftmax(dim);

    // ---- layers whose sizes come as tuples ----
    internal static Tensor Convolution(Tensor input, Tensor weight, Tensor? bias, long[] stride, long[] padding, long[] dilation,
        bool transposed, long[] outputPadding, long groups) =>
        LibTorch.NnConvolution(input, weight, bias, stride, padding, dilation, transposed, outputPadding, groups);

    /// <summary>1-D convolution. input: (N, C_in, L), weight: (C_out, C_in / groups, K).</summary>
    public static Tensor Conv1d(Tensor input, Tensor weight, Tensor? bias = null, long stride = 1, long padding = 0, long dilation = 1, long groups = 1) =>
        Convolution(input, weight, bias, [stride], [padding], [dilation], false, [0], groups);

    /// <summary>2-D convolution. input: (N, C_in, H, W), weight: (C_out, C_in / groups, kH, kW).</summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null, (long, long)? stride = null, (long, long)? padding = null,
        (long, long)? dilation = null, long groups = 1) =>
        Convolution(input, weight, bias, Pair(stride, 1), Pair(padding, 0), Pair(dilation, 1), false, [0, 0], groups);

    /// <summary>2-D transposed convolution. input: (N, C_in, H, W), weight: (C_in, C_out / groups, kH, kW).</summary>
    public static Tensor ConvTranspose2d(Tensor input, Tensor weight, Tensor? bias = null, (long, long)? stride = null, (long, long)? padding = null,
        (long, long)? outputPadding = null, long groups = 1, (long, long)? dilation = null) =>
        Convolution(input, weight, bias, Pair(stride, 1), Pair(padding, 0), Pair(dilation, 1), true, Pair(outputPadding, 0), groups);

    internal static long[] Pair((long, long)? value, long fallback) => value is { } v ? [v.Item1, v.Item2] : [fallback, fallback];

    /// <summary>1-D max pooling; <paramref name="stride"/> defaults to the kernel size.</summary>
    public static Tensor MaxPool1d(Tensor input, long kernelSize, long? stride = null, long padding = 0, long dilation = 1, bool ceilMode = false) =>
        LibTorch.NnMaxPool(input, [kernelSize], [stride ?? kernelSize], [padding], [dilation], ceilMode);

    /// <summary>2-D max pooling; <paramref name="stride"/> defaults to the kernel size.</summary>
    public static Tensor MaxPool2d(Tensor input, (long, long) kernelSize, (long, long)? stride = null, (long, long)? padding = null,
        (long, long)? dilation = null, bool ceilMode = false) =>
        LibTorch.NnMaxPool(input, Pair(kernelSize, 0), Pair(stride ?? kernelSize, 0), Pair(padding, 0), Pair(dilation, 1), ceilMode);

    /// <summary>2-D average pooling; <paramref name="stride"/> defaults to the kernel size.</summary>
    public static Tensor AvgPool2d(Tensor input, (long, long) kernelSize, (long, long)? stride = null, (long, long)? padding = null,
        bool ceilMode = false, bool countIncludePad = true) =>
        LibTorch.NnAvgPool2d(input, Pair(kernelSize, 0), Pair(stride ?? kernelSize, 0), Pair(padding, 0), ceilMode, countIncludePad);

    /// <summary>Average pooling to a fixed output size (H_out, W_out).</summary>
    public static Tensor AdaptiveAvgPool2d(Tensor input, (long, long) outputSize) => LibTorch.NnAdaptiveAvgPool2d(input, Pair(outputSize, 0));

    internal static void CheckMoreThanOneValuePerChannel(long[] shape, long? valuesPerChannel = null)
    {
        var count = valuesPerChannel ?? (shape.Length == 0 ? 1 : shape[0] * shape.Skip(2).Aggregate(1L, (a, b) => a * b));
        if (count == 1)
            throw new ArgumentException($"Expected more than 1 value per channel when training, got input size [{string.Join(", ", shape)}]", "input");
    }
}
