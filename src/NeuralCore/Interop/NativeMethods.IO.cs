using System.Runtime.InteropServices;
using NeuralCore.Interop.Handles;

namespace NeuralCore.Interop;

// nc_io.h
internal static unsafe partial class NativeMethods
{
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_io_save", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial NativeStatus IOSave(IntPtr* names, IntPtr* tensors, int count, string path);

    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_io_load", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial NativeStatus IOLoad(string path, out TensorDictHandle result);

    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_dict_count")] internal static partial int TensorDictCount(TensorDictHandle dict);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_dict_entry")] internal static partial NativeStatus TensorDictEntry(TensorDictHandle dict, int index, out IntPtr name, out TensorHandle tensor);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_tensor_dict_free")] internal static partial void TensorDictFree(IntPtr dict);
}
