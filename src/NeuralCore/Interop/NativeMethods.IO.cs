using System.Runtime.InteropServices;

namespace NeuralCore.Interop;

// nc_io.h
internal static unsafe partial class NativeMethods
{
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_io_save", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial NativeStatus IOSave(IntPtr* names, IntPtr* tensors, int count, string path);

    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_io_write_file", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial NativeStatus IOWriteFileRaw(string path, void** chunks, long* sizes, int count);

    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_io_read_tensor", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial NativeStatus IOReadTensor(string path, long offset, long* shape, int dimensions, int dtype, out IntPtr result);
}

// The checked forms of nc_io.h for the facade.
internal static unsafe partial class LibTorch
{
    /// <summary>Writes the chunks to <paramref name="path"/> atomically (a temporary file flushed to disk, then renamed).</summary>
    internal static void IOWriteFile(string path, IReadOnlyList<byte[]> chunks)
    {
        var handles = chunks.Select(c => GCHandle.Alloc(c, GCHandleType.Pinned)).ToArray();
        try
        {
            var pointers = handles.Select(h => (nint)h.AddrOfPinnedObject()).ToArray();
            var sizes = chunks.Select(c => (long)c.Length).ToArray();
            fixed (nint* chunkPointers = pointers)
            fixed (long* chunkSizes = sizes)
                NativeMethods.IOWriteFileRaw(path, (void**)chunkPointers, chunkSizes, chunks.Count).ThrowIfFailed();
        }
        finally
        {
            foreach (var handle in handles) handle.Free();
        }
    }

    /// <summary>Reads one tensor's bytes from <paramref name="path"/> at <paramref name="offset"/> into a new tensor no scope owns.</summary>
    internal static Tensor IOReadTensor(string path, long offset, ReadOnlySpan<long> shape, DType dtype)
    {
        IntPtr result;
        fixed (long* sizes = shape)
            NativeMethods.IOReadTensor(path, offset, sizes, shape.Length, (int)dtype, out result).ThrowIfFailed();
        return Tensor.AdoptUnscoped(result, NativeMethods.TensorNumberOfBytes(result));
    }

    /// <summary>torch.save of name → tensor pairs, in order.</summary>
    internal static void IOSave(IReadOnlyList<KeyValuePair<string, Tensor>> entries, string path)
    {
        var names = new IntPtr[entries.Count];
        try
        {
            for (var i = 0; i < entries.Count; i++) names[i] = Marshal.StringToCoTaskMemUTF8(entries[i].Key);
            using var borrowed = BorrowedTensors.Of(entries.Select(e => e.Value).ToArray());
            fixed (IntPtr* namePointers = names)
            fixed (IntPtr* tensorPointers = borrowed.Pointers)
                NativeMethods.IOSave(namePointers, tensorPointers, entries.Count, path).ThrowIfFailed();
        }
        finally
        {
            foreach (var name in names) Marshal.FreeCoTaskMem(name);
        }
    }
}
