namespace NeuralCore.NN;

/// <summary>1-D max pooling (torch.nn.MaxPool1d); stride defaults to the kernel size.</summary>
public sealed class MaxPool1d(long kernelSize, long? stride = null, long padding = 0, long dilation = 1, bool ceilMode = false) : Module
{
    public override Tensor Forward(Tensor input) => Functional.MaxPool1d(input, kernelSize, stride, padding, dilation, ceilMode);

    protected override string ExtraRepresentation() => $"kernel_size={kernelSize}, stride={stride ?? kernelSize}, padding={padding}";
}

/// <summary>2-D max pooling (torch.nn.MaxPool2d); stride defaults to the kernel size.</summary>
public sealed class MaxPool2d(long kernelSize, long? stride = null, long padding = 0, long dilation = 1, bool ceilMode = false) : Module
{
    public override Tensor Forward(Tensor input) =>
        Functional.MaxPool2d(input, (kernelSize, kernelSize), stride is { } s ? (s, s) : null, (padding, padding), (dilation, dilation), ceilMode);

    /// <summary>The pooled values and each maximum's flat position in its H·W plane (PyTorch's return_indices=True), for MaxUnpool2d.</summary>
    public (Tensor Output, Tensor Indices) ForwardWithIndices(Tensor input) =>
        Functional.MaxPool2dWithIndices(input, (kernelSize, kernelSize), stride is { } s ? (s, s) : null, (padding, padding), (dilation, dilation), ceilMode);

    protected override string ExtraRepresentation() => $"kernel_size={kernelSize}, stride={stride ?? kernelSize}, padding={padding}";
}

/// <summary>3-D max pooling over (N, C, D, H, W) (torch.nn.MaxPool3d); stride defaults to the kernel size.</summary>
public sealed class MaxPool3d(long kernelSize, long? stride = null, long padding = 0, long dilation = 1, bool ceilMode = false) : Module
{
    public override Tensor Forward(Tensor input) =>
        Functional.MaxPool3d(input, (kernelSize, kernelSize, kernelSize), stride is { } s ? (s, s, s) : null, (padding, padding, padding),
            (dilation, dilation, dilation), ceilMode);

    protected override string ExtraRepresentation() => $"kernel_size={kernelSize}, stride={stride ?? kernelSize}, padding={padding}";
}

/// <summary>The partial inverse of MaxPool2d (torch.nn.MaxUnpool2d): <c>Forward(input, indices)</c> with MaxPool2d's indices.</summary>
public sealed class MaxUnpool2d(long kernelSize, long? stride = null, long padding = 0) : Module
{
    /// <summary>Places each value at its pooled position; <paramref name="outputSize"/> resolves sizes pooling rounded down.</summary>
    public Tensor Forward(Tensor input, Tensor indices, (long, long)? outputSize = null) =>
        Functional.MaxUnpool2d(input, indices, (kernelSize, kernelSize), stride is { } s ? (s, s) : null, (padding, padding), outputSize);

    public override Tensor Forward(Tensor input) =>
        throw new InvalidOperationException("MaxUnpool2d needs the indices from MaxPool2d.ForwardWithIndices: call Forward(input, indices)");

    protected override string ExtraRepresentation() => $"kernel_size=({kernelSize}, {kernelSize}), stride=({stride ?? kernelSize}, {stride ?? kernelSize}), padding=({padding}, {padding})";
}

/// <summary>1-D average pooling over (N, C, L) (torch.nn.AvgPool1d); stride defaults to the kernel size.</summary>
public sealed class AvgPool1d(long kernelSize, long? stride = null, long padding = 0, bool ceilMode = false, bool countIncludePad = true) : Module
{
    public override Tensor Forward(Tensor input) => Functional.AvgPool1d(input, kernelSize, stride, padding, ceilMode, countIncludePad);

    protected override string ExtraRepresentation() => $"kernel_size=({kernelSize},), stride=({stride ?? kernelSize},), padding=({padding},)";
}

/// <summary>3-D average pooling over (N, C, D, H, W) (torch.nn.AvgPool3d); stride defaults to the kernel size.</summary>
public sealed class AvgPool3d(long kernelSize, long? stride = null, long padding = 0, bool ceilMode = false, bool countIncludePad = true) : Module
{
    public override Tensor Forward(Tensor input) =>
        Functional.AvgPool3d(input, (kernelSize, kernelSize, kernelSize), stride is { } s ? (s, s, s) : null, (padding, padding, padding), ceilMode,
            countIncludePad);

    protected override string ExtraRepresentation() => $"kernel_size={kernelSize}, stride={stride ?? kernelSize}, padding={padding}";
}

/// <summary>Power-average pooling over (N, C, L) (torch.nn.LPPool1d): (Σ x^p over each window)^(1/p).</summary>
public sealed class LpPool1d(double normType, long kernelSize, long? stride = null, bool ceilMode = false) : Module
{
    public override Tensor Forward(Tensor input) => Functional.LpPool1d(input, normType, kernelSize, stride, ceilMode);

    protected override string ExtraRepresentation() => $"norm_type={Repr.Number(normType)}, kernel_size={kernelSize}, stride={stride?.ToString() ?? "None"}, ceil_mode={(ceilMode ? "True" : "False")}";
}

/// <summary>Power-average pooling over (N, C, H, W) (torch.nn.LPPool2d): (Σ x^p over each window)^(1/p).</summary>
public sealed class LpPool2d(double normType, long kernelSize, long? stride = null, bool ceilMode = false) : Module
{
    public override Tensor Forward(Tensor input) =>
        Functional.LpPool2d(input, normType, (kernelSize, kernelSize), stride is { } s ? (s, s) : null, ceilMode);

    protected override string ExtraRepresentation() => $"norm_type={Repr.Number(normType)}, kernel_size={kernelSize}, stride={stride?.ToString() ?? "None"}, ceil_mode={(ceilMode ? "True" : "False")}";
}

/// <summary>2-D average pooling (torch.nn.AvgPool2d); stride defaults to the kernel size.</summary>
public sealed class AvgPool2d(long kernelSize, long? stride = null, long padding = 0, bool ceilMode = false, bool countIncludePad = true) : Module
{
    public override Tensor Forward(Tensor input) =>
        Functional.AvgPool2d(input, (kernelSize, kernelSize), stride is { } s ? (s, s) : null, (padding, padding), ceilMode, countIncludePad);

    protected override string ExtraRepresentation() => $"kernel_size={kernelSize}, stride={stride ?? kernelSize}, padding={padding}";
}

/// <summary>Average pooling to a fixed output size (torch.nn.AdaptiveAvgPool2d).</summary>
public sealed class AdaptiveAvgPool2d((long, long) outputSize) : Module
{
    public AdaptiveAvgPool2d(long outputSize) : this((outputSize, outputSize)) { }

    public override Tensor Forward(Tensor input) => Functional.AdaptiveAvgPool2d(input, outputSize);

    protected override string ExtraRepresentation() => $"output_size=({outputSize.Item1}, {outputSize.Item2})";
}

/// <summary>Average pooling of (N, C, L) to a fixed length (torch.nn.AdaptiveAvgPool1d).</summary>
public sealed class AdaptiveAvgPool1d(long outputSize) : Module
{
    public override Tensor Forward(Tensor input) => Functional.AdaptiveAvgPool1d(input, outputSize);

    protected override string ExtraRepresentation() => $"output_size={outputSize}";
}

/// <summary>Average pooling of (N, C, D, H, W) to a fixed output size (torch.nn.AdaptiveAvgPool3d).</summary>
public sealed class AdaptiveAvgPool3d((long, long, long) outputSize) : Module
{
    public AdaptiveAvgPool3d(long outputSize) : this((outputSize, outputSize, outputSize)) { }

    public override Tensor Forward(Tensor input) => Functional.AdaptiveAvgPool3d(input, outputSize);

    protected override string ExtraRepresentation() => $"output_size=({outputSize.Item1}, {outputSize.Item2}, {outputSize.Item3})";
}

/// <summary>Max pooling of (N, C, L) to a fixed length (torch.nn.AdaptiveMaxPool1d).</summary>
public sealed class AdaptiveMaxPool1d(long outputSize) : Module
{
    public override Tensor Forward(Tensor input) => Functional.AdaptiveMaxPool1d(input, outputSize);

    /// <summary>The pooled values and the positions of the maxima (PyTorch's return_indices=True).</summary>
    public (Tensor Output, Tensor Indices) ForwardWithIndices(Tensor input) => Functional.AdaptiveMaxPool1dWithIndices(input, outputSize);

    protected override string ExtraRepresentation() => $"output_size={outputSize}";
}

/// <summary>Max pooling to a fixed output size (torch.nn.AdaptiveMaxPool2d).</summary>
public sealed class AdaptiveMaxPool2d((long, long) outputSize) : Module
{
    public AdaptiveMaxPool2d(long outputSize) : this((outputSize, outputSize)) { }

    public override Tensor Forward(Tensor input) => Functional.AdaptiveMaxPool2d(input, outputSize);

    /// <summary>The pooled values and the positions of the maxima (PyTorch's return_indices=True).</summary>
    public (Tensor Output, Tensor Indices) ForwardWithIndices(Tensor input) => Functional.AdaptiveMaxPool2dWithIndices(input, outputSize);

    protected override string ExtraRepresentation() => $"output_size=({outputSize.Item1}, {outputSize.Item2})";
}

/// <summary>Sliding local blocks of (N, C, H, W) as columns (N, C·k·k, L) (torch.nn.Unfold).</summary>
public sealed class Unfold(long kernelSize, long dilation = 1, long padding = 0, long stride = 1) : Module
{
    public override Tensor Forward(Tensor input) =>
        Functional.Unfold(input, (kernelSize, kernelSize), (dilation, dilation), (padding, padding), (stride, stride));

    protected override string ExtraRepresentation() => $"kernel_size={kernelSize}, dilation={dilation}, padding={padding}, stride={stride}";
}

/// <summary>Sums sliding blocks (N, C·k·k, L) back into (N, C, H, W) (torch.nn.Fold); overlaps add up.</summary>
public sealed class Fold((long, long) outputSize, long kernelSize, long dilation = 1, long padding = 0, long stride = 1) : Module
{
    public Fold(long outputSize, long kernelSize, long dilation = 1, long padding = 0, long stride = 1)
        : this((outputSize, outputSize), kernelSize, dilation, padding, stride) { }

    public override Tensor Forward(Tensor input) =>
        Functional.Fold(input, outputSize, (kernelSize, kernelSize), (dilation, dilation), (padding, padding), (stride, stride));

    protected override string ExtraRepresentation() =>
        $"output_size=({outputSize.Item1}, {outputSize.Item2}), kernel_size={kernelSize}, dilation={dilation}, padding={padding}, stride={stride}";
}

/// <summary>Merges dimensions <c>startDim</c>..<c>endDim</c> (torch.nn.Flatten; default keeps the batch dimension).</summary>
public sealed class Flatten(long startDim = 1, long endDim = -1) : Module
{
    public override Tensor Forward(Tensor input) => input.Flatten(startDim, endDim);

    protected override string ExtraRepresentation() => $"start_dim={startDim}, end_dim={endDim}";
}

/// <summary>Zeroes elements with probability p while training (torch.nn.Dropout).</summary>
public sealed class Dropout : Module
{
    public Dropout(double probability = 0.5)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(probability, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(probability, 1.0);
        Probability = probability;
    }

    public double Probability { get; }

    public override Tensor Forward(Tensor input) => Functional.Dropout(input, Probability, Training);

    protected override string ExtraRepresentation() => $"p={Repr.Float(Probability)}, inplace=False";
}

/// <summary>Shared parts of the dropout modules that drop channels or keep SELU's statistics.</summary>
public abstract class DropoutModule : Module
{
    private protected DropoutModule(double probability)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(probability, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(probability, 1.0);
        Probability = probability;
    }

    public double Probability { get; }

    protected override string ExtraRepresentation() => $"p={Repr.Float(Probability)}, inplace=False";
}

/// <summary>Zeroes whole channels of (N, C, L) or (C, L) input while training (torch.nn.Dropout1d).</summary>
public sealed class Dropout1d(double probability = 0.5) : DropoutModule(probability)
{
    public override Tensor Forward(Tensor input) => Functional.Dropout1d(input, Probability, Training);
}

/// <summary>Zeroes whole channels of (N, C, H, W) input while training (torch.nn.Dropout2d).</summary>
public sealed class Dropout2d(double probability = 0.5) : DropoutModule(probability)
{
    public override Tensor Forward(Tensor input) => Functional.Dropout2d(input, Probability, Training);
}

/// <summary>Zeroes whole channels of (N, C, D, H, W) or (C, D, H, W) input while training (torch.nn.Dropout3d).</summary>
public sealed class Dropout3d(double probability = 0.5) : DropoutModule(probability)
{
    public override Tensor Forward(Tensor input) => Functional.Dropout3d(input, Probability, Training);
}

/// <summary>Dropout that keeps a SELU network's mean and variance, while training (torch.nn.AlphaDropout).</summary>
public sealed class AlphaDropout(double probability = 0.5) : DropoutModule(probability)
{
    public override Tensor Forward(Tensor input) => Functional.AlphaDropout(input, Probability, Training);
}

/// <summary>AlphaDropout of whole channels, while training (torch.nn.FeatureAlphaDropout).</summary>
public sealed class FeatureAlphaDropout(double probability = 0.5) : DropoutModule(probability)
{
    public override Tensor Forward(Tensor input) => Functional.FeatureAlphaDropout(input, Probability, Training);
}
