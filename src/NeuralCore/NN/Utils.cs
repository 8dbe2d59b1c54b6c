using NeuralCore.Interop;

namespace NeuralCore.NN;

/// <summary>Helpers of torch.nn.utils.</summary>
public static partial class Utils
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

    /// <summary>Clamps every gradient of <paramref name="parameters"/> to [−clipValue, clipValue] in place (torch.nn.utils.clip_grad_value_).</summary>
    public static void ClipGradValue(IEnumerable<Parameter> parameters, double clipValue)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfNegative(clipValue);
        using (Autograd.NoGrad())
            foreach (var parameter in parameters)
                parameter.Grad?.ClampInPlace(-clipValue, clipValue);
    }

    /// <summary>The parameters flattened and concatenated into one vector (torch.nn.utils.parameters_to_vector).</summary>
    public static Tensor ParametersToVector(IEnumerable<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        using var scope = TensorScope.Begin();
        var flat = parameters.Select(p => p.View(-1)).ToArray();
        if (flat.Length == 0) throw new ArgumentException("no parameters to flatten", nameof(parameters));
        return scope.Keep(Tensor.Cat(flat));
    }

    /// <summary>Copies consecutive slices of <paramref name="vector"/> into the parameters, in order (torch.nn.utils.vector_to_parameters).</summary>
    public static void VectorToParameters(Tensor vector, IEnumerable<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(vector);
        ArgumentNullException.ThrowIfNull(parameters);
        if (vector.Dimensions != 1) throw new ArgumentException($"expected a 1-D vector, got {vector.Dimensions}-D", nameof(vector));
        var list = parameters.ToList();
        var total = list.Sum(p => p.NumberOfElements);
        if (total != vector.NumberOfElements)
            throw new ArgumentException($"the vector has {vector.NumberOfElements} elements, the parameters {total}", nameof(vector));
        using var scope = TensorScope.Begin();
        using var mode = Autograd.NoGrad();
        long offset = 0;
        foreach (var parameter in list)
        {
            var count = parameter.NumberOfElements;
            parameter.CopyFrom(vector.Narrow(0, offset, count).View(parameter.Shape));
            offset += count;
        }
    }
}
