using NeuralCore.Interop;
using NeuralCore.Interop.Handles;

namespace NeuralCore;

/// <summary>
/// A multi-dimensional array in libtorch, on the CPU or a GPU, that can record the operations applied to it for
/// automatic differentiation. The tensor owns one native reference: dispose it (or create it inside a
/// <see cref="TensorScope"/>) to release native memory deterministically; a forgotten tensor is released by the GC,
/// which is told how many native bytes each tensor outside a scope holds.
/// </summary>
public partial class Tensor : IDisposable
{
    // Below this, the managed wrapper already weighs as much as the native data in the GC's eyes.
    private const long MemoryPressureThreshold = 1024;

    private TensorHandle? handle;

    // The wrapper of the current gradient and which native tensor it wraps (Grad hands out the same object while they match).
    private Tensor? grad;
    private IntPtr gradIdentity;

    /// <summary>Tells the GC about this tensor's native bytes, once, when it leaves deterministic disposal.</summary>
    internal void ReportNativeBytes(long? bytes = null)
    {
        if (handle is not { IsClosed: false } live || live.ReportedBytes > 0) return;
        var size = bytes ?? LibTorch.TensorNumberOfBytes(live);
        if (size >= MemoryPressureThreshold) live.ReportNativeBytes(size);
    }

    /// <summary>Wraps a handle a native call returned, whose view holds <paramref name="bytes"/> (LibTorch.Created's reading).</summary>
    internal static Tensor Adopt(TensorHandle handle, long bytes) => new(handle, bytes, scoped: true);

    /// <summary>Wraps a handle that its owner (not a scope) disposes, such as a parameter's gradient.</summary>
    internal static Tensor AdoptUnscoped(TensorHandle handle, long bytes) => new(handle, bytes, scoped: false);

    // A scope disposes its tensors deterministically; only tensors that may be left to the GC report their bytes
    // (reports from every step's tensors would make the GC run a full collection twice per training step).
    private Tensor(TensorHandle handle, long bytes, bool scoped)
    {
        this.handle = handle;
        if (!scoped || !TensorScope.Register(this)) ReportNativeBytes(bytes);
    }

    /// <summary>Takes over <paramref name="other"/>'s native reference; <paramref name="other"/> is left disposed.</summary>
    protected Tensor(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var taken = other.Handle;
        TensorScope.Unregister(other);  // reports the native bytes on the shared handle if a scope held it
        handle = taken;
        other.handle = null;
        (grad, gradIdentity) = (other.grad, other.gradIdentity);
        (other.grad, other.gradIdentity) = (null, IntPtr.Zero);
    }

    internal TensorHandle Handle =>
        handle is { IsClosed: false } live ? live : throw new ObjectDisposedException(GetType().Name, "The tensor has been disposed.");

    internal TensorScope? Scope { get; set; }

    /// <summary>True once <see cref="Dispose()"/> has run.</summary>
    public bool IsDisposed => handle is null || handle.IsClosed;

    /// <summary>Releases the native tensor. Safe to call more than once.</summary>
    public void Dispose() => Dispose(true);  // no finalizer here: the handle has it

    protected virtual void Dispose(bool disposing)
    {
        grad?.Dispose();
        grad = null;
        handle?.Dispose();
        handle = null;
    }

    private NativeTensorInfo Info => LibTorch.TensorInfo(this);

    /// <summary>The size of each dimension, as torch's <c>tensor.shape</c>.</summary>
    public long[] Shape => LibTorch.TensorSizes(this);

    /// <summary>The step in elements between consecutive entries of each dimension.</summary>
    public long[] Strides => LibTorch.TensorStrides(this, Dimensions);

    /// <summary>The size of dimension <paramref name="dim"/> (negative counts from the end).</summary>
    public long Size(int dim)
    {
        var shape = Shape;
        var index = dim < 0 ? dim + shape.Length : dim;
        if (index < 0 || index >= shape.Length)
            throw new ArgumentOutOfRangeException(nameof(dim), dim, $"the tensor has {shape.Length} dimensions");
        return shape[index];
    }

    /// <summary>Number of dimensions.</summary>
    public int Dimensions => Info.Dimensions;

    /// <summary>Number of elements.</summary>
    public long NumberOfElements => Info.NumberOfElements;

    /// <summary>Element type.</summary>
    public DType DType => (DType)Info.DType;

    /// <summary>Where the data lives.</summary>
    public Device Device
    {
        get
        {
            var info = Info;
            return new Device((DeviceType)info.DeviceType, info.DeviceIndex);
        }
    }

    /// <summary>True when the elements are laid out densely in row-major order.</summary>
    public bool IsContiguous => Info.IsContiguous != 0;

    /// <summary>Whether operations on this tensor are recorded for autograd.</summary>
    public bool RequiresGrad
    {
        get => Info.RequiresGrad != 0;
        set => LibTorch.TensorSetRequiresGrad(this, value);
    }

    /// <summary>True for tensors created by the user rather than by a recorded operation.</summary>
    public bool IsLeaf => Info.IsLeaf != 0;
}
