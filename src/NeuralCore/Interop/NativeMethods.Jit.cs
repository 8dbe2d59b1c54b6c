using System.Collections;
using System.Runtime.CompilerServices;
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
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_jit_parameter")] internal static partial NativeStatus JitParameter(ScriptModuleHandle module, int index, out IntPtr name, out IntPtr parameter);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_jit_train")] internal static partial NativeStatus JitTrain(ScriptModuleHandle module, int training);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_jit_to")] internal static partial NativeStatus JitTo(ScriptModuleHandle module, int deviceType, int deviceIndex, int dtype);

    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_value_free")] internal static partial void ValueFree(IntPtr value);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_value_none")] internal static partial NativeStatus ValueNone(out ValueHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_value_from_tensor")] internal static partial NativeStatus ValueFromTensor(IntPtr tensor, out ValueHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_value_from_double")] internal static partial NativeStatus ValueFromDouble(double value, out ValueHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_value_from_int")] internal static partial NativeStatus ValueFromInt(long value, out ValueHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_value_from_bool")] internal static partial NativeStatus ValueFromBool(int value, out ValueHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_value_from_string", StringMarshalling = StringMarshalling.Utf8)] internal static partial NativeStatus ValueFromString(string value, out ValueHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_value_list")] internal static partial NativeStatus ValueList(IntPtr* items, int count, out ValueHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_value_tuple")] internal static partial NativeStatus ValueTuple(IntPtr* items, int count, out ValueHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_value_kind")] internal static partial int ValueKind(ValueHandle value);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_value_to_tensor")] internal static partial NativeStatus ValueToTensor(ValueHandle value, out IntPtr result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_value_to_double")] internal static partial NativeStatus ValueToDouble(ValueHandle value, out double result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_value_to_int")] internal static partial NativeStatus ValueToInt(ValueHandle value, out long result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_value_to_bool")] internal static partial NativeStatus ValueToBool(ValueHandle value, out int result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_value_to_string")] internal static partial NativeStatus ValueToString(ValueHandle value, out IntPtr result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_value_count")] internal static partial NativeStatus ValueCount(ValueHandle value, out int count);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_value_item")] internal static partial NativeStatus ValueItem(ValueHandle value, int index, out ValueHandle result);
}

// The checked forms of nc_jit.h for the facade: loading, parameters, calls and the values they pass.
internal static unsafe partial class LibTorch
{
    internal static ScriptModuleHandle JitLoad(string path, Device? device)
    {
        var status = NativeMethods.JitLoad(path, device is { } d ? (int)d.Type : -1, device?.Index ?? -1, out var handle);
        if (status != NativeStatus.Ok) handle.Dispose();
        status.ThrowIfFailed();
        return handle;
    }

    internal static List<(string Name, Tensor Parameter)> JitParameters(ScriptModuleHandle module)
    {
        NativeMethods.JitParameterCount(module, out var count).ThrowIfFailed();
        var parameters = new List<(string, Tensor)>(count);
        for (var i = 0; i < count; i++)
        {
            var status = NativeMethods.JitParameter(module, i, out var name, out var parameter);
            parameters.Add((Marshal.PtrToStringUTF8(name)!, Created.Tensor(status, parameter)));
        }
        return parameters;
    }

    internal static string[] JitMethodNames(ScriptModuleHandle module)
    {
        NativeMethods.JitMethodCount(module, out var methods).ThrowIfFailed();
        return Enumerable.Range(0, methods).Select(i =>
        {
            NativeMethods.JitMethodName(module, i, out var name).ThrowIfFailed();
            return Marshal.PtrToStringUTF8(name)!;
        }).ToArray();
    }

    internal static object? JitInvoke(ScriptModuleHandle module, string method, object?[] arguments)
    {
        var values = new List<ValueHandle>();
        try
        {
            foreach (var argument in arguments) values.Add(ToValue(argument));
            using var borrowed = new BorrowedHandles(values.ToArray());
            fixed (IntPtr* args = borrowed.Pointers)
            {
                NativeMethods.JitInvoke(module, method, args, values.Count, out var result).ThrowIfFailed();
                using (result) return FromValue(result);
            }
        }
        finally
        {
            foreach (var value in values) value.Dispose();
        }
    }

    internal static void JitTrain(ScriptModuleHandle module, bool mode) => NativeMethods.JitTrain(module, mode ? 1 : 0).ThrowIfFailed();

    internal static void JitTo(ScriptModuleHandle module, Device? device, DType? dtype) =>
        NativeMethods.JitTo(module, device is { } d ? (int)d.Type : -1, device?.Index ?? -1, dtype is { } t ? (int)t : -1).ThrowIfFailed();

    private static ValueHandle ToValue(object? argument)
    {
        NativeStatus status;
        ValueHandle result;
        switch (argument)
        {
            case null: status = NativeMethods.ValueNone(out result); break;
            case Tensor tensor:
            {
                using var borrow = new TensorBorrow(tensor);
                status = NativeMethods.ValueFromTensor(borrow.Pointer, out result);
                break;
            }
            case double d: status = NativeMethods.ValueFromDouble(d, out result); break;
            case float f: status = NativeMethods.ValueFromDouble(f, out result); break;
            case long l: status = NativeMethods.ValueFromInt(l, out result); break;
            case int i: status = NativeMethods.ValueFromInt(i, out result); break;
            case bool b: status = NativeMethods.ValueFromBool(b ? 1 : 0, out result); break;
            case string s: status = NativeMethods.ValueFromString(s, out result); break;
            case ITuple tuple:
                return Composite(Enumerable.Range(0, tuple.Length).Select(i => tuple[i]), tuple: true);
            case IEnumerable items:
                return Composite(items.Cast<object?>(), tuple: false);
            default:
                throw new ArgumentException($"a {argument.GetType().Name} cannot be passed to TorchScript; use tensors, numbers, bools, strings, tuples or lists");
        }
        if (status != NativeStatus.Ok) result.Dispose();
        status.ThrowIfFailed();
        return result;
    }

    private static unsafe ValueHandle Composite(IEnumerable<object?> items, bool tuple)
    {
        var values = items.Select(ToValue).ToList();
        try
        {
            using var borrowed = new BorrowedHandles(values.ToArray());
            fixed (IntPtr* pointer = borrowed.Pointers)
            {
                var status = tuple ? NativeMethods.ValueTuple(pointer, values.Count, out var result) : NativeMethods.ValueList(pointer, values.Count, out result);
                if (status != NativeStatus.Ok) result.Dispose();
                status.ThrowIfFailed();
                return result;
            }
        }
        finally
        {
            foreach (var value in values) value.Dispose();
        }
    }

    private static object? FromValue(ValueHandle value)
    {
        switch (NativeMethods.ValueKind(value))
        {
            case NativeConstants.ValueNone: return null;
            case NativeConstants.ValueTensor:
                return Created.Tensor(NativeMethods.ValueToTensor(value, out var tensor), tensor);
            case NativeConstants.ValueDouble:
                NativeMethods.ValueToDouble(value, out var d).ThrowIfFailed();
                return d;
            case NativeConstants.ValueInt:
                NativeMethods.ValueToInt(value, out var l).ThrowIfFailed();
                return l;
            case NativeConstants.ValueBool:
                NativeMethods.ValueToBool(value, out var b).ThrowIfFailed();
                return b != 0;
            case NativeConstants.ValueString:
                NativeMethods.ValueToString(value, out var text).ThrowIfFailed();
                return Marshal.PtrToStringUTF8(text);
            case NativeConstants.ValueList:
            case NativeConstants.ValueTuple:
                NativeMethods.ValueCount(value, out var count).ThrowIfFailed();
                var items = new List<object?>(count);
                for (var i = 0; i < count; i++)
                {
                    NativeMethods.ValueItem(value, i, out var item).ThrowIfFailed();
                    using (item) items.Add(FromValue(item));
                }
                return NativeMethods.ValueKind(value) == NativeConstants.ValueTuple ? items.ToArray() : items;
            default:
                throw new NotSupportedException("the method returned a TorchScript value that has no .NET counterpart here (dicts, objects)");
        }
    }
}
