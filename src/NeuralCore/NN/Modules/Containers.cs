using System.Collections;

namespace NeuralCore.NN;

/// <summary>Modules applied one after another (torch.nn.Sequential); children are named "0", "1", ….</summary>
// Both containers read their children from Module's registry, so Replicate and SyncBatchNorm.Convert, which rewrite
// it, also change what they run.
public sealed class Sequential : Module, IReadOnlyList<Module>
{
    public Sequential(params IEnumerable<Module> modules)
    {
        foreach (var module in modules) Add(module);
    }

    /// <summary>Appends a module.</summary>
    public void Add(Module module)
    {
        RegisterModule(RegisteredModuleCount.ToString(System.Globalization.CultureInfo.InvariantCulture), module);
    }

    public override Tensor Forward(Tensor input)
    {
        var current = input;
        for (var i = 0; i < RegisteredModuleCount; i++) current = RegisteredModule(i).Forward(current);
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
    public ModuleList(params IEnumerable<Module> modules)
    {
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

/// <summary>Submodules by name, in insertion order, whose parameters belong to the owner (torch.nn.ModuleDict).</summary>
public sealed class ModuleDict : Module, IReadOnlyDictionary<string, Module>
{
    private readonly Dictionary<string, Module> byName = [];
    private readonly List<string> order = [];

    public ModuleDict(params IEnumerable<KeyValuePair<string, Module>> modules)
    {
        foreach (var (name, module) in modules) Add(name, module);
    }

    /// <summary>Adds a module under a new name (no '.' in it).</summary>
    public void Add(string name, Module module)
    {
        if (byName.ContainsKey(name)) throw new ArgumentException($"ModuleDict already holds '{name}'", nameof(name));
        RegisterModule(name, module);
        byName.Add(name, module);
        order.Add(name);
    }

    public Module this[string key] => byName[key];
    public IEnumerable<string> Keys => order;
    public IEnumerable<Module> Values => order.Select(k => byName[k]);
    public int Count => order.Count;
    public bool ContainsKey(string key) => byName.ContainsKey(key);
    public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out Module value) => byName.TryGetValue(key, out value);
    public IEnumerator<KeyValuePair<string, Module>> GetEnumerator() => order.Select(k => KeyValuePair.Create(k, byName[k])).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
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
public sealed class ParameterDict : Module, IReadOnlyDictionary<string, Parameter>
{
    private readonly Dictionary<string, Parameter> byName = [];
    private readonly List<string> order = [];

    public ParameterDict(params IEnumerable<KeyValuePair<string, Parameter>> parameters)
    {
        foreach (var (name, parameter) in parameters) Add(name, parameter);
    }

    /// <summary>Adds a parameter under a new name (no '.' in it).</summary>
    public void Add(string name, Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        if (byName.ContainsKey(name)) throw new ArgumentException($"ParameterDict already holds '{name}'", nameof(name));
        RegisterParameter(name, parameter);
        byName.Add(name, parameter);
        order.Add(name);
    }

    public Parameter this[string key] => byName[key];
    public IEnumerable<string> Keys => order;
    public IEnumerable<Parameter> Values => order.Select(k => byName[k]);
    public int Count => order.Count;
    public bool ContainsKey(string key) => byName.ContainsKey(key);
    public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out Parameter value) => byName.TryGetValue(key, out value);
    public IEnumerator<KeyValuePair<string, Parameter>> GetEnumerator() => order.Select(k => KeyValuePair.Create(k, byName[k])).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
