namespace NeuralCore.Vision.Transforms;

/// <summary>
/// An image transform (torchvision.transforms): <see cref="Call"/> maps an image …×C×H×W to a new one. Converts to
/// <c>Func&lt;Tensor, Tensor&gt;</c>, the form datasets take. Random transforms draw from libtorch's global generator
/// exactly as torchvision draws from torch's, so after the same <c>Torch.ManualSeed</c> both make the same choices.
/// </summary>
public abstract class Transform
{
    /// <summary>The transformed image (a new tensor; the input is left as it is).</summary>
    public abstract Tensor Call(Tensor image);

    public static implicit operator Func<Tensor, Tensor>(Transform transform) => transform.Call;

    private protected static bool Draw(double probability)
    {
        // torch.rand(1) < p compares in Float32.
        using var draw = Tensor.Rand(1);
        return draw.Item<float>() < (float)probability;
    }

    private protected static int RandInt(int low, int high)
    {
        using var draw = Tensor.RandInt(low, high, 1);
        return (int)draw.Item<long>();
    }

    private protected static double Uniform(double low, double high)
    {
        using var draw = Tensor.Empty(1);
        NN.Init.Uniform(draw, low, high);
        return draw.Item<float>();
    }

    private protected static int PythonRound(double value) => (int)Math.Round(value, MidpointRounding.ToEven);

    // torch.log(torch.tensor(ratio)) and torch.exp of a draw: Float32, through libtorch's own kernels.
    private protected static (double Low, double High) LogRatio((double Low, double High) ratio)
    {
        using var values = Tensor.FromArray(new[] { (float)ratio.Low, (float)ratio.High });
        using var logs = values.Log();
        var pair = logs.ToArray<float>();
        return (pair[0], pair[1]);
    }

    private protected static double Exp32(double value)
    {
        using var input = Tensor.FromArray(new[] { (float)value });
        using var result = input.Exp();
        return result.Item<float>();
    }
}

/// <summary>Transforms applied in order (torchvision.transforms.Compose); intermediate images are disposed.</summary>
public sealed class Compose(params IReadOnlyList<Func<Tensor, Tensor>> transforms) : Transform
{
    public IReadOnlyList<Func<Tensor, Tensor>> Transforms { get; } = transforms;

    public override Tensor Call(Tensor image)
    {
        using var scope = TensorScope.Begin();
        foreach (var transform in Transforms) image = transform(image);
        return scope.Keep(image);
    }
}

/// <summary>A function as a transform (torchvision.transforms.Lambda).</summary>
public sealed class Lambda(Func<Tensor, Tensor> function) : Transform
{
    public override Tensor Call(Tensor image) => function(image);
}

/// <summary>
/// A uint8 image C×H×W (what datasets and <see cref="Image.Read"/> give) to Float32 in [0, 1]
/// (torchvision.transforms.ToTensor; there is no PIL image here, so it takes the tensor).
/// </summary>
public sealed class ToTensor : Transform
{
    public override Tensor Call(Tensor image)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.DType != DType.UInt8) throw new ArgumentException($"ToTensor takes a uint8 image, got {image.DType}; use ConvertImageDtype for others", nameof(image));
        return Functional.ConvertImageDtype(image, DType.Float32);
    }
}

/// <summary>Converts the image's dtype, scaling values (torchvision.transforms.ConvertImageDtype).</summary>
public sealed class ConvertImageDtype(DType dtype) : Transform
{
    public override Tensor Call(Tensor image) => Functional.ConvertImageDtype(image, dtype);
}

/// <summary>(image − mean) / std per channel (torchvision.transforms.Normalize).</summary>
public sealed class Normalize(IReadOnlyList<double> mean, IReadOnlyList<double> std, bool inplace = false) : Transform
{
    public override Tensor Call(Tensor image) => Functional.Normalize(image, mean, std, inplace);
}

/// <summary>
/// Resizes (torchvision.transforms.Resize): one size matches the smaller edge, keeping the aspect ratio; two give
/// height and width. Bilinear by default; <c>antialias</c> off by default on tensors, as torchvision 0.14.
/// </summary>
public sealed class Resize : Transform
{
    private readonly int? size;
    private readonly (int Height, int Width)? exact;
    private readonly InterpolationMode interpolation;
    private readonly int? maxSize;
    private readonly bool antialias;

    public Resize(int size, InterpolationMode interpolation = InterpolationMode.Bilinear, int? maxSize = null, bool antialias = false) =>
        (this.size, this.interpolation, this.maxSize, this.antialias) = (size, interpolation, maxSize, antialias);

    public Resize((int Height, int Width) size, InterpolationMode interpolation = InterpolationMode.Bilinear, bool antialias = false) =>
        (exact, this.interpolation, this.antialias) = (size, interpolation, antialias);

    public override Tensor Call(Tensor image) => exact is { } hw
        ? Functional.Resize(image, hw.Height, hw.Width, interpolation, antialias)
        : Functional.Resize(image, size!.Value, interpolation, maxSize, antialias);
}

/// <summary>The central region (torchvision.transforms.CenterCrop), zero-padded where the image is smaller.</summary>
public sealed class CenterCrop((int Height, int Width) size) : Transform
{
    public CenterCrop(int size) : this((size, size)) { }

    public override Tensor Call(Tensor image) => Functional.CenterCrop(image, size.Height, size.Width);
}

/// <summary>Pads the border (torchvision.transforms.Pad): one value, (left/right, top/bottom) or (left, top, right, bottom).</summary>
public sealed class Pad(IReadOnlyList<int> padding, double fill = 0, PaddingMode paddingMode = PaddingMode.Constant) : Transform
{
    public Pad(int padding, double fill = 0, PaddingMode paddingMode = PaddingMode.Constant) : this([padding], fill, paddingMode) { }

    public override Tensor Call(Tensor image) => Functional.Pad(image, padding, fill, paddingMode);
}

/// <summary>A region at a random place (torchvision.transforms.RandomCrop), after optional padding.</summary>
public sealed class RandomCrop((int Height, int Width) size, IReadOnlyList<int>? padding = null, bool padIfNeeded = false, double fill = 0,
    PaddingMode paddingMode = PaddingMode.Constant) : Transform
{
    public RandomCrop(int size, int? padding = null, bool padIfNeeded = false, double fill = 0, PaddingMode paddingMode = PaddingMode.Constant)
        : this((size, size), padding is { } p ? [p] : null, padIfNeeded, fill, paddingMode) { }

    /// <summary>(top, left, height, width) of a crop of <paramref name="height"/>×<paramref name="width"/> from an image of <paramref name="imageHeight"/>×<paramref name="imageWidth"/>.</summary>
    public static (int Top, int Left, int Height, int Width) GetParams(int imageHeight, int imageWidth, int height, int width)
    {
        if (imageHeight < height || imageWidth < width)
            throw new ArgumentException($"Required crop size ({height}, {width}) is larger than input image size ({imageHeight}, {imageWidth})");
        if (imageHeight == height && imageWidth == width) return (0, 0, height, width);
        var top = RandInt(0, imageHeight - height + 1);
        return (top, RandInt(0, imageWidth - width + 1), height, width);
    }

    public override Tensor Call(Tensor image)
    {
        Functional.CheckImage(image);
        using var scope = TensorScope.Begin();
        if (padding is not null) image = Functional.Pad(image, padding, fill, paddingMode);
        if (padIfNeeded && image.Shape[^1] < size.Width) image = Functional.Pad(image, [size.Width - (int)image.Shape[^1], 0], fill, paddingMode);
        if (padIfNeeded && image.Shape[^2] < size.Height) image = Functional.Pad(image, [0, size.Height - (int)image.Shape[^2]], fill, paddingMode);
        var (top, left, height, width) = GetParams((int)image.Shape[^2], (int)image.Shape[^1], size.Height, size.Width);
        return scope.Keep(Functional.Crop(image, top, left, height, width));
    }
}

/// <summary>Mirrors left to right with probability <paramref name="p"/> (torchvision.transforms.RandomHorizontalFlip).</summary>
public sealed class RandomHorizontalFlip(double p = 0.5) : Transform
{
    public override Tensor Call(Tensor image) => Draw(p) ? Functional.HorizontalFlip(image) : image.Alias();
}

/// <summary>Mirrors top to bottom with probability <paramref name="p"/> (torchvision.transforms.RandomVerticalFlip).</summary>
public sealed class RandomVerticalFlip(double p = 0.5) : Transform
{
    public override Tensor Call(Tensor image) => Draw(p) ? Functional.VerticalFlip(image) : image.Alias();
}

/// <summary>
/// A random region of random area and aspect ratio, resized to <c>size</c> (torchvision.transforms.RandomResizedCrop):
/// the Inception-style crop of ImageNet training.
/// </summary>
public sealed class RandomResizedCrop((int Height, int Width) size, (double Low, double High)? scale = null, (double Low, double High)? ratio = null,
    InterpolationMode interpolation = InterpolationMode.Bilinear, bool antialias = false) : Transform
{
    private readonly (double Low, double High) scale = scale ?? (0.08, 1.0);
    private readonly (double Low, double High) ratio = ratio ?? (3.0 / 4.0, 4.0 / 3.0);

    public RandomResizedCrop(int size, (double Low, double High)? scale = null, (double Low, double High)? ratio = null,
        InterpolationMode interpolation = InterpolationMode.Bilinear, bool antialias = false)
        : this((size, size), scale, ratio, interpolation, antialias) { }

    /// <summary>(top, left, height, width) of the crop, drawn as torchvision draws it (ten tries, then a central crop).</summary>
    public static (int Top, int Left, int Height, int Width) GetParams(int height, int width, (double Low, double High) scale, (double Low, double High) ratio)
    {
        var area = (double)height * width;
        var (logLow, logHigh) = LogRatio(ratio);
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var targetArea = area * Uniform(scale.Low, scale.High);
            var aspect = Exp32(Uniform(logLow, logHigh));
            var w = PythonRound(Math.Sqrt(targetArea * aspect));
            var h = PythonRound(Math.Sqrt(targetArea / aspect));
            if (w > 0 && w <= width && h > 0 && h <= height)
            {
                var top = RandInt(0, height - h + 1);
                return (top, RandInt(0, width - w + 1), h, w);
            }
        }
        var inRatio = (double)width / height;
        int cw, ch;
        if (inRatio < Math.Min(ratio.Low, ratio.High)) (cw, ch) = (width, PythonRound(width / Math.Min(ratio.Low, ratio.High)));
        else if (inRatio > Math.Max(ratio.Low, ratio.High)) (ch, cw) = (height, PythonRound(height * Math.Max(ratio.Low, ratio.High)));
        else (cw, ch) = (width, height);
        return ((height - ch) / 2, (width - cw) / 2, ch, cw);
    }

    public override Tensor Call(Tensor image)
    {
        Functional.CheckImage(image);
        var (top, left, h, w) = GetParams((int)image.Shape[^2], (int)image.Shape[^1], scale, ratio);
        return Functional.ResizedCrop(image, top, left, h, w, size.Height, size.Width, interpolation, antialias);
    }
}

/// <summary>RGB to gray with 1 or 3 output channels (torchvision.transforms.Grayscale).</summary>
public sealed class Grayscale(int numOutputChannels = 1) : Transform
{
    public override Tensor Call(Tensor image) => Functional.RgbToGrayscale(image, numOutputChannels);
}

/// <summary>To gray, keeping the channel count, with probability <paramref name="p"/> (torchvision.transforms.RandomGrayscale).</summary>
public sealed class RandomGrayscale(double p = 0.1) : Transform
{
    public override Tensor Call(Tensor image)
    {
        Functional.CheckImage(image);
        return Draw(p) ? Functional.RgbToGrayscale(image, (int)image.Shape[^3]) : image.Alias();
    }
}

/// <summary>Gaussian blur with σ drawn from <c>sigma</c> per call (torchvision.transforms.GaussianBlur); the kernel is (x, y), odd.</summary>
public sealed class GaussianBlur((int X, int Y) kernelSize, (double Low, double High)? sigma = null) : Transform
{
    private readonly (double Low, double High) sigma = sigma ?? (0.1, 2.0);

    public GaussianBlur(int kernelSize, (double Low, double High)? sigma = null) : this((kernelSize, kernelSize), sigma) { }

    public override Tensor Call(Tensor image)
    {
        var s = Uniform(sigma.Low, sigma.High);
        return Functional.GaussianBlur(image, kernelSize.X, kernelSize.Y, s, s);
    }
}

/// <summary>
/// Erases a random rectangle with probability <paramref name="p"/> (torchvision.transforms.RandomErasing): with
/// <c>value</c> per channel, or normal noise when <c>randomValue</c> is set.
/// </summary>
public sealed class RandomErasing(double p = 0.5, (double Low, double High)? scale = null, (double Low, double High)? ratio = null,
    IReadOnlyList<double>? value = null, bool randomValue = false, bool inplace = false) : Transform
{
    private readonly (double Low, double High) scale = scale ?? (0.02, 0.33);
    private readonly (double Low, double High) ratio = ratio ?? (0.3, 3.3);
    private readonly IReadOnlyList<double> value = value ?? [0.0];

    public override Tensor Call(Tensor image)
    {
        Functional.CheckImage(image);
        if (!Draw(p)) return image.Alias();
        var channels = image.Shape[^3];
        if (!randomValue && value.Count != 1 && value.Count != channels)
            throw new ArgumentException($"If value is a sequence, it should have either a single value or {channels} (number of input channels)");
        var (imageHeight, imageWidth) = ((int)image.Shape[^2], (int)image.Shape[^1]);
        var area = (double)imageHeight * imageWidth;
        var (logLow, logHigh) = LogRatio(ratio);
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var eraseArea = area * Uniform(scale.Low, scale.High);
            var aspect = Exp32(Uniform(logLow, logHigh));
            var h = PythonRound(Math.Sqrt(eraseArea * aspect));
            var w = PythonRound(Math.Sqrt(eraseArea / aspect));
            if (!(h < imageHeight && w < imageWidth)) continue;
            using var scope = TensorScope.Begin();
            var fill = randomValue
                ? NN.Init.Normal(Tensor.Empty([channels, h, w], DType.Float32), 0, 1)
                : Tensor.FromArray(value.Select(v => (float)v).ToArray()).View(-1, 1, 1);
            var top = RandInt(0, imageHeight - h + 1);
            var left = RandInt(0, imageWidth - w + 1);
            return scope.Keep(Functional.Erase(image, top, left, h, w, fill, inplace));
        }
        return image.Alias();
    }
}

/// <summary>
/// Rotation by an angle drawn from <c>degrees</c> (torchvision.transforms.RandomRotation; one value d means [−d, d]),
/// nearest or bilinear, optionally enlarging the output, filling outside with <paramref name="fill"/>.
/// </summary>
public sealed class RandomRotation((double Low, double High) degrees, InterpolationMode interpolation = InterpolationMode.Nearest, bool expand = false,
    (double X, double Y)? center = null, IReadOnlyList<double>? fill = null) : Transform
{
    public RandomRotation(double degrees, InterpolationMode interpolation = InterpolationMode.Nearest, bool expand = false, (double X, double Y)? center = null,
        IReadOnlyList<double>? fill = null)
        : this((-CheckDegrees(degrees), degrees), interpolation, expand, center, fill) { }

    internal static double CheckDegrees(double degrees) =>
        degrees >= 0 ? degrees : throw new ArgumentOutOfRangeException(nameof(degrees), degrees, "If degrees is a single number, it must be positive.");

    public override Tensor Call(Tensor image)
    {
        Functional.CheckImage(image);
        var angle = Uniform(degrees.Low, degrees.High);
        return Functional.Rotate(image, angle, interpolation, expand, center, Fill(fill, image));
    }

    // torchvision turns the fill into one value per channel for tensors, so the fill mask is always applied.
    internal static IReadOnlyList<double> Fill(IReadOnlyList<double>? fill, Tensor image) =>
        fill is null || fill.Count == 1 ? Enumerable.Repeat(fill?[0] ?? 0.0, (int)image.Shape[^3]).ToArray() : fill;
}

/// <summary>
/// A random affine transform keeping the centre (torchvision.transforms.RandomAffine): rotation from <c>degrees</c>,
/// translation up to the given fractions of width and height, scale from <c>scale</c>, shear angles from <c>shear</c>
/// (x range, and y range when given).
/// </summary>
public sealed class RandomAffine((double Low, double High) degrees, (double X, double Y)? translate = null, (double Low, double High)? scale = null,
    (double XLow, double XHigh, double? YLow, double? YHigh)? shear = null, InterpolationMode interpolation = InterpolationMode.Nearest,
    IReadOnlyList<double>? fill = null, (double X, double Y)? center = null) : Transform
{
    public RandomAffine(double degrees, (double X, double Y)? translate = null, (double Low, double High)? scale = null, double? shear = null,
        InterpolationMode interpolation = InterpolationMode.Nearest, IReadOnlyList<double>? fill = null, (double X, double Y)? center = null)
        : this((-RandomRotation.CheckDegrees(degrees), degrees), translate, scale, shear is { } s ? (-s, s, null, null) : null, interpolation, fill, center) { }

    /// <summary>(angle, translation, scale, shear) drawn as torchvision draws them, for an image <paramref name="width"/>×<paramref name="height"/>.</summary>
    public (double Angle, (int X, int Y) Translate, double Scale, (double X, double Y) Shear) GetParams(int width, int height)
    {
        var angle = Uniform(degrees.Low, degrees.High);
        var translation = (0, 0);
        if (translate is { } t)
        {
            var (maxDx, maxDy) = (t.X * width, t.Y * height);
            var tx = PythonRound(Uniform(-maxDx, maxDx));
            translation = (tx, PythonRound(Uniform(-maxDy, maxDy)));
        }
        var scaleValue = scale is { } sc ? Uniform(sc.Low, sc.High) : 1.0;
        var (shearX, shearY) = (0.0, 0.0);
        if (shear is { } sh)
        {
            shearX = Uniform(sh.XLow, sh.XHigh);
            if (sh.YLow is { } yl && sh.YHigh is { } yh) shearY = Uniform(yl, yh);
        }
        return (angle, translation, scaleValue, (shearX, shearY));
    }

    public override Tensor Call(Tensor image)
    {
        Functional.CheckImage(image);
        var (angle, (tx, ty), scaleValue, shearValue) = GetParams((int)image.Shape[^1], (int)image.Shape[^2]);
        return Functional.Affine(image, angle, (tx, ty), scaleValue, shearValue, interpolation, RandomRotation.Fill(fill, image), center);
    }
}

/// <summary>
/// Random brightness, contrast, saturation and hue, applied in a random order (torchvision.transforms.ColorJitter).
/// One value v means [max(0, 1 − v), 1 + v] for the first three and [−v, v] for hue; 0 leaves that property alone.
/// </summary>
public sealed class ColorJitter : Transform
{
    private readonly (double Low, double High)? brightness, contrast, saturation, hue;

    public ColorJitter(double brightness = 0, double contrast = 0, double saturation = 0, double hue = 0)
        : this(Range(brightness, nameof(brightness)), Range(contrast, nameof(contrast)), Range(saturation, nameof(saturation)), HueRange(hue)) { }

    public ColorJitter((double Low, double High)? brightness, (double Low, double High)? contrast, (double Low, double High)? saturation,
        (double Low, double High)? hue) =>
        (this.brightness, this.contrast, this.saturation, this.hue) = (Trivial(brightness, 1), Trivial(contrast, 1), Trivial(saturation, 1), Trivial(hue, 0));

    private static (double, double)? Range(double value, string name) => value >= 0
        ? (Math.Max(0, 1 - value), 1 + value)
        : throw new ArgumentOutOfRangeException(name, value, $"If {name} is a single number, it must be non negative.");

    private static (double, double)? HueRange(double value) => value is >= 0 and <= 0.5
        ? (-value, value)
        : throw new ArgumentOutOfRangeException(nameof(hue), value, "hue values should be between (-0.5, 0.5)");

    // A range that is a single point at the neutral value changes nothing and draws nothing, as torchvision's None.
    private static (double Low, double High)? Trivial((double Low, double High)? range, double neutral) =>
        range is { } r && r.Low == neutral && r.High == neutral ? null : range;

    public override Tensor Call(Tensor image)
    {
        Functional.CheckImage(image);
        int[] order;
        using (var permutation = Tensor.RandPerm(4)) order = permutation.ToArray<long>().Select(i => (int)i).ToArray();
        double? b = brightness is { } br ? Uniform(br.Low, br.High) : null;
        double? c = contrast is { } co ? Uniform(co.Low, co.High) : null;
        double? s = saturation is { } sa ? Uniform(sa.Low, sa.High) : null;
        double? h = hue is { } hu ? Uniform(hu.Low, hu.High) : null;
        using var scope = TensorScope.Begin();
        foreach (var index in order)
        {
            image = index switch
            {
                0 when b is { } f => Functional.AdjustBrightness(image, f),
                1 when c is { } f => Functional.AdjustContrast(image, f),
                2 when s is { } f => Functional.AdjustSaturation(image, f),
                3 when h is { } f => Functional.AdjustHue(image, f),
                _ => image,
            };
        }
        return scope.Keep(image.Alias());
    }
}
