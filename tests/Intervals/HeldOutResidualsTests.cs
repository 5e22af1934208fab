using GpuRnn.Training.Intervals;

namespace GpuRnn.Tests.Intervals;

/// <summary>The calibration's forecasts and errors, against <see cref="Forecasting.Recursive"/> run on the series cut at each origin.</summary>
public sealed class HeldOutResidualsTests
{
    static (SavedModel Model, MinMaxScaler Scaler, double[] Values) Small()
    {
        var spec = new ModelSpec(1, [3], 1, Activation.Tanh, Activation.Tanh, 4);
        var model = new SavedModel(spec, RandomData.Parameters(new Random(7), spec.Layout(), 0.8), null);
        var rng = new Random(3);
        double[] values = [.. Enumerable.Range(0, 30).Select(i => 5 + 3 * Math.Sin(i / 2.0) + rng.NextDouble())];
        return (model, MinMaxScaler.Fit(values), values);
    }

    [Fact]
    public void Backtest_forecasts_what_a_series_cut_at_each_origin_forecasts()
    {
        var (model, scaler, values) = Small();
        int[] origins = [4, 11, 27, 29];
        var batch = Backtest.Recursive(model, scaler, values, origins, 5);
        for (int i = 0; i < origins.Length; i++)
        {
            int o = origins[i];
            Assert.Equal(Math.Min(5, values.Length - o), batch[i].Length); // only steps with a true value
            Assert.Equal(Forecasting.Recursive(model, scaler, values.AsSpan(0, o), batch[i].Length), batch[i]);
        }
        Assert.Throws<GpuRnnInputException>(() => Backtest.Recursive(model, scaler, values, [3], 5)); // T = 4 values needed before it

        // The SIMD engine, which train uses to calibrate: the same forecasts to float rounding (values span about 6).
        var simd = Backtest.Recursive(model, scaler, values, origins, 5, EngineKind.Simd);
        for (int i = 0; i < origins.Length; i++)
            for (int k = 0; k < batch[i].Length; k++) Assert.Equal(batch[i][k], simd[i][k], 1e-4);
    }

    [Fact]
    public void Every_origin_after_the_split_gives_one_error_per_step_with_a_true_value()
    {
        var (model, scaler, values) = Small();
        int split = 24; // origins 24 … 29: 6 of them, so H = min(60, 6) = 6, and step h has 6 − h + 1 errors
        var residuals = HeldOutResiduals.Measure(model, scaler, values, split, engine: EngineKind.Scalar)!;
        Assert.Equal(6, residuals.Origins);
        Assert.Equal(6, residuals.MaxHorizon);
        for (int h = 1; h <= 6; h++)
        {
            var expected = new List<double>();
            for (int o = split; o + h - 1 < values.Length; o++)
                expected.Add(Math.Abs(values[o + h - 1] - Forecasting.Recursive(model, scaler, values.AsSpan(0, o), h)[h - 1]));
            expected.Sort();
            Assert.Equal(expected, residuals.Horizons[h - 1].Sorted.ToArray());
        }
        Assert.Null(HeldOutResiduals.Measure(model, scaler, values, values.Length)); // nothing held out
    }

    [Fact]
    public void Many_origins_are_thinned_evenly_and_the_horizon_capped()
    {
        var (model, scaler, values) = Small();
        var residuals = HeldOutResiduals.Measure(model, scaler, values, 4, maxHorizon: 3, maxOrigins: 13)!; // 26 possible: every 2nd
        Assert.Equal(13, residuals.Origins);
        Assert.Equal(3, residuals.MaxHorizon);
        Assert.Equal([13, 13, 12], residuals.Horizons.Select(h => h.Count)); // the last origin, 28, has 2 steps left
    }

    [Fact]
    public void The_model_file_keeps_them_never_smaller_and_files_without_them_load()
    {
        using var dir = new TempDir();
        var (model, scaler, values) = Small();
        var residuals = HeldOutResiduals.Measure(model, scaler, values, 20)!;
        ModelFile.Save(dir.File("m.json"), model with { Scaler = scaler, Residuals = residuals });
        var loaded = ModelFile.Load(dir.File("m.json")).Residuals!;
        Assert.Equal(("test", residuals.Origins, residuals.MaxHorizon), (loaded.Part, loaded.Origins, loaded.MaxHorizon));
        for (int h = 0; h < residuals.MaxHorizon; h++)
        {
            var (written, measured) = (loaded.Horizons[h].Sorted.ToArray(), residuals.Horizons[h].Sorted.ToArray());
            Assert.Equal(measured.Length, written.Length);
            for (int i = 0; i < written.Length; i++)
                Assert.InRange(written[i] - measured[i], 0, 1e-6 * Math.Max(1, measured[i])); // float32, rounded up
        }

        ModelFile.Save(dir.File("plain.json"), model with { Scaler = scaler });
        Assert.DoesNotContain("residuals", File.ReadAllText(dir.File("plain.json")));
        Assert.Null(ModelFile.Load(dir.File("plain.json")).Residuals);
        Assert.Null(ModelFile.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "model-v1-indented.json")).Residuals);
    }

    [Theory]
    [InlineData("{\"part\": \"test\", \"origins\": 2, \"absolute_errors\": [[1, -1]]}", "not negative")]
    [InlineData("{\"part\": \"test\", \"origins\": 2, \"absolute_errors\": [[]]}", "empty list for step 1")]
    [InlineData("{\"part\": \"test\", \"origins\": 2}", "needs \"absolute_errors\"")]
    [InlineData("[1, 2]", "not an object")]
    public void A_damaged_residuals_field_is_refused_in_one_line(string field, string expected)
    {
        using var dir = new TempDir();
        var (model, scaler, _) = Small();
        ModelFile.Save(dir.File("m.json"), model with { Scaler = scaler });
        string text = File.ReadAllText(dir.File("m.json"));
        File.WriteAllText(dir.File("m.json"), text[..text.LastIndexOf('}')].TrimEnd() + ",\n  \"residuals\": " + field + "\n}\n");
        var e = Assert.Throws<GpuRnnInputException>(() => ModelFile.Load(dir.File("m.json")));
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }
}
