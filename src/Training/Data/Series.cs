namespace GpuRnn.Training.Data;

/// <summary>A univariate time series read from one CSV column, in its original units.</summary>
/// <param name="Name">The column's header.</param>
/// <param name="Source">Where it came from (a path, or the embedded dataset's name).</param>
public sealed record Series(string Name, string Source, double[] Values)
{
    public int Length => Values.Length;
}
