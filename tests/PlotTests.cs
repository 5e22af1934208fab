using GpuRnn.Cli.Plotting;
using SkiaSharp;

namespace GpuRnn.Tests;

/// <summary>Opens the PNG and checks what a reader would: the size, the red split line, both series' colours, text.</summary>
public class PlotTests
{
    [Fact]
    public void Forecast_plot_shows_both_series_and_a_red_line_at_the_split()
    {
        using var dir = new TempDir();
        var result = new TrainingRun(SunspotsDataset.Load(), ModelSpec.Tutorial, new WindowingOptions(), new TrainingOptions { Epochs = 2 }, EngineKind.Scalar).Run();
        string path = dir.File("plot.png");

        var geometry = PredictionPlot.Save(path, result, width: 1000, height: 500);

        AssertSplitLineSeriesAndTitle(path, geometry);
    }

    /// <summary>
    /// 2 million windows: the plot thins each line to a few thousand points (drawing all of them took minutes), and
    /// the picture must still show both series and the split, and below them the last 1000 windows zoomed (the test
    /// part is 400 000 windows, so the zoom is all test). The values are made up; no training is needed.
    /// </summary>
    [Fact]
    public void Forecast_plot_of_two_million_windows_still_shows_both_series_and_the_split()
    {
        const int n = 2_000_002;
        var random = new Random(5);
        var values = new double[n];
        for (int i = 0; i < n; i++) values[i] = Math.Sin(i * 2e-5) + 0.3 * random.NextDouble();
        var data = ForecastData.Prepare(new Series("wave", "generated", values), new WindowingOptions(TimeSteps: 1, Stride: 1));
        // Predicted: the smooth wave without the noise, so it stands apart from the noisy actual band.
        float[] Smooth(int first, int count) => [.. Enumerable.Range(first, count).Select(i => (float)(0.1 + 0.6 * (Math.Sin((i + 1) * 2e-5) + 1) / 2))];
        var result = new TrainingResult(data, ModelSpec.Tutorial with { TimeSteps = 1 }, [],
            Smooth(0, data.Train.Count), Smooth(data.Split, data.Test.Count), new TrainingHistory([], TimeSpan.Zero, 0), "none", TimeSpan.Zero);
        Assert.True(data.Train.Count + data.Test.Count >= 2_000_000);
        using var dir = new TempDir();
        string path = dir.File("big.png");

        var geometry = PredictionPlot.Save(path, result, width: 1000, height: 500);

        AssertSplitLineSeriesAndTitle(path, geometry);
        Assert.Equal(1000, geometry.Zoomed);
        Assert.True(float.IsNaN(geometry.Zoom!.SplitPixelX), "the zoomed panel holds only test windows: no split in view");
        Assert.True(geometry.Zoom.DataTop > geometry.DataBottom, "the zoomed panel is below the main one");
    }

    /// <summary>The split line red down the data area at 60–95 % of the width, both series' colours, the title's text.</summary>
    static void AssertSplitLineSeriesAndTitle(string path, PlotGeometry geometry)
    {
        using var bitmap = SKBitmap.Decode(path);
        Assert.Equal(1000, bitmap.Width);
        Assert.Equal(geometry.Zoom is null ? 500 : 750, bitmap.Height); // a zoomed panel half as tall below the main one

        // The split line: red pixels down most of the data area at the split's x (80 % of the windows in).
        int x = (int)Math.Round(geometry.SplitPixelX);
        int top = (int)geometry.DataTop + 5, bottom = (int)geometry.DataBottom - 5;
        int red = Enumerable.Range(top, bottom - top).Count(y => Enumerable.Range(x - 1, 3).Any(dx => IsNear(bitmap.GetPixel(dx, y), PredictionPlot.SplitColor)));
        Assert.True(red > 0.8 * (bottom - top), $"only {red} of {bottom - top} rows are red at x = {x}");
        double fraction = (geometry.SplitPixelX - 0) / bitmap.Width;
        Assert.InRange(fraction, 0.6, 0.95);
        // Left of the line, away from it, no column is red all the way down.
        int left = x - 40;
        Assert.True(Enumerable.Range(top, bottom - top).Count(y => IsNear(bitmap.GetPixel(left, y), PredictionPlot.SplitColor)) < 0.2 * (bottom - top));

        int actual = 0, predicted = 0, title = 0;
        for (int py = 0; py < bitmap.Height; py++)
            for (int px = 0; px < bitmap.Width; px++)
            {
                var c = bitmap.GetPixel(px, py);
                if (IsNear(c, PredictionPlot.ActualColor)) actual++;
                if (IsNear(c, PredictionPlot.PredictedColor)) predicted++;
                if (py < geometry.DataTop - 5 && c.Red < 60 && c.Green < 60 && c.Blue < 60) title++;
            }
        Assert.True(actual > 2000, $"actual-series pixels: {actual}");
        Assert.True(predicted > 2000, $"predicted-series pixels: {predicted}");
        // Above the data area there is nothing but the title: no dark pixels there means the text did not render.
        Assert.True(title > 300, $"dark pixels in the title band: {title}; the title should render with the embedded font");
    }

    static bool IsNear(SKColor c, ScottPlot.Color want) =>
        Math.Abs(c.Red - want.R) < 30 && Math.Abs(c.Green - want.G) < 30 && Math.Abs(c.Blue - want.B) < 30;

    /// <summary>The tutorial's part 3: the same predictions back in sunspots, value by value.</summary>
    [Fact]
    public void Plot_values_in_original_units_are_the_inverse_of_the_scaled_ones()
    {
        var result = new TrainingRun(SunspotsDataset.Load(), ModelSpec.Tutorial, new WindowingOptions(), new TrainingOptions { Epochs = 1 }, EngineKind.Scalar).Run();
        var (scaledActual, scaledPredicted) = PredictionPlot.Values(result, originalUnits: false);
        var (actual, predicted) = PredictionPlot.Values(result, originalUnits: true);
        Assert.Equal(187 + 46, actual.Length);
        var series = SunspotsDataset.Load().Values;
        Assert.Equal(series[12], actual[0], 1e-4);            // the first train target, back in sunspots
        Assert.Equal(series[2256 + 12], actual[187], 1e-4);   // the first test target
        for (int i = 0; i < predicted.Length; i++) Assert.Equal(scaledPredicted[i] * 253.8, predicted[i], 1e-3);
        Assert.Equal(scaledActual.Length, scaledPredicted.Length);

        using var dir = new TempDir();
        Assert.Equal(0, CliRun.Of("train", "--epochs", "1", "--no-baseline", "--plot-original-units", "--plot", dir.File("o.png")).ExitCode);
        Assert.True(File.Exists(dir.File("o.png")));
    }
}
