using NeuralCore.Data;

namespace NeuralCore.Tests;

/// <summary>The general loader: samplers, collation, worker threads in order, worker failures, iterable datasets.</summary>
public class GenericDataLoaderTests
{
    /// <summary>Sample i is ([i, i²], i mod 3); loading sleeps a little at random so that workers finish out of order.</summary>
    private sealed class Numbers(int count, int? failAt = null, bool jitter = false) : Dataset<(Tensor Input, long Target)>
    {
        private int loads;

        public int Loads => loads;
        public override long Count => count;

        public override (Tensor Input, long Target) Get(long index)
        {
            Interlocked.Increment(ref loads);
            if (index == failAt) throw new InvalidDataException($"sample {index} is corrupt");
            if (jitter) Thread.Sleep(Random.Shared.Next(0, 3));
            return (Tensor.FromArray(new[] { (double)index, (double)index * index }), index % 3);
        }
    }

    private static List<long[]> FirstColumns(IEnumerable<(Tensor Input, Tensor Target)> loader) =>
        loader.Select(b => b.Input.Select(1, 0).ToArray<double>().Select(v => (long)v).ToArray()).ToList();

    [Fact]
    public void DefaultCollate_StacksInputs_AndMakesInt64Targets()
    {
        var numbers = new Numbers(5);
        var loader = new DataLoader<(Tensor, long), (Tensor, Tensor)>(numbers, Collate.Default, batchSize: 2);
        loader.Count.Should().Be(3);
        loader.Dataset.Should().BeSameAs(numbers);
        loader.IterableDataset.Should().BeNull();
        var batches = loader.Select(b => (b.Item1.Shape, b.Item1.ToArray<double>(), b.Item2.DType, b.Item2.ToArray<long>())).ToList();
        batches.Should().HaveCount(3);
        batches[0].Item1.Should().Equal(2, 2);
        batches[0].Item2.Should().Equal(0, 0, 1, 1);
        batches[1].Item4.Should().Equal(2, 0);
        batches[1].Item3.Should().Be(DType.Int64);
        batches[2].Item1.Should().Equal(1, 2);
        Collate.Default(new[] { 0.5, 1.5 }).DType.Should().Be(DType.Float64);
        var dictionary = Collate.Default(new IReadOnlyDictionary<string, Tensor>[]
            { new Dictionary<string, Tensor> { ["x"] = Tensor.Ones(3) }, new Dictionary<string, Tensor> { ["x"] = Tensor.Zeros(3) } });
        dictionary["x"].Shape.Should().Equal(2, 3);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Workers_DeliverTheSamplersOrder_AsWithoutWorkers(int workers)
    {
        var dataset = new Numbers(23, jitter: true);
        var expected = FirstColumns(new DataLoader<(Tensor, long), (Tensor, Tensor)>(dataset, Collate.Default, batchSize: 4, shuffle: true, seed: 5, disposeBatches: false));
        var actual = FirstColumns(new DataLoader<(Tensor, long), (Tensor, Tensor)>(dataset, Collate.Default, batchSize: 4, shuffle: true, seed: 5,
            numWorkers: workers, disposeBatches: false));
        actual.Should().BeEquivalentTo(expected, o => o.WithStrictOrdering());
        expected.SelectMany(b => b).Should().BeEquivalentTo(Enumerable.Range(0, 23).Select(i => (long)i));
        // The shuffle replays torch.randperm(23, generator=torch.Generator().manual_seed(5)), the op golden-tested against PyTorch.
        expected.SelectMany(b => b).Should().Equal(Tensor.RandPerm(23, 5).ToArray<long>());
    }

    [Fact]
    public void AWorkerThatThrows_SurfacesItsExceptionAtThatBatch_AfterTheEarlierOnes()
    {
        var loader = new DataLoader<(Tensor, long), (Tensor, Tensor)>(new Numbers(40, failAt: 13), Collate.Default, batchSize: 4, numWorkers: 3);
        var seen = new List<long>();
        var act = () =>
        {
            foreach (var (x, _) in loader) seen.Add((long)x.ToArray<double>()[0]);
        };
        act.Should().Throw<InvalidDataException>().WithMessage("sample 13 is corrupt");
        seen.Should().Equal(0, 4, 8);
    }

    [Fact]
    public void LeavingAnEpochEarly_StopsTheWorkers_WithinTheirPrefetchBound()
    {
        var dataset = new Numbers(1000);
        var loader = new DataLoader<(Tensor, long), (Tensor, Tensor)>(dataset, Collate.Default, batchSize: 5, numWorkers: 2, prefetchFactor: 2);
        foreach (var _ in loader.Take(3)) { }
        var after = dataset.Loads;
        Thread.Sleep(50);
        dataset.Loads.Should().Be(after, "the workers were joined when the enumeration was disposed");
        after.Should().BeLessThanOrEqualTo((3 + 2 * 2 + 2) * 5, "at most numWorkers × prefetchFactor batches ahead, plus those being loaded");
    }

    [Fact]
    public void WorkerInitFn_RunsOncePerWorker_OnItsThread_AndItsFailureIsRaised()
    {
        var ids = new System.Collections.Concurrent.ConcurrentBag<(int, int?)>();
        var loader = new DataLoader<(Tensor, long), (Tensor, Tensor)>(new Numbers(8), Collate.Default, batchSize: 2, numWorkers: 3,
            workerInitFn: id => ids.Add((id, WorkerInfo.Current?.Id)));
        loader.Count().Should().Be(4);
        ids.Should().BeEquivalentTo(new (int, int?)[] { (0, 0), (1, 1), (2, 2) });
        WorkerInfo.Current.Should().BeNull();
        var failing = new DataLoader<(Tensor, long), (Tensor, Tensor)>(new Numbers(8), Collate.Default, batchSize: 2, numWorkers: 2,
            workerInitFn: _ => throw new InvalidOperationException("no GPU for worker"));
        ((Action)(() => failing.Count())).Should().Throw<InvalidOperationException>().WithMessage("no GPU for worker");
    }

    [Fact]
    public void Options_ThatPyTorchRefuses_AreRefused()
    {
        var dataset = new Numbers(4);
        Func<IReadOnlyList<(Tensor, long)>, (Tensor, Tensor)> collate = Collate.Default;
        ((Action)(() => _ = new DataLoader<(Tensor, long), (Tensor, Tensor)>(dataset, collate, shuffle: true, sampler: new SequentialSampler(4))))
            .Should().Throw<ArgumentException>().WithMessage("*mutually exclusive with shuffle*");
        ((Action)(() => _ = new DataLoader<(Tensor, long), (Tensor, Tensor)>(dataset, collate, batchSize: 2, batchSampler: new BatchSampler(new SequentialSampler(4), 2, false))))
            .Should().Throw<ArgumentException>().WithMessage("*mutually exclusive*");
        ((Action)(() => _ = new DataLoader<(Tensor, long), (Tensor, Tensor)>(dataset, collate, numWorkers: -1))).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void BatchSampler_AndSamplers_FollowPyTorch()
    {
        new BatchSampler(new SequentialSampler(7), 3, dropLast: false).Select(b => string.Join(",", b)).Should().Equal("0,1,2", "3,4,5", "6");
        new BatchSampler(new SequentialSampler(7), 3, dropLast: true).Count.Should().Be(2);
        var random = new RandomSampler(6, seed: 3);
        random.ToArray().Should().Equal(Tensor.RandPerm(6, 3).ToArray<long>());
        random.ToArray().Should().Equal(Tensor.RandPerm(6, 4).ToArray<long>(), "the second epoch draws from seed + 1");
        new SubsetRandomSampler([10, 20, 30, 40], seed: 2).ToArray().Should().Equal(Tensor.RandPerm(4, 2).ToArray<long>().Select(i => 10 * (i + 1)));
        var weighted = new WeightedRandomSampler([0.0, 1.0, 0.0, 3.0], 50, seed: 8).ToArray();
        weighted.Should().HaveCount(50).And.OnlyContain(i => i == 1 || i == 3);
        weighted.Should().Equal(Tensor.FromArray(new[] { 0.0, 1.0, 0.0, 3.0 }).Multinomial(50, true, 8).ToArray<long>());
        new WeightedRandomSampler([1.0, 1.0, 1.0], 3, replacement: false, seed: 1).ToArray().Should().BeEquivalentTo(new long[] { 0, 1, 2 });
        ((Action)(() => _ = new WeightedRandomSampler([1.0, 0.0], 2, replacement: false))).Should().Throw<ArgumentException>();
        var withReplacement = new RandomSampler(4, replacement: true, numSamples: 9, seed: 1).ToArray();
        withReplacement.Should().HaveCount(9).And.OnlyContain(i => i >= 0 && i < 4);
    }

    /// <summary>0 … count − 1; with workers, each worker keeps the samples whose number modulo the workers is its id.</summary>
    private sealed class Stream(int count, bool shard) : IterableDataset<long>
    {
        public override IEnumerator<long> GetEnumerator()
        {
            var worker = WorkerInfo.Current;
            for (long i = 0; i < count; i++)
                if (!shard || worker is null || i % worker.NumWorkers == worker.Id) yield return i;
        }
    }

    [Fact]
    public void IterableDatasets_AreBatchedPerWorker_AndTakenInTurn_AsPyTorchDoes()
    {
        static List<long[]> Batches(DataLoader<long, Tensor> loader) => loader.Select(b => b.ToArray<long>()).ToList();
        Batches(new DataLoader<long, Tensor>(new Stream(7, shard: true), Collate.Default, batchSize: 3)).Select(b => string.Join(",", b))
            .Should().Equal("0,1,2", "3,4,5", "6");
        // Worker 0 streams 0, 2, 4, 6 and worker 1 streams 1, 3, 5: batches alternate between them.
        Batches(new DataLoader<long, Tensor>(new Stream(7, shard: true), Collate.Default, batchSize: 2, numWorkers: 2)).Select(b => string.Join(",", b))
            .Should().Equal("0,2", "1,3", "4,6", "5");
        Batches(new DataLoader<long, Tensor>(new Stream(7, shard: true), Collate.Default, batchSize: 2, numWorkers: 2, dropLast: true)).Select(b => string.Join(",", b))
            .Should().Equal("0,2", "1,3", "4,6");
        // Without sharding every worker yields the whole stream, as in PyTorch.
        Batches(new DataLoader<long, Tensor>(new Stream(3, shard: false), Collate.Default, batchSize: 3, numWorkers: 2)).Should().HaveCount(2);
    }

    [Fact]
    public void BatchesAreDisposed_WhenTheEnumerationMovesOn_UnlessKept()
    {
        var loader = new DataLoader<(Tensor, long), (Tensor, Tensor)>(new Numbers(6), Collate.Default, batchSize: 2, numWorkers: 2);
        var seen = loader.ToList();
        seen.Should().OnlyContain(b => b.Item1.IsDisposed && b.Item2.IsDisposed);
        var kept = new DataLoader<(Tensor, long), (Tensor, Tensor)>(new Numbers(6), Collate.Default, batchSize: 2, disposeBatches: false).ToList();
        kept.Should().OnlyContain(b => !b.Item1.IsDisposed);
    }
}
