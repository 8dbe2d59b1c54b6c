using NeuralCore.Interop;

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

    // The tensor is its own handle (one object per result rather than a wrapper plus a SafeHandle): the native
    // pointer, and a count in steps of 2 of the owner's reference and the native calls borrowing it; bit 0 is set once
    // disposed. The pointer is freed when the count reaches zero after Dispose, or by the reclaimer if the tensor is
    // collected undisposed.
    private IntPtr pointer;
    private int state = 2;
    private TensorReclaimer? reclaimer;

    // The wrapper of the current gradient and which native tensor it wraps (Grad hands out the same object while they match).
    private Tensor? grad;
    private IntPtr gradIdentity;

    /// <summary>Tells the GC about this tensor's native bytes, once, when it leaves deterministic disposal.</summary>
    internal void ReportNativeBytes(long? bytes = null)
    {
        if (reclaimer is not { ReportedBytes: 0 } owner || IsDisposed) return;
        var size = bytes ?? LibTorch.TensorNumberOfBytes(this);
        if (size < MemoryPressureThreshold) return;
        GC.AddMemoryPressure(size);
        owner.ReportedBytes = size;
    }

    /// <summary>Wraps a pointer a native call returned, whose view holds <paramref name="bytes"/> (LibTorch.Created's reading).</summary>
    internal static Tensor Adopt(IntPtr pointer, long bytes) => new(pointer, bytes, scoped: true);

    /// <summary>Wraps a pointer that its owner (not a scope) disposes, such as a parameter's gradient.</summary>
    internal static Tensor AdoptUnscoped(IntPtr pointer, long bytes) => new(pointer, bytes, scoped: false);

    // A scope disposes its tensors deterministically; only tensors that may be left to the GC report their bytes
    // (reports from every step's tensors would make the GC run a full collection twice per training step).
    private Tensor(IntPtr pointer, long bytes, bool scoped)
    {
        this.pointer = pointer;
        reclaimer = TensorReclaimer.Rent(pointer);
        if (!scoped || !TensorScope.Register(this)) ReportNativeBytes(bytes);
    }

    /// <summary>Takes over <paramref name="other"/>'s native reference; <paramref name="other"/> is left disposed.</summary>
    protected Tensor(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        TensorScope.Unregister(other);  // reports the native bytes if a scope held it
        // Only the owner's reference may be left: wait out calls borrowing it on other threads.
        var spin = new SpinWait();
        while (Interlocked.CompareExchange(ref other.state, 1, 2) != 2)
        {
            if (other.IsDisposed) throw Disposed(other);
            spin.SpinOnce();
        }
        (pointer, reclaimer) = (other.pointer, other.reclaimer);
        (other.pointer, other.reclaimer) = (IntPtr.Zero, null);
        (grad, gradIdentity) = (other.grad, other.gradIdentity);
        (other.grad, other.gradIdentity) = (null, IntPtr.Zero);
    }

    /// <summary>The native pointer, counted as borrowed until <see cref="ReleaseReference"/>; throws once disposed.</summary>
    internal IntPtr AddReference()
    {
        var current = Volatile.Read(ref state);
        while (true)
        {
            if ((current & 1) != 0) throw Disposed(this);
            var seen = Interlocked.CompareExchange(ref state, current + 2, current);
            if (seen == current) return pointer;
            current = seen;
        }
    }

    /// <summary>Ends a borrow that <see cref="AddReference"/> began.</summary>
    internal void ReleaseReference()
    {
        if (Interlocked.Add(ref state, -2) == 1) Free();
    }

    private static ObjectDisposedException Disposed(Tensor tensor) => new(tensor.GetType().Name, "The tensor has been disposed.");

    private void Free()
    {
        var native = pointer;
        pointer = IntPtr.Zero;
        LibTorch.TensorFree(native);
        if (reclaimer is { } owner)
        {
            if (owner.ReportedBytes > 0) GC.RemoveMemoryPressure(owner.ReportedBytes);
            reclaimer = null;
            owner.Return();
        }
    }

    internal TensorScope? Scope { get; set; }

    /// <summary>True once <see cref="Dispose()"/> has run.</summary>
    public bool IsDisposed => (Volatile.Read(ref state) & 1) != 0;

    /// <summary>Releases the native tensor. Safe to call more than once.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);  // for subclasses with a finalizer of their own
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            grad?.Dispose();
            grad = null;
        }
        var current = Volatile.Read(ref state);
        while (true)
        {
            if ((current & 1) != 0) return;
            var next = (current | 1) - 2;
            var seen = Interlocked.CompareExchange(ref state, next, current);
            if (seen != current)
            {
                current = seen;
                continue;
            }
            if (next == 1) Free();
            return;
        }
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
