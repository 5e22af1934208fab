using System.Globalization;
using System.Text.RegularExpressions;
using GpuRnn.Training.Intervals;

namespace GpuRnn.Tests.Intervals;

/// <summary><c>train --save</c> keeps the held-out residuals; <c>forecast --interval</c> prints and plots them, or refuses in one line.</summary>
public sealed class IntervalCliTests
{
    static double Number(string cell) => double.Parse(cell, CultureInfo.InvariantCulture);

    [Fact]
    public void Forecast_interval_adds_lower_and_upper_after_the_forecast_from_the_models_residuals()
    {
        using var dir = new TempDir();
        var train = CliRun.Of("train", "--no-plot", "--no-baseline", "--epochs", "2", "--save", dir.File("m.json"));
        Assert.Equal(0, train.ExitCode);
        Assert.Contains("Intervals: the absolute errors of 1- to 60-step recursive forecasts from 500 origins in the test part", train.Out);

        var run = CliRun.Of("forecast", "--model", dir.File("m.json"), "--horizon", "6", "--interval", "0.9", "--plot", dir.File("ahead.png"));
        Assert.Equal(0, run.ExitCode);
        var lines = run.Out.Split('\n');
        Assert.Contains("date,step,forecast,lower,upper", lines);
        var rows = lines.Where(l => Regex.IsMatch(l, @"^\d{4}-\d\d,")).Select(l => l.Split(',')).ToArray();
        Assert.Equal(6, rows.Length);
        // The same numbers by hand from the file: the ⌈501 · 0.9⌉ = 451st smallest of step h's errors, either side.
        var residuals = ModelFile.Load(dir.File("m.json")).Residuals!;
        for (int k = 0; k < rows.Length; k++)
        {
            Assert.Equal(5, rows[k].Length);
            double forecast = Number(rows[k][2]), lower = Number(rows[k][3]), upper = Number(rows[k][4]);
            Assert.True(lower <= forecast && forecast <= upper, string.Join(",", rows[k]));
            var errors = residuals.Horizons[k].Sorted;
            double half = errors[(int)Math.Ceiling((errors.Length + 1) * 0.9) - 1];
            Assert.Equal(forecast - half, lower, 1e-3);
            Assert.Equal(forecast + half, upper, 1e-3);
        }
        Assert.True(File.Exists(dir.File("ahead.png")));

        // Without --interval the output is as before: three columns.
        var plain = CliRun.Of("forecast", "--model", dir.File("m.json"), "--horizon", "2", "--no-plot");
        Assert.Contains("date,step,forecast\n", plain.Out.ReplaceLineEndings("\n"));
    }

    /// <summary>Without dates the columns are <c>step,index,forecast,lower,upper</c>; <c>--output</c> gets the same CSV as stdout, and the Intervals: line stays on stderr.</summary>
    [Fact]
    public void Interval_columns_follow_the_forecast_undated_and_in_the_output_file()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("d.csv"), "v\n" + string.Join("\n", Enumerable.Range(0, 200).Select(i => (Math.Sin(i / 5.0) * 10 + 20).ToString(CultureInfo.InvariantCulture))) + "\n");
        Assert.Equal(0, CliRun.Of("train", "--data", dir.File("d.csv"), "--column", "v", "--time-steps", "4", "--stride", "1", "--epochs", "1",
            "--no-plot", "--no-baseline", "--save", dir.File("m.json")).ExitCode);
        string[] common = ["forecast", "--model", dir.File("m.json"), "--horizon", "3", "--interval", "0.8", "--no-plot"];
        var run = CliRun.Of(common);
        Assert.Equal(0, run.ExitCode);
        var lines = run.Out.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        Assert.Equal("step,index,forecast,lower,upper", lines[0]);
        Assert.Equal(4, lines.Length);
        Assert.All(lines[1..], l => Assert.Equal(5, l.Split(',').Length));
        Assert.Contains("Intervals: 80% split conformal", run.Err);
        Assert.DoesNotContain("Intervals:", run.Out);

        var toFile = CliRun.Of([.. common, "--output", dir.File("ahead.csv")]);
        Assert.Equal(0, toFile.ExitCode);
        Assert.Equal("", toFile.Out);
        Assert.Equal(run.Out.ReplaceLineEndings("\n"), File.ReadAllText(dir.File("ahead.csv")));
        Assert.Contains("Intervals: 80% split conformal", toFile.Err);
    }

    [Theory]
    [InlineData("0.999", "6", "n = 500", "at most 0.998")]       // ⌈501 · 0.999⌉ = 501 > 500 at step 1
    [InlineData("0.9", "61", "reach 60 step(s)", "60 step(s) or fewer")]
    [InlineData("1.5", "6", "between 0 and 1", "1.5")]
    public void Intervals_the_residuals_cannot_answer_are_refused_in_one_line_before_any_output(string q, string horizon, string expected, string alsoExpected)
    {
        using var dir = new TempDir();
        Assert.Equal(0, CliRun.Of("train", "--no-plot", "--no-baseline", "--epochs", "1", "--save", dir.File("m.json")).ExitCode);
        var run = CliRun.Of("forecast", "--model", dir.File("m.json"), "--horizon", horizon, "--interval", q, "--plot", dir.File("no.png"));
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.Out);
        string line = run.Err.Trim();
        Assert.DoesNotContain("\n", line);
        Assert.Contains(expected, line);
        Assert.Contains(alsoExpected, line);
        Assert.False(File.Exists(dir.File("no.png")));
    }

    [Fact]
    public void Models_without_residuals_load_and_refuse_interval_in_one_line()
    {
        using var dir = new TempDir();
        Assert.Equal(0, CliRun.Of("train", "--no-plot", "--no-baseline", "--epochs", "1", "--save", dir.File("m.json")).ExitCode);
        var model = ModelFile.Load(dir.File("m.json"));
        ModelFile.Save(dir.File("old.json"), model with { Residuals = null }); // a format-2 file as written before intervals
        string v1 = Path.Combine(AppContext.BaseDirectory, "Fixtures", "model-v1-indented.json");
        foreach (var file in new[] { dir.File("old.json"), v1 })
        {
            Assert.Equal(0, CliRun.Of("forecast", "--model", file, "--horizon", "3", "--no-plot").ExitCode);
            var run = CliRun.Of("forecast", "--model", file, "--horizon", "3", "--interval", "0.9", "--no-plot");
            Assert.Equal(2, run.ExitCode);
            Assert.Equal("", run.Out);
            Assert.Matches(@"^gpurnn: --interval: the model has no held-out residuals .*retrain it with this version", run.Err.Trim());
            Assert.DoesNotContain("\n", run.Err.Trim());
        }
    }

    /// <summary>The README's example, run as written there: the lines it shows are the lines printed (the figures depend on the engine).</summary>
    [Fact]
    public void The_readme_interval_example_runs_as_shown()
    {
        string readme = Readme.Text();
        Assert.Contains("gpurnn train --save sunspots.json --no-plot\n", readme);
        Assert.Contains("gpurnn forecast --model sunspots.json --horizon 6 --interval 0.9 --plot sunspots-ahead.png\n", readme);
        using var dir = new TempDir();
        var train = CliRun.Of("train", "--save", dir.File("sunspots.json"), "--no-plot");
        Assert.Equal(0, train.ExitCode);
        Assert.Contains("# " + train.Out.Split('\n').Single(l => l.StartsWith("Intervals:", StringComparison.Ordinal)) + "\n", readme);
        var forecast = CliRun.Of("forecast", "--model", dir.File("sunspots.json"), "--horizon", "6", "--interval", "0.9", "--plot", dir.File("sunspots-ahead.png"));
        Assert.Equal(0, forecast.ExitCode);
        // stdout holds the CSV alone; the Intervals: line goes to stderr with the summary.
        Assert.Contains("# " + forecast.Err.Split('\n').Single(l => l.StartsWith("Intervals:", StringComparison.Ordinal)) + "\n", readme);
        var lines = forecast.Out.Split('\n');
        Assert.Contains("# " + lines[0] + "\n", readme); // the header
        Assert.All(lines[1..7], r => Assert.Contains("# " + string.Join(',', r.Split(',')[..2]) + ",", readme));
    }

    /// <summary>sweep ranks on validation windows only, so its best model is calibrated on the test part as train's is.</summary>
    [Fact]
    public void Sweep_save_best_keeps_residuals_for_interval()
    {
        using var dir = new TempDir();
        var sweep = CliRun.Of("sweep", "--hidden", "2", "--time-steps", "12", "--seeds", "1,2", "--lrs", "0.01", "--epochs", "1", "--no-baseline",
            "--csv", dir.File("s.csv"), "--save-best", dir.File("best.json"));
        Assert.Equal(0, sweep.ExitCode);
        Assert.Contains("Intervals: the absolute errors of 1- to 60-step recursive forecasts from 500 origins in the test part", sweep.Out);
        var model = ModelFile.Load(dir.File("best.json"));
        // The same residuals measured afresh from the sunspots' test part (split 0.8: 2256 of 2820), on the scalar engine.
        var again = HeldOutResiduals.Measure(model, model.Scaler!, SunspotsDataset.Load().Values, 2256, engine: EngineKind.Scalar)!;
        Assert.Equal(again.Horizons.Select(h => h.Count), model.Residuals!.Horizons.Select(h => h.Count));
        for (int h = 0; h < again.MaxHorizon; h++)
            Assert.Equal(again.Horizons[h].Quantile(0.5), model.Residuals.Horizons[h].Quantile(0.5), 1e-3);
        Assert.Equal(0, CliRun.Of("forecast", "--model", dir.File("best.json"), "--horizon", "3", "--interval", "0.8", "--no-plot").ExitCode);
    }

    [Fact]
    public void Train_without_a_test_part_saves_no_residuals_and_says_so()
    {
        using var dir = new TempDir();
        var train = CliRun.Of("train", "--no-plot", "--no-baseline", "--epochs", "1", "--split", "1", "--save", dir.File("m.json"));
        Assert.Equal(0, train.ExitCode);
        Assert.Contains("Intervals: none", train.Out);
        Assert.Null(ModelFile.Load(dir.File("m.json")).Residuals);
    }
}
