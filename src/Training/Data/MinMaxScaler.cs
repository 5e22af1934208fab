namespace GpuRnn.Training.Data;

/// <summary>scikit-learn's MinMaxScaler with feature_range (0, 1): x' = (x − min) / (max − min).</summary>
public sealed record MinMaxScaler(double Min, double Max)
{
    public static MinMaxScaler Fit(ReadOnlySpan<double> values)
    {
        if (values.IsEmpty) throw new GpuRnnInputException("cannot fit a scaler on an empty series");
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var v in values) { min = Math.Min(min, v); max = Math.Max(max, v); }
        return new MinMaxScaler(min, max);
    }

    /// <summary>scikit-learn treats a constant series' range as 1, so it maps to 0 rather than dividing by zero.</summary>
    public double Range => Max - Min == 0 ? 1 : Max - Min;

    public double Transform(double x) => (x - Min) / Range;

    public double Inverse(double scaled) => scaled * Range + Min;

    public float[] Transform(ReadOnlySpan<double> values)
    {
        var result = new float[values.Length];
        for (int i = 0; i < values.Length; i++) result[i] = (float)Transform(values[i]);
        return result;
    }
}
