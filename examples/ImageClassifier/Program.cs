// Trains or fine-tunes a torchvision ResNet on an image folder, in the manner of pytorch/examples' imagenet: DATA/train
// and DATA/val hold one folder per class; training takes RandomResizedCrop and horizontal flips, validation Resize and
// CenterCrop, both normalised with ImageNet's statistics; SGD with momentum and weight decay, the learning rate divided
// by 10 every 30 epochs; top-1 and top-5 accuracy after each epoch; the best weights saved in PyTorch's format.
//
//   dotnet run --project examples/ImageClassifier -- DATA [--arch resnet18] [--weights resnet18.pth] [--epochs 90]
//
// --weights loads a state dict torchvision saved (torch.save(model.state_dict(), path)) and, when the folder has other
// classes than those weights, replaces the read-out before training (fine-tuning). --smoke builds a tiny folder of
// generated pictures (CI) and trains one epoch on it.
using System.CommandLine;
using System.Diagnostics;
using NeuralCore;
using NeuralCore.Data;
using NeuralCore.NN;
using NeuralCore.Optim;
using NeuralCore.Vision;
using NeuralCore.Vision.Datasets;
using NeuralCore.Vision.Transforms;

var dataArgument = new Argument<string?>("data") { Description = "folder with train/ and val/, each holding one folder per class", Arity = ArgumentArity.ZeroOrOne };
var archOption = new Option<string>("--arch") { Description = "resnet18 | resnet34 | resnet50 | resnet101", DefaultValueFactory = _ => "resnet18" };
var workersOption = new Option<int>("--workers") { Description = "data loading workers", DefaultValueFactory = _ => 2 };
var epochsOption = new Option<int>("--epochs") { Description = "number of total epochs to run", DefaultValueFactory = _ => 90 };
var batchSizeOption = new Option<int>("--batch-size") { Description = "mini-batch size", DefaultValueFactory = _ => 64 };
var lrOption = new Option<double>("--lr") { Description = "initial learning rate", DefaultValueFactory = _ => 0.1 };
var momentumOption = new Option<double>("--momentum") { DefaultValueFactory = _ => 0.9 };
var weightDecayOption = new Option<double>("--weight-decay") { DefaultValueFactory = _ => 1e-4 };
var imageSizeOption = new Option<int>("--image-size") { Description = "training crop size (validation resizes to 8/7 of it, then crops)", DefaultValueFactory = _ => 224 };
var weightsOption = new Option<string?>("--weights") { Description = "a torchvision state dict to start from" };
var evaluateOption = new Option<bool>("--evaluate") { Description = "evaluate the model on the validation set only" };
var seedOption = new Option<int>("--seed") { Description = "seed of the initial weights and the data order", DefaultValueFactory = _ => 0 };
var deviceOption = new Option<string>("--device") { Description = "cpu, cuda or cuda:N", DefaultValueFactory = _ => "cpu" };
var outputOption = new Option<string>("--output") { Description = "folder for the checkpoints", DefaultValueFactory = _ => "output" };
var maxStepsOption = new Option<int?>("--max-steps") { Description = "stop each epoch after this many batches (quick runs)" };
var smokeOption = new Option<bool>("--smoke") { Description = "a tiny generated folder, one epoch at 32×32 (CI)" };
var command = new RootCommand("Image classification with a torchvision ResNet on an image folder")
{
    dataArgument, archOption, workersOption, epochsOption, batchSizeOption, lrOption, momentumOption, weightDecayOption, imageSizeOption,
    weightsOption, evaluateOption, seedOption, deviceOption, outputOption, maxStepsOption, smokeOption,
};
command.SetAction(result =>
{
    var smoke = result.GetValue(smokeOption);
    var data = smoke ? DemoFolder.Create(Path.Combine(Path.GetTempPath(), $"neuralcore-demo-images-{Environment.ProcessId}")) : result.GetValue(dataArgument);
    if (data is null)
    {
        Console.Error.WriteLine("Give the data folder (with train/ and val/), or --smoke.");
        return 2;
    }
    try
    {
        return Classifier.Run(data, result.GetValue(archOption)!, result.GetValue(workersOption), smoke ? 1 : result.GetValue(epochsOption),
            smoke ? 4 : result.GetValue(batchSizeOption), result.GetValue(lrOption), result.GetValue(momentumOption), result.GetValue(weightDecayOption),
            smoke ? 32 : result.GetValue(imageSizeOption), result.GetValue(weightsOption), result.GetValue(evaluateOption), result.GetValue(seedOption),
            Device.Parse(result.GetValue(deviceOption)!), result.GetValue(outputOption)!, result.GetValue(maxStepsOption));
    }
    finally
    {
        if (smoke) Directory.Delete(data, recursive: true);
    }
});
return command.Parse(args).Invoke();

internal static class Classifier
{
    private static readonly double[] Mean = [0.485, 0.456, 0.406], Std = [0.229, 0.224, 0.225];

    public static int Run(string data, string arch, int workers, int epochs, int batchSize, double lr, double momentum, double weightDecay,
        int imageSize, string? weights, bool evaluate, int seed, Device device, string output, int? maxSteps)
    {
        Torch.ManualSeed((ulong)seed);
        Directory.CreateDirectory(output);
        var trainSet = new ImageFolder(Path.Combine(data, "train"), transform: new Compose(
            new RandomResizedCrop(imageSize), new RandomHorizontalFlip(), new ToTensor(), new Normalize(Mean, Std)));
        var valSet = new ImageFolder(Path.Combine(data, "val"), transform: new Compose(
            new Resize(imageSize * 8 / 7), new CenterCrop(imageSize), new ToTensor(), new Normalize(Mean, Std)));
        if (!valSet.Classes.SequenceEqual(trainSet.Classes))
            throw new InvalidDataException($"train/ has the classes {string.Join(", ", trainSet.Classes)} but val/ has {string.Join(", ", valSet.Classes)}");
        var trainLoader = new DataLoader<(Tensor, long), (Tensor Input, Tensor Target)>(trainSet, Collate.Default, batchSize, shuffle: true,
            numWorkers: workers, seed: seed);
        var valLoader = new DataLoader<(Tensor, long), (Tensor Input, Tensor Target)>(valSet, Collate.Default, batchSize, numWorkers: workers);
        Console.WriteLine($"{trainSet.Count} training and {valSet.Count} validation images in {trainSet.Classes.Count} classes: {string.Join(", ", trainSet.Classes)}");

        using var model = Create(arch, weights is null ? trainSet.Classes.Count : 1000);
        if (weights is not null)
        {
            model.Load(weights);
            if (model.Fc.OutFeatures != trainSet.Classes.Count) model.ResetClassifier(trainSet.Classes.Count);
            Console.WriteLine($"=> loaded {weights}; fine-tuning for {trainSet.Classes.Count} classes");
        }
        model.To(device);
        var criterion = new CrossEntropyLoss();
        using var optimizer = new Sgd(model.Parameters(), lr, momentum: momentum, weightDecay: weightDecay);
        var scheduler = new StepLR(optimizer, stepSize: 30, gamma: 0.1);

        if (evaluate)
        {
            Validate(model, valLoader, criterion, device);
            return 0;
        }
        var best = 0.0;
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            Train(model, trainLoader, criterion, optimizer, device, epoch, maxSteps);
            var top1 = Validate(model, valLoader, criterion, device);
            scheduler.Step();
            model.Save(Path.Combine(output, "checkpoint.pth"));
            if (top1 >= best)
            {
                best = top1;
                model.Save(Path.Combine(output, "model_best.pth"));
            }
        }
        Console.WriteLine($"Best Acc@1 {best:F3}; weights in {Path.Combine(output, "model_best.pth")} (a torchvision {arch} state dict)");
        return 0;
    }

    private static ResNet Create(string arch, long numClasses) => arch switch
    {
        "resnet18" => Models.ResNet18(numClasses),
        "resnet34" => Models.ResNet34(numClasses),
        "resnet50" => Models.ResNet50(numClasses),
        "resnet101" => Models.ResNet101(numClasses),
        _ => throw new ArgumentException($"--arch is resnet18, resnet34, resnet50 or resnet101, not '{arch}'"),
    };

    private static void Train(ResNet model, DataLoader<(Tensor, long), (Tensor Input, Tensor Target)> loader, CrossEntropyLoss criterion,
        Optimizer optimizer, Device device, int epoch, int? maxSteps)
    {
        model.Train();
        var clock = Stopwatch.StartNew();
        var (seen, lossSum, correct) = (0L, 0.0, 0L);
        var i = 0;
        foreach (var (images, targets) in loader)
        {
            if (i == maxSteps) break;
            using var step = TensorScope.Begin();
            var (input, target) = (images.To(device), targets.To(device));
            var output = model.Call(input);
            var loss = criterion.Forward(output, target);
            optimizer.ZeroGrad();
            loss.Backward();
            optimizer.Step();
            seen += input.Size(0);
            lossSum += loss.Item<double>() * input.Size(0);
            correct += Correct(output, target, 1);
            if (i % 10 == 0)
                Console.WriteLine($"Epoch: [{epoch}][{i}/{loader.Count}]\tLoss {lossSum / seen:F4}\tAcc@1 {100.0 * correct / seen:F3}\t{seen / clock.Elapsed.TotalSeconds:F1} images/s");
            i++;
        }
    }

    private static double Validate(ResNet model, DataLoader<(Tensor, long), (Tensor Input, Tensor Target)> loader, CrossEntropyLoss criterion, Device device)
    {
        model.Eval();
        var (seen, lossSum, top1, top5) = (0L, 0.0, 0L, 0L);
        using (Autograd.NoGrad())
        {
            foreach (var (images, targets) in loader)
            {
                using var step = TensorScope.Begin();
                var (input, target) = (images.To(device), targets.To(device));
                var output = model.Call(input);
                seen += input.Size(0);
                lossSum += criterion.Forward(output, target).Item<double>() * input.Size(0);
                top1 += Correct(output, target, 1);
                top5 += Correct(output, target, Math.Min(5, output.Size(1)));
            }
        }
        Console.WriteLine($" * Acc@1 {100.0 * top1 / seen:F3} Acc@5 {100.0 * top5 / seen:F3} Loss {lossSum / seen:F4}");
        return 100.0 * top1 / seen;
    }

    // How many targets are among the k highest logits.
    private static long Correct(Tensor output, Tensor target, long k)
    {
        using var scope = TensorScope.Begin();
        var (_, predicted) = output.TopK(k, 1);
        return predicted.Eq(target.View(-1, 1)).Sum().Item<long>();
    }
}

/// <summary>A tiny image folder of generated pictures, to run the example without data: discs and squares on noise.</summary>
internal static class DemoFolder
{
    public static string Create(string root)
    {
        using var scope = TensorScope.Begin();
        foreach (var (split, count) in new[] { ("train", 6), ("val", 2) })
            foreach (var shape in new[] { "disc", "square" })
            {
                var folder = Directory.CreateDirectory(Path.Combine(root, split, shape)).FullName;
                for (var i = 0; i < count; i++)
                {
                    var image = Tensor.RandInt(0, 80, [3, 40, 48], dtype: DType.UInt8);
                    var ys = Tensor.Arange(40, dtype: DType.Float32).View(-1, 1).Sub(20);
                    var xs = Tensor.Arange(48, dtype: DType.Float32).View(1, -1).Sub(24);
                    var mask = shape == "disc" ? ys.Pow(2).Add(xs.Pow(2)).Lt(12 * 12) : ys.Abs().Lt(11).LogicalAnd(xs.Abs().Lt(11));
                    image = image.MaskedFill(mask.Unsqueeze(0), 40 * i + 20);
                    Image.Write(image, Path.Combine(folder, $"{shape}_{i}.png"));
                }
            }
        return root;
    }
}
