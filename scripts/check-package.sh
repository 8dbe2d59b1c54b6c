#!/usr/bin/env bash
# The package as a user gets it: a fresh console application (tests/PackageConsumer, copied out of the repository)
# references NeuralCore and NeuralCore.Training by version from artifacts/packages (made by `dotnet cake --target=Pack`),
# builds and runs, first with the prebuilt native library, then with NEURALCORE_BUILD_NATIVE=1, which compiles the
# shim from the package's sources on the first build. Each run trains, saves, loads and says which library it loaded.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
version="$(sed -n 's:.*<VersionPrefix>\(.*\)</VersionPrefix>.*:\1:p' "$root/Directory.Build.props")"
feed="$root/artifacts/packages"
[ -f "$feed/NeuralCore.$version.nupkg" ] || { echo "no $feed/NeuralCore.$version.nupkg: run dotnet cake --target=Pack" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# A cache of its own, so that a package packed again under the same version is never taken from an older cache;
# the machine's cache serves the other packages.
export NUGET_PACKAGES="$work/packages"
cat > "$work/nuget.config" <<XML
<configuration>
  <packageSources><add key="neuralcore-local" value="$feed" /></packageSources>
  <fallbackPackageFolders><add key="machine" value="$HOME/.nuget/packages" /></fallbackPackageFolders>
</configuration>
XML

run() {  # $1: folder, $2: expected origin of libneuralcore.so (prebuilt | built)
  local app="$1"
  cp "$root/tests/PackageConsumer/PackageConsumer.csproj" "$root/tests/PackageConsumer/Program.cs" "$app/"
  dotnet build "$app" -c Release -p:NeuralCoreVersion="$version" -nologo -v minimal
  local output
  output="$(cd "$app" && dotnet bin/Release/net10.0/PackageConsumer.dll)"
  echo "$output"
  local native
  native="$(echo "$output" | sed -n 's/^native //p')"
  case "$2" in
    prebuilt) [[ "$native" == */runtimes/linux-x64/native/libneuralcore.so ]] || { echo "expected the prebuilt library, loaded $native" >&2; exit 1; } ;;
    built) [[ "$native" == "$app/bin/Release/net10.0/libneuralcore.so" ]] || { echo "expected the library built from source, loaded $native" >&2; exit 1; } ;;
  esac
}

mkdir "$work/prebuilt" "$work/source"
echo "== with the prebuilt native library"
(cd "$work" && NEURALCORE_BUILD_NATIVE=0 run "$work/prebuilt" prebuilt)
echo "== compiling the native library from the package's sources"
(cd "$work" && NEURALCORE_BUILD_NATIVE=1 run "$work/source" built)
echo "package check passed: NeuralCore $version, prebuilt and from source"
