namespace GpuRnn.Training.Data;

/// <summary>scikit-learn's MinMaxScaler with feature_range (0, 1): x' = (x − min) / (max − min).</summary>
public sealed record MinMaxScaler(double Min, double Max)
{
    /// <summary>How many of a series' distinct values may merge when scaled to float32 before the series is refused.</summary>
    public const double MaxMergedFraction = 0.01;

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

    /// <summary>
    /// <see cref="Transform(ReadOnlySpan{double})"/>, refusing a series that float32 scaling would flatten: a range
    /// float64 cannot hold, or more than <see cref="MaxMergedFraction"/> of the distinct values merging into runs
    /// that all scale to one float32 while spanning a material difference (more than 1e-5 of the spread of the bulk
    /// of the distinct values, their 5th to 95th percentile). One 1e300 among values near 100 maps them all to 0, and the model would learn
    /// nothing while RMSE said 0. Neighbours closer than that (millions of values packed densely) merge harmlessly,
    /// and a constant series has one distinct value and loses none.
    /// </summary>
    public float[] TransformChecked(ReadOnlySpan<double> values, string what)
    {
        if (!double.IsFinite(Range))
            throw new GpuRnnInputException($"{what}: the values span {Min:G6} … {Max:G6}, a range float64 cannot hold; rescale the column");
        var scaled = Transform(values);
        var distinct = new HashSet<double>(values.Length);
        foreach (var v in values) distinct.Add(v);
        if (distinct.Count < 2) return scaled;
        var sorted = distinct.ToArray();
        Array.Sort(sorted);
        double bulk = sorted[(int)(0.95 * (sorted.Length - 1))] - sorted[(int)(0.05 * (sorted.Length - 1))];
        double material = 1e-5 * (bulk > 0 ? bulk : Range);
        int merged = 0, runStart = 0; // a run: neighbours that all scale to one float32
        for (int i = 1; i <= sorted.Length; i++)
        {
            if (i < sorted.Length && (float)Transform(sorted[i]) == (float)Transform(sorted[runStart])) continue;
            if (sorted[i - 1] - sorted[runStart] > material) merged += i - 1 - runStart;
            runStart = i;
        }
        if (merged > MaxMergedFraction * sorted.Length)
            throw new GpuRnnInputException($"{what}: scaling to [0, 1] in float32 merges {merged} of its {sorted.Length} distinct values with a neighbour "
                + $"(the range {Min:G6} … {Max:G6} is too wide for the differences between them; an outlier?); remove outliers or rescale the column");
        return scaled;
    }
}
