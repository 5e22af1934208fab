namespace GpuRnn.Training.Files;

/// <summary>
/// Inputs are read whole, so they must be regular files: a FIFO would block the read until something writes to it,
/// and a device such as <c>/dev/zero</c> never ends. The kind is checked before the file is opened (opening a FIFO
/// already blocks).
/// </summary>
public static class InputFile
{
    /// <summary>The status of <paramref name="path"/>, a regular file (links followed); otherwise one clear
    /// <see cref="GpuRnnInputException"/> naming it as <paramref name="what"/> (e.g. "data file").</summary>
    public static FileStatus EnsureRegular(string path, string what)
    {
        FileStatus status;
        try { status = FileStatus.Of(path); }
        catch (IOException e) { throw new GpuRnnInputException($"cannot read {what} {path}: {e.Message}", e); }
        return status.Kind switch
        {
            FileKind.Regular => status,
            FileKind.Missing => throw new GpuRnnInputException($"{what} not found: {path}"),
            FileKind.Directory => throw new GpuRnnInputException($"{what} {path} is a folder, not a file"),
            var kind => throw new GpuRnnInputException($"{what} {path} is {Describe(kind)}, not a regular file (it is read whole, so it must be one)"),
        };
    }

    static string Describe(FileKind kind) => kind switch
    {
        FileKind.Fifo => "a FIFO (named pipe)",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Socket => "a socket",
        _ => "a special file",
    };
}
