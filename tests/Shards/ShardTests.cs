using GpuRnn.Training.Shards;

namespace GpuRnn.Tests.Shards;

/// <summary>Which slice a shard takes, and which shard a scheduler's environment names (Slurm job arrays, Kubernetes Indexed Jobs).</summary>
public class ShardTests
{
    [Theory]
    [InlineData(16, 3)]
    [InlineData(5, 5)]
    [InlineData(3, 7)]
    [InlineData(10_000, 64)]
    public void The_shards_slices_cover_every_item_exactly_once_in_order(int items, int shards)
    {
        var taken = Enumerable.Range(0, shards).SelectMany(i => new Shard(i, shards).Take(Enumerable.Range(0, items).ToList())).ToList();
        Assert.Equal(Enumerable.Range(0, items), taken);
        var sizes = Enumerable.Range(0, shards).Select(i => new Shard(i, shards).Slice(items).Length).ToList();
        Assert.True(sizes.Max() - sizes.Min() <= 1, "the slices differ by at most one item");
    }

    [Theory]
    [InlineData("0/1", 0, 1)]
    [InlineData("2/3", 2, 3)]
    public void I_of_n_parses(string text, int index, int count) => Assert.Equal(new Shard(index, count), Shard.Parse(text));

    [Theory]
    [InlineData("3/3")]
    [InlineData("-1/3")]
    [InlineData("1/0")]
    [InlineData("1")]
    [InlineData("a/b")]
    public void Nonsense_shards_are_refused(string text) => Assert.Throws<GpuRnnInputException>(() => Shard.Parse(text));

    static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void A_slurm_array_task_is_its_shard()
    {
        Assert.Equal(new Shard(2, 4), Shard.FromEnvironment(Environment(("SLURM_ARRAY_TASK_ID", "2"), ("SLURM_ARRAY_TASK_COUNT", "4")), null));
        // --array=10-13: the task's place among them.
        Assert.Equal(new Shard(1, 4), Shard.FromEnvironment(Environment(("SLURM_ARRAY_TASK_ID", "11"), ("SLURM_ARRAY_TASK_MIN", "10"), ("SLURM_ARRAY_TASK_MAX", "13")), null));
        Assert.Equal(new Shard(3, 8), Shard.FromEnvironment(Environment(("SLURM_ARRAY_TASK_ID", "3")), 8));
        // A rerun of the failed tasks only (--array=3,5 with --shards 8): the ids are the shards, whatever the array's first.
        Assert.Equal(new Shard(5, 8), Shard.FromEnvironment(Environment(("SLURM_ARRAY_TASK_ID", "5"), ("SLURM_ARRAY_TASK_MIN", "3"), ("SLURM_ARRAY_TASK_MAX", "5")), 8));
        Assert.Null(Shard.FromEnvironment(Environment(), null));
    }

    [Fact]
    public void A_kubernetes_indexed_job_needs_the_count()
    {
        Assert.Equal(new Shard(5, 6), Shard.FromEnvironment(Environment(("JOB_COMPLETION_INDEX", "5")), 6));
        Assert.Contains("--shards n", Assert.Throws<GpuRnnInputException>(() => Shard.FromEnvironment(Environment(("JOB_COMPLETION_INDEX", "5")), null)).Message);
    }

    [Fact]
    public void A_slurm_array_with_a_step_or_a_bad_value_is_refused()
    {
        // --array=0-6:2 has 4 tasks, 0 2 4 6: their ids are no shard indexes.
        Assert.Contains("not consecutive", Assert.Throws<GpuRnnInputException>(() => Shard.FromEnvironment(
            Environment(("SLURM_ARRAY_TASK_ID", "2"), ("SLURM_ARRAY_TASK_MIN", "0"), ("SLURM_ARRAY_TASK_MAX", "6"), ("SLURM_ARRAY_TASK_COUNT", "4")), null)).Message);
        Assert.Equal("SLURM_ARRAY_TASK_ID=x is not a whole number",
            Assert.Throws<GpuRnnInputException>(() => Shard.FromEnvironment(Environment(("SLURM_ARRAY_TASK_ID", "x")), 3)).Message);
    }

    [Theory]
    [InlineData("s1,240,15", "s1")]
    [InlineData("\"store, north\",240,15", "store, north")]
    [InlineData("\"say \"\"hi\"\"\",1", "say \"hi\"")]
    public void A_merged_row_s_id_is_its_first_cell_unquoted(string row, string id) => Assert.Equal(id, GpuRnn.Cli.Commands.MergeCommand.FirstCell(row));

    [Fact]
    public void A_shard_header_reads_back_what_was_written()
    {
        var header = new ShardHeader("sweep", new Shard(1, 3), "0123456789abcdef", 12);
        Assert.Equal("# gpurnn-shard/1 kind=sweep shard=1/3 run=0123456789abcdef rows=12", header.ToString());
        Assert.Equal(header, ShardHeader.Parse(header.ToString()));
        Assert.Null(ShardHeader.Parse("rank,hidden"));
    }
}
