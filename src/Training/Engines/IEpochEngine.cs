namespace GpuRnn.Training.Engines;

/// <summary>
/// An engine that can run a whole epoch itself, e.g. in a single device launch, instead of being driven batch by
/// batch. The result must equal the per-batch path (Forward, Backward, ApplyAdam for each batch) within float
/// rounding.
/// </summary>
public interface IEpochEngine : IRnnEngine
{
    /// <summary>Whether <see cref="TrainEpoch"/> can run an epoch of this batch size (else the trainer's per-batch loop runs).</summary>
    bool CanTrainEpoch(int batchSize);

    /// <summary>
    /// Trains one epoch over the windows in the current order (<see cref="IRnnEngine.SetOrder"/>), in batches of
    /// <paramref name="batchSize"/> (the last may be short), batch b taking Adam steps <c>steps[b·M .. (b + 1)·M)</c>
    /// (one per model); adds each window's loss to the accumulators read by <see cref="IRnnEngine.TakeLossSums"/>.
    /// </summary>
    void TrainEpoch(int batchSize, ReadOnlySpan<AdamStep> steps);
}
