namespace GpuRnn.Tests;

/// <summary>
/// The one closeness check for comparing an engine's numbers with the scalar engine's: |a − b| ≤ tolerance ·
/// (|b| + max|b|) + floor, relative for large entries and relative to the vector's scale near zero (a gradient
/// entry of 1e-9 beside entries of 1 is compared at the scale of 1).
/// </summary>
public static class Close
{
    public static void Assert(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double tolerance, string what, double floor = 0)
    {
        double[] e = new double[expected.Length], a = new double[actual.Length];
        for (int i = 0; i < e.Length; i++) e[i] = expected[i];
        for (int i = 0; i < a.Length; i++) a[i] = actual[i];
        Assert(e, a, tolerance, what, floor);
    }

    public static void Assert(double[] expected, double[] actual, double tolerance, string what, double floor = 0)
    {
        Xunit.Assert.Equal(expected.Length, actual.Length);
        double scale = expected.Length == 0 ? 0 : expected.Max(Math.Abs);
        for (int i = 0; i < expected.Length; i++)
        {
            double bound = tolerance * (Math.Abs(expected[i]) + scale) + floor + double.Epsilon;
            if (!(Math.Abs(expected[i] - actual[i]) <= bound))
                Xunit.Assert.Fail($"{what} [{i}]: expected {expected[i]:R}, got {actual[i]:R} (bound {bound:G3})");
        }
    }
}
