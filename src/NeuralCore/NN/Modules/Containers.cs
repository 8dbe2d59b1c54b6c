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
