namespace NeuralCore.Tests;


/// <summary>Bad input reaches the caller as a .NET exception with libtorch's text; the process never dies.</summary>
public class ErrorPropagationTests
{
    [Fact]
    public void MatMul_WithMismatchedShapes_ThrowsTorchExceptionWithLibtorchMessage()
    {
        using var scope = TensorScope.Begin();
        var act = () => Tensor.Ones(2, 3).MatMul(Tensor.Ones(4, 5));
        act.Should().Throw<TorchException>().WithMessage("*cannot be multiplied (2x3 and 4x5)*")
            .Which.Kind.Should().Be(TorchErrorKind.Error);
    }

    [Fact]
    public void Add_WithUnbroadcastableShapes_NamesBothSizes()
    {
        using var scope = TensorScope.Begin();
        var act = () => Tensor.Ones(3) + Tensor.Ones(4);
        act.Should().Throw<TorchException>().WithMessage("*size of tensor a (3) must match the size of tensor b (4)*");
    }

    [Fact]
    public void MatMul_WithMismatchedDtypes_ThrowsTorchException()
    {
        using var scope = TensorScope.Begin();
        var act = () => Tensor.Ones(2, 2).MatMul(Tensor.Ones([2, 2], DType.Int64));
        act.Should().Throw<TorchException>().WithMessage("*expected*Float*Long*");
    }

    [Fact]
    public void To_CudaOnCpuOnlyLibtorch_ThrowsInsteadOfCrashing()
    {
        if (Cuda.IsAvailable) return;  // the GPU check covers the CUDA path
        using var scope = TensorScope.Begin();
        var act = () => Tensor.Ones(2).To(Device.Cuda(0));
        act.Should().Throw<TorchException>().WithMessage("*CUDA*");
    }

    [Fact]
    public void Index_OutOfRange_ThrowsIndexKindWithTheDimensionSize()
    {
        using var scope = TensorScope.Begin();
        var tensor = Tensor.Zeros(3, 4);
        var act = () => tensor[5];
        act.Should().Throw<TorchException>().WithMessage("*index 5 is out of bounds for dimension 0 with size 3*")
            .Which.Kind.Should().Be(TorchErrorKind.Index);
        var fromEnd = () => tensor[.., ^5];
        fromEnd.Should().Throw<TorchException>().WithMessage("*index -5 is out of bounds for dimension 1 with size 4*");
        var pastEnd = () => tensor[^0];
        pastEnd.Should().Throw<ArgumentOutOfRangeException>();
        var tooMany = () => tensor[0, 0, 0];
        tooMany.Should().Throw<TorchException>().WithMessage("*too many indices*");
    }

    [Fact]
    public void UseAfterDispose_ThrowsObjectDisposedException()
    {
        var tensor = Tensor.Ones(2);
        tensor.Dispose();
        tensor.IsDisposed.Should().BeTrue();
        var read = () => tensor.Shape;
        read.Should().Throw<ObjectDisposedException>();
        var operate = () => tensor + 1;
        operate.Should().Throw<ObjectDisposedException>();
        using var other = Tensor.Ones(2);
        var asArgument = () => other + tensor;
        asArgument.Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public void Backward_OnTensorWithoutGraph_ThrowsTorchException()
    {
        using var scope = TensorScope.Begin();
        var act = () => Tensor.Ones(3).Sum().Backward();
        act.Should().Throw<TorchException>().WithMessage("*does not require grad and does not have a grad_fn*");
        var nonScalar = Tensor.Ones([3], requiresGrad: true) * 2;
        var implicitGradient = () => nonScalar.Backward();
        implicitGradient.Should().Throw<TorchException>().WithMessage("*grad can be implicitly created only for scalar outputs*");
    }

    [Fact]
    public void ItemAndView_WithWrongElementCounts_Throw()
    {
        using var scope = TensorScope.Begin();
        var item = () => Tensor.Ones(2, 3).Item<float>();
        item.Should().Throw<TorchException>().WithMessage("*6 elements cannot be converted to Scalar*");
        var view = () => Tensor.Ones(2, 3).View(4, 2);
        view.Should().Throw<TorchException>().WithMessage("*shape '[4, 2]' is invalid for input of size 6*");
        var transposedView = () => Tensor.Ones(2, 3).T.View(6);
        transposedView.Should().Throw<TorchException>().WithMessage("*Use .reshape(...) instead*");
    }

    [Fact]
    public void FacadeChecks_ThrowArgumentExceptionsBeforeCallingNative()
    {
        var shape = () => Tensor.FromArray(new float[] { 1, 2, 3 }, 2, 2);
        shape.Should().Throw<ArgumentException>().WithMessage("*does not fit 3 elements*");
        var nullArray = () => Tensor.FromArray<float>((float[])null!);
        nullArray.Should().Throw<ArgumentNullException>();
        var threads = () => Torch.SetNumThreads(0);
        threads.Should().Throw<ArgumentOutOfRangeException>();
        var device = () => Device.Parse("tpu:0");
        device.Should().Throw<FormatException>();
        var split = () => Tensor.Ones(5).Split([2, 2]);
        split.Should().Throw<ArgumentException>().WithMessage("*do not add up to 5*");
        var clamp = () => Tensor.Ones(1).Clamp();
        clamp.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Errors_OnManyThreads_KeepTheirOwnMessages()
    {
        System.Threading.Tasks.Parallel.For(0, 64, i =>
        {
            using var scope = TensorScope.Begin();
            var act = () => Tensor.Ones(i + 1, 2).MatMul(Tensor.Ones(3, 1));
            act.Should().Throw<TorchException>().WithMessage($"*({i + 1}x2 and 3x1)*");
        });
    }
}
