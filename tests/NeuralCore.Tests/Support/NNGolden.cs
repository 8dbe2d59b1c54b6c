using System.Text.Json;

namespace NeuralCore.Tests.Support;

/// <summary>Values produced by Fixtures/generate_nn_golden.py with Debian's python3-torch.</summary>
public static class NNGolden
{
    private static readonly Lazy<JsonDocument> Document = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.Directory, "Fixtures", "nn_golden.json"))));

    public static JsonElement Root => Document.Value.RootElement;

    public static JsonElement Section(string name) => Root.GetProperty(name);

    public static IEnumerable<string> Names(string section) => Section(section).EnumerateObject().Select(p => p.Name);

    public static Golden.Values Values(JsonElement element) => Golden.Parse(element);

    public static NeuralCore.Tensor Tensor(JsonElement element) => Golden.ToTensor(Golden.Parse(element));

    public static double[] Numbers(JsonElement element) => element.EnumerateArray().Select(e => e.GetDouble()).ToArray();
}

/// <summary>Tests that seed or read libtorch's global generator, or change process-wide settings, run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalStateCollection
{
    public const string Name = "Global libtorch state";
}
