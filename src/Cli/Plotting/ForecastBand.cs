using ScottPlot;

namespace GpuRnn.Cli.Plotting;

/// <summary>A forecast's prediction intervals, drawn as a shaded band under its line.</summary>
public sealed record ForecastBand(PredictionInterval[] Intervals, double Coverage)
{
    /// <summary>Adds the band at <paramref name="xs"/> (one per forecast step), behind anything added after it.</summary>
    public void AddTo(Plot plot, double[] xs)
    {
        var fill = plot.Add.FillY(xs, [.. Intervals.Select(i => i.Lower)], [.. Intervals.Select(i => i.Upper)]);
        fill.FillColor = PredictionPlot.PredictedColor.WithAlpha(0.25);
        fill.LineWidth = 0;
        fill.LegendText = string.Create(CultureInfo.InvariantCulture, $"{Coverage * 100:G4}% prediction interval (split conformal)");
    }
}
