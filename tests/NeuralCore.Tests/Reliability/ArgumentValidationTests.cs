using NeuralCore.NN;
using NeuralCore.Optim;

namespace NeuralCore.Tests;

/// <summary>Settings .NET can check fail as ArgumentExceptions naming the value, before libtorch sees them.</summary>
public class ArgumentValidationTests
{
    private static Parameter[] Parameters() => [new Parameter(Tensor.Zeros(2))];

    [Fact]
    public void OptimizerHyperparameters_OutsideTheirRange_Throw()
    {
        var cases = new (Action Act, string Name)[]
        {
            (() => new Adam(Parameters(), betas: (double.NaN, 0.999)), "betas"),
            (() => new Adam(Parameters(), lr: double.NaN), "lr"),
            (() => new AdamW(Parameters(), eps: double.PositiveInfinity), "eps"),
            (() => new RmsProp(Parameters(), alpha: -0.5), "alpha"),
            (() => new Sgd(Parameters(), lr: 0.1, dampening: double.NaN), "dampening"),
            (() => new Adagrad(Parameters(), lrDecay: -1), "lrDecay"),
            (() => new Sgd([new ParameterGroup(Parameters()) { LearningRate = -1 }], lr: 0.1), "lr"),
        };
        foreach (var (act, name) in cases)
            act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be(name);
    }

    [Fact]
    public void SchedulerHyperparameters_OutsideTheirRange_Throw()
    {
        using var optimizer = new Sgd(Parameters(), lr: 0.1);
        var cases = new (Action Act, string Name)[]
        {
            (() => _ = new OneCycleLR(optimizer, maxLr: 1, totalSteps: 10, divFactor: 0), "divFactor"),
            (() => _ = new OneCycleLR(optimizer, maxLr: double.NaN, totalSteps: 10), "maxLr"),
            (() => _ = new OneCycleLR(optimizer, maxLr: 1, totalSteps: 10, pctStart: double.NaN), "pctStart"),
            (() => _ = new StepLR(optimizer, 1, gamma: double.NaN), "gamma"),
            (() => _ = new ExponentialLR(optimizer, -1), "gamma"),
            (() => _ = new CosineAnnealingLR(optimizer, 5, etaMin: -1), "etaMin"),
            (() => _ = new ReduceLROnPlateau(optimizer, patience: -1), "patience"),
        };
        foreach (var (act, name) in cases)
            act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be(name);
        optimizer.LearningRate.Should().Be(0.1, "a refused scheduler leaves the rate alone");
    }

    [Fact]
    public void ConvolutionSettings_OutsideTheirRange_Throw()
    {
        ((Action)(() => _ = new Conv2d(3, 4, kernelSize: 0))).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("kernelSize");
        ((Action)(() => _ = new Conv2d(3, 4, kernelSize: 3, stride: 0))).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("stride");
        ((Action)(() => _ = new Conv1d(0, 4, kernelSize: 3))).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("inChannels");
        ((Action)(() => _ = new ConvTranspose2d(3, 4, kernelSize: 3, padding: -1))).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("padding");
    }

    [Fact]
    public void ChunkAndSplit_WithADimensionBeyondIntRange_ThrowArgumentOutOfRange()
    {
        using var tensor = Tensor.Zeros(4, 4);
        ((Action)(() => tensor.Chunk(2, 1L << 40))).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("dim");
        ((Action)(() => tensor.Split(2, -(1L << 40)))).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("dim");
    }

    [Fact]
    public void ProcessGroupInit_WithANonPositiveTimeout_Throws()
    {
        var act = () => NeuralCore.Distributed.ProcessGroup.Init(rank: 0, worldSize: 1, masterAddress: "127.0.0.1", masterPort: 29999, timeout: TimeSpan.FromSeconds(-1));
        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("timeout");
    }

    [Fact]
    public void LoadStateDict_WithANullValue_ThrowsArgumentException_AndChangesNothing()
    {
        using var model = new Linear(2, 2);
        var before = model.Weight.ToArray<float>();
        using var weight = Tensor.Ones(2, 2);
        var act = () => model.LoadStateDict(new Dictionary<string, Tensor> { ["weight"] = weight, ["bias"] = null! });
        act.Should().Throw<ArgumentException>().WithMessage("*null values for bias*");
        model.Weight.ToArray<float>().Should().Equal(before);
    }

    [Fact]
    public void LoadStateDict_FailingOnItsLastEntry_LeavesEveryParameterUnchanged()
    {
        using var model = new Linear(2, 2);
        var before = model.Weight.ToArray<float>();
        using var weight = Tensor.Ones(2, 2);
        var bias = Tensor.Ones(2);
        bias.Dispose();
        var act = () => model.LoadStateDict(new Dictionary<string, Tensor> { ["weight"] = weight, ["bias"] = bias });
        act.Should().Throw<ObjectDisposedException>().WithMessage("*bias*");
        model.Weight.ToArray<float>().Should().Equal(before);
    }

    [Fact]
    public void LoadStateDict_ConvertsDtypes_AllAtOnce()
    {
        using var model = new Linear(2, 2);
        using var weight = Tensor.Ones([2, 2], DType.Float64);
        using var bias = Tensor.FromArray(new long[] { 3, 4 });
        model.LoadStateDict(new Dictionary<string, Tensor> { ["weight"] = weight, ["bias"] = bias });
        model.Weight.ToArray<float>().Should().Equal(1, 1, 1, 1);
        model.Bias!.ToArray<float>().Should().Equal(3, 4);
    }
}
