using NeuralCore.Interop;

namespace NeuralCore.NN;

/// <summary>
/// Shared parts of Lstm, Gru and Rnn: parameters named as PyTorch names them (<c>weight_ih_l0</c>, <c>weight_hh_l0</c>,
/// <c>bias_ih_l0</c>, <c>bias_hh_l0</c>, <c>…_reverse</c>), and libtorch's fused recurrent kernels.
/// </summary>
public abstract class RecurrentModule : Module
{
    private readonly int mode;

    private protected RecurrentModule(int mode, int gates, long inputSize, long hiddenSize, long numLayers, bool bias, bool batchFirst,
        double dropout, bool bidirectional, DType? dtype, Device? device)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(hiddenSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(numLayers, 1);
        if (dropout is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(dropout), dropout, "must be in [0, 1]");
        (this.mode, InputSize, HiddenSize, NumLayers, HasBias, BatchFirst, DropoutProbability, Bidirectional) =
            (mode, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional);
        var directions = bidirectional ? 2 : 1;
        for (var layer = 0; layer < numLayers; layer++)
        {
            var layerInput = layer == 0 ? inputSize : hiddenSize * directions;
            for (var direction = 0; direction < directions; direction++)
            {
                var suffix = $"_l{layer}" + (direction == 1 ? "_reverse" : "");
                Add("weight_ih" + suffix, [gates * hiddenSize, layerInput]);
                Add("weight_hh" + suffix, [gates * hiddenSize, hiddenSize]);
                if (bias)
                {
                    Add("bias_ih" + suffix, [gates * hiddenSize]);
                    Add("bias_hh" + suffix, [gates * hiddenSize]);
                }
            }
        }
        ResetParameters();
        FlattenParameters();

        void Add(string name, long[] shape) => RegisterParameter(name, new Parameter(Tensor.Empty(shape, dtype, device)));
    }

    /// <summary>
    /// RNNBase.flatten_parameters: on CUDA with cuDNN, places the weights in one contiguous buffer in cuDNN's layout, so
    /// that each forward uses them without a copy. Runs after construction and after <see cref="Module.To(Device)"/>
    /// and <see cref="Module.To(DType)"/> of this module or one above it, as in PyTorch; does nothing on the CPU. Returns whether it flattened.
    /// </summary>
    public bool FlattenParameters() =>
        LibTorch.NnRnnFlattenParameters(mode, RegisteredParameters.Select(w => (Tensor)w!).ToArray(), HasBias, InputSize, HiddenSize,
            NumLayers, BatchFirst, Bidirectional);

    private protected override void OnConverted() => FlattenParameters();

    public long InputSize { get; }
    public long HiddenSize { get; }
    public long NumLayers { get; }
    public bool HasBias { get; }
    public bool BatchFirst { get; }
    public double DropoutProbability { get; }
    public bool Bidirectional { get; }

    /// <summary>PyTorch's default: every weight and bias from U(-1/√hidden, 1/√hidden), in parameter order.</summary>
    public void ResetParameters()
    {
        var bound = 1.0 / Math.Sqrt(HiddenSize);
        foreach (var weight in RegisteredParameters) Init.Uniform(weight!, -bound, bound);
    }

    /// <summary>Runs the kernel. Returns the output and the final hidden (and, for LSTM, cell) state.</summary>
    private protected (Tensor Output, Tensor Hidden, Tensor? Cell) Run(Tensor input, Tensor? hidden, Tensor? cell)
    {
        ArgumentNullException.ThrowIfNull(input);
        var dimensions = input.Dimensions;
        if (dimensions is not (2 or 3))
            throw new ArgumentException($"{GetType().Name} expects a 2-D (unbatched) or 3-D input, got {dimensions}-D [{string.Join(", ", input.Shape)}]", nameof(input));
        var batched = dimensions == 3;
        if (input.Size(-1) != InputSize)
            throw new ArgumentException($"input.size(-1) must be equal to input_size. Expected {InputSize}, got {input.Size(-1)}", nameof(input));
        using var scope = TensorScope.Begin();
        var x = batched ? input : input.Unsqueeze(BatchFirst ? 0 : 1);
        var batch = x.Size(BatchFirst ? 0 : 1);
        var stateShape = new[] { NumLayers * (Bidirectional ? 2 : 1), batch, HiddenSize };
        var info = x;
        var h = hidden is null ? Tensor.Zeros(stateShape, info.DType, info.Device) : batched ? hidden : hidden.Unsqueeze(1);
        var c = mode != NativeConstants.RnnLstm ? null : cell is null ? Tensor.Zeros(stateShape, info.DType, info.Device) : batched ? cell : cell.Unsqueeze(1);
        CheckState(h, "hidden");
        if (c is not null) CheckState(c, "cell");

        void CheckState(Tensor state, string what)
        {
            if (!state.Shape.SequenceEqual(stateShape))
                throw new ArgumentException($"Expected {what} state of size ({string.Join(", ", stateShape)}), got [{string.Join(", ", state.Shape)}]");
        }

        var results = LibTorch.NnRnn(mode, x, null, h, c, RegisteredParameters.Select(w => (Tensor)w!).ToArray(), HasBias, NumLayers,
            DropoutProbability, Training, Bidirectional, BatchFirst);
        if (!batched)
        {
            results = (results.Output.Squeeze(BatchFirst ? 0 : 1), results.Hidden.Squeeze(1), results.Cell?.Squeeze(1));
        }
        scope.Keep(results.Output);
        scope.Keep(results.Hidden);
        if (results.Cell is not null) scope.Keep(results.Cell);
        return results;
    }

    /// <summary>Runs the kernel over a packed batch; the states are in the caller's batch order, as in PyTorch.</summary>
    private protected (PackedSequence Output, Tensor Hidden, Tensor? Cell) Run(PackedSequence input, Tensor? hidden, Tensor? cell)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Data.Dimensions != 2 || input.Data.Size(-1) != InputSize)
            throw new ArgumentException($"{GetType().Name} expects packed data (steps, {InputSize}), got [{string.Join(", ", input.Data.Shape)}]", nameof(input));
        using var scope = TensorScope.Begin();
        var batch = input.BatchSizes.Size(0) == 0 ? 0 : input.BatchSizes.Select(0, 0).Item<long>();
        var stateShape = new[] { NumLayers * (Bidirectional ? 2 : 1), batch, HiddenSize };
        var data = input.Data;
        var h = input.Sorted(hidden) ?? Tensor.Zeros(stateShape, data.DType, data.Device);
        var c = mode != NativeConstants.RnnLstm ? null : input.Sorted(cell) ?? Tensor.Zeros(stateShape, data.DType, data.Device);
        foreach (var (state, what) in new[] { (h, "hidden"), (c, "cell") })
            if (state is not null && !state.Shape.SequenceEqual(stateShape))
                throw new ArgumentException($"Expected {what} state of size ({string.Join(", ", stateShape)}), got [{string.Join(", ", state.Shape)}]");
        var (output, last, lastCell) = LibTorch.NnRnn(mode, data, input.BatchSizes, h, c, RegisteredParameters.Select(w => (Tensor)w!).ToArray(), HasBias,
            NumLayers, DropoutProbability, Training, Bidirectional, batchFirst: false);
        // The packed result shares the input's batch sizes and indices, so it owns aliases of them.
        var packed = new PackedSequence(scope.Keep(output), scope.Keep(input.BatchSizes.Alias()), input.SortedIndices is null ? null : scope.Keep(input.SortedIndices.Alias()),
            input.UnsortedIndices is null ? null : scope.Keep(input.UnsortedIndices.Alias()));
        return (packed, scope.Keep(input.Unsorted(last)), lastCell is null ? null : scope.Keep(input.Unsorted(lastCell)));
    }

    protected override string ExtraRepresentation() =>
        $"{InputSize}, {HiddenSize}" + (NumLayers != 1 ? $", num_layers={NumLayers}" : "") + (BatchFirst ? ", batch_first=True" : "") +
        (DropoutProbability != 0 ? $", dropout={DropoutProbability}" : "") + (Bidirectional ? ", bidirectional=True" : "");
}

/// <summary>
/// Long short-term memory (torch.nn.LSTM) on libtorch's fused kernel.
/// input: (L, N, inputSize), or (N, L, inputSize) with batchFirst, or (L, inputSize) unbatched.
/// Returns the output (…, D · hiddenSize) and the final (hidden, cell) state, each (D · numLayers, N, hiddenSize).
/// </summary>
public sealed class Lstm(long inputSize, long hiddenSize, long numLayers = 1, bool bias = true, bool batchFirst = false, double dropout = 0,
    bool bidirectional = false, DType? dtype = null, Device? device = null)
    : RecurrentModule(NativeConstants.RnnLstm, 4, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, dtype, device)
{
    /// <summary>Runs the LSTM from a zero state.</summary>
    public new (Tensor Output, (Tensor Hidden, Tensor Cell) State) Forward(Tensor input) => Forward(input, null);

    /// <summary>Runs the LSTM from <paramref name="state"/> (zero when null).</summary>
    public (Tensor Output, (Tensor Hidden, Tensor Cell) State) Forward(Tensor input, (Tensor Hidden, Tensor Cell)? state)
    {
        var (output, hidden, cell) = Run(input, state?.Hidden, state?.Cell);
        return (output, (hidden, cell!));
    }

    /// <summary>Runs the LSTM over a packed batch from <paramref name="state"/> (zero when null); each sequence stops at its own length.</summary>
    public (PackedSequence Output, (Tensor Hidden, Tensor Cell) State) Forward(PackedSequence input, (Tensor Hidden, Tensor Cell)? state = null)
    {
        var (output, hidden, cell) = Run(input, state?.Hidden, state?.Cell);
        return (output, (hidden, cell!));
    }
}

/// <summary>Gated recurrent unit (torch.nn.GRU) on libtorch's fused kernel. Shapes as <see cref="Lstm"/>, with one state tensor.</summary>
public sealed class Gru(long inputSize, long hiddenSize, long numLayers = 1, bool bias = true, bool batchFirst = false, double dropout = 0,
    bool bidirectional = false, DType? dtype = null, Device? device = null)
    : RecurrentModule(NativeConstants.RnnGru, 3, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, dtype, device)
{
    /// <summary>Runs the GRU from a zero state.</summary>
    public new (Tensor Output, Tensor Hidden) Forward(Tensor input) => Forward(input, null);

    /// <summary>Runs the GRU from <paramref name="hidden"/> (zero when null).</summary>
    public (Tensor Output, Tensor Hidden) Forward(Tensor input, Tensor? hidden)
    {
        var (output, last, _) = Run(input, hidden, null);
        return (output, last);
    }

    /// <summary>Runs the GRU over a packed batch from <paramref name="hidden"/> (zero when null); each sequence stops at its own length.</summary>
    public (PackedSequence Output, Tensor Hidden) Forward(PackedSequence input, Tensor? hidden = null)
    {
        var (output, last, _) = Run(input, hidden, null);
        return (output, last);
    }
}

/// <summary>Elman recurrent layer (torch.nn.RNN) with tanh or ReLU. Shapes as <see cref="Gru"/>.</summary>
public sealed class Rnn(long inputSize, long hiddenSize, long numLayers = 1, RnnNonlinearity nonlinearity = RnnNonlinearity.Tanh, bool bias = true,
    bool batchFirst = false, double dropout = 0, bool bidirectional = false, DType? dtype = null, Device? device = null)
    : RecurrentModule(nonlinearity == RnnNonlinearity.Tanh ? NativeConstants.RnnTanh : NativeConstants.RnnRelu, 1, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, dtype, device)
{
    /// <summary>Runs the RNN from a zero state.</summary>
    public new (Tensor Output, Tensor Hidden) Forward(Tensor input) => Forward(input, null);

    /// <summary>Runs the RNN from <paramref name="hidden"/> (zero when null).</summary>
    public (Tensor Output, Tensor Hidden) Forward(Tensor input, Tensor? hidden)
    {
        var (output, last, _) = Run(input, hidden, null);
        return (output, last);
    }

    /// <summary>Runs the RNN over a packed batch from <paramref name="hidden"/> (zero when null); each sequence stops at its own length.</summary>
    public (PackedSequence Output, Tensor Hidden) Forward(PackedSequence input, Tensor? hidden = null)
    {
        var (output, last, _) = Run(input, hidden, null);
        return (output, last);
    }
}

/// <summary>The nonlinearity of <see cref="Rnn"/>.</summary>
public enum RnnNonlinearity
{
    Tanh,
    Relu,
}

/// <summary>
/// Shared parts of LstmCell, GruCell and RnnCell (torch.nn.RNNCellBase): keys <c>weight_ih</c>, <c>weight_hh</c>,
/// <c>bias_ih</c>, <c>bias_hh</c>, every one initialised U(−1/√hidden, 1/√hidden) as PyTorch does.
/// </summary>
public abstract class RecurrentCellModule : Module
{
    private protected RecurrentCellModule(long inputSize, long hiddenSize, bool bias, int gates, DType? dtype, Device? device)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(hiddenSize, 1);
        (InputSize, HiddenSize) = (inputSize, hiddenSize);
        WeightIh = new Parameter(Tensor.Empty([gates * hiddenSize, inputSize], dtype, device));
        WeightHh = new Parameter(Tensor.Empty([gates * hiddenSize, hiddenSize], dtype, device));
        BiasIh = bias ? new Parameter(Tensor.Empty([gates * hiddenSize], dtype, device)) : null;
        BiasHh = bias ? new Parameter(Tensor.Empty([gates * hiddenSize], dtype, device)) : null;
        RegisterParameter("weight_ih", WeightIh);
        RegisterParameter("weight_hh", WeightHh);
        RegisterParameter("bias_ih", BiasIh);
        RegisterParameter("bias_hh", BiasHh);
        ResetParameters();
    }

    public long InputSize { get; }
    public long HiddenSize { get; }
    public Parameter WeightIh { get; }
    public Parameter WeightHh { get; }
    public Parameter? BiasIh { get; }
    public Parameter? BiasHh { get; }

    /// <summary>PyTorch's default: every parameter U(−1/√hidden, 1/√hidden), in registration order.</summary>
    public void ResetParameters()
    {
        var bound = 1 / Math.Sqrt(HiddenSize);
        foreach (var parameter in new[] { WeightIh, WeightHh, BiasIh, BiasHh })
            if (parameter is not null) Init.Uniform(parameter, -bound, bound);
    }

    /// <summary>Input (N, in) or unbatched (in); a missing state is zeros (N, hidden). Returns the batch form and whether to unbatch.</summary>
    private protected (Tensor Input, bool Unbatched) Batched(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Dimensions is not (1 or 2))
            throw new ArgumentException($"{GetType().Name}: expected input to be 1-D or 2-D, got {input.Dimensions}-D", nameof(input));
        if (input.Size(-1) != InputSize)
            throw new ArgumentException($"{GetType().Name}: input has {input.Size(-1)} features, expected {InputSize}", nameof(input));
        return input.Dimensions == 1 ? (input.Unsqueeze(0), true) : (input, false);
    }

    private protected Tensor State(Tensor? state, Tensor batchedInput, bool unbatched) =>
        state is null ? Tensor.Zeros([batchedInput.Size(0), HiddenSize], batchedInput.DType, batchedInput.Device)
        : unbatched ? state.Unsqueeze(0) : state;

    protected override string ExtraRepresentation() => $"{InputSize}, {HiddenSize}" + (BiasIh is null ? ", bias=False" : "");
}

/// <summary>One LSTM step (torch.nn.LSTMCell): <c>Forward(input, (h, c))</c> gives the next (h, c); a missing state is zeros.</summary>
public sealed class LstmCell(long inputSize, long hiddenSize, bool bias = true, DType? dtype = null, Device? device = null)
    : RecurrentCellModule(inputSize, hiddenSize, bias, 4, dtype, device)
{
    public (Tensor Hidden, Tensor Cell) Forward(Tensor input, (Tensor Hidden, Tensor Cell)? state)
    {
        using var scope = TensorScope.Begin();
        var (batch, unbatched) = Batched(input);
        var (hidden, cell) = Functional.LstmCell(batch, State(state?.Hidden, batch, unbatched), State(state?.Cell, batch, unbatched),
            WeightIh, WeightHh, BiasIh, BiasHh);
        return unbatched ? (scope.Keep(hidden.Squeeze(0)), scope.Keep(cell.Squeeze(0))) : (scope.Keep(hidden), scope.Keep(cell));
    }

    /// <summary>From a zero state.</summary>
    public new (Tensor Hidden, Tensor Cell) Forward(Tensor input) => Forward(input, null);
}

/// <summary>One GRU step (torch.nn.GRUCell): <c>Forward(input, h)</c> gives the next h; a missing state is zeros.</summary>
public sealed class GruCell(long inputSize, long hiddenSize, bool bias = true, DType? dtype = null, Device? device = null)
    : RecurrentCellModule(inputSize, hiddenSize, bias, 3, dtype, device)
{
    public Tensor Forward(Tensor input, Tensor? hidden)
    {
        using var scope = TensorScope.Begin();
        var (batch, unbatched) = Batched(input);
        var next = Functional.GruCell(batch, State(hidden, batch, unbatched), WeightIh, WeightHh, BiasIh, BiasHh);
        return scope.Keep(unbatched ? next.Squeeze(0) : next);
    }

    public override Tensor Forward(Tensor input) => Forward(input, null);
}

/// <summary>One Elman step with tanh or relu (torch.nn.RNNCell): <c>Forward(input, h)</c> gives the next h.</summary>
public sealed class RnnCell(long inputSize, long hiddenSize, bool bias = true, RnnNonlinearity nonlinearity = RnnNonlinearity.Tanh,
    DType? dtype = null, Device? device = null) : RecurrentCellModule(inputSize, hiddenSize, bias, 1, dtype, device)
{
    public Tensor Forward(Tensor input, Tensor? hidden)
    {
        using var scope = TensorScope.Begin();
        var (batch, unbatched) = Batched(input);
        var state = State(hidden, batch, unbatched);
        var next = nonlinearity == RnnNonlinearity.Relu
            ? Functional.RnnReluCell(batch, state, WeightIh, WeightHh, BiasIh, BiasHh)
            : Functional.RnnTanhCell(batch, state, WeightIh, WeightHh, BiasIh, BiasHh);
        return scope.Keep(unbatched ? next.Squeeze(0) : next);
    }

    public override Tensor Forward(Tensor input) => Forward(input, null);

    protected override string ExtraRepresentation() => base.ExtraRepresentation() + (nonlinearity == RnnNonlinearity.Relu ? ", nonlinearity=relu" : "");
}
