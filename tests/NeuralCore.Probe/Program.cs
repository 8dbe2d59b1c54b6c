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
// process dies the test knows which mutation killed it; afterwards a line gives its outcome and time.
static string Fuzz(string reader, string seedFile, int seed, int count, long[] inputShape)
{
    var original = File.ReadAllBytes(seedFile);
    var path = Path.Combine(Path.GetTempPath(), $"neuralcore-fuzz-{Environment.ProcessId}{Path.GetExtension(seedFile)}");
    var outcomes = new Dictionary<string, int>();
    var slowest = 0.0;
    try
    {
        for (var i = 0; i < count; i++)
        {
            var random = new Random(seed + i);
            File.WriteAllBytes(path, Mutator.Mutate(original, random, zip: reader != "safetensors"));
            Console.WriteLine($"attempt {seed + i}");
            var clock = System.Diagnostics.Stopwatch.StartNew();
            string outcome;
            try
            {
                switch (reader)
                {
                    case "safetensors":
                        SumAll(SafeTensors.Load(path));
                        break;
                    case "checkpoint":
                        SumAll(Serialization.Load(path));
                        break;
                    default:
                        TorchScriptForward(path, inputShape);
                        break;
                }
                outcome = "ok";
            }
            catch (Exception e) when (e is InvalidDataException or TorchException)
            {
                outcome = e.GetType().Name;
            }
            catch (Exception e)
            {
                outcome = $"unexpected {e.GetType().Name}: {e.Message.Split('\n')[0]} (mutation {seed + i})";
            }
            slowest = Math.Max(slowest, clock.Elapsed.TotalSeconds);
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }
    }
    finally
    {
        File.Delete(path);
    }
    using var self = System.Diagnostics.Process.GetCurrentProcess();
    return JsonSerializer.Serialize(new { outcomes, slowest_seconds = slowest, peak_resident_bytes = self.PeakWorkingSet64 });
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
