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
    using var group = ProcessGroup.Init(backend: "gloo", timeout: timeout);
    var results = new Dictionary<string, object>();
    switch (scenario)
    {
        case "collectives":
            foreach (var op in Enum.GetValues<ReduceOp>())
            {
                using var t = Tensor.Ones(3) * (group.Rank + 1);
                group.AllReduce(t, op);
                results[op.ToString()] = t.ToArray<float>();
            }
            using (var b = Tensor.Full([2], group.Rank * 1.0))
            {
                group.Broadcast(b, root: group.WorldSize - 1);
                results["broadcast"] = b.ToArray<double>();
            }
            using (var input = Tensor.Full([2], group.Rank))
                results["all_gather"] = group.AllGather(input).Select(g => g.ToArray<long>()[0]).ToArray();
            var inputs = Enumerable.Range(0, group.WorldSize).Select(i => Tensor.Full([2], group.Rank * 10.0 + i)).ToArray();
            using (var output = Tensor.Zeros([2], DType.Float64))
            {
                group.ReduceScatter(inputs, output);
                results["reduce_scatter"] = output.ToArray<double>();
            }
            group.Barrier();
            break;
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
