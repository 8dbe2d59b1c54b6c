using Microsoft.Win32.SafeHandles;

namespace NeuralCore.Interop.Handles;

/// <summary>Owns one native tensor reference; releasing it calls <c>nc_tensor_free</c>.</summary>
internal sealed class TensorHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    private long reportedBytes;

    public TensorHandle() : base(ownsHandle: true) { }  // LibraryImport needs a public parameterless constructor

    /// <summary>Passes as a null <c>nc_tensor*</c> where an argument is optional. Never disposed.</summary>
    internal static readonly TensorHandle Null = new();

    internal TensorHandle(IntPtr existing) : base(ownsHandle: true) => SetHandle(existing);

    internal long ReportedBytes => reportedBytes;

    /// <summary>Tells the GC about native bytes this handle keeps alive, so forgotten tensors still get collected.</summary>
    internal void ReportNativeBytes(long bytes)
    {
        if (bytes <= 0) return;
        GC.AddMemoryPressure(bytes);
        reportedBytes = bytes;
    }

    protected override bool ReleaseHandle()
    {
        NativeMethods.TensorFree(handle);
        if (reportedBytes > 0) GC.RemoveMemoryPressure(reportedBytes);
        return true;
    }
}
