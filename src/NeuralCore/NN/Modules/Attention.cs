namespace NeuralCore.NN;

/// <summary>
/// Multi-head attention (torch.nn.MultiheadAttention): projects query, key and value into <c>numHeads</c> heads of
/// <c>embedDim / numHeads</c> features, attends in each, and projects the concatenated heads back. Shapes (L target
/// length, S source length, N batch, E = embedDim): query (L, N, E), key (S, N, kdim), value (S, N, vdim), or batch
/// first (N, L, E) with <c>batchFirst</c>, or unbatched (L, E); output as query; weights (N, L, S), or
/// (N, numHeads, L, S) when not averaged.
/// </summary>
/// <remarks>
/// Masks follow PyTorch: a Bool <c>attnMask</c> (L, S) or (N·numHeads, L, S) is True where attention is not allowed,
/// a float one is added to the scores; a Bool <c>keyPaddingMask</c> (N, S) is True at padding keys. Without
/// <c>needWeights</c>, on libtorch 2.x, the heads go through <see cref="Functional.ScaledDotProductAttention"/>
/// (libtorch's fused kernels); on 1.13 the scores are computed explicitly, as PyTorch 1.13 does.
/// </remarks>
public sealed class MultiheadAttention : Module<Tensor, Tensor, Tensor, (Tensor Output, Tensor? Weights)>
{
    private readonly Parameter? inProjWeight, qProjWeight, kProjWeight, vProjWeight, inProjBias, biasK, biasV;
    private readonly Linear outProj;

    /// <param name="embedDim">Features of the query and of the output (E).</param>
    /// <param name="numHeads">Parallel heads; must divide <paramref name="embedDim"/>.</param>
    /// <param name="dropout">Dropout on the attention weights in training (default 0).</param>
    /// <param name="bias">Biases on the input and output projections (default true).</param>
    /// <param name="addBiasKv">Learn one extra key and value appended to every sequence.</param>
    /// <param name="addZeroAttn">Append a zero key and value to every sequence.</param>
    /// <param name="kdim">Key features (default E); with vdim, separate projection weights when either differs from E.</param>
    /// <param name="vdim">Value features (default E).</param>
    /// <param name="batchFirst">Inputs and output are (N, L, E) rather than (L, N, E).</param>
    /// <param name="dtype">Parameter dtype (default Float32).</param>
    /// <param name="device">Parameter device (default CPU).</param>
    public MultiheadAttention(long embedDim, long numHeads, double dropout = 0, bool bias = true, bool addBiasKv = false, bool addZeroAttn = false,
        long? kdim = null, long? vdim = null, bool batchFirst = false, DType? dtype = null, Device? device = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(embedDim);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numHeads);
        if (embedDim % numHeads != 0) throw new ArgumentException($"embedDim ({embedDim}) must be divisible by numHeads ({numHeads})", nameof(numHeads));
        ArgumentOutOfRangeException.ThrowIfLessThan(dropout, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dropout, 1.0);
        (EmbedDim, NumHeads, Dropout, BatchFirst, AddZeroAttn) = (embedDim, numHeads, dropout, batchFirst, addZeroAttn);
        (KDim, VDim) = (kdim ?? embedDim, vdim ?? embedDim);
        // Registered in PyTorch's order, so state dicts and initial values after the same seed agree.
        if (KDim == embedDim && VDim == embedDim)
        {
            inProjWeight = new Parameter(Tensor.Empty([3 * embedDim, embedDim], dtype, device));
            RegisterParameter("in_proj_weight", inProjWeight);
        }
        else
        {
            qProjWeight = new Parameter(Tensor.Empty([embedDim, embedDim], dtype, device));
            kProjWeight = new Parameter(Tensor.Empty([embedDim, KDim], dtype, device));
            vProjWeight = new Parameter(Tensor.Empty([embedDim, VDim], dtype, device));
            RegisterParameter("q_proj_weight", qProjWeight);
            RegisterParameter("k_proj_weight", kProjWeight);
            RegisterParameter("v_proj_weight", vProjWeight);
        }
        inProjBias = bias ? new Parameter(Tensor.Empty([3 * embedDim], dtype, device)) : null;
        RegisterParameter("in_proj_bias", inProjBias);
        outProj = new Linear(embedDim, embedDim, bias, dtype, device);
        if (addBiasKv)
        {
            biasK = new Parameter(Tensor.Empty([1, 1, embedDim], dtype, device));
            biasV = new Parameter(Tensor.Empty([1, 1, embedDim], dtype, device));
            RegisterParameter("bias_k", biasK);
            RegisterParameter("bias_v", biasV);
        }
        RegisterModule("out_proj", outProj);

        if (inProjWeight is not null) Init.XavierUniform(inProjWeight);
        else
        {
            Init.XavierUniform(qProjWeight!);
            Init.XavierUniform(kProjWeight!);
            Init.XavierUniform(vProjWeight!);
        }
        if (inProjBias is not null)
        {
            Init.Zeros(inProjBias);
            Init.Zeros(outProj.Bias!);
        }
        if (biasK is not null)
        {
            Init.XavierNormal(biasK);
            Init.XavierNormal(biasV!);
        }
    }

    public long EmbedDim { get; }
    public long NumHeads { get; }
    public long KDim { get; }
    public long VDim { get; }
    public double Dropout { get; }
    public bool BatchFirst { get; }
    public bool AddZeroAttn { get; }
    /// <summary>The output projection (<c>out_proj</c>).</summary>
    public Linear OutProj => outProj;

    /// <summary>Attention with PyTorch's defaults: no masks, weights averaged over heads.</summary>
    public override (Tensor Output, Tensor? Weights) Forward(Tensor query, Tensor key, Tensor value) => Forward(query, key, value, keyPaddingMask: null);

    /// <summary>Runs the hooks around <see cref="Forward(Tensor, Tensor, Tensor, Tensor?, bool, Tensor?, bool, bool)"/>.</summary>
    public (Tensor Output, Tensor? Weights) Call(Tensor query, Tensor key, Tensor value, Tensor? keyPaddingMask = null, bool needWeights = true,
        Tensor? attnMask = null, bool averageAttnWeights = true, bool isCausal = false) =>
        CallWithHooks(query, key, value, (q, k, v) => Forward(q, k, v, keyPaddingMask, needWeights, attnMask, averageAttnWeights, isCausal));

    /// <summary>Attends <paramref name="query"/> over <paramref name="key"/> and <paramref name="value"/>.</summary>
    /// <param name="query">(L, N, E), (N, L, E) with batchFirst, or (L, E).</param>
    /// <param name="key">(S, N, kdim), (N, S, kdim) or (S, kdim).</param>
    /// <param name="value">(S, N, vdim), (N, S, vdim) or (S, vdim).</param>
    /// <param name="keyPaddingMask">(N, S) or (S): Bool, True at keys to ignore, or float, added to the scores.</param>
    /// <param name="needWeights">Also return the attention weights.</param>
    /// <param name="attnMask">(L, S) or (N·numHeads, L, S): Bool, True where attention is not allowed, or float, added.</param>
    /// <param name="averageAttnWeights">Average the returned weights over heads (N, L, S), else (N, numHeads, L, S).</param>
    /// <param name="isCausal">A hint that <paramref name="attnMask"/> is the causal mask, which then may be skipped for the fused kernel.</param>
    /// <returns>The output and, with <paramref name="needWeights"/>, the weights (null otherwise).</returns>
    public (Tensor Output, Tensor? Weights) Forward(Tensor query, Tensor key, Tensor value, Tensor? keyPaddingMask = null, bool needWeights = true,
        Tensor? attnMask = null, bool averageAttnWeights = true, bool isCausal = false)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        using var scope = TensorScope.Begin();
        var batched = CheckShapes(query, key, value, keyPaddingMask, attnMask);
        if (batched && BatchFirst) (query, key, value) = (query.Transpose(1, 0), key.Transpose(1, 0), value.Transpose(1, 0));
        if (!batched)
        {
            (query, key, value) = (query.Unsqueeze(1), key.Unsqueeze(1), value.Unsqueeze(1));
            keyPaddingMask = keyPaddingMask?.Unsqueeze(0);
        }
        long targetLength = query.Size(0), batch = query.Size(1), headDim = EmbedDim / NumHeads, heads = batch * NumHeads;
        if (isCausal && attnMask is null)
            throw new ArgumentException("isCausal is a hint that attnMask is the causal mask: pass the mask too (Transformer.GenerateSquareSubsequentMask)", nameof(isCausal));

        var (q, k, v) = Project(query, key, value);
        var mask = attnMask is null ? null : FloatMask(attnMask, q.DType, nameof(attnMask));
        if (mask is not null && mask.Dimensions == 2) mask = mask.Unsqueeze(0);
        var padding = keyPaddingMask is null ? null : FloatMask(keyPaddingMask, q.DType, nameof(keyPaddingMask));
        if (biasK is not null)
        {
            k = Tensor.Cat([k, biasK.Repeat(1, batch, 1)]);
            v = Tensor.Cat([v, biasV!.Repeat(1, batch, 1)]);
            mask = mask is null ? null : Functional.Pad(mask, [0, 1]);
            padding = padding is null ? null : Functional.Pad(padding, [0, 1]);
        }
        q = q.Contiguous().View(targetLength, heads, headDim).Transpose(0, 1);
        k = k.Contiguous().View(k.Size(0), heads, headDim).Transpose(0, 1);
        v = v.Contiguous().View(v.Size(0), heads, headDim).Transpose(0, 1);
        if (AddZeroAttn)
        {
            k = Tensor.Cat([k, Tensor.Zeros([heads, 1, headDim], k.DType, k.Device)], 1);
            v = Tensor.Cat([v, Tensor.Zeros([heads, 1, headDim], v.DType, v.Device)], 1);
            mask = mask is null ? null : Functional.Pad(mask, [0, 1]);
            padding = padding is null ? null : Functional.Pad(padding, [0, 1]);
        }
        var sourceLength = k.Size(1);
        if (padding is not null)
        {
            if (padding.Dimensions != 2 || padding.Size(0) != batch || padding.Size(1) != sourceLength)
                throw new ArgumentException($"keyPaddingMask must have shape [{batch}, {sourceLength}], got [{string.Join(", ", padding.Shape)}]", nameof(keyPaddingMask));
            padding = padding.View(batch, 1, 1, sourceLength).Expand(-1, NumHeads, -1, -1).Reshape(heads, 1, sourceLength);
            mask = mask is null ? padding : mask.Add(padding);
            isCausal = false;
        }
        var dropout = Training ? Dropout : 0.0;

        Tensor output;
        Tensor? weights = null;
        // As PyTorch of the same version: libtorch 2.x fuses attention when no weights are wanted; 1.13 computes them.
        if (needWeights || !FusedAttention)
        {
            var scaled = FusedAttention ? q.Mul(Math.Sqrt(1.0 / headDim)) : q.Div(Math.Sqrt(headDim));
            var scores = mask is null ? scaled.Bmm(k.Transpose(-2, -1)) : mask.Baddbmm(scaled, k.Transpose(-2, -1));
            weights = scores.Softmax(-1);
            if (dropout > 0) weights = Functional.Dropout(weights, dropout);
            output = weights.Bmm(v).Transpose(0, 1).Contiguous().View(targetLength * batch, EmbedDim);
            if (!needWeights) weights = null;
            else
            {
                weights = weights.View(batch, NumHeads, targetLength, sourceLength);
                if (averageAttnWeights) weights = weights.Mean(1);
            }
        }
        else
        {
            // (N·H, L, S) masks become (N, H, L, S); a shared (1, L, S) one broadcasts over batch and heads.
            if (mask is not null) mask = mask.Size(0) == 1 ? mask.Unsqueeze(0) : mask.View(batch, NumHeads, -1, sourceLength);
            var causalHint = isCausal && mask is not null;
            var attended = Functional.ScaledDotProductAttention(q.View(batch, NumHeads, targetLength, headDim),
                k.View(batch, NumHeads, sourceLength, headDim), v.View(batch, NumHeads, sourceLength, headDim),
                causalHint ? null : mask, dropout, causalHint);
            output = attended.Permute(2, 0, 1, 3).Contiguous().View(targetLength * batch, EmbedDim);
        }
        output = outProj.Forward(output).View(targetLength, batch, EmbedDim);
        if (batched && BatchFirst) output = output.Transpose(1, 0);
        if (!batched)
        {
            output = output.Squeeze(1);
            weights = weights?.Squeeze(0);
        }
        return (scope.Keep(output), weights is null ? null : scope.Keep(weights));
    }

    /// <summary>Whether weight-free attention goes through the fused kernel (libtorch 2.x); tests set it to cover both paths.</summary>
    internal static bool FusedAttention { get; set; } = Torch.LibTorchVersion.Major >= 2;

    private bool CheckShapes(Tensor query, Tensor key, Tensor value, Tensor? keyPaddingMask, Tensor? attnMask)
    {
        var batched = query.Dimensions switch
        {
            3 => true,
            2 => false,
            _ => throw new ArgumentException($"query must be 2-D (unbatched) or 3-D (batched), got {query.Dimensions}-D", nameof(query)),
        };
        var expected = batched ? 3 : 2;
        if (key.Dimensions != expected || value.Dimensions != expected)
            throw new ArgumentException($"For {(batched ? "batched" : "unbatched")} {query.Dimensions}-D query, key and value must be {expected}-D, " +
                $"got {key.Dimensions}-D and {value.Dimensions}-D", nameof(key));
        if (keyPaddingMask is not null && keyPaddingMask.Dimensions != expected - 1)
            throw new ArgumentException($"keyPaddingMask must be {expected - 1}-D, got {keyPaddingMask.Dimensions}-D", nameof(keyPaddingMask));
        if (query.Size(-1) != EmbedDim) throw new ArgumentException($"query has {query.Size(-1)} features, expected embedDim {EmbedDim}", nameof(query));
        if (key.Size(-1) != KDim) throw new ArgumentException($"key has {key.Size(-1)} features, expected kdim {KDim}", nameof(key));
        if (value.Size(-1) != VDim) throw new ArgumentException($"value has {value.Size(-1)} features, expected vdim {VDim}", nameof(value));
        if (key.Size(0) != value.Size(0) || (batched && key.Size(1) != value.Size(1)))
            throw new ArgumentException($"key [{string.Join(", ", key.Shape)}] and value [{string.Join(", ", value.Shape)}] must agree in sequence and batch", nameof(value));
        if (attnMask is not null)
        {
            long length = query.Size(batched && BatchFirst ? 1 : 0), source = key.Size(batched && BatchFirst ? 1 : 0);
            long[] shape = attnMask.Dimensions switch
            {
                2 => [length, source],
                3 => [(batched ? query.Size(BatchFirst ? 0 : 1) : 1) * NumHeads, length, source],
                _ => throw new ArgumentException($"attnMask must be 2-D or 3-D, got {attnMask.Dimensions}-D", nameof(attnMask)),
            };
            if (!attnMask.Shape.SequenceEqual(shape))
                throw new ArgumentException($"The shape of the {attnMask.Dimensions}-D attnMask is [{string.Join(", ", attnMask.Shape)}], but should be [{string.Join(", ", shape)}]", nameof(attnMask));
        }
        return batched;
    }

    // The packed weight projects all three at once when they are the same tensor (self-attention), as PyTorch does.
    private (Tensor Q, Tensor K, Tensor V) Project(Tensor query, Tensor key, Tensor value)
    {
        Tensor? biasQ = null, biasKey = null, biasValue = null;
        if (inProjBias is not null)
        {
            var biases = inProjBias.Chunk(3);
            (biasQ, biasKey, biasValue) = (biases[0], biases[1], biases[2]);
        }
        if (inProjWeight is null)
            return (Functional.Linear(query, qProjWeight!, biasQ), Functional.Linear(key, kProjWeight!, biasKey), Functional.Linear(value, vProjWeight!, biasValue));
        if (ReferenceEquals(query, key) && ReferenceEquals(key, value))
        {
            var packed = Functional.Linear(query, inProjWeight, inProjBias).Chunk(3, -1);
            return (packed[0], packed[1], packed[2]);
        }
        var weights = inProjWeight.Chunk(3);
        return (Functional.Linear(query, weights[0], biasQ), Functional.Linear(key, weights[1], biasKey), Functional.Linear(value, weights[2], biasValue));
    }

    // Bool masks (True = masked) become 0 / -inf in the computation dtype, as PyTorch's _canonical_mask does.
    private static Tensor FloatMask(Tensor mask, DType dtype, string name)
    {
        if (mask.DType == DType.UInt8 || mask.DType == DType.Bool)
            return Tensor.Zeros(mask.Shape, dtype, mask.Device).MaskedFill(mask.DType == DType.Bool ? mask : mask.To(DType.Bool), double.NegativeInfinity);
        if (!mask.DType.IsFloatingPoint()) throw new ArgumentException($"{name} must be Bool or floating point, got {mask.DType.Name()}", name);
        return mask.DType == dtype ? mask : mask.To(dtype);
    }
}
