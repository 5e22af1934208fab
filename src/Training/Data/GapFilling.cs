namespace GpuRnn.Training.Data;

/// <summary>What to do where a series skips dates its frequency says it has.</summary>
public enum GapFill
{
    /// <summary>Refuse the series, naming the row where the first gap starts.</summary>
    None,
    /// <summary>Each missing date repeats the last value before it.</summary>
    Previous,
    /// <summary>Missing dates lie on the straight line between the values on either side, by step.</summary>
    Linear,
}

/// <summary>Fills the missing steps of a series read at known step positions.</summary>
public static class GapFilling
{
    /// <summary>
    /// One value per step from the first position to the last: <paramref name="values"/>[i] sits at step
    /// <paramref name="positions"/>[i] (increasing, the first 0), and the steps between are filled as <paramref name="how"/>
    /// says. Linear puts step p of a gap from (a, x) to (b, y) at x + (y − x)·(p − a)/(b − a).
    /// </summary>
    public static double[] Fill(ReadOnlySpan<double> values, ReadOnlySpan<long> positions, GapFill how)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(positions.Length, values.Length, nameof(positions));
        if (values.Length == 0) return [];
        long total = positions[^1] + 1;
        if (total == values.Length) return values.ToArray();
        if (how == GapFill.None) throw new ArgumentException("the series has gaps and no way to fill them was given", nameof(how));
        var filled = new double[total];
        filled[0] = values[0];
        for (int i = 1; i < values.Length; i++)
        {
            long a = positions[i - 1], b = positions[i];
            for (long p = a + 1; p < b; p++)
                filled[p] = how == GapFill.Previous ? values[i - 1] : values[i - 1] + (values[i] - values[i - 1]) * (p - a) / (b - a);
            filled[b] = values[i];
        }
        return filled;
    }
}
