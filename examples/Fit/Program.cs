// A complete training program through NeuralCore.Training: an MLP on Fashion-MNIST (Debian's dataset-fashion-mnist)
// with accuracy, a progress bar, early stopping, the best model saved, a schedule, a loss plot, and Ctrl+C that
// writes output/fit.ckpt (run again with --resume to go on from it).  dotnet run --project examples/Fit [-- --smoke]
using NeuralCore;
using NeuralCore.Data;
using NeuralCore.NN;
using NeuralCore.Optim;
using NeuralCore.Training;

var smoke = args.Contains("--smoke");
Torch.ManualSeed(0);
var (train, test) = (FashionMnist.Load(normalize: true), FashionMnist.Load(train: false, normalize: true));
using var model = new Sequential(new Flatten(), new Linear(784, 256), new Relu(), new Dropout(0.2), new Linear(256, 10));
var optimizer = new Adam(model.Parameters(), lr: 1e-3);
var trainer = new Trainer(model, optimizer, new CrossEntropyLoss())
{
    Metrics = { new Accuracy() },
    Callbacks = { new ProgressBar(), new EarlyStopping(patience: 2), new ModelCheckpoint("output/fit-best.pt"),
        new LearningRateScheduler(new StepLR(optimizer, stepSize: 3, gamma: 0.5)), new LossPlot("output/fit-loss.png") },
    CheckpointPath = "output/fit.ckpt",
    MaxBatchesPerEpoch = smoke ? 2 : null,
    MaxValidationBatches = smoke ? 1 : null,
};
var result = trainer.Fit(new DataLoader(train, 64, shuffle: true, seed: 0), new DataLoader(test, 1000), epochs: smoke ? 1 : 10,
    resumeFrom: args.Contains("--resume") ? "output/fit.ckpt" : null, cancellationToken: Trainer.CancelOnCtrlC());
Console.WriteLine($"best test accuracy {result.History.Max(h => h.Metrics["val_accuracy"]):P2} after {result.History.Count} epochs");
