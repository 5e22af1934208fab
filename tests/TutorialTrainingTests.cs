namespace GpuRnn.Tests;

/// <summary>The tutorial end to end on the scalar engine: Keras lands at train RMSE ≈ 0.06 and test ≈ 0.09.</summary>
public class TutorialTrainingTests
{
    static TrainingResult Train(int seed) =>
        new TrainingRun(SunspotsDataset.Load(), ModelSpec.Tutorial, new WindowingOptions(), new TrainingOptions { Seed = seed }, EngineKind.Scalar).Run();

    /// <remarks>
    /// As in Keras, the result after 20 epochs varies a lot with the seed: over 300 seeds a Keras-exact reference has
    /// test RMSE mean 0.097, p90 0.119 and max 0.27, and some initialisations converge slowly (here seed 18 ends at
    /// 0.18 and reaches 0.07 after 100 epochs). So no single seed is held to the ≈ 0.06 / 0.09 band:
    /// the first five seeds (not picked) must each stay within Keras's whole spread and learn, and their median
    /// must land in the band.
    /// </remarks>
    [Fact]
    public void Twenty_epochs_land_in_kerass_band_over_five_seeds()
    {
        var results = Enumerable.Range(1, 5).Select(Train).ToArray();
        foreach (var result in results)
        {
            Assert.Equal(20, result.History.Epochs.Count);
            Assert.Equal(187 * 20, result.History.Steps);
            Assert.InRange(result.TestRmse, 0.01, 0.3); // Keras's worst of 300 seeds: 0.27
            Assert.True(result.History.Epochs[^1].Loss < result.History.Epochs[0].Loss, "the loss should fall");
            // Original units are the scaled error times the series' range (253.8 − 0).
            Assert.Equal(result.TestRmse * 253.8, result.TestRmseOriginal, 1e-3);
        }
        static double Median(IEnumerable<double> values) => values.Order().ElementAt(2);
        Assert.InRange(Median(results.Select(r => r.TrainRmse)), 0.01, 0.09);
        Assert.InRange(Median(results.Select(r => r.TestRmse)), 0.01, 0.12);
    }

    [Fact]
    public void The_same_seed_gives_bit_identical_weights()
    {
        var a = Train(7);
        var b = Train(7);
        Assert.Equal(a.Parameters, b.Parameters);
        Assert.NotEqual(a.Parameters, Train(8).Parameters);
    }

    [Fact]
    public void Batches_that_do_not_divide_the_data_cover_every_window()
    {
        var spec = new ModelSpec(1, [4], 1, Activation.Tanh, Activation.Linear, 5);
        var data = RandomData.Windows(new Random(3), spec, 23);
        using var engine = new ScalarEngine<float>(spec);
        engine.SetParameters(Initializers.KerasDefaults(engine.Layout, 3));
        var history = Trainer.Fit(engine, data, new TrainingOptions { Epochs = 2, BatchSize = 10 });
        Assert.Equal(6, history.Steps); // 10 + 10 + 3, twice
        // The epoch loss is the mean over all 23 windows: with the learning rate at zero it equals the plain MSE.
        using var frozen = new ScalarEngine<float>(spec);
        var start = Initializers.KerasDefaults(frozen.Layout, 3);
        frozen.SetParameters(start);
        var still = Trainer.Fit(frozen, data, new TrainingOptions { Epochs = 1, BatchSize = 10, Adam = new AdamOptions(1e-30f) });
        double mse = Math.Pow(Metrics.Rmse(frozen.Predict(data), data.Y), 2);
        Assert.Equal(mse, still.Epochs[0].Loss, 1e-6);
    }

    [Fact]
    public void Epochs_zero_with_initial_weights_only_evaluates()
    {
        var trained = Train(1);
        var evaluated = new TrainingRun(SunspotsDataset.Load(), ModelSpec.Tutorial, new WindowingOptions(), new TrainingOptions { Epochs = 0 }, EngineKind.Scalar)
        { InitialWeights = trained.Parameters }.Run();
        Assert.Equal(trained.Parameters, evaluated.Parameters);
        Assert.Equal(trained.TestRmse, evaluated.TestRmse);
    }
}
