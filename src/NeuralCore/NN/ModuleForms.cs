namespace NeuralCore.NN;

/// <summary>A module whose forward is not <c>Tensor → Tensor</c>; says how it is called, for error messages.</summary>
internal interface IForwardForm
{
    string Signature { get; }
}

/// <summary>
/// A module with one input and a result of any type (torch modules returning a tuple, or taking a
/// PackedSequence): override <see cref="Forward(T)"/>, call <see cref="Call(T)"/> to run hooks.
/// </summary>
/// <example>
/// <code>
/// sealed class Encoder : Module&lt;Tensor, (Tensor Output, Tensor Hidden)&gt; { public override (Tensor, Tensor) Forward(Tensor x) => ... }
/// </code>
/// </example>
public abstract class Module<T, TResult> : Module, IForwardForm
{
    private ForwardHooks<T, TResult>? hooks;

    private protected override void IsolateHooks()
    {
        base.IsolateHooks();
        hooks = hooks?.Copy();
    }

    /// <summary>The computation.</summary>
    public abstract TResult Forward(T input);

    /// <summary>Runs <see cref="Forward(T)"/> between the registered hooks, as <c>model(x)</c> does in torch.</summary>
    public TResult Call(T input) => hooks is null ? Forward(input) : hooks.Run(this, input, Forward);

    /// <summary>Registers a hook run before every <see cref="Call(T)"/>; it returns the input to use.</summary>
    public RemovableHandle RegisterForwardPreHook(Func<Module, T, T> hook) => (hooks ??= new()).AddPre(hook);

    /// <summary>Registers a hook run after every <see cref="Call(T)"/>; it returns the result to use.</summary>
    public RemovableHandle RegisterForwardHook(Func<Module, T, TResult, TResult> hook) => (hooks ??= new()).AddPost(hook);

    /// <summary>Registers a forward hook that only observes.</summary>
    public RemovableHandle RegisterForwardHook(Action<Module, T, TResult> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        return RegisterForwardHook((module, input, output) => { hook(module, input, output); return output; });
    }

    string IForwardForm.Signature => $"Call({typeof(T).Name})";
}

/// <summary>
/// A module with two inputs, e.g. a layer's <c>(source, mask)</c>: override <see cref="Forward(T1, T2)"/>, call
/// <see cref="Call(T1, T2)"/> to run hooks. Hooks see the inputs as one tuple.
/// </summary>
/// <example>
/// <code>
/// sealed class Block : Module&lt;Tensor, Tensor?, Tensor&gt;
/// {
///     private readonly TransformerEncoderLayer layer = new(dModel: 64, nhead: 4);
///     public override Tensor Forward(Tensor source, Tensor? mask) => layer.Call(source, mask);
/// }
/// </code>
/// </example>
public abstract class Module<T1, T2, TResult> : Module, IForwardForm
{
    private ForwardHooks<(T1, T2), TResult>? hooks;

    private protected override void IsolateHooks()
    {
        base.IsolateHooks();
        hooks = hooks?.Copy();
    }

    /// <summary>The computation.</summary>
    public abstract TResult Forward(T1 input1, T2 input2);

    /// <summary>Runs <see cref="Forward(T1, T2)"/> between the registered hooks, as <c>model(a, b)</c> does in torch.</summary>
    public TResult Call(T1 input1, T2 input2) =>
        hooks is null ? Forward(input1, input2) : hooks.Run(this, (input1, input2), inputs => Forward(inputs.Item1, inputs.Item2));

    /// <summary>Registers a hook run before every <see cref="Call(T1, T2)"/>; it returns the inputs to use.</summary>
    public RemovableHandle RegisterForwardPreHook(Func<Module, (T1, T2), (T1, T2)> hook) => (hooks ??= new()).AddPre(hook);

    /// <summary>Registers a hook run after every <see cref="Call(T1, T2)"/>; it returns the result to use.</summary>
    public RemovableHandle RegisterForwardHook(Func<Module, (T1, T2), TResult, TResult> hook) => (hooks ??= new()).AddPost(hook);

    /// <summary>Registers a forward hook that only observes.</summary>
    public RemovableHandle RegisterForwardHook(Action<Module, (T1, T2), TResult> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        return RegisterForwardHook((module, inputs, output) => { hook(module, inputs, output); return output; });
    }

    /// <summary>
    /// Runs <paramref name="forward"/> between the hooks, for a module whose forward also takes options (masks, flags)
    /// beyond its two inputs: its <c>Call</c> overload with options passes a forward that closes over them.
    /// </summary>
    protected TResult CallWithHooks(T1 input1, T2 input2, Func<T1, T2, TResult> forward)
    {
        ArgumentNullException.ThrowIfNull(forward);
        return hooks is null ? forward(input1, input2) : hooks.Run(this, (input1, input2), inputs => forward(inputs.Item1, inputs.Item2));
    }

    string IForwardForm.Signature => $"Call({typeof(T1).Name}, {typeof(T2).Name})";
}

/// <summary>A module with three inputs, e.g. attention's <c>(query, key, value)</c>; see <see cref="Module{T1, T2, TResult}"/>.</summary>
public abstract class Module<T1, T2, T3, TResult> : Module, IForwardForm
{
    private ForwardHooks<(T1, T2, T3), TResult>? hooks;

    private protected override void IsolateHooks()
    {
        base.IsolateHooks();
        hooks = hooks?.Copy();
    }

    /// <summary>The computation.</summary>
    public abstract TResult Forward(T1 input1, T2 input2, T3 input3);

    /// <summary>Runs <see cref="Forward(T1, T2, T3)"/> between the registered hooks.</summary>
    public TResult Call(T1 input1, T2 input2, T3 input3) => hooks is null
        ? Forward(input1, input2, input3)
        : hooks.Run(this, (input1, input2, input3), inputs => Forward(inputs.Item1, inputs.Item2, inputs.Item3));

    /// <summary>Registers a hook run before every call; it returns the inputs to use.</summary>
    public RemovableHandle RegisterForwardPreHook(Func<Module, (T1, T2, T3), (T1, T2, T3)> hook) => (hooks ??= new()).AddPre(hook);

    /// <summary>Registers a hook run after every call; it returns the result to use.</summary>
    public RemovableHandle RegisterForwardHook(Func<Module, (T1, T2, T3), TResult, TResult> hook) => (hooks ??= new()).AddPost(hook);

    /// <summary>Registers a forward hook that only observes.</summary>
    public RemovableHandle RegisterForwardHook(Action<Module, (T1, T2, T3), TResult> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        return RegisterForwardHook((module, inputs, output) => { hook(module, inputs, output); return output; });
    }

    /// <summary>Runs <paramref name="forward"/> between the hooks, for a forward that also takes options; see <see cref="Module{T1, T2, TResult}"/>.</summary>
    protected TResult CallWithHooks(T1 input1, T2 input2, T3 input3, Func<T1, T2, T3, TResult> forward)
    {
        ArgumentNullException.ThrowIfNull(forward);
        return hooks is null
            ? forward(input1, input2, input3)
            : hooks.Run(this, (input1, input2, input3), inputs => forward(inputs.Item1, inputs.Item2, inputs.Item3));
    }

    string IForwardForm.Signature => $"Call({typeof(T1).Name}, {typeof(T2).Name}, {typeof(T3).Name})";
}

/// <summary>Removes the hook it was returned for (torch's <c>RemovableHandle</c>); removing twice does nothing.</summary>
public sealed class RemovableHandle : IDisposable
{
    private Action? remove;

    internal RemovableHandle(Action remove) => this.remove = remove;

    /// <summary>Removes the hook.</summary>
    public void Remove() => Interlocked.Exchange(ref remove, null)?.Invoke();

    /// <inheritdoc cref="Remove"/>
    public void Dispose() => Remove();
}

/// <summary>One module's pre-hooks and forward hooks, in registration order.</summary>
internal sealed class ForwardHooks<TInput, TResult>
{
    // Copied on write, so a hook that registers or removes hooks does not disturb the call running it.
    private (Func<Module, TInput, TInput> Hook, object Key)[] pre = [];
    private (Func<Module, TInput, TResult, TResult> Hook, object Key)[] post = [];
    private readonly Lock gate = new();

    public RemovableHandle AddPre(Func<Module, TInput, TInput> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        var key = new object();
        lock (gate) pre = [.. pre, (hook, key)];
        return new RemovableHandle(() => { lock (gate) pre = pre.Where(h => h.Key != key).ToArray(); });
    }

    public RemovableHandle AddPost(Func<Module, TInput, TResult, TResult> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        var key = new object();
        lock (gate) post = [.. post, (hook, key)];
        return new RemovableHandle(() => { lock (gate) post = post.Where(h => h.Key != key).ToArray(); });
    }

    /// <summary>An independent list holding the same hooks (a deep copy's): handles of this one do not remove from it.</summary>
    public ForwardHooks<TInput, TResult> Copy() => new() { pre = pre, post = post };

    public TResult Run(Module module, TInput input, Func<TInput, TResult> forward)
    {
        foreach (var (hook, _) in pre) input = hook(module, input);
        var output = forward(input);
        foreach (var (hook, _) in post) output = hook(module, input, output);
        return output;
    }
}
