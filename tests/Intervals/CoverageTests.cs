using System.Globalization;
using GpuRnn.Training.Intervals;

namespace GpuRnn.Tests.Intervals;

/// <summary>
/// The intervals hold what they promise on data they were not calibrated on: a sine plus Gaussian noise, a model
/// trained and calibrated (train --save) on its first 1000 values, then checked on 30 000 values after them.
/// </summary>
public sealed class CoverageTests(ITestOutputHelper output)
{
    const int Known = 1000, Further = 30_000, TimeSteps = 10;
    const double Q = 0.8;

    /// <summary>y_t = sin(2π t / 17.3) + N(0, 0.2²), Box–Muller from a seeded generator.</summary>
    static double[] NoisySine(int n, int seed)
    {
        var rng = new Random(seed);
        var y = new double[n];
        for (int t = 0; t < n; t++)
        {
            double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
            y[t] = Math.Sin(2 * Math.PI * t / 17.3) + 0.2 * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        }
        return y;
    }

    [Fact]
    public void Coverage_at_0_8_on_a_further_stretch_is_within_three_standard_deviations()
    {
        using var dir = new TempDir();
        var y = NoisySine(Known + Further, seed: 42);
        File.WriteAllText(dir.File("s.csv"), "y\n" + string.Join("\n", y.Take(Known).Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
        // Split 0.6: 600 values to train on, the last 400 (never trained on) to calibrate: 400 origins, all kept.
        var train = CliRun.Of("train", "--data", dir.File("s.csv"), "--column", "y", "--split", "0.6", "--time-steps", $"{TimeSteps}", "--stride", "1", "--hidden", "8",
            "--epochs", "15", "--batch-size", "8", "--lr", "0.01", "--no-plot", "--no-baseline", "--save", dir.File("m.json"));
        Assert.True(train.ExitCode == 0, train.Err);
        var model = ModelFile.Load(dir.File("m.json"));
        var residuals = model.Residuals!;
        Assert.Equal(400, residuals.Origins);

        foreach (int h in new[] { 1, 5, 20, 60 })
        {
            // Test origins T + h apart, so no two share an input or a target: their errors are independent given the model.
            var origins = Enumerable.Range(0, Further / (TimeSteps + h)).Select(i => Known + i * (TimeSteps + h)).Where(o => o + h <= y.Length).ToArray();
            var forecasts = Backtest.Recursive(model, model.Scaler!, y, origins, h);
            double half = residuals.Horizons[h - 1].Quantile(Q);
            int m = origins.Length, inside = Enumerable.Range(0, m).Count(i => Math.Abs(y[origins[i] + h - 1] - forecasts[i][h - 1]) <= half);
            double coverage = (double)inside / m;
            // Given its n calibration errors, the interval's true coverage is Beta(r, n + 1 − r) (mean r/(n + 1), variance
            // ≈ q(1 − q)/(n + 2)); the m test points add binomial variance q(1 − q)/m. Three standard deviations of both.
            int n = residuals.Horizons[h - 1].Count;
            long r = HorizonResiduals.ConformalRank(n, Q);
            double expected = (double)r / (n + 1), sd = Math.Sqrt(Q * (1 - Q) * (1.0 / m + 1.0 / (n + 2)));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"h={h}: n={n} r={r} half-width={half:G4} m={m} inside={inside} coverage={coverage:F4} expected={expected:F4} ±3sd={3 * sd:F4} (binomial alone ±{3 * Math.Sqrt(Q * (1 - Q) / m):F4})"));
            Assert.InRange(coverage, expected - 3 * sd, expected + 3 * sd);
        }
    }
}
