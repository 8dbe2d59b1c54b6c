using NeuralCore.NN;
using NeuralCore.Optim;

namespace NeuralCore.Tests;

public class ModulesContractTests
{
    [Fact]
    public void CnnContract_TrainsAndLossDecreasesOver20Steps()
    {
        using var cnn = new Cnn();
        var criterion = new CrossEntropyLoss();
        using var optimizer = new Sgd(cnn.Parameters(), lr: 0.001, momentum: 0.9);
        using var inputs = Tensor.Randn(64, 3, 32, 32);
        using var labels = Tensor.RandInt(0, 10, 64);
        var losses = new List<float>();
        for (var step = 0; step < 20; step++)
        {
            using var scope = TensorScope.Begin();
            var loss = criterion.Forward(cnn.Forward(inputs), labels);
            optimizer.ZeroGrad();
            loss.Backward();
            optimizer.Step();
            losses.Add(loss.Item<float>());
        }
        losses[^1].Should().BeLessThan(losses[0] - 0.01f, $"losses: {string.Join(", ", losses)}");
        losses.Zip(losses.Skip(1)).Count(pair => pair.Second < pair.First).Should().BeGreaterThan(15);
    }

    [Fact]
    public void RnnContract_TrainsWithAdamAndLossDecreasesOver20Steps()
    {
        using var rnn = new Rnn(28, 128, 2, 10);
        var criterion = new CrossEntropyLoss();
        using var optimizer = new Adam(rnn.Parameters(), lr: 0.001);
        using var inputs = Tensor.Randn(64, 28, 28);
        using var labels = Tensor.RandInt(0, 10, 64);
        var losses = new List<float>();
        for (var step = 0; step < 20; step++)
        {
            using var scope = TensorScope.Begin();
            var loss = criterion.Forward(rnn.Forward(inputs), labels);
            optimizer.ZeroGrad();
            loss.Backward();
            optimizer.Step();
            losses.Add(loss.Item<float>());
        }
        losses[^1].Should().BeLessThan(losses[0] * 0.9f, $"losses: {string.Join(", ", losses)}");
    }

    [Fact]
    public void NamedParameters_FollowPyTorchNamesAndOrder()
    {
        using var cnn = new Cnn();
        cnn.NamedParameters().Select(p => p.Name).Should().Equal(
            "conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias");
        using var rnn = new Rnn(28, 128, 2, 10);
        rnn.NamedParameters().Select(p => p.Name).Should().Equal(
            "lstm.weight_ih_l0", "lstm.weight_hh_l0", "lstm.bias_ih_l0", "lstm.bias_hh_l0",
            "lstm.weight_ih_l1", "lstm.weight_hh_l1", "lstm.bias_ih_l1", "lstm.bias_hh_l1", "fc.weight", "fc.bias");
        rnn.NamedParameters().First(p => p.Name == "lstm.weight_ih_l1").Parameter.Shape.Should().Equal(512L, 128L);
        cnn.Children().Should().HaveCount(5);
    }

    [Fact]
    public void StateDict_RoundTripsAndIncludesBuffers()
    {
        using var model = new Sequential(new Linear(4, 3), new BatchNorm1d(3), new Relu());
        var state = model.StateDict();
        state.Keys.Should().Equal("0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked");
        using var copy = new Sequential(new Linear(4, 3), new BatchNorm1d(3), new Relu());
        copy.LoadStateDict(state).MissingKeys.Should().BeEmpty();
        copy.Parameters().Zip(model.Parameters()).Should().OnlyContain(pair => pair.First.Equal(pair.Second));
        foreach (var tensor in state.Values) tensor.Dispose();
    }

    [Fact]
    public void LoadStateDict_WithBadEntries_ThrowsNamingThemAndChangesNothing()
    {
        using var model = new Linear(3, 2);
        var before = model.Weight.ToArray<float>();
        using var wrongShape = Tensor.Zeros(5, 3);
        using var bias = Tensor.Zeros(2);
        using var extra = Tensor.Zeros(1);
        var mismatched = () => model.LoadStateDict(new Dictionary<string, Tensor> { ["weight"] = wrongShape, ["bias"] = bias });
        mismatched.Should().Throw<ArgumentException>().WithMessage("*size mismatch for weight*[5, 3]*[2, 3]*");
        var missing = () => model.LoadStateDict(new Dictionary<string, Tensor> { ["bias"] = bias, ["extra"] = extra });
        missing.Should().Throw<ArgumentException>().WithMessage("*missing keys: weight*unexpected keys: extra*");
        model.Weight.ToArray<float>().Should().Equal(before);
        model.Bias!.ToArray<float>().Should().NotEqual(new float[2], "the failed loads must not have copied the zero bias");

        var report = model.LoadStateDict(new Dictionary<string, Tensor> { ["bias"] = bias, ["extra"] = extra }, strict: false);
        report.MissingKeys.Should().Equal("weight");
        report.UnexpectedKeys.Should().Equal("extra");
        model.Bias!.ToArray<float>().Should().Equal(0f, 0f);
    }

    [Fact]
    public void Cnn_GivenTheWrongShape_ThrowsWithLibtorchMessageNamingShapes()
    {
        using var cnn = new Cnn();
        using var scope = TensorScope.Begin();
        var act = () => cnn.Forward(Tensor.Randn(2, 1, 28, 28));
        act.Should().Throw<TorchException>().WithMessage("*[32, 3, 3, 3]*[2, 1, 28, 28]*");
    }

    [Fact]
    public void Loss_WithMismatchedBatchSizes_Throws()
    {
        using var scope = TensorScope.Begin();
        var act = () => new CrossEntropyLoss().Forward(Tensor.Randn(8, 10), Tensor.RandInt(0, 10, 6));
        act.Should().Throw<TorchException>().WithMessage("*input batch_size (8) to match target batch_size (6)*");
        var mse = () => new MseLoss().Forward(Tensor.Randn(8, 3), Tensor.Randn(6, 3));
        mse.Should().Throw<TorchException>().WithMessage("*size of tensor a (8) must match the size of tensor b (6)*");
    }

    [Fact]
    public void Optimizer_WithNoParameters_Throws()
    {
        var act = () => new Sgd(Array.Empty<Parameter>(), lr: 0.1);
        act.Should().Throw<ArgumentException>().WithMessage("*empty parameter list*");
        var adam = () => new Adam(Enumerable.Empty<Parameter>());
        adam.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void TrainAndEval_PropagateToChildren_AndToggleDropout()
    {
        using var model = new Sequential(new Linear(10, 10), new Dropout(0.5));
        using var scope = TensorScope.Begin();
        var input = Tensor.Ones(100, 10);
        model.Eval();
        model.Children().Should().OnlyContain(m => !m.Training);
        model.Forward(input).Equal(model.Forward(input)).Should().BeTrue("dropout is off in eval mode");
        model.Train();
        model.Children().Should().OnlyContain(m => m.Training);
        model.Forward(input).Equal(model.Forward(input)).Should().BeFalse("dropout draws new masks in training");
    }

    [Fact]
    public void ToDtype_ConvertsParametersInPlaceKeepingIdentity()
    {
        using var model = new Linear(3, 2);
        var weight = model.Weight;
        using var optimizer = new Sgd(model.Parameters(), lr: 0.1);
        model.To(DType.Float64);
        model.Weight.Should().BeSameAs(weight);
        weight.DType.Should().Be(DType.Float64);
        using var scope = TensorScope.Begin();
        model.Forward(Tensor.Ones([1, 3], DType.Float64)).Sum().Backward();
        var before = weight.ToArray<double>();
        optimizer.Step();
        weight.ToArray<double>().Should().NotEqual(before, "the optimizer still updates the converted parameter");
    }
}
