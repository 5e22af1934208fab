using GpuRnn.Training.Data;
using ScottPlot;

namespace GpuRnn.Cli.Plotting;

/// <summary>The end of the history, then the forecast after it, in the series' original units.</summary>
public static class ForecastAheadPlot
{
    /// <summary>How much history the plot shows unless told: at least 240 values, or four times the horizon.</summary>
    public static int DefaultHistory(int horizon) => Math.Max(240, 4 * horizon);

    /// <summary>Draws the last <paramref name="history"/> values of the series (<see cref="DefaultHistory"/> when null), then the forecast.</summary>
    public static void Save(string path, Series series, double[] forecast, int width = 1200, int height = 600, Action<string, Action<Stream>>? write = null,
        int? history = null, FigureFormat? format = null)
    {
        EmbeddedFonts.Register();
        int shown = Math.Min(series.Length, history ?? DefaultHistory(forecast.Length));
        int first = series.Length - shown;
        var plot = new Plot();
        var (historyXs, historyYs) = Decimation.Thin(Decimation.Indices(first, shown), series.Values[first..], width);
        var past = plot.Add.ScatterLine(historyXs, historyYs, PredictionPlot.ActualColor);
        past.LegendText = shown < series.Length ? $"History (the last {shown} of {series.Length} values)" : "History";
        past.LineWidth = 2;
        // The forecast line starts at the last known value so the two read as one curve.
        var (aheadXs, aheadYs) = Decimation.Thin(Decimation.Indices(series.Length - 1, forecast.Length + 1), [series.Values[^1], .. forecast], width);
        var ahead = plot.Add.ScatterLine(aheadXs, aheadYs, PredictionPlot.PredictedColor);
        ahead.LegendText = $"Forecast ({forecast.Length} steps)";
        ahead.LineWidth = 2;
        var end = plot.Add.VerticalLine(series.Length - 1, 1, PredictionPlot.SplitColor);
        end.LegendText = "End of data";
        plot.Title($"{series.Name}: recursive forecast past the end of the series");
        plot.XLabel(PlotText.IndexAxis());
        plot.YLabel($"{series.Name} (original units)");
        plot.ShowLegend(Alignment.UpperLeft);
        FigureFile.Save(path, plot, width, height, format, write);
    }
}
