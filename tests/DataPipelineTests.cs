namespace GpuRnn.Tests;

public class DataPipelineTests
{
    [Fact]
    public void Sunspots_split_and_windows_match_the_tutorial()
    {
        var series = SunspotsDataset.Load();
        Assert.Equal("Sunspots", series.Name);
        Assert.Equal(2820, series.Length);
        Assert.Equal(58.0, series.Values[0]);
        Assert.Equal(33.4, series.Values[^1]);

        var data = ForecastData.Prepare(series, new WindowingOptions());
        Assert.Equal(2256, data.Split);
        Assert.Equal(564, series.Length - data.Split);
        Assert.Equal(187, data.Train.Count);
        Assert.Equal(46, data.Test.Count);
        Assert.Equal(12, data.Train.TimeSteps);

        // Scaled over the whole series: min → 0, max → 1 (the max, 253.8, lies in the test part).
        Assert.Equal(0f, data.Scaled.Min());
        Assert.Equal(1f, data.Scaled.Max());
        Assert.Equal(253.8, series.Values.Max(), 1e-9);

        // get_XY: window i is train[12i .. 12i+11], its target train[12(i+1)].
        for (int i = 0; i < data.Train.Count; i++)
        {
            Assert.Equal(data.Scaled.AsSpan(12 * i, 12).ToArray(), data.Train.Window(i).ToArray());
            Assert.Equal(data.Scaled[12 * (i + 1)], data.Train.Target(i)[0]);
        }
        Assert.Equal(data.Scaled[2256 + 12], data.Test.Target(0)[0]);
        Assert.Equal(data.Scaled[2256 + 46 * 12], data.Test.Target(45)[0]);
    }

    [Fact]
    public void Windows_are_the_tutorials_get_XY_on_a_small_series()
    {
        float[] series = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
        var w = Windowing.Make(series, timeSteps: 3, stride: 3);
        // Y_ind = arange(3, 10, 3) = 3, 6, 9; X = the 3 values before each.
        Assert.Equal(3, w.Count);
        Assert.Equal([3f, 6f, 9f], w.Y);
        Assert.Equal([0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f], w.X);
    }

    [Fact]
    public void Sliding_windows_step_by_the_stride()
    {
        float[] series = [0, 1, 2, 3, 4, 5, 6];
        var w = Windowing.Make(series, timeSteps: 3, stride: 1);
        Assert.Equal(4, w.Count);
        Assert.Equal([3f, 4f, 5f, 6f], w.Y);
        Assert.Equal([1f, 2f, 3f], w.Window(1).ToArray());
        Assert.Equal([3f, 4f, 5f], w.Window(3).ToArray());

        var sunspots = ForecastData.Prepare(SunspotsDataset.Load(), new WindowingOptions(TimeSteps: 12, Stride: 1));
        Assert.Equal(2256 - 12, sunspots.Train.Count);
        Assert.Equal(564 - 12, sunspots.Test.Count);
    }

    [Fact]
    public void Training_only_scaling_fits_min_and_max_on_the_training_part()
    {
        var series = new Series("v", "test", [.. Enumerable.Range(0, 100).Select(i => (double)i)]);
        var data = ForecastData.Prepare(series, new WindowingOptions(TimeSteps: 5, ScaleFit: ScaleFit.Train));
        Assert.Equal(80, data.Split);
        Assert.Equal(0, data.Scaler.Min);
        Assert.Equal(79, data.Scaler.Max);
        Assert.Equal(1f, data.Scaled[79]);
        Assert.Equal(99 / 79f, data.Scaled[99], 6); // the test part may leave [0, 1]: it is not seen while fitting

        var all = ForecastData.Prepare(series, new WindowingOptions(TimeSteps: 5));
        Assert.Equal(99, all.Scaler.Max);
    }

    [Fact]
    public void Scaler_round_trips_values()
    {
        var scaler = MinMaxScaler.Fit([2.0, 10.0, 6.0]);
        Assert.Equal(0.5, scaler.Transform(6.0));
        Assert.Equal(6.0, scaler.Inverse(0.5));
    }

    [Fact]
    public void Columns_resolve_by_name_or_by_index_from_zero()
    {
        const string csv = "date,a,b\n1,10,100\n2,20,200\n";
        Assert.Equal([10.0, 20.0], CsvSeriesReader.ReadText(csv, "1", "t").Values);
        Assert.Equal([100.0, 200.0], CsvSeriesReader.ReadText(csv, "b", "t").Values);
        Assert.Equal("b", CsvSeriesReader.ReadText(csv, "2", "t").Name);
    }

    [Theory]
    [InlineData("date,a\n1,10\n", "c", "unknown column 'c'")]
    [InlineData("date,a\n1,10\n", "5", "out of range")]
    [InlineData("date,a\n1,10\n2,x\n", "a", "'x' is not a number")]
    [InlineData("date,a\n", "a", "no data rows")]
    public void Bad_csv_input_is_a_clear_error(string csv, string column, string message)
    {
        var e = Assert.Throws<GpuRnnInputException>(() => CsvSeriesReader.ReadText(csv, column, "t"));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Too_short_series_is_a_clear_error()
    {
        var series = new Series("v", "t", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        var e = Assert.Throws<GpuRnnInputException>(() => ForecastData.Prepare(series, new WindowingOptions()));
        Assert.Contains("too short", e.Message);
    }
}
