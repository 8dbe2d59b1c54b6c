using System.Collections;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NeuralCore.Interop;
using NeuralCore.Interop.Handles;
using NeuralCore.NN;

namespace NeuralCore.Jit;

/// <summary>
/// A TorchScript module (torch.jit.script or torch.jit.trace, saved with torch.jit.save) loaded for inference or further
/// training: <see cref="Forward"/> runs its <c>forward</c>, <see cref="Invoke"/> any method with tensors, numbers, booleans,
/// strings, None, lists and tuples. Its parameters are the loaded module's own (not copies).
/// </summary>
/// <example>
/// <code>
/// using var model = ScriptModule.Load("model.pt");
/// model.Eval();
/// using var logits = model.Forward(images);
/// </code>
/// </example>
public sealed class ScriptModule : Module
{
    private readonly ScriptModuleHandle handle;

    private ScriptModule(ScriptModuleHandle handle)
    {
        this.handle = handle;
        NativeMethods.JitParameterCount(handle, out var count).ThrowIfFailed();
        for (var i = 0; i < count; i++)
        {
            var status = NativeMethods.JitParameter(handle, i, out var name, out var parameter);
            RegisterQualifiedParameter(Marshal.PtrToStringUTF8(name)!, Parameter.Wrap(Tensor.Result(status, parameter)));
        }
        NativeMethods.JitMethodCount(handle, out var methods).ThrowIfFailed();
        MethodNames = Enumerable.Range(0, methods).Select(i =>
        {
            NativeMethods.JitMethodName(handle, i, out var name).ThrowIfFailed();
            return Marshal.PtrToStringUTF8(name)!;
        }).ToArray();
    }

    /// <summary>Loads <paramref name="path"/>, onto <paramref name="device"/> when given (else where it was saved).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The archive is inconsistent (a tensor record of the wrong size, an entry that
    /// declares more bytes than it can hold); checked before libtorch reads it.</exception>
    /// <exception cref="TorchException">The file is not a TorchScript archive; the message names the file.</exception>
    public static ScriptModule Load(string path, Device? device = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"TorchScript file not found: {path}", path);
        TorchScriptArchive.Validate(path);
        var status = NativeMethods.JitLoad(Path.GetFullPath(path), device is { } d ? (int)d.Type : -1, device?.Index ?? -1, out var handle);
        if (status != NativeStatus.Ok)
        {
            handle.Dispose();
            try
            {
                status.ThrowIfFailed();
            }
            catch (TorchException e)
            {
                throw new TorchException($"{path}: not a loadable TorchScript module: {e.Message}", e.Kind);
            }
        }
        return new ScriptModule(handle);
    }

    /// <summary>The methods the module exposes (forward included).</summary>
    public IReadOnlyList<string> MethodNames { get; }

    /// <summary>Runs <c>forward(input)</c>, which must return a tensor.</summary>
    public override Tensor Forward(Tensor input) =>
        Invoke("forward", input) as Tensor ?? throw new InvalidOperationException("forward did not return a tensor; use Invoke to get other results");

    /// <summary>
    /// Calls <paramref name="method"/> with <paramref name="arguments"/>: <see cref="Tensor"/>, double/float, long/int, bool,
    /// string, null, tuples (<see cref="ITuple"/>) and lists (arrays or lists) of these. Returns the same kinds: a
    /// <see cref="Tensor"/>, double, long, bool, string, null, <c>object?[]</c> for tuples and <c>List&lt;object?&gt;</c> for lists.
    /// </summary>
    /// <exception cref="TorchException">The method does not exist, or the arguments do not match its schema.</exception>
    public unsafe object? Invoke(string method, params object?[] arguments)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(arguments);
        var values = new List<ValueHandle>();
        try
        {
            foreach (var argument in arguments) values.Add(ToValue(argument));
            using var borrowed = new BorrowedHandles(values.ToArray());
            fixed (IntPtr* args = borrowed.Pointers)
            {
                NativeMethods.JitInvoke(Handle, method, args, values.Count, out var result).ThrowIfFailed();
                using (result) return FromValue(result);
            }
        }
        finally
        {
            foreach (var value in values) value.Dispose();
        }
    }

    private ScriptModuleHandle Handle => handle.IsClosed ? throw new ObjectDisposedException(nameof(ScriptModule)) : handle;

    public override Module Train(bool mode = true)
    {
        NativeMethods.JitTrain(Handle, mode ? 1 : 0).ThrowIfFailed();
        return base.Train(mode);
    }

    /// <summary>Moves parameters and buffers to <paramref name="device"/> in place.</summary>
    public override Module To(Device device)
    {
        NativeMethods.JitTo(Handle, (int)device.Type, device.Index, -1).ThrowIfFailed();
        return this;
    }

    /// <summary>Converts floating-point parameters and buffers to <paramref name="dtype"/> in place.</summary>
    public override Module To(DType dtype)
    {
        NativeMethods.JitTo(Handle, -1, -1, (int)dtype).ThrowIfFailed();
        return this;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) handle.Dispose();
    }

    private static unsafe ValueHandle ToValue(object? argument)
    {
        NativeStatus status;
        ValueHandle result;
        switch (argument)
        {
            case null: status = NativeMethods.ValueNone(out result); break;
            case Tensor tensor: status = NativeMethods.ValueFromTensor(tensor.Handle, out result); break;
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
            case 0: return null;
            case 1:
                return Tensor.Result(NativeMethods.ValueToTensor(value, out var tensor), tensor);
            case 2:
                NativeMethods.ValueToDouble(value, out var d).ThrowIfFailed();
                return d;
            case 3:
                NativeMethods.ValueToInt(value, out var l).ThrowIfFailed();
                return l;
            case 4:
                NativeMethods.ValueToBool(value, out var b).ThrowIfFailed();
                return b != 0;
            case 5:
                NativeMethods.ValueToString(value, out var text).ThrowIfFailed();
                return Marshal.PtrToStringUTF8(text);
            case 6:
            case 7:
                NativeMethods.ValueCount(value, out var count).ThrowIfFailed();
                var items = new List<object?>(count);
                for (var i = 0; i < count; i++)
                {
                    NativeMethods.ValueItem(value, i, out var item).ThrowIfFailed();
                    using (item) items.Add(FromValue(item));
                }
                return NativeMethods.ValueKind(value) == 7 ? items.ToArray() : items;
            default:
                throw new NotSupportedException("the method returned a TorchScript value that has no .NET counterpart here (dicts, objects)");
        }
    }
}
