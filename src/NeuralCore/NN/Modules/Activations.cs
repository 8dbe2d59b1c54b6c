namespace NeuralCore.NN;

/// <summary>max(x, 0) (torch.nn.ReLU).</summary>
public sealed class Relu : Module
{
    public override Tensor Forward(Tensor input) => input.Relu();
}

/// <summary>Leaky rectifier (torch.nn.LeakyReLU).</summary>
public sealed class LeakyRelu(double negativeSlope = 0.01) : Module
{
    public override Tensor Forward(Tensor input) => Functional.LeakyRelu(input, negativeSlope);

    protected override string ExtraRepresentation() => $"negative_slope={negativeSlope}";
}

/// <summary>Gaussian error linear unit (torch.nn.GELU).</summary>
public sealed class Gelu(bool tanhApproximation = false) : Module
{
    public override Tensor Forward(Tensor input) => Functional.Gelu(input, tanhApproximation);
}

/// <summary>x · sigmoid(x) (torch.nn.SiLU).</summary>
public sealed class Silu : Module
{
    public override Tensor Forward(Tensor input) => Functional.Silu(input);
}

/// <summary>Hyperbolic tangent (torch.nn.Tanh).</summary>
public sealed class Tanh : Module
{
    public override Tensor Forward(Tensor input) => input.Tanh();
}

/// <summary>Logistic sigmoid (torch.nn.Sigmoid).</summary>
public sealed class Sigmoid : Module
{
    public override Tensor Forward(Tensor input) => input.Sigmoid();
}

/// <summary>Softmax along a dimension (torch.nn.Softmax).</summary>
public sealed class Softmax(long dim) : Module
{
    public override Tensor Forward(Tensor input) => input.Softmax(dim);

    protected override string ExtraRepresentation() => $"dim={dim}";
}

/// <summary>Log-softmax along a dimension (torch.nn.LogSoftmax).</summary>
public sealed class LogSoftmax(long dim) : Module
{
    public override Tensor Forward(Tensor input) => input.LogSoftmax(dim);

    protected override string ExtraRepresentation() => $"dim={dim}";
}
