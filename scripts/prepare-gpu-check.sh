#!/usr/bin/env bash
# Prepares what the GPU check (scripts/gpu-check.sh) carries to a machine with a GPU, a pip torch with CUDA and no .NET:
# one archive, .gpu-carry/bundle.tar.xz (git-ignored), holding the .NET runtime, the built test and example
# assemblies at their repository paths (without this machine's libneuralcore.so: the check builds its own), the
# xunit console runner, the benchmark's timing mode, Fashion-MNIST and the King James Bible as text. Carry it with the device tool: carry: [".gpu-carry"].
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
carry="$root/.gpu-carry"
stage="$root/artifacts/gpu-stage"
configuration=Release
runner_version=2.4.1
dotnet_root="$(dirname "$(readlink -f "$(command -v dotnet)")")"
runtime_version="$(dotnet --list-runtimes | awk '$1 == "Microsoft.NETCore.App" {v = $2} END {print v}')"
data="${NEURALCORE_FASHION_MNIST:-/usr/share/datasets/fashion-mnist}"

cd "$root"
echo "prepare-gpu-check: building $configuration assemblies"
dotnet build tests/NeuralCore.Tests -c "$configuration" -v quiet -nologo
for example in Cnn Rnn CharTransformer; do dotnet build "examples/$example" -c "$configuration" -v quiet -nologo; done
dotnet build bench/NeuralCore.Benchmarks -c "$configuration" -v quiet -nologo

# The xunit console runner runs the tests with the runtime alone (dotnet test needs the SDK).
runner="$HOME/.nuget/packages/xunit.runner.console/$runner_version/tools/netcoreapp2.0"
if [ ! -f "$runner/xunit.console.dll" ]; then
  restore="$(mktemp -d)"
  cat > "$restore/restore.csproj" <<EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>
  <ItemGroup><PackageDownload Include="xunit.runner.console" Version="[$runner_version]" /></ItemGroup>
</Project>
EOF
  dotnet restore "$restore/restore.csproj" -v quiet
  rm -rf "$restore"
fi

rm -rf "$stage"
mkdir -p "$stage/dotnet" "$stage/tree" "$stage/xunit" "$stage/fashion-mnist"
echo "prepare-gpu-check: .NET runtime $runtime_version from $dotnet_root"
(cd "$dotnet_root" && cp -a dotnet host "$stage/dotnet/" && mkdir -p "$stage/dotnet/shared/Microsoft.NETCore.App" &&
  cp -a "shared/Microsoft.NETCore.App/$runtime_version" "$stage/dotnet/shared/Microsoft.NETCore.App/")
# What a run never loads: the debugger's and tracing's native parts, the alternative GCs, Visual Basic's runtime.
(cd "$stage/dotnet/shared/Microsoft.NETCore.App/$runtime_version" &&
  rm -f libmscordaccore.so libmscordbi.so libcoreclrtraceptprovider.so libclrgc.so libclrgcexp.so createdump Microsoft.VisualBasic.Core.dll)
cp -a "$runner/." "$stage/xunit/"
for project in tests/NeuralCore.Tests tests/NeuralCore.DistributedWorker tests/NeuralCore.Probe tools/Launch examples/Cnn examples/Rnn examples/CharTransformer; do
  output="$project/bin/$configuration/net10.0"
  mkdir -p "$stage/tree/$output"
  # Only this platform's native libraries of the NuGet packages; no libneuralcore.so (built there against CUDA torch).
  # The tests' fixtures travel with the tracked tree; gpu-check.sh copies them in.
  (cd "$output" && tar -cf - --exclude=libneuralcore.so --exclude='./runtimes/*' --exclude='./Fixtures' --exclude='*.xml' . ) | tar -xf - -C "$stage/tree/$output"
  # The examples' plotting library (SkiaSharp) stays behind: they then save no loss plot and say so, which keeps what
  # travels under its limit.
  if [ -d "$output/runtimes/linux-x64" ] && [[ "$project" != examples/* ]]; then
    mkdir -p "$stage/tree/$output/runtimes" && cp -a "$output/runtimes/linux-x64" "$stage/tree/$output/runtimes/"
    # SkiaSharp's native library (3 MiB compressed) stays behind too: the image-file tests skip there, saying so.
    rm -f "$stage/tree/$output/runtimes/linux-x64/native/libSkiaSharp.so"
  fi
done
# The benchmark's timing mode (--compare) alone: its two assemblies and no dependency manifest, so BenchmarkDotNet's
# assemblies (35 MiB) stay behind.
bench_output=bench/NeuralCore.Benchmarks/bin/$configuration/net10.0
mkdir -p "$stage/tree/$bench_output"
cp "$bench_output"/{NeuralCore.Benchmarks.dll,NeuralCore.Benchmarks.runtimeconfig.json,NeuralCore.dll} "$stage/tree/$bench_output/"
# Raw IDX: xz packs it a sixth smaller than the gzip files.
for file in "$data"/*-ubyte.gz; do gunzip -c "$file" > "$stage/fashion-mnist/$(basename "$file" .gz)"; done
# The character Transformer's text, rendered here by bible-kjv's program (the GPU machine has neither).
bible -p /usr/lib "gen1:1-rev22:21" > "$stage/kjv.txt"

mkdir -p "$carry"
echo "prepare-gpu-check: compressing"
# -9: a 64 MiB dictionary, so the second example's copy of the plotting libraries costs almost nothing.
tar -C "$stage" -cf - . | xz -9 -T2 > "$carry/bundle.tar.xz"
bytes=$(stat -c %s "$carry/bundle.tar.xz")
tree_bytes=$(git ls-files -z | xargs -0 stat -c %s | awk '{s += $1} END {print s}')
echo "prepare-gpu-check: $carry/bundle.tar.xz $((bytes / 1048576)) MiB; with the tracked tree $(((bytes + tree_bytes) / 1048576)) MiB of the 64 MiB a device call carries"
if [ $((bytes + tree_bytes)) -gt $((64 * 1048576)) ]; then
  echo "prepare-gpu-check: too large to carry" >&2
  exit 1
fi
