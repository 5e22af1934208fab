using ScottPlot;

namespace GpuRnn.Cli.Plotting;

/// <summary>The end of the history, then the forecast after it, in the series' original units; by date when there are dates.</summary>
public static class ForecastAheadPlot
{
    /// <summary>How much history the plot shows unless told: at least 240 values, or four times the horizon.</summary>
    public static int DefaultHistory(int horizon) => Math.Max(240, 4 * horizon);

    /// <summary>Draws the last <paramref name="history"/> values of the series (<see cref="DefaultHistory"/> when null), then the forecast.</summary>
    public static PlotGeometry Save(string path, Series series, double[] forecast, int width = 1200, int height = 600, Action<string, Action<Stream>>? write = null,
        int? history = null, FigureFormat? format = null, DateRecord? dates = null, ForecastBand? band = null)
    {
        EmbeddedFonts.Register();
        int shown = Math.Min(series.Length, history ?? DefaultHistory(forecast.Length));
        int first = series.Length - shown;
        double[] xs = dates is null ? Decimation.Indices(first, shown + forecast.Length) : DateAxis.Xs([.. dates.Ending(shown), .. dates.Continue(forecast.Length)]);
        var plot = new Plot();
        if (dates is not null) DateAxis.Use(plot);
        var (historyXs, historyYs) = Decimation.Thin(xs[..shown], series.Values[first..], width);
        var past = plot.Add.ScatterLine(historyXs, historyYs, PredictionPlot.ActualColor);
        past.LegendText = shown < series.Length ? $"History (the last {shown} of {series.Length} values)" : "History";
        past.LineWidth = 2;
        band?.AddTo(plot, xs[shown..]);
        // The forecast line starts at the last known value so the two read as one curve.
        var (aheadXs, aheadYs) = Decimation.Thin(xs[(shown - 1)..], [series.Values[^1], .. forecast], width);
        var ahead = plot.Add.ScatterLine(aheadXs, aheadYs, PredictionPlot.PredictedColor);
        ahead.LegendText = $"Forecast ({forecast.Length} steps)";
        ahead.LineWidth = 2;
        var end = plot.Add.VerticalLine(xs[shown - 1], 1, PredictionPlot.SplitColor);
        end.LegendText = "End of data";
        plot.Title($"{series.Name}: recursive forecast past the end of the series");
        plot.XLabel(dates is null ? PlotText.IndexAxis() : $"Date ({dates.Frequency.Name})");
        plot.YLabel($"{series.Name} (original units)");
        plot.ShowLegend(Alignment.UpperLeft);
        FigureFile.Save(path, plot, width, height, format, write);
        var area = plot.LastRender.DataRect;
        return new PlotGeometry(width, height, plot.GetPixel(new Coordinates(xs[shown - 1], 0)).X, area.Top, area.Bottom) { XTickLabels = DateAxis.TickLabels(plot) };
    }
}
