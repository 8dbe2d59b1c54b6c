using NeuralCore.IO;
using NeuralCore.NN;

namespace NeuralCore.Tests;

public class SerializationTests
{
    [Fact]
    public void SaveAndLoad_RoundTripNamesOrderDtypesAndViews()
    {
        var path = Path.Combine(Path.GetTempPath(), $"neuralcore-{Guid.NewGuid():N}.pt");
        using var scope = TensorScope.Begin();
        var matrix = Tensor.Arange(12, dtype: DType.Float32).View(3, 4);
        var tensors = new OrderedDictionary<string, Tensor>
        {
            ["z.last_first"] = Tensor.FromArray(new[] { 1.5, -2.5 }),
            ["a.view"] = matrix.T,
            ["m.int"] = Tensor.FromArray(new long[] { 7, 8, 9 }),
            ["b.bool"] = Tensor.FromArray(new[] { true, false }),
            ["h.half"] = Tensor.Ones([2], DType.Float16),
        };
        Serialization.Save(tensors, path);
        var loaded = Serialization.Load(path);
        loaded.Keys.Should().Equal(tensors.Keys);
        foreach (var (name, tensor) in tensors)
        {
            loaded[name].DType.Should().Be(tensor.DType);
            loaded[name].Equal(tensor).Should().BeTrue(name);
        }
        foreach (var tensor in loaded.Values) tensor.Dispose();
        File.Delete(path);
    }

    [Fact]
    public void ModuleSaveAndLoad_RestoresTheWeights()
    {
        var path = Path.Combine(Path.GetTempPath(), $"neuralcore-{Guid.NewGuid():N}.pt");
        using var original = new Cnn();
        original.Save(path);
        using var restored = new Cnn();
        restored.Load(path);
        restored.Parameters().Zip(original.Parameters()).Should().OnlyContain(pair => pair.First.Equal(pair.Second));
        File.Delete(path);
    }

    [Fact]
    public void Load_OfAMissingOrCorruptFile_ThrowsNamingIt_AndLeavesTheModuleUnchanged()
    {
        var missing = () => Serialization.Load("/nonexistent/model.pt");
        missing.Should().Throw<FileNotFoundException>().WithMessage("*/nonexistent/model.pt*");

        var corrupt = Path.Combine(Path.GetTempPath(), $"neuralcore-{Guid.NewGuid():N}.pt");
        File.WriteAllText(corrupt, "this is not a checkpoint");
        var load = () => Serialization.Load(corrupt);
        load.Should().Throw<InvalidDataException>().WithMessage($"{corrupt}*not a PyTorch checkpoint*");

        var otherModel = Path.Combine(Path.GetTempPath(), $"neuralcore-{Guid.NewGuid():N}.pt");
        using (var small = new Linear(3, 2)) small.Save(otherModel);
        using var cnn = new Cnn();
        var before = cnn.StateDict();
        var mismatch = () => cnn.Load(otherModel);
        mismatch.Should().Throw<ArgumentException>().WithMessage($"{otherModel}*missing keys*conv1.weight*unexpected keys: weight, bias*");
        cnn.StateDict().Values.Zip(before.Values).Should().OnlyContain(pair => pair.First.Equal(pair.Second));
        File.Delete(corrupt);
        File.Delete(otherModel);
    }

    [Fact]
    public void Load_OfATruncatedPythonCheckpoint_ThrowsNamingTheFile()
    {
        var source = Path.Combine(Support.TestPaths.Directory, "Fixtures", "interop", "python_rnn_state.pt");
        var truncated = Path.Combine(Path.GetTempPath(), $"neuralcore-{Guid.NewGuid():N}.pt");
        var bytes = File.ReadAllBytes(source);
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
        var act = () => Serialization.Load(truncated);
        act.Should().Throw<InvalidDataException>().WithMessage($"{truncated}*");
        using var rnn = new Rnn(28, 128, 2, 10);
        var before = rnn.Parameters().First().ToArray<float>();
        var load = () => rnn.Load(truncated);
        load.Should().Throw<InvalidDataException>();
        rnn.Parameters().First().ToArray<float>().Should().Equal(before);
        File.Delete(truncated);
    }

    [Fact]
    public void Save_IsAtomic_ReplacingTheFileOnlyWhenComplete()
    {
        var path = Path.Combine(Path.GetTempPath(), $"neuralcore-{Guid.NewGuid():N}.pt");
        using var first = Tensor.Ones(3);
        Serialization.Save(new Dictionary<string, Tensor> { ["x"] = first }, path);
        var unwritable = () => Serialization.Save(new Dictionary<string, Tensor> { ["x"] = first }, "/nonexistent/dir/model.pt");
        unwritable.Should().Throw<TorchException>().WithMessage("*cannot write*");
        File.Exists(path + ".tmp").Should().BeFalse();
        Serialization.Load(path)["x"].Equal(first).Should().BeTrue();
        File.Delete(path);
    }
}
