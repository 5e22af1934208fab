using System.Diagnostics;
using GpuRnn.Training.Data;
using GpuRnn.Training.Engines;
using GpuRnn.Training.Model;

namespace GpuRnn.Training.Sweep;

/// <summary>
/// One trained configuration with its errors (scaled units) and weights. <see cref="TrainRmse"/> covers every window
/// before the split (the validation windows too), as <c>gpurnn train</c> reports it; <see cref="ValidationRmse"/> the
/// held-out last ones; <see cref="TestRmse"/> the windows after the split.
/// </summary>
public sealed record SweepEntry(SweepConfig Config, ModelSpec Spec, float[] Parameters, double TrainRmse, double ValidationRmse, double TestRmse);

/// <summary>Configurations trained one at a time (all of the grid, or a timed sample of it) and how long they took.</summary>
public sealed record AloneSample(IReadOnlyDictionary<SweepConfig, float[]> Weights, TimeSpan Elapsed, int GridCount, string TrainerName)
{
    public bool IsWholeGrid => Weights.Count == GridCount;

    /// <summary>The time the whole grid would take one at a time: measured, or the sample's time per model times the grid's size.</summary>
    public TimeSpan Estimate => IsWholeGrid ? Elapsed : Elapsed / Weights.Count * GridCount;
}

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
        var groups = Groups(grid);
        var common = WarmUp(groups, trainer);
        var trained = new IReadOnlyList<float[]>[groups.Count];
        var clock = Stopwatch.StartNew();
        if (trainer.TrainsGroupsConcurrently)
            Parallel.For(0, groups.Count, i => trained[i] = trainer.Train(groups[i].Spec, groups[i].Fit, groups[i].Members, common));
        else
            for (int i = 0; i < groups.Count; i++) trained[i] = trainer.Train(groups[i].Spec, groups[i].Fit, groups[i].Members, common);
        clock.Stop();

        var entries = new List<SweepEntry>();
        for (int g = 0; g < groups.Count; g++)
        {
            var (spec, data, fit, validation, configs) = groups[g];
            using var scorer = new ScalarEngine<float>(spec);
            for (int i = 0; i < configs.Count; i++)
            {
                scorer.SetParameters(trained[g][i]);
                entries.Add(new SweepEntry(configs[i], spec, trained[g][i],
                    Metrics.Rmse(scorer.Predict(data.Train), data.Train.Y), Metrics.Rmse(scorer.Predict(validation), validation.Y),
                    Metrics.Rmse(scorer.Predict(data.Test), data.Test.Y)));
            }
        }
        var scaler = groups[0].Data.Scaler; // fitted on the series or its training part: the same for every window length
        var sorted = entries.OrderBy(e => double.IsNaN(e.ValidationRmse) ? double.MaxValue : e.ValidationRmse).ToList();
        return new SweepResult(sorted, scaler, clock.Elapsed, trainer.Name);
    }

    /// <summary>
    /// The one-at-a-time comparison, within a time budget: configurations are trained alone (one member per call),
    /// taking one from each shape in turn, until <paramref name="budget"/> is spent (at least one is trained; all of
    /// them when the budget is null). The time per model times the grid's size estimates the whole comparison.
    /// </summary>
    public AloneSample TrainAlone(SweepGrid grid, IGroupTrainer trainer, TimeSpan? budget)
    {
        var groups = Groups(grid);
        var common = WarmUp(groups, trainer);
        var weights = new Dictionary<SweepConfig, float[]>();
        var clock = Stopwatch.StartNew();
        for (int k = 0; k < groups.Max(g => g.Configs.Count); k++)
            foreach (var g in groups.Where(g => k < g.Configs.Count))
            {
                if (budget is { } b && weights.Count > 0 && clock.Elapsed > b) return new AloneSample(weights, clock.Elapsed, grid.Count, trainer.Name);
                weights[g.Configs[k]] = trainer.Train(g.Spec, g.Fit, [g.Members[k]], common)[0];
            }
        return new AloneSample(weights, clock.Elapsed, grid.Count, trainer.Name);
    }

    List<Group> Groups(SweepGrid grid)
    {
        grid.Validated();
        if (!(training.ValidationSplit > 0)) throw new GpuRnnInputException("a sweep ranks by validation RMSE: give a validation split above 0");
        return [.. grid.Configs().GroupBy(c => (c.Hidden, c.TimeSteps)).Select(shape =>
        {
            var data = ForecastData.Prepare(series, windowing with { TimeSteps = shape.Key.TimeSteps });
            var (fit, validation) = Trainer.HoldOut(data.Train, training.ValidationSplit);
            var spec = (template with { Units = [shape.Key.Hidden], TimeSteps = shape.Key.TimeSteps }).Validated();
            return new Group(spec, data, fit, validation!, shape.ToList());
        })];
    }

    /// <summary>One tiny untimed run per shape, so that JIT or kernel compilation stays out of the timed region.</summary>
    TrainingOptions WarmUp(List<Group> groups, IGroupTrainer trainer)
    {
        var common = training with { ValidationSplit = 0 };
        foreach (var g in groups)
            trainer.Train(g.Spec, g.Fit.Slice(0, Math.Min(g.Fit.Count, 2)), [g.Members[0]], common with { Epochs = 1 });
        return common;
    }

    /// <summary>The configurations of one shape with the windows they train and are scored on.</summary>
    sealed record Group(ModelSpec Spec, ForecastData Data, WindowSet Fit, WindowSet Validation, List<SweepConfig> Configs)
    {
        public GroupMember[] Members { get; } = [.. Configs.Select(c => new GroupMember(c.Seed, c.LearningRate))];
    }
}
