// pytorch/examples' time_sequence_prediction, line by line: two LSTM cells learn sine waves in Float64 with L-BFGS,
// then continue three test waves 1,000 steps into the future. Each step prints the training losses L-BFGS sees and
// the test loss, and saves a plot of the three predictions (OUTPUT/predict<step>.png).
//
// The waves are the original's (100 waves of 1,000 points, sin((t + shift) / 20) with a shift in [-80, 80)); the
// shifts come from torch.randint with seed 2 instead of NumPy's generator, so bench/reference/time_sequence_prediction.py
// reproduces them and, from the same seed, the same weights and losses.
using System.CommandLine;
using System.Diagnostics;
using NeuralCore;
using NeuralCore.NN;
using NeuralCore.Optim;

var steps = new Option<int>("--steps") { Description = "L-BFGS steps (each up to 20 iterations)", DefaultValueFactory = _ => 15 };
var output = new Option<string>("--output") { Description = "Folder for the prediction plots", DefaultValueFactory = _ => "output" };
var smoke = new Option<bool>("--smoke") { Description = "One short step on 100-point waves (CI)" };
var command = new RootCommand("Sine waves with LSTM cells and L-BFGS (pytorch/examples time_sequence_prediction)") { steps, output, smoke };
command.SetAction(result => TimeSequencePrediction.Run(result.GetValue(smoke) ? 1 : result.GetValue(steps), result.GetValue(output)!, result.GetValue(smoke)));
return command.Parse(args).Invoke();

/// <summary>The original's model: LSTMCell(1, 51), LSTMCell(51, 51), Linear(51, 1), stepping through the sequence.</summary>
internal sealed class Sequence : Module
{
    private readonly LstmCell lstm1 = new(1, 51);
    private readonly LstmCell lstm2 = new(51, 51);
    private readonly Linear linear = new(51, 1);

    public override Tensor Forward(Tensor input) => Forward(input, future: 0);

    /// <summary>(batch, time) in, (batch, time + future) out: each step's prediction, then <paramref name="future"/> more fed back.</summary>
    public Tensor Forward(Tensor input, int future)
    {
        using var scope = TensorScope.Begin();
        var outputs = new List<Tensor>();
        var zeros = Tensor.Zeros([input.Size(0), 51], DType.Float64);
        (Tensor, Tensor) state1 = (zeros, zeros), state2 = (zeros, zeros);
        Tensor output = zeros;
        Tensor Step(Tensor x)
        {
            state1 = lstm1.Forward(x, state1);
            state2 = lstm2.Forward(state1.Item1, state2);
            return linear.Forward(state2.Item1);
        }
        foreach (var inputT in input.Split(1, 1)) outputs.Add(output = Step(inputT));
        for (var i = 0; i < future; i++) outputs.Add(output = Step(output));
        return scope.Keep(Tensor.Cat(outputs.ToArray(), 1));
    }
}

internal static class TimeSequencePrediction
{
    public static int Run(int steps, string outputDirectory, bool smoke)
    {
        // generate_sine_wave.py: T = 20, L = 1000, N = 100.
        const int T = 20, N = 100;
        var length = smoke ? 100 : 1000;
        Torch.ManualSeed(2);
        var shifts = Tensor.RandInt(-4 * T, 4 * T, N).View(N, 1);
        var data = (Tensor.Arange(length).View(1, length) + shifts).To(DType.Float64).Div(T).Sin();

        Torch.ManualSeed(0);
        var input = data[3.., ..^1];
        var target = data[3.., 1..];
        var testInput = data[..3, ..^1];
        var testTarget = data[..3, 1..];
        using var sequence = new Sequence();
        sequence.To(DType.Float64);
        var criterion = new MseLoss();
        // L-BFGS, as the original: the whole training set fits in one batch.
        using var optimizer = new Lbfgs(sequence.Parameters(), lr: 0.8, maxIter: smoke ? 2 : 20);
        var future = smoke ? 10 : 1000;
        Directory.CreateDirectory(outputDirectory);
        for (var step = 0; step < steps; step++)
        {
            Console.WriteLine($"STEP:  {step}");
            var clock = Stopwatch.StartNew();
            optimizer.Step(() =>
            {
                optimizer.ZeroGrad();
                var loss = criterion.Forward(sequence.Forward(input), target);
                Console.WriteLine($"loss: {loss.Item<double>():R}");
                loss.Backward();
                return loss;
            });
            using var scope = TensorScope.Begin();
            using (Autograd.NoGrad())
            {
                var prediction = sequence.Forward(testInput, future);
                var testLoss = criterion.Forward(prediction[.., ..^future], testTarget);
                Console.WriteLine($"test loss: {testLoss.Item<double>():R} ({clock.Elapsed.TotalSeconds:F1} s)");
                Plot(prediction, length - 1, Path.Combine(outputDirectory, $"predict{step}.png"), step);
            }
        }
        return 0;
    }

    // The original's figure: each test wave, solid where it follows the input, dotted where it predicts.
    private static void Plot(Tensor prediction, int known, string path, int step)
    {
        try
        {
            var plot = new ScottPlot.Plot();
            var colors = new[] { ScottPlot.Colors.Red, ScottPlot.Colors.Green, ScottPlot.Colors.Blue };
            for (var wave = 0; wave < 3; wave++)
            {
                var values = prediction[wave].ToArray<double>();
                var xs = Enumerable.Range(0, values.Length).Select(i => (double)i).ToArray();
                var seen = plot.Add.ScatterLine(xs[..known], values[..known], colors[wave]);
                seen.LineWidth = 2;
                var predicted = plot.Add.ScatterLine(xs[known..], values[known..], colors[wave]);
                predicted.LineWidth = 2;
                predicted.LinePattern = ScottPlot.LinePattern.Dotted;
            }
            plot.Title($"Predict future values for time sequences (dotted), step {step}");
            plot.XLabel("x");
            plot.YLabel("y");
            plot.SavePng(path, 1500, 500);
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException)
        {
            Console.WriteLine($"no plot: {e.GetBaseException().Message}");
        }
    }
}
