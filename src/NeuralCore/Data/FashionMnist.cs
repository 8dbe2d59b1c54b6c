namespace NeuralCore.Data;

/// <summary>
/// Fashion-MNIST: 28×28 grey images of 10 clothing classes, 60,000 for training and 10,000 for testing, read from the
/// IDX files (gzip or plain) that Debian's <c>dataset-fashion-mnist</c> package installs.
/// </summary>
public static class FashionMnist
{
    /// <summary>Where Debian's dataset-fashion-mnist package puts the files.</summary>
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>Mean and standard deviation of the training pixels scaled to [0, 1].</summary>
    public const double Mean = 0.2860, Std = 0.3530;

    /// <summary>The class names, by label.</summary>
    public static IReadOnlyList<string> Classes { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>
    /// Loads one split. Images become Float32 (N, 1, 28, 28) in [0, 1], as torchvision's ToTensor gives them, and are
    /// normalised with <see cref="Mean"/> and <see cref="Std"/> only when <paramref name="normalize"/> is set; labels are
    /// Int64 (N). NeuralCore.Vision's <c>FashionMnist</c> dataset gives the same images one at a time, as uint8.
    /// </summary>
    /// <exception cref="FileNotFoundException">A file is missing; the message names it and the package that provides it.</exception>
    /// <exception cref="InvalidDataException">A file is corrupt or images and labels disagree.</exception>
    public static TensorDataset Load(string? directory = null, bool train = true, bool normalize = false)
    {
        directory ??= DefaultDirectory;
        var prefix = train ? "train" : "t10k";
        var imagesPath = Find(directory, $"{prefix}-images-idx3-ubyte");
        var labelsPath = Find(directory, $"{prefix}-labels-idx1-ubyte");
        using var scope = TensorScope.Begin();
        var rawImages = Idx.ReadBytes(imagesPath);
        var rawLabels = Idx.ReadBytes(labelsPath);
        var imageShape = rawImages.Shape;
        if (imageShape.Length != 3 || imageShape[1] != 28 || imageShape[2] != 28)
            throw new InvalidDataException($"{imagesPath}: expected images of shape [N, 28, 28], found [{string.Join(", ", imageShape)}]");
        if (rawLabels.Dimensions != 1 || rawLabels.Size(0) != imageShape[0])
            throw new InvalidDataException($"{labelsPath}: expected {imageShape[0]} labels to match {imagesPath}, found [{string.Join(", ", rawLabels.Shape)}]");
        var images = rawImages.To(DType.Float32).Div(255.0).View(-1, 1, 28, 28);
        if (normalize) images = (images - Mean) / Std;
        var labels = rawLabels.To(DType.Int64);
        return new TensorDataset(scope.Keep(images.Contiguous()), scope.Keep(labels));
    }

    private static string Find(string directory, string name)
    {
        foreach (var candidate in new[] { name + ".gz", name })
        {
            var path = Path.Combine(directory, candidate);
            if (File.Exists(path)) return path;
        }
        throw new FileNotFoundException(
            $"Fashion-MNIST file {Path.Combine(directory, name)}(.gz) not found; install Debian's dataset-fashion-mnist package " +
            $"(it puts the files in {DefaultDirectory}) or point --data at a folder holding them", Path.Combine(directory, name + ".gz"));
    }
}
