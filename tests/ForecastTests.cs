using System.Globalization;

namespace GpuRnn.Tests;

public class ForecastTests
{
    /// <summary>Recomputes the recursion by hand: each step is the model on the last T values, earlier forecasts included.</summary>
    [Fact]
    public void Recursive_forecast_feeds_each_prediction_back()
    {
        var spec = new ModelSpec(1, [3], 1, Activation.Tanh, Activation.Tanh, 4);
        var p = RandomData.Parameters(new Random(5), spec.Layout(), 0.8);
        var model = new SavedModel(spec, p, null);
        double[] history = [3, 9, 4, 7, 1, 8, 5];
        var scaler = MinMaxScaler.Fit(history);

        var forecast = Forecasting.Recursive(model, scaler, history, 3);

        using var engine = new ScalarEngine<float>(spec);
        engine.SetParameters(p);
        var values = history.ToList();
        for (int k = 0; k < 3; k++)
        {
            var window = values.TakeLast(4).Select(v => (float)scaler.Transform(v)).ToArray();
            double next = scaler.Inverse(engine.Predict(new WindowSet(window, [0f], 1, 4, 1, 1))[0]);
            Assert.Equal(next, forecast[k], 1e-4);
            values.Add(next);
        }
    }

    [Fact]
    public void Forecast_command_prints_the_horizon_in_original_units_and_plots_it()
    {
        using var dir = new TempDir();
        Assert.Equal(0, CliRun.Of("train", "--no-plot", "--epochs", "2", "--save", dir.File("m.json")).ExitCode);
        var run = CliRun.Of("forecast", "--model", dir.File("m.json"), "--horizon", "5", "--plot", dir.File("ahead.png"));
        Assert.Equal(0, run.ExitCode);
        var rows = run.Out.Split('\n').Where(l => l.Length > 0 && char.IsDigit(l[0])).ToArray();
        Assert.Equal(5, rows.Length);
        Assert.StartsWith("1984-01,1,", rows[0]); // the month after the series' last, 1983-12
        // After 2 epochs how close the forecast is depends on the seed; what holds for any weights is that the tanh head
        // keeps each scaled output in (−1, 1), i.e. in (0 − 253.8, 0 + 2·253.8) sunspots (the series spans 0 … 253.8).
        Assert.All(rows, r => Assert.InRange(double.Parse(r.Split(',')[2], CultureInfo.InvariantCulture), -253.8, 507.6));
        Assert.True(File.Exists(dir.File("ahead.png")));

        var bad = CliRun.Of("forecast", "--model", dir.File("m.json"), "--horizon", "0", "--plot", dir.File("no.png"));
        Assert.Equal(2, bad.ExitCode);
        Assert.False(File.Exists(dir.File("no.png")));
    }

    /// <summary>A Keras get_weights() list predicts exactly as the same weights saved by gpurnn (same scaler: the whole series).</summary>
    [Fact]
    public void Keras_weight_lists_predict_like_the_saved_model()
    {
        using var dir = new TempDir();
        Assert.Equal(0, CliRun.Of("train", "--no-plot", "--epochs", "2", "--save", dir.File("m.json")).ExitCode);
        var saved = ModelFile.Load(dir.File("m.json"));
        File.WriteAllText(dir.File("keras.json"), ModelFile.WeightsToJson(saved.Spec.Layout(), saved.Parameters));

        var ours = CliRun.Of("predict", "--model", dir.File("m.json"));
        var keras = CliRun.Of("predict", "--model", dir.File("keras.json"));
        Assert.Equal(0, keras.ExitCode);
        Assert.Equal(ours.Out, keras.Out);

        // The list carries no scaler: the one fitted on the whole series is said in one warning line, which
        // --scaler-min/--scaler-max (here the trained model's own) replace, with the same predictions.
        Assert.Single(keras.Err.Split('\n'), l => l.StartsWith("gpurnn: warning:", StringComparison.Ordinal) && l.Contains("--scaler-min", StringComparison.Ordinal));
        string min = saved.Scaler!.Min.ToString("R", CultureInfo.InvariantCulture), max = saved.Scaler.Max.ToString("R", CultureInfo.InvariantCulture);
        var given = CliRun.Of("predict", "--model", dir.File("keras.json"), "--scaler-min", min, "--scaler-max", max);
        Assert.Equal((0, ours.Out), (given.ExitCode, given.Out));
        Assert.DoesNotContain("warning", given.Err);
        var other = CliRun.Of("predict", "--model", dir.File("keras.json"), "--scaler-min", "0", "--scaler-max", "400");
        Assert.NotEqual(ours.Out, other.Out);
        foreach (var bad in new[] { new[] { "--scaler-min", "0" }, ["--scaler-min", "5", "--scaler-max", "1"] })
            Assert.Equal(2, CliRun.Of(["predict", "--model", dir.File("keras.json"), .. bad]).ExitCode);
        Assert.Equal(2, CliRun.Of("predict", "--model", dir.File("m.json"), "--scaler-min", "0", "--scaler-max", "1").ExitCode); // it has its own

        var init = CliRun.Of("train", "--no-plot", "--epochs", "0", "--init-weights", dir.File("keras.json"));
        var again = CliRun.Of("train", "--no-plot", "--epochs", "0", "--init-weights", dir.File("m.json"));
        static string Rmse(string output) => string.Join("\n", output.Split('\n').Where(l => l.Contains("RMSE")));
        Assert.Equal(Rmse(again.Out), Rmse(init.Out));
        Assert.Contains("Test RMSE", Rmse(init.Out));
    }

    /// <summary>A model trained on a CSV file remembers it: predict and forecast read the same file and column by default.</summary>
    [Fact]
    public void Predict_and_forecast_default_to_the_models_own_data()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("prices.csv"), "Date,Open,Close\n" + string.Join("\n",
            Enumerable.Range(0, 200).Select(i => string.Create(CultureInfo.InvariantCulture, $"d{i},1,{100 + 10 * Math.Sin(i / 7.0):F3}"))));
        Assert.Equal(0, CliRun.Of("train", "--data", dir.File("prices.csv"), "--column", "Close", "--epochs", "2", "--no-plot", "--save", dir.File("m.json")).ExitCode);

        var predict = CliRun.Of("predict", "--model", dir.File("m.json"));
        Assert.Equal(0, predict.ExitCode);
        Assert.StartsWith("12,", predict.Out.Split('\n')[1]);
        var forecast = CliRun.Of("forecast", "--model", dir.File("m.json"), "--horizon", "2", "--no-plot");
        Assert.Equal(0, forecast.ExitCode);
        Assert.Contains("Forecast of Close for 2 step(s) after the 200 values", forecast.Err);
    }
}
