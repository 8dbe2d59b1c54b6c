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

    /// <summary>
    /// Rotates by <paramref name="angle"/> degrees counter-clockwise about <paramref name="center"/> (pixel coordinates;
    /// the image centre when null), nearest or bilinear, filling outside with <paramref name="fill"/> (one value or one
    /// per channel); <paramref name="expand"/> enlarges the output to hold the whole rotated image.
    /// </summary>
    public static Tensor Rotate(Tensor image, double angle, InterpolationMode interpolation = InterpolationMode.Nearest, bool expand = false,
        (double X, double Y)? center = null, IReadOnlyList<double>? fill = null)
    {
        CheckImage(image);
        CheckGridInterpolation(interpolation);
        var (w, h) = ((int)image.Shape[^1], (int)image.Shape[^2]);
        var centerF = center is { } c ? (c.X - w * 0.5, c.Y - h * 0.5) : (0.0, 0.0);
        var matrix = InverseAffineMatrix(centerF, -angle, (0, 0), 1.0, (0, 0));
        var (ow, oh) = expand ? AffineOutputSize(matrix, w, h) : (w, h);
        using var scope = TensorScope.Begin();
        var grid = AffineGrid(matrix, image, w, h, ow, oh);
        return scope.Keep(ApplyGrid(image, grid, interpolation, fill));
    }

    /// <summary>
    /// Affine transform keeping the centre invariant (torchvision's affine): rotation by <paramref name="angle"/> degrees,
    /// translation in pixels, <paramref name="scale"/>, shear angles in degrees (x, y); outside filled with <paramref name="fill"/>.
    /// </summary>
    public static Tensor Affine(Tensor image, double angle, (double X, double Y) translate, double scale, (double X, double Y) shear,
        InterpolationMode interpolation = InterpolationMode.Nearest, IReadOnlyList<double>? fill = null, (double X, double Y)? center = null)
    {
        CheckImage(image);
        CheckGridInterpolation(interpolation);
        if (scale <= 0) throw new ArgumentOutOfRangeException(nameof(scale), scale, "Argument scale should be positive");
        var (w, h) = ((int)image.Shape[^1], (int)image.Shape[^2]);
        var centerF = center is { } c ? (c.X - w * 0.5, c.Y - h * 0.5) : (0.0, 0.0);
        var matrix = InverseAffineMatrix(centerF, angle, translate, scale, shear);
        using var scope = TensorScope.Begin();
        var grid = AffineGrid(matrix, image, w, h, w, h);
        return scope.Keep(ApplyGrid(image, grid, interpolation, fill));
    }

    /// <summary>Multiplies intensities by <paramref name="factor"/> (0 black, 1 unchanged), clamped to the type's range.</summary>
    public static Tensor AdjustBrightness(Tensor image, double factor)
    {
        CheckColor(image, factor, "brightness_factor");
        using var scope = TensorScope.Begin();
        return scope.Keep(Blend(image, image.ZerosLike(), factor));
    }

    /// <summary>Blends with the mean gray level (0 flat gray, 1 unchanged).</summary>
    public static Tensor AdjustContrast(Tensor image, double factor)
    {
        CheckColor(image, factor, "contrast_factor");
        using var scope = TensorScope.Begin();
        var dtype = image.DType.IsFloatingPoint() ? image.DType : DType.Float32;
        var gray = image.Shape[^3] == 3 ? RgbToGrayscale(image) : image;
        var mean = gray.To(dtype).Mean([-3, -2, -1], keepDim: true);
        return scope.Keep(Blend(image, mean, factor));
    }

    /// <summary>Blends with the gray image (0 gray, 1 unchanged); a one-channel image is returned as it is.</summary>
    public static Tensor AdjustSaturation(Tensor image, double factor)
    {
        CheckColor(image, factor, "saturation_factor");
        if (image.Shape[^3] == 1) return image.Alias();
        using var scope = TensorScope.Begin();
        return scope.Keep(Blend(image, RgbToGrayscale(image), factor));
    }

    /// <summary>Shifts the hue by <paramref name="factor"/> turns, in [−0.5, 0.5], through HSV.</summary>
    public static Tensor AdjustHue(Tensor image, double factor)
    {
        CheckImage(image);
        if (factor is < -0.5 or > 0.5) throw new ArgumentOutOfRangeException(nameof(factor), factor, "hue_factor is not in [-0.5, 0.5].");
        if (image.Shape[^3] is not (1 or 3)) throw new ArgumentException($"Input image tensor permitted channel values are [1, 3], but found {image.Shape[^3]}", nameof(image));
        if (image.Shape[^3] == 1) return image.Alias();
        using var scope = TensorScope.Begin();
        var rgb = image.DType == DType.UInt8 ? image.To(DType.Float32).Div(255.0) : image;
        var hsv = RgbToHsv(rgb);
        var hue = hsv.Select(-3, 0).Add(factor).Remainder(1.0);
        var shifted = HsvToRgb(Tensor.Stack([hue, hsv.Select(-3, 1), hsv.Select(-3, 2)], -3));
        if (image.DType == DType.UInt8) shifted = shifted.Mul(255.0).To(DType.UInt8);
        return scope.Keep(shifted);
    }

    // torchvision's _get_inverse_affine_matrix: the output-to-input map, centre at the origin.
    private static double[] InverseAffineMatrix((double X, double Y) center, double angle, (double X, double Y) translate, double scale, (double X, double Y) shear)
    {
        var rot = angle * Math.PI / 180;
        var (sx, sy) = (shear.X * Math.PI / 180, shear.Y * Math.PI / 180);
        var (cx, cy) = center;
        var (tx, ty) = translate;
        var a = Math.Cos(rot - sy) / Math.Cos(sy);
        var b = -Math.Cos(rot - sy) * Math.Tan(sx) / Math.Cos(sy) - Math.Sin(rot);
        var c = Math.Sin(rot - sy) / Math.Cos(sy);
        var d = -Math.Sin(rot - sy) * Math.Tan(sx) / Math.Cos(sy) + Math.Cos(rot);
        double[] m = [d / scale, -b / scale, 0.0, -c / scale, a / scale, 0.0];
        m[2] += m[0] * (-cx - tx) + m[1] * (-cy - ty);
        m[5] += m[3] * (-cx - tx) + m[4] * (-cy - ty);
        m[2] += cx;
        m[5] += cy;
        return m;
    }

    // torchvision's _compute_affine_output_size, in Float32 as there.
    private static (int Width, int Height) AffineOutputSize(double[] matrix, int w, int h)
    {
        using var scope = TensorScope.Begin();
        var points = Tensor.FromArray(new[] { -0.5f * w, -0.5f * h, 1f, -0.5f * w, 0.5f * h, 1f, 0.5f * w, 0.5f * h, 1f, 0.5f * w, -0.5f * h, 1f }, 4, 3);
        var theta = Tensor.FromArray(matrix.Select(v => (float)v).ToArray(), 2, 3);
        var moved = points.MatMul(theta.T);
        var (low, _) = moved.Min(0);
        var (high, _) = moved.Max(0);
        // Shifted to [0, w] and [0, h], as PIL measures, then truncated to 1e-4 so that 1e-15 does not ceil to 1.
        var shift = Tensor.FromArray(new[] { w * 0.5f, h * 0.5f });
        (low, high) = (low.Add(shift), high.Add(shift));
        const double tolerance = 1e-4;
        var size = high.Div(tolerance).Trunc().Mul(tolerance).Ceil().Sub(low.Div(tolerance).Trunc().Mul(tolerance).Floor()).ToArray<float>();
        return ((int)size[0], (int)size[1]);
    }

    // torchvision's _gen_affine_grid: output pixel centres mapped through theta, normalised to [-1, 1] for grid_sample.
    private static Tensor AffineGrid(double[] matrix, Tensor image, int w, int h, int ow, int oh)
    {
        var dtype = image.DType.IsFloatingPoint() ? image.DType : DType.Float32;
        var theta = Tensor.FromArray(matrix).To(dtype).To(image.Device).View(1, 2, 3);
        var baseGrid = Tensor.Empty([1, oh, ow, 3], dtype, image.Device);
        baseGrid.Select(-1, 0).CopyFrom(Tensor.Linspace(-ow * 0.5 + 0.5, ow * 0.5 + 0.5 - 1, ow, DType.Float32, image.Device));
        baseGrid.Select(-1, 1).CopyFrom(Tensor.Linspace(-oh * 0.5 + 0.5, oh * 0.5 + 0.5 - 1, oh, DType.Float32, image.Device).Unsqueeze(-1));
        baseGrid.Select(-1, 2).FillInPlace(1);
        var rescaled = theta.Transpose(1, 2).Div(Tensor.FromArray(new[] { 0.5 * w, 0.5 * h }).To(dtype).To(image.Device));
        return baseGrid.View(1, (long)oh * ow, 3).Bmm(rescaled).View(1, oh, ow, 2);
    }

    // torchvision's _apply_grid_transform: grid_sample with zeros, then the fill where the grid left the image.
    private static Tensor ApplyGrid(Tensor image, Tensor grid, InterpolationMode interpolation, IReadOnlyList<double>? fill)
    {
        var (batch, cast, squeeze) = CastSqueezeIn(image, grid.DType);
        if (batch.Shape[0] > 1) grid = grid.Expand(batch.Shape[0], grid.Shape[1], grid.Shape[2], grid.Shape[3]);
        if (fill is not null) batch = Tensor.Cat([batch, Tensor.Ones([batch.Shape[0], 1, batch.Shape[2], batch.Shape[3]], batch.DType, batch.Device)], 1);
        var mode = interpolation == InterpolationMode.Nearest ? "nearest" : "bilinear";
        var sampled = NN.Functional.GridSample(batch, grid, mode, "zeros", alignCorners: false);
        if (fill is not null)
        {
            var channels = sampled.Shape[1] - 1;
            if (fill.Count != 1 && fill.Count != channels)
                throw new ArgumentException($"The number of elements in 'fill' does not match the number of channels of the image ({fill.Count} != {channels})", nameof(fill));
            var mask = sampled.Narrow(1, channels, 1).ExpandAs(sampled.Narrow(1, 0, channels));
            sampled = sampled.Narrow(1, 0, channels);
            var fillImage = Tensor.FromArray(fill.ToArray()).To(sampled.DType).To(sampled.Device).View(1, fill.Count, 1, 1).ExpandAs(sampled);
            sampled = interpolation == InterpolationMode.Nearest
                ? Tensor.Where(mask.Lt(0.5), fillImage, sampled)
                : sampled.Mul(mask).Add(mask.Neg().Add(1.0).Mul(fillImage));
        }
        return CastSqueezeOut(sampled, cast ? image.DType : null, squeeze);
    }

    private static void CheckGridInterpolation(InterpolationMode interpolation)
    {
        if (interpolation == InterpolationMode.Bicubic)
            throw new ArgumentException("Interpolation mode 'bicubic' is unsupported with Tensor input (nearest and bilinear are)", nameof(interpolation));
    }

    private static void CheckColor(Tensor image, double factor, string name)
    {
        CheckImage(image);
        if (factor < 0) throw new ArgumentOutOfRangeException(name, factor, $"{name} ({factor}) is not non-negative.");
        if (image.Shape[^3] is not (1 or 3)) throw new ArgumentException($"Input image tensor permitted channel values are [1, 3], but found {image.Shape[^3]}", nameof(image));
    }

    // torchvision's _blend: ratio · a + (1 − ratio) · b, clamped to the type's range, cast back (truncating for integers).
    private static Tensor Blend(Tensor image, Tensor other, double ratio)
    {
        var bound = image.DType.IsFloatingPoint() ? 1.0 : 255.0;
        return image.Mul(ratio).Add(other.Mul(1.0 - ratio)).Clamp(0, bound).To(image.DType);
    }

    private static Tensor RgbToHsv(Tensor image)
    {
        var (r, g, b) = (image.Select(-3, 0), image.Select(-3, 1), image.Select(-3, 2));
        var (maxc, _) = image.Max(-3);
        var (minc, _) = image.Min(-3);
        var equal = maxc.Eq(minc);
        var range = maxc.Sub(minc);
        var ones = maxc.OnesLike();
        var saturation = range.Div(Tensor.Where(equal, ones, maxc));
        var divisor = Tensor.Where(equal, ones, range);
        var (rc, gc, bc) = (maxc.Sub(r).Div(divisor), maxc.Sub(g).Div(divisor), maxc.Sub(b).Div(divisor));
        var hr = maxc.Eq(r).To(image.DType).Mul(bc.Sub(gc));
        var hg = maxc.Eq(g).LogicalAnd(maxc.Ne(r)).To(image.DType).Mul(rc.Add(2.0).Sub(bc));
        var hb = maxc.Ne(g).LogicalAnd(maxc.Ne(r)).To(image.DType).Mul(gc.Add(4.0).Sub(rc));
        var hue = hr.Add(hg).Add(hb).Div(6.0).Add(1.0).Fmod(1.0);
        return Tensor.Stack([hue, saturation, maxc], -3);
    }

    private static Tensor HsvToRgb(Tensor image)
    {
        var (h, s, v) = (image.Select(-3, 0), image.Select(-3, 1), image.Select(-3, 2));
        var i = h.Mul(6.0).Floor();
        var f = h.Mul(6.0).Sub(i);
        var sector = i.To(DType.Int32).Remainder(6);
        var p = v.Mul(s.Neg().Add(1.0)).Clamp(0.0, 1.0);
        var q = v.Mul(s.Mul(f).Neg().Add(1.0)).Clamp(0.0, 1.0);
        var t = v.Mul(s.Mul(f.Neg().Add(1.0)).Neg().Add(1.0)).Clamp(0.0, 1.0);
        var mask = sector.Unsqueeze(-3).Eq(Tensor.Arange(6, dtype: DType.Int32, device: image.Device).View(-1, 1, 1)).To(image.DType);
        var a1 = Tensor.Stack([v, q, p, p, t, v], -3);
        var a2 = Tensor.Stack([t, v, v, q, p, p], -3);
        var a3 = Tensor.Stack([p, p, t, v, v, q], -3);
        var a4 = Tensor.Stack([a1, a2, a3], -4);
        // One sector is set per pixel, so this sum picks that sector's value exactly (torchvision's einsum).
        return mask.Unsqueeze(-4).Mul(a4).Sum([-3]);
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
