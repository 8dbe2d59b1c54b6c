namespace NeuralCore;

/// <summary>
/// Disposes every tensor created on this thread while the scope is open, except those passed to
/// <see cref="Keep{T}"/>. Scopes nest; a kept tensor moves to the enclosing scope, if any.
/// </summary>
/// <example>
/// <code>
/// foreach (var (images, labels) in loader)
/// {
///     using var step = TensorScope.Begin();  // this batch's tensors are released at the end of the iteration
///     var loss = criterion.Forward(model.Forward(images), labels);
///     optimizer.ZeroGrad(); loss.Backward(); optimizer.Step();
///     total += loss.Item&lt;float&gt;();
/// }
/// </code>
/// </example>
public sealed class TensorScope : IDisposable
{
    [ThreadStatic] private static TensorScope? current;

    private readonly TensorScope? outer;
    private readonly List<Tensor> tensors = [];
    private bool disposed;

    private TensorScope(TensorScope? outer) => this.outer = outer;

    /// <summary>Opens a scope on the calling thread.</summary>
    public static TensorScope Begin() => current = new TensorScope(current);

    /// <summary>The innermost open scope of the calling thread, or null.</summary>
    public static TensorScope? Current => current;

    /// <summary>Number of tensors this scope will dispose.</summary>
    public int Count => tensors.Count(t => t.Scope == this);

    /// <summary>Keeps <paramref name="tensor"/> alive past this scope (it joins the enclosing scope, if any).</summary>
    public T Keep<T>(T tensor) where T : Tensor
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Scope == this)
        {
            tensor.Scope = outer;
            outer?.tensors.Add(tensor);
            if (outer is null) tensor.ReportNativeBytes();
        }
        return tensor;
    }

    /// <summary>Keeps each of <paramref name="tensors"/>.</summary>
    public void KeepAll(params ReadOnlySpan<Tensor> tensors)
    {
        foreach (var tensor in tensors) Keep(tensor);
    }

    /// <summary>Disposes the tensors created in this scope that were not kept, and closes it.</summary>
    /// <exception cref="InvalidOperationException">An inner scope is still open.</exception>
    public void Dispose()
    {
        if (disposed) return;
        if (current != this)
            throw new InvalidOperationException("Scopes must be disposed innermost first, on the thread that opened them.");
        disposed = true;
        current = outer;
        foreach (var tensor in tensors)
        {
            if (tensor.Scope != this) continue;
            tensor.Scope = null;
            tensor.Dispose();
        }
        tensors.Clear();
    }

    /// <summary>Adds a new tensor to the calling thread's innermost scope; false when no scope is open.</summary>
    internal static bool Register(Tensor tensor)
    {
        if (current is not { } scope) return false;
        tensor.Scope = scope;
        scope.tensors.Add(tensor);
        return true;
    }

    /// <summary>Takes a tensor out of scope disposal (its owner disposes it, or the GC does).</summary>
    internal static void Unregister(Tensor tensor)
    {
        if (tensor.Scope is null) return;
        tensor.Scope = null;
        tensor.ReportNativeBytes();
    }
}
