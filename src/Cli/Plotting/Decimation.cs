namespace GpuRnn.Cli.Plotting;

/// <summary>
/// Thins a line to what a picture can show. The renderer strokes every segment it is given, which took minutes for
/// millions of points, while a figure is only about a thousand pixels wide. The x range is cut into equal columns
/// (at least one per pixel column of the figure) and each column keeps four points, in their original order: its
/// first and last (so the line still joins its neighbours where it did) and its lowest and highest (so spikes stay
/// visible). That is the M4 reduction; drawn as a line it covers nearly the same pixels as the full series.
/// </summary>
public static class Decimation
{
    /// <summary>The most points one column keeps: first, lowest, highest, last.</summary>
    public const int PointsPerColumn = 4;

    /// <summary>
    /// The points to draw of the line (xs, ys), xs ascending, for a picture <paramref name="columns"/> wide. A series
    /// with no more points than the result could hold is returned as it is, so small pictures do not change at all.
    /// </summary>
    public static (double[] Xs, double[] Ys) Thin(double[] xs, double[] ys, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(ys.Length, xs.Length, nameof(ys));
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        if (xs.Length <= PointsPerColumn * columns) return (xs, ys);

        double first = xs[0], span = xs[^1] - xs[0];
        var keptX = new List<double>(PointsPerColumn * columns);
        var keptY = new List<double>(PointsPerColumn * columns);
        Span<int> picks = stackalloc int[PointsPerColumn];
        int start = 0, column = Column(xs[0], first, span, columns);
        for (int i = 1; i <= xs.Length; i++)
        {
            int next = i < xs.Length ? Column(xs[i], first, span, columns) : -1;
            if (next == column) continue;
            // Points start..i-1 share one column: keep its four points. Unsorted xs only cost more points here.
            int low = start, high = start;
            for (int j = start + 1; j < i; j++)
            {
                if (ys[j] < ys[low]) low = j;
                if (ys[j] > ys[high]) high = j;
            }
            picks[0] = start; picks[1] = low; picks[2] = high; picks[3] = i - 1;
            picks.Sort();
            for (int k = 0; k < PointsPerColumn; k++)
                if (k == 0 || picks[k] != picks[k - 1])
                {
                    keptX.Add(xs[picks[k]]);
                    keptY.Add(ys[picks[k]]);
                }
            start = i;
            column = next;
        }
        return ([.. keptX], [.. keptY]);
    }

    /// <summary>The points of a line at x = 0, 1, 2, … thinned as <see cref="Thin(double[], double[], int)"/> does.</summary>
    public static (double[] Xs, double[] Ys) Thin(double[] ys, int columns) => Thin(Indices(0, ys.Length), ys, columns);

    /// <summary>first, first + 1, …: the x of each point of a series drawn by its index.</summary>
    public static double[] Indices(int first, int count)
    {
        var xs = new double[count];
        for (int i = 0; i < count; i++) xs[i] = first + i;
        return xs;
    }

    // Multiplying before dividing keeps whole-number x exact, so a column's edges fall where the arithmetic says.
    static int Column(double x, double first, double span, int columns) =>
        span > 0 ? Math.Clamp((int)((x - first) * columns / span), 0, columns - 1) : 0;
}
