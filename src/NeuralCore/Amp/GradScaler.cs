using NeuralCore.Interop;
using NeuralCore.Optim;

namespace NeuralCore.Amp;

/// <summary>
/// Loss scaling for mixed-precision training (torch.amp.GradScaler): multiplies the loss so that small Float16
/// gradients do not flush to zero, divides the gradients back before the optimizer step, skips steps whose gradients
/// hold inf or NaN, and adapts the scale: × backoffFactor after an overflow, × growthFactor after growthInterval
/// steps without one.
/// </summary>
/// <example>
/// <code>
/// var scaler = new GradScaler();
/// using (new Autocast()) loss = criterion.Forward(model.Forward(x), y);
/// scaler.Scale(loss).Backward();
/// scaler.Step(optimizer);
/// scaler.Update();
/// </code>
/// </example>
public sealed class GradScaler(double initScale = 65536.0, double growthFactor = 2.0, double backoffFactor = 0.5, int growthInterval = 2000,
    bool enabled = true)
{
    private readonly Dictionary<Optimizer, bool> unscaled = [];  // optimizer → found inf/NaN
    private int growthTracker;

    /// <summary>The current scale (1 when disabled).</summary>
    public double ScaleFactor { get; private set; } = enabled ? initScale : 1.0;

    public bool Enabled => enabled;

    /// <summary>The loss multiplied by the scale (a new tensor); unchanged when disabled.</summary>
    public Tensor Scale(Tensor loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        return enabled ? loss * ScaleFactor : loss.Alias();
    }

    /// <summary>Divides the gradients of <paramref name="optimizer"/>'s parameters by the scale, in place, once per step.</summary>
    public void Unscale(Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        if (!enabled || unscaled.ContainsKey(optimizer)) return;
        // One fused check-and-unscale per device and dtype on CUDA (torch.amp's), one sync: not one per parameter.
        var gradients = optimizer.ParamGroups.SelectMany(g => g.Parameters).Select(p => p.Grad).OfType<Tensor>().ToList();
        var foundInf = gradients.Count > 0 && LibTorch.AmpUnscale(gradients, 1.0 / ScaleFactor);
        unscaled[optimizer] = foundInf;
    }

    /// <summary>Unscales if needed, then steps <paramref name="optimizer"/> unless a gradient is inf or NaN. Returns whether it stepped.</summary>
    public bool Step(Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        if (!enabled)
        {
            optimizer.Step();
            return true;
        }
        Unscale(optimizer);
        if (unscaled[optimizer]) return false;
        optimizer.Step();
        return true;
    }

    /// <summary>The scale and growth counter under torch.amp.GradScaler's names, for a checkpoint (empty when disabled, as PyTorch's).</summary>
    public OrderedDictionary<string, object?> StateDict() => !enabled ? [] : new()
    {
        ["scale"] = ScaleFactor,
        ["growth_factor"] = growthFactor,
        ["backoff_factor"] = backoffFactor,
        ["growth_interval"] = (long)growthInterval,
        ["_growth_tracker"] = (long)growthTracker,
    };

    /// <summary>Restores the scale and growth counter <see cref="StateDict"/> saved.</summary>
    public void LoadStateDict(IReadOnlyDictionary<string, object?> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!enabled) return;
        if (!state.TryGetValue("scale", out var scale) || scale is not (double or long))
            throw new ArgumentException("the scaler state has no scale", nameof(state));
        ScaleFactor = Convert.ToDouble(scale, System.Globalization.CultureInfo.InvariantCulture);
        growthTracker = state.TryGetValue("_growth_tracker", out var tracker) && tracker is long count ? (int)count : 0;
    }

    /// <summary>Adapts the scale after this iteration's steps and forgets their state.</summary>
    public void Update()
    {
        if (!enabled) return;
        if (unscaled.Values.Any(found => found))
        {
            ScaleFactor *= backoffFactor;
            growthTracker = 0;
        }
        else if (++growthTracker == growthInterval)
        {
            ScaleFactor *= growthFactor;
            growthTracker = 0;
        }
        unscaled.Clear();
    }
}
