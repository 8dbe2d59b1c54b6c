namespace NeuralCore.NN;

/// <summary>
/// One encoder block of "Attention is all you need" (torch.nn.TransformerEncoderLayer): self-attention and a
/// feed-forward network, each with dropout, a residual connection and layer norm (after each, or before each with
/// <c>normFirst</c>). Shapes: src (S, N, E), (N, S, E) with <c>batchFirst</c>, or (S, E); output as src.
/// </summary>
public sealed class TransformerEncoderLayer : Module<Tensor, Tensor?, Tensor>
{
    private readonly MultiheadAttention selfAttn;
    private readonly Linear linear1, linear2;
    private readonly Dropout dropout, dropout1, dropout2;
    private readonly LayerNorm norm1, norm2;

    /// <param name="dModel">Features of the input and output (E).</param>
    /// <param name="nhead">Attention heads; must divide <paramref name="dModel"/>.</param>
    /// <param name="dimFeedforward">Width of the feed-forward network (default 2048).</param>
    /// <param name="dropout">Dropout probability (default 0.1).</param>
    /// <param name="activation">The feed-forward activation: "relu" (default) or "gelu"; set <see cref="Activation"/> for any other.</param>
    /// <param name="layerNormEps">The layer norms' eps (default 1e-5).</param>
    /// <param name="batchFirst">Inputs and output are (N, S, E).</param>
    /// <param name="normFirst">Layer norm before attention and feed-forward rather than after.</param>
    /// <param name="dtype">Parameter dtype (default Float32).</param>
    /// <param name="device">Parameter device (default CPU).</param>
    public TransformerEncoderLayer(long dModel, long nhead, long dimFeedforward = 2048, double dropout = 0.1, string activation = "relu",
        double layerNormEps = 1e-5, bool batchFirst = false, bool normFirst = false, DType? dtype = null, Device? device = null)
    {
        Activation = TransformerActivation.Parse(activation);
        (BatchFirst, NormFirst) = (batchFirst, normFirst);
        RegisterModule("self_attn", selfAttn = new MultiheadAttention(dModel, nhead, dropout, batchFirst: batchFirst, dtype: dtype, device: device));
        RegisterModule("linear1", linear1 = new Linear(dModel, dimFeedforward, dtype: dtype, device: device));
        RegisterModule("dropout", this.dropout = new Dropout(dropout));
        RegisterModule("linear2", linear2 = new Linear(dimFeedforward, dModel, dtype: dtype, device: device));
        RegisterModule("norm1", norm1 = new LayerNorm([dModel], layerNormEps, dtype: dtype, device: device));
        RegisterModule("norm2", norm2 = new LayerNorm([dModel], layerNormEps, dtype: dtype, device: device));
        RegisterModule("dropout1", dropout1 = new Dropout(dropout));
        RegisterModule("dropout2", dropout2 = new Dropout(dropout));
    }

    public bool BatchFirst { get; }
    public bool NormFirst { get; }
    /// <summary>The feed-forward activation (relu by default).</summary>
    public Func<Tensor, Tensor> Activation { get; set; }
    /// <summary>The self-attention (<c>self_attn</c>).</summary>
    public MultiheadAttention SelfAttn => selfAttn;

    /// <summary>The block with an optional attention mask (S, S) or (N·nhead, S, S).</summary>
    public override Tensor Forward(Tensor src, Tensor? srcMask) => Forward(src, srcMask, srcKeyPaddingMask: null);

    /// <summary>Runs the hooks around the forward with options.</summary>
    public Tensor Call(Tensor src, Tensor? srcMask = null, Tensor? srcKeyPaddingMask = null, bool isCausal = false) =>
        CallWithHooks(src, srcMask, (s, m) => Forward(s, m, srcKeyPaddingMask, isCausal));

    /// <summary>The block.</summary>
    /// <param name="src">(S, N, E), (N, S, E) with batchFirst, or (S, E).</param>
    /// <param name="srcMask">(S, S) or (N·nhead, S, S): Bool, True where attention is not allowed, or float, added to the scores.</param>
    /// <param name="srcKeyPaddingMask">(N, S) or (S): True at padding positions.</param>
    /// <param name="isCausal">A hint that <paramref name="srcMask"/> is the causal mask.</param>
    public Tensor Forward(Tensor src, Tensor? srcMask = null, Tensor? srcKeyPaddingMask = null, bool isCausal = false)
    {
        ArgumentNullException.ThrowIfNull(src);
        using var scope = TensorScope.Begin();
        var x = src;
        if (NormFirst)
        {
            x = x.Add(SelfAttentionBlock(norm1.Call(x), srcMask, srcKeyPaddingMask, isCausal));
            x = x.Add(FeedForwardBlock(norm2.Call(x)));
        }
        else
        {
            x = norm1.Call(x.Add(SelfAttentionBlock(x, srcMask, srcKeyPaddingMask, isCausal)));
            x = norm2.Call(x.Add(FeedForwardBlock(x)));
        }
        return scope.Keep(x);
    }

    private Tensor SelfAttentionBlock(Tensor x, Tensor? mask, Tensor? keyPaddingMask, bool isCausal) =>
        dropout1.Call(selfAttn.Call(x, x, x, keyPaddingMask, needWeights: false, attnMask: mask, isCausal: isCausal).Output);

    private Tensor FeedForwardBlock(Tensor x) => dropout2.Call(linear2.Call(dropout.Call(Activation(linear1.Call(x)))));
}

/// <summary>
/// One decoder block (torch.nn.TransformerDecoderLayer): self-attention over the target, attention over the encoder's
/// output (memory), and a feed-forward network, each with dropout, a residual connection and layer norm. Shapes: tgt
/// (T, N, E), memory (S, N, E) (batch first with <c>batchFirst</c>); output as tgt.
/// </summary>
public sealed class TransformerDecoderLayer : Module<Tensor, Tensor, Tensor>
{
    private readonly MultiheadAttention selfAttn, multiheadAttn;
    private readonly Linear linear1, linear2;
    private readonly Dropout dropout, dropout1, dropout2, dropout3;
    private readonly LayerNorm norm1, norm2, norm3;

    /// <inheritdoc cref="TransformerEncoderLayer(long, long, long, double, string, double, bool, bool, DType?, Device?)"/>
    public TransformerDecoderLayer(long dModel, long nhead, long dimFeedforward = 2048, double dropout = 0.1, string activation = "relu",
        double layerNormEps = 1e-5, bool batchFirst = false, bool normFirst = false, DType? dtype = null, Device? device = null)
    {
        Activation = TransformerActivation.Parse(activation);
        (BatchFirst, NormFirst) = (batchFirst, normFirst);
        RegisterModule("self_attn", selfAttn = new MultiheadAttention(dModel, nhead, dropout, batchFirst: batchFirst, dtype: dtype, device: device));
        RegisterModule("multihead_attn", multiheadAttn = new MultiheadAttention(dModel, nhead, dropout, batchFirst: batchFirst, dtype: dtype, device: device));
        RegisterModule("linear1", linear1 = new Linear(dModel, dimFeedforward, dtype: dtype, device: device));
        RegisterModule("dropout", this.dropout = new Dropout(dropout));
        RegisterModule("linear2", linear2 = new Linear(dimFeedforward, dModel, dtype: dtype, device: device));
        RegisterModule("norm1", norm1 = new LayerNorm([dModel], layerNormEps, dtype: dtype, device: device));
        RegisterModule("norm2", norm2 = new LayerNorm([dModel], layerNormEps, dtype: dtype, device: device));
        RegisterModule("norm3", norm3 = new LayerNorm([dModel], layerNormEps, dtype: dtype, device: device));
        RegisterModule("dropout1", dropout1 = new Dropout(dropout));
        RegisterModule("dropout2", dropout2 = new Dropout(dropout));
        RegisterModule("dropout3", dropout3 = new Dropout(dropout));
    }

    public bool BatchFirst { get; }
    public bool NormFirst { get; }
    /// <summary>The feed-forward activation (relu by default).</summary>
    public Func<Tensor, Tensor> Activation { get; set; }

    /// <summary>The block without masks.</summary>
    public override Tensor Forward(Tensor tgt, Tensor memory) => Forward(tgt, memory, tgtMask: null);

    /// <summary>Runs the hooks around the forward with options.</summary>
    public Tensor Call(Tensor tgt, Tensor memory, Tensor? tgtMask = null, Tensor? memoryMask = null, Tensor? tgtKeyPaddingMask = null,
        Tensor? memoryKeyPaddingMask = null, bool tgtIsCausal = false, bool memoryIsCausal = false) =>
        CallWithHooks(tgt, memory, (t, m) => Forward(t, m, tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask, tgtIsCausal, memoryIsCausal));

    /// <summary>The block.</summary>
    /// <param name="tgt">(T, N, E), (N, T, E) with batchFirst, or (T, E).</param>
    /// <param name="memory">The encoder's output: (S, N, E), (N, S, E) or (S, E).</param>
    /// <param name="tgtMask">(T, T) or (N·nhead, T, T), e.g. <see cref="Transformer.GenerateSquareSubsequentMask"/>.</param>
    /// <param name="memoryMask">(T, S) or (N·nhead, T, S).</param>
    /// <param name="tgtKeyPaddingMask">(N, T): True at padding positions of the target.</param>
    /// <param name="memoryKeyPaddingMask">(N, S): True at padding positions of the memory.</param>
    /// <param name="tgtIsCausal">A hint that <paramref name="tgtMask"/> is the causal mask.</param>
    /// <param name="memoryIsCausal">A hint that <paramref name="memoryMask"/> is the causal mask.</param>
    public Tensor Forward(Tensor tgt, Tensor memory, Tensor? tgtMask = null, Tensor? memoryMask = null, Tensor? tgtKeyPaddingMask = null,
        Tensor? memoryKeyPaddingMask = null, bool tgtIsCausal = false, bool memoryIsCausal = false)
    {
        ArgumentNullException.ThrowIfNull(tgt);
        ArgumentNullException.ThrowIfNull(memory);
        using var scope = TensorScope.Begin();
        var x = tgt;
        if (NormFirst)
        {
            x = x.Add(SelfAttentionBlock(norm1.Call(x), tgtMask, tgtKeyPaddingMask, tgtIsCausal));
            x = x.Add(CrossAttentionBlock(norm2.Call(x), memory, memoryMask, memoryKeyPaddingMask, memoryIsCausal));
            x = x.Add(FeedForwardBlock(norm3.Call(x)));
        }
        else
        {
            x = norm1.Call(x.Add(SelfAttentionBlock(x, tgtMask, tgtKeyPaddingMask, tgtIsCausal)));
            x = norm2.Call(x.Add(CrossAttentionBlock(x, memory, memoryMask, memoryKeyPaddingMask, memoryIsCausal)));
            x = norm3.Call(x.Add(FeedForwardBlock(x)));
        }
        return scope.Keep(x);
    }

    private Tensor SelfAttentionBlock(Tensor x, Tensor? mask, Tensor? keyPaddingMask, bool isCausal) =>
        dropout1.Call(selfAttn.Call(x, x, x, keyPaddingMask, needWeights: false, attnMask: mask, isCausal: isCausal).Output);

    private Tensor CrossAttentionBlock(Tensor x, Tensor memory, Tensor? mask, Tensor? keyPaddingMask, bool isCausal) =>
        dropout2.Call(multiheadAttn.Call(x, memory, memory, keyPaddingMask, needWeights: false, attnMask: mask, isCausal: isCausal).Output);

    private Tensor FeedForwardBlock(Tensor x) => dropout3.Call(linear2.Call(dropout.Call(Activation(linear1.Call(x)))));
}

/// <summary>
/// A stack of <c>numLayers</c> copies of an encoder layer (torch.nn.TransformerEncoder): each copy starts with the
/// layer's weights, as PyTorch's deep copies do; an optional final norm. Keys <c>layers.0.…</c>, <c>norm.…</c>.
/// </summary>
public sealed class TransformerEncoder : Module<Tensor, Tensor?, Tensor>
{
    private readonly ModuleList layers;

    /// <param name="encoderLayer">The layer to copy (it is not itself part of the stack).</param>
    /// <param name="numLayers">How many copies.</param>
    /// <param name="norm">Applied to the last layer's output (optional).</param>
    public TransformerEncoder(TransformerEncoderLayer encoderLayer, int numLayers, Module? norm = null)
    {
        RegisterModule("layers", layers = ModuleCopier.Clones(encoderLayer, numLayers));
        Norm = norm;
        if (norm is not null) RegisterModule("norm", norm);
    }

    public int NumLayers => layers.Count;
    /// <summary>The final norm, or null.</summary>
    public Module? Norm { get; }
    /// <summary>The stacked layers.</summary>
    public IEnumerable<TransformerEncoderLayer> Layers => layers.Cast<TransformerEncoderLayer>();

    /// <summary>The stack with an optional attention mask (S, S) or (N·nhead, S, S).</summary>
    public override Tensor Forward(Tensor src, Tensor? mask) => Forward(src, mask, srcKeyPaddingMask: null);

    /// <summary>Runs the hooks around the forward with options.</summary>
    public Tensor Call(Tensor src, Tensor? mask = null, Tensor? srcKeyPaddingMask = null, bool? isCausal = null) =>
        CallWithHooks(src, mask, (s, m) => Forward(s, m, srcKeyPaddingMask, isCausal));

    /// <summary>Every layer in turn, then the norm.</summary>
    /// <param name="src">(S, N, E), (N, S, E) with batchFirst, or (S, E).</param>
    /// <param name="mask">(S, S) or (N·nhead, S, S): Bool, True where attention is not allowed, or float, added to the scores.</param>
    /// <param name="srcKeyPaddingMask">(N, S) or (S): True at padding positions.</param>
    /// <param name="isCausal">
    /// A hint that <paramref name="mask"/> is the causal mask; when null (the default), the mask is compared with
    /// <see cref="Transformer.GenerateSquareSubsequentMask"/>, as PyTorch does.
    /// </param>
    public Tensor Forward(Tensor src, Tensor? mask = null, Tensor? srcKeyPaddingMask = null, bool? isCausal = null)
    {
        ArgumentNullException.ThrowIfNull(src);
        using var scope = TensorScope.Begin();
        var causal = Transformer.DetectIsCausalMask(mask, isCausal, Transformer.SequenceLength(src, Layers.First().BatchFirst));
        var output = src;
        foreach (var layer in Layers) output = layer.Call(output, mask, srcKeyPaddingMask, causal);
        if (Norm is not null) output = Norm.Call(output);
        return scope.Keep(output);
    }
}

/// <summary>A stack of <c>numLayers</c> copies of a decoder layer (torch.nn.TransformerDecoder), with an optional final norm.</summary>
public sealed class TransformerDecoder : Module<Tensor, Tensor, Tensor>
{
    private readonly ModuleList layers;

    /// <param name="decoderLayer">The layer to copy (it is not itself part of the stack).</param>
    /// <param name="numLayers">How many copies.</param>
    /// <param name="norm">Applied to the last layer's output (optional).</param>
    public TransformerDecoder(TransformerDecoderLayer decoderLayer, int numLayers, Module? norm = null)
    {
        RegisterModule("layers", layers = ModuleCopier.Clones(decoderLayer, numLayers));
        Norm = norm;
        if (norm is not null) RegisterModule("norm", norm);
    }

    public int NumLayers => layers.Count;
    /// <summary>The final norm, or null.</summary>
    public Module? Norm { get; }
    /// <summary>The stacked layers.</summary>
    public IEnumerable<TransformerDecoderLayer> Layers => layers.Cast<TransformerDecoderLayer>();

    /// <summary>The stack without masks.</summary>
    public override Tensor Forward(Tensor tgt, Tensor memory) => Forward(tgt, memory, tgtMask: null);

    /// <summary>Runs the hooks around the forward with options.</summary>
    public Tensor Call(Tensor tgt, Tensor memory, Tensor? tgtMask = null, Tensor? memoryMask = null, Tensor? tgtKeyPaddingMask = null,
        Tensor? memoryKeyPaddingMask = null, bool? tgtIsCausal = null, bool memoryIsCausal = false) =>
        CallWithHooks(tgt, memory, (t, m) => Forward(t, m, tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask, tgtIsCausal, memoryIsCausal));

    /// <summary>
    /// Every layer in turn over the same memory, then the norm. When <paramref name="tgtIsCausal"/> is null (the
    /// default), <paramref name="tgtMask"/> is compared with the causal mask, as PyTorch does.
    /// </summary>
    /// <inheritdoc cref="TransformerDecoderLayer.Forward(Tensor, Tensor, Tensor?, Tensor?, Tensor?, Tensor?, bool, bool)"/>
    public Tensor Forward(Tensor tgt, Tensor memory, Tensor? tgtMask = null, Tensor? memoryMask = null, Tensor? tgtKeyPaddingMask = null,
        Tensor? memoryKeyPaddingMask = null, bool? tgtIsCausal = null, bool memoryIsCausal = false)
    {
        ArgumentNullException.ThrowIfNull(tgt);
        ArgumentNullException.ThrowIfNull(memory);
        using var scope = TensorScope.Begin();
        var causal = Transformer.DetectIsCausalMask(tgtMask, tgtIsCausal, Transformer.SequenceLength(tgt, Layers.First().BatchFirst));
        var output = tgt;
        foreach (var layer in Layers)
            output = layer.Call(output, memory, tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask, causal, memoryIsCausal);
        if (Norm is not null) output = Norm.Call(output);
        return scope.Keep(output);
    }
}

/// <summary>
/// The encoder-decoder model of "Attention is all you need" (torch.nn.Transformer): an encoder stack over the source
/// and a decoder stack over the target that attends to the encoder's output, each with a final layer norm; every
/// weight matrix starts Xavier-uniform, as PyTorch's. Shapes: src (S, N, E), tgt (T, N, E) (batch first with
/// <c>batchFirst</c>); output (T, N, E).
/// </summary>
public sealed class Transformer : Module<Tensor, Tensor, Tensor>
{
    /// <param name="dModel">Features of inputs and outputs (default 512).</param>
    /// <param name="nhead">Attention heads (default 8).</param>
    /// <param name="numEncoderLayers">Encoder layers (default 6).</param>
    /// <param name="numDecoderLayers">Decoder layers (default 6).</param>
    /// <param name="dimFeedforward">Width of the feed-forward networks (default 2048).</param>
    /// <param name="dropout">Dropout probability (default 0.1).</param>
    /// <param name="activation">"relu" (default) or "gelu".</param>
    /// <param name="customEncoder">An encoder to use instead of the default stack.</param>
    /// <param name="customDecoder">A decoder to use instead of the default stack.</param>
    /// <param name="layerNormEps">The layer norms' eps (default 1e-5).</param>
    /// <param name="batchFirst">Inputs and output are batch first.</param>
    /// <param name="normFirst">Layer norm before each block rather than after.</param>
    /// <param name="dtype">Parameter dtype (default Float32).</param>
    /// <param name="device">Parameter device (default CPU).</param>
    public Transformer(long dModel = 512, long nhead = 8, int numEncoderLayers = 6, int numDecoderLayers = 6, long dimFeedforward = 2048,
        double dropout = 0.1, string activation = "relu", Module<Tensor, Tensor?, Tensor>? customEncoder = null,
        Module<Tensor, Tensor, Tensor>? customDecoder = null, double layerNormEps = 1e-5, bool batchFirst = false, bool normFirst = false,
        DType? dtype = null, Device? device = null)
    {
        (DModel, Nhead, BatchFirst) = (dModel, nhead, batchFirst);
        // Built in PyTorch's order (encoder layer, its norm, decoder layer, its norm), so the same seed gives the same weights.
        Encoder = customEncoder ?? new TransformerEncoder(
            new TransformerEncoderLayer(dModel, nhead, dimFeedforward, dropout, activation, layerNormEps, batchFirst, normFirst, dtype, device),
            numEncoderLayers, new LayerNorm([dModel], layerNormEps, dtype: dtype, device: device));
        Decoder = customDecoder ?? new TransformerDecoder(
            new TransformerDecoderLayer(dModel, nhead, dimFeedforward, dropout, activation, layerNormEps, batchFirst, normFirst, dtype, device),
            numDecoderLayers, new LayerNorm([dModel], layerNormEps, dtype: dtype, device: device));
        RegisterModule("encoder", Encoder);
        RegisterModule("decoder", Decoder);
        foreach (var parameter in Parameters())
            if (parameter.Dimensions > 1) Init.XavierUniform(parameter);
    }

    public long DModel { get; }
    public long Nhead { get; }
    public bool BatchFirst { get; }
    public Module<Tensor, Tensor?, Tensor> Encoder { get; }
    public Module<Tensor, Tensor, Tensor> Decoder { get; }

    /// <summary>The model without masks.</summary>
    public override Tensor Forward(Tensor src, Tensor tgt) => Forward(src, tgt, srcMask: null);

    /// <summary>Runs the hooks around the forward with options.</summary>
    public Tensor Call(Tensor src, Tensor tgt, Tensor? srcMask = null, Tensor? tgtMask = null, Tensor? memoryMask = null,
        Tensor? srcKeyPaddingMask = null, Tensor? tgtKeyPaddingMask = null, Tensor? memoryKeyPaddingMask = null,
        bool? srcIsCausal = null, bool? tgtIsCausal = null, bool memoryIsCausal = false) =>
        CallWithHooks(src, tgt, (s, t) => Forward(s, t, srcMask, tgtMask, memoryMask, srcKeyPaddingMask, tgtKeyPaddingMask,
            memoryKeyPaddingMask, srcIsCausal, tgtIsCausal, memoryIsCausal));

    /// <summary>Encodes <paramref name="src"/> and decodes <paramref name="tgt"/> against it.</summary>
    /// <param name="src">(S, N, E), (N, S, E) with batchFirst, or (S, E).</param>
    /// <param name="tgt">(T, N, E), (N, T, E) with batchFirst, or (T, E).</param>
    /// <param name="srcMask">(S, S) or (N·nhead, S, S).</param>
    /// <param name="tgtMask">(T, T) or (N·nhead, T, T), typically <see cref="GenerateSquareSubsequentMask"/>.</param>
    /// <param name="memoryMask">(T, S).</param>
    /// <param name="srcKeyPaddingMask">(N, S): True at source padding.</param>
    /// <param name="tgtKeyPaddingMask">(N, T): True at target padding.</param>
    /// <param name="memoryKeyPaddingMask">(N, S): True at memory padding.</param>
    /// <param name="srcIsCausal">A hint that <paramref name="srcMask"/> is causal (null: detected, as PyTorch does).</param>
    /// <param name="tgtIsCausal">A hint that <paramref name="tgtMask"/> is causal (null: detected).</param>
    /// <param name="memoryIsCausal">A hint that <paramref name="memoryMask"/> is causal.</param>
    /// <returns>(T, N, E), or batch first.</returns>
    public Tensor Forward(Tensor src, Tensor tgt, Tensor? srcMask = null, Tensor? tgtMask = null, Tensor? memoryMask = null,
        Tensor? srcKeyPaddingMask = null, Tensor? tgtKeyPaddingMask = null, Tensor? memoryKeyPaddingMask = null,
        bool? srcIsCausal = null, bool? tgtIsCausal = null, bool memoryIsCausal = false)
    {
        ArgumentNullException.ThrowIfNull(src);
        ArgumentNullException.ThrowIfNull(tgt);
        var batchDim = BatchFirst ? 0 : 1;
        if (src.Dimensions == 3 && src.Size(batchDim) != tgt.Size(batchDim))
            throw new ArgumentException("the batch number of src and tgt must be equal", nameof(tgt));
        if (src.Size(-1) != DModel || tgt.Size(-1) != DModel)
            throw new ArgumentException($"the feature number of src and tgt must be equal to dModel ({DModel})", nameof(src));
        if (Encoder is not TransformerEncoder && (srcKeyPaddingMask is not null || srcIsCausal == true))
            throw new NotSupportedException($"the custom encoder {Encoder.GetType().Name} takes (src, mask) only: pass no source key padding mask or causal hint");
        if (Decoder is not TransformerDecoder && (memoryMask is not null || tgtKeyPaddingMask is not null || memoryKeyPaddingMask is not null || tgtIsCausal == true || memoryIsCausal || tgtMask is not null))
            throw new NotSupportedException($"the custom decoder {Decoder.GetType().Name} takes (tgt, memory) only: pass no decoder masks or causal hints");
        using var scope = TensorScope.Begin();
        var memory = Encoder is TransformerEncoder encoder
            ? encoder.Call(src, srcMask, srcKeyPaddingMask, srcIsCausal)
            : Encoder.Call(src, srcMask);
        var output = Decoder is TransformerDecoder decoder
            ? decoder.Call(tgt, memory, tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask, tgtIsCausal, memoryIsCausal)
            : Decoder.Call(tgt, memory);
        return scope.Keep(output);
    }

    /// <summary>The causal mask (size, size): 0 on and below the diagonal, -inf above (torch's generate_square_subsequent_mask).</summary>
    public static Tensor GenerateSquareSubsequentMask(long size, Device? device = null, DType? dtype = null)
    {
        using var full = Tensor.Full([size, size], double.NegativeInfinity, dtype, device);
        return full.Triu(1);
    }

    /// <summary>
    /// PyTorch's reading of an unset causal hint: true when <paramref name="mask"/> equals the causal mask of
    /// <paramref name="size"/> positions in its own dtype and device. Attention then skips the mask for the fused
    /// causal kernel (which also lets a mask made on the CPU serve a model on CUDA, as in PyTorch).
    /// </summary>
    internal static bool DetectIsCausalMask(Tensor? mask, bool? isCausal, long size)
    {
        if (isCausal is { } given) return given;
        if (mask is null || mask.Dimensions != 2 || mask.Size(0) != size || mask.Size(1) != size) return false;
        using var causal = GenerateSquareSubsequentMask(size, mask.Device, mask.DType);
        return mask.Equal(causal);
    }

    /// <summary>The sequence length of a batched (S, N, E) or (N, S, E) input or an unbatched (S, E) one.</summary>
    internal static long SequenceLength(Tensor input, bool batchFirst) => input.Dimensions == 2 ? input.Size(0) : input.Size(batchFirst ? 1 : 0);
}

internal static class TransformerActivation
{
    public static Func<Tensor, Tensor> Parse(string activation) => activation switch
    {
        "relu" => Functional.Relu,
        "gelu" => x => Functional.Gelu(x),
        _ => throw new ArgumentException($"activation should be relu/gelu, not {activation}", nameof(activation)),
    };
}
