namespace GpuRnn.Training.Files;

/// <summary>What sits at a path, as the kernel sees it.</summary>
public enum FileKind { Missing, Regular, Directory, SymbolicLink, CharacterDevice, BlockDevice, Fifo, Socket }

/// <summary>
/// One <c>stat</c> of a path: its kind, its identity (device and inode, so hard links and other spellings of one
/// file compare equal), its permission bits and owner. Identity and owner are known on Linux only (read with
/// <c>statx</c>, whose layout is the same on every architecture); elsewhere they are zero and callers fall back to
/// comparing full paths.
/// </summary>
public readonly record struct FileStatus(FileKind Kind, ulong Device, ulong Inode, UnixFileMode Mode, uint Owner, uint Group, long Size)
{
    public bool Exists => Kind != FileKind.Missing;
    public bool HasIdentity => Inode != 0;

    /// <summary>The status of <paramref name="path"/>; of a symbolic link itself when <paramref name="followLinks"/> is false.</summary>
    public static FileStatus Of(string path, bool followLinks = true) =>
        OperatingSystem.IsLinux() ? LibC.Statx(path, followLinks) : Portable(path, followLinks);

    static FileStatus Portable(string path, bool followLinks)
    {
        FileSystemInfo info = Directory.Exists(path) ? new DirectoryInfo(path) : new FileInfo(path);
        if (!followLinks && info.LinkTarget is not null) return new FileStatus(FileKind.SymbolicLink, 0, 0, 0, 0, 0, 0);
        if (!info.Exists) return default;
        var mode = OperatingSystem.IsWindows() ? default : info.UnixFileMode;
        return info is DirectoryInfo
            ? new FileStatus(FileKind.Directory, 0, 0, mode, 0, 0, 0)
            : new FileStatus(FileKind.Regular, 0, 0, mode, 0, 0, ((FileInfo)info).Length);
    }
}
