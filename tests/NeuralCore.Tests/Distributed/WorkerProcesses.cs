using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace NeuralCore.Tests;

/// <summary>Starts the ranks of a scenario as real processes of tests/NeuralCore.DistributedWorker.</summary>
public static class WorkerProcesses
{
    public static string WorkerPath() => Support.TestPaths.ProjectOutput("tests/NeuralCore.DistributedWorker", "NeuralCore.DistributedWorker.dll");

    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Runs the scenario on worldSize processes; returns each rank's JSON line and exit code, and the wall time.</summary>
    /// <summary>
    /// Skips the calling test where the shim was built without Gloo (against a pip torch, which ships no Gloo headers).
    /// Debian's libtorch 1.13 always brings them, so there the Gloo tests always run.
    /// </summary>
    public static void RequireGloo() =>
        Skip.If(!NeuralCore.Distributed.ProcessGroup.AvailableBackends.Contains("gloo") && Torch.LibTorchVersion.Major >= 2,
            "this build has no Gloo: the libtorch it was built against ships no Gloo headers (set GLOO_INCLUDE_DIR)");

    public static (List<(int ExitCode, JsonElement Output)> Ranks, TimeSpan Elapsed) Run(string scenario, int worldSize, double timeoutSeconds, string? extra = null, string backend = "gloo")
    {
        if (backend == "gloo") RequireGloo();
        var port = FreePort();
        var clock = Stopwatch.StartNew();
        var processes = Enumerable.Range(0, worldSize).Select(rank =>
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add(WorkerPath());
            start.ArgumentList.Add(scenario);
            start.ArgumentList.Add(timeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (extra is not null) foreach (var part in extra.Split(' ')) start.ArgumentList.Add(part);  // several, space-separated
            start.Environment["RANK"] = rank.ToString(System.Globalization.CultureInfo.InvariantCulture);
            start.Environment["WORLD_SIZE"] = worldSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
            start.Environment["MASTER_ADDR"] = "127.0.0.1";
            start.Environment["MASTER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            start.Environment["NEURALCORE_TEST_BACKEND"] = backend;
            return Process.Start(start)!;
        }).ToList();
        // Read every rank's pipes at once: a rank blocked on a full pipe would stall the collectives of the others.
        var outputs = processes.Select(p => (Output: p.StandardOutput.ReadToEndAsync(), Error: p.StandardError.ReadToEndAsync())).ToList();
        var results = new List<(int, JsonElement)>();
        for (var i = 0; i < processes.Count; i++)
        {
            var process = processes[i];
            if (!process.WaitForExit(TimeSpan.FromSeconds(timeoutSeconds + 60)))
            {
                foreach (var p in processes) p.Kill(entireProcessTree: true);
                throw new TimeoutException($"{scenario}: a rank did not finish");
            }
            var line = outputs[i].Output.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "{}";
            var parsed = JsonDocument.Parse(line.StartsWith('{') ? line : "{}").RootElement;
            if (process.ExitCode != 0 && !parsed.TryGetProperty("error", out _))
                parsed = JsonDocument.Parse(JsonSerializer.Serialize(new { error = "crash", message = outputs[i].Error.Result })).RootElement;
            results.Add((process.ExitCode, parsed));
        }
        return (results, clock.Elapsed);
    }
}
