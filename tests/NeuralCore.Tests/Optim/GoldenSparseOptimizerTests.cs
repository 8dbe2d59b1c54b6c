using NeuralCore.NN;
using NeuralCore.Optim;
using NeuralCore.Tests.Support;

namespace NeuralCore.Tests;

/// <summary>
/// Sparse gradients from <c>Embedding(sparse: true)</c> and the optimizers that take them, against python3-torch
/// (Fixtures/nn_golden.json, "sparse_optimizers"): six steps on batches with repeated and unused rows, the table after
/// each step.
/// </summary>
[Collection(GlobalStateCollection.Name)]
public class GoldenSparseOptimizerTests
{
    private static readonly Dictionary<string, Func<IEnumerable<Parameter>, Optimizer>> Optimizers = new()
    {
        ["sparse_adam"] = p => new SparseAdam(p, lr: 0.1),
        ["sparse_adam_betas_maximize"] = p => new SparseAdam(p, lr: 0.05, betas: (0.5, 0.9), eps: 1e-6, maximize: true),
        ["sgd"] = p => new Sgd(p, lr: 0.1),
    };

    public static TheoryData<string> CaseNames() => new(NNGolden.Names("sparse_optimizers"));

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void SparseGradientSteps_EqualPyTorch(string name)
    {
        Optimizers.Should().ContainKey(name);
        var golden = NNGolden.Section("sparse_optimizers").GetProperty(name);
        var problem = NNGolden.Section("sparse_problem");
        using var scope = TensorScope.Begin();
        Torch.ManualSeed((ulong)golden.GetProperty("seed").GetInt32());
        using var embedding = new Embedding(10, 3, sparse: true);
        var optimizer = Optimizers[name](embedding.Parameters());
        var target = NNGolden.Tensor(problem.GetProperty("target"));
        var tables = golden.GetProperty("tables").EnumerateArray().ToList();
        var batches = problem.GetProperty("batches").EnumerateArray().Select(b => b.EnumerateArray().Select(i => i.GetInt64()).ToArray()).ToList();
        for (var step = 0; step < batches.Count; step++)
        {
            optimizer.ZeroGrad();
            (embedding.Call(Tensor.FromArray(batches[step])) * target).Sum().Backward();
            embedding.Weight.Grad!.IsSparse().Should().BeTrue();
            optimizer.Step();
            embedding.Weight.ShouldMatch(NNGolden.Values(tables[step]), 1e-5);
        }
    }

    [Fact]
    public void SparseGradient_EqualsTheDenseOne()
    {
        using var scope = TensorScope.Begin();
        using var sparse = new Embedding(6, 2, paddingIndex: 0, sparse: true);
        using var dense = new Embedding(6, 2, paddingIndex: 0);
        using (Autograd.NoGrad()) dense.Weight.CopyFrom(sparse.Weight);
        var indices = Tensor.FromArray(new long[] { 3, 0, 3, 5 });
        var weights = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6, 7, 8 }, [4, 2]);
        (sparse.Call(indices) * weights).Sum().Backward();
        (dense.Call(indices) * weights).Sum().Backward();
        var gradient = sparse.Weight.Grad!.Coalesce();
        gradient.Indices().ToArray<long>().Should().Equal(3, 5);
        gradient.ToDense().Equal(dense.Weight.Grad!).Should().BeTrue();
        sparse.ToString().Should().Be("Embedding(6, 2, padding_idx=0, sparse=True)");
    }

    [Fact]
    public void DenseGradients_AreRefusedBySparseAdam_AndSparseOnesByAdam()
    {
        using var scope = TensorScope.Begin();
        using var linear = new Linear(3, 2);
        var sparseAdam = new SparseAdam(linear.Parameters());
        linear.Call(Tensor.Ones([1, 3])).Sum().Backward();
        FluentActions.Invoking(sparseAdam.Step).Should().Throw<InvalidOperationException>().WithMessage("SparseAdam does not support dense gradients*");

        using var embedding = new Embedding(4, 2, sparse: true);
        var adam = new Adam(embedding.Parameters(), lr: 0.1);
        embedding.Call(Tensor.FromArray(new long[] { 1 })).Sum().Backward();
        FluentActions.Invoking(adam.Step).Should().Throw<Exception>().Which.Should().NotBeOfType<NullReferenceException>();
        FluentActions.Invoking(() => new SparseAdam(linear.Parameters(), lr: 0)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new SparseAdam(linear.Parameters(), betas: (0.9, 1.0))).Should().Throw<ArgumentOutOfRangeException>();
    }
}
