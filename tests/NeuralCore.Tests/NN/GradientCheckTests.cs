using NeuralCore.NN;
using NeuralCore.Tests.Support;

namespace NeuralCore.Tests;

/// <summary>
/// Every module's gradients (with respect to its input and each parameter) against central finite differences in
/// Float64, on the golden inputs: f = Σ outputs · fixed weights. Every evaluation starts from the same seed, so that
/// modules that draw random numbers while training (RReLU's slopes) compute the same function each time.
/// </summary>
[Collection(GlobalStateCollection.Name)]
public class GradientCheckTests
{
    public static TheoryData<string> ModuleNames() => new(GoldenModuleTests.Modules.Keys);

    [Theory]
    [MemberData(nameof(ModuleNames))]
    public void Gradients_AgreeWithFiniteDifferences(string name)
    {
        var (build, run) = GoldenModuleTests.Modules[name];
        var golden = NNGolden.Section("modules").GetProperty(name);
        using var scope = TensorScope.Begin();
        using var module = build();
        module.Train(golden.GetProperty("train").GetBoolean());
        module.To(DType.Float64);
        var input = NNGolden.Tensor(golden.GetProperty("input"));
        if (input.DType.IsFloatingPoint())
        {
            input = input.To(DType.Float64);
            input.RequiresGrad = true;
        }
        var state = golden.TryGetProperty("state", out var stateElement)
            ? stateElement.EnumerateArray().Select(NNGolden.Tensor).Select(t => t.DType.IsFloatingPoint() ? t.To(DType.Float64) : t).ToArray()
            : [];

        ShouldAgree(name, module, () => run(module, input, state), (ulong)golden.GetProperty("seed").GetInt32(), input.RequiresGrad ? [input] : []);
    }

    public static TheoryData<string> AttentionNames() => new(GoldenAttentionTests.Cases.Keys);

    [Theory]
    [MemberData(nameof(AttentionNames))]
    public void AttentionGradients_AgreeWithFiniteDifferences(string name)
    {
        var (build, run) = GoldenAttentionTests.Cases[name];
        var golden = NNGolden.Section("attention").GetProperty(name);
        using var scope = TensorScope.Begin();
        using var module = build();
        module.Train(golden.GetProperty("train").GetBoolean());
        module.To(DType.Float64);
        var inputs = golden.GetProperty("inputs").EnumerateArray().Select(NNGolden.Tensor)
            .Select(t => t.DType.IsFloatingPoint() ? t.To(DType.Float64) : t).ToArray();
        var differentiated = inputs.Take(golden.GetProperty("grads").GetInt32()).ToArray();
        foreach (var input in differentiated) input.RequiresGrad = true;
        ShouldAgree(name, module, () => run(module, inputs).OfType<Tensor>().ToArray(), (ulong)golden.GetProperty("seed").GetInt32(), differentiated);
    }

    // f = Σ outputs · fixed weights; its backward against central differences at eight elements of each tensor.
    internal static void ShouldAgree(string name, Module module, Func<Tensor[]> run, ulong seed, Tensor[] inputs)
    {
        Tensor[]? weights = null;
        double Objective()
        {
            using var inner = TensorScope.Begin();
            Torch.ManualSeed(seed);
            var outputs = run();
            weights ??= outputs.Select(o => inner.Keep((Tensor.Arange(o.NumberOfElements, dtype: DType.Float64) * 0.37).Sin().View(o.Shape))).ToArray();
            return outputs.Zip(weights).Select(pair => (pair.First * pair.Second).Sum().Item<double>()).Sum();
        }

        Tensor Loss()
        {
            Torch.ManualSeed(seed);
            var outputs = run();
            weights ??= outputs.Select(o => (Tensor.Arange(o.NumberOfElements, dtype: DType.Float64) * 0.37).Sin().View(o.Shape)).ToArray();
            return Tensor.Stack(outputs.Zip(weights).Select(pair => (pair.First * pair.Second).Sum()).ToArray()).Sum();
        }

        Loss().Backward();
        var checkedTensors = module.NamedParameters().Select(p => (p.Name, Tensor: (Tensor)p.Parameter)).ToList();
        checkedTensors.AddRange(inputs.Select((input, i) => ($"input {i}", input)));
        checkedTensors.Should().NotBeEmpty();
        foreach (var (tensorName, tensor) in checkedTensors)
        {
            var count = tensor.NumberOfElements;
            // The padding row of an embedding takes no gradient by definition (PyTorch's padding_idx contract).
            var indices = Enumerable.Range(0, 8).Select(i => i * (count - 1) / 7).Distinct()
                .Where(index => !(module is Embedding { PaddingIndex: { } padding } embedding && index / embedding.Weight.Size(1) == padding));
            FiniteDifferences.ShouldAgree(tensor, Objective, indices, $"{tensorName} of {name}");
        }
    }
}
