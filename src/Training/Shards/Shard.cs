using System.Globalization;

namespace GpuRnn.Training.Shards;

/// <summary>
/// Shard <see cref="Index"/> of <see cref="Count"/> (from 0): which contiguous slice of a run's items (a sweep's
/// configurations in grid order, a file's series in file order) one task takes. Slices depend only on the number of
/// items and shards, so every item is in exactly one shard and the shards' rows, in shard order, are the unsharded
/// run's rows.
/// </summary>
public readonly record struct Shard(int Index, int Count)
{
    public static Shard Whole => new(0, 1);

    /// <summary>Items [⌊i·N/n⌋, ⌊(i+1)·N/n⌋) of N: contiguous, so a sweep's shapes and a file's neighbours stay together.</summary>
    public (int Start, int Length) Slice(int items)
    {
        long start = (long)Index * items / Count, end = (long)(Index + 1) * items / Count;
        return ((int)start, (int)(end - start));
    }

    public IReadOnlyList<T> Take<T>(IReadOnlyList<T> items)
    {
        var (start, length) = Slice(items.Count);
        return [.. items.Skip(start).Take(length)];
    }

    /// <summary>The name of its result in an output folder: <c>shard-&lt;i&gt;-of-&lt;n&gt;.csv</c>.</summary>
    public string FileName(string extension = ".csv") => $"shard-{Index}-of-{Count}{extension}";

    public override string ToString() => $"shard {Index} of {Count}";

    /// <summary><c>i/n</c>, with 0 ≤ i &lt; n.</summary>
    public static Shard Parse(string text, string option = "--shard")
    {
        var parts = text.Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int i)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n))
            return Checked(i, n, $"{option} {text}");
        throw new GpuRnnInputException($"{option} takes i/n, shard i (from 0) of n (got '{text}')");
    }

    static Shard Checked(int index, int count, string what) =>
        count >= 1 && count <= 1_000_000 && index >= 0 && index < count ? new Shard(index, count)
            : throw new GpuRnnInputException($"{what}: a shard is i of n with 0 ≤ i < n ≤ 1000000 (got {index} of {count})");

    /// <summary>
    /// The shard a scheduler gives this task, when <c>--shard</c> is not given: a Slurm job array
    /// (<c>SLURM_ARRAY_TASK_ID</c> with <c>SLURM_ARRAY_TASK_COUNT</c>, or with <c>SLURM_ARRAY_TASK_MIN</c> and
    /// <c>_MAX</c>: the task's place among them; with <paramref name="shards"/> the task id is the shard's index, so
    /// that <c>--array=3,5 --shards 8</c> reruns shards 3 and 5), or a Kubernetes Indexed Job (<c>JOB_COMPLETION_INDEX</c>, with
    /// <paramref name="shards"/> from <c>--shards n</c>, which Kubernetes does not pass on). Null: not sharded.
    /// </summary>
    public static Shard? FromEnvironment(Func<string, string?> variable, int? shards)
    {
        int? Number(string name)
        {
            string? text = variable(name);
            if (string.IsNullOrWhiteSpace(text)) return null;
            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int v) ? v
                : throw new GpuRnnInputException($"{name}={text} is not a whole number");
        }
        if (Number("SLURM_ARRAY_TASK_ID") is { } id)
        {
            // With --shards n the array's ids are the shard indexes themselves, so a rerun of some (--array=3,5) is those shards.
            if (shards is { } given) return Checked(id, given, "SLURM_ARRAY_TASK_ID with --shards");
            if (Number("SLURM_ARRAY_TASK_MIN") is { } min && Number("SLURM_ARRAY_TASK_MAX") is { } max)
            {
                var count = Number("SLURM_ARRAY_TASK_COUNT") ?? max - min + 1;
                if (count != max - min + 1)
                    throw new GpuRnnInputException($"the job array's tasks {min}–{max} are not consecutive ({count} tasks): give --shard i/n, or --shards n with an array of 0–(n−1)");
                return Checked(id - min, count, "SLURM_ARRAY_TASK_ID");
            }
            if (Number("SLURM_ARRAY_TASK_COUNT") is { } n) return Checked(id, n, "SLURM_ARRAY_TASK_ID");
            throw new GpuRnnInputException("SLURM_ARRAY_TASK_ID is set without SLURM_ARRAY_TASK_COUNT or _MIN/_MAX: give --shard i/n or --shards n");
        }
        if (Number("JOB_COMPLETION_INDEX") is { } index)
            return shards is { } n ? Checked(index, n, "JOB_COMPLETION_INDEX with --shards")
                : throw new GpuRnnInputException("JOB_COMPLETION_INDEX is set (a Kubernetes Indexed Job): give --shards n, the job's completions");
        return null;
    }
}
