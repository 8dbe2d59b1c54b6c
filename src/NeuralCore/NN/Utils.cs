using NeuralCore.Interop;

namespace NeuralCore.NN;

/// <summary>Helpers of torch.nn.utils.</summary>
public static class Utils
{
    /// <summary>
    /// Scales the gradients of <paramref name="parameters"/> in place so that their joint norm is at most
    /// <paramref name="maxNorm"/> (torch.nn.utils.clip_grad_norm_). Returns the norm before clipping.
    /// </summary>
    /// <param name="normType">The p of the p-norm; <see cref="double.PositiveInfinity"/> for the largest absolute value.</param>
    public static double ClipGradNorm(IEnumerable<Parameter> parameters, double maxNorm, double normType = 2.0)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfNegative(maxNorm);
        if (normType <= 0) throw new ArgumentOutOfRangeException(nameof(normType), normType, "must be positive (or infinity)");
        return LibTorch.NnClipGradNorm(parameters.Select(p => (Tensor)p).ToArray(), maxNorm, double.IsPositiveInfinity(normType) ? 0 : normType);
    }
}
