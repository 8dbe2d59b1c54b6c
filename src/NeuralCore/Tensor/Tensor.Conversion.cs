using NeuralCore.Interop;

namespace NeuralCore;

public partial class Tensor
{
    /// <summary>This tensor converted to <paramref name="dtype"/>; itself (a new reference) when it already has that dtype.</summary>
    public Tensor To(DType dtype) => LibTorch.TensorTo(this, dtype, null, false);

    /// <summary>This tensor on <paramref name="device"/>. <paramref name="nonBlocking"/> lets a copy from pinned memory overlap with computation.</summary>
    public Tensor To(Device device, bool nonBlocking = false) => LibTorch.TensorTo(this, null, device, nonBlocking);

    /// <summary>This tensor on <paramref name="device"/> with <paramref name="dtype"/>.</summary>
    public Tensor To(Device device, DType dtype, bool nonBlocking = false) => LibTorch.TensorTo(this, dtype, device, nonBlocking);

    /// <summary>This tensor on the CPU.</summary>
    public Tensor Cpu() => To(Device.Cpu);

    /// <summary>A copy in page-locked host memory (itself when already pinned), from which <c>To(cuda, nonBlocking: true)</c>
    /// copies without waiting. Needs CUDA: on a libtorch without it, throws a <see cref="TorchException"/> giving the reason.</summary>
    public Tensor PinMemory() => LibTorch.TensorPinMemory(this);

    /// <summary>True when this tensor's memory is page-locked; always false without CUDA.</summary>
    public bool IsPinned => LibTorch.TensorIsPinned(this);

    /// <summary>A second reference to the same tensor, which can be disposed independently.</summary>
    public Tensor Alias() => LibTorch.TensorAlias(this);

    /// <summary>Copies <paramref name="source"/>'s values into this tensor (broadcasting, converting dtype and device). Returns this tensor.</summary>
    public Tensor CopyFrom(Tensor source)
    {
        ArgumentNullException.ThrowIfNull(source);
        LibTorch.TensorCopyInPlace(this, source);
        return this;
    }

    /// <summary>Sets every element to <paramref name="value"/>. Returns this tensor.</summary>
    public Tensor FillInPlace(Scalar value)
    {
        LibTorch.TensorFillInPlace(this, value);
        return this;
    }

    /// <summary>Sets every element to zero. Returns this tensor.</summary>
    public Tensor ZeroInPlace()
    {
        LibTorch.TensorZeroInPlace(this);
        return this;
    }

    /// <summary>Replaces the data (device, dtype, values) while keeping this tensor's identity, as module.To() does.</summary>
    internal void SetData(Tensor data) => LibTorch.TensorSetData(this, data);
}
