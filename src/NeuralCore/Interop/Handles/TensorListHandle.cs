using Microsoft.Win32.SafeHandles;

namespace NeuralCore.Interop.Handles;

/// <summary>Owns a native list of tensors that an operator returned; releasing it calls <c>nc_tensor_list_free</c>.</summary>
internal sealed class TensorListHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public TensorListHandle() : base(ownsHandle: true) { }  // LibraryImport needs a public parameterless constructor

    protected override bool ReleaseHandle()
    {
        NativeMethods.TensorListFree(handle);
        return true;
    }
}
