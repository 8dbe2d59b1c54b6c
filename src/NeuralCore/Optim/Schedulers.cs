namespace NeuralCore.Optim;

/// <summary>
/// Base of the learning-rate schedulers (torch.optim.lr_scheduler); subclass it with the rate as a function of the
/// step count. The first scheduler made on an optimizer records each group's initial rate (PyTorch's
/// <c>initial_lr</c>), which every scheduler of that optimizer starts from; <see cref="Step"/> advances one epoch (or
/// one batch, for <see cref="OneCycleLR"/> and <see cref="CyclicLR"/>) and writes the new rates.
/// </summary>
public abstract class LRScheduler
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Optimizer, double[]> InitialRates = new();

    protected LRScheduler(Optimizer optimizer)
    {
        Optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        BaseLearningRates = InitialRates.GetValue(optimizer,
            o => Enumerable.Range(0, o.ParamGroups.Count).Select(o.GetLearningRate).ToArray());
    }

    /// <summary>Sets the rates of step <paramref name="epoch"/>; PyTorch's schedulers apply step 0's rate when they are made.</summary>
    protected void SetRates(int epoch)
    {
        for (var group = 0; group < BaseLearningRates.Count; group++)
            Optimizer.SetLearningRate(group, LearningRateAt(epoch, BaseLearningRates[group]));
        SetMomenta(epoch);
    }

    /// <summary>Sets step <paramref name="epoch"/>'s momenta, for the schedulers that cycle them too.</summary>
    private protected virtual void SetMomenta(int epoch)
    {
    }

    internal double RateAt(int epoch, double baseLearningRate) => LearningRateAt(epoch, baseLearningRate);

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
        SetRates(LastEpoch);
    }

    /// <summary>
    /// The scheduler's progress under PyTorch's names (<c>last_epoch</c>, <c>_step_count</c>, <c>base_lrs</c>,
    /// <c>_last_lr</c>), for a checkpoint; the rates themselves travel in the optimizer's state dict.
    /// </summary>
    public OrderedDictionary<string, object?> StateDict() => new()
    {
        ["base_lrs"] = BaseLearningRates.Cast<object?>().ToList(),
        ["last_epoch"] = (long)LastEpoch,
        ["_step_count"] = (long)LastEpoch + 1,
        ["_last_lr"] = LastLearningRates.Cast<object?>().ToList(),
    };

    /// <summary>Restores the progress <see cref="StateDict"/> saved (the optimizer's rates are restored by its own state dict).</summary>
    /// <exception cref="ArgumentException">The dictionary has no integer <c>last_epoch</c>.</exception>
    public void LoadStateDict(IReadOnlyDictionary<string, object?> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        LastEpoch = state.TryGetValue("last_epoch", out var value) && value is long or int
            ? checked((int)Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture))
            : throw new ArgumentException("the scheduler state has no integer last_epoch", nameof(state));
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
/// from maxLr / divFactor to maxLr over the first pctStart of totalSteps, then falls to maxLr / (divFactor · finalDivFactor),
/// while the momentum (β1 for Adam and AdamW) falls from maxMomentum to baseMomentum and climbs back.
/// </summary>
public sealed class OneCycleLR : LRScheduler
{
    private readonly double maxLearningRate, initialLearningRate, minimumLearningRate;
    private readonly double warmupEnd;
    private readonly int totalSteps;

    private readonly bool cycleMomentum;
    private readonly double baseMomentum, maxMomentum;

    /// <param name="optimizer">The optimizer whose rates (and momenta) are set.</param>
    /// <param name="maxLr">The peak rate.</param>
    /// <param name="totalSteps">Steps in the cycle.</param>
    /// <param name="pctStart">The fraction of steps spent rising.</param>
    /// <param name="divFactor">The initial rate is maxLr / divFactor.</param>
    /// <param name="finalDivFactor">The final rate is the initial one / finalDivFactor.</param>
    /// <param name="cycleMomentum">Cycle the momentum (β1 for Adam) inversely, between maxMomentum and baseMomentum (PyTorch's default).</param>
    /// <param name="baseMomentum">The momentum at the peak rate.</param>
    /// <param name="maxMomentum">The momentum at the start and end.</param>
    public OneCycleLR(Optimizer optimizer, double maxLr, int totalSteps, double pctStart = 0.3, double divFactor = 25, double finalDivFactor = 1e4,
        bool cycleMomentum = true, double baseMomentum = 0.85, double maxMomentum = 0.95)
        : base(optimizer)
    {
        (this.cycleMomentum, this.baseMomentum, this.maxMomentum) =
            (cycleMomentum, Hyperparameter.NonNegative(baseMomentum, nameof(baseMomentum)), Hyperparameter.NonNegative(maxMomentum, nameof(maxMomentum)));
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
        SetMomenta(0);
    }

    private protected override void SetMomenta(int epoch)
    {
        if (!cycleMomentum) return;
        // Inverse to the rate: maxMomentum falls to baseMomentum while the rate rises, then climbs back.
        var momentum = epoch <= warmupEnd
            ? Cosine(maxMomentum, baseMomentum, epoch / warmupEnd)
            : Cosine(baseMomentum, maxMomentum, (epoch - warmupEnd) / (totalSteps - 1 - warmupEnd));
        for (var group = 0; group < Optimizer.ParamGroups.Count; group++) Optimizer.SetMomentum(group, momentum);
    }

    private static double Cosine(double start, double end, double fraction) => end + (start - end) / 2.0 * (Math.Cos(Math.PI * fraction) + 1);

    protected override double LearningRateAt(int epoch, double baseLearningRate)
    {
        if (epoch >= totalSteps) throw new InvalidOperationException($"OneCycleLR stepped {epoch} times, past its {totalSteps} total steps");
        // PyTorch's phases: [0, warmupEnd] rises, [warmupEnd, totalSteps - 1] falls, each a cosine.
        return epoch <= warmupEnd
            ? Cosine(initialLearningRate, maxLearningRate, epoch / warmupEnd)
            : Cosine(maxLearningRate, minimumLearningRate, (epoch - warmupEnd) / (totalSteps - 1 - warmupEnd));
    }
}

/// <summary>The initial rate times <c>lambda(step)</c> (torch.optim.lr_scheduler.LambdaLR).</summary>
public sealed class LambdaLR : LRScheduler
{
    private readonly Func<int, double> lambda;

    public LambdaLR(Optimizer optimizer, Func<int, double> lrLambda) : base(optimizer)
    {
        lambda = lrLambda ?? throw new ArgumentNullException(nameof(lrLambda));
        SetRates(0);
    }

    protected override double LearningRateAt(int epoch, double baseLearningRate) => baseLearningRate * lambda(epoch);
}

/// <summary>The rate multiplied by <c>lambda(step)</c> at every step (torch.optim.lr_scheduler.MultiplicativeLR).</summary>
public sealed class MultiplicativeLR : LRScheduler
{
    private readonly Func<int, double> lambda;
    private readonly List<double> factors = [1.0];  // the product of lambda(1..k) for each step k reached

    public MultiplicativeLR(Optimizer optimizer, Func<int, double> lrLambda) : base(optimizer) =>
        lambda = lrLambda ?? throw new ArgumentNullException(nameof(lrLambda));

    protected override double LearningRateAt(int epoch, double baseLearningRate)
    {
        while (factors.Count <= epoch) factors.Add(factors[^1] * lambda(factors.Count));
        return baseLearningRate * factors[epoch];
    }
}

/// <summary>
/// The rate scaled from <c>startFactor</c> to <c>endFactor</c> linearly over <c>totalIters</c> steps, then held
/// (torch.optim.lr_scheduler.LinearLR; a warm-up).
/// </summary>
public sealed class LinearLR : LRScheduler
{
    private readonly double startFactor, endFactor;
    private readonly int totalIters;

    public LinearLR(Optimizer optimizer, double startFactor = 1.0 / 3, double endFactor = 1.0, int totalIters = 5) : base(optimizer)
    {
        if (!(startFactor > 0 && startFactor <= 1)) throw new ArgumentOutOfRangeException(nameof(startFactor), startFactor, "must be in (0, 1]");
        if (!(endFactor >= 0 && endFactor <= 1)) throw new ArgumentOutOfRangeException(nameof(endFactor), endFactor, "must be in [0, 1]");
        ArgumentOutOfRangeException.ThrowIfLessThan(totalIters, 1);
        (this.startFactor, this.endFactor, this.totalIters) = (startFactor, endFactor, totalIters);
        SetRates(0);
    }

    protected override double LearningRateAt(int epoch, double baseLearningRate) =>
        baseLearningRate * (startFactor + (endFactor - startFactor) * Math.Min(totalIters, epoch) / totalIters);
}

/// <summary>The rate times <c>factor</c> for the first <c>totalIters</c> steps, then the initial rate (torch.optim.lr_scheduler.ConstantLR).</summary>
public sealed class ConstantLR : LRScheduler
{
    private readonly double factor;
    private readonly int totalIters;

    public ConstantLR(Optimizer optimizer, double factor = 1.0 / 3, int totalIters = 5) : base(optimizer)
    {
        if (!(factor >= 0 && factor <= 1)) throw new ArgumentOutOfRangeException(nameof(factor), factor, "must be in [0, 1]");
        ArgumentOutOfRangeException.ThrowIfNegative(totalIters);
        (this.factor, this.totalIters) = (factor, totalIters);
        SetRates(0);
    }

    protected override double LearningRateAt(int epoch, double baseLearningRate) => baseLearningRate * (epoch >= totalIters ? 1 : factor);
}

/// <summary>The rate decayed as (1 − step / totalIters)^power to zero at totalIters (torch.optim.lr_scheduler.PolynomialLR).</summary>
public sealed class PolynomialLR : LRScheduler
{
    private readonly int totalIters;
    private readonly double power;

    public PolynomialLR(Optimizer optimizer, int totalIters = 5, double power = 1.0) : base(optimizer)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(totalIters, 1);
        (this.totalIters, this.power) = (totalIters, power);
    }

    protected override double LearningRateAt(int epoch, double baseLearningRate) =>
        baseLearningRate * Math.Pow(1.0 - (double)Math.Min(totalIters, epoch) / totalIters, power);
}

/// <summary>
/// Cosine annealing from the initial rate to <c>etaMin</c>, restarting after <c>t0</c> steps, each period
/// <c>tMult</c> times the last (torch.optim.lr_scheduler.CosineAnnealingWarmRestarts, SGDR).
/// </summary>
public sealed class CosineAnnealingWarmRestarts : LRScheduler
{
    private readonly int t0, tMult;
    private readonly double etaMin;

    public CosineAnnealingWarmRestarts(Optimizer optimizer, int t0, int tMult = 1, double etaMin = 0) : base(optimizer)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(t0, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(tMult, 1);
        (this.t0, this.tMult, this.etaMin) = (t0, tMult, etaMin);
    }

    protected override double LearningRateAt(int epoch, double baseLearningRate)
    {
        // Where the step falls: T_cur steps into a period of T_i.
        long current = epoch, period = t0;
        while (current >= period)
        {
            current -= period;
            period *= tMult;
        }
        return etaMin + (baseLearningRate - etaMin) * (1 + Math.Cos(Math.PI * current / period)) / 2;
    }
}

/// <summary>How <see cref="CyclicLR"/> scales each cycle's amplitude.</summary>
public enum CyclicMode
{
    /// <summary>The same amplitude every cycle.</summary>
    Triangular,

    /// <summary>The amplitude halves every cycle.</summary>
    Triangular2,

    /// <summary>The amplitude shrinks by gamma^step.</summary>
    ExpRange,
}

/// <summary>
/// The rate cycled between <c>baseLr</c> and <c>maxLr</c>, <c>stepSizeUp</c> steps up and <c>stepSizeDown</c> down,
/// stepped once per batch (torch.optim.lr_scheduler.CyclicLR), the momentum (β1 for Adam and AdamW) cycled inversely
/// between maxMomentum and baseMomentum.
/// </summary>
public sealed class CyclicLR : LRScheduler
{
    private readonly double baseLr, maxLr, gamma, stepRatio;
    private readonly int totalSize;
    private readonly CyclicMode mode;

    private readonly bool cycleMomentum;
    private readonly double baseMomentum, maxMomentum;

    /// <param name="optimizer">The optimizer whose rates (and momenta) are set.</param>
    /// <param name="baseLr">The lower rate.</param>
    /// <param name="maxLr">The upper rate.</param>
    /// <param name="stepSizeUp">Steps rising.</param>
    /// <param name="stepSizeDown">Steps falling (default stepSizeUp).</param>
    /// <param name="mode">How the amplitude changes from cycle to cycle.</param>
    /// <param name="gamma">ExpRange's decay per step.</param>
    /// <param name="cycleMomentum">Cycle the momentum (β1 for Adam) inversely, between maxMomentum and baseMomentum (PyTorch's default).</param>
    /// <param name="baseMomentum">The momentum at the peak rate.</param>
    /// <param name="maxMomentum">The momentum at the lower rate.</param>
    public CyclicLR(Optimizer optimizer, double baseLr, double maxLr, int stepSizeUp = 2000, int? stepSizeDown = null,
        CyclicMode mode = CyclicMode.Triangular, double gamma = 1.0, bool cycleMomentum = true, double baseMomentum = 0.8, double maxMomentum = 0.9)
        : base(optimizer)
    {
        (this.cycleMomentum, this.baseMomentum, this.maxMomentum) =
            (cycleMomentum, Hyperparameter.NonNegative(baseMomentum, nameof(baseMomentum)), Hyperparameter.NonNegative(maxMomentum, nameof(maxMomentum)));
        ArgumentOutOfRangeException.ThrowIfLessThan(stepSizeUp, 1);
        var down = stepSizeDown ?? stepSizeUp;
        ArgumentOutOfRangeException.ThrowIfLessThan(down, 1);
        (this.baseLr, this.maxLr, this.mode, this.gamma) = (Hyperparameter.NonNegative(baseLr, nameof(baseLr)), Hyperparameter.NonNegative(maxLr, nameof(maxLr)), mode, gamma);
        totalSize = stepSizeUp + down;
        stepRatio = (double)stepSizeUp / totalSize;
        SetRates(0);
    }

    protected override double LearningRateAt(int epoch, double baseLearningRate)
    {
        var (scale, amplitude) = Position(epoch);
        return baseLr + (maxLr - baseLr) * scale * amplitude;
    }

    private protected override void SetMomenta(int epoch)
    {
        if (!cycleMomentum) return;
        var (scale, amplitude) = Position(epoch);
        var momentum = maxMomentum - (maxMomentum - baseMomentum) * scale * amplitude;
        for (var group = 0; group < Optimizer.ParamGroups.Count; group++) Optimizer.SetMomentum(group, momentum);
    }

    // Where step epoch lies in its cycle (0 at the ends, 1 at the peak) and the mode's amplitude for it.
    private (double Scale, double Amplitude) Position(int epoch)
    {
        var cycle = Math.Floor(1 + (double)epoch / totalSize);
        var x = 1.0 + (double)epoch / totalSize - cycle;
        var scale = x <= stepRatio ? x / stepRatio : (x - 1) / (stepRatio - 1);
        return (scale, mode switch
        {
            CyclicMode.Triangular => 1.0,
            CyclicMode.Triangular2 => 1 / Math.Pow(2, cycle - 1),
            _ => Math.Pow(gamma, epoch),
        });
    }
}

/// <summary>
/// Runs <c>schedulers</c> one after another, switching at each of <c>milestones</c>, each counting its steps from
/// the switch (torch.optim.lr_scheduler.SequentialLR), e.g. a LinearLR warm-up followed by cosine annealing.
/// </summary>
public sealed class SequentialLR : LRScheduler
{
    private readonly LRScheduler[] schedulers;
    private readonly int[] milestones;

    public SequentialLR(Optimizer optimizer, IReadOnlyList<LRScheduler> schedulers, IReadOnlyList<int> milestones) : base(optimizer)
    {
        ArgumentNullException.ThrowIfNull(schedulers);
        ArgumentNullException.ThrowIfNull(milestones);
        if (schedulers.Count == 0) throw new ArgumentException("SequentialLR needs at least one scheduler", nameof(schedulers));
        if (milestones.Count != schedulers.Count - 1)
            throw new ArgumentException($"SequentialLR needs one milestone fewer than schedulers, got {milestones.Count} for {schedulers.Count}", nameof(milestones));
        if (schedulers.Any(s => !ReferenceEquals(s.Optimizer, optimizer)))
            throw new ArgumentException("every scheduler of SequentialLR must belong to its optimizer", nameof(schedulers));
        (this.schedulers, this.milestones) = (schedulers.ToArray(), milestones.ToArray());
        SetRates(0);
    }

    protected override double LearningRateAt(int epoch, double baseLearningRate)
    {
        var index = milestones.Count(m => m <= epoch);
        return schedulers[index].RateAt(index == 0 ? epoch : epoch - milestones[index - 1], baseLearningRate);
    }
}

/// <summary>
/// Applies several schedulers at once, their factors multiplied (torch.optim.lr_scheduler.ChainedScheduler), e.g. a
/// ConstantLR warm-up with ExponentialLR decay. Each must scale the initial rate by a factor of its own (not LambdaLR
/// with a rate that is not a factor, nor ReduceLROnPlateau).
/// </summary>
public sealed class ChainedScheduler : LRScheduler
{
    private readonly LRScheduler[] schedulers;

    public ChainedScheduler(IReadOnlyList<LRScheduler> schedulers) : base(schedulers?.FirstOrDefault()?.Optimizer ?? throw new ArgumentException("ChainedScheduler needs at least one scheduler", nameof(schedulers)))
    {
        if (schedulers.Any(s => !ReferenceEquals(s.Optimizer, Optimizer)))
            throw new ArgumentException("every scheduler of ChainedScheduler must belong to one optimizer", nameof(schedulers));
        this.schedulers = schedulers.ToArray();
        SetRates(0);
    }

    protected override double LearningRateAt(int epoch, double baseLearningRate) =>
        baseLearningRate == 0 ? 0 : schedulers.Aggregate(baseLearningRate, (rate, s) => rate * (s.RateAt(epoch, baseLearningRate) / baseLearningRate));
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

    /// <summary>The best metric so far and the counters, under PyTorch's names, for a checkpoint.</summary>
    public OrderedDictionary<string, object?> StateDict() => new()
    {
        ["best"] = best,
        ["num_bad_epochs"] = (long)badEpochs,
        ["cooldown_counter"] = (long)cooldownLeft,
    };

    /// <summary>Restores what <see cref="StateDict"/> saved.</summary>
    public void LoadStateDict(IReadOnlyDictionary<string, object?> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        static double Number(IReadOnlyDictionary<string, object?> state, string key) => state.TryGetValue(key, out var value) && value is double or long or int
            ? Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture)
            : throw new ArgumentException($"the plateau state has no number {key}", nameof(state));
        (best, badEpochs, cooldownLeft) = (Number(state, "best"), (int)Number(state, "num_bad_epochs"), (int)Number(state, "cooldown_counter"));
    }
}
