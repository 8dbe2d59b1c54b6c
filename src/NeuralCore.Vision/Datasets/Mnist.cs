using NeuralCore.Data;

namespace NeuralCore.Vision.Datasets;

/// <summary>
/// MNIST and its kin in IDX files (torchvision.datasets.MNIST): 28×28 gray images, uint8 1×28×28 per sample, and class
/// indices. The four files (<c>train-images-idx3-ubyte</c>, <c>train-labels-idx1-ubyte</c>, <c>t10k-…</c>; plain or .gz)
/// are read from <c>root</c> itself or from torchvision's layout <c>root/&lt;Name&gt;/raw</c>. Nothing downloads: get the
/// files from the dataset's home page, or from Debian (<c>dataset-fashion-mnist</c> for Fashion-MNIST).
/// </summary>
public class Mnist : VisionDataset, IDisposable
{
    private readonly Tensor images;
    private readonly long[] targets;

    public Mnist(string root, bool train = true, Func<Tensor, Tensor>? transform = null, Func<long, long>? targetTransform = null)
        : this(root, "MNIST", train ? "train" : "t10k", transform, targetTransform)
    {
    }

    private protected Mnist(string root, string folder, string prefix, Func<Tensor, Tensor>? transform, Func<long, long>? targetTransform)
        : base(root, transform, targetTransform)
    {
        var imagesPath = Find(root, folder, $"{prefix}-images-idx3-ubyte");
        var labelsPath = Find(root, folder, $"{prefix}-labels-idx1-ubyte");
        var raw = Idx.ReadBytes(imagesPath);
        using var labels = Idx.ReadBytes(labelsPath);
        if (raw.Dimensions != 3 || labels.Dimensions != 1 || labels.Size(0) != raw.Size(0))
        {
            var message = $"{imagesPath} holds [{string.Join(", ", raw.Shape)}] and {labelsPath} [{string.Join(", ", labels.Shape)}]: expected N images H×W and N labels";
            raw.Dispose();
            throw new InvalidDataException(message);
        }
        // The dataset owns its images: no enclosing scope disposes them.
        TensorScope.Unregister(raw);
        images = raw;
        using var wide = labels.To(DType.Int64);
        targets = wide.ToArray<long>();
    }

    /// <summary>All images, uint8 N×H×W (torchvision's <c>data</c>).</summary>
    public Tensor Data => images;

    /// <summary>All class indices (torchvision's <c>targets</c>).</summary>
    public IReadOnlyList<long> Targets => targets;

    /// <summary>The class names, by index.</summary>
    public virtual IReadOnlyList<string> Classes { get; } =
        ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five", "6 - six", "7 - seven", "8 - eight", "9 - nine"];

    public override long Count => targets.LongLength;

    protected override (Tensor Image, long Target) Load(long index) => (images[index].Unsqueeze(0), targets[index]);

    /// <summary>Frees the images.</summary>
    public void Dispose()
    {
        images.Dispose();
        GC.SuppressFinalize(this);
    }

    private static string Find(string root, string folder, string name)
    {
        foreach (var directory in new[] { root, Path.Combine(root, folder, "raw") })
            foreach (var candidate in new[] { name, name + ".gz" })
            {
                var path = Path.Combine(directory, candidate);
                if (File.Exists(path)) return path;
            }
        throw new FileNotFoundException($"{folder}: {name} (or {name}.gz) is in neither {root} nor {Path.Combine(root, folder, "raw")}; " +
            "NeuralCore downloads nothing: put the dataset's IDX files there", Path.Combine(root, name));
    }
}

/// <summary>Fashion-MNIST (torchvision.datasets.FashionMNIST): Zalando's 28×28 clothing images, 10 classes. Debian's <c>dataset-fashion-mnist</c> installs the files in <see cref="DefaultRoot"/>.</summary>
public sealed class FashionMnist(string root = FashionMnist.DefaultRoot, bool train = true, Func<Tensor, Tensor>? transform = null,
    Func<long, long>? targetTransform = null)
    : Mnist(root, "FashionMNIST", train ? "train" : "t10k", transform, targetTransform)
{
    /// <summary>Where Debian's dataset-fashion-mnist package puts the files.</summary>
    public const string DefaultRoot = NeuralCore.Data.FashionMnist.DefaultDirectory;

    public override IReadOnlyList<string> Classes { get; } = NeuralCore.Data.FashionMnist.Classes;
}

/// <summary>Kuzushiji-MNIST (torchvision.datasets.KMNIST): 28×28 cursive Japanese characters, 10 classes.</summary>
public sealed class Kmnist(string root, bool train = true, Func<Tensor, Tensor>? transform = null, Func<long, long>? targetTransform = null)
    : Mnist(root, "KMNIST", train ? "train" : "t10k", transform, targetTransform)
{
    public override IReadOnlyList<string> Classes { get; } = ["o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"];
}

/// <summary>
/// EMNIST (torchvision.datasets.EMNIST): handwritten characters in six splits ("byclass", "bymerge", "balanced",
/// "letters", "digits", "mnist"), files named <c>emnist-&lt;split&gt;-train-images-idx3-ubyte</c> and so on. Like
/// torchvision's, the images are as stored in the files (transposed relative to MNIST's).
/// </summary>
public sealed class Emnist : Mnist
{
    private static readonly string Digits = "0123456789", Upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ", Lower = "abcdefghijklmnopqrstuvwxyz";
    private static readonly string Merged = "abdefghnqrt";

    public Emnist(string root, string split, bool train = true, Func<Tensor, Tensor>? transform = null, Func<long, long>? targetTransform = null)
        : base(root, "EMNIST", $"emnist-{CheckSplit(split)}-{(train ? "train" : "test")}", transform, targetTransform)
    {
        Split = split;
        Classes = split switch
        {
            "byclass" => (Digits + Upper + Lower).Select(c => c.ToString()).ToArray(),
            "bymerge" or "balanced" => (Digits + Upper + Merged).Select(c => c.ToString()).ToArray(),
            "letters" => ["N/A", .. Lower.Select(c => c.ToString())],
            _ => Digits.Select(c => c.ToString()).ToArray(),
        };
    }

    /// <summary>The split the files belong to.</summary>
    public string Split { get; }

    public override IReadOnlyList<string> Classes { get; }

    private static string CheckSplit(string split) => split is "byclass" or "bymerge" or "balanced" or "letters" or "digits" or "mnist"
        ? split
        : throw new ArgumentException($"EMNIST has the splits byclass, bymerge, balanced, letters, digits and mnist, not '{split}'", nameof(split));
}
