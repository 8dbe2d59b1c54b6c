using System.Diagnostics;
using NeuralCore;
using NeuralCore.Data;
using NeuralCore.NN;
using NeuralCore.Optim;
using Spectre.Console;

namespace NeuralCore.Examples;

/// <summary>What one epoch measured.</summary>
public sealed record EpochResult(int Epoch, double TrainLoss, double TestLoss, double TestAccuracy, TimeSpan Duration, double SamplesPerSecond);

/// <summary>
/// The training loop the examples share: progress bar, per-epoch test, loss plot, checkpoint. <c>prepare</c> and
/// <c>prepareLabels</c> reshape a batch's inputs and labels on the device (a language model flattens its targets).
/// </summary>
public sealed class Trainer(Module model, Loss criterion, Optimizer optimizer, ExampleOptions options, Func<Tensor, Tensor>? prepare = null,
    Func<Tensor, Tensor>? prepareLabels = null)
{
    private readonly List<(double Epoch, double Loss)> batchLosses = [];

    // float16 gradients underflow without loss scaling; bfloat16 (the CPU's autocast type) keeps float32's range.
    private readonly NeuralCore.Amp.GradScaler? scaler = options.Amp && options.Device.Type == DeviceType.Cuda ? new NeuralCore.Amp.GradScaler() : null;

    private NeuralCore.Amp.Autocast? Autocast() => options.Amp ? new NeuralCore.Amp.Autocast(options.Device.Type) : null;

    public LRScheduler? Scheduler { get; init; }

    /// <summary>Runs after each epoch's report (a language model prints a sample of its text).</summary>
    public Action<EpochResult>? EpochEnded { get; init; }

    public IReadOnlyList<EpochResult> Fit(DataLoader train, DataLoader test)
    {
        if (options.Resume is { } resume)
        {
            model.Load(resume);
            if (File.Exists(resume + ".optim")) optimizer.Load(resume + ".optim");
            AnsiConsole.MarkupLine($"resumed from {resume}" + (File.Exists(resume + ".optim") ? " and its optimizer state" : ""));
        }
        var results = new List<EpochResult>();
        for (var epoch = 1; epoch <= options.Epochs; epoch++)
        {
            var (trainLoss, duration, samples) = TrainEpoch(train, epoch);
            var (testLoss, accuracy) = Evaluate(test);
            var result = new EpochResult(epoch, trainLoss, testLoss, accuracy, duration, samples / duration.TotalSeconds);
            results.Add(result);
            AnsiConsole.MarkupLine(
                $"epoch {epoch}/{options.Epochs}: train loss [yellow]{trainLoss:F4}[/], test loss [yellow]{testLoss:F4}[/], " +
                $"test accuracy [green]{accuracy:P2}[/], {duration.TotalSeconds:F1} s ({result.SamplesPerSecond:F0} samples/s), lr {optimizer.LearningRate:G3}");
            EpochEnded?.Invoke(result);
            Scheduler?.Step();
        }
        return results;
    }

    private (double Loss, TimeSpan Duration, long Samples) TrainEpoch(DataLoader loader, int epoch)
    {
        model.Train();
        var batches = options.MaxSteps is { } max ? Math.Min(max, loader.Count) : loader.Count;
        double total = 0;
        long samples = 0, step = 0;
        var clock = Stopwatch.StartNew();
        void Run(Action<double, string> report)
        {
            foreach (var (inputs, labels) in loader)
            {
                if (step >= batches) break;
                using var scope = TensorScope.Begin();  // native memory is invisible to the GC: release this batch's tensors now
                var x = Prepare(inputs);
                var y = PrepareLabels(labels);
                // --accumulate N: N micro-batches per optimizer step, each loss divided by the micro-batches in its group.
                var position = step % options.Accumulate;
                var groupSize = Math.Min(options.Accumulate, batches - (step - position));
                var lastOfGroup = position == groupSize - 1;
                if (position == 0) optimizer.ZeroGrad();
                Tensor loss;
                using (Autocast())
                    loss = criterion.Forward(model.Call(x), y);
                var scaled = groupSize == 1 ? loss : loss / groupSize;
                // Under DDP only the group's last backward communicates; the others accumulate locally.
                using (lastOfGroup || model is not NeuralCore.Distributed.DistributedDataParallel ddp ? null : ddp.NoSync())
                    (scaler is null ? scaled : scaler.Scale(scaled)).Backward();
                if (lastOfGroup)
                {
                    if (scaler is null) optimizer.Step();
                    else
                    {
                        scaler.Step(optimizer);
                        scaler.Update();
                    }
                }
                var value = loss.Item<float>();
                var size = inputs.Size(0);
                total += value * size;
                samples += size;
                step++;
                batchLosses.Add((epoch - 1 + (double)step / batches, value));
                report(step, $"epoch {epoch}/{options.Epochs} loss {total / samples:F4} {samples / clock.Elapsed.TotalSeconds:F0} samples/s");
            }
        }
        if (options.Smoke || !AnsiConsole.Profile.Capabilities.Interactive) Run((_, _) => { });
        else
            AnsiConsole.Progress()
                .AutoClear(true)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .Start(context =>
                {
                    var task = context.AddTask($"epoch {epoch}/{options.Epochs}", maxValue: batches);
                    Run((done, text) =>
                    {
                        task.Value = done;
                        task.Description = text;
                    });
                });
        return (total / Math.Max(samples, 1), clock.Elapsed, samples);
    }

    private Tensor Prepare(Tensor inputs)
    {
        var x = inputs.Device == options.Device ? inputs : inputs.To(options.Device, nonBlocking: true);
        return prepare is null ? x : prepare(x);
    }

    private Tensor PrepareLabels(Tensor labels)
    {
        var y = labels.Device == options.Device ? labels : labels.To(options.Device, nonBlocking: true);
        return prepareLabels is null ? y : prepareLabels(y);
    }

    /// <summary>Mean loss and accuracy over <paramref name="loader"/>, without recording a graph.</summary>
    public (double Loss, double Accuracy) Evaluate(DataLoader loader)
    {
        model.Eval();
        double total = 0;
        long correct = 0, samples = 0, targets = 0, step = 0;
        using var noGrad = Autograd.NoGrad();
        foreach (var (inputs, labels) in loader)
        {
            if (options.Smoke && step++ >= 1) break;
            using var scope = TensorScope.Begin();
            var y = PrepareLabels(labels);
            Tensor output;
            using (Autocast())
                output = model.Call(Prepare(inputs));
            var size = inputs.Size(0);
            total += criterion.Forward(output, y).Item<float>() * size;
            correct += output.ArgMax(1).Eq(y).Sum().Item<long>();
            samples += size;
            targets += y.NumberOfElements;  // a language model predicts every position of a sample
        }
        return (total / Math.Max(samples, 1), (double)correct / Math.Max(targets, 1));
    }

    /// <summary>One line naming the model, the data, the parameter count and where training runs.</summary>
    public void Describe(string name, long trainCount, long testCount, NeuralCore.Distributed.ProcessGroup? group, string? data = null, string items = "images")
    {
        var where = group is not null ? $"rank 0 of {group.WorldSize} processes"
            : options.Devices.Count > 1 ? $"DataParallel over {string.Join(", ", options.Devices)}"
            : options.Device.ToString();
        if (options.Amp) where += options.Device.Type == DeviceType.Cuda ? ", float16 autocast with loss scaling" : ", bfloat16 autocast";
        AnsiConsole.MarkupLine($"[bold]{name}[/] on {(options.Synthetic ? "synthetic data" : Markup.Escape(data ?? "Fashion-MNIST"))}: {trainCount} training and " +
            $"{testCount} test {items}, {model.Parameters().Sum(p => p.NumberOfElements):N0} parameters, {where}, {Torch.NumThreads} threads");
    }

    /// <summary>Rank 0 (or the only process) writes the loss plot, the per-epoch JSON and the checkpoint, and reports them.</summary>
    public void Finish(IReadOnlyList<EpochResult> results, string name, string title, NeuralCore.Distributed.ProcessGroup? group, string? summary = null)
    {
        if (group is { Rank: not 0 }) return;
        // The results and the weights first: a machine that cannot draw the plot must not cost them.
        SaveResults(results, Path.Combine(options.OutputDirectory, $"{name}-results.json"));
        SaveCheckpoint(options.Checkpoint);
        var plot = Path.Combine(options.OutputDirectory, $"{name}-loss.png");
        string drawn;
        try
        {
            PlotLosses(results, plot, title);
            drawn = $"plot {plot}";
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException)
        {
            // SkiaSharp's native library (or one it needs, such as fontconfig) is missing on this machine; the
            // exception lists every path probed, so only its kind is shown.
            drawn = $"no plot (SkiaSharp's native library did not load: {e.GetBaseException().GetType().Name})";
        }
        AnsiConsole.MarkupLine((summary ?? $"final test accuracy [green]{results[^1].TestAccuracy:P2}[/]") + $"; {drawn}, checkpoint {options.Checkpoint}");
    }

    /// <summary>Saves the model (PyTorch's state-dict format) and, beside it, the optimizer state for --resume.</summary>
    public void SaveCheckpoint(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        model.Save(path);
        optimizer.Save(path + ".optim");
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

    /// <summary>Writes the training loss (per batch, smoothed) and the test loss (per epoch) as a PNG.</summary>
    public void PlotLosses(IReadOnlyList<EpochResult> results, string path, string title)
    {
        var plot = new ScottPlot.Plot();
        var window = Math.Max(1, batchLosses.Count / 100);
        var smoothed = new (double Epoch, double Loss)[batchLosses.Count];
        double running = 0;
        for (var i = 0; i < batchLosses.Count; i++)
        {
            running += batchLosses[i].Loss;
            if (i >= window) running -= batchLosses[i - window].Loss;
            smoothed[i] = (batchLosses[i].Epoch, running / Math.Min(window, i + 1));
        }
        var train = plot.Add.ScatterLine(smoothed.Select(p => p.Epoch).ToArray(), smoothed.Select(p => p.Loss).ToArray());
        train.LegendText = "training loss (batches, smoothed)";
        var test = plot.Add.Scatter(results.Select(r => (double)r.Epoch).ToArray(), results.Select(r => r.TestLoss).ToArray());
        test.LegendText = "test loss";
        test.MarkerSize = 8;
        plot.Title(title);
        plot.XLabel("epoch");
        plot.YLabel("cross-entropy loss");
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.SavePng(path, 900, 500);
    }
}
