using NeuralCore;
using NeuralCore.Data;

namespace NeuralCore.Examples;

/// <summary>Fashion-MNIST, or random images and labels of the same shape when <c>--synthetic</c> is given.</summary>
public static class ExampleData
{
    public static (TensorDataset Train, TensorDataset Test) Load(ExampleOptions options)
    {
        if (!options.Synthetic)
            return (FashionMnist.Load(options.DataDirectory, train: true, normalize: true), FashionMnist.Load(options.DataDirectory, train: false, normalize: true));
        var (trainCount, testCount) = options.Smoke ? (options.BatchSize, options.BatchSize) : (6400, 1000);
        return (new TensorDataset(Tensor.Randn(trainCount, 1, 28, 28), Tensor.RandInt(0, 10, trainCount)),
            new TensorDataset(Tensor.Randn(testCount, 1, 28, 28), Tensor.RandInt(0, 10, testCount)));
    }
}
