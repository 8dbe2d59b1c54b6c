using System.Diagnostics;
using NeuralCore.Data;
using NeuralCore.NN;
using NeuralCore.Optim;
using NeuralCore.Tests.Support;
using NeuralCore.Training;

namespace NeuralCore.Tests;

/// <summary>
/// The library's training loop against a hand-written one (bitwise on the CPU), and its resume, cancellation, early
/// stopping, callbacks, metrics and files.
/// </summary>
[Collection(GlobalStateCollection.Name)]
public class TrainerTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("neuralcore-trainer").FullName;

    public void Dispose()
    {
        Directory.Delete(directory, recursive: true);
        GC.SuppressFinalize(this);
    }

    private static TensorDataset Data(int seed, int count)
    {
        Torch.ManualSeed((ulong)seed);
        var inputs = Tensor.Randn([count, 6]);
        var targets = inputs.Narrow(1, 0, 3).ArgMax(1);  // a learnable rule
        return new TensorDataset(inputs, targets);
    }

    // Dropout draws from the global generator, which a resume must restore.
    private static Sequential Model(int seed, double dropout = 0.2)
    {
        Torch.ManualSeed((ulong)seed);
        return new Sequential(new Linear(6, 16), new Relu(), new Dropout(dropout), new Linear(16, 3));
    }

    private static DataLoader Loader(TensorDataset data) => new(data, batchSize: 8, shuffle: true, seed: 5);

    private static void ShouldBeIdentical(Module actual, Module expected)
    {
        var a = actual.StateDict();
        var e = expected.StateDict();
        a.Keys.Should().Equal(e.Keys);
        foreach (var key in a.Keys) a[key].Equal(e[key]).Should().BeTrue($"{key} differs");
    }

    [Fact]
    public void Fit_EqualsAHandWrittenLoop_Bitwise()
    {
        using var scope = TensorScope.Begin();
        var data = Data(1, 40);
        using var expected = Model(2);
        var handOptimizer = new Sgd(expected.Parameters(), lr: 0.1, momentum: 0.9);
        var criterion = new CrossEntropyLoss();
        var handLoader = Loader(data);
        Torch.ManualSeed(3);
        for (var epoch = 0; epoch < 3; epoch++)
        {
            expected.Train();
            var batch = 0;
            foreach (var (x, y) in handLoader)
            {
                using var inner = TensorScope.Begin();
                // Two batches per optimizer step, each loss halved (the last group of 5 batches has one).
                var groupSize = batch / 2 == 2 ? 1 : 2;
                if (batch % 2 == 0) handOptimizer.ZeroGrad();
                (criterion.Forward(expected.Call(x), y) / groupSize).Backward();
                if (batch % 2 == 1 || groupSize == 1)
                {
                    NN.Utils.ClipGradNorm(expected.Parameters(), 0.5);
                    handOptimizer.Step();
                }
                batch++;
            }
        }

        using var model = Model(2);
        var trainer = new Trainer(model, new Sgd(model.Parameters(), lr: 0.1, momentum: 0.9), new CrossEntropyLoss())
        {
            AccumulateGradientBatches = 2,
            GradientClipNorm = 0.5,
        };
        Torch.ManualSeed(3);
        var result = trainer.Fit(Loader(data), epochs: 3);
        ShouldBeIdentical(model, expected);
        result.History.Should().HaveCount(3);
        trainer.GlobalStep.Should().Be(9);
        result.Cancelled.Should().BeFalse();
    }

    [Fact]
    public void Fit_WithAmp_EqualsAHandWrittenAutocastLoop_Bitwise()
    {
        using var scope = TensorScope.Begin();
        var data = Data(1, 24);
        using var expected = Model(2, dropout: 0);
        var handOptimizer = new Adam(expected.Parameters(), lr: 0.01);
        var criterion = new CrossEntropyLoss();
        foreach (var (x, y) in Loader(data))
        {
            using var inner = TensorScope.Begin();
            handOptimizer.ZeroGrad();
            Tensor loss;
            using (new NeuralCore.Amp.Autocast(DeviceType.Cpu))
                loss = criterion.Forward(expected.Call(x), y);
            loss.Backward();
            handOptimizer.Step();
        }

        using var model = Model(2, dropout: 0);
        var trainer = new Trainer(model, new Adam(model.Parameters(), lr: 0.01), new CrossEntropyLoss()) { Amp = true };
        trainer.Fit(Loader(data), epochs: 1);
        ShouldBeIdentical(model, expected);
        model.Parameters().First().DType.Should().Be(DType.Float32, "autocast computes in BFloat16 but keeps the weights");
    }

    private Trainer Make(Module model, string? checkpoint, params Callback[] callbacks)
    {
        var optimizer = new Adam(model.Parameters(), lr: 0.01);
        var trainer = new Trainer(model, optimizer, new CrossEntropyLoss()) { Metrics = { new Accuracy() }, CheckpointPath = checkpoint };
        trainer.Callbacks.Add(new LearningRateScheduler(new StepLR(optimizer, stepSize: 1, gamma: 0.7)));
        foreach (var callback in callbacks) trainer.Callbacks.Add(callback);
        return trainer;
    }

    [Fact]
    public void ResumedTraining_EqualsUninterruptedTraining()
    {
        using var scope = TensorScope.Begin();
        var (train, test) = (Data(1, 40), Data(7, 16));
        using var uninterrupted = Model(2);
        Torch.ManualSeed(3);
        var full = Make(uninterrupted, null).Fit(Loader(train), Loader(test), epochs: 4);

        var checkpoint = Path.Combine(directory, "last.ckpt");
        using (var first = Model(2))
        {
            Torch.ManualSeed(3);
            Make(first, checkpoint).Fit(Loader(train), Loader(test), epochs: 2).CheckpointPath.Should().Be(checkpoint);
        }
        Torch.ManualSeed(99);  // whatever the generator holds now, the checkpoint's state is restored
        using var resumed = Model(11);
        var rest = Make(resumed, checkpoint).Fit(Loader(train), Loader(test), epochs: 4, resumeFrom: checkpoint);

        ShouldBeIdentical(resumed, uninterrupted);
        rest.History.Select(h => h.Epoch).Should().Equal(1, 2, 3, 4);
        rest.History.Select(h => h.Metrics["val_loss"]).Should().Equal(full.History.Select(h => h.Metrics["val_loss"]));
        rest.History.Select(h => h.Metrics["lr"]).Should().Equal(full.History.Select(h => h.Metrics["lr"]));
    }

    private sealed class CancelAt(CancellationTokenSource source, int epoch, long batch) : Callback
    {
        public override void OnBatchEnd(Trainer trainer, BatchInfo info)
        {
            if (info.Epoch == epoch && info.Index == batch) source.Cancel();
        }
    }

    [Fact]
    public void CancellationMidEpoch_FinishesTheStep_WritesACheckpoint_ThatResumesExactly()
    {
        using var scope = TensorScope.Begin();
        var (train, test) = (Data(1, 40), Data(7, 16));
        using var uninterrupted = Model(2);
        Torch.ManualSeed(3);
        var full = Make(uninterrupted, null).Fit(Loader(train), Loader(test), epochs: 3);

        var checkpoint = Path.Combine(directory, "interrupted.ckpt");
        using var source = new CancellationTokenSource();
        using (var first = Model(2))
        {
            Torch.ManualSeed(3);
            var stopped = Make(first, checkpoint, new CancelAt(source, epoch: 2, batch: 2)).Fit(Loader(train), Loader(test), epochs: 3, cancellationToken: source.Token);
            stopped.Cancelled.Should().BeTrue();
            stopped.History.Should().HaveCount(1);
            stopped.CheckpointPath.Should().Be(checkpoint);
        }
        // The checkpoint is a plain PyTorch-format object.
        var saved = (System.Collections.IDictionary)IO.Serialization.LoadObject(checkpoint)!;
        saved["epoch"].Should().Be(2L);
        ((System.Collections.IDictionary)saved["progress"]!)["batches"].Should().Be(3L);

        using var resumed = Model(11);
        var rest = Make(resumed, checkpoint).Fit(Loader(train), Loader(test), epochs: 3, resumeFrom: checkpoint);
        ShouldBeIdentical(resumed, uninterrupted);
        // The interrupted epoch's training loss covers all its batches, those before the interruption included.
        rest.History.Select(h => h.Metrics["loss"]).Should().Equal(full.History.Select(h => h.Metrics["loss"]));
    }

    [SkippableFact]
    public void CheckpointLoads_InPyTorch_Live()
    {
        Skip.IfNot(File.Exists("/usr/bin/python3"), "needs /usr/bin/python3 with torch");
        using var scope = TensorScope.Begin();
        using var model = Model(2);
        var checkpoint = Path.Combine(directory, "python.ckpt");
        Make(model, checkpoint).Fit(Loader(Data(1, 16)), epochs: 1);
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("import sys, torch; c = torch.load(sys.argv[1]); m = torch.nn.Sequential(torch.nn.Linear(6, 16), torch.nn.ReLU(), " +
            "torch.nn.Dropout(0.2), torch.nn.Linear(16, 3)); m.load_state_dict(c['model']); o = torch.optim.Adam(m.parameters(), lr=0.01); " +
            "o.load_state_dict(c['optimizer']); print(c['epoch'], c['global_step'], float(m[3].weight.sum()), o.param_groups[0]['lr'])");
        start.ArgumentList.Add(checkpoint);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd().Trim().Split(' ');
        var error = process.StandardError.ReadToEnd();  // a few lines at most
        process.WaitForExit();
        process.ExitCode.Should().Be(0, error);
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        output[0].Should().Be("1");
        output[1].Should().Be("2");
        double.Parse(output[2], invariant).Should().Be(((Linear)model[3]).Weight.Sum().Item<float>());
        double.Parse(output[3], invariant).Should().Be(0.01 * 0.7);
    }

    [Fact]
    public void EarlyStopping_EndsAfterPatienceEpochsWithoutImprovement()
    {
        using var scope = TensorScope.Begin();
        using var model = Model(2, dropout: 0);
        var stopping = new EarlyStopping(monitor: "val_loss", patience: 2);
        // A zero rate: validation loss never improves after the first epoch.
        var trainer = new Trainer(model, new Sgd(model.Parameters(), lr: 0), new CrossEntropyLoss()) { Callbacks = { stopping } };
        var result = trainer.Fit(Loader(Data(1, 16)), Loader(Data(7, 8)), epochs: 10);
        result.StoppedEarly.Should().BeTrue();
        result.History.Should().HaveCount(3);
        stopping.StoppedEpoch.Should().Be(3);
        FluentActions.Invoking(() => new Trainer(model, new Sgd(model.Parameters(), lr: 0), new CrossEntropyLoss()) { Callbacks = { new EarlyStopping() } }
            .Fit(Loader(Data(1, 16)), epochs: 2)).Should().Throw<InvalidOperationException>().WithMessage("'val_loss' is not among*");
    }

    private sealed class Recorder(List<string> events) : Callback
    {
        public override void OnFitStart(Trainer trainer) => events.Add("fit start");
        public override void OnEpochStart(Trainer trainer, int epoch) => events.Add($"epoch {epoch} start");
        public override void OnBatchStart(Trainer trainer, BatchInfo batch) => events.Add($"batch {batch.Epoch}.{batch.Index} start");
        public override void OnBatchEnd(Trainer trainer, BatchInfo batch) => events.Add($"batch {batch.Epoch}.{batch.Index} end step {batch.GlobalStep}");
        public override void OnEpochEnd(Trainer trainer, EpochInfo epoch) => events.Add($"epoch {epoch.Epoch} end {string.Join(",", epoch.Metrics.Keys)}");
        public override void OnFitEnd(Trainer trainer, FitResult result) => events.Add("fit end");
    }

    [Fact]
    public void Callbacks_RunInOrder_WithTheEpochsMetrics()
    {
        using var scope = TensorScope.Begin();
        using var model = Model(2);
        var events = new List<string>();
        var trainer = new Trainer(model, new Sgd(model.Parameters(), lr: 0.1), new CrossEntropyLoss())
        {
            Metrics = { new Accuracy(), new TopKAccuracy(2) },
            Callbacks = { new Recorder(events) },
        };
        trainer.Fit(new DataLoader(Data(1, 16), batchSize: 8), new DataLoader(Data(7, 8), batchSize: 8), epochs: 2);
        events.Should().Equal(
            "fit start",
            "epoch 1 start", "batch 1.0 start", "batch 1.0 end step 1", "batch 1.1 start", "batch 1.1 end step 2",
            "epoch 1 end loss,accuracy,top2_accuracy,val_loss,val_accuracy,val_top2_accuracy,lr",
            "epoch 2 start", "batch 2.0 start", "batch 2.0 end step 3", "batch 2.1 start", "batch 2.1 end step 4",
            "epoch 2 end loss,accuracy,top2_accuracy,val_loss,val_accuracy,val_top2_accuracy,lr",
            "fit end");
    }

    [Fact]
    public void Metrics_EqualTheirDefinitions()
    {
        using var scope = TensorScope.Begin();
        var logits = Tensor.FromArray(new float[] { 2, 1, 0, 0, 3, 1, 1, 0, 2, 0.5f, 0.2f, 0.1f }, [4, 3]);
        var targets = Tensor.FromArray(new long[] { 0, 2, 2, 2 });
        var loss = new CrossEntropyLoss().Forward(logits, targets);
        var step = new StepOutput(loss, logits, targets);
        var metrics = new Metric[] { new MeanLoss(), new Accuracy(), new TopKAccuracy(2), new Perplexity(), Metric.FromFunction("max", (o, _) => o.Max().Item<float>()) };
        foreach (var metric in metrics) metric.Update(step, 4);
        metrics[0].Compute().Should().BeApproximately(loss.Item<float>(), 1e-7);
        metrics[1].Compute().Should().Be(0.5);   // rows 0 and 2 right
        metrics[2].Compute().Should().Be(0.75);  // row 3's target is its smallest output
        metrics[3].Compute().Should().BeApproximately(Math.Exp(loss.Item<float>()), 1e-6);
        metrics[4].Compute().Should().Be(3);
        metrics[1].Reset();
        double.IsNaN(metrics[1].Compute()).Should().BeTrue();
    }

    [Fact]
    public void BestCheckpoint_AndLogs_AreWritten()
    {
        using var scope = TensorScope.Begin();
        using var model = Model(2, dropout: 0);
        var best = Path.Combine(directory, "best.pt");
        var csv = Path.Combine(directory, "log.csv");
        var json = Path.Combine(directory, "log.json");
        var checkpoint = new ModelCheckpoint(best, monitor: "val_accuracy", mode: MonitorMode.Max);
        var plot = new MetricsPlot(Path.Combine(directory, "accuracy.png"), "Accuracy", "accuracy", "val_accuracy");
        var trainer = new Trainer(model, new Adam(model.Parameters(), lr: 0.05), new CrossEntropyLoss())
        {
            Metrics = { new Accuracy() },
            Callbacks = { checkpoint, new CsvLogger(csv), new JsonLogger(json), plot },
        };
        var result = trainer.Fit(Loader(Data(1, 40)), Loader(Data(7, 16)), epochs: 3);
        File.Exists(best).Should().BeTrue();
        if (plot.Problem is null) new FileInfo(Path.Combine(directory, "accuracy.png")).Length.Should().BeGreaterThan(1000);
        else plot.Problem.Should().StartWith("no plot");
        checkpoint.Best.Should().Be(result.History.Max(h => h.Metrics["val_accuracy"]));
        var lines = File.ReadAllLines(csv);
        lines[0].Should().Be("epoch,loss,accuracy,val_loss,val_accuracy,lr,seconds");
        lines.Should().HaveCount(4);
        double.Parse(lines[3].Split(',')[3], System.Globalization.CultureInfo.InvariantCulture).Should().Be(result.History[2].Metrics["val_loss"]);
        using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllText(json));
        document.RootElement.GetArrayLength().Should().Be(3);
    }
}
