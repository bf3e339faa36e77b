#!/usr/bin/env bash
# The packages as a NuGet user gets them: `dotnet pack` the libraries into a local folder, then a console project
# outside the repository that references Bridge.Tensor from that folder only (no project reference, no repository
# props) runs the README's C# example. Checks that the packed assemblies are ReadyToRun images for linux-x64, and that
# no public member of the packed libraries lacks XML documentation.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
feed="$root/build/nupkg"
rm -rf "$feed" && mkdir -p "$feed"
for p in src/Tensor src/Distributed src/Parity src/Python; do
  dotnet pack "$root/$p" -c Release -o "$feed" --nologo -v q
done
version="$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$root/Directory.Build.props")"
for id in Bridge.Tensor Bridge.Distributed Bridge.Parity Bridge.Python; do
  pkg="$feed/$id.$version.nupkg"
  [ -f "$pkg" ] || { echo "missing $pkg"; exit 1; }
  [ -f "$feed/$id.$version.snupkg" ] || { echo "missing symbols for $id"; exit 1; }
  nuspec="$(unzip -p "$pkg" "$id.nuspec")"
  for field in '<description>' '<license type="expression">MIT</license>' '<readme>README.md</readme>'; do
    grep -qF "$field" <<<"$nuspec" || { echo "$id.nuspec lacks $field"; exit 1; }
  done
  listing="$(unzip -l "$pkg")"  # listed once: `unzip | grep -q` would die of SIGPIPE under pipefail
  grep -q "lib/net10.0/$id.xml" <<<"$listing" || { echo "$id has no XML documentation file"; exit 1; }
  # pack compiles each library ahead of time for linux-x64 (src/Directory.Build.props): the packed dll is that image
  echo -n "$id.dll: " && unzip -p "$pkg" "lib/net10.0/$id.dll" | python3 "$root/scripts/lib/readytorun.py" - \
    || { echo "$id.dll in the package is not ReadyToRun"; exit 1; }
done

app="$(mktemp -d)"
trap 'rm -rf "$app"' EXIT
cat >"$app/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="bridge-local" value="$feed" />
  </packageSources>
  <packageSourceMapping>
    <packageSource key="bridge-local"><package pattern="Bridge.*" /></packageSource>
    <packageSource key="nuget.org"><package pattern="*" /></packageSource>
  </packageSourceMapping>
</configuration>
XML
# A fresh console app: its own Directory.Build.props stops MSBuild from finding anything of the repository's.
echo '<Project />' >"$app/Directory.Build.props"
echo '<Project />' >"$app/Directory.Packages.props"
cat >"$app/App.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <ImplicitUsings>enable</ImplicitUsings>
    <Nullable>enable</Nullable>
    <RestorePackagesPath>$app/packages</RestorePackagesPath>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Bridge.Tensor" Version="$version" />
  </ItemGroup>
</Project>
XML
cp "$root/examples/readme/csharp/Program.cs" "$app/Program.cs"
(cd "$app" && dotnet run -c Release --nologo -v q)
# The build already fails on a missing comment (CS1591 is an error under src/Directory.Build.props); this count says how
# many there are, in case a local override (NoWarn, TreatWarningsAsErrors=false) let a build through without them.
# Bridge.Tensor is compiled once; the others compile against it (BuildProjectReferences=false).
for p in src/Tensor src/Distributed src/Parity src/Python; do
  only=()
  [ "$p" = src/Tensor ] || only=(-p:BuildProjectReferences=false)
  undocumented="$(cd "$root" && dotnet build "$p" -c Release --nologo -v q -p:TreatWarningsAsErrors=false --no-incremental "${only[@]}" 2>&1 \
    | { grep -o 'warning CS1591: .*' || true; } | sed 's/ \[[^]]*\]$//' | sort -u | wc -l)"  # no match: grep exits 1
  echo "$p: public members without XML documentation: $undocumented"
  [ "$undocumented" -eq 0 ] || { echo "$p has undocumented public members (CS1591): document them"; exit 1; }
done
echo "nuget packages OK: the README's C# example ran from Bridge.Tensor $version installed from $feed"
