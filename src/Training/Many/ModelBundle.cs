using System.IO.Compression;
using GpuRnn.Training.Files;
using GpuRnn.Training.Model;

namespace GpuRnn.Training.Many;

/// <summary>
/// Many series' models as one file: a zip archive with one gpurnn model file per series, named by its id
/// (<c>models/&lt;id, URL-escaped&gt;.json</c>). Zip's central directory is the index: one series' model is read
/// without reading the others.
/// </summary>
public static class ModelBundle
{
    public const string FileName = "models.zip";

    static string EntryName(string id) => $"models/{Uri.EscapeDataString(id)}.json";

    /// <summary>Writes every model into <paramref name="stream"/> (an output's staged file).</summary>
    public static void Write(Stream stream, IEnumerable<(string Id, SavedModel Model)> models)
    {
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        // Each model's text (mostly its residuals, ~0.5 ms each) is made on every core, a chunk at a time so that
        // thousands of them are never all in memory; the archive is written in order.
        foreach (var chunk in models.Chunk(256))
        {
            var texts = new byte[chunk.Length][];
            Parallel.For(0, chunk.Length, i => ModelFile.Save(chunk[i].Id, chunk[i].Model, (_, write) =>
            {
                using var text = new MemoryStream();
                write(text);
                texts[i] = text.ToArray();
            }));
            for (int i = 0; i < chunk.Length; i++)
            {
                using var body = zip.CreateEntry(EntryName(chunk[i].Id), CompressionLevel.Fastest).Open();
                body.Write(texts[i]);
            }
        }
    }

    /// <summary>The models of several bundles (shards') as one, in order; a series in two of them is refused.</summary>
    public static void Join(Stream stream, IReadOnlyList<string> bundles)
    {
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in bundles)
        {
            using var from = Open(path);
            foreach (var entry in from.Entries)
            {
                if (seen.TryGetValue(entry.FullName, out var other))
                    throw new GpuRnnInputException($"{path} and {other} both hold {entry.FullName}: a series in two shards");
                seen[entry.FullName] = path;
                using var source = entry.Open();
                using var target = zip.CreateEntry(entry.FullName, CompressionLevel.Fastest).Open();
                source.CopyTo(target);
            }
        }
    }

    /// <summary>The bundle at <paramref name="path"/>, or <c>models.zip</c> inside it when it is a folder (a <c>train-many --out</c> one).</summary>
    public static string Resolve(string path) => Directory.Exists(path) ? Path.Combine(path, FileName) : path;

    /// <summary>Whether <paramref name="path"/> (after <see cref="Resolve"/>) is a zip archive rather than a model file.</summary>
    public static bool IsBundle(string path)
    {
        path = Resolve(path);
        if (FileStatus.Of(path).Kind != FileKind.Regular) return false; // a FIFO or device is never opened to look
        Span<byte> magic = stackalloc byte[4];
        using var file = File.OpenRead(path);
        return file.Read(magic) == 4 && magic[0] == (byte)'P' && magic[1] == (byte)'K' && magic[2] == 3 && magic[3] == 4;
    }

    /// <summary>The series ids in the bundle, in the order written.</summary>
    public static IReadOnlyList<string> Ids(string path)
    {
        using var zip = Open(Resolve(path));
        return [.. zip.Entries.Where(e => e.FullName.StartsWith("models/", StringComparison.Ordinal) && e.FullName.EndsWith(".json", StringComparison.Ordinal))
            .Select(e => Uri.UnescapeDataString(e.FullName["models/".Length..^".json".Length]))];
    }

    /// <summary>Series <paramref name="id"/>'s model, checked as any model file is.</summary>
    public static SavedModel Load(string path, string id)
    {
        path = Resolve(path);
        using var zip = Open(path);
        var entry = zip.GetEntry(EntryName(id));
        if (entry is null)
        {
            var ids = Ids(path);
            throw new GpuRnnInputException($"{path} holds no model for series '{id}' ({ids.Count} series: {string.Join(", ", ids.Take(5))}{(ids.Count > 5 ? ", …" : "")})");
        }
        // The model reader checks a file's size before parsing it; the entry is copied out to a private temporary file for it.
        var folder = Directory.CreateTempSubdirectory("gpurnn-bundle-");
        try
        {
            string file = Path.Combine(folder.FullName, "model.json");
            entry.ExtractToFile(file);
            return ModelFile.Load(file);
        }
        catch (GpuRnnInputException e)
        {
            throw new GpuRnnInputException($"{path}, series '{id}': {e.Message.Replace(folder.FullName + "/model.json: ", "", StringComparison.Ordinal)}", e);
        }
        finally { folder.Delete(recursive: true); }
    }

    static ZipArchive Open(string path)
    {
        InputFile.EnsureRegular(path, "model bundle");
        try { return ZipFile.OpenRead(path); }
        catch (InvalidDataException e) { throw new GpuRnnInputException($"{path}: not a model bundle (a zip archive of models): {e.Message}", e); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new GpuRnnInputException($"cannot read model bundle {path}: {e.Message}", e); }
    }
}
