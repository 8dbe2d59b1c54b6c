using NeuralCore.Amp;
using NeuralCore.Data;
using NeuralCore.NN;
using NeuralCore.Optim;
using NeuralCore.Tests.Support;

namespace NeuralCore.Tests;

/// <summary>The CUDA API: clean answers on a libtorch without CUDA, real values where a device is present.</summary>
[Collection(GlobalStateCollection.Name)]
public class CudaTests
{
    [SkippableFact]
    public void WithoutCuda_DeviceQueriesThrowNamingTheReason_AndStatisticsReadZero()
    {
        Skip.If(Cuda.IsAvailable, "CUDA is available here; the CUDA tests cover it");
        Cuda.DeviceCount.Should().Be(0);
        Cuda.UnavailableReason.Should().NotBeNullOrEmpty();
        if (!Cuda.IsBuilt) Cuda.UnavailableReason.Should().Contain("built without CUDA");

        foreach (var query in new Action[]
                 {
                     () => Cuda.GetDeviceProperties(0), () => Cuda.GetDeviceName(), () => Cuda.GetDeviceCapability(),
                     () => Cuda.Synchronize(), () => _ = Cuda.CurrentDevice, () => Cuda.SetDevice(0),
                 })
            query.Should().Throw<TorchException>().WithMessage("CUDA is not available: *" + Cuda.UnavailableReason + "*");

        Cuda.MemoryStats().Should().Be(new CudaMemoryStats(0, 0, 0, 0));
        Cuda.MemoryAllocated().Should().Be(0);
        Cuda.MaxMemoryReserved(0).Should().Be(0);
        Cuda.EmptyCache();
        Cuda.ResetPeakMemoryStats();
        Cuda.ManualSeedAll(7);
    }

    [SkippableFact]
    public void WithoutCuda_PinMemoryThrows_AndPinnedLoadersFallBackToPlainBatches()
    {
        Skip.If(Cuda.IsAvailable, "CUDA is available here; the CUDA tests cover it");
        using var scope = TensorScope.Begin();
        var tensor = Tensor.Ones(3);
        tensor.IsPinned.Should().BeFalse();
        tensor.Invoking(t => t.PinMemory()).Should().Throw<TorchException>().WithMessage("*pinned memory needs CUDA*");

        var loader = new DataLoader(new TensorDataset(Tensor.Arange(6).View(6, 1), Tensor.Arange(6)), batchSize: 4, pinMemory: true);
        loader.PinMemory.Should().BeFalse();
        loader.Select(b => b.Target.Size(0)).Should().Equal(4, 2);
    }

    [SkippableFact]
    public void DeviceProperties_DescribeARealDevice()
    {
        TestDevice.RequireCuda();
        Cuda.IsBuilt.Should().BeTrue();
        Cuda.UnavailableReason.Should().BeNull();
        Cuda.DeviceCount.Should().BeGreaterThan(0);
        var properties = Cuda.GetDeviceProperties(0);
        properties.Name.Should().NotBeNullOrWhiteSpace();
        properties.TotalMemory.Should().BeGreaterThan(1L << 30);
        properties.Major.Should().BeGreaterThanOrEqualTo(3);
        properties.MultiProcessorCount.Should().BeGreaterThan(0);
        Cuda.GetDeviceName(0).Should().Be(properties.Name);
        Cuda.GetDeviceCapability(0).Should().Be((properties.Major, properties.Minor));
        Cuda.CurrentDevice.Should().BeInRange(0, Cuda.DeviceCount - 1);

        var missing = () => Cuda.GetDeviceProperties(Cuda.DeviceCount);
        missing.Should().Throw<TorchException>().WithMessage($"*CUDA device {Cuda.DeviceCount} does not exist*");
    }

    [SkippableFact]
    public void MemoryStatistics_FollowAllocationsAndEmptyCache()
    {
        TestDevice.RequireCuda();
        var device = TestDevice.CudaDevice;
        var index = Math.Max(device.Index, 0);
        Cuda.Synchronize(index);
        Cuda.EmptyCache();
        Cuda.ResetPeakMemoryStats(index);
        var before = Cuda.MemoryStats(index);
        const long bytes = 64L << 20;
        var tensor = Tensor.Zeros([bytes / 4], device: device);
        Cuda.Synchronize(index);
        var during = Cuda.MemoryStats(index);
        during.Allocated.Should().BeGreaterThanOrEqualTo(before.Allocated + bytes);
        during.Reserved.Should().BeGreaterThanOrEqualTo(during.Allocated);
        tensor.Dispose();
        var after = Cuda.MemoryStats(index);
        after.Allocated.Should().Be(before.Allocated);
        after.PeakAllocated.Should().BeGreaterThanOrEqualTo(before.Allocated + bytes);
        after.Reserved.Should().BeGreaterThanOrEqualTo(bytes);  // the block stays cached
        Cuda.EmptyCache();
        Cuda.MemoryReserved(index).Should().BeLessThan(after.Reserved);
        Cuda.ResetPeakMemoryStats(index);
        Cuda.MaxMemoryAllocated(index).Should().Be(Cuda.MemoryAllocated(index));
    }

    [SkippableFact]
    public void ManualSeedAll_RepeatsCudaRandomNumbers()
    {
        TestDevice.RequireCuda();
        using var scope = TensorScope.Begin();
        Cuda.ManualSeedAll(123);
        var first = Tensor.Randn([1000], device: TestDevice.CudaDevice).Cpu();
        Cuda.ManualSeedAll(123);
        var second = Tensor.Randn([1000], device: TestDevice.CudaDevice).Cpu();
        first.Equal(second).Should().BeTrue();
        Cuda.ManualSeedAll(124);
        Tensor.Randn([1000], device: TestDevice.CudaDevice).Cpu().Equal(first).Should().BeFalse();
    }

    [SkippableFact]
    public void PinnedBatches_CopyToTheDeviceWithoutBlocking()
    {
        TestDevice.RequireCuda();
        using var scope = TensorScope.Begin();
        var host = Tensor.Arange(1 << 20, dtype: DType.Float32);
        var pinned = host.PinMemory();
        pinned.IsPinned.Should().BeTrue();
        host.IsPinned.Should().BeFalse();
        var onDevice = pinned.To(TestDevice.CudaDevice, nonBlocking: true);
        Cuda.Synchronize();
        onDevice.Device.Type.Should().Be(DeviceType.Cuda);
        onDevice.Cpu().Equal(host).Should().BeTrue();

        var loader = new DataLoader(new TensorDataset(Tensor.Randn(10, 3), Tensor.Arange(10)), batchSize: 4, pinMemory: true);
        loader.PinMemory.Should().BeTrue();
        foreach (var (input, target) in loader)
        {
            input.IsPinned.Should().BeTrue();
            target.IsPinned.Should().BeTrue();
        }
    }

    [SkippableFact]
    public void TrainingSteps_OnCuda_EqualTheCpuRun()
    {
        TestDevice.RequireCuda();
        using var scope = TensorScope.Begin();
        Torch.ManualSeed(5);
        using var cpuModel = new FashionCnn();
        using var cudaModel = new FashionCnn();
        cudaModel.LoadStateDict(cpuModel.StateDict());
        cudaModel.To(TestDevice.CudaDevice).Should().BeSameAs(cudaModel);
        cudaModel.Parameters().Should().OnlyContain(p => p.Device.Type == DeviceType.Cuda);
        using var cpuOptimizer = new Adam(cpuModel.Parameters(), lr: 1e-3);
        using var cudaOptimizer = new Adam(cudaModel.Parameters(), lr: 1e-3);
        var criterion = new CrossEntropyLoss();
        for (var step = 0; step < 5; step++)
        {
            using var inner = TensorScope.Begin();
            var inputs = Tensor.Randn(16, 1, 28, 28);
            var labels = Tensor.RandInt(0, 10, 16);
            cpuOptimizer.ZeroGrad();
            criterion.Forward(cpuModel.Forward(inputs), labels).Backward();
            cpuOptimizer.Step();
            cudaOptimizer.ZeroGrad();
            criterion.Forward(cudaModel.Forward(inputs.To(TestDevice.CudaDevice)), labels.To(TestDevice.CudaDevice)).Backward();
            cudaOptimizer.Step();
        }
        foreach (var (expected, actual) in cpuModel.Parameters().Zip(cudaModel.Parameters()))
            actual.Cpu().AllClose(expected, TestDevice.CudaRelativeTolerance, TestDevice.CudaAbsoluteTolerance).Should().BeTrue();
    }

    [SkippableFact]
    public void Autocast_OnCuda_RunsFloat16_AndGradScalerStepsTrain()
    {
        TestDevice.RequireCuda();
        using var scope = TensorScope.Begin();
        using var model = new Sequential(new Linear(32, 64), new Relu(), new Linear(64, 10));
        model.To(TestDevice.CudaDevice);
        using var optimizer = new Sgd(model.Parameters(), lr: 0.1);
        var scaler = new GradScaler();
        var inputs = Tensor.Randn([64, 32], device: TestDevice.CudaDevice);
        var labels = Tensor.RandInt(0, 10, 64).To(TestDevice.CudaDevice);
        var criterion = new CrossEntropyLoss();
        double first = 0, last = 0;
        for (var step = 0; step < 30; step++)
        {
            using var inner = TensorScope.Begin();
            optimizer.ZeroGrad();
            Tensor loss;
            using (new Autocast(DeviceType.Cuda))
            {
                var logits = model.Forward(inputs);
                logits.DType.Should().Be(DType.Float16);
                loss = criterion.Forward(logits, labels);
            }
            scaler.Scale(loss).Backward();
            model.Parameters().Should().OnlyContain(p => p.Grad!.DType == DType.Float32);
            scaler.Step(optimizer);
            scaler.Update();
            if (step == 0) first = loss.Item<float>();
            last = loss.Item<float>();
        }
        last.Should().BeLessThan(first);
    }

    [SkippableFact]
    public void RecurrentWeights_OnCuda_ShareOneCudnnBuffer_AndGiveWhatTheCpuGives()
    {
        using var scope = TensorScope.Begin();
        using var cpu = new NeuralCore.NN.Lstm(5, 7, numLayers: 2, batchFirst: true);
        cpu.FlattenParameters().Should().BeFalse("the CPU has no cuDNN buffer");
        TestDevice.RequireCuda();
        using var gpu = new NeuralCore.NN.Lstm(5, 7, numLayers: 2, batchFirst: true);
        gpu.LoadStateDict(cpu.StateDict());
        using var model = new NeuralCore.NN.Sequential(gpu);
        model.To(TestDevice.CudaDevice);  // a parent's To flattens its recurrent children, as PyTorch's _apply does
        gpu.FlattenParameters().Should().BeTrue();
        var x = Tensor.Randn(3, 4, 5);
        var (expected, _) = cpu.Forward(x);
        var (actual, _) = gpu.Forward(x.To(TestDevice.CudaDevice));
        actual.To(Device.Cpu).AllClose(expected, TestDevice.CudaRelativeTolerance, TestDevice.CudaAbsoluteTolerance).Should().BeTrue();
        foreach (var (name, value) in gpu.StateDict())
            value.To(Device.Cpu).AllClose(cpu.StateDict()[name]).Should().BeTrue($"{name} keeps its values in the shared buffer");
    }
}
