using NeuralCore.NN;

namespace NeuralCore.Vision.Transforms;

/// <summary>How <see cref="Functional.Resize(Tensor, int, int, InterpolationMode, bool)"/> samples (torchvision.transforms.InterpolationMode).</summary>
public enum InterpolationMode
{
    Nearest,
    Bilinear,
    Bicubic,
}

/// <summary>How <see cref="Functional.Pad"/> fills the border (torchvision's padding_mode).</summary>
public enum PaddingMode
{
    /// <summary>The fill value.</summary>
    Constant,
    /// <summary>The last value at the edge, repeated.</summary>
    Edge,
    /// <summary>Mirrored without repeating the edge: 2 1 | 1 2 3 4 → 3 2 | 1 2 3 4.</summary>
    Reflect,
    /// <summary>Mirrored, repeating the edge: 2 1 | 1 2 3 4.</summary>
    Symmetric,
}

/// <summary>
/// torchvision.transforms.functional on tensors: images …×C×H×W (uint8 or floating point; a batch where
/// torchvision allows one). Integer images are resampled in Float32 and rounded back, as torchvision does.
/// </summary>
public static class Functional
{
    /// <summary>uint8 → Float32 in [0, 1]; floating point to another floating point type (torchvision's convert_image_dtype).</summary>
    public static Tensor ConvertImageDtype(Tensor image, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.DType == dtype) return image.Alias();
        var fromFloat = image.DType.IsFloatingPoint();
        var toFloat = dtype.IsFloatingPoint();
        using var scope = TensorScope.Begin();
        Tensor result = (fromFloat, toFloat) switch
        {
            (true, true) => image.To(dtype),
            (false, true) when image.DType == DType.UInt8 => image.To(dtype).Div(255.0),
            // torchvision: scale by just under 256, so that 1.0 maps to 255 and every bucket is as wide.
            (true, false) when dtype == DType.UInt8 => image.Mul(255 + 1.0 - 1e-3).To(dtype),
            _ => throw new ArgumentException($"converting a {image.DType} image to {dtype} is not supported (uint8 and floating point are)", nameof(dtype)),
        };
        return scope.Keep(result);
    }

    /// <summary>(image − mean) / std per channel; <paramref name="mean"/> and <paramref name="std"/> have one value per channel or one in all.</summary>
    public static Tensor Normalize(Tensor image, IReadOnlyList<double> mean, IReadOnlyList<double> std, bool inplace = false)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (!image.DType.IsFloatingPoint()) throw new ArgumentException($"Normalize takes a floating point image, got {image.DType}", nameof(image));
        if (image.Dimensions < 3) throw new ArgumentException($"Normalize takes an image …×C×H×W, got [{string.Join(", ", image.Shape)}]", nameof(image));
        if (std.Any(s => s == 0)) throw new ArgumentException($"std evaluated to zero after conversion to {image.DType}, leading to division by zero.", nameof(std));
        using var scope = TensorScope.Begin();
        var m = Tensor.FromArray(mean.ToArray()).To(image.DType).To(image.Device).View(-1, 1, 1);
        var s = Tensor.FromArray(std.ToArray()).To(image.DType).To(image.Device).View(-1, 1, 1);
        if (inplace) return image.SubInPlace(m).DivInPlace(s);
        return scope.Keep(image.Sub(m).Div(s));
    }

    /// <summary>The output size torchvision's resize computes: the smaller edge to <paramref name="size"/> (capped by <paramref name="maxSize"/>).</summary>
    public static (int Height, int Width) ResizedSize(int height, int width, int size, int? maxSize = null)
    {
        var (shortEdge, longEdge) = width <= height ? (width, height) : (height, width);
        var (newShort, newLong) = (size, (int)((double)size * longEdge / shortEdge));
        if (maxSize is { } max)
        {
            if (max <= size) throw new ArgumentException($"max_size = {max} must be strictly greater than the requested size for the smaller edge size = {size}", nameof(maxSize));
            if (newLong > max) (newShort, newLong) = ((int)((double)max * newShort / newLong), max);
        }
        return width <= height ? (newLong, newShort) : (newShort, newLong);
    }

    /// <summary>Resizes the smaller edge to <paramref name="size"/>, keeping the aspect ratio.</summary>
    public static Tensor Resize(Tensor image, int size, InterpolationMode interpolation = InterpolationMode.Bilinear, int? maxSize = null, bool antialias = false)
    {
        var (height, width) = ResizedSize((int)image.Shape[^2], (int)image.Shape[^1], size, maxSize);
        return Resize(image, height, width, interpolation, antialias);
    }

    /// <summary>Resizes to <paramref name="height"/>×<paramref name="width"/>; <paramref name="antialias"/> for bilinear and bicubic, as torchvision.</summary>
    public static Tensor Resize(Tensor image, int height, int width, InterpolationMode interpolation = InterpolationMode.Bilinear, bool antialias = false)
    {
        CheckImage(image);
        if (image.Shape[^2] == height && image.Shape[^1] == width) return image.Alias();
        if (antialias && interpolation == InterpolationMode.Nearest)
            throw new ArgumentException("Antialias option is supported for bilinear and bicubic interpolation modes only", nameof(antialias));
        using var scope = TensorScope.Begin();
        var (batch, cast, squeeze) = CastSqueezeIn(image);
        var mode = interpolation.ToString().ToLowerInvariant();
        var resized = NN.Functional.Interpolate(batch, [height, width], mode: mode, alignCorners: interpolation == InterpolationMode.Nearest ? null : false,
            antialias: antialias);
        if (interpolation == InterpolationMode.Bicubic && image.DType == DType.UInt8) resized = resized.Clamp(0, 255);
        return scope.Keep(CastSqueezeOut(resized, cast ? image.DType : null, squeeze));
    }

    /// <summary>The region <paramref name="height"/>×<paramref name="width"/> at (<paramref name="top"/>, <paramref name="left"/>); zero beyond the image.</summary>
    public static Tensor Crop(Tensor image, int top, int left, int height, int width)
    {
        CheckImage(image);
        var (h, w) = ((int)image.Shape[^2], (int)image.Shape[^1]);
        var (right, bottom) = (left + width, top + height);
        using var scope = TensorScope.Begin();
        if (left < 0 || top < 0 || right > w || bottom > h)
        {
            int[] padding = [Math.Max(-left + Math.Min(0, right), 0), Math.Max(-top + Math.Min(0, bottom), 0), Math.Max(right - Math.Max(w, left), 0), Math.Max(bottom - Math.Max(h, top), 0)];
            var (t, l) = (Math.Max(top, 0), Math.Max(left, 0));
            var inside = Slice(image, t, Math.Max(Math.Min(bottom, h) - t, 0), l, Math.Max(Math.Min(right, w) - l, 0));
            return scope.Keep(Pad(inside, padding));
        }
        return scope.Keep(Slice(image, top, height, left, width));
    }

    /// <summary>The central <paramref name="height"/>×<paramref name="width"/> region, padded with zeros where the image is smaller.</summary>
    public static Tensor CenterCrop(Tensor image, int height, int width)
    {
        CheckImage(image);
        using var scope = TensorScope.Begin();
        var (h, w) = ((int)image.Shape[^2], (int)image.Shape[^1]);
        if (width > w || height > h)
        {
            int[] padding = [width > w ? (width - w) / 2 : 0, height > h ? (height - h) / 2 : 0, width > w ? (width - w + 1) / 2 : 0, height > h ? (height - h + 1) / 2 : 0];
            image = Pad(image, padding);
            (h, w) = ((int)image.Shape[^2], (int)image.Shape[^1]);
            if (width == w && height == h) return scope.Keep(image);
        }
        var top = (int)Math.Round((h - height) / 2.0, MidpointRounding.ToEven);
        var left = (int)Math.Round((w - width) / 2.0, MidpointRounding.ToEven);
        return scope.Keep(Crop(image, top, left, height, width));
    }

    /// <summary>
    /// Pads the border: <paramref name="padding"/> is one value for all sides, (left/right, top/bottom), or (left, top,
    /// right, bottom), as torchvision; negative values crop.
    /// </summary>
    public static Tensor Pad(Tensor image, IReadOnlyList<int> padding, double fill = 0, PaddingMode mode = PaddingMode.Constant)
    {
        CheckImage(image);
        var (left, top, right, bottom) = padding.Count switch
        {
            1 => (padding[0], padding[0], padding[0], padding[0]),
            2 => (padding[0], padding[1], padding[0], padding[1]),
            4 => (padding[0], padding[1], padding[2], padding[3]),
            _ => throw new ArgumentException($"Padding must be an int or a 1, 2, or 4 element tuple, not a {padding.Count} element tuple", nameof(padding)),
        };
        using var scope = TensorScope.Begin();
        if (mode == PaddingMode.Symmetric) return scope.Keep(PadSymmetric(image, left, right, top, bottom));
        var squeeze = image.Dimensions < 4;
        var batch = squeeze ? image.Unsqueeze(0) : image;
        var cast = mode != PaddingMode.Constant && !image.DType.IsFloatingPoint();
        if (cast) batch = batch.To(DType.Float32);
        var padded = mode == PaddingMode.Constant
            ? NN.Functional.Pad(batch, [left, right, top, bottom], "constant", fill)
            : NN.Functional.Pad(batch, [left, right, top, bottom], mode == PaddingMode.Edge ? "replicate" : "reflect");
        if (squeeze) padded = padded.Squeeze(0);
        if (cast) padded = padded.To(image.DType);
        return scope.Keep(padded);
    }

    /// <summary>Mirrors left to right.</summary>
    public static Tensor HorizontalFlip(Tensor image)
    {
        CheckImage(image);
        return image.Flip([-1]);
    }

    /// <summary>Mirrors top to bottom.</summary>
    public static Tensor VerticalFlip(Tensor image)
    {
        CheckImage(image);
        return image.Flip([-2]);
    }

    /// <summary>Crops, then resizes to <paramref name="height"/>×<paramref name="width"/>.</summary>
    public static Tensor ResizedCrop(Tensor image, int top, int left, int cropHeight, int cropWidth, int height, int width,
        InterpolationMode interpolation = InterpolationMode.Bilinear, bool antialias = false)
    {
        using var scope = TensorScope.Begin();
        return scope.Keep(Resize(Crop(image, top, left, cropHeight, cropWidth), height, width, interpolation, antialias));
    }

    /// <summary>RGB → gray as 0.2989 R + 0.587 G + 0.114 B (truncated back to the image's type), with 1 or 3 output channels.</summary>
    public static Tensor RgbToGrayscale(Tensor image, int numOutputChannels = 1)
    {
        CheckImage(image);
        if (image.Shape[^3] is not (1 or 3)) throw new ArgumentException($"Input image tensor permitted channel values are [1, 3], but found {image.Shape[^3]}", nameof(image));
        if (numOutputChannels is not (1 or 3)) throw new ArgumentOutOfRangeException(nameof(numOutputChannels), numOutputChannels, "num_output_channels should be either 1 or 3");
        using var scope = TensorScope.Begin();
        Tensor gray;
        if (image.Shape[^3] == 3)
        {
            // Computed in Float32 (Float64 for Float64 images), as torchvision's Python scalars promote, then cast back.
            var compute = image.DType == DType.Float64 ? DType.Float64 : DType.Float32;
            var (r, g, b) = (image.Select(-3, 0).To(compute), image.Select(-3, 1).To(compute), image.Select(-3, 2).To(compute));
            gray = r.Mul(0.2989).Add(g.Mul(0.587)).Add(b.Mul(0.114)).To(image.DType).Unsqueeze(-3);
        }
        else gray = image.Clone();
        if (numOutputChannels == 3) gray = gray.Expand([.. gray.Shape[..^3], 3, gray.Shape[^2], gray.Shape[^1]]);
        return scope.Keep(gray);
    }

    /// <summary>Blurs with a Gaussian kernel <paramref name="kernelX"/>×<paramref name="kernelY"/> (odd, positive), reflecting at the border.</summary>
    public static Tensor GaussianBlur(Tensor image, int kernelX, int kernelY, double sigmaX, double sigmaY)
    {
        CheckImage(image);
        if (kernelX <= 0 || kernelY <= 0 || kernelX % 2 == 0 || kernelY % 2 == 0)
            throw new ArgumentException($"kernel size should have odd and positive integers, got {kernelX}×{kernelY}");
        if (sigmaX <= 0 || sigmaY <= 0) throw new ArgumentException($"sigma should have positive values, got {sigmaX}, {sigmaY}");
        using var scope = TensorScope.Begin();
        var dtype = image.DType.IsFloatingPoint() ? image.DType : DType.Float32;
        var kernel = Kernel1d(kernelY, sigmaY).To(dtype).Unsqueeze(1).Mm(Kernel1d(kernelX, sigmaX).To(dtype).Unsqueeze(0));
        var channels = image.Shape[^3];
        var weight = kernel.Expand(channels, 1, kernelY, kernelX);
        var (batch, cast, squeeze) = CastSqueezeIn(image, dtype);
        var padded = NN.Functional.Pad(batch, [kernelX / 2, kernelX / 2, kernelY / 2, kernelY / 2], "reflect");
        var blurred = NN.Functional.Conv2d(padded, weight.To(image.Device), groups: channels);
        return scope.Keep(CastSqueezeOut(blurred, cast ? image.DType : null, squeeze));
    }

    /// <summary>Sets the region <paramref name="height"/>×<paramref name="width"/> at (<paramref name="top"/>, <paramref name="left"/>) to <paramref name="value"/> (broadcast).</summary>
    public static Tensor Erase(Tensor image, int top, int left, int height, int width, Tensor value, bool inplace = false)
    {
        CheckImage(image);
        using var scope = TensorScope.Begin();
        var target = inplace ? image : image.Clone();
        Slice(target, top, height, left, width).CopyFrom(value);
        return inplace ? target : scope.Keep(target);
    }

    private static Tensor Kernel1d(int size, double sigma)
    {
        var half = (size - 1) * 0.5;
        using var x = Tensor.Linspace(-half, half, size, DType.Float32);
        using var pdf = x.Div(sigma).Pow(2).Mul(-0.5).Exp();
        using var total = pdf.Sum();
        return pdf.Div(total);
    }

    private static Tensor Slice(Tensor image, long top, long height, long left, long width) =>
        image.Narrow(-2, top, height).Narrow(-1, left, width);

    private static Tensor PadSymmetric(Tensor image, int left, int right, int top, int bottom)
    {
        if (left < 0 || right < 0 || top < 0 || bottom < 0)
        {
            var (cl, cr, ct, cb) = (-Math.Min(left, 0), -Math.Min(right, 0), -Math.Min(top, 0), -Math.Min(bottom, 0));
            image = Slice(image, ct, image.Shape[^2] - cb - ct, cl, image.Shape[^1] - cr - cl);
            (left, right, top, bottom) = (Math.Max(left, 0), Math.Max(right, 0), Math.Max(top, 0), Math.Max(bottom, 0));
        }
        static long[] Indices(long size, int before, int after) =>
            [.. Enumerable.Range(0, before).Reverse().Select(i => (long)i), .. Enumerable.Range(0, (int)size).Select(i => (long)i),
                .. Enumerable.Range(0, after).Select(i => size - 1 - i)];
        using var rows = Tensor.FromArray(Indices(image.Shape[^2], top, bottom)).To(image.Device);
        using var columns = Tensor.FromArray(Indices(image.Shape[^1], left, right)).To(image.Device);
        using var picked = image.IndexSelect(-2, rows);
        return picked.IndexSelect(-1, columns);
    }

    private static (Tensor Batch, bool Cast, bool Squeeze) CastSqueezeIn(Tensor image, DType floating = DType.Float32)
    {
        var squeeze = image.Dimensions < 4;
        var batch = squeeze ? image.Unsqueeze(0) : image;
        var cast = image.DType is not (DType.Float32 or DType.Float64) || (floating == DType.Float64 && image.DType != DType.Float64);
        if (cast) batch = batch.To(floating);
        return (batch, cast, squeeze);
    }

    private static Tensor CastSqueezeOut(Tensor image, DType? castTo, bool squeeze)
    {
        if (squeeze) image = image.Squeeze(0);
        if (castTo is { } dtype)
        {
            if (!dtype.IsFloatingPoint()) image = image.Round();
            image = image.To(dtype);
        }
        return image;
    }

    internal static void CheckImage(Tensor image)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Dimensions < 3) throw new ArgumentException($"expected an image …×C×H×W, got [{string.Join(", ", image.Shape)}]", nameof(image));
    }
}
