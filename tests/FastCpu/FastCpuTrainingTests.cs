using GpuRnn.Training.Engines.FastCpu;

namespace GpuRnn.Tests.FastCpu;

/// <summary>Whole training runs on the fast engine: the tutorial's result, reproducibility, and the factory.</summary>
public sealed class FastCpuTrainingTests
{
    static TrainingResult Tutorial(EngineKind engine) =>
        new TrainingRun(SunspotsDataset.Load(), ModelSpec.Tutorial, new WindowingOptions(), new TrainingOptions(), engine).Run();

    [Fact]
    public void Tutorial_gives_the_scalar_engines_rmse()
    {
        var scalar = Tutorial(EngineKind.Scalar);
        var fast = Tutorial(EngineKind.Simd);
        Assert.Equal("simd", fast.EngineName);
        Assert.Equal(20, fast.History.Epochs.Count);
        Assert.InRange(Math.Abs(scalar.TrainRmse - fast.TrainRmse), 0, 1e-4);
        Assert.InRange(Math.Abs(scalar.TestRmse - fast.TestRmse), 0, 1e-4);
    }

    [Fact]
    public void Tutorial_runs_are_bit_identical()
    {
        var first = Tutorial(EngineKind.Simd);
        var second = Tutorial(EngineKind.Simd);
        Assert.Equal(first.Parameters, second.Parameters);
        Assert.Equal(first.TestPredictions, second.TestPredictions);
    }

    /// <summary>
    /// Big batches run chunks on several threads; the fixed chunk order must make the result independent of which
    /// thread finished first, so repeated runs (with different timing) give the same bits.
    /// </summary>
    [Fact]
    public void Threaded_training_is_bit_identical_across_runs()
    {
        var spec = new ModelSpec(1, [24], 1, Activation.Tanh, Activation.Tanh, 12);
        var data = RandomData.Windows(new Random(5), spec, 3000);
        var initial = RandomData.KerasWithNoise(spec.Layout(), seed: 9);
        var options = new TrainingOptions { Epochs = 2, BatchSize = 1024 };
        float[] Train()
        {
            using var engine = new FastCpuEngine(spec);
            engine.SetParameters(initial);
            Trainer.Fit(engine, data, options);
            return engine.GetParameters();
        }
        var first = Train();
        for (int run = 0; run < 3; run++) Assert.Equal(first, Train());
    }

    [Fact]
    public void Factory_creates_the_fast_engine()
    {
        using var engine = EngineFactory.Create(EngineKind.Simd, ModelSpec.Tutorial);
        Assert.IsType<FastCpuEngine>(engine);
    }

    [Fact]
    public void Windows_of_the_wrong_shape_are_refused_clearly()
    {
        using var engine = new FastCpuEngine(ModelSpec.Tutorial);
        var wrong = new WindowSet(new float[20], new float[2], 2, 5, 2, 1); // 2 features; any length fits
        var e = Assert.Throws<GpuRnnInputException>(() => engine.SetTrainingData(wrong));
        Assert.DoesNotContain('\n', e.Message);
    }
}
