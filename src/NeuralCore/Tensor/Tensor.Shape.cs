using NeuralCore.Interop;

namespace NeuralCore;

public partial class Tensor
{
    /// <summary>The transpose of a matrix (dimensions reversed, as torch's <c>.T</c>).</summary>
    public Tensor T
    {
        get
        {
            var dimensions = Dimensions;
            if (dimensions < 2) return Alias();
            if (dimensions == 2) return Transpose(0, 1);
            Span<long> reversed = stackalloc long[dimensions];
            for (var i = 0; i < dimensions; i++) reversed[i] = dimensions - 1 - i;
            return Permute(reversed);
        }
    }

    /// <summary>Views splitting <paramref name="dim"/> into <paramref name="chunks"/> nearly equal parts (the last may be smaller).</summary>
    public Tensor[] Chunk(int chunks, long dim = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunks, 1);
        var size = Size(DimensionIndex(dim));
        var step = (size + chunks - 1) / chunks;
        return Split(Math.Max(step, 1), dim);
    }

    private int DimensionIndex(long dim) =>
        dim is >= int.MinValue and <= int.MaxValue ? (int)dim : throw new ArgumentOutOfRangeException(nameof(dim), dim, $"the tensor has {Dimensions} dimensions");

    /// <summary>Views of <paramref name="splitSize"/> entries each along <paramref name="dim"/> (the last may be smaller).</summary>
    public Tensor[] Split(long splitSize, long dim = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(splitSize, 1);
        var size = Size(DimensionIndex(dim));
        var count = Math.Max(1, (size + splitSize - 1) / splitSize);
        var parts = new Tensor[count];
        for (long i = 0; i < count; i++)
            parts[i] = Narrow(dim, i * splitSize, Math.Min(splitSize, size - i * splitSize));
        return parts;
    }

    /// <summary>Views of the given sizes along <paramref name="dim"/>; the sizes must add up to the dimension's size.</summary>
    public Tensor[] Split(long[] sizes, long dim = 0)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        var total = Size(DimensionIndex(dim));
        if (sizes.Any(s => s < 0) || sizes.Sum() != total)
            throw new ArgumentException($"split sizes [{string.Join(", ", sizes)}] do not add up to {total}, the size of dimension {dim}", nameof(sizes));
        var parts = new Tensor[sizes.Length];
        long start = 0;
        for (var i = 0; i < sizes.Length; i++)
        {
            parts[i] = Narrow(dim, start, sizes[i]);
            start += sizes[i];
        }
        return parts;
    }
}
