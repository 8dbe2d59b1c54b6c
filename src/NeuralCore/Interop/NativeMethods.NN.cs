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
