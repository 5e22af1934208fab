namespace GpuRnn.Training.Files;

/// <summary>How an output reaches its file.</summary>
public enum WriteMode
{
    /// <summary>A regular file, or none yet: written beside it and renamed over it in one step.</summary>
    Replace,
    /// <summary>A character device or a FIFO (<c>/dev/null</c>, a named pipe): written to as it is, never replaced.</summary>
    Stream,
}

/// <summary>
/// Where an output option's bytes will land: the path as given, the file it means once symbolic links are followed
/// (a dangling link means its target, which will be created), what is there now, and how it will be written.
/// <see cref="Resolve"/> refuses, as bad input, every path that cannot be written safely, before any work starts.
/// </summary>
public sealed record OutputTarget(string Option, string Path, string Target, FileStatus Existing, WriteMode Mode)
{
    const int MaxLinkHops = 40; // as the kernel's ELOOP limit

    public FileIdentity Identity => FileIdentity.Of(Target);

    public static OutputTarget Resolve(string option, string? path)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new GpuRnnInputException($"{option} needs a file name (got an empty one)");
        string target = FollowLinks(option, path);
        var existing = FileStatus.Of(target);
        switch (existing.Kind)
        {
            case FileKind.Directory:
                throw new GpuRnnInputException($"{option} {path}: is a folder, not a file");
            case FileKind.BlockDevice or FileKind.Socket:
                throw new GpuRnnInputException($"{option} {path}: is a {(existing.Kind == FileKind.Socket ? "socket" : "block device")}; write to a regular file");
            case FileKind.CharacterDevice or FileKind.Fifo:
                return new OutputTarget(option, path, target, existing, WriteMode.Stream);
        }
        string folder = System.IO.Path.GetDirectoryName(target)!;
        var folderStatus = FileStatus.Of(folder);
        if (folderStatus.Kind == FileKind.Missing)
            throw new GpuRnnInputException($"{option} {path}: the folder {folder} does not exist");
        if (folderStatus.Kind != FileKind.Directory)
            throw new GpuRnnInputException($"{option} {path}: {folder} is not a folder");
        if (OperatingSystem.IsLinux() && !LibC.CanCreateIn(folder))
            throw new GpuRnnInputException($"{option} {path}: the folder {folder} is not writable");
        // A rename would replace a file its owner made read-only (the folder allows it): refuse instead, as cp would.
        if (existing.Kind == FileKind.Regular && OperatingSystem.IsLinux() && !LibC.CanWrite(target))
            throw new GpuRnnInputException($"{option} {path}: the file is read-only");
        return new OutputTarget(option, path, target, existing, WriteMode.Replace);
    }

    /// <summary>The file a path finally names: each symbolic link replaced by its target, relative targets taken from the link's folder.</summary>
    static string FollowLinks(string option, string path)
    {
        string current = System.IO.Path.GetFullPath(path);
        for (int hop = 0; hop <= MaxLinkHops; hop++)
        {
            if (FileStatus.Of(current, followLinks: false).Kind != FileKind.SymbolicLink) return current;
            string link = new FileInfo(current).LinkTarget!;
            current = System.IO.Path.GetFullPath(link, System.IO.Path.GetDirectoryName(current)!);
        }
        throw new GpuRnnInputException($"{option} {path}: too many levels of symbolic links");
    }
}
