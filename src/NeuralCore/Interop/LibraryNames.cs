namespace NeuralCore.Interop;

internal static class LibraryNames
{
    public const string Native = "neuralcore";
}
