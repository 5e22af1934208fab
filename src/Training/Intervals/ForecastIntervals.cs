namespace GpuRnn.Training.Intervals;

/// <summary>
/// Split conformal prediction intervals around a recursive forecast: step h gets ŷ_h ± the ⌈(n + 1)·q⌉-th smallest
/// of the n held-out absolute errors of h-step forecasts. If those errors and the new one are exchangeable, the
/// interval holds the true value with probability at least q (and less than q + 1/(n + 1)).
/// </summary>
public static class ForecastIntervals
{
    /// <summary>Intervals of coverage <paramref name="coverage"/> for <paramref name="forecast"/> (step 1 first); refused
    /// in one line past the residuals' horizon or where a step has too few of them.</summary>
    public static PredictionInterval[] Conformal(ReadOnlySpan<double> forecast, ForecastResiduals residuals, double coverage)
    {
        residuals.EnsureCovers(forecast.Length, coverage);
        var intervals = new PredictionInterval[forecast.Length];
        for (int k = 0; k < forecast.Length; k++)
        {
            double half = residuals.Horizons[k].Quantile(coverage);
            intervals[k] = new PredictionInterval(forecast[k] - half, forecast[k] + half);
        }
        return intervals;
    }
}
