using System.Diagnostics;
using GpuRnn.Training.Data;
using GpuRnn.Training.Engines;
using GpuRnn.Training.Engines.FastCpu;
using GpuRnn.Training.Model;

namespace GpuRnn.Training.Sweep;

/// <summary>
/// One trained configuration with its errors (scaled units) and weights. <see cref="TrainRmse"/> covers every window
/// before the split (the validation windows too), as <c>gpurnn train</c> reports it; <see cref="ValidationRmse"/> the
/// held-out last ones; <see cref="TestRmse"/> the windows after the split.
/// </summary>
public sealed record SweepEntry(SweepConfig Config, ModelSpec Spec, float[] Parameters, double TrainRmse, double ValidationRmse, double TestRmse)
{
    /// <summary>Where the configuration is in the list trained (the grid's order, for a whole grid): ties in the ranking keep this order.</summary>
    public int Position { get; init; }
}

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
    /// <summary>The input columns' scalers, as a saved model keeps them (null: the one input is the target, scaled by <see cref="Scaler"/>).</summary>
    public IReadOnlyList<ColumnScaler>? Inputs { get; init; }

    public SweepEntry Best => Entries[0];
}

/// <summary>
/// Trains every configuration of a grid. The configurations of one shape (hidden size, time steps) are the M models
/// of one engine, trained together by <see cref="Trainer.Fit(IRnnEngine, WindowSet, TrainingOptions, IReadOnlyList{ModelVariant}, Action{EpochReport}?, Action{BatchProgress}?)"/>;
/// each is then scored by that engine on the held-out validation windows (the last ones of the training part, as
/// Keras's validation_split), on the whole training part and on the test part.
/// </summary>
public sealed class SweepRunner(Series series, ModelSpec template, WindowingOptions windowing, TrainingOptions training)
{
    /// <summary>The input columns (the template's features; <c>series</c> is the target); null: the series is the only input.</summary>
    public IReadOnlyList<Series>? Inputs { get; init; }

    /// <summary>Trains the grid on <paramref name="kind"/>, each shape's models together; only training is timed (engines are made first).</summary>
    public SweepResult Run(SweepGrid grid, EngineKind kind) => Run([.. grid.Validated().Configs()], kind);

    /// <summary>Trains these configurations (a shard of a grid, say) as <see cref="Run(SweepGrid, EngineKind)"/> trains a whole grid.</summary>
    public SweepResult Run(IReadOnlyList<SweepConfig> configs, EngineKind kind)
    {
        var groups = Groups(configs);
        using var maker = new EngineMaker(kind, Work(groups)); // an accelerator opens once for every shape
        var common = WarmUp(groups, maker);
        var engines = new IRnnEngine[groups.Count];
        try
        {
            for (int g = 0; g < groups.Count; g++) engines[g] = maker.Create(groups[g].Spec, groups[g].Configs.Count);
            var clock = Stopwatch.StartNew();
            if (TrainsShapesSideBySide(maker.Kind))
                Parallel.For(0, groups.Count, g => Train(engines[g], groups[g].Fit, groups[g].Configs, common));
            else
                for (int g = 0; g < groups.Count; g++) Train(engines[g], groups[g].Fit, groups[g].Configs, common);
            clock.Stop();
            var entries = groups.SelectMany((group, g) => Score(engines[g], group)).ToList();
            var sorted = entries.OrderBy(e => RankKey(e.ValidationRmse)).ThenBy(e => e.Position).ToList();
            // The scaler is fitted on the series or its training part: the same for every window length.
            return new SweepResult(sorted, groups[0].Data.Scaler, clock.Elapsed, Describe(engines[0])) { Inputs = groups[0].Data.Columns.SavedInputs };
        }
        finally
        {
            foreach (var e in engines) e?.Dispose();
        }
    }

    /// <summary>The ranking's order: by validation RMSE, a NaN (a diverged model) last; ties keep the grid's order.</summary>
    public static double RankKey(double validationRmse) => double.IsNaN(validationRmse) ? double.MaxValue : validationRmse;

    /// <summary>
    /// The one-at-a-time comparison on <paramref name="kind"/>, within a time budget: configurations are trained
    /// alone (engines of one model), taking one from each shape in turn, until <paramref name="budget"/> is spent (at
    /// least one is trained; all of them when the budget is null). Only training is timed. The time per model times
    /// the grid's size estimates the whole comparison.
    /// </summary>
    public AloneSample TrainAlone(SweepGrid grid, EngineKind kind, TimeSpan? budget)
    {
        var groups = Groups([.. grid.Validated().Configs()]);
        using var maker = new EngineMaker(kind, Work(groups));
        var common = WarmUp(groups, maker, models: 1);
        var weights = new Dictionary<SweepConfig, float[]>();
        var timed = TimeSpan.Zero;
        string name = $"{EngineNames.Of(maker.Kind)}, one model at a time";
        for (int k = 0; k < groups.Max(g => g.Configs.Count); k++)
            foreach (var g in groups.Where(g => k < g.Configs.Count))
            {
                if (budget is { } b && weights.Count > 0 && timed > b) return new AloneSample(weights, timed, grid.Count, name);
                using var engine = maker.Create(g.Spec);
                var clock = Stopwatch.StartNew();
                Train(engine, g.Fit, [g.Configs[k]], common);
                timed += clock.Elapsed;
                weights[g.Configs[k]] = engine.GetParameters();
            }
        return new AloneSample(weights, timed, grid.Count, name);
    }

    /// <summary>Each configuration's Keras initial weights from its seed, then the one training loop.</summary>
    static void Train(IRnnEngine engine, WindowSet fit, IReadOnlyList<SweepConfig> configs, TrainingOptions common)
    {
        int p = engine.Layout.Count;
        var initial = new float[configs.Count * p];
        for (int m = 0; m < configs.Count; m++) Initializers.KerasDefaults(engine.Layout, configs[m].Seed).CopyTo(initial, m * p);
        engine.SetParameters(initial);
        Trainer.Fit(engine, fit, common, [.. configs.Select(c => new ModelVariant(c.Seed, c.LearningRate))]);
    }

    /// <summary>Every model of a group scored by the engine that trained it.</summary>
    static IEnumerable<SweepEntry> Score(IRnnEngine engine, Group group)
    {
        var weights = engine.GetParameters();
        var train = engine.Predict(group.Data.Train);
        var validation = engine.Predict(group.Validation);
        var test = engine.Predict(group.Data.Test);
        int p = engine.Layout.Count;
        for (int m = 0; m < group.Configs.Count; m++)
            yield return new SweepEntry(group.Configs[m], group.Spec, weights.AsSpan(m * p, p).ToArray(),
                Rmse(train, m, group.Data.Train), Rmse(validation, m, group.Validation), Rmse(test, m, group.Data.Test)) { Position = group.Positions[m] };
    }

    static double Rmse(float[] predicted, int model, WindowSet windows) =>
        Metrics.Rmse(predicted.AsSpan(model * windows.Y.Length, windows.Y.Length), windows.Y);

    /// <summary>
    /// Whether the shapes of a grid train side by side on the cores: yes for the SIMD engine, whose models-in-lanes
    /// epoch uses one core per vector of models (a small group would leave the others idle); no for the scalar baseline
    /// (one model at a time, by definition) and for an accelerator, which one group already fills.
    /// </summary>
    static bool TrainsShapesSideBySide(EngineKind kind) => kind == EngineKind.Simd;

    static string Describe(IRnnEngine engine) => engine switch
    {
        SeparateModels => $"{engine.Name}, one model at a time",
        ModelLanesEngine lanes => $"{engine.Name}: {lanes.LanesPerVector} models per SIMD vector on {Environment.ProcessorCount} core(s)",
        _ when engine.Models == 1 => engine.Name,
        _ => $"{engine.Name}: every model of a shape in the same launches",
    };

    List<Group> Groups(IReadOnlyList<SweepConfig> configs)
    {
        if (configs.Count == 0) throw new GpuRnnInputException("no configurations to train");
        if (!(training.ValidationSplit > 0)) throw new GpuRnnInputException("a sweep ranks by validation RMSE: give a validation split above 0");
        return [.. configs.Select((c, i) => (Config: c, Position: i)).GroupBy(c => (c.Config.Hidden, c.Config.TimeSteps)).Select(shape =>
        {
            var data = ForecastData.Prepare(Inputs ?? [series], series, windowing with { TimeSteps = shape.Key.TimeSteps });
            var (fit, validation) = Trainer.HoldOut(data.Train, training.ValidationSplit);
            var spec = (template with { Units = [shape.Key.Hidden], TimeSteps = shape.Key.TimeSteps }).Validated();
            return new Group(spec, data, fit, validation!, [.. shape.Select(c => c.Config)], [.. shape.Select(c => c.Position)]);
        })];
    }

    /// <summary>
    /// One tiny untimed run per shape, on an engine like the timed ones (<paramref name="models"/>, or the group's
    /// size), so that JIT or kernel compilation stays out of the timed region. Returns the options every model
    /// trains with: the sweep's, on the windows it holds out itself.
    /// </summary>
    TrainingOptions WarmUp(List<Group> groups, EngineMaker maker, int? models = null)
    {
        var common = training with { ValidationSplit = 0 };
        foreach (var g in groups)
        {
            var configs = g.Configs.Take(models ?? g.Configs.Count).ToList();
            using var engine = maker.Create(g.Spec, configs.Count);
            Train(engine, g.Fit.Slice(0, Math.Min(g.Fit.Count, 2)), configs, common with { Epochs = 1 });
        }
        return common;
    }

    /// <summary>The whole grid's training, which <c>auto</c> weighs.</summary>
    TrainingWork Work(List<Group> groups) => groups.Aggregate(default(TrainingWork), (sum, g) =>
        sum + TrainingWork.Of(g.Spec.Layout(), g.Fit.TimeSteps, g.Fit.Count, training.Epochs, training.BatchSize, g.Configs.Count));

    /// <summary>The configurations of one shape with the windows they train and are scored on.</summary>
    sealed record Group(ModelSpec Spec, ForecastData Data, WindowSet Fit, WindowSet Validation, List<SweepConfig> Configs, List<int> Positions);
}
