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
    private readonly Device[] devices;

    /// <param name="module">The module to run; its parameters should be on <paramref name="outputDevice"/>'s device.</param>
    /// <param name="devices">Where the replicas run (default: every CUDA device, else two CPU replicas).</param>
    /// <param name="outputDevice">Where outputs are gathered (default: the first device).</param>
    /// <param name="dim">The batch dimension that is split (default 0).</param>
    public DataParallel(Module module, IReadOnlyList<Device>? devices = null, Device? outputDevice = null, int dim = 0)
    {
        Module = module ?? throw new ArgumentNullException(nameof(module));
        this.devices = (devices ?? DefaultDevices()).ToArray();
        if (this.devices.Length == 0) throw new ArgumentException("DataParallel needs at least one device", nameof(devices));
        OutputDevice = outputDevice ?? this.devices[0];
        Dimension = dim;
        RegisterModule("module", module);
    }

    private static IReadOnlyList<Device> DefaultDevices() =>
        Cuda.DeviceCount > 0 ? Enumerable.Range(0, Cuda.DeviceCount).Select(Device.Cuda).ToArray() : [Device.Cpu, Device.Cpu];

    /// <summary>The wrapped module (its state dict keys carry the prefix <c>module.</c>, as in PyTorch).</summary>
    public Module Module { get; }

    public IReadOnlyList<Device> Devices => devices;
    public Device OutputDevice { get; }
    public int Dimension { get; }

    /// <summary>Scatters <paramref name="input"/>, runs the replicas concurrently and gathers their outputs.</summary>
    /// <exception cref="Exception">Whatever a replica's forward threw (the first failure), after every replica has finished.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var batch = input.Size(Dimension);
        if (batch == 0) throw new ArgumentException("DataParallel cannot split an empty batch", nameof(input));
        using var scope = TensorScope.Begin();
        // Fewer samples than devices (an uneven last batch) use fewer replicas, as torch.chunk gives fewer parts.
        var chunks = input.Chunk((int)Math.Min(devices.Length, batch), Dimension);
        var count = chunks.Length;
        if (count == 1 && devices[0] == OutputDevice) return scope.Keep(Module.Call(chunks[0].To(devices[0])));

        // Each parameter is broadcast once to every replica's device, so that backward sums the replicas' gradients
        // in device order (one autograd node per parameter, as torch's Broadcast) rather than in thread-finishing order.
        var parameters = Module.Parameters().Distinct().ToArray();
        var copies = parameters.Select(p => LibTorch.NnBroadcast(p, devices.AsSpan(0, count))).ToArray();
        var replications = Enumerable.Range(0, count).Select(i => new Replication(devices[i],
            parameters.Select((p, j) => (p, copies[j][i])).ToDictionary(e => e.p, e => e.Item2))).ToArray();
        var replicas = replications.Select(r => r.Replicate(Module)).ToArray();
        var outputs = new Tensor?[count];
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
                var output = replicas[i].Call(chunks[i].To(devices[i]));
                outputs[i] = local.Keep(output.To(OutputDevice));
            }
            catch (Exception e)
            {
                failures[i] = e;
            }
        }) { IsBackground = true, Name = $"DataParallel replica {i}" }).ToArray();
        foreach (var worker in workers) worker.Start();
        foreach (var worker in workers) worker.Join();
        foreach (var tensor in replications.SelectMany(r => r.Created).Concat(copies.SelectMany(c => c))) tensor.Dispose();

        if (failures.FirstOrDefault(f => f is not null) is { } failure)
        {
            foreach (var output in outputs) output?.Dispose();
            ExceptionDispatchInfo.Capture(failure).Throw();
        }
        var gathered = Tensor.Cat(outputs!, Dimension);
        foreach (var output in outputs) output!.Dispose();
        return scope.Keep(gathered);
    }

    protected override string ExtraRepresentation() => $"devices=[{string.Join(", ", devices)}], output_device={OutputDevice}";
}
