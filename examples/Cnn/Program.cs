// The convolutional network of the PyTorch introduction, trained on Fashion-MNIST:
//   dotnet run --project examples/Cnn [-- --epochs 2 --lr 0.01 --device cuda]
using NeuralCore;
using NeuralCore.Data;
using NeuralCore.Examples;
using NeuralCore.NN;
using NeuralCore.Optim;
using static NeuralCore.NN.Functional;

var command = ExampleOptions.CreateCommand("Trains a small CNN on Fashion-MNIST.", defaultEpochs: 5, defaultLearningRate: 0.01, "cnn", options =>
{
    Torch.ManualSeed((ulong)options.Seed);
    var (trainSet, testSet) = ExampleData.Load(options);
    using var group = options.JoinGroup();
    var train = options.TrainLoader(trainSet, group);
    var test = new DataLoader(testSet, 1000);

    using var network = new Cnn();
    network.To(options.Device);
    using var model = options.Parallelize(network, group);
    var criterion = new CrossEntropyLoss();
    using var optimizer = new Sgd(model.Parameters(), lr: options.LearningRate, momentum: 0.9);

    var trainer = new ExampleTrainer(model, criterion, optimizer, options, "cnn", "CNN on Fashion-MNIST");
    trainer.Describe("CNN", trainSet.Count, testSet.Count, group);
    var results = trainer.Fit(train, test);
    trainer.Finish(results, group);
    return 0;
});
return command.Parse(args).Invoke();

/// <summary>Two convolution blocks and two fully connected layers, as in the article (1 input channel, 28×28 images).</summary>
public sealed class Cnn : Module
{
    private readonly Conv2d conv1 = new(1, 32, kernelSize: 3, padding: 1);
    private readonly Conv2d conv2 = new(32, 64, kernelSize: 3, padding: 1);
    private readonly MaxPool2d pool = new(kernelSize: 2, stride: 2);
    private readonly Linear fc1 = new(64 * 7 * 7, 128);
    private readonly Linear fc2 = new(128, 10);

    public override Tensor Forward(Tensor x)
    {
        x = pool.Forward(Relu(conv1.Forward(x)));
        x = pool.Forward(Relu(conv2.Forward(x)));
        x = x.View(-1, 64 * 7 * 7);
        x = Relu(fc1.Forward(x));
        return fc2.Forward(x);
    }
}
