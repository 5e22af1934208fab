namespace GpuRnn.Training.Sweep;

/// <summary>One configuration of a sweep.</summary>
public sealed record SweepConfig(int Hidden, int TimeSteps, int Seed, float LearningRate);

/// <summary>The grid: every combination of the listed hidden sizes, time steps, seeds and learning rates.</summary>
public sealed record SweepGrid(IReadOnlyList<int> Hidden, IReadOnlyList<int> TimeSteps, IReadOnlyList<int> Seeds, IReadOnlyList<float> LearningRates)
{
    public IEnumerable<SweepConfig> Configs() =>
        from h in Hidden from t in TimeSteps from s in Seeds from lr in LearningRates select new SweepConfig(h, t, s, lr);

    public int Count => Hidden.Count * TimeSteps.Count * Seeds.Count * LearningRates.Count;

    public SweepGrid Validated()
    {
        if (Count == 0) throw new GpuRnnInputException("the sweep grid is empty: give at least one value for each list");
        if (Count > 100_000) throw new GpuRnnInputException($"the sweep grid has {Count} configurations; at most 100000");
        if (Hidden.Any(h => h < 1 || h > 4096)) throw new GpuRnnInputException("hidden sizes must be between 1 and 4096");
        if (TimeSteps.Any(t => t < 1 || t > 100_000)) throw new GpuRnnInputException("time steps must be between 1 and 100000");
        if (LearningRates.Any(lr => !(lr > 0) || !float.IsFinite(lr))) throw new GpuRnnInputException("learning rates must be positive numbers");
        return this;
    }
}
