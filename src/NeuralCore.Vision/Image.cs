using SkiaSharp;

namespace NeuralCore.Vision;

/// <summary>The channels <see cref="Image.Read"/> returns (torchvision.io.ImageReadMode).</summary>
public enum ImageReadMode
{
    /// <summary>As stored: 1 (gray), 2 (gray and alpha), 3 (RGB) or 4 (RGBA) channels.</summary>
    Unchanged,
    Gray,
    GrayAlpha,
    Rgb,
    RgbAlpha,
}

/// <summary>
/// Image files in and out (torchvision.io), decoded and encoded with SkiaSharp: PNG, JPEG, BMP, WebP and GIF (first
/// frame) in; PNG and JPEG out. Images are uint8 tensors C×H×W.
/// </summary>
public static class Image
{
    /// <summary>Reads an image file into a uint8 tensor C×H×W (torchvision.io.read_image).</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">The file is not an image SkiaSharp decodes, or is truncated.</exception>
    public static Tensor Read(string path, ImageReadMode mode = ImageReadMode.Unchanged)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"No image at '{path}'", path);
        return Decode(File.ReadAllBytes(path), mode, path);
    }

    /// <summary>Decodes an encoded image held in memory into a uint8 tensor C×H×W (torchvision.io.decode_image).</summary>
    public static Tensor Decode(ReadOnlySpan<byte> encoded, ImageReadMode mode = ImageReadMode.Unchanged) => Decode(encoded, mode, "the data");

    private static Tensor Decode(ReadOnlySpan<byte> encoded, ImageReadMode mode, string source)
    {
        using var data = SKData.CreateCopy(encoded);
        using var stream = new SKMemoryStream(data);
        using var codec = SKCodec.Create(stream, out var status)
            ?? throw new InvalidDataException($"{source} is not an image in a format NeuralCore.Vision reads (PNG, JPEG, BMP, WebP, GIF): {status}");
        var info = codec.Info;
        var gray = info.ColorType == SKColorType.Gray8;
        var pngGrayAlpha = codec.EncodedFormat == SKEncodedImageFormat.Png && encoded.Length > 25 && encoded[25] == 4;
        var channels = mode switch
        {
            ImageReadMode.Unchanged => gray ? 1 : pngGrayAlpha ? 2 : info.AlphaType == SKAlphaType.Opaque ? 3 : 4,
            ImageReadMode.Gray => 1,
            ImageReadMode.GrayAlpha => 2,
            ImageReadMode.Rgb => 3,
            ImageReadMode.RgbAlpha => 4,
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, null),
        };
        var decodeGray = gray && channels is 1 or 3;
        var target = new SKImageInfo(info.Width, info.Height, decodeGray ? SKColorType.Gray8 : SKColorType.Rgba8888,
            decodeGray ? SKAlphaType.Opaque : SKAlphaType.Unpremul);
        var pixelCount = (long)info.Width * info.Height;
        if (info.Width <= 0 || info.Height <= 0 || pixelCount * Math.Max(channels, 4) > Array.MaxLength)
            throw new InvalidDataException($"{source} claims {info.Width}×{info.Height} pixels, which is not a size NeuralCore.Vision can decode");
        SKBitmap bitmap;
        try
        {
            bitmap = new SKBitmap(target);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // SkiaSharp says only "Unable to allocate pixels": a corrupt header's size, as a rule.
            throw new InvalidDataException($"{source} claims {info.Width}×{info.Height} pixels, which SkiaSharp could not allocate ({e.Message})", e);
        }
        using var ownedBitmap = bitmap;
        var result = codec.GetPixels(target, bitmap.GetPixels());
        if (result != SKCodecResult.Success)
            throw new InvalidDataException($"{source} could not be decoded ({result}{(result == SKCodecResult.IncompleteInput ? ": the file is truncated" : "")})");
        var pixels = bitmap.GetPixelSpan();
        var plane = (long)info.Width * info.Height;
        var planar = new byte[channels * plane];
        if (decodeGray)
        {
            for (var c = 0; c < channels; c++) pixels[..(int)plane].CopyTo(planar.AsSpan((int)(c * plane)));
        }
        else
        {
            Func<byte, byte, byte, byte> grayWeights = codec.EncodedFormat == SKEncodedImageFormat.Png ? PngGray : Bt601Gray;
            for (long i = 0; i < plane; i++)
            {
                byte r = pixels[(int)(4 * i)], g = pixels[(int)(4 * i + 1)], b = pixels[(int)(4 * i + 2)], a = pixels[(int)(4 * i + 3)];
                switch (channels)
                {
                    case 1:
                    case 2:
                        planar[i] = gray ? r : grayWeights(r, g, b);
                        if (channels == 2) planar[plane + i] = a;
                        break;
                    default:
                        planar[i] = r;
                        planar[plane + i] = g;
                        planar[2 * plane + i] = b;
                        if (channels == 4) planar[3 * plane + i] = a;
                        break;
                }
            }
        }
        return Tensor.FromArray(planar, channels, info.Height, info.Width);
    }

    // torchvision's PNG gray: libpng's RGB-to-gray with weights 0.2989 and 0.587 (blue the rest), in 1/32768, truncated.
    private static byte PngGray(byte r, byte g, byte b) => (byte)((9794 * r + 19234 * g + 3740 * b) >> 15);

    // ITU-R BT.601, as libjpeg and PIL's convert("L").
    private static byte Bt601Gray(byte r, byte g, byte b) => (byte)((19595 * r + 38470 * g + 7471 * b + 32768) >> 16);

    /// <summary>Writes a uint8 image C×H×W by the path's extension: .png, or .jpg/.jpeg with <paramref name="quality"/>.</summary>
    public static void Write(Tensor image, string path, int quality = 75)
    {
        ArgumentNullException.ThrowIfNull(path);
        switch (Path.GetExtension(path).ToLowerInvariant())
        {
            case ".png":
                WritePng(image, path);
                break;
            case ".jpg" or ".jpeg":
                WriteJpeg(image, path, quality);
                break;
            default:
                throw new ArgumentException($"'{path}': NeuralCore.Vision writes .png, .jpg and .jpeg files", nameof(path));
        }
    }

    /// <summary>Writes a uint8 image C×H×W (1, 3 or 4 channels) as PNG (torchvision.io.write_png).</summary>
    public static void WritePng(Tensor image, string path, int compressionLevel = 6)
    {
        if (compressionLevel is < 0 or > 9) throw new ArgumentOutOfRangeException(nameof(compressionLevel), compressionLevel, "PNG compression levels are 0 to 9");
        using var pixmap = ToPixmap(image, [1, 3, 4], out var pixels);
        using var encoded = pixmap.Encode(new SKPngEncoderOptions(SKPngEncoderFilterFlags.AllFilters, compressionLevel));
        Save(encoded, path);
        GC.KeepAlive(pixels);
    }

    /// <summary>Writes a uint8 image C×H×W (1 or 3 channels) as JPEG of <paramref name="quality"/> 1 to 100 (torchvision.io.write_jpeg).</summary>
    public static void WriteJpeg(Tensor image, string path, int quality = 75)
    {
        if (quality is < 1 or > 100) throw new ArgumentOutOfRangeException(nameof(quality), quality, "JPEG quality is 1 to 100");
        using var pixmap = ToPixmap(image, [1, 3], out var pixels);
        using var encoded = pixmap.Encode(new SKJpegEncoderOptions(quality, SKJpegEncoderDownsample.Downsample420, SKJpegEncoderAlphaOption.Ignore));
        Save(encoded, path);
        GC.KeepAlive(pixels);
    }

    private static void Save(SKData? encoded, string path)
    {
        if (encoded is null) throw new InvalidOperationException($"SkiaSharp could not encode the image for '{path}'");
        using var file = File.Create(path);
        encoded.SaveTo(file);
    }

    private static unsafe SKPixmap ToPixmap(Tensor image, int[] allowedChannels, out byte[] interleaved)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.DType != DType.UInt8 || image.Dimensions != 3 || !allowedChannels.Contains((int)image.Shape[0]))
            throw new ArgumentException(
                $"an image to write is a uint8 tensor C×H×W with C in {{{string.Join(", ", allowedChannels)}}}, got {image.DType} [{string.Join(", ", image.Shape)}]",
                nameof(image));
        var (channels, height, width) = ((int)image.Shape[0], (int)image.Shape[1], (int)image.Shape[2]);
        using var scope = TensorScope.Begin();
        var hwc = image.To(Device.Cpu).Permute(1, 2, 0).Contiguous().ToArray<byte>();
        SKImageInfo info;
        // On the pinned object heap: the pixmap points at the array while it encodes.
        interleaved = GC.AllocateUninitializedArray<byte>((channels == 1 ? 1 : 4) * width * height, pinned: true);
        if (channels == 1)
        {
            hwc.CopyTo(interleaved, 0);
            info = new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque);
        }
        else
        {
            for (var i = 0; i < width * height; i++)
            {
                for (var c = 0; c < 3; c++) interleaved[4 * i + c] = hwc[channels * i + c];
                interleaved[4 * i + 3] = channels == 4 ? hwc[4 * i + 3] : (byte)255;
            }
            info = new SKImageInfo(width, height, SKColorType.Rgba8888, channels == 4 ? SKAlphaType.Unpremul : SKAlphaType.Opaque);
        }
        fixed (byte* start = interleaved)
            return new SKPixmap(info, (IntPtr)start, info.RowBytes);
    }
}
