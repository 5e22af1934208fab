using System.Globalization;

namespace GpuRnn.Tests;

/// <summary>
/// Issue 8, item 6: no figure that lies. RMSE in original units comes from the series' own values without overflow;
/// a series that float32 scaling would flatten is refused; values print with the digits they have.
/// </summary>
public class HonestFiguresTests
{
    static string Csv(TempDir dir, string name, IEnumerable<double> values)
    {
        string path = dir.File(name);
        File.WriteAllText(path, "t,v\n" + string.Join("\n", values.Select((v, i) => string.Create(CultureInfo.InvariantCulture, $"{i},{v:R}"))) + "\n");
        return path;
    }

    static double[] Wave(int n, double scale, double offset) => [.. Enumerable.Range(0, n).Select(i => offset + scale * (Math.Sin(i / 4.0) + 0.3 * Math.Sin(i * 1.7)))];

    [Fact]
    public void One_huge_outlier_that_flattens_the_series_is_refused_with_the_reason()
    {
        using var dir = new TempDir();
        var values = Wave(200, 10, 50);
        values[100] = 1e300;
        var run = CliRun.Of("train", "--data", Csv(dir, "d.csv", values), "--column", "v", "--no-plot", "--no-baseline");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("merges", run.Err);
        Assert.Contains("outlier", run.Err);
        Assert.DoesNotContain("Epoch", run.Out);
    }

    /// <summary>A million random values: many neighbours closer than float32 can tell apart, none of them materially.</summary>
    [Fact]
    public void A_dense_series_whose_close_neighbours_merge_harmlessly_is_accepted()
    {
        var rng = new Random(8);
        double[] values = [.. Enumerable.Range(0, 1_000_000).Select(_ => rng.NextDouble() * 3 - 1)];
        var scaled = MinMaxScaler.Fit(values).TransformChecked(values, "dense");
        Assert.True(new HashSet<float>(scaled).Count < values.Length, "the test needs some float32 merges to mean anything");
        values[17] = 1e300;
        Assert.Throws<GpuRnnInputException>(() => MinMaxScaler.Fit(values).TransformChecked(values, "with an outlier"));
    }

    [Fact]
    public void A_constant_series_is_still_accepted()
    {
        using var dir = new TempDir();
        var run = CliRun.Of("train", "--data", Csv(dir, "d.csv", Enumerable.Repeat(7.0, 100)), "--column", "v", "--epochs", "2", "--no-plot", "--no-baseline");
        Assert.True(run.ExitCode == 0, run.Err);
    }

    /// <summary>The same wave at 1e301 and at 1: the original-units RMSE scales exactly, where it printed Infinity before.</summary>
    [Fact]
    public void Rmse_in_original_units_near_1e301_is_finite_and_scales_with_the_data()
    {
        using var dir = new TempDir();
        string small = Csv(dir, "small.csv", Wave(300, 1, 0)), huge = Csv(dir, "huge.csv", Wave(300, 1e301, 0));
        string[] common = ["--column", "v", "--epochs", "3", "--no-plot", "--no-baseline", "--accelerator", "scalar"];
        var a = CliRun.Of(["train", "--data", small, .. common]);
        var b = CliRun.Of(["train", "--data", huge, .. common]);
        Assert.True(a.ExitCode == 0 && b.ExitCode == 0, a.Err + b.Err);
        double ra = OriginalRmse(a.Out, "Test RMSE"), rb = OriginalRmse(b.Out, "Test RMSE");
        Assert.True(double.IsFinite(rb), b.Out);
        Assert.Equal(ra * 1e301, rb, rb * 1e-3);
    }

    [Fact]
    public void Rmse_in_original_units_equals_a_float64_recomputation_from_the_series()
    {
        var series = new Series("v", "test", Wave(240, 3, 1e9)); // 1e9 + small waves: F3 printing showed 0.000 here
        var result = new TrainingRun(series, Training.Model.ModelSpec.Tutorial, new WindowingOptions(), new TrainingOptions { Epochs = 2 }, Training.Engines.EngineKind.Scalar).Run();
        double sum = 0;
        for (int i = 0; i < result.TestPredictions.Length; i++)
        {
            double predicted = result.Data.Scaler.Min + result.TestPredictions[i] * (result.Data.Scaler.Max - result.Data.Scaler.Min);
            double actual = series.Values[result.Data.Split + 12 + 12 * i];
            sum += (predicted - actual) * (predicted - actual);
        }
        Assert.Equal(Math.Sqrt(sum / result.TestPredictions.Length), result.TestRmseOriginal, 1e-6 * result.TestRmseOriginal);
    }

    [Fact]
    public void Predictions_near_1e9_print_their_decimals()
    {
        using var dir = new TempDir();
        string data = Csv(dir, "d.csv", Wave(240, 0.5, 1e9));
        var train = CliRun.Of("train", "--data", data, "--column", "v", "--epochs", "2", "--no-plot", "--no-baseline", "--save", dir.File("m.json"));
        Assert.True(train.ExitCode == 0, train.Err);
        Assert.DoesNotContain(" 0.000 ", train.Out);
        var predict = CliRun.Of("predict", "--model", dir.File("m.json"));
        Assert.True(predict.ExitCode == 0, predict.Err);
        var rows = predict.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')).ToList();
        Assert.DoesNotContain(rows, r => r[1].Contains('E') || r[2].Contains('E'));
        Assert.True(rows.Select(r => r[2]).Distinct().Count() > 1, "every prediction printed the same");
        foreach (var r in rows) Assert.Equal(1e9, double.Parse(r[2], CultureInfo.InvariantCulture), 2.0);
    }

    /// <summary>The sweep's train RMSE covers the same windows as train's: one model, one figure.</summary>
    [Fact]
    public void Sweep_and_train_report_the_same_train_rmse_for_the_same_model()
    {
        using var dir = new TempDir();
        var sweep = CliRun.Of("sweep", "--hidden", "3", "--time-steps", "12", "--seeds", "1", "--lrs", "0.001", "--epochs", "3", "--no-baseline",
            "--accelerator", "scalar", "--csv", dir.File("s.csv"));
        var train = CliRun.Of("train", "--validation-split", "0.2", "--epochs", "3", "--no-plot", "--no-baseline", "--accelerator", "scalar");
        Assert.True(sweep.ExitCode == 0 && train.ExitCode == 0, sweep.Err + train.Err);
        var row = File.ReadAllLines(dir.File("s.csv"))[1].Split(',');
        double sweepTrain = double.Parse(row[5], CultureInfo.InvariantCulture);
        double trainTrain = double.Parse(train.Out.Split('\n').Single(l => l.StartsWith("Train RMSE:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[2], CultureInfo.InvariantCulture);
        Assert.Equal(trainTrain, sweepTrain, 5e-4);
    }

    static double OriginalRmse(string output, string prefix)
    {
        var words = output.Split('\n').Single(l => l.StartsWith(prefix, StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return double.Parse(words[4], CultureInfo.InvariantCulture);
    }
}
