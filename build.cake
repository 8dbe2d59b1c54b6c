// The whole pipeline as named tasks: dotnet tool restore && dotnet cake --target=<Task>
var target = Argument("target", "Test");
var configuration = Argument("configuration", "Release");
var nativeDir = "artifacts/native";

void Run(string file, string arguments)
{
    Information($"> {file} {arguments}");
    var exitCode = StartProcess(file, new ProcessSettings { Arguments = arguments });
    if (exitCode != 0) throw new CakeException($"{file} {arguments} exited with {exitCode}");
}

Task("Prerequisites")
    .Description("Installs cmake, g++, libtorch, OpenBLAS, Fashion-MNIST and python3-torch where missing.")
    .Does(() => Run("bash", "scripts/install-prerequisites.sh"));

Task("Generate")
    .Description("Regenerates the op surface from tools/OpGen/ops.yaml (C ABI, shim, interop, facade, golden cases).")
    .Does(() => Run("dotnet", "run -c Release --project tools/OpGen"));

Task("CheckGenerated")
    .Description("Fails when a generated file differs from what tools/OpGen/ops.yaml gives (someone edited it, or forgot to regenerate).")
    .Does(() => Run("dotnet", "run -c Release --project tools/OpGen -- --check"));

Task("Native")
    .Description("Builds libneuralcore with CMake against the machine's libtorch (LIBTORCH to choose another).")
    .IsDependentOn("Prerequisites")
    .IsDependentOn("CheckGenerated")
    .Does(() =>
    {
        if (!FileExists($"{nativeDir}/Makefile")) Run("cmake", $"-S native -B {nativeDir} -DCMAKE_BUILD_TYPE=Release");
        Run("cmake", $"--build {nativeDir} -j2");
    });

Task("PortabilityCheck")
    .Description("Compiles the shim against Debian 13's libtorch 2.x headers, downloaded into artifacts/.")
    .Does(() => Run("bash", "scripts/check-libtorch2.sh"));

Task("Build")
    .IsDependentOn("Native")
    .Does(() => DotNetBuild("NeuralCore.sln", new DotNetBuildSettings { Configuration = configuration }));

Task("Test")
    .Description("Runs the whole test suite.")
    .IsDependentOn("Build")
    .Does(() => DotNetTest("NeuralCore.sln", new DotNetTestSettings
    {
        Configuration = configuration,
        NoBuild = true,
    }));

Task("Pack")
    .Description("Packs NeuralCore (with the prebuilt native library and the shim's sources), NeuralCore.Training and NeuralCore.Vision into artifacts/packages.")
    .IsDependentOn("Native")
    .Does(() =>
    {
        foreach (var project in new[] { "src/NeuralCore", "src/NeuralCore.Training", "src/NeuralCore.Vision" })
            DotNetPack(project, new DotNetPackSettings { Configuration = configuration, OutputDirectory = "artifacts/packages" });
    });

Task("PackageCheck")
    .Description("Builds and runs a fresh application against the packages, with the prebuilt native library and compiled from source.")
    .IsDependentOn("Pack")
    .Does(() => Run("bash", "scripts/check-package.sh"));

Task("Examples")
    .Description("Runs each example program in its quick smoke mode.")
    .IsDependentOn("Build")
    .Does(() =>
    {
        foreach (var project in GetFiles("examples/*/*.csproj"))
            Run("dotnet", $"run --no-build -c {configuration} --project {project} -- --smoke");
        Run("dotnet", $"run --no-build -c {configuration} --project examples/Cnn -- --smoke --devices cpu,cpu");
        Run("dotnet", $"run --no-build -c {configuration} --project examples/Cnn -- --synthetic --epochs 1 --max-steps 4 --accumulate 2 --output artifacts/accumulate-smoke");
    });

Task("Run")
    .Description("The main job: trains the CNN example on Fashion-MNIST with its defaults.")
    .IsDependentOn("Build")
    .Does(() => Run("dotnet", $"run --no-build -c {configuration} --project examples/Cnn"));

Task("Compare")
    .Description("Trains both examples with NeuralCore and PyTorch side by side and prints accuracy and epoch time.")
    .IsDependentOn("Build")
    .Does(() => Run("bash", "bench/compare-examples.sh 2 0 1"));

Task("Bench")
    .Description("Runs the training-step cases in NeuralCore, PyTorch and C++ libtorch side by side and prints the table.")
    .IsDependentOn("Build")
    .Does(() => Run("bash", "bench/compare-steps.sh"));

Task("NaiveLoop")
    .Description("Runs the contract CNN for 10,000 steps with no Dispose and no scope, printing resident memory.")
    .IsDependentOn("Build")
    .Does(() => Run("dotnet", "run -c Release --project bench/NeuralCore.Benchmarks -- --naive-loop 10000"));

Task("ScopedLoop")
    .Description("Runs the contract CNN for 10,000 steps with a scope per step, printing resident memory against step 100.")
    .IsDependentOn("Build")
    .Does(() => Run("dotnet", "run -c Release --project bench/NeuralCore.Benchmarks -- --scoped-loop 10000"));

Task("Fuzz")
    .Description("Coverage-guided fuzzing of a file reader with AFL++ and SharpFuzz: --reader=safetensors|checkpoint|torchscript --seconds=1800.")
    .Does(() => Run("bash", $"scripts/fuzz.sh {Argument("reader", "safetensors")} {Argument("seconds", 1800)}"));

Task("BenchmarkDotNet")
    .Description("Runs the cases under BenchmarkDotNet (statistics, allocations per step).")
    .IsDependentOn("Build")
    .Does(() => Run("dotnet", "run -c Release --project bench/NeuralCore.Benchmarks -- --filter *"));

Task("PrepareGpuCheck")
    .Description("Packs what the GPU check carries (runtime, built assemblies, test runner, data) into .gpu-carry/.")
    .Does(() => Run("bash", "scripts/prepare-gpu-check.sh"));

Task("GpuCheckDryRun")
    .Description("Runs the GPU check's steps here on the CPU from the packed bundle.")
    .IsDependentOn("PrepareGpuCheck")
    .Does(() => Run("bash", "scripts/gpu-check.sh --dry-run"));

RunTarget(target);
