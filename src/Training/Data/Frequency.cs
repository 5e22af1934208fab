using System.Globalization;
using System.Text.RegularExpressions;

namespace GpuRnn.Training.Data;

/// <summary>
/// The step between a series' dates. Either calendar months (<see cref="Months"/>: 1 monthly, 3 quarterly, 12 yearly),
/// each date on <see cref="DayOfMonth"/> of its month (clamped to the month's length, so 31 means month ends), or a
/// fixed span (<see cref="Step"/>: a day, a week, an hour, 15 minutes). <see cref="Infer"/> finds it from the dates.
/// </summary>
public sealed partial record Frequency
{
    Frequency(int months, int dayOfMonth, TimeSpan step) => (Months, DayOfMonth, Step) = (months, dayOfMonth, step);

    /// <summary>Calendar months per step; 0 for a fixed step.</summary>
    public int Months { get; }
    /// <summary>For calendar steps, the day each date falls on (1–31, clamped to the month's length); 0 otherwise.</summary>
    public int DayOfMonth { get; }
    /// <summary>For fixed steps, the span between dates; zero for calendar steps.</summary>
    public TimeSpan Step { get; }

    public bool IsCalendar => Months > 0;

    public static Frequency EveryMonths(int months, int dayOfMonth = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(months, 1);
        ArgumentOutOfRangeException.ThrowIfNotEqual(dayOfMonth is >= 1 and <= 31, true, nameof(dayOfMonth));
        return new(months, dayOfMonth, TimeSpan.Zero);
    }

    public static Frequency Every(TimeSpan step)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(step, TimeSpan.Zero);
        return new(0, 0, step);
    }

    public static Frequency Daily { get; } = Every(TimeSpan.FromDays(1));
    public static Frequency Weekly { get; } = Every(TimeSpan.FromDays(7));
    public static Frequency Hourly { get; } = Every(TimeSpan.FromHours(1));
    public static Frequency Monthly { get; } = EveryMonths(1);
    public static Frequency Quarterly { get; } = EveryMonths(3);
    public static Frequency Yearly { get; } = EveryMonths(12);

    /// <summary>The frequency of increasing, evenly spaced dates (gaps allowed); duplicated, unordered or irregular ones are refused with their row.</summary>
    public static Frequency Infer(IReadOnlyList<DateTime> dates) =>
        FrequencyInference.Infer([.. dates], i => $"row {i + 1}", "dates").Frequency;

    /// <summary>The date <paramref name="steps"/> steps after <paramref name="from"/> (before it when negative); calendar
    /// steps keep the time of day and land on <see cref="DayOfMonth"/>.</summary>
    public DateTime Advance(DateTime from, long steps)
    {
        try
        {
            if (!IsCalendar) return from.AddTicks(checked(Step.Ticks * steps));
            long month = checked(from.Year * 12L + from.Month - 1 + steps * Months);
            int year = (int)Math.Min(Math.Max(month / 12, 0), 10_000), m = (int)(month % 12) + 1;
            return new DateTime(year, m, Math.Min(DayOfMonth, DateTime.DaysInMonth(year, m))) + from.TimeOfDay;
        }
        catch (Exception e) when (e is ArgumentException or OverflowException)
        {
            throw new GpuRnnInputException($"{steps} {Name} steps from {DateText.Describe(from)} fall outside the years 1 to 9999", e);
        }
    }

    /// <summary>In words: daily, weekly, monthly, quarterly, yearly, hourly, every 15 minutes, every 2 months…</summary>
    public string Name => IsCalendar
        ? Months switch { 1 => "monthly", 3 => "quarterly", 12 => "yearly", _ when Months % 12 == 0 => $"every {Months / 12} years", _ => $"every {Months} months" }
        : Step == TimeSpan.FromDays(1) ? "daily" : Step == TimeSpan.FromDays(7) ? "weekly" : Step == TimeSpan.FromHours(1) ? "hourly" : "every " + Span(Step);

    public override string ToString() => Name;

    /// <summary>A span in the largest unit that divides it: "2 weeks", "36 hours", "15 minutes", "0.5 seconds".</summary>
    public static string Span(TimeSpan span)
    {
        foreach (var (unit, name) in new[] { (TimeSpan.FromDays(7), "week"), (TimeSpan.FromDays(1), "day"), (TimeSpan.FromHours(1), "hour"), (TimeSpan.FromMinutes(1), "minute") })
            if (span.Ticks % unit.Ticks == 0) return Count(span.Ticks / unit.Ticks, name);
        return span.TotalSeconds.ToString(CultureInfo.InvariantCulture) + (span == TimeSpan.FromSeconds(1) ? " second" : " seconds");
    }

    static string Count(long n, string unit) => n == 1 ? $"1 {unit}" : $"{n} {unit}s";

    /// <summary>As an ISO 8601 duration: P1M, P3M, P1Y, P1D, P7D, PT1H, PT15M, PT0.5S.</summary>
    public string ToIso()
    {
        if (IsCalendar) return Months % 12 == 0 ? $"P{Months / 12}Y" : $"P{Months}M";
        if (Step.Ticks % TimeSpan.TicksPerDay == 0) return $"P{Step.Ticks / TimeSpan.TicksPerDay}D";
        var s = Step - TimeSpan.FromDays(Step.Days);
        return "P" + (Step.Days > 0 ? $"{Step.Days}D" : "") + "T" + (s.Hours > 0 ? $"{s.Hours}H" : "") + (s.Minutes > 0 ? $"{s.Minutes}M" : "")
            + (s.Ticks % TimeSpan.TicksPerMinute != 0 ? (s.Ticks % TimeSpan.TicksPerMinute / (double)TimeSpan.TicksPerSecond).ToString(CultureInfo.InvariantCulture) + "S" : "");
    }

    /// <summary>Reads <see cref="ToIso"/>'s text back: years and months make a calendar step (no days or times beside them).</summary>
    public static bool TryParseIso(string text, int dayOfMonth, out Frequency? frequency)
    {
        frequency = null;
        var m = IsoDuration().Match(text);
        if (!m.Success || text == "P" || text.EndsWith('T')) return false;
        long Part(string name) => m.Groups[name].Success ? long.Parse(m.Groups[name].Value, CultureInfo.InvariantCulture) : 0;
        long months = Part("y") * 12 + Part("mo");
        double seconds = m.Groups["s"].Success ? double.Parse(m.Groups["s"].Value, CultureInfo.InvariantCulture) : 0;
        double ticks = (((Part("w") * 7 + Part("d")) * 24.0 + Part("h")) * 60 + Part("mi")) * TimeSpan.TicksPerMinute + seconds * TimeSpan.TicksPerSecond;
        if (months > 0 && ticks == 0 && months <= 12 * 9999 && dayOfMonth is >= 1 and <= 31) frequency = EveryMonths((int)months, dayOfMonth);
        else if (months == 0 && ticks >= 1 && ticks <= TimeSpan.FromDays(9999 * 366).Ticks) frequency = Every(TimeSpan.FromTicks((long)Math.Round(ticks)));
        return frequency is not null;
    }

    [GeneratedRegex(@"^P(?:(?<y>\d{1,5})Y)?(?:(?<mo>\d{1,6})M)?(?:(?<w>\d{1,6})W)?(?:(?<d>\d{1,7})D)?(?:T(?:(?<h>\d{1,8})H)?(?:(?<mi>\d{1,10})M)?(?:(?<s>\d{1,12}(?:\.\d{1,7})?)S)?)?$")]
    private static partial Regex IsoDuration();
}
