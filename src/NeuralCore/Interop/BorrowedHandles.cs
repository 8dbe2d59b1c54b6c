using System.Runtime.InteropServices;
using NeuralCore.Interop.Handles;

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

    /// <summary>Borrows the handles of tensors (none may be null) for one native call.</summary>
    public static BorrowedHandles Of(ReadOnlySpan<Tensor> tensors)
    {
        var handles = new SafeHandle?[tensors.Length];
        for (var i = 0; i < tensors.Length; i++)
            handles[i] = (tensors[i] ?? throw new ArgumentNullException(nameof(tensors), $"tensor {i} is null")).Handle;
        return new BorrowedHandles(handles);
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
