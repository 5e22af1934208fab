namespace GpuRnn.Cli.Commands;

/// <summary><c>--plot-last N</c>: draw only the last N points of a figure's series.</summary>
static class PlotLastOption
{
    public static Option<int?> Create(string what) => new("--plot-last") { Description = what, HelpName = "N" };

    /// <summary>The value given, at least 1, or null when absent.</summary>
    public static int? Get(ParseResult result, Option<int?> option) =>
        result.GetValue(option) is { } n && n < 1 ? throw new GpuRnnInputException($"--plot-last must be at least 1 (got {n})") : result.GetValue(option);
}
