using System.Runtime.InteropServices;
using NeuralCore.Interop.Handles;

namespace NeuralCore.Interop;

// nc_jit.h
internal static unsafe partial class NativeMethods
{
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_jit_load", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial NativeStatus JitLoad(string path, int deviceType, int deviceIndex, out ScriptModuleHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_jit_free")] internal static partial void JitFree(IntPtr module);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_jit_invoke", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial NativeStatus JitInvoke(ScriptModuleHandle module, string method, IntPtr* args, int count, out ValueHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_jit_method_count")] internal static partial NativeStatus JitMethodCount(ScriptModuleHandle module, out int count);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_jit_method_name")] internal static partial NativeStatus JitMethodName(ScriptModuleHandle module, int index, out IntPtr name);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_jit_parameter_count")] internal static partial NativeStatus JitParameterCount(ScriptModuleHandle module, out int count);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_jit_parameter")] internal static partial NativeStatus JitParameter(ScriptModuleHandle module, int index, out IntPtr name, out TensorHandle parameter);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_jit_train")] internal static partial NativeStatus JitTrain(ScriptModuleHandle module, int training);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_jit_to")] internal static partial NativeStatus JitTo(ScriptModuleHandle module, int deviceType, int deviceIndex, int dtype);

    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_value_free")] internal static partial void ValueFree(IntPtr value);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_value_none")] internal static partial NativeStatus ValueNone(out ValueHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_value_from_tensor")] internal static partial NativeStatus ValueFromTensor(TensorHandle tensor, out ValueHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_value_from_double")] internal static partial NativeStatus ValueFromDouble(double value, out ValueHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_value_from_int")] internal static partial NativeStatus ValueFromInt(long value, out ValueHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_value_from_bool")] internal static partial NativeStatus ValueFromBool(int value, out ValueHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_value_from_string", StringMarshalling = StringMarshalling.Utf8)] internal static partial NativeStatus ValueFromString(string value, out ValueHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_value_list")] internal static partial NativeStatus ValueList(IntPtr* items, int count, out ValueHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_value_tuple")] internal static partial NativeStatus ValueTuple(IntPtr* items, int count, out ValueHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_value_kind")] internal static partial int ValueKind(ValueHandle value);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_value_to_tensor")] internal static partial NativeStatus ValueToTensor(ValueHandle value, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_value_to_double")] internal static partial NativeStatus ValueToDouble(ValueHandle value, out double result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_value_to_int")] internal static partial NativeStatus ValueToInt(ValueHandle value, out long result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_value_to_bool")] internal static partial NativeStatus ValueToBool(ValueHandle value, out int result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_value_to_string")] internal static partial NativeStatus ValueToString(ValueHandle value, out IntPtr result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_value_count")] internal static partial NativeStatus ValueCount(ValueHandle value, out int count);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_value_item")] internal static partial NativeStatus ValueItem(ValueHandle value, int index, out ValueHandle result);
}
