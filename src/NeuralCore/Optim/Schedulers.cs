namespace NeuralCore.Optim;

/// <summary>
/// Base of the learning-rate schedulers (torch.optim.lr_scheduler). Construction records each group's initial rate;
/// <see cref="Step"/> advances one epoch (or one batch, for <see cref="OneCycleLR"/>) and writes the new rates.
/// </summary>
public abstract class LRScheduler
{
    private protected LRScheduler(Optimizer optimizer)
    {
        Optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        BaseLearningRates = Enumerable.Range(0, optimizer.ParamGroups.Count).Select(optimizer.GetLearningRate).ToArray();
    }

    public Optimizer Optimizer { get; }

    /// <summary>Each group's rate when the scheduler was made.</summary>
    public IReadOnlyList<double> BaseLearningRates { get; }

    /// <summary>Steps taken so far.</summary>
    public int LastEpoch { get; private set; }

    /// <summary>The rates set by the last step.</summary>
    public IReadOnlyList<double> LastLearningRates => Enumerable.Range(0, Optimizer.ParamGroups.Count).Select(Optimizer.GetLearningRate).ToArray();

    /// <summary>Advances one step and sets every group's learning rate.</summary>
    public void Step()
    {
        LastEpoch++;
        for (var group = 0; group < BaseLearningRates.Count; group++)
            Optimizer.SetLearningRate(group, LearningRateAt(LastEpoch, BaseLearningRates[group]));
    }

    /// <summary>The rate of a group whose initial rate is <paramref name="baseLearningRate"/>, after <paramref name="epoch"/> steps.</summary>
    protected abstract double LearningRateAt(int epoch, double baseLearningRate);
}

/// <summary>Multiplies the rate by <c>gamma</c> every <c>stepSize</c> steps (torch.optim.lr_scheduler.StepLR).</summary>
public sealed class StepLR : LRScheduler
{
    private readonly int stepSize;
    private readonly double gamma;

    public StepLR(Optimizer optimizer, int stepSize, double gamma = 0.1) : base(optimizer)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(stepSize, 1);
        Hyperparameter.NonNegative(gamma, nameof(gamma));
        (this.stepSize, this.gamma) = (stepSize, gamma);
    }

    protected override double LearningRateAt(int epoch, double baseLearningRate) => baseLearningRate * Math.Pow(gamma, epoch / stepSize);
}

/// <summary>Multiplies the rate by <c>gamma</c> at each milestone (torch.optim.lr_scheduler.MultiStepLR).</summary>
public sealed class MultiStepLR : LRScheduler
{
    private readonly int[] milestones;
    private readonly double gamma;

    public MultiStepLR(Optimizer optimizer, IEnumerable<int> milestones, double gamma = 0.1) : base(optimizer)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        Hyperparameter.NonNegative(gamma, nameof(gamma));
        (this.milestones, this.gamma) = (milestones.Order().ToArray(), gamma);
    }

    protected override double LearningRateAt(int epoch, double baseLearningRate) =>
        baseLearningRate * Math.Pow(gamma, milestones.Count(m => m <= epoch));
}

/// <summary>Multiplies the rate by <c>gamma</c> every step (torch.optim.lr_scheduler.ExponentialLR).</summary>
public sealed class ExponentialLR(Optimizer optimizer, double gamma) : LRScheduler(optimizer)
{
    private readonly double gamma = Hyperparameter.NonNegative(gamma, nameof(gamma));

    protected override double LearningRateAt(int epoch, double baseLearningRate) => baseLearningRate * Math.Pow(gamma, epoch);
}

/// <summary>Cosine annealing from the initial rate to <c>etaMin</c> over <c>tMax</c> steps (torch.optim.lr_scheduler.CosineAnnealingLR).</summary>
public sealed class CosineAnnealingLR : LRScheduler
{
    private readonly int tMax;
    private readonly double etaMin;

    public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin = 0) : base(optimizer)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tMax, 1);
        (this.tMax, this.etaMin) = (tMax, Hyperparameter.NonNegative(etaMin, nameof(etaMin)));
    }

    protected override double LearningRateAt(int epoch, double baseLearningRate) =>
        etaMin + (baseLearningRate - etaMin) * (1 + Math.Cos(Math.PI * epoch / tMax)) / 2;
}

/// <summary>
/// The 1cycle policy, stepped once per batch (torch.optim.lr_scheduler.OneCycleLR with cosine annealing): the rate rises
/// from maxLr / divFactor to maxLr over the first pctStart of totalSteps, then falls to maxLr / (divFactor · finalDivFactor).
/// The momentum is not cycled.
/// </summary>
public sealed class OneCycleLR : LRScheduler
{
    private readonly double maxLearningRate, initialLearningRate, minimumLearningRate;
    private readonly double warmupEnd;
    private readonly int totalSteps;

    public OneCycleLR(Optimizer optimizer, double maxLr, int totalSteps, double pctStart = 0.3, double divFactor = 25, double finalDivFactor = 1e4)
        : base(optimizer)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(totalSteps, 1);
        if (!(pctStart > 0 && pctStart < 1)) throw new ArgumentOutOfRangeException(nameof(pctStart), pctStart, "must be in (0, 1)");
        Hyperparameter.Positive(maxLr, nameof(maxLr));
        Hyperparameter.Positive(divFactor, nameof(divFactor));
        Hyperparameter.Positive(finalDivFactor, nameof(finalDivFactor));
        (maxLearningRate, this.totalSteps) = (maxLr, totalSteps);
        initialLearningRate = maxLr / divFactor;
        minimumLearningRate = initialLearningRate / finalDivFactor;
        warmupEnd = pctStart * totalSteps - 1;
        optimizer.LearningRate = initialLearningRate;
    }

    protected override double LearningRateAt(int epoch, double baseLearningRate)
    {
        if (epoch >= totalSteps) throw new InvalidOperationException($"OneCycleLR stepped {epoch} times, past its {totalSteps} total steps");
        // PyTorch's phases: [0, warmupEnd] rises, [warmupEnd, totalSteps - 1] falls, each a cosine.
        static double Cosine(double start, double end, double fraction) => end + (start - end) / 2.0 * (Math.Cos(Math.PI * fraction) + 1);
        return epoch <= warmupEnd
            ? Cosine(initialLearningRate, maxLearningRate, epoch / warmupEnd)
            : Cosine(maxLearningRate, minimumLearningRate, (epoch - warmupEnd) / (totalSteps - 1 - warmupEnd));
    }
}

/// <summary>
/// Divides the rate by 1/factor when a metric stops improving for <c>patience</c> epochs
/// (torch.optim.lr_scheduler.ReduceLROnPlateau, relative threshold). Call <see cref="Step(double)"/> with the metric.
/// </summary>
public sealed class ReduceLROnPlateau
{
    private readonly Optimizer optimizer;
    private readonly bool minimize;
    private readonly double factor, threshold, minLearningRate, eps;
    private readonly int patience, cooldown;
    private double best;
    private int badEpochs, cooldownLeft;

    public ReduceLROnPlateau(Optimizer optimizer, bool minimize = true, double factor = 0.1, int patience = 10, double threshold = 1e-4,
        int cooldown = 0, double minLr = 0, double eps = 1e-8)
    {
        this.optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        if (!(factor > 0 && factor < 1)) throw new ArgumentOutOfRangeException(nameof(factor), factor, "must be in (0, 1)");
        ArgumentOutOfRangeException.ThrowIfNegative(patience);
        ArgumentOutOfRangeException.ThrowIfNegative(cooldown);
        Hyperparameter.NonNegative(threshold, nameof(threshold));
        Hyperparameter.NonNegative(minLr, nameof(minLr));
        Hyperparameter.NonNegative(eps, nameof(eps));
        (this.minimize, this.factor, this.patience, this.threshold, this.cooldown, minLearningRate, this.eps) =
            (minimize, factor, patience, threshold, cooldown, minLr, eps);
        best = minimize ? double.PositiveInfinity : double.NegativeInfinity;
    }

    /// <summary>Records this epoch's <paramref name="metric"/>; lowers the rates after <c>patience</c> epochs without improvement.</summary>
    public void Step(double metric)
    {
        var improved = minimize ? metric < best * (1 - threshold) : metric > best * (1 + threshold);
        if (improved)
        {
            best = metric;
            badEpochs = 0;
        }
        else badEpochs++;
        if (cooldownLeft > 0)
        {
            cooldownLeft--;
            badEpochs = 0;
        }
        if (badEpochs <= patience) return;
        for (var group = 0; group < optimizer.ParamGroups.Count; group++)
        {
            var old = optimizer.GetLearningRate(group);
            var updated = Math.Max(old * factor, minLearningRate);
            if (old - updated > eps) optimizer.SetLearningRate(group, updated);
        }
        cooldownLeft = cooldown;
        badEpochs = 0;
    }
}
