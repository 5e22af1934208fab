namespace GpuRnn.Tests;

/// <summary>Several input columns in the library: one scaler per column, windows of F features, the target's next value.</summary>
public class MultivariateDataTests
{
    static readonly Series A = new("a", "hand", [2, 4, 6, 8, 10, 12]);        // min 2, max 12: (x − 2) / 10
    static readonly Series B = new("b", "hand", [100, 300, 200, 500, 400, 0]); // min 0, max 500: x / 500
    static readonly Series C = new("c", "hand", [1, 2, 3, 4, 5, 6]);          // min 1, max 6: (x − 1) / 5

    [Fact]
    public void Each_column_is_scaled_by_its_own_scaler_and_windows_interleave_the_features()
    {
        var data = ForecastData.Prepare([A, B], C, new WindowingOptions(TimeSteps: 2, Stride: 1, SplitFraction: 1));
        Assert.Equal([new MinMaxScaler(2, 12), new MinMaxScaler(0, 500)], data.Columns.InputScalers);
        Assert.Equal(new MinMaxScaler(1, 6), data.Scaler);
        Assert.Equal(-1, data.Columns.TargetInput);
        Assert.Equal((4, 2, 2, 1), (data.Train.Count, data.Train.TimeSteps, data.Train.Features, data.Train.Outputs));
        // Window 0: rows 0 and 1, each (a, b); its target c of row 2.
        Assert.Equal([0f, 0.2f, 0.2f, 0.6f], data.Train.Window(0).ToArray());
        Assert.Equal(0.4f, data.Train.Target(0)[0]);
        // Window 3: rows 3 and 4; target c of row 5.
        Assert.Equal([0.6f, 1f, 0.8f, 0.8f], data.Train.Window(3).ToArray());
        Assert.Equal(1f, data.Train.Target(3)[0]);
        Assert.Equal(0, data.Test.Count);
    }

    [Fact]
    public void Scalers_fitted_on_the_training_part_see_only_its_rows()
    {
        var data = ForecastData.Prepare([A, B], C, new WindowingOptions(TimeSteps: 1, Stride: 1, SplitFraction: 0.5, ScaleFit: ScaleFit.Train));
        Assert.Equal(3, data.Split);
        Assert.Equal([new MinMaxScaler(2, 6), new MinMaxScaler(100, 300)], data.Columns.InputScalers);
        Assert.Equal(new MinMaxScaler(1, 3), data.Scaler);
        // The test part's first window is row 3 (a = 8, b = 500), its target c of row 4 (5): outside [0, 1], as unseen values are.
        Assert.Equal([1.5f, 2f], data.Test.Window(0).ToArray());
        Assert.Equal(2f, data.Test.Target(0)[0]);
    }

    [Fact]
    public void A_target_among_the_inputs_shares_its_scaler_and_is_saved_as_an_input()
    {
        var data = ForecastData.Prepare([A, C], C, new WindowingOptions(TimeSteps: 2, Stride: 2, SplitFraction: 1));
        Assert.Equal(1, data.Columns.TargetInput);
        Assert.Equal([0f, 0f, 0.2f, 0.2f], data.Train.Window(0).ToArray());
        Assert.Equal(0.4f, data.Train.Target(0)[0]);
        Assert.Equal([new ColumnScaler("a", new(2, 12)), new ColumnScaler("c", new(1, 6))], data.Columns.SavedInputs);

        var alone = ForecastData.Prepare(C, new WindowingOptions(TimeSteps: 2, Stride: 2, SplitFraction: 1));
        Assert.True(alone.Columns.IsUnivariate);
        Assert.Null(alone.Columns.SavedInputs);
    }

    [Fact]
    public void One_column_as_the_only_input_gives_the_tutorials_windows()
    {
        var one = ForecastData.Prepare(SunspotsDataset.Load(), new WindowingOptions());
        var listed = ForecastData.Prepare([SunspotsDataset.Load()], SunspotsDataset.Load(), new WindowingOptions());
        Assert.Equal(one.Train.X, listed.Train.X);
        Assert.Equal(one.Test.Y, listed.Test.Y);
        Assert.True(listed.Columns.IsUnivariate);
    }

    [Fact]
    public void Columns_of_other_lengths_or_named_twice_are_refused()
    {
        var shorter = new Series("s", "hand", [1, 2, 3]);
        var e = Assert.Throws<GpuRnnInputException>(() => ForecastData.Prepare([A, shorter], C, new WindowingOptions(TimeSteps: 1)));
        Assert.Contains("column 's' has 3 values but the target 'c' has 6", e.Message);
        e = Assert.Throws<GpuRnnInputException>(() => ForecastData.Prepare([A, A], C, new WindowingOptions(TimeSteps: 1)));
        Assert.Contains("'a' 2 times", e.Message);
    }

    [Fact]
    public void A_training_run_trains_several_columns_and_refuses_a_spec_of_another_width()
    {
        var (inputs, target) = Synthetic(rows: 200);
        var spec = new ModelSpec(3, [4], 1, Activation.Tanh, Activation.Tanh, 6);
        var run = new TrainingRun(target, spec, new WindowingOptions(TimeSteps: 6, Stride: 1), new TrainingOptions { Epochs = 3, Seed = 2 }, EngineKind.Scalar) { Inputs = inputs };
        var result = run.Run();
        Assert.Equal(3, result.Data.Train.Features);
        Assert.True(result.History.Epochs[^1].Loss < result.History.Epochs[0].Loss, "the loss should fall");
        // RMSE in the target's units is the scaled RMSE times the target scaler's range.
        Assert.Equal(result.TestRmse * result.Data.Scaler.Range, result.TestRmseOriginal, 1e-4 * result.Data.Scaler.Range);

        var e = Assert.Throws<GpuRnnInputException>(() => (run with { Spec = spec with { Features = 2 } }).Prepare());
        Assert.Contains("2 feature(s) but 3 input column(s)", e.Message);
    }

    /// <summary>Three columns of different scales; the target is the third, a mix of the other two.</summary>
    internal static (Series[] Inputs, Series Target) Synthetic(int rows)
    {
        var a = Enumerable.Range(0, rows).Select(i => 10 + 5 * Math.Sin(i / 4.0)).ToArray();
        var b = Enumerable.Range(0, rows).Select(i => 1000 * Math.Cos(i / 7.0)).ToArray();
        var c = Enumerable.Range(0, rows).Select(i => 0.3 * a[i] + 0.002 * b[i] + Math.Sin(i / 2.0)).ToArray();
        var target = new Series("c", "synthetic", c);
        return ([new("a", "synthetic", a), new("b", "synthetic", b), target], target);
    }
}
