using Microsoft.Win32.SafeHandles;

namespace NeuralCore.Interop.Handles;

/// <summary>Owns a loaded TorchScript module; releasing it calls <c>nc_jit_free</c>.</summary>
internal sealed class ScriptModuleHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public ScriptModuleHandle() : base(ownsHandle: true) { }

    protected override bool ReleaseHandle()
    {
        NativeMethods.JitFree(handle);
        return true;
    }
}

/// <summary>Owns a TorchScript value; releasing it calls <c>nc_value_free</c>.</summary>
internal sealed class ValueHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public ValueHandle() : base(ownsHandle: true) { }

    protected override bool ReleaseHandle()
    {
        NativeMethods.ValueFree(handle);
        return true;
    }
}
