using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NeuralCore.Interop;

/// <summary>
/// Finds libneuralcore: <c>NEURALCORE_NATIVE</c> (a file or folder), beside the assembly, then
/// <c>runtimes/&lt;rid&gt;/native/</c>. Explains what is missing when it cannot be loaded.
/// </summary>
internal static class NativeLibraryLoader
{
    private const string FileName = "libneuralcore.so";

    // The runtime asks the resolver once per imported function; load and initialise once.
    private static readonly object Gate = new();
    private static IntPtr loaded;

#pragma warning disable CA2255 // the resolver must be in place before the first P/Invoke, whatever the application
    [ModuleInitializer]
    internal static void Register() => NativeLibrary.SetDllImportResolver(typeof(NativeLibraryLoader).Assembly, Resolve);
#pragma warning restore CA2255

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != LibraryNames.Native) return IntPtr.Zero;
        lock (Gate)
        {
            if (loaded == IntPtr.Zero) loaded = Load();
            return loaded;
        }
    }

    private static IntPtr Load()
    {
        // An explicit choice that does not work is an error, never a quiet fallback to another copy.
        var configured = Environment.GetEnvironmentVariable("NEURALCORE_NATIVE");
        if (!string.IsNullOrEmpty(configured))
        {
            var path = Directory.Exists(configured) ? Path.Combine(configured, FileName) : configured;
            if (!File.Exists(path))
                throw new DllNotFoundException($"NEURALCORE_NATIVE names {path}, which does not exist; unset it to use the library beside the assembly.");
            try
            {
                return LoadChecked(path);
            }
            catch (DllNotFoundException e)
            {
                throw new DllNotFoundException($"NEURALCORE_NATIVE names {path}, which cannot be loaded as NeuralCore's native library: {e.Message}", e);
            }
        }
        var candidates = Candidates().ToList();
        var failures = new List<string>();
        foreach (var path in candidates.Where(File.Exists))
        {
            try
            {
                return LoadChecked(path);
            }
            catch (DllNotFoundException e)
            {
                failures.Add($"{path}: {e.Message}");
            }
        }
        var detail = failures.Count > 0
            ? "it was found but could not be loaded (is libtorch installed, and the one it was built against?):\n  " + string.Join("\n  ", failures)
            : "looked in:\n  " + string.Join("\n  ", candidates);
        throw new DllNotFoundException(
            $"NeuralCore's native library {FileName} is missing or unusable; {detail}\n" +
            "Build it with `dotnet build` (runs CMake; needs cmake, g++ and libtorch: scripts/install-prerequisites.sh), " +
            "or point NEURALCORE_NATIVE at a built libneuralcore.so.");
    }

    // A shared library that is not libneuralcore (or an older one) would fail later with EntryPointNotFoundException.
    private static IntPtr LoadChecked(string path)
    {
        var library = NativeLibrary.Load(path);
        foreach (var export in new[] { "nc_last_error_message", "nc_runtime_set_num_threads", "nc_cuda_is_built", "nc_runtime_tune_host_allocator" })
            if (!NativeLibrary.TryGetExport(library, export, out _))
            {
                NativeLibrary.Free(library);
                throw new DllNotFoundException($"{path} does not export {export}: it is not this version's libneuralcore.so");
            }
        Initialize(library);
        return library;
    }

    private static IEnumerable<string> Candidates()
    {
        var baseDirectory = AppContext.BaseDirectory;
        var assemblyDirectory = Path.GetDirectoryName(typeof(NativeLibraryLoader).Assembly.Location);
        foreach (var directory in new[] { assemblyDirectory, baseDirectory }.Where(d => !string.IsNullOrEmpty(d)).Distinct())
        {
            yield return Path.Combine(directory!, FileName);
            yield return Path.Combine(directory!, "runtimes", RuntimeInformation.RuntimeIdentifier, "native", FileName);
        }
    }

    private static unsafe void Initialize(IntPtr library)
    {
        // glibc's default dynamic mmap threshold makes every large tensor of a training step a fresh mmap whose pages
        // fault in again; keep them in the heap (32 MiB is glibc's ceiling) unless the user tuned malloc already.
        if (Environment.GetEnvironmentVariable("NEURALCORE_TUNE_MALLOC") != "0" &&
            Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") is null && Environment.GetEnvironmentVariable("MALLOC_TRIM_THRESHOLD_") is null)
        {
            var tune = (delegate* unmanaged<long, long, int>)NativeLibrary.GetExport(library, "nc_runtime_tune_host_allocator");
            tune(32L << 20, 256L << 20);
        }

        // Debian's libtorch starts with half the cores as intra-op threads; use every core this process may use.
        var setThreads = (delegate* unmanaged<int, NativeStatus>)NativeLibrary.GetExport(library, "nc_runtime_set_num_threads");
        if (Environment.GetEnvironmentVariable("OMP_NUM_THREADS") is null)
            setThreads(Environment.ProcessorCount);

        // A libtorch with CUDA whose CUDA cannot start (no driver, a driver too old, no device) would otherwise
        // quietly train on the CPU; say why once, as PyTorch warns.
        var cudaBuilt = (delegate* unmanaged<int>)NativeLibrary.GetExport(library, "nc_cuda_is_built");
        if (cudaBuilt() != 0)
        {
            var reasonOf = (delegate* unmanaged<byte*, int, int>)NativeLibrary.GetExport(library, "nc_cuda_unavailable_reason");
            var buffer = stackalloc byte[1024];
            if (reasonOf(buffer, 1024) > 0)
                Console.Error.WriteLine($"NeuralCore: the linked libtorch has CUDA, but CUDA cannot be used: {Marshal.PtrToStringUTF8((IntPtr)buffer)}");
        }
    }
}
