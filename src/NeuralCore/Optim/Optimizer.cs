using NeuralCore.Interop;
using NeuralCore.Interop.Handles;
using NeuralCore.NN;

namespace NeuralCore.Optim;

/// <summary>Parameters that share hyper-parameters; a null setting takes the optimizer's default.</summary>
public sealed class ParameterGroup(IEnumerable<Parameter> parameters)
{
    public IReadOnlyList<Parameter> Parameters { get; } = parameters?.ToList() ?? throw new ArgumentNullException(nameof(parameters));
    public double? LearningRate { get; init; }
    public double? WeightDecay { get; init; }
    public double? Momentum { get; init; }
}

/// <summary>
/// Base of the optimizers (torch.optim.Optimizer). Sgd, Adam, AdamW, RmsProp and Adagrad update in libtorch's
/// torch::optim, in native code; the others, and a user's own, subclass the managed form: override <see cref="Step"/>,
/// keep per-parameter tensors in <see cref="State"/>, read rates with <see cref="GetLearningRate"/>.
/// </summary>
public abstract class Optimizer : IDisposable
{
    private protected const int SgdKind = NativeConstants.OptimSgd, AdamKind = NativeConstants.OptimAdam, AdamWKind = NativeConstants.OptimAdamw,
        RmsPropKind = NativeConstants.OptimRmsprop, AdagradKind = NativeConstants.OptimAdagrad;

    private readonly OptimizerHandle? handle;
    private readonly double[]? learningRates;  // the managed form's per-group rates
    private double[]? momenta;  // the managed form's per-group momentum or β1, where it declares one
    private readonly Dictionary<Parameter, Dictionary<string, Tensor>> state = new(ReferenceEqualityComparer.Instance);
    private bool disposed;

    /// <summary>A managed optimizer: <see cref="Step"/> is the subclass's; each group's rate is its own or <paramref name="lr"/>.</summary>
    protected Optimizer(IEnumerable<ParameterGroup> groups, double lr)
    {
        ParamGroups = CheckGroups(groups, lr);
        learningRates = ParamGroups.Select(g => g.LearningRate ?? lr).ToArray();
    }

    private static List<ParameterGroup> CheckGroups(IEnumerable<ParameterGroup> groups, double lr)
    {
        ArgumentNullException.ThrowIfNull(groups);
        var list = groups.ToList();
        if (list.Count == 0 || list.All(g => g.Parameters.Count == 0))
            throw new ArgumentException("optimizer got an empty parameter list", nameof(groups));
        if (list.Any(g => g.Parameters.Count == 0))
            throw new ArgumentException("a parameter group is empty", nameof(groups));
        Hyperparameter.NonNegative(lr, "lr");
        foreach (var group in list)
        {
            if (group.LearningRate is { } rate) Hyperparameter.NonNegative(rate, "lr");
            if (group.WeightDecay is { } decay) Hyperparameter.NonNegative(decay, "weightDecay");
            if (group.Momentum is { } momentum) Hyperparameter.NonNegative(momentum, "momentum");
        }
        var all = list.SelectMany(g => g.Parameters).ToList();
        if (all.Distinct(ReferenceEqualityComparer.Instance).Count() != all.Count)
            throw new ArgumentException("some parameters appear in more than one parameter group", nameof(groups));
        return list;
    }

    private protected Optimizer(int kind, IEnumerable<ParameterGroup> groups, NativeOptimizerOptions defaults)
    {
        ParamGroups = CheckGroups(groups, defaults.LearningRate);
        var all = ParamGroups.SelectMany(g => g.Parameters).ToList();
        var sizes = ParamGroups.Select(g => g.Parameters.Count).ToArray();
        var options = ParamGroups.Select(g => defaults with
        {
            LearningRate = g.LearningRate ?? defaults.LearningRate,
            WeightDecay = g.WeightDecay ?? defaults.WeightDecay,
            Momentum = g.Momentum ?? defaults.Momentum,
        }).ToArray();
        handle = LibTorch.OptimizerCreate(kind, all, sizes, options);
    }

    private protected static IEnumerable<ParameterGroup> OneGroup(IEnumerable<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return [new ParameterGroup(parameters)];
    }

    private OptimizerHandle? Native => disposed ? throw new ObjectDisposedException(GetType().Name) : handle;

    /// <summary>A parameter's state tensors by name (created on first use), e.g. <c>State(p)["exp_avg"]</c>; the optimizer owns them.</summary>
    protected Dictionary<string, Tensor> State(Parameter parameter)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (!state.TryGetValue(parameter, out var entries)) state[parameter] = entries = [];
        return entries;
    }

    /// <summary>Sets a state tensor, releasing the one it replaces.</summary>
    protected void SetState(Parameter parameter, string name, Tensor value)
    {
        var entries = State(parameter);
        TensorScope.Unregister(value);
        if (entries.TryGetValue(name, out var old) && !ReferenceEquals(old, value)) old.Dispose();
        entries[name] = value;
    }

    /// <summary>The parameter groups, in the order given.</summary>
    public IReadOnlyList<ParameterGroup> ParamGroups { get; }

    /// <summary>Updates every parameter from its gradient; parameters without a gradient are skipped.</summary>
    public virtual void Step()
    {
        if (Native is not { } native) throw new NotImplementedException($"{GetType().Name} must override Step");
        LibTorch.OptimizerStep(native);
    }

    /// <summary>Clears the gradients: drops them (<paramref name="setToNone"/>, PyTorch 2's default) or fills them with zeros.</summary>
    public void ZeroGrad(bool setToNone = true)
    {
        if (Native is { } native)
        {
            LibTorch.OptimizerZeroGrad(native, setToNone);
            return;
        }
        foreach (var parameter in ParamGroups.SelectMany(g => g.Parameters))
            if (setToNone) parameter.Grad = null;
            else
                using (Autograd.NoGrad())
                    parameter.Grad?.ZeroInPlace();
    }

    /// <summary>The learning rate of group 0; setting it sets every group's.</summary>
    public double LearningRate
    {
        get => GetLearningRate(0);
        set
        {
            for (var i = 0; i < ParamGroups.Count; i++) SetLearningRate(i, value);
        }
    }

    /// <summary>The learning rate of group <paramref name="group"/>.</summary>
    public double GetLearningRate(int group)
    {
        if (Native is { } native) return LibTorch.OptimizerGetLearningRate(native, group);
        ArgumentOutOfRangeException.ThrowIfNegative(group);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(group, learningRates!.Length);
        return learningRates[group];
    }

    /// <summary>Sets the learning rate of group <paramref name="group"/>.</summary>
    public void SetLearningRate(int group, double learningRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(learningRate);
        if (Native is { } native)
        {
            LibTorch.OptimizerSetLearningRate(native, group, learningRate);
            return;
        }
        ArgumentOutOfRangeException.ThrowIfNegative(group);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(group, learningRates!.Length);
        learningRates[group] = learningRate;
    }

    /// <summary>
    /// A group's momentum (Sgd, RmsProp) or β1 (Adam, AdamW): what <see cref="OneCycleLR"/> and <see cref="CyclicLR"/>
    /// cycle (PyTorch's <c>group["momentum"]</c> or <c>group["betas"][0]</c>).
    /// </summary>
    /// <exception cref="TorchException">The optimizer has neither (Adagrad).</exception>
    /// <exception cref="NotSupportedException">An optimizer written over tensor operations that declared none (Adadelta, Rprop, Asgd).</exception>
    public double GetMomentum(int group)
    {
        if (Native is { } native) return LibTorch.OptimizerGetMomentum(native, group);
        ArgumentOutOfRangeException.ThrowIfNegative(group);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(group, ParamGroups.Count);
        return momenta is { } values ? values[group] : throw new NotSupportedException($"{GetType().Name} keeps no momentum that a scheduler can change");
    }

    /// <summary>Sets a group's momentum or β1 (see <see cref="GetMomentum"/>).</summary>
    public void SetMomentum(int group, double momentum)
    {
        Hyperparameter.NonNegative(momentum, nameof(momentum));
        if (Native is { } native)
        {
            LibTorch.OptimizerSetMomentum(native, group, momentum);
            return;
        }
        ArgumentOutOfRangeException.ThrowIfNegative(group);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(group, ParamGroups.Count);
        if (momenta is null) throw new NotSupportedException($"{GetType().Name} keeps no momentum that a scheduler can change");
        momenta[group] = momentum;
    }

    /// <summary>
    /// For an optimizer written over tensor operations: gives every group a momentum (or β1) that starts at
    /// <paramref name="initial"/>, which <see cref="GetMomentum"/> reads and schedulers change; the update reads it each step.
    /// </summary>
    protected void DeclareMomentum(double initial) => momenta = Enumerable.Repeat(initial, ParamGroups.Count).ToArray();

    /// <summary>
    /// Saves the optimizer's state (momentum buffers, moments, step counts, hyper-parameters) so that training resumes
    /// exactly after <see cref="Load"/> on an optimizer of the same kind over the same parameters. Written atomically.
    /// </summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Native is { } native)
        {
            LibTorch.OptimizerSave(native, Path.GetFullPath(path));
            return;
        }
        // The managed form: a torch.save'd dictionary of "state.<parameter>.<name>" tensors and "lr.<group>" scalars.
        var parameters = ParamGroups.SelectMany(g => g.Parameters).ToList();
        using var scope = TensorScope.Begin();
        var entries = new List<KeyValuePair<string, Tensor>>();
        for (var i = 0; i < learningRates!.Length; i++) entries.Add(new($"lr.{i}", Tensor.Full([], learningRates[i], DType.Float64)));
        for (var i = 0; i < parameters.Count; i++)
            if (state.TryGetValue(parameters[i], out var values))
                foreach (var (name, value) in values) entries.Add(new($"state.{i}.{name}", value));
        IO.Serialization.Save(entries, path);
    }

    /// <summary>Restores the state written by <see cref="Save"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="TorchException">The file is not an optimizer state of this kind; the message names the file.</exception>
    public void Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"optimizer state not found: {path}", path);
        try
        {
            if (Native is { } native)
            {
                LibTorch.OptimizerLoad(native, Path.GetFullPath(path));
                return;
            }
            var loaded = IO.Serialization.Load(path);
            var parameters = ParamGroups.SelectMany(g => g.Parameters).ToList();
            foreach (var (key, value) in loaded)
            {
                var parts = key.Split('.', 3);
                if (parts[0] == "lr" && parts.Length == 2 && int.TryParse(parts[1], out var group) && group < learningRates!.Length)
                {
                    learningRates[group] = value.Item<double>();
                    value.Dispose();
                }
                else if (parts[0] == "state" && parts.Length == 3 && int.TryParse(parts[1], out var index) && index < parameters.Count)
                    SetState(parameters[index], parts[2], value);
                else
                    throw new TorchException($"unexpected entry '{key}' in an optimizer state of {GetType().Name}", TorchErrorKind.Value);
            }
        }
        catch (TorchException e)
        {
            throw new TorchException($"{path}: {e.Message}", e.Kind);
        }
    }

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        handle?.Dispose();
        foreach (var tensor in state.Values.SelectMany(v => v.Values)) tensor.Dispose();
        state.Clear();
        GC.SuppressFinalize(this);
    }
}
