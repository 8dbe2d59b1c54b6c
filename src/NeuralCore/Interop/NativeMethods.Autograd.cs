using System.Runtime.InteropServices;

namespace NeuralCore.Interop;

// nc_autograd.h
internal static unsafe partial class NativeMethods
{
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_set_requires_grad")] internal static partial NativeStatus TensorSetRequiresGrad(IntPtr tensor, int requiresGrad);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_grad_identity")] internal static partial NativeStatus TensorGradIdentity(IntPtr tensor, out IntPtr identity);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_grad")] internal static partial NativeStatus TensorGrad(IntPtr tensor, out IntPtr result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_set_grad")] internal static partial NativeStatus TensorSetGrad(IntPtr tensor, IntPtr gradient);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_retain_grad")] internal static partial NativeStatus TensorRetainGrad(IntPtr tensor);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_backward")] internal static partial NativeStatus TensorBackward(IntPtr tensor, IntPtr gradient, int retainGraph, int createGraph);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_detach")] internal static partial NativeStatus TensorDetach(IntPtr tensor, out IntPtr result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_detach_inplace")] internal static partial NativeStatus TensorDetachInPlace(IntPtr tensor);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_grad_fn_name")] internal static partial NativeStatus TensorGradFunctionName(IntPtr tensor, out IntPtr name);

    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_autograd_grad")]
    internal static partial NativeStatus AutogradGrad(IntPtr* outputs, IntPtr* gradOutputs, int outputCount, IntPtr* inputs, int inputCount,
        int retainGraph, int createGraph, int allowUnused, IntPtr* results);

    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_amp_unscale")] internal static partial NativeStatus AmpUnscale(IntPtr* gradients, int count, double inverseScale, out int foundInf);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_autocast_enter")] internal static partial NativeStatus AutocastEnter(int deviceType, int enabled, int dtype, out int previousEnabled, out int previousDType);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_autocast_exit")] internal static partial NativeStatus AutocastExit(int deviceType, int previousEnabled, int previousDType);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_autocast_is_enabled")] internal static partial NativeStatus AutocastIsEnabled(int deviceType, out int enabled);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_autograd_is_enabled")] internal static partial int AutogradIsEnabled();
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_autograd_set_enabled")] internal static partial int AutogradSetEnabled(int enabled);
}

// The checked forms of nc_autograd.h for the facade.
internal static unsafe partial class LibTorch
{
    internal static void TensorSetRequiresGrad(Tensor tensor, bool requiresGrad)
    {
        using var borrow = new TensorBorrow(tensor);
        NativeMethods.TensorSetRequiresGrad(borrow.Pointer, requiresGrad ? 1 : 0).ThrowIfFailed();
    }

    /// <summary>The address identifying the tensor's gradient, or zero when it has none.</summary>
    internal static IntPtr TensorGradIdentity(Tensor tensor)
    {
        using var borrow = new TensorBorrow(tensor);
        NativeMethods.TensorGradIdentity(borrow.Pointer, out var identity).ThrowIfFailed();
        return identity;
    }

    /// <summary>The gradient as a tensor that no scope owns (its owner disposes it), or null.</summary>
    internal static Tensor? TensorGrad(Tensor tensor)
    {
        using var borrow = new TensorBorrow(tensor);
        NativeMethods.TensorGrad(borrow.Pointer, out var result).ThrowIfFailed();
        return result == IntPtr.Zero ? null : Tensor.AdoptUnscoped(result, NativeMethods.TensorNumberOfBytes(result));
    }

    internal static void TensorSetGrad(Tensor tensor, Tensor? gradient)
    {
        using var borrow = new TensorBorrow(tensor);
        using var gradientBorrow = new TensorBorrow(gradient);
        NativeMethods.TensorSetGrad(borrow.Pointer, gradientBorrow.Pointer).ThrowIfFailed();
    }

    internal static void TensorRetainGrad(Tensor tensor)
    {
        using var borrow = new TensorBorrow(tensor);
        NativeMethods.TensorRetainGrad(borrow.Pointer).ThrowIfFailed();
    }

    internal static void TensorBackward(Tensor tensor, Tensor? gradient, bool retainGraph, bool createGraph)
    {
        using var borrow = new TensorBorrow(tensor);
        using var gradientBorrow = new TensorBorrow(gradient);
        NativeMethods.TensorBackward(borrow.Pointer, gradientBorrow.Pointer, retainGraph ? 1 : 0, createGraph ? 1 : 0).ThrowIfFailed();
    }

    internal static Tensor TensorDetach(Tensor tensor)
    {
        using var borrow = new TensorBorrow(tensor);
        return Created.Tensor(NativeMethods.TensorDetach(borrow.Pointer, out var result), result);
    }

    internal static void TensorDetachInPlace(Tensor tensor)
    {
        using var borrow = new TensorBorrow(tensor);
        NativeMethods.TensorDetachInPlace(borrow.Pointer).ThrowIfFailed();
    }

    internal static string? TensorGradFunctionName(Tensor tensor)
    {
        using var borrow = new TensorBorrow(tensor);
        NativeMethods.TensorGradFunctionName(borrow.Pointer, out var name).ThrowIfFailed();
        var text = Marshal.PtrToStringUTF8(name);
        return string.IsNullOrEmpty(text) ? null : text;
    }

    internal static Tensor?[] AutogradGrad(IReadOnlyList<Tensor> outputs, IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?>? gradOutputs,
        bool? retainGraph, bool createGraph, bool allowUnused)
    {
        using var outputHandles = BorrowedTensors.Of(outputs.ToArray());
        using var gradHandles = BorrowedTensors.OfOptional(Enumerable.Range(0, outputs.Count).Select(i => gradOutputs?[i]).ToArray());
        using var inputHandles = BorrowedTensors.Of(inputs.ToArray());
        var results = new IntPtr[inputs.Count];
        fixed (IntPtr* outputPointers = outputHandles.Pointers)
        fixed (IntPtr* gradPointers = gradHandles.Pointers)
        fixed (IntPtr* inputPointers = inputHandles.Pointers)
        fixed (IntPtr* resultPointers = results)
        {
            NativeMethods.AutogradGrad(outputPointers, gradPointers, outputs.Count, inputPointers, inputs.Count,
                retainGraph is { } retain ? (retain ? 1 : 0) : -1, createGraph ? 1 : 0, allowUnused ? 1 : 0, resultPointers).ThrowIfFailed();
        }
        return results.Select(pointer => pointer == IntPtr.Zero ? null : Created.Tensor(pointer)).ToArray();
    }

    internal static bool AutogradIsEnabled() => NativeMethods.AutogradIsEnabled() != 0;

    /// <summary>Sets grad mode on this thread; returns the previous mode.</summary>
    internal static bool AutogradSetEnabled(bool enabled) => NativeMethods.AutogradSetEnabled(enabled ? 1 : 0) != 0;

    /// <summary>Multiplies the gradients by <paramref name="inverseScale"/> in place; whether any held an inf or NaN before.</summary>
    internal static bool AmpUnscale(IReadOnlyList<Tensor> gradients, double inverseScale)
    {
        using var borrowed = BorrowedTensors.Of(gradients.ToArray());
        int found;
        fixed (IntPtr* pointers = borrowed.Pointers)
            NativeMethods.AmpUnscale(pointers, gradients.Count, inverseScale, out found).ThrowIfFailed();
        return found != 0;
    }

    internal static (bool Enabled, int DType) AutocastEnter(DeviceType deviceType, bool enabled, DType dtype)
    {
        NativeMethods.AutocastEnter((int)deviceType, enabled ? 1 : 0, (int)dtype, out var previousEnabled, out var previousDType).ThrowIfFailed();
        return (previousEnabled != 0, previousDType);
    }

    internal static void AutocastExit(DeviceType deviceType, bool previousEnabled, int previousDType) =>
        NativeMethods.AutocastExit((int)deviceType, previousEnabled ? 1 : 0, previousDType).ThrowIfFailed();

    internal static bool AutocastIsEnabled(DeviceType deviceType)
    {
        NativeMethods.AutocastIsEnabled((int)deviceType, out var enabled).ThrowIfFailed();
        return enabled != 0;
    }
}
