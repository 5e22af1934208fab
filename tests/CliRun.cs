using GpuRnn.Cli;

namespace GpuRnn.Tests;

/// <summary>
/// Runs the CLI in-process, capturing both streams. A <c>train</c>, <c>sweep</c> or <c>train-many</c> that names no accelerator runs on
/// the SIMD engine, not on whatever <c>auto</c> finds: on a machine with a GPU, auto would switch every such test to
/// CUDA (seconds of setup each, other figures). Tests of auto itself say <c>--accelerator auto</c>.
/// </summary>
public sealed class CliRun
{
    public int ExitCode { get; private init; }
    public string Out { get; private init; } = "";
    public string Err { get; private init; } = "";

    public static CliRun Of(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Program.Run(PinnedAccelerator(args), stdout, stderr);
        return new CliRun { ExitCode = code, Out = stdout.ToString(), Err = stderr.ToString() };
    }

    static string[] PinnedAccelerator(string[] args) =>
        args is ["train" or "sweep" or "train-many", ..] && !args.Any(a => a.StartsWith("--accelerator", StringComparison.Ordinal)) ? [.. args, "--accelerator", "simd"] : args;

    public void Deconstruct(out int exitCode, out string stdout, out string stderr) => (exitCode, stdout, stderr) = (ExitCode, Out, Err);
}
