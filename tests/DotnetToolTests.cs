using System.IO.Compression;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;

namespace GpuRnn.Tests;

/// <summary><c>gpurnn</c> packs as a dotnet tool that installs from the local package and runs.</summary>
public class DotnetToolTests
{
    [Fact]
    public void Packs_installs_from_the_local_package_and_runs()
    {
        string root = Repository.ForPacking();

        using var dir = new TempDir();
        string packages = Path.Combine(dir.Path, "packages"), tools = Path.Combine(dir.Path, "tools");
        // As the README packs. No -p:UseAppHost=true (it changed nothing in a portable package, whose apphost the SDK
        // drops): with RID-specific packages it reaches the any build too, which has no apphost (NETSDK1084).
        // Three publishes, two of them through crossgen2: more than the default 5 minutes on a loaded machine.
        var pack = Repository.Run("dotnet", $"pack src/Cli -c Release -o \"{packages}\"", root, TimeSpan.FromMinutes(10));
        Assert.True(pack.ExitCode == 0, "dotnet pack failed:\n" + pack.Output);
        // A pointer package that names a package per RID: R2R ones for glibc and musl Linux x64, portable IL for the rest.
        var byRid = Directory.GetFiles(packages, "GpuRnn.Cli*.nupkg").ToDictionary(RidOf);
        Assert.Equal(["", "any", "linux-musl-x64", "linux-x64"], byRid.Keys.Order());
        foreach (var package in byRid.Values)
            Assert.True(new FileInfo(package).Length is > 0 and <= 40_000_000, $"{Path.GetFileName(package)}: {new FileInfo(package).Length:N0} bytes, over 40 MB");

        using (var zip = ZipFile.OpenRead(byRid[""]))
            Assert.DoesNotContain(zip.Entries, e => e.FullName.EndsWith(".dll", StringComparison.Ordinal));

        // The portable package: the plot's native library for exactly the platforms the README lists, and IL only.
        using (var zip = ZipFile.OpenRead(byRid["any"]))
        {
            var natives = zip.Entries.Select(e => e.FullName).Where(n => n.Contains("/runtimes/", StringComparison.Ordinal)).ToList();
            var platforms = natives.Select(n => n.Split("/runtimes/")[1].Split('/')[0]).Distinct().Order().ToList();
            Assert.Equal(["linux-arm64", "linux-musl-x64", "linux-x64", "osx", "win-arm64", "win-x64"], platforms);
            Assert.DoesNotContain(natives, n => n.EndsWith(".pdb", StringComparison.Ordinal) || n.Contains("HarfBuzz", StringComparison.Ordinal));
            Assert.False(IsReadyToRun(zip, "tools/net10.0/any/gpurnn.dll"), "the portable package's gpurnn.dll is precompiled for one RID");
        }

        // A RID's package: that RID's SkiaSharp native beside gpurnn.dll, the same file as the portable package's (glibc or
        // musl: a musl machine takes linux-musl-x64, which the RID graph puts before linux-x64), nothing for other
        // platforms or HarfBuzz, and our assemblies precompiled.
        foreach (string rid in new[] { "linux-x64", "linux-musl-x64" })
        {
            using var zip = ZipFile.OpenRead(byRid[rid]);
            using var portable = ZipFile.OpenRead(byRid["any"]);
            string tool = $"tools/net10.0/{rid}/";
            var natives = zip.Entries.Where(e => e.Name.StartsWith("lib", StringComparison.Ordinal) || e.FullName.Contains("/runtimes/", StringComparison.Ordinal)).ToList();
            var skia = Assert.Single(natives);
            Assert.Equal(tool + "libSkiaSharp.so", skia.FullName);
            var expected = portable.GetEntry($"tools/net10.0/any/runtimes/{rid}/native/libSkiaSharp.so")!;
            Assert.True(skia.Length == expected.Length && skia.Crc32 == expected.Crc32, $"{rid}: libSkiaSharp.so is not SkiaSharp's {rid} build");
            foreach (string assembly in new[] { "gpurnn.dll", "GpuRnn.Training.dll" })
                Assert.True(IsReadyToRun(zip, tool + assembly), $"{rid}: {assembly} is not ReadyToRun");
        }

        var install = Repository.Run("dotnet", $"tool install GpuRnn.Cli --tool-path \"{tools}\" --add-source \"{packages}\"", root);
        Assert.True(install.ExitCode == 0, "dotnet tool install failed:\n" + install.Output);
        // The package for this machine (CI's and the development machine's: linux-x64, precompiled) is the one installed.
        string installed = Assert.Single(Directory.GetDirectories(Path.Combine(tools, ".store", "gpurnn.cli"), "*", SearchOption.AllDirectories),
            d => Path.GetFileName(d).StartsWith("gpurnn.cli.", StringComparison.Ordinal));
        Assert.Equal("gpurnn.cli." + ExpectedRid(), Path.GetFileName(installed));

        var explain = Repository.Run(Path.Combine(tools, "gpurnn"), "explain", dir.Path);
        Assert.True(explain.ExitCode == 0, explain.Output);
        Assert.Contains("agree: yes", explain.Output);

        // The installed tool plots (text included) without the native libraries the package leaves out.
        string csv = Path.Combine(dir.Path, "sales.csv"), plot = Path.Combine(dir.Path, "sales.png");
        File.WriteAllLines(csv, ["Month,销售额 مبيعات", .. Enumerable.Range(0, 120).Select(i => $"{i},{50 + 40 * Math.Sin(i / 6.0) + 0.1 * i:F3}")]);
        var train = Repository.Run(Path.Combine(tools, "gpurnn"), $"train --data \"{csv}\" --epochs 1 --no-baseline --plot \"{plot}\"", dir.Path);
        Assert.True(train.ExitCode == 0, train.Output);
        Assert.True(new FileInfo(plot).Length > 10_000, "the plot was not drawn");
    }

    /// <summary>The RID a tool package is for, from its id (GpuRnn.Cli.linux-x64); "" for the pointer package GpuRnn.Cli.</summary>
    static string RidOf(string package)
    {
        using var zip = ZipFile.OpenRead(package);
        using var nuspec = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        string id = System.Xml.Linq.XDocument.Load(nuspec).Descendants().Single(e => e.Name.LocalName == "id").Value;
        return id == "GpuRnn.Cli" ? "" : id["GpuRnn.Cli.".Length..];
    }

    /// <summary>ReadyToRun images carry a managed native header (the R2R header) in their CLI header; IL-only builds
    /// leave that directory empty.</summary>
    static bool IsReadyToRun(ZipArchive zip, string entry)
    {
        using var copy = new MemoryStream();
        using (var s = zip.GetEntry(entry)?.Open() ?? throw new InvalidOperationException($"{entry} is not in the package"))
            s.CopyTo(copy);
        copy.Position = 0;
        using var pe = new PEReader(copy);
        return pe.PEHeaders.CorHeader is { ManagedNativeHeaderDirectory.Size: > 0 };
    }

    /// <summary>The package dotnet tool install should pick on this machine: the RID graph takes linux-musl-x64 before
    /// linux-x64 (which it also imports), and any wherever no RID package fits.</summary>
    static string ExpectedRid() =>
        !OperatingSystem.IsLinux() || RuntimeInformation.OSArchitecture != Architecture.X64 ? "any"
        : File.Exists("/lib/ld-musl-x86_64.so.1") ? "linux-musl-x64" : "linux-x64";
}
