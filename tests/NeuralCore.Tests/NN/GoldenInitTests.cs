using NeuralCore.NN;
using NeuralCore.Tests.Support;

namespace NeuralCore.Tests;

/// <summary>torch.nn.init against python3-torch: the same seed fills the same numbers (Fixtures/nn_golden.json, "inits").</summary>
[Collection(GlobalStateCollection.Name)]
public class GoldenInitTests
{
    private static readonly Dictionary<string, Action<Tensor>> Inits = new()
    {
        ["kaiming_normal_fan_out_relu"] = t => Init.KaimingNormal(t, mode: "fan_out", nonlinearity: "relu"),
        ["kaiming_uniform_leaky"] = t => Init.KaimingUniform(t, a: 0.2),
        ["xavier_normal_tanh"] = t => Init.XavierNormal(t, gain: Init.CalculateGain("tanh")),
        ["xavier_uniform_relu"] = t => Init.XavierUniform(t, gain: Init.CalculateGain("relu")),
        ["constant"] = t => Init.Constant(t, 0.25),
        ["zeros"] = t => Init.Zeros(t),
        ["ones"] = t => Init.Ones(t),
        ["trunc_normal"] = t => Init.TruncNormal(t),
        ["trunc_normal_shifted"] = t => Init.TruncNormal(t, mean: 0.5, std: 2.0, a: -1.0, b: 3.0),
        ["orthogonal_wide"] = t => Init.Orthogonal(t, gain: 2.0),
        ["orthogonal_tall_conv"] = t => Init.Orthogonal(t),
        ["sparse"] = t => Init.Sparse(t, 0.3, std: 0.5),
        ["dirac_groups"] = t => Init.Dirac(t, groups: 2),
        ["eye"] = t => Init.Eye(t),
    };

    public static TheoryData<string> InitNames() => new(NNGolden.Names("inits"));

    [Theory]
    [MemberData(nameof(InitNames))]
    public void Init_FillsWhatPyTorchFills(string name)
    {
        Inits.Should().ContainKey(name);
        var golden = NNGolden.Section("inits").GetProperty(name);
        using var scope = TensorScope.Begin();
        Torch.ManualSeed((ulong)golden.GetProperty("seed").GetInt32());
        var tensor = Tensor.Empty(golden.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray());
        Inits[name](tensor);
        tensor.ShouldMatch(NNGolden.Values(golden.GetProperty("value")), 1e-5);
    }

    [Fact]
    public void EveryGoldenInitIsCovered() => NNGolden.Names("inits").Should().BeEquivalentTo(Inits.Keys);

    [Fact]
    public void CalculateGain_MatchesPyTorch()
    {
        foreach (var entry in NNGolden.Section("gains").EnumerateObject())
        {
            var parts = entry.Name.Split('_');
            var gain = double.TryParse(parts[^1], System.Globalization.CultureInfo.InvariantCulture, out var slope)
                ? Init.CalculateGain(string.Join('_', parts[..^1]), slope)
                : Init.CalculateGain(entry.Name);
            gain.Should().BeApproximately(entry.Value.GetDouble(), 1e-12, entry.Name);
        }
    }

    [Fact]
    public void Orthogonal_GivesOrthonormalRows()
    {
        using var scope = TensorScope.Begin();
        var weight = Init.Orthogonal(Tensor.Empty([4, 9], DType.Float64));
        weight.MatMul(weight.T).AllClose(Tensor.Eye(4, dtype: DType.Float64), absoluteTolerance: 1e-12).Should().BeTrue();
    }

    [Fact]
    public void TruncNormal_StaysWithinItsBounds()
    {
        using var scope = TensorScope.Begin();
        var values = Init.TruncNormal(Tensor.Empty([10_000]), mean: 1, std: 3, a: -0.5, b: 2).ToArray<float>();
        values.Should().OnlyContain(v => v >= -0.5f && v <= 2f);
    }
}
