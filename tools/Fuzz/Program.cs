// Coverage-guided fuzzing of NeuralCore's file readers with AFL++ and SharpFuzz (run it through scripts/fuzz.sh, or
// `dotnet cake --target=Fuzz --reader=safetensors --seconds=1800`). Each input is written to a file and loaded the
// way a user loads one; InvalidDataException and TorchException are the expected refusals, anything else (another
// exception, a crash, a hang) is a finding.
using NeuralCore;
using NeuralCore.IO;
using NeuralCore.Jit;
using SharpFuzz;

if (args.Length != 1 || args[0] is not ("safetensors" or "checkpoint" or "torchscript"))
{
    Console.Error.WriteLine("usage: Fuzz safetensors|checkpoint|torchscript   (input from AFL++)");
    return 2;
}
var reader = args[0];
var path = Path.Combine(Path.GetTempPath(), $"neuralcore-afl-{Environment.ProcessId}.{(reader == "safetensors" ? "safetensors" : "pt")}");
Fuzzer.OutOfProcess.Run(stream =>
{
    using (var file = File.Create(path)) stream.CopyTo(file);
    try
    {
        switch (reader)
        {
            case "safetensors":
                Release(SafeTensors.Load(path));
                break;
            case "checkpoint":
                Release(Serialization.Load(path));
                break;
            default:
                using (var module = ScriptModule.Load(path))
                using (var input = Tensor.Ones(1, 3))  // the seed is the interop fixtures' scripted_calculator.pt
                    module.Forward(input).Dispose();
                break;
        }
    }
    catch (Exception e) when (e is InvalidDataException or TorchException)
    {
    }
});
return 0;

// Reading every element is what turns a bad shape into a bad read.
static void Release(OrderedDictionary<string, Tensor> tensors)
{
    foreach (var tensor in tensors.Values)
    {
        using (var sum = tensor.To(DType.Float64).Sum()) sum.Item<double>();
        tensor.Dispose();
    }
}
