namespace GpuRnn.Training.Files;

/// <summary>
/// A command's outputs, written all together or not at all: each <see cref="Write"/> stages a file (a complete,
/// flushed temporary beside its target), <see cref="Commit"/> puts every staged file in place, and disposing
/// without committing removes them, so a command that fails part-way leaves no new file. <see cref="Keep"/> puts one
/// output in place at once, for records meant to outlive a later failure.
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
