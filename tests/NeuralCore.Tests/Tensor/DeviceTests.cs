namespace NeuralCore.Tests;

public class DeviceTests
{
    [Theory]
    [InlineData("cpu", DeviceType.Cpu, -1)]
    [InlineData("cuda", DeviceType.Cuda, -1)]
    [InlineData("cuda:1", DeviceType.Cuda, 1)]
    [InlineData(" CUDA:0 ", DeviceType.Cuda, 0)]
    public void Parse_ReadsPyTorchSpelling_AndToStringWritesItBack(string text, DeviceType type, int index)
    {
        var device = Device.Parse(text);
        device.Should().Be(new Device(type, index));
        Device.Parse(device.ToString()).Should().Be(device);
    }

    [Fact]
    public void Cuda_OnCpuOnlyLibtorch_ReportsNoDevices()
    {
        if (Cuda.IsAvailable) return;
        Cuda.DeviceCount.Should().Be(0);
    }

    [Fact]
    public void LibTorchVersion_IsWhatTheShimWasBuiltAgainst()
    {
        Torch.LibTorchVersion.Major.Should().BeGreaterThanOrEqualTo(1);
        Torch.NumThreads.Should().BeGreaterThanOrEqualTo(1);
    }
}
