using System.Runtime.InteropServices;

namespace NeuralCore.Interop;

/// <summary>Status codes of the C ABI (<c>nc_common.h</c>).</summary>
internal enum NativeStatus
{
    Ok = NativeConstants.Ok,
    Error = NativeConstants.Error,
    OutOfMemory = NativeConstants.OutOfMemory,
    IndexError = NativeConstants.IndexError,
    ValueError = NativeConstants.ValueError,
    TypeError = NativeConstants.TypeError,
    NotImplemented = NativeConstants.NotImplemented,
    InvalidArgument = NativeConstants.InvalidArgument,
    StdError = NativeConstants.StdError,
    UnknownError = NativeConstants.UnknownError,
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
