namespace NeuralCore;

/// <summary>
/// Disposes every tensor created on this thread while the scope is open, except those passed to
/// <see cref="Keep{T}"/>. Scopes nest; a kept tensor moves to the enclosing scope, if any.
/// </summary>
/// <remarks>
/// A scope belongs to the thread that began it: tensors made on other threads (a continuation after <c>await</c>,
/// a <c>Task.Run</c>) are not in it, and disposing it on another thread throws <see cref="InvalidOperationException"/>.
/// That scope is then closed: its own thread no longer puts new tensors in it, and disposes the tensors it holds the
/// next time that thread creates a tensor or opens or closes a scope. Do not hold a scope across <c>await</c>.
/// </remarks>
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
    private readonly int ownerThread = Environment.CurrentManagedThreadId;
    private bool disposed;
    private volatile bool abandoned;  // disposed from another thread; its owner cleans it up

    private TensorScope(TensorScope? outer) => this.outer = outer;

    /// <summary>Opens a scope on the calling thread.</summary>
    public static TensorScope Begin() => current = new TensorScope(Live());

    /// <summary>The innermost open scope of the calling thread, or null.</summary>
    public static TensorScope? Current => Live();

    // The calling thread's innermost scope, after releasing scopes that another thread closed.
    private static TensorScope? Live()
    {
        while (current is { abandoned: true } closed)
        {
            current = closed.outer;
            closed.Release();
        }
        return current;
    }

    private void Release()
    {
        disposed = true;
        foreach (var tensor in tensors)
        {
            if (tensor.Scope != this) continue;
            tensor.Scope = null;
            tensor.Dispose();
        }
        tensors.Clear();
    }

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
    /// <exception cref="InvalidOperationException">Called on another thread than the one that began the scope (the scope is
    /// closed all the same; see the remarks).</exception>
    public void Dispose()
    {
        if (disposed || abandoned) return;
        if (Environment.CurrentManagedThreadId != ownerThread)
        {
            abandoned = true;
            throw new InvalidOperationException("A TensorScope must be disposed on the thread that began it (a 'using' that spans an 'await' " +
                "ends on another thread). The scope is closed: its thread disposes its tensors the next time it uses a scope or creates a tensor.");
        }
        if (Live() != this)
            throw new InvalidOperationException("Scopes must be disposed innermost first, on the thread that opened them.");
        current = outer;
        Release();
    }

    /// <summary>Adds a new tensor to the calling thread's innermost scope; false when no scope is open.</summary>
    internal static bool Register(Tensor tensor)
    {
        var scope = current;
        if (scope is null) return false;
        if (scope.abandoned && (scope = Live()) is null) return false;
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
