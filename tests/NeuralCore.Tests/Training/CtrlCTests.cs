using System.Diagnostics;
using NeuralCore.Tests.Support;

namespace NeuralCore.Tests;

/// <summary>
/// Ctrl+C (SIGINT) on a real training process, examples/Fit on Fashion-MNIST: the step finishes, a resumable
/// checkpoint is written, the process exits cleanly, and a second run resumes from it.
/// </summary>
public class CtrlCTests
{
    private static (Process Process, List<string> Lines) Start(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = directory };
        start.ArgumentList.Add(TestPaths.ProjectOutput("examples/Fit", "Fit.dll"));
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        var process = Process.Start(start)!;
        var lines = new List<string>();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (lines) lines.Add(e.Data);
        };
        process.BeginOutputReadLine();
        return (process, lines);
    }

    private static void InterruptAfter(Process process, List<string> lines, string prefix)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            lock (lines)
                if (lines.Any(l => l.StartsWith(prefix, StringComparison.Ordinal))) break;
            if (process.HasExited) throw new InvalidOperationException($"exited with {process.ExitCode} before '{prefix}': {string.Join("\n", lines)}");
            if (clock.Elapsed > TimeSpan.FromMinutes(3)) throw new TimeoutException($"no '{prefix}' line: {string.Join("\n", lines)}");
            Thread.Sleep(50);
        }
        Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
        process.WaitForExit(TimeSpan.FromMinutes(2)).Should().BeTrue("the run ends soon after Ctrl+C");
        process.WaitForExit();
    }

    [SkippableFact]
    public void CtrlC_WritesAResumableCheckpoint_AndExitsCleanly()
    {
        Skip.IfNot(File.Exists(Path.Combine(NeuralCore.Data.FashionMnist.DefaultDirectory, "train-images-idx3-ubyte.gz")) ||
            File.Exists(Path.Combine(NeuralCore.Data.FashionMnist.DefaultDirectory, "train-images-idx3-ubyte")), "needs dataset-fashion-mnist");
        var directory = Directory.CreateTempSubdirectory("neuralcore-ctrlc").FullName;
        try
        {
            var (first, lines) = Start(directory);
            InterruptAfter(first, lines, "epoch 1/10");
            first.ExitCode.Should().Be(0, string.Join("\n", lines));
            var checkpoint = Path.Combine(directory, "output", "fit.ckpt");
            var saved = (System.Collections.IDictionary)IO.Serialization.LoadObject(checkpoint)!;
            saved["epoch"].Should().Be(2L, "Ctrl+C came during epoch 2");
            saved["progress"].Should().NotBeNull("the checkpoint records where in epoch 2 training stopped");
            lock (lines) lines.Should().Contain(l => l.StartsWith("stopped; resume with the checkpoint", StringComparison.Ordinal));

            var (second, resumed) = Start(directory, "--resume");
            InterruptAfter(second, resumed, "epoch 2/10");
            second.ExitCode.Should().Be(0, string.Join("\n", resumed));
            lock (resumed) resumed.Should().NotContain(l => l.StartsWith("epoch 1/10", StringComparison.Ordinal), "epoch 1 was done before");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
