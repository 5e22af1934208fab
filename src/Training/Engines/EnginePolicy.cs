using GpuRnn.Kernels;
using GpuRnn.Training.Engines.Ilgpu;

namespace GpuRnn.Training.Engines;

/// <summary>The size of a training job, for deciding where it runs: its floating-point work and its Adam steps.</summary>
public readonly record struct TrainingWork(double FloatingPointOperations, long AdamSteps)
{
    /// <summary>
    /// <paramref name="models"/> models trained <paramref name="epochs"/> epochs on <paramref name="windows"/> windows:
    /// 2 FLOP per forward multiply–add, and BPTT's two products per forward one, so 6 per multiply–add.
    /// </summary>
    public static TrainingWork Of(ParameterLayout layout, int timeSteps, int windows, int epochs, int batchSize, int models = 1) =>
        new(6.0 * layout.ForwardMultiplyAdds(timeSteps) * windows * epochs * models, (long)epochs * ((windows + batchSize - 1) / Math.Max(1, batchSize)));

    public static TrainingWork operator +(TrainingWork a, TrainingWork b) => new(a.FloatingPointOperations + b.FloatingPointOperations, a.AdamSteps + b.AdamSteps);
}

/// <summary>
/// What <c>auto</c> means, for train and sweep alike, in one place: a GPU (CUDA, else an OpenCL GPU) when one is here
/// and the job is big enough to repay its start-up, else the SIMD CPU engine (ILGPU's CPU accelerator is a simulator
/// for checking kernels, far slower than either CPU engine). Other kinds are themselves.
/// </summary>
/// <remarks>
/// The cost model compares <see cref="CpuSeconds"/> with <see cref="GpuSeconds"/>. Its constants are estimates,
/// stated so they can be corrected: the SIMD engine sustains 40–200 GFLOP/s on this project's 2-core benchmark
/// machine (docs/performance.md), so 50 GFLOP/s stands for a small job; a GPU costs about 1.5 s before the first
/// step (context ~0.2 s, three kernels compiled at 0.15–0.45 s each, data copied), ~10 µs per launch (two per
/// step), and is taken to run the tile kernels at 5 TFLOP/s (under 10% of an H200's fp32 peak: no GPU has been lent
/// to measure it). The crossover is near 80 GFLOP of work: the tutorial (≈ 3 MFLOP) stays on the CPU, the
/// benchmark's w2 over 20 epochs (≈ 150 GFLOP) goes to the GPU.
/// </remarks>
public static class EnginePolicy
{
    public const double CpuFlopsPerSecond = 50e9;
    public const double GpuFlopsPerSecond = 5e12;
    public const double GpuStartSeconds = 1.5;
    public const double LaunchSeconds = 10e-6;

    /// <summary>The engine for <paramref name="requested"/>: itself unless <c>auto</c>; for <c>auto</c>, by the cost model when the work is known, else a GPU where there is one.</summary>
    public static EngineKind Choose(EngineKind requested, TrainingWork? work = null)
    {
        if (requested != EngineKind.Auto) return requested;
        // A job the CPU finishes before any GPU could have started: no GPU is probed (probing costs ~0.1 s here).
        if (work is { } small && CpuSeconds(small) <= GpuStartSeconds) return EngineKind.Simd;
        if (IlgpuDevices.BestGpu() is not { } gpu) return EngineKind.Simd;
        return work is { } w && CpuSeconds(w) <= GpuSeconds(w) ? EngineKind.Simd : gpu;
    }

    public static double CpuSeconds(TrainingWork work) => work.FloatingPointOperations / CpuFlopsPerSecond;

    public static double GpuSeconds(TrainingWork work) =>
        GpuStartSeconds + 2 * LaunchSeconds * work.AdamSteps + work.FloatingPointOperations / GpuFlopsPerSecond;
}
