// The recurrent network of the PyTorch introduction: an LSTM reads each 28×28 Fashion-MNIST image as 28 steps
// of 28 features and classifies it from its last output.
//   dotnet run --project examples/Rnn [-- --epochs 2 --lr 0.001 --device cuda]
using NeuralCore;
using NeuralCore.Data;
using NeuralCore.Examples;
using NeuralCore.NN;
using NeuralCore.Optim;

var command = ExampleOptions.CreateCommand("Trains an LSTM classifier on Fashion-MNIST.", defaultEpochs: 6, defaultLearningRate: 0.001, "rnn", options =>
{
    Torch.ManualSeed((ulong)options.Seed);
    var (trainSet, testSet) = ExampleData.Load(options);
    using var group = options.JoinGroup();
    var train = options.TrainLoader(trainSet, group);
    var test = new DataLoader(testSet, 1000);

    using var network = new Rnn(inputSize: 28, hiddenSize: 128, numLayers: 2, numClasses: 10);
    network.To(options.Device);
    using var model = options.Parallelize(network, group);
    var criterion = new CrossEntropyLoss();
    using var optimizer = new Adam(model.Parameters(), lr: options.LearningRate);

    // (N, 1, 28, 28) images become (N, 28 steps, 28 features).
    var trainer = new ExampleTrainer(model, criterion, optimizer, options, "rnn", "LSTM on Fashion-MNIST", prepare: images => images.View(-1, 28, 28));
    trainer.Describe("LSTM", trainSet.Count, testSet.Count, group);
    var results = trainer.Fit(train, test);
    trainer.Finish(results, group);
    return 0;
});
return command.Parse(args).Invoke();

/// <summary>An LSTM over the rows of the image, then a linear layer on the last step's output.</summary>
public sealed class Rnn : Module
{
    private readonly Lstm lstm;
    private readonly Linear fc;

    public Rnn(int inputSize, int hiddenSize, int numLayers, int numClasses)
    {
        lstm = new Lstm(inputSize, hiddenSize, numLayers, batchFirst: true);
        fc = new Linear(hiddenSize, numClasses);
    }

    public override Tensor Forward(Tensor x)
    {
        var (output, _) = lstm.Forward(x);      // zero initial state when none is given
        return fc.Forward(output[.., ^1, ..]);
    }
}
