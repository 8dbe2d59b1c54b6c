using NeuralCore.NN;

namespace NeuralCore.Vision;

/// <summary>
/// torchvision.models.VGG: 3×3 convolutions and 2×2 max pools (<c>features</c>), adaptive average pooling to 7×7 and
/// three linear layers with dropout (<c>classifier</c>). Input N×3×H×W (H, W ≥ 32), output N×numClasses. Built with
/// <see cref="Models.Vgg11"/> and its siblings, with torchvision's keys and initialisation.
/// </summary>
public sealed class Vgg : Module
{
    private readonly Sequential features;
    private readonly AdaptiveAvgPool2d avgpool = new(7);
    private readonly Sequential classifier;

    /// <param name="configuration">Output channels of each convolution, with 0 for a max pool (torchvision's "M").</param>
    public Vgg(IReadOnlyList<int> configuration, bool batchNorm, long numClasses = 1000, bool initWeights = true, double dropout = 0.5)
    {
        features = MakeLayers(configuration, batchNorm);
        classifier = new Sequential(new Linear(512 * 7 * 7, 4096), new Relu(), new Dropout(dropout), new Linear(4096, 4096), new Relu(),
            new Dropout(dropout), new Linear(4096, numClasses));
        if (initWeights) Models.InitConvolutionsAndLinears(this, convolutionNonlinearity: "relu");
    }

    private static Sequential MakeLayers(IReadOnlyList<int> configuration, bool batchNorm)
    {
        var layers = new Sequential();
        long channels = 3;
        foreach (var width in configuration)
        {
            if (width == 0)
            {
                layers.Add(new MaxPool2d(kernelSize: 2, stride: 2));
                continue;
            }
            layers.Add(new Conv2d(channels, width, kernelSize: 3, padding: 1));
            if (batchNorm) layers.Add(new BatchNorm2d(width));
            layers.Add(new Relu());
            channels = width;
        }
        return layers;
    }

    public override Tensor Forward(Tensor input)
    {
        using var scope = TensorScope.Begin();
        return scope.Keep(classifier.Call(avgpool.Call(features.Call(input)).Flatten(1)));
    }
}
