using NeuralCore.OpGen;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

// Generates the op surface from tools/OpGen/ops.yaml. `--check` writes nothing and fails when a committed file differs.
var check = args.Contains("--check");
var root = FindRoot();
var tablePath = Path.Combine(root, "tools", "OpGen", "ops.yaml");
var table = new DeserializerBuilder()
    .WithNamingConvention(UnderscoredNamingConvention.Instance)
    .Build()
    .Deserialize<Table>(File.ReadAllText(tablePath));

var duplicates = table.Ops.GroupBy(o => o.CFunction).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
if (duplicates.Count > 0) return Fail($"C functions named twice: {string.Join(", ", duplicates)} (give one row a different 'c')");

var cases = GoldenEmitter.Cases(table);
var outputs = new Dictionary<string, string>
{
    ["native/include/neuralcore/nc_ops.h"] = NativeEmitter.Header(table),
    ["native/src/ops_generated.cpp"] = NativeEmitter.Source(table),
    ["src/NeuralCore/Interop/NativeMethods.Ops.g.cs"] = ManagedEmitter.Interop(table),
    ["src/NeuralCore/Tensor/Tensor.Ops.g.cs"] = ManagedEmitter.Facade(table, "Tensor"),
    ["src/NeuralCore/NN/Functional.g.cs"] = ManagedEmitter.Facade(table, "Functional"),
    ["src/NeuralCore/Linalg.g.cs"] = ManagedEmitter.Facade(table, "Linalg"),
    ["src/NeuralCore/Fourier.g.cs"] = ManagedEmitter.Facade(table, "Fourier"),
    ["src/NeuralCore/Interop/NativeConstants.g.cs"] = ConstantsEmitter.Constants(root),
    ["tests/NeuralCore.Tests/Fixtures/op_cases.json"] = GoldenEmitter.Json(table, cases),
    ["tests/NeuralCore.Tests/Tensor/OpCases.g.cs"] = GoldenEmitter.Tests(cases),
};

var stale = new List<string>();
foreach (var (relative, content) in outputs)
{
    var path = Path.Combine(root, relative);
    var current = File.Exists(path) ? File.ReadAllText(path) : null;
    if (current == content) continue;
    if (check) stale.Add(relative);
    else File.WriteAllText(path, content);
}
if (check && stale.Count > 0)
    return Fail($"generated files differ from tools/OpGen/ops.yaml: {string.Join(", ", stale)}. Run `dotnet run --project tools/OpGen` and commit the result.");
var functions = table.Ops.Sum(o => (o.HasOutOfPlace ? 1 : 0) + (o.HasInPlace ? 1 : 0));
Console.WriteLine($"{table.Ops.Count} rows ({functions} C functions, {cases.Count} golden cases): " +
    (check ? "generated files are up to date" : $"{outputs.Count} files written"));
return 0;

static int Fail(string message)
{
    Console.Error.WriteLine($"OpGen: {message}");
    return 1;
}

static string FindRoot()
{
    for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        if (File.Exists(Path.Combine(directory.FullName, "NeuralCore.sln"))) return directory.FullName;
    for (var directory = new DirectoryInfo(Directory.GetCurrentDirectory()); directory is not null; directory = directory.Parent)
        if (File.Exists(Path.Combine(directory.FullName, "NeuralCore.sln"))) return directory.FullName;
    throw new DirectoryNotFoundException("run from inside the NeuralCore repository");
}
