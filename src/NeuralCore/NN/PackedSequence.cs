using NeuralCore.Interop;

namespace NeuralCore.NN;

/// <summary>
/// A batch of sequences of different lengths packed time step by time step (torch.nn.utils.rnn.PackedSequence), so
/// that <see cref="Lstm"/>, <see cref="Gru"/> and <see cref="Rnn"/> run each sequence only over its own length and
/// padding never reaches the final state. Make one with <see cref="Utils.PackPaddedSequence(Tensor, Tensor, bool, bool)"/>
/// or <see cref="Utils.PackSequence"/>; undo it with <see cref="Utils.PadPackedSequence"/>.
/// </summary>
public sealed class PackedSequence : IDisposable
{
    internal PackedSequence(Tensor data, Tensor batchSizes, Tensor? sortedIndices, Tensor? unsortedIndices)
    {
        (Data, BatchSizes, SortedIndices, UnsortedIndices) = (data, batchSizes, sortedIndices, unsortedIndices);
    }

    /// <summary>The steps of every sequence, step by step: (sum of lengths, *).</summary>
    public Tensor Data { get; }

    /// <summary>How many sequences are still running at each step (Int64, on the CPU).</summary>
    public Tensor BatchSizes { get; }

    /// <summary>The batch order by decreasing length, or null when the input was already sorted.</summary>
    public Tensor? SortedIndices { get; }

    /// <summary>The inverse of <see cref="SortedIndices"/>: where each original sequence went.</summary>
    public Tensor? UnsortedIndices { get; }

    /// <summary>A copy on <paramref name="device"/>; the batch sizes stay on the CPU, as in PyTorch.</summary>
    public PackedSequence To(Device device) =>
        new(Data.To(device), BatchSizes.Alias(), SortedIndices?.To(device), UnsortedIndices?.To(device));

    /// <summary>Disposes the tensors.</summary>
    public void Dispose()
    {
        Data.Dispose();
        BatchSizes.Dispose();
        SortedIndices?.Dispose();
        UnsortedIndices?.Dispose();
    }

    /// <summary>Puts <paramref name="state"/>'s batch (dimension 1) in the packed order, as PyTorch's permute_hidden.</summary>
    internal Tensor? Sorted(Tensor? state) => state is null || SortedIndices is null ? state : state.IndexSelect(1, SortedIndices);

    /// <summary>Puts a final state back in the caller's batch order.</summary>
    internal Tensor Unsorted(Tensor state) => UnsortedIndices is null ? state : state.IndexSelect(1, UnsortedIndices);
}

public static partial class Utils
{
    /// <summary>
    /// Packs a padded batch (torch.nn.utils.rnn.pack_padded_sequence). input: (T, N, *), or (N, T, *) with
    /// <paramref name="batchFirst"/>; <paramref name="lengths"/>: each sequence's length (Int64, N).
    /// </summary>
    /// <param name="input">The padded batch.</param>
    /// <param name="lengths">The lengths, in batch order.</param>
    /// <param name="batchFirst">The batch is dimension 0.</param>
    /// <param name="enforceSorted">True: the lengths must already decrease (as ONNX export needs); false: the batch is sorted here and the order remembered.</param>
    public static PackedSequence PackPaddedSequence(Tensor input, Tensor lengths, bool batchFirst = false, bool enforceSorted = true)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(lengths);
        using var scope = TensorScope.Begin();
        var cpuLengths = lengths.To(Device.Cpu, DType.Int64);
        Tensor? sorted = null, unsorted = null;
        if (!enforceSorted)
        {
            (cpuLengths, var order) = cpuLengths.Sort(descending: true, stable: true);
            sorted = order.To(input.Device);
            input = input.IndexSelect(batchFirst ? 0 : 1, sorted);
            unsorted = Tensor.Empty(sorted.Shape, sorted.DType, sorted.Device)
                .Scatter(0, sorted, Tensor.Arange(sorted.NumberOfElements, dtype: DType.Int64, device: sorted.Device));
        }
        var (data, batchSizes) = LibTorch.NnPackPaddedSequenceData(input, cpuLengths, batchFirst);
        return new PackedSequence(scope.Keep(data), scope.Keep(batchSizes), sorted is null ? null : scope.Keep(sorted), unsorted is null ? null : scope.Keep(unsorted));
    }

    /// <inheritdoc cref="PackPaddedSequence(Tensor, Tensor, bool, bool)"/>
    public static PackedSequence PackPaddedSequence(Tensor input, long[] lengths, bool batchFirst = false, bool enforceSorted = true)
    {
        ArgumentNullException.ThrowIfNull(lengths);
        using var tensor = Tensor.FromArray(lengths, lengths.Length);
        return PackPaddedSequence(input, tensor, batchFirst, enforceSorted);
    }

    /// <summary>
    /// Unpacks to a padded batch and the lengths (torch.nn.utils.rnn.pad_packed_sequence), in the order the sequences
    /// were packed in: (T, N, *), or (N, T, *) with <paramref name="batchFirst"/>, and Int64 (N).
    /// </summary>
    /// <param name="sequence">The packed batch.</param>
    /// <param name="batchFirst">Put the batch in dimension 0.</param>
    /// <param name="paddingValue">What fills the tail of shorter sequences.</param>
    /// <param name="totalLength">Pad to this many steps rather than to the longest sequence (at least that).</param>
    public static (Tensor Output, Tensor Lengths) PadPackedSequence(PackedSequence sequence, bool batchFirst = false, double paddingValue = 0,
        long? totalLength = null)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        var longest = sequence.BatchSizes.Size(0);
        if (totalLength is { } total && total < longest)
            throw new ArgumentException($"Expected totalLength to be at least the length of the longest sequence in input, but got totalLength={total} " +
                $"and max sequence length being {longest}", nameof(totalLength));
        using var scope = TensorScope.Begin();
        var (output, lengths) = LibTorch.NnPadPackedSequenceData(sequence.Data, sequence.BatchSizes, batchFirst, paddingValue, totalLength ?? longest);
        if (sequence.UnsortedIndices is { } unsorted)
        {
            output = output.IndexSelect(batchFirst ? 0 : 1, unsorted);
            lengths = lengths.IndexSelect(0, unsorted.To(Device.Cpu));
        }
        return (scope.Keep(output), scope.Keep(lengths));
    }

    /// <summary>Pads sequences (L_i, *) into (L_max, N, *), or (N, L_max, *) with <paramref name="batchFirst"/> (torch.nn.utils.rnn.pad_sequence); see <see cref="Functional.PadSequence"/>.</summary>
    public static Tensor PadSequence(IReadOnlyList<Tensor> sequences, bool batchFirst = false, double paddingValue = 0)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        return Functional.PadSequence(sequences.ToArray(), batchFirst, paddingValue);
    }

    /// <summary>Packs sequences (L_i, *) of different lengths (torch.nn.utils.rnn.pack_sequence).</summary>
    /// <param name="sequences">The sequences, in batch order.</param>
    /// <param name="enforceSorted">True: the lengths must decrease; false: any order.</param>
    public static PackedSequence PackSequence(IReadOnlyList<Tensor> sequences, bool enforceSorted = true)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        using var padded = PadSequence(sequences);
        return PackPaddedSequence(padded, sequences.Select(s => s.Size(0)).ToArray(), enforceSorted: enforceSorted);
    }
}
