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
        var pack = Repository.Run("dotnet", $"pack src/Cli -c Release -o \"{packages}\" -p:UseAppHost=true", root);
        Assert.True(pack.ExitCode == 0, "dotnet pack failed:\n" + pack.Output);
        string package = Assert.Single(Directory.GetFiles(packages, "GpuRnn.Cli.*.nupkg"));
        // ≤ 40 MB with the plot's native library for exactly the platforms the README lists.
        Assert.InRange(new FileInfo(package).Length, 1, 40_000_000);
        using (var zip = System.IO.Compression.ZipFile.OpenRead(package))
        {
            var natives = zip.Entries.Select(e => e.FullName).Where(n => n.Contains("/runtimes/", StringComparison.Ordinal)).ToList();
            var platforms = natives.Select(n => n.Split("/runtimes/")[1].Split('/')[0]).Distinct().Order().ToList();
            Assert.Equal(["linux-arm64", "linux-musl-x64", "linux-x64", "osx", "win-arm64", "win-x64"], platforms);
            Assert.DoesNotContain(natives, n => n.EndsWith(".pdb", StringComparison.Ordinal) || n.Contains("HarfBuzz", StringComparison.Ordinal));
        }

        var install = Repository.Run("dotnet", $"tool install GpuRnn.Cli --tool-path \"{tools}\" --add-source \"{packages}\"", root);
        Assert.True(install.ExitCode == 0, "dotnet tool install failed:\n" + install.Output);

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
}
