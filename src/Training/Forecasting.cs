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
        if (model.Spec.Features != 1 || model.Spec.Outputs != 1)
            throw new GpuRnnInputException($"a recursive forecast needs one feature in and one value out (the model has {model.Spec.Features} → {model.Spec.Outputs})");
        var spec = Checked(model, horizon, history.Length, "values");
        var window = scaler.TransformChecked(history[^spec.TimeSteps..], "the series' last values");
        return Roll(model, window, scaler, horizon, (next, row, _) => row[0] = next);
    }

    /// <summary>
    /// The same with several input columns: each step predicts the target's next value from the last T rows of every
    /// input. The target, where it is an input, is fed its own forecasts; every other input must be given for the rows
    /// after the history in <paramref name="future"/> (a column per such input, matched by header): the forecast at
    /// step k reads the k − 1 rows before it, so a forecast of N steps needs N − 1 of them (none for one step).
    /// </summary>
    public static double[] Recursive(SavedModel model, ModelColumns history, int horizon, IReadOnlyList<Series>? future = null)
    {
        var spec = Checked(model, horizon, history.Length, "rows");
        if (spec.Features != history.Inputs.Count)
            throw new GpuRnnInputException($"the model reads {spec.Features} feature(s) per step but {history.Inputs.Count} input column(s) were given");
        int steps = spec.TimeSteps, features = spec.Features, start = history.Length - steps;
        var window = new float[steps * features];
        var ahead = new float[features][];
        for (int f = 0; f < features; f++)
        {
            var scaler = history.InputScalers[f];
            var input = history.Inputs[f];
            var last = scaler.TransformChecked(input.Values.AsSpan(start), $"{ModelColumns.Describe(input)}, its last {steps} values");
            for (int t = 0; t < steps; t++) window[t * features + f] = last[t];
            if (f != history.TargetInput && horizon > 1)
            {
                var given = FutureOf(input.Name, future, horizon, history);
                ahead[f] = scaler.TransformChecked(given.Values.AsSpan(0, horizon - 1), ModelColumns.Describe(given));
            }
        }
        int target = history.TargetInput;
        var targetScaler = history.TargetScaler;
        var fedBack = target >= 0 ? history.InputScalers[target] : null;
        return Roll(model, window, targetScaler, horizon, (next, row, k) =>
        {
            for (int f = 0; f < features; f++)
                row[f] = f != target ? ahead[f][k]
                    : fedBack == targetScaler ? next : (float)fedBack!.Transform(targetScaler.Inverse(next));
        });
    }

    /// <summary>The inputs a forecast of several steps needs future values of: every input that is not the target.</summary>
    public static IReadOnlyList<string> FutureInputs(ModelColumns columns) =>
        [.. columns.Inputs.Where((_, i) => i != columns.TargetInput).Select(s => s.Name)];

    static Series FutureOf(string name, IReadOnlyList<Series>? future, int horizon, ModelColumns history)
    {
        var given = future?.FirstOrDefault(s => s.Name == name) ?? throw new GpuRnnInputException(
            $"the model reads {string.Join(", ", FutureInputs(history).Select(n => $"'{n}'"))} besides its target '{history.Target.Name}': "
            + $"a forecast of {horizon} steps needs their values for the {horizon - 1} row(s) after the data ('{name}' is not given)");
        if (given.Length < horizon - 1)
            throw new GpuRnnInputException($"{ModelColumns.Describe(given)} has {given.Length} future value(s); a forecast of {horizon} steps needs {horizon - 1}");
        return given;
    }

    static ModelSpec Checked(SavedModel model, int horizon, int length, string what)
    {
        var spec = model.Spec;
        if (spec.Outputs != 1)
            throw new GpuRnnInputException($"a recursive forecast needs one value out (the model has {spec.Features} → {spec.Outputs})");
        if (horizon < 1 || horizon > 1_000_000) throw new GpuRnnInputException($"horizon must be between 1 and 1000000 (got {horizon})");
        if (length < spec.TimeSteps)
            throw new GpuRnnInputException($"the series is too short: a forecast needs the last {spec.TimeSteps} {what}, the series has {length}");
        return spec;
    }

    /// <summary>
    /// The recursion: predict from the window (T rows of F scaled features), then slide it one row and let
    /// <paramref name="nextRow"/> fill the new last row from the prediction and the step just forecast (0-based).
    /// </summary>
    static double[] Roll(SavedModel model, float[] window, MinMaxScaler target, int horizon, Action<float, Span<float>, int> nextRow)
    {
        var spec = model.Spec;
        int steps = spec.TimeSteps, features = spec.Features;
        using var engine = new ScalarEngine<float>(spec);
        engine.SetParameters(model.Parameters);
        var forecast = new double[horizon];
        for (int k = 0; k < horizon; k++)
        {
            float next = engine.Predict(new WindowSet(window, [0f], 1, steps, features, 1))[0];
            forecast[k] = target.Inverse(next);
            Array.Copy(window, features, window, 0, (steps - 1) * features);
            if (k + 1 < horizon) nextRow(next, window.AsSpan((steps - 1) * features), k);
        }
        return forecast;
    }
}
