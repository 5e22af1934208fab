using System.Globalization;
using GpuRnn.Training.Files;

namespace GpuRnn.Tests.Output;

/// <summary>The library side of the forecasting features' outputs: error measures, the naive forecast, CSV columns,
/// the training-history logger and the log output it writes to.</summary>
public class OutputLibraryTests
{
    [Fact]
    public void The_library_measures_rmse_and_mae_once_and_the_naive_forecast_is_each_windows_last_value()
    {
        float[] predicted = [1, 2, 3], actual = [2, 2, 5]; // errors −1, 0, −2
        Assert.Equal(Math.Sqrt(5.0 / 3), Metrics.Rmse(predicted, actual), 1e-12);
        Assert.Equal(1.0, Metrics.Mae(predicted, actual), 1e-12);
        Assert.True(double.IsNaN(Metrics.Mae([], [])));

        var windows = Windowing.Make([0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f], timeSteps: 2, stride: 1);
        Assert.Equal([0.2f, 0.3f, 0.4f, 0.5f], Metrics.LastInputs(windows));

        // Near 1e301 the naive MAE in original units stays finite and equals the mean step of the series.
        double[] huge = [1e301, 3e301, 2e301, 5e301];
        var scaler = MinMaxScaler.Fit(huge);
        var errors = Metrics.ErrorsOriginal(huge.AsSpan(0, 3), huge.AsSpan(1, 3), scaler);
        Assert.Equal((2e301 + 1e301 + 3e301) / 3, errors.Mae, 1e288);
        Assert.True(double.IsFinite(errors.Rmse));
    }

    /// <summary>The README's C#: a run's test evaluation, and its history through the CSV logger.</summary>
    [Fact]
    public void A_run_logs_its_history_as_csv_and_compares_itself_with_the_naive_forecast()
    {
        var job = new TrainingRun(SunspotsDataset.Load(), ModelSpec.Tutorial, new WindowingOptions(), new TrainingOptions { Epochs = 3 }, EngineKind.Scalar);
        var stream = new MemoryStream();
        TrainingResult result;
        using (var log = new CsvLogger(stream)) result = job.Run(log.Log);

        var lines = System.Text.Encoding.UTF8.GetString(stream.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["epoch,loss,val_loss,time", .. result.History.Epochs.Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.Epoch},{e.Loss:R},,{e.Elapsed.TotalSeconds:R}"))], lines);
        var test = result.TestEvaluation;
        Assert.Equal(46, test.Windows);
        Assert.Equal(result.TestRmseOriginal, test.Model.Original.Rmse, 1e-9);
        // The naive forecast's test RMSE from the series by hand: each test target against the value before it.
        var values = SunspotsDataset.Load().Values;
        double sum = 0;
        for (int i = 0; i < 46; i++) sum += Math.Pow(values[2256 + 12 + 12 * i] - values[2256 + 11 + 12 * i], 2);
        Assert.Equal(Math.Sqrt(sum / 46), test.Naive.Original.Rmse, 1e-9);
    }

    [Fact]
    public void Csv_columns_write_a_header_and_rows_quoting_what_needs_it()
    {
        var columns = new CsvColumns<int>().Add("index", i => i.ToString(CultureInfo.InvariantCulture)).Add("label", i => i == 1 ? "a, \"b\"" : "c");
        columns.Insert(0, "date", i => $"2024-0{i + 1}");
        var text = new StringWriter();
        columns.Write(text, [0, 1]);
        Assert.Equal("date,index,label\n2024-01,0,c\n2024-02,1,\"a, \"\"b\"\"\"\n", text.ToString());
        Assert.Equal(["date", "index", "label"], columns.Names);
    }

    /// <summary>A log output replaces the old file at once (its mode kept) and is then appended to as it goes.</summary>
    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void A_log_output_replaces_the_old_file_keeping_its_mode_then_appends()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("h.csv"), "an old history\n");
        File.SetUnixFileMode(dir.File("h.csv"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        using var outputs = new FilePlan().Output("--history", dir.File("h.csv")).Check();

        using (var log = outputs.OpenLog(dir.File("h.csv")))
        {
            Assert.Equal("", File.ReadAllText(dir.File("h.csv")));
            log.Write("1\n"u8);
            log.Flush();
            Assert.Equal("1\n", File.ReadAllText(dir.File("h.csv"))); // readable while it is written
        }
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(dir.File("h.csv")));
        Assert.Equal(["h.csv"], Directory.EnumerateFileSystemEntries(dir.Path).Select(Path.GetFileName));
    }
}
