using System.Globalization;
using GpuRnn.Cli.Plotting;

namespace GpuRnn.Tests.Dates;

/// <summary>Dates through the CLI: read, printed beside each value, continued by forecast, remembered by the model, on the plots' axes.</summary>
public sealed class DatedCliTests
{
    static string[] Rows(string output) => [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries)];

    static CliRun Ok(params string[] args)
    {
        var run = CliRun.Of(args);
        Assert.True(run.ExitCode == 0, $"{string.Join(' ', args)}: exit {run.ExitCode}: {run.Err}");
        return run;
    }

    /// <summary>The tutorial's figures on the reference engine are those the README's table gives for seed 1 (measured
    /// before dates existed), and its data line now says the dates.</summary>
    [Fact]
    public void The_sunspots_tutorial_keeps_its_figures_and_is_now_dated()
    {
        var run = Ok("train", "--seed", "1", "--accelerator", "scalar", "--no-plot", "--no-baseline");
        Assert.Contains("2820 values (monthly from 1749-01 to 1983-12), split 2256/564", run.Out);
        Assert.Contains("Train RMSE: 0.05918 (scaled)  15.02 (Sunspots, original units)", run.Out);
        Assert.Contains("Test RMSE:  0.08118 (scaled)  20.60 (Sunspots, original units)", run.Out);
    }

    [Fact]
    public void Predict_and_forecast_print_the_date_of_each_value()
    {
        using var dir = new TempDir();
        Ok("train", "--no-plot", "--epochs", "1", "--no-baseline", "--save", dir.File("m.json"));
        var predict = Rows(Ok("predict", "--model", dir.File("m.json")).Out);
        Assert.Equal("date,actual,predicted", predict[0]);
        Assert.StartsWith("1750-01,73.3,", predict[1]);  // the 13th month, the first window's target
        Assert.StartsWith("1983-01,", predict[^1]);       // index 12 + 233·12 = 2808 = 234 years after 1749-01
        var forecast = Rows(Ok("forecast", "--model", dir.File("m.json"), "--horizon", "13", "--no-plot").Out);
        Assert.Equal("date,step,forecast", forecast[0]); // stdout is the CSV alone
        Assert.StartsWith("1984-01,1,", forecast[1]);
        Assert.StartsWith("1985-01,13,", forecast[^1]);
        // --date-column none: as before dates, by index.
        Assert.Equal("index,actual,predicted", Rows(Ok("predict", "--model", dir.File("m.json"), "--date-column", "none").Out)[0]);
    }

    /// <summary>The issue's example: monthly data ending 2000-11 forecasts 2000-12, 2001-01, …; the saved model records
    /// the frequency and the last date, and forecast without --data continues from them.</summary>
    [Fact]
    public void A_forecast_continues_a_monthly_calendar_and_the_model_remembers_it()
    {
        using var dir = new TempDir();
        var months = Enumerable.Range(0, 131).Select(i => new DateTime(1990, 1, 1).AddMonths(i)).ToArray(); // 1990-01 … 2000-11
        File.WriteAllText(dir.File("m.csv"), "Value,When\n" + string.Concat(months.Select((d, i) =>
            string.Create(CultureInfo.InvariantCulture, $"{50 + 10 * Math.Sin(i / 3.0):F3},{d:yyyy-MM-dd}\n"))));
        Ok("train", "--data", dir.File("m.csv"), "--column", "0", "--date-column", "When", "--time-steps", "6", "--epochs", "1", "--no-plot", "--no-baseline",
            "--save", dir.File("m.json"));

        var saved = ModelFile.Load(dir.File("m.json"));
        Assert.Equal(new DateRecord(Frequency.Monthly, "yyyy-MM", new DateTime(2000, 11, 1)), saved.Dates);
        Assert.Equal(new DateOptions("When"), saved.DateOptions);
        Assert.Contains("\"format\": \"gpurnn-model/3\"", File.ReadAllText(dir.File("m.json")));

        var rows = Rows(Ok("forecast", "--model", dir.File("m.json"), "--horizon", "3", "--plot", dir.File("ahead.png")).Out);
        Assert.Equal(["2000-12,1", "2001-01,2", "2001-02,3"], rows.Skip(1).Take(3).Select(r => string.Join(',', r.Split(',')[..2])));
    }

    /// <summary>The README's pasteable example, run as written there: its file, the refused gap, the filled training and the dated forecast.</summary>
    [Fact]
    public void The_readme_dates_example_runs_as_shown()
    {
        string readme = Readme.Text();
        const string open = "cat > visits.csv <<'EOF'\n";
        int start = readme.IndexOf(open, StringComparison.Ordinal) + open.Length;
        using var dir = new TempDir();
        string csv = dir.File("visits.csv"), model = dir.File("visits.json");
        File.WriteAllText(csv, readme[start..(readme.IndexOf("\nEOF\n", start, StringComparison.Ordinal) + 1)]);

        var refused = CliRun.Of("train", "--data", csv, "--time-steps", "3", "--save", model, "--plot", dir.File("p.png"));
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("# " + refused.Err[..refused.Err.IndexOf(" (--fill-gaps", StringComparison.Ordinal)].Replace(csv, "visits.csv"), readme);
        var trained = Ok("train", "--data", csv, "--time-steps", "3", "--fill-gaps", "linear", "--epochs", "50", "--save", model, "--plot", dir.File("p.png"));
        string data = Rows(trained.Out)[0];
        Assert.Contains("# " + data[..(data.IndexOf("split", StringComparison.Ordinal) + 11)].Replace(csv, "visits.csv"), readme);
        var forecast = Rows(Ok("forecast", "--model", model, "--horizon", "3", "--no-plot").Out);
        Assert.Equal("date,step,forecast", forecast[0]);
        Assert.Equal(["2024-01-18,1", "2024-01-19,2", "2024-01-20,3"], forecast[1..].Select(r => string.Join(',', r.Split(',')[..2])));
        Assert.All(forecast[1..], r => Assert.Contains("# " + string.Join(',', r.Split(',')[..2]) + ",", readme));
    }

    /// <summary>Bad dates refused through the CLI: one line naming the row, exit code 2, nothing written.</summary>
    [Theory]
    [InlineData("2000-01-01,1\n2000-01-02,2\n2000-01-02,3\n", "line 4: 2000-01-02 repeats the date of line 3")]
    [InlineData("2000-01-01,1\n2000-01-02,2\n2000-01-03,3\n2000-01-03 06:00,4\n2000-01-04,5\n2000-01-05,6\n", "line 5: 2000-01-03 06:00 is 6 hours after line 4's 2000-01-03")]
    [InlineData("2000-01-01,1\n2000-01-02,2\n2000-01-04,3\n2000-01-05,4\n", "a gap starts after line 3 (2000-01-02): 1 date is missing before line 4 (2000-01-04")]
    public void Bad_dates_are_one_line_naming_the_row(string rows, string message)
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("d.csv"), "Date,Value\n" + rows);
        var run = CliRun.Of("train", "--data", dir.File("d.csv"), "--time-steps", "1", "--save", dir.File("m.json"), "--no-plot");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Err);
        Assert.Single(Rows(run.Err));
        Assert.False(File.Exists(dir.File("m.json")));
        var badOption = CliRun.Of("train", "--data", dir.File("d.csv"), "--fill-gaps", "nearest");
        Assert.Equal(2, badOption.ExitCode);
        Assert.Contains("--fill-gaps takes none, previous or linear (got 'nearest')", badOption.Err);
    }

    /// <summary>A model trained with --fill-gaps reads its data again the same way: predict prints the filled dates and values.</summary>
    [Fact]
    public void Filled_gaps_are_dated_and_interpolated_in_predict()
    {
        using var dir = new TempDir();
        // Day i holds i²; days 20–22 are missing, between day 19 (361) and day 23 (529): linear 361 + 42k, previous 361.
        var days = Enumerable.Range(0, 40).Where(i => i is < 20 or > 22);
        File.WriteAllText(dir.File("d.csv"), "Date,Value\n" + string.Concat(days.Select(i => $"{new DateTime(2000, 1, 1).AddDays(i):yyyy-MM-dd},{i * i}\n")));
        Ok("train", "--data", dir.File("d.csv"), "--fill-gaps", "linear", "--time-steps", "1", "--stride", "1", "--epochs", "1", "--no-plot", "--no-baseline",
            "--save", dir.File("m.json"));
        static string[] Gap(string output) => [.. Rows(output).Where(r => string.CompareOrdinal(r, "2000-01-20") >= 0 && string.CompareOrdinal(r, "2000-01-25") < 0)
            .Select(r => string.Join(',', r.Split(',')[..2]))];
        Assert.Equal(["2000-01-20,361", "2000-01-21,403", "2000-01-22,445", "2000-01-23,487", "2000-01-24,529"], Gap(Ok("predict", "--model", dir.File("m.json")).Out));
        Assert.Equal(["2000-01-20,361", "2000-01-21,361", "2000-01-22,361", "2000-01-23,361", "2000-01-24,529"],
            Gap(Ok("predict", "--model", dir.File("m.json"), "--data", dir.File("d.csv"), "--fill-gaps", "previous").Out));
    }

    [Fact]
    public void Sweep_reads_dates_and_its_best_model_remembers_them()
    {
        using var dir = new TempDir();
        var weeks = Enumerable.Range(0, 120).Where(i => i != 50).Select(i => (Date: new DateTime(2001, 1, 1).AddDays(7 * i), Value: 5 + Math.Sin(i / 4.0)));
        File.WriteAllText(dir.File("w.csv"), "Week,Value\n" + string.Concat(weeks.Select(w => string.Create(CultureInfo.InvariantCulture, $"{w.Date:yyyy-MM-dd},{w.Value:F4}\n"))));
        Ok("sweep", "--data", dir.File("w.csv"), "--fill-gaps", "previous", "--hidden", "2", "--time-steps", "4", "--seeds", "1", "--lrs", "0.01",
            "--epochs", "1", "--no-baseline", "--csv", dir.File("s.csv"), "--save-best", dir.File("best.json"));
        var best = ModelFile.Load(dir.File("best.json"));
        Assert.Equal(Frequency.Weekly, best.Dates!.Frequency);
        Assert.Equal(new DateTime(2001, 1, 1).AddDays(7 * 119), best.Dates.Last);
        Assert.Equal(new DateOptions("Week", GapFill.Previous), best.DateOptions);
    }

    /// <summary>Both plots label their x axis with ISO dates of the series' span; a series without dates keeps its index axis.</summary>
    [Fact]
    public void Plots_of_dated_series_have_a_date_axis()
    {
        using var dir = new TempDir();
        var result = new TrainingRun(SunspotsDataset.Load(), ModelSpec.Tutorial, new WindowingOptions(), new TrainingOptions { Epochs = 1 }, EngineKind.Scalar).Run();
        var fit = PredictionPlot.Save(dir.File("fit.png"), result, width: 1000, height: 500);
        AssertYears(fit.XTickLabels, 1740, 1990);

        var series = SunspotsDataset.Load();
        var ahead = ForecastAheadPlot.Save(dir.File("ahead.png"), series, [.. Enumerable.Repeat(40.0, 24)], dates: series.Dates!.End);
        AssertYears(ahead.XTickLabels, 1963, 1990); // 1964-01 … 1985-12, and the axis margins

        var undated = SunspotsDataset.Load(CsvSeriesReader.DefaultColumn, DateOptions.None);
        var plain = ForecastAheadPlot.Save(dir.File("plain.png"), undated, [40.0]);
        Assert.All(plain.XTickLabels, l => Assert.InRange(double.Parse(l, CultureInfo.InvariantCulture), 2500, 2900));
    }

    static void AssertYears(IReadOnlyList<string> labels, int from, int to)
    {
        Assert.True(labels.Count >= 3, $"ticks: {string.Join(", ", labels)}");
        Assert.All(labels, l => Assert.Matches(@"^\d{4}(-\d{2})?$", l));
        Assert.All(labels, l => Assert.InRange(int.Parse(l[..4], CultureInfo.InvariantCulture), from, to));
    }
}
