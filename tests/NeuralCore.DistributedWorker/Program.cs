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
            var inputs = Enumerable.Range(0, group.WorldSize).Select(i => Tensor.Full([2], group.Rank * 10.0 + i).To(device)).ToArray();
            using (var output = Tensor.Zeros([2], DType.Float64, device))
            {
                group.ReduceScatter(inputs, output);
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
