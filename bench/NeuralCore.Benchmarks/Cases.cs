using NeuralCore;
using NeuralCore.NN;
using NeuralCore.Optim;
using static NeuralCore.NN.Functional;

namespace NeuralCore.Benchmarks;

/// <summary>
/// The benchmark cases, each one full training step (forward, loss, backward, optimizer step) unless named otherwise.
/// bench/reference/steps.py and bench/cpp/steps.cpp define the same cases for PyTorch and C++ libtorch.
/// </summary>
public static class Cases
{
    public static readonly string[] Names =
        ["cnn_step_b64", "lstm_i28_h128_s28_step_b64", "lstm_i10_h256_s100_step_b64", "mlp_32_64_10_step_b8", "add_10elem",
         "transformer_d128_h4_l2_s128_step_b32",
         "cnn_step_b64_naive", "lstm_i28_h128_s28_step_b64_naive", "lstm_i10_h256_s100_step_b64_naive", "mlp_32_64_10_step_b8_naive",
         "transformer_d128_h4_l2_s128_step_b32_naive"];

    /// <summary>A "_naive" case is its step as a PyTorch user first writes it: no scope, nothing disposed; the GC reclaims.</summary>
    private const string NaiveSuffix = "_naive";

    /// <summary>
    /// Builds a case on <paramref name="device"/> (the CPU unless given); with <paramref name="amp"/> the forward runs
    /// under autocast (Float16 with a gradient scaler on CUDA, BFloat16 on the CPU). The returned action runs one
    /// iteration, the disposable releases what it built.
    /// </summary>
    public static (Action Step, IDisposable Owner) Create(string name, Device? device = null, bool amp = false)
    {
        Torch.ManualSeed(0);
        var on = device ?? Device.Cpu;
        var scoped = !name.EndsWith(NaiveSuffix, StringComparison.Ordinal);
        Action Train(Module model, Optimizer optimizer, Tensor inputs, Tensor labels) =>
            TrainingStep(model, optimizer, inputs.To(on), labels.To(on), scoped, amp ? on.Type : null);
        switch (name.EndsWith(NaiveSuffix, StringComparison.Ordinal) ? name[..^NaiveSuffix.Length] : name)
        {
            case "cnn_step_b64":
            {
                var model = new Cnn().To(on);
                var optimizer = new Sgd(model.Parameters(), lr: 0.001, momentum: 0.9);
                return (Train(model, optimizer, Tensor.Randn(64, 3, 32, 32), Tensor.RandInt(0, 10, 64)), Owners(model, optimizer));
            }
            case "lstm_i28_h128_s28_step_b64":
            case "lstm_i10_h256_s100_step_b64":
            {
                var (input, hidden, steps) = name.StartsWith("lstm_i28", StringComparison.Ordinal) ? (28, 128, 28) : (10, 256, 100);
                var model = new LstmClassifier(input, hidden).To(on);
                var optimizer = new Adam(model.Parameters(), lr: 0.001);
                return (Train(model, optimizer, Tensor.Randn(64, steps, input), Tensor.RandInt(0, 10, 64)), Owners(model, optimizer));
            }
            case "mlp_32_64_10_step_b8":
            {
                var model = new Sequential(new Linear(32, 64), new Relu(), new Linear(64, 10)).To(on);
                var optimizer = new Sgd(model.Parameters(), lr: 0.01);
                return (Train(model, optimizer, Tensor.Randn(8, 32), Tensor.RandInt(0, 10, 8)), Owners(model, optimizer));
            }
            case "transformer_d128_h4_l2_s128_step_b32":
            {
                var model = new TransformerLm(96, 128, 4, 2).To(on);
                var optimizer = new Adam(model.Parameters(), lr: 0.001);
                return (Train(model, optimizer, Tensor.RandInt(0, 96, 128, 32), Tensor.RandInt(0, 96, 128 * 32)), Owners(model, optimizer));
            }
            case "add_10elem":
            {
                var a = Tensor.Randn(10).To(on);
                var b = Tensor.Randn(10).To(on);
                return (() => (a + b).Dispose(), Owners(a, b));
            }
            default:
                throw new ArgumentException($"unknown case {name}", nameof(name));
        }
    }

    private static Action TrainingStep(Module model, Optimizer optimizer, Tensor inputs, Tensor labels, bool scoped, DeviceType? autocast)
    {
        var criterion = new CrossEntropyLoss();
        // As torch.amp's recipe: a scaler only where Float16 needs one (CUDA).
        var scaler = autocast == DeviceType.Cuda ? new NeuralCore.Amp.GradScaler() : null;
        void Step()
        {
            Tensor loss;
            using (autocast is { } type ? new NeuralCore.Amp.Autocast(type) : null)
                loss = criterion.Forward(model.Forward(inputs), labels);
            optimizer.ZeroGrad();
            if (scaler is null)
            {
                loss.Backward();
                optimizer.Step();
                return;
            }
            scaler.Scale(loss).Backward();
            scaler.Step(optimizer);
            scaler.Update();
        }
        if (!scoped) return Step;
        return () =>
        {
            using var scope = TensorScope.Begin();
            Step();
        };
    }

    private static IDisposable Owners(params IDisposable[] owned) => new Disposer(owned);

    private sealed class Disposer(IDisposable[] owned) : IDisposable
    {
        public void Dispose()
        {
            foreach (var item in owned) item.Dispose();
        }
    }
}

/// <summary>The examples' contract CNN on 3×32×32 inputs.</summary>
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

/// <summary>Two LSTM layers (batch first), the last step into a linear layer.</summary>
public sealed class LstmClassifier(int inputSize, int hiddenSize) : Module
{
    private readonly Lstm lstm = new(inputSize, hiddenSize, numLayers: 2, batchFirst: true);
    private readonly Linear fc = new(hiddenSize, 10);

    public override Tensor Forward(Tensor x)
    {
        var (output, _) = lstm.Forward(x);
        return fc.Forward(output[.., ^1, ..]);
    }
}

/// <summary>A causal language model over (sequence, batch) character indices: embedding, post-norm encoder layers, read-out.</summary>
public sealed class TransformerLm(long vocabulary, long dModel, long heads, int layers) : Module
{
    private readonly Embedding embedding = new(vocabulary, dModel);
    private readonly TransformerEncoder encoder = new(new TransformerEncoderLayer(dModel, heads, 4 * dModel, 0.1), layers);
    private readonly Linear head = new(dModel, vocabulary);

    public override Tensor Forward(Tensor x)
    {
        using var mask = Transformer.GenerateSquareSubsequentMask(x.Size(0));
        return head.Forward(encoder.Forward(embedding.Forward(x), mask)).Reshape(-1, head.OutFeatures);
    }
}
