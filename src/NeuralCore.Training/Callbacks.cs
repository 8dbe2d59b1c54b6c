using NeuralCore.Optim;

namespace NeuralCore.Training;

/// <summary>Where a batch is: its epoch (from 1), its position in the epoch (from 0) and, after it, its loss.</summary>
/// <param name="Count">Batches this epoch, when the loader knows (<see cref="Data.IBatchCount"/>).</param>
/// <param name="GlobalStep">Optimizer steps taken so far, this batch's included once it has run.</param>
/// <param name="Loss">The batch's loss (NaN in <see cref="Callback.OnBatchStart"/>).</param>
/// <param name="OptimizerStepped">Whether the optimizer stepped after this batch (the last of a gradient-accumulation group).</param>
public sealed record BatchInfo(int Epoch, long Index, long? Count, long GlobalStep, double Loss, long BatchSize, bool OptimizerStepped);

/// <summary>What an epoch measured: every metric by name (<c>loss</c>, <c>accuracy</c>, <c>val_loss</c>, …, and <c>lr</c>), its time and samples.</summary>
public sealed record EpochInfo(int Epoch, IReadOnlyDictionary<string, double> Metrics, TimeSpan Duration, long Samples)
{
    /// <summary>Training samples per second.</summary>
    public double SamplesPerSecond => Duration > TimeSpan.Zero ? Samples / Duration.TotalSeconds : 0;
}

/// <summary>How <see cref="Trainer.Fit"/> ended.</summary>
/// <param name="History">Every finished epoch, those before a resume included.</param>
/// <param name="Cancelled">Cancellation stopped training after a step; <paramref name="CheckpointPath"/> resumes it.</param>
/// <param name="StoppedEarly">A callback (early stopping) ended training before the last epoch.</param>
/// <param name="CheckpointPath">The last resumable checkpoint written, if any.</param>
public sealed record FitResult(IReadOnlyList<EpochInfo> History, bool Cancelled, bool StoppedEarly, string? CheckpointPath);

/// <summary>
/// Code the trainer runs at fixed points of training (Keras' and Lightning's callbacks), in the order of
/// <see cref="Trainer.Callbacks"/>: fit start, then per epoch: epoch start, per batch start and end, epoch end (after
/// validation), and fit end. A callback with state (a best value, a counter) saves it in the trainer's checkpoints
/// through <see cref="StateDict"/>.
/// </summary>
public abstract class Callback
{
    /// <summary>True for callbacks that report or write files: under DDP they run on rank 0 only.</summary>
    public virtual bool RankZeroOnly => false;

    public virtual void OnFitStart(Trainer trainer) { }
    public virtual void OnEpochStart(Trainer trainer, int epoch) { }
    public virtual void OnBatchStart(Trainer trainer, BatchInfo batch) { }
    public virtual void OnBatchEnd(Trainer trainer, BatchInfo batch) { }
    public virtual void OnEpochEnd(Trainer trainer, EpochInfo epoch) { }
    public virtual void OnFitEnd(Trainer trainer, FitResult result) { }

    /// <summary>Runs when training fails with <paramref name="exception"/>, before it propagates (to release what the callback holds).</summary>
    public virtual void OnException(Trainer trainer, Exception exception) { }

    /// <summary>State to keep in a checkpoint (numbers, strings, lists, dictionaries), or null for none.</summary>
    public virtual IReadOnlyDictionary<string, object?>? StateDict() => null;

    /// <summary>Restores what <see cref="StateDict"/> returned.</summary>
    public virtual void LoadStateDict(IReadOnlyDictionary<string, object?> state) { }

    private protected static double Number(IReadOnlyDictionary<string, object?> state, string key) =>
        state.TryGetValue(key, out var value) && value is double or long or int
            ? Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture)
            : throw new ArgumentException($"the callback state has no number '{key}'", nameof(state));

    private protected static double Monitored(EpochInfo epoch, string monitor) =>
        epoch.Metrics.TryGetValue(monitor, out var value) ? value
        : throw new InvalidOperationException($"'{monitor}' is not among this epoch's metrics ({string.Join(", ", epoch.Metrics.Keys)}); " +
            "val_ metrics need a validation loader");
}

/// <summary>Whether a monitored metric improves by going down (a loss) or up (an accuracy).</summary>
public enum MonitorMode
{
    Min,
    Max,
}

/// <summary>
/// Stops training when <c>monitor</c> has not improved by more than <c>minDelta</c> for <c>patience</c> epochs
/// (Keras' EarlyStopping). Under DDP rank 0's decision holds for every rank.
/// </summary>
public sealed class EarlyStopping(string monitor = "val_loss", int patience = 3, MonitorMode mode = MonitorMode.Min, double minDelta = 0) : Callback
{
    private double best = mode == MonitorMode.Min ? double.PositiveInfinity : double.NegativeInfinity;
    private int wait;

    public string Monitor { get; } = monitor;
    public int Patience { get; } = patience >= 0 ? patience : throw new ArgumentOutOfRangeException(nameof(patience), patience, "must be non-negative");

    /// <summary>The epoch training stopped after, or null.</summary>
    public int? StoppedEpoch { get; private set; }

    public override void OnEpochEnd(Trainer trainer, EpochInfo epoch)
    {
        var value = Monitored(epoch, Monitor);
        if (mode == MonitorMode.Min ? value < best - minDelta : value > best + minDelta)
        {
            best = value;
            wait = 0;
            return;
        }
        if (++wait < Patience) return;
        StoppedEpoch = epoch.Epoch;
        trainer.StopTraining = true;
    }

    public override IReadOnlyDictionary<string, object?> StateDict() => new Dictionary<string, object?> { ["best"] = best, ["wait"] = (long)wait };

    public override void LoadStateDict(IReadOnlyDictionary<string, object?> state) => (best, wait) = (Number(state, "best"), (int)Number(state, "wait"));
}

/// <summary>
/// Saves the model's state dict (PyTorch's format) to <c>path</c> whenever <c>monitor</c> improves, or after every
/// epoch when <c>saveBestOnly</c> is false (Keras' ModelCheckpoint). Rank 0 writes.
/// </summary>
public sealed class ModelCheckpoint(string path, string monitor = "val_loss", MonitorMode mode = MonitorMode.Min, bool saveBestOnly = true) : Callback
{
    private double best = mode == MonitorMode.Min ? double.PositiveInfinity : double.NegativeInfinity;

    public string Path { get; } = !string.IsNullOrEmpty(path) ? path : throw new ArgumentException("a checkpoint needs a path", nameof(path));

    /// <summary>The best value of the monitored metric so far.</summary>
    public double Best => best;

    public override bool RankZeroOnly => true;

    public override void OnEpochEnd(Trainer trainer, EpochInfo epoch)
    {
        var value = Monitored(epoch, monitor);
        var improved = mode == MonitorMode.Min ? value < best : value > best;
        if (improved) best = value;
        if (!improved && saveBestOnly) return;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);
        trainer.Model.Save(Path);
    }

    public override IReadOnlyDictionary<string, object?> StateDict() => new Dictionary<string, object?> { ["best"] = best };

    public override void LoadStateDict(IReadOnlyDictionary<string, object?> state) => best = Number(state, "best");
}

/// <summary>Steps a learning-rate scheduler after every epoch, or after every optimizer step (OneCycleLR, CyclicLR) with <c>perStep</c>.</summary>
public sealed class LearningRateScheduler(LRScheduler scheduler, bool perStep = false) : Callback
{
    public LRScheduler Scheduler { get; } = scheduler ?? throw new ArgumentNullException(nameof(scheduler));

    public override void OnBatchEnd(Trainer trainer, BatchInfo batch)
    {
        if (perStep && batch.OptimizerStepped) Scheduler.Step();
    }

    public override void OnEpochEnd(Trainer trainer, EpochInfo epoch)
    {
        if (!perStep) Scheduler.Step();
    }

    public override IReadOnlyDictionary<string, object?> StateDict() => Scheduler.StateDict().ToDictionary(e => e.Key, e => e.Value);

    public override void LoadStateDict(IReadOnlyDictionary<string, object?> state) => Scheduler.LoadStateDict(state);
}

/// <summary>Feeds <c>monitor</c> to a ReduceLROnPlateau after every epoch.</summary>
public sealed class PlateauScheduler(ReduceLROnPlateau scheduler, string monitor = "val_loss") : Callback
{
    public override void OnEpochEnd(Trainer trainer, EpochInfo epoch) => scheduler.Step(Monitored(epoch, monitor));

    public override IReadOnlyDictionary<string, object?> StateDict() => scheduler.StateDict().ToDictionary(e => e.Key, e => e.Value);

    public override void LoadStateDict(IReadOnlyDictionary<string, object?> state) => scheduler.LoadStateDict(state);
}

/// <summary>Writes the history, one row per epoch with every metric, to a CSV file after every epoch (Keras' CSVLogger).</summary>
public sealed class CsvLogger(string path) : Callback
{
    public override bool RankZeroOnly => true;

    public override void OnEpochEnd(Trainer trainer, EpochInfo epoch)
    {
        var keys = trainer.History.SelectMany(e => e.Metrics.Keys).Distinct().ToList();
        var lines = new List<string> { string.Join(",", new[] { "epoch" }.Concat(keys).Append("seconds")) };
        foreach (var entry in trainer.History)
            lines.Add(string.Join(",", new[] { entry.Epoch.ToString(System.Globalization.CultureInfo.InvariantCulture) }
                .Concat(keys.Select(k => entry.Metrics.TryGetValue(k, out var v) ? v.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : ""))
                .Append(entry.Duration.TotalSeconds.ToString("R", System.Globalization.CultureInfo.InvariantCulture))));
        Files.WriteAllLines(path, lines);
    }
}

/// <summary>Writes the history as a JSON array of per-epoch objects after every epoch.</summary>
public sealed class JsonLogger(string path) : Callback
{
    public override bool RankZeroOnly => true;

    public override void OnEpochEnd(Trainer trainer, EpochInfo epoch)
    {
        var entries = trainer.History.Select(e =>
        {
            var row = new Dictionary<string, object> { ["epoch"] = e.Epoch };
            foreach (var (key, value) in e.Metrics) row[key] = value;
            row["seconds"] = e.Duration.TotalSeconds;
            row["samples_per_second"] = e.SamplesPerSecond;
            return row;
        });
        Files.WriteAllText(path, System.Text.Json.JsonSerializer.Serialize(entries, new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
    }
}

internal static class Files
{
    public static void WriteAllLines(string path, IEnumerable<string> lines) => WriteAllText(path, string.Join("\n", lines) + "\n");

    // The library's atomic write (flushed, then renamed), so a reader never sees half a file.
    public static void WriteAllText(string path, string text)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        Interop.LibTorch.IOWriteFile(full, [System.Text.Encoding.UTF8.GetBytes(text)]);
    }
}
