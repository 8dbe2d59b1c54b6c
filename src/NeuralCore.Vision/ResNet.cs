using NeuralCore.NN;

namespace NeuralCore.Vision;

/// <summary>
/// torchvision.models.ResNet: a 7×7 stem, four stages of residual blocks, global average pooling and a linear read-out.
/// Input N×3×H×W (H, W ≥ 32), output N×numClasses logits. Built with <see cref="Models.ResNet18"/> and its siblings;
/// state-dict keys, module order and default initialisation are torchvision's, so the same seed gives the same weights.
/// </summary>
public sealed class ResNet : Module
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Relu relu = new();
    private readonly MaxPool2d maxpool;
    private readonly Sequential layer1, layer2, layer3, layer4;
    private readonly AdaptiveAvgPool2d avgpool;
    private readonly Linear fc;
    private long inplanes = 64;

    /// <param name="bottleneck">Bottleneck blocks (ResNet-50 and deeper) instead of basic ones.</param>
    /// <param name="layers">Blocks per stage, e.g. [2, 2, 2, 2] for ResNet-18.</param>
    /// <param name="zeroInitResidual">Zero the last BatchNorm weight of each block, so each starts as the identity.</param>
    public ResNet(bool bottleneck, IReadOnlyList<int> layers, long numClasses = 1000, bool zeroInitResidual = false, long groups = 1,
        long widthPerGroup = 64)
    {
        if (layers.Count != 4) throw new ArgumentException($"ResNet has four stages, got {layers.Count} block counts", nameof(layers));
        if (!bottleneck && (groups != 1 || widthPerGroup != 64))
            throw new ArgumentException("BasicBlock only supports groups=1 and widthPerGroup=64");
        var expansion = bottleneck ? Bottleneck.Expansion : 1;
        // Construction follows torchvision's order, so that default initialisation draws the same random numbers.
        conv1 = new Conv2d(3, inplanes, kernelSize: 7, stride: 2, padding: 3, bias: false);
        bn1 = new BatchNorm2d(inplanes);
        maxpool = new MaxPool2d(kernelSize: 3, stride: 2, padding: 1);
        layer1 = MakeLayer(bottleneck, 64, layers[0], 1, groups, widthPerGroup);
        layer2 = MakeLayer(bottleneck, 128, layers[1], 2, groups, widthPerGroup);
        layer3 = MakeLayer(bottleneck, 256, layers[2], 2, groups, widthPerGroup);
        layer4 = MakeLayer(bottleneck, 512, layers[3], 2, groups, widthPerGroup);
        avgpool = new AdaptiveAvgPool2d(1);
        fc = new Linear(512 * expansion, numClasses);
        foreach (var module in Modules())
        {
            if (module is Conv2d conv) Init.KaimingNormal(conv.Weight, mode: "fan_out", nonlinearity: "relu");
            // BatchNorm starts at weight 1 and bias 0 already.
        }
        if (!zeroInitResidual) return;
        foreach (var module in Modules())
        {
            if (module is Bottleneck b) Init.Zeros(b.LastNorm.Weight!);
            else if (module is BasicBlock basic) Init.Zeros(basic.LastNorm.Weight!);
        }
    }

    private Sequential MakeLayer(bool bottleneck, long planes, int blocks, long stride, long groups, long baseWidth)
    {
        var expansion = bottleneck ? Bottleneck.Expansion : 1;
        Sequential? downsample = null;
        if (stride != 1 || inplanes != planes * expansion)
            downsample = new Sequential(new Conv2d(inplanes, planes * expansion, kernelSize: 1, stride: stride, bias: false), new BatchNorm2d(planes * expansion));
        var layer = new Sequential();
        layer.Add(bottleneck ? new Bottleneck(inplanes, planes, stride, downsample, groups, baseWidth) : new BasicBlock(inplanes, planes, stride, downsample));
        inplanes = planes * expansion;
        for (var i = 1; i < blocks; i++)
            layer.Add(bottleneck ? new Bottleneck(inplanes, planes, 1, null, groups, baseWidth) : new BasicBlock(inplanes, planes));
        return layer;
    }

    /// <summary>The read-out layer (torchvision's <c>fc</c>).</summary>
    public Linear Fc => fc;

    /// <summary>
    /// Replaces the read-out with a new <c>Linear(fc.in_features, numClasses)</c> on the same device and dtype, as
    /// <c>model.fc = nn.Linear(model.fc.in_features, n)</c> does before fine-tuning weights trained on other classes.
    /// </summary>
    public void ResetClassifier(long numClasses)
    {
        var old = fc;
        ReplaceChild(old, new Linear(old.InFeatures, numClasses, dtype: old.Weight.DType, device: old.Weight.Device));
        old.Dispose();
    }

    public override Tensor Forward(Tensor input)
    {
        using var scope = TensorScope.Begin();
        var x = maxpool.Call(relu.Call(bn1.Call(conv1.Call(input))));
        x = layer4.Call(layer3.Call(layer2.Call(layer1.Call(x))));
        return scope.Keep(fc.Call(avgpool.Call(x).Flatten(1)));
    }
}

/// <summary>torchvision's two 3×3 convolutions with a shortcut (ResNet-18 and -34). N×inplanes×H×W → N×planes×H/stride×W/stride.</summary>
public sealed class BasicBlock : Module
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Relu relu = new();
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly Sequential? downsample;

    public BasicBlock(long inplanes, long planes, long stride = 1, Sequential? downsample = null)
    {
        conv1 = new Conv2d(inplanes, planes, kernelSize: 3, stride: stride, padding: 1, bias: false);
        bn1 = new BatchNorm2d(planes);
        conv2 = new Conv2d(planes, planes, kernelSize: 3, padding: 1, bias: false);
        bn2 = new BatchNorm2d(planes);
        this.downsample = downsample;
    }

    internal BatchNorm2d LastNorm => bn2;

    public override Tensor Forward(Tensor input)
    {
        using var scope = TensorScope.Begin();
        var x = bn2.Call(conv2.Call(relu.Call(bn1.Call(conv1.Call(input)))));
        return scope.Keep(relu.Call(x + (downsample?.Call(input) ?? input)));
    }
}

/// <summary>
/// torchvision's 1×1, 3×3, 1×1 bottleneck with a shortcut, stride on the 3×3 (ResNet-50 and deeper; "ResNet V1.5").
/// N×inplanes×H×W → N×4·planes×H/stride×W/stride.
/// </summary>
public sealed class Bottleneck : Module
{
    /// <summary>Output channels per planes.</summary>
    public const long Expansion = 4;

    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly Conv2d conv3;
    private readonly BatchNorm2d bn3;
    private readonly Relu relu = new();
    private readonly Sequential? downsample;

    public Bottleneck(long inplanes, long planes, long stride = 1, Sequential? downsample = null, long groups = 1, long baseWidth = 64)
    {
        var width = (long)(planes * (baseWidth / 64.0)) * groups;
        conv1 = new Conv2d(inplanes, width, kernelSize: 1, bias: false);
        bn1 = new BatchNorm2d(width);
        conv2 = new Conv2d(width, width, kernelSize: 3, stride: stride, padding: 1, groups: groups, bias: false);
        bn2 = new BatchNorm2d(width);
        conv3 = new Conv2d(width, planes * Expansion, kernelSize: 1, bias: false);
        bn3 = new BatchNorm2d(planes * Expansion);
        this.downsample = downsample;
    }

    internal BatchNorm2d LastNorm => bn3;

    public override Tensor Forward(Tensor input)
    {
        using var scope = TensorScope.Begin();
        var x = relu.Call(bn1.Call(conv1.Call(input)));
        x = relu.Call(bn2.Call(conv2.Call(x)));
        x = bn3.Call(conv3.Call(x));
        return scope.Keep(relu.Call(x + (downsample?.Call(input) ?? input)));
    }
}
