namespace GpuRnn.Training;

/// <summary>
/// A CSV table described column by column: each column a header name and the text of its cell for one row. A
/// command lists its columns once and writes the header and the rows from them, so a column added later (a date
/// beside an index) is one more <see cref="Add"/> or <see cref="Insert"/>. Cells holding a comma, a quote or a line
/// break are quoted as RFC 4180 says; lines end with <c>\n</c>.
/// </summary>
public sealed class CsvColumns<TRow>
{
    readonly List<(string Name, Func<TRow, string> Cell)> columns = [];

    public IReadOnlyList<string> Names => [.. columns.Select(c => c.Name)];

    /// <summary>Appends a column.</summary>
    public CsvColumns<TRow> Add(string name, Func<TRow, string> cell) => Insert(columns.Count, name, cell);

    /// <summary>Puts a column at <paramref name="position"/> (0: first).</summary>
    public CsvColumns<TRow> Insert(int position, string name, Func<TRow, string> cell)
    {
        columns.Insert(position, (name, cell));
        return this;
    }

    public void WriteHeader(TextWriter writer) => WriteLine(writer, columns.Select(c => c.Name));

    public void WriteRow(TextWriter writer, TRow row) => WriteLine(writer, columns.Select(c => c.Cell(row)));

    /// <summary>The header, then one line per row.</summary>
    public void Write(TextWriter writer, IEnumerable<TRow> rows)
    {
        WriteHeader(writer);
        foreach (var row in rows) WriteRow(writer, row);
    }

    static void WriteLine(TextWriter writer, IEnumerable<string> cells)
    {
        writer.Write(string.Join(',', cells.Select(Quoted)));
        writer.Write('\n');
    }

    static string Quoted(string cell) =>
        cell.AsSpan().IndexOfAny(",\"\r\n") < 0 ? cell : $"\"{cell.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
}
