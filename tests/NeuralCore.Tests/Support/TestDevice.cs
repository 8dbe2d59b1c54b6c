namespace NeuralCore.Tests.Support;

/// <summary>
/// The device that device-generic tests run on: NEURALCORE_TEST_DEVICE ("cpu" by default; the GPU check sets "cuda").
/// Tests that compare a CUDA run with a CPU run skip, with the reason, where CUDA is absent.
/// </summary>
public static class TestDevice
{
    public static Device Current { get; } = Device.Parse(Environment.GetEnvironmentVariable("NEURALCORE_TEST_DEVICE") ?? "cpu");

    public static bool IsCuda => Current.Type == DeviceType.Cuda;

    /// <summary>Skips the calling test unless CUDA can be used.</summary>
    public static void RequireCuda() =>
        Skip.IfNot(Cuda.IsAvailable, $"needs a CUDA device: {Cuda.UnavailableReason}");

    /// <summary>The CUDA device a CUDA test uses (the test device when it is CUDA, else cuda:0).</summary>
    public static Device CudaDevice => IsCuda ? Current : Device.Cuda(0);

    // cuDNN convolutions run in TF32 on Ampere and later by default (as in PyTorch): 10-bit mantissas.
    public const double CudaRelativeTolerance = 2e-3;
    public const double CudaAbsoluteTolerance = 2e-4;
}

/// <summary>Where the test assembly and its fixtures are (a console runner's base directory is the runner's own).</summary>
public static class TestPaths
{
    public static string Directory { get; } = Path.GetDirectoryName(typeof(TestPaths).Assembly.Location)!;

    /// <summary>The built assembly of another project of the repository, in this build's configuration (bin/&lt;configuration&gt;/net10.0).</summary>
    /// <param name="project">The project folder relative to the repository root, e.g. "tests/NeuralCore.Probe".</param>
    public static string ProjectOutput(string project, string assembly)
    {
        var configuration = new DirectoryInfo(Directory).Parent!.Name;
        var root = Path.GetFullPath(Path.Combine(Directory, "..", "..", "..", "..", ".."));
        return Path.Combine(root, project, "bin", configuration, "net10.0", assembly);
    }
}

/// <summary>
/// Whether SkiaSharp's native library loads, which NeuralCore.Vision's image files need. The GPU check leaves it
/// behind (its bundle has a size limit) and skips those tests there, with this reason.
/// </summary>
public static class SkiaSharpSupport
{
    private static readonly Lazy<bool> Loads = new(() =>
    {
        try
        {
            _ = SkiaSharp.SkiaSharpVersion.Native;
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException)
        {
            return false;
        }
    });

    public static void Require() => Skip.IfNot(Loads.Value, "needs SkiaSharp's native library (libSkiaSharp.so), which the GPU check does not carry");
}
