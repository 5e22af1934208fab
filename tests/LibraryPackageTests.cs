using System.Diagnostics;
using System.Text.RegularExpressions;

namespace GpuRnn.Tests;

/// <summary>
/// The library is a NuGet package a user can add: GpuRnn.Training packs with its dependency GpuRnn.Kernels (same
/// version, both packed); a fresh console project installs them from a local feed and runs the README's C# snippets
/// as printed (read from README.md, not copied here), training the tutorial, a stacked 24-step model and one of two input columns.
/// </summary>
public sealed partial class LibraryPackageTests
{
    [Fact]
    public void A_fresh_project_installs_the_packages_from_a_local_feed_and_runs_the_readme_snippets()
    {
        string root = Repository.ForPacking();

        using var dir = new TempDir();
        string feed = Path.Combine(dir.Path, "feed"), app = Path.Combine(dir.Path, "app");
        // A version of its own, so that NuGet's cache never serves an earlier build of the same number.
        string version = $"0.1.0-test{DateTime.UtcNow:yyyyMMddHHmmssfff}";
        foreach (var project in new[] { "src/Kernels", "src/Training" })
        {
            var pack = Repository.Run("dotnet", $"pack {project} -c Release -o \"{feed}\" -p:Version={version}", root);
            Assert.True(pack.ExitCode == 0, $"dotnet pack {project} failed:\n{pack.Output}");
        }
        Assert.True(File.Exists(Path.Combine(feed, $"GpuRnn.Kernels.{version}.nupkg")));
        using (var zip = System.IO.Compression.ZipFile.OpenRead(Path.Combine(feed, $"GpuRnn.Training.{version}.nupkg")))
        {
            using var nuspec = new StreamReader(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
            Assert.Contains($"id=\"GpuRnn.Kernels\" version=\"{version}\"", nuspec.ReadToEnd());
        }

        Directory.CreateDirectory(app);
        // Packages land in the test's own folder, not the user's NuGet cache (which only lends what it already holds).
        string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } set ? set
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        File.WriteAllText(Path.Combine(app, "app.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><ImplicitUsings>enable</ImplicitUsings><Nullable>enable</Nullable>
                <RestorePackagesPath>{Path.Combine(dir.Path, "packages")}</RestorePackagesPath><RestoreFallbackFolders>{cache}</RestoreFallbackFolders></PropertyGroup>
              <ItemGroup><PackageReference Include="GpuRnn.Training" Version="{version}" /></ItemGroup>
            </Project>
            """);
        // Outside the repository's Directory.Build.props and central package versions, as a user's project is.
        File.WriteAllText(Path.Combine(app, "Directory.Build.props"), "<Project />");
        File.WriteAllText(Path.Combine(app, "Directory.Packages.props"), "<Project />");
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <configuration><packageSources><add key="local" value="{feed}" /><add key="nuget.org" value="https://api.nuget.org/v3/index.json" /></packageSources></configuration>
            """);
        var snippets = CSharpBlocks().Matches(File.ReadAllText(Path.Combine(root, "README.md"))).Select(m => m.Groups[1].Value)
            .Where(code => code.Contains("new TrainingRun(", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, snippets.Count);
        File.WriteAllText(Path.Combine(app, "Program.cs"), string.Join("\n", snippets));

        var run = Repository.Run("dotnet", "run -c Release", app, TimeSpan.FromMinutes(8));
        Assert.True(run.ExitCode == 0, "the README's snippets did not build or run:\n" + run.Output);
        Assert.Matches(@"test RMSE \d+\.\d{4} \(scaled\)", run.Output);
        Assert.Contains("stacked 8+4, 24 steps: test RMSE", run.Output);
        Assert.Contains("temp + load → load: test RMSE", run.Output);
    }

    [GeneratedRegex("```csharp\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlocks();
}

/// <summary>Where the sources are, and running the SDK on them, for the tests that pack.</summary>
static class Repository
{
    /// <summary>The sources, for a test that packs them; skips it, saying why, where they or the SDK are not here (the GPU machine has only the runtime).</summary>
    public static string ForPacking()
    {
        string? root = Root();
        if (root is null) Assert.Skip("the repository (GpuRnn.sln) is not above the test binaries: packing needs the sources");
        if (!HasSdk(root)) Assert.Skip("no .NET SDK here (only the runtime): cannot pack");
        return root;
    }

    public static string? Root()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "GpuRnn.sln"))) return d.FullName;
        return null;
    }

    public static bool HasSdk(string cwd)
    {
        try { return Run("dotnet", "--list-sdks", cwd).Output.Trim().Length > 0; }
        catch (System.ComponentModel.Win32Exception) { return false; } // no dotnet on PATH at all
    }

    public static (int ExitCode, string Output) Run(string file, string args, string cwd, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo(file, args) { WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true };
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        using var p = Process.Start(info)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(timeout ?? TimeSpan.FromMinutes(5))) { p.Kill(true); return (-1, stdout + "\n(timed out)"); }
        return (p.ExitCode, stdout + stderr.Result);
    }
}
