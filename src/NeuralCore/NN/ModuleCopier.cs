using System.Reflection;

namespace NeuralCore.NN;

/// <summary>
/// Copies a module tree: each module once (an object reached twice is copied once), parameters and buffers through the
/// given functions, and the fields that hold them (auto-properties such as Weight, discovered submodules) pointed at
/// the copies. Other fields are shared, and so are hook lists unless <c>ownHooks</c> (a deep copy's). DataParallel's
/// replicas and deep copies (TransformerEncoder's clones) use it.
/// </summary>
internal sealed class ModuleCopier(Func<Parameter, Parameter> copyParameter, Func<Tensor, Tensor> copyBuffer, bool ownHooks = false)
{
    private readonly Dictionary<object, object> map = new(ReferenceEqualityComparer.Instance);

    /// <summary>A copy whose parameters and buffers are fresh tensors with the same values, detached from the originals.</summary>
    public static T DeepCopy<T>(T module) where T : Module
    {
        using var noGrad = Autograd.NoGrad();
        return (T)new ModuleCopier(p => new Parameter(p.Clone(), p.RequiresGrad), b => b.Clone(), ownHooks: true).Copy(module);
    }

    /// <summary><paramref name="count"/> deep copies of <paramref name="module"/> in a list (PyTorch's _get_clones).</summary>
    public static ModuleList Clones(Module module, int count)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return new ModuleList(Enumerable.Range(0, count).Select(_ => DeepCopy(module)));
    }

    public Module Copy(Module module)
    {
        if (map.TryGetValue(module, out var done)) return (Module)done;
        var copy = module.ShallowCopy();
        if (ownHooks) copy.IsolateCopiedHooks();
        map[module] = copy;
        copy.MapRegistry(CopyParameter, CopyBuffer, Copy);
        for (var type = module.GetType(); type is not null && type != typeof(Module); type = type.BaseType)
            foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                var value = field.GetValue(module);
                if (value is Module child) field.SetValue(copy, Copy(child));
                else if (value is Parameter parameter) field.SetValue(copy, CopyParameter(parameter));
                else if (value is Tensor tensor && map.TryGetValue(tensor, out var replica)) field.SetValue(copy, replica);
            }
        return copy;
    }

    private Parameter CopyParameter(Parameter original) => Memoized(original, copyParameter);

    private Tensor CopyBuffer(Tensor original) => Memoized(original, copyBuffer);

    private T Memoized<T>(T original, Func<T, T> make) where T : Tensor
    {
        if (map.TryGetValue(original, out var existing)) return (T)existing;
        var copy = make(original);
        TensorScope.Unregister(copy);
        map[original] = copy;
        return copy;
    }
}
