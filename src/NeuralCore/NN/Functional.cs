using NeuralCore.Interop;
using NeuralCore.Interop.Handles;

namespace NeuralCore.NN;

/// <summary>How a loss combines per-element values (PyTorch's <c>reduction</c>).</summary>
public enum Reduction
{
    None = 0,
    Mean = 1,
    Sum = 2,
}

/// <summary>The stateless forms of layers, activations and losses (torch.nn.functional).</summary>
public static unsafe partial class Functional
{
    private static TensorHandle Optional(Tensor? tensor) => tensor?.Handle ?? TensorHandle.Null;

    private static Tensor Result(NativeStatus status, TensorHandle result) => Tensor.Result(status, result);

    // ---- activations ----
    /// <summary>max(x, 0).</summary>
    public static Tensor Relu(Tensor input) => input.Relu();

    /// <summary>x for x ≥ 0, negativeSlope · x otherwise.</summary>
    public static Tensor LeakyRelu(Tensor input, double negativeSlope = 0.01) =>
        Result(NativeMethods.NNLeakyRelu(input.Handle, negativeSlope, out var result), result);

    /// <summary>Gaussian error linear unit; <paramref name="tanhApproximation"/> selects PyTorch's approximate="tanh".</summary>
    public static Tensor Gelu(Tensor input, bool tanhApproximation = false) =>
        Result(NativeMethods.NNGelu(input.Handle, tanhApproximation ? 1 : 0, out var result), result);

    /// <summary>x · sigmoid(x).</summary>
    public static Tensor Silu(Tensor input) => Result(NativeMethods.NNSilu(input.Handle, out var result), result);

    /// <summary>Hyperbolic tangent.</summary>
    public static Tensor Tanh(Tensor input) => input.Tanh();

    /// <summary>Logistic sigmoid.</summary>
    public static Tensor Sigmoid(Tensor input) => input.Sigmoid();

    /// <summary>Softmax along <paramref name="dim"/>.</summary>
    public static Tensor Softmax(Tensor input, long dim) => input.Softmax(dim);

    /// <summary>Log-softmax along <paramref name="dim"/>.</summary>
    public static Tensor LogSoftmax(Tensor input, long dim) => input.LogSoftmax(dim);

    // ---- layers ----
    /// <summary>x · weightᵀ + bias. input: (*, in), weight: (out, in), bias: (out).</summary>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null) =>
        Result(NativeMethods.NNLinear(input.Handle, weight.Handle, Optional(bias), out var result), result);

    internal static Tensor Convolution(Tensor input, Tensor weight, Tensor? bias, long[] stride, long[] padding, long[] dilation,
        bool transposed, long[] outputPadding, long groups)
    {
        fixed (long* s = stride, p = padding, d = dilation, o = outputPadding)
            return Result(NativeMethods.NNConvolution(input.Handle, weight.Handle, Optional(bias), s, p, d, transposed ? 1 : 0, o,
                stride.Length, groups, out var result), result);
    }

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
        MaxPool(input, [kernelSize], [stride ?? kernelSize], [padding], [dilation], ceilMode);

    /// <summary>2-D max pooling; <paramref name="stride"/> defaults to the kernel size.</summary>
    public static Tensor MaxPool2d(Tensor input, (long, long) kernelSize, (long, long)? stride = null, (long, long)? padding = null,
        (long, long)? dilation = null, bool ceilMode = false) =>
        MaxPool(input, Pair(kernelSize, 0), Pair(stride ?? kernelSize, 0), Pair(padding, 0), Pair(dilation, 1), ceilMode);

    private static Tensor MaxPool(Tensor input, long[] kernel, long[] stride, long[] padding, long[] dilation, bool ceilMode)
    {
        fixed (long* k = kernel, s = stride, p = padding, d = dilation)
            return Result(NativeMethods.NNMaxPool(input.Handle, k, s, p, d, kernel.Length, ceilMode ? 1 : 0, out var result), result);
    }

    /// <summary>2-D average pooling; <paramref name="stride"/> defaults to the kernel size.</summary>
    public static Tensor AvgPool2d(Tensor input, (long, long) kernelSize, (long, long)? stride = null, (long, long)? padding = null,
        bool ceilMode = false, bool countIncludePad = true)
    {
        long[] kernel = Pair(kernelSize, 0), steps = Pair(stride ?? kernelSize, 0), pad = Pair(padding, 0);
        fixed (long* k = kernel, s = steps, p = pad)
            return Result(NativeMethods.NNAvgPool2d(input.Handle, k, s, p, ceilMode ? 1 : 0, countIncludePad ? 1 : 0, out var result), result);
    }

    /// <summary>Average pooling to a fixed output size (H_out, W_out).</summary>
    public static Tensor AdaptiveAvgPool2d(Tensor input, (long, long) outputSize)
    {
        long[] size = Pair(outputSize, 0);
        fixed (long* o = size)
            return Result(NativeMethods.NNAdaptiveAvgPool2d(input.Handle, o, out var result), result);
    }

    /// <summary>Batch normalisation; in training, updates <paramref name="runningMean"/> and <paramref name="runningVar"/> in place.</summary>
    /// <exception cref="ArgumentException">Training on one value per channel (the variance is undefined), as PyTorch.</exception>
    public static Tensor BatchNorm(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight = null, Tensor? bias = null,
        bool training = false, double momentum = 0.1, double eps = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (training) CheckMoreThanOneValuePerChannel(input.Shape);
        return Result(NativeMethods.NNBatchNorm(input.Handle, Optional(weight), Optional(bias), Optional(runningMean), Optional(runningVar),
            training ? 1 : 0, momentum, eps, out var result), result);
    }

    internal static void CheckMoreThanOneValuePerChannel(long[] shape, long? valuesPerChannel = null)
    {
        var count = valuesPerChannel ?? (shape.Length == 0 ? 1 : shape[0] * shape.Skip(2).Aggregate(1L, (a, b) => a * b));
        if (count == 1)
            throw new ArgumentException($"Expected more than 1 value per channel when training, got input size [{string.Join(", ", shape)}]", "input");
    }

    /// <summary>Normalises over the last dimensions given by <paramref name="normalizedShape"/>.</summary>
    public static Tensor LayerNorm(Tensor input, long[] normalizedShape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        fixed (long* shape = normalizedShape)
            return Result(NativeMethods.NNLayerNorm(input.Handle, shape, normalizedShape.Length, Optional(weight), Optional(bias), eps, out var result), result);
    }

    /// <summary>Zeroes elements with probability <paramref name="probability"/> and scales the rest by 1 / (1 - p), when training.</summary>
    public static Tensor Dropout(Tensor input, double probability = 0.5, bool training = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(probability, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(probability, 1.0);
        return Result(NativeMethods.NNDropout(input.Handle, probability, training ? 1 : 0, out var result), result);
    }

    /// <summary>Rows of <paramref name="weight"/> picked by the Int64 <paramref name="indices"/>.</summary>
    public static Tensor Embedding(Tensor indices, Tensor weight, long? paddingIndex = null) =>
        Result(NativeMethods.NNEmbedding(weight.Handle, indices.Handle, paddingIndex ?? -1, out var result), result);

    // ---- losses ----
    /// <summary>
    /// Cross entropy between logits (N, C) or (N, C, d…) and class indices (N) / (N, d…) or class probabilities (same shape as input).
    /// </summary>
    public static Tensor CrossEntropy(Tensor input, Tensor target, Tensor? weight = null, long ignoreIndex = -100,
        Reduction reduction = Reduction.Mean, double labelSmoothing = 0.0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(labelSmoothing, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(labelSmoothing, 1.0);
        return Result(NativeMethods.NNCrossEntropy(input.Handle, target.Handle, Optional(weight), (int)reduction, ignoreIndex, labelSmoothing,
            out var result), result);
    }

    /// <summary>Negative log-likelihood of log-probabilities (N, C) at class indices (N).</summary>
    public static Tensor NllLoss(Tensor input, Tensor target, Tensor? weight = null, long ignoreIndex = -100, Reduction reduction = Reduction.Mean) =>
        Result(NativeMethods.NNNllLoss(input.Handle, target.Handle, Optional(weight), (int)reduction, ignoreIndex, out var result), result);

    /// <summary>Mean squared error.</summary>
    public static Tensor MseLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
        Result(NativeMethods.NNMseLoss(input.Handle, target.Handle, (int)reduction, out var result), result);

    /// <summary>Mean absolute error.</summary>
    public static Tensor L1Loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
        Result(NativeMethods.NNL1Loss(input.Handle, target.Handle, (int)reduction, out var result), result);

    /// <summary>Squared error below <paramref name="beta"/>, absolute error above, scaled by 1/beta.</summary>
    public static Tensor SmoothL1Loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, double beta = 1.0) =>
        Result(NativeMethods.NNSmoothL1Loss(input.Handle, target.Handle, (int)reduction, beta, out var result), result);

    /// <summary>Squared error below <paramref name="delta"/>, delta-scaled absolute error above.</summary>
    public static Tensor HuberLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, double delta = 1.0) =>
        Result(NativeMethods.NNHuberLoss(input.Handle, target.Handle, (int)reduction, delta, out var result), result);

    /// <summary>Binary cross entropy of probabilities.</summary>
    public static Tensor BinaryCrossEntropy(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean) =>
        Result(NativeMethods.NNBinaryCrossEntropy(input.Handle, target.Handle, Optional(weight), (int)reduction, out var result), result);

    /// <summary>Binary cross entropy of logits (sigmoid and loss fused, numerically stable).</summary>
    public static Tensor BinaryCrossEntropyWithLogits(Tensor input, Tensor target, Tensor? weight = null, Tensor? positiveWeight = null,
        Reduction reduction = Reduction.Mean) =>
        Result(NativeMethods.NNBinaryCrossEntropyWithLogits(input.Handle, target.Handle, Optional(weight), Optional(positiveWeight),
            (int)reduction, out var result), result);
}
