using System.Runtime.InteropServices;
using NeuralCore.Interop;
using NeuralCore.Interop.Handles;

namespace NeuralCore;

public unsafe partial class Tensor
{
    /// <summary>
    /// The gradient accumulated by <see cref="Backward"/>, or null. Each read returns a new reference to the
    /// same gradient tensor; setting null clears it.
    /// </summary>
    public Tensor? Grad
    {
        get => OptionalResult(NativeMethods.TensorGrad(Handle, out var result), result);
        set => NativeMethods.TensorSetGrad(Handle, value?.Handle ?? TensorHandle.Null).ThrowIfFailed();
    }

    /// <summary>
    /// Computes the gradient of this tensor with respect to the graph leaves and adds it to their <see cref="Grad"/>.
    /// </summary>
    /// <param name="gradient">d(output)/d(this); may be omitted for a one-element tensor.</param>
    /// <param name="retainGraph">Keep the graph so that Backward can run through it again.</param>
    /// <param name="createGraph">Record the backward pass itself, for higher-order gradients.</param>
    /// <exception cref="TorchException">The tensor has no graph, or it is not a scalar and no gradient was given.</exception>
    public void Backward(Tensor? gradient = null, bool retainGraph = false, bool createGraph = false) =>
        NativeMethods.TensorBackward(Handle, gradient?.Handle ?? TensorHandle.Null, retainGraph || createGraph ? 1 : 0, createGraph ? 1 : 0)
            .ThrowIfFailed();

    /// <summary>The same data, outside the autograd graph.</summary>
    public Tensor Detach() => Apply(NativeMethods.TensorDetach);

    /// <summary>Takes this tensor out of the autograd graph. Returns this tensor.</summary>
    public Tensor DetachInPlace() => ApplyInPlace(NativeMethods.TensorDetachInPlace);

    /// <summary>Keeps <see cref="Grad"/> for this non-leaf tensor after backward.</summary>
    public void RetainGrad() => NativeMethods.TensorRetainGrad(Handle).ThrowIfFailed();

    /// <summary>The name of the operation that made this tensor ("MulBackward0"), or null for a leaf.</summary>
    public string? GradFunctionName
    {
        get
        {
            NativeMethods.TensorGradFunctionName(Handle, out var name).ThrowIfFailed();
            var text = Marshal.PtrToStringUTF8(name);
            return string.IsNullOrEmpty(text) ? null : text;
        }
    }
}
