using NeuralCore.NN;

namespace NeuralCore.Vision;

/// <summary>
/// torchvision.models' constructors: torchvision's architectures, state-dict keys and default initialisation. Weights
/// that torchvision saved (<c>torch.save(model.state_dict(), path)</c>) load with <c>model.Load(path)</c>; nothing downloads.
/// </summary>
public static class Models
{
    private static readonly int[] VggA = [64, 0, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0];
    private static readonly int[] VggD = [64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0];

    /// <summary>ResNet-18 (basic blocks [2, 2, 2, 2]; 11.7 M parameters at 1000 classes).</summary>
    public static ResNet ResNet18(long numClasses = 1000, bool zeroInitResidual = false) => new(false, [2, 2, 2, 2], numClasses, zeroInitResidual);

    /// <summary>ResNet-34 (basic blocks [3, 4, 6, 3]).</summary>
    public static ResNet ResNet34(long numClasses = 1000, bool zeroInitResidual = false) => new(false, [3, 4, 6, 3], numClasses, zeroInitResidual);

    /// <summary>ResNet-50 (bottleneck blocks [3, 4, 6, 3]).</summary>
    public static ResNet ResNet50(long numClasses = 1000, bool zeroInitResidual = false) => new(true, [3, 4, 6, 3], numClasses, zeroInitResidual);

    /// <summary>ResNet-101 (bottleneck blocks [3, 4, 23, 3]).</summary>
    public static ResNet ResNet101(long numClasses = 1000, bool zeroInitResidual = false) => new(true, [3, 4, 23, 3], numClasses, zeroInitResidual);

    /// <summary>VGG-11 (configuration "A").</summary>
    public static Vgg Vgg11(long numClasses = 1000, double dropout = 0.5) => new(VggA, false, numClasses, dropout: dropout);

    /// <summary>VGG-11 with BatchNorm after each convolution.</summary>
    public static Vgg Vgg11Bn(long numClasses = 1000, double dropout = 0.5) => new(VggA, true, numClasses, dropout: dropout);

    /// <summary>VGG-16 (configuration "D").</summary>
    public static Vgg Vgg16(long numClasses = 1000, double dropout = 0.5) => new(VggD, false, numClasses, dropout: dropout);

    /// <summary>VGG-16 with BatchNorm after each convolution.</summary>
    public static Vgg Vgg16Bn(long numClasses = 1000, double dropout = 0.5) => new(VggD, true, numClasses, dropout: dropout);

    /// <summary>
    /// torchvision's closing initialisation of VGG and MobileNetV2, in module order: convolutions He-normal (fan_out)
    /// with zero bias, linear layers N(0, 0.01) with zero bias; BatchNorm keeps its weight 1 and bias 0.
    /// </summary>
    internal static void InitConvolutionsAndLinears(Module model, string convolutionNonlinearity)
    {
        foreach (var module in model.Modules())
        {
            switch (module)
            {
                case Conv2d conv:
                    Init.KaimingNormal(conv.Weight, mode: "fan_out", nonlinearity: convolutionNonlinearity);
                    if (conv.Bias is { } bias) Init.Zeros(bias);
                    break;
                case Linear linear:
                    Init.Normal(linear.Weight, 0, 0.01);
                    if (linear.Bias is { } linearBias) Init.Zeros(linearBias);
                    break;
            }
        }
    }

    /// <summary>MobileNetV2 (width multiplier 1 by default; 3.5 M parameters at 1000 classes).</summary>
    public static MobileNetV2 MobileNetV2(long numClasses = 1000, double widthMult = 1.0, double dropout = 0.2) =>
        new(numClasses, widthMult, dropout: dropout);
}
