namespace NeuralCore.Tests;


public class ContractTests
{
    [Fact]
    public void IssueSnippet_CompilesAndBehavesAsCommented()
    {
        using var a = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        using var b = Tensor.Ones(3, 2);
        using var c = a.MatMul(b) + 1;
        float[] values = c.ToArray<float>();
        values.Should().Equal(7f, 7f, 16f, 16f);
        c.Shape.Should().Equal(2L, 2L);
        using var element = c[0, 0];
        element.Item<float>().Should().Be(7f);

        using var x = Tensor.Randn(new long[] { 4, 5 }, requiresGrad: true);
        using var y = (x * x).Sum();
        y.Backward();
        using var grad = x.Grad!;
        using var expected = 2 * x;
        grad.AllClose(expected).Should().BeTrue();

        using (Autograd.NoGrad())
        {
            using var z = x * 3;
            z.RequiresGrad.Should().BeFalse();
        }

        using var row = c[.., ^1];
        row.ToArray<float>().Should().Equal(7f, 16f);
    }
}
