using System.Diagnostics;
using GpuRnn.Training.Files;

namespace GpuRnn.Tests.Files;

/// <summary>Makes FIFOs and device nodes inside a test's own folder (never under /dev), and reads what is there.</summary>
static class SpecialFiles
{
    public static bool IsRoot => OperatingSystem.IsLinux() && Environment.UserName == "root";

    public static void MakeFifo(string path) => Shell("mkfifo", path);

    /// <summary>A character device with /dev/null's numbers (1, 3), made in the test's folder: needs root.</summary>
    public static void MakeNullDevice(string path) => Shell("mknod", "-m", "666", path, "c", "1", "3");

    public static void Chown(string path, int owner, int group) => Shell("chown", $"{owner}:{group}", path);

    public static FileKind Kind(string path, bool followLinks = false) => FileStatus.Of(path, followLinks).Kind;

    public static void Shell(string file, params string[] args)
    {
        if (Run(file, args) is { } error) throw new InvalidOperationException($"{file} {string.Join(" ", args)} failed: {error}");
    }

    /// <summary>Whether <paramref name="file"/> ran and exited 0 (e.g. mknod, which needs privileges a machine may withhold).</summary>
    public static bool TryShell(string file, params string[] args) => Run(file, args) is null;

    /// <summary>Runs a program to its end; null when it exited 0, else what it wrote to stderr.</summary>
    static string? Run(string file, string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        string error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return p.ExitCode == 0 ? null : error;
    }
}
