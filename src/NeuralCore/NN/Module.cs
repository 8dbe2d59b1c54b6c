using System.Collections.Concurrent;
using System.Reflection;
using NeuralCore.Interop;

namespace NeuralCore.NN;

/// <summary>
/// Base class of every network part, as torch.nn.Module. Parameters (<see cref="Parameter"/> fields) and submodules
/// (<see cref="Module"/> fields) are found in the fields of derived classes without any registration call, in
/// declaration order, and named after the field: a field <c>conv1</c> gives <c>conv1.weight</c>, <c>conv1.bias</c>.
/// Built-in modules register their state explicitly under PyTorch's names (<c>weight</c>, <c>weight_ih_l0</c>,
/// <c>running_mean</c>), so state dictionaries move between NeuralCore and PyTorch.
/// </summary>
public abstract class Module : IDisposable
{
    private static readonly ConcurrentDictionary<Type, (FieldInfo Field, string Name)[]> FieldCache = new();

    // Not readonly: a copy (ShallowCopy, for DataParallel's replicas) gets its own lists.
    private List<(string Name, Parameter? Value)> parameters = [];
    private List<(string Name, Tensor? Value)> buffers = [];
    private List<(string Name, Module Value)> modules = [];
    // Parameters a rule computes on every forward (weight norm, spectral norm), with the module's own parameter of that
    // name, which the rule's removal restores.
    private List<(string Name, ComputedParameterRule Rule, Parameter Original)> computed = [];
    private HashSet<string>? computable;
    private bool disposed;

    /// <summary>True in training mode (the default), false after <see cref="Eval"/>.</summary>
    public bool Training { get; private set; } = true;

    /// <summary>The computation; derived classes override it. <c>input</c>: the batch.</summary>
    /// <remarks>A module with several inputs or a non-tensor result derives from <see cref="Module{T, TResult}"/>,
    /// <see cref="Module{T1, T2, TResult}"/> or <see cref="Module{T1, T2, T3, TResult}"/> instead.</remarks>
    /// <exception cref="NotImplementedException">The module does not define a one-tensor forward.</exception>
    public virtual Tensor Forward(Tensor input) =>
        throw new NotImplementedException($"{GetType().Name} does not define Forward(Tensor)");

    /// <summary>
    /// Runs <see cref="Forward(Tensor)"/> between the registered hooks, as calling a torch module does
    /// (<c>model(x)</c>); <see cref="Forward(Tensor)"/> called directly skips them, as <c>model.forward(x)</c> does.
    /// </summary>
    public Tensor Call(Tensor input) => hooks is null ? Forward(input) : hooks.Run(this, input, Forward);

    /// <summary>
    /// Registers <paramref name="hook"/> to run before every <see cref="Call(Tensor)"/> (torch's
    /// <c>register_forward_pre_hook</c>); it returns the input to use (its argument to keep it). Hooks run in
    /// registration order; dispose the handle to remove it.
    /// </summary>
    public RemovableHandle RegisterForwardPreHook(Func<Module, Tensor, Tensor> hook) => TensorForm().AddPre(hook);

    /// <summary>Registers a pre-hook that only observes the input.</summary>
    public RemovableHandle RegisterForwardPreHook(Action<Module, Tensor> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        return RegisterForwardPreHook((module, input) => { hook(module, input); return input; });
    }

    /// <summary>
    /// Registers <paramref name="hook"/> to run after every <see cref="Call(Tensor)"/> with the input and the output
    /// (torch's <c>register_forward_hook</c>); it returns the output to use (its argument to keep it).
    /// </summary>
    public RemovableHandle RegisterForwardHook(Func<Module, Tensor, Tensor, Tensor> hook) => TensorForm().AddPost(hook);

    /// <summary>Registers a forward hook that only observes, e.g. to record a layer's activations.</summary>
    public RemovableHandle RegisterForwardHook(Action<Module, Tensor, Tensor> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        return RegisterForwardHook((module, input, output) => { hook(module, input, output); return output; });
    }

    private ForwardHooks<Tensor, Tensor>? hooks;

    /// <summary>Gives this copy hook lists of its own (a deep copy keeps the hooks, as copy.deepcopy does, but not the lists).</summary>
    private protected virtual void IsolateHooks() => hooks = hooks?.Copy();

    internal void IsolateCopiedHooks() => IsolateHooks();

    private ForwardHooks<Tensor, Tensor> TensorForm()
    {
        if (this is IForwardForm form)
            throw new InvalidOperationException($"{GetType().Name} is called with {form.Signature}: register hooks that take those");
        return hooks ??= new ForwardHooks<Tensor, Tensor>();
    }

    /// <summary>Adds a parameter under <paramref name="name"/>; null records an absent one (bias=False).</summary>
    protected void RegisterParameter(string name, Parameter? parameter) => parameters.Add((CheckName(name), parameter));

    /// <summary>The registered parameters in registration order (null for absent ones).</summary>
    private protected IEnumerable<Parameter?> RegisteredParameters => parameters.Select(p => p.Value);

    /// <summary>A memberwise copy that shares nothing it registered: its registry lists start as copies of these.</summary>
    internal Module ShallowCopy()
    {
        var copy = (Module)MemberwiseClone();
        copy.parameters = [.. parameters];
        copy.buffers = [.. buffers];
        copy.modules = [.. modules];
        copy.computed = [.. computed];
        return copy;
    }

    /// <summary>Replaces the registered entries in place (same names, same order), for copies made by <see cref="ShallowCopy"/>.</summary>
    internal void MapRegistry(Func<Parameter, Parameter> parameter, Func<Tensor, Tensor> buffer, Func<Module, Module> module)
    {
        parameters = parameters.Select(p => (p.Name, p.Value is null ? null : parameter(p.Value))).ToList();
        buffers = buffers.Select(b => (b.Name, b.Value is null ? null : buffer(b.Value))).ToList();
        modules = modules.Select(m => (m.Name, module(m.Value))).ToList();
        computed = computed.Select(c => (c.Name, c.Rule, parameter(c.Original))).ToList();
    }

    /// <summary>Adds a parameter whose name is already dotted (a loaded TorchScript module's).</summary>
    private protected void RegisterQualifiedParameter(string name, Parameter parameter) => parameters.Add((name, parameter));

    /// <summary>Adds a tensor that is state but not learnable (running statistics) under <paramref name="name"/>.</summary>
    protected void RegisterBuffer(string name, Tensor? buffer)
    {
        if (buffer is not null) TensorScope.Unregister(buffer);
        buffers.Add((CheckName(name), buffer));
    }

    private protected int RegisteredModuleCount => modules.Count;

    private protected Module RegisteredModule(int index) => modules[index].Value;

    /// <summary>Adds a submodule under <paramref name="name"/>.</summary>
    protected void RegisterModule(string name, Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        modules.Add((CheckName(name), module));
    }

    private string CheckName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Contains('.')) throw new ArgumentException($"'{name}': names cannot contain '.'", nameof(name));
        return name;
    }

    private IEnumerable<(FieldInfo Field, string Name)> DiscoverableFields() => FieldCache.GetOrAdd(GetType(), type =>
    {
        var chain = new Stack<Type>();
        for (var t = type; t is not null && t != typeof(Module); t = t.BaseType) chain.Push(t);
        return chain
            .SelectMany(t => t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Where(f => typeof(Parameter).IsAssignableFrom(f.FieldType) || typeof(Module).IsAssignableFrom(f.FieldType))
            .Select(f => (f, FieldName(f.Name)))
            .ToArray();
    });

    private static string FieldName(string name)
    {
        // Auto-properties are stored in fields named "<Name>k__BackingField".
        if (name.StartsWith('<') && name.IndexOf('>') is var end and > 0) name = name[1..end];
        return name.TrimStart('_');
    }

    private IEnumerable<(string Name, Parameter? Value)> OwnParameters()
    {
        foreach (var entry in parameters) yield return entry;
        foreach (var (field, name) in DiscoverableFields())
            if (field.GetValue(this) is Parameter parameter && !parameters.Any(p => ReferenceEquals(p.Value, parameter)) &&
                !computed.Any(c => c.Name == name || ReferenceEquals(c.Original, parameter)))
                yield return (name, parameter);
    }

    /// <summary>
    /// Declares that <see cref="Forward(Tensor)"/> reads the parameter <paramref name="name"/> through
    /// <see cref="ComputedParameter"/>, so that <see cref="Utils.WeightNorm"/> and <see cref="Utils.SpectralNorm"/> can
    /// apply to it. Call it in the constructor.
    /// </summary>
    protected void SupportComputedParameter(string name) => (computable ??= []).Add(CheckName(name));

    /// <summary>
    /// The parameter <paramref name="name"/> as this forward must use it when weight norm or spectral norm computes it
    /// (a new tensor the caller disposes; gradients flow to the parameters it is computed from), or null when the
    /// module's own parameter applies.
    /// </summary>
    protected Tensor? ComputedParameter(string name)
    {
        foreach (var (entry, rule, _) in computed)
            if (entry == name) return rule.Compute(this, name);
        return null;
    }

    internal void AddComputedParameter(string name, ComputedParameterRule rule, string utility)
    {
        if (computable is null || !computable.Contains(name))
            throw new ArgumentException($"{GetType().Name} does not read a parameter '{name}' that {utility} can compute " +
                $"(supported: {(computable is null ? "none" : string.Join(", ", computable))})", nameof(name));
        if (computed.Any(c => c.Name == name))
            throw new InvalidOperationException($"{GetType().Name}'s '{name}' is already computed by {computed.First(c => c.Name == name).Rule.Utility}");
        var original = OwnParameters().FirstOrDefault(p => p.Name == name).Value
            ?? throw new ArgumentException($"{GetType().Name} has no parameter '{name}'", nameof(name));
        parameters.RemoveAll(p => p.Name == name);
        computed.Add((name, rule, original));
        rule.Attach(this, name, original);
    }

    /// <summary>Removes the rule computing <paramref name="name"/>; its parameter, holding the computed value, is registered again under its name.</summary>
    internal void RemoveComputedParameter(string name, string utility)
    {
        var index = computed.FindIndex(c => c.Name == name && c.Rule.Utility == utility);
        if (index < 0) throw new ArgumentException($"{utility} of '{name}' not found in {GetType().Name}", nameof(name));
        var (_, rule, original) = computed[index];
        using (Autograd.NoGrad())
        using (var value = rule.Compute(this, name, powerIteration: false))
            original.CopyFrom(value);
        rule.Detach(this, name);
        computed.RemoveAt(index);
        parameters.Add((name, original));
    }

    internal Parameter RegisteredParameter(string name) =>
        parameters.FirstOrDefault(p => p.Name == name).Value ?? throw new InvalidOperationException($"{GetType().Name} has no parameter '{name}'");

    internal Tensor RegisteredBuffer(string name) =>
        buffers.FirstOrDefault(b => b.Name == name).Value ?? throw new InvalidOperationException($"{GetType().Name} has no buffer '{name}'");

    internal void AddRegisteredParameter(string name, Parameter parameter) => RegisterParameter(name, parameter);

    internal void AddRegisteredBuffer(string name, Tensor buffer) => RegisterBuffer(name, buffer);

    internal void RemoveRegistered(string name)
    {
        parameters.RemoveAll(p => p.Name == name);
        buffers.RemoveAll(b => b.Name == name);
    }

    private IEnumerable<(string Name, Module Value)> OwnModules()
    {
        foreach (var entry in modules) yield return entry;
        foreach (var (field, name) in DiscoverableFields())
            if (field.GetValue(this) is Module module && !modules.Any(m => ReferenceEquals(m.Value, module)))
                yield return (name, module);
    }

    private IEnumerable<FieldInfo> FieldsHolding(Module child) =>
        DiscoverableFields().Select(f => f.Field).Where(f => ReferenceEquals(f.GetValue(this), child));

    /// <summary>Why <paramref name="child"/> cannot be replaced by a <paramref name="replacementType"/>, or null when it can.</summary>
    internal string? ReplacementProblem(Module child, Type replacementType) =>
        FieldsHolding(child).Where(f => !f.FieldType.IsAssignableFrom(replacementType))
            .Select(f => $"{f.DeclaringType!.Name}.{FieldName(f.Name)} is declared as {f.FieldType.Name}, which cannot hold a {replacementType.Name}; " +
                $"declare it as {nameof(BatchNormModule)} or {nameof(Module)}")
            .FirstOrDefault();

    /// <summary>Puts <paramref name="replacement"/> wherever <paramref name="child"/> is a direct submodule, keeping its name.</summary>
    internal void ReplaceChild(Module child, Module replacement)
    {
        foreach (var field in FieldsHolding(child).ToList()) field.SetValue(this, replacement);
        for (var i = 0; i < modules.Count; i++)
            if (ReferenceEquals(modules[i].Value, child)) modules[i] = (modules[i].Name, replacement);
    }

    /// <summary>Direct submodules with their names.</summary>
    public IEnumerable<(string Name, Module Module)> NamedChildren() => OwnModules();

    /// <summary>Direct submodules.</summary>
    public IEnumerable<Module> Children() => OwnModules().Select(m => m.Value);

    /// <summary>This module and every module below it, depth first, with dotted names ("" for this one).</summary>
    public IEnumerable<(string Name, Module Module)> NamedModules(string prefix = "") =>
        NamedModulesFrom(prefix, new HashSet<Module>(ReferenceEqualityComparer.Instance));

    private IEnumerable<(string, Module)> NamedModulesFrom(string path, HashSet<Module> visited)
    {
        if (!visited.Add(this)) yield break;
        yield return (path, this);
        foreach (var (name, child) in OwnModules())
            foreach (var entry in child.NamedModulesFrom(Join(path, name), visited))
                yield return entry;
    }

    /// <summary>This module and every module below it, depth first; a module reached twice appears once.</summary>
    public IEnumerable<Module> Modules() => NamedModules().Select(m => m.Module);

    /// <summary>Calls <paramref name="action"/> on every submodule, children first, then on this module (torch's <c>apply</c>), e.g. to initialise weights.</summary>
    public Module Apply(Action<Module> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        foreach (var child in Children()) child.Apply(action);
        action(this);
        return this;
    }

    /// <summary>Sets whether autograd records operations on every parameter (torch's <c>requires_grad_</c>), e.g. to freeze a backbone.</summary>
    public Module RequiresGrad(bool requiresGrad = true)
    {
        foreach (var parameter in Parameters()) parameter.RequiresGrad = requiresGrad;
        return this;
    }

    /// <summary>
    /// Replaces the parameter registered under <paramref name="name"/>, e.g. to tie one module's weight to another's
    /// (word_language_model's <c>decoder.weight = encoder.weight</c>): both modules then hold the same Parameter.
    /// </summary>
    private protected void ReplaceParameter(string name, Parameter? parameter)
    {
        for (var i = 0; i < parameters.Count; i++)
            if (parameters[i].Name == name)
            {
                parameters[i] = (name, parameter);
                return;
            }
        throw new ArgumentException($"{GetType().Name} has no parameter '{name}'", nameof(name));
    }

    /// <summary>Every parameter with its dotted name, in PyTorch's order; shared parameters appear once.</summary>
    public IEnumerable<(string Name, Parameter Parameter)> NamedParameters()
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var (path, module) in NamedModules())
            foreach (var (name, parameter) in module.OwnParameters())
                if (parameter is not null && seen.Add(parameter))
                    yield return (Join(path, name), parameter);
    }

    /// <summary>Every parameter, in PyTorch's order.</summary>
    public IEnumerable<Parameter> Parameters() => NamedParameters().Select(p => p.Parameter);

    /// <summary>Every buffer with its dotted name.</summary>
    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers()
    {
        foreach (var (path, module) in NamedModules())
            foreach (var (name, buffer) in module.buffers)
                if (buffer is not null)
                    yield return (Join(path, name), buffer);
    }

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

    /// <summary>Sets training mode here and below (dropout active, batch norm updating its statistics).</summary>
    public virtual Module Train(bool mode = true)
    {
        foreach (var (_, module) in NamedModules()) module.Training = mode;
        return this;
    }

    /// <summary>Sets evaluation mode here and below.</summary>
    public Module Eval() => Train(false);

    /// <summary>Clears every parameter's gradient.</summary>
    public void ZeroGrad()
    {
        foreach (var parameter in Parameters()) parameter.Grad = null;
    }

    /// <summary>Moves parameters and buffers to <paramref name="device"/> in place; parameters keep their identity, so optimizers stay valid.</summary>
    public virtual Module To(Device device) => Convert(t => t.To(device), _ => true);

    /// <summary>Converts floating-point parameters and buffers to <paramref name="dtype"/> in place.</summary>
    public virtual Module To(DType dtype)
    {
        if (!dtype.IsFloatingPoint()) throw new ArgumentException($"modules can only be converted to floating-point dtypes, not {dtype.Name()}", nameof(dtype));
        return Convert(t => t.To(dtype), t => t.DType.IsFloatingPoint());
    }

    private Module Convert(Func<Tensor, Tensor> convert, Func<Tensor, bool> applies)
    {
        using (Autograd.NoGrad())
        {
            var state = Parameters().Cast<Tensor>().Concat(NamedBuffers().Select(b => b.Buffer)).Where(applies).ToList();
            foreach (var tensor in state)
            {
                using var converted = convert(tensor);
                tensor.SetData(converted);
            }
        }
        foreach (var (_, module) in NamedModules()) module.OnConverted();
        return this;
    }

    /// <summary>Runs on every module of the tree after <see cref="To(Device)"/> or <see cref="To(DType)"/> moved its state (PyTorch's _apply).</summary>
    private protected virtual void OnConverted()
    {
    }

    /// <summary>
    /// Parameters and buffers by dotted name, in PyTorch's order (each module's parameters, then its buffers, then its
    /// children). The values are detached tensors sharing storage with the module's state.
    /// </summary>
    public OrderedDictionary<string, Tensor> StateDict()
    {
        var state = new OrderedDictionary<string, Tensor>();
        foreach (var (path, module) in NamedModules())
        {
            foreach (var (name, parameter) in module.OwnParameters())
                if (parameter is not null) state.TryAdd(Join(path, name), Detached(parameter));
            foreach (var (name, buffer) in module.buffers)
                if (buffer is not null) state.TryAdd(Join(path, name), Detached(buffer));
        }
        return state;

        static Tensor Detached(Tensor tensor)
        {
            var detached = tensor.Detach();
            TensorScope.Unregister(detached);
            return detached;
        }
    }

    /// <summary>
    /// Copies values from <paramref name="state"/> into this module's parameters and buffers. Everything is checked
    /// before anything is copied, so a failed load leaves the module unchanged.
    /// </summary>
    /// <param name="state">Values by dotted name, e.g. from <see cref="StateDict"/> or a PyTorch checkpoint.</param>
    /// <param name="strict">Throw on missing or unexpected keys; when false, they are reported in the result instead.</param>
    /// <exception cref="ArgumentException">Keys are missing or unexpected (strict), or a shape differs (always).</exception>
    public LoadStateDictResult LoadStateDict(IReadOnlyDictionary<string, Tensor> state, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(state);
        var targets = new List<(string Name, Tensor Target)>();
        foreach (var (path, module) in NamedModules())
        {
            foreach (var (name, parameter) in module.OwnParameters())
                if (parameter is not null) targets.Add((Join(path, name), parameter));
            foreach (var (name, buffer) in module.buffers)
                if (buffer is not null) targets.Add((Join(path, name), buffer));
        }
        var empty = state.Where(e => e.Value is null).Select(e => e.Key).ToList();
        if (empty.Count > 0) throw new ArgumentException($"Error(s) in loading state dict for {GetType().Name}: null values for {string.Join(", ", empty)}", nameof(state));
        var disposedValues = state.Where(e => e.Value.IsDisposed).Select(e => e.Key).ToList();
        if (disposedValues.Count > 0) throw new ObjectDisposedException(nameof(Tensor), $"the state dict's values for {string.Join(", ", disposedValues)} are disposed");
        var known = targets.Select(t => t.Name).ToHashSet();
        var missing = targets.Select(t => t.Name).Where(n => !state.ContainsKey(n)).ToList();
        var unexpected = state.Keys.Where(k => !known.Contains(k)).ToList();
        var mismatched = targets
            .Where(t => state.TryGetValue(t.Name, out var value) && !value.Shape.SequenceEqual(t.Target.Shape))
            .Select(t => $"{t.Name}: checkpoint has shape [{string.Join(", ", state[t.Name].Shape)}], the module [{string.Join(", ", t.Target.Shape)}]")
            .ToList();
        var problems = new List<string>();
        if (mismatched.Count > 0) problems.Add("size mismatch for " + string.Join("; ", mismatched));
        if (strict && missing.Count > 0) problems.Add("missing keys: " + string.Join(", ", missing));
        if (strict && unexpected.Count > 0) problems.Add("unexpected keys: " + string.Join(", ", unexpected));
        if (problems.Count > 0)
            throw new ArgumentException($"Error(s) in loading state dict for {GetType().Name}: {string.Join(". ", problems)}", nameof(state));

        // All or nothing: every value is first converted to its target's dtype and device (what can fail), then copied.
        var staged = new List<(Tensor Target, Tensor Value, bool Converted)>();
        try
        {
            using (Autograd.NoGrad())
            {
                foreach (var (name, target) in targets)
                    if (state.TryGetValue(name, out var value))
                    {
                        var ready = value.DType == target.DType && value.Device == target.Device ? value : value.To(target.Device, target.DType);
                        staged.Add((target, ready, !ReferenceEquals(ready, value)));
                    }
                foreach (var (target, value, _) in staged) target.CopyFrom(value);
            }
        }
        finally
        {
            foreach (var (_, value, converted) in staged)
                if (converted) value.Dispose();
        }
        return new LoadStateDictResult(missing, unexpected);
    }

    /// <summary>Writes <see cref="StateDict"/> to <paramref name="path"/> in PyTorch's format (atomically).</summary>
    public void Save(string path)
    {
        var state = StateDict();
        try
        {
            IO.Serialization.Save(state, path);
        }
        finally
        {
            foreach (var tensor in state.Values) tensor.Dispose();
        }
    }

    /// <summary>Replaces parameters and buffers with those saved in <paramref name="path"/>; nothing changes if the file does not fit.</summary>
    public LoadStateDictResult Load(string path, bool strict = true)
    {
        var state = IO.Serialization.Load(path);
        try
        {
            return LoadStateDict(state, strict);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{path}: {e.Message}", nameof(path), e);
        }
        finally
        {
            foreach (var tensor in state.Values) tensor.Dispose();
        }
    }

    /// <summary>Disposes every parameter, buffer and submodule.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposed || !disposing) return;
        disposed = true;
        foreach (var (_, parameter) in OwnParameters()) parameter?.Dispose();
        foreach (var (_, _, original) in computed) original.Dispose();
        foreach (var (_, buffer) in buffers) buffer?.Dispose();
        foreach (var (_, module) in OwnModules()) module.Dispose();
    }

    /// <summary>The module tree, one line per module, as PyTorch prints it.</summary>
    public override string ToString() => Describe(0);

    private string Describe(int indent)
    {
        var children = OwnModules().ToList();
        var head = GetType().Name + "(" + ExtraRepresentation();
        if (children.Count == 0) return head + ")";
        var pad = new string(' ', indent + 2);
        var lines = children.Select(c => $"{pad}({c.Name}): {c.Value.Describe(indent + 2)}");
        return head + "\n" + string.Join("\n", lines) + "\n" + new string(' ', indent) + ")";
    }

    /// <summary>Hyper-parameters shown by <see cref="ToString"/>, e.g. "in_features=784, out_features=10".</summary>
    protected virtual string ExtraRepresentation() => "";
}

/// <summary>What <see cref="Module.LoadStateDict"/> did not match.</summary>
public sealed record LoadStateDictResult(IReadOnlyList<string> MissingKeys, IReadOnlyList<string> UnexpectedKeys);
