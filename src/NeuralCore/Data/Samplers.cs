using System.Collections;

namespace NeuralCore.Data;

/// <summary>
/// The order in which a <see cref="DataLoader{T, TBatch}"/> visits dataset positions (torch.utils.data.Sampler).
/// Each enumeration is an epoch; seeded samplers draw epoch e from seed + e, so a run can be replayed.
/// </summary>
public abstract class Sampler : IEnumerable<long>, IEpochOrdered
{
    /// <summary>The epoch the next enumeration draws (0 at first; each enumeration adds one), as DistributedSampler's set_epoch.</summary>
    public int Epoch { get; set; }

    /// <summary>Positions per epoch.</summary>
    public abstract long Count { get; }

    /// <summary>The positions of epoch <paramref name="epochNumber"/>.</summary>
    public abstract IReadOnlyList<long> Indices(int epochNumber);

    /// <summary>The next epoch's positions.</summary>
    public IEnumerator<long> GetEnumerator() => Indices(Epoch++).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>0, 1, …, count − 1 (torch.utils.data.SequentialSampler).</summary>
public sealed class SequentialSampler(long count) : Sampler
{
    public override long Count { get; } = count >= 0 ? count : throw new ArgumentOutOfRangeException(nameof(count), count, "must be non-negative");

    public override IReadOnlyList<long> Indices(int epochNumber) => Enumerable.Range(0, checked((int)Count)).Select(i => (long)i).ToArray();
}

/// <summary>
/// A random permutation of 0 … count − 1 every epoch (torch.utils.data.RandomSampler): epoch e is
/// <c>torch.randperm(count, generator=torch.Generator().manual_seed(seed + e))</c>. With <c>replacement</c>,
/// <c>numSamples</c> positions drawn uniformly with repetition (a multinomial draw from the same seed).
/// </summary>
public sealed class RandomSampler : Sampler
{
    private readonly long count;
    private readonly bool replacement;

    public RandomSampler(long count, bool replacement = false, long? numSamples = null, int? seed = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (numSamples is < 1) throw new ArgumentOutOfRangeException(nameof(numSamples), numSamples, "must be positive");
        if (!replacement && numSamples is not null && numSamples != count)
            throw new ArgumentException("numSamples is for sampling with replacement; without it every position is drawn once", nameof(numSamples));
        (this.count, this.replacement) = (count, replacement);
        Count = numSamples ?? count;
        Seed = seed ?? Random.Shared.Next();
    }

    public override long Count { get; }

    /// <summary>The seed of epoch 0.</summary>
    public int Seed { get; }

    public override IReadOnlyList<long> Indices(int epochNumber)
    {
        var seed = (ulong)(Seed + epochNumber);
        if (!replacement)
        {
            using var permutation = Tensor.RandPerm(count, seed);
            return permutation.ToArray<long>();
        }
        using var weights = Tensor.Ones([count], DType.Float64);
        using var drawn = weights.Multinomial(Count, replacement: true, seed);
        return drawn.ToArray<long>();
    }
}

/// <summary>
/// A random permutation of the given positions every epoch (torch.utils.data.SubsetRandomSampler): epoch e visits
/// <c>indices[torch.randperm(len(indices), generator=torch.Generator().manual_seed(seed + e))]</c>.
/// </summary>
public sealed class SubsetRandomSampler(IReadOnlyList<long> indices, int? seed = null) : Sampler
{
    private readonly long[] indices = indices?.ToArray() ?? throw new ArgumentNullException(nameof(indices));

    public override long Count => indices.Length;

    /// <summary>The seed of epoch 0.</summary>
    public int Seed { get; } = seed ?? Random.Shared.Next();

    public override IReadOnlyList<long> Indices(int epochNumber)
    {
        using var permutation = Tensor.RandPerm(indices.Length, (ulong)(Seed + epochNumber));
        return permutation.ToArray<long>().Select(i => indices[i]).ToArray();
    }
}

/// <summary>
/// <c>numSamples</c> positions drawn with probabilities proportional to <c>weights</c> (torch.utils.data.WeightedRandomSampler):
/// epoch e is <c>torch.multinomial(weights, numSamples, replacement, generator=torch.Generator().manual_seed(seed + e))</c>.
/// </summary>
public sealed class WeightedRandomSampler : Sampler
{
    private readonly double[] weights;
    private readonly bool replacement;

    public WeightedRandomSampler(IReadOnlyList<double> weights, long numSamples, bool replacement = true, int? seed = null)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentOutOfRangeException.ThrowIfLessThan(numSamples, 1);
        if (weights.Any(w => !double.IsFinite(w) || w < 0)) throw new ArgumentException("weights must be finite and non-negative", nameof(weights));
        if (!replacement && numSamples > weights.Count(w => w > 0))
            throw new ArgumentException($"cannot draw {numSamples} distinct positions from {weights.Count(w => w > 0)} with a positive weight", nameof(numSamples));
        (this.weights, this.replacement, Count) = (weights.ToArray(), replacement, numSamples);
        Seed = seed ?? Random.Shared.Next();
    }

    public override long Count { get; }

    /// <summary>The seed of epoch 0.</summary>
    public int Seed { get; }

    public override IReadOnlyList<long> Indices(int epochNumber)
    {
        using var values = Tensor.FromArray(weights);
        using var drawn = values.Multinomial(Count, replacement, (ulong)(Seed + epochNumber));
        return drawn.ToArray<long>();
    }
}

/// <summary>
/// Groups a sampler's positions into batches of <c>batchSize</c>, the last one smaller unless <c>dropLast</c>
/// (torch.utils.data.BatchSampler).
/// </summary>
public sealed class BatchSampler : IEnumerable<long[]>
{
    public BatchSampler(IEnumerable<long> sampler, int batchSize, bool dropLast)
    {
        Sampler = sampler ?? throw new ArgumentNullException(nameof(sampler));
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        (BatchSize, DropLast) = (batchSize, dropLast);
    }

    public IEnumerable<long> Sampler { get; }
    public int BatchSize { get; }
    public bool DropLast { get; }

    /// <summary>Batches per epoch, where the sampler's size is known.</summary>
    public long? Count => Sampler switch
    {
        Sampler sized => DropLast ? sized.Count / BatchSize : (sized.Count + BatchSize - 1) / BatchSize,
        IReadOnlyCollection<long> list => DropLast ? list.Count / BatchSize : (list.Count + BatchSize - 1) / BatchSize,
        _ => null,
    };

    public IEnumerator<long[]> GetEnumerator()
    {
        var batch = new List<long>(BatchSize);
        foreach (var index in Sampler)
        {
            batch.Add(index);
            if (batch.Count < BatchSize) continue;
            yield return batch.ToArray();
            batch.Clear();
        }
        if (batch.Count > 0 && !DropLast) yield return batch.ToArray();
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
