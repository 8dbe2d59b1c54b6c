namespace NeuralCore;

/// <summary>What kind of libtorch error a <see cref="TorchException"/> carries.</summary>
public enum TorchErrorKind
{
    /// <summary>A libtorch check failed (shapes, dtypes, devices, graph state).</summary>
    Error = 1,
    /// <summary>An allocation failed; see <see cref="TorchOutOfMemoryException"/>.</summary>
    OutOfMemory = 2,
    /// <summary>An index was out of range (c10::IndexError).</summary>
    Index = 3,
    /// <summary>A value was not acceptable (c10::ValueError).</summary>
    Value = 4,
    /// <summary>A type was not acceptable (c10::TypeError).</summary>
    Type = 5,
    /// <summary>The operation is not implemented for these inputs in the linked libtorch.</summary>
    NotImplemented = 6,
    /// <summary>The shim rejected an argument before libtorch saw it.</summary>
    InvalidArgument = 7,
    /// <summary>Another C++ exception.</summary>
    Native = 8,
    /// <summary>An exception of unknown type.</summary>
    Unknown = 9,
}

/// <summary>An error raised by libtorch, with libtorch's own message.</summary>
public class TorchException : Exception
{
    public TorchException(string message, TorchErrorKind kind = TorchErrorKind.Error) : base(message) => Kind = kind;

    /// <summary>The libtorch exception class this error came from.</summary>
    public TorchErrorKind Kind { get; }
}

/// <summary>libtorch could not allocate memory; a caller may retry with a smaller batch.</summary>
public sealed class TorchOutOfMemoryException : TorchException
{
    public TorchOutOfMemoryException(string message) : base(message, TorchErrorKind.OutOfMemory) { }
}
