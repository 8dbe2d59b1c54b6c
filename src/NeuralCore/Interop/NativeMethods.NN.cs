using System.Runtime.InteropServices;
using NeuralCore.Interop.Handles;

namespace NeuralCore.Interop;

// nc_nn.h. Optional tensors are passed as TensorHandle.Null.
internal static unsafe partial class NativeMethods
{
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_nn_rnn")] internal static partial NativeStatus NNRnn(int mode, TensorHandle input, TensorHandle hidden, TensorHandle cell, IntPtr* parameters, int parameterCount, int hasBiases, long numLayers, double dropout, int training, int bidirectional, int batchFirst, out TensorHandle output, out TensorHandle hiddenOut, out TensorHandle cellOut);

    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_nn_uniform_inplace")] internal static partial NativeStatus NNUniformInPlace(TensorHandle tensor, double low, double high);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_nn_normal_inplace")] internal static partial NativeStatus NNNormalInPlace(TensorHandle tensor, double mean, double std);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_nn_set_data")] internal static partial NativeStatus NNSetData(TensorHandle tensor, TensorHandle data);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_nn_clip_grad_norm")] internal static partial NativeStatus NNClipGradNorm(IntPtr* parameters, int count, double maxNorm, double normType, out double totalNorm);
}

// The checked forms of nc_nn.h for the facade.
internal static unsafe partial class LibTorch
{
    internal static void NnUniformInPlace(Tensor tensor, double low, double high) => NativeMethods.NNUniformInPlace(tensor.Handle, low, high).ThrowIfFailed();

    internal static void NnNormalInPlace(Tensor tensor, double mean, double std) => NativeMethods.NNNormalInPlace(tensor.Handle, mean, std).ThrowIfFailed();

    internal static void TensorSetData(Tensor tensor, Tensor data) => NativeMethods.NNSetData(tensor.Handle, data.Handle).ThrowIfFailed();

    /// <summary>normType 0 means the infinity norm.</summary>
    internal static double NnClipGradNorm(IReadOnlyList<Tensor> parameters, double maxNorm, double normType)
    {
        using var borrowed = BorrowedHandles.Of(parameters.ToArray());
        fixed (IntPtr* pointers = borrowed.Pointers)
        {
            NativeMethods.NNClipGradNorm(pointers, parameters.Count, maxNorm, normType, out var total).ThrowIfFailed();
            return total;
        }
    }

    /// <summary>libtorch's fused recurrent kernel (mode: NativeConstants.Rnn*); the cell state is null except for LSTM.</summary>
    internal static (Tensor Output, Tensor Hidden, Tensor? Cell) NnRnn(int mode, Tensor input, Tensor hidden, Tensor? cell,
        IReadOnlyList<Tensor> weights, bool hasBiases, long numLayers, double dropout, bool training, bool bidirectional, bool batchFirst)
    {
        using var borrowed = BorrowedHandles.Of(weights.ToArray());
        NativeStatus status;
        TensorHandle output, hiddenOut, cellOut;
        fixed (IntPtr* pointers = borrowed.Pointers)
            status = NativeMethods.NNRnn(mode, input.Handle, hidden.Handle, cell?.Handle ?? TensorHandle.Null, pointers, weights.Count,
                hasBiases ? 1 : 0, numLayers, dropout, training ? 1 : 0, bidirectional ? 1 : 0, batchFirst ? 1 : 0, out output, out hiddenOut, out cellOut);
        Created.ThrowIfFailed(status, output, hiddenOut, cellOut);
        var cellResult = cellOut.IsInvalid ? null : Created.Tensor(cellOut);
        if (cellResult is null) cellOut.Dispose();
        return (Created.Tensor(output), Created.Tensor(hiddenOut), cellResult);
    }
}
