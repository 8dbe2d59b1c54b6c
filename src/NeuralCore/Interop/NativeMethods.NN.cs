using System.Runtime.InteropServices;
using NeuralCore.Interop.Handles;

namespace NeuralCore.Interop;

// nc_nn.h. Optional tensors are passed as null pointers.
internal static unsafe partial class NativeMethods
{
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_nn_rnn_flatten_parameters")] internal static partial NativeStatus NNRnnFlattenParameters(int mode, IntPtr* parameters, int parameterCount, int hasBiases, long inputSize, long hiddenSize, long numLayers, int batchFirst, int bidirectional, out int flattened);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_nn_rnn")] internal static partial NativeStatus NNRnn(int mode, IntPtr input, IntPtr batchSizes, IntPtr hidden, IntPtr cell, IntPtr* parameters, int parameterCount, int hasBiases, long numLayers, double dropout, int training, int bidirectional, int batchFirst, out IntPtr output, out IntPtr hiddenOut, out IntPtr cellOut);

    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_nn_uniform_inplace")] internal static partial NativeStatus NNUniformInPlace(IntPtr tensor, double low, double high);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_nn_normal_inplace")] internal static partial NativeStatus NNNormalInPlace(IntPtr tensor, double mean, double std);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_nn_set_data")] internal static partial NativeStatus NNSetData(IntPtr tensor, IntPtr data);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_nn_broadcast")] internal static partial NativeStatus NNBroadcast(IntPtr tensor, int* deviceTypes, int* deviceIndices, int count, IntPtr* results);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_nn_clip_grad_norm")] internal static partial NativeStatus NNClipGradNorm(IntPtr* parameters, int count, double maxNorm, double normType, out double totalNorm);
}

// The checked forms of nc_nn.h for the facade.
internal static unsafe partial class LibTorch
{
    internal static void NnUniformInPlace(Tensor tensor, double low, double high)
    {
        using var borrow = new TensorBorrow(tensor);
        NativeMethods.NNUniformInPlace(borrow.Pointer, low, high).ThrowIfFailed();
    }

    internal static void NnNormalInPlace(Tensor tensor, double mean, double std)
    {
        using var borrow = new TensorBorrow(tensor);
        NativeMethods.NNNormalInPlace(borrow.Pointer, mean, std).ThrowIfFailed();
    }

    internal static void TensorSetData(Tensor tensor, Tensor data)
    {
        ArgumentNullException.ThrowIfNull(data);
        using var borrow = new TensorBorrow(tensor);
        using var dataBorrow = new TensorBorrow(data);
        NativeMethods.NNSetData(borrow.Pointer, dataBorrow.Pointer).ThrowIfFailed();
    }

    /// <summary>normType 0 means the infinity norm.</summary>
    internal static double NnClipGradNorm(IReadOnlyList<Tensor> parameters, double maxNorm, double normType)
    {
        using var borrowed = BorrowedTensors.Of(parameters.ToArray());
        fixed (IntPtr* pointers = borrowed.Pointers)
        {
            NativeMethods.NNClipGradNorm(pointers, parameters.Count, maxNorm, normType, out var total).ThrowIfFailed();
            return total;
        }
    }

    /// <summary>Copies of <paramref name="tensor"/> on each device whose gradients reach it summed in device order (DataParallel's replication).</summary>
    internal static Tensor[] NnBroadcast(Tensor tensor, ReadOnlySpan<Device> devices)
    {
        Span<int> types = stackalloc int[devices.Length];
        Span<int> indices = stackalloc int[devices.Length];
        for (var i = 0; i < devices.Length; i++) (types[i], indices[i]) = ((int)devices[i].Type, devices[i].Index);
        var results = new IntPtr[devices.Length];
        using var borrow = new TensorBorrow(tensor);
        fixed (int* typePointer = types)
        fixed (int* indexPointer = indices)
        fixed (IntPtr* resultPointer = results)
            NativeMethods.NNBroadcast(borrow.Pointer, typePointer, indexPointer, devices.Length, resultPointer).ThrowIfFailed();
        return results.Select(Created.Tensor).ToArray();
    }

    /// <summary>nc_nn_rnn_flatten_parameters: whether the weights now share one cuDNN buffer.</summary>
    internal static bool NnRnnFlattenParameters(int mode, IReadOnlyList<Tensor> weights, bool hasBiases, long inputSize, long hiddenSize,
        long numLayers, bool batchFirst, bool bidirectional)
    {
        using var borrowed = BorrowedTensors.Of(weights.ToArray());
        int flattened;
        fixed (IntPtr* pointers = borrowed.Pointers)
            NativeMethods.NNRnnFlattenParameters(mode, pointers, weights.Count, hasBiases ? 1 : 0, inputSize, hiddenSize, numLayers,
                batchFirst ? 1 : 0, bidirectional ? 1 : 0, out flattened).ThrowIfFailed();
        return flattened != 0;
    }

    /// <summary>
    /// libtorch's fused recurrent kernel (mode: NativeConstants.Rnn*); the cell state is null except for LSTM. With
    /// <paramref name="batchSizes"/>, input and output are a packed sequence's data.
    /// </summary>
    internal static (Tensor Output, Tensor Hidden, Tensor? Cell) NnRnn(int mode, Tensor input, Tensor? batchSizes, Tensor hidden, Tensor? cell,
        IReadOnlyList<Tensor> weights, bool hasBiases, long numLayers, double dropout, bool training, bool bidirectional, bool batchFirst)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(hidden);
        using var borrowed = BorrowedTensors.Of(weights.ToArray());
        using var inputBorrow = new TensorBorrow(input);
        using var sizesBorrow = new TensorBorrow(batchSizes);
        using var hiddenBorrow = new TensorBorrow(hidden);
        using var cellBorrow = new TensorBorrow(cell);
        IntPtr output, hiddenOut, cellOut;
        fixed (IntPtr* pointers = borrowed.Pointers)
            NativeMethods.NNRnn(mode, inputBorrow.Pointer, sizesBorrow.Pointer, hiddenBorrow.Pointer, cellBorrow.Pointer, pointers, weights.Count, hasBiases ? 1 : 0,
                numLayers, dropout, training ? 1 : 0, bidirectional ? 1 : 0, batchFirst ? 1 : 0, out output, out hiddenOut, out cellOut).ThrowIfFailed();
        return (Created.Tensor(output), Created.Tensor(hiddenOut), cellOut == IntPtr.Zero ? null : Created.Tensor(cellOut));
    }
}
