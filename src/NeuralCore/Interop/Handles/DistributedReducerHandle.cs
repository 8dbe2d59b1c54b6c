using Microsoft.Win32.SafeHandles;

namespace NeuralCore.Interop.Handles;

/// <summary>Owns the gradient hooks and buckets of one DistributedDataParallel; releasing it calls <c>nc_dist_reducer_free</c>.</summary>
internal sealed class DistributedReducerHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public DistributedReducerHandle() : base(ownsHandle: true) { }

    protected override bool ReleaseHandle()
    {
        NativeMethods.DistReducerFree(handle);
        return true;
    }
}
