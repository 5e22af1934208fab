using GpuRnn.Cli;

namespace GpuRnn.Tests;

/// <summary>Runs the CLI in-process, capturing both streams.</summary>
public sealed class CliRun
{
    public int ExitCode { get; private init; }
    public string Out { get; private init; } = "";
    public string Err { get; private init; } = "";

    public static CliRun Of(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Program.Run(args, stdout, stderr);
        return new CliRun { ExitCode = code, Out = stdout.ToString(), Err = stderr.ToString() };
    }

    public void Deconstruct(out int exitCode, out string stdout, out string stderr) => (exitCode, stdout, stderr) = (ExitCode, Out, Err);
}
