// pytorch/examples' mnist, line by line, with NeuralCore.Vision: two convolutions, dropout and two linear layers trained
// with Adadelta (lr 1.0, StepLR gamma 0.7 per epoch) on log-softmax and NLL. By default on Fashion-MNIST (Debian's
// dataset-fashion-mnist; normalised with its own mean and std); --dataset mnist --data DIR reads the MNIST IDX files
// (normalised with MNIST's 0.1307 and 0.3081, as the original) from DIR or DIR/MNIST/raw.
//
// The data order is NeuralCore's seeded shuffle (epoch e permutes with seed + e − 1), so bench/reference/mnist.py
// replays it in PyTorch and, from the same seed, prints the same losses.
using System.CommandLine;
using NeuralCore;
using NeuralCore.Data;
using NeuralCore.NN;
using NeuralCore.Optim;
using NeuralCore.Vision.Datasets;
using NeuralCore.Vision.Transforms;
using static NeuralCore.NN.Functional;
using FashionMnist = NeuralCore.Vision.Datasets.FashionMnist;

var batchSizeOption = new Option<int>("--batch-size") { Description = "input batch size for training", DefaultValueFactory = _ => 64 };
var testBatchSizeOption = new Option<int>("--test-batch-size") { Description = "input batch size for testing", DefaultValueFactory = _ => 1000 };
var epochsOption = new Option<int>("--epochs") { Description = "number of epochs to train", DefaultValueFactory = _ => 14 };
var lrOption = new Option<double>("--lr") { Description = "learning rate", DefaultValueFactory = _ => 1.0 };
var gammaOption = new Option<double>("--gamma") { Description = "Learning rate step gamma", DefaultValueFactory = _ => 0.7 };
var deviceOption = new Option<string>("--device") { Description = "cpu, cuda or cuda:N", DefaultValueFactory = _ => "cpu" };
var dryRunOption = new Option<bool>("--dry-run") { Description = "quickly check a single pass" };
var seedOption = new Option<int>("--seed") { Description = "random seed", DefaultValueFactory = _ => 1 };
var logIntervalOption = new Option<int>("--log-interval") { Description = "how many batches to wait before logging training status", DefaultValueFactory = _ => 10 };
var saveModelOption = new Option<bool>("--save-model") { Description = "For Saving the current Model" };
var datasetOption = new Option<string>("--dataset") { Description = "fashion-mnist | mnist", DefaultValueFactory = _ => "fashion-mnist" };
var dataOption = new Option<string?>("--data") { Description = "folder with the IDX files" };
var maxStepsOption = new Option<int?>("--max-steps") { Description = "stop each epoch's training after this many batches (quick runs)" };
var smokeOption = new Option<bool>("--smoke") { Description = "one epoch of 2 training batches (CI)" };
var command = new RootCommand("MNIST-style CNN (pytorch/examples mnist)")
{
    batchSizeOption, testBatchSizeOption, epochsOption, lrOption, gammaOption, deviceOption, dryRunOption, seedOption, logIntervalOption,
    saveModelOption, datasetOption, dataOption, maxStepsOption, smokeOption,
};
command.SetAction(result =>
{
    var smoke = result.GetValue(smokeOption);
    return MnistExample.Run(result.GetValue(batchSizeOption), result.GetValue(testBatchSizeOption), smoke ? 1 : result.GetValue(epochsOption),
        result.GetValue(lrOption), result.GetValue(gammaOption), Device.Parse(result.GetValue(deviceOption)!), result.GetValue(dryRunOption),
        result.GetValue(seedOption), result.GetValue(logIntervalOption), result.GetValue(saveModelOption), result.GetValue(datasetOption)!,
        result.GetValue(dataOption), smoke ? 2 : result.GetValue(maxStepsOption));
});
return command.Parse(args).Invoke();

internal static class MnistExample
{
    public static int Run(int batchSize, int testBatchSize, int epochs, double lr, double gamma, Device device, bool dryRun, int seed, int logInterval,
        bool saveModel, string dataset, string? data, int? maxSteps)
    {
        Torch.ManualSeed((ulong)seed);
        Mnist Load(bool train) => dataset switch
        {
            "fashion-mnist" => new FashionMnist(data ?? FashionMnist.DefaultRoot, train,
                new Compose(new ToTensor(), new Normalize([NeuralCore.Data.FashionMnist.Mean], [NeuralCore.Data.FashionMnist.Std]))),
            "mnist" => new Mnist(data ?? throw new ArgumentException("--dataset mnist needs --data DIR"), train,
                new Compose(new ToTensor(), new Normalize([0.1307], [0.3081]))),
            _ => throw new ArgumentException($"--dataset is fashion-mnist or mnist, not '{dataset}'"),
        };
        using var dataset1 = Load(train: true);
        using var dataset2 = Load(train: false);
        var trainLoader = new DataLoader<(Tensor, long), (Tensor Input, Tensor Target)>(dataset1, Collate.Default, batchSize, shuffle: true, seed: seed);
        var testLoader = new DataLoader<(Tensor, long), (Tensor Input, Tensor Target)>(dataset2, Collate.Default, testBatchSize);

        using var model = new Net();
        model.To(device);
        using var optimizer = new Adadelta(model.Parameters(), lr: lr);
        var scheduler = new StepLR(optimizer, stepSize: 1, gamma: gamma);
        for (var epoch = 1; epoch <= epochs; epoch++)
        {
            Train(epoch);
            Test();
            scheduler.Step();
        }
        if (saveModel) model.Save("mnist_cnn.pt");
        return 0;

        void Train(int epoch)
        {
            model.Train();
            var batchIdx = 0;
            foreach (var (input, labels) in trainLoader)
            {
                if (batchIdx == maxSteps) break;
                using var step = TensorScope.Begin();
                var (batch, target) = (input.To(device), labels.To(device));
                optimizer.ZeroGrad();
                var output = model.Call(batch);
                var loss = NllLoss(output, target);
                loss.Backward();
                optimizer.Step();
                if (batchIdx % logInterval == 0)
                {
                    Console.WriteLine($"Train Epoch: {epoch} [{batchIdx * batch.Size(0)}/{dataset1.Count} ({100.0 * batchIdx / trainLoader.Count:F0}%)]\tLoss: {loss.Item<double>():F6}");
                    if (dryRun) break;
                }
                batchIdx++;
            }
        }

        void Test()
        {
            model.Eval();
            double testLoss = 0;
            long correct = 0;
            using (Autograd.NoGrad())
            {
                foreach (var (input, labels) in testLoader)
                {
                    using var step = TensorScope.Begin();
                    var (batch, target) = (input.To(device), labels.To(device));
                    var output = model.Call(batch);
                    testLoss += NllLoss(output, target, reduction: Reduction.Sum).Item<double>();  // sum up batch loss
                    var pred = output.ArgMax(1, keepDim: true);  // get the index of the max log-probability
                    correct += pred.Eq(target.ViewAs(pred)).Sum().Item<long>();
                }
            }
            testLoss /= dataset2.Count;
            Console.WriteLine($"\nTest set: Average loss: {testLoss:F4}, Accuracy: {correct}/{dataset2.Count} ({100.0 * correct / dataset2.Count:F0}%)\n");
        }
    }
}

internal sealed class Net : Module
{
    private readonly Conv2d conv1 = new(1, 32, 3, 1);
    private readonly Conv2d conv2 = new(32, 64, 3, 1);
    private readonly Dropout dropout1 = new(0.25);
    private readonly Dropout dropout2 = new(0.5);
    private readonly Linear fc1 = new(9216, 128);
    private readonly Linear fc2 = new(128, 10);

    public override Tensor Forward(Tensor x)
    {
        using var scope = TensorScope.Begin();
        x = conv1.Call(x);
        x = Relu(x);
        x = conv2.Call(x);
        x = Relu(x);
        x = MaxPool2d(x, (2, 2));
        x = dropout1.Call(x);
        x = x.Flatten(1);
        x = fc1.Call(x);
        x = Relu(x);
        x = dropout2.Call(x);
        x = fc2.Call(x);
        var output = LogSoftmax(x, dim: 1);
        return scope.Keep(output);
    }
}
