namespace GpuRnn.Tests.Dates;

/// <summary>Dates as written in a CSV, as printed per frequency (ISO 8601), and continued past the end of a series.</summary>
public sealed class DateFormatTests
{
    /// <summary>A two-column CSV of these date cells read with the dates found by themselves (or named when <paramref name="column"/>).</summary>
    static DateIndex Read(string column, params string[] cells) =>
        CsvSeriesReader.ReadText("When,Value\n" + string.Concat(cells.Select((c, i) => $"{c},{i}\n")), "Value", "t.csv", new DateOptions(column)).Dates!;

    [Theory]
    [InlineData(null, "2000-01-31", "2000-02-01", "2000-02-02", "daily", "2000-01-31")]
    [InlineData(null, "2000-01-03", "2000-01-10", "2000-01-17", "weekly", "2000-01-03")]
    [InlineData(null, "1749-01", "1749-02", "1749-03", "monthly", "1749-01")]
    [InlineData(null, "1749-01-01 00:00", "1749-02-01 00:00", "1749-03-01 00:00", "monthly", "1749-01")]
    [InlineData(null, "2000-01-31", "2000-02-29", "2000-03-31", "monthly", "2000-01")]
    [InlineData(null, "2000-03-31", "2000-06-30", "2000-09-30", "quarterly", "2000-03")]
    [InlineData("When", "1990", "1991", "1992", "yearly", "1990")]
    [InlineData(null, "1990-01", "1991-01", "1992-01", "yearly", "1990")]
    [InlineData(null, "2000-01-31T13:00", "2000-01-31T14:00", "2000-01-31T15:00", "hourly", "2000-01-31 13:00")]
    [InlineData(null, "2000-01-31 13:45", "2000-01-31 14:00", "2000-01-31 14:15", "every 15 minutes", "2000-01-31 13:45")]
    [InlineData(null, "2000-01-31T09:30:00Z", "2000-02-01T09:30:00Z", "2000-02-02T09:30:00Z", "daily", "2000-01-31 09:30")]
    [InlineData(null, "2000-01-01 00:00:00", "2000-01-01 00:00:30", "2000-01-01 00:01:00", "every 30 seconds", "2000-01-01 00:00:00")]
    [InlineData(null, "2000-01-01 00:00:00.5", "2000-01-01 00:00:01", "2000-01-01 00:00:01.5", "every 0.5 seconds", "2000-01-01 00:00:00.5")]
    public void Each_frequency_prints_in_iso_8601_at_its_precision(string? column, string a, string b, string c, string frequency, string first)
    {
        var dates = Read(column!, a, b, c);
        Assert.Equal(frequency, dates.Frequency.Name);
        Assert.Equal(first, dates.Format(0));
    }

    [Fact]
    public void Seconds_print_only_where_the_series_has_them()
    {
        var dates = Read(null!, "2000-01-01 00:00:00", "2000-01-01 00:00:30", "2000-01-01 00:01:00");
        Assert.Equal(["2000-01-01 00:00:00", "2000-01-01 00:00:30", "2000-01-01 00:01:00"], Enumerable.Range(0, 3).Select(dates.Format));
    }

    [Fact]
    public void A_bare_year_is_a_date_only_when_the_column_is_named()
    {
        var numbers = CsvSeriesReader.ReadText("Year,Value\n1990,1\n1991,2\n1992,3\n", "Value", "t.csv");
        Assert.Null(numbers.Dates);
        Assert.Equal("yearly", CsvSeriesReader.ReadText("Year,Value\n1990,1\n1991,2\n1992,3\n", "Value", "t.csv", new DateOptions("Year")).Dates!.Frequency.Name);
    }

    [Fact]
    public void The_sunspots_are_monthly_from_1749_01_to_1983_12()
    {
        var dates = SunspotsDataset.Load().Dates!;
        Assert.Equal(Frequency.Monthly, dates.Frequency);
        Assert.Equal(2820, dates.Count);
        Assert.Equal("1749-01", dates.Format(0));
        Assert.Equal("1983-12", dates.Format(2819));
        Assert.Equal("Month", dates.Column);
        Assert.Null(SunspotsDataset.Load(CsvSeriesReader.DefaultColumn, DateOptions.None).Dates);
    }

    static string[] Next(Frequency frequency, string pattern, DateTime last, int count) =>
        [.. new DateRecord(frequency, pattern, last).Continue(count).Select(d => DateText.Format(d, pattern))];

    [Fact]
    public void A_forecast_continues_the_calendar()
    {
        Assert.Equal(["2000-12", "2001-01", "2001-02"], Next(Frequency.Monthly, DateText.Month, new DateTime(2000, 11, 1), 3));
        Assert.Equal(["2000-02-29", "2000-03-31", "2000-04-30"], Next(Frequency.EveryMonths(1, 31), DateText.Day, new DateTime(2000, 1, 31), 3));
        Assert.Equal(["2001-02", "2001-05"], Next(Frequency.Quarterly, DateText.Month, new DateTime(2000, 11, 1), 2));
        Assert.Equal(["2000", "2001"], Next(Frequency.Yearly, DateText.Year, new DateTime(1999, 1, 1), 2));
        Assert.Equal(["2000-02-29", "2000-03-01"], Next(Frequency.Daily, DateText.Day, new DateTime(2000, 2, 28), 2));
        Assert.Equal(["2000-12-31 23:45", "2001-01-01 00:00"], Next(Frequency.Every(TimeSpan.FromMinutes(15)), DateText.Minute, new DateTime(2000, 12, 31, 23, 30, 0), 2));
        Assert.Equal(["1983-10", "1983-11", "1983-12"],
            new DateRecord(Frequency.Monthly, DateText.Month, new DateTime(1983, 12, 1)).Ending(3).Select(d => DateText.Format(d, DateText.Month)));
    }

    [Fact]
    public void A_calendar_past_year_9999_is_refused() =>
        Assert.Contains("outside the years 1 to 9999", Assert.Throws<GpuRnnInputException>(() => Next(Frequency.Yearly, DateText.Year, new DateTime(9998, 1, 1), 3)).Message);
}
