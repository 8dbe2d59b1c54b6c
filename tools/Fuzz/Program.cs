// Coverage-guided fuzzing of NeuralCore's file readers with AFL++ and SharpFuzz (run it through scripts/fuzz.sh, or
// `dotnet cake --target=Fuzz --reader=safetensors --seconds=1800`). Each input is written to a file and loaded the
// way a user loads one; InvalidDataException and TorchException are the expected refusals, anything else (another
// exception, a crash, a hang) is a finding.
using NeuralCore;
using SharpFuzz;

if (args.Length != 1 || !Readers.Names.Contains(args[0]))
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
        Readers.Load(reader, path, [1, 3]);  // the TorchScript seed is the interop fixtures' scripted_calculator.pt
    }
    catch (Exception e) when (e is InvalidDataException or TorchException)
    {
    }
});
return 0;
