using Microsoft.Win32.SafeHandles;

namespace NeuralCore.Interop.Handles;

/// <summary>Owns a native process group; releasing it calls <c>nc_dist_free</c>.</summary>
internal sealed class ProcessGroupHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public ProcessGroupHandle() : base(ownsHandle: true) { }

    protected override bool ReleaseHandle()
    {
        NativeMethods.DistFree(handle);
        return true;
    }
}
