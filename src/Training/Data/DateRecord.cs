namespace GpuRnn.Training.Data;

/// <summary>
/// What a saved model keeps of its series' dates: the frequency, how the dates print (<see cref="DateText.Patterns"/>)
/// and the last date, which is enough to date a forecast past the end of the series without reading it again.
/// </summary>
public sealed record DateRecord(Frequency Frequency, string Pattern, DateTime Last)
{
    public string Format(DateTime value) => DateText.Format(value, Pattern);

    /// <summary>The <paramref name="count"/> dates after <see cref="Last"/>, continuing the calendar.</summary>
    public DateTime[] Continue(int count) => Steps(1, count);

    /// <summary>The <paramref name="count"/> dates that end at <see cref="Last"/> (the history a forecast follows).</summary>
    public DateTime[] Ending(int count) => Steps(1 - count, count);

    DateTime[] Steps(long first, int count)
    {
        var dates = new DateTime[count];
        for (int k = 0; k < count; k++) dates[k] = Frequency.Advance(Last, first + k);
        return dates;
    }
}
