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

/// <summary>Loading an optimizer state dict replaces all state, as PyTorch's load_state_dict does: a parameter the file has no state for starts afresh.</summary>
public class OptimizerStateReplacementTests
{
    public static TheoryData<string> Kinds() => new() { "sgd", "adam", "adamw", "rmsprop", "adagrad", "adamax" };

    private static Optimizer Create(string kind, IEnumerable<Parameter> parameters) => kind switch
    {
        "sgd" => new Sgd(parameters, lr: 0.1, momentum: 0.9),
        "adam" => new Adam(parameters, lr: 0.1),
        "adamw" => new AdamW(parameters, lr: 0.1),
        "rmsprop" => new RmsProp(parameters, lr: 0.1),
        "adagrad" => new Adagrad(parameters, lr: 0.1, initialAccumulatorValue: 0.5),
        "adamax" => new Adamax(parameters, lr: 0.1),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void LoadedState_WithoutAParametersEntry_StartsThatParameterAfresh(string kind)
    {
        using var scope = TensorScope.Begin();
        Parameter[] Parameters() => [new Parameter(Tensor.FromArray(new[] { 1.0f, -2.0f })), new Parameter(Tensor.FromArray(new[] { 0.5f, 3.0f }))];
        void Steps(Optimizer optimizer, Parameter[] parameters, int count)
        {
            for (var i = 0; i < count; i++)
            {
                optimizer.ZeroGrad();
                (parameters[0].Pow(2).Sum() + parameters[1].Pow(3).Sum()).Backward();
                optimizer.Step();
            }
        }

        // The file: state for the first parameter only, after three steps.
        var saved = Parameters();
        var savedOptimizer = Create(kind, saved);
        Steps(savedOptimizer, saved, 3);
        var file = savedOptimizer.StateDict();
        var state = (System.Collections.IDictionary)file["state"]!;
        state.Remove(1L);

        // A trained optimizer loads it; its second parameter must then step as a fresh optimizer's would.
        var trained = Parameters();
        var optimizer = Create(kind, trained);
        Steps(optimizer, trained, 5);
        optimizer.LoadStateDict(file);
        var fresh = Parameters();
        using (Autograd.NoGrad()) fresh[1].CopyFrom(trained[1]);
        var freshOptimizer = Create(kind, [fresh[1]]);
        Steps(optimizer, trained, 1);
        freshOptimizer.ZeroGrad();
        fresh[1].Pow(3).Sum().Backward();
        freshOptimizer.Step();
        trained[1].Equal(fresh[1]).Should().BeTrue($"{kind} forgot the second parameter's state");
    }
}
