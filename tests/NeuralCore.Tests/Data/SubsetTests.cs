using NeuralCore.Data;
using NeuralCore.Tests.Support;

namespace NeuralCore.Tests;

public class SubsetTests
{
    // Sample i is the number i, so a subset's samples show which indices it took.
    private sealed class Numbers(long count) : Dataset<long>
    {
        public override long Count => count;
        public override long Get(long index) => index;
    }

    private static long[][] Golden(string name) =>
        NNGolden.Section("random_splits").GetProperty(name).EnumerateArray().Select(split => split.EnumerateArray().Select(e => e.GetInt64()).ToArray()).ToArray();

    [Fact]
    public void RandomSplit_ByCounts_TakesTheSameSamplesAsPyTorch()
    {
        var splits = DatasetSplits.RandomSplit(new Numbers(10), [7L, 3L], seed: 42);
        splits.Select(s => Enumerable.Range(0, (int)s.Count).Select(i => s.Get(i)).ToArray()).Should().BeEquivalentTo(Golden("counts"), o => o.WithStrictOrdering());
    }

    [Fact]
    public void RandomSplit_ByFractions_SizesAndSamplesAsPyTorch()
    {
        var splits = DatasetSplits.RandomSplit(new Numbers(11), [0.5, 0.3, 0.2], seed: 3);
        splits.Select(s => s.Count).Should().Equal(6L, 3L, 2L);
        splits.Select(s => s.Indices.ToArray()).Should().BeEquivalentTo(Golden("fractions"), o => o.WithStrictOrdering());
        var wrong = () => DatasetSplits.RandomSplit(new Numbers(11), [5L, 5L], seed: 3);
        wrong.Should().Throw<ArgumentException>().WithMessage("*(10)*(11)*");
    }

    [Fact]
    public void ConcatDataset_ReadsAcrossItsParts()
    {
        var joined = new ConcatDataset<long>(new Numbers(3), new Subset<long>(new Numbers(10), [7L, 8L]), new Numbers(0), new Numbers(2));
        joined.Count.Should().Be(7);
        Enumerable.Range(0, 7).Select(i => joined.Get(i)).Should().Equal(0L, 1L, 2L, 7L, 8L, 0L, 1L);
        joined.Get(-1).Should().Be(1L);
        var outside = () => joined.Get(7);
        outside.Should().Throw<ArgumentOutOfRangeException>();
        var badSubset = () => new Subset<long>(new Numbers(3), [0L, 3L]);
        badSubset.Should().Throw<ArgumentOutOfRangeException>();
    }
}
