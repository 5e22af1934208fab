namespace GpuRnn.Training.Files;

/// <summary>
/// A command's output folder (<c>--out DIR</c>): made when missing (its parent must exist), and removed again when
/// the command made it and then failed before <see cref="Kept"/>, so that a failed command leaves no new folder.
/// The files in it are written as any other outputs (a <see cref="FilePlan"/>: staged, then committed together).
/// </summary>
public sealed class OutputFolder : IDisposable
{
    readonly bool made;
    bool kept;

    OutputFolder(string path, bool made) => (Path, this.made) = (path, made);

    public string Path { get; }

    /// <summary>The folder <paramref name="path"/> of option <paramref name="option"/>, checked and made; null when not asked for.</summary>
    public static OutputFolder? Plan(string option, string? path)
    {
        if (path is null) return null;
        if (string.IsNullOrWhiteSpace(path)) throw new GpuRnnInputException($"{option} needs a folder name (got an empty one)");
        var status = FileStatus.Of(path);
        if (status.Kind == FileKind.Directory) return new OutputFolder(path, made: false);
        if (status.Kind != FileKind.Missing) throw new GpuRnnInputException($"{option} {path}: is a file, not a folder");
        string parent = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        if (FileStatus.Of(parent).Kind != FileKind.Directory) throw new GpuRnnInputException($"{option} {path}: the folder {parent} does not exist");
        try { Directory.CreateDirectory(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new GpuRnnInputException($"{option} {path}: cannot make the folder: {e.Message}", e); }
        return new OutputFolder(path, made: true);
    }

    /// <summary>A file of the folder.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>The outputs are committed: the folder stays.</summary>
    public void Kept() => kept = true;

    public void Dispose()
    {
        if (!made || kept) return;
        try { if (!Directory.EnumerateFileSystemEntries(Path).Any()) Directory.Delete(Path); }
        catch (IOException) { } // a file appeared meanwhile: not ours to remove
    }
}
