using NeuralCore.Interop;
using NeuralCore.Interop.Handles;

namespace NeuralCore.NN;

/// <summary>Helpers of torch.nn.utils.</summary>
public static class Utils
{
    /// <summary>
    /// Scales the gradients of <paramref name="parameters"/> in place so that their joint norm is at most
    /// <paramref name="maxNorm"/> (torch.nn.utils.clip_grad_norm_). Returns the norm before clipping.
    /// </summary>
    /// <param name="normType">The p of the p-norm; <see cref="double.PositiveInfinity"/> for the largest absolute value.</param>
    public static unsafe double ClipGradNorm(IEnumerable<Parameter> parameters, double maxNorm, double normType = 2.0)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfNegative(maxNorm);
        if (normType <= 0) throw new ArgumentOutOfRangeException(nameof(normType), normType, "must be positive (or infinity)");
        var handles = parameters.Select(p => (TensorHandle?)p.Handle).ToArray();
        using var borrowed = new BorrowedHandles(handles);
        fixed (IntPtr* pointers = borrowed.Pointers)
        {
            NativeMethods.NNClipGradNorm(pointers, handles.Length, maxNorm, double.IsPositiveInfinity(normType) ? 0 : normType, out var total)
                .ThrowIfFailed();
            return total;
        }
    }
}
