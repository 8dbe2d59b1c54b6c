using System.Text.Json;
using NeuralCore.NN;
using NeuralCore.Optim;
using NeuralCore.Tests.Support;

namespace NeuralCore.Tests;

/// <summary>L-BFGS against python3-torch's torch.optim.LBFGS on the golden optimizer problem, with and without line search.</summary>
public class LbfgsTests
{
    public static TheoryData<string> CaseNames() => new(NNGolden.Names("lbfgs"));

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Steps_MatchPyTorch_Parameters_Losses_AndEvaluationCounts(string name)
    {
        var golden = NNGolden.Section("lbfgs").GetProperty(name);
        var dtype = golden.GetProperty("dtype").GetString() == "float32" ? DType.Float32 : DType.Float64;
        var options = golden.GetProperty("options");
        double Option(string key, double fallback) => options.TryGetProperty(key, out var value) ? value.GetDouble() : fallback;
        using var scope = TensorScope.Begin();
        var weight = new Parameter(Tensor.FromArray(new[] { 0.5, -1.0, 0.25, 1.5, 0.75, -0.5 }, 2, 3).To(dtype));
        var bias = new Parameter(Tensor.FromArray(new[] { 0.1, -0.2 }).To(dtype));
        var data = NNGolden.Tensor(NNGolden.Section("optimizer_problem").GetProperty("data")).To(dtype);
        var goal = NNGolden.Tensor(NNGolden.Section("optimizer_problem").GetProperty("goal")).To(dtype);
        using var optimizer = new Lbfgs([weight, bias], lr: Option("lr", 1), maxIter: (int)Option("max_iter", 20),
            maxEval: options.TryGetProperty("max_eval", out var maxEval) ? maxEval.GetInt32() : null,
            toleranceGrad: Option("tolerance_grad", 1e-7), toleranceChange: Option("tolerance_change", 1e-9),
            historySize: (int)Option("history_size", 100),
            lineSearchFn: options.TryGetProperty("line_search_fn", out var search) ? search.GetString() : null);
        var closureCalls = 0;
        Tensor Closure()
        {
            closureCalls++;
            optimizer.ZeroGrad();
            var loss = (data.MatMul(weight.T) + bias - goal).Pow(2).Mean() + weight.Pow(4).Sum() * 0.01;
            loss.Backward();
            return loss;
        }
        var tolerance = dtype == DType.Float32 ? 1e-5 : 1e-9;
        var history = new List<Tensor>();
        var expectedLosses = golden.GetProperty("losses").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var expectedEvals = golden.GetProperty("func_evals").EnumerateArray().Select(v => v.GetInt64()).ToArray();
        var expectedIterations = golden.GetProperty("n_iter").EnumerateArray().Select(v => v.GetInt64()).ToArray();
        for (var step = 0; step < expectedLosses.Length; step++)
        {
            var loss = optimizer.Step(Closure);
            loss.Item<double>().Should().BeApproximately(expectedLosses[step], tolerance * Math.Max(1, Math.Abs(expectedLosses[step])), $"the loss of step {step}");
            optimizer.FuncEvals.Should().Be(expectedEvals[step], $"closure evaluations after step {step}");
            optimizer.NIter.Should().Be(expectedIterations[step], $"iterations after step {step}");
            history.Add(Tensor.Cat([weight.Detach().Flatten(), bias.Detach()]));
        }
        closureCalls.Should().Be((int)expectedEvals[^1]);
        Tensor.Stack(history.ToArray()).ShouldMatch(NNGolden.Values(golden.GetProperty("parameters")), tolerance);
        weight.Dispose();
        bias.Dispose();
    }

    [Fact]
    public void StepWithoutAClosure_AndAnUnknownLineSearch_Throw()
    {
        using var parameter = new Parameter(Tensor.Zeros(3));
        using var optimizer = new Lbfgs([parameter]);
        ((Action)optimizer.Step).Should().Throw<InvalidOperationException>().WithMessage("*Step(closure)*");
        ((Action)(() => _ = new Lbfgs([parameter], lineSearchFn: "backtracking"))).Should().Throw<ArgumentException>().WithMessage("*strong_wolfe*");
    }

    [Fact]
    public void Rosenbrock_WithStrongWolfe_ReachesTheMinimum()
    {
        // f(x, y) = (1 − x)² + 100 (y − x²)², minimum 0 at (1, 1): an analytic check independent of PyTorch.
        using var scope = TensorScope.Begin();
        var point = new Parameter(Tensor.FromArray(new[] { -1.5, 2.0 }));
        using var optimizer = new Lbfgs([point], maxIter: 100, lineSearchFn: "strong_wolfe");
        optimizer.Step(() =>
        {
            optimizer.ZeroGrad();
            var x = point[0];
            var y = point[1];
            var loss = (1 - x).Pow(2) + 100 * (y - x.Pow(2)).Pow(2);
            loss.Backward();
            return loss;
        });
        // It stops when the loss changes by less than toleranceChange (1e-9), a few 1e-6 from the minimum.
        point.ToArray<double>().Should().Equal([1.0, 1.0], (a, b) => Math.Abs(a - b) < 1e-5);
        point.Dispose();
    }
}
