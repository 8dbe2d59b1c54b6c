using System.Buffers;
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;

namespace NeuralCore.Interop;

/// <summary>Memory that tensors borrow without copying; released once the last tensor over it is gone.</summary>
internal abstract class ExternalMemory
{
    public abstract void Release();
}

/// <summary>Managed memory pinned for as long as a tensor uses it (Tensor.FromMemory).</summary>
internal sealed unsafe class PinnedMemory(MemoryHandle handle) : ExternalMemory
{
    public IntPtr Address => (IntPtr)handle.Pointer;

    public override void Release() => handle.Dispose();
}

/// <summary>A copy-on-write mapping of a file shared by the tensors made over it; unmapped when the last reference goes.</summary>
internal sealed unsafe class MappedFile : ExternalMemory
{
    private readonly MemoryMappedFile file;
    private readonly MemoryMappedViewAccessor view;
    private readonly byte* start;
    private int references = 1;

    private MappedFile(string path)
    {
        file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.CopyOnWrite);
        view = file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.CopyOnWrite);
        byte* pointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        start = pointer + view.PointerOffset;
    }

    public static MappedFile Open(string path) => new(path);

    /// <summary>A tensor over the bytes at <paramref name="offset"/>; it holds a reference to the mapping.</summary>
    public Tensor Tensor(long offset, ReadOnlySpan<long> shape, DType dtype)
    {
        Interlocked.Increment(ref references);
        return LibTorch.TensorOver(this, (IntPtr)(start + offset), shape, dtype);
    }

    public override void Release()
    {
        if (Interlocked.Decrement(ref references) != 0) return;
        view.SafeMemoryMappedViewHandle.ReleasePointer();
        view.Dispose();
        file.Dispose();
    }
}

internal static unsafe partial class LibTorch
{
    /// <summary>A tensor over <paramref name="address"/>, which <paramref name="owner"/> keeps valid until its Release.</summary>
    internal static Tensor TensorOver(ExternalMemory owner, IntPtr address, ReadOnlySpan<long> shape, DType dtype)
    {
        var context = GCHandle.ToIntPtr(GCHandle.Alloc(owner));
        // The native side calls the deleter exactly once, also when creation fails.
        return TensorFromBlob((void*)address, shape, dtype, &ReleaseExternal, context);
    }

    internal static Tensor TensorOverMemory<T>(Memory<T> memory, ReadOnlySpan<long> shape) where T : unmanaged
    {
        var pinned = new PinnedMemory(memory.Pin());
        return TensorOver(pinned, pinned.Address, shape, DTypeExtensions.Of<T>());
    }

    // Native code calls this exactly once per tensor over external memory; an exception must not escape into native frames.
    [UnmanagedCallersOnly]
    private static void ReleaseExternal(IntPtr context)
    {
        try
        {
            var handle = GCHandle.FromIntPtr(context);
            (handle.Target as ExternalMemory)?.Release();
            handle.Free();
        }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException)
        {
        }
    }
}
