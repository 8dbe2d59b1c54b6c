using NeuralCore.Interop.Handles;

namespace NeuralCore.Interop;

/// <summary>
/// A tensor's native pointer for the duration of one call, with its handle's reference count raised so that a Dispose
/// on another thread cannot free it meanwhile: what SafeHandle marshalling does, without the marshalling stub (the op
/// imports take IntPtr because of this). A null tensor borrows as a null pointer.
/// </summary>
internal ref struct TensorBorrow
{
    private readonly TensorHandle? handle;
    private bool added;

    public readonly IntPtr Pointer;

    public TensorBorrow(Tensor? tensor)
    {
        handle = tensor?.Handle;
        if (handle is null) return;
        handle.DangerousAddRef(ref added);
        Pointer = handle.DangerousGetHandle();
    }

    public void Dispose()
    {
        if (!added) return;
        added = false;
        handle!.DangerousRelease();
    }
}
