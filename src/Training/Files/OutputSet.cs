namespace GpuRnn.Training.Files;

/// <summary>
/// A command's outputs, written all together or not at all: each <see cref="Write"/> stages a file (a complete,
/// flushed temporary beside its target), <see cref="Commit"/> puts every staged file in place, and disposing
/// without committing removes them, so a command that fails part-way leaves no new file. <see cref="Keep"/> puts one
/// output in place at once, and <see cref="OpenLog"/> opens one to be written as it goes, for records meant to outlive
/// a later failure.
/// </summary>
public sealed class OutputSet : IDisposable
{
    readonly IReadOnlyList<OutputTarget> targets;
    readonly List<StagedFile> staged = [];

    internal OutputSet(IReadOnlyList<OutputTarget> targets) => this.targets = targets;

    /// <summary>Stages the output given as <paramref name="path"/> (the spelling it was planned with).</summary>
    public void Write(string path, Action<Stream> write) => staged.Add(StagedFile.Create(Target(path), write));

    public void WriteAllText(string path, string text) => Write(path, s => { using var w = new StreamWriter(s, leaveOpen: true); w.Write(text); });

    /// <summary>Writes one output and puts it in place now: it survives whatever happens to the others.</summary>
    public void Keep(string path, Action<Stream> write)
    {
        using var file = StagedFile.Create(Target(path), write);
        file.Commit();
    }

    /// <summary>
    /// Opens one output to be written as it goes: a log that outlives any later failure, such as a training history.
    /// A regular file (or none yet) is replaced now by an empty one, atomically and keeping the old file's mode and
    /// owner (as <see cref="Keep"/>), then opened for appending; a character device or FIFO is opened as it is.
    /// </summary>
    public Stream OpenLog(string path)
    {
        var target = Target(path);
        if (target.Mode == WriteMode.Replace) Keep(path, _ => { });
        try
        {
            return new FileStream(target.Target, target.Mode == WriteMode.Replace ? FileMode.Append : FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new GpuRnnInputException($"cannot write {path}: {e.Message}", e);
        }
    }

    public void Commit()
    {
        foreach (var file in staged) file.Commit();
        staged.Clear();
    }

    public void Dispose()
    {
        foreach (var file in staged) file.Dispose();
        staged.Clear();
    }

    OutputTarget Target(string path) =>
        targets.FirstOrDefault(t => t.Path == path) ?? throw new InvalidOperationException($"{path} was not planned as an output");
}
