using System.Globalization;
using System.Text.RegularExpressions;

namespace GpuRnn.Tests.Output;

/// <summary>
/// Forecasting features, item 4: train and predict print MAE beside RMSE, in both units, and the same figures for
/// the naive last-value forecast on the same windows. The truths here are computed by hand, in float64, from the
/// series and a one-unit linear model whose prediction is a written-out formula.
/// </summary>
public partial class ErrorFigureTests
{
    // SimpleRNN(1, linear) + Dense(1, linear) in Keras order: wx 0.5, wh 0.5, bh 0, wy 1, by 0.1, so over a window
    // (a, b, c) of scaled values h = 0.5c + 0.25b + 0.125a and the prediction is h + 0.1 (scaled).
    const string Weights = "[[[0.5]], [[0.5]], [0], [[1]], [0.1]]";
    static readonly string[] Linear = ["--activation", "linear", "--output-activation", "linear", "--time-steps", "3"];

    static double Model(double[] scaled, int target) => 0.5 * scaled[target - 1] + 0.25 * scaled[target - 2] + 0.125 * scaled[target - 3] + 0.1;

    /// <summary>(RMSE, MAE) of predictions against the series' values at the targets.</summary>
    static (double Rmse, double Mae) ByHand(IReadOnlyList<double> predicted, IReadOnlyList<double> actual)
    {
        double squares = 0, absolutes = 0;
        for (int i = 0; i < predicted.Count; i++)
        {
            squares += (predicted[i] - actual[i]) * (predicted[i] - actual[i]);
            absolutes += Math.Abs(predicted[i] - actual[i]);
        }
        return (Math.Sqrt(squares / predicted.Count), absolutes / predicted.Count);
    }

    [GeneratedRegex(@"RMSE:\s+(\S+) \(scaled\)\s+(\S+) \(v, original units\)\s+MAE: (\S+) \(scaled\)\s+(\S+) \(v\)")]
    private static partial Regex FiguresPattern();

    /// <summary>The four printed figures of the line that starts with <paramref name="prefix"/>: RMSE and MAE scaled, RMSE and MAE in v.</summary>
    static (double Rmse, double Mae, double RmseV, double MaeV) Printed(string output, string prefix)
    {
        var line = output.Split('\n').Single(l => l.StartsWith(prefix, StringComparison.Ordinal));
        var m = FiguresPattern().Match(line);
        Assert.True(m.Success, line);
        double At(int g) => double.Parse(m.Groups[g].Value, CultureInfo.InvariantCulture);
        return (At(1), At(3), At(2), At(4));
    }

    /// <summary>Printed with four significant digits: equal to the truth within that rounding (and float32's).</summary>
    static void AssertFigures((double Rmse, double Mae) truth, double range, (double Rmse, double Mae, double RmseV, double MaeV) printed, string what)
    {
        Assert.True(Math.Abs(printed.RmseV - truth.Rmse) <= 1e-3 * truth.Rmse, $"{what} RMSE: printed {printed.RmseV}, by hand {truth.Rmse}");
        Assert.True(Math.Abs(printed.MaeV - truth.Mae) <= 1e-3 * truth.Mae, $"{what} MAE: printed {printed.MaeV}, by hand {truth.Mae}");
        Assert.True(Math.Abs(printed.Rmse - truth.Rmse / range) <= 1e-3 * truth.Rmse / range, $"{what} scaled RMSE: printed {printed.Rmse}, by hand {truth.Rmse / range}");
        Assert.True(Math.Abs(printed.Mae - truth.Mae / range) <= 1e-3 * truth.Mae / range, $"{what} scaled MAE: printed {printed.Mae}, by hand {truth.Mae / range}");
    }

    static string Csv(TempDir dir, double[] values)
    {
        File.WriteAllText(dir.File("v.csv"), "t,v\n" + string.Join("\n", values.Select((v, i) => string.Create(CultureInfo.InvariantCulture, $"{i},{v}"))) + "\n");
        File.WriteAllText(dir.File("w.json"), Weights);
        return dir.File("v.csv");
    }

    [Fact]
    public void Predict_prints_the_models_and_the_naive_forecasts_rmse_and_mae_as_computed_by_hand()
    {
        double[] values = [3, 7, 4, 9, 5, 8, 2, 6, 10, 1, 7, 4];
        using var dir = new TempDir();
        var run = CliRun.Of(["predict", "--model", dir.File("w.json"), "--data", Csv(dir, values), "--column", "v", "--stride", "1", .. Linear]);
        Assert.True(run.ExitCode == 0, run.Err);

        double min = 1, range = 9; // the weight list carries no scaler: it is fitted on the whole series
        double[] scaled = [.. values.Select(v => (v - min) / range)];
        int[] targets = [.. Enumerable.Range(3, values.Length - 3)];
        double[] model = [.. targets.Select(t => Model(scaled, t) * range + min)];
        double[] actual = [.. targets.Select(t => values[t])];
        double[] naive = [.. targets.Select(t => values[t - 1])];

        var rows = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')).ToArray();
        Assert.Equal(targets.Length, rows.Length);
        for (int i = 0; i < rows.Length; i++) Assert.Equal(model[i], double.Parse(rows[i][2], CultureInfo.InvariantCulture), 1e-4);
        AssertFigures(ByHand(model, actual), range, Printed(run.Err, "Model RMSE:"), "model");
        AssertFigures(ByHand(naive, actual), range, Printed(run.Err, "Naive RMSE:"), "naive");
    }

    /// <summary>train evaluates given weights (--epochs 0) on the train windows and the test windows separately.</summary>
    [Fact]
    public void Train_prints_rmse_and_mae_for_both_parts_and_the_naive_forecast_as_computed_by_hand()
    {
        double[] values = [.. Enumerable.Range(0, 30).Select(i => Math.Round(10 + 5 * Math.Sin(i * 0.9) + (i % 4), 2))];
        using var dir = new TempDir();
        string data = Csv(dir, values);
        var run = CliRun.Of(["train", "--data", data, "--column", "v", "--init-weights", dir.File("w.json"), "--epochs", "0", "--hidden", "1", "--stride", "2",
            "--no-plot", "--no-baseline", .. Linear]);
        Assert.True(run.ExitCode == 0, run.Err);

        double min = values.Min(), range = values.Max() - values.Min();
        double[] scaled = [.. values.Select(v => (v - min) / range)];
        int split = 24; // floor(30 · 0.8); each part windowed on its own: targets T, T + stride, … within the part
        int[] train = [.. Enumerable.Range(0, split).Where(t => t >= 3 && (t - 3) % 2 == 0)];
        int[] test = [.. Enumerable.Range(split, values.Length - split).Where(t => t - split >= 3 && (t - split - 3) % 2 == 0)];
        foreach (var (targets, part, naivePrefix) in new[] { (train, "Train RMSE:", "Naive train RMSE:"), (test, "Test RMSE:", "Naive test RMSE:") })
        {
            double[] actual = [.. targets.Select(t => values[t])];
            AssertFigures(ByHand([.. targets.Select(t => Model(scaled, t) * range + min)], actual), range, Printed(run.Out, part), part);
            AssertFigures(ByHand([.. targets.Select(t => values[t - 1])], actual), range, Printed(run.Out, naivePrefix), naivePrefix);
        }
        var (modelTest, naiveTest) = (ByHand([.. test.Select(t => Model(scaled, t) * range + min)], [.. test.Select(t => values[t])]),
            ByHand([.. test.Select(t => values[t - 1])], [.. test.Select(t => values[t])]));
        string rmseWord = modelTest.Rmse < naiveTest.Rmse ? "lower" : "higher";
        Assert.Matches($@"^Model vs naive on the test windows: RMSE \d+(\.\d)?% {rmseWord}", run.Out.Split('\n').Single(l => l.StartsWith("Model vs naive", StringComparison.Ordinal)));
    }
}
