namespace NeuralCore.Optim;

/// <summary>Checks of hyper-parameters before they reach libtorch: NaN and infinities fail every range check here.</summary>
internal static class Hyperparameter
{
    public static double NonNegative(double value, string name) =>
        double.IsFinite(value) && value >= 0 ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number >= 0");

    public static double Positive(double value, string name) =>
        double.IsFinite(value) && value > 0 ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number > 0");

    /// <summary>In [low, high).</summary>
    public static double InRange(double value, double low, double high, string name) =>
        value >= low && value < high ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [{low}, {high})");
}
