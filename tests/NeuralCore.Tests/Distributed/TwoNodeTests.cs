using System.Diagnostics;
using System.Text.Json;

namespace NeuralCore.Tests;

/// <summary>
/// The launcher's multi-node path across two network namespaces joined by a veth pair: rendezvous and Gloo's transport
/// cross a real interface (the only one besides each namespace's own loopback), not the host's loopback.
/// </summary>
[Collection(Support.GlobalStateCollection.Name)]
public class TwoNodeTests
{
    private const string MasterAddress = "10.213.0.1";  // exists only inside the first namespace
    private const string WorkerAddress = "10.213.0.2";

    private static (int ExitCode, string Output, string Error) Shell(string command, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromSeconds(30)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{command}' did not finish: {output.Result}{error.Result}");
        }
        return (process.ExitCode, output.Result, error.Result);
    }

    // Gloo needs a reachable address on at least one side of each pair (both on loopback fails: measured), so each case
    // gives both nodes the same way of choosing it.
    [SkippableTheory]
    [InlineData(false)]  // each node finds the interface that routes to the master
    [InlineData(true)]   // the launcher's --network-interface (GLOO_SOCKET_IFNAME)
    public void TwoNodes_InSeparateNetworkNamespaces_TrainLikeOneProcess(bool nameTheInterface)
    {
        WorkerProcesses.RequireGloo();
        Skip.If(Environment.UserName != "root", "creating network namespaces needs root (CI runs as root)");
        Skip.If(Shell("command -v ip").ExitCode != 0, "the ip command (iproute2) is missing");

        var id = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var (nodeA, nodeB, linkA, linkB) = ($"nc{id}a", $"nc{id}b", $"nc{id}a", $"nc{id}b");
        try
        {
            var setup = Shell(
                $"set -e; ip netns add {nodeA}; ip netns add {nodeB}; ip link add {linkA} type veth peer name {linkB}; " +
                $"ip link set {linkA} netns {nodeA}; ip link set {linkB} netns {nodeB}; " +
                $"ip -n {nodeA} addr add {MasterAddress}/24 dev {linkA}; ip -n {nodeB} addr add {WorkerAddress}/24 dev {linkB}; " +
                $"for n in {nodeA} {nodeB}; do ip -n $n link set lo up; done; ip -n {nodeA} link set {linkA} up; ip -n {nodeB} link set {linkB} up");
            // CI runs as root on a machine that allows namespaces: there the test must run; elsewhere (a container
            // without the capability) it says why it cannot.
            Skip.If(setup.ExitCode != 0 && Environment.GetEnvironmentVariable("CI") != "true", $"this machine does not allow network namespaces: {setup.Error.Trim()}");
            setup.ExitCode.Should().Be(0, $"CI runs as root and must create namespaces: {setup.Error}");

            var launcher = Support.TestPaths.ProjectOutput("tools/Launch", "Launch.dll");
            var worker = WorkerProcesses.WorkerPath();
            const int port = 29731;  // the namespaces' own port space: nothing else listens there
            string Node(string space, int rank, string link) =>
                $"ip netns exec {space} dotnet {launcher} --nnodes 2 --node-rank {rank} --nproc-per-node 1 --master-addr {MasterAddress} " +
                $"--master-port {port}{(nameTheInterface ? $" --network-interface {link}" : "")} -- dotnet {worker} ddp 60 25";
            var first = Task.Run(() => Shell(Node(nodeA, 0, linkA), TimeSpan.FromSeconds(120)));
            var second = Task.Run(() => Shell(Node(nodeB, 1, linkB), TimeSpan.FromSeconds(120)));
            var nodes = new[] { first.Result, second.Result };

            var expected = ProcessGroupTests.DdpReference(2);
            for (var rank = 0; rank < 2; rank++)
            {
                var (exitCode, output, error) = nodes[rank];
                exitCode.Should().Be(0, $"node {rank}: {output}{error}");
                var line = output.Split('\n').Last(l => l.StartsWith($"[rank {rank}] {{", StringComparison.Ordinal));
                var result = JsonDocument.Parse(line[(line.IndexOf('{'))..]).RootElement;
                result.GetProperty("parameters").EnumerateArray().Select(v => v.GetDouble()).Should()
                    .Equal(expected, (a, b) => Math.Abs(a - b) <= 1e-5 * Math.Max(1, Math.Abs(b)));
            }
        }
        finally
        {
            Shell($"ip netns del {nodeA}; ip netns del {nodeB}");
        }
    }
}
