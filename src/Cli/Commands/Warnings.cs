namespace GpuRnn.Cli.Commands;

/// <summary>
/// Warning lines of one command run, said when it succeeds: a run refused for bad input keeps to its one line on
/// stderr, so a warning about how it would have gone (e.g. which scaling a Keras weight list got) is dropped with it.
/// Per run (an async-local list), so the in-process runs of the tests stay apart.
/// </summary>
static class Warnings
{
    static readonly AsyncLocal<List<(TextWriter To, string Line)>?> pending = new();

    public static void Begin() => pending.Value = [];

    public static void Add(TextWriter to, string line)
    {
        if (pending.Value is { } lines) lines.Add((to, line));
        else to.WriteLine(line); // outside Program.Run: nothing to wait for
    }

    /// <summary>Writes the run's warnings when it succeeded (<paramref name="exitCode"/> 0), drops them otherwise.</summary>
    public static int End(int exitCode)
    {
        var lines = pending.Value;
        pending.Value = null;
        if (exitCode == 0 && lines is not null)
            foreach (var (to, line) in lines) to.WriteLine(line);
        return exitCode;
    }
}
