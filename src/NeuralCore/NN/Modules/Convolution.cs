namespace NeuralCore.NN;

/// <summary>Shared parts of the convolution layers.</summary>
public abstract class ConvolutionModule : Module
{
    private readonly bool transposed;
    private protected long[] stride = [], padding = [], dilation = [], outputPadding = [];

    private protected ConvolutionModule(long inChannels, long outChannels, long[] kernelSize, bool transposed, long groups, bool bias,
        DType? dtype, Device? device)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(groups, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(inChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outChannels, 1);
        if (kernelSize.Any(k => k < 1))
            throw new ArgumentOutOfRangeException(nameof(kernelSize), $"({string.Join(", ", kernelSize)})", "every kernel size must be at least 1");
        if (inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException($"inChannels ({inChannels}) and outChannels ({outChannels}) must be divisible by groups ({groups})");
        (InChannels, OutChannels, KernelSize, Groups, this.transposed) = (inChannels, outChannels, kernelSize, groups, transposed);
        long[] weightShape = transposed ? [inChannels, outChannels / groups, .. kernelSize] : [outChannels, inChannels / groups, .. kernelSize];
        Weight = new Parameter(Tensor.Empty(weightShape, dtype, device));
        RegisterParameter("weight", Weight);
        SupportComputedParameter("weight");
        Bias = bias ? new Parameter(Tensor.Empty([outChannels], dtype, device)) : null;
        RegisterParameter("bias", Bias);
        ResetParameters();
    }

    // Called by each constructor once stride, padding, dilation and output padding are set.
    private protected void CheckGeometry()
    {
        static void Check(long[] values, long minimum, string name)
        {
            if (values.Any(v => v < minimum))
                throw new ArgumentOutOfRangeException(name, $"({string.Join(", ", values)})", $"every {name} must be at least {minimum}");
        }
        Check(stride, 1, nameof(stride));
        Check(dilation, 1, nameof(dilation));
        Check(padding, 0, nameof(padding));
        Check(outputPadding, 0, nameof(outputPadding));
    }

    public long InChannels { get; }
    public long OutChannels { get; }
    public IReadOnlyList<long> KernelSize { get; }
    public long Groups { get; }
    public Parameter Weight { get; }
    public Parameter? Bias { get; }

    /// <summary>PyTorch's default: Kaiming-uniform weight (a = √5), bias U(-1/√fan_in, 1/√fan_in).</summary>
    public void ResetParameters()
    {
        Init.KaimingUniform(Weight, Math.Sqrt(5));
        if (Bias is not null) LayerInit.UniformBias(Bias, Init.FanIn(Weight));
    }

    /// <summary>True for the transposed convolutions, whose weight is (inChannels, outChannels / groups, kernel...).</summary>
    internal bool Transposed => transposed;

    public override Tensor Forward(Tensor input)
    {
        using var computed = ComputedParameter("weight");
        return Functional.Convolution(input, computed ?? Weight, Bias, stride, padding, dilation, transposed, outputPadding, Groups);
    }

    protected override string ExtraRepresentation() =>
        $"{InChannels}, {OutChannels}, kernel_size=({string.Join(", ", KernelSize)}), stride=({string.Join(", ", stride)})" +
        (padding.Any(p => p != 0) ? $", padding=({string.Join(", ", padding)})" : "");
}

/// <summary>1-D convolution (torch.nn.Conv1d). input: (N, C_in, L) → (N, C_out, L_out).</summary>
public sealed class Conv1d : ConvolutionModule
{
    public Conv1d(long inChannels, long outChannels, long kernelSize, long stride = 1, long padding = 0, long dilation = 1, long groups = 1,
        bool bias = true, DType? dtype = null, Device? device = null)
        : base(inChannels, outChannels, [kernelSize], false, groups, bias, dtype, device)
    {
        (this.stride, this.padding, this.dilation, outputPadding) = ([stride], [padding], [dilation], [0]);
        CheckGeometry();
    }
}

/// <summary>2-D convolution (torch.nn.Conv2d). input: (N, C_in, H, W) → (N, C_out, H_out, W_out).</summary>
public sealed class Conv2d : ConvolutionModule
{
    /// <summary>Square kernel, stride, padding and dilation.</summary>
    public Conv2d(long inChannels, long outChannels, long kernelSize, long stride = 1, long padding = 0, long dilation = 1, long groups = 1,
        bool bias = true, DType? dtype = null, Device? device = null)
        : this(inChannels, outChannels, (kernelSize, kernelSize), (stride, stride), (padding, padding), (dilation, dilation), groups, bias, dtype, device)
    {
    }

    /// <summary>(height, width) pairs.</summary>
    public Conv2d(long inChannels, long outChannels, (long, long) kernelSize, (long, long)? stride = null, (long, long)? padding = null,
        (long, long)? dilation = null, long groups = 1, bool bias = true, DType? dtype = null, Device? device = null)
        : base(inChannels, outChannels, Functional.Pair(kernelSize, 0), false, groups, bias, dtype, device)
    {
        (this.stride, this.padding, this.dilation, outputPadding) = (Functional.Pair(stride, 1), Functional.Pair(padding, 0), Functional.Pair(dilation, 1), [0, 0]);
        CheckGeometry();
    }
}

/// <summary>2-D transposed convolution (torch.nn.ConvTranspose2d). input: (N, C_in, H, W) → (N, C_out, H_out, W_out).</summary>
public sealed class ConvTranspose2d : ConvolutionModule
{
    public ConvTranspose2d(long inChannels, long outChannels, long kernelSize, long stride = 1, long padding = 0, long outputPadding = 0,
        long groups = 1, bool bias = true, long dilation = 1, DType? dtype = null, Device? device = null)
        : base(inChannels, outChannels, [kernelSize, kernelSize], true, groups, bias, dtype, device)
    {
        (this.stride, this.padding, this.dilation, this.outputPadding) = ([stride, stride], [padding, padding], [dilation, dilation], [outputPadding, outputPadding]);
        CheckGeometry();
    }
}

/// <summary>3-D convolution (torch.nn.Conv3d). input: (N, C_in, D, H, W) → (N, C_out, D_out, H_out, W_out).</summary>
public sealed class Conv3d : ConvolutionModule
{
    /// <summary>Cubic kernel, stride, padding and dilation.</summary>
    public Conv3d(long inChannels, long outChannels, long kernelSize, long stride = 1, long padding = 0, long dilation = 1, long groups = 1,
        bool bias = true, DType? dtype = null, Device? device = null)
        : this(inChannels, outChannels, (kernelSize, kernelSize, kernelSize), (stride, stride, stride), (padding, padding, padding),
            (dilation, dilation, dilation), groups, bias, dtype, device)
    {
    }

    /// <summary>(depth, height, width) triples.</summary>
    public Conv3d(long inChannels, long outChannels, (long, long, long) kernelSize, (long, long, long)? stride = null, (long, long, long)? padding = null,
        (long, long, long)? dilation = null, long groups = 1, bool bias = true, DType? dtype = null, Device? device = null)
        : base(inChannels, outChannels, Functional.Triple(kernelSize, 0), false, groups, bias, dtype, device)
    {
        (this.stride, this.padding, this.dilation, outputPadding) =
            (Functional.Triple(stride, 1), Functional.Triple(padding, 0), Functional.Triple(dilation, 1), [0, 0, 0]);
        CheckGeometry();
    }
}

/// <summary>1-D transposed convolution (torch.nn.ConvTranspose1d). input: (N, C_in, L) → (N, C_out, L_out).</summary>
public sealed class ConvTranspose1d : ConvolutionModule
{
    public ConvTranspose1d(long inChannels, long outChannels, long kernelSize, long stride = 1, long padding = 0, long outputPadding = 0,
        long groups = 1, bool bias = true, long dilation = 1, DType? dtype = null, Device? device = null)
        : base(inChannels, outChannels, [kernelSize], true, groups, bias, dtype, device)
    {
        (this.stride, this.padding, this.dilation, this.outputPadding) = ([stride], [padding], [dilation], [outputPadding]);
        CheckGeometry();
    }
}

/// <summary>3-D transposed convolution (torch.nn.ConvTranspose3d). input: (N, C_in, D, H, W) → (N, C_out, D_out, H_out, W_out).</summary>
public sealed class ConvTranspose3d : ConvolutionModule
{
    public ConvTranspose3d(long inChannels, long outChannels, long kernelSize, long stride = 1, long padding = 0, long outputPadding = 0,
        long groups = 1, bool bias = true, long dilation = 1, DType? dtype = null, Device? device = null)
        : base(inChannels, outChannels, [kernelSize, kernelSize, kernelSize], true, groups, bias, dtype, device)
    {
        (this.stride, this.padding, this.dilation, this.outputPadding) =
            ([stride, stride, stride], [padding, padding, padding], [dilation, dilation, dilation], [outputPadding, outputPadding, outputPadding]);
        CheckGeometry();
    }
}
