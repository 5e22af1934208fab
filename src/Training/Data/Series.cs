namespace GpuRnn.Training.Data;

/// <summary>A univariate time series read from one CSV column, in its original units, with its dates when it has them.</summary>
/// <param name="Name">The column's header.</param>
/// <param name="Source">Where it came from (a path, or the embedded dataset's name).</param>
public sealed record Series(string Name, string Source, double[] Values)
{
    public int Length => Values.Length;

    /// <summary>The date of each value (as many as <see cref="Values"/>), or null for a series without dates.</summary>
    public DateIndex? Dates { get; init; }
}
