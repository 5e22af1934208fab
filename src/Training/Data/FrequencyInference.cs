namespace GpuRnn.Training.Data;

/// <summary>
/// Finds the step of a column of dates and where each date falls on it. Calendar steps come first: when every date is
/// on one day of its month (or every one is a month end) at one time of day, the step is the most common number of
/// months between neighbours. Otherwise the step is the most common span between neighbours (the smaller on a tie).
/// Every distance must be a whole number of steps; more than one step is a gap, which the caller fills or refuses.
/// </summary>
static class FrequencyInference
{
    /// <param name="row">How a row is named in a message ("line 7", "row 7").</param>
    /// <param name="where">What the dates are, for messages ("data.csv, column 'Month'").</param>
    /// <returns>The frequency, and each date's number of steps after the first.</returns>
    public static (Frequency Frequency, long[] Positions) Infer(DateTime[] dates, Func<int, string> row, string where)
    {
        GpuRnnInputException At(int i, string text) => new($"{where}: {row(i)}: {DateText.Describe(dates[i])} {text}");
        for (int i = 1; i < dates.Length; i++)
        {
            if (dates[i] == dates[i - 1]) throw At(i, $"repeats the date of {row(i - 1)} (each date must appear once)");
            if (dates[i] < dates[i - 1]) throw At(i, $"comes before {row(i - 1)}'s {DateText.Describe(dates[i - 1])} (the dates must increase)");
        }
        if (dates.Length < 2) throw new GpuRnnInputException($"{where}: one date cannot tell the series' frequency (it needs at least two rows)");

        var calendar = new MonthAnchor(dates);
        if (calendar.Misfit < 0)
            return Steps(dates, [.. dates.Select(d => d.Year * 12L + d.Month - 1)], s => Frequency.EveryMonths((int)s, calendar.Day), s => $"{s} months", At, row);
        var (_, irregular) = Gaps(dates.Select(d => d.Ticks).ToArray());
        if (irregular > 0 && 2 * calendar.Fitting > dates.Length)
            throw At(calendar.Misfit, $"breaks the series' calendar (the other dates fall on {calendar.Describe()})");
        return Steps(dates, [.. dates.Select(d => d.Ticks)], s => Frequency.Every(TimeSpan.FromTicks(s)), s => Frequency.Span(TimeSpan.FromTicks(s)), At, row);
    }

    /// <summary>The step (the most common distance) and each date's position on it; a distance that is not a whole number of steps is refused.</summary>
    static (Frequency, long[]) Steps(DateTime[] dates, long[] units, Func<long, Frequency> make, Func<long, string> describe,
        Func<int, string, GpuRnnInputException> at, Func<int, string> row)
    {
        var (step, irregular) = Gaps(units);
        var frequency = make(step);
        if (irregular > 0)
            throw at(irregular, $"is {describe(units[irregular] - units[irregular - 1])} after {row(irregular - 1)}'s {DateText.Describe(dates[irregular - 1])}, "
                + $"not a whole number of the series' steps ({frequency.Name})");
        return (frequency, [.. units.Select(u => (u - units[0]) / step)]);
    }

    /// <summary>The most common distance between neighbours (the smaller on a tie), and the first row whose distance is not a multiple of it (0 if none).</summary>
    static (long Step, int Irregular) Gaps(long[] units)
    {
        long step = Mode(Enumerable.Range(1, units.Length - 1).Select(i => units[i] - units[i - 1]));
        return (step, Enumerable.Range(1, units.Length - 1).FirstOrDefault(i => (units[i] - units[i - 1]) % step != 0));
    }

    /// <summary>The most common value, the smaller on a tie.</summary>
    static long Mode(IEnumerable<long> values)
    {
        var counts = new Dictionary<long, int>();
        foreach (long v in values) counts[v] = counts.GetValueOrDefault(v) + 1;
        return counts.MaxBy(c => (c.Value, -(decimal)c.Key)).Key;
    }

    /// <summary>Where calendar dates sit in their month: month ends when every date is one, else the most common day; the most common time.</summary>
    sealed class MonthAnchor
    {
        public MonthAnchor(DateTime[] dates)
        {
            Day = dates.All(d => d.Day == DateTime.DaysInMonth(d.Year, d.Month)) ? 31 : (int)Mode(dates.Select(d => (long)d.Day));
            Time = TimeSpan.FromTicks(Mode(dates.Select(d => d.TimeOfDay.Ticks)));
            var fits = dates.Select(d => d.TimeOfDay == Time && d.Day == Math.Min(Day, DateTime.DaysInMonth(d.Year, d.Month))).ToArray();
            Misfit = Array.IndexOf(fits, false);
            Fitting = fits.Count(f => f);
        }

        public int Day { get; }
        public TimeSpan Time { get; }
        /// <summary>The first date off this anchor, or −1.</summary>
        public int Misfit { get; }
        public int Fitting { get; }

        public string Describe() => (Day == 31 ? "the last day of each month" : $"day {Day} of each month")
            + (Time == TimeSpan.Zero ? "" : $" at {DateText.Format(DateTime.MinValue + Time, "HH:mm")}");
    }
}
