using NeuralCore.Data;

namespace NeuralCore.Vision.Datasets;

/// <summary>
/// Samples in class folders, <c>root/&lt;class&gt;/**/&lt;file&gt;</c> (torchvision.datasets.DatasetFolder): classes are the
/// sub-folder names in ordinal order, indexed from 0; samples are every valid file below each, in the order torchvision
/// walks them (folders, then file names, each in ordinal order), loaded as they are taken (so in a DataLoader's workers).
/// </summary>
public class DatasetFolder<T> : Dataset<(T Sample, long Target)>
{
    private readonly Func<string, T> loader;
    private readonly (string Path, long Target)[] samples;

    /// <param name="extensions">File endings that count (compared ignoring case); give this or <paramref name="isValidFile"/>.</param>
    /// <exception cref="DirectoryNotFoundException"><paramref name="root"/> does not exist.</exception>
    /// <exception cref="FileNotFoundException">No class folder, or a class folder without a valid file.</exception>
    public DatasetFolder(string root, Func<string, T> loader, IReadOnlyCollection<string>? extensions = null, Func<T, T>? transform = null,
        Func<long, long>? targetTransform = null, Func<string, bool>? isValidFile = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(loader);
        if ((extensions is null) == (isValidFile is null))
            throw new ArgumentException("Give either extensions or isValidFile, as torchvision requires", nameof(extensions));
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"No folder at '{root}'");
        Root = root;
        this.loader = loader;
        Transform = transform;
        TargetTransform = targetTransform;
        Classes = Directory.EnumerateDirectories(root).Select(Path.GetFileName).Select(n => n!).Order(StringComparer.Ordinal).ToArray();
        if (Classes.Count == 0) throw new FileNotFoundException($"Couldn't find any class folder in {root}.");
        ClassToIdx = Classes.Select((name, index) => (name, index)).ToDictionary(c => c.name, c => (long)c.index);
        var valid = isValidFile ?? (path => extensions!.Any(e => path.EndsWith(e, StringComparison.OrdinalIgnoreCase)));
        var found = new List<(string, long)>();
        var empty = new List<string>();
        foreach (var name in Classes)
        {
            var before = found.Count;
            var folder = Path.Combine(root, name);
            var folders = new[] { folder }.Concat(Directory.EnumerateDirectories(folder, "*", new EnumerationOptions { RecurseSubdirectories = true }))
                .Order(StringComparer.Ordinal);
            foreach (var directory in folders)
                foreach (var file in Directory.EnumerateFiles(directory).Order(StringComparer.Ordinal))
                    if (valid(file)) found.Add((file, ClassToIdx[name]));
            if (found.Count == before) empty.Add(name);
        }
        if (empty.Count > 0)
            throw new FileNotFoundException($"Found no valid file for the classes {string.Join(", ", empty)}." +
                (extensions is null ? "" : $" Supported extensions are: {string.Join(", ", extensions)}"));
        samples = found.ToArray();
    }

    /// <summary>The folder holding the class folders.</summary>
    public string Root { get; }

    /// <summary>Applied to each sample as it is loaded.</summary>
    public Func<T, T>? Transform { get; }

    /// <summary>Applied to each class index as it is taken.</summary>
    public Func<long, long>? TargetTransform { get; }

    /// <summary>The class names (folder names), by index.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>Each class name's index.</summary>
    public IReadOnlyDictionary<string, long> ClassToIdx { get; }

    /// <summary>Every sample's file and class index, in order.</summary>
    public IReadOnlyList<(string Path, long Target)> Samples => samples;

    /// <summary>Every sample's class index, in order.</summary>
    public IReadOnlyList<long> Targets => samples.Select(s => s.Target).ToArray();

    public override long Count => samples.LongLength;

    public override (T Sample, long Target) Get(long index)
    {
        if (index < 0 || index >= Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"the dataset has {Count} samples");
        var (path, target) = samples[index];
        using var scope = TensorScope.Begin();
        var sample = loader(path);
        if (Transform is { } transform) sample = transform(sample);
        if (sample is Tensor tensor) scope.Keep(tensor);
        return (sample, TargetTransform is { } targetTransform ? targetTransform(target) : target);
    }
}

/// <summary>
/// Images in class folders (torchvision.datasets.ImageFolder): each file decoded as RGB, uint8 3×H×W, by
/// <see cref="Image.Read"/> unless another loader is given. Extensions: those torchvision lists that
/// NeuralCore.Vision decodes (.jpg, .jpeg, .png, .bmp, .webp).
/// </summary>
public sealed class ImageFolder(string root, Func<Tensor, Tensor>? transform = null, Func<long, long>? targetTransform = null,
    Func<string, Tensor>? loader = null, Func<string, bool>? isValidFile = null)
    : DatasetFolder<Tensor>(root, loader ?? (path => Image.Read(path, ImageReadMode.Rgb)), isValidFile is null ? ImageExtensions : null, transform,
        targetTransform, isValidFile)
{
    /// <summary>The file endings ImageFolder takes by default.</summary>
    public static IReadOnlyList<string> ImageExtensions { get; } = [".jpg", ".jpeg", ".png", ".bmp", ".webp"];
}
