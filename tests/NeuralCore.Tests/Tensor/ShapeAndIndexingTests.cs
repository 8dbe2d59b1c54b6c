namespace NeuralCore.Tests;

public class ShapeAndIndexingTests
{
    [Fact]
    public void RangesAndHatIndices_SliceLikePython()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.Arange(12, dtype: DType.Float32).View(3, 4);
        x[.., ^1].ToArray<float>().Should().Equal(3f, 7f, 11f);
        x[^1].ToArray<float>().Should().Equal(8f, 9f, 10f, 11f);
        x[1..^0, ..2].ToArray<float>().Should().Equal(4f, 5f, 8f, 9f);
        x[..^1, ^2..].ToArray<float>().Should().Equal(2f, 3f, 6f, 7f);
        x[^0.., ..].Shape.Should().Equal(0L, 4L);
        x[TensorIndex.Slice(null, null, 2), 0].ToArray<float>().Should().Equal(0f, 8f);
        x[TensorIndex.Ellipsis, TensorIndex.NewAxis].Shape.Should().Equal(3L, 4L, 1L);
        x[1, 2].Item<float>().Should().Be(6f);
    }

    [Fact]
    public void IndexSetter_WritesThroughToTheTensor()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.Zeros(2, 3);
        x[.., 1] = Tensor.FromArray(new float[] { 5, 6 });
        x[0, ^1] = Tensor.Full([], 9);
        x.ToArray<float>().Should().Equal(0f, 5f, 9f, 0f, 6f, 0f);
        var slice = x[1];
        slice.FillInPlace(1);
        x[1].ToArray<float>().Should().Equal(1f, 1f, 1f);
    }

    [Fact]
    public void ChunkAndSplit_ReturnViewsLikePyTorch()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.Arange(10);
        x.Chunk(3).Select(c => c.Shape[0]).Should().Equal(4L, 4L, 2L);
        x.Split(4).Select(c => c.Shape[0]).Should().Equal(4L, 4L, 2L);
        var parts = x.Split([1, 6, 3]);
        parts[1].ToArray<long>().Should().Equal(1L, 2L, 3L, 4L, 5L, 6L);
        parts[2].FillInPlace(0);
        x[^1].Item<long>().Should().Be(0);
    }

    [Fact]
    public void InPlaceOperators_MutateAndReturnTheSameTensor()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.FromArray(new float[] { -1, 4 });
        x.AddInPlace(1).Should().BeSameAs(x);
        x.MulInPlace(Tensor.FromArray(new float[] { 2, 0.5f })).SqrtInPlace();
        x.ToArray<float>().Should().Equal(0f, (float)Math.Sqrt(2.5));
        x.ClampInPlace(max: 1).ZeroInPlace().ToArray<float>().Should().Equal(0f, 0f);
        x.CopyFrom(Tensor.FromArray(new[] { 7.0, 8.0 }));
        x.ToArray<float>().Should().Equal(7f, 8f);
        x.DType.Should().Be(DType.Float32);
    }

    [Fact]
    public void LogicalAndBitwiseOperators_WorkOnBoolTensors()
    {
        using var scope = TensorScope.Begin();
        var a = Tensor.FromArray(new[] { true, true, false });
        var b = Tensor.FromArray(new[] { true, false, false });
        (a & b).ToArray<bool>().Should().Equal(true, false, false);
        (a | b).ToArray<bool>().Should().Equal(true, true, false);
        (a ^ b).ToArray<bool>().Should().Equal(false, true, false);
        (~a).ToArray<bool>().Should().Equal(false, false, true);
        a.All().Item<bool>().Should().BeFalse();
        a.Any().Item<bool>().Should().BeTrue();
    }
}
