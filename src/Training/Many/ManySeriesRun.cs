using System.Diagnostics;
using GpuRnn.Training.Data;
using GpuRnn.Training.Engines;
using GpuRnn.Training.Model;

namespace GpuRnn.Training.Many;

/// <summary>One series' trained model: its result as a training run of its own would report it, and its seed.</summary>
public sealed record SeriesModel(string Id, int Seed, TrainingResult Result);

/// <summary>Every series' model, the series left out and why, and the engine and time the training took.</summary>
public sealed record ManySeriesResult(IReadOnlyList<SeriesModel> Models, IReadOnlyList<SkippedSeries> Skipped, string EngineName, TimeSpan TrainingTime);

/// <summary>
/// One model per series, all trained together: each series scaled and windowed on its own (as <see cref="TrainingRun"/>
/// does one), its seed from the run's seed and its id (<see cref="SeriesSeed"/>), then the series with as many
/// windows trained as the M models of one engine (<see cref="Trainer.FitPerModel"/>). Each model is the one
/// <see cref="TrainingRun"/> trains from the series alone with the series' seed: bit for bit on an engine whose
/// models train as they do alone (every engine but the SIMD one, whose lanes hold models here and windows there),
/// within the engines' tolerance otherwise.
/// </summary>
public sealed record ManySeriesRun(SeriesCollection Data, ModelSpec Spec, WindowingOptions Windowing, TrainingOptions Training, EngineKind Engine = EngineKind.Auto)
{
    /// <summary>Models per engine: bounds the memory one engine holds (windows, weights, moments, one launch's buffers).</summary>
    public const int MaxModelsPerEngine = 1024;

    /// <summary>Each series scaled and windowed, and those too short (or otherwise unfit) to train, with why.</summary>
    public (IReadOnlyList<(Series Series, ForecastData Data)> Ready, IReadOnlyList<SkippedSeries> Skipped) Prepare()
    {
        if (Spec.Features != 1) throw new GpuRnnInputException($"one model per series takes one feature, the series itself (the spec has {Spec.Features})");
        if (Spec.TimeSteps != Windowing.TimeSteps)
            throw new GpuRnnInputException($"the model spec says {Spec.TimeSteps} time steps but the windowing {Windowing.TimeSteps}");
        Training.Validated();
        // Each series on its own, on every core; the results keep the file's order.
        var prepared = new (ForecastData? Data, string? Why)[Data.Series.Count];
        Parallel.For(0, prepared.Length, i =>
        {
            try
            {
                var data = ForecastData.Prepare(Data.Series[i], Windowing);
                Trainer.CheckHoldOut(data.Train.Count, Training.ValidationSplit);
                prepared[i] = (data, null);
            }
            catch (GpuRnnInputException e) { prepared[i] = (null, e.Message); }
        });
        var ready = new List<(Series, ForecastData)>();
        var skipped = new List<SkippedSeries>(Data.Skipped);
        for (int i = 0; i < prepared.Length; i++)
            if (prepared[i].Data is { } data) ready.Add((Data.Series[i], data));
            else skipped.Add(new SkippedSeries(Data.Series[i].Name, prepared[i].Why!));
        return (ready, skipped);
    }

    /// <param name="onGroup">Hears how many models each engine is about to train (for progress).</param>
    public ManySeriesResult Run(Action<int>? onGroup = null)
    {
        var (ready, skipped) = Prepare();
        if (ready.Count == 0)
            throw new GpuRnnInputException($"no series to train: all {skipped.Count} were skipped" + (skipped.Count > 0 ? $" (first: '{skipped[0].Id}': {skipped[0].Reason})" : ""));
        var layout = Spec.Validated().Layout();
        var models = new SeriesModel[ready.Count];
        string engineName = "";
        var clock = Stopwatch.StartNew();
        // Series with as many training and test windows train together; a model's result never depends on its company.
        var groups = Enumerable.Range(0, ready.Count).GroupBy(i => (ready[i].Data.Train.Count, ready[i].Data.Test.Count))
            .SelectMany(g => g.Chunk(MaxModelsPerEngine));
        foreach (var group in groups)
        {
            onGroup?.Invoke(group.Length);
            var data = group.Select(i => ready[i].Data).ToArray();
            var seeds = group.Select(i => SeriesSeed.Of(Training.Seed, ready[i].Series.Name)).ToArray();
            var setup = Stopwatch.StartNew();
            var work = TrainingWork.Of(layout, data[0].Train.TimeSteps, data[0].Train.Count, Training.Epochs, Training.BatchSize, group.Length);
            using var engine = EngineFactory.Create(Engine, Spec, group.Length, work);
            engine.SetParameters([.. seeds.SelectMany(seed => Initializers.KerasDefaults(layout, seed))]);
            setup.Stop();
            engineName = engine.Name;
            var histories = Trainer.FitPerModel(engine, [.. data.Select(d => d.Train)], Training,
                [.. seeds.Select(seed => new ModelVariant(seed, Training.Adam.LearningRate))]);
            var parameters = engine.GetParameters();
            var train = engine.PredictPerModel(WindowSet.Concat([.. data.Select(d => d.Train)]));
            var test = engine.PredictPerModel(WindowSet.Concat([.. data.Select(d => d.Test)]));
            int p = layout.Count, trainOut = data[0].Train.Y.Length, testOut = data[0].Test.Y.Length;
            for (int m = 0; m < group.Length; m++)
                models[group[m]] = new SeriesModel(ready[group[m]].Series.Name, seeds[m], new TrainingResult(data[m], Spec,
                    parameters.AsSpan(m * p, p).ToArray(), train.AsSpan(m * trainOut, trainOut).ToArray(), test.AsSpan(m * testOut, testOut).ToArray(),
                    histories[m], engine.Name, setup.Elapsed));
        }
        return new ManySeriesResult(models, skipped, engineName, clock.Elapsed);
    }
}
