// Models, data and training recipes of the multi-process scenarios, shared by the worker and by the tests'
// single-process references, so that both sides run exactly the same computation.
using System.Runtime.InteropServices;
using NeuralCore;
using NeuralCore.NN;
using NeuralCore.Optim;

/// <summary>A small CIFAR-style CNN (3×32×32 inputs) trained for many steps with SGD momentum or Adam.</summary>
public static class CnnRecipe
{
    public const int PerRank = 4;
    public const int Steps = 200;
    public const int CheckEvery = 50;

    public static Module Create() => new Sequential(
        new Conv2d(3, 6, kernelSize: 5), new Relu(), new MaxPool2d(2, 2),
        new Conv2d(6, 16, kernelSize: 5), new Relu(), new MaxPool2d(2, 2),
        new Flatten(), new Linear(16 * 5 * 5, 32), new Relu(), new Linear(32, 10));

    public static Optimizer Optimizer(string kind, IEnumerable<Parameter> parameters) =>
        kind == "sgd" ? new Sgd(parameters, lr: 0.01, momentum: 0.9) : new Adam(parameters, lr: 1e-3);

    /// <summary>The global batch of <paramref name="step"/>: PerRank samples for each rank.</summary>
    public static (Tensor Inputs, Tensor Labels) Batch(int step, int worldSize, DType dtype)
    {
        Torch.ManualSeed((ulong)(1000 + step));
        return (Tensor.Randn([worldSize * PerRank, 3, 32, 32], dtype), Tensor.RandInt(0, 10, worldSize * PerRank));
    }
}

/// <summary>A model with branches that not every forward uses: one on odd steps, one on rank 0 every third step.</summary>
public sealed class BranchyModel : Module
{
    private readonly Linear trunk = new(6, 8);
    private readonly Linear odd = new(8, 8);
    private readonly Linear rankZero = new(8, 8);
    private readonly Linear head = new(8, 3);

    public bool UseOdd { get; set; }
    public bool UseRankZero { get; set; }

    public override Tensor Forward(Tensor input)
    {
        var x = trunk.Forward(input).Tanh();
        if (UseOdd) x = odd.Forward(x).Tanh();
        if (UseRankZero) x = rankZero.Forward(x).Tanh();
        return head.Forward(x);
    }

    public void Choose(int step, int rank) => (UseOdd, UseRankZero) = (step % 2 == 1, rank == 0 && step % 3 == 0);

    public static (Tensor Inputs, Tensor Labels) Batch(int step, int worldSize)
    {
        Torch.ManualSeed((ulong)(2000 + step));
        return (Tensor.Randn(worldSize * DdpModel.PerRank, 6), Tensor.RandInt(0, 3, worldSize * DdpModel.PerRank));
    }
}

/// <summary>A batch-norm CNN that records its running statistics as each forward starts (after DDP's buffer broadcast).</summary>
public sealed class BatchNormProbe : Module
{
    private readonly Conv2d conv = new(3, 4, kernelSize: 3, padding: 1);
    private readonly BatchNorm2d norm = new(4);
    private readonly Linear head = new(4 * 8 * 8, 10);

    public byte[] StatisticsAtLastForward { get; private set; } = [];

    public override Tensor Forward(Tensor input)
    {
        StatisticsAtLastForward = Bytes.Of(norm.RunningMean!, norm.RunningVar!, norm.NumBatchesTracked!);
        return head.Forward(Functional.Relu(norm.Forward(conv.Forward(input))).Flatten(1));
    }

    /// <summary>Different data on every rank, so that unsynchronised statistics would differ.</summary>
    public static Tensor Batch(int step, int rank)
    {
        Torch.ManualSeed((ulong)(3000 + step * 10 + rank));
        return Tensor.Randn(DdpModel.PerRank, 3, 8, 8) * (1 + rank);
    }
}

/// <summary>Batch norm in a Sequential and in a field typed BatchNormModule, for SyncBatchNorm.Convert.</summary>
public sealed class SyncBatchNormNet : Module
{
    private readonly Sequential features = new(new Conv2d(3, 4, kernelSize: 3, padding: 1), new BatchNorm2d(4), new Relu());
    private readonly Linear fc = new(4 * 4 * 4, 5);
    private readonly BatchNormModule norm = new BatchNorm1d(5);

    public override Tensor Forward(Tensor input) => norm.Forward(fc.Forward(features.Forward(input).Flatten(1)));

    /// <summary>Uneven shares: rank r holds RankSizes[r] samples of one global batch.</summary>
    public static readonly int[] RankSizes = [3, 5];

    public static (Tensor Inputs, Tensor Projection) Batch(int step)
    {
        Torch.ManualSeed((ulong)(4000 + step));
        var total = RankSizes.Sum();
        return (Tensor.Randn(total, 3, 4, 4) * 2 + 1, Tensor.Randn(total, 5));
    }

    public static long Offset(int rank) => RankSizes.Take(rank).Sum();
}

/// <summary>Raw bytes of tensors (bitwise comparisons) and back.</summary>
public static class Bytes
{
    public static byte[] Of(params IEnumerable<Tensor> tensors) =>
        tensors.SelectMany(t => t.DType switch
        {
            DType.Float32 => MemoryMarshal.AsBytes(t.Cpu().ToArray<float>().AsSpan()).ToArray(),
            DType.Float64 => MemoryMarshal.AsBytes(t.Cpu().ToArray<double>().AsSpan()).ToArray(),
            DType.Int64 => MemoryMarshal.AsBytes(t.Cpu().ToArray<long>().AsSpan()).ToArray(),
            var other => throw new NotSupportedException(other.ToString()),
        }).ToArray();

    public static string Base64(params IEnumerable<Tensor> tensors) => Convert.ToBase64String(Of(tensors));

    public static float[] Floats(string base64) => MemoryMarshal.Cast<byte, float>(Convert.FromBase64String(base64)).ToArray();

    public static double[] Doubles(string base64) => MemoryMarshal.Cast<byte, double>(Convert.FromBase64String(base64)).ToArray();
}

/// <summary>A two-input model: a Transformer encoder layer over (tokens, padding), mean-pooled over valid steps, then a classifier.</summary>
public sealed class PaddedSequenceClassifier : Module<Tensor, Tensor, Tensor>
{
    public const int PerRank = 3;

    private readonly TransformerEncoderLayer encoder = new(8, 2, dimFeedforward: 16, dropout: 0, batchFirst: true, dtype: DType.Float64);
    private readonly Linear head = new(8, 3, dtype: DType.Float64);

    public override Tensor Forward(Tensor tokens, Tensor padding)
    {
        var encoded = encoder.Call(tokens, srcKeyPaddingMask: padding);
        var valid = padding.LogicalNot().Unsqueeze(-1).To(DType.Float64);
        return head.Call(encoded.Mul(valid).Sum(1).Div(valid.Sum(1)));
    }

    /// <summary>The global batch: PerRank sequences of up to 5 steps for each rank, with their padding masks and labels.</summary>
    public static (Tensor Tokens, Tensor Padding, Tensor Labels) Batch(int step, int worldSize)
    {
        Torch.ManualSeed((ulong)(3000 + step));
        var count = worldSize * PerRank;
        var lengths = Tensor.RandInt(1, 6, count).Unsqueeze(1);
        return (Tensor.Randn([count, 5, 8], DType.Float64), Tensor.Arange(5).Unsqueeze(0).Ge(lengths), Tensor.RandInt(0, 3, count));
    }
}
