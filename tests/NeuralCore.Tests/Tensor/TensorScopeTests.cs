namespace NeuralCore.Tests;

public class TensorScopeTests
{
    [Fact]
    public void Dispose_DisposesEveryTensorCreatedInside_ExceptKeptOnes()
    {
        Tensor kept, dropped, intermediate;
        using (var scope = TensorScope.Begin())
        {
            dropped = Tensor.Ones(2);
            intermediate = dropped * 2;
            kept = scope.Keep(intermediate + 1);
            scope.Count.Should().Be(2);
        }
        dropped.IsDisposed.Should().BeTrue();
        intermediate.IsDisposed.Should().BeTrue();
        kept.IsDisposed.Should().BeFalse();
        kept.ToArray<float>().Should().Equal(3f, 3f);
        kept.Dispose();
    }

    [Fact]
    public void Keep_InNestedScope_MovesTheTensorToTheOuterScope()
    {
        Tensor survivor;
        using (var outer = TensorScope.Begin())
        {
            using (var inner = TensorScope.Begin())
            {
                survivor = inner.Keep(Tensor.Zeros(1));
                TensorScope.Current.Should().BeSameAs(inner);
            }
            TensorScope.Current.Should().BeSameAs(outer);
            survivor.IsDisposed.Should().BeFalse();
            outer.Count.Should().Be(1);
        }
        survivor.IsDisposed.Should().BeTrue();
        TensorScope.Current.Should().BeNull();
    }

    [Fact]
    public void Dispose_OutOfOrder_Throws_AndTensorsOutsideScopesAreUntouched()
    {
        using var outside = Tensor.Ones(1);
        var outer = TensorScope.Begin();
        var inner = TensorScope.Begin();
        var act = () => outer.Dispose();
        act.Should().Throw<InvalidOperationException>();
        inner.Dispose();
        outer.Dispose();
        outside.IsDisposed.Should().BeFalse();
    }

    [Fact]
    public void ManuallyDisposedTensor_InScope_IsDisposedOnlyOnce()
    {
        using (TensorScope.Begin())
        {
            var tensor = Tensor.Ones(3);
            tensor.Dispose();
            tensor.Dispose();
        }
    }

    [Fact]
    public void Scopes_AreThreadLocal()
    {
        using var scope = TensorScope.Begin();
        Tensor? fromOtherThread = null;
        var thread = new Thread(() => fromOtherThread = Tensor.Ones(1));
        thread.Start();
        thread.Join();
        scope.Count.Should().Be(0);
        fromOtherThread!.Dispose();
    }
}
