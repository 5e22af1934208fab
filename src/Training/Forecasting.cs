using GpuRnn.Training.Data;
using GpuRnn.Training.Engines;
using GpuRnn.Training.Model;

namespace GpuRnn.Training;

/// <summary>Forecasting past the end of a series with a trained one-step model.</summary>
public static class Forecasting
{
    /// <summary>
    /// Recursive multi-step forecast: predict the next value from the last T, append it, and repeat
    /// <paramref name="horizon"/> times. Values are in the series' original units; the model's scaler maps them.
    /// </summary>
    public static double[] Recursive(SavedModel model, MinMaxScaler scaler, ReadOnlySpan<double> history, int horizon)
    {
        var spec = model.Spec;
        if (spec.Features != 1 || spec.Outputs != 1)
            throw new GpuRnnInputException($"a recursive forecast needs one feature in and one value out (the model has {spec.Features} → {spec.Outputs})");
        if (horizon < 1 || horizon > 1_000_000) throw new GpuRnnInputException($"horizon must be between 1 and 1000000 (got {horizon})");
        int steps = spec.TimeSteps;
        if (history.Length < steps)
            throw new GpuRnnInputException($"the series is too short: a forecast needs the last {steps} values, the series has {history.Length}");
        using var engine = new ScalarEngine<float>(spec);
        engine.SetParameters(model.Parameters);
        var window = scaler.TransformChecked(history[^steps..], "the series' last values");
        var forecast = new double[horizon];
        for (int k = 0; k < horizon; k++)
        {
            float next = engine.Predict(new WindowSet(window, [0f], 1, steps, 1, 1))[0];
            forecast[k] = scaler.Inverse(next);
            Array.Copy(window, 1, window, 0, steps - 1);
            window[^1] = next;
        }
        return forecast;
    }
}
