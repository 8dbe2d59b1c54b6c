using NeuralCore.IO;
using NeuralCore.NN;
using NeuralCore.Optim;

namespace NeuralCore.Tests;

/// <summary>Optimizer state in PyTorch's format: training resumes across NeuralCore and python3-torch, both ways.</summary>
public partial class InteropTests
{
    // The same optimizers as check_neuralcore_files.py's optimizer modes.
    private static readonly Dictionary<string, Func<IEnumerable<Parameter>, Optimizer>> ResumableOptimizers = new()
    {
        ["sgd"] = p => new Sgd(p, lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01),
        ["adam"] = p => new Adam(p, lr: 0.01, betas: (0.8, 0.99), weightDecay: 0.01, amsGrad: true),
        ["adamw"] = p => new AdamW(p, lr: 0.01),
        ["rmsprop"] = p => new RmsProp(p, lr: 0.01, momentum: 0.5, centered: true),
        ["adagrad"] = p => new Adagrad(p, lr: 0.1, lrDecay: 0.01),
        ["adadelta"] = p => new Adadelta(p, lr: 1.0, rho: 0.9, weightDecay: 0.01),
        ["adamax"] = p => new Adamax(p, lr: 0.05, betas: (0.8, 0.99)),
        ["radam"] = p => new RAdam(p, lr: 0.01),
        ["rprop"] = p => new Rprop(p, lr: 0.05),
        ["asgd"] = p => new Asgd(p, lr: 0.05, lambd: 0.01, alpha: 0.75, t0: 3, weightDecay: 0.01),
    };

    private static void Train(Linear model, Optimizer optimizer, Tensor data, Tensor target, int steps)
    {
        for (var step = 0; step < steps; step++)
        {
            using var scope = TensorScope.Begin();
            optimizer.ZeroGrad();
            (model.Forward(data) - target).Pow(2).Mean().Backward();
            optimizer.Step();
        }
    }

    private static void ShouldMatch(Linear model, System.Text.Json.JsonElement expected)
    {
        model.Weight.ToArray<float>().Select(v => (double)v).Should().Equal(Support.NNGolden.Numbers(expected.GetProperty("weight")), (a, b) => Math.Abs(a - b) < 1e-5);
        model.Bias!.ToArray<float>().Select(v => (double)v).Should().Equal(Support.NNGolden.Numbers(expected.GetProperty("bias")), (a, b) => Math.Abs(a - b) < 1e-5);
    }

    public static TheoryData<string> ResumableOptimizerNames() => new(ResumableOptimizers.Keys);

    [Theory]
    [MemberData(nameof(ResumableOptimizerNames))]
    public void OptimizerState_SavedByNeuralCore_ResumesInPyTorch_Live(string kind)
    {
        if (!PythonTorchAvailable()) return;  // CI installs python3-torch
        using var scope = TensorScope.Begin();
        var path = Path.Combine(Path.GetTempPath(), $"neuralcore-optimizer-{Guid.NewGuid():N}.pt");
        using var model = new Linear(4, 3);
        using var optimizer = ResumableOptimizers[kind](model.Parameters());
        var data = Tensor.Randn(8, 4);
        var target = Tensor.Randn(8, 3);
        Train(model, optimizer, data, target, 3);
        Serialization.SaveObject(new Dictionary<string, object?>
        {
            ["model"] = model.StateDict(), ["optimizer"] = optimizer.StateDict(), ["data"] = data, ["target"] = target,
        }, path);
        Train(model, optimizer, data, target, 3);
        using var resumed = RunPython("optimizer-continue", kind, path);
        ShouldMatch(model, resumed.RootElement);
        File.Delete(path);
    }

    [Theory]
    [MemberData(nameof(ResumableOptimizerNames))]
    public void OptimizerState_SavedByPyTorch_ResumesInNeuralCore_Live(string kind)
    {
        if (!PythonTorchAvailable()) return;  // CI installs python3-torch
        using var scope = TensorScope.Begin();
        var path = Path.Combine(Path.GetTempPath(), $"neuralcore-optimizer-{Guid.NewGuid():N}.pt");
        using var expected = RunPython("optimizer-start", kind, path);
        var checkpoint = (OrderedDictionary<object, object?>)Serialization.LoadObject(path)!;
        using var model = new Linear(4, 3);
        model.LoadStateDict(((OrderedDictionary<object, object?>)checkpoint["model"]!).ToDictionary(e => (string)e.Key, e => (Tensor)e.Value!));
        // Other hyper-parameters than PyTorch's: loading the state dict must set them, as PyTorch's load_state_dict does.
        using var optimizer = kind switch
        {
            "sgd" => (Optimizer)new Sgd(model.Parameters(), lr: 5, momentum: 0.1),
            "adam" => new Adam(model.Parameters(), lr: 5),
            "adamw" => new AdamW(model.Parameters(), lr: 5, weightDecay: 0.5),
            "rmsprop" => new RmsProp(model.Parameters(), lr: 5, momentum: 0.1, centered: true),
            "adagrad" => new Adagrad(model.Parameters(), lr: 5),
            // Written over tensor operations: the rate and β1 load; the other settings must be the file's.
            "adadelta" => new Adadelta(model.Parameters(), lr: 5, rho: 0.9, weightDecay: 0.01),
            "adamax" => new Adamax(model.Parameters(), lr: 5, betas: (0.3, 0.99)),
            "radam" => new RAdam(model.Parameters(), lr: 5, betas: (0.3, 0.999)),
            "rprop" => new Rprop(model.Parameters(), lr: 5),
            _ => new Asgd(model.Parameters(), lr: 5, lambd: 0.01, alpha: 0.75, t0: 3, weightDecay: 0.01),
        };
        optimizer.LoadStateDict(checkpoint["optimizer"]!);
        optimizer.LearningRate.Should().Be(expected.RootElement.GetProperty("lr").GetDouble());
        var state = optimizer.StateDict();
        ((OrderedDictionary<object, object?>)state["state"]!)[0L].As<OrderedDictionary<string, object?>>().Keys
            .Should().BeEquivalentTo(expected.RootElement.GetProperty("state_keys").EnumerateArray().Select(k => k.GetString()));
        Train(model, optimizer, (Tensor)checkpoint["data"]!, (Tensor)checkpoint["target"]!, 3);
        ShouldMatch(model, expected.RootElement);
        File.Delete(path);
    }

    [Fact]
    public void OptimizerStateDict_RoundTripsInProcess_AndRefusesMismatchedGroups()
    {
        using var scope = TensorScope.Begin();
        using var model = new Linear(4, 3);
        using var optimizer = new Adam(model.Parameters(), lr: 0.01);
        var data = Tensor.Randn(8, 4);
        var target = Tensor.Randn(8, 3);
        Train(model, optimizer, data, target, 2);
        var path = Path.Combine(Path.GetTempPath(), $"neuralcore-optimizer-{Guid.NewGuid():N}.pt");
        Serialization.SaveObject(new Dictionary<string, object?> { ["model"] = model.StateDict(), ["optimizer"] = optimizer.StateDict() }, path);
        using var copy = new Linear(4, 3);
        copy.LoadStateDict(model.StateDict().ToDictionary(e => e.Key, e => e.Value));
        using var copyOptimizer = new Adam(copy.Parameters(), lr: 0.5);
        copyOptimizer.LoadStateDict(((OrderedDictionary<object, object?>)Serialization.LoadObject(path)!)["optimizer"]!);
        Train(model, optimizer, data, target, 3);
        Train(copy, copyOptimizer, data, target, 3);
        copy.Weight.Equal(model.Weight).Should().BeTrue("the moments, step counts and rate came back");
        using var other = new Linear(5, 3);
        using var otherOptimizer = new Adam([new ParameterGroup([other.Weight]), new ParameterGroup([other.Bias!])]);
        ((Action)(() => otherOptimizer.LoadStateDict(optimizer.StateDict()))).Should().Throw<ArgumentException>().WithMessage("*1 parameter groups, this optimizer 2*");
        using var sgd = new Sgd(model.Parameters(), lr: 0.1);
        ((Action)(() => sgd.LoadStateDict(optimizer.StateDict()))).Should().Throw<ArgumentException>().WithMessage("*'step'*");
        using var lbfgs = new Lbfgs(model.Parameters());
        ((Action)(() => lbfgs.StateDict())).Should().Throw<NotSupportedException>();
        using var adamax = new Adamax(model.Parameters(), eps: 1e-6);
        using var otherAdamax = new Adamax(model.Parameters());
        ((Action)(() => otherAdamax.LoadStateDict(adamax.StateDict()))).Should().Throw<ArgumentException>().WithMessage("*eps is 1E-06, this optimizer's 1E-08*");
        File.Delete(path);
    }
}
