using ScottPlot;
using ScottPlot.TickGenerators;

namespace GpuRnn.Cli.Plotting;

/// <summary>
/// A bottom axis of dates for a series that has them: x values are OLE Automation dates (ScottPlot's convention for
/// dates) and each tick is labelled in ISO 8601 by the shortest form that names it exactly (1750, 1750-07, 1750-07-14).
/// </summary>
public static class DateAxis
{
    public static double[] Xs(IEnumerable<DateTime> dates) => [.. dates.Select(d => d.ToOADate())];

    public static void Use(Plot plot) =>
        plot.Axes.DateTimeTicksBottom().TickGenerator = new DateTimeAutomatic { LabelFormatter = DateText.Shortest };

    /// <summary>The labels of the bottom axis's major ticks, as the last render placed them.</summary>
    public static string[] TickLabels(Plot plot) => [.. plot.Axes.Bottom.TickGenerator.Ticks.Where(t => t.IsMajor).Select(t => t.Label)];
}
