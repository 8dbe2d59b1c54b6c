using NeuralCore.NN;
using NeuralCore.Optim;
using NeuralCore.Parallel;
using NeuralCore.Tests.Support;

namespace NeuralCore.Tests;

/// <summary>DataParallel over several CPU devices equals one device on the whole batch.</summary>
[Collection(GlobalStateCollection.Name)]
public class DataParallelTests
{
    private static Module Build(string model) => model == "cnn" ? new Cnn() : new Rnn(28, 32, 2, 10);

    private static Tensor Batch(string model, int size) => model == "cnn" ? Tensor.Randn(size, 3, 32, 32) : Tensor.Randn(size, 28, 28);

    private static void CopyWeights(Module from, Module to)
    {
        var state = from.StateDict();
        to.LoadStateDict(state);
        foreach (var tensor in state.Values) tensor.Dispose();
    }

    [Theory]
    [InlineData("cnn")]
    [InlineData("rnn")]
    public void Gradients_OnTwoCpuDevices_EqualASingleDeviceRun(string model)
    {
        using var scope = TensorScope.Begin();
        using var single = Build(model);
        using var wrapped = Build(model);
        CopyWeights(single, wrapped);
        using var parallel = new DataParallel(wrapped, [Device.Cpu, Device.Cpu]);
        var inputs = Batch(model, 6);
        var labels = Tensor.RandInt(0, 10, 6);
        var criterion = new CrossEntropyLoss();

        criterion.Forward(single.Forward(inputs), labels).Backward();
        criterion.Forward(parallel.Forward(inputs), labels).Backward();

        parallel.NamedParameters().Select(p => p.Name).Should().StartWith(["module." + single.NamedParameters().First().Name]);
        foreach (var (expected, actual) in single.Parameters().Zip(wrapped.Parameters()))
            actual.Grad!.AllClose(expected.Grad!, relativeTolerance: 1e-5, absoluteTolerance: 1e-6).Should().BeTrue();
    }

    [Fact]
    public void TwoInputTransformer_OnThreeCpuDevices_EqualsASingleDeviceRun_WithPaddingMasksSplitAlongTheBatch()
    {
        using var scope = TensorScope.Begin();
        Torch.ManualSeed(5);
        using var single = new TransformerEncoderLayer(8, 2, dimFeedforward: 16, dropout: 0, batchFirst: true);
        Torch.ManualSeed(5);
        using var wrapped = new TransformerEncoderLayer(8, 2, dimFeedforward: 16, dropout: 0, batchFirst: true);
        var parallel = DataParallel.Create(new PaddedEncoder(wrapped), [Device.Cpu, Device.Cpu, Device.Cpu]);
        var source = Tensor.Randn([7, 5, 8]);
        var padding = Tensor.Arange(5).Unsqueeze(0).Ge(Tensor.FromArray(new long[] { 5, 3, 4, 2, 5, 1, 4 }, 7, 1));

        var expected = single.Forward(source, srcKeyPaddingMask: padding);
        var (output, valid) = parallel.Forward(source, padding);
        output.AllClose(expected, 1e-5, 1e-6).Should().BeTrue();
        valid.ToArray<long>().Should().Equal(5, 3, 4, 2, 5, 1, 4);
        expected.Sum().Backward();
        output.Sum().Backward();
        parallel.NamedParameters().First().Name.Should().Be("module.layer.self_attn.in_proj_weight");
        foreach (var (a, b) in single.Parameters().Zip(wrapped.Parameters()))
            b.Grad!.AllClose(a.Grad!, 1e-5, 1e-5).Should().BeTrue();
    }

    /// <summary>(source, padding) → (encoded, valid lengths): two inputs and a tuple result through DataParallel.</summary>
    private sealed class PaddedEncoder(TransformerEncoderLayer layer) : Module<Tensor, Tensor, (Tensor Output, Tensor Lengths)>
    {
        private readonly TransformerEncoderLayer layer = layer;

        public override (Tensor Output, Tensor Lengths) Forward(Tensor source, Tensor padding) =>
            (layer.Call(source, srcKeyPaddingMask: padding), padding.LogicalNot().Sum(1));
    }

    [Fact]
    public void ReplicaGradients_AreSummedInDeviceOrder_SoRunsRepeatBitForBit()
    {
        // Four replicas finish in whatever order the threads run; the parameters' gradients must not depend on it.
        using var scope = TensorScope.Begin();
        using var first = Build("rnn");
        using var second = Build("rnn");
        CopyWeights(first, second);
        var inputs = Batch("rnn", 8);
        var labels = Tensor.RandInt(0, 10, 8);
        var criterion = new CrossEntropyLoss();
        foreach (var model in new[] { first, second })
        {
            var parallel = new DataParallel(model, [Device.Cpu, Device.Cpu, Device.Cpu, Device.Cpu]);  // disposing it would dispose the model
            for (var run = 0; run < 3; run++) criterion.Forward(parallel.Forward(inputs), labels).Backward();
        }
        foreach (var (a, b) in first.Parameters().Zip(second.Parameters()))
            a.Grad!.Equal(b.Grad!).Should().BeTrue("the same three backward passes accumulate the same bits");
    }

    [Theory]
    [InlineData("cnn")]
    [InlineData("rnn")]
    public void TenOptimizerSteps_OnThreeCpuDevices_EqualASingleDeviceRun(string model)
    {
        using var scope = TensorScope.Begin();
        // Seeded: the chunked and whole-batch sums round differently, and how far that carries over ten steps depends on the data.
        Torch.ManualSeed(0);
        using var single = Build(model);
        using var wrapped = Build(model);
        CopyWeights(single, wrapped);
        using var parallel = new DataParallel(wrapped, [Device.Cpu, Device.Cpu, Device.Cpu]);
        using var singleOptimizer = new Sgd(single.Parameters(), lr: 0.01, momentum: 0.9);
        using var parallelOptimizer = new Sgd(parallel.Parameters(), lr: 0.01, momentum: 0.9);
        var criterion = new CrossEntropyLoss();
        for (var step = 0; step < 10; step++)
        {
            using var inner = TensorScope.Begin();
            var inputs = Batch(model, 7);  // 7 samples over 3 devices: chunks of 3, 3 and 1
            var labels = Tensor.RandInt(0, 10, 7);
            foreach (var (module, optimizer) in new (Module, Optimizer)[] { (single, singleOptimizer), (parallel, parallelOptimizer) })
            {
                optimizer.ZeroGrad();
                criterion.Forward(module.Forward(inputs), labels).Backward();
                optimizer.Step();
            }
        }
        foreach (var (expected, actual) in single.Parameters().Zip(wrapped.Parameters()))
            actual.AllClose(expected, relativeTolerance: 1e-5, absoluteTolerance: 1e-6).Should().BeTrue(
                $"the largest difference is {(actual - expected).Abs().Max().Item<float>():E2} at magnitude {expected.Abs().Max().Item<float>():E2}");
    }

    [Fact]
    public void UnevenLastBatch_WithFewerSamplesThanDevices_Works()
    {
        using var scope = TensorScope.Begin();
        using var model = new Linear(4, 2);
        using var parallel = new DataParallel(model, [Device.Cpu, Device.Cpu, Device.Cpu, Device.Cpu]);
        var single = Tensor.Randn(1, 4);
        parallel.Forward(single).Equal(model.Forward(single)).Should().BeTrue();
        var two = Tensor.Randn(2, 4);
        parallel.Forward(two).AllClose(model.Forward(two)).Should().BeTrue();
    }

    private sealed class FailsOnSmallChunks : Module
    {
        private readonly Linear linear = new(4, 2);

        public override Tensor Forward(Tensor input) =>
            input.Size(0) < 3 ? throw new InvalidOperationException($"replica got {input.Size(0)} samples") : linear.Forward(input);
    }

    [Fact]
    public void AReplicaThatThrows_SurfacesItsException_WithoutHanging()
    {
        using var scope = TensorScope.Begin();
        using var parallel = new DataParallel(new FailsOnSmallChunks(), [Device.Cpu, Device.Cpu]);
        var act = () => parallel.Forward(Tensor.Randn(5, 4));  // chunks of 3 and 2
        act.Should().Throw<InvalidOperationException>().WithMessage("replica got 2 samples");
        parallel.Forward(Tensor.Randn(6, 4)).Shape.Should().Equal(6L, 2L);
    }

    [Fact]
    public void GradMode_OfTheCaller_AppliesOnTheReplicaThreads()
    {
        using var scope = TensorScope.Begin();
        using var parallel = new DataParallel(new Linear(4, 2), [Device.Cpu, Device.Cpu]);
        using (Autograd.NoGrad())
            parallel.Forward(Tensor.Randn(4, 4)).RequiresGrad.Should().BeFalse();
        parallel.Forward(Tensor.Randn(4, 4)).RequiresGrad.Should().BeTrue();
    }

    // Two CUDA devices where there are two; otherwise two replicas on the one device (the threads still run concurrently).
    [SkippableTheory]
    [InlineData("cnn")]
    [InlineData("rnn")]
    public void Gradients_OnCudaDevices_EqualASingleCpuRun(string model)
    {
        Support.TestDevice.RequireCuda();
        using var scope = TensorScope.Begin();
        using var single = Build(model);
        using var wrapped = Build(model);
        CopyWeights(single, wrapped);
        Device[] devices = Cuda.DeviceCount > 1 ? [Device.Cuda(0), Device.Cuda(1)] : [Device.Cuda(0), Device.Cuda(0)];
        wrapped.To(devices[0]);
        using var parallel = new DataParallel(wrapped, devices);
        var inputs = Batch(model, 6);
        var labels = Tensor.RandInt(0, 10, 6);
        var criterion = new CrossEntropyLoss();

        criterion.Forward(single.Forward(inputs), labels).Backward();
        var output = parallel.Forward(inputs.To(devices[0]));
        output.Device.Should().Be(devices[0]);
        criterion.Forward(output, labels.To(devices[0])).Backward();

        foreach (var (expected, actual) in single.Parameters().Zip(wrapped.Parameters()))
            actual.Grad!.Cpu().AllClose(expected.Grad!, Support.TestDevice.CudaRelativeTolerance, Support.TestDevice.CudaAbsoluteTolerance).Should().BeTrue();
    }
}
