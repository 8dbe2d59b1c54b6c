using NeuralCore.NN;

namespace NeuralCore.Tests;

public class ModuleStructureTests
{
    private sealed class Block : Module
    {
        private readonly Parameter scale = new(Tensor.Ones(3));
        private readonly Linear shared;
        private readonly Linear sameAgain;
        private readonly ModuleList heads = new(new Linear(3, 1), new Linear(3, 2));

        public Block()
        {
            shared = new Linear(3, 3);
            sameAgain = shared;
        }

        public override Tensor Forward(Tensor input) => sameAgain.Forward(shared.Forward(input * scale));
    }

    [Fact]
    public void FieldsAreDiscovered_SharedModulesCountOnce_ListsNameTheirItems()
    {
        using var block = new Block();
        block.NamedParameters().Select(p => p.Name).Should().Equal(
            "scale", "shared.weight", "shared.bias", "heads.0.weight", "heads.0.bias", "heads.1.weight", "heads.1.bias");
        block.NamedModules().Select(m => m.Name).Should().Equal("", "shared", "heads", "heads.0", "heads.1");
    }

    [Theory]
    [InlineData("ELU(alpha=0.7)")]
    [InlineData("Hardtanh(min_val=-2.0, max_val=2.5)")]
    [InlineData("PReLU(num_parameters=3)")]
    [InlineData("Softshrink(1.5)")]
    [InlineData("RReLU(lower=0.125, upper=0.3333333333333333)")]
    [InlineData("Softplus(beta=2, threshold=4)")]
    [InlineData("Threshold(threshold=0.5, value=-2.0)")]
    [InlineData("LeakyReLU(negative_slope=1e-05)")]
    [InlineData("GLU(dim=2)")]
    public void Activations_DescribeTheirArgumentsAsPyTorchsRepr(string pytorch)
    {
        // The expected strings are what python3-torch prints for the same modules; class names are in PascalCase here.
        Module module = pytorch[..pytorch.IndexOf('(')] switch
        {
            "ELU" => new Elu(0.7),
            "Hardtanh" => new Hardtanh(-2.0, 2.5),
            "PReLU" => new PRelu(3),
            "Softshrink" => new Softshrink(1.5),
            "RReLU" => new RRelu(),
            "Softplus" => new Softplus(beta: 2, threshold: 4),
            "Threshold" => new Threshold(0.5, -2.0),
            "LeakyReLU" => new LeakyRelu(1e-5),
            _ => new Glu(2),
        };
        using (module)
        {
            var text = module.ToString();
            text[text.IndexOf('(')..].Should().Be(pytorch[pytorch.IndexOf('(')..]);
        }
    }

    private sealed class TiedModel : Module
    {
        public TiedModel()
        {
            Encoder = new Embedding(10, 4);
            Decoder = new Linear(4, 10) { Weight = Encoder.Weight };  // word_language_model's weight tying
            RegisterModule("encoder", Encoder);
            RegisterModule("decoder", Decoder);
            RegisterModule("heads", new ModuleDict(new Dictionary<string, Module> { ["a"] = new Linear(2, 3), ["b"] = new Linear(3, 1) }));
            RegisterModule("scales", new ParameterList(new Parameter(Tensor.Ones(2)), new Parameter(Tensor.Zeros(3))));
            RegisterModule("extra", new ParameterDict(new Dictionary<string, Parameter> { ["gain"] = new Parameter(Tensor.Ones(1)) }));
        }

        public Embedding Encoder { get; }
        public Linear Decoder { get; }
    }

    [Fact]
    public void TiedWeightsAndContainers_NameTheirStateAsPyTorch()
    {
        // The expected lists are what python3-torch gives for the same model (state_dict keys, named_parameters, apply order).
        using var model = new TiedModel();
        model.StateDict().Keys.Should().Equal("encoder.weight", "decoder.weight", "decoder.bias", "heads.a.weight", "heads.a.bias", "heads.b.weight",
            "heads.b.bias", "scales.0", "scales.1", "extra.gain");
        model.NamedParameters().Select(p => p.Name).Should().Equal("encoder.weight", "decoder.bias", "heads.a.weight", "heads.a.bias",
            "heads.b.weight", "heads.b.bias", "scales.0", "scales.1", "extra.gain");
        var visited = new List<string>();
        model.Apply(m => visited.Add(m.GetType().Name));
        visited.Should().Equal("Embedding", "Linear", "Linear", "Linear", "ModuleDict", "ParameterList", "ParameterDict", "TiedModel");
        model.Modules().Should().HaveCount(8);
    }

    [Fact]
    public void TiedWeights_TrainAsOneParameter()
    {
        using var scope = TensorScope.Begin();
        using var model = new TiedModel();
        ReferenceEquals(model.Decoder.Weight, model.Encoder.Weight).Should().BeTrue();
        var tokens = Tensor.FromArray(new long[] { 1, 4, 7 });
        var logits = model.Decoder.Forward(model.Encoder.Forward(tokens));
        logits.Sum().Backward();
        // One parameter, two uses: the optimizer sees it once and both modules see the update.
        var before = model.Encoder.Weight.Clone();
        using (var optimizer = new NeuralCore.Optim.Sgd(model.Parameters(), lr: 0.5)) optimizer.Step();
        model.Decoder.Weight.Equal(model.Encoder.Weight).Should().BeTrue();
        model.Encoder.Weight.Equal(before).Should().BeFalse();
        var wrongShape = () => model.Decoder.Weight = new Parameter(Tensor.Zeros(3, 3));
        wrongShape.Should().Throw<ArgumentException>().WithMessage("*[10, 4]*");
    }

    [Fact]
    public void AContainerGivenAlone_IsOneChild_AndAListIsSpread()
    {
        // nn.Sequential(nn.Sequential(a, b)) has the keys "0.0.weight", …, as the inner Sequential is one child.
        using var nested = new Sequential(new Sequential(new Linear(3, 2), new Linear(2, 1)));
        nested.StateDict().Keys.Should().Equal("0.0.weight", "0.0.bias", "0.1.weight", "0.1.bias");
        using var list = new ModuleList(new ModuleList(new Linear(3, 2)));
        list.StateDict().Keys.Should().Equal("0.0.weight", "0.0.bias");
        using var spread = new Sequential(new List<Module> { new Linear(3, 2), new Relu() });
        spread.Count.Should().Be(2);
    }

    [Fact]
    public void RequiresGrad_FreezesAndUnfreezesEveryParameter()
    {
        using var model = new Sequential(new Linear(3, 2), new Linear(2, 1));
        model.RequiresGrad(false).Parameters().Should().OnlyContain(p => !p.RequiresGrad);
        model.RequiresGrad().Parameters().Should().OnlyContain(p => p.RequiresGrad);
    }

    [Fact]
    public void GradientUtilities_ClipValuesAndRoundTripThroughOneVector()
    {
        using var scope = TensorScope.Begin();
        using var model = new Linear(3, 2);
        (model.Forward(Tensor.Ones(4, 3) * 10).Sum()).Backward();
        NeuralCore.NN.Utils.ClipGradValue(model.Parameters(), 0.5);
        model.Parameters().Select(p => p.Grad!.Abs().Max().Item<float>()).Should().OnlyContain(v => v <= 0.5f);
        var vector = NeuralCore.NN.Utils.ParametersToVector(model.Parameters());
        vector.Shape.Should().Equal(8L);
        vector[..6].Equal(model.Weight.View(-1)).Should().BeTrue();
        NeuralCore.NN.Utils.VectorToParameters(Tensor.Arange(8, dtype: DType.Float32), model.Parameters());
        model.Weight.ToArray<float>().Should().Equal(0f, 1f, 2f, 3f, 4f, 5f);
        model.Bias!.ToArray<float>().Should().Equal(6f, 7f);
    }

    [Theory]
    [InlineData(new long[] { 1, 3 }, false, "*start at 0*")]
    [InlineData(new long[] { 0, 4, 2 }, false, "*not decrease*")]
    [InlineData(new long[] { 0, 9 }, false, "*not exceed the number of indices (5)*")]
    [InlineData(new long[] { 0, 2 }, true, "*equal the number of indices (5)*")]
    public void EmbeddingBag_InconsistentOffsets_ThrowInsteadOfReadingOutOfBounds(long[] offsets, bool includeLastOffset, string message)
    {
        // libtorch 1.13's kernel corrupts memory on these (python3-torch aborted in malloc on the last one).
        using var scope = TensorScope.Begin();
        using var bag = new EmbeddingBag(10, 3, mode: "sum", includeLastOffset: includeLastOffset);
        var act = () => bag.Forward(Tensor.FromArray(new long[] { 1, 4, 4, 0, 7 }), Tensor.FromArray(offsets));
        act.Should().Throw<TorchException>().WithMessage(message);
        var outOfRange = () => bag.Forward(Tensor.FromArray(new long[] { 1, 10 }), Tensor.FromArray(new long[] { 0 }));
        outOfRange.Should().Throw<TorchException>().WithMessage("*[0, 10)*");
    }

    [Fact]
    public void ScaledDotProductAttention_RefusesAMaskTogetherWithIsCausal_AndBroadcastsOverHeads()
    {
        using var scope = TensorScope.Begin();
        var query = Tensor.Randn(2, 3, 5, 4);
        var key = Tensor.Randn(2, 3, 6, 4);
        var value = Tensor.Randn(2, 3, 6, 7);
        var both = () => Functional.ScaledDotProductAttention(query, key, value, Tensor.Ones([5, 6], DType.Bool), isCausal: true);
        both.Should().Throw<TorchException>().WithMessage("*either attn_mask or is_causal*");
        // A (batch, 1, L, S) mask broadcasts over the heads; masking every key but one returns that key's value.
        var mask = Tensor.Zeros([2, 1, 5, 6], DType.Bool);
        mask[TensorIndex.Ellipsis, 2] = Tensor.Ones([], DType.Bool);
        var output = Functional.ScaledDotProductAttention(query, key, value, mask);
        output.Shape.Should().Equal(2L, 3L, 5L, 7L);
        output.AllClose(value[TensorIndex.Ellipsis, 2..3, ..].Expand(2, 3, 5, 7), absoluteTolerance: 1e-6).Should().BeTrue();
    }

    [Fact]
    public void ToString_PrintsTheTreeLikePyTorch()
    {
        using var model = new Sequential(new Linear(4, 2), new Relu());
        model.ToString().Should().Be("Sequential(\n  (0): Linear(in_features=4, out_features=2, bias=True)\n  (1): Relu()\n)");
    }

    [Fact]
    public void Parameter_SharesDataWithItsSource_AndIsNotOwnedByScopes()
    {
        Parameter parameter;
        var source = Tensor.Zeros(2);
        using (TensorScope.Begin())
        {
            parameter = new Parameter(source);
            parameter.RequiresGrad.Should().BeTrue();
            parameter.IsLeaf.Should().BeTrue();
        }
        parameter.IsDisposed.Should().BeFalse();
        source.FillInPlace(3);
        parameter.ToArray<float>().Should().Equal(3f, 3f);
        parameter.Dispose();
        source.Dispose();
    }

    [Fact]
    public void Dispose_ReleasesEveryParameter()
    {
        var model = new Sequential(new Linear(2, 2), new BatchNorm1d(2));
        var parameters = model.Parameters().ToList();
        var buffers = model.NamedBuffers().Select(b => b.Buffer).ToList();
        model.Dispose();
        parameters.Should().OnlyContain(p => p.IsDisposed);
        buffers.Should().OnlyContain(b => b.IsDisposed);
    }

    [Fact]
    public void BatchNorm_GivenTheWrongRank_Throws()
    {
        using var norm = new BatchNorm2d(3);
        using var input = Tensor.Ones(2, 3);
        var act = () => norm.Forward(input);
        act.Should().Throw<ArgumentException>().WithMessage("*expects a 4-D input, got 2-D [2, 3]*");
    }

    [Fact]
    public void Lstm_AcceptsUnbatchedInputAndCarriesState()
    {
        using var lstm = new Lstm(4, 3);
        using var scope = TensorScope.Begin();
        var (output, (hidden, cell)) = lstm.Forward(Tensor.Randn(5, 4));
        output.Shape.Should().Equal(5L, 3L);
        hidden.Shape.Should().Equal(1L, 3L);
        var (next, _) = lstm.Forward(Tensor.Randn(5, 4), (hidden.Detach(), cell.Detach()));
        next.Shape.Should().Equal(5L, 3L);
        var wrong = () => lstm.Forward(Tensor.Randn(5, 6));
        wrong.Should().Throw<ArgumentException>().WithMessage("*input.size(-1) must be equal to input_size. Expected 4, got 6*");
        var badState = () => lstm.Forward(Tensor.Randn(5, 4), (Tensor.Zeros(2, 3), Tensor.Zeros(2, 3)));
        badState.Should().Throw<ArgumentException>().WithMessage("*Expected hidden state of size (1, 1, 3), got [2, 1, 3]*");
    }
}
