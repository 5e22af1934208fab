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
}
