// Trains a few steps through the Trainer, saves the model, loads it into a fresh one and checks both agree; prints
// which libneuralcore.so the process loaded, so the package check can tell the prebuilt one from one built here.
using NeuralCore;
using NeuralCore.Data;
using NeuralCore.NN;
using NeuralCore.Optim;
using NeuralCore.Training;

Torch.ManualSeed(0);
var inputs = Tensor.Randn([64, 4]);
var targets = inputs.Sum(1).Gt(0).To(DType.Int64);
using var model = new Sequential(new Linear(4, 16), new Relu(), new Linear(16, 2));
var trainer = new Trainer(model, new Sgd(model.Parameters(), lr: 0.5), new CrossEntropyLoss()) { Metrics = { new Accuracy() } };
var result = trainer.Fit(new DataLoader(new TensorDataset(inputs, targets), 16, shuffle: true, seed: 0), epochs: 5);

var path = Path.Combine(Path.GetTempPath(), $"package-consumer-{Environment.ProcessId}.pt");
model.Save(path);
using var loaded = new Sequential(new Linear(4, 16), new Relu(), new Linear(16, 2));
loaded.Load(path);
File.Delete(path);
var same = loaded.Call(inputs).Equal(model.Call(inputs));
var native = File.ReadLines("/proc/self/maps").Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault())
    .FirstOrDefault(p => p?.EndsWith("libneuralcore.so", StringComparison.Ordinal) == true);
Console.WriteLine($"libtorch {Torch.LibTorchVersion}; loss {result.History[0].Metrics["loss"]:F4} -> {result.History[^1].Metrics["loss"]:F4}, " +
    $"accuracy {result.History[^1].Metrics["accuracy"]:P0}; saved and loaded: {(same ? "equal" : "DIFFERENT")}");
Console.WriteLine($"native {native}");
return same && result.History[^1].Metrics["loss"] < result.History[0].Metrics["loss"] ? 0 : 1;
