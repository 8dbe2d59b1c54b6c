namespace NeuralCore.Tests.Support;

/// <summary>Serialises tests that seed libtorch's global generator and then draw from it.</summary>
public static class SeedLock
{
    public static readonly object Instance = new();
}
