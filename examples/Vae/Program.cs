// pytorch/examples' vae, line by line, on Fashion-MNIST (Debian's dataset-fashion-mnist) instead of MNIST: a
// variational auto-encoder (784 → 400 → 20 + 20, 20 → 400 → 784) trained with Adam on BCE + KL divergence. Each
// epoch saves OUTPUT/reconstruction_<epoch>.png (8 test images over their reconstructions) and OUTPUT/sample_<epoch>.png
// (64 decoded draws from the prior).
//
// The data order is NeuralCore's seeded shuffle (epoch e permutes with seed + e), so bench/reference/vae.py replays
// it in PyTorch and, from the same seed, prints the same losses.
using System.CommandLine;
using System.Diagnostics;
using NeuralCore;
using NeuralCore.Data;
using NeuralCore.NN;
using NeuralCore.Optim;
using NeuralCore.Vision;
using NeuralCore.Vision.Transforms;
using static NeuralCore.NN.Functional;
using FashionMnist = NeuralCore.Vision.Datasets.FashionMnist;
using Utils = NeuralCore.Vision.Utils;

var batchSizeOption = new Option<int>("--batch-size") { Description = "input batch size for training", DefaultValueFactory = _ => 128 };
var epochsOption = new Option<int>("--epochs") { Description = "number of epochs to train", DefaultValueFactory = _ => 10 };
var seedOption = new Option<int>("--seed") { Description = "random seed", DefaultValueFactory = _ => 1 };
var logIntervalOption = new Option<int>("--log-interval") { Description = "how many batches to wait before logging training status", DefaultValueFactory = _ => 10 };
var deviceOption = new Option<string>("--device") { Description = "cpu, cuda or cuda:N", DefaultValueFactory = _ => "cpu" };
var dataOption = new Option<string>("--data") { Description = "folder with the Fashion-MNIST IDX files", DefaultValueFactory = _ => FashionMnist.DefaultRoot };
var outputOption = new Option<string>("--output") { Description = "folder for the image grids", DefaultValueFactory = _ => "results" };
var maxStepsOption = new Option<int?>("--max-steps") { Description = "stop each epoch's training after this many batches (quick runs)" };
var smokeOption = new Option<bool>("--smoke") { Description = "one epoch of 2 training batches (CI)" };
var command = new RootCommand("VAE on Fashion-MNIST (pytorch/examples vae)")
    { batchSizeOption, epochsOption, seedOption, logIntervalOption, deviceOption, dataOption, outputOption, maxStepsOption, smokeOption };
command.SetAction(result =>
{
    var smoke = result.GetValue(smokeOption);
    return VaeExample.Run(result.GetValue(batchSizeOption), smoke ? 1 : result.GetValue(epochsOption), result.GetValue(seedOption),
        result.GetValue(logIntervalOption), Device.Parse(result.GetValue(deviceOption)!), result.GetValue(dataOption)!, result.GetValue(outputOption)!,
        smoke ? 2 : result.GetValue(maxStepsOption));
});
return command.Parse(args).Invoke();

internal static class VaeExample
{
    public static int Run(int batchSize, int epochs, int seed, int logInterval, Device device, string data, string output, int? maxSteps)
    {
        Torch.ManualSeed((ulong)seed);
        Directory.CreateDirectory(output);
        using var trainSet = new FashionMnist(data, train: true, transform: new ToTensor());
        using var testSet = new FashionMnist(data, train: false, transform: new ToTensor());
        var trainLoader = new DataLoader<(Tensor, long), (Tensor Input, Tensor Target)>(trainSet, Collate.Default, batchSize, shuffle: true, seed: seed);
        var testLoader = new DataLoader<(Tensor, long), (Tensor Input, Tensor Target)>(testSet, Collate.Default, batchSize);

        using var model = new Vae();
        model.To(device);
        using var optimizer = new Adam(model.Parameters(), lr: 1e-3);

        for (var epoch = 1; epoch <= epochs; epoch++)
        {
            Train(epoch);
            Test(epoch);
            using (Autograd.NoGrad())
            using (TensorScope.Begin())
            {
                var sample = model.Decode(Tensor.Randn(64, 20).To(device)).To(Device.Cpu);
                Utils.SaveImage(sample.View(64, 1, 28, 28), Path.Combine(output, $"sample_{epoch}.png"));
            }
        }
        return 0;

        void Train(int epoch)
        {
            model.Train();
            double trainLoss = 0;
            var clock = Stopwatch.StartNew();
            var batchIndex = 0;
            foreach (var (input, _) in trainLoader)
            {
                if (batchIndex == maxSteps) break;
                using var step = TensorScope.Begin();
                var data = input.To(device);
                optimizer.ZeroGrad();
                var (reconBatch, mu, logvar) = model.Forward3(data);
                var loss = LossFunction(reconBatch, data, mu, logvar);
                loss.Backward();
                var value = loss.Item<double>();
                trainLoss += value;
                optimizer.Step();
                if (batchIndex % logInterval == 0)
                    Console.WriteLine($"Train Epoch: {epoch} [{batchIndex * input.Size(0)}/{trainSet.Count} ({100.0 * batchIndex / trainLoader.Count:F0}%)]\tLoss: {value / input.Size(0):F6}");
                batchIndex++;
            }
            Console.WriteLine($"====> Epoch: {epoch} Average loss: {trainLoss / trainSet.Count:F4} ({clock.Elapsed.TotalSeconds:F1} s)");
        }

        void Test(int epoch)
        {
            model.Eval();
            double testLoss = 0;
            using (Autograd.NoGrad())
            {
                var i = 0;
                foreach (var (input, _) in testLoader)
                {
                    using var step = TensorScope.Begin();
                    var data = input.To(device);
                    var (reconBatch, mu, logvar) = model.Forward3(data);
                    testLoss += LossFunction(reconBatch, data, mu, logvar).Item<double>();
                    if (i++ == 0)
                    {
                        var n = (int)Math.Min(data.Size(0), 8);
                        var comparison = Tensor.Cat([data.Narrow(0, 0, n), reconBatch.View(-1, 1, 28, 28).Narrow(0, 0, n)]);
                        Utils.SaveImage(comparison.To(Device.Cpu), Path.Combine(output, $"reconstruction_{epoch}.png"), nrow: n);
                    }
                }
            }
            Console.WriteLine($"====> Test set loss: {testLoss / testSet.Count:F4}");
        }
    }

    // Reconstruction + KL divergence losses summed over all elements and batch.
    private static Tensor LossFunction(Tensor reconX, Tensor x, Tensor mu, Tensor logvar)
    {
        var bce = BinaryCrossEntropy(reconX, x.View(-1, 784), reduction: Reduction.Sum);
        // See Appendix B of Kingma and Welling, Auto-Encoding Variational Bayes (2014): 0.5 · Σ(1 + log σ² − μ² − σ²).
        var kld = -0.5 * (1 + logvar - mu.Pow(2) - logvar.Exp()).Sum();
        return bce + kld;
    }
}

internal sealed class Vae : Module
{
    private readonly Linear fc1 = new(784, 400);
    private readonly Linear fc21 = new(400, 20);
    private readonly Linear fc22 = new(400, 20);
    private readonly Linear fc3 = new(20, 400);
    private readonly Linear fc4 = new(400, 784);

    private (Tensor Mu, Tensor LogVar) Encode(Tensor x)
    {
        var h1 = Relu(fc1.Call(x));
        return (fc21.Call(h1), fc22.Call(h1));
    }

    private static Tensor Reparameterize(Tensor mu, Tensor logvar)
    {
        var std = (0.5 * logvar).Exp();
        var eps = std.RandnLike();
        return mu + eps * std;
    }

    public Tensor Decode(Tensor z) => fc4.Call(Relu(fc3.Call(z))).Sigmoid();

    public (Tensor Recon, Tensor Mu, Tensor LogVar) Forward3(Tensor x)
    {
        var (mu, logvar) = Encode(x.View(-1, 784));
        var z = Reparameterize(mu, logvar);
        return (Decode(z), mu, logvar);
    }

    public override Tensor Forward(Tensor x) => Forward3(x).Recon;
}
