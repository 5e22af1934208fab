using System.Diagnostics;
using System.Runtime.CompilerServices;
using GpuRnn.Training.Data;
using GpuRnn.Training.Engines;

namespace GpuRnn.Training;

/// <summary>How <see cref="Trainer"/> runs: Keras's <c>fit</c> defaults, except the tutorial's batch size 1.</summary>
public sealed record TrainingOptions
{
    public int Epochs { get; init; } = 20;
    public int BatchSize { get; init; } = 1;
    public bool Shuffle { get; init; } = true;
    public int Seed { get; init; } = 1;
    public AdamOptions Adam { get; init; } = new();

    /// <summary>Fraction of the training windows held out for validation: the last ones, taken before shuffling, as Keras's <c>validation_split</c>.</summary>
    public double ValidationSplit { get; init; }

    /// <summary>
    /// Keras's <c>EarlyStopping(patience, restore_best_weights=True)</c> on the validation loss (the training loss
    /// without validation): stop after this many epochs without improvement and keep the best epoch's weights.
    /// </summary>
    public int? EarlyStoppingPatience { get; init; }

    /// <summary>Stop between batches once training has run this long (for timing a sample of the work, as the
    /// baseline estimate does); the history says when it did.</summary>
    public TimeSpan? TimeLimit { get; init; }

    public TrainingOptions Validated()
    {
        if (Epochs < 0) throw new GpuRnnInputException($"epochs must be 0 or more (got {Epochs})");
        if (BatchSize < 1) throw new GpuRnnInputException($"batch size must be at least 1 (got {BatchSize})");
        if (!(Adam.LearningRate > 0) || !float.IsFinite(Adam.LearningRate))
            throw new GpuRnnInputException($"learning rate must be a positive number (got {Adam.LearningRate})");
        if (!(ValidationSplit >= 0 && ValidationSplit < 1))
            throw new GpuRnnInputException($"validation split must be in [0, 1) (got {ValidationSplit})");
        if (EarlyStoppingPatience is < 1) throw new GpuRnnInputException($"early-stopping patience must be at least 1 (got {EarlyStoppingPatience})");
        return this;
    }
}

/// <summary>
/// What one epoch did: Keras's epoch loss (mean squared error over the epoch's windows), the validation loss when
/// windows are held out, and the epoch's time.
/// </summary>
public sealed record EpochReport(int Epoch, int Epochs, double Loss, double? ValidationLoss, TimeSpan Elapsed);

/// <summary>The epochs run, the total time and steps, and where early stopping ended (when it did).</summary>
public sealed record TrainingHistory(IReadOnlyList<EpochReport> Epochs, TimeSpan Elapsed, int Steps)
{
    /// <summary>The epoch whose weights the engine holds at the end (the best one when early stopping restored it).</summary>
    public int? RestoredEpoch { get; init; }

    public bool StoppedEarly { get; init; }

    /// <summary>Training stopped at <see cref="TrainingOptions.TimeLimit"/>, part-way through an epoch.</summary>
    public bool StoppedByTimeLimit { get; init; }
}

/// <summary>Where training is inside an epoch: batch <see cref="Batch"/> of <see cref="Batches"/> has ended.</summary>
public readonly record struct BatchProgress(int Epoch, int Epochs, int Batch, int Batches)
{
    /// <summary>The share of the whole run done, 0 … 1.</summary>
    public double Fraction => (Epoch - 1 + (double)Batch / Batches) / Epochs;
}

/// <summary>What differs between the models an engine trains together: the seed (initial weights and shuffling) and the learning rate.</summary>
public readonly record struct ModelVariant(int Seed, float LearningRate);

/// <summary>
/// The training host: epochs, shuffling and batching, Adam's per-iteration step size, validation and early
/// stopping, for one model or for M models of one shape trained together. It knows nothing of the engine's device;
/// every engine, the sweep and the benchmarks are driven by this one loop.
/// </summary>
public static class Trainer
{
    /// <summary>Trains the engine's one model with <paramref name="options"/>' seed and learning rate.</summary>
    /// <param name="onBatch">Hears each batch as it ends (for progress inside long epochs; not called inside an epoch an engine fuses).</param>
    public static TrainingHistory Fit(IRnnEngine engine, WindowSet windows, TrainingOptions options, Action<EpochReport>? onEpoch = null,
        Action<BatchProgress>? onBatch = null) =>
        Fit(engine, windows, options, [new ModelVariant(options.Seed, options.Adam.LearningRate)], onEpoch, onBatch)[0];

    /// <summary>
    /// Trains the engine's M models together, model m with <paramref name="models"/>[m]'s seed (its shuffles; the
    /// caller sets its initial weights) and learning rate, everything else from <paramref name="options"/>. Each
    /// model's history is what it would be trained alone. With one model, <paramref name="onEpoch"/> hears each
    /// epoch and a diverged loss throws; with several, a diverged model trains on to NaN figures and the others are
    /// untouched.
    /// </summary>
    public static IReadOnlyList<TrainingHistory> Fit(IRnnEngine engine, WindowSet windows, TrainingOptions options, IReadOnlyList<ModelVariant> models,
        Action<EpochReport>? onEpoch = null, Action<BatchProgress>? onBatch = null)
    {
        options.Validated();
        var (train, validation) = HoldOut(windows, options.ValidationSplit);
        if (train.Count == 0) throw new GpuRnnInputException("there are no training windows");
        engine.SetTrainingData(train);
        engine.PrepareFor(train.Count, options.BatchSize, validation?.Count ?? 0);
        return Fit(engine, train.Count, options, models, validation is null ? null : () => engine.Predict(validation), _ => validation!.Y, onEpoch, onBatch);
    }

    /// <summary>
    /// Trains model m on its own windows, <paramref name="windows"/>[m] (one model per series), all with as many
    /// windows: each model's result is what <see cref="Fit(IRnnEngine, WindowSet, TrainingOptions, Action{EpochReport}?, Action{BatchProgress}?)"/>
    /// gives it trained alone on its windows with its variant's seed and learning rate. Each model holds out its own
    /// validation windows.
    /// </summary>
    public static IReadOnlyList<TrainingHistory> FitPerModel(IRnnEngine engine, IReadOnlyList<WindowSet> windows, TrainingOptions options,
        IReadOnlyList<ModelVariant> models, Action<BatchProgress>? onBatch = null)
    {
        options.Validated();
        if (windows.Count != models.Count) throw new ArgumentException($"{windows.Count} window sets for {models.Count} models");
        if (windows.Any(w => w.Count != windows[0].Count)) throw new ArgumentException("models trained together need as many windows each");
        var split = windows.Select(w => HoldOut(w, options.ValidationSplit)).ToArray();
        if (split[0].Train.Count == 0) throw new GpuRnnInputException("there are no training windows");
        engine.SetTrainingDataPerModel(WindowSet.Concat([.. split.Select(s => s.Train)]));
        var validation = split[0].Validation is null ? null : WindowSet.Concat([.. split.Select(s => s.Validation!)]);
        engine.PrepareFor(split[0].Train.Count, options.BatchSize, validation?.Count ?? 0);
        return Fit(engine, split[0].Train.Count, options, models, validation is null ? null : () => engine.PredictPerModel(validation),
            m => split[m].Validation!.Y, onEpoch: null, onBatch);
    }

    /// <param name="n">Training windows per model.</param>
    /// <param name="predictValidation">Every model's validation outputs, model-major (null: no validation).</param>
    /// <param name="validationTargets">Model m's validation targets.</param>
    static IReadOnlyList<TrainingHistory> Fit(IRnnEngine engine, int n, TrainingOptions options, IReadOnlyList<ModelVariant> models,
        Func<float[]>? predictValidation, Func<int, float[]> validationTargets, Action<EpochReport>? onEpoch, Action<BatchProgress>? onBatch)
    {
        int count = models.Count, parameters = engine.Layout.Count;
        if (engine.Models != count) throw new ArgumentException($"the engine trains {engine.Models} models; {count} were described");
        engine.TakeLossSums();
        var shuffles = models.Select(m => new ShuffleSchedule(m.Seed, n, options.Shuffle)).ToArray();
        var orders = new int[count * n];
        var adam = new AdamSchedule(options.Adam, [.. models.Select(m => m.LearningRate)]);
        var epochs = models.Select(_ => new List<EpochReport>()).ToArray();
        var stopping = options.EarlyStoppingPatience is { } patience ? models.Select(_ => new EarlyStopping(patience)).ToArray() : null;
        var stopped = new bool[count];
        var total = Stopwatch.StartNew();
        long? deadline = options.TimeLimit is { } limit ? Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency) : null;
        bool timedOut = false;
        for (int epoch = 1; epoch <= options.Epochs && !stopped.All(s => s); epoch++)
        {
            var clock = Stopwatch.StartNew();
            for (int m = 0; m < count; m++) shuffles[m].Next().CopyTo(orders, m * n);
            engine.SetOrder(orders);
            int current = epoch, batches = StepsPerEpoch(n, options.BatchSize);
            Action<int>? batchDone = onBatch is null ? null : done => onBatch(new BatchProgress(current, options.Epochs, done, batches));
            if (RunEpoch(engine, n, options.BatchSize, adam, deadline, batchDone) < batches)
            {
                engine.TakeLossSums(); // a partial epoch's loss is no epoch loss
                timedOut = true;
                break;
            }
            var losses = engine.TakeLossSums();
            var predicted = predictValidation?.Invoke();
            float[]? weights = null; // read once per epoch, only if some model improved
            for (int m = 0; m < count; m++)
            {
                if (stopped[m]) continue; // stopped early: later epochs are not this model's
                double loss = losses[m] / n;
                var targets = predicted is null ? null : validationTargets(m);
                double? validationLoss = targets is null ? null
                    : Math.Pow(Metrics.Rmse(predicted.AsSpan(m * targets.Length, targets.Length), targets), 2);
                var report = new EpochReport(epoch, options.Epochs, loss, validationLoss, clock.Elapsed);
                epochs[m].Add(report);
                if (count == 1)
                {
                    onEpoch?.Invoke(report);
                    if (!double.IsFinite(loss) || validationLoss is { } v && !double.IsFinite(v))
                        throw new TrainingDivergedException(epoch, double.IsFinite(loss) ? validationLoss!.Value : loss);
                }
                int model = m;
                stopped[m] = stopping?[m].ShouldStop(epoch, validationLoss ?? loss,
                    () => (weights ??= engine.GetParameters()).AsSpan(model * parameters, parameters).ToArray()) ?? false;
            }
        }
        var histories = new TrainingHistory[count];
        for (int m = 0; m < count; m++)
            histories[m] = new TrainingHistory(epochs[m], total.Elapsed, adam.Iteration) { StoppedByTimeLimit = timedOut };
        if (stopping is not null && stopping.Any(s => s.Best is not null))
        {
            var restored = engine.GetParameters();
            for (int m = 0; m < count; m++)
                if (stopping[m].Best is { } best)
                {
                    best.Parameters.CopyTo(restored, m * parameters);
                    histories[m] = histories[m] with { RestoredEpoch = best.Epoch, StoppedEarly = epochs[m].Count < options.Epochs };
                }
            engine.SetParameters(restored);
        }
        return histories;
    }

    /// <summary>
    /// The one epoch loop: over the <paramref name="windowCount"/> training windows in the engine's current orders,
    /// in batches of <paramref name="batchSize"/> (the last may be short), each batch taking <paramref name="adam"/>'s
    /// next steps. An engine that can fuse the whole epoch (e.g. in one device launch) for this batch size does so;
    /// it promises this loop's result. Stops between batches once <paramref name="deadline"/> (a
    /// <see cref="Stopwatch"/> timestamp) has passed. Returns the Adam steps taken. The trainer, the benchmarks and
    /// the tests all train through here.
    /// </summary>
    // Fully optimised from its first call: an epoch runs this loop thousands of times at batch 1, and a tier-0 or
    // on-stack-replaced copy made run-to-run timings (the sweep's one-at-a-time baseline) swing by a third.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int RunEpoch(IRnnEngine engine, int windowCount, int batchSize, AdamSchedule adam, long? deadline = null, Action<int>? onBatch = null)
    {
        if (deadline is null && engine is IEpochEngine fused && fused.CanTrainEpoch(batchSize))
        {
            int batches = StepsPerEpoch(windowCount, batchSize);
            fused.TrainEpoch(batchSize, adam.Next(batches));
            return batches;
        }
        int steps = 0;
        for (int start = 0; start < windowCount; start += batchSize, steps++)
        {
            if (deadline is { } d && Stopwatch.GetTimestamp() > d) break;
            engine.Forward(start, Math.Min(batchSize, windowCount - start));
            engine.Backward();
            engine.ApplyAdam(adam.Next());
            onBatch?.Invoke(steps + 1);
        }
        return steps;
    }

    public static int StepsPerEpoch(int windowCount, int batchSize) => (windowCount + batchSize - 1) / batchSize;

    /// <summary>Keras's <c>validation_split</c>: the last <c>n − floor(n·(1 − fraction))</c> windows, before any shuffling.</summary>
    public static (WindowSet Train, WindowSet? Validation) HoldOut(WindowSet windows, double fraction)
    {
        if (fraction <= 0) return (windows, null);
        int keep = CheckHoldOut(windows.Count, fraction);
        return (windows.Slice(0, keep), windows.Slice(keep, windows.Count - keep));
    }

    /// <summary>How many of <paramref name="count"/> windows <see cref="HoldOut"/> keeps for training; refuses a split that leaves either side empty.</summary>
    public static int CheckHoldOut(int count, double fraction)
    {
        if (fraction <= 0) return count;
        int keep = (int)Math.Floor(count * (1 - fraction));
        if (keep < 1 || keep == count)
            throw new GpuRnnInputException($"a validation split of {fraction} leaves {keep} of {count} windows for training and {count - keep} for validation; both need at least one");
        return keep;
    }

}

/// <summary>The loss became NaN or infinite: training stops with a clear message rather than printing garbage.</summary>
public sealed class TrainingDivergedException(int epoch, double loss)
    : Exception($"training diverged at epoch {epoch}: the loss is {loss} (try a smaller learning rate)")
{
    public int Epoch { get; } = epoch;
}

/// <summary>Keras's EarlyStopping with <c>restore_best_weights=True</c> and <c>min_delta=0</c>.</summary>
sealed class EarlyStopping(int patience)
{
    int wait;

    public (int Epoch, double Loss, float[] Parameters)? Best { get; private set; }

    public bool ShouldStop(int epoch, double loss, Func<float[]> parameters)
    {
        if (Best is null || loss < Best.Value.Loss)
        {
            Best = (epoch, loss, parameters());
            wait = 0;
            return false;
        }
        return ++wait >= patience;
    }
}

/// <summary>
/// The order in which each epoch visits the windows: a fresh seeded shuffle per epoch (Keras's <c>shuffle=True</c>),
/// or the plain order. Every trainer that must reproduce <c>Trainer.Fit</c> draws from this.
/// </summary>
public sealed class ShuffleSchedule(int seed, int count, bool shuffle)
{
    // Shuffling draws from its own stream so that changing the initialiser never changes the batches.
    readonly SeededRandom rng = new(seed, RandomStream.Shuffle);
    readonly int[] order = [.. Enumerable.Range(0, count)];

    /// <summary>The next epoch's order (the same array, reshuffled in place).</summary>
    public int[] Next()
    {
        if (shuffle) rng.Shuffle(order.AsSpan());
        return order;
    }
}
