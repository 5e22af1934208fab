namespace GpuRnn.Training.Data;

/// <summary>
/// The dates of a series, one per value, evenly spaced at <see cref="Frequency"/> (gaps, where allowed, are filled
/// before the series is made). Read from a CSV column (<see cref="CsvSeriesReader"/>), or made with <see cref="Of"/>.
/// </summary>
public sealed class DateIndex
{
    /// <summary>The most values gap filling may make: beyond it the dates are sparser than their frequency says.</summary>
    public const long MaxFilled = 50_000_000;

    readonly DateTime[] dates;

    DateIndex(string column, GapFill fillGaps, Frequency frequency, string pattern, DateTime[] dates, int filled) =>
        (Column, FillGaps, Frequency, Pattern, this.dates, Filled) = (column, fillGaps, frequency, pattern, dates, filled);

    /// <summary>The header of the column the dates came from.</summary>
    public string Column { get; }
    public GapFill FillGaps { get; }
    public Frequency Frequency { get; }
    /// <summary>How the dates print (<see cref="DateText.PatternFor"/>).</summary>
    public string Pattern { get; }
    /// <summary>How many dates (and values) gap filling added.</summary>
    public int Filled { get; }
    public int Count => dates.Length;
    public DateTime this[int i] => dates[i];
    public IReadOnlyList<DateTime> Dates => dates;

    public string Format(int i) => DateText.Format(dates[i], Pattern);

    /// <summary>What a saved model keeps: the frequency, the pattern, the last date.</summary>
    public DateRecord End => new(Frequency, Pattern, dates[^1]);

    /// <summary>"monthly from 1749-01 to 1983-12", and how many dates were filled.</summary>
    public string Describe() => $"{Frequency.Name} from {Format(0)} to {Format(Count - 1)}"
        + (Filled > 0 ? $", {Filled} missing date{(Filled == 1 ? "" : "s")} filled: {FillGaps.ToString().ToLowerInvariant()}" : "");

    /// <summary>The index of these dates, which must be increasing and evenly spaced with no gaps.</summary>
    public static DateIndex Of(IReadOnlyList<DateTime> dates, string column = "date") =>
        Build(column, [.. dates], GapFill.None, i => $"row {i + 1}", "dates").Index;

    /// <summary>
    /// Infers the frequency, refuses gaps unless <paramref name="fill"/> fills them (naming the row where the first
    /// starts), and returns the full index with each given date's position on it (to fill the values the same way).
    /// </summary>
    internal static (DateIndex Index, long[] Positions) Build(string column, DateTime[] given, GapFill fill, Func<int, string> row, string where)
    {
        var (frequency, positions) = FrequencyInference.Infer(given, row, where);
        string pattern = DateText.PatternFor(frequency, given);
        long total = positions[^1] + 1;
        if (total > given.Length)
        {
            int gap = Enumerable.Range(1, given.Length - 1).First(i => positions[i] - positions[i - 1] > 1);
            string Date(int i) => DateText.Format(given[i], pattern);
            if (fill == GapFill.None)
            {
                long missing = positions[gap] - positions[gap - 1] - 1;
                throw new GpuRnnInputException($"{where}: a gap starts after {row(gap - 1)} ({Date(gap - 1)}): {missing} date{(missing == 1 ? " is" : "s are")} missing "
                    + $"before {row(gap)} ({Date(gap)}; the series is {frequency.Name}) (--fill-gaps previous or linear fills gaps; --date-column none reads no dates)");
            }
            if (total > MaxFilled)
                throw new GpuRnnInputException($"{where}: filling the gaps of {given.Length} {frequency.Name} dates from {Date(0)} to {Date(given.Length - 1)} "
                    + $"would make {total} values, more than the {MaxFilled} allowed");
        }
        var all = new DateTime[total];
        for (long p = 0; p < total; p++) all[p] = frequency.Advance(given[0], p);
        return (new DateIndex(column, fill, frequency, pattern, all, (int)(total - given.Length)), positions);
    }
}
