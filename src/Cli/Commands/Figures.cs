namespace GpuRnn.Cli.Commands;

/// <summary>
/// How figures are printed: with the significant digits they have, never a fixed number of decimals that turns a
/// small RMSE into 0.000 or a value near 1e9 into 1E+09 on every line. Always culture-invariant.
/// </summary>
static class Figures
{
    /// <summary>An error measure: four significant digits, trailing zeros kept (0.05783, 20.60, 0.0001234, 9.870E+300).</summary>
    public static string Rmse(double value)
    {
        double magnitude = Math.Abs(value);
        if (!double.IsFinite(value) || value == 0) return value.ToString(CultureInfo.InvariantCulture);
        if (magnitude < 1e-6 || magnitude >= 1e15) return value.ToString("0.000E+0", CultureInfo.InvariantCulture);
        int decimals = Math.Max(0, 3 - (int)Math.Floor(Math.Log10(magnitude)));
        return value.ToString("F" + decimals, CultureInfo.InvariantCulture);
    }

    /// <summary>A value as read from the data: exactly, in the shortest text that reads back the same.</summary>
    public static string Exact(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>
    /// A model's value in the series' units, to the digits its float32 scaled prediction resolves: one step of
    /// float32 near 1 is 2⁻²⁴ of the scaler's range, so 1e9 + noise over a range of 1 prints with its decimals.
    /// </summary>
    public static string Predicted(double value, double range)
    {
        double resolution = range * Math.Pow(2, -24);
        int digits = value == 0 || resolution == 0 ? 6 : (int)Math.Ceiling(Math.Log10(Math.Abs(value) / resolution));
        return value.ToString("G" + Math.Clamp(digits, 6, 17), CultureInfo.InvariantCulture);
    }

    public static string Ms(TimeSpan t) => $"{t.TotalMilliseconds.ToString("F1", CultureInfo.InvariantCulture)} ms";
}
