using NeuralCore.NN;

namespace NeuralCore.Optim;

/// <summary>Shared parts of the optimizers written over tensor operations: the loop over parameters with gradients.</summary>
public abstract class ElementwiseOptimizer : Optimizer
{
    /// <param name="momentum">β1 (or a momentum) that schedulers may cycle (<see cref="Optimizer.GetMomentum"/>); null when there is none.</param>
    protected ElementwiseOptimizer(IEnumerable<ParameterGroup> groups, double lr, double weightDecay, bool maximize, double? momentum = null) : base(groups, lr)
    {
        WeightDecay = Hyperparameter.NonNegative(weightDecay, nameof(weightDecay));
        Maximize = maximize;
        if (momentum is { } initial) DeclareMomentum(Hyperparameter.NonNegative(initial, nameof(momentum)));
    }

    /// <summary>Pairs as a group's settings (<see cref="Optimizer.GroupSettings"/>).</summary>
    protected static IEnumerable<KeyValuePair<string, object?>> Settings(params (string Key, object? Value)[] settings) =>
        settings.Select(s => new KeyValuePair<string, object?>(s.Key, s.Value));

    /// <summary>The group whose parameters <see cref="Update"/> is updating.</summary>
    protected int CurrentGroup { get; private set; }

    public double WeightDecay { get; }
    public bool Maximize { get; }

    /// <summary>Updates every parameter that has a gradient, group by group, outside autograd.</summary>
    public override void Step()
    {
        using var mode = Autograd.NoGrad();
        for (var group = 0; group < ParamGroups.Count; group++)
        {
            CurrentGroup = group;
            var rate = GetLearningRate(group);
            var decay = ParamGroups[group].WeightDecay ?? WeightDecay;
            foreach (var parameter in ParamGroups[group].Parameters)
            {
                if (parameter.Grad is not { } raw) continue;
                using var scope = TensorScope.Begin();
                var gradient = Maximize ? -raw : raw;
                // grad.add(param, alpha=weight_decay): one kernel, as PyTorch rounds it.
                if (decay != 0) gradient = gradient.Add(parameter, decay);
                Update(parameter, gradient, rate);
            }
        }
    }

    /// <summary>One parameter's update from its gradient (weight decay and maximize applied) at learning rate <paramref name="lr"/>.</summary>
    protected abstract void Update(Parameter parameter, Tensor gradient, double lr);

    /// <summary>A state tensor, created as <paramref name="initial"/> on first use.</summary>
    protected Tensor Buffer(Parameter parameter, string name, Func<Tensor> initial)
    {
        if (State(parameter).TryGetValue(name, out var existing)) return existing;
        var created = initial();
        SetState(parameter, name, created);
        return created;
    }

    /// <summary>The parameter's step count, incremented (kept as a Float64 scalar in the state, as PyTorch keeps "step").</summary>
    protected long NextStep(Parameter parameter)
    {
        var step = Buffer(parameter, "step", () => Tensor.Zeros([], DType.Float64));
        step.AddInPlace(1);
        return (long)step.Item<double>();
    }
}

/// <summary>Adadelta (torch.optim.Adadelta): per-element rates from running averages of squared gradients and updates.</summary>
public sealed class Adadelta(IEnumerable<ParameterGroup> groups, double lr = 1.0, double rho = 0.9, double eps = 1e-6, double weightDecay = 0,
    bool maximize = false) : ElementwiseOptimizer(groups, lr, weightDecay, maximize)
{
    public Adadelta(IEnumerable<Parameter> parameters, double lr = 1.0, double rho = 0.9, double eps = 1e-6, double weightDecay = 0, bool maximize = false)
        : this(OneGroup(parameters), lr, rho, eps, weightDecay, maximize) { }

    protected override IEnumerable<KeyValuePair<string, object?>> GroupSettings(int group) => Settings(
        ("rho", rho), ("eps", eps), ("weight_decay", ParamGroups[group].WeightDecay ?? WeightDecay), ("foreach", null), ("maximize", Maximize), ("differentiable", false));

    protected override void Update(Parameter parameter, Tensor gradient, double lr)
    {
        NextStep(parameter);  // unused by the update; PyTorch keeps it, and its state dicts carry it
        var squareAverage = Buffer(parameter, "square_avg", () => parameter.ZerosLike());
        var accumulatedDelta = Buffer(parameter, "acc_delta", () => parameter.ZerosLike());
        // PyTorch's single-tensor Adadelta, operation for operation, so that the rounding is the same.
        squareAverage.MulInPlace(rho).AddcmulInPlace(gradient, gradient, 1 - rho);
        using var std = squareAverage.Add(eps).SqrtInPlace();
        using var delta = accumulatedDelta.Add(eps).SqrtInPlace().DivInPlace(std).MulInPlace(gradient);
        accumulatedDelta.MulInPlace(rho).AddcmulInPlace(delta, delta, 1 - rho);
        parameter.AddInPlace(delta, -lr);
    }
}

/// <summary>Adamax (torch.optim.Adamax): Adam with the infinity norm of past gradients.</summary>
public sealed class Adamax(IEnumerable<ParameterGroup> groups, double lr = 2e-3, (double, double)? betas = null, double eps = 1e-8,
    double weightDecay = 0, bool maximize = false) : ElementwiseOptimizer(groups, lr, weightDecay, maximize, (betas ?? (0.9, 0.999)).Item1)
{
    private readonly (double Beta1, double Beta2) betas = betas ?? (0.9, 0.999);

    public Adamax(IEnumerable<Parameter> parameters, double lr = 2e-3, (double, double)? betas = null, double eps = 1e-8, double weightDecay = 0,
        bool maximize = false)
        : this(OneGroup(parameters), lr, betas, eps, weightDecay, maximize) { }

    protected override IEnumerable<KeyValuePair<string, object?>> GroupSettings(int group) => Settings(
        ("betas", new object?[] { GetMomentum(group), betas.Beta2 }), ("eps", eps), ("weight_decay", ParamGroups[group].WeightDecay ?? WeightDecay),
        ("foreach", null), ("maximize", Maximize), ("differentiable", false));

    protected override void Update(Parameter parameter, Tensor gradient, double lr)
    {
        var step = NextStep(parameter);
        var average = Buffer(parameter, "exp_avg", () => parameter.ZerosLike());
        var infinityNorm = Buffer(parameter, "exp_inf", () => parameter.ZerosLike());
        var beta1 = GetMomentum(CurrentGroup);
        average.MulInPlace(beta1).AddInPlace(gradient, 1 - beta1);
        infinityNorm.CopyFrom((infinityNorm * betas.Beta2).Maximum(gradient.Abs() + eps));
        var clr = lr / (1 - Math.Pow(beta1, step));
        parameter.AddcdivInPlace(average, infinityNorm, -clr);
    }
}

/// <summary>
/// NAdam (torch.optim.NAdam): Adam with Nesterov momentum and PyTorch's momentum decay schedule, as PyTorch 2.x
/// computes it (1.13 multiplied the current momentum into the next product twice).
/// </summary>
public sealed class NAdam(IEnumerable<ParameterGroup> groups, double lr = 2e-3, (double, double)? betas = null, double eps = 1e-8,
    double weightDecay = 0, double momentumDecay = 4e-3) : ElementwiseOptimizer(groups, lr, weightDecay, maximize: false, (betas ?? (0.9, 0.999)).Item1)
{
    private readonly (double Beta1, double Beta2) betas = betas ?? (0.9, 0.999);

    public NAdam(IEnumerable<Parameter> parameters, double lr = 2e-3, (double, double)? betas = null, double eps = 1e-8, double weightDecay = 0,
        double momentumDecay = 4e-3)
        : this(OneGroup(parameters), lr, betas, eps, weightDecay, momentumDecay) { }

    protected override IEnumerable<KeyValuePair<string, object?>> GroupSettings(int group) => Settings(
        ("betas", new object?[] { GetMomentum(group), betas.Beta2 }), ("eps", eps), ("weight_decay", ParamGroups[group].WeightDecay ?? WeightDecay),
        ("momentum_decay", momentumDecay), ("foreach", null), ("differentiable", false));

    protected override void Update(Parameter parameter, Tensor gradient, double lr)
    {
        var step = NextStep(parameter);
        var product = Buffer(parameter, "mu_product", () => Tensor.Ones([], DType.Float64));
        var average = Buffer(parameter, "exp_avg", () => parameter.ZerosLike());
        var squares = Buffer(parameter, "exp_avg_sq", () => parameter.ZerosLike());
        var correction2 = 1 - Math.Pow(betas.Beta2, step);
        var beta1 = GetMomentum(CurrentGroup);
        var mu = beta1 * (1 - 0.5 * Math.Pow(0.96, step * momentumDecay));
        var muNext = beta1 * (1 - 0.5 * Math.Pow(0.96, (step + 1) * momentumDecay));
        product.MulInPlace(mu);
        var muProduct = product.Item<double>();
        // PyTorch 2.x's mu_product · mu_next (1.13 multiplied mu in twice, a bug 2.0 fixed).
        var muProductNext = muProduct * muNext;
        average.MulInPlace(beta1).AddInPlace(gradient, 1 - beta1);
        squares.MulInPlace(betas.Beta2).AddcmulInPlace(gradient, gradient, 1 - betas.Beta2);
        using var denominator = squares.Div(correction2).SqrtInPlace().AddInPlace(eps);
        parameter.AddcdivInPlace(gradient, denominator, -lr * (1 - mu) / (1 - muProduct));
        parameter.AddcdivInPlace(average, denominator, -lr * muNext / (1 - muProductNext));
    }
}

/// <summary>RAdam (torch.optim.RAdam): Adam whose adaptive rate is rectified while the variance estimate is unreliable.</summary>
public sealed class RAdam(IEnumerable<ParameterGroup> groups, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8,
    double weightDecay = 0) : ElementwiseOptimizer(groups, lr, weightDecay, maximize: false, (betas ?? (0.9, 0.999)).Item1)
{
    private readonly (double Beta1, double Beta2) betas = betas ?? (0.9, 0.999);

    public RAdam(IEnumerable<Parameter> parameters, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8, double weightDecay = 0)
        : this(OneGroup(parameters), lr, betas, eps, weightDecay) { }

    protected override IEnumerable<KeyValuePair<string, object?>> GroupSettings(int group) => Settings(
        ("betas", new object?[] { GetMomentum(group), betas.Beta2 }), ("eps", eps), ("weight_decay", ParamGroups[group].WeightDecay ?? WeightDecay),
        ("foreach", null), ("differentiable", false));

    protected override void Update(Parameter parameter, Tensor gradient, double lr)
    {
        var step = NextStep(parameter);
        var average = Buffer(parameter, "exp_avg", () => parameter.ZerosLike());
        var squares = Buffer(parameter, "exp_avg_sq", () => parameter.ZerosLike());
        var beta1 = GetMomentum(CurrentGroup);
        average.MulInPlace(beta1).AddInPlace(gradient, 1 - beta1);
        squares.MulInPlace(betas.Beta2).AddcmulInPlace(gradient, gradient, 1 - betas.Beta2);
        var correction1 = 1 - Math.Pow(beta1, step);
        var correction2 = 1 - Math.Pow(betas.Beta2, step);
        var corrected = average / correction1;
        var rhoInfinity = 2 / (1 - betas.Beta2) - 1;
        var rho = rhoInfinity - 2 * step * Math.Pow(betas.Beta2, step) / correction2;
        if (rho > 5)
        {
            var rectification = Math.Sqrt((rho - 4) * (rho - 2) * rhoInfinity / ((rhoInfinity - 4) * (rhoInfinity - 2) * rho));
            var adaptive = Math.Sqrt(correction2) / (squares.Sqrt() + eps);
            parameter.SubInPlace(corrected * lr * adaptive * rectification);
        }
        else parameter.SubInPlace(corrected * lr);
    }
}

/// <summary>Rprop (torch.optim.Rprop): per-element step sizes grown or shrunk by the sign agreement of successive gradients.</summary>
public sealed class Rprop(IEnumerable<ParameterGroup> groups, double lr = 1e-2, (double, double)? etas = null, (double, double)? stepSizes = null,
    bool maximize = false) : ElementwiseOptimizer(groups, lr, weightDecay: 0, maximize)
{
    private readonly (double Minus, double Plus) etas = etas ?? (0.5, 1.2);
    private readonly (double Min, double Max) stepSizes = stepSizes ?? (1e-6, 50);

    public Rprop(IEnumerable<Parameter> parameters, double lr = 1e-2, (double, double)? etas = null, (double, double)? stepSizes = null, bool maximize = false)
        : this(OneGroup(parameters), lr, etas, stepSizes, maximize) { }

    protected override IEnumerable<KeyValuePair<string, object?>> GroupSettings(int group) => Settings(
        ("etas", new object?[] { etas.Minus, etas.Plus }), ("step_sizes", new object?[] { stepSizes.Min, stepSizes.Max }), ("foreach", null),
        ("maximize", Maximize), ("differentiable", false));

    protected override void Update(Parameter parameter, Tensor gradient, double lr)
    {
        NextStep(parameter);
        var previous = Buffer(parameter, "prev", () => parameter.ZerosLike());
        var stepSize = Buffer(parameter, "step_size", () => gradient.FullLike(lr));
        var agreement = (gradient * previous).Sign();
        var factor = agreement.OnesLike().MaskedFill(agreement.Gt(0), etas.Plus).MaskedFill(agreement.Lt(0), etas.Minus);
        stepSize.MulInPlace(factor).ClampInPlace(stepSizes.Min, stepSizes.Max);
        var kept = gradient.MaskedFill(factor.Eq(etas.Minus), 0);
        parameter.SubInPlace(kept.Sign() * stepSize);
        previous.CopyFrom(kept);
    }
}

/// <summary>Averaged SGD (torch.optim.ASGD): SGD with a decaying rate, keeping the average of the iterates in state "ax".</summary>
public sealed class Asgd(IEnumerable<ParameterGroup> groups, double lr = 1e-2, double lambd = 1e-4, double alpha = 0.75, double t0 = 1e6,
    double weightDecay = 0, bool maximize = false) : ElementwiseOptimizer(groups, lr, weightDecay, maximize)
{
    public Asgd(IEnumerable<Parameter> parameters, double lr = 1e-2, double lambd = 1e-4, double alpha = 0.75, double t0 = 1e6, double weightDecay = 0,
        bool maximize = false)
        : this(OneGroup(parameters), lr, lambd, alpha, t0, weightDecay, maximize) { }

    protected override IEnumerable<KeyValuePair<string, object?>> GroupSettings(int group) => Settings(
        ("lambd", lambd), ("alpha", alpha), ("t0", t0), ("weight_decay", ParamGroups[group].WeightDecay ?? WeightDecay), ("foreach", null),
        ("maximize", Maximize), ("differentiable", false));

    protected override void Update(Parameter parameter, Tensor gradient, double lr)
    {
        var step = NextStep(parameter);
        // Float32, as PyTorch keeps them (torch.tensor(lr)): the step uses lr rounded to Float32, as there.
        var eta = Buffer(parameter, "eta", () => Tensor.Full([], lr, DType.Float32));
        var mu = Buffer(parameter, "mu", () => Tensor.Ones([], DType.Float32));
        var average = Buffer(parameter, "ax", () => parameter.ZerosLike());
        var (etaValue, muValue) = (eta.Item<double>(), mu.Item<double>());
        parameter.MulInPlace(1 - lambd * etaValue);
        parameter.AddInPlace(gradient, -etaValue);
        if (muValue != 1) average.AddInPlace((parameter - average) * muValue);
        else average.CopyFrom(parameter);
        eta.FillInPlace(lr / Math.Pow(1 + lambd * lr * step, alpha));
        mu.FillInPlace(1 / Math.Max(1, step - t0));
    }
}

/// <summary>
/// SparseAdam (torch.optim.SparseAdam): Adam for sparse gradients (<c>Embedding(sparse: true)</c>). Only the rows a
/// gradient touches have their moments and values updated, so rows absent from a batch keep their state, as
/// PyTorch's lazy Adam does. Dense gradients are refused.
/// </summary>
public sealed class SparseAdam : ElementwiseOptimizer
{
    private readonly (double Beta1, double Beta2) betas;
    private readonly double eps;

    public SparseAdam(IEnumerable<Parameter> parameters, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8, bool maximize = false)
        : this(OneGroup(parameters), lr, betas, eps, maximize) { }

    public SparseAdam(IEnumerable<ParameterGroup> groups, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8, bool maximize = false)
        : base(groups, lr, weightDecay: 0, maximize, (betas ?? (0.9, 0.999)).Item1)
    {
        if (!(lr > 0)) throw new ArgumentOutOfRangeException(nameof(lr), lr, "invalid learning rate: must be positive");
        if (!(eps > 0)) throw new ArgumentOutOfRangeException(nameof(eps), eps, "invalid epsilon value: must be positive");
        this.betas = betas ?? (0.9, 0.999);
        if (this.betas.Beta1 is < 0 or >= 1 || this.betas.Beta2 is < 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(betas), this.betas, "invalid beta parameters: each must be in [0, 1)");
        this.eps = eps;
        var sparse = ParamGroups.SelectMany(g => g.Parameters).Select((p, i) => (p, i)).Where(e => e.p.IsSparse()).Select(e => e.i).ToList();
        if (sparse.Count > 0)
            throw new ArgumentException($"sparse params at indices [{string.Join(", ", sparse)}]: SparseAdam requires dense parameter tensors", nameof(groups));
    }

    protected override IEnumerable<KeyValuePair<string, object?>> GroupSettings(int group) => Settings(
        ("betas", new object?[] { GetMomentum(group), betas.Beta2 }), ("eps", eps), ("maximize", Maximize));

    protected override void Update(Parameter parameter, Tensor gradient, double lr)
    {
        if (!gradient.IsSparse())
            throw new InvalidOperationException("SparseAdam does not support dense gradients, please consider Adam instead");
        var step = NextStep(parameter);
        var average = Buffer(parameter, "exp_avg", () => parameter.ZerosLike());
        var squares = Buffer(parameter, "exp_avg_sq", () => parameter.ZerosLike());
        var beta1 = GetMomentum(CurrentGroup);
        // PyTorch's sparse_adam, operation for operation: old += (1 - b)(new - old) on the touched rows only.
        var grad = gradient.Coalesce();
        var indices = grad.Indices();
        var values = grad.Values();
        Tensor Sparse(Tensor rowValues) => Tensor.SparseCooTensor(indices, rowValues, grad.Shape);
        var oldAverage = average.SparseMask(grad).Values();
        var averageUpdate = values.Sub(oldAverage).MulInPlace(1 - beta1);
        average.AddInPlace(Sparse(averageUpdate));
        var oldSquares = squares.SparseMask(grad).Values();
        var squaresUpdate = values.Pow(2).SubInPlace(oldSquares).MulInPlace(1 - betas.Beta2);
        squares.AddInPlace(Sparse(squaresUpdate));
        var numerator = averageUpdate.AddInPlace(oldAverage);
        var denominator = squaresUpdate.AddInPlace(oldSquares).SqrtInPlace().AddInPlace(eps);
        var stepSize = lr * Math.Sqrt(1 - Math.Pow(betas.Beta2, step)) / (1 - Math.Pow(beta1, step));
        parameter.AddInPlace(Sparse(numerator.DivInPlace(denominator).Mul(-stepSize)));
    }
}
