namespace GpuRnn.Cli.Commands;

/// <summary>
/// <c>--output FILE</c> of the commands whose records are a CSV table (<c>predict</c>, <c>forecast</c>): the table goes
/// to stdout, the only thing there, or with the option to the file, staged with the command's other outputs (all or
/// nothing), and stdout stays empty. Human lines (summaries, figures) go to stderr either way.
/// </summary>
static class CsvOutput
{
    public static Option<string?> Create(string what) =>
        new("--output") { Description = $"write the CSV of {what} to this file instead of stdout", HelpName = "FILE" };

    /// <summary>The header and rows, to stdout or (when <paramref name="path"/> is given) staged in <paramref name="outputs"/>.</summary>
    public static void Write<TRow>(CsvColumns<TRow> columns, IEnumerable<TRow> rows, string? path, OutputSet outputs, TextWriter stdout)
    {
        if (path is null) columns.Write(stdout, rows);
        else outputs.Write(path, s => { using var file = new StreamWriter(s, leaveOpen: true); columns.Write(file, rows); }); // UTF-8, no BOM
    }
}
