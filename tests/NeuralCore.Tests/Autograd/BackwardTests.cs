using NeuralCore.Tests.Support;

namespace NeuralCore.Tests;


public class BackwardTests
{
    [Fact]
    public void Backward_OfSumOfSquares_GivesTwiceTheInput()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.Randn([4, 5], requiresGrad: true);
        (x * x).Sum().Backward();
        x.Grad!.AllClose(2 * x).Should().BeTrue();
    }

    [Fact]
    public void Backward_MatchesPyTorchGradients()
    {
        using var scope = TensorScope.Begin();
        var x = Golden.Input("a");
        var y = Golden.Input("pos");
        x.RequiresGrad = true;
        y.RequiresGrad = true;
        var loss = (x.Tanh() * y.Sqrt()).Sum() + (x * y).Pow(2).Mean();
        loss.Backward();
        x.Grad!.ShouldMatch(Golden.Get("grads", "grad_x"));
        y.Grad!.ShouldMatch(Golden.Get("grads", "grad_y"));
    }

    [Fact]
    public void Backward_AgreesWithCentralFiniteDifferences()
    {
        using var scope = TensorScope.Begin();
        Func<Tensor, Tensor> function = t => (t.Sin() * t.Exp()).Softmax(1).Log().Mul(Tensor.Arange(1, 4, 1, DType.Float64)).Sum();
        var x = Tensor.FromArray(new[] { 0.3, -0.7, 1.1, 0.2, 0.9, -1.4 }, 2, 3);
        x.RequiresGrad = true;
        function(x).Backward();
        var analytic = x.Grad!.ToArray<double>();

        var values = x.Detach().ToArray<double>();
        const double step = 1e-6;
        for (var i = 0; i < values.Length; i++)
        {
            var plus = (double[])values.Clone();
            var minus = (double[])values.Clone();
            plus[i] += step;
            minus[i] -= step;
            var numeric = (function(Tensor.FromArray(plus, 2, 3)).Item<double>() - function(Tensor.FromArray(minus, 2, 3)).Item<double>()) / (2 * step);
            analytic[i].Should().BeApproximately(numeric, 1e-7, $"d/dx[{i}]");
        }
    }

    [Fact]
    public void Backward_WithGradientTensor_WeightsTheVectorJacobianProduct()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.FromArray(new float[] { 1, 2, 3 });
        x.RequiresGrad = true;
        var y = x * x;
        y.Backward(Tensor.FromArray(new float[] { 1, 0.5f, -1 }));
        x.Grad!.ToArray<float>().Should().Equal(2f, 2f, -6f);
    }

    [Fact]
    public void Backward_Twice_NeedsRetainGraphAndAccumulates()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.FromArray(new float[] { 3 });
        x.RequiresGrad = true;
        var y = (x * x).Sum();
        y.Backward(retainGraph: true);
        y.Backward();
        x.Grad!.ToArray<float>().Should().Equal(12f);
        var act = () => y.Backward();
        act.Should().Throw<TorchException>().WithMessage("*backward through the graph a second time*");
        x.Grad = null;
        x.Grad.Should().BeNull();
    }

    [Fact]
    public void Grad_WithCreateGraph_GivesHigherOrderDerivatives()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.FromArray(new float[] { 0.5f, -1f, 2f });
        x.RequiresGrad = true;
        var first = Autograd.Grad(x.Pow(3).Sum(), x, createGraph: true);
        first.ShouldMatch(Golden.Get("grads", "third_power_first"));
        var second = Autograd.Grad(first.Sum(), x);
        second.ShouldMatch(Golden.Get("grads", "third_power_second"));
        second.ToArray<float>().Should().Equal(3f, -6f, 12f);  // 6x
        x.Grad.Should().BeNull("autograd.grad returns gradients instead of accumulating them");
    }

    [Fact]
    public void Grad_WithUnusedInput_ReturnsNullOnlyWhenAllowed()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.Ones([2], requiresGrad: true);
        var unused = Tensor.Ones([2], requiresGrad: true);
        var y = (x * 3).Sum();
        var gradients = Autograd.Grad([y], [x, unused], retainGraph: true, allowUnused: true);
        gradients[0]!.ToArray<float>().Should().Equal(3f, 3f);
        gradients[1].Should().BeNull();
        var act = () => Autograd.Grad([y], [x, unused]);
        act.Should().Throw<TorchException>().WithMessage("*not have been used in the graph*");
    }

    [Fact]
    public void NoGrad_StopsRecording_AndEnableGradResumesInside()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.Ones([2], requiresGrad: true);
        Autograd.IsEnabled.Should().BeTrue();
        using (Autograd.NoGrad())
        {
            Autograd.IsEnabled.Should().BeFalse();
            (x * 2).RequiresGrad.Should().BeFalse();
            using (Autograd.EnableGrad())
                (x * 2).RequiresGrad.Should().BeTrue();
            Autograd.IsEnabled.Should().BeFalse();
        }
        Autograd.IsEnabled.Should().BeTrue();
        (x * 2).RequiresGrad.Should().BeTrue();
    }

    [Fact]
    public void Detach_LeavesTheGraph_AndGradFunctionNamesTheNode()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.Ones([2], requiresGrad: true);
        var y = x * x;
        y.GradFunctionName.Should().Be("MulBackward0");
        y.IsLeaf.Should().BeFalse();
        x.GradFunctionName.Should().BeNull();
        var detached = y.Detach();
        detached.RequiresGrad.Should().BeFalse();
        detached.IsLeaf.Should().BeTrue();
        y.DetachInPlace();
        y.RequiresGrad.Should().BeFalse();
    }

    [Fact]
    public void RetainGrad_KeepsTheGradientOfAnIntermediate()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.FromArray(new float[] { 1, 2 });
        x.RequiresGrad = true;
        var middle = x * 3;
        middle.RetainGrad();
        (middle * middle).Sum().Backward();
        middle.Grad!.ToArray<float>().Should().Equal(6f, 12f);
    }
}
