using NeuralCore.NN;
using NeuralCore.Optim;

namespace NeuralCore.Tests;

/// <summary>The multi-tensor Adam/AdamW step (PyTorch's default on CUDA) against the per-parameter one.</summary>
public class ForeachAdamTests
{
    public static TheoryData<string> Variants() => new() { "adam", "adam_amsgrad_decay", "adamw", "adamw_amsgrad" };

    private static Optimizer Create(string variant, IEnumerable<ParameterGroup> groups, bool @foreach) => variant switch
    {
        "adam" => new Adam(groups, lr: 0.01, @foreach: @foreach),
        "adam_amsgrad_decay" => new Adam(groups, lr: 0.01, betas: (0.8, 0.99), weightDecay: 0.1, amsGrad: true, @foreach: @foreach),
        "adamw" => new AdamW(groups, lr: 0.01, @foreach: @foreach),
        _ => new AdamW(groups, lr: 0.01, weightDecay: 0.05, amsGrad: true, @foreach: @foreach),
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void ForeachStep_GivesTheSameBitsAsThePerParameterStep_OnTheCpu(string variant)
    {
        using var scope = TensorScope.Begin();
        Tensor[] Run(bool @foreach)
        {
            Torch.ManualSeed(3);
            using var first = new Linear(5, 4);
            using var second = new Linear(4, 2);
            var unused = new Parameter(Tensor.Randn(3));  // never gets a gradient: both steps skip it
            using var optimizer = Create(variant, [new ParameterGroup(first.Parameters()), new ParameterGroup([.. second.Parameters(), unused]) { LearningRate = 0.02 }], @foreach);
            var data = Tensor.Randn(6, 5);
            for (var step = 0; step < 10; step++)
            {
                using var inner = TensorScope.Begin();
                optimizer.ZeroGrad();
                second.Forward(Functional.Relu(first.Forward(data))).Pow(2).Mean().Backward();
                optimizer.Step();
            }
            optimizer.ForeachSteps.Should().Be(@foreach ? 10 : 0);
            var state = optimizer.StateDict();
            ((OrderedDictionary<object, object?>)state["state"]!).Keys.Should().Equal(0L, 1L, 2L, 3L);
            return [.. first.Parameters().Concat(second.Parameters()).Select(p => p.Detach().Clone()), unused.Detach().Clone()];
        }
        var perParameter = Run(false);
        var multiTensor = Run(true);
        multiTensor.Zip(perParameter).Should().OnlyContain(pair => pair.First.Equal(pair.Second));
    }

    [Fact]
    public void TheDefault_StepsPerParameterOnTheCpu_AsPyTorchDoes()
    {
        using var scope = TensorScope.Begin();
        using var model = new Linear(3, 2);
        using var optimizer = new Adam(model.Parameters());
        optimizer.ZeroGrad();
        model.Forward(Tensor.Randn(4, 3)).Sum().Backward();
        optimizer.Step();
        optimizer.ForeachSteps.Should().Be(0, "foreach=None takes the multi-tensor form on CUDA only");
    }
}
