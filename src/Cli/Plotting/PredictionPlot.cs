using GpuRnn.Training;
using ScottPlot;

namespace GpuRnn.Cli.Plotting;

/// <summary>Where the plot put things, so a test can check the picture against the data.</summary>
public sealed record PlotGeometry(int Width, int Height, float SplitPixelX, float DataTop, float DataBottom)
{
    /// <summary>The labels of the x axis's major ticks (dates in ISO 8601 when the series has them).</summary>
    public IReadOnlyList<string> XTickLabels { get; init; } = [];
}

/// <summary>
/// The tutorial's figure: actual and predicted values over the windows (train then test), with a red vertical line
/// where the test part begins; by the date of each window's target when the series has dates.
/// </summary>
public static class PredictionPlot
{
    public static readonly Color ActualColor = Color.FromHex("#1f77b4");
    public static readonly Color PredictedColor = Color.FromHex("#ff7f0e");
    public static readonly Color SplitColor = Color.FromHex("#ff0000");

    /// <summary>Actual and predicted values, train then test, scaled as the tutorial plots them or back in the series' units.</summary>
    public static (double[] Actual, double[] Predicted) Values(TrainingResult result, bool originalUnits)
    {
        float[] actual = [.. result.Data.Train.Y, .. result.Data.Test.Y];
        float[] predicted = [.. result.TrainPredictions, .. result.TestPredictions];
        return originalUnits
            ? (result.Original(actual), result.Original(predicted))
            : ([.. actual.Select(v => (double)v)], [.. predicted.Select(v => (double)v)]);
    }

    public static PlotGeometry Save(string path, TrainingResult result, bool originalUnits = false, int width = 1200, int height = 600, Action<string, Action<Stream>>? write = null)
    {
        EmbeddedFonts.Register();
        var (actual, predicted) = Values(result, originalUnits);
        var data = result.Data;
        var dates = data.Series.Dates;
        double[] xs = dates is null ? Decimation.Indices(0, actual.Length)
            : DateAxis.Xs([.. Enumerable.Range(0, data.Train.Count).Select(i => dates[data.TargetIndex(i, false)]),
                           .. Enumerable.Range(0, data.Test.Count).Select(i => dates[data.TargetIndex(i, true)])]);
        double split = dates is null ? data.Train.Count : dates[Math.Min(data.Split, dates.Count - 1)].ToOADate(); // where the test part begins

        var plot = new Plot();
        if (dates is not null) DateAxis.Use(plot);
        var (actualXs, actualYs) = Decimation.Thin(xs, actual, width);
        var actualLine = plot.Add.ScatterLine(actualXs, actualYs, ActualColor);
        actualLine.LegendText = "Actual";
        actualLine.LineWidth = 2;
        var (predictedXs, predictedYs) = Decimation.Thin(xs, predicted, width);
        var predictedLine = plot.Add.ScatterLine(predictedXs, predictedYs, PredictedColor);
        predictedLine.LegendText = "Predicted";
        predictedLine.LineWidth = 2;
        var splitLine = plot.Add.VerticalLine(split, 2, SplitColor);
        splitLine.LegendText = "Train / test split";
        plot.Title($"{result.Data.Series.Name}: actual vs predicted, SimpleRNN({string.Join(",", result.Spec.Units)}) + Dense({result.Spec.Outputs}), {result.Spec.TimeSteps} time steps");
        plot.XLabel(dates is null ? $"Window (each {data.Options.EffectiveStride} observations apart)" : $"Date of each window's target ({dates.Frequency.Name})");
        plot.YLabel(originalUnits ? $"{result.Data.Series.Name} (original units)" : $"{result.Data.Series.Name} (scaled to [0, 1])");
        plot.ShowLegend(Alignment.UpperLeft);

        var png = plot.GetImageBytes(width, height, ImageFormat.Png);
        var pixel = plot.GetPixel(new Coordinates(split, 0));
        var area = plot.LastRender.DataRect;
        (write ?? AtomicFile.Write)(path, s => s.Write(png)); // a command passes its OutputSet, to commit every output together
        return new PlotGeometry(width, height, pixel.X, area.Top, area.Bottom) { XTickLabels = DateAxis.TickLabels(plot) };
    }
}
