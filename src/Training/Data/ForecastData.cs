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
/// The tutorial's pipeline: scale each column to [0, 1] with its own scaler, split the rows at <c>floor(n · split)</c>,
/// and window each part on its own (no window straddles the split). One column is the tutorial; several input columns
/// give windows of several features, whose targets are the target column's next values.
/// </summary>
public sealed class ForecastData
{
    ForecastData(ModelColumns columns, int split, WindowSet train, WindowSet test, WindowingOptions options)
    {
        Columns = columns; Split = split; Train = train; Test = test; Options = options;
    }

    /// <summary>The input columns and the target, with the scaler of each.</summary>
    public ModelColumns Columns { get; }
    /// <summary>The target column: the series whose next value the model predicts.</summary>
    public Series Series => Columns.Target;
    /// <summary>The target column's scaler.</summary>
    public MinMaxScaler Scaler => Columns.TargetScaler;
    /// <summary>The target column, scaled.</summary>
    public float[] Scaled => Columns.ScaledTarget();
    /// <summary>Number of values in the training part.</summary>
    public int Split { get; }
    public WindowSet Train { get; }
    public WindowSet Test { get; }
    public WindowingOptions Options { get; }

    /// <summary>Where window <paramref name="i"/>'s target sits in the series (of the test part when <paramref name="test"/>).</summary>
    public int TargetIndex(int i, bool test) => (test ? Split : 0) + Options.TimeSteps + i * Options.EffectiveStride;

    /// <summary>One column, the model's only input and its target (the tutorial); scaled by <paramref name="scaler"/> when given.</summary>
    public static ForecastData Prepare(Series series, WindowingOptions options, MinMaxScaler? scaler = null) =>
        Prepare([series], series, options, scaler is null ? null : ModelColumns.Of(series, scaler));

    /// <summary>Several input columns (one feature each, in this order) and the target column, which may be one of them.</summary>
    public static ForecastData Prepare(IReadOnlyList<Series> inputs, Series target, WindowingOptions options) => Prepare(inputs, target, options, null);

    static ForecastData Prepare(IReadOnlyList<Series> inputs, Series target, WindowingOptions options, ModelColumns? scaled)
    {
        if (!(options.SplitFraction > 0 && options.SplitFraction <= 1))
            throw new GpuRnnInputException($"split must be in (0, 1] (got {options.SplitFraction})");
        int n = target.Length;
        int split = (int)Math.Floor(n * options.SplitFraction);
        if (split <= options.TimeSteps)
            throw new GpuRnnInputException(
                $"the series is too short: {n} values give a training part of {split}, which needs more than {options.TimeSteps} (the time steps) to make one window");
        // Both parts' windows are refused together, before the scaled copies of the columns or either part are allocated.
        int stride = options.EffectiveStride;
        Windowing.EnsureFits(n, (long)Windowing.Count(split, options.TimeSteps, stride) + Windowing.Count(n - split, options.TimeSteps, stride),
            options.TimeSteps, stride, inputs.Count);
        var columns = scaled ?? ModelColumns.Fit(inputs, target, options.ScaleFit == ScaleFit.All ? n : split);
        var train = columns.Windows(0, split, options.TimeSteps, stride);
        var test = columns.Windows(split, n - split, options.TimeSteps, stride);
        return new ForecastData(columns, split, train, test, options);
    }
}
