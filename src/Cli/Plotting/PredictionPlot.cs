using ScottPlot;

namespace GpuRnn.Cli.Plotting;

/// <summary>Where the plot put things, so a test can check the picture against the data: the whole picture's size,
/// and the panel's split line (NaN when the split is not in view) and data area, in pixels.</summary>
public sealed record PlotGeometry(int Width, int Height, float SplitPixelX, float DataTop, float DataBottom)
{
    /// <summary>The zoomed panel below the main one, when the figure has one.</summary>
    public PlotGeometry? Zoom { get; init; }

    /// <summary>The data area's left and right edges, in pixels.</summary>
    public float DataLeft { get; init; }

    public float DataRight { get; init; }

    /// <summary>How many windows the main panel shows.</summary>
    public int Shown { get; init; }

    /// <summary>How many windows the zoomed panel shows (0 without one).</summary>
    public int Zoomed { get; init; }

    /// <summary>The labels of the x axis's major ticks (dates in ISO 8601 when the series has them).</summary>
    public IReadOnlyList<string> XTickLabels { get; init; } = [];
}

/// <summary>
/// The tutorial's figure: actual and predicted values over the windows (train then test), each at the index of its
/// target in the series (its date when the series has dates), with a red vertical line where the test part begins. With more than
/// <see cref="ZoomAbove"/> windows in view a second panel below zooms on the end: the test part and as many windows
/// before it (the split in its middle), at most the last <see cref="ZoomMost"/> windows.
/// </summary>
public static class PredictionPlot
{
    public static readonly Color ActualColor = Color.FromHex("#1f77b4");
    public static readonly Color PredictedColor = Color.FromHex("#ff7f0e");
    public static readonly Color SplitColor = Color.FromHex("#ff0000");

    /// <summary>A main panel showing more windows than this gets the zoomed panel.</summary>
    public const int ZoomAbove = 2000;

    /// <summary>The most windows the zoomed panel shows.</summary>
    public const int ZoomMost = 1000;

    /// <summary>Actual and predicted values, train then test, scaled as the tutorial plots them or back in the series' units.</summary>
    public static (double[] Actual, double[] Predicted) Values(TrainingResult result, bool originalUnits)
    {
        float[] actual = [.. result.Data.Train.Y, .. result.Data.Test.Y];
        float[] predicted = [.. result.TrainPredictions, .. result.TestPredictions];
        return originalUnits
            ? (result.Original(actual), result.Original(predicted))
            : ([.. actual.Select(v => (double)v)], [.. predicted.Select(v => (double)v)]);
    }

    /// <summary>Where each window's target sits in the series, train then test: the x of each point (as <c>predict</c>'s <c>index</c>).</summary>
    public static double[] Indexes(TrainingResult result) =>
        [.. Enumerable.Range(0, result.Data.Train.Count).Select(i => (double)result.Data.TargetIndex(i, test: false)),
         .. Enumerable.Range(0, result.Data.Test.Count).Select(i => (double)result.Data.TargetIndex(i, test: true))];

    /// <summary>The x of each point: its target's date when the series has dates, else its index (<see cref="Indexes"/>).</summary>
    static double[] Xs(TrainingResult result) => result.Data.Series.Dates is { } dates
        ? DateAxis.Xs([.. Indexes(result).Select(i => dates[(int)i])])
        : Indexes(result);

    /// <summary>The x where the test part begins, in the same terms as <see cref="Xs"/>.</summary>
    static double SplitX(TrainingResult result) => result.Data.Series.Dates is { } dates
        ? dates[Math.Min(result.Data.Split, dates.Count - 1)].ToOADate()
        : result.Data.Split;

    /// <summary>
    /// Draws the figure: the last <paramref name="last"/> windows (all when null) in the main panel, <paramref name="height"/>
    /// pixels tall, and the zoomed panel, half as tall, below it when that is more than <see cref="ZoomAbove"/> windows.
    /// </summary>
    public static PlotGeometry Save(string path, TrainingResult result, bool originalUnits = false, int width = 1200, int height = 600,
        Action<string, Action<Stream>>? write = null, int? last = null, FigureFormat? format = null)
    {
        EmbeddedFonts.Register();
        var (actual, predicted) = Values(result, originalUnits);
        var xs = Xs(result);
        int total = xs.Length, shown = Math.Min(total, last ?? total);
        int testShown = Math.Min(shown, result.Data.Test.Count);
        int zoomed = shown > ZoomAbove && testShown > 0 ? Math.Min(2 * testShown, ZoomMost) : 0;
        string units = originalUnits ? $"{result.Data.Series.Name} (original units)" : $"{result.Data.Series.Name} (scaled to [0, 1])";
        string model = PlotText.Model(result.Spec);

        var main = Panel(result, xs, actual, predicted, total - shown, width, units);
        main.Title($"{result.Data.Series.Name}: actual vs predicted, {model}" + (shown < total ? $" (the last {shown} of {total} windows)" : ""));
        if (zoomed == 0)
        {
            FigureFile.Save(path, width, height, format, write, (main, new PixelRect(0, width, height, 0)));
            return Geometry(main, result, width, height) with { Shown = shown };
        }
        var zoom = Panel(result, xs, actual, predicted, total - zoomed, width, units);
        zoom.Title(zoomed == 2 * testShown
            ? $"Zoom: the test part ({testShown} windows) and as many windows before it"
            : $"Zoom: the last {zoomed} windows (of the test part's {testShown})");
        int zoomHeight = height / 2;
        FigureFile.Save(path, width, height + zoomHeight, format, write,
            (main, new PixelRect(0, width, height, 0)), (zoom, new PixelRect(0, width, height + zoomHeight, height)));
        return Geometry(main, result, width, height + zoomHeight) with { Shown = shown, Zoomed = zoomed, Zoom = Geometry(zoom, result, width, height + zoomHeight) };
    }

    /// <summary>One panel: the windows from <paramref name="first"/> on, both lines thinned to the picture's width, the split when in view.</summary>
    static Plot Panel(TrainingResult result, double[] xs, double[] actual, double[] predicted, int first, int width, string units)
    {
        var plot = new Plot();
        var dates = result.Data.Series.Dates;
        if (dates is not null) DateAxis.Use(plot);
        var (actualXs, actualYs) = Decimation.Thin(xs[first..], actual[first..], width);
        var actualLine = plot.Add.ScatterLine(actualXs, actualYs, ActualColor);
        actualLine.LegendText = "Actual";
        actualLine.LineWidth = 2;
        var (predictedXs, predictedYs) = Decimation.Thin(xs[first..], predicted[first..], width);
        var predictedLine = plot.Add.ScatterLine(predictedXs, predictedYs, PredictedColor);
        predictedLine.LegendText = "Predicted";
        predictedLine.LineWidth = 2;
        if (first < result.Data.Train.Count && result.Data.Test.Count > 0)
        {
            var splitLine = plot.Add.VerticalLine(SplitX(result), 2, SplitColor);
            splitLine.LegendText = "Train / test split";
        }
        plot.XLabel(dates is null ? PlotText.IndexAxis(result.Data.Options.EffectiveStride) : $"Date of each window's target ({dates.Frequency.Name})");
        plot.YLabel(units);
        plot.ShowLegend(Alignment.UpperLeft);
        return plot;
    }

    static PlotGeometry Geometry(Plot plot, TrainingResult result, int width, int height)
    {
        var area = plot.LastRender.DataRect;
        bool splitShown = plot.GetPlottables().Any(p => p is ScottPlot.Plottables.VerticalLine);
        float split = splitShown ? plot.GetPixel(new Coordinates(SplitX(result), 0)).X : float.NaN;
        return new PlotGeometry(width, height, split, area.Top, area.Bottom) { DataLeft = area.Left, DataRight = area.Right, XTickLabels = DateAxis.TickLabels(plot) };
    }
}

/// <summary>The words the figures share, so the fit, loss and forecast plots describe one model and one axis alike.</summary>
static class PlotText
{
    /// <summary>SimpleRNN(3) + Dense(1), 12 time steps.</summary>
    public static string Model(ModelSpec spec) => $"SimpleRNN({string.Join(",", spec.Units)}) + Dense({spec.Outputs}), {spec.TimeSteps} time steps";

    /// <summary>The x axis of a series drawn by its indexes; <paramref name="stride"/> when its points are windows' targets.</summary>
    public static string IndexAxis(int? stride = null) =>
        stride is { } s ? $"Index in the series of the predicted value (windows {s} apart)" : "Index in the series";
}
