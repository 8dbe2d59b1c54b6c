using System.Runtime.InteropServices;

namespace NeuralCore.Interop;

/// <summary>Reads the text of a shim function that fills a caller's buffer and returns the text's length.</summary>
internal static class NativeText
{
    private const int Capacity = 1024;

    public static unsafe string Read(delegate*<byte*, int, int> function)
    {
        var buffer = stackalloc byte[Capacity];
        function(buffer, Capacity);
        return Marshal.PtrToStringUTF8((IntPtr)buffer) ?? "";
    }
}
