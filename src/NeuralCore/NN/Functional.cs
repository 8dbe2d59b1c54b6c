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

    /// <summary>3-D max pooling over (N, C, D, H, W); <paramref name="stride"/> defaults to the kernel size.</summary>
    public static Tensor MaxPool3d(Tensor input, (long, long, long) kernelSize, (long, long, long)? stride = null, (long, long, long)? padding = null,
        (long, long, long)? dilation = null, bool ceilMode = false) =>
        LibTorch.NnMaxPool(input, Triple(kernelSize, 0), Triple(stride ?? kernelSize, 0), Triple(padding, 0), Triple(dilation, 1), ceilMode);

    /// <summary>2-D max pooling and the flat position (within each H·W plane) of every maximum, for <see cref="MaxUnpool2d"/>.</summary>
    public static (Tensor Output, Tensor Indices) MaxPool2dWithIndices(Tensor input, (long, long) kernelSize, (long, long)? stride = null,
        (long, long)? padding = null, (long, long)? dilation = null, bool ceilMode = false) =>
        LibTorch.NnMaxPoolWithIndices(input, Pair(kernelSize, 0), Pair(stride ?? kernelSize, 0), Pair(padding, 0), Pair(dilation, 1), ceilMode);

    /// <summary>
    /// The partial inverse of 2-D max pooling: each value goes to its position from <paramref name="indices"/>, every other
    /// element is zero. The output's spatial size is (H − 1)·stride − 2·padding + kernel, or <paramref name="outputSize"/>.
    /// </summary>
    public static Tensor MaxUnpool2d(Tensor input, Tensor indices, (long, long) kernelSize, (long, long)? stride = null, (long, long)? padding = null,
        (long, long)? outputSize = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (k, s, p) = (Pair(kernelSize, 0), Pair(stride ?? kernelSize, 0), Pair(padding, 0));
        var shape = input.Shape;
        if (shape.Length is not (3 or 4))
            throw new ArgumentException($"MaxUnpool2d expects a 3-D or 4-D input, got {shape.Length}-D", nameof(input));
        long[] size = outputSize is { } o ? [o.Item1, o.Item2]
            : [(shape[^2] - 1) * s[0] - 2 * p[0] + k[0], (shape[^1] - 1) * s[1] - 2 * p[1] + k[1]];
        return LibTorch.NnMaxUnpool2d(input, indices, size);
    }

    /// <summary>1-D average pooling over (N, C, L); <paramref name="stride"/> defaults to the kernel size.</summary>
    public static Tensor AvgPool1d(Tensor input, long kernelSize, long? stride = null, long padding = 0, bool ceilMode = false, bool countIncludePad = true) =>
        LibTorch.NnAvgPool(input, [kernelSize], [stride ?? kernelSize], [padding], ceilMode, countIncludePad);

    /// <summary>2-D average pooling; <paramref name="stride"/> defaults to the kernel size.</summary>
    public static Tensor AvgPool2d(Tensor input, (long, long) kernelSize, (long, long)? stride = null, (long, long)? padding = null,
        bool ceilMode = false, bool countIncludePad = true) =>
        LibTorch.NnAvgPool(input, Pair(kernelSize, 0), Pair(stride ?? kernelSize, 0), Pair(padding, 0), ceilMode, countIncludePad);

    /// <summary>3-D average pooling over (N, C, D, H, W); <paramref name="stride"/> defaults to the kernel size.</summary>
    public static Tensor AvgPool3d(Tensor input, (long, long, long) kernelSize, (long, long, long)? stride = null, (long, long, long)? padding = null,
        bool ceilMode = false, bool countIncludePad = true) =>
        LibTorch.NnAvgPool(input, Triple(kernelSize, 0), Triple(stride ?? kernelSize, 0), Triple(padding, 0), ceilMode, countIncludePad);

    /// <summary>Power-average pooling: (Σ x^p over each window)^(1/p) (torch.nn.functional.lp_pool1d).</summary>
    public static Tensor LpPool1d(Tensor input, double normType, long kernelSize, long? stride = null, bool ceilMode = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = TensorScope.Begin();
        var mean = AvgPool1d(input.Pow(normType), kernelSize, stride, 0, ceilMode);
        return scope.Keep((mean.Sign() * mean.Abs().Relu() * kernelSize).Pow(1.0 / normType));
    }

    /// <summary>Power-average pooling: (Σ x^p over each window)^(1/p) (torch.nn.functional.lp_pool2d).</summary>
    public static Tensor LpPool2d(Tensor input, double normType, (long, long) kernelSize, (long, long)? stride = null, bool ceilMode = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = TensorScope.Begin();
        var mean = AvgPool2d(input.Pow(normType), kernelSize, stride, (0, 0), ceilMode);
        return scope.Keep((mean.Sign() * mean.Abs().Relu() * (kernelSize.Item1 * kernelSize.Item2)).Pow(1.0 / normType));
    }

    /// <summary>Average pooling of (N, C, L) to length <paramref name="outputSize"/>.</summary>
    public static Tensor AdaptiveAvgPool1d(Tensor input, long outputSize) => LibTorch.NnAdaptiveAvgPool(input, [outputSize]);

    /// <summary>Average pooling to a fixed output size (H_out, W_out).</summary>
    public static Tensor AdaptiveAvgPool2d(Tensor input, (long, long) outputSize) => LibTorch.NnAdaptiveAvgPool(input, Pair(outputSize, 0));

    /// <summary>Average pooling of (N, C, D, H, W) to a fixed output size.</summary>
    public static Tensor AdaptiveAvgPool3d(Tensor input, (long, long, long) outputSize) => LibTorch.NnAdaptiveAvgPool(input, Triple(outputSize, 0));

    /// <summary>Max pooling of (N, C, L) to length <paramref name="outputSize"/>.</summary>
    public static Tensor AdaptiveMaxPool1d(Tensor input, long outputSize) => ValuesOnly(AdaptiveMaxPool1dWithIndices(input, outputSize));

    /// <summary>Max pooling of (N, C, L) to length <paramref name="outputSize"/>, and the positions of the maxima.</summary>
    public static (Tensor Output, Tensor Indices) AdaptiveMaxPool1dWithIndices(Tensor input, long outputSize) => LibTorch.NnAdaptiveMaxPool(input, [outputSize]);

    /// <summary>Max pooling to a fixed output size (H_out, W_out).</summary>
    public static Tensor AdaptiveMaxPool2d(Tensor input, (long, long) outputSize) => ValuesOnly(AdaptiveMaxPool2dWithIndices(input, outputSize));

    /// <summary>Max pooling to a fixed output size (H_out, W_out), and the positions of the maxima.</summary>
    public static (Tensor Output, Tensor Indices) AdaptiveMaxPool2dWithIndices(Tensor input, (long, long) outputSize) =>
        LibTorch.NnAdaptiveMaxPool(input, Pair(outputSize, 0));

    // The output of a (values, indices) pair when only the values are asked for: the indices are released at once.
    private static Tensor ValuesOnly((Tensor Output, Tensor Indices) pair)
    {
        pair.Indices.Dispose();
        return pair.Output;
    }

    /// <summary>
    /// Sliding local blocks of (N, C, H, W) as columns (N, C·kH·kW, L) (torch.nn.functional.unfold, im2col).
    /// </summary>
    public static Tensor Unfold(Tensor input, (long, long) kernelSize, (long, long)? dilation = null, (long, long)? padding = null,
        (long, long)? stride = null) =>
        LibTorch.NnIm2col(input, Pair(kernelSize, 0), Pair(dilation, 1), Pair(padding, 0), Pair(stride, 1));

    /// <summary>
    /// Sums columns of sliding blocks (N, C·kH·kW, L) back into (N, C, H, W) of <paramref name="outputSize"/>
    /// (torch.nn.functional.fold, col2im); overlapping blocks add up.
    /// </summary>
    public static Tensor Fold(Tensor input, (long, long) outputSize, (long, long) kernelSize, (long, long)? dilation = null, (long, long)? padding = null,
        (long, long)? stride = null) =>
        LibTorch.NnCol2im(input, Pair(outputSize, 0), Pair(kernelSize, 0), Pair(dilation, 1), Pair(padding, 0), Pair(stride, 1));

    internal static long[] Triple((long, long, long)? value, long fallback) =>
        value is { } v ? [v.Item1, v.Item2, v.Item3] : [fallback, fallback, fallback];

    internal static void CheckMoreThanOneValuePerChannel(long[] shape, long? valuesPerChannel = null)
    {
        var count = valuesPerChannel ?? (shape.Length == 0 ? 1 : shape[0] * shape.Skip(2).Aggregate(1L, (a, b) => a * b));
        if (count == 1)
            throw new ArgumentException($"Expected more than 1 value per channel when training, got input size [{string.Join(", ", shape)}]", "input");
    }
}
