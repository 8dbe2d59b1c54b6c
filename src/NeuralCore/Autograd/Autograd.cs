using NeuralCore.Interop;

namespace NeuralCore;

/// <summary>Grad-mode scopes and torch.autograd.grad.</summary>
public static class Autograd
{
    /// <summary>True when operations on the calling thread are recorded for autograd.</summary>
    public static bool IsEnabled => LibTorch.AutogradIsEnabled();

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
    public static Tensor?[] Grad(IReadOnlyList<Tensor> outputs, IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?>? gradOutputs = null,
        bool? retainGraph = null, bool createGraph = false, bool allowUnused = false)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(inputs);
        if (outputs.Count == 0) throw new ArgumentException("give at least one output", nameof(outputs));
        if (inputs.Count == 0) throw new ArgumentException("give at least one input", nameof(inputs));
        if (gradOutputs is not null && gradOutputs.Count != outputs.Count)
            throw new ArgumentException($"{gradOutputs.Count} output gradients for {outputs.Count} outputs", nameof(gradOutputs));

        return LibTorch.AutogradGrad(outputs, inputs, gradOutputs, retainGraph, createGraph, allowUnused);
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

    internal GradModeScope(bool enabled) => previous = LibTorch.AutogradSetEnabled(enabled);

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        LibTorch.AutogradSetEnabled(previous);
    }
}
