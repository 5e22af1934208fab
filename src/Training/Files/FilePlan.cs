namespace GpuRnn.Training.Files;

/// <summary>
/// The files one command reads and writes, checked together before any work: every output must be writable and
/// none may be the same file as an input or as another output (compared by <see cref="FileIdentity"/>, so links,
/// hard links and other spellings are caught). A command lists every file option here; one added later joins the
/// checks by being listed.
/// </summary>
public sealed class FilePlan
{
    readonly List<(string Option, string Path)> inputs = [];
    readonly List<(string Option, string? Path)> outputs = [];

    /// <summary>A file the command reads (ignored when null: an option not given).</summary>
    public FilePlan Input(string option, string? path)
    {
        if (path is not null) inputs.Add((option, path));
        return this;
    }

    /// <summary>A file the command writes (ignored when null: an output not asked for; refused when empty).</summary>
    public FilePlan Output(string option, string? path, bool asked = true)
    {
        if (asked && path is not null) outputs.Add((option, path));
        return this;
    }

    /// <summary>Resolves and checks every output; throws <see cref="GpuRnnInputException"/> on the first problem.</summary>
    public OutputSet Check()
    {
        var targets = outputs.Select(o => OutputTarget.Resolve(o.Option, o.Path)).ToList();
        var identities = targets.Select(t => t.Identity).ToList();
        for (int i = 0; i < targets.Count; i++)
        {
            for (int j = 0; j < i; j++)
                if (identities[i] == identities[j] && targets[i].Existing.Kind != FileKind.CharacterDevice) // two outputs to /dev/null are fine
                    throw new GpuRnnInputException($"{targets[j].Option} {targets[j].Path} and {targets[i].Option} {targets[i].Path} are the same file: give each output its own");
            foreach (var (option, path) in inputs)
                if (SameFile(path, targets[i], identities[i]))
                    throw new GpuRnnInputException($"{targets[i].Option} {targets[i].Path} would overwrite the input {option} {path}: choose another file");
        }
        return new OutputSet(targets);
    }

    static bool SameFile(string input, OutputTarget output, FileIdentity outputIdentity)
    {
        var status = FileStatus.Of(input);
        if (!status.Exists) return false; // an input that is not there is refused by its reader, and cannot be overwritten
        return status.HasIdentity
            ? output.Existing.HasIdentity && status.Device == output.Existing.Device && status.Inode == output.Existing.Inode
            : FileIdentity.Of(Path.GetFullPath(input)) == outputIdentity;
    }
}
