namespace GpuRnn.Cli.Commands;

/// <summary>
/// <c>forecast --future FILE</c>: the values of a model's inputs other than its target for the rows after the data,
/// which a recursive forecast cannot make itself (it feeds back only the target).
/// </summary>
static class FutureInputs
{
    public static Option<string?> Option() => new("--future")
    {
        Description = "CSV with the model's non-target input columns for the rows after the data, one row per forecast step (a forecast of N steps reads the first N − 1)",
        HelpName = "FILE",
    };

    /// <summary>
    /// The future columns the forecast needs, read from <paramref name="path"/>; none when every input is the target or
    /// the horizon is one step. Without a file where some are needed, refused in one line naming them.
    /// </summary>
    public static IReadOnlyList<Series> Load(string? path, ModelColumns columns, int horizon)
    {
        var needed = Forecasting.FutureInputs(columns);
        if (needed.Count == 0 || horizon <= 1) return [];
        string names = string.Join(", ", needed);
        if (path is null)
            throw new GpuRnnInputException($"the model reads {names} besides its target '{columns.Target.Name}', and a forecast of {horizon} steps needs their values "
                + $"for the {horizon - 1} row(s) after the data: give them with --future FILE (a CSV with the column(s) {names})");
        return [.. needed.Select(name => CsvSeriesReader.ReadFile(path, name))];
    }
}
