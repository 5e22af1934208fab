using System.Diagnostics;

namespace GpuRnn.Tests;

/// <summary><c>gpurnn</c> packs as a dotnet tool that installs from the local package and runs.</summary>
public class DotnetToolTests
{
    [Fact]
    public void Packs_installs_from_the_local_package_and_runs()
    {
        string? root = RepositoryRoot();
        if (root is null) Assert.Skip("the repository (GpuRnn.sln) is not above the test binaries: packing needs the sources");
        if (!HasSdk(root)) Assert.Skip("no .NET SDK here (only the runtime): cannot pack");

        using var dir = new TempDir();
        string packages = Path.Combine(dir.Path, "packages"), tools = Path.Combine(dir.Path, "tools");
        var pack = Run("dotnet", $"pack src/Cli -c Release -o \"{packages}\" -p:UseAppHost=true", root);
        Assert.True(pack.ExitCode == 0, "dotnet pack failed:\n" + pack.Output);
        Assert.Single(Directory.GetFiles(packages, "GpuRnn.Cli.*.nupkg"));

        var install = Run("dotnet", $"tool install GpuRnn.Cli --tool-path \"{tools}\" --add-source \"{packages}\"", root);
        Assert.True(install.ExitCode == 0, "dotnet tool install failed:\n" + install.Output);

        var explain = Run(Path.Combine(tools, "gpurnn"), "explain", dir.Path);
        Assert.True(explain.ExitCode == 0, explain.Output);
        Assert.Contains("agree: yes", explain.Output);
    }

    static bool HasSdk(string cwd)
    {
        try { return Run("dotnet", "--list-sdks", cwd).Output.Trim().Length > 0; }
        catch (System.ComponentModel.Win32Exception) { return false; } // no dotnet on PATH at all
    }

    static string? RepositoryRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "GpuRnn.sln"))) return d.FullName;
        return null;
    }

    static (int ExitCode, string Output) Run(string file, string args, string cwd)
    {
        var info = new ProcessStartInfo(file, args) { WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true };
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        using var p = Process.Start(info)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(TimeSpan.FromMinutes(5))) { p.Kill(true); return (-1, stdout + "\n(timed out)"); }
        return (p.ExitCode, stdout + stderr.Result);
    }
}
