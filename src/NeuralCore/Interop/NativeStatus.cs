using System.Runtime.InteropServices;

namespace NeuralCore.Interop;

/// <summary>Status codes of the C ABI (<c>nc_common.h</c>).</summary>
internal enum NativeStatus
{
    Ok = 0,
    Error = 1,
    OutOfMemory = 2,
    IndexError = 3,
    ValueError = 4,
    TypeError = 5,
    NotImplemented = 6,
    InvalidArgument = 7,
    StdError = 8,
    UnknownError = 9,
}

internal static class NativeStatusExtensions
{
    /// <summary>The one place where a native status becomes a .NET exception.</summary>
    public static void ThrowIfFailed(this NativeStatus status)
    {
        if (status != NativeStatus.Ok) throw CreateException(status);
    }

    private static Exception CreateException(NativeStatus status)
    {
        // The buffer belongs to the native library (thread-local), so read it as a pointer and copy.
        var message = Marshal.PtrToStringUTF8(NativeMethods.LastErrorMessage()) ?? "unknown libtorch error";
        return status == NativeStatus.OutOfMemory
            ? new TorchOutOfMemoryException(message)
            : new TorchException(message, (TorchErrorKind)status);
    }
}
