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

    protected override string ExtraRepresentation() => $"kernel_size={kernelSize}, stride={stride ?? kernelSize}, padding={padding}";
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

    protected override string ExtraRepresentation() => $"p={Probability}";
}
