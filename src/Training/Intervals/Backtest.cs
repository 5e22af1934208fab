using GpuRnn.Training.Data;
using GpuRnn.Training.Engines;
using GpuRnn.Training.Model;

namespace GpuRnn.Training.Intervals;

/// <summary>
/// Recursive forecasts from many origins inside a known series, all origins as one batch per step: what
/// <see cref="Forecasting.Recursive(Model.SavedModel, Data.MinMaxScaler, ReadOnlySpan{double}, int)"/> would forecast had the series ended just before each origin.
/// </summary>
public static class Backtest
{
    /// <summary>
    /// For each origin o (the index of the first value forecast, T ≤ o &lt; n), the forecast of values o, o + 1, …
    /// from the T values before o, feeding each prediction back in: min(<paramref name="horizon"/>, n − o) steps, those
    /// whose true value the series holds. On the scalar engine (the default) the float arithmetic is
    /// <see cref="Forecasting.Recursive(Model.SavedModel, Data.MinMaxScaler, ReadOnlySpan{double}, int)"/>'s, value for value; <see cref="EngineKind.Simd"/> agrees to float rounding
    /// and is many times faster for wide or long models.
    /// </summary>
    public static double[][] Recursive(SavedModel model, MinMaxScaler scaler, ReadOnlySpan<double> values, IReadOnlyList<int> origins, int horizon,
        EngineKind engineKind = EngineKind.Scalar)
    {
        var spec = model.Spec;
        if (spec.Features != 1 || spec.Outputs != 1)
            throw new GpuRnnInputException($"a recursive forecast needs one feature in and one value out (the model has {spec.Features} → {spec.Outputs})");
        if (horizon < 1) throw new GpuRnnInputException($"horizon must be at least 1 (got {horizon})");
        int steps = spec.TimeSteps, n = values.Length;
        var windows = new float[origins.Count][];
        var forecasts = new double[origins.Count][];
        for (int i = 0; i < origins.Count; i++)
        {
            int o = origins[i];
            if (o < steps || o >= n)
                throw new GpuRnnInputException($"a forecast origin must leave {steps} values before it and one after it in the {n} values (got {o})");
            windows[i] = scaler.Transform(values[(o - steps)..o]);
            forecasts[i] = new double[Math.Min(horizon, n - o)];
        }
        using var engine = EngineFactory.Create(engineKind, spec);
        engine.SetParameters(model.Parameters);
        for (int k = 0; ; k++)
        {
            var active = Enumerable.Range(0, origins.Count).Where(i => k < forecasts[i].Length).ToArray();
            if (active.Length == 0) return forecasts;
            var x = new float[active.Length * steps];
            for (int a = 0; a < active.Length; a++) windows[active[a]].CopyTo(x, a * steps);
            var next = engine.Predict(new WindowSet(x, new float[active.Length], active.Length, steps, 1, 1));
            for (int a = 0; a < active.Length; a++)
            {
                var window = windows[active[a]];
                forecasts[active[a]][k] = scaler.Inverse(next[a]);
                Array.Copy(window, 1, window, 0, steps - 1);
                window[^1] = next[a];
            }
        }
    }
}
