using NeuralCore.Interop;

namespace NeuralCore;

public partial class Tensor
{
    /// <summary>
    /// The gradient accumulated by <see cref="Backward"/>, or null; setting null clears it. As in PyTorch, reading it
    /// creates nothing to dispose: the same object comes back while the gradient is the same tensor, and this tensor owns
    /// it. A new gradient (after ZeroGrad with setToNone, or an assignment) replaces it, and the old object is disposed.
    /// </summary>
    public Tensor? Grad
    {
        get
        {
            var identity = LibTorch.TensorGradIdentity(this);
            var cached = grad;
            if (identity != IntPtr.Zero && identity == gradIdentity && cached is { IsDisposed: false }) return cached;
            grad = null;
            gradIdentity = IntPtr.Zero;
            cached?.Dispose();
            if (identity == IntPtr.Zero) return null;
            var fresh = LibTorch.TensorGrad(this);
            grad = fresh;
            gradIdentity = fresh is null ? IntPtr.Zero : identity;
            return fresh;
        }
        set => LibTorch.TensorSetGrad(this, value);
    }

    /// <summary>
    /// Computes the gradient of this tensor with respect to the graph leaves and adds it to their <see cref="Grad"/>.
    /// </summary>
    /// <param name="gradient">d(output)/d(this); may be omitted for a one-element tensor.</param>
    /// <param name="retainGraph">Keep the graph so that Backward can run through it again.</param>
    /// <param name="createGraph">Record the backward pass itself, for higher-order gradients.</param>
    /// <exception cref="TorchException">The tensor has no graph, or it is not a scalar and no gradient was given.</exception>
    public void Backward(Tensor? gradient = null, bool retainGraph = false, bool createGraph = false) =>
        LibTorch.TensorBackward(this, gradient, retainGraph || createGraph, createGraph);

    /// <summary>The same data, outside the autograd graph.</summary>
    public Tensor Detach() => LibTorch.TensorDetach(this);

    /// <summary>Takes this tensor out of the autograd graph. Returns this tensor.</summary>
    public Tensor DetachInPlace()
    {
        LibTorch.TensorDetachInPlace(this);
        return this;
    }

    /// <summary>Keeps <see cref="Grad"/> for this non-leaf tensor after backward.</summary>
    public void RetainGrad() => LibTorch.TensorRetainGrad(this);

    /// <summary>The name of the operation that made this tensor ("MulBackward0"), or null for a leaf.</summary>
    public string? GradFunctionName => LibTorch.TensorGradFunctionName(this);
}
