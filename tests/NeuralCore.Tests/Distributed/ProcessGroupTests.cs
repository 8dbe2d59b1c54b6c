using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using NeuralCore.Distributed;

namespace NeuralCore.Tests;

/// <summary>Real worker processes on loopback over Gloo (tests/NeuralCore.DistributedWorker).</summary>
[Collection(Support.GlobalStateCollection.Name)]  // the single-process reference seeds libtorch's generator
public class ProcessGroupTests
{
    private static int FreePort() => WorkerProcesses.FreePort();

    private static (List<(int ExitCode, JsonElement Output)> Ranks, TimeSpan Elapsed) Run(string scenario, int worldSize, double timeoutSeconds, string? extra = null, string backend = "gloo") =>
        WorkerProcesses.Run(scenario, worldSize, timeoutSeconds, extra, backend);

    [SkippableTheory]
    [InlineData(2)]
    [InlineData(3)]
    public void Collectives_OnLoopback_MatchTheirDefinitions(int worldSize) => CheckCollectives(worldSize, "gloo");

    // NCCL needs one GPU per rank: as many ranks as devices, at most 3.
    private static int NcclWorld()
    {
        Skip.IfNot(ProcessGroup.AvailableBackends.Contains("nccl"), "this build has no NCCL (a libtorch with CUDA and NCCL is needed)");
        Support.TestDevice.RequireCuda();
        return Math.Min(Cuda.DeviceCount, 3);
    }

    [SkippableFact]
    public void Collectives_OverNccl_MatchTheirDefinitions() => CheckCollectives(NcclWorld(), "nccl");

    [SkippableFact]
    public void DistributedDataParallel_OverNccl_EqualsOneProcessOnTheWholeBatch() => CheckDdp(NcclWorld(), "25", "nccl");

    [SkippableFact]
    public void AvailableBackends_NameGloo_AndUnknownOnesAreRejected()
    {
        WorkerProcesses.RequireGloo();
        ProcessGroup.AvailableBackends.Should().Contain("gloo");
        var act = () => ProcessGroup.Init(backend: "mpi", rank: 0, worldSize: 1, masterAddress: "127.0.0.1", masterPort: FreePort());
        act.Should().Throw<ArgumentException>().WithMessage("*backend 'mpi' is not available*gloo*");
    }

    private static void CheckCollectives(int worldSize, string backend)
    {
        var (ranks, _) = Run("collectives", worldSize, 60, backend: backend);
        var n = worldSize;
        var sum = n * (n + 1) / 2.0;
        var product = Enumerable.Range(1, n).Aggregate(1.0, (a, b) => a * b);
        foreach (var (exitCode, output) in ranks)
        {
            exitCode.Should().Be(0, output.ToString());
            var rank = output.GetProperty("rank").GetInt32();
            double[] Values(string name) => output.GetProperty(name).EnumerateArray().Select(v => v.GetDouble()).ToArray();
            Values("Sum").Should().Equal(sum, sum, sum);
            Values("Avg").Should().Equal(sum / n, sum / n, sum / n);
            Values("Min").Should().Equal(1.0, 1.0, 1.0);
            Values("Max").Should().Equal((double)n, n, n);
            Values("Product").Should().Equal(product, product, product);
            Values("broadcast").Should().Equal((double)(n - 1), n - 1);
            output.GetProperty("all_gather").EnumerateArray().Select(v => v.GetInt64()).Should().Equal(Enumerable.Range(0, n).Select(i => (long)i));
            var expected = Enumerable.Range(0, n).Sum(r => r * 10.0 + rank);
            Values("reduce_scatter").Should().Equal(expected, expected);
        }
    }

    [SkippableTheory]
    [InlineData(2, "25")]
    [InlineData(3, "25")]
    [InlineData(2, "0.0001")]  // about 100 bytes: one bucket per parameter
    public void DistributedDataParallel_TenSteps_LeaveEveryRankEqualToOneProcessOnTheWholeBatch(int worldSize, string bucketCapMegabytes) =>
        CheckDdp(worldSize, bucketCapMegabytes, "gloo");

    [SkippableFact]
    public void DistributedDataParallel_OfATwoInputModule_EqualsOneProcessOnTheWholeBatch()
    {
        var (ranks, _) = Run("ddp-two-input", 2, 60);
        ranks.Should().OnlyContain(r => r.ExitCode == 0, string.Join("\n", ranks.Select(r => r.Output.ToString())));
        Torch.ManualSeed(0);
        using var model = new PaddedSequenceClassifier();
        using var optimizer = new NeuralCore.Optim.Sgd(model.Parameters(), lr: 0.1, momentum: 0.9);
        for (var step = 0; step < 5; step++)
        {
            using var scope = TensorScope.Begin();
            var (tokens, padding, labels) = PaddedSequenceClassifier.Batch(step, 2);
            optimizer.ZeroGrad();
            new NeuralCore.NN.CrossEntropyLoss().Forward(model.Call(tokens, padding), labels).Backward();
            optimizer.Step();
        }
        var expected = model.Parameters().SelectMany(p => p.ToArray<double>()).ToArray();
        foreach (var (_, output) in ranks)
            output.GetProperty("parameters").EnumerateArray().Select(v => v.GetDouble()).Should()
                .Equal(expected, (a, b) => Math.Abs(a - b) <= 1e-9 * Math.Max(1, Math.Abs(b)));
    }

    [SkippableFact]
    public void Trainer_OverDdp_EqualsOneProcess_AndOnlyRankZeroReportsAndWrites()
    {
        WorkerProcesses.RequireGloo();
        var checkpoint = Path.Combine(Path.GetTempPath(), $"ddp-trainer-{Guid.NewGuid():N}.ckpt");
        try
        {
            var (ranks, _) = Run("ddp-trainer", 2, 60, checkpoint);
            ranks.Should().OnlyContain(r => r.ExitCode == 0, string.Join("\n", ranks.Select(r => r.Output.ToString())));
            var expected = DdpReference(2);
            foreach (var (_, output) in ranks)
                output.GetProperty("parameters").EnumerateArray().Select(v => v.GetDouble()).Should()
                    .Equal(expected, (a, b) => Math.Abs(a - b) <= 1e-5 * Math.Max(1, Math.Abs(b)));
            ranks.Select(r => r.Output.GetProperty("reports").GetInt32()).Should().Equal(10, 0);
            ranks.Select(r => r.Output.GetProperty("checkpoint").GetString()).Should().Equal(checkpoint, "");
            File.Exists(checkpoint).Should().BeTrue();
        }
        finally
        {
            File.Delete(checkpoint);
        }
    }

    [SkippableFact]
    public void Trainer_OverDdp_CancelledOnOneRank_StopsEveryRankAfterTheSameStep()
    {
        WorkerProcesses.RequireGloo();
        var checkpoint = Path.Combine(Path.GetTempPath(), $"ddp-cancel-{Guid.NewGuid():N}.ckpt");
        try
        {
            var (ranks, _) = Run("ddp-trainer", 2, 60, $"{checkpoint} cancel");
            ranks.Should().OnlyContain(r => r.ExitCode == 0, string.Join("\n", ranks.Select(r => r.Output.ToString())));
            ranks.Should().OnlyContain(r => r.Output.GetProperty("cancelled").GetBoolean() && r.Output.GetProperty("epochs").GetInt32() == 2);
            ranks[0].Output.GetProperty("parameters").EnumerateArray().Select(v => v.GetDouble()).Should()
                .Equal(ranks[1].Output.GetProperty("parameters").EnumerateArray().Select(v => v.GetDouble()));
            var saved = (System.Collections.IDictionary)IO.Serialization.LoadObject(checkpoint)!;
            saved["epoch"].Should().Be(3L);
            saved["global_step"].Should().Be(3L);
        }
        finally
        {
            File.Delete(checkpoint);
        }
    }

    private static void CheckDdp(int worldSize, string bucketCapMegabytes, string backend)
    {
        var (ranks, _) = Run("ddp", worldSize, 60, bucketCapMegabytes, backend);
        ranks.Should().OnlyContain(r => r.ExitCode == 0, string.Join("\n", ranks.Select(r => r.Output.ToString())));

        var expected = DdpReference(worldSize);
        foreach (var (_, output) in ranks)
            output.GetProperty("parameters").EnumerateArray().Select(v => v.GetDouble()).Should()
                .Equal(expected, (a, b) => Math.Abs(a - b) <= 1e-5 * Math.Max(1, Math.Abs(b)));
    }

    /// <summary>One process, rank 0's initial weights, the concatenated batch (mean loss over it = average of the ranks' means).</summary>
    internal static double[] DdpReference(int worldSize)
    {
        double[] expected;
        {
            Torch.ManualSeed(0);
            using var model = DdpModel.Create();
            using var optimizer = new NeuralCore.Optim.Sgd(model.Parameters(), lr: 0.1, momentum: 0.9);
            var (inputs, labels) = DdpModel.Data(worldSize);
            using (inputs)
            using (labels)
                for (var step = 0; step < 10; step++)
                {
                    using var scope = TensorScope.Begin();
                    optimizer.ZeroGrad();
                    new NeuralCore.NN.CrossEntropyLoss().Forward(model.Forward(inputs), labels).Backward();
                    optimizer.Step();
                }
            expected = model.Parameters().SelectMany(p => p.ToArray<double>()).ToArray();
        }
        return expected;
    }

    [SkippableFact]
    public void DistributedSampler_SplitsOnePermutationIntoDisjointEqualShares()
    {
        var shares = Enumerable.Range(0, 3).Select(rank => new NeuralCore.Distributed.DistributedSampler(10, rank, 3, seed: 5).Indices(epoch: 2)).ToList();
        shares.Should().OnlyContain(s => s.Length == 4);
        shares.SelectMany(s => s).Distinct().Should().HaveCount(10, "every sample appears; two are repeated to pad 10 to 12");
        using var permutation = Tensor.RandPerm(10, 7);
        shares[0][0].Should().Be(permutation.ToArray<long>()[0]);
    }

    [SkippableFact]
    public void ARankThatNeverArrives_MakesTheOthersFailWithinTheTimeout()
    {
        var (ranks, elapsed) = Run("dead-rank", 2, 5);
        ranks[0].ExitCode.Should().Be(3);
        ranks[0].Output.GetProperty("error").GetString().Should().Be(nameof(TorchException));
        ranks[0].Output.GetProperty("message").GetString().Should().Contain("127.0.0.1");
        elapsed.Should().BeLessThan(TimeSpan.FromSeconds(30), "the timeout is 5 s");
    }

    [SkippableFact]
    public void MismatchedShapesAcrossRanks_GiveAnError()
    {
        var (ranks, _) = Run("mismatched-shapes", 2, 10);
        ranks.Should().OnlyContain(r => r.ExitCode == 3);
        ranks.Select(r => r.Output.GetProperty("error").GetString()).Should().OnlyContain(e => e == nameof(ArgumentException));
        ranks[0].Output.GetProperty("message").GetString().Should().Contain("rank 0: float32 [2]; rank 1: float32 [3]");
    }

    [SkippableFact]
    public void Launcher_PrefixesOutputByRank_AndStopsEveryWorkerWhenOneFails()
    {
        var launcher = Support.TestPaths.ProjectOutput("tools/Launch", "Launch.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { launcher, "--nproc-per-node", "3", "--", "bash", "-c",
                     "echo \"hello from $RANK of $WORLD_SIZE at $MASTER_ADDR:$MASTER_PORT\"; if [ \"$RANK\" = 1 ]; then exit 7; fi; sleep 60" })
            start.ArgumentList.Add(argument);
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit(TimeSpan.FromSeconds(50)).Should().BeTrue("the launcher stops the other workers when one fails");
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(30));
        process.ExitCode.Should().Be(7);
        output.Should().Contain("[rank 0] hello from 0 of 3 at 127.0.0.1:29500").And.Contain("[rank 2] hello from 2 of 3");
    }

    [SkippableFact]
    public void Init_WithAnUnreachableMaster_FailsWithinTheTimeoutNamingIt()
    {
        WorkerProcesses.RequireGloo();
        var port = FreePort();  // nothing listens there
        var clock = Stopwatch.StartNew();
        var act = () => NeuralCore.Distributed.ProcessGroup.Init(rank: 1, worldSize: 2, masterAddress: "127.0.0.1", masterPort: port, timeout: TimeSpan.FromSeconds(3));
        act.Should().Throw<TorchException>().WithMessage($"*127.0.0.1:{port}*");
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(20));
    }

    [SkippableFact]
    public void Init_WithBadSettings_ThrowsArgumentExceptions()
    {
        WorkerProcesses.RequireGloo();
        var badBackend = () => NeuralCore.Distributed.ProcessGroup.Init(backend: "mpi", rank: 0, worldSize: 1, masterAddress: "127.0.0.1", masterPort: FreePort());
        badBackend.Should().Throw<ArgumentException>().WithMessage("*'mpi' is not available*gloo*");
        var badRank = () => NeuralCore.Distributed.ProcessGroup.Init(rank: 2, worldSize: 2, masterAddress: "127.0.0.1", masterPort: 29500);
        badRank.Should().Throw<ArgumentException>().WithMessage("*rank 2 is outside a world of 2*");
    }
}
