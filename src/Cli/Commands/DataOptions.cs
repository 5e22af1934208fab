using System.CommandLine;
using GpuRnn.Training.Data;

namespace GpuRnn.Cli.Commands;

/// <summary>Where the series comes from: <c>--data FILE --column NAME|INDEX</c> (or <c>--features A,B --target C</c>), or the embedded sunspots.</summary>
sealed partial class DataOptions
{
    public Option<string?> Data { get; } = new("--data") { Description = "CSV file with a header row (default: the embedded monthly sunspots series)", HelpName = "FILE" };
    public Option<string?> Column { get; } = new("--column") { Description = "column to read, by header name or by index from 0 (default: 1, as the tutorial)", HelpName = "NAME|INDEX" };

    public void AddTo(Command command)
    {
        command.Options.Add(Data);
        command.Options.Add(Column);
        command.Options.Add(Features);
        command.Options.Add(Target);
    }

    /// <summary>One column of <paramref name="path"/>, or of the embedded sunspots when it is null.</summary>
    static Series Read(string? path, string column) => path is null ? SunspotsDataset.Load(column) : CsvSeriesReader.ReadFile(path, column);
}
