namespace GpuRnn.Tests;

/// <summary>Keras's fit controls: validation_split, EarlyStopping(restore_best_weights=True), stopping on NaN.</summary>
public class TrainingControlTests
{
    static readonly ModelSpec Spec = new(1, [4], 1, Activation.Tanh, Activation.Linear, 5);

    [Fact]
    public void Validation_split_holds_out_the_last_windows_before_shuffling()
    {
        var data = RandomData.Windows(new Random(1), Spec, 50);
        var (train, validation) = Trainer.HoldOut(data, 0.2);
        Assert.Equal(40, train.Count);
        Assert.Equal(10, validation!.Count);
        Assert.Equal(data.Window(40).ToArray(), validation.Window(0).ToArray());
        Assert.Equal(data.Y[49], validation.Y[9]);

        using var engine = new ScalarEngine<float>(Spec);
        engine.SetParameters(Initializers.KerasDefaults(engine.Layout, 1));
        var history = Trainer.Fit(engine, data, new TrainingOptions { Epochs = 3, ValidationSplit = 0.2 });
        Assert.Equal(3 * 40, history.Steps); // only the 40 training windows are stepped on
        // The last epoch's validation loss is the MSE of the final weights on the held-out windows.
        double mse = Math.Pow(Metrics.Rmse(engine.Predict(validation), validation.Y), 2);
        Assert.Equal(mse, history.Epochs[^1].ValidationLoss!.Value, 1e-9);
    }

    [Fact]
    public void Early_stopping_restores_the_best_epochs_weights()
    {
        // A learning rate this large makes the loss bounce, so some epoch after the best one is worse.
        var data = RandomData.Windows(new Random(2), Spec, 40);
        using var engine = new ScalarEngine<float>(Spec);
        engine.SetParameters(Initializers.KerasDefaults(engine.Layout, 2));
        var history = Trainer.Fit(engine, data, new TrainingOptions { Epochs = 200, ValidationSplit = 0.25, EarlyStoppingPatience = 2, Adam = new AdamOptions(0.05f) });

        var validation = Trainer.HoldOut(data, 0.25).Validation!;
        var losses = history.Epochs.Select(e => e.ValidationLoss!.Value).ToArray();
        int best = Array.IndexOf(losses, losses.Min()) + 1;
        Assert.True(history.StoppedEarly);
        Assert.Equal(best, history.RestoredEpoch);
        Assert.Equal(best + 2, history.Epochs.Count); // patience 2: two epochs without improvement, then stop
        Assert.Equal(losses.Min(), Math.Pow(Metrics.Rmse(engine.Predict(validation), validation.Y), 2), 1e-9);
    }

    [Fact]
    public void A_loss_that_becomes_nan_stops_training_with_a_clear_message()
    {
        var spec = Spec with { HiddenActivation = Activation.Linear, Units = [8] };
        var data = RandomData.Windows(new Random(3), spec, 20);
        using var engine = new ScalarEngine<float>(spec);
        engine.SetParameters(Initializers.KerasDefaults(engine.Layout, 3));
        var e = Assert.Throws<TrainingDivergedException>(() => Trainer.Fit(engine, data, new TrainingOptions { Epochs = 500, Adam = new AdamOptions(1e8f) }));
        Assert.Contains("diverged", e.Message);
    }

    [Fact]
    public void The_cli_reports_validation_loss_early_stopping_and_writes_the_loss_plot()
    {
        using var dir = new TempDir();
        var run = CliRun.Of("train", "--validation-split", "0.2", "--early-stopping", "2", "--epochs", "100", "--lr", "0.01", "--plot", dir.File("f.png"));
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("val_loss", run.Out);
        Assert.Matches(@"(Early stopping after epoch \d+|Restored the weights of the best epoch)", run.Out);
        Assert.True(File.Exists(dir.File("f.png")));
        using var loss = SkiaSharp.SKBitmap.Decode(dir.File("f.loss.png"));
        Assert.Equal(900, loss.Width);

        var nan = CliRun.Of("train", "--lr", "1e9", "--activation", "linear", "--output-activation", "linear", "--hidden", "16", "--epochs", "200", "--no-plot");
        Assert.Equal(1, nan.ExitCode);
        Assert.Contains("diverged", nan.Err);
    }

    /// <summary>The bounded baseline's sample: training stops between batches at the time limit, reports only whole
    /// epochs, and its steps are exactly those of an unlimited run's beginning (same weights after as many steps).</summary>
    [Fact]
    public void A_time_limit_stops_between_batches_and_keeps_the_steps_it_took_exact()
    {
        var data = RandomData.Windows(new Random(4), Spec, 400);
        using var limited = new ScalarEngine<float>(Spec);
        limited.SetParameters(Initializers.KerasDefaults(limited.Layout, 4));
        var history = Trainer.Fit(limited, data, new TrainingOptions { Epochs = 100_000, TimeLimit = TimeSpan.FromMilliseconds(100) });
        Assert.True(history.StoppedByTimeLimit);
        Assert.InRange(history.Steps, 1, 100_000 * 400 - 1);
        Assert.Equal(history.Steps / 400, history.Epochs.Count); // whole epochs only

        // The same number of steps without a limit: the weights agree bit for bit.
        using var whole = new ScalarEngine<float>(Spec);
        whole.SetParameters(Initializers.KerasDefaults(whole.Layout, 4));
        whole.SetTrainingData(data);
        var schedule = new ShuffleSchedule(1, data.Count, shuffle: true);
        int done = 0;
        while (done < history.Steps)
        {
            whole.SetOrder(schedule.Next());
            for (int start = 0; start < data.Count && done < history.Steps; start++, done++)
            {
                whole.Forward(start, 1);
                whole.Backward();
                whole.ApplyAdam(new AdamOptions().StepFor(done + 1));
            }
        }
        Assert.Equal(whole.GetParameters(), limited.GetParameters());
    }
}
