using System.Globalization;

namespace GpuRnn.Training.Intervals;

/// <summary>
/// What a model keeps to put prediction intervals on its recursive forecasts: for each step ahead h = 1 … H, the
/// absolute errors of h-step recursive forecasts made from origins in a held-out part of its series.
/// </summary>
/// <param name="Part">Which part of the series they come from ("test": the values after the split).</param>
/// <param name="Origins">From how many forecast origins (each gives at most one error per horizon).</param>
/// <param name="Horizons">Index h − 1 holds step h's errors.</param>
public sealed record ForecastResiduals(string Part, int Origins, IReadOnlyList<HorizonResiduals> Horizons)
{
    /// <summary>H: the furthest step ahead that has residuals.</summary>
    public int MaxHorizon => Horizons.Count;

    /// <summary>Refuses, in one line, a coverage or a horizon these residuals cannot answer: steps past H (an interval
    /// there would be a guess, not a calibrated one), or a step with too few errors for ⌈(n + 1)·q⌉ ≤ n.</summary>
    public void EnsureCovers(int horizon, double coverage)
    {
        HorizonResiduals.EnsureCoverage(coverage);
        if (horizon > MaxHorizon)
            throw new GpuRnnInputException(string.Create(CultureInfo.InvariantCulture,
                $"the model's held-out residuals reach {MaxHorizon} step(s) ahead, so intervals stop there (a wider one past it would be a guess): forecast {MaxHorizon} step(s) or fewer, or retrain with a longer test part"));
        // n falls as h grows (fewer origins leave room for h steps), so the furthest step is usually the binding one.
        for (int h = 1; h <= horizon; h++)
        {
            var errors = Horizons[h - 1];
            long rank = HorizonResiduals.ConformalRank(errors.Count, coverage);
            if (rank > errors.Count) throw new GpuRnnInputException($"at step {h}: {HorizonResiduals.TooFew(errors.Count, coverage, rank)}");
        }
    }
}
