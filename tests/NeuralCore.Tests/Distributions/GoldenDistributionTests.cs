using NeuralCore.Distributions;
using NeuralCore.Tests.Support;

namespace NeuralCore.Tests;

/// <summary>
/// torch.distributions against python3-torch (Fixtures/nn_golden.json, "distributions" and "kl"): moments, entropy,
/// log densities, and seeded samples that draw PyTorch's numbers.
/// </summary>
[Collection(GlobalStateCollection.Name)]
public class GoldenDistributionTests
{
    private static Tensor T(params float[] values) => Tensor.FromArray(values);

    private static readonly Dictionary<string, Func<Distribution>> Cases = new()
    {
        ["normal"] = () => new Normal(T(0.5f, -1.0f, 2.0f, 0.0f).View(2, 2), T(1.5f, 0.5f)),
        ["uniform"] = () => new Uniform(T(0.0f, -1.0f), T(2.0f, 3.0f)),
        ["bernoulli_probs"] = () => Bernoulli.FromProbs(T(0.2f, 0.7f, 1.0f)),
        ["bernoulli_logits"] = () => Bernoulli.FromLogits(T(-1.0f, 0.5f, 2.0f)),
        ["categorical_probs"] = () => Categorical.FromProbs(T(0.1f, 0.2f, 0.7f, 1.0f, 1.0f, 2.0f).View(2, 3)),
        ["categorical_logits"] = () => Categorical.FromLogits(T(0.5f, -1.0f, 2.0f).View(1, 3)),
        ["exponential"] = () => new Exponential(T(0.5f, 2.0f)),
        ["gamma"] = () => new Gamma(T(2.0f, 0.5f), T(1.5f, 3.0f)),
        ["dirichlet"] = () => new Dirichlet(T(1.5f, 2.0f, 0.5f, 3.0f, 1.0f, 1.0f).View(2, 3)),
        ["beta"] = () => new Beta(T(2.0f, 0.7f), T(3.0f, 1.5f)),
        ["poisson"] = () => new Poisson(T(0.5f, 4.0f)),
        ["binomial_probs"] = () => Binomial.FromProbs(T(5.0f, 10.0f), T(0.3f, 0.8f)),
        ["binomial_logits"] = () => Binomial.FromLogits(Tensor.Full([], 6.0), T(-0.5f, 1.0f)),
        ["multivariate_normal"] = () => MultivariateNormal.FromCovariance(T(0.5f, -1.0f, 0.0f, 1.0f, 2.0f, -0.5f).View(2, 3),
            T(4.0f, 1.0f, 0.5f, 1.0f, 3.0f, 0.25f, 0.5f, 0.25f, 2.0f).View(3, 3)),
        ["multivariate_normal_scale_tril"] = () => MultivariateNormal.FromScaleTril(T(1.0f, -2.0f),
            T(1.5f, 0.0f, 0.5f, 0.7f, 0.8f, 0.0f, -0.3f, 1.1f).View(2, 2, 2)),
        ["independent_normal"] = () => new Independent(new Normal(T(0.5f, -1.0f, 0.0f, 2.0f, 0.0f, 1.0f).View(2, 3), Tensor.Full([], 1.5)), 1),
    };

    public static TheoryData<string> CaseNames() => new(NNGolden.Names("distributions"));

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Distribution_MatchesPyTorch(string name)
    {
        Cases.Should().ContainKey(name);
        var golden = NNGolden.Section("distributions").GetProperty(name);
        using var scope = TensorScope.Begin();
        using var distribution = Cases[name]();
        if (golden.TryGetProperty("entropy", out var entropy)) distribution.Entropy().ShouldMatch(NNGolden.Values(entropy));
        distribution.LogProb(NNGolden.Tensor(golden.GetProperty("value"))).ShouldMatch(NNGolden.Values(golden.GetProperty("log_prob")));
        if (golden.TryGetProperty("mean", out var mean))
        {
            distribution.Mean.ShouldMatch(NNGolden.Values(mean));
            distribution.Variance.ShouldMatch(NNGolden.Values(golden.GetProperty("variance")));
        }
        var seed = golden.GetProperty("sample_seed").GetInt32();
        var expected = NNGolden.Values(golden.GetProperty("sample"));
        var shape = expected.Shape[..^(distribution.BatchShape.Length + distribution.EventShape.Length)];
        Torch.ManualSeed((ulong)seed);
        distribution.Sample(shape).ShouldMatch(expected);
        if (golden.TryGetProperty("rsample", out var rsample))
        {
            Torch.ManualSeed((ulong)(seed + 100));
            distribution.RSample(shape).ShouldMatch(NNGolden.Values(rsample));
        }
    }

    [Fact]
    public void EveryGoldenDistributionIsCovered() => NNGolden.Names("distributions").Should().BeEquivalentTo(Cases.Keys);

    [Fact]
    public void KlDivergence_MatchesPyTorch()
    {
        using var scope = TensorScope.Begin();
        var pairs = new Dictionary<string, (Distribution P, Distribution Q)>
        {
            ["normal"] = (new Normal(T(0.5f, -1.0f), T(1.5f, 0.5f)), new Normal(T(0.0f, 0.0f), T(1.0f, 2.0f))),
            ["bernoulli"] = (Bernoulli.FromProbs(T(0.2f, 0.7f)), Bernoulli.FromLogits(T(0.3f, -0.4f))),
            ["categorical"] = (Categorical.FromProbs(T(0.1f, 0.2f, 0.7f).View(1, 3)), Categorical.FromLogits(T(0.5f, -1.0f, 2.0f).View(1, 3))),
            ["exponential"] = (new Exponential(T(0.5f, 2.0f)), new Exponential(T(1.5f, 1.0f))),
            ["uniform"] = (new Uniform(T(0.0f, -1.0f), T(2.0f, 3.0f)), new Uniform(T(-1.0f, -2.0f), T(3.0f, 3.5f))),
        };
        NNGolden.Names("kl").Should().BeEquivalentTo(pairs.Keys);
        foreach (var (name, (p, q)) in pairs)
            KullbackLeibler.KlDivergence(p, q).ShouldMatch(NNGolden.Values(NNGolden.Section("kl").GetProperty(name)));
        var unsupported = () => KullbackLeibler.KlDivergence(pairs["normal"].P, pairs["uniform"].Q);
        unsupported.Should().Throw<NotSupportedException>();
    }

    [Fact]
    public void RSample_CarriesGradientsToTheParameters()
    {
        using var scope = TensorScope.Begin();
        var loc = Tensor.Zeros([3], requiresGrad: true);
        var scale = Tensor.Ones([3], requiresGrad: true);
        using var normal = new Normal(loc, scale);
        Torch.ManualSeed(1);
        var draw = normal.RSample(1000);
        draw.Mean().Backward();
        loc.Grad!.ToArray<float>().Should().OnlyContain(g => Math.Abs(g - 1f / 3) < 1e-6);
        var act = () => Bernoulli.FromProbs(T(0.5f)).RSample(2);
        act.Should().Throw<NotSupportedException>();
        var dirichlet = () => new Dirichlet(T(1f, 2f)).RSample(2);
        dirichlet.Should().Throw<NotSupportedException>();

        // Gamma's draw is differentiable in its concentration (libtorch's standard_gamma gradient) and its rate (1/rate scaling).
        var concentration = Tensor.Full([2], 2.0, requiresGrad: true);
        var rate = Tensor.Full([2], 4.0, requiresGrad: true);
        using var gamma = new Gamma(concentration, rate);
        var draws = gamma.RSample(500);
        draws.Sum().Backward();
        concentration.Grad!.ToArray<float>().Should().OnlyContain(g => float.IsFinite(g) && g > 0);
        // d(x / rate)/d rate = -x / rate, summed over the draws of each column.
        rate.Grad!.AllClose(-(draws.Detach().Sum([0]) / 4.0), relativeTolerance: 1e-4).Should().BeTrue();
    }
}
