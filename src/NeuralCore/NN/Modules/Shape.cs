namespace NeuralCore.NN;

/// <summary>Shared parts of the padding modules: the pad sizes (last dimension first, as PyTorch's <c>F.pad</c>), mode and value.</summary>
public abstract class PadModule : Module
{
    private readonly long[] padding;
    private readonly string mode;
    private readonly double? value;

    private protected PadModule(long[] padding, int dimensions, string mode, double? value = null)
    {
        ArgumentNullException.ThrowIfNull(padding);
        if (padding.Length != 2 * dimensions)
            throw new ArgumentException($"{GetType().Name} takes {2 * dimensions} pad sizes (or one for all), got {padding.Length}", nameof(padding));
        (this.padding, this.mode, this.value) = (padding.ToArray(), mode, value);
    }

    private protected static long[] All(long size, int dimensions) => Enumerable.Repeat(size, 2 * dimensions).ToArray();

    /// <summary>The pad sizes (left, right[, top, bottom[, front, back]]).</summary>
    public IReadOnlyList<long> Padding => padding;

    public override Tensor Forward(Tensor input) => Functional.Pad(input, padding, mode, value);

    protected override string ExtraRepresentation() =>
        $"padding=({string.Join(", ", padding)})" + (value is { } v ? $", value={Repr.Float(v)}" : "");
}

/// <summary>Pads the last dimension by reflecting the input at its border (torch.nn.ReflectionPad1d).</summary>
public sealed class ReflectionPad1d(long[] padding) : PadModule(padding, 1, "reflect")
{
    public ReflectionPad1d(long padding) : this(All(padding, 1)) { }
}

/// <summary>Pads the last two dimensions by reflection (torch.nn.ReflectionPad2d); sizes (left, right, top, bottom).</summary>
public sealed class ReflectionPad2d(long[] padding) : PadModule(padding, 2, "reflect")
{
    public ReflectionPad2d(long padding) : this(All(padding, 2)) { }
}

/// <summary>Pads the last three dimensions by reflection (torch.nn.ReflectionPad3d).</summary>
public sealed class ReflectionPad3d(long[] padding) : PadModule(padding, 3, "reflect")
{
    public ReflectionPad3d(long padding) : this(All(padding, 3)) { }
}

/// <summary>Pads the last dimension by repeating the border value (torch.nn.ReplicationPad1d).</summary>
public sealed class ReplicationPad1d(long[] padding) : PadModule(padding, 1, "replicate")
{
    public ReplicationPad1d(long padding) : this(All(padding, 1)) { }
}

/// <summary>Pads the last two dimensions by repeating the border values (torch.nn.ReplicationPad2d).</summary>
public sealed class ReplicationPad2d(long[] padding) : PadModule(padding, 2, "replicate")
{
    public ReplicationPad2d(long padding) : this(All(padding, 2)) { }
}

/// <summary>Pads the last three dimensions by repeating the border values (torch.nn.ReplicationPad3d).</summary>
public sealed class ReplicationPad3d(long[] padding) : PadModule(padding, 3, "replicate")
{
    public ReplicationPad3d(long padding) : this(All(padding, 3)) { }
}

/// <summary>Pads the last dimension with zeros (torch.nn.ZeroPad1d).</summary>
public sealed class ZeroPad1d(long[] padding) : PadModule(padding, 1, "constant", 0)
{
    public ZeroPad1d(long padding) : this(All(padding, 1)) { }
}

/// <summary>Pads the last two dimensions with zeros (torch.nn.ZeroPad2d).</summary>
public sealed class ZeroPad2d(long[] padding) : PadModule(padding, 2, "constant", 0)
{
    public ZeroPad2d(long padding) : this(All(padding, 2)) { }
}

/// <summary>Pads the last three dimensions with zeros (torch.nn.ZeroPad3d).</summary>
public sealed class ZeroPad3d(long[] padding) : PadModule(padding, 3, "constant", 0)
{
    public ZeroPad3d(long padding) : this(All(padding, 3)) { }
}

/// <summary>Pads the last dimension with a constant (torch.nn.ConstantPad1d).</summary>
public sealed class ConstantPad1d(long[] padding, double value) : PadModule(padding, 1, "constant", value)
{
    public ConstantPad1d(long padding, double value) : this(All(padding, 1), value) { }
}

/// <summary>Pads the last two dimensions with a constant (torch.nn.ConstantPad2d).</summary>
public sealed class ConstantPad2d(long[] padding, double value) : PadModule(padding, 2, "constant", value)
{
    public ConstantPad2d(long padding, double value) : this(All(padding, 2), value) { }
}

/// <summary>Pads the last three dimensions with a constant (torch.nn.ConstantPad3d).</summary>
public sealed class ConstantPad3d(long[] padding, double value) : PadModule(padding, 3, "constant", value)
{
    public ConstantPad3d(long padding, double value) : this(All(padding, 3), value) { }
}

/// <summary>Pads the last dimension circularly, wrapping the other end around (torch.nn.CircularPad1d).</summary>
public sealed class CircularPad1d(long[] padding) : PadModule(padding, 1, "circular")
{
    public CircularPad1d(long padding) : this(All(padding, 1)) { }
}

/// <summary>Pads the last two dimensions circularly (torch.nn.CircularPad2d).</summary>
public sealed class CircularPad2d(long[] padding) : PadModule(padding, 2, "circular")
{
    public CircularPad2d(long padding) : this(All(padding, 2)) { }
}

/// <summary>
/// Resizes (N, C, L), (N, C, H, W) or (N, C, D, H, W) input to <c>size</c> or by <c>scaleFactor</c> (torch.nn.Upsample);
/// <c>mode</c> is nearest (default), linear, bilinear, bicubic or trilinear.
/// </summary>
public sealed class Upsample : Module
{
    private readonly long[]? size;
    private readonly double[]? scaleFactor;
    private readonly string mode;
    private readonly bool? alignCorners;

    public Upsample(long[]? size = null, double[]? scaleFactor = null, string mode = "nearest", bool? alignCorners = null)
    {
        if ((size is null) == (scaleFactor is null)) throw new ArgumentException("Upsample takes either size or scaleFactor");
        (this.size, this.scaleFactor, this.mode, this.alignCorners) = (size?.ToArray(), scaleFactor?.ToArray(), mode, alignCorners);
    }

    /// <summary>Every spatial dimension scaled by <paramref name="scaleFactor"/>.</summary>
    public Upsample(double scaleFactor, string mode = "nearest", bool? alignCorners = null) : this(null, [scaleFactor], mode, alignCorners) { }

    public override Tensor Forward(Tensor input) => Functional.Interpolate(input, size, scaleFactor, mode, alignCorners);

    protected override string ExtraRepresentation() =>
        (size is not null ? $"size=({string.Join(", ", size)})" : $"scale_factor={string.Join(", ", scaleFactor!.Select(Repr.Float))}") + $", mode='{mode}'";
}

/// <summary>(N, C·r², H, W) rearranged to (N, C, H·r, W·r) (torch.nn.PixelShuffle).</summary>
public sealed class PixelShuffle(long upscaleFactor) : Module
{
    public override Tensor Forward(Tensor input) => Functional.PixelShuffle(input, upscaleFactor);

    protected override string ExtraRepresentation() => $"upscale_factor={upscaleFactor}";
}

/// <summary>(N, C, H·r, W·r) rearranged to (N, C·r², H, W) (torch.nn.PixelUnshuffle).</summary>
public sealed class PixelUnshuffle(long downscaleFactor) : Module
{
    public override Tensor Forward(Tensor input) => Functional.PixelUnshuffle(input, downscaleFactor);

    protected override string ExtraRepresentation() => $"downscale_factor={downscaleFactor}";
}

/// <summary>Returns its input (torch.nn.Identity): the same tensor, as PyTorch returns the same object.</summary>
public sealed class Identity : Module
{
    public override Tensor Forward(Tensor input) => input;
}

/// <summary>Splits dimension <c>dim</c> into <c>unflattenedSize</c> (torch.nn.Unflatten), the inverse of Flatten.</summary>
public sealed class Unflatten(long dim, long[] unflattenedSize) : Module
{
    private readonly long[] sizes = unflattenedSize?.ToArray() ?? throw new ArgumentNullException(nameof(unflattenedSize));

    public override Tensor Forward(Tensor input) => input.Unflatten(dim, sizes);

    protected override string ExtraRepresentation() => $"dim={dim}, unflattened_size=({string.Join(", ", sizes)}{(sizes.Length == 1 ? "," : "")})";
}

/// <summary>Cosine similarity of two inputs along <c>dim</c> (torch.nn.CosineSimilarity): <c>Forward(x1, x2)</c>.</summary>
public sealed class CosineSimilarity(long dim = 1, double eps = 1e-8) : Module
{
    public Tensor Forward(Tensor x1, Tensor x2) => Functional.CosineSimilarity(x1, x2, dim, eps);

    public override Tensor Forward(Tensor input) => throw new InvalidOperationException("CosineSimilarity compares two inputs: call Forward(x1, x2)");

    protected override string ExtraRepresentation() => $"dim={dim}, eps={Repr.Float(eps)}";
}

/// <summary>p-norm distance between rows of two inputs (torch.nn.PairwiseDistance): <c>Forward(x1, x2)</c>.</summary>
public sealed class PairwiseDistance(double p = 2, double eps = 1e-6, bool keepDim = false) : Module
{
    public Tensor Forward(Tensor x1, Tensor x2) => Functional.PairwiseDistance(x1, x2, p, eps, keepDim);

    public override Tensor Forward(Tensor input) => throw new InvalidOperationException("PairwiseDistance compares two inputs: call Forward(x1, x2)");

    protected override string ExtraRepresentation() => $"p={Repr.Float(p)}, eps={Repr.Float(eps)}, keepdim={(keepDim ? "True" : "False")}";
}

/// <summary>
/// y = x1ᵀ · Weight · x2 + Bias per output feature (torch.nn.Bilinear): <c>Forward(input1, input2)</c>,
/// (*, in1Features) and (*, in2Features) → (*, outFeatures). Keys <c>weight</c> (out, in1, in2) and <c>bias</c>.
/// </summary>
public sealed class Bilinear : Module
{
    public Bilinear(long in1Features, long in2Features, long outFeatures, bool bias = true, DType? dtype = null, Device? device = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(in1Features, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(in2Features, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(outFeatures);
        (In1Features, In2Features, OutFeatures) = (in1Features, in2Features, outFeatures);
        Weight = new Parameter(Tensor.Empty([outFeatures, in1Features, in2Features], dtype, device));
        RegisterParameter("weight", Weight);
        SupportComputedParameter("weight");
        Bias = bias ? new Parameter(Tensor.Empty([outFeatures], dtype, device)) : null;
        RegisterParameter("bias", Bias);
        ResetParameters();
    }

    public long In1Features { get; }
    public long In2Features { get; }
    public long OutFeatures { get; }
    public Parameter Weight { get; }
    public Parameter? Bias { get; }

    /// <summary>PyTorch's default: weight and bias U(−1/√in1, 1/√in1).</summary>
    public void ResetParameters()
    {
        var bound = 1 / Math.Sqrt(In1Features);
        Init.Uniform(Weight, -bound, bound);
        if (Bias is not null) Init.Uniform(Bias, -bound, bound);
    }

    public Tensor Forward(Tensor input1, Tensor input2)
    {
        using var computed = ComputedParameter("weight");
        return Functional.Bilinear(input1, input2, computed ?? Weight, Bias);
    }

    public override Tensor Forward(Tensor input) => throw new InvalidOperationException("Bilinear takes two inputs: call Forward(input1, input2)");

    protected override string ExtraRepresentation() =>
        $"in1_features={In1Features}, in2_features={In2Features}, out_features={OutFeatures}, bias={(Bias is not null ? "True" : "False")}";
}
