using System.Runtime.InteropServices;

namespace GpuRnn.Training.Files;

/// <summary>libc calls for what the base library does not offer: file identity, folder fsync, ownership.</summary>
internal static partial class LibC
{
    const int AtFdCwd = -100, AtSymlinkNoFollow = 0x100, StatxBasicStats = 0x7ff;
    const int Enoent = 2, Enotdir = 20;

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int close(int fd);

    [LibraryImport("libc", EntryPoint = "chown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int chown(string path, uint owner, uint group);

    [LibraryImport("libc", EntryPoint = "access", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int access(string path, int mode);


    internal static unsafe FileStatus Statx(string path, bool followLinks)
    {
        // struct statx: mask u32 @0, uid u32 @20, gid u32 @24, mode u16 @28, ino u64 @32, size u64 @40,
        // dev_major u32 @136, dev_minor u32 @140; 256 bytes in all.
        byte* b = stackalloc byte[256];
        if (statx(AtFdCwd, path, followLinks ? 0 : AtSymlinkNoFollow, StatxBasicStats, b) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno is Enoent or Enotdir) return default;
            throw new IOException($"cannot examine {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }
        uint mode = *(ushort*)(b + 28);
        var kind = (mode & 0xF000) switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0xA000 => FileKind.SymbolicLink,
            0x2000 => FileKind.CharacterDevice,
            0x6000 => FileKind.BlockDevice,
            0x1000 => FileKind.Fifo,
            _ => FileKind.Socket,
        };
        ulong device = ((ulong)*(uint*)(b + 136) << 32) | *(uint*)(b + 140);
        return new FileStatus(kind, device, *(ulong*)(b + 32), (UnixFileMode)(mode & 0xFFF), *(uint*)(b + 20), *(uint*)(b + 24), *(long*)(b + 40));
    }

    /// <summary>fsync on a folder makes a rename inside it durable (best effort: some file systems refuse it).</summary>
    internal static void SyncFolder(string folder)
    {
        int fd = open(folder, 0); // O_RDONLY: enough to fsync a directory
        if (fd < 0) return;
        fsync(fd);
        close(fd);
    }

    internal static bool SetOwner(string path, uint owner, uint group) => chown(path, owner, group) == 0;

    /// <summary>access(W_OK | X_OK): may a file be created in this folder by this user?</summary>
    internal static bool CanCreateIn(string folder) => access(folder, 2 | 1) == 0;

    /// <summary>access(W_OK): may this user write the file? (Root may write anything.)</summary>
    internal static bool CanWrite(string path) => access(path, 2) == 0;
}
