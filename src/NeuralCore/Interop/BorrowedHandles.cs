using System.Runtime.InteropServices;

namespace NeuralCore.Interop;

/// <summary>Borrows the raw pointers of several handles for one native call, keeping each alive until disposed.</summary>
internal readonly ref struct BorrowedHandles
{
    private readonly SafeHandle?[] handles;
    private readonly bool[] added;

    public readonly IntPtr[] Pointers;

    public BorrowedHandles(ReadOnlySpan<SafeHandle?> source)
    {
        handles = source.ToArray();
        added = new bool[handles.Length];
        Pointers = new IntPtr[handles.Length];
        try
        {
            for (var i = 0; i < handles.Length; i++)
            {
                if (handles[i] is not { } handle) continue;
                handle.DangerousAddRef(ref added[i]);
                Pointers[i] = handle.DangerousGetHandle();
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        for (var i = 0; i < handles.Length; i++)
        {
            if (added[i]) handles[i]!.DangerousRelease();
            added[i] = false;
        }
    }
}
