using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace NeuralCore.Training;

/// <summary>
/// A Spectre.Console progress bar per epoch (running loss and samples per second) on an interactive terminal, and
/// one summary line per epoch everywhere (a log, CI). Rank 0 reports.
/// </summary>
/// <param name="format">The summary line; the default lists every metric, the time, the throughput and the rate.</param>
public sealed class ProgressBar(Func<Trainer, EpochInfo, string>? format = null) : Callback
{
    private readonly Stopwatch clock = new();
    private Thread? renderer;
    private ProgressTask? task;
    private ManualResetEventSlim? finished;
    private double lossSum;
    private long samples;

    public override bool RankZeroOnly => true;

    public override void OnEpochStart(Trainer trainer, int epoch)
    {
        (lossSum, samples) = (0, 0);
        clock.Restart();
        if (!AnsiConsole.Profile.Capabilities.Interactive) return;
        // Spectre draws from inside a call that returns when the bar is done: it runs on its own thread while training
        // updates the task (whose setters are thread-safe).
        using var started = new ManualResetEventSlim();
        var done = finished = new ManualResetEventSlim();
        renderer = new Thread(() => AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                task = context.AddTask($"epoch {epoch}/{trainer.Epochs}", maxValue: 1);
                started.Set();
                done.Wait();
            }))
        { IsBackground = true, Name = "progress bar" };
        renderer.Start();
        started.Wait();
    }

    public override void OnBatchEnd(Trainer trainer, BatchInfo batch)
    {
        lossSum += batch.Loss * batch.BatchSize;
        samples += batch.BatchSize;
        if (task is null) return;
        if (batch.Count is { } count)
        {
            task.MaxValue = count;
            task.Value = batch.Index + 1;
        }
        else task.IsIndeterminate = true;
        task.Description = $"epoch {batch.Epoch}/{trainer.Epochs} loss {lossSum / samples:F4} {samples / clock.Elapsed.TotalSeconds:F0} samples/s";
    }

    public override void OnEpochEnd(Trainer trainer, EpochInfo epoch)
    {
        StopRenderer();
        AnsiConsole.MarkupLine(format is null ? DefaultLine(trainer, epoch) : format(trainer, epoch));
    }

    public override void OnFitEnd(Trainer trainer, FitResult result)
    {
        StopRenderer();
        if (result.Cancelled) AnsiConsole.MarkupLine($"stopped; resume with the checkpoint {Markup.Escape(result.CheckpointPath ?? "")}");
        else if (result.StoppedEarly) AnsiConsole.MarkupLine($"stopped early after epoch {result.History[^1].Epoch}");
    }

    public override void OnException(Trainer trainer, Exception exception) => StopRenderer();

    private void StopRenderer()
    {
        finished?.Set();
        renderer?.Join();
        finished?.Dispose();
        (renderer, task, finished) = (null, null, null);
    }

    /// <summary>"epoch 2/10: loss 0.4123, accuracy 85.12%, val_loss 0.4400, …, 12.3 s (4878 samples/s), lr 0.001".</summary>
    public static string DefaultLine(Trainer trainer, EpochInfo epoch)
    {
        var metrics = epoch.Metrics.Where(m => m.Key != "lr").Select(m => $"{m.Key} [yellow]{Show(m.Key, m.Value)}[/]");
        return $"epoch {epoch.Epoch}/{trainer.Epochs}: {string.Join(", ", metrics)}, {epoch.Duration.TotalSeconds:F1} s " +
            $"({epoch.SamplesPerSecond:F0} samples/s), lr {epoch.Metrics.GetValueOrDefault("lr"):G3}";
    }

    private static string Show(string name, double value) =>
        name.Contains("accuracy", StringComparison.Ordinal) ? value.ToString("P2", CultureInfo.InvariantCulture) : value.ToString("F4", CultureInfo.InvariantCulture);
}

/// <summary>
/// Draws the training loss per batch (smoothed over a hundredth of the batches) and each epoch's validation loss to a
/// PNG after every epoch (ScottPlot). Rank 0 draws. A machine without SkiaSharp's native library gets no plot and a
/// note in <see cref="Problem"/>, not a failed run.
/// </summary>
public sealed class LossPlot(string path, string title = "Training", string yLabel = "loss") : Callback
{
    private readonly List<(double Epoch, double Loss)> batches = [];

    public override bool RankZeroOnly => true;

    /// <summary>Why the last plot could not be drawn, or null.</summary>
    public string? Problem { get; private set; }

    public override void OnBatchEnd(Trainer trainer, BatchInfo batch) =>
        batches.Add((batch.Epoch - 1 + (batch.Index + 1) / (double)(batch.Count ?? batch.Index + 1), batch.Loss));

    public override void OnEpochEnd(Trainer trainer, EpochInfo epoch) => Problem = Png.Save(path, () => Draw(trainer.History));

    public override IReadOnlyDictionary<string, object?> StateDict() => new Dictionary<string, object?>
    {
        ["epochs"] = batches.Select(b => (object?)b.Epoch).ToList(),
        ["losses"] = batches.Select(b => (object?)b.Loss).ToList(),
    };

    public override void LoadStateDict(IReadOnlyDictionary<string, object?> state)
    {
        batches.Clear();
        if (state.TryGetValue("epochs", out var e) && e is System.Collections.IList epochs && state.TryGetValue("losses", out var l) && l is System.Collections.IList losses)
            for (var i = 0; i < Math.Min(epochs.Count, losses.Count); i++)
                batches.Add((Convert.ToDouble(epochs[i], CultureInfo.InvariantCulture), Convert.ToDouble(losses[i], CultureInfo.InvariantCulture)));
    }

    private ScottPlot.Plot Draw(IReadOnlyList<EpochInfo> history)
    {
        var plot = new ScottPlot.Plot();
        var window = Math.Max(1, batches.Count / 100);
        var smoothed = new (double Epoch, double Loss)[batches.Count];
        double running = 0;
        for (var i = 0; i < batches.Count; i++)
        {
            running += batches[i].Loss;
            if (i >= window) running -= batches[i - window].Loss;
            smoothed[i] = (batches[i].Epoch, running / Math.Min(window, i + 1));
        }
        var train = plot.Add.ScatterLine(smoothed.Select(p => p.Epoch).ToArray(), smoothed.Select(p => p.Loss).ToArray());
        train.LegendText = "training loss (batches, smoothed)";
        var validated = history.Where(h => h.Metrics.ContainsKey("val_loss")).ToList();
        if (validated.Count > 0)
        {
            var test = plot.Add.Scatter(validated.Select(h => (double)h.Epoch).ToArray(), validated.Select(h => h.Metrics["val_loss"]).ToArray());
            test.LegendText = "validation loss";
            test.MarkerSize = 8;
        }
        plot.Title(title);
        plot.XLabel("epoch");
        plot.YLabel(yLabel);
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        return plot;
    }
}

/// <summary>
/// Draws the named metrics per epoch (e.g. <c>accuracy</c> and <c>val_accuracy</c>) to a PNG after every epoch
/// (ScottPlot). Rank 0 draws; without SkiaSharp's native library <see cref="Problem"/> says so instead.
/// </summary>
public sealed class MetricsPlot(string path, string title, params string[] metrics) : Callback
{
    public override bool RankZeroOnly => true;

    /// <summary>Why the last plot could not be drawn, or null.</summary>
    public string? Problem { get; private set; }

    public override void OnEpochEnd(Trainer trainer, EpochInfo epoch) => Problem = Png.Save(path, () =>
    {
        var plot = new ScottPlot.Plot();
        foreach (var metric in metrics)
        {
            var points = trainer.History.Where(h => h.Metrics.ContainsKey(metric)).ToList();
            var series = plot.Add.Scatter(points.Select(h => (double)h.Epoch).ToArray(), points.Select(h => h.Metrics[metric]).ToArray());
            series.LegendText = metric;
        }
        plot.Title(title);
        plot.XLabel("epoch");
        plot.ShowLegend(ScottPlot.Alignment.LowerRight);
        return plot;
    });
}

internal static class Png
{
    /// <summary>Draws and writes a 900×500 PNG; returns why it could not (SkiaSharp's native library missing), or null.</summary>
    public static string? Save(string path, Func<ScottPlot.Plot> draw)
    {
        try
        {
            var plot = draw();
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            plot.SavePng(path, 900, 500);
            return null;
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException)
        {
            return $"no plot (SkiaSharp's native library did not load: {e.GetBaseException().GetType().Name})";
        }
    }
}
