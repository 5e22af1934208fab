namespace GpuRnn.Training.Data;

/// <summary>
/// The date column's cells as <see cref="CsvSeriesReader"/> meets them, row by row, then the series dated and its gaps
/// filled. Looking for dates (<see cref="DateOptions.IsAuto"/>) takes the first column when its first cell is a date
/// and the values are elsewhere; from then on every row must hold one.
/// </summary>
sealed class DateCells
{
    readonly List<DateTime> dates = [];
    readonly List<long> lines = [];
    readonly string header, source;
    readonly DateOptions options;
    bool off;

    DateCells(int index, string header, DateOptions options, string source) =>
        (Index, this.header, this.options, this.source) = (index, header, options, source);

    public int Index { get; }

    /// <summary>The date column asked for, or null when none is asked for or can be (a file of one column).</summary>
    public static DateCells? For(string[] headers, DateOptions options, int valueIndex, string source)
    {
        if (options.IsOff) return null;
        if (options.IsAuto) return valueIndex != 0 ? new(0, headers[0], options, source) : null;
        int index = CsvSeriesReader.ResolveColumn(headers, options.Column!, source, "--date-column");
        if (index == valueIndex)
            throw new GpuRnnInputException($"{source}: column '{headers[index]}' is asked for as both the dates and the values (--date-column and --column must differ)");
        return new(index, headers[index], options, source);
    }

    public void Add(string cell, long line)
    {
        if (off) return;
        if (!DateText.TryParse(cell, years: !options.IsAuto, out var date))
        {
            if (options.IsAuto && dates.Count == 0) { off = true; return; }
            throw new GpuRnnInputException($"{source}: line {line}, column '{header}': '{CsvSeriesReader.Shorten(cell.Trim())}' is not a date "
                + $"(ISO 8601: 2000-01-31, 2000-01, 2000-01-31 13:45{(options.IsAuto ? $"; read as dates because line {lines[0]} holds one" : "")}; --date-column none reads no dates)");
        }
        dates.Add(date);
        lines.Add(line);
    }

    /// <summary>The series with its dates, its gaps filled as asked; as it is when no dates were found.</summary>
    public Series Apply(Series series)
    {
        if (off || dates.Count == 0) return series;
        var (index, positions) = DateIndex.Build(header, [.. dates], options.FillGaps, i => $"line {lines[i]}", $"{source}, column '{header}'");
        return series with { Values = GapFilling.Fill(series.Values, positions, options.FillGaps), Dates = index };
    }
}
