using System.Collections.Concurrent;
using System.Globalization;

namespace GpuRnn.Training.Files;

/// <summary>
/// One output, complete but not yet in place. For a regular file (or none yet): a temporary sibling
/// <c>.NAME.PID.tmp</c> in the target's folder, written, given the old file's mode and owner, and flushed to disk;
/// <see cref="Commit"/> renames it over the target and flushes the folder. For a character device or FIFO: the bytes,
/// written to it as it is on commit (never replaced by a regular file). Disposing before commit removes the temporary.
/// </summary>
public sealed class StagedFile : IDisposable
{
    /// <summary>Temporaries that exist right now, so an interrupt (Ctrl-C, SIGTERM) can remove them.</summary>
    static readonly ConcurrentDictionary<string, byte> Live = new();

    readonly OutputTarget target;
    readonly string? temp;
    byte[]? bytes;
    bool done;

    StagedFile(OutputTarget target, string? temp, byte[]? bytes) { this.target = target; this.temp = temp; this.bytes = bytes; }

    public static StagedFile Create(OutputTarget target, Action<Stream> write)
    {
        if (target.Mode == WriteMode.Stream)
        {
            using var memory = new MemoryStream();
            write(memory);
            return new StagedFile(target, null, memory.ToArray());
        }
        string folder = Path.GetDirectoryName(target.Target)!;
        string name = Path.GetFileName(target.Target);
        RemoveStaleTemporaries(folder, name);
        string temp = Path.Combine(folder, $".{name}.{Environment.ProcessId}.tmp");
        Live[temp] = 0;
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
                write(stream); // which may close the stream (a StreamWriter does), so the data is synced below
            using (var synced = new FileStream(temp, FileMode.Open, FileAccess.Write, FileShare.None))
                synced.Flush(flushToDisk: true); // fsync before the rename: a crash leaves the old file or the whole new one
            KeepModeAndOwner(temp, target.Existing);
            return new StagedFile(target, temp, null);
        }
        catch (Exception e)
        {
            Delete(temp);
            if (e is IOException or UnauthorizedAccessException) throw new GpuRnnInputException($"cannot write {target.Path}: {e.Message}", e);
            throw;
        }
    }

    public void Commit()
    {
        if (done) return;
        try
        {
            if (temp is null)
            {
                using var stream = new FileStream(target.Target, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
                stream.Write(bytes);
            }
            else
            {
                File.Move(temp, target.Target, overwrite: true);
                Live.TryRemove(temp, out _);
                if (OperatingSystem.IsLinux()) LibC.SyncFolder(Path.GetDirectoryName(target.Target)!);
            }
            done = true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new GpuRnnInputException($"cannot write {target.Path}: {e.Message}", e);
        }
    }

    public void Dispose()
    {
        if (!done && temp is not null) Delete(temp);
        done = true;
        bytes = null;
    }

    /// <summary>Removes every temporary still being written: for an interrupt handler, just before the process exits.</summary>
    public static void DeleteLiveTemporaries()
    {
        foreach (var path in Live.Keys) Delete(path);
    }

    static void Delete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        Live.TryRemove(path, out _);
    }

    /// <summary>The replacement keeps the file's permissions and, where we may (as root), its owner and group.</summary>
    static void KeepModeAndOwner(string temp, FileStatus existing)
    {
        if (existing.Kind != FileKind.Regular || OperatingSystem.IsWindows()) return;
        File.SetUnixFileMode(temp, existing.Mode);
        if (OperatingSystem.IsLinux())
        {
            var made = FileStatus.Of(temp);
            if ((made.Owner != existing.Owner || made.Group != existing.Group) && !LibC.SetOwner(temp, existing.Owner, existing.Group))
                File.SetUnixFileMode(temp, existing.Mode & ~(UnixFileMode.SetUser | UnixFileMode.SetGroup)); // never a set-id file owned by someone else
        }
    }

    /// <summary>A process killed outright (SIGKILL, power loss) cannot clean up; the next write to the same file
    /// removes temporaries whose process is gone, so they never pile up.</summary>
    static void RemoveStaleTemporaries(string folder, string name)
    {
        if (!OperatingSystem.IsLinux()) return;
        string prefix = $".{name}.";
        foreach (var path in Directory.EnumerateFiles(folder, $"{prefix}*.tmp"))
        {
            string pid = Path.GetFileName(path)[prefix.Length..^".tmp".Length];
            if (int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out int id) && id != Environment.ProcessId && !Directory.Exists($"/proc/{id}"))
                Delete(path);
        }
    }
}
