using GpuRnn.Training.Many;

namespace GpuRnn.Tests.Many;

/// <summary>
/// Many series from one CSV file, long or wide: each series' values and dates as written (checked cell by cell
/// against the text), rows in any order, series of different lengths, a series' own faults skipping it alone with
/// its reason, the file's own faults refusing it in one line.
/// </summary>
public class SeriesFileTests
{
    static SeriesCollection Long(string text, string? target = null, DateOptions? dates = null) =>
        SeriesFile.ReadText(text, new SeriesFileOptions("store", target, dates), "t.csv");

    static SeriesCollection Wide(string text, DateOptions? dates = null) => SeriesFile.ReadText(text, new SeriesFileOptions(Dates: dates), "t.csv");

    [Fact]
    public void A_long_file_s_rows_in_any_order_make_each_series_in_date_order()
    {
        var read = Long("store,month,sales\nb,2000-02,20\na,2000-02,2\na,2000-01,1\nb,2000-01,10\na,2000-03,3\n");
        Assert.Equal(["b", "a"], read.Series.Select(s => s.Name));
        Assert.Equal([10.0, 20.0], read.Series[0].Values);
        Assert.Equal([1.0, 2.0, 3.0], read.Series[1].Values);
        Assert.Equal(new DateTime(2000, 3, 1), read.Series[1].Dates![2]);
        Assert.Equal("monthly", read.Series[1].Dates!.Frequency.Name);
        Assert.Equal(("store", "sales"), (read.IdColumn, read.ValueColumn));
        Assert.Empty(read.Skipped);
    }

    [Fact]
    public void A_series_with_a_bad_cell_a_gap_or_a_repeated_date_is_skipped_with_its_reason_and_the_others_read()
    {
        var read = Long("store,month,sales\nok,2000-01,1\nok,2000-02,2\nbad,2000-01,x\ngap,2000-01,1\ngap,2000-02,2\ngap,2000-04,4\ntwice,2000-01,1\ntwice,2000-01,2\n");
        Assert.Equal(["ok"], read.Series.Select(s => s.Name));
        var why = read.Skipped.ToDictionary(s => s.Id, s => s.Reason);
        Assert.Equal(["bad", "gap", "twice"], why.Keys.Order());
        Assert.Contains("line 4: 'x' is not a number", why["bad"]);
        Assert.Contains("gap", why["gap"]);
        Assert.Contains("repeats the date", why["twice"]);
    }

    [Fact]
    public void Gaps_are_filled_when_asked()
    {
        var read = Long("store,month,sales\ngap,2000-01,1\ngap,2000-02,2\ngap,2000-04,4\n", dates: new DateOptions(FillGaps: GapFill.Linear));
        Assert.Equal([1.0, 2.0, 3.0, 4.0], read.Series.Single().Values);
    }

    [Fact]
    public void The_value_column_is_the_only_one_left_or_named_by_target()
    {
        Assert.Equal("sales", Long("store,month,sales\na,2000-01,1\na,2000-02,2\n").ValueColumn);
        var named = Long("store,month,sales,price\na,2000-01,1,5\na,2000-02,2,6\n", target: "price");
        Assert.Equal([5.0, 6.0], named.Series.Single().Values);
        var e = Assert.Throws<GpuRnnInputException>(() => Long("store,month,sales,price\na,2000-01,1,5\n"));
        Assert.Equal("t.csv: which column holds the values? --target names one of sales, price", e.Message);
    }

    [Fact]
    public void A_wide_file_s_series_start_and_end_at_their_own_filled_cells()
    {
        var read = Wide("month,a,b,c\n2000-01,1,,\n2000-02,2,20,x\n2000-03,3,30,\n2000-04,4,,1\n");
        Assert.Equal(["a", "b"], read.Series.Select(s => s.Name));
        Assert.Equal([1.0, 2.0, 3.0, 4.0], read.Series[0].Values);
        Assert.Equal([20.0, 30.0], read.Series[1].Values);
        Assert.Equal(new DateTime(2000, 2, 1), read.Series[1].Dates![0]);
        Assert.Equal("c", read.Skipped.Single().Id);
        Assert.Contains("line 3: 'x' is not a number", read.Skipped.Single().Reason);
        Assert.Null(read.IdColumn);
    }

    [Fact]
    public void An_empty_cell_inside_a_wide_series_is_a_gap_that_skips_it()
    {
        var read = Wide("month,a,b\n2000-01,1,1\n2000-02,,2\n2000-03,3,3\n");
        Assert.Equal(["b"], read.Series.Select(s => s.Name));
        Assert.Contains("line 3: an empty cell", read.Skipped.Single().Reason);
    }

    [Fact]
    public void A_wide_file_without_dates_reads_every_column()
    {
        var read = Wide("a,b\n1,2\n3,4\n");
        Assert.Equal(["a", "b"], read.Series.Select(s => s.Name));
        Assert.Null(read.Series[0].Dates);
    }

    [Theory]
    [InlineData("store,month,sales\na,2000-01\n", "t.csv: line 2 has 2 fields but the header has 3")]
    [InlineData("", "t.csv: the file is empty (no header row)")]
    [InlineData("store,month,sales\n", "t.csv: no data rows after the header")]
    [InlineData("shop,month,sales\na,2000-01,1\n", "t.csv: unknown column 'store' (columns: shop, month, sales)")]
    [InlineData("store,month,sales\n,2000-01,1\n", "t.csv: line 2, column 'store': the series id is empty")]
    [InlineData("store,month,sales\n\"a\nb\",2000-01,1\n", "t.csv: line 2, column 'store': a series id holds a line break")]
    public void The_file_s_own_faults_refuse_it_in_one_line(string text, string message) =>
        Assert.Equal(message, Assert.Throws<GpuRnnInputException>(() => Long(text)).Message);

    [Fact]
    public void Target_without_an_id_column_is_refused() =>
        Assert.Contains("needs --id-column", Assert.Throws<GpuRnnInputException>(() =>
            SeriesFile.ReadText("a,b\n1,2\n", new SeriesFileOptions(Target: "a"), "t.csv")).Message);
}
