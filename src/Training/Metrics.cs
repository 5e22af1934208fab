using GpuRnn.Training.Data;

namespace GpuRnn.Training;

/// <summary>The error of one set of predictions against its targets, in one unit: RMSE and MAE.</summary>
public readonly record struct ErrorMeasures(double Rmse, double Mae)
{
    /// <summary>Both measures times <paramref name="factor"/> (a scaler's range: scaled units to the series' own).</summary>
    public ErrorMeasures Times(double factor) => new(Rmse * factor, Mae * factor);
}

/// <summary>One forecaster's error measures on one set of windows, scaled to [0, 1] and in the series' own units.</summary>
public sealed record ForecastErrors(ErrorMeasures Scaled, ErrorMeasures Original);

/// <summary>
/// A model's errors beside those of the naive last-value forecast (each target predicted by the value just before
/// it, the window's last input) on the same windows: the model is worth something where it beats that.
/// </summary>
public sealed record Evaluation(ForecastErrors Model, ForecastErrors Naive, int Windows)
{
    /// <summary>
    /// Evaluates <paramref name="predicted"/> (the model's scaled outputs for <paramref name="windows"/>), whose
    /// targets sit at <paramref name="targets"/>[i] in <paramref name="series"/> (the series' own values; each
    /// window's last input is the value at targets[i] − 1).
    /// </summary>
    public static Evaluation Of(ReadOnlySpan<float> predicted, WindowSet windows, ReadOnlySpan<double> series, ReadOnlySpan<int> targets, MinMaxScaler scaler)
    {
        if (targets.Length != windows.Count) throw new ArgumentException("one target index per window", nameof(targets));
        var actual = new double[targets.Length];
        var previous = new double[targets.Length];
        for (int i = 0; i < targets.Length; i++)
        {
            actual[i] = series[targets[i]];
            previous[i] = series[targets[i] - 1];
        }
        var model = new ForecastErrors(Metrics.Errors(predicted, windows.Y), Metrics.ErrorsOriginal(predicted, actual, scaler));
        // The target's value before each target, scaled as the windows' targets are (with one column, each window's last input;
        // with several input columns the target need not be the first feature, or an input at all).
        var naive = new ForecastErrors(Metrics.Errors(scaler.Transform(previous), windows.Y), Metrics.ErrorsOriginal(previous, actual, scaler));
        return new Evaluation(model, naive, windows.Count);
    }
}

/// <summary>
/// Error measures between predictions and targets, each formula once: RMSE = √(mean(e²)), MAE = mean(|e|), over the
/// errors e = predicted − actual, accumulated in float64; NaN for no predictions.
/// </summary>
public static class Metrics
{
    /// <summary>√(mean((p − a)²)).</summary>
    public static double Rmse(ReadOnlySpan<float> predicted, ReadOnlySpan<float> actual) => Errors(predicted, actual).Rmse;

    /// <summary>mean(|p − a|).</summary>
    public static double Mae(ReadOnlySpan<float> predicted, ReadOnlySpan<float> actual) => Errors(predicted, actual).Mae;

    /// <summary>RMSE and MAE of scaled predictions against scaled targets.</summary>
    public static ErrorMeasures Errors(ReadOnlySpan<float> predicted, ReadOnlySpan<float> actual) => Measure(new Differences(predicted, actual));

    /// <summary>
    /// RMSE in a series' own units: the errors between scaled predictions and the series' own values (scaled in
    /// float64, not rounded through float32), times the scaler's range. Summing scaled errors keeps the squares
    /// small, so values near 1e300 give a finite, honest figure instead of overflowing to Infinity.
    /// </summary>
    public static double RmseOriginal(ReadOnlySpan<float> predicted, ReadOnlySpan<double> actual, MinMaxScaler scaler) =>
        ErrorsOriginal(predicted, actual, scaler).Rmse;

    /// <summary>RMSE and MAE in a series' own units of scaled predictions, as <see cref="RmseOriginal"/> computes them.</summary>
    public static ErrorMeasures ErrorsOriginal(ReadOnlySpan<float> predicted, ReadOnlySpan<double> actual, MinMaxScaler scaler)
    {
        var scaled = new double[predicted.Length];
        for (int i = 0; i < scaled.Length; i++) scaled[i] = predicted[i];
        return Measure(new AgainstSeries(scaled, actual, scaler, predictedScaled: true)).Times(scaler.Range);
    }

    /// <summary>RMSE and MAE of predictions given in the series' own units (e.g. earlier values of the series), computed
    /// as <see cref="RmseOriginal"/> does: scaled in float64, times the scaler's range.</summary>
    public static ErrorMeasures ErrorsOriginal(ReadOnlySpan<double> predicted, ReadOnlySpan<double> actual, MinMaxScaler scaler) =>
        Measure(new AgainstSeries(predicted, actual, scaler, predictedScaled: false)).Times(scaler.Range);

    /// <summary>The naive last-value forecast of each window: its last time step's first feature (the series itself for
    /// one feature), as scaled as the windows are.</summary>
    public static float[] LastInputs(WindowSet windows)
    {
        var last = new float[windows.Count];
        for (int i = 0; i < last.Length; i++) last[i] = windows.Window(i)[(windows.TimeSteps - 1) * windows.Features];
        return last;
    }

    /// <summary>Where the errors come from, so that one loop holds the formulas and no error array is allocated.</summary>
    interface IErrors
    {
        int Count { get; }
        double this[int i] { get; }
    }

    readonly ref struct Differences : IErrors
    {
        readonly ReadOnlySpan<float> predicted, actual;

        public Differences(ReadOnlySpan<float> predicted, ReadOnlySpan<float> actual)
        {
            if (predicted.Length != actual.Length) throw new ArgumentException("lengths differ");
            this.predicted = predicted;
            this.actual = actual;
        }

        public int Count => predicted.Length;
        public double this[int i] => (double)predicted[i] - actual[i];
    }

    readonly ref struct AgainstSeries : IErrors
    {
        readonly ReadOnlySpan<double> predicted, actual;
        readonly MinMaxScaler scaler;
        readonly bool predictedScaled;

        public AgainstSeries(ReadOnlySpan<double> predicted, ReadOnlySpan<double> actual, MinMaxScaler scaler, bool predictedScaled)
        {
            if (predicted.Length != actual.Length) throw new ArgumentException("lengths differ");
            this.predicted = predicted;
            this.actual = actual;
            this.scaler = scaler;
            this.predictedScaled = predictedScaled;
        }

        public int Count => predicted.Length;
        public double this[int i] => (predictedScaled ? predicted[i] : scaler.Transform(predicted[i])) - scaler.Transform(actual[i]);
    }

    static ErrorMeasures Measure<T>(T errors) where T : IErrors, allows ref struct
    {
        int n = errors.Count;
        if (n == 0) return new ErrorMeasures(double.NaN, double.NaN);
        double squares = 0, absolutes = 0;
        for (int i = 0; i < n; i++)
        {
            double e = errors[i];
            squares += e * e;
            absolutes += Math.Abs(e);
        }
        return new ErrorMeasures(Math.Sqrt(squares / n), absolutes / n);
    }
}
