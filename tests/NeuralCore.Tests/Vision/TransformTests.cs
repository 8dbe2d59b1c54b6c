using System.Text.Json;
using NeuralCore.Tests.Support;
using NeuralCore.Vision.Transforms;

namespace NeuralCore.Tests;

/// <summary>
/// Image transforms against python3-torchvision 0.14's on the same images (Fixtures/generate_vision_golden.py):
/// deterministic ones exactly (uint8) or to 1e-5 (float), random ones after the same seed, several calls in a row.
/// </summary>
[Collection(GlobalStateCollection.Name)]
public class TransformTests
{
    private static readonly Lazy<JsonDocument> Document = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.Directory, "Fixtures", "vision_golden.json"))));

    private static readonly double[] ImageNetMean = [0.485, 0.456, 0.406], ImageNetStd = [0.229, 0.224, 0.225];

    // The same transforms as the generator's, case by case.
    private static readonly Dictionary<string, Func<Transform>> Cases = new()
    {
        ["to_tensor"] = () => new ToTensor(),
        ["float_to_uint8"] = () => new ConvertImageDtype(DType.UInt8),
        ["normalize"] = () => new Normalize([0.5, 0.4, 0.3], [0.2, 0.25, 0.3]),
        ["resize_smaller_edge"] = () => new Resize(7),
        ["resize_nearest"] = () => new Resize((5, 9), InterpolationMode.Nearest),
        ["resize_bicubic"] = () => new Resize((8, 20), InterpolationMode.Bicubic),
        ["resize_bicubic_uint8"] = () => new Resize((16, 20), InterpolationMode.Bicubic),
        ["resize_antialias"] = () => new Resize((5, 6), antialias: true),
        ["resize_max_size"] = () => new Resize(10, maxSize: 12),
        ["center_crop"] = () => new CenterCrop((5, 7)),
        ["center_crop_larger"] = () => new CenterCrop((15, 16)),
        ["pad_constant"] = () => new Pad([1, 2, 3, 4], fill: 7),
        ["pad_edge"] = () => new Pad([2, 1], paddingMode: PaddingMode.Edge),
        ["pad_reflect"] = () => new Pad(2, paddingMode: PaddingMode.Reflect),
        ["pad_symmetric"] = () => new Pad(3, paddingMode: PaddingMode.Symmetric),
        ["grayscale"] = () => new Grayscale(),
        ["grayscale_three"] = () => new Grayscale(3),
        ["gaussian_blur"] = () => new GaussianBlur((3, 5), (0.5, 2.0)),
        ["gaussian_blur_float"] = () => new GaussianBlur(5),
        ["random_crop_padding"] = () => new RandomCrop((6, 8), padding: [2]),
        ["random_crop_pad_if_needed"] = () => new RandomCrop((13, 16), padIfNeeded: true, paddingMode: PaddingMode.Edge),
        ["random_horizontal_flip"] = () => new RandomHorizontalFlip(),
        ["random_vertical_flip"] = () => new RandomVerticalFlip(0.3),
        ["random_resized_crop"] = () => new RandomResizedCrop(8),
        ["random_resized_crop_fallback"] = () => new RandomResizedCrop((6, 5), scale: (0.9, 1.0), ratio: (3.0, 4.0)),
        ["random_grayscale"] = () => new RandomGrayscale(0.5),
        ["random_erasing"] = () => new RandomErasing(p: 1.0, value: [0.1, 0.2, 0.3]),
        ["random_erasing_random"] = () => new RandomErasing(p: 0.7, randomValue: true),
        ["random_rotation"] = () => new RandomRotation(30),
        ["random_rotation_bilinear_expand_fill"] = () => new RandomRotation((10, 80), InterpolationMode.Bilinear, expand: true, fill: [0.5]),
        ["random_rotation_center"] = () => new RandomRotation(45, center: (2, 3), fill: [10, 20, 30]),
        ["random_affine"] = () => new RandomAffine(20, translate: (0.2, 0.1), scale: (0.8, 1.2), shear: 10),
        ["random_affine_bilinear_shear_xy"] = () => new RandomAffine((5, 15), shear: (-5, 5, 10, 20), interpolation: InterpolationMode.Bilinear, fill: [1.0]),
        ["color_jitter"] = () => new ColorJitter(brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1),
        ["color_jitter_float"] = () => new ColorJitter(brightness: 0.3, contrast: 0.2, saturation: 0.5, hue: 0.3),
        ["color_jitter_brightness"] = () => new ColorJitter(brightness: 0.8),
        ["compose"] = () => new Compose(new RandomResizedCrop(9), new RandomHorizontalFlip(), new ConvertImageDtype(DType.Float32),
            new Normalize(ImageNetMean, ImageNetStd)),
    };

    public static TheoryData<string> Names() => new(Document.Value.RootElement.GetProperty("transforms").GetProperty("cases").EnumerateObject().Select(p => p.Name));

    [Theory]
    [MemberData(nameof(Names))]
    public void Transform_MatchesTorchvision(string name)
    {
        var root = Document.Value.RootElement.GetProperty("transforms");
        var golden = root.GetProperty("cases").GetProperty(name);
        using var scope = TensorScope.Begin();
        var kind = golden.GetProperty("input").GetString();
        var source = kind == "uint8"
            ? Tensor.FromArray(Golden.Parse(root.GetProperty("uint8_image")).Data.Select(v => (byte)v).ToArray(), 3, 11, 14)
            : Golden.ToTensor(Golden.Parse(root.GetProperty("float_image")));
        var transform = Cases[name]();
        Torch.ManualSeed(golden.GetProperty("seed").GetUInt64());
        var outputs = Enumerable.Range(0, golden.GetProperty("repeat").GetInt32()).Select(_ => transform.Call(source)).ToArray();
        var expected = Golden.Parse(golden.GetProperty("output"));
        var actual = Tensor.Stack(outputs);
        actual.Shape.Should().Equal(expected.Shape);
        actual.DType.Name().Should().Be(expected.DType);
        var values = actual.To(DType.Float64).ToArray<double>();
        var tolerance = actual.DType == DType.UInt8 ? 0 : 1e-5;
        for (var i = 0; i < values.Length; i++)
            values[i].Should().BeApproximately(expected.Data[i], tolerance * Math.Max(1, Math.Abs(expected.Data[i])), $"element {i} of {name}");
    }

    [Fact]
    public void BadArguments_ThrowWithTorchvisionsMessages()
    {
        using var scope = TensorScope.Begin();
        var image = Tensor.Rand(3, 4, 4);
        ((Action)(() => new Normalize([0.5], [0.0]).Call(image))).Should().Throw<ArgumentException>().WithMessage("*division by zero*");
        ((Action)(() => new RandomCrop(5).Call(image))).Should().Throw<ArgumentException>().WithMessage("*larger than input image size*");
        ((Action)(() => new Resize(3, InterpolationMode.Nearest, antialias: true).Call(image))).Should().Throw<ArgumentException>().WithMessage("*bilinear and bicubic*");
        ((Action)(() => new Pad([1, 2, 3]).Call(image))).Should().Throw<ArgumentException>().WithMessage("*1, 2, or 4 element*");
        ((Action)(() => new GaussianBlur(4).Call(image))).Should().Throw<ArgumentException>().WithMessage("*odd and positive*");
        ((Action)(() => new ToTensor().Call(image))).Should().Throw<ArgumentException>().WithMessage("*uint8*");
        ((Action)(() => new Grayscale().Call(Tensor.Rand(2, 4, 4)))).Should().Throw<ArgumentException>().WithMessage("*[1, 3]*");
        ((Action)(() => new CenterCrop(2).Call(Tensor.Rand(4, 4)))).Should().Throw<ArgumentException>().WithMessage("*C×H×W*");
    }

    [Fact]
    public void Transforms_WorkOnBatches_AndAsDatasetFunctions()
    {
        using var scope = TensorScope.Begin();
        var batch = Tensor.Rand(2, 3, 10, 12);
        new CenterCrop(4).Call(batch).Shape.Should().Equal(2, 3, 4, 4);
        new Resize((5, 6)).Call(batch).Shape.Should().Equal(2, 3, 5, 6);
        Func<Tensor, Tensor> asFunction = new Compose(new Grayscale(), new Pad(1));
        asFunction(batch).Shape.Should().Equal(2, 1, 12, 14);
    }
}
