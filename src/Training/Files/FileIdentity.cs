namespace GpuRnn.Training.Files;

/// <summary>
/// Which file a path means, whatever its spelling: an existing file is its device and inode (so hard links,
/// symbolic links and <c>a/../b</c> all compare equal); a file not made yet is its folder's identity and its name.
/// Where the system gives no inodes (Windows, macOS here) the fully resolved path stands in.
/// </summary>
public readonly record struct FileIdentity(ulong Device, ulong Inode, string? Name)
{
    /// <summary>The identity of <paramref name="resolved"/>, a path whose symbolic links (if any) are already followed.</summary>
    public static FileIdentity Of(string resolved)
    {
        var status = FileStatus.Of(resolved);
        if (status.HasIdentity) return new FileIdentity(status.Device, status.Inode, null);
        string full = Path.GetFullPath(resolved);
        var folder = FileStatus.Of(Path.GetDirectoryName(full) ?? full);
        return folder.HasIdentity
            ? new FileIdentity(folder.Device, folder.Inode, Path.GetFileName(full))
            : new FileIdentity(0, 0, full);
    }
}
