using System.Collections;
using System.Runtime.CompilerServices;
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
        foreach (var (name, parameter) in LibTorch.JitParameters(handle)) RegisterQualifiedParameter(name, Parameter.Wrap(parameter));
        MethodNames = LibTorch.JitMethodNames(handle);
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
        try
        {
            return new ScriptModule(LibTorch.JitLoad(Path.GetFullPath(path), device));
        }
        catch (TorchException e)
        {
            throw new TorchException($"{path}: not a loadable TorchScript module: {e.Message}", e.Kind);
        }
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
    public object? Invoke(string method, params object?[] arguments)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(arguments);
        return LibTorch.JitInvoke(Handle, method, arguments);
    }

    private ScriptModuleHandle Handle => handle.IsClosed ? throw new ObjectDisposedException(nameof(ScriptModule)) : handle;

    public override Module Train(bool mode = true)
    {
        LibTorch.JitTrain(Handle, mode);
        return base.Train(mode);
    }

    /// <summary>Moves parameters and buffers to <paramref name="device"/> in place.</summary>
    public override Module To(Device device)
    {
        LibTorch.JitTo(Handle, device, null);
        return this;
    }

    /// <summary>Converts floating-point parameters and buffers to <paramref name="dtype"/> in place.</summary>
    public override Module To(DType dtype)
    {
        LibTorch.JitTo(Handle, null, dtype);
        return this;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) handle.Dispose();
    }
}
