using GpuRnn.Training.Data;

namespace GpuRnn.Training.Many;

/// <summary>
/// Monthly series made up deterministically, for benchmarks, tests and demos of one model per series: each a level,
/// a trend, a yearly season of its own amplitude and phase, and noise, from 2000-01 on, named <c>s00000</c>, …
/// </summary>
public static class SyntheticSeries
{
    public static SeriesCollection Monthly(int count, int length = 240, int seed = 1)
    {
        if (count < 1 || length < 2) throw new ArgumentOutOfRangeException(nameof(count), "at least one series of two values");
        var dates = DateIndex.Of([.. Enumerable.Range(0, length).Select(i => new DateTime(2000, 1, 1).AddMonths(i))], "month");
        var series = new Series[count];
        for (int s = 0; s < count; s++)
        {
            var rng = new SeededRandom(unchecked(seed * 1_000_003 + s), RandomStream.SyntheticData);
            double level = 50 + 100 * rng.NextDouble(), trend = rng.NextDouble() - 0.3, amplitude = 5 + 30 * rng.NextDouble(),
                phase = 2 * Math.PI * rng.NextDouble(), noise = 1 + 5 * rng.NextDouble();
            var values = new double[length];
            for (int t = 0; t < length; t++)
                values[t] = level + trend * t + amplitude * Math.Sin(2 * Math.PI * t / 12 + phase) + noise * (rng.NextDouble() + rng.NextDouble() - 1);
            series[s] = new Series($"s{s:D5}", "synthetic", values) { Dates = dates };
        }
        return new SeriesCollection(series, [], "synthetic");
    }
}
