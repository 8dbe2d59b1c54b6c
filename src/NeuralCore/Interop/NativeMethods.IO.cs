using System.Runtime.InteropServices;

namespace NeuralCore.Interop;

// nc_io.h
internal static unsafe partial class NativeMethods
{
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_io_save", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial NativeStatus IOSave(IntPtr* names, IntPtr* tensors, int count, string path);

    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_io_read_tensor", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial NativeStatus IOReadTensor(string path, long offset, long* shape, int dimensions, int dtype, out Handles.TensorHandle result);
}
