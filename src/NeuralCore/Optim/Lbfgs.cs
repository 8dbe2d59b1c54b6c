using NeuralCore.NN;

namespace NeuralCore.Optim;

/// <summary>
/// L-BFGS (torch.optim.LBFGS): a quasi-Newton method that re-evaluates the model through a closure, with an optional
/// strong-Wolfe line search. One parameter group, all parameters on one device; memory grows with
/// <c>historySize</c> copies of the flattened parameters.
/// </summary>
/// <example>
/// <code>
/// var optimizer = new Lbfgs(model.Parameters(), lr: 0.8);
/// optimizer.Step(() =>
/// {
///     optimizer.ZeroGrad();
///     var loss = criterion.Forward(model.Forward(x), y);
///     loss.Backward();
///     return loss;
/// });
/// </code>
/// </example>
public sealed class Lbfgs : Optimizer
{
    private readonly Parameter[] parameters;
    private readonly List<Tensor> oldDirections = [];  // y: gradient differences
    private readonly List<Tensor> oldSteps = [];  // s: parameter steps
    private readonly List<double> inverseCurvatures = [];  // ρ = 1 / (y·s)
    private Tensor? direction;  // d
    private Tensor? previousFlatGradient;
    private double stepLength;  // t
    private double hessianDiagonal = 1;
    private double previousLoss;

    /// <param name="parameters">The parameters, one group.</param>
    /// <param name="lr">The step length of an iteration without line search (and the initial one with it).</param>
    /// <param name="maxIter">Iterations per <see cref="Step(Func{Tensor})"/>.</param>
    /// <param name="maxEval">Closure evaluations per step; <c>maxIter</c> × 5 / 4 when null.</param>
    /// <param name="toleranceGrad">Stop when every gradient component is at most this.</param>
    /// <param name="toleranceChange">Stop when the step or the change of the loss is below this.</param>
    /// <param name="historySize">How many updates approximate the inverse Hessian.</param>
    /// <param name="lineSearchFn">null, or "strong_wolfe".</param>
    public Lbfgs(IEnumerable<Parameter> parameters, double lr = 1, int maxIter = 20, int? maxEval = null, double toleranceGrad = 1e-7,
        double toleranceChange = 1e-9, int historySize = 100, string? lineSearchFn = null) : base(OneGroup(parameters), lr)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxIter, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(historySize, 1);
        if (lineSearchFn is not (null or "strong_wolfe"))
            throw new ArgumentException($"only 'strong_wolfe' is supported, not '{lineSearchFn}'", nameof(lineSearchFn));
        this.parameters = ParamGroups[0].Parameters.ToArray();
        MaxIter = maxIter;
        MaxEval = maxEval ?? maxIter * 5 / 4;
        ToleranceGrad = Hyperparameter.NonNegative(toleranceGrad, nameof(toleranceGrad));
        ToleranceChange = Hyperparameter.NonNegative(toleranceChange, nameof(toleranceChange));
        HistorySize = historySize;
        LineSearchFn = lineSearchFn;
    }

    public int MaxIter { get; }
    public int MaxEval { get; }
    public double ToleranceGrad { get; }
    public double ToleranceChange { get; }
    public int HistorySize { get; }
    public string? LineSearchFn { get; }

    /// <summary>Closure evaluations so far, over every step (PyTorch's state["func_evals"]).</summary>
    public long FuncEvals { get; private set; }

    /// <summary>Iterations so far, over every step (PyTorch's state["n_iter"]).</summary>
    public long NIter { get; private set; }

    /// <summary>L-BFGS needs to re-evaluate the model: call <see cref="Step(Func{Tensor})"/>.</summary>
    public override void Step() =>
        throw new InvalidOperationException("LBFGS re-evaluates the model: call Step(closure), where the closure clears the gradients, computes the loss, calls Backward and returns the loss");

    /// <summary>
    /// Up to <see cref="MaxIter"/> iterations. <paramref name="closure"/> clears the gradients, computes the loss, calls
    /// Backward and returns the loss; it runs with gradients enabled. Returns the loss of its first evaluation.
    /// </summary>
    public Tensor Step(Func<Tensor> closure)
    {
        ArgumentNullException.ThrowIfNull(closure);
        using var mode = Autograd.NoGrad();
        using var scope = TensorScope.Begin();
        var lr = GetLearningRate(0);
        var dtype = parameters[0].DType;
        // Scalars PyTorch keeps as 0-dim tensors of the parameters' dtype are rounded to it.
        double Round(double value) => dtype == DType.Float32 ? (float)value : value;

        var originalLoss = scope.Keep(Evaluate(closure));
        var loss = originalLoss.Item<double>();
        var currentEvals = 1;
        FuncEvals++;
        var flatGradient = FlatGradient();
        if (AbsMax(flatGradient) <= Round(ToleranceGrad)) return originalLoss;

        var iteration = 0;
        while (iteration < MaxIter)
        {
            // An iteration's temporaries go with it; what the next one reads is kept (flatGradient) or stored.
            using var iterationScope = TensorScope.Begin();
            iteration++;
            NIter++;
            if (NIter == 1)
            {
                Replace(ref direction, flatGradient.Neg());
                Release(oldDirections);
                Release(oldSteps);
                inverseCurvatures.Clear();
                hessianDiagonal = 1;
            }
            else
            {
                var y = flatGradient - previousFlatGradient!;
                var s = direction!.Mul(stepLength);
                var ys = y.Dot(s).Item<double>();
                if (ys > Round(1e-10))
                {
                    if (oldDirections.Count == HistorySize)
                    {
                        oldDirections[0].Dispose();
                        oldSteps[0].Dispose();
                        oldDirections.RemoveAt(0);
                        oldSteps.RemoveAt(0);
                        inverseCurvatures.RemoveAt(0);
                    }
                    oldDirections.Add(Stored(y));
                    oldSteps.Add(Stored(s));
                    inverseCurvatures.Add(Round(1.0 / ys));
                    hessianDiagonal = Round(ys / y.Dot(y).Item<double>());
                }
                // Two-loop recursion: d = -H·g with H the L-BFGS approximation of the inverse Hessian.
                var count = oldDirections.Count;
                var alphas = new double[count];
                var q = flatGradient.Neg();
                for (var i = count - 1; i >= 0; i--)
                {
                    alphas[i] = Round(oldSteps[i].Dot(q).Item<double>() * inverseCurvatures[i]);
                    q.AddInPlace(oldDirections[i], -alphas[i]);
                }
                var r = q.Mul(hessianDiagonal);
                for (var i = 0; i < count; i++)
                {
                    var beta = Round(oldDirections[i].Dot(r).Item<double>() * inverseCurvatures[i]);
                    r.AddInPlace(oldSteps[i], Round(alphas[i] - beta));
                }
                Replace(ref direction, r);
            }
            if (previousFlatGradient is null) previousFlatGradient = Stored(flatGradient.Clone());
            else previousFlatGradient.CopyFrom(flatGradient);
            previousLoss = loss;

            if (NIter == 1)
            {
                var inverse = Round(1.0 / flatGradient.Abs().Sum().Item<double>());
                stepLength = inverse < 1 ? Round(inverse * lr) : lr;
            }
            else stepLength = lr;

            var gtd = flatGradient.Dot(direction!).Item<double>();
            if (gtd > Round(-ToleranceChange)) break;

            var lineSearchEvals = 0;
            var optimal = false;
            if (LineSearchFn is not null)
            {
                var start = parameters.Select(p => p.Clone()).ToArray();
                (loss, flatGradient, stepLength, lineSearchEvals) = StrongWolfe(closure, start, stepLength, direction!, loss, flatGradient, gtd);
                iterationScope.Keep(flatGradient);
                AddToParameters(stepLength, direction!);
                optimal = AbsMax(flatGradient) <= Round(ToleranceGrad);
            }
            else
            {
                AddToParameters(stepLength, direction!);
                if (iteration != MaxIter)
                {
                    loss = Evaluate(closure).Item<double>();
                    flatGradient = iterationScope.Keep(FlatGradient());
                    optimal = AbsMax(flatGradient) <= Round(ToleranceGrad);
                    lineSearchEvals = 1;
                }
            }
            currentEvals += lineSearchEvals;
            FuncEvals += lineSearchEvals;

            if (iteration == MaxIter || currentEvals >= MaxEval || optimal) break;
            if (AbsMax(direction!.Mul(stepLength)) <= Round(ToleranceChange)) break;
            if (Math.Abs(loss - previousLoss) < ToleranceChange) break;
        }
        return originalLoss;
    }

    /// <summary>Not available: L-BFGS's history is not kept in a form PyTorch's state dict can carry here.</summary>
    public override OrderedDictionary<string, object?> StateDict() =>
        throw new NotSupportedException("Lbfgs keeps its history outside the optimizer state; StateDict covers the other optimizers");

    /// <summary>Not available (see <see cref="StateDict"/>).</summary>
    public override void LoadStateDict(object stateDict) =>
        throw new NotSupportedException("Lbfgs keeps its history outside the optimizer state; LoadStateDict covers the other optimizers");

    private static Tensor Evaluate(Func<Tensor> closure)
    {
        using var grad = Autograd.EnableGrad();
        return closure() ?? throw new InvalidOperationException("the LBFGS closure returned null: it must return the loss");
    }

    private Tensor FlatGradient() =>
        Tensor.Cat(parameters.Select(p => p.Grad is { } grad ? grad.Reshape(-1) : Tensor.Zeros([p.NumberOfElements], p.DType, p.Device)).ToArray());

    private static double AbsMax(Tensor tensor) => tensor.Abs().Max().Item<double>();

    private void AddToParameters(double step, Tensor update)
    {
        long offset = 0;
        foreach (var parameter in parameters)
        {
            var count = parameter.NumberOfElements;
            parameter.AddInPlace(update.Narrow(0, offset, count).View(parameter.Shape), step);
            offset += count;
        }
    }

    private (double Loss, Tensor FlatGradient) DirectionalEvaluate(Func<Tensor> closure, Tensor[] start, double step, Tensor update)
    {
        AddToParameters(step, update);
        var loss = Evaluate(closure).Item<double>();
        var gradient = FlatGradient();
        for (var i = 0; i < parameters.Length; i++) parameters[i].CopyFrom(start[i]);
        return (loss, gradient);
    }

    // The line search of torch.optim.lbfgs._strong_wolfe (bracketing, then zoom by cubic interpolation).
    private (double Loss, Tensor Gradient, double Step, int Evaluations) StrongWolfe(Func<Tensor> closure, Tensor[] start, double t,
        Tensor d, double f, Tensor g, double gtd, double c1 = 1e-4, double c2 = 0.9, double toleranceChange = 1e-9, int maxLineSearch = 25)
    {
        var directionNorm = AbsMax(d);
        var (fNew, gNew) = DirectionalEvaluate(closure, start, t, d);
        var evaluations = 1;
        var gtdNew = gNew.Dot(d).Item<double>();
        double tPrevious = 0, fPrevious = f, gtdPrevious = gtd;
        var gPrevious = g;
        var done = false;
        var iteration = 0;
        double[] bracket = [], bracketF = [], bracketGtd = [0, 0];
        Tensor[] bracketG = [];
        while (iteration < maxLineSearch)
        {
            if (fNew > f + c1 * t * gtd || (iteration > 1 && fNew >= fPrevious))
            {
                (bracket, bracketF, bracketG, bracketGtd) = ([tPrevious, t], [fPrevious, fNew], [gPrevious, gNew], [gtdPrevious, gtdNew]);
                break;
            }
            if (Math.Abs(gtdNew) <= -c2 * gtd)
            {
                (bracket, bracketF, bracketG) = ([t], [fNew], [gNew]);
                done = true;
                break;
            }
            if (gtdNew >= 0)
            {
                (bracket, bracketF, bracketG, bracketGtd) = ([tPrevious, t], [fPrevious, fNew], [gPrevious, gNew], [gtdPrevious, gtdNew]);
                break;
            }
            var minStep = t + 0.01 * (t - tPrevious);
            var maxStep = t * 10;
            var previous = t;
            t = CubicInterpolate(tPrevious, fPrevious, gtdPrevious, t, fNew, gtdNew, (minStep, maxStep));
            (tPrevious, fPrevious, gPrevious, gtdPrevious) = (previous, fNew, gNew, gtdNew);
            (fNew, gNew) = DirectionalEvaluate(closure, start, t, d);
            evaluations++;
            gtdNew = gNew.Dot(d).Item<double>();
            iteration++;
        }
        if (iteration == maxLineSearch) (bracket, bracketF, bracketG) = ([0, t], [f, fNew], [g, gNew]);

        var insufficientProgress = false;
        var (low, high) = bracketF[0] <= bracketF[^1] ? (0, 1) : (1, 0);
        while (!done && iteration < maxLineSearch)
        {
            if (Math.Abs(bracket[1] - bracket[0]) * directionNorm < toleranceChange) break;
            t = CubicInterpolate(bracket[0], bracketF[0], bracketGtd[0], bracket[1], bracketF[1], bracketGtd[1]);
            var top = Math.Max(bracket[0], bracket[1]);
            var bottom = Math.Min(bracket[0], bracket[1]);
            var eps = 0.1 * (top - bottom);
            if (Math.Min(top - t, t - bottom) < eps)
            {
                // Too close to a bracket end: move away from it, unless the previous step made progress.
                if (insufficientProgress || t >= top || t <= bottom)
                {
                    t = Math.Abs(t - top) < Math.Abs(t - bottom) ? top - eps : bottom + eps;
                    insufficientProgress = false;
                }
                else insufficientProgress = true;
            }
            else insufficientProgress = false;
            (fNew, gNew) = DirectionalEvaluate(closure, start, t, d);
            evaluations++;
            gtdNew = gNew.Dot(d).Item<double>();
            iteration++;
            if (fNew > f + c1 * t * gtd || fNew >= bracketF[low])
            {
                (bracket[high], bracketF[high], bracketG[high], bracketGtd[high]) = (t, fNew, gNew, gtdNew);
                (low, high) = bracketF[0] <= bracketF[1] ? (0, 1) : (1, 0);
            }
            else
            {
                if (Math.Abs(gtdNew) <= -c2 * gtd) done = true;
                else if (gtdNew * (bracket[high] - bracket[low]) >= 0)
                    (bracket[high], bracketF[high], bracketG[high], bracketGtd[high]) = (bracket[low], bracketF[low], bracketG[low], bracketGtd[low]);
                (bracket[low], bracketF[low], bracketG[low], bracketGtd[low]) = (t, fNew, gNew, gtdNew);
            }
        }
        return (bracketF[low], bracketG[low], bracket[low], evaluations);
    }

    // The minimiser of the cubic through (x1, f1) and (x2, f2) with slopes g1 and g2, within the bounds.
    private static double CubicInterpolate(double x1, double f1, double g1, double x2, double f2, double g2, (double Low, double High)? bounds = null)
    {
        var (low, high) = bounds ?? (x1 <= x2 ? (x1, x2) : (x2, x1));
        var d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2);
        var d2Square = d1 * d1 - g1 * g2;
        if (d2Square < 0) return (low + high) / 2;
        var d2 = Math.Sqrt(d2Square);
        var position = x1 <= x2
            ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
            : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
        return Math.Min(Math.Max(position, low), high);
    }

    private static Tensor Stored(Tensor tensor)
    {
        TensorScope.Unregister(tensor);
        return tensor;
    }

    private static void Replace(ref Tensor? field, Tensor value)
    {
        if (ReferenceEquals(field, value)) return;
        field?.Dispose();
        field = Stored(value);
    }

    private static void Release(List<Tensor> tensors)
    {
        foreach (var tensor in tensors) tensor.Dispose();
        tensors.Clear();
    }
}
