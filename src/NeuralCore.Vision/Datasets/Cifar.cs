namespace NeuralCore.Vision.Datasets;

/// <summary>
/// CIFAR-10 from its binary batches (the "CIFAR-10 binary version" from its home page): 32×32 colour images, uint8
/// 3×32×32 per sample, 10 classes. The files (<c>data_batch_1.bin</c> … <c>data_batch_5.bin</c>, <c>test_batch.bin</c>)
/// are read from <c>root</c> or <c>root/cifar-10-batches-bin</c>; nothing downloads.
/// </summary>
public class Cifar10 : VisionDataset, IDisposable
{
    private const int Pixels = 3 * 32 * 32;
    private readonly Tensor images;
    private readonly long[] targets;

    public Cifar10(string root, bool train = true, Func<Tensor, Tensor>? transform = null, Func<long, long>? targetTransform = null)
        : this(root, "cifar-10-batches-bin", train ? [.. Enumerable.Range(1, 5).Select(i => $"data_batch_{i}.bin")] : ["test_batch.bin"], 1,
            transform, targetTransform)
    {
        Classes = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];
    }

    private protected Cifar10(string root, string folder, string[] files, int labelBytes, Func<Tensor, Tensor>? transform, Func<long, long>? targetTransform)
        : base(root, transform, targetTransform)
    {
        Directory = System.IO.Directory.Exists(Path.Combine(root, folder)) ? Path.Combine(root, folder) : root;
        var record = labelBytes + Pixels;
        var pixels = new List<byte[]>();
        var labels = new List<long>();
        foreach (var name in files)
        {
            var path = Path.Combine(Directory, name);
            if (!File.Exists(path))
                throw new FileNotFoundException($"{name} is in neither {root} nor {Path.Combine(root, folder)}; NeuralCore downloads nothing: " +
                    "unpack the dataset's binary version there", path);
            var content = File.ReadAllBytes(path);
            if (content.Length == 0 || content.Length % record != 0)
                throw new InvalidDataException($"{path}: {content.Length} bytes is not a whole number of {record}-byte records (label bytes, then 3×32×32 pixels)");
            var image = new byte[content.Length / record * Pixels];
            for (var i = 0; i < content.Length / record; i++)
            {
                // The last label byte is the class (CIFAR-100's fine label follows its coarse one).
                labels.Add(content[i * record + labelBytes - 1]);
                content.AsSpan(i * record + labelBytes, Pixels).CopyTo(image.AsSpan(i * Pixels));
            }
            pixels.Add(image);
        }
        var all = new byte[pixels.Sum(p => (long)p.Length)];
        long offset = 0;
        foreach (var part in pixels)
        {
            part.CopyTo(all, offset);
            offset += part.Length;
        }
        images = Tensor.FromArray(all, labels.Count, 3, 32, 32);
        TensorScope.Unregister(images);
        targets = labels.ToArray();
    }

    /// <summary>The folder the batches were read from.</summary>
    public string Directory { get; }

    /// <summary>All images, uint8 N×3×32×32 (torchvision's <c>data</c> is N×32×32×3).</summary>
    public Tensor Data => images;

    /// <summary>All class indices.</summary>
    public IReadOnlyList<long> Targets => targets;

    /// <summary>The class names, by index.</summary>
    public IReadOnlyList<string> Classes { get; private protected set; } = [];

    public override long Count => targets.LongLength;

    protected override (Tensor Image, long Target) Load(long index) => (images[index], targets[index]);

    /// <summary>Frees the images.</summary>
    public void Dispose()
    {
        images.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>
/// CIFAR-100 from its binary version (<c>train.bin</c>, <c>test.bin</c> in <c>root</c> or <c>root/cifar-100-binary</c>):
/// 100 fine classes, as torchvision's targets; class names from <c>fine_label_names.txt</c> when it is there.
/// </summary>
public sealed class Cifar100 : Cifar10
{
    public Cifar100(string root, bool train = true, Func<Tensor, Tensor>? transform = null, Func<long, long>? targetTransform = null)
        : base(root, "cifar-100-binary", [train ? "train.bin" : "test.bin"], 2, transform, targetTransform)
    {
        var names = Path.Combine(Directory, "fine_label_names.txt");
        if (File.Exists(names)) Classes = File.ReadAllLines(names).Where(line => line.Length > 0).ToArray();
    }
}
