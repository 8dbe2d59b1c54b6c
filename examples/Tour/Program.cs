// A tour of NeuralCore's tensors and autograd: fits y = 3x - 2 + noise by gradient descent on a
// hand-written linear model, the first example of the PyTorch introduction this project follows.
using System.Diagnostics;
using NeuralCore;

var smoke = args.Contains("--smoke");
Torch.ManualSeed(0);
Console.WriteLine($"NeuralCore over libtorch {Torch.LibTorchVersion}, {Torch.NumThreads} threads, CUDA available: {Cuda.IsAvailable}");

using var a = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
using var b = Tensor.Ones(3, 2);
using var c = a.MatMul(b) + 1;
Console.WriteLine($"a @ ones(3, 2) + 1 =\n{c}");
Console.WriteLine($"last column: {c[.., ^1]}");

using var inputs = Tensor.Randn(256, 1);
using var noise = Tensor.Randn(256, 1) * 0.1;
using var targets = inputs * 3 - 2 + noise;
using var weight = Tensor.Zeros([1, 1], requiresGrad: true);
using var bias = Tensor.Zeros([1], requiresGrad: true);
const double learningRate = 0.1;

var clock = Stopwatch.StartNew();
var steps = smoke ? 5 : 200;
for (var step = 1; step <= steps; step++)
{
    using var scope = TensorScope.Begin();  // releases this step's tensors at the end of the iteration
    var predictions = inputs.MatMul(weight) + bias;
    var loss = (predictions - targets).Square().Mean();
    loss.Backward();
    using (Autograd.NoGrad())
    {
        weight.SubInPlace(weight.Grad! * learningRate);
        bias.SubInPlace(bias.Grad! * learningRate);
    }
    weight.Grad = null;
    bias.Grad = null;
    if (step % 50 == 0 || step == steps) Console.WriteLine($"step {step,3}: loss {loss.Item<float>():F5}");
}
Console.WriteLine($"fitted y = {weight.Item<float>():F3} x + {bias.Item<float>():F3} (true: 3x - 2) in {clock.ElapsedMilliseconds} ms");
