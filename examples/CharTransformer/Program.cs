// A decoder-only (causal) character-level Transformer language model, trained on the King James Bible from Debian's
// bible-kjv-text (or any text with --text FILE). After each epoch it reports the held-out loss and perplexity and
// prints text it generates (temperature and top-k sampling).
//   dotnet run --project examples/CharTransformer [-- --epochs 3 --text FILE --device cuda]
using System.CommandLine;
using System.Diagnostics;
using NeuralCore;
using NeuralCore.Data;
using NeuralCore.Examples;
using NeuralCore.NN;
using NeuralCore.Optim;
using Spectre.Console;

var textOption = new Option<string?>("--text") { Description = "A UTF-8 text file to learn (default: the King James Bible of bible-kjv-text)" };
var contextOption = new Option<int>("--context") { Description = "Characters per training sequence", DefaultValueFactory = _ => 128 };
var temperatureOption = new Option<double>("--temperature") { Description = "Sampling temperature of the generated text", DefaultValueFactory = _ => 0.8 };
var topKOption = new Option<int>("--top-k") { Description = "Sample among the k likeliest characters", DefaultValueFactory = _ => 10 };

var command = ExampleOptions.CreateCommand("Trains a character-level Transformer language model.", defaultEpochs: 3, defaultLearningRate: 2e-3, "char-transformer", options =>
{
    var parsed = options.Parsed!;
    var context = parsed.GetValue(contextOption);
    var (text, source) = options.Synthetic ? (Corpus.Synthetic(options.Smoke ? 4 * options.BatchSize * (context + 1) : 200_000), "synthetic text")
        : Corpus.Load(parsed.GetValue(textOption));
    var corpus = new Corpus(text, context);
    Torch.ManualSeed((ulong)options.Seed);
    var (trainSet, testSet) = corpus.Split();
    using var group = options.JoinGroup();
    var train = options.TrainLoader(trainSet, group);
    var test = new DataLoader(testSet, options.BatchSize);

    using var network = new CharTransformer(corpus.Vocabulary.Length, context);
    network.To(options.Device);
    using var model = options.Parallelize(network, group);
    using var optimizer = new AdamW(model.Parameters(), lr: options.LearningRate, weightDecay: 0.01);
    var sampler = new Sampler(network, corpus, options.Device, parsed.GetValue(temperatureOption), parsed.GetValue(topKOption), options.Seed);
    // Logits come out flat, (N·T, vocabulary), so the targets are flattened to (N·T).
    var trainer = new ExampleTrainer(model, new CrossEntropyLoss(), optimizer, options, "char-transformer", "Character Transformer",
        prepareLabels: labels => labels.Reshape(-1), epochEnded: result =>
        {
            AnsiConsole.MarkupLine($"  held-out loss [yellow]{result.TestLoss:F4}[/] nats/char, perplexity [yellow]{Math.Exp(result.TestLoss):F2}[/]");
            if (group is not { Rank: not 0 }) AnsiConsole.WriteLine(Indent(sampler.Generate("And ", options.Smoke ? 20 : 300)));
        });
    trainer.Describe("Character Transformer", trainSet.Count, testSet.Count, group, $"{source} ({text.Length:N0} characters, {corpus.Vocabulary.Length} distinct)",
        $"sequences of {context}");
    var results = trainer.Fit(train, test);
    trainer.Finish(results, group,
        $"final held-out loss [green]{results[^1].TestLoss:F4}[/] nats/char (perplexity {Math.Exp(results[^1].TestLoss):F2})");
    return 0;
}, defaultBatchSize: 32, textOption, contextOption, temperatureOption, topKOption);
return command.Parse(args).Invoke();

static string Indent(string text) => "  | " + text.ReplaceLineEndings("\n  | ");

/// <summary>
/// GPT-style: token and learned position embeddings, causal pre-norm Transformer blocks, a final norm and a linear
/// read-out. input: (N, T) character indices; output: (N·T, vocabulary) logits of each next character.
/// </summary>
public sealed class CharTransformer : Module
{
    private readonly Embedding tokens;
    private readonly Embedding positions;
    private readonly Dropout dropout;
    private readonly TransformerEncoder blocks;
    private readonly LayerNorm norm;
    private readonly Linear head;

    public CharTransformer(long vocabulary, long context, long dModel = 128, long heads = 4, int layers = 2, double dropoutProbability = 0.1)
    {
        Context = context;
        tokens = new Embedding(vocabulary, dModel);
        positions = new Embedding(context, dModel);
        dropout = new Dropout(dropoutProbability);
        blocks = new TransformerEncoder(new TransformerEncoderLayer(dModel, heads, 4 * dModel, dropoutProbability, "gelu", batchFirst: true, normFirst: true), layers);
        norm = new LayerNorm(dModel);
        head = new Linear(dModel, vocabulary);
    }

    public long Context { get; }

    public override Tensor Forward(Tensor input)
    {
        var length = input.Size(1);
        using var steps = Tensor.Arange(length, DType.Int64, input.Device);
        using var mask = Transformer.GenerateSquareSubsequentMask(length, input.Device);
        var x = dropout.Call(tokens.Call(input).Add(positions.Call(steps)));
        x = blocks.Call(x, mask, isCausal: true);
        return head.Call(norm.Call(x)).Reshape(-1, head.OutFeatures);
    }
}

/// <summary>The text as character indices, cut into (input, next-character) windows; the last tenth is held out.</summary>
public sealed class Corpus(string text, int context)
{
    public char[] Vocabulary { get; } = text.Distinct().Order().ToArray();

    private Dictionary<char, long>? index;

    public long[] Encode(string value)
    {
        index ??= Vocabulary.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => (long)p.i);
        return value.Select(c => index.TryGetValue(c, out var i) ? i : 0).ToArray();
    }

    public (TensorDataset Train, TensorDataset Test) Split()
    {
        var codes = Encode(text);
        var cut = codes.Length * 9 / 10;
        return (Windows(codes.AsSpan(0, cut)), Windows(codes.AsSpan(cut)));
    }

    // Non-overlapping windows: inputs text[i, i + T), targets text[i + 1, i + T + 1).
    private TensorDataset Windows(ReadOnlySpan<long> codes)
    {
        var count = (codes.Length - 1) / context;
        var inputs = new long[count * context];
        var targets = new long[count * context];
        for (var w = 0; w < count; w++)
        {
            codes.Slice(w * context, context).CopyTo(inputs.AsSpan(w * context));
            codes.Slice(w * context + 1, context).CopyTo(targets.AsSpan(w * context));
        }
        return new TensorDataset(Tensor.FromArray(inputs, count, context), Tensor.FromArray(targets, count, context));
    }

    /// <summary>The file's text, or the King James Bible rendered by bible-kjv's <c>bible</c> program.</summary>
    public static (string Text, string Source) Load(string? path)
    {
        if (path is not null) return (File.ReadAllText(path), Path.GetFileName(path));
        const string data = "/usr/lib/bible.data";
        if (!File.Exists(data))
            throw new FileNotFoundException($"{data} is missing: install Debian's bible-kjv-text (apt-get install bible-kjv-text), or pass --text FILE");
        var start = new ProcessStartInfo("bible", ["-p", "/usr/lib", "gen1:1-rev22:21"]) { RedirectStandardOutput = true, UseShellExecute = false };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start bible (package bible-kjv)");
        var text = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"bible exited with {process.ExitCode}");
        return (text, "the King James Bible");
    }

    /// <summary>Seeded random words, for smoke runs without the text.</summary>
    public static string Synthetic(int length)
    {
        var random = new Random(0);
        string[] words = ["and", "the", "of", "unto", "he", "said", "lord", "shall", "thou", "in", "that", "them"];
        var builder = new System.Text.StringBuilder(length + 8);
        while (builder.Length < length) builder.Append(words[random.Next(words.Length)]).Append(random.Next(8) == 0 ? ".\n" : " ");
        return builder.ToString(0, length);
    }
}

/// <summary>
/// Generates text one character at a time: softmax(logits / temperature) over the top k, sampled with Multinomial.
/// It draws from its own seed and restores the generator afterwards, so sampling leaves the training run (its dropout
/// masks and batch order) exactly as it would be without it.
/// </summary>
public sealed class Sampler(CharTransformer model, Corpus corpus, Device device, double temperature, int topK, int seed)
{
    private int calls;

    public string Generate(string prompt, int length)
    {
        var wasTraining = model.Training;
        model.Eval();
        using var noGrad = Autograd.NoGrad();
        using var saved = Torch.GetRngState();
        Torch.ManualSeed((ulong)(seed + 1000 + calls++));
        var codes = corpus.Encode(prompt).ToList();
        try
        {
            for (var i = 0; i < length; i++)
            {
                using var scope = TensorScope.Begin();
                var window = codes.Skip(Math.Max(0, codes.Count - (int)model.Context)).ToArray();
                var input = Tensor.FromArray(window, 1, window.Length).To(device);
                var logits = model.Forward(input).Select(0, window.Length - 1).Div(temperature).Cpu();
                var (values, indices) = logits.TopK(Math.Min(topK, corpus.Vocabulary.Length));
                var choice = values.Softmax(-1).Multinomial(1);
                codes.Add(indices.Gather(0, choice).Item<long>());
            }
        }
        finally
        {
            Torch.SetRngState(saved);
            model.Train(wasTraining);
        }
        return new string(codes.Select(c => corpus.Vocabulary[c]).ToArray());
    }
}
