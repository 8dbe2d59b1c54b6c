using System.Diagnostics;
using System.Text.Json;
using NeuralCore.Tests.Support;
using NeuralCore.Vision;

namespace NeuralCore.Tests;

/// <summary>
/// Image files and grids against Fixtures/generate_vision_golden.py (python3-torchvision 0.14 and PIL): the pixels
/// torchvision.io.read_image decodes, make_grid and save_image; written files read back by PIL, live.
/// </summary>
public class ImageTests
{
    private static readonly Lazy<JsonDocument> Document = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.Directory, "Fixtures", "vision_golden.json"))));

    private static JsonElement Section(string name) => Document.Value.RootElement.GetProperty(name);

    private static string Fixture(string name) => Path.Combine(TestPaths.Directory, "Fixtures", "images", name);

    public static TheoryData<string> Reads() => new(Section("reads").EnumerateObject().Select(p => p.Name));

    public static TheoryData<string> Grids() => new(Section("make_grid").EnumerateObject().Select(p => p.Name));

    [SkippableTheory]
    [MemberData(nameof(Reads))]
    public void Read_GivesTorchvisionsPixels(string caseName)
    {
        SkiaSharpSupport.Require();
        var (file, modeName) = (caseName.Split(':')[0], caseName.Split(':')[1]);
        var mode = Enum.Parse<ImageReadMode>(modeName.Replace("_", ""), ignoreCase: true);
        var expected = Golden.Parse(Section("reads").GetProperty(caseName));
        using var image = Image.Read(Fixture(file), mode);
        image.DType.Should().Be(DType.UInt8);
        image.Shape.Should().Equal(expected.Shape);
        // JPEG: libjpeg-turbo in both, but gray comes from RGB here and from the luma plane there: one level apart at most.
        var tolerance = file.EndsWith(".jpg", StringComparison.Ordinal) ? 1 : 0;
        var actual = image.ToArray<byte>();
        for (var i = 0; i < actual.Length; i++)
            ((double)actual[i]).Should().BeApproximately(expected.Data[i], tolerance, $"pixel value {i} of {caseName}");
    }

    [SkippableFact]
    public void Decode_ReadsTheSameBytesAsRead()
    {
        SkiaSharpSupport.Require();
        using var fromFile = Image.Read(Fixture("rgba.png"));
        using var fromMemory = Image.Decode(File.ReadAllBytes(Fixture("rgba.png")));
        fromMemory.ToArray<byte>().Should().Equal(fromFile.ToArray<byte>());
        fromFile.Shape.Should().Equal(4, 6, 9);
    }

    [SkippableFact]
    public void MissingTruncatedAndNonImageFiles_ThrowClearExceptions()
    {
        SkiaSharpSupport.Require();
        ((Action)(() => Image.Read(Fixture("no_such_file.png")))).Should().Throw<FileNotFoundException>().WithMessage("*no_such_file.png*");
        ((Action)(() => Image.Read(Fixture("truncated.png")))).Should().Throw<InvalidDataException>().WithMessage("*truncated*");
        ((Action)(() => Image.Read(Fixture("not_an_image.png")))).Should().Throw<InvalidDataException>().WithMessage("*not an image*");
        ((Action)(() => Image.Decode(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }))).Should().Throw<InvalidDataException>();
    }

    [SkippableTheory]
    [InlineData("rgb.png")]
    [InlineData("rgb.jpg")]
    [InlineData("rgb.webp")]
    [InlineData("palette.gif")]
    [InlineData("rgb.bmp")]
    public void CorruptFiles_DecodeOrThrowInvalidData_NeverCrash(string name)
    {
        SkiaSharpSupport.Require();
        // Seeded byte flips and cuts anywhere in the file, headers included.
        var original = File.ReadAllBytes(Fixture(name));
        var random = new Random(name.Sum(c => c));  // string hashes change from run to run; this seed does not
        var (decoded, rejected) = (0, 0);
        for (var trial = 0; trial < 1000; trial++)
        {
            var bytes = original.ToArray();
            for (var flips = random.Next(1, 6); flips > 0; flips--) bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            if (trial % 3 == 0) bytes = bytes[..random.Next(1, bytes.Length)];
            try
            {
                using var image = Image.Decode(bytes, ImageReadMode.Rgb);
                image.Shape[0].Should().Be(3);
                decoded++;
            }
            catch (InvalidDataException)
            {
                rejected++;
            }
        }
        (decoded + rejected).Should().Be(1000);
        rejected.Should().BePositive("some corruptions are detected");
    }

    [Fact]
    public void WritingWrongTensors_ThrowsArgumentException()
    {
        var path = Path.Combine(Path.GetTempPath(), $"neuralcore-{Guid.NewGuid():N}.png");
        using var floats = Tensor.Zeros(3, 4, 4);
        ((Action)(() => Image.Write(floats, path))).Should().Throw<ArgumentException>().WithMessage("*uint8*");
        using var twoChannels = Tensor.Zeros([2, 4, 4], DType.UInt8);
        ((Action)(() => Image.Write(twoChannels, path))).Should().Throw<ArgumentException>().WithMessage("*C in {1, 3, 4}*");
        using var rgba = Tensor.Zeros([4, 4, 4], DType.UInt8);
        ((Action)(() => Image.WriteJpeg(rgba, path))).Should().Throw<ArgumentException>().WithMessage("*C in {1, 3}*");
        ((Action)(() => Image.Write(rgba, Path.ChangeExtension(path, ".tiff")))).Should().Throw<ArgumentException>().WithMessage("*.png*");
        File.Exists(path).Should().BeFalse();
    }

    [SkippableTheory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    public void Png_RoundTripsExactly(int channels)
    {
        SkiaSharpSupport.Require();
        using var scope = TensorScope.Begin();
        var image = Tensor.RandInt(0, 256, [channels, 7, 5], dtype: DType.UInt8);
        var path = Path.Combine(Path.GetTempPath(), $"neuralcore-{Guid.NewGuid():N}.png");
        try
        {
            Image.Write(image, path);
            Image.Read(path).ToArray<byte>().Should().Equal(image.ToArray<byte>());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [SkippableFact]
    public void WrittenFiles_ReadInPil_AsWritten_Live()
    {
        SkiaSharpSupport.Require();
        Skip.IfNot(File.Exists("/usr/bin/python3"), "needs /usr/bin/python3 with PIL");
        using var scope = TensorScope.Begin();
        var directory = Directory.CreateTempSubdirectory("neuralcore-images").FullName;
        try
        {
            using var source = Image.Read(Fixture("rgb.png"));
            var smooth = Tensor.Arange(16 * 24, dtype: DType.Float32).View(1, 16, 24).Div(16 * 24 / 250.0).Expand(3, 16, 24).To(DType.UInt8);
            Image.Write(source, Path.Combine(directory, "rgb.png"));
            Image.Write(Tensor.Cat([source, source[..1]]), Path.Combine(directory, "rgba.png"));
            Image.Write(source[..1], Path.Combine(directory, "gray.png"));
            Image.Write(smooth, Path.Combine(directory, "smooth.jpg"), quality: 95);
            var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add("import json, sys, numpy; from PIL import Image; d = sys.argv[1]; " +
                "print(json.dumps({n: [Image.open(d + '/' + n).mode, numpy.array(Image.open(d + '/' + n)).tolist()] for n in ['rgb.png', 'rgba.png', 'gray.png', 'smooth.jpg']}))");
            start.ArgumentList.Add(directory);
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            using var result = JsonDocument.Parse(process.StandardOutput.ReadToEnd());
            process.WaitForExit();
            process.ExitCode.Should().Be(0, error.Result);
            static byte[] Pixels(JsonElement array) => Flatten(array).Select(v => (byte)v).ToArray();
            static IEnumerable<int> Flatten(JsonElement e) => e.ValueKind == JsonValueKind.Array ? e.EnumerateArray().SelectMany(Flatten) : [e.GetInt32()];
            var root = result.RootElement;
            root.GetProperty("rgb.png")[0].GetString().Should().Be("RGB");
            Pixels(root.GetProperty("rgb.png")[1]).Should().Equal(source.Permute(1, 2, 0).Contiguous().ToArray<byte>());
            root.GetProperty("rgba.png")[0].GetString().Should().Be("RGBA");
            Pixels(root.GetProperty("rgba.png")[1]).Should().Equal(Tensor.Cat([source, source[..1]]).Permute(1, 2, 0).Contiguous().ToArray<byte>());
            root.GetProperty("gray.png")[0].GetString().Should().Be("L");
            Pixels(root.GetProperty("gray.png")[1]).Should().Equal(source[0].Contiguous().ToArray<byte>());
            root.GetProperty("smooth.jpg")[0].GetString().Should().Be("RGB");
            var jpeg = Pixels(root.GetProperty("smooth.jpg")[1]);
            var original = smooth.Permute(1, 2, 0).Contiguous().ToArray<byte>();
            jpeg.Zip(original, (a, b) => Math.Abs(a - b)).Average().Should().BeLessThan(2, "a smooth ramp at quality 95 is nearly lossless");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(Grids))]
    public void MakeGrid_MatchesTorchvision(string name)
    {
        var golden = Section("make_grid").GetProperty(name);
        var options = golden.GetProperty("options");
        int Int(string key, int fallback) => options.TryGetProperty(key, out var v) ? v.GetInt32() : fallback;
        bool Flag(string key) => options.TryGetProperty(key, out var v) && v.GetBoolean();
        (double, double)? range = options.TryGetProperty("value_range", out var r) ? (r[0].GetDouble(), r[1].GetDouble()) : null;
        using var scope = TensorScope.Begin();
        var input = Golden.ToTensor(Golden.Parse(golden.GetProperty("input")));
        var grid = Utils.MakeGrid(input, nrow: Int("nrow", 8), padding: Int("padding", 2), normalize: Flag("normalize"), valueRange: range,
            scaleEach: Flag("scale_each"), padValue: options.TryGetProperty("pad_value", out var pad) ? pad.GetDouble() : 0);
        grid.ShouldMatch(Golden.Parse(golden.GetProperty("output")), 1e-6);
        input.ToArray<float>().Should().Equal(Golden.ToTensor(Golden.Parse(golden.GetProperty("input"))).ToArray<float>(), "make_grid leaves its input alone");
    }

    [SkippableFact]
    public void SaveImage_WritesTorchvisionsPixels()
    {
        SkiaSharpSupport.Require();
        var golden = Section("save_image");
        using var scope = TensorScope.Begin();
        var path = Path.Combine(Path.GetTempPath(), $"neuralcore-{Guid.NewGuid():N}.png");
        try
        {
            Utils.SaveImage(Golden.ToTensor(Golden.Parse(golden.GetProperty("input"))), path, nrow: golden.GetProperty("nrow").GetInt32());
            var expected = Golden.Parse(golden.GetProperty("pixels"));
            var saved = Image.Read(path);
            saved.Shape.Should().Equal(expected.Shape);
            saved.ToArray<byte>().Select(v => (double)v).Should().Equal(expected.Data);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
