using GpuRnn.Training.Data;
using GpuRnn.Training.Engines;
using GpuRnn.Training.Model;

namespace GpuRnn.Training.Intervals;

/// <summary>
/// Calibrates a trained model's prediction intervals on the test part of its series (the values after the split,
/// which training never saw): a recursive forecast from each origin there, and per step ahead the absolute errors.
/// </summary>
public static class HeldOutResiduals
{
    /// <summary>Steps ahead calibrated at most.</summary>
    public const int DefaultMaxHorizon = 60;

    /// <summary>Origins used at most (evenly spaced when the test part has more), which bounds the model file and the work.</summary>
    public const int DefaultMaxOrigins = 500;

    /// <summary>The residuals of a training run's model on the test part of its series (see the overload), forecast on the SIMD engine.</summary>
    public static ForecastResiduals? Of(TrainingResult result) =>
        Measure(new SavedModel(result.Spec, result.Parameters, result.Data.Scaler), result.Data.Scaler, result.Data.Series.Values, result.Data.Split, engine: EngineKind.Simd);

    /// <summary>
    /// The residuals of <paramref name="model"/> (with <paramref name="scaler"/>) on <paramref name="values"/>[split..]:
    /// origins o from the split (or T, if later) to n − 1, each forecasting from the T values before it (which may
    /// lie before the split: they are inputs, not targets), and for h = 1 … H, H = min(max horizon, the origins'
    /// count), every |y − ŷ| whose target the series holds. Null when nothing is held out or the model is not one
    /// value in, one out (no recursive forecast). <paramref name="engine"/> runs the forecasts (<see cref="Backtest.Recursive"/>):
    /// the scalar engine repeats <see cref="Forecasting.Recursive(Model.SavedModel, Data.MinMaxScaler, ReadOnlySpan{double}, int)"/> exactly; the SIMD engine agrees to float rounding, much faster
    /// for a wide model (hidden 128 over 48 steps: 52 s on the scalar engine here).
    /// </summary>
    public static ForecastResiduals? Measure(SavedModel model, MinMaxScaler scaler, ReadOnlySpan<double> values, int split,
        int maxHorizon = DefaultMaxHorizon, int maxOrigins = DefaultMaxOrigins, EngineKind engine = EngineKind.Scalar)
    {
        if (model.Spec.Features != 1 || model.Spec.Outputs != 1) return null;
        if (maxHorizon < 1 || maxOrigins < 1) throw new ArgumentOutOfRangeException(nameof(maxHorizon), "the caps are at least 1");
        int first = Math.Max(split, model.Spec.TimeSteps), possible = values.Length - first;
        if (possible < 1) return null;
        int count = Math.Min(possible, maxOrigins);
        var origins = new int[count];
        for (int i = 0; i < count; i++) origins[i] = first + (int)((long)i * possible / count);
        int horizon = Math.Min(maxHorizon, possible);
        var forecasts = Backtest.Recursive(model, scaler, values, origins, horizon, engine);
        var errors = new List<double>[horizon];
        for (int h = 0; h < horizon; h++) errors[h] = [];
        for (int i = 0; i < count; i++)
            for (int k = 0; k < forecasts[i].Length; k++)
                errors[k].Add(Math.Abs(values[origins[i] + k] - forecasts[i][k]));
        // Evenly spaced origins may leave the furthest steps without any target: the horizon ends at the last with one.
        int reached = errors.Count(e => e.Count > 0);
        return new ForecastResiduals("test", count, [.. errors.Take(reached).Select(e => new HorizonResiduals(e))]);
    }
}
