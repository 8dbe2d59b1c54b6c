namespace NeuralCore.Vision;

/// <summary>torchvision.utils: image grids for looking at batches.</summary>
public static class Utils
{
    /// <summary>
    /// Tiles a batch B×C×H×W (or one image C×H×W or H×W; gray images become three channels) into one image
    /// 3×(rows·(H + padding) + padding)×(nrow·(W + padding) + padding), <paramref name="nrow"/> images per row
    /// (torchvision.utils.make_grid). <paramref name="normalize"/> shifts values into [0, 1] by
    /// <paramref name="valueRange"/> (by the minimum and maximum when null), over the batch or per image with
    /// <paramref name="scaleEach"/>.
    /// </summary>
    public static Tensor MakeGrid(Tensor tensor, int nrow = 8, int padding = 2, bool normalize = false, (double Low, double High)? valueRange = null,
        bool scaleEach = false, double padValue = 0)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (nrow < 1) throw new ArgumentOutOfRangeException(nameof(nrow), nrow, "at least one image per row");
        using var scope = TensorScope.Begin();
        var batch = tensor.Dimensions switch
        {
            2 => tensor.Unsqueeze(0).Unsqueeze(0),
            3 => tensor.Unsqueeze(0),
            4 => tensor,
            _ => throw new ArgumentException($"make_grid takes H×W, C×H×W or B×C×H×W, got [{string.Join(", ", tensor.Shape)}]", nameof(tensor)),
        };
        if (batch.Shape[1] == 1) batch = Tensor.Cat([batch, batch, batch], 1);
        if (normalize)
        {
            batch = batch.Clone();
            if (scaleEach)
                for (var i = 0; i < batch.Shape[0]; i++) NormalizeInPlace(batch[i], valueRange);
            else NormalizeInPlace(batch, valueRange);
        }
        if (batch.Shape[0] == 1) return scope.Keep(batch.Squeeze(0));
        var count = batch.Shape[0];
        var columns = Math.Min(nrow, count);
        var rows = (count + columns - 1) / columns;
        var (height, width, channels) = (batch.Shape[2] + padding, batch.Shape[3] + padding, batch.Shape[1]);
        var grid = Tensor.Full([channels, height * rows + padding, width * columns + padding], padValue, batch.DType, batch.Device);
        for (long k = 0; k < count; k++)
        {
            var (y, x) = (k / columns, k % columns);
            grid.Narrow(1, y * height + padding, height - padding).Narrow(2, x * width + padding, width - padding).CopyFrom(batch[k]);
        }
        return scope.Keep(grid);
    }

    /// <summary>Tiles a list of images C×H×W of one size (stacked, then <see cref="MakeGrid(Tensor, int, int, bool, ValueTuple{double, double}?, bool, double)"/>).</summary>
    public static Tensor MakeGrid(IReadOnlyList<Tensor> images, int nrow = 8, int padding = 2, bool normalize = false, (double Low, double High)? valueRange = null,
        bool scaleEach = false, double padValue = 0)
    {
        ArgumentNullException.ThrowIfNull(images);
        using var stacked = Tensor.Stack(images.ToArray());
        return MakeGrid(stacked, nrow, padding, normalize, valueRange, scaleEach, padValue);
    }

    /// <summary>
    /// Saves a batch or an image with values in [0, 1] as a PNG or JPEG file (by extension) through
    /// <see cref="MakeGrid(Tensor, int, int, bool, ValueTuple{double, double}?, bool, double)"/>; values become
    /// round(255 · v) clamped to [0, 255], as torchvision.utils.save_image.
    /// </summary>
    public static void SaveImage(Tensor tensor, string path, int nrow = 8, int padding = 2, bool normalize = false, (double Low, double High)? valueRange = null,
        bool scaleEach = false, double padValue = 0)
    {
        using var scope = TensorScope.Begin();
        var grid = MakeGrid(tensor, nrow, padding, normalize, valueRange, scaleEach, padValue);
        var bytes = grid.Mul(255).AddInPlace(0.5).ClampInPlace(0, 255).To(Device.Cpu).To(DType.UInt8);
        Image.Write(bytes, path, quality: 75);
    }

    private static void NormalizeInPlace(Tensor image, (double Low, double High)? valueRange)
    {
        var (low, high) = valueRange ?? (image.Min().Item<double>(), image.Max().Item<double>());
        image.ClampInPlace(low, high).SubInPlace(low).DivInPlace(Math.Max(high - low, 1e-5));
    }
}
