using Microsoft.Win32.SafeHandles;

namespace NeuralCore.Interop.Handles;

/// <summary>Owns one native optimizer; releasing it calls <c>nc_optimizer_free</c>.</summary>
internal sealed class OptimizerHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public OptimizerHandle() : base(ownsHandle: true) { }

    protected override bool ReleaseHandle()
    {
        NativeMethods.OptimizerFree(handle);
        return true;
    }
}
