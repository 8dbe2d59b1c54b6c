using System.Text.Json;

namespace NeuralCore.Tests.Support;

/// <summary>Values produced by Fixtures/generate_tensor_golden.py with Debian's python3-torch.</summary>
public static class Golden
{
    private static readonly Lazy<JsonDocument> Document = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.Directory, "Fixtures", "tensor_golden.json"))));

    /// <summary>A golden tensor; <c>Sparse</c>: PyTorch's was a sparse COO tensor, recorded dense.</summary>
    public sealed record Values(long[] Shape, string DType, double[] Data, bool Sparse = false);

    private static JsonElement Section(string section) => Document.Value.RootElement.GetProperty(section);

    public static IEnumerable<string> Names(string section) => Section(section).EnumerateObject().Select(p => p.Name);

    public static Values Get(string section, string name) => Parse(Section(section).GetProperty(name));

    public static Values Parse(JsonElement element)
    {
        var data = element.GetProperty("data").EnumerateArray()
            .Select(v => v.ValueKind switch
            {
                JsonValueKind.True => 1.0,
                JsonValueKind.False => 0.0,
                JsonValueKind.String => double.Parse(v.GetString()!.Replace("nan", "NaN").Replace("inf", "Infinity"), System.Globalization.CultureInfo.InvariantCulture),
                _ => v.GetDouble(),
            })
            .ToArray();
        return new Values(element.GetProperty("shape").EnumerateArray().Select(v => v.GetInt64()).ToArray(),
            element.GetProperty("dtype").GetString()!, data, element.TryGetProperty("sparse", out var sparse) && sparse.GetBoolean());
    }

    public static string Format(string name) => Section("formats").GetProperty(name).GetString()!;

    /// <summary>A golden input as a tensor of its recorded dtype.</summary>
    public static NeuralCore.Tensor Input(string name) => ToTensor(Get("inputs", name));

    public static NeuralCore.Tensor ToTensor(Values values)
    {
        return values.DType switch
        {
            "float32" => NeuralCore.Tensor.FromArray(values.Data.Select(v => (float)v).ToArray(), values.Shape),
            "int64" => NeuralCore.Tensor.FromArray(values.Data.Select(v => (long)v).ToArray(), values.Shape),
            "bool" => NeuralCore.Tensor.FromArray(values.Data.Select(v => v != 0).ToArray(), values.Shape),
            var other => throw new NotSupportedException(other),
        };
    }

    /// <summary>Asserts shape, dtype and values (relative and absolute tolerance) against a golden entry.</summary>
    public static void ShouldMatch(this NeuralCore.Tensor actual, Values expected, double tolerance = 1e-5)
    {
        actual.Shape.Should().Equal(expected.Shape);
        actual.DType.Name().Should().Be(expected.DType);
        var values = actual.ToArray<double>();
        for (var i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(expected.Data[i]))
            {
                values[i].Should().Be(expected.Data[i], $"element {i} of [{string.Join(", ", values)}]");
                continue;
            }
            var bound = tolerance * Math.Max(1.0, Math.Abs(expected.Data[i]));
            values[i].Should().BeApproximately(expected.Data[i], bound, $"element {i} of [{string.Join(", ", values)}]");
        }
    }
}
