using NeuralCore.NN;
using Module = NeuralCore.NN.Module;

namespace NeuralCore.Parallel;

/// <summary>
/// DataParallel's module copies: one per device, recorded by autograd so that gradients reach the originals.
/// </summary>
internal sealed class Replication
{
    private readonly ModuleCopier copier;

    /// <param name="device">Where the copies live.</param>
    /// <param name="broadcast">Each parameter's copy for this device, from one broadcast over all devices.</param>
    public Replication(Device device, IReadOnlyDictionary<Parameter, Tensor> broadcast) =>
        copier = new ModuleCopier(
            original => Track(Parameter.Wrap(broadcast.TryGetValue(original, out var copy) ? copy : original.To(device))),
            original => Track(original.To(device)));

    /// <summary>Tensors the copies created (moved parameters and buffers); the caller releases them after the step.</summary>
    public List<Tensor> Created { get; } = [];

    /// <summary>
    /// A copy of <paramref name="module"/>'s tree whose parameters are differentiable copies on the device (the gradient
    /// flows back to the originals) and whose buffers are copies; other fields are shared.
    /// </summary>
    public Module Replicate(Module module) => copier.Copy(module);

    private T Track<T>(T tensor) where T : Tensor
    {
        Created.Add(tensor);
        return tensor;
    }
}
