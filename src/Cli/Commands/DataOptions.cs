using System.CommandLine;
using GpuRnn.Training.Data;

namespace GpuRnn.Cli.Commands;

/// <summary>
/// Where the series comes from: <c>--data FILE --column NAME|INDEX</c>, or the embedded sunspots; and its dates:
/// <c>--date-column NAME|INDEX|none</c> (found by itself in the first column) and <c>--fill-gaps</c>.
/// </summary>
sealed class DataOptions
{
    public Option<string?> Data { get; } = new("--data") { Description = "CSV file with a header row (default: the embedded monthly sunspots series)", HelpName = "FILE" };
    public Option<string?> Column { get; } = new("--column") { Description = "column to read, by header name or by index from 0 (default: 1, as the tutorial)", HelpName = "NAME|INDEX" };
    public Option<string?> DateColumn { get; } = new("--date-column") { Description = "column of dates (ISO 8601), by header name or index from 0, or 'none' (default: the first column when its first cell is a date)", HelpName = "NAME|INDEX|none" };
    public Option<GapFill?> FillGaps { get; } = new("--fill-gaps") { Description = "missing dates: 'none' refuses the series (default), 'previous' repeats the last value, 'linear' interpolates", HelpName = "none|previous|linear" };

    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { Data, Column, DateColumn, FillGaps }) command.Options.Add(o);
    }

    /// <summary>
    /// The series asked for; without <c>--data</c>, the fallback file (a model's training data) or the embedded sunspots,
    /// read with the fallback's date column, and its gap filling unless <c>--fill-gaps</c> says otherwise.
    /// </summary>
    public Series Load(ParseResult result, string? fallbackColumn = null, string? fallbackPath = null, DateOptions? fallbackDates = null)
    {
        string? path = result.GetValue(Data) ?? fallbackPath;
        string column = result.GetValue(Column) ?? fallbackColumn ?? CsvSeriesReader.DefaultColumn;
        // Another file's dates are looked for afresh; the model's own file is read as it was.
        var dates = Dates(result, result.GetValue(Data) is null || fallbackDates is null ? fallbackDates : fallbackDates with { Column = null });
        return path is null ? SunspotsDataset.Load(column, dates) : CsvSeriesReader.ReadFile(path, column, dates);
    }

    /// <summary>The date options asked for, filled in from <paramref name="fallback"/>.</summary>
    public DateOptions Dates(ParseResult result, DateOptions? fallback = null) =>
        new(result.GetValue(DateColumn) ?? fallback?.Column, result.GetValue(FillGaps) ?? fallback?.FillGaps ?? GapFill.None);
}
