using NeuralCore.NN;
using NeuralCore.Optim;
using NeuralCore.Tests.Support;

namespace NeuralCore.Tests;

/// <summary>
/// Weight norm and spectral norm against python3-torch's torch.nn.utils (Fixtures/nn_golden.json,
/// "reparametrizations"): the state after applying them to a seeded module (spectral norm's u and v drawn as PyTorch
/// draws them), three SGD steps (outputs, every parameter's gradient, the power iteration's buffers), an
/// evaluation-mode output, and the state after removal; and their gradients against finite differences in Float64.
/// </summary>
[Collection(GlobalStateCollection.Name)]
public class GoldenReparametrizationTests
{
    internal static readonly Dictionary<string, (Func<Module> Build, Action<Module> Apply, Action<Module> Remove)> Cases = new()
    {
        ["weight_norm_linear"] = (() => new Linear(5, 3), m => Utils.WeightNorm(m), m => Utils.RemoveWeightNorm(m)),
        ["weight_norm_conv1d_whole"] = (() => new Conv1d(3, 4, kernelSize: 3, stride: 2, padding: 1), m => Utils.WeightNorm(m, dim: null),
            m => Utils.RemoveWeightNorm(m)),
        ["weight_norm_conv_transpose2d_dim1"] = (() => new ConvTranspose2d(3, 2, kernelSize: 3), m => Utils.WeightNorm(m, dim: 1),
            m => Utils.RemoveWeightNorm(m)),
        ["spectral_norm_linear"] = (() => new Linear(5, 3), m => Utils.SpectralNorm(m), m => Utils.RemoveSpectralNorm(m)),
        ["spectral_norm_conv2d_two_iterations"] = (() => new Conv2d(3, 6, kernelSize: 3, padding: 1),
            m => Utils.SpectralNorm(m, nPowerIterations: 2, eps: 1e-6), m => Utils.RemoveSpectralNorm(m)),
        ["spectral_norm_conv_transpose1d"] = (() => new ConvTranspose1d(3, 4, kernelSize: 3), m => Utils.SpectralNorm(m),
            m => Utils.RemoveSpectralNorm(m)),
    };

    public static TheoryData<string> CaseNames() => new(NNGolden.Names("reparametrizations"));

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void TrainingSteps_StateAndRemoval_EqualPyTorch(string name)
    {
        Cases.Should().ContainKey(name);
        var (build, apply, remove) = Cases[name];
        var golden = NNGolden.Section("reparametrizations").GetProperty(name);
        using var scope = TensorScope.Begin();
        Torch.ManualSeed((ulong)golden.GetProperty("seed").GetInt32());
        using var module = build();
        apply(module);
        ShouldEqual(module.StateDict(), golden.GetProperty("initial"));
        module.NamedParameters().Select(p => p.Name).Should().Equal(golden.GetProperty("parameters").EnumerateArray().Select(e => e.GetString()));

        var input = NNGolden.Tensor(golden.GetProperty("input"));
        var cotangent = NNGolden.Tensor(golden.GetProperty("cotangent"));
        var optimizer = new Sgd(module.Parameters(), lr: 0.1);
        var outputs = golden.GetProperty("outputs").EnumerateArray().ToList();
        var grads = golden.GetProperty("grads").EnumerateArray().ToList();
        for (var step = 0; step < 3; step++)
        {
            optimizer.ZeroGrad();
            var output = module.Call(input);
            output.Mul(cotangent).Sum().Backward();
            output.ShouldMatch(NNGolden.Values(outputs[step]));
            var expected = grads[step].EnumerateArray().ToList();
            var parameters = module.Parameters().ToList();
            parameters.Should().HaveCount(expected.Count);
            for (var i = 0; i < parameters.Count; i++) parameters[i].Grad!.ShouldMatch(NNGolden.Values(expected[i]));
            optimizer.Step();
        }
        ShouldEqual(module.StateDict(), golden.GetProperty("state_after"));

        module.Eval();
        using (Autograd.NoGrad()) module.Call(input).ShouldMatch(NNGolden.Values(golden.GetProperty("eval_output")));
        module.Train();
        remove(module);
        ShouldEqual(module.StateDict(), golden.GetProperty("removed"));
        module.Call(input).Should().NotBeNull();
    }

    private static void ShouldEqual(IReadOnlyDictionary<string, Tensor> state, System.Text.Json.JsonElement expected)
    {
        state.Keys.Should().Equal(expected.EnumerateObject().Select(p => p.Name));
        foreach (var entry in expected.EnumerateObject()) state[entry.Name].ShouldMatch(NNGolden.Values(entry.Value), 1e-5);
    }

    public static TheoryData<string> GradientCaseNames() => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(GradientCaseNames))]
    public void Gradients_AgreeWithFiniteDifferences(string name)
    {
        var (build, apply, _) = Cases[name];
        var golden = NNGolden.Section("reparametrizations").GetProperty(name);
        using var scope = TensorScope.Begin();
        Torch.ManualSeed(7);
        using var module = build();
        module.To(DType.Float64);
        apply(module);
        // Training-mode forwards advance spectral norm's power iteration, so the function stays fixed only in evaluation mode.
        if (name.StartsWith("spectral", StringComparison.Ordinal)) module.Eval();
        var input = NNGolden.Tensor(golden.GetProperty("input")).To(DType.Float64);
        input.RequiresGrad = true;
        GradientCheckTests.ShouldAgree(name, module, () => [module.Call(input)], 7, [input]);
    }

    [Fact]
    public void RemovedWeightNorm_LeavesTheModulesOwnWeight_WithTheComputedValue()
    {
        using var scope = TensorScope.Begin();
        using var linear = new Linear(4, 2);
        Utils.WeightNorm(linear);
        using (Autograd.NoGrad())
        {
            linear.NamedParameters().Single(p => p.Name == "weight_g").Parameter.MulInPlace(3.0);
        }
        var x = Tensor.Randn([5, 4]);
        var before = linear.Call(x);
        Utils.RemoveWeightNorm(linear);
        linear.NamedParameters().Select(p => p.Name).Should().Equal("bias", "weight");
        linear.NamedParameters().Single(p => p.Name == "weight").Parameter.Should().BeSameAs(linear.Weight);
        linear.Call(x).AllClose(before, 1e-5, 1e-6).Should().BeTrue();
    }

    [Fact]
    public void Misuse_Throws_WithPyTorchsMeaning()
    {
        using var linear = new Linear(4, 2);
        using var lstm = new Lstm(3, 4);
        FluentActions.Invoking(() => Utils.RemoveWeightNorm(linear)).Should().Throw<ArgumentException>().WithMessage("weight_norm of 'weight' not found in Linear*");
        Utils.SpectralNorm(linear);
        FluentActions.Invoking(() => Utils.WeightNorm(linear)).Should().Throw<InvalidOperationException>().WithMessage("*already computed by spectral_norm*");
        FluentActions.Invoking(() => Utils.RemoveWeightNorm(linear)).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => Utils.WeightNorm(lstm, "weight_hh_l0")).Should().Throw<ArgumentException>().WithMessage("Lstm does not read*");
        FluentActions.Invoking(() => Utils.SpectralNorm(new Linear(2, 2), nPowerIterations: 0)).Should().Throw<ArgumentOutOfRangeException>();
        Utils.RemoveSpectralNorm(linear);
        linear.NamedParameters().Select(p => p.Name).Should().Equal("bias", "weight");
        linear.NamedBuffers().Should().BeEmpty();
    }

    [Fact]
    public void WeightNormedModule_SavesAndLoads_AndDeepCopiesOwnTheirState()
    {
        using var scope = TensorScope.Begin();
        var path = Path.Combine(Path.GetTempPath(), $"wn-{Guid.NewGuid():N}.pt");
        try
        {
            using var source = Utils.WeightNorm(new Conv2d(2, 3, kernelSize: 3));
            source.Save(path);
            using var target = Utils.WeightNorm(new Conv2d(2, 3, kernelSize: 3));
            target.Load(path);
            var x = Tensor.Randn([1, 2, 5, 5]);
            target.Call(x).AllClose(source.Call(x), 1e-5, 1e-6).Should().BeTrue();

            using var copy = ModuleCopier.DeepCopy(source);
            Utils.RemoveWeightNorm(copy);
            copy.Call(x).AllClose(source.Call(x), 1e-5, 1e-6).Should().BeTrue();
            source.NamedParameters().Select(p => p.Name).Should().Equal("bias", "weight_g", "weight_v");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
