using NeuralCore.NN;

namespace NeuralCore.Tests;

/// <summary>Modules with several inputs or a tuple result, forward hooks, and deep copies.</summary>
[Collection(Support.GlobalStateCollection.Name)]  // one test switches MultiheadAttention's path
public class ModuleFormTests
{
    /// <summary>A user's two-input module: a projection whose padded positions are zeroed.</summary>
    private sealed class MaskedProjection : Module<Tensor, Tensor?, Tensor>
    {
        private readonly Linear projection = new(3, 2);

        public override Tensor Forward(Tensor input, Tensor? padding)
        {
            var output = projection.Call(input);
            return padding is null ? output : output.MaskedFill(padding.Unsqueeze(-1), 0);
        }
    }

    /// <summary>A one-input module with a tuple result.</summary>
    private sealed class Split : Module<Tensor, (Tensor Left, Tensor Right)>
    {
        public override (Tensor Left, Tensor Right) Forward(Tensor input)
        {
            var halves = input.Chunk(2, -1);
            return (halves[0], halves[1]);
        }
    }

    [Fact]
    public void TwoInputModule_IsWrittenCalledAndSavedLikeAOneInputModule()
    {
        using var scope = TensorScope.Begin();
        using var module = new MaskedProjection();
        module.StateDict().Keys.Should().Equal("projection.weight", "projection.bias");
        var input = Tensor.Ones([2, 4, 3]);
        var padding = Tensor.FromArray(new[] { false, false, true, true, false, false, false, true }, 2, 4);

        var output = module.Call(input, padding);
        output.Shape.Should().Equal(2, 4, 2);
        output.Select(0, 0).Select(0, 0).ToArray<float>().Should().NotEqual([0f, 0f]);
        output.Select(0, 0).Select(0, 2).ToArray<float>().Should().Equal(0f, 0f);
        module.Forward(input, null).Select(0, 0).Select(0, 2).ToArray<float>().Should().NotEqual([0f, 0f]);

        var path = Path.Combine(Path.GetTempPath(), $"masked-{Guid.NewGuid():N}.pt");
        try
        {
            module.Save(path);
            using var loaded = new MaskedProjection();
            loaded.Load(path);
            loaded.Call(input, padding).ToArray<float>().Should().Equal(output.ToArray<float>());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void TupleResultModule_DeconstructsAndRunsHooks()
    {
        using var scope = TensorScope.Begin();
        using var module = new Split();
        var seen = new List<long[]>();
        using var handle = module.RegisterForwardHook((_, input, output) => seen.Add(output.Left.Shape));
        var (left, right) = module.Call(Tensor.Arange(6).View(1, 6));
        left.ToArray<long>().Should().Equal(0, 1, 2);
        right.ToArray<long>().Should().Equal(3, 4, 5);
        seen.Should().ContainSingle().Which.Should().Equal(1, 3);
    }

    [Fact]
    public void Hooks_RunInOrderAroundCall_ReplaceValues_AndStopWhenRemoved()
    {
        using var scope = TensorScope.Begin();
        using var layer = new Linear(2, 2, bias: false);
        using (Autograd.NoGrad()) Init.Eye(layer.Weight);
        var log = new List<string>();
        var doubleInput = layer.RegisterForwardPreHook((_, x) => { log.Add("pre 1"); return x * 2; });
        using var observe = layer.RegisterForwardPreHook((Module _, Tensor x) => log.Add($"pre 2 sees {x.ToArray<float>()[0]}"));
        var addOne = layer.RegisterForwardHook((_, _, y) => { log.Add("post"); return y + 1; });
        var input = Tensor.FromArray(new[] { 1f, 3f }, 1, 2);

        layer.Call(input).ToArray<float>().Should().Equal(3f, 7f);
        log.Should().Equal("pre 1", "pre 2 sees 2", "post");
        layer.Forward(input).ToArray<float>().Should().Equal([1f, 3f], "Forward called directly skips hooks, as module.forward does");

        doubleInput.Remove();
        addOne.Dispose();
        addOne.Remove();
        log.Clear();
        layer.Call(input).ToArray<float>().Should().Equal(1f, 3f);
        log.Should().Equal("pre 2 sees 1");
    }

    [Fact]
    public void Containers_CallTheirChildrenWithHooks_AsPyTorchRecordsActivations()
    {
        using var scope = TensorScope.Begin();
        Torch.ManualSeed(3);
        using var model = new Sequential(new Linear(4, 3), new Relu(), new Linear(3, 2));
        var activations = new Dictionary<string, Tensor>();
        foreach (var (name, child) in model.NamedChildren())
            child.RegisterForwardHook((_, _, output) => activations[name] = output.Detach());
        var input = Tensor.Randn([5, 4]);
        var output = model.Forward(input);
        activations.Keys.Should().Equal("0", "1", "2");
        activations["2"].ToArray<float>().Should().Equal(output.ToArray<float>());
        activations["1"].ToArray<float>().Should().OnlyContain(v => v >= 0);
    }

    [Fact]
    public void TransformerLayers_RunHooksOnTheirAttention_AndOnThemselvesWithTupleInputs()
    {
        using var scope = TensorScope.Begin();
        using var layer = new TransformerEncoderLayer(8, 2, dimFeedforward: 16, dropout: 0);
        var attentionCalls = 0;
        (Tensor, Tensor?)? seenInputs = null;
        using var inner = layer.SelfAttn.RegisterForwardHook((_, _, _) => attentionCalls++);
        using var outer = layer.RegisterForwardPreHook((_, inputs) => { seenInputs = inputs; return inputs; });
        var source = Tensor.Randn([5, 2, 8]);
        var mask = Transformer.GenerateSquareSubsequentMask(5);
        layer.Call(source, mask);
        attentionCalls.Should().Be(1);
        seenInputs!.Value.Item1.Should().BeSameAs(source);
        seenInputs.Value.Item2.Should().BeSameAs(mask);
    }

    [Fact]
    public void MultiInputModules_AreRefusedWhereOneTensorIsPassed_WithAClearMessage()
    {
        using var attention = new MultiheadAttention(4, 2);
        var add = () => new Sequential(new Linear(4, 4), attention);
        add.Should().Throw<ArgumentException>().WithMessage("*Sequential passes one tensor*Call(Tensor, Tensor, Tensor)*");
        var hook = () => ((Module)attention).RegisterForwardHook((Module _, Tensor x, Tensor y) => y);
        hook.Should().Throw<InvalidOperationException>().WithMessage("*MultiheadAttention is called with Call(Tensor, Tensor, Tensor)*");
    }

    [Fact]
    public void GenerateSquareSubsequentMask_IsZeroOnAndBelowTheDiagonal()
    {
        using var mask = Transformer.GenerateSquareSubsequentMask(3);
        mask.ToArray<float>().Should().Equal(0, float.NegativeInfinity, float.NegativeInfinity, 0, 0, float.NegativeInfinity, 0, 0, 0);
    }

    [Fact]
    public void EncoderStack_StartsEveryLayerFromTheSameWeights_ButTrainsThemApart()
    {
        using var scope = TensorScope.Begin();
        using var layer = new TransformerEncoderLayer(8, 2, dimFeedforward: 16);
        using var encoder = new TransformerEncoder(layer, 3);
        var state = encoder.StateDict();
        foreach (var (key, value) in layer.StateDict())
            for (var i = 0; i < 3; i++)
                state[$"layers.{i}.{key}"].ToArray<float>().Should().Equal(value.ToArray<float>());
        var first = encoder.Layers.First().SelfAttn.OutProj.Weight;
        var second = encoder.Layers.Last().SelfAttn.OutProj.Weight;
        first.Should().NotBeSameAs(second);
        using (Autograd.NoGrad()) first.FillInPlace(1);
        second.ToArray<float>().Should().NotContain(1f);
        layer.SelfAttn.OutProj.Weight.ToArray<float>().Should().NotContain(1f);
        encoder.Parameters().Should().HaveCount(3 * layer.Parameters().Count());
    }

    [Fact]
    public void DeepCopies_KeepTheHooksOfTheirPrototype_InListsOfTheirOwn()
    {
        using var scope = TensorScope.Begin();
        using var layer = new TransformerEncoderLayer(8, 2, dimFeedforward: 16, dropout: 0);
        var calls = 0;
        var handle = layer.RegisterForwardHook((_, _, _) => calls++);
        using var encoder = new TransformerEncoder(layer, 2);
        handle.Remove();
        using var later = layer.RegisterForwardHook((_, _, _) => calls += 100);
        encoder.Call(Tensor.Randn([5, 2, 8]));
        calls.Should().Be(2, "each copy runs the hook it was copied with, and neither the removal nor the later hook reaches it");
    }

    [Theory]
    [InlineData(7, 2, "*embedDim (7) must be divisible by numHeads (2)*")]
    public void MultiheadAttention_RejectsHeadsThatDoNotDivideTheEmbedding(long embedDim, long heads, string message)
    {
        var build = () => new MultiheadAttention(embedDim, heads);
        build.Should().Throw<ArgumentException>().WithMessage(message);
    }

    [Fact]
    public void MultiheadAttention_GivenMismatchedShapes_ThrowsNamingThem()
    {
        using var scope = TensorScope.Begin();
        using var attention = new MultiheadAttention(8, 2);
        var query = Tensor.Randn([4, 3, 8]);
        var key = Tensor.Randn([6, 3, 8]);
        ((Action)(() => attention.Forward(query, key, Tensor.Randn([5, 3, 8])))).Should().Throw<ArgumentException>().WithMessage("*must agree in sequence and batch*");
        ((Action)(() => attention.Forward(query, Tensor.Randn([6, 3, 7]), key))).Should().Throw<ArgumentException>().WithMessage("*key has 7 features, expected kdim 8*");
        ((Action)(() => attention.Forward(query, key, key, attnMask: Tensor.Zeros([4, 5])))).Should().Throw<ArgumentException>()
            .WithMessage("*2-D attnMask is [4, 5], but should be [4, 6]*");
        ((Action)(() => attention.Forward(query, key, key, keyPaddingMask: Tensor.Zeros([3, 5], DType.Bool)))).Should().Throw<ArgumentException>()
            .WithMessage("*keyPaddingMask must have shape [3, 6]*");
        ((Action)(() => attention.Forward(query, key, key, isCausal: true))).Should().Throw<ArgumentException>().WithMessage("*pass the mask too*");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MultiheadAttention_FusedPath_GivesWhatTheExplicitScoresGive(bool batchFirst)
    {
        // libtorch 2.x takes the fused path whenever no weights are wanted; here it runs on whatever libtorch is linked.
        var fused = MultiheadAttention.FusedAttention;
        try
        {
            using var scope = TensorScope.Begin();
            using var attention = new MultiheadAttention(8, 2, addBiasKv: true, kdim: 6, vdim: 6, batchFirst: batchFirst, dtype: DType.Float64);
            var query = Tensor.Randn(batchFirst ? [3, 4, 8] : [4, 3, 8], DType.Float64);
            var keys = Tensor.Randn(batchFirst ? [3, 5, 6] : [5, 3, 6], DType.Float64);
            var padding = Tensor.FromArray(new[] { false, false, true, true, false, false, false, false, false, false, false, true, false, false, true }, 3, 5);
            var perHead = Tensor.Randn([6, 4, 5], DType.Float64);
            foreach (var (mask, kpm) in new (Tensor?, Tensor?)[] { (null, null), (perHead, null), (null, padding), (perHead, padding) })
            {
                MultiheadAttention.FusedAttention = false;
                var expected = attention.Forward(query, keys, keys, kpm, needWeights: false, attnMask: mask).Output;
                MultiheadAttention.FusedAttention = true;
                var actual = attention.Forward(query, keys, keys, kpm, needWeights: false, attnMask: mask).Output;
                actual.AllClose(expected, 1e-10, 1e-12).Should().BeTrue($"mask {mask is not null}, padding {kpm is not null}");
            }
        }
        finally
        {
            MultiheadAttention.FusedAttention = fused;
        }
    }

    [Fact]
    public void MultiheadAttention_CausalHint_GivesWhatTheMaskGives()
    {
        using var scope = TensorScope.Begin();
        using var attention = new MultiheadAttention(8, 2);
        var x = Tensor.Randn([5, 2, 8]);
        var mask = Transformer.GenerateSquareSubsequentMask(5);
        var hinted = attention.Forward(x, x, x, needWeights: false, attnMask: mask, isCausal: true).Output;
        var masked = attention.Forward(x, x, x, needWeights: true, attnMask: mask).Output;
        hinted.AllClose(masked, 1e-5, 1e-6).Should().BeTrue();
    }

    [Fact]
    public void UnsetCausalHint_IsDetectedFromTheMask_AsPyTorchDoes()
    {
        using var scope = TensorScope.Begin();
        Transformer.DetectIsCausalMask(Transformer.GenerateSquareSubsequentMask(5), null, 5).Should().BeTrue();
        Transformer.DetectIsCausalMask(Transformer.GenerateSquareSubsequentMask(5, dtype: DType.Bool), null, 5).Should().BeTrue();
        Transformer.DetectIsCausalMask(Transformer.GenerateSquareSubsequentMask(5), false, 5).Should().BeFalse("a given hint wins");
        Transformer.DetectIsCausalMask(Transformer.GenerateSquareSubsequentMask(5), null, 4).Should().BeFalse("the size must be the sequence's");
        Transformer.DetectIsCausalMask(Transformer.GenerateSquareSubsequentMask(5).Transpose(0, 1), null, 5).Should().BeFalse();
        Transformer.DetectIsCausalMask(Transformer.GenerateSquareSubsequentMask(5).Unsqueeze(0), null, 5).Should().BeFalse("a per-head mask is never read as causal");
        Transformer.DetectIsCausalMask(null, null, 5).Should().BeFalse();
        Transformer.SequenceLength(Tensor.Zeros(7, 3, 8), batchFirst: false).Should().Be(7);
        Transformer.SequenceLength(Tensor.Zeros(3, 7, 8), batchFirst: true).Should().Be(7);
        Transformer.SequenceLength(Tensor.Zeros(7, 8), batchFirst: true).Should().Be(7);

        // The fused path then runs without the mask, with the same result.
        var fused = MultiheadAttention.FusedAttention;
        try
        {
            using var encoder = new TransformerEncoder(new TransformerEncoderLayer(8, 2, 16, dropout: 0.0, dtype: DType.Float64), 2);
            var x = Tensor.Randn([5, 3, 8], DType.Float64);
            var mask = Transformer.GenerateSquareSubsequentMask(5, dtype: DType.Float64);
            MultiheadAttention.FusedAttention = false;
            var expected = encoder.Forward(x, mask, isCausal: false);
            MultiheadAttention.FusedAttention = true;
            encoder.Forward(x, mask).AllClose(expected, 1e-10, 1e-12).Should().BeTrue();
        }
        finally
        {
            MultiheadAttention.FusedAttention = fused;
        }
    }
}
