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

        void Add(string name, long[] shape) => RegisterParameter(name, new Parameter(Tensor.Empty(shape, dtype, device)));
    }

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

        var results = LibTorch.NnRnn(mode, x, h, c, RegisteredParameters.Select(w => (Tensor)w!).ToArray(), HasBias, NumLayers,
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
}

/// <summary>The nonlinearity of <see cref="Rnn"/>.</summary>
public enum RnnNonlinearity
{
    Tanh,
    Relu,
}
