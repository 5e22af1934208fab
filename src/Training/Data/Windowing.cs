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
        for (int i = 0; i < count; i++)
        {
            int target = timeSteps + i * stride;
            series.Slice(target - timeSteps, timeSteps).CopyTo(x.AsSpan(i * timeSteps));
            y[i] = series[target];
        }
        return new WindowSet(x, y, count, timeSteps, features: 1, outputs: 1);
    }

    /// <summary>How many windows <see cref="Make"/> cuts from <paramref name="length"/> values.</summary>
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
    public static void EnsureFits(int values, long windows, int timeSteps, int stride)
    {
        long elements = checked(windows * timeSteps);
        long bytes = checked((elements + windows) * sizeof(float));
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        string limit = elements > Array.MaxLength ? $"more values than one array holds ({Array.MaxLength})"
            : bytes > available ? $"more than the {Gigabytes(available)} of memory available"
            : "";
        if (limit.Length == 0) return;
        throw new GpuRnnInputException(string.Create(CultureInfo.InvariantCulture,
            $"{values} values make {windows} windows of {timeSteps} steps (stride {stride}), which would need {Gigabytes(bytes)} for the windows; "
            + $"that is {limit} (a larger --stride or fewer --time-steps make fewer or smaller windows)"));
    }

    static string Gigabytes(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e9:F1} GB");
}
