using System.Diagnostics;
using System.Text.Json;
using NeuralCore.Data;
using NeuralCore.Tests.Support;
using NeuralCore.Vision;
using NeuralCore.Vision.Datasets;
using FashionMnist = NeuralCore.Vision.Datasets.FashionMnist;

namespace NeuralCore.Tests;

/// <summary>
/// Image datasets: Fashion-MNIST against torchvision's IDX readers (golden), ImageFolder against torchvision's
/// ImageFolder (live), CIFAR binary batches against records built here.
/// </summary>
public class VisionDatasetTests
{
    private static readonly Lazy<JsonDocument> Document = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.Directory, "Fixtures", "vision_golden.json"))));

    [SkippableFact]
    public void FashionMnist_GivesTorchvisionsImagesAndTargets()
    {
        var golden = Document.Value.RootElement.GetProperty("fashion_mnist_test");
        Skip.If(golden.EnumerateObject().Count() == 0 || !File.Exists(Path.Combine(FashionMnist.DefaultRoot, "t10k-images-idx3-ubyte.gz")),
            "needs Debian's dataset-fashion-mnist, here and when the golden values were made");
        using var dataset = new FashionMnist(train: false);
        dataset.Count.Should().Be(golden.GetProperty("count").GetInt64());
        dataset.Classes.Should().Equal(golden.GetProperty("classes").EnumerateArray().Select(c => c.GetString()));
        var indices = golden.GetProperty("indices").EnumerateArray().Select(i => i.GetInt64()).ToArray();
        for (var k = 0; k < indices.Length; k++)
        {
            var (image, target) = dataset.Get(indices[k]);
            using (image)
            {
                image.DType.Should().Be(DType.UInt8, "datasets give images as stored");
                image.Shape.Should().Equal(1, 28, 28);
                target.Should().Be(golden.GetProperty("targets")[k].GetInt64());
                using var sum = image.To(DType.Int64).Sum();
                sum.Item<long>().Should().Be(golden.GetProperty("sums")[k].GetInt64());
            }
        }
        using var first = dataset.Get(0).Image;
        first.ToArray<byte>().Select(v => (double)v).Should().Equal(Golden.Parse(golden.GetProperty("first")).Data);
    }

    [Fact]
    public void Mnist_FindsTorchvisionsLayout_AndSaysWhereFilesAreMissing()
    {
        var root = Directory.CreateTempSubdirectory("neuralcore-mnist").FullName;
        try
        {
            ((Action)(() => new Mnist(root))).Should().Throw<FileNotFoundException>().WithMessage("*train-images-idx3-ubyte*downloads nothing*");
            var raw = Directory.CreateDirectory(Path.Combine(root, "MNIST", "raw")).FullName;
            WriteIdx(Path.Combine(raw, "t10k-images-idx3-ubyte"), [3, 2, 2], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
            WriteIdx(Path.Combine(raw, "t10k-labels-idx1-ubyte"), [3], [7, 0, 9]);
            using var mnist = new Mnist(root, train: false, transform: image => image.To(DType.Float32).Div(255.0), targetTransform: t => t + 100);
            mnist.Count.Should().Be(3);
            var (image, target) = mnist.Get(2);
            image.ToArray<float>().Should().Equal(8 / 255f, 9 / 255f, 10 / 255f, 11 / 255f);
            image.Shape.Should().Equal(1, 2, 2);
            target.Should().Be(109);
            image.Dispose();
            ((Action)(() => mnist.Get(3))).Should().Throw<ArgumentOutOfRangeException>();
            WriteIdx(Path.Combine(raw, "t10k-labels-idx1-ubyte"), [2], [7, 0]);
            ((Action)(() => new Mnist(root, train: false))).Should().Throw<InvalidDataException>().WithMessage("*expected N images*");
            ((Action)(() => new Emnist(root, "words"))).Should().Throw<ArgumentException>().WithMessage("*byclass*");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Cifar_ReadsBinaryRecords_AndRejectsPartialOnes()
    {
        var root = Directory.CreateTempSubdirectory("neuralcore-cifar").FullName;
        try
        {
            var folder = Directory.CreateDirectory(Path.Combine(root, "cifar-10-batches-bin")).FullName;
            byte[] Record(byte label, byte fill, int labelBytes) =>
                [.. Enumerable.Repeat((byte)1, labelBytes - 1), label, .. Enumerable.Range(0, 3072).Select(i => (byte)((i + fill) % 256))];
            File.WriteAllBytes(Path.Combine(folder, "test_batch.bin"), [.. Record(3, 0, 1), .. Record(9, 5, 1)]);
            using var cifar = new Cifar10(root, train: false);
            cifar.Count.Should().Be(2);
            cifar.Targets.Should().Equal(3L, 9L);
            cifar.Classes[9].Should().Be("truck");
            using var image = cifar.Get(1).Image;
            image.Shape.Should().Equal(3, 32, 32);
            image.ToArray<byte>().Should().Equal(Enumerable.Range(0, 3072).Select(i => (byte)((i + 5) % 256)), "red plane, then green, then blue, rows in order");
            ((Action)(() => new Cifar10(root))).Should().Throw<FileNotFoundException>().WithMessage("*data_batch_1.bin*");

            var hundred = Directory.CreateDirectory(Path.Combine(root, "cifar-100-binary")).FullName;
            File.WriteAllBytes(Path.Combine(hundred, "test.bin"), [.. Record(42, 1, 2)]);
            File.WriteAllLines(Path.Combine(hundred, "fine_label_names.txt"), Enumerable.Range(0, 100).Select(i => $"class{i}"));
            using var cifar100 = new Cifar100(root, train: false);
            cifar100.Targets.Should().Equal(42L);
            cifar100.Classes[42].Should().Be("class42");
            File.WriteAllBytes(Path.Combine(hundred, "test.bin"), new byte[3000]);
            ((Action)(() => new Cifar100(root, train: false))).Should().Throw<InvalidDataException>().WithMessage("*3074-byte records*");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [SkippableFact]
    public void ImageFolder_FindsWhatTorchvisionFinds_InItsOrder_AndLoadsInWorkers_Live()
    {
        SkiaSharpSupport.Require();
        Skip.IfNot(File.Exists("/usr/bin/python3"), "needs /usr/bin/python3 with torchvision");
        var root = Directory.CreateTempSubdirectory("neuralcore-folder").FullName;
        try
        {
            using var scope = TensorScope.Begin();
            var files = new[] { "cat/b.png", "cat/A.PNG", "cat/sub/z/c.jpg", "cat/sub/a.bmp", "dog/x.webp", "dog/notes.txt", "Zebra/y.jpeg", "dog/_a.png" };
            for (var i = 0; i < files.Length; i++)
            {
                var path = Path.Combine(root, files[i]);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                if (path.EndsWith(".txt", StringComparison.Ordinal)) File.WriteAllText(path, "not an image");
                else if (path.EndsWith(".bmp", StringComparison.Ordinal) || path.EndsWith(".webp", StringComparison.Ordinal))
                    File.Copy(Path.Combine(TestPaths.Directory, "Fixtures", "images", "rgb" + Path.GetExtension(path)), path);
                else
                {
                    var image = Tensor.Full([3, 5, 4], 20 * i, DType.UInt8);
                    if (path.EndsWith(".PNG", StringComparison.Ordinal)) Image.WritePng(image, path);
                    else Image.Write(image, path, quality: 95);
                }
            }
            var dataset = new ImageFolder(root);
            var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add("import json, sys, numpy, os; from torchvision.datasets import ImageFolder; d = ImageFolder(sys.argv[1]); " +
                "print(json.dumps({'classes': d.classes, 'samples': [[os.path.relpath(p, sys.argv[1]), t] for p, t in d.samples], " +
                "'first': numpy.array(d[0][0]).tolist()}))");
            start.ArgumentList.Add(root);
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            using var result = JsonDocument.Parse(process.StandardOutput.ReadToEnd());
            process.WaitForExit();
            process.ExitCode.Should().Be(0, error.Result);
            var python = result.RootElement;
            dataset.Classes.Should().Equal(python.GetProperty("classes").EnumerateArray().Select(c => c.GetString()));
            dataset.Samples.Select(s => (Path.GetRelativePath(root, s.Path), s.Target)).Should()
                .Equal(python.GetProperty("samples").EnumerateArray().Select(s => (s[0].GetString()!, s[1].GetInt64())));
            var first = dataset.Get(0).Sample;
            first.Permute(1, 2, 0).Contiguous().ToArray<byte>().Should().Equal(
                python.GetProperty("first").EnumerateArray().SelectMany(row => row.EnumerateArray()).SelectMany(pixel => pixel.EnumerateArray()).Select(v => (byte)v.GetInt32()));

            // Decoding and resizing happen in the loader's workers; batches come in order.
            var sized = new ImageFolder(root, transform: image => NeuralCore.NN.Functional.Interpolate(image.Unsqueeze(0).To(DType.Float32), [8, 8]).Squeeze(0));
            var loader = new DataLoader<(Tensor Image, long Target), (Tensor Input, Tensor Target)>(sized, Collate.Default, batchSize: 3, numWorkers: 2);
            var targets = new List<long>();
            foreach (var (images, labels) in loader)
            {
                images.Shape[1..].Should().Equal(3, 8, 8);
                targets.AddRange(labels.ToArray<long>());
            }
            targets.Should().Equal(dataset.Targets);
            ((Action)(() => new ImageFolder(Path.Combine(root, "cat", "sub", "z")))).Should().Throw<FileNotFoundException>().WithMessage("*class folder*");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static void WriteIdx(string path, int[] shape, byte[] data)
    {
        using var file = File.Create(path);
        file.Write([0, 0, 8, (byte)shape.Length]);
        foreach (var size in shape) file.Write([(byte)(size >> 24), (byte)(size >> 16), (byte)(size >> 8), (byte)size]);
        file.Write(data);
    }
}
