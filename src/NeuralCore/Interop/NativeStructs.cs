using System.Runtime.InteropServices;

namespace NeuralCore.Interop;

[StructLayout(LayoutKind.Sequential)]
internal struct NativeScalar
{
    public double Real;
    public long Integer;
    public int Kind;
    public int Reserved;
}

[StructLayout(LayoutKind.Sequential)]
internal struct NativeTensorInfo
{
    public long NumberOfElements;
    public long NumberOfBytes;
    public int DType;
    public int DeviceType;
    public int DeviceIndex;
    public int Dimensions;
    public int RequiresGrad;
    public int IsLeaf;
    public int Defined;
    public int IsContiguous;
}

[StructLayout(LayoutKind.Sequential)]
internal struct NativeIndex
{
    public const int Integer = NativeConstants.IndexInteger, Slice = NativeConstants.IndexSlice, Ellipsis = NativeConstants.IndexEllipsis,
        None = NativeConstants.IndexNone, Boolean = NativeConstants.IndexBoolean;
    public const int HasStart = NativeConstants.SliceHasStart, HasStop = NativeConstants.SliceHasStop;

    public int Kind;
    public int Flags;
    public long Start;
    public long Stop;
    public long Step;
}
