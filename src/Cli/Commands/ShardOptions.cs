
namespace GpuRnn.Cli.Commands;

/// <summary>
/// <c>--shard i/n</c> and <c>--shards n</c>: which slice of the work this task does, given or read from the scheduler
/// (<see cref="Shard.FromEnvironment"/>: Slurm job arrays, Kubernetes Indexed Jobs). A sharded run writes
/// <c>DIR/shard-&lt;i&gt;-of-&lt;n&gt;.csv</c> into <c>--out DIR</c>, and a rerun whose result is already there (a
/// requeued task) reuses it; <c>gpurnn merge DIR</c> joins them.
/// </summary>
sealed class ShardOptions
{
    public Option<string?> Shard { get; } = new("--shard") { Description = "do shard I (from 0) of N of the work and write DIR/shard-I-of-N.csv into --out (default: from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX when set)", HelpName = "I/N" };
    public Option<int?> Shards { get; } = new("--shards") { Description = "how many shards a Kubernetes Indexed Job (JOB_COMPLETION_INDEX) or a Slurm array without a task count splits the work into", HelpName = "N" };

    public Option[] All => [Shard, Shards];

    /// <summary>The shard asked for or given by the scheduler; null when the run is not sharded.</summary>
    public Shard? Resolve(ParseResult result, Func<string, string?>? environment = null)
    {
        if (result.GetValue(Shard) is { } text)
        {
            var shard = Training.Shards.Shard.Parse(text);
            if (result.GetValue(Shards) is { } n && n != shard.Count) throw new GpuRnnInputException($"--shard {text} and --shards {n} disagree");
            return shard;
        }
        var fromScheduler = Training.Shards.Shard.FromEnvironment(environment ?? Environment.GetEnvironmentVariable, result.GetValue(Shards));
        if (fromScheduler is null && result.GetValue(Shards) is not null)
            throw new GpuRnnInputException("--shards n needs a scheduler's task index (SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX); give --shard i/n otherwise");
        return fromScheduler;
    }

    /// <summary>
    /// The run's identity for its shards: every option of <paramref name="command"/> that shapes the results (all but
    /// the output and shard options), the number of shards (which sets the slices) and the data file's bytes.
    /// </summary>
    public static string RunHash(ParseResult result, Command command, Shard shard, string? dataPath, params string[] outputOptions)
    {
        var values = command.Options.Where(o => !outputOptions.Contains(o.Name) && o.Name is not "--shard" and not "--shards" and not "--help" and not "--data")
            .OrderBy(o => o.Name, StringComparer.Ordinal)
            .Select(o => $"{o.Name}={Convert.ToString(result.GetValue<object?>(o.Name), CultureInfo.InvariantCulture)}");
        return ShardFile.RunHash(command.Name, [.. values, $"shards={shard.Count}"], dataPath);
    }
}
