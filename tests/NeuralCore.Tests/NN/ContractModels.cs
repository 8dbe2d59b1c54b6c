using NeuralCore.NN;
using static NeuralCore.NN.Functional;

namespace NeuralCore.Tests;

// The models of the modules issue's contract, written exactly as a user would.
public sealed class Cnn : Module
{
    private readonly Conv2d conv1 = new(3, 32, kernelSize: 3, padding: 1);
    private readonly Conv2d conv2 = new(32, 64, kernelSize: 3, padding: 1);
    private readonly MaxPool2d pool = new(kernelSize: 2, stride: 2);
    private readonly Linear fc1 = new(64 * 8 * 8, 128);
    private readonly Linear fc2 = new(128, 10);

    public override Tensor Forward(Tensor x)
    {
        x = pool.Forward(Relu(conv1.Forward(x)));
        x = pool.Forward(Relu(conv2.Forward(x)));
        x = x.View(-1, 64 * 8 * 8);
        x = Relu(fc1.Forward(x));
        return fc2.Forward(x);
    }
}

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

// The examples' models (Fashion-MNIST: 1 input channel, 28×28), as examples/Cnn and examples/Rnn define them.
public sealed class FashionCnn : Module
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
