// Starts the workers of a distributed run on this machine, as torchrun does, so that no Python is needed:
//   dotnet run --project tools/Launch -- --nproc-per-node 2 -- dotnet run --project examples/Cnn -- --distributed
// Each worker gets RANK, LOCAL_RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT; its output lines are prefixed with its
// rank; when one worker fails, the others are stopped and the launcher exits with the failure's code. For several
// machines, run it on each with --nnodes N --node-rank I --master-addr HOST (and the same --master-port); the workers
// talk over the interface that routes to HOST unless --network-interface NAME (GLOO_SOCKET_IFNAME) names another.
using System.Diagnostics;
using System.Globalization;

var separator = Array.IndexOf(args, "--");
if (separator < 0 || separator == args.Length - 1)
{
    Console.Error.WriteLine("usage: neuralcore-launch [--nproc-per-node N] [--nnodes N] [--node-rank I] [--master-addr HOST] [--master-port PORT] " +
        "[--network-interface NAME] -- COMMAND [ARGS...]");
    return 2;
}
var options = args[..separator];
var command = args[(separator + 1)..];
string Option(string name, string fallback)
{
    var index = Array.IndexOf(options, name);
    return index >= 0 && index + 1 < options.Length ? options[index + 1] : fallback;
}
int Number(string name, int fallback) =>
    int.TryParse(Option(name, fallback.ToString(CultureInfo.InvariantCulture)), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 0
        ? value
        : throw new ArgumentException($"{name} needs a non-negative number");

var perNode = Number("--nproc-per-node", 1);
var nodes = Number("--nnodes", 1);
var nodeRank = Number("--node-rank", 0);
var masterAddress = Option("--master-addr", "127.0.0.1");
var masterPort = Number("--master-port", 29500);
var networkInterface = Option("--network-interface", "");
if (perNode < 1 || nodes < 1 || nodeRank >= nodes)
{
    Console.Error.WriteLine($"invalid layout: {nodes} nodes of {perNode} processes, node rank {nodeRank}");
    return 2;
}

var workers = new List<Process>();
var failure = 0;
var gate = new object();
for (var local = 0; local < perNode; local++)
{
    var rank = nodeRank * perNode + local;
    var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var argument in command[1..]) start.ArgumentList.Add(argument);
    start.Environment["RANK"] = rank.ToString(CultureInfo.InvariantCulture);
    start.Environment["LOCAL_RANK"] = local.ToString(CultureInfo.InvariantCulture);
    start.Environment["WORLD_SIZE"] = (nodes * perNode).ToString(CultureInfo.InvariantCulture);
    start.Environment["LOCAL_WORLD_SIZE"] = perNode.ToString(CultureInfo.InvariantCulture);
    start.Environment["MASTER_ADDR"] = masterAddress;
    start.Environment["MASTER_PORT"] = masterPort.ToString(CultureInfo.InvariantCulture);
    if (networkInterface.Length > 0) start.Environment["GLOO_SOCKET_IFNAME"] = networkInterface;
    var process = new Process { StartInfo = start, EnableRaisingEvents = true };
    var prefix = $"[rank {rank}] ";
    process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (gate) Console.WriteLine(prefix + e.Data); };
    process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (gate) Console.Error.WriteLine(prefix + e.Data); };
    process.Start();
    process.BeginOutputReadLine();
    process.BeginErrorReadLine();
    workers.Add(process);
}

Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    foreach (var worker in workers) if (!worker.HasExited) worker.Kill(entireProcessTree: true);
};
var running = workers.ToList();
while (running.Count > 0)
{
    var finished = running.FirstOrDefault(w => w.HasExited);
    if (finished is null)
    {
        Thread.Sleep(100);
        continue;
    }
    finished.WaitForExit();
    running.Remove(finished);
    if (finished.ExitCode != 0 && failure == 0)
    {
        failure = finished.ExitCode;
        lock (gate) Console.Error.WriteLine($"neuralcore-launch: a worker exited with {finished.ExitCode}; stopping the others");
        foreach (var worker in running) if (!worker.HasExited) worker.Kill(entireProcessTree: true);
    }
}
return failure;
