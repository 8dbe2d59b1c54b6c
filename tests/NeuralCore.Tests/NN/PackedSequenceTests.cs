using NeuralCore.NN;
using NeuralCore.Tests.Support;

namespace NeuralCore.Tests;

/// <summary>
/// Packed sequences against python3-torch (Fixtures/nn_golden.json, "packed"): five sequences of lengths 7, 3, 5, 1, 4
/// packed from a padded batch, through Lstm, Gru and Rnn, unpacked; the packing, the outputs, the final states and
/// the input gradient equal PyTorch's.
/// </summary>
[Collection(GlobalStateCollection.Name)]
public class PackedSequenceTests
{
    private delegate (PackedSequence Output, Tensor[] Finals) Runner(Module module, PackedSequence input, Tensor[] state);

    private static readonly Dictionary<string, (Func<Module> Build, Runner Run)> Cases = new()
    {
        ["lstm_unsorted"] = (() => new Lstm(3, 4), (m, x, _) =>
        {
            var (output, (hidden, cell)) = ((Lstm)m).Forward(x);
            return (output, [hidden, cell]);
        }),
        ["lstm_sorted_bidirectional_two_layers_state"] = (() => new Lstm(3, 4, numLayers: 2, bidirectional: true), (m, x, s) =>
        {
            var (output, (hidden, cell)) = ((Lstm)m).Forward(x, (s[0], s[1]));
            return (output, [hidden, cell]);
        }),
        ["gru_unsorted_batch_first_state"] = (() => new Gru(3, 4, batchFirst: true), (m, x, s) =>
        {
            var (output, hidden) = ((Gru)m).Forward(x, s[0]);
            return (output, [hidden]);
        }),
        ["rnn_relu_unsorted_bidirectional"] = (() => new NeuralCore.NN.Rnn(3, 4, nonlinearity: RnnNonlinearity.Relu, bidirectional: true), (m, x, _) =>
        {
            var (output, hidden) = ((NeuralCore.NN.Rnn)m).Forward(x);
            return (output, [hidden]);
        }),
    };

    public static TheoryData<string> CaseNames() => new(NNGolden.Names("packed"));

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void PackedBatch_RunsEachSequenceOverItsOwnLength_AsPyTorch(string name)
    {
        Cases.Should().ContainKey(name);
        var golden = NNGolden.Section("packed").GetProperty(name);
        using var scope = TensorScope.Begin();
        Torch.ManualSeed((ulong)golden.GetProperty("seed").GetInt32());
        using var module = Cases[name].Build();
        foreach (var entry in golden.GetProperty("initial").EnumerateObject())
            module.StateDict()[entry.Name].ShouldMatch(NNGolden.Values(entry.Value), 1e-6);

        var batchFirst = golden.GetProperty("batch_first").GetBoolean();
        var lengths = golden.GetProperty("lengths").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        var padded = NNGolden.Tensor(golden.GetProperty("input"));
        padded.RequiresGrad = true;
        using var packed = Utils.PackPaddedSequence(padded, lengths, batchFirst, golden.GetProperty("enforce_sorted").GetBoolean());
        var expectedPacking = golden.GetProperty("packed").EnumerateArray().ToList();
        packed.Data.ShouldMatch(NNGolden.Values(expectedPacking[0]));
        packed.BatchSizes.ShouldMatch(NNGolden.Values(expectedPacking[1]));
        if (expectedPacking.Count > 2)
        {
            packed.SortedIndices!.ShouldMatch(NNGolden.Values(expectedPacking[2]));
            packed.UnsortedIndices!.ShouldMatch(NNGolden.Values(expectedPacking[3]));
        }
        else packed.SortedIndices.Should().BeNull();

        var state = golden.GetProperty("state").EnumerateArray().Select(NNGolden.Tensor).ToArray();
        var (output, finals) = Cases[name].Run(module, packed, state);
        var (outputPadded, outputLengths) = Utils.PadPackedSequence(output, batchFirst, totalLength: 8);
        var expected = golden.GetProperty("outputs").EnumerateArray().ToList();
        output.Data.ShouldMatch(NNGolden.Values(expected[0]));
        outputPadded.ShouldMatch(NNGolden.Values(expected[1]));
        outputLengths.ShouldMatch(NNGolden.Values(expected[2]));
        finals.Should().HaveCount(expected.Count - 3);
        for (var i = 0; i < finals.Length; i++) finals[i].ShouldMatch(NNGolden.Values(expected[3 + i]));

        var cotangents = golden.GetProperty("cotangents").EnumerateArray().Select(NNGolden.Tensor).ToArray();
        new[] { outputPadded }.Concat(finals).Zip(cotangents, (t, c) => t.Mul(c).Sum()).Aggregate((a, b) => a.Add(b)).Backward();
        padded.Grad!.ShouldMatch(NNGolden.Values(golden.GetProperty("input_grad")), 1e-4);
    }

    [Fact]
    public void EveryGoldenCaseIsCovered() => NNGolden.Names("packed").Should().BeEquivalentTo(Cases.Keys);

    [Fact]
    public void PackSequence_AndPadPackedSequence_RoundTripInTheCallersOrder()
    {
        using var scope = TensorScope.Begin();
        Tensor[] sequences = [Tensor.Arange(2, dtype: DType.Float32), Tensor.Arange(10, 13, 1, DType.Float32), Tensor.Arange(20, 21, 1, DType.Float32)];
        using var packed = Utils.PackSequence(sequences, enforceSorted: false);
        packed.Data.ToArray<float>().Should().Equal(10, 0, 20, 11, 1, 12);
        packed.BatchSizes.ToArray<long>().Should().Equal(3, 2, 1);
        var (padded, lengths) = Utils.PadPackedSequence(packed, batchFirst: true, paddingValue: -1);
        lengths.ToArray<long>().Should().Equal(2, 3, 1);
        padded.ToArray<float>().Should().Equal(0, 1, -1, 10, 11, 12, 20, -1, -1);
        Utils.PadSequence(sequences, batchFirst: true, paddingValue: -1).ToArray<float>().Should().Equal(padded.ToArray<float>());
    }

    [Fact]
    public void PackPaddedSequence_RefusesUnsortedLengthsWhenSortingIsEnforced_AndShortTotalLengths()
    {
        using var scope = TensorScope.Begin();
        var padded = Tensor.Zeros([4, 3, 2]);
        var unsorted = () => Utils.PackPaddedSequence(padded, [2, 4, 1]);
        unsorted.Should().Throw<TorchException>().WithMessage("*sorted in decreasing order*");
        using var packed = Utils.PackPaddedSequence(padded, [4, 2, 1]);
        var tooShort = () => Utils.PadPackedSequence(packed, totalLength: 3);
        tooShort.Should().Throw<ArgumentException>().WithMessage("*at least the length of the longest sequence*");
    }
}
