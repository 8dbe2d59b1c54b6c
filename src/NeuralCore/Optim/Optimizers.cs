using NeuralCore.Interop;
using NeuralCore.NN;

namespace NeuralCore.Optim;

/// <summary>Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and weight decay (torch.optim.SGD).</summary>
public sealed class Sgd : Optimizer
{
    /// <param name="parameters">What to optimise, e.g. <c>model.Parameters()</c>.</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="momentum">Momentum factor (default 0).</param>
    /// <param name="dampening">Dampening for momentum (default 0).</param>
    /// <param name="weightDecay">L2 penalty (default 0).</param>
    /// <param name="nesterov">Nesterov momentum (needs momentum &gt; 0 and no dampening).</param>
    public Sgd(IEnumerable<Parameter> parameters, double lr, double momentum = 0, double dampening = 0, double weightDecay = 0, bool nesterov = false)
        : this(OneGroup(parameters), lr, momentum, dampening, weightDecay, nesterov) { }

    /// <summary>With parameter groups, each of which may override lr, momentum and weight decay.</summary>
    public Sgd(IEnumerable<ParameterGroup> groups, double lr, double momentum = 0, double dampening = 0, double weightDecay = 0, bool nesterov = false)
        : base(SgdKind, groups, Check(lr, momentum, dampening, weightDecay, nesterov)) { }

    private static NativeOptimizerOptions Check(double lr, double momentum, double dampening, double weightDecay, bool nesterov)
    {
        Hyperparameter.NonNegative(momentum, nameof(momentum));
        Hyperparameter.NonNegative(dampening, nameof(dampening));
        Hyperparameter.NonNegative(weightDecay, nameof(weightDecay));
        if (nesterov && (momentum <= 0 || dampening != 0))
            throw new ArgumentException("Nesterov momentum requires a momentum and zero dampening");
        return new NativeOptimizerOptions { LearningRate = lr, Momentum = momentum, Dampening = dampening, WeightDecay = weightDecay, Nesterov = nesterov ? 1 : 0 };
    }
}

/// <summary>Adam (torch.optim.Adam): adaptive moments with bias correction; weight decay as an L2 term in the gradient.</summary>
public sealed class Adam : Optimizer
{
    /// <param name="foreach">
    /// Step with multi-tensor (<c>_foreach_</c>) operations, one per group and operation rather than one per parameter:
    /// null (PyTorch's default) does on CUDA; true or false forces it. Both give the same values.
    /// </param>
    public Adam(IEnumerable<Parameter> parameters, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8, double weightDecay = 0,
        bool amsGrad = false, bool? @foreach = null)
        : this(OneGroup(parameters), lr, betas, eps, weightDecay, amsGrad, @foreach) { }

    /// <inheritdoc cref="Adam(IEnumerable{Parameter}, double, ValueTuple{double, double}?, double, double, bool, bool?)"/>
    public Adam(IEnumerable<ParameterGroup> groups, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8, double weightDecay = 0,
        bool amsGrad = false, bool? @foreach = null)
        : base(AdamKind, groups, AdamOptions(lr, betas, eps, weightDecay, amsGrad)) => SetForeach(@foreach);

    internal static NativeOptimizerOptions AdamOptions(double lr, (double, double)? betas, double eps, double weightDecay, bool amsGrad)
    {
        var (beta1, beta2) = betas ?? (0.9, 0.999);
        if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1))
            throw new ArgumentOutOfRangeException(nameof(betas), $"({beta1}, {beta2})", "betas must be in [0, 1)");
        Hyperparameter.NonNegative(eps, nameof(eps));
        Hyperparameter.NonNegative(weightDecay, nameof(weightDecay));
        return new NativeOptimizerOptions { LearningRate = lr, Beta1 = beta1, Beta2 = beta2, Eps = eps, WeightDecay = weightDecay, AmsGrad = amsGrad ? 1 : 0 };
    }
}

/// <summary>AdamW (torch.optim.AdamW): Adam with decoupled weight decay (default 0.01).</summary>
public sealed class AdamW : Optimizer
{
    /// <param name="foreach">
    /// Step with multi-tensor (<c>_foreach_</c>) operations, one per group and operation rather than one per parameter:
    /// null (PyTorch's default) does on CUDA; true or false forces it. Both give the same values.
    /// </param>
    public AdamW(IEnumerable<Parameter> parameters, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8, double weightDecay = 1e-2,
        bool amsGrad = false, bool? @foreach = null)
        : this(OneGroup(parameters), lr, betas, eps, weightDecay, amsGrad, @foreach) { }

    /// <inheritdoc cref="AdamW(IEnumerable{Parameter}, double, ValueTuple{double, double}?, double, double, bool, bool?)"/>
    public AdamW(IEnumerable<ParameterGroup> groups, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8, double weightDecay = 1e-2,
        bool amsGrad = false, bool? @foreach = null)
        : base(AdamWKind, groups, Adam.AdamOptions(lr, betas, eps, weightDecay, amsGrad)) => SetForeach(@foreach);
}

/// <summary>RMSprop (torch.optim.RMSprop).</summary>
public sealed class RmsProp : Optimizer
{
    public RmsProp(IEnumerable<Parameter> parameters, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8, double weightDecay = 0,
        double momentum = 0, bool centered = false)
        : this(OneGroup(parameters), lr, alpha, eps, weightDecay, momentum, centered) { }

    public RmsProp(IEnumerable<ParameterGroup> groups, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8, double weightDecay = 0,
        double momentum = 0, bool centered = false)
        : base(RmsPropKind, groups, new NativeOptimizerOptions
        {
            LearningRate = lr, Alpha = Hyperparameter.NonNegative(alpha, nameof(alpha)), Eps = Hyperparameter.NonNegative(eps, nameof(eps)),
            WeightDecay = Hyperparameter.NonNegative(weightDecay, nameof(weightDecay)), Momentum = Hyperparameter.NonNegative(momentum, nameof(momentum)),
            Centered = centered ? 1 : 0,
        }) { }
}

/// <summary>Adagrad (torch.optim.Adagrad).</summary>
public sealed class Adagrad : Optimizer
{
    public Adagrad(IEnumerable<Parameter> parameters, double lr = 1e-2, double lrDecay = 0, double weightDecay = 0, double initialAccumulatorValue = 0,
        double eps = 1e-10)
        : this(OneGroup(parameters), lr, lrDecay, weightDecay, initialAccumulatorValue, eps) { }

    public Adagrad(IEnumerable<ParameterGroup> groups, double lr = 1e-2, double lrDecay = 0, double weightDecay = 0, double initialAccumulatorValue = 0,
        double eps = 1e-10)
        : base(AdagradKind, groups, new NativeOptimizerOptions
        {
            LearningRate = lr, LearningRateDecay = Hyperparameter.NonNegative(lrDecay, nameof(lrDecay)),
            WeightDecay = Hyperparameter.NonNegative(weightDecay, nameof(weightDecay)),
            InitialAccumulatorValue = Hyperparameter.NonNegative(initialAccumulatorValue, nameof(initialAccumulatorValue)), Eps = Hyperparameter.NonNegative(eps, nameof(eps)),
        }) { }
}
