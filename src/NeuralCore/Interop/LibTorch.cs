using NeuralCore.Interop.Handles;

namespace NeuralCore.Interop;

// What the generated wrappers (NativeMethods.Ops.g.cs) share: turning returned handles into facade tensors.
internal static unsafe partial class LibTorch
{
    internal static void CheckDimensions(ReadOnlySpan<long> dims)
    {
        if (dims.Length == 0) throw new ArgumentException("give at least one dimension, or call the overload without dimensions", nameof(dims));
    }

    /// <summary>Wraps native results as facade objects; the only reader of the shim's created-bytes record.</summary>
    internal static class Created
    {
        [ThreadStatic] private static long* createdBytes;

        /// <summary>The tensor an op returned on this thread (its pointer; failures leave it zero, so nothing leaks).</summary>
        internal static Tensor Tensor(NativeStatus status, IntPtr result)
        {
            status.ThrowIfFailed();
            return NeuralCore.Tensor.Adopt(result, LastCreatedBytes);
        }

        // The size the shim recorded for the tensor it wrapped last on this thread: a memory read, not a second call.
        private static long LastCreatedBytes
        {
            get
            {
                if (createdBytes == null) createdBytes = NativeMethods.RuntimeCreatedBytesAddress();
                return *createdBytes;
            }
        }

        /// <summary>One of several results of a call: its size is read from the tensor itself.</summary>
        internal static Tensor Tensor(IntPtr result) => NeuralCore.Tensor.Adopt(result, NativeMethods.TensorNumberOfBytes(result));

        internal static Tensor[] List(NativeStatus status, TensorListHandle result)
        {
            using (result)
            {
                status.ThrowIfFailed();
                var count = NativeMethods.TensorListSize(result);
                var tensors = new Tensor[count];
                try
                {
                    for (var i = 0; i < count; i++)
                    {
                        NativeMethods.TensorListGet(result, i, out var item).ThrowIfFailed();
                        tensors[i] = Tensor(item);
                    }
                }
                catch
                {
                    foreach (var tensor in tensors) tensor?.Dispose();
                    throw;
                }
                return tensors;
            }
        }
    }
}
