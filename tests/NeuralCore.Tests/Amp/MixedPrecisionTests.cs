using NeuralCore.Amp;
using NeuralCore.NN;
using NeuralCore.Optim;

namespace NeuralCore.Tests;

public class MixedPrecisionTests
{
    [Fact]
    public void Autocast_OnCpu_RunsLinearInBFloat16_AndRestoresOnDispose()
    {
        using var scope = TensorScope.Begin();
        using var linear = new Linear(8, 4);
        var input = Tensor.Randn(3, 8);
        var full = linear.Forward(input);
        Autocast.IsEnabled(DeviceType.Cpu).Should().BeFalse();
        Tensor reduced;
        using (new Autocast(DeviceType.Cpu))
        {
            Autocast.IsEnabled(DeviceType.Cpu).Should().BeTrue();
            reduced = linear.Forward(input);
            using (new Autocast(DeviceType.Cpu, enabled: false))
                linear.Forward(input).DType.Should().Be(DType.Float32);
            Autocast.IsEnabled(DeviceType.Cpu).Should().BeTrue();
        }
        Autocast.IsEnabled(DeviceType.Cpu).Should().BeFalse();
        reduced.DType.Should().Be(DType.BFloat16);
        reduced.To(DType.Float32).AllClose(full, relativeTolerance: 2e-2, absoluteTolerance: 2e-2).Should().BeTrue();
        linear.Forward(input).DType.Should().Be(DType.Float32);

        var wrong = () => new Autocast(DeviceType.Cpu, DType.Float64);
        wrong.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Autocast_TrainingStep_GivesFloat32GradientsOnFloat32Parameters()
    {
        using var scope = TensorScope.Begin();
        using var model = new Sequential(new Linear(8, 16), new Relu(), new Linear(16, 3));
        Tensor loss;
        using (new Autocast(DeviceType.Cpu))
            loss = new CrossEntropyLoss().Forward(model.Forward(Tensor.Randn(4, 8)), Tensor.RandInt(0, 3, 4));
        loss.DType.Should().Be(DType.Float32, "cross entropy autocasts to float32");
        loss.Backward();
        model.Parameters().Should().OnlyContain(p => p.Grad!.DType == DType.Float32);
    }

    [Fact]
    public void GradScaler_UnscalesGradients_AndGrowsTheScaleAfterTheInterval()
    {
        using var scope = TensorScope.Begin();
        using var weight = new Parameter(Tensor.FromArray(new float[] { 1, 2 }));
        using var optimizer = new Sgd([weight], lr: 0.1);
        var scaler = new GradScaler(initScale: 1024, growthInterval: 2);
        for (var step = 0; step < 2; step++)
        {
            optimizer.ZeroGrad();
            scaler.Scale((weight * weight).Sum()).Backward();
            weight.Grad!.ToArray<float>()[0].Should().BeApproximately(2048 * (step == 0 ? 1f : 0.8f), 1e-2f);
            scaler.Step(optimizer).Should().BeTrue();
            scaler.Update();
        }
        weight.ToArray<float>().Should().Equal(new[] { 0.64f, 1.28f }, (a, b) => Math.Abs(a - b) < 1e-6);  // w ← w − 0.1·2w, twice
        scaler.ScaleFactor.Should().Be(2048);
    }

    [Fact]
    public void GradScaler_SkipsTheStepOnInfiniteGradients_AndBacksOff()
    {
        using var scope = TensorScope.Begin();
        using var weight = new Parameter(Tensor.FromArray(new float[] { 1, 2 }));
        using var optimizer = new Sgd([weight], lr: 0.1);
        var scaler = new GradScaler(initScale: 1024);
        scaler.Scale((weight * Tensor.FromArray(new[] { float.PositiveInfinity, 1f })).Sum()).Backward();
        scaler.Step(optimizer).Should().BeFalse();
        scaler.Update();
        weight.ToArray<float>().Should().Equal(1f, 2f);
        scaler.ScaleFactor.Should().Be(512);
    }
}
