namespace NeuralCore.Data;

/// <summary>A sized collection of samples (torch.utils.data.Dataset).</summary>
public abstract class Dataset<T>
{
    /// <summary>Number of samples.</summary>
    public abstract long Count { get; }

    /// <summary>The sample at <paramref name="index"/>.</summary>
    public abstract T Get(long index);
}

/// <summary>
/// Samples are rows of an input tensor and a target tensor with the same first dimension (torch.utils.data.TensorDataset).
/// <see cref="DataLoader"/> takes whole batches from it with one gather per tensor.
/// </summary>
public class TensorDataset : Dataset<(Tensor Input, Tensor Target)>, IDisposable
{
    public TensorDataset(Tensor inputs, Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        if (inputs.Size(0) != targets.Size(0))
            throw new ArgumentException($"inputs have {inputs.Size(0)} rows but targets {targets.Size(0)}", nameof(targets));
        TensorScope.Unregister(inputs);
        TensorScope.Unregister(targets);
        (Inputs, Targets) = (inputs, targets);
    }

    public Tensor Inputs { get; }
    public Tensor Targets { get; }

    public override long Count => Inputs.Size(0);

    public override (Tensor Input, Tensor Target) Get(long index) => (Inputs[index], Targets[index]);

    /// <summary>The rows at <paramref name="indices"/>, gathered in one call per tensor.</summary>
    public (Tensor Input, Tensor Target) GetBatch(Tensor indices) => (Inputs.IndexSelect(0, indices), Targets.IndexSelect(0, indices));

    public void Dispose()
    {
        Inputs.Dispose();
        Targets.Dispose();
        GC.SuppressFinalize(this);
    }
}
