using System.Reflection;
using NeuralCore.NN;
using Module = NeuralCore.NN.Module;

namespace NeuralCore.Parallel;

/// <summary>
/// DataParallel's module copies: one per device, recorded by autograd so that gradients reach the originals.
/// <paramref name="broadcast"/> holds each parameter's copy for this device from one broadcast over all devices.
/// </summary>
internal sealed class Replication(Device device, IReadOnlyDictionary<Parameter, Tensor> broadcast)
{
    private readonly Dictionary<object, object> map = new(ReferenceEqualityComparer.Instance);

    /// <summary>Tensors the copies created (moved parameters and buffers); the caller releases them after the step.</summary>
    public List<Tensor> Created { get; } = [];

    /// <summary>
    /// A copy of <paramref name="module"/>'s tree whose parameters are differentiable copies on the device (the gradient
    /// flows back to the originals) and whose buffers are copies; other fields are shared. An object reached twice is
    /// copied once.
    /// </summary>
    public Module Replicate(Module module)
    {
        if (map.TryGetValue(module, out var done)) return (Module)done;
        var copy = module.ShallowCopy();
        map[module] = copy;
        copy.MapRegistry(CopyParameter, CopyBuffer, Replicate);
        // Fields that hold the same objects (auto-properties such as Weight, discovered submodules) point at the copies.
        for (var type = module.GetType(); type is not null && type != typeof(Module); type = type.BaseType)
            foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                var value = field.GetValue(module);
                if (value is Module child) field.SetValue(copy, Replicate(child));
                else if (value is Parameter parameter) field.SetValue(copy, CopyParameter(parameter));
                else if (value is Tensor tensor && map.TryGetValue(tensor, out var replica)) field.SetValue(copy, replica);
            }
        return copy;
    }

    private Parameter CopyParameter(Parameter original) =>
        Copy(original, () => Parameter.Wrap(broadcast.TryGetValue(original, out var copy) ? copy : original.To(device)));

    private Tensor CopyBuffer(Tensor original) => Copy(original, () => original.To(device));

    private T Copy<T>(T original, Func<T> make) where T : Tensor
    {
        if (map.TryGetValue(original, out var existing)) return (T)existing;
        var replica = make();
        TensorScope.Unregister(replica);
        Created.Add(replica);
        map[original] = replica;
        return replica;
    }
}
