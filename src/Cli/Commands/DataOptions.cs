namespace GpuRnn.Cli.Commands;

/// <summary>
/// Where the series comes from: <c>--data FILE --column NAME|INDEX</c> (or <c>--features A,B --target C</c>), or the
/// embedded sunspots; and its dates: <c>--date-column NAME|INDEX|none</c> (found by itself in the first column) and
/// <c>--fill-gaps</c>.
/// </summary>
sealed partial class DataOptions
{
    public Option<string?> Data { get; } = new("--data") { Description = "CSV file with a header row (default: the embedded monthly sunspots series)", HelpName = "FILE" };
    public Option<string?> Column { get; } = new("--column") { Description = "column to read, by header name or by index from 0 (default: 1, as the tutorial)", HelpName = "NAME|INDEX" };
    public Option<string?> DateColumn { get; } = new("--date-column") { Description = "column of dates (ISO 8601), by header name or index from 0, or 'none' (default: the first column when its first cell is a date)", HelpName = "NAME|INDEX|none" };
    public Option<GapFill?> FillGaps { get; } = new("--fill-gaps") { Description = "missing dates: 'none' refuses the series (default), 'previous' repeats the last value, 'linear' interpolates", HelpName = "none|previous|linear" };

    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { Data, Column, Features, Target, DateColumn, FillGaps }) command.Options.Add(o);
    }

    /// <summary>
    /// The date options to read the columns with: those asked for, filled in from the fallback's (a
    /// model's) date column and gap filling. Another file than the model's own (<c>--data</c>) has its dates looked
    /// for afresh; the model's own file is read as it was.
    /// </summary>
    DateOptions DatesFor(ParseResult result, DateOptions? fallbackDates) =>
        Dates(result, result.GetValue(Data) is null || fallbackDates is null ? fallbackDates : fallbackDates with { Column = null });

    /// <summary>The date options asked for, filled in from <paramref name="fallback"/>.</summary>
    public DateOptions Dates(ParseResult result, DateOptions? fallback = null) =>
        new(result.GetValue(DateColumn) ?? fallback?.Column, result.GetValue(FillGaps) ?? fallback?.FillGaps ?? GapFill.None);

    /// <summary>One column of <paramref name="path"/>, or of the embedded sunspots when it is null.</summary>
    static Series Read(string? path, string column, DateOptions dates) =>
        path is null ? SunspotsDataset.Load(column, dates) : CsvSeriesReader.ReadFile(path, column, dates);
}
