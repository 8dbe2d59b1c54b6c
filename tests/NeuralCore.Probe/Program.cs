// Runs one risky input in its own process for the reliability tests (tests/NeuralCore.Tests/Reliability): a crash
// there is a failed test, not a dead test host. Prints one JSON line: {"outcome":"ok"|"exception", "type", "message"}.
using System.Text.Json;
using NeuralCore;
using NeuralCore.IO;

try
{
    var detail = args[0] switch
    {
        "safetensors-load" => SumAll(SafeTensors.Load(args[1], mmap: args.Length > 2 && args[2] == "mmap")),
        "safetensors-truncate-after-load" => TruncateAfterLoad(args[1]),
        "from-memory" => FromMemory(args[1..].Select(long.Parse).ToArray()),
        "remainder" => Remainder(),
        "torchscript-forward" => TorchScriptForward(args[1], args[2..].Select(long.Parse).ToArray()),
        "fuzz" => Fuzz(args[1], args[2], int.Parse(args[3]), int.Parse(args[4]), args[5..].Select(long.Parse).ToArray()),
        "replay" => Replay(args[1], args[2]),
        "native" => Tensor.Ones(2).Sum().Item<float>().ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => throw new ArgumentException($"unknown case {args[0]}"),
    };
    Console.WriteLine(JsonSerializer.Serialize(new { outcome = "ok", detail }));
}
catch (Exception e)
{
    Console.WriteLine(JsonSerializer.Serialize(new { outcome = "exception", type = e.GetType().Name, message = e.Message }));
}
return 0;

// Reading every element is what turned a bad shape into an out-of-bounds read.
static string SumAll(OrderedDictionary<string, Tensor> tensors)
{
    var sums = tensors.Select(t => $"{t.Key}={t.Value.To(DType.Float64).Sum().Item<double>()}").ToList();
    foreach (var tensor in tensors.Values) tensor.Dispose();
    return string.Join(";", sums);
}

// `cp new old` truncates the file in place while tensors from it live.
static string TruncateAfterLoad(string path)
{
    var tensors = SafeTensors.Load(path);
    using (var file = new FileStream(path, FileMode.Open, FileAccess.Write)) file.SetLength(9);
    return SumAll(tensors);
}

static string TorchScriptForward(string path, long[] inputShape)
{
    using var module = NeuralCore.Jit.ScriptModule.Load(path);
    using var input = Tensor.Ones(inputShape);
    using var output = module.Forward(input);
    return output.Sum().Item<float>().ToString(System.Globalization.CultureInfo.InvariantCulture);
}

// Loads `count` seeded mutations of `seedFile` with one reader. Before each attempt a line names it, so that when the
// process dies the test knows which mutation killed it.
static string Fuzz(string reader, string seedFile, int seed, int count, long[] inputShape)
{
    var original = File.ReadAllBytes(seedFile);
    var path = Path.Combine(Path.GetTempPath(), $"neuralcore-fuzz-{Environment.ProcessId}{Path.GetExtension(seedFile)}");
    var results = new Results();
    try
    {
        for (var i = 0; i < count; i++)
        {
            File.WriteAllBytes(path, Mutator.Mutate(original, new Random(seed + i), zip: reader != "safetensors"));
            Console.WriteLine($"attempt {seed + i}");
            results.Load(reader, path, inputShape, $"mutation {seed + i}");
        }
    }
    finally
    {
        File.Delete(path);
    }
    return results.Summary();
}

// Loads every file of a regression corpus (inputs a fuzzer found) with one reader.
static string Replay(string reader, string folder)
{
    var results = new Results();
    foreach (var file in Directory.GetFiles(folder).Order())
    {
        Console.WriteLine($"attempt {file}");
        results.Load(reader, file, [1, 3], file);  // TorchScript inputs descend from scripted_calculator.pt
    }
    return results.Summary();
}

static string FromMemory(long[] shape)
{
    using var tensor = Tensor.FromMemory(new float[4].AsMemory(), shape);
    return tensor.Sum().Item<float>().ToString(System.Globalization.CultureInfo.InvariantCulture);
}

static string Remainder()
{
    using var minimum = Tensor.FromArray(new[] { long.MinValue, 7, -7 });
    using var minusOne = Tensor.FromArray(new[] { -1L, -1, 2 });
    using var byTensor = minimum % minusOne;
    using var byScalar = minimum % -1;
    using var int32 = Tensor.FromArray(new[] { int.MinValue }) % Tensor.FromArray(new[] { -1 });
    using var inPlace = Tensor.FromArray(new[] { long.MinValue });
    inPlace.RemainderInPlace(-1);
    return string.Join(",", byTensor.ToArray<long>().Concat(byScalar.ToArray<long>()).Concat(int32.ToArray<long>()).Concat(inPlace.ToArray<long>()));
}

/// <summary>Outcomes of loads: ok, the expected refusals, or "unexpected ..." naming the input; the slowest load; peak memory.</summary>
sealed class Results
{
    private readonly Dictionary<string, int> outcomes = [];
    private double slowest;

    public void Load(string reader, string path, long[] inputShape, string name)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        string outcome;
        try
        {
            Readers.Load(reader, path, inputShape);
            outcome = "ok";
        }
        catch (Exception e) when (e is InvalidDataException or TorchException)
        {
            outcome = e.GetType().Name;
        }
        catch (Exception e)
        {
            outcome = $"unexpected {e.GetType().Name}: {e.Message.Split('\n')[0]} ({name})";
        }
        slowest = Math.Max(slowest, clock.Elapsed.TotalSeconds);
        outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
    }

    public string Summary()
    {
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        return JsonSerializer.Serialize(new { outcomes, slowest_seconds = slowest, peak_resident_bytes = self.PeakWorkingSet64 });
    }
}
