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
/// The cost model compares <see cref="CpuSeconds"/> with <see cref="GpuSeconds"/>. Its GPU constants were measured on
/// an H200 (2026-11-29, docs/performance.md): the whole tutorial process took 1.2–1.9 s longer on cuda than on simd
/// (CUDA context, kernel compilation 0.8–1.25 s, data copied), so 1.5 s to start; w1 (work too small to matter) ran
/// 98 steps an epoch at 65 µs a step, so 30 µs per launch, host work included (two per step); w3 trained at 2.45
/// TFLOP/s. The CPU's 50 GFLOP/s stands for a small job on the SIMD engine, which sustains 40–200 GFLOP/s on the
/// 2-core benchmark machine. The crossover is near 80 GFLOP of work: the tutorial (≈ 3 MFLOP) stays on the CPU, the
/// benchmark's w2 over 20 epochs (≈ 150 GFLOP) goes to the GPU.
/// </remarks>
public static class EnginePolicy
{
    public const double CpuFlopsPerSecond = 50e9;
    public const double GpuFlopsPerSecond = 2.5e12;
    public const double GpuStartSeconds = 1.5;
    public const double LaunchSeconds = 30e-6;

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
