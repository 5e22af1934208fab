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
        if (timeSteps < 1) throw new GpuRnnInputException($"time steps must be at least 1 (got {timeSteps})");
        if (stride < 1) throw new GpuRnnInputException($"stride must be at least 1 (got {stride})");
        int count = series.Length > timeSteps ? (series.Length - 1 - timeSteps) / stride + 1 : 0;
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
}
