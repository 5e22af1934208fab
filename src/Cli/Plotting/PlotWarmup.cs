using ScottPlot;

namespace GpuRnn.Cli.Plotting;

/// <summary>
/// Renders a tiny plot in memory on a worker thread while the command reads data and trains, so that the first use of
/// ScottPlot and SkiaSharp (JIT of their code, native start-up, font loading: about a quarter of a second, a third
/// of a whole tutorial run) overlaps the work instead of following it. It writes nothing, and a failure here only
/// means the real plot pays that cost itself; the command waits for it before plotting, so plots never render
/// concurrently.
/// </summary>
static class PlotWarmup
{
    public static Task Start() => Task.Run(() =>
    {
        try
        {
            EmbeddedFonts.Register();
            var plot = new Plot();
            plot.Add.ScatterLine(new double[] { 0, 1, 2 }, new double[] { 0, 1, 0 }).LegendText = "warm-up";
            plot.Add.VerticalLine(1, 2, Colors.Red).LegendText = "split";
            plot.Title("warm-up");
            plot.XLabel("x");
            plot.YLabel("y");
            plot.ShowLegend(Alignment.UpperLeft);
            FigureFile.Encode(120, 80, FigureFormat.Png, (plot, new PixelRect(0, 120, 80, 0))); // the path every figure takes
        }
        catch (Exception)
        {
            // Only a head start: the real plot reports any real failure itself.
        }
    });
}
