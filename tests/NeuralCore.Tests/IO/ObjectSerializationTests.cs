using System.Text.Json;
using System.Text.Json.Nodes;
using NeuralCore.IO;
using NeuralCore.NN;

namespace NeuralCore.Tests;

/// <summary>Checkpoint objects (dicts of tensors, numbers, strings, lists, tuples) both ways between NeuralCore and PyTorch.</summary>
public partial class InteropTests
{
    /// <summary>The JSON form check_neuralcore_files.py's describe() gives: container kinds, key types, dtypes, values.</summary>
    private static JsonNode? Describe(object? value) => value switch
    {
        null => null,
        bool flag => JsonValue.Create(flag),
        string text => JsonValue.Create(text),
        long or int => new JsonObject { ["int"] = Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) },
        double number => new JsonObject { ["float"] = number },
        Tensor tensor => new JsonObject
        {
            ["tensor"] = tensor.DType.Name(),
            ["shape"] = new JsonArray(tensor.Shape.Select(s => (JsonNode?)s).ToArray()),
            ["values"] = new JsonArray(tensor.ToArray<double>().Select(v => (JsonNode?)v).ToArray()),
        },
        System.Collections.IDictionary dictionary => new JsonObject
        {
            ["dict"] = new JsonArray(Entries(dictionary).Select(e => (JsonNode?)new JsonArray(Describe(e.Key), Describe(e.Value))).ToArray()),
        },
        object?[] tuple => new JsonObject { ["tuple"] = new JsonArray(tuple.Select(Describe).ToArray()) },
        System.Collections.IEnumerable list => new JsonObject { ["list"] = new JsonArray(list.Cast<object?>().Select(Describe).ToArray()) },
        _ => throw new ArgumentException(value.GetType().Name),
    };

    private static IEnumerable<System.Collections.DictionaryEntry> Entries(System.Collections.IDictionary dictionary)
    {
        foreach (System.Collections.DictionaryEntry entry in dictionary) yield return entry;
    }

    private static void ShouldDescribeTheSame(JsonElement actual, JsonElement expected, string at = "$")
    {
        actual.ValueKind.Should().Be(expected.ValueKind, at);
        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                actual.EnumerateObject().Select(p => p.Name).Should().Equal(expected.EnumerateObject().Select(p => p.Name), at);
                foreach (var property in expected.EnumerateObject())
                    ShouldDescribeTheSame(actual.GetProperty(property.Name), property.Value, $"{at}.{property.Name}");
                break;
            case JsonValueKind.Array:
                actual.GetArrayLength().Should().Be(expected.GetArrayLength(), at);
                for (var i = 0; i < expected.GetArrayLength(); i++) ShouldDescribeTheSame(actual[i], expected[i], $"{at}[{i}]");
                break;
            case JsonValueKind.Number:
                actual.GetDouble().Should().Be(expected.GetDouble(), at);
                break;
            case JsonValueKind.String:
                actual.GetString().Should().Be(expected.GetString(), at);
                break;
        }
    }

    private static JsonElement Parsed(JsonNode? node) => JsonDocument.Parse(node!.ToJsonString()).RootElement;

    [Fact]
    public void Objects_RoundTripThroughSaveObjectAndLoadObject()
    {
        using var scope = TensorScope.Begin();
        var path = Path.Combine(Path.GetTempPath(), $"neuralcore-object-{Guid.NewGuid():N}.pt");
        var original = new Dictionary<object, object?>
        {
            ["epoch"] = 3L, ["loss"] = 0.25, ["name"] = "run", ["flags"] = new object?[] { true, null }, [7L] = "seven",
            ["big"] = 1L << 40, ["negative"] = -70000L, ["list"] = new List<object?> { 1L, 2.5, "x" }, ["empty"] = new Dictionary<string, object?>(),
            ["weights"] = Tensor.Randn(2, 3), ["counts"] = Tensor.FromArray(new long[] { 1, -2 }), ["mask"] = Tensor.FromArray(new[] { true, false }),
            ["noncontiguous"] = Tensor.Arange(6).View(2, 3).T,
        };
        Serialization.SaveObject(original, path);
        var loaded = Serialization.LoadObject(path);
        ShouldDescribeTheSame(Parsed(Describe(loaded)), Parsed(Describe(original)));
        loaded.Should().BeOfType<OrderedDictionary<object, object?>>();
        using (var zip = System.IO.Compression.ZipFile.OpenRead(path))
        {
            zip.Entries.Select(e => e.FullName).Should().Contain(["archive/data.pkl", "archive/version", "archive/data/0"]);
            zip.Entries.Should().OnlyContain(e => e.CompressedLength == e.Length, "entries are stored, as torch.save writes them");
        }
        File.Delete(path);
        ((Action)(() => Serialization.SaveObject(new { A = 1 }, path))).Should().Throw<ArgumentException>().WithMessage("*no PyTorch form*");
        File.Exists(path).Should().BeFalse("a failed save leaves nothing behind");
    }

    [Fact]
    public void PythonCheckpointObjects_LoadIntoNeuralCore_Live()
    {
        if (!PythonTorchAvailable()) return;  // CI installs python3-torch
        using var scope = TensorScope.Begin();
        var path = Path.Combine(Path.GetTempPath(), $"neuralcore-python-object-{Guid.NewGuid():N}.pt");
        using var expected = RunPython("save-object", path);
        var loaded = Serialization.LoadObject(path);
        ShouldDescribeTheSame(Parsed(Describe(loaded)), expected.RootElement);
        // "tail" is a view of "whole" in the file: they share storage again.
        var checkpoint = (OrderedDictionary<object, object?>)loaded!;
        ((Tensor)checkpoint["whole"]!).Select(0, 3).FillInPlace(100);
        ((Tensor)checkpoint["tail"]!).ToArray<float>()[1].Should().Be(100);
        File.Delete(path);
    }

    [Fact]
    public void NeuralCoreCheckpointObjects_LoadIntoPyTorch_Live()
    {
        if (!PythonTorchAvailable()) return;  // CI installs python3-torch
        using var scope = TensorScope.Begin();
        using var linear = new Linear(3, 2);
        var path = Path.Combine(Path.GetTempPath(), $"neuralcore-object-{Guid.NewGuid():N}.pt");
        var withoutFloats = new Dictionary<object, object?>
        {
            ["epoch"] = 7L, ["name"] = "κ-run", ["flags"] = new object?[] { true, false, null }, [3L] = "int key", ["big"] = 1L << 40, ["neg"] = -5L,
            ["model"] = linear.StateDict(), ["empty"] = new Dictionary<string, object?>(), ["ints"] = Tensor.FromArray(new long[] { 1, -2, 3 }),
            ["half"] = Tensor.Ones([2], DType.Float16), ["mask"] = Tensor.FromArray(new[] { true, false }), ["history"] = new List<object?> { 1L, 2L },
        };
        Serialization.SaveObject(withoutFloats, path);
        using (var described = RunPython("object", path))
        {
            described.RootElement.GetProperty("weights_only").GetBoolean().Should().BeTrue("only allowlisted globals are written");
            ShouldDescribeTheSame(described.RootElement.GetProperty("object"), Parsed(Describe(withoutFloats)));
        }
        var withFloats = new Dictionary<object, object?>(withoutFloats) { ["lr"] = 0.125, ["losses"] = new List<object?> { 1.5, -2.25 } };
        Serialization.SaveObject(withFloats, path);
        using (var described = RunPython("object", path))
            ShouldDescribeTheSame(described.RootElement.GetProperty("object"), Parsed(Describe(withFloats)));
        File.Delete(path);
    }
}
