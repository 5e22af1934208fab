using System.Globalization;
using CsvHelper;

namespace GpuRnn.Training.Data;

/// <summary>
/// Reads one numeric column of a CSV file that has a header row. The column is named by its header or by its
/// index counted from 0, as pandas' <c>usecols</c> counts; the tutorial reads column 1 of the sunspots file.
/// </summary>
public static class CsvSeriesReader
{
    public const string DefaultColumn = "1";

    public static Series ReadFile(string path, string column = DefaultColumn)
    {
        if (!File.Exists(path)) throw new GpuRnnInputException($"data file not found: {path}");
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new GpuRnnInputException($"cannot read data file {path}: {e.Message}", e);
        }
        return ReadText(text, column, path);
    }

    public static Series ReadText(string text, string column, string source)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new GpuRnnInputException($"{source}: the file is empty");
        using var reader = CsvReader.FromText(text, new CsvReaderOptions { HasHeader = true });
        if (!reader.Read()) throw new GpuRnnInputException($"{source}: no data rows after the header");
        var headers = reader.Headers?.ToArray() ?? [];
        int index = ResolveColumn(headers, column, source);
        var values = new List<double>();
        do
        {
            if (index >= reader.FieldCount)
                throw new GpuRnnInputException($"{source}: row {values.Count + 2} has {reader.FieldCount} field(s); column {index} is missing");
            string cell = reader.GetString(index).Trim();
            if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
                throw new GpuRnnInputException($"{source}: row {values.Count + 2}, column '{headers[index]}': '{cell}' is not a number");
            values.Add(v);
        }
        while (reader.Read());
        return new Series(headers[index], source, [.. values]);
    }

    static int ResolveColumn(string[] headers, string column, string source)
    {
        string wanted = column.Trim();
        int byName = Array.FindIndex(headers, h => string.Equals(h.Trim(), wanted, StringComparison.Ordinal));
        if (byName >= 0) return byName;
        byName = Array.FindIndex(headers, h => string.Equals(h.Trim(), wanted, StringComparison.OrdinalIgnoreCase));
        if (byName >= 0) return byName;
        if (int.TryParse(wanted, NumberStyles.Integer, CultureInfo.InvariantCulture, out int i))
        {
            if (i >= 0 && i < headers.Length) return i;
            throw new GpuRnnInputException($"{source}: column index {i} is out of range (the file has {headers.Length} columns, counted from 0)");
        }
        throw new GpuRnnInputException($"{source}: unknown column '{column}' (columns: {string.Join(", ", headers)})");
    }
}
