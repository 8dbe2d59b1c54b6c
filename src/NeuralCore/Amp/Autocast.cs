using NeuralCore.Interop;

namespace NeuralCore.Amp;

/// <summary>
/// Automatic mixed precision on the calling thread until disposed (torch.autocast): eligible operations (matrix
/// products, convolutions, linear layers) run in <c>dtype</c>, precision-sensitive ones stay in Float32. Defaults:
/// Float16 on CUDA, BFloat16 on the CPU. Scopes nest; disposing restores the previous state.
/// </summary>
/// <example><code>using (new Autocast(DeviceType.Cpu)) { logits = model.Forward(images); }</code></example>
public sealed class Autocast : IDisposable
{
    private readonly DeviceType deviceType;
    private readonly bool previousEnabled;
    private readonly int previousDType;
    private bool disposed;

    public Autocast(DeviceType deviceType = DeviceType.Cuda, DType? dtype = null, bool enabled = true)
    {
        var precision = dtype ?? (deviceType == DeviceType.Cpu ? DType.BFloat16 : DType.Float16);
        if (precision is not (DType.Float16 or DType.BFloat16))
            throw new ArgumentException($"autocast runs in Float16 or BFloat16, not {precision.Name()}", nameof(dtype));
        this.deviceType = deviceType;
        (previousEnabled, previousDType) = LibTorch.AutocastEnter(deviceType, enabled, precision);
    }

    /// <summary>Whether autocast is on for <paramref name="deviceType"/> on the calling thread.</summary>
    public static bool IsEnabled(DeviceType deviceType) => LibTorch.AutocastIsEnabled(deviceType);

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        LibTorch.AutocastExit(deviceType, previousEnabled, previousDType);
    }
}
