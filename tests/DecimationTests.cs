using GpuRnn.Cli.Plotting;

namespace GpuRnn.Tests;

/// <summary>The thinned line against a plain pass over the raw points: same extremes per column, few points.</summary>
public class DecimationTests
{
    const int Columns = 1200;

    /// <summary>A noisy random walk with rare tall spikes: the spikes are what a careless thinning drops.</summary>
    static double[] SpikyWalk(int n, int seed)
    {
        var random = new Random(seed);
        var ys = new double[n];
        double level = 0;
        for (int i = 0; i < n; i++)
        {
            level += random.NextDouble() - 0.5;
            ys[i] = level + (random.Next(50_000) == 0 ? (random.Next(2) == 0 ? 500 : -500) : 0);
        }
        return ys;
    }

    [Fact]
    public void Two_million_points_keep_every_columns_min_and_max_in_a_bounded_count()
    {
        const int n = 2_000_000;
        var ys = SpikyWalk(n, seed: 7);

        var (keptXs, keptYs) = Decimation.Thin(ys, Columns);

        Assert.InRange(keptXs.Length, Columns, Decimation.PointsPerColumn * Columns);
        // Point i lies in column ⌊i · columns / (n − 1)⌋ of the x range [0, n − 1], the last point in the last column.
        static int ColumnOf(long i) => (int)Math.Min(i * Columns / (n - 1), Columns - 1);
        var rawMin = Enumerable.Repeat(double.PositiveInfinity, Columns).ToArray();
        var rawMax = Enumerable.Repeat(double.NegativeInfinity, Columns).ToArray();
        for (int i = 0; i < n; i++)
        {
            int c = ColumnOf(i);
            rawMin[c] = Math.Min(rawMin[c], ys[i]);
            rawMax[c] = Math.Max(rawMax[c], ys[i]);
        }
        var keptMin = Enumerable.Repeat(double.PositiveInfinity, Columns).ToArray();
        var keptMax = Enumerable.Repeat(double.NegativeInfinity, Columns).ToArray();
        for (int k = 0; k < keptXs.Length; k++)
        {
            long i = (long)keptXs[k];
            Assert.Equal(i, keptXs[k]);          // a kept point is one of the raw points, unchanged
            Assert.Equal(ys[i], keptYs[k]);
            if (k > 0) Assert.True(keptXs[k] > keptXs[k - 1], $"points out of order at {k}");
            int c = ColumnOf(i);
            keptMin[c] = Math.Min(keptMin[c], keptYs[k]);
            keptMax[c] = Math.Max(keptMax[c], keptYs[k]);
        }
        Assert.Equal(rawMin, keptMin);
        Assert.Equal(rawMax, keptMax);
        Assert.Equal(0, keptXs[0]);
        Assert.Equal(n - 1, keptXs[^1]);
        Assert.Contains(keptYs, y => y > 400);   // the spikes survive
        Assert.Contains(keptYs, y => y < -400);
    }

    [Fact]
    public void Uneven_xs_are_cut_by_x_not_by_index()
    {
        // Half the points crowd into the first 1 % of the x range: by x they share few columns.
        const int n = 100_000, columns = 100;
        var xs = Enumerable.Range(0, n).Select(i => i < n / 2 ? i * 1e-6 : 1.0 + (i - n / 2) * 1e-3).ToArray();
        var ys = SpikyWalk(n, seed: 3);

        var (keptXs, keptYs) = Decimation.Thin(xs, ys, columns);

        Assert.True(keptXs.Length <= Decimation.PointsPerColumn * columns, $"{keptXs.Length} points kept");
        int crowded = n / 2;   // all of them lie in column 0 of [0, 50.999]
        Assert.Equal(ys[..crowded].Max(), keptYs.Where((_, k) => keptXs[k] < 0.5).Max());
        Assert.Equal(ys[..crowded].Min(), keptYs.Where((_, k) => keptXs[k] < 0.5).Min());
    }

    [Fact]
    public void A_series_the_picture_can_hold_is_drawn_as_it_is()
    {
        var ys = SpikyWalk(4 * Columns, seed: 1);
        var xs = Decimation.Indices(0, ys.Length);

        var (keptXs, keptYs) = Decimation.Thin(xs, ys, Columns);

        Assert.Same(xs, keptXs);
        Assert.Same(ys, keptYs);
    }
}
