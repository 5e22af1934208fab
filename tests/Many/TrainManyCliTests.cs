using System.Globalization;
using GpuRnn.Training.Many;

namespace GpuRnn.Tests.Many;

/// <summary>
/// <c>gpurnn train-many</c> end to end: the outputs of <c>--out</c>, each metrics row against the series trained
/// alone by <c>TrainingRun</c>, <c>predict</c>/<c>forecast --id</c> reading one series' model from the bundle (a long
/// file's and a wide file's give the same predictions), and the one-line refusals that leave no folder behind.
/// </summary>
public class TrainManyCliTests
{
    /// <summary>Three monthly series of 96 values, written long (rows shuffled) and wide, plus a series with a bad cell.</summary>
    static TempDir Files(out string longCsv, out string wideCsv, out SeriesCollection data)
    {
        var dir = new TempDir();
        data = SyntheticSeries.Monthly(3, length: 96, seed: 4);
        var rows = data.Series.SelectMany(s => s.Values.Select((v, t) => $"{s.Name},{s.Dates!.Format(t)},{v.ToString("R", CultureInfo.InvariantCulture)}")).ToList();
        rows.Add("broken,2000-01,oops");
        var rng = new Random(3);
        longCsv = dir.File("long.csv");
        File.WriteAllText(longCsv, "id,month,value\n" + string.Join("\n", rows.OrderBy(_ => rng.Next())) + "\n");
        var series = data.Series;
        wideCsv = dir.File("wide.csv");
        File.WriteAllText(wideCsv, "month," + string.Join(",", series.Select(s => s.Name)) + "\n"
            + string.Join("", Enumerable.Range(0, 96).Select(t => series[0].Dates!.Format(t) + "," + string.Join(",", series.Select(s => s.Values[t].ToString("R", CultureInfo.InvariantCulture))) + "\n")));
        return dir;
    }

    static readonly string[] Quick = ["--time-steps", "6", "--epochs", "2", "--seed", "3"];

    [Fact]
    public void The_out_folder_holds_metrics_models_and_summary_and_each_row_is_the_series_trained_alone()
    {
        using var dir = Files(out var longCsv, out _, out var data);
        string outDir = dir.File("out");
        var (code, stdout, stderr) = CliRun.Of(["train-many", "--data", longCsv, "--id-column", "id", "--out", outDir, "--accelerator", "scalar", .. Quick]);
        Assert.True(code == 0, stderr);
        Assert.Contains("3 to train, 1 skipped", stdout);
        Assert.Contains("Skipped: 'broken': line", stdout);
        Assert.Equal(["metrics.csv", ModelBundle.FileName, "skipped.csv", "summary.png"], Directory.GetFiles(outDir).Select(Path.GetFileName).Order());
        Assert.StartsWith("id,reason\nbroken,line ", File.ReadAllText(Path.Combine(outDir, "skipped.csv")));
        var lines = File.ReadAllLines(Path.Combine(outDir, "metrics.csv"));
        Assert.Equal("id,values,train_windows,test_windows,seed,train_rmse,test_rmse,train_rmse_original,test_rmse_original,epochs", lines[0]);
        Assert.Equal(4, lines.Length);
        foreach (var line in lines[1..])
        {
            var cells = line.Split(',');
            var series = data.Series.Single(s => s.Name == cells[0]);
            int seed = SeriesSeed.Of(3, series.Name);
            var alone = new TrainingRun(series with { Source = longCsv }, ModelSpec.Tutorial with { TimeSteps = 6 }, new WindowingOptions(6),
                new TrainingOptions { Epochs = 2, Seed = seed }, EngineKind.Scalar).Run();
            Assert.Equal(seed.ToString(CultureInfo.InvariantCulture), cells[4]);
            Assert.Equal(alone.Data.Train.Count.ToString(CultureInfo.InvariantCulture), cells[2]);
            Assert.Equal(alone.TestRmse, double.Parse(cells[6], CultureInfo.InvariantCulture));
            Assert.Equal(alone.TestRmseOriginal, double.Parse(cells[8], CultureInfo.InvariantCulture));
            Assert.Equal(alone.Parameters, ModelBundle.Load(outDir, series.Name).Parameters);
        }
    }

    [Fact]
    public void Predict_and_forecast_read_one_series_model_by_id_from_a_long_or_a_wide_file_s_bundle()
    {
        using var dir = Files(out var longCsv, out var wideCsv, out _);
        Assert.Equal(0, CliRun.Of(["train-many", "--data", longCsv, "--id-column", "id", "--out", dir.File("long"), .. Quick]).ExitCode);
        Assert.Equal(0, CliRun.Of(["train-many", "--data", wideCsv, "--out", dir.File("wide"), .. Quick]).ExitCode);
        var fromLong = CliRun.Of("predict", "--model", dir.File("long"), "--id", "s00001");
        var fromWide = CliRun.Of("predict", "--model", Path.Combine(dir.File("wide"), ModelBundle.FileName), "--id", "s00001");
        Assert.True(fromLong.ExitCode == 0, fromLong.Err);
        Assert.Equal(fromWide.Out, fromLong.Out);
        Assert.StartsWith("date,actual,predicted\n2000-07,", fromLong.Out);
        var forecast = CliRun.Of("forecast", "--model", dir.File("long"), "--id", "s00002", "--horizon", "3", "--interval", "0.8", "--no-plot");
        Assert.True(forecast.ExitCode == 0, forecast.Err);
        Assert.Equal(4, forecast.Out.Trim().Split('\n').Length);
        Assert.StartsWith("date,step,forecast,lower,upper\n2008-01,1,", forecast.Out);
    }

    [Fact]
    public void A_bundle_without_id_or_with_an_unknown_one_is_refused_in_one_line()
    {
        using var dir = Files(out _, out var wideCsv, out _);
        Assert.Equal(0, CliRun.Of(["train-many", "--data", wideCsv, "--out", dir.File("o"), .. Quick]).ExitCode);
        var (code, stdout, stderr) = CliRun.Of("predict", "--model", dir.File("o"));
        Assert.Equal((2, ""), (code, stdout));
        Assert.Equal($"gpurnn: {dir.File("o")}/models.zip is a bundle of 3 series' models: choose one with --id (s00000, s00001, s00002)\n", stderr);
        var unknown = CliRun.Of("predict", "--model", dir.File("o"), "--id", "s9");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Equal($"gpurnn: {dir.File("o")}/models.zip holds no model for series 's9' (3 series: s00000, s00001, s00002)\n", unknown.Err);
    }

    [Fact]
    public void Many_skipped_series_are_counted_on_stdout_and_listed_whole_in_skipped_csv()
    {
        using var dir = new TempDir();
        // One series of 40 values, 12 of 3: too short for a window of 6.
        var columns = Enumerable.Range(0, 13).Select(c => $"c{c:D2}").ToArray();
        File.WriteAllText(dir.File("w.csv"), string.Join(",", columns) + "\n"
            + string.Concat(Enumerable.Range(0, 40).Select(t => string.Join(",", columns.Select((_, c) => c == 0 || t < 3 ? $"{t + c}" : "")) + "\n")));
        var run = CliRun.Of(["train-many", "--data", dir.File("w.csv"), "--out", dir.File("o"), .. Quick]);
        Assert.True(run.ExitCode == 0, run.Err);
        var skippedLines = run.Out.Split('\n').Where(l => l.StartsWith("Skipped:", StringComparison.Ordinal)).ToList();
        Assert.Equal(11, skippedLines.Count);
        Assert.Equal($"Skipped: … and 2 more (all in {dir.File("o/skipped.csv")})", skippedLines[^1]);
        Assert.Equal(1 + 12, File.ReadAllLines(dir.File("o/skipped.csv")).Length);
    }

    [Fact]
    public void A_failed_run_leaves_no_folder_and_a_missing_parent_or_a_file_is_refused()
    {
        using var dir = Files(out _, out _, out _);
        File.WriteAllText(dir.File("bad.csv"), "a,b\n1,x\n2,3\n");
        var failed = CliRun.Of("train-many", "--data", dir.File("bad.csv"), "--out", dir.File("made"));
        Assert.Equal(2, failed.ExitCode);
        Assert.Equal("gpurnn: no series to train: all 2 were skipped (first: 'b': line 2: 'x' is not a number)\n", failed.Err);
        Assert.Equal("", failed.Out);
        Assert.False(Directory.Exists(dir.File("made")));
        var parent = CliRun.Of("train-many", "--data", dir.File("bad.csv"), "--out", dir.File("no/such"));
        Assert.Equal($"gpurnn: --out {dir.File("no/such")}: the folder {dir.File("no")} does not exist\n", parent.Err);
        var file = CliRun.Of("train-many", "--data", dir.File("bad.csv"), "--out", dir.File("bad.csv"));
        Assert.Equal($"gpurnn: --out {dir.File("bad.csv")}: is a file, not a folder\n", file.Err);
    }
}
