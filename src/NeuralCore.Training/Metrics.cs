namespace NeuralCore.Training;

/// <summary>
/// A quantity averaged over an epoch's batches (a weighted mean: each batch adds a sum and a weight). Subclass it with
/// <see cref="Measure"/>, or use <see cref="FromFunction"/>. The trainer reports it under <see cref="Name"/> for
/// training and <c>val_</c> + name for validation, as Keras does.
/// </summary>
public abstract class Metric(string name)
{
    private double sum, weight;

    public string Name { get; } = !string.IsNullOrWhiteSpace(name) ? name : throw new ArgumentException("a metric needs a name", nameof(name));

    /// <summary>This batch's contribution: a sum and its weight (e.g. correct predictions and predictions made).</summary>
    protected abstract (double Sum, double Weight) Measure(StepOutput step, long batchSize);

    /// <summary>Adds a batch (outside autograd).</summary>
    public void Update(StepOutput step, long batchSize)
    {
        using var noGrad = Autograd.NoGrad();
        var (s, w) = Measure(step, batchSize);
        (sum, weight) = (sum + s, weight + w);
    }

    /// <summary>Adds a batch's sum and weight measured elsewhere (the trainer reads the loss once for several uses).</summary>
    internal void Add(double batchSum, double batchWeight) => (sum, weight) = (sum + batchSum, weight + batchWeight);

    /// <summary>Forgets the batches added so far (the trainer calls it at every epoch's start).</summary>
    public void Reset() => (sum, weight) = (0, 0);

    /// <summary>The value over the batches added since the last <see cref="Reset"/> (NaN before any).</summary>
    public virtual double Compute() => weight == 0 ? double.NaN : sum / weight;

    /// <summary>A metric whose value per batch is <paramref name="measure"/>(output, target), averaged with the batch sizes as weights.</summary>
    public static Metric FromFunction(string name, Func<Tensor, Tensor, double> measure)
    {
        ArgumentNullException.ThrowIfNull(measure);
        return new FunctionMetric(name, measure);
    }

    internal (double Sum, double Weight) State
    {
        get => (sum, weight);
        set => (sum, weight) = value;
    }

    private sealed class FunctionMetric(string name, Func<Tensor, Tensor, double> measure) : Metric(name)
    {
        protected override (double, double) Measure(StepOutput step, long batchSize) => (measure(step.Output, step.Target) * batchSize, batchSize);
    }
}

/// <summary>The mean loss, weighted by batch size (the trainer always reports it as <c>loss</c>).</summary>
public sealed class MeanLoss() : Metric("loss")
{
    protected override (double, double) Measure(StepOutput step, long batchSize) => (step.Loss.Item<double>() * batchSize, batchSize);
}

/// <summary>The share of targets whose class has the largest output along dimension 1 (logits (N, C, …) against indices (N, …)).</summary>
public sealed class Accuracy() : Metric("accuracy")
{
    protected override (double, double) Measure(StepOutput step, long batchSize)
    {
        using var scope = TensorScope.Begin();
        return (step.Output.ArgMax(1).Eq(step.Target).Sum().Item<long>(), step.Target.NumberOfElements);
    }
}

/// <summary>The share of targets among the <c>k</c> largest outputs (logits (N, C) against indices (N)), e.g. ImageNet's top-5.</summary>
public sealed class TopKAccuracy(int k) : Metric($"top{k}_accuracy")
{
    public int K { get; } = k >= 1 ? k : throw new ArgumentOutOfRangeException(nameof(k), k, "must be at least 1");

    protected override (double, double) Measure(StepOutput step, long batchSize)
    {
        using var scope = TensorScope.Begin();
        var (_, indices) = step.Output.TopK(K, 1);
        var hits = indices.Eq(step.Target.Unsqueeze(1)).Any(1).Sum().Item<long>();
        return (hits, step.Target.NumberOfElements);
    }
}

/// <summary>exp of the mean loss over every predicted position (word_language_model's perplexity, with a mean cross entropy).</summary>
public sealed class Perplexity() : Metric("perplexity")
{
    protected override (double, double) Measure(StepOutput step, long batchSize)
    {
        var positions = step.Target.NumberOfElements;
        return (step.Loss.Item<double>() * positions, positions);
    }

    public override double Compute() => Math.Exp(base.Compute());
}
