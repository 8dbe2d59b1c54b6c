using NeuralCore.NN;
using NeuralCore.Tests.Support;

namespace NeuralCore.Tests;

/// <summary>
/// MultiheadAttention and the Transformer modules against python3-torch (Fixtures/nn_golden.json, "attention"): the
/// same seed gives the same state dict, and the same inputs give the same outputs and the same gradients of
/// sum(output · cotangent) with respect to the inputs and every parameter.
/// </summary>
[Collection(GlobalStateCollection.Name)]
public class GoldenAttentionTests
{
    internal delegate Tensor?[] Runner(Module module, Tensor[] inputs);

    private static Tensor?[] Pair((Tensor Output, Tensor? Weights) result) => [result.Output, result.Weights];

    internal static readonly Dictionary<string, (Func<Module> Build, Runner Run)> Cases = new()
    {
        ["mha_self"] = (() => new MultiheadAttention(8, 2), (m, x) => Pair(((MultiheadAttention)m).Call(x[0], x[0], x[0]))),
        ["mha_cross_bool_mask_padding_per_head"] = (() => new MultiheadAttention(8, 2),
            (m, x) => Pair(((MultiheadAttention)m).Forward(x[0], x[1], x[2], keyPaddingMask: x[4], attnMask: x[3], averageAttnWeights: false))),
        ["mha_batch_first_kdim_vdim_float_mask_no_weights"] = (() => new MultiheadAttention(8, 4, kdim: 5, vdim: 3, batchFirst: true),
            (m, x) => Pair(((MultiheadAttention)m).Forward(x[0], x[1], x[2], attnMask: x[3], needWeights: false))),
        ["mha_bias_kv_zero_attn"] = (() => new MultiheadAttention(8, 2, addBiasKv: true, addZeroAttn: true),
            (m, x) => Pair(((MultiheadAttention)m).Call(x[0], x[1], x[1], keyPaddingMask: x[3], attnMask: x[2]))),
        ["mha_unbatched_no_bias_eval"] = (() => new MultiheadAttention(6, 3, bias: false), (m, x) => Pair(((MultiheadAttention)m).Forward(x[0], x[1], x[1]))),
        ["mha_padding_only_no_weights"] = (() => new MultiheadAttention(8, 2, batchFirst: true),
            (m, x) => Pair(((MultiheadAttention)m).Forward(x[0], x[0], x[0], keyPaddingMask: x[1], needWeights: false))),
        ["encoder_layer_causal"] = (() => new TransformerEncoderLayer(8, 2, dimFeedforward: 16, dropout: 0),
            (m, x) => [((TransformerEncoderLayer)m).Call(x[0], x[1])]),
        ["encoder_layer_norm_first_gelu_batch_first_padding"] = (() => new TransformerEncoderLayer(8, 2, dimFeedforward: 16, dropout: 0,
            activation: "gelu", batchFirst: true, normFirst: true), (m, x) => [((TransformerEncoderLayer)m).Forward(x[0], srcKeyPaddingMask: x[1])]),
        ["encoder_layer_eval"] = (() => new TransformerEncoderLayer(8, 4, dimFeedforward: 12), (m, x) => [((TransformerEncoderLayer)m).Forward(x[0])]),
        ["encoder_stack_norm"] = (() => new TransformerEncoder(new TransformerEncoderLayer(8, 2, dimFeedforward: 16, dropout: 0), 2, new LayerNorm(8)),
            (m, x) => [((TransformerEncoder)m).Call(x[0], x[1], srcKeyPaddingMask: x[2])]),
        ["decoder_layer"] = (() => new TransformerDecoderLayer(8, 2, dimFeedforward: 16, dropout: 0),
            (m, x) => [((TransformerDecoderLayer)m).Call(x[0], x[1], tgtMask: x[2], memoryKeyPaddingMask: x[3])]),
        ["decoder_layer_norm_first_batch_first"] = (() => new TransformerDecoderLayer(8, 2, dimFeedforward: 16, dropout: 0, batchFirst: true, normFirst: true),
            (m, x) => [((TransformerDecoderLayer)m).Forward(x[0], x[1], memoryMask: x[2], tgtKeyPaddingMask: x[3])]),
        ["decoder_stack_norm"] = (() => new TransformerDecoder(new TransformerDecoderLayer(8, 2, dimFeedforward: 16, dropout: 0), 2, new LayerNorm(8)),
            (m, x) => [((TransformerDecoder)m).Forward(x[0], x[1], tgtMask: x[2])]),
        ["transformer"] = (() => new Transformer(8, 2, numEncoderLayers: 2, numDecoderLayers: 1, dimFeedforward: 16, dropout: 0),
            (m, x) => [((Transformer)m).Call(x[0], x[1], tgtMask: x[2], srcKeyPaddingMask: x[3], memoryKeyPaddingMask: x[3])]),
        ["transformer_batch_first_norm_first_gelu_eval"] = (() => new Transformer(8, 4, numEncoderLayers: 1, numDecoderLayers: 2, dimFeedforward: 12,
            activation: "gelu", batchFirst: true, normFirst: true), (m, x) => [((Transformer)m).Forward(x[0], x[1], tgtMask: x[2])]),
    };

    public static TheoryData<string> CaseNames() => new(NNGolden.Names("attention"));

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Attention_InitialisesComputesAndDifferentiatesLikePyTorch(string name)
    {
        Cases.Should().ContainKey(name);
        var golden = NNGolden.Section("attention").GetProperty(name);
        using var scope = TensorScope.Begin();
        Torch.ManualSeed((ulong)golden.GetProperty("seed").GetInt32());
        using var module = Cases[name].Build();
        module.Train(golden.GetProperty("train").GetBoolean());

        var initial = module.StateDict();
        initial.Keys.Should().Equal(golden.GetProperty("initial").EnumerateObject().Select(p => p.Name), "state dict keys follow PyTorch");
        foreach (var entry in golden.GetProperty("initial").EnumerateObject())
            initial[entry.Name].ShouldMatch(NNGolden.Values(entry.Value), 1e-6);

        var grads = golden.GetProperty("grads").GetInt32();
        var inputs = golden.GetProperty("inputs").EnumerateArray().Select(NNGolden.Tensor).ToArray();
        for (var i = 0; i < grads; i++) inputs[i].RequiresGrad = true;
        var outputs = Cases[name].Run(module, inputs).OfType<Tensor>().ToArray();
        var expected = golden.GetProperty("outputs").EnumerateArray().ToList();
        outputs.Should().HaveCount(expected.Count);
        for (var i = 0; i < outputs.Length; i++) outputs[i].ShouldMatch(NNGolden.Values(expected[i]), 1e-5);

        var cotangents = golden.GetProperty("cotangents").EnumerateArray().Select(NNGolden.Tensor).ToArray();
        var loss = outputs.Zip(cotangents, (o, c) => o.Mul(c).Sum()).Aggregate((a, b) => a.Add(b));
        loss.Backward();
        var inputGrads = golden.GetProperty("input_grads").EnumerateArray().ToList();
        for (var i = 0; i < grads; i++) inputs[i].Grad!.ShouldMatch(NNGolden.Values(inputGrads[i]), 1e-4);
        var parameters = module.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        parameters.Keys.Should().BeEquivalentTo(golden.GetProperty("parameter_grads").EnumerateObject().Select(p => p.Name));
        foreach (var entry in golden.GetProperty("parameter_grads").EnumerateObject())
            parameters[entry.Name].Grad!.ShouldMatch(NNGolden.Values(entry.Value), 1e-4);
        foreach (var tensor in initial.Values) tensor.Dispose();
    }

    [Fact]
    public void EveryGoldenCaseIsCovered() => NNGolden.Names("attention").Should().BeEquivalentTo(Cases.Keys);
}
