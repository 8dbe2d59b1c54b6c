using System.Runtime.InteropServices;
using NeuralCore.Interop.Handles;

namespace NeuralCore.Interop;

// nc_autograd.h
internal static unsafe partial class NativeMethods
{
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_set_requires_grad")] internal static partial NativeStatus TensorSetRequiresGrad(TensorHandle tensor, int requiresGrad);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_grad")] internal static partial NativeStatus TensorGrad(TensorHandle tensor, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_set_grad")] internal static partial NativeStatus TensorSetGrad(TensorHandle tensor, TensorHandle gradient);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_retain_grad")] internal static partial NativeStatus TensorRetainGrad(TensorHandle tensor);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_backward")] internal static partial NativeStatus TensorBackward(TensorHandle tensor, TensorHandle gradient, int retainGraph, int createGraph);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_detach")] internal static partial NativeStatus TensorDetach(TensorHandle tensor, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_detach_inplace")] internal static partial NativeStatus TensorDetachInPlace(TensorHandle tensor);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_grad_fn_name")] internal static partial NativeStatus TensorGradFunctionName(TensorHandle tensor, out IntPtr name);

    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_autograd_grad")]
    internal static partial NativeStatus AutogradGrad(IntPtr* outputs, IntPtr* gradOutputs, int outputCount, IntPtr* inputs, int inputCount,
        int retainGraph, int createGraph, int allowUnused, IntPtr* results);

    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_autocast_enter")] internal static partial NativeStatus AutocastEnter(int deviceType, int enabled, int dtype, out int previousEnabled, out int previousDType);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_autocast_exit")] internal static partial NativeStatus AutocastExit(int deviceType, int previousEnabled, int previousDType);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_autocast_is_enabled")] internal static partial NativeStatus AutocastIsEnabled(int deviceType, out int enabled);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_autograd_is_enabled")] internal static partial int AutogradIsEnabled();
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_autograd_set_enabled")] internal static partial int AutogradSetEnabled(int enabled);
}
