using System.Runtime.CompilerServices;
using System.Text.Json;
using NeuralCore.Tests.Support;

namespace NeuralCore.Tests;

/// <summary>
/// Every row of the op table against PyTorch: the generated calls (OpCases.g.cs) on the table's inputs, compared with
/// python3-torch's results for the same calls (Fixtures/op_golden.json, made by generate_op_golden.py); and, for
/// differentiable rows, the gradients against central finite differences in Float64.
/// </summary>
public class OpGoldenTests
{
    private static readonly Lazy<JsonDocument> Document = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.Directory, "Fixtures", "op_golden.json"))));

    private static JsonElement Section(string name) => Document.Value.RootElement.GetProperty(name);

    internal static Tensor Input(string name)
    {
        var values = Golden.Parse(Section("inputs").GetProperty(name));
        return values.Sparse ? ToTensor(values).ToSparse() : ToTensor(values);
    }

    private static Tensor ToTensor(Golden.Values values) => values.DType switch
    {
        "bool" => Tensor.FromArray(values.Data.Select(v => v != 0).ToArray(), values.Shape),
        "float64" => Tensor.FromArray(values.Data, values.Shape),
        "complex64" => Tensor.FromArray(values.Data.Select(v => (float)v).ToArray(), [.. values.Shape, 2]).ViewAsComplex(),
        _ => Golden.ToTensor(values),
    };

    /// <summary>A result as its list of tensors: a tuple or array gives several, a bool a 0-D Bool tensor.</summary>
    internal static Tensor[] Outputs(object result) => result switch
    {
        Tensor tensor => [tensor],
        Tensor[] tensors => tensors,
        bool value => [Tensor.FromArray(new[] { value }).Squeeze()],
        ITuple tuple => Enumerable.Range(0, tuple.Length).SelectMany(i => Outputs(tuple[i]!)).ToArray(),
        _ => throw new NotSupportedException(result.GetType().Name),
    };

    public static TheoryData<string> CaseNames() => new(OpCases.All.Where(c => c.Value.Seed is null).Select(c => c.Key));

    public static TheoryData<string> GradientCaseNames() => new(OpCases.All.Where(c => c.Value.GradInputs.Length > 0).Select(c => c.Key));

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Op_MatchesPyTorch(string name) => Check(name);

    internal static void Check(string name)
    {
        var expected = Section("cases").GetProperty(name).EnumerateArray().Select(Golden.Parse).ToArray();
        var @case = OpCases.All[name];
        using var scope = TensorScope.Begin();
        if (@case.Seed is { } seed) Torch.ManualSeed((ulong)seed);
        var actual = Outputs(@case.Run(Input));
        actual.Should().HaveSameCount(expected, $"{name} returns as many tensors as PyTorch");
        for (var i = 0; i < actual.Length; i++)
        {
            actual[i].IsSparse().Should().Be(expected[i].Sparse, $"{name}'s output {i} is {(expected[i].Sparse ? "sparse" : "dense")} in PyTorch");
            var output = actual[i].IsSparse() ? actual[i].ToDense() : actual[i];
            output = output.DType.IsComplex() ? output.ResolveConj().ViewAsReal() : output;
            var wanted = expected[i].DType.StartsWith("complex") ? expected[i] with { Shape = [.. expected[i].Shape, 2], DType = expected[i].DType == "complex64" ? "float32" : "float64" } : expected[i];
            output.ShouldMatch(wanted, @case.Tolerance);
        }
    }

    [Fact]
    public void EveryTableCase_HasPyTorchValues() =>
        Section("cases").EnumerateObject().Select(p => p.Name).Should().BeEquivalentTo(OpCases.All.Keys, "op_golden.json is regenerated with the table");

    [Theory]
    [MemberData(nameof(GradientCaseNames))]
    public void Gradients_AgreeWithFiniteDifferences(string name)
    {
        var @case = OpCases.All[name];
        using var scope = TensorScope.Begin();
        var inputs = new Dictionary<string, Tensor>();
        Tensor Argument(string input)
        {
            if (inputs.TryGetValue(input, out var tensor)) return tensor;
            tensor = Input(input);
            if (tensor.DType.IsFloatingPoint())
            {
                tensor = tensor.To(DType.Float64);
                tensor.RequiresGrad = @case.GradInputs.Contains(input);
            }
            return inputs[input] = tensor;
        }

        Tensor[]? weights = null;
        Tensor Loss()
        {
            var outputs = Outputs(@case.Run(Argument)).Where(o => o.DType.IsFloatingPoint()).ToArray();
            weights ??= outputs.Select(o => scope.Keep((Tensor.Arange(o.NumberOfElements, dtype: DType.Float64) * 0.37).Sin().View(o.Shape))).ToArray();
            return Tensor.Stack(outputs.Zip(weights).Select(pair => (pair.First * pair.Second).Sum()).ToArray()).Sum();
        }

        double Objective()
        {
            using var inner = TensorScope.Begin();
            using (Autograd.NoGrad())
                return Loss().Item<double>();
        }

        Loss().Backward();
        var differentiated = @case.GradInputs.Where(inputs.ContainsKey).Select(i => (Name: i, Tensor: inputs[i])).Where(p => p.Tensor.RequiresGrad).ToList();
        differentiated.Should().NotBeEmpty();
        foreach (var (inputName, tensor) in differentiated)
            FiniteDifferences.ShouldAgree(tensor, Objective, Enumerable.Range(0, (int)tensor.NumberOfElements).Select(i => (long)i), $"{inputName} of {name}");
    }
}

/// <summary>The table's seeded cases (random ops): they set the global generator, so they run apart from the rest.</summary>
[Collection(GlobalStateCollection.Name)]
public class OpGoldenRandomTests
{
    public static TheoryData<string> CaseNames() => new(OpCases.All.Where(c => c.Value.Seed is not null).Select(c => c.Key));

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void RandomOp_AfterManualSeed_MatchesPyTorch(string name) => OpGoldenTests.Check(name);
}
