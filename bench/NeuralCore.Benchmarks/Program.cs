// BenchmarkDotNet over the cases (dotnet run -c Release --project bench/NeuralCore.Benchmarks -- --filter '*'),
// or, with --compare [--cases a,b] [--device cuda] [--amp] [--threads N], the same timing loop as bench/reference/steps.py and
// bench/cpp/steps.cpp, printing JSON lines.
using System.Diagnostics;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using NeuralCore;
using NeuralCore.Benchmarks;

if (args.Contains("--compare"))
{
    // 2 threads as the peers use; --threads N for a one-sided look at another count.
    Torch.SetNumThreads(int.Parse(args.SkipWhile(a => a != "--threads").Skip(1).FirstOrDefault() ?? "2"));
    // --cases a,b runs only those cases (in that order), e.g. a step and its naive form side by side.
    var selected = args.SkipWhile(a => a != "--cases").Skip(1).FirstOrDefault()?.Split(',') ?? Cases.Names;
    var device = Device.Parse(args.SkipWhile(a => a != "--device").Skip(1).FirstOrDefault() ?? "cpu");
    var amp = args.Contains("--amp");
    // CUDA runs asynchronously: each timed repetition ends when the device has finished its work.
    Action synchronize = device.Type == DeviceType.Cuda ? () => Cuda.Synchronize() : () => { };
    foreach (var name in selected)
    {
        var (step, owner) = Cases.Create(name, device, amp);
        using (owner)
        {
            var collections = Enumerable.Range(0, 3).Select(GC.CollectionCount).ToArray();
            var microseconds = Timing.Median(step, synchronize, out var steps);
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                framework = "neuralcore", @case = amp ? name + "_amp" : name, device = device.ToString(), microseconds,
                // Collections of each generation per 1,000 timed steps (warm-up included): where a naive step's time goes.
                gc_per_1000_steps = collections.Select((before, g) => Math.Round((GC.CollectionCount(g) - before) * 1000.0 / steps, 2)).ToArray(),
            }));
        }
    }
    return 0;
}
foreach (var (flag, scoped) in new[] { ("--naive-loop", false), ("--scoped-loop", true) })
{
    if (!args.Contains(flag)) continue;
    var steps = args.SkipWhile(a => a != flag).Skip(1).Select(a => int.TryParse(a, out var n) ? n : 0).FirstOrDefault(10_000);
    NaiveLoop.Run(steps == 0 ? 10_000 : steps, scoped);
    return 0;
}
if (args.Contains("--overhead"))
{
    Overhead.Run();
    return 0;
}
return Benchmarks.Run(args);

internal static class Benchmarks
{
    // Apart from Main, so that the timing modes run without BenchmarkDotNet's assemblies (the GPU check leaves them behind).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    public static int Run(string[] args)
    {
        BenchmarkSwitcher.FromAssembly(typeof(Cases).Assembly).Run(args);
        return 0;
    }
}

/// <summary>
/// The timing loop the three implementations share: warm up, then the median of 7 repetitions of ≥ 0.3 s each;
/// <c>synchronize</c> waits for an asynchronous device before the clock is read.
/// </summary>
internal static class Timing
{
    public static double Median(Action step, Action? synchronize = null) => Median(step, synchronize, out _);

    /// <summary>As <see cref="Median(Action, Action?)"/>; <paramref name="steps"/>: how many steps ran in all.</summary>
    public static double Median(Action step, Action? synchronize, out long steps)
    {
        synchronize ??= () => { };
        for (var i = 0; i < 5; i++) step();
        synchronize();
        var clock = Stopwatch.StartNew();
        long calibration = 0;
        while (clock.Elapsed.TotalSeconds < 0.3) { step(); calibration++; }
        synchronize();
        var results = new List<double>();
        for (var repetition = 0; repetition < 7; repetition++)
        {
            clock.Restart();
            for (long i = 0; i < calibration; i++) step();
            synchronize();
            results.Add(clock.Elapsed.TotalMicroseconds / calibration);
        }
        steps = 5 + calibration * 8;
        results.Sort();
        return results[3];
    }
}

[MemoryDiagnoser]
public class TrainingSteps
{
    private Action step = () => { };
    private IDisposable? owner;

    [ParamsSource(nameof(CaseNames))]
    public string Case { get; set; } = "";

    public static IEnumerable<string> CaseNames => Cases.Names;

    [GlobalSetup]
    public void Setup()
    {
        Torch.SetNumThreads(2);
        (step, owner) = Cases.Create(Case);
    }

    [GlobalCleanup]
    public void Cleanup() => owner?.Dispose();

    [Benchmark]
    public void Step() => step();
}

/// <summary>
/// The training step with a scope, at three batch sizes: BenchmarkDotNet's memory diagnoser shows the managed bytes
/// allocated per step, which must not grow with the tensors' size.
/// </summary>
[MemoryDiagnoser]
public class ScopedStepAllocations
{
    private Cnn model = null!;
    private NeuralCore.Optim.Sgd optimizer = null!;
    private readonly NeuralCore.NN.CrossEntropyLoss criterion = new();

    [Params(8, 64, 256)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Torch.SetNumThreads(2);
        model = new Cnn();
        optimizer = new NeuralCore.Optim.Sgd(model.Parameters(), lr: 0.001, momentum: 0.9);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        optimizer.Dispose();
        model.Dispose();
    }

    [Benchmark]
    public void ScopedStep()
    {
        using var scope = TensorScope.Begin();
        var inputs = Tensor.Randn(BatchSize, 3, 32, 32);
        var labels = Tensor.RandInt(0, 10, BatchSize);
        var loss = criterion.Forward(model.Forward(inputs), labels);
        optimizer.ZeroGrad();
        loss.Backward();
        optimizer.Step();
    }
}

/// <summary>
/// The modules issue's contract loop for many steps, printing the resident memory. Written naively (no using, no
/// Dispose, no scope) it must stay within 1.2 × its value at step 500; with a scope per step it must be flat from step 100.
/// </summary>
internal static class NaiveLoop
{
    public static void Run(int steps, bool scoped = false)
    {
        var cnn = new Cnn();
        var criterion = new NeuralCore.NN.CrossEntropyLoss();
        var optimizer = new NeuralCore.Optim.Sgd(cnn.Parameters(), lr: 0.001, momentum: 0.9);
        long at500 = 0, at100 = 0;
        var clock = Stopwatch.StartNew();
        for (var step = 1; step <= steps; step++)
        {
            using var scope = scoped ? TensorScope.Begin() : null;
            var inputs = Tensor.Randn(64, 3, 32, 32);
            var labels = Tensor.RandInt(0, 10, 64);
            var loss = criterion.Forward(cnn.Forward(inputs), labels);
            optimizer.ZeroGrad();
            loss.Backward();
            optimizer.Step();
            if (step == 100) at100 = Resident();
            if (step == 500) at500 = Resident();
            if (step % 500 == 0 || step == steps)
                Console.WriteLine($"step {step}: resident {Resident() >> 20} MiB ({(at500 > 0 ? (double)Resident() / at500 : 1):F3} × step 500, " +
                                  $"{(at100 > 0 ? (double)Resident() / at100 : 1):F3} × step 100), managed heap {GC.GetTotalMemory(false) >> 20} MiB, " +
                                  $"{clock.Elapsed.TotalSeconds:F0} s");
        }
    }

    private static long Resident()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }
}
