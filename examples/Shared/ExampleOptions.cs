using System.CommandLine;
using NeuralCore;

namespace NeuralCore.Examples;

/// <summary>The command line both training examples share.</summary>
public sealed record ExampleOptions(
    int Epochs, int BatchSize, double LearningRate, Device Device, int Seed, string DataDirectory, bool Synthetic,
    string Checkpoint, long? MaxSteps, string OutputDirectory, bool Smoke, string? Resume, IReadOnlyList<Device> Devices, bool Distributed,
    bool Amp = false, int Accumulate = 1)
{
    /// <summary>The parsed command line, for options an example adds (CreateCommand's extraOptions).</summary>
    public ParseResult? Parsed { get; init; }

    /// <summary>The model to train: DistributedDataParallel with --distributed, DataParallel when --devices names several devices.</summary>
    public NeuralCore.NN.Module Parallelize(NeuralCore.NN.Module model, NeuralCore.Distributed.ProcessGroup? group) =>
        group is not null ? new NeuralCore.Distributed.DistributedDataParallel(model, group)
        : Devices.Count > 1 ? new NeuralCore.Parallel.DataParallel(model, Devices, Device)
        : model;

    /// <summary>With --distributed: joins the group (torchrun variables) and silences every rank but 0.</summary>
    public NeuralCore.Distributed.ProcessGroup? JoinGroup()
    {
        if (!Distributed) return null;
        // NCCL for CUDA tensors, as PyTorch's examples choose; Gloo on the CPU.
        var backend = Device.Type == DeviceType.Cuda ? "nccl" : "gloo";
        var group = NeuralCore.Distributed.ProcessGroup.Init(backend: backend, timeout: TimeSpan.FromMinutes(5));
        // Processes on one machine share its cores.
        if (int.TryParse(Environment.GetEnvironmentVariable("LOCAL_WORLD_SIZE"), out var local) && local > 1)
            Torch.SetNumThreads(Math.Max(1, Environment.ProcessorCount / local));
        if (group.Rank != 0)
            Spectre.Console.AnsiConsole.Console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings { Out = new Spectre.Console.AnsiConsoleOutput(TextWriter.Null) });
        return group;
    }

    /// <summary>The training loader: this rank's share of a seeded permutation when distributed.</summary>
    public NeuralCore.Data.DataLoader TrainLoader(NeuralCore.Data.TensorDataset trainSet, NeuralCore.Distributed.ProcessGroup? group) =>
        new(trainSet, BatchSize, shuffle: true, seed: Seed, pinMemory: Device.Type == DeviceType.Cuda,
            indices: group is null ? null : new NeuralCore.Distributed.DistributedSampler(trainSet.Count, group.Rank, group.WorldSize, seed: Seed).Indices());

    public static RootCommand CreateCommand(string description, int defaultEpochs, double defaultLearningRate, string name,
        Func<ExampleOptions, int> run, int defaultBatchSize = 64, params Option[] extraOptions)
    {
        var epochs = new Option<int>("--epochs") { Description = "Passes over the training set", DefaultValueFactory = _ => defaultEpochs };
        var batchSize = new Option<int>("--batch-size") { Description = "Samples per batch", DefaultValueFactory = _ => defaultBatchSize };
        var learningRate = new Option<double>("--lr") { Description = "Learning rate", DefaultValueFactory = _ => defaultLearningRate };
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:N", DefaultValueFactory = _ => "cpu" };
        var seed = new Option<int>("--seed") { Description = "Seed of weights and shuffling", DefaultValueFactory = _ => 0 };
        var data = new Option<string>("--data") { Description = "Folder with the Fashion-MNIST IDX files", DefaultValueFactory = _ => NeuralCore.Data.FashionMnist.DefaultDirectory };
        var synthetic = new Option<bool>("--synthetic") { Description = "Random data instead of Fashion-MNIST, as in the original article" };
        var output = new Option<string>("--output") { Description = "Folder for the loss plot and the checkpoint", DefaultValueFactory = _ => "output" };
        var checkpoint = new Option<string?>("--checkpoint") { Description = $"Where to save the trained weights (default OUTPUT/{name}.pt)" };
        var maxSteps = new Option<long?>("--max-steps") { Description = "Stop each epoch after this many batches (quick runs)" };
        var devices = new Option<string?>("--devices") { Description = "Train with DataParallel over these devices, e.g. cuda:0,cuda:1 (or cpu,cpu)" };
        var distributed = new Option<bool>("--distributed") { Description = "One rank of a multi-process run (start it with tools/Launch); rank 0 prints and saves" };
        var resume = new Option<string?>("--resume") { Description = "Continue from a checkpoint (its optimizer state is read from PATH.optim when present)" };
        var amp = new Option<bool>("--amp") { Description = "Mixed precision: autocast to float16 with a gradient scaler on CUDA, bfloat16 on the CPU" };
        var accumulate = new Option<int>("--accumulate") { Description = "Micro-batches per optimizer step (gradient accumulation; NoSync under --distributed)", DefaultValueFactory = _ => 1 };
        accumulate.Validators.Add(result => { if (result.GetValueOrDefault<int>() < 1) result.AddError("--accumulate must be at least 1"); });
        var smoke = new Option<bool>("--smoke") { Description = "One synthetic batch of training and one of testing (CI)" };

        var command = new RootCommand(description) { epochs, batchSize, learningRate, device, seed, data, synthetic, output, checkpoint, maxSteps, devices, distributed, resume, amp, accumulate, smoke };
        foreach (var option in extraOptions) command.Options.Add(option);
        command.SetAction(result =>
        {
            var isSmoke = result.GetValue(smoke);
            var outputDirectory = result.GetValue(output)!;
            var parallelDevices = result.GetValue(devices)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Device.Parse).ToArray() ?? [];
            var mainDevice = parallelDevices.Length > 0 ? parallelDevices[0] : Device.Parse(result.GetValue(device)!);
            var options = new ExampleOptions(
                isSmoke ? 1 : result.GetValue(epochs), result.GetValue(batchSize), result.GetValue(learningRate),
                mainDevice, result.GetValue(seed), result.GetValue(data)!,
                isSmoke || result.GetValue(synthetic), result.GetValue(checkpoint) ?? Path.Combine(outputDirectory, name + ".pt"),
                isSmoke ? 1 : result.GetValue(maxSteps), outputDirectory, isSmoke, result.GetValue(resume), parallelDevices, result.GetValue(distributed),
                result.GetValue(amp), result.GetValue(accumulate)) { Parsed = result };
            return run(options);
        });
        return command;
    }
}
