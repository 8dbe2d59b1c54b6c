using NeuralCore.Interop;

namespace NeuralCore;

/// <summary>
/// One position of an indexing expression: an integer, a <see cref="System.Index"/> (<c>^1</c>), a
/// <see cref="System.Range"/> (<c>..</c>, <c>1..^1</c>), <see cref="Ellipsis"/>, <see cref="NewAxis"/>, or a bool.
/// <c>x[.., ^1]</c> is PyTorch's <c>x[:, -1]</c>.
/// </summary>
public readonly struct TensorIndex
{
    internal readonly NativeIndex Native;

    private TensorIndex(NativeIndex native) => Native = native;

    /// <summary>Stands for as many full slices as needed (<c>...</c>).</summary>
    public static TensorIndex Ellipsis { get; } = new(new NativeIndex { Kind = NativeIndex.Ellipsis });

    /// <summary>Inserts a dimension of size 1 (<c>None</c>).</summary>
    public static TensorIndex NewAxis { get; } = new(new NativeIndex { Kind = NativeIndex.None });

    /// <summary>A slice with a step; a null bound is open. Negative bounds count from the end.</summary>
    public static TensorIndex Slice(long? start = null, long? stop = null, long step = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 1);
        return new(new NativeIndex
        {
            Kind = NativeIndex.Slice,
            Flags = (start.HasValue ? NativeIndex.HasStart : 0) | (stop.HasValue ? NativeIndex.HasStop : 0),
            Start = start ?? 0,
            Stop = stop ?? 0,
            Step = step,
        });
    }

    public static implicit operator TensorIndex(long index) => new(new NativeIndex { Kind = NativeIndex.Integer, Start = index });

    public static implicit operator TensorIndex(int index) => (long)index;

    public static implicit operator TensorIndex(bool value) => new(new NativeIndex { Kind = NativeIndex.Boolean, Start = value ? 1 : 0 });

    public static implicit operator TensorIndex(Index index)
    {
        if (!index.IsFromEnd) return (long)index.Value;
        if (index.Value == 0) throw new ArgumentOutOfRangeException(nameof(index), "^0 is one past the last element; it can end a range but not select an element");
        return -(long)index.Value;
    }

    public static implicit operator TensorIndex(Range range)
    {
        var start = range.Start;
        var end = range.End;
        // ^0 as a start is the end of the dimension: an empty slice. long.MaxValue is clamped by libtorch.
        long? startValue = start.IsFromEnd ? (start.Value == 0 ? long.MaxValue : -(long)start.Value) : start.Value;
        long? stopValue = end.IsFromEnd ? (end.Value == 0 ? null : -(long)end.Value) : end.Value;
        return Slice(startValue, stopValue);
    }
}
