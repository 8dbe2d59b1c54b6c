using System.Globalization;
using NeuralCore.Interop;
using NeuralCore.Interop.Handles;

namespace NeuralCore.Distributed;

/// <summary>How a collective combines the ranks' values.</summary>
public enum ReduceOp
{
    Sum = NativeConstants.ReduceSum,
    Avg = NativeConstants.ReduceAvg,
    Min = NativeConstants.ReduceMin,
    Max = NativeConstants.ReduceMax,
    Product = NativeConstants.ReduceProduct,
}

/// <summary>
/// A group of processes on torch.distributed's c10d engine (Gloo on the CPU), met through a TCPStore that rank 0
/// hosts. Collectives work in place and fail with a <see cref="TorchException"/> when another rank does not take part
/// within the timeout.
/// </summary>
/// <example>
/// <code>
/// using var group = ProcessGroup.Init(backend: "gloo", timeout: TimeSpan.FromSeconds(30));  // RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT
/// using var t = Tensor.Ones(3) * (group.Rank + 1);
/// group.AllReduce(t, ReduceOp.Sum);
/// </code>
/// </example>
public sealed class ProcessGroup : IDisposable
{
    private readonly ProcessGroupHandle handle;

    private ProcessGroup(ProcessGroupHandle handle, int rank, int worldSize, string masterAddress, int masterPort) =>
        (this.handle, Rank, WorldSize, MasterAddress, MasterPort) = (handle, rank, worldSize, masterAddress, masterPort);

    public int Rank { get; }
    public int WorldSize { get; }
    public string MasterAddress { get; }
    public int MasterPort { get; }

    /// <summary>
    /// The backends this build offers: "gloo" where the shim was built with Gloo's headers (Debian's libtorch brings
    /// them, pip torch does not), and "nccl" where the linked libtorch has CUDA and NCCL.
    /// </summary>
    public static IReadOnlyList<string> AvailableBackends => LibTorch.DistAvailableBackends().Split(',', StringSplitOptions.RemoveEmptyEntries);

    private static ProcessGroup? defaultGroup;

    /// <summary>
    /// The default group (torch.distributed's WORLD): the first group <see cref="Init"/> made in this process, while it
    /// is not disposed; null otherwise. <see cref="NN.SyncBatchNorm"/> uses it when given no group.
    /// </summary>
    public static ProcessGroup? Default => defaultGroup;

    /// <summary>
    /// Joins the group. Arguments left null come from the variables torchrun sets: RANK, WORLD_SIZE, MASTER_ADDR,
    /// MASTER_PORT. Every rank waits up to <paramref name="timeout"/> (default 30 minutes, as PyTorch) for the others.
    /// </summary>
    /// <param name="networkInterface">
    /// Gloo only: the network interface the ranks talk over (e.g. "eth0"); default: GLOO_SOCKET_IFNAME when set, else
    /// the interface that routes to the master address (loopback for a local master).
    /// </param>
    /// <exception cref="ArgumentException">A setting is missing or invalid, or the backend is unknown.</exception>
    /// <exception cref="TorchException">The rendezvous failed or timed out; the message names the master address.</exception>
    public static ProcessGroup Init(string backend = "gloo", TimeSpan? timeout = null, int? rank = null, int? worldSize = null,
        string? masterAddress = null, int? masterPort = null, string? networkInterface = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(backend);
        var r = rank ?? Setting("RANK");
        var size = worldSize ?? Setting("WORLD_SIZE");
        var address = masterAddress ?? Environment.GetEnvironmentVariable("MASTER_ADDR") ?? throw new ArgumentException("MASTER_ADDR is not set and no masterAddress was given");
        var port = masterPort ?? Setting("MASTER_PORT");
        if (size < 1 || r < 0 || r >= size) throw new ArgumentException($"rank {r} is outside a world of {size} processes");
        if (port is < 1 or > 65535) throw new ArgumentException($"master port {port} is not a TCP port");
        var wait = timeout ?? TimeSpan.FromMinutes(30);
        if (wait <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout), wait, "the timeout must be positive");
        var glooInterface = networkInterface ?? Environment.GetEnvironmentVariable("GLOO_SOCKET_IFNAME");
        if (string.IsNullOrEmpty(glooInterface)) glooInterface = null;
        var glooAddress = glooInterface is null ? LocalAddressTowards(address, port) : null;
        ProcessGroupHandle handle;
        try
        {
            handle = LibTorch.DistInit(backend, address, port, r, size, (long)wait.TotalMilliseconds, glooInterface, glooAddress);
        }
        catch (TorchException e) when (e.Kind != TorchErrorKind.InvalidArgument)
        {
            throw new TorchException($"rank {r} of {size} could not join the group at {address}:{port}: {e.Message}", e.Kind);
        }
        catch (TorchException e)
        {
            throw new ArgumentException(e.Message, nameof(backend), e);
        }
        var group = new ProcessGroup(handle, r, size, address, port);
        Interlocked.CompareExchange(ref defaultGroup, group, null);
        return group;
    }

    // The local address whose interface routes to the master (a connected UDP socket sends nothing), so that Gloo binds
    // where the other machines can reach it rather than wherever the hostname happens to resolve. Null: let Gloo choose.
    private static string? LocalAddressTowards(string masterAddress, int port)
    {
        try
        {
            var target = System.Net.Dns.GetHostAddresses(masterAddress).FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork);
            if (target is null || System.Net.IPAddress.IsLoopback(target)) return null;
            using var socket = new System.Net.Sockets.Socket(target.AddressFamily, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
            socket.Connect(target, port);
            return ((System.Net.IPEndPoint)socket.LocalEndPoint!).Address.ToString();
        }
        catch (System.Net.Sockets.SocketException)
        {
            return null;
        }
    }

    private static int Setting(string name) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ArgumentException($"{name} is not set to a number (torchrun and NeuralCore's launcher set it), and no argument was given");

    internal ProcessGroupHandle Handle => handle.IsClosed ? throw new ObjectDisposedException(nameof(ProcessGroup)) : handle;

    /// <summary>
    /// Combines <paramref name="tensor"/> across ranks, in place: every rank ends with the same result. The ranks first
    /// compare shapes and dtypes, so a mismatch fails on every rank with both shapes named instead of mixing data.
    /// </summary>
    /// <exception cref="ArgumentException">The ranks' tensors differ in shape or dtype.</exception>
    public void AllReduce(Tensor tensor, ReduceOp op = ReduceOp.Sum)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        CheckSameShapeEverywhere(tensor, "all-reduce");
        LibTorch.DistAllReduce(Handle, tensor, (int)op);
    }

    /// <summary>All-reduce without the shape exchange, for callers that guarantee matching shapes (DDP buckets).</summary>
    internal void AllReduceUnchecked(Tensor tensor, ReduceOp op) => LibTorch.DistAllReduce(Handle, tensor, (int)op);

    private const int MaxCheckedDimensions = 16;

    private void CheckSameShapeEverywhere(Tensor tensor, string collective)
    {
        var shape = tensor.Shape;
        if (shape.Length > MaxCheckedDimensions) return;
        var description = new long[MaxCheckedDimensions + 2];
        description[0] = (long)tensor.DType;
        description[1] = shape.Length;
        shape.CopyTo(description, 2);
        // On the tensor's device: NCCL gathers CUDA tensors only.
        using var host = Tensor.FromArray(description);
        using var local = host.To(tensor.Device);
        var everyone = AllGather(local);
        try
        {
            var mine = string.Join(",", description);
            var shapes = everyone.Select(t => t.ToArray<long>()).ToList();
            if (shapes.All(s => string.Join(",", s) == mine)) return;
            var listed = string.Join("; ", shapes.Select((s, rank) => $"rank {rank}: {((DType)s[0]).Name()} [{string.Join(", ", s.Skip(2).Take((int)s[1]))}]"));
            throw new ArgumentException($"{collective} needs the same shape and dtype on every rank; got {listed}", nameof(tensor));
        }
        finally
        {
            foreach (var t in everyone) t.Dispose();
        }
    }

    /// <summary>Copies <paramref name="root"/>'s <paramref name="tensor"/> into every rank's, in place.</summary>
    public void Broadcast(Tensor tensor, int root = 0)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ArgumentOutOfRangeException.ThrowIfNegative(root);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(root, WorldSize);
        LibTorch.DistBroadcast(Handle, tensor, root);
    }

    /// <summary>Every rank's <paramref name="input"/>, in rank order (new tensors).</summary>
    public Tensor[] AllGather(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return LibTorch.DistAllGather(Handle, input, WorldSize);
    }

    /// <summary>Writes into <paramref name="output"/> the reduction over ranks of their <c>inputs[Rank]</c>.</summary>
    public void ReduceScatter(IReadOnlyList<Tensor> inputs, Tensor output, ReduceOp op = ReduceOp.Sum)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(output);
        if (inputs.Count != WorldSize) throw new ArgumentException($"reduce-scatter needs one input per rank ({WorldSize}), got {inputs.Count}", nameof(inputs));
        LibTorch.DistReduceScatter(Handle, inputs, output, (int)op);
    }

    /// <summary>Waits until every rank has reached this call.</summary>
    public void Barrier() => LibTorch.DistBarrier(Handle);

    /// <summary>
    /// A new tensor holding <paramref name="input"/> summed (or averaged) over the ranks, recorded by autograd
    /// (torch.distributed.nn.functional.all_reduce): its backward reduces the gradient the same way over the ranks,
    /// which is the gradient of the sum of every rank's loss. Every rank must call it, in the same order.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="op"/> is neither Sum nor Avg.</exception>
    public Tensor AllReduceDifferentiable(Tensor input, ReduceOp op = ReduceOp.Sum)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (op is not (ReduceOp.Sum or ReduceOp.Avg)) throw new ArgumentException($"a differentiable all-reduce supports Sum and Avg, not {op}", nameof(op));
        return LibTorch.DistAllReduceAutograd(Handle, input, (int)op);
    }

    public void Dispose()
    {
        Interlocked.CompareExchange(ref defaultGroup, null, this);
        handle.Dispose();
    }
}
