using System.Globalization;
using CsvHelper;
using GpuRnn.Training.Data;
using GpuRnn.Training.Files;

namespace GpuRnn.Training.Many;

/// <summary>
/// How a file of many series is laid out. Long form (<see cref="IdColumn"/> given): a row per series and date, the
/// series named by the id column, its values in <see cref="Target"/>. Wide form: one column per series, named by its
/// header, beside an optional date column.
/// </summary>
/// <param name="Target">Long form: the value column (by header or index from 0); null: the only column left.</param>
/// <param name="Dates">The date column and gap filling, as for one series (auto: a column whose first cell is a date).</param>
public sealed record SeriesFileOptions(string? IdColumn = null, string? Target = null, DateOptions? Dates = null);

/// <summary>A series left out, and why (too short, a bad cell, a gap): reported, never fatal to the others.</summary>
public sealed record SkippedSeries(string Id, string Reason);

/// <summary>The series read from one file, in the order they first appear, and those that could not be.</summary>
public sealed record SeriesCollection(IReadOnlyList<Series> Series, IReadOnlyList<SkippedSeries> Skipped, string Source)
{
    /// <summary>Long form: the header of the id column; null for a wide file.</summary>
    public string? IdColumn { get; init; }

    /// <summary>Long form: the header of the value column; null for a wide file (each series is its own column).</summary>
    public string? ValueColumn { get; init; }
}

/// <summary>
/// Reads many series from one CSV file, long or wide (<see cref="SeriesFileOptions"/>). The file's own faults (no
/// header, an unknown column, a row of the wrong width, an unclosed quote) refuse the whole file in one line; a
/// series' own faults (a cell that is not a number, a gap in its dates, repeated dates) skip that series alone. In
/// the wide form a series starts at its column's first filled cell and ends at its last, so series of different
/// lengths share a file; an empty cell between is a gap. Long-form rows may come in any order: each series' rows are
/// sorted by date where there are dates.
/// </summary>
public static class SeriesFile
{
    public static SeriesCollection ReadFile(string path, SeriesFileOptions options)
    {
        InputFile.EnsureRegular(path, "data file");
        try
        {
            using var reader = CsvReader.FromFile(path, CsvSeriesReader.Options(out var quote));
            return Read(reader, quote, options, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new GpuRnnInputException($"cannot read data file {path}: {e.Message}", e);
        }
    }

    public static SeriesCollection ReadText(string text, SeriesFileOptions options, string source)
    {
        using var reader = CsvReader.FromText(text, CsvSeriesReader.Options(out var quote));
        return Read(reader, quote, options, source);
    }

    /// <summary>One series' cells as met: its value cells, date cells and lines.</summary>
    sealed class Cells(string id)
    {
        public string Id { get; } = id;
        public List<string> Values { get; } = [];
        public List<string> Dates { get; } = [];
        public List<long> Lines { get; } = [];
    }

    static SeriesCollection Read(CsvReader reader, CsvSeriesReader.QuoteProblem quote, SeriesFileOptions options, string source)
    {
        var headers = reader.Headers?.ToArray() ?? [];
        if (headers.Length == 0 || headers.All(string.IsNullOrWhiteSpace)) throw new GpuRnnInputException($"{source}: the file is empty (no header row)");
        var dateOptions = options.Dates ?? DateOptions.Auto;
        int? idIndex = options.IdColumn is { } idColumn ? CsvSeriesReader.ResolveColumn(headers, idColumn, source, "--id-column") : null;
        if (idIndex is null && options.Target is not null)
            throw new GpuRnnInputException($"{source}: --target names the value column of a long file, which needs --id-column (a wide file's every column but the dates is a series)");
        int? dateIndex = dateOptions.IsOff ? null
            : dateOptions.IsAuto ? null
            : CsvSeriesReader.ResolveColumn(headers, dateOptions.Column!, source, "--date-column");
        int? targetIndex = idIndex is null ? null : options.Target is { } target ? CsvSeriesReader.ResolveColumn(headers, target, source, "--target") : null;
        var rows = new List<(string[] Cells, long Line)>();
        while (reader.Read())
        {
            if (quote.Line != 0) throw CsvSeriesReader.UnclosedQuote(source, reader.LineNumber);
            if (reader.FieldCount == 1 && string.IsNullOrWhiteSpace(reader.GetString(0))) continue;
            if (reader.FieldCount != headers.Length) throw CsvSeriesReader.FieldCountMismatch(reader, headers.Length, source);
            rows.Add(([.. Enumerable.Range(0, headers.Length).Select(i => reader.GetString(i).Trim())], reader.LineNumber));
        }
        if (quote.Line != 0) throw CsvSeriesReader.UnclosedQuote(source, quote.Line);
        if (rows.Count == 0) throw new GpuRnnInputException($"{source}: no data rows after the header");
        // Looking for dates: the first column (other than the ids) whose first cell is one.
        if (dateOptions.IsAuto)
            dateIndex = Enumerable.Range(0, headers.Length).Cast<int?>().FirstOrDefault(i => i != idIndex && i != targetIndex && DateText.TryParse(rows[0].Cells[i!.Value], years: false, out _));
        if (dateIndex is { } d && (d == idIndex || d == targetIndex))
            throw new GpuRnnInputException($"{source}: column '{headers[d]}' is asked for as the dates and as {(d == idIndex ? "the ids" : "the values")}");
        int? valueIndex = idIndex is { } idAt ? targetIndex ?? OnlyOther(headers, [idAt, dateIndex], source) : null;
        var cells = idIndex is { } id ? Long(rows, headers, id, valueIndex!.Value, dateIndex, source) : Wide(rows, headers, dateIndex, source);
        var series = new List<Series>();
        var skipped = new List<SkippedSeries>();
        var dates = new Dictionary<string, DateTime?>(StringComparer.Ordinal); // the series share their dates: each text is parsed once
        foreach (var c in cells)
        {
            try { series.Add(ToSeries(c, dateIndex is { } di ? headers[di] : null, dateOptions, dates, source)); }
            catch (GpuRnnInputException e) { skipped.Add(new SkippedSeries(c.Id, e.Message)); }
        }
        return new SeriesCollection(series, skipped, source)
        {
            IdColumn = idIndex is { } i ? headers[i].Trim() : null,
            ValueColumn = valueIndex is { } v ? headers[v].Trim() : null,
        };
    }

    static List<Cells> Long(List<(string[] Cells, long Line)> rows, string[] headers, int id, int value, int? date, string source)
    {
        var byId = new Dictionary<string, Cells>(StringComparer.Ordinal);
        var order = new List<Cells>();
        foreach (var (row, line) in rows)
        {
            if (row[id].Length == 0) throw new GpuRnnInputException($"{source}: line {line}, column '{headers[id]}': the series id is empty");
            if (row[id].AsSpan().ContainsAny('\n', '\r')) throw new GpuRnnInputException($"{source}: line {line}, column '{headers[id]}': a series id holds a line break");
            if (!byId.TryGetValue(row[id], out var c)) { byId[row[id]] = c = new Cells(row[id]); order.Add(c); }
            c.Values.Add(row[value]);
            c.Lines.Add(line);
            if (date is { } d) c.Dates.Add(row[d]);
        }
        return order;
    }

    /// <summary>The value column of a long file given without --target: the one column that is neither ids nor dates.</summary>
    static int OnlyOther(string[] headers, int?[] taken, string source)
    {
        var others = Enumerable.Range(0, headers.Length).Where(i => !taken.Contains(i)).ToArray();
        return others.Length == 1 ? others[0]
            : throw new GpuRnnInputException($"{source}: which column holds the values? --target names one of {string.Join(", ", others.Select(i => headers[i]))}");
    }

    static List<Cells> Wide(List<(string[] Cells, long Line)> rows, string[] headers, int? date, string source)
    {
        var result = new List<Cells>();
        for (int column = 0; column < headers.Length; column++)
        {
            if (column == date) continue;
            if (headers[column].AsSpan().ContainsAny('\n', '\r')) throw new GpuRnnInputException($"{source}: column {column}'s header holds a line break: name it on one line");
            var c = new Cells(headers[column].Trim().Length > 0 ? headers[column].Trim() : $"column {column}");
            // A wide series spans its first to its last filled cell.
            int first = rows.FindIndex(r => r.Cells[column].Length > 0), last = rows.FindLastIndex(r => r.Cells[column].Length > 0);
            for (int r = first; first >= 0 && r <= last; r++)
            {
                c.Values.Add(rows[r].Cells[column]);
                c.Lines.Add(rows[r].Line);
                if (date is { } d) c.Dates.Add(rows[r].Cells[d]);
            }
            result.Add(c);
        }
        return result;
    }

    static Series ToSeries(Cells c, string? dateHeader, DateOptions dateOptions, Dictionary<string, DateTime?> parsed, string source)
    {
        if (c.Values.Count == 0) throw new GpuRnnInputException("no values");
        var values = new double[c.Values.Count];
        var dates = dateHeader is null ? null : new DateTime[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            string cell = c.Values[i];
            if (cell.Length == 0) throw new GpuRnnInputException($"line {c.Lines[i]}: an empty cell (a gap in the series)");
            if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !double.IsFinite(values[i]))
                throw new GpuRnnInputException($"line {c.Lines[i]}: '{CsvSeriesReader.Shorten(cell)}' is not a number");
            if (dates is null) continue;
            if (!parsed.TryGetValue(c.Dates[i], out var date)) parsed[c.Dates[i]] = date = DateText.TryParse(c.Dates[i], years: true, out var d) ? d : null;
            dates[i] = date ?? throw new GpuRnnInputException($"line {c.Lines[i]}: '{CsvSeriesReader.Shorten(c.Dates[i])}' is not a date");
        }
        var series = new Series(c.Id, source, values);
        if (dates is null) return series;
        // Long-form rows may come in any order; a series' own are put in date order (stable: repeated dates stay to be refused).
        var order = Enumerable.Range(0, values.Length).OrderBy(i => dates[i]).ToArray();
        var sortedDates = order.Select(i => dates[i]).ToArray();
        var lines = order.Select(i => c.Lines[i]).ToArray();
        var (index, positions) = DateIndex.Build(dateHeader!, sortedDates, dateOptions.FillGaps, i => $"line {lines[i]}", $"series '{c.Id}'");
        return series with { Values = GapFilling.Fill([.. order.Select(i => values[i])], positions, dateOptions.FillGaps), Dates = index };
    }
}
