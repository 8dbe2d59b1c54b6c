using System.Runtime.InteropServices;
using NeuralCore.Interop;
using NeuralCore.Interop.Handles;

namespace NeuralCore.IO;

/// <summary>
/// Named tensors in PyTorch's file format: what <see cref="Save"/> writes, Python's <c>torch.load(path)</c> reads as a dict
/// of tensors. Files are written to a temporary name and renamed, so a crash never damages an existing checkpoint.
/// </summary>
public static class Serialization
{
    /// <summary>Writes <paramref name="tensors"/> (name → tensor, in order) to <paramref name="path"/>.</summary>
    /// <exception cref="TorchException">The file cannot be written.</exception>
    public static unsafe void Save(IEnumerable<KeyValuePair<string, Tensor>> tensors, string path)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var entries = tensors.ToList();
        var names = new IntPtr[entries.Count];
        try
        {
            for (var i = 0; i < entries.Count; i++) names[i] = Marshal.StringToCoTaskMemUTF8(entries[i].Key);
            using var borrowed = new BorrowedHandles(entries.Select(e => (TensorHandle?)e.Value.Handle).ToArray());
            fixed (IntPtr* namePointers = names)
            fixed (IntPtr* tensorPointers = borrowed.Pointers)
                NativeMethods.IOSave(namePointers, tensorPointers, entries.Count, Path.GetFullPath(path)).ThrowIfFailed();
        }
        finally
        {
            foreach (var name in names) Marshal.FreeCoTaskMem(name);
        }
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
