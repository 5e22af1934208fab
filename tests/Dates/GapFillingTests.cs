namespace GpuRnn.Tests.Dates;

/// <summary>Missing dates: refused by default with the row where the gap starts, filled by previous or linear (values worked out by hand).</summary>
public sealed class GapFillingTests
{
    const string Daily = "Date,Value\n2000-01-01,1\n2000-01-02,2\n2000-01-05,8\n2000-01-06,10\n";

    static Series Read(string csv, GapFill fill) => CsvSeriesReader.ReadText(csv, "Value", "t.csv", new DateOptions(null, fill));

    [Fact]
    public void A_gap_is_refused_by_default_naming_the_row_where_it_starts()
    {
        var e = Assert.Throws<GpuRnnInputException>(() => Read(Daily, GapFill.None));
        Assert.Equal("t.csv, column 'Date': a gap starts after line 3 (2000-01-02): 2 dates are missing before line 4 (2000-01-05; the series is daily) "
            + "(--fill-gaps previous or linear fills gaps; --date-column none reads no dates)", e.Message);
        Assert.Equal([1.0, 2, 8, 10], CsvSeriesReader.ReadText(Daily, "Value", "t.csv", DateOptions.None).Values);
    }

    [Fact]
    public void Previous_repeats_the_last_value_before_the_gap()
    {
        var series = Read(Daily, GapFill.Previous);
        Assert.Equal([1.0, 2, 2, 2, 8, 10], series.Values);
        Assert.Equal(["2000-01-01", "2000-01-02", "2000-01-03", "2000-01-04", "2000-01-05", "2000-01-06"], Enumerable.Range(0, 6).Select(series.Dates!.Format));
        Assert.Equal(2, series.Dates!.Filled);
    }

    [Fact]
    public void Linear_puts_the_missing_values_on_the_line_between_its_neighbours()
    {
        // 2 → 8 over three steps: 4 and 6 on the way.
        Assert.Equal([1.0, 2, 4, 6, 8, 10], Read(Daily, GapFill.Linear).Values);
        // Months count as steps whatever their length: 20 → 50 over three months.
        var monthly = Read("Month,Value\n1749-01,10\n1749-02,20\n1749-05,50\n", GapFill.Linear);
        Assert.Equal([10.0, 20, 30, 40, 50], monthly.Values);
        Assert.Equal("1749-04", monthly.Dates!.Format(3));
        Assert.Equal([0.0, 2.5, 5, 7.5, 10, 4], GapFilling.Fill([0, 10, 4], [0, 4, 5], GapFill.Linear));
    }

    [Fact]
    public void Filling_that_would_make_an_absurd_series_is_refused()
    {
        var e = Assert.Throws<GpuRnnInputException>(() => Read("Date,Value\n1900-01-01 00:00,1\n1900-01-01 00:01,2\n2000-01-01 00:00,3\n", GapFill.Previous));
        Assert.Contains("more than the 50000000 allowed", e.Message);
    }

    [Theory]
    [InlineData("Date,Value\n2000-01-01,1\n2000-01-02,2\n2000-01-02,3\n", "t.csv, column 'Date': line 4: 2000-01-02 repeats the date of line 3")]
    [InlineData("Date,Value\n2000-01-01,1\nsoon,2\n", "t.csv: line 3, column 'Date': 'soon' is not a date")]
    [InlineData("Value,Date\n1,2000-01-01\n", "t.csv: column 'Value' is asked for as both the dates and the values")]
    public void Bad_dates_are_refused_with_the_row(string csv, string message)
    {
        var options = csv.StartsWith("Value", StringComparison.Ordinal) ? new DateOptions("0") : DateOptions.Auto;
        Assert.StartsWith(message, Assert.Throws<GpuRnnInputException>(() => CsvSeriesReader.ReadText(csv, "Value", "t.csv", options)).Message);
    }

    [Fact]
    public void A_first_column_that_is_not_dates_is_left_alone()
    {
        var series = CsvSeriesReader.ReadText("id,Value\nd1,1\nd2,2\n", "Value", "t.csv");
        Assert.Null(series.Dates);
        Assert.Null(CsvSeriesReader.ReadText("Value,Date\n1,2000-01-01\n2,2000-01-02\n", "0", "t.csv").Dates); // the values are the first column
    }
}
