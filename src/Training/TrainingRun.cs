using System.Diagnostics;
using GpuRnn.Training.Data;
using GpuRnn.Training.Engines;
using GpuRnn.Training.Model;

namespace GpuRnn.Training;

/// <summary>Everything a forecasting run produced: predictions, errors in both units, history, weights.</summary>
public sealed record TrainingResult(
    ForecastData Data,
    ModelSpec Spec,
    float[] Parameters,
    float[] TrainPredictions,
    float[] TestPredictions,
    TrainingHistory History,
    string EngineName,
    TimeSpan EngineSetup)
{
    /// <summary>
    /// Time spent drawing the initial weights (zero when they were given): Keras's orthogonal initialiser is a QR
    /// decomposition, O(hidden³), so for thousands of units it is seconds that neither setup nor training includes.
    /// </summary>
    public TimeSpan InitializationTime { get; init; }

    public double TrainRmse => Metrics.Rmse(TrainPredictions, Data.Train.Y);
    public double TestRmse => Metrics.Rmse(TestPredictions, Data.Test.Y);
    public double TrainRmseOriginal => RmseOriginal(TrainPredictions, test: false);
    public double TestRmseOriginal => RmseOriginal(TestPredictions, test: true);

    /// <summary>RMSE and MAE on every window before the split (validation windows included), in both units, beside the
    /// naive last-value forecast's on the same windows.</summary>
    public Evaluation TrainEvaluation => Evaluate(TrainPredictions, test: false);

    /// <summary>RMSE and MAE on the test windows, in both units, beside the naive last-value forecast's.</summary>
    public Evaluation TestEvaluation => Evaluate(TestPredictions, test: true);

    /// <summary>Predictions back in the series' own units.</summary>
    public double[] Original(ReadOnlySpan<float> scaled)
    {
        var result = new double[scaled.Length];
        for (int i = 0; i < scaled.Length; i++) result[i] = Data.Scaler.Inverse(scaled[i]);
        return result;
    }

    double RmseOriginal(float[] predicted, bool test) => Evaluate(predicted, test).Model.Original.Rmse;

    Evaluation Evaluate(float[] predicted, bool test)
    {
        var targets = new int[predicted.Length];
        for (int i = 0; i < targets.Length; i++) targets[i] = Data.TargetIndex(i, test);
        return Evaluation.Of(predicted, test ? Data.Test : Data.Train, Data.Series.Values, targets, Data.Scaler);
    }
}

/// <summary>
/// The tutorial as one call: series → scaled windows → engine → trained weights → predictions and RMSE.
/// </summary>
public record TrainingRun(Series Series, ModelSpec Spec, WindowingOptions Windowing, TrainingOptions Training, EngineKind Engine = EngineKind.Auto)
{
    /// <summary>
    /// The input columns, one feature each in this order (the spec's <see cref="ModelSpec.Features"/> of them), of
    /// which <see cref="Series"/> is the target and may or may not be one; null: <see cref="Series"/> is the only input.
    /// </summary>
    public IReadOnlyList<Series>? Inputs { get; init; }

    /// <summary>Starting weights (flat, Keras order); Keras's initialisers from the seed when null.</summary>
    public float[]? InitialWeights { get; init; }

    /// <summary>
    /// The series scaled and windowed, checked as training will use it (enough windows, a validation split that
    /// leaves some on both sides): the one preparation a caller validates with and then runs on.
    /// </summary>
    public ForecastData Prepare()
    {
        // The windows own the length (the weights do not depend on it); a spec that says otherwise is a mistake to
        // name, not to resolve silently one way or the other.
        if (Spec.TimeSteps != Windowing.TimeSteps)
            throw new GpuRnnInputException($"the model spec says {Spec.TimeSteps} time steps but the windowing {Windowing.TimeSteps}: the windows set the length (new WindowingOptions(TimeSteps: {Spec.TimeSteps}))");
        var inputs = Inputs ?? [Series];
        if (Spec.Features != inputs.Count)
            throw new GpuRnnInputException($"the model spec says {Spec.Features} feature(s) but {inputs.Count} input column(s) were given ({string.Join(", ", inputs.Select(s => s.Name))})");
        var data = ForecastData.Prepare(inputs, Series, Windowing);
        Trainer.CheckHoldOut(data.Train.Count, Training.ValidationSplit);
        return data;
    }

    public TrainingResult Run(Action<EpochReport>? onEpoch = null) => Run(Prepare(), onEpoch);

    /// <summary>Trains on data from <see cref="Prepare"/> (so a caller that showed or checked it does not prepare twice).</summary>
    /// <param name="onBatch">Hears each batch as it ends: progress inside long epochs.</param>
    public TrainingResult Run(ForecastData data, Action<EpochReport>? onEpoch = null, Action<BatchProgress>? onBatch = null)
    {
        var layout = Spec.Validated().Layout();
        var init = Stopwatch.StartNew();
        var initial = InitialWeights ?? Initializers.KerasDefaults(layout, Training.Seed);
        init.Stop();
        var setup = Stopwatch.StartNew();
        var work = TrainingWork.Of(layout, data.Train.TimeSteps, data.Train.Count, Training.Epochs, Training.BatchSize);
        using var engine = EngineFactory.Create(Engine, Spec, work: work);
        engine.SetParameters(initial);
        engine.PrepareFor(data.Train.Count, Training.BatchSize);
        setup.Stop();
        var history = Trainer.Fit(engine, data.Train, Training, onEpoch, onBatch);
        return new TrainingResult(data, Spec, engine.GetParameters(), engine.Predict(data.Train), engine.Predict(data.Test),
            history, engine.Name, setup.Elapsed) { InitializationTime = InitialWeights is null ? init.Elapsed : TimeSpan.Zero };
    }
}

/// <summary>The old name of <see cref="TrainingRun"/>, kept so that code written against it still builds.</summary>
[Obsolete("Renamed TrainingRun: it is one training run (the multi-step forecast is Forecasting.Recursive).")]
public sealed record ForecastJob(Series Series, ModelSpec Spec, WindowingOptions Windowing, TrainingOptions Training, EngineKind Engine = EngineKind.Auto)
    : TrainingRun(Series, Spec, Windowing, Training, Engine);
