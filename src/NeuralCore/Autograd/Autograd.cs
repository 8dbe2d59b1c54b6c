using NeuralCore.Interop;
using NeuralCore.Interop.Handles;

namespace NeuralCore;

/// <summary>Grad-mode scopes and torch.autograd.grad.</summary>
public static class Autograd
{
    /// <summary>True when operations on the calling thread are recorded for autograd.</summary>
    public static bool IsEnabled => NativeMethods.AutogradIsEnabled() != 0;

    /// <summary>Stops recording on this thread until disposed (torch.no_grad()).</summary>
    /// <example><code>using (Autograd.NoGrad()) { weight.SubInPlace(weight.Grad! * learningRate); }</code></example>
    public static GradModeScope NoGrad() => new(enabled: false);

    /// <summary>Records on this thread until disposed, even inside <see cref="NoGrad"/> (torch.enable_grad()).</summary>
    public static GradModeScope EnableGrad() => new(enabled: true);

    /// <summary>
    /// Gradients of <paramref name="outputs"/> with respect to <paramref name="inputs"/>, returned rather than accumulated
    /// into <see cref="Tensor.Grad"/> (torch.autograd.grad).
    /// </summary>
    /// <param name="outputs">Tensors to differentiate.</param>
    /// <param name="inputs">Tensors to differentiate with respect to.</param>
    /// <param name="gradOutputs">d(loss)/d(output) for each output; null (or a null entry) for one-element outputs.</param>
    /// <param name="retainGraph">Keep the graph; defaults to <paramref name="createGraph"/>.</param>
    /// <param name="createGraph">Record the gradient computation so the results can be differentiated again.</param>
    /// <param name="allowUnused">Return null for inputs the outputs do not depend on, instead of throwing.</param>
    public static unsafe Tensor?[] Grad(IReadOnlyList<Tensor> outputs, IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?>? gradOutputs = null,
        bool? retainGraph = null, bool createGraph = false, bool allowUnused = false)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(inputs);
        if (outputs.Count == 0) throw new ArgumentException("give at least one output", nameof(outputs));
        if (inputs.Count == 0) throw new ArgumentException("give at least one input", nameof(inputs));
        if (gradOutputs is not null && gradOutputs.Count != outputs.Count)
            throw new ArgumentException($"{gradOutputs.Count} output gradients for {outputs.Count} outputs", nameof(gradOutputs));

        using var outputHandles = new BorrowedHandles(outputs.Select(t => (TensorHandle?)t.Handle).ToArray());
        using var gradHandles = new BorrowedHandles(Enumerable.Range(0, outputs.Count).Select(i => gradOutputs?[i]?.Handle).ToArray());
        using var inputHandles = new BorrowedHandles(inputs.Select(t => (TensorHandle?)t.Handle).ToArray());
        var results = new IntPtr[inputs.Count];
        fixed (IntPtr* outputPointers = outputHandles.Pointers)
        fixed (IntPtr* gradPointers = gradHandles.Pointers)
        fixed (IntPtr* inputPointers = inputHandles.Pointers)
        fixed (IntPtr* resultPointers = results)
        {
            NativeMethods.AutogradGrad(outputPointers, gradPointers, outputs.Count, inputPointers, inputs.Count,
                retainGraph is { } retain ? (retain ? 1 : 0) : -1, createGraph ? 1 : 0, allowUnused ? 1 : 0, resultPointers).ThrowIfFailed();
        }
        return results.Select(pointer => pointer == IntPtr.Zero ? null : new Tensor(new TensorHandle(pointer))).ToArray();
    }

    /// <summary>The gradient of one output with respect to one input.</summary>
    public static Tensor Grad(Tensor output, Tensor input, Tensor? gradOutput = null, bool? retainGraph = null, bool createGraph = false) =>
        Grad([output], [input], [gradOutput], retainGraph, createGraph)[0]!;
}

/// <summary>Restores the previous grad mode of its thread when disposed.</summary>
public sealed class GradModeScope : IDisposable
{
    private readonly bool previous;
    private bool disposed;

    internal GradModeScope(bool enabled) => previous = NativeMethods.AutogradSetEnabled(enabled ? 1 : 0) != 0;

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        NativeMethods.AutogradSetEnabled(previous ? 1 : 0);
    }
}
