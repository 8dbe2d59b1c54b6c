namespace NeuralCore.Tests;


public class CreationTests
{
    [Fact]
    public void Factories_FillShapeDtypeAndValues()
    {
        using var scope = TensorScope.Begin();
        Tensor.Zeros(2, 3).ToArray<float>().Should().Equal(new float[6]);
        Tensor.Ones(2, 2).ToArray<float>().Should().Equal(1f, 1f, 1f, 1f);
        Tensor.Full([3], 7).DType.Should().Be(DType.Int64);
        Tensor.Full([2], 2.5).ToArray<float>().Should().Equal(2.5f, 2.5f);
        Tensor.Full([2], 1, DType.Float64).DType.Should().Be(DType.Float64);
        Tensor.Empty(4, 5).Shape.Should().Equal(4L, 5L);
        Tensor.Eye(3).ToArray<float>().Should().Equal(1f, 0f, 0f, 0f, 1f, 0f, 0f, 0f, 1f);
        Tensor.Eye(2, 3).Shape.Should().Equal(2L, 3L);
        Tensor.Linspace(0, 1, 5).ToArray<float>().Should().Equal(0f, 0.25f, 0.5f, 0.75f, 1f);
        Tensor.Zeros(2).OnesLike().ToArray<float>().Should().Equal(1f, 1f);
        Tensor.Ones(3).ZerosLike().ToArray<float>().Should().Equal(0f, 0f, 0f);
        Tensor.Ones(2).FullLike(4).ToArray<float>().Should().Equal(4f, 4f);
    }

    [Fact]
    public void Arange_InfersDtypeFromItsArguments()
    {
        using var scope = TensorScope.Begin();
        var integers = Tensor.Arange(5);
        integers.DType.Should().Be(DType.Int64);
        integers.ToArray<long>().Should().Equal(0L, 1L, 2L, 3L, 4L);
        var reals = Tensor.Arange(0, 1, 0.25);
        reals.DType.Should().Be(DType.Float32);
        reals.ToArray<float>().Should().Equal(0f, 0.25f, 0.5f, 0.75f);
        Tensor.Arange(1, 7, 2).ToArray<long>().Should().Equal(1L, 3L, 5L);
    }

    [Fact]
    public void RandomFactories_StayInTheirRanges()
    {
        using var scope = TensorScope.Begin();
        Tensor.Rand(1000).ToArray<float>().Should().OnlyContain(v => v >= 0 && v < 1);
        var integers = Tensor.RandInt(3, 6, 1000);
        integers.DType.Should().Be(DType.Int64);
        integers.ToArray<long>().Should().OnlyContain(v => v >= 3 && v < 6);
        var normal = Tensor.Randn(100_000);
        normal.Mean().Item<float>().Should().BeApproximately(0f, 0.02f);
        normal.Std().Item<float>().Should().BeApproximately(1f, 0.02f);
    }

    [Fact]
    public void FromArray_CopiesArraysSpansAndMultidimensionalArrays()
    {
        using var scope = TensorScope.Begin();
        var data = new[] { 1.0, 2.0, 3.0, 4.0 };
        var copy = Tensor.FromArray(data, 2, 2);
        data[0] = 100;
        copy.ToArray<double>().Should().Equal(1.0, 2.0, 3.0, 4.0);
        copy.DType.Should().Be(DType.Float64);
        Tensor.FromArray(new long[] { 1, 2, 3, 4, 5, 6 }, -1, 2).Shape.Should().Equal(3L, 2L);
        Tensor.FromSpan<int>(stackalloc int[] { 5, 6, 7 }).ToArray<int>().Should().Equal(5, 6, 7);
        var cube = Tensor.FromArray(new byte[,,] { { { 1, 2 }, { 3, 4 } }, { { 5, 6 }, { 7, 8 } } });
        cube.Shape.Should().Equal(2L, 2L, 2L);
        cube.DType.Should().Be(DType.UInt8);
        cube[1, 0, 1].Item<byte>().Should().Be(6);
        Tensor.FromArray(new[] { true, false, true }).ToArray<bool>().Should().Equal(true, false, true);
        Tensor.FromArray(new[] { (Half)1.5, (Half)(-2) }).ToArray<float>().Should().Equal(1.5f, -2f);
    }

    [Fact]
    public void FromMemory_SharesTheArrayAndKeepsItAliveAfterGc()
    {
        var data = new float[] { 1, 2, 3, 4 };
        var shared = Tensor.FromMemory<float>(data, 2, 2);
        data[3] = 40;
        shared.ToArray<float>().Should().Equal(1f, 2f, 3f, 40f);
        shared.MulInPlace(2);
        data.Should().Equal(2f, 4f, 6f, 80f);

        using var view = shared[1];
        shared.Dispose();
        data = null!;
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        view.ToArray<float>().Should().Equal(6f, 80f);
    }

    [Fact]
    public void FromMemory_ReleasesThePinWhenTheLastTensorGoes()
    {
        var weak = CreateAndDropSharedTensor();
        for (var i = 0; i < 3 && weak.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        weak.IsAlive.Should().BeFalse("the deleter must free the GCHandle that pinned the array");
    }

    private static WeakReference CreateAndDropSharedTensor()
    {
        var data = new double[256];
        using (Tensor.FromMemory<double>(data, 16, 16)) { }
        return new WeakReference(data);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    [InlineData(DType.Float16)]
    [InlineData(DType.BFloat16)]
    [InlineData(DType.Int8)]
    [InlineData(DType.UInt8)]
    [InlineData(DType.Int16)]
    [InlineData(DType.Int32)]
    [InlineData(DType.Int64)]
    [InlineData(DType.Bool)]
    public void To_ConvertsToEveryDtype(DType dtype)
    {
        using var scope = TensorScope.Begin();
        var source = Tensor.FromArray(new float[] { 0, 1, 2, 3 });
        var converted = source.To(dtype);
        converted.DType.Should().Be(dtype);
        var expected = dtype == DType.Bool ? new double[] { 0, 1, 1, 1 } : new double[] { 0, 1, 2, 3 };
        converted.ToArray<double>().Should().Equal(expected);
    }

    [Fact]
    public void ItemAndToArray_ConvertBetweenNumericTypes()
    {
        using var scope = TensorScope.Begin();
        var value = Tensor.Full([], 2.75);
        value.Item<float>().Should().Be(2.75f);
        value.Item<double>().Should().Be(2.75);
        value.Item<long>().Should().Be(2);
        Tensor.Full([], 5).Item<int>().Should().Be(5);
        Tensor.FromArray(new long[] { 1, 2 }).ToArray<float>().Should().Equal(1f, 2f);
    }

    [Fact]
    public void Properties_DescribeTheTensor()
    {
        using var scope = TensorScope.Begin();
        var tensor = Tensor.Zeros(2, 3, 4);
        tensor.Dimensions.Should().Be(3);
        tensor.NumberOfElements.Should().Be(24);
        tensor.Size(-1).Should().Be(4);
        tensor.Strides.Should().Equal(12L, 4L, 1L);
        tensor.Device.Should().Be(Device.Cpu with { Index = -1 });
        tensor.IsContiguous.Should().BeTrue();
        tensor.Transpose(0, 2).IsContiguous.Should().BeFalse();
        tensor.Transpose(0, 2).Contiguous().IsContiguous.Should().BeTrue();
    }
}
