using System.Diagnostics;
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

    public TrainingOptions Validated()
    {
        if (Epochs < 0) throw new GpuRnnInputException($"epochs must be 0 or more (got {Epochs})");
        if (BatchSize < 1) throw new GpuRnnInputException($"batch size must be at least 1 (got {BatchSize})");
        if (!(Adam.LearningRate > 0) || !float.IsFinite(Adam.LearningRate))
            throw new GpuRnnInputException($"learning rate must be a positive number (got {Adam.LearningRate})");
        return this;
    }
}

/// <summary>What one epoch did: Keras's epoch loss (mean squared error over the epoch's windows) and its time.</summary>
public sealed record EpochReport(int Epoch, int Epochs, double Loss, TimeSpan Elapsed);

public sealed record TrainingHistory(IReadOnlyList<EpochReport> Epochs, TimeSpan Elapsed, int Steps);

/// <summary>
/// The training host: epochs, shuffling and batching, and Adam's per-iteration step size. It knows nothing of the
/// engine's device; every engine is driven the same way.
/// </summary>
public static class Trainer
{
    public static TrainingHistory Fit(IRnnEngine engine, WindowSet train, TrainingOptions options, Action<EpochReport>? onEpoch = null)
    {
        options.Validated();
        if (train.Count == 0) throw new GpuRnnInputException("there are no training windows");
        engine.SetTrainingData(train);
        engine.TakeLossSum();
        var rng = new Random(ShuffleSeed(options.Seed));
        var order = Enumerable.Range(0, train.Count).ToArray();
        var epochs = new List<EpochReport>();
        int iteration = 0;
        var total = Stopwatch.StartNew();
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            if (options.Shuffle) rng.Shuffle(order);
            engine.SetOrder(order);
            for (int start = 0; start < train.Count; start += options.BatchSize)
            {
                int count = Math.Min(options.BatchSize, train.Count - start);
                engine.Forward(start, count);
                engine.Backward();
                engine.ApplyAdam(options.Adam.StepFor(++iteration));
            }
            double loss = engine.TakeLossSum() / train.Count;
            var report = new EpochReport(epoch, options.Epochs, loss, clock.Elapsed);
            epochs.Add(report);
            onEpoch?.Invoke(report);
            if (!double.IsFinite(loss))
                throw new TrainingDivergedException(epoch, loss);
        }
        return new TrainingHistory(epochs, total.Elapsed, iteration);
    }

    /// <summary>Shuffling draws from its own stream so that changing the initialiser never changes the batches.</summary>
    static int ShuffleSeed(int seed) => unchecked(seed * 7919 + 17);
}

/// <summary>The loss became NaN or infinite: training stops with a clear message rather than printing garbage.</summary>
public sealed class TrainingDivergedException(int epoch, double loss)
    : Exception($"training diverged at epoch {epoch}: the loss is {loss} (try a smaller learning rate)")
{
    public int Epoch { get; } = epoch;
}
