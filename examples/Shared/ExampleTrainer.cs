using NeuralCore;
using NeuralCore.Data;
using NeuralCore.NN;
using NeuralCore.Optim;
using NeuralCore.Training;
using Spectre.Console;

namespace NeuralCore.Examples;

/// <summary>What one epoch measured, as the examples report it and bench/compare-examples.sh reads it.</summary>
public sealed record EpochResult(int Epoch, double TrainLoss, double TestLoss, double TestAccuracy, TimeSpan Duration, double SamplesPerSecond);

/// <summary>
/// The examples' use of the library's <see cref="Trainer"/>: their command-line options, their epoch line, and their
/// files (results JSON, loss plot, the model's state dict). <c>prepare</c> and <c>prepareLabels</c> reshape a batch
/// on the device (a language model flattens its targets). <c>--resume</c> takes the resumable OUTPUT/NAME.ckpt that
/// every epoch writes; Ctrl+C finishes the step, writes it and ends the run.
/// </summary>
public sealed class ExampleTrainer
{
    private readonly Module model;
    private readonly ExampleOptions options;
    private readonly string name;
    private readonly LossPlot plot;
    private readonly Trainer trainer;

    public ExampleTrainer(Module model, Loss criterion, Optimizer optimizer, ExampleOptions options, string name, string title,
        Func<Tensor, Tensor>? prepare = null, Func<Tensor, Tensor>? prepareLabels = null, LRScheduler? scheduler = null,
        Action<EpochResult>? epochEnded = null)
    {
        (this.model, this.options, this.name) = (model, options, name);
        plot = new LossPlot(Path.Combine(options.OutputDirectory, $"{name}-loss.png"), title, "cross-entropy loss");
        TrainingStep step = (network, x, y) =>
        {
            var output = network.Call(prepare is null ? x : prepare(x));
            var target = prepareLabels is null ? y : prepareLabels(y);
            return new StepOutput(criterion.Forward(output, target), output, target);
        };
        trainer = new Trainer(model, optimizer, step)
        {
            Device = options.Device,
            Amp = options.Amp,
            AccumulateGradientBatches = options.Accumulate,
            MaxBatchesPerEpoch = options.MaxSteps,
            MaxValidationBatches = options.Smoke ? 1 : null,
            CheckpointPath = Path.Combine(options.OutputDirectory, $"{name}.ckpt"),
            Metrics = { new Accuracy() },
            Callbacks = { new ProgressBar(EpochLine), plot },
        };
        if (epochEnded is not null) trainer.Callbacks.Add(new EpochHook(epochEnded));
        if (scheduler is not null) trainer.Callbacks.Add(new LearningRateScheduler(scheduler));
    }

    private static string EpochLine(Trainer trainer, EpochInfo epoch)
    {
        var result = Result(epoch);
        return $"epoch {epoch.Epoch}/{trainer.Epochs}: train loss [yellow]{result.TrainLoss:F4}[/], test loss [yellow]{result.TestLoss:F4}[/], " +
            $"test accuracy [green]{result.TestAccuracy:P2}[/], {result.Duration.TotalSeconds:F1} s ({result.SamplesPerSecond:F0} samples/s), lr {epoch.Metrics["lr"]:G3}";
    }

    private static EpochResult Result(EpochInfo epoch) => new(epoch.Epoch, epoch.Metrics["loss"], epoch.Metrics["val_loss"], epoch.Metrics["val_accuracy"],
        epoch.Duration, epoch.SamplesPerSecond);

    private sealed class EpochHook(Action<EpochResult> action) : Callback
    {
        public override void OnEpochEnd(Trainer trainer, EpochInfo epoch) => action(Result(epoch));
    }

    /// <summary>Trains for --epochs (resuming from --resume), testing after each epoch; stops cleanly on Ctrl+C.</summary>
    public IReadOnlyList<EpochResult> Fit(DataLoader train, DataLoader test)
    {
        if (options.Resume is { } resume) AnsiConsole.MarkupLine($"resuming from {Markup.Escape(resume)}");
        var result = trainer.Fit(train, test, options.Epochs, options.Resume, Trainer.CancelOnCtrlC());
        return result.History.Select(Result).ToList();
    }

    /// <summary>One line naming the model, the data, the parameter count and where training runs.</summary>
    public void Describe(string title, long trainCount, long testCount, NeuralCore.Distributed.ProcessGroup? group, string? data = null, string items = "images")
    {
        var where = group is not null ? $"rank 0 of {group.WorldSize} processes"
            : options.Devices.Count > 1 ? $"DataParallel over {string.Join(", ", options.Devices)}"
            : options.Device.ToString();
        if (options.Amp) where += options.Device.Type == DeviceType.Cuda ? ", float16 autocast with loss scaling" : ", bfloat16 autocast";
        AnsiConsole.MarkupLine($"[bold]{title}[/] on {(options.Synthetic ? "synthetic data" : Markup.Escape(data ?? "Fashion-MNIST"))}: {trainCount} training and " +
            $"{testCount} test {items}, {model.Parameters().Sum(p => p.NumberOfElements):N0} parameters, {where}, {Torch.NumThreads} threads");
    }

    /// <summary>Rank 0 (or the only process) writes the per-epoch JSON and the model's state dict, and reports them with the plot.</summary>
    public void Finish(IReadOnlyList<EpochResult> results, NeuralCore.Distributed.ProcessGroup? group, string? summary = null)
    {
        if (group is { Rank: not 0 } || results.Count == 0) return;
        SaveResults(results, Path.Combine(options.OutputDirectory, $"{name}-results.json"));
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options.Checkpoint))!);
        model.Save(options.Checkpoint);
        var drawn = plot.Problem ?? $"plot {Path.Combine(options.OutputDirectory, $"{name}-loss.png")}";
        AnsiConsole.MarkupLine((summary ?? $"final test accuracy [green]{results[^1].TestAccuracy:P2}[/]") + $"; {drawn}, checkpoint {options.Checkpoint}");
    }

    /// <summary>Writes the per-epoch results as JSON (read by bench/compare-examples.sh).</summary>
    public static void SaveResults(IReadOnlyList<EpochResult> results, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, System.Text.Json.JsonSerializer.Serialize(results.Select(r => new
        {
            framework = "neuralcore", epoch = r.Epoch, train_loss = r.TrainLoss, test_loss = r.TestLoss, test_accuracy = r.TestAccuracy,
            epoch_seconds = r.Duration.TotalSeconds, samples_per_second = r.SamplesPerSecond,
        })));
    }
}
