namespace NeuralCore.Interop;

/// <summary>Borrows the native pointers of several tensors for one native call, keeping each alive until disposed.</summary>
internal readonly ref struct BorrowedTensors
{
    private readonly Tensor?[] tensors;

    public readonly IntPtr[] Pointers;

    private BorrowedTensors(ReadOnlySpan<Tensor?> source, bool allowNull)
    {
        tensors = new Tensor?[source.Length];
        Pointers = new IntPtr[source.Length];
        try
        {
            for (var i = 0; i < source.Length; i++)
            {
                if (source[i] is not { } tensor)
                {
                    if (allowNull) continue;
                    throw new ArgumentNullException("tensors", $"tensor {i} is null");
                }
                Pointers[i] = tensor.AddReference();
                tensors[i] = tensor;
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Borrows tensors none of which may be null.</summary>
    public static BorrowedTensors Of(ReadOnlySpan<Tensor> tensors) => new(tensors, allowNull: false);

    /// <summary>Borrows tensors where a null passes as a null pointer.</summary>
    public static BorrowedTensors OfOptional(ReadOnlySpan<Tensor?> tensors) => new(tensors, allowNull: true);

    public void Dispose()
    {
        for (var i = 0; i < tensors.Length; i++)
        {
            tensors[i]?.ReleaseReference();
            tensors[i] = null;
        }
    }
}
