using ScottPlot;

namespace GpuRnn.Cli.Plotting;

/// <summary>
/// <c>train-many</c>'s summary: the distribution of the series' test RMSE (scaled, so series of any size compare), and
/// the fits of three series — the best, the median and the worst by that RMSE — actual and predicted, the split marked.
/// </summary>
public static class ManySummaryPlot
{
    public static void Save(string path, IReadOnlyList<SeriesModel> models, Action<string, Action<Stream>>? write = null, int width = 1200, int height = 900)
    {
        EmbeddedFonts.Register();
        var ranked = models.Where(m => m.Result.Data.Test.Count > 0).OrderBy(m => m.Result.TestRmse).ToList();
        if (ranked.Count == 0) ranked = [.. models];
        var histogram = new Plot();
        var rmse = ranked.Select(m => m.Result.Data.Test.Count > 0 ? m.Result.TestRmse : m.Result.TrainRmse).ToArray();
        var bins = ScottPlot.Statistics.Histogram.WithBinCount(Math.Clamp(rmse.Length / 4, 5, 40), rmse.Min(), Math.Max(rmse.Max(), rmse.Min() + 1e-9));
        bins.AddRange(rmse);
        var bars = histogram.Add.Bars(bins.Bins, bins.Counts);
        foreach (var bar in bars.Bars) bar.Size = bins.FirstBinSize * 0.9;
        bars.Color = PredictionPlot.ActualColor;
        histogram.Title($"{models.Count} series, one {PlotText.Model(models[0].Result.Spec)} each: test RMSE");
        histogram.XLabel("Test RMSE (each series scaled to [0, 1])");
        histogram.YLabel("Series");
        var picks = new[] { ("best", ranked[0]), ("median", ranked[ranked.Count / 2]), ("worst", ranked[^1]) }.DistinctBy(p => p.Item2.Id).ToArray();
        var panels = new List<(Plot, PixelRect)> { (histogram, new PixelRect(0, width, height * 2 / 5, 0)) };
        int panelWidth = width / picks.Length;
        for (int i = 0; i < picks.Length; i++)
        {
            var (label, model) = picks[i];
            var fit = new Plot();
            var (actual, predicted) = PredictionPlot.Values(model.Result, originalUnits: true);
            var xs = PredictionPlot.Indexes(model.Result);
            fit.Add.ScatterLine(xs, actual, PredictionPlot.ActualColor).LegendText = "actual";
            fit.Add.ScatterLine(xs, predicted, PredictionPlot.PredictedColor).LegendText = "predicted";
            fit.Add.VerticalLine(model.Result.Data.Split, 1, PredictionPlot.SplitColor);
            fit.Title($"{label}: {model.Id}");
            fit.XLabel(PlotText.IndexAxis());
            fit.ShowLegend(Alignment.UpperLeft);
            panels.Add((fit, new PixelRect(i * panelWidth, (i + 1) * panelWidth, height, height * 2 / 5)));
        }
        FigureFile.Save(path, width, height, FigureFile.FormatOf("summary", path), write, [.. panels]);
    }
}
