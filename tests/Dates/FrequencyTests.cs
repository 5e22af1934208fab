namespace GpuRnn.Tests.Dates;

/// <summary>Frequency inference on series whose step is known, and the refusals of dates that have none.</summary>
public sealed class FrequencyTests
{
    static DateTime[] Make(int count, Func<int, DateTime> date) => [.. Enumerable.Range(0, count).Select(date)];

    static DateTime MonthEnd(int year, int month) => new(year, month, DateTime.DaysInMonth(year, month));

    public static TheoryData<string> Kinds => ["daily", "daily at 09:30", "weekly", "monthly", "month ends", "quarterly", "quarter ends", "yearly", "hourly", "15 minutes", "every 2 months"];

    /// <summary>The series of each kind, built with DateTime's own arithmetic, and the answer it must give.</summary>
    static (DateTime[] Dates, Frequency Expected, string Name, string Iso) Case(string kind) => kind switch
    {
        "daily" => (Make(70, i => new DateTime(2000, 2, 1).AddDays(i)), Frequency.Daily, "daily", "P1D"),
        "daily at 09:30" => (Make(10, i => new DateTime(2000, 2, 27, 9, 30, 0).AddDays(i)), Frequency.Daily, "daily", "P1D"),
        "weekly" => (Make(60, i => new DateTime(2000, 1, 3).AddDays(7 * i)), Frequency.Weekly, "weekly", "P7D"),
        "monthly" => (Make(30, i => new DateTime(1749, 1, 1).AddMonths(i)), Frequency.Monthly, "monthly", "P1M"),
        "month ends" => (Make(30, i => MonthEnd(1999 + (i + 10) / 12, (i + 10) % 12 + 1)), Frequency.EveryMonths(1, 31), "monthly", "P1M"),
        "quarterly" => (Make(12, i => new DateTime(1999, 10, 1).AddMonths(3 * i)), Frequency.Quarterly, "quarterly", "P3M"),
        "quarter ends" => (Make(12, i => MonthEnd(2000 + i / 4, 3 * (i % 4) + 3)), Frequency.EveryMonths(3, 31), "quarterly", "P3M"),
        "yearly" => (Make(20, i => new DateTime(1950 + i, 1, 1)), Frequency.Yearly, "yearly", "P1Y"),
        "hourly" => (Make(60, i => new DateTime(2000, 2, 28, 22, 0, 0).AddHours(i)), Frequency.Hourly, "hourly", "PT1H"),
        "15 minutes" => (Make(200, i => new DateTime(2000, 3, 31, 20, 0, 0).AddMinutes(15 * i)), Frequency.Every(TimeSpan.FromMinutes(15)), "every 15 minutes", "PT15M"),
        "every 2 months" => (Make(9, i => new DateTime(2000, 1, 15).AddMonths(2 * i)), Frequency.EveryMonths(2, 15), "every 2 months", "P2M"),
        _ => throw new ArgumentException(kind),
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Inference_finds_the_known_step(string kind)
    {
        var (dates, expected, name, iso) = Case(kind);
        var found = Frequency.Infer(dates);
        Assert.Equal(expected, found);
        Assert.Equal(name, found.Name);
        Assert.Equal(iso, found.ToIso());
        Assert.True(Frequency.TryParseIso(iso, expected.IsCalendar ? expected.DayOfMonth : 1, out var back));
        Assert.Equal(expected, back);
        // The index built on them holds the same dates: stepping from the first lands on every one.
        Assert.Equal(dates, DateIndex.Of(dates).Dates);
    }

    [Theory]
    [InlineData("PT0.5S", 5_000_000L)]
    [InlineData("P1DT12H", 36 * TimeSpan.TicksPerHour)]
    [InlineData("P2W", 14 * TimeSpan.TicksPerDay)]
    public void Iso_durations_of_fixed_steps_read_back(string iso, long ticks)
    {
        Assert.True(Frequency.TryParseIso(iso, 1, out var f));
        Assert.Equal(TimeSpan.FromTicks(ticks), f!.Step);
        Assert.True(Frequency.TryParseIso(f.ToIso(), 1, out var again));
        Assert.Equal(f, again);
    }

    [Theory]
    [InlineData("P")]
    [InlineData("PT")]
    [InlineData("1M")]
    [InlineData("P1M1D")]
    [InlineData("P0D")]
    [InlineData("monthly")]
    public void Other_durations_are_not_frequencies(string iso) => Assert.False(Frequency.TryParseIso(iso, 1, out _));

    static string Refusal(params DateTime[] dates) => Assert.Throws<GpuRnnInputException>(() => Frequency.Infer(dates)).Message;

    static DateTime D(int month, int day, int hour = 0) => new(2000, month, day, hour, 0, 0);

    [Fact]
    public void A_repeated_date_is_refused_with_its_row() =>
        Assert.Equal("dates: row 3: 2000-01-02 repeats the date of row 2 (each date must appear once)", Refusal(D(1, 1), D(1, 2), D(1, 2), D(1, 3)));

    [Fact]
    public void A_date_out_of_order_is_refused_with_its_row() =>
        Assert.Equal("dates: row 3: 2000-01-01 comes before row 2's 2000-01-05 (the dates must increase)", Refusal(D(1, 4), D(1, 5), D(1, 1)));

    [Fact]
    public void A_date_off_the_step_is_refused_with_its_row() =>
        Assert.Equal("dates: row 6: 2000-01-06 12:00 is 36 hours after row 5's 2000-01-05, not a whole number of the series' steps (daily)",
            Refusal(D(1, 1), D(1, 2), D(1, 3), D(1, 4), D(1, 5), D(1, 6, 12), D(1, 7), D(1, 8)));

    [Fact]
    public void A_date_off_the_calendar_is_refused_with_its_row() =>
        Assert.Equal("dates: row 4: 2000-04-15 breaks the series' calendar (the other dates fall on day 1 of each month)",
            Refusal(D(1, 1), D(2, 1), D(3, 1), D(4, 15), D(5, 1), D(6, 1)));

    [Fact]
    public void A_distance_of_months_off_the_step_is_refused_with_its_row() =>
        Assert.Equal("dates: row 4: 2000-08-01 is 3 months after row 3's 2000-05-01, not a whole number of the series' steps (every 2 months)",
            Refusal(D(1, 1), D(3, 1), D(5, 1), D(8, 1), D(10, 1), D(12, 1)));

    [Fact]
    public void One_date_tells_no_frequency() => Assert.Contains("at least two rows", Refusal(D(1, 1)));

    [Fact]
    public void Gaps_are_refused_by_an_index_that_cannot_fill_them() =>
        Assert.Equal("dates: a gap starts after row 2 (2000-01-02): 2 dates are missing before row 3 (2000-01-05; the series is daily) "
            + "(--fill-gaps previous or linear fills gaps; --date-column none reads no dates)",
            Assert.Throws<GpuRnnInputException>(() => DateIndex.Of([D(1, 1), D(1, 2), D(1, 5), D(1, 6)])).Message);
}
