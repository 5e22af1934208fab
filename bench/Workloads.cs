using GpuRnn.Kernels;
using GpuRnn.Training.Data;
using GpuRnn.Training.Engines;
using GpuRnn.Training.Model;

namespace GpuRnn.Bench;

/// <summary>A benchmark workload: a model, its training windows and the batch size.</summary>
public sealed record Workload(string Name, ModelSpec Spec, int BatchSize, int Windows, string Description)
{
    /// <summary>
    /// Windows an engine trains on per epoch here. The reference engines (scalar, the ILGPU CPU simulator) are
    /// 10–1000× slower, so they get fewer windows on the big workloads; results are reported per window. Quick mode
    /// trims the fast engines too.
    /// </summary>
    public int WindowsFor(EngineKind kind, bool quick)
    {
        // ILGPU's CPU accelerator simulates every group barrier with OS threads (~0.3 ms each): it is here to
        // show the ILGPU engine runs and what its kernels cost on the simulator, so it gets few windows.
        if (kind == EngineKind.IlgpuCpu)
            return Math.Min(Windows, (Name, quick) switch
            {
                ("w1", true) => 4_096,
                ("w1", false) => 20_480,
                ("w2", true) => 1_024,
                ("w2", false) => 2_048,
                ("w3", true) => 128,
                ("w3", false) => 256,
                _ => int.MaxValue,
            });
        bool slow = kind is EngineKind.Scalar;
        int cap = (Name, slow, quick) switch
        {
            ("w2", true, _) => 10_240,
            ("w3", true, _) => 1_024,
            ("w1", false, true) => 50_000,
            ("w2", false, true) => 20_480,
            ("w3", false, true) => 4_096,
            _ => int.MaxValue,
        };
        return Math.Min(Windows, cap);
    }

    public WindowSet Data(int count) => Name == "tutorial" ? TutorialWindows() : SyntheticWindows(Spec, count, seed: 42);

    public float[] InitialParameters() => Initializers.KerasDefaults(Spec.Layout(), seed: 1);

    static WindowSet TutorialWindows() => ForecastData.Prepare(SunspotsDataset.Load(), new WindowingOptions()).Train;

    /// <summary>Noisy sine waves of random phase and period, scaled to [0, 1], each followed by its next value.</summary>
    static WindowSet SyntheticWindows(ModelSpec spec, int count, int seed)
    {
        var rng = new Random(seed);
        int steps = spec.TimeSteps;
        var x = new float[count * steps];
        var y = new float[count];
        for (int n = 0; n < count; n++)
        {
            double phase = rng.NextDouble() * 2 * Math.PI, omega = 0.1 + rng.NextDouble() * 0.5;
            for (int t = 0; t <= steps; t++)
            {
                float value = (float)(0.5 + 0.4 * Math.Sin(omega * t + phase) + 0.05 * (rng.NextDouble() - 0.5));
                if (t < steps) x[n * steps + t] = value; else y[n] = value;
            }
        }
        return new WindowSet(x, y, count, steps, 1, 1);
    }
}

public static class Workloads
{
    public static IReadOnlyList<Workload> All { get; } =
    [
        new("tutorial", ModelSpec.Tutorial, 1, 187, "sunspots, 187 windows, 12 steps, hidden 3, batch 1"),
        new("w1", Synthetic(12, 3), 1024, 100_000, "100 000 windows, 12 steps, hidden 3, batch 1024"),
        new("w2", Synthetic(12, 32), 1024, 100_000, "100 000 windows, 12 steps, hidden 32, batch 1024"),
        new("w3", Synthetic(48, 128), 1024, 100_000, "100 000 windows, 48 steps, hidden 128, batch 1024"),
    ];

    public static Workload Get(string name) => All.Single(w => w.Name == name);

    static ModelSpec Synthetic(int steps, int units) => new(1, [units], 1, Activation.Tanh, Activation.Tanh, steps);
}
