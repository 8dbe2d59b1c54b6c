// One rank of a multi-process test (tests/NeuralCore.Tests/Distributed): joins the group from the torchrun
// environment variables, runs a scenario, prints one JSON line and exits 0, or prints the error and exits 3.
using System.Text.Json;
using NeuralCore;
using NeuralCore.Distributed;

var scenario = args[0];
var timeout = TimeSpan.FromSeconds(double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture));
var rank = int.Parse(Environment.GetEnvironmentVariable("RANK")!, System.Globalization.CultureInfo.InvariantCulture);
if (scenario == "dead-rank" && rank == 1) return 0;  // never arrives
try
{
    // NEURALCORE_TEST_BACKEND=nccl runs the same scenarios on CUDA tensors, one device per rank.
    var backend = Environment.GetEnvironmentVariable("NEURALCORE_TEST_BACKEND") ?? "gloo";
    var device = backend == "nccl" ? Device.Cuda(rank) : Device.Cpu;
    if (backend == "nccl") Cuda.SetDevice(rank);
    using var group = ProcessGroup.Init(backend: backend, timeout: timeout);
    var results = new Dictionary<string, object>();
    switch (scenario)
    {
        case "collectives":
            foreach (var op in Enum.GetValues<ReduceOp>())
            {
                using var t = (Tensor.Ones(3) * (group.Rank + 1)).To(device);
                group.AllReduce(t, op);
                results[op.ToString()] = t.Cpu().ToArray<float>();
            }
            using (var b = Tensor.Full([2], group.Rank * 1.0).To(device))
            {
                group.Broadcast(b, root: group.WorldSize - 1);
                results["broadcast"] = b.Cpu().ToArray<double>();
            }
            using (var input = Tensor.Full([2], group.Rank).To(device))
                results["all_gather"] = group.AllGather(input).Select(g => g.Cpu().ToArray<long>()[0]).ToArray();
            var blocks = Enumerable.Range(0, group.WorldSize).Select(i => Tensor.Full([2], group.Rank * 10.0 + i).To(device)).ToArray();
            using (var output = Tensor.Zeros([2], DType.Float64, device))
            {
                group.ReduceScatter(blocks, output);
                results["reduce_scatter"] = output.Cpu().ToArray<double>();
            }
            group.Barrier();
            break;
        case "ddp":
        {
            // Every rank starts from different weights; DDP must make them rank 0's.
            Torch.ManualSeed((ulong)group.Rank);
            // A tiny bucket cap makes several buckets; the default makes one.
            using var model = new DistributedDataParallel(DdpModel.Create().To(device), group, bucketCapMegabytes: args.Length > 2 ? double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 25);
            using var optimizer = new NeuralCore.Optim.Sgd(model.Parameters(), lr: 0.1, momentum: 0.9);
            var (hostBatch, hostLabels) = DdpModel.Data(group.WorldSize);
            using var batch = hostBatch.To(device);
            using var labels = hostLabels.To(device);
            for (var step = 0; step < 10; step++)
            {
                using var scope = TensorScope.Begin();
                if (step == 5) group.Barrier();
                var share = batch.Narrow(0, (long)group.Rank * DdpModel.PerRank, DdpModel.PerRank);
                var target = labels.Narrow(0, (long)group.Rank * DdpModel.PerRank, DdpModel.PerRank);
                optimizer.ZeroGrad();
                new NeuralCore.NN.CrossEntropyLoss().Forward(model.Forward(share), target).Backward();
                optimizer.Step();
            }
            results["parameters"] = model.Parameters().SelectMany(p => p.Cpu().ToArray<double>()).ToArray();
            break;
        }
        case "ddp-trainer":
        {
            // The same ten steps as "ddp", through NeuralCore.Training's Trainer: one batch per epoch, this rank's share.
            Torch.ManualSeed((ulong)group.Rank);
            using var model = new DistributedDataParallel(DdpModel.Create().To(device), group);
            var (hostBatch, hostLabels) = DdpModel.Data(group.WorldSize);
            var share = new NeuralCore.Data.TensorDataset(hostBatch.Narrow(0, (long)group.Rank * DdpModel.PerRank, DdpModel.PerRank),
                hostLabels.Narrow(0, (long)group.Rank * DdpModel.PerRank, DdpModel.PerRank));
            var reports = new ReportCounter();
            var trainer = new NeuralCore.Training.Trainer(model, new NeuralCore.Optim.Sgd(model.Parameters(), lr: 0.1, momentum: 0.9),
                new NeuralCore.NN.CrossEntropyLoss()) { Callbacks = { reports }, CheckpointPath = args[2] };
            // With a fourth argument, only rank 1 is cancelled, during epoch 3: every rank must stop after that step.
            using var cancel = new CancellationTokenSource();
            if (args.Length > 3) trainer.Callbacks.Add(new CancelOnRank(cancel, rank: 1, epoch: 3));
            var fit = trainer.Fit(new NeuralCore.Data.DataLoader(share, DdpModel.PerRank), epochs: 10, cancellationToken: cancel.Token);
            results["parameters"] = model.Parameters().SelectMany(p => p.Cpu().ToArray<double>()).ToArray();
            results["reports"] = reports.Epochs;
            results["checkpoint"] = fit.CheckpointPath ?? "";
            results["cancelled"] = fit.Cancelled;
            results["epochs"] = fit.History.Count;
            break;
        }
        case "ddp-two-input":
        {
            Torch.ManualSeed((ulong)group.Rank);
            using var model = DistributedDataParallel.Create(new PaddedSequenceClassifier(), group);
            using var optimizer = new NeuralCore.Optim.Sgd(model.Parameters(), lr: 0.1, momentum: 0.9);
            for (var step = 0; step < 5; step++)
            {
                using var scope = TensorScope.Begin();
                var (tokens, padding, labels) = PaddedSequenceClassifier.Batch(step, group.WorldSize);
                var start = (long)group.Rank * PaddedSequenceClassifier.PerRank;
                optimizer.ZeroGrad();
                new NeuralCore.NN.CrossEntropyLoss().Forward(model.Forward(tokens.Narrow(0, start, PaddedSequenceClassifier.PerRank),
                    padding.Narrow(0, start, PaddedSequenceClassifier.PerRank)), labels.Narrow(0, start, PaddedSequenceClassifier.PerRank)).Backward();
                optimizer.Step();
            }
            results["parameters"] = model.Parameters().SelectMany(p => p.Cpu().ToArray<double>()).ToArray();
            break;
        }
        case "replicas":
        {
            // args: "<bucket cap in MB>:<float32|float64>". Both optimizers, 200 steps, every rank's parameters every 50 steps.
            var settings = args[2].Split(':');
            var bucketCap = double.Parse(settings[0], System.Globalization.CultureInfo.InvariantCulture);
            var dtype = settings[1] == "float64" ? DType.Float64 : DType.Float32;
            Torch.SetNumThreads(1);
            foreach (var kind in new[] { "sgd", "adam" })
            {
                Torch.ManualSeed((ulong)group.Rank);  // different weights on every rank: DDP must make them rank 0's
                using var model = new DistributedDataParallel(CnnRecipe.Create().To(dtype), group, bucketCapMegabytes: bucketCap);
                using var optimizer = CnnRecipe.Optimizer(kind, model.Parameters());
                var checkpoints = new Dictionary<string, string>();
                for (var step = 0; step < CnnRecipe.Steps; step++)
                {
                    using var scope = TensorScope.Begin();
                    var (inputs, labels) = CnnRecipe.Batch(step, group.WorldSize, dtype);
                    var share = inputs.Narrow(0, (long)group.Rank * CnnRecipe.PerRank, CnnRecipe.PerRank);
                    var target = labels.Narrow(0, (long)group.Rank * CnnRecipe.PerRank, CnnRecipe.PerRank);
                    optimizer.ZeroGrad();
                    new NeuralCore.NN.CrossEntropyLoss().Forward(model.Forward(share), target).Backward();
                    optimizer.Step();
                    if ((step + 1) % CnnRecipe.CheckEvery == 0) checkpoints[(step + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)] = Bytes.Base64(model.Parameters());
                }
                results[kind] = checkpoints;
            }
            break;
        }
        case "no-sync":
        {
            // 3 optimizer steps of 4 micro-batches per rank (the first 3 under NoSync), then an uneven round: rank 0 runs
            // 1 micro-batch under NoSync and rank 1 runs 3, so any communication inside NoSync would deadlock.
            Torch.ManualSeed((ulong)group.Rank);
            using var model = new DistributedDataParallel(DdpModel.Create(), group);
            using var optimizer = new NeuralCore.Optim.Sgd(model.Parameters(), lr: 0.1, momentum: 0.9);
            void Micro(int index, double scale)
            {
                using var scope = TensorScope.Begin();
                var (inputs, labels) = NoSyncRecipe.MicroBatch(index);
                (new NeuralCore.NN.CrossEntropyLoss().Forward(model.Forward(inputs), labels) * scale).Backward();
            }
            var gradients = new List<string>();
            for (var step = 0; step < 3; step++)
            {
                optimizer.ZeroGrad();
                for (var micro = 0; micro < NoSyncRecipe.MicroSteps; micro++)
                {
                    var index = NoSyncRecipe.Index(step, micro, group.Rank, group.WorldSize);
                    if (micro < NoSyncRecipe.MicroSteps - 1)
                        using (model.NoSync()) Micro(index, 1.0 / NoSyncRecipe.MicroSteps);
                    else Micro(index, 1.0 / NoSyncRecipe.MicroSteps);
                }
                gradients.Add(Bytes.Base64(model.Parameters().Select(p => p.Grad!)));
                optimizer.Step();
            }
            results["gradients"] = gradients;
            results["parameters"] = Bytes.Base64(model.Parameters());
            optimizer.ZeroGrad();
            var uneven = NoSyncRecipe.UnevenCounts[group.Rank];
            for (var micro = 0; micro < uneven; micro++)
                using (model.NoSync()) Micro(NoSyncRecipe.UnevenIndex(group.Rank, micro), 1.0);
            Micro(NoSyncRecipe.UnevenIndex(group.Rank, uneven), 1.0);
            results["uneven"] = Bytes.Base64(model.Parameters().Select(p => p.Grad!));
            break;
        }
        case "unused":
        {
            // args: findUnusedParameters (true|false). 10 SGD steps of a model whose branches are used on some steps only.
            var findUnused = bool.Parse(args[2]);
            Torch.ManualSeed((ulong)group.Rank);
            var branchy = new BranchyModel();
            using var model = new DistributedDataParallel(branchy, group, findUnusedParameters: findUnused, bucketCapMegabytes: 0.0001);
            using var optimizer = new NeuralCore.Optim.Sgd(model.Parameters(), lr: 0.1, momentum: 0.9);
            for (var step = 0; step < 10; step++)
            {
                using var scope = TensorScope.Begin();
                var (inputs, labels) = BranchyModel.Batch(step, group.WorldSize);
                branchy.Choose(step, group.Rank);
                optimizer.ZeroGrad();
                new NeuralCore.NN.CrossEntropyLoss().Forward(model.Forward(inputs.Narrow(0, (long)group.Rank * DdpModel.PerRank, DdpModel.PerRank)),
                    labels.Narrow(0, (long)group.Rank * DdpModel.PerRank, DdpModel.PerRank)).Backward();
                optimizer.Step();
            }
            results["parameters"] = Bytes.Base64(model.Parameters());
            break;
        }
        case "buffers":
        {
            // args: broadcastBuffers (true|false). 20 steps on different data per rank, then the statistics seen by a 21st forward.
            var broadcast = bool.Parse(args[2]);
            Torch.ManualSeed((ulong)group.Rank);
            var probe = new BatchNormProbe();
            using var model = new DistributedDataParallel(probe, group, broadcastBuffers: broadcast);
            using var optimizer = new NeuralCore.Optim.Sgd(model.Parameters(), lr: 0.05, momentum: 0.9);
            for (var step = 0; step <= 20; step++)
            {
                using var scope = TensorScope.Begin();
                optimizer.ZeroGrad();
                var output = model.Forward(BatchNormProbe.Batch(step, group.Rank));
                if (step == 20) break;
                output.Square().Mean().Backward();
                optimizer.Step();
            }
            results["statistics"] = Convert.ToBase64String(probe.StatisticsAtLastForward);
            results["parameters"] = Bytes.Base64(model.Parameters());
            break;
        }
        case "sync-batch-norm":
        {
            // Two SGD steps of a SyncBatchNorm model on uneven shares; outputs and gradients of the first, state after both.
            Torch.ManualSeed(0);
            var network = NeuralCore.NN.SyncBatchNorm.Convert(new SyncBatchNormNet());
            using var model = new DistributedDataParallel(network, group);
            using var optimizer = new NeuralCore.Optim.Sgd(model.Parameters(), lr: 0.1);
            for (var step = 0; step < 2; step++)
            {
                using var scope = TensorScope.Begin();
                var (inputs, projection) = SyncBatchNormNet.Batch(step);
                var size = SyncBatchNormNet.RankSizes[group.Rank];
                var share = inputs.Narrow(0, SyncBatchNormNet.Offset(group.Rank), size).Detach();
                share.RequiresGrad = true;
                optimizer.ZeroGrad();
                var output = model.Forward(share);
                (output * projection.Narrow(0, SyncBatchNormNet.Offset(group.Rank), size)).Sum().Backward();
                if (step == 0)
                {
                    results["output"] = Bytes.Base64(output.Detach());
                    results["input_gradient"] = Bytes.Base64(share.Grad!);
                    results["parameter_gradients"] = Bytes.Base64(model.Parameters().Select(p => p.Grad!));
                }
                optimizer.Step();
            }
            results["state"] = Bytes.Base64(model.StateDict().Values.Where(t => t.DType == DType.Float32));
            model.Eval();
            using (Autograd.NoGrad())
            {
                var (inputs, _) = SyncBatchNormNet.Batch(2);
                results["eval_output"] = Bytes.Base64(model.Forward(inputs.Narrow(0, SyncBatchNormNet.Offset(group.Rank), SyncBatchNormNet.RankSizes[group.Rank])));
            }
            break;
        }
        case "mismatched-shapes":
            using (var t = Tensor.Ones(group.Rank + 2))
                group.AllReduce(t);
            break;
        case "dead-rank":
            group.Barrier();
            break;
    }
    results["rank"] = group.Rank;
    Console.WriteLine(JsonSerializer.Serialize(results));
    return 0;
}
catch (Exception e)
{
    Console.WriteLine(JsonSerializer.Serialize(new { rank, error = e.GetType().Name, message = e.Message }));
    return 3;
}

/// <summary>The micro-batches of the NoSync scenario.</summary>
public static class NoSyncRecipe
{
    public const int MicroSteps = 4;
    public static readonly int[] UnevenCounts = [1, 3];

    public static int Index(int step, int micro, int rank, int worldSize) => (step * MicroSteps + micro) * worldSize + rank;

    public static int UnevenIndex(int rank, int micro) => 100 + rank * 10 + micro;

    public static (Tensor Inputs, Tensor Labels) MicroBatch(int index)
    {
        Torch.ManualSeed((ulong)(5000 + index));
        return (Tensor.Randn(DdpModel.PerRank, 6), Tensor.RandInt(0, 3, DdpModel.PerRank));
    }
}

/// <summary>The model and data of the DDP scenario, shared with the single-process reference in the tests.</summary>
public static class DdpModel
{
    public const int PerRank = 4;

    public static NeuralCore.NN.Module Create() =>
        new NeuralCore.NN.Sequential(new NeuralCore.NN.Linear(6, 8), new NeuralCore.NN.Tanh(), new NeuralCore.NN.Linear(8, 3));

    /// <summary>The same global batch on every rank: PerRank samples per rank, drawn from seed 1234.</summary>
    public static (Tensor Inputs, Tensor Labels) Data(int worldSize)
    {
        Torch.ManualSeed(1234);
        return (Tensor.Randn(worldSize * PerRank, 6), Tensor.RandInt(0, 3, worldSize * PerRank));
    }
}

/// <summary>A reporting callback (rank 0 only under DDP) that counts the epochs it saw.</summary>
public sealed class ReportCounter : NeuralCore.Training.Callback
{
    public int Epochs { get; private set; }

    public override bool RankZeroOnly => true;

    public override void OnEpochEnd(NeuralCore.Training.Trainer trainer, NeuralCore.Training.EpochInfo epoch) => Epochs++;
}

/// <summary>Cancels training on one rank only, after a batch of the given epoch, as a Ctrl+C that reached one process first.</summary>
public sealed class CancelOnRank(CancellationTokenSource source, int rank, int epoch) : NeuralCore.Training.Callback
{
    public override void OnBatchEnd(NeuralCore.Training.Trainer trainer, NeuralCore.Training.BatchInfo batch)
    {
        if (trainer.ProcessGroup!.Rank == rank && batch.Epoch == epoch) source.Cancel();
    }
}
