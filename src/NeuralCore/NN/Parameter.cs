namespace NeuralCore.NN;

/// <summary>
/// A tensor that is a module's learnable state: a leaf that requires gradients by default. Created from a tensor's
/// data (shared, not copied); the tensor given stays usable. Parameters are owned by their module, never by a
/// <see cref="TensorScope"/>.
/// </summary>
public sealed class Parameter : Tensor
{
    public Parameter(Tensor data, bool requiresGrad = true) : base(DetachedAlias(data))
    {
        RequiresGrad = requiresGrad;
    }

    private Parameter(Tensor existing) : base(existing) { }

    /// <summary>The given tensor itself as a parameter (no detach): a loaded module's own parameter.</summary>
    internal static Parameter Wrap(Tensor existing) => new(existing);

    private static Tensor DetachedAlias(Tensor data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return data.Detach();
    }
}
