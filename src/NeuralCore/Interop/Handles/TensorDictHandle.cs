using Microsoft.Win32.SafeHandles;

namespace NeuralCore.Interop.Handles;

/// <summary>Owns a native list of named tensors; releasing it calls <c>nc_tensor_dict_free</c>.</summary>
internal sealed class TensorDictHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public TensorDictHandle() : base(ownsHandle: true) { }

    protected override bool ReleaseHandle()
    {
        NativeMethods.TensorDictFree(handle);
        return true;
    }
}
