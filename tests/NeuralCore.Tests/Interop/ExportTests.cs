using System.Reflection;
using System.Runtime.InteropServices;

namespace NeuralCore.Tests;

/// <summary>Every entry point the interop layer imports is exported by the built library, so a missing one fails here, not at a user's first call.</summary>
public class ExportTests
{
    [Fact]
    public void EveryImportedEntryPoint_IsExportedByLibneuralcore()
    {
        var imports = typeof(Tensor).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.DeclaredOnly))
            .Select(m => m.GetCustomAttribute<LibraryImportAttribute>() is { } import && import.LibraryName == "neuralcore" ? import.EntryPoint ?? m.Name : null)
            .OfType<string>()
            .Distinct()
            .ToList();
        imports.Should().HaveCountGreaterThan(200, "the interop layer imports the whole C ABI");
        // The library NeuralCore itself loads: NEURALCORE_NATIVE where set (the GPU check builds it elsewhere), else beside the assembly.
        var configured = Environment.GetEnvironmentVariable("NEURALCORE_NATIVE");
        var path = string.IsNullOrEmpty(configured)
            ? Path.Combine(Path.GetDirectoryName(typeof(Tensor).Assembly.Location)!, "libneuralcore.so")
            : Directory.Exists(configured) ? Path.Combine(configured, "libneuralcore.so") : configured;
        var library = NativeLibrary.Load(path);
        var missing = imports.Where(name => !NativeLibrary.TryGetExport(library, name, out _)).ToList();
        missing.Should().BeEmpty("every LibraryImport needs its export");
    }
}
