using System.Diagnostics;
using System.Text.Json;
using NeuralCore.IO;
using NeuralCore.NN;
using NeuralCore.Tests.Support;
using NeuralCore.Vision;

namespace NeuralCore.Tests;

/// <summary>
/// torchvision's models against Debian's python3-torchvision, live: a state dict torchvision saved loads and gives
/// torchvision's logits. Parallel with other tests: nothing here depends on the global generator.
/// </summary>
public class VisionModelTests
{
    public static TheoryData<string> Names() => new(TorchvisionReference.Factories.Keys);

    [SkippableTheory]
    [MemberData(nameof(Names))]
    public void TorchvisionWeights_GiveTorchvisionsLogits(string name)
    {
        Skip.IfNot(TorchvisionReference.Available.Value, "needs /usr/bin/python3 with torchvision (python3-torchvision)");
        var directory = TorchvisionReference.For(name).Directory;
        try
        {
            using var scope = TensorScope.Begin();
            using var model = TorchvisionReference.Factories[name]();
            model.Load(Path.Combine(directory, "state.pt")).MissingKeys.Should().BeEmpty();
            model.Eval();
            var logits = model.Call(Serialization.Load(Path.Combine(directory, "input.pt"))["x"]);
            var expectedLogits = Serialization.Load(Path.Combine(directory, "logits.pt"))["logits"];
            logits.Shape.Should().Equal(expectedLogits.Shape);
            var (actualValues, expectedValues) = (logits.ToArray<float>(), expectedLogits.ToArray<float>());
            for (var i = 0; i < expectedValues.Length; i++)
                actualValues[i].Should().BeApproximately(expectedValues[i], 1e-4f * Math.Max(1, Math.Abs(expectedValues[i])), $"logit {i}");
        }
        finally
        {
            TorchvisionReference.Release(name);
        }
    }

    [Fact]
    public void ResetClassifier_ReplacesTheReadOut_UnderTheSameKeys()
    {
        using var model = Models.ResNet18(numClasses: 1000);
        var keys = model.StateDict().Keys.ToArray();
        var old = model.Fc;
        model.ResetClassifier(3);
        old.Weight.IsDisposed.Should().BeTrue();
        model.Fc.Weight.Shape.Should().Equal(3, 512);
        model.StateDict().Keys.Should().Equal(keys);
        model.Parameters().Should().Contain(model.Fc.Weight);
        using var scope = TensorScope.Begin();
        model.Eval();
        model.Call(Tensor.Rand(1, 3, 32, 32)).Shape.Should().Equal(1, 3);
    }
}

/// <summary>
/// After the same seed, the same initial weights as torchvision under the same keys in the same order. Alone in its
/// collection: the constructors draw from the global generator, which other tests draw from too.
/// </summary>
[Collection(GlobalStateCollection.Name)]
public class VisionModelInitTests
{
    public static TheoryData<string> Names() => new(TorchvisionReference.Factories.Keys);

    [SkippableTheory]
    [MemberData(nameof(Names))]
    public void SameSeed_GivesTorchvisionsInitialWeights(string name)
    {
        Skip.IfNot(TorchvisionReference.Available.Value, "needs /usr/bin/python3 with torchvision (python3-torchvision)");
        var expected = TorchvisionReference.For(name).Summary.RootElement.GetProperty("state");
        try
        {
            Torch.ManualSeed(0);
            using var model = TorchvisionReference.Factories[name]();
            var state = model.StateDict();
            state.Keys.Should().Equal(expected.EnumerateObject().Select(p => p.Name), "torchvision's keys in torchvision's order");
            foreach (var (key, value) in state)
            {
                var reference = expected.GetProperty(key);
                value.Shape.Should().Equal(reference.GetProperty("shape").EnumerateArray().Select(v => v.GetInt64()), key);
                using var scope = TensorScope.Begin();
                var flat = value.To(DType.Float64).Flatten();
                var tolerance = 1e-6 * Math.Max(1, reference.GetProperty("abs_sum").GetDouble());
                flat.Sum().Item<double>().Should().BeApproximately(reference.GetProperty("sum").GetDouble(), tolerance, key);
                flat.Abs().Sum().Item<double>().Should().BeApproximately(reference.GetProperty("abs_sum").GetDouble(), tolerance, key);
                var first = reference.GetProperty("first").EnumerateArray().Select(v => v.GetDouble()).ToArray();
                var actualFirst = flat.Narrow(0, 0, first.Length).ToArray<double>();
                for (var i = 0; i < first.Length; i++) actualFirst[i].Should().BeApproximately(first[i], 1e-6, key);
            }
        }
        finally
        {
            TorchvisionReference.Release(name);
        }
    }
}

/// <summary>
/// Fixtures/vision_models.py's output per model, made once and shared by the two test classes; its folder (the state
/// dict, up to 0.5 GB for VGG) is deleted when both have used it.
/// </summary>
internal static class TorchvisionReference
{
    public static readonly Dictionary<string, Func<Module>> Factories = new()
    {
        ["resnet18"] = () => Models.ResNet18(numClasses: 10),
        ["resnet34"] = () => Models.ResNet34(numClasses: 10),
        ["resnet50"] = () => Models.ResNet50(numClasses: 10),
        ["resnet101"] = () => Models.ResNet101(numClasses: 10),
        ["vgg11"] = () => Models.Vgg11(numClasses: 10),
        ["vgg16_bn"] = () => Models.Vgg16Bn(numClasses: 10),
        ["mobilenet_v2"] = () => Models.MobileNetV2(numClasses: 10),
    };

    private const int Users = 2;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<(string Directory, JsonDocument Summary)>> Runs = new();
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> Releases = new();

    public static readonly Lazy<bool> Available = new(() =>
    {
        if (!File.Exists("/usr/bin/python3")) return false;
        using var process = Process.Start(new ProcessStartInfo("/usr/bin/python3", "-c \"import torchvision\"") { RedirectStandardError = true })!;
        process.WaitForExit();
        return process.ExitCode == 0;
    });

    public static (string Directory, JsonDocument Summary) For(string name) =>
        Runs.GetOrAdd(name, n => new Lazy<(string, JsonDocument)>(() => Run(n))).Value;

    public static void Release(string name)
    {
        if (Releases.AddOrUpdate(name, 1, (_, count) => count + 1) == Users && Runs.TryGetValue(name, out var run) && run.IsValueCreated)
            Directory.Delete(run.Value.Directory, recursive: true);
    }

    private static (string, JsonDocument) Run(string name)
    {
        var directory = Directory.CreateTempSubdirectory("neuralcore-vision").FullName;
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(TestPaths.Directory, "Fixtures", "vision_models.py"));
        start.ArgumentList.Add(name);
        start.ArgumentList.Add(directory);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        process.ExitCode.Should().Be(0, error.Result);
        return (directory, JsonDocument.Parse(output));
    }
}
