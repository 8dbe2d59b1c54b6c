using NeuralCore.NN;
using NeuralCore.Optim;

namespace NeuralCore.Tests;

/// <summary>Tensor.Grad behaves as PyTorch's <c>.grad</c>: one object per gradient, owned by the tensor, nothing to dispose.</summary>
public class GradOwnershipTests
{
    private static Tensor Leaf(params float[] values)
    {
        var tensor = Tensor.FromArray(values);
        tensor.RequiresGrad = true;
        return tensor;
    }

    [Fact]
    public void Grad_ReadTwice_ReturnsTheSameObject()
    {
        using var weight = Leaf(1.0f, 2.0f);
        using (var loss = (weight * weight).Sum()) loss.Backward();
        var first = weight.Grad;
        var second = weight.Grad;
        second.Should().BeSameAs(first);
        first!.ToArray<float>().Should().Equal(2.0f, 4.0f);
    }

    [Fact]
    public void Grad_ReadInsideAScope_OutlivesTheScope()
    {
        using var weight = Leaf(3.0f);
        using (var loss = (weight * 2).Sum()) loss.Backward();
        Tensor? read;
        using (TensorScope.Begin()) read = weight.Grad;
        read!.IsDisposed.Should().BeFalse("the gradient belongs to the tensor, not to the scope it was read in");
        read.ToArray<float>().Should().Equal(2.0f);
    }

    [Fact]
    public void HandWrittenUpdate_WithoutScopeOrDispose_LeavesOneGradientObject()
    {
        using var weight = Leaf(1.0f, -1.0f);
        Tensor? seen = null;
        for (var step = 0; step < 3; step++)
        {
            using (var loss = (weight * weight).Sum()) loss.Backward();
            using (Autograd.NoGrad())
            using (var update = weight.Grad! * 0.1)
                weight.SubInPlace(update);
            seen ??= weight.Grad;
            weight.Grad.Should().BeSameAs(seen, "backward accumulates into the same gradient tensor");
            weight.Grad!.ZeroInPlace();
        }
        var values = weight.ToArray<float>();
        values[0].Should().BeApproximately(0.512f, 1e-6f);
        values[1].Should().BeApproximately(-0.512f, 1e-6f);
    }

    [Fact]
    public void Grad_ReplacedByANewGradient_IsANewObjectAndTheOldOneIsDisposed()
    {
        using var model = new Linear(2, 1);
        using var optimizer = new Sgd(model.Parameters(), lr: 0.1);
        using var input = Tensor.Ones(1, 2);
        using (var loss = model.Forward(input).Sum()) loss.Backward();
        var before = model.Weight.Grad!;
        optimizer.ZeroGrad(setToNone: true);
        model.Weight.Grad.Should().BeNull();
        before.IsDisposed.Should().BeTrue("the tensor owned the wrapper of the gradient it no longer has");
        using (var loss = model.Forward(input).Sum()) loss.Backward();
        model.Weight.Grad.Should().NotBeNull().And.NotBeSameAs(before);
    }

    [Fact]
    public void DisposingTheTensor_DisposesItsGradient()
    {
        var weight = Leaf(1.0f);
        using (var loss = (weight * 3).Sum()) loss.Backward();
        var gradient = weight.Grad!;
        weight.Dispose();
        gradient.IsDisposed.Should().BeTrue();
    }

    [Fact]
    public void Grad_DisposedByTheCaller_IsWrappedAgainOnTheNextRead()
    {
        using var weight = Leaf(1.0f);
        using (var loss = (weight * 5).Sum()) loss.Backward();
        weight.Grad!.Dispose();
        weight.Grad!.ToArray<float>().Should().Equal(5.0f);
    }
}
