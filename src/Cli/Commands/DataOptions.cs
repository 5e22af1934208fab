using System.CommandLine;
using GpuRnn.Training.Data;

namespace GpuRnn.Cli.Commands;

/// <summary>Where the series comes from: <c>--data FILE --column NAME|INDEX</c>, or the embedded sunspots.</summary>
sealed class DataOptions
{
    public Option<string?> Data { get; } = new("--data") { Description = "CSV file with a header row (default: the embedded monthly sunspots series)", HelpName = "FILE" };
    public Option<string?> Column { get; } = new("--column") { Description = "column to read, by header name or by index from 0 (default: 1, as the tutorial)", HelpName = "NAME|INDEX" };

    public void AddTo(Command command)
    {
        command.Options.Add(Data);
        command.Options.Add(Column);
    }

    /// <summary>The series asked for; without <c>--data</c>, the fallback file (a model's training data) or the embedded sunspots.</summary>
    public Series Load(ParseResult result, string? fallbackColumn = null, string? fallbackPath = null)
    {
        string? path = result.GetValue(Data) ?? fallbackPath;
        string column = result.GetValue(Column) ?? fallbackColumn ?? CsvSeriesReader.DefaultColumn;
        return path is null ? SunspotsDataset.Load(column) : CsvSeriesReader.ReadFile(path, column);
    }
}
