namespace GpuRnn.Training.Data;

/// <summary>Which part of the series the MinMax scaler is fitted on.</summary>
public enum ScaleFit
{
    /// <summary>The whole series, as the tutorial does (it leaks the test range into the scaling).</summary>
    All,
    /// <summary>Only the training part: the honest choice for a real forecast.</summary>
    Train,
}

/// <summary>How to turn a series into training and test windows.</summary>
public sealed record WindowingOptions(int TimeSteps = 12, int? Stride = null, double SplitFraction = 0.8, ScaleFit ScaleFit = ScaleFit.All)
{
    public int EffectiveStride => Stride ?? TimeSteps;
}

/// <summary>
/// The tutorial's pipeline: scale the series to [0, 1], split it at <c>floor(n · split)</c>, and window each part
/// on its own (no window straddles the split).
/// </summary>
public sealed class ForecastData
{
    ForecastData(Series series, MinMaxScaler scaler, float[] scaled, int split, WindowSet train, WindowSet test, WindowingOptions options)
    {
        Series = series; Scaler = scaler; Scaled = scaled; Split = split; Train = train; Test = test; Options = options;
    }

    public Series Series { get; }
    public MinMaxScaler Scaler { get; }
    public float[] Scaled { get; }
    /// <summary>Number of values in the training part.</summary>
    public int Split { get; }
    public WindowSet Train { get; }
    public WindowSet Test { get; }
    public WindowingOptions Options { get; }

    /// <summary>Where window <paramref name="i"/>'s target sits in the series (of the test part when <paramref name="test"/>).</summary>
    public int TargetIndex(int i, bool test) => (test ? Split : 0) + Options.TimeSteps + i * Options.EffectiveStride;

    public static ForecastData Prepare(Series series, WindowingOptions options, MinMaxScaler? scaler = null)
    {
        if (!(options.SplitFraction > 0 && options.SplitFraction <= 1))
            throw new GpuRnnInputException($"split must be in (0, 1] (got {options.SplitFraction})");
        int n = series.Length;
        int split = (int)Math.Floor(n * options.SplitFraction);
        if (split <= options.TimeSteps)
            throw new GpuRnnInputException(
                $"the series is too short: {n} values give a training part of {split}, which needs more than {options.TimeSteps} (the time steps) to make one window");
        // Both parts' windows are refused together, before the scaled copy of the series or either part is allocated.
        int stride = options.EffectiveStride;
        Windowing.EnsureFits(n, (long)Windowing.Count(split, options.TimeSteps, stride) + Windowing.Count(n - split, options.TimeSteps, stride),
            options.TimeSteps, stride);
        scaler ??= options.ScaleFit == ScaleFit.All
            ? MinMaxScaler.Fit(series.Values)
            : MinMaxScaler.Fit(series.Values.AsSpan(0, split));
        var scaled = scaler.TransformChecked(series.Values, $"{series.Source}, column '{series.Name}'");
        var train = Windowing.Make(scaled.AsSpan(0, split), options.TimeSteps, stride);
        var test = Windowing.Make(scaled.AsSpan(split), options.TimeSteps, stride);
        return new ForecastData(series, scaler, scaled, split, train, test, options);
    }
}
