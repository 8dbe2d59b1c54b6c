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
    private readonly int kind = -1;  // the native form's NativeConstants.Optim*
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
        this.kind = kind;
    }

    /// <summary>Steps that took the multi-tensor form (Adam and AdamW); 0 for the others.</summary>
    internal long ForeachSteps => Native is { } native ? LibTorch.OptimizerForeachSteps(native) : 0;

    private protected void SetForeach(bool? @foreach)
    {
        if (Native is { } native) LibTorch.OptimizerSetForeach(native, @foreach switch { null => -1, true => 1, false => 0 });
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

    // PyTorch's per-parameter state entries and group hyper-parameters of each native kind, in PyTorch's order. A group
    // value is the native option's name, or a fixed value PyTorch has and libtorch's optimizers do not vary.
    private static (string[] State, (string Key, object? Value)[] Group) Layout(int kind) => kind switch
    {
        SgdKind => (["momentum_buffer"], [("lr", "lr"), ("momentum", "momentum"), ("dampening", "dampening"), ("weight_decay", "weight_decay"),
            ("nesterov", "nesterov?"), ("maximize", false), ("foreach", null), ("differentiable", false)]),
        AdamKind or AdamWKind => (["step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"], [("lr", "lr"), ("betas", "betas"), ("eps", "eps"),
            ("weight_decay", "weight_decay"), ("amsgrad", "amsgrad?"), ("maximize", false), ("foreach", null), ("capturable", false),
            ("differentiable", false), ("fused", null)]),
        RmsPropKind => (["step", "square_avg", "momentum_buffer", "grad_avg"], [("lr", "lr"), ("momentum", "momentum"), ("alpha", "alpha"),
            ("eps", "eps"), ("centered", "centered?"), ("weight_decay", "weight_decay"), ("maximize", false), ("foreach", null), ("differentiable", false)]),
        AdagradKind => (["step", "sum"], [("lr", "lr"), ("lr_decay", "lr_decay"), ("weight_decay", "weight_decay"),
            ("initial_accumulator_value", "initial_accumulator_value"), ("eps", "eps"), ("maximize", false), ("foreach", null), ("differentiable", false)]),
        _ => throw new InvalidOperationException($"unknown optimizer kind {kind}"),
    };

    private OptimizerHandle NativeForStateDict() => Native ?? throw new InvalidOperationException("not a native optimizer");

    /// <summary>
    /// For an optimizer written over tensor operations: a group's hyper-parameters under PyTorch's keys, besides "lr" and
    /// "params" (e.g. "betas" as a pair, "eps", "weight_decay"), for <see cref="StateDict"/>; <see cref="LoadStateDict"/>
    /// takes "lr" and "betas"[0] or "momentum" where the optimizer declared one, and requires the others to be equal.
    /// </summary>
    protected virtual IEnumerable<KeyValuePair<string, object?>> GroupSettings(int group) => [];

    // The managed form: its State tensors under their names ("step" as PyTorch's Float32 scalar), its groups' settings.
    private OrderedDictionary<string, object?> ManagedStateDict()
    {
        var saved = new OrderedDictionary<object, object?>();
        var groups = new List<object?>();
        var index = 0L;
        for (var group = 0; group < ParamGroups.Count; group++)
        {
            var ids = new List<object?>();
            foreach (var parameter in ParamGroups[group].Parameters)
            {
                if (state.TryGetValue(parameter, out var entries) && entries.Count > 0)
                    saved[index] = new OrderedDictionary<string, object?>(entries.Select(e =>
                        new KeyValuePair<string, object?>(e.Key, e.Key == "step" ? e.Value.To(DType.Float32) : e.Value.Alias())));
                ids.Add(index++);
            }
            var settings = new OrderedDictionary<string, object?> { ["lr"] = GetLearningRate(group) };
            foreach (var (key, value) in GroupSettings(group)) settings[key] = value;
            settings["params"] = ids;
            groups.Add(settings);
        }
        return new OrderedDictionary<string, object?> { ["state"] = saved, ["param_groups"] = groups };
    }

    private void LoadManagedStateDict(object stateDict)
    {
        var (savedGroups, savedState, positions) = ReadStateDict(stateDict);
        var rates = new double[ParamGroups.Count];
        var momentumValues = new double?[ParamGroups.Count];
        var parameters = ParamGroups.SelectMany(g => g.Parameters).ToList();
        for (var group = 0; group < ParamGroups.Count; group++)
        {
            var saved = savedGroups[group];
            rates[group] = saved.Contains("lr") ? StateDictNumber(saved["lr"], "lr") : GetLearningRate(group);
            foreach (var (key, mine) in GroupSettings(group))
            {
                if (!saved.Contains(key)) continue;
                var theirs = saved[key];
                if (momenta is not null && key is "betas" or "momentum")
                {
                    var values = theirs as System.Collections.IList;
                    momentumValues[group] = StateDictNumber(values is null ? theirs : values[0], key);
                    if (values is not null && mine is object?[] { Length: 2 } pair && !Same(pair[1], values[1]))
                        throw new ArgumentException($"param_groups[{group}].{key}[1] is {values[1]}, this optimizer's {pair[1]}: create it with the same setting", nameof(stateDict));
                    continue;
                }
                if (!Same(mine, theirs))
                    throw new ArgumentException($"param_groups[{group}].{key} is {Show(theirs)}, this optimizer's {Show(mine)}: create it with the same setting", nameof(stateDict));
            }
        }
        var loaded = new List<(Parameter Parameter, string Name, Tensor Value)>();
        foreach (System.Collections.DictionaryEntry item in savedState)
        {
            var id = Convert.ToInt64(item.Key, System.Globalization.CultureInfo.InvariantCulture);
            var parameter = positions.TryGetValue(id, out var found) ? parameters[found] : throw new ArgumentException($"state has parameter {id}, which no group lists", nameof(stateDict));
            foreach (System.Collections.DictionaryEntry entry in AsDictionary(item.Value, $"state[{id}]"))
            {
                var name = entry.Key as string ?? throw new ArgumentException($"state[{id}] has a key that is not a name", nameof(stateDict));
                // Counts and scalars (step, eta, mu, mu_product) are Float64 scalars here; moments take the parameter's dtype and device.
                var value = entry.Value switch
                {
                    Tensor { Dimensions: 0 } scalar => scalar.To(DType.Float64),
                    Tensor tensor when tensor.Shape.SequenceEqual(parameter.Shape) => tensor.To(parameter.Device).To(parameter.DType),
                    Tensor tensor => throw new ArgumentException($"state[{id}].{name} has shape [{string.Join(", ", tensor.Shape)}], its parameter [{string.Join(", ", parameter.Shape)}]", nameof(stateDict)),
                    null => null,
                    var number => Tensor.Full([], StateDictNumber(number, name), DType.Float64),
                };
                if (value is not null) loaded.Add((parameter, name, value));
            }
        }
        for (var group = 0; group < ParamGroups.Count; group++)
        {
            SetLearningRate(group, rates[group]);
            if (momentumValues[group] is { } momentum) SetMomentum(group, momentum);
        }
        foreach (var parameter in parameters)
            if (state.Remove(parameter, out var old))
                foreach (var tensor in old.Values) tensor.Dispose();
        foreach (var (parameter, name, value) in loaded) SetState(parameter, name, value);

        static bool Same(object? mine, object? theirs) => (mine, theirs) switch
        {
            (null, null) => true,
            (bool a, bool b) => a == b,
            (object?[] a, System.Collections.IList b) => a.Length == b.Count && a.Zip(b.Cast<object?>()).All(pair => Same(pair.First, pair.Second)),
            (double or long or int, double or long or int) => Convert.ToDouble(mine, System.Globalization.CultureInfo.InvariantCulture) == Convert.ToDouble(theirs, System.Globalization.CultureInfo.InvariantCulture),
            _ => false,
        };
        static string Show(object? value) => value switch
        {
            null => "None",
            object?[] items => "(" + string.Join(", ", items.Select(Show)) + ")",
            System.Collections.IList items => "(" + string.Join(", ", items.Cast<object?>().Select(Show)) + ")",
            _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!,
        };
    }

    /// <summary>
    /// PyTorch's <c>optimizer.state_dict()</c>: <c>{"state": {index: {name: tensor}}, "param_groups": [{hyper-parameters…,
    /// "params": [indices]}]}</c> with PyTorch's names, parameters numbered in group order. Saved with
    /// <see cref="IO.Serialization.SaveObject"/>, it loads into PyTorch's optimizer of the same kind with
    /// <c>optimizer.load_state_dict(torch.load(path))</c>, so training goes on there. The tensors are the optimizer's
    /// own (aliases); "step" is a Float32 scalar, as PyTorch keeps it. Optimizers written over tensor operations give
    /// their <see cref="State"/> tensors and <see cref="GroupSettings"/>.
    /// </summary>
    public virtual OrderedDictionary<string, object?> StateDict()
    {
        if (Native is null) return ManagedStateDict();
        var native = NativeForStateDict();
        var (stateNames, groupKeys) = Layout(kind);
        var state = new OrderedDictionary<object, object?>();
        var groups = new List<object?>();
        var index = 0;
        for (var group = 0; group < ParamGroups.Count; group++)
        {
            var ids = new List<object?>();
            foreach (var _ in ParamGroups[group].Parameters)
            {
                var entries = new OrderedDictionary<string, object?>();
                foreach (var name in stateNames)
                    if (LibTorch.OptimizerGetState(native, index, name) is { } value) entries[name] = value;
                if (entries.Count > 0) state[(long)index] = entries;
                ids.Add((long)index++);
            }
            var settings = new OrderedDictionary<string, object?>();
            foreach (var (key, value) in groupKeys)
                settings[key] = value switch
                {
                    "betas" => new object?[] { LibTorch.OptimizerGetOption(native, group, "beta1"), LibTorch.OptimizerGetOption(native, group, "beta2") },
                    string option when option.EndsWith('?') => LibTorch.OptimizerGetOption(native, group, option[..^1]) != 0,
                    string option => LibTorch.OptimizerGetOption(native, group, option),
                    _ => value,
                };
            settings["params"] = ids;
            groups.Add(settings);
        }
        return new OrderedDictionary<string, object?> { ["state"] = state, ["param_groups"] = groups };
    }

    /// <summary>
    /// PyTorch's <c>optimizer.load_state_dict(state_dict)</c>: takes the hyper-parameters and per-parameter state of
    /// <paramref name="stateDict"/>, from <see cref="StateDict"/> or from a file Python's <c>torch.save(optimizer.state_dict())</c>
    /// wrote (read with <see cref="IO.Serialization.LoadObject"/>). Groups and their sizes must match; saved parameters map to
    /// this optimizer's by position, and state tensors take each parameter's dtype and device. Everything is checked before
    /// anything changes.
    /// </summary>
    /// <exception cref="ArgumentException">The groups differ, or an entry is not what this optimizer keeps.</exception>
    /// <exception cref="NotSupportedException">A setting libtorch's optimizers lack (maximize).</exception>
    public virtual void LoadStateDict(object stateDict)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        if (Native is null)
        {
            LoadManagedStateDict(stateDict);
            return;
        }
        var native = NativeForStateDict();
        var (stateNames, groupKeys) = Layout(kind);
        var (savedGroups, savedState, positions) = ReadStateDict(stateDict);
        var settings = new List<(int Group, string Option, double Value)>();
        for (var group = 0; group < ParamGroups.Count; group++)
        {
            var saved = savedGroups[group];
            if (saved.Contains("maximize") && saved["maximize"] is true)
                throw new NotSupportedException($"param_groups[{group}] maximizes; libtorch's {GetType().Name} cannot");
            foreach (var (key, value) in groupKeys)
            {
                if (value is not string option || !saved.Contains(key)) continue;
                if (option == "betas")
                {
                    var betas = saved[key] as System.Collections.IList ?? throw new ArgumentException($"param_groups[{group}].betas is not a pair", nameof(stateDict));
                    settings.Add((group, "beta1", StateDictNumber(betas[0], key)));
                    settings.Add((group, "beta2", StateDictNumber(betas[1], key)));
                }
                else settings.Add((group, option.TrimEnd('?'), saved[key] is bool flag ? flag ? 1 : 0 : StateDictNumber(saved[key], key)));
            }
        }

        var parameters = ParamGroups.SelectMany(g => g.Parameters).ToList();
        var entries = new List<(int Parameter, string Name, Tensor Value)>();
        using var scope = TensorScope.Begin();
        foreach (System.Collections.DictionaryEntry item in savedState)
        {
            var id = Convert.ToInt64(item.Key, System.Globalization.CultureInfo.InvariantCulture);
            if (!positions.TryGetValue(id, out var target)) throw new ArgumentException($"state has parameter {id}, which no group lists", nameof(stateDict));
            foreach (System.Collections.DictionaryEntry entry in AsDictionary(item.Value, $"state[{id}]"))
            {
                var name = entry.Key as string ?? throw new ArgumentException($"state[{id}] has a key that is not a name", nameof(stateDict));
                if (!stateNames.Contains(name)) throw new ArgumentException($"state[{id}] has '{name}', which {GetType().Name} does not keep", nameof(stateDict));
                if (entry.Value is null) continue;  // PyTorch's SGD keeps momentum_buffer None without momentum
                var parameter = parameters[target];
                var tensor = name == "step"
                    ? entry.Value as Tensor ?? Tensor.Full([], StateDictNumber(entry.Value, name), DType.Float64)
                    : (entry.Value as Tensor ?? throw new ArgumentException($"state[{id}].{name} is not a tensor", nameof(stateDict))).To(parameter.Device).To(parameter.DType);
                if (name != "step" && !tensor.Shape.SequenceEqual(parameter.Shape))
                    throw new ArgumentException($"state[{id}].{name} has shape [{string.Join(", ", tensor.Shape)}], its parameter [{string.Join(", ", parameter.Shape)}]", nameof(stateDict));
                entries.Add((target, name, tensor));
            }
        }
        foreach (var (group, option, value) in settings) LibTorch.OptimizerSetOption(native, group, option, value);
        // As PyTorch, the file's state replaces all of it: a parameter it has no entry for starts afresh.
        for (var parameter = 0; parameter < parameters.Count; parameter++) LibTorch.OptimizerClearState(native, parameter);
        foreach (var (parameter, name, value) in entries) LibTorch.OptimizerSetState(native, parameter, name, value);

    }

    // A state dict's groups and state, checked against this optimizer's groups, with the position over all groups of
    // each parameter id the groups list.
    private (System.Collections.IDictionary[] Groups, System.Collections.IDictionary State, Dictionary<long, int> Positions) ReadStateDict(object stateDict)
    {
        var root = AsDictionary(stateDict, "the state dict");
        var savedGroups = root.Contains("param_groups") && root["param_groups"] is System.Collections.IList list ? list
            : throw new ArgumentException("the state dict has no param_groups list", nameof(stateDict));
        var savedState = root.Contains("state") ? AsDictionary(root["state"], "state") : throw new ArgumentException("the state dict has no state", nameof(stateDict));
        if (savedGroups.Count != ParamGroups.Count)
            throw new ArgumentException($"loaded state dict has {savedGroups.Count} parameter groups, this optimizer {ParamGroups.Count}", nameof(stateDict));
        var groups = new System.Collections.IDictionary[ParamGroups.Count];
        var positions = new Dictionary<long, int>();
        var position = 0;
        for (var group = 0; group < ParamGroups.Count; group++)
        {
            var saved = groups[group] = AsDictionary(savedGroups[group], $"param_groups[{group}]");
            var ids = saved.Contains("params") && saved["params"] is System.Collections.IList p ? p
                : throw new ArgumentException($"param_groups[{group}] has no params list", nameof(stateDict));
            if (ids.Count != ParamGroups[group].Parameters.Count)
                throw new ArgumentException($"loaded state dict contains a parameter group that doesn't match the size of optimizer's group ({ids.Count} vs {ParamGroups[group].Parameters.Count})", nameof(stateDict));
            foreach (var id in ids) positions[Convert.ToInt64(id, System.Globalization.CultureInfo.InvariantCulture)] = position++;
        }
        return (groups, savedState, positions);
    }

    // A number of a state dict: a Python int or float, or a one-element tensor (PyTorch's "step").
    private static double StateDictNumber(object? value, string key) => value switch
    {
        double or long or int or float => Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture),
        Tensor { NumberOfElements: 1 } tensor => tensor.Item<double>(),
        _ => throw new ArgumentException($"{key} is not a number", "stateDict"),
    };

    private static System.Collections.IDictionary AsDictionary(object? value, string what) =>
        value as System.Collections.IDictionary ?? throw new ArgumentException($"{what} is not a dictionary", "stateDict");

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
