using System.Collections;

namespace NeuralCore.NN;

/// <summary>Modules applied one after another (torch.nn.Sequential); children are named "0", "1", ….</summary>
public sealed class Sequential : Module, IReadOnlyList<Module>
{
    private readonly List<Module> layers = [];

    public Sequential(params IEnumerable<Module> modules)
    {
        foreach (var module in modules) Add(module);
    }

    /// <summary>Appends a module.</summary>
    public void Add(Module module)
    {
        RegisterModule(layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module);
        layers.Add(module);
    }

    public override Tensor Forward(Tensor input)
    {
        var current = input;
        foreach (var layer in layers) current = layer.Forward(current);
        return current;
    }

    public Module this[int index] => layers[index];
    public int Count => layers.Count;
    public IEnumerator<Module> GetEnumerator() => layers.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>A list of submodules whose parameters belong to the owner (torch.nn.ModuleList); named "0", "1", ….</summary>
public sealed class ModuleList : Module, IReadOnlyList<Module>
{
    private readonly List<Module> items = [];

    public ModuleList(params IEnumerable<Module> modules)
    {
        foreach (var module in modules) Add(module);
    }

    /// <summary>Appends a module.</summary>
    public void Add(Module module)
    {
        RegisterModule(items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module);
        items.Add(module);
    }

    public Module this[int index] => items[index];
    public int Count => items.Count;
    public IEnumerator<Module> GetEnumerator() => items.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
