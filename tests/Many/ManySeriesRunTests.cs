using GpuRnn.Training.Many;

namespace GpuRnn.Tests.Many;

/// <summary>
/// One model per series: each series' model is the model <see cref="TrainingRun"/> trains from that series alone with
/// the series' seed (bit for bit where the engine trains its models as it trains one, within the SIMD tolerance
/// otherwise), whatever other series share the file, in whatever order; seeds come from ids, never positions.
/// </summary>
public class ManySeriesRunTests
{
    static readonly WindowingOptions Windowing = new(TimeSteps: 6);
    static readonly ModelSpec Spec = ModelSpec.Tutorial with { TimeSteps = 6 };
    static readonly TrainingOptions Training = new() { Epochs = 3, Seed = 5 };

    /// <summary>Five series of 120 and two of 80 values: two groups of different window counts.</summary>
    static SeriesCollection Data()
    {
        var made = SyntheticSeries.Monthly(7, length: 120, seed: 2);
        var series = made.Series.Select((s, i) => i < 5 ? s : s with { Values = s.Values[..80], Dates = null }).ToArray();
        return made with { Series = series };
    }

    [Theory]
    [InlineData(EngineKind.Scalar)]
    [InlineData(EngineKind.IlgpuCpu)]
    public void Each_series_model_is_the_model_trained_alone_with_its_seed_bit_for_bit(EngineKind kind)
    {
        var data = Data();
        var many = new ManySeriesRun(data, Spec, Windowing, Training, kind).Run();
        Assert.Equal(data.Series.Count, many.Models.Count);
        foreach (var model in many.Models)
        {
            var series = data.Series.Single(s => s.Name == model.Id);
            Assert.Equal(SeriesSeed.Of(Training.Seed, model.Id), model.Seed);
            var alone = new TrainingRun(series, Spec, Windowing, Training with { Seed = model.Seed }, kind).Run();
            Assert.Equal(alone.Parameters, model.Result.Parameters);
            Assert.Equal(alone.TrainPredictions, model.Result.TrainPredictions);
            Assert.Equal(alone.TestPredictions, model.Result.TestPredictions);
            Assert.Equal(alone.History.Epochs.Select(e => e.Loss), model.Result.History.Epochs.Select(e => e.Loss));
            Assert.Equal(alone.TestRmseOriginal, model.Result.TestRmseOriginal);
        }
    }

    /// <summary>Stacked layers, batches, a validation split and early stopping: each series' model still is its own run's, bit for bit on the scalar engine.</summary>
    [Fact]
    public void Stacked_batched_and_early_stopped_models_are_each_the_one_trained_alone()
    {
        var data = Data();
        var spec = Spec with { Units = [4, 3] };
        var training = Training with { Epochs = 12, BatchSize = 4, ValidationSplit = 0.25, EarlyStoppingPatience = 1, Adam = new AdamOptions(0.05f) };
        var many = new ManySeriesRun(data, spec, Windowing, training, EngineKind.Scalar).Run();
        Assert.Equal(data.Series.Count, many.Models.Count);
        foreach (var model in many.Models)
        {
            var alone = new TrainingRun(data.Series.Single(s => s.Name == model.Id), spec, Windowing, training with { Seed = model.Seed }, EngineKind.Scalar).Run();
            Assert.Equal(alone.Parameters, model.Result.Parameters);
            Assert.Equal(alone.History.Epochs.Select(e => e.ValidationLoss), model.Result.History.Epochs.Select(e => e.ValidationLoss));
            Assert.Equal(alone.History.RestoredEpoch, model.Result.History.RestoredEpoch);
        }
        Assert.Contains(many.Models, m => m.Result.History.Epochs.Count < training.Epochs); // early stopping stopped some
    }

    [Fact]
    public void On_the_simd_engine_each_model_is_the_one_trained_alone_within_the_simd_tolerance()
    {
        var data = Data();
        var many = new ManySeriesRun(data, Spec, Windowing, Training, EngineKind.Simd).Run();
        Assert.Equal("simd", many.EngineName);
        foreach (var model in many.Models)
        {
            var alone = new TrainingRun(data.Series.Single(s => s.Name == model.Id), Spec, Windowing, Training with { Seed = model.Seed }, EngineKind.Scalar).Run();
            Close.Assert(alone.Parameters, model.Result.Parameters, 1e-4, $"series {model.Id}'s weights", 1e-6);
            Close.Assert(alone.TestPredictions, model.Result.TestPredictions, 1e-4, $"series {model.Id}'s test predictions", 1e-6);
        }
    }

    [Fact]
    public void A_series_model_does_not_depend_on_the_other_series_nor_on_their_order()
    {
        var data = Data();
        var all = new ManySeriesRun(data, Spec, Windowing, Training, EngineKind.Simd).Run().Models.ToDictionary(m => m.Id);
        var some = data with { Series = [.. data.Series.Reverse().Where((_, i) => i % 2 == 0)] };
        var again = new ManySeriesRun(some, Spec, Windowing, Training, EngineKind.Simd).Run();
        Assert.Equal(some.Series.Select(s => s.Name), again.Models.Select(m => m.Id));
        foreach (var model in again.Models)
            Assert.Equal(all[model.Id].Result.Parameters, model.Result.Parameters);
    }

    [Fact]
    public void Seeds_come_from_the_run_s_seed_and_the_id()
    {
        Assert.Equal(SeriesSeed.Of(1, "store7"), SeriesSeed.Of(1, "store7"));
        var seeds = new[] { SeriesSeed.Of(1, "store7"), SeriesSeed.Of(2, "store7"), SeriesSeed.Of(1, "store8"), SeriesSeed.Of(1, "store70") };
        Assert.Equal(seeds.Length, seeds.Distinct().Count());
        Assert.All(seeds, s => Assert.True(s >= 0));
        // Independent of position: the same id in another file gets the same seed (its value pinned, so a change to the hash is seen).
        Assert.Equal(SeriesSeed.Of(1, "store7"), SeriesSeed.Of(1, new string(['s', 't', 'o', 'r', 'e', '7'])));
    }

    [Fact]
    public void A_series_too_short_for_a_window_is_skipped_with_its_reason()
    {
        var data = Data();
        data = data with { Series = [.. data.Series, new Series("tiny", "synthetic", [1, 2, 3])] };
        var many = new ManySeriesRun(data, Spec, Windowing, Training, EngineKind.Simd).Run();
        Assert.DoesNotContain(many.Models, m => m.Id == "tiny");
        Assert.Contains("too short", many.Skipped.Single(s => s.Id == "tiny").Reason);
    }

    [Fact]
    public void No_series_to_train_is_refused_in_one_line()
    {
        var data = new SeriesCollection([new Series("tiny", "t", [1, 2, 3])], [new SkippedSeries("bad", "line 2: 'x' is not a number")], "t");
        var e = Assert.Throws<GpuRnnInputException>(() => new ManySeriesRun(data, Spec, Windowing, Training, EngineKind.Simd).Run());
        Assert.StartsWith("no series to train: all 2 were skipped (first: 'bad': line 2: 'x' is not a number)", e.Message);
    }
}
