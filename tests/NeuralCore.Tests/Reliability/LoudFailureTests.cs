namespace NeuralCore.Tests;

/// <summary>Inputs that used to succeed silently or fail with the wrong exception.</summary>
public class LoudFailureTests
{
    [Fact]
    public void Item_OfAValueOutsideTheIntegerType_ThrowsOverflowException()
    {
        using var nan = Tensor.Full([], double.NaN);
        using var huge = Tensor.Full([], 1e30, DType.Float64);
        using var fraction = Tensor.Full([], -2.75, DType.Float64);
        ((Action)(() => nan.Item<int>())).Should().Throw<OverflowException>();
        ((Action)(() => huge.Item<long>())).Should().Throw<OverflowException>();
        ((Action)(() => nan.Item<byte>())).Should().Throw<OverflowException>();
        fraction.Item<long>().Should().Be(-2, "floating values truncate toward zero, as int() does");
    }

    [Fact]
    public void AnAllocationTooLargeForTheMachine_ThrowsTorchOutOfMemoryException()
    {
        // 4 PiB: beyond any machine and beyond the 47-bit user address space, so it fails even where the kernel
        // overcommits memory (4 TiB was granted on a 128 GiB GPU machine, whose zero-filling then exhausted it).
        var act = () => Tensor.Zeros(1L << 50);
        act.Should().Throw<TorchOutOfMemoryException>().WithMessage("*can't allocate memory*");
    }

    [Fact]
    public void AScopeDisposedOnAnotherThread_Throws_AndStopsCapturingItsThreadsTensors()
    {
        TensorScope? scope = null;
        Tensor? before = null;
        using var opened = new ManualResetEventSlim();
        using var closed = new ManualResetEventSlim();
        (bool Captured, bool BeforeDisposed, bool HasScope) after = default;
        var owner = new Thread(() =>
        {
            scope = TensorScope.Begin();
            before = Tensor.Ones(3);
            opened.Set();
            closed.Wait();
            using var later = Tensor.Ones(3);  // its next tensor: not captured, and the closed scope is released
            after = (later.Scope is not null, before.IsDisposed, TensorScope.Current is not null);
        });
        owner.Start();
        opened.Wait();
        var act = () => scope!.Dispose();
        act.Should().Throw<InvalidOperationException>().WithMessage("*disposed on the thread that began it*await*");
        closed.Set();
        owner.Join();
        after.Should().Be((false, true, false));
        scope!.Dispose();  // disposing again does nothing
    }

    [Fact]
    public void NeuralCoreNative_NamingAMissingFile_Throws_InsteadOfFallingBack()
    {
        var outcome = Probe.RunWith(new Dictionary<string, string> { ["NEURALCORE_NATIVE"] = "/nonexistent/libneuralcore.so" }, "native");
        outcome.Kind.Should().Be("exception", outcome.ToString());
        outcome.Type.Should().Be(nameof(DllNotFoundException));
        outcome.Message.Should().Contain("/nonexistent/libneuralcore.so");
    }

    [Theory]
    [InlineData("text")]
    [InlineData("other-library")]
    public void NeuralCoreNative_NamingAFileThatIsNotLibneuralcore_ThrowsNamingIt(string kind)
    {
        var path = kind == "other-library" ? "/usr/lib/x86_64-linux-gnu/libz.so.1" : Path.GetTempFileName();
        if (kind == "text") File.WriteAllText(path, "not a shared library");
        var outcome = Probe.RunWith(new Dictionary<string, string> { ["NEURALCORE_NATIVE"] = path }, "native");
        outcome.Kind.Should().Be("exception", outcome.ToString());
        outcome.Type.Should().Be(nameof(DllNotFoundException));
        outcome.Message.Should().Contain(path);
        if (kind == "text") File.Delete(path);
    }
}
