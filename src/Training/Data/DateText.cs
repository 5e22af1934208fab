using System.Globalization;

namespace GpuRnn.Training.Data;

/// <summary>
/// Dates as text, ISO 8601 both ways and culture-invariant. Read: <c>2000-01-31</c>, <c>1749-01</c> (a month, taken
/// as its first day), <c>2000-01-31 13:45</c> or <c>2000-01-31T13:45</c>, with optional <c>:ss</c>, fractions of a
/// second and a trailing <c>Z</c>; a bare year <c>1990</c> only when asked (a column of four-digit numbers is more
/// often numbers). Written: at the precision a series needs (<see cref="PatternFor"/>).
/// </summary>
public static class DateText
{
    /// <summary>The patterns a series' dates are printed with, coarsest first.</summary>
    public const string Year = "yyyy", Month = "yyyy-MM", Day = "yyyy-MM-dd", Minute = "yyyy-MM-dd HH:mm", Second = "yyyy-MM-dd HH:mm:ss.FFFFFFF";

    public static IReadOnlyList<string> Patterns { get; } = [Year, Month, Day, Minute, Second];

    static readonly string[] Formats = [.. new[] { "yyyy-MM", "yyyy-MM-dd" }
        .Concat(from separator in new[] { " ", "'T'" }
                from time in new[] { "HH:mm", "HH:mm:ss", "HH:mm:ss.FFFFFFF" }
                from zone in new[] { "", "'Z'" }
                select $"yyyy-MM-dd{separator}{time}{zone}")];

    /// <summary>A cell as a date; <paramref name="years"/> also takes a bare four-digit year.</summary>
    public static bool TryParse(string cell, bool years, out DateTime value)
    {
        string text = cell.Trim();
        if (years && text.Length == 4 && text.All(char.IsAsciiDigit) && text != "0000")
        {
            value = new DateTime(int.Parse(text, CultureInfo.InvariantCulture), 1, 1);
            return true;
        }
        return DateTime.TryParseExact(text, Formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out value);
    }

    /// <summary>
    /// How a series' dates print: <c>yyyy</c> for yearly steps, <c>yyyy-MM</c> for steps of months (monthly, quarterly),
    /// <c>yyyy-MM-dd</c> otherwise; with <c> HH:mm</c> when the series has times (a step under a day, or a stamp not at
    /// midnight), and <c>:ss</c> (and any fraction) when it has seconds.
    /// </summary>
    public static string PatternFor(Frequency frequency, IEnumerable<DateTime> stamps)
    {
        var steps = frequency.IsCalendar ? TimeSpan.Zero : frequency.Step;
        bool seconds = steps.Ticks % TimeSpan.TicksPerMinute != 0, times = steps.Ticks % TimeSpan.TicksPerDay != 0;
        foreach (var t in stamps)
        {
            seconds |= t.Ticks % TimeSpan.TicksPerMinute != 0;
            times |= t.TimeOfDay != TimeSpan.Zero;
        }
        return seconds ? Second : times ? Minute : !frequency.IsCalendar ? Day : frequency.Months % 12 == 0 ? Year : Month;
    }

    public static string Format(DateTime value, string pattern) => value.ToString(pattern, CultureInfo.InvariantCulture);

    /// <summary>A date in a message: the day, and the time when it is not midnight.</summary>
    public static string Describe(DateTime value) =>
        Format(value, value.Ticks % TimeSpan.TicksPerMinute != 0 ? Second : value.TimeOfDay != TimeSpan.Zero ? Minute : Day);

    /// <summary>
    /// The shortest ISO form that names this instant exactly, for axis ticks: <c>1750</c> at a year's start,
    /// <c>1750-07</c> at a month's, <c>1750-07-14</c>, <c>1750-07-14 06:00</c>.
    /// </summary>
    public static string Shortest(DateTime value) =>
        value.TimeOfDay != TimeSpan.Zero ? Describe(value) : Format(value, value.Day != 1 ? Day : value.Month != 1 ? Month : Year);
}
