using System.Runtime.InteropServices;
using NeuralCore.Interop.Handles;

namespace NeuralCore.Interop;

// nc_nn.h. Optional tensors are passed as TensorHandle.Null.
internal static unsafe partial class NativeMethods
{
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_nn_linear")] internal static partial NativeStatus NNLinear(TensorHandle input, TensorHandle weight, TensorHandle bias, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_nn_convolution")] internal static partial NativeStatus NNConvolution(TensorHandle input, TensorHandle weight, TensorHandle bias, long* stride, long* padding, long* dilation, int transposed, long* outputPadding, int spatialDims, long groups, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_nn_max_pool")] internal static partial NativeStatus NNMaxPool(TensorHandle input, long* kernelSize, long* stride, long* padding, long* dilation, int spatialDims, int ceilMode, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_nn_avg_pool2d")] internal static partial NativeStatus NNAvgPool2d(TensorHandle input, long* kernelSize, long* stride, long* padding, int ceilMode, int countIncludePad, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_nn_adaptive_avg_pool2d")] internal static partial NativeStatus NNAdaptiveAvgPool2d(TensorHandle input, long* outputSize, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_nn_batch_norm")] internal static partial NativeStatus NNBatchNorm(TensorHandle input, TensorHandle weight, TensorHandle bias, TensorHandle runningMean, TensorHandle runningVar, int training, double momentum, double eps, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_nn_layer_norm")] internal static partial NativeStatus NNLayerNorm(TensorHandle input, long* normalizedShape, int dimensions, TensorHandle weight, TensorHandle bias, double eps, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_nn_dropout")] internal static partial NativeStatus NNDropout(TensorHandle input, double probability, int training, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_nn_embedding")] internal static partial NativeStatus NNEmbedding(TensorHandle weight, TensorHandle indices, long paddingIndex, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_nn_leaky_relu")] internal static partial NativeStatus NNLeakyRelu(TensorHandle input, double negativeSlope, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_nn_gelu")] internal static partial NativeStatus NNGelu(TensorHandle input, int tanhApproximation, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_nn_silu")] internal static partial NativeStatus NNSilu(TensorHandle input, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_nn_rnn")] internal static partial NativeStatus NNRnn(int mode, TensorHandle input, TensorHandle hidden, TensorHandle cell, IntPtr* parameters, int parameterCount, int hasBiases, long numLayers, double dropout, int training, int bidirectional, int batchFirst, out TensorHandle output, out TensorHandle hiddenOut, out TensorHandle cellOut);

    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_nn_cross_entropy")] internal static partial NativeStatus NNCrossEntropy(TensorHandle input, TensorHandle target, TensorHandle weight, int reduction, long ignoreIndex, double labelSmoothing, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_nn_nll_loss")] internal static partial NativeStatus NNNllLoss(TensorHandle input, TensorHandle target, TensorHandle weight, int reduction, long ignoreIndex, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_nn_mse_loss")] internal static partial NativeStatus NNMseLoss(TensorHandle input, TensorHandle target, int reduction, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_nn_l1_loss")] internal static partial NativeStatus NNL1Loss(TensorHandle input, TensorHandle target, int reduction, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_nn_smooth_l1_loss")] internal static partial NativeStatus NNSmoothL1Loss(TensorHandle input, TensorHandle target, int reduction, double beta, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_nn_huber_loss")] internal static partial NativeStatus NNHuberLoss(TensorHandle input, TensorHandle target, int reduction, double delta, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_nn_binary_cross_entropy")] internal static partial NativeStatus NNBinaryCrossEntropy(TensorHandle input, TensorHandle target, TensorHandle weight, int reduction, out TensorHandle result);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_nn_binary_cross_entropy_with_logits")] internal static partial NativeStatus NNBinaryCrossEntropyWithLogits(TensorHandle input, TensorHandle target, TensorHandle weight, TensorHandle positiveWeight, int reduction, out TensorHandle result);

    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_nn_uniform_inplace")] internal static partial NativeStatus NNUniformInPlace(TensorHandle tensor, double low, double high);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_nn_normal_inplace")] internal static partial NativeStatus NNNormalInPlace(TensorHandle tensor, double mean, double std);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_nn_set_data")] internal static partial NativeStatus NNSetData(TensorHandle tensor, TensorHandle data);
    [LibraryImport(LibraryNames.Native, EntryPoint = "nc_nn_clip_grad_norm")] internal static partial NativeStatus NNClipGradNorm(IntPtr* parameters, int count, double maxNorm, double normType, out double totalNorm);
}
