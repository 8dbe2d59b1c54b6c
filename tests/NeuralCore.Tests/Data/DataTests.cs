using System.IO.Compression;
using NeuralCore.Data;

namespace NeuralCore.Tests;

public class DataTests
{
    [Fact]
    public void DataLoader_BatchesEverySampleOncePerEpoch_AndDropsTheLastWhenAsked()
    {
        using var dataset = new TensorDataset(Tensor.Arange(10, dtype: DType.Float32).View(10, 1), Tensor.Arange(10));
        var loader = new DataLoader(dataset, batchSize: 4, shuffle: true, seed: 3);
        loader.Count.Should().Be(3);
        loader.Dataset.Should().BeSameAs(dataset);
        loader.Dataset.Count.Should().Be(10);
        var seen = new List<long>();
        var sizes = new List<long>();
        foreach (var (input, target) in loader)
        {
            sizes.Add(input.Size(0));
            input.ToArray<float>().Select(v => (long)v).Should().Equal(target.ToArray<long>(), "inputs and targets stay paired");
            seen.AddRange(target.ToArray<long>());
        }
        sizes.Should().Equal(4L, 4L, 2L);
        seen.Should().BeEquivalentTo(Enumerable.Range(0, 10).Select(i => (long)i));
        seen.Should().NotBeInAscendingOrder("shuffled");

        var dropping = new DataLoader(dataset, batchSize: 4, dropLast: true);
        dropping.Count.Should().Be(2);
        dropping.Select(batch => batch.Target.ToArray<long>()).SelectMany(t => t).Should().Equal(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L);
    }

    [Fact]
    public void DataLoader_Shuffle_IsReproducibleFromTheSeedAndChangesPerEpoch()
    {
        using var dataset = new TensorDataset(Tensor.Zeros(50, 1), Tensor.Arange(50));
        var first = new DataLoader(dataset, 50, shuffle: true, seed: 11);
        var second = new DataLoader(dataset, 50, shuffle: true, seed: 11);
        first.Order(0).Should().Equal(second.Order(0));
        first.Order(0).Should().NotEqual(first.Order(1));
        // The order PyTorch gives: torch.randperm(50, generator=torch.Generator().manual_seed(11))
        using var permutation = Tensor.RandPerm(50, 11);
        first.Order(0).Should().Equal(permutation.ToArray<long>());
    }

    [Fact]
    public void DataLoader_DisposesEachBatchWhenMovingOn_UnlessAskedToKeepThem()
    {
        using var dataset = new TensorDataset(Tensor.Zeros(6, 2), Tensor.Zeros(6));
        var batches = new DataLoader(dataset, 2).Select(b => b.Input).ToList();
        batches.Should().OnlyContain(b => b.IsDisposed);
        var kept = new DataLoader(dataset, 2, disposeBatches: false).Select(b => b.Input).ToList();
        kept.Should().OnlyContain(b => !b.IsDisposed);
        foreach (var batch in kept) batch.Dispose();
    }

    private sealed class SquaresDataset : Dataset<(Tensor Input, Tensor Target)>
    {
        public override long Count => 5;
        public override (Tensor Input, Tensor Target) Get(long index) => (Tensor.Full([2], index), Tensor.Full([], index * index));
    }

    [Fact]
    public void DataLoader_StacksSamplesOfACustomDataset()
    {
        var loader = new DataLoader(new SquaresDataset(), 3, prefetch: false, disposeBatches: false);
        var (input, target) = loader.First();
        input.Shape.Should().Equal(3L, 2L);
        target.ToArray<long>().Should().Equal(0L, 1L, 4L);
        input.Dispose();
        target.Dispose();
    }

    private sealed class FailingDataset : Dataset<(Tensor Input, Tensor Target)>
    {
        public override long Count => 10;
        public override (Tensor Input, Tensor Target) Get(long index) =>
            index == 7 ? throw new InvalidOperationException("sample 7 is unreadable") : (Tensor.Full([1], index), Tensor.Full([], index));
    }

    [Fact]
    public void DataLoader_Prefetching_SurfacesADatasetFailure_AndStopsCleanlyWhenLeftEarly()
    {
        var loader = new DataLoader(new FailingDataset(), 2);
        var act = () => loader.Select(batch => batch.Target.ToArray<long>()).ToList();
        act.Should().Throw<InvalidOperationException>().WithMessage("sample 7 is unreadable");

        var first = new DataLoader(new SquaresDataset(), 1).Take(2).Select(batch => batch.Target.ToArray<long>()[0]).ToList();
        first.Should().Equal(0L, 1L);
    }

    private static string WriteIdx(byte[] header, byte[] data, bool gzip)
    {
        var path = Path.Combine(Path.GetTempPath(), $"neuralcore-{Guid.NewGuid():N}.idx" + (gzip ? ".gz" : ""));
        using var file = File.Create(path);
        using Stream stream = gzip ? new GZipStream(file, CompressionLevel.Fastest) : file;
        stream.Write(header);
        stream.Write(data);
        return path;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Idx_ReadsShapeAndBytes(bool gzip)
    {
        var path = WriteIdx([0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3], [1, 2, 3, 4, 5, 6], gzip);
        using var tensor = Idx.ReadBytes(path);
        tensor.Shape.Should().Equal(2L, 3L);
        tensor.DType.Should().Be(DType.UInt8);
        tensor.ToArray<byte>().Should().Equal(1, 2, 3, 4, 5, 6);
        File.Delete(path);
    }

    [Fact]
    public void Idx_WithBadFiles_ThrowsNamingTheFileAndTheProblem()
    {
        var missing = () => Idx.ReadBytes("/nonexistent/train-images-idx3-ubyte.gz");
        missing.Should().Throw<FileNotFoundException>().WithMessage("*/nonexistent/train-images-idx3-ubyte.gz*");

        var truncated = WriteIdx([0, 0, 8, 1, 0, 0, 0, 10], [1, 2, 3], gzip: false);
        var readTruncated = () => Idx.ReadBytes(truncated);
        readTruncated.Should().Throw<InvalidDataException>().WithMessage($"{truncated}*announces [10]*holds 3*");

        var notIdx = WriteIdx([0x50, 0x4b, 3, 4], [], gzip: false);
        var readNotIdx = () => Idx.ReadBytes(notIdx);
        readNotIdx.Should().Throw<InvalidDataException>().WithMessage($"{notIdx}*not an IDX file*");

        var badGzip = Path.Combine(Path.GetTempPath(), $"neuralcore-{Guid.NewGuid():N}.gz");
        File.WriteAllBytes(badGzip, [1, 2, 3, 4, 5]);
        var readBadGzip = () => Idx.ReadBytes(badGzip);
        readBadGzip.Should().Throw<InvalidDataException>().WithMessage($"{badGzip}*gzip*");
        foreach (var path in new[] { truncated, notIdx, badGzip }) File.Delete(path);
    }

    [Fact]
    public void FashionMnist_FromAMissingFolder_NamesTheFileAndThePackage()
    {
        var act = () => FashionMnist.Load("/nonexistent/folder");
        act.Should().Throw<FileNotFoundException>().WithMessage("*/nonexistent/folder/train-images-idx3-ubyte*dataset-fashion-mnist*");
    }

    [Fact]
    public void FashionMnist_LoadsTheRealTestSet_WhenInstalled()
    {
        if (!File.Exists(Path.Combine(FashionMnist.DefaultDirectory, "t10k-images-idx3-ubyte.gz"))) return;  // installed by the prerequisites
        using var test = FashionMnist.Load(train: false);
        test.Count.Should().Be(10_000);
        test.Inputs.Shape.Should().Equal(10_000L, 1L, 28L, 28L);
        test.Inputs.Min().Item<float>().Should().Be(0f);
        test.Inputs.Max().Item<float>().Should().Be(1f);
        test.Targets.ToArray<long>().Should().OnlyContain(label => label >= 0 && label < 10);
        using var normalized = FashionMnist.Load(train: false, normalize: true);
        normalized.Inputs.Mean().Item<float>().Should().BeApproximately(0f, 0.05f);
    }
}
