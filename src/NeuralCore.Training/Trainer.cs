using System.Collections;
using System.Diagnostics;
using System.Globalization;
using NeuralCore.Amp;
using NeuralCore.Data;
using NeuralCore.Distributed;
using NeuralCore.IO;
using NeuralCore.NN;
using NeuralCore.Optim;

namespace NeuralCore.Training;

/// <summary>
/// The training loop as a library (Keras' <c>fit</c>, PyTorch Lightning's Trainer): each epoch trains on every batch
/// (forward through <see cref="TrainingStep"/>, backward, optimizer step, with gradient accumulation, clipping and
/// AMP), then evaluates on the validation loader, reports <see cref="Metrics"/>, runs the <see cref="Callbacks"/> and
/// writes a resumable checkpoint. The model may be wrapped in DataParallel or DistributedDataParallel; under DDP only
/// rank 0 reports and writes.
/// </summary>
/// <example>
/// <code>
/// var trainer = new Trainer(model, new Adam(model.Parameters(), lr: 1e-3), new CrossEntropyLoss())
/// {
///     Metrics = { new Accuracy() },
///     Callbacks = { new ProgressBar(), new EarlyStopping(patience: 2) },
///     CheckpointPath = "output/last.ckpt",
/// };
/// var result = trainer.Fit(trainLoader, testLoader, epochs: 10, cancellationToken: Trainer.CancelOnCtrlC());
/// </code>
/// </example>
public sealed class Trainer
{
    private readonly List<EpochInfo> history = [];
    private GradScaler? scaler;
    private Device? device;

    /// <summary>A trainer whose step is <c>criterion(model(x), y)</c> (<see cref="Steps.Classification"/>).</summary>
    public Trainer(Module model, Optimizer optimizer, Loss criterion) : this(model, optimizer, Steps.Classification(criterion)) { }

    /// <summary>A trainer with its own step: the forward from a batch to the loss, e.g. <see cref="Steps.LanguageModel"/>.</summary>
    public Trainer(Module model, Optimizer optimizer, TrainingStep trainingStep)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        Optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        TrainingStep = trainingStep ?? throw new ArgumentNullException(nameof(trainingStep));
    }

    public Module Model { get; }
    public Optimizer Optimizer { get; }
    public TrainingStep TrainingStep { get; }

    /// <summary>The step validation runs (outside autograd); <see cref="TrainingStep"/> when null.</summary>
    public TrainingStep? EvaluationStep { get; init; }

    /// <summary>Metrics beyond the loss (always reported as <c>loss</c> and <c>val_loss</c>), e.g. <see cref="Accuracy"/>.</summary>
    public IList<Metric> Metrics { get; } = new List<Metric>();

    /// <summary>Callbacks, run in this order.</summary>
    public IList<Callback> Callbacks { get; } = new List<Callback>();

    /// <summary>Where batches go; by default the device of the model's first parameter.</summary>
    public Device Device
    {
        get => device ??= Model.Parameters().FirstOrDefault()?.Device ?? Device.Cpu;
        init => device = value;
    }

    /// <summary>Clip the gradients' joint 2-norm to this before each optimizer step (clip_grad_norm_).</summary>
    public double? GradientClipNorm { get; init; }

    /// <summary>Clip every gradient element to ±this before each optimizer step (clip_grad_value_).</summary>
    public double? GradientClipValue { get; init; }

    /// <summary>Batches whose gradients add up before one optimizer step; each loss is divided by its group's size. Under DDP only each group's last backward communicates.</summary>
    public int AccumulateGradientBatches { get; init; } = 1;

    /// <summary>Mixed precision: autocast on the device (Float16 with loss scaling on CUDA, BFloat16 on the CPU).</summary>
    public bool Amp { get; init; }

    /// <summary>Stop each training epoch after this many batches (quick runs).</summary>
    public long? MaxBatchesPerEpoch { get; init; }

    /// <summary>Evaluate on at most this many validation batches.</summary>
    public long? MaxValidationBatches { get; init; }

    /// <summary>
    /// Where the resumable checkpoint (model, optimizer, scaler, callbacks, generator state, history, position) is
    /// written after every epoch and on cancellation; null writes one only on cancellation, as <c>interrupted.ckpt</c>.
    /// </summary>
    public string? CheckpointPath { get; init; }

    /// <summary>The DDP group; by default that of a <see cref="DistributedDataParallel"/> model.</summary>
    public ProcessGroup? ProcessGroup
    {
        get => group ?? (Model as DistributedDataParallel)?.ProcessGroup;
        init => group = value;
    }

    private readonly ProcessGroup? group;

    /// <summary>True where this process reports and writes files: everywhere but DDP ranks other than 0.</summary>
    public bool IsReporting => ProcessGroup is not { Rank: not 0 };

    /// <summary>Set by a callback to end training after this epoch (early stopping).</summary>
    public bool StopTraining { get; set; }

    /// <summary>The epoch running (from 1).</summary>
    public int Epoch { get; private set; }

    /// <summary>The epochs <see cref="Fit"/> was asked for.</summary>
    public int Epochs { get; private set; }

    /// <summary>Optimizer steps taken.</summary>
    public long GlobalStep { get; private set; }

    /// <summary>The finished epochs.</summary>
    public IReadOnlyList<EpochInfo> History => history;

    /// <summary>
    /// Trains for <paramref name="epochs"/> epochs (counting those before a resume), validating after each when
    /// <paramref name="validation"/> is given. Cancelling <paramref name="cancellationToken"/> lets the current
    /// optimizer step finish, writes a resumable checkpoint and returns.
    /// </summary>
    /// <param name="resumeFrom">A checkpoint this trainer wrote: training continues where it stopped, as if never interrupted.</param>
    public FitResult Fit(IEnumerable<(Tensor Input, Tensor Target)> train, IEnumerable<(Tensor Input, Tensor Target)>? validation = null, int epochs = 1,
        string? resumeFrom = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentOutOfRangeException.ThrowIfLessThan(epochs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(AccumulateGradientBatches, 1, nameof(AccumulateGradientBatches));
        Epochs = epochs;
        StopTraining = false;
        scaler ??= Amp && Device.Type == DeviceType.Cuda ? new GradScaler() : null;
        history.Clear();
        GlobalStep = 0;
        var (start, progress) = resumeFrom is null ? (1, null) : LoadCheckpoint(resumeFrom);
        Run(c => c.OnFitStart(this));
        var cancelled = false;
        string? written = null;
        try
        {
            for (var epoch = start; epoch <= epochs && !StopTraining; epoch++)
            {
                Epoch = epoch;
                var info = TrainEpoch(train, epoch, progress, cancellationToken, ref written);
                progress = null;
                if (info is null)
                {
                    cancelled = true;
                    break;
                }
                var metrics = new Dictionary<string, double>(info.Metrics);
                if (validation is not null)
                {
                    if (validation is IEpochOrdered ordered) ordered.Epoch = epoch - 1;
                    foreach (var (name, value) in Evaluate(validation)) metrics["val_" + name] = value;
                }
                metrics["lr"] = Optimizer.LearningRate;
                info = info with { Metrics = metrics };
                history.Add(info);
                Run(c => c.OnEpochEnd(this, info));
                AgreeOnStop();
                if (CheckpointPath is not null) written = SaveCheckpoint(CheckpointPath, epoch, null);
            }
        }
        catch (Exception e)
        {
            Run(c => c.OnException(this, e));
            throw;
        }
        var result = new FitResult(history.ToList(), cancelled, StopTraining && !cancelled, written);
        Run(c => c.OnFitEnd(this, result));
        return result;
    }

    /// <summary>The loss and metrics over <paramref name="loader"/> (evaluation mode, no graph), by name without the val_ prefix.</summary>
    public IReadOnlyDictionary<string, double> Evaluate(IEnumerable<(Tensor Input, Tensor Target)> loader)
    {
        ArgumentNullException.ThrowIfNull(loader);
        Model.Eval();
        var metrics = AllMetrics();
        foreach (var metric in metrics) metric.Reset();
        var step = EvaluationStep ?? TrainingStep;
        long index = 0;
        using (Autograd.NoGrad())
            foreach (var (inputs, targets) in loader)
            {
                if (MaxValidationBatches is { } max && index++ >= max) break;
                using var scope = TensorScope.Begin();
                StepOutput output;
                using (Autocast())
                    output = step(Model, ToDevice(inputs), ToDevice(targets));
                var batchSize = inputs.Size(0);
                lossMetric.Add(output.Loss.Item<double>() * batchSize, batchSize);
                foreach (var metric in Metrics) metric.Update(output, batchSize);
            }
        return metrics.ToDictionary(m => m.Name, m => m.Compute());
    }

    private List<Metric> AllMetrics() => [lossMetric, .. Metrics];

    private readonly MeanLoss lossMetric = new();

    // One epoch of training; null when cancelled (after writing the checkpoint).
    private EpochInfo? TrainEpoch(IEnumerable<(Tensor Input, Tensor Target)> loader, int epoch, EpochProgress? resumed, CancellationToken cancellation, ref string? written)
    {
        Model.Train();
        var metrics = AllMetrics();
        foreach (var metric in metrics) metric.Reset();
        // The epoch's order, whatever the loader enumerated before: a resumed run sees the uninterrupted run's batches.
        if (loader is IEpochOrdered ordered) ordered.Epoch = epoch - 1;
        var known = loader is IBatchCount counted ? counted.BatchCount : null;
        var count = MaxBatchesPerEpoch is { } max ? Math.Min(max, known ?? max) : known;
        long index = 0, samples = 0;
        var skip = 0L;
        var elapsed = TimeSpan.Zero;
        if (resumed is not null)
        {
            (skip, samples, elapsed) = (resumed.Batches, resumed.Samples, resumed.Elapsed);
            foreach (var metric in metrics)
                if (resumed.Metrics.TryGetValue(metric.Name, out var state)) metric.State = state;
        }
        Run(c => c.OnEpochStart(this, epoch));
        var clock = Stopwatch.StartNew();
        var accumulate = AccumulateGradientBatches;
        foreach (var (inputs, targets) in loader)
        {
            if (count is { } total && index >= total) break;
            if (index < skip)
            {
                index++;
                continue;
            }
            var position = index % accumulate;
            var groupSize = count is { } all ? Math.Min(accumulate, all - (index - position)) : accumulate;
            var last = position == groupSize - 1;
            var batchSize = inputs.Size(0);
            var before = new BatchInfo(epoch, index, count, GlobalStep, double.NaN, batchSize, false);
            Run(c => c.OnBatchStart(this, before));
            double loss;
            using (var scope = TensorScope.Begin())
            {
                var x = ToDevice(inputs);
                var y = ToDevice(targets);
                if (position == 0) Optimizer.ZeroGrad();
                StepOutput output;
                using (Autocast())
                    output = TrainingStep(Model, x, y);
                var scaled = groupSize == 1 ? output.Loss : output.Loss / groupSize;
                using (last || Model is not DistributedDataParallel ddp ? null : ddp.NoSync())
                    (scaler is null ? scaled : scaler.Scale(scaled)).Backward();
                if (last)
                {
                    OptimizerStep();
                    GlobalStep++;
                }
                // The loss crosses to .NET once per batch (a device sync on CUDA): for the mean and for the callbacks.
                loss = output.Loss.Item<double>();
                lossMetric.Add(loss * batchSize, batchSize);
                foreach (var metric in Metrics) metric.Update(output, batchSize);
            }
            samples += batchSize;
            index++;
            var after = before with { GlobalStep = GlobalStep, Loss = loss, OptimizerStepped = last };
            Run(c => c.OnBatchEnd(this, after));
            if (last && CancelRequested(cancellation))
            {
                var progress = new EpochProgress(index, samples, elapsed + clock.Elapsed, metrics.ToDictionary(m => m.Name, m => m.State));
                written = SaveCheckpoint(CheckpointPath ?? "interrupted.ckpt", epoch, progress);
                return null;
            }
        }
        return new EpochInfo(epoch, metrics.ToDictionary(m => m.Name, m => m.Compute()), elapsed + clock.Elapsed, samples);
    }

    private void OptimizerStep()
    {
        if (scaler is not null && (GradientClipNorm is not null || GradientClipValue is not null)) scaler.Unscale(Optimizer);
        if (GradientClipNorm is { } norm) NN.Utils.ClipGradNorm(Model.Parameters(), norm);
        if (GradientClipValue is { } value) NN.Utils.ClipGradValue(Model.Parameters(), value);
        if (scaler is null)
        {
            Optimizer.Step();
            return;
        }
        scaler.Step(Optimizer);
        scaler.Update();
    }

    private Autocast? Autocast() => Amp ? new Autocast(Device.Type) : null;

    private Tensor ToDevice(Tensor tensor) => tensor.Device == Device ? tensor : tensor.To(Device, nonBlocking: true);

    private void Run(Action<Callback> action)
    {
        foreach (var callback in Callbacks)
            if (!callback.RankZeroOnly || IsReporting) action(callback);
    }

    // Under DDP a Ctrl+C reaches the ranks at different steps: they stop together after the first step any rank saw it
    // (a one-element all-reduce per step, only when a token was given).
    private bool CancelRequested(CancellationToken cancellation) =>
        cancellation.CanBeCanceled && Agree(cancellation.IsCancellationRequested, (ranks, flag) => ranks.AllReduce(flag, ReduceOp.Max));

    // Under DDP every rank must stop together: rank 0's decision holds.
    private void AgreeOnStop() => StopTraining = Agree(StopTraining, (ranks, flag) => ranks.Broadcast(flag, root: 0));

    // One flag through a collective, on the trainer's device (NCCL needs it on the GPU); alone, the flag itself.
    private bool Agree(bool value, Action<ProcessGroup, Tensor> collective)
    {
        if (ProcessGroup is not { WorldSize: > 1 } ranks) return value;
        using var flag = Tensor.Full([1], value ? 1.0 : 0.0, device: Device);
        collective(ranks, flag);
        return flag.Item<float>() != 0;
    }

    /// <summary>
    /// A token that the first Ctrl+C cancels (instead of ending the process), so that <see cref="Fit"/> finishes its
    /// step, writes a checkpoint and returns; a second Ctrl+C ends the process as usual.
    /// </summary>
    public static CancellationToken CancelOnCtrlC()
    {
        var source = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            if (source.IsCancellationRequested) return;
            e.Cancel = true;
            source.Cancel();
        };
        return source.Token;
    }

    // ---- checkpoints ----

    private sealed record EpochProgress(long Batches, long Samples, TimeSpan Elapsed, IReadOnlyDictionary<string, (double Sum, double Weight)> Metrics);

    /// <summary>
    /// Writes a resumable checkpoint now (rank 0 only), as <see cref="Fit"/> does after each epoch: the model and
    /// optimizer state dicts in PyTorch's format, the scaler, every callback's state, the generator state, the history
    /// and the position. <c>torch.load</c> reads it. Returns the path, or null on other ranks.
    /// </summary>
    public string? SaveCheckpoint(string path) => SaveCheckpoint(path, Epoch, null);

    private string? SaveCheckpoint(string path, int epoch, EpochProgress? progress)
    {
        if (!IsReporting) return null;
        // Every tensor in it is a detached alias or a copy made for it: all are disposed once written.
        var checkpoint = new OrderedDictionary<string, object?> { ["epoch"] = (long)epoch, ["global_step"] = GlobalStep, ["model"] = Model.StateDict() };
        try
        {
            checkpoint["optimizer"] = Optimizer.StateDict();
            checkpoint["scaler"] = scaler?.StateDict();
            var callbacks = new OrderedDictionary<string, object?>();
            for (var i = 0; i < Callbacks.Count; i++)
                if (Callbacks[i].StateDict() is { } state) callbacks[CallbackKey(i)] = state.ToDictionary(e => e.Key, e => e.Value);
            checkpoint["callbacks"] = callbacks;
            checkpoint["rng_state"] = Torch.GetRngState();
            checkpoint["history"] = history.Select(h => (object?)new OrderedDictionary<string, object?>
            {
                ["epoch"] = (long)h.Epoch,
                ["seconds"] = h.Duration.TotalSeconds,
                ["samples"] = h.Samples,
                ["metrics"] = h.Metrics.ToDictionary(m => m.Key, m => (object?)m.Value),
            }).ToList();
            checkpoint["progress"] = progress is null ? null : new OrderedDictionary<string, object?>
            {
                ["batches"] = progress.Batches,
                ["samples"] = progress.Samples,
                ["seconds"] = progress.Elapsed.TotalSeconds,
                ["metrics"] = progress.Metrics.ToDictionary(m => m.Key, m => (object?)new List<object?> { m.Value.Sum, m.Value.Weight }),
            };
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            Serialization.SaveObject(checkpoint, path);
            return path;
        }
        finally
        {
            DisposeTensors(checkpoint);
        }
    }

    private string CallbackKey(int index) => $"{index}:{Callbacks[index].GetType().Name}";

    // Restores everything SaveCheckpoint wrote; returns the epoch to run and, after a cancellation, where in it to go on.
    private (int Epoch, EpochProgress? Progress) LoadCheckpoint(string path)
    {
        var loaded = Serialization.LoadObject(path);
        try
        {
            var checkpoint = AsDictionary(loaded, "the checkpoint");
            var model = AsDictionary(Entry(checkpoint, "model"), "model").ToDictionary(e => e.Key, e => e.Value as Tensor ?? throw Bad($"model.{e.Key} is not a tensor"));
            Model.LoadStateDict(model);
            Optimizer.LoadStateDict(Entry(checkpoint, "optimizer")!);
            if (scaler is not null && Entry(checkpoint, "scaler") is { } scalerState) scaler.LoadStateDict(AsDictionary(scalerState, "scaler"));
            var callbacks = AsDictionary(Entry(checkpoint, "callbacks"), "callbacks");
            for (var i = 0; i < Callbacks.Count; i++)
                if (callbacks.TryGetValue(CallbackKey(i), out var state)) Callbacks[i].LoadStateDict(AsDictionary(state, CallbackKey(i)));
            Torch.SetRngState(Entry(checkpoint, "rng_state") as Tensor ?? throw Bad("rng_state is not a tensor"));
            GlobalStep = Integer(Entry(checkpoint, "global_step"), "global_step");
            foreach (var item in (IList)Entry(checkpoint, "history")!)
            {
                var entry = AsDictionary(item, "history");
                history.Add(new EpochInfo((int)Integer(Entry(entry, "epoch"), "epoch"),
                    AsDictionary(Entry(entry, "metrics"), "metrics").ToDictionary(m => m.Key, m => Real(m.Value, m.Key)),
                    TimeSpan.FromSeconds(Real(Entry(entry, "seconds"), "seconds")), Integer(Entry(entry, "samples"), "samples")));
            }
            var epoch = (int)Integer(Entry(checkpoint, "epoch"), "epoch");
            if (Entry(checkpoint, "progress") is not { } saved) return (epoch + 1, null);
            var progress = AsDictionary(saved, "progress");
            var metrics = AsDictionary(Entry(progress, "metrics"), "progress.metrics").ToDictionary(m => m.Key, m =>
            {
                var pair = m.Value as IList ?? throw Bad($"progress.metrics.{m.Key} is not a pair");
                return (Real(pair[0], m.Key), Real(pair[1], m.Key));
            });
            return (epoch, new EpochProgress(Integer(Entry(progress, "batches"), "batches"), Integer(Entry(progress, "samples"), "samples"),
                TimeSpan.FromSeconds(Real(Entry(progress, "seconds"), "seconds")), metrics));
        }
        catch (Exception e) when (e is InvalidCastException or KeyNotFoundException or ArgumentException)
        {
            throw new InvalidDataException($"{path} is not a checkpoint this trainer can resume from: {e.Message}", e);
        }
        finally
        {
            DisposeTensors(loaded);
        }
    }

    private static InvalidDataException Bad(string message) => new(message);

    private static object? Entry(IReadOnlyDictionary<string, object?> dictionary, string key) =>
        dictionary.TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"'{key}' is missing");

    private static Dictionary<string, object?> AsDictionary(object? value, string what)
    {
        if (value is not IDictionary dictionary) throw Bad($"{what} is not a dictionary");
        var result = new Dictionary<string, object?>();
        foreach (DictionaryEntry entry in dictionary) result[entry.Key as string ?? throw Bad($"{what} has a key that is not a string")] = entry.Value;
        return result;
    }

    private static long Integer(object? value, string what) => value is long or int ? Convert.ToInt64(value, CultureInfo.InvariantCulture) : throw Bad($"{what} is not an integer");

    private static double Real(object? value, string what) => value is double or long or int ? Convert.ToDouble(value, CultureInfo.InvariantCulture) : throw Bad($"{what} is not a number");

    private static void DisposeTensors(object? value)
    {
        switch (value)
        {
            case Tensor tensor:
                tensor.Dispose();
                break;
            case IDictionary dictionary:
                foreach (DictionaryEntry entry in dictionary) DisposeTensors(entry.Value);
                break;
            case IEnumerable items and not string:
                foreach (var item in items) DisposeTensors(item);
                break;
        }
    }
}
