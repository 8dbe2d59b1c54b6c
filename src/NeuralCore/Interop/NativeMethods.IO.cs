using System.Runtime.InteropServices;

namespace NeuralCore.Interop;

// nc_io.h
internal static unsafe partial class NativeMethods
{
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_io_save", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial NativeStatus IOSave(IntPtr* names, IntPtr* tensors, int count, string path);

    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_io_write_file", StringMarshalling = StringMarshalling.Utf8)]
    private static partial NativeStatus IOWriteFileRaw(string path, void** chunks, long* sizes, int count);

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
                IOWriteFileRaw(path, (void**)chunkPointers, chunkSizes, chunks.Count).ThrowIfFailed();
        }
        finally
        {
            foreach (var handle in handles) handle.Free();
        }
    }

    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_io_read_tensor", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial NativeStatus IOReadTensor(string path, long offset, long* shape, int dimensions, int dtype, out Handles.TensorHandle result);
}
