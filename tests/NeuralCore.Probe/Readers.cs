// Shared by the probe's fuzz tests and the AFL++ harness (tools/Fuzz links this file), so both load inputs alike.
using NeuralCore;
using NeuralCore.IO;

/// <summary>Loads a file the way a user loads one, and reads every element (what turns a bad shape into a bad read).</summary>
public static class Readers
{
    public static readonly string[] Names = ["safetensors", "checkpoint", "torchscript"];

    /// <param name="reader">safetensors, checkpoint or torchscript.</param>
    /// <param name="inputShape">TorchScript only: the shape of the ones fed to forward.</param>
    public static void Load(string reader, string path, long[] inputShape)
    {
        switch (reader)
        {
            case "safetensors":
                Release(SafeTensors.Load(path));
                break;
            case "checkpoint":
                Release(Serialization.Load(path));
                break;
            case "torchscript":
                using (var module = NeuralCore.Jit.ScriptModule.Load(path))
                using (var input = Tensor.Ones(inputShape))
                    module.Forward(input).Dispose();
                break;
            default:
                throw new ArgumentException($"unknown reader {reader}", nameof(reader));
        }
    }

    private static void Release(OrderedDictionary<string, Tensor> tensors)
    {
        foreach (var tensor in tensors.Values)
        {
            using (var sum = tensor.To(DType.Float64).Sum()) sum.Item<double>();
            tensor.Dispose();
        }
    }
}
