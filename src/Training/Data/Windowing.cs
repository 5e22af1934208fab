using System.Globalization;

namespace GpuRnn.Training.Data;

/// <summary>Cuts a scaled series into (window, next value) pairs.</summary>
public static class Windowing
{
    /// <summary>
    /// Targets at indexes T, T + stride, T + 2·stride, … (below the length); each window is the T values just
    /// before its target. With stride = T this is exactly the tutorial's <c>get_XY</c>: non-overlapping windows,
    /// <c>floor((n − 1) / T)</c> of them.
    /// </summary>
    public static WindowSet Make(ReadOnlySpan<float> series, int timeSteps, int stride)
    {
        int count = Count(series.Length, timeSteps, stride);
        EnsureFits(series.Length, count, timeSteps, stride);
        var x = new float[count * timeSteps];
        var y = new float[count];
        Fill(series, 0, 1, x, count, timeSteps, stride);
        Targets(series, y, timeSteps, stride);
        return new WindowSet(x, y, count, timeSteps, features: 1, outputs: 1);
    }

    /// <summary>
    /// The same windows over rows [<paramref name="start"/>, <paramref name="start"/> + <paramref name="length"/>) of
    /// several columns: step t of a window holds every input's value of that row (F features, in the inputs' order),
    /// and its target is <paramref name="target"/>'s value of the row after the window.
    /// </summary>
    public static WindowSet Make(IReadOnlyList<float[]> inputs, float[] target, int start, int length, int timeSteps, int stride)
    {
        int features = inputs.Count, count = Count(length, timeSteps, stride);
        EnsureFits(length, count, timeSteps, stride, features);
        var x = new float[count * timeSteps * features];
        var y = new float[count];
        for (int f = 0; f < features; f++) Fill(inputs[f].AsSpan(start, length), f, features, x, count, timeSteps, stride);
        Targets(target.AsSpan(start, length), y, timeSteps, stride);
        return new WindowSet(x, y, count, timeSteps, features, outputs: 1);
    }

    /// <summary>Feature <paramref name="feature"/> of every window: window i's steps are the T values before its target.</summary>
    static void Fill(ReadOnlySpan<float> column, int feature, int features, Span<float> x, int count, int timeSteps, int stride)
    {
        for (int i = 0; i < count; i++)
        {
            var steps = column.Slice(i * stride, timeSteps);
            if (features == 1) { steps.CopyTo(x.Slice(i * timeSteps)); continue; }
            for (int t = 0; t < timeSteps; t++) x[(i * timeSteps + t) * features + feature] = steps[t];
        }
    }

    static void Targets(ReadOnlySpan<float> column, Span<float> y, int timeSteps, int stride)
    {
        for (int i = 0; i < y.Length; i++) y[i] = column[timeSteps + i * stride];
    }

    /// <summary>How many windows <see cref="Make(ReadOnlySpan{float}, int, int)"/> cuts from <paramref name="length"/> values.</summary>
    public static int Count(int length, int timeSteps, int stride)
    {
        if (timeSteps < 1) throw new GpuRnnInputException($"time steps must be at least 1 (got {timeSteps})");
        if (stride < 1) throw new GpuRnnInputException($"stride must be at least 1 (got {stride})");
        return length > timeSteps ? (length - 1 - timeSteps) / stride + 1 : 0;
    }

    /// <summary>
    /// Refuses, before anything is allocated, windows whose values (each window holds its own copy of T values, so
    /// overlapping windows multiply the series) exceed what one array can hold or what this machine's memory can take.
    /// </summary>
    public static void EnsureFits(int values, long windows, int timeSteps, int stride, int features = 1)
    {
        long elements = checked(windows * timeSteps * features);
        long bytes = checked((elements + windows) * sizeof(float));
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        string limit = elements > Array.MaxLength ? $"more values than one array holds ({Array.MaxLength})"
            : bytes > available ? $"more than the {Gigabytes(available)} of memory available"
            : "";
        if (limit.Length == 0) return;
        throw new GpuRnnInputException(string.Create(CultureInfo.InvariantCulture,
            $"{values} values make {windows} windows of {timeSteps} steps{(features == 1 ? "" : $" × {features} features")} (stride {stride}), which would need {Gigabytes(bytes)} for the windows; "
            + $"that is {limit} (a larger --stride or fewer --time-steps make fewer or smaller windows)"));
    }

    static string Gigabytes(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e9:F1} GB");
}
