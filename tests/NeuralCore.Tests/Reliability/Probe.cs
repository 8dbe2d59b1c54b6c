using System.Diagnostics;
using System.Text.Json;

namespace NeuralCore.Tests;

/// <summary>Runs one case of tests/NeuralCore.Probe in a child process, so that a crash fails the test instead of killing the host.</summary>
public static class Probe
{
    public sealed record Outcome(int ExitCode, string Kind, string Type, string Message, string Detail, string Error)
    {
        public override string ToString() => $"exit {ExitCode}, {Kind} {Type}: {Message}{Detail} {Error}";
    }

    public static Outcome Run(params string[] arguments) => RunWith(new Dictionary<string, string>(), arguments);

    public static Outcome RunWith(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Support.TestPaths.ProjectOutput("tests/NeuralCore.Probe", "NeuralCore.Probe.dll"));
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"probe {string.Join(" ", arguments)} did not finish");
        }
        var line = output.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault(l => l.StartsWith('{'));
        var attempt = output.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault(l => l.StartsWith("attempt ", StringComparison.Ordinal));
        if (line is null) return new Outcome(process.ExitCode, "crash", "", "", attempt ?? "", error.Result);
        var json = JsonDocument.Parse(line).RootElement;
        string Text(string name) => json.TryGetProperty(name, out var value) ? value.GetString() ?? "" : "";
        return new Outcome(process.ExitCode, Text("outcome"), Text("type"), Text("message"), Text("detail"), error.Result);
    }
}
