using System.Globalization;
using GpuRnn.Training.Engines.FastCpu;
using GpuRnn.Training.Sweep;

namespace GpuRnn.Tests;

public class SweepTests
{
    static readonly SweepGrid Grid = new([2, 3], [6, 12], [1, 2], [0.001f, 0.01f]);
    static readonly TrainingOptions Options = new() { Epochs = 3, ValidationSplit = 0.2 };

    static SweepRunner Runner() => new(SunspotsDataset.Load(), ModelSpec.Tutorial, new WindowingOptions(), Options);

    [Fact]
    public void Sweep_covers_the_grid_sorted_by_validation_rmse()
    {
        var result = Runner().Run(Grid, EngineKind.Simd);
        Assert.Equal(16, result.Entries.Count);
        Assert.Equal(Grid.Configs().ToHashSet(), result.Entries.Select(e => e.Config).ToHashSet());
        Assert.True(result.Entries.Zip(result.Entries.Skip(1)).All(p => p.First.ValidationRmse <= p.Second.ValidationRmse));
        // The scores are the model's own: recompute the best one's test RMSE from its weights.
        var best = result.Best;
        var data = ForecastData.Prepare(SunspotsDataset.Load(), new WindowingOptions(best.Config.TimeSteps));
        using var engine = new ScalarEngine<float>(best.Spec);
        engine.SetParameters(best.Parameters);
        Assert.Equal(Metrics.Rmse(engine.Predict(data.Test), data.Test.Y), best.TestRmse, 1e-5);
        Assert.Equal(best.Config.Hidden, best.Spec.Units[0]);
    }

    [Fact]
    public void Sweep_command_prints_the_table_writes_csv_and_the_best_model()
    {
        using var dir = new TempDir();
        var run = CliRun.Of("sweep", "--hidden", "2,3", "--time-steps", "12", "--seeds", "1,2", "--lrs", "0.01", "--epochs", "2",
            "--csv", dir.File("s.csv"), "--save-best", dir.File("best.json"), "--accelerator", "simd", "--baseline", "full"); // not auto: a GPU would change the trainer; full: a slow machine would estimate
        Assert.Equal(0, run.ExitCode);
        Assert.Matches(@"\(simd: \d+ models per SIMD vector", run.Out);
        Assert.Matches(@"\(simd, one model at a time\); speed-up \d+\.\d\d×; (identical weights|weights differ by at most \d)", run.Out);
        Assert.Matches(@"\(scalar, one model at a time\); speed-up \d+\.\d\d×; (identical weights|weights differ by at most \d)", run.Out);
        Assert.Matches(@"speed-up \d+\.\d\d×", run.Out);
        var lines = File.ReadAllLines(dir.File("s.csv"));
        Assert.Equal("rank,hidden,time_steps,seed,learning_rate,train_rmse,val_rmse,test_rmse", lines[0]);
        Assert.Equal(5, lines.Length);
        var best = lines[1].Split(',');
        var model = ModelFile.Load(dir.File("best.json"));
        Assert.Equal(int.Parse(best[1], CultureInfo.InvariantCulture), model.Spec.Units[0]);
        Assert.Contains($"Best:  hidden {best[1]}, time steps 12, seed {best[3]}", run.Out);
    }

    [Theory]
    [InlineData("--hidden", "0")]
    [InlineData("--hidden", "a,b")]
    [InlineData("--lrs", "-1")]
    [InlineData("--validation-split", "0")]
    [InlineData("--time-steps", "3000")]
    public void Sweep_refuses_nonsense_with_one_line_and_no_csv(string option, string value)
    {
        using var dir = new TempDir();
        var run = CliRun.Of("sweep", option, value, "--epochs", "1", "--csv", dir.File("s.csv"));
        Assert.Equal(2, run.ExitCode);
        Assert.Single(run.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.False(File.Exists(dir.File("s.csv")));
    }

    /// <summary>The bounded comparison: with no time to spare it trains one model, which equals the sweep's, and
    /// scales its time to the grid; with no budget it trains every model of the grid.</summary>
    [Fact]
    public void The_one_at_a_time_comparison_samples_within_its_budget_and_estimates_the_rest()
    {
        var runner = Runner();
        var trainer = EngineKind.Scalar;
        var sweep = runner.Run(Grid, trainer);

        var sample = runner.TrainAlone(Grid, trainer, TimeSpan.Zero);
        Assert.Single(sample.Weights);
        Assert.False(sample.IsWholeGrid);
        Assert.Equal(sample.Elapsed * Grid.Count, sample.Estimate);
        var (config, weights) = sample.Weights.Single();
        Assert.Equal(sweep.Entries.Single(e => e.Config == config).Parameters, weights);

        var whole = runner.TrainAlone(Grid, trainer, budget: null);
        Assert.True(whole.IsWholeGrid);
        Assert.Equal(Grid.Count, whole.Weights.Count);
        Assert.Equal(whole.Elapsed, whole.Estimate);
        foreach (var e in sweep.Entries) Assert.Equal(e.Parameters, whole.Weights[e.Config]);
    }

    /// <summary>The sweep trains each configuration exactly as train does with --validation-split 0.2: the best model
    /// it saves is the model train saves for that configuration, bit for bit on the scalar engine.</summary>
    [Fact]
    public void The_sweeps_best_model_is_the_model_train_makes_with_its_configuration()
    {
        using var dir = new TempDir();
        var sweep = CliRun.Of("sweep", "--hidden", "3", "--time-steps", "12", "--seeds", "2", "--lrs", "0.01", "--epochs", "3",
            "--accelerator", "scalar", "--no-baseline", "--csv", dir.File("s.csv"), "--save-best", dir.File("best.json"));
        var train = CliRun.Of("train", "--hidden", "3", "--time-steps", "12", "--seed", "2", "--lr", "0.01", "--epochs", "3", "--validation-split", "0.2",
            "--accelerator", "scalar", "--no-plot", "--save", dir.File("train.json"));
        Assert.True(sweep.ExitCode == 0 && train.ExitCode == 0, sweep.Err + train.Err);
        var best = ModelFile.Load(dir.File("best.json"));
        var trained = ModelFile.Load(dir.File("train.json"));
        Assert.Equal(trained.Parameters, best.Parameters);
        Assert.Equal(trained.Training, best.Training);
    }
}
