using System.Globalization;

namespace GpuRnn.Tests;

/// <summary><c>--features</c> and <c>--target</c> through the CLI: train, save, predict, forecast with <c>--future</c>, sweep, Keras lists.</summary>
public class MultivariateCliTests
{
    const int Rows = 160;

    /// <summary>Columns t (a counter), temp, load and price; load follows temp.</summary>
    static double[][] Columns(int from, int rows) =>
    [
        [.. Enumerable.Range(from, rows).Select(i => (double)i)],
        [.. Enumerable.Range(from, rows).Select(i => Math.Round(20 + 8 * Math.Sin(i / 6.0), 3))],
        [.. Enumerable.Range(from, rows).Select(i => Math.Round(100 + 3 * (20 + 8 * Math.Sin(i / 6.0)) + 10 * Math.Sin(i / 1.7), 3))],
        [.. Enumerable.Range(from, rows).Select(i => Math.Round(50 + 5 * Math.Cos(i / 9.0), 3))],
    ];

    static void WriteCsv(string path, string[] header, double[][] columns)
    {
        var lines = new List<string> { string.Join(",", header) };
        for (int r = 0; r < columns[0].Length; r++) lines.Add(string.Join(",", columns.Select(c => c[r].ToString("R", CultureInfo.InvariantCulture))));
        File.WriteAllLines(path, lines);
    }

    static TempDir Folder(out string csv)
    {
        var dir = new TempDir();
        csv = dir.File("multi.csv");
        WriteCsv(csv, ["t", "temp", "load", "price"], Columns(0, Rows));
        return dir;
    }

    static CliRun Train(string csv, string save, params string[] more) =>
        CliRun.Of(["train", "--data", csv, "--time-steps", "6", "--epochs", "2", "--no-plot", "--no-baseline", "--save", save, .. more]);

    static string[] Records(CliRun run) => [.. run.Out.Split('\n').Where(l => l.Length > 0 && char.IsDigit(l[0]))];

    static double Field(string record, int i) => double.Parse(record.Split(',')[i], CultureInfo.InvariantCulture);

    static void AssertRefused(CliRun run, params string[] named)
    {
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("gpurnn: ", run.Err);
        Assert.Single(run.Err.TrimEnd().Split('\n'));
        foreach (var n in named) Assert.Contains(n, run.Err);
    }

    /// <summary>
    /// The saved model holds a scaler per column, fitted as MinMax on the whole column; predict reads the same columns
    /// again and prints what the saved weights give on windows the test cuts and scales itself.
    /// </summary>
    [Fact]
    public void A_saved_model_of_several_columns_reloads_and_predicts_the_same()
    {
        using var dir = Folder(out var csv);
        var train = Train(csv, dir.File("m.json"), "--features", "temp,price,load", "--target", "load");
        Assert.True(train.ExitCode == 0, train.Err);
        Assert.Contains("input columns 'temp', 'price', 'load' → target 'load'", train.Out);
        Assert.Contains("6 steps × 3 feature(s)", train.Out);

        var model = ModelFile.Load(dir.File("m.json"));
        var columns = Columns(0, Rows);
        double[][] inputs = [columns[1], columns[3], columns[2]];
        Assert.Equal(["temp", "price", "load"], model.Inputs!.Select(c => c.Column));
        for (int f = 0; f < 3; f++) Assert.Equal(new MinMaxScaler(inputs[f].Min(), inputs[f].Max()), model.Inputs![f].Scaler);
        Assert.Equal(("load", new MinMaxScaler(columns[2].Min(), columns[2].Max())), (model.Column, model.Scaler));

        var predict = CliRun.Of("predict", "--model", dir.File("m.json"), "--stride", "5");
        Assert.True(predict.ExitCode == 0, predict.Err);
        var records = Records(predict);
        Assert.Equal((Rows - 1 - 6) / 5 + 1, records.Length);
        using var engine = new ScalarEngine<float>(model.Spec);
        engine.SetParameters(model.Parameters);
        foreach (var record in records)
        {
            int target = (int)Field(record, 0);
            var x = new float[6 * 3];
            for (int t = 0; t < 6; t++)
                for (int f = 0; f < 3; f++) x[t * 3 + f] = (float)model.Inputs![f].Scaler.Transform(inputs[f][target - 6 + t]);
            double expected = model.Scaler!.Inverse(engine.Predict(new WindowSet(x, [0f], 1, 6, 3, 1))[0]);
            Assert.Equal(columns[2][target], Field(record, 1));
            Assert.Equal(expected, Field(record, 2), 1e-7 * Math.Abs(expected)); // printed to the digits float32 resolves
        }
        // Predicting a copy of the data with the columns in another order reads them by name: the same output.
        WriteCsv(dir.File("shuffled.csv"), ["price", "load", "t", "temp"], [columns[3], columns[2], columns[0], columns[1]]);
        Assert.Equal(predict.Out, CliRun.Of("predict", "--model", dir.File("m.json"), "--stride", "5", "--data", dir.File("shuffled.csv")).Out);
    }

    [Fact]
    public void A_target_that_is_not_an_input_trains_predicts_and_forecasts_with_future_inputs()
    {
        using var dir = Folder(out var csv);
        Assert.Equal(0, Train(csv, dir.File("m.json"), "--features", "temp,price", "--target", "load").ExitCode);
        var model = ModelFile.Load(dir.File("m.json"));
        Assert.Equal(["temp", "price"], model.Inputs!.Select(c => c.Column));
        Assert.Equal(0, CliRun.Of("predict", "--model", dir.File("m.json")).ExitCode);

        // Every input is exogenous: each step reads the last 6 rows of temp and price, the future ones from the file.
        WriteCsv(dir.File("future.csv"), ["temp", "price"], [.. Columns(Rows, 4).Skip(1).Where((_, i) => i != 1)]);
        var forecast = CliRun.Of("forecast", "--model", dir.File("m.json"), "--horizon", "5", "--future", dir.File("future.csv"), "--no-plot");
        Assert.True(forecast.ExitCode == 0, forecast.Err);
        var past = Columns(0, Rows);
        var ahead = Columns(Rows, 4);
        using var engine = new ScalarEngine<float>(model.Spec);
        engine.SetParameters(model.Parameters);
        var records = Records(forecast);
        Assert.Equal(5, records.Length);
        for (int k = 0; k < 5; k++)
        {
            var x = new float[6 * 2];
            for (int t = 0; t < 6; t++)
            {
                int row = Rows + k - 6 + t; // the window of step k + 1 ends at the row before the one it forecasts
                x[t * 2] = (float)model.Inputs![0].Scaler.Transform(row < Rows ? past[1][row] : ahead[1][row - Rows]);
                x[t * 2 + 1] = (float)model.Inputs![1].Scaler.Transform(row < Rows ? past[3][row] : ahead[3][row - Rows]);
            }
            double expected = model.Scaler!.Inverse(engine.Predict(new WindowSet(x, [0f], 1, 6, 2, 1))[0]);
            Assert.StartsWith($"{k + 1},{Rows + k},", records[k]);
            Assert.Equal(expected, Field(records[k], 2), 1e-7 * Math.Abs(expected));
        }
    }

    /// <summary>The target is fed its own forecasts; the other input comes from --future; the last future row is not needed.</summary>
    [Fact]
    public void Forecast_feeds_back_the_target_and_reads_the_other_inputs_from_future()
    {
        using var dir = Folder(out var csv);
        Assert.Equal(0, Train(csv, dir.File("m.json"), "--features", "temp,load", "--target", "load").ExitCode);
        var model = ModelFile.Load(dir.File("m.json"));
        var past = Columns(0, Rows);
        var ahead = Columns(Rows, 3);
        WriteCsv(dir.File("future.csv"), ["temp"], [ahead[1]]);
        var forecast = CliRun.Of("forecast", "--model", dir.File("m.json"), "--horizon", "4", "--future", dir.File("future.csv"), "--no-plot");
        Assert.True(forecast.ExitCode == 0, forecast.Err);
        var records = Records(forecast);

        using var engine = new ScalarEngine<float>(model.Spec);
        engine.SetParameters(model.Parameters);
        var (temp, load) = (past[1].ToList(), past[2].ToList());
        for (int k = 0; k < 4; k++)
        {
            var x = new float[12];
            for (int t = 0; t < 6; t++)
            {
                x[t * 2] = (float)model.Inputs![0].Scaler.Transform(temp[^(6 - t)]);
                x[t * 2 + 1] = (float)model.Inputs![1].Scaler.Transform(load[^(6 - t)]);
            }
            double next = model.Scaler!.Inverse(engine.Predict(new WindowSet(x, [0f], 1, 6, 2, 1))[0]);
            Assert.Equal(next, Field(records[k], 2), 1e-6 * Math.Abs(next));
            load.Add(next);
            if (k < 3) temp.Add(ahead[1][k]);
        }

        // One step needs no future input.
        var one = CliRun.Of("forecast", "--model", dir.File("m.json"), "--horizon", "1", "--no-plot");
        Assert.Equal(0, one.ExitCode);
        Assert.Equal(records[0], Records(one)[0]);
    }

    [Fact]
    public void Forecast_without_the_future_of_a_non_target_input_is_refused_naming_it()
    {
        using var dir = Folder(out var csv);
        Assert.Equal(0, Train(csv, dir.File("m.json"), "--features", "temp,load", "--target", "load").ExitCode);
        AssertRefused(CliRun.Of("forecast", "--model", dir.File("m.json"), "--horizon", "3", "--plot", dir.File("p.png")), "temp", "--future FILE", "2 row(s)");
        Assert.False(File.Exists(dir.File("p.png")));

        WriteCsv(dir.File("other.csv"), ["price"], [[1, 2, 3]]);
        AssertRefused(CliRun.Of("forecast", "--model", dir.File("m.json"), "--horizon", "3", "--future", dir.File("other.csv"), "--no-plot"), "unknown column 'temp'");
        WriteCsv(dir.File("short.csv"), ["temp"], [[20]]);
        AssertRefused(CliRun.Of("forecast", "--model", dir.File("m.json"), "--horizon", "3", "--future", dir.File("short.csv"), "--no-plot"), "column 'temp' has 1 future value(s); a forecast of 3 steps needs 2");
    }

    [Theory]
    [InlineData(new[] { "--features", "temp,humidity", "--target", "load" }, "unknown column 'humidity'")]
    [InlineData(new[] { "--features", "temp,load", "--target", "sales" }, "unknown column 'sales'")]
    [InlineData(new[] { "--features", "temp,load" }, "--features temp,load needs --target")]
    [InlineData(new[] { "--features", "temp,,load", "--target", "load" }, "--features takes column names")]
    [InlineData(new[] { "--features", "temp,1", "--target", "load" }, "column 'temp' twice ('temp' and '1')")]
    [InlineData(new[] { "--features", "temp,load", "--column", "load" }, "--column is the one-column form of --target")]
    [InlineData(new[] { "--column", "humidity" }, "unknown column 'humidity'")]
    public void Bad_column_names_are_refused_naming_the_column(string[] options, string why)
    {
        using var dir = Folder(out var csv);
        AssertRefused(Train(csv, dir.File("m.json"), options), why);
        Assert.False(File.Exists(dir.File("m.json")));
    }

    [Fact]
    public void Predict_refuses_data_without_the_models_columns_and_a_column_count_that_does_not_fit()
    {
        using var dir = Folder(out var csv);
        Assert.Equal(0, Train(csv, dir.File("m.json"), "--features", "temp,price", "--target", "load").ExitCode);
        WriteCsv(dir.File("less.csv"), ["temp", "load"], [[1, 2, 3], [4, 5, 6]]);
        AssertRefused(CliRun.Of("predict", "--model", dir.File("m.json"), "--data", dir.File("less.csv")), "unknown column 'price'");
        AssertRefused(CliRun.Of("predict", "--model", dir.File("m.json"), "--column", "load"), "--column names 1 input column(s) but", "reads 2 per step", "temp, price → target load");
        // Other columns of the same count may stand in for the model's, named explicitly.
        Assert.Equal(0, CliRun.Of("predict", "--model", dir.File("m.json"), "--features", "price,temp", "--target", "load").ExitCode);
    }

    /// <summary>--column NAME is still one input that is the target: the same model as --features NAME --target NAME, or --target NAME.</summary>
    [Fact]
    public void Column_is_the_one_column_form_of_target()
    {
        using var dir = Folder(out var csv);
        Assert.Equal(0, Train(csv, dir.File("c.json"), "--column", "load", "--seed", "4").ExitCode);
        Assert.Equal(0, Train(csv, dir.File("f.json"), "--features", "load", "--seed", "4").ExitCode);
        Assert.Equal(0, Train(csv, dir.File("t.json"), "--target", "load", "--seed", "4").ExitCode);
        var c = ModelFile.Load(dir.File("c.json"));
        Assert.Null(c.Inputs);
        foreach (var other in new[] { "f.json", "t.json" })
        {
            var o = ModelFile.Load(dir.File(other));
            Assert.Equal(c.Parameters, o.Parameters);
            Assert.Equal((c.Scaler, c.Column, c.Inputs), (o.Scaler, o.Column, o.Inputs));
        }
    }

    /// <summary>A Keras get_weights() list with an F × units kernel: --init-weights starts from it, and predict runs it on named columns.</summary>
    [Fact]
    public void Keras_weight_lists_of_several_features_start_training_and_predict()
    {
        using var dir = Folder(out var csv);
        Assert.Equal(0, Train(csv, dir.File("m.json"), "--features", "temp,price", "--target", "load").ExitCode);
        var model = ModelFile.Load(dir.File("m.json"));
        Assert.Equal(2, model.Spec.Layout().Kernel[0].Rows);
        File.WriteAllText(dir.File("keras.json"), ModelFile.WeightsToJson(model.Spec.Layout(), model.Parameters));
        Assert.StartsWith("[\n  [[", File.ReadAllText(dir.File("keras.json")));

        var again = CliRun.Of("train", "--data", csv, "--features", "temp,price", "--target", "load", "--init-weights", dir.File("keras.json"), "--epochs", "0",
            "--time-steps", "6", "--no-plot", "--no-baseline", "--save", dir.File("again.json"));
        Assert.True(again.ExitCode == 0, again.Err);
        Assert.Equal(model.Parameters, ModelFile.Load(dir.File("again.json")).Parameters);

        // The list carries no columns or scalers: predict needs the columns named, and fits each scaler on its whole column as the model's were.
        AssertRefused(CliRun.Of("predict", "--model", dir.File("keras.json"), "--data", csv, "--time-steps", "6"), "reads 2 features per step and names no columns", "--features");
        var keras = CliRun.Of("predict", "--model", dir.File("keras.json"), "--data", csv, "--time-steps", "6", "--features", "temp,price", "--target", "load");
        Assert.True(keras.ExitCode == 0, keras.Err);
        Assert.Equal(CliRun.Of("predict", "--model", dir.File("m.json")).Out, keras.Out);

        // A list of three features for a model of two is refused, naming the kernel's shape.
        var wide = new ModelSpec(3, [3], 1, Activation.Tanh, Activation.Tanh, 6);
        File.WriteAllText(dir.File("wide.json"), ModelFile.WeightsToJson(wide.Layout(), new float[wide.Layout().Count]));
        AssertRefused(Train(csv, dir.File("x.json"), "--features", "temp,price", "--target", "load", "--init-weights", dir.File("wide.json")), "simple_rnn/kernel");
    }

    /// <summary>
    /// explain --weights with a Keras list whose kernel is 2 × units: steps of two features joined by ':', the hand
    /// computation (checked here against the same arithmetic done in the test) beside the model, and the backward pass.
    /// </summary>
    [Fact]
    public void Explain_takes_a_keras_list_of_two_features_per_step()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("w.json"), "[[[0.5,-0.2],[0.1,0.3]], [[0.9,-0.4],[0.4,0.9]], [0.1,0], [[-0.4],[0.6]], [0.05]]");
        double[][] x = [[1, 0.5], [2, 0.1], [3, -0.2]];
        double[] h = [0, 0];
        foreach (var step in x) // linear: h_t = x_t·wx + h_(t−1)·wh + bh
            h = [step[0] * 0.5 + step[1] * 0.1 + h[0] * 0.9 + h[1] * 0.4 + 0.1, step[0] * -0.2 + step[1] * 0.3 + h[0] * -0.4 + h[1] * 0.9];
        double o = h[0] * -0.4 + h[1] * 0.6 + 0.05;

        var run = CliRun.Of("explain", "--weights", dir.File("w.json"), "--input", "1:0.5,2:0.1,3:-0.2", "--backward", "--target", "0.3");
        Assert.True(run.ExitCode == 0, run.Err);
        Assert.Contains("3 steps × 2 feature(s)", run.Out);
        Assert.Contains("x = [[1, 0.5], [2, 0.1], [3, -0.2]]", run.Out);
        string line = run.Out.Split('\n').Single(l => l.StartsWith("o3 = ", StringComparison.Ordinal));
        Assert.Equal(o, double.Parse(line[(line.LastIndexOf('[') + 1)..line.LastIndexOf(']')], CultureInfo.InvariantCulture), 1e-5);
        Assert.Equal(3, run.Out.Split("agree: yes").Length - 1); // the forward pass, the engine's gradients, finite differences

        var mismatch = CliRun.Of("explain", "--weights", dir.File("w.json"), "--input", "1,2,3");
        AssertRefused(mismatch, "reads 2 feature(s) per step but --input gives 1", "1:0.5");
        AssertRefused(CliRun.Of("explain", "--input", "1:2,3"), "steps of 2 and 1 features");
    }

    [Fact]
    public void A_sweep_trains_several_columns_and_saves_the_best_with_every_scaler()
    {
        using var dir = Folder(out var csv);
        var run = CliRun.Of("sweep", "--data", csv, "--features", "temp,load", "--target", "load", "--hidden", "2,3", "--time-steps", "6", "--seeds", "1",
            "--lrs", "0.01", "--epochs", "1", "--no-baseline", "--csv", dir.File("s.csv"), "--save-best", dir.File("best.json"));
        Assert.True(run.ExitCode == 0, run.Err);
        var best = ModelFile.Load(dir.File("best.json"));
        Assert.Equal(2, best.Spec.Features);
        Assert.Equal(["temp", "load"], best.Inputs!.Select(c => c.Column));
        Assert.Equal(0, CliRun.Of("predict", "--model", dir.File("best.json")).ExitCode);
    }
}
