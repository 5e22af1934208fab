using System.Diagnostics;

namespace GpuRnn.Tests;

/// <summary>
/// The real <c>gpurnn</c> executable (built beside the tests) as a separate process: for what an in-process run
/// cannot show, such as the environment's locale or a signal.
/// </summary>
public sealed class CliProcess : IDisposable
{
    readonly Process process;
    readonly System.Text.StringBuilder stdout = new(), stderr = new();

    CliProcess(Process process)
    {
        this.process = process;
        process.OutputDataReceived += (_, e) => { lock (stdout) if (e.Data is not null) stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (stderr) if (e.Data is not null) stderr.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>What it has written to stdout so far.</summary>
    public string OutputSoFar { get { lock (stdout) return stdout.ToString(); } }

    public static string Executable => Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "gpurnn.exe" : "gpurnn");

    public static CliProcess Start(string cwd, IDictionary<string, string>? environment, params string[] args)
    {
        var info = new ProcessStartInfo(Executable) { WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) info.Environment[k] = v;
        return new CliProcess(Process.Start(info)!);
    }

    public int Id => process.Id;

    /// <summary>Waits for the exit (killing the process after <paramref name="timeout"/>) and returns what it wrote.</summary>
    public (int ExitCode, string Out, string Err) Finish(TimeSpan timeout)
    {
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"gpurnn did not finish within {timeout.TotalSeconds} s");
        }
        process.WaitForExit(); // drains the output events
        lock (stdout) lock (stderr) return (process.ExitCode, stdout.ToString(), stderr.ToString());
    }

    public static (int ExitCode, string Out, string Err) Run(string cwd, IDictionary<string, string>? environment, params string[] args)
    {
        using var p = Start(cwd, environment, args);
        return p.Finish(TimeSpan.FromSeconds(120));
    }

    public void Dispose()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        process.Dispose();
    }
}
