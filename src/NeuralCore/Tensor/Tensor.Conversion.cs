using NeuralCore.Interop;

namespace NeuralCore;

public unsafe partial class Tensor
{
    /// <summary>This tensor converted to <paramref name="dtype"/>; itself (a new reference) when it already has that dtype.</summary>
    public Tensor To(DType dtype) => Result(NativeMethods.TensorTo(Handle, (int)dtype, -1, -1, 0, 0, out var result), result);

    /// <summary>This tensor on <paramref name="device"/>. <paramref name="nonBlocking"/> lets a copy from pinned memory overlap with computation.</summary>
    public Tensor To(Device device, bool nonBlocking = false) =>
        Result(NativeMethods.TensorTo(Handle, -1, (int)device.Type, device.Index, nonBlocking ? 1 : 0, 0, out var result), result);

    /// <summary>This tensor on <paramref name="device"/> with <paramref name="dtype"/>.</summary>
    public Tensor To(Device device, DType dtype, bool nonBlocking = false) =>
        Result(NativeMethods.TensorTo(Handle, (int)dtype, (int)device.Type, device.Index, nonBlocking ? 1 : 0, 0, out var result), result);

    /// <summary>This tensor on the CPU.</summary>
    public Tensor Cpu() => To(Device.Cpu);

    /// <summary>A copy in page-locked host memory (itself when already pinned), from which <c>To(cuda, nonBlocking: true)</c>
    /// copies without waiting. Needs CUDA: on a libtorch without it, throws a <see cref="TorchException"/> giving the reason.</summary>
    public Tensor PinMemory() => Apply(NativeMethods.TensorPinMemory);

    /// <summary>True when this tensor's memory is page-locked; always false without CUDA.</summary>
    public bool IsPinned
    {
        get
        {
            NativeMethods.TensorIsPinned(Handle, out var pinned).ThrowIfFailed();
            return pinned != 0;
        }
    }

    /// <summary>A second reference to the same tensor, which can be disposed independently.</summary>
    public Tensor Alias() => Apply(NativeMethods.TensorAlias);

    /// <summary>Copies <paramref name="source"/>'s values into this tensor (broadcasting, converting dtype and device). Returns this tensor.</summary>
    public Tensor CopyFrom(Tensor source)
    {
        ArgumentNullException.ThrowIfNull(source);
        NativeMethods.TensorCopyInPlace(Handle, source.Handle).ThrowIfFailed();
        return this;
    }

    /// <summary>Sets every element to <paramref name="value"/>. Returns this tensor.</summary>
    public Tensor FillInPlace(Scalar value)
    {
        NativeMethods.TensorFillInPlace(Handle, value.ToNative()).ThrowIfFailed();
        return this;
    }

    /// <summary>Sets every element to zero. Returns this tensor.</summary>
    public Tensor ZeroInPlace() => ApplyInPlace(NativeMethods.TensorZeroInPlace);

    /// <summary>Replaces the data (device, dtype, values) while keeping this tensor's identity, as module.To() does.</summary>
    internal void SetData(Tensor data) => NativeMethods.NNSetData(Handle, data.Handle).ThrowIfFailed();
}
