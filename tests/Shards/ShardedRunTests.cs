using GpuRnn.Training.Many;

namespace GpuRnn.Tests.Shards;

/// <summary>
/// Sharded sweeps and train-many runs end to end: merged, they are the unsharded run's CSV (and best model, and
/// models) byte for byte; a requeued shard resumes without training; a missing, mismatched, corrupt or duplicated
/// shard is refused in one line.
/// </summary>
public class ShardedRunTests
{
    static readonly string[] Grid = ["--hidden", "2,3", "--time-steps", "6,12", "--seeds", "1,2", "--epochs", "2", "--accelerator", "simd"];

    static CliRun Sweep(params string[] more) => CliRun.Of(["sweep", .. Grid, .. more]);

    static void Ok(CliRun run) => Assert.True(run.ExitCode == 0, run.Err);

    [Fact]
    public void A_sweep_in_three_shards_merges_into_the_unsharded_csv_and_best_model()
    {
        using var dir = new TempDir();
        Ok(Sweep("--csv", dir.File("whole.csv"), "--save-best", dir.File("whole.json"), "--no-baseline"));
        for (int i = 0; i < 3; i++) Ok(Sweep("--out", dir.File("shards"), "--shard", $"{i}/3"));
        var merge = CliRun.Of("merge", dir.File("shards"), "--save-best", dir.File("best.json"));
        Ok(merge);
        var overwrite = CliRun.Of("merge", dir.File("shards"), "--csv", dir.File("shards/shard-0-of-3.csv"));
        Assert.Equal((2, $"gpurnn: --csv {dir.File("shards/shard-0-of-3.csv")} would overwrite the input shard {dir.File("shards/shard-0-of-3.csv")}: choose another file\n"), (overwrite.ExitCode, overwrite.Err));
        Assert.Equal($"Merged: 3 of 3 shards of a sweep run (16 rows) into {dir.File("shards/sweep.csv")}; best model: {dir.File("best.json")}\n", merge.Out);
        Assert.Equal(File.ReadAllText(dir.File("whole.csv")), File.ReadAllText(dir.File("shards/sweep.csv")));
        Assert.Equal(File.ReadAllBytes(dir.File("whole.json")), File.ReadAllBytes(dir.File("best.json")));
    }

    [Fact]
    public void A_requeued_shard_resumes_and_another_run_s_result_is_not_overwritten()
    {
        using var dir = new TempDir();
        Ok(Sweep("--out", dir.File("s"), "--shard", "1/2"));
        string result = dir.File("s/shard-1-of-2.csv");
        var written = File.GetLastWriteTimeUtc(result);
        var again = Sweep("--out", dir.File("s"), "--shard", "1/2");
        Ok(again);
        Assert.Equal($"Shard 1 of 2: already done ({result}, same options and data): nothing to train\n", again.Out);
        Assert.Equal(written, File.GetLastWriteTimeUtc(result));
        var other = Sweep("--learning-rates", "0.001,0.02", "--out", dir.File("s"), "--shard", "1/2");
        Assert.Equal(2, other.ExitCode);
        Assert.Contains("holds the result of another run", other.Err);
        Assert.Equal(written, File.GetLastWriteTimeUtc(result));
    }

    [Fact]
    public void A_missing_shard_is_named_unless_partial_and_a_mismatched_or_corrupt_one_is_refused()
    {
        using var dir = new TempDir();
        Ok(Sweep("--out", dir.File("s"), "--shard", "0/3"));
        Ok(Sweep("--out", dir.File("s"), "--shard", "2/3"));
        var missing = CliRun.Of("merge", dir.File("s"));
        Assert.Equal((2, $"gpurnn: missing shard 1 of 3 in {dir.File("s")}: rerun it, or give --partial to merge the 2 there\n"), (missing.ExitCode, missing.Err));
        Assert.False(File.Exists(dir.File("s/sweep.csv")));
        var partial = CliRun.Of("merge", dir.File("s"), "--partial");
        Ok(partial);
        Assert.Contains("Partial: shard 1 of 3 is missing", partial.Out);
        Assert.Equal(1 + 5 + 6, File.ReadAllLines(dir.File("s/sweep.csv")).Length); // shards 0 and 2: configurations 0–4 and 10–15 of 16

        Ok(Sweep("--learning-rates", "0.001,0.02", "--out", dir.File("other"), "--shard", "1/3"));
        File.Copy(dir.File("other/shard-1-of-3.csv"), dir.File("s/shard-1-of-3.csv"));
        var mismatched = CliRun.Of("merge", dir.File("s"));
        Assert.Equal(2, mismatched.ExitCode);
        Assert.Contains("shard-1-of-3.csv is of another run than shard-0-of-3.csv", mismatched.Err);

        File.WriteAllLines(dir.File("s/shard-1-of-3.csv"), File.ReadAllLines(dir.File("s/shard-0-of-3.csv"))[..^1]);
        var corrupt = CliRun.Of("merge", dir.File("s"));
        Assert.Equal(2, corrupt.ExitCode);
        Assert.Contains("shard-1-of-3.csv: corrupt", corrupt.Err);

        Ok(Sweep("--out", dir.File("splits"), "--shard", "0/2"));
        File.Copy(dir.File("s/shard-0-of-3.csv"), dir.File("splits/shard-0-of-3.csv"));
        Assert.Contains("holds shards of two splits, shard-0-of-2.csv and shard-0-of-3.csv", CliRun.Of("merge", dir.File("splits")).Err);
    }

    [Fact]
    public void Train_many_in_shards_merges_into_the_unsharded_metrics_and_models()
    {
        using var dir = new TempDir();
        var data = SyntheticSeries.Monthly(7, length: 72, seed: 8);
        string csv = dir.File("wide.csv");
        File.WriteAllText(csv, "month," + string.Join(",", data.Series.Select(s => s.Name)) + "\n" + string.Concat(Enumerable.Range(0, 72).Select(t =>
            data.Series[0].Dates!.Format(t) + "," + string.Join(",", data.Series.Select(s => s.Values[t].ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + "\n")));
        string[] options = ["train-many", "--data", csv, "--time-steps", "6", "--epochs", "2"];
        Ok(CliRun.Of([.. options, "--out", dir.File("whole")]));
        for (int i = 0; i < 3; i++) Ok(CliRun.Of([.. options, "--out", dir.File("shards"), "--shard", $"{i}/3"]));
        Ok(CliRun.Of("merge", dir.File("shards")));
        Assert.Equal(File.ReadAllText(dir.File("whole/metrics.csv")), File.ReadAllText(dir.File("shards/metrics.csv")));
        Assert.Equal(ModelBundle.Ids(dir.File("whole")), ModelBundle.Ids(dir.File("shards")));
        foreach (var id in ModelBundle.Ids(dir.File("whole")))
            Assert.Equal(ModelBundle.Load(dir.File("whole"), id).Parameters, ModelBundle.Load(dir.File("shards"), id).Parameters);
        Assert.Contains("--save-best picks a sweep's best model", CliRun.Of("merge", dir.File("shards"), "--save-best", dir.File("b.json")).Err);
        // An --out folder holding the data: its outputs would overwrite it, so it is refused before anything is read.
        File.Copy(csv, dir.File("whole/metrics.csv"), overwrite: true);
        var onData = CliRun.Of("train-many", "--data", dir.File("whole/metrics.csv"), "--out", dir.File("whole"));
        Assert.Equal((2, $"gpurnn: --out {dir.File("whole/metrics.csv")} would overwrite the input --data {dir.File("whole/metrics.csv")}: choose another file\n"), (onData.ExitCode, onData.Err));
    }
}
