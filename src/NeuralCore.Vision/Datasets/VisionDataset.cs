using NeuralCore.Data;

namespace NeuralCore.Vision.Datasets;

/// <summary>
/// A dataset of (image, class index) samples with optional transforms (torchvision.datasets.VisionDataset). Images come
/// as they are stored, uint8 C×H×W; a transform (e.g. ToTensor, then Normalize) is where they become floats.
/// </summary>
public abstract class VisionDataset : Dataset<(Tensor Image, long Target)>
{
    private protected VisionDataset(string root, Func<Tensor, Tensor>? transform, Func<long, long>? targetTransform)
    {
        ArgumentNullException.ThrowIfNull(root);
        Root = root;
        Transform = transform;
        TargetTransform = targetTransform;
    }

    /// <summary>The folder the data was read from.</summary>
    public string Root { get; }

    /// <summary>Applied to each image as it is taken.</summary>
    public Func<Tensor, Tensor>? Transform { get; }

    /// <summary>Applied to each class index as it is taken.</summary>
    public Func<long, long>? TargetTransform { get; }

    /// <summary>The raw image and class index at <paramref name="index"/>, before the transforms.</summary>
    protected abstract (Tensor Image, long Target) Load(long index);

    public sealed override (Tensor Image, long Target) Get(long index)
    {
        if (index < 0 || index >= Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"the dataset has {Count} samples");
        using var scope = TensorScope.Begin();
        var (image, target) = Load(index);
        if (Transform is { } transform) image = transform(image);
        return (scope.Keep(image), TargetTransform is { } targetTransform ? targetTransform(target) : target);
    }
}
