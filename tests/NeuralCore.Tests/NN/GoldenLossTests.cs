using NeuralCore.NN;
using NeuralCore.Tests.Support;

namespace NeuralCore.Tests;

/// <summary>Every loss against torch.nn.functional on stored inputs, to 1e-5 relative.</summary>
public class GoldenLossTests
{
    private static readonly Dictionary<string, Func<Func<string, Tensor>, Tensor>> Losses = new()
    {
        ["cross_entropy"] = x => new CrossEntropyLoss().Forward(x("logits"), x("labels")),
        ["cross_entropy_weight_ignore"] = x => new CrossEntropyLoss(weight: x("class_weight")).Forward(x("logits"), Tensor.FromArray(new long[] { 0, 3, -100, 1, 2, 3 })),
        ["cross_entropy_smoothing_sum"] = x => new CrossEntropyLoss(reduction: Reduction.Sum, labelSmoothing: 0.1).Forward(x("logits"), x("labels")),
        ["cross_entropy_probabilities"] = x => new CrossEntropyLoss().Forward(x("logits"), x("probabilities")),
        ["cross_entropy_none"] = x => new CrossEntropyLoss(reduction: Reduction.None).Forward(x("logits"), x("labels")),
        ["nll"] = x => new NllLoss().Forward(x("logits").LogSoftmax(1), x("labels")),
        ["mse"] = x => new MseLoss().Forward(x("regression"), x("target")),
        ["l1_sum"] = x => new L1Loss(Reduction.Sum).Forward(x("regression"), x("target")),
        ["smooth_l1"] = x => new SmoothL1Loss(beta: 0.5).Forward(x("regression"), x("target")),
        ["huber"] = x => new HuberLoss(delta: 0.7).Forward(x("regression"), x("target")),
        ["bce"] = x => new BceLoss().Forward(x("probs"), x("binary")),
        ["bce_with_logits_pos_weight"] = x => new BceWithLogitsLoss(positiveWeight: Tensor.FromArray(new[] { 1f, 2f, 3f, 0.5f })).Forward(x("regression"), x("binary")),
        ["kl_div_batchmean"] = x => new KlDivLoss(batchMean: true).Forward(x("logits").LogSoftmax(1), x("probabilities")),
        ["kl_div_log_target"] = x => new KlDivLoss(Reduction.Sum, logTarget: true).Forward(x("logits").LogSoftmax(1), x("probabilities").Log()),
        ["poisson_nll"] = x => new PoissonNllLoss().Forward(x("regression"), x("counts")),
        ["gaussian_nll"] = x => new GaussianNllLoss(full: true).Forward(x("regression"), x("target"), x("variance")),
        ["margin_ranking"] = x => new MarginRankingLoss(margin: 0.2).Forward(x("regression")[.., 0], x("target")[.., 0], x("signs")[.., 0]),
        ["hinge_embedding"] = x => new HingeEmbeddingLoss(margin: 0.5).Forward(x("regression"), x("signs")),
        ["multilabel_margin"] = x => new MultiLabelMarginLoss().Forward(x("logits"),
            Tensor.FromArray(new long[] { 3, 0, -1, 1, 1, -1, 0, 0, 0, 1, 2, 3, 2, -1, 1, 1, 1, 3, -1, 2, 3, 2, 1, -1 }).View(6, 4)),
        ["multilabel_soft_margin"] = x => new MultiLabelSoftMarginLoss(weight: x("class_weight")).Forward(x("logits"), x("binary")),
        ["soft_margin"] = x => new SoftMarginLoss().Forward(x("regression"), x("signs")),
        ["multi_margin"] = x => new MultiMarginLoss(p: 2, margin: 0.8, weight: x("class_weight")).Forward(x("logits"), x("labels")),
        ["cosine_embedding"] = x => new CosineEmbeddingLoss(margin: -0.2).Forward(x("regression"), x("target"), x("signs")[.., 0]),
        ["triplet_margin"] = x => new TripletMarginLoss(margin: 1.5, swap: true).Forward(x("regression"), x("target"), x("probs")),
        ["triplet_margin_cosine_distance"] = x => new TripletMarginWithDistanceLoss((a, b) => 1 - Functional.CosineSimilarity(a, b), margin: 0.4)
            .Forward(x("regression"), x("target"), x("probs")),
        ["ctc"] = x => new CtcLoss().Forward(x("ctc_log_probs"), Tensor.FromArray(new long[] { 1, 2, 2, 3, 1, 0 }).View(2, 3),
            Tensor.FromArray(new long[] { 6, 5 }), Tensor.FromArray(new long[] { 3, 2 })),
    };

    public static TheoryData<string> LossNames() => new(NNGolden.Names("losses"));

    [Theory]
    [MemberData(nameof(LossNames))]
    public void Loss_MatchesPyTorch(string name)
    {
        Losses.Should().ContainKey(name);
        using var scope = TensorScope.Begin();
        Tensor Input(string key) => NNGolden.Tensor(NNGolden.Section("loss_inputs").GetProperty(key));
        Losses[name](Input).ShouldMatch(NNGolden.Values(NNGolden.Section("losses").GetProperty(name)));
    }

    [Fact]
    public void EveryGoldenLossIsCovered() => NNGolden.Names("losses").Should().BeEquivalentTo(Losses.Keys);
}
