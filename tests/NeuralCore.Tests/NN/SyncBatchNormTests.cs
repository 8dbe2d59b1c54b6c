using NeuralCore.NN;

namespace NeuralCore.Tests;

public class SyncBatchNormTests
{
    private sealed class FixedTypeField : Module
    {
        private readonly Linear fc = new(4, 4);
        private readonly BatchNorm1d norm = new(4);

        public override Tensor Forward(Tensor input) => norm.Forward(fc.Forward(input));
    }

    [Fact]
    public void Convert_ReplacesEveryBatchNorm_KeepingNamesAndTheSameTensors()
    {
        using var model = new SyncBatchNormNet();
        var namesBefore = model.StateDict().Keys.ToList();
        var parametersBefore = model.Parameters().ToList();
        var buffersBefore = model.NamedBuffers().Select(b => b.Buffer).ToList();

        SyncBatchNorm.Convert(model).Should().BeSameAs(model);

        model.StateDict().Keys.Should().Equal(namesBefore);
        model.Parameters().Should().Equal(parametersBefore, ReferenceEquals, "an optimizer made before Convert keeps working");
        model.NamedBuffers().Select(b => b.Buffer).Should().Equal(buffersBefore, ReferenceEquals);
        var kinds = model.NamedModules().ToDictionary(m => m.Name, m => m.Module.GetType());
        kinds["features.1"].Should().Be<SyncBatchNorm>();
        kinds["norm"].Should().Be<SyncBatchNorm>();
        kinds.Values.Should().NotContain(new[] { typeof(BatchNorm1d), typeof(BatchNorm2d) });
        using var output = model.Forward(Tensor.Randn(3, 3, 4, 4));  // runs through the replacements (no group: plain batch norm)
        output.Shape.Should().Equal(3, 5);
    }

    [Fact]
    public void Convert_WithAFieldDeclaredAsBatchNorm1d_ThrowsNamingItAndLeavesTheModelUnchanged()
    {
        using var model = new FixedTypeField();
        var act = () => SyncBatchNorm.Convert(model);
        act.Should().Throw<InvalidOperationException>().WithMessage("*FixedTypeField.norm is declared as BatchNorm1d*BatchNormModule*");
        model.NamedModules().Single(m => m.Name == "norm").Module.Should().BeOfType<BatchNorm1d>();
    }

    [Fact]
    public void Convert_OfABatchNorm_ReturnsASyncBatchNormOverTheSameTensors()
    {
        using var norm = new BatchNorm2d(3, eps: 1e-3, momentum: 0.2);
        norm.Eval();
        var converted = (SyncBatchNorm)SyncBatchNorm.Convert(norm);
        converted.Weight.Should().BeSameAs(norm.Weight);
        converted.RunningVar.Should().BeSameAs(norm.RunningVar);
        (converted.Eps, converted.Momentum, converted.NumFeatures, converted.Training).Should().Be((1e-3, 0.2, 3L, false));
    }

    [Fact]
    public void WithoutAProcessGroup_ItIsBatchNorm_OutputsAndRunningStatistics()
    {
        Torch.ManualSeed(3);
        using var input = Tensor.Randn(4, 3, 5, 5) * 3 + 1;
        using var plain = new BatchNorm2d(3);
        using var sync = new SyncBatchNorm(3);
        using var expected = plain.Forward(input);
        using var actual = sync.Forward(input);
        actual.ToArray<float>().Should().Equal(expected.ToArray<float>());
        sync.RunningMean!.ToArray<float>().Should().Equal(plain.RunningMean!.ToArray<float>());
        sync.RunningVar!.ToArray<float>().Should().Equal(plain.RunningVar!.ToArray<float>());
    }

    [Fact]
    public void BatchNormInTraining_OnOneValuePerChannel_ThrowsAsPyTorch()
    {
        using var norm = new BatchNorm1d(4);
        using var single = Tensor.Randn(1, 4);
        var act = () => norm.Forward(single);
        act.Should().Throw<ArgumentException>().WithMessage("Expected more than 1 value per channel when training, got input size [1, 4]*");
        norm.RunningMean!.ToArray<float>().Should().OnlyContain(v => v == 0, "nothing was updated");
        norm.Eval();
        using var output = norm.Forward(single);
        output.Shape.Should().Equal(1, 4);
    }

    [Fact]
    public void BatchNorm3d_NormalizesEachChannelOverBatchAndVolume()
    {
        Torch.ManualSeed(5);
        using var input = Tensor.Randn([2, 3, 2, 3, 4], DType.Float64) * 2 - 1;
        using var norm = new BatchNorm3d(3, dtype: DType.Float64);
        using var output = norm.Forward(input);
        using var mean = input.Mean([0, 2, 3, 4], keepDim: true);
        using var centered = input - mean;
        using var variance = (centered * centered).Mean([0, 2, 3, 4], keepDim: true);
        using var expected = centered / (variance + 1e-5).Sqrt();
        output.ToArray<double>().Should().Equal(expected.ToArray<double>(), (a, b) => Math.Abs(a - b) < 1e-10);
        var act = () => norm.Forward(Tensor.Randn(2, 3, 4, 4));
        act.Should().Throw<ArgumentException>().WithMessage("*expects a 5-D input*");
    }
}
