using System.Globalization;
using CsvHelper;
using GpuRnn.Training.Files;

namespace GpuRnn.Training.Data;

/// <summary>
/// Reads one numeric column of a CSV file that has a header row. The column is named by its header or by its
/// index counted from 0, as pandas' <c>usecols</c> counts; the tutorial reads column 1 of the sunspots file.
/// Every row must have as many fields as the header: a row with more is usually a number written with a decimal
/// comma, which would otherwise be read silently as its whole part. A column of dates is read beside the values when
/// one is asked for or found (<see cref="DateOptions"/>): the series then has its <see cref="Series.Dates"/>.
/// </summary>
public static class CsvSeriesReader
{
    public const string DefaultColumn = "1";

    public static Series ReadFile(string path, string column = DefaultColumn) => ReadFile(path, column, DateOptions.Auto);

    public static Series ReadFile(string path, string column, DateOptions dates)
    {
        InputFile.EnsureRegular(path, "data file");
        try
        {
            using var reader = CsvReader.FromFile(path, Options(out var malformed));
            return Read(reader, malformed, column, dates, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new GpuRnnInputException($"cannot read data file {path}: {e.Message}", e);
        }
    }

    public static Series ReadText(string text, string column, string source) => ReadText(text, column, source, DateOptions.Auto);

    public static Series ReadText(string text, string column, string source, DateOptions dates)
    {
        using var reader = CsvReader.FromText(text, Options(out var malformed));
        return Read(reader, malformed, column, dates, source);
    }

    /// <summary>Where the reader met a quote that is never closed (it then swallows the rest of the input).</summary>
    internal sealed class QuoteProblem { public long Line; }

    internal static CsvReaderOptions Options(out QuoteProblem problem)
    {
        var found = problem = new QuoteProblem();
        return new CsvReaderOptions
        {
            HasHeader = true,
            TrackLineNumbers = true,
            OnMalformedRecord = record =>
            {
                // Stray quotes elsewhere are kept as text (they matter only if they reach the chosen column, which then
                // is not a number); an unclosed one runs to the end of the file, so it must stop the read.
                if (record.Reason == CsvMalformedReason.UnterminatedQuote && found.Line == 0) found.Line = Math.Max(1, record.LineNumber);
            },
        };
    }

    static Series Read(CsvReader reader, QuoteProblem quote, string column, DateOptions dateOptions, string source)
    {
        var headers = reader.Headers?.ToArray() ?? [];
        if (headers.Length == 0 || headers.All(string.IsNullOrWhiteSpace)) throw new GpuRnnInputException($"{source}: the file is empty (no header row)");
        int index = ResolveColumn(headers, column, source);
        var dates = DateCells.For(headers, dateOptions, index, source);
        var values = new List<double>();
        while (reader.Read())
        {
            if (quote.Line != 0) throw UnclosedQuote(source, reader.LineNumber);
            int fields = reader.FieldCount;
            // A line of spaces is as empty as an empty line, which the reader skips (trailing ones are common).
            if (fields == 1 && string.IsNullOrWhiteSpace(reader.GetString(0))) continue;
            if (fields != headers.Length) throw FieldCountMismatch(reader, headers.Length, source);
            string cell = reader.GetString(index).Trim();
            if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
                throw new GpuRnnInputException($"{source}: line {reader.LineNumber}, column '{headers[index]}': '{Shorten(cell)}' is not a number"
                    + (LooksLikeDecimalComma(cell, out var fixedCell) ? $" (decimal commas? write {fixedCell})" : ""));
            values.Add(v);
            dates?.Add(reader.GetString(dates.Index), reader.LineNumber);
        }
        if (quote.Line != 0) throw UnclosedQuote(source, quote.Line);
        if (values.Count == 0) throw new GpuRnnInputException($"{source}: no data rows after the header");
        var series = new Series(headers[index], source, [.. values]);
        return dates?.Apply(series) ?? series;
    }

    internal static GpuRnnInputException UnclosedQuote(string source, long line) =>
        new($"{source}: line {line} opens a quote that is never closed");

    internal static GpuRnnInputException FieldCountMismatch(CsvReader reader, int expected, string source)
    {
        int fields = reader.FieldCount;
        string message = $"{source}: line {reader.LineNumber} has {fields} field{(fields == 1 ? "" : "s")} but the header has {expected}";
        if (fields > expected)
        {
            // "m0,50,672" under "Month,Sunspots": a whole number followed by a run of digits is a decimal comma.
            for (int i = 0; i + 1 < fields; i++)
            {
                string whole = reader.GetString(i).Trim(), fraction = reader.GetString(i + 1).Trim();
                if (IsWholeNumber(whole) && fraction.Length > 0 && fraction.All(char.IsAsciiDigit))
                    return new GpuRnnInputException($"{message} (decimal commas? write {whole}.{fraction})");
            }
        }
        return new GpuRnnInputException(message);
    }

    static bool IsWholeNumber(string s)
    {
        var digits = s.AsSpan().TrimStart("+-");
        return digits.Length > 0 && digits.Length >= s.Length - 1 && !digits.ContainsAnyExcept("0123456789");
    }

    /// <summary>"50,672" in a quoted field or a semicolon file: the same number with a decimal point.</summary>
    static bool LooksLikeDecimalComma(string cell, out string withPoint)
    {
        int comma = cell.IndexOf(',');
        withPoint = comma < 0 ? cell : cell[..comma] + "." + cell[(comma + 1)..];
        return comma > 0 && cell.IndexOf(',', comma + 1) < 0 && IsWholeNumber(cell[..comma])
            && double.TryParse(withPoint, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
    }

    /// <summary>Cells are quoted back in messages, which must stay one line.</summary>
    internal static string Shorten(string cell)
    {
        string flat = cell.ReplaceLineEndings(" ");
        return flat.Length <= 40 ? flat : flat[..40] + "…";
    }

    internal static int ResolveColumn(string[] headers, string column, string source, string option = "--column")
    {
        string wanted = column.Trim();
        foreach (var comparison in new[] { StringComparison.Ordinal, StringComparison.OrdinalIgnoreCase })
        {
            var matches = Enumerable.Range(0, headers.Length).Where(i => string.Equals(headers[i].Trim(), wanted, comparison)).ToArray();
            if (matches.Length > 1)
                throw new GpuRnnInputException(
                    $"{source}: the header names column '{wanted}' {matches.Length} times (columns {string.Join(" and ", matches)}): choose one by index with {option}");
            if (matches.Length == 1) return matches[0];
        }
        if (int.TryParse(wanted, NumberStyles.Integer, CultureInfo.InvariantCulture, out int i))
        {
            if (i >= 0 && i < headers.Length) return i;
            throw new GpuRnnInputException($"{source}: column index {i} is out of range (the file has {headers.Length} columns, counted from 0)");
        }
        throw new GpuRnnInputException($"{source}: unknown column '{column}' (columns: {string.Join(", ", headers)})");
    }
}
