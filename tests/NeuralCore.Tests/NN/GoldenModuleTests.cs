using NeuralCore.NN;
using NeuralCore.Tests.Support;

namespace NeuralCore.Tests;

/// <summary>
/// Every module against PyTorch (Fixtures/nn_golden.json): built right after the same seed, its state dict (names and
/// default initialisation) and its outputs on a stored input equal PyTorch's to 1e-5 relative.
/// </summary>
[Collection(GlobalStateCollection.Name)]
public class GoldenModuleTests
{
    private static Tensor[] One(Module module, Tensor input, Tensor[] _) => [module.Forward(input)];

    internal static readonly Dictionary<string, (Func<Module> Build, Func<Module, Tensor, Tensor[], Tensor[]> Run)> Modules = new()
    {
        ["linear"] = (() => new Linear(5, 3), One),
        ["linear_no_bias"] = (() => new Linear(5, 2, bias: false), One),
        ["conv1d"] = (() => new Conv1d(3, 4, kernelSize: 3, stride: 2, padding: 1), One),
        ["conv2d"] = (() => new Conv2d(3, 6, kernelSize: 3, padding: 1), One),
        ["conv2d_groups_dilation"] = (() => new Conv2d(3, 6, kernelSize: 3, stride: 2, dilation: 2, groups: 3), One),
        ["conv_transpose2d"] = (() => new ConvTranspose2d(3, 2, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1), One),
        ["max_pool1d"] = (() => new MaxPool1d(kernelSize: 3, stride: 2), One),
        ["max_pool2d"] = (() => new MaxPool2d(kernelSize: 2, stride: 2), One),
        ["max_pool2d_padded_ceil"] = (() => new MaxPool2d(kernelSize: 3, stride: 2, padding: 1, ceilMode: true), One),
        ["avg_pool2d"] = (() => new AvgPool2d(kernelSize: 3, stride: 2, padding: 1), One),
        ["adaptive_avg_pool2d"] = (() => new AdaptiveAvgPool2d((3, 2)), One),
        ["batch_norm1d_train"] = (() => new BatchNorm1d(5), One),
        ["batch_norm1d_eval"] = (() => new BatchNorm1d(5), One),
        ["batch_norm2d_train"] = (() => new BatchNorm2d(3), One),
        ["layer_norm"] = (() => new LayerNorm([8, 8]), One),
        ["dropout_eval"] = (() => new Dropout(0.5), One),
        ["embedding"] = (() => new Embedding(10, 4, paddingIndex: 2), One),
        ["flatten"] = (() => new Flatten(), One),
        ["sequential"] = (() => new Sequential(new Linear(5, 8), new Relu(), new Linear(8, 2)), One),
        ["relu"] = (() => new Relu(), One),
        ["leaky_relu"] = (() => new LeakyRelu(0.2), One),
        ["gelu"] = (() => new Gelu(), One),
        ["gelu_tanh"] = (() => new Gelu(tanhApproximation: true), One),
        ["silu"] = (() => new Silu(), One),
        ["tanh"] = (() => new NeuralCore.NN.Tanh(), One),
        ["sigmoid"] = (() => new NeuralCore.NN.Sigmoid(), One),
        ["softmax"] = (() => new NeuralCore.NN.Softmax(1), One),
        ["log_softmax"] = (() => new NeuralCore.NN.LogSoftmax(0), One),
        ["elu"] = (() => new Elu(alpha: 0.7), One),
        ["selu"] = (() => new Selu(), One),
        ["celu"] = (() => new Celu(alpha: 1.5), One),
        ["prelu"] = (() => new PRelu(), One),
        ["prelu_per_channel"] = (() => new PRelu(numParameters: 3, init: 0.1), One),
        ["relu6"] = (() => new Relu6(), One),
        ["rrelu_eval"] = (() => new RRelu(0.1, 0.3), One),
        ["rrelu_train"] = (() => new RRelu(0.1, 0.3), One),
        ["softplus"] = (() => new Softplus(beta: 2, threshold: 4), One),
        ["softsign"] = (() => new Softsign(), One),
        ["softmin"] = (() => new Softmin(2), One),
        ["softmax2d"] = (() => new Softmax2d(), One),
        ["mish"] = (() => new Mish(), One),
        ["glu"] = (() => new Glu(2), One),
        ["hardswish"] = (() => new Hardswish(), One),
        ["hardsigmoid"] = (() => new Hardsigmoid(), One),
        ["hardtanh"] = (() => new Hardtanh(-2.0, 2.5), One),
        ["hardshrink"] = (() => new Hardshrink(1.5), One),
        ["softshrink"] = (() => new Softshrink(1.5), One),
        ["tanhshrink"] = (() => new Tanhshrink(), One),
        ["threshold"] = (() => new Threshold(0.5, -2.0), One),
        ["log_sigmoid"] = (() => new LogSigmoid(), One),
        ["max_pool3d"] = (() => new MaxPool3d(2), One),
        ["avg_pool1d"] = (() => new AvgPool1d(3, stride: 2, padding: 1), One),
        ["avg_pool3d"] = (() => new AvgPool3d(2, stride: 1), One),
        ["lp_pool1d"] = (() => new LpPool1d(2, 3, stride: 2), One),
        ["lp_pool2d"] = (() => new LpPool2d(2, 3, stride: 2), One),
        ["adaptive_avg_pool1d"] = (() => new AdaptiveAvgPool1d(4), One),
        ["adaptive_avg_pool3d"] = (() => new AdaptiveAvgPool3d((2, 3, 2)), One),
        ["adaptive_max_pool1d"] = (() => new AdaptiveMaxPool1d(4), One),
        ["adaptive_max_pool2d_indices"] = (() => new AdaptiveMaxPool2d((3, 5)), (m, x, _) =>
        {
            var (output, indices) = ((AdaptiveMaxPool2d)m).ForwardWithIndices(x);
            return [output, indices];
        }),
        ["max_pool2d_unpool"] = (() => new MaxUnpool2d(2), (m, x, _) =>
        {
            var (pooled, indices) = new MaxPool2d(2).ForwardWithIndices(x);
            return [((MaxUnpool2d)m).Forward(pooled, indices)];
        }),
        ["unfold"] = (() => new Unfold(3, padding: 1, stride: 2), One),
        ["fold"] = (() => new Fold((5, 6), 2), One),
        ["group_norm"] = (() => new GroupNorm(2, 6), One),
        ["group_norm_per_channel"] = (() => new GroupNorm(3, 3), One),
        ["instance_norm1d_affine"] = (() => new InstanceNorm1d(3, affine: true), One),
        ["instance_norm1d_unbatched"] = (() => new InstanceNorm1d(3), One),
        ["instance_norm2d_running_train"] = (() => new InstanceNorm2d(3, trackRunningStats: true), One),
        ["instance_norm2d_running_eval"] = (() => new InstanceNorm2d(3, trackRunningStats: true), One),
        ["instance_norm3d"] = (() => new InstanceNorm3d(2), One),
        ["local_response_norm"] = (() => new LocalResponseNorm(2), One),
        ["local_response_norm_image"] = (() => new LocalResponseNorm(3, alpha: 0.1, beta: 0.5, k: 2.0), One),
        ["rms_norm"] = (() => new RmsNorm([8, 8]), One),
        ["rms_norm_eps"] = (() => new RmsNorm(5, eps: 0.01), One),
        ["dropout1d_train"] = (() => new Dropout1d(0.3), One),
        ["dropout2d_train"] = (() => new Dropout2d(0.5), One),
        ["dropout3d_train"] = (() => new Dropout3d(0.25), One),
        ["alpha_dropout_train"] = (() => new AlphaDropout(0.2), One),
        ["feature_alpha_dropout_train"] = (() => new FeatureAlphaDropout(0.4), One),
        ["alpha_dropout_eval"] = (() => new AlphaDropout(0.2), One),
        ["reflection_pad1d"] = (() => new ReflectionPad1d([2, 1]), One),
        ["reflection_pad2d"] = (() => new ReflectionPad2d(1), One),
        ["reflection_pad3d"] = (() => new ReflectionPad3d([1, 0, 2, 1, 0, 1]), One),
        ["replication_pad1d"] = (() => new ReplicationPad1d(3), One),
        ["replication_pad2d"] = (() => new ReplicationPad2d([0, 2, 1, 1]), One),
        ["replication_pad3d"] = (() => new ReplicationPad3d([1, 0, 2, 1, 0, 1]), One),
        ["zero_pad2d"] = (() => new ZeroPad2d([1, 2, 0, 1]), One),
        ["constant_pad1d"] = (() => new ConstantPad1d(2, 3.5), One),
        ["constant_pad2d"] = (() => new ConstantPad2d([1, 0, 0, 2], -1.0), One),
        ["constant_pad3d"] = (() => new ConstantPad3d(1, -1.0), One),
        ["upsample_bilinear"] = (() => new Upsample(2, "bilinear", alignCorners: false), One),
        ["upsample_nearest_size"] = (() => new Upsample(size: [5, 7]), One),
        ["pixel_shuffle"] = (() => new PixelShuffle(2), One),
        ["pixel_unshuffle"] = (() => new PixelUnshuffle(2), One),
        ["identity"] = (() => new Identity(), One),
        ["unflatten"] = (() => new Unflatten(2, [2, 4]), One),
        ["cosine_similarity"] = (() => new CosineSimilarity(1), (m, x, others) => [((CosineSimilarity)m).Forward(x, others[0])]),
        ["pairwise_distance"] = (() => new PairwiseDistance(1.5), (m, x, others) => [((PairwiseDistance)m).Forward(x, others[0])]),
        ["bilinear"] = (() => new Bilinear(5, 3, 2), (m, x, others) => [((Bilinear)m).Forward(x, others[0])]),
        ["conv3d"] = (() => new Conv3d(2, 3, (3, 3, 3), stride: (1, 2, 1), padding: (1, 1, 1)), One),
        ["conv_transpose1d"] = (() => new ConvTranspose1d(3, 2, 3, stride: 2, padding: 1, outputPadding: 1), One),
        ["conv_transpose3d"] = (() => new ConvTranspose3d(2, 2, 2, stride: 2), One),
        ["lstm_cell"] = (() => new LstmCell(3, 4), (m, x, _) =>
        {
            var (hidden, cell) = ((LstmCell)m).Forward(x);
            return [hidden, cell];
        }),
        ["lstm_cell_unbatched_no_bias"] = (() => new LstmCell(3, 4, bias: false), (m, x, _) =>
        {
            var (hidden, cell) = ((LstmCell)m).Forward(x);
            return [hidden, cell];
        }),
        ["gru_cell_state"] = (() => new GruCell(3, 4), (m, x, others) => [((GruCell)m).Forward(x, others[0])]),
        ["rnn_cell_relu_state"] = (() => new RnnCell(3, 4, nonlinearity: RnnNonlinearity.Relu), (m, x, others) => [((RnnCell)m).Forward(x, others[0])]),
        ["embedding_bag_mean"] = (() => new EmbeddingBag(10, 3), (m, x, others) => [((EmbeddingBag)m).Forward(x, others[0])]),
        ["embedding_bag_sum_padding"] = (() => new EmbeddingBag(10, 3, mode: "sum", paddingIndex: 4), (m, x, others) => [((EmbeddingBag)m).Forward(x, others[0])]),
        ["embedding_bag_max_rows"] = (() => new EmbeddingBag(10, 2, mode: "max"), One),
        ["lstm"] = (() => new Lstm(5, 4, numLayers: 2, batchFirst: true), (m, x, _) =>
        {
            var (output, (hidden, cell)) = ((Lstm)m).Forward(x);
            return [output, hidden, cell];
        }),
        ["lstm_bidirectional_state"] = (() => new Lstm(5, 3, bidirectional: true), (m, x, state) =>
        {
            var (output, (hidden, cell)) = ((Lstm)m).Forward(x, (state[0], state[1]));
            return [output, hidden, cell];
        }),
        ["gru"] = (() => new Gru(5, 4, numLayers: 2, batchFirst: true), (m, x, _) =>
        {
            var (output, hidden) = ((Gru)m).Forward(x);
            return [output, hidden];
        }),
        ["rnn_tanh"] = (() => new NeuralCore.NN.Rnn(5, 4, batchFirst: true), (m, x, _) =>
        {
            var (output, hidden) = ((NeuralCore.NN.Rnn)m).Forward(x);
            return [output, hidden];
        }),
        ["rnn_relu_bidirectional"] = (() => new NeuralCore.NN.Rnn(5, 3, nonlinearity: RnnNonlinearity.Relu, bidirectional: true, batchFirst: true), (m, x, _) =>
        {
            var (output, hidden) = ((NeuralCore.NN.Rnn)m).Forward(x);
            return [output, hidden];
        }),
    };

    public static TheoryData<string> ModuleNames() => new(NNGolden.Names("modules"));

    [Theory]
    [MemberData(nameof(ModuleNames))]
    public void Module_InitialisesAndComputesLikePyTorch(string name)
    {
        Modules.Should().ContainKey(name);
        var golden = NNGolden.Section("modules").GetProperty(name);
        using var scope = TensorScope.Begin();
        Torch.ManualSeed((ulong)golden.GetProperty("seed").GetInt32());
        using var module = Modules[name].Build();
        module.Train(golden.GetProperty("train").GetBoolean());

        var initial = module.StateDict();
        initial.Keys.Should().Equal(golden.GetProperty("initial").EnumerateObject().Select(p => p.Name), "state dict keys follow PyTorch");
        foreach (var entry in golden.GetProperty("initial").EnumerateObject())
            initial[entry.Name].ShouldMatch(NNGolden.Values(entry.Value), 1e-6);

        var input = NNGolden.Tensor(golden.GetProperty("input"));
        var state = golden.TryGetProperty("state", out var stateElement) ? stateElement.EnumerateArray().Select(NNGolden.Tensor).ToArray() : [];
        var outputs = Modules[name].Run(module, input, state);
        var expected = golden.GetProperty("outputs").EnumerateArray().ToList();
        outputs.Should().HaveCount(expected.Count);
        for (var i = 0; i < outputs.Length; i++) outputs[i].ShouldMatch(NNGolden.Values(expected[i]));

        var after = module.StateDict();
        foreach (var entry in golden.GetProperty("state_after").EnumerateObject())
            after[entry.Name].ShouldMatch(NNGolden.Values(entry.Value), 1e-5);
        foreach (var tensor in initial.Values.Concat(after.Values)) tensor.Dispose();
    }

    [Fact]
    public void EveryGoldenModuleIsCovered() => NNGolden.Names("modules").Should().BeEquivalentTo(Modules.Keys);
}
