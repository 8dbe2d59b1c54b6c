using System.Runtime.InteropServices;
using NeuralCore.Interop.Handles;

namespace NeuralCore.Interop;

[StructLayout(LayoutKind.Sequential)]
internal struct NativeOptimizerOptions
{
    public double LearningRate;
    public double Momentum;
    public double Dampening;
    public double WeightDecay;
    public double Beta1;
    public double Beta2;
    public double Eps;
    public double Alpha;
    public double LearningRateDecay;
    public double InitialAccumulatorValue;
    public int Nesterov;
    public int AmsGrad;
    public int Centered;
    public int Reserved;
}

// nc_optim.h
internal static unsafe partial class NativeMethods
{
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_optimizer_create")]
    internal static partial NativeStatus OptimizerCreate(int kind, IntPtr* parameters, int* groupSizes, int groupCount, NativeOptimizerOptions* groupOptions, out OptimizerHandle result);

    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_optimizer_free")] internal static partial void OptimizerFree(IntPtr optimizer);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_optimizer_step")] internal static partial NativeStatus OptimizerStep(OptimizerHandle optimizer);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_optimizer_zero_grad")] internal static partial NativeStatus OptimizerZeroGrad(OptimizerHandle optimizer, int setToNone);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_optimizer_get_learning_rate")] internal static partial NativeStatus OptimizerGetLearningRate(OptimizerHandle optimizer, int group, out double learningRate);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_optimizer_save", StringMarshalling = StringMarshalling.Utf8)] internal static partial NativeStatus OptimizerSave(OptimizerHandle optimizer, string path);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_optimizer_load", StringMarshalling = StringMarshalling.Utf8)] internal static partial NativeStatus OptimizerLoad(OptimizerHandle optimizer, string path);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_optimizer_set_learning_rate")] internal static partial NativeStatus OptimizerSetLearningRate(OptimizerHandle optimizer, int group, double learningRate);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_optimizer_foreach_steps")] internal static partial NativeStatus OptimizerForeachSteps(OptimizerHandle optimizer, out long steps);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_optimizer_set_foreach")] internal static partial NativeStatus OptimizerSetForeach(OptimizerHandle optimizer, int mode);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_optimizer_get_option", StringMarshalling = StringMarshalling.Utf8)] internal static partial NativeStatus OptimizerGetOption(OptimizerHandle optimizer, int group, string name, out double value);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_optimizer_set_option", StringMarshalling = StringMarshalling.Utf8)] internal static partial NativeStatus OptimizerSetOption(OptimizerHandle optimizer, int group, string name, double value);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_optimizer_get_state", StringMarshalling = StringMarshalling.Utf8)] internal static partial NativeStatus OptimizerGetState(OptimizerHandle optimizer, int parameter, string name, out IntPtr value);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_optimizer_set_state", StringMarshalling = StringMarshalling.Utf8)] internal static partial NativeStatus OptimizerSetState(OptimizerHandle optimizer, int parameter, string name, IntPtr value);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_optimizer_clear_state")] internal static partial NativeStatus OptimizerClearState(OptimizerHandle optimizer, int parameter);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_optimizer_get_momentum")] internal static partial NativeStatus OptimizerGetMomentum(OptimizerHandle optimizer, int group, out double momentum);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_optimizer_set_momentum")] internal static partial NativeStatus OptimizerSetMomentum(OptimizerHandle optimizer, int group, double momentum);
}

// The checked forms of nc_optim.h for the facade.
internal static unsafe partial class LibTorch
{
    /// <summary>An optimizer of <paramref name="kind"/> (NativeConstants.Optim*) over parameter groups of the given sizes, in order.</summary>
    internal static OptimizerHandle OptimizerCreate(int kind, IReadOnlyList<Tensor> parameters, int[] groupSizes, NativeOptimizerOptions[] options)
    {
        using var borrowed = BorrowedTensors.Of(parameters.ToArray());
        OptimizerHandle handle;
        fixed (IntPtr* pointers = borrowed.Pointers)
        fixed (int* sizes = groupSizes)
        fixed (NativeOptimizerOptions* groupOptions = options)
        {
            var status = NativeMethods.OptimizerCreate(kind, pointers, sizes, groupSizes.Length, groupOptions, out handle);
            if (status != NativeStatus.Ok) handle.Dispose();
            status.ThrowIfFailed();
        }
        return handle;
    }

    internal static void OptimizerStep(OptimizerHandle optimizer) => NativeMethods.OptimizerStep(optimizer).ThrowIfFailed();

    internal static void OptimizerZeroGrad(OptimizerHandle optimizer, bool setToNone) =>
        NativeMethods.OptimizerZeroGrad(optimizer, setToNone ? 1 : 0).ThrowIfFailed();

    internal static double OptimizerGetLearningRate(OptimizerHandle optimizer, int group)
    {
        NativeMethods.OptimizerGetLearningRate(optimizer, group, out var value).ThrowIfFailed();
        return value;
    }

    internal static void OptimizerSetLearningRate(OptimizerHandle optimizer, int group, double learningRate) =>
        NativeMethods.OptimizerSetLearningRate(optimizer, group, learningRate).ThrowIfFailed();

    internal static double OptimizerGetMomentum(OptimizerHandle optimizer, int group)
    {
        NativeMethods.OptimizerGetMomentum(optimizer, group, out var value).ThrowIfFailed();
        return value;
    }

    internal static void OptimizerSetMomentum(OptimizerHandle optimizer, int group, double momentum) =>
        NativeMethods.OptimizerSetMomentum(optimizer, group, momentum).ThrowIfFailed();

    internal static long OptimizerForeachSteps(OptimizerHandle optimizer)
    {
        NativeMethods.OptimizerForeachSteps(optimizer, out var steps).ThrowIfFailed();
        return steps;
    }

    internal static void OptimizerSetForeach(OptimizerHandle optimizer, int mode) => NativeMethods.OptimizerSetForeach(optimizer, mode).ThrowIfFailed();

    internal static double OptimizerGetOption(OptimizerHandle optimizer, int group, string name)
    {
        NativeMethods.OptimizerGetOption(optimizer, group, name, out var value).ThrowIfFailed();
        return value;
    }

    internal static void OptimizerSetOption(OptimizerHandle optimizer, int group, string name, double value) =>
        NativeMethods.OptimizerSetOption(optimizer, group, name, value).ThrowIfFailed();

    /// <summary>A parameter's state entry (an alias of the optimizer's tensor; "step" a new scalar), or null where there is none.</summary>
    internal static Tensor? OptimizerGetState(OptimizerHandle optimizer, int parameter, string name)
    {
        NativeMethods.OptimizerGetState(optimizer, parameter, name, out var value).ThrowIfFailed();
        return value == IntPtr.Zero ? null : Created.Tensor(value);
    }

    internal static void OptimizerSetState(OptimizerHandle optimizer, int parameter, string name, Tensor value)
    {
        using var borrow = new TensorBorrow(value);
        NativeMethods.OptimizerSetState(optimizer, parameter, name, borrow.Pointer).ThrowIfFailed();
    }

    internal static void OptimizerClearState(OptimizerHandle optimizer, int parameter) =>
        NativeMethods.OptimizerClearState(optimizer, parameter).ThrowIfFailed();

    internal static void OptimizerSave(OptimizerHandle optimizer, string path) => NativeMethods.OptimizerSave(optimizer, path).ThrowIfFailed();

    internal static void OptimizerLoad(OptimizerHandle optimizer, string path) => NativeMethods.OptimizerLoad(optimizer, path).ThrowIfFailed();
}
