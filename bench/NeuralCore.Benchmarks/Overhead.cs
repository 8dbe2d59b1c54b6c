using System.Diagnostics;
using System.Runtime.InteropServices;
using NeuralCore;

namespace NeuralCore.Benchmarks;

/// <summary>
/// Where add_10elem's time goes: the same c = a + b through lighter and lighter paths into the same shim function,
/// timed with the loop the comparison uses. The differences are the facade's costs per operation.
/// </summary>
internal static unsafe class Overhead
{
    public static void Run()
    {
        Torch.SetNumThreads(2);
        using var a = Tensor.Randn(10);
        using var b = Tensor.Randn(10);
        var library = NativeLibrary.Load(Path.Combine(AppContext.BaseDirectory, "libneuralcore.so"));
        var add = (delegate* unmanaged<IntPtr, IntPtr, IntPtr*, int>)NativeLibrary.GetExport(library, "nc_tensor_add");
        var free = (delegate* unmanaged<IntPtr, void>)NativeLibrary.GetExport(library, "nc_tensor_free");
        var pointers = typeof(Tensor).GetField("pointer", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!;
        var rawA = (IntPtr)pointers.GetValue(a)!;
        var rawB = (IntPtr)pointers.GetValue(b)!;

        Report("raw function pointers, IntPtr handles (add + free)", () =>
        {
            IntPtr result;
            add(rawA, rawB, &result);
            free(result);
        });
        var handleA = new OwnedHandle(rawA, owns: false);
        var handleB = new OwnedHandle(rawB, owns: false);
        IntPtr AddWithSafeHandleInputs()
        {
            bool addedA = false, addedB = false;
            handleA.DangerousAddRef(ref addedA);
            handleB.DangerousAddRef(ref addedB);
            IntPtr result;
            add(handleA.DangerousGetHandle(), handleB.DangerousGetHandle(), &result);
            handleB.DangerousRelease();
            handleA.DangerousRelease();
            return result;
        }
        Report("+ inputs as SafeHandles (add-ref and release around the call)", () => free(AddWithSafeHandleInputs()));
        Report("+ result owned by a SafeHandle, disposed", () => new OwnedHandle(AddWithSafeHandleInputs(), owns: true).Dispose());
        Report("facade: (a + b).Dispose()", () => (a + b).Dispose());
        Report("facade inside a scope: a + b, scope disposes", () =>
        {
            using var scope = TensorScope.Begin();
            _ = a + b;
        });
    }

    // A SafeHandle whose release frees the native tensor (what the facade used before Tensor became its own handle).
    private sealed class OwnedHandle : SafeHandle
    {
        private static readonly delegate* unmanaged<IntPtr, void> Free =
            (delegate* unmanaged<IntPtr, void>)NativeLibrary.GetExport(NativeLibrary.Load(Path.Combine(AppContext.BaseDirectory, "libneuralcore.so")), "nc_tensor_free");

        public OwnedHandle(IntPtr value, bool owns) : base(IntPtr.Zero, owns) => SetHandle(value);

        public override bool IsInvalid => handle == IntPtr.Zero;

        protected override bool ReleaseHandle()
        {
            Free(handle);
            return true;
        }
    }

    private static void Report(string name, Action step)
    {
        var median = Timing.Median(step);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++) step();
        var bytes = (GC.GetAllocatedBytesForCurrentThread() - before) / 1000.0;
        Console.WriteLine($"{median * 1000,8:F0} ns {bytes,6:F0} B managed  {name}");
    }
}
