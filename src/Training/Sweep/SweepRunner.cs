using System.Diagnostics;
using GpuRnn.Training.Data;
using GpuRnn.Training.Engines;
using GpuRnn.Training.Model;

namespace GpuRnn.Training.Sweep;

/// <summary>One trained configuration with its errors (scaled units) and weights.</summary>
public sealed record SweepEntry(SweepConfig Config, ModelSpec Spec, float[] Parameters, double TrainRmse, double ValidationRmse, double TestRmse);

/// <summary>A whole sweep: entries sorted by validation RMSE (best first) and the time the training took.</summary>
public sealed record SweepResult(IReadOnlyList<SweepEntry> Entries, MinMaxScaler Scaler, TimeSpan Elapsed, string TrainerName)
{
    public SweepEntry Best => Entries[0];
}

/// <summary>
/// Trains every configuration of a grid. Configurations of one shape (hidden size, time steps) form a group that a
/// <see cref="IGroupTrainer"/> trains together; each is then scored on the held-out validation windows (the last
/// ones of the training part, as Keras's validation_split) and on the test part.
/// </summary>
public sealed class SweepRunner(Series series, ModelSpec template, WindowingOptions windowing, TrainingOptions training)
{
    public SweepResult Run(SweepGrid grid, IGroupTrainer trainer)
    {
        grid.Validated();
        if (!(training.ValidationSplit > 0)) throw new GpuRnnInputException("a sweep ranks by validation RMSE: give a validation split above 0");
        var entries = new List<SweepEntry>();
        var clock = new Stopwatch();
        MinMaxScaler? scaler = null;
        foreach (var shape in grid.Configs().GroupBy(c => (c.Hidden, c.TimeSteps)))
        {
            var data = ForecastData.Prepare(series, windowing with { TimeSteps = shape.Key.TimeSteps });
            scaler = data.Scaler;
            var (fit, validation) = Trainer.HoldOut(data.Train, training.ValidationSplit);
            var spec = (template with { Units = [shape.Key.Hidden], TimeSteps = shape.Key.TimeSteps }).Validated();
            var configs = shape.ToList();
            // One tiny untimed run first, so that JIT or kernel compilation stays out of the timed region.
            trainer.Train(spec, fit.Slice(0, Math.Min(fit.Count, 2)), [new GroupMember(configs[0].Seed, configs[0].LearningRate)], training with { ValidationSplit = 0, Epochs = 1 });
            clock.Start();
            var trained = trainer.Train(spec, fit, [.. configs.Select(c => new GroupMember(c.Seed, c.LearningRate))], training with { ValidationSplit = 0 });
            clock.Stop();
            using var scorer = new ScalarEngine<float>(spec);
            for (int i = 0; i < configs.Count; i++)
            {
                scorer.SetParameters(trained[i]);
                entries.Add(new SweepEntry(configs[i], spec, trained[i],
                    Metrics.Rmse(scorer.Predict(fit), fit.Y), Metrics.Rmse(scorer.Predict(validation!), validation!.Y),
                    Metrics.Rmse(scorer.Predict(data.Test), data.Test.Y)));
            }
        }
        var sorted = entries.OrderBy(e => double.IsNaN(e.ValidationRmse) ? double.MaxValue : e.ValidationRmse).ToList();
        return new SweepResult(sorted, scaler!, clock.Elapsed, trainer.Name);
    }
}
