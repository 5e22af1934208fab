using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using GpuRnn.Training.Files;

namespace GpuRnn.Training.Shards;

/// <summary>
/// What a shard's result says of itself, in its first line: what run made it (<see cref="Kind"/>: <c>sweep</c> or
/// <c>train-many</c>; <see cref="Run"/>: a hash of the options and of the data file), which shard it is, and how many
/// rows follow the CSV header.
/// </summary>
public sealed record ShardHeader(string Kind, Shard Shard, string Run, int Rows)
{
    public const string Magic = "# gpurnn-shard/1";

    public override string ToString() =>
        $"{Magic} kind={Kind} shard={Shard.Index}/{Shard.Count} run={Run} rows={Rows.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The header line's fields, or null when the line is not one.</summary>
    public static ShardHeader? Parse(string line)
    {
        if (!line.StartsWith(Magic + " ", StringComparison.Ordinal)) return null;
        var fields = line[(Magic.Length + 1)..].Split(' ').Select(f => f.Split('=', 2)).Where(f => f.Length == 2).ToDictionary(f => f[0], f => f[1]);
        if (!fields.TryGetValue("kind", out var kind) || !fields.TryGetValue("shard", out var shard) || !fields.TryGetValue("run", out var run)
            || !fields.TryGetValue("rows", out var rows) || !int.TryParse(rows, NumberStyles.None, CultureInfo.InvariantCulture, out int count))
            return null;
        try { return new ShardHeader(kind, Shard.Parse(shard), run, count); }
        catch (GpuRnnInputException) { return null; }
    }
}

/// <summary>
/// A shard's result: <c>DIR/shard-&lt;i&gt;-of-&lt;n&gt;.csv</c>, its <see cref="ShardHeader"/> line, then a CSV table
/// (pandas reads it with <c>comment='#'</c>). Written atomically with the command's other outputs, so a file that is
/// there is whole; one whose line count disagrees with its header was not written by gpurnn, and is refused.
/// </summary>
public static class ShardFile
{
    /// <summary>The header line and the CSV (its header and rows) as one text.</summary>
    public static string Text(ShardHeader header, string csv) => header + "\n" + csv;

    /// <summary>A shard result's header and CSV lines (the CSV header first), checked whole; refused in one line otherwise.</summary>
    public static (ShardHeader Header, string[] Lines) Read(string path)
    {
        InputFile.EnsureRegular(path, "shard result");
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new GpuRnnInputException($"cannot read shard result {path}: {e.Message}", e); }
        var lines = text.Split('\n');
        var header = ShardHeader.Parse(lines[0])
            ?? throw new GpuRnnInputException($"{path}: not a gpurnn shard result (its first line is not '{ShardHeader.Magic} …')");
        if (!text.EndsWith('\n') || lines.Length - 3 != header.Rows)
            throw new GpuRnnInputException($"{path}: corrupt: its header says {header.Rows} rows but {Math.Max(0, lines.Length - 3)} follow{(text.EndsWith('\n') ? "" : " (the last line is cut off)")}");
        string expected = header.Shard.FileName();
        if (Path.GetFileName(path) != expected)
            throw new GpuRnnInputException($"{path}: its header says it is {header.Shard} ({expected})");
        return (header, lines[1..^1]);
    }

    /// <summary>
    /// Whether <paramref name="path"/> already holds this run's result for its shard (a requeued task then has nothing to
    /// do): true when it does; false when there is none; refused when it holds another run's result or is not whole.
    /// </summary>
    public static bool IsDone(string path, string kind, string run)
    {
        if (FileStatus.Of(path).Kind == FileKind.Missing) return false;
        var (header, _) = Read(path);
        if (header.Kind != kind || header.Run != run)
            throw new GpuRnnInputException($"{path} holds the result of another run ({header.Kind}, run {header.Run}; this one is {kind}, run {run}: other options or data): "
                + "give this run its own --out folder");
        return true;
    }

    /// <summary>
    /// A run's identity: SHA-256 of what it is (<paramref name="kind"/>), every option that shapes its results, in a fixed
    /// order, and the data file's bytes (the embedded sunspots when null); the first 16 hex digits.
    /// </summary>
    public static string RunHash(string kind, IEnumerable<string> options, string? dataPath)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes(kind + "\n" + string.Join("\n", options) + "\n"));
        if (dataPath is null) sha.AppendData("embedded monthly sunspots"u8);
        else
        {
            try
            {
                using var data = File.OpenRead(dataPath);
                var buffer = new byte[1 << 16];
                for (int read; (read = data.Read(buffer)) > 0;) sha.AppendData(buffer, 0, read);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new GpuRnnInputException($"cannot read data file {dataPath}: {e.Message}", e); }
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset())[..16];
    }
}
