namespace NeuralCore.Data;

/// <summary>
/// Something whose order depends on the epoch number (a seeded sampler, a loader over one): setting
/// <see cref="Epoch"/> before an enumeration replays that epoch's order, so that a training run resumed from a
/// checkpoint sees the batches the uninterrupted run would have seen.
/// </summary>
public interface IEpochOrdered
{
    /// <summary>The epoch the next enumeration uses; each enumeration adds one.</summary>
    int Epoch { get; set; }
}

/// <summary>A loader that knows how many batches an epoch has (<c>len(loader)</c>), for progress reports.</summary>
public interface IBatchCount
{
    /// <summary>Batches per epoch, or null when unknown (a stream).</summary>
    long? BatchCount { get; }
}
