using NeuralCore.Interop;
using NeuralCore.Interop.Handles;
using NeuralCore.NN;

namespace NeuralCore.Optim;

/// <summary>Parameters that share hyper-parameters; a null setting takes the optimizer's default.</summary>
public sealed class ParameterGroup(IEnumerable<Parameter> parameters)
{
    public IReadOnlyList<Parameter> Parameters { get; } = parameters?.ToList() ?? throw new ArgumentNullException(nameof(parameters));
    public double? LearningRate { get; init; }
    public double? WeightDecay { get; init; }
    public double? Momentum { get; init; }
}

/// <summary>
/// Base of the optimizers (torch.optim.Optimizer). The update runs in libtorch's torch::optim, in native code,
/// over parameters it shares with the module.
/// </summary>
public abstract class Optimizer : IDisposable
{
    private protected const int SgdKind = NativeConstants.OptimSgd, AdamKind = NativeConstants.OptimAdam, AdamWKind = NativeConstants.OptimAdamw,
        RmsPropKind = NativeConstants.OptimRmsprop, AdagradKind = NativeConstants.OptimAdagrad;

    private readonly OptimizerHandle handle;

    private protected Optimizer(int kind, IEnumerable<ParameterGroup> groups, NativeOptimizerOptions defaults)
    {
        ArgumentNullException.ThrowIfNull(groups);
        ParamGroups = groups.ToList();
        if (ParamGroups.Count == 0 || ParamGroups.All(g => g.Parameters.Count == 0))
            throw new ArgumentException("optimizer got an empty parameter list", nameof(groups));
        if (ParamGroups.Any(g => g.Parameters.Count == 0))
            throw new ArgumentException("a parameter group is empty", nameof(groups));
        Hyperparameter.NonNegative(defaults.LearningRate, "lr");
        foreach (var group in ParamGroups)
        {
            if (group.LearningRate is { } rate) Hyperparameter.NonNegative(rate, "lr");
            if (group.WeightDecay is { } decay) Hyperparameter.NonNegative(decay, "weightDecay");
            if (group.Momentum is { } momentum) Hyperparameter.NonNegative(momentum, "momentum");
        }
        var all = ParamGroups.SelectMany(g => g.Parameters).ToList();
        if (all.Distinct(ReferenceEqualityComparer.Instance).Count() != all.Count)
            throw new ArgumentException("some parameters appear in more than one parameter group", nameof(groups));

        var sizes = ParamGroups.Select(g => g.Parameters.Count).ToArray();
        var options = ParamGroups.Select(g => defaults with
        {
            LearningRate = g.LearningRate ?? defaults.LearningRate,
            WeightDecay = g.WeightDecay ?? defaults.WeightDecay,
            Momentum = g.Momentum ?? defaults.Momentum,
        }).ToArray();
        handle = LibTorch.OptimizerCreate(kind, all, sizes, options);
    }

    private protected static IEnumerable<ParameterGroup> OneGroup(IEnumerable<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return [new ParameterGroup(parameters)];
    }

    private OptimizerHandle Handle => handle.IsClosed ? throw new ObjectDisposedException(GetType().Name) : handle;

    /// <summary>The parameter groups, in the order given.</summary>
    public IReadOnlyList<ParameterGroup> ParamGroups { get; }

    /// <summary>Updates every parameter from its gradient; parameters without a gradient are skipped.</summary>
    public void Step() => LibTorch.OptimizerStep(Handle);

    /// <summary>Clears the gradients: drops them (<paramref name="setToNone"/>, PyTorch 2's default) or fills them with zeros.</summary>
    public void ZeroGrad(bool setToNone = true) => LibTorch.OptimizerZeroGrad(Handle, setToNone);

    /// <summary>The learning rate of group 0; setting it sets every group's.</summary>
    public double LearningRate
    {
        get => GetLearningRate(0);
        set
        {
            for (var i = 0; i < ParamGroups.Count; i++) SetLearningRate(i, value);
        }
    }

    /// <summary>The learning rate of group <paramref name="group"/>.</summary>
    public double GetLearningRate(int group)
    {
        return LibTorch.OptimizerGetLearningRate(Handle, group);
    }

    /// <summary>Sets the learning rate of group <paramref name="group"/>.</summary>
    public void SetLearningRate(int group, double learningRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(learningRate);
        LibTorch.OptimizerSetLearningRate(Handle, group, learningRate);
    }

    /// <summary>
    /// Saves the optimizer's state (momentum buffers, moments, step counts, hyper-parameters) so that training resumes
    /// exactly after <see cref="Load"/> on an optimizer of the same kind over the same parameters. Written atomically.
    /// </summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        LibTorch.OptimizerSave(Handle, Path.GetFullPath(path));
    }

    /// <summary>Restores the state written by <see cref="Save"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="TorchException">The file is not an optimizer state of this kind; the message names the file.</exception>
    public void Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"optimizer state not found: {path}", path);
        try
        {
            LibTorch.OptimizerLoad(Handle, Path.GetFullPath(path));
        }
        catch (TorchException e)
        {
            throw new TorchException($"{path}: {e.Message}", e.Kind);
        }
    }

    public void Dispose()
    {
        handle.Dispose();
        GC.SuppressFinalize(this);
    }
}
