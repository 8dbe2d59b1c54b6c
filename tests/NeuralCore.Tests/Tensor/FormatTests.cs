using NeuralCore.Tests.Support;

namespace NeuralCore.Tests;


/// <summary>ToString prints the values exactly as PyTorch's str(tensor), then shape and dtype.</summary>
public class FormatTests
{
    private static string ValuesPart(Tensor tensor)
    {
        var text = tensor.ToString();
        var suffix = text.LastIndexOf(", shape=(", StringComparison.Ordinal);
        return text[..suffix] + ")";
    }

    public static TheoryData<string, Func<Tensor>> Cases() => new()
    {
        { "float_small", () => Tensor.FromArray(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } }) },
        { "float_fraction", () => Golden.Input("a") },
        { "float_scientific", () => Tensor.FromArray(new[] { 1e-5f, 1f, 12345.678f }) },
        { "float_large_integers", () => Tensor.FromArray(new[] { 1e9f, 1f }) },
        { "float_nonfinite", () => Tensor.FromArray(new[] { float.NaN, 1.5f, float.PositiveInfinity, float.NegativeInfinity }) },
        { "int", () => Golden.Input("ints") },
        { "bool", () => Golden.Input("a") > 0 },
        { "scalar", () => Tensor.Full([], 3.5) },
        { "three_d", () => Golden.Input("batch1") },
        { "summarized", () => Tensor.Arange(2000, dtype: DType.Float32).Reshape(40, 50) },
        { "long_row", () => Tensor.Arange(30, dtype: DType.Float32) / 3 },
        { "complex", () => Tensor.FromArray(new System.Numerics.Complex[] { new(1, 0.5), new(-2, 1.5), new(0.25, -1) }).To(DType.ComplexFloat32) },
        { "complex_matrix", () => Tensor.Complex(Tensor.Arange(6.0).Reshape(2, 3), -Tensor.Arange(6.0).Reshape(2, 3) / 3) },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ToString_PrintsValuesLikePyTorch(string name, Func<Tensor> create)
    {
        using var scope = TensorScope.Begin();
        ValuesPart(create()).Should().Be(Golden.Format(name));
    }

    [Fact]
    public void ToString_EndsWithShapeDtypeAndGradFunction()
    {
        using var scope = TensorScope.Begin();
        var leaf = Tensor.Ones([2], requiresGrad: true);
        leaf.ToString().Should().Be("tensor([1., 1.], shape=(2,), dtype=float32, requires_grad=True)");
        (leaf * leaf).ToString().Should().EndWith("shape=(2,), dtype=float32, grad_fn=<MulBackward0>)");
        Tensor.Zeros([0, 3], DType.Int64).ToString().Should().Be("tensor([], shape=(0, 3), dtype=int64)");
    }

    [Fact]
    public void ToString_OfDisposedTensor_SaysSo()
    {
        var tensor = Tensor.Ones(1);
        tensor.Dispose();
        tensor.ToString().Should().Be("tensor(<disposed>)");
    }
}
