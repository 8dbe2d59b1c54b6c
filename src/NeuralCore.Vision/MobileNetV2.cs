using NeuralCore.NN;

namespace NeuralCore.Vision;

/// <summary>
/// torchvision.models.MobileNetV2: inverted residual blocks with linear bottlenecks and ReLU6, global average pooling,
/// dropout and a linear read-out. Input N×3×H×W (H, W ≥ 32), output N×numClasses; torchvision's keys and initialisation.
/// </summary>
public sealed class MobileNetV2 : Module
{
    // t (expansion), c (output channels), n (repeats), s (stride of the first repeat).
    private static readonly int[][] DefaultSetting =
        [[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1]];

    private readonly Sequential features;
    private readonly Sequential classifier;

    public MobileNetV2(long numClasses = 1000, double widthMult = 1.0, int roundNearest = 8, double dropout = 0.2)
    {
        var inputChannel = MakeDivisible(32 * widthMult, roundNearest);
        var lastChannel = MakeDivisible(1280 * Math.Max(1.0, widthMult), roundNearest);
        features = new Sequential(Ops.Conv2dNormActivation(3, inputChannel, stride: 2, activation: () => new Relu6()));
        foreach (var setting in DefaultSetting)
        {
            var outputChannel = MakeDivisible(setting[1] * widthMult, roundNearest);
            for (var i = 0; i < setting[2]; i++)
            {
                features.Add(new InvertedResidual(inputChannel, outputChannel, i == 0 ? setting[3] : 1, setting[0]));
                inputChannel = outputChannel;
            }
        }
        features.Add(Ops.Conv2dNormActivation(inputChannel, lastChannel, kernelSize: 1, activation: () => new Relu6()));
        classifier = new Sequential(new Dropout(dropout), new Linear(lastChannel, numClasses));
        Models.InitConvolutionsAndLinears(this, convolutionNonlinearity: "leaky_relu");
    }

    /// <summary>torchvision's _make_divisible: the nearest multiple of <paramref name="divisor"/>, never 10% below.</summary>
    internal static long MakeDivisible(double value, long divisor)
    {
        var rounded = Math.Max(divisor, (long)(value + divisor / 2.0) / divisor * divisor);
        return rounded < 0.9 * value ? rounded + divisor : rounded;
    }

    public override Tensor Forward(Tensor input)
    {
        using var scope = TensorScope.Begin();
        var x = NN.Functional.AdaptiveAvgPool2d(features.Call(input), (1, 1));
        return scope.Keep(classifier.Call(x.Flatten(1)));
    }
}

/// <summary>
/// MobileNetV2's block: 1×1 expansion (unless the ratio is 1), 3×3 depthwise convolution, linear 1×1 projection, with a
/// shortcut where stride is 1 and the channels match. N×inp×H×W → N×oup×H/stride×W/stride.
/// </summary>
public sealed class InvertedResidual : Module
{
    private readonly Sequential conv;
    private readonly bool useResConnect;

    public InvertedResidual(long inp, long oup, long stride, long expandRatio)
    {
        if (stride is not (1 or 2)) throw new ArgumentException($"stride should be 1 or 2, got {stride}", nameof(stride));
        var hidden = (long)Math.Round(inp * (double)expandRatio, MidpointRounding.ToEven);
        useResConnect = stride == 1 && inp == oup;
        conv = new Sequential();
        if (expandRatio != 1) conv.Add(Ops.Conv2dNormActivation(inp, hidden, kernelSize: 1, activation: () => new Relu6()));
        conv.Add(Ops.Conv2dNormActivation(hidden, hidden, stride: stride, groups: hidden, activation: () => new Relu6()));
        conv.Add(new Conv2d(hidden, oup, kernelSize: 1, bias: false));
        conv.Add(new BatchNorm2d(oup));
    }

    public override Tensor Forward(Tensor input)
    {
        if (!useResConnect) return conv.Call(input);
        using var scope = TensorScope.Begin();
        return scope.Keep(input + conv.Call(input));
    }
}

/// <summary>torchvision.ops: building blocks its models share.</summary>
public static class Ops
{
    /// <summary>
    /// torchvision.ops.Conv2dNormActivation: convolution (padding (k − 1) / 2 · dilation, no bias), BatchNorm2d and an
    /// activation (ReLU unless given), as a Sequential whose children are "0", "1", "2" as torchvision's.
    /// </summary>
    public static Sequential Conv2dNormActivation(long inChannels, long outChannels, long kernelSize = 3, long stride = 1, long? padding = null,
        long groups = 1, long dilation = 1, Func<Module>? activation = null)
    {
        var conv = new Conv2d(inChannels, outChannels, kernelSize, stride, padding ?? (kernelSize - 1) / 2 * dilation, dilation, groups, bias: false);
        return new Sequential(conv, new BatchNorm2d(outChannels), activation?.Invoke() ?? new Relu());
    }
}
