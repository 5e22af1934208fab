namespace GpuRnn.Tests;

/// <summary>
/// Seeds give independent, reproducible draws with Keras's distributions. The statistical bounds are 4 standard
/// errors of the statistic under the claimed distribution (or |r| &lt; 0.1, about 3 standard errors for 1 000 pairs),
/// and the seeds are fixed, so each check passes or fails the same way every run.
/// </summary>
public class SeededRandomTests
{
    const int Seeds = 1000;

    /// <summary>
    /// <see cref="Random"/>(seed) gave r ≈ −0.8 between seeds s and s + 1 for the first recurrent weight; with the
    /// hashed seeds every first weight is uncorrelated with the next seed's.
    /// </summary>
    [Fact]
    public void Consecutive_seeds_give_uncorrelated_first_weights()
    {
        var layout = ModelSpec.Tutorial.Layout();
        var weights = Enumerable.Range(1, Seeds + 1).Select(s => Initializers.KerasDefaults(layout, s)).ToArray();
        foreach (var slot in new[] { layout.Kernel[0], layout.RecurrentKernel[0], layout.DenseKernel })
        {
            var first = weights.Select(p => (double)p[slot.Offset]).ToArray();
            double r = Pearson(first[..^1], first[1..]);
            Assert.True(Math.Abs(r) < 0.1, $"{slot.Name}: r = {r:F3} between seeds s and s + 1");
        }
    }

    [Fact]
    public void The_streams_of_one_seed_are_uncorrelated()
    {
        var seeds = Enumerable.Range(1, Seeds).ToArray();
        var weights = seeds.Select(s => new SeededRandom(s, RandomStream.InitialWeights).NextDouble()).ToArray();
        var shuffles = seeds.Select(s => new SeededRandom(s, RandomStream.Shuffle).NextDouble()).ToArray();
        double r = Pearson(weights, shuffles);
        Assert.True(Math.Abs(r) < 0.1, $"r = {r:F3} between the two streams of the same seed");
    }

    /// <summary>glorot_uniform: U(−L, L) with L = √(6 / (fan_in + fan_out)): mean 0, variance L²/3, flat histogram.</summary>
    [Fact]
    public void Glorot_kernels_are_uniform_within_the_limit()
    {
        var layout = new ModelSpec(5, [7], 2, Activation.Tanh, Activation.Tanh, 4).Layout();
        foreach (var slot in new[] { layout.Kernel[0], layout.DenseKernel })
        {
            double limit = Math.Sqrt(6.0 / (slot.Rows + slot.Columns));
            var values = Enumerable.Range(1, 2000)
                .SelectMany(s => Initializers.KerasDefaults(layout, s).AsSpan(slot.Offset, slot.Length).ToArray())
                .Select(v => (double)v).ToArray();
            int n = values.Length;
            Assert.All(values, v => Assert.InRange(v, -limit, limit));
            Assert.InRange(values.Average(), -4 * limit / Math.Sqrt(3 * n), 4 * limit / Math.Sqrt(3 * n));
            double variance = values.Average(v => v * v);
            double varianceError = 4 * limit * limit * Math.Sqrt(4.0 / 45 / n); // sd of mean(x²) is L²·√(4/45)/√n
            Assert.InRange(variance, limit * limit / 3 - varianceError, limit * limit / 3 + varianceError);
            const int bins = 10;
            var counts = new int[bins];
            foreach (var v in values) counts[Math.Min(bins - 1, (int)((v + limit) / (2 * limit) * bins))]++;
            double expected = n / (double)bins, binError = 4 * Math.Sqrt(n * 0.1 * 0.9);
            Assert.All(counts, c => Assert.InRange(c, expected - binError, expected + binError));
        }
    }

    /// <summary>
    /// An orthogonal Q uniform over the orthogonal group (what the QR of a Gaussian matrix gives) has
    /// Q[0,0]² ~ Beta(1/2, (n−1)/2): √n·Q[0,0] has mean 0, variance exactly 1 and fourth moment 3n/(n+2).
    /// </summary>
    [Fact]
    public void Orthogonal_recurrent_kernels_are_haar_distributed()
    {
        const int n = 8, seeds = 4000;
        var layout = new ModelSpec(1, [n], 1, Activation.Tanh, Activation.Tanh, 4).Layout();
        var slot = layout.RecurrentKernel[0];
        foreach (var (row, col) in new[] { (0, 0), (3, 5) })
        {
            var x = Enumerable.Range(1, seeds).Select(s => Math.Sqrt(n) * Initializers.KerasDefaults(layout, s)[slot.At(row, col)]).ToArray();
            double mean = x.Average(), second = x.Average(v => v * v);
            double fourth = 3.0 * n / (n + 2);
            Assert.InRange(mean, -4 / Math.Sqrt(seeds), 4 / Math.Sqrt(seeds));
            double secondError = 4 * Math.Sqrt((fourth - 1) / seeds);
            Assert.InRange(second, 1 - secondError, 1 + secondError);
        }
    }

    [Fact]
    public void Every_seed_gives_an_orthogonal_recurrent_kernel_and_zero_biases()
    {
        var layout = new ModelSpec(2, [6, 4], 1, Activation.Tanh, Activation.Tanh, 4).Layout();
        for (int seed = 1; seed <= 50; seed++)
        {
            var p = Initializers.KerasDefaults(layout, seed);
            foreach (var slot in layout.RecurrentKernel)
                for (int a = 0; a < slot.Columns; a++)
                    for (int b = 0; b < slot.Columns; b++)
                    {
                        double dot = 0;
                        for (int r = 0; r < slot.Rows; r++) dot += (double)p[slot.At(r, a)] * p[slot.At(r, b)];
                        Assert.Equal(a == b ? 1.0 : 0.0, dot, 1e-6); // float32 entries: a few ulps of 1
                    }
            foreach (var slot in layout.Bias.Append(layout.DenseBias))
                Assert.All(p.AsSpan(slot.Offset, slot.Length).ToArray(), v => Assert.Equal(0f, v));
        }
    }

    [Fact]
    public void The_same_seed_repeats_weights_and_shuffles_and_another_seed_does_not()
    {
        var layout = new ModelSpec(1, [16], 1, Activation.Tanh, Activation.Tanh, 4).Layout();
        Assert.Equal(Initializers.KerasDefaults(layout, 5), Initializers.KerasDefaults(layout, 5));
        Assert.NotEqual(Initializers.KerasDefaults(layout, 5), Initializers.KerasDefaults(layout, 6));

        static int[][] Orders(int seed) { var s = new ShuffleSchedule(seed, 50, shuffle: true); return [.. Enumerable.Range(0, 3).Select(_ => s.Next().ToArray())]; }
        var orders = Orders(5);
        Assert.Equal(orders, Orders(5));
        Assert.NotEqual(orders, Orders(6));
        Assert.All(orders, o => Assert.Equal(Enumerable.Range(0, 50), o.Order()));
        Assert.NotEqual(orders[0], orders[1]); // a fresh order every epoch
        Assert.Equal(Enumerable.Range(0, 50), new ShuffleSchedule(5, 50, shuffle: false).Next());
    }

    /// <summary>Fisher–Yates with unbiased bounded integers: each element lands in each position equally often.</summary>
    [Fact]
    public void Shuffles_are_uniform()
    {
        const int count = 5, seeds = 10_000;
        var where = new int[count, count];
        for (int seed = 0; seed < seeds; seed++)
        {
            var order = new ShuffleSchedule(seed, count, shuffle: true).Next();
            for (int position = 0; position < count; position++) where[order[position], position]++;
        }
        double expected = seeds / (double)count, error = 4 * Math.Sqrt(seeds * 0.2 * 0.8);
        foreach (var c in where) Assert.InRange(c, expected - error, expected + error);
    }

    [Fact]
    public void Bounded_integers_stay_in_range_and_standard_normals_have_unit_variance()
    {
        var rng = new SeededRandom(42, RandomStream.InitialWeights);
        foreach (int bound in new[] { 1, 2, 3, 7, int.MaxValue })
            for (int i = 0; i < 1000; i++) Assert.InRange(rng.NextInt(bound), 0, bound - 1);
        const int n = 100_000;
        var x = Enumerable.Range(0, n).Select(_ => rng.NextStandardNormal()).ToArray();
        Assert.InRange(x.Average(), -4 / Math.Sqrt(n), 4 / Math.Sqrt(n));
        Assert.InRange(x.Average(v => v * v), 1 - 4 * Math.Sqrt(2.0 / n), 1 + 4 * Math.Sqrt(2.0 / n)); // Var(x²) = 2
        Assert.InRange(x.Count(v => Math.Abs(v) < 1) / (double)n, 0.6827 - 4 * 0.0015, 0.6827 + 4 * 0.0015); // P(|x| < 1)
        Assert.InRange(x.Count(v => Math.Abs(v) > 3), 270 - 4 * 16.4, 270 + 4 * 16.4); // P(|x| > 3) = 0.0027: the tails too
    }

    /// <summary>The bulk fill is only a faster path: spans of any length, odd ones included, continue the same sequence.</summary>
    [Fact]
    public void Filling_a_span_draws_the_same_normals_as_single_calls()
    {
        var one = new SeededRandom(7, RandomStream.InitialWeights);
        var bulk = new SeededRandom(7, RandomStream.InitialWeights);
        foreach (int length in new[] { 3, 0, 1, 4, 7, 2, 10, 16, 40, 5, 33 })
        {
            var expected = Enumerable.Range(0, length).Select(_ => one.NextStandardNormal()).ToArray();
            var actual = new double[length];
            bulk.FillStandardNormal(actual);
            Assert.Equal(expected, actual);
            Assert.Equal(one.NextDouble(), bulk.NextDouble()); // the uniform stream stays in step too
        }
    }

    static double Pearson(double[] x, double[] y)
    {
        double mx = x.Average(), my = y.Average(), sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.Sqrt(sxx * syy);
    }
}
