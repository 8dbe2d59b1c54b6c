namespace NeuralCore.Data;

/// <summary>The samples of <c>dataset</c> at <c>indices</c>, in that order (torch.utils.data.Subset).</summary>
public sealed class Subset<T> : Dataset<T>
{
    public Subset(Dataset<T> dataset, IReadOnlyList<long> indices)
    {
        Dataset = dataset ?? throw new ArgumentNullException(nameof(dataset));
        ArgumentNullException.ThrowIfNull(indices);
        if (indices.FirstOrDefault(i => i < 0 || i >= dataset.Count, -1) is var bad and >= 0)
            throw new ArgumentOutOfRangeException(nameof(indices), bad, $"an index lies outside the dataset's {dataset.Count} samples");
        Indices = indices.ToArray();
    }

    public Dataset<T> Dataset { get; }
    public IReadOnlyList<long> Indices { get; }

    public override long Count => Indices.Count;

    public override T Get(long index) => Dataset.Get(Indices[checked((int)index)]);
}

/// <summary>Datasets one after another (torch.utils.data.ConcatDataset).</summary>
public sealed class ConcatDataset<T> : Dataset<T>
{
    private readonly Dataset<T>[] datasets;
    private readonly long[] ends;  // cumulative sizes

    public ConcatDataset(params IEnumerable<Dataset<T>> datasets)
    {
        ArgumentNullException.ThrowIfNull(datasets);
        this.datasets = datasets.ToArray();
        if (this.datasets.Length == 0) throw new ArgumentException("ConcatDataset needs at least one dataset", nameof(datasets));
        ends = new long[this.datasets.Length];
        long total = 0;
        for (var i = 0; i < this.datasets.Length; i++) ends[i] = total += this.datasets[i].Count;
    }

    public IReadOnlyList<Dataset<T>> Datasets => datasets;

    public override long Count => ends[^1];

    public override T Get(long index)
    {
        if (index < 0) index += Count;  // as PyTorch's negative indices
        if (index < 0 || index >= Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"the datasets hold {Count} samples");
        var which = Array.BinarySearch(ends, index);
        which = which >= 0 ? which + 1 : ~which;
        return datasets[which].Get(which == 0 ? index : index - ends[which - 1]);
    }
}

/// <summary>Dataset helpers of torch.utils.data.</summary>
public static class DatasetSplits
{
    /// <summary>
    /// Splits <paramref name="dataset"/> into non-overlapping random subsets of <paramref name="lengths"/>, the same
    /// subsets as torch.utils.data.random_split with <c>generator=torch.Generator().manual_seed(seed)</c>.
    /// </summary>
    public static Subset<T>[] RandomSplit<T>(Dataset<T> dataset, IReadOnlyList<long> lengths, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(lengths);
        if (lengths.Any(l => l < 0)) throw new ArgumentException("lengths must not be negative", nameof(lengths));
        if (lengths.Sum() != dataset.Count)
            throw new ArgumentException($"Sum of input lengths ({lengths.Sum()}) does not equal the length of the input dataset ({dataset.Count})", nameof(lengths));
        using var permutation = Tensor.RandPerm(dataset.Count, seed);
        var order = permutation.ToArray<long>();
        var subsets = new Subset<T>[lengths.Count];
        long offset = 0;
        for (var i = 0; i < lengths.Count; i++)
        {
            subsets[i] = new Subset<T>(dataset, order[(int)offset..(int)(offset + lengths[i])]);
            offset += lengths[i];
        }
        return subsets;
    }

    /// <summary>
    /// <see cref="RandomSplit{T}(Dataset{T}, IReadOnlyList{long}, ulong)"/> by fractions summing to 1: each split gets
    /// floor(count · fraction) samples and the remainder goes one by one to the first splits, as PyTorch does.
    /// </summary>
    public static Subset<T>[] RandomSplit<T>(Dataset<T> dataset, IReadOnlyList<double> fractions, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(fractions);
        if (fractions.Any(f => f < 0 || f > 1)) throw new ArgumentException("every fraction must lie in [0, 1]", nameof(fractions));
        if (Math.Abs(fractions.Sum() - 1) > 1e-9) throw new ArgumentException($"fractions must sum to 1, got {fractions.Sum()}", nameof(fractions));
        var lengths = fractions.Select(f => (long)Math.Floor(dataset.Count * f)).ToArray();
        var remainder = dataset.Count - lengths.Sum();
        for (var i = 0; i < remainder; i++) lengths[i % lengths.Length]++;
        return RandomSplit(dataset, lengths, seed);
    }
}
