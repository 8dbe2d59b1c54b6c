using System.Collections;

namespace NeuralCore.NN;

/// <summary>Modules applied one after another (torch.nn.Sequential); children are named "0", "1", ….</summary>
// Both containers read their children from Module's registry, so Replicate and SyncBatchNorm.Convert, which rewrite
// it, also change what they run.
public sealed class Sequential : Module, IReadOnlyList<Module>
{
    /// <summary>The modules as children, in order. A single Sequential or ModuleList given alone is one child, as in PyTorch, not spread.</summary>
    public Sequential(params IEnumerable<Module> modules)
    {
        if (modules is Module container)
        {
            Add(container);
            return;
        }
        foreach (var module in modules) Add(module);
    }

    /// <summary>Appends a module.</summary>
    public void Add(Module module)
    {
        if (module is IForwardForm form)
            throw new ArgumentException($"Sequential passes one tensor along, but {module.GetType().Name} is called with {form.Signature}", nameof(module));
        RegisterModule(RegisteredModuleCount.ToString(System.Globalization.CultureInfo.InvariantCulture), module);
    }

    public override Tensor Forward(Tensor input)
    {
        var current = input;
        for (var i = 0; i < RegisteredModuleCount; i++) current = RegisteredModule(i).Call(current);
        return current;
    }

    public Module this[int index] => RegisteredModule(index);
    public int Count => RegisteredModuleCount;
    public IEnumerator<Module> GetEnumerator() => Enumerable.Range(0, Count).Select(RegisteredModule).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>A list of submodules whose parameters belong to the owner (torch.nn.ModuleList); named "0", "1", ….</summary>
public sealed class ModuleList : Module, IReadOnlyList<Module>
{
    /// <summary>The modules as children, in order. A single Sequential or ModuleList given alone is one child, as in PyTorch, not spread.</summary>
    public ModuleList(params IEnumerable<Module> modules)
    {
        if (modules is Module container)
        {
            Add(container);
            return;
        }
        foreach (var module in modules) Add(module);
    }

    /// <summary>Appends a module.</summary>
    public void Add(Module module)
    {
        RegisterModule(RegisteredModuleCount.ToString(System.Globalization.CultureInfo.InvariantCulture), module);
    }

    public Module this[int index] => RegisteredModule(index);
    public int Count => RegisteredModuleCount;
    public IEnumerator<Module> GetEnumerator() => Enumerable.Range(0, Count).Select(RegisteredModule).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>The dictionary containers' shared part: items by name in insertion order, each registered with the owner.</summary>
public abstract class NamedCollection<T> : Module, IReadOnlyDictionary<string, T> where T : class
{
    private readonly Dictionary<string, T> byName = [];
    private readonly List<string> order = [];

    private protected NamedCollection() { }

    /// <summary>Adds an item under a new name (no '.' in it).</summary>
    public void Add(string name, T item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (byName.ContainsKey(name)) throw new ArgumentException($"{GetType().Name} already holds '{name}'", nameof(name));
        Register(name, item);
        byName.Add(name, item);
        order.Add(name);
    }

    private protected abstract void Register(string name, T item);

    public T this[string key] => byName[key];
    public IEnumerable<string> Keys => order;
    public IEnumerable<T> Values => order.Select(k => byName[k]);
    public int Count => order.Count;
    public bool ContainsKey(string key) => byName.ContainsKey(key);
    public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out T value) => byName.TryGetValue(key, out value);
    public IEnumerator<KeyValuePair<string, T>> GetEnumerator() => order.Select(k => KeyValuePair.Create(k, byName[k])).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>Submodules by name, in insertion order, whose parameters belong to the owner (torch.nn.ModuleDict).</summary>
public sealed class ModuleDict : NamedCollection<Module>
{
    public ModuleDict(params IEnumerable<KeyValuePair<string, Module>> modules)
    {
        foreach (var (name, module) in modules) Add(name, module);
    }

    private protected override void Register(string name, Module item) => RegisterModule(name, item);
}

/// <summary>Parameters in a list, registered as "0", "1", … (torch.nn.ParameterList).</summary>
public sealed class ParameterList : Module, IReadOnlyList<Parameter>
{
    private readonly List<Parameter> items = [];

    public ParameterList(params IEnumerable<Parameter> parameters)
    {
        foreach (var parameter in parameters) Add(parameter);
    }

    /// <summary>Appends a parameter.</summary>
    public void Add(Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        RegisterParameter(items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), parameter);
        items.Add(parameter);
    }

    public Parameter this[int index] => items[index];
    public int Count => items.Count;
    public IEnumerator<Parameter> GetEnumerator() => items.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>Parameters by name, in insertion order (torch.nn.ParameterDict).</summary>
public sealed class ParameterDict : NamedCollection<Parameter>
{
    public ParameterDict(params IEnumerable<KeyValuePair<string, Parameter>> parameters)
    {
        foreach (var (name, parameter) in parameters) Add(name, parameter);
    }

    private protected override void Register(string name, Parameter item) => RegisterParameter(name, item);
}
