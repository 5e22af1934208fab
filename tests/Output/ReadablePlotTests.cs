using System.Globalization;
using System.Text.RegularExpressions;
using GpuRnn.Cli.Plotting;
using GpuRnn.Tests.Files;
using SkiaSharp;

namespace GpuRnn.Tests.Output;

/// <summary>
/// Forecasting features, item 6: --plot-last N draws only the last N windows; a long series' figure gets a zoomed
/// panel of its test part and as many windows before it; the loss plot has whole epochs and names the model as the
/// fit plot does.
/// </summary>
public partial class ReadablePlotTests
{
    [GeneratedRegex(@"<text[^>]*>\s*([^<]*?)\s*</text>")]
    private static partial Regex SvgText();

    static string[] Texts(string svgPath) => [.. SvgText().Matches(File.ReadAllText(svgPath)).Select(m => m.Groups[1].Value)];

    static bool IsRed(SKColor c) => c.Red > 200 && c.Green < 60 && c.Blue < 60;

    /// <summary>The fraction of the data area's width at which a red line runs down most of its rows, or null.</summary>
    static double? RedLineAt(SKBitmap bitmap, PlotGeometry panel)
    {
        int top = (int)panel.DataTop + 5, bottom = (int)panel.DataBottom - 5;
        for (int x = (int)panel.DataLeft; x < (int)panel.DataRight; x++)
            if (Enumerable.Range(top, bottom - top).Count(y => IsRed(bitmap.GetPixel(x, y))) > 0.8 * (bottom - top))
                return (x - panel.DataLeft) / (panel.DataRight - panel.DataLeft);
        return null;
    }

    /// <summary>Made-up actual and predicted values for a series of <paramref name="n"/> values windowed one step
    /// apart (no training needed): <paramref name="split"/> of them train.</summary>
    static TrainingResult MadeUp(int n, double split)
    {
        double[] values = [.. Enumerable.Range(0, n).Select(i => Math.Sin(i / 30.0) + 0.2 * Math.Sin(i * 1.3))];
        var data = ForecastData.Prepare(new Series("wave", "made up", values), new WindowingOptions(TimeSteps: 4, Stride: 1, SplitFraction: split));
        float[] Predicted(WindowSet w) => [.. Enumerable.Range(0, w.Count).Select(i => w.Window(i)[^1])];
        return new TrainingResult(data, ModelSpec.Tutorial with { TimeSteps = 4 }, [], Predicted(data.Train), Predicted(data.Test),
            new TrainingHistory([], TimeSpan.Zero, 0), "none", TimeSpan.Zero);
    }

    /// <summary>The split line sits where the train windows in view end: with the last 111 of 2 592 windows (37 of
    /// them test), at (2559 − 2485) / (2599 − 2485) = 65 % of the x range; with all of them, at 98.6 %.</summary>
    [Fact]
    public void Plot_last_draws_only_the_last_n_windows()
    {
        var result = MadeUp(2600, 0.9846); // split 2559: 2 555 train and 37 test windows
        int test = result.Data.Test.Count;
        using var dir = new TempDir();

        var last = PredictionPlot.Save(dir.File("last.png"), result, width: 1000, height: 500, last: 3 * test);
        using (var bitmap = SKBitmap.Decode(dir.File("last.png")))
        {
            Assert.Equal(500, bitmap.Height); // 111 windows: no zoomed panel
            Assert.Null(last.Zoom);
            double at = RedLineAt(bitmap, last) ?? double.NaN;
            Assert.InRange(at, 0.55, 0.7); // ScottPlot's margins pull it a little toward the middle
        }
        var all = PredictionPlot.Save(dir.File("all.png"), result, width: 1000, height: 500);
        Assert.NotNull(all.Zoom); // 2 592 windows in view
        using var full = SKBitmap.Decode(dir.File("all.png"));
        Assert.InRange(RedLineAt(full, all) ?? double.NaN, 0.93, 1.0);
    }

    /// <summary>Over 2 000 windows the figure gets a second panel, half as tall, of the test part and as many windows
    /// before it: its split line in the middle.</summary>
    [Fact]
    public void A_long_series_gets_a_zoomed_panel_of_the_test_part_and_as_many_windows_before_it()
    {
        var result = MadeUp(2600, 0.9); // 2 336 train and 256 test windows
        using var dir = new TempDir();

        var geometry = PredictionPlot.Save(dir.File("z.png"), result, width: 1000, height: 500);

        Assert.Equal(2 * result.Data.Test.Count, geometry.Zoomed);
        using var bitmap = SKBitmap.Decode(dir.File("z.png"));
        Assert.Equal(750, bitmap.Height);
        Assert.True(geometry.Zoom!.DataTop > geometry.DataBottom);
        Assert.InRange(RedLineAt(bitmap, geometry.Zoom) ?? double.NaN, 0.4, 0.6);
        Assert.InRange(RedLineAt(bitmap, geometry) ?? double.NaN, 0.85, 0.95);
    }

    [Fact]
    public void Train_draws_the_zoomed_panel_for_a_long_series_and_plot_last_through_the_cli()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("d.csv"), "t,v\n" + string.Join("\n", Enumerable.Range(0, 3000).Select(i => string.Create(CultureInfo.InvariantCulture, $"{i},{Math.Sin(i / 30.0):F5}"))));
        string[] common = ["train", "--data", dir.File("d.csv"), "--column", "v", "--stride", "1", "--split", "0.95", "--epochs", "1", "--no-baseline"];

        Assert.Equal(0, CliRun.Of([.. common, "--plot", dir.File("long.png")]).ExitCode);
        Assert.Equal(900, SKBitmap.DecodeBounds(dir.File("long.png")).Height);
        Assert.Equal(0, CliRun.Of([.. common, "--plot", dir.File("last.png"), "--plot-last", "500"]).ExitCode);
        Assert.Equal(600, SKBitmap.DecodeBounds(dir.File("last.png")).Height);

        var before = OutputSafetyTests.Snapshot(dir.Path);
        OutputSafetyTests.AssertRefused(CliRun.Of([.. common, "--plot", dir.File("none.png"), "--plot-last", "0"]), "--plot-last must be at least 1", "--plot-last 0");
        Assert.Equal(before, OutputSafetyTests.Snapshot(dir.Path));
    }

    /// <summary>Three epochs: ticks at 1, 2, 3 and none between; the title names the series and the model as the fit plot's does.</summary>
    [Fact]
    public void The_loss_plot_has_whole_epoch_ticks_and_names_the_model_as_the_fit_plot_does()
    {
        using var dir = new TempDir();
        var run = CliRun.Of("train", "--epochs", "3", "--no-baseline", "--validation-split", "0.2", "--plot", dir.File("fit.svg"));
        Assert.True(run.ExitCode == 0, run.Err);

        var loss = Texts(dir.File("fit.loss.svg"));
        var epochTicks = loss.Select(t => double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : double.NaN).Where(v => v >= 1 && v <= 3).ToArray();
        Assert.Equal([1.0, 2.0, 3.0], epochTicks.Order());
        Assert.Contains("Epoch", loss);
        Assert.Contains("loss", loss);
        Assert.Contains("val_loss", loss);
        const string model = "SimpleRNN(3) + Dense(1), 12 time steps";
        Assert.Contains(loss, t => t.StartsWith("Sunspots:", StringComparison.Ordinal) && t.EndsWith(model, StringComparison.Ordinal));
        Assert.Contains(Texts(dir.File("fit.svg")), t => t.StartsWith("Sunspots:", StringComparison.Ordinal) && t.EndsWith(model, StringComparison.Ordinal));
    }

    [Fact]
    public void Forecast_plot_last_draws_that_much_history()
    {
        using var dir = new TempDir();
        Assert.Equal(0, CliRun.Of("train", "--no-plot", "--epochs", "1", "--no-baseline", "--save", dir.File("m.json")).ExitCode);
        var run = CliRun.Of("forecast", "--model", dir.File("m.json"), "--horizon", "12", "--plot", dir.File("a.svg"), "--plot-last", "36");
        Assert.True(run.ExitCode == 0, run.Err);
        Assert.Contains("History (the last 36 of 2820 values)", Texts(dir.File("a.svg")));
    }
}
