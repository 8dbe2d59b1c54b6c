using System.Text.Json;

namespace NeuralCore.Tests;

/// <summary>
/// Seeded mutation fuzzing of each file reader in a child process: every load must succeed or fail with
/// InvalidDataException or TorchException, within a time and memory bound. The seeds move on each day, and a failure
/// names the mutation, reproducible with <c>dotnet NeuralCore.Probe.dll fuzz READER FILE SEED 1</c>.
/// </summary>
public class FuzzTests
{
    private const int Mutations = 300;

    private static string Fixture(string name) => Path.Combine(Support.TestPaths.Directory, "Fixtures", "interop", name);

    [Theory]
    [InlineData("safetensors", "python.safetensors")]
    [InlineData("checkpoint", "small_state.pt")]
    [InlineData("torchscript", "scripted_calculator.pt")]
    public void EveryMutation_LoadsOrFailsWithAnExpectedException_WithinBounds(string reader, string file)
    {
        var seed = (int)(DateTime.UtcNow - DateTime.UnixEpoch).TotalDays * 10_000;
        var outcome = Probe.Run("fuzz", reader, Fixture(file), seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Mutations.ToString(System.Globalization.CultureInfo.InvariantCulture), "1", "3");
        ShouldAllLoadOrBeRefused(outcome, Mutations);
    }

    // Each input loaded or was refused with an expected exception, none took long, and memory stayed bounded.
    private static void ShouldAllLoadOrBeRefused(Probe.Outcome outcome, int inputs)
    {
        outcome.Kind.Should().Be("ok", $"the probe died during the last input it printed: {outcome}");
        var summary = JsonDocument.Parse(outcome.Detail).RootElement;
        var outcomes = summary.GetProperty("outcomes").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        outcomes.Keys.Should().OnlyContain(k => k == "ok" || k == "InvalidDataException" || k == "TorchException", string.Join("; ", outcomes.Keys));
        outcomes.Values.Sum().Should().Be(inputs);
        summary.GetProperty("slowest_seconds").GetDouble().Should().BeLessThan(20);
        summary.GetProperty("peak_resident_bytes").GetInt64().Should().BeLessThan(2L << 30);
    }

    /// <summary>Inputs the coverage-guided fuzzer (scripts/fuzz.sh) found, kept in Fixtures/fuzz-corpus/READER.</summary>
    [Theory]
    [InlineData("safetensors")]
    [InlineData("checkpoint")]
    [InlineData("torchscript")]
    public void TheRegressionCorpus_LoadsOrFailsWithAnExpectedException(string reader)
    {
        var folder = Path.Combine(Support.TestPaths.Directory, "Fixtures", "fuzz-corpus", reader);
        var count = Directory.GetFiles(folder).Length;
        count.Should().BePositive();
        ShouldAllLoadOrBeRefused(Probe.Run("replay", reader, folder), count);
    }
}
