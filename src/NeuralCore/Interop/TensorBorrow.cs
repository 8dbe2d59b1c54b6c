namespace NeuralCore.Interop;

/// <summary>
/// A tensor's native pointer for the duration of one call, with its reference count raised so that a Dispose on
/// another thread cannot free it meanwhile. A null tensor borrows as a null pointer.
/// </summary>
internal ref struct TensorBorrow
{
    private Tensor? tensor;

    public readonly IntPtr Pointer;

    public TensorBorrow(Tensor? tensor)
    {
        if (tensor is null) return;
        Pointer = tensor.AddReference();
        this.tensor = tensor;
    }

    public void Dispose()
    {
        tensor?.ReleaseReference();
        tensor = null;
    }
}
