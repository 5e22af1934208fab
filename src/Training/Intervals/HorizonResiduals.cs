using System.Globalization;

namespace GpuRnn.Training.Intervals;

/// <summary>
/// The absolute errors |y − ŷ| of one horizon's forecasts on held-out data, sorted ascending: the calibration set of
/// split conformal prediction for that step ahead.
/// </summary>
public sealed class HorizonResiduals
{
    readonly double[] sorted;

    /// <summary>Takes any order; every error must be finite and not negative.</summary>
    public HorizonResiduals(IEnumerable<double> absoluteErrors)
    {
        sorted = [.. absoluteErrors];
        if (sorted.Length == 0) throw new GpuRnnInputException("a horizon needs at least one held-out residual");
        foreach (var e in sorted)
            if (!double.IsFinite(e) || e < 0)
                throw new GpuRnnInputException(string.Create(CultureInfo.InvariantCulture, $"a held-out residual is an absolute error, finite and not negative (got {e})"));
        Array.Sort(sorted);
    }

    /// <summary>n: how many held-out forecasts this horizon was measured on.</summary>
    public int Count => sorted.Length;

    /// <summary>The errors, smallest first.</summary>
    public ReadOnlySpan<double> Sorted => sorted;

    /// <summary>
    /// The conformal rank ⌈(n + 1)·q⌉ (at least 1): the interval ŷ ± the rank-th smallest of n exchangeable errors
    /// covers a new value with probability at least q. A product within 1e-9 of a whole number counts as that number,
    /// so that a decimal q such as 0.95 (not exact in binary) gives 19 of 19, not 20.
    /// </summary>
    public static long ConformalRank(int n, double coverage)
    {
        EnsureCoverage(coverage);
        double product = (n + 1.0) * coverage;
        return Math.Max(1, (long)Math.Ceiling(product - 1e-9));
    }

    /// <summary>The largest coverage that n errors support: ⌈(n + 1)·q⌉ ≤ n ⇔ q ≤ n / (n + 1).</summary>
    public static double MaxCoverage(int n) => n / (n + 1.0);

    /// <summary>Whether these errors are enough for <paramref name="coverage"/> (⌈(n + 1)·q⌉ ≤ n).</summary>
    public bool Supports(double coverage) => ConformalRank(Count, coverage) <= Count;

    /// <summary>The conformal quantile: the ⌈(n + 1)·q⌉-th smallest error; refused when that rank exceeds n.</summary>
    public double Quantile(double coverage)
    {
        long rank = ConformalRank(Count, coverage);
        if (rank > Count) throw new GpuRnnInputException(TooFew(Count, coverage, rank));
        return sorted[rank - 1];
    }

    internal static string TooFew(int n, double coverage, long rank) => string.Create(CultureInfo.InvariantCulture,
        $"a {coverage} prediction interval needs ⌈(n + 1)·q⌉ = {rank} ≤ n held-out residuals, and there are n = {n}: "
        + $"they support a coverage of at most {Math.Floor(MaxCoverage(n) * 1e4) / 1e4} (n / (n + 1))");

    /// <summary>A coverage is a probability strictly between 0 and 1.</summary>
    public static void EnsureCoverage(double coverage)
    {
        if (!(coverage > 0 && coverage < 1))
            throw new GpuRnnInputException(string.Create(CultureInfo.InvariantCulture, $"the interval's coverage must be between 0 and 1, e.g. 0.9 (got {coverage})"));
    }
}
