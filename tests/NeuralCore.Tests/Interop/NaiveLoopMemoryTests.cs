using System.Diagnostics;
using NeuralCore.NN;
using NeuralCore.Optim;
using static NeuralCore.NN.Functional;

namespace NeuralCore.Tests;

/// <summary>
/// A training loop that never disposes anything runs in bounded memory, because tensors outside scopes report their
/// native bytes to the GC. The full 10,000-step measurement of the contract CNN is a benchmark; this guards the same property in CI.
/// </summary>
[Collection(Support.GlobalStateCollection.Name)]
public class NaiveLoopMemoryTests
{
    private sealed class SmallCnn : Module
    {
        private readonly Conv2d conv = new(3, 16, kernelSize: 3, padding: 1);
        private readonly MaxPool2d pool = new(kernelSize: 2, stride: 2);
        private readonly Linear fc = new(16 * 16 * 16, 10);

        public override Tensor Forward(Tensor x) => fc.Forward(pool.Forward(Relu(conv.Forward(x))).View(-1, 16 * 16 * 16));
    }

    [Fact]
    public void NaiveLoop_WithoutAnyDispose_StaysWithinBoundedResidentMemory()
    {
        var cnn = new SmallCnn();
        var criterion = new CrossEntropyLoss();
        var optimizer = new Sgd(cnn.Parameters(), lr: 0.001, momentum: 0.9);
        long residentAt200 = 0;
        for (var step = 1; step <= 2000; step++)
        {
            var inputs = Tensor.Randn(32, 3, 32, 32);
            var labels = Tensor.RandInt(0, 10, 32);
            var loss = criterion.Forward(cnn.Forward(inputs), labels);
            optimizer.ZeroGrad();
            loss.Backward();
            optimizer.Step();
            if (step == 200) residentAt200 = Resident();
        }
        var residentAt2000 = Resident();
        ((double)residentAt2000 / residentAt200).Should().BeLessThan(1.2,
            $"resident memory went from {residentAt200 >> 20} MiB at step 200 to {residentAt2000 >> 20} MiB at step 2000");
    }

    private static long Resident()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }
}
