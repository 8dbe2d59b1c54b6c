namespace NeuralCore.Tests.Support;

/// <summary>Analytic gradients against central finite differences of a Float64 objective.</summary>
public static class FiniteDifferences
{
    public const double Step = 1e-6;

    /// <summary>
    /// Asserts that <paramref name="tensor"/>'s gradient agrees, at <paramref name="indices"/> of its flattened elements,
    /// with (f(x + h) - f(x - h)) / 2h of <paramref name="objective"/>, to 1e-6 absolute plus 1e-5 relative. The tensor's
    /// values are shifted in place and restored.
    /// </summary>
    public static void ShouldAgree(Tensor tensor, Func<double> objective, IEnumerable<long> indices, string label)
    {
        var analytic = tensor.Grad?.ToArray<double>() ?? new double[tensor.NumberOfElements];
        using var flat = tensor.Detach().View(-1);
        foreach (var index in indices)
        {
            double Shifted(double delta)
            {
                using (Autograd.NoGrad())
                using (var element = flat[index])
                    element.AddInPlace(delta);
                return objective();
            }
            var plus = Shifted(Step);
            var minus = Shifted(-2 * Step);
            Shifted(Step);
            var numeric = (plus - minus) / (2 * Step);
            analytic[index].Should().BeApproximately(numeric, 1e-6 + 1e-5 * Math.Abs(numeric), $"d/d{label}[{index}]");
        }
    }
}
