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
}
