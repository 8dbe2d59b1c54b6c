using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using NeuralCore.Interop;
using NeuralCore.NN;

namespace NeuralCore.Parallel;

/// <summary>
/// Data parallelism in one process (torch.nn.DataParallel): each forward splits the batch along <c>dim</c> over the
/// devices, replicates the wrapped module onto each device with parameter copies that stay connected to the originals
/// in the autograd graph, runs the replicas concurrently on threads and gathers the outputs on the output device.
/// After <c>Backward()</c> the gradients sit on the original parameters, as after one forward of the whole batch.
/// Several CPU "devices" work too (the replicas then share the parameters and split the cores).
/// </summary>
/// <example>
/// <code>
/// var model = new DataParallel(new Cnn(), [Device.Cuda(0), Device.Cuda(1)]);
/// var loss = criterion.Forward(model.Forward(images), labels);   // images on any device; output on cuda:0
/// loss.Backward();
/// </code>
/// </example>
public sealed class DataParallel : Module
{
    private readonly ReplicaEngine engine;

    /// <param name="module">The module to run; its parameters should be on <paramref name="outputDevice"/>'s device.</param>
    /// <param name="devices">Where the replicas run (default: every CUDA device, else two CPU replicas).</param>
    /// <param name="outputDevice">Where outputs are gathered (default: the first device).</param>
    /// <param name="dim">The batch dimension that is split (default 0).</param>
    public DataParallel(Module module, IReadOnlyList<Device>? devices = null, Device? outputDevice = null, int dim = 0)
    {
        Module = module ?? throw new ArgumentNullException(nameof(module));
        engine = new ReplicaEngine(devices, outputDevice, dim);
        RegisterModule("module", module);
    }

    /// <summary>The wrapped module (its state dict keys carry the prefix <c>module.</c>, as in PyTorch).</summary>
    public Module Module { get; }

    public IReadOnlyList<Device> Devices => engine.Devices;
    public Device OutputDevice => engine.OutputDevice;
    public int Dimension => engine.Dimension;

    /// <summary>Scatters <paramref name="input"/>, runs the replicas concurrently and gathers their outputs.</summary>
    /// <exception cref="Exception">Whatever a replica's forward threw (the first failure), after every replica has finished.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return (Tensor)engine.Run(Module, [input], (replica, inputs) => replica.Call((Tensor)inputs[0]!))!;
    }

    /// <summary>
    /// Wraps a two-input module (torch's <c>DataParallel(model)(a, b)</c>): every tensor input is split along the batch
    /// dimension, null and other values go to every replica as they are; the result (a tensor, or a tuple of tensors)
    /// is gathered.
    /// </summary>
    public static DataParallel<T1, T2, TResult> Create<T1, T2, TResult>(Module<T1, T2, TResult> module, IReadOnlyList<Device>? devices = null,
        Device? outputDevice = null, int dim = 0) => new(module, devices, outputDevice, dim);

    protected override string ExtraRepresentation() => engine.Describe();
}

/// <summary>
/// <see cref="DataParallel"/> for a module with two inputs (<see cref="DataParallel.Create{T1, T2, TResult}"/>); state
/// dict keys carry the prefix <c>module.</c>.
/// </summary>
public sealed class DataParallel<T1, T2, TResult> : Module<T1, T2, TResult>
{
    private readonly ReplicaEngine engine;

    internal DataParallel(Module<T1, T2, TResult> module, IReadOnlyList<Device>? devices, Device? outputDevice, int dim)
    {
        Module = module ?? throw new ArgumentNullException(nameof(module));
        engine = new ReplicaEngine(devices, outputDevice, dim);
        RegisterModule("module", module);
    }

    /// <summary>The wrapped module.</summary>
    public Module<T1, T2, TResult> Module { get; }

    public IReadOnlyList<Device> Devices => engine.Devices;
    public Device OutputDevice => engine.OutputDevice;
    public int Dimension => engine.Dimension;

    /// <summary>Scatters the inputs, runs the replicas concurrently and gathers their results on the output device.</summary>
    public override TResult Forward(T1 input1, T2 input2) =>
        (TResult)engine.Run(Module, [input1, input2], (replica, inputs) => ((Module<T1, T2, TResult>)replica).Call((T1)inputs[0]!, (T2)inputs[1]!))!;

    protected override string ExtraRepresentation() => engine.Describe();
}

/// <summary>
/// The replica engine both DataParallel forms share: tensor inputs are split per replica, the replicas run
/// concurrently, and their results are gathered on the output device.
/// </summary>
internal sealed class ReplicaEngine
{
    private readonly Device[] devices;

    public ReplicaEngine(IReadOnlyList<Device>? devices, Device? outputDevice, int dim)
    {
        this.devices = (devices ?? DefaultDevices()).ToArray();
        if (this.devices.Length == 0) throw new ArgumentException("DataParallel needs at least one device", nameof(devices));
        OutputDevice = outputDevice ?? this.devices[0];
        Dimension = dim;
    }

    private static IReadOnlyList<Device> DefaultDevices() =>
        Cuda.DeviceCount > 0 ? Enumerable.Range(0, Cuda.DeviceCount).Select(Device.Cuda).ToArray() : [Device.Cpu, Device.Cpu];

    public IReadOnlyList<Device> Devices => devices;
    public Device OutputDevice { get; }
    public int Dimension { get; }

    /// <summary>What both forms print after their name, as PyTorch's repr.</summary>
    public string Describe() => $"devices=[{string.Join(", ", devices)}], output_device={OutputDevice}";

    public object? Run(Module module, object?[] inputs, Func<Module, object?[], object?> forward)
    {
        var batch = inputs.OfType<Tensor>().FirstOrDefault()?.Size(Dimension)
            ?? throw new ArgumentException("DataParallel needs at least one tensor input to split", nameof(inputs));
        if (batch == 0) throw new ArgumentException("DataParallel cannot split an empty batch", nameof(inputs));
        using var scope = TensorScope.Begin();
        // Fewer samples than devices (an uneven last batch) use fewer replicas, as torch.chunk gives fewer parts.
        var count = (int)Math.Min(devices.Length, batch);
        var chunks = inputs.Select(input => input is Tensor tensor ? tensor.Chunk(count, Dimension) : null).ToArray();
        if (chunks.Any(c => c is not null && c.Length != count))
            throw new ArgumentException($"DataParallel splits every tensor input into {count} along dimension {Dimension}; the inputs disagree in that dimension", nameof(inputs));
        object?[] Part(int replica) => inputs.Select((input, j) => chunks[j] is { } parts ? parts[replica].To(devices[replica]) : input).ToArray();
        if (count == 1 && devices[0] == OutputDevice) return Kept(scope, forward(module, Part(0)));

        // Each parameter is broadcast once to every replica's device, so that backward sums the replicas' gradients
        // in device order (one autograd node per parameter, as torch's Broadcast) rather than in thread-finishing order.
        var parameters = module.Parameters().Distinct().ToArray();
        var copies = parameters.Select(p => LibTorch.NnBroadcast(p, devices.AsSpan(0, count))).ToArray();
        var replications = Enumerable.Range(0, count).Select(i => new Replication(devices[i],
            parameters.Select((p, j) => (p, copies[j][i])).ToDictionary(e => e.p, e => e.Item2))).ToArray();
        var replicas = replications.Select(r => r.Replicate(module)).ToArray();
        var outputs = new object?[count];
        var failures = new Exception?[count];
        var gradEnabled = Autograd.IsEnabled;
        var cpuReplicas = devices.Take(count).Count(d => d.Type == DeviceType.Cpu);
        var threadsPerCpuReplica = Math.Max(1, Torch.NumThreads / Math.Max(1, cpuReplicas));
        var workers = Enumerable.Range(0, count).Select(i => new Thread(() =>
        {
            try
            {
                // Replicas sharing the CPU split its cores rather than each starting a full OpenMP team.
                if (devices[i].Type == DeviceType.Cpu) LibTorch.RuntimeSetThreadNumThreads(threadsPerCpuReplica);
                using var mode = gradEnabled ? Autograd.EnableGrad() : Autograd.NoGrad();
                using var local = TensorScope.Begin();
                outputs[i] = Kept(local, Gathering.Map(forward(replicas[i], Part(i)), t => t.To(OutputDevice)));
            }
            catch (Exception e)
            {
                failures[i] = e;
            }
        }) { IsBackground = true, Name = $"DataParallel replica {i}" }).ToArray();
        foreach (var worker in workers) worker.Start();
        foreach (var worker in workers) worker.Join();
        foreach (var tensor in replications.SelectMany(r => r.Created).Concat(copies.SelectMany(c => c))) tensor.Dispose();

        try
        {
            if (failures.FirstOrDefault(f => f is not null) is { } failure) ExceptionDispatchInfo.Capture(failure).Throw();
            return Kept(scope, Gathering.Gather(outputs, Dimension));
        }
        finally
        {
            foreach (var output in outputs) Gathering.Map(output, t => { t.Dispose(); return t; });
        }
    }

    private static object? Kept(TensorScope scope, object? value) => Gathering.Map(value, scope.Keep);

}

/// <summary>Tensors inside replica results: a tensor, a tuple of them (nested), or null.</summary>
internal static class Gathering
{
    /// <summary>The same shape of value with every tensor replaced by <paramref name="map"/>'s result.</summary>
    public static object? Map(object? value, Func<Tensor, Tensor> map) => value switch
    {
        null => null,
        Tensor tensor => map(tensor),
        ITuple tuple => Rebuild(tuple, Enumerable.Range(0, tuple.Length).Select(i => Map(tuple[i], map)).ToArray()),
        _ => value,
    };

    /// <summary>Concatenates the replicas' results along <paramref name="dim"/>, element by element for tuples.</summary>
    public static object? Gather(object?[] parts, int dim) => parts[0] switch
    {
        null => null,
        Tensor => Tensor.Cat(parts.Cast<Tensor>().ToArray(), dim),
        ITuple first => Rebuild(first, Enumerable.Range(0, first.Length).Select(i => Gather(parts.Select(p => ((ITuple)p!)[i]).ToArray(), dim)).ToArray()),
        var other => throw new NotSupportedException($"DataParallel gathers tensors and tuples of tensors, not {other.GetType().Name}"),
    };

    private static object Rebuild(ITuple template, object?[] items) => Activator.CreateInstance(template.GetType(), items)!;
}
