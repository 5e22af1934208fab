namespace GpuRnn.Training;

/// <summary>Error measures between predictions and targets.</summary>
public static class Metrics
{
    /// <summary>√(mean((p − a)²)), accumulated in float64.</summary>
    public static double Rmse(ReadOnlySpan<float> predicted, ReadOnlySpan<float> actual)
    {
        if (predicted.Length != actual.Length) throw new ArgumentException("lengths differ");
        if (predicted.IsEmpty) return double.NaN;
        double sum = 0;
        for (int i = 0; i < predicted.Length; i++)
        {
            double e = (double)predicted[i] - actual[i];
            sum += e * e;
        }
        return Math.Sqrt(sum / predicted.Length);
    }

    /// <summary>
    /// RMSE in a series' own units: the errors between scaled predictions and the series' own values (scaled in
    /// float64, not rounded through float32), times the scaler's range. Summing scaled errors keeps the squares
    /// small, so values near 1e300 give a finite, honest figure instead of overflowing to Infinity.
    /// </summary>
    public static double RmseOriginal(ReadOnlySpan<float> predicted, ReadOnlySpan<double> actual, Data.MinMaxScaler scaler)
    {
        if (predicted.Length != actual.Length) throw new ArgumentException("lengths differ");
        if (predicted.IsEmpty) return double.NaN;
        double sum = 0;
        for (int i = 0; i < predicted.Length; i++)
        {
            double e = predicted[i] - scaler.Transform(actual[i]);
            sum += e * e;
        }
        return Math.Sqrt(sum / predicted.Length) * scaler.Range;
    }
}
