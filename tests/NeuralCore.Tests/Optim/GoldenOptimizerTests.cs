using NeuralCore.NN;
using NeuralCore.Optim;
using NeuralCore.Tests.Support;

namespace NeuralCore.Tests;

/// <summary>
/// Each optimizer's 10-step trajectory on a fixed problem equals PyTorch's (Fixtures/nn_golden.json) to 1e-5 relative,
/// and each scheduler's learning rates equal PyTorch's.
/// </summary>
public class GoldenOptimizerTests
{
    private static readonly Dictionary<string, Func<Parameter[], Optimizer>> Optimizers = new()
    {
        ["sgd"] = p => new Sgd(p, lr: 0.1),
        ["sgd_momentum_nesterov_decay"] = p => new Sgd(p, lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.01),
        ["sgd_dampening"] = p => new Sgd(p, lr: 0.05, momentum: 0.8, dampening: 0.3),
        ["sgd_groups"] = p => new Sgd([new ParameterGroup([p[0]]), new ParameterGroup([p[1]]) { LearningRate = 0.5 }], lr: 0.05, momentum: 0.5),
        ["adam"] = p => new Adam(p, lr: 0.05),
        ["adam_amsgrad_decay"] = p => new Adam(p, lr: 0.05, betas: (0.8, 0.99), weightDecay: 0.1, amsGrad: true),
        ["adamw"] = p => new AdamW(p, lr: 0.05),
        ["rmsprop"] = p => new RmsProp(p, lr: 0.01),
        ["rmsprop_centered_momentum"] = p => new RmsProp(p, lr: 0.01, alpha: 0.9, momentum: 0.5, centered: true, weightDecay: 0.01),
        ["adagrad"] = p => new Adagrad(p, lr: 0.1, lrDecay: 0.01, initialAccumulatorValue: 0.1),
        ["adadelta"] = p => new Adadelta(p, lr: 1.0, rho: 0.9, weightDecay: 0.01),
        ["adadelta_maximize"] = p => new Adadelta(p, lr: 0.1, maximize: true),
        ["adamax"] = p => new Adamax(p, lr: 0.05, betas: (0.8, 0.99)),
        ["nadam"] = p => new NAdam(p, lr: 0.05, weightDecay: 0.01),
        ["radam"] = p => new RAdam(p, lr: 0.05),
        ["rprop"] = p => new Rprop(p, lr: 0.05),
        ["asgd"] = p => new Asgd(p, lr: 0.05, lambd: 0.01, alpha: 0.75, t0: 3, weightDecay: 0.01),
    };

    public static TheoryData<string> OptimizerNames() => new(NNGolden.Names("optimizers"));

    [Theory]
    [MemberData(nameof(OptimizerNames))]
    public void Optimizer_TenStepTrajectory_MatchesPyTorch(string name)
    {
        Optimizers.Should().ContainKey(name);
        using var scope = TensorScope.Begin();
        Trajectory(Optimizers[name], _ => null).ShouldMatch(NNGolden.Values(NNGolden.Section("optimizers").GetProperty(name)));
    }

    /// <summary>
    /// generate_nn_golden.py's trajectory(): ten steps on the optimizer problem, the parameters after each, with a
    /// scheduler (from <paramref name="schedule"/>, if any) stepped after each optimizer step.
    /// </summary>
    private static Tensor Trajectory(Func<Parameter[], Optimizer> create, Func<Optimizer, LRScheduler?> schedule)
    {
        var weight = new Parameter(Tensor.FromArray(new float[] { 0.5f, -1f, 0.25f, 1.5f, 0.75f, -0.5f }, 2, 3));
        var bias = new Parameter(Tensor.FromArray(new float[] { 0.1f, -0.2f }));
        var data = NNGolden.Tensor(NNGolden.Section("optimizer_problem").GetProperty("data"));
        var goal = NNGolden.Tensor(NNGolden.Section("optimizer_problem").GetProperty("goal"));
        using var optimizer = create([weight, bias]);
        var scheduler = schedule(optimizer);
        var history = new List<Tensor>();
        for (var step = 0; step < 10; step++)
        {
            optimizer.ZeroGrad();
            var loss = (data.MatMul(weight.T) + bias - goal).Pow(2).Mean() + weight.Pow(4).Sum() * 0.01;
            loss.Backward();
            optimizer.Step();
            scheduler?.Step();
            history.Add(Tensor.Cat([weight.Detach().Flatten(), bias.Detach()]));
        }
        var result = Tensor.Stack(history.ToArray());
        weight.Dispose();
        bias.Dispose();
        return result;
    }

    // Plain SGD as a user writes it on the public base class.
    private sealed class HandWrittenSgd(IEnumerable<Parameter> parameters, double lr) : Optimizer([new ParameterGroup(parameters)], lr)
    {
        public override void Step()
        {
            using var mode = Autograd.NoGrad();
            foreach (var parameter in ParamGroups[0].Parameters)
                if (parameter.Grad is { } gradient)
                    using (var update = gradient * GetLearningRate(0))
                        parameter.SubInPlace(update);
        }
    }

    private static Tensor[] Train(Func<Parameter[], Optimizer> make, int steps, string? saveAfter = null, string? loadFrom = null)
    {
        using var scope = TensorScope.Begin();
        var weight = new Parameter(Tensor.FromArray(new float[] { 0.5f, -1f, 0.25f, 1.5f, 0.75f, -0.5f }, 2, 3));
        var bias = new Parameter(Tensor.FromArray(new float[] { 0.1f, -0.2f }));
        var data = NNGolden.Tensor(NNGolden.Section("optimizer_problem").GetProperty("data"));
        var goal = NNGolden.Tensor(NNGolden.Section("optimizer_problem").GetProperty("goal"));
        if (loadFrom is not null)
        {
            var saved = NeuralCore.IO.Serialization.Load(loadFrom + ".weights");
            using (Autograd.NoGrad())
            {
                weight.CopyFrom(saved["weight"]);
                bias.CopyFrom(saved["bias"]);
            }
        }
        using var optimizer = make([weight, bias]);
        if (loadFrom is not null) optimizer.Load(loadFrom);
        for (var step = 0; step < steps; step++)
        {
            optimizer.ZeroGrad();
            ((data.MatMul(weight.T) + bias - goal).Pow(2).Mean() + weight.Pow(4).Sum() * 0.01).Backward();
            optimizer.Step();
        }
        if (saveAfter is not null)
        {
            optimizer.Save(saveAfter);
            NeuralCore.IO.Serialization.Save([new("weight", weight.Detach()), new("bias", bias.Detach())], saveAfter + ".weights");
        }
        return [scope.Keep(weight.Detach().Clone()), scope.Keep(bias.Detach().Clone())];
    }

    [Fact]
    public void AnOptimizerWrittenByAUser_EqualsSgd()
    {
        var expected = Train(p => new Sgd(p, lr: 0.1), 10);
        var actual = Train(p => new HandWrittenSgd(p, lr: 0.1), 10);
        actual[0].AllClose(expected[0], relativeTolerance: 1e-6).Should().BeTrue();
        actual[1].AllClose(expected[1], relativeTolerance: 1e-6).Should().BeTrue();
    }

    [Theory]
    [InlineData("nadam")]
    [InlineData("asgd")]
    [InlineData("rprop")]
    public void ManagedOptimizer_SavedAndLoaded_ResumesExactly(string name)
    {
        var path = Path.Combine(Path.GetTempPath(), $"neuralcore-optimizer-{name}-{Guid.NewGuid():N}.pt");
        try
        {
            var straight = Train(Optimizers[name], 10);
            Train(Optimizers[name], 4, saveAfter: path);
            var resumed = Train(Optimizers[name], 6, loadFrom: path);
            resumed[0].Equal(straight[0]).Should().BeTrue("the moments, step counts and rates come back exactly");
            resumed[1].Equal(straight[1]).Should().BeTrue();
        }
        finally
        {
            File.Delete(path);
            File.Delete(path + ".weights");
        }
    }

    [Fact]
    public void EveryGoldenOptimizerIsCovered() => NNGolden.Names("optimizers").Should().BeEquivalentTo(Optimizers.Keys);

    private static readonly Dictionary<string, Func<Optimizer, LRScheduler>> Schedulers = new()
    {
        ["step"] = o => new StepLR(o, stepSize: 3, gamma: 0.5),
        ["multi_step"] = o => new MultiStepLR(o, [2, 5, 9], gamma: 0.3),
        ["exponential"] = o => new ExponentialLR(o, gamma: 0.8),
        ["cosine"] = o => new CosineAnnealingLR(o, tMax: 10, etaMin: 0.01),
        ["one_cycle"] = o => new OneCycleLR(o, maxLr: 1.0, totalSteps: 13, cycleMomentum: false),
        ["lambda"] = o => new LambdaLR(o, e => Math.Pow(0.95, e)),
        ["multiplicative"] = o => new MultiplicativeLR(o, e => e % 2 == 1 ? 0.9 : 1.05),
        ["linear"] = o => new LinearLR(o, startFactor: 0.25, endFactor: 1.0, totalIters: 4),
        ["constant"] = o => new ConstantLR(o, factor: 0.5, totalIters: 3),
        ["polynomial"] = o => new PolynomialLR(o, totalIters: 8, power: 2.0),
        ["cosine_warm_restarts"] = o => new CosineAnnealingWarmRestarts(o, t0: 3, tMult: 2, etaMin: 0.001),
        ["cyclic_triangular2"] = o => new CyclicLR(o, baseLr: 0.01, maxLr: 0.1, stepSizeUp: 2, stepSizeDown: 3, mode: CyclicMode.Triangular2, cycleMomentum: false),
        ["cyclic_exp_range"] = o => new CyclicLR(o, baseLr: 0.01, maxLr: 0.1, stepSizeUp: 3, mode: CyclicMode.ExpRange, gamma: 0.9, cycleMomentum: false),
        ["sequential"] = o => new SequentialLR(o, [new LinearLR(o, startFactor: 0.1, totalIters: 3), new ExponentialLR(o, gamma: 0.9)], [3]),
        ["chained"] = o => new ChainedScheduler([new ConstantLR(o, factor: 0.5, totalIters: 3), new ExponentialLR(o, gamma: 0.9)]),
        ["step_written_by_a_user"] = o => new HalveEveryThreeSteps(o),
    };

    // A scheduler a user writes: the base class is public; it must equal StepLR(stepSize: 3, gamma: 0.5).
    private sealed class HalveEveryThreeSteps(Optimizer optimizer) : LRScheduler(optimizer)
    {
        protected override double LearningRateAt(int epoch, double baseLearningRate) => baseLearningRate * Math.Pow(0.5, epoch / 3);
    }

    public static TheoryData<string> SchedulerNames() => new(Schedulers.Keys);

    [Theory]
    [MemberData(nameof(SchedulerNames))]
    public void Scheduler_LearningRates_MatchPyTorch(string name)
    {
        using var parameter = new Parameter(Tensor.Zeros(1));
        using var optimizer = new Sgd([parameter], lr: 0.1);
        var scheduler = Schedulers[name](optimizer);
        var rates = new List<double>();
        for (var step = 0; step < 12; step++)
        {
            optimizer.Step();
            scheduler.Step();
            rates.Add(optimizer.LearningRate);
        }
        var expected = NNGolden.Numbers(NNGolden.Section("schedulers").GetProperty(name == "step_written_by_a_user" ? "step" : name));
        rates.Should().Equal(expected, (a, b) => Math.Abs(a - b) <= 1e-12 * Math.Max(1, Math.Abs(b)));
    }

    private static readonly Dictionary<string, (Func<Parameter, Optimizer> Optimizer, Func<Optimizer, LRScheduler> Scheduler, int Steps)> MomentumSchedules = new()
    {
        ["one_cycle_sgd"] = (p => new Sgd([p], lr: 0.1, momentum: 0.9), o => new OneCycleLR(o, maxLr: 1.0, totalSteps: 13), 12),
        ["one_cycle_adam"] = (p => new Adam([p], lr: 1e-3), o => new OneCycleLR(o, maxLr: 0.01, totalSteps: 10, pctStart: 0.4, baseMomentum: 0.8, maxMomentum: 0.9), 9),
        ["cyclic_triangular2_sgd"] = (p => new Sgd([p], lr: 0.1, momentum: 0.9),
            o => new CyclicLR(o, baseLr: 0.01, maxLr: 0.1, stepSizeUp: 2, stepSizeDown: 3, mode: CyclicMode.Triangular2), 12),
        ["cyclic_exp_range_rmsprop"] = (p => new RmsProp([p], lr: 0.1, momentum: 0.5),
            o => new CyclicLR(o, baseLr: 0.01, maxLr: 0.1, stepSizeUp: 3, mode: CyclicMode.ExpRange, gamma: 0.9, baseMomentum: 0.6, maxMomentum: 0.95), 12),
    };

    private static readonly Dictionary<string, Func<Parameter[], Optimizer>> ScheduledOptimizers = new()
    {
        ["one_cycle_adamax"] = p => new Adamax(p, lr: 0.05),
        ["one_cycle_nadam"] = p => new NAdam(p, lr: 0.05),
        ["one_cycle_radam"] = p => new RAdam(p, lr: 0.05),
    };

    public static TheoryData<string> ScheduledOptimizerNames() => new(NNGolden.Names("scheduled_optimizers"));

    [Theory]
    [MemberData(nameof(ScheduledOptimizerNames))]
    public void OptimizersWrittenOverTensorOps_UnderOneCycleLR_UpdateWithTheCycledBeta1_AsPyTorch(string name)
    {
        ScheduledOptimizers.Should().ContainKey(name);
        using var scope = TensorScope.Begin();
        Trajectory(ScheduledOptimizers[name], optimizer => new OneCycleLR(optimizer, maxLr: 0.1, totalSteps: 12, baseMomentum: 0.8, maxMomentum: 0.95))
            .ShouldMatch(NNGolden.Values(NNGolden.Section("scheduled_optimizers").GetProperty(name)));
    }

    public static TheoryData<string> MomentumScheduleNames() => new(MomentumSchedules.Keys);

    [Theory]
    [MemberData(nameof(MomentumScheduleNames))]
    public void CyclingSchedulers_CycleMomentumOrBeta1_AsPyTorch(string name)
    {
        var (makeOptimizer, makeScheduler, steps) = MomentumSchedules[name];
        using var parameter = new Parameter(Tensor.Zeros(1));
        using var optimizer = makeOptimizer(parameter);
        var scheduler = makeScheduler(optimizer);
        var (rates, momenta) = (new List<double> { optimizer.LearningRate }, new List<double> { optimizer.GetMomentum(0) });
        for (var step = 0; step < steps; step++)
        {
            optimizer.Step();
            scheduler.Step();
            rates.Add(optimizer.LearningRate);
            momenta.Add(optimizer.GetMomentum(0));
        }
        var golden = NNGolden.Section("momentum_schedules").GetProperty(name);
        rates.Should().Equal(NNGolden.Numbers(golden.GetProperty("rates")), (a, b) => Math.Abs(a - b) <= 1e-12 * Math.Max(1, Math.Abs(b)));
        momenta.Should().Equal(NNGolden.Numbers(golden.GetProperty("momenta")), (a, b) => Math.Abs(a - b) <= 1e-12);
    }

    [Fact]
    public void EveryGoldenMomentumScheduleIsCovered() => NNGolden.Names("momentum_schedules").Should().BeEquivalentTo(MomentumSchedules.Keys);

    [Fact]
    public void CyclingMomentum_OnAnOptimizerWithout_FailsClearly_AndCanBeTurnedOff()
    {
        using var parameter = new Parameter(Tensor.Zeros(1));
        using var adagrad = new Adagrad([parameter], lr: 0.1);
        var cycling = () => new OneCycleLR(adagrad, maxLr: 1.0, totalSteps: 10);
        cycling.Should().Throw<TorchException>().WithMessage("*momentum or beta1*");
        _ = new OneCycleLR(adagrad, maxLr: 1.0, totalSteps: 10, cycleMomentum: false);
        using var adadelta = new Adadelta([new ParameterGroup([parameter])]);
        var managed = () => new CyclicLR(adadelta, baseLr: 0.01, maxLr: 0.1);
        managed.Should().Throw<NotSupportedException>().WithMessage("*Adadelta keeps no momentum*");
        _ = new CyclicLR(adadelta, baseLr: 0.01, maxLr: 0.1, cycleMomentum: false);
    }

    [Fact]
    public void ReduceLROnPlateau_LearningRates_MatchPyTorch()
    {
        using var parameter = new Parameter(Tensor.Zeros(1));
        using var optimizer = new Sgd([parameter], lr: 0.1);
        var scheduler = new ReduceLROnPlateau(optimizer, factor: 0.5, patience: 2, cooldown: 1);
        var rates = new List<double>();
        foreach (var metric in NNGolden.Numbers(NNGolden.Section("plateau_metrics")))
        {
            optimizer.Step();
            scheduler.Step(metric);
            rates.Add(optimizer.LearningRate);
        }
        rates.Should().Equal(NNGolden.Numbers(NNGolden.Section("schedulers").GetProperty("plateau")), (a, b) => Math.Abs(a - b) <= 1e-12);
    }

    [Fact]
    public void ClipGradNorm_ScalesGradientsToTheMaximumNorm()
    {
        using var scope = TensorScope.Begin();
        var a = new Parameter(Tensor.Zeros(2));
        var b = new Parameter(Tensor.Zeros(1));
        (a * Tensor.FromArray(new float[] { 3, 0 })).Sum().Backward();
        (b * 4).Sum().Backward();
        var norm = Utils.ClipGradNorm([a, b], maxNorm: 1.0);
        norm.Should().BeApproximately(5.0, 1e-6);
        a.Grad!.ToArray<float>()[0].Should().BeApproximately(0.6f, 1e-5f);
        b.Grad!.ToArray<float>()[0].Should().BeApproximately(0.8f, 1e-5f);
        Utils.ClipGradNorm([a, b], maxNorm: 1.0, normType: double.PositiveInfinity).Should().BeApproximately(0.8, 1e-5);
        a.Dispose();
        b.Dispose();
    }

    [Fact]
    public void LearningRate_CanBeSetAndReadPerGroup()
    {
        using var first = new Parameter(Tensor.Zeros(1));
        using var second = new Parameter(Tensor.Zeros(1));
        using var optimizer = new Adam([new ParameterGroup([first]), new ParameterGroup([second]) { LearningRate = 0.5 }], lr: 0.1);
        optimizer.GetLearningRate(1).Should().Be(0.5);
        optimizer.LearningRate = 0.01;
        optimizer.GetLearningRate(0).Should().Be(0.01);
        optimizer.GetLearningRate(1).Should().Be(0.01);
        var act = () => optimizer.GetLearningRate(2);
        act.Should().Throw<TorchException>().WithMessage("*group 2 does not exist*");
    }
}
