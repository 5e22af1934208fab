using GpuRnn.Training.Files;

namespace GpuRnn.Training;

/// <summary>
/// Writes one file all at once or not at all (see <see cref="StagedFile"/>): symbolic links are followed and their
/// target replaced, devices and FIFOs are written to rather than replaced, the old file's mode and owner are kept.
/// A command writing several files plans them together with <see cref="FilePlan"/> instead.
/// </summary>
public static class AtomicFile
{
    public static void Write(string path, Action<Stream> write)
    {
        using var file = StagedFile.Create(OutputTarget.Resolve("output", path), write);
        file.Commit();
    }

    public static void WriteAllText(string path, string text) =>
        Write(path, s => { using var w = new StreamWriter(s, leaveOpen: true); w.Write(text); });
}
