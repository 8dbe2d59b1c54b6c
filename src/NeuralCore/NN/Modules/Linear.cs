namespace NeuralCore.NN;

/// <summary>y = x · Weightᵀ + Bias (torch.nn.Linear). input: (*, inFeatures) → (*, outFeatures).</summary>
public sealed class Linear : Module
{
    /// <param name="inFeatures">Size of each input sample.</param>
    /// <param name="outFeatures">Size of each output sample.</param>
    /// <param name="bias">Learn an additive bias (default true).</param>
    /// <param name="dtype">Parameter dtype (default Float32).</param>
    /// <param name="device">Parameter device (default CPU).</param>
    public Linear(long inFeatures, long outFeatures, bool bias = true, DType? dtype = null, Device? device = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(inFeatures);
        ArgumentOutOfRangeException.ThrowIfNegative(outFeatures);
        (InFeatures, OutFeatures) = (inFeatures, outFeatures);
        weight = new Parameter(Tensor.Empty([outFeatures, inFeatures], dtype, device));
        RegisterParameter("weight", weight);
        SupportComputedParameter("weight");
        Bias = bias ? new Parameter(Tensor.Empty([outFeatures], dtype, device)) : null;
        RegisterParameter("bias", Bias);
        ResetParameters();
    }

    public long InFeatures { get; }
    public long OutFeatures { get; }
    /// <summary>The weight (outFeatures, inFeatures). Assigning another module's parameter of that shape ties them, as in PyTorch.</summary>
    public Parameter Weight
    {
        get => weight;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            if (!value.Shape.SequenceEqual(new[] { OutFeatures, InFeatures }))
                throw new ArgumentException($"Linear's weight must have shape [{OutFeatures}, {InFeatures}], got [{string.Join(", ", value.Shape)}]", nameof(value));
            weight = value;
            ReplaceParameter("weight", value);
        }
    }

    private Parameter weight = null!;

    public Parameter? Bias { get; }

    /// <summary>PyTorch's default: Kaiming-uniform weight (a = √5), bias U(-1/√fan_in, 1/√fan_in).</summary>
    public void ResetParameters()
    {
        Init.KaimingUniform(Weight, Math.Sqrt(5));
        if (Bias is not null) LayerInit.UniformBias(Bias, InFeatures);
    }

    public override Tensor Forward(Tensor input)
    {
        using var computed = ComputedParameter("weight");
        return Functional.Linear(input, computed ?? Weight, Bias);
    }

    protected override string ExtraRepresentation() => $"in_features={InFeatures}, out_features={OutFeatures}, bias={(Bias is not null ? "True" : "False")}";
}

internal static class LayerInit
{
    public static void UniformBias(Tensor bias, long fanIn)
    {
        var bound = fanIn > 0 ? 1 / Math.Sqrt(fanIn) : 0;
        Init.Uniform(bias, -bound, bound);
    }
}
