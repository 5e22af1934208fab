namespace GpuRnn.Cli.Commands;

/// <summary>
/// The columns a model reads, as asked on the command line: <c>--features A,B,C</c> (one feature per column, in this
/// order) and <c>--target C</c> (the column to predict, one of them or not); <c>--column C</c> is the one-column form
/// of <c>--target C</c>, one input that is also the target.
/// </summary>
/// <param name="Inputs">The input columns as written (header or index).</param>
/// <param name="Target">The target column as written.</param>
/// <param name="Asked">The option that named them, for messages: <c>--column</c>, <c>--target</c> or <c>--features</c>.</param>
sealed record ColumnChoice(IReadOnlyList<string> Inputs, string Target, string Asked)
{
    /// <summary>The tutorial's column.</summary>
    public static ColumnChoice Default { get; } = OneColumn(CsvSeriesReader.DefaultColumn, "--column");

    public static ColumnChoice OneColumn(string column, string asked) => new([column], column, asked);
}
