using System.Runtime.CompilerServices;
using NeuralCore.Interop;

namespace NeuralCore;

public partial class Tensor
{
    /// <summary>
    /// PyTorch indexing: integers select (and remove a dimension), ranges slice (a view), <c>^n</c> counts from the end.
    /// <c>x[0, 0]</c>, <c>x[.., ^1]</c>, <c>x[1..3, TensorIndex.Ellipsis]</c>. Setting copies a tensor into the selection.
    /// </summary>
    /// <exception cref="TorchException">An index is out of range (libtorch's message names the dimension and its size).</exception>
    [IndexerName("Index")]  // "Item" would clash with Item<T>()
    public Tensor this[params TensorIndex[] indices]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(indices);
            return LibTorch.TensorIndex(this, Natives(indices));
        }
        set
        {
            ArgumentNullException.ThrowIfNull(indices);
            ArgumentNullException.ThrowIfNull(value);
            LibTorch.TensorIndexPut(this, Natives(indices), value);
        }
    }

    /// <summary>Rows picked by an Int64 tensor of positions, or elements picked by a Bool mask (<c>x[mask]</c>).</summary>
    [IndexerName("Index")]
    public Tensor this[Tensor index]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(index);
            return LibTorch.TensorIndexTensor(this, index);
        }
    }

    private static NativeIndex[] Natives(TensorIndex[] indices)
    {
        var native = new NativeIndex[indices.Length];
        for (var i = 0; i < indices.Length; i++) native[i] = indices[i].Native;
        return native;
    }
}
