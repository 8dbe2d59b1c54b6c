using NeuralCore.Interop;

namespace NeuralCore.IO;

/// <summary>
/// Named tensors in PyTorch's file format: what <see cref="Save"/> writes, Python's <c>torch.load(path)</c> reads as a dict
/// of tensors. Files are written to a temporary name and renamed, so a crash never damages an existing checkpoint.
/// </summary>
public static class Serialization
{
    /// <summary>Writes <paramref name="tensors"/> (name → tensor, in order) to <paramref name="path"/>.</summary>
    /// <exception cref="TorchException">The file cannot be written.</exception>
    public static void Save(IEnumerable<KeyValuePair<string, Tensor>> tensors, string path)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentException.ThrowIfNullOrEmpty(path);
        LibTorch.IOSave(tensors.ToList(), Path.GetFullPath(path));
    }

    /// <summary>
    /// Reads the named tensors of a file written by <see cref="Save"/>, by Python's <c>torch.save(model.state_dict(), path)</c>
    /// or by C++ <c>torch::pickle_save</c>, in file order. Tensors that shared storage in the file share it again.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not such a checkpoint, or it is truncated or corrupt; the message names the file.</exception>
    public static OrderedDictionary<string, Tensor> Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"checkpoint not found: {path}", path);
        return TorchPickle.ReadStateDict(path);
    }

    /// <summary>
    /// Writes any of what <c>torch.save</c> writes for a checkpoint (PyTorch's <c>torch.save(obj, path)</c>): tensors,
    /// numbers, strings, bools, null, lists, tuples (<c>object?[]</c> or value tuples) and dictionaries of them, e.g.
    /// <c>{"epoch": 3, "model": model.StateDict(), "optimizer": ...}</c>. Python's <c>torch.load</c> reads it, with
    /// <c>weights_only=True</c> too: tensors are rebuilt by <c>torch._utils._rebuild_tensor_v2</c> and nothing else is
    /// called. Tensors are written as contiguous CPU copies. Written atomically.
    /// </summary>
    /// <exception cref="ArgumentException">Something in <paramref name="value"/> has no PyTorch form.</exception>
    public static void SaveObject(object? value, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        TorchPickleWriter.Write(value, path);
    }

    /// <summary>
    /// Reads the object of a file that <see cref="SaveObject"/> or Python's <c>torch.save</c> wrote (PyTorch's
    /// <c>torch.load(path, weights_only=True)</c>): dicts become <c>OrderedDictionary&lt;object, object?&gt;</c> with their
    /// keys as saved (string, long, …), lists <c>List&lt;object?&gt;</c>, tuples <c>object?[]</c>, ints long, floats double,
    /// None null; tensors are new and owned by the caller. Nothing in the file is executed: a file that needs other
    /// Python classes is refused.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not such a file, or needs classes beyond tensors and containers.</exception>
    public static object? LoadObject(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"checkpoint not found: {path}", path);
        return TorchPickle.ReadObject(path);
    }
}
