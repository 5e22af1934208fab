using System.Text.RegularExpressions;

namespace GpuRnn.Training.Shards;

/// <summary>
/// The shard results of one run in a folder, checked as a whole before anything is merged: all of one run (kind and
/// hash) and one split (n), each whole, with one CSV header; every shard there unless <c>partial</c>, the first
/// missing one named. <see cref="Shards"/> are in shard order, so their rows in turn are the unsharded run's.
/// </summary>
public sealed partial class ShardSet
{
    ShardSet(string folder, IReadOnlyList<(ShardHeader Header, string Path, string[] Lines)> shards, IReadOnlyList<int> missing) =>
        (Folder, Shards, Missing) = (folder, shards, missing);

    public string Folder { get; }
    public IReadOnlyList<(ShardHeader Header, string Path, string[] Lines)> Shards { get; }
    /// <summary>The shards absent from a partial merge.</summary>
    public IReadOnlyList<int> Missing { get; }

    public string Kind => Shards[0].Header.Kind;
    public int Count => Shards[0].Header.Shard.Count;
    public string CsvHeader => Shards[0].Lines[0];
    public IEnumerable<string> Rows => Shards.SelectMany(s => s.Lines.Skip(1));

    [GeneratedRegex(@"^shard-(\d+)-of-(\d+)\.csv$")]
    private static partial Regex ResultName();

    public static ShardSet Read(string folder, bool partial)
    {
        if (!Directory.Exists(folder)) throw new GpuRnnInputException($"{folder}: no such folder");
        var paths = Directory.GetFiles(folder).Where(p => ResultName().IsMatch(Path.GetFileName(p))).Order(StringComparer.Ordinal).ToList();
        if (paths.Count == 0) throw new GpuRnnInputException($"{folder} holds no shard results (shard-<i>-of-<n>.csv, from sweep or train-many with --shard)");
        var read = paths.Select(p => { var (header, lines) = ShardFile.Read(p); return (Header: header, Path: p, Lines: lines); })
            .OrderBy(s => s.Header.Shard.Index).ToList();
        var first = read[0];
        foreach (var s in read)
        {
            if (s.Header.Shard.Count != first.Header.Shard.Count)
                throw new GpuRnnInputException($"{folder} holds shards of two splits, {Path.GetFileName(first.Path)} and {Path.GetFileName(s.Path)}: merge one run's shards, each in its own folder");
            if (s.Header.Kind != first.Header.Kind || s.Header.Run != first.Header.Run)
                throw new GpuRnnInputException($"{Path.GetFileName(s.Path)} is of another run than {Path.GetFileName(first.Path)} ({s.Header.Kind} {s.Header.Run} against {first.Header.Kind} {first.Header.Run}: other options or data)");
            if (s.Lines.Length == 0 || s.Lines[0] != first.Lines[0])
                throw new GpuRnnInputException($"{s.Path}: corrupt: its CSV header differs from {Path.GetFileName(first.Path)}'s");
        }
        int n = first.Header.Shard.Count;
        var missing = Enumerable.Range(0, n).Except(read.Select(s => s.Header.Shard.Index)).ToList();
        if (missing.Count > 0 && !partial)
            throw new GpuRnnInputException($"missing shard {missing[0]} of {n}{(missing.Count > 1 ? $" (and {missing.Count - 1} more)" : "")} in {folder}: rerun it, or give --partial to merge the {read.Count} there");
        return new ShardSet(folder, read, missing);
    }
}
