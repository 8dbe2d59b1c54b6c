// BenchmarkDotNet over the cases (dotnet run -c Release --project bench/NeuralCore.Benchmarks -- --filter '*'),
// or, with --compare, the same timing loop as bench/reference/steps.py and bench/cpp/steps.cpp, printing JSON lines.
using System.Diagnostics;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using NeuralCore;
using NeuralCore.Benchmarks;

if (args.Contains("--compare"))
{
    Torch.SetNumThreads(2);
    foreach (var name in Cases.Names)
    {
        var (step, owner) = Cases.Create(name);
        using (owner)
            Console.WriteLine(JsonSerializer.Serialize(new { framework = "neuralcore", @case = name, microseconds = Timing.Median(step) }));
    }
    return 0;
}
BenchmarkSwitcher.FromAssembly(typeof(Cases).Assembly).Run(args);
return 0;

/// <summary>The timing loop the three implementations share: warm up, then the median of 7 repetitions of ≥ 0.3 s each.</summary>
internal static class Timing
{
    public static double Median(Action step)
    {
        for (var i = 0; i < 5; i++) step();
        var clock = Stopwatch.StartNew();
        long calibration = 0;
        while (clock.Elapsed.TotalSeconds < 0.3) { step(); calibration++; }
        var results = new List<double>();
        for (var repetition = 0; repetition < 7; repetition++)
        {
            clock.Restart();
            for (long i = 0; i < calibration; i++) step();
            results.Add(clock.Elapsed.TotalMicroseconds / calibration);
        }
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
