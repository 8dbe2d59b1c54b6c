using System.Diagnostics;
using System.Text.Json;
using NeuralCore.IO;
using NeuralCore.Jit;
using NeuralCore.NN;
using NeuralCore.Optim;
using NeuralCore.Tests.Support;

namespace NeuralCore.Tests;

/// <summary>
/// Files made by PyTorch (Fixtures/generate_interop_fixtures.py) load into NeuralCore and compute what PyTorch computed;
/// files NeuralCore writes load into PyTorch (checked live with /usr/bin/python3 when python3-torch is installed).
/// </summary>
public partial class InteropTests
{
    private static readonly Lazy<JsonDocument> GoldenDocument = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Support.TestPaths.Directory, "Fixtures", "interop_golden.json"))));

    private static Golden.Values Expected(string name) => Golden.Parse(GoldenDocument.Value.RootElement.GetProperty(name));

    private static Tensor Input(string name) => Golden.ToTensor(Expected(name));

    private static string Fixture(string name) => Path.Combine(Support.TestPaths.Directory, "Fixtures", "interop", name);

    [Fact]
    public void PythonStateDict_LoadsIntoTheCnn_AndGivesPyTorchsOutputs()
    {
        using var scope = TensorScope.Begin();
        using var cnn = new FashionCnn();
        cnn.Load(Fixture("python_cnn_state.pt"));
        cnn.Eval();
        cnn.Forward(Input("images")).ShouldMatch(Expected("cnn_output"));
    }

    [Fact]
    public void PythonStateDict_LoadsIntoTheRnn_AndGivesPyTorchsOutputs()
    {
        using var scope = TensorScope.Begin();
        using var rnn = new Rnn(28, 128, 2, 10);
        rnn.Load(Fixture("python_rnn_state.pt")).MissingKeys.Should().BeEmpty();
        rnn.Eval();
        rnn.Forward(Input("images").View(-1, 28, 28)).ShouldMatch(Expected("rnn_output"));
    }

    [Fact]
    public void ScriptedAndTracedPythonModels_RunInNeuralCore()
    {
        using var scope = TensorScope.Begin();
        using var scripted = ScriptModule.Load(Fixture("scripted_rnn.pt"));
        scripted.Eval();
        scripted.Forward(Input("images").View(-1, 28, 28)).ShouldMatch(Expected("rnn_output"));
        scripted.NamedParameters().Select(p => p.Name).Should().StartWith("lstm.weight_ih_l0");

        using var traced = ScriptModule.Load(Fixture("traced_cnn.pt"), Device.Cpu);
        traced.Eval();
        traced.Forward(Input("images")).ShouldMatch(Expected("cnn_output"));
    }

    [Fact]
    public void ScriptModule_Invoke_PassesTensorsTuplesListsAndScalars()
    {
        using var scope = TensorScope.Begin();
        using var calculator = ScriptModule.Load(Fixture("scripted_calculator.pt"));
        var x = Input("calculator_x");
        var y = Input("calculator_y");
        calculator.MethodNames.Should().Contain(["forward", "pair", "scale_all", "count", "describe"]);
        calculator.Forward(x).ShouldMatch(Expected("calculator_forward"));

        var pair = (object?[])calculator.Invoke("pair", x, y)!;
        ((Tensor)pair[0]!).ShouldMatch(Expected("calculator_sum"));
        ((Tensor)pair[1]!).ShouldMatch(Expected("calculator_product"));

        var scaled = (List<object?>)calculator.Invoke("scale_all", new[] { x, y }, 2.0)!;
        ((Tensor)scaled[1]!).ToArray<float>().Should().Equal(1f, 1f, 4f);
        calculator.Invoke("count", 21L, true).Should().Be(42L);
        calculator.Invoke("describe", "torch").Should().Be("hello torch");
        calculator.NamedParameters().Select(p => p.Name).Should().Equal(
            GoldenDocument.Value.RootElement.GetProperty("calculator_parameters").EnumerateArray().Select(e => e.GetString()));

        var wrongArguments = () => calculator.Invoke("count", "not a number", true);
        wrongArguments.Should().Throw<TorchException>().WithMessage("*count*");
        var missing = () => calculator.Invoke("no_such_method");
        missing.Should().Throw<TorchException>().WithMessage("*no method 'no_such_method'*");
    }

    [Fact]
    public void ScriptModule_FromABadFile_ThrowsNamingIt()
    {
        var missing = () => ScriptModule.Load("/nonexistent/model.pt");
        missing.Should().Throw<FileNotFoundException>();
        var stateDict = () => ScriptModule.Load(Fixture("python_cnn_state.pt"));
        stateDict.Should().Throw<TorchException>().WithMessage($"*python_cnn_state.pt: not a loadable TorchScript module*");
    }

    [Fact]
    public void PythonSafetensors_LoadWithEveryDtype()
    {
        var loaded = SafeTensors.Load(Fixture("python.safetensors"));
        var expected = GoldenDocument.Value.RootElement.GetProperty("safetensors");
        loaded.Keys.Should().Equal(expected.EnumerateObject().Select(p => p.Name));
        foreach (var entry in expected.EnumerateObject()) loaded[entry.Name].ShouldMatch(Golden.Parse(entry.Value), 0);
        loaded["weights.f32"].MulInPlace(2);  // copy-on-write: the file stays as it was
        SafeTensors.Load(Fixture("python.safetensors"))["weights.f32"].ToArray<float>().Should().Equal(1.5f, -2f, 0.25f, 8f);
        foreach (var tensor in loaded.Values) tensor.Dispose();
    }

    [Fact]
    public void Safetensors_RoundTripAndRejectCorruptFiles()
    {
        var path = Path.Combine(Path.GetTempPath(), $"neuralcore-{Guid.NewGuid():N}.safetensors");
        using var scope = TensorScope.Begin();
        var tensors = new Dictionary<string, Tensor>
        {
            ["a"] = Tensor.Arange(6, dtype: DType.Float32).View(2, 3).T,
            ["b"] = Tensor.FromArray(new long[] { 5, 6 }),
            ["c"] = Tensor.Ones([3], DType.BFloat16),
        };
        SafeTensors.Save(tensors, path, new Dictionary<string, string> { ["format"] = "pt" });
        var loaded = SafeTensors.Load(path);
        foreach (var (name, tensor) in tensors) loaded[name].Equal(tensor).Should().BeTrue(name);

        File.WriteAllBytes(path, File.ReadAllBytes(path)[..^4]);
        var truncated = () => SafeTensors.Load(path);
        truncated.Should().Throw<InvalidDataException>().WithMessage($"{path}: tensor '*'*does not hold*");
        File.WriteAllBytes(path, [0xff, 0xff, 0, 0, 0, 0, 0, 0, 1, 2, 3]);
        var garbage = () => SafeTensors.Load(path);
        garbage.Should().Throw<InvalidDataException>().WithMessage($"{path}: header length*");
        foreach (var tensor in loaded.Values) tensor.Dispose();
        File.Delete(path);
    }

    [Fact]
    public void ResumedTraining_EqualsUninterruptedTraining()
    {
        using var scope = TensorScope.Begin();
        var modelPath = Path.Combine(Path.GetTempPath(), $"neuralcore-{Guid.NewGuid():N}.pt");
        var optimizerPath = modelPath + ".optim";
        var inputs = Tensor.Randn(16, 28, 28);
        var labels = Tensor.RandInt(0, 10, 16);
        var criterion = new CrossEntropyLoss();
        void Train(Module model, Optimizer optimizer, int steps)
        {
            for (var i = 0; i < steps; i++)
            {
                using var step = TensorScope.Begin();
                optimizer.ZeroGrad();
                criterion.Forward(model.Forward(inputs), labels).Backward();
                optimizer.Step();
            }
        }

        using var original = new Rnn(28, 16, 2, 10);
        using var optimizer = new Adam(original.Parameters(), lr: 0.01);
        Train(original, optimizer, 10);
        original.Save(modelPath);
        optimizer.Save(optimizerPath);
        Train(original, optimizer, 10);

        using var resumed = new Rnn(28, 16, 2, 10);
        resumed.Load(modelPath);
        using var resumedOptimizer = new Adam(resumed.Parameters(), lr: 0.01);
        resumedOptimizer.Load(optimizerPath);
        Train(resumed, resumedOptimizer, 10);
        resumed.Parameters().Zip(original.Parameters()).Should().OnlyContain(pair => pair.First.Equal(pair.Second));

        using var fresh = new Rnn(28, 16, 2, 10);
        fresh.Load(modelPath);
        using var freshOptimizer = new Adam(fresh.Parameters(), lr: 0.01);
        Train(fresh, freshOptimizer, 10);
        fresh.Parameters().Zip(original.Parameters()).Should().Contain(pair => !pair.First.Equal(pair.Second), "without the optimizer state Adam restarts its moments");
        File.Delete(modelPath);
        File.Delete(optimizerPath);
    }

    private static bool PythonTorchAvailable()
    {
        if (!File.Exists("/usr/bin/python3")) return false;
        using var process = Process.Start(new ProcessStartInfo("/usr/bin/python3", "-c \"import torch\"") { RedirectStandardError = true });
        process!.WaitForExit();
        return process.ExitCode == 0;
    }

    private static JsonDocument RunPython(params string[] arguments)
    {
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(Support.TestPaths.Directory, "Fixtures", "check_neuralcore_files.py"));
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        process.ExitCode.Should().Be(0, error);
        return JsonDocument.Parse(output);
    }

    [Fact]
    public void NeuralCoreCheckpoints_LoadIntoPyTorch_AndGiveTheSameOutputs_Live()
    {
        if (!PythonTorchAvailable()) return;  // CI installs python3-torch; elsewhere the committed fixtures cover loading
        using var scope = TensorScope.Begin();
        var directory = Directory.CreateTempSubdirectory("neuralcore-interop").FullName;
        var images = Tensor.Randn(3, 1, 28, 28);
        Serialization.Save(new Dictionary<string, Tensor> { ["images"] = images }, Path.Combine(directory, "images.pt"));
        foreach (var kind in new[] { "cnn", "rnn" })
        {
            using Module model = kind == "cnn" ? new FashionCnn() : new Rnn(28, 128, 2, 10);
            model.Eval();
            var output = model.Forward(kind == "cnn" ? images : images.View(-1, 28, 28));
            var state = Path.Combine(directory, $"{kind}.pt");
            model.Save(state);
            using var result = RunPython(kind, state, Path.Combine(directory, "images.pt"));
            result.RootElement.GetProperty("keys").EnumerateArray().Select(k => k.GetString()).Should().Equal(model.NamedParameters().Select(p => p.Name));
            var python = result.RootElement.GetProperty("output").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            output.ToArray<double>().Should().Equal(python, (a, b) => Math.Abs(a - b) <= 1e-5 * Math.Max(1, Math.Abs(b)));
        }

        var safetensors = Path.Combine(directory, "mixed.safetensors");
        SafeTensors.Save(new Dictionary<string, Tensor> { ["x"] = Tensor.FromArray(new[] { 1.5f, -2f }), ["ids"] = Tensor.FromArray(new long[] { 3, 4, 5 }) }, safetensors);
        using var read = RunPython("safetensors", safetensors);
        read.RootElement.GetProperty("x").GetProperty("data").EnumerateArray().Select(v => v.GetDouble()).Should().Equal(1.5, -2.0);
        read.RootElement.GetProperty("ids").GetProperty("dtype").GetString().Should().Be("I64");
        Directory.Delete(directory, recursive: true);
    }
}
